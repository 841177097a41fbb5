/**
 * Issue 19 part 5: codehub's test selection replayed against execution on real histories. For each step (base →
 * head) of a history, every test unit of the suite runs once at base under V8 coverage (`NODE_V8_COVERAGE`, mapped
 * through source maps for compiled TypeScript); the *truth* is the set of units whose execution touches a line the
 * step changes or deletes in base (comment- and whitespace-only hunks left out, and counted). codehub indexes base
 * and head and `codehub diff --json` names the tests to run. Safety = |selected ∩ truth| / |truth| pooled over the
 * steps with a non-empty truth; selection ratio = |selected ∩ suite| / |suite| per step. Units are test files:
 * tape and node:test files run as a whole, so a file that holds one affected test counts once.
 * Corpora and caches live under bench/.corpora/replay (git-ignored); nothing here is committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corporaRoot } from './corpora.js';
import { projectRoot, runCodehub } from './codehub-cli.js';
import { prepareNodeGypHistory } from './replay-python.js';

/** A history to replay: a git repository whose consecutive commits are the steps, and how to run its suite. */
export interface ReplayHistory {
  /** Row label, e.g. `npm:qs 6.11.0 → 6.17.1`. */
  name: string;
  /** `commits` (real git commits) or `releases` (consecutive published versions imported as commits). */
  kind: 'commits' | 'releases';
  /** The git repository; its working tree is checked out at each base in turn and the suite runs there. */
  repoDir: string;
  /** Oldest first; step i is commits[i] → commits[i+1]. */
  commits: string[];
  /** A short label per commit (a version, a short sha). */
  labels: string[];
  /** What one test unit is (`test file`). */
  granularity: string;
  /** Which test units make up the suite, in words (for the report). */
  suiteRule: string;
  /** Readies the checked-out commit (a build); null when ready, else why the step cannot run. */
  prepare(commit: string): string | null;
  /** The suite at the checked-out commit: repo-relative test files. */
  suite(commit: string): string[];
  /** How to run one unit: argv after `node`, run in repoDir (histories whose suite runs under node). */
  unitArgs(unit: string): string[];
  /**
   * Runs one unit some other way (a Python suite under coverage.py) and says which of the `interest` lines it
   * executed; when absent the unit runs under node with V8 coverage through `unitArgs`.
   */
  runUnit?(unit: string, interest: Map<string, Set<number>>, repoDir: string): UnitRun;
  /**
   * The lines of interest (`path:line`) that run while the unit is only loaded (pytest's collection), asked for
   * missed units: a miss whose every changed line ran there, and outside every test function, is load-time code.
   */
  loadTimeLines?(unit: string, interest: Map<string, Set<number>>, repoDir: string): string[];
  /** Set when the history cannot be replayed on this machine (a missing tool): why; the section records it. */
  unavailable?: string | null;
  /** What ran the suite, when it is not this node (interpreter and tool versions), for the report. */
  runner?: string | null;
  /** Per-unit time limit. */
  unitTimeoutMs: number;
}

/** One unit's run: whether it failed, the lines of interest it executed, and the single tests that ran them. */
export interface UnitRun {
  failed: boolean;
  hit: Map<string, Set<number>>;
  /** Test functions (finer than the unit) that executed a line of interest, when the runner knows them. */
  tests?: string[];
  /**
   * Lines of interest (`path:line`) that ran only while the unit was loaded, outside every test function (the runner
   * tells them apart by context, as coverage.py's `test_function` contexts do).
   */
  loadOnly?: string[];
}

/** A missed test unit and why codehub did not select it. */
export interface ReplayMiss {
  unit: string;
  cause: string;
  /** One changed line the unit executed (`path:line`). */
  example: string;
  /** True when every changed line it ran is module-level code of a non-test module, run because it was loaded. */
  loadTimeOnly: boolean;
}

/** One replayed step. */
export interface ReplayStep {
  base: string;
  head: string;
  label: string;
  /** Set when the step could not be measured (build failure, indexing failure…). */
  skipped: string | null;
  /** Changed files (any kind) and those of them that are non-test source code. */
  changedFiles: number;
  sourceFiles: number;
  /** Base lines changed or deleted by hunks that change code; lines of comment/whitespace-only hunks. */
  changedLines: number;
  cosmeticLines: number;
  suite: number;
  /** Units that failed at base (their coverage still counts). */
  failingUnits: string[];
  truth: string[];
  /** Test functions whose execution touched a changed line, when the runner tells them apart (Python). */
  truthTests?: string[];
  selected: string[];
  missed: ReplayMiss[];
  /** codehub's own verdict on the answer (false: unresolved calls or unanalysed files could hide tests). */
  complete: boolean;
  /** The baseline build's answer to the same step (ReplayOptions.baseline), when one was compared. */
  baseline?: { skipped: string | null; selected: string[]; missed: string[] };
  wallMs: number;
}

/** A replayed history: its steps and the summary figures. */
export interface ReplayResult {
  history: ReplayHistory;
  steps: ReplayStep[];
}

// ---------------------------------------------------------------------------------------------------------------
// git diff → changed base lines

/** Lines of base that a step changes or deletes, per repo-relative path; hunks whose code is unchanged apart. */
export interface ChangedLines {
  code: Map<string, Set<number>>;
  cosmetic: number;
  files: string[];
}

/** Drops Python `#` comments (outside string literals) from each line. */
function withoutHashComments(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let quote: string | null = null;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quote) {
          if (c === '\\') i++;
          else if (c === quote) quote = null;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '#') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

/** Drops comments and whitespace so that a hunk that only reflows or re-words comments compares equal. */
export function codeOnly(text: string, path = ''): string {
  // In Python `//` is floor division and comments start with `#`.
  if (path.endsWith('.py')) return withoutHashComments(text).replace(/\s+/g, '');
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:\\'"])\/\/.*$/gm, '$1')
    .replace(/\s+/g, '');
}

