import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Edge } from '../../src/core/graph.js';
import type { FileFacts } from '../../src/core/facts.js';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { computeTestReach } from '../../src/analysis/test-reach.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { allPlugins, initPlugins, pluginForPath } from '../../src/languages/registry.js';
import { pythonPlugin } from '../../src/languages/python/python-plugin.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';
import { SEED_CONFIDENCE } from '../../src/core/confidence.js';
import { declaredRoots } from '../../src/languages/python/module-resolver.js';
import { pythonTypeName } from '../../src/languages/python/conventions.js';
import { runConformance, assertFactsInvariants } from './conformance.js';
import { analyseFolder, goldenCases, renderGolden } from './golden.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureDir = join(root, 'src/languages/python/fixtures');

// The grammar loads once, from node_modules, before any analysis.
await initPlugins(allPlugins);

runConformance(pythonPlugin, fixtureDir);

describe('python golden fixtures', () => {
  for (const c of goldenCases(root, 'src/languages/python/fixtures')) {
    it(`matches the reviewed symbols and edges of the ${c.name} case (npm run golden:update regenerates)`, () => {
      const actual = renderGolden(analyseFolder(pythonPlugin, c.sourceDir));
      assert.equal(actual, readFileSync(c.expectedPath, 'utf8'));
    });
  }
});

describe('grammars', () => {
  it('loads every grammar the project ships, from node_modules, and parses with it', async () => {
    await initPlugins(allPlugins);
    for (const plugin of allPlugins) {
      const ext = plugin.extensions[0] ?? '';
      const facts = plugin.analyze(`probe${ext}`, '');
      assert.equal(facts.skipped, undefined, plugin.id);
      assert.equal(facts.symbols[0]?.kind, 'module', plugin.id);
    }
    const facts = pythonPlugin.analyze('probe.py', 'def f():\n    return g()\n');
    assert.deepEqual(
      facts.symbols.map((s) => s.localId),
      ['<module>:module', 'f:function'],
    );
  });

  it('routes .py and .pyi files to the Python plug-in', () => {
    assert.equal(pluginForPath('pkg/mod.py')?.id, 'python');
    assert.equal(pluginForPath('pkg/mod.pyi')?.id, 'python');
    assert.equal(pluginForPath('pkg/mod.ts')?.id, 'typescript');
  });
});

function analyse(files: Record<string, string>, configs: Record<string, string> = {}) {
  const facts: FileFacts[] = Object.entries(files).map(([path, text]) => pythonPlugin.analyze(path, text));
  const moduleResolver = pythonPlugin.createModuleResolver({
    files: new Set([...Object.keys(files), ...Object.keys(configs)]),
    configs: new Map(Object.entries(configs)),
  });
  const resolved = resolveRepo({ files: facts.map((f) => ({ path: f.path, facts: f })), moduleResolver });
  return { facts, edges: resolved.edges, moduleResolver };
}

function edge(edges: Edge[], caller: string, callee: string): Edge | undefined {
  return edges.find((e) => e.callerId === caller && e.calleeId === callee);
}

describe('python symbols', () => {
  const text = [
    'class A:',
    '    @staticmethod',
    '    def s(): ...',
    '    @classmethod',
    '    def c(cls): ...',
    '    @property',
    '    def p(self) -> int:',
    '        """The p.  Second sentence."""',
    '        return 1',
    '    def __init__(self, a: int = 1, *args, **kw) -> None: ...',
    'def outer():',
    '    def inner(): ...',
    '    if True:',
    '        def inner(): ...',
    'async def run(): ...',
    'handler = lambda event: event',
    '',
  ].join('\n');
  const facts = pythonPlugin.analyze('a.py', text);
  const byId = new Map(facts.symbols.map((s) => [s.localId, s]));

  it('names methods Class.method with kinds for static, class, property and constructor members', () => {
    assert.equal(byId.get('A.s:method')?.isStatic, true);
    assert.deepEqual(byId.get('A.c:method')?.decorators, ['classmethod']);
    assert.equal(byId.get('A.p:getter')?.returnType, 'int');
    assert.equal(byId.get('A.p:getter')?.doc, 'The p.');
    assert.equal(byId.get('A.__init__:constructor')?.signature, '(self, a: int = 1, *args, **kw)');
  });

  it('gives same-named nested functions distinct ids', () => {
    assert.ok(byId.has('outer.inner:function'));
    assert.ok(byId.has('outer.inner:function~2'));
  });

  it('records async functions and lambdas bound to names as functions', () => {
    assert.equal(byId.get('run:function')?.startLine, 15);
    assert.equal(byId.get('handler:function')?.signature, '(event)');
  });
});

