import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { differences, renderTable, runParser, type ParserRun } from '../bench/parse-path.js';

const script = fileURLToPath(new URL('../bench/parse-path.js', import.meta.url));

const SOURCE = [
  'import { g } from "./g";',
  'export function f(x: number) {',
  '  return g(x).then((y) => new Map([[y, String(y)]]));',
  '}',
  'const lazy = () => import("./g");',
  '',
].join('\n');

test("TypeScript's parse path records every call site's line, in every pass", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-parse-path-'));
  try {
    const file = join(dir, 'a.ts');
    writeFileSync(file, SOURCE);
    const run = await runParser('typescript', [file], 3);
    assert.equal(run.unavailable, undefined);
    assert.equal(run.passMs.length, 3);
    // g(x), .then(…), new Map(…), String(y) on line 3; import("./g") on line 5.
    assert.deepEqual(run.callLines[file], [3, 3, 3, 3, 5]);
    assert.equal(run.callSites, 5);
    assert.ok(run.nodes > 20, String(run.nodes));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the table counts files whose call lines equal TypeScript’s and names the first difference', () => {
  const base = {
    loadMs: 1,
    passMs: [2000, 1000, 900],
    parseOnlyMs: 500,
    nodes: 10,
    callSites: 3,
    failed: {},
  };
  const runs: ParserRun[] = [
    { ...base, parser: 'typescript', callLines: { '/r/a.ts': [1, 2], '/r/b.ts': [4] } },
    { ...base, parser: 'swc', callLines: { '/r/a.ts': [1, 2], '/r/b.ts': [5] } },
    { ...base, parser: 'oxc', unavailable: 'not installed', callLines: {} },
  ];
  const table = renderTable(runs, 2e6, 2).split('\n');
  assert.match(
    table[2]!,
    /^\| typescript \| 1 \| 2\.00 \| 1\.00 \| 0\.90 \| 2\.22 \| 0\.50 \| 10 \| 3 \| 2 \/ 2 \|$/,
  );
  assert.match(table[3]!, /^\| swc .* \| 1 \/ 2 \|$/);
  assert.match(table[4]!, /unavailable: not installed/);
  assert.deepEqual(differences(runs, '/r'), [
    '- swc: b.ts: 1 call sites against 1; first difference at line 4',
  ]);
});

test('the bench runs end to end on a folder and reports a parser that is not installed instead of failing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-parse-path-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), SOURCE);
    const run = spawnSync(process.execPath, [script, '--dir', dir, '--passes', '2'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^1 files, 0\.00 MB, 2 passes/m);
    const rows = run.stdout
      .split('\n')
      .filter((l) => /^\| (typescript|oxc|oxc-async|swc|ast-grep) \|/.test(l));
    assert.equal(rows.length, 5, run.stdout);
    assert.match(rows[0]!, /\| 5 \| 1 \/ 1 \|$/);
    // Each native parser either ran and agreed, or says why it could not run.
    for (const row of rows.slice(1)) assert.match(row, /(\| 1 \/ 1 \|$)|unavailable: /, row);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
