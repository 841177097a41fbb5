/**
 * Tested-by at scale: a generated repository with 10,000 tests goes through the real indexer, and tested-by of a
 * symbol is then an indexed lookup in the test_reach table. Timings are printed, never asserted (shared machines).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeTestReach } from '../src/analysis/test-reach.js';
import type { Edge } from '../src/core/graph.js';
import { indexRepository } from '../src/service/indexer.js';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import { FixtureRepo, removeDir, tempDir } from './helpers/fixture-repo.js';

const MODULES = 20;
const FUNCTIONS_PER_MODULE = 50;
const TEST_FILES = 100;
const TESTS_PER_FILE = 100;

/** Module m's function k calls function k+1 of the same module: a chain, so depth is easy to predict. */
function moduleSource(): string {
  const lines: string[] = [];
  for (let k = 0; k < FUNCTIONS_PER_MODULE; k++) {
    const next = k + 1 < FUNCTIONS_PER_MODULE ? `  return f${k + 1}(x) + 1;` : '  return x;';
    lines.push(`export function f${k}(x) {`, next, '}', '');
  }
  return lines.join('\n');
}

/** Which module and function test `t` of file `j` calls directly. */
function target(j: number, t: number): { module: number; fn: number } {
  return { module: j % MODULES, fn: (j * 7 + t * 13) % FUNCTIONS_PER_MODULE };
}

function testFileSource(j: number): string {
  const m = j % MODULES;
  const used = new Set<number>();
  for (let t = 0; t < TESTS_PER_FILE; t++) used.add(target(j, t).fn);
  const lines = [
    "import { describe, it } from 'node:test';",
    `import { ${[...used].map((k) => `f${k}`).join(', ')} } from '../src/mod${m}.mjs';`,
    '',
    `describe('file ${j}', () => {`,
  ];
  for (let t = 0; t < TESTS_PER_FILE; t++) {
    lines.push(`  it('case ${t}', () => {`, `    f${target(j, t).fn}(${t});`, '  });');
  }
  lines.push('});', '');
  return lines.join('\n');
}

describe('tested-by on a repository with 10,000 tests', () => {
  let work: string;
  let dataDir: string;
  let repo: string;

  before(async () => {
    work = tempDir('tested-by-scale');
    const fixture = FixtureRepo.init(join(work, 'repo'));
    fixture.write('package.json', JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }));
    for (let m = 0; m < MODULES; m++) fixture.write(`src/mod${m}.mjs`, moduleSource());
    for (let j = 0; j < TEST_FILES; j++) fixture.write(`test/file${j}.test.mjs`, testFileSource(j));
    fixture.commit('generated');
    dataDir = join(work, 'data');
    const started = performance.now();
    const result = await indexRepository({ dataDir, source: fixture.dir });
    repo = result.repo;
    console.log(
      `indexed ${result.files} files, ${result.symbols} symbols, ${result.testLinks} tested-by rows in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  after(() => removeDir(work));

  it('answers tested-by of a symbol with exactly the tests that reach it within depth 3', async () => {
    const ws = openWorkspace(dataDir);
    try {
      const service = createQueryService(ws);
      const snapshot = await ws.storage.reader.latestSnapshot(repo);
      assert.ok(snapshot);
      assert.equal(
        (await collect(ws.storage.reader.iterateSymbols(snapshot.id))).filter((s) => s.kind === 'test')
          .length,
        TEST_FILES * TESTS_PER_FILE,
      );
      for (const [m, k] of [
        [3, 20],
        [0, 0],
        [19, 49],
      ] as const) {
        // Independent expectation from the generator: a test calling f(k-d) reaches f(k) at depth d+1.
        const expected = new Map<string, number>();
        for (let j = 0; j < TEST_FILES; j++) {
          for (let t = 0; t < TESTS_PER_FILE; t++) {
            const hit = target(j, t);
            const d = k - hit.fn;
            if (hit.module === m && d >= 0 && d <= 2) expected.set(`file ${j} > case ${t}`, d + 1);
          }
        }
        const started = performance.now();
        const { tests, complete } = await service.tests(repo, `src/mod${m}.mjs::f${k}:function`);
        const ms = performance.now() - started;
        console.log(`tested-by of mod${m}.f${k}: ${tests.length} tests in ${ms.toFixed(1)} ms`);
        assert.equal(complete, 'exact');
        assert.deepEqual(new Map(tests.map((t) => [t.name, t.depth])), expected);
        assert.ok(tests.every((t) => t.command?.startsWith('node --test --test-name-pattern=')));
        const depths = tests.map((t) => t.depth);
        assert.deepEqual(
          depths,
          [...depths].sort((a, b) => a - b),
          'direct tests come first',
        );
      }
    } finally {
      ws.close();
    }
  });

  it('computes test reach over a 10,000-test graph in one pass', () => {
    // The same shape as the indexed repo, without parsing: tests → chain heads, chains of 50 functions.
    const symbols: Array<{ id: string; kind: string }> = [];
    const edges: Edge[] = [];
    const edge = (callerId: string, calleeId: string): Edge => ({
      callerId,
      calleeId,
      calleeText: calleeId,
      kind: 'call',
      reason: 'import',
      confidence: 0.9,
      lines: [1],
    });
    for (let m = 0; m < MODULES; m++) {
      for (let k = 0; k < FUNCTIONS_PER_MODULE; k++) {
        symbols.push({ id: `m${m}.f${k}`, kind: 'function' });
        if (k + 1 < FUNCTIONS_PER_MODULE) edges.push(edge(`m${m}.f${k}`, `m${m}.f${k + 1}`));
      }
    }
    for (let j = 0; j < TEST_FILES; j++) {
      for (let t = 0; t < TESTS_PER_FILE; t++) {
        const hit = target(j, t);
        symbols.push({ id: `t${j}.${t}`, kind: 'test' });
        edges.push(edge(`t${j}.${t}`, `m${hit.module}.f${hit.fn}`));
      }
    }
    const started = performance.now();
    const reach = computeTestReach(symbols, edges);
    const ms = performance.now() - started;
    console.log(
      `computeTestReach: ${symbols.length} symbols, ${edges.length} edges → ${reach.length} rows in ${ms.toFixed(0)} ms`,
    );
    // Every test reaches its function and the two after it, unless the chain ends first.
    let expected = 0;
    for (let j = 0; j < TEST_FILES; j++)
      for (let t = 0; t < TESTS_PER_FILE; t++)
        expected += Math.min(3, FUNCTIONS_PER_MODULE - target(j, t).fn);
    assert.equal(reach.length, expected);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