describe('python module resolution', () => {
  it('resolves src layouts, relative imports, packages, namespace packages and stubs, and names externals', () => {
    const { moduleResolver: r } = analyse(
      {
        'src/app/__init__.py': '',
        'src/app/core.py': '',
        'src/app/sub/mod.py': '',
        'lib/ns/part.py': '',
        'lib/ext.pyi': '',
        'tests/test_core.py': '',
        'tests/helpers.py': '',
      },
      { 'pyproject.toml': '[tool.setuptools.packages.find]\nwhere = ["lib"]\n' },
    );
    assert.deepEqual(r.resolve('tests/test_core.py', 'app.core'), { kind: 'file', path: 'src/app/core.py' });
    assert.deepEqual(r.resolve('src/app/sub/mod.py', '..core'), { kind: 'file', path: 'src/app/core.py' });
    assert.deepEqual(r.resolve('src/app/core.py', '.'), { kind: 'file', path: 'src/app/__init__.py' });
    assert.deepEqual(r.resolve('tests/test_core.py', 'ns.part'), { kind: 'file', path: 'lib/ns/part.py' });
    assert.equal(r.resolve('tests/test_core.py', 'ns').kind, 'unresolved');
    assert.deepEqual(r.resolve('tests/test_core.py', 'ext'), { kind: 'file', path: 'lib/ext.pyi' });
    assert.deepEqual(r.resolve('tests/test_core.py', 'helpers'), { kind: 'file', path: 'tests/helpers.py' });
    assert.deepEqual(r.resolve('src/app/core.py', 'numpy.linalg'), { kind: 'external', pkg: 'numpy' });
    assert.equal(r.resolve('src/app/core.py', '....x').kind, 'unresolved');
  });

  it('prefers a package to a module of the same name, as CPython does', () => {
    const { moduleResolver: r } = analyse({ 'dup/__init__.py': '', 'dup.py': '', 'main.py': '' });
    assert.deepEqual(r.resolve('main.py', 'dup'), { kind: 'file', path: 'dup/__init__.py' });
  });

  it('reads package roots from setup.cfg and setup.py', () => {
    assert.deepEqual(declaredRoots('setup.cfg', '[options]\npackage_dir =\n    =src\n'), ['', 'src']);
    assert.deepEqual(declaredRoots('pkg/setup.py', 'setup(package_dir={"": "lib"})'), ['pkg', 'pkg/lib']);
  });

  it('reduces annotations to the class they name', () => {
    assert.equal(pythonTypeName('Optional[Repo]'), 'Repo');
    assert.equal(pythonTypeName('"Repo"'), 'Repo');
    assert.equal(pythonTypeName('Repo | None'), 'Repo');
    assert.equal(pythonTypeName('models.Repo'), 'models.Repo');
    assert.equal(pythonTypeName('list[Repo]'), null);
    assert.equal(pythonTypeName('Union[Repo, None]'), 'Repo');
    assert.equal(pythonTypeName('Union[Repo, Cache]'), null, 'either of two classes names neither');
    assert.equal(pythonTypeName('Optional[Union[Repo, Cache]]'), null);
  });
});

