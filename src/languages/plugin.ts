/**
 * The language plug-in contract. A plug-in turns one file's bytes + path into FileFacts with no I/O,
 * and supplies module-resolution hooks built from the repo's file list and config files.
 * Adding a language is copying a folder under src/languages/ and registering it in registry.ts.
 */
import type { FileFacts } from '../core/facts.js';

export type ModuleResolution =
  | { kind: 'file'; path: string }
  | { kind: 'external'; pkg: string }
  | { kind: 'unresolved'; reason: string };

export interface ModuleResolver {
  /** Resolves an import specifier written in `fromPath` to a repo file, an external package, or nothing. */
  resolve(fromPath: string, specifier: string): ModuleResolution;
}

export interface ModuleResolverContext {
  /** Every path of the snapshot (repo-relative, `/`-separated). */
  files: ReadonlySet<string>;
  /** Text of each config file the plug-in asked for (see isConfigFile), by repo-relative path. */
  configs: ReadonlyMap<string, string>;
}

export interface LanguagePlugin {
  /** Stable id, e.g. `typescript`. */
  id: string;
  /** File extensions this plug-in analyses, with the dot. */
  extensions: readonly string[];
  /** Bumped whenever the facts for the same bytes could change; part of the facts cache key. */
  analyzerVersion: string;
  /**
   * Loads what analysis needs (a parser, a grammar) before the first analyze(); awaited once per process or thread by
   * whoever analyses (the indexer, each analysis worker). Plug-ins that need nothing omit it.
   */
  init?(): Promise<void>;
  /** Extracts the facts of one file. Never throws: bad input yields partial facts plus diagnostics. */
  analyze(path: string, text: string): FileFacts;
  /** True for config files the module resolver needs (tsconfig.json, package.json…). */
  isConfigFile(path: string): boolean;
  createModuleResolver(context: ModuleResolverContext): ModuleResolver;
}
