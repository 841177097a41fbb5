/**
 * Identity (DESIGN.md): repo id `host/owner/name`; symbol id `<path>::<localId>` where localId is
 * `<qualifiedName>:<kind>[~N]`. Ids are readable in URLs and stable across re-indexes of the same code.
 */
import { CodehubError } from './errors.js';
import type { SymbolKind } from './facts.js';

/** Builds a file-local symbol id; `ordinal` ≥ 2 disambiguates overloads and same-named declarations. */
export function makeLocalId(qualifiedName: string, kind: SymbolKind, ordinal = 1): string {
  return ordinal > 1 ? `${qualifiedName}:${kind}~${ordinal}` : `${qualifiedName}:${kind}`;
}

/** Builds a repo-wide symbol id from a path and a file-local id. */
export function makeSymbolId(path: string, localId: string): string {
  return `${path}::${localId}`;
}

/** Splits a symbol id into path and local id, or returns null when it is not one. */
export function parseSymbolId(id: string): { path: string; localId: string } | null {
  const at = id.indexOf('::');
  if (at <= 0) return null;
  return { path: id.slice(0, at), localId: id.slice(at + 2) };
}

const REPO_ID_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Why `id` cannot be a repo id, or null when it can. A repo id names folders and files under the data dir (the bare
 * clone `repos/<id>.git`, its lock file), so each segment must be a plain name: never empty, `.` or `..`, never a
 * path separator. `host/owner/name`, or `local/<dirname>` for a local checkout indexed without a name.
 */
export function repoIdProblem(id: string): string | null {
  const segments = id.split('/');
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a '${segment}' segment`;
    if (segment.includes('\\')) return 'contains a path separator (\\)';
    if (!REPO_ID_SEGMENT.test(segment)) return "has characters other than letters, digits, '.', '_' and '-'";
  }
  const expected = segments[0] === 'local' ? 2 : 3;
  if (segments.length !== expected) return expected === 2 ? 'is not local/<name>' : 'is not host/owner/name';
  return null;
}

/** True for a well-formed `host/owner/name`, or `local/<dirname>` (a local checkout indexed without a name). */
export function isRepoId(id: string): boolean {
  return repoIdProblem(id) === null;
}

/**
 * The one check every entry point runs on a repo id it is given (CLI argument, `--name`, URL, API path, MCP
 * argument, an id derived from a remote or a folder name): returns it, or throws InvalidInput saying what is wrong.
 */
export function checkRepoId(
  id: string,
  what = 'repo id',
  advice = 'give host/owner/name, e.g. github.com/acme/widgets',
): string {
  const problem = repoIdProblem(id);
  if (problem === null) return id;
  // JSON quoting keeps the message on one line whatever the id holds (newlines, control characters).
  throw new CodehubError('InvalidInput', `${what} ${JSON.stringify(id)} ${problem}; ${advice}`);
}
