/**
 * Each extractor hands the resolver structured types built from its own syntax tree (TypeRef, ParameterFact), so the
 * neutral resolver never reads type text: return types with their wrappers removed, parameters with their types,
 * function-typed parameters whose parameters type a callback, base types as names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FileFacts, SymbolFact } from '../../src/core/facts.js';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { pythonPlugin } from '../../src/languages/python/python-plugin.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';

await pythonPlugin.init?.();

function symbol(facts: FileFacts, qualifiedName: string): SymbolFact {
  const found = facts.symbols.find((s) => s.qualifiedName === qualifiedName);
  assert.ok(found, `no symbol ${qualifiedName} in ${facts.symbols.map((s) => s.qualifiedName).join(', ')}`);
  return found;
}

describe('TypeScript structured types', () => {
  const facts = typescriptPlugin.analyze(
    'src/store.ts',
    [
      "import type { Observable, Subscriber } from './rx';",
      'export interface Repo<T> { find(): T; }',
      'export class Store implements Repo<number> {',
      '  find(): number { return 1; }',
      '  get repo(): ns.Repo { return null as never; }',
      '}',
      'export async function load(): Promise<Store | null> { return null; }',
      'export function operate<T, R>(',
      '  this: unknown,',
      '  init: (source: Observable<T>, subscriber: Subscriber<R>) => void,',
      '  done?: ((store: Store) => void) | undefined,',
      '  ...rest: Store[]',
      '): (Store) {',
      '  return new Store();',
      '}',
      'export function names(): string[] { return []; }',
      '',
    ].join('\n'),
  );

  it('reads a return type through Promise and nullability, keeping the text for display', () => {
    const load = symbol(facts, 'load');
    assert.equal(load.returnType, 'Promise<Store | null>');
    assert.deepEqual(load.returnTypeRef, { kind: 'name', name: 'Store' });
    assert.deepEqual(symbol(facts, 'operate').returnTypeRef, { kind: 'name', name: 'Store' });
    assert.deepEqual(symbol(facts, 'Store.repo').returnTypeRef, { kind: 'name', name: 'ns.Repo' });
    assert.deepEqual(symbol(facts, 'names').returnTypeRef, { kind: 'name', name: 'Array' });
  });

  it('lists the parameters a caller passes, function-typed ones with their parameter types, optional ones marked', () => {
    assert.deepEqual(symbol(facts, 'operate').parameters, [
      {
        name: 'init',
        type: {
          kind: 'function',
          params: [
            { kind: 'name', name: 'Observable' },
            { kind: 'name', name: 'Subscriber' },
          ],
          returns: null,
        },
      },
      {
        name: 'done',
        type: { kind: 'function', params: [{ kind: 'name', name: 'Store' }], returns: null },
        optional: true,
      },
      { name: 'rest', type: { kind: 'name', name: 'Array' }, rest: true },
    ]);
  });

  it('names implemented types without their type arguments', () => {
    assert.deepEqual(symbol(facts, 'Store').implements, ['Repo']);
  });

  it('types a callback parameter through a function-typed parameter of an optional union', () => {
    const main = typescriptPlugin.analyze(
      'src/main.ts',
      [
        "import { operate } from './store';",
        'export function run(): void {',
        '  operate(() => {}, (store) => store.find());',
        '}',
        '',
      ].join('\n'),
    );
    const files = [facts, main].map((f) => ({ path: f.path, facts: f }));
    const moduleResolver = typescriptPlugin.createModuleResolver({
      files: new Set(files.map((f) => f.path)),
      configs: new Map(),
    });
    const edge = resolveRepo({ files, moduleResolver }).edges.find((e) => e.calleeText === 'store.find');
    assert.equal(edge?.reason, 'receiver-typed');
    assert.equal(edge?.calleeId, 'src/store.ts::Store.find:method');
  });
});

describe('Python structured types', () => {
  const facts = pythonPlugin.analyze(
    'pkg/service.py',
    [
      'from typing import Callable, Optional',
      'class Service:',
      '    def run(self, cb: Callable[[Repo, "Cache"], None], *args, key: Optional[Repo] = None, **kw) -> Optional[Repo]:',
      '        pass',
      '    @staticmethod',
      '    def make(first: "Repo", /, second, *, third: typing.Callable[..., Repo]) -> list[Repo]:',
      '        pass',
      '    @classmethod',
      '    def build(cls, repo: Repo) -> "Service":',
      '        pass',
      '',
    ].join('\n'),
  );

  it("lists a method's parameters without its receiver, Callable ones as function types", () => {
    const run = symbol(facts, 'Service.run');
    assert.deepEqual(run.parameters, [
      {
        name: 'cb',
        type: {
          kind: 'function',
          params: [
            { kind: 'name', name: 'Repo' },
            { kind: 'name', name: 'Cache' },
          ],
          returns: null,
        },
      },
      { name: 'args', type: null, rest: true },
      { name: 'key', type: { kind: 'name', name: 'Repo' } },
      { name: 'kw', type: null, rest: true },
    ]);
    assert.deepEqual(run.returnTypeRef, { kind: 'name', name: 'Repo' });
    assert.equal(run.returnType, 'Optional[Repo]');
  });

  it('keeps the first parameter of a static method and drops cls of a class method', () => {
    const make = symbol(facts, 'Service.make');
    assert.deepEqual(make.parameters, [
      { name: 'first', type: { kind: 'name', name: 'Repo' } },
      { name: 'second', type: null },
      { name: 'third', type: { kind: 'function', params: [], returns: { kind: 'name', name: 'Repo' } } },
    ]);
    assert.equal(make.returnTypeRef, null, 'a container names no class');
    assert.equal(make.returnType, 'list[Repo]');
    const build = symbol(facts, 'Service.build');
    assert.deepEqual(build.parameters, [{ name: 'repo', type: { kind: 'name', name: 'Repo' } }]);
    assert.deepEqual(build.returnTypeRef, { kind: 'name', name: 'Service' });
  });

  it('reads annotations from the syntax tree: optional, union with None, quoted, parenthesised; containers and unions name none', () => {
    const annotated = pythonPlugin.analyze(
      'pkg/annotated.py',
      [
        'def f(a: Optional[Repo], b: typing.Optional[m.Repo], c: Repo | None, d: "Repo", e: Union[Repo, None],',
        '      f: list[Repo], g: None | Repo | Cache, h: (Repo), i: Union[Repo, Cache], j: "Optional[Repo]",',
        '      k: Optional[Union[Repo, Cache]], l: None, m: Repo[T]) -> None:',
        '    pass',
        '',
      ].join('\n'),
    );
    const types = Object.fromEntries(
      (symbol(annotated, 'f').parameters ?? []).map((p) => [
        p.name,
        p.type?.kind === 'name' ? p.type.name : null,
      ]),
    );
    assert.deepEqual(types, {
      a: 'Repo',
      b: 'm.Repo',
      c: 'Repo',
      d: 'Repo',
      e: 'Repo',
      f: null,
      g: null,
      h: 'Repo',
      i: null,
      j: 'Repo',
      k: null,
      l: null,
      m: null,
    });
    assert.equal(symbol(annotated, 'f').returnTypeRef, null);
  });
});
