/**
 * Work-tree overlays: the uncommitted state of a watched checkout (`codehub watch --worktree`), indexed but never
 * published. An overlay lives in `<data>/overlays/<repo>/`: its own SQLite file holds the repo and at most one ready
 * snapshot (the newest overlay replaces the one before), so the hub's own snapshots, `latestSnapshot` and every reader
 * of the hub's database never see it. Its blobs go to the hub's blob store and its per-file facts to the hub's
 * analysis cache (both are keyed by content), so an overlay re-analyses only the files that differ from a commit.
 * Queries name it `<repo>@worktree`. It is removed when its watcher exits, or by gc once no watcher holds it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CodehubError } from '../core/errors.js';
import { checkRepoId } from '../core/ids.js';
import { SqliteStorage } from '../db/sqlite-storage.js';
import type { Storage } from '../db/storage.js';
import { acquireLock, isLockHeld, type HeldLock } from '../store/index-lock.js';
import type { Workspace } from './workspace.js';

/** The pin that names a repo's work-tree overlay in queries: `<repo>@worktree`. */
export const WORKTREE_PIN = 'worktree';
const WATCH_LOCK = 'watch';

/** The overlays folder of a data dir. */
function overlaysDir(dataDir: string): string {
  return join(dataDir, 'overlays');
}

/** The overlay folder of one repo (the id is URI-encoded: `/` cannot appear in a folder name, and ids stay distinct). */
export function overlayDir(dataDir: string, repoId: string): string {
  return join(overlaysDir(dataDir), encodeURIComponent(repoId));
}

/**
 * The overlay's workspace: its own SQLite file for repos, snapshots and leases, the hub's blob store and analysis
 * cache. Closing it closes the overlay's SQLite file only (the hub's workspace stays open).
 */
export function openOverlayWorkspace(hub: Workspace, repoId: string): Workspace {
  const dir = overlayDir(hub.dataDir, repoId);
  mkdirSync(dir, { recursive: true });
  const own = new SqliteStorage(join(dir, 'codehub.db'));
  const storage: Storage = {
    kind: own.kind,
    writer: own.writer,
    reader: own.reader,
    maintenance: own.maintenance,
    leases: own.leases,
    cache: hub.storage.cache,
    close: () => own.close(),
  };
  return { dataDir: dir, storage, blobs: hub.blobs, close: () => own.close() };
}

/** Marks the repo's overlay as held by this process's watcher; throws IndexLocked when another watcher holds it. */
export async function lockWatcher(dataDir: string, repoId: string): Promise<HeldLock> {
  try {
    return await acquireLock(overlayDir(dataDir, repoId), WATCH_LOCK, `the watcher of ${repoId}`, 0);
  } catch (err) {
    if (err instanceof CodehubError && err.code === 'IndexLocked')
      throw new CodehubError(
        'IndexLocked',
        `${repoId} is already watched with data dir ${dataDir} by another codehub watch (${/pid \d+/.exec(err.message)?.[0] ?? 'a live process'}); stop it first`,
      );
    throw err;
  }
}

/** Deletes a repo's overlay folder (its snapshot and locks; the blobs are the hub's, left to gc). */
export function removeOverlay(dataDir: string, repoId: string): void {
  rmSync(overlayDir(dataDir, repoId), { recursive: true, force: true });
}

/** `repo@worktree` → the repo id; null for any other spec. */
export function worktreeRepoOf(spec: string): string | null {
  const suffix = `@${WORKTREE_PIN}`;
  return spec.endsWith(suffix) ? spec.slice(0, -suffix.length) : null;
}

/**
 * The overlay a query names (`<repo>@worktree`), opened for reading; throws RepoNotFound when the repo has no
 * overlay. The caller closes it.
 */
export function openOverlayForQuery(hub: Workspace, repoId: string): Workspace {
  checkRepoId(repoId, 'repo');
  if (!existsSync(join(overlayDir(hub.dataDir, repoId), 'codehub.db')))
    throw new CodehubError(
      'RepoNotFound',
      `${repoId} has no work-tree overlay in this data dir; run 'codehub watch <path> --worktree' on its checkout`,
    );
  return openOverlayWorkspace(hub, repoId);
}

/** Overlays of a data dir, each with whether a live watcher still holds it. */
export function listOverlays(dataDir: string): Array<{ repoId: string; dir: string; live: boolean }> {
  let names: string[];
  try {
    names = readdirSync(overlaysDir(dataDir));
  } catch {
    return [];
  }
  return names.map((name) => {
    const dir = join(overlaysDir(dataDir), name);
    return { repoId: decodeURIComponent(name), dir, live: isLockHeld(dir, WATCH_LOCK) };
  });
}

/**
 * Where a query's repo spec points: `<repo>@worktree` → the repo's overlay workspace and the bare repo id; anything
 * else → the hub's workspace and the spec unchanged (`<repo>` or `<repo>@<commit>`). `close` closes only what this
 * opened.
 */
export function queryTarget(
  hub: Workspace,
  spec: string,
): { ws: Workspace; repo: string; close(): Promise<void> } {
  const repoId = worktreeRepoOf(spec);
  if (repoId === null) return { ws: hub, repo: spec, close: () => Promise.resolve() };
  const ws = openOverlayForQuery(hub, repoId);
  return { ws, repo: repoId, close: () => ws.close() };
}
