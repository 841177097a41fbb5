/** The Go language plug-in: tree-sitter (web-tree-sitter + the tree-sitter-go grammar), no I/O once loaded. */
import type { FileFacts } from '../../core/facts.js';
import type { LanguagePlugin, ModuleResolver, ModuleResolverContext } from '../plugin.js';
import { MEASURED } from './confidence.js';
import { isGoTestPath } from './conventions.js';
import { extractGoFacts } from './extract-facts.js';
import { createGoModuleResolver, isGoConfigFile } from './module-resolver.js';
import { initGoParser } from './parser.js';
import { goResolutionRules } from './resolution.js';
import { goTestCommands } from './test-command.js';

export const goPlugin: LanguagePlugin = {
  id: 'go',
  extensions: ['.go'],
  analyzerVersion: 'go-3',
  init(): Promise<void> {
    return initGoParser();
  },
  analyze(path: string, text: string): FileFacts {
    return extractGoFacts(path, text);
  },
  isConfigFile(path: string): boolean {
    return isGoConfigFile(path);
  },
  createModuleResolver(context: ModuleResolverContext): ModuleResolver {
    return createGoModuleResolver(context);
  },
  isTestPath: isGoTestPath,
  resolution: goResolutionRules,
  confidence: MEASURED,
  testCommands: goTestCommands,
};
