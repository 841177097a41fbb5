/** Repo-relative `/`-separated paths, as module resolvers see them (pure). */

/** The directory of a repo path (`''` for a file at the root). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** Joins a directory and a relative rest, either of which may be `''` (the root). */
export function joinRepoPath(dir: string, rest: string): string {
  if (dir === '') return rest;
  if (rest === '') return dir;
  return `${dir}/${rest}`;
}

/** Normalises a `/`-separated path with `.`/`..` segments; null when it climbs above the repo root. */
export function normaliseRepoPath(path: string): string | null {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}
