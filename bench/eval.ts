/**
 * Entry of `npm run eval`: scores codehub's call graph against the TypeScript compiler on this project's own
 * source and on pinned npm corpora (built by bench/corpora.ts at eval time, never committed), and against pyright
 * on pinned Debian Python corpora (bench/python-corpora.ts, tuned and held out), and writes EVAL.md.
 * Usage: `npm run eval [-- --calibrate] [--only NAME,…] [--out DIR] [--samples N]` (`--only python` runs the Python
 * corpora, `--only java` the Java ones; `--samples` keeps N examples per missed/wrong category instead of 5, to
 * study misses with `--out`).
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { calibrateAll, evalRepository } from '../src/cli/commands/eval.js';
import type { CorpusReport } from '../src/eval/report.js';
import { pyrightVersion } from '../src/eval/python-truth.js';
import { assembleReport, writeEvalOutputs } from '../src/eval/run-eval.js';
import { benchRoot, prepareNpmCorpus, REAL_CORPORA, TS_HELD_OUT_CORPORA } from './corpora.js';
import { JAVA_CORPORA, prepareJavaCorpus } from './java-corpora.js';
import { GO_CORPORA, prepareGoCorpus } from './go-corpora.js';
import { preparePythonCorpus, PYTHON_CORPORA } from './python-corpora.js';
import { prepareSelfCorpus } from './self-corpus.js';

/** The npm corpora the eval scores (effect is left out: its compiler truth alone takes minutes). */
export const EVAL_CORPORA = ['mobx', 'rxjs', 'zod'];

function namesWithRole(role: string): string {
  return PYTHON_CORPORA.filter((c) => c.role === role)
    .map((c) => `${c.pkg} ${c.version}`)
    .join(', ');
}

