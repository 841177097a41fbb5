/**
 * The shared behavioural conformance runner: every registered plug-in's cases (src/languages/<id>/conformance.ts)
 * go through the real pipeline — the plug-in's analyze and module resolver, repo-wide resolution with the
 * plug-in's rules, then tested-by — and each case's expected edges, unresolved calls and test links are checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { computeTestReach } from '../../src/analysis/test-reach.js';
import type { Edge, TestReach } from '../../src/core/graph.js';
import type { FileFacts } from '../../src/core/facts.js';
import { makeSymbolId } from '../../src/core/ids.js';
import {
  CONFORMANCE_CASE_IDS,
  CONFORMANCE_CASES,
  type ConformanceCase,
  type ConformanceSuite,
  type SymbolName,
} from '../../src/languages/conformance.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { assertFactsInvariants } from './conformance.js';

interface CaseRun {
  facts: FileFacts[];
  symbols: Array<{ id: string; path: string; qualifiedName: string; kind: string }>;
  edges: Edge[];
  reach: TestReach[];
}

/** Runs one case's files through the plug-in, the resolver and tested-by, as the indexer does. */
export function runCase(plugin: LanguagePlugin, files: Readonly<Record<string, string>>): CaseRun {
  const paths = Object.keys(files).sort();
  const configs = new Map<string, string>();
  const facts: FileFacts[] = [];
  for (const path of paths) {
    const text = files[path] as string;
    if (plugin.isConfigFile(path)) configs.set(path, text);
    if (plugin.extensions.some((ext) => path.toLowerCase().endsWith(ext)))
      facts.push(plugin.analyze(path, text));
  }
  const moduleResolver = plugin.createModuleResolver({ files: new Set(paths), configs });
  const { edges } = resolveRepo({
    files: facts.map((f) => ({ path: f.path, facts: f })),
    moduleResolver,
    plugins: [plugin],
  });
  const symbols = facts.flatMap((f) =>
    f.symbols.map((s) => ({
      id: makeSymbolId(f.path, s.localId),
      path: f.path,
      qualifiedName: s.qualifiedName,
      kind: s.kind,
    })),
  );
  return { facts, symbols, edges, reach: computeTestReach(symbols, edges) };
}

/** What a case got wrong, as sentences (empty when it passes). */
export function failuresOf(plugin: LanguagePlugin, expected: ConformanceCase): string[] {
  const run = runCase(plugin, expected.files);
  const out: string[] = [];
  for (const f of run.facts) {
    try {
      assertFactsInvariants(f, expected.files[f.path] as string);
    } catch (error) {
      out.push(`facts of ${f.path} break an invariant: ${(error as Error).message}`);
    }
    if (plugin.isTestPath?.(f.path) && !f.isTestFile)
      out.push(`${f.path} is test code by the plug-in's isTestPath, but analyze did not mark it a test file`);
    for (const d of f.diagnostics)
      if (d.severity === 'error') out.push(`${f.path}:${d.line}: the case does not parse: ${d.message}`);
  }
  const ids = run.symbols.map((s) => s.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length > 0) out.push(`symbol ids are not distinct: ${[...new Set(duplicates)].join(', ')}`);

  const idsOf = (name: SymbolName): string[] => {
    const hash = name.indexOf('#');
    const path = hash < 0 ? null : name.slice(0, hash);
    const qn = hash < 0 ? name : name.slice(hash + 1);
    return run.symbols
      .filter((s) => s.qualifiedName === qn && (path === null || s.path === path))
      .map((s) => s.id);
  };
  const known = (name: SymbolName): string[] => {
    const found = idsOf(name);
    if (found.length === 0) {
      const names = run.symbols.map((s) => s.qualifiedName).join(', ');
      out.push(`no symbol ${JSON.stringify(name)} (the plug-in found: ${names})`);
    }
    return found;
  };
  const drawnFrom = (from: string[]): string =>
    run.edges
      .filter((e) => from.includes(e.callerId))
      .map((e) => `${e.calleeText} → ${e.calleeId ?? '(unresolved)'} [${e.reason}]`)
      .join('; ') || 'none';

  for (const want of expected.edges ?? []) {
    const from = known(want.from);
    const to = known(want.to);
    if (from.length === 0 || to.length === 0) continue;
    const hit = run.edges.some(
      (e) =>
        from.includes(e.callerId) &&
        e.calleeId !== null &&
        to.includes(e.calleeId) &&
        e.reason === want.reason,
    );
    if (!hit)
      out.push(
        `expected ${want.from} → ${want.to} (${want.reason}); edges from ${want.from}: ${drawnFrom(from)}`,
      );
  }
  for (const want of expected.unresolved ?? []) {
    const from = known(want.from);
    if (from.length === 0) continue;
    const hit = run.edges.some(
      (e) =>
        from.includes(e.callerId) &&
        e.calleeId === null &&
        e.calleeText === want.callee &&
        e.reason === want.reason,
    );
    if (!hit)
      out.push(
        `expected ${want.from} → ${want.callee} kept unresolved as ${want.reason}; edges from ${want.from}: ${drawnFrom(from)}`,
      );
  }
  for (const want of expected.absent ?? []) {
    const from = known(want.from);
    const to = idsOf(want.to);
    const drawn = run.edges.filter(
      (e) => from.includes(e.callerId) && e.calleeId !== null && to.includes(e.calleeId),
    );
    if (drawn.length > 0)
      out.push(`expected no edge ${want.from} → ${want.to}, got one (${drawn[0]?.reason})`);
  }
  for (const want of expected.tested ?? []) {
    const tests = known(want.test);
    const target = known(want.reaches);
    if (tests.length === 0 || target.length === 0) continue;
    if (!run.symbols.some((s) => tests.includes(s.id) && s.kind === 'test'))
      out.push(`${want.test} is not a test symbol`);
    const hit = run.reach.some((r) => tests.includes(r.testId) && target.includes(r.symbolId));
    if (!hit) {
      const reached = run.reach.filter((r) => tests.includes(r.testId)).map((r) => r.symbolId);
      out.push(
        `expected test ${want.test} to reach ${want.reaches}; it reaches: ${reached.join(', ') || 'nothing'}`,
      );
    }
  }
  return out;
}

