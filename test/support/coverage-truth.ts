/**
 * Ground truth for tested-by: runs each node:test case of a project alone under V8 coverage and reports which of
 * the project's (non-test) functions it really executed, keyed `relativePath:qualifiedName` (`Class.method` for
 * methods) so it can be compared with codehub's tested-by.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts = require('typescript');
import { nodeTestNamePattern } from '../../src/languages/typescript/test-command.js';

const run = promisify(execFile);

/** The environment for child runs, without the marker that makes a nested `node --test` report to our runner. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

export interface ExecutedFunction {
  /** Project-relative path, `/`-separated. */
  path: string;
  qualifiedName: string;
  /** 1-based line where the declaration starts. */
  line: number;
}

export interface CoverageRun {
  testFile: string;
  /** `Suite > inner > title`. */
  testName: string;
  functions: ExecutedFunction[];
}

/** Test name → set of `path:qualifiedName` the test executed, for every test of the project. */
export async function collectCoverageTruth(projectDir: string): Promise<Map<string, Set<string>>> {
  return truthFromRuns(await collectCoverageRuns(projectDir));
}

/** Folds runs into the comparable form: test name → `path:qualifiedName` keys; test names must be unique. */
export function truthFromRuns(runs: readonly CoverageRun[]): Map<string, Set<string>> {
  const truth = new Map<string, Set<string>>();
  for (const r of runs) {
    if (truth.has(r.testName))
      throw new Error(`test name "${r.testName}" appears twice; truth keys must be unique`);
    truth.set(r.testName, new Set(r.functions.map((f) => `${f.path}:${f.qualifiedName}`)));
  }
  return truth;
}

export interface TruthScore {
  precision: number;
  recall: number;
  truePositives: number;
  /** `test name → path:qualifiedName` pairs claimed but not executed. */
  falsePositives: string[];
  /** Pairs executed but not claimed. */
  misses: string[];
}

/**
 * Scores claimed (test → functions) pairs, e.g. codehub's tested-by, against the coverage truth. Only tests and
 * functions the truth knows about count: claims about other tests or non-fixture symbols are ignored.
 */
export function scoreAgainstTruth(
  truth: ReadonlyMap<string, ReadonlySet<string>>,
  claimed: ReadonlyMap<string, ReadonlySet<string>>,
  knownFunctions: ReadonlySet<string>,
): TruthScore {
  let truePositives = 0;
  const falsePositives: string[] = [];
  const misses: string[] = [];
  for (const [test, executed] of truth) {
    const claims = claimed.get(test) ?? new Set<string>();
    for (const key of claims) {
      if (!knownFunctions.has(key)) continue;
      if (executed.has(key)) truePositives++;
      else falsePositives.push(`${test} → ${key}`);
    }
    for (const key of executed) if (!claims.has(key)) misses.push(`${test} → ${key}`);
  }
  const claimedCount = truePositives + falsePositives.length;
  const actualCount = truePositives + misses.length;
  return {
    precision: claimedCount === 0 ? 1 : truePositives / claimedCount,
    recall: actualCount === 0 ? 1 : truePositives / actualCount,
    truePositives,
    falsePositives: falsePositives.sort(),
    misses: misses.sort(),
  };
}

/** Every named function of the project's non-test sources, keyed `path:qualifiedName` (the universe to score in). */
export async function listProjectFunctions(projectDir: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const file of (await listFiles(projectDir)).filter(
    (f) => /\.[mc]?[jt]sx?$/.test(f) && !isTestFile(f),
  )) {
    for (const fn of mapFunctions(file, await readFile(join(projectDir, file), 'utf8'))) {
      if (fn.qualifiedName !== null) out.add(`${file}:${fn.qualifiedName}`);
    }
  }
  return out;
}

