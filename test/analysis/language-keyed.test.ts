/**
 * The neutral resolver asks each file's own plug-in (found by FileFacts.language): its confidences per reason and its
 * rules (builtins). A language that has not been measured gets the seed tiers; one that has, its own values.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { SEED_CONFIDENCE } from '../../src/core/confidence.js';
import type { Edge } from '../../src/core/graph.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';

const SOURCE = [
  "import { helper } from './lib';",
  'function local(): number {',
  '  return 1;',
  '}',
  'export function run(): number {',
  '  console.log(local());',
  '  return helper();',
  '}',
  '',
].join('\n');
const LIB = 'export function helper(): number {\n  return 2;\n}\n';

/** Resolves the same program once per language id, each copy analysed by TypeScript but owned by `plugin`. */
function resolveAs(plugin: LanguagePlugin): Edge[] {
  const files = [
    { path: 'main.ts', facts: { ...typescriptPlugin.analyze('main.ts', SOURCE), language: plugin.id } },
    { path: 'lib.ts', facts: { ...typescriptPlugin.analyze('lib.ts', LIB), language: plugin.id } },
  ];
  const moduleResolver = typescriptPlugin.createModuleResolver({
    files: new Set(['main.ts', 'lib.ts']),
    configs: new Map(),
  });
  return resolveRepo({ files, moduleResolver, plugins: [typescriptPlugin, plugin] }).edges;
}

function byCallee(edges: Edge[]): Record<string, [string, number | null]> {
  return Object.fromEntries(edges.map((e) => [e.calleeText, [e.reason, e.confidence]]));
}

describe('resolution keyed by language', () => {
  it("gives each reason the measured confidence of the file's own language", () => {
    const measured = byCallee(resolveAs(typescriptPlugin));
    assert.deepEqual(measured.helper, ['import', typescriptPlugin.confidence?.import]);
    assert.deepEqual(measured.local, ['same-file', typescriptPlugin.confidence?.['same-file']]);
    const partly: LanguagePlugin = {
      ...typescriptPlugin,
      id: 'partly-measured',
      confidence: { import: 0.75 },
    };
    const edges = byCallee(resolveAs(partly));
    assert.deepEqual(edges.helper, ['import', 0.75]);
    assert.deepEqual(edges.local, ['same-file', SEED_CONFIDENCE['same-file']]);
  });

  it('gives a language that was never measured the seed tiers', () => {
    const unmeasured: LanguagePlugin = { ...typescriptPlugin, id: 'unmeasured', confidence: undefined };
    const edges = byCallee(resolveAs(unmeasured));
    assert.deepEqual(edges.helper, ['import', SEED_CONFIDENCE.import]);
    assert.deepEqual(edges.local, ['same-file', SEED_CONFIDENCE['same-file']]);
  });

  it("keeps a call to a global as builtin only when the file's language lists it", () => {
    assert.deepEqual(byCallee(resolveAs(typescriptPlugin))['console.log'], ['builtin', null]);
    const silent: LanguagePlugin = { ...typescriptPlugin, id: 'no-rules', resolution: undefined };
    assert.deepEqual(byCallee(resolveAs(silent))['console.log'], ['unknown', null]);
  });

  it('follows a missing export to a submodule only for a language whose modules contain modules', () => {
    const files: Record<string, string> = {
      'pkg/index.ts': 'export const version = 1;\n',
      'pkg/tools.ts': 'export function sharpen(): void {}\n',
      'ns/helpers.ts': 'export function polish(): void {}\n',
      'main.ts': [
        "import { tools } from './pkg';",
        "import { helpers } from './ns';",
        'export function run(): void {',
        '  tools.sharpen();',
        '  helpers.polish();',
        '}',
        '',
      ].join('\n'),
    };
    const resolveWith = (plugin: LanguagePlugin): Record<string, [string, number | null]> => {
      const analysed = Object.entries(files).map(([path, text]) => ({
        path,
        facts: { ...typescriptPlugin.analyze(path, text), language: plugin.id },
      }));
      const moduleResolver = typescriptPlugin.createModuleResolver({
        files: new Set(Object.keys(files)),
        configs: new Map(),
      });
      return byCallee(resolveRepo({ files: analysed, moduleResolver, plugins: [plugin] }).edges);
    };
    assert.deepEqual(resolveWith(typescriptPlugin)['tools.sharpen']?.[0], 'unknown');
    assert.deepEqual(resolveWith(typescriptPlugin)['helpers.polish']?.[0], 'unknown');
    const packages: LanguagePlugin = {
      ...typescriptPlugin,
      id: 'with-packages',
      resolution: {
        ...typescriptPlugin.resolution,
        // A package's module file exposes its submodules; `import { m } from 'pkg'` may name one.
        packageSubmodule: (path, name) => (path.endsWith('/index.ts') ? `./${name}` : null),
        importedSubmodule: (specifier, name) => `${specifier}/${name}`,
      },
    };
    const edges = resolveWith(packages);
    assert.deepEqual(edges['tools.sharpen']?.[0], 'import');
    assert.deepEqual(edges['helpers.polish']?.[0], 'import');
  });
});
