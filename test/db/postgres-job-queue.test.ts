import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobQueue } from '../../src/db/job-queue.js';
import { openJobQueue } from '../../src/db/open-job-queue.js';
import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { CASE_POLICY, jobQueueConformance } from './job-queue.cases.js';

jobQueueConformance('PostgreSQL (pg-boss)', async () => {
  const db = await createTempDatabase();
  const opened: Array<{ storage: PostgresStorage; queue: JobQueue }> = [];
  const openOne = (): JobQueue => {
    const storage = new PostgresStorage(db.url);
    const queue = openJobQueue(storage, CASE_POLICY);
    opened.push({ storage, queue });
    return queue;
  };
  return {
    queue: openOne(),
    other: async () => openOne(),
    cleanup: async () => {
      for (const o of opened) {
        await o.queue.close();
        await o.storage.close();
      }
      await db.drop();
    },
  };
});

// A hub's web servers and workers start together on a new database and race to create pg-boss's queue; PostgreSQL
// then picks deadlock victims (seen about once in fifty starts). Every start must still succeed. Rounds of five
// concurrent starts on fresh databases make the race likely enough that a start without the retry fails here.
test(
  'queues started together on a new database all start (the queue creation race)',
  { timeout: 120_000 },
  async () => {
    for (let round = 0; round < 8; round++) {
      const db = await createTempDatabase();
      const opened: Array<{ storage: PostgresStorage; queue: JobQueue }> = [];
      try {
        for (let i = 0; i < 5; i++) {
          const storage = new PostgresStorage(db.url);
          opened.push({ storage, queue: openJobQueue(storage, CASE_POLICY) });
        }
        const started = await Promise.allSettled(opened.map((o) => o.queue.start()));
        const failed = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
        assert.deepEqual(failed, [], `round ${round + 1}: every start succeeds`);
      } finally {
        for (const o of opened) {
          await o.queue.close().catch(() => undefined);
          await o.storage.close().catch(() => undefined);
        }
        await db.drop();
      }
    }
  },
);
