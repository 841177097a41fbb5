/**
 * The index use case: git tree at a commit → blob store → per-file analysis (cached by blob) →
 * repo-wide resolution → one snapshot, published atomically.
 */
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { CodehubError } from '../core/errors.js';
import type { FileFacts } from '../core/facts.js';
import { checkRepoId, makeSymbolId } from '../core/ids.js';
import { computeTestReach, DEFAULT_TEST_REACH_DEPTH } from '../analysis/test-reach.js';
import { languageByExtension } from '../languages/file-language.js';
import { isTestPathFor, type LanguagePlugin, type ModuleResolver } from '../languages/plugin.js';
import { noPluginReason, pluginForPath } from '../languages/registry.js';
import {
  factsKeyString,
  snapshotRows,
  type FactsCacheKey,
  type FileRecord,
  type GitObjectInfo,
  type SnapshotStats,
  type SymbolRecord,
} from '../db/storage.js';
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
  type TreeEntry,
} from '../git/git.js';
import { sha256Hex } from '../store/blob-codec.js';
import type { BlobStore } from '../store/blob-store.js';
import type { AnalysisJob, FileAnalyser } from './analysis-pool.js';
import { gcRunning, lockRepoForIndex } from './index-lease.js';
import { openWorkspace } from './workspace.js';

/** Bumped when the indexer's own output for the same tree changes. */
export const INDEXER_VERSION = '1';
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;
/** Entries read and written per window: git reads are pipelined, blob writes compress in parallel. */
const WINDOW = 128;
/** Windows whose analysis may still be running while later windows are read (bounds memory). */
const WINDOWS_IN_FLIGHT = 4;
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
   * Analysis threads; 1 analyses in-process. Default: one per MIN_FILES_PER_WORKER new files, at most min(cores, 4).
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
    checkRepoId(repoId, 'repo id', `it was made from ${JSON.stringify(opts.source)}: pass --name host/owner/name`);
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

