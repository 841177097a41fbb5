/** Rust: symbols only, from tree-sitter-rust's own tags query (docs/outline-languages.md). */
import { createOutlinePlugin } from '../outline/outline-plugin.js';
import { MEASURED } from './confidence.js';

export const rustPlugin = createOutlinePlugin({
  id: 'rust',
  extensions: ['.rs'],
  analyzerVersion: 'rust-outline-1',
  grammar: { pkg: 'tree-sitter-rust', wasm: 'tree-sitter-rust.wasm' },
  tags: { pkg: 'tree-sitter-rust', file: 'queries/tags.scm' },
  kindByNode: { enum_item: 'enum', type_item: 'type' },
  // `impl Foo { fn bar() }` and `impl Display for Foo { fn fmt() }` name their methods `Foo.bar`, `Foo.fmt`.
  namingContainers: { impl_item: { field: 'type', holds: 'methods' } },
  // Integration tests live in `tests/`; unit tests sit in the same file (`#[cfg(test)] mod tests`).
  isTestPath: (path) => /(^|\/)tests\//.test(path),
  confidence: MEASURED,
});
