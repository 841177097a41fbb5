/**
 * The Go answers to the repo-wide resolver's language questions (see ResolutionRules). A package's files share one
 * scope (ModuleResolver.moduleOf, FileFacts.packageScope), so a same-package name resolves like a declaration of the
 * file; an imported package is a module whose exported (capitalised) names are its members. Types reach the resolver
 * as TypeRefs the extractor builds (goTypeName). Left to the neutral defaults: valuePath, importedSubmodule,
 * packageSubmodule.
 */
import type { ResolutionRules } from '../plugin.js';
import { GO_BUILTINS } from './conventions.js';

export const goResolutionRules: Partial<ResolutionRules> = {
  // `len`, `append`, `make`…, and conversions to predeclared types (`int(x)`, `string(b)`).
  builtins: GO_BUILTINS,
  // `go test` provides no globals: `t.Run`, `t.Errorf` go through the `testing` package's types.
  testGlobals: new Set(),
  // Go has no constructors: `NewServer()` is an ordinary function, `Server{}` a composite literal.
  constructorName: null,
  // A package is never a value.
  moduleValueExport: null,
  // Go has no re-exports.
  wildcardExports: () => false,
  // A type implements an interface by its method set: calls through an interface also reach the implementations.
  structuralInterfaces: true,
};
