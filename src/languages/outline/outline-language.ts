/**
 * What one outline language is: the few lines a language folder writes (src/languages/rust/rust-plugin.ts) for the
 * shared outline engine (extract-outline.ts, outline-plugin.ts) to give it symbols, nesting and name-only call
 * candidates from its grammar's own tags query.
 */
import type { ConfidenceTable } from '../../core/confidence.js';
import type { SymbolKind } from '../../core/facts.js';
import type * as TreeSitter from 'web-tree-sitter';

export type SyntaxNode = TreeSitter.Node;

export interface OutlineLanguage {
  /** Plug-in id: the folder name and FileFacts.language. */
  id: string;
  extensions: readonly string[];
  /** Bumped whenever the facts for the same bytes could change (it keys the facts cache). */
  analyzerVersion: string;
  /** The npm package that ships the grammar, and the `.wasm` file in it. */
  grammar: { pkg: string; wasm: string };
  /**
   * The tags query (tree-sitter's `tags.scm` captures: `@definition.<kind>` with `@name`, `@reference.call` with
   * `@name`): the file the grammar's package ships, or a query written in the language's folder when it ships none.
   */
  tags: { pkg: string; file: string } | { text: string };
  /**
   * Patterns added to the grammar's own query where it names too little (tree-sitter-c's names no call), in the same
   * convention; each language file says why it adds them.
   */
  tagsExtra?: string;
  /** A symbol kind by the definition node's type, where the tag's kind is coarser (`enum_item` → enum). */
  kindByNode?: Readonly<Record<string, SymbolKind>>;
  /**
   * The node that stands for a captured definition (C: a `function_declarator` → its `function_definition`), or null to
   * leave it out (a prototype in a source file). Default: the captured node.
   */
  definitionNode?(captured: SyntaxNode, path: string): SyntaxNode | null;
  /**
   * Nodes that are no definition themselves but name the definitions inside them: node type → the field that holds
   * the name, and whether functions inside are methods of a type (Rust `impl Foo { fn bar }` gives the method
   * `Foo.bar`) or members of a namespace (C++ `namespace geo { int f(); }` gives the function `geo.f`).
   */
  namingContainers?: Readonly<Record<string, { field: string; holds: 'methods' | 'functions' }>>;
  /** False for a reference the query names that is not a call (a Ruby constant). Default: every reference is one. */
  isCall?(name: SyntaxNode): boolean;
  /** Test code by path: the language's one test-file rule. */
  isTestPath?(path: string): boolean;
  /** Measured precision of `name-only` call candidates, where it was measured (EVAL.md). */
  confidence?: ConfidenceTable;
}

/** The tag kinds of tree-sitter's tags convention, as codehub's symbol kinds. */
export const TAG_KINDS: Readonly<Record<string, SymbolKind>> = {
  class: 'class',
  struct: 'class',
  interface: 'interface',
  module: 'namespace',
  namespace: 'namespace',
  method: 'method',
  function: 'function',
  macro: 'function',
  type: 'type',
  enum: 'enum',
  field: 'property',
  property: 'property',
  constant: 'variable',
  variable: 'variable',
};
