/**
 * Go end to end: a real git repo with a Go module, indexed by the CLI and the indexer (real git, real SQLite,
 * analysis in worker threads), answered by the query service: packages across files, methods declared apart from
 * their type, a subtest with its `go test` command.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import { FixtureRepo, indexWithCli, removeDir, tempDir } from './helpers/fixture-repo.js';

const FILES: Record<string, string> = {
  'go.mod': 'module example.com/shop\n\ngo 1.21\n',
  'cart/cart.go': [
    'package cart',
    '',
    '// Cart holds prices.',
    'type Cart struct{ items []int }',
    '',
    'func New() *Cart { return &Cart{} }',
  ].join('\n'),
  'cart/methods.go': [
    'package cart',
    '',
    'func (c *Cart) Add(cents int) { c.items = append(c.items, cents) }',
    '',
    'func (c *Cart) Total() int {',
    '\tsum := 0',
    '\tfor _, p := range c.items {',
    '\t\tsum += p',
    '\t}',
    '\treturn withTax(sum)',
    '}',
    '',
    'func withTax(n int) int { return n * 6 / 5 }',
  ].join('\n'),
  'cart/cart_test.go': [
    'package cart',
    '',
    'import "testing"',
    '',
    'func TestTotal(t *testing.T) {',
    '\tt.Run("one item", func(t *testing.T) {',
    '\t\tc := New()',
    '\t\tc.Add(100)',
    '\t\tif c.Total() != 120 {',
    '\t\t\tt.Fatal("wrong total")',
    '\t\t}',
    '\t})',
    '}',
  ].join('\n'),
  'main.go': [
    'package main',
    '',
    'import (',
    '\t"fmt"',
    '',
    '\t"example.com/shop/cart"',
    ')',
    '',
    'func main() {',
    '\tc := cart.New()',
    '\tc.Add(250)',
    '\tfmt.Println(c.Total())',
    '}',
  ].join('\n'),
};

describe('a Go module', () => {
  it('is indexed by `codehub index` with package-wide edges and a subtest with its go test command', async () => {
    const work = tempDir('go-e2e');
    try {
      const repoDir = join(work, 'repo');
      FixtureRepo.withFiles(repoDir, FILES, 'shop');
      const dataDir = join(work, 'data');
      const r = indexWithCli(repoDir, dataDir, 'example.com/o/shop');
      assert.equal(r.code, 0, r.stderr);

      const ws = openWorkspace(dataDir);
      try {
        const service = createQueryService(ws);
        const overview = await service.getRepo('example.com/o/shop');
        assert.equal(overview.summary.languages.go, 4);

        const total = await service.show('example.com/o/shop', 'Cart.Total');
        assert.equal(total.symbol.path, 'cart/methods.go');
        assert.ok(total.source.verified);
        assert.deepEqual(
          total.callees.map((c) => [c.qualifiedName, c.reason]),
          [['withTax', 'same-file']],
        );
        assert.deepEqual(total.callers.map((c) => [c.qualifiedName, c.reason]).sort(), [
          ['TestTotal > one item', 'receiver-typed'],
          ['main', 'receiver-typed'],
        ]);
        const tests = total.tests.map((t) => [t.name, t.command]).sort();
        assert.deepEqual(tests, [
          ['TestTotal > one item', "go test ./cart -run '^TestTotal$/^one_item$'"],
          ['TestTotal', "go test ./cart -run '^TestTotal$'"],
        ]);

        const main = await service.show('example.com/o/shop', 'main');
        assert.ok(
          main.unresolved.some((u) => u.reason === 'external:std'),
          'fmt.Println kept as external:std',
        );
        assert.deepEqual(main.callees.map((c) => [c.qualifiedName, c.path, c.reason]).sort(), [
          ['Cart.Add', 'cart/methods.go', 'receiver-typed'],
          ['Cart.Total', 'cart/methods.go', 'receiver-typed'],
          ['New', 'cart/cart.go', 'import'],
        ]);
      } finally {
        await ws.close();
      }
    } finally {
      removeDir(work);
    }
  });
});
