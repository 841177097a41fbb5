/** One pasteable command per test file and runner that runs just the selected tests of that file (pure). */
import {
  escapeRegExp,
  nodeTestNamePattern,
  shellQuote,
  testCommand,
  type TestCommandInput,
  type TestRunner,
} from './test-command.js';

export interface GroupedTestCommand {
  runner: TestRunner;
  /** Repo-relative directory the command runs in (`` for the root). */
  cwd: string;
  /** The test file, repo-relative. */
  file: string;
  /** How many selected tests the command runs. */
  tests: number;
  /** The shell command, with `cd <cwd> && ` in front when the runner lives in a sub-package. */
  command: string;
}

/**
 * Groups tests by (runner, package dir, file) and writes one command per group selecting all of its tests by name.
 * Tests whose runner nothing names (no framework import, no package.json saying it) are left out, as their single
 * commands are.
 */
export function groupTestCommands(inputs: readonly TestCommandInput[]): GroupedTestCommand[] {
  const groups = new Map<
    string,
    { runner: TestRunner; cwd: string; file: string; relFile: string; names: string[] }
  >();
  for (const input of inputs) {
    const cmd = testCommand(input);
    if (cmd.runnerFrom === 'default') continue;
    const relFile =
      cmd.cwd !== '' && input.testFile.startsWith(`${cmd.cwd}/`)
        ? input.testFile.slice(cmd.cwd.length + 1)
        : input.testFile;
    const key = `${cmd.runner}\u0000${cmd.cwd}\u0000${input.testFile}`;
    const group = groups.get(key) ?? {
      runner: cmd.runner,
      cwd: cmd.cwd,
      file: input.testFile,
      relFile,
      names: [],
    };
    if (!group.names.includes(input.testName)) group.names.push(input.testName);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.runner < b.runner ? -1 : 1))
    .map((g) => {
      const command = groupCommand(g.runner, g.relFile, g.names);
      return {
        runner: g.runner,
        cwd: g.cwd,
        file: g.file,
        tests: g.names.length,
        command: g.cwd === '' ? command : `cd ${shellQuote(g.cwd)} && ${command}`,
      };
    });
}

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
