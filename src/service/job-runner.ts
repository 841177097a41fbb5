/**
 * Runs index jobs from the job queue: `codehub worker` processes on PostgreSQL, and `codehub serve` in-process on
 * the embedded default. One job at a time per runner; while it runs the runner heartbeats the job (progress and
 * the resolved commit), and before each claim it takes back jobs whose worker died (a holder on this host whose
 * process is gone, at once) or stopped heartbeating for `staleMs` (any host), so a killed worker's job is finished by
 * another within about staleMs + the retry backoff. Two jobs of one repo are serialised by the repo's index lease;
 * a commit already indexed is not indexed again (`skipIfIndexed`): work is done once per repo@commit.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { basename, resolve } from 'node:path';
import { CodehubError, isCodehubError } from '../core/errors.js';
import { checkRepoId } from '../core/ids.js';
import {
  oneLine,
  type EnqueueRequest,
  type JobProgress,
  type JobQueue,
  type JobRecord,
} from '../db/job-queue.js';
import { isGitUrl, repoIdFromUrl } from '../git/git.js';
import { holderDead } from './index-lease.js';
import { indexRepository } from './indexer.js';

export const DEFAULT_STALE_MS = 30_000;
/** Finished jobs are kept this long (the jobs page and API show them), then pruned by any runner. */
export const KEEP_FINISHED_JOBS_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** How long a job waits for another index run of the same repo (the repo's lease) before its attempt fails. */
const REPO_LOCK_WAIT_MS = 30 * 60_000;
/** Schemes git may fetch a job's repository over; `ext::` and other remote helpers are refused. */
const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'ssh:', 'git:', 'file:', 'git+ssh:', 'ssh+git:']);

export interface RunnerOptions {
  queue: JobQueue;
  /** What indexRepository opens for each job (the same flags as the runner's command). */
  index: {
    dataDir: string;
    blobs?: string | undefined;
    database?: string | undefined;
    workDir?: string | undefined;
  };
  /** Stops the loop (the job in hand finishes first). */
  signal: AbortSignal;
  /** Wait between polls of an empty queue (default 1 s). */
  pollMs?: number;
  /** A running job whose heartbeat is older than this is taken back (default 30 s). */
  staleMs?: number;
  /** Queue tracked refs when due (default true). */
  track?: boolean;
  log?: (line: string) => void;
}

/** This process as a job holder: `host pid nonce` (the same shape as index leases, so `holderDead` reads it). */
export function newJobHolder(): string {
  return `${hostname()} ${process.pid} ${randomUUID()}`;
}

/**
 * Turns what a client asked for into a job request: a clone URL (http(s), ssh, git, file, `user@host:path`) or a
 * local path (made absolute and a file:// URL); the repo id comes from `name`, else the URL, else `local/<folder>`.
 */
export function jobRequest(input: { url: unknown; ref?: unknown; name?: unknown }): EnqueueRequest {
  const { url, ref, name } = input;
  if (typeof url !== 'string' || url.trim() === '' || url.length > 2048 || /[\u0000-\u001f]/.test(url))
    throw new CodehubError(
      'InvalidInput',
      "'url' must be a git URL or a path of the server (a non-empty string)",
    );
  if (
    ref !== undefined &&
    (typeof ref !== 'string' ||
      ref === '' ||
      ref.startsWith('-') ||
      ref.length > 256 ||
      /[\s\u0000-\u001f]/.test(ref))
  )
    throw new CodehubError('InvalidInput', "'ref' must be a branch, tag or commit sha");
  if (name !== undefined && typeof name !== 'string')
    throw new CodehubError('InvalidInput', "'name' must be host/owner/name");
  let cloneUrl: string;
  if (isGitUrl(url)) {
    if (url.includes('://')) {
      let scheme: string;
      try {
        scheme = new URL(url).protocol;
      } catch {
        throw new CodehubError('InvalidInput', `'url' ${JSON.stringify(url)} is not a valid URL`);
      }
      if (!ALLOWED_SCHEMES.has(scheme))
        throw new CodehubError(
          'InvalidInput',
          `'url' scheme ${scheme} is not supported (use https, ssh, git or file)`,
        );
    }
    cloneUrl = url;
  } else {
    if (url.startsWith('-')) throw new CodehubError('InvalidInput', "'url' must not start with '-'");
    cloneUrl = pathToFileURL(resolve(url)).href;
  }
  const local = cloneUrl.startsWith('file:')
    ? `local/${
        basename(new URL(cloneUrl).pathname.replace(/\/+$/, ''))
          .replace(/\.git$/, '')
          .replace(/[^A-Za-z0-9._-]/g, '-') || 'repo'
      }`
    : null;
  const repo = name ?? repoIdFromUrl(cloneUrl) ?? local;
  if (!repo)
    throw new CodehubError(
      'InvalidInput',
      `cannot derive host/owner/name from ${JSON.stringify(url)}; pass 'name'`,
    );
  checkRepoId(repo, "'name'", `it was made from ${JSON.stringify(url)}: pass 'name' as host/owner/name`);
  return { repo, url: cloneUrl, ref: typeof ref === 'string' ? ref : 'HEAD' };
}

