/**
 * tree-sitter wiring for Java: web-tree-sitter with the `.wasm` grammar shipped in the npm package `tree-sitter-java`
 * (ABI 14), both loaded from node_modules in an asynchronous init step (never from the network). After init,
 * parsing is synchronous and does no I/O.
 */
import { createRequire } from 'node:module';
import type * as TreeSitter from 'web-tree-sitter';

export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;

let parser: TreeSitter.Parser | null = null;
let loading: Promise<void> | null = null;

/** Loads web-tree-sitter and the Java grammar once; later calls wait for the same load. */
export function initJavaParser(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve('tree-sitter-java/tree-sitter-java.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

/** Parses Java source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
export function parseJava(text: string): SyntaxTree {
  if (!parser) throw new Error('the Java parser is not loaded: await the plug-in init() before analysing');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
