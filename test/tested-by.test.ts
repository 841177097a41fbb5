/**
 * Tested-by end to end on small generated repos (real git, real indexer, real SQLite): the command that runs each
 * test comes from the repo's runner, and an empty answer says whether it is exact or a lower bound.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { confidenceFor as confidenceIn, type ResolvedReason } from '../src/core/confidence.js';
import { typescriptPlugin } from '../src/languages/typescript/typescript-plugin.js';
import { indexRepository } from '../src/service/indexer.js';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import type { QueryService } from '../src/service/query-types.js';
import { FixtureRepo, removeDir, runCli, tempDir } from './helpers/fixture-repo.js';

/** A reason's confidence in the TypeScript plug-in's table (measured values, seed tiers elsewhere). */
const confidenceFor = (reason: ResolvedReason): number =>
  confidenceIn(reason, 1, typescriptPlugin.confidence);

const LIB = [
  'export class Stack {',
  '  items = [];',
  '  push(x) {',
  '    this.items.push(x);',
  '  }',
  '  size() {',
  '    return this.items.length;',
  '  }',
  '}',
  'export function untested() {',
  '  return 1;',
  '}',
  '',
].join('\n');

/** Indexes a repo built from `files` and hands a query service over it to `use`. */
async function withIndexed(
  files: Record<string, string>,
  use: (service: QueryService, repo: string, dataDir: string) => Promise<void>,
  options: { maxFileSize?: number; testReachDepth?: number } = {},
): Promise<void> {
  const work = tempDir('tested-by');
  try {
    const repoDir = join(work, 'repo');
    const fixture = FixtureRepo.init(repoDir);
    for (const [path, text] of Object.entries(files)) fixture.write(path, text);
    fixture.commit('fixture');
    const dataDir = join(work, 'data');
    const { repo } = await indexRepository({ dataDir, source: repoDir, ...options });
    const ws = openWorkspace(dataDir);
    try {
      await use(createQueryService(ws), repo, dataDir);
    } finally {
      ws.close();
    }
  } finally {
    removeDir(work);
  }
}

describe('tested-by commands', () => {
  it('runs jest tests that use describe/it globals with the jest named in package.json', async () => {
    await withIndexed(
      {
        'package.json': JSON.stringify({ scripts: { test: 'jest' }, devDependencies: { jest: '29' } }),
        'src/stack.js': LIB,
        'src/stack.test.js': [
          "import { Stack } from './stack.js';",
          "describe('Stack', () => {",
          '  let stack;',
          '  beforeEach(() => {',
          '    stack = new Stack();',
          '  });',
          "  it('grows on push', () => {",
          '    stack.push(1);',
          '    expect(stack.size()).toBe(1);',
          '  });',
          '});',
          '',
        ].join('\n'),
      },
      async (service, repo) => {
        const { tests, complete } = await service.tests(repo, 'Stack.push');
        assert.equal(complete, 'exact');
        assert.deepEqual(
          tests.map((t) => [t.name, t.depth, t.command]),
          [['Stack > grows on push', 1, "npx jest src/stack.test.js -t '^Stack grows on push$'"]],
        );
      },
    );
  });

  it('runs vitest tests from the package that owns the runner, with a cd into it', async () => {
    await withIndexed(
      {
        'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
        'packages/core/package.json': JSON.stringify({ devDependencies: { vitest: '2' } }),
        'packages/core/src/stack.ts': LIB,
        'packages/core/test/stack.test.ts': [
          "import { describe, it, expect } from 'vitest';",
          "import { Stack } from '../src/stack.js';",
          "describe('Stack', () => {",
          "  it('is empty at first', () => {",
          '    expect(new Stack().size()).toBe(0);',
          '  });',
          '});',
          '',
        ].join('\n'),
      },
      async (service, repo) => {
        const shown = await service.show(repo, 'Stack.size');
        assert.deepEqual(
          shown.tests.map((t) => t.command),
          ["cd packages/core && npx vitest run test/stack.test.ts -t '^Stack is empty at first$'"],
        );
      },
    );
  });

  it('leaves the command empty when nothing in the repo names the runner of global describe/it', async () => {
    await withIndexed(
      {
        'src/stack.js': LIB,
        'test/stack.spec.js': [
          "const { Stack } = require('../src/stack.js');",
          "it('pushes', () => {",
          '  new Stack().push(2);',
          '});',
          '',
        ].join('\n'),
      },
      async (service, repo) => {
        const { tests } = await service.tests(repo, 'Stack.push');
        assert.equal(tests.length, 1, 'the global it() is a test of the conventional test file');
        assert.equal(tests[0]?.command, null);
      },
    );
  });
});

