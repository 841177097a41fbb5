/**
 * Init-time loading of the assets a tree-sitter grammar ships in its npm package: the `.wasm` grammar and, for the
 * outline plug-ins, the package's own `queries/tags.scm`. Both are read from node_modules (never from the network)
 * once per process or thread, in a plug-in's init(); analysis after that is pure. This is the one file of
 * src/languages allowed to read files (test/architecture.test.ts names it), because a query file is data the
 * grammar's package ships, not something analysis could be handed per file.
 */
import { readFile } from 'node:fs/promises';
import type * as TreeSitter from 'web-tree-sitter';
import { grammarPath } from '../tree-sitter/parser.js';

/** The path of a file shipped by an npm package (`tree-sitter-rust`, `queries/tags.scm`), resolved from node_modules. */
export const packageFilePath: (pkg: string, file: string) => string = grammarPath;

/** Reads a text file an npm package ships (a tags query). */
export async function readPackageText(pkg: string, file: string): Promise<string> {
  return readFile(packageFilePath(pkg, file), 'utf8');
}

let runtime: Promise<typeof TreeSitter> | null = null;

/** web-tree-sitter, initialised once per process or thread. */
export function treeSitter(): Promise<typeof TreeSitter> {
  runtime ??= (async () => {
    const mod = await import('web-tree-sitter');
    await mod.Parser.init();
    return mod;
  })();
  runtime.catch(() => (runtime = null));
  return runtime;
}

/** Loads a grammar `.wasm` shipped by an npm package. */
export async function loadGrammar(pkg: string, wasm: string): Promise<TreeSitter.Language> {
  const { Language } = await treeSitter();
  return Language.load(packageFilePath(pkg, wasm));
}
