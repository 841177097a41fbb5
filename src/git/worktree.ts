/** The uncommitted state of a checkout as a git commit object, written without touching its index, HEAD or refs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodehubError } from '../core/errors.js';
import { gitEnv, openRepository, runGit } from './git.js';

/**
 * A commit whose tree is the work tree of `dir` as `git add -A` would stage it (ignored files left out), with HEAD
 * as parent. A scratch index file is used, so the checkout's own index and refs are untouched; the objects land in
 * its object store, unreferenced (git's own gc removes them). Fixed identity and dates make the same state give the
 * same sha. Throws NotAGitRepository, InvalidInput (unresolved merge conflicts), GitFailed.
 */
export async function worktreeCommit(
  dir: string,
): Promise<{ top: string; commit: string; head: string | null }> {
  const top = await openRepository(dir);
  const unmerged = await runGit(top, ['ls-files', '--unmerged', '-z']);
  if (unmerged.code === 0 && unmerged.stdout.length > 0) {
    const paths = [
      ...new Set(
        unmerged.stdout
          .toString('utf8')
          .split('\0')
          .filter(Boolean)
          .map((l) => l.slice(l.indexOf('\t') + 1)),
      ),
    ];
    throw new CodehubError(
      'InvalidInput',
      `${top} has unresolved merge conflicts (${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', …' : ''}); resolve them, or diff a commit`,
    );
  }
  const scratch = await mkdtemp(join(tmpdir(), 'codehub-worktree-index-'));
  try {
    const env = {
      ...gitEnv(),
      GIT_INDEX_FILE: join(scratch, 'index'),
      GIT_AUTHOR_NAME: 'codehub',
      GIT_AUTHOR_EMAIL: 'codehub@localhost',
      GIT_AUTHOR_DATE: '1970-01-01T00:00:00Z',
      GIT_COMMITTER_NAME: 'codehub',
      GIT_COMMITTER_EMAIL: 'codehub@localhost',
      GIT_COMMITTER_DATE: '1970-01-01T00:00:00Z',
    };
    const step = async (args: string[]): Promise<string> => {
      const r = await runGit(top, args, { env });
      if (r.code !== 0)
        throw new CodehubError(
          'GitFailed',
          `git ${args[0]} failed in ${top}: ${r.stderr.split('\n')[0] ?? ''}`,
        );
      return r.stdout.toString('utf8').trim();
    };
    await step(['add', '-A', '--', '.']);
    const tree = await step(['write-tree']);
    const headRun = await runGit(top, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    const head = headRun.code === 0 ? headRun.stdout.toString('utf8').trim() : null;
    const commit = await step([
      'commit-tree',
      tree,
      ...(head ? ['-p', head] : []),
      '-m',
      'codehub: uncommitted work tree (overlay)',
    ]);
    return { top, commit, head };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
