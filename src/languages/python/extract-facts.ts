/**
 * Per-file extraction for Python over a tree-sitter parse: symbols (with decorators, signatures, docstrings), imports
 * and exports, call sites with an in-file scope analysis (Python's function scoping: a name assigned anywhere in a
 * function is local to it; class bodies are not visible from their methods), and pytest/unittest tests. Each scope is
 * read twice: its bindings first (so calls may refer to names defined later), then its calls. Pure: no I/O.
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
import { isPythonTestPath, PYTEST_BUILTIN_FIXTURES, PYTHON_BUILTINS, SETUP_METHODS } from './conventions.js';
import type { SyntaxNode, SyntaxTree } from './parser.js';
import { parsePython } from './parser.js';
import { endLine, startLine as line, syntaxErrorDiagnostics } from '../tree-sitter/syntax.js';
import { annotationTypeName, callableTypeRef } from './type-refs.js';

/** Recursion bound for our walks; deeper subtrees are not visited and a diagnostic says so. */
const MAX_DEPTH = 400;
const MAX_CALL_TEXT = 200;

type Slot = Binding | { kind: 'self'; classLocalId: string };

interface Scope {
  kind: 'module' | 'class' | 'function' | 'inline';
  vars: Map<string, Slot>;
  parent: Scope | null;
  /** localId that calls in this scope are attributed to. */
  caller: string;
  /** Qualified-name prefix for definitions inside (null at module level). */
  qn: string | null;
  /** localId of the symbol owning this scope (module, class or function). */
  ownerId: string;
  /** For a method: its class's localId (for `self.x = …` properties and super()). */
  classLocalId: string | null;
  /** Names declared `global`/`nonlocal` here: not local. */
  outer: Set<string>;
  /** Inside a test file: the test class this scope belongs to, if any. */
  testClass: boolean;
}

interface DeclInfo {
  localId: string;
  kind: SymbolKind;
  /** The definition node (function_definition, class_definition or lambda). */
  node: SyntaxNode;
  decorators: SyntaxNode[];
  isStaticLike: boolean;
  isFixture: boolean;
  autouse: boolean;
  /** A function's parameter list, as read when it was declared (its children are then read once). */
  params?: SyntaxNode | null;
}

const COMPREHENSIONS = [
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
];
/** Node types the one pass over the tree visits (see walkTree). */
const WALKED = [
  'call',
  'decorated_definition',
  'decorator',
  'function_definition',
  'class_definition',
  'lambda',
  'assignment',
  'augmented_assignment',
  'named_expression',
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'global_statement',
  'nonlocal_statement',
  'for_statement',
  'as_pattern_target',
  'if_statement',
  'print_statement',
  'exec_statement',
  ...COMPREHENSIONS,
];
/** In test files the pass also reads what fixtures return or yield (their value's type). */
const WALKED_TESTS = [...WALKED, 'return_statement', 'yield'];
/** `if` statements matter only to find `if TYPE_CHECKING:`; files that never name it skip them all. */
const WITHOUT_IF = (types: string[]): string[] => types.filter((t) => t !== 'if_statement');
const WALKED_NO_IF = WITHOUT_IF(WALKED);
const WALKED_TESTS_NO_IF = WITHOUT_IF(WALKED_TESTS);

interface Region {
  start: number;
  end: number;
  scope: Scope;
  /** Inside `if TYPE_CHECKING:`: imports there are for types only. */
  typeOnly: boolean;
}
const LITERAL_TYPES: Readonly<Record<string, string>> = {
  string: 'str',
  concatenated_string: 'str',
  integer: 'int',
  float: 'float',
  list: 'list',
  list_comprehension: 'list',
  dictionary: 'dict',
  dictionary_comprehension: 'dict',
  set: 'set',
  set_comprehension: 'set',
  tuple: 'tuple',
  true: 'bool',
  false: 'bool',
};

/** Whitespace runs as one space, trimmed; most texts (`(self, a: int)`) are already so and are returned as they are. */
function collapse(text: string): string {
  return /[^\S ]| {2}|^ | $/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

function truncate(text: string): string {
  return text.length > MAX_CALL_TEXT ? text.slice(0, MAX_CALL_TEXT) : text;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The string value of a plain string literal node (no f-string interpolation), or null. */
function stringValue(node: SyntaxNode | null): string | null {
  if (!node || node.type !== 'string') return null;
  let out = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    const type = child.type;
    if (type === 'interpolation') return null;
    if (type === 'string_content') out += child.text;
  }
  return out;
}

/** First sentence of a docstring: its first paragraph, whitespace collapsed, cut after the first `.`/`!`/`?`. */
function firstSentence(raw: string): string | null {
  const paragraph = collapse(raw.trim().split(/\n\s*\n/)[0] ?? '');
  if (!paragraph) return null;
  const match = /^(.*?[.!?])(\s|$)/.exec(paragraph);
  return match?.[1] ?? paragraph;
}

function docstringOf(body: SyntaxNode | null): string | null {
  const first = body?.firstNamedChild;
  if (!first || first.type !== 'expression_statement') return null;
  const value = stringValue(first.firstNamedChild);
  return value === null ? null : firstSentence(value);
}

/** The names bound by an assignment target (`a`, `a, b`, `(a, [b, *c])`); attributes and subscripts bind nothing. */
function targetNames(node: SyntaxNode | null, out: SyntaxNode[] = [], depth = 0): SyntaxNode[] {
  if (!node || depth > 64) return out;
  switch (node.type) {
    case 'identifier':
      out.push(node);
      break;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'parenthesized_expression':
    case 'list_splat_pattern':
    case 'as_pattern_target':
      for (const c of node.namedChildren) if (c) targetNames(c, out, depth + 1);
      break;
  }
  return out;
}

/** Dotted name text of an identifier/attribute chain (`a.b.c`), or null for anything else. */
function dottedName(node: SyntaxNode | null, depth = 0, known?: string): string | null {
  if (!node || depth > 64) return null;
  const type = known ?? node.type;
  if (type === 'identifier') return node.text;
  if (type === 'attribute') {
    const object = dottedName(node.childForFieldName('object'), depth + 1);
    const attr = node.childForFieldName('attribute');
    return object !== null && attr ? `${object}.${attr.text}` : null;
  }
  return null;
}

const CAST = /^(typing\.|t\.)?cast$/;
/** How many links of `a.b().c.d()` a value's type is followed through (a long chain is not typed past it). */
const MAX_TYPE_CHAIN = 12;

/** The first argument of `typing.cast` (a class, a dotted name, or its name in a string) as a TypeRef. */
function typeOfCastTarget(node: SyntaxNode | null): TypeRef | null {
  const name = annotationTypeName(node);
  return name ? { kind: 'name', name } : null;
}

/**
 * The parameters a caller passes, with their declared types; `dropFirst` leaves out a method's `self`/`cls` (the
 * receiver, not an argument). The `*` and `/` markers are not parameters.
 */
function parameterFacts(
  params: SyntaxNode | null,
  dropFirst: boolean,
  annotationRef: (node: SyntaxNode | null) => TypeRef | null,
  parts: Map<number, ParameterParts>,
): ParameterFact[] {
  const out: ParameterFact[] = [];
  let first = true;
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const pType = p.type;
    if (pType === 'positional_separator' || pType === 'keyword_separator') continue;
    const skip = first && dropFirst;
    first = false;
    if (skip) continue;
    let nameNode: SyntaxNode | null = p;
    let nameType = pType;
    let annotation: SyntaxNode | null = null;
    let read: ParameterParts | null = null;
    if (pType === 'typed_parameter') {
      nameNode = p.namedChildren[0] ?? null;
      nameType = nameNode?.type ?? '';
      annotation = p.childForFieldName('type');
      read = { nameNode, nameType, annotation, nameText: null };
    } else if (pType === 'default_parameter' || pType === 'typed_default_parameter') {
      nameNode = p.childForFieldName('name');
      nameType = nameNode?.type ?? '';
      annotation = p.childForFieldName('type');
      read = { nameNode, nameType, annotation, nameText: null };
    }
    if (read) parts.set(p.id, read);
    const rest = nameType === 'list_splat_pattern' || nameType === 'dictionary_splat_pattern';
    if (rest) {
      nameNode = nameNode?.namedChildren[0] ?? null;
      nameType = nameNode?.type ?? '';
    }
    if (!nameNode || nameType !== 'identifier') continue;
    const name = nameNode.text;
    if (read && !rest) read.nameText = name;
    out.push({
      name,
      // `*args: int` types each argument, not the tuple they arrive in: no member lookup goes through it.
      type: rest ? null : (callableTypeRef(annotation) ?? annotationRef(annotation)),
      ...(rest ? { rest: true } : {}),
    });
  }
  return out;
}

