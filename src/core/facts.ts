/**
 * Per-file facts: what a language plug-in extracts from one file's bytes and path, with no I/O.
 * They depend only on (path, bytes, analyzer version), so they are cached by blob sha256.
 * Repo-wide resolution (src/analysis) turns them into edges.
 */

/** Kinds of symbols. Lowercase in data; pages show them capitalised ("Method"). */
export const SYMBOL_KINDS = [
  'module', // one per file: owns top-level calls
  'function',
  'class',
  'method',
  'constructor',
  'getter',
  'setter',
  'property',
  'interface',
  'type',
  'enum',
  'namespace',
  'variable',
  'test',
] as const;

export type SymbolKind = (typeof SYMBOL_KINDS)[number];

/** Qualified name of the per-file module symbol. */
export const MODULE_QUALIFIED_NAME = '<module>';

/**
 * A reference to a type, as far as one file can tell, built by the extractor from its syntax tree (the resolver never
 * reads type text). The resolver binds `name` through the file's declarations and imports (and, for a module made of
 * several files, its sibling files); `call-return` means "the declared return type of this callee".
 *
 * A `name` is what member lookup needs: the type whose members a value of it has, with what the language wraps it in
 * already removed by the extractor, which knows its language's wrappers: type arguments (`Repo<T>` → `Repo`), a
 * return type's `Promise<X>` (awaited or chained, calls on it are read as calls on X), nullability (`X | null`,
 * `X | undefined`, `Optional[X]`, `X | None` → X), quoting (Python's `"X"`). A union of several types names its first
 * member (TypeScript) or nothing (Python); arrays name the language's array type (`Array`) or nothing; a type the
 * extractor cannot name is no TypeRef at all (null).
 */
export type TypeRef =
  | { kind: 'name'; name: string } // `FlowRegistry`, `ns.Foo`, `pkg.mod.Foo` (qualified as written)
  /**
   * `createLogger` in `const log = createLogger()`. With `search`, the callee is not in the file's scope but defined by
   * the first of these modules that defines it (a pytest fixture from a `conftest.py`, as Binding `import-search`).
   */
  | {
      kind: 'call-return';
      callee: string;
      search?: string[];
      /** Type arguments written at the call (`create<Store>()`), bound to the callee's typeParameters in order. */
      typeArgs?: Array<TypeRef | null>;
      /**
       * Without typeArgs: the types of the call's arguments, in order, as far as the file tells (null where it does
       * not). A type parameter the callee declares a parameter as (`useThing<T>(x: T): T`) is bound to its argument's.
       */
      argTypes?: Array<TypeRef | null>;
    }
  /** The type of member `name` (a typed field, or a method's declared return) of the type `of`: `self.repo.db`. */
  | { kind: 'member'; of: TypeRef; name: string }
  /**
   * What calling method `name` on a value of type `of` returns, by the method's declared return type:
   * `self.stream.look()`, and `x` in Python's `with E as x` (`E.__enter__()`).
   */
  | { kind: 'method-return'; of: TypeRef; name: string }
  /**
   * Untyped parameter `param` of a callback passed as argument `arg` to `callee`: `operate((src, sub) => …)`. With
   * `of`, `callee` is a method of the type `of`: `store.subscribe((state) => …)` with `store` typed.
   */
  | {
      kind: 'callback-param';
      callee: string;
      arg: number;
      param: number;
      of?: TypeRef;
      /** As for `call-return`: `use<Api>((api) => …)` types `api` when the callee declares it of type parameter T. */
      typeArgs?: Array<TypeRef | null>;
    }
  /**
   * A function type, as a parameter declares it: `(source: Observable<T>, sub: Subscriber<R>) => void`,
   * `Callable[[Source, Sub], None]`. Its parameters' types (null where not written or not nameable), in order, and
   * its return type. Nothing has members through it; `callback-param` reads its `params`.
   */
  | { kind: 'function'; params: Array<TypeRef | null>; returns: TypeRef | null };