/** Appended to EVAL.md: what the corpora leave out and what the confidences mean. */
export const EVAL_NOTES = `
## Notes

- Corpora: this project's \`src/\` (copied with a tsconfig into a temporary git repository) and the pinned npm
  packages mobx 6.13.5, rxjs 7.8.2, zod 4.1.0 (*tuned*) and immer 10.1.1, @tanstack/query-core 5.59.0,
  @reduxjs/toolkit 2.3.0 (*held out*), unpacked by \`bench/corpora.ts\` into \`bench/.corpora/\` at eval time. effect
  3.19.0 is left out: its compiler truth alone takes 4–6 minutes on this machine.
- zod ships its tests; their \`vitest\` calls have no declaration without \`node_modules\`, so most of zod's
  predicted sites on those lines are excluded as unknown rather than judged.
- Confidence is the measured precision of the edge's reason, pooled over the tuned corpora (right and wrong sites
  summed before dividing), cut down to 0.01 (never rounded up), written only for reasons with ≥ 30 judged sites;
  the per-corpus tables give the exact figures, the Wilson lower bound and the share of sites the truth could judge.
- Python: the sources of Debian bookworm packages (\`apt-get download\` + \`dpkg -x\` by \`bench/python-corpora.ts\`
  into \`bench/.corpora/\`, pinned by exact Debian version), scored against pyright ${pyrightVersion()} through its language
  server, call sites from CPython's \`ast\`. *Tuned* corpora (${namesWithRole('tuned')}) may be looked at while the Python
  resolver is adjusted and are the only ones Python calibration pools; *held-out* corpora (${namesWithRole('held out')}) are
  only measured, and issue 14's targets (precision ≥ 0.95, recall ≥ 0.92) are judged on them. Until a Python plug-in is
  registered, codehub indexes no Python symbols and the Python rows say so.
- Java: the upstream \`src/main/java\` sources of Debian bookworm source packages (\`bench/java-corpora.ts\`, a private
  apt configuration with \`deb-src\` lines), scored against javac 17 and javap (\`src/eval/java-truth.ts\`): javac's
  API says where each method is declared, \`javap -c -p -l\` gives each \`invoke*\` instruction's declared target and
  line. Tuned: ${JAVA_CORPORA.filter((c) => c.role === 'tuned')
    .map((c) => c.name)
    .join(', ')}; held out:
  ${JAVA_CORPORA.filter((c) => c.role === 'held out')
    .map((c) => c.name)
    .join(', ')}. Calls that several overloads fit equally
  stay unresolved as \`ambiguous\`; edges to the overrides of an interface member or abstract method are drawn as
  \`interface-impl\` and excluded here where javac names the member (the bytecode names the declared member only);
  \`bench/java-dispatch.ts\` measures them against javac's class hierarchy.
- Guesses are drawn under their own reasons and confidences: \`name-only\` (a method name one repository method
  has; 0.79, in the default view but below the confident 0.8), \`name-only-several\` (2 or 3 candidates) and
  \`name-only-builtin\` (a name runtime builtins also have), \`unique-property\` (a property name declared once
  with a type) and
  \`interface-impl\` (implementations of a called interface member; the compiler names the member, so these are
  not judged here and keep the seed tier divided by the number of implementations, except Java's, measured by
  \`bench/java-dispatch.ts\` at 0.95, which puts them in the default view).
`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const calibrate = argv.includes('--calibrate');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',') : null;
  const outAt = argv.indexOf('--out');
  const projectRoot = dirname(benchRoot());
  const outDir = outAt >= 0 ? argv[outAt + 1]! : projectRoot;
  const samplesAt = argv.indexOf('--samples');
  const sampling = samplesAt >= 0 ? { sampleSize: Number(argv[samplesAt + 1]) } : {};
  const corpora: CorpusReport[] = [];
  const log = (s: string): void => void process.stderr.write(`${s}\n`);

  if (!only || only.includes('codehub')) {
    const self = mkdtempSync(join(tmpdir(), 'codehub-self-'));
    try {
      log('eval: codehub src/');
      prepareSelfCorpus(projectRoot, self);
      corpora.push(
        ...(await evalRepository({ path: self, corpus: 'codehub src/', role: 'tuned', ...sampling })),
      );
    } finally {
      rmSync(self, { recursive: true, force: true });
    }
  }
  for (const spec of REAL_CORPORA) {
    if (!EVAL_CORPORA.includes(spec.name) || (only && !only.includes(spec.name))) continue;
    log(`eval: npm:${spec.pkg}@${spec.version}`);
    const prepared = prepareNpmCorpus(spec);
    corpora.push(
      ...(await evalRepository({
        path: prepared.dir,
        corpus: `npm:${spec.pkg}@${spec.version}`,
        role: 'tuned',
        ...sampling,
      })),
    );
  }
  for (const spec of TS_HELD_OUT_CORPORA) {
    if (only && !only.includes(spec.name) && !only.includes('held-out')) continue;
    log(`eval: npm:${spec.pkg}@${spec.version} (held out)`);
    const prepared = prepareNpmCorpus(spec);
    corpora.push(
      ...(await evalRepository({
        path: prepared.dir,
        corpus: `npm:${spec.pkg}@${spec.version}`,
        role: 'held out',
        languages: ['typescript'],
        ...sampling,
      })),
    );
  }
  for (const spec of PYTHON_CORPORA) {
    if (only && !only.includes(spec.name) && !only.includes('python')) continue;
    log(`eval: debian:${spec.pkg}@${spec.version} (${spec.role})`);
    const prepared = preparePythonCorpus(spec);
    corpora.push(
      ...(await evalRepository({
        path: prepared.dir,
        corpus: `debian:${spec.pkg}@${spec.version}`,
        role: spec.role,
        languages: ['python'],
        ...sampling,
      })),
    );
  }
  for (const spec of JAVA_CORPORA) {
    if (only && !only.includes(spec.name) && !only.includes('java')) continue;
    log(`eval: debian:${spec.source}@${spec.version} (${spec.role})`);
    const prepared = prepareJavaCorpus(spec);
    corpora.push(
      ...(await evalRepository({
        path: prepared.dir,
        corpus: `debian:${spec.source}@${spec.version}`,
        role: spec.role,
        languages: ['java'],
      })),
    );
  }
  for (const spec of GO_CORPORA) {
    if (only && !only.includes(spec.name) && !only.includes('go')) continue;
    log(`eval: debian:${spec.pkg}@${spec.version} (${spec.role})`);
    const prepared = prepareGoCorpus(spec);
    corpora.push(
      ...(await evalRepository({
        path: prepared.dir,
        corpus: `debian:${spec.pkg}@${spec.version}`,
        role: spec.role,
        languages: ['go'],
      })),
    );
  }
  const report = assembleReport(corpora, `npm run eval${argv.length ? ` -- ${argv.join(' ')}` : ''}`);
  const written = writeEvalOutputs(report, outDir);
  appendFileSync(written.markdown, EVAL_NOTES);
  if (existsSync(written.json) && outAt < 0) rmSync(written.json); // EVAL.md is the checked-in artefact
  log(`wrote ${written.markdown}`);
  if (calibrate) {
    for (const c of calibrateAll(report)) {
      log(
        c.written
          ? `calibrated ${c.language}: ${JSON.stringify(c.written)}`
          : `not calibrated ${c.language}: ${c.skipped}`,
      );
    }
  }
}

await main();
