import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { changedBaseLines, renderReplay, replayHistory, summarise } from '../bench/replay-history.js';
import type { ReplayHistory } from '../bench/replay-history.js';
import { git, removeDir, tempDir } from './helpers/fixture-repo.js';

const MATH = (addBody: string, mulBody: string, comment = 'arithmetic'): string => `// ${comment}
function add(a, b) {
  ${addBody}
}

function mul(a, b) {
  ${mulBody}
}

module.exports = { add, mul };
`;

const TESTS: Record<string, string> = {
  'test/add.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/math.js');
test('adds two numbers', () => {
  assert.equal(add(1, 2), 3);
});
`,
  'test/mul.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const { mul } = require('../src/math.js');
test('multiplies two numbers', () => {
  assert.equal(mul(2, 3), 6);
});
`,
  // Reaches mul through a computed member: execution sees it, a static call graph cannot.
  'test/dynamic.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const math = require('../src/math.js');
const which = ['m', 'u', 'l'].join('');
test('calls an operation chosen at run time', () => {
  assert.equal(math[which](2, 2), 4);
});
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

test(
  'replaying a small history scores codehub against the tests whose execution touches a changed line',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir('replay-smoke');
    try {
      const repo = join(dir, 'repo');
      mkdirSync(repo);
      git(repo, 'init', '-q', '-b', 'main');
      write(repo, { 'package.json': '{ "name": "replay-fixture", "version": "1.0.0" }\n', ...TESTS });
      write(repo, { 'src/math.js': MATH('return a + b;', 'return a * b;') });
      const commits = [commit(repo, 'first')];
      write(repo, { 'src/math.js': MATH('return b + a;', 'return a * b;') });
      commits.push(commit(repo, 'add changes'));
      write(repo, { 'src/math.js': MATH('return b + a;', 'return b * a;') });
      commits.push(commit(repo, 'mul changes'));
      write(repo, { 'src/math.js': MATH('return b + a;', 'return b * a;', 'arithmetic, commutative') });
      commits.push(commit(repo, 'a comment changes'));

      assert.deepEqual(
        [...(changedBaseLines(repo, commits[0]!, commits[1]!).code.get('src/math.js') ?? [])],
        [3],
        'the changed base line of the first step is add’s body',
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
        suiteRule: 'test/*.test.js',
        prepare: () => null,
        suite: () => Object.keys(TESTS).sort(),
        unitArgs: (unit) => [unit],
        unitTimeoutMs: 30_000,
      };
      const result = await replayHistory(history, {
        dataDir: join(dir, 'data'),
        repoId: 'fixture/test/replay',
      });
      const [addStep, mulStep, commentStep] = result.steps;
      assert.equal(result.steps.length, 3);
      for (const step of result.steps) assert.equal(step.skipped, null, `${step.label}: ${step.skipped}`);

      assert.deepEqual(addStep!.truth, ['test/add.test.js']);
      assert.deepEqual(addStep!.selected, ['test/add.test.js']);
      assert.deepEqual(addStep!.missed, []);

      assert.deepEqual(mulStep!.truth, ['test/dynamic.test.js', 'test/mul.test.js']);
      assert.deepEqual(mulStep!.selected, ['test/mul.test.js']);
      assert.deepEqual(
        mulStep!.missed.map((m) => [m.unit, m.example]),
        [['test/dynamic.test.js', 'src/math.js:7']],
      );
      assert.match(
        mulStep!.missed[0]!.cause,
        /changed function not reached from the test statically \(mul\)/,
      );

      assert.deepEqual(commentStep!.truth, []);
      assert.equal(commentStep!.cosmeticLines, 1);

      const summary = summarise(result);
      assert.equal(summary.withTruth, 2);
      assert.equal(summary.truthUnits, 3);
      assert.equal(summary.safety, 2 / 3, 'two of the three units that ran a changed line were selected');
      assert.equal(summary.max, 1 / 3);
      const markdown = renderReplay(result);
      assert.match(markdown, /\| 3 \| 3 \| 0 \| 2 \| 3 \| 2 \| 66\.7 % \| 66\.7 % \|/);
      assert.equal(mulStep!.missed[0]!.loadTimeOnly, false);
      assert.match(markdown, /changed function not reached from the test statically/);
    } finally {
      removeDir(dir);
    }
  },
);
