/**
 * The language plug-in contract. Everything a language knows lives in its folder (src/languages/<id>/) and reaches
 * the rest of codehub only through this interface: a plug-in turns one file's bytes + path into FileFacts with no
 * I/O, supplies module resolution built from the repo's file list and config files, and answers the questions the
 * language-neutral stages ask (which paths are tests, which names are builtins, how sure each resolution reason is,
 * how to run one test). Types reach the resolver as structures (TypeRef), never as text; a module is a file or a
 * package of files (ModuleResolution). Every hook after `createModuleResolver` is optional: a new language starts
 * from the neutral defaults below (see src/languages/_template/) and fills them in as it grows.
 * Adding a language is adding its folder, one line in registry.ts and its conformance cases (conformance.ts).
 */
import type { ConfidenceTable } from '../core/confidence.js';
import type { FileFacts, SymbolFact } from '../core/facts.js';

/**
 * What a module specifier names. A module is one file (TypeScript, Python: `file`), or a set of files that together
 * form one module (`package`: a Go package is every `.go` file of its directory; a Java package is its directory's
 * classes). A Java qualified name maps to a `file` (`com.acme.Cart` → its `Cart.java`) or a `package` (`com.acme`).
 * The resolver looks an imported name up in every file of a package (their exports and exported declarations).
 */
export type ModuleResolution =
  | { kind: 'file'; path: string }
  | { kind: 'package'; paths: string[] }
  | { kind: 'external'; pkg: string }
  | { kind: 'unresolved'; reason: string };

export interface ModuleResolver {
  /** Resolves an import specifier written in `fromPath` to a repo file or package, an external package, or nothing. */
  resolve(fromPath: string, specifier: string): ModuleResolution;
  /**
   * The module `path` is one file of, when that module has more files than this one (a Go package): its files'
   * top-level declarations, exported or not, are in scope in each of them without an import. Omitted, or null for a
   * path, when every file is a module of its own.
   */
  moduleOf?(path: string): { kind: 'package'; paths: string[] } | null;
  /**
   * The file that declares the types of `path`'s definitions, when another file does (a `.pyi` stub beside its
   * `.py`, a `.d.ts` beside its `.js`), else null. Where a definition declares no type of its own, the resolver reads
   * the type its twin in that file (same qualified name) declares; edges still link to the definition.
   */
  declarationsOf?(path: string): string | null;
}

export interface ModuleResolverContext {
  /** Every path of the snapshot (repo-relative, `/`-separated). */
  files: ReadonlySet<string>;
  /** Text of each config file the plug-in asked for (see isConfigFile), by repo-relative path. */
  configs: ReadonlyMap<string, string>;
}

/**
 * What the repo-wide resolver (src/analysis/resolve-repo.ts) asks a language. The resolver's core is neutral: it
 * follows imports, exports, declarations, receivers and class hierarchies as FileFacts describe them, and asks
 * these rules wherever a language decides.
 */
export interface ResolutionRules {
  /**
   * Names a file may use without declaring or importing them that the language or its runtime provides
   * (`console`, `Map`; `len`, `print`): calls through them, or on them, stay unresolved as `builtin`.
   */
  builtins: ReadonlySet<string>;
  /**
   * Globals test frameworks provide inside test files (`describe`, `it`, `expect`): calls to them stay unresolved
   * as `external:<the file's testFramework, else test-runner>`.
   */
  testGlobals: ReadonlySet<string>;
  /**
   * The member name that calls a base class's constructor through `super` (`super(…)` is written against
   * `constructor`; Python's `super().__init__()`), or null. Calling a class itself always links to its member of
   * kind `constructor` when it declares one, else to the class.
   */
  constructorName: string | null;
  /**
   * The export a whole-module binding stands for when it is called (`const m = require('m'); m()`) or has no
   * export of the member's name (`m.x()` on `module.exports = { x }`): `default` for ES modules and CommonJS;
   * null when a module is never a value.
   */
  moduleValueExport: string | null;
  /** Whether a wildcard re-export (`export * from`, `from m import *`) forwards the export `name`. */
  wildcardExports(name: string): boolean;
  /**
   * Modules that contain modules (Python packages): when `import { name } from specifier` (`from pkg import mod`)
   * finds no such export, the specifier of the submodule it may name instead (`pkg.mod`); null when none can.
   */
  importedSubmodule(specifier: string, name: string): string | null;
  /**
   * When the module at `modulePath` has no export `name`, the specifier (as written in that module) of a submodule
   * the name may stand for (a Python package's `__init__.py` exposes `pkg.mod`); null when none can.
   */
  packageSubmodule(modulePath: string, name: string): string | null;
  /**
   * A member call's receiver text as a path of names the resolver follows to a definition
   * (`core.$ZodXID` → [`core`, `$ZodXID`]), or null when it is not one.
   */
  valuePath(text: string): string[] | null;
  /**
   * Languages with overloads: among same-named callables (nearest class first) the ones a call with these argument
   * types (CallSiteFact.args) may run, best first; one means chosen, several mean ambiguous (unresolved as
   * `ambiguous`), none means no candidate fits (the resolver's own pick stands). Absent: no overloads.
   */
  chooseOverload?(candidates: readonly SymbolFact[], args: ReadonlyArray<string | null>): SymbolFact[];
  /**
   * Whether a call the file binds to nothing (Binding `global`, not a builtin) is matched by name among the repo's
   * definitions of the same language: one definition of that name gives a `name-only` edge, several leave the call
   * unresolved as `ambiguous`. For languages whose plug-in does not bind names (depth `symbols`).
   */
  callsByName?: boolean;
}