/** What parameterFacts read of a typed or defaulted parameter, for the scope to bind it without reading it again. */
interface ParameterParts {
  nameNode: SyntaxNode | null;
  nameType: string;
  annotation: SyntaxNode | null;
  /** The name's text, when it is an identifier. */
  nameText: string | null;
}

class Extractor {
  readonly symbols: SymbolFact[] = [];
  readonly imports: ImportFact[] = [];
  readonly exports: ExportFact[] = [];
  readonly callSites: CallSiteFact[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly ordinals = new Map<string, number>();
  private readonly byLocalId = new Map<string, SymbolFact>();
  /** Definition node id → its declaration. */
  private readonly decls = new Map<number, DeclInfo>();
  /** Specifiers of `from m import *` at module level, in order. */
  private readonly starImports: string[] = [];
  private readonly exportedNames = new Map<string, number>();
  /** Test symbols with their class (localId) or null, and the fixtures of the file. */
  private readonly tests: Array<{ localId: string; classId: string | null; node: SyntaxNode }> = [];
  private readonly fixtures = new Map<string, string>();
  private readonly autouse: Array<{ localId: string; classId: string | null; name: string; line: number }> =
    [];
  /** Class localId → (name → localId) of its methods, and its base-class texts. */
  private readonly classMembers = new Map<string, Map<string, string>>();
  private depthWarned = false;
  moduleId = '';
  isTestFile: boolean;
  usesPytest = false;
  usesUnittest = false;

  /** Whether the source names `TYPE_CHECKING` (only then are `if` statements read) or a test framework. */
  private readonly namesTypeChecking: boolean;
  private readonly namesTestFramework: boolean;

  constructor(
    private readonly path: string,
    private readonly lastLine: number,
    source: string,
  ) {
    this.isTestFile = isPythonTestPath(path);
    this.namesTypeChecking = source.includes('TYPE_CHECKING');
    this.namesTestFramework = source.includes('pytest') || source.includes('unittest');
  }

  run(root: SyntaxNode): void {
    this.moduleId = this.addSymbol({
      name: MODULE_QUALIFIED_NAME,
      qualifiedName: MODULE_QUALIFIED_NAME,
      kind: 'module',
      startLine: 1,
      endLine: Math.max(1, this.lastLine),
      doc: docstringOf(root),
    });
    this.detectTestFramework(root);
    const scope: Scope = {
      kind: 'module',
      vars: new Map(),
      parent: null,
      caller: this.moduleId,
      qn: null,
      ownerId: this.moduleId,
      classLocalId: null,
      outer: new Set(),
      testClass: false,
    };
    this.walkTree(root, scope);
    this.addTestLinks();
    for (const [name, at] of this.exportedNames) {
      if (!this.exports.some((e) => e.exported === name))
        this.exports.push({ exported: name, local: name, line: at });
    }
    this.callSites.sort((a, b) => a.line - b.line || cmp(a.caller, b.caller) || cmp(a.text, b.text));
  }

  // ---------- symbols ----------

  /**
   * Adds a symbol with its `~N` ordinal. Optional fields left undefined are not set; built field by field rather
   * than by spreading, which is measurably slower on files with many definitions.
   */
  private addSymbol(
    s: Omit<SymbolFact, 'localId' | 'signature' | 'returnType' | 'exported' | 'doc' | 'parent'> &
      Partial<Pick<SymbolFact, 'signature' | 'returnType' | 'exported' | 'doc' | 'parent'>>,
  ): string {
    const base = makeLocalId(s.qualifiedName, s.kind);
    const n = (this.ordinals.get(base) ?? 0) + 1;
    this.ordinals.set(base, n);
    const localId = n > 1 ? makeLocalId(s.qualifiedName, s.kind, n) : base;
    const sym: SymbolFact = {
      localId,
      name: s.name,
      qualifiedName: s.qualifiedName,
      kind: s.kind,
      startLine: s.startLine,
      endLine: s.endLine,
      signature: s.signature ?? '',
      returnType: s.returnType ?? null,
      exported: s.exported ?? false,
      doc: s.doc ?? null,
      parent: s.parent ?? null,
    };
    if (s.parameters !== undefined) sym.parameters = s.parameters;
    if (s.returnTypeRef !== undefined) sym.returnTypeRef = s.returnTypeRef;
    if (s.extends !== undefined) sym.extends = s.extends;
    if (s.implements !== undefined) sym.implements = s.implements;
    if (s.valueType !== undefined) sym.valueType = s.valueType;
    if (s.isStatic !== undefined) sym.isStatic = s.isStatic;
    if (s.decorators !== undefined) sym.decorators = s.decorators;
    this.symbols.push(sym);
    this.byLocalId.set(localId, sym);
    return localId;
  }

  private detectTestFramework(root: SyntaxNode): void {
    if (!this.namesTestFramework) return;
    for (const statement of root.namedChildren) {
      if (!statement) continue;
      if (statement.type !== 'import_statement' && statement.type !== 'import_from_statement') continue;
      const text = statement.text;
      if (/\b(pytest|_pytest)\b/.test(text)) this.usesPytest = true;
      if (/\bunittest\b/.test(text)) this.usesUnittest = true;
    }
    if (this.usesPytest) this.isTestFile = true;
  }

  private qualify(scope: Scope, name: string): string {
    return scope.qn === null ? name : `${scope.qn}.${name}`;
  }

  private warnDepth(node: SyntaxNode): void {
    if (this.depthWarned) return;
    this.depthWarned = true;
    this.diagnostics.push({
      line: line(node),
      severity: 'warning',
      message: `nesting deeper than ${MAX_DEPTH} levels: the code inside was not analysed`,
    });
  }

  // ---------- bindings ----------

  /** `__all__.extend([...])` / `__all__.append("x")` at module level. */
  private noteAllCall(node: SyntaxNode): void {
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'attribute') return;
    const name = dottedName(fn);
    if (name !== '__all__.extend' && name !== '__all__.append') return;
    for (const a of node.childForFieldName('arguments')?.namedChildren ?? []) {
      const v = stringValue(a);
      if (v !== null && a) {
        this.exportedNames.set(v, line(a));
        this.listedNames.add(v);
      } else this.noteAll(a);
    }
  }

  private noteAll(value: SyntaxNode | null): void {
    if (!value) return;
    if (value.type !== 'list' && value.type !== 'tuple') {
      this.allNames = 'computed';
      return;
    }
    if (this.allNames === null) this.allNames = 'listed';
    for (const item of value.namedChildren) {
      const v = stringValue(item);
      if (v !== null && item) {
        this.exportedNames.set(v, line(item));
        this.listedNames.add(v);
      } else if (item) this.allNames = 'computed';
    }
  }

  /** `__all__` at module level: listed as literals, computed (its names unknown), or not declared. */
  private allNames: 'listed' | 'computed' | null = null;
  private readonly listedNames = new Set<string>();

