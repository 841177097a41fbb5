/**
 * The native tree-sitter binding (`tree-sitter` with the native `tree-sitter-python` language), loaded for the Python
 * speed section to time against the WebAssembly parser the plug-in uses. Measured on this project's corpora, its
 * parse alone is a little faster but every node read crosses N-API and costs more than a read from WebAssembly, so the
 * plug-in's analysis on it is slower (BENCHMARKS.md): the plug-in keeps web-tree-sitter and this stays a yardstick.
 */
import { createRequire } from 'node:module';
import type { SyntaxTree } from '../src/languages/python/parser.js';

/** A loaded native Python parser, or why it could not be loaded (another platform without a prebuilt binary). */
export type NativePythonParser = { parse: (text: string) => SyntaxTree } | { unavailable: string };

interface NativeParser {
  setLanguage(language: unknown): void;
  parse(text: string): { rootNode: { walk(): object } };
}

let loaded: NativePythonParser | null = null;

/** Loads the native binding once; never throws. */
export function nativePythonParser(): NativePythonParser {
  if (loaded) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const Parser = require('tree-sitter') as new () => NativeParser;
    const language: unknown = require('tree-sitter-python');
    const parser = new Parser();
    parser.setLanguage(language);
    // Native trees and cursors are freed by the garbage collector: the extractor's delete() calls are no-ops there.
    const probe = parser.parse('x\n');
    const cursorPrototype = Object.getPrototypeOf(probe.rootNode.walk()) as Record<string, unknown>;
    if (typeof cursorPrototype.delete !== 'function') cursorPrototype.delete = (): void => {};
    const treePrototype = Object.getPrototypeOf(probe) as Record<string, unknown>;
    if (typeof treePrototype.delete !== 'function') treePrototype.delete = (): void => {};
    loaded = { parse: (text) => parser.parse(text) as unknown as SyntaxTree };
  } catch (error) {
    loaded = { unavailable: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) };
  }
  return loaded;
}
