/**
 * Per-file extraction for Java over a tree-sitter parse. Two passes: the declarations first (types, methods,
 * constructors, fields; nested types included), so a call may name a member declared further down; then the bodies
 * (methods, constructors, initialisers, field values), with a scope of typed locals and parameters, local classes,
 * anonymous classes and lambdas (whose calls count for the enclosing declaration).
 *
 * Names the repo-wide resolver can follow (see docs/java-analysis.md):
 *  - a type written `X` resolves in this file: declared here (top-level, or nested: written `Outer.Inner`), imported
 *    (`import a.b.X`), in java.lang (kept as a builtin), else an implicit import whose specifier lists where Java
 *    looks next — the file's own package, then each on-demand import (`a.b.X|c.d.X`; module-resolver.ts tries them);
 *  - a fully qualified name or the class of a static import binds to an import whose local name is the dotted name
 *    with `/` and a final `#` (`java/util/Collections#`): it can clash with no Java identifier;
 *  - methods and constructors carry their erased parameter types in the qualified name (`Cart.add(int)`,
 *    `Cart.Cart()`), so overloads have distinct ids; each call site lists the obvious types of its arguments (`args`)
 *    so the resolver can choose among them (resolution.ts).
 * Pure: no I/O.
 */
import type {
  Binding,
  CallSiteFact,
  CallTarget,
  Diagnostic,
  ExportFact,
  FileFacts,
  ImportFact,
  ParameterFact,
  Receiver,
  SymbolFact,
  SymbolKind,
  TypeRef,
} from '../../core/facts.js';
import { MODULE_QUALIFIED_NAME } from '../../core/facts.js';
import { makeLocalId } from '../../core/ids.js';
import {
  erasedParamType,
  isJavaTestPath,
  JAVA_LANG,
  JUNIT3_SETUP_METHODS,
  PRIMITIVES,
  SETUP_ANNOTATIONS,
  TEST_ANNOTATIONS,
} from './conventions.js';
import type { SyntaxNode } from './parser.js';
import { parseJava } from './parser.js';
import { startLine as line, syntaxErrorDiagnostics } from '../tree-sitter/syntax.js';

const MAX_DEPTH = 400;
const MAX_CALL_TEXT = 200;

const TYPE_DECLARATIONS = new Set([
  'class_declaration',
  'interface_declaration',
  'enum_declaration',
  'record_declaration',
  'annotation_type_declaration',
]);

/** A declared class, interface, enum, record or annotation type. */
interface TypeInfo {
  localId: string;
  name: string;
  /** Qualified-name prefix of its members (`Outer.Inner`, `Outer.run().Local`). */
  qn: string;
  /** The name the resolver follows to it from this file (`Outer`, `Outer.Inner`); null for a local class. */
  ref: string | null;
  kind: SymbolKind;
  methods: Set<string>;
  /** The declared return type of each method, by name (one entry per overload). */
  returns: Map<string, Var[]>;
  fields: Map<string, Var>;
  nested: Map<string, TypeInfo>;
  outer: TypeInfo | null;
  /** Resolvable name of the superclass (`extends`), if any. */
  superRef: string | null;
  /** The test hooks and tests of a test class. */
  setup: string[];
  tests: Array<{ localId: string; line: number }>;
  typeParams: Set<string>;
  /** An anonymous class (`new X() { … }`, an enum constant's body): `superRef` is what it extends. */
  anonymous: boolean;
}

/** A typed variable: the name the resolver follows to its type, and its erased type as an overload compares it. */
interface Var {
  ref: string | null;
  erased: string | null;
}

interface Ctx {
  caller: string;
  /** The named class whose members `this` reaches (the enclosing one inside an anonymous class). */
  type: TypeInfo | null;
  vars: Map<string, Var>;
  parent: Ctx | null;
  typeParams: Set<string>;
  localTypes: Map<string, TypeInfo>;
}

const UNKNOWN: Var = { ref: null, erased: null };
const NUMERIC = ['byte', 'short', 'char', 'int', 'long', 'float', 'double'];
const UNBOXED: Readonly<Record<string, string>> = {
  Integer: 'int',
  Long: 'long',
  Double: 'double',
  Float: 'float',
  Short: 'short',
  Byte: 'byte',
  Character: 'char',
};

/** Binary numeric promotion (JLS 5.6.2); null when a side is not numeric. */
function promote(a: string, b: string): string | null {
  const x = UNBOXED[a] ?? a;
  const y = UNBOXED[b] ?? b;
  if (!NUMERIC.includes(x) || !NUMERIC.includes(y)) return null;
  for (const t of ['double', 'float', 'long']) if (x === t || y === t) return t;
  return 'int';
}

/** What some methods every Java class has, or String has, return: enough to pick an overload by. */
const JDK_RETURNS: Readonly<Record<string, Var>> = {
  toString: { ref: 'String', erased: 'String' },
  name: { ref: 'String', erased: 'String' },
  length: { ref: null, erased: 'int' },
  size: { ref: null, erased: 'int' },
  hashCode: { ref: null, erased: 'int' },
  ordinal: { ref: null, erased: 'int' },
  indexOf: { ref: null, erased: 'int' },
  equals: { ref: null, erased: 'boolean' },
  isEmpty: { ref: null, erased: 'boolean' },
  charAt: { ref: null, erased: 'char' },
  charValue: { ref: null, erased: 'char' },
  intValue: { ref: null, erased: 'int' },
  longValue: { ref: null, erased: 'long' },
  doubleValue: { ref: null, erased: 'double' },
  booleanValue: { ref: null, erased: 'boolean' },
  getMessage: { ref: 'String', erased: 'String' },
  toPath: { ref: null, erased: 'Path' },
  getClass: { ref: 'Class', erased: 'Class' },
};

interface Body {
  node: SyntaxNode;
  ctx: Ctx;
  anonymous?: { base: string | null; label: string };
}