  /** The names `from this_module import *` binds, when `__all__` lists them as literals. */
  wildcardNames(): string[] | undefined {
    return this.allNames === 'listed' ? [...this.listedNames].sort(cmp) : undefined;
  }

  private collectAssignment(node: SyntaxNode, scope: Scope): void {
    const left = node.childForFieldName('left');
    if (!left) return;
    const leftType = left.type;
    // `d[k] = v`, `a.b.c = v`: nothing is bound (except `self.x` below).
    if (leftType === 'subscript' || (leftType === 'attribute' && scope.kind !== 'function')) return;
    const right = node.childForFieldName('right');
    const annotation = node.childForFieldName('type');
    const leftText = leftType === 'identifier' ? left.text : '';
    if (leftText === '__all__' && scope.kind === 'module') {
      this.noteAll(right);
      return;
    }
    // `self.x = …` in a method: a property of the class.
    if (leftType === 'attribute') {
      if (!scope.classLocalId) return;
      const object = left.childForFieldName('object');
      const attr = left.childForFieldName('attribute');
      const self = object?.type === 'identifier' ? this.lookupSlot(scope, object.text) : null;
      if (attr && self?.kind === 'self') {
        const declared = this.annotationRef(annotation);
        const valueType = declared ?? this.typeOfValue(right, scope);
        this.declareProperty(self.classLocalId, attr.text, node, valueType, declared !== null);
      }
      return;
    }
    const declared = this.annotationRef(annotation);
    const rightType = leftType === 'identifier' ? right?.type : undefined;
    if (leftType === 'identifier' && right && rightType === 'lambda') {
      this.declareLambda(leftText, right, node, scope);
      return;
    }
    // Only a plain name takes the value's type (`a, b = f()` unpacks it).
    const valueType =
      leftType === 'identifier' ? (declared ?? this.typeOfValue(right, scope, 0, rightType)) : null;
    for (const target of leftType === 'identifier' ? [left] : targetNames(left)) {
      const name = target === left ? leftText : target.text;
      if (scope.kind === 'module') {
        const bound = scope.vars.get(name);
        if (bound?.kind === 'local-symbol') {
          const sym = this.byLocalId.get(bound.localId);
          if (sym?.kind === 'variable') this.refineType(sym, valueType, declared !== null);
        }
        if (bound !== undefined) continue;
        const localId = this.addSymbol({
          name,
          qualifiedName: name,
          kind: 'variable',
          startLine: line(node),
          endLine: endLine(node),
          exported: true,
          valueType,
        });
        if (declared !== null) this.annotated.add(localId);
        scope.vars.set(name, { kind: 'local-symbol', localId });
      } else if (scope.kind === 'class') {
        if (scope.vars.has(name)) continue;
        this.declareProperty(scope.ownerId, name, node, valueType, declared !== null);
        scope.vars.set(name, { kind: 'local-value', valueType: null });
      } else {
        this.bindTargets(target, scope, valueType);
      }
    }
  }

  private declareProperty(
    classLocalId: string,
    name: string,
    node: SyntaxNode,
    valueType: TypeRef | null,
    annotated: boolean,
  ): void {
    const members = this.membersOf(classLocalId);
    const existing = members.get(name);
    // `saved = self.x … self.x = saved`: putting back the property's own value says nothing new about its type.
    if (valueType?.kind === 'member' && valueType.name === name && !annotated) valueType = null;
    if (existing !== undefined) {
      const sym = this.byLocalId.get(existing);
      if (sym && sym.kind === 'property') this.refineType(sym, valueType, annotated);
      return;
    }
    const cls = this.byLocalId.get(classLocalId);
    const localId = this.addSymbol({
      name,
      qualifiedName: `${cls?.qualifiedName ?? '?'}.${name}`,
      kind: 'property',
      startLine: line(node),
      endLine: endLine(node),
      parent: classLocalId,
      valueType,
    });
    if (annotated) this.annotated.add(localId);
    members.set(name, localId);
  }

  /**
   * A later assignment to a variable or property: an annotation decides its type; otherwise assignments of
   * different types leave it unknown rather than guessed from the first one.
   */
  private refineType(sym: SymbolFact, valueType: TypeRef | null, annotated: boolean): void {
    if (annotated) {
      sym.valueType = valueType;
      this.annotated.add(sym.localId);
      return;
    }
    if (this.annotated.has(sym.localId) || this.conflicted.has(sym.localId) || valueType === null) return;
    if (!sym.valueType) sym.valueType = valueType;
    else if (!sameType(sym.valueType, valueType)) {
      sym.valueType = null;
      this.conflicted.add(sym.localId);
    }
  }

  private membersOf(classLocalId: string): Map<string, string> {
    let members = this.classMembers.get(classLocalId);
    if (!members) this.classMembers.set(classLocalId, (members = new Map()));
    return members;
  }

  /** Binds assignment/loop targets in a function (or inline) scope as local values. */
  private bindTargets(node: SyntaxNode | null, scope: Scope, valueType: TypeRef | null): void {
    for (const target of targetNames(node)) {
      const name = target.text;
      if (scope.outer.has(name)) continue;
      const existing = scope.vars.get(name);
      if (existing === undefined) scope.vars.set(name, { kind: 'local-value', valueType });
      else if (existing.kind === 'local-value' && !sameType(existing.valueType, valueType))
        // Assigned values of different types: the name's type is not known.
        scope.vars.set(name, { kind: 'local-value', valueType: null });
    }
  }

  /** The type of an assigned value, when the file tells it: a constructor or function call, a literal. */
  private typeOfValue(value: SyntaxNode | null, scope: Scope, depth = 0, known?: string): TypeRef | null {
    if (!value || depth > MAX_TYPE_CHAIN) return null;
    const type = known ?? value.type;
    if (type === 'await') return this.typeOfValue(value.firstNamedChild, scope, depth + 1);
    if (type === 'call') {
      const fn = value.childForFieldName('function');
      const callee = dottedName(fn);
      if (callee === null) {
        // `a.b().c()`: what `c` is declared to return, on the type of what `a.b()` returns.
        if (fn?.type !== 'attribute') return null;
        const object = fn.childForFieldName('object');
        const attr = fn.childForFieldName('attribute');
        const of = object?.type === 'call' ? this.typeOfValue(object, scope, depth + 1) : null;
        return of && attr ? { kind: 'method-return', of, name: attr.text } : null;
      }
      const parts = callee.split('.');
      const slot = this.lookupSlot(scope, parts[0] ?? '');
      if (slot?.kind === 'self' && parts.length === 2) {
        // `self.make()` / `cls.make()`: the method of the enclosing class (a top-level one, reachable by name).
        const cls = this.byLocalId.get(slot.classLocalId);
        return cls && cls.parent === null ? { kind: 'call-return', callee: `${cls.name}.${parts[1]}` } : null;
      }
      if (slot?.kind === 'self' || (slot?.kind === 'local-value' && parts.length > 1)) {
        // `env.make()`, `self.stream.look()`: what `make` is declared to return on the receiver's type.
        const object = fn?.childForFieldName('object') ?? null;
        const of = object ? this.typeOfAttribute(object, scope, depth + 1) : null;
        return of ? { kind: 'method-return', of, name: parts[parts.length - 1] as string } : null;
      }
      // `typing.cast(Foo, x)`: the value is a Foo.
      if (CAST.test(callee))
        return typeOfCastTarget(value.childForFieldName('arguments')?.firstNamedChild ?? null);
      return { kind: 'call-return', callee };
    }
    if (type === 'attribute') return this.typeOfAttribute(value, scope, 0, type);
    if (type === 'identifier') {
      const slot = this.lookupSlot(scope, value.text);
      if (slot?.kind === 'local-value') return slot.valueType;
      return null;
    }
    const literal = LITERAL_TYPES[type];
    return literal ? { kind: 'name', name: literal } : null;
  }

