/**
 * The job queue port: index jobs asked for over HTTP (or by ref tracking), taken by workers. Two adapters, one
 * behaviour (test/db/job-queue.cases.ts runs against both): PostgreSQL, where pg-boss delivers the jobs
 * (fetch with SKIP LOCKED, retries with exponential backoff) and the `jobs` table keeps what users see (state,
 * progress, error, commit) with each running job's heartbeat; and the embedded SQLite default, one `jobs` table
 * in codehub.db with the same states, run in-process by `codehub serve`.
 *
 * States: queued → running → done | failed; a running job whose attempt failed with a transient error, or whose
 * worker stopped heartbeating, goes back to queued (after a backoff) until its attempts are used up.
 */

export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** Where a running job is: the indexer's phase (or `fetching` while git clones or fetches) and files done / total. */
export interface JobProgress {
  stage: string;
  filesDone: number;
  filesTotal: number;
}

export interface JobRecord {
  id: string;
  state: JobState;
  /** Repo id `host/owner/name` (or `local/<name>`). */
  repo: string;
  /** What git clones or fetches: a URL or a file:// URL of a local repository. */
  url: string;
  /** The ref asked for; resolved to `commit` when a worker fetches. */
  ref: string;
  commit: string | null;
  progress: JobProgress | null;
  /** The last attempt's error (one line); kept while a retry is queued. */
  error: string | null;
  /** Attempts started so far. */
  attempts: number;
  /** Snapshot published (or found already published) by the job. */
  snapshot: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EnqueueRequest {
  repo: string;
  url: string;
  ref: string;
}

export interface TrackedRef {
  repo: string;
  url: string;
  ref: string;
  intervalSeconds: number;
  /** Milliseconds since the epoch when the ref is next queued. */
  nextRunAt: number;
}

/** How failed attempts are retried (the same on both adapters). */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  retryLimit: number;
  /** Base delay of the exponential backoff, in seconds (default 2): attempt n waits delay·2^(n−1) to twice that. */
  retryDelaySeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retryLimit: 3, retryDelaySeconds: 2 };

export interface JobQueue {
  /** 'sqlite' or 'postgres'. */
  readonly kind: string;
  /** Connects (on PostgreSQL: migrates and starts pg-boss); throws DatabaseUnavailable when the database is down. */
  start(): Promise<void>;
  /**
   * Queues an index job; when a job for the same repo and ref is already queued (not yet started), returns that
   * one (`created: false`) instead of queueing the same work twice.
   */
  enqueue(request: EnqueueRequest): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | null>;
  /** Newest first. */
  recent(limit: number): Promise<JobRecord[]>;
  /** Takes the oldest queued job whose backoff has passed, for `holder`; null when there is none. Atomic. */
  claim(holder: string): Promise<JobRecord | null>;
  /** Renews the holder's claim and records progress; false when the job is no longer this holder's (taken over). */
  heartbeat(
    id: string,
    holder: string,
    progress: JobProgress | null,
    commit?: string | null,
  ): Promise<boolean>;
  /** Marks the job done; false when it is no longer this holder's. */
  complete(id: string, holder: string, result: { commit: string; snapshot: number }): Promise<boolean>;
  /**
   * Ends an attempt with `error` (one line). `retry`: queued again after the backoff while attempts remain, else
   * failed. Returns the new state, or null when the job is no longer this holder's.
   */
  fail(id: string, holder: string, error: string, retry: boolean): Promise<JobState | null>;
  /**
   * Takes back running jobs whose holder stopped heartbeating for `staleMs`, or that `isDead` says died (a holder
   * on this host whose process is gone): each is retried (or failed when out of attempts). Returns their ids.
   */
  reclaimStale(staleMs: number, isDead: (holder: string) => boolean): Promise<string[]>;
  /** Deletes done and failed jobs that finished more than `olderThanMs` ago; returns how many went. */
  prune(olderThanMs: number): Promise<number>;
  /** Starts (or updates) tracking a ref: it is queued again every `intervalSeconds`. */
  track(ref: Omit<TrackedRef, 'nextRunAt'>): Promise<TrackedRef>;
  listTracked(): Promise<TrackedRef[]>;
  /** Queues every tracked ref that is due (each due ref once, whichever process asks first). */
  enqueueDueTracked(): Promise<JobRecord[]>;
  close(): Promise<void>;
}

/** Backoff before attempt `attempts + 1`, in ms: delay·2^(attempts−1), up to twice that (jitter spreads retries). */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  const base = policy.retryDelaySeconds * 1000 * 2 ** Math.min(16, Math.max(0, attempts - 1));
  return Math.round(base * (1 + Math.random()));
}

/** The key under which queued jobs are not duplicated. */
export function dedupeKey(request: EnqueueRequest): string {
  return `${request.repo}@${request.ref}`;
}

/** An error as one line, bounded (job errors are shown in lists). */
export function oneLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
