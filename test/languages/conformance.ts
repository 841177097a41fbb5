/**
 * The invariant cases every language plug-in passes: generic invariants of FileFacts that hold for any
 * language, on garbage, empty, truncated and real sources. behaviour.test.ts runs them for every registered
 * plug-in over its behavioural cases' sources; a plug-in's own test may run them over its fixture folder too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { FileFacts } from '../../src/core/facts.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { listFiles } from './golden.js';

/** Deterministic pseudo-random text, so a failing case can be replayed. */
function garbage(seed: number, length: number): string {
  const alphabet = 'abc(){}[];:=>.,\'"`/\\*\n\r\t -+!?<>#@$%&|^~0123456789\u00e9\u2028\ud83d\ude00';
  let x = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}

function lineCount(text: string): number {
  return text.split('\n').length;
}

/** Asserts the invariants of one file's facts. */
export function assertFactsInvariants(facts: FileFacts, text: string): void {
  const lines = lineCount(text);
  const ids = new Set<string>();
  let modules = 0;
  for (const s of facts.symbols) {
    assert.ok(!ids.has(s.localId), `duplicate localId ${s.localId} in ${facts.path}`);
    ids.add(s.localId);
    if (s.kind === 'module') modules++;
    assert.ok(
      s.startLine >= 1 && s.startLine <= s.endLine && s.endLine <= lines,
      `range of ${s.localId} is ${s.startLine}-${s.endLine} in a ${lines}-line file`,
    );
  }
  assert.equal(modules, 1, 'exactly one module symbol');
  for (const s of facts.symbols)
    if (s.parent !== null) assert.ok(ids.has(s.parent), `parent ${s.parent} of ${s.localId} exists`);
  for (const c of facts.callSites) {
    assert.ok(ids.has(c.caller), `caller ${c.caller} of the call at line ${c.line} exists`);
    assert.ok(c.line >= 1 && c.line <= lines, `call line ${c.line} inside the file`);
    assert.ok(c.text.length <= 200, 'call text at most 200 characters');
  }
  for (const i of facts.imports)
    assert.ok(i.line >= 1 && i.line <= lines, `import line ${i.line} inside the file`);
  for (const e of facts.exports)
    assert.ok(e.line >= 1 && e.line <= lines, `export line ${e.line} inside the file`);
}

/** A fixture folder's sources for a plug-in (its extensions only), or sources given directly. */
function sourcesOf(
  plugin: LanguagePlugin,
  fixtures: string | ReadonlyArray<{ path: string; text: string }>,
): Array<{ path: string; text: string }> {
  const list =
    typeof fixtures === 'string'
      ? listFiles(fixtures).map((path) => ({ path, text: readFileSync(join(fixtures, path), 'utf8') }))
      : [...fixtures];
  return list.filter((s) => plugin.extensions.some((e) => s.path.toLowerCase().endsWith(e)));
}

/**
 * Registers the shared invariant cases for a plug-in over its fixture sources: a fixture folder, or the sources of
 * its behavioural conformance cases.
 */
export function runConformance(
  plugin: LanguagePlugin,
  fixtures: string | ReadonlyArray<{ path: string; text: string }>,
  title = `${plugin.id} plug-in conformance`,
): void {
  const ext = plugin.extensions[0] ?? '.txt';
  describe(title, () => {
    it('never throws on garbage input and still yields a module symbol', () => {
      for (let seed = 1; seed <= 80; seed++) {
        const text = garbage(seed, 50 + (seed % 7) * 300);
        const facts = plugin.analyze(`garbage/${seed}${ext}`, text);
        assertFactsInvariants(facts, text);
      }
    });

    it('keeps every symbol and call inside the file, with unique ids and existing callers, on every fixture', () => {
      const sources = sourcesOf(plugin, fixtures);
      assert.ok(sources.length > 0, 'the plug-in has fixture sources');
      for (const { path, text } of sources) assertFactsInvariants(plugin.analyze(path, text), text);
    });

    it('gives the same facts for the same bytes every time', () => {
      for (const { path, text } of sourcesOf(plugin, fixtures))
        assert.deepEqual(plugin.analyze(path, text), plugin.analyze(path, text), path);
    });

    it('handles an empty file', () => {
      const facts = plugin.analyze(`empty${ext}`, '');
      assertFactsInvariants(facts, '');
      assert.equal(facts.callSites.length, 0);
    });

    it('never throws on truncated prefixes of real fixtures', () => {
      for (const { path, text } of sourcesOf(plugin, fixtures).slice(0, 10)) {
        for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 15))) {
          assertFactsInvariants(plugin.analyze(path, text.slice(0, cut)), text.slice(0, cut));
        }
      }
    });
  });
}
