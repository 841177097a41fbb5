/**
 * Entry of `npm run eval`: scores codehub's call graph against the TypeScript compiler on this project's own
 * source and on pinned npm corpora (built by bench/corpora.ts at eval time, never committed), writes EVAL.md.
 * Usage: `npm run eval [-- --calibrate] [--only NAME,…] [--out DIR]`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { confidenceTablePath, evalRepository } from '../src/cli/commands/eval.js';
import type { CorpusReport } from '../src/eval/report.js';
import { assembleReport, calibrateFromReport, writeEvalOutputs } from '../src/eval/run-eval.js';
import { benchRoot, prepareNpmCorpus, REAL_CORPORA } from './corpora.js';
import { prepareSelfCorpus } from './self-corpus.js';

/** The npm corpora the eval scores (effect is left out: its compiler truth alone takes minutes). */
export const EVAL_CORPORA = ['mobx', 'rxjs', 'zod'];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const calibrate = argv.includes('--calibrate');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',') : null;
  const outAt = argv.indexOf('--out');
  const projectRoot = dirname(benchRoot());
  const outDir = outAt >= 0 ? argv[outAt + 1]! : projectRoot;
  const corpora: CorpusReport[] = [];
  const log = (s: string): void => void process.stderr.write(`${s}\n`);

  if (!only || only.includes('codehub')) {
    const self = mkdtempSync(join(tmpdir(), 'codehub-self-'));
    try {
      log('eval: codehub src/');
      prepareSelfCorpus(projectRoot, self);
      corpora.push(await evalRepository({ path: self, corpus: 'codehub src/' }));
    } finally {
      rmSync(self, { recursive: true, force: true });
    }
  }
  for (const spec of REAL_CORPORA) {
    if (!EVAL_CORPORA.includes(spec.name) || (only && !only.includes(spec.name))) continue;
    log(`eval: npm:${spec.pkg}@${spec.version}`);
    const prepared = prepareNpmCorpus(spec);
    corpora.push(await evalRepository({ path: prepared.dir, corpus: `npm:${spec.pkg}@${spec.version}` }));
  }
  const report = assembleReport(corpora, `npm run eval${argv.length ? ` -- ${argv.join(' ')}` : ''}`);
  const written = writeEvalOutputs(report, outDir);
  if (existsSync(written.json) && outAt < 0) rmSync(written.json); // EVAL.md is the checked-in artefact
  log(`wrote ${written.markdown}`);
  if (calibrate) log(`calibrated: ${JSON.stringify(calibrateFromReport(report, confidenceTablePath()))}`);
}

await main();