  private collectImport(node: SyntaxNode, scope: Scope, typeOnly: boolean): void {
    const at = line(node);
    const bind = (localName: string, imported: string, specifier: string): void => {
      this.imports.push({ localName, imported, specifier, line: at, typeOnly, kind: 'static' });
      if (scope.kind !== 'inline') scope.vars.set(localName, { kind: 'import', localName });
      if (
        scope.kind === 'module' &&
        !localName.includes('.') &&
        !this.exports.some((e) => e.exported === localName)
      )
        this.exports.push({ exported: localName, local: localName, line: at });
    };
    const statementType = node.type;
    if (statementType === 'import_statement') {
      for (const name of node.childrenForFieldName('name')) {
        if (!name) continue;
        const nameType = name.type;
        if (nameType === 'aliased_import') {
          const dotted = name.childForFieldName('name')?.text;
          const alias = name.childForFieldName('alias')?.text;
          if (dotted && alias) bind(alias, '*', collapse(dotted));
        } else if (nameType === 'dotted_name') {
          const dotted = collapse(name.text).replace(/\s/g, '');
          const top = dotted.split('.')[0] ?? dotted;
          bind(top, '*', top);
          // `import a.b.c` binds `a`; `a.b.c.f()` names the submodule, which gets its own binding.
          if (dotted !== top) {
            this.imports.push({
              localName: dotted,
              imported: '*',
              specifier: dotted,
              line: at,
              typeOnly,
              kind: 'static',
            });
            if (scope.kind !== 'inline') scope.vars.set(dotted, { kind: 'import', localName: dotted });
          }
        }
      }
      return;
    }
    if (statementType === 'future_import_statement') return;
    const moduleNode = node.childForFieldName('module_name');
    const specifier = moduleNode ? moduleNode.text.replace(/\s/g, '') : '';
    if (specifier === '') return;
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      this.imports.push({ localName: '', imported: '*', specifier, line: at, typeOnly, kind: 'static' });
      if (scope.kind === 'module') {
        this.starImports.push(specifier);
        this.exports.push({ exported: '*', from: specifier, imported: '*', line: at });
      }
      return;
    }
    for (const name of node.childrenForFieldName('name')) {
      if (!name) continue;
      const nameType = name.type;
      if (nameType === 'aliased_import') {
        const imported = name.childForFieldName('name')?.text;
        const alias = name.childForFieldName('alias')?.text;
        if (imported && alias) bind(alias, imported, specifier);
      } else if (nameType === 'dotted_name') {
        bind(name.text, name.text, specifier);
      }
    }
  }

  private declareLambda(name: string, lambda: SyntaxNode, statement: SyntaxNode, scope: Scope): void {
    const params = lambda.childForFieldName('parameters');
    const kind: SymbolKind = scope.kind === 'class' ? 'method' : 'function';
    const localId = this.addSymbol({
      name,
      qualifiedName: this.qualify(scope, name),
      kind,
      startLine: line(statement),
      endLine: endLine(statement),
      signature: `(${params ? collapse(params.text) : ''})`,
      exported: scope.kind === 'module',
      parent: scope.kind === 'module' ? null : scope.ownerId,
    });
    this.decls.set(lambda.id, {
      localId,
      kind,
      node: lambda,
      decorators: [],
      isStaticLike: false,
      isFixture: false,
      autouse: false,
    });
    if (scope.kind === 'class') this.membersOf(scope.ownerId).set(name, localId);
    if (!scope.outer.has(name)) scope.vars.set(name, { kind: 'local-symbol', localId });
  }

  private declareDefinition(
    node: SyntaxNode,
    nodeType: string,
    decoratorNodes: SyntaxNode[],
    scope: Scope,
  ): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const name = nameNode.text;
    const decorators = decoratorNodes.map((d) => truncate(collapse(d.text.replace(/^@\s*/, ''))));
    const start = decoratorNodes[0] ?? node;
    const inClass = scope.kind === 'class';
    const qualifiedName = this.qualify(scope, name);
    const startLine = line(start);
    const lastLine = endLine(node);
    const exported = scope.kind === 'module';
    const parent = scope.kind === 'module' ? null : scope.ownerId;
    const doc = docstringOf(node.childForFieldName('body'));
    const listed = decorators.length > 0 ? decorators : undefined;
    let kind: SymbolKind;
    let isStaticLike = false;
    let isFixture = false;
    let autouse = false;
    if (nodeType === 'class_definition') {
      kind = 'class';
      const bases: string[] = [];
      for (const base of node.childForFieldName('superclasses')?.namedChildren ?? []) {
        if (!base) continue;
        const baseType = base.type;
        if (baseType === 'keyword_argument') continue;
        const text = dottedName(baseType === 'subscript' ? base.childForFieldName('value') : base);
        if (text !== null && text !== 'object') bases.push(text);
      }
      if (bases.some((b) => /(^|\.)\w*TestCase$/.test(b))) {
        this.isTestFile = true;
        this.usesUnittest = true;
      }
      const isTestClass =
        this.isTestFile &&
        (/^Test/.test(name) ||
          bases.some((b) => /(^|\.)\w*Test(Case|Base)?$/.test(b) || this.isTestClassName(b)));
      const localId = this.addSymbol({
        name,
        qualifiedName,
        kind,
        startLine,
        endLine: lastLine,
        exported,
        parent,
        doc,
        decorators: listed,
        extends: bases.length > 0 ? bases : undefined,
      });
      this.decls.set(node.id, {
        localId,
        kind,
        node,
        decorators: decoratorNodes,
        isStaticLike,
        isFixture,
        autouse,
      });
      if (inClass) this.membersOf(scope.ownerId).set(name, localId);
      if (!scope.outer.has(name)) scope.vars.set(name, { kind: 'local-symbol', localId });
      this.classTestFlags.set(localId, isTestClass && (scope.kind === 'module' || scope.testClass));
      return;
    }
    const params = node.childForFieldName('parameters');
    const returnType = node.childForFieldName('return_type');
    const decoratorTexts = decorators.map((d) => d.replace(/\(.*$/s, ''));
    isStaticLike = decoratorTexts.some((d) => d === 'staticmethod' || d === 'classmethod');
    isFixture = decoratorTexts.some((d) => /^(pytest\.)?fixture$/.test(d));
    autouse = isFixture && decorators.some((d) => /autouse\s*=\s*True/.test(d));
    const isTestFn =
      this.isTestFile &&
      /^test/.test(name) &&
      !isFixture &&
      (scope.kind === 'module' || (inClass && this.classTestFlags.get(scope.ownerId) === true));
    if (isTestFn) kind = 'test';
    else if (inClass) {
      if (name === '__init__') kind = 'constructor';
      else if (decoratorTexts.some((d) => d === 'property' || /(^|\.)(cached_property)$/.test(d)))
        kind = 'getter';
      else if (decoratorTexts.some((d) => /\.setter$/.test(d))) kind = 'setter';
      else kind = 'method';
    } else kind = 'function';
    const localId = this.addSymbol({
      name,
      qualifiedName,
      kind,
      startLine,
      endLine: lastLine,
      exported,
      parent,
      doc,
      decorators: listed,
      signature: params ? collapse(params.text) : '()',
      parameters: parameterFacts(
        params,
        inClass && !decoratorTexts.includes('staticmethod'),
        (a) => this.annotationRef(a),
        this.parameterParts,
      ),
      returnType: returnType ? collapse(returnType.text) : null,
      returnTypeRef: returnType ? this.annotationRef(returnType) : undefined,
      isStatic: inClass && isStaticLike ? true : undefined,
      // A property's value is what its getter returns: `self.repo.save()` through `@property def repo(self) -> Repo`.
      valueType: kind === 'getter' && returnType ? this.annotationRef(returnType) : undefined,
    });
    this.decls.set(node.id, {
      localId,
      kind,
      node,
      decorators: decoratorNodes,
      isStaticLike,
      isFixture,
      autouse,
      params,
    });
    this.declNodeOf.set(localId, node.id);
    const classId = inClass ? scope.ownerId : null;
    if (kind === 'test') this.tests.push({ localId, classId, node });
    if (isFixture) {
      if (scope.kind === 'module' || inClass) this.fixtures.set(fixtureKey(classId, name), localId);
      if (autouse) this.autouse.push({ localId, classId, name, line: line(node) });
    }
    if (inClass && kind !== 'setter') this.membersOf(scope.ownerId).set(name, localId);
    if (!inClass && !scope.outer.has(name)) scope.vars.set(name, { kind: 'local-symbol', localId });
  }

  private readonly classTestFlags = new Map<string, boolean>();
  /** Variables and properties whose type an annotation declares, and those assigned values of different types. */
  private readonly annotated = new Set<string>();
  private readonly conflicted = new Set<string>();
  private readonly fixtureRequests: Array<{
    decl: DeclInfo;
    requested: Array<{ name: string; node: SyntaxNode }>;
    scope: Scope;
    fnScope: Scope;
  }> = [];
  /** Function localId → its definition node's id. */
  private readonly declNodeOf = new Map<string, number>();
  /** Fixture localId → the types of the values it returns or yields (null: not known). */
  private readonly fixtureValues = new Map<string, Array<{ value: SyntaxNode | null; scope: Scope }>>();

  /** True when `name` is a test class declared earlier at the top of this file. */
  private isTestClassName(name: string): boolean {
    const sym = this.symbols.find((s) => s.kind === 'class' && s.parent === null && s.name === name);
    return sym !== undefined && this.classTestFlags.get(sym.localId) === true;
  }

  // ---------- phase 2: calls ----------

  private lookupSlot(scope: Scope, name: string): Slot | undefined {
    for (let s: Scope | null = scope; s; s = s.parent) {
      if (s.kind === 'class' && s !== scope) continue;
      const slot = s.vars.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  private lookup(scope: Scope, name: string): Binding {
    const slot = this.lookupSlot(scope, name);
    if (slot !== undefined) {
      if (slot.kind === 'self') return { kind: 'local-value', valueType: null };
      return cloneBinding(slot);
    }
    if (PYTHON_BUILTINS.has(name) || this.starImports.length === 0) return { kind: 'global', name };
    // A name no statement of the file binds may come from a star import (the last one first).
    return { kind: 'import-search', specifiers: [...this.starImports].reverse() };
  }

  /**
   * One pass over a pre-order list of the nodes that matter (definitions, bindings, calls, and the lambdas,
   * comprehensions and decorators that change scope), taken from tree-sitter in one query, with a stack of the
   * regions (bodies) open at each node. Calls are resolved against their scope once the pass has bound every name
   * (Python's rule: a name assigned anywhere in a function is local to all of it). No recursion over the tree, so
   * deep nesting cannot overflow the stack.
   */
  private walkTree(root: SyntaxNode, moduleScope: Scope): void {
    const regions: Region[] = [
      { start: 0, end: Number.POSITIVE_INFINITY, scope: moduleScope, typeOnly: false },
    ];
    const declared = new Set<number>();
    const calls: Array<{
      at: SyntaxNode;
      callee: SyntaxNode;
      calleeType: string | null;
      calleeText: string | null;
      scope: Scope;
    }> = [];
    const walked = this.namesTypeChecking
      ? this.isTestFile
        ? WALKED_TESTS
        : WALKED
      : this.isTestFile
        ? WALKED_TESTS_NO_IF
        : WALKED_NO_IF;
    for (const node of root.descendantsOfType(walked)) {
      if (!node) continue;
      const at = node.startIndex;
      while (regions.length > 1 && (regions[regions.length - 1] as Region).end <= at) regions.pop();
      // A region opens where its body starts: a parameter default or a base class runs in the enclosing scope.
      let top = regions.length - 1;
      while (top > 0 && (regions[top] as Region).start > at) top--;
      const region = regions[top] as Region;
      const scope = region.scope;
      if (regions.length > MAX_DEPTH) {
        this.warnDepth(node);
        continue;
      }
      const type = node.type;
      switch (type) {
        case 'call': {
          const fn = node.childForFieldName('function');
          if (!fn) break;
          const fnType = fn.type;
          // `super().m()`: the call is of `m` on the base class; `super()` is how Python spells the receiver.
          const fnText = fnType === 'identifier' ? fn.text : null;
          if (fnText === 'super' && node.parent?.type === 'attribute') break;
          calls.push({ at: node, callee: fn, calleeType: fnType, calleeText: fnText, scope });
          if (scope.kind === 'module') this.noteAllCall(node);
          break;
        }
        case 'decorated_definition': {
          const definition = node.childForFieldName('definition');
          const definitionType = definition?.type;
          if (
            definition &&
            (definitionType === 'function_definition' || definitionType === 'class_definition')
          ) {
            const decorators = node.namedChildren.filter((c): c is SyntaxNode => c?.type === 'decorator');
            this.declareDefinition(definition, definitionType, decorators, scope);
            declared.add(definition.id);
          }
          break;
        }
        case 'decorator': {
          const definition = node.parent?.childForFieldName('definition');
          const decl = definition ? this.decls.get(definition.id) : undefined;
          // A decorator is called with the definition: its call belongs to the decorated symbol.
          const decoratorScope = decl ? { ...scope, caller: decl.localId } : scope;
          const expr = node.firstNamedChild;
          const text = expr ? dottedName(expr) : null;
          // `@x.setter`: the property's own descriptor, not a call into code.
          if (expr && text !== null && !/\.(setter|getter|deleter)$/.test(text))
            calls.push({ at: expr, callee: expr, calleeType: null, calleeText: null, scope: decoratorScope });
          regions.push({
            start: node.startIndex,
            end: node.endIndex,
            scope: decoratorScope,
            typeOnly: false,
          });
          break;
        }
        case 'function_definition':
        case 'class_definition': {
          if (!declared.has(node.id)) this.declareDefinition(node, type, [], scope);
          const inner =
            type === 'function_definition' ? this.enterFunction(node, scope) : this.enterClass(node, scope);
          const body = node.childForFieldName('body');
          if (inner && body)
            regions.push({ start: body.startIndex, end: body.endIndex, scope: inner, typeOnly: false });
          break;
        }
        case 'lambda': {
          const decl = this.decls.get(node.id);
          const inline = this.inlineScope(scope);
          if (decl) inline.caller = decl.localId;
          for (const p of node.childForFieldName('parameters')?.namedChildren ?? [])
            this.bindParam(p, inline);
          regions.push({ start: node.startIndex, end: node.endIndex, scope: inline, typeOnly: false });
          break;
        }
        case 'assignment':
          this.collectAssignment(node, scope);
          break;
        case 'augmented_assignment': {
          if (scope.kind !== 'module') break;
          const left = node.childForFieldName('left');
          if (left?.text === '__all__') this.noteAll(node.childForFieldName('right'));
          break;
        }
        case 'named_expression': {
          const name = node.childForFieldName('name');
          if (name) this.bindTargets(name, scope, this.typeOfValue(node.childForFieldName('value'), scope));
          break;
        }
        case 'import_statement':
        case 'import_from_statement':
        case 'future_import_statement':
          this.collectImport(node, scope, region.typeOnly);
          break;
        case 'global_statement':
        case 'nonlocal_statement':
          for (const c of node.namedChildren) if (c?.type === 'identifier') scope.outer.add(c.text);
          break;
        case 'for_statement':
          this.bindTargets(node.childForFieldName('left'), scope, null);
          break;
        case 'as_pattern_target': {
          // `with E as x`: x is what `E.__enter__()` is declared to return.
          const pattern = node.parent;
          const entered =
            pattern?.type === 'as_pattern' && pattern.parent?.type === 'with_item'
              ? this.typeOfValue(pattern.firstNamedChild, scope)
              : null;
          const single = node.firstNamedChild?.type === 'identifier' && node.namedChildCount === 1;
          this.bindTargets(
            node,
            scope,
            entered && single ? { kind: 'method-return', of: entered, name: '__enter__' } : null,
          );
          break;
        }
        case 'if_statement': {
          if (!/^if\s+(typing\.)?TYPE_CHECKING\s*:/.test(node.text.slice(0, 40))) break;
          const consequence = node.childForFieldName('consequence');
          if (consequence)
            regions.push({ start: consequence.startIndex, end: consequence.endIndex, scope, typeOnly: true });
          break;
        }
        case 'print_statement':
        case 'exec_statement':
          this.note(node, 'info', `Python 2 ${type.replace('_statement', '')} statement`);
          break;
        case 'return_statement':
        case 'yield': {
          // What a fixture returns or yields is the value of the parameters that request it.
          const decl =
            scope.kind === 'function' ? this.decls.get(this.declNodeOf.get(scope.ownerId) ?? -1) : undefined;
          if (!decl?.isFixture) break;
          let values = this.fixtureValues.get(decl.localId);
          if (!values) this.fixtureValues.set(decl.localId, (values = []));
          values.push({ value: node.firstNamedChild, scope });
          break;
        }
        default: {
          // Comprehensions: their loop variables are their own.
          const inline = this.inlineScope(scope);
          for (const clause of node.namedChildren)
            if (clause?.type === 'for_in_clause')
              this.bindTargets(clause.childForFieldName('left'), inline, null);
          regions.push({ start: node.startIndex, end: node.endIndex, scope: inline, typeOnly: false });
        }
      }
    }
    // Fixtures first: a requested fixture types its parameter before the calls on it are read.
    for (const r of this.fixtureRequests) this.requestFixtures(r.decl, r.requested, r.scope, r.fnScope);
    for (const [localId, values] of this.fixtureValues) {
      const sym = this.byLocalId.get(localId);
      const types = values.map((v) => this.typeOfValue(v.value, v.scope));
      const first = types[0] ?? null;
      if (sym && first !== null && types.every((t) => sameType(t, first))) sym.valueType = first;
    }
    for (const c of calls) this.pushSite(c.at, c.callee, c.calleeType, c.calleeText, c.scope);
  }

  private readonly noted = new Set<string>();
  /** Parameter node id → what parameterFacts read of it. */
  private readonly parameterParts = new Map<number, ParameterParts>();
  /** Annotation node id → the class it names (annotationTypeName): parameters and return types are read twice. */
  private readonly annotationNames = new Map<number, string | null>();

  /** typeRefOfAnnotation (type-refs.ts), read once per annotation node; a new TypeRef each call. */
  private annotationRef(node: SyntaxNode | null): TypeRef | null {
    if (!node) return null;
    let name = this.annotationNames.get(node.id);
    if (name === undefined) {
      name = annotationTypeName(node);
      this.annotationNames.set(node.id, name);
    }
    return name ? { kind: 'name', name } : null;
  }

  private note(node: SyntaxNode, severity: Diagnostic['severity'], message: string): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    this.diagnostics.push({ line: line(node), severity, message });
  }

  private inlineScope(scope: Scope): Scope {
    return { ...scope, kind: 'inline', vars: new Map(), parent: scope, outer: new Set() };
  }

  private bindParam(
    param: SyntaxNode | null,
    scope: Scope,
    self?: { classLocalId: string },
    knownType?: string,
  ): string | null {
    if (!param) return null;
    let nameNode: SyntaxNode | null = null;
    let annotation: SyntaxNode | null = null;
    // What is known of the name node already (parameterFacts read typed and defaulted parameters).
    let nameType: string | null = null;
    let nameText: string | null = null;
    const paramType = knownType ?? param.type;
    const read =
      paramType === 'typed_parameter' ||
      paramType === 'default_parameter' ||
      paramType === 'typed_default_parameter'
        ? this.parameterParts.get(param.id)
        : undefined;
    if (read) {
      ({ nameNode, nameType, annotation, nameText } = read);
    } else {
      switch (paramType) {
        case 'identifier':
          nameNode = param;
          nameType = paramType;
          break;
        case 'typed_parameter':
          nameNode = param.firstNamedChild;
          annotation = param.childForFieldName('type');
          break;
        case 'default_parameter':
        case 'typed_default_parameter':
          nameNode = param.childForFieldName('name');
          annotation = param.childForFieldName('type');
          break;
        case 'list_splat_pattern':
        case 'dictionary_splat_pattern':
          nameNode = param.firstNamedChild;
          break;
      }
    }
    if (nameNode && (nameType ?? nameNode.type) !== 'identifier') {
      // `*args: int` — the splat's identifier, typed as its container.
      nameNode = nameNode.firstNamedChild;
      nameText = null;
      annotation = null;
      if (!nameNode || nameNode.type !== 'identifier') return null;
    }
    if (!nameNode) return null;
    const name = nameText ?? nameNode.text;
    if (self) scope.vars.set(name, { kind: 'self', classLocalId: self.classLocalId });
    else scope.vars.set(name, { kind: 'local-value', valueType: this.annotationRef(annotation) });
    return name;
  }

  /** Binds a function's parameters and its body's names; returns the scope of its body. */
  private enterFunction(node: SyntaxNode, scope: Scope): Scope | null {
    const decl = this.decls.get(node.id);
    if (!decl) return null;
    const sym = this.byLocalId.get(decl.localId);
    const inClass = scope.kind === 'class';
    const fnScope: Scope = {
      kind: 'function',
      vars: new Map(),
      parent: scope,
      caller: decl.localId,
      qn: sym?.qualifiedName ?? null,
      ownerId: decl.localId,
      classLocalId: inClass ? scope.ownerId : scope.classLocalId,
      outer: new Set(),
      testClass: false,
    };
    const params = decl.params !== undefined ? decl.params : node.childForFieldName('parameters');
    const isStatic = decl.decorators.some((d) => /^@\s*staticmethod\b/.test(d.text));
    let first = true;
    const requested: Array<{ name: string; node: SyntaxNode }> = [];
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      const asSelf =
        first && inClass && !isStatic && scope.ownerId ? { classLocalId: scope.ownerId } : undefined;
      const pType = p.type;
      const name = this.bindParam(p, fnScope, asSelf, pType);
      if (name !== null && !asSelf && (pType === 'identifier' || pType === 'typed_parameter'))
        requested.push({ name, node: p });
      if (pType !== 'positional_separator' && pType !== 'keyword_separator') first = false;
    }
    // Fixtures are looked up once the whole file is read (a fixture may be defined below its test).
    if (this.isTestFile && (decl.kind === 'test' || decl.isFixture))
      this.fixtureRequests.push({ decl, requested, scope, fnScope });
    return fnScope;
  }

  /** Binds a class body's names; returns the scope of its body. */
  private enterClass(node: SyntaxNode, scope: Scope): Scope | null {
    const decl = this.decls.get(node.id);
    if (!decl) return null;
    const sym = this.byLocalId.get(decl.localId);
    const classScope: Scope = {
      kind: 'class',
      vars: new Map(),
      parent: scope,
      caller: decl.localId,
      qn: sym?.qualifiedName ?? null,
      ownerId: decl.localId,
      classLocalId: decl.localId,
      outer: new Set(),
      testClass: this.classTestFlags.get(decl.localId) === true,
    };
    return classScope;
  }

  /** A call site of `callee` (its type and text when the caller has read them) at the call `at`. */
  private pushSite(
    at: SyntaxNode,
    callee: SyntaxNode,
    calleeType: string | null,
    calleeText: string | null,
    scope: Scope,
  ): void {
    const text = calleeText ?? callee.text;
    this.callSites.push({
      caller: scope.caller,
      line: line(at),
      kind: 'call',
      text: truncate(collapse(text)),
      target: this.callTarget(callee, calleeType ?? callee.type, text, scope),
    });
  }

  private callTarget(callee: SyntaxNode, calleeType: string, calleeText: string, scope: Scope): CallTarget {
    // Each `type` and `text` read crosses into the parser's memory: read them once (the caller read the callee's).
    let e = callee;
    let type = calleeType;
    if (type === 'parenthesized_expression') [e, type] = unparenthesized(callee, type);
    if (type === 'identifier') {
      const text = e === callee ? calleeText : e.text;
      const slot = this.lookupSlot(scope, text);
      // `cls(…)` in a classmethod constructs the class; `self(…)` calls `__call__` of an unknown subclass.
      if (slot?.kind === 'self')
        return text === 'cls'
          ? {
              kind: 'identifier',
              name: text,
              binding: { kind: 'local-symbol', localId: slot.classLocalId },
            }
          : { kind: 'dynamic', reason: 'calls self' };
      return { kind: 'identifier', name: text, binding: this.lookup(scope, text) };
    }
    if (type === 'attribute') {
      const name = e.childForFieldName('attribute')?.text ?? '';
      const object = e.childForFieldName('object');
      if (!object) return { kind: 'dynamic', reason: 'attribute without object' };
      return { kind: 'member', name, receiver: this.receiverOf(object, scope) };
    }
    if (type === 'call') return { kind: 'dynamic', reason: 'call result' };
    if (type === 'subscript') return { kind: 'dynamic', reason: 'subscript' };
    if (type === 'conditional_expression' || type === 'boolean_operator')
      return { kind: 'dynamic', reason: 'conditional callee' };
    return { kind: 'dynamic', reason: `callee is ${type}` };
  }

  private receiverOf(object: SyntaxNode, scope: Scope): Receiver {
    const [e, type] = unparenthesized(object);
    if (type === 'identifier') {
      const text = e.text;
      const slot = this.lookupSlot(scope, text);
      if (slot?.kind === 'self') return { kind: 'this', classLocalId: slot.classLocalId };
      return { kind: 'identifier', name: text, binding: this.lookup(scope, text) };
    }
    if (type === 'call') {
      const fn = e.childForFieldName('function');
      if (fn?.type === 'identifier' && fn.text === 'super' && this.lookupSlot(scope, 'super') === undefined)
        return { kind: 'super', classLocalId: scope.classLocalId };
      const typed = this.typeOfValue(e, scope, 0, type);
      if (typed) return { kind: 'typed', valueType: typed };
    }
    if (type === 'attribute') {
      const inner = e.childForFieldName('object');
      const attr = e.childForFieldName('attribute');
      if (inner?.type === 'identifier' && attr) {
        const slot = this.lookupSlot(scope, inner.text);
        if (slot?.kind === 'self')
          return { kind: 'this-field', classLocalId: slot.classLocalId, field: attr.text };
      }
      // `a.b.c.f()` after `import a.b.c`: the submodule is the receiver.
      const dotted = dottedName(e, 0, type);
      if (dotted !== null) {
        const slot = this.lookupSlot(scope, dotted);
        if (slot && slot.kind === 'import')
          return { kind: 'identifier', name: dotted, binding: cloneBinding(slot) };
      }
      // `self.repo.db.query()`, `order.customer.notify()`: members of a typed value, followed by the resolver.
      const typed = this.typeOfAttribute(e, scope, 0, type);
      if (typed) return { kind: 'typed', valueType: typed };
    }
    const literal = LITERAL_TYPES[type];
    if (literal) return { kind: 'typed', valueType: { kind: 'name', name: literal } };
    return { kind: 'expression', text: truncate(collapse(e.text)) };
  }

  /** The type of an attribute chain rooted at `self`/`cls`, a typed local or a call: a `member` TypeRef, or null. */
  private typeOfAttribute(e: SyntaxNode, scope: Scope, depth: number, known?: string): TypeRef | null {
    if (depth > MAX_TYPE_CHAIN) return null;
    const type = known ?? e.type;
    if (type === 'call') return this.typeOfValue(e, scope, depth + 1);
    if (type === 'identifier') {
      const slot = this.lookupSlot(scope, e.text);
      if (slot?.kind === 'local-value') return slot.valueType;
      if (slot?.kind !== 'self') return null;
      const cls = this.byLocalId.get(slot.classLocalId);
      return cls && cls.parent === null ? { kind: 'name', name: cls.name } : null;
    }
    if (type !== 'attribute') return null;
    const object = e.childForFieldName('object');
    const attr = e.childForFieldName('attribute');
    const of = object && attr ? this.typeOfAttribute(object, scope, depth + 1) : null;
    return of && attr ? { kind: 'member', of, name: attr.text } : null;
  }

  // ---------- tests ----------

  /** A test or fixture requests fixtures by parameter name: each request is a call of that fixture. */
  private requestFixtures(
    decl: DeclInfo,
    requested: Array<{ name: string; node: SyntaxNode }>,
    scope: Scope,
    fnScope: Scope,
  ): void {
    const parametrized = new Set<string>();
    const used: Array<{ name: string; node: SyntaxNode }> = [];
    for (const d of decl.decorators) {
      const call = d.namedChildren[0];
      if (call?.type !== 'call') continue;
      const fn = dottedName(call.childForFieldName('function')) ?? '';
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      if (/(^|\.)parametrize$/.test(fn)) {
        const names = stringValue(args[0] ?? null);
        if (names !== null) for (const n of names.split(',')) parametrized.add(n.trim());
        else if (args[0]?.type === 'list' || args[0]?.type === 'tuple')
          for (const item of args[0].namedChildren) {
            const v = stringValue(item);
            if (v !== null) parametrized.add(v.trim());
          }
      } else if (/(^|\.)usefixtures$/.test(fn)) {
        for (const a of args) {
          const v = stringValue(a);
          if (v !== null) used.push({ name: v, node: a ?? call });
        }
      }
    }
    const classId = scope.kind === 'class' ? scope.ownerId : null;
    for (const r of [...requested, ...used]) {
      if (parametrized.has(r.name)) continue;
      const binding = this.fixtureBinding(r.name, classId);
      this.callSites.push({
        caller: decl.localId,
        line: line(r.node),
        kind: 'call',
        text: r.name,
        target: { kind: 'identifier', name: r.name, binding },
      });
      // The parameter holds the fixture's value: typed as what the fixture function returns.
      const param = fnScope.vars.get(r.name);
      if (param?.kind !== 'local-value' || param.valueType !== null) continue;
      if (binding.kind === 'local-symbol') {
        const fixture = this.byLocalId.get(binding.localId);
        if (fixture && fixture.parent === null)
          fnScope.vars.set(r.name, {
            kind: 'local-value',
            valueType: { kind: 'call-return', callee: r.name },
          });
      } else if (binding.kind === 'import-search') {
        fnScope.vars.set(r.name, {
          kind: 'local-value',
          valueType: { kind: 'call-return', callee: r.name, search: [...binding.specifiers] },
        });
      }
    }
  }

  private fixtureBinding(name: string, classId: string | null): Binding {
    const local =
      (classId !== null ? this.fixtures.get(fixtureKey(classId, name)) : undefined) ??
      this.fixtures.get(fixtureKey(null, name));
    if (local !== undefined) return { kind: 'local-symbol', localId: local };
    if (PYTEST_BUILTIN_FIXTURES.has(name)) return { kind: 'global', name };
    return { kind: 'import-search', specifiers: conftestChain(this.path) };
  }

  /**
   * setUp methods and autouse fixtures run for every test of their class or module: each test calls them. The
   * autouse fixtures of `conftest.py` files up the tree run too: a conftest exports its module-level ones under the
   * names `<autouse 1>`, `<autouse 2>`, …, and each test makes implicit calls of those names in every conftest
   * above it (dropped by the resolver where there is none).
   */
  private addTestLinks(): void {
    if (/(^|\/)conftest\.py$/.test(this.path)) {
      const shared = this.autouse.filter((f) => f.classId === null).slice(0, MAX_CONFTEST_AUTOUSE);
      shared.forEach((f, n) =>
        this.exports.push({ exported: autouseExport(n), local: f.name, line: f.line }),
      );
    }
    const conftests = this.tests.length > 0 ? conftestChain(this.path) : [];
    for (const test of this.tests) {
      const at = line(test.node);
      for (const specifier of conftests)
        for (let n = 0; n < MAX_CONFTEST_AUTOUSE; n++) {
          const name = autouseExport(n);
          this.callSites.push({
            caller: test.localId,
            line: at,
            kind: 'call',
            text: name,
            target: { kind: 'identifier', name, binding: { kind: 'import-search', specifiers: [specifier] } },
            implicit: true,
          });
        }
      if (test.classId !== null) {
        for (const [name, owner] of this.setupMethods(test.classId)) {
          this.callSites.push({
            caller: test.localId,
            line: at,
            kind: 'call',
            text: `self.${name}`,
            target: { kind: 'member', name, receiver: { kind: 'this', classLocalId: owner } },
          });
        }
      }
      for (const fixture of this.autouse) {
        if (fixture.classId !== null && fixture.classId !== test.classId) continue;
        this.callSites.push({
          caller: test.localId,
          line: at,
          kind: 'call',
          text: fixture.name,
          target: {
            kind: 'identifier',
            name: fixture.name,
            binding: { kind: 'local-symbol', localId: fixture.localId },
          },
        });
      }
    }
  }

  /** The setup methods a test class has, by name, searching its bases declared in this file. */
  private setupMethods(classId: string, seen = new Set<string>()): Map<string, string> {
    const out = new Map<string, string>();
    if (seen.has(classId)) return out;
    seen.add(classId);
    for (const [name] of this.classMembers.get(classId) ?? [])
      if (SETUP_METHODS.has(name)) out.set(name, classId);
    const cls = this.byLocalId.get(classId);
    for (const base of cls?.extends ?? []) {
      const baseSym = this.symbols.find((s) => s.kind === 'class' && s.parent === null && s.name === base);
      if (!baseSym) continue;
      for (const [name] of this.setupMethods(baseSym.localId, seen))
        if (!out.has(name)) out.set(name, classId);
    }
    return out;
  }

  testFramework(): string | null {
    if (!this.isTestFile) return null;
    const pytestStyle =
      this.usesPytest || this.tests.some((t) => t.classId === null || !this.isUnittestClass(t.classId));
    if (!pytestStyle && this.usesUnittest) return 'unittest';
    return 'pytest';
  }

  private isUnittestClass(classId: string): boolean {
    return (
      (this.byLocalId.get(classId)?.extends ?? []).some((b) => /TestCase$/.test(b)) ||
      this.inheritsUnittest(classId)
    );
  }

  private inheritsUnittest(classId: string, depth = 0): boolean {
    if (depth > 8) return false;
    for (const base of this.byLocalId.get(classId)?.extends ?? []) {
      const baseSym = this.symbols.find((s) => s.kind === 'class' && s.name === base);
      if (
        baseSym &&
        ((baseSym.extends ?? []).some((b) => /TestCase$/.test(b)) ||
          this.inheritsUnittest(baseSym.localId, depth + 1))
      )
        return true;
    }
    return false;
  }

  /** Syntax errors: a diagnostic per error node (the first few), found without recursion. */
  collectSyntaxErrors(root: SyntaxNode): void {
    this.diagnostics.push(...syntaxErrorDiagnostics(root));
  }
}

