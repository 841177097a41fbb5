/**
 * The neutral resolver on modules that are directory packages (ModuleResolution `package`, as Go's are) and on
 * structured type references (TypeRef), through a minimal plug-in defined here: a toy line language whose module
 * resolver maps an import to every file of a directory. No real parser is involved: what is proved is the core.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import type { Edge } from '../../src/core/graph.js';
import type {
  Binding,
  CallSiteFact,
  FileFacts,
  ImportFact,
  SymbolFact,
  TypeRef,
} from '../../src/core/facts.js';
import { MODULE_QUALIFIED_NAME } from '../../src/core/facts.js';
import { makeLocalId } from '../../src/core/ids.js';
import type { LanguagePlugin, ModuleResolution, ModuleResolverContext } from '../../src/languages/plugin.js';

const MODULE_ID = makeLocalId(MODULE_QUALIFIED_NAME, 'module');

/**
 * One statement per line:
 *   import geo                          the package in directory `geo/`
 *   func Name [returns T] [takes A,B]   a top-level function (exported when capitalised); `returns` is its return
 *                                       TypeRef (its display text is written `*T`, which no rule may parse); `takes`
 *                                       one callback parameter whose function type has parameters A, B
 *   type Name / method Type.name        a class and a method of it
 *   method-of Type name                 a method declared apart from its type (SymbolFact.memberOf), as Go allows
 *   var x T / var x = callee()          a typed local of the current function
 *   call f / call x.m                   a call from the current function
 *   callback callee arg param m         `p.m()` where p is parameter `param` of a lambda passed as argument `arg`
 */
