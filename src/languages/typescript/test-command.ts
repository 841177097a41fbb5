/**
 * How to run one JS/TS test: the runner the repo uses (the file's framework import, else the package.json files
 * from the test's package up to the root) and a shell command that selects just that test (pure).
 */
import { shellQuote } from '../../core/shell.js';
import type { TestCommands } from '../plugin.js';

export { shellQuote };

export type TestRunner = 'vitest' | 'jest' | 'mocha' | 'node' | 'bun' | 'ava' | 'playwright';

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

/** The package.json files from a test file's directory up to the repo root, nearest first. */
export function packageJsonsAbove(testFile: string): string[] {
  const dirs = testFile.split('/').slice(0, -1);
  const out: string[] = [];
  for (let n = dirs.length; n >= 0; n--) out.push([...dirs.slice(0, n), 'package.json'].join('/'));
  return out;
}

/** The plug-in's test-command hook: package.json files as inputs, no command when nothing names the runner. */
export const jsTestCommands: TestCommands = {
  inputs: packageJsonsAbove,
  command({ testFile, testName, framework, files }) {
    const cmd = testCommand({ testFile, testName, framework, packageJsons: files });
    return cmd.runnerFrom === 'default' ? null : { cwd: cmd.cwd, command: cmd.command };
  },
  group({ testFile, testNames, framework, files }) {
    const first = testNames[0];
    if (first === undefined) return null;
    const cmd = testCommand({ testFile, testName: first, framework, packageJsons: files });
    if (cmd.runnerFrom === 'default') return null;
    const relFile =
      cmd.cwd !== '' && testFile.startsWith(`${cmd.cwd}/`) ? testFile.slice(cmd.cwd.length + 1) : testFile;
    return {
      runner: cmd.runner,
      cwd: cmd.cwd,
      command: groupCommand(cmd.runner, relFile, [...new Set(testNames)]),
    };
  },
};

/** The command that runs the tests named `qualifiedNames` of one file with `runner`, selecting them by name. */
function groupCommand(runner: TestRunner, file: string, qualifiedNames: readonly string[]): string {
  const f = shellQuote(file);
  const spaced = qualifiedNames.map((n) => escapeRegExp(n.split(' > ').join(' ')));
  const anchored = shellQuote(spaced.length === 1 ? `^${spaced[0]}$` : `^(?:${spaced.join('|')})$`);
  switch (runner) {
    case 'vitest':
      return `npx vitest run ${f} -t ${anchored}`;
    case 'jest':
      return `npx jest ${f} -t ${anchored}`;
    case 'bun':
      return `bun test ${f} -t ${anchored}`;
    case 'mocha':
      return `npx mocha ${f} --grep ${anchored}`;
    case 'playwright':
      return `npx playwright test ${f} -g ${shellQuote(spaced.join('|'))}`;
    case 'ava':
      return `npx ava ${f} ${qualifiedNames.map((n) => `--match ${shellQuote(n.split(' > ').join(' ').replace(/^!/, '*'))}`).join(' ')}`;
    case 'node': {
      // node:test matches each test's own title; several patterns run the tests matching any of them.
      const patterns = [...new Set(qualifiedNames.map(nodeTestNamePattern))];
      return `node --test ${patterns.map((p) => `--test-name-pattern=${shellQuote(p)}`).join(' ')} ${f}`;
    }
  }
}
