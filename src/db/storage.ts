/**
 * The storage port: everything the index use case and the query service keep about repositories,
 * snapshots, files, symbols, edges and tested-by links. SQLite is the default adapter; a Postgres
 * adapter implements the same interface.
 *
 * Publication rule: a snapshot becomes visible only when `publishSnapshot` commits (one transaction
 * that writes every row and flips its status to `ready`). Readers always see the newest `ready`
 * snapshot of a repo; a `building` snapshot left by a killed indexer is never served and is removed
 * by the next index run of that repo. Older ready snapshots of other commits are kept until `gc`.
 */
import type { FileFacts, SymbolFact } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';

/** Coverage of a snapshot (same shape as the query service's CoverageStats; db cannot import service). */
export interface SnapshotStats {
  filesParsed: number;
  filesSkipped: Record<string, number>;
  callSites: number;
  resolvedByReason: Record<string, number>;
  unresolvedByReason: Record<string, number>;
  testFiles: number;
  testFilesAnalysed: number;
  /** Test files whose tests could not be read (skipped, too large, not UTF-8), sorted; absent in older snapshots. */
  testFilesNotAnalysed?: string[];
  /** Test file path → the test framework it imports (files using globals are absent). */
  testFrameworks?: Record<string, string>;
}

export type SnapshotStatus = 'building' | 'ready' | 'failed';

export interface RepoRecord {
  id: string;
  /** What the user passed: an absolute local path or a clone URL. */
  source: string;
  /** Directory git commands run in (the work tree, or the bare clone in the data dir). */
  gitDir: string;
  /** https://github.com/o/r for GitHub repos, else null. */
  webUrl: string | null;
}

export interface SnapshotRecord {
  id: number;
  repoId: string;
  commit: string;
  ref: string | null;
  indexedAt: string;
  analyzerVersion: string;
  status: SnapshotStatus;
  error: string | null;
}

/** Why a file was not stored or not analysed. */
export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'symlink'
  | 'submodule'
  | 'invalid-utf8'
  | 'unreadable'
  /** The repository does not have the blob (a partial clone, a pruned mirror). */
  | 'missing-object';

export interface FileRecord {
  path: string;
  /** null when the bytes are not in the blob store (symlink, submodule, too-large, missing-object). */
  blobSha256: string | null;
  gitOid: string;
  /** Git file mode (100644, 100755, 120000, 160000). */
  mode: string;
  language: string | null;
  size: number;
  lines: number | null;
  /** Line endings of a text file: lf, crlf, mixed, or null (no line break / not text). */
  eol: 'lf' | 'crlf' | 'mixed' | null;
  skipReason: SkipReason | null;
  /** Symlink target or submodule commit. */
  target: string | null;
}

export interface SymbolRecord extends SymbolFact {
  /** Repo-wide id: `<path>::<localId>`. */
  id: string;
  path: string;
}

export interface SnapshotContent {
  files: FileRecord[];
  symbols: SymbolRecord[];
  edges: Edge[];
  testReach: TestReach[];
  stats: SnapshotStats;
}

/** What is known about a git blob from an earlier run (saves reading and hashing it again). */
export interface GitObjectInfo {
  oid: string;
  sha256: string;
  size: number;
  lines: number | null;
  eol: FileRecord['eol'];
  content: 'text' | 'binary' | 'invalid-utf8';
}

export interface FactsCacheKey {
  blobSha256: string;
  pluginId: string;
  analyzerVersion: string;
  path: string;
}

/** A place a blob can be re-read from: a repo's git dir and the blob's git oid. */
export interface BlobSource {
  repoId: string;
  gitDir: string;
  gitOid: string;
}

export interface Storage {
  upsertRepo(repo: RepoRecord): void;
  getRepo(id: string): RepoRecord | null;
  listRepos(): RepoRecord[];

  /** Creates a `building` snapshot (not visible to readers) and returns its id. */
  beginSnapshot(repoId: string, commit: string, ref: string | null, analyzerVersion: string): number;
  /** Writes every row of the snapshot and marks it `ready`, in one transaction. */
  publishSnapshot(snapshotId: number, content: SnapshotContent): void;
  failSnapshot(snapshotId: number, error: string): void;
  /** Deletes `building`/`failed` snapshots of a repo (call under the repo's index lock). */
  discardUnfinishedSnapshots(repoId: string): number;
  /** Deletes ready snapshots of the repo at `commit` other than `keepId` (superseded by a re-index). */
  deleteSupersededSnapshots(repoId: string, commit: string, keepId: number): number;
  /** Deletes every snapshot of every repo except the newest ready one; returns how many went. */
  deleteOldSnapshots(): number;
  /** Drops search-index rows shared by snapshots that no snapshot uses any more (gc); returns how many went. */
  pruneSearchNames(): number;

  /** Newest ready snapshot of a repo, or null. */
  latestSnapshot(repoId: string): SnapshotRecord | null;
  /**
   * A mark that changes whenever anything is committed to the database, by this connection or any other
   * (another process indexing included): readers may keep what they looked up while it stays the same.
   */
  changeMark(): string;
  getSnapshot(id: number): SnapshotRecord | null;
  listSnapshots(repoId: string): SnapshotRecord[];
  snapshotStats(snapshotId: number): SnapshotStats | null;
  countRows(snapshotId: number): { files: number; symbols: number; edges: number };

