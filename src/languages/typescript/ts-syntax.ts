/** Small, pure helpers over TypeScript syntax nodes shared by the extractor passes. */
import ts = require('typescript');
import type { ParameterFact, TypeRef } from '../../core/facts.js';

/** Strips parentheses, `as`, `satisfies`, non-null `!` and type assertions around an expression. */
export function unwrapExpression(expr: ts.Expression): ts.Expression {
  let e = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e))
      e = e.expression;
    else if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

/** True for arrow functions and function expressions. */
export function isFunctionValue(node: ts.Node | undefined): node is ts.ArrowFunction | ts.FunctionExpression {
  return node !== undefined && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
}

/** The readable name of a property/member name node (`#x`, `"a b"`, `[Symbol.iterator]`). */
export function propertyNameText(name: ts.PropertyName | ts.BindingName, sf: ts.SourceFile): string {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name))
    return name.text;
  return name.getText(sf);
}

/** A type annotation as a TypeRef: type references only (generics dropped), first non-null member of a union. */
export function typeRefFromTypeNode(type: ts.TypeNode | undefined, sf: ts.SourceFile): TypeRef | null {
  if (!type) return null;
  if (ts.isParenthesizedTypeNode(type)) return typeRefFromTypeNode(type.type, sf);
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText(sf);
    const arg = type.typeArguments?.length === 1 ? type.typeArguments[0] : undefined;
    // `Awaited<X>` is X as far as members go; `ReturnType<typeof f>` is what f returns.
    if (name === 'Awaited' && arg) return typeRefFromTypeNode(arg, sf);
    // The utility types that keep (some of) a type's members: `Pick<Workspace, 'storage'>` has Workspace's.
    const kept = type.typeArguments?.[0];
    if (kept && /^(?:Pick|Omit|Partial|Required|Readonly|NonNullable)$/.test(name))
      return typeRefFromTypeNode(kept, sf);
    if (name === 'ReturnType' && arg && ts.isTypeQueryNode(arg)) {
      const callee = arg.exprName.getText(sf);
      return callee.startsWith('this.') ? null : { kind: 'call-return', callee };
    }
    return { kind: 'name', name };
  }
  if (ts.isArrayTypeNode(type) || ts.isTupleTypeNode(type)) return { kind: 'name', name: 'Array' };
  if (type.kind === ts.SyntaxKind.StringKeyword) return { kind: 'name', name: 'String' };
  // A union names its first nameable member; an intersection (`Base & Extra`) too, as far as members found there go.
  if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
    for (const member of type.types) {
      const ref = typeRefFromTypeNode(member, sf);
      if (ref) return ref;
    }
  }
  return null;
}

/**
 * A declared return type as the resolver follows it: `Promise<X>` reads as X (a call on what an async function
 * returns is, awaited or chained, a call on X), otherwise as typeRefFromTypeNode.
 */
export function returnTypeRefFromTypeNode(type: ts.TypeNode | undefined, sf: ts.SourceFile): TypeRef | null {
  let t = type;
  while (t && ts.isParenthesizedTypeNode(t)) t = t.type;
  // A type guard (`x is Foo`) returns a boolean, but what its call is read for is the type it narrows to (a
  // narrowed local's type is the guard's call-return); nothing calls methods on the boolean.
  if (t && ts.isTypePredicateNode(t)) return t.assertsModifier ? null : typeRefFromTypeNode(t.type, sf);
  if (
    t &&
    ts.isTypeReferenceNode(t) &&
    ts.isIdentifier(t.typeName) &&
    t.typeName.text === 'Promise' &&
    t.typeArguments?.length === 1
  ) {
    return typeRefFromTypeNode(t.typeArguments[0], sf);
  }
  return typeRefFromTypeNode(t, sf);
}

/**
 * A parameter's declared type: a function type (`(a: A, b: B) => R`, also `… | undefined`) as a `function` TypeRef
 * whose parameters a callback passed there is typed by; anything else as typeRefFromTypeNode.
 */
