/**
 * tree-sitter wiring for Java: the `.wasm` grammar shipped in the npm package `tree-sitter-java` (ABI 14), loaded by
 * the shared tree-sitter wiring (src/languages/tree-sitter/parser.ts). After init, parsing is synchronous and does no
 * I/O.
 */
import { grammarParser, type SyntaxTree } from '../tree-sitter/parser.js';

export type { SyntaxNode, SyntaxTree } from '../tree-sitter/parser.js';

const java = grammarParser('tree-sitter-java', 'tree-sitter-java.wasm', 'Java');

/** Loads web-tree-sitter and the Java grammar once; later calls wait for the same load. */
export function initJavaParser(): Promise<void> {
  return java.init();
}

/** Parses Java source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
export function parseJava(text: string): SyntaxTree {
  return java.parse(text);
}
