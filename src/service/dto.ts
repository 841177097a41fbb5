/** Mapping storage rows to the query service's DTOs, and the small checks every entry point shares. */
import { CodehubError } from '../core/errors.js';
import type { EdgeWithSymbol, FileRecord, RepoRecord, SnapshotRecord, SymbolRow } from '../db/storage.js';
import type { EdgeDTO, FileDTO, SymbolDTO } from './query-types.js';

const GITHUB_REPO = /^https:\/\/github\.com\/[^/]+\/[^/]+$/;

/** `https://github.com/o/r/blob/<sha>/<path>[#Lstart-Lend]` for GitHub repos, else null. */
export function permalinkFor(
  repo: RepoRecord,
  commit: string,
  path: string,
  start?: number,
  end?: number,
): string | null {
  if (!repo.webUrl || !GITHUB_REPO.test(repo.webUrl)) return null;
  const url = `${repo.webUrl}/blob/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
  return start === undefined ? url : `${url}#L${start}-L${end ?? start}`;
}

/** A symbol row as the contract's SymbolDTO; `verified` is null unless the blob was re-hashed for this answer. */
export function toSymbolDTO(
  repo: RepoRecord,
  snapshot: SnapshotRecord,
  row: SymbolRow,
  verified: boolean | null = null,
): SymbolDTO {
  return {
    id: row.id,
    name: row.name,
    qualifiedName: row.qualifiedName,
    kind: row.kind,
    path: row.path,
    startLine: row.startLine,
    endLine: row.endLine,
    signature: row.signature,
    returnType: row.returnType,
    permalink: permalinkFor(repo, snapshot.commit, row.path, row.startLine, row.endLine),
    blobSha256: row.blobSha256 ?? '',
    verified,
    exported: row.exported,
    doc: row.doc,
  };
}

/** An edge seen from one end: the DTO describes the other end. */
export function toEdgeDTO(e: EdgeWithSymbol): EdgeDTO {
  return {
    id: e.symbol.id,
    name: e.symbol.name,
    qualifiedName: e.symbol.qualifiedName,
    kind: e.symbol.kind,
    path: e.symbol.path,
    line: e.symbol.startLine,
    confidence: e.edge.confidence ?? 0,
    reason: e.edge.reason,
    callLines: e.edge.lines,
    ...(e.edge.candidates !== undefined ? { candidates: e.edge.candidates } : {}),
  };
}

/** Confidence high to low, then name, then location: the order of every edge list. */
export function compareEdges(a: EdgeDTO, b: EdgeDTO): number {
  return (
    b.confidence - a.confidence ||
    cmp(a.name, b.name) ||
    cmp(a.path, b.path) ||
    a.line - b.line ||
    cmp(a.id, b.id)
  );
}

export function toFileDTO(f: FileRecord): FileDTO {
  return {
    path: f.path,
    blobSha256: f.blobSha256,
    gitOid: f.gitOid,
    language: f.language,
    size: f.size,
    lines: f.lines,
    skipReason: f.skipReason,
    ...(f.target !== null ? { target: f.target } : {}),
  };
}

/** Rejects repo-relative paths that could leave the repo: `..` segments, absolute paths, NUL. */
export function checkRepoPath(path: string, what = 'path'): string {
  if (typeof path !== 'string' || path === '') throw new CodehubError('InvalidInput', `${what} is empty`);
  if (path.includes('\u0000')) throw new CodehubError('InvalidInput', `${what} contains a NUL character`);
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) {
    throw new CodehubError(
      'InvalidInput',
      `${what} '${path}' is absolute; give a path relative to the repository root`,
    );
  }
  if (path.split(/[\\/]/).some((seg) => seg === '..')) {
    throw new CodehubError(
      'InvalidInput',
      `${what} '${path}' contains '..'; give a path inside the repository`,
    );
  }
  return path;
}

/** Levenshtein distance (for "did you mean" lists; inputs are short names and paths). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The `limit` candidates closest to `target`: substring matches first, then by edit distance. */
export function closest(target: string, candidates: Iterable<string>, limit = 5): string[] {
  const t = target.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => {
      const l = c.toLowerCase();
      const contains = l.includes(t) || (l.length >= 3 && t.includes(l)) ? 0 : 1;
      return { c, contains, d: editDistance(t, l) };
    })
    .sort((x, y) => x.contains - y.contains || x.d - y.d || cmp(x.c, y.c))
    .slice(0, limit)
    .map((x) => x.c);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits text into lines the way line numbers count them (LF, CRLF; a final newline ends the last line). */
export function splitLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Byte offsets where each line of UTF-8 bytes starts (after a BOM); the same bytes always give the same offsets, so
 * callers may keep them per blob sha256 and pass them to `lineRange`.
 */
