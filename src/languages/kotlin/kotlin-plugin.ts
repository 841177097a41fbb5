/** Kotlin: symbols only, from the tags query in this folder (tags-query.ts; docs/outline-languages.md). */
import { createOutlinePlugin } from '../outline/outline-plugin.js';
import { KOTLIN_TAGS } from './tags-query.js';

export const kotlinPlugin = createOutlinePlugin({
  id: 'kotlin',
  extensions: ['.kt', '.kts'],
  analyzerVersion: 'kotlin-outline-1',
  grammar: { pkg: '@tree-sitter-grammars/tree-sitter-kotlin', wasm: 'tree-sitter-kotlin.wasm' },
  tags: { text: KOTLIN_TAGS },
  kindByNode: { type_alias: 'type' },
  // Gradle's layout puts tests under src/test (and src/androidTest); test classes are named `*Test.kt`.
  isTestPath: (path) => /(^|\/)src\/(test|androidTest)\/|Tests?\.kt$/.test(path),
});
