import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Edge } from '../../src/core/graph.js';
import type { FileFacts } from '../../src/core/facts.js';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { computeTestReach } from '../../src/analysis/test-reach.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { allPlugins, initPlugins, pluginForPath } from '../../src/languages/registry.js';
import { javaPlugin } from '../../src/languages/java/java-plugin.js';
import { chooseJavaOverload, argumentFit } from '../../src/languages/java/resolution.js';
import { javaTestCommands } from '../../src/languages/java/test-command.js';
import { buildJavaTruth, parseJavap } from '../../src/eval/java-truth.js';
import { truthLanguageOf } from '../../src/eval/truth-sources.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertFactsInvariants, runConformance } from './conformance.js';
import { analyseFolder, goldenCases, renderGolden } from './golden.js';

await initPlugins(allPlugins);

const root = fileURLToPath(new URL('../../../', import.meta.url));
runConformance(javaPlugin, join(root, 'src/languages/java/fixtures'));

describe('java golden fixtures', () => {
  for (const c of goldenCases(root, 'src/languages/java/fixtures')) {
    it(`matches the reviewed symbols and edges of the ${c.name} case (npm run golden:update regenerates)`, () => {
      assert.equal(
        renderGolden(analyseFolder(javaPlugin, c.sourceDir)),
        readFileSync(c.expectedPath, 'utf8'),
      );
    });
  }
});

function analyse(files: Record<string, string>): { facts: FileFacts[]; edges: Edge[] } {
  const facts = Object.entries(files).map(([path, text]) => javaPlugin.analyze(path, text));
  const moduleResolver = javaPlugin.createModuleResolver({
    files: new Set(Object.keys(files)),
    configs: new Map(),
  });
  const { edges } = resolveRepo({
    files: facts.map((f) => ({ path: f.path, facts: f })),
    moduleResolver,
    plugins: [javaPlugin],
  });
  return { facts, edges };
}

/** `callerQualifiedName → calleeQualifiedName [reason]` for every edge (unresolved: `→ ?text [reason]`). */
function describeEdges(facts: FileFacts[], edges: Edge[]): string[] {
  const names = new Map<string, string>();
  for (const f of facts)
    for (const s of f.symbols) names.set(makeSymbolId(f.path, s.localId), s.qualifiedName);
  return edges.map(
    (e) =>
      `${names.get(e.callerId)} → ${e.calleeId ? names.get(e.calleeId) : `?${e.calleeText}`} [${e.reason}]`,
  );
}

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

describe('java plug-in: the grammar', () => {
  it('loads tree-sitter-java from node_modules and routes .java files to the plug-in', () => {
    assert.equal(pluginForPath('src/main/java/a/B.java')?.id, 'java');
    const facts = javaPlugin.analyze('A.java', 'class A { void f() { g(); } void g() {} }\n');
    assert.deepEqual(
      facts.symbols.map((s) => s.localId),
      ['<module>:module', 'A:class', 'A.f():method', 'A.g():method'],
    );
  });
});

