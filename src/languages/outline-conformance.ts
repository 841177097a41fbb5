/**
 * The outline conformance cases: what a plug-in of depth `symbols` (LanguagePlugin.depth) must do, stated without
 * naming a language. Such a plug-in cannot pass the behavioural cases of conformance.ts (it binds no import, receiver
 * or type), so it answers these instead, in `src/languages/<id>/conformance.ts` as the export `outline`; the shared
 * runner (test/languages/outline-behaviour.ts) runs each through the real pipeline. A registered plug-in that answers
 * neither suite fails the build (test/languages/behaviour.test.ts).
 */
import type { SymbolKind } from '../core/facts.js';
import type { ExpectedUnresolved, SkippedCase, SymbolName } from './conformance.js';

export const OUTLINE_CASES = {
  definitions: "each definition is a symbol with the tag's kind and the definition's first and last lines",
  nesting: 'a definition inside a container (class, module, impl block) is qualified by it',
  'same-named-nested-definitions': 'same-named definitions nested in different containers get distinct ids',
  'name-only-calls':
    'a call to a name defined once in the repo links to it as name-only; a name defined twice stays ambiguous',
  'syntax-error': 'a file with a syntax error still gives the definitions around it, and an error diagnostic',
} as const;

export type OutlineCaseId = keyof typeof OUTLINE_CASES;

export const OUTLINE_CASE_IDS = Object.keys(OUTLINE_CASES) as OutlineCaseId[];

/** A symbol the case must produce: qualified name (optionally `path#` first), kind, and lines when given. */
export interface ExpectedSymbol {
  name: SymbolName;
  kind: SymbolKind;
  lines?: readonly [number, number];
}

export interface OutlineCase {
  files: Readonly<Record<string, string>>;
  symbols?: readonly ExpectedSymbol[];
  /** Calls that must link to a definition by name alone (reason `name-only`). */
  edges?: ReadonlyArray<{ from: SymbolName; to: SymbolName }>;
  /** Calls that must stay unresolved, with their reason (`ambiguous`, `unknown`). */
  unresolved?: readonly ExpectedUnresolved[];
  /** Files that must report a syntax error (and still give the symbols above). */
  syntaxErrors?: readonly string[];
}

/** A symbols-only plug-in's answer to every outline case. */
export type OutlineSuite = { readonly [K in OutlineCaseId]: OutlineCase | SkippedCase };
