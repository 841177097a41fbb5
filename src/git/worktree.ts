/**
 * Changes that are not commits, as git commit objects written without touching a repository's index, HEAD or refs:
 * the uncommitted state of a checkout, or a unified diff applied to a commit.
 */
import { lstat, mkdtemp, rm } from 'node:fs/promises';
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
  const headRun = await runGit(top, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const head = headRun.code === 0 ? headRun.stdout.toString('utf8').trim() : null;
  const commit = await withScratchIndex(top, async (step) => {
    await step(['add', '-A', '--', '.']);
    const tree = await step(['write-tree']);
    return step([
      'commit-tree',
      tree,
      ...(head ? ['-p', head] : []),
      '-m',
      'codehub: uncommitted work tree (overlay)',
    ]);
  });
  return { top, commit, head };
}

/**
 * A commit whose tree is `base`'s tree with a unified diff applied (`git apply --cached`: the work tree, the index and
 * the refs of the repository are not touched), parent `base`. Throws InvalidInput when the diff does not apply.
 */
export async function patchedCommit(gitDir: string, base: string, patch: string): Promise<string> {
  return withScratchIndex(gitDir, async (step, run) => {
    await step(['read-tree', base]);
    const applied = await run(['apply', '--cached', '--whitespace=nowarn', '--recount', '-'], patch);
    if (applied.code !== 0)
      throw new CodehubError(
        'InvalidInput',
        `the diff does not apply to ${base.slice(0, 12)}: ${applied.stderr.split('\n').find((l) => l.trim() !== '') ?? 'git apply failed'}`,
      );
    const tree = await step(['write-tree']);
    return step(['commit-tree', tree, '-p', base, '-m', 'codehub: a diff applied to a snapshot (overlay)']);
  });
}

type GitStep = (args: string[]) => Promise<string>;
type GitRun = (args: string[], input?: string) => Promise<{ code: number; stderr: string }>;

/**
 * Runs git steps against a scratch index file, with a fixed identity and dates (the same tree and parent give the
 * same commit sha); the scratch index is removed afterwards.
 */
async function withScratchIndex<T>(
  cwd: string,
  body: (step: GitStep, run: GitRun) => Promise<T>,
): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), 'codehub-scratch-index-'));
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
    const run: GitRun = (args, input) =>
      runGit(cwd, args, { env, ...(input === undefined ? {} : { input }) });
    const step: GitStep = async (args) => {
      const r = await runGit(cwd, args, { env });
      if (r.code !== 0)
        throw new CodehubError(
          'GitFailed',
          `git ${args[0]} failed in ${cwd}: ${r.stderr.split('\n')[0] ?? ''}`,
        );
      return r.stdout.toString('utf8').trim();
    };
    return await body(step, run);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The repository's git directory (`.git`, or the linked worktree's own folder), absolute. */
export async function gitDirOf(top: string): Promise<string> {
  const r = await runGit(top, ['rev-parse', '--absolute-git-dir']);
  if (r.code !== 0)
    throw new CodehubError('GitFailed', `git rev-parse --absolute-git-dir failed in ${top}: ${r.stderr}`);
  return r.stdout.toString('utf8').trim();
}

/**
 * A string that changes whenever the checkout's uncommitted state may have: HEAD, `git status` (untracked files
 * listed one by one; ignored ones left out) and the size and modification time of every path it lists (a file edited
 * twice stays "modified" in the status). Reads only; the index is not refreshed (GIT_OPTIONAL_LOCKS=0).
 */
export async function worktreeFingerprint(top: string): Promise<string> {
  const [head, status] = await Promise.all([
    runGit(top, ['rev-parse', '--verify', '--quiet', 'HEAD']),
    runGit(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']),
  ]);
  if (status.code !== 0)
    throw new CodehubError('GitFailed', `git status failed in ${top}: ${status.stderr.split('\n')[0] ?? ''}`);
  const entries = status.stdout.toString('utf8').split('\0').filter(Boolean);
  const stamps = await Promise.all(
    entries.map(async (e) => {
      try {
        const s = await lstat(join(top, e.slice(3)));
        return `${s.size}:${s.mtimeMs}`;
      } catch {
        return 'gone';
      }
    }),
  );
  return [head.stdout.toString('utf8').trim(), ...entries.map((e, i) => `${e}\t${stamps[i]}`)].join('\n');
}
