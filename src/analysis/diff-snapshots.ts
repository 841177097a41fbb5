/**
 * Comparing two snapshots of one repository (pure): which symbols were added, removed, modified or moved, which
 * call edges appeared or went, and a line-level diff of two spans for side-by-side display.
 */
import type { Edge } from '../core/graph.js';

export type ChangeKind = 'added' | 'removed' | 'modified' | 'moved';

/** A symbol with the text of its span (null when the file's bytes could not be read). */
export interface SpannedSymbol {
  id: string;
  name: string;
  qualifiedName: string;
  kind: string;
  path: string;
  startLine: number;
  endLine: number;
  /** The span's text; for a module, only its own lines (those outside every top-level declaration). */
  text: string | null;
}

export interface SymbolChange {
  change: ChangeKind;
  /** The head version; the base version for `removed`. */
  symbol: SpannedSymbol;
  /** The base version of a modified or moved symbol. */
  before: SpannedSymbol | null;
}

/**
 * Code with whitespace-only differences removed: runs of whitespace become one space, kept only between two
 * word characters (where dropping it would join two words).
 */
export function normalizeCode(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ (?![A-Za-z0-9_$])|(?<![A-Za-z0-9_$]) /g, '')
    .trim();
}

/** Lines `start`–`end` (1-based, inclusive) of a text, as one string. */
export function spanOf(lines: readonly string[], start: number, end: number): string {
  return lines.slice(Math.max(0, start - 1), Math.max(0, end)).join('\n');
}

/** The lines of a file not inside any of the given (top-level) declarations: what its module symbol owns. */
export function moduleOwnText(
  lines: readonly string[],
  declarations: ReadonlyArray<{ startLine: number; endLine: number }>,
): string {
  const covered = new Uint8Array(lines.length + 2);
  for (const d of declarations)
    for (let l = Math.max(1, d.startLine); l <= Math.min(lines.length, d.endLine); l++) covered[l] = 1;
  return lines.filter((_, i) => covered[i + 1] === 0).join('\n');
}

/**
 * Symbols that differ between two versions of the changed files. Same id: modified when the normalised span text
 * differs (unreadable text on either side counts as modified: a change is not hidden because it could not be read).
 * A removed and an added symbol of the same kind whose bodies match once their own names are blanked are one
 * symbol moved or renamed.
 */
export function diffSymbols(base: readonly SpannedSymbol[], head: readonly SpannedSymbol[]): SymbolChange[] {
  const baseById = new Map(base.map((s) => [s.id, s]));
  const headIds = new Set(head.map((s) => s.id));
  const out: SymbolChange[] = [];
  const added: SpannedSymbol[] = [];
  for (const h of head) {
    const b = baseById.get(h.id);
    if (!b) added.push(h);
    else if (h.text === null || b.text === null || normalizeCode(h.text) !== normalizeCode(b.text))
      out.push({ change: 'modified', symbol: h, before: b });
  }
  const removedByBody = new Map<string, SpannedSymbol[]>();
  const removed = base.filter((b) => !headIds.has(b.id));
  for (const r of removed) {
    const key = bodyKey(r);
    if (key === null) continue;
    const list = removedByBody.get(key) ?? [];
    list.push(r);
    removedByBody.set(key, list);
  }
  const movedFrom = new Set<string>();
  for (const a of added) {
    const key = bodyKey(a);
    const from = key === null ? undefined : removedByBody.get(key)?.shift();
    if (from) {
      movedFrom.add(from.id);
      out.push({ change: 'moved', symbol: a, before: from });
    } else out.push({ change: 'added', symbol: a, before: null });
  }
  for (const r of removed) if (!movedFrom.has(r.id)) out.push({ change: 'removed', symbol: r, before: null });
  return out.sort(
    (x, y) =>
      cmp(x.symbol.path, y.symbol.path) ||
      x.symbol.startLine - y.symbol.startLine ||
      cmp(x.symbol.id, y.symbol.id),
  );
}

