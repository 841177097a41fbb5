/** The Java language plug-in: tree-sitter (web-tree-sitter + the tree-sitter-java grammar), no I/O once loaded. */
import type { FileFacts } from '../../core/facts.js';
import type { LanguagePlugin, ModuleResolver, ModuleResolverContext } from '../plugin.js';
import { MEASURED } from './confidence.js';
import { isJavaTestPath } from './conventions.js';
import { extractJavaFacts } from './extract-facts.js';
import { createJavaModuleResolver, isJavaConfigFile } from './module-resolver.js';
import { initJavaParser } from './parser.js';
import { javaResolutionRules } from './resolution.js';
import { javaTestCommands } from './test-command.js';

export const javaPlugin: LanguagePlugin = {
  id: 'java',
  extensions: ['.java'],
  analyzerVersion: 'java-2',
  init(): Promise<void> {
    return initJavaParser();
  },
  analyze(path: string, text: string): FileFacts {
    return extractJavaFacts(path, text);
  },
  isConfigFile: isJavaConfigFile,
  createModuleResolver(context: ModuleResolverContext): ModuleResolver {
    return createJavaModuleResolver(context);
  },
  isTestPath: isJavaTestPath,
  resolution: javaResolutionRules,
  confidence: MEASURED,
  testCommands: javaTestCommands,
};
