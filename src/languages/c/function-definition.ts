/**
 * The C family's tags query captures a function's `function_declarator`, in a definition and in a prototype alike.
 * A definition stands for the whole `function_definition` (its body's lines); a prototype stays in a header's outline
 * (its API) and is left out of a source file's, where the definition is the symbol. Shared by C and C++.
 */
import type { SyntaxNode } from '../outline/outline-language.js';

const HEADER = /\.(h|hh|hpp|hxx|h\+\+|inl|ipp)$/i;

/** The node a captured definition stands for, or null for a prototype outside a header. */
export function functionDefinitionOf(captured: SyntaxNode, path: string): SyntaxNode | null {
  if (captured.type !== 'function_declarator') return captured;
  let top: SyntaxNode = captured;
  while (top.parent && /declarator$/.test(top.parent.type)) top = top.parent;
  const holder = top.parent;
  if (holder?.type === 'function_definition') return holder;
  // A member function declared in a class body is part of the class's outline.
  if (holder?.type === 'field_declaration') return holder;
  if (holder?.type === 'declaration' && HEADER.test(path)) return holder;
  return null;
}
