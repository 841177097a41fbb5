/** Picks the job queue and token store of a storage engine: pg-boss on PostgreSQL, a table on embedded SQLite. */
import type { JobQueue, RetryPolicy } from './job-queue.js';
import { PostgresJobQueue } from './postgres-job-queue.js';
import { PostgresStorage } from './postgres-storage.js';
import { SqliteJobQueue } from './sqlite-job-queue.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

/** The job queue that lives in the same database as `storage`. */
export function openJobQueue(storage: Storage, policy?: RetryPolicy): JobQueue {
  if (storage instanceof PostgresStorage) return new PostgresJobQueue(storage, policy);
  if (storage instanceof SqliteStorage) return new SqliteJobQueue(storage.engine.db, policy);
  throw new Error(`no job queue for storage '${storage.kind}'`);
}
