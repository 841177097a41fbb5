/**
 * Makes a LanguagePlugin of depth `symbols` from an OutlineLanguage: the grammar and its tags query load in init(),
 * analyze() runs the shared outline engine, imports are not followed, and call sites match definitions by name only.
 */
import type { FileFacts } from '../../core/facts.js';
import type { LanguagePlugin, ModuleResolver } from '../plugin.js';
import { loadGrammar, readPackageText, treeSitter } from './grammar-assets.js';
import { extractOutline, skippedOutline, type LoadedOutline } from './extract-outline.js';
import type { OutlineLanguage } from './outline-language.js';

/** Why an import of an outline language resolves to nothing: its module system is not modelled. */
export const OUTLINE_IMPORT_REASON = 'symbols-only language: imports are not followed';

/** Loads an outline language's grammar and tags query (from its npm package, or its folder's own query). */
export async function loadOutline(lang: OutlineLanguage): Promise<LoadedOutline> {
  const { Parser, Query } = await treeSitter();
  const language = await loadGrammar(lang.grammar.pkg, lang.grammar.wasm);
  const source = 'text' in lang.tags ? lang.tags.text : await readPackageText(lang.tags.pkg, lang.tags.file);
  const parser = new Parser();
  parser.setLanguage(language);
  return { parser, query: new Query(language, `${source}\n${lang.tagsExtra ?? ''}`) };
}

/** The plug-in of an outline language. */
export function createOutlinePlugin(lang: OutlineLanguage): LanguagePlugin {
  let loaded: LoadedOutline | null = null;
  let loading: Promise<void> | null = null;
  const resolver: ModuleResolver = {
    resolve: () => ({ kind: 'unresolved', reason: OUTLINE_IMPORT_REASON }),
  };
  return {
    id: lang.id,
    extensions: lang.extensions,
    analyzerVersion: lang.analyzerVersion,
    depth: 'symbols',
    init(): Promise<void> {
      loading ??= loadOutline(lang).then((l) => {
        loaded = l;
      });
      loading.catch(() => (loading = null));
      return loading;
    },
    analyze(path: string, text: string): FileFacts {
      if (!loaded)
        return skippedOutline(lang, path, text, 'the grammar is not loaded (init() was not awaited)');
      try {
        return extractOutline(lang, loaded, path, text);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return skippedOutline(lang, path, text, `outline failed: ${message}`);
      }
    },
    isConfigFile: () => false,
    createModuleResolver: () => resolver,
    ...(lang.isTestPath ? { isTestPath: lang.isTestPath } : {}),
    resolution: { callsByName: true },
    ...(lang.confidence ? { confidence: lang.confidence } : {}),
  };
}
