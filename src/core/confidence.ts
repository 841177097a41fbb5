/**
 * The confidence table: one place that says how sure each resolution reason is.
 * Values start at DESIGN.md's seed tiers; `codehub eval --calibrate` rewrites MEASURED below
 * with the precision measured against the TypeScript compiler (rounded to 0.05, ≥ 100 edges).
 */
export type ResolvedReason = 'import' | 'same-file' | 'receiver-typed' | 'interface' | 'name-only';
export type UnresolvedReason = 'builtin' | 'dynamic' | 'unknown' | `external:${string}`;
export type ReasonCode = ResolvedReason | UnresolvedReason;

export const SEED_CONFIDENCE: Readonly<Record<ResolvedReason, number>> = {
  import: 0.9,
  'same-file': 0.85,
  'receiver-typed': 0.8,
  interface: 0.7,
  'name-only': 0.45,
};

/** Measured precision per reason (written by `codehub eval --calibrate`); empty until measured. */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {
  import: 1,
  'same-file': 1,
  'receiver-typed': 1,
  interface: 1,
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

/** Confidence for a resolved edge; name-only and interface matches drop as candidates grow. */
export function confidenceFor(reason: ResolvedReason, candidates = 1): number {
  const base = MEASURED[reason] ?? SEED_CONFIDENCE[reason];
  if ((reason === 'name-only' || reason === 'interface') && candidates > 1) {
    return round2(base / candidates);
  }
  return base;
}

export function isResolvedReason(reason: string): reason is ResolvedReason {
  return reason in SEED_CONFIDENCE;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
