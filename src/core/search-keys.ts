/** Keys derived from names for search and completeness questions (pure; shared by storage adapters). */

const PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

/** Initials of a name's camelCase / snake_case / kebab parts, lowercased: `startDesktopFlow` → `sdf`, `HTTPServer` → `hs`. */
export function humpsOf(name: string): string {
  let out = '';
  for (const part of name.match(PARTS) ?? []) out += part[0] ?? '';
  return out.toLowerCase();
}

/** True when a search query can be matched against humps: letters and digits only. */
export function isHumpsQuery(q: string): boolean {
  return /^[A-Za-z0-9]+$/.test(q);
}

/**
 * The name an unresolved call site would bind to: the last identifier of the callee text
 * (`this.flows.register` → `register`, `a?.b!` → `b`), or null for texts without one (`a[b]`, `(f)`).
 */
export function calleeNameOf(text: string): string | null {
  const m = /([A-Za-z_$][\w$]*)[\s!?.]*$/.exec(text);
  return m ? (m[1] ?? null) : null;
}

/** Unresolved reasons that cannot hide a call into the repo: packages outside it, and language builtins. */
export function mayHideRepoCall(reason: string): boolean {
  return !reason.startsWith('external') && reason !== 'builtin';
}

/** Search keys of one symbol (the storage port's SymbolSearchKeys). */
export interface SymbolKeys {
  nameLower: string;
  humps: string;
  isTest: boolean;
  callers: number;
}

/**
 * The rows every storage adapter keeps beside a snapshot's symbols and edges, computed once here: per symbol its
 * search keys (lowercased name, humps, test code or not, distinct callers), and unresolved call sites by the name
 * they may bind to. `symbolKeys[i]` belongs to `symbols[i]`. `isTestPath` is the test-file rule by path (the
 * owning language plug-in's; the core names no language).
 */
export function deriveQueryRows(
  symbols: ReadonlyArray<{ id: string; path: string; name: string; kind: string }>,
  edges: ReadonlyArray<{
    callerId: string;
    calleeId: string | null;
    calleeText: string;
    reason: string;
    lines: readonly number[];
  }>,
  isTestPath: (path: string) => boolean,
): {
  symbolKeys: SymbolKeys[];
  unresolvedNames: Array<{ name: string; callSites: number }>;
  unresolvedCallSites: number;
} {
  const callerSets = new Map<string, Set<string>>();
  const byName = new Map<string, number>();
  let unresolvedCallSites = 0;
  for (const e of edges) {
    if (e.calleeId !== null) {
      let set = callerSets.get(e.calleeId);
      if (!set) callerSets.set(e.calleeId, (set = new Set()));
      set.add(e.callerId);
      continue;
    }
    const sites = Math.max(1, e.lines.length);
    unresolvedCallSites += sites;
    if (!mayHideRepoCall(e.reason)) continue;
    const name = calleeNameOf(e.calleeText);
    if (name !== null) byName.set(name, (byName.get(name) ?? 0) + sites);
  }
  // A file that declares test cases is test code as a whole (helpers and fixtures in it too).
  const testFiles = new Set<string>();
  for (const s of symbols) if (s.kind === 'test') testFiles.add(s.path);
  const symbolKeys = symbols.map((s) => ({
    nameLower: s.name.toLowerCase(),
    humps: humpsOf(s.name),
    isTest: s.kind === 'test' || testFiles.has(s.path) || isTestPath(s.path),
    callers: callerSets.get(s.id)?.size ?? 0,
  }));
  return {
    symbolKeys,
    unresolvedNames: [...byName].map(([name, callSites]) => ({ name, callSites })),
    unresolvedCallSites,
  };
}
