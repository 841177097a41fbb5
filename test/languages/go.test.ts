import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileFacts } from '../../src/core/facts.js';
import type { Edge } from '../../src/core/graph.js';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { computeTestReach } from '../../src/analysis/test-reach.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { goPlugin } from '../../src/languages/go/go-plugin.js';
import {
  evalBuildExpression,
  goExcludingConstraint,
  goImportName,
  goTestKind,
  goTypeName,
} from '../../src/languages/go/conventions.js';
import { goGrammarPath } from '../../src/languages/go/parser.js';
import { goRunPattern } from '../../src/languages/go/test-command.js';
import { parseGoMod, parseGoWork } from '../../src/languages/go/module-resolver.js';
import { goModulePath, shortName } from '../../src/eval/go-truth.js';
import { allPlugins, initPlugins, pluginForPath } from '../../src/languages/registry.js';
import { runConformance, assertFactsInvariants } from './conformance.js';
import { analyseFolder, goldenCases, renderGolden } from './golden.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureDir = join(root, 'src/languages/go/fixtures');

await initPlugins(allPlugins);

runConformance(goPlugin, fixtureDir);

describe('go golden fixtures', () => {
  for (const c of goldenCases(root, 'src/languages/go/fixtures')) {
    it(`matches the reviewed symbols and edges of the ${c.name} case (npm run golden:update regenerates)`, () => {
      const actual = renderGolden(analyseFolder(goPlugin, c.sourceDir));
      assert.equal(actual, readFileSync(c.expectedPath, 'utf8'));
    });
  }
});

describe('the Go grammar', () => {
  it('loads tree-sitter-go.wasm from node_modules and parses with it', () => {
    assert.match(goGrammarPath(), /node_modules\/tree-sitter-go\/tree-sitter-go\.wasm$/);
    const facts = goPlugin.analyze(
      'probe.go',
      'package p\n\nfunc (s *S) Run() { helper() }\n\ntype S struct{}\n',
    );
    assert.deepEqual(
      facts.symbols.map((s) => s.localId),
      ['<module>:module', 'S.Run:method', 'S:class'],
    );
    assert.equal(facts.diagnostics.length, 0);
  });

  it('routes .go files to the Go plug-in', () => {
    assert.equal(pluginForPath('cmd/main.go')?.id, 'go');
    assert.equal(pluginForPath('cmd/main_test.go')?.id, 'go');
  });
});

function analyse(files: Record<string, string>): { facts: FileFacts[]; edges: Edge[] } {
  const paths = Object.keys(files).sort();
  const configs = new Map(paths.filter((p) => goPlugin.isConfigFile(p)).map((p) => [p, files[p] as string]));
  const facts = paths.filter((p) => p.endsWith('.go')).map((p) => goPlugin.analyze(p, files[p] as string));
  const moduleResolver = goPlugin.createModuleResolver({ files: new Set(paths), configs });
  const { edges } = resolveRepo({
    files: facts.map((f) => ({ path: f.path, facts: f })),
    moduleResolver,
    plugins: [goPlugin],
  });
  return { facts, edges };
}

function edgesFrom(edges: Edge[], caller: string): string[] {
  return edges
    .filter((e) => e.callerId === caller)
    .map((e) => `${e.calleeId ?? `?${e.calleeText}`} [${e.reason}]`)
    .sort();
}