/** Parses `git diff -U0` between base and head into changed base lines. */
export function changedBaseLines(repoDir: string, base: string, head: string): ChangedLines {
  const out = execFileSync(
    'git',
    ['diff', '-U0', '--no-renames', '--no-ext-diff', '--no-color', base, head],
    { cwd: repoDir, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  );
  const code = new Map<string, Set<number>>();
  const files = new Set<string>();
  let cosmetic = 0;
  let path: string | null = null;
  let hunk: { path: string; start: number; count: number; removed: string[]; added: string[] } | null = null;
  const flush = (): void => {
    if (!hunk || hunk.count === 0) return;
    const isCode =
      codeOnly(hunk.removed.join('\n'), hunk.path) !== codeOnly(hunk.added.join('\n'), hunk.path);
    if (!isCode) {
      cosmetic += hunk.count;
      return;
    }
    const set = code.get(hunk.path) ?? new Set<number>();
    for (let l = hunk.start; l < hunk.start + hunk.count; l++) set.add(l);
    code.set(hunk.path, set);
  };
  for (const line of out.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      hunk = null;
      const m = / b\/(.*)$/.exec(line);
      if (m) files.add(m[1]!);
      path = null;
    } else if (line.startsWith('--- ')) {
      path = line === '--- /dev/null' ? null : line.slice(6);
    } else if (line.startsWith('+++ ')) {
      continue;
    } else if (line.startsWith('@@')) {
      flush();
      const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
      hunk =
        m && path !== null
          ? {
              path,
              start: Number(m[1]),
              count: m[2] === undefined ? 1 : Number(m[2]),
              removed: [],
              added: [],
            }
          : null;
    } else if (hunk && line.startsWith('-')) hunk.removed.push(line.slice(1));
    else if (hunk && line.startsWith('+')) hunk.added.push(line.slice(1));
  }
  flush();
  return { code, cosmetic, files: [...files].sort() };
}

// ---------------------------------------------------------------------------------------------------------------
// V8 coverage → executed lines

interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface V8Script {
  url: string;
  functions: { ranges: V8Range[] }[];
}

/** Execution count of every character of a script: the innermost V8 block range holding it decides. */
function paintCounts(length: number, script: V8Script): Int32Array {
  const counts = new Int32Array(length);
  const ranges = script.functions.flatMap((f) => f.ranges);
  ranges.sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  for (const r of ranges) counts.fill(r.count, Math.max(0, r.startOffset), Math.min(length, r.endOffset));
  return counts;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes a source map's `mappings` into [generatedLine, generatedColumn, sourceIndex, sourceLine] (0-based). */
export function decodeMappings(mappings: string): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  let genLine = 0;
  let src = 0;
  let srcLine = 0;
  for (const lineText of mappings.split(';')) {
    let genCol = 0;
    if (lineText !== '') {
      for (const segment of lineText.split(',')) {
        const values: number[] = [];
        let value = 0;
        let shift = 0;
        for (const ch of segment) {
          const digit = BASE64.indexOf(ch);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        genCol += values[0] ?? 0;
        if (values.length >= 4) {
          src += values[1]!;
          srcLine += values[2]!;
          out.push([genLine, genCol, src, srcLine]);
        }
      }
    }
    genLine++;
  }
  return out;
}

/**
 * Which of the `interest` lines (repo-relative path → 1-based lines) one unit's coverage executed. A line counts
 * when a non-blank character on it ran at least once; through a source map, when a mapped segment of it did.
 */
export function executedLines(
  coverageDir: string,
  repoDir: string,
  interest: Map<string, Set<number>>,
): Map<string, Set<number>> {
  const hit = new Map<string, Set<number>>();
  const mark = (path: string, line: number): void => {
    const set = hit.get(path) ?? new Set<number>();
    set.add(line);
    hit.set(path, set);
  };
  const root = realpathSync(repoDir) + sep;
  if (!existsSync(coverageDir)) return hit;
  // One script may be reported by several processes (a test that spawns the CLI): each report is read in turn.
  for (const name of readdirSync(coverageDir)) {
    if (!name.endsWith('.json')) continue;
    let report: { result?: V8Script[] };
    try {
      report = JSON.parse(readFileSync(join(coverageDir, name), 'utf8')) as { result?: V8Script[] };
    } catch {
      continue;
    }
    for (const script of report.result ?? []) {
      if (!script.url.startsWith('file://')) continue;
      let file: string;
      try {
        file = fileURLToPath(script.url);
      } catch {
        continue;
      }
      if (!file.startsWith(root) || file.includes(`${sep}node_modules${sep}`)) continue;
      const rel = relative(root, file).split(sep).join('/');
      const mapFile = `${file}.map`;
      const direct = interest.get(rel);
      const mapped = existsSync(mapFile);
      if (!direct && !mapped) continue;
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const counts = paintCounts(text.length, script);
      const starts = lineStarts(text);
      if (mapped) {
        const map = JSON.parse(readFileSync(mapFile, 'utf8')) as {
          sources: string[];
          sourceRoot?: string;
          mappings: string;
        };
        const sources = map.sources.map((s) =>
          relative(root, resolve(dirname(file), map.sourceRoot ?? '', s))
            .split(sep)
            .join('/'),
        );
        if (!sources.some((s) => interest.has(s))) continue;
        for (const [genLine, genCol, srcIndex, srcLine] of decodeMappings(map.mappings)) {
          const source = sources[srcIndex];
          const lines = source === undefined ? undefined : interest.get(source);
          if (!lines || !lines.has(srcLine + 1)) continue;
          const offset = (starts[genLine] ?? text.length) + genCol;
          if (offset < text.length && counts[offset]! > 0) mark(source!, srcLine + 1);
        }
      } else if (direct) {
        for (const line of direct) {
          const from = starts[line - 1];
          if (from === undefined) continue;
          const to = starts[line] ?? text.length;
          for (let i = from; i < to; i++) {
            const c = text.charCodeAt(i);
            if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && counts[i]! > 0) {
              mark(rel, line);
              break;
            }
          }
        }
      }
    }
  }
  return hit;
}

// ---------------------------------------------------------------------------------------------------------------
// The replay

