/** Use cases over the data dir besides indexing: list repos and files, read a file, verify, gc. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CodehubError, isCodehubError } from '../core/errors.js';
import { checkRepoId } from '../core/ids.js';
import type { FileRecord, SnapshotRecord } from '../db/storage.js';
import { CatFileBatch } from '../git/cat-file-batch.js';
import { sha256Hex } from '../store/blob-codec.js';
import { lockForGc } from './index-lease.js';
import type { Workspace } from './workspace.js';
import { listOverlays, openOverlayWorkspace, removeOverlay } from './worktree-overlay.js';

export interface RepoListing {
  id: string;
  source: string;
  webUrl: string | null;
  commit: string | null;
  ref: string | null;
  indexedAt: string | null;
  snapshot: number | null;
  files: number;
  symbols: number;
  edges: number;
}

/** Every repo with its newest ready snapshot. */
export async function listRepos(ws: Workspace): Promise<RepoListing[]> {
  const reader = ws.storage.reader;
  const out: RepoListing[] = [];
  for (const r of await reader.listRepos()) {
    const snap = await reader.latestSnapshot(r.id);
    const counts = snap ? await reader.countRows(snap.id) : { files: 0, symbols: 0, edges: 0 };
    out.push({
      id: r.id,
      source: r.source,
      webUrl: r.webUrl,
      commit: snap?.commit ?? null,
      ref: snap?.ref ?? null,
      indexedAt: snap?.indexedAt ?? null,
      snapshot: snap?.id ?? null,
      ...counts,
    });
  }
  return out;
}

/** The newest ready snapshot of a repo; throws InvalidInput for a malformed id, RepoNotFound. */
export async function requireSnapshot(ws: Workspace, repoId: string): Promise<SnapshotRecord> {
  checkRepoId(repoId, 'repo');
  const snap = await ws.storage.reader.latestSnapshot(repoId);
  if (!snap) {
    const known = (await ws.storage.reader.listRepos()).map((r) => r.id);
    const hint = known.length > 0 ? `known: ${known.join(', ')}` : "index one with 'codehub index <path>'";
    throw new CodehubError('RepoNotFound', `repo '${repoId}' has no indexed snapshot (${hint})`);
  }
  return snap;
}

/** Files of a repo's newest snapshot under a path prefix. */
export async function listFiles(
  ws: Workspace,
  repoId: string,
  prefix = '',
): Promise<{ snapshot: SnapshotRecord; files: FileRecord[] }> {
  const snapshot = await requireSnapshot(ws, repoId);
  return { snapshot, files: await ws.storage.reader.listFiles(snapshot.id, prefix) };
}

/** A file's verified bytes from the blob store; throws PathNotFound, BlobHashMismatch, BlobMissing. */
export async function readFile(
  ws: Workspace,
  repoId: string,
  path: string,
): Promise<{ snapshot: SnapshotRecord; file: FileRecord; bytes: Buffer }> {
  const snapshot = await requireSnapshot(ws, repoId);
  const file = await ws.storage.reader.getFile(snapshot.id, path);
  if (!file)
    throw new CodehubError('PathNotFound', `no file '${path}' in ${repoId}@${snapshot.commit.slice(0, 12)}`);
  if (!file.blobSha256) {
    const why =
      file.skipReason === 'symlink' || file.skipReason === 'submodule'
        ? `${file.skipReason} → ${file.target}`
        : file.skipReason;
    throw new CodehubError('PathNotFound', `'${path}' has no stored content (${why})`);
  }
  return { snapshot, file, bytes: await ws.blobs.readVerified(file.blobSha256) };
}

export interface VerifyReport {
  checked: number;
  ok: number;
  /** Blobs whose bytes do not hash to their name (or do not decompress). */
  corrupt: string[];
  /** Blobs a snapshot references that are not in the store. */
  missing: string[];
  repaired: string[];
  /** Corrupt or missing blobs that could not be re-read from any reachable repository. */
  unrepaired: string[];
}

