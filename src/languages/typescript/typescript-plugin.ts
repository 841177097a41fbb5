/** The TypeScript/JavaScript language plug-in: TypeScript's own parser, one pass per file, no I/O. */
import { createRequire } from 'node:module';
import type { FileFacts } from '../../core/facts.js';
import type { LanguagePlugin, ModuleResolver, ModuleResolverContext } from '../plugin.js';
import { MEASURED } from './confidence.js';
import { isTestPath, isTsConfigFile } from './conventions.js';
import type * as ExtractFacts from './extract-facts.js';
import type * as TsModuleResolver from './module-resolver.js';
import { tsResolutionRules } from './resolution.js';
import { jsTestCommands } from './test-command.js';

type Impl = typeof ExtractFacts & typeof TsModuleResolver;
let impl: Impl | undefined;
/**
 * The compiler is loaded on first use (synchronous require of the ES modules), so commands that never parse
 * (a no-op re-index, `repos`, `serve`) do not pay for loading TypeScript.
 */
function load(): Impl {
  if (!impl) {
    const require = createRequire(import.meta.url);
    impl = {
      ...(require('./extract-facts.js') as typeof ExtractFacts),
      ...(require('./module-resolver.js') as typeof TsModuleResolver),
    };
  }
  return impl;
}

export const typescriptPlugin: LanguagePlugin = {
  id: 'typescript',
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
  analyzerVersion: 'ts-8',
  analyze(path: string, text: string): FileFacts {
    return load().extractFacts(path, text);
  },
  isConfigFile: isTsConfigFile,
  createModuleResolver(context: ModuleResolverContext): ModuleResolver {
    return load().createTsModuleResolver(context);
  },
  isTestPath,
  resolution: tsResolutionRules,
  confidence: MEASURED,
  testCommands: jsTestCommands,
};
