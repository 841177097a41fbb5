/**
 * Indexing on request: `POST /api/v1/repos` and `POST /api/v1/repos/<id>/refresh` (admin token), `GET /api/v1/jobs`
 * and `GET /api/v1/jobs/<id>` (read access, like every other route). Jobs are queued on the job queue; workers (or,
 * on the embedded default, the serve process itself) run them. A refused request changes nothing.
 */
import type { IncomingMessage } from 'node:http';
import { CodehubError } from '../core/errors.js';
import type { JobQueue, JobRecord } from '../db/job-queue.js';
import type { GraphReader } from '../db/storage.js';
import type { TokenStore } from '../db/token-store.js';
import { jobRequest } from '../service/job-runner.js';
import { toHttpError } from './http-errors.js';
import { decodePathValue } from './urls.js';

export interface JobsApiOptions {
  queue: JobQueue;
  tokens: TokenStore;
  /** Repo sources for refresh. */
  reader: GraphReader;
  /** Shortest interval a tracked ref may ask for (default 60 s). */
  minTrackIntervalSeconds?: number;
}

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** Largest JSON body of a write route. */
const MAX_BODY = 16 * 1024;
export const DEFAULT_MIN_TRACK_INTERVAL_SECONDS = 60;

/** A job as the API shows it. */
export function jobDto(job: JobRecord): Record<string, unknown> {
  return {
    id: job.id,
    state: job.state,
    progress: job.progress,
    error: job.error,
    repo: job.repo,
    commit: job.commit,
    url: job.url,
    ref: job.ref,
    attempts: job.attempts,
    snapshot: job.snapshot,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    links: { self: `/api/v1/jobs/${job.id}` },
  };
}

const err = (code: string, message: string): { error: { code: string; message: string } } => ({
  error: { code, message },
});

/**
 * Checks the admin token of a write request: 401 when it is missing, unknown, expired or revoked; 403 when it is a
 * read token. Null when the request may write.
 */
export async function refuseUnlessAdmin(
  req: IncomingMessage,
  tokens: TokenStore,
  isReadToken: (candidate: string) => boolean,
): Promise<{ status: 401 | 403; message: string } | null> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m)
    return {
      status: 401,
      message:
        'This route needs an admin token: send Authorization: Bearer <token> (codehub token create --scope admin)',
    };
  const check = await tokens.check(m[1]!);
  if (check.status === 'valid')
    return check.token.scope === 'admin'
      ? null
      : { status: 403, message: `token ${check.token.id} has scope read; this route needs an admin token` };
  if (check.status === 'expired')
    return {
      status: 401,
      message: `token ${check.token.id} expired at ${check.token.expiresAt}; create a new one`,
    };
  if (check.status === 'revoked') return { status: 401, message: `token ${check.token.id} was revoked` };
  if (isReadToken(m[1]!))
    return { status: 403, message: "the hub's read token cannot write; this route needs an admin token" };
  return {
    status: 401,
    message: 'unknown token: this route needs an admin token (codehub token create --scope admin)',
  };
}

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(chunk);
    });
    req.once('end', () => {
      if (over) return reject(new CodehubError('InvalidInput', `the request body exceeds ${MAX_BODY} bytes`));
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() === '' ? {} : JSON.parse(text));
      } catch {
        reject(new CodehubError('InvalidInput', 'the request body is not JSON'));
      }
    });
    req.once('error', reject);
  });
}

/** The tracking fields of a body: null when it does not ask to track. */
function trackingOf(body: Record<string, unknown>, minSeconds: number): number | null {
  if (body.track === undefined || body.track === false) {
    if (body.intervalSeconds !== undefined)
      throw new CodehubError('InvalidInput', '\'intervalSeconds\' needs "track": true');
    return null;
  }
  if (body.track !== true) throw new CodehubError('InvalidInput', "'track' must be true or false");
  const n = body.intervalSeconds ?? 3600;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < minSeconds || n > 365 * 86400)
    throw new CodehubError(
      'InvalidInput',
      `'intervalSeconds' must be a whole number of seconds from ${minSeconds} to ${365 * 86400}`,
    );
  return n;
}