describe('python call resolution', () => {
  const files = {
    'pkg/__init__.py': 'from .base import Base\n',
    'pkg/base.py': [
      'class Base:',
      '    def hello(self):',
      '        return 1',
      '    def shared(self):',
      '        return 2',
      '',
    ].join('\n'),
    'pkg/child.py': [
      'from pkg import Base',
      'from . import base as base_mod',
      'class Child(Base):',
      '    def __init__(self):',
      '        super().__init__()',
      '    def hello(self):',
      '        self.shared()',
      '        base_mod.Base().hello()',
      '        return super().hello()',
      '',
    ].join('\n'),
  };
  const { edges } = analyse(files);

  it('follows self calls up the class hierarchy across files', () => {
    const e = edge(edges, 'pkg/child.py::Child.hello:method', 'pkg/base.py::Base.shared:method');
    assert.equal(e?.reason, 'receiver-typed');
  });

  it('resolves super().m() to the base class method', () => {
    const e = edge(edges, 'pkg/child.py::Child.hello:method', 'pkg/base.py::Base.hello:method');
    assert.equal(e?.reason, 'receiver-typed');
    assert.ok(e?.lines.includes(9), 'the super() call on line 9');
  });

  it('resolves module attributes and constructors through package re-exports', () => {
    assert.ok(edge(edges, 'pkg/child.py::Child.hello:method', 'pkg/base.py::Base:class'));
    assert.ok(
      edge(edges, 'pkg/child.py::Child.hello:method', 'pkg/base.py::Base.hello:method')?.lines.includes(8),
    );
  });

  it('keeps a builtin call unresolved with reason builtin', () => {
    const { edges: e } = analyse({ 'm.py': 'def f(d: dict):\n    print(len(d))\n    d.get(1)\n' });
    assert.deepEqual(
      e.map((x) => [x.calleeText, x.reason]),
      [
        ['len', 'builtin'],
        ['print', 'builtin'],
        ['d.get', 'builtin'],
      ],
    );
  });

  it('binds names from a star import to the module that defines them', () => {
    const { edges: e } = analyse({
      'a.py': 'def helper():\n    return 1\n',
      'b.py': 'from a import *\n\ndef main():\n    helper()\n',
    });
    assert.equal(edge(e, 'b.py::main:function', 'a.py::helper:function')?.reason, 'import');
  });

  it('resolves super().__init__() through the bases in MRO order, to the nearest base defining __init__', () => {
    const { edges: e } = analyse({
      'm.py': [
        'class A:',
        '    def __init__(self):',
        '        pass',
        'class B(A):',
        '    pass',
        'class C(B):',
        '    def __init__(self):',
        '        super().__init__()',
        '',
      ].join('\n'),
    });
    assert.equal(
      edge(e, 'm.py::C.__init__:constructor', 'm.py::A.__init__:constructor')?.reason,
      'receiver-typed',
    );
    assert.equal(edge(e, 'm.py::C.__init__:constructor', 'm.py::B:class'), undefined);
  });

  it("forwards only a module's public names through a star import in a package's __init__", () => {
    const { edges: e } = analyse({
      'pkg/__init__.py': 'from .impl import *\n',
      'pkg/impl.py': 'def public():\n    return 1\n\ndef _private():\n    return 2\n',
      'app.py': 'from pkg import public, _private\n\ndef main():\n    public()\n    _private()\n',
    });
    assert.equal(edge(e, 'app.py::main:function', 'pkg/impl.py::public:function')?.reason, 'import');
    assert.equal(edge(e, 'app.py::main:function', 'pkg/impl.py::_private:function'), undefined);
  });

  it('binds through `from m import *` only the names m lists in __all__, when it lists them', () => {
    const { edges: e, facts } = analyse({
      'm.py': "__all__ = ['listed']\n\ndef listed():\n    return 1\n\ndef unlisted():\n    return 2\n",
      'app.py': 'from m import *\n\ndef main():\n    listed()\n    unlisted()\n',
      'pkg/__init__.py': 'from .impl import *\n',
      'pkg/impl.py':
        "__all__ = ('shown',)\n__all__ += ['added']\n\ndef shown():\n    return 1\n\ndef added():\n    return 2\n\ndef hidden():\n    return 3\n",
      'user.py':
        'from pkg import shown, added, hidden\n\ndef run():\n    shown()\n    added()\n    hidden()\n',
    });
    assert.deepEqual(facts.find((f) => f.path === 'm.py')?.wildcardNames, ['listed']);
    assert.equal(edge(e, 'app.py::main:function', 'm.py::listed:function')?.reason, 'import');
    assert.equal(edge(e, 'app.py::main:function', 'm.py::unlisted:function'), undefined);
    assert.equal(edge(e, 'user.py::run:function', 'pkg/impl.py::shown:function')?.reason, 'import');
    assert.equal(edge(e, 'user.py::run:function', 'pkg/impl.py::added:function')?.reason, 'import');
    assert.equal(edge(e, 'user.py::run:function', 'pkg/impl.py::hidden:function'), undefined);
  });

  it('lets a computed __all__ restrict nothing, and an explicit import still reach an unlisted name', () => {
    const { edges: e, facts } = analyse({
      'm.py':
        "from base import __all__ as _base\n__all__ = _base + ['f']\n\ndef f():\n    return 1\n\ndef g():\n    return 2\n",
      'n.py': "__all__ = ['f']\n\ndef f():\n    return 1\n\ndef g():\n    return 2\n",
      'app.py': 'from m import *\nfrom n import g as ng\n\ndef main():\n    g()\n    ng()\n',
    });
    assert.equal(facts.find((f) => f.path === 'm.py')?.wildcardNames, undefined);
    assert.equal(edge(e, 'app.py::main:function', 'm.py::g:function')?.reason, 'import');
    assert.equal(edge(e, 'app.py::main:function', 'n.py::g:function')?.reason, 'import');
  });

  it('types values by the .pyi stub beside a module: return annotations and class attributes', () => {
    const { edges: e } = analyse({
      'store.py': [
        'class Row:',
        '    def save(self):',
        '        return 1',
        'class Store:',
        '    def __init__(self):',
        '        self.last = make_row()',
        '    def get(self, key):',
        '        return Row()',
        'def make_row():',
        '    return object()',
        '',
      ].join('\n'),
      'store.pyi': [
        'class Row:',
        '    def save(self) -> int: ...',
        'class Store:',
        '    last: Row',
        '    def get(self, key: str) -> Row: ...',
        'def make_row() -> Row: ...',
        '',
      ].join('\n'),
      'app.py': [
        'from store import Store, make_row',
        '',
        'def main(s: Store):',
        '    s.get("k").save()',
        '    make_row().save()',
        '    s.last.save()',
        '',
      ].join('\n'),
    });
    const saves = e.filter(
      (x) => x.callerId === 'app.py::main:function' && x.calleeId === 'store.py::Row.save:method',
    );
    assert.deepEqual(saves.flatMap((x) => x.lines).sort(), [4, 5, 6]);
    assert.ok(saves.every((x) => x.reason === 'receiver-typed'));
  });

  it('resolves calls into a module that exists only as a .pyi stub to the stub', () => {
    const { edges: e } = analyse({
      'native.pyi':
        'class Handle:\n    def close(self) -> None: ...\ndef open_handle(path: str) -> Handle: ...\n',
      'app.py': 'from native import open_handle\n\ndef main():\n    open_handle("p").close()\n',
    });
    assert.equal(edge(e, 'app.py::main:function', 'native.pyi::open_handle:function')?.reason, 'import');
    assert.equal(
      edge(e, 'app.py::main:function', 'native.pyi::Handle.close:method')?.reason,
      'receiver-typed',
    );
  });

  it('types a value by the method its typed receiver calls, and by typing.cast', () => {
    const { edges: e } = analyse({
      'm.py': [
        'import typing as t',
        'class Token:',
        '    def test(self):',
        '        return 1',
        'class Stream:',
        '    def look(self) -> "Token":',
        '        return Token()',
        'class Env:',
        '    def tokenize(self) -> Stream:',
        '        return Stream()',
        'class Parser:',
        '    def __init__(self, env: "Env", current: t.Optional["Token"]):',
        '        self.stream = env.tokenize()',
        '    def parse(self, raw):',
        '        self.stream.look().test()',
        '        t.cast("Token", raw).test()',
        '    def scan(self, env: Env):',
        '        with env.tokenize() as s:',
        '            s.look()',
        '',
      ].join('\n'),
    });
    assert.ok(edge(e, 'm.py::Parser.parse:method', 'm.py::Stream.look:method')?.lines.includes(15));
    assert.deepEqual(edge(e, 'm.py::Parser.parse:method', 'm.py::Token.test:method')?.lines, [15, 16]);
    // `with` binds what __enter__ is declared to return: Stream declares none, so `s` stays untyped.
    assert.equal(edge(e, 'm.py::Parser.scan:method', 'm.py::Stream.look:method'), undefined);
  });

  it('types `with E as x` by what E.__enter__ is declared to return', () => {
    const { edges: e } = analyse({
      'm.py': [
        'class Ctx:',
        '    def __enter__(self) -> "Ctx":',
        '        return self',
        '    def __exit__(self, *a):',
        '        return None',
        '    def exit(self):',
        '        return 1',
        'class Cmd:',
        '    def make_context(self) -> Ctx:',
        '        return Ctx()',
        '    def main(self):',
        '        with self.make_context() as ctx:',
        '            ctx.exit()',
        '',
      ].join('\n'),
    });
    assert.equal(edge(e, 'm.py::Cmd.main:method', 'm.py::Ctx.exit:method')?.reason, 'receiver-typed');
  });

  it('attributes calls in lambdas and comprehensions to the enclosing function', () => {
    const facts = pythonPlugin.analyze(
      'c.py',
      'def g(x):\n    return x\n\ndef f(xs):\n    return [g(x) for x in xs], (lambda: g(1))\n',
    );
    assert.deepEqual(
      facts.callSites.map((c) => c.caller),
      ['f:function', 'f:function'],
    );
  });
});