describe('java plug-in: symbols', () => {
  const text = lines(
    'package shop;',
    '',
    'import java.util.List;',
    '',
    '/** A cart. Holds items. */',
    'public class Cart<T> extends Base implements Sized {',
    '  private final List<String> items;',
    '  static int count, total;',
    '  public Cart() { this(1); }',
    '  public Cart(int size) { super(size); }',
    '  void add(int n) {}',
    '  void add(String s) {}',
    '  void add(List<String> all, Object... more) {}',
    '  public <R> R map(java.util.function.Function<T, R> f) { return null; }',
    '  interface Sized { int size(); }',
    '  enum Kind { SMALL, LARGE { void shout() {} }; void kind() {} }',
    '  record Point(int x, String y) { Point { } }',
    '  @interface Marker { int value() default 0; }',
    '  void local() {',
    '    class Helper { void help() {} }',
    '    Runnable r = new Runnable() { public void run() {} };',
    '  }',
    '}',
  );
  const facts = javaPlugin.analyze('src/main/java/shop/Cart.java', text);
  const byName = new Map(facts.symbols.map((s) => [s.qualifiedName, s]));

  it('gives overloads and constructors distinct ids by their erased parameter types', () => {
    for (const qn of [
      'Cart.Cart()',
      'Cart.Cart(int)',
      'Cart.add(int)',
      'Cart.add(String)',
      'Cart.add(List,Object...)',
      'Cart.map(Function)',
    ])
      assert.ok(byName.has(qn), `${qn} in ${[...byName.keys()].join(', ')}`);
    assert.equal(byName.get('Cart.Cart(int)')?.kind, 'constructor');
    assert.equal(byName.get('Cart.add(List,Object...)')?.signature, '(List<String> all, Object... more)');
    assert.equal(byName.get('Cart.map(Function)')?.returnType, 'R');
    assert.equal(assertFactsInvariants(facts, text), undefined);
  });

  it('reads classes, interfaces, enums, records, annotation types, fields and their types', () => {
    const cart = byName.get('Cart');
    assert.equal(cart?.kind, 'class');
    assert.deepEqual(cart?.extends, ['Base']);
    assert.deepEqual(cart?.implements, ['Cart.Sized']);
    assert.equal(cart?.doc, 'A cart.');
    assert.equal(byName.get('Cart.Sized')?.kind, 'interface');
    assert.equal(byName.get('Cart.Kind')?.kind, 'enum');
    assert.equal(byName.get('Cart.Kind.SMALL')?.kind, 'property');
    assert.equal(byName.get('Cart.Kind.LARGE')?.kind, 'class', 'an enum constant with a body is a class');
    assert.ok(byName.has('Cart.Kind.LARGE.shout()'));
    assert.equal(byName.get('Cart.Point')?.kind, 'class');
    assert.ok(byName.has('Cart.Point.Point(int,String)'), 'a compact constructor takes the components');
    assert.equal(byName.get('Cart.Point.x')?.kind, 'property');
    assert.equal(byName.get('Cart.Marker')?.kind, 'interface');
    assert.deepEqual(byName.get('Cart.items')?.valueType, { kind: 'name', name: 'List' });
    assert.ok(byName.has('Cart.count') && byName.has('Cart.total'));
    assert.ok(byName.has('Cart.local().Helper.help()'), 'a local class lives under its method');
    assert.ok(
      byName.has('Cart.local().<anonymous Runnable>.run()'),
      'an anonymous class lives under its method',
    );
  });

  it('binds a type of the same package, an on-demand import or java.lang as Java finds it', () => {
    const imports = facts.imports.map((i) => `${i.localName}=${i.specifier}`);
    assert.ok(imports.includes('List=java.util.List'));
    assert.ok(imports.includes('Base=shop.Base'), imports.join(' '));
    assert.ok(!imports.some((i) => i.startsWith('Runnable=')), 'java.lang needs no import');
  });
});