// Kinds whose changed lines run when their module loads, not when called (Python's `module` symbol is a module's
// top-level code: its imports and statements).
const READ_NOT_CALLED_KINDS = new Set(['variable', 'property', 'enum', 'namespace', 'module']);

interface DiffJson {
  changed: {
    qualifiedName: string;
    kind: string;
    path: string;
    change: string;
    startLine: number;
    endLine: number;
    before: { path: string; startLine: number; endLine: number } | null;
  }[];
  tests: { path: string }[];
  complete: boolean;
  incomplete: { reason: string }[];
}

// The replayed histories are JavaScript/TypeScript and Python: their source files are these (a history in another
// language needs its extensions here, for the local-step count and the "outside analysis" cause).
const ANALYSED = /\.(?:[cm]?[jt]sx?|py)$/;
const TEST_PATH =
  /(^|\/)(__tests__|__mocks__|tests?|specs?)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

/**
 * Why a unit that executed a changed line was not selected: the strongest explanation over all the lines it ran — a
 * file codehub does not analyse, then a changed function or method the graph did not connect to the test, then code
 * that ran only because the test loaded its module (a module-level initializer or statement).
 */
function missCause(
  touched: [string, number][],
  diff: DiffJson,
  unit: string,
  loadOnly?: ReadonlySet<string>,
): Omit<ReplayMiss, 'unit'> {
  const outside = touched.find(([path]) => !ANALYSED.test(path));
  if (outside)
    return {
      cause: `file outside analysis (${extname(outside[0]) || outside[0]})`,
      example: `${outside[0]}:${outside[1]}`,
      loadTimeOnly: false,
    };
  // Every changed line it ran, it ran while the test file was loaded and never inside a test function (a function
  // called by module-level code of an imported module, say).
  if (loadOnly && touched.every(([path, line]) => loadOnly.has(`${path}:${line}`))) {
    const [path, line] = touched[0]!;
    return {
      cause: 'ran only while the test file was loaded, outside every test function',
      example: `${path}:${line}`,
      loadTimeOnly: true,
    };
  }
  let loadTime: Omit<ReplayMiss, 'unit'> | null = null;
  for (const [path, line] of touched) {
    let innermost: DiffJson['changed'][number] | null = null;
    let size = Infinity;
    for (const c of diff.changed) {
      const range =
        c.change === 'removed'
          ? { path: c.path, startLine: c.startLine, endLine: c.endLine }
          : c.change === 'added'
            ? null
            : c.before;
      if (!range || range.path !== path || range.startLine > line || line > range.endLine) continue;
      if (range.endLine - range.startLine < size) {
        innermost = c;
        size = range.endLine - range.startLine;
      }
    }
    if (!innermost) continue;
    // A Python class body outside its methods (the class line, its bases, class attributes) runs when the module
    // loads.
    const loadsWithModule =
      READ_NOT_CALLED_KINDS.has(innermost.kind) || (innermost.kind === 'class' && path.endsWith('.py'));
    if (!loadsWithModule)
      return {
        cause: `changed ${innermost.kind} not reached from the test statically (${innermost.qualifiedName})`,
        example: `${path}:${line}`,
        loadTimeOnly: false,
      };
    // A module-level variable's initializer runs when the test loads the module, whether the test reads it or not.
    loadTime ??= {
      cause:
        innermost.kind === 'module' || innermost.kind === 'class'
          ? `module-level code, run when the test loads its module (${innermost.qualifiedName})`
          : `module-level ${innermost.kind} initializer, run when the test loads its module (${innermost.qualifiedName})`,
      example: `${path}:${line}`,
      loadTimeOnly: true,
    };
  }
  if (loadTime) return loadTime;
  const own = touched.find(([path]) => path === unit);
  if (own)
    return {
      cause: 'module-level code of the test file itself changed',
      example: `${own[0]}:${own[1]}`,
      loadTimeOnly: false,
    };
  const first = touched[0]!;
  return {
    cause: 'module-level statement, run when the test loads its module (no symbol spans the line)',
    example: `${first[0]}:${first[1]}`,
    loadTimeOnly: true,
  };
}

export function log(message: string): void {
  process.stderr.write(`[replay] ${message}\n`);
}

/** Options of one replay run. */
export interface ReplayOptions {
  /** codehub data folder (one per history; indexing is incremental across its commits). */
  dataDir: string;
  /** codehub repo id, `host/owner/name`. */
  repoId: string;
  /** Called after each step (progress, partial reports). */
  onStep?: (step: ReplayStep, index: number, soFar: ReplayStep[]) => void;
  /**
   * Another codehub build (its bin/codehub.js) answering the same steps, for a before/after comparison in one run:
   * the truth is shared, and so are the snapshots when `dataDir` is this run's (then the comparison is of the change
   * service alone, `codehub diff` over the same graphs); with a data folder of its own it indexes on its own too.
   */
  baseline?: { bin: string; dataDir: string };
}

/** Runs another build's CLI; the parsed `--json` output or why it failed. */
function runOtherCodehub(
  bin: string,
  args: string[],
): { json: Record<string, unknown> | null; error: string | null } {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: dirname(dirname(bin)),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  if (run.status !== 0)
    return { json: null, error: `exit ${run.status}: ${run.stderr.trim().split('\n')[0] ?? ''}` };
  try {
    const text = run.stdout.trim();
    return {
      json: JSON.parse(text.slice(Math.max(0, text.indexOf('{')))) as Record<string, unknown>,
      error: null,
    };
  } catch {
    return { json: null, error: 'no JSON output' };
  }
}

function indexCommit(history: ReplayHistory, commit: string, options: ReplayOptions): Promise<string | null> {
  return runCodehub([
    'index',
    history.repoDir,
    '--ref',
    commit,
    '--name',
    options.repoId,
    '--data',
    options.dataDir,
    '--json',
  ]).then((run) =>
    run.exitCode === 0
      ? null
      : `codehub index failed (exit ${run.exitCode}): ${run.stderr.trim().split('\n')[0] ?? ''}`,
  );
}

