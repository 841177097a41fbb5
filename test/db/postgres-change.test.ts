// Change intelligence on PostgreSQL: two commits of a real git fixture indexed into PostgreSQL and into SQLite;
// `codehub diff` (changed symbols, callers walked a level at a time, tests to run), the history `repos` lists and a
// `repo@commit` pin answer the same on both.
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ChangeReport } from '../../src/service/change-service.js';
import { FixtureRepo, ROOT, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const REPO = 'github.com/acme/seed-pattern';

/** Drops what differs between two index runs by nature (times, snapshot ids). */
function normalise(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) =>
    key === 'indexedAt' || key === 'durationMs' || key === 'snapshot' ? '<varies>' : value,
  );
}

describe('codehub diff on PostgreSQL', () => {
  let tmp: string;
  let db: TempDatabase;
  let c1: string;
  let c2: string;
  let repoDir: string;
  const onSqlite = (args: string[]) => runCli([...args, '--data', join(tmp, 'data-sqlite')]);
  const onPostgres = (args: string[]) =>
    runCli([...args, '--data', join(tmp, 'data-pg'), '--database', db.url]);

  before(async () => {
    tmp = tempDir('pg-change');
    db = await createTempDatabase();
    repoDir = join(tmp, 'repo');
    cpSync(join(ROOT, 'test', 'fixtures', 'seed-pattern'), repoDir, { recursive: true });
    const fixture = FixtureRepo.init(repoDir);
    c1 = fixture.commit('fixture');
    const helpers = readFileSync(join(repoDir, 'src', 'cart-helpers.ts'), 'utf8');
    const logger = readFileSync(join(repoDir, 'src', 'logger.ts'), 'utf8');
    fixture
      .write('src/cart-helpers.ts', helpers.replace('sum + price, 0', 'sum + Math.round(price), 0'))
      .write('src/logger.ts', logger.replace('`debug ${message}`', '`debug: ${message}`'));
    c2 = fixture.commit('change a helper and the logger');
    for (const run of [onSqlite, onPostgres])
      for (const ref of [c1, c2]) {
        const r = run(['index', repoDir, '--name', REPO, '--ref', ref, '--json']);
        assert.equal(r.code, 0, r.stderr);
      }
  });
  after(async () => {
    await db?.drop();
    if (tmp) removeDir(tmp);
  });

  it('reports the same changes, callers and tests to run as on SQLite', () => {
    const a = onSqlite(['diff', REPO, c1, c2, '--json']);
    const b = onPostgres(['diff', REPO, c1, c2, '--json']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const report = JSON.parse(b.stdout) as ChangeReport;
    assert.deepEqual(report.changed.map((c) => c.name).sort(), ['Logger', 'computeTotal', 'debug']);
    assert.ok(report.impacted.length > 0, 'the changed symbols have callers');
    assert.ok(report.tests.length > 0, 'a test reaches them');
    assert.deepEqual(normalise(b.stdout), normalise(a.stdout));
  });

  it('lists the same history and answers a repo@commit pin as on SQLite', () => {
    const a = onSqlite(['repos', '--json']);
    const b = onPostgres(['repos', '--json']);
    assert.equal(b.code, 0, b.stderr);
    const history = (JSON.parse(b.stdout) as { repos: Array<{ snapshots: Array<{ commit: string }> }> })
      .repos[0]?.snapshots;
    assert.deepEqual(
      history?.map((s) => s.commit),
      [c2, c1],
    );
    assert.deepEqual(normalise(b.stdout), normalise(a.stdout));
    const pinA = onSqlite(['show', `${REPO}@${c1.slice(0, 10)}`, 'computeTotal', '--json']);
    const pinB = onPostgres(['show', `${REPO}@${c1.slice(0, 10)}`, 'computeTotal', '--json']);
    assert.equal(pinB.code, 0, pinB.stderr);
    assert.equal((JSON.parse(pinB.stdout) as { repo: { commit: string } }).repo.commit, c1);
    assert.deepEqual(normalise(pinB.stdout), normalise(pinA.stdout));
  });

  it('diff --worktree with CODEHUB_DATABASE_URL set publishes nothing into that database', async () => {
    const before = onPostgres(['repos', '--json']).stdout;
    const helpers = readFileSync(join(repoDir, 'src', 'cart-helpers.ts'), 'utf8');
    new FixtureRepo(repoDir).write(
      'src/cart-helpers.ts',
      helpers.replace('cart total', 'cart total (uncommitted)'),
    );
    const r = runCli(['diff', REPO, c2, '--worktree', repoDir, '--data', join(tmp, 'data-pg'), '--json'], {
      env: { CODEHUB_DATABASE_URL: db.url },
    });
    assert.equal(r.code, 0, r.stderr);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshots');
      assert.equal(rows[0]?.n, 2, 'the two indexed commits, and no scratch snapshot');
    } finally {
      await client.end();
    }
    assert.equal(onPostgres(['repos', '--json']).stdout, before);
  });
});
