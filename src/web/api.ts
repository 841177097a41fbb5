/**
 * The JSON API under /api/v1: the same answers the pages render, as the service's DTOs (the
 * `codehub show --json` evidence fields). Errors use the one mapping in http-errors.ts.
 * Scheme (docs/http-api.md):
 *   /repos · /repos/<host>/<owner>/<name> · …/-/files?prefix= · …/-/blob/<path> · …/-/symbol/<id>
 *   …/-/callers/<id> · …/-/callees/<id> · …/-/tests/<id> · /search?q=&repo=&kind=&limit=
 *   …/-/history · …/-/compare/<base>...<head>?depth= (the `codehub diff --json` report)
 */
import { CodehubError } from '../core/errors.js';
import { parseCompareSpec, type ChangeService } from '../service/change-service.js';
import type { QueryService, TraversalOptions } from '../service/query-types.js';
import { toHttpError } from './http-errors.js';
import { decodePathValue, repoSegments, symbolUrl } from './urls.js';

type Reply = (status: number, body: unknown) => void;

function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CodehubError(
      'InvalidInput',
      `Query parameter '${name}' must be an integer from ${min} to ${max}.`,
    );
  }
  return n;
}

function traversalOptions(params: URLSearchParams): TraversalOptions {
  const opts: TraversalOptions = {};
  const depth = intParam(params, 'depth', 1, 5);
  const limit = intParam(params, 'limit', 1, 1000);
  if (depth !== undefined) opts.depth = depth;
  if (limit !== undefined) opts.limit = limit;
  const mc = params.get('minConfidence');
  if (mc !== null && mc !== '') {
    const n = Number(mc);
    if (!(n >= 0 && n <= 1))
      throw new CodehubError('InvalidInput', "Query parameter 'minConfidence' must be a number from 0 to 1.");
    opts.minConfidence = n;
  }
  return opts;
}

/** Serves one /api/v1 request; `path` is what follows `/api/v1` (still percent-encoded). */
export async function handleApi(
  service: QueryService,
  path: string,
  params: URLSearchParams,
  reply: Reply,
  log: (line: string) => void,
  changes?: ChangeService,
): Promise<void> {
  try {
    if (path === '/repos' || path === '/repos/') return reply(200, { repos: await service.listRepos() });
    if (path === '/search') {
      const q = (params.get('q') ?? '').trim();
      if (!q) throw new CodehubError('InvalidInput', "Query parameter 'q' is required.");
      const repo = params.get('repo') || undefined;
      const kind = params.get('kind') || undefined;
      const limit = intParam(params, 'limit', 1, 500) ?? 50;
      const hits = await service.search({ q, limit, ...(repo ? { repo } : {}), ...(kind ? { kind } : {}) });
      return reply(200, {
        query: { q, repo: repo ?? null, kind: kind ?? null, limit },
        results: hits.map((h) => ({ ...h, url: symbolUrl(h.repo, h.id) })),
      });
    }
    if (path.startsWith('/repos/')) {
      const all = path.slice('/repos/'.length).split('/');
      const n = repoSegments(all[0] ?? '');
      if (all.length < n || all.slice(0, n).some((p) => p === '')) return reply(404, notFound(path));
      const repo = all.slice(0, n).map(decodePathValue).join('/');
      // Re-based so that parts[3] is the `-` marker whatever the repo id's length.
      const parts = ['', '', '', ...all.slice(n)];
      // The form `/repos/<id>/compare/<base>...<head>` (and `/history`) is the same route without the `-` marker.
      if (parts[3] === 'compare' || parts[3] === 'history') parts.splice(3, 0, '-');
      if (parts.length === 3) return reply(200, await service.getRepo(repo));
      if (parts[3] !== '-' || parts.length < 5) return reply(404, notFound(path));
      const action = parts[4];
      const rest = decodePathValue(parts.slice(5).join('/'));
      if (changes && action === 'history' && parts.length === 5)
        return reply(200, { repo, snapshots: await changes.history(repo) });
      if (changes && action === 'compare' && rest) {
        const { base, head } = parseCompareSpec(rest);
        const depth = intParam(params, 'depth', 1, 5);
        return reply(200, await changes.compare(repo, base, head, depth === undefined ? {} : { depth }));
      }
      if (action === 'files' && parts.length === 5) {
        const prefix = params.get('prefix') || undefined;
        return reply(200, { repo, files: await service.listFiles(repo, prefix) });
      }
      if (!rest) return reply(404, notFound(path));
      switch (action) {
        case 'blob':
          return reply(200, await service.getFile(repo, rest));
        case 'symbol':
          return reply(200, await service.show(repo, rest));
        case 'callers':
          return reply(200, await service.callers(repo, rest, traversalOptions(params)));
        case 'callees':
          return reply(200, await service.callees(repo, rest, traversalOptions(params)));
        case 'tests':
          return reply(200, await service.tests(repo, rest));
      }
    }
    return reply(404, notFound(path));
  } catch (err) {
    const e = toHttpError(err);
    if (e.status >= 500)
      log(`api error ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return reply(e.status, { error: { code: e.code, message: e.message, detail: e.detail } });
  }
}

function notFound(path: string): unknown {
  return {
    error: {
      code: 'NotFound',
      message: `No API route at /api/v1${path}. See docs/http-api.md.`,
      detail: null,
    },
  };
}