export function lineStarts(bytes: Buffer): number[] {
  const bom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  // A newline byte never sits inside a multi-byte UTF-8 sequence.
  const starts = [bom];
  for (let at = bytes.indexOf(0x0a, bom); at >= 0; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * Lines `first`..`last` (1-based, inclusive; cut at the end) of UTF-8 bytes, numbered and split exactly like
 * `splitLines(bytes.toString('utf8'))`, and the total line count — decoding only the lines asked for.
 */
export function lineRange(
  bytes: Buffer,
  first: number,
  last: number,
  starts: readonly number[] = lineStarts(bytes),
): { total: number; lines: string[] } {
  const total = starts[starts.length - 1] === bytes.length ? starts.length - 1 : starts.length;
  const lines: string[] = [];
  for (let n = Math.max(1, first); n <= Math.min(last, total); n++) {
    const start = starts[n - 1]!;
    let end = n < starts.length ? starts[n]! - 1 : bytes.length;
    if (n < starts.length && end > start && bytes[end - 1] === 0x0d) end--;
    lines.push(bytes.toString('utf8', start, end));
  }
  return { total, lines };
}

/** Bytes decoded at a time when reading part of a long line, so no line costs a string its own size. */
const LINE_CHUNK_BYTES = 64 * 1024;

/** A line of an excerpt that stops inside it: the line number and its whole length in columns. */
export interface LineCut {
  line: number;
  columns: number;
}

/**
 * Lines `first`..`last` of UTF-8 bytes, numbered and split like `lineRange`, the first from column `startColumn`
 * (1-based, in UTF-16 code units, as editors count), taking at most `maxChars` code units in all. The line where the
 * budget runs out is cut there (never inside a surrogate pair) and is the last one returned, and `cut` gives its
 * whole length; when the budget runs out at a line's end, the excerpt stops there. `firstColumns` is the length of
 * line `first`. Long lines are decoded a chunk at a time, so a 50 MB line costs no 50 MB string.
 */
export function lineWindow(
  bytes: Buffer,
  first: number,
  last: number,
  starts: readonly number[],
  startColumn: number,
  maxChars: number,
): { total: number; lines: string[]; cut: LineCut | null; firstColumns: number } {
  const total = starts[starts.length - 1] === bytes.length ? starts.length - 1 : starts.length;
  const lines: string[] = [];
  let cut: LineCut | null = null;
  let firstColumns = 0;
  let taken = 0;
  for (let n = Math.max(1, first); n <= Math.min(last, total); n++) {
    if (n > first && taken >= maxChars) break;
    const start = starts[n - 1]!;
    let end = n < starts.length ? starts[n]! - 1 : bytes.length;
    if (n < starts.length && end > start && bytes[end - 1] === 0x0d) end--;
    const from = n === first ? startColumn - 1 : 0;
    const { text, columns } = lineSlice(bytes, start, end, from, maxChars - taken);
    if (n === first) firstColumns = columns;
    lines.push(text);
    taken += text.length;
    if (from + text.length < columns) {
      cut = { line: n, columns };
      break;
    }
  }
  return { total, lines, cut, firstColumns };
}

/** Code units `from`..`from + max` of the line in bytes `start`..`end`, and the line's whole length in code units. */
function lineSlice(
  bytes: Buffer,
  start: number,
  end: number,
  from: number,
  max: number,
): { text: string; columns: number } {
  if (end - start <= LINE_CHUNK_BYTES) {
    const whole = bytes.toString('utf8', start, end);
    return {
      text: keepPairs(whole.slice(from, from + max), from + max < whole.length),
      columns: whole.length,
    };
  }
  const parts: string[] = [];
  let columns = 0;
  let taken = 0;
  for (let at = start; at < end;) {
    let stop = Math.min(end, at + LINE_CHUNK_BYTES);
    // Chunks start on a UTF-8 sequence, so each decodes as it would inside the whole line.
    while (stop < end && stop > at + 1 && (bytes[stop]! & 0xc0) === 0x80) stop--;
    const piece = bytes.toString('utf8', at, stop);
    if (taken < max && columns + piece.length > from) {
      const lo = Math.max(0, from - columns);
      const part = piece.slice(lo, lo + max - taken);
      parts.push(part);
      taken += part.length;
    }
    columns += piece.length;
    at = stop;
  }
  return { text: keepPairs(parts.join(''), from + max < columns), columns };
}

/** Drops a high surrogate left alone at the end of a cut piece; its pair starts the next piece instead. */
function keepPairs(text: string, wasCut: boolean): string {
  const last = text.charCodeAt(text.length - 1);
  return wasCut && last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}
