import { join } from 'node:path';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';
import { storageConformance } from './storage.cases.js';

storageConformance('SQLite', async () => {
  const dir = tempDir('sqlite-conformance');
  const storage = new SqliteStorage(join(dir, 'codehub.db'));
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      removeDir(dir);
    },
  };
});