  listFiles(snapshotId: number, prefix?: string): FileRecord[];
  getFile(snapshotId: number, path: string): FileRecord | null;

  knownGitObjects(oids: readonly string[]): Map<string, GitObjectInfo>;
  rememberGitObjects(objects: readonly GitObjectInfo[]): void;
  /** Drops cache rows (git objects, facts) of blobs that left the store. */
  forgetBlobs(sha256s: readonly string[]): void;

  getCachedFacts(keys: readonly FactsCacheKey[]): Map<string, FileFacts>;
  /** Stores facts packed with facts-codec's `packFacts`. */
  putCachedFacts(entries: ReadonlyArray<{ key: FactsCacheKey; packed: Uint8Array }>): void;

  /** Every blob sha256 referenced by a snapshot's files. */
  referencedBlobs(): Set<string>;
  /** Where a blob can be re-read from git (for repair). */
  blobSources(sha256: string): BlobSource[];

  close(): void;

  // ---- Read side of the query service: every method takes a snapshot id and runs on an index. ----

  getSymbol(snapshotId: number, id: string): SymbolRow | null;
  findSymbolsByQualifiedName(snapshotId: number, qualifiedName: string, limit?: number): SymbolRow[];
  findSymbolsByName(snapshotId: number, name: string, limit?: number): SymbolRow[];
  /** Symbols whose line range contains `line`, innermost (shortest range) first. */
  findSymbolsAtLine(snapshotId: number, path: string, line: number): SymbolRow[];
  symbolsOfFile(snapshotId: number, path: string): SymbolRow[];
  /** Resolved edges out of a caller, each with its callee's row. */
  edgesFrom(snapshotId: number, callerId: string): EdgeWithSymbol[];
  /** Edges into a callee, each with its caller's row. */
  edgesTo(snapshotId: number, calleeId: string): EdgeWithSymbol[];
  unresolvedEdgesFrom(snapshotId: number, callerId: string): Edge[];
  /** Unresolved call sites (not external, not builtin) whose callee text ends with `name`. */
  countUnresolvedMayCall(snapshotId: number, name: string): number;
  /** Every unresolved call site of the snapshot. */
  countUnresolved(snapshotId: number): number;
  /** Tested-by rows of the given symbols, each with its test symbol's row. */
  testsReaching(
    snapshotId: number,
    symbolIds: readonly string[],
  ): Array<{ reach: TestReach; test: SymbolRow }>;
  /** Number of distinct callers of each symbol (absent = 0). */
  callerCounts(snapshotId: number, symbolIds: readonly string[]): Map<string, number>;
  mostCalled(snapshotId: number, limit: number): RankedSymbol[];
  /** Most-called symbols outside test code that no test reaches. */
  untestedHotspots(snapshotId: number, limit: number): RankedSymbol[];
  /** One search tier (see SymbolSearch); hits ranked non-test first, then more callers, then shorter name. */
  searchSymbols(snapshotId: number, search: SymbolSearch): RankedSymbol[];
  /** Distinct names sharing trigrams or a prefix with `name`: candidates for "did you mean". */
  similarNames(snapshotId: number, name: string, limit: number): string[];
  /** Paths sharing the base name or the directory of `path`: candidates for "did you mean". */
  similarPaths(snapshotId: number, path: string, limit: number): string[];
  /** language → file count. */
  languageCounts(snapshotId: number): Record<string, number>;
  /** Every symbol of the snapshot ordered by path and line, streamed. */
  iterateSymbols(snapshotId: number): IterableIterator<SymbolRow>;
  /** Every edge of the snapshot with both ends' paths and lines, streamed. */
  iterateEdges(snapshotId: number): IterableIterator<ExportedEdge>;
}

/** A symbol row with its file's blob sha256. */
export interface SymbolRow extends SymbolRecord {
  blobSha256: string | null;
}

export interface EdgeWithSymbol {
  edge: Edge;
  /** The other end: the callee for edgesFrom, the caller for edgesTo. */
  symbol: SymbolRow;
}

export interface RankedSymbol {
  symbol: SymbolRow;
  callers: number;
  isTest: boolean;
}

/**
 * One tier of symbol search; `q` is matched case-insensitively. Tiers rank in the order exact, prefix, humps (the
 * name's camelCase initials start with `q`), substring (≥ 3 characters), and a tier leaves out names that a tier
 * before it matches.
 */
export interface SymbolSearch {
  mode: 'exact' | 'prefix' | 'humps' | 'substring';
  q: string;
  kind?: string;
  limit: number;
}

export interface ExportedEdge extends Edge {
  callerPath: string;
  callerLine: number;
  calleePath: string | null;
  calleeLine: number | null;
}

/** The cache-map key of a facts cache entry. */
export function factsKeyString(key: FactsCacheKey): string {
  return `${key.blobSha256}\u0000${key.pluginId}\u0000${key.analyzerVersion}\u0000${key.path}`;
}
