/**
 * tree-sitter wiring for Python: web-tree-sitter with the `.wasm` grammar shipped in the npm package
 * `tree-sitter-python`, both loaded from node_modules in an asynchronous init step (never from the network).
 * After init, parsing is synchronous and does no I/O.
 */
import { createRequire } from 'node:module';
import type * as TreeSitter from 'web-tree-sitter';

export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;

let parser: TreeSitter.Parser | null = null;
let loading: Promise<void> | null = null;

/** The path of a grammar `.wasm` shipped by an npm package, resolved from node_modules. */
export function grammarPath(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  return require.resolve(`${pkg}/${file}`);
}

/** Loads web-tree-sitter and the Python grammar once; later calls wait for the same load. */
export function initPythonParser(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const language = await Language.load(grammarPath('tree-sitter-python', 'tree-sitter-python.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

/** True once initPythonParser has finished. */
export function pythonParserReady(): boolean {
  return parser !== null;
}

/** Parses Python source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
export function parsePython(text: string): SyntaxTree {
  if (!parser) throw new Error('the Python parser is not loaded: await the plug-in init() before analysing');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