describe('python: methods inherited from a class outside the repository', () => {
  it("calls self.<method> that no in-repo class declares external to the base class's package, through in-repo bases", () => {
    const { edges } = analyse({
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'tests/test_calc.py': [
        'import unittest',
        'from calc import add',
        '',
        'class Base(unittest.TestCase):',
        '    def check(self, x):',
        '        self.assertTrue(x)',
        '',
        'class AddTest(Base):',
        '    def test_add(self):',
        '        self.assertEqual(add(1, 2), 3)',
        '        self.check(True)',
        '',
        'class Plain:',
        '    def run(self):',
        '        self.missing()',
        '',
      ].join('\n'),
    });
    const from = (caller: string, text: string) =>
      edges.find(
        (e) => e.callerId.startsWith(`tests/test_calc.py::${caller}:`) && e.calleeText.includes(text),
      );
    assert.equal(from('AddTest.test_add', 'assertEqual')?.reason, 'external:unittest');
    assert.equal(from('Base.check', 'assertTrue')?.reason, 'external:unittest');
    // An in-repo method is still found first.
    assert.equal(from('AddTest.test_add', 'check')?.calleeId, 'tests/test_calc.py::Base.check:method');
    // A class with no outside base keeps what is not declared as unknown.
    assert.equal(from('Plain.run', 'missing')?.reason, 'unknown');
  });
});

