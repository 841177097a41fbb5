/**
 * `codehub diff <repo> <base> --worktree <path>` through the real CLI: the uncommitted state of a real git checkout,
 * compared with a commit, without touching the checkout's index or refs and without publishing anything.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorktreeReport } from '../../src/service/worktree-diff.js';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

const LIB = `export function price(n: number): number {
  return n * 2;
}

export function label(n: number): string {
  return \`$\${price(n)}\`;
}
`;
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { label } from '../src/lib.js';

test('labels a price', () => {
  assert.equal(label(1), '$2');
});
`;

describe('codehub diff --worktree', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let c1: string;

  before(() => {
    work = tempDir('diff-worktree');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'wtrepo'));
    repo.write('src/lib.ts', LIB).write('test/lib.test.ts', TESTS);
    c1 = repo.commit('one');
    // Uncommitted: one edited function (staged), one new untracked file.
    repo.write('src/lib.ts', LIB.replace('n * 2', 'n * 3'));
    git(repo.dir, 'add', 'src/lib.ts');
    repo.write('src/extra.ts', 'export function extra(): number {\n  return 1;\n}\n');
  });
  after(() => removeDir(work));

  it('compares a commit with the uncommitted state and selects the tests, leaving the checkout and the hub as they were', () => {
    const statusBefore = git(repo.dir, 'status', '--porcelain');
    const r = runCli(['diff', 'local/wtrepo', 'HEAD', '--worktree', repo.dir, '--json', '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as WorktreeReport;
    assert.equal(report.base.commit, c1);
    assert.equal(report.head.ref, null);
    assert.equal(report.worktree, repo.dir);
    assert.deepEqual(
      report.changed.filter((c) => c.kind !== 'module').map((c) => [c.change, c.id]),
      [
        ['added', 'src/extra.ts::extra:function'],
        ['modified', 'src/lib.ts::price:function'],
      ],
    );
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.depth]),
      [['labels a price', 2]],
    );
    assert.equal(
      git(repo.dir, 'status', '--porcelain'),
      statusBefore,
      'the index and work tree are untouched',
    );
    assert.equal(git(repo.dir, 'rev-parse', 'HEAD'), c1);
    const repos = runCli(['repos', '--json', '--data', data]);
    assert.deepEqual(JSON.parse(repos.stdout), { repos: [] }, 'nothing was published to the hub');
    const text = runCli(['diff', 'local/wtrepo', c1, '--worktree', repo.dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^local/wtrepo {2}[0-9a-f]{12} \\(${c1}, main\\) → work tree .*wtrepo \\(uncommitted\\)`),
    );
  });

  it('refuses a work tree with unresolved merge conflicts, naming the files', () => {
    const conflicted = FixtureRepo.init(join(work, 'conflicted'));
    conflicted.write('src/a.ts', 'export const a = 1;\n');
    conflicted.commit('base');
    git(conflicted.dir, 'checkout', '-q', '-b', 'other');
    conflicted.write('src/a.ts', 'export const a = 2;\n');
    conflicted.commit('other');
    git(conflicted.dir, 'checkout', '-q', 'main');
    conflicted.write('src/a.ts', 'export const a = 3;\n');
    conflicted.commit('main');
    assert.throws(() => git(conflicted.dir, 'merge', '-q', 'other'));
    const r = runCli(['diff', 'local/conflicted', 'HEAD', '--worktree', conflicted.dir, '--data', data]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^codehub: .*conflicted has unresolved merge conflicts \(src\/a\.ts\); resolve them, or diff a commit\n$/,
    );
    const notGit = runCli(['diff', 'local/x', 'HEAD', '--worktree', join(work, 'nowhere'), '--data', data]);
    assert.equal(notGit.code, 4, notGit.stderr);
  });
});
