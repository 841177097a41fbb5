/**
 * Repo-wide call resolution: turns every file's call sites into edges with a reason and a confidence.
 * Builds the module graph through the plug-in's ModuleResolver, export tables (re-exports, wildcard re-exports,
 * module values, namespaces), name tables and the class hierarchy. The core is language-neutral: a module is a file or
 * a package of files (ModuleResolution), types arrive as TypeRefs built by the extractors; wherever a language decides
 * (builtins, test globals, module values, constructors, confidence), it asks the plug-in that analysed the file
 * (LanguagePlugin.resolution and .confidence; FileFacts.language names it).
 * Pure: no I/O.
 */
import type { CallSiteFact, FileFacts, ImportFact, Receiver, SymbolFact, TypeRef } from '../core/facts.js';
import type { Edge } from '../core/graph.js';
import type { ConfidenceTable, ReasonCode, ResolvedReason } from '../core/confidence.js';
import { confidenceFor } from '../core/confidence.js';
import { makeSymbolId } from '../core/ids.js';
import { createHash } from 'node:crypto';
import type {
  LanguagePlugin,
  ModuleResolution,
  ModuleResolver,
  ResolutionRules,
} from '../languages/plugin.js';
import { rulesOf } from '../languages/plugin.js';
import { allPlugins, languagesCall } from '../languages/registry.js';
import type {
  FileResolutionMemo,
  ResolutionMemo,
  ResolveInput,
  ResolveOutput,
  ResolveRepo,
} from './types.js';

/**
 * Name-only guesses (a language's `guesses` has `name-only`) with more candidates than this are too ambiguous to
 * draw: they stay unresolved. Measured (EVAL.md), a guess among more was right too rarely to help.
 */
const MAX_NAME_ONLY_CANDIDATES = 3;
const MAX_TYPE_DEPTH = 16;
/** What a call matched by name alone (ResolutionRules.callsByName) may reach. */
const BY_NAME_KINDS: ReadonlySet<string> = new Set(['function', 'method', 'constructor', 'class']);
/**
 * Whether a call that several overloads fit equally (by arity and the argument types the file tells) draws a
 * `name-only` edge to each. Measured against the compiler on the tuned corpora (EVAL.md), such edges were right
 * 4 times in 10, so the site stays unresolved as `ambiguous`; kept as a switch so the measurement can be redone.
 */
const DRAW_AMBIGUOUS_OVERLOADS = false;

interface FileIndex {
  path: string;
  facts: FileFacts;
  byLocalId: Map<string, SymbolFact>;
  /** Top-level declarations by name (not the module, not tests). */
  topLevel: Map<string, SymbolFact[]>;
  /** Members by parent localId, then by name. */
  members: Map<string, Map<string, SymbolFact[]>>;
  importsByLocal: Map<string, ImportFact>;
  /** Methods declared apart from their type (no parent in this file), by qualified name `Type.method`. */
  detachedMethods: Map<string, SymbolFact>;
  /** Symbol ids made so far, by localId: every edge of a caller or callee shares one string. */
  ids: Map<string, string>;
  /** The rules and measured confidences of the language that analysed the file. */
  rules: ResolutionRules;
  confidence: ConfidenceTable;
}

interface Def {
  file: FileIndex;
  sym: SymbolFact;
}

/** A module: one file, or the files of a package (in path order), looked up together. */
type Lookup =
  | { kind: 'symbol'; def: Def }
  | { kind: 'module'; files: FileIndex[] }
  | { kind: 'external'; pkg: string }
  | { kind: 'none' };

interface Resolution {
  reason: ReasonCode;
  targets: Def[];
  /** For name-only and interface matches: how many candidate definitions there were. */
  candidates?: number;
  /** Interface matches: implementations, drawn as lower-confidence edges. */
  implementations?: Def[];
  /** Member calls: the receiver's static type, below which a virtual call dispatches (overridesOf). */
  receiverType?: Def;
}