/** Whether `method path` (path after /api/v1) is a route of this module. */
export function isJobsRoute(method: string | undefined, path: string): boolean {
  if (path === '/jobs' || path === '/jobs/' || path.startsWith('/jobs/')) return true;
  return (
    method === 'POST' && (path === '/repos' || path === '/repos/' || /^\/repos\/.+\/refresh$/.test(path))
  );
}

/** Serves a jobs route; false when `path` (after /api/v1) is not one. `isReadToken` says whether a bearer is the hub's read token. */
export async function handleJobsApi(
  req: IncomingMessage,
  path: string,
  params: URLSearchParams,
  opts: JobsApiOptions,
  reply: Reply,
  isReadToken: (candidate: string) => boolean,
  log: (line: string) => void,
): Promise<boolean> {
  if (!isJobsRoute(req.method, path)) return false;
  const write = req.method === 'POST';
  const isRefresh = /^\/repos\/.+\/refresh$/.test(path);
  const isJobs = path === '/jobs' || path === '/jobs/' || path.startsWith('/jobs/');
  try {
    if (isJobs) {
      if (write)
        return (reply(405, err('MethodNotAllowed', 'Jobs are read with GET.'), { Allow: 'GET, HEAD' }), true);
      if (path === '/jobs' || path === '/jobs/') {
        const raw = params.get('limit');
        const limit = raw === null || raw === '' ? 50 : Number(raw);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new CodehubError('InvalidInput', "Query parameter 'limit' must be an integer from 1 to 500.");
        reply(200, { jobs: (await opts.queue.recent(limit)).map(jobDto) });
        return true;
      }
      const id = decodePathValue(path.slice('/jobs/'.length));
      const job = /^[0-9a-f-]{36}$/i.test(id) ? await opts.queue.get(id.toLowerCase()) : null;
      if (!job) reply(404, err('JobNotFound', `No job ${id}; GET /api/v1/jobs lists recent jobs.`));
      else reply(200, { job: jobDto(job) });
      return true;
    }
    const refusal = await refuseUnlessAdmin(req, opts.tokens, isReadToken);
    if (refusal) {
      req.resume();
      reply(refusal.status, err(refusal.status === 401 ? 'Unauthorized' : 'Forbidden', refusal.message), {
        'WWW-Authenticate': 'Bearer realm="codehub"',
      });
      return true;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      req.resume();
      reply(415, err('UnsupportedMediaType', 'Send the body as Content-Type: application/json.'));
      return true;
    }
    const raw = await readJsonBody(req);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new CodehubError('InvalidInput', 'the body must be a JSON object');
    const body = raw as Record<string, unknown>;
    const interval = trackingOf(body, opts.minTrackIntervalSeconds ?? DEFAULT_MIN_TRACK_INTERVAL_SECONDS);
    let request;
    if (isRefresh) {
      const repo = path.slice('/repos/'.length, -'/refresh'.length).split('/').map(decodePathValue).join('/');
      const record = await opts.reader.getRepo(repo);
      if (!record)
        throw new CodehubError(
          'RepoNotFound',
          `repository ${repo} is not indexed; POST /api/v1/repos adds it`,
        );
      const latest = await opts.reader.latestSnapshot(repo);
      request = jobRequest({ url: record.source, ref: body.ref ?? latest?.ref ?? 'HEAD', name: repo });
    } else {
      request = jobRequest({ url: body.url, ref: body.ref, name: body.name });
    }
    const { job, created } = await opts.queue.enqueue(request);
    const tracked =
      interval === null ? null : await opts.queue.track({ ...request, intervalSeconds: interval });
    log(`job ${job.id}: ${created ? 'queued' : 'already queued'} ${request.repo} ${request.ref}`);
    reply(
      202,
      {
        job: jobDto(job),
        ...(created ? {} : { deduplicated: true }),
        ...(tracked
          ? {
              tracking: {
                repo: tracked.repo,
                ref: tracked.ref,
                intervalSeconds: tracked.intervalSeconds,
                nextRunAt: new Date(tracked.nextRunAt).toISOString(),
              },
            }
          : {}),
      },
      { Location: `/api/v1/jobs/${job.id}` },
    );
    return true;
  } catch (thrown) {
    const e = toHttpError(thrown);
    if (e.status >= 500)
      log(
        `error ${req.method} /api/v1${path}: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
      );
    reply(e.status, err(e.code, e.message));
    return true;
  }
}
