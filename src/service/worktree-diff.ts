/**
 * `codehub diff --worktree`: the uncommitted state of a checkout compared with a commit, as an overlay that is never
 * published. Both sides are indexed into a scratch data dir that is deleted afterwards, so the hub's own snapshots,
 * and every reader of them, never see the work tree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRepoId } from '../core/ids.js';
import { patchedCommit, worktreeCommit } from '../git/worktree.js';
import {
  checkSnapshotSpec,
  createChangeService,
  type ChangeService,
  type ChangeReport,
  type CompareOptions,
} from './change-service.js';
import { indexRepository } from './indexer.js';
import { openWorkspace } from './workspace.js';

export interface WorktreeReport extends ChangeReport {
  /** The checkout whose uncommitted state is `head` (head.commit is a commit object made for it, on no branch). */
  worktree: string;
}

/** Compares `base` (a commit or ref the checkout's git knows) with the checkout's uncommitted state. */
export async function compareWorktree(options: {
  repoId: string;
  base: string;
  worktree: string;
  depth?: number;
}): Promise<WorktreeReport> {
  checkRepoId(options.repoId, 'repo');
  checkSnapshotSpec(options.base);
  const { top, commit } = await worktreeCommit(options.worktree);
  const report = await compareOverlay(options.repoId, top, options.base, commit, options.depth);
  return { ...report, worktree: top };
}

/**
 * Compares an indexed snapshot (`base`: a commit or ref) with that snapshot plus a unified diff (an agent's own
 * uncommitted edit), as an overlay that is never published. Throws InvalidInput when the diff does not apply.
 */
export async function comparePatch(
  changes: ChangeService,
  options: { repoId: string; base: string; diff: string; depth?: number },
): Promise<ChangeReport> {
  const { repo, snapshot } = await changes.resolveSnapshot(options.repoId, options.base);
  const commit = await patchedCommit(repo.gitDir, snapshot.commit, options.diff);
  return compareOverlay(repo.id, repo.gitDir, snapshot.commit, commit, options.depth);
}

/** Indexes base and the overlay commit into a scratch data dir, compares them, and removes the scratch dir. */
async function compareOverlay(
  repoId: string,
  source: string,
  base: string,
  overlay: string,
  depth: number | undefined,
): Promise<ChangeReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'codehub-overlay-'));
  try {
    // The scratch dir's own SQLite and blob folder, whatever $CODEHUB_DATABASE_URL / $CODEHUB_BLOBS say: the
    // overlay must never reach the hub's shared storage.
    const common = { dataDir: scratch, database: '', source, name: repoId, workers: 1 };
    const indexedBase = await indexRepository({ ...common, ref: base });
    await indexRepository({ ...common, ref: overlay });
    const ws = openWorkspace(scratch, { database: '' });
    try {
      const compare: CompareOptions = depth === undefined ? {} : { depth };
      const report = await createChangeService(ws).compare(repoId, indexedBase.commit, overlay, compare);
      // Scratch snapshot ids mean nothing outside this run; the overlay has no ref.
      return {
        ...report,
        base: { ...report.base, snapshot: 0, ref: base },
        head: { ...report.head, snapshot: 0, ref: null, refs: [], committedAt: null },
      };
    } finally {
      await ws.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