function analyzeToy(path: string, text: string): FileFacts {
  const lines = text.split('\n');
  const symbols: SymbolFact[] = [];
  const imports: ImportFact[] = [];
  const callSites: CallSiteFact[] = [];
  const locals = new Map<string, TypeRef | null>();
  const add = (
    sym: Omit<SymbolFact, 'signature' | 'returnType' | 'doc' | 'startLine' | 'endLine'> &
      Partial<Pick<SymbolFact, 'returnType'>>,
    line: number,
  ): void => {
    symbols.push({ signature: '', returnType: null, doc: null, startLine: line, endLine: line, ...sym });
  };
  add(
    {
      localId: MODULE_ID,
      name: MODULE_QUALIFIED_NAME,
      qualifiedName: MODULE_QUALIFIED_NAME,
      kind: 'module',
      exported: false,
      parent: null,
    },
    1,
  );
  const declared = new Map<string, string>();
  lines.forEach((raw, i) => {
    const [word, name] = raw.trim().split(/\s+/);
    if ((word === 'func' || word === 'type') && name) {
      declared.set(name, makeLocalId(name, word === 'func' ? 'function' : 'class'));
    }
    if (word === 'import' && name)
      imports.push({
        localName: name,
        imported: '*',
        specifier: name,
        line: i + 1,
        typeOnly: false,
        kind: 'static',
      });
  });
  const bindingOf = (name: string): Binding => {
    if (imports.some((imp) => imp.localName === name)) return { kind: 'import', localName: name };
    const local = declared.get(name);
    if (local) return { kind: 'local-symbol', localId: local };
    if (locals.has(name)) return { kind: 'local-value', valueType: locals.get(name) ?? null };
    return { kind: 'global', name };
  };
  let caller = MODULE_ID;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const words = raw.trim().split(/\s+/);
    const [word, name = ''] = words;
    const exported = /^[A-Z]/.test(name);
    if (word === 'func') {
      const returns = words.indexOf('returns');
      const takes = words.indexOf('takes');
      const ret = returns > 0 ? (words[returns + 1] ?? null) : null;
      caller = makeLocalId(name, 'function');
      locals.clear();
      add(
        {
          localId: caller,
          name,
          qualifiedName: name,
          kind: 'function',
          exported,
          parent: null,
          returnType: ret === null ? null : `*${ret}`,
          returnTypeRef: ret === null ? null : { kind: 'name', name: ret },
          ...(takes > 0
            ? {
                parameters: [
                  {
                    name: 'cb',
                    type: {
                      kind: 'function',
                      params: (words[takes + 1] ?? '')
                        .split(',')
                        .map((t): TypeRef => ({ kind: 'name', name: t })),
                      returns: null,
                    },
                  },
                ],
              }
            : {}),
        },
        line,
      );
    } else if (word === 'type') {
      add(
        {
          localId: makeLocalId(name, 'class'),
          name,
          qualifiedName: name,
          kind: 'class',
          exported,
          parent: null,
        },
        line,
      );
    } else if (word === 'method') {
      const [owner = '', member = ''] = name.split('.');
      add(
        {
          localId: makeLocalId(name, 'method'),
          name: member,
          qualifiedName: name,
          kind: 'method',
          exported: false,
          parent: makeLocalId(owner, 'class'),
        },
        line,
      );
    } else if (word === 'method-of') {
      const member = words[2] ?? '';
      add(
        {
          localId: makeLocalId(`${name}.${member}`, 'method'),
          name: member,
          qualifiedName: `${name}.${member}`,
          kind: 'method',
          exported: /^[A-Z]/.test(member),
          parent: null,
          memberOf: name,
        },
        line,
      );
    } else if (word === 'var') {
      const value =
        words[2] === '='
          ? { kind: 'call-return' as const, callee: (words[3] ?? '').replace(/\(\)$/, '') }
          : { kind: 'name' as const, name: words[2] ?? '' };
      locals.set(name, value);
    } else if (word === 'call') {
      const dot = name.lastIndexOf('.');
      const target: CallSiteFact['target'] =
        dot < 0
          ? { kind: 'identifier', name, binding: bindingOf(name) }
          : {
              kind: 'member',
              name: name.slice(dot + 1),
              receiver: {
                kind: 'identifier',
                name: name.slice(0, dot),
                binding: bindingOf(name.slice(0, dot)),
              },
            };
      callSites.push({ caller, line, kind: 'call', text: name, target });
    } else if (word === 'callback') {
      const [, callee = '', arg = '0', param = '0', member = ''] = words;
      callSites.push({
        caller,
        line,
        kind: 'call',
        text: `p${param}.${member}`,
        target: {
          kind: 'member',
          name: member,
          receiver: {
            kind: 'typed',
            valueType: { kind: 'callback-param', callee, arg: Number(arg), param: Number(param) },
          },
        },
      });
    }
  });
  return {
    path,
    language: 'toy',
    symbols,
    imports,
    exports: [],
    callSites,
    isTestFile: false,
    testFramework: null,
    diagnostics: [],
  };
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** A language whose module is a directory: every `.toy` file directly in it. */
function toyPlugin(options: { moduleOfThrows?: boolean } = {}): LanguagePlugin {
  return {
    id: 'toy',
    extensions: ['.toy'],
    analyzerVersion: 'toy-1',
    analyze: analyzeToy,
    isConfigFile: () => false,
    createModuleResolver({ files }: ModuleResolverContext) {
      const packageAt = (dir: string): string[] =>
        [...files].filter((f) => f.endsWith('.toy') && directoryOf(f) === dir);
      return {
        resolve(_from: string, specifier: string): ModuleResolution {
          const paths = packageAt(specifier);
          if (paths.length > 0) return { kind: 'package', paths };
          if ([...files].some((f) => f.startsWith(`${specifier}/`)))
            return { kind: 'package', paths: [`${specifier}/missing.toy`] };
          return { kind: 'external', pkg: specifier };
        },
        moduleOf(path: string) {
          if (options.moduleOfThrows) throw new Error('no package model');
          return { kind: 'package', paths: packageAt(directoryOf(path)) };
        },
      };
    },
  };
}

function resolveToy(sources: Record<string, string>, plugin = toyPlugin()): Edge[] {
  const paths = Object.keys(sources);
  const files = paths.map((path) => ({ path, facts: plugin.analyze(path, sources[path] ?? '') }));
  const moduleResolver = plugin.createModuleResolver({ files: new Set(paths), configs: new Map() });
  return resolveRepo({ files, moduleResolver, plugins: [plugin] }).edges;
}

/** `callee text` → [reason, callee id or null]. */
function byText(edges: Edge[]): Record<string, [string, string | null]> {
  return Object.fromEntries(edges.map((e) => [e.calleeText, [e.reason, e.calleeId]]));
}

const GEO = {
  'geo/area.toy': ['func Area', 'func hidden'].join('\n'),
  'geo/shapes.toy': ['type Circle', 'method Circle.Radius', 'func NewCircle returns Circle'].join('\n'),
  'geo/each.toy': ['func Each takes Circle,Square', 'type Square', 'method Square.Side'].join('\n'),
};

