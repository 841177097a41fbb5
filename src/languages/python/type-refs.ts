/**
 * Python annotations as the resolver follows them (TypeRef, src/core/facts.ts), read from the syntax tree: the class
 * an annotation names once `Optional[…]`, `Union[…, None]`, `… | None`, parentheses and quotes are removed.
 * A union of several classes, a container (`list[Foo]`) or a generic (`Foo[T]`) names none.
 */
import type { TypeRef } from '../../core/facts.js';
import { pythonTypeName } from './conventions.js';
import type { SyntaxNode } from './parser.js';

const OPTIONAL = /^(?:[A-Za-z_]\w*\.)?Optional$/; // `typing.Optional`, also under an alias (`t.Optional`)
const UNION = /^(?:[A-Za-z_]\w*\.)?Union$/;
const CALLABLE = /^(?:typing\.|collections\.abc\.|abc\.)?Callable$/;
/** Annotations nest this deep at most before they are read as naming nothing. */
const MAX_DEPTH = 32;

/** `a.b.c` as written, or null when the node is not a dotted name. */
function dottedText(node: SyntaxNode | null, depth = 0): string | null {
  if (!node || depth > MAX_DEPTH) return null;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return null;
  const object = dottedText(node.childForFieldName('object'), depth + 1);
  const attribute = node.childForFieldName('attribute');
  return object !== null && attribute ? `${object}.${attribute.text}` : null;
}

/** The head and arguments of `X[a, b]` (tree-sitter reads it as `generic_type` or `subscript`). */
function subscriptParts(node: SyntaxNode): { head: string | null; args: SyntaxNode[] } {
  if (node.type === 'subscript') {
    return {
      head: dottedText(node.childForFieldName('value')),
      args: node.childrenForFieldName('subscript'),
    };
  }
  const [head, params] = node.namedChildren;
  const args = params?.type === 'type_parameter' ? params.namedChildren : [];
  return { head: head ? dottedText(head) : null, args: args.filter((a): a is SyntaxNode => a !== null) };
}

function isNone(node: SyntaxNode): boolean {
  const inner = node.type === 'type' ? node.namedChildren[0] : node;
  return inner?.type === 'none';
}

/** The operands of `a | b | c`, flattened. */
function unionMembers(node: SyntaxNode, out: SyntaxNode[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.type === '|') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left) unionMembers(left, out, depth + 1);
    if (right) unionMembers(right, out, depth + 1);
  } else out.push(node);
}

/** The class an annotation node names, or null (see the file comment). */
export function annotationTypeName(node: SyntaxNode | null, depth = 0): string | null {
  if (!node || depth > MAX_DEPTH) return null;
  switch (node.type) {
    case 'type':
    case 'parenthesized_expression':
      return annotationTypeName(node.namedChildren[0] ?? null, depth + 1);
    case 'identifier':
    case 'attribute':
      return dottedText(node);
    case 'string': {
      // A forward reference (`"Repo"`, `"Optional[Repo]"`) is text by nature: its content is read as one.
      if (node.namedChildren.some((c) => c?.type === 'interpolation')) return null;
      const content = node.namedChildren.find((c) => c?.type === 'string_content');
      return content ? pythonTypeName(content.text) : null;
    }
    case 'generic_type':
    case 'subscript': {
      const { head, args } = subscriptParts(node);
      if (head === null) return null;
      if (OPTIONAL.test(head))
        return args.length === 1 ? annotationTypeName(args[0] ?? null, depth + 1) : null;
      if (!UNION.test(head)) return null;
      const members = args.filter((a) => !isNone(a));
      return members.length === 1 ? annotationTypeName(members[0] ?? null, depth + 1) : null;
    }
    case 'binary_operator': {
      const members: SyntaxNode[] = [];
      unionMembers(node, members, depth);
      const named = members.filter((m) => !isNone(m));
      return named.length === 1 && members.length > 1
        ? annotationTypeName(named[0] ?? null, depth + 1)
        : null;
    }
    default:
      return null;
  }
}

/** An annotation node as a TypeRef naming the class it stands for, when it names one. */
export function typeRefOfAnnotation(node: SyntaxNode | null): TypeRef | null {
  const name = annotationTypeName(node);
  return name ? { kind: 'name', name } : null;
}

/**
 * A parameter's annotation as a TypeRef: `Callable[[A, B], R]` (also `typing.Callable`, `collections.abc.Callable`)
 * as a `function` ref, whose parameters type a lambda passed there; anything else as typeRefOfAnnotation.
 */
export function parameterTypeRef(node: SyntaxNode | null): TypeRef | null {
  return callableTypeRef(node) ?? typeRefOfAnnotation(node);
}

/** The `function` ref of a `Callable[[A, B], R]` annotation (see parameterTypeRef), or null for any other. */
export function callableTypeRef(node: SyntaxNode | null): TypeRef | null {
  let t = node;
  let type = t?.type;
  if (type === 'type') {
    t = t?.namedChildren[0] ?? null;
    type = t?.type;
  }
  if (t && (type === 'generic_type' || type === 'subscript')) {
    const { head, args } = subscriptParts(t);
    if (head !== null && CALLABLE.test(head) && args.length === 2) {
      const first = args[0]?.type === 'type' ? (args[0].namedChildren[0] ?? null) : (args[0] ?? null);
      const params = first?.type === 'list' ? first.namedChildren.map((p) => typeRefOfAnnotation(p)) : [];
      return { kind: 'function', params, returns: typeRefOfAnnotation(args[1] ?? null) };
    }
  }
  return null;
}
