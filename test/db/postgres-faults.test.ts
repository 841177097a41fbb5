// Faults on PostgreSQL: the publishing connection is killed (pg_terminate_backend from a second connection, as a
// server restart or a dropped network would end it) mid-COPY and just before commit. Either way the previous snapshot
// stays served, no row of the new one is visible, and the same storage object carries on with new connections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { isCodehubError } from '../../src/core/errors.js';
import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { snapshotRows, type SnapshotContent, type SymbolRecord } from '../../src/db/storage.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const REPO = 'local/faults';
const STATS = {
  filesParsed: 0,
  filesSkipped: {},
  callSites: 0,
  resolvedByReason: {},
  unresolvedByReason: {},
  testFiles: 0,
  testFilesAnalysed: 0,
};

/** A snapshot big enough that its COPY takes a while (symbols and one edge each). */
function bigContent(n: number): SnapshotContent {
  const symbols: SymbolRecord[] = [];
  for (let i = 0; i < n; i++) {
    symbols.push({
      id: `src/m${i % 500}.ts::fn${i}:function`,
      path: `src/m${i % 500}.ts`,
      localId: `fn${i}:function`,
      name: `fn${i}`,
      qualifiedName: `fn${i}`,
      kind: 'function',
      startLine: i,
      endLine: i + 1,
      signature: '()',
      returnType: null,
      exported: true,
      doc: 'a function with a doc comment long enough to give the COPY some bytes to carry',
      parent: null,
    });
  }
  return {
    files: [],
    symbols,
    edges: symbols.map((s, i) => ({
      callerId: s.id,
      calleeId: symbols[(i + 1) % n]!.id,
      calleeText: `fn${(i + 1) % n}`,
      kind: 'call',
      reason: 'import',
      confidence: 0.9,
      lines: [i],
    })),
    testReach: [],
    stats: STATS,
  };
}

describe('PostgreSQL publish under faults', () => {
  let db: TempDatabase;
  let storage: PostgresStorage;
  let served: number;
  let watcher: pg.Client;

  before(async () => {
    db = await createTempDatabase();
    storage = new PostgresStorage(db.url);
    await storage.writer.upsertRepo({ id: REPO, source: '/r', gitDir: '/r', webUrl: null });
    served = await storage.writer.beginSnapshot(REPO, 'a'.repeat(40), null, 'v1');
    await storage.writer.publishSnapshot(served, snapshotRows(bigContent(10)));
    watcher = new pg.Client({ connectionString: db.url });
    await watcher.connect();
  });
  after(async () => {
    await watcher?.end();
    await storage?.close();
    await db?.drop();
  });

  /** Waits until a backend of this database runs a statement matching `pattern`, then terminates it. */
  async function killWhen(pattern: string, waitingOnLock = false): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const r = await watcher.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid != pg_backend_pid() AND query LIKE $2
           AND ($3::boolean = false OR wait_event_type = 'Lock')`,
        [db.name, pattern, waitingOnLock],
      );
      const pid = r.rows[0]?.pid as number | undefined;
      if (pid !== undefined) {
        await watcher.query('SELECT pg_terminate_backend($1)', [pid]);
        return;
      }
      await new Promise((res) => setTimeout(res, 2));
    }
    throw new Error(`no backend ran ${pattern}`);
  }

  async function assertNothingOf(snapshotId: number): Promise<void> {
    assert.equal(
      (await storage.reader.latestSnapshot(REPO))?.id,
      served,
      'the previous snapshot is still served',
    );
    for (const table of ['snapshot_segments', 'unresolved_names', 'snapshot_meta']) {
      const r = await watcher.query(`SELECT COUNT(*)::int AS n FROM ${table} WHERE snapshot_id = $1`, [
        snapshotId,
      ]);
      assert.equal(r.rows[0]?.n, 0, `no ${table} row of the killed publish`);
    }
    // Rows live in segments shared by snapshots: none is left that no snapshot links.
    const unlinked = await watcher.query(
      'SELECT COUNT(*)::int AS n FROM segments g WHERE NOT EXISTS (SELECT 1 FROM snapshot_segments k WHERE k.segment_id = g.id)',
    );
    assert.equal(unlinked.rows[0]?.n, 0, 'no segment of the killed publish');
    for (const table of ['symbols', 'edges', 'test_reach']) {
      const r = await watcher.query(
        `SELECT COUNT(*)::int AS n FROM ${table} x WHERE NOT EXISTS (SELECT 1 FROM segments g WHERE g.id = x.segment_id)`,
      );
      assert.equal(r.rows[0]?.n, 0, `no ${table} row of the killed publish`);
    }
    assert.equal((await storage.reader.getSnapshot(snapshotId))?.status, 'building');
  }

  it('rolls back a publish whose connection is killed mid-COPY', async () => {
    const id = await storage.writer.beginSnapshot(REPO, 'b'.repeat(40), null, 'v1');
    const publish = storage.writer.publishSnapshot(id, snapshotRows(bigContent(150_000)));
    const outcome = publish.then(
      () => null,
      (err: unknown) => err,
    );
    await killWhen('COPY symbols%');
    const err = await outcome;
    assert.ok(isCodehubError(err, 'DatabaseUnavailable'), `a clear error, got ${String(err)}`);
    assert.equal(err.message.split('\n').length, 1);
    await assertNothingOf(id);
    await storage.writer.failSnapshot(id, err.message);
    assert.equal(await storage.writer.discardUnfinishedSnapshots(REPO), 1);
  });

  it('rolls back a publish whose connection is killed after every row is written, just before commit', async () => {
    const id = await storage.writer.beginSnapshot(REPO, 'c'.repeat(40), null, 'v1');
    // Hold the row the last statement of a publish updates, so the publish waits there with all its rows written.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT value FROM generation FOR UPDATE');
      const outcome = storage.writer.publishSnapshot(id, snapshotRows(bigContent(2_000))).then(
        () => null,
        (err: unknown) => err,
      );
      await killWhen('UPDATE generation%', true);
      const err = await outcome;
      assert.ok(isCodehubError(err, 'DatabaseUnavailable'), `a clear error, got ${String(err)}`);
      await blocker.query('ROLLBACK');
      await assertNothingOf(id);
    } finally {
      await blocker.end();
    }
    // The same storage carries on: the snapshot is published on a new connection.
    await storage.writer.failSnapshot(id, 'killed');
    await storage.writer.discardUnfinishedSnapshots(REPO);
    const next = await storage.writer.beginSnapshot(REPO, 'c'.repeat(40), null, 'v1');
    await storage.writer.publishSnapshot(next, snapshotRows(bigContent(2_000)));
    assert.equal((await storage.reader.latestSnapshot(REPO))?.id, next);
    assert.deepEqual(await storage.reader.countRows(next), { files: 0, symbols: 2_000, edges: 2_000 });
  });
});