/** Runs one unit under node with V8 coverage (`NODE_V8_COVERAGE`). */
function runNodeUnit(history: ReplayHistory, unit: string, interest: Map<string, Set<number>>): UnitRun {
  const coverage = mkdtempSync(join(tmpdir(), 'codehub-replay-cov-'));
  try {
    const run = spawnSync(process.execPath, history.unitArgs(unit), {
      cwd: history.repoDir,
      env: { ...process.env, NODE_V8_COVERAGE: coverage, NODE_OPTIONS: '' },
      stdio: 'ignore',
      timeout: history.unitTimeoutMs,
    });
    return { failed: run.status !== 0, hit: executedLines(coverage, history.repoDir, interest) };
  } finally {
    rmSync(coverage, { recursive: true, force: true });
  }
}

const baselineIndexed = new Map<string, string | null>();

/** The baseline build's selection for one step (it indexes base and head into its own data folder first). */
function baselineAnswer(
  history: ReplayHistory,
  options: ReplayOptions,
  base: string,
  head: string,
  suite: Set<string>,
  truth: Map<string, unknown>,
): NonNullable<ReplayStep['baseline']> {
  const { bin, dataDir } = options.baseline!;
  for (const commit of dataDir === options.dataDir ? [] : [base, head]) {
    const key = `${dataDir}|${commit}`;
    if (!baselineIndexed.has(key)) {
      const args = [
        'index',
        history.repoDir,
        '--ref',
        commit,
        '--name',
        options.repoId,
        '--data',
        dataDir,
        '--json',
      ];
      baselineIndexed.set(key, runOtherCodehub(bin, args).error);
    }
    const why = baselineIndexed.get(key);
    if (why) return { skipped: `baseline index failed (${why})`, selected: [], missed: [] };
  }
  const diff = runOtherCodehub(bin, ['diff', options.repoId, base, head, '--json', '--data', dataDir]);
  if (!diff.json) return { skipped: `baseline diff failed (${diff.error})`, selected: [], missed: [] };
  const tests = (diff.json as unknown as DiffJson).tests;
  const selected = [...new Set(tests.map((t) => t.path))].filter((p) => suite.has(p)).sort();
  const chosen = new Set(selected);
  return { skipped: null, selected, missed: [...truth.keys()].filter((u) => !chosen.has(u)).sort() };
}

/** Replays every step of a history; a step that cannot be measured is kept with its reason. */
export async function replayHistory(history: ReplayHistory, options: ReplayOptions): Promise<ReplayResult> {
  const steps: ReplayStep[] = [];
  const indexed = new Map<string, string | null>();
  const ensureIndexed = async (commit: string): Promise<string | null> => {
    if (!indexed.has(commit)) indexed.set(commit, await indexCommit(history, commit, options));
    return indexed.get(commit)!;
  };
  for (let i = 0; i + 1 < history.commits.length; i++) {
    const started = Date.now();
    const base = history.commits[i]!;
    const head = history.commits[i + 1]!;
    const label = `${history.labels[i]} → ${history.labels[i + 1]}`;
    const step: ReplayStep = {
      base,
      head,
      label,
      skipped: null,
      changedFiles: 0,
      sourceFiles: 0,
      changedLines: 0,
      cosmeticLines: 0,
      suite: 0,
      failingUnits: [],
      truth: [],
      selected: [],
      missed: [],
      complete: true,
      wallMs: 0,
    };
    const changed = changedBaseLines(history.repoDir, base, head);
    step.changedFiles = changed.files.length;
    step.sourceFiles = changed.files.filter((f) => ANALYSED.test(f) && !TEST_PATH.test(f)).length;
    step.changedLines = [...changed.code.values()].reduce((n, s) => n + s.size, 0);
    step.cosmeticLines = changed.cosmetic;
    const finish = (): void => {
      step.wallMs = Date.now() - started;
      steps.push(step);
      options.onStep?.(step, i, steps);
    };
    execFileSync('git', ['checkout', '-q', '-f', base], { cwd: history.repoDir, stdio: 'ignore' });
    execFileSync('git', ['clean', '-q', '-fd', '-e', 'node_modules', '-e', 'dist'], {
      cwd: history.repoDir,
      stdio: 'ignore',
    });
    const notReady = history.prepare(base);
    if (notReady) {
      step.skipped = `base does not build: ${notReady}`;
      finish();
      continue;
    }
    const suite = history.suite(base);
    step.suite = suite.length;
    const truth = new Map<string, [string, number][]>();
    const loadOnly = new Map<string, Set<string>>();
    const truthTests = new Set<string>();
    if (changed.code.size > 0) {
      for (const unit of suite) {
        const run = history.runUnit
          ? history.runUnit(unit, changed.code, history.repoDir)
          : runNodeUnit(history, unit, changed.code);
        if (run.failed) step.failingUnits.push(unit);
        const touched: [string, number][] = [];
        for (const [path, lines] of run.hit)
          for (const line of [...lines].sort((a, b) => a - b)) touched.push([path, line]);
        if (touched.length > 0) truth.set(unit, touched);
        for (const t of run.tests ?? []) truthTests.add(t);
        if (run.loadOnly) loadOnly.set(unit, new Set(run.loadOnly));
      }
    }
    step.truth = [...truth.keys()].sort();
    if (history.runUnit) step.truthTests = [...truthTests].sort();
    const why = (await ensureIndexed(base)) ?? (await ensureIndexed(head));
    if (why) {
      step.skipped = why;
      finish();
      continue;
    }
    const diff = await runCodehub(['diff', options.repoId, base, head, '--json', '--data', options.dataDir]);
    if (diff.exitCode !== 0 || !diff.json) {
      step.skipped = `codehub diff failed (exit ${diff.exitCode}): ${diff.stderr.trim().split('\n')[0] ?? ''}`;
      finish();
      continue;
    }
    const report = diff.json as unknown as DiffJson;
    const suiteSet = new Set(suite);
    step.selected = [...new Set(report.tests.map((t) => t.path))].filter((p) => suiteSet.has(p)).sort();
    step.complete = report.complete;
    const selected = new Set(step.selected);
    for (const [unit, touched] of truth) {
      if (selected.has(unit)) continue;
      let atLoad: Set<string> | undefined;
      if (history.loadTimeLines && loadOnly.has(unit)) {
        const loaded = new Set(history.loadTimeLines(unit, changed.code, history.repoDir));
        atLoad = new Set([...loadOnly.get(unit)!].filter((l) => loaded.has(l)));
      }
      step.missed.push({ unit, ...missCause(touched, report, unit, atLoad) });
    }
    if (options.baseline) step.baseline = baselineAnswer(history, options, base, head, suiteSet, truth);
    finish();
  }
  return { history, steps };
}

