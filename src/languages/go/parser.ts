/**
 * tree-sitter wiring for Go: web-tree-sitter with the `.wasm` grammar shipped in the npm package `tree-sitter-go`
 * (ABI 15), both loaded from node_modules in an asynchronous init step (never from the network). After init,
 * parsing is synchronous and does no I/O.
 */
import { createRequire } from 'node:module';
import type * as TreeSitter from 'web-tree-sitter';

export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;

let parser: TreeSitter.Parser | null = null;
let loading: Promise<void> | null = null;

/** The path of the Go grammar `.wasm`, resolved from node_modules. */
export function goGrammarPath(): string {
  return createRequire(import.meta.url).resolve('tree-sitter-go/tree-sitter-go.wasm');
}

/** Loads web-tree-sitter and the Go grammar once; later calls wait for the same load. */
export function initGoParser(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const language = await Language.load(goGrammarPath());
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

/** Parses Go source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
export function parseGo(text: string): SyntaxTree {
  if (!parser) throw new Error('the Go parser is not loaded: await the plug-in init() before analysing');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
