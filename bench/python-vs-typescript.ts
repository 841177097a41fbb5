/**
 * Python against TypeScript, in codehub's own terms (issue 14's speed targets):
 * - indexing a generated Python repository takes no more than 1.5× an equally sized TypeScript one (the synthetic
 *   TypeScript corpus of bench/corpora.ts, and a Python twin written file for file from the same seed: same classes,
 *   methods, helpers, imports and calls);
 * - Python extraction (the plug-in's per-file analysis, warm, one core) runs at ≥ 5 MB of source per CPU second,
 *   with the parser alone timed on the same files as a baseline.
 * `npm run bench` runs it as one section; alone: `node dist/bench/python-vs-typescript.js [--files N] [--reps N]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initPlugins } from '../src/languages/registry.js';
import { parsePython } from '../src/languages/python/parser.js';
import { pythonPlugin } from '../src/languages/python/python-plugin.js';
import { extractPythonFacts } from '../src/languages/python/extract-facts.js';
import { nativePythonParser } from './native-python-parser.js';
import { projectRoot } from './codehub-cli.js';
import {
  benchRoot,
  commitTree,
  corporaRoot,
  measureTree,
  prepareSyntheticCorpus,
  readCached,
  seededRandom,
  syntheticClassName,
  VERBS,
  walkFiles,
  writeCached,
  type PreparedCorpus,
  type SyntheticOptions,
} from './corpora.js';
import { median } from './measure.js';

/** Issue 14: indexing Python may take at most this many times as long as TypeScript of the same size. */
export const PYTHON_INDEX_RATIO_TARGET = 1.5;
/** Issue 14: Python extraction speed, MB of source per CPU second. */
export const PYTHON_EXTRACTION_TARGET = 5;

/** Path of Python synthetic file `i`: the TypeScript corpus's layout, as modules of the package `app`. */
export function syntheticPythonPath(i: number): string {
  return `app/area${String(Math.floor(i / 100)).padStart(3, '0')}/module${String(i).padStart(5, '0')}.py`;
}

function pythonModuleName(i: number): string {
  return syntheticPythonPath(i).replace(/\.py$/, '').split('/').join('.');
}

/**
 * Python twin of `renderSyntheticFile` (bench/corpora.ts): the same random draws in the same order, so file `i`
 * imports the same files and makes the same calls, written as Python.
 */
