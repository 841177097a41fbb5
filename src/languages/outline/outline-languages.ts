/**
 * The languages that get symbols only (depth `symbols`), each from its folder, and those that cannot yet, each with
 * the reason shown in the coverage panel instead of `no-language-plugin`. Adding a tags-query language is a folder
 * with one createOutlinePlugin call and a line here.
 */
import type { LanguagePlugin } from '../plugin.js';
import { cPlugin } from '../c/c-plugin.js';
import { cppPlugin } from '../cpp/cpp-plugin.js';
import { csharpPlugin } from '../csharp/csharp-plugin.js';
import { kotlinPlugin } from '../kotlin/kotlin-plugin.js';
import { phpPlugin } from '../php/php-plugin.js';
import { rubyPlugin } from '../ruby/ruby-plugin.js';
import { rustPlugin } from '../rust/rust-plugin.js';

export const OUTLINE_PLUGINS: readonly LanguagePlugin[] = [
  rustPlugin,
  cPlugin,
  cppPlugin,
  csharpPlugin,
  rubyPlugin,
  phpPlugin,
  kotlinPlugin,
];

/** Languages with no grammar that loads here: their files are skipped with this reason (docs/outline-languages.md). */
export const UNSUPPORTED_LANGUAGES: ReadonlyArray<{
  id: string;
  extensions: readonly string[];
  reason: string;
}> = [
  {
    id: 'swift',
    extensions: ['.swift'],
    reason: 'no-grammar: swift (no npm package ships a Swift .wasm that loads in web-tree-sitter 0.27)',
  },
];
