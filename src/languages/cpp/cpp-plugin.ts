/** C++: symbols only, from tree-sitter-cpp's own tags query (docs/outline-languages.md). */
import { functionDefinitionOf } from '../c/function-definition.js';
import { createOutlinePlugin } from '../outline/outline-plugin.js';

export const cppPlugin = createOutlinePlugin({
  id: 'cpp',
  extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++'],
  analyzerVersion: 'cpp-outline-1',
  grammar: { pkg: 'tree-sitter-cpp', wasm: 'tree-sitter-cpp.wasm' },
  tags: { pkg: 'tree-sitter-cpp', file: 'queries/tags.scm' },
  kindByNode: { enum_specifier: 'enum', type_definition: 'type' },
  // tree-sitter-cpp's tags name no call: calls by name, through a member and through a qualified name are added here.
  tagsExtra: `
(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
`,
  definitionNode: functionDefinitionOf,
  // The tags name no namespace; `namespace geo { class Shape }` still gives `geo.Shape`.
  namingContainers: { namespace_definition: { field: 'name', holds: 'functions' } },
  isTestPath: (path) => /(^|\/)tests?\/|_test\.(cc|cpp|cxx)$|_unittest\.(cc|cpp)$/.test(path),
});