describe('java plug-in: resolution', () => {
  it('chooses an overload by arity and argument types, and keeps a tie unresolved as ambiguous', () => {
    const { facts, edges } = analyse({
      'src/main/java/a/Printer.java': lines(
        'package a;',
        'public class Printer {',
        '  void print(int n) {}',
        '  void print(long n) {}',
        '  void print(String s) {}',
        '  void print(String s, Object... rest) {}',
        '  void print(Character c) {}',
        '  void print(char c) {}',
        '  void run(Object unknown, Thing t) {',
        '    print(1);',
        '    print(2L);',
        '    print("x");',
        '    print("x", 1, 2);',
        '    print(t.value());',
        '  }',
        '}',
      ),
    });
    const described = describeEdges(facts, edges);
    for (const want of [
      'Printer.run(Object,Thing) → Printer.print(int) [receiver-typed]',
      'Printer.run(Object,Thing) → Printer.print(long) [receiver-typed]',
      'Printer.run(Object,Thing) → Printer.print(String) [receiver-typed]',
      'Printer.run(Object,Thing) → Printer.print(String,Object...) [receiver-typed]',
      'Printer.run(Object,Thing) → ?print [ambiguous]',
    ])
      assert.ok(described.includes(want), `${want} in\n${described.join('\n')}`);
  });

  it('follows static imports, chains through declared returns, var locals, super and this constructors', () => {
    const { facts, edges } = analyse({
      'mod-a/src/main/java/util/Strings.java': lines(
        'package util;',
        'public final class Strings {',
        '  public static String trim(String s) { return s; }',
        '}',
      ),
      'mod-b/src/main/java/app/Builder.java': lines(
        'package app;',
        'public class Builder {',
        '  public Builder name(String n) { return this; }',
        '  public Widget build() { return new Widget(); }',
        '}',
      ),
      'mod-b/src/main/java/app/Widget.java': lines(
        'package app;',
        'import static util.Strings.trim;',
        'public class Widget extends Base {',
        '  public Widget() { super(trim("w")); }',
        '  public static Builder builder() { return new Builder(); }',
        '  void make() {',
        '    Widget w = builder().name("a").build();',
        '    var b = new Builder();',
        '    b.name("b");',
        '    w.draw();',
        '  }',
        '}',
      ),
      'mod-b/src/main/java/app/Base.java': lines(
        'package app;',
        'public abstract class Base {',
        '  protected Base(String label) {}',
        '  public abstract void draw();',
        '}',
      ),
    });
    const described = describeEdges(facts, edges);
    for (const want of [
      'Widget.Widget() → Strings.trim(String) [import]',
      'Widget.Widget() → Base.Base(String) [receiver-typed]',
      'Widget.make() → Widget.builder() [receiver-typed]',
      'Widget.make() → Builder.name(String) [receiver-typed]',
      'Widget.make() → Builder.build() [receiver-typed]',
      'Widget.make() → Base.draw() [receiver-typed]',
    ])
      assert.ok(described.includes(want), `${want} in\n${described.join('\n')}`);
  });

  it('draws a call through an interface or abstract method to the overrides below the receiver type as a lower tier', () => {
    const { facts, edges } = analyse({
      'src/main/java/a/Shape.java': lines(
        'package a;',
        'public interface Shape {',
        '  double area();',
        '  double area(double scale);',
        '}',
      ),
      'src/main/java/a/Shapes.java': lines(
        'package a;',
        'public abstract class Shapes {',
        '  // Square is declared below the class that extends it.',
        '  public static final class Big extends Square {',
        '    @Override public double area() { return 4; }',
        '  }',
        '  public static class Square implements Shape {',
        '    public double area() { return 1; }',
        '    public double area(double scale) { return scale; }',
        '  }',
        '  public static class Disk implements Shape {',
        '    public double area() { return 3; }',
        '    public double area(double scale) { return 3 * scale; }',
        '  }',
        '  /** Inherits area() from Disk. */',
        '  public static class Ring extends Disk {}',
        '}',
      ),
      'src/main/java/a/Node.java': lines(
        'package a;',
        'public abstract class Node {',
        '  public abstract String name();',
        '  public String label() { return name(); }',
        '}',
      ),
      'src/main/java/a/Leaf.java': lines(
        'package a;',
        'public abstract class Leaf extends Node {',
        '  public String tag() { return name(); }',
        '}',
      ),
      'src/main/java/a/Text.java': lines(
        'package a;',
        'public class Text extends Leaf {',
        '  public String name() { return "#text"; }',
        '}',
      ),
      'src/main/java/a/Element.java': lines(
        'package a;',
        'public class Element extends Node {',
        '  public String name() { return "div"; }',
        '}',
      ),
      'src/main/java/a/Use.java': lines(
        'package a;',
        'public class Use {',
        '  double total(Shape s) { return s.area() + s.area(2.0); }',
        '  double square(Shapes.Square q) { return q.area(); }',
        '}',
      ),
    });
    const names = new Map<string, string>();
    for (const f of facts)
      for (const s of f.symbols) names.set(makeSymbolId(f.path, s.localId), s.qualifiedName);
    const from = (caller: string): string[] =>
      edges
        .filter((e) => names.get(e.callerId) === caller && e.calleeId !== null)
        .map((e) => `${names.get(e.calleeId as string)} [${e.reason}]`)
        .sort();
    assert.deepEqual(from('Use.total(Shape)'), [
      'Shape.area() [interface]',
      'Shape.area(double) [interface]',
      'Shapes.Big.area() [interface-impl]',
      'Shapes.Disk.area() [interface-impl]',
      'Shapes.Disk.area(double) [interface-impl]',
      'Shapes.Square.area() [interface-impl]',
      'Shapes.Square.area(double) [interface-impl]',
    ]);
    // Square.area() has a body: a call on a Square is no dispatch guess.
    assert.deepEqual(from('Use.square(Shapes.Square)'), ['Shapes.Square.area() [receiver-typed]']);
    assert.deepEqual(from('Node.label()'), [
      'Element.name() [interface-impl]',
      'Node.name() [receiver-typed]',
      'Text.name() [interface-impl]',
    ]);
    // `this` in Leaf is a Leaf: Element is no candidate.
    assert.deepEqual(from('Leaf.tag()'), ['Node.name() [receiver-typed]', 'Text.name() [interface-impl]']);
    const tier = edges.find((e) => e.reason === 'interface-impl');
    assert.equal(tier?.confidence, javaPlugin.confidence?.['interface-impl']);
  });

  it('keeps JDK calls as builtin (java.lang) or external with their package', () => {
    const { facts, edges } = analyse({
      'src/main/java/a/Io.java': lines(
        'package a;',
        'import java.util.*;',
        'class Io {',
        '  void run(String s) {',
        '    List<String> list = new ArrayList<>();',
        '    list.add(s.trim());',
        '    Integer.parseInt(s);',
        '    java.util.Collections.sort(list);',
        '  }',
        '}',
      ),
    });
    const described = describeEdges(facts, edges);
    for (const want of [
      'Io.run(String) → ?new ArrayList<> [external:java.util]',
      'Io.run(String) → ?list.add [external:java.util]',
      'Io.run(String) → ?s.trim [builtin]',
      'Io.run(String) → ?Integer.parseInt [builtin]',
      'Io.run(String) → ?java.util.Collections.sort [external:java.util]',
    ])
      assert.ok(described.includes(want), `${want} in\n${described.join('\n')}`);
  });

  it('resolves a class in the nearest module of a multi-module build, and the default package only beside the file', () => {
    const resolver = javaPlugin.createModuleResolver({
      files: new Set([
        'core/src/main/java/a/Util.java',
        'web/src/main/java/a/Util.java',
        'web/src/main/java/a/Page.java',
        'Tool.java',
        'scripts/Tool.java',
      ]),
      configs: new Map(),
    });
    assert.deepEqual(resolver.resolve('web/src/main/java/a/Page.java', 'a.Util'), {
      kind: 'file',
      path: 'web/src/main/java/a/Util.java',
    });
    assert.deepEqual(resolver.resolve('scripts/Run.java', 'Tool'), {
      kind: 'file',
      path: 'scripts/Tool.java',
    });
    assert.deepEqual(resolver.resolve('web/src/main/java/a/Page.java', 'a.Missing|org.acme.Missing'), {
      kind: 'external',
      pkg: 'org.acme',
    });
    assert.equal(resolver.resolve('web/src/main/java/a/Page.java', 'a.Missing').kind, 'unresolved');
    assert.deepEqual(resolver.resolve('x/Y.java', 'javax.swing.JFrame'), {
      kind: 'external',
      pkg: 'javax.swing',
    });
  });

  it('scores argument fits as JLS phases do: exact, widening or boxing, maybe, never', () => {
    assert.equal(argumentFit('int', 'int'), 3);
    assert.equal(argumentFit('int', 'long'), 2);
    assert.equal(argumentFit('int', 'Integer'), 2);
    assert.equal(argumentFit('long', 'int'), 0);
    assert.equal(argumentFit('String', 'CharSequence'), 1);
    assert.equal(argumentFit('String', 'List'), 0);
    assert.equal(argumentFit('null', 'int'), 0);
    assert.equal(chooseJavaOverload([], ['int']).length, 0);
  });
});

