/**
 * Every plug-in registered in src/languages/registry.ts runs the shared behavioural cases, or, when it declares depth
 * `symbols`, the shared outline cases (src/languages/outline-conformance.ts); one registered without the suite of its
 * depth (no src/languages/<id>/conformance.ts, or no such export in it) fails here, and so the build.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConformanceSuite } from '../../src/languages/conformance.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { allPlugins, initPlugins, pluginForPath } from '../../src/languages/registry.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';
import { templatePlugin } from '../../src/languages/_template/template-plugin.js';
import { conformance as templateCases } from '../../src/languages/_template/conformance.js';
import { failuresOf, loadConformance, runBehaviourConformance, unansweredCases } from './behaviour.js';
import { assertFactsInvariants, runConformance } from './conformance.js';
import { loadOutlineConformance, outlineFailuresOf, runOutlineConformance } from './outline-behaviour.js';
import { rustPlugin } from '../../src/languages/rust/rust-plugin.js';

// Plug-ins that load a parser (a tree-sitter grammar) do so once, before any analysis.
await initPlugins(allPlugins);

const symbolsOnly = (plugin: LanguagePlugin): boolean => plugin.depth === 'symbols';
const loaded = await Promise.all(
  allPlugins.map(async (plugin) => ({
    plugin,
    suite: symbolsOnly(plugin) ? null : await loadConformance(plugin),
    outline: symbolsOnly(plugin) ? await loadOutlineConformance(plugin) : null,
  })),
);

describe('the registered language plug-ins', () => {
  it('each supply the cases of their depth in their folder (src/languages/<id>/conformance.ts)', () => {
    assert.ok(allPlugins.length > 0);
    assert.deepEqual(
      loaded
        .filter((l) => (symbolsOnly(l.plugin) ? l.outline === null : l.suite === null))
        .map((l) => `${l.plugin.id} has no ${symbolsOnly(l.plugin) ? 'outline' : 'conformance'} cases`),
      [],
    );
  });
});

for (const { plugin, outline } of loaded) {
  if (!outline) continue;
  runOutlineConformance(plugin, outline);
  const sources = Object.values(outline).flatMap((c) =>
    'files' in c ? Object.entries(c.files).map(([path, text]) => ({ path, text })) : [],
  );
  runConformance(plugin, sources, `${plugin.id} plug-in: the shared invariants on its outline cases`);
}

describe('the outline runner', () => {
  it('fails a case whose symbol, lines, name-only link or unresolved reason the pipeline does not produce', () => {
    const files = { 'src/lib.rs': 'fn a() {\n    b();\n}\n\nfn b() {}\n' };
    assert.deepEqual(
      outlineFailuresOf(rustPlugin, {
        files,
        symbols: [{ name: 'a', kind: 'function', lines: [1, 3] }],
        edges: [{ from: 'a', to: 'b' }],
      }),
      [],
    );
    const wrong = outlineFailuresOf(rustPlugin, {
      files,
      symbols: [
        { name: 'a', kind: 'function', lines: [1, 2] },
        { name: 'c', kind: 'function' },
      ],
      edges: [{ from: 'b', to: 'a' }],
      unresolved: [{ from: 'a', callee: 'b', reason: 'ambiguous' }],
      syntaxErrors: ['src/lib.rs'],
    });
    assert.equal(wrong.length, 5, wrong.join('\n'));
  });

  it('counts a symbols-only plug-in without outline cases as missing them', async () => {
    assert.equal(await loadOutlineConformance({ ...rustPlugin, id: 'no-such-language' }), null);
  });
});

for (const { plugin, suite } of loaded) {
  if (!suite) continue;
  runBehaviourConformance(plugin, suite);
  const sources = Object.values(suite).flatMap((c) =>
    'files' in c ? Object.entries(c.files).map(([path, text]) => ({ path, text })) : [],
  );
  runConformance(plugin, sources, `${plugin.id} plug-in: the shared invariants on its behavioural cases`);
}

describe('the behavioural runner', () => {
  it('reports a plug-in without a conformance file as having none', async () => {
    const unregistered: LanguagePlugin = { ...typescriptPlugin, id: 'no-such-language' };
    assert.equal(await loadConformance(unregistered), null);
  });

  it('fails a case whose expected edge, unresolved reason or test link the pipeline does not produce', async () => {
    const suite = (await loadConformance(typescriptPlugin)) as ConformanceSuite;
    const imported = suite['imported-function'];
    assert.ok(!('skip' in imported));
    assert.deepEqual(failuresOf(typescriptPlugin, imported), []);
    const wrong = failuresOf(typescriptPlugin, {
      files: imported.files,
      edges: [{ from: 'total', to: 'sum', reason: 'same-file' }],
      unresolved: [{ from: 'total', callee: 'sum', reason: 'builtin' }],
      absent: [{ from: 'total', to: 'sum' }],
      tested: [{ test: 'total', reaches: 'sum' }],
    });
    assert.equal(wrong.length, 5, wrong.join('\n'));
    assert.match(
      wrong[0] ?? '',
      /expected total → sum \(same-file\); edges from total: sum → src\/math\.ts::sum:function \[import\]/,
    );
  });

  it('counts a case left out, or skipped with TODO or no reason, as unanswered', () => {
    const { 'builtin-call': _left, ...rest } = typescriptPluginSuiteOrFail();
    const suite = { ...rest, 'external-call': { skip: 'TODO: later' }, 'typed-local': { skip: ' ' } };
    assert.deepEqual(unansweredCases(suite as unknown as ConformanceSuite), [
      'typed-local',
      'external-call',
      'builtin-call',
    ]);
  });
});

describe('the template a new language starts from (src/languages/_template)', () => {
  it('is not registered, owns no path, and its skeleton yields valid facts', () => {
    assert.ok(!allPlugins.includes(templatePlugin));
    assert.equal(pluginForPath(`x${templatePlugin.extensions[0]}`), undefined);
    const text = 'first line\nsecond line\n';
    assertFactsInvariants(templatePlugin.analyze(`x${templatePlugin.extensions[0]}`, text), text);
    assert.ok(
      existsSync(fileURLToPath(new URL('../../../src/languages/_template/README.md', import.meta.url))),
    );
  });

  it('answers no case yet, so a copy registered as is fails the suite', () => {
    assert.equal(unansweredCases(templateCases).length, Object.keys(templateCases).length);
  });
});

let cachedSuite: ConformanceSuite | null = null;
function typescriptPluginSuiteOrFail(): ConformanceSuite {
  cachedSuite ??= loaded.find((l) => l.plugin === typescriptPlugin)?.suite ?? null;
  assert.ok(cachedSuite);
  return cachedSuite;
}
