/**
 * Entry of `npm run eval`: scores codehub's call graph against the TypeScript compiler on this project's own
 * source and on pinned npm corpora (built by bench/corpora.ts at eval time, never committed), writes EVAL.md.
 * Usage: `npm run eval [-- --calibrate] [--only NAME,…] [--out DIR]`.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { confidenceTablePath, evalRepository } from '../src/cli/commands/eval.js';
import type { CorpusReport } from '../src/eval/report.js';
import { assembleReport, calibrateFromReport, writeEvalOutputs } from '../src/eval/run-eval.js';
import { benchRoot, commitTree, prepareNpmCorpus, REAL_CORPORA } from './corpora.js';

/** The npm corpora the eval scores (effect is left out: its compiler truth alone takes minutes). */
export const EVAL_CORPORA = ['mobx', 'rxjs', 'zod'];

/** Copies the project's src/ and a tsconfig for it into a fresh git repository; returns its folder. */
export function prepareSelfCorpus(projectRoot: string, into: string): string {
  cpSync(join(projectRoot, 'src'), join(into, 'src'), {
    recursive: true,
    filter: (p) => !p.split(/[\\/]/).includes('fixtures'),
  });
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['src/**/*.ts'],
  };
  writeFileSync(join(into, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(join(into, 'package.json'), '{ "name": "codehub-src", "type": "module", "private": true }\n');
  commitTree(into, 'codehub src/ for the eval');
  return into;
}

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
