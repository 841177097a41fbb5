import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { storageConformance } from './storage.cases.js';

storageConformance('PostgreSQL', async () => {
  const db = await createTempDatabase();
  const storage = new PostgresStorage(db.url);
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      await db.drop();
    },
  };
});
