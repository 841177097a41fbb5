import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCompilerTruth } from '../../src/eval/compiler-truth.js';
import { EVAL_SMALL_DIR, readExpectedTruth } from './fixture.js';

const truth = buildCompilerTruth({ repoDir: EVAL_SMALL_DIR });
const expected = readExpectedTruth();

test('the compiler truth of the small fixture equals its hand-written call graph', () => {
  assert.deepEqual(truth.edges, expected.edges);
});

test('calls into lib and into a missing package are kept apart from the in-repo truth', () => {
  assert.deepEqual(
    truth.outside.map((s) => [s.path, s.line]),
    expected.outside,
  );
  assert.deepEqual(
    truth.unresolved.map((s) => [s.path, s.line]),
    expected.unresolved,
  );
  assert.equal(truth.stats.config, 'tsconfig');
  assert.deepEqual(truth.files, ['src/index.ts', 'src/service.ts', 'src/util.ts']);
});

test('a callback parameter, a local function value and a call into an uninstalled module are unresolved, not guessed', () => {
  const categories = truth.unresolved.map((s) => `${s.path}:${s.line} ${s.category}`);
  assert.deepEqual(categories, [
    'src/index.ts:8 element access',
    'src/index.ts:16 plain identifier',
    'src/service.ts:17 callback parameter',
    'src/service.ts:18 imported identifier',
  ]);
});

test('include and maxFiles bound which files are walked', () => {
  const onlyUtil = buildCompilerTruth({ repoDir: EVAL_SMALL_DIR, include: ['src/util'] });
  assert.deepEqual(onlyUtil.files, ['src/util.ts']);
  assert.deepEqual(
    onlyUtil.edges,
    expected.edges.filter((e) => e.path === 'src/util.ts'),
  );
  const first = buildCompilerTruth({ repoDir: EVAL_SMALL_DIR, maxFiles: 1 });
  assert.deepEqual(first.files, ['src/index.ts']);
  assert.equal(first.stats.filesSkippedOverMax, 2);
});

test('without a tsconfig every source file is walked with allowJs defaults, and too-large files are skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-eval-'));
  try {
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'a.js'), 'export function helper() {\n  return 1;\n}\n');
    writeFileSync(join(dir, 'main.ts'), "import { helper } from './lib/a.js';\n\nhelper();\n");
    writeFileSync(
      join(dir, 'big.ts'),
      `export const big = ${JSON.stringify('x'.repeat(2000))};\nbig.trim();\n`,
    );
    const t = buildCompilerTruth({ repoDir: dir, maxFileBytes: 1000 });
    assert.equal(t.stats.config, 'defaults');
    assert.equal(t.stats.filesSkippedTooLarge, 1);
    assert.deepEqual(t.files, ['lib/a.js', 'main.ts']);
    assert.deepEqual(
      t.edges.map(
        (e) =>
          `${e.path}:${e.line} -> ${e.calleePath}:${e.calleeStartLine}-${e.calleeEndLine} ${e.calleeName}`,
      ),
      ['main.ts:3 -> lib/a.js:1-3 helper'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
