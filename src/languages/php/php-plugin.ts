/** PHP: symbols only, from tree-sitter-php's own tags query (docs/outline-languages.md). */
import { createOutlinePlugin } from '../outline/outline-plugin.js';

export const phpPlugin = createOutlinePlugin({
  id: 'php',
  extensions: ['.php'],
  analyzerVersion: 'php-outline-1',
  grammar: { pkg: 'tree-sitter-php', wasm: 'tree-sitter-php.wasm' },
  tags: { pkg: 'tree-sitter-php', file: 'queries/tags.scm' },
  // tree-sitter-php's tags name namespaced calls (`Ns\f()`) but not a call to an unqualified name (`f()`): added here.
  tagsExtra: '(function_call_expression function: (name) @name) @reference.call',
  kindByNode: { trait_declaration: 'interface' },
  isTestPath: (path) => /(^|\/)tests?\/|Test\.php$/.test(path),
});
