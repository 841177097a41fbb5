/**
 * tree-sitter wiring for Go: the `.wasm` grammar shipped in the npm package `tree-sitter-go` (ABI 15), loaded by the
 * shared tree-sitter wiring (src/languages/tree-sitter/parser.ts). After init, parsing is synchronous and does no I/O.
 */
import { grammarParser, grammarPath, type SyntaxTree } from '../tree-sitter/parser.js';

export type { SyntaxNode, SyntaxTree } from '../tree-sitter/parser.js';

const GRAMMAR = ['tree-sitter-go', 'tree-sitter-go.wasm'] as const;
const go = grammarParser(...GRAMMAR, 'Go');

/** The path of the Go grammar `.wasm`, resolved from node_modules. */
export function goGrammarPath(): string {
  return grammarPath(...GRAMMAR);
}

/** Loads web-tree-sitter and the Go grammar once; later calls wait for the same load. */
export function initGoParser(): Promise<void> {
  return go.init();
}

/** Parses Go source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
export function parseGo(text: string): SyntaxTree {
  return go.parse(text);
}