export function parameterTypeRef(type: ts.TypeNode | undefined, sf: ts.SourceFile): TypeRef | null {
  const fn = functionTypeOf(type);
  if (fn) {
    return {
      kind: 'function',
      params: fn.parameters
        .filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'))
        .map((p) => typeRefFromTypeNode(p.type, sf)),
      returns: returnTypeRefFromTypeNode(fn.type, sf),
    };
  }
  return typeRefFromTypeNode(type, sf);
}

/** The function type a type node is, through parentheses and a union with `null`/`undefined`, or null. */
function functionTypeOf(type: ts.TypeNode | undefined): ts.FunctionTypeNode | null {
  if (!type) return null;
  if (ts.isParenthesizedTypeNode(type)) return functionTypeOf(type.type);
  if (ts.isFunctionTypeNode(type)) return type;
  if (ts.isUnionTypeNode(type)) {
    const rest = type.types.filter(
      (t) =>
        t.kind !== ts.SyntaxKind.UndefinedKeyword &&
        !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
    );
    return rest.length === 1 ? functionTypeOf(rest[0]) : null;
  }
  return null;
}

/** The parameters a caller passes to a signature (a `this` parameter is not one), with their declared types. */
export function parameterFacts(node: ts.SignatureDeclaration, sf: ts.SourceFile): ParameterFact[] {
  const out: ParameterFact[] = [];
  for (const p of node.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
    const fact: ParameterFact = {
      name: ts.isIdentifier(p.name) ? p.name.text : codeText(p.name, sf),
      type: parameterTypeRef(p.type, sf),
    };
    if (p.dotDotDotToken) fact.rest = true;
    else if (p.questionToken || p.initializer) fact.optional = true;
    out.push(fact);
  }
  return out;
}

/** The text of a callee usable as a name (`foo`, `a.b.c`), or null for anything else. */
export function entityText(expr: ts.Expression, sf: ts.SourceFile): string | null {
  const e = unwrapExpression(expr);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) {
    const left = entityText(e.expression, sf);
    return left === null ? null : `${left}.${e.name.text}`;
  }
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return null;
}

/** What a value expression tells about its type: `new X()` → X, `f()` / `await f()` → return type of f. */
export function typeRefFromExpression(expr: ts.Expression | undefined, sf: ts.SourceFile): TypeRef | null {
  if (!expr) return null;
  let e = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAwaitExpression(e))
      e = e.expression;
    else break;
  }
  if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) {
    return typeRefFromTypeNode(e.type, sf) ?? typeRefFromExpression(e.expression, sf);
  }
  if (ts.isSatisfiesExpression(e)) return typeRefFromExpression(e.expression, sf);
  if (ts.isNewExpression(e)) {
    const name = entityText(e.expression, sf);
    return name && name !== 'this' ? { kind: 'name', name } : null;
  }
  if (ts.isCallExpression(e)) {
    const callee = entityText(e.expression, sf);
    if (callee && callee !== 'require' && !callee.startsWith('this.'))
      return { kind: 'call-return', callee, ...typeArgsOf(e, sf) };
  }
  return null;
}

/** The type arguments written at a call (`create<Store>()`), as `{ typeArgs }`, or nothing when none are written. */
export function typeArgsOf(
  call: ts.CallExpression | ts.NewExpression,
  sf: ts.SourceFile,
): { typeArgs?: Array<TypeRef | null> } {
  const written = call.typeArguments;
  return written && written.length > 0 ? { typeArgs: written.map((t) => typeRefFromTypeNode(t, sf)) } : {};
}

/**
 * Type arguments a call without written ones takes from the type declared for the variable or field it initialises,
 * when the callee is named as that type: `const X: core.$constructor<Foo> = core.$constructor(…)` (a factory
 * declared `function $constructor<T, D>(…): $constructor<T, D>` passes its type parameters to its namesake type in
 * order). Nothing otherwise.
 */
