import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { tokenStoreConformance } from './token-store.cases.js';

tokenStoreConformance('PostgreSQL', async () => {
  const db = await createTempDatabase();
  const storage = new PostgresStorage(db.url);
  return {
    storage,
    rawTokenColumns: async () =>
      (await storage.query('SELECT * FROM api_tokens')).flatMap((r) => Object.values(r).map(String)),
    cleanup: async () => {
      await storage.close();
      await db.drop();
    },
  };
});