describe('tested-by depth', () => {
  const files = {
    'src/stack.js': `${LIB}export function fill() {\n  const stack = new Stack();\n  stack.push(1);\n  return stack;\n}\n`,
    'test/fill.test.mjs': [
      "import { test } from 'node:test';",
      "import { fill } from '../src/stack.js';",
      "test('fills', () => fill());",
      '',
    ].join('\n'),
  };

  it('lists a test two calls away at depth 2 by default, direct tests first', async () => {
    await withIndexed(files, async (service, repo) => {
      const { tests } = await service.tests(repo, 'Stack.push');
      assert.deepEqual(
        tests.map((t) => [t.name, t.depth]),
        [['fills', 2]],
      );
      const product = confidenceFor('import') * confidenceFor('receiver-typed');
      assert.ok(
        Math.abs((tests[0]?.confidence ?? -1) - product) < 0.01,
        'path confidence multiplies along the path',
      );
    });
  });

  it('drops it when the index was built with a tested-by depth of 1', async () => {
    await withIndexed(
      files,
      async (service, repo) => {
        assert.deepEqual((await service.tests(repo, 'Stack.push')).tests, []);
        assert.equal((await service.tests(repo, 'fill')).tests.length, 1);
      },
      { testReachDepth: 1 },
    );
  });
});

describe('tested-by empty states', () => {
  it('says exact when every test file was analysed and no test reaches the symbol', async () => {
    await withIndexed(
      {
        'src/stack.js': LIB,
        'test/stack.test.mjs': [
          "import { test } from 'node:test';",
          "import { Stack } from '../src/stack.js';",
          "test('pushes', () => new Stack().push(1));",
          '',
        ].join('\n'),
      },
      async (service, repo, dataDir) => {
        const shown = await service.show(repo, 'untested');
        assert.deepEqual(shown.tests, []);
        assert.equal(shown.testsComplete, 'exact');
        assert.equal(shown.testsNotAnalysed, undefined);
        const cli = runCli(['show', repo, 'untested', '--data', dataDir]);
        assert.equal(cli.code, 0, cli.stderr);
        assert.match(cli.stdout, /Tested by\n {2}no test coverage detected\n/);
        const pushed = runCli(['show', repo, 'Stack.push', '--data', dataDir]);
        assert.match(
          pushed.stdout,
          /Tested by 1\n {2}pushes {2}depth 1 {2}[01]\.\d\d {2}test\/stack\.test\.mjs:3 {2}\$ node --test --test-name-pattern='\^pushes\$' test\/stack\.test\.mjs\n/,
        );
      },
    );
  });

  it('says lower bound and names the test file that could not be analysed', async () => {
    const big = `import { test } from 'node:test';\n${'// padding\n'.repeat(400)}test('x', () => {});\n`;
    await withIndexed(
      {
        'src/stack.js': LIB,
        'test/small.test.mjs': [
          "import { test } from 'node:test';",
          "import { Stack } from '../src/stack.js';",
          "test('pushes', () => new Stack().push(1));",
          '',
        ].join('\n'),
        'test/huge.test.mjs': big,
      },
      async (service, repo, dataDir) => {
        const shown = await service.show(repo, 'untested');
        assert.deepEqual(shown.tests, []);
        assert.equal(shown.testsComplete, 'lower_bound');
        assert.deepEqual(shown.testsNotAnalysed, ['test/huge.test.mjs']);
        const viaTests = await service.tests(repo, 'Stack.push');
        assert.equal(viaTests.tests.length, 1);
        assert.equal(viaTests.complete, 'lower_bound');
        assert.deepEqual(viaTests.testsNotAnalysed, ['test/huge.test.mjs']);
        const overview = await service.getRepo(repo);
        assert.deepEqual(overview.coverage.testFilesNotAnalysed, ['test/huge.test.mjs']);
        assert.equal(overview.coverage.testFiles, 2);
        assert.ok(!('testFrameworks' in overview.coverage), 'frameworks per file are not coverage');
        assert.deepEqual(
          overview.untestedHotspots.map((s) => s.qualifiedName).filter((n) => n.startsWith('Stack')),
          [],
          'a method some test reaches is no untested hotspot',
        );
        const cli = runCli(['show', repo, 'untested', '--data', dataDir]);
        assert.match(cli.stdout, /no test coverage detected in the test files that were analysed/);
        assert.match(
          cli.stdout,
          /a lower bound: some test files could not be analysed: test\/huge\.test\.mjs/,
        );
      },
      { maxFileSize: 1000 },
    );
  });
});
