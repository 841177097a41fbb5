/**
 * The storage ports, split by job: snapshot writer, graph reader (set-at-a-time), analysis cache, maintenance and
 * leases. Every method is asynchronous, shaped for an engine across a network; SQLite (the embedded default) and
 * PostgreSQL implement them, and one conformance suite (test/db/storage.cases.ts) runs against both.
 *
 * Publication rule: a snapshot becomes visible only when `publishSnapshot` commits (one transaction
 * that writes every row and flips its status to `ready`). Readers always see the newest `ready`
 * snapshot of a repo; a `building` snapshot left by a killed indexer is never served and is removed
 * by the next index run of that repo. Older ready snapshots of other commits are kept until `gc`.
 *
 * Sharing rule: the port speaks in snapshot ids, but adapters store a snapshot's rows in per-file segments named by a
 * digest of their content (segments.ts) and shared by every snapshot that has the same rows for that file; a publish
 * writes only segments not stored yet, and removing snapshots drops the segments no snapshot links any more.
 */
import type { FileFacts, SymbolFact } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';
import { deriveQueryRows } from '../core/search-keys.js';
import { isTestPath } from '../languages/registry.js';

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

/**
 * Rows derived from a snapshot's content by pure code (core/search-keys.ts `deriveQueryRows`), handed to the
 * adapter with the content: adapters store them, they never compute them.
 */
export interface DerivedRows {
  /** One entry per symbol of `content.symbols`, in the same order. */
  symbolKeys: SymbolSearchKeys[];
  /** Unresolved call sites that may hide a call into the repo, by the last identifier of their callee text. */
  unresolvedNames: Array<{ name: string; callSites: number }>;
  /** Every unresolved call site of the snapshot. */
  unresolvedCallSites: number;
}

/** Search and ranking keys of one symbol. */
export interface SymbolSearchKeys {
  nameLower: string;
  /** Initials of the camelCase / snake_case parts, lowercased: startDesktopFlow → sdf. */
  humps: string;
  isTest: boolean;
  /** Distinct callers (resolved edges into the symbol). */
  callers: number;
}

/** Everything one publish writes. */
export interface SnapshotRows extends SnapshotContent {
  derived: DerivedRows;
}

/** Writes repos and snapshots. A snapshot is invisible until `publishSnapshot` commits, in one transaction. */
export interface SnapshotWriter {
  upsertRepo(repo: RepoRecord): Promise<void>;
  /** Creates a `building` snapshot (not visible to readers) and returns its id. */
  beginSnapshot(repoId: string, commit: string, ref: string | null, analyzerVersion: string): Promise<number>;
  /** Writes every row of the snapshot and marks it `ready`, atomically. */
  publishSnapshot(snapshotId: number, rows: SnapshotRows): Promise<void>;
  failSnapshot(snapshotId: number, error: string): Promise<void>;
  /** Deletes `building`/`failed` snapshots of a repo (call under the repo's lease). */
  discardUnfinishedSnapshots(repoId: string): Promise<number>;
  /** Deletes ready snapshots of the repo at `commit` other than `keepId` (superseded by a re-index). */
  deleteSupersededSnapshots(repoId: string, commit: string, keepId: number): Promise<number>;
  /**
   * `publishSnapshot`, and in the same transaction deletes the repo's other ready snapshots of the same commit (a
   * re-index replaces them): readers see the old snapshot or the new one, never both or neither. Returns how many went.
   */
  publishSnapshotSuperseding(snapshotId: number, rows: SnapshotRows): Promise<number>;
}

/**
 * The read side: repos, snapshots and one snapshot's graph. Graph questions take sets of ids, so a traversal asks
 * one question per frontier level, not per node (a network may sit between the service and the engine).
 */
export interface GraphReader {
  getRepo(id: string): Promise<RepoRecord | null>;
  listRepos(): Promise<RepoRecord[]>;
  /** Newest ready snapshot of a repo, or null. */
  latestSnapshot(repoId: string): Promise<SnapshotRecord | null>;
  /**
   * A mark that changes whenever a snapshot is published or removed, by this process or any other: readers may
   * keep what they looked up while it stays the same.
   */
  changeMark(): Promise<string>;
  getSnapshot(id: number): Promise<SnapshotRecord | null>;
  listSnapshots(repoId: string): Promise<SnapshotRecord[]>;
  snapshotStats(snapshotId: number): Promise<SnapshotStats | null>;
  countRows(snapshotId: number): Promise<{ files: number; symbols: number; edges: number }>;
  listFiles(snapshotId: number, prefix?: string): Promise<FileRecord[]>;
  getFile(snapshotId: number, path: string): Promise<FileRecord | null>;

