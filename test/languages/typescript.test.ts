import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Edge } from '../../src/core/graph.js';
import type { FileFacts } from '../../src/core/facts.js';
import { confidenceFor as confidenceIn, type ResolvedReason } from '../../src/core/confidence.js';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { pluginForPath, allPlugins } from '../../src/languages/registry.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';
import { runConformance, assertFactsInvariants } from './conformance.js';
import { analyseFolder, goldenCases, renderGolden } from './golden.js';

/** A reason's confidence in the TypeScript plug-in's table (measured values, seed tiers elsewhere). */
const confidenceFor = (reason: ResolvedReason): number =>
  confidenceIn(reason, 1, typescriptPlugin.confidence);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureDir = join(root, 'src/languages/typescript/fixtures');

runConformance(typescriptPlugin, fixtureDir);

describe('typescript golden fixtures', () => {
  for (const c of goldenCases(root, 'src/languages/typescript/fixtures')) {
    it(`matches the reviewed symbols and edges of the ${c.name} case (npm run golden:update regenerates)`, () => {
      const actual = renderGolden(analyseFolder(typescriptPlugin, c.sourceDir));
      assert.equal(actual, readFileSync(c.expectedPath, 'utf8'));
    });
  }
});

function edgesFrom(edges: Edge[], callerSuffix: string): Edge[] {
  return edges.filter((e) => e.callerId.endsWith(callerSuffix));
}

function edgeTo(edges: Edge[], calleeSuffix: string): Edge | undefined {
  return edges.find((e) => e.calleeId?.endsWith(calleeSuffix));
}

describe('the seed-pattern project', () => {
  const project = analyseFolder(typescriptPlugin, join(root, 'test/fixtures/seed-pattern'));
  const method = '::CheckoutService.startCheckout:method';
  const calls = edgesFrom(project.resolved.edges, `src/checkout-service.ts${method}`);

  it('resolves the imported helpers at the import tier', () => {
    for (const helper of [
      'cart-helpers.ts::computeTotal:function',
      'cart-helpers.ts::sendReceipt:function',
    ]) {
      const edge = edgeTo(calls, helper);
      assert.ok(edge, helper);
      assert.equal(edge.reason, 'import');
      assert.equal(edge.confidence, confidenceFor('import'));
    }
  });

  it('resolves the same-file helpers at the same-file tier', () => {
    for (const helper of [
      'checkout-service.ts::makeFlowId:function',
      'checkout-service.ts::auditTrail:function',
    ]) {
      const edge = edgeTo(calls, helper);
      assert.ok(edge, helper);
      assert.equal(edge.reason, 'same-file');
      assert.equal(edge.confidence, confidenceFor('same-file'));
    }
  });

  it('resolves this.flows.register and finish to FlowRegistry by the field type, not by name', () => {
    for (const name of ['register', 'finish']) {
      const matches = calls.filter((e) => e.calleeText === `this.flows.${name}`);
      assert.equal(matches.length, 1, `one edge for this.flows.${name}`);
      assert.equal(matches[0]?.calleeId, `src/flow-registry.ts::FlowRegistry.${name}:method`);
      assert.equal(matches[0]?.reason, 'receiver-typed');
      assert.equal(matches[0]?.confidence, confidenceFor('receiver-typed'));
    }
    assert.ok(!calls.some((e) => e.calleeId?.includes('PluginCatalog')), 'no edge to the other register');
  });

  it('resolves the imported logger object to Logger.debug through its new Logger() declaration', () => {
    const edge = edgeTo(calls, 'src/logger.ts::Logger.debug:method');
    assert.equal(edge?.reason, 'receiver-typed');
    assert.deepEqual(edge?.lines, [16, 20]);
  });

  it('attributes calls inside the setTimeout callback and the async IIFE to the method', () => {
    assert.deepEqual(edgeTo(calls, 'auditTrail:function')?.lines, [21, 27]);
    assert.deepEqual(edgeTo(calls, 'FlowRegistry.finish:method')?.lines, [28]);
    assert.ok(
      !project.resolved.edges.some(
        (e) => e.callerId.endsWith('<module>:module') && e.callerId.includes('checkout-service.ts'),
      ),
    );
  });

  it('finds both tests and resolves their calls through the suite variable assigned in beforeEach', () => {
    const testFile = project.facts.find((f) => f.path === 'test/checkout-service.test.ts') as FileFacts;
    assert.equal(testFile.isTestFile, true);
    assert.equal(testFile.testFramework, 'vitest');
    const tests = testFile.symbols.filter((s) => s.kind === 'test').map((s) => s.qualifiedName);
    assert.deepEqual(tests, [
      'CheckoutService > startCheckout > returns the cart total',
      'CheckoutService > startCheckout > counts a receipt once it is sent',
    ]);
    for (const title of tests) {
      const fromTest = edgesFrom(project.resolved.edges, `::${title}:test`);
      const edge = edgeTo(fromTest, `src/checkout-service.ts${method}`);
      assert.equal(edge?.reason, 'receiver-typed', title);
      assert.ok(
        edgeTo(fromTest, 'CheckoutService:class'),
        `${title} gets the beforeEach's new CheckoutService()`,
      );
    }
  });
});

