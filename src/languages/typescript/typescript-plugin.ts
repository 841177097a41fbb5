/** The TypeScript/JavaScript language plug-in: TypeScript's own parser, one pass per file, no I/O. */
import type { FileFacts } from '../../core/facts.js';
import type { LanguagePlugin, ModuleResolver, ModuleResolverContext } from '../plugin.js';
import { extractFacts } from './extract-facts.js';
import { createTsModuleResolver } from './module-resolver.js';

const CONFIG_FILE = /(^|\/)(tsconfig[^/]*\.json|jsconfig\.json|package\.json)$/;

export const typescriptPlugin: LanguagePlugin = {
  id: 'typescript',
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
  analyzerVersion: 'ts-2',
  analyze(path: string, text: string): FileFacts {
    return extractFacts(path, text);
  },
  isConfigFile(path: string): boolean {
    return CONFIG_FILE.test(path);
  },
  createModuleResolver(context: ModuleResolverContext): ModuleResolver {
    return createTsModuleResolver(context);
  },
};