/** The autouse fixtures of one `conftest.py` that its tests are linked to (pytest runs them all; past this, none). */
const MAX_CONFTEST_AUTOUSE = 8;

/** The export name of a conftest's n-th (0-based) module-level autouse fixture: no Python name can clash with it. */
function autouseExport(n: number): string {
  return `<autouse ${n + 1}>`;
}

function fixtureKey(classId: string | null, name: string): string {
  return `${classId ?? ''}\u0000${name}`;
}

/** `conftest.py` modules a test file sees, nearest first, as relative specifiers (`.conftest`, `..conftest`, …). */
export function conftestChain(path: string): string[] {
  const dirs = path.split('/').length - 1;
  const own = /(^|\/)conftest\.py$/.test(path);
  const out: string[] = [];
  for (let up = own ? 1 : 0; up <= dirs; up++) out.push(`${'.'.repeat(up + 1)}conftest`);
  return out;
}

function sameType(a: TypeRef | null, b: TypeRef | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `((x))` → `x`: the expression inside single-item parentheses, with its type (`type`: the node's, when read). */
function unparenthesized(node: SyntaxNode, type = node.type): [SyntaxNode, string] {
  let e = node;
  let eType = type;
  for (let i = 0; i < 64 && eType === 'parenthesized_expression' && e.namedChildCount === 1; i++) {
    e = e.firstNamedChild as SyntaxNode;
    eType = e.type;
  }
  return [e, eType];
}

function cloneBinding(b: Binding): Binding {
  if (b.kind === 'local-value')
    return { kind: 'local-value', valueType: b.valueType ? { ...b.valueType } : null };
  if (b.kind === 'import-search') return { kind: 'import-search', specifiers: [...b.specifiers] };
  return { ...b };
}

/** The declared encoding of a Python file (PEP 263: a `coding[:=]` comment on line 1 or 2), lowercased, or null. */
export function declaredEncoding(text: string): string | null {
  const head = text.split('\n', 2);
  for (const l of head) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(l);
    if (m) return (m[1] ?? '').toLowerCase();
  }
  return null;
}

/**
 * Extracts the facts of one Python file. Never throws for bad input: partial facts plus diagnostics. `parse` is the
 * plug-in's own parser unless a caller brings another tree-sitter Python parser (the benchmark times the native
 * binding's through here).
 */
export function extractPythonFacts(
  path: string,
  rawText: string,
  parse: (text: string) => SyntaxTree = parsePython,
): FileFacts {
  // A byte-order mark is not Python: drop it (it holds no newline, so lines stay the same).
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  let lastLine = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lastLine++;
  const extractor = new Extractor(path, lastLine, text);
  const tree = parse(text);
  try {
    const root = tree.rootNode;
    extractor.run(root);
    extractor.collectSyntaxErrors(root);
  } finally {
    tree.delete();
  }
  const encoding = declaredEncoding(text);
  if (encoding !== null && !/^utf-?8(-sig)?$/.test(encoding) && /[^\x00-\x7f]/.test(text))
    extractor.diagnostics.push({
      line: 1,
      severity: 'warning',
      message: `declares encoding ${encoding}; its bytes were valid UTF-8 and were read as UTF-8`,
    });
  const symbols = extractor.symbols.slice(1).sort((a, b) => a.startLine - b.startLine);
  const wildcardNames = extractor.wildcardNames();
  return {
    path,
    language: 'python',
    symbols: [extractor.symbols[0] as SymbolFact, ...symbols],
    imports: extractor.imports,
    exports: extractor.exports,
    callSites: extractor.callSites,
    isTestFile: extractor.isTestFile,
    testFramework: extractor.testFramework(),
    diagnostics: extractor.diagnostics.sort((a, b) => a.line - b.line),
    ...(wildcardNames !== undefined ? { wildcardNames } : {}),
  };
}