/** The last segment of a resolvable type name (`Outer.Inner` → Inner, `a/b/C#` → C). */
function simpleName(ref: string | null): string {
  if (ref === null) return '';
  const last = ref.slice(ref.lastIndexOf('.') + 1);
  return last.slice(last.lastIndexOf('/') + 1).replace(/#$/, '');
}

function endLine(node: SyntaxNode): number {
  return node.endPosition.row + 1;
}

function isCapitalised(name: string): boolean {
  return /^[A-Z]/.test(name);
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_CALL_TEXT ? flat.slice(0, MAX_CALL_TEXT) : flat;
}

function annotationName(node: SyntaxNode): string {
  const name = node.childForFieldName('name')?.text ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

class Extractor {
  readonly symbols: SymbolFact[] = [];
  readonly imports: ImportFact[] = [];
  readonly exports: ExportFact[] = [];
  readonly callSites: CallSiteFact[] = [];
  readonly diagnostics: Diagnostic[] = [];
  isTestFile: boolean;
  framework: string | null = null;

  private pkg = '';
  private readonly singleImports = new Map<string, string>();
  private readonly onDemand: string[] = [];
  /** Simple names bound by a nested-type import (`import a.Outer.Inner`) → resolvable name. */
  private readonly nestedImports = new Map<string, string>();
  /** Statically imported member name → local name of its class's import. */
  private readonly staticMembers = new Map<string, string>();
  private readonly staticOnDemand: string[] = [];
  private readonly topTypes = new Map<string, TypeInfo>();
  /** Types declared in this file by the name the resolver follows to them (`Outer.Inner`). */
  private readonly typesByRef = new Map<string, TypeInfo>();
  private readonly implicitImports = new Set<string>();
  private readonly usedIds = new Map<string, number>();
  private readonly bodies: Body[] = [];
  /** The type declarations whose clauses are read again once the file's types are all declared. */
  private readonly heritages: Array<{ node: SyntaxNode; info: TypeInfo; typeCtx: Ctx }> = [];
  private typesDeclared = false;
  private readonly moduleId: string;
  private depthWarned = false;

  constructor(
    readonly path: string,
    lastLine: number,
  ) {
    this.isTestFile = isJavaTestPath(path);
    this.moduleId = makeLocalId(MODULE_QUALIFIED_NAME, 'module');
    this.symbols.push({
      localId: this.moduleId,
      name: MODULE_QUALIFIED_NAME,
      qualifiedName: MODULE_QUALIFIED_NAME,
      kind: 'module',
      startLine: 1,
      endLine: lastLine,
      signature: '',
      returnType: null,
      exported: false,
      doc: null,
      parent: null,
    });
  }

  run(root: SyntaxNode): void {
    for (const child of root.namedChildren) {
      if (!child) continue;
      if (child.type === 'package_declaration') {
        const name = child.namedChildren.find(
          (c) => c?.type === 'scoped_identifier' || c?.type === 'identifier',
        );
        this.pkg = name?.text.replace(/\s+/g, '') ?? '';
      } else if (child.type === 'import_declaration') this.readImport(child);
    }
    for (const child of root.namedChildren)
      if (child && TYPE_DECLARATIONS.has(child.type)) this.declareType(child, null, null, 0);
    // Once every type of the file is declared, the clauses again: `class A extends B` may name a nested type B
    // declared below A (a sibling in the same outer class), which the first reading could not see.
    this.typesDeclared = true;
    for (const { node, info, typeCtx } of this.heritages) this.heritage(node, info, typeCtx);
    for (const body of this.bodies) this.runBody(body, 0);
    this.linkTests();
  }

  // ---------- imports ----------

  private readImport(node: SyntaxNode): void {
    const isStatic = node.children.some((c) => c?.type === 'static');
    const star = node.children.some((c) => c?.type === 'asterisk');
    const nameNode = node.namedChildren.find(
      (c) => c?.type === 'scoped_identifier' || c?.type === 'identifier',
    );
    if (!nameNode) return;
    const dotted = nameNode.text.replace(/\s+/g, '');
    const segs = dotted.split('.');
    const at = line(node);
    if (!isStatic) {
      if (star) {
        this.onDemand.push(dotted);
        this.imports.push({
          localName: '',
          imported: '*',
          specifier: `${dotted}.*`,
          line: at,
          typeOnly: false,
          kind: 'static',
        });
        return;
      }
      const simple = segs[segs.length - 1] ?? dotted;
      const firstCap = segs.findIndex(isCapitalised);
      if (firstCap >= 0 && firstCap < segs.length - 1) {
        // `import a.b.Outer.Inner`: the outer class is the module's export, the rest a path of members.
        const outer = this.qualifiedImport(segs.slice(0, firstCap + 1).join('.'), at);
        this.nestedImports.set(simple, [outer, ...segs.slice(firstCap + 1)].join('.'));
        return;
      }
      this.singleImports.set(simple, dotted);
      this.imports.push({
        localName: simple,
        imported: simple,
        specifier: dotted,
        line: at,
        typeOnly: false,
        kind: 'static',
      });
      return;
    }
    // Static imports: the class is what the module exports; the member is looked up on it.
    const classSegs = star ? segs : segs.slice(0, -1);
    const firstCap = classSegs.findIndex(isCapitalised);
    let owner: string;
    if (firstCap >= 0 && firstCap < classSegs.length - 1) {
      owner = [
        this.qualifiedImport(classSegs.slice(0, firstCap + 1).join('.'), at),
        ...classSegs.slice(firstCap + 1),
      ].join('.');
    } else owner = this.qualifiedImport(classSegs.join('.'), at);
    if (star) this.staticOnDemand.push(owner);
    else this.staticMembers.set(segs[segs.length - 1] ?? '', owner);
  }

  /** The import of a class by its fully qualified name, under a local name no Java identifier can be. */
  private qualifiedImport(dotted: string, at: number): string {
    const localName = `${dotted.split('.').join('/')}#`;
    if (!this.imports.some((i) => i.localName === localName)) {
      const simple = dotted.slice(dotted.lastIndexOf('.') + 1);
      this.imports.push({
        localName,
        imported: simple,
        specifier: dotted,
        line: at,
        typeOnly: false,
        kind: 'static',
      });
    }
    return localName;
  }

  // ---------- type names ----------

  /** The name the resolver follows to the type written `node`, or null (primitive, array, type variable, local). */
  private typeRefOf(node: SyntaxNode | null, ctx: Ctx | null, at: number): string | null {
    if (!node) return null;
    switch (node.type) {
      case 'type_identifier':
        return this.simpleTypeRef(node.text, ctx, at);
      case 'scoped_type_identifier':
      case 'scoped_identifier':
        return this.dottedTypeRef(node.text.replace(/@[\w.]+\s*/g, '').replace(/\s+/g, ''), ctx, at);
      case 'generic_type': {
        const base = node.namedChildren.find(
          (c) => c?.type === 'type_identifier' || c?.type === 'scoped_type_identifier',
        );
        return this.typeRefOf(base ?? null, ctx, at);
      }
      case 'annotated_type':
        return this.typeRefOf(node.namedChildren[node.namedChildren.length - 1] ?? null, ctx, at);
      default:
        return null;
    }
  }

  private dottedTypeRef(text: string, ctx: Ctx | null, at: number): string | null {
    const segs = text.replace(/<.*$/, '').split('.');
    const first = segs[0] ?? '';
    if (isCapitalised(first)) {
      const head = this.simpleTypeRef(first, ctx, at);
      return head === null ? null : [head, ...segs.slice(1)].join('.');
    }
    const firstCap = segs.findIndex(isCapitalised);
    if (firstCap < 0) return null;
    const local = this.qualifiedImport(segs.slice(0, firstCap + 1).join('.'), at);
    return [local, ...segs.slice(firstCap + 1)].join('.');
  }

  private typeParamVisible(name: string, ctx: Ctx | null): boolean {
    for (let c = ctx; c; c = c.parent) if (c.typeParams.has(name)) return true;
    for (let t = ctx?.type ?? null; t; t = t.outer) if (t.typeParams.has(name)) return true;
    return false;
  }

  /** A visible nested or local type with this simple name, innermost first. */
  private visibleType(name: string, ctx: Ctx | null): TypeInfo | undefined {
    for (let c = ctx; c; c = c.parent) {
      const local = c.localTypes.get(name);
      if (local) return local;
    }
    for (let t = ctx?.type ?? null; t; t = t.outer) {
      if (t.name === name) return t;
      const nested = t.nested.get(name);
      if (nested) return nested;
    }
    return this.topTypes.get(name);
  }

  private simpleTypeRef(name: string, ctx: Ctx | null, at: number): string | null {
    if (this.typeParamVisible(name, ctx)) return null;
    const visible = this.visibleType(name, ctx);
    if (visible) return visible.ref;
    if (this.singleImports.has(name)) return name;
    const nested = this.nestedImports.get(name);
    if (nested) return nested;
    if (JAVA_LANG.has(name)) return name;
    if (PRIMITIVES.has(name) || name === 'var') return null;
    this.implicitImport(name, at);
    return name;
  }

  /** Binds a simple type name Java finds without a single-type import: this package, then on-demand imports. */
  private implicitImport(name: string, at: number): void {
    if (this.implicitImports.has(name)) return;
    this.implicitImports.add(name);
    const candidates = [
      this.pkg === '' ? name : `${this.pkg}.${name}`,
      ...this.onDemand.map((p) => `${p}.${name}`),
    ];
    this.imports.push({
      localName: name,
      imported: name,
      specifier: candidates.join('|'),
      line: at,
      typeOnly: false,
      kind: 'static',
    });
  }

  /** How a type's name is bound where it is written as a value (`X.m()`, `new X()`). */
  private typeBinding(ref: string, ctx: Ctx | null): Binding {
    const visible = !ref.includes('.') && !ref.includes('#') ? this.visibleType(ref, ctx) : undefined;
    if (visible) return { kind: 'local-symbol', localId: visible.localId };
    if (JAVA_LANG.has(ref) && !this.singleImports.has(ref) && !this.implicitImports.has(ref))
      return { kind: 'global', name: ref };
    return { kind: 'import', localName: ref };
  }

  // ---------- declarations ----------

  private addSymbol(sym: Omit<SymbolFact, 'localId'> & { localId?: string }): string {
    const base = makeLocalId(sym.qualifiedName, sym.kind);
    const n = (this.usedIds.get(base) ?? 0) + 1;
    this.usedIds.set(base, n);
    const localId = makeLocalId(sym.qualifiedName, sym.kind, n);
    this.symbols.push({ ...sym, localId });
    return localId;
  }

  private modifiersOf(node: SyntaxNode): {
    annotations: string[];
    texts: string[];
    isStatic: boolean;
    isPublic: boolean;
  } {
    const mods = node.namedChildren.find((c) => c?.type === 'modifiers');
    const annotations: string[] = [];
    const texts: string[] = [];
    let isStatic = false;
    let isPublic = false;
    for (const m of mods?.children ?? []) {
      if (!m) continue;
      if (m.type === 'marker_annotation' || m.type === 'annotation') {
        annotations.push(annotationName(m));
        texts.push(m.text.replace(/^@/, '').replace(/\s+/g, ' '));
      } else if (m.type === 'static') isStatic = true;
      else if (m.type === 'public') isPublic = true;
    }
    return { annotations, texts, isStatic, isPublic };
  }

  private docOf(node: SyntaxNode): string | null {
    const prev = node.previousNamedSibling;
    if (!prev || prev.type !== 'block_comment' || !prev.text.startsWith('/**')) return null;
    if (line(node) - endLine(prev) > 1) return null;
    const body = prev.text
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, ''))
      .join(' ')
      .trim();
    if (body === '' || body.startsWith('@')) return null;
    const sentence = /^(.*?[.!?])(\s|$)/.exec(body)?.[1] ?? body;
    return sentence.slice(0, 300);
  }

  private typeParamsOf(node: SyntaxNode): Set<string> {
    const out = new Set<string>();
    const params = node.childForFieldName('type_parameters');
    for (const p of params?.namedChildren ?? []) {
      const id = p?.namedChildren.find((c) => c?.type === 'type_identifier' || c?.type === 'identifier');
      if (id) out.add(id.text);
    }
    return out;
  }

  private declareType(
    node: SyntaxNode,
    outer: TypeInfo | null,
    ctx: Ctx | null,
    depth: number,
  ): TypeInfo | null {
    if (depth > MAX_DEPTH) return this.tooDeep(node);
    const name = node.childForFieldName('name')?.text ?? '';
    if (name === '') return null;
    const kind: SymbolKind =
      node.type === 'interface_declaration' || node.type === 'annotation_type_declaration'
        ? 'interface'
        : node.type === 'enum_declaration'
          ? 'enum'
          : 'class';
    const isLocal = ctx !== null;
    const qn = outer ? `${outer.qn}.${name}` : isLocal ? `${this.qnOfCaller(ctx)}.${name}` : name;
    const parent = outer ? outer.localId : isLocal ? ctx.caller : null;
    const mods = this.modifiersOf(node);
    const info: TypeInfo = {
      localId: '',
      name,
      qn,
      ref: isLocal ? null : outer ? (outer.ref === null ? null : `${outer.ref}.${name}`) : name,
      kind,
      methods: new Set(),
      returns: new Map(),
      fields: new Map(),
      nested: new Map(),
      outer,
      superRef: null,
      setup: [],
      tests: [],
      typeParams: this.typeParamsOf(node),
      anonymous: false,
    };
    if (info.ref !== null) this.typesByRef.set(info.ref, info);
    if (outer) outer.nested.set(name, info);
    else if (!isLocal) this.topTypes.set(name, info);
    else ctx.localTypes.set(name, info);
    const typeCtx: Ctx = {
      caller: '',
      type: info,
      vars: new Map(),
      parent: ctx,
      typeParams: new Set(),
      localTypes: new Map(),
    };
    const at = line(node);
    const localId = this.addSymbol({
      name,
      qualifiedName: qn,
      kind,
      startLine: at,
      endLine: endLine(node),
      signature:
        node.type === 'record_declaration' ? this.signatureOf(node.childForFieldName('parameters')) : '',
      returnType: null,
      exported: !isLocal,
      doc: this.docOf(node),
      parent,
      ...(mods.texts.length > 0 ? { decorators: mods.texts } : {}),
      ...(outer || isLocal ? { isStatic: mods.isStatic } : {}),
    });
    info.localId = localId;
    typeCtx.caller = localId;
    if (!outer && !isLocal) this.exports.push({ exported: name, local: name, line: at });

    // Record components are fields (their accessors are the compiler's).
    if (node.type === 'record_declaration') {
      for (const p of node.childForFieldName('parameters')?.namedChildren ?? []) {
        if (!p || p.type !== 'formal_parameter') continue;
        const fname = p.childForFieldName('name')?.text ?? '';
        const var_ = this.varOf(p.childForFieldName('type'), typeCtx, line(p));
        info.fields.set(fname, var_);
        this.addSymbol({
          name: fname,
          qualifiedName: `${qn}.${fname}`,
          kind: 'property',
          startLine: line(p),
          endLine: endLine(p),
          signature: '',
          returnType: p.childForFieldName('type')?.text ?? null,
          exported: true,
          doc: null,
          parent: localId,
          valueType: var_.ref ? { kind: 'name', name: var_.ref } : null,
        });
      }
    }
    const body = node.childForFieldName('body');
    if (!body) {
      this.heritage(node, info, typeCtx);
      return info;
    }
    // Members are declared before any body is read: a call may name a member declared below it.
    const members: SyntaxNode[] = [];
    for (const child of body.namedChildren) {
      if (!child) continue;
      if (child.type === 'enum_body_declarations')
        members.push(...child.namedChildren.filter((c): c is SyntaxNode => c !== null));
      else members.push(child);
    }
    for (const m of members) {
      if (m.type === 'method_declaration') info.methods.add(m.childForFieldName('name')?.text ?? '');
      else if (m.type === 'annotation_type_element_declaration')
        info.methods.add(m.childForFieldName('name')?.text ?? '');
    }
    for (const m of members) {
      if (TYPE_DECLARATIONS.has(m.type)) this.declareType(m, info, null, depth + 1);
    }
    // After the nested types: `class A implements A.Sized` may name one of them.
    this.heritage(node, info, typeCtx);
    for (const m of members) this.declareMember(m, info, typeCtx);
    return info;
  }

  /** The `extends` and `implements` clauses of a type declaration, as the names the resolver follows. */
  private heritage(node: SyntaxNode, info: TypeInfo, typeCtx: Ctx): void {
    if (!this.typesDeclared) this.heritages.push({ node, info, typeCtx });
    const at = line(node);
    const extendsRefs: string[] = [];
    const implementsRefs: string[] = [];
    const superclass = node.childForFieldName('superclass');
    if (superclass) {
      const ref = this.typeRefOf(superclass.namedChildren[0] ?? null, typeCtx, at);
      if (ref) extendsRefs.push(ref);
      info.superRef = ref;
    }
    const listOf = (n: SyntaxNode | null | undefined): SyntaxNode[] => {
      const list = n?.namedChildren.find((c) => c?.type === 'type_list') ?? n;
      return (list?.namedChildren ?? []).filter((c): c is SyntaxNode => c !== null);
    };
    const interfaces =
      node.childForFieldName('interfaces') ?? node.namedChildren.find((c) => c?.type === 'super_interfaces');
    for (const t of listOf(interfaces)) {
      const ref = this.typeRefOf(t, typeCtx, at);
      if (ref) implementsRefs.push(ref);
    }
    const extendsInterfaces = node.namedChildren.find((c) => c?.type === 'extends_interfaces');
    for (const t of listOf(extendsInterfaces)) {
      const ref = this.typeRefOf(t, typeCtx, at);
      if (ref) extendsRefs.push(ref);
    }
    const sym = this.symbols.find((s) => s.localId === info.localId);
    if (sym && extendsRefs.length > 0) sym.extends = extendsRefs;
    if (sym && implementsRefs.length > 0) sym.implements = implementsRefs;
    if (this.isTestFile && extendsRefs.some((r) => /(^|[./#])TestCase$/.test(r))) this.framework ??= 'junit3';
  }

  private inheritsJUnit3(info: TypeInfo): boolean {
    return info.superRef !== null && /TestCase$/.test(info.superRef);
  }

  private qnOfCaller(ctx: Ctx): string {
    const sym = this.symbols.find((s) => s.localId === ctx.caller);
    return sym?.qualifiedName ?? MODULE_QUALIFIED_NAME;
  }

  private varOf(typeNode: SyntaxNode | null, ctx: Ctx | null, at: number): Var {
    if (!typeNode) return { ref: null, erased: null };
    return { ref: this.typeRefOf(typeNode, ctx, at), erased: erasedParamType(typeNode.text) };
  }

  private signatureOf(params: SyntaxNode | null): string {
    if (!params) return '()';
    return params.text.replace(/\s+/g, ' ').replace(/\(\s+/, '(').replace(/\s+\)/, ')');
  }

  private paramTypes(params: SyntaxNode | null): string {
    const out: string[] = [];
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      if (p.type === 'formal_parameter') out.push(erasedParamType(p.childForFieldName('type')?.text ?? '?'));
      else if (p.type === 'spread_parameter') {
        const t = p.namedChildren.find(
          (c) => c && c.type !== 'modifiers' && c.type !== 'variable_declarator',
        );
        out.push(`${erasedParamType(t?.text ?? '?')}...`);
      }
    }
    return out.join(',');
  }

  /** The declared parameters, with the types the resolver can follow (primitives and arrays have none). */
  private parameterFacts(params: SyntaxNode | null, ctx: Ctx): ParameterFact[] {
    const out: ParameterFact[] = [];
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      if (p.type === 'formal_parameter') {
        const ref = this.typeRefOf(p.childForFieldName('type'), ctx, line(p));
        out.push({
          name: p.childForFieldName('name')?.text ?? '',
          type: ref ? { kind: 'name', name: ref } : null,
        });
      } else if (p.type === 'spread_parameter') {
        const decl = p.namedChildren.find((c) => c?.type === 'variable_declarator');
        out.push({ name: decl?.childForFieldName('name')?.text ?? '', type: null, rest: true });
      }
    }
    return out;
  }

  private declareParams(params: SyntaxNode | null, ctx: Ctx): void {
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      if (p.type === 'formal_parameter') {
        const name = p.childForFieldName('name')?.text ?? '';
        ctx.vars.set(name, this.varOf(p.childForFieldName('type'), ctx, line(p)));
      } else if (p.type === 'spread_parameter') {
        const decl = p.namedChildren.find((c) => c?.type === 'variable_declarator');
        const name = decl?.childForFieldName('name')?.text ?? '';
        ctx.vars.set(name, { ref: null, erased: null });
      }
    }
  }

  private declareMember(m: SyntaxNode, info: TypeInfo, typeCtx: Ctx): void {
    const at = line(m);
    switch (m.type) {
      case 'method_declaration':
      case 'constructor_declaration':
      case 'compact_constructor_declaration':
      case 'annotation_type_element_declaration': {
        const isCtor = m.type !== 'method_declaration' && m.type !== 'annotation_type_element_declaration';
        const name = isCtor ? info.name : (m.childForFieldName('name')?.text ?? '');
        const params =
          m.type === 'compact_constructor_declaration' ? null : m.childForFieldName('parameters');
        const mods = this.modifiersOf(m);
        const typeParams = this.typeParamsOf(m);
        const fnCtx: Ctx = {
          caller: '',
          type: info,
          vars: new Map(),
          parent: typeCtx,
          typeParams,
          localTypes: new Map(),
        };
        let types = this.paramTypes(params);
        let signature = this.signatureOf(params);
        if (m.type === 'compact_constructor_declaration') {
          // A record's compact constructor takes the record's components.
          const recordParams = m.parent?.parent?.childForFieldName('parameters') ?? null;
          types = this.paramTypes(recordParams);
          signature = this.signatureOf(recordParams);
          this.declareParams(recordParams, fnCtx);
        }
        const isTest =
          !isCtor &&
          this.isTestFile &&
          (mods.annotations.some((a) => TEST_ANNOTATIONS.has(a)) ||
            (this.inheritsJUnit3(info) &&
              /^test/.test(name) &&
              mods.isPublic &&
              (params?.namedChildren.length ?? 0) === 0));
        const isSetup =
          !isCtor &&
          (mods.annotations.some((a) => SETUP_ANNOTATIONS.has(a)) ||
            (this.inheritsJUnit3(info) && JUNIT3_SETUP_METHODS.has(name)));
        const returnTypeNode = m.childForFieldName('type');
        const returned = returnTypeNode ? this.varOf(returnTypeNode, fnCtx, at) : null;
        if (returned && !isCtor) {
          const list = info.returns.get(name);
          if (list) list.push(returned);
          else info.returns.set(name, [returned]);
        }
        const kind: SymbolKind = isCtor ? 'constructor' : isTest ? 'test' : 'method';
        const localId = this.addSymbol({
          name,
          qualifiedName: isTest ? `${info.qn}.${name}` : `${info.qn}.${name}(${types})`,
          kind,
          startLine: at,
          endLine: endLine(m),
          signature,
          returnType: returnTypeNode ? returnTypeNode.text.replace(/\s+/g, ' ') : null,
          exported: mods.isPublic || info.kind === 'interface',
          doc: this.docOf(m),
          parent: info.localId,
          isStatic: mods.isStatic,
          // An abstract method of a class (an interface's members are declarations already): calls may run overrides.
          ...(m.type === 'method_declaration' && info.kind !== 'interface' && !m.childForFieldName('body')
            ? { isAbstract: true }
            : {}),
          ...(mods.texts.length > 0 ? { decorators: mods.texts } : {}),
          // What a call of the method is: a chain `a.m().n()` is typed through it.
          ...(returned?.ref ? { valueType: { kind: 'name', name: returned.ref } as TypeRef } : {}),
          returnTypeRef: returned?.ref ? { kind: 'name', name: returned.ref } : null,
          parameters: this.parameterFacts(
            m.type === 'compact_constructor_declaration'
              ? (m.parent?.parent?.childForFieldName('parameters') ?? null)
              : params,
            fnCtx,
          ),
        });
        if (isTest) {
          info.tests.push({ localId, line: at });
          this.noteFramework(mods.annotations);
        }
        if (isSetup && this.isTestFile) info.setup.push(name);
        fnCtx.caller = localId;
        this.declareParams(params, fnCtx);
        const body = m.childForFieldName('body');
        if (body) this.bodies.push({ node: body, ctx: fnCtx });
        return;
      }
      case 'field_declaration':
      case 'constant_declaration': {
        const mods = this.modifiersOf(m);
        const typeNode = m.childForFieldName('type');
        const var_ = this.varOf(typeNode, typeCtx, at);
        for (const d of m.namedChildren) {
          if (!d || d.type !== 'variable_declarator') continue;
          const name = d.childForFieldName('name')?.text ?? '';
          const dims = d.childForFieldName('dimensions');
          const v = dims ? { ref: null, erased: `${var_.erased}[]` } : var_;
          info.fields.set(name, v);
          this.addSymbol({
            name,
            qualifiedName: `${info.qn}.${name}`,
            kind: 'property',
            startLine: line(d),
            endLine: endLine(d),
            signature: '',
            returnType: typeNode?.text.replace(/\s+/g, ' ') ?? null,
            exported: mods.isPublic || info.kind === 'interface',
            doc: this.docOf(m),
            parent: info.localId,
            isStatic: mods.isStatic || info.kind === 'interface',
            valueType: v.ref ? { kind: 'name', name: v.ref } : null,
          });
          const value = d.childForFieldName('value');
          if (value) this.bodies.push({ node: value, ctx: { ...typeCtx, caller: info.localId } });
        }
        return;
      }
      case 'enum_constant': {
        const name = m.childForFieldName('name')?.text ?? '';
        info.fields.set(name, { ref: info.ref, erased: info.name });
        this.addSymbol({
          name,
          qualifiedName: `${info.qn}.${name}`,
          kind: 'property',
          startLine: at,
          endLine: endLine(m),
          signature: '',
          returnType: info.name,
          exported: true,
          doc: this.docOf(m),
          parent: info.localId,
          isStatic: true,
          valueType: info.ref ? { kind: 'name', name: info.ref } : null,
        });
        // The constant's arguments call the enum's constructor; a body is an anonymous subclass.
        const args = m.childForFieldName('arguments');
        const ctorCtx: Ctx = { ...typeCtx, caller: info.localId };
        this.callSites.push({
          caller: info.localId,
          line: at,
          kind: 'new',
          text: clip(name),
          target: { kind: 'member', name: info.name, receiver: { kind: 'this', classLocalId: info.localId } },
          args: this.argTypes(args, ctorCtx),
        });
        if (args) this.bodies.push({ node: args, ctx: ctorCtx });
        const body = m.childForFieldName('body');
        if (body) this.bodies.push({ node: body, ctx: ctorCtx, anonymous: { base: info.ref, label: name } });
        return;
      }
      case 'static_initializer':
      case 'block':
        this.bodies.push({ node: m, ctx: { ...typeCtx, caller: info.localId } });
        return;
      default:
        return;
    }
  }

  private noteFramework(annotations: string[]): void {
    if (this.framework) return;
    const imported = [
      ...this.singleImports.values(),
      ...this.onDemand,
      ...this.imports.map((i) => i.specifier),
    ];
    if (imported.some((s) => s.startsWith('org.testng'))) this.framework = 'testng';
    else if (imported.some((s) => s.startsWith('org.junit.jupiter'))) this.framework = 'junit5';
    else if (imported.some((s) => s.startsWith('org.junit'))) this.framework = 'junit4';
    else if (annotations.some((a) => a !== 'Test')) this.framework = 'junit5';
  }

  // ---------- bodies ----------

  private tooDeep(node: SyntaxNode): null {
    if (!this.depthWarned) {
      this.depthWarned = true;
      this.diagnostics.push({
        line: line(node),
        severity: 'warning',
        message: `nesting deeper than ${MAX_DEPTH} levels: the code inside was not analysed`,
      });
    }
    return null;
  }

  private lookupVar(name: string, ctx: Ctx): Var | undefined {
    for (let c: Ctx | null = ctx; c; c = c.parent) {
      const v = c.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** The class (innermost first) that declares field `name`, if one in this file does. */
  private fieldOwner(name: string, ctx: Ctx): TypeInfo | undefined {
    for (let t = ctx.type; t; t = t.outer) if (t.fields.has(name)) return t;
    return undefined;
  }

  private walk(node: SyntaxNode, ctx: Ctx, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.tooDeep(node);
      return;
    }
    switch (node.type) {
      case 'local_variable_declaration': {
        const typeNode = node.childForFieldName('type');
        const isVar = typeNode?.text === 'var';
        for (const d of node.namedChildren) {
          if (!d || d.type !== 'variable_declarator') continue;
          const value = d.childForFieldName('value');
          if (value) this.walk(value, ctx, depth + 1);
          const name = d.childForFieldName('name')?.text ?? '';
          let v: Var = this.varOf(typeNode, ctx, line(node));
          if (isVar) v = value ? this.exprVar(value, ctx) : { ref: null, erased: null };
          if (d.childForFieldName('dimensions')) v = { ref: null, erased: null };
          ctx.vars.set(name, v);
        }
        return;
      }
      case 'enhanced_for_statement': {
        const name = node.childForFieldName('name')?.text ?? '';
        const typeNode = node.childForFieldName('type');
        ctx.vars.set(
          name,
          typeNode?.text === 'var' ? { ref: null, erased: null } : this.varOf(typeNode, ctx, line(node)),
        );
        break;
      }
      case 'catch_formal_parameter': {
        const name = node.childForFieldName('name')?.text ?? '';
        const types = node.namedChildren.find((c) => c?.type === 'catch_type');
        const only = types?.namedChildren.length === 1 ? (types.namedChildren[0] ?? null) : null;
        ctx.vars.set(name, only ? this.varOf(only, ctx, line(node)) : { ref: null, erased: null });
        return;
      }
      case 'resource': {
        const name = node.childForFieldName('name')?.text;
        const value = node.childForFieldName('value');
        if (value) this.walk(value, ctx, depth + 1);
        if (name) {
          const typeNode = node.childForFieldName('type');
          ctx.vars.set(
            name,
            typeNode && typeNode.text !== 'var'
              ? this.varOf(typeNode, ctx, line(node))
              : value
                ? this.exprVar(value, ctx)
                : { ref: null, erased: null },
          );
        }
        return;
      }
      case 'instanceof_expression': {
        const name = node.childForFieldName('name')?.text;
        if (name) ctx.vars.set(name, this.varOf(node.childForFieldName('right'), ctx, line(node)));
        break;
      }
      case 'type_pattern': {
        const typeNode = node.namedChildren[0] ?? null;
        const name = node.namedChildren[1]?.text;
        if (name) ctx.vars.set(name, this.varOf(typeNode, ctx, line(node)));
        return;
      }
      case 'lambda_expression': {
        const inner: Ctx = {
          ...ctx,
          vars: new Map(),
          parent: ctx,
          typeParams: new Set(),
          localTypes: new Map(),
        };
        const params = node.childForFieldName('parameters');
        if (params?.type === 'identifier') inner.vars.set(params.text, { ref: null, erased: null });
        else if (params?.type === 'formal_parameters') this.declareParams(params, inner);
        else
          for (const p of params?.namedChildren ?? [])
            if (p) inner.vars.set(p.text, { ref: null, erased: null });
        const body = node.childForFieldName('body');
        if (body) this.walk(body, inner, depth + 1);
        return;
      }
      case 'block':
      case 'switch_block_statement_group':
      case 'for_statement': {
        const inner: Ctx = {
          ...ctx,
          vars: new Map(),
          parent: ctx,
          typeParams: new Set(),
          localTypes: new Map(),
        };
        for (const c of node.namedChildren) if (c) this.walk(c, inner, depth + 1);
        return;
      }
      case 'class_declaration':
      case 'interface_declaration':
      case 'enum_declaration':
      case 'record_declaration': {
        // A local class: its members are symbols under the enclosing declaration; its bodies are read now.
        const before = this.bodies.length;
        this.declareType(node, null, ctx, depth + 1);
        const queued = this.bodies.splice(before);
        for (const b of queued) this.runBody(b, depth + 1);
        return;
      }
      case 'method_invocation':
        this.methodCall(node, ctx, depth);
        return;
      case 'object_creation_expression':
        this.newCall(node, ctx, depth);
        return;
      case 'explicit_constructor_invocation':
        this.constructorCall(node, ctx, depth);
        return;
      case 'method_reference':
        this.methodReference(node, ctx);
        return;
      default:
        break;
    }
    for (const c of node.namedChildren) if (c) this.walk(c, ctx, depth + 1);
  }

  /** The type of an expression when the file tells it plainly (`new X()`, a literal, a typed name, a cast). */
  private exprVar(node: SyntaxNode, ctx: Ctx): Var {
    switch (node.type) {
      case 'object_creation_expression': {
        const t = node.childForFieldName('type');
        return this.varOf(t, ctx, line(node));
      }
      case 'string_literal':
      case 'text_block':
        return { ref: 'String', erased: 'String' };
      case 'cast_expression':
        return this.varOf(node.childForFieldName('type'), ctx, line(node));
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.exprVar(node.namedChildren[0], ctx) : { ref: null, erased: null };
      case 'identifier': {
        const v = this.lookupVar(node.text, ctx) ?? this.fieldOwner(node.text, ctx)?.fields.get(node.text);
        return v ?? { ref: null, erased: null };
      }
      case 'this':
        if (ctx.type?.anonymous) return { ref: ctx.type.superRef, erased: simpleName(ctx.type.superRef) };
        return ctx.type ? { ref: ctx.type.ref, erased: ctx.type.name } : UNKNOWN;
      case 'method_invocation':
        return this.callVar(node, ctx);
      case 'field_access': {
        const object = node.childForFieldName('object');
        const field = node.childForFieldName('field')?.text ?? '';
        if (!object) return UNKNOWN;
        if (object.type === 'this') return this.fieldOwner(field, ctx)?.fields.get(field) ?? UNKNOWN;
        if (field === 'length' && this.exprVar(object, ctx).erased?.endsWith('[]'))
          return { ref: null, erased: 'int' };
        const owner = this.exprVar(object, ctx);
        return (owner.ref ? this.typesByRef.get(owner.ref)?.fields.get(field) : undefined) ?? UNKNOWN;
      }
      case 'array_access': {
        const array = node.childForFieldName('array');
        const v = array ? this.exprVar(array, ctx) : UNKNOWN;
        return v.erased?.endsWith('[]') ? { ref: null, erased: v.erased.slice(0, -2) } : UNKNOWN;
      }
      case 'array_creation_expression': {
        const t = node.childForFieldName('type');
        const dims = node.namedChildren.filter((c) => c?.type === 'dimensions_expr').length;
        const more = (node.childForFieldName('dimensions')?.text.match(/\[/g) ?? []).length;
        return t
          ? { ref: null, erased: `${erasedParamType(t.text)}${'[]'.repeat(Math.max(dims + more, 1))}` }
          : UNKNOWN;
      }
      case 'class_literal':
        return { ref: 'Class', erased: 'Class' };
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text ?? '';
        if (['==', '!=', '<', '>', '<=', '>=', '&&', '||'].includes(op))
          return { ref: null, erased: 'boolean' };
        const leftNode = node.childForFieldName('left');
        const rightNode = node.childForFieldName('right');
        const left = leftNode ? this.exprVar(leftNode, ctx).erased : null;
        const right = rightNode ? this.exprVar(rightNode, ctx).erased : null;
        if (op === '+' && (left === 'String' || right === 'String'))
          return { ref: 'String', erased: 'String' };
        if (left === 'boolean' && right === 'boolean') return { ref: null, erased: 'boolean' };
        if (['<<', '>>', '>>>'].includes(op)) {
          const t = left ? promote(left, 'int') : null;
          return t ? { ref: null, erased: t } : UNKNOWN;
        }
        const t = left && right ? promote(left, right) : null;
        return t ? { ref: null, erased: t } : UNKNOWN;
      }
      case 'instanceof_expression':
        return { ref: null, erased: 'boolean' };
      case 'unary_expression': {
        const op = node.childForFieldName('operator')?.text ?? '';
        if (op === '!') return { ref: null, erased: 'boolean' };
        const operand = node.childForFieldName('operand');
        const v = operand ? this.exprVar(operand, ctx) : UNKNOWN;
        const t = v.erased ? promote(v.erased, 'int') : null;
        return t ? { ref: null, erased: t } : UNKNOWN;
      }
      case 'update_expression':
        return node.namedChildren[0] ? this.exprVar(node.namedChildren[0], ctx) : UNKNOWN;
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        return left ? this.exprVar(left, ctx) : UNKNOWN;
      }
      case 'ternary_expression': {
        const a = this.exprVar(node.childForFieldName('consequence') ?? node, ctx);
        const b = this.exprVar(node.childForFieldName('alternative') ?? node, ctx);
        if (a.erased === b.erased) return a;
        if (a.erased === 'null' || a.erased === null) return b.erased === 'null' ? UNKNOWN : b;
        return b.erased === 'null' || b.erased === null ? a : UNKNOWN;
      }
      case 'decimal_integer_literal':
      case 'hex_integer_literal':
      case 'octal_integer_literal':
      case 'binary_integer_literal':
      case 'decimal_floating_point_literal':
      case 'hex_floating_point_literal':
      case 'character_literal':
      case 'true':
      case 'false':
      case 'null_literal':
        return { ref: null, erased: this.argType(node, ctx) };
      default:
        return UNKNOWN;
    }
  }

  /** The type a method call returns, when the file declares the method (one return type for all its overloads). */
  private callVar(call: SyntaxNode, ctx: Ctx): Var {
    const object = call.childForFieldName('object');
    const name = call.childForFieldName('name')?.text ?? '';
    let owner: TypeInfo | undefined;
    if (!object) {
      for (let t = ctx.type; t && !owner; t = t.outer) if (t.methods.has(name)) owner = t;
    } else if (
      object.type === 'identifier' &&
      isCapitalised(object.text) &&
      !this.lookupVar(object.text, ctx)
    ) {
      owner = this.visibleType(object.text, ctx);
    } else if (object.type !== 'super') {
      const v = this.exprVar(object, ctx);
      owner = v.ref ? this.typesByRef.get(v.ref) : undefined;
    }
    const returns = owner?.returns.get(name);
    if (!returns || returns.length === 0) return object && !owner ? (JDK_RETURNS[name] ?? UNKNOWN) : UNKNOWN;
    const first = returns[0] as Var;
    return returns.every((r) => r.erased === first.erased) ? first : UNKNOWN;
  }

  /** Argument types as an overload compares them (primitive names, erased simple class names); null when unknown. */
  private argTypes(args: SyntaxNode | null, ctx: Ctx): Array<string | null> {
    const out: Array<string | null> = [];
    for (const a of args?.namedChildren ?? []) {
      if (!a || a.type === 'line_comment' || a.type === 'block_comment') continue;
      out.push(this.argType(a, ctx));
    }
    return out;
  }

  private argType(a: SyntaxNode, ctx: Ctx): string | null {
    switch (a.type) {
      case 'decimal_integer_literal':
      case 'hex_integer_literal':
      case 'octal_integer_literal':
      case 'binary_integer_literal':
        return /[lL]$/.test(a.text) ? 'long' : 'int';
      case 'decimal_floating_point_literal':
      case 'hex_floating_point_literal':
        return /[fF]$/.test(a.text) ? 'float' : 'double';
      case 'character_literal':
        return 'char';
      case 'true':
      case 'false':
        return 'boolean';
      case 'null_literal':
        return 'null';
      case 'lambda_expression':
      case 'method_reference':
        return null;
      default: {
        const v = this.exprVar(a, ctx);
        return v.erased;
      }
    }
  }

  private push(
    ctx: Ctx,
    node: SyntaxNode,
    kind: 'call' | 'new',
    text: string,
    target: CallTarget,
    args?: Array<string | null>,
  ): void {
    if (ctx.caller === '') return;
    this.callSites.push({
      caller: ctx.caller,
      line: line(node),
      kind,
      text: clip(text),
      target,
      ...(args ? { args } : {}),
    });
  }

  /** The receiver `this` stands for here (an anonymous class is typed by what it extends). */
  private thisReceiver(ctx: Ctx): Receiver {
    return { kind: 'this', classLocalId: ctx.type?.localId ?? null };
  }

  private methodCall(node: SyntaxNode, ctx: Ctx, depth: number): void {
    const object = node.childForFieldName('object');
    const name = node.childForFieldName('name')?.text ?? '';
    const argsNode = node.childForFieldName('arguments');
    const args = this.argTypes(argsNode, ctx);
    const text = object ? `${object.text}.${name}` : name;
    let target: CallTarget;
    if (!object) target = { kind: 'member', name, receiver: this.unqualifiedReceiver(name, ctx) };
    else target = { kind: 'member', name, receiver: this.receiverOf(object, ctx) };
    // The call's line is the line of its name: where javac puts the call in the line table (chains span lines).
    const nameNode = node.childForFieldName('name') ?? node;
    this.push(ctx, nameNode, 'call', text, target, args);
    if (object) this.walk(object, ctx, depth + 1);
    if (argsNode) this.walk(argsNode, ctx, depth + 1);
  }

  /** `m()`: a method of an enclosing class (innermost that declares it), a static import, else inherited. */
  private unqualifiedReceiver(name: string, ctx: Ctx): Receiver {
    for (let t = ctx.type; t; t = t.outer) {
      // An anonymous class inherits from a repo class before the enclosing class's scope is searched.
      if (t.methods.has(name) || (t.anonymous && t.superRef !== null && !this.isJdkType(t.superRef)))
        return { kind: 'this', classLocalId: t.localId };
    }
    const owner = this.staticMembers.get(name);
    if (owner) return this.ownerReceiver(owner);
    if (this.staticOnDemand.length === 1 && (ctx.type?.superRef ?? null) === null)
      return this.ownerReceiver(this.staticOnDemand[0] as string);
    let named = ctx.type;
    while (named?.anonymous) named = named.outer;
    return { kind: 'this', classLocalId: named?.localId ?? null };
  }

  /** A type of the JDK: java.lang, or imported from `java.*` / `javax.*`. */
  private isJdkType(ref: string): boolean {
    const head = ref.split('.')[0] ?? ref;
    if (head.includes('#')) return /^(java|javax)\//.test(head);
    const imported = this.singleImports.get(head);
    if (imported) return /^(java|javax)\./.test(imported);
    return JAVA_LANG.has(head) && !this.implicitImports.has(head);
  }

  /** The receiver for a class bound by an import's local name (`a/b/C#`, or a path `a/b/Outer#.Inner`). */
  private ownerReceiver(ref: string): Receiver {
    if (ref.includes('.')) return { kind: 'expression', text: ref };
    return {
      kind: 'identifier',
      name: ref.replace(/#$/, '').slice(ref.lastIndexOf('/') + 1),
      binding: { kind: 'import', localName: ref },
    };
  }

  private receiverOf(object: SyntaxNode, ctx: Ctx): Receiver {
    switch (object.type) {
      case 'this':
        return this.thisReceiver(ctx);
      case 'super':
        return { kind: 'super', classLocalId: ctx.type?.localId ?? null };
      case 'identifier':
        return this.identifierReceiver(object.text, object, ctx);
      case 'field_access': {
        const inner = object.childForFieldName('object');
        const field = object.childForFieldName('field')?.text ?? '';
        // `Outer.this.m()`: the enclosing class of that name.
        if (object.lastNamedChild?.type === 'this' && inner?.type === 'identifier') {
          let t = ctx.type;
          while (t && t.name !== inner.text) t = t.outer;
          return { kind: 'this', classLocalId: t?.localId ?? ctx.type?.localId ?? null };
        }
        if (inner?.type === 'this') {
          const owner = this.fieldOwner(field, ctx) ?? ctx.type;
          return { kind: 'this-field', classLocalId: owner?.localId ?? null, field };
        }
        const path = this.dottedPath(object);
        if (path) {
          const head = path[0] as string;
          const v = this.lookupVar(head, ctx);
          const owner = v ? undefined : this.fieldOwner(head, ctx);
          if (v || owner || !isCapitalised(head)) {
            const base: TypeRef | null = v
              ? v.ref
                ? { kind: 'name', name: v.ref }
                : null
              : owner
                ? this.fieldType(owner, head)
                : null;
            if (base) {
              let ref: TypeRef = base;
              for (const part of path.slice(1)) ref = { kind: 'member', of: ref, name: part };
              return { kind: 'typed', valueType: ref };
            }
            if (!v && !owner) {
              const ref = this.dottedTypeRef(path.join('.'), ctx, line(object));
              if (ref) return ref.includes('.') ? { kind: 'expression', text: ref } : this.ownerReceiver(ref);
            }
            return { kind: 'expression', text: object.text };
          }
          const ref = this.dottedTypeRef(path.join('.'), ctx, line(object));
          if (ref) return { kind: 'expression', text: ref };
        }
        return { kind: 'expression', text: object.text };
      }
      case 'object_creation_expression': {
        const ref = this.typeRefOf(object.childForFieldName('type'), ctx, line(object));
        return ref
          ? { kind: 'typed', valueType: { kind: 'name', name: ref } }
          : { kind: 'expression', text: object.text };
      }
      case 'string_literal':
      case 'text_block':
        return { kind: 'typed', valueType: { kind: 'name', name: 'String' } };
      case 'parenthesized_expression': {
        const inner = object.namedChildren[0];
        if (inner?.type === 'cast_expression') {
          const ref = this.typeRefOf(inner.childForFieldName('type'), ctx, line(object));
          if (ref) return { kind: 'typed', valueType: { kind: 'name', name: ref } };
        }
        return inner ? this.receiverOf(inner, ctx) : { kind: 'expression', text: object.text };
      }
      case 'method_invocation': {
        const callee = this.calleePath(object, ctx);
        if (callee) return { kind: 'typed', valueType: { kind: 'call-return', callee } };
        return { kind: 'expression', text: clip(object.text) };
      }
      default:
        return { kind: 'expression', text: clip(object.text) };
    }
  }

  private identifierReceiver(name: string, node: SyntaxNode, ctx: Ctx): Receiver {
    const v = this.lookupVar(name, ctx);
    if (v)
      return {
        kind: 'identifier',
        name,
        binding: { kind: 'local-value', valueType: v.ref ? { kind: 'name', name: v.ref } : null },
      };
    const owner = this.fieldOwner(name, ctx);
    if (owner) return { kind: 'this-field', classLocalId: owner.localId, field: name };
    if (isCapitalised(name)) {
      const ref = this.simpleTypeRef(name, ctx, line(node));
      if (ref === null) return { kind: 'expression', text: name };
      if (ref.includes('.')) return { kind: 'expression', text: ref };
      return { kind: 'identifier', name, binding: this.typeBinding(ref, ctx) };
    }
    // A field inherited from a class declared elsewhere.
    if (ctx.type) return { kind: 'this-field', classLocalId: ctx.type.localId, field: name };
    return { kind: 'expression', text: name };
  }

  private fieldType(owner: TypeInfo, field: string): TypeRef | null {
    if (owner.ref === null) return null;
    const v = owner.fields.get(field);
    return v?.ref ? { kind: 'name', name: v.ref } : null;
  }

  /** `a.b.c` as names, or null when the expression is not a plain dotted path. */
  private dottedPath(node: SyntaxNode): string[] | null {
    if (node.type === 'identifier') return [node.text];
    if (node.type !== 'field_access') return null;
    const inner = node.childForFieldName('object');
    const field = node.childForFieldName('field')?.text;
    if (!inner || !field) return null;
    const head = this.dottedPath(inner);
    return head ? [...head, field] : null;
  }

  /**
   * A value path to the method an inner call runs, for the type it returns (`getFoo().bar()` → `Outer.getFoo`,
   * `x.getFoo().bar()` with `x` of declared type T → `T.getFoo`), or null.
   */
  private calleePath(call: SyntaxNode, ctx: Ctx): string | null {
    const object = call.childForFieldName('object');
    const name = call.childForFieldName('name')?.text ?? '';
    if (!object) {
      for (let t = ctx.type; t; t = t.outer)
        if (t.methods.has(name)) return t.ref ? `${t.ref}.${name}` : null;
      return null;
    }
    if (object.type === 'method_invocation') {
      const inner = this.calleePath(object, ctx);
      return inner ? `${inner}.${name}` : null;
    }
    if (
      object.type === 'identifier' &&
      isCapitalised(object.text) &&
      !this.lookupVar(object.text, ctx) &&
      !this.fieldOwner(object.text, ctx)
    ) {
      const ref = this.simpleTypeRef(object.text, ctx, line(object));
      return ref ? `${ref}.${name}` : null;
    }
    if (object.type === 'super') return null;
    const v = this.exprVar(object, ctx);
    return v.ref ? `${v.ref}.${name}` : null;
  }

  private newCall(node: SyntaxNode, ctx: Ctx, depth: number): void {
    const typeNode = node.childForFieldName('type');
    const argsNode = node.childForFieldName('arguments');
    const args = this.argTypes(argsNode, ctx);
    const ref = this.typeRefOf(typeNode, ctx, line(node));
    const text = `new ${typeNode?.text ?? '?'}`;
    let target: CallTarget;
    if (ref === null) target = { kind: 'dynamic', reason: 'type not known in this file' };
    else if (ref.includes('.')) {
      const dot = ref.lastIndexOf('.');
      const simple = ref.slice(dot + 1);
      const visible = this.visibleType(simple, ctx);
      const head = ref.slice(0, dot);
      const declared = [...this.typesByRef.values()].find((t) => t.ref === ref);
      target = declared
        ? { kind: 'identifier', name: simple, binding: { kind: 'local-symbol', localId: declared.localId } }
        : visible && visible.ref === ref
          ? { kind: 'identifier', name: simple, binding: { kind: 'local-symbol', localId: visible.localId } }
          : {
              kind: 'member',
              name: simple,
              receiver: head.includes('.')
                ? { kind: 'expression', text: head }
                : head.endsWith('#')
                  ? this.ownerReceiver(head)
                  : { kind: 'identifier', name: head, binding: this.typeBinding(head, ctx) },
            };
    } else {
      const visible = this.visibleType(ref, ctx);
      target = {
        kind: 'identifier',
        name: ref,
        binding: visible ? { kind: 'local-symbol', localId: visible.localId } : this.typeBinding(ref, ctx),
      };
    }
    if (typeNode) {
      const simple = typeNode.text.replace(/<.*$/s, '').trim();
      const local = this.visibleType(simple, ctx);
      if (local && local.ref === null)
        target = {
          kind: 'identifier',
          name: simple,
          binding: { kind: 'local-symbol', localId: local.localId },
        };
    }
    this.push(ctx, node, 'new', text, target, args);
    if (argsNode) this.walk(argsNode, ctx, depth + 1);
    const outerObject = node.namedChildren.find(
      (c) =>
        c &&
        c.type !== 'argument_list' &&
        c !== typeNode &&
        c.type !== 'class_body' &&
        c.type !== 'type_arguments',
    );
    if (outerObject) this.walk(outerObject, ctx, depth + 1);
    const body = node.namedChildren.find((c) => c?.type === 'class_body');
    if (body) this.anonymousClass(body, ref, `<anonymous ${simpleName(ref) || '?'}>`, ctx, depth + 1);
  }

  /** A queued body: code to read, or an anonymous class body (an enum constant's) to declare and read. */
  private runBody(body: Body, depth: number): void {
    if (body.anonymous)
      this.anonymousClass(body.node, body.anonymous.base, body.anonymous.label, body.ctx, depth);
    else this.walk(body.node, body.ctx, depth);
  }

  /**
   * An anonymous class body: a class symbol under the enclosing declaration (`Outer.run().<anonymous Runnable>`,
   * an enum constant's body named after the constant), whose methods are symbols that own their calls.
   */
  private anonymousClass(
    body: SyntaxNode,
    base: string | null,
    label: string,
    ctx: Ctx,
    depth: number,
  ): void {
    if (depth > MAX_DEPTH) {
      this.tooDeep(body);
      return;
    }
    const parent = ctx.caller === '' ? (ctx.type?.localId ?? this.moduleId) : ctx.caller;
    const parentSym = this.symbols.find((sym) => sym.localId === parent);
    const qn = `${parentSym && parentSym.kind !== 'module' ? parentSym.qualifiedName : ''}${parentSym && parentSym.kind !== 'module' ? '.' : ''}${label}`;
    const info: TypeInfo = {
      localId: '',
      name: label,
      qn,
      ref: null,
      kind: 'class',
      methods: new Set(),
      returns: new Map(),
      fields: new Map(),
      nested: new Map(),
      outer: ctx.type,
      superRef: base,
      setup: [],
      tests: [],
      typeParams: new Set(),
      anonymous: true,
    };
    info.localId = this.addSymbol({
      name: label,
      qualifiedName: qn,
      kind: 'class',
      startLine: line(body),
      endLine: endLine(body),
      signature: '',
      returnType: null,
      exported: false,
      doc: null,
      parent,
      ...(base !== null ? { extends: [base] } : {}),
    });
    const typeCtx: Ctx = {
      caller: info.localId,
      type: info,
      vars: new Map(),
      parent: ctx,
      typeParams: new Set(),
      localTypes: new Map(),
    };
    const members = body.namedChildren.filter((c): c is SyntaxNode => c !== null);
    for (const m of members)
      if (m.type === 'method_declaration') info.methods.add(m.childForFieldName('name')?.text ?? '');
    const before = this.bodies.length;
    for (const m of members) {
      if (TYPE_DECLARATIONS.has(m.type)) this.declareType(m, null, typeCtx, depth + 1);
      else this.declareMember(m, info, typeCtx);
    }
    for (const b of this.bodies.splice(before)) this.runBody(b, depth + 1);
  }

  private constructorCall(node: SyntaxNode, ctx: Ctx, depth: number): void {
    const ctor = node.childForFieldName('constructor');
    const argsNode = node.childForFieldName('arguments');
    const args = this.argTypes(argsNode, ctx);
    if (ctor?.type === 'this' && ctx.type)
      this.push(
        ctx,
        node,
        'new',
        'this',
        { kind: 'member', name: ctx.type.name, receiver: { kind: 'this', classLocalId: ctx.type.localId } },
        args,
      );
    else if (ctor?.type === 'super')
      this.push(
        ctx,
        node,
        'new',
        'super',
        {
          kind: 'member',
          name: '<init>',
          receiver: { kind: 'super', classLocalId: ctx.type?.localId ?? null },
        },
        args,
      );
    if (argsNode) this.walk(argsNode, ctx, depth + 1);
  }

  /** `X::m`, `this::m`, `x::m`, `X::new`: a reference to the method, counted as a call by the enclosing declaration. */
  private methodReference(node: SyntaxNode, ctx: Ctx): void {
    const parts = node.namedChildren.filter((c): c is SyntaxNode => c !== null);
    const object = parts[0];
    const isNew = node.children.some((c) => c?.type === 'new');
    const name = isNew ? '' : (parts[parts.length - 1]?.text ?? '');
    if (!object) return;
    if (isNew) {
      const ref =
        this.typeRefOf(object, ctx, line(node)) ??
        (isCapitalised(object.text) ? this.simpleTypeRef(object.text, ctx, line(node)) : null);
      if (ref && !ref.includes('.')) {
        const visible = this.visibleType(ref, ctx);
        this.push(ctx, node, 'new', `${object.text}::new`, {
          kind: 'identifier',
          name: ref,
          binding: visible ? { kind: 'local-symbol', localId: visible.localId } : this.typeBinding(ref, ctx),
        });
      }
      return;
    }
    const receiver =
      object.type === 'type_identifier' ||
      object.type === 'scoped_type_identifier' ||
      object.type === 'generic_type'
        ? this.identifierReceiver(object.text.replace(/<.*$/s, '').trim(), object, ctx)
        : this.receiverOf(object, ctx);
    this.push(ctx, node, 'call', `${object.text}::${name}`, { kind: 'member', name, receiver });
  }

  // ---------- tests ----------

  /** Setup hooks run before every test of their class (and of its @Nested classes): each test calls them. */
  private linkTests(): void {
    const all: TypeInfo[] = [];
    const collect = (t: TypeInfo): void => {
      all.push(t);
      for (const n of t.nested.values()) collect(n);
    };
    for (const t of this.topTypes.values()) collect(t);
    for (const t of all) {
      for (const test of t.tests) {
        for (let owner: TypeInfo | null = t; owner; owner = owner.outer) {
          for (const hook of owner.setup) {
            this.callSites.push({
              caller: test.localId,
              line: test.line,
              kind: 'call',
              text: hook,
              target: { kind: 'member', name: hook, receiver: { kind: 'this', classLocalId: owner.localId } },
              args: [],
            });
          }
        }
      }
    }
    if (all.some((t) => t.tests.length > 0)) this.isTestFile = true;
  }

  collectSyntaxErrors(root: SyntaxNode): void {
    this.diagnostics.push(...syntaxErrorDiagnostics(root));
  }

  testFramework(): string | null {
    if (!this.isTestFile) return null;
    if (this.framework) return this.framework;
    const imported = this.imports.map((i) => i.specifier);
    if (imported.some((s) => s.startsWith('org.testng'))) return 'testng';
    if (imported.some((s) => s.startsWith('org.junit.jupiter'))) return 'junit5';
    if (imported.some((s) => s.startsWith('org.junit'))) return 'junit4';
    return null;
  }
}

/** Extracts the facts of one Java file. Never throws for bad input: partial facts plus diagnostics. */
export function extractJavaFacts(path: string, rawText: string): FileFacts {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lastLine = text.split('\n').length;
  const extractor = new Extractor(path, lastLine);
  const tree = parseJava(text);
  try {
    const root = tree.rootNode;
    try {
      extractor.run(root);
    } catch (error) {
      // A shape of tree the extractor did not expect: keep what was read, and say so.
      extractor.diagnostics.push({
        line: 1,
        severity: 'error',
        message: `analysis stopped: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    extractor.collectSyntaxErrors(root);
  } finally {
    tree.delete();
  }
  const [moduleSym, ...rest] = extractor.symbols;
  return {
    path,
    language: 'java',
    symbols: [moduleSym as SymbolFact, ...rest.sort((a, b) => a.startLine - b.startLine)],
    imports: extractor.imports,
    exports: extractor.exports,
    callSites: extractor.callSites,
    isTestFile: extractor.isTestFile,
    testFramework: extractor.testFramework(),
    diagnostics: extractor.diagnostics.sort((a, b) => a.line - b.line),
  };
}
