import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/db/postgres-migrations.js';
import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { edgeValues, fileValues, symbolValues } from '../../src/db/row-mappers.js';
import { snapshotRows, type SnapshotContent } from '../../src/db/storage.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { assertMigratedLikeFresh, filesContent } from './storage.cases.js';

const REPO = 'local/migrated';

/** Writes a snapshot as schema version 2 stored it: a copy of every row, keyed by snapshot id. */
async function writeVersion2Snapshot(
  client: pg.Client,
  commit: string,
  content: SnapshotContent,
): Promise<void> {
  const rows = snapshotRows(content);
  const snap = Number(
    (
      await client.query(
        `INSERT INTO snapshots (repo_id, commit_sha, ref, indexed_at, analyzer_version, status)
         VALUES ($1, $2, NULL, '2026-01-01T00:00:00.000Z', 'test:1', 'ready') RETURNING id`,
        [REPO, commit],
      )
    ).rows[0]?.id,
  );
  const q = (n: number): string => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
  for (const f of rows.files)
    await client.query(`INSERT INTO files VALUES (${q(11)})`, [snap, ...fileValues(f)]);
  for (const [i, s] of rows.symbols.entries()) {
    const k = rows.derived.symbolKeys[i]!;
    await client.query(`INSERT INTO symbols VALUES (${q(23)})`, [
      snap,
      i,
      ...symbolValues(s, (b) => b),
      k.nameLower,
      k.humps,
      k.isTest,
      k.callers,
    ]);
  }
  for (const [i, e] of rows.edges.entries())
    await client.query(`INSERT INTO edges VALUES (${q(10)})`, [snap, i, ...edgeValues(e)]);
  for (const t of rows.testReach)
    await client.query('INSERT INTO test_reach VALUES ($1, $2, $3, $4, $5)', [
      snap,
      t.symbolId,
      t.testId,
      t.depth,
      t.confidence,
    ]);
  for (const n of rows.derived.unresolvedNames)
    await client.query('INSERT INTO unresolved_names VALUES ($1, $2, $3)', [snap, n.name, n.callSites]);
  await client.query('INSERT INTO snapshot_meta VALUES ($1, $2, $3, $4, $5, $6)', [
    snap,
    JSON.stringify(rows.stats),
    rows.files.length,
    rows.symbols.length,
    rows.edges.length,
    rows.derived.unresolvedCallSites,
  ]);
}

describe('migrating a PostgreSQL database to shared segments', () => {
  let old: TempDatabase;
  let fresh: TempDatabase;
  before(async () => {
    old = await createTempDatabase();
    fresh = await createTempDatabase();
  });
  after(async () => {
    await old?.drop();
    await fresh?.drop();
  });

  it("moves every snapshot's rows into segments, stores shared files once, and answers as a fresh publish does", async () => {
    const client = new pg.Client({ connectionString: old.url });
    await client.connect();
    try {
      for (const step of POSTGRES_MIGRATIONS.slice(0, 2)) await client.query(step as string);
      await client.query('CREATE TABLE codehub_schema (version INTEGER NOT NULL)');
      await client.query('INSERT INTO codehub_schema (version) VALUES (2)');
      await client.query(`INSERT INTO repos VALUES ($1, '/src/m', '/src/m', NULL)`, [REPO]);
      await writeVersion2Snapshot(client, '1'.repeat(40), filesContent());
      await writeVersion2Snapshot(client, '2'.repeat(40), filesContent(12));
    } finally {
      await client.end();
    }
    const migrated = new PostgresStorage(old.url);
    const reference = new PostgresStorage(fresh.url);
    try {
      assert.deepEqual(await migrated.maintenance.storedRowCounts(), {
        segments: 7,
        symbols: 13,
        edges: 9,
        testReach: 1,
      });
      await assertMigratedLikeFresh(migrated, reference, REPO);
      const leftover = await migrated.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_v2'`);
      assert.deepEqual(leftover, [], 'the per-snapshot tables are gone');
    } finally {
      await migrated.close();
      await reference.close();
    }
  });
});

describe('migrating a PostgreSQL database to version 4', () => {
  let old: TempDatabase;
  let fresh: TempDatabase;
  before(async () => {
    old = await createTempDatabase();
    fresh = await createTempDatabase();
  });
  after(async () => {
    await old?.drop();
    await fresh?.drop();
  });

  it("stores each snapshot's language counts with its meta row and answers as a fresh publish does", async () => {
    // A version 3 store: published through the port, then given back version 3's meta table and version number.
    const writer = new PostgresStorage(old.url);
    try {
      await writer.writer.upsertRepo({ id: REPO, source: '/src/m', gitDir: '/src/m', webUrl: null });
      for (const [commit, content] of [
        ['1'.repeat(40), filesContent()],
        ['2'.repeat(40), filesContent(12)],
      ] as const) {
        const snap = await writer.writer.beginSnapshot(REPO, commit, null, 'test:1');
        await writer.writer.publishSnapshot(snap, snapshotRows(content));
      }
      await writer.query('ALTER TABLE snapshot_meta DROP COLUMN language_counts');
      await writer.query('UPDATE codehub_schema SET version = 3');
    } finally {
      await writer.close();
    }
    const migrated = new PostgresStorage(old.url);
    const reference = new PostgresStorage(fresh.url);
    try {
      const [schema] = await migrated.query('SELECT version FROM codehub_schema');
      assert.equal(Number(schema?.version), POSTGRES_MIGRATIONS.length);
      const stored = await migrated.query('SELECT language_counts FROM snapshot_meta ORDER BY snapshot_id');
      assert.deepEqual(
        stored.map((r) => JSON.parse(String(r.language_counts)) as unknown),
        [{ typescript: 6 }, { typescript: 6 }],
      );
      await assertMigratedLikeFresh(migrated, reference, REPO);
    } finally {
      await migrated.close();
      await reference.close();
    }
  });
});
