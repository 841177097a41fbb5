/**
 * `codehub diff --worktree`: the uncommitted state of a checkout compared with a commit, as an overlay that is never
 * published. Both sides are indexed into a scratch data dir that is deleted afterwards, so the hub's own snapshots,
 * and every reader of them, never see the work tree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRepoId } from '../core/ids.js';
import { worktreeCommit } from '../git/worktree.js';
import {
  checkSnapshotSpec,
  createChangeService,
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
  const scratch = mkdtempSync(join(tmpdir(), 'codehub-overlay-'));
  try {
    const common = { dataDir: scratch, source: top, name: options.repoId, workers: 1 };
    const base = await indexRepository({ ...common, ref: options.base });
    await indexRepository({ ...common, ref: commit });
    const ws = openWorkspace(scratch);
    try {
      const compare: CompareOptions = options.depth === undefined ? {} : { depth: options.depth };
      const report = await createChangeService(ws).compare(options.repoId, base.commit, commit, compare);
      // Scratch snapshot ids mean nothing outside this run; the work tree has no ref.
      return {
        ...report,
        base: { ...report.base, snapshot: 0, ref: options.base },
        head: { ...report.head, snapshot: 0, ref: null, refs: [], committedAt: null },
        worktree: top,
      };
    } finally {
      ws.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