describe('Go symbols', () => {
  it('names methods by their receiver type, with signatures, result lists and type parameters', () => {
    const text = [
      'package p',
      '',
      'type List[T any] struct{ items []T }',
      '',
      '// Push adds v.',
      'func (l *List[T]) Push(v T) (int, error) { return 0, nil }',
      '',
      'func Map[T, U any](xs []T, f func(T) U) []U { return nil }',
    ].join('\n');
    const facts = goPlugin.analyze('list.go', text);
    const push = facts.symbols.find((s) => s.qualifiedName === 'List.Push');
    assert.equal(push?.kind, 'method');
    assert.equal(push?.signature, '(v T)');
    assert.equal(push?.returnType, '(int, error)');
    assert.equal(push?.doc, 'Push adds v.');
    assert.equal(push?.parent, 'List:class');
    const map = facts.symbols.find((s) => s.qualifiedName === 'Map');
    assert.equal(map?.signature, '[T, U any](xs []T, f func(T) U)');
    assert.equal(map?.exported, true);
    assert.equal(facts.packageScope, '#p');
  });

  it('gives a test file of the external test package its own package scope', () => {
    const inPkg = goPlugin.analyze('calc/calc_test.go', 'package calc\n');
    const external = goPlugin.analyze('calc/ext_test.go', 'package calc_test\n');
    assert.equal(inPkg.packageScope, 'calc#calc');
    assert.equal(external.packageScope, 'calc#calc_test');
    assert.ok(inPkg.isTestFile && external.isTestFile);
  });

  it('keeps partial facts and reports a diagnostic for a file that does not parse', () => {
    const text = 'package p\n\nfunc ok() {}\n\nfunc broken( {\n';
    const facts = goPlugin.analyze('broken.go', text);
    assertFactsInvariants(facts, text);
    assert.ok(facts.symbols.some((s) => s.qualifiedName === 'ok'));
    assert.ok(facts.diagnostics.some((d) => d.severity === 'error'));
  });

  it('survives 10,000-deep nesting with a warning instead of a crash', () => {
    const text = `package p\n\nfunc f() {\n${'{'.repeat(10000)}g()${'}'.repeat(10000)}\n}\n`;
    const facts = goPlugin.analyze('deep.go', text);
    assertFactsInvariants(facts, text);
    assert.ok(facts.diagnostics.some((d) => /nesting deeper/.test(d.message)));
  });
});

describe('Go conventions', () => {
  it('reads the named type behind pointers, type arguments, result lists and collections', () => {
    assert.equal(goTypeName('*Server[T]'), 'Server');
    assert.equal(goTypeName('*pkg.Client'), 'pkg.Client');
    assert.equal(goTypeName('(*Server, error)'), 'Server');
    assert.equal(goTypeName('(s *Server, err error)'), 'Server');
    assert.equal(goTypeName('[]*Route'), 'Route');
    assert.equal(goTypeName('map[string][]*Route'), 'Route');
    assert.equal(goTypeName('<-chan Job'), 'Job');
    assert.equal(goTypeName('int'), null);
    assert.equal(goTypeName('func() error'), null);
  });

  it('guesses an import name the way Go code is written', () => {
    assert.equal(goImportName('net/http'), 'http');
    assert.equal(goImportName('gopkg.in/yaml.v2'), 'yaml');
    assert.equal(goImportName('github.com/go-chi/chi/v5'), 'chi');
    assert.equal(goImportName('github.com/mattn/go-sqlite3'), 'sqlite3');
  });

  it('tells which files the default build (linux/amd64, no custom tags) leaves out', () => {
    assert.equal(evalBuildExpression('linux && !purego'), true);
    assert.equal(evalBuildExpression('(windows || darwin) && amd64'), false);
    assert.equal(evalBuildExpression('go1.18'), true);
    assert.equal(evalBuildExpression('&& broken'), null);
    assert.equal(
      goExcludingConstraint('p/ptr_purego.go', '//go:build purego\n\npackage p\n'),
      '//go:build purego',
    );
    assert.equal(goExcludingConstraint('p/ptr_unsafe.go', '//go:build !purego\n\npackage p\n'), null);
    assert.equal(
      goExcludingConstraint('p/a.go', '// +build appengine js\n\npackage p\n'),
      '// +build appengine js',
    );
    assert.equal(goExcludingConstraint('p/sys_windows.go', 'package p\n'), '_windows.go');
    assert.equal(goExcludingConstraint('p/sys_linux_arm64.go', 'package p\n'), '_arm64.go');
    assert.equal(goExcludingConstraint('p/sys_linux_test.go', 'package p\n'), null);
    // A //go:build line after the package clause is no constraint.
    assert.equal(goExcludingConstraint('p/b.go', 'package p\n//go:build ignore\n'), null);
  });

  it('recognises the test functions go test runs by name', () => {
    assert.equal(goTestKind('TestAdd'), 'test');
    assert.equal(goTestKind('Test'), 'test');
    assert.equal(goTestKind('Testlower'), null);
    assert.equal(goTestKind('BenchmarkX'), 'benchmark');
    assert.equal(goTestKind('ExampleServer_Start'), 'example');
    assert.equal(goTestKind('FuzzParse'), 'fuzz');
    assert.equal(goTestKind('TestMain'), null);
  });
});

