import { join } from 'node:path';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';
import { tokenStoreConformance } from './token-store.cases.js';

tokenStoreConformance('SQLite', async () => {
  const dir = tempDir('sqlite-tokens');
  const storage = new SqliteStorage(join(dir, 'codehub.db'));
  return {
    storage,
    rawTokenColumns: async () =>
      (storage.engine.db.prepare('SELECT * FROM api_tokens').all() as Array<Record<string, unknown>>).flatMap(
        (r) => Object.values(r).map(String),
      ),
    cleanup: async () => {
      await storage.close();
      removeDir(dir);
    },
  };
});
