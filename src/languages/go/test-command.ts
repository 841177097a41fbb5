/** How to run one Go test: `go test` in the test's package directory, selected by an anchored `-run` pattern (pure). */
import { dirOf } from '../../core/repo-path.js';
import { shellQuote } from '../../core/shell.js';
import type { TestCommands } from '../plugin.js';

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * The `-run` pattern for a test's qualified name: `TestX` → `^TestX$`; a subtest `TestX > name` →
 * `^TestX$/^name$` (go test names a subtest with spaces as `_`). Benchmarks run with `-bench`, fuzz targets with
 * `-fuzz`'s seed corpus through `-run`.
 */
export function goRunPattern(testName: string): string {
  return testName
    .split(' > ')
    .map((part) => `^${escapeRegex(part.replace(/\s/g, '_'))}$`)
    .join('/');
}

/** The command that runs one test of `testFile`, from the directory holding the module (the repo root here). */
export function goTestCommand(testFile: string, testName: string): string {
  const dir = dirOf(testFile);
  const pkg = dir === '' ? '.' : `./${dir}`;
  const pattern = shellQuote(goRunPattern(testName));
  if (testName.startsWith('Benchmark')) return `go test ${pkg} -run '^$' -bench ${pattern}`;
  return `go test ${pkg} -run ${pattern}`;
}

/** The directory of the go.mod nearest above `testFile` among `files`, or '' (the repo root). */
function moduleDir(testFile: string, files: ReadonlyArray<{ path: string }>): string {
  let best: string | null = null;
  for (const f of files) {
    const dir = dirOf(f.path);
    if ((dir === '' || testFile.startsWith(`${dir}/`)) && (best === null || dir.length > best.length))
      best = dir;
  }
  return best ?? '';
}

export const goTestCommands: TestCommands = {
  /** go.mod files from the test's directory up to the root, nearest first. */
  inputs(testFile) {
    const out: string[] = [];
    for (let dir = dirOf(testFile); ; dir = dirOf(dir)) {
      out.push(dir === '' ? 'go.mod' : `${dir}/go.mod`);
      if (dir === '') break;
    }
    return out;
  },
  command({ testFile, testName, files }) {
    const cwd = moduleDir(testFile, files);
    const rel = cwd === '' ? testFile : testFile.slice(cwd.length + 1);
    return { cwd, command: goTestCommand(rel, testName) };
  },
  group({ testFile, testNames, files }) {
    if (testNames.length === 0) return null;
    const cwd = moduleDir(testFile, files);
    const rel = cwd === '' ? testFile : testFile.slice(cwd.length + 1);
    const dir = dirOf(rel);
    const tops = [...new Set(testNames.map((n) => n.split(' > ')[0] ?? n))].map((n) => escapeRegex(n));
    const pattern = shellQuote(`^(${tops.join('|')})$`);
    return { runner: 'go test', cwd, command: `go test ${dir === '' ? '.' : `./${dir}`} -run ${pattern}` };
  },
};
