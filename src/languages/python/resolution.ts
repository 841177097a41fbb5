/**
 * The Python answers to the repo-wide resolver's language questions (see ResolutionRules). Left to the neutral
 * default: valuePath (a dotted receiver `pkg.mod.obj` is a path of names as written). Types reach the resolver as
 * TypeRefs the extractor builds from annotations.
 */
import type { ResolutionRules } from '../plugin.js';
import { PYTEST_BUILTIN_FIXTURES, PYTHON_BUILTINS, pythonSubmoduleSpecifier } from './conventions.js';

/** `pkg/__init__.py` (or its `.pyi` stub): a package, whose attributes may be its submodules. */
const PACKAGE_INIT = /(^|\/)__init__\.pyi?$/;

export const pythonResolutionRules: Partial<ResolutionRules> = {
  builtins: PYTHON_BUILTINS,
  // pytest's own fixtures, requested by parameter name: calls through them are `external:pytest`.
  testGlobals: PYTEST_BUILTIN_FIXTURES,
  // `super().__init__()` is an ordinary member call: it is looked up through the bases in MRO order like any other
  // method (a base without `__init__` passes the call on to its own bases, as CPython does), so no name is special.
  constructorName: null,
  // A module is never a value: calling one, or a member it does not define, names nothing.
  moduleValueExport: null,
  // `from m import *` binds m's public names (those not starting with `_`).
  wildcardExports: (name) => !name.startsWith('_'),
  // `from pkg import mod`: when pkg defines no `mod`, it is the submodule pkg.mod (also in a namespace package).
  importedSubmodule: pythonSubmoduleSpecifier,
  // `pkg.mod` after `import pkg`: a package's `__init__` exposes its submodules as attributes.
  packageSubmodule: (modulePath, name) =>
    PACKAGE_INIT.test(modulePath) ? pythonSubmoduleSpecifier('.', name) : null,
};
