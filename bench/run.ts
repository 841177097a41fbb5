/**
 * `npm run bench`: indexes the pinned corpora with codehub and its peers in one run, loads the server, draws the
 * scale curve, and prints a Markdown report (also written to BENCHMARKS.md).
 *   --quick          one repetition instead of a median of 3
 *   --smoke          tiny synthetic corpus, every step once, no peers but ctags; for CI (times nothing)
 *   --out FILE       where to write the report (default BENCHMARKS.md; --smoke: bench/.work/smoke.md)
 *   --skip-peers     codehub rows only
 *   --search-symbols N   size of the search corpus (default 1,000,000)
 *   --scale-base N   files of the scale curve's 1× corpus (default 500)
 *   --cpu-prof       codehub runs write V8 CPU profiles to bench/.work/profiles (where the time goes)
 *   --peers a,b      only these peers (ctags, codegraph, scip-typescript, gitnexus)
 *   --corpora a,b    only these real corpora (effect, zod, rxjs, mobx)
 *   --only load      only the query-load section (default --out: bench/.work/load.md, BENCHMARKS.md is left alone)
 *   --search-data DIR    data folder of the search corpus's index; an index already there from an earlier run is
 *                        reused (indexing a million symbols takes minutes), otherwise it is built there
 *   --load-seconds N     duration of each load run (default 10, --quick 5)
 *   --only backends  only PostgreSQL vs SQLite: full index of the corpora and the query load, each on both engines
 *                    (default --out: bench/.work/backends.md); --backends adds the same to a full run
 *   --scale-run      adds the scale run (bench/scale-run.ts: PostgreSQL + S3 + workers killed mid-job; minutes)
 *   --only replay    only issue 19's replay of test selection against execution (bench/replay-history.ts; default --out:
 *                    bench/.work/replay-<histories>.md): --replay self,qs,object-inspect,node-gyp picks the histories
 *                    (default all four; node-gyp is gyp's Python history, bench/replay-python.ts), --replay-steps N
 *                    the steps of this repository's own history (default 30),
 *                    --replay-from DIR re-renders a finished run's replay-<name>.json files instead of replaying,
 *                    --replay-baseline BIN also asks another build's `codehub diff` (its bin/codehub.js) on every
 *                    step, over the same snapshots (before/after of the change service),
 *                    --replay-slice FROM:TO only steps FROM..TO-1 (split a history over processes)
 *   --only big       only the real ≥ 2,500-file corpus (BIG_CORPUS in bench/corpora.ts): full index with the peers and
 *                    the incremental rows (1-file body change, exported-signature change, no-op); default --out:
 *                    bench/.work/big.md. A full run includes it (--corpora without viem-stack leaves it out). gitnexus
 *                    runs on it only when --peers names it (its analyze takes tens of minutes there)
 *   --only history   only the storage of real history (bench/history-storage.ts): --history-commits N (default 100)
 *                    first-parent commits of this repository up to a pinned commit, SQLite and PostgreSQL; default
 *                    --out: bench/.work/history.md. A full run includes it
 *   --postgres URL   server for the PostgreSQL runs (its maintenance database; default $CODEHUB_BENCH_PG, else
 *                    postgres://root@127.0.0.1:5432/postgres)
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  benchRoot,
  BIG_CORPUS,
  cloneCorpus,
  commitBodyChange,
  commitSignatureChange,
  commitOneFileChange,
  DEDUPE_PAIR,
  pickMostImportedFile,
  pickSourceFile,
  prepareMonorepoCorpus,
  prepareNpmCorpus,
  prepareSyntheticCorpus,
  REAL_CORPORA,
  searchCorpusShape,
} from './corpora.js';
import type { PreparedCorpus } from './corpora.js';
import {
  setCpuProfileDir,
  codehubUnavailable,
  dataDirSizes,
  indexWithCodehub,
  projectRoot,
  startCodehubServer,
} from './codehub-cli.js';
import type { CodehubRun } from './codehub-cli.js';
import { backendsReport, benchPostgresUrl } from './backends.js';
import { HISTORY_UNTIL, historyTargets, runHistoryStorage } from './history-storage.js';
import { scaleRun, scaleRunOptions } from './scale-run.js';
import { LOAD_QUERIES, loadEveryQuery, searchCorpusSymbol } from './load.js';
import { hasGnuTime, measureCommand, median } from './measure.js';
import { ensurePeersInstalled, peerTools } from './peers.js';
import { pythonSection } from './python-vs-typescript.js';
import { replaySection } from './replay-history.js';
import type { PeerTool } from './peers.js';

interface Options {
  smoke: boolean;
  quick: boolean;
  skipPeers: boolean;
  out: string;
  searchSymbols: number;
  scaleBase: number;
  peers: string[] | null;
  corpora: string[] | null;
  only: 'load' | 'backends' | 'replay' | 'big' | 'history' | null;
  historyCommits: number;
  replay: string[];
  replaySteps: number;
  replayFrom: string | null;
  /** Another build's bin/codehub.js whose selection each replayed step is compared with. */
  replayBaseline: string | null;
  /** Steps from:to (to exclusive) of each history, to split a long replay over processes. */
  replaySlice: [number, number] | null;
  searchData: string | null;
  loadSeconds: number | null;
  backends: boolean;
  scaleRun: boolean;
  postgres: string;
}

