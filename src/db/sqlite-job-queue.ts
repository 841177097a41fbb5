/**
 * The embedded job queue: one `jobs` table in codehub.db (migration 5). Claims are single IMMEDIATE transactions,
 * so two processes sharing the file never take the same job; retries wait `backoffMs` like pg-boss's.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  backoffMs,
  dedupeKey,
  DEFAULT_RETRY_POLICY,
  oneLine,
  type EnqueueRequest,
  type JobProgress,
  type JobQueue,
  type JobRecord,
  type JobState,
  type RetryPolicy,
  type TrackedRef,
} from './job-queue.js';

type Row = Record<string, unknown>;

const iso = (ms: unknown): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

/** Rebuilds a jobs row (both adapters store the same columns; times are ms here, timestamptz there). */
export function toJobRecord(r: Row, time: (v: unknown) => string | null): JobRecord {
  return {
    id: String(r.id),
    state: r.state as JobState,
    repo: String(r.repo),
    url: String(r.url),
    ref: String(r.ref),
    commit: (r.commit_sha as string | null) ?? null,
    progress: r.progress ? (JSON.parse(String(r.progress)) as JobProgress) : null,
    error: (r.error as string | null) ?? null,
    attempts: Number(r.attempts),
    snapshot: r.snapshot_id === null || r.snapshot_id === undefined ? null : Number(r.snapshot_id),
    createdAt: time(r.created_at) ?? '',
    startedAt: time(r.started_at),
    finishedAt: time(r.finished_at),
  };
}

export class SqliteJobQueue implements JobQueue {
  readonly kind = 'sqlite';

