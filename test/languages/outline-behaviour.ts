/**
 * The outline conformance runner: a symbols-only plug-in's cases (the `outline` export of
 * src/languages/<id>/conformance.ts) go through the real pipeline — the plug-in's analyze and repo-wide resolution
 * with its rules — and each case's symbols (kind, lines), distinct ids, name-only links, unresolved calls and syntax
 * errors are checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  OUTLINE_CASE_IDS,
  OUTLINE_CASES,
  type OutlineCase,
  type OutlineSuite,
} from '../../src/languages/outline-conformance.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { loadSuiteExport, runCase, unansweredOf } from './behaviour.js';
import { assertFactsInvariants } from './conformance.js';

/** What an outline case got wrong, as sentences (empty when it passes). */
export function outlineFailuresOf(plugin: LanguagePlugin, expected: OutlineCase): string[] {
  const run = runCase(plugin, expected.files);
  const out: string[] = [];
  for (const f of run.facts) {
    try {
      assertFactsInvariants(f, expected.files[f.path] as string);
    } catch (error) {
      out.push(`facts of ${f.path} break an invariant: ${(error as Error).message}`);
    }
    const errors = f.diagnostics.filter((d) => d.severity === 'error');
    const wantsError = expected.syntaxErrors?.includes(f.path) ?? false;
    if (wantsError && errors.length === 0)
      out.push(`${f.path}: expected a syntax error diagnostic, got none`);
    if (!wantsError && errors.length > 0) out.push(`${f.path}:${errors[0]?.line}: ${errors[0]?.message}`);
  }
  const ids = run.symbols.map((s) => s.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length > 0) out.push(`symbol ids are not distinct: ${[...new Set(duplicates)].join(', ')}`);
  const symbolsOf = (name: string): typeof run.symbols => {
    const hash = name.indexOf('#');
    const path = hash < 0 ? null : name.slice(0, hash);
    const qn = hash < 0 ? name : name.slice(hash + 1);
    return run.symbols.filter((s) => s.qualifiedName === qn && (path === null || s.path === path));
  };
  const lines = new Map<string, readonly number[]>(
    run.facts.flatMap((f) =>
      f.symbols.map((s) => [makeSymbolId(f.path, s.localId), [s.startLine, s.endLine]]),
    ),
  );
  const found = run.symbols.map((s) => `${s.qualifiedName}:${s.kind}`).join(', ');
  for (const want of expected.symbols ?? []) {
    const matches = symbolsOf(want.name).filter((s) => s.kind === want.kind);
    if (matches.length === 0) {
      out.push(`no ${want.kind} ${want.name} (the plug-in found: ${found})`);
      continue;
    }
    if (want.lines) {
      const got = matches.map((s) => lines.get(s.id)?.join('-'));
      if (!got.includes(want.lines.join('-')))
        out.push(`${want.name} spans ${got.join(', ')}, expected ${want.lines.join('-')}`);
    }
  }
  const idsOf = (name: string): string[] => symbolsOf(name).map((s) => s.id);
  const edgesFrom = (from: string[]): string =>
    run.edges
      .filter((e) => from.includes(e.callerId))
      .map((e) => `${e.calleeText} → ${e.calleeId ?? '(unresolved)'} [${e.reason}]`)
      .join('; ') || 'none';
  for (const want of expected.edges ?? []) {
    const from = idsOf(want.from);
    const to = idsOf(want.to);
    if (from.length === 0 || to.length === 0) {
      out.push(`no symbol ${from.length === 0 ? want.from : want.to} (the plug-in found: ${found})`);
      continue;
    }
    const hit = run.edges.some(
      (e) =>
        from.includes(e.callerId) &&
        e.calleeId !== null &&
        to.includes(e.calleeId) &&
        e.reason === 'name-only',
    );
    if (!hit)
      out.push(`expected ${want.from} → ${want.to} (name-only); edges from ${want.from}: ${edgesFrom(from)}`);
  }
  for (const want of expected.unresolved ?? []) {
    const from = idsOf(want.from);
    const hit = run.edges.some(
      (e) =>
        from.includes(e.callerId) &&
        e.calleeId === null &&
        e.calleeText === want.callee &&
        e.reason === want.reason,
    );
    if (!hit)
      out.push(
        `expected ${want.from} → ${want.callee} kept unresolved as ${want.reason}; edges from ${want.from}: ${edgesFrom(from)}`,
      );
  }
  return out;
}

/** Loads a symbols-only plug-in's outline cases from its folder, or null when it has none. */
export function loadOutlineConformance(plugin: LanguagePlugin): Promise<OutlineSuite | null> {
  return loadSuiteExport<OutlineSuite>(plugin, 'outline');
}

/** Outline cases a suite leaves out, or skips without saying why. */
export function unansweredOutlineCases(suite: OutlineSuite): string[] {
  return unansweredOf(OUTLINE_CASE_IDS, suite);
}

/** Registers the outline cases for one symbols-only plug-in: one test per case, a skip with its reason. */
export function runOutlineConformance(plugin: LanguagePlugin, suite: OutlineSuite): void {
  describe(`${plugin.id} plug-in (symbols only): the shared outline cases`, () => {
    it('answers every outline case, with a written reason for each skip', () => {
      assert.deepEqual(unansweredOutlineCases(suite), []);
    });
    for (const id of OUTLINE_CASE_IDS) {
      const entry = Object.hasOwn(suite, id) ? suite[id] : undefined;
      const title = `${id}: ${OUTLINE_CASES[id]}`;
      if (entry === undefined) continue;
      if ('skip' in entry) {
        it(title, { skip: entry.skip }, () => {});
        continue;
      }
      it(title, () => {
        assert.deepEqual(outlineFailuresOf(plugin, entry), []);
      });
    }
  });
}