describe('Go module model', () => {
  it('reads go.mod module, require and in-repo replace directives, and go.work use directories', () => {
    const mod = parseGoMod(
      'svc/go.mod',
      [
        'module example.com/svc // the service',
        '',
        'require (',
        '\tgithub.com/pkg/errors v0.9.1',
        '\texample.com/lib v0.0.0',
        ')',
        'replace example.com/lib => ../lib',
        'replace github.com/x/y => github.com/x/z v1.0.0',
      ].join('\n'),
    );
    assert.equal(mod.module, 'example.com/svc');
    assert.deepEqual(mod.requires, ['github.com/pkg/errors', 'example.com/lib']);
    assert.deepEqual([...mod.replaces], [['example.com/lib', 'lib']]);
    assert.deepEqual(parseGoWork('go.work', 'go 1.21\n\nuse (\n\t./svc\n\t./lib\n)\n'), ['svc', 'lib']);
    assert.equal(goModulePath('module "example.com/q"\n'), 'example.com/q');
  });

  const resolver = (files: Record<string, string>) =>
    goPlugin.createModuleResolver({
      files: new Set(Object.keys(files)),
      configs: new Map(Object.entries(files).filter(([p]) => goPlugin.isConfigFile(p))),
    });

  it('maps imports to package directories across nested modules, replacements and go.work', () => {
    const r = resolver({
      'go.mod': 'module example.com/root\n\nrequire example.com/pinned v1.0.0\n',
      'util/util.go': '',
      'util/util_test.go': '',
      'svc/go.mod':
        'module example.com/svc\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n',
      'svc/main.go': '',
      'lib/go.mod': 'module example.com/lib\n',
      'lib/lib.go': '',
      'pinned/go.mod': 'module example.com/pinned\n',
      'pinned/p.go': '',
      'vendor/github.com/pkg/errors/errors.go': '',
      'vendor/modules.txt': '# github.com/pkg/errors v0.9.1\ngithub.com/pkg/errors\n',
    });
    // A package is its directory's files, test files left out; each file sees the others through moduleOf.
    assert.deepEqual(r.resolve('main.go', 'example.com/root/util'), {
      kind: 'package',
      paths: ['util/util.go'],
    });
    assert.deepEqual(r.moduleOf?.('util/util.go'), {
      kind: 'package',
      paths: ['util/util.go', 'util/util_test.go'],
    });
    assert.equal(r.moduleOf?.('lib/lib.go'), null);
    assert.deepEqual(r.resolve('svc/main.go', 'example.com/lib'), { kind: 'package', paths: ['lib/lib.go'] });
    // The root module requires example.com/pinned by version without a replacement: the published copy builds.
    assert.deepEqual(r.resolve('main.go', 'example.com/pinned'), {
      kind: 'external',
      pkg: 'example.com/pinned',
    });
    assert.deepEqual(r.resolve('main.go', 'github.com/pkg/errors'), {
      kind: 'external',
      pkg: 'github.com/pkg/errors',
    });
    assert.deepEqual(r.resolve('main.go', 'net/http'), { kind: 'external', pkg: 'std' });
    assert.equal(r.resolve('main.go', 'example.com/root/missing').kind, 'unresolved');
    assert.equal(goPlugin.isConfigFile('vendor/github.com/x/go.mod'), false);
    assert.equal(goPlugin.isConfigFile('vendor/modules.txt'), true);
  });

  it('resolves a module a go.work uses together with the importer in the repo', () => {
    const r = resolver({
      'go.work': 'use (\n\t./a\n\t./b\n)\n',
      'a/go.mod': 'module example.com/a\n\nrequire example.com/b v1.2.3\n',
      'a/a.go': '',
      'b/go.mod': 'module example.com/b\n',
      'b/b.go': '',
    });
    assert.deepEqual(r.resolve('a/a.go', 'example.com/b'), { kind: 'package', paths: ['b/b.go'] });
  });

  it('lets only the tree above internal/ import an internal package', () => {
    const r = resolver({
      'go.mod': 'module example.com/m\n',
      'lib/internal/secret/s.go': '',
      'lib/api.go': '',
      'cmd/main.go': '',
    });
    assert.deepEqual(r.resolve('lib/api.go', 'example.com/m/lib/internal/secret'), {
      kind: 'package',
      paths: ['lib/internal/secret/s.go'],
    });
    const denied = r.resolve('cmd/main.go', 'example.com/m/lib/internal/secret');
    assert.equal(denied.kind, 'unresolved');
    assert.match(denied.kind === 'unresolved' ? denied.reason : '', /internal package/);
  });

  it('reads a malformed go.mod as declaring nothing: imports stay external, nothing throws', () => {
    const r = resolver({
      'go.mod': 'modul example.com/m\n\u0000 require (\n',
      'util/u.go': '',
    });
    assert.deepEqual(r.resolve('main.go', 'example.com/m/util'), {
      kind: 'external',
      pkg: 'example.com/m/util',
    });
  });

  it('maps import paths to directories in a GOPATH layout without go.mod', () => {
    const r = resolver({ 'src/example.com/a/a.go': '', 'src/example.com/b/b.go': '', 'json/j.go': '' });
    // A project checked out on its own: the import path ends in one of its directories.
    assert.deepEqual(r.resolve('main.go', 'github.com/o/p/json'), { kind: 'package', paths: ['json/j.go'] });
    assert.deepEqual(r.resolve('main.go', 'encoding/json'), { kind: 'external', pkg: 'std' });
    assert.deepEqual(r.resolve('src/example.com/a/a.go', 'example.com/b'), {
      kind: 'package',
      paths: ['src/example.com/b/b.go'],
    });
  });
});

