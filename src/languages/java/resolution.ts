/**
 * The Java answers to the repo-wide resolver's language questions (see ResolutionRules): java.lang as builtins,
 * `super(…)` written against `<init>`, no module values, receiver paths that may start at an import bound by its qualified name (`a/b/Outer#.Inner`), and overload choice by arity and the obvious
 * argument types (JLS 15.12.2, without the hierarchy: a class argument fits a class parameter it may extend).
 */
import type { SymbolFact } from '../../core/facts.js';
import type { ResolutionRules } from '../plugin.js';
import { JAVA_LANG, PRIMITIVES } from './conventions.js';

const WIDENING: Readonly<Record<string, readonly string[]>> = {
  byte: ['short', 'int', 'long', 'float', 'double'],
  short: ['int', 'long', 'float', 'double'],
  char: ['int', 'long', 'float', 'double'],
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
};
const BOXES: Readonly<Record<string, string>> = {
  boolean: 'Boolean',
  byte: 'Byte',
  char: 'Character',
  short: 'Short',
  int: 'Integer',
  long: 'Long',
  float: 'Float',
  double: 'Double',
};
/** What a String argument may be passed as (String is final: nothing else). */
const STRING_SUPERTYPES = new Set([
  'String',
  'Object',
  'CharSequence',
  'Comparable',
  'Serializable',
  'Constable',
  'ConstantDesc',
]);
const BOXED_SUPERTYPES = new Set([
  'Object',
  'Number',
  'Comparable',
  'Serializable',
  'Constable',
  'ConstantDesc',
]);

/** How well an argument of type `arg` fits a parameter of type `param`: 3 exact, 2 widening/boxing, 1 maybe, 0 not. */
export function argumentFit(arg: string | null, param: string): number {
  if (arg === null) return 1;
  const p = param.replace(/\.\.\.$/, '[]');
  const simple = p.slice(p.lastIndexOf('.') + 1);
  if (arg === simple || arg === p) return 3;
  const typeVariable = /^[A-Z][A-Z0-9]?$/.test(simple);
  if (arg === 'null') return PRIMITIVES.has(simple) ? 0 : 1;
  if (PRIMITIVES.has(arg)) {
    if (PRIMITIVES.has(simple)) return WIDENING[arg]?.includes(simple) ? 2 : 0;
    if (BOXES[arg] === simple) return 2;
    return BOXED_SUPERTYPES.has(simple) || typeVariable ? 1 : 0;
  }
  if (PRIMITIVES.has(simple)) {
    const unboxed = Object.entries(BOXES).find(([, boxed]) => boxed === arg)?.[0];
    return unboxed !== undefined && (unboxed === simple || WIDENING[unboxed]?.includes(simple)) ? 2 : 0;
  }
  if (arg.endsWith('[]') !== simple.endsWith('[]')) return simple === 'Object' || typeVariable ? 1 : 0;
  if (arg === 'String') return STRING_SUPERTYPES.has(simple) || typeVariable ? 1 : 0;
  // Object is assignable to Object (and type variables) only.
  if (arg === 'Object') return simple === 'Object' || typeVariable ? 1 : 0;
  if (simple === 'String') return 0;
  if (BOXES[Object.keys(BOXES).find((k) => BOXES[k] === arg) ?? ''] === arg)
    return BOXED_SUPERTYPES.has(simple) || typeVariable ? 1 : 0;
  return 1;
}

/**
 * The overloads a call may run, best first: those whose arity fits (varargs only when no fixed arity does), then
 * those whose every argument fits, then the best total fit; one left is the choice, several are ambiguous.
 */
export function chooseJavaOverload(
  candidates: readonly SymbolFact[],
  args: ReadonlyArray<string | null>,
): SymbolFact[] {
  // Nearest class first: an override hides the base method with the same parameter types.
  const seen = new Set<string>();
  const unique: Array<{ sym: SymbolFact; params: string[] }> = [];
  for (const sym of candidates) {
    const params = overloadParams(sym.qualifiedName);
    const key = params.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ sym, params });
  }
  const score = (params: string[], varargs: boolean): number => {
    let total = 0;
    for (let i = 0; i < args.length; i++) {
      const last = params.length - 1;
      const param = varargs && i >= last ? (params[last] ?? '').replace(/(\.\.\.|\[\])$/, '') : params[i];
      if (param === undefined) return -1;
      const arg = args[i] ?? null;
      const fit = argumentFit(arg, param);
      if (fit === 0) return -1;
      // An argument of unknown type is seldom an array handed to a varargs parameter as such.
      total += arg === null && !varargs && (params[i] ?? '').endsWith('...') ? 0.5 : fit;
    }
    return total;
  };
  const phase = (varargs: boolean): Array<{ sym: SymbolFact; total: number }> =>
    unique
      .filter(({ params }) => {
        if (!varargs) return params.length === args.length;
        const isVarargs = (params[params.length - 1] ?? '').endsWith('...');
        return isVarargs && args.length >= params.length - 1;
      })
      .map(({ sym, params }) => ({ sym, total: score(params, varargs) }))
      .filter((c) => c.total >= 0);
  let fitting = phase(false);
  if (fitting.length === 0) fitting = phase(true);
  if (fitting.length === 0) return [];
  const best = Math.max(...fitting.map((c) => c.total));
  return fitting.filter((c) => c.total === best).map((c) => c.sym);
}

/** The erased parameter types an overload's qualified name carries (`Cart.add(int,String)` → int, String). */
export function overloadParams(qualifiedName: string): string[] {
  const open = qualifiedName.indexOf('(');
  if (open < 0 || !qualifiedName.endsWith(')')) return [];
  const inner = qualifiedName.slice(open + 1, -1);
  return inner === '' ? [] : inner.split(',');
}

const NAME = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;
/** An import bound by its qualified name (`java/util/Collections#`), as extract-facts.ts names it. */
const QUALIFIED_IMPORT = /^[\p{L}_$][\p{L}\p{N}_$/]*#$/u;

export const javaResolutionRules: Partial<ResolutionRules> = {
  builtins: JAVA_LANG,
  testGlobals: new Set(),
  // `super(…)` is written against `<init>`: it reaches the base class's constructor (extract-facts.ts).
  constructorName: '<init>',
  moduleValueExport: null,
  wildcardExports: () => false,
  valuePath: (text) => {
    const parts = text.split('.');
    if (parts.length < 2) return null;
    const [head, ...rest] = parts;
    return (NAME.test(head ?? '') || QUALIFIED_IMPORT.test(head ?? '')) && rest.every((p) => NAME.test(p))
      ? parts
      : null;
  },
  chooseOverload: chooseJavaOverload,
  // A call through an interface member or an abstract method also reaches each subclass's override: a lower tier
  // under its own reason, measured against javac's class hierarchy (bench/java-dispatch.ts).
  guesses: new Set(['interface-impl']),
};
