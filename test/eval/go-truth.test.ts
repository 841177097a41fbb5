/**
 * The Go truth source against the real toolchain: runs only where Debian's golang-go and golang-golang-x-tools are
 * installed (`go` and `callgraph` on PATH); elsewhere it is skipped with that reason.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { compareWithTruth } from '../../src/eval/compare.js';
import { buildGoTruth } from '../../src/eval/go-truth.js';
import { goPlugin } from '../../src/languages/go/go-plugin.js';

function hasTool(tool: string, args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return true;
  } catch (error) {
    // callgraph prints its usage and exits non-zero without arguments: it exists.
    return (error as { code?: string }).code !== 'ENOENT';
  }
}

const missing = ['go', 'callgraph'].filter((tool) => !hasTool(tool, tool === 'go' ? ['version'] : ['-help']));
const skip =
  missing.length > 0
    ? `needs ${missing.join(' and ')} (apt-get install golang-go golang-golang-x-tools)`
    : false;

const FILES: Record<string, string> = {
  'go.mod': 'module example.com/shop\n\ngo 1.19\n',
  'cart/cart.go': [
    'package cart',
    '',
    'import "fmt"',
    '',
    'type Pricer interface{ Price() int }',
    '',
    'type Item struct{ cents int }',
    '',
    'func (i Item) Price() int { return i.cents }',
    '',
    'type Cart struct{ items []Item }',
    '',
    'func New() *Cart { return &Cart{} }',
    '',
    'func (c *Cart) Add(i Item) { c.items = append(c.items, i) }',
    '',
    'func (c *Cart) Total(p Pricer) int {',
    '\tsum := 0',
    '\tfor _, it := range c.items {',
    '\t\tsum += it.Price()',
    '\t}',
    '\tfunc() { fmt.Println(sum) }()',
    '\treturn sum + p.Price()',
    '}',
  ].join('\n'),
  'cart/helpers.go': 'package cart\n\nfunc Fill(c *Cart) { c.Add(Item{cents: 1}) }\n',
  'main.go': [
    'package main',
    '',
    'import "example.com/shop/cart"',
    '',
    'func main() {',
    '\tc := cart.New()',
    '\tcart.Fill(c)',
    '\tc.Total(cart.Item{})',
    '}',
  ].join('\n'),
};

describe('the Go truth (callgraph)', () => {
  it('says which packages to install when callgraph is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codehub-gotruth-missing-'));
    try {
      writeFileSync(join(dir, 'go.mod'), 'module example.com/x\n');
      writeFileSync(join(dir, 'x.go'), 'package x\n');
      await assert.rejects(
        buildGoTruth({ repoDir: dir, gopath: [], callgraph: 'no-such-callgraph-binary' }),
        /no-such-callgraph-binary was not found: .*apt-get install golang-go golang-golang-x-tools/,
      );
      await assert.rejects(buildGoTruth({ repoDir: join(dir, 'missing') }), /has no go\.mod/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'resolves static calls in the repo, keeps the standard library outside and dynamic calls apart',
    { skip },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'codehub-gotruth-test-'));
      try {
        for (const [path, text] of Object.entries(FILES)) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
        }
        const truth = await buildGoTruth({ repoDir: dir, gopath: [] });
        const edges = truth.edges.map(
          (e) => `${e.path}:${e.line} → ${e.calleeName} ${e.calleePath}:${e.calleeStartLine}`,
        );
        assert.deepEqual(edges, [
          'cart/cart.go:20 → Item.Price cart/cart.go:9',
          'cart/helpers.go:3 → Cart.Add cart/cart.go:15',
          'main.go:6 → New cart/cart.go:13',
          'main.go:7 → Fill cart/helpers.go:3',
          'main.go:8 → Cart.Total cart/cart.go:17',
        ]);
        assert.ok(truth.outside.some((s) => s.calleeText === 'fmt.Println' && s.line === 22));
        // The closure call and the call through Pricer are not judged as static calls.
        assert.ok(truth.unresolved.some((s) => s.line === 22));
        assert.deepEqual(
          truth.dynamicSites.map((s) => `${s.path}:${s.line} ${s.callees.join(',')}`),
          ['cart/cart.go:23 cart/cart.go:9'],
        );

        // codehub's own edges for the same files score 1.0 against it.
        await goPlugin.init?.();
        const facts = Object.keys(FILES)
          .filter((p) => p.endsWith('.go'))
          .map((p) => goPlugin.analyze(p, FILES[p] as string));
        const resolved = resolveRepo({
          files: facts.map((f) => ({ path: f.path, facts: f })),
          moduleResolver: goPlugin.createModuleResolver({
            files: new Set(Object.keys(FILES)),
            configs: new Map([['go.mod', FILES['go.mod'] as string]]),
          }),
          plugins: [goPlugin],
        });
        const symbols = facts.flatMap((f) =>
          f.symbols.map((s) => ({
            id: makeSymbolId(f.path, s.localId),
            path: f.path,
            startLine: s.startLine,
            endLine: s.endLine,
          })),
        );
        const result = compareWithTruth({ edges: resolved.edges, symbols, truth });
        assert.equal(result.overall.recall, 1);
        assert.equal(result.overall.precision, 1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