  /** The symbols among `ids` that exist. */
  symbolsById(snapshotId: number, ids: readonly string[]): Promise<Map<string, SymbolRow>>;
  findSymbolsByQualifiedName(snapshotId: number, qualifiedName: string, limit?: number): Promise<SymbolRow[]>;
  findSymbolsByName(snapshotId: number, name: string, limit?: number): Promise<SymbolRow[]>;
  /** Symbols whose line range contains `line`, innermost (shortest range) first. */
  findSymbolsAtLine(snapshotId: number, path: string, line: number): Promise<SymbolRow[]>;
  symbolsOfFile(snapshotId: number, path: string): Promise<SymbolRow[]>;
  /** Resolved edges out of any of the callers, each with its callee's row. */
  edgesFrom(snapshotId: number, callerIds: readonly string[]): Promise<EdgeWithSymbol[]>;
  /** Edges into any of the callees, each with its caller's row. */
  edgesTo(snapshotId: number, calleeIds: readonly string[]): Promise<EdgeWithSymbol[]>;
  unresolvedEdgesFrom(snapshotId: number, callerIds: readonly string[]): Promise<Edge[]>;
  /** Per name: unresolved call sites (not external, not builtin) whose callee text ends with it (absent = 0). */
  unresolvedMayCall(snapshotId: number, names: readonly string[]): Promise<Map<string, number>>;
  /** Every unresolved call site of the snapshot. */
  countUnresolved(snapshotId: number): Promise<number>;
  /** Tested-by rows of the given symbols, each with its test symbol's row. */
  testsReaching(
    snapshotId: number,
    symbolIds: readonly string[],
  ): Promise<Array<{ reach: TestReach; test: SymbolRow }>>;
  /** Number of distinct callers of each symbol (absent = 0). */
  callerCounts(snapshotId: number, symbolIds: readonly string[]): Promise<Map<string, number>>;
  mostCalled(snapshotId: number, limit: number): Promise<RankedSymbol[]>;
  /** Most-called symbols outside test code that no test reaches. */
  untestedHotspots(snapshotId: number, limit: number): Promise<RankedSymbol[]>;
  /** One search tier (see SymbolSearch); hits ranked non-test first, then more callers, then shorter name. */
  searchSymbols(snapshotId: number, search: SymbolSearch): Promise<RankedSymbol[]>;
  /** Distinct names sharing trigrams or a prefix with `name`: candidates for "did you mean". */
  similarNames(snapshotId: number, name: string, limit: number): Promise<string[]>;
  /** Paths sharing the base name or the directory of `path`: candidates for "did you mean". */
  similarPaths(snapshotId: number, path: string, limit: number): Promise<string[]>;
  /** language → file count. */
  languageCounts(snapshotId: number): Promise<Record<string, number>>;
  /** Every symbol of the snapshot ordered by path, line and id, streamed. */
  iterateSymbols(snapshotId: number): AsyncIterable<SymbolRow>;
  /** Every edge of the snapshot with both ends' paths and lines, in insertion order, streamed. */
  iterateEdges(snapshotId: number): AsyncIterable<ExportedEdge>;
}

/** What per-file analysis can skip next time: facts by blob + analyzer version, and what a git blob held. */
export interface AnalysisCache {
  knownGitObjects(oids: readonly string[]): Promise<Map<string, GitObjectInfo>>;
  rememberGitObjects(objects: readonly GitObjectInfo[]): Promise<void>;
  /** Facts by key string (factsKeyString); a damaged entry is a miss. */
  getCachedFacts(keys: readonly FactsCacheKey[]): Promise<Map<string, FileFacts>>;
  /** Stores facts packed with facts-codec's `packFacts`. */
  putCachedFacts(entries: ReadonlyArray<{ key: FactsCacheKey; packed: Uint8Array }>): Promise<void>;
}

/** gc and verify. */
export interface Maintenance {
  /** Deletes every snapshot of every repo except the newest ready one (and failed ones); returns how many went. */
  deleteOldSnapshots(): Promise<number>;
  /** Drops search rows shared by snapshots that no snapshot uses any more; returns how many went. */
  pruneSearchNames(): Promise<number>;
  /**
   * Rows stored for all snapshots together: snapshots share the per-file segments they have in common, so this grows
   * by what a new snapshot changed, not by its size.
   */
  storedRowCounts(): Promise<StoredRowCounts>;
  /** Every blob sha256 referenced by a snapshot's files. */
  referencedBlobs(): Promise<Set<string>>;
  /** Where a blob can be re-read from git (for repair). */
  blobSources(sha256: string): Promise<BlobSource[]>;
  /** Drops cache rows (git objects, facts) of blobs that left the store. */
  forgetBlobs(sha256s: readonly string[]): Promise<void>;
}

/** Rows stored once however many snapshots share them (Maintenance.storedRowCounts). */
export interface StoredRowCounts {
  segments: number;
  symbols: number;
  edges: number;
  testReach: number;
}

/** A named lease held by one holder until it expires (a worker that dies stops renewing, and the lease lapses). */
export interface LeaseRecord {
  name: string;
  holder: string;
  /** Milliseconds since the epoch, by the database's clock. */
  expiresAt: number;
}

/**
 * Leases kept in the database, so they hold across hosts (a PID file holds on one host only). `acquire` succeeds when
 * nobody holds the name, its lease expired, or `holder` already holds it (which renews it).
 */
export interface Leases {
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease `holder` still holds; false when it lapsed and someone else took it (or nobody holds it). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  /** Leases not yet expired. */
  live(): Promise<LeaseRecord[]>;
}

/** One storage engine behind its ports (built by the composition root, service/workspace.ts). */
export interface Storage {
  /** The engine, for messages: 'sqlite' or 'postgres'. */
  readonly kind: string;
  readonly writer: SnapshotWriter;
  readonly reader: GraphReader;
  readonly cache: AnalysisCache;
  readonly maintenance: Maintenance;
  readonly leases: Leases;
  close(): Promise<void>;
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

/**
 * A snapshot's content with the rows derived from it (pure: core/search-keys.ts), ready to publish. Test code by
 * path is the owning language plug-in's rule.
 */
export function snapshotRows(content: SnapshotContent): SnapshotRows {
  return { ...content, derived: deriveQueryRows(content.symbols, content.edges, isTestPath) };
}
