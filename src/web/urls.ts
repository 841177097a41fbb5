/**
 * The URL scheme, in one place: builders used by every page and the parser used by the router.
 * Ids and paths are encoded per `/`-segment, keeping `:` `@` `~` readable
 * (`/github.com/o/r/-/symbol/src/a.ts::Service.start:method`).
 */
import { CodehubError } from '../core/errors.js';

const PLAIN_SEGMENT = /^[A-Za-z0-9._~:@,-]*$/;

/** Encodes one path segment, leaving characters that are safe in a path segment readable. */
function encodeSegment(segment: string): string {
  // `.` and `..` segments would be collapsed by browsers before the request is sent.
  if (segment === '.' || segment === '..') return segment.replace(/\./g, '%2E');
  if (PLAIN_SEGMENT.test(segment)) return segment;
  return encodeURIComponent(segment).replace(/%3A/gi, ':').replace(/%40/g, '@').replace(/%2C/gi, ',');
}

/** Encodes a `/`-separated value (file path, symbol id) segment by segment. */
export function encodePathValue(value: string): string {
  return value.split('/').map(encodeSegment).join('/');
}

/** Decodes a `/`-separated value segment by segment; malformed escapes are InvalidInput. */
export function decodePathValue(value: string): string {
  try {
    return value
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    throw new CodehubError('InvalidInput', 'The URL contains a malformed percent-escape.');
  }
}

export const hubUrl = (): string => '/';
export const repoUrl = (repo: string): string => `/${encodePathValue(repo)}`;
export const blobUrl = (repo: string, path: string, line?: number): string =>
  `${repoUrl(repo)}/-/blob/${encodePathValue(path)}${line ? `#L${line}` : ''}`;
export const symbolUrl = (repo: string, id: string): string =>
  `${repoUrl(repo)}/-/symbol/${encodePathValue(id)}`;
export const staticUrl = (file: string): string => `/-/static/${file}`;
/** The snapshot history of a repo (pick two to compare), or the comparison of two indexed commits. */
export const compareUrl = (repo: string, base?: string, head?: string): string =>
  `${repoUrl(repo)}/-/compare${base !== undefined && head !== undefined ? `/${encodePathValue(base)}...${encodePathValue(head)}` : ''}`;

/** Search page URL with its query parameters (empty ones omitted). */
export function searchUrl(params: { q?: string; repo?: string; kind?: string }): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `/search?${s}` : '/search';
}

export type Route =
  | { page: 'hub' }
  | { page: 'search' }
  | { page: 'repo'; repo: string }
  | { page: 'blob'; repo: string; path: string }
  | { page: 'symbol'; repo: string; id: string }
  /** `spec` is `<base>...<head>`, or '' for the history page. */
  | { page: 'compare'; repo: string; spec: string };

/** How many path segments a repo id takes: `host/owner/name`, or `local/<dirname>` for unnamed local checkouts. */
export function repoSegments(first: string): number {
  return decodePathValue(first) === 'local' ? 2 : 3;
}

/**
 * Parses a page path (without query string, still percent-encoded) into a route, or null.
 * `/<host>/<owner>/<name>[/-/blob/<path> | /-/symbol/<id>]`.
 */
export function parsePagePath(rawPath: string): Route | null {
  if (rawPath === '/' || rawPath === '') return { page: 'hub' };
  if (rawPath === '/search') return { page: 'search' };
  const all = rawPath.slice(1).split('/');
  const n = repoSegments(all[0] ?? '');
  if (all.length < n) return null;
  const repo = all
    .slice(0, n)
    .map((p) => decodePathValue(p))
    .join('/');
  if (all.slice(0, n).some((p) => p === '')) return null;
  // Re-base the rest so that parts[3] is always the `-` marker, whatever the repo id's length.
  const parts = ['', '', '', ...all.slice(n)];
  if (parts.length === 3) return { page: 'repo', repo };
  if (parts.length === 4 && parts[3] === '') return { page: 'repo', repo };
  if (parts[3] === '-' && parts[4] === 'compare' && parts.length === 5)
    return { page: 'compare', repo, spec: '' };
  if (parts[3] !== '-' || parts.length < 6) return null;
  const rest = decodePathValue(parts.slice(5).join('/'));
  if (rest === '') return null;
  if (parts[4] === 'blob') return { page: 'blob', repo, path: rest };
  if (parts[4] === 'symbol') return { page: 'symbol', repo, id: rest };
  if (parts[4] === 'compare') return { page: 'compare', repo, spec: rest };
  return null;
}
