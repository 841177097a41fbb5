/**
 * Confidence: how sure each resolution reason is, keyed by (language, reason). The seed tiers below
 * (DESIGN.md) hold for a language whose plug-in has not been measured; a plug-in that has been measured
 * owns its table (`LanguagePlugin.confidence`, e.g. src/languages/typescript/confidence.ts, which
 * `codehub eval --calibrate` rewrites with the precision measured against that language's truth source).
 */
/**
 * Why an edge was drawn. The first five are the seed's tiers; the others are guesses or longer inferences whose
 * certainty differs, so each is measured on its own:
 * - `interface-impl`: a class implementing the interface member that is called (the compiler names the member);
 * - `unique-property`: the receiver is a property whose name is declared once in the repository, with a type;
 * - `name-only-builtin`: a `name-only` guess whose method name is also a runtime builtin method (`has`, `forEach`,
 *   `then`), so the receiver is as likely a builtin value as the repository's: measured apart from other name-only
 *   guesses, whose precision differs;
 * - `name-only-several`: a `name-only` guess among several candidates (one edge each): at most one is right.
 */
export type ResolvedReason =
  | 'import'
  | 'same-file'
  | 'receiver-typed'
  | 'interface'
  | 'name-only'
  | 'name-only-builtin'
  | 'name-only-several'
  | 'interface-impl'
  | 'unique-property';
/**
 * `resolver-error`: a call site the resolver failed on (a bug, counted apart). `ambiguous`: several definitions fit
 * equally — a call matched by name alone whose name is defined more than once (ResolutionRules.callsByName), or a
 * call that several overloads fit equally well by its argument types (ResolutionRules.chooseOverload). The
 * candidates are not drawn.
 */
export type UnresolvedReason =
  'builtin' | 'dynamic' | 'unknown' | 'ambiguous' | 'resolver-error' | `external:${string}`;
export type ReasonCode = ResolvedReason | UnresolvedReason;

/** Measured precision per resolved reason for one language; reasons left out fall back to the seed tiers. */
export type ConfidenceTable = Partial<Record<ResolvedReason, number>>;

export const SEED_CONFIDENCE: Readonly<Record<ResolvedReason, number>> = {
  import: 0.9,
  'same-file': 0.85,
  'receiver-typed': 0.8,
  interface: 0.7,
  'name-only': 0.45,
  'name-only-builtin': 0.2,
  'name-only-several': 0.45,
  'interface-impl': 0.45,
  'unique-property': 0.6,
};

/**
 * A possible caller: a call site left unresolved whose callee name is the symbol's name (`item.total()` with `item`
 * untyped). Change impact follows these so that no test hides behind an untyped receiver; not measured yet.
 */
export const UNRESOLVED_NAME_MATCH_CONFIDENCE = 0.2;

/**
 * A possible reader: a callable symbol in the same file as a changed variable, enum or module-level code (the graph
 * has call edges, not references, so which of them reads it is unknown). Not measured yet.
 */
export const SAME_FILE_READER_CONFIDENCE = 0.3;

/**
 * Confidence for a resolved edge from a language's measured table (seed tiers where it has no value). A measured
 * value is the precision of the reason's edges as drawn (one per candidate), so it is used as is; a seed tier for
 * a guess among several candidates is divided by their number.
 */
export function confidenceFor(
  reason: ResolvedReason,
  candidates = 1,
  measured: ConfidenceTable = {},
): number {
  const value = measured[reason];
  if (value !== undefined) return value;
  const base = SEED_CONFIDENCE[reason];
  if (
    (reason === 'name-only' ||
      reason === 'name-only-builtin' ||
      reason === 'name-only-several' ||
      reason === 'interface' ||
      reason === 'interface-impl') &&
    candidates > 1
  ) {
    return round2(base / candidates);
  }
  return base;
}

/** Edges at or above this confidence make the default view of pages and MCP answers; the rest are counted. */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

export function isResolvedReason(reason: string): reason is ResolvedReason {
  return reason in SEED_CONFIDENCE;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