describe('typescript extraction on bad input', () => {
  it('keeps partial facts and reports diagnostics for a file with syntax errors', () => {
    const text =
      'export function ok() { return 1; }\nfunction broken( {\n  ok();\n}\nexport function after() { return ok(); }\n';
    const facts = typescriptPlugin.analyze('broken.ts', text);
    assert.ok(facts.diagnostics.some((d) => d.severity === 'error'));
    assert.ok(facts.symbols.some((s) => s.name === 'after'));
    assertFactsInvariants(facts, text);
  });

  it('skips a 5 MB minified file quickly with a reason and only the module symbol', () => {
    const chunk = 'var a=function(b){return b+1},c=a(2);';
    const text = chunk.repeat(Math.ceil(5_000_000 / chunk.length));
    const started = performance.now();
    const facts = typescriptPlugin.analyze('vendor/app.min.js', text);
    assert.ok(performance.now() - started < 2000, 'within 2 s');
    assert.match(facts.skipped ?? '', /minified/);
    assert.deepEqual(
      facts.symbols.map((s) => s.kind),
      ['module'],
    );
  });

  it('survives 10,000 levels of nesting without overflowing the stack', () => {
    for (const text of [
      `x = ${'('.repeat(10_000)}1${')'.repeat(10_000)};`,
      `${'function f() {'.repeat(10_000)}${'}'.repeat(10_000)}`,
      `const a = ${'['.repeat(10_000)}${']'.repeat(10_000)};`,
    ]) {
      const facts = typescriptPlugin.analyze('deep.ts', text);
      assertFactsInvariants(facts, text);
      assert.ok(
        facts.skipped !== undefined || facts.diagnostics.length > 0,
        'says it could not go all the way',
      );
    }
  });

  it('analyses 500-level nesting fully or with a depth diagnostic', () => {
    const text = `${'function f() {'.repeat(500)}g();${'}'.repeat(500)}`;
    const facts = typescriptPlugin.analyze('deep.ts', text);
    assertFactsInvariants(facts, text);
  });

  it('keeps line numbers right with a BOM and CRLF line ends', () => {
    const text = '\ufeff// one\r\n\r\nexport function three() {\r\n  four();\r\n}\r\nfunction four() {}\r\n';
    const facts = typescriptPlugin.analyze('crlf.ts', text);
    const three = facts.symbols.find((s) => s.name === 'three');
    assert.deepEqual([three?.startLine, three?.endLine], [3, 5]);
    assert.equal(facts.callSites[0]?.line, 4);
    assert.equal(facts.symbols.find((s) => s.kind === 'module')?.endLine, 6, 'a final newline ends line 6');
  });
});

