/**
 * tree-sitter wiring the tree-sitter plug-ins share (not a language plug-in itself): web-tree-sitter with a `.wasm`
 * grammar shipped in an npm package, both loaded from node_modules in an asynchronous init step (never from the
 * network). After init, parsing is synchronous and does no I/O.
 */
import { createRequire } from 'node:module';
import type * as TreeSitter from 'web-tree-sitter';

export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;

/** The path of a file shipped by an npm package (a grammar `.wasm`, a tags query), resolved from node_modules. */
export function grammarPath(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  return require.resolve(`${pkg}/${file}`);
}

/** One grammar's parser: loaded once by init(), then parse() is synchronous. */
export interface GrammarParser {
  /** Loads web-tree-sitter and the grammar once; later calls wait for the same load. */
  init(): Promise<void>;
  /** True once init() has finished. */
  ready(): boolean;
  /** Parses source; the caller must `delete()` the tree. Throws when the parser was not initialised. */
  parse(text: string): SyntaxTree;
}

/** The parser of the grammar `<pkg>/<wasm>`; `language` names it in the error for a parse before init. */
export function grammarParser(pkg: string, wasm: string, language: string): GrammarParser {
  let parser: TreeSitter.Parser | null = null;
  let loading: Promise<void> | null = null;
  return {
    init(): Promise<void> {
      loading ??= (async () => {
        const { Parser, Language } = await import('web-tree-sitter');
        await Parser.init();
        const grammar = await Language.load(grammarPath(pkg, wasm));
        const p = new Parser();
        p.setLanguage(grammar);
        parser = p;
      })();
      loading.catch(() => (loading = null));
      return loading;
    },
    ready(): boolean {
      return parser !== null;
    },
    parse(text: string): SyntaxTree {
      if (!parser)
        throw new Error(`the ${language} parser is not loaded: await the plug-in init() before analysing`);
      const tree = parser.parse(text);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    },
  };
}
