/**
 * tree-sitter wiring for Python: the `.wasm` grammar shipped in the npm package `tree-sitter-python`, loaded by the
 * shared tree-sitter wiring (src/languages/tree-sitter/parser.ts). After init, parsing is synchronous and does no I/O.
 */
import { grammarParser, type SyntaxTree } from '../tree-sitter/parser.js';

export { grammarPath, type SyntaxNode, type SyntaxTree } from '../tree-sitter/parser.js';

const python = grammarParser('tree-sitter-python', 'tree-sitter-python.wasm', 'Python');

/** Loads web-tree-sitter and the Python grammar once; later calls wait for the same load. */
export function initPythonParser(): Promise<void> {
  return python.init();
}

/** True once initPythonParser has finished. */
export function pythonParserReady(): boolean {
  return python.ready();
}

/** Parses Python source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
export function parsePython(text: string): SyntaxTree {
  return python.parse(text);
}
