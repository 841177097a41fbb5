import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codehubUnavailable } from '../bench/codehub-cli.js';

const runScript = fileURLToPath(new URL('../bench/run.js', import.meta.url));

/** Cells of the Markdown table rows whose first cells match `prefix`. */
function rowsStartingWith(markdown: string, ...prefix: string[]): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.slice(2, -2).split(' | '))
    .filter((cells) => prefix.every((p, i) => cells[i] === p));
}

test('the benchmark smoke run prints a report with every section and row', { timeout: 500_000 }, async () => {
  const missing = await codehubUnavailable();
  const out = join(mkdtempSync(join(tmpdir(), 'codehub-bench-smoke-')), 'smoke.md');
  try {
    const run = spawnSync(process.execPath, [runScript, '--smoke', '--out', out], {
      encoding: 'utf8',
      timeout: 480_000,
    });
    assert.equal(run.status, 0, `bench --smoke failed:\n${run.stderr}`);
    const report = readFileSync(out, 'utf8');
    assert.equal(run.stdout.trim(), report.trim(), 'the printed table is the written report');
    for (const heading of [
      '## Corpora',
      '## Full index',
      '## Dedupe',
      '## Incremental re-index',
      '## Queries under load',
      '## Scale curve',
      '## Workers',
      '## Python (issue 14)',
    ]) {
      assert.ok(report.includes(heading), `missing section ${heading}`);
    }
    const corpus = 'synthetic-20-s1-k12';
    const toolRows = ['codehub', 'ctags', 'codegraph', 'scip-typescript', 'gitnexus'].map((tool) =>
      rowsStartingWith(report, corpus, tool),
    );
    for (const rows of toolRows) assert.equal(rows.length, 1);
    assert.equal(
      rowsStartingWith(report, 'synthetic-16-s1-k12 → synthetic-20-s1-k12').length,
      1,
      'dedupe row',
    );
    assert.ok(
      rowsStartingWith(report, corpus).some((cells) => cells[1]?.startsWith('1-file change')),
      'incremental change row',
    );
    assert.equal(rowsStartingWith(report, corpus, 'no-op re-index').length, 1, 'no-op row');
    for (const query of [
      'symbol page HTML',
      '/api/v1 symbol',
      'MCP get_symbol',
      'MCP get_callers',
      'search',
    ]) {
      assert.equal(rowsStartingWith(report, query).length, 1, `query row ${query}`);
    }
    for (const size of ['1×', '2×', '4×', '8×'])
      assert.equal(rowsStartingWith(report, size).length, 1, `scale row ${size}`);
    const ctags = toolRows[1]![0]!;
    // Universal Ctags is a Debian package; where it is missing the row must say so instead of a time.
    assert.match(
      ctags[2] ?? '',
      /^(\d+\.\d+|not run: Universal Ctags not found.*)$/,
      'the ctags row has a wall time or says why not',
    );

    const codehubCells = [
      toolRows[0]![0]!,
      ...rowsStartingWith(report, '1×'),
      ...rowsStartingWith(report, 'search'),
    ].flatMap((c) => c.slice(1));
    if (missing) {
      assert.ok(codehubCells.includes('pending'), 'without the codehub CLI its rows say pending');
      assert.ok(report.includes(missing), 'the report says why codehub rows are pending');
    } else {
      assert.ok(!codehubCells.includes('pending'), 'with the codehub CLI built, no row is pending');
      assert.ok(!codehubCells.some((cell) => cell.startsWith('failed')), `a codehub step failed:\n${report}`);
    }
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});
