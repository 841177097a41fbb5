// End to end on PostgreSQL: a real git fixture repo indexed by `codehub index --database postgres://…`, then `show`,
// `files`, `export` and `codehub serve` answer exactly what they answer on the embedded SQLite default.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, ROOT, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { serve, type Served } from '../reliability/support.js';

const REPO = 'github.com/acme/seed-pattern';

/** Drops what differs between two index runs by nature (times, snapshot ids, durations). */
function normalise(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) =>
    key === 'indexedAt' || key === 'durationMs' || key === 'snapshot' ? '<varies>' : value,
  );
}

describe('codehub on PostgreSQL', () => {
  let tmp: string;
  let db: TempDatabase;
  let repoDir: string;
  const sqliteData = (): string => join(tmp, 'data-sqlite');
  const pgData = (): string => join(tmp, 'data-pg');
  const onSqlite = (args: string[]) => runCli([...args, '--data', sqliteData()]);
  const onPostgres = (args: string[]) => runCli([...args, '--data', pgData(), '--database', db.url]);

  before(async () => {
    tmp = tempDir('pg-e2e');
    db = await createTempDatabase();
    repoDir = join(tmp, 'repo');
    cpSync(join(ROOT, 'test', 'fixtures', 'seed-pattern'), repoDir, { recursive: true });
    FixtureRepo.init(repoDir).commit('fixture');
    for (const run of [onSqlite, onPostgres]) {
      const r = run(['index', repoDir, '--name', REPO, '--json']);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await db?.drop();
    if (tmp) removeDir(tmp);
  });

  it('indexes the same counts into PostgreSQL as into SQLite, and a second run finds the commit up to date', () => {
    const a = onSqlite(['repos', '--json']);
    const b = onPostgres(['repos', '--json']);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(normalise(b.stdout), normalise(a.stdout));
    const again = runCli(['index', repoDir, '--name', REPO, '--data', pgData(), '--json'], {
      env: { CODEHUB_DATABASE_URL: db.url },
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      (normalise(onPostgres(['repos', '--json']).stdout) as { repos?: unknown[] }).repos?.length ?? 1,
      1,
    );
  });

  it('answers files, export and show exactly as SQLite does', () => {
    for (const args of [
      ['files', REPO, '--json'],
      ['files', REPO, 'src/', '--json'],
    ]) {
      const a = onSqlite(args);
      const b = onPostgres(args);
      assert.equal(b.code, 0, b.stderr);
      assert.deepEqual(normalise(b.stdout), normalise(a.stdout), args.join(' '));
    }
    const exportA = onSqlite(['export', REPO]);
    const exportB = onPostgres(['export', REPO]);
    assert.equal(exportB.code, 0, exportB.stderr);
    assert.equal(exportB.stdout, exportA.stdout);
    const symbols = exportA.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"type":"symbol"'))
      .map((l) => (JSON.parse(l) as { id: string }).id);
    assert.ok(symbols.length > 10, 'the fixture has symbols to show');
    for (const id of symbols.slice(0, 12)) {
      const a = onSqlite(['show', REPO, id, '--json']);
      const b = onPostgres(['show', REPO, id, '--json']);
      assert.equal(b.code, a.code, b.stderr);
      assert.deepEqual(normalise(b.stdout), normalise(a.stdout), id);
    }
  });

  it('serves the same API answers from PostgreSQL as from SQLite', async () => {
    let a: Served | undefined;
    let b: Served | undefined;
    try {
      a = await serve(sqliteData());
      b = await serve(pgData(), ['--database', db.url]);
      const urlA = a.url;
      const urlB = b.url;
      const exported = onSqlite(['export', REPO])
        .stdout.split('\n')
        .filter((l) => l.startsWith('{"type":"symbol"'));
      const ids = exported.map((l) => (JSON.parse(l) as { id: string }).id).slice(0, 15);
      const paths = [
        '/api/v1/repos',
        `/api/v1/repos/${REPO}`,
        `/api/v1/repos/${REPO}/-/files`,
        '/api/v1/search?q=start',
        '/api/v1/search?q=sdf',
        '/api/v1/search?q=check',
        ...ids.flatMap((id) => [
          `/api/v1/repos/${REPO}/-/symbol/${encodeURIComponent(id)}`,
          `/api/v1/repos/${REPO}/-/callers/${encodeURIComponent(id)}?depth=3`,
          `/api/v1/repos/${REPO}/-/callees/${encodeURIComponent(id)}?depth=3`,
          `/api/v1/repos/${REPO}/-/tests/${encodeURIComponent(id)}`,
        ]),
      ];
      for (const path of paths) {
        const [ra, rb] = await Promise.all([fetch(urlA + path), fetch(urlB + path)]);
        assert.equal(rb.status, ra.status, path);
        assert.deepEqual(normalise(await rb.text()), normalise(await ra.text()), path);
      }
    } finally {
      await a?.stop();
      await b?.stop();
    }
  });

  it('serves a snapshot published by another process without a restart', async () => {
    const served = await serve(pgData(), ['--database', db.url]);
    try {
      const before = (await (await fetch(`${served.url}/api/v1/repos`)).json()) as {
        repos: Array<{ commit: string }>;
      };
      const fixture = new FixtureRepo(repoDir).write(
        'src/late.ts',
        'export function late(): number {\n  return 2;\n}\n',
      );
      const commit = fixture.commit('later');
      assert.notEqual(before.repos[0]?.commit, commit);
      const r = onPostgres(['index', repoDir, '--name', REPO]);
      assert.equal(r.code, 0, r.stderr);
      const now = (await (await fetch(`${served.url}/api/v1/repos`)).json()) as {
        repos: Array<{ commit: string }>;
      };
      assert.equal(now.repos[0]?.commit, commit);
      const hits = (await (await fetch(`${served.url}/api/v1/search?q=late`)).json()) as {
        results: Array<{ name: string }>;
      };
      assert.deepEqual(
        hits.results.map((h) => h.name),
        ['late'],
      );
    } finally {
      await served.stop();
    }
  });

  it('reports an unreachable or malformed database URL in one line, without a stack trace', () => {
    for (const url of [
      'postgres://root@127.0.0.1:1/nope',
      'postgres://root@127.0.0.1:5432/codehub_no_such_db',
      'mysql://x',
    ]) {
      const r = runCli(['repos', '--data', pgData(), '--database', url]);
      assert.notEqual(r.code, 0, url);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.match(r.stderr, /^codehub: /);
    }
  });
});