describe('modules that are directory packages', () => {
  it('finds an imported name in whichever file of the package declares it', () => {
    const edges = byText(
      resolveToy({
        ...GEO,
        'app/main.toy': ['import geo', 'func Run', 'call geo.Area', 'call geo.NewCircle'].join('\n'),
      }),
    );
    assert.deepEqual(edges['geo.Area'], ['import', 'geo/area.toy::Area:function']);
    assert.deepEqual(edges['geo.NewCircle'], ['import', 'geo/shapes.toy::NewCircle:function']);
  });

  it("does not reach a name the package's files do not export", () => {
    const edges = byText(
      resolveToy({ ...GEO, 'app/main.toy': ['import geo', 'func Run', 'call geo.hidden'].join('\n') }),
    );
    assert.deepEqual(edges['geo.hidden'], ['unknown', null]);
  });

  it('resolves a call to a declaration in another file of the same package, exported or not', () => {
    const edges = byText(
      resolveToy({
        'app/main.toy': ['func Run', 'call helper', 'call Shared', 'call nowhere'].join('\n'),
        'app/util.toy': ['func helper', 'func Shared'].join('\n'),
        'lib/other.toy': 'func nowhere',
      }),
    );
    assert.deepEqual(edges.helper, ['same-file', 'app/util.toy::helper:function']);
    assert.deepEqual(edges.Shared, ['same-file', 'app/util.toy::Shared:function']);
    assert.deepEqual(edges.nowhere, ['unknown', null], 'a file of another package is not in scope');
  });

  it('types a local through a type declared in another file of an imported package', () => {
    const edges = byText(
      resolveToy({
        ...GEO,
        'app/main.toy': ['import geo', 'func Run', 'var c geo.Circle', 'call c.Radius'].join('\n'),
      }),
    );
    assert.deepEqual(edges['c.Radius'], ['receiver-typed', 'geo/shapes.toy::Circle.Radius:method']);
  });

  it('finds a method declared apart from its type, in another file of the package', () => {
    const edges = byText(
      resolveToy({
        ...GEO,
        'geo/extra.toy': 'method-of Circle Diameter',
        'app/main.toy': [
          'import geo',
          'type Local',
          'func Run',
          'var c geo.Circle',
          'call c.Diameter',
          'var l Local',
          'call l.touch',
          'call touch',
        ].join('\n'),
        'app/util.toy': ['method-of Local touch', 'method-of Missing gone'].join('\n'),
      }),
    );
    assert.deepEqual(edges['c.Diameter'], ['receiver-typed', 'geo/extra.toy::Circle.Diameter:method']);
    assert.deepEqual(edges['l.touch'], ['receiver-typed', 'app/util.toy::Local.touch:method']);
    assert.deepEqual(edges.touch, ['unknown', null], 'a method is no name of the package scope');
  });

  it("follows a callee's structured return type, never its display text", () => {
    const edges = byText(
      resolveToy({
        ...GEO,
        'app/main.toy': ['import geo', 'func Run', 'var c = geo.NewCircle()', 'call c.Radius'].join('\n'),
      }),
    );
    assert.deepEqual(edges['c.Radius'], ['receiver-typed', 'geo/shapes.toy::Circle.Radius:method']);
  });

  it("types a callback's parameter through the callee's declared function-typed parameter", () => {
    const edges = byText(
      resolveToy({
        ...GEO,
        'app/main.toy': [
          'import geo',
          'func Run',
          'callback geo.Each 0 0 Radius',
          'callback geo.Each 0 1 Side',
          'callback geo.Each 0 5 Side',
        ].join('\n'),
      }),
    );
    assert.deepEqual(edges['p0.Radius'], ['receiver-typed', 'geo/shapes.toy::Circle.Radius:method']);
    assert.deepEqual(edges['p1.Side'], ['receiver-typed', 'geo/each.toy::Square.Side:method']);
    assert.deepEqual(edges['p5.Side'], ['unknown', null], 'the function type has no sixth parameter');
  });

  it('keeps an import of a package none of whose files is indexed as unresolved, and an unknown one as external', () => {
    const edges = byText(
      resolveToy({
        'app/main.toy': ['import gone', 'import fmt', 'func Run', 'call gone.Area', 'call fmt.Println'].join(
          '\n',
        ),
        'gone/README': '',
      }),
    );
    assert.deepEqual(edges['gone.Area'], ['unknown', null]);
    assert.deepEqual(edges['fmt.Println'], ['external:fmt', null]);
  });

  it('treats every file as its own module when the package model fails', () => {
    const edges = byText(
      resolveToy(
        { 'app/main.toy': ['func Run', 'call helper'].join('\n'), 'app/util.toy': 'func helper' },
        toyPlugin({ moduleOfThrows: true }),
      ),
    );
    assert.deepEqual(edges.helper, ['unknown', null]);
  });
});