// ---------------------------------------------------------------------------------------------------------------
// Summary and report

/** Pooled safety, selection distribution and the local-step mean of a replayed history. */
export interface ReplaySummary {
  steps: number;
  measured: number;
  skipped: number;
  withTruth: number;
  truthUnits: number;
  selectedTruthUnits: number;
  /** |selected ∩ truth| / |truth| pooled over steps with a non-empty truth (null when none had one). */
  safety: number | null;
  /** Safety when misses that only ran load-time code of an imported module are forgiven. */
  safetyBeyondLoad: number | null;
  /** Selection ratios of the measured steps. */
  ratios: number[];
  p50: number | null;
  p90: number | null;
  max: number | null;
  mean: number | null;
  localSteps: number;
  localMean: number | null;
  suiteMin: number;
  suiteMax: number;
}

/** A step is local when it changes 1 to LOCAL_MAX_SOURCE_FILES non-test source files. */
export const LOCAL_MAX_SOURCE_FILES = 3;

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

/** The baseline build's safety, mean selection and local mean over the steps both builds answered. */
export function summariseBaseline(result: ReplayResult): {
  steps: number;
  safety: number | null;
  mean: number | null;
  localMean: number | null;
  newSafety: number | null;
  newMean: number | null;
  newLocalMean: number | null;
} | null {
  const both = result.steps.filter((s) => s.skipped === null && s.baseline && s.baseline.skipped === null);
  if (both.length === 0) return null;
  const mean = (xs: number[]): number | null =>
    xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
  const truth = both.reduce((n, s) => n + s.truth.length, 0);
  const local = both.filter((s) => s.sourceFiles >= 1 && s.sourceFiles <= LOCAL_MAX_SOURCE_FILES);
  const ratio = (n: number, s: ReplayStep): number => (s.suite === 0 ? 0 : n / s.suite);
  return {
    steps: both.length,
    safety:
      truth === 0 ? null : both.reduce((n, s) => n + s.truth.length - s.baseline!.missed.length, 0) / truth,
    mean: mean(both.map((s) => ratio(s.baseline!.selected.length, s))),
    localMean: mean(local.map((s) => ratio(s.baseline!.selected.length, s))),
    newSafety: truth === 0 ? null : both.reduce((n, s) => n + s.truth.length - s.missed.length, 0) / truth,
    newMean: mean(both.map((s) => ratio(s.selected.length, s))),
    newLocalMean: mean(local.map((s) => ratio(s.selected.length, s))),
  };
}