/** How a language's tests are run, one at a time (the command shown next to each test of a symbol). */
export interface TestCommands {
  /**
   * Repo files whose texts decide how tests in `testFile` run (package manifests, runner configs), nearest first.
   * The query service reads those present in the snapshot and passes them to `command`.
   */
  inputs(testFile: string): string[];
  /** The shell command that runs just one test, run in `cwd` (repo-relative, '' = the root); null when unknown. */
  command(input: {
    testFile: string;
    /** The test's qualified name as its plug-in gives it, suites or classes first (`Suite > title`, `Class.test_x`). */
    testName: string;
    /** FileFacts.testFramework of the test file, when it named one. */
    framework: string | null;
    /** The texts of those `inputs(testFile)` that exist in the snapshot, in the same order. */
    files: ReadonlyArray<{ path: string; text: string }>;
  }): { cwd: string; command: string } | null;
  /**
   * One command that runs all of `testNames` (qualified names, as for `command`) of one test file, run in `cwd`;
   * `runner` names the tool (`vitest`, `pytest`…). null when unknown. Used to offer pasteable commands per file.
   */
  group?(input: {
    testFile: string;
    testNames: readonly string[];
    framework: string | null;
    files: ReadonlyArray<{ path: string; text: string }>;
  }): { runner: string; cwd: string; command: string } | null;
}

export interface LanguagePlugin {
  /** Stable id, e.g. `typescript`; also FileFacts.language and the name of the plug-in's folder. */
  id: string;
  /** File extensions this plug-in analyses, with the dot. */
  extensions: readonly string[];
  /**
   * How deep the plug-in analyses: `full` (the default) binds imports, receivers and types and passes the shared
   * behavioural cases (src/languages/conformance.ts); `symbols` gives outlines (definitions, ranges, nesting) and
   * name-only call candidates from a grammar's tags query, passes the outline cases instead
   * (src/languages/outline-conformance.ts), and the repo page says "symbols only" for its files.
   */
  depth?: 'full' | 'symbols';
  /** Bumped whenever the facts for the same bytes could change; part of the facts cache key. */
  analyzerVersion: string;
  /**
   * Loads what analysis needs (a parser, a grammar) before the first analyze(); awaited once per process or thread by
   * whoever analyses (the indexer, each analysis worker). Plug-ins that need nothing omit it.
   */
  init?(): Promise<void>;
  /** Extracts the facts of one file. Never throws: bad input yields partial facts plus diagnostics. */
  analyze(path: string, text: string): FileFacts;
  /**
   * True for config files the module resolver needs (tsconfig.json, package.json, pyproject.toml…). The indexer
   * hands the resolver exactly these files' texts: the plug-in's one rule for config selection.
   */
  isConfigFile(path: string): boolean;
  createModuleResolver(context: ModuleResolverContext): ModuleResolver;
  /**
   * Test code by path convention: the one test-file rule. `analyze` must mark such files `isTestFile`; search ranks
   * their symbols as test code; the indexer counts them as test files whose tests are unknown when they could not
   * be analysed. Default: no path is test code by its name alone.
   */
  isTestPath?(path: string): boolean;
  /** What the repo-wide resolver asks this language (any subset; the rest is NEUTRAL_RULES). */
  resolution?: Partial<ResolutionRules>;
  /**
   * Measured precision per resolved reason for this language (`codehub eval --calibrate` writes it). Reasons
   * without a measured value use the seed tiers of src/core/confidence.ts.
   */
  confidence?: ConfidenceTable;
  /** How to run one test of this language. Default: no command is offered. */
  testCommands?: TestCommands;
}

const NAME = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** The rules of a language that has said nothing: no builtins, no test globals, no module values, dotted value paths. */
export const NEUTRAL_RULES: Readonly<ResolutionRules> = {
  builtins: new Set(),
  testGlobals: new Set(),
  constructorName: null,
  moduleValueExport: null,
  wildcardExports: () => true,
  importedSubmodule: () => null,
  packageSubmodule: () => null,
  callsByName: false,
  valuePath: (text) => {
    const parts = text.split('.');
    return parts.length > 1 && parts.every((part) => NAME.test(part)) ? parts : null;
  },
};

const rulesCache = new WeakMap<LanguagePlugin, ResolutionRules>();

/** A plug-in's resolution rules with the neutral defaults filled in. */
export function rulesOf(plugin: LanguagePlugin | undefined): ResolutionRules {
  if (!plugin) return NEUTRAL_RULES;
  let rules = rulesCache.get(plugin);
  if (!rules) rulesCache.set(plugin, (rules = { ...NEUTRAL_RULES, ...plugin.resolution }));
  return rules;
}

/** The plug-in's test-file rule (false for every path when it has none). */
export function isTestPathFor(plugin: LanguagePlugin | undefined, path: string): boolean {
  return plugin?.isTestPath?.(path) ?? false;
}
