/**
 * `codehub watch`: one warm process that indexes each new commit of a local checkout as it appears (and, with
 * `worktree`, its uncommitted state as an unpublished overlay, service/worktree-overlay.ts). Every index goes through
 * the normal incremental path on one open workspace: the storage handle, the facts cache and the in-process parsers
 * (modules loaded once, their JIT warm) are reused, so a commit costs what it changed.
 *
 * Changes are found by polling (`git rev-parse HEAD`, `git status` + mtimes) at an interval, the way that always
 * works; fs.watch on the git directory only wakes the poll early. Commits that arrive faster than they are indexed
 * are collapsed into the newest.
 */
import { watch as watchFs, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { classifyError, isCodehubError } from '../core/errors.js';
import { checkRepoId } from '../core/ids.js';
import { openRepository, repoIdForLocal, resolveCommit } from '../git/git.js';
import { gitDirOf, worktreeCommit, worktreeFingerprint } from '../git/worktree.js';
import type { Storage } from '../db/storage.js';
import { memoizeFacts } from './facts-memo.js';
import { gcRunning, lockRepoForIndex } from './index-lease.js';
import { indexInWorkspace, type IndexOptions, type IndexResult } from './indexer.js';
import type { Workspace } from './workspace.js';
import { lockWatcher, openOverlayWorkspace, removeOverlay, WORKTREE_PIN } from './worktree-overlay.js';

/** One thing that happened; `--json` prints each as one line. */
export interface WatchEvent {
  event: 'watching' | 'indexing' | 'indexed' | 'up-to-date' | 'overlay' | 'failed' | 'stopping' | 'stopped';
  repo: string;
  /** The commit indexed (for `overlay`, the commit object made for the work tree; its parent is `head`). */
  commit: string | null;
  /** HEAD of the checkout when the event happened. */
  head: string | null;
  /** What queries name it by: `<repo>@<commit>`, or `<repo>@worktree` for an overlay. */
  name: string | null;
  snapshot: number | null;
  durationMs: number | null;
  files: number | null;
  analysedFiles: number | null;
  cachedFiles: number | null;
  symbols: number | null;
  edges: number | null;
  /** For `failed`: what failed (`commit` or `worktree`) and why. */
  error: { target: 'commit' | 'worktree'; code: string; message: string } | null;
  at: string;
}

export interface WatchOptions {
  /** The hub's workspace, open for the whole watch. */
  ws: Workspace;
  /** The checkout (any folder inside it). */
  path: string;
  name?: string;
  intervalMs: number;
  /** Also index the uncommitted state as an overlay. */
  worktree: boolean;
  /** Index what is there now, then return (the overlay, if any, stays until the next watch or gc). */
  once: boolean;
  /** Index options passed through (max file size, workers, test depth). */
  index: Pick<IndexOptions, 'maxFileSize' | 'workers' | 'testReachDepth'>;
  signal: AbortSignal;
  onEvent(e: WatchEvent): void;
  /** Told of index progress (for a TTY's rewritten line). */
  onProgress?: IndexOptions['onProgress'];
}

/** How long the work tree must stay the same before its overlay is indexed (an editor saves in bursts). */
const DEBOUNCE_MS = 150;

/**
 * Watches a checkout until `signal` aborts (or once): indexes HEAD now unless already indexed, then each new commit,
 * and with `worktree` each new uncommitted state. An index that fails is reported as a `failed` event and watching
 * goes on. Throws before watching for a folder that is not a git checkout (NotAGitRepository), a bad name
 * (InvalidInput), or a repo another watcher already holds in this data dir (IndexLocked).
 */
export async function watchRepository(opts: WatchOptions): Promise<void> {
  const { signal } = opts;
  // The warm part beyond loaded modules: facts read once stay decoded for the next index.
  const ws = withFactsMemo(opts.ws);
  const top = await openRepository(opts.path);
  const repoId = checkRepoId(opts.name ?? (await repoIdForLocal(top)), opts.name ? '--name' : 'repo id');
  const watcherLock = await lockWatcher(ws.dataDir, repoId);
  const wake = new Wakeup();
  let fsWatchers: FSWatcher[] = [];
  let overlay: Workspace | null = null;
  let lastHead: string | null = null;
  const base = (event: WatchEvent['event'], head: string | null): WatchEvent => ({
    event,
    repo: repoId,
    commit: null,
    head,
    name: null,
    snapshot: null,
    durationMs: null,
    files: null,
    analysedFiles: null,
    cachedFiles: null,
    symbols: null,
    edges: null,
    error: null,
    at: new Date().toISOString(),
  });
  const fromResult = (event: WatchEvent['event'], head: string | null, r: IndexResult, name: string) => ({
    ...base(event, head),
    commit: r.commit,
    name,
    snapshot: r.snapshot,
    durationMs: r.durationMs,
    files: r.files,
    analysedFiles: r.analysedFiles,
    cachedFiles: r.cachedFiles,
    symbols: r.symbols,
    edges: r.edges,
  });
  const failed = (target: 'commit' | 'worktree', head: string | null, err: unknown): WatchEvent => {
    const e = classifyError(err);
    return {
      ...base('failed', head),
      error: {
        target,
        code: isCodehubError(e) ? e.code : 'internal',
        message: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '',
      },
    };
  };
  const common = {
    dataDir: ws.dataDir,
    source: top,
    name: repoId,
    ...opts.index,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  };

  // Told at once, so that a user (or a test) knows the stop was heard while the index in hand finishes.
  const onAbort = (): void => {
    opts.onEvent(base('stopping', lastHead));
    wake.now();
  };
  signal.addEventListener('abort', onAbort);
  let lastState: string | null = null;
  let lastOverlayCommit: string | null = null;
  try {
    if (!opts.once) fsWatchers = watchGitDir(await gitDirOf(top), () => wake.now());
    opts.onEvent({ ...base('watching', await currentHead(top)) });
    let gitProblem: string | null = null;
    while (!signal.aborted) {
      let head: string | null;
      try {
        head = await currentHead(top);
        gitProblem = null;
      } catch (err) {
        // The checkout is unreadable for now (moved, mid-rebase, git gone): said once, then looked at again.
        const e = failed('commit', lastHead, err);
        if (e.error?.message !== gitProblem) opts.onEvent(e);
        gitProblem = e.error?.message ?? null;
        if (opts.once) break;
        await wake.wait(opts.intervalMs);
        continue;
      }
      if (head !== null && head !== lastHead) {
        opts.onEvent({ ...base('indexing', head), commit: head });
        try {
          const r = await indexInWorkspace(ws, { ...common, skipIfIndexed: true });
          opts.onEvent(fromResult(r.upToDate ? 'up-to-date' : 'indexed', head, r, `${repoId}@${r.commit}`));
          lastHead = r.commit;
        } catch (err) {
          opts.onEvent(failed('commit', head, err));
          lastHead = head; // tried: the next commit is indexed, this one is not retried in a loop
        }
      }
      if (opts.worktree && !signal.aborted) {
        try {
          const state = await worktreeFingerprint(top);
          if (state !== lastState && (opts.once || (await settled(top, state, signal)))) {
            lastState = state;
            overlay ??= openOverlayWorkspace(ws, repoId);
            const r = await indexOverlay(ws, overlay, top, common, lastOverlayCommit);
            if (r) {
              lastOverlayCommit = r.result.commit;
              opts.onEvent(fromResult('overlay', r.head, r.result, `${repoId}@${WORKTREE_PIN}`));
            }
          }
        } catch (err) {
          opts.onEvent(failed('worktree', head, err));
        }
      }
      if (opts.once) break;
      await wake.wait(opts.intervalMs);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    for (const w of fsWatchers) w.close();
    await overlay?.close();
    // A long-running watch takes its overlay with it; `--once` leaves it for queries until the next watch or gc.
    if (!opts.once) removeOverlay(ws.dataDir, repoId);
    watcherLock.release();
    opts.onEvent({ ...base('stopped', lastHead) });
  }
}

/**
 * Indexes the work tree's state into the overlay workspace and drops the overlay before it; null when the state is
 * the overlay already indexed. Holds the hub's index lock of the repo meanwhile: the overlay's blobs go to the hub's
 * store, and gc must not collect them half-written.
 */
async function indexOverlay(
  hub: Workspace,
  overlay: Workspace,
  top: string,
  common: Omit<IndexOptions, 'ref'>,
  previous: string | null,
): Promise<{ result: IndexResult; head: string | null } | null> {
  const { commit, head } = await worktreeCommit(top);
  if (commit === previous) return null;
  const lock = await lockRepoForIndex(hub, common.name!, 5000);
  try {
    if (await gcRunning(hub))
      throw new Error('codehub gc is running; the work tree is indexed when it finishes');
    const result = await indexInWorkspace(overlay, { ...common, ref: commit, skipIfIndexed: false });
    // The overlay's commit exists in no remote: no permalinks to it.
    const repo = await overlay.storage.reader.getRepo(common.name!);
    if (repo) await overlay.storage.writer.upsertRepo({ ...repo, webUrl: null });
    await overlay.storage.maintenance.deleteOldSnapshots();
    return { result, head };
  } finally {
    await lock.release();
  }
}

/** The workspace with its facts cache remembered in memory (facts-memo.ts); closing it closes the workspace. */
function withFactsMemo(hub: Workspace): Workspace {
  const s = hub.storage;
  const storage: Storage = {
    kind: s.kind,
    writer: s.writer,
    reader: s.reader,
    maintenance: s.maintenance,
    leases: s.leases,
    cache: memoizeFacts(s.cache),
    close: () => s.close(),
  };
  return { dataDir: hub.dataDir, storage, blobs: hub.blobs, close: () => hub.close() };
}

/** HEAD's commit, or null in a repository with no commit yet. */
async function currentHead(top: string): Promise<string | null> {
  try {
    return await resolveCommit(top, 'HEAD');
  } catch (err) {
    if (isCodehubError(err, 'RefNotFound')) return null;
    throw err;
  }
}

/** True once the work tree has stayed at `state` for DEBOUNCE_MS; false when it moved on (looked at next round). */
async function settled(top: string, state: string, signal: AbortSignal): Promise<boolean> {
  await new Promise((r) => setTimeout(r, DEBOUNCE_MS));
  return !signal.aborted && (await worktreeFingerprint(top)) === state;
}

/**
 * fs.watch on the git directory and its refs: a commit, checkout or `git add` wakes the poll at once. Best effort:
 * where fs.watch is missing or fails, the poll alone finds the change.
 */
function watchGitDir(gitDir: string, onChange: () => void): FSWatcher[] {
  const out: FSWatcher[] = [];
  for (const dir of [gitDir, join(gitDir, 'refs', 'heads')]) {
    try {
      const w = watchFs(dir, { persistent: false }, onChange);
      w.on('error', () => w.close());
      out.push(w);
    } catch {
      // polling covers it
    }
  }
  return out;
}

/** A sleep that `now()` ends early. */
class Wakeup {
  private pending: (() => void) | null = null;
  private early = false;

  now(): void {
    if (this.pending) this.pending();
    else this.early = true;
  }

  /** Sleeps `ms`, or until now() (at least a few ms: a burst of file events is one wake-up). */
  async wait(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
    if (this.early) {
      this.early = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pending = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending = done;
    });
  }
}
