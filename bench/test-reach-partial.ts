/**
 * Tested-by after a 1-file change (issue 16, part 2): a full recomputation (every test walked) against what a partial
 * re-walk would have to compute (only the tests whose walk can see the changed file: those reaching one of its
 * symbols at a depth below the limit, as the previous snapshot says), on the edges of the generated repository with
 * its test files. Both run computeTestReach (the second with only the affected tests marked as tests), so the
 * difference is the walk a partial re-walk saves; interning ids, the adjacency and sorting are paid by both.
 *
 *   npx tsc -p . && node dist/bench/test-reach-partial.js [--files 2000] [--runs 7]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeTestReach, DEFAULT_TEST_REACH_DEPTH } from '../src/analysis/test-reach.js';
import type { Edge } from '../src/core/graph.js';
import { indexRepository } from '../src/service/indexer.js';
import { openWorkspace } from '../src/service/workspace.js';
import { cloneCorpus, FIXED_GIT_ENV, prepareSyntheticCorpus, syntheticPath } from './corpora.js';
import { addTests } from './synthetic-tests.js';

const { values } = parseArgs({
  options: { files: { type: 'string', default: '2000' }, runs: { type: 'string', default: '7' } },
});
const files = Number(values.files);
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time(run: () => unknown): number {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return median(times);
}

const scratch = mkdtempSync(join(tmpdir(), 'codehub-reach-bench-'));
try {
  const corpus = prepareSyntheticCorpus({ files, seed: 1 });
  const repo = join(scratch, 'repo');
  cloneCorpus(corpus, repo);
  addTests(repo, files);
  const env = { ...process.env, ...FIXED_GIT_ENV };
  execFileSync('git', ['add', '-A'], { cwd: repo, env });
  execFileSync('git', ['commit', '-q', '-m', 'bench: tests'], { cwd: repo, env });
  const data = join(scratch, 'data');
  const name = `bench.example/o/reach-${files}`;
  await indexRepository({ dataDir: data, source: repo, name });
  const ws = openWorkspace(data);
  const symbols: Array<{ id: string; kind: string; path: string }> = [];
  const edges: Edge[] = [];
  try {
    const snapshot = (await ws.storage.reader.latestSnapshot(name))!;
    for await (const s of ws.storage.reader.iterateSymbols(snapshot.id))
      symbols.push({ id: s.id, kind: s.kind, path: s.path });
    for await (const e of ws.storage.reader.iterateEdges(snapshot.id)) edges.push(e);
  } finally {
    await ws.close();
  }
  const full = computeTestReach(symbols, edges, DEFAULT_TEST_REACH_DEPTH);
  const fullMs = time(() => computeTestReach(symbols, edges, DEFAULT_TEST_REACH_DEPTH));
  const rows: string[] = [];
  for (const changed of [1, Math.floor(files / 2) + 1]) {
    const path = syntheticPath(changed);
    const inFile = new Set(symbols.filter((s) => s.path === path).map((s) => s.id));
    // A test's walk can change only where it expands a node of the changed file: reached below the depth limit.
    const affected = new Set(
      full.filter((r) => inFile.has(r.symbolId) && r.depth < DEFAULT_TEST_REACH_DEPTH).map((r) => r.testId),
    );
    for (const s of symbols) if (s.kind === 'test' && s.path === path) affected.add(s.id);
    // With no test to walk, computeTestReach returns at once; a partial re-walk still interns the ids, builds the
    // adjacency and sorts the kept rows with the new ones: one test is walked to count that preparation.
    const walked = affected.size;
    if (affected.size === 0) affected.add(symbols.find((s) => s.kind === 'test')!.id);
    const partialSymbols = symbols.map((s) =>
      s.kind === 'test' && !affected.has(s.id) ? { ...s, kind: 'function' } : s,
    );
    const partialMs = time(() => computeTestReach(partialSymbols, edges, DEFAULT_TEST_REACH_DEPTH));
    rows.push(
      `| ${path} | ${walked} of ${symbols.filter((s) => s.kind === 'test').length} | ${fullMs.toFixed(0)} | ${partialMs.toFixed(0)} | ${(fullMs - partialMs).toFixed(0)} |`,
    );
  }
  process.stdout.write(
    [
      `${symbols.length} symbols, ${edges.length} edges, ${full.length} tested-by rows; median of ${runs} runs; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      '',
      '| changed file | tests to walk again | full recomputation ms | affected tests only (at least one) ms | saved ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
