/**
 * The index use case: git tree at a commit → blob store → per-file analysis (cached by blob) →
 * repo-wide resolution → one snapshot, published atomically.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { CodehubError } from '../core/errors.js';
import { checkRepoId } from '../core/ids.js';
import { DEFAULT_TEST_REACH_DEPTH } from '../analysis/test-reach.js';
import type { LanguagePlugin } from '../languages/plugin.js';
import { pluginForPath } from '../languages/registry.js';
import type { FileRecord } from '../db/storage.js';
import type { CatFileBatch } from '../git/cat-file-batch.js';
import {
  cloneOrFetch,
  isGitUrl,
  listTree,
  missingObjects,
  openRepositoryAt,
  repoIdCandidateFromUrl,
  repoIdForLocal,
  resolveCommit,
} from '../git/git.js';
import type { BlobStore } from '../store/blob-store.js';
import type { FileAnalyser } from './analysis-pool.js';
import { gcRunning, lockRepoForIndex } from './index-lease.js';
import { openWorkspace, type Workspace } from './workspace.js';

/** Bumped when the indexer's own output for the same tree changes. */
export const INDEXER_VERSION = '1';
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;
/**
 * Above this much source, V8's heap grows in 20 % steps instead of its default (about 2x): a large repo's facts and
 * edges are live at once, and default growth left twice that resident (re-index of 50 MB of source from the facts
 * cache: 1.19 -> 0.97 GB peak RSS, for more GC time). Below it the default is faster and the heap is small anyway.
 */
const LEAN_HEAP_BYTES = 24 * 1024 * 1024;
/**
 * New files each analysis thread should get before another thread is started. Each thread loads TypeScript and warms
 * its JIT on its own, and parsing is allocation-bound: on the 2-core reference machine, in-process analysis beat two
 * threads on effect (361 files: 5.8 vs 6.1 s) and on 2,000 files (9.1 vs 10.0 s); two threads won on 18,200 files
 * (94 vs 83 s).
 */
const MIN_FILES_PER_WORKER = 2500;