describe('java plug-in: tests', () => {
  it('finds JUnit 4/5, TestNG and JUnit 3 tests and counts setup hooks for every test of the class', () => {
    const { facts, edges } = analyse({
      'src/main/java/a/Stack.java': lines(
        'package a;',
        'public class Stack { public void push(int i) {} public void clear() {} }',
      ),
      'src/test/java/a/StackTest.java': lines(
        'package a;',
        'import org.junit.Before;',
        'import org.junit.Test;',
        'public class StackTest {',
        '  Stack s;',
        '  @Before public void setUp() { s = new Stack(); s.push(1); }',
        '  @Test public void pushes() {}',
        '}',
      ),
      'src/test/java/a/NgTest.java': lines(
        'package a;',
        'import org.testng.annotations.*;',
        'public class NgTest {',
        '  Stack s = new Stack();',
        '  @BeforeMethod void reset() { s.clear(); }',
        '  @Test void works() {}',
        '}',
      ),
      'src/test/java/a/OldTest.java': lines(
        'package a;',
        'import junit.framework.TestCase;',
        'public class OldTest extends TestCase {',
        '  Stack s = new Stack();',
        '  protected void setUp() { s.push(2); }',
        '  public void testPush() {}',
        '}',
      ),
      'src/test/java/a/ParamTest.java': lines(
        'package a;',
        'import org.junit.jupiter.params.ParameterizedTest;',
        'class ParamTest { @ParameterizedTest void each(int n) {} }',
      ),
    });
    const frameworks = Object.fromEntries(facts.map((f) => [f.path.replace(/^.*\//, ''), f.testFramework]));
    assert.deepEqual(frameworks, {
      'Stack.java': null,
      'StackTest.java': 'junit4',
      'NgTest.java': 'testng',
      'OldTest.java': 'junit3',
      'ParamTest.java': 'junit5',
    });
    const tests = facts.flatMap((f) =>
      f.symbols.filter((s) => s.kind === 'test').map((s) => s.qualifiedName),
    );
    assert.deepEqual(tests.sort(), [
      'NgTest.works',
      'OldTest.testPush',
      'ParamTest.each',
      'StackTest.pushes',
    ]);
    const symbols = facts.flatMap((f) =>
      f.symbols.map((s) => ({
        id: makeSymbolId(f.path, s.localId),
        path: f.path,
        qualifiedName: s.qualifiedName,
        kind: s.kind,
      })),
    );
    const reach = computeTestReach(symbols, edges);
    const reached = (test: string, target: string): boolean => {
      const testId = symbols.find((s) => s.qualifiedName === test)?.id;
      const targetId = symbols.find((s) => s.qualifiedName === target)?.id;
      return reach.some((r) => r.testId === testId && r.symbolId === targetId);
    };
    assert.ok(reached('StackTest.pushes', 'Stack.push(int)'), 'JUnit 4 @Before');
    assert.ok(reached('NgTest.works', 'Stack.clear()'), 'TestNG @BeforeMethod');
    assert.ok(reached('OldTest.testPush', 'Stack.push(int)'), 'JUnit 3 setUp');
  });

  it('runs one test with the build file found: Maven by class#method, Gradle by package.Class.method', () => {
    const maven = javaTestCommands.command({
      testFile: 'svc/src/test/java/a/b/CartTest.java',
      testName: 'CartTest.Empty.adds',
      framework: 'junit5',
      files: [{ path: 'svc/pom.xml', text: '<project/>' }],
    });
    assert.deepEqual(maven, { cwd: 'svc', command: "mvn -Dtest='CartTest$Empty#adds' test" });
    const gradle = javaTestCommands.command({
      testFile: 'src/test/java/a/b/CartTest.java',
      testName: 'CartTest.adds',
      framework: 'junit5',
      files: [
        { path: 'build.gradle.kts', text: '' },
        { path: 'gradlew', text: '' },
      ],
    });
    assert.deepEqual(gradle, { cwd: '', command: './gradlew test --tests a.b.CartTest.adds' });
    assert.equal(
      javaTestCommands.command({ testFile: 'T.java', testName: 'T.x', framework: null, files: [] }),
      null,
      'no build file: no command is made up',
    );
    assert.deepEqual(javaTestCommands.inputs('m/src/test/java/A.java').slice(0, 2), [
      'm/src/test/java/pom.xml',
      'm/src/test/java/build.gradle',
    ]);
    const group = javaTestCommands.group?.({
      testFile: 'src/test/java/a/CartTest.java',
      testNames: ['CartTest.adds', 'CartTest.removes'],
      framework: 'junit5',
      files: [{ path: 'pom.xml', text: '' }],
    });
    assert.equal(group?.command, "mvn -Dtest='CartTest#adds,CartTest#removes' test");
  });
});

describe('java plug-in: bad input', () => {
  it('gives partial facts and a diagnostic for a syntax error', () => {
    const text = 'class A {\n  void ok() { b(); }\n  void broken( {\n}\n';
    const facts = javaPlugin.analyze('A.java', text);
    assert.ok(facts.diagnostics.some((d) => d.severity === 'error'));
    assert.ok(facts.symbols.some((s) => s.qualifiedName === 'A.ok()'));
    assertFactsInvariants(facts, text);
  });

  it('analyses 5,000 nested blocks without overflowing, with a diagnostic for what it skipped', () => {
    const depth = 5000;
    const text = `class A { void f() { ${'{'.repeat(depth)} g(); ${'}'.repeat(depth)} } }\n`;
    const facts = javaPlugin.analyze('A.java', text);
    assert.ok(facts.diagnostics.some((d) => /nesting deeper/.test(d.message)));
    assertFactsInvariants(facts, text);
  });

  it('reads a file with a byte-order mark, and an empty file', () => {
    const facts = javaPlugin.analyze('A.java', '\ufeffclass A {}\n');
    assert.ok(facts.symbols.some((s) => s.qualifiedName === 'A'));
    assert.equal(javaPlugin.analyze('E.java', '').symbols.length, 1);
  });
});

describe('java truth (javac and javap)', () => {
  it('scores .java files against javac and javap in codehub eval', () => {
    assert.equal(truthLanguageOf('src/main/java/a/A.java'), 'java');
  });

  it('reads invoke instructions and their lines from javap output', () => {
    const out = parseJavap(
      [
        'Compiled from "A.java"',
        'class a.A {',
        '  void run();',
        '    Code:',
        '       0: aload_0',
        '       1: invokevirtual #7                  // Method helper:(I)V',
        '       4: invokestatic  #9                  // Method a/B.make:()La/B;',
        '       7: invokeinterface #11,  1          // InterfaceMethod java/util/List.size:()I',
        '      10: invokespecial #13                 // Method a/B."<init>":()V',
        '    LineNumberTable:',
        '      line 5: 0',
        '      line 6: 4',
        '      line 8: 10',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(
      out.map((i) => `${i.line} ${i.opcode} ${i.owner}.${i.name}${i.descriptor}`),
      [
        '5 invokevirtual a.A.helper(I)V',
        '6 invokestatic a.B.make()La/B;',
        '6 invokeinterface java.util.List.size()I',
        '8 invokespecial a.B.<init>()V',
      ],
    );
  });

  const hasJdk =
    spawnSync('javac', ['-version']).status === 0 && spawnSync('javap', ['-version']).status === 0;
  it(
    'compiles a project and maps each call to its declaration (needs javac and javap)',
    { skip: hasJdk ? false : 'javac/javap not installed' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'codehub-java-truth-test-'));
      try {
        const write = (path: string, text: string): void => {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
        };
        write(
          'src/main/java/a/Base.java',
          lines(
            'package a;',
            'public class Base {',
            '  public void greet() {}',
            '  public void greet(int n) {}',
            '}',
          ),
        );
        write(
          'src/main/java/a/Child.java',
          lines(
            'package a;',
            'public class Child extends Base {',
            '  void run() {',
            '    greet(2);',
            '    new Child();',
            '    System.out.println("x");',
            '  }',
            '}',
          ),
        );
        const truth = buildJavaTruth({ repoDir: dir, classpath: '' });
        assert.equal(truth.stats.configError, null);
        const edges = truth.edges.map(
          (e) => `${e.path}:${e.line} → ${e.calleeName} ${e.calleeStartLine}-${e.calleeEndLine} ${e.kind}`,
        );
        assert.deepEqual(edges, [
          'src/main/java/a/Child.java:4 → Base.greet 4-4 call',
          'src/main/java/a/Child.java:5 → Child 2-8 new',
        ]);
        assert.ok(truth.outside.some((s) => s.calleeText === 'java.io.PrintStream.println' && s.line === 6));
        assert.deepEqual(truth.files, ['src/main/java/a/Base.java', 'src/main/java/a/Child.java']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'lists what each virtual call may dispatch to below its declared owner, inherited and bridged methods included (needs javac)',
    { skip: hasJdk ? false : 'javac/javap not installed' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'codehub-java-dispatch-test-'));
      try {
        const write = (path: string, text: string): void => {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
        };
        write(
          'src/main/java/a/Shape.java',
          lines('package a;', 'public interface Shape<T> {', '  T copy();', '  int sides();', '}'),
        );
        write(
          'src/main/java/a/Square.java',
          lines(
            'package a;',
            'public class Square implements Shape<Square> {',
            '  public Square copy() { return new Square(); }',
            '  public int sides() { return 4; }',
            '}',
          ),
        );
        write('src/main/java/a/Big.java', lines('package a;', 'public class Big extends Square {}'));
        write(
          'src/main/java/a/Use.java',
          lines(
            'package a;',
            'public class Use {',
            '  int run(Shape<?> s, Square q) {',
            '    s.copy();',
            '    return s.sides() + q.sides();',
            '  }',
            '}',
          ),
        );
        const truth = buildJavaTruth({ repoDir: dir, classpath: '' });
        assert.equal(truth.stats.configError, null);
        const sites = truth.dispatchSites.map(
          (d) =>
            `${d.line} ${d.declared.path}:${d.declared.startLine} → ${d.overrides.map((o) => `${o.path}:${o.startLine}`).join(' ')}`,
        );
        assert.deepEqual(sites.sort(), [
          '4 src/main/java/a/Shape.java:3 → src/main/java/a/Square.java:3',
          '5 src/main/java/a/Shape.java:4 → src/main/java/a/Square.java:4',
          '5 src/main/java/a/Square.java:4 → ',
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'leaves out test sources whose framework is not on the class path (needs javac)',
    { skip: hasJdk ? false : 'javac not installed' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'codehub-java-truth-test-'));
      try {
        mkdirSync(join(dir, 'src/main/java/a'), { recursive: true });
        mkdirSync(join(dir, 'src/test/java/a'), { recursive: true });
        writeFileSync(
          join(dir, 'src/main/java/a/A.java'),
          'package a;\npublic class A {\n  void f() { g(); }\n  void g() {}\n}\n',
        );
        writeFileSync(
          join(dir, 'src/test/java/a/ATest.java'),
          'package a;\nimport org.nosuch.Test;\nclass ATest { @Test void t() {} }\n',
        );
        const truth = buildJavaTruth({ repoDir: dir, classpath: '' });
        assert.equal(truth.stats.configError, null);
        assert.ok(truth.stats.problems?.some((p) => /1 test files left out/.test(p)));
        assert.deepEqual(
          truth.edges.map((e) => `${e.line} ${e.calleeName}`),
          ['3 A.g'],
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'reports a project that does not compile instead of failing (needs javac)',
    { skip: hasJdk ? false : 'javac not installed' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'codehub-java-truth-test-'));
      try {
        writeFileSync(join(dir, 'A.java'), 'class A { void f() { nope(); } }\n');
        const truth = buildJavaTruth({ repoDir: dir, classpath: '' });
        assert.match(truth.stats.configError ?? '', /could not compile.*cannot find symbol/);
        assert.equal(truth.edges.length, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