export function renderSyntheticPythonFile(i: number, options: SyntheticOptions): string {
  const random = seededRandom(options.seed * 1_000_003 + i);
  const methods = options.methodsPerClass ?? 6;
  const functions = options.functionsPerFile ?? 4;
  const pick = (n: number): number => Math.floor(random() * n);
  const deps =
    i === 0 ? [] : [...new Set(Array.from({ length: 1 + pick(3) }, () => pick(i)))].sort((a, b) => a - b);
  const cls = syntheticClassName(i);
  const lines: string[] = [`# Generated file ${i} (seed ${options.seed}).`];
  for (const d of deps) {
    const dep = syntheticClassName(d);
    lines.push(`from ${pythonModuleName(d)} import ${dep}, ${dep}Options, helper${d}_0`);
  }
  lines.push('', '');
  lines.push(`class ${cls}Options:`, '    retries: int', '    label: str', '', '');
  lines.push(`class ${cls}:`);
  lines.push(
    `    """Service ${i}: a stand-in for application code with internal and cross-file calls."""`,
    '',
  );
  lines.push(`    def __init__(self, options: ${cls}Options) -> None:`);
  lines.push('        self.options = options', '        self.items: list[int] = []');
  for (let m = 0; m < methods; m++) {
    const verb = VERBS[(i + m) % VERBS.length]!;
    lines.push('', `    def ${verb}${m}(self, value: int) -> int:`);
    lines.push('        total = value + self.options.retries');
    if (m > 0) lines.push(`        total += self.${VERBS[(i + m - 1) % VERBS.length]}${m - 1}(value - 1)`);
    if (deps.length > 0 && random() < 0.6) {
      const d = deps[pick(deps.length)]!;
      lines.push(`        peer = ${syntheticClassName(d)}(${syntheticClassName(d)}Options())`);
      lines.push(`        total += peer.${VERBS[d % VERBS.length]}0(total)`);
      lines.push(`        total += helper${d}_0(total)`);
    }
    lines.push(`        for item in self.items:`, `            total += item % ${m + 3}`);
    lines.push('        return total');
  }
  lines.push('', '');
  for (let f = 0; f < functions; f++) {
    lines.push(`def helper${i}_${f}(value: int) -> int:`);
    lines.push(`    """Helper ${f} of file ${i}."""`);
    if (f + 1 < functions) lines.push(`    following = helper${i}_${f + 1}(value + 1)`);
    else lines.push('    following = value * 2');
    if (deps.length > 0 && random() < 0.5) lines.push(`    return following + helper${deps[0]!}_0(value)`);
    else lines.push(`    return following + len("${cls}")`);
    lines.push('', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes (or reuses) the Python twin of the synthetic TypeScript corpus as a git repository. */
export function preparePythonSyntheticCorpus(
  options: SyntheticOptions,
  root = corporaRoot(),
): PreparedCorpus {
  const id = `synthetic-python-${options.files}-s${options.seed}`;
  const dir = join(root, id);
  const cached = readCached(dir, id);
  if (cached) return cached;
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  for (let i = 0; i < options.files; i++) {
    const target = join(staging, syntheticPythonPath(i));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, renderSyntheticPythonFile(i, options));
  }
  writeFileSync(join(staging, 'pyproject.toml'), `[project]\nname = "${id}"\nversion = "0"\n`);
  const commit = commitTree(staging, `synthetic Python corpus: ${options.files} files, seed ${options.seed}`);
  renameSync(staging, dir);
  const corpus: PreparedCorpus = { id, dir, commit, ...measureTree(dir, (f) => f.endsWith('.py')) };
  writeCached(corpus);
  return corpus;
}

export interface ExtractionSpeed {
  label: string;
  files: number;
  bytes: number;
  /** Warm plug-in analysis, MB per CPU second (best of the timed passes). */
  analyseMbPerCpuSecond: number;
  /** The plug-in's parser (web-tree-sitter, WebAssembly) alone on the same files. */
  parseMbPerCpuSecond: number;
  /** The native tree-sitter binding's parser alone, and the plug-in's analysis on its trees; null when it did not load. */
  nativeParseMbPerCpuSecond: number | null;
  nativeAnalyseMbPerCpuSecond: number | null;
  /** Why the native binding did not load, when it did not. */
  nativeUnavailable: string | null;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/**
 * Warm single-thread extraction speed over the `.py`/`.pyi` files under `dirs`: one pass to warm up, then the best of
 * `passes` timed passes, in CPU seconds of this process (so other work on the machine does not count). The plug-in's
 * parser and analysis and the native binding's take turns pass by pass, so a change in load falls on all of them.
 */
export async function measurePythonExtraction(
  label: string,
  dirs: string[],
  passes = 3,
): Promise<ExtractionSpeed> {
  await initPlugins([pythonPlugin]);
  const files: Array<[string, string]> = [];
  for (const dir of dirs)
    for (const file of walkFiles(dir))
      if (/\.pyi?$/.test(file)) files.push([file.slice(dir.length + 1), readFileSync(file, 'utf8')]);
  const bytes = files.reduce((n, [, t]) => n + Buffer.byteLength(t), 0);
  const native = nativePythonParser();
  const runs: Array<() => void> = [
    () => {
      for (const [, text] of files) parsePython(text).delete();
    },
    () => {
      for (const [path, text] of files) pythonPlugin.analyze(path, text);
    },
  ];
  if ('parse' in native)
    runs.push(
      () => {
        for (const [, text] of files) native.parse(text).delete();
      },
      () => {
        for (const [path, text] of files) extractPythonFacts(path, text, native.parse);
      },
    );
  for (const run of runs) run();
  const fastest = runs.map(() => Number.POSITIVE_INFINITY);
  for (let i = 0; i < passes; i++)
    runs.forEach((run, n) => {
      const since = process.cpuUsage();
      run();
      fastest[n] = Math.min(fastest[n] as number, cpuSeconds(since));
    });
  const speed = (n: number): number | null => (n < runs.length ? bytes / 1e6 / (fastest[n] as number) : null);
  return {
    label,
    files: files.length,
    bytes,
    parseMbPerCpuSecond: speed(0) as number,
    analyseMbPerCpuSecond: speed(1) as number,
    nativeParseMbPerCpuSecond: speed(2),
    nativeAnalyseMbPerCpuSecond: speed(3),
    nativeUnavailable: 'unavailable' in native ? native.unavailable : null,
  };
}

export interface IndexRun {
  wallMs: number;
  /** User + system CPU time of the CLI and everything it waited for (GNU time), null without GNU time. */
  cpuMs: number | null;
}

export interface IndexComparison {
  typescript: PreparedCorpus;
  python: PreparedCorpus;
  /** Medians. */
  typescriptRun: IndexRun;
  pythonRun: IndexRun;
  ok: boolean;
  note: string;
}

const GNU_TIME = '/usr/bin/time';

/** One full index by the CLI into a fresh data folder, timed by GNU time when it is installed. */
function indexOnce(corpus: PreparedCorpus, data: string, name: string): IndexRun | string {
  rmSync(data, { recursive: true, force: true });
  const cli = [
    join(projectRoot(), 'bin', 'codehub.js'),
    'index',
    corpus.dir,
    '--data',
    data,
    '--name',
    name,
    '--json',
  ];
  const timed = existsSync(GNU_TIME);
  const started = performance.now();
  const run = timed
    ? spawnSync(GNU_TIME, ['-f', 'cpu %U %S', process.execPath, ...cli], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      })
    : spawnSync(process.execPath, cli, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - started;
  rmSync(data, { recursive: true, force: true });
  if (run.status !== 0) return `exit ${run.status}: ${(run.stderr ?? '').trim().split('\n')[0] ?? ''}`;
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(run.stderr ?? '');
  return { wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

/**
 * Median wall and CPU time of `reps` full indexes of each corpus by the codehub CLI, each into a fresh data folder,
 * the two languages taking turns so that a change in the machine's load falls on both.
 */
export async function compareIndexing(files: number, reps: number, work: string): Promise<IndexComparison> {
  const options: SyntheticOptions = { files, seed: 3 };
  const typescript = prepareSyntheticCorpus(options);
  const python = preparePythonSyntheticCorpus(options);
  const runs: Record<'typescript' | 'python', IndexRun[]> = { typescript: [], python: [] };
  const notes: string[] = [];
  for (let r = 0; r < reps && notes.length === 0; r++) {
    for (const [language, corpus] of [
      ['typescript', typescript],
      ['python', python],
    ] as const) {
      const run = indexOnce(corpus, join(work, `${language}-data`), `bench/${language}/${corpus.id}`);
      if (typeof run === 'string') notes.push(`${language}: ${run}`);
      else runs[language].push(run);
    }
  }
  const medianRun = (list: IndexRun[]): IndexRun => ({
    wallMs: list.length > 0 ? median(list.map((x) => x.wallMs)) : Number.NaN,
    cpuMs:
      list.length > 0 && list.every((x) => x.cpuMs !== null)
        ? median(list.map((x) => x.cpuMs as number))
        : null,
  });
  return {
    typescript,
    python,
    typescriptRun: medianRun(runs.typescript),
    pythonRun: medianRun(runs.python),
    ok: notes.length === 0,
    note: notes.join('; '),
  };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

/** The section's Markdown and its target rows ([target, measured, verdict]). */
export function renderPythonSection(
  comparison: IndexComparison,
  speeds: ExtractionSpeed[],
  reps: number,
  load: { start: number; end: number } | null = null,
): { markdown: string; targets: string[][] } {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  const ts = comparison.typescriptRun;
  const py = comparison.pythonRun;
  // CPU time is what the target is judged on when GNU time measured it: wall time follows the machine's load.
  const byCpu = ts.cpuMs !== null && py.cpuMs !== null;
  const ratio = byCpu ? (py.cpuMs as number) / (ts.cpuMs as number) : py.wallMs / ts.wallMs;
  const seconds = (ms: number | null): string =>
    ms === null || Number.isNaN(ms) ? '—' : (ms / 1000).toFixed(2);
  const indexRows = [
    [comparison.typescript, 'TypeScript', ts],
    [comparison.python, 'Python', py],
  ].map(([c, language, run]) => {
    const corpus = c as PreparedCorpus;
    const timed = run as IndexRun;
    return `| ${corpus.id} | ${language as string} | ${corpus.files} | ${mb(corpus.bytes)} | ${corpus.loc} | ${comparison.ok ? seconds(timed.wallMs) : 'failed'} | ${comparison.ok ? seconds(timed.cpuMs) : 'failed'} |`;
  });
  const rate = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const speedRows = speeds.map(
    (s) =>
      `| ${s.label} | ${s.files} | ${mb(s.bytes)} | ${rate(s.analyseMbPerCpuSecond)} | ${rate(s.parseMbPerCpuSecond)} | ${(s.analyseMbPerCpuSecond / s.parseMbPerCpuSecond).toFixed(2)} | ${rate(s.nativeParseMbPerCpuSecond)} | ${rate(s.nativeAnalyseMbPerCpuSecond)} |`,
  );
  const unavailable = speeds.find((s) => s.nativeUnavailable !== null)?.nativeUnavailable;
  const overall = speeds.length > 0 ? Math.min(...speeds.map((s) => s.analyseMbPerCpuSecond)) : Number.NaN;
  const markdown = [
    `## Python (issue 14): indexing against TypeScript, and extraction speed`,
    '',
    `Full index by the CLI (\`codehub index\`, default workers), median of ${reps}, the two languages taking turns; CPU is user + system time of the CLI and what it waited for (GNU time). The Python repository is the TypeScript one written file for file in Python (bench/python-vs-typescript.ts).`,
    '',
    '| corpus | language | files | MB | lines | wall s | CPU s |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...indexRows,
    '',
    comparison.ok
      ? `Python / TypeScript: **${ratio.toFixed(2)}×** by ${byCpu ? 'CPU' : 'wall'} time (wall: ${(py.wallMs / ts.wallMs).toFixed(2)}×; target ≤ ${PYTHON_INDEX_RATIO_TARGET}×).`
      : `Not measured: ${comparison.note}`,
    '',
    'Python extraction, warm, one thread (MB of source per CPU second of this process; best of 3 passes after a warm-up, the four measurements of a row taking turns). The plug-in parses with web-tree-sitter (WebAssembly); the last two columns time the native tree-sitter binding: its parser alone, and the same analysis on its trees.',
    '',
    '| files | count | MB | analysis MB/CPU-s | parser alone MB/CPU-s | analysis / parser | native parser alone MB/CPU-s | analysis on native MB/CPU-s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...speedRows,
    ...(unavailable ? ['', `The native binding did not load here: ${unavailable}.`] : []),
    ...(load
      ? [
          '',
          `Load average (1 min) of the machine (${availableParallelism()} cores): ${load.start.toFixed(1)} at the start of this section, ${load.end.toFixed(1)} at its end.`,
        ]
      : []),
  ].join('\n');
  const targets = [
    [
      `Python index ≤ ${PYTHON_INDEX_RATIO_TARGET}× TypeScript (${comparison.python.files} files, ${byCpu ? 'CPU' : 'wall'} time)`,
      comparison.ok ? `${ratio.toFixed(2)}×` : 'failed',
      verdict(comparison.ok && ratio <= PYTHON_INDEX_RATIO_TARGET),
    ],
    [
      `Python extraction ≥ ${PYTHON_EXTRACTION_TARGET} MB/s per core (slowest set)`,
      Number.isNaN(overall) ? 'not measured' : `${overall.toFixed(2)} MB/CPU-s`,
      verdict(overall >= PYTHON_EXTRACTION_TARGET),
    ],
  ];
  return { markdown, targets };
}

/** Runs the whole section: the indexing comparison on `files` files, then extraction speed on what is present. */
export async function pythonSection(
  files: number,
  reps: number,
  work: string,
  options: { realCorpora: boolean } = { realCorpora: true },
): Promise<{ markdown: string; targets: string[][] }> {
  mkdirSync(work, { recursive: true });
  const loadAtStart = loadavg()[0] ?? 0;
  const comparison = await compareIndexing(files, reps, work);
  const speeds = [
    await measurePythonExtraction(`generated (${comparison.python.id})`, [comparison.python.dir]),
  ];
  // The real Python corpora of the eval, when `npm run eval` has unpacked them (not in a smoke run).
  const real = options.realCorpora ? walkCorpora() : [];
  if (real.length > 0) speeds.push(await measurePythonExtraction(`Debian corpora (${real.length})`, real));
  return renderPythonSection(comparison, speeds, reps, { start: loadAtStart, end: loadavg()[0] ?? 0 });
}

/** The unpacked Debian corpora of the eval (`py-<name>@<version>` folders), sorted. */
function walkCorpora(): string[] {
  try {
    return readdirSync(corporaRoot())
      .sort()
      .filter((name) => name.startsWith('py-') && !name.endsWith('.json'))
      .map((name) => join(corporaRoot(), name));
  } catch {
    return [];
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const value = (flag: string, fallback: number): number => {
    const at = argv.indexOf(flag);
    return at >= 0 ? Number(argv[at + 1]) : fallback;
  };
  const section = await pythonSection(
    value('--files', 2000),
    value('--reps', 3),
    join(benchRoot(), '.work', 'python'),
  );
  process.stdout.write(
    `${section.markdown}\n\n${section.targets.map((t) => `- ${t.join(': ')}`).join('\n')}\n`,
  );
}
