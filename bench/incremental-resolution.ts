/**
 * Incremental resolution (issue 16): a 1-file body change and a 1-file exported-signature change, each indexed as the
 * next commit of an indexed repository (in this process, warm facts cache), against a from-scratch index of the same
 * commit into an empty data dir. The repository is the generated one (bench/corpora.ts) plus one vitest file per ten
 * source files (so tested-by has work to do). Per step: wall time and where it went (the indexer's phases).
 *
 *   npx tsc -p . && node dist/bench/incremental-resolution.js [--files 2000] [--rounds 3] [--data-root DIR]
 *
 * Every ratio of a row is measured in one run (same machine load); the load average is printed with the table.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { indexRepository, type IndexResult } from '../src/service/indexer.js';
import { flushResolutionMemos } from '../src/service/resolution-memo.js';
import { cloneCorpus, FIXED_GIT_ENV, prepareSyntheticCorpus, syntheticPath } from './corpora.js';
import { addTests } from './synthetic-tests.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    'data-root': { type: 'string' },
    /** Profile the incremental indexes (CPU, in process) and print where their time went. */
    profile: { type: 'boolean', default: false },
    /** Another build's dist/src/service/indexer.js: its incremental index of each commit is measured alongside. */
    before: { type: 'string' },
  },
});
const files = Number(values.files);
const rounds = Number(values.rounds);

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...FIXED_GIT_ENV },
    encoding: 'utf8',
  }).trim();
}