function parseArgs(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const smoke = argv.includes('--smoke');
  const only = value('--only') ?? null;
  const sections = ['load', 'backends', 'replay', 'big', 'history'] as const;
  if (only !== null && !(sections as readonly string[]).includes(only))
    throw new Error(
      `--only ${only}: the sections that run alone are ${sections.map((n) => `'${n}'`).join(', ')}`,
    );
  const replay = value('--replay')?.split(',') ?? ['self', 'qs', 'object-inspect', 'node-gyp'];
  return {
    smoke,
    quick: argv.includes('--quick') || smoke,
    skipPeers: argv.includes('--skip-peers'),
    out:
      value('--out') ??
      (smoke
        ? join(benchRoot(), '.work', 'smoke.md')
        : only
          ? join(benchRoot(), '.work', only === 'replay' ? `replay-${replay.join('-')}.md` : `${only}.md`)
          : join(projectRoot(), 'BENCHMARKS.md')),
    searchSymbols: Number(value('--search-symbols') ?? (smoke ? 2_000 : 1_000_000)),
    scaleBase: Number(value('--scale-base') ?? (smoke ? 10 : 500)),
    peers: value('--peers')?.split(',') ?? null,
    corpora: value('--corpora')?.split(',') ?? null,
    only: only as Options['only'],
    historyCommits: Number(value('--history-commits') ?? (smoke ? 3 : 100)),
    searchData: value('--search-data') ?? null,
    loadSeconds: value('--load-seconds') ? Number(value('--load-seconds')) : null,
    backends: argv.includes('--backends') || only === 'backends',
    replay,
    replaySteps: Number(value('--replay-steps') ?? 30),
    replayFrom: value('--replay-from') ?? null,
    replayBaseline: value('--replay-baseline') ?? null,
    replaySlice: (value('--replay-slice')?.split(':').map(Number) as [number, number] | undefined) ?? null,
    scaleRun: argv.includes('--scale-run'),
    postgres: benchPostgresUrl(value('--postgres')),
  };
}

const PENDING = 'pending';

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1);
}
function sec(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}
function rate(count: number, ms: number): string {
  const perSec = count / (ms / 1000);
  return perSec >= 100 ? Math.round(perSec).toLocaleString('en-US') : perSec.toFixed(2);
}
function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 || i === 1 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Median wall/RSS of `reps` runs of `once`; the last run's extra output is kept. */
async function repeat<T extends { wallMs: number; peakRss: number; ok: boolean }>(
  reps: number,
  once: () => Promise<T>,
): Promise<T> {
  const runs: T[] = [];
  for (let i = 0; i < reps; i++) {
    const run = await once();
    runs.push(run);
    if (!run.ok) return run;
  }
  const last = runs[runs.length - 1]!;
  return { ...last, wallMs: median(runs.map((r) => r.wallMs)), peakRss: median(runs.map((r) => r.peakRss)) };
}

interface ToolRun {
  wallMs: number;
  peakRss: number;
  ok: boolean;
  note: string;
  indexBytes: number;
  blobBytes: number;
}

async function runPeer(
  peer: PeerTool,
  corpus: PreparedCorpus,
  workDir: string,
  timeoutMs: number,
): Promise<ToolRun> {
  const repo = join(workDir, 'repo');
  const out = join(workDir, 'out');
  cloneCorpus(corpus, repo);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const cmd = peer.command(repo, out);
  const m = await measureCommand(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, timeoutMs });
  const ok = m.exitCode === 0 && !m.timedOut;
  const lastError = (
    m.stderr
      .trim()
      .split('\n')
      .filter((l) => /error|fail/i.test(l))[0] ??
    m.stderr.trim().split('\n')[0] ??
    ''
  ).slice(0, 160);
  const note = m.timedOut
    ? `timed out after ${sec(timeoutMs)} s`
    : ok
      ? ''
      : `exit ${m.exitCode}: ${lastError}`;
  return {
    wallMs: m.wallMs,
    peakRss: m.peakRss,
    ok,
    note,
    indexBytes: ok ? peer.outputBytes(repo, out) : 0,
    blobBytes: 0,
  };
}

async function runCodehubIndex(
  corpus: PreparedCorpus,
  workDir: string,
  workers?: number,
): Promise<ToolRun & { run: CodehubRun }> {
  const data = join(workDir, 'data');
  rmSync(data, { recursive: true, force: true });
  const run = await indexWithCodehub(
    corpus.dir,
    data,
    `bench/corpus/${corpus.id.replace('@', '-')}`,
    workers,
  );
  const sizes = dataDirSizes(data);
  const ok = run.exitCode === 0 && run.json !== null;
  return {
    wallMs: run.wallMs,
    peakRss: run.peakRss,
    ok,
    note: ok ? '' : `exit ${run.exitCode}: ${run.stderr.trim().split('\n')[0] ?? ''}`,
    indexBytes: sizes.dbBytes,
    blobBytes: sizes.blobBytes,
    run,
  };
}

/** Below this line of the report file, text is written by hand (the analysis of a run) and kept by later runs. */
const HAND_WRITTEN = '<!-- Written by hand below this line; npm run bench keeps it. -->';

/** The report file's hand-written tail (from the marker on), or nothing. */
function handWrittenTail(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const at = text.indexOf(HAND_WRITTEN);
  return at === -1 ? '' : `\n${text.slice(at)}`;
}

/** Source size of the memory step's generated repo (the issue's "peak RSS < 1 GB for 50 MB of source"). */
const MEMORY_TARGET_BYTES = 50e6;

