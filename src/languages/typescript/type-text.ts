/**
 * Reading TypeScript type text as written in signatures and return types (`Promise<Logger | null>`,
 * `(a: A, b: B) => R`): the plug-in's answers to the resolver's "which type does this name" questions.
 * Pure string work, no compiler.
 */

const DOTTED_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** A declared type text reduced to a type name: `Promise<Logger | null>` → `Logger`, `Foo<T>` → `Foo`. */
export function typeNameFromText(text: string | null): string | null {
  if (!text) return null;
  let t = text.trim();
  const promise = /^Promise<(.*)>$/s.exec(t);
  if (promise?.[1]) t = promise[1].trim();
  const part = t
    .split('|')
    .map((p) => p.trim())
    .find((p) => p !== 'null' && p !== 'undefined' && p !== '');
  if (!part) return null;
  const name = part.replace(/<.*$/s, '').trim();
  return DOTTED_NAME.test(name) ? name : null;
}

/**
 * The declared type of parameter `param` of the function-typed parameter `arg` of a signature:
 * `(init: (source: Observable<T>, subscriber: Subscriber<R>) => void)`, arg 0, param 1 → `Subscriber`.
 */
export function callbackParamTypeName(signature: string, arg: number, param: number): string | null {
  const declared = splitTopLevel(unwrapParens(signature))[arg];
  const fnType = declared === undefined ? null : functionTypeParams(typeOfParam(declared));
  const paramText = fnType ? splitTopLevel(fnType)[param] : undefined;
  return paramText === undefined ? null : typeNameFromText(typeOfParam(paramText));
}

/** `core.$ZodXID` → ['core', '$ZodXID']: a receiver written as a dotted path of names (not through `this`). */
export function valuePathOf(text: string): string[] | null {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(text) || text.startsWith('this.')) return null;
  return text.split('.');
}

/** `(a, b)` → `a, b` when the text is wrapped in one pair of parentheses; else the text. */
function unwrapParens(text: string): string {
  const t = text.trim();
  if (!t.startsWith('(')) return t;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i === t.length - 1 ? t.slice(1, -1) : t;
  }
  return t;
}

/** Splits a parameter list at its top-level commas (brackets, generics and strings nest). */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && text[i - 1] !== '=')) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest !== '') out.push(rest);
  return out;
}

/** `name?: Type = init` → `Type` (the text after the first top-level colon, before a default). */
function typeOfParam(param: string): string {
  let depth = 0;
  for (let i = 0; i < param.length; i++) {
    const c = param[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && param[i - 1] !== '=')) depth--;
    else if (c === ':' && depth === 0) return param.slice(i + 1).trim();
  }
  return '';
}

/** `(a: A, b: B) => R` → `a: A, b: B`; anything else → null. */
function functionTypeParams(type: string): string | null {
  const t = type.trim().replace(/^\(\s*(\(.*=>.*\))\s*\)$/s, '$1');
  if (!t.startsWith('(')) return null;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      return /^\s*=>/.test(t.slice(i + 1)) ? t.slice(1, i) : null;
    }
  }
  return null;
}
