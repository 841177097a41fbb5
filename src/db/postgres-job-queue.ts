/**
 * The job queue on PostgreSQL. pg-boss 10 delivers the jobs: its fetch takes one with SKIP LOCKED (two workers
 * never get the same job), its fail puts it back with exponential backoff until the retry limit. The `jobs` table
 * (migration 2) keeps what users see and each running job's heartbeat; every change to a job touches both in one
 * transaction (pg-boss runs its statements on our transaction's connection), so they never disagree.
 *
 * A worker that dies stops heartbeating: any other worker's `reclaimStale` fails its attempt in pg-boss, which
 * queues it again after the backoff. pg-boss's own expiry (EXPIRE_SECONDS) is only a backstop.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import PgBoss from 'pg-boss';
import {
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
import type { PostgresStorage } from './postgres-storage.js';
import { toJobRecord, toTrackedRef, workerName } from './sqlite-job-queue.js';

/** The pg-boss queue of index jobs. */
export const INDEX_QUEUE = 'codehub-index';
/** pg-boss fails an active job after this long whatever its heartbeat says (an index run is far shorter). */
const EXPIRE_SECONDS = 6 * 60 * 60;

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v.toISOString()
      : new Date(String(v)).toISOString();

/** pg-boss on one of our transaction's connection. */
const on = (client: pg.PoolClient): { db: PgBoss.Db } => ({
  db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) },
});

/**
 * Creates the queue unless it exists. Processes that start together (a hub's web servers and workers) race to create
 * it, and PostgreSQL may pick one of them as a deadlock victim: that one waits a moment and looks again, up to a few
 * times, instead of failing the request that started it.
 */
async function ensureQueue(boss: PgBoss, options: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await boss.getQueue(options.name))) await boss.createQueue(options.name, options);
      return;
    } catch (err) {
      if (await boss.getQueue(options.name).catch(() => null)) return; // another process created it meanwhile
      if (attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt + Math.random() * 50));
    }
  }
}

export class PostgresJobQueue implements JobQueue {
  readonly kind = 'postgres';
  private boss: Promise<PgBoss> | null = null;

