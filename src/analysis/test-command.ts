/** How to run one test: the runner the repo uses and a shell command that selects just that test (pure). */
import { pythonTestCommand } from '../languages/python/conventions.js';

export type TestRunner =
  'vitest' | 'jest' | 'mocha' | 'node' | 'bun' | 'ava' | 'playwright' | 'pytest' | 'unittest';

export interface TestCommandInput {
  /** Repo-relative path of the test file. */
  testFile: string;
  /** Qualified test name, suites first: `Suite > inner > title`. */
  testName: string;
  /** Framework the file imports (`vitest`, `@jest/globals`, `node:test`, `bun:test`, `ava`, `@playwright/test`, `mocha`), if known. */
  framework?: string | null;
  /** package.json files from the test file's nearest package up to the repo root (nearest first), with their texts. */
  packageJsons?: ReadonlyArray<{ path: string; text: string }>;
}

export interface TestCommand {
  runner: TestRunner;
  /** Repo-relative directory to run the command in (the package that owns the runner; `` for the root). */
  cwd: string;
  command: string;
  /** What named the runner: the file's framework import, a package.json, or nothing (then `node` is a guess). */
  runnerFrom: 'framework' | 'package.json' | 'default';
}

const FRAMEWORK_RUNNERS: Readonly<Record<string, TestRunner>> = {
  vitest: 'vitest',
  jest: 'jest',
  '@jest/globals': 'jest',
  mocha: 'mocha',
  'node:test': 'node',
  node: 'node',
  'bun:test': 'bun',
  bun: 'bun',
  ava: 'ava',
  '@playwright/test': 'playwright',
  playwright: 'playwright',
};

/** Script words and dependency names that reveal a runner, most specific first. */
const SCRIPT_SIGNS: ReadonlyArray<[RegExp, TestRunner]> = [
  [/\bvitest\b/, 'vitest'],
  [/\bjest\b/, 'jest'],
  [/\bplaywright\s+test\b/, 'playwright'],
  [/\bmocha\b/, 'mocha'],
  [/\bava\b/, 'ava'],
  [/\bbun\s+test\b/, 'bun'],
  [/\bnode\b[^&|;]*\s--test\b/, 'node'],
];
const DEPENDENCY_SIGNS: ReadonlyArray<[string, TestRunner]> = [
  ['vitest', 'vitest'],
  ['jest', 'jest'],
  ['mocha', 'mocha'],
  ['ava', 'ava'],
  ['@playwright/test', 'playwright'],
  ['bun-types', 'bun'],
  ['@types/bun', 'bun'],
];

/** The command that runs just `testName` in `testFile`, with the runner picked from the file's framework and package.json. */
export function testCommand(input: TestCommandInput): TestCommand {
  // Hook: Python's runners take the test's path and qualified name (issue 14 Part 1 moves this onto the plug-in).
  if (input.framework === 'pytest' || input.framework === 'unittest') {
    const { runner, command } = pythonTestCommand(input.testFile, input.testName, input.framework);
    return { runner, cwd: '', command, runnerFrom: 'framework' };
  }
  const packages = (input.packageJsons ?? []).map((p) => ({ dir: dirname(p.path), json: parseJson(p.text) }));
  const fromFramework = input.framework ? FRAMEWORK_RUNNERS[input.framework] : undefined;
  let runner: TestRunner | undefined = fromFramework;
  let cwd = packages[0]?.dir ?? '';
  if (runner === undefined) {
    // Global describe/it: the package's test script says which runner provides them, then its dependencies.
    outer: for (const pkg of packages) {
      const found = runnerFromScripts(pkg.json) ?? runnerFromDependencies(pkg.json);
      if (found !== undefined) {
        runner = found;
        cwd = pkg.dir;
        break outer;
      }
    }
  } else {
    const owner = packages.find(
      (p) => runnerFromScripts(p.json) === runner || runnerFromDependencies(p.json) === runner,
    );
    if (owner !== undefined) cwd = owner.dir;
  }
  const runnerFrom =
    fromFramework !== undefined ? 'framework' : runner !== undefined ? 'package.json' : 'default';
  runner ??= 'node';
  const file = relativeTo(cwd, input.testFile);
  return { runner, cwd, command: commandFor(runner, file, input.testName), runnerFrom };
}

function commandFor(runner: TestRunner, file: string, qualifiedName: string): string {
  const parts = qualifiedName.split(' > ');
  const spaced = parts.join(' ');
  const f = shellQuote(file);
  switch (runner) {
    case 'vitest':
      return `npx vitest run ${f} -t ${shellQuote(`^${escapeRegExp(spaced)}$`)}`;
    case 'jest':
      return `npx jest ${f} -t ${shellQuote(`^${escapeRegExp(spaced)}$`)}`;
    case 'bun':
      return `bun test ${f} -t ${shellQuote(`^${escapeRegExp(spaced)}$`)}`;
    case 'mocha':
      return `npx mocha ${f} --grep ${shellQuote(`^${escapeRegExp(spaced)}$`)}`;
    case 'playwright':
      // Playwright greps the title path including the file and project, so the pattern is not anchored.
      return `npx playwright test ${f} -g ${shellQuote(escapeRegExp(spaced))}`;
    case 'ava':
      // AVA matches titles with `*` wildcards and no escapes; a leading `!` would negate.
      return `npx ava ${f} --match ${shellQuote(spaced.replace(/^!/, '*'))}`;
    case 'node':
      return `node --test --test-name-pattern=${shellQuote(nodeTestNamePattern(qualifiedName))} ${f}`;
    case 'pytest':
    case 'unittest':
      return pythonTestCommand(file, qualifiedName, runner).command;
  }
}

/**
 * A `--test-name-pattern` that selects one node:test case. Node 20 matches the pattern against each test's own title
 * only (suite names are not part of it; a matching suite would run all of its tests), so the anchored title is the
 * narrowest pattern; a title repeated in another suite of the same file also runs.
 */
export function nodeTestNamePattern(qualifiedName: string): string {
  const parts = qualifiedName.split(' > ');
  return `^${escapeRegExp(parts[parts.length - 1] ?? qualifiedName)}$`;
}

function runnerFromScripts(json: Record<string, unknown> | null): TestRunner | undefined {
  const scripts = json?.scripts;
  if (typeof scripts !== 'object' || scripts === null) return undefined;
  const entries = Object.entries(scripts as Record<string, unknown>);
  // `test` decides; other test-ish scripts (test:unit, e2e) only if it says nothing.
  const ordered = [
    ...entries.filter(([k]) => k === 'test'),
    ...entries.filter(([k]) => k !== 'test' && /test|spec|e2e/.test(k)),
  ];
  for (const [, value] of ordered) {
    if (typeof value !== 'string') continue;
    for (const [re, runner] of SCRIPT_SIGNS) if (re.test(value)) return runner;
  }
  return undefined;
}

function runnerFromDependencies(json: Record<string, unknown> | null): TestRunner | undefined {
  if (json === null) return undefined;
  const deps = { ...asRecord(json.dependencies), ...asRecord(json.devDependencies) };
  for (const [name, runner] of DEPENDENCY_SIGNS) if (name in deps) return runner;
  return undefined;
}

/** Escapes regular-expression metacharacters so a test title matches only itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** POSIX shell quoting: bare when safe, else single quotes with embedded quotes spliced as '\''. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function relativeTo(dir: string, path: string): string {
  return dir !== '' && path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}
