/** The TypeScript/JavaScript answers to the repo-wide resolver's language questions (see ResolutionRules). */
import type { ResolutionRules } from '../plugin.js';
import { BUILTIN_GLOBALS, TEST_GLOBALS } from './conventions.js';
import { valuePathOf } from './type-text.js';

export const tsResolutionRules: ResolutionRules = {
  builtins: BUILTIN_GLOBALS,
  testGlobals: TEST_GLOBALS,
  // `super(…)` is recorded as a call of member `constructor` through `super`.
  constructorName: 'constructor',
  // A whole-module binding (`import * as m`, `const m = require('m')`) called or missing a named export is the
  // module's default export, which is also what CommonJS `module.exports = …` is recorded as.
  moduleValueExport: 'default',
  // ES modules: `export *` forwards every export but the default.
  wildcardExports: (name) => name !== 'default',
  // A module is a file: a missing export never stands for another module.
  importedSubmodule: () => null,
  packageSubmodule: () => null,
  valuePath: valuePathOf,
};