/** Every test of the project run alone under coverage, with the named project functions it executed. */
export async function collectCoverageRuns(projectDir: string, concurrency = 4): Promise<CoverageRun[]> {
  const allFiles = await listFiles(projectDir);
  const testFiles = allFiles.filter(isTestFile);
  const sourceFiles = allFiles.filter((f) => /\.[mc]?[jt]sx?$/.test(f) && !isTestFile(f));
  const functionMaps = new Map<string, FunctionRange[]>();
  for (const file of sourceFiles) {
    functionMaps.set(file, mapFunctions(file, await readFile(join(projectDir, file), 'utf8')));
  }

  const jobs: Array<{ testFile: string; testName: string }> = [];
  for (const testFile of testFiles) {
    for (const testName of await listTests(projectDir, testFile)) jobs.push({ testFile, testName });
  }
  const results: CoverageRun[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index] as { testFile: string; testName: string };
      results[index] = {
        ...job,
        functions: await runOneTest(projectDir, job.testFile, job.testName, functionMaps),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}

interface FunctionRange {
  start: number;
  end: number;
  line: number;
  /** Null for anonymous callbacks: their work belongs to the named function around them. */
  qualifiedName: string | null;
}

async function runOneTest(
  projectDir: string,
  testFile: string,
  testName: string,
  functionMaps: ReadonlyMap<string, FunctionRange[]>,
): Promise<ExecutedFunction[]> {
  const coverageDir = await mkdtemp(join(tmpdir(), 'codehub-v8cov-'));
  try {
    const { stdout } = await run(
      process.execPath,
      // The file runs in this one process (no `--test` parent), which halves the cost; selection is the same.
      ['--test-reporter=tap', `--test-name-pattern=${nodeTestNamePattern(testName)}`, testFile],
      { cwd: projectDir, env: childEnv({ NODE_V8_COVERAGE: coverageDir }), maxBuffer: 16 * 1024 * 1024 },
    );
    const passed = /^# pass (\d+)$/m.exec(stdout)?.[1];
    if (passed !== '1')
      throw new Error(`"${testName}" in ${testFile} ran ${passed ?? '?'} tests, expected exactly 1`);
    const executed = new Map<string, ExecutedFunction>();
    for (const name of await readdir(coverageDir)) {
      const report = JSON.parse(await readFile(join(coverageDir, name), 'utf8')) as V8CoverageReport;
      for (const script of report.result) {
        if (!script.url.startsWith('file:')) continue;
        const path = toProjectPath(projectDir, fileURLToPath(script.url));
        const ranges = path === null ? undefined : functionMaps.get(path);
        if (path === null || ranges === undefined) continue;
        for (const fn of script.functions) {
          const range = fn.ranges[0];
          if (range === undefined || range.count === 0 || fn.functionName === '') continue;
          const match = innermost(ranges, range.startOffset, range.endOffset);
          if (match?.qualifiedName == null) continue;
          executed.set(`${path}:${match.qualifiedName}`, {
            path,
            qualifiedName: match.qualifiedName,
            line: match.line,
          });
        }
      }
    }
    return [...executed.values()].sort((a, b) => (a.path + a.line < b.path + b.line ? -1 : 1));
  } finally {
    await rm(coverageDir, { recursive: true, force: true });
  }
}

interface V8CoverageReport {
  result: Array<{
    url: string;
    functions: Array<{
      functionName: string;
      ranges: Array<{ startOffset: number; endOffset: number; count: number }>;
    }>;
  }>;
}

/** The smallest declared function whose source range holds V8's range (V8 starts after `export`/modifiers). */
function innermost(ranges: readonly FunctionRange[], start: number, end: number): FunctionRange | null {
  let best: FunctionRange | null = null;
  for (const r of ranges) {
    if (r.start <= start && end <= r.end && (best === null || r.end - r.start < best.end - best.start))
      best = r;
  }
  return best;
}

/** Every function-like declaration of a file with its qualified name (`Class.method`, `outer.inner`, `obj.prop`). */
export function mapFunctions(path: string, text: string): FunctionRange[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const out: FunctionRange[] = [];
  const add = (node: ts.Node, qualifiedName: string | null): void => {
    const start = node.getStart(source);
    out.push({
      start,
      end: node.end,
      line: source.getLineAndCharacterOfPosition(start).line + 1,
      qualifiedName,
    });
  };
  const nameOf = (name: ts.PropertyName | ts.BindingName | undefined): string | null =>
    name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name))
      ? name.text
      : null;
  const visit = (node: ts.Node, scope: string[]): void => {
    const qualify = (name: string | null): string | null =>
      name === null ? null : [...scope, name].join('.');
    let inner = scope;
    if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const name = nameOf(node.name);
      if (ts.isFunctionDeclaration(node)) add(node, qualify(name));
      if (name !== null) inner = [...scope, name];
      else if (ts.isFunctionDeclaration(node)) inner = [...scope, '<anonymous>'];
    } else if (
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessor(node) ||
      ts.isSetAccessor(node) ||
      ts.isConstructorDeclaration(node)
    ) {
      const name = ts.isConstructorDeclaration(node) ? 'constructor' : nameOf(node.name);
      add(node, qualify(name));
      inner = [...scope, name ?? '<anonymous>'];
    } else if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const parent = node.parent;
      const name =
        ts.isVariableDeclaration(parent) ||
        ts.isPropertyAssignment(parent) ||
        ts.isPropertyDeclaration(parent)
          ? nameOf(parent.name)
          : ts.isFunctionExpression(node)
            ? nameOf(node.name)
            : null;
      add(node, qualify(name));
      inner = [...scope, name ?? '<anonymous>'];
    } else if (
      ts.isVariableDeclaration(node) &&
      node.initializer !== undefined &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      const name = nameOf(node.name);
      if (name !== null) inner = [...scope, name];
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(source, []);
  return out;
}

/** Leaf test names of one file, from a full run with the TAP reporter (suites are the entries with children). */
async function listTests(projectDir: string, testFile: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--test-reporter=tap', testFile], {
    cwd: projectDir,
    env: childEnv(),
    maxBuffer: 16 * 1024 * 1024,
  });
  interface Node {
    title: string;
    children: Node[];
  }
  const pending: Node[][] = [];
  for (const line of stdout.split('\n')) {
    const m = /^( *)(?:not )?ok \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/.exec(line);
    if (m === null) continue;
    const level = (m[1] ?? '').length / 4;
    const title = (m[2] ?? '').replace(/\\#/g, '#').replace(/\\\\/g, '\\');
    const children = pending[level + 1] ?? [];
    pending[level + 1] = [];
    (pending[level] ??= []).push({ title, children });
  }
  const names: string[] = [];
  const walk = (nodes: Node[], prefix: string[]): void => {
    for (const n of nodes) {
      if (n.children.length === 0) names.push([...prefix, n.title].join(' > '));
      else walk(n.children, [...prefix, n.title]);
    }
  };
  walk(pending[0] ?? [], []);
  return names;
}

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out.sort();
}

function isTestFile(path: string): boolean {
  return (
    /\.(test|spec)\.[mc]?[jt]sx?$/.test(path) ||
    (/(^|\/)(test|tests|__tests__)\//.test(path) && /\.[mc]?[jt]sx?$/.test(path))
  );
}

function toProjectPath(projectDir: string, absolute: string): string | null {
  const rel = relative(projectDir, absolute);
  if (rel.startsWith('..') || rel === '') return null;
  return rel.split(sep).join('/');
}
