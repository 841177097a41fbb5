/**
 * The TypeScript plug-in's one rule per language fact, checked through the real indexer on real git repos: the
 * test-file rule (a mocha `spec/` file yields tests, runs with mocha and searches as test code) and config-file
 * selection (a shared tsconfig package's `paths` reach the resolver, so an aliased import resolves), and a CommonJS
 * export object whose member is another module's require.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { indexRepository } from '../../src/service/indexer.js';
import { createQueryService } from '../../src/service/query-service.js';
import type { QueryService } from '../../src/service/query-types.js';
import { openWorkspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

/** Builds a git repo from `files`, indexes it (with `codehub index` when `cli`), and queries it. */
async function withIndexed(
  files: Record<string, string>,
  use: (service: QueryService, repo: string) => Promise<void>,
  how: { cli?: boolean; maxFileSize?: number } = {},
): Promise<void> {
  const work = tempDir('ts-indexed');
  try {
    const repoDir = join(work, 'repo');
    const fixture = FixtureRepo.init(repoDir);
    for (const [path, text] of Object.entries(files)) fixture.write(path, text);
    fixture.commit('fixture');
    const dataDir = join(work, 'data');
    let repo: string;
    if (how.cli) {
      const indexed = runCli(['index', repoDir, '--name', 'local/fixture', '--data', dataDir]);
      assert.equal(indexed.code, 0, indexed.stderr);
      repo = 'local/fixture';
    } else {
      repo = (await indexRepository({ dataDir, source: repoDir, maxFileSize: how.maxFileSize })).repo;
    }
    const ws = openWorkspace(dataDir);
    try {
      await use(createQueryService(ws), repo);
    } finally {
      ws.close();
    }
  } finally {
    removeDir(work);
  }
}

const CART = [
  'class Cart {',
  '  constructor() {',
  '    this.items = [];',
  '  }',
  '  add(item) {',
  '    this.items.push(item);',
  '  }',
  '  count() {',
  '    return this.items.length;',
  '  }',
  '}',
  'module.exports = { Cart };',
  '',
].join('\n');

describe('the TypeScript plug-in through the indexer', () => {
  it('treats a mocha-style spec/cart.js as a test file: its tests reach the code, run with mocha and search as test code', async () => {
    await withIndexed(
      {
        'package.json': JSON.stringify({ scripts: { test: 'mocha spec' }, devDependencies: { mocha: '10' } }),
        'lib/cart.js': CART,
        'spec/helpers.js': [
          "const { Cart } = require('../lib/cart');",
          'function filledCart() {',
          '  const cart = new Cart();',
          '  cart.add(1);',
          '  return cart;',
          '}',
          'module.exports = { filledCart };',
          '',
        ].join('\n'),
        'spec/cart.js': [
          "const assert = require('assert');",
          "const { Cart } = require('../lib/cart');",
          "describe('Cart', () => {",
          "  it('adds an item', () => {",
          '    const cart = new Cart();',
          "    cart.add('apple');",
          '    assert.equal(cart.count(), 1);',
          '  });',
          '});',
          '',
        ].join('\n'),
      },
      async (service, repo) => {
        const { tests, complete } = await service.tests(repo, 'Cart.add');
        assert.equal(complete, 'exact');
        assert.deepEqual(
          tests.map((t) => [t.name, t.path, t.depth, t.command]),
          [['Cart > adds an item', 'spec/cart.js', 1, "npx mocha spec/cart.js --grep '^Cart adds an item$'"]],
        );
        const helper = await service.search({ q: 'filledCart', repo });
        assert.deepEqual(
          helper.map((h) => [h.qualifiedName, h.isTest]),
          [['filledCart', true]],
        );
        const { coverage } = await service.getRepo(repo);
        assert.deepEqual([coverage.testFiles, coverage.testFilesAnalysed], [2, 2]);
      },
    );
  });

  it('counts a spec/ file too large to read as a test file whose tests are unknown, so tested-by is a lower bound', async () => {
    await withIndexed(
      {
        'lib/cart.js': CART,
        'spec/cart.js': [
          "const { Cart } = require('../lib/cart');",
          "describe('Cart', () => {",
          "  it('adds an item', () => {",
          "    new Cart().add('apple');",
          '  });',
          '});',
          '',
        ].join('\n'),
        'spec/big.js': `// generated\n${'const x = 1;\n'.repeat(400)}`,
      },
      async (service, repo) => {
        const { tests, complete, testsNotAnalysed } = await service.tests(repo, 'Cart.add');
        assert.deepEqual(
          tests.map((t) => t.name),
          ['Cart > adds an item'],
        );
        assert.equal(complete, 'lower_bound');
        assert.deepEqual(testsNotAnalysed, ['spec/big.js']);
      },
      { maxFileSize: 2000 },
    );
  });

  it('resolves an import aliased by `paths` in a shared tsconfig package that app/tsconfig.json extends, indexed with codehub index', async () => {
    await withIndexed(
      {
        'package.json': JSON.stringify({ private: true, workspaces: ['packages/*', 'app'] }),
        'packages/tsconfig/package.json': JSON.stringify({ name: '@acme/tsconfig', version: '1.0.0' }),
        'packages/tsconfig/base.json': JSON.stringify({
          compilerOptions: { strict: true, baseUrl: '../..', paths: { '@lib/*': ['lib/*'] } },
        }),
        'app/package.json': JSON.stringify({ name: '@acme/app', private: true }),
        'app/tsconfig.json': JSON.stringify({ extends: '@acme/tsconfig/base.json', include: ['src'] }),
        'lib/money.ts': [
          'export function formatMoney(cents: number): string {',
          '  return `${(cents / 100).toFixed(2)}`;',
          '}',
          '',
        ].join('\n'),
        'app/src/checkout.ts': [
          "import { formatMoney } from '@lib/money';",
          'export function receipt(total: number): string {',
          '  return formatMoney(total);',
          '}',
          '',
        ].join('\n'),
      },
      async (service, repo) => {
        const shown = await service.show(repo, 'receipt');
        assert.deepEqual(
          shown.callees.map((e) => [e.qualifiedName, e.path, e.reason]),
          [['formatMoney', 'lib/money.ts', 'import']],
        );
        assert.deepEqual(shown.unresolved, []);
        const callee = await service.show(repo, 'formatMoney');
        assert.deepEqual(
          callee.callers.map((e) => e.qualifiedName),
          ['receipt'],
        );
      },
      { cli: true },
    );
  });
  it('follows a call through a CommonJS export object to the module a member requires (`qs.parse()` with `module.exports = { parse }`)', async () => {
    await withIndexed(
      {
        'package.json': JSON.stringify({ name: 'qs-like', main: 'lib/index.js' }),
        'lib/index.js': "var parse = require('./parse');\nmodule.exports = { parse: parse };\n",
        'lib/parse.js': [
          'function splitPairs(str) {',
          "  return str.split('&');",
          '}',
          'module.exports = function (str) {',
          '  return splitPairs(str);',
          '};',
          '',
        ].join('\n'),
        'test/parse.js': [
          "var test = require('tape');",
          "var qs = require('../');",
          "test('parses pairs', function (t) {",
          "  t.deepEqual(qs.parse('a=1&b=2'), ['a=1', 'b=2']);",
          '  t.end();',
          '});',
          '',
        ].join('\n'),
      },
      async (service, repo) => {
        const { tests } = await service.tests(repo, 'splitPairs');
        assert.deepEqual(
          tests.map((t) => [t.name, t.path, t.depth]),
          [['parses pairs', 'test/parse.js', 2]],
        );
      },
    );
  });
});