/** Kind plus the normalised body with the symbol's own name blanked (so a rename keeps the key); null if unknown. */
function bodyKey(s: SpannedSymbol): string | null {
  if (s.text === null || s.kind === 'module') return null;
  const body = normalizeCode(s.text);
  if (body === '') return null;
  const name = s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const blanked =
    name === ''
      ? body
      : body.replace(new RegExp(`(?<![A-Za-z0-9_$])${name}(?![A-Za-z0-9_$])`, 'g'), '\u0000');
  return `${s.kind}\u0001${blanked}`;
}

/** The identity of an edge across snapshots: caller, callee (or the unresolved text) and kind. */
export function edgeKey(e: Edge): string {
  return `${e.callerId}\u0000${e.calleeId ?? `?${e.calleeText}`}\u0000${e.kind}`;
}

/** Edges in head and not in base (added), and in base and not in head (removed), by edgeKey. */
export function diffEdges(base: Iterable<Edge>, head: Iterable<Edge>): { added: Edge[]; removed: Edge[] } {
  const baseByKey = new Map<string, Edge>();
  for (const e of base) baseByKey.set(edgeKey(e), e);
  const added: Edge[] = [];
  for (const e of head) {
    const key = edgeKey(e);
    if (baseByKey.has(key)) baseByKey.delete(key);
    else added.push(e);
  }
  const byEnds = (a: Edge, b: Edge) =>
    cmp(a.callerId, b.callerId) || cmp(a.calleeId ?? a.calleeText, b.calleeId ?? b.calleeText);
  return { added: added.sort(byEnds), removed: [...baseByKey.values()].sort(byEnds) };
}

/** One row of a side-by-side diff: a line on the left, the right, or both (null on the side that lacks it). */
export interface DiffRow {
  op: 'same' | 'removed' | 'added' | 'changed';
  left: { line: number; text: string } | null;
  right: { line: number; text: string } | null;
}

/** Most lines per side a side-by-side diff compares line by line (beyond it, the rest is one changed block). */
const MAX_DIFF_LINES = 600;

/**
 * A line diff of two spans (longest common subsequence, whitespace-insensitive), as side-by-side rows: a removed
 * run next to an added run pairs up as changed lines.
 */
export function sideBySide(
  left: readonly string[],
  leftStart: number,
  right: readonly string[],
  rightStart: number,
): DiffRow[] {
  const a = left.slice(0, MAX_DIFF_LINES);
  const b = right.slice(0, MAX_DIFF_LINES);
  const na = a.map(normalizeCode);
  const nb = b.map(normalizeCode);
  const lcs: Uint16Array[] = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint16Array;
    const below = lcs[i + 1] as Uint16Array;
    for (let j = b.length - 1; j >= 0; j--)
      row[j] = na[i] === nb[j] ? (below[j + 1] ?? 0) + 1 : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
  }
  const rows: DiffRow[] = [];
  let removedRun: DiffRow[] = [];
  let addedRun: DiffRow[] = [];
  const flush = (): void => {
    const n = Math.max(removedRun.length, addedRun.length);
    for (let k = 0; k < n; k++) {
      const l = removedRun[k]?.left ?? null;
      const r = addedRun[k]?.right ?? null;
      rows.push({ op: l && r ? 'changed' : l ? 'removed' : 'added', left: l, right: r });
    }
    removedRun = [];
    addedRun = [];
  };
  let i = 0;
  let j = 0;
  const at = (lines: readonly string[], k: number, start: number) => ({
    line: start + k,
    text: lines[k] ?? '',
  });
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && na[i] === nb[j]) {
      flush();
      rows.push({ op: 'same', left: at(a, i, leftStart), right: at(b, j, rightStart) });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      removedRun.push({ op: 'removed', left: at(a, i, leftStart), right: null });
      i++;
    } else {
      addedRun.push({ op: 'added', left: null, right: at(b, j, rightStart) });
      j++;
    }
  }
  flush();
  for (let k = a.length; k < left.length; k++)
    rows.push({ op: 'removed', left: at(left, k, leftStart), right: null });
  for (let k = b.length; k < right.length; k++)
    rows.push({ op: 'added', left: null, right: at(right, k, rightStart) });
  return rows;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
