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