interface Report {
  sections: string[];
  notes: string[];
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const reps = options.quick ? 1 : 3;
  const work = join(
    benchRoot(),
    '.work',
    // One folder per kind of run: smoke runs of different sections run side by side in the test suite, and each
    // wipes its own folder when it starts.
    options.smoke
      ? `smoke-${options.only ?? 'all'}`
      : options.only === 'replay'
        ? `only-replay-${options.replay.join('-')}${options.replaySlice ? `-${options.replaySlice.join('-')}` : ''}`
        : options.only
          ? `only-${options.only}`
          : 'full',
  );
  // Re-rendering a replay reads nothing from the work folder but must not wipe one a running replay uses.
  if (!options.replayFrom) rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const report: Report = { sections: [], notes: [] };
  // The issue's targets, checked against this run's numbers: [target, measured, verdict].
  const targets: string[][] = [];
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  if (process.argv.includes('--cpu-prof')) {
    const dir = join(benchRoot(), '.work', 'profiles');
    mkdirSync(dir, { recursive: true });
    setCpuProfileDir(dir);
    report.notes.push(
      'CPU profiles of every codehub run: bench/.work/profiles/*.cpuprofile (open in Chrome DevTools).',
    );
  }
  const started = Date.now();
  // Each finished section is written at once, so a long run that is stopped still leaves its numbers.
  const addSection = (section: string): void => {
    report.sections.push(section);
    mkdirSync(join(options.out, '..'), { recursive: true });
    writeFileSync(
      options.out,
      `${renderReport(options, report, Date.now() - started)}\n\n_Partial: the run is still going._\n` +
        handWrittenTail(options.out),
    );
  };

  const codehubMissing = await codehubUnavailable();
  if (codehubMissing) {
    log(`codehub rows are pending: ${codehubMissing}`);
    report.notes.push(`codehub rows say "${PENDING}": ${codehubMissing}.`);
  }
  if (!hasGnuTime())
    report.notes.push(
      'GNU time not found at /usr/bin/time (apt-get install -y time): peak RSS is sampled from /proc every 50 ms only.',
    );