  constructor(
    private readonly storage: PostgresStorage,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /** Connects (storage first: it reports an unreachable database clearly), then starts pg-boss and its queue. */
  private started(): Promise<PgBoss> {
    this.boss ??= (async () => {
      await this.storage.reader.changeMark();
      const boss = new PgBoss({
        connectionString: this.storage.url,
        max: 2,
        supervise: true,
        schedule: false,
        application_name: 'codehub',
      });
      boss.on('error', () => undefined); // maintenance errors (a restarting server) are retried by pg-boss itself
      try {
        await boss.start();
        await ensureQueue(boss, {
          name: INDEX_QUEUE,
          retryLimit: this.policy.retryLimit,
          retryDelay: this.policy.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: EXPIRE_SECONDS,
        });
      } catch (err) {
        await boss.stop({ graceful: false }).catch(() => undefined);
        throw this.storage.classify(err);
      }
      return boss;
    })().catch((err: unknown) => {
      this.boss = null;
      throw err;
    });
    return this.boss;
  }

  async start(): Promise<void> {
    await this.started();
  }

  private async one(sql: string, params: unknown[]): Promise<JobRecord | null> {
    const rows = await this.storage.query(sql, params);
    return rows[0] ? toJobRecord(rows[0], iso) : null;
  }

  async enqueue(request: EnqueueRequest): Promise<{ job: JobRecord; created: boolean }> {
    const boss = await this.started();
    const key = dedupeKey(request);
    return this.storage.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`codehub job ${key}`]);
      const queued = (
        await c.query(
          "SELECT * FROM jobs WHERE dedupe_key = $1 AND state = 'queued' AND attempts = 0 ORDER BY created_at LIMIT 1",
          [key],
        )
      ).rows as Row[];
      if (queued[0]) return { job: toJobRecord(queued[0], iso), created: false };
      const id = randomUUID();
      const rows = (
        await c.query(
          `INSERT INTO jobs (id, repo, url, ref, dedupe_key, state) VALUES ($1, $2, $3, $4, $5, 'queued') RETURNING *`,
          [id, request.repo, request.url, request.ref, key],
        )
      ).rows as Row[];
      await boss.send(
        INDEX_QUEUE,
        { job: id },
        {
          id,
          retryLimit: this.policy.retryLimit,
          retryDelay: this.policy.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: EXPIRE_SECONDS,
          ...on(c),
        },
      );
      return { job: toJobRecord(rows[0]!, iso), created: true };
    });
  }

  async get(id: string): Promise<JobRecord | null> {
    return this.one('SELECT * FROM jobs WHERE id = $1', [id]);
  }

  async recent(limit: number): Promise<JobRecord[]> {
    return (
      await this.storage.query('SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT $1', [limit])
    ).map((r) => toJobRecord(r, iso));
  }

  async claim(holder: string): Promise<JobRecord | null> {
    const boss = await this.started();
    return this.storage.transaction(async (c) => {
      const fetched = await boss.fetch<{ job: string }>(INDEX_QUEUE, { batchSize: 1, ...on(c) });
      const job = fetched[0];
      if (!job) return null;
      const rows = (
        await c.query(
          `UPDATE jobs SET state = 'running', holder = $2, heartbeat_at = clock_timestamp(), attempts = attempts + 1,
             progress = NULL, started_at = COALESCE(started_at, clock_timestamp())
           WHERE id = $1 AND state IN ('queued', 'running') RETURNING *`,
          [job.id, holder],
        )
      ).rows as Row[];
      if (!rows[0]) {
        // A delivery whose job is gone or already over: nothing to do.
        await boss.cancel(INDEX_QUEUE, job.id, on(c));
        return null;
      }
      return toJobRecord(rows[0], iso);
    });
  }

  async heartbeat(
    id: string,
    holder: string,
    progress: JobProgress | null,
    commit?: string | null,
  ): Promise<boolean> {
    const rows = await this.storage.query(
      `UPDATE jobs SET heartbeat_at = clock_timestamp(), progress = COALESCE($3, progress), commit_sha = COALESCE($4, commit_sha)
       WHERE id = $1 AND holder = $2 AND state = 'running' RETURNING id`,
      [id, holder, progress ? JSON.stringify(progress) : null, commit ?? null],
    );
    return rows.length === 1;
  }

  async complete(id: string, holder: string, result: { commit: string; snapshot: number }): Promise<boolean> {
    const boss = await this.started();
    return this.storage.transaction(async (c) => {
      const rows = (
        await c.query(
          `UPDATE jobs SET state = 'done', commit_sha = $3, snapshot_id = $4, error = NULL, holder = NULL,
             finished_at = clock_timestamp()
           WHERE id = $1 AND holder = $2 AND state = 'running' RETURNING id`,
          [id, holder, result.commit, result.snapshot],
        )
      ).rows;
      if (rows.length !== 1) return false;
      await boss.complete(INDEX_QUEUE, id, result, on(c));
      return true;
    });
  }

  /** Ends the attempt in pg-boss (retry with backoff, or failed) and in `jobs`, on one transaction. */
  private async endAttempt(
    boss: PgBoss,
    c: pg.PoolClient,
    id: string,
    error: string,
    retry: boolean,
  ): Promise<JobState> {
    const line = oneLine(error);
    await boss.fail(INDEX_QUEUE, id, { message: line }, on(c));
    const after = await boss.getJobById(INDEX_QUEUE, id, { ...on(c), includeArchive: false });
    let again = after?.state === 'retry';
    if (again && !retry) {
      await boss.cancel(INDEX_QUEUE, id, on(c));
      again = false;
    }
    await c.query(
      `UPDATE jobs SET state = $2, error = $3, holder = NULL, heartbeat_at = NULL,
         finished_at = CASE WHEN $2 = 'failed' THEN clock_timestamp() ELSE NULL END
       WHERE id = $1`,
      [id, again ? 'queued' : 'failed', line],
    );
    return again ? 'queued' : 'failed';
  }

  async fail(id: string, holder: string, error: string, retry: boolean): Promise<JobState | null> {
    const boss = await this.started();
    return this.storage.transaction(async (c) => {
      const mine = (
        await c.query("SELECT id FROM jobs WHERE id = $1 AND holder = $2 AND state = 'running' FOR UPDATE", [
          id,
          holder,
        ])
      ).rows;
      if (mine.length !== 1) return null;
      return this.endAttempt(boss, c, id, error, retry);
    });
  }

  async reclaimStale(staleMs: number, isDead: (holder: string) => boolean): Promise<string[]> {
    const boss = await this.started();
    return this.storage.transaction(async (c) => {
      const running = (
        await c.query(
          `SELECT id, holder, heartbeat_at < clock_timestamp() - $1 * interval '1 millisecond' AS stale
           FROM jobs WHERE state = 'running' FOR UPDATE SKIP LOCKED`,
          [staleMs],
        )
      ).rows as Row[];
      const taken: string[] = [];
      for (const r of running) {
        const stale = r.stale === true;
        const dead = !stale && isDead(String(r.holder ?? ''));
        if (!stale && !dead) continue;
        const why = dead
          ? `the worker running it (${workerName(r.holder)}) died`
          : `the worker running it (${workerName(r.holder)}) stopped reporting for ${Math.round(staleMs / 1000)} s`;
        await this.endAttempt(boss, c, String(r.id), why, true);
        taken.push(String(r.id));
      }
      return taken;
    });
  }

  async prune(olderThanMs: number): Promise<number> {
    // pg-boss archives and deletes its own rows; these are the ones users see.
    const rows = await this.storage.query(
      `DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at <= clock_timestamp() - $1 * interval '1 millisecond'
       RETURNING id`,
      [olderThanMs],
    );
    return rows.length;
  }

  async track(ref: Omit<TrackedRef, 'nextRunAt'>): Promise<TrackedRef> {
    const rows = await this.storage.query(
      `INSERT INTO tracked_refs (repo, ref, url, interval_seconds, next_run_at)
       VALUES ($1, $2, $3, $4::int, clock_timestamp() + $4::int * interval '1 second')
       ON CONFLICT (repo, ref) DO UPDATE SET url = excluded.url, interval_seconds = excluded.interval_seconds,
         next_run_at = excluded.next_run_at
       RETURNING *`,
      [ref.repo, ref.ref, ref.url, ref.intervalSeconds],
    );
    return toTrackedRef(rows[0]!);
  }

  async listTracked(): Promise<TrackedRef[]> {
    return (await this.storage.query('SELECT * FROM tracked_refs ORDER BY repo, ref')).map(toTrackedRef);
  }

  async enqueueDueTracked(): Promise<JobRecord[]> {
    // One statement: whichever process runs it first moves next_run_at, so each due ref is queued once.
    const due = (
      await this.storage.query(
        `UPDATE tracked_refs SET next_run_at = clock_timestamp() + interval_seconds * interval '1 second'
         WHERE next_run_at <= clock_timestamp() RETURNING *`,
      )
    ).map(toTrackedRef);
    const jobs: JobRecord[] = [];
    for (const t of due) jobs.push((await this.enqueue({ repo: t.repo, url: t.url, ref: t.ref })).job);
    return jobs;
  }

  async close(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    if (boss) await (await boss.catch(() => null))?.stop({ graceful: false, close: true });
  }
}