export interface IndexProgress {
  phase: 'reading' | 'resolving' | 'writing' | 'verifying';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface IndexOptions {
  dataDir: string;
  /** The blob store: `s3://bucket/prefix` or a folder (default: the data dir's `blobs/`). */
  blobs?: string | undefined;
  /** A postgres:// URL (default: $CODEHUB_DATABASE_URL, else SQLite in the data dir; '' for SQLite regardless). */
  database?: string;
  /** A local path or a clone URL. */
  source: string;
  name?: string;
  ref?: string;
  maxFileSize?: number;
  /** Call hops from a test that still count as tested-by (default 3). */
  testReachDepth?: number;
  onProgress?: (p: IndexProgress) => void;
  /** How long to wait for another indexer of the same repo (default 5 s). */
  lockWaitMs?: number;
  /**
   * Return at once, without re-indexing, when the newest ready snapshot already has this commit and analyzer version
   * and all its blobs are in the store.
   */
  skipIfIndexed?: boolean;
  /** Plug-in lookup (default: the registry); tests pass their own. */
  pluginFor?: (path: string) => LanguagePlugin | undefined;
  /**
   * Analysis worker processes; 1 analyses in-process. Default: one per MIN_FILES_PER_WORKER new files, at most min(cores, 4).
   * Tests' own plug-ins (pluginFor) always run in-process.
   */
  workers?: number;
  /** Where clones of URL sources go (default `<data dir>/repos`). */
  workDir?: string;
  /** Told the commit the ref resolved to, as soon as it is known (before anything is read). */
  onCommit?: (commit: string) => void;
}

export interface IndexResult {
  repo: string;
  commit: string;
  ref: string;
  snapshot: number;
  files: number;
  storedFiles: number;
  newBlobs: number;
  bytes: number;
  skipped: Record<string, number>;
  analysedFiles: number;
  cachedFiles: number;
  /** Files whose resolved edges were reused from the previous snapshot's resolution memo (incremental resolution). */
  reusedResolutions?: number;
  symbols: number;
  edges: number;
  testLinks: number;
  durationMs: number;
  /** True when skipIfIndexed found the commit already indexed (the counts are then the snapshot's). */
  upToDate?: boolean;
}

interface Target {
  gitDir: string;
  repoId: string;
  source: string;
  url: string | null;
  /** The ref's commit, when it could be resolved with the repository lookup (local sources). */
  commit?: string;
}

async function locate(opts: IndexOptions, dataDir: string): Promise<Target> {
  if (isGitUrl(opts.source)) {
    const repoId = opts.name ?? repoIdCandidateFromUrl(opts.source);
    if (!repoId)
      throw new CodehubError(
        'InvalidInput',
        `cannot derive host/owner/name from ${JSON.stringify(opts.source)}; pass --name`,
      );
    // The id becomes the clone's folder under the data dir (repos/<id>.git): checked where it turns into a path.
    checkRepoId(
      repoId,
      'repo id',
      `it was made from ${JSON.stringify(opts.source)}: pass --name host/owner/name`,
    );
    const cloneDir = join(opts.workDir ?? join(dataDir, 'repos'), `${repoId}.git`);
    return { gitDir: cloneDir, repoId, source: opts.source, url: opts.source };
  }
  const { gitDir, commit } = await openRepositoryAt(opts.source, opts.ref ?? 'HEAD');
  const repoId = checkRepoId(opts.name ?? (await repoIdForLocal(gitDir)));
  return { gitDir, repoId, source: gitDir, url: null, commit };
}

function webUrlFor(repoId: string): string | null {
  return repoId.startsWith('github.com/') ? `https://${repoId}` : null;
}

/** Indexes one repository at a ref into the data dir and publishes a snapshot (opens and closes the workspace). */
export async function indexRepository(opts: IndexOptions): Promise<IndexResult> {
  if (opts.name !== undefined) checkRepoId(opts.name, '--name');
  const ws = openWorkspace(opts.dataDir, { blobs: opts.blobs, database: opts.database });
  try {
    return await indexInWorkspace(ws, opts);
  } finally {
    await ws.close();
  }
}

/**
 * The index use case on ports the caller opened (the composition root): ingest, analyse, build the snapshot (pure),
 * publish. `opts.dataDir`, `blobs` and `database` are not read: the workspace is already open.
 */
export async function indexInWorkspace(ws: Workspace, opts: IndexOptions): Promise<IndexResult> {
  const started = Date.now();
  if (opts.name !== undefined) checkRepoId(opts.name, '--name');
  const { storage, blobs } = ws;
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const lockWait = opts.lockWaitMs ?? 5000;
  const pluginFor = opts.pluginFor ?? pluginForPath;
  let catFile: CatFileBatch | null = null;
  let analyser: FileAnalyser | null = null;
  let snapshotId: number | null = null;
  let lock: { release(): Promise<void> } | null = null;
  try {
    const target = await locate(opts, ws.dataDir);
    lock = await lockRepoForIndex(ws, target.repoId, lockWait);
    const gcWaitEnd = Date.now() + lockWait;
    while (await gcRunning(ws)) {
      if (Date.now() > gcWaitEnd)
        throw new CodehubError('IndexLocked', 'codehub gc is running; index again when it finishes');
      await new Promise((r) => setTimeout(r, 100));
    }
    if (target.url) await cloneOrFetch(target.url, target.gitDir);
    const ref = opts.ref ?? 'HEAD';
    const commit = target.url ? await resolveCommit(target.gitDir, ref) : target.commit!;
    opts.onCommit?.(commit);
    const testReachDepth = opts.testReachDepth ?? DEFAULT_TEST_REACH_DEPTH;

    await storage.writer.upsertRepo({
      id: target.repoId,
      source: target.source,
      gitDir: target.gitDir,
      webUrl: webUrlFor(target.repoId),
    });
    await storage.writer.discardUnfinishedSnapshots(target.repoId);

    if (opts.skipIfIndexed) {
      const indexed = await alreadyIndexed(ws, target, commit, ref, pluginFor, testReachDepth, started);
      if (indexed) return indexed;
    }

    // Loaded only when there is work to do: a no-op re-index never pays for them.
    const [
      { buildSnapshot },
      { loadResolutionMemo, saveResolutionMemo },
      { CatFileBatch: CatFileBatchImpl },
      { createAnalyser, defaultWorkerCount },
      { ingest },
      { analyse },
    ] = await Promise.all([
      import('./indexing/build-snapshot.js'),
      import('./resolution-memo.js'),
      import('../git/cat-file-batch.js'),
      import('./analysis-pool.js'),
      import('./indexing/ingest.js'),
      import('./indexing/analyse.js'),
    ]);
    const entries = await listTree(target.gitDir, commit);
    const plugins = new Map<string, LanguagePlugin | undefined>();
    const used = new Map<string, LanguagePlugin>();
    for (const e of entries) {
      const p = e.type === 'blob' && e.mode !== '120000' ? pluginFor(e.path) : undefined;
      plugins.set(e.path, p);
      if (p) used.set(p.id, p);
    }
    const analyzerVersion = analyzerVersionFor(used.values(), testReachDepth);
    const known = await storage.cache.knownGitObjects(
      entries.filter((e) => e.type === 'blob').map((e) => e.oid),
    );
    // Threads pay for loading the plug-ins once each: by default, one per MIN_FILES_PER_WORKER new files.
    const newFiles = entries.filter((e) => plugins.get(e.path) && !known.has(e.oid)).length;
    analyser = createAnalyser(
      opts.workers ?? Math.min(defaultWorkerCount(), Math.floor(newFiles / MIN_FILES_PER_WORKER) || 1),
      (id) => used.get(id),
      opts.pluginFor === undefined,
    );
    snapshotId = await storage.writer.beginSnapshot(target.repoId, commit, opts.ref ?? null, analyzerVersion);

    const configOwners = new Map<string, LanguagePlugin[]>();
    for (const e of entries) {
      const owners = [...used.values()].filter((p) => p.isConfigFile(e.path));
      if (owners.length > 0 && e.type === 'blob' && e.mode !== '120000') configOwners.set(e.path, owners);
    }
    catFile = new CatFileBatchImpl(target.gitDir);
    const bytesTotal = entries.reduce((n, e) => n + (e.size ?? 0), 0);
    if (bytesTotal > LEAN_HEAP_BYTES) setFlagsFromString('--heap-growing-percent=20');
    let bytesDone = 0;
    const progress = (phase: IndexProgress['phase'], filesDone: number): void =>
      opts.onProgress?.({ phase, filesDone, filesTotal: entries.length, bytesDone, bytesTotal });

    // Ingest and analyse run together: a window is analysed while later ones are read.
    const { windows, tree } = ingest({
      entries,
      plugins,
      configOwners,
      known,
      maxFileSize,
      git: catFile,
      blobs,
      cache: storage.cache,
      onFile: (filesDone, bytes) => {
        bytesDone = bytes;
        progress('reading', filesDone);
      },
    });
    const facts = await analyse(windows, { cache: storage.cache, analyser });
    // Analysis workers hold their own heaps (and a TypeScript each): end them before resolution needs the memory.
    await analyser.close();
    analyser = null;

    progress('resolving', tree.files.length);
    const { analysedFiles, cachedFiles } = facts;
    const built = buildSnapshot({
      files: tree.files,
      analysed: facts.analysed,
      pluginOf: (path) => plugins.get(path),
      plugins: [...used.values()],
      configs: tree.configs,
      testReachDepth,
      previous: loadResolutionMemo(ws.dataDir, target.repoId, analyzerVersion) ?? undefined,
    });
    progress('writing', tree.files.length);
    await storage.writer.publishSnapshotSuperseding(snapshotId, built.rows);
    saveResolutionMemo(ws.dataDir, target.repoId, analyzerVersion, built.memo);

    return {
      repo: target.repoId,
      commit,
      ref,
      snapshot: snapshotId,
      files: tree.files.length,
      storedFiles: tree.files.filter((f) => f.blobSha256 !== null).length,
      newBlobs: tree.newBlobs,
      bytes: tree.bytesDone,
      skipped: built.stats.filesSkipped,
      analysedFiles,
      cachedFiles,
      reusedResolutions: built.reusedFiles,
      symbols: built.symbols,
      edges: built.edges,
      testLinks: built.testLinks,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    if (snapshotId !== null)
      await storage.writer
        .failSnapshot(snapshotId, err instanceof Error ? err.message : String(err))
        .catch(() => undefined); // the storage may be what failed: the first error is the one to report
    throw err;
  } finally {
    catFile?.close();
    await analyser?.close();
    await lock?.release();
  }
}

/**
 * The newest snapshot's counts when it already has this commit and analyzer version and all its blobs are in the store
 * (skipIfIndexed); null when the commit must be indexed.
 */
async function alreadyIndexed(
  ws: Workspace,
  target: Target,
  commit: string,
  ref: string,
  pluginFor: (path: string) => LanguagePlugin | undefined,
  testReachDepth: number,
  started: number,
): Promise<IndexResult | null> {
  const { storage, blobs } = ws;
  // A commit names one tree: the newest snapshot's file list stands in for `git ls-tree` when deciding "up to date".
  const latest = await storage.reader.latestSnapshot(target.repoId);
  if (!latest || latest.commit !== commit) return null;
  const latestFiles = await storage.reader.listFiles(latest.id);
  const version = analyzerVersionOf(
    latestFiles.map((f) => ({
      path: f.path,
      analysable: f.skipReason !== 'submodule' && f.mode !== '120000',
    })),
    pluginFor,
    testReachDepth,
  );
  if (
    version !== latest.analyzerVersion ||
    !(await blobsPresent(latestFiles, blobs)) ||
    !(await stillMissing(target.gitDir, commit, latestFiles))
  )
    return null;
  const counts = await storage.reader.countRows(latest.id);
  return {
    repo: target.repoId,
    commit,
    ref,
    snapshot: latest.id,
    files: counts.files,
    storedFiles: 0,
    newBlobs: 0,
    bytes: 0,
    skipped: {},
    analysedFiles: 0,
    cachedFiles: 0,
    symbols: counts.symbols,
    edges: counts.edges,
    testLinks: 0,
    durationMs: Date.now() - started,
    upToDate: true,
  };
}

/** The snapshot's analyzer version: indexer, non-default tested-by depth, and the plug-ins the tree uses. */
function analyzerVersionFor(used: Iterable<LanguagePlugin>, testReachDepth: number): string {
  return [
    `indexer:${INDEXER_VERSION}`,
    // A non-default tested-by depth makes a different snapshot of the same commit.
    ...(testReachDepth !== DEFAULT_TEST_REACH_DEPTH ? [`test-depth:${testReachDepth}`] : []),
    ...[...used].map((p) => `${p.id}:${p.analyzerVersion}`).sort(),
  ].join(';');
}

/** analyzerVersionFor over paths (those a plug-in may read: not symlinks or submodules). */
function analyzerVersionOf(
  paths: ReadonlyArray<{ path: string; analysable: boolean }>,
  pluginFor: (path: string) => LanguagePlugin | undefined,
  testReachDepth: number,
): string {
  const used = new Map<string, LanguagePlugin>();
  for (const f of paths) {
    const p = f.analysable ? pluginFor(f.path) : undefined;
    if (p) used.set(p.id, p);
  }
  return analyzerVersionFor(used.values(), testReachDepth);
}

/**
 * True unless the repository now has a blob the snapshot recorded as missing-object (fetched since): then the commit is
 * indexed again. Asks git only when the snapshot has such files.
 */
async function stillMissing(gitDir: string, commit: string, files: readonly FileRecord[]): Promise<boolean> {
  const recorded = files.filter((f) => f.skipReason === 'missing-object');
  if (recorded.length === 0) return true;
  const missing = await missingObjects(gitDir, commit);
  return recorded.every((f) => missing.has(f.gitOid));
}

/** True when every stored file of a snapshot still has its blob (a store with lost blobs is re-indexed, not skipped). */
async function blobsPresent(files: readonly FileRecord[], blobs: BlobStore): Promise<boolean> {
  const shas = new Set<string>();
  for (const f of files) if (f.blobSha256 !== null) shas.add(f.blobSha256);
  return (await blobs.hasMany([...shas])).size === shas.size;
}
