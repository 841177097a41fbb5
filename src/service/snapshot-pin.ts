/**
 * `host/owner/name@<commit>`: a repo id pinned to one of its indexed snapshots, so that a hub URL, an API path or a
 * CLI argument can name the commit it answers from instead of following the newest snapshot.
 */
import { CodehubError } from '../core/errors.js';
import type { GraphReader, RepoRecord, SnapshotRecord } from '../db/storage.js';

/** Splits `id@pin` into the repo id and the pin (null when there is none). */
export function splitPinnedRepo(spec: string): { repoId: string; pin: string | null } {
  const at = spec.indexOf('@');
  return at < 0 ? { repoId: spec, pin: null } : { repoId: spec.slice(0, at), pin: spec.slice(at + 1) };
}

/**
 * The ready snapshot of `repo` a pin names: its commit (or the first ≥ 4 hex digits of it) or the ref it was indexed
 * with. Throws InvalidInput for an empty or ambiguous pin, RefNotFound naming the indexed commits otherwise.
 */
export async function pinnedSnapshot(
  storage: Pick<GraphReader, 'listSnapshots'>,
  repo: RepoRecord,
  pin: string,
): Promise<SnapshotRecord> {
  if (pin === '' || pin.length > 256 || /[\s\u0000-\u001f]/.test(pin))
    throw new CodehubError('InvalidInput', `'${repo.id}@' needs a commit sha or ref after the '@'`);
  const ready = (await storage.listSnapshots(repo.id)).filter((s) => s.status === 'ready');
  const wanted = pin.toLowerCase();
  const byCommit = /^[0-9a-f]{4,64}$/.test(wanted) ? ready.filter((s) => s.commit.startsWith(wanted)) : [];
  if (new Set(byCommit.map((s) => s.commit)).size > 1)
    throw new CodehubError(
      'InvalidInput',
      `'${pin}' is the start of several indexed commits of ${repo.id}; give more digits`,
    );
  const found = byCommit.at(-1) ?? ready.filter((s) => s.ref === pin).at(-1);
  if (found) return found;
  // The overlay of `codehub watch --worktree` lives beside the hub's database, on the watching machine only.
  if (pin === 'worktree')
    throw new CodehubError(
      'RefNotFound',
      `'${repo.id}@worktree' (a watched work tree) is answered by the CLI on the machine that watches it: codehub show, files, cat or export`,
    );
  const have = ready.map((s) => s.commit.slice(0, 12)).join(', ') || 'none';
  throw new CodehubError(
    'RefNotFound',
    `no indexed snapshot of ${repo.id} at '${pin}' (indexed commits: ${have}); index it with 'codehub index <path> --ref ${pin}'`,
  );
}
