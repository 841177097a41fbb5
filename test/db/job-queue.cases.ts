/**
 * The job-queue conformance suite: the same cases and expected answers for every adapter (embedded SQLite and
 * PostgreSQL with pg-boss). Each adapter's test file calls `jobQueueConformance` once with a way to open a fresh queue
 * and a second handle on the same database (another process's view), with retries of 1 s base delay and 1 retry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobQueue, RetryPolicy } from '../../src/db/job-queue.js';

export interface OpenedQueue {
  queue: JobQueue;
  /** A second, independent handle on the same database (its own connection). */
  other(): Promise<JobQueue>;
  cleanup(): Promise<void>;
}

export const CASE_POLICY: RetryPolicy = { retryLimit: 1, retryDelaySeconds: 1 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let seq = 0;
/** A request no other case uses. */
function request(ref = 'main'): { repo: string; url: string; ref: string } {
  seq++;
  return { repo: `local/case${seq}`, url: `file:///srv/git/case${seq}`, ref };
}

/** Claims until `id` comes up (other cases' jobs may be queued on the same database). */
async function claimJob(queue: JobQueue, holder: string, id: string): Promise<boolean> {
  for (;;) {
    const got = await queue.claim(holder);
    if (!got) return false;
    if (got.id === id) return true;
    await queue.complete(got.id, holder, { commit: 'f'.repeat(40), snapshot: 0 });
  }
}

/** Finishes every job earlier cases left queued, so a case starts from an empty queue. */
async function drain(queue: JobQueue): Promise<void> {
  for (let job = await queue.claim('drain'); job; job = await queue.claim('drain'))
    await queue.complete(job.id, 'drain', { commit: 'f'.repeat(40), snapshot: 0 });
}

export function jobQueueConformance(name: string, open: () => Promise<OpenedQueue>): void {
  describe(`job queue conformance: ${name}`, () => {
    let opened: OpenedQueue;
    let q: JobQueue;
    let other: JobQueue;
    before(async () => {
      opened = await open();
      q = opened.queue;
      other = await opened.other();
    });
    after(async () => {
      await other.close();
      await opened.cleanup();
    });

    it('queues a job that reads back with every field, newest first in the recent list', async () => {
      const req = request('v1');
      const { job, created } = await q.enqueue(req);
      assert.equal(created, true);
      assert.equal(job.state, 'queued');
      assert.deepEqual(
        [job.repo, job.url, job.ref, job.commit, job.progress, job.error, job.attempts, job.snapshot],
        [req.repo, req.url, 'v1', null, null, null, 0, null],
      );
      assert.ok(!Number.isNaN(Date.parse(job.createdAt)));
      assert.deepEqual(await other.get(job.id), job);
      const second = (await q.enqueue(request())).job;
      const recent = await other.recent(2);
      assert.deepEqual(
        recent.map((j) => j.id),
        [second.id, job.id],
      );
      assert.equal(await q.get('00000000-0000-4000-8000-000000000000'), null);
    });

    it('does not queue the same repo and ref twice while the first is still queued', async () => {
      const req = request();
      const first = await q.enqueue(req);
      const again = await other.enqueue(req);
      assert.equal(again.created, false);
      assert.equal(again.job.id, first.job.id);
      const otherRef = await q.enqueue({ ...req, ref: 'dev' });
      assert.equal(otherRef.created, true);
      assert.notEqual(otherRef.job.id, first.job.id);
    });

    it('gives a job to exactly one of two racing claimers', async () => {
      // Drain whatever earlier cases left, then race for one fresh job.
      await drain(q);
      const { job } = await q.enqueue(request());
      const [a, b] = await Promise.all([q.claim('worker-a'), other.claim('worker-b')]);
      const winners = [a, b].filter((j) => j !== null);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]!.id, job.id);
      assert.equal(winners[0]!.state, 'running');
      assert.equal(winners[0]!.attempts, 1);
      assert.ok(winners[0]!.startedAt);
      const holder = winners[0] === a ? 'worker-a' : 'worker-b';
      assert.equal(await q.complete(job.id, holder, { commit: 'c'.repeat(40), snapshot: 1 }), true);
    });

    it('records progress and the resolved commit through heartbeats of the holder only', async () => {
      const { job } = await q.enqueue(request());
      assert.ok(await claimJob(q, 'w1', job.id));
      const commit = 'a'.repeat(40);
      assert.equal(
        await q.heartbeat(job.id, 'w1', { stage: 'reading', filesDone: 3, filesTotal: 10 }, commit),
        true,
      );
      assert.equal(await other.heartbeat(job.id, 'someone-else', null), false);
      const seen = await other.get(job.id);
      assert.deepEqual(seen?.progress, { stage: 'reading', filesDone: 3, filesTotal: 10 });
      assert.equal(seen?.commit, commit);
      assert.equal(await q.complete(job.id, 'someone-else', { commit, snapshot: 7 }), false);
      assert.equal(await q.complete(job.id, 'w1', { commit, snapshot: 7 }), true);
      const done = await other.get(job.id);
      assert.equal(done?.state, 'done');
      assert.equal(done?.snapshot, 7);
      assert.ok(done?.finishedAt);
      assert.equal(await q.heartbeat(job.id, 'w1', null), false);
    });

    it('retries a failed attempt after the backoff, then fails it when attempts run out', async () => {
      const { job } = await q.enqueue(request());
      assert.ok(await claimJob(q, 'w1', job.id));
      assert.equal(
        await q.fail(job.id, 'w1', 'git fetch failed: connection reset\nmore detail', true),
        'queued',
      );
      const queued = await other.get(job.id);
      assert.equal(queued?.state, 'queued');
      assert.equal(queued?.error, 'git fetch failed: connection reset');
      assert.equal(await q.claim('w2'), null, 'claimable before its backoff');
      const waitedFrom = Date.now();
      let retried = null;
      while (!retried && Date.now() - waitedFrom < 5_000) {
        await sleep(200);
        retried = await other.claim('w2');
      }
      assert.equal(retried?.id, job.id);
      assert.ok(Date.now() - waitedFrom >= 600, 'retried after a backoff of about 1 s');
      assert.equal(retried?.attempts, 2);
      assert.equal(await other.fail(job.id, 'w2', 'git fetch failed again', true), 'failed');
      const failed = await q.get(job.id);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.error, 'git fetch failed again');
      assert.ok(failed?.finishedAt);
      assert.equal(await q.fail(job.id, 'w2', 'late', true), null);
    });

    it('fails at once an attempt whose error will not change on retry', async () => {
      const { job } = await q.enqueue(request());
      assert.ok(await claimJob(q, 'w1', job.id));
      assert.equal(await q.fail(job.id, 'w1', "ref 'nope' not found", false), 'failed');
      assert.equal((await other.get(job.id))?.state, 'failed');
      await sleep(2_100);
      assert.equal(await q.claim('w1'), null, 'a failed job is never delivered again');
    });

    it('takes back a job whose worker stopped heartbeating or died, and only those', async () => {
      await drain(q);
      const stale = (await q.enqueue(request())).job;
      const dead = (await q.enqueue(request())).job;
      const live = (await q.enqueue(request())).job;
      assert.ok(await claimJob(q, 'host 1 stale', stale.id));
      assert.ok(await claimJob(q, 'host 2 dead', dead.id));
      assert.ok(await claimJob(q, 'host 3 live', live.id));
      await sleep(400);
      assert.ok(await q.heartbeat(live.id, 'host 3 live', null));
      assert.ok(await q.heartbeat(dead.id, 'host 2 dead', null));
      const taken = await other.reclaimStale(300, (holder) => holder === 'host 2 dead');
      assert.deepEqual([...taken].sort(), [stale.id, dead.id].sort());
      assert.match((await q.get(stale.id))?.error ?? '', /host pid 1\) stopped reporting/);
      assert.match((await q.get(dead.id))?.error ?? '', /host pid 2\) died/);
      assert.equal((await q.get(live.id))?.state, 'running');
      assert.equal((await q.get(stale.id))?.state, 'queued');
      assert.equal(await q.heartbeat(stale.id, 'host 1 stale', null), false, 'the old holder has lost it');
      assert.equal(
        await q.complete(stale.id, 'host 1 stale', { commit: 'b'.repeat(40), snapshot: 1 }),
        false,
      );
      await sleep(2_100);
      assert.ok(await claimJob(other, 'host 4 new', stale.id), 'another worker takes it over');
    });

    it('prunes finished jobs past their age, never queued or running ones', async () => {
      await drain(q);
      const finishedJob = (await q.enqueue(request())).job;
      assert.ok(await claimJob(q, 'w1', finishedJob.id));
      assert.ok(await q.complete(finishedJob.id, 'w1', { commit: 'd'.repeat(40), snapshot: 3 }));
      const queued = (await q.enqueue(request())).job;
      assert.equal(await other.prune(60_000), 0, 'nothing finished a minute ago');
      await sleep(20);
      assert.ok((await other.prune(10)) >= 1);
      assert.equal(await q.get(finishedJob.id), null);
      assert.equal((await q.get(queued.id))?.state, 'queued');
    });

    it('queues a tracked ref when it is due, once, whichever handle asks', async () => {
      const req = request('main');
      const tracked = await q.track({ ...req, intervalSeconds: 1 });
      assert.equal(tracked.intervalSeconds, 1);
      assert.ok((await other.listTracked()).some((t) => t.repo === req.repo && t.ref === 'main'));
      assert.deepEqual(
        (await q.enqueueDueTracked()).filter((j) => j.repo === req.repo),
        [],
      );
      await sleep(1_200);
      const [a, b] = await Promise.all([q.enqueueDueTracked(), other.enqueueDueTracked()]);
      const mine = [...a, ...b].filter((j) => j.repo === req.repo);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]!.ref, 'main');
      assert.equal(mine[0]!.state, 'queued');
    });
  });
}