function commitAll(dir: string, message: string): string {
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

/** A body change: one function's returned expression changes (same lines, same calls). */
function bodyChange(dir: string, i: number, serial: number): void {
  const path = join(dir, syntheticPath(i));
  const text = readFileSync(path, 'utf8');
  const next = text.replace(/value \* \d+;/, `value * ${serial + 2};`);
  if (next === text) throw new Error(`no body to change in ${syntheticPath(i)}`);
  writeFileSync(path, next);
}

/** An exported-signature change: the file's first helper gains a defaulted parameter (its importers still compile). */
function signatureChange(dir: string, i: number, serial: number): void {
  const path = join(dir, syntheticPath(i));
  const text = readFileSync(path, 'utf8');
  const next = text.replace(
    new RegExp(`export function helper${i}_0\\(value: number(, extra\\d+ = \\d+)?\\)`),
    `export function helper${i}_0(value: number, extra${serial} = ${serial})`,
  );
  if (next === text) throw new Error(`no signature to change in ${syntheticPath(i)}`);
  writeFileSync(path, next);
}

interface Timed {
  ms: number;
  phases: Record<string, number>;
  result: IndexResult;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Functions whose inclusive time the profile summary reports (the indexer's stages). */
const STAGES = [
  'ingest',
  'analyse',
  'buildSnapshot',
  'resolveRepo',
  'reusable',
  'computeTestReach',
  'snapshotRows',
  'publishSnapshotSuperseding',
  'loadResolutionMemo',
  'RepoResolver',
  'run',
  'digestOf',
  'surfaceOf',
  'listTree',
  'createAnalyser',
];

/** Inclusive milliseconds per stage function and the top self-time functions of one CPU profile. */
function summarise(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000));
  const inclusive = new Map<string, number>();
  const selfByName = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const label = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}`;
    selfByName.set(label, (selfByName.get(label) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (STAGES.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...selfByName].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return [
    `  profiled ${total.toFixed(0)} ms; inclusive: ${STAGES.filter((s) => inclusive.has(s))
      .map((s) => `${s} ${inclusive.get(s)!.toFixed(0)}`)
      .join(', ')}`,
    `  top self: ${top.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join('; ')}`,
  ].join('\n');
}

async function profiled<T>(run: () => Promise<T>): Promise<{ value: T; summary: string }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    const value = await run();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { value, summary: summarise(profile) };
  } finally {
    session.disconnect();
  }
}

type Indexer = typeof indexRepository;

async function timedIndex(
  dataDir: string,
  source: string,
  name: string,
  indexer: Indexer = indexRepository,
): Promise<Timed> {
  const marks: Array<[string, number]> = [['reading', performance.now()]];
  const started = marks[0]![1];
  const result = await indexer({
    dataDir,
    source,
    name,
    onProgress: (p) => {
      if (marks[marks.length - 1]![0] !== p.phase) marks.push([p.phase, performance.now()]);
    },
  });
  // The memo file is written once the index has returned: counted here, where the process pays for it.
  if (indexer === indexRepository) flushResolutionMemos();
  const ended = performance.now();
  const phases: Record<string, number> = {};
  marks.forEach(([phase, at], k) => {
    phases[phase] = (phases[phase] ?? 0) + ((marks[k + 1]?.[1] ?? ended) - at);
  });
  return { ms: ended - started, phases, result };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (ms: number): string => (ms / 1000).toFixed(2);
const phaseText = (t: Timed): string =>
  ['reading', 'resolving', 'writing'].map((p) => fmt(t.phases[p] ?? 0)).join(' / ');

async function main(): Promise<void> {
  const scratch = values['data-root'] ?? mkdtempSync(join(tmpdir(), 'codehub-incr-bench-'));
  mkdirSync(scratch, { recursive: true });
  try {
    const corpus = prepareSyntheticCorpus({ files, seed: 1 });
    const repo = join(scratch, 'repo');
    cloneCorpus(corpus, repo);
    addTests(repo, files);
    commitAll(repo, 'bench: tests');
    const name = `bench.example/o/incr-${files}`;
    const warm = join(scratch, 'warm');
    await timedIndex(warm, repo, name); // the warm data dir's first snapshot (facts cache filled)
    const before = values.before
      ? ((await import(pathToFileURL(resolve(values.before)).href)) as { indexRepository: Indexer })
          .indexRepository
      : null;
    const warmBefore = join(scratch, 'warm-before');
    if (before) await timedIndex(warmBefore, repo, name, before);
    const changed = Math.floor(files / 2) + 1;
    const rows: string[] = [];
    // The signature change is made once in the middle file and once in file 1, which many files import.
    const importers = (i: number): number => {
      // `git grep -l` exits 1 when nothing matches.
      const r = spawnSync('git', ['grep', '-l', `module${String(i).padStart(5, '0')}.js'`], {
        cwd: repo,
        encoding: 'utf8',
      });
      return r.stdout.split('\n').filter(Boolean).length;
    };
    const steps = [
      { kind: 'body' as const, file: changed },
      { kind: 'signature' as const, file: changed },
      { kind: 'signature' as const, file: 1 },
    ];
    for (const { kind, file: target } of steps) {
      const label = `${kind}, file ${target} (${importers(target)} files import it)`;
      const incremental: Timed[] = [];
      const previous: Timed[] = [];
      const full: Timed[] = [];
      for (let r = 1; r <= rounds; r++) {
        (kind === 'body' ? bodyChange : signatureChange)(
          repo,
          target,
          r + (kind === 'body' ? 0 : 100 * target),
        );
        commitAll(repo, `bench: ${kind} change ${r}`);
        if (values.profile) {
          const { value, summary } = await profiled(() => timedIndex(warm, repo, name));
          incremental.push(value);
          process.stderr.write(`${label} change ${r}: ${fmt(value.ms)} s\n${summary}\n`);
        } else incremental.push(await timedIndex(warm, repo, name));
        if (before && values.profile) {
          const { value, summary } = await profiled(() => timedIndex(warmBefore, repo, name, before));
          previous.push(value);
          process.stderr.write(`before: ${label} change ${r}: ${fmt(value.ms)} s\n${summary}\n`);
        } else if (before) previous.push(await timedIndex(warmBefore, repo, name, before));
        const fresh = join(scratch, `fresh-${kind}-${r}`);
        full.push(await timedIndex(fresh, repo, name));
        rmSync(fresh, { recursive: true, force: true });
      }
      const inc = median(incremental.map((t) => t.ms));
      const ful = median(full.map((t) => t.ms));
      const mid = (ts: Timed[]): Timed => [...ts].sort((a, b) => a.ms - b.ms)[Math.floor(ts.length / 2)]!;
      const prev = previous.length > 0 ? median(previous.map((t) => t.ms)) : null;
      const last = mid(incremental).result;
      rows.push(
        `| ${label} | ${fmt(ful)} (${phaseText(mid(full))}) | ${prev === null ? '–' : `${fmt(prev)} (${phaseText(mid(previous))}) = ${((100 * prev) / ful).toFixed(1)} %`} | ${fmt(inc)} (${phaseText(mid(incremental))}) | ${((100 * inc) / ful).toFixed(1)} % | ${last.analysedFiles} analysed, ${last.reusedResolutions ?? 0} of ${last.files} resolutions reused, ${last.edges} edges, ${last.testLinks} test links |`,
      );
    }
    process.stdout.write(
      [
        `Generated repository: ${files} source files + ${Math.ceil(files / 10)} test files; median of ${rounds} commits per row; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
        '',
        '| 1-file change | full index s (read / resolve / write) | before: incremental s (read / resolve / write) | incremental s (read / resolve / write) | incremental / full | incremental index |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    if (!values['data-root']) rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