describe('python confidence', () => {
  const files = {
    'lib.py': 'def helper():\n    return 2\n',
    'main.py':
      'from lib import helper\n\ndef local():\n    return 1\n\ndef run():\n    return helper() + local()\n',
  };
  const edgesWith = (plugin: LanguagePlugin): Record<string, number | null> => {
    const facts = Object.entries(files).map(([path, text]) => ({ path, facts: plugin.analyze(path, text) }));
    const moduleResolver = plugin.createModuleResolver({
      files: new Set(Object.keys(files)),
      configs: new Map(),
    });
    // Both languages registered, as the indexer passes them for a repo mixing the two.
    const { edges } = resolveRepo({ files: facts, moduleResolver, plugins: [typescriptPlugin, plugin] });
    return Object.fromEntries(edges.map((e) => [e.calleeText, e.confidence]));
  };

  it("scores Python edges from the Python plug-in's own table, and from the seed tiers while a language is unmeasured", () => {
    const measured = pythonPlugin.confidence ?? {};
    const edges = edgesWith(pythonPlugin);
    assert.equal(edges.helper, measured.import ?? SEED_CONFIDENCE.import);
    assert.equal(edges.local, measured['same-file'] ?? SEED_CONFIDENCE['same-file']);
    const unmeasured = edgesWith({ ...pythonPlugin, confidence: {} });
    assert.equal(unmeasured.helper, SEED_CONFIDENCE.import);
    assert.equal(unmeasured.local, SEED_CONFIDENCE['same-file']);
    assert.notEqual(SEED_CONFIDENCE.import, typescriptPlugin.confidence?.import);
  });

  it('uses a value measured for Python once its table has one', () => {
    const edges = edgesWith({ ...pythonPlugin, confidence: { import: 0.95 } });
    assert.equal(edges.helper, 0.95);
    assert.equal(edges.local, SEED_CONFIDENCE['same-file']);
  });
});

