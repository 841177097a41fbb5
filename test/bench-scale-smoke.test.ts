// The issue-15 benchmark harness on tiny inputs, so it cannot rot between long runs: PostgreSQL beside SQLite (full
// index and query load, both engines' rows filled), and the scale run (PostgreSQL + s3rver + workers, one worker
// SIGKILLed mid-job) with every check met. Times nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const runScript = fileURLToPath(new URL('../bench/run.js', import.meta.url));
const scaleScript = fileURLToPath(new URL('../bench/scale-run.js', import.meta.url));

/** Cells of the Markdown table rows whose first cell is `first`. */
function row(markdown: string, first: string): string[] | undefined {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith(`| ${first} |`))
    .map((line) => line.slice(2, -2).split(' | '))[0];
}

test(
  'the backends smoke run fills both engines in the full-index and query-load tables',
  { timeout: 400_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'codehub-bench-backends-'));
    try {
      const out = join(dir, 'backends.md');
      const run = spawnSync(process.execPath, [runScript, '--only', 'backends', '--smoke', '--out', out], {
        encoding: 'utf8',
        timeout: 380_000,
      });
      assert.equal(run.status, 0, `bench --only backends --smoke failed:\n${run.stderr}`);
      const report = readFileSync(out, 'utf8');
      const index = row(report, 'synthetic-20-s1-k12');
      assert.ok(index, 'a full-index row');
      assert.match(index[2] ?? '', /^\d+\.\d+$/, 'SQLite seconds');
      assert.match(index[3] ?? '', /^\d+\.\d+$/, 'PostgreSQL seconds');
      for (const query of [
        'symbol page HTML',
        '/api/v1 symbol',
        'MCP get_symbol',
        'MCP get_callers',
        'search',
      ]) {
        const cells = row(report, query);
        assert.ok(cells, `a load row for ${query}`);
        assert.match(cells[3] ?? '', /^\d+$/, `${query}: SQLite p99 (row: ${cells.join(' | ')})`);
        assert.match(cells[6] ?? '', /^\d+$/, `${query}: PostgreSQL p99 (row: ${cells.join(' | ')})`);
      }
      // Without --search-data the run keeps no database of its own on the server.
      const left = spawnSync(
        'psql',
        [
          '-h',
          '127.0.0.1',
          '-U',
          'root',
          '-d',
          'postgres',
          '-Atc',
          "SELECT datname FROM pg_database WHERE datname LIKE 'codehub_bench_search_%'",
        ],
        { encoding: 'utf8' },
      );
      assert.equal(left.status, 0, left.stderr);
      assert.equal(left.stdout.trim(), '', 'no bench database left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'the scale run smoke: queued jobs survive a SIGKILLed worker and every check is met',
  { timeout: 400_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'codehub-bench-scale-'));
    try {
      const out = join(dir, 'scale.md');
      const run = spawnSync(
        process.execPath,
        [
          scaleScript,
          '--repos',
          '3',
          '--kills',
          '1',
          '--files',
          '60',
          '--out',
          out,
          '--work',
          join(dir, 'work'),
        ],
        { encoding: 'utf8', timeout: 380_000 },
      );
      assert.equal(run.status, 0, `scale-run failed:\n${run.stderr}`);
      const report = readFileSync(out, 'utf8');
      // On a miss the message carries the report's own account (its problems list), not just the cell.
      const problems = report.slice(Math.max(0, report.indexOf('Problems seen'))).slice(0, 2000);
      for (const check of [
        'every job ends `done`',
        '1 SIGKILLs of workers mid-job',
        '`codehub verify` is clean',
        'no snapshot half-published',
        'both web servers answer every repo',
      ]) {
        const cells = row(report, check);
        assert.ok(cells, `a row for ${check}`);
        assert.equal(cells[2], 'met', `${check}: ${cells[1]}\n${problems}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
