/** The TypeScript/JavaScript answers to the repo-wide resolver's language questions (see ResolutionRules). */
import type { SymbolFact } from '../../core/facts.js';
import type { ResolutionRules } from '../plugin.js';
import { BUILTIN_GLOBALS, BUILTIN_MEMBERS, TEST_GLOBALS } from './conventions.js';
import { valuePathOf } from './type-text.js';

export const tsResolutionRules: ResolutionRules = {
  builtins: BUILTIN_GLOBALS,
  builtinMembers: BUILTIN_MEMBERS,
  testGlobals: TEST_GLOBALS,
  // `super(…)` is recorded as a call of member `constructor` through `super`.
  constructorName: 'constructor',
  // A whole-module binding (`import * as m`, `const m = require('m')`) called or missing a named export is the
  // module's default export, which is also what CommonJS `module.exports = …` is recorded as.
  moduleValueExport: 'default',
  // ES modules: `export *` forwards every export but the default.
  wildcardExports: (name) => name !== 'default',
  // A module is a file: a missing export never stands for another module.
  importedSubmodule: () => null,
  packageSubmodule: () => null,
  valuePath: valuePathOf,
  // Each measured on its own reason (EVAL.md); the default views hide those below 0.5.
  guesses: new Set(['name-only', 'interface-impl', 'unique-property']),
  chooseOverload: chooseSignature,
};

/**
 * Overloads: a class's call runs its implementation (the resolver's pick, the last declaration), but an interface or
 * type literal has only signatures, and the compiler binds the call to the first one its arguments fit. Without the
 * arguments' types, the first of the nearest owner's signatures that takes this many arguments.
 */
export function chooseSignature(
  candidates: readonly SymbolFact[],
  args: ReadonlyArray<string | null>,
): SymbolFact[] {
  const owner = candidates[0]?.parent;
  if (!owner || !/:(?:interface|type)(?:~\d+)?$/.test(owner)) return [];
  const fit = candidates.find((c) => c.parent === owner && takesArguments(c, args.length));
  return fit ? [fit] : [];
}

function takesArguments(sym: SymbolFact, count: number): boolean {
  const params = sym.parameters;
  if (!params) return false;
  const rest = params.some((p) => p.rest);
  const required = params.filter((p) => !p.rest && !p.optional).length;
  return count >= required && (rest || count <= params.length);
}
