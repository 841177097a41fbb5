/**
 * The behavioural conformance cases every language plug-in passes: one shared list of what resolution must do,
 * stated without naming a language. Each plug-in supplies, in `src/languages/<id>/conformance.ts`, the source of
 * every case written in its language and the edges it expects (caller qualified name → callee qualified name,
 * reason); a case the language cannot express is a skip with the reason written next to it. The shared runner
 * (test/languages/behaviour.ts) runs the real pipeline on each case: the plug-in's analyze and module resolver,
 * repo-wide resolution with the plug-in's rules, then tested-by. A registered plug-in without this file fails.
 */
import type { ResolvedReason } from '../core/confidence.js';

/** The shared cases, by id, with what each one checks. */
export const CONFORMANCE_CASES = {
  'imported-function': 'a call to a function imported from another module resolves to its definition',
  'same-file-function': 'a call to a function declared in the same file resolves to it',
  'method-through-self': 'a method called through this/self resolves to the method of the enclosing class',
  'constructor-call': "constructing a class resolves to the class's constructor",
  'inherited-method':
    'a method called through this/self that a base class declares resolves to the base method',
  'field-of-declared-type': 'a method called on a field whose type the class declares resolves on that type',
  'typed-local': 'a method called on a local variable whose type is declared resolves on that type',
  'typed-parameter': 'a method called on a parameter whose type is declared resolves on that type',
  'external-call':
    'a call into a package outside the repository is kept unresolved with the package as its reason',
  'builtin-call': 'a call to a language builtin is kept unresolved as builtin',
  'test-through-setup-hook': 'a test reaches code that is called only in a setup hook it runs after',
  'nested-callback': 'a call inside nested callbacks is attributed to the enclosing named definition',
  'same-named-nested-definitions':
    'same-named definitions nested in different functions get distinct ids, and each call reaches its own',
} as const;

export type ConformanceCaseId = keyof typeof CONFORMANCE_CASES;

export const CONFORMANCE_CASE_IDS = Object.keys(CONFORMANCE_CASES) as ConformanceCaseId[];

/**
 * A symbol named language-neutrally: its qualified name as the plug-in gives it (`Cart.add`, `outer.inner`,
 * `Suite > test title`, `<module>`), optionally prefixed by the file path and `#` when the name alone is ambiguous.
 */
export type SymbolName = string;

/** A resolved edge the case must produce. */
export interface ExpectedEdge {
  from: SymbolName;
  to: SymbolName;
  reason: ResolvedReason;
}

/** A call the case must keep unresolved, with its reason (`builtin`, `external:<package>`…). */
export interface ExpectedUnresolved {
  from: SymbolName;
  /** The callee as written at the call site (the edge's calleeText): `readFileSync`, `console.log`, `os.path.join`. */
  callee: string;
  reason: string;
}

/** A test that must reach a symbol (tested-by, within the default depth). */
export interface ExpectedTestReach {
  test: SymbolName;
  reaches: SymbolName;
}

export interface ConformanceCase {
  /** The case's files, repo-relative path → text (config files the plug-in reads included). */
  files: Readonly<Record<string, string>>;
  edges?: readonly ExpectedEdge[];
  unresolved?: readonly ExpectedUnresolved[];
  tested?: readonly ExpectedTestReach[];
  /** Edges that must not be drawn (to the wrong one of two same-named definitions, say). */
  absent?: ReadonlyArray<{ from: SymbolName; to: SymbolName }>;
}

/** A case the language cannot express, with why (a reason starting with `TODO` fails: it is not written yet). */
export interface SkippedCase {
  skip: string;
}

/** A plug-in's answer to every shared case. */
export type ConformanceSuite = { readonly [K in ConformanceCaseId]: ConformanceCase | SkippedCase };