/** Re-hashes every stored blob (and checks every referenced one exists); optionally repairs from git. */
export async function verifyStore(
  ws: Workspace,
  opts: { repair: boolean; onProgress?: (done: number, total: number) => void },
): Promise<VerifyReport> {
  const corrupt: string[] = [];
  const present = new Set<string>();
  const all: string[] = [];
  for await (const blob of ws.blobs.list()) all.push(blob.sha256);
  let done = 0;
  // Reads in flight: enough to hide an object store's round trips; a folder store reads mostly on this thread anyway.
  const parallel = 16;
  const workers = Array.from({ length: parallel }, async (_, k) => {
    for (let i = k; i < all.length; i += parallel) {
      const sha = all[i]!;
      present.add(sha);
      try {
        await ws.blobs.readVerified(sha);
      } catch (err) {
        // Only the blob's own bytes make it corrupt; a store that cannot be reached fails the whole run.
        if (!isCodehubError(err, 'BlobHashMismatch') && !isCodehubError(err, 'BlobMissing')) throw err;
        corrupt.push(sha);
      }
      opts.onProgress?.(++done, all.length);
    }
  });
  await Promise.all(workers);
  const missing = [...(await ws.storage.maintenance.referencedBlobs())].filter((s) => !present.has(s)).sort();
  corrupt.sort();
  const repaired: string[] = [];
  const unrepaired: string[] = [];
  if (opts.repair) {
    const readers = new Map<string, CatFileBatch>();
    try {
      for (const sha of [...corrupt, ...missing]) {
        if (await repairBlob(ws, sha, readers)) repaired.push(sha);
        else unrepaired.push(sha);
      }
    } finally {
      for (const r of readers.values()) r.close();
    }
    // Cached knowledge about blobs that could not be restored must not let an indexer skip re-reading them.
    await ws.storage.maintenance.forgetBlobs(unrepaired);
  }
  return { checked: all.length, ok: all.length - corrupt.length, corrupt, missing, repaired, unrepaired };
}

async function repairBlob(ws: Workspace, sha: string, readers: Map<string, CatFileBatch>): Promise<boolean> {
  for (const src of await ws.storage.maintenance.blobSources(sha)) {
    if (!existsSync(src.gitDir)) continue;
    let reader = readers.get(src.gitDir);
    if (!reader) readers.set(src.gitDir, (reader = new CatFileBatch(src.gitDir)));
    let bytes: Buffer | null;
    try {
      bytes = await reader.read(src.gitOid);
    } catch {
      // The reader died (git could not read this object at all): the next blob from this repository gets a new one.
      reader.close();
      readers.delete(src.gitDir);
      continue;
    }
    // null: this repository no longer has the object (pruned, or a partial clone's); try the next source.
    if (bytes === null || sha256Hex(bytes) !== sha) continue;
    try {
      await ws.blobs.replace(bytes);
      await ws.blobs.readVerified(sha);
      return true;
    } catch {
      // Could not be written back from this source; try the next.
    }
  }
  return false;
}

export interface GcReport {
  removedSnapshots: number;
  removedBlobs: number;
  freedBytes: number;
  keptBlobs: number;
  removedTempFiles: number;
  /** Work-tree overlays removed because no watcher holds them any more. */
  removedOverlays: number;
}

/**
 * Drops unfinished snapshots (and, with keepLatestOnly, older ones) and the work-tree overlays no watcher holds, then
 * every blob that no snapshot and no live overlay references.
 */
export async function collectGarbage(ws: Workspace, opts: { keepLatestOnly: boolean }): Promise<GcReport> {
  const lock = await lockForGc(ws);
  try {
    let removedSnapshots = 0;
    const { reader, writer, maintenance } = ws.storage;
    for (const r of await reader.listRepos())
      removedSnapshots += await writer.discardUnfinishedSnapshots(r.id);
    if (opts.keepLatestOnly) removedSnapshots += await maintenance.deleteOldSnapshots();
    await maintenance.pruneSearchNames();
    const referenced = await maintenance.referencedBlobs();
    let removedOverlays = 0;
    for (const o of listOverlays(ws.dataDir)) {
      if (!o.live) {
        removeOverlay(ws.dataDir, o.repoId);
        removedOverlays++;
        continue;
      }
      // A live watcher's overlay keeps its blobs (its index runs hold the repo's index lock, so none is half-written).
      if (!existsSync(join(o.dir, 'codehub.db'))) continue; // a watcher without --worktree: no overlay yet
      const overlay = openOverlayWorkspace(ws, o.repoId);
      try {
        for (const sha of await overlay.storage.maintenance.referencedBlobs()) referenced.add(sha);
      } finally {
        await overlay.close();
      }
    }
    const removed: string[] = [];
    let freedBytes = 0;
    let keptBlobs = 0;
    for await (const blob of ws.blobs.list()) {
      if (referenced.has(blob.sha256)) {
        keptBlobs++;
        continue;
      }
      freedBytes += blob.storedBytes;
      removed.push(blob.sha256);
    }
    await ws.blobs.deleteMany(removed);
    await maintenance.forgetBlobs(removed);
    const removedTempFiles = await ws.blobs.removeLeftovers();
    return {
      removedSnapshots,
      removedBlobs: removed.length,
      freedBytes,
      keptBlobs,
      removedTempFiles,
      removedOverlays,
    };
  } finally {
    await lock.release();
  }
}
