// Index runs and gc hold leases in the database, so two hosts sharing one PostgreSQL never index one repo at once.
// "Another host" is a lease holder whose host name is not this one's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCodehubError } from '../../src/core/errors.js';
import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { indexRepository } from '../../src/service/indexer.js';
import { collectGarbage } from '../../src/service/maintenance.js';
import { openWorkspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

describe('index and gc leases in a shared database', () => {
  let tmp: string;
  let db: TempDatabase;
  let storage: PostgresStorage;
  let repo: FixtureRepo;

  before(async () => {
    tmp = tempDir('lease');
    db = await createTempDatabase();
    storage = new PostgresStorage(db.url);
    repo = FixtureRepo.init(join(tmp, 'repo')).write(
      'a.ts',
      'export function a(): number {\n  return 1;\n}\n',
    );
    repo.commit('one');
  });
  after(async () => {
    await storage?.close();
    await db?.drop();
    removeDir(tmp);
  });

  const index = (dataDir: string) =>
    indexRepository({ source: repo.dir, dataDir, database: db.url, name: 'local/leased', lockWaitMs: 300 });

  it('refuses to index a repo whose lease another host holds, and indexes it once the lease is released', async () => {
    const otherHost = 'build-7.example 4242 nonce';
    assert.equal(await storage.leases.acquire('index local/leased', otherHost, 60_000), true);
    // A different data dir: the lock file cannot see the other host, only the database lease can.
    await assert.rejects(index(join(tmp, 'data-a')), (err) => isCodehubError(err, 'IndexLocked'));
    await storage.leases.release('index local/leased', otherHost);
    const done = await index(join(tmp, 'data-a'));
    assert.equal(done.repo, 'local/leased');
    assert.deepEqual(await storage.leases.live(), [], 'the run released its lease');
  });

  it('takes over at once a lease whose holder ran on this host and is gone', async () => {
    const { hostname } = await import('node:os');
    const dead = `${hostname()} 2147483000 nonce`;
    assert.equal(await storage.leases.acquire('index local/leased', dead, 60_000), true);
    const done = await index(join(tmp, 'data-b'));
    assert.equal(done.repo, 'local/leased');
  });

  it('refuses gc while an index run holds a lease on another host', async () => {
    await storage.leases.acquire('index local/other', 'build-8.example 1 nonce', 60_000);
    const ws = openWorkspace(join(tmp, 'data-a'), { database: db.url });
    try {
      await assert.rejects(collectGarbage(ws, { keepLatestOnly: false }), (err) =>
        isCodehubError(err, 'IndexLocked'),
      );
      await storage.leases.release('index local/other', 'build-8.example 1 nonce');
      const report = await collectGarbage(ws, { keepLatestOnly: false });
      assert.equal(report.removedSnapshots, 0);
    } finally {
      await ws.close();
    }
  });
});
