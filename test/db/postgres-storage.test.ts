import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { storageConformance } from './storage.cases.js';

storageConformance(
  'PostgreSQL',
  async () => {
    const db = await createTempDatabase();
    const storage = new PostgresStorage(db.url);
    return {
      storage,
      cleanup: async () => {
        await storage.close();
        await db.drop();
      },
    };
  },
  [
    {
      reason: 'the PostgreSQL adapter still stores a copy of every row per snapshot',
      tests: ["stores a snapshot that differs in one file as that file's rows, sharing every other file's"],
    },
  ],
);
