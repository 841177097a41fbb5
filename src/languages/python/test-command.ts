/** How to run one Python test: pytest by node id, or unittest by dotted name (pure). */
import { shellQuote } from '../../core/shell.js';
import type { TestCommands } from '../plugin.js';

export type PythonTestRunner = 'pytest' | 'unittest';

/**
 * The runner and command that run one Python test from the repo root; `testName` is the test's qualified name
 * (`Class.test_x`, or `test_x`). A file whose tests are all unittest runs with unittest; anything else with pytest
 * (which also runs unittest tests).
 */
export function pythonTestCommand(
  testFile: string,
  testName: string,
  framework: string | null,
): { runner: PythonTestRunner; command: string } {
  const parts = testName.split('.');
  if (framework === 'unittest' && parts.length >= 2) {
    const module = testFile.replace(/\.py$/, '').split('/').join('.');
    return {
      runner: 'unittest',
      command: `python -m unittest ${shellQuote(`${module}.${parts.join('.')}`)}`,
    };
  }
  return { runner: 'pytest', command: `python -m pytest ${shellQuote(`${testFile}::${parts.join('::')}`)}` };
}

/** The plug-in's test-command hook: the command needs no file's text, and runs from the repo root. */
export const pythonTestCommands: TestCommands = {
  inputs: () => [],
  command({ testFile, testName, framework }) {
    return { cwd: '', command: pythonTestCommand(testFile, testName, framework).command };
  },
  group({ testFile, testNames, framework }) {
    if (testNames.length === 0) return null;
    const names = [...new Set(testNames)];
    let each = names.map((name) => pythonTestCommand(testFile, name, framework));
    // A file whose tests would need both runners runs under pytest, which runs unittest tests too.
    if (each.some((c) => c.runner !== each[0]!.runner))
      each = names.map((name) => pythonTestCommand(testFile, name, null));
    const runner = each[0]!.runner;
    // Both runners take several tests on one command line: pytest node ids, unittest dotted names.
    const targets = each.map((c) => c.command.slice(`python -m ${runner} `.length));
    return { runner, cwd: '', command: `python -m ${runner} ${targets.join(' ')}` };
  },
};
