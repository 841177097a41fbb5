/** C#: symbols only, from tree-sitter-c-sharp's own tags query (docs/outline-languages.md). */
import { createOutlinePlugin } from '../outline/outline-plugin.js';

export const csharpPlugin = createOutlinePlugin({
  id: 'csharp',
  extensions: ['.cs'],
  analyzerVersion: 'csharp-outline-1',
  grammar: { pkg: 'tree-sitter-c-sharp', wasm: 'tree-sitter-c_sharp.wasm' },
  tags: { pkg: 'tree-sitter-c-sharp', file: 'queries/tags.scm' },
  // tree-sitter-c-sharp's tags name member calls (`x.F()`) but not calls by name (`F()`): added here.
  tagsExtra: '(invocation_expression function: (identifier) @name) @reference.call',
  // Test projects are named `*.Tests` / `*.Test` by convention, test classes `*Tests.cs`.
  isTestPath: (path) => /(^|\/)[^/]*\.Tests?\/|(^|\/)tests?\/|Tests?\.cs$/.test(path),
});
