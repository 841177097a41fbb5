import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { percentile, type HistoryStorageRow } from '../bench/history-storage.js';
import { PG_ADMIN_URL } from './helpers/postgres.js';

const script = fileURLToPath(new URL('../bench/history-storage.js', import.meta.url));

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@codehub.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@codehub.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** A real git history of `commits` commits: each adds a module that calls the previous one and edits a body. */
function makeHistory(dir: string, commits: number): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: GIT_ENV });
  for (let i = 0; i < commits; i++) {
    const prev = i === 0 ? '' : `import { step${i - 1} } from './step${i - 1}.js';\n`;
    const call = i === 0 ? 'value' : `step${i - 1}(value)`;
    writeFileSync(
      join(dir, 'src', `step${i}.ts`),
      `${prev}export function step${i}(value: number): number {\n  return ${call} + ${i};\n}\n`,
    );
    writeFileSync(join(dir, 'src', 'main.ts'), `export const version = ${i};\n`);
    execFileSync('git', ['add', '-A'], { cwd: dir, env: GIT_ENV });
    const date = `2024-01-0${i + 1}T00:00:00Z`;
    execFileSync('git', ['commit', '-q', '-m', `commit ${i}`], {
      cwd: dir,
      env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  }
}

test('percentile is the nearest rank', () => {
  assert.equal(percentile([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 90), 9);
  assert.equal(percentile([2, 1], 90), 2);
  assert.equal(percentile([7], 50), 7);
  assert.throws(() => percentile([], 90), /no values/);
});

test(
  'the history-storage bench replays a real git history into SQLite and PostgreSQL and reports sizes and their ratio',
  { timeout: 300_000 },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'codehub-bench-history-'));
    try {
      const repo = join(work, 'repo');
      makeHistory(repo, 4);
      const out = join(work, 'history.md');
      const run = spawnSync(
        process.execPath,
        [
          script,
          '--repo',
          repo,
          '--commits',
          '3',
          '--postgres',
          PG_ADMIN_URL,
          '--work',
          join(work, 'w'),
          '--out',
          out,
          '--keep',
        ],
        { encoding: 'utf8', timeout: 280_000 },
      );
      assert.equal(run.status, 0, run.stderr);
      const report = readFileSync(out, 'utf8');
      assert.ok(report.startsWith('## 3 commits of real history in one store (issue 16)'), report);
      const json = JSON.parse(readFileSync(join(work, 'history.json'), 'utf8')) as {
        commits: string[];
        tsFiles: { first: number; last: number };
        rows: HistoryStorageRow[];
      };
      // The last three of the four commits, oldest first.
      const log = execFileSync('git', ['rev-list', '--first-parent', '--reverse', 'HEAD'], {
        cwd: repo,
        encoding: 'utf8',
      })
        .trim()
        .split('\n');
      assert.deepEqual(json.commits, log.slice(1));
      assert.deepEqual(json.tsFiles, { first: 3, last: 5 });
      assert.deepEqual(
        json.rows.map((r) => r.engine),
        ['sqlite', 'postgres'],
      );
      const tableRows = report
        .split('\n')
        .filter((l) => /^\| (sqlite|postgres) \|/.test(l))
        .map((l) => l.slice(2, -2).split(' | '));
      assert.equal(tableRows.length, 2);
      for (const [i, r] of json.rows.entries()) {
        assert.equal(r.commits, 3);
        assert.ok(r.firstBytes > 0 && r.allBytes >= r.firstBytes, JSON.stringify(r));
        assert.equal(r.ratio, r.allBytes / r.firstBytes);
        // One snapshot of the newest commit alone is at least the first one's size (the history only grows here).
        assert.ok(r.newestAloneBytes >= r.firstBytes && r.newestAloneBytes <= r.allBytes, JSON.stringify(r));
        assert.equal(r.ratioToNewest, r.allBytes / r.newestAloneBytes);
        assert.equal(r.laterIndexMs.length, 2);
        assert.ok(r.firstIndexMs > 0 && r.laterIndexMs.every((ms) => ms > 0));
        assert.equal(r.medianMs, (r.laterIndexMs[0]! + r.laterIndexMs[1]!) / 2);
        assert.equal(r.p90Ms, Math.max(...r.laterIndexMs));
        const cells = tableRows[i]!;
        assert.equal(cells[0], r.engine);
        assert.equal(Number(cells[2]), Number((r.firstBytes / 1e6).toFixed(2)));
        assert.equal(Number(cells[3]), Number((r.allBytes / 1e6).toFixed(2)));
        assert.equal(cells[4], `${r.ratio.toFixed(2)}×`);
        assert.equal(Number(cells[5]), Number((r.newestAloneBytes / 1e6).toFixed(2)));
        assert.equal(cells[6], `${r.ratioToNewest.toFixed(2)}×`);
      }
      // The SQLite size is the database file itself: three snapshots of the repository, WAL folded in.
      const sqlite = json.rows[0]!;
      assert.ok(sqlite.dataDir);
      const file = join(sqlite.dataDir, 'codehub.db');
      const db = new Database(file);
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
        const count = db.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number };
        assert.equal(count.n, 3);
      } finally {
        db.close();
      }
      assert.equal(statSync(file).size, sqlite.allBytes);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);

test('the history-storage bench refuses a history shorter than asked, naming the shortfall', () => {
  const work = mkdtempSync(join(tmpdir(), 'codehub-bench-history-'));
  try {
    const repo = join(work, 'repo');
    makeHistory(repo, 2);
    const run = spawnSync(
      process.execPath,
      [script, '--repo', repo, '--commits', '5', '--work', join(work, 'w')],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /has only 2 first-parent commits up to HEAD, not 5/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