/** Summarises a replayed history. */
export function summarise(result: ReplayResult): ReplaySummary {
  const measured = result.steps.filter((s) => s.skipped === null);
  const withTruth = measured.filter((s) => s.truth.length > 0);
  const truthUnits = withTruth.reduce((n, s) => n + s.truth.length, 0);
  const selectedTruthUnits = withTruth.reduce((n, s) => n + s.truth.length - s.missed.length, 0);
  const ratio = (s: ReplayStep): number => (s.suite === 0 ? 0 : s.selected.length / s.suite);
  const ratios = measured.map(ratio);
  const sorted = [...ratios].sort((a, b) => a - b);
  const local = measured.filter((s) => s.sourceFiles >= 1 && s.sourceFiles <= LOCAL_MAX_SOURCE_FILES);
  const mean = (xs: number[]): number | null =>
    xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
  const suites = measured.map((s) => s.suite);
  return {
    steps: result.steps.length,
    measured: measured.length,
    skipped: result.steps.length - measured.length,
    withTruth: withTruth.length,
    truthUnits,
    selectedTruthUnits,
    safety: truthUnits === 0 ? null : selectedTruthUnits / truthUnits,
    safetyBeyondLoad:
      truthUnits === 0
        ? null
        : (selectedTruthUnits +
            withTruth.reduce((n, s) => n + s.missed.filter((m) => m.loadTimeOnly).length, 0)) /
          truthUnits,
    ratios,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    max: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
    mean: mean(ratios),
    localSteps: local.length,
    localMean: mean(local.map(ratio)),
    suiteMin: suites.length === 0 ? 0 : Math.min(...suites),
    suiteMax: suites.length === 0 ? 0 : Math.max(...suites),
  };
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

/** The Markdown of one replayed history: a summary line, the per-step table, the misses and the skipped steps. */
export function renderReplay(result: ReplayResult): string {
  const s = summarise(result);
  const h = result.history;
  const out: string[] = [];
  out.push(
    `### ${h.name} (${h.kind === 'releases' ? 'published releases imported as commits' : 'git commits'})`,
  );
  out.push('');
  const truthTests = result.steps.reduce((n, st) => n + (st.truthTests?.length ?? 0), 0);
  out.push(
    `Suite: ${h.suiteRule}; unit: ${h.granularity}; ${s.suiteMin === s.suiteMax ? s.suiteMin : `${s.suiteMin}–${s.suiteMax}`} units.` +
      (h.runner ? ` Run with ${h.runner}.` : '') +
      (h.runUnit ? ` Test functions that ran a changed line, over all steps: ${truthTests}.` : ''),
  );
  out.push('');
  out.push(
    '| steps | measured | skipped | steps with truth | truth units | selected of them | safety | safety, load-time-only misses forgiven | selection p50 | p90 | max | mean | local steps | local mean |',
  );
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(
    `| ${s.steps} | ${s.measured} | ${s.skipped} | ${s.withTruth} | ${s.truthUnits} | ${s.selectedTruthUnits} | ${pct(s.safety)} | ${pct(s.safetyBeyondLoad)} | ${pct(s.p50)} | ${pct(s.p90)} | ${pct(s.max)} | ${pct(s.mean)} | ${s.localSteps} | ${pct(s.localMean)} |`,
  );
  const before = summariseBaseline(result);
  if (before)
    out.push(
      '',
      `Baseline build's \`codehub diff\` on the same ${before.steps} steps (same truth, same snapshots): safety ${pct(before.safety)} → ${pct(before.newSafety)} with this build; mean selection ${pct(before.mean)} → ${pct(before.newMean)}; local mean ${pct(before.localMean)} → ${pct(before.newLocalMean)}.`,
    );
  out.push('');
  out.push('<details><summary>per step</summary>');
  out.push('');
  out.push(
    '| step | files changed (source) | code lines / cosmetic | suite | truth | selected | missed | complete | failing at base |',
  );
  out.push('|---|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const step of result.steps) {
    if (step.skipped) {
      out.push(
        `| ${step.label} | ${step.changedFiles} (${step.sourceFiles}) | skipped: ${step.skipped.replace(/\|/g, '/')} | | | | | | |`,
      );
      continue;
    }
    out.push(
      `| ${step.label} | ${step.changedFiles} (${step.sourceFiles}) | ${step.changedLines} / ${step.cosmeticLines} | ${step.suite} | ${step.truth.length} | ${step.selected.length} | ${step.missed.length} | ${step.complete ? 'yes' : 'no'} | ${step.failingUnits.length} |`,
    );
  }
  out.push('');
  out.push('</details>');
  out.push('');
  const misses = result.steps.flatMap((st) => st.missed.map((m) => ({ ...m, step: st.label })));
  if (misses.length === 0) out.push('Misses: none.');
  else {
    const byCause = new Map<string, typeof misses>();
    for (const m of misses) {
      const key = m.cause.replace(/ \(.*\)$/, '');
      byCause.set(key, [...(byCause.get(key) ?? []), m]);
    }
    out.push('| miss cause | units | examples (step: test ← changed line) |');
    out.push('|---|---:|---|');
    for (const [cause, list] of byCause)
      out.push(
        `| ${cause} | ${list.length} | ${list
          .slice(0, 3)
          .map((m) =>
            `${m.step}: \`${m.unit}\` ← \`${m.example}\`${/\(.*\)$/.exec(m.cause)?.[0] ?? ''}`.replace(
              /\|/g,
              '/',
            ),
          )
          .join('; ')} |`,
      );
  }
  out.push('');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Histories

const FIXED_GIT_ENV = {
  GIT_AUTHOR_NAME: 'codehub replay',
  GIT_AUTHOR_EMAIL: 'replay@codehub.invalid',
  GIT_COMMITTER_NAME: 'codehub replay',
  GIT_COMMITTER_EMAIL: 'replay@codehub.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
};

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...FIXED_GIT_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  }).trim();
}

export function listTestFiles(repoDir: string, commit: string, keep: (path: string) => boolean): string[] {
  return git(repoDir, ['ls-tree', '-r', '--name-only', commit])
    .split('\n')
    .filter((p) => p !== '' && keep(p))
    .sort();
}

/** A package's consecutive published versions (npm order) whose tarballs ship a tape test folder. */
export interface NpmReleaseSpec {
  pkg: string;
  versions: string[];
}

/** The replayed npm release histories (ljharb's packages ship `test/` with tape tests in each tarball). */
export const NPM_REPLAY_SPECS: NpmReleaseSpec[] = [
  {
    pkg: 'qs',
    versions: (
      '6.10.0 6.10.1 6.10.2 6.10.3 6.10.4 6.10.5 6.10.6 6.10.7 6.11.0 6.11.1 6.11.2 6.11.3 6.11.4 6.12.0 6.12.1 ' +
      '6.12.2 6.12.3 6.12.4 6.12.5 6.12.6 6.13.0 6.13.1 6.13.2 6.13.3 6.13.4 6.14.0 6.14.1 6.14.2 6.14.3 6.15.0 ' +
      '6.15.1 6.15.2 6.15.3 6.15.4 6.16.0 6.16.1 6.16.2 6.17.0 6.17.1'
    ).split(' '),
  },
  {
    // 1.14.0, the newest, no longer ships test/: the history ends at 1.13.4.
    pkg: 'object-inspect',
    versions: (
      '0.3.1 0.4.0 1.0.0 1.0.2 1.1.0 1.2.0 1.2.1 1.2.2 1.3.0 1.4.0 1.4.1 1.5.0 1.6.0 1.7.0 1.8.0 1.9.0 1.10.0 ' +
      '1.10.1 1.10.2 1.10.3 1.11.0 1.11.1 1.12.0 1.12.1 1.12.2 1.12.3 1.13.0 1.13.1 1.13.2 1.13.3 1.13.4'
    ).split(' '),
  },
];

/** Bare module names the test files of a tree require or import (not relative, not node builtins). */
function requiredPackages(dir: string, self: string): Set<string> {
  const names = new Set<string>();
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, name.name);
      if (name.isDirectory()) {
        if (name.name !== 'node_modules' && name.name !== '.git') walk(full);
      } else if (/\.[cm]?js$/.test(name.name)) {
        const text = readFileSync(full, 'utf8');
        for (const m of text.matchAll(/(?:require\(|from\s+|import\()\s*['"]([^'"./][^'"]*)['"]/g)) {
          const spec = m[1]!;
          if (spec.startsWith('node:')) continue;
          const pkgName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (pkgName !== self && !BUILTIN_MODULES.has(pkgName)) names.add(pkgName);
        }
      }
    }
  };
  walk(dir);
  return names;
}

const BUILTIN_MODULES = new Set<string>(builtinModules.map((m) => m.replace(/^node:/, '')));

/**
 * Imports `pkg`'s versions as consecutive commits of a git repository under bench/.corpora/replay/<pkg>/repo
 * (tarballs from `npm pack`, cached), and installs what its test files require (and its runtime dependencies) with
 * npm into bench/.corpora/replay/<pkg>/node_modules, outside the repository: node finds them walking up.
 */
export function prepareNpmReleaseHistory(
  spec: NpmReleaseSpec,
  root = join(corporaRoot(), 'replay'),
): ReplayHistory {
  const home = join(root, spec.pkg.replace('/', '__'));
  const repo = join(home, 'repo');
  const tarballs = join(home, 'tarballs');
  const stamp = join(home, 'history.json');
  mkdirSync(tarballs, { recursive: true });
  let commits: string[] | null = null;
  if (existsSync(stamp)) {
    const cached = JSON.parse(readFileSync(stamp, 'utf8')) as { versions: string[]; commits: string[] };
    if (cached.versions.join() === spec.versions.join() && existsSync(join(repo, '.git')))
      commits = cached.commits;
  }
  if (!commits) {
    rmSync(repo, { recursive: true, force: true });
    mkdirSync(repo, { recursive: true });
    git(repo, ['init', '-q', '-b', 'main']);
    git(repo, ['config', 'core.autocrlf', 'false']);
    commits = [];
    const required = new Set<string>();
    const runtime = new Map<string, string>();
    for (const version of spec.versions) {
      const file = join(tarballs, `${spec.pkg.replace('/', '-')}-${version}.tgz`);
      if (!existsSync(file)) {
        log(`npm pack ${spec.pkg}@${version}`);
        const packed = JSON.parse(
          execFileSync('npm', ['pack', `${spec.pkg}@${version}`, '--json', '--pack-destination', tarballs], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        ) as { filename: string }[];
        const got = join(tarballs, packed[0]!.filename);
        if (got !== file) execFileSync('mv', [got, file]);
      }
      for (const name of readdirSync(repo))
        if (name !== '.git') rmSync(join(repo, name), { recursive: true, force: true });
      execFileSync('tar', ['-xzf', file, '-C', repo, '--strip-components=1', '--no-same-owner'], {
        stdio: 'ignore',
      });
      for (const name of requiredPackages(join(repo, 'test'), spec.pkg)) required.add(name);
      const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      for (const [name, range] of Object.entries(manifest.dependencies ?? {})) runtime.set(name, range);
      for (const [name, range] of Object.entries(manifest.devDependencies ?? {}))
        if (required.has(name)) runtime.set(name, range);
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '--allow-empty', '-m', `${spec.pkg}@${version} as published to npm`]);
      commits.push(git(repo, ['rev-parse', 'HEAD']));
    }
    for (const name of required) if (!runtime.has(name)) runtime.set(name, 'latest');
    writeFileSync(
      join(home, 'package.json'),
      JSON.stringify({ private: true, name: 'replay-deps' }, null, 2),
    );
    const wanted = [...runtime].map(([name, range]) => `${name}@${range}`);
    log(`installing the test dependencies of ${spec.pkg}: ${wanted.join(' ')}`);
    const install = (specs: string[]): number | null =>
      spawnSync(
        'npm',
        [
          'install',
          '--no-save',
          '--no-package-lock',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          ...specs,
        ],
        { cwd: home, stdio: ['ignore', 'ignore', 'inherit'] },
      ).status;
    // A range the registry here cannot meet (a mirror behind upstream) falls back to the newest it has.
    if (install(wanted) !== 0 && install([...runtime.keys()]) !== 0)
      throw new Error(`npm could not install the test dependencies of ${spec.pkg}`);
    writeFileSync(stamp, JSON.stringify({ versions: spec.versions, commits }, null, 2));
  }
  return {
    name: `npm:${spec.pkg} ${spec.versions[0]} → ${spec.versions[spec.versions.length - 1]}`,
    kind: 'releases',
    repoDir: repo,
    commits,
    labels: spec.versions,
    granularity: 'test file (tape runs a file as one process)',
    suiteRule: 'every `test/**/*.js` file of the release that requires tape, each run as `node <file>`',
    prepare: () => null,
    // A unit is a file that declares tape tests; shared case tables under test/ are not run on their own.
    suite: (commit) =>
      listTestFiles(repo, commit, (p) => /^test\/.*\.js$/.test(p)).filter((p) =>
        /require\(\s*['"]tape['"]\s*\)|from\s+['"]tape['"]/.test(git(repo, ['show', `${commit}:${p}`])),
      ),
    unitArgs: (unit) => [unit],
    unitTimeoutMs: 120_000,
  };
}

/**
 * codehub's own test files that run in under 2 s each without PostgreSQL, S3, Chromium or the network (measured on
 * this kind of machine); the rest of the suite (up to minutes per file, or services) is left out of the replayed
 * suite, so each of the 30 steps stays in the budget of a shared 2-core machine.
 */
export const SELF_SUITE = [
  'test/analysis/declaration-files.test.ts',
  'test/analysis/language-keyed.test.ts',
  'test/analysis/module-packages.test.ts',
  'test/analysis/resolve-release.test.ts',
  'test/analysis/test-reach.test.ts',
  'test/foundation/plugin-pipeline.test.ts',
  'test/foundation/units.test.ts',
  'test/languages/module-resolver.test.ts',
  'test/languages/test-command.test.ts',
  'test/languages/type-refs.test.ts',
  'test/query/answer-cache.test.ts',
  'test/query/query-service.test.ts',
  'test/store/blob-store-port.test.ts',
];

/**
 * This project's own first-parent history: the newest `steps + 1` consecutive commits between which package-lock.json
 * did not change (one node_modules serves all), cloned into bench/.corpora/replay/self/repo and built with tsc at
 * each base (source maps carry coverage back to the .ts lines).
 */
export function prepareSelfHistory(steps: number, root = join(corporaRoot(), 'replay')): ReplayHistory {
  const project = projectRoot();
  const home = join(root, 'self');
  const repo = join(home, 'repo');
  const firstParent = git(project, ['log', '--first-parent', '--format=%H', '-n', '400', 'HEAD']).split('\n');
  let window: string[] = [];
  for (let i = 0; i + 1 < firstParent.length && window.length < steps + 1; i++) {
    const newer = firstParent[i]!;
    const older = firstParent[i + 1]!;
    const same =
      spawnSync('git', ['diff', '--quiet', older, newer, '--', 'package-lock.json'], { cwd: project })
        .status === 0;
    if (!same) {
      window = [];
      continue;
    }
    if (window.length === 0) window.push(newer);
    window.push(older);
  }
  const commits = window.reverse();
  if (!existsSync(join(repo, '.git'))) {
    mkdirSync(home, { recursive: true });
    git(home, ['clone', '-q', '--no-checkout', project, repo]);
  } else git(repo, ['fetch', '-q', project, 'HEAD']);
  const modules = join(repo, 'node_modules');
  if (!existsSync(modules)) symlinkSync(realpathSync(join(project, 'node_modules')), modules);
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  return {
    name: `codehub (this repository) ${commits[0]?.slice(0, 7)} → ${commits[commits.length - 1]?.slice(0, 7)}`,
    kind: 'commits',
    repoDir: repo,
    commits,
    labels: commits.map((c) => c.slice(0, 7)),
    granularity: 'test file (node:test runs a file as one process)',
    suiteRule: `the ${SELF_SUITE.length} test files that run in under 2 s without PostgreSQL, S3, Chromium or network (those present at each base), built with \`tsc --noCheck\``,
    prepare: () => {
      // Emit only (--noCheck): the replay needs runnable JavaScript with source maps, not the type check.
      const build = spawnSync(process.execPath, [tsc, '-p', '.', '--noCheck'], {
        cwd: repo,
        encoding: 'utf8',
        timeout: 600_000,
      });
      if (build.status === 0) return null;
      return `tsc exit ${build.status}: ${(build.stdout.split('\n').find((l) => l.includes('error')) ?? '').slice(0, 160)}`;
    },
    suite: (commit) => listTestFiles(repo, commit, (p) => SELF_SUITE.includes(p)),
    unitArgs: (unit) => [join('dist', unit.replace(/\.ts$/, '.js'))],
    unitTimeoutMs: 300_000,
  };
}

