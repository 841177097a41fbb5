/**
 * The skeleton a new language starts from (see README.md): copy this folder to src/languages/<id>/, rename the
 * plug-in, and fill it in. Not registered: nothing analyses `.template-language` files.
 */
import type { FileFacts } from '../../core/facts.js';
import { MODULE_QUALIFIED_NAME } from '../../core/facts.js';
import { makeLocalId } from '../../core/ids.js';
import type { LanguagePlugin, ModuleResolution, ModuleResolverContext } from '../plugin.js';

/** One line per `\n`, as every plug-in counts lines. */
function lastLineOf(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Test code by path in this language (the plug-in's one test-file rule). */
function isTestPath(path: string): boolean {
  return /(^|\/)tests?\//.test(path);
}

export const templatePlugin: LanguagePlugin = {
  // The id is also the folder name and FileFacts.language.
  id: '_template',
  extensions: ['.template-language'],
  // Bump whenever the facts for the same bytes could change (it keys the facts cache).
  analyzerVersion: 'template-1',

  /** Parse here (no I/O, never throw): symbols, imports, exports, call sites with their bindings, tests. */
  analyze(path: string, text: string): FileFacts {
    return {
      path,
      language: '_template',
      symbols: [
        {
          localId: makeLocalId(MODULE_QUALIFIED_NAME, 'module'),
          name: MODULE_QUALIFIED_NAME,
          qualifiedName: MODULE_QUALIFIED_NAME,
          kind: 'module',
          startLine: 1,
          endLine: lastLineOf(text),
          signature: '',
          returnType: null,
          exported: false,
          doc: null,
          parent: null,
        },
      ],
      imports: [],
      exports: [],
      callSites: [],
      isTestFile: isTestPath(path),
      testFramework: null,
      diagnostics: [],
    };
  },

  /** The files module resolution reads (project manifests, import roots); the indexer passes exactly these. */
  isConfigFile: () => false,

  /**
   * Import specifier → repo file, package (the files that together form one module: `{ kind: 'package', paths }`),
   * external package or unresolved-with-reason, from the file list and configs. A language whose files share their
   * package's scope (Go) also gives `moduleOf(path)`.
   */
  createModuleResolver(_context: ModuleResolverContext) {
    return {
      resolve(_fromPath: string, specifier: string): ModuleResolution {
        return { kind: 'external', pkg: specifier };
      },
    };
  },

  isTestPath,

  // What the resolver asks the language; anything left out is NEUTRAL_RULES (src/languages/plugin.ts).
  resolution: {
    builtins: new Set<string>(),
    testGlobals: new Set<string>(),
  },

  // confidence: leave out until `codehub eval` has measured this language (the seed tiers apply meanwhile).
  // testCommands: { inputs(testFile) { … }, command({ testFile, testName, framework, files }) { … } },
};
