import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { changedBaseLines, codeOnly, replayHistory, summarise } from '../bench/replay-history.js';
import type { ReplayHistory } from '../bench/replay-history.js';
import { findReplayPython, runPythonUnit } from '../bench/replay-python.js';
import { git, removeDir, tempDir } from './helpers/fixture-repo.js';

const MATH = (
  addHeader: string,
  addBody: string,
  mulBody: string,
  comment = 'arithmetic',
): string => `# ${comment}
def ${addHeader}:
    ${addBody}


def mul(a, b):
    ${mulBody}


def half(a):
    return a // 2
`;

const TESTS: Record<string, string> = {
  // An empty root conftest puts the repository on sys.path, so the tests import the package.
  'conftest.py': '',
  'tests/test_add.py': `from pkg.mathx import add


def test_adds():
    assert add(1, 2) == 3
`,
  'tests/test_mul.py': `from pkg.mathx import mul


def test_multiplies():
    assert mul(2, 3) == 6
`,
  // Reaches mul through getattr: execution sees it, a static call graph cannot.
  'tests/test_dynamic.py': `from pkg import mathx

WHICH = "".join(["m", "u", "l"])


def test_operation_chosen_at_run_time():
    assert getattr(mathx, WHICH)(2, 2) == 4
`,
};

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function commit(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

test('Python hunks compare without # comments, and // stays floor division', () => {
  assert.equal(codeOnly('x = a // b  # half of it', 'm.py'), codeOnly('x = a // b  # a half', 'm.py'));
  assert.notEqual(codeOnly('x = a // b', 'm.py'), codeOnly('x = a // c', 'm.py'));
  assert.notEqual(codeOnly('s = "# not a comment"', 'm.py'), codeOnly('s = "# changed"', 'm.py'));
});

const python = findReplayPython();

test(
  'replaying a small Python history scores codehub against the tests whose coverage.py run touches a changed line',
  {
    timeout: 180_000,
    skip: python.python === null ? `needs a Python with pytest and coverage.py: ${python.reason}` : false,
  },
  async () => {
    const dir = tempDir('replay-python-smoke');
    try {
      const repo = join(dir, 'repo');
      mkdirSync(repo);
      git(repo, 'init', '-q', '-b', 'main');
      write(repo, { ...TESTS, 'pkg/__init__.py': '' });
      write(repo, { 'pkg/mathx.py': MATH('add(a, b)', 'return a + b', 'return a * b') });
      const commits = [commit(repo, 'first')];
      // The signature changes too: it is add's, run when add is called, not when the module loads.
      write(repo, { 'pkg/mathx.py': MATH('add(a, b=0)', 'return b + a', 'return a * b') });
      commits.push(commit(repo, 'add changes'));
      write(repo, { 'pkg/mathx.py': MATH('add(a, b=0)', 'return b + a', 'return b * a') });
      commits.push(commit(repo, 'mul changes'));
      write(repo, { 'pkg/mathx.py': MATH('add(a, b=0)', 'return b + a', 'return b * a', 'commutative') });
      commits.push(commit(repo, 'a comment changes'));

      assert.deepEqual(
        [...(changedBaseLines(repo, commits[0]!, commits[1]!).code.get('pkg/mathx.py') ?? [])],
        [2, 3],
        'the changed base lines of the first step are add’s signature and body',
      );
      assert.equal(
        changedBaseLines(repo, commits[2]!, commits[3]!).code.size,
        0,
        'a comment is no code change',
      );

      const history: ReplayHistory = {
        name: 'fixture',
        kind: 'commits',
        repoDir: repo,
        commits,
        labels: ['c0', 'c1', 'c2', 'c3'],
        granularity: 'test file',
        suiteRule: 'tests/test_*.py',
        prepare: () => null,
        suite: () =>
          Object.keys(TESTS)
            .filter((p) => p.startsWith('tests/'))
            .sort(),
        unitArgs: () => [],
        runUnit: (unit, interest, repoDir) => runPythonUnit(python.python!, repoDir, unit, interest, 60_000),
        unitTimeoutMs: 60_000,
      };
      const result = await replayHistory(history, {
        dataDir: join(dir, 'data'),
        repoId: 'fixture/test/replay-python',
      });
      const [addStep, mulStep, commentStep] = result.steps;
      assert.equal(result.steps.length, 3);
      for (const step of result.steps) {
        assert.equal(step.skipped, null, `${step.label}: ${step.skipped}`);
        assert.deepEqual(step.failingUnits, [], `${step.label}: every unit passes at base`);
      }

      assert.deepEqual(
        addStep!.truth,
        ['tests/test_add.py'],
        'loading the module does not run add’s signature',
      );
      assert.deepEqual(addStep!.truthTests, ['tests/test_add.py::test_add.test_adds']);
      assert.deepEqual(addStep!.selected, ['tests/test_add.py']);
      assert.deepEqual(addStep!.missed, []);

      assert.deepEqual(mulStep!.truth, ['tests/test_dynamic.py', 'tests/test_mul.py']);
      assert.deepEqual(mulStep!.truthTests, [
        'tests/test_dynamic.py::test_dynamic.test_operation_chosen_at_run_time',
        'tests/test_mul.py::test_mul.test_multiplies',
      ]);
      assert.deepEqual(mulStep!.selected, ['tests/test_mul.py']);
      assert.deepEqual(
        mulStep!.missed.map((m) => [m.unit, m.example]),
        [['tests/test_dynamic.py', 'pkg/mathx.py:7']],
      );
      assert.match(
        mulStep!.missed[0]!.cause,
        /changed function not reached from the test statically \(mul\)/,
      );

      assert.deepEqual(commentStep!.truth, []);
      assert.equal(commentStep!.cosmeticLines, 1);

      const summary = summarise(result);
      assert.equal(summary.truthUnits, 3);
      assert.equal(summary.safety, 2 / 3, 'two of the three units that ran a changed line were selected');
    } finally {
      removeDir(dir);
    }
  },
);
