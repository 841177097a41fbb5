/** Ruby: symbols only, from tree-sitter-ruby's own tags query (docs/outline-languages.md). */
import { createOutlinePlugin } from '../outline/outline-plugin.js';

export const rubyPlugin = createOutlinePlugin({
  id: 'ruby',
  extensions: ['.rb', '.rake'],
  analyzerVersion: 'ruby-outline-1',
  grammar: { pkg: 'tree-sitter-ruby', wasm: 'tree-sitter-ruby.wasm' },
  tags: { pkg: 'tree-sitter-ruby', file: 'queries/tags.scm' },
  // The query names every bare identifier and constant a call unless it is a local; a constant is a reference to a
  // class or module (`Foo.new` calls `new`), not a call.
  isCall: (name) => name.type !== 'constant',
  isTestPath: (path) => /(^|\/)(spec|test)\/|_spec\.rb$|_test\.rb$/.test(path),
});
