/** C: symbols only, from tree-sitter-c's own tags query (docs/outline-languages.md). */
import { createOutlinePlugin } from '../outline/outline-plugin.js';
import { functionDefinitionOf } from './function-definition.js';

export const cPlugin = createOutlinePlugin({
  id: 'c',
  extensions: ['.c', '.h'],
  analyzerVersion: 'c-outline-1',
  grammar: { pkg: 'tree-sitter-c', wasm: 'tree-sitter-c.wasm' },
  tags: { pkg: 'tree-sitter-c', file: 'queries/tags.scm' },
  kindByNode: { enum_specifier: 'enum', type_definition: 'type' },
  // tree-sitter-c's tags name no call: direct calls by name and calls through a struct member are added here.
  tagsExtra: `
(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
`,
  definitionNode: functionDefinitionOf,
  isTestPath: (path) => /(^|\/)tests?\/|(^|\/)test_[^/]*\.c$|_test\.c$/.test(path),
});