export function contextualTypeArgs(
  call: ts.CallExpression | ts.NewExpression,
  declared: ts.TypeNode | undefined,
  sf: ts.SourceFile,
): { typeArgs?: Array<TypeRef | null> } {
  if (call.typeArguments && call.typeArguments.length > 0) return {};
  if (!declared || !ts.isTypeReferenceNode(declared) || !declared.typeArguments?.length) return {};
  const callee = entityText(call.expression, sf);
  const lastName = (text: string): string => text.slice(text.lastIndexOf('.') + 1);
  if (callee === null || lastName(callee) !== lastName(declared.typeName.getText(sf))) return {};
  return { typeArgs: declared.typeArguments.map((t) => typeRefFromTypeNode(t, sf)) };
}

/** The parameter list text, without comments, whitespace collapsed. */
export function signatureText(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  return `(${node.parameters.map((p) => codeText(p, sf)).join(', ')})`;
}

/**
 * A node's source text without its comments, whitespace collapsed: a parameter typed `{ deploymentUrl: string;
 * <doc comment> flowId?: string }` reads `{ deploymentUrl: string; flowId?: string }`. Comments are told apart by the
 * parser's tokens, not by pattern, so a string literal type `'/*'` stays whole.
 */
export function codeText(node: ts.Node, sf: ts.SourceFile): string {
  const text = node.getText(sf);
  // Every comment holds `/*` or `//`; without either, the text is code and whitespace only.
  if (!text.includes('/*') && !text.includes('//')) return collapse(text);
  let out = '';
  let end = -1;
  // Depth-first over the tokens, with a stack rather than recursion: a default value may nest thousands deep.
  const stack: ts.Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const children = n.getChildren(sf);
    if (children.length > 0) {
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      continue;
    }
    // Between two tokens lies trivia (whitespace, comments): it reads as one space.
    const start = n.getStart(sf);
    if (start === n.end) continue;
    if (end !== -1 && start > end) out += ' ';
    out += sf.text.slice(start, n.end);
    end = n.end;
  }
  return collapse(out);
}

/** Collapses runs of whitespace to one space. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * First sentence of the JSDoc block right before the node, read from the comment text (the parser runs
 * with JSDoc parsing off, which makes it markedly faster), or null.
 */
export function firstDocSentence(node: ts.Node, sf: ts.SourceFile): string | null {
  const text = sf.text;
  const ranges = ts.getLeadingCommentRanges(text, node.pos);
  const last = ranges?.[ranges.length - 1];
  if (!last || last.kind !== ts.SyntaxKind.MultiLineCommentTrivia) return null;
  const raw = text.slice(last.pos, last.end);
  if (!raw.startsWith('/**') || raw === '/**/') return null;
  const body: string[] = [];
  for (const line of raw.slice(3, -2).split(/\r?\n/)) {
    const cleaned = line.replace(/^\s*\*?\s?/, '');
    if (cleaned.startsWith('@')) break;
    body.push(cleaned);
  }
  const paragraph = collapse(body.join('\n').split(/\n\s*\n/)[0] ?? '');
  if (!paragraph) return null;
  const match = /^(.*?[.!?])(\s|$)/.exec(paragraph);
  return match?.[1] ?? paragraph;
}

/** Readable test title from a string, template literal (placeholders kept as `${…}`) or other expression. */
export function titleText(arg: ts.Expression, sf: ts.SourceFile): string {
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) {
    let out = arg.head.text;
    for (const span of arg.templateSpans) out += `\${${span.expression.getText(sf)}}${span.literal.text}`;
    return out;
  }
  return collapse(arg.getText(sf));
}

/** True when the node carries the given modifier keyword. */
export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return mods?.some((m) => m.kind === kind) ?? false;
}

/** The string specifier of `require('x')`, or null. */
export function requireSpecifier(expr: ts.Expression | undefined): string | null {
  if (!expr) return null;
  const e = unwrapExpression(expr);
  if (
    ts.isCallExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'require' &&
    e.arguments.length === 1
  ) {
    const arg = e.arguments[0];
    if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) return arg.text;
  }
  return null;
}

/** The string specifier of `import('x')` (optionally awaited), or null. */
export function dynamicImportSpecifier(expr: ts.Expression | undefined): string | null {
  if (!expr) return null;
  let e = unwrapExpression(expr);
  if (ts.isAwaitExpression(e)) e = unwrapExpression(e.expression);
  if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const arg = e.arguments[0];
    if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) return arg.text;
  }
  return null;
}
