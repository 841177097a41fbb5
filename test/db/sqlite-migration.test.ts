import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { edgeValues, fileValues, symbolValues } from '../../src/db/row-mappers.js';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { snapshotRows, type SnapshotContent } from '../../src/db/storage.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';
import { assertMigratedLikeFresh, filesContent } from './storage.cases.js';

const REPO = 'local/migrated';

/** Writes a snapshot as schema version 5 stored it: a copy of every row, keyed by snapshot id. */
function writeVersion5Snapshot(db: Database.Database, commit: string, content: SnapshotContent): void {
  const rows = snapshotRows(content);
  const snap = Number(
    db
      .prepare(
        `INSERT INTO snapshots (repo_id, commit_sha, ref, indexed_at, analyzer_version, status)
         VALUES (?, ?, NULL, '2026-01-01T00:00:00.000Z', 'test:1', 'ready')`,
      )
      .run(REPO, commit).lastInsertRowid,
  );
  const q = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
  for (const f of rows.files) db.prepare(`INSERT INTO files VALUES (${q(11)})`).run(snap, ...fileValues(f));
  rows.symbols.forEach((s, i) => {
    const rowid = Number(
      db.prepare(`INSERT INTO symbols VALUES (${q(18)})`).run(snap, ...symbolValues(s, (b) => (b ? 1 : 0)))
        .lastInsertRowid,
    );
    const k = rows.derived.symbolKeys[i]!;
    db.prepare('INSERT INTO symbol_search VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      rowid,
      snap,
      k.nameLower,
      k.humps,
      s.kind,
      k.isTest ? 1 : 0,
      k.callers,
    );
    db.prepare('INSERT OR IGNORE INTO search_names (name_lower) VALUES (?)').run(k.nameLower);
  });
  for (const e of rows.edges) db.prepare(`INSERT INTO edges VALUES (${q(9)})`).run(snap, ...edgeValues(e));
  for (const t of rows.testReach)
    db.prepare('INSERT INTO test_reach VALUES (?, ?, ?, ?, ?)').run(
      snap,
      t.symbolId,
      t.testId,
      t.depth,
      t.confidence,
    );
  for (const n of rows.derived.unresolvedNames)
    db.prepare('INSERT INTO unresolved_names VALUES (?, ?, ?)').run(snap, n.name, n.callSites);
  db.prepare('INSERT INTO query_index VALUES (?, ?)').run(snap, rows.derived.unresolvedCallSites);
  db.prepare('INSERT INTO snapshot_stats VALUES (?, ?)').run(snap, JSON.stringify(rows.stats));
  db.prepare('INSERT INTO snapshot_counts VALUES (?, ?, ?, ?)').run(
    snap,
    rows.files.length,
    rows.symbols.length,
    rows.edges.length,
  );
}

describe('migrating a SQLite database to shared segments', () => {
  let dir: string;
  before(() => {
    dir = tempDir('sqlite-migration');
  });
  after(() => removeDir(dir));

  it("moves every snapshot's rows into segments, stores shared files once, and answers as a fresh publish does", async () => {
    const old = new Database(join(dir, 'old.db'));
    for (const step of MIGRATIONS.slice(0, 5)) old.exec(step as string);
    old.pragma('user_version = 5');
    old.prepare(`INSERT INTO repos VALUES (?, '/src/m', '/src/m', NULL)`).run(REPO);
    old.prepare('INSERT INTO search_names_fts (search_names_fts) VALUES (?)').run('rebuild');
    writeVersion5Snapshot(old, '1'.repeat(40), filesContent());
    writeVersion5Snapshot(old, '2'.repeat(40), filesContent(12));
    old.prepare('INSERT INTO search_names_fts (search_names_fts) VALUES (?)').run('rebuild');
    old.close();

    const migrated = new SqliteStorage(join(dir, 'old.db'));
    const fresh = new SqliteStorage(join(dir, 'fresh.db'));
    try {
      assert.equal(Number(migrated.engine.db.pragma('user_version', { simple: true })), MIGRATIONS.length);
      assert.deepEqual(await migrated.maintenance.storedRowCounts(), {
        segments: 7,
        symbols: 13,
        edges: 9,
        testReach: 1,
      });
      await assertMigratedLikeFresh(migrated, fresh, REPO);
      const tables = migrated.engine.db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_v5'`)
        .all();
      assert.deepEqual(tables, [], 'the per-snapshot tables are gone');
    } finally {
      await migrated.close();
      await fresh.close();
    }
  });
});

describe('migrating a SQLite database to version 7', () => {
  let dir: string;
  before(() => {
    dir = tempDir('sqlite-migration-7');
  });
  after(() => removeDir(dir));

  it('makes the name index cover the ranking columns and answers as a fresh publish does', async () => {
    // A version 6 store: published through the port, then given back version 6's name index and version number.
    const file = join(dir, 'old.db');
    const writer = new SqliteStorage(file);
    await writer.writer.upsertRepo({ id: REPO, source: '/src/m', gitDir: '/src/m', webUrl: null });
    for (const [commit, content] of [
      ['1'.repeat(40), filesContent()],
      ['2'.repeat(40), filesContent(12)],
    ] as const) {
      const snap = await writer.writer.beginSnapshot(REPO, commit, null, 'test:1');
      await writer.writer.publishSnapshot(snap, snapshotRows(content));
    }
    await writer.close();
    const old = new Database(file);
    old.exec(
      'DROP INDEX symbol_search_by_name; CREATE INDEX symbol_search_by_name ON symbol_search(name_lower);',
    );
    old.pragma('user_version = 6');
    old.close();

    const migrated = new SqliteStorage(file);
    const fresh = new SqliteStorage(join(dir, 'fresh.db'));
    try {
      assert.equal(Number(migrated.engine.db.pragma('user_version', { simple: true })), MIGRATIONS.length);
      const columns = (db: Database.Database): string[] =>
        (
          db
            .prepare(`SELECT name FROM pragma_index_info('symbol_search_by_name') ORDER BY seqno`)
            .all() as Array<{
            name: string;
          }>
        ).map((c) => c.name);
      assert.deepEqual(columns(migrated.engine.db), [
        'name_lower',
        'segment_id',
        'is_test',
        'callers',
        'kind',
      ]);
      assert.deepEqual(columns(migrated.engine.db), columns(fresh.engine.db));
      await assertMigratedLikeFresh(migrated, fresh, REPO);
    } finally {
      await migrated.close();
      await fresh.close();
    }
  });
});