/** Indexes one repository at a ref into the data dir and publishes a snapshot. */
export async function indexRepository(opts: IndexOptions): Promise<IndexResult> {
  const started = Date.now();
  if (opts.name !== undefined) checkRepoId(opts.name, '--name');
  const ws = openWorkspace(opts.dataDir, { blobs: opts.blobs, database: opts.database });
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

    // A commit names one tree: the newest snapshot's file list stands in for `git ls-tree` when deciding "up to date".
    const latest = await storage.reader.latestSnapshot(target.repoId);
    if (opts.skipIfIndexed && latest && latest.commit === commit) {
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
        version === latest.analyzerVersion &&
        (await blobsPresent(latestFiles, blobs)) &&
        (await stillMissing(target.gitDir, commit, latestFiles))
      ) {
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
    }

    // Loaded only when there is work to do: a no-op re-index never pays for them.
    const [{ resolveRepo }, { CatFileBatch: CatFileBatchImpl }, { createAnalyser, defaultWorkerCount }] =
      await Promise.all([
        import('../analysis/resolve-repo.js'),
        import('../git/cat-file-batch.js'),
        import('./analysis-pool.js'),
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
    const known = await storage.cache.knownGitObjects(entries.filter((e) => e.type === 'blob').map((e) => e.oid));
    // Threads pay for loading the plug-ins once each: by default, one per MIN_FILES_PER_WORKER new files.
    const newFiles = entries.filter((e) => plugins.get(e.path) && !known.has(e.oid)).length;
    analyser = createAnalyser(
      opts.workers ?? Math.min(defaultWorkerCount(), Math.floor(newFiles / MIN_FILES_PER_WORKER) || 1),
      (id) => used.get(id),
      opts.pluginFor === undefined,
    );
    const analysis = analyser;
    snapshotId = await storage.writer.beginSnapshot(target.repoId, commit, opts.ref ?? null, analyzerVersion);

    const configOwners = new Map<string, LanguagePlugin[]>();
    for (const e of entries) {
      const owners = [...used.values()].filter((p) => p.isConfigFile(e.path));
      if (owners.length > 0 && e.type === 'blob' && e.mode !== '120000') configOwners.set(e.path, owners);
    }
    const configs = new Map<string, Map<string, string>>(); // plugin id → path → text

    catFile = new CatFileBatchImpl(target.gitDir);
    const reader = catFile;

    const files: FileRecord[] = [];
    const analysed: Array<{ path: string; facts: FileFacts }> = [];
    const skipped: Record<string, number> = {};
    const bytesTotal = entries.reduce((n, e) => n + (e.size ?? 0), 0);
    if (bytesTotal > LEAN_HEAP_BYTES) setFlagsFromString('--heap-growing-percent=20');
    let bytesDone = 0;
    let newBlobs = 0;
    const writing = new Set<string>();
    let analysedFiles = 0;
    let cachedFiles = 0;
    const progress = (phase: IndexProgress['phase'], filesDone: number): void =>
      opts.onProgress?.({ phase, filesDone, filesTotal: entries.length, bytesDone, bytesTotal });
    // Analysis of a window runs (in the pool) while the next windows are read; its facts fill their slots in order.
    const inFlight: Array<Promise<void>> = [];
    let analysisError: unknown = null;

    for (let w = 0; w < entries.length; w += WINDOW) {
      const window = entries.slice(w, w + WINDOW);
      // Decide what must be read from git, then pipeline those reads.
      const infos = new Map<string, GitObjectInfo>();
      const knownHere = window.flatMap((e) => known.get(e.oid) ?? []);
      const stored = knownHere.length > 0 ? await blobs.hasMany(knownHere.map((k) => k.sha256)) : new Set();
      for (const k of knownHere) if (stored.has(k.sha256)) infos.set(k.oid, k);
      const cacheKeys: FactsCacheKey[] = [];
      for (const e of window) {
        const p = plugins.get(e.path);
        const info = infos.get(e.oid);
        if (p && info && info.content === 'text') {
          cacheKeys.push({
            blobSha256: info.sha256,
            pluginId: p.id,
            analyzerVersion: p.analyzerVersion,
            path: e.path,
          });
        }
      }
      const cached = await storage.cache.getCachedFacts(cacheKeys);
      // Sizes came with the tree: nothing too large, and nothing the repository lacks, is asked for.
      const reads = new Map<TreeEntry, Promise<Buffer | null>>();
      for (const e of window) {
        if (e.type !== 'blob' || e.missing) continue;
        if (e.mode === '120000') {
          reads.set(e, reader.read(e.oid));
          continue;
        }
        if ((e.size ?? 0) > maxFileSize) continue;
        const info = infos.get(e.oid);
        const p = plugins.get(e.path);
        const needsFacts =
          p !== undefined &&
          (!info ||
            (info.content === 'text' &&
              !cached.has(
                factsKeyString({
                  blobSha256: info.sha256,
                  pluginId: p.id,
                  analyzerVersion: p.analyzerVersion,
                  path: e.path,
                }),
              )));
        if (!info || needsFacts || configOwners.has(e.path)) reads.set(e, reader.read(e.oid));
      }
      const puts: Array<Promise<unknown>> = [];
      const learned: GitObjectInfo[] = [];
      const jobs: AnalysisJob[] = [];
      const slots: Array<{ key: FactsCacheKey; slot: { path: string; facts: FileFacts } }> = [];

      for (const e of window) {
        const size = e.size ?? 0;
        const base = {
          path: e.path,
          gitOid: e.oid,
          mode: e.mode,
          size,
          language: languageByExtension(e.path),
        };
        if (e.type === 'commit') {
          files.push({
            ...base,
            blobSha256: null,
            lines: null,
            eol: null,
            skipReason: 'submodule',
            target: e.oid,
          });
        } else if (e.type !== 'blob') {
          continue;
        } else if (e.missing) {
          files.push(missingObjectRecord(base));
        } else if (e.mode === '120000') {
          const bytes = await reads.get(e)!;
          files.push(
            bytes === null
              ? missingObjectRecord(base)
              : {
                  ...base,
                  blobSha256: null,
                  lines: null,
                  eol: null,
                  skipReason: 'symlink',
                  target: bytes.toString('utf8'),
                },
          );
        } else if (size > maxFileSize) {
          files.push({
            ...base,
            blobSha256: null,
            lines: null,
            eol: null,
            skipReason: 'too-large',
            target: null,
          });
        } else {
          const p = plugins.get(e.path);
          const pending = reads.get(e);
          const bytes = pending ? await pending : null;
          if (pending && bytes === null) {
            // Listed with a size, gone when read (pruned meanwhile): the same outcome as a blob listed missing.
            files.push(missingObjectRecord(base));
            bytesDone += size;
            progress('reading', files.length);
            continue;
          }
          let info = infos.get(e.oid);
          if (!info) {
            info = describe(e.oid, bytes!);
            learned.push(info);
            const sha = info.sha256;
            if (!writing.has(sha)) {
              // Identical content at several paths of this run is written (and counted) once.
              writing.add(sha);
              puts.push(
                blobs.put(bytes!, sha).then((r) => {
                  if (r.created) newBlobs++;
                }),
              );
            }
          }
          const skipReason = info.content === 'text' ? null : info.content;
          files.push({
            ...base,
            language: p?.id ?? base.language,
            blobSha256: info.sha256,
            lines: info.lines,
            eol: info.eol,
            skipReason,
            target: null,
          });
          if (bytes && info.content === 'text') {
            for (const owner of configOwners.get(e.path) ?? []) {
              let m = configs.get(owner.id);
              if (!m) configs.set(owner.id, (m = new Map()));
              m.set(e.path, bytes.toString('utf8'));
            }
          }
          if (p && info.content === 'text') {
            const key: FactsCacheKey = {
              blobSha256: info.sha256,
              pluginId: p.id,
              analyzerVersion: p.analyzerVersion,
              path: e.path,
            };
            const facts =
              cached.get(factsKeyString(key)) ?? (await storage.cache.getCachedFacts([key])).get(factsKeyString(key));
            if (facts) {
              cachedFiles++;
              analysed.push({ path: e.path, facts });
            } else {
              const slot = { path: e.path, facts: undefined as unknown as FileFacts };
              analysed.push(slot);
              jobs.push({ pluginId: p.id, path: e.path, text: bytes!.toString('utf8') });
              slots.push({ key, slot });
              analysedFiles++;
            }
          }
        }
        bytesDone += size;
        progress('reading', files.length);
      }
      await Promise.all(puts);
      // Remember objects only once their blobs are durably in place.
      await storage.cache.rememberGitObjects(learned);
      if (jobs.length > 0) {
        inFlight.push(
          analysis.analyze(jobs).then(
            async (results) => {
              results.forEach((r, i) => (slots[i]!.slot.facts = r.facts));
              try {
                await storage.cache.putCachedFacts(slots.map((s, i) => ({ key: s.key, packed: results[i]!.packed })));
              } catch (err) {
                analysisError ??= err;
              }
            },
            (err: unknown) => {
              analysisError ??= err;
            },
          ),
        );
        if (inFlight.length >= WINDOWS_IN_FLIGHT) await inFlight.shift();
      }
    }
    await Promise.all(inFlight);
    if (analysisError) throw analysisError;
    // Analysis threads hold their own heaps (and a TypeScript each): end them before resolution needs the memory.
    await analyser.close();
    analyser = null;

    for (const f of files) {
      if (f.skipReason) skipped[f.skipReason] = (skipped[f.skipReason] ?? 0) + 1;
      else if (!plugins.get(f.path)) {
        const reason = noPluginReason(f.path);
        skipped[reason] = (skipped[reason] ?? 0) + 1;
      }
    }
    for (const a of analysed)
      if (a.facts.skipped) skipped[a.facts.skipped] = (skipped[a.facts.skipped] ?? 0) + 1;

    progress('resolving', files.length);
    const allPaths = new Set(files.map((f) => f.path));
    const resolvers = new Map<string, ModuleResolver>();
    for (const p of used.values()) {
      resolvers.set(
        p.id,
        p.createModuleResolver({ files: allPaths, configs: configs.get(p.id) ?? new Map() }),
      );
    }
    const moduleResolver: ModuleResolver = {
      resolve(fromPath, specifier) {
        const p = plugins.get(fromPath);
        const r = p ? resolvers.get(p.id) : undefined;
        return r ? r.resolve(fromPath, specifier) : { kind: 'unresolved', reason: 'no-language-plugin' };
      },
      moduleOf(path) {
        const p = plugins.get(path);
        return (p && resolvers.get(p.id)?.moduleOf?.(path)) ?? null;
      },
      declarationsOf(path) {
        const p = plugins.get(path);
        return (p && resolvers.get(p.id)?.declarationsOf?.(path)) ?? null;
      },
    };
    const resolution = resolveRepo({
      files: analysed,
      moduleResolver,
      plugins: [...used.values()],
      releaseCallSites: true,
    });
    const symbols: SymbolRecord[] = [];
    const seen = new Set<string>();
    for (const a of analysed) {
      for (const s of a.facts.symbols) {
        const id = makeSymbolId(a.path, s.localId);
        if (seen.has(id)) continue;
        seen.add(id);
        symbols.push({ ...s, id, path: a.path });
      }
    }
    const testReach = computeTestReach(symbols, resolution.edges, testReachDepth);
    const testFiles = analysed.filter((a) => a.facts.isTestFile);
    const testFilesNotAnalysed = testFilesLeftOut(files, analysed, (path) => plugins.get(path));
    const testFrameworks: Record<string, string> = {};
    for (const a of testFiles) if (a.facts.testFramework) testFrameworks[a.path] = a.facts.testFramework;
    const stats: SnapshotStats = {
      filesParsed: analysed.filter((a) => !a.facts.skipped).length,
      filesSkipped: skipped,
      callSites: resolution.stats.callSites,
      resolvedByReason: resolution.stats.resolvedByReason,
      unresolvedByReason: resolution.stats.unresolvedByReason,
      testFiles: new Set([...testFiles.map((a) => a.path), ...testFilesNotAnalysed]).size,
      testFilesAnalysed: testFiles.filter((a) => !a.facts.skipped).length,
      testFilesNotAnalysed,
      testFrameworks,
    };

    // The facts (call sites above all) are the bulk of the heap and are not needed to write: let them go first.
    analysed.length = 0;
    progress('writing', files.length);
    // Build the snapshot's rows (pure), then publish them in one call.
    const rows = snapshotRows({ files, symbols, edges: resolution.edges, testReach, stats });
    await storage.writer.publishSnapshotSuperseding(snapshotId, rows);

    return {
      repo: target.repoId,
      commit,
      ref,
      snapshot: snapshotId,
      files: files.length,
      storedFiles: files.filter((f) => f.blobSha256 !== null).length,
      newBlobs,
      bytes: bytesDone,
      skipped,
      analysedFiles,
      cachedFiles,
      symbols: symbols.length,
      edges: resolution.edges.length,
      testLinks: testReach.length,
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
    await ws.close();
  }
}

/** A file whose blob the repository does not have: listed, with no content, size or analysis. */
function missingObjectRecord(
  base: Omit<FileRecord, 'blobSha256' | 'lines' | 'eol' | 'skipReason' | 'target'>,
): FileRecord {
  return {
    ...base,
    size: 0,
    blobSha256: null,
    lines: null,
    eol: null,
    skipReason: 'missing-object',
    target: null,
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
 * Test files whose tests are unknown: analysed but skipped (minified, analyzer error), or never analysed although a
 * plug-in owns them (too large, binary, invalid UTF-8). What counts as a test file by its path is the owning
 * plug-in's rule (LanguagePlugin.isTestPath). Tested-by answers are a lower bound while any exist.
 */
function testFilesLeftOut(
  files: readonly FileRecord[],
  analysed: ReadonlyArray<{ path: string; facts: FileFacts }>,
  pluginOf: (path: string) => LanguagePlugin | undefined,
): string[] {
  const out = new Set<string>();
  for (const a of analysed)
    if (a.facts.skipped && (a.facts.isTestFile || isTestPathFor(pluginOf(a.path), a.path))) out.add(a.path);
  for (const f of files)
    if (
      f.skipReason &&
      f.skipReason !== 'symlink' &&
      f.skipReason !== 'submodule' &&
      isTestPathFor(pluginOf(f.path), f.path)
    )
      out.add(f.path);
  return [...out].sort();
}

/** Hashes and classifies a blob's bytes: binary (NUL byte), invalid UTF-8, or text with line count and EOL style. */
export function describe(oid: string, bytes: Buffer): GitObjectInfo {
  const sha256 = sha256Hex(bytes);
  if (bytes.indexOf(0) !== -1)
    return { oid, sha256, size: bytes.length, lines: null, eol: null, content: 'binary' };
  let newlines = 0;
  let crlf = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
    newlines++;
    if (i > 0 && bytes[i - 1] === 13) crlf++;
  }
  const lines = bytes.length === 0 ? 0 : newlines + (bytes[bytes.length - 1] === 10 ? 0 : 1);
  const eol = newlines === 0 ? null : crlf === 0 ? 'lf' : crlf === newlines ? 'crlf' : 'mixed';
  const content = isUtf8(bytes) ? 'text' : 'invalid-utf8';
  return { oid, sha256, size: bytes.length, lines, eol, content };
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