/** Errors a retry cannot fix: the job fails at once with them. */
function permanent(err: unknown): boolean {
  if (!isCodehubError(err)) return false;
  if (
    ['InvalidInput', 'RefNotFound', 'NotAGitRepository', 'RepoNotFound', 'DatabaseCorrupt'].includes(err.code)
  )
    return true;
  return (
    err.code === 'GitFailed' &&
    /does not appear to be a git repository|does not exist|repository .*not found|not found|no such file|not a git repository/i.test(
      err.message,
    )
  );
}

/**
 * Waits `ms`, or less when `signal` aborts. The abort listener is removed when the time is up: the runner polls for
 * as long as the hub runs, so a listener left behind on every poll would grow without end.
 */
export const pollSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((done) => {
    if (signal.aborted) return done();
    const onAbort = (): void => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Runs one claimed job to its end: done, queued again (a transient error), or failed. */
export async function runJob(
  queue: JobQueue,
  job: JobRecord,
  holder: string,
  index: RunnerOptions['index'],
  heartbeatMs: number,
  log: (line: string) => void,
): Promise<void> {
  let progress: JobProgress = { stage: 'fetching', filesDone: 0, filesTotal: 0 };
  let commit: string | null = null;
  let lost = false;
  const beat = (): Promise<void> =>
    queue.heartbeat(job.id, holder, progress, commit).then(
      (mine) => {
        if (!mine && !lost) {
          lost = true;
          log(`job ${job.id}: taken over by another worker; its result will not be recorded from here`);
        }
      },
      () => undefined, // a missed heartbeat is retried on the next tick; staleMs covers a few
    );
  await beat();
  const timer = setInterval(() => void beat(), heartbeatMs);
  let lastWrite = 0;
  try {
    const result = await indexRepository({
      ...index,
      source: job.url,
      name: job.repo,
      ref: job.ref,
      skipIfIndexed: true,
      lockWaitMs: REPO_LOCK_WAIT_MS,
      onCommit: (c) => {
        commit = c;
        void beat();
      },
      onProgress: (p) => {
        progress = { stage: p.phase, filesDone: p.filesDone, filesTotal: p.filesTotal };
        // Progress is written at most once a second (plus every heartbeat), not once per file.
        if (Date.now() - lastWrite > 1000) {
          lastWrite = Date.now();
          void beat();
        }
      },
    });
    clearInterval(timer);
    if (await queue.complete(job.id, holder, { commit: result.commit, snapshot: result.snapshot }))
      log(
        `job ${job.id}: ${job.repo}@${result.commit.slice(0, 12)} ${result.upToDate ? 'already indexed' : 'indexed'} (snapshot ${result.snapshot})`,
      );
  } catch (err) {
    clearInterval(timer);
    const message = oneLine(err instanceof Error ? err.message : String(err));
    const state = await queue.fail(job.id, holder, message, !permanent(err));
    if (state) log(`job ${job.id}: ${state === 'queued' ? 'will retry' : 'failed'}: ${message}`);
  } finally {
    clearInterval(timer);
  }
}

/** Claims and runs jobs until `signal` aborts. Queue errors (a database restarting) are logged and retried. */
export async function runJobRunner(opts: RunnerOptions): Promise<void> {
  const { queue, signal } = opts;
  const log = opts.log ?? (() => undefined);
  const pollMs = opts.pollMs ?? 1000;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const heartbeatMs = Math.max(100, Math.min(5_000, Math.floor(staleMs / 4)));
  const holder = newJobHolder();
  let prunedAt = 0;
  while (!signal.aborted) {
    try {
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        const gone = await queue.prune(KEEP_FINISHED_JOBS_MS);
        if (gone > 0) log(`pruned ${gone} jobs finished over 30 days ago`);
      }
      for (const id of await queue.reclaimStale(staleMs, holderDead))
        log(`job ${id}: its worker is gone; queued again`);
      if (opts.track !== false)
        for (const j of await queue.enqueueDueTracked())
          log(`job ${j.id}: tracked ${j.repo} ${j.ref} queued`);
      const job = await queue.claim(holder);
      if (!job) {
        await pollSleep(pollMs, signal);
        continue;
      }
      log(`job ${job.id}: ${job.repo} ${job.ref} (attempt ${job.attempts})`);
      await runJob(queue, job, holder, opts.index, heartbeatMs, log);
    } catch (err) {
      log(`job queue: ${oneLine(err instanceof Error ? err.message : String(err))}; retrying`);
      await pollSleep(pollMs * 2, signal);
    }
  }
}
