// The change mark on PostgreSQL is kept between questions while a LISTEN connection would hear it move (a warm web
// request then costs no round trip): a snapshot another process publishes or removes still moves it, this process's
// own publish moves it at once, and with the listening connection killed the mark is read again, never kept stale.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { snapshotRows, type SnapshotContent } from '../../src/db/storage.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const REPO = 'local/marks';
const EMPTY: SnapshotContent = {
  files: [],
  symbols: [],
  edges: [],
  testReach: [],
  stats: {
    filesParsed: 0,
    filesSkipped: {},
    callSites: 0,
    resolvedByReason: {},
    unresolvedByReason: {},
    testFiles: 0,
    testFilesAnalysed: 0,
  },
};

/** Asks for the mark until it differs from `from` (a notification travels on its own connection), or gives up. */
async function markMovedFrom(storage: PostgresStorage, from: string, withinMs = 5000): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const mark = await storage.reader.changeMark();
    if (mark !== from || Date.now() > deadline) return mark;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Publishes one empty snapshot of REPO at `commit` through `storage`; its id. */
async function publish(storage: PostgresStorage, commit: string): Promise<number> {
  const id = await storage.writer.beginSnapshot(REPO, commit, null, 'v1');
  await storage.writer.publishSnapshot(id, snapshotRows(EMPTY));
  return id;
}

describe('PostgreSQL change mark', () => {
  let db: TempDatabase;
  let reader: PostgresStorage;
  let writer: PostgresStorage;
  let watcher: pg.Client;

  before(async () => {
    db = await createTempDatabase();
    reader = new PostgresStorage(db.url);
    writer = new PostgresStorage(db.url);
    await writer.writer.upsertRepo({ id: REPO, source: '/r', gitDir: '/r', webUrl: null });
    watcher = new pg.Client({ connectionString: db.url });
    await watcher.connect();
  });
  after(async () => {
    await watcher?.end();
    await reader?.close();
    await writer?.close();
    await db?.drop();
  });

  /** Connections of this database listening for change marks. */
  async function readerListens(): Promise<number> {
    const r = await watcher.query(
      `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN codehub_generation'`,
      [db.name],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  it('keeps the mark while nothing changes, and sees another process publish and remove snapshots', async () => {
    const first = await reader.reader.changeMark();
    // The first read starts listening; once it listens, the mark read after is kept.
    const deadline = Date.now() + 5000;
    while ((await readerListens()) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await readerListens(), 1, 'one LISTEN connection');
    assert.equal(await reader.reader.changeMark(), first);
    // Kept: changing the row behind the adapter's back (no notification) is not seen while listening...
    await watcher.query('UPDATE generation SET value = value + 1000');
    assert.equal(await reader.reader.changeMark(), first, 'a kept mark is answered without a round trip');
    await watcher.query('UPDATE generation SET value = value - 1000');

    const snap = await publish(writer, 'a'.repeat(40));
    const afterPublish = await markMovedFrom(reader, first);
    assert.notEqual(afterPublish, first, "another process's publish moves the mark");
    assert.equal((await reader.reader.latestSnapshot(REPO))?.id, snap);

    await publish(writer, 'b'.repeat(40));
    const afterSecond = await markMovedFrom(reader, afterPublish);
    assert.notEqual(afterSecond, afterPublish);
    assert.ok((await writer.maintenance.deleteOldSnapshots()) >= 1);
    assert.notEqual(
      await markMovedFrom(reader, afterSecond),
      afterSecond,
      "another process's removal moves it",
    );
  });

  it("moves at once on this process's own publish", async () => {
    const before = await writer.reader.changeMark();
    await publish(writer, 'c'.repeat(40));
    assert.notEqual(await writer.reader.changeMark(), before, 'no wait for its own notification');
  });

  it('reads the mark again once its listening connection is killed', async () => {
    const before = await reader.reader.changeMark();
    await watcher.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN codehub_generation'`,
      [db.name],
    );
    // A change no notification reports: seen only once the dead listener is noticed and the row is read again.
    await watcher.query('UPDATE generation SET value = value + 1');
    assert.notEqual(
      await markMovedFrom(reader, before),
      before,
      'not the mark kept before the connection died',
    );
  });
});