/** Options of the bench section. */
export interface ReplaySectionOptions {
  histories: string[];
  selfSteps: number;
  work: string;
  /** Where each history's Markdown is written as it progresses. */
  partialOut?: string;
  /** A folder holding a finished run's replay-<name>.json files: re-render them instead of replaying. */
  from?: string;
  /** Another build's bin/codehub.js to compare with on every step (ReplayOptions.baseline). */
  baselineBin?: string;
  /** Replay only steps from..to (0-based, `to` exclusive) of each history. */
  slice?: [number, number];
}

/** The bench section: replays the chosen histories and returns its Markdown. */
export async function replaySection(options: ReplaySectionOptions): Promise<string> {
  const parts: string[] = ['## Test selection replayed against execution (issue 19)', ''];
  for (const name of options.histories) {
    const history =
      name === 'self'
        ? prepareSelfHistory(options.selfSteps)
        : name === 'node-gyp'
          ? prepareNodeGypHistory()
          : prepareNpmReleaseHistory(
              NPM_REPLAY_SPECS.find((s) => s.pkg === name) ??
                (() => {
                  throw new Error(
                    `no replay history named ${name} (self, node-gyp, ${NPM_REPLAY_SPECS.map((s) => s.pkg).join(', ')})`,
                  );
                })(),
            );
    if (history.unavailable) {
      // A history this machine cannot run (a missing tool) is recorded with its reason, not left out silently.
      log(`${history.name}: skipped, ${history.unavailable}`);
      parts.push(`### ${history.name}`, '', `Skipped: ${history.unavailable}.`, '');
      if (options.partialOut) writeFileSync(options.partialOut, parts.join('\n'));
      continue;
    }
    if (options.from) {
      const steps = JSON.parse(
        readFileSync(join(options.from, `replay-${name}.json`), 'utf8'),
      ) as ReplayStep[];
      parts.push(renderReplay({ history, steps }));
      continue;
    }
    const dataDir = join(options.work, `replay-${name}`);
    rmSync(dataDir, { recursive: true, force: true });
    if (options.slice) {
      // Steps from..to only (a long history split over processes; their replay-<name>.json arrays concatenate).
      const [from, to] = options.slice;
      history.commits = history.commits.slice(from, to + 1);
      history.labels = history.labels.slice(from, to + 1);
      // Its own checkout beside the history's (dependencies installed above it are still found).
      const clone = `${history.repoDir}-steps-${from}-${to}`;
      rmSync(clone, { recursive: true, force: true });
      git(dirname(clone), ['clone', '-q', '--no-checkout', history.repoDir, clone]);
      history.repoDir = clone;
    }
    log(`${history.name}: ${history.commits.length - 1} steps`);
    const result = await replayHistory(history, {
      dataDir,
      repoId: `bench/replay/${name.replace(/[^a-z0-9-]/gi, '-')}`,
      ...(options.baselineBin ? { baseline: { bin: options.baselineBin, dataDir } } : {}),
      onStep: (step, i, soFar) => {
        writeFileSync(join(options.work, `replay-${name}.json`), JSON.stringify(soFar, null, 2));
        if (options.partialOut)
          writeFileSync(options.partialOut, [...parts, renderReplay({ history, steps: soFar })].join('\n'));
        log(
          `${name} ${i + 1}/${history.commits.length - 1} ${step.label}: ${step.skipped ?? `suite ${step.suite}, truth ${step.truth.length}, selected ${step.selected.length}, missed ${step.missed.length}`} (${(step.wallMs / 1000).toFixed(0)} s)`,
        );
      },
    });
    writeFileSync(join(options.work, `replay-${name}.json`), JSON.stringify(result.steps, null, 2));
    parts.push(renderReplay(result));
    if (options.partialOut) writeFileSync(options.partialOut, parts.join('\n'));
  }
  return parts.join('\n');
}