describe('typescript extraction', () => {
  const analyze = (text: string, path = 'a.ts'): FileFacts => typescriptPlugin.analyze(path, text);

  it('gives overloads, same-named nested functions and re-declared names distinct ids', () => {
    const facts = analyze(
      'function f(a: string): void;\nfunction f(a: any) {}\nfunction g() { function h() {} }\nfunction k() { function h() {} }\nvar v = () => 1;\nvar v = () => 2;\n',
    );
    const ids = facts.symbols.map((s) => s.localId);
    assert.deepEqual(ids, [
      '<module>:module',
      'f:function',
      'f:function~2',
      'g:function',
      'g.h:function',
      'k:function',
      'k.h:function',
      'v:function',
      'v:function~2',
    ]);
  });

  it('shows a signature without the comments written inside its parameter list, whitespace collapsed', () => {
    const facts = analyze(
      [
        'export function startFlow(input: {',
        '  deploymentUrl: string;',
        '  /**',
        '   * Caller-generated flow ID, so a retried request resumes the same flow.',
        '   */',
        '  flowId?: string; // optional',
        '}): Promise<{ /* id */ id: string }> {',
        '  return Promise.resolve({ id: input.flowId ?? input.deploymentUrl });',
        '}',
        "export function route(mode: '/* kept */' | '// kept', path: `/${string}//*`, half = 4 / 2, re = /\\/\\*/g) {}",
        '',
      ].join('\n'),
    );
    const signatures = Object.fromEntries(facts.symbols.map((s) => [s.name, [s.signature, s.returnType]]));
    assert.deepEqual(signatures.startFlow, [
      '(input: { deploymentUrl: string; flowId?: string; })',
      'Promise<{ id: string }>',
    ]);
    // Comment-like text inside string, template and regex literals is code, not a comment.
    assert.deepEqual(signatures.route, [
      "(mode: '/* kept */' | '// kept', path: `/${string}//*`, half = 4 / 2, re = /\\/\\*/g)",
      null,
    ]);
  });

  it('types class fields from annotations, new initialisers, constructor assignments and parameter properties', () => {
    const facts = analyze(
      'class A {\n  x: Foo;\n  y = new Bar();\n  z;\n  constructor(private readonly w: Baz, q: Qux) {\n    this.z = makeZ();\n    this.extra = q;\n  }\n}\n',
    );
    const types = Object.fromEntries(
      facts.symbols.filter((s) => s.kind === 'property').map((s) => [s.name, s.valueType]),
    );
    assert.deepEqual(types, {
      x: { kind: 'name', name: 'Foo' },
      y: { kind: 'name', name: 'Bar' },
      z: { kind: 'call-return', callee: 'makeZ' },
      w: { kind: 'name', name: 'Baz' },
      extra: { kind: 'name', name: 'Qux' },
    });
  });

  it('records ESM, require, dynamic and type-only imports and all export forms', () => {
    const facts = analyze(
      "import type { T } from './t';\nimport d, * as ns from './n';\nconst { a: b } = require('./r');\nconst m = require('./m').x;\nasync function f() { await import('./dyn'); }\nexport * from './s';\nexport * as star from './s2';\nexport { q as default } from './q';\nexport const c = 1;\nmodule.exports.e = f;\n",
      'a.js',
    );
    assert.deepEqual(
      facts.imports.map(
        (i) => `${i.kind}:${i.localName}=${i.imported}@${i.specifier}${i.typeOnly ? ':type' : ''}`,
      ),
      [
        'esm:T=T@./t:type',
        'esm:d=default@./n',
        'esm:ns=*@./n',
        'require:b=a@./r',
        'require:m=x@./m',
        'dynamic:=*@./dyn',
      ],
    );
    assert.deepEqual(
      facts.exports.map((e) => `${e.exported}<${e.local ?? ''}|${e.from ?? ''}|${e.imported ?? ''}`),
      ['*<|./s|*', 'star<|./s2|*', 'default<|./q|q', 'c<c||', 'e<f||'],
    );
  });

  it('names tests Suite > inner > title, keeps template placeholders, and copies hook calls to every test of the suite', () => {
    const facts = analyze(
      "import { test, describe, beforeAll } from 'node:test';\nbeforeAll(() => setup());\ndescribe('outer', () => {\n  describe(`inner ${n}`, () => {\n    test('one', () => run(1));\n  });\n  test.skip('two', () => run(2));\n});\n",
      'src/x.ts',
    );
    assert.equal(facts.isTestFile, true);
    assert.equal(facts.testFramework, 'node:test');
    const tests = facts.symbols.filter((s) => s.kind === 'test');
    assert.deepEqual(
      tests.map((s) => s.qualifiedName),
      ['outer > inner ${n} > one', 'outer > two'],
    );
    const setupCallers = facts.callSites
      .filter((c) => c.text === 'setup')
      .map((c) => c.caller)
      .sort();
    assert.deepEqual(setupCallers, tests.map((t) => t.localId).sort());
  });

  it('names table-driven tests from it.each and describe.each', () => {
    const facts = analyze(
      "describe.each([1, 2])('size %i', (n) => {\n  it.each([3])('adds %i', (m) => add(n, m));\n});\n",
      'x.test.ts',
    );
    assert.deepEqual(
      facts.symbols.filter((s) => s.kind === 'test').map((s) => s.qualifiedName),
      ['size %i > adds %i'],
    );
    assert.equal(facts.callSites.find((c) => c.text === 'add')?.caller, 'size %i > adds %i:test');
  });

  it('names node:test subtests under their parent test and gives them their own calls', () => {
    const facts = analyze(
      "const test = require('node:test');\ntest('parent', async (t) => {\n  setup();\n  await t.test('child', () => check());\n});\n",
      'x.cjs',
    );
    assert.equal(facts.testFramework, 'node:test');
    assert.deepEqual(
      facts.symbols.filter((s) => s.kind === 'test').map((s) => s.qualifiedName),
      ['parent', 'parent > child'],
    );
    assert.equal(facts.callSites.find((c) => c.text === 'check')?.caller, 'parent > child:test');
    assert.equal(facts.callSites.find((c) => c.text === 'setup')?.caller, 'parent:test');
  });

  it('detects test files by path convention', () => {
    for (const path of ['a.test.ts', 'b.spec.jsx', '__tests__/c.js', 'test/d.ts', 'pkg/tests/e.mjs']) {
      assert.equal(analyze('export {}', path).isTestFile, true, path);
    }
    assert.equal(analyze('export {}', 'src/testing.ts').isTestFile, false);
  });

  it('parses JSX in .tsx and .jsx files', () => {
    for (const path of ['c.tsx', 'c.jsx']) {
      const facts = analyze(
        'export function App() { return <div onClick={() => go()}>{render()}</div>; }\n',
        path,
      );
      assert.equal(facts.diagnostics.length, 0, path);
      assert.deepEqual(facts.callSites.map((c) => c.text).sort(), ['go', 'render']);
    }
  });
});

