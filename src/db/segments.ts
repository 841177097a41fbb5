/**
 * Per-file segments of a snapshot (pure, shared by the storage adapters): the rows a snapshot stores, split by the file
 * that owns them and named by a digest of their content. Two snapshots whose rows for a file are the same share one
 * segment, so a commit that changes one file stores the segments that changed (that file's, and those of files whose
 * derived rows moved with it: callers counts, tested-by), not a copy of every row.
 *
 * A file owns its files row, its symbols (with their search keys), the edges whose caller is one of its symbols (by the
 * caller id's path when the caller is not a symbol), and the tested-by rows of its symbols; every file of the snapshot
 * has a segment, with or without rows. The digest covers the path, the files row and every stored value in stored
 * order, so a segment with a given digest holds exactly those rows.
 */
import { createHash } from 'node:crypto';
import type { Edge, TestReach } from '../core/graph.js';
import { parseSymbolId } from '../core/ids.js';
import { deriveQueryRows } from '../core/search-keys.js';
import { isTestPath } from '../languages/registry.js';
import { edgeValues, fileValues, symbolValues } from './row-mappers.js';
import type { FileRecord, SnapshotContent, SnapshotRows, SymbolRecord, SymbolSearchKeys } from './storage.js';

/** One file's rows of a snapshot, in the order the snapshot lists them. */
export interface Segment {
  /** sha256 (hex) of the path, the blob and the rows, serialized canonically. */
  digest: string;
  path: string;
  /** The snapshot's files row of `path` (null when rows name a path the file list does not have). */
  file: FileRecord | null;
  /** The file's blob (null: no such file, or its bytes are not stored). */
  blobSha256: string | null;
  symbols: SymbolRecord[];
  /** Search keys of `symbols`, index for index. */
  keys: SymbolSearchKeys[];
  edges: Edge[];
  testReach: TestReach[];
  /**
   * Where the segment's rows stand in the snapshot's lists (the index of its first symbol, of its first edge; -1 when
   * it has none): readers order rows across segments by these and inside a segment by stored order, which gives back
   * the snapshot's own order as long as each file's rows are contiguous in it (build-snapshot lists them so).
   */
  symbolOrder: number;
  edgeOrder: number;
}

/** Splits a snapshot's rows into per-file segments, sorted by path (pure). */
export function partitionSnapshot(rows: SnapshotRows): Segment[] {
  return [...eachSegment(rows)];
}

/**
 * The snapshot's segments one at a time, sorted by path, as partitionSnapshot lists them: each segment's digest is
 * computed when it is reached, and the generator keeps no segment it has handed out, so a writer that stores one
 * segment before asking for the next holds one segment's digest work at a time instead of every segment at once.
 */
export function* eachSegment(rows: SnapshotRows): Generator<Segment> {
  const fileOf = new Map<string, FileRecord>();
  for (const f of rows.files) fileOf.set(f.path, f);
  const byPath = new Map<string, Omit<Segment, 'digest'>>();
  const segmentOf = (path: string): Omit<Segment, 'digest'> => {
    let seg = byPath.get(path);
    if (!seg) {
      const file = fileOf.get(path) ?? null;
      seg = {
        path,
        file,
        blobSha256: file?.blobSha256 ?? null,
        symbols: [],
        keys: [],
        edges: [],
        testReach: [],
        symbolOrder: -1,
        edgeOrder: -1,
      };
      byPath.set(path, seg);
    }
    return seg;
  };
  for (const f of rows.files) segmentOf(f.path);
  fileOf.clear();
  const pathOfSymbol = new Map<string, string>();
  rows.symbols.forEach((s, i) => {
    pathOfSymbol.set(s.id, s.path);
    const seg = segmentOf(s.path);
    if (seg.symbolOrder < 0) seg.symbolOrder = i;
    seg.symbols.push(s);
    const k = rows.derived.symbolKeys[i];
    if (!k) throw new Error(`symbol ${s.id} has no search keys`);
    seg.keys.push(k);
  });
  const owner = (symbolId: string): string =>
    pathOfSymbol.get(symbolId) ?? parseSymbolId(symbolId)?.path ?? '';
  rows.edges.forEach((e, i) => {
    const seg = segmentOf(owner(e.callerId));
    if (seg.edgeOrder < 0) seg.edgeOrder = i;
    seg.edges.push(e);
  });
  for (const t of rows.testReach) segmentOf(owner(t.symbolId)).testReach.push(t);
  pathOfSymbol.clear();
  const paths = [...byPath.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const seg = byPath.get(path)!;
    byPath.delete(path);
    yield { ...seg, digest: segmentDigest(seg) };
  }
}

/** The digest of a segment's content (its orders are per snapshot, not content, and are left out). */
export function segmentDigest(seg: Omit<Segment, 'digest' | 'symbolOrder' | 'edgeOrder'>): string {
  const hash = createHash('sha256');
  // One JSON array per row, one row per line: values in the column order both adapters store.
  const line = (v: unknown): void => {
    hash.update(JSON.stringify(v));
    hash.update('\n');
  };
  line(['segment', 2, seg.path, seg.file ? fileValues(seg.file) : null]);
  seg.symbols.forEach((s, i) => {
    const k = seg.keys[i];
    line(['s', ...symbolValues(s, (b) => b), k?.nameLower, k?.humps, k?.isTest, k?.callers]);
  });
  for (const e of seg.edges) line(['e', ...edgeValues(e)]);
  for (const t of seg.testReach) line(['t', t.symbolId, t.testId, t.depth, t.confidence]);
  return hash.digest('hex');
}

/** The segment's files row values (FILE_COLUMNS); a path the file list does not have keeps only its path. */
export function segmentFileValues(seg: Segment): unknown[] {
  return seg.file ? fileValues(seg.file) : [seg.path, null, null, null, null, null, null, null, null, null];
}

/**
 * The rows a migration writes for a snapshot stored before segments: its stored content, the read-side keys derived
 * again as a publish derives them, and empty stats (the old snapshot's stats rows are kept as they are).
 */
export function convertedSnapshotRows(content: Omit<SnapshotContent, 'stats'>): SnapshotRows {
  return {
    ...content,
    stats: {
      filesParsed: 0,
      filesSkipped: {},
      callSites: 0,
      resolvedByReason: {},
      unresolvedByReason: {},
      testFiles: 0,
      testFilesAnalysed: 0,
    },
    derived: deriveQueryRows(content.symbols, content.edges, isTestPath),
  };
}
