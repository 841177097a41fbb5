/** What git knows about commits a snapshot was taken at: the branches and tags pointing at them, their dates. */
import { runGit } from './git.js';

export interface CommitInfo {
  /** Branches and tags (short names) pointing at the commit now; annotated tags count for the commit they tag. */
  refs: string[];
  /** Committer date, ISO 8601; null when git does not have the commit. */
  committedAt: string | null;
}

/**
 * Refs and dates of the given commits, in two git runs whatever their number. A repository git cannot read
 * (moved, deleted) answers empty: history still lists the snapshots, without refs or dates.
 */
export async function describeCommits(
  gitDir: string,
  commits: readonly string[],
): Promise<Map<string, CommitInfo>> {
  const out = new Map<string, CommitInfo>(commits.map((c) => [c, { refs: [], committedAt: null }]));
  if (commits.length === 0) return out;
  const refs = await runGit(gitDir, [
    'for-each-ref',
    '--format=%(objectname) %(*objectname) %(refname:short)',
    'refs/heads',
    'refs/tags',
  ]).catch(() => null);
  if (refs && refs.code === 0) {
    for (const line of refs.stdout.toString('utf8').split('\n')) {
      const [object, peeled, name] = line.split(' ');
      if (!object || name === undefined) continue;
      const info = out.get(peeled || object);
      if (info && !info.refs.includes(name)) info.refs.push(name);
    }
  }
  // `--stdin` keeps the argument list short for long histories; a commit git no longer has leaves every date null.
  const log = await runGit(gitDir, ['log', '--no-walk=unsorted', '--format=%H %cI', '--stdin'], {
    input: `${commits.join('\n')}\n`,
  }).catch(() => null);
  if (log && log.code === 0) {
    for (const line of log.stdout.toString('utf8').split('\n')) {
      const [commit, date] = line.split(' ');
      const info = commit ? out.get(commit) : undefined;
      if (info && date) info.committedAt = date;
    }
  }
  for (const info of out.values()) info.refs.sort();
  return out;
}

/**
 * How two commits relate in history: `ancestor` (base is an ancestor of head: the usual forward comparison),
 * `descendant` (base is newer than head), `diverged` (they share a merge base), `unrelated` (no common history),
 * or `unknown` when git cannot say (the repository is gone or lacks a commit).
 */
export async function commitRelation(
  gitDir: string,
  base: string,
  head: string,
): Promise<'ancestor' | 'descendant' | 'diverged' | 'unrelated' | 'unknown'> {
  const isAncestor = async (a: string, b: string): Promise<boolean | null> => {
    const r = await runGit(gitDir, ['merge-base', '--is-ancestor', a, b]).catch(() => null);
    return r === null ? null : r.code === 0 ? true : r.code === 1 ? false : null;
  };
  const forward = await isAncestor(base, head);
  if (forward === null) return 'unknown';
  if (forward) return 'ancestor';
  if (await isAncestor(head, base)) return 'descendant';
  const common = await runGit(gitDir, ['merge-base', base, head]).catch(() => null);
  if (common === null) return 'unknown';
  return common.code === 0 ? 'diverged' : common.code === 1 ? 'unrelated' : 'unknown';
}