describe('repo resolution', () => {
  const resolve = (files: Record<string, string>) => {
    const facts = Object.entries(files).map(([path, text]) => ({
      path,
      facts: typescriptPlugin.analyze(path, text),
    }));
    return resolveRepo({
      files: facts,
      moduleResolver: typescriptPlugin.createModuleResolver({
        files: new Set(Object.keys(files)),
        configs: new Map(),
      }),
    });
  };

  it('keeps unresolved calls with their reason and counts them', () => {
    const out = resolve({
      'a.ts':
        "import x from 'lodash';\nexport function f(g: () => void) { x.map(); g(); parseInt('1'); mystery(); }\n",
    });
    const reasons = Object.fromEntries(out.edges.map((e) => [e.calleeText, e.reason]));
    assert.deepEqual(reasons, {
      'x.map': 'external:lodash',
      g: 'dynamic',
      parseInt: 'builtin',
      mystery: 'unknown',
    });
    assert.ok(out.edges.every((e) => e.calleeId === null && e.confidence === null));
    assert.deepEqual(out.stats.unresolvedByReason, { external: 1, dynamic: 1, builtin: 1, unknown: 1 });
    assert.equal(out.stats.callSites, 4);
  });

  it('guesses by method name among at most 3 candidates, under its own reason (one candidate or several); more stay unresolved', () => {
    const out = resolve({
      'a.ts': 'export class A { save() {} load() {} }\n',
      'b.ts': 'export class B { save() {} load() {} }\n',
      'c.ts': 'export class C { load() {} }\nexport class D { load() {} }\n',
      'd.ts': 'export function run(x: any) { x.save(); x.load(); }\n',
    });
    const saves = out.edges.filter((e) => e.calleeText === 'x.save');
    assert.deepEqual(saves.map((e) => e.calleeId).sort(), ['a.ts::A.save:method', 'b.ts::B.save:method']);
    for (const e of saves) {
      assert.equal(e.reason, 'name-only-several');
      assert.equal(e.candidates, 2);
      assert.equal(e.confidence, confidenceIn('name-only-several', 2, typescriptPlugin.confidence));
    }
    const loads = out.edges.filter((e) => e.calleeText === 'x.load');
    assert.deepEqual(
      loads.map((e) => [e.calleeId, e.reason]),
      [[null, 'unknown']],
    );
  });

  it("types a callback's parameter from the declared type of the variable a namesake factory initialises", () => {
    const out = resolve({
      'core.ts':
        'export interface Trait { run(): void }\nexport interface $constructor<T, D = unknown> { init(inst: T, def: D): void }\n' +
        'export function $constructor<T, D>(name: string, init: (inst: T, def: D) => void): $constructor<T, D> { return null as any; }\n' +
        'export function other<T>(name: string, init: (inst: T) => void): $constructor<T> { return null as any; }\n',
      'schemas.ts':
        "import * as core from './core';\nexport interface ZodType { check(): void; clone(): ZodType }\n" +
        "export const ZodType: core.$constructor<ZodType> = core.$constructor('ZodType', (inst, def) => {\n" +
        '  inst.clone = () => inst.check() as any;\n});\n' +
        "export const Other: core.$constructor<ZodType> = core.other('Other', (inst) => { inst.check(); });\n",
    });
    const checks = out.edges.filter((e) => e.calleeText === 'inst.check');
    assert.deepEqual(
      checks.map((e) => [e.lines, e.calleeId, e.reason]),
      [
        [[4], 'schemas.ts::ZodType.check:method', 'interface'],
        // A factory not named as the declared type may pass its type parameters anywhere: not bound.
        [[6], null, 'unknown'],
      ],
    );
  });

  it('types the callbacks in both branches of a conditional argument', () => {
    const out = resolve({
      'a.ts':
        'export class Sub { next(v: number) {} }\nexport class Obs { constructor(init: (s: Sub) => void) {} }\n' +
        'export function range(fast: boolean) {\n  return new Obs(fast\n    ? (s) => s.next(1)\n    : (s) => { s.next(2); });\n}\n',
    });
    const next = out.edges.filter((e) => e.calleeText === 's.next');
    assert.deepEqual(
      next.map((e) => [e.lines, e.calleeId, e.reason]),
      [[[5, 6], 'a.ts::Sub.next:method', 'receiver-typed']],
    );
  });

  it("types a local copied from a field of the enclosing class, and a copy of a typed array's elements", () => {
    const out = resolve({
      'a.ts':
        'export class Win { next(v: number) {} }\nexport class Out { error(e: unknown) {} }\n' +
        'export class Socket {\n  private _output: Out = new Out();\n' +
        '  fail(e: unknown, windows: Win[]) {\n    const observer = this._output;\n    observer.error(e);\n' +
        '    const copy = windows.slice();\n    for (const w of copy) w.next(1);\n' +
        '    for (const w of [...windows]) w.next(2);\n    for (const w of windows.filter(Boolean)) w.next(3);\n  }\n}\n',
    });
    const byText = (text: string) =>
      out.edges.filter((e) => e.calleeText === text).map((e) => [e.lines, e.calleeId, e.reason]);
    assert.deepEqual(byText('observer.error'), [[[7], 'a.ts::Out.error:method', 'receiver-typed']]);
    // A copy held in a local is typed; a copy iterated in place is not (only bindings carry element types).
    assert.deepEqual(byText('w.next'), [
      [[9], 'a.ts::Win.next:method', 'receiver-typed'],
      [[10, 11], 'a.ts::Win.next:method', 'name-only-builtin'],
    ]);
  });

  it("reads a parameter typed by a constrained type parameter as its constraint, and an interface member typed by the owner's type parameter as its default", () => {
    const out = resolve({
      'a.ts':
        'export interface Internals { run(): void }\nexport interface Free { go(): void }\n' +
        'export interface Schema<I extends Internals = Internals> { _zod: I }\n' +
        'export function exec<T extends Internals, U>(x: T, y: U, s: Schema) {\n  x.run();\n  y.go();\n  s._zod.run();\n}\n',
    });
    const byText = (text: string) =>
      out.edges.filter((e) => e.calleeText === text).map((e) => [e.calleeId, e.reason]);
    // `x.run()` (line 5) and `s._zod.run()` (line 7) make one edge.
    const run = out.edges.filter((e) => e.calleeId === 'a.ts::Internals.run:method');
    assert.deepEqual(
      run.map((e) => [e.lines, e.reason]),
      [[[5, 7], 'interface']],
    );
    // An unconstrained type parameter stands for anything: at most a guess.
    assert.notEqual(byText('y.go')[0]?.[1], 'interface');
  });

  it('draws an IIFE that initialises a variable to that variable; other IIFEs stay part of the enclosing symbol', () => {
    const out = resolve({
      'a.ts':
        'export const ajax = (() => {\n  return make();\n})();\nfunction make() { return 1; }\n' +
        'export function f() {\n  (() => make())();\n}\n',
    });
    assert.deepEqual(
      out.edges.map((e) => [e.callerId, e.calleeId, e.reason, e.lines]),
      [
        ['a.ts::<module>:module', 'a.ts::ajax:variable', 'same-file', [1]],
        ['a.ts::<module>:module', 'a.ts::make:function', 'same-file', [2]],
        ['a.ts::f:function', 'a.ts::make:function', 'same-file', [6]],
      ],
    );
  });

  it("binds a callee's type parameter to the type of the argument passed for a parameter declared as it", () => {
    const out = resolve({
      'hooks.ts':
        'export function useThing<T>(store: T, label?: string): T { return store; }\n' +
        'export function first<T>(label: string, items: T): T { return items; }\n',
      'app.ts':
        "import { useThing, first } from './hooks';\nexport class Store { dispatch() {} }\n" +
        "export function run(store: Store) {\n  const s = useThing(store, 'x');\n  s.dispatch();\n" +
        "  useThing(new Store()).dispatch();\n  first(store, 'x').dispatch();\n}\n",
    });
    const dispatch = out.edges.filter((e) => e.calleeId === 'app.ts::Store.dispatch:method');
    // Line 7 passes the store where the callee takes a string: T is bound to nothing typed, a guess at most.
    assert.deepEqual(
      dispatch.map((e) => [e.lines, e.reason]),
      [
        [[5, 6], 'receiver-typed'],
        [[7], 'name-only'],
      ],
    );
  });

  it('calls a runtime method on an untyped value builtin only when no repository type declares that method', () => {
    const out = resolve({
      'a.ts': 'export function f(xs: any, q: any) { xs.map(String); q.then(go); }\nfunction go() {}\n',
      'b.ts': 'export class Task { then() {} }\n',
    });
    const reasons = Object.fromEntries(out.edges.map((e) => [e.calleeText, e.reason]));
    assert.equal(reasons['xs.map'], 'builtin');
    assert.equal(reasons['q.then'], 'name-only-builtin');
  });

  it('guesses a method whose name is also a runtime builtin method under its own reason, measured apart', () => {
    const out = resolve({
      'a.ts': 'export class Store { has(k: string) { return true; } persist() {} }\n',
      'b.ts': 'export function f(s: any) { s.has("k"); s.persist(); }\n',
    });
    const byText = Object.fromEntries(out.edges.map((e) => [e.calleeText, e]));
    assert.equal(byText['s.has']?.reason, 'name-only-builtin');
    assert.equal(byText['s.has']?.calleeId, 'a.ts::Store.has:method');
    assert.equal(
      byText['s.has']?.confidence,
      confidenceIn('name-only-builtin', 1, typescriptPlugin.confidence),
    );
    assert.equal(byText['s.persist']?.reason, 'name-only');
    assert.equal(byText['s.persist']?.confidence, confidenceIn('name-only', 1, typescriptPlugin.confidence));
    // Both are guesses below the default view.
    for (const e of [byText['s.has'], byText['s.persist']]) assert.ok((e?.confidence ?? 1) < 0.8);
  });

  it('follows a member chain through the declared types of class and interface properties', () => {
    const out = resolve({
      'svc.ts':
        'export class Auth { begin() {} }\nexport interface Services { auth: Auth }\nexport interface Ctx { services: Services }\n',
      'app.ts':
        "import type { Ctx } from './svc';\nimport { Auth } from './svc';\nclass Runner { run() {} }\ninterface Props { runner: Runner }\nexport class App {\n  #props: Props;\n  constructor() { this.#props = { runner: new Runner() }; }\n  go(ctx: Ctx) { ctx.services.auth.begin(); this.#props.runner.run(); }\n}\n",
    });
    const byText = Object.fromEntries(out.edges.map((e) => [e.calleeText, e]));
    assert.equal(byText['ctx.services.auth.begin']?.calleeId, 'svc.ts::Auth.begin:method');
    assert.equal(byText['ctx.services.auth.begin']?.reason, 'receiver-typed');
    assert.equal(byText['this.#props.runner.run']?.calleeId, 'app.ts::Runner.run:method');
    assert.equal(byText['this.#props.runner.run']?.reason, 'receiver-typed');
  });

  it('reaches a method through the one typed declaration of a property name in the repository', () => {
    const out = resolve({
      'svc.ts': 'export class CodexOauthService { startDesktopFlow() {} }\n',
      'ctx.ts':
        "import type { CodexOauthService } from './svc';\nexport interface RouterContext { codexOauthService: CodexOauthService }\n",
      'router.ts':
        'export function handle<T>(context: T & any) { context.codexOauthService.startDesktopFlow(); }\n',
    });
    const edge = out.edges.find((e) => e.calleeText === 'context.codexOauthService.startDesktopFlow');
    assert.equal(edge?.calleeId, 'svc.ts::CodexOauthService.startDesktopFlow:method');
    assert.equal(edge?.reason, 'unique-property');
  });

  it('finds methods of local object literals, of shorthand members and of frozen exported objects', () => {
    const out = resolve({
      'nodes.ts':
        'const freeze = Object.freeze;\nexport const Nodes = freeze({ create() {}, cloneWith() { return 1; } });\nexport const Frozen = Object.freeze({ make: () => 1 });\n',
      'use.ts':
        "import { Nodes, Frozen } from './nodes';\nfunction f() {}\nfunction g() {}\nexport function run() {\n  const api = { f, g, h() {} };\n  api.f(); api.h();\n  Nodes.cloneWith(); Frozen.make();\n}\n",
    });
    const byText = Object.fromEntries(out.edges.map((e) => [e.calleeText, e]));
    assert.equal(byText['api.f']?.calleeId, 'use.ts::f:function');
    assert.equal(byText['api.h']?.calleeId, 'use.ts::run.api.h:method');
    assert.equal(byText['Nodes.cloneWith']?.calleeId, 'nodes.ts::Nodes.cloneWith:method');
    assert.equal(byText['Nodes.cloneWith']?.reason, 'import');
    assert.equal(byText['Frozen.make']?.calleeId, 'nodes.ts::Frozen.make:function');
  });

  it('types locals by what an in-repo function returns: declared, awaited, inferred from its one return, or ReturnType', () => {
    const out = resolve({
      'server.ts':
        'export class Loopback { sendSuccessResponse() {} }\nexport async function startLoopbackServer(): Promise<Loopback> { return new Loopback(); }\nexport function make() { return new Loopback(); }\nexport const makeArrow = () => new Loopback();\n',
      'flow.ts':
        "import { startLoopbackServer, make, makeArrow } from './server';\nexport async function start() {\n  const a = await startLoopbackServer();\n  a.sendSuccessResponse();\n  const b = make();\n  b.sendSuccessResponse();\n  makeArrow().sendSuccessResponse();\n  let c: Awaited<ReturnType<typeof startLoopbackServer>>;\n  c = await startLoopbackServer();\n  c.sendSuccessResponse();\n}\n",
    });
    const lines = out.edges
      .filter((e) => e.calleeId === 'server.ts::Loopback.sendSuccessResponse:method')
      .flatMap((e) => e.lines);
    assert.deepEqual(
      lines.sort((x, y) => x - y),
      [4, 6, 7, 10],
    );
  });

  it('types `this` by the this-parameter a function declares, and its members by the object type alias', () => {
    const out = resolve({
      'a.ts':
        'export type Annotation = { extend_(key: string): boolean; inner: Helper };\nexport class Helper { go() {} }\nexport function make_(this: Annotation) { this.extend_("k"); this.inner.go(); }\n',
    });
    const byText = Object.fromEntries(out.edges.map((e) => [e.calleeText, e]));
    assert.equal(byText['this.extend_']?.calleeId, 'a.ts::Annotation.extend_:method');
    assert.equal(byText['this.extend_']?.reason, 'interface');
    assert.equal(byText['this.inner.go']?.calleeId, 'a.ts::Helper.go:method');
  });

  it('resolves namespace imports and inherited members of imported base classes', () => {
    const out = resolve({
      'base.ts': 'export class Base { start() {} }\nexport function helper() {}\n',
      'sub.ts':
        "import * as ns from './base';\nimport { Base } from './base';\nexport class Sub extends Base {\n  run() {\n    super.start();\n    this.start();\n    ns.helper();\n  }\n}\nexport function go(s: Sub) { s.start(); }\n",
    });
    const targets = out.edges
      .filter((e) => e.calleeId !== null)
      .map((e) => `${e.callerId} ${e.lines.join(',')}→${e.calleeId}`);
    assert.deepEqual(targets.sort(), [
      'sub.ts::Sub.run:method 5,6→base.ts::Base.start:method',
      'sub.ts::Sub.run:method 7→base.ts::helper:function',
      'sub.ts::go:function 10→base.ts::Base.start:method',
    ]);
  });

  it('counts a call site the resolver fails on as resolver-error, not unknown, and keeps the rest', () => {
    const facts = typescriptPlugin.analyze('a.ts', 'export function f(x: any) { x.go(); f(); }\n');
    const site = facts.callSites.find((c) => c.text === 'x.go');
    assert.ok(site);
    // Malformed facts (a typed receiver without its type) make the resolver throw on this one site.
    site.target = { kind: 'member', name: 'go', receiver: { kind: 'typed' } as never };
    const out = resolveRepo({
      files: [{ path: 'a.ts', facts }],
      moduleResolver: typescriptPlugin.createModuleResolver({ files: new Set(['a.ts']), configs: new Map() }),
    });
    assert.equal(out.edges.find((e) => e.calleeText === 'x.go')?.reason, 'resolver-error');
    assert.equal(out.edges.find((e) => e.calleeText === 'f')?.reason, 'same-file');
    assert.equal(out.stats.unresolvedByReason['resolver-error'], 1);
  });

  it('links a class call to its constructor and aggregates repeated calls into one edge with sorted lines', () => {
    const out = resolve({
      'a.ts':
        'export class A { constructor() {} }\nexport function f() {\n  new A();\n  g();\n  g();\n}\nfunction g() {}\n',
    });
    assert.equal(out.edges.find((e) => e.kind === 'new')?.calleeId, 'a.ts::A.constructor:constructor');
    assert.deepEqual(out.edges.find((e) => e.calleeText === 'g')?.lines, [4, 5]);
  });

  it('ends on self-referential types instead of recursing forever', () => {
    const out = resolve({ 'a.ts': 'export const v = v.make();\nexport function f() { v.run(); }\n' });
    assert.equal(out.edges.find((e) => e.calleeText === 'v.run')?.calleeId, null);
  });

  it("keeps calls on what a test framework's global returns as that framework's, not unknown", () => {
    const out = resolve({
      'src/a.test.ts': [
        "it('works', () => {",
        '  const spy = vi.fn();',
        '  expect(spy).not.toHaveBeenCalled();',
        '  spy.mockReturnValue(1);',
        '  const store = makeStore();',
        '  store.dispatch(1);',
        '});',
        '',
      ].join('\n'),
    });
    const reasons = Object.fromEntries(out.edges.map((e) => [e.calleeText, e.reason]));
    assert.equal(reasons['expect(spy).not.toHaveBeenCalled'], 'external:test-runner');
    assert.equal(reasons['spy.mockReturnValue'], 'external:test-runner');
    assert.equal(reasons['store.dispatch'], 'unknown');
  });

  it('gives the same edges in the same order whatever the input file order', () => {
    const files = {
      'a.ts': "import { b } from './b.js';\nexport function a() { b(); }\n",
      'b.ts': "import { a } from './a.js';\nexport function b() { a(); }\n",
    };
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    assert.deepEqual(resolve(files), resolve(reversed));
  });
});