describe('Go resolution', () => {
  const mod = 'module example.com/m\n';

  it('follows embedded structs, fields, range elements, type switches and constructors across files', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'a/types.go': [
        'package a',
        '',
        'type Base struct{}',
        'type Route struct{ Base }',
        'type Router struct {',
        '\troutes []*Route',
        '\tnamed  map[string]*Route',
        '}',
      ].join('\n'),
      'a/methods.go': [
        'package a',
        '',
        'func (b *Base) Log() {}',
        'func (r *Route) Match() bool { return true }',
        'func NewRouter() *Router { return &Router{} }',
        'func (r *Router) Get(name string) *Route { return r.named[name] }',
      ].join('\n'),
      'a/use.go': [
        'package a',
        '',
        'func Use(x any) {',
        '\tr := NewRouter()',
        '\tfor _, route := range r.routes {',
        '\t\troute.Match()',
        '\t\troute.Log()',
        '\t}',
        '\tr.Get("x").Match()',
        '\tr.named["y"].Log()',
        '\tswitch v := x.(type) {',
        '\tcase *Route:',
        '\t\tv.Match()',
        '\t}',
        '\tm := r.Get',
        '\t_ = m',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(
      edgesFrom(edges, makeSymbolId('a/use.go', 'Use:function')),
      [
        'a/methods.go::NewRouter:function [same-file]',
        'a/methods.go::Route.Match:method [receiver-typed]',
        'a/methods.go::Router.Get:method [receiver-typed]',
        'a/methods.go::Base.Log:method [receiver-typed]',
      ].sort(),
    );
  });

  it('prefers the declaration of the file the default build compiles over a build variant', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'value/ptr_purego.go': '//go:build purego\n\npackage value\n\nfunc PointerOf() int { return 1 }\n',
      'value/ptr_unsafe.go': '//go:build !purego\n\npackage value\n\nfunc PointerOf() int { return 2 }\n',
      'value/use.go': 'package value\n\nfunc Use() int { return PointerOf() }\n',
      'main.go': 'package main\n\nimport "example.com/m/value"\n\nfunc main() { value.PointerOf() }\n',
    });
    assert.deepEqual(edgesFrom(edges, makeSymbolId('value/use.go', 'Use:function')), [
      'value/ptr_unsafe.go::PointerOf:function [same-file]',
    ]);
    assert.deepEqual(edgesFrom(edges, makeSymbolId('main.go', 'main:function')), [
      'value/ptr_unsafe.go::PointerOf:function [import]',
    ]);
  });

  it('draws no edge for a conversion, and keeps a call through a func-typed field dynamic', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'a/types.go': 'package a\n\ntype ID string\n\ntype S struct{ hook func() }\n',
      'a/use.go': [
        'package a',
        '',
        'func Use(s *S) {',
        '\t_ = ID("x")',
        '\ts.hook()',
        '\tgo func() { defer done() }()',
        '}',
        '',
        'func done() {}',
      ].join('\n'),
    });
    assert.deepEqual(edgesFrom(edges, makeSymbolId('a/use.go', 'Use:function')), [
      '?ID [builtin]',
      '?s.hook [dynamic]',
      'a/use.go::done:function [same-file]',
    ]);
  });

  it('calls the method a method value or method expression bound to a local names, as go/ssa does', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'a/types.go': [
        'package a',
        '',
        'type T struct{ hook func() }',
        '',
        'func (t *T) Close() error { return nil }',
        'func (t *T) Run()         {}',
      ].join('\n'),
      'a/use.go': [
        'package a',
        '',
        'func Use(t *T) {',
        '\tclose := t.Close',
        '\tclose()',
        '\trun := (*T).Run',
        '\trun(t)',
        '\tvar hook = t.hook',
        '\thook()',
        '\tf := helper',
        '\tf()',
        '}',
        '',
        'func helper() {}',
      ].join('\n'),
    });
    assert.deepEqual(edgesFrom(edges, makeSymbolId('a/use.go', 'Use:function')), [
      '?hook [dynamic]',
      'a/types.go::T.Close:method [receiver-typed]',
      'a/types.go::T.Run:method [receiver-typed]',
      'a/use.go::helper:function [same-file]',
    ]);
  });

  it('types the rows of a table of unnamed structs, the elements of a made channel and the values of a map', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'a/types.go': [
        'package a',
        '',
        '// A named array type: its methods have bodies, it is no interface.',
        'type ID [16]byte',
        '',
        'func (id ID) String() string { return "" }',
        '',
        'type Null struct{ ID ID }',
        '',
        'func (n Null) Text() string { return "" }',
        '',
        'type Key string',
        '',
        'func (k Key) Text() string { return string(k) }',
      ].join('\n'),
      'a/use_test.go': [
        'package a',
        '',
        'import "testing"',
        '',
        'var shared = []struct{ in Null }{{}}',
        '',
        'func TestTable(t *testing.T) {',
        '\ttests := []struct {',
        '\t\tname string',
        '\t\tnull Null',
        '\t}{{name: "x"}}',
        '\tfor _, test := range tests {',
        '\t\ttest.null.Text()',
        '\t\ttest.null.ID.String()',
        '\t}',
        '\tshared[0].in.Text()',
        '\tch := make(chan ID)',
        '\tfor id := range ch {',
        '\t\tid.String()',
        '\t}',
        '\tbyKey := make(map[Key]Null)',
        '\tfor key, null := range byKey {',
        '\t\tkey.Text()',
        '\t\tnull.Text()',
        '\t}',
        '}',
      ].join('\n'),
    });
    const lines = edges
      .filter((e) => e.callerId === makeSymbolId('a/use_test.go', 'TestTable:test'))
      .flatMap((e) => e.lines.map((l) => `${l} ${e.calleeId ?? `?${e.calleeText}`} [${e.reason}]`))
      .sort();
    assert.deepEqual(
      lines.filter((l) => !l.includes('?')),
      [
        '13 a/types.go::Null.Text:method [receiver-typed]',
        '14 a/types.go::ID.String:method [receiver-typed]',
        '16 a/types.go::Null.Text:method [receiver-typed]',
        '19 a/types.go::ID.String:method [receiver-typed]',
        // The key of a map is not its element: `key.Text()` stays unresolved rather than reaching Null.Text.
        '24 a/types.go::Null.Text:method [receiver-typed]',
      ],
    );
  });

  it('links a call through an interface to its method, and to the types whose method sets cover it as a lower tier', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'a/iface.go':
        'package a\n\ntype Named interface{ Name() string }\n\ntype Saver interface {\n\tNamed\n\tSave() error\n}\n',
      'a/impl.go': [
        'package a',
        '',
        'type Disk struct{}',
        '',
        'func (d *Disk) Save() error  { return nil }',
        'func (d *Disk) Name() string { return "disk" }',
        '',
        'type Base struct{}',
        '',
        'func (Base) Name() string { return "base" }',
        '',
        '// Cloud gets Name from Base.',
        'type Cloud struct{ Base }',
        '',
        'func (c Cloud) Save() error { return nil }',
        '',
        '// Memo has no Name: it is no Saver.',
        'type Memo struct{}',
        '',
        'func (m Memo) Save() error { return nil }',
        '',
        'func Store(s Saver) { s.Save() }',
      ].join('\n'),
    });
    const store = edges.filter((e) => e.callerId === makeSymbolId('a/impl.go', 'Store:function'));
    assert.deepEqual(store.map((e) => `${e.calleeId} ${e.reason} ${e.confidence}`).sort(), [
      'a/iface.go::Saver.Save:method interface 0.7',
      'a/impl.go::Cloud.Save:method interface-impl 0.23',
      'a/impl.go::Disk.Save:method interface-impl 0.23',
    ]);
  });

  it('keeps the in-package test package apart from the external test package', () => {
    const { edges } = analyse({
      'go.mod': mod,
      'calc/calc.go': 'package calc\n\nfunc add() int { return 1 }\n\nfunc Add() int { return add() }\n',
      'calc/calc_test.go': 'package calc\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) { add() }\n',
      'calc/ext_test.go': [
        'package calc_test',
        '',
        'import (',
        '\t"testing"',
        '',
        '\t"example.com/m/calc"',
        ')',
        '',
        'func TestExt(t *testing.T) { calc.Add() }',
      ].join('\n'),
    });
    assert.deepEqual(edgesFrom(edges, makeSymbolId('calc/calc_test.go', 'TestAdd:test')), [
      'calc/calc.go::add:function [same-file]',
    ]);
    assert.deepEqual(edgesFrom(edges, makeSymbolId('calc/ext_test.go', 'TestExt:test')), [
      'calc/calc.go::Add:function [import]',
    ]);
  });

  it('lets a test and its subtests reach what they call, TestMain included', () => {
    const files = {
      'go.mod': mod,
      'calc/calc.go': 'package calc\n\nfunc Add() {}\n\nfunc setup() {}\n',
      'calc/calc_test.go': [
        'package calc',
        '',
        'import "testing"',
        '',
        'func TestMain(m *testing.M) { setup(); m.Run() }',
        '',
        'func TestAdd(t *testing.T) {',
        '\tt.Run("one plus one", func(t *testing.T) { Add() })',
        '}',
      ].join('\n'),
    };
    const { facts, edges } = analyse(files);
    const symbols = facts.flatMap((f) =>
      f.symbols.map((s) => ({
        id: makeSymbolId(f.path, s.localId),
        path: f.path,
        qualifiedName: s.qualifiedName,
        kind: s.kind,
      })),
    );
    const reach = computeTestReach(symbols, edges);
    const reached = (test: string): string[] =>
      reach
        .filter((r) => r.testId === makeSymbolId('calc/calc_test.go', test))
        .map((r) => r.symbolId)
        .sort();
    assert.ok(reached('TestAdd:test').includes('calc/calc.go::Add:function'));
    assert.ok(reached('TestAdd:test').includes('calc/calc.go::setup:function'));
    assert.ok(reached('TestAdd > one plus one:test').includes('calc/calc.go::Add:function'));
  });
});