  if (options.only === 'load') {
    addSection(await queryLoadSection(options, work, codehubMissing, targets, report));
    if (targets.length > 0)
      addSection(
        '## Targets (issue 8), checked on this run\n\n' + table(['target', 'measured', 'verdict'], targets),
      );
    const markdown = renderReport(options, report, Date.now() - started);
    writeFileSync(options.out, markdown);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${options.out}`);
    return 0;
  }

  if (options.only === 'replay') {
    // The replay runs each suite at every base: its own section, written as each history finishes.
    const markdown = await replaySection({
      histories: options.replay,
      selfSteps: options.replaySteps,
      work,
      partialOut: options.out,
      ...(options.replayFrom ? { from: options.replayFrom } : {}),
      ...(options.replayBaseline ? { baselineBin: resolve(options.replayBaseline) } : {}),
      ...(options.replaySlice ? { slice: options.replaySlice } : {}),
    });
    writeFileSync(options.out, `${markdown}\n`);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${options.out}`);
    return 0;
  }

  if (options.only === 'backends') {
    await backendsSections(options, work, codehubMissing, reps, targets, addSection);
    if (options.scaleRun) addSection(await scaleRun(scaleRunOptions(process.argv.slice(2), log)));
    if (targets.length > 0)
      addSection(
        '## Targets (issue 15), checked on this run\n\n' + table(['target', 'measured', 'verdict'], targets),
      );
    const markdown = renderReport(options, report, Date.now() - started);
    writeFileSync(options.out, markdown);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${options.out}`);
    return 0;
  }

  if (options.only === 'history') {
    const history = await historySection(options, work, codehubMissing);
    addSection(history.section);
    if (history.targets.length > 0)
      addSection(
        '## Targets (issue 16), checked on this run\n\n' +
          table(['target', 'measured', 'verdict'], history.targets),
      );
    const markdown = renderReport(options, report, Date.now() - started);
    writeFileSync(options.out, markdown);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${options.out}`);
    return 0;
  }

  // Corpora.
  log('preparing corpora');
  const onlyBig = options.only === 'big';
  // The real ≥ 2,500-file corpus: in every full run (unless --corpora leaves it out), never in --smoke.
  const bigCorpus =
    onlyBig || (!options.smoke && (!options.corpora || options.corpora.includes(BIG_CORPUS.name)))
      ? prepareMonorepoCorpus(BIG_CORPUS)
      : null;
  const npmCorpora: PreparedCorpus[] = options.smoke
    ? [prepareSyntheticCorpus({ files: 20, seed: 1 })]
    : onlyBig
      ? []
      : REAL_CORPORA.filter((spec) => !options.corpora || options.corpora.includes(spec.name)).map((spec) =>
          prepareNpmCorpus(spec),
        );
  const corpora: PreparedCorpus[] = [...npmCorpora, ...(bigCorpus ? [bigCorpus] : [])];
  const dedupeBase = onlyBig
    ? null
    : options.smoke
      ? prepareSyntheticCorpus({ files: 16, seed: 1 })
      : prepareNpmCorpus(DEDUPE_PAIR.base);
  const dedupeNext = options.smoke ? corpora[0]! : onlyBig ? null : prepareNpmCorpus(DEDUPE_PAIR.next);
  addSection(
    '## Corpora\n\n' +
      table(
        ['corpus', 'source', '.ts files', 'MB', 'lines', 'commit'],
        [...corpora, ...(dedupeBase ? [dedupeBase] : [])].map((c) => [
          c.id,
          c.id.startsWith('synthetic')
            ? 'generated (seeded)'
            : c === bigCorpus
              ? `npm registry: ${BIG_CORPUS.packages.length} packages as a monorepo`
              : 'npm registry',
          String(c.files),
          mb(c.bytes),
          c.loc.toLocaleString('en-US'),
          c.commit.slice(0, 12),
        ]),
      ),
  );

  // Peers.
  let peers = peerTools();
  if (options.smoke) peers = peers.filter((p) => p.name === 'ctags');
  else if (!options.skipPeers) {
    const installError = ensurePeersInstalled();
    if (installError) report.notes.push(installError);
  }
  if (options.skipPeers) peers = [];
  if (options.peers) peers = peers.filter((p) => options.peers!.includes(p.name));

  // Full index.
  const fullRows: string[][] = [];
  const peerTimeout = options.smoke ? 60_000 : 20 * 60_000;
  // codehub's full-index wall time per corpus in this run (the incremental targets are shares of it).
  const fullIndexMs = new Map<string, number>();
  for (const corpus of corpora) {
    const fullRow = (tool: string, r: ToolRun | null, ours: number | null): string[] => {
      if (!r)
        return [corpus.id, tool, PENDING, PENDING, PENDING, PENDING, PENDING, PENDING, PENDING, PENDING];
      if (!r.ok) return [corpus.id, tool, `failed: ${r.note}`, '', '', '', '', '', '', ''];
      return [
        corpus.id,
        tool,
        sec(r.wallMs),
        rate(corpus.files, r.wallMs),
        (corpus.bytes / 1e6 / (r.wallMs / 1000)).toFixed(2),
        rate(corpus.loc, r.wallMs),
        mb(r.peakRss),
        r.indexBytes ? mb(r.indexBytes) : '–',
        r.blobBytes ? `${mb(r.blobBytes)} / ${mb(corpus.bytes)}` : '–',
        ours === null ? '–' : `${(ours / r.wallMs).toFixed(2)}`,
      ];
    };
    let ours: ToolRun | null = null;
    if (!codehubMissing) {
      log(`codehub index ${corpus.id}`);
      ours = await repeat(reps, () => runCodehubIndex(corpus, join(work, 'codehub', corpus.id)));
    }
    fullRows.push(fullRow('codehub', ours, null));
    if (ours?.ok) fullIndexMs.set(corpus.id, ours.wallMs);
    for (const peer of peers) {
      const why =
        corpus === bigCorpus && peer.name === 'gitnexus' && !options.peers?.includes('gitnexus')
          ? 'skipped on this corpus (tens of minutes; --peers gitnexus runs it)'
          : peer.unavailable();
      if (why) {
        fullRows.push([corpus.id, peer.name, `not run: ${why}`, '', '', '', '', '', '', '']);
        continue;
      }
      log(`${peer.name} on ${corpus.id}`);
      // Slow peers (maxReps 1) run once per corpus; the others give a median of `reps`.
      const r = await repeat(Math.min(reps, peer.maxReps), () =>
        runPeer(peer, corpus, join(work, peer.name, corpus.id), peerTimeout),
      );
      fullRows.push(fullRow(peer.name, r, ours?.ok ? ours.wallMs : null));
      const want: Record<string, [string, (speedUp: number) => boolean]> = {
        codegraph: ['≥ 2× faster than codegraph', (x) => x >= 2],
        'scip-typescript': ['≥ 10× faster than scip-typescript', (x) => x >= 10],
        ctags: ['within 3× of ctags time', (x) => x >= 1 / 3],
      };
      const w = want[peer.name];
      if (w && ours?.ok && r.ok && !options.smoke) {
        const speedUp = r.wallMs / ours.wallMs;
        targets.push([
          `full index ${corpus.id}: ${w[0]}`,
          `${sec(ours.wallMs)} s vs ${sec(r.wallMs)} s = ${speedUp >= 1 ? `${speedUp.toFixed(2)}× faster` : `${(1 / speedUp).toFixed(2)}× slower`}`,
          verdict(w[1](speedUp)),
        ]);
      }
    }
    if (options.smoke) {
      for (const name of ['codegraph', 'scip-typescript', 'gitnexus'])
        fullRows.push([corpus.id, name, 'skipped in --smoke', '', '', '', '', '', '', '']);
    }
  }
  addSection(
    `## Full index (${
      reps === 1
        ? 'one run'
        : `median of ${reps}; ${
            peers
              .filter((p) => p.maxReps < reps)
              .map((p) => p.name)
              .join(', ') || 'no peer'
          }: one run`
    })\n\n` +
      'Ratio = codehub wall time / peer wall time on the same corpus in this run (below 1 means codehub is faster).\n\n' +
      table(
        [
          'corpus',
          'tool',
          'wall s',
          'files/s',
          'MB/s',
          'LOC/s',
          'peak RSS MB',
          'index MB',
          'blobs MB / raw MB',
          'ours/peer',
        ],
        fullRows,
      ),
  );

  // Dedupe.
  const dedupeRows: string[][] = [];
  if (!dedupeBase || !dedupeNext) {
    // --only big: no dedupe pair.
  } else if (codehubMissing) {
    dedupeRows.push([`${dedupeBase.id} → ${dedupeNext.id}`, PENDING, PENDING, PENDING, PENDING]);
  } else {
    log('dedupe');
    const data = join(work, 'dedupe', 'data');
    const first = await indexWithCodehub(dedupeBase.dir, data, 'bench/dedupe/base');
    const afterFirst = dataDirSizes(data);
    const second = await indexWithCodehub(dedupeNext.dir, data, 'bench/dedupe/next');
    const afterSecond = dataDirSizes(data);
    const ok = first.exitCode === 0 && second.exitCode === 0;
    const growth = afterSecond.blobBytes - afterFirst.blobBytes;
    dedupeRows.push(
      ok
        ? [
            `${dedupeBase.id} → ${dedupeNext.id}`,
            mb(afterFirst.blobBytes),
            mb(growth),
            mb(dedupeNext.bytes),
            `${((growth / dedupeNext.bytes) * 100).toFixed(1)} %`,
          ]
        : [
            `${dedupeBase.id} → ${dedupeNext.id}`,
            `failed: ${(first.exitCode === 0 ? second : first).stderr.split('\n')[0] ?? ''}`,
            '',
            '',
            '',
          ],
    );
  }
  if (dedupeRows.length > 0)
    addSection(
      '## Dedupe (second version of the same code base into the same data folder)\n\n' +
        table(
          ['versions', 'blob store after 1st MB', 'growth on 2nd MB', 'raw bytes of 2nd MB', 'growth / raw'],
          dedupeRows,
        ),
    );

  // Incremental: the biggest npm corpus and a 2,000-file synthetic repo (the issue's target size) get a 1-file change
  // that adds a function; the real ≥ 2,500-file corpus gets a 1-file body change and an exported-signature change.
  const incRows: string[][] = [];
  const biggest = [...npmCorpora].sort((a, b) => b.files - a.files)[0];
  const incCorpora = options.smoke
    ? [biggest!]
    : onlyBig
      ? []
      : [...(biggest ? [biggest] : []), prepareSyntheticCorpus({ files: 2000, seed: 1 })];
  for (const incCorpus of incCorpora) await incremental(incCorpus, 'append');
  if (bigCorpus) await incremental(bigCorpus, 'body', 'signature');
  async function incremental(
    corpus: PreparedCorpus,
    ...kinds: Array<'append' | 'body' | 'signature'>
  ): Promise<void> {
    const label = (kind: string, file: string): string =>
      kind === 'append'
        ? `1-file change (new commit, ${file})`
        : kind === 'body'
          ? `1-file body change (${file})`
          : `exported-signature change (${file})`;
    if (codehubMissing) {
      for (const kind of kinds) incRows.push([corpus.id, label(kind, '…'), PENDING, PENDING]);
      incRows.push([corpus.id, 'no-op re-index', PENDING, PENDING]);
      return;
    }
    log(`incremental ${corpus.id}`);
    const repo = join(work, 'incremental', corpus.id, 'repo');
    const data = join(work, 'incremental', corpus.id, 'data');
    cloneCorpus(corpus, repo);
    await indexWithCodehub(repo, data, 'bench/incremental/repo');
    const changed = kinds.includes('append') ? pickSourceFile(repo) : pickMostImportedFile(repo);
    const noopRuns: number[] = [];
    const noopRss: number[] = [];
    let failure = '';
    let serial = 0;
    const measured: Array<{ kind: string; runs: number[]; rss: number[] }> = [];
    for (const kind of kinds) {
      const runs: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < reps && !failure; i++) {
        serial++;
        if (kind === 'append') commitOneFileChange(repo, changed, serial);
        else if (kind === 'body') commitBodyChange(repo, changed, serial);
        else commitSignatureChange(repo, changed, serial);
        const change = await indexWithCodehub(repo, data, 'bench/incremental/repo');
        const noop = await indexWithCodehub(repo, data, 'bench/incremental/repo');
        if (change.exitCode !== 0 || noop.exitCode !== 0)
          failure = (change.exitCode !== 0 ? change : noop).stderr.split('\n')[0] ?? '';
        runs.push(change.wallMs);
        rss.push(change.peakRss);
        noopRuns.push(noop.wallMs);
        noopRss.push(noop.peakRss);
      }
      measured.push({ kind, runs, rss });
    }
    if (failure) {
      incRows.push([corpus.id, 'incremental', `failed: ${failure}`, '']);
      return;
    }
    for (const m of measured)
      incRows.push([corpus.id, label(m.kind, changed), sec(median(m.runs)), mb(median(m.rss))]);
    incRows.push([corpus.id, 'no-op re-index', sec(median(noopRuns)), mb(median(noopRss))]);
    if (options.smoke) return;
    const full = fullIndexMs.get(corpus.id);
    for (const m of measured) {
      const ms = median(m.runs);
      if (m.kind === 'append')
        targets.push([`1-file change < 1 s (${corpus.files} files)`, `${sec(ms)} s`, verdict(ms < 1000)]);
      else if (m.kind === 'body')
        targets.push([
          `1-file body change on ${corpus.id} (${corpus.files} files): < 1 s and ≤ 5 % of its full index`,
          full === undefined
            ? `${sec(ms)} s (no full index of it in this run)`
            : `${sec(ms)} s = ${((100 * ms) / full).toFixed(1)} % of ${sec(full)} s`,
          verdict(ms < 1000 && (full === undefined || ms <= 0.05 * full)),
        ]);
    }
    targets.push([
      `no-op re-index < 0.3 s (${corpus.files} files)`,
      `${sec(median(noopRuns))} s`,
      verdict(median(noopRuns) < 300),
    ]);
  }
  addSection('## Incremental re-index\n\n' + table(['corpus', 'step', 'wall s', 'peak RSS MB'], incRows));

  if (onlyBig) {
    if (targets.length > 0)
      addSection(
        '## Targets (issue 16), checked on this run\n\n' + table(['target', 'measured', 'verdict'], targets),
      );
    const markdown = renderReport(options, report, Date.now() - started);
    writeFileSync(options.out, markdown);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${options.out}`);
    return 0;
  }

  addSection(await queryLoadSection(options, work, codehubMissing, targets, report));

  // Scale curve.
  const baseFiles = options.scaleBase;
  const scaleRows: string[][] = [];
  const ctags = peerTools().find((p) => p.name === 'ctags')!;
  let oursBase: ToolRun | null = null;
  let ctagsBase: ToolRun | null = null;
  for (const factor of [1, 2, 4, 8]) {
    const corpus = prepareSyntheticCorpus({ files: baseFiles * factor, seed: 1 });
    log(`scale ${factor}× (${corpus.files} files)`);
    const ratio = (r: ToolRun, base: ToolRun | null): string =>
      base && base.ok ? (r.wallMs / base.wallMs / factor).toFixed(2) : '–';
    if (codehubMissing)
      scaleRows.push([
        `${factor}×`,
        String(corpus.files),
        corpus.loc.toLocaleString('en-US'),
        PENDING,
        PENDING,
        PENDING,
      ]);
    else {
      const r = await repeat(reps, () => runCodehubIndex(corpus, join(work, 'scale', `${factor}`)));
      oursBase ??= r;
      scaleRows.push([
        `${factor}×`,
        String(corpus.files),
        corpus.loc.toLocaleString('en-US'),
        r.ok ? sec(r.wallMs) : `failed: ${r.note}`,
        r.ok ? mb(r.peakRss) : '',
        r.ok ? ratio(r, oursBase) : '',
      ]);
    }
    if (!ctags.unavailable()) {
      const c = await repeat(reps, () =>
        runPeer(ctags, corpus, join(work, 'scale-ctags', `${factor}`), peerTimeout),
      );
      ctagsBase ??= c;
      scaleRows.push([
        `${factor}× (ctags)`,
        String(corpus.files),
        corpus.loc.toLocaleString('en-US'),
        c.ok ? sec(c.wallMs) : `failed: ${c.note}`,
        c.ok ? mb(c.peakRss) : '',
        c.ok ? ratio(c, ctagsBase) : '',
      ]);
    }
  }
  addSection(
    `## Scale curve (synthetic, ${baseFiles} files at 1×)\n\nGrowth = (time at k×) / (time at 1×) / k: 1.00 is linear, above 1 is worse than linear.\n\n` +
      table(['size', 'files', 'lines', 'wall s', 'peak RSS MB', 'growth'], scaleRows),
  );

  // Memory: one index of a generated repo of at least 50 MB of source, measured rather than extrapolated.
  if (!options.smoke && !codehubMissing) {
    const base = prepareSyntheticCorpus({ files: baseFiles, seed: 1 });
    const big = prepareSyntheticCorpus({
      files: Math.ceil((MEMORY_TARGET_BYTES / base.bytes) * base.files),
      seed: 1,
    });
    log(`memory: ${big.files} files, ${mb(big.bytes)} MB`);
    const r = await runCodehubIndex(big, join(work, 'memory'));
    addSection(
      '## Memory on 50 MB of source (one run)\n\n' +
        table(
          ['corpus', 'files', 'MB', 'lines', 'wall s', 'MB/s', 'peak RSS MB'],
          [
            [
              big.id,
              String(big.files),
              mb(big.bytes),
              big.loc.toLocaleString('en-US'),
              r.ok ? sec(r.wallMs) : `failed: ${r.note}`,
              r.ok ? (big.bytes / 1e6 / (r.wallMs / 1000)).toFixed(2) : '',
              r.ok ? mb(r.peakRss) : '',
            ],
          ],
        ),
    );
    if (r.ok)
      targets.push([
        'peak RSS < 1 GB for 50 MB of source',
        `${mb(r.peakRss)} MB indexing ${mb(big.bytes)} MB (${big.files} files)`,
        verdict(r.peakRss < 1e9),
      ]);
  }

  // Workers.
  const n = Math.max(2, cpus().length);
  const workerRows: string[][] = [];
  for (const corpus of incCorpora) {
    if (codehubMissing) {
      workerRows.push([corpus.id, PENDING, PENDING, PENDING]);
      continue;
    }
    log(`workers ${corpus.id}`);
    const dir = join(work, 'workers', corpus.id);
    const one = await repeat(reps, () => runCodehubIndex(corpus, join(dir, '1'), 1));
    const many = await repeat(reps, () => runCodehubIndex(corpus, join(dir, String(n)), n));
    workerRows.push(
      one.ok && many.ok
        ? [corpus.id, sec(one.wallMs), sec(many.wallMs), `${(one.wallMs / many.wallMs).toFixed(2)}×`]
        : [
            corpus.id,
            one.ok ? sec(one.wallMs) : `failed: ${one.note}`,
            many.ok ? sec(many.wallMs) : `failed: ${many.note}`,
            '',
          ],
    );
  }
  addSection(
    `## Workers (1 vs ${n})\n\n` +
      table(['corpus', 'wall s, 1 worker', `wall s, ${n} workers`, 'speed-up'], workerRows),
  );

  // Issue 14: Python indexing against TypeScript of the same size, and Python extraction speed.
  log('python vs typescript');
  const python = await pythonSection(options.smoke ? 20 : 2000, reps, join(work, 'python'), {
    realCorpora: !options.smoke,
  });
  addSection(python.markdown);
  targets.push(...python.targets);

  // Issue 16: a real history replayed into one store.
  if (!options.smoke) {
    const history = await historySection(options, work, codehubMissing);
    addSection(history.section);
    targets.push(...history.targets);
  }

  if (targets.length > 0)
    addSection(
      '## Targets (issue 8), checked on this run\n\n' + table(['target', 'measured', 'verdict'], targets),
    );

  if (options.scaleRun) addSection(await scaleRun(scaleRunOptions(process.argv.slice(2), log)));

  if (options.backends) {
    const backendTargets: string[][] = [];
    await backendsSections(options, work, codehubMissing, reps, backendTargets, addSection);
    if (backendTargets.length > 0)
      addSection(
        '## Targets (issue 15), checked on this run\n\n' +
          table(['target', 'measured', 'verdict'], backendTargets),
      );
  }

  const markdown = renderReport(options, report, Date.now() - started);
  mkdirSync(join(options.out, '..'), { recursive: true });
  writeFileSync(options.out, markdown + handWrittenTail(options.out));
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${options.out}`);
  return 0;
}

/**
 * Issue 16's history storage (bench/history-storage.ts): this repository's last `--history-commits` first-parent
 * commits up to a pinned commit, into SQLite and into PostgreSQL (skipped with its reason when the server is down).
 */
async function historySection(
  options: Options,
  work: string,
  codehubMissing: string | null,
): Promise<{ section: string; targets: string[][] }> {
  const title = `## ${options.historyCommits} commits of real history in one store (issue 16)`;
  if (codehubMissing) return { section: `${title}\n\n${PENDING}: ${codehubMissing}`, targets: [] };
  let postgres: string | null = options.postgres;
  let note = '';
  try {
    const client = new pg.Client({ connectionString: postgres });
    await client.connect();
    await client.end();
  } catch (err) {
    note = `\n\nPostgreSQL rows skipped: ${postgres} did not answer (${err instanceof Error ? err.message : String(err)}).`;
    postgres = null;
  }
  try {
    const result = await runHistoryStorage({
      repo: projectRoot(),
      until: HISTORY_UNTIL,
      commits: options.historyCommits,
      postgres,
      work: join(work, 'history'),
      log,
    });
    return { section: result.section + note, targets: historyTargets(result) };
  } catch (err) {
    return {
      section: `${title}\n\nnot run: ${err instanceof Error ? err.message : String(err)}`,
      targets: [],
    };
  }
}