describe('types a call site tells (the call-site-types fixture)', () => {
  const project = analyseFolder(typescriptPlugin, join(fixtureDir, 'call-site-types'));
  const from = (caller: string, line: number): Edge[] =>
    edgesFrom(project.resolved.edges, `use.ts::${caller}:function`).filter((e) => e.lines.includes(line));
  const target = (caller: string, line: number, callee: string): Edge | undefined =>
    from(caller, line).find((e) => e.calleeId === `model.ts::${callee}`);

  it('binds a call on an overloaded interface method to the first signature taking its argument count', () => {
    const edges = from('later', 5).filter((e) => e.calleeText === 'scheduler.schedule');
    assert.deepEqual(
      edges.map((e) => [e.calleeId, e.reason]),
      [['model.ts::Scheduler.schedule:method~2', 'interface']],
    );
  });

  it('types a local read from a typed property chain and names destructured from a typed value', () => {
    for (const line of [11, 13])
      assert.equal(target('resetAll', line, 'Store.reset:method')?.reason, 'receiver-typed');
  });

  it("types a callback's parameters by the array it iterates and by the typed receiver's method it is passed to", () => {
    assert.equal(target('measure', 18, 'Shape.area:method')?.reason, 'receiver-typed');
    assert.equal(target('measure', 19, 'Shape.area:method')?.reason, 'receiver-typed');
  });

  it('types callback parameters through a function type alias and a function-typed property', () => {
    const follow = edgesFrom(project.resolved.edges, 'use.ts::follow:function').filter(
      (e) => e.calleeText === 'store.reset',
    );
    assert.equal(follow.length, 1);
    assert.deepEqual(follow[0]?.lines.length, 2);
    assert.equal(follow[0]?.calleeId, 'model.ts::Store.reset:method');
    assert.equal(follow[0]?.reason, 'receiver-typed');
  });

  it("binds the callee's type parameters to the type arguments written at the call", () => {
    assert.equal(target('measure', 20, 'Store.reset:method')?.reason, 'receiver-typed');
    assert.equal(target('measure', 21, 'Store.reset:method')?.reason, 'receiver-typed');
  });

  it('narrows by instanceof and by a type guard, also after a guard that returns', () => {
    for (const line of [26, 27, 30])
      assert.equal(
        target('describe', line, 'Circle.radius:method')?.reason,
        'receiver-typed',
        `line ${line}`,
      );
  });

  it('declares the members of an object type written as a parameter type, and resolves calls on them', () => {
    const load = edgesFrom(project.resolved.edges, 'use.ts::load:function');
    assert.deepEqual(
      load.map((e) => [e.calleeId, e.reason]),
      [['use.ts::load.opts.fetch:method', 'interface']],
    );
    const run = edgesFrom(project.resolved.edges, 'use.ts::Loader.run:method');
    assert.deepEqual(
      run.map((e) => [e.calleeId, e.reason]),
      [['use.ts::Loader.run.opts.fetch:method', 'interface']],
    );
  });

  it("types a map's values, a class field's array and map, and a conditional whose sides agree", () => {
    const registry = edgesFrom(project.resolved.edges, 'use.ts::Registry.resetAll:method');
    assert.deepEqual(
      registry.find((e) => e.calleeId === 'model.ts::Store.reset:method')?.lines,
      [62, 63, 64],
    );
    assert.deepEqual(registry.find((e) => e.calleeId === 'model.ts::Shape.area:method')?.lines, [65]);
    const pick = edgesFrom(project.resolved.edges, 'use.ts::pick:function');
    const reset = pick.find((e) => e.calleeId === 'model.ts::Store.reset:method');
    assert.deepEqual([reset?.reason, reset?.lines], ['receiver-typed', [71, 73]]);
  });

  it('reads Pick<T, …>, Readonly<T> and an intersection as the members of T', () => {
    const edges = edgesFrom(project.resolved.edges, 'use.ts::narrowed:function');
    const reset = edges.find((e) => e.calleeId === 'model.ts::Store.reset:method');
    assert.equal(reset?.reason, 'receiver-typed');
    assert.equal(reset?.lines.length, 2);
  });

  it('resolves a member of a module loaded with await import() to its export', () => {
    const later = edgesFrom(project.resolved.edges, 'use.ts::later2:function');
    assert.equal(later.find((e) => e.calleeId === 'model.ts::validate:function')?.reason, 'import');
  });

  it('does not narrow through a call not named as a guard, nor a local whose type is declared', () => {
    assert.equal(target('unchecked', 35, 'Circle.radius:method')?.reason, 'name-only');
    assert.equal(target('unchecked', 36, 'Shape.area:method')?.reason, 'receiver-typed');
  });
});

describe('language registry', () => {
  it('finds the TypeScript plug-in for every JS/TS extension and nothing for others', () => {
    for (const ext of ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.d.ts']) {
      assert.equal(pluginForPath(`src/x${ext}`)?.id, 'typescript', ext);
    }
    assert.equal(pluginForPath('README.md'), undefined);
    assert.ok(allPlugins.includes(typescriptPlugin));
  });
});