describe('Go test commands', () => {
  it('runs one test, a subtest or a benchmark with go test in its package directory', () => {
    const files = [{ path: 'go.mod', text: 'module example.com/m\n' }];
    const cmd = (testFile: string, testName: string) =>
      goPlugin.testCommands?.command({ testFile, testName, framework: 'testing', files });
    assert.deepEqual(cmd('calc/calc_test.go', 'TestAdd'), {
      cwd: '',
      command: "go test ./calc -run '^TestAdd$'",
    });
    assert.deepEqual(cmd('calc/calc_test.go', 'TestAdd > one plus one'), {
      cwd: '',
      command: "go test ./calc -run '^TestAdd$/^one_plus_one$'",
    });
    assert.deepEqual(cmd('calc_test.go', 'BenchmarkAdd'), {
      cwd: '',
      command: "go test . -run '^$' -bench '^BenchmarkAdd$'",
    });
    assert.equal(goRunPattern('TestX > a.b'), '^TestX$/^a\\.b$');
  });

  it('runs from the nearest module of a nested module', () => {
    const files = [
      { path: 'go.mod', text: 'module example.com/m\n' },
      { path: 'tools/go.mod', text: 'module example.com/m/tools\n' },
    ];
    assert.deepEqual(goPlugin.testCommands?.inputs('tools/gen/gen_test.go'), [
      'tools/gen/go.mod',
      'tools/go.mod',
      'go.mod',
    ]);
    assert.deepEqual(
      goPlugin.testCommands?.command({
        testFile: 'tools/gen/gen_test.go',
        testName: 'TestGen',
        framework: null,
        files,
      }),
      { cwd: 'tools', command: "go test ./gen -run '^TestGen$'" },
    );
    assert.deepEqual(
      goPlugin.testCommands?.group?.({
        testFile: 'a/a_test.go',
        testNames: ['TestA', 'TestB > x'],
        framework: null,
        files,
      }),
      { runner: 'go test', cwd: '', command: "go test ./a -run '^(TestA|TestB)$'" },
    );
  });
});

describe('the Go truth source', () => {
  it('names callgraph callees as codehub qualifies them', () => {
    assert.equal(shortName('(*github.com/spf13/pflag.FlagSet).AddFlag'), 'FlagSet.AddFlag');
    assert.equal(shortName('github.com/spf13/pflag.newIntSliceValue'), 'newIntSliceValue');
    assert.equal(shortName('example.com/m/pkg.Map[int]'), 'Map');
  });
});