  constructor(
    private readonly db: Database.Database,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  async start(): Promise<void> {
    // The file is open and migrated already.
  }

  private row(id: string): JobRecord | null {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJobRecord(r, iso) : null;
  }

  async enqueue(request: EnqueueRequest): Promise<{ job: JobRecord; created: boolean }> {
    return this.db
      .transaction(() => {
        const key = dedupeKey(request);
        const queued = this.db
          .prepare(
            "SELECT * FROM jobs WHERE dedupe_key = ? AND state = 'queued' AND attempts = 0 ORDER BY created_at LIMIT 1",
          )
          .get(key) as Row | undefined;
        if (queued) return { job: toJobRecord(queued, iso), created: false };
        const id = randomUUID();
        const now = Date.now();
        this.db
          .prepare(
            `INSERT INTO jobs (id, repo, url, ref, dedupe_key, state, attempts, max_attempts, retry_delay_ms, run_after, created_at)
             VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
          )
          .run(
            id,
            request.repo,
            request.url,
            request.ref,
            key,
            this.policy.retryLimit + 1,
            this.policy.retryDelaySeconds * 1000,
            now,
            now,
          );
        return { job: this.row(id)!, created: true };
      })
      .immediate();
  }

  async get(id: string): Promise<JobRecord | null> {
    return this.row(id);
  }

  async recent(limit: number): Promise<JobRecord[]> {
    return (
      this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]
    ).map((r) => toJobRecord(r, iso));
  }

  async claim(holder: string): Promise<JobRecord | null> {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const next = this.db
          .prepare(
            "SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ? ORDER BY run_after, created_at LIMIT 1",
          )
          .get(now) as Row | undefined;
        if (!next) return null;
        this.db
          .prepare(
            `UPDATE jobs SET state = 'running', holder = ?, heartbeat_at = ?, attempts = attempts + 1, progress = NULL,
               started_at = COALESCE(started_at, ?) WHERE id = ?`,
          )
          .run(holder, now, now, next.id);
        return this.row(String(next.id));
      })
      .immediate();
  }

  async heartbeat(
    id: string,
    holder: string,
    progress: JobProgress | null,
    commit?: string | null,
  ): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE jobs SET heartbeat_at = ?, progress = COALESCE(?, progress), commit_sha = COALESCE(?, commit_sha)
         WHERE id = ? AND holder = ? AND state = 'running'`,
      )
      .run(Date.now(), progress ? JSON.stringify(progress) : null, commit ?? null, id, holder);
    return r.changes === 1;
  }

  async complete(id: string, holder: string, result: { commit: string; snapshot: number }): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE jobs SET state = 'done', commit_sha = ?, snapshot_id = ?, error = NULL, holder = NULL, finished_at = ?
         WHERE id = ? AND holder = ? AND state = 'running'`,
      )
      .run(result.commit, result.snapshot, Date.now(), id, holder);
    return r.changes === 1;
  }

  /** Ends the current attempt of a running job (the caller checked who holds it). */
  private endAttempt(r: Row, error: string, retry: boolean): JobState {
    const now = Date.now();
    const again = retry && Number(r.attempts) < Number(r.max_attempts);
    const delay = again
      ? backoffMs({ retryLimit: 0, retryDelaySeconds: Number(r.retry_delay_ms) / 1000 }, Number(r.attempts))
      : 0;
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, error = ?, holder = NULL, heartbeat_at = NULL, run_after = ?, finished_at = ?
         WHERE id = ?`,
      )
      .run(again ? 'queued' : 'failed', oneLine(error), now + delay, again ? null : now, r.id);
    return again ? 'queued' : 'failed';
  }

  async fail(id: string, holder: string, error: string, retry: boolean): Promise<JobState | null> {
    return this.db
      .transaction(() => {
        const r = this.db
          .prepare("SELECT * FROM jobs WHERE id = ? AND holder = ? AND state = 'running'")
          .get(id, holder) as Row | undefined;
        return r ? this.endAttempt(r, error, retry) : null;
      })
      .immediate();
  }

  async reclaimStale(staleMs: number, isDead: (holder: string) => boolean): Promise<string[]> {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const running = this.db.prepare("SELECT * FROM jobs WHERE state = 'running'").all() as Row[];
        const taken: string[] = [];
        for (const r of running) {
          const stale = Number(r.heartbeat_at ?? 0) < now - staleMs;
          const dead = !stale && isDead(String(r.holder ?? ''));
          if (!stale && !dead) continue;
          this.endAttempt(
            r,
            dead
              ? `the worker running it (${workerName(r.holder)}) died`
              : `the worker running it (${workerName(r.holder)}) stopped reporting for ${Math.round(staleMs / 1000)} s`,
            true,
          );
          taken.push(String(r.id));
        }
        return taken;
      })
      .immediate();
  }

  async prune(olderThanMs: number): Promise<number> {
    return this.db
      .prepare("DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at <= ?")
      .run(Date.now() - olderThanMs).changes;
  }

  async track(ref: Omit<TrackedRef, 'nextRunAt'>): Promise<TrackedRef> {
    const next = Date.now() + ref.intervalSeconds * 1000;
    this.db
      .prepare(
        `INSERT INTO tracked_refs (repo, ref, url, interval_seconds, next_run_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (repo, ref) DO UPDATE SET url = excluded.url, interval_seconds = excluded.interval_seconds,
           next_run_at = excluded.next_run_at`,
      )
      .run(ref.repo, ref.ref, ref.url, ref.intervalSeconds, next);
    return { ...ref, nextRunAt: next };
  }

  async listTracked(): Promise<TrackedRef[]> {
    return (this.db.prepare('SELECT * FROM tracked_refs ORDER BY repo, ref').all() as Row[]).map(toTracked);
  }

  async enqueueDueTracked(): Promise<JobRecord[]> {
    const due = this.db
      .transaction(() => {
        const now = Date.now();
        const rows = (
          this.db.prepare('SELECT * FROM tracked_refs WHERE next_run_at <= ?').all(now) as Row[]
        ).map(toTracked);
        for (const t of rows)
          this.db
            .prepare('UPDATE tracked_refs SET next_run_at = ? WHERE repo = ? AND ref = ?')
            .run(now + t.intervalSeconds * 1000, t.repo, t.ref);
        return rows;
      })
      .immediate();
    const jobs: JobRecord[] = [];
    for (const t of due) jobs.push((await this.enqueue({ repo: t.repo, url: t.url, ref: t.ref })).job);
    return jobs;
  }

  async close(): Promise<void> {
    // The handle belongs to the storage it came from.
  }
}

/** `host pid nonce` → `host pid N`, for messages. */
export function workerName(holder: unknown): string {
  const [host, pid] = String(holder ?? '').split(' ');
  return host && pid ? `${host} pid ${pid}` : 'unknown';
}

function toTracked(r: Row): TrackedRef {
  return {
    repo: String(r.repo),
    url: String(r.url),
    ref: String(r.ref),
    intervalSeconds: Number(r.interval_seconds),
    nextRunAt:
      typeof r.next_run_at === 'object' && r.next_run_at !== null
        ? (r.next_run_at as Date).getTime()
        : Number(r.next_run_at),
  };
}

export { toTracked as toTrackedRef };
