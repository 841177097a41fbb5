/** The Python language plug-in: tree-sitter (web-tree-sitter + the tree-sitter-python grammar), no I/O once loaded. */
import type { FileFacts } from '../../core/facts.js';
import type { LanguagePlugin, ModuleResolver, ModuleResolverContext } from '../plugin.js';
import { MEASURED } from './confidence.js';
import { isPythonTestPath } from './conventions.js';
import { extractPythonFacts } from './extract-facts.js';
import { createPythonModuleResolver, isPythonConfigFile } from './module-resolver.js';
import { initPythonParser } from './parser.js';
import { pythonResolutionRules } from './resolution.js';
import { pythonTestCommands } from './test-command.js';

export const pythonPlugin: LanguagePlugin = {
  id: 'python',
  extensions: ['.py', '.pyi'],
  analyzerVersion: 'py-4',
  init(): Promise<void> {
    return initPythonParser();
  },
  analyze(path: string, text: string): FileFacts {
    return extractPythonFacts(path, text);
  },
  isConfigFile(path: string): boolean {
    return isPythonConfigFile(path);
  },
  createModuleResolver(context: ModuleResolverContext): ModuleResolver {
    return createPythonModuleResolver(context);
  },
  isTestPath: isPythonTestPath,
  resolution: pythonResolutionRules,
  // Measured against pyright on the tuned corpora (confidence.ts); reasons not measured score at the seed tiers.
  confidence: MEASURED,
  testCommands: pythonTestCommands,
};
