/**
 * `codehub diff` through the real CLI: a fixture repository with two commits (real git), both indexed with
 * `codehub index --ref`, compared by commit and by ref.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChangeReport } from '../../src/service/change-service.js';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

const MATH_V1 = `export function add(a: number, b: number): number {
  return a + b;
}

export function twice(x: number): number {
  return add(x, x);
}

export function square(x: number): number {
  return x * x;
}

export function oldName(): number {
  return 41 + 1;
}

export function goner(): string {
  return 'bye';
}
`;

const MATH_V2 = `export function add(a: number, b: number): number {
  return b + a;
}

export function twice(x: number): number {
    return add(x,   x);
}

export function square(x: number): number {
  return x * x;
}

export function newName(): number {
  return 41 + 1;
}

export function fresh(): string {
  return 'hi';
}
`;

const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { twice, square } from '../src/math.js';
import { shout } from '../src/text.js';

test('twice doubles', () => {
  assert.equal(twice(2), 4);
});

test('square squares', () => {
  assert.equal(square(3), 9);
});

test('shout shouts', () => {
  assert.equal(shout('a'), 'A!');
});
`;

const TEXT = `export function shout(s: string): string {
  return s.toUpperCase() + '!';
}
`;

const CHANGED_KEYS = [
  'before',
  'change',
  'endLine',
  'id',
  'kind',
  'name',
  'path',
  'qualifiedName',
  'signature',
  'startLine',
];
const TEST_KEYS = ['command', 'confidence', 'depth', 'id', 'name', 'path', 'reaches', 'startLine'];
const REPORT_KEYS = [
  'base',
  'changed',
  'commands',
  'complete',
  'edges',
  'files',
  'head',
  'impacted',
  'incomplete',
  'relation',
  'repo',
  'tests',
];

describe('codehub diff between two indexed commits', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let c1: string;
  let c2: string;
  let c3: string;
  let unindexed: string;
  let lonely: string;
  const repoId = 'local/diffrepo';

  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  const diffJson = (base: string, head: string): ChangeReport => {
    const r = cli('diff', repoId, base, head, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    return JSON.parse(r.stdout) as ChangeReport;
  };

  before(() => {
    work = tempDir('diff-cli');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'diffrepo'));
    repo.write('src/math.ts', MATH_V1).write('src/text.ts', TEXT).write('test/math.test.ts', TESTS);
    repo.write('src/util/move-me.ts', 'export function wander(): number {\n  return 7;\n}\n');
    c1 = repo.commit('one');
    git(repo.dir, 'tag', 'v1');
    repo.write('src/math.ts', MATH_V2).remove('src/util/move-me.ts');
    repo.write('src/lib/moved.ts', 'export function wander(): number {\n  return 7;\n}\n');
    c2 = repo.commit('two');
    git(repo.dir, 'branch', 'feature');
    repo.write('data/table.json', '{"a": 1}\n').write('assets/logo.bin', Buffer.from([0, 1, 2, 0, 255]));
    c3 = repo.commit('three: a data file no plug-in reads');
    repo.write('src/text.ts', TEXT.replace("'!'", "'!!'"));
    unindexed = repo.commit('four: never indexed');
    git(repo.dir, 'checkout', '-q', '--orphan', 'lonely');
    git(repo.dir, 'rm', '-rfq', '.');
    repo.write('src/text.ts', TEXT);
    lonely = repo.commit('an unrelated history');
    git(repo.dir, 'checkout', '-q', 'main');
    for (const ref of ['v1', 'feature', c3, 'lonely']) {
      const r = cli('index', repo.dir, '--ref', ref, '--json');
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => removeDir(work));

  it('lists modified, moved, renamed, added and removed symbols and ignores whitespace-only edits', () => {
    const r = diffJson('v1', 'feature');
    assert.deepEqual(Object.keys(r).sort(), REPORT_KEYS);
    assert.equal(r.base.commit, c1);
    assert.equal(r.head.commit, c2);
    const byName = new Map(r.changed.map((c) => [c.name, c]));
    assert.equal(byName.get('add')?.change, 'modified');
    assert.equal(byName.has('twice'), false, 'a whitespace-only edit is not a modification');
    assert.equal(byName.has('square'), false);
    assert.equal(byName.get('newName')?.change, 'moved');
    assert.equal(byName.get('newName')?.before?.id, 'src/math.ts::oldName:function');
    assert.equal(byName.get('wander')?.change, 'moved');
    assert.equal(byName.get('wander')?.path, 'src/lib/moved.ts');
    assert.equal(byName.get('wander')?.before?.path, 'src/util/move-me.ts');
    assert.equal(byName.get('fresh')?.change, 'added');
    assert.equal(byName.get('goner')?.change, 'removed');
    assert.equal(byName.has('oldName'), false, 'a renamed symbol is one moved entry, not removed + added');
    for (const c of r.changed) assert.deepEqual(Object.keys(c).sort(), CHANGED_KEYS);
    assert.deepEqual(byName.get('add') && [byName.get('add')?.startLine, byName.get('add')?.endLine], [1, 3]);
  });

  it('selects exactly the tests that reach a changed symbol, with depth, confidence and a command', () => {
    const r = diffJson(c1.slice(0, 10), 'feature');
    const names = r.tests.map((t) => t.name).sort();
    assert.deepEqual(names, ['twice doubles'], 'square and shout are untouched');
    const t = r.tests[0]!;
    assert.deepEqual(Object.keys(t).sort(), TEST_KEYS);
    assert.deepEqual(t.reaches, ['src/math.ts::add:function']);
    assert.equal(t.depth, 2);
    assert.ok(t.confidence > 0 && t.confidence <= 1);
    assert.equal(t.command, "node --test --test-name-pattern='^twice doubles$' test/math.test.ts");
    assert.deepEqual(
      r.commands.map((c) => c.command),
      ["node --test --test-name-pattern='^twice doubles$' test/math.test.ts"],
    );
    const impacted = new Map(r.impacted.map((i) => [i.id, i]));
    assert.equal(impacted.get('src/math.ts::twice:function')?.depth, 1);
    assert.equal(impacted.get('test/math.test.ts::twice doubles:test')?.depth, 2);
    assert.equal(r.complete, true, JSON.stringify(r.incomplete));
  });

  it('reports call edges that appeared and went', () => {
    const r = diffJson('v1', 'feature');
    assert.deepEqual(r.edges.added, []);
    assert.deepEqual(r.edges.removed, []);
    // Head → base turns the rename around: the old name is added back, and nothing calls either.
    assert.equal(r.relation, 'ancestor');
    const back = diffJson('feature', 'v1');
    assert.equal(back.relation, 'descendant');
    assert.equal(back.changed.find((c) => c.name === 'oldName')?.change, 'moved');
    assert.equal(back.changed.find((c) => c.name === 'goner')?.change, 'added');
  });

  it('says the answer is incomplete when a changed file was not analysed, naming it', () => {
    const r = diffJson('feature', c3);
    assert.deepEqual(r.files.added, ['assets/logo.bin', 'data/table.json']);
    assert.equal(r.changed.length, 0);
    assert.equal(r.complete, false);
    assert.deepEqual(
      r.incomplete.filter((i) => i.reason === 'unanalysed-file').map((i) => i.message),
      [
        'changed file assets/logo.bin was not analysed (binary): code that reads it is not traced',
        'changed file data/table.json was not analysed (no language plug-in): code that reads it is not traced',
      ],
    );
    const text = cli('diff', repoId, 'feature', c3);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /incomplete: these could hide affected tests\n {2}unanalysed-file: changed file assets\/logo\.bin/,
    );
  });

  it('says when base is newer than head, or shares no history with it', () => {
    const back = cli('diff', repoId, 'feature', 'v1');
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /\nnote: base is newer than head: this shows the change from base undone/);
    const unrelated = diffJson('v1', 'lonely');
    assert.equal(unrelated.relation, 'unrelated');
    assert.equal(unrelated.head.commit, lonely);
    assert.ok(unrelated.files.removed.includes('src/math.ts'));
    assert.match(cli('diff', repoId, 'v1', 'lonely').stdout, /\nnote: base and head share no history/);
  });

  it('prints the changes, tests and pasteable commands as text', () => {
    const r = cli('diff', repoId, 'v1', 'feature');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^local\/diffrepo {2}[0-9a-f]{12} \(v1\) → [0-9a-f]{12} \(feature/);
    assert.match(r.stdout, /modified {2}Function {5}add {2}src\/math\.ts:1–3/);
    assert.match(
      r.stdout,
      /moved {5}Function {5}newName {2}src\/math\.ts:13–15 {3}\(from src\/math\.ts::oldName:function\)/,
    );
    assert.match(
      r.stdout,
      /commands \(one per test file\):\n {2}node --test --test-name-pattern='\^twice doubles\$' test\/math\.test\.ts/,
    );
  });

  it('lists every indexed snapshot with its refs in repos --json, newest first', () => {
    const r = cli('repos', '--json');
    assert.equal(r.code, 0, r.stderr);
    const [entry] = (
      JSON.parse(r.stdout) as { repos: Array<{ commit: string; snapshots: ChangeReport['base'][] }> }
    ).repos;
    assert.equal(entry?.commit, lonely, 'the existing fields still describe the newest snapshot');
    assert.deepEqual(
      entry?.snapshots.map((s) => s.commit),
      [lonely, c3, c2, c1],
    );
    assert.deepEqual(
      entry?.snapshots.map((s) => s.ref),
      ['lonely', c3, 'feature', 'v1'],
    );
    assert.deepEqual(
      entry?.snapshots[3]?.refs,
      ['v1'],
      'the tag indexed with --ref points at the first commit',
    );
    assert.deepEqual(entry?.snapshots[2]?.refs, ['feature']);
    assert.match(String(entry?.snapshots[0]?.committedAt), /^\d{4}-\d\d-\d\dT/);
  });

  it('answers bad input with one clear line and the right exit code', () => {
    const cases: Array<{ args: string[]; code: number; message: RegExp }> = [
      {
        args: ['local/nope', 'v1', 'feature'],
        code: 6,
        message: /no repo 'local\/nope'; closest: local\/diffrepo/,
      },
      {
        args: [repoId, 'v1', 'no-such-branch'],
        code: 5,
        message: /'no-such-branch' names no indexed snapshot of local\/diffrepo and no commit/,
      },
      {
        args: [repoId, 'v1', unindexed],
        code: 5,
        message: new RegExp(
          `is commit ${unindexed.slice(0, 12)} of local/diffrepo, which is not indexed; index it with 'codehub index .* --ref ${unindexed}'`,
        ),
      },
      { args: [repoId, 'v1', 'main'], code: 5, message: /which is not indexed; index it with/ },
      { args: [repoId, 'v1', c1], code: 2, message: /are the same snapshot/ },
      {
        args: [repoId, 'v1..feature', 'feature'],
        code: 2,
        message: /contains '\.\.'; give base and head as two separate/,
      },
      { args: [repoId, '../../etc', 'feature'], code: 2, message: /contains '\.\.'/ },
      { args: [repoId, 'v1'], code: 2, message: /diff takes <repo> <base> <head>/ },
    ];
    for (const c of cases) {
      const r = cli('diff', ...c.args);
      assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, c.message);
      assert.equal(r.stdout, '');
    }
    const json = cli('diff', repoId, 'v1', unindexed, '--json');
    assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'RefNotFound');
  });
});