/**
 * Loads the suite a plug-in's folder exports under `name` (src/languages/<id>/conformance.ts: `conformance`, or
 * `outline` for a symbols-only plug-in), or null when it has none.
 */
export async function loadSuiteExport<T>(plugin: LanguagePlugin, name: string): Promise<T | null> {
  try {
    const mod = (await import(`../../src/languages/${plugin.id}/conformance.js`)) as Record<string, unknown>;
    return (mod[name] as T | undefined) ?? null;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
}

/** Loads a plug-in's cases from its folder (src/languages/<id>/conformance.ts), or null when it has none. */
export function loadConformance(plugin: LanguagePlugin): Promise<ConformanceSuite | null> {
  return loadSuiteExport<ConformanceSuite>(plugin, 'conformance');
}

/** Of `ids`, the cases a suite leaves out, or skips without saying why (a `TODO` reason is not written yet). */
export function unansweredOf(ids: readonly string[], suite: Readonly<Record<string, object>>): string[] {
  return ids.filter((id) => {
    if (!Object.hasOwn(suite, id)) return true;
    const entry = suite[id] as { skip?: string };
    return typeof entry.skip === 'string' && (entry.skip.trim() === '' || /^todo\b/i.test(entry.skip.trim()));
  });
}

/** Cases a suite leaves out, or skips without saying why. */
export function unansweredCases(suite: ConformanceSuite): string[] {
  return unansweredOf(CONFORMANCE_CASE_IDS, suite);
}

/** Registers the shared cases for one plug-in: one test per case, a skip (with its reason) where it cannot express one. */
export function runBehaviourConformance(plugin: LanguagePlugin, suite: ConformanceSuite): void {
  describe(`${plugin.id} plug-in: the shared behavioural cases`, () => {
    it('answers every shared case, with a written reason for each skip', () => {
      assert.deepEqual(unansweredCases(suite), []);
    });
    for (const id of CONFORMANCE_CASE_IDS) {
      const entry = Object.hasOwn(suite, id) ? suite[id] : undefined;
      const title = `${id}: ${CONFORMANCE_CASES[id]}`;
      if (entry === undefined) continue;
      if ('skip' in entry) {
        it(title, { skip: entry.skip }, () => {});
        continue;
      }
      it(title, () => {
        assert.deepEqual(failuresOf(plugin, entry), []);
      });
    }
  });
}
