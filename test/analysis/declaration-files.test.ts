/**
 * Declaration files feed types (ModuleResolver.declarationsOf): a `.pyi` stub beside its `.py`, a `.d.ts` beside its
 * `.js`. Where a definition declares no type, the resolver reads its twin's in the declaration file, and still links
 * to the definition, never to the declaration. (Calls to one callee from one caller share an edge: each call below
 * sits in its own function.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import type { Edge } from '../../src/core/graph.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { pythonPlugin } from '../../src/languages/python/python-plugin.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';

await pythonPlugin.init?.();

function resolve(plugin: LanguagePlugin, sources: Record<string, string>): Edge[] {
  const paths = Object.keys(sources);
  const files = paths.map((path) => ({ path, facts: plugin.analyze(path, sources[path] ?? '') }));
  const moduleResolver = plugin.createModuleResolver({ files: new Set(paths), configs: new Map() });
  return resolveRepo({ files, moduleResolver, plugins: [plugin] }).edges;
}

/** No edge of the call is drawn with confidence: at most name guesses below the confident view (< 0.8). */
function onlyGuesses(edges: Edge[], text: string): void {
  const found = edges.filter((e) => e.calleeText === text);
  assert.ok(found.length > 0, `no call ${text}`);
  for (const e of found)
    assert.ok(
      e.calleeId === null || (e.reason.startsWith('name-only') && (e.confidence ?? 0) < 0.8),
      `${text}: ${e.reason}`,
    );
}

function edgeOf(edges: Edge[], text: string): [string, string | null] {
  const edge = edges.find((e) => e.calleeText === text);
  assert.ok(edge, `no call ${text}`);
  return [edge.reason, edge.calleeId];
}

describe('declaration files feed types', () => {
  const py = {
    'repo.py': [
      'class Repo:',
      '    def save(self):',
      '        pass',
      '',
      'class Service:',
      '    def __init__(self, repo):',
      '        self.repo = repo',
      '',
      'def load():',
      '    return make()',
      '',
    ].join('\n'),
    'main.py': [
      'from repo import load, Service',
      '',
      'def run():',
      '    r = load()',
      '    r.save()',
      '',
      'def serve(service: Service):',
      '    service.repo.save()',
      '',
    ].join('\n'),
  };
  const pyi = [
    'class Repo:',
    '    def save(self) -> None: ...',
    '',
    'class Service:',
    '    repo: Repo',
    '',
    'def load() -> Repo: ...',
    '',
  ].join('\n');

  it("types a Python call through the return type its stub declares, linking to the module's class", () => {
    const edges = resolve(pythonPlugin, { ...py, 'repo.pyi': pyi });
    assert.deepEqual(edgeOf(edges, 'r.save'), ['receiver-typed', 'repo.py::Repo.save:method']);
    assert.deepEqual(edgeOf(edges, 'service.repo.save'), ['receiver-typed', 'repo.py::Repo.save:method']);
  });

  it('leaves the same calls unresolved without the stub', () => {
    const edges = resolve(pythonPlugin, py);
    assert.deepEqual(edgeOf(edges, 'r.save'), ['unknown', null]);
    assert.deepEqual(edgeOf(edges, 'service.repo.save'), ['unknown', null]);
  });

  const js = {
    'lib.js': [
      'export class Repo {',
      '  save() {}',
      '}',
      'export function load() {',
      '  return make();',
      '}',
      'export function each(cb) {',
      '  cb(make());',
      '}',
      '',
    ].join('\n'),
    'main.ts': [
      "import { each, load } from './lib';",
      'export function run(): void {',
      '  const r = load();',
      '  r.save();',
      '}',
      'export function visit(): void {',
      '  each((repo) => repo.save());',
      '}',
      '',
    ].join('\n'),
  };
  const dts = [
    'export declare class Repo {',
    '  save(): void;',
    '}',
    'export declare function load(): Repo;',
    'export declare function each(cb: (repo: Repo) => void): void;',
    '',
  ].join('\n');

  it('types JavaScript calls and callbacks through the .d.ts beside the .js, linking to the .js', () => {
    const edges = resolve(typescriptPlugin, { ...js, 'lib.d.ts': dts });
    assert.deepEqual(edgeOf(edges, 'r.save'), ['receiver-typed', 'lib.js::Repo.save:method']);
    assert.deepEqual(edgeOf(edges, 'repo.save'), ['receiver-typed', 'lib.js::Repo.save:method']);
  });

  it('leaves the JavaScript calls unresolved without the .d.ts (a name-only guess at most)', () => {
    const edges = resolve(typescriptPlugin, js);
    onlyGuesses(edges, 'r.save');
    onlyGuesses(edges, 'repo.save');
  });

  it('resolves as if there were no declaration files when naming them fails', () => {
    const failing: LanguagePlugin = {
      ...typescriptPlugin,
      createModuleResolver(context) {
        const inner = typescriptPlugin.createModuleResolver(context);
        return {
          resolve: (from, specifier) => inner.resolve(from, specifier),
          declarationsOf: () => {
            throw new Error('declarations unavailable');
          },
        };
      },
    };
    const edges = resolve(failing, { ...js, 'lib.d.ts': dts });
    onlyGuesses(edges, 'r.save');
    assert.deepEqual(edgeOf(edges, 'load'), ['import', 'lib.js::load:function']);
  });

  it('names the declaration file of each language only when it exists', () => {
    const pyResolver = pythonPlugin.createModuleResolver({
      files: new Set(['a.py', 'a.pyi', 'b.py']),
      configs: new Map(),
    });
    assert.equal(pyResolver.declarationsOf?.('a.py'), 'a.pyi');
    assert.equal(pyResolver.declarationsOf?.('b.py'), null);
    const tsResolver = typescriptPlugin.createModuleResolver({
      files: new Set(['a.js', 'a.d.ts', 'b.mjs', 'b.d.mts', 'c.js', 'd.ts']),
      configs: new Map(),
    });
    assert.equal(tsResolver.declarationsOf?.('a.js'), 'a.d.ts');
    assert.equal(tsResolver.declarationsOf?.('b.mjs'), 'b.d.mts');
    assert.equal(tsResolver.declarationsOf?.('c.js'), null);
    assert.equal(tsResolver.declarationsOf?.('d.ts'), null);
  });
});