const NONE: Lookup = { kind: 'none' };

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function last<T>(list: readonly T[] | undefined): T | undefined {
  return list && list.length > 0 ? list[list.length - 1] : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Two files of one directory package are one scope unless their facts name different packages (Go's external test
 * package `foo_test` sits beside `foo`): FileFacts.packageScope refines ModuleResolver.moduleOf.
 */
function samePackage(a: FileIndex, b: FileIndex): boolean {
  const pa = a.facts.packageScope;
  const pb = b.facts.packageScope;
  return pa === undefined || pb === undefined || pa === pb;
}

/** Files the default build leaves out (FileFacts.notInDefaultBuild) after the others; stable otherwise. */
function builtFirst(a: FileIndex, b: FileIndex): number {
  return (
    (a.facts.notInDefaultBuild === undefined ? 0 : 1) - (b.facts.notInDefaultBuild === undefined ? 0 : 1)
  );
}

/** A symbol's id, made once per file and localId (a large repo's edges repeat the same ids many times). */
function idOf(file: FileIndex, localId: string): string {
  let id = file.ids.get(localId);
  if (id === undefined) file.ids.set(localId, (id = makeSymbolId(file.path, localId)));
  return id;
}

class RepoResolver {
  private readonly files = new Map<string, FileIndex>();
  private readonly moduleCache = new Map<string, ModuleResolution>();
  /** The package each file is one file of (ModuleResolver.moduleOf), its other files only; absent when none. */
  private readonly siblingsCache = new Map<string, FileIndex[]>();
  /** Declaration files (ModuleResolver.declarationsOf) by the path they declare types for, and the reverse. */
  private readonly declarationFiles = new Map<string, FileIndex>();
  private readonly implementationFiles = new Map<string, FileIndex>();
  /** The first symbol of each qualified name, per declaration or implementation file (built when first asked). */
  private readonly byQualifiedName = new Map<string, Map<string, SymbolFact>>();
  private readonly membersByName = new Map<string, Def[]>();
  /** Every name the repository declares as a method of something (classes, interfaces, objects). */
  private readonly memberNames = new Set<string>();
  private readonly exportCache = new Map<string, Lookup>();
  private typeDepth = 0;
  /** The types naming each type in their `extends`/`implements` clauses, by the named type's id (built when first asked). */
  private directSubtypes: Map<string, Def[]> | null = null;
  /** overridesOf's answers, by member and receiver type: a member is called from many sites. */
  private readonly overridesCache = new Map<string, Def[]>();
  /** Typed properties (fields, interface and object-type members with a value type) by name, across the repo. */
  private typedPropertiesByName: Map<string, Def[]> | null = null;
  private detachedMembers: Map<string, Map<string, Def[]>> | null = null;
  private readonly packageMethodsCache = new Map<string, Map<string, Def>>();
  private readonly methodNamesCache = new Map<string, Set<string>>();
  /** Types implementing an interface by their methods, by the interface's id (structuralInterfaces). */
  private readonly structuralCache = new Map<string, Def[]>();
  private definitionsByName: Map<string, Def[]> | null = null;

  /**
   * Dependency tracking (incremental resolution): the inputs the file being resolved has read so far, as keys that
   * digestOf turns into a digest of what the key names in this repository state. Null while nothing is tracked (a
   * repo-wide index being built, a reused file being checked): what those read is captured by the key of the lookup.
   */
  private deps: Set<string> | null = null;
  /** The inputs each cached answer (exports, overrides, method names, package methods) read while it was computed. */
  private readonly cachedDeps = new Map<string, Set<string>>();
  private readonly digests = new Map<string, string>();
  /** Whether dependencies are tracked (ResolveInput.track or .previous), and each file's content key then. */
  private readonly tracking: boolean;
  private readonly keys = new Map<string, string>();
  private readonly surfaces = new Map<string, string>();
  private readonly plugins: ReadonlyMap<string, LanguagePlugin>;

  constructor(
    private readonly input: ResolveInput,
    private readonly moduleResolver: ModuleResolver,
  ) {
    this.plugins = new Map((input.plugins ?? allPlugins).map((p) => [p.id, p]));
    this.tracking = input.track === true || input.previous !== undefined;
    for (const { path, facts, key } of input.files) {
      this.files.set(path, this.index(path, facts));
      if (this.tracking) this.keys.set(path, key ?? `json:${hash(JSON.stringify(facts))}`);
    }
    if (moduleResolver.declarationsOf) {
      for (const file of this.files.values()) {
        let declared: string | null = null;
        try {
          declared = moduleResolver.declarationsOf(file.path);
        } catch {
          declared = null;
        }
        const declarations =
          declared === null || declared === file.path ? undefined : this.files.get(declared);
        if (!declarations) continue;
        this.declarationFiles.set(file.path, declarations);
        this.implementationFiles.set(declarations.path, file);
      }
    }
    for (const file of this.files.values()) {
      for (const sym of file.facts.symbols) {
        if (sym.parent !== null && (sym.kind === 'method' || sym.kind === 'function'))
          this.memberNames.add(sym.name);
        if (
          sym.parent === null ||
          sym.kind === 'test' ||
          sym.kind === 'property' ||
          sym.kind === 'constructor'
        )
          continue;
        const parent = file.byLocalId.get(sym.parent);
        if (!parent || isDeclaredType(parent)) continue;
        if (
          sym.kind === 'method' ||
          sym.kind === 'getter' ||
          sym.kind === 'setter' ||
          sym.kind === 'function'
        ) {
          push(this.membersByName, sym.name, { file, sym });
        }
      }
    }
  }

  private index(path: string, facts: FileFacts): FileIndex {
    const plugin = this.plugins.get(facts.language);
    const file: FileIndex = {
      path,
      facts,
      byLocalId: new Map(),
      topLevel: new Map(),
      members: new Map(),
      importsByLocal: new Map(),
      detachedMethods: new Map(),
      ids: new Map(),
      rules: rulesOf(plugin),
      confidence: plugin?.confidence ?? {},
    };
    for (const sym of facts.symbols) {
      file.byLocalId.set(sym.localId, sym);
      if (sym.kind === 'module' || sym.kind === 'test') continue;
      // A method declared apart from its type (packageScope) is no top-level name: it is found through its type.
      if (sym.kind === 'method' && sym.parent === null && facts.packageScope !== undefined) {
        file.detachedMethods.set(sym.qualifiedName, sym);
        continue;
      }
      // A method declared apart from its type (memberOf) is no name of the file's scope either.
      if (sym.parent === null) {
        if (sym.memberOf === undefined) push(file.topLevel, sym.name, sym);
      } else {
        let byName = file.members.get(sym.parent);
        if (!byName) file.members.set(sym.parent, (byName = new Map()));
        push(byName, sym.name, sym);
      }
    }
    for (const imp of facts.imports) if (imp.localName !== '') file.importsByLocal.set(imp.localName, imp);
    return file;
  }

  // ---------- dependency tracking (incremental resolution) ----------

  /** The file being resolved read `file` (its symbols, imports, exports: what surfaceDigest covers). */
  private noteFile(file: FileIndex): void {
    this.deps?.add(`f\u0000${file.path}`);
  }

  /** Computes a cached answer, remembering what it read so that every later use of the answer depends on it too. */
  private tracked<T>(key: string, compute: () => T): T {
    if (!this.tracking) return compute();
    const outer = this.deps;
    const inner = new Set<string>();
    this.deps = inner;
    try {
      return compute();
    } finally {
      this.deps = outer;
      this.cachedDeps.set(key, inner);
      if (outer) for (const k of inner) outer.add(k);
    }
  }

  /** A cached answer is used: what it read is read again. */
  private replay(key: string): void {
    const deps = this.deps;
    const inner = deps && this.cachedDeps.get(key);
    if (inner) for (const k of inner) deps.add(k);
  }

  /** Builds a repo-wide index: what it reads is no file's dependency (lookups in it are keyed by what they found). */
  private untracked(build: () => void): void {
    const outer = this.deps;
    this.deps = null;
    try {
      build();
    } finally {
      this.deps = outer;
    }
  }

  private declarationFileOf(path: string): FileIndex | undefined {
    const found = this.declarationFiles.get(path);
    this.deps?.add(`d\u0000${path}`);
    if (found) this.noteFile(found);
    return found;
  }

  private implementationFileOf(path: string): FileIndex | undefined {
    const found = this.implementationFiles.get(path);
    this.deps?.add(`i\u0000${path}`);
    if (found) this.noteFile(found);
    return found;
  }

  /**
   * What a dependency key names, in this repository state, as a short digest: two states with the same digest give
   * the same answer to that lookup. Keys: `f` a file's surface, `m` a module specifier's resolution (and which of its
   * files are analysed), `s` a file's package siblings, `d`/`i` declaration and implementation twins, and the
   * repo-wide indexes by the key looked up: `n` members by name, `N` whether a name is a member anywhere, `p` typed
   * properties, `l` definitions by language and name, `x` detached members of a type, `t` direct subtypes, `u`
   * structural implementations of an interface.
   */
  digestOf(key: string): string {
    let digest = this.digests.get(key);
    if (digest !== undefined) return digest;
    const outer = this.deps;
    this.deps = null;
    try {
      digest = this.computeDigest(key);
    } finally {
      this.deps = outer;
    }
    this.digests.set(key, digest);
    return digest;
  }

  private computeDigest(key: string): string {
    const kind = key[0];
    const arg = key.slice(2);
    // Module resolution and declaration twins answer from the tree's paths and configs alone (ModuleResolver), and
    // which of those paths are analysed: when that context is the previous one, so are their answers.
    const context = this.input.moduleContext;
    if (
      (kind === 'm' || kind === 'd' || kind === 'i') &&
      context !== undefined &&
      context === this.input.previous?.moduleContext
    ) {
      const known = this.input.previous.moduleDigests.get(key);
      if (known !== undefined) return known;
    }
    const ids = (defs: readonly Def[] | undefined): string =>
      hash((defs ?? []).map((d) => idOf(d.file, d.sym.localId)).join('\n'));
    switch (kind) {
      case 'f': {
        const file = this.files.get(arg);
        return file ? this.surfaceOf(file) : '-';
      }
      case 'm': {
        const cut = arg.indexOf('\u0000');
        const res = this.resolveModule(arg.slice(0, cut), arg.slice(cut + 1));
        const paths = res.kind === 'file' ? [res.path] : res.kind === 'package' ? res.paths : [];
        return hash(`${JSON.stringify(res)}\n${paths.map((p) => (this.files.has(p) ? 1 : 0)).join('')}`);
      }
      case 's': {
        const file = this.files.get(arg);
        return file
          ? hash(
              this.siblingsOf(file)
                .map((f) => f.path)
                .join('\n'),
            )
          : '-';
      }
      case 'd':
        return this.declarationFiles.get(arg)?.path ?? '-';
      case 'i':
        return this.implementationFiles.get(arg)?.path ?? '-';
      case 'n':
        return ids(this.membersByName.get(arg));
      case 'N':
        return this.memberNames.has(arg) ? '1' : '0';
      case 'p':
        return ids(this.typedProperties().get(arg));
      case 'l':
        return ids(this.definitionsOf().get(arg));
      case 'x': {
        if (!this.detachedMembers) {
          const byType = new Map<string, Map<string, Def[]>>();
          this.detachedMembers = byType;
          this.fillDetachedMembers(byType);
        }
        const byName = this.detachedMembers.get(arg);
        return byName ? hash([...byName].map(([name, defs]) => `${name}=${ids(defs)}`).join('\n')) : '-';
      }
      case 't':
        return ids(this.subtypeIndex().get(arg));
      case 'u': {
        const at = arg.indexOf('::');
        const file = at < 0 ? undefined : this.files.get(arg.slice(0, at));
        const sym = file?.byLocalId.get(arg.slice(at + 2));
        return file && sym ? ids(this.structuralTypes({ file, sym })) : '-';
      }
      default:
        throw new Error(`unknown dependency key ${JSON.stringify(key)}`);
    }
  }

  /** What other files may read of a file: its facts without call sites, diagnostics and positions. */
  private surfaceOf(file: FileIndex): string {
    const content = this.keys.get(file.path);
    const known = content === undefined ? undefined : this.input.previous?.surfaces.get(content);
    if (known !== undefined) {
      this.surfaces.set(content as string, known);
      return known;
    }
    // Lines are left out: no edge of another file depends on where a declaration, import or export sits, so an edit
    // that only moves them (a body change above them) does not make the files that read this one resolve again.
    const { callSites: _c, diagnostics: _d, symbols, imports, exports, ...rest } = file.facts;
    const surface = hash(
      JSON.stringify({
        ...rest,
        symbols: symbols.map(({ startLine: _s, endLine: _e, doc: _doc, ...sym }) => sym),
        imports: imports.map(({ line: _l, ...fact }) => fact),
        exports: exports.map(({ line: _l, ...fact }) => fact),
      }),
    );
    if (content !== undefined) this.surfaces.set(content, surface);
    return surface;
  }

  // ---------- modules and exports ----------

  private resolveModule(from: string, specifier: string): ModuleResolution {
    const key = `${from}\u0000${specifier}`;
    this.deps?.add(`m\u0000${key}`);
    let res = this.moduleCache.get(key);
    if (!res) {
      try {
        res = this.moduleResolver.resolve(from, specifier);
      } catch (error) {
        res = { kind: 'unresolved', reason: error instanceof Error ? error.message : String(error) };
      }
      this.moduleCache.set(key, res);
    }
    return res;
  }

  private moduleLookup(from: string, specifier: string): Lookup {
    const res = this.resolveModule(from, specifier);
    if (res.kind === 'external') return { kind: 'external', pkg: res.pkg };
    if (res.kind === 'file') {
      const file = this.files.get(res.path);
      if (file) this.noteFile(file);
      return file ? { kind: 'module', files: [file] } : NONE;
    }
    if (res.kind === 'package') {
      const files = [...new Set(res.paths)]
        .sort(cmp)
        .map((path) => this.files.get(path))
        .filter((f): f is FileIndex => f !== undefined)
        .sort(builtFirst);
      for (const f of files) this.noteFile(f);
      return files.length > 0 ? { kind: 'module', files } : NONE;
    }
    return NONE;
  }

  /** What `name` exported from a module is: the first of its files (a package's, in path order) that exports it. */
  private moduleExport(files: readonly FileIndex[], name: string, seen?: Set<string>): Lookup {
    for (const file of files) {
      const found = this.resolveExport(file, name, seen);
      if (found.kind !== 'none') return found;
    }
    return NONE;
  }

  /** The same-named symbol (by localId, else qualified name) of `def` in another file, if it declares one. */
  private twinIn(other: FileIndex | undefined, def: Def): Def | undefined {
    if (!other) return undefined;
    let byName = this.byQualifiedName.get(other.path);
    if (!byName) {
      byName = new Map();
      for (const s of other.facts.symbols)
        if (s.kind !== 'test' && !byName.has(s.qualifiedName)) byName.set(s.qualifiedName, s);
      this.byQualifiedName.set(other.path, byName);
    }
    const sym = other.byLocalId.get(def.sym.localId) ?? byName.get(def.sym.qualifiedName);
    return sym ? { file: other, sym } : undefined;
  }

  /**
   * A type a definition declares (`pick` reads it), or else the one its twin in its declaration file declares (a
   * `.pyi` stub, a `.d.ts`), with the file it is written in.
   */
  private declaredType(
    def: Def,
    pick: (sym: SymbolFact) => TypeRef | null | undefined,
  ): { file: FileIndex; ref: TypeRef } | null {
    const own = pick(def.sym);
    if (own) return { file: def.file, ref: own };
    const twin = this.twinIn(this.declarationFileOf(def.file.path), def);
    const declared = twin ? pick(twin.sym) : undefined;
    return twin && declared ? { file: twin.file, ref: declared } : null;
  }

  /** A type found in a declaration file stands for its implementation, when that file defines it: edges link there. */
  private implementationOf(found: Lookup): Lookup {
    if (found.kind !== 'symbol') return found;
    const twin = this.twinIn(this.implementationFileOf(found.def.file.path), found.def);
    return twin && twin.sym.kind === found.def.sym.kind ? { kind: 'symbol', def: twin } : found;
  }

  /** The other files of the package `file` belongs to (ModuleResolver.moduleOf), [] when it is a module of its own. */
  private siblingsOf(file: FileIndex): FileIndex[] {
    let siblings = this.siblingsCache.get(file.path);
    if (siblings === undefined) {
      let home: { kind: 'package'; paths: string[] } | null = null;
      try {
        home = this.moduleResolver.moduleOf?.(file.path) ?? null;
      } catch {
        home = null;
      }
      siblings = home
        ? [...new Set(home.paths)]
            .filter((path) => path !== file.path)
            .sort(cmp)
            .map((path) => this.files.get(path))
            .filter((f): f is FileIndex => f !== undefined && samePackage(f, file))
            .sort(builtFirst)
        : [];
      this.siblingsCache.set(file.path, siblings);
    }
    if (this.deps) {
      this.deps.add(`s\u0000${file.path}`);
      for (const sibling of siblings) this.noteFile(sibling);
    }
    return siblings;
  }

  /** A top-level declaration of `name` in another file of the package `file` belongs to (Go: same package scope). */
  private packageScope(file: FileIndex, name: string): Lookup {
    for (const sibling of this.siblingsOf(file)) {
      const declared = this.preferDeclaration(sibling.topLevel.get(name));
      if (declared) return { kind: 'symbol', def: { file: sibling, sym: declared } };
    }
    return NONE;
  }

  /** What `name` exported from `file` is, following re-exports and `export *`. */
  private resolveExport(file: FileIndex, name: string, seen?: Set<string>): Lookup {
    if (seen) return this.resolveExportUncached(file, name, seen);
    const key = `${file.path}#${name}`;
    let found = this.exportCache.get(key);
    if (!found) {
      found = this.tracked(`E${key}`, () => this.resolveExportUncached(file, name, new Set()));
      this.exportCache.set(key, found);
    } else this.replay(`E${key}`);
    return found;
  }

  private resolveExportUncached(file: FileIndex, name: string, seen: Set<string>): Lookup {
    const key = `${file.path}#${name}`;
    if (seen.has(key)) return NONE;
    seen.add(key);
    for (const ex of file.facts.exports) {
      if (ex.exported !== name) continue;
      if (ex.from !== undefined) {
        const target = this.moduleLookup(file.path, ex.from);
        if (target.kind !== 'module' || ex.imported === '*' || ex.imported === undefined) {
          if (target.kind !== 'none') return target;
          continue;
        }
        const found = this.moduleExport(target.files, ex.imported, seen);
        if (found.kind !== 'none') return found;
      } else if (ex.local !== undefined) {
        const found = this.resolveLocalName(file, ex.local, seen);
        if (found.kind !== 'none') return found;
      }
    }
    if (file.rules.wildcardExports(name)) {
      for (const ex of file.facts.exports) {
        if (ex.exported !== '*' || ex.from === undefined) continue;
        const target = this.moduleLookup(file.path, ex.from);
        if (target.kind !== 'module') continue;
        const found = this.moduleExport(
          target.files.filter((f) => wildcardBinds(f, name)),
          name,
          seen,
        );
        if (found.kind !== 'none') return found;
      }
    }
    const declared = last(file.topLevel.get(name)?.filter((s) => s.exported));
    if (declared) return { kind: 'symbol', def: { file, sym: declared } };
    const submodule = file.rules.packageSubmodule(file.path, name);
    return submodule === null ? NONE : this.moduleLookup(file.path, submodule);
  }

  /**
   * A name in a file's top-level scope: a declaration, an import followed to its definition, or a declaration in
   * another file of the file's package.
   */
  private resolveLocalName(file: FileIndex, name: string, seen = new Set<string>()): Lookup {
    const declared = this.preferDeclaration(file.topLevel.get(name));
    if (declared) return { kind: 'symbol', def: { file, sym: declared } };
    const imp = file.importsByLocal.get(name);
    return imp ? this.resolveImport(file, imp, seen) : this.packageScope(file, name);
  }

  /** Among same-named declarations, the value one that comes last (an overload's implementation). */
  private preferDeclaration(list: SymbolFact[] | undefined): SymbolFact | undefined {
    if (!list || list.length === 0) return undefined;
    const values = list.filter((s) => s.kind !== 'interface' && s.kind !== 'type');
    return last(values.length > 0 ? values : list);
  }

  private resolveImport(file: FileIndex, imp: ImportFact, seen = new Set<string>()): Lookup {
    const target = this.moduleLookup(file.path, imp.specifier);
    if (imp.imported === '*') return target;
    const found = target.kind === 'module' ? this.moduleExport(target.files, imp.imported, seen) : target;
    if (found.kind !== 'none') return found;
    // `from pkg import mod` may name a submodule (also of a package that has no module file of its own).
    const submodule = file.rules.importedSubmodule(imp.specifier, imp.imported);
    return submodule === null ? NONE : this.moduleLookup(file.path, submodule);
  }

  /** The first of `specifiers` that defines `name` (Binding `import-search`), else the first external one. */
  private searchModules(file: FileIndex, name: string, specifiers: readonly string[]): Lookup {
    let external: Lookup = NONE;
    for (const specifier of specifiers) {
      const target = this.moduleLookup(file.path, specifier);
      if (target.kind === 'external') {
        if (external.kind === 'none') external = target;
        continue;
      }
      if (target.kind !== 'module') continue;
      // Through a wildcard import, only what the module lets one bind (`__all__`); a fixture search sees every name.
      const files = isWildcardImport(file, specifier)
        ? target.files.filter((f) => wildcardBinds(f, name))
        : target.files;
      const found = this.moduleExport(files, name);
      if (found.kind === 'symbol') return found;
    }
    return external;
  }

  // ---------- types and members ----------

  /** A type name written in `file` (`Foo`, `ns.Foo`) → its class/interface/… definition. */
  private resolveTypeName(file: FileIndex, name: string): Lookup {
    const dot = name.indexOf('.');
    if (dot < 0) {
      const declared = file.topLevel.get(name);
      const typeDecl = last(
        declared?.filter((s) => s.kind === 'class' || s.kind === 'interface' || s.kind === 'enum'),
      );
      if (typeDecl) return { kind: 'symbol', def: { file, sym: typeDecl } };
      return this.asType(this.resolveLocalName(file, name));
    }
    const head = this.resolveLocalName(file, name.slice(0, dot));
    const rest = name.slice(dot + 1);
    if (head.kind === 'module') return this.asType(this.moduleExport(head.files, rest));
    if (head.kind === 'symbol') {
      // `Outer.Inner`, and deeper (`Store.update.opts`, a type declared inside a method).
      let member: Def | undefined = head.def;
      for (const part of rest.split('.')) member = member && this.directMember(member, part);
      return member ? { kind: 'symbol', def: member } : NONE;
    }
    return head;
  }

  /** In a type position, a name declared both as a value and a type (`function X` + `interface X`) is the type. */
  private asType(found: Lookup): Lookup {
    if (found.kind !== 'symbol') return found;
    const { file, sym } = found.def;
    if (sym.kind === 'class' || sym.kind === 'interface' || sym.kind === 'enum' || sym.parent !== null)
      return found;
    const typeDecl = last(
      file.topLevel
        .get(sym.name)
        ?.filter((s) => s.kind === 'class' || s.kind === 'interface' || s.kind === 'enum'),
    );
    return typeDecl ? { kind: 'symbol', def: { file, sym: typeDecl } } : found;
  }

  private resolveTypeRef(file: FileIndex, ref: TypeRef): Lookup {
    // Types can refer to themselves (`const v = v.make()`): a bounded depth ends such loops.
    if (this.typeDepth > MAX_TYPE_DEPTH) return NONE;
    this.typeDepth++;
    try {
      return this.implementationOf(this.resolveTypeRefOnce(file, ref));
    } finally {
      this.typeDepth--;
    }
  }

  private resolveTypeRefOnce(file: FileIndex, ref: TypeRef): Lookup {
    if (ref.kind === 'name') return this.resolveTypeName(file, ref.name);
    if (ref.kind === 'callback-param') return this.callbackParamType(file, ref);
    if (ref.kind === 'member') return this.memberType(file, ref.of, ref.name);
    if (ref.kind === 'method-return') return this.methodReturnType(file, ref.of, ref.name);
    // A function type has no members.
    if (ref.kind === 'function') return NONE;
    const fn = ref.search
      ? this.searchModules(file, ref.callee, ref.search)
      : this.resolveValuePath(file, ref.callee);
    if (fn.kind !== 'symbol') return fn.kind === 'external' ? fn : this.testGlobalValue(file, ref.callee);
    if (fn.def.sym.kind === 'class') return fn;
    const declared = this.declaredType(fn.def, (sym) => sym.returnTypeRef);
    const typeArgs = ref.typeArgs ?? argumentTypeArgs(fn.def.sym, ref.argTypes);
    const bound = declared ? this.typeArgument(fn.def.sym, declared.ref, typeArgs) : null;
    if (bound) return this.resolveTypeRef(file, bound);
    if (declared) return this.resolveTypeRef(declared.file, declared.ref);
    // No declared return type: what the function is seen to return, when its file tells it.
    if ((fn.def.sym.kind === 'function' || fn.def.sym.kind === 'method') && fn.def.sym.valueType)
      return this.resolveTypeRef(fn.def.file, fn.def.sym.valueType);
    return NONE;
  }

  /** What method `name` of the type `of` is declared to return (or its declaration file's twin, when it says nothing). */
  private methodReturnType(file: FileIndex, of: TypeRef, name: string): Lookup {
    const owner = this.resolveTypeRef(file, of);
    if (owner.kind !== 'symbol') return owner.kind === 'external' ? owner : NONE;
    const method = this.findMember(owner.def, name);
    const declared = method ? this.declaredType(method, (sym) => sym.returnTypeRef) : null;
    return declared ? this.resolveTypeRef(declared.file, declared.ref) : NONE;
  }

  /** The type of a member of a type: a field's value type, or what a getter is declared to return. */
  private memberType(file: FileIndex, of: TypeRef, name: string): Lookup {
    const owner = this.resolveTypeRef(file, of);
    if (owner.kind !== 'symbol') return owner.kind === 'external' ? owner : NONE;
    const member = this.findMember(owner.def, name);
    if (!member) return NONE;
    // A callable's valueType is what it returns, not what it is: `a.m.x()` does not call x on m's result.
    const value = isCallableKind(member.sym) ? null : this.declaredType(member, (sym) => sym.valueType);
    if (value) return this.resolveTypeRef(value.file, value.ref);
    if (member.sym.kind !== 'getter') return NONE;
    const declared = this.declaredType(member, (sym) => sym.returnTypeRef);
    return declared ? this.resolveTypeRef(declared.file, declared.ref) : NONE;
  }

  /**
   * The declared type of a callback's parameter, read from the callee's parameters:
   * `operate(init: (source: Observable<T>, subscriber: Subscriber<R>) => void)` types `subscriber` as Subscriber.
   */
  private callbackParamType(file: FileIndex, ref: Extract<TypeRef, { kind: 'callback-param' }>): Lookup {
    const owner = ref.of ? this.resolveTypeRef(file, ref.of) : undefined;
    const method = owner?.kind === 'symbol' ? this.findMember(owner.def, ref.callee) : undefined;
    const fn: Lookup = ref.of
      ? method
        ? { kind: 'symbol', def: method }
        : NONE
      : this.resolveValuePath(file, ref.callee);
    if (fn.kind !== 'symbol') return NONE;
    const holder = fn.def.sym.kind === 'class' ? this.inheritedConstructorOf(fn.def) : fn.def;
    if (!holder) return NONE;
    // A method's parameter, or a function-typed property's (`subscribe: (listener: (s: S) => void) => void`).
    const callee = this.declaredType(holder, (sym) => (sym.kind === 'property' ? sym.valueType : null));
    const callback =
      callee?.ref.kind === 'function'
        ? this.functionType(callee.file, callee.ref.params[ref.arg])
        : this.functionType(
            holder.file,
            this.declaredType(holder, (sym) => sym.parameters?.[ref.arg]?.type),
          );
    const paramType = callback?.ref.kind === 'function' ? callback.ref.params[ref.param] : undefined;
    const bound = paramType ? this.typeArgument(holder.sym, paramType, ref.typeArgs) : null;
    if (bound) return this.resolveTypeRef(file, bound);
    return callback && paramType ? this.resolveTypeRef(callback.file, paramType) : NONE;
  }

  /** A function type as declared, through a type alias that names one (`type Listener = (api: Api) => void`). */
  private functionType(
    file: FileIndex,
    declared: TypeRef | { file: FileIndex; ref: TypeRef } | null | undefined,
  ): { file: FileIndex; ref: TypeRef } | null {
    const found = declared && 'ref' in declared ? declared : declared ? { file, ref: declared } : null;
    if (!found || found.ref.kind !== 'name') return found;
    const alias = this.resolveTypeName(found.file, found.ref.name);
    const value = alias.kind === 'symbol' && alias.def.sym.kind === 'type' ? alias.def.sym.valueType : null;
    return alias.kind === 'symbol' && value?.kind === 'function'
      ? { file: alias.def.file, ref: value }
      : found;
  }

  /** `ref` when it names a type parameter of `callee` that the call binds with a written type argument: that argument. */
  private typeArgument(
    callee: SymbolFact,
    ref: TypeRef,
    typeArgs: Array<TypeRef | null> | undefined,
  ): TypeRef | null {
    if (!typeArgs || ref.kind !== 'name') return null;
    const index = callee.typeParameters?.indexOf(ref.name) ?? -1;
    return index >= 0 ? (typeArgs[index] ?? null) : null;
  }

  /** `f` or `a.b.c` as written in `file` → the definition it names. */
  private resolveValuePath(file: FileIndex, path: string): Lookup {
    const parts = path.split('.');
    let current = this.resolveLocalName(file, parts[0] ?? '');
    for (const part of parts.slice(1)) {
      if (current.kind === 'module') current = this.moduleExport(current.files, part);
      else if (current.kind === 'symbol') {
        const member = this.memberOnValue(current.def, part);
        current = member ? { kind: 'symbol', def: member.def } : NONE;
      } else return current;
    }
    return current;
  }

  private directMember(owner: Def, name: string): Def | undefined {
    // In a package a type's methods may be declared in any of its files, without a parent there.
    if (owner.sym.parent === null && owner.file.facts.packageScope !== undefined) {
      const method = this.packageMethods(owner.file).get(`${owner.sym.qualifiedName}.${name}`);
      if (method) return method;
    }
    const list = owner.file.members.get(owner.sym.localId)?.get(name);
    // A method also assigned in the constructor (`this.parse = this.parse.bind(this)`) is the method.
    const callable = list?.filter((s) => s.kind !== 'property');
    const sym = last(callable && callable.length > 0 ? callable : list);
    if (sym) return { file: owner.file, sym };
    return last(this.detachedMembersOf(owner)?.get(name));
  }

  /** Methods declared apart from their type (SymbolFact.memberOf), of the type `owner`, by name. */
  private detachedMembersOf(owner: Def): Map<string, Def[]> | undefined {
    if (!this.detachedMembers) {
      // Set before it is filled: binding a `memberOf` name may ask for members of other types meanwhile.
      const byType = new Map<string, Map<string, Def[]>>();
      this.detachedMembers = byType;
      this.untracked(() => this.fillDetachedMembers(byType));
    }
    const ownerId = idOf(owner.file, owner.sym.localId);
    const found = this.detachedMembers.get(ownerId);
    if (this.deps) {
      this.deps.add(`x\u0000${ownerId}`);
      for (const defs of found?.values() ?? []) for (const def of defs) this.noteFile(def.file);
    }
    return found;
  }

  private fillDetachedMembers(byType: Map<string, Map<string, Def[]>>): void {
    for (const file of this.files.values()) {
      for (const sym of file.facts.symbols) {
        if (sym.memberOf === undefined) continue;
        const type = this.resolveTypeName(file, sym.memberOf);
        if (type.kind !== 'symbol') continue;
        const key = idOf(type.def.file, type.def.sym.localId);
        let byName = byType.get(key);
        if (!byName) byType.set(key, (byName = new Map()));
        push(byName, sym.name, { file, sym });
      }
    }
  }

  /** The methods declared apart from their type in `file`'s package, by qualified name (built once per file). */
  private packageMethods(file: FileIndex): Map<string, Def> {
    let methods = this.packageMethodsCache.get(file.path);
    if (!methods) {
      methods = this.tracked(`P${file.path}`, () => {
        const byName = new Map<string, Def>();
        this.noteFile(file);
        for (const f of [file, ...this.siblingsOf(file)])
          for (const [qualified, sym] of f.detachedMethods)
            if (!byName.has(qualified)) byName.set(qualified, { file: f, sym });
        return byName;
      });
      this.packageMethodsCache.set(file.path, methods);
    } else this.replay(`P${file.path}`);
    return methods;
  }

  /** A member of a class or interface, searching its `extends` chain. */
  private findMember(owner: Def, name: string, seen = new Set<string>()): Def | undefined {
    const key = makeSymbolId(owner.file.path, owner.sym.localId);
    if (seen.has(key)) return undefined;
    seen.add(key);
    const direct = this.directMember(owner, name);
    if (direct) return direct;
    for (const base of owner.sym.extends ?? []) {
      const parent = this.resolveTypeName(owner.file, base);
      if (parent.kind !== 'symbol') continue;
      const found = this.findMember(parent.def, name, seen);
      if (found) return found;
    }
    // An abstract class need not declare the interface members it leaves to its subclasses: `area()` in it calls
    // the interface's member.
    for (const base of owner.sym.implements ?? []) {
      const parent = this.resolveTypeName(owner.file, base);
      if (parent.kind !== 'symbol') continue;
      const found = this.findMember(parent.def, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  /** The package of the first base class from outside the repository, through the in-repo bases; null if none. */
  private externalBase(owner: Def, seen = new Set<string>()): string | null {
    const key = makeSymbolId(owner.file.path, owner.sym.localId);
    if (seen.has(key)) return null;
    seen.add(key);
    for (const base of owner.sym.extends ?? []) {
      const parent = this.resolveTypeName(owner.file, base);
      if (parent.kind === 'external') return parent.pkg;
      if (parent.kind !== 'symbol') continue;
      const found = this.externalBase(parent.def, seen);
      if (found) return found;
    }
    return null;
  }

  /** `obj.name` where obj is a definition: static/namespace/object members first, then its declared value type. */
  private memberOnValue(
    owner: Def,
    name: string,
  ): { def: Def; viaType: boolean; interfaceOwner?: Def } | undefined {
    const kind = owner.sym.kind;
    if (
      kind === 'class' ||
      kind === 'namespace' ||
      kind === 'enum' ||
      kind === 'variable' ||
      kind === 'function'
    ) {
      const direct = kind === 'class' ? this.findMember(owner, name) : this.directMember(owner, name);
      if (direct) return { def: direct, viaType: false };
    }
    const value = this.declaredType(owner, (sym) => sym.valueType);
    if (value) {
      const type = this.resolveTypeRef(value.file, value.ref);
      if (type.kind === 'symbol') {
        const member = this.findMember(type.def, name);
        if (member)
          return {
            def: member,
            viaType: true,
            ...(declaresInterface(type.def) ? { interfaceOwner: type.def } : {}),
          };
      }
    }
    return undefined;
  }

  /**
   * Where a call through an interface member or an abstract method may also land (nominal languages): the member of
   * the same name, and the same parameter types where the language writes them into qualified names (overloads), in
   * every class below the member's owner — through `extends` and `implements`, transitively, anonymous classes
   * included. A class that does not declare it runs what it inherits, when that is no declaration of an interface.
   */
  private overridesOf(member: Def, receiverType?: Def): Def[] {
    const owner = member.file.byLocalId.get(member.sym.parent ?? '');
    if (!owner || member.sym.isStatic) return [];
    if (!isDeclaredType(owner) && !member.sym.isAbstract) return [];
    const wanted = paramTypes(member.sym);
    // Dispatch happens below the receiver's static type (`this` in a subclass reaches that subclass's branch only).
    const root = receiverType ?? { file: member.file, sym: owner };
    const rootId = makeSymbolId(root.file.path, root.sym.localId);
    const cacheKey = `${makeSymbolId(member.file.path, member.sym.localId)}\u0000${rootId}`;
    const cached = this.overridesCache.get(cacheKey);
    if (cached) {
      this.replay(`O${cacheKey}`);
      return cached;
    }
    const overrides = this.tracked(`O${cacheKey}`, () => this.overridesBelow(member, root, rootId, wanted));
    this.overridesCache.set(cacheKey, overrides);
    return overrides;
  }

  private overridesBelow(member: Def, root: Def, rootId: string, wanted: string[] | null): Def[] {
    const out: Def[] = [];
    const seen = new Set<string>([rootId]);
    const queue = [...this.subtypesOf(root)];
    while (queue.length > 0) {
      const type = queue.shift() as Def;
      const id = makeSymbolId(type.file.path, type.sym.localId);
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(...this.subtypesOf(type));
      if (isDeclaredType(type.sym)) continue;
      const own = (type.file.members.get(type.sym.localId)?.get(member.sym.name) ?? []).filter(
        (sym) => sym.kind === 'method' && !sym.isStatic,
      );
      const fits = (sym: SymbolFact): boolean => {
        const params = paramTypes(sym);
        return wanted === null || params === null || params.join(',') === wanted.join(',');
      };
      let found = own.filter(fits);
      // Generic parameters are written differently in the override (`accept(T)`, `accept(String)`): the one of that arity.
      if (found.length === 0 && wanted !== null) {
        const sameArity = own.filter((sym) => paramTypes(sym)?.length === wanted.length);
        if (sameArity.length === 1) found = sameArity;
      }
      if (found.length > 0) {
        for (const sym of found) if (!sym.isAbstract) out.push({ file: type.file, sym });
        continue;
      }
      const inherited = own.length === 0 ? this.findMember(type, member.sym.name) : undefined;
      const inheritedOwner = inherited?.file.byLocalId.get(inherited.sym.parent ?? '');
      if (
        inherited &&
        inherited.sym.kind === 'method' &&
        !inherited.sym.isAbstract &&
        inheritedOwner &&
        !isDeclaredType(inheritedOwner) &&
        fits(inherited.sym)
      )
        out.push(inherited);
    }
    const unique = new Map(out.map((d) => [makeSymbolId(d.file.path, d.sym.localId), d]));
    return [...unique.values()];
  }

  /** The classes and interfaces that name `type` in their `extends` or `implements` clauses. */
  private subtypesOf(type: Def): Def[] {
    const typeId = makeSymbolId(type.file.path, type.sym.localId);
    const found = this.subtypeIndex().get(typeId) ?? [];
    if (this.deps) {
      this.deps.add(`t\u0000${typeId}`);
      for (const def of found) this.noteFile(def.file);
    }
    return found;
  }

  /** Subtypes by the id of the type they name in `extends`/`implements` (built when first asked, untracked). */
  private subtypeIndex(): Map<string, Def[]> {
    if (!this.directSubtypes) {
      const index = new Map<string, Def[]>();
      const outer = this.deps;
      this.deps = null;
      for (const file of this.files.values()) {
        if (file.rules.structuralInterfaces) continue;
        for (const sym of file.facts.symbols) {
          for (const typeName of [...(sym.extends ?? []), ...(sym.implements ?? [])]) {
            try {
              const target = this.resolveTypeName(file, typeName);
              if (target.kind === 'symbol')
                push(index, makeSymbolId(target.def.file.path, target.def.sym.localId), { file, sym });
            } catch {
              // A malformed clause names nothing.
            }
          }
        }
      }
      this.deps = outer;
      this.directSubtypes = index;
    }
    return this.directSubtypes;
  }

  /**
   * Where a type implements an interface by having its methods (ResolutionRules.structuralInterfaces): the member
   * `name` of every repo type, of a language that says so, that has a method of each name the interface and the
   * repo interfaces it embeds declare.
   */
  private structuralImplementations(iface: Def, name: string): Def[] {
    const key = makeSymbolId(iface.file.path, iface.sym.localId);
    const types = this.structuralTypes(iface);
    if (this.deps) {
      this.deps.add(`u\u0000${key}`);
      for (const t of types) this.noteFile(t.file);
    }
    return types.map((t) => this.findMember(t, name)).filter((d): d is Def => d !== undefined);
  }

  /** The repo types that have a method of each name `iface` declares (cached, untracked: keyed by `u` digests). */
  private structuralTypes(iface: Def): Def[] {
    const key = makeSymbolId(iface.file.path, iface.sym.localId);
    let types = this.structuralCache.get(key);
    if (!types) {
      const outer = this.deps;
      this.deps = null;
      const required = new Set<string>();
      const collect = (owner: Def, seen: Set<string>): void => {
        const id = makeSymbolId(owner.file.path, owner.sym.localId);
        if (seen.has(id)) return;
        seen.add(id);
        for (const list of owner.file.members.get(owner.sym.localId)?.values() ?? [])
          for (const sym of list) if (sym.kind === 'method') required.add(sym.name);
        for (const base of owner.sym.extends ?? []) {
          const found = this.resolveTypeName(owner.file, base);
          if (found.kind === 'symbol' && found.def.sym.kind === 'interface') collect(found.def, seen);
        }
      };
      collect(iface, new Set());
      types = [];
      if (required.size > 0) {
        for (const file of this.files.values()) {
          if (!file.rules.structuralInterfaces) continue;
          for (const [, list] of file.topLevel)
            for (const sym of list) {
              if (sym.kind !== 'class' && sym.kind !== 'type') continue;
              const def = { file, sym };
              const names = this.methodNames(def);
              if ([...required].every((n) => names.has(n))) types.push(def);
            }
        }
      }
      this.deps = outer;
      this.structuralCache.set(key, types);
    }
    return types;
  }

  /** The names of a type's methods: its own, those declared apart from it in its package, and promoted ones. */
  private methodNames(type: Def, seen = new Set<string>()): Set<string> {
    const key = makeSymbolId(type.file.path, type.sym.localId);
    const cached = this.methodNamesCache.get(key);
    if (cached) {
      this.replay(`M${key}`);
      return cached;
    }
    if (seen.has(key)) return new Set<string>();
    seen.add(key);
    const names = this.tracked(`M${key}`, () => this.collectMethodNames(type, seen));
    this.methodNamesCache.set(key, names);
    return names;
  }

  private collectMethodNames(type: Def, seen: Set<string>): Set<string> {
    const names = new Set<string>();
    this.noteFile(type.file);
    for (const list of type.file.members.get(type.sym.localId)?.values() ?? [])
      for (const sym of list) if (sym.kind === 'method') names.add(sym.name);
    const prefix = `${type.sym.qualifiedName}.`;
    if (type.sym.parent === null && type.file.facts.packageScope !== undefined)
      for (const qualified of this.packageMethods(type.file).keys())
        if (qualified.startsWith(prefix) && !qualified.includes('.', prefix.length))
          names.add(qualified.slice(prefix.length));
    for (const base of type.sym.extends ?? []) {
      const parent = this.resolveTypeName(type.file, base);
      if (parent.kind === 'symbol') for (const n of this.methodNames(parent.def, seen)) names.add(n);
    }
    return names;
  }

  /**
   * Calling a class means calling its own constructor when it declares one, else the class itself
   * (as the compiler names it: an inherited constructor is not what `new Sub()` is written against).
   */
  private callable(def: Def): Def {
    if (def.sym.kind !== 'class') return def;
    return this.constructorOf(def) ?? def;
  }

  /** The constructor a class declares or inherits through its `extends` chain. */
  private inheritedConstructorOf(cls: Def, seen = new Set<string>()): Def | undefined {
    const key = makeSymbolId(cls.file.path, cls.sym.localId);
    if (seen.has(key)) return undefined;
    seen.add(key);
    const own = this.constructorOf(cls);
    if (own) return own;
    for (const base of cls.sym.extends ?? []) {
      const parent = this.resolveTypeName(cls.file, base);
      const found = parent.kind === 'symbol' ? this.inheritedConstructorOf(parent.def, seen) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  /** A class's own constructor (its last member of kind `constructor`: an overload's implementation), if declared. */
  private constructorOf(cls: Def): Def | undefined {
    let found: SymbolFact | undefined;
    for (const list of cls.file.members.get(cls.sym.localId)?.values() ?? [])
      for (const sym of list) if (sym.kind === 'constructor') found = sym;
    return found ? { file: cls.file, sym: found } : undefined;
  }

  /** A member found through a type: receiver-typed for classes, interface for interface members. */
  private typedMember(type: Lookup, name: string, file?: FileIndex, ref?: TypeRef): Resolution | null {
    if (type.kind === 'external') return { reason: `external:${type.pkg}`, targets: [] };
    if (type.kind !== 'symbol')
      return file && ref && this.isBuiltinType(file, ref) ? { reason: 'builtin', targets: [] } : null;
    const member = this.findMember(type.def, name);
    if (!member) return null;
    const owner = member.file.byLocalId.get(member.sym.parent ?? '');
    if (owner && declaresInterface({ file: member.file, sym: owner }))
      return { ...this.interfaceResolution(member, name), receiverType: type.def };
    return { reason: 'receiver-typed', targets: [member], receiverType: type.def };
  }

  /** A type the repo does not define whose root is a language builtin (`Map`, `Array`, `Math.random()`). */
  private isBuiltinType(file: FileIndex, ref: TypeRef): boolean {
    if (ref.kind === 'member' || ref.kind === 'method-return' || ref.kind === 'function') return false;
    const text = ref.kind === 'name' ? ref.name : ref.callee;
    const root = text.split('.')[0] ?? '';
    return file.rules.builtins.has(root) && !file.topLevel.has(root) && !file.importsByLocal.has(root);
  }

  private interfaceResolution(member: Def, name: string): Resolution {
    const owner = member.file.byLocalId.get(member.sym.parent ?? '');
    const iface = owner ? { file: member.file, sym: owner } : undefined;
    // Nominal languages: the overrides of the member the call lands on after overload choice (see run).
    if (!iface || !member.file.rules.structuralInterfaces) return { reason: 'interface', targets: [member] };
    return {
      reason: 'interface',
      targets: [member],
      implementations: this.structuralImplementations(iface, name),
    };
  }

  // ---------- call sites ----------

  resolveCallSite(file: FileIndex, site: CallSiteFact): Resolution {
    const target = site.target;
    if (target.kind === 'dynamic') return { reason: 'dynamic', targets: [] };
    if (target.kind === 'identifier') {
      const b = target.binding;
      if (b.kind === 'local-symbol') {
        const sym = file.byLocalId.get(b.localId);
        if (!sym) return { reason: 'unknown', targets: [] };
        // A module-level `const f = make()` is what the call runs (its value is defined there).
        if (sym.kind === 'property') return { reason: 'unknown', targets: [] };
        return { reason: 'same-file', targets: [this.callable({ file, sym })] };
      }
      if (b.kind === 'import') {
        const imp = file.importsByLocal.get(b.localName);
        if (!imp) return { reason: 'unknown', targets: [] };
        let found = this.resolveImport(file, imp);
        if (found.kind === 'module') found = this.moduleValue(found.files);
        return this.fromLookup(found, 'import', true);
      }
      if (b.kind === 'local-value') return { reason: 'dynamic', targets: [] };
      if (b.kind === 'import-search') {
        const found = this.searchModules(file, target.name, b.specifiers);
        if (found.kind === 'none') return { reason: 'unknown', targets: [] };
        return this.fromLookup(found, 'import', true);
      }
      // Declared in another file of the same package: the same module scope, as `same-file` means.
      const sibling = this.packageScope(file, b.name);
      if (sibling.kind === 'symbol') return this.fromLookup(sibling, 'same-file', true);
      const reason = this.globalReason(file, b.name);
      if (reason === 'unknown' && file.rules.callsByName) return this.byNameInLanguage(file, target.name);
      return { reason, targets: [] };
    }
    return this.resolveMember(file, target.name, target.receiver);
  }

  /**
   * A member that is a whole module (an export bound to another module's `require`), called: what runs is that
   * module's value (its default export in JS). Null when the member is no module or its language gives modules no
   * value (then the member stays as it was: unknown, or a guess).
   */
  private calledModuleValue(member: Lookup): Resolution | null {
    if (member.kind !== 'module') return null;
    const value = this.moduleValue(member.files);
    return value.kind === 'symbol' ? this.fromLookup(value, 'import', true) : null;
  }

  /** What a whole module stands for as a value (its default export in JS), or nothing. */
  private moduleValue(files: readonly FileIndex[]): Lookup {
    for (const file of files) {
      const name = file.rules.moduleValueExport;
      const found = name === null ? NONE : this.resolveExport(file, name);
      if (found.kind !== 'none') return found;
    }
    return NONE;
  }

  private fromLookup(found: Lookup, reason: ResolvedReason, call: boolean): Resolution {
    if (found.kind === 'symbol') {
      if (found.def.sym.kind === 'variable' && call && found.def.sym.parent !== null)
        return { reason: 'unknown', targets: [] };
      return { reason, targets: [call ? this.callable(found.def) : found.def] };
    }
    if (found.kind === 'external') return { reason: `external:${found.pkg}`, targets: [] };
    return { reason: 'unknown', targets: [] };
  }

  /** What a test framework's global returns (`expect(x)`, `vi.fn()`) belongs to that framework, as the call does. */
  private testGlobalValue(file: FileIndex, callee: string): Lookup {
    const reason = this.globalReason(file, callee.split('.')[0] ?? '');
    return reason.startsWith('external:')
      ? { kind: 'external', pkg: reason.slice('external:'.length) }
      : NONE;
  }

  private globalReason(file: FileIndex, name: string): ReasonCode {
    if (file.facts.isTestFile && file.rules.testGlobals.has(name))
      return `external:${file.facts.testFramework ?? 'test-runner'}`;
    return file.rules.builtins.has(name) ? 'builtin' : 'unknown';
  }

  private classDef(file: FileIndex, classLocalId: string | null): Def | undefined {
    const sym = classLocalId ? file.byLocalId.get(classLocalId) : undefined;
    return sym ? { file, sym } : undefined;
  }

  private resolveMember(file: FileIndex, name: string, receiver: Receiver): Resolution {
    switch (receiver.kind) {
      case 'this': {
        const cls = this.classDef(file, receiver.classLocalId);
        const member = cls ? this.findMember(cls, name) : undefined;
        // Also when the member is an interface's (an abstract class calling what it leaves to its subclasses): the
        // interface-impl tier then draws the overrides below this class.
        if (member && cls) return { reason: 'receiver-typed', targets: [member], receiverType: cls };
        // Not declared in the repository's part of the hierarchy, which extends a class from outside it
        // (`self.assertEqual` in a `unittest.TestCase`): inherited from there.
        const outside = cls ? this.externalBase(cls) : null;
        return outside ? { reason: `external:${outside}`, targets: [] } : this.guess(file, name, receiver);
      }
      case 'super': {
        const cls = this.classDef(file, receiver.classLocalId);
        for (const base of cls?.sym.extends ?? []) {
          const parent = this.resolveTypeName(file, base);
          if (parent.kind === 'external') return { reason: `external:${parent.pkg}`, targets: [] };
          if (parent.kind !== 'symbol') continue;
          if (name === file.rules.constructorName)
            return { reason: 'receiver-typed', targets: [this.callable(parent.def)] };
          const member = this.findMember(parent.def, name);
          if (member) return { reason: 'receiver-typed', targets: [member] };
        }
        return name === file.rules.constructorName
          ? { reason: 'unknown', targets: [] }
          : this.guess(file, name, receiver);
      }
      case 'this-field': {
        const cls = this.classDef(file, receiver.classLocalId);
        const field = cls ? this.findMember(cls, receiver.field) : undefined;
        const value = field ? this.declaredType(field, (sym) => sym.valueType) : null;
        if (value) {
          const typed = this.typedMember(
            this.resolveTypeRef(value.file, value.ref),
            name,
            value.file,
            value.ref,
          );
          if (typed) return typed;
        }
        return this.guess(file, name, receiver);
      }
      case 'identifier': {
        const b = receiver.binding;
        if (b.kind === 'local-symbol') {
          const sym = file.byLocalId.get(b.localId);
          if (sym) {
            const member = this.memberOnValue({ file, sym }, name);
            if (member) return this.memberResolution(member, 'same-file', name);
          }
          return this.guess(file, name, receiver);
        }
        if (b.kind === 'import') {
          const imp = file.importsByLocal.get(b.localName);
          const found = imp ? this.resolveImport(file, imp) : NONE;
          if (found.kind === 'external') return { reason: `external:${found.pkg}`, targets: [] };
          if (found.kind === 'module') {
            const exported = this.moduleExport(found.files, name);
            // `qs.parse()` where qs's index has `module.exports = { parse }` and `parse = require('./parse')`.
            const called = this.calledModuleValue(exported);
            if (called) return called;
            if (exported.kind !== 'none') return this.fromLookup(exported, 'import', false);
            const value = this.moduleValue(found.files);
            if (value.kind === 'symbol') {
              const member = this.memberOnValue(value.def, name);
              if (member) return this.memberResolution(member, 'import', name);
            }
            return this.guess(file, name, receiver);
          }
          if (found.kind === 'symbol') {
            const member = this.memberOnValue(found.def, name);
            if (member) return this.memberResolution(member, 'import', name);
          }
          return this.guess(file, name, receiver);
        }
        if (b.kind === 'local-value') {
          if (b.valueType) {
            const typed = this.typedMember(this.resolveTypeRef(file, b.valueType), name, file, b.valueType);
            if (typed) return typed;
          }
          return this.guess(file, name, receiver);
        }
        if (b.kind === 'import-search') {
          const found = this.searchModules(file, receiver.name, b.specifiers);
          if (found.kind === 'external') return { reason: `external:${found.pkg}`, targets: [] };
          if (found.kind === 'symbol') {
            const member = this.memberOnValue(found.def, name);
            if (member) return this.memberResolution(member, 'import', name);
          }
          return this.guess(file, name, receiver);
        }
        const sibling = this.packageScope(file, b.name);
        if (sibling.kind === 'symbol') {
          const member = this.memberOnValue(sibling.def, name);
          if (member) return this.memberResolution(member, 'same-file', name);
          return this.guess(file, name, receiver);
        }
        if (file.rules.builtins.has(b.name)) return { reason: 'builtin', targets: [] };
        if (file.facts.isTestFile && file.rules.testGlobals.has(b.name))
          return { reason: this.globalReason(file, b.name), targets: [] };
        return this.guess(file, name, receiver);
      }
      case 'typed': {
        const typed = this.typedMember(
          this.resolveTypeRef(file, receiver.valueType),
          name,
          file,
          receiver.valueType,
        );
        return typed ?? this.guess(file, name, receiver);
      }
      case 'expression': {
        // `core.$ZodXID.init()`: a dotted path of names is followed to its definition, then its member.
        const path = file.rules.valuePath(receiver.text);
        if (path !== null) {
          const owner = this.resolveValuePath(file, path.join('.'));
          if (owner.kind === 'external') return { reason: `external:${owner.pkg}`, targets: [] };
          if (owner.kind === 'module') {
            const exported = this.moduleExport(owner.files, name);
            const called = this.calledModuleValue(exported);
            if (called) return called;
            if (exported.kind !== 'none') return this.fromLookup(exported, 'import', false);
          }
          if (owner.kind === 'symbol') {
            const member = this.memberOnValue(owner.def, name);
            const head = path[0] ?? '';
            if (member)
              return this.memberResolution(
                member,
                file.importsByLocal.has(head) ? 'import' : 'same-file',
                name,
              );
          }
        }
        return this.guess(file, name, receiver);
      }
    }
  }

  private memberResolution(
    member: { def: Def; viaType: boolean; interfaceOwner?: Def },
    bindingReason: ResolvedReason,
    name: string,
  ): Resolution {
    if (member.interfaceOwner) return this.interfaceResolution(member.def, name);
    return { reason: member.viaType ? 'receiver-typed' : bindingReason, targets: [member.def] };
  }

  /**
   * What is left when the receiver's type is not known: a runtime method no repository type declares (`builtin`),
   * the one typed declaration of the receiver's property name
   * (`unique-property`), else a guess by method name among few candidates (`name-only`), both among the languages
   * the file can call, each only when the file's language draws that guess (ResolutionRules.guesses); otherwise
   * unknown.
   */
  private guess(file: FileIndex, name: string, receiver: Receiver): Resolution {
    const builtinName = file.rules.builtinMembers.has(name);
    if (builtinName) {
      this.deps?.add(`N\u0000${name}`);
      if (!this.memberNames.has(name)) return { reason: 'builtin', targets: [] };
    }
    const guesses = file.rules.guesses;
    if (guesses.has('unique-property')) {
      const property = receiverProperty(receiver);
      const found = property === null ? null : this.uniqueProperty(file, property, name);
      if (found) return found;
    }
    if (!guesses.has('name-only')) return { reason: 'unknown', targets: [] };
    this.deps?.add(`n\u0000${name}`);
    // Only members of a language this file can call: a JavaScript `cart.add()` never runs a Java `Cart.add`.
    const candidates = (this.membersByName.get(name) ?? []).filter((c) =>
      languagesCall(file.facts.language, c.file.facts.language),
    );
    if (candidates.length === 0 || candidates.length > MAX_NAME_ONLY_CANDIDATES)
      return { reason: 'unknown', targets: [] };
    for (const c of candidates) this.noteFile(c.file);
    // Measured apart: a name the runtime's builtin values also have (`has`, `then`), and a name several members have.
    const reason = builtinName
      ? 'name-only-builtin'
      : candidates.length > 1
        ? 'name-only-several'
        : 'name-only';
    return { reason, targets: candidates, candidates: candidates.length };
  }

  /**
   * `…​.prop.name()` where `prop` is declared once in the repository (in a language the file can call) with a type:
   * that type's member `name`.
   */
  private uniqueProperty(file: FileIndex, property: string, name: string): Resolution | null {
    this.deps?.add(`p\u0000${property}`);
    const declared = this.typedProperties()
      .get(property)
      ?.filter((d) => languagesCall(file.facts.language, d.file.facts.language));
    const only = declared?.length === 1 ? declared[0] : undefined;
    if (!only?.sym.valueType) return null;
    this.noteFile(only.file);
    const type = this.resolveTypeRef(only.file, only.sym.valueType);
    if (type.kind !== 'symbol') return null;
    const member = this.findMember(type.def, name);
    return member ? { reason: 'unique-property', targets: [member] } : null;
  }

  private typedProperties(): Map<string, Def[]> {
    if (!this.typedPropertiesByName) {
      this.typedPropertiesByName = new Map();
      for (const file of this.files.values()) {
        for (const sym of file.facts.symbols) {
          if (
            sym.parent !== null &&
            sym.kind === 'property' &&
            sym.valueType &&
            sym.valueType.kind !== 'function'
          )
            push(this.typedPropertiesByName, sym.name, { file, sym });
        }
      }
    }
    return this.typedPropertiesByName;
  }

  /**
   * A call its file binds to nothing, matched by name among the definitions of the file's language
   * (ResolutionRules.callsByName): `name-only` when the name is defined once, `ambiguous` when more often.
   */
  private byNameInLanguage(file: FileIndex, name: string): Resolution {
    const key = `${file.facts.language}\u0000${name}`;
    this.deps?.add(`l\u0000${key}`);
    const candidates = this.definitionsOf().get(key) ?? [];
    if (candidates.length === 0) return { reason: 'unknown', targets: [] };
    if (candidates.length > 1) return { reason: 'ambiguous', targets: [] };
    for (const c of candidates) this.noteFile(c.file);
    return { reason: 'name-only', targets: candidates, candidates: 1 };
  }

  private definitionsOf(): Map<string, Def[]> {
    if (!this.definitionsByName) {
      this.definitionsByName = new Map();
      for (const f of this.files.values()) {
        if (!f.rules.callsByName) continue;
        for (const sym of f.facts.symbols)
          if (BY_NAME_KINDS.has(sym.kind))
            push(this.definitionsByName, `${f.facts.language}\u0000${sym.name}`, { file: f, sym });
      }
    }
    return this.definitionsByName;
  }

  /** A call site that trips over malformed facts stays unresolved instead of failing the whole snapshot. */
  private resolveSafely(file: FileIndex, site: CallSiteFact): Resolution {
    try {
      const res = this.resolveCallSite(file, site);
      return file.facts.packageScope === undefined ? res : this.valueOrConversion(res);
    } catch {
      // Counted apart from `unknown`: a resolver bug, not a call the analysis could not know.
      this.typeDepth = 0;
      return { reason: 'resolver-error', targets: [] };
    }
  }

  /**
   * Languages with overloads (ResolutionRules.chooseOverload): the same-named callables of the target's class and its
   * bases, nearest first, narrowed by the call's argument types; several left is an ambiguous `name-only` match.
   */
  private chooseOverload(file: FileIndex, site: CallSiteFact, res: Resolution): Resolution {
    const choose = file.rules.chooseOverload;
    const target = res.targets.length === 1 ? res.targets[0] : undefined;
    if (!choose || !site.args || !target) return res;
    // `new Outer.Inner(…)` found the class: its constructors are the candidates.
    const isClass = target.sym.kind === 'class' && site.kind === 'new';
    const kind = isClass ? 'constructor' : target.sym.kind;
    if (kind !== 'method' && kind !== 'constructor') return res;
    const owner = isClass
      ? target.sym
      : target.sym.parent === null
        ? undefined
        : target.file.byLocalId.get(target.sym.parent);
    if (!owner) return res;
    const candidates: Def[] = [];
    const seen = new Set<string>();
    const collect = (cls: Def): void => {
      const key = makeSymbolId(cls.file.path, cls.sym.localId);
      if (seen.has(key)) return;
      seen.add(key);
      for (const sym of cls.file.members.get(cls.sym.localId)?.get(target.sym.name) ?? [])
        if (sym.kind === kind) candidates.push({ file: cls.file, sym });
      if (kind === 'constructor') return;
      for (const base of cls.sym.extends ?? []) {
        const parent = this.resolveTypeName(cls.file, base);
        if (parent.kind === 'symbol') collect(parent.def);
      }
    };
    try {
      collect({ file: target.file, sym: owner });
    } catch {
      return res;
    }
    if (candidates.length === 0 || (candidates.length === 1 && !isClass)) return res;
    const fit = choose(
      candidates.map((c) => c.sym),
      site.args,
    );
    const defs = fit
      .map((sym) => candidates.find((c) => c.sym === sym))
      .filter((d): d is Def => d !== undefined);
    if (defs.length === 0) return res;
    if (defs.length === 1) return { ...res, targets: defs };
    if (!DRAW_AMBIGUOUS_OVERLOADS) return { reason: 'ambiguous', targets: [] };
    return { reason: 'name-only', targets: defs, candidates: defs.length };
  }

  /**
   * In a package scope (Go) a call that lands on a field or variable calls a function value (dynamic), and one that
   * lands on a type is a conversion, which the language performs (builtin): neither is an edge to that symbol.
   */
  private valueOrConversion(res: Resolution): Resolution {
    const kind = res.targets.length === 1 ? res.targets[0]?.sym.kind : undefined;
    if (kind === 'property' || kind === 'variable') return { reason: 'dynamic', targets: [] };
    if (kind === 'class' || kind === 'interface' || kind === 'type' || kind === 'enum')
      return { reason: 'builtin', targets: [] };
    return res;
  }

  // ---------- edges ----------

  /** A reused file's previous answers, when its content and every input it read are unchanged; else null. */
  private reusable(path: string): FileResolutionMemo | null {
    const previous = this.input.previous?.files.get(path);
    if (!previous || previous.key !== this.keys.get(path)) return null;
    for (const [key, digest] of previous.deps) if (this.digestOf(key) !== digest) return null;
    return previous;
  }

  run(): ResolveOutput {
    const edges = new Map<string, Edge>();
    const resolvedByReason: Record<string, number> = {};
    const unresolvedByReason: Record<string, number> = {};
    let callSites = 0;
    let fileEdges: Edge[] = [];
    const addEdge = (edge: Omit<Edge, 'lines'>, line: number): void => {
      const key = `${edge.callerId}\u0000${edge.calleeId ?? `?${edge.calleeText}`}\u0000${edge.kind}\u0000${edge.reason}`;
      const existing = edges.get(key);
      if (existing) {
        if (!existing.lines.includes(line)) existing.lines.push(line);
        return;
      }
      const added = { ...edge, lines: [line] };
      edges.set(key, added);
      fileEdges.push(added);
    };
    const memo: ResolutionMemo = {
      files: new Map(),
      surfaces: this.surfaces,
      moduleDigests: new Map(),
      ...(this.input.moduleContext === undefined ? {} : { moduleContext: this.input.moduleContext }),
    };
    let reused = 0;
    const kept: Edge[] = [];
    const count = (into: Record<string, number>, from: Record<string, number>): void => {
      for (const [reason, n] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + n;
    };
    const paths = [...this.files.keys()].sort(cmp);
    for (const path of paths) {
      const file = this.files.get(path) as FileIndex;
      const previous = this.input.previous ? this.reusable(path) : null;
      if (previous) {
        reused++;
        // A file's edges are its callers' alone: no other file's edge can merge with them.
        for (const edge of previous.edges) kept.push(edge);
        callSites += previous.callSites;
        count(resolvedByReason, previous.resolvedByReason);
        count(unresolvedByReason, previous.unresolvedByReason);
        memo.files.set(path, previous);
        if (this.input.releaseCallSites) file.facts.callSites = [];
        continue;
      }
      fileEdges = [];
      const own = this.tracking
        ? {
            callSites: 0,
            resolvedByReason: {} as Record<string, number>,
            unresolvedByReason: {} as Record<string, number>,
          }
        : null;
      if (this.tracking) this.deps = new Set();
      for (const site of file.facts.callSites) {
        const res = this.chooseOverload(file, site, this.resolveSafely(file, site));
        // A call no line writes (a framework's implicit one) that finds nothing is no call at all.
        if (site.implicit && res.targets.length === 0) continue;
        callSites++;
        if (own) own.callSites++;
        const callerId = idOf(file, site.caller);
        const base = { callerId, calleeText: site.text, kind: site.kind };
        if (res.targets.length === 0) {
          const folded = res.reason.startsWith('external:') ? 'external' : res.reason;
          unresolvedByReason[folded] = (unresolvedByReason[folded] ?? 0) + 1;
          if (own) own.unresolvedByReason[folded] = (own.unresolvedByReason[folded] ?? 0) + 1;
          addEdge({ ...base, calleeId: null, reason: res.reason, confidence: null }, site.line);
          continue;
        }
        resolvedByReason[res.reason] = (resolvedByReason[res.reason] ?? 0) + 1;
        if (own) own.resolvedByReason[res.reason] = (own.resolvedByReason[res.reason] ?? 0) + 1;
        const reason = res.reason as ResolvedReason;
        const candidates = res.candidates ?? 1;
        for (const def of res.targets) {
          const edge: Omit<Edge, 'lines'> = {
            ...base,
            calleeId: idOf(def.file, def.sym.localId),
            reason,
            confidence: confidenceFor(reason, candidates, file.confidence),
          };
          if (res.candidates !== undefined) edge.candidates = res.candidates;
          addEdge(edge, site.line);
        }
        // The compiler names the interface member; which class runs is a guess, drawn under its own reason — also
        // for a language whose types implement interfaces by their methods (a lower tier, measured apart).
        const only = res.targets.length === 1 ? res.targets[0] : undefined;
        const impls = file.rules.structuralInterfaces
          ? (res.implementations ?? [])
          : file.rules.guesses.has('interface-impl') &&
              only &&
              res.reason !== 'name-only' &&
              res.reason !== 'name-only-builtin' &&
              res.reason !== 'name-only-several'
            ? this.overridesOf(only, res.receiverType)
            : [];
        for (const def of impls) {
          addEdge(
            {
              ...base,
              calleeId: idOf(def.file, def.sym.localId),
              reason: 'interface-impl',
              confidence: confidenceFor('interface-impl', impls.length, file.confidence),
              candidates: impls.length,
            },
            site.line,
          );
        }
      }
      if (own && this.deps) {
        const deps = this.deps;
        this.deps = null;
        deps.delete(`f\u0000${path}`);
        for (const edge of fileEdges) edge.lines.sort((a, b) => a - b);
        memo.files.set(path, {
          key: this.keys.get(path) as string,
          deps: [...deps].sort(cmp).map((key) => [key, this.digestOf(key)] as [string, string]),
          edges: fileEdges,
          ...own,
        });
      }
      // The input's facts are the caller's to give up: a large repo need not hold every call site and every edge.
      if (this.input.releaseCallSites) file.facts.callSites = [];
    }
    const out = [...kept, ...edges.values()];
    for (const edge of edges.values()) edge.lines.sort((a, b) => a - b);
    out.sort(
      (a, b) =>
        cmp(a.callerId, b.callerId) ||
        (a.lines[0] ?? 0) - (b.lines[0] ?? 0) ||
        cmp(a.calleeId ?? '', b.calleeId ?? '') ||
        cmp(a.calleeText, b.calleeText) ||
        cmp(a.reason, b.reason) ||
        cmp(a.kind, b.kind),
    );
    const output: ResolveOutput = { edges: out, stats: { callSites, resolvedByReason, unresolvedByReason } };
    if (this.tracking) {
      // Surfaces of files nobody read this time are not needed: keep only those of present files.
      for (const path of paths) this.digestOf(`f\u0000${path}`);
      for (const [key, digest] of this.digests)
        if (key[0] === 'm' || key[0] === 'd' || key[0] === 'i') memo.moduleDigests.set(key, digest);
      output.memo = memo;
      output.reusedFiles = reused;
    }
    return output;
  }
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64').slice(0, 16);
}

/** The parameter types a qualified name carries (`Cart.add(int,String)`), simple names; null when it carries none. */
function paramTypes(sym: SymbolFact): string[] | null {
  const name = sym.qualifiedName;
  const open = name.indexOf('(');
  if (open < 0 || !name.endsWith(')')) return null;
  const inner = name.slice(open + 1, -1);
  return inner === '' ? [] : inner.split(',').map((t) => t.slice(t.lastIndexOf('.') + 1));
}

/**
 * A callee's type arguments as its call's argument types bind them (CallTypeRef.argTypes): each type parameter that
 * a parameter is declared as (`x: T`) takes that argument's type; undefined when none is bound.
 */
function argumentTypeArgs(
  callee: SymbolFact,
  argTypes: ReadonlyArray<TypeRef | null> | undefined,
): Array<TypeRef | null> | undefined {
  if (!argTypes || !callee.typeParameters || !callee.parameters) return undefined;
  const params = callee.parameters;
  const bound = callee.typeParameters.map((name) => {
    const at = params.findIndex((p) => !p.rest && p.type?.kind === 'name' && p.type.name === name);
    return at >= 0 ? (argTypes[at] ?? null) : null;
  });
  return bound.some((t) => t !== null) ? bound : undefined;
}

/** Functions and methods: their valueType, when set, is what a call returns. */
function isCallableKind(sym: SymbolFact): boolean {
  return sym.kind === 'function' || sym.kind === 'method';
}

/** An interface or an object type alias: its members are declarations without bodies (`interface` edges). */
function isDeclaredType(sym: SymbolFact): boolean {
  return sym.kind === 'interface' || sym.kind === 'type';
}

/**
 * Whether calls of a type's members go through an interface. Where types satisfy interfaces by their method sets,
 * interfaces are declared as such (kind `interface`) and any other named type (`type ID [16]byte`) has methods with
 * bodies: a call of one is receiver-typed.
 */
function declaresInterface(def: Def): boolean {
  if (def.sym.kind === 'type' && def.file.rules.structuralInterfaces) return false;
  return isDeclaredType(def.sym);
}

/** The property a member call's receiver ends in (`ctx.auth` → `auth`, `this.flows` → `flows`), or null. */
function receiverProperty(receiver: Receiver): string | null {
  if (receiver.kind === 'this-field') return receiver.field;
  if (receiver.kind === 'typed') return receiver.valueType.kind === 'member' ? receiver.valueType.name : null;
  if (receiver.kind !== 'expression') return null;
  return /\.(#?[A-Za-z_$][\w$]*)$/.exec(receiver.text)?.[1] ?? null;
}

/** Resolves every call site of a snapshot to an edge with a reason and a confidence (unresolved ones kept). */
export const resolveRepo: ResolveRepo = (input: ResolveInput): ResolveOutput =>
  new RepoResolver(input, input.moduleResolver).run();

/** Whether a wildcard import of `module` binds `name`: only the names it lists, when it lists them (`__all__`). */
function wildcardBinds(module: FileIndex, name: string): boolean {
  return module.facts.wildcardNames === undefined || module.facts.wildcardNames.includes(name);
}

/** Whether `file` imports everything of `specifier` into its own names (`from m import *`). */
function isWildcardImport(file: FileIndex, specifier: string): boolean {
  return file.facts.imports.some(
    (i) => i.specifier === specifier && i.imported === '*' && i.localName === '',
  );
}