/** One declared parameter of a callable, in the order a caller passes arguments. */
export interface ParameterFact {
  /** As written, without `...`/`*` (`args` for `...args` and `*args`). */
  name: string;
  /** The declared type, when one is written and the extractor can name it (a `function` ref for a callback). */
  type: TypeRef | null;
  /** `...rest`, `*args`, `**kw`: takes the remaining arguments. */
  rest?: boolean;
  /** A caller may leave it out (`b?: T`, `b = 1`), when the plug-in tells. */
  optional?: boolean;
}

export interface SymbolFact {
  /** Unique within the file: `${qualifiedName}:${kind}` plus `~N` (N ≥ 2) for the N-th duplicate. */
  localId: string;
  name: string;
  /** `Class.method`, `outer.inner`, `Suite > inner suite > title` for tests, `<module>` for the module. */
  qualifiedName: string;
  kind: SymbolKind;
  /** 1-based, first and last line of the declaration (for the module: 1 and the file's last line). */
  startLine: number;
  endLine: number;
  /** Parameter list text as written, e.g. `(a: string, b?: number)`; '' when not callable. For display only. */
  signature: string;
  /**
   * Callables: the parameters a caller passes (a Python method's `self`/`cls` left out: argument 0 of `obj.m(x)` is
   * parameters[0]), with their declared types. Absent when not callable or not extracted.
   */
  parameters?: ParameterFact[];
  /** Generic callables: the names of their type parameters (`T` of `function create<T>()`), in order. */
  typeParameters?: string[];
  /** Declared return type text as written, or null when none is written. For display only. */
  returnType: string | null;
  /** The declared return type as the resolver follows it (see TypeRef), or null when none is written or nameable. */
  returnTypeRef?: TypeRef | null;
  exported: boolean;
  /** First sentence of the JSDoc, or null. */
  doc: string | null;
  /** localId of the containing symbol (class for a method, function for a nested function), null at top level. */
  parent: string | null;
  /**
   * Classes and interfaces: the types named in `extends` / `implements` clauses (base classes), as type names the
   * extractor has already reduced (`Repo<T>` → `Repo`, `pkg.Base`): the resolver binds them like a TypeRef `name`.
   */
  extends?: string[];
  implements?: string[];
  /**
   * Properties and variables: the value's type when the file tells it (annotation, `new X()` initialiser,
   * constructor assignment `this.x = new X()`, constructor parameter property, call to a function). Functions
   * with no declared return type: the type of what they return, when the file tells it (a pytest fixture's value).
   */
  valueType?: TypeRef | null;
  /** Methods and properties: declared `static`. */
  isStatic?: boolean;
  /**
   * Methods of a class declared without a body for subclasses to implement (Java `abstract`): a call of one may run
   * any subclass's override (drawn as the `interface-impl` tier, like an interface member's implementations).
   */
  isAbstract?: boolean;
  /**
   * A method declared apart from its type (Go's `func (c *Circle) Area()`, possibly in another file of the package):
   * the name of the type it is a member of, bound like a TypeRef `name` in this file's scope. The method is top-level
   * here (`parent` null, qualified name `Circle.Area`); the resolver finds it as a member of that type.
   */
  memberOf?: string;
  /** Decorators written on the declaration, as source text without the `@` (Python `staticmethod`, `app.route("/")`). */
  decorators?: string[];
}

/** How an identifier is bound at a call site, as far as one file can tell. */
export type Binding =
  | { kind: 'local-symbol'; localId: string } // declared in this file (function, class, const arrow…)
  | { kind: 'import'; localName: string } // bound by an import/require in this file: see FileFacts.imports
  | { kind: 'local-value'; valueType: TypeRef | null } // a parameter or local variable; its type if known
  | { kind: 'global'; name: string } // declared nowhere in the file: a builtin or global
  /**
   * Defined by whichever of these modules (specifiers, searched in order) defines the name: Python star imports
   * (`from m import *`, the last one first) and pytest fixtures from `conftest.py` files up the tree (nearest first).
   */
  | { kind: 'import-search'; specifiers: string[] };

/** The receiver of a member call `recv.name()`. */
export type Receiver =
  | { kind: 'this'; classLocalId: string | null } // this.m()
  | { kind: 'super'; classLocalId: string | null } // super.m()
  | { kind: 'this-field'; classLocalId: string | null; field: string } // this.flows.register()
  | { kind: 'identifier'; name: string; binding: Binding } // logger.debug(), service.start(), Foo.create()
  | { kind: 'typed'; valueType: TypeRef } // (new A()).m(), or an expression whose type the file tells
  | { kind: 'expression'; text: string }; // anything else: a call result, an element access…