describe('python tests and their run commands', () => {
  const project = analyseFolder(pythonPlugin, join(fixtureDir, 'tests'));
  const symbols = project.facts.flatMap((f) =>
    f.symbols.map((s) => ({ id: makeSymbolId(f.path, s.localId), kind: s.kind })),
  );
  const reach = computeTestReach(symbols, project.resolved.edges, 3);
  const testsOf = (id: string): string[] => reach.filter((r) => r.symbolId === id).map((r) => r.testId);

  it('counts a conftest fixture requested by parameter name for the test that requests it', () => {
    assert.ok(
      testsOf('tests/conftest.py::db:function').includes(
        'tests/unit/test_price.py::test_reads_seeded_rows:test',
      ),
    );
  });

  it('types a parameter by the value of the conftest fixture it requests, through fixtures requesting fixtures', () => {
    const query = project.resolved.edges.find(
      (e) =>
        e.callerId === 'tests/unit/test_price.py::test_reads_seeded_rows:test' &&
        e.calleeText === 'seeded.query',
    );
    assert.equal(query?.calleeId, 'app.py::Db.query:method');
    assert.equal(query?.reason, 'receiver-typed');
    assert.ok(
      testsOf('app.py::Db.query:method').includes('tests/unit/test_price.py::test_reads_seeded_rows:test'),
    );
  });

  it('counts the autouse fixtures of conftest.py files up the tree for every test below them', () => {
    const { facts, edges: e } = analyse({
      'app.py':
        'def reset():\n    return 1\n\ndef seed_rows():\n    return 2\n\ndef unused():\n    return 3\n',
      'tests/conftest.py': [
        'import pytest',
        'import app',
        '',
        '@pytest.fixture(autouse=True)',
        'def clean():',
        '    app.reset()',
        '',
        '@pytest.fixture',
        'def on_request():',
        '    app.unused()',
        '',
      ].join('\n'),
      'tests/unit/conftest.py': [
        'import pytest',
        'from app import seed_rows',
        '',
        '@pytest.fixture(autouse=True)',
        'def seeded():',
        '    seed_rows()',
        '',
      ].join('\n'),
      'tests/unit/test_a.py': 'def test_unit():\n    assert True\n',
      'tests/other/test_b.py': 'def test_other():\n    assert True\n',
      'solo/test_c.py': 'def test_solo():\n    assert True\n',
    });
    const symbols = facts.flatMap((f) =>
      f.symbols.map((s) => ({ id: makeSymbolId(f.path, s.localId), kind: s.kind })),
    );
    const reach = computeTestReach(symbols, e, 3);
    const testsOf = (id: string): string[] =>
      reach
        .filter((r) => r.symbolId === id)
        .map((r) => r.testId)
        .sort();
    assert.deepEqual(testsOf('app.py::reset:function'), [
      'tests/other/test_b.py::test_other:test',
      'tests/unit/test_a.py::test_unit:test',
    ]);
    assert.deepEqual(testsOf('app.py::seed_rows:function'), ['tests/unit/test_a.py::test_unit:test']);
    assert.deepEqual(testsOf('app.py::unused:function'), []);
    assert.equal(
      edge(e, 'tests/unit/test_a.py::test_unit:test', 'tests/conftest.py::clean:function')?.reason,
      'import',
    );
    // Conftests that are not there, or hold no autouse fixture, leave no trace: no unresolved edge.
    assert.deepEqual(
      e.filter((x) => x.calleeText.startsWith('<autouse') && x.calleeId === null),
      [],
    );
    assert.equal(e.filter((x) => x.callerId === 'solo/test_c.py::test_solo:test').length, 0);
  });

  it('counts a unittest setUpClass for every test of the class', () => {
    const { facts, edges: e } = analyse({
      'app.py': 'def connect():\n    return 1\n',
      'tests/test_conn.py': [
        'import unittest',
        'from app import connect',
        '',
        'class ConnTest(unittest.TestCase):',
        '    @classmethod',
        '    def setUpClass(cls):',
        '        connect()',
        '',
        '    def test_a(self):',
        '        pass',
        '',
      ].join('\n'),
    });
    const symbols = facts.flatMap((f) =>
      f.symbols.map((s) => ({ id: makeSymbolId(f.path, s.localId), kind: s.kind })),
    );
    const reached = computeTestReach(symbols, e, 3).filter((r) => r.symbolId === 'app.py::connect:function');
    assert.deepEqual(
      reached.map((r) => r.testId),
      ['tests/test_conn.py::ConnTest.test_a:test'],
    );
  });

  it('counts a unittest setUp, also inherited, for every test of the class', () => {
    const tests = testsOf('app.py::Db.connect:method');
    assert.ok(tests.includes('tests/unit/test_db_unittest.py::DbTest.test_query:test'));
    assert.ok(tests.includes('tests/unit/test_db_unittest.py::LoudDbTest.test_loud_query:test'));
  });

  it('runs a pytest test by node id and a unittest test by dotted name', () => {
    const commands = pythonPlugin.testCommands;
    assert.ok(commands);
    assert.deepEqual(commands.inputs('tests/unit/test_price.py'), []);
    assert.equal(
      commands.command({
        testFile: 'tests/unit/test_price.py',
        testName: 'TestPrice.test_zero',
        framework: 'pytest',
        files: [],
      })?.command,
      'python -m pytest tests/unit/test_price.py::TestPrice::test_zero',
    );
    assert.equal(
      commands.command({
        testFile: 'tests/unit/test_db_unittest.py',
        testName: 'DbTest.test_query',
        framework: 'unittest',
        files: [],
      })?.command,
      'python -m unittest tests.unit.test_db_unittest.DbTest.test_query',
    );
  });

  it('runs several tests of one file in one command, with pytest unless every test is a unittest one', () => {
    const group = pythonPlugin.testCommands?.group;
    assert.ok(group);
    assert.deepEqual(
      group({
        testFile: 'tests/test_price.py',
        testNames: ['TestPrice.test_zero', 'test_free', 'test_free'],
        framework: 'pytest',
        files: [],
      }),
      {
        runner: 'pytest',
        cwd: '',
        command: 'python -m pytest tests/test_price.py::TestPrice::test_zero tests/test_price.py::test_free',
      },
    );
    assert.deepEqual(
      group({
        testFile: 'tests/test_db.py',
        testNames: ['DbTest.test_a', 'DbTest.test_b'],
        framework: 'unittest',
        files: [],
      }),
      {
        runner: 'unittest',
        cwd: '',
        command: 'python -m unittest tests.test_db.DbTest.test_a tests.test_db.DbTest.test_b',
      },
    );
    // A bare function in a unittest file is not a unittest test: the whole file then runs under pytest.
    assert.equal(
      group({
        testFile: 'tests/test_db.py',
        testNames: ['DbTest.test_a', 'test_plain'],
        framework: 'unittest',
        files: [],
      })?.command,
      'python -m pytest tests/test_db.py::DbTest::test_a tests/test_db.py::test_plain',
    );
  });
});

