/**
 * Python end to end: a real git repo mixing TypeScript and Python, indexed by the CLI and the indexer (real git,
 * real SQLite, analysis in worker threads), answered by the query service.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exportSnapshot, exportTarget } from '../src/service/export-snapshot.js';
import { indexRepository } from '../src/service/indexer.js';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import { FixtureRepo, indexWithCli, removeDir, tempDir } from './helpers/fixture-repo.js';

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ devDependencies: { vitest: '2' } }),
  'web/format.ts': 'export function formatPrice(n: number): string {\n  return n.toFixed(2);\n}\n',
  'web/page.ts':
    "import { formatPrice } from './format.js';\nexport function render(): string {\n  return formatPrice(1);\n}\n",
  'pyproject.toml': '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
  'src/shop/__init__.py': 'from .cart import Cart\n',
  'src/shop/pricing.py': [
    'def with_tax(amount: float) -> float:',
    '    """Adds the tax."""',
    '    return amount * 1.2',
    '',
  ].join('\n'),
  'src/shop/cart.py': [
    'from .pricing import with_tax',
    '',
    '',
    'class Cart:',
    '    def __init__(self):',
    '        self.items = []',
    '',
    '    def add(self, price):',
    '        self.items.append(price)',
    '',
    '    def total(self):',
    '        return with_tax(sum(self.items))',
    '',
  ].join('\n'),
  'tests/conftest.py': [
    'import pytest',
    '',
    'from shop import Cart',
    '',
    '',
    '@pytest.fixture',
    'def cart():',
    '    c = Cart()',
    '    c.add(1)',
    '    return c',
    '',
  ].join('\n'),
  'tests/test_cart.py': [
    'class TestCart:',
    '    def test_total(self, cart):',
    '        assert cart.total() > 1',
    '',
  ].join('\n'),
};

async function exportAll(dataDir: string, repo: string, commit: string): Promise<string[]> {
  const ws = openWorkspace(dataDir);
  try {
    const { repo: record, snapshot } = await exportTarget(ws, repo, commit);
    const lines: string[] = [];
    for await (const line of exportSnapshot(ws, record, snapshot)) lines.push(JSON.stringify(line));
    return lines.sort();
  } finally {
    await ws.close();
  }
}

describe('a repo mixing TypeScript and Python', () => {
  it('is indexed by `codehub index` with both languages, Python edges with reasons and a pytest test with its command', async () => {
    const work = tempDir('py-e2e');
    try {
      const repoDir = join(work, 'repo');
      FixtureRepo.withFiles(repoDir, FILES, 'mixed');
      const dataDir = join(work, 'data');
      const r = indexWithCli(repoDir, dataDir, 'example.com/o/mixed');
      assert.equal(r.code, 0, r.stderr);

      const ws = openWorkspace(dataDir);
      try {
        const service = createQueryService(ws);
        const overview = await service.getRepo('example.com/o/mixed');
        assert.equal(overview.summary.languages.python, 5);
        assert.equal(overview.summary.languages.typescript, 2);

        const total = await service.show('example.com/o/mixed', 'Cart.total');
        assert.equal(total.symbol.path, 'src/shop/cart.py');
        assert.ok(total.source.verified);
        const callee = total.callees.find((c) => c.qualifiedName === 'with_tax');
        assert.equal(callee?.reason, 'import');
        assert.equal(callee?.path, 'src/shop/pricing.py');
        assert.ok(
          total.unresolved.some((u) => u.reason === 'builtin'),
          'sum() kept as a builtin',
        );

        const add = await service.show('example.com/o/mixed', 'Cart.add');
        assert.deepEqual(
          add.callers.map((c) => [c.qualifiedName, c.reason]),
          [['cart', 'receiver-typed']],
        );
        assert.deepEqual(
          add.tests.map((t) => [t.name, t.command]),
          [['TestCart.test_total', 'python -m pytest tests/test_cart.py::TestCart::test_total']],
        );

        // `cart.total()` in the test: the parameter holds the conftest fixture's value, a Cart.
        assert.deepEqual(
          total.tests.map((t) => [t.name, t.depth]),
          [['TestCart.test_total', 1]],
        );

        const render = await service.show('example.com/o/mixed', 'render');
        assert.equal(render.callees[0]?.qualifiedName, 'formatPrice');
      } finally {
        await ws.close();
      }
    } finally {
      removeDir(work);
    }
  });

  it('records a latin-1 test file as skipped with its reason, and says tested-by is a lower bound', async () => {
    const work = tempDir('py-latin1');
    try {
      const repoDir = join(work, 'repo');
      const fixture = FixtureRepo.init(repoDir);
      fixture.write('shop.py', 'def price():\n    return 1\n');
      fixture.write(
        'test_legacy.py',
        Buffer.concat([
          Buffer.from('# -*- coding: latin-1 -*-\nfrom shop import price\n\ndef test_caf'),
          Buffer.from([0xe9]),
          Buffer.from('():\n    assert price()\n'),
        ]),
      );
      fixture.commit('latin-1');
      const dataDir = join(work, 'data');
      const result = await indexRepository({
        dataDir,
        source: repoDir,
        name: 'example.com/o/latin1',
        workers: 1,
      });
      assert.equal(result.skipped['invalid-utf8'], 1);
      const ws = openWorkspace(dataDir);
      try {
        const shown = await createQueryService(ws).show('example.com/o/latin1', 'price');
        assert.equal(shown.testsComplete, 'lower_bound');
        assert.deepEqual(shown.testsNotAnalysed, ['test_legacy.py']);
      } finally {
        await ws.close();
      }
    } finally {
      removeDir(work);
    }
  });

  it('gives the same snapshot indexed incrementally as indexed in full after a Python change', async () => {
    const work = tempDir('py-incr');
    const incremental = join(work, 'incr');
    const full = join(work, 'full');
    try {
      const repoDir = join(work, 'repo');
      const fixture = FixtureRepo.withFiles(repoDir, FILES, 'A');
      const name = 'example.com/o/py-incr';
      await indexRepository({ dataDir: incremental, source: repoDir, name, workers: 1 });

      fixture.write(
        'src/shop/pricing.py',
        `${FILES['src/shop/pricing.py']}\n\ndef discount(amount):\n    return with_tax(amount) * 0.9\n`,
      );
      fixture.write(
        'src/shop/cart.py',
        `${FILES['src/shop/cart.py']}\n    def sale(self):\n        from .pricing import discount\n        return discount(self.total())\n`,
      );
      const commitB = fixture.commit('B');
      const second = await indexRepository({ dataDir: incremental, source: repoDir, name, workers: 1 });
      assert.ok(second.cachedFiles > 0, 'unchanged files came from the facts cache');
      const scratch = await indexRepository({ dataDir: full, source: repoDir, name, workers: 2 });
      assert.equal(scratch.cachedFiles, 0);

      const a = await exportAll(incremental, name, commitB);
      const b = await exportAll(full, name, commitB);
      assert.ok(a.some((l) => l.includes('"calleeText":"discount"') && l.includes('Cart.sale')));
      assert.deepEqual(a, b);
    } finally {
      removeDir(work);
    }
  });
});