export type CallTarget =
  | { kind: 'identifier'; name: string; binding: Binding } // foo()
  | { kind: 'member'; name: string; receiver: Receiver } // x.foo()
  | { kind: 'dynamic'; reason: string }; // f()(), a[b](), (cond ? f : g)()

export interface CallSiteFact {
  /** localId of the nearest named enclosing symbol (inline callbacks and IIFEs count for it), or the module. */
  caller: string;
  /** 1-based line of the call expression's start. */
  line: number;
  kind: 'call' | 'new';
  /** The callee expression's text (`this.flows.register`), at most 200 characters. */
  text: string;
  target: CallTarget;
  /**
   * A call the test framework makes that no line writes (pytest running the `autouse` fixtures of `conftest.py`
   * files up the tree): kept when it resolves, dropped (not counted as unresolved) when it finds nothing.
   */
  implicit?: boolean;
  /**
   * The static types of the arguments as far as the file tells them, one entry per argument (null where unknown),
   * when the plug-in reads them: with ResolutionRules.chooseOverload they pick among same-named overloads.
   */
  args?: Array<string | null>;
}

export interface ImportFact {
  /** The local binding: `a` in `import { x as a }`, `ns` in `import * as ns`, `m` in `const m = require('m')`. */
  localName: string;
  /** `default`, `*` for namespace/whole-module (`require`), or the imported export name. */
  imported: string;
  /** The module specifier as written. */
  specifier: string;
  line: number;
  typeOnly: boolean;
  /** `static`: a language's ordinary import statement (Python `import` / `from … import`). */
  kind: 'esm' | 'require' | 'dynamic' | 'static';
}

export interface ExportFact {
  /** The exported name (`default` for default exports, `*` for `export * from`). */
  exported: string;
  /** For local exports: the local declaration's name (`export { a as b }` → 'a'); absent for re-exports. */
  local?: string;
  /** For re-exports: the module specifier. */
  from?: string;
  /** For re-exports: the name imported from `from` ('*' for `export *` and `export * as ns`). */
  imported?: string;
  line: number;
}

export interface Diagnostic {
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface FileFacts {
  path: string;
  /** The id of the plug-in that analysed the file: the resolver asks that plug-in's rules and confidences. */
  language: string;
  /** Includes the module symbol (qualifiedName `<module>`) and test cases (kind `test`). */
  symbols: SymbolFact[];
  imports: ImportFact[];
  exports: ExportFact[];
  callSites: CallSiteFact[];
  /** True when the file is a test file (by the plug-in's isTestPath, or because it imports a test framework). */
  isTestFile: boolean;
  /**
   * The test framework the file uses, as its plug-in names it (`vitest`, `jest`, `mocha`, `node:test`, `bun:test`,
   * `ava`, `playwright`; `pytest`, `unittest`), if known. The plug-in's testCommands reads it.
   */
  testFramework: string | null;
  diagnostics: Diagnostic[];
  /**
   * The package the file declares, for a module of several files (ModuleResolver.moduleOf; Go: the directory plus
   * the package clause). Files of one such module share a top-level scope only when their packageScope agrees (Go's
   * external test package `foo_test` sits beside `foo`), and a type's methods may be declared in any of them: a
   * method whose type is in another file has no parent and is found by its `Type.method` qualified name.
   */
  packageScope?: string;
  /**
   * The condition under which the file is compiled, as written (Go's `//go:build purego`, a `_windows.go` name), when
   * the plug-in found it false for the default build (the usual platform, no custom tags). Such a file is still
   * analysed, but its declarations are looked up after those of the files that are built: the same name is often
   * declared once per build variant.
   */
  notInDefaultBuild?: string;
  /**
   * The names a wildcard import of this module binds when the module lists them itself (Python `__all__`); absent:
   * every export that the language's ResolutionRules.wildcardExports accepts.
   */
  wildcardNames?: string[];
  /** Set when the file was not analysed (too large, minified…): the facts are then only the module symbol. */
  skipped?: string;
}