describe('python bad input', () => {
  it('reads a Python 2 file and says so', () => {
    const facts = pythonPlugin.analyze('py2.py', 'def f():\n    print "x"\n    g()\n');
    assertFactsInvariants(facts, 'def f():\n    print "x"\n    g()\n');
    assert.ok(facts.symbols.some((s) => s.localId === 'f:function'));
    assert.ok(facts.diagnostics.some((d) => /Python 2 print/.test(d.message)));
  });

  it('keeps the definitions of a file that mixes tabs and spaces', () => {
    const text = 'class A:\n\tdef m(self):\n\t\treturn 1\n        def n(self):\n\t\treturn self.m()\n';
    const facts = pythonPlugin.analyze('tabs.py', text);
    assertFactsInvariants(facts, text);
    assert.ok(facts.symbols.some((s) => s.localId === 'A.m:method'));
  });

  it('warns when a file declares latin-1 but its bytes were read as UTF-8', () => {
    const text = '# -*- coding: latin-1 -*-\nname = "caf\u00e9"\n';
    const facts = pythonPlugin.analyze('enc.py', text);
    assert.ok(facts.diagnostics.some((d) => /declares encoding latin-1/.test(d.message)));
  });

  it('finds a call inside 10,000-deep brackets without a crash', () => {
    const depth = 10_000;
    const text = `x = ${'('.repeat(depth)}f(1)${')'.repeat(depth)}\n${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    const facts = pythonPlugin.analyze('deep.py', text);
    assertFactsInvariants(facts, text);
    assert.deepEqual(
      facts.callSites.map((c) => c.text),
      ['f'],
    );
  });

  it('reads a 10,000-link method chain without a crash, typing it only a few links deep', () => {
    const text = `def f(s: Stream):\n    return s${'.next()'.repeat(10_000)}\n`;
    const facts = pythonPlugin.analyze('chain.py', text);
    assertFactsInvariants(facts, text);
    assert.equal(facts.callSites.length, 10_000);
  });

  it('stops at 10,000 nested scopes with a diagnostic instead of a crash', () => {
    const text = `h = ${'lambda: '.repeat(10_000)}g()\n`;
    const facts = pythonPlugin.analyze('deep-lambdas.py', text);
    assertFactsInvariants(facts, text);
    assert.ok(facts.diagnostics.some((d) => /nesting deeper than \d+ levels/.test(d.message)));
  });

  it('analyses a huge generated module in linear time', () => {
    const parts: string[] = [];
    for (let i = 0; i < 20_000; i++) parts.push(`def f${i}(x):\n    return f${i > 0 ? i - 1 : 0}(x)\n`);
    const text = parts.join('\n');
    const started = performance.now();
    const facts = pythonPlugin.analyze('generated.py', text);
    const ms = performance.now() - started;
    assert.equal(facts.symbols.length, 20_001);
    assert.equal(facts.callSites.length, 20_000);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  it('keeps the facts around a syntax error and reports it', () => {
    const text = 'def ok():\n    return 1\n\ndef bad(:\n    return 2\n\nclass Kept:\n    pass\n';
    const facts = pythonPlugin.analyze('broken.py', text);
    assert.ok(facts.symbols.some((s) => s.localId === 'ok:function'));
    assert.ok(facts.symbols.some((s) => s.localId === 'Kept:class'));
    assert.ok(facts.diagnostics.some((d) => d.severity === 'error' && d.line === 4));
  });
});
