import { join } from 'node:path';
import { openJobQueue } from '../../src/db/open-job-queue.js';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';
import { CASE_POLICY, jobQueueConformance } from './job-queue.cases.js';

jobQueueConformance('SQLite', async () => {
  const dir = tempDir('sqlite-jobs');
  const file = join(dir, 'codehub.db');
  const opened: SqliteStorage[] = [];
  const openOne = (): SqliteStorage => {
    const s = new SqliteStorage(file);
    opened.push(s);
    return s;
  };
  return {
    queue: openJobQueue(openOne(), CASE_POLICY),
    other: async () => openJobQueue(openOne(), CASE_POLICY),
    cleanup: async () => {
      for (const s of opened) await s.close();
      removeDir(dir);
    },
  };
});