/** PostgreSQL vs SQLite (bench/backends.ts): each section is added as it is done. */
async function backendsSections(
  options: Options,
  work: string,
  codehubMissing: string | null,
  reps: number,
  targets: string[][],
  addSection: (section: string) => void,
): Promise<void> {
  if (codehubMissing) {
    addSection(`## PostgreSQL vs SQLite\n\n${PENDING}: ${codehubMissing}`);
    return;
  }
  const corpora = options.smoke
    ? [prepareSyntheticCorpus({ files: 20, seed: 1 })]
    : REAL_CORPORA.filter((spec) => !options.corpora || options.corpora.includes(spec.name)).map((spec) =>
        prepareNpmCorpus(spec),
      );
  const result = await backendsReport({
    postgres: options.postgres,
    corpora,
    reps,
    searchSymbols: options.searchSymbols,
    searchData: options.searchData,
    loadBound: {
      connections: options.smoke ? 2 : 16,
      ...(options.smoke ? { amount: 40 } : { durationSec: options.loadSeconds ?? (options.quick ? 5 : 10) }),
    },
    work: join(work, 'backends'),
    log,
  });
  for (const section of result.sections) addSection(section);
  targets.push(...result.targets);
}

/**
 * Query load on the search-size synthetic corpus (symbol page, /api/v1 symbol, MCP get_symbol/get_callers, search):
 * returns the section's Markdown; target rows go to `targets`, notes to `report`.
 */
async function queryLoadSection(
  options: Options,
  work: string,
  codehubMissing: string | null,
  targets: string[][],
  report: Report,
): Promise<string> {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  const loadSeconds = options.loadSeconds ?? (options.quick ? 5 : 10);
  const searchFiles = Math.ceil(options.searchSymbols / 100);
  const loadLabels = LOAD_QUERIES;
  const loadRows: string[][] = [];
  const searchShape = searchCorpusShape(options.searchSymbols);
  // Generated only when codehub can index it (about 1.1 million lines, 90 MB at the default size).
  const searchCorpus = codehubMissing
    ? { id: `synthetic-${searchFiles}-s3-k100c`, files: searchFiles, symbols: searchFiles * 100, dir: '' }
    : prepareSyntheticCorpus(searchShape);
  const searchName = 'bench/synthetic/search';
  if (codehubMissing) {
    for (const label of loadLabels) loadRows.push([label, PENDING, PENDING, PENDING, PENDING, '']);
  } else {
    log(`query load: indexing ${searchCorpus.symbols.toLocaleString('en-US')} symbols`);
    const data = options.searchData ?? join(work, 'search', 'data');
    // An index of this very corpus (same id = same generator shape and seed) left by an earlier --search-data run.
    const marker = join(data, `.bench-indexed-${searchCorpus.id}`);
    const reused = options.searchData !== null && existsSync(marker);
    if (reused) log(`query load: reusing the index in ${data}`);
    const indexed = reused
      ? { exitCode: 0, stderr: '' }
      : await indexWithCodehub(searchCorpus.dir, data, searchName);
    if (indexed.exitCode === 0 && !reused) writeFileSync(marker, `${new Date().toISOString()}\n`);
    if (indexed.exitCode !== 0) {
      for (const label of loadLabels)
        loadRows.push([label, `failed to index: ${indexed.stderr.split('\n')[0] ?? ''}`, '', '', '', '']);
    } else {
      const server = await startCodehubServer(data);
      try {
        const symbolId = await searchCorpusSymbol(server.url, searchName, searchFiles);
        const bound = {
          connections: options.smoke ? 2 : 16,
          ...(options.smoke ? { amount: 40 } : { durationSec: loadSeconds }),
        };
        log('query load');
        for (const row of await loadEveryQuery(server.url, searchName, symbolId, bound)) {
          const r = row.result;
          if (!r) {
            loadRows.push([row.label, `failed: ${(row.error ?? '').slice(0, 160)}`, '', '', '', '']);
            continue;
          }
          if ((row.label === 'symbol page HTML' || row.label === 'MCP get_symbol') && !options.smoke)
            targets.push([
              `${row.label}: p99 < 20 ms at ≥ 1,000 req/s`,
              `p99 ${r.p99Ms} ms at ${Math.round(r.reqPerSec).toLocaleString('en-US')} req/s`,
              verdict(r.p99Ms < 20 && r.reqPerSec >= 1000),
            ]);
          loadRows.push([
            row.label,
            Math.round(r.reqPerSec).toLocaleString('en-US'),
            String(r.p50Ms),
            String(r.p99Ms),
            `${r.requests} req, ${r.non2xx} non-2xx, ${r.errors} errors`,
            loadavg()[0]!.toFixed(1),
          ]);
        }
        report.notes.push(`Server RSS after the load: ${mb(server.rss())} MB.`);
      } finally {
        await server.stop();
      }
    }
  }
  return (
    `## Queries under load (loopback, autocannon, ${options.smoke ? '2 connections, 40 requests' : `16 connections, ${loadSeconds} s each`}; ` +
    `corpus ${searchCorpus.id}: ${searchCorpus.files.toLocaleString('en-US')} files, ${searchCorpus.symbols.toLocaleString('en-US')} symbols)\n\n` +
    table(['query', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'load avg (1 min)'], loadRows)
  );
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let os = process.platform;
  try {
    os = (readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="([^"]+)"/)?.[1] ??
      os) as NodeJS.Platform;
  } catch {
    // not Linux
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os}, Node ${process.version}; load average at the end ${load} (1/5/15 min)`;
}

function gitVersion(): string {
  try {
    return execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'git not found';
  }
}

function renderReport(options: Options, report: Report, elapsedMs: number): string {
  const peerLines = peerTools().map((p) => `- ${p.name}: ${p.version} — ${p.does}`);
  const corpusLines = [...REAL_CORPORA, DEDUPE_PAIR.base].map(
    (c) => `- \`${c.pkg}@${c.version}\` — ${c.note}`,
  );
  return [
    '# Benchmarks',
    '',
    options.smoke ? '_Smoke run (tiny synthetic corpus, one repetition): numbers here mean nothing._' : '',
    `Reproduce: \`npm run bench\` (\`-- --quick\` for one repetition instead of a median of 3). The harness builds the corpora`,
    'under `bench/.corpora/` from the npm registry (cached), installs the pinned peers into `bench/node_modules` when missing,',
    'and rewrites this file. The query-load section alone: `npm run bench -- --only load [--search-data DIR]` (writes',
    '`bench/.work/load.md`; with `--search-data` the million-symbol index is built once and reused by later runs).',
    'The real 2,713-file corpus alone (full index with peers, body and signature changes): `--only big`; the storage of',
    "this repository's last 100 commits in one store: `--only history` (both are part of a full run).",
    '',
    `Machine: ${machine()}; ${gitVersion()}. Run took ${sec(elapsedMs)} s.`,
    '',
    'Pinned corpora (only the non-declaration `.ts` sources of each tarball, plus its package.json and a generated',
    'tsconfig.json, committed with a fixed author and date so the commit sha is the same everywhere):',
    ...corpusLines,
    `- \`${BIG_CORPUS.name}@${BIG_CORPUS.version}\` — ${BIG_CORPUS.note}: ${BIG_CORPUS.packages.map((p) => `${p.pkg}@${p.version}`).join(', ')}; each under \`packages/<npm name>/\` with its own package.json, a root package.json declaring them as workspaces and a tsconfig.json whose \`paths\` map each package's exported entry points to their sources.`,
    '- synthetic repositories: seeded generator in `bench/corpora.ts` (classes, cross-file imports and calls).',
    '',
    'Peers (dev-only, `bench/package.json`):',
    ...peerLines,
    '',
    'Offline notes: the network here is the npm registry only. gitnexus tries to download its LadybugDB full-text-search',
    'extension at run time; that fails, and it indexes without full-text search. Its onnxruntime-node dependency (embeddings,',
    'not used by `analyze`) fails its postinstall download; the install still completes. better-sqlite3 (codegraph) has no',
    'prebuilt download here and is compiled from source by `npm install` (needs a C++ toolchain; minutes on 2 cores).',
    '',
    "Peak RSS is the peak of the whole process tree (sum of /proc RSS sampled every 50 ms, or GNU time's max RSS if larger).",
    '',
    ...report.sections.flatMap((s) => [s, '']),
    ...(report.notes.length ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
