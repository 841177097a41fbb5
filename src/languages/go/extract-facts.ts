/**
 * Per-file extraction for Go over a tree-sitter parse: symbols (functions, methods as `Type.method`, struct,
 * interface and other named types, struct fields, interface methods, package-level constants and variables, type
 * parameters in signatures, result lists as return types), imports, call sites with an in-file scope analysis
 * (block scopes, parameters, receivers, `:=` and `var` locals typed from composite literals, `new`, constructors,
 * declared results, fields and type assertions), and `go test` tests (tests, subtests through `t.Run`, benchmarks,
 * examples, fuzz targets; `TestMain` as the setup every test of the file runs after). A file belongs to its package
 * (FileFacts.packageScope: directory plus package clause), whose files share one top-level scope: names this file
 * does not declare are left as globals for the repo-wide resolver to find in the package's other files.
 * Pure: no I/O.
 */
import type {
  Binding,
  CallSiteFact,
  CallTarget,
  Diagnostic,
  FileFacts,
  ImportFact,
  Receiver,
  SymbolFact,
  SymbolKind,
  TypeRef,
} from '../../core/facts.js';
import { MODULE_QUALIFIED_NAME } from '../../core/facts.js';
import { makeLocalId } from '../../core/ids.js';
import {
  GO_BUILTINS,
  goExcludingConstraint,
  goImportName,
  goTestKind,
  goTypeName,
  isGoTestPath,
} from './conventions.js';
import type { SyntaxNode } from './parser.js';
import { parseGo } from './parser.js';
import { endLine, MAX_SYNTAX_DIAGNOSTICS, startLine as line } from '../tree-sitter/syntax.js';

const MAX_DEPTH = 400;
const MAX_CALL_TEXT = 200;

/** What a name in a function's scope stands for. */
interface Local {
  type: TypeRef | null;
  /** A local bound to a function literal: the types of its results, in order. */
  results?: Array<TypeRef | null>;
  /**
   * A local bound to a function or method value (`f := helper`, `f := s.Close`, `f := (*T).Close`): calling it calls
   * that function, as go/ssa's static callee does.
   */
  alias?: { node: SyntaxNode; scope: Scope | null };
  /** A value of an unnamed struct type (`tests := []struct{ in T }{…}`, and its elements): its fields' types. */
  fields?: StructFields;
}

/** The fields of an unnamed struct type, by name. */
type StructFields = Map<string, TypeRef | null>;

interface Scope {
  vars: Map<string, Local>;
  parent: Scope | null;
}

interface Context {
  scope: Scope;
  /** localId the calls here are attributed to. */
  caller: string;
  /** The enclosing test (for subtests), or null. */
  test: { localId: string; qualifiedName: string } | null;
  depth: number;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length > MAX_CALL_TEXT ? text.slice(0, MAX_CALL_TEXT) : text;
}

function isExported(name: string): boolean {
  return /^\p{Lu}/u.test(name);
}

function children(node: SyntaxNode | null): SyntaxNode[] {
  if (!node) return [];
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

/** The names a declaration lists in its `name` field (the commas between them are not names). */
function namesOf(node: SyntaxNode): SyntaxNode[] {
  return node
    .childrenForFieldName('name')
    .filter((n): n is SyntaxNode => n !== null && n.isNamed && /identifier$/.test(n.type));
}

/** The value of a string literal (`"a b"`, `` `a b` ``), or null. */
function stringValue(node: SyntaxNode | null): string | null {
  if (!node) return null;
  if (node.type === 'interpreted_string_literal' || node.type === 'raw_string_literal') {
    const content = children(node)
      .filter((c) => c.type.endsWith('_content') || c.type === 'escape_sequence')
      .map((c) => (c.type === 'escape_sequence' ? unescape(c.text) : c.text))
      .join('');
    return content;
  }
  return null;
}

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'", r: '\r' };
  return map[seq.slice(1)] ?? seq;
}

/** A type node → the TypeRef of the named type it stands for (`*pkg.T[int]` → `pkg.T`), or null. */
function typeRefOf(node: SyntaxNode | null): TypeRef | null {
  if (!node) return null;
  const name = goTypeName(collapse(node.text));
  return name ? { kind: 'name', name } : null;
}

/** The fields of an unnamed struct type, or of the elements of a collection (or pointer) of one; null otherwise. */
function structFieldsOfType(node: SyntaxNode | null): StructFields | null {
  let type = node;
  for (let guard = 0; type && guard < 16; guard++) {
    if (type.type === 'struct_type') break;
    if (
      !/^(pointer_type|slice_type|array_type|implicit_length_array_type|map_type|channel_type|parenthesized_type)$/.test(
        type.type,
      )
    )
      return null;
    // The element type is the last named child of each of these (`[N]T`, `map[K]T`, `chan T`, `*T`).
    const named = children(type);
    type = named[named.length - 1] ?? null;
  }
  if (type?.type !== 'struct_type') return null;
  const fields: StructFields = new Map();
  for (const list of children(type))
    for (const decl of children(list)) {
      if (decl.type !== 'field_declaration') continue;
      const fieldType = typeRefOf(decl.childForFieldName('type'));
      for (const name of decl.childrenForFieldName('name')) if (name) fields.set(name.text, fieldType);
    }
  return fields;
}

/** First sentence of the comment block right above a declaration. */
function docOf(node: SyntaxNode): string | null {
  const lines: string[] = [];
  let prev = node.previousNamedSibling;
  let expected = node.startPosition.row - 1;
  while (prev && prev.type === 'comment' && prev.endPosition.row === expected) {
    lines.unshift(prev.text.replace(/^\/\/\s?|^\/\*|\*\/$/g, ''));
    expected = prev.startPosition.row - 1;
    prev = prev.previousNamedSibling;
  }
  const paragraph = collapse(lines.join(' '));
  if (!paragraph) return null;
  const match = /^(.*?[.!?])(\s|$)/.exec(paragraph);
  return match?.[1] ?? paragraph;
}

class GoExtractor {
  readonly symbols: SymbolFact[] = [];
  readonly imports: ImportFact[] = [];
  readonly callSites: CallSiteFact[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly ordinals = new Map<string, number>();
  private readonly byLocalId = new Map<string, SymbolFact>();
  /** Top-level declarations of this file by name. */
  private readonly topLevel = new Map<string, SymbolFact>();
  /** Package names bound by this file's imports. */
  private readonly importNames = new Map<string, ImportFact>();
  private readonly tests: Array<{ localId: string; node: SyntaxNode }> = [];
  /** Package-level variables of an unnamed struct type (`var tests = []struct{…}{…}`) in this file. */
  private readonly topLevelFields = new Map<string, StructFields>();
  private testMain: string | null = null;
  private depthWarned = false;
  moduleId = '';
  packageName = '';
  readonly isTestFile: boolean;
  importsTesting = false;

  constructor(
    private readonly path: string,
    private readonly lastLine: number,
  ) {
    this.isTestFile = isGoTestPath(path);
  }

  run(root: SyntaxNode): void {
    this.moduleId = this.addSymbol({
      name: MODULE_QUALIFIED_NAME,
      qualifiedName: MODULE_QUALIFIED_NAME,
      kind: 'module',
      startLine: 1,
      endLine: Math.max(1, this.lastLine),
      parent: null,
    });
    const top = children(root);
    // Declarations first, so calls may name what is declared further down.
    for (const node of top) {
      if (node.type === 'package_clause') this.packageName = children(node)[0]?.text ?? '';
      else if (node.type === 'import_declaration') this.readImports(node);
    }
    for (const node of top) if (node.type === 'type_declaration') this.declareTypes(node);
    for (const node of top) {
      if (node.type === 'function_declaration') this.declareFunction(node);
      else if (node.type === 'method_declaration') this.declareMethod(node);
      else if (node.type === 'var_declaration' || node.type === 'const_declaration') this.declareValues(node);
    }
    for (const node of top)
      if (node.type === 'var_declaration')
        for (const spec of node.descendantsOfType('var_spec')) {
          // Not the specs of a function literal's body in a value.
          if (!spec || (spec.parent?.id !== node.id && spec.parent?.parent?.id !== node.id)) continue;
          const values = children(spec.childForFieldName('value'));
          const names = namesOf(spec);
          names.forEach((n, i) => {
            const v = values.length === names.length ? values[i] : undefined;
            const fields =
              structFieldsOfType(spec.childForFieldName('type')) ?? (v ? this.structFieldsOf(v, null) : null);
            if (fields) this.topLevelFields.set(n.text, fields);
          });
        }
    for (const node of top) this.walkTopLevel(node);
    this.addTestLinks();
  }

  // ---------- symbols ----------

  private addSymbol(s: {
    name: string;
    qualifiedName: string;
    kind: SymbolKind;
    startLine: number;
    endLine: number;
    parent: string | null;
    signature?: string;
    returnType?: string | null;
    doc?: string | null;
    exported?: boolean;
    valueType?: TypeRef | null;
    extends?: string[];
  }): string {
    const base = makeLocalId(s.qualifiedName, s.kind);
    const n = (this.ordinals.get(base) ?? 0) + 1;
    this.ordinals.set(base, n);
    const localId = makeLocalId(s.qualifiedName, s.kind, n);
    const endLineClamped = Math.min(Math.max(s.endLine, s.startLine), Math.max(1, this.lastLine));
    const sym: SymbolFact = {
      localId,
      name: s.name,
      qualifiedName: s.qualifiedName,
      kind: s.kind,
      startLine: Math.min(s.startLine, endLineClamped),
      endLine: endLineClamped,
      signature: s.signature ?? '',
      returnType: s.returnType ?? null,
      exported: s.exported ?? false,
      doc: s.doc ?? null,
      parent: s.parent,
    };
    // The result a call gives, as the resolver follows it: `(*Server, error)` → Server.
    const resultName = s.returnType ? goTypeName(s.returnType) : null;
    if (resultName) sym.returnTypeRef = { kind: 'name', name: resultName };
    if (s.valueType) sym.valueType = s.valueType;
    if (s.extends && s.extends.length > 0) sym.extends = s.extends;
    this.symbols.push(sym);
    this.byLocalId.set(localId, sym);
    return localId;
  }

  private readImports(decl: SyntaxNode): void {
    const specs = decl.descendantsOfType('import_spec').filter((s): s is SyntaxNode => s !== null);
    for (const spec of specs) {
      const path = stringValue(spec.childForFieldName('path'));
      if (path === null) continue;
      const alias = spec.childForFieldName('name');
      if (path === 'testing') this.importsTesting = true;
      let localName: string;
      if (!alias) localName = goImportName(path);
      else if (alias.type === 'blank_identifier') localName = '';
      // A dot import puts the package's names in the file scope; calls through them stay with the package's
      // globals (not resolved yet), the import is still recorded.
      else if (alias.type === 'dot') localName = '';
      else localName = alias.text;
      const fact: ImportFact = {
        localName,
        imported: '*',
        specifier: path,
        line: line(spec),
        typeOnly: false,
        kind: 'static',
      };
      this.imports.push(fact);
      if (localName !== '') this.importNames.set(localName, fact);
    }
  }

  private declareTypes(decl: SyntaxNode): void {
    for (const spec of children(decl)) {
      if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
      const nameNode = spec.childForFieldName('name');
      const typeNode = spec.childForFieldName('type');
      if (!nameNode || !typeNode) continue;
      const name = nameNode.text;
      const kind: SymbolKind =
        typeNode.type === 'struct_type' ? 'class' : typeNode.type === 'interface_type' ? 'interface' : 'type';
      const params = spec.childForFieldName('type_parameters');
      const ext: string[] = [];
      // An alias has the members of the type it names.
      if (spec.type === 'type_alias') {
        const aliased = goTypeName(collapse(typeNode.text));
        if (aliased) ext.push(aliased);
      }
      const localId = this.addSymbol({
        name,
        qualifiedName: name,
        kind,
        startLine: line(decl.namedChildCount === 1 ? decl : spec),
        endLine: endLine(spec),
        parent: null,
        signature: params ? collapse(params.text) : '',
        doc: docOf(decl.namedChildCount === 1 ? decl : spec),
        exported: isExported(name),
        extends: ext,
      });
      const sym = this.byLocalId.get(localId) as SymbolFact;
      this.topLevel.set(name, sym);
      if (kind === 'class') this.declareFields(sym, typeNode);
      else if (kind === 'interface') this.declareInterfaceMethods(sym, typeNode);
    }
  }

  private declareFields(owner: SymbolFact, struct: SyntaxNode): void {
    const list = children(struct).find((c) => c.type === 'field_declaration_list');
    const embedded: string[] = [];
    for (const field of children(list ?? null)) {
      if (field.type !== 'field_declaration') continue;
      const typeNode = field.childForFieldName('type');
      const names = namesOf(field);
      const valueType = typeRefOf(typeNode);
      if (names.length === 0) {
        // An embedded field: its type's methods and fields are promoted; the field is named by the type's name.
        const typeName = valueType?.kind === 'name' ? valueType.name : null;
        if (!typeName) continue;
        embedded.push(typeName);
        const fieldName = typeName.slice(typeName.lastIndexOf('.') + 1);
        this.addSymbol({
          name: fieldName,
          qualifiedName: `${owner.qualifiedName}.${fieldName}`,
          kind: 'property',
          startLine: line(field),
          endLine: endLine(field),
          parent: owner.localId,
          signature: '',
          exported: isExported(fieldName),
          valueType,
        });
        continue;
      }
      for (const n of names) {
        this.addSymbol({
          name: n.text,
          qualifiedName: `${owner.qualifiedName}.${n.text}`,
          kind: 'property',
          startLine: line(field),
          endLine: endLine(field),
          parent: owner.localId,
          exported: isExported(n.text),
          valueType,
          doc: docOf(field),
        });
      }
    }
    if (embedded.length > 0) owner.extends = [...(owner.extends ?? []), ...embedded];
  }

  private declareInterfaceMethods(owner: SymbolFact, iface: SyntaxNode): void {
    const embedded: string[] = [];
    for (const elem of children(iface)) {
      if (elem.type === 'method_elem') {
        const nameNode = elem.childForFieldName('name');
        if (!nameNode) continue;
        const params = elem.childForFieldName('parameters');
        const result = elem.childForFieldName('result');
        const resultName = result ? goTypeName(collapse(result.text)) : null;
        this.addSymbol({
          name: nameNode.text,
          qualifiedName: `${owner.qualifiedName}.${nameNode.text}`,
          kind: 'method',
          startLine: line(elem),
          endLine: endLine(elem),
          parent: owner.localId,
          signature: params ? collapse(params.text) : '()',
          returnType: result ? collapse(result.text) : null,
          exported: isExported(nameNode.text),
          doc: docOf(elem),
          valueType: resultName ? { kind: 'name', name: resultName } : null,
        });
      } else if (elem.type === 'type_elem') {
        // `io.Reader` embedded; a union (`~int | ~string`) is a constraint, not an embedding.
        const parts = children(elem);
        if (parts.length !== 1) continue;
        const name = goTypeName(collapse(elem.text));
        if (name) embedded.push(name);
      }
    }
    if (embedded.length > 0) owner.extends = [...(owner.extends ?? []), ...embedded];
  }

  private signatureOf(node: SyntaxNode): { signature: string; returnType: string | null } {
    const typeParams = node.childForFieldName('type_parameters');
    const params = node.childForFieldName('parameters');
    const result = node.childForFieldName('result');
    return {
      signature: collapse(`${typeParams?.text ?? ''}${params?.text ?? '()'}`),
      returnType: result ? collapse(result.text) : null,
    };
  }

  private declareFunction(node: SyntaxNode): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const name = nameNode.text;
    const { signature, returnType } = this.signatureOf(node);
    const testKind = this.isTestFile ? goTestKind(name) : null;
    const isTest = testKind !== null && this.looksLikeTestSignature(testKind, node);
    const localId = this.addSymbol({
      name,
      qualifiedName: name,
      kind: isTest ? 'test' : 'function',
      startLine: line(node),
      endLine: endLine(node),
      parent: null,
      signature,
      returnType,
      exported: isExported(name),
      doc: docOf(node),
    });
    if (isTest) this.tests.push({ localId, node });
    else {
      if (this.isTestFile && name === 'TestMain') this.testMain = localId;
      // `init` functions are never called by name, and there may be several: none is the file's `init`.
      if (name !== 'init' && name !== '_') this.topLevel.set(name, this.byLocalId.get(localId) as SymbolFact);
    }
  }

  /** `TestX(t *testing.T)`, `BenchmarkX(b *testing.B)`, `FuzzX(f *testing.F)`, `ExampleX()`. */
  private looksLikeTestSignature(kind: 'test' | 'benchmark' | 'example' | 'fuzz', node: SyntaxNode): boolean {
    const params = children(node.childForFieldName('parameters'));
    if (kind === 'example') return params.length === 0;
    if (params.length !== 1) return false;
    const want = kind === 'test' ? 'T' : kind === 'benchmark' ? 'B' : 'F';
    const type = collapse(params[0]?.childForFieldName('type')?.text ?? '');
    return type === `*testing.${want}` || type.endsWith(`.${want}`) || type === `*${want}`;
  }

  private declareMethod(node: SyntaxNode): void {
    const nameNode = node.childForFieldName('name');
    const receiver = children(node.childForFieldName('receiver'))[0];
    if (!nameNode || !receiver) return;
    const recvType = goTypeName(collapse(receiver.childForFieldName('type')?.text ?? ''));
    if (!recvType) return;
    const name = nameNode.text;
    const owner = this.topLevel.get(recvType);
    const { signature, returnType } = this.signatureOf(node);
    const resultName = returnType ? goTypeName(returnType) : null;
    this.addSymbol({
      name,
      qualifiedName: `${recvType}.${name}`,
      kind: 'method',
      startLine: line(node),
      endLine: endLine(node),
      // The receiver's type may be declared in another file of the package: the method then has no parent here,
      // and the resolver finds it by its qualified name in the package.
      parent: owner && owner.kind !== 'variable' && owner.kind !== 'function' ? owner.localId : null,
      signature,
      returnType,
      exported: isExported(name),
      doc: docOf(node),
      // What a call of the method gives, so `x.Get().Do()` is typed.
      valueType: resultName ? { kind: 'name', name: resultName } : null,
    });
  }

  private declareValues(decl: SyntaxNode): void {
    const scope: Scope = { vars: new Map(), parent: null };
    const specs = decl
      .descendantsOfType(['var_spec', 'const_spec'])
      .filter((s): s is SyntaxNode => s !== null);
    for (const spec of specs) {
      const names = namesOf(spec);
      const declared = typeRefOf(spec.childForFieldName('type'));
      const values = children(spec.childForFieldName('value'));
      names.forEach((n, i) => {
        if (n.text === '_') return;
        const valueNode =
          values.length === names.length ? values[i] : values.length === 1 && i === 0 ? values[0] : undefined;
        const valueType = declared ?? (valueNode ? this.typeOfExpr(valueNode, scope) : null);
        const localId = this.addSymbol({
          name: n.text,
          qualifiedName: n.text,
          kind: 'variable',
          startLine: line(spec),
          endLine: endLine(spec),
          parent: null,
          exported: isExported(n.text),
          doc: docOf(decl.namedChildCount === 1 ? decl : spec),
          valueType,
        });
        this.topLevel.set(n.text, this.byLocalId.get(localId) as SymbolFact);
      });
    }
  }

  // ---------- scopes and types ----------

  private lookup(scope: Scope | null, name: string): Local | undefined {
    for (let s = scope; s; s = s.parent) {
      const found = s.vars.get(name);
      if (found) return found;
    }
    return undefined;
  }

  private declareParams(list: SyntaxNode | null, scope: Scope): void {
    for (const param of children(list)) {
      if (param.type !== 'parameter_declaration' && param.type !== 'variadic_parameter_declaration') continue;
      const type =
        param.type === 'variadic_parameter_declaration' ? null : typeRefOf(param.childForFieldName('type'));
      for (const n of namesOf(param)) scope.vars.set(n.text, { type });
    }
  }

  /** The type an expression evaluates to, as far as this file tells. */
  private typeOfExpr(node: SyntaxNode, scope: Scope, depth = 0): TypeRef | null {
    if (depth > 32) return null;
    switch (node.type) {
      case 'composite_literal':
        return typeRefOf(node.childForFieldName('type'));
      case 'unary_expression': {
        const operand = node.childForFieldName('operand');
        return operand && node.text.startsWith('&') ? this.typeOfExpr(operand, scope, depth + 1) : null;
      }
      case 'parenthesized_expression': {
        const inner = children(node)[0];
        return inner ? this.typeOfExpr(inner, scope, depth + 1) : null;
      }
      case 'type_assertion_expression':
        return typeRefOf(node.childForFieldName('type'));
      // A collection's type stands for its element's (see goTypeName): an element or a slice of it has that type.
      case 'index_expression':
      case 'slice_expression': {
        const operand = node.childForFieldName('operand');
        return operand ? this.typeOfExpr(operand, scope, depth + 1) : null;
      }
      case 'identifier': {
        const local = this.lookup(scope, node.text);
        if (local) return local.type;
        const top = this.topLevel.get(node.text);
        return top?.kind === 'variable' ? (top.valueType ?? null) : null;
      }
      case 'selector_expression': {
        const operand = node.childForFieldName('operand');
        const field = node.childForFieldName('field');
        if (!operand || !field) return null;
        if (operand.type === 'identifier' && this.isPackageName(operand.text, scope)) return null;
        const fields = this.structFieldsOf(operand, scope);
        if (fields) return fields.get(field.text) ?? null;
        const of = this.typeOfExpr(operand, scope, depth + 1);
        return of ? { kind: 'member', of, name: field.text } : null;
      }
      case 'call_expression': {
        let fn = node.childForFieldName('function');
        if (fn?.type === 'index_expression' || fn?.type === 'generic_type')
          fn = fn.childForFieldName('operand') ?? fn.childForFieldName('type');
        if (!fn) return null;
        if (fn.type === 'identifier') {
          const name = fn.text;
          if (this.lookup(scope, name)) return null;
          // `new(T)`, and `make(chan T)`, `make([]T, n)`, `make(map[K]T)`: a collection stands for its element.
          if ((name === 'new' || name === 'make') && !this.topLevel.has(name)) {
            const arg = children(node.childForFieldName('arguments'))[0];
            return arg ? typeRefOf(arg) : null;
          }
          if (GO_BUILTINS.has(name) && !this.topLevel.has(name)) return null;
          const top = this.topLevel.get(name);
          if (top && top.kind !== 'function') return top.kind === 'variable' ? null : { kind: 'name', name };
          return { kind: 'call-return', callee: name };
        }
        if (fn.type === 'selector_expression') {
          const operand = fn.childForFieldName('operand');
          const field = fn.childForFieldName('field');
          if (!operand || !field) return null;
          if (operand.type === 'identifier' && this.isPackageName(operand.text, scope))
            return { kind: 'call-return', callee: `${operand.text}.${field.text}` };
          const of = this.typeOfExpr(operand, scope, depth + 1);
          return of ? { kind: 'method-return', of, name: field.text } : null;
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** The result types of a function literal, in order. */
  private resultTypes(literal: SyntaxNode): Array<TypeRef | null> {
    const result = literal.childForFieldName('result');
    if (!result) return [];
    if (result.type !== 'parameter_list') return [typeRefOf(result)];
    const out: Array<TypeRef | null> = [];
    for (const param of children(result)) {
      const type = typeRefOf(param.childForFieldName('type'));
      const names = namesOf(param).length;
      for (let i = 0; i < Math.max(1, names); i++) out.push(type);
    }
    return out;
  }

  /**
   * Whether a value may be a function or method value a later call calls: a name that is no local (`helper`), or a
   * selector (`s.Close`, `pkg.Func`, `(*T).Close`); the resolver tells a method from a field or a variable.
   */
  private isFunctionValue(value: SyntaxNode, scope: Scope): boolean {
    if (value.type === 'identifier') return !this.lookup(scope, value.text);
    return value.type === 'selector_expression';
  }

  /** The fields of the unnamed struct type an expression has (or, for a collection of them, its elements have). */
  private structFieldsOf(node: SyntaxNode, scope: Scope | null, depth = 0): StructFields | null {
    if (depth > 32) return null;
    switch (node.type) {
      case 'composite_literal':
        return structFieldsOfType(node.childForFieldName('type'));
      case 'identifier': {
        const local = this.lookup(scope, node.text);
        return local ? (local.fields ?? null) : (this.topLevelFields.get(node.text) ?? null);
      }
      case 'unary_expression':
      case 'index_expression':
      case 'slice_expression': {
        const operand = node.childForFieldName('operand');
        return operand ? this.structFieldsOf(operand, scope, depth + 1) : null;
      }
      case 'parenthesized_expression': {
        const inner = children(node)[0];
        return inner ? this.structFieldsOf(inner, scope, depth + 1) : null;
      }
      default:
        return null;
    }
  }

  /** `a, b := f()` where f is a local function literal: the types of its results, in order. */
  private resultsOfCall(value: SyntaxNode | undefined, scope: Scope): Array<TypeRef | null> | null {
    if (value?.type !== 'call_expression') return null;
    const fn = value.childForFieldName('function');
    if (fn?.type !== 'identifier') return null;
    return this.lookup(scope, fn.text)?.results ?? null;
  }

  private isPackageName(name: string, scope: Scope | null): boolean {
    return this.importNames.has(name) && !this.lookup(scope, name) && !this.topLevel.has(name);
  }

  // ---------- call sites ----------

  private walkTopLevel(node: SyntaxNode): void {
    if (node.type === 'function_declaration' || node.type === 'method_declaration') {
      const nameNode = node.childForFieldName('name');
      if (!nameNode) return;
      const localId = this.declarationId(node, nameNode.text);
      if (!localId) return;
      const scope: Scope = { vars: new Map(), parent: null };
      if (node.type === 'method_declaration') this.declareParams(node.childForFieldName('receiver'), scope);
      this.declareParams(node.childForFieldName('parameters'), scope);
      const result = node.childForFieldName('result');
      if (result?.type === 'parameter_list') this.declareParams(result, scope);
      const sym = this.byLocalId.get(localId);
      const test = sym?.kind === 'test' ? { localId, qualifiedName: sym.qualifiedName } : null;
      const body = node.childForFieldName('body');
      if (body) this.walk(body, { scope, caller: localId, test, depth: 0 });
    } else if (node.type === 'var_declaration' || node.type === 'const_declaration') {
      const scope: Scope = { vars: new Map(), parent: null };
      for (const value of node.descendantsOfType('expression_list'))
        if (value) this.walk(value, { scope, caller: this.moduleId, test: null, depth: 0 });
    }
  }

  /** The localId given to a function or method declaration node (by its start line and name). */
  private declarationId(node: SyntaxNode, name: string): string | undefined {
    const start = line(node);
    return this.symbols.find(
      (s) =>
        s.startLine === start &&
        s.name === name &&
        (s.kind === 'function' || s.kind === 'method' || s.kind === 'test'),
    )?.localId;
  }

  private walk(node: SyntaxNode, ctx: Context): void {
    if (ctx.depth > MAX_DEPTH) {
      if (!this.depthWarned) {
        this.depthWarned = true;
        this.diagnostics.push({
          line: line(node),
          severity: 'warning',
          message: `nesting deeper than ${MAX_DEPTH} levels: calls below it are not read`,
        });
      }
      return;
    }
    const next = (scope = ctx.scope): Context => ({ ...ctx, scope, depth: ctx.depth + 1 });
    switch (node.type) {
      case 'block': {
        const inner = next({ vars: new Map(), parent: ctx.scope });
        for (const c of children(node)) this.walk(c, inner);
        return;
      }
      case 'func_literal': {
        const subtest = this.subtestBodies.get(node.id);
        if (subtest) {
          const body = node.childForFieldName('body');
          if (body) this.walk(body, subtest);
          return;
        }
        const scope: Scope = { vars: new Map(), parent: ctx.scope };
        this.declareParams(node.childForFieldName('parameters'), scope);
        const result = node.childForFieldName('result');
        if (result?.type === 'parameter_list') this.declareParams(result, scope);
        const body = node.childForFieldName('body');
        if (body) this.walk(body, next(scope));
        return;
      }
      case 'short_var_declaration': {
        const right = node.childForFieldName('right');
        if (right) this.walk(right, next());
        const names = children(node.childForFieldName('left'));
        const values = children(right);
        const results =
          values.length === 1 && names.length > 1 ? this.resultsOfCall(values[0], ctx.scope) : null;
        names.forEach((n, i) => {
          if (n.type !== 'identifier' || n.text === '_') return;
          const value = values.length === names.length ? values[i] : i === 0 ? values[0] : undefined;
          const local: Local = {
            type: results ? (results[i] ?? null) : value ? this.typeOfExpr(value, ctx.scope) : null,
          };
          if (value?.type === 'func_literal') local.results = this.resultTypes(value);
          else if (value && this.isFunctionValue(value, ctx.scope))
            local.alias = { node: value, scope: ctx.scope };
          const fields = value && !results ? this.structFieldsOf(value, ctx.scope) : null;
          if (fields) local.fields = fields;
          ctx.scope.vars.set(n.text, local);
        });
        return;
      }
      case 'var_declaration':
      case 'const_declaration': {
        for (const spec of node.descendantsOfType(['var_spec', 'const_spec'])) {
          if (!spec) continue;
          const value = spec.childForFieldName('value');
          if (value) this.walk(value, next());
          const declared = typeRefOf(spec.childForFieldName('type'));
          const values = children(value);
          const names = namesOf(spec);
          const declaredFields = structFieldsOfType(spec.childForFieldName('type'));
          names.forEach((n, i) => {
            const v = values.length === names.length ? values[i] : undefined;
            const local: Local = { type: declared ?? (v ? this.typeOfExpr(v, ctx.scope) : null) };
            const fields = declaredFields ?? (v ? this.structFieldsOf(v, ctx.scope) : null);
            if (fields) local.fields = fields;
            if (!declared && v && this.isFunctionValue(v, ctx.scope))
              local.alias = { node: v, scope: ctx.scope };
            ctx.scope.vars.set(n.text, local);
          });
        }
        return;
      }
      case 'range_clause': {
        const right = node.childForFieldName('right');
        if (right) this.walk(right, next());
        // The value (and, for a map or channel, the only) variable has the element type; an index is an int, on
        // which no method is called, and a map's key (the first of two) is of a type this file does not keep.
        const type = right ? this.typeOfExpr(right, ctx.scope) : null;
        const fields = right ? this.structFieldsOf(right, ctx.scope) : null;
        const names = children(node.childForFieldName('left')).filter((n) => n.type === 'identifier');
        names.forEach((n, i) => {
          const value = i === names.length - 1;
          ctx.scope.vars.set(n.text, value && fields ? { type, fields } : { type: value ? type : null });
        });
        return;
      }
      case 'type_case': {
        // `case *Foo:` in `switch v := x.(type)`: v has that type in the clause (when the clause names one type).
        const inner = next({ vars: new Map(), parent: ctx.scope });
        const types = node.childrenForFieldName('type').filter((t): t is SyntaxNode => t !== null);
        const alias = this.typeSwitchAlias.get(node.parent?.id ?? -1);
        if (alias && types.length === 1) inner.scope.vars.set(alias, { type: typeRefOf(types[0] ?? null) });
        for (const c of children(node)) this.walk(c, inner);
        return;
      }
      case 'for_statement':
      case 'if_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        // Names declared in the header are scoped to the statement.
        const inner = next({ vars: new Map(), parent: ctx.scope });
        if (node.type === 'type_switch_statement') {
          const alias = node.childForFieldName('alias');
          for (const n of alias ? [alias, ...children(alias)] : [])
            if (n.type === 'identifier') {
              inner.scope.vars.set(n.text, { type: null });
              this.typeSwitchAlias.set(node.id, n.text);
            }
        }
        for (const c of children(node)) this.walk(c, inner);
        return;
      }
      case 'call_expression':
        this.addCall(node, ctx);
        break;
    }
    for (const c of children(node)) this.walk(c, next());
  }

  private addCall(node: SyntaxNode, ctx: Context): void {
    let fn = node.childForFieldName('function');
    while (fn && (fn.type === 'index_expression' || fn.type === 'parenthesized_expression')) {
      fn = fn.type === 'index_expression' ? fn.childForFieldName('operand') : (children(fn)[0] ?? null);
    }
    if (!fn) return;
    if (fn.type === 'func_literal') return; // an immediately called closure: its calls count for the enclosing function
    const text = truncate(collapse(node.childForFieldName('function')?.text ?? fn.text));
    const target = this.targetOf(fn, ctx.scope);
    if (!target) return;
    if (ctx.test && target.kind === 'member' && target.name === 'Run') this.addSubtest(node, ctx, target);
    // The line of the argument list's `(`: where a chained call `a.B().\n\tC()` is written (and where go/ssa puts it).
    const args = node.childForFieldName('arguments');
    this.callSites.push({ caller: ctx.caller, line: line(args ?? node), kind: 'call', text, target });
  }

  /** What a callee expression names; null when it is a conversion to a type (no call at all). */
  private targetOf(fn: SyntaxNode, scope: Scope | null): CallTarget | null {
    if (fn.type === 'identifier') {
      const name = fn.text;
      const local = this.lookup(scope, name);
      if (local?.alias) return this.targetOf(local.alias.node, local.alias.scope);
      if (local) return { kind: 'identifier', name, binding: { kind: 'local-value', valueType: null } };
      const top = this.topLevel.get(name);
      if (top) {
        if (top.kind === 'class' || top.kind === 'interface' || top.kind === 'type') return null;
        return { kind: 'identifier', name, binding: { kind: 'local-symbol', localId: top.localId } };
      }
      return { kind: 'identifier', name, binding: { kind: 'global', name } };
    }
    if (fn.type === 'selector_expression') {
      const operand = fn.childForFieldName('operand');
      const field = fn.childForFieldName('field');
      if (!operand || !field) return { kind: 'dynamic', reason: 'incomplete selector' };
      return { kind: 'member', name: field.text, receiver: this.receiverOf(operand, scope) };
    }
    if (fn.type === 'generic_type' || fn.type === 'qualified_type' || fn.type === 'type_identifier')
      return null;
    if (/_type$/.test(fn.type)) return null; // `[]byte(s)`, `func()(f)`: conversions
    return { kind: 'dynamic', reason: `callee is a ${fn.type.replace(/_/g, ' ')}` };
  }

  private receiverOf(operand: SyntaxNode, scope: Scope | null): Receiver {
    if (operand.type === 'identifier') {
      const name = operand.text;
      const local = this.lookup(scope, name);
      let binding: Binding;
      if (local) binding = { kind: 'local-value', valueType: local.type };
      else if (this.topLevel.has(name)) {
        const top = this.topLevel.get(name) as SymbolFact;
        // `T.Method(recv)`: a method expression names the method of the type.
        if (top.kind === 'class' || top.kind === 'type' || top.kind === 'interface')
          return { kind: 'typed', valueType: { kind: 'name', name } };
        binding = { kind: 'local-symbol', localId: top.localId };
      } else if (this.importNames.has(name)) binding = { kind: 'import', localName: name };
      else binding = { kind: 'global', name };
      return { kind: 'identifier', name, binding };
    }
    // `(*T).Close`: a method expression through the pointer type.
    const inner = operand.type === 'parenthesized_expression' ? children(operand)[0] : undefined;
    const pointee =
      inner?.type === 'unary_expression' && inner.text.startsWith('*')
        ? inner.childForFieldName('operand')
        : null;
    if (pointee?.type === 'identifier' && !this.lookup(scope, pointee.text)) {
      // A type of this file, or a name it does not declare (a type of another file of the package).
      const top = this.topLevel.get(pointee.text);
      const isType = top
        ? top.kind === 'class' || top.kind === 'type' || top.kind === 'interface'
        : !this.importNames.has(pointee.text);
      if (isType) return { kind: 'typed', valueType: { kind: 'name', name: pointee.text } };
    }
    const type = scope ? this.typeOfExpr(operand, scope) : null;
    if (type) return { kind: 'typed', valueType: type };
    return { kind: 'expression', text: truncate(collapse(operand.text)) };
  }

  // ---------- tests ----------

  /** `t.Run("name", func(t *testing.T) {…})` inside a test: a subtest, named `Parent > name`. */
  private addSubtest(node: SyntaxNode, ctx: Context, target: CallTarget): void {
    if (target.kind !== 'member' || target.receiver.kind !== 'identifier') return;
    const binding = target.receiver.binding;
    const type = binding.kind === 'local-value' ? binding.valueType : null;
    if (type?.kind !== 'name' || !/^(testing\.)?[TB]$/.test(type.name)) return;
    const args = children(node.childForFieldName('arguments'));
    const title = stringValue(args[0] ?? null);
    const body = args[1];
    if (title === null || !ctx.test || !body || body.type !== 'func_literal') return;
    const qualifiedName = `${ctx.test.qualifiedName} > ${title}`;
    const localId = this.addSymbol({
      name: title,
      qualifiedName,
      kind: 'test',
      startLine: line(node),
      endLine: endLine(node),
      parent: ctx.test.localId,
    });
    // The parent test runs the subtest: an edge at the parent's declaration (the `t.Run` call itself goes to testing).
    this.callSites.push({
      caller: ctx.test.localId,
      line: this.rootTestLine(ctx.test.localId) ?? line(node),
      kind: 'call',
      text: truncate(collapse(node.childForFieldName('function')?.text ?? 'Run')),
      target: { kind: 'identifier', name: title, binding: { kind: 'local-symbol', localId } },
    });
    const scope: Scope = { vars: new Map(), parent: ctx.scope };
    this.declareParams(body.childForFieldName('parameters'), scope);
    const inner = body.childForFieldName('body');
    // The closure's calls belong to the subtest; the outer walk skips it (see walkSubtestBodies).
    if (inner)
      this.subtestBodies.set(body.id, {
        scope,
        caller: localId,
        test: { localId, qualifiedName },
        depth: ctx.depth + 1,
      });
  }

  /** The declaration line of the top-level test a (sub)test belongs to. */
  private rootTestLine(localId: string): number | undefined {
    let sym = this.byLocalId.get(localId);
    for (let guard = 0; sym?.parent && guard < 64; guard++) sym = this.byLocalId.get(sym.parent);
    return sym?.startLine;
  }

  /** The variable a type switch binds (`switch v := x.(type)`), by the switch's node id. */
  private readonly typeSwitchAlias = new Map<number, string>();

  /** Closure bodies of subtests, by node id, with the context their calls are attributed to. */
  readonly subtestBodies = new Map<number, Context>();

  /** TestMain runs before every test of the package: each test of this file reaches what it calls. */
  private addTestLinks(): void {
    if (this.testMain === null) return;
    for (const test of this.tests) {
      this.callSites.push({
        caller: test.localId,
        line: line(test.node),
        kind: 'call',
        text: 'TestMain',
        target: {
          kind: 'identifier',
          name: 'TestMain',
          binding: { kind: 'local-symbol', localId: this.testMain },
        },
      });
    }
  }

  collectSyntaxErrors(root: SyntaxNode): void {
    if (!root.hasError) return;
    let count = 0;
    const visit = (node: SyntaxNode, depth: number): void => {
      if (count >= MAX_SYNTAX_DIAGNOSTICS || depth > MAX_DEPTH) return;
      if (node.isError || node.isMissing) {
        count++;
        this.diagnostics.push({
          line: line(node),
          severity: 'error',
          message: node.isMissing ? `syntax error: missing ${node.type}` : 'syntax error',
        });
        return;
      }
      if (!node.hasError) return;
      for (const c of node.children) if (c) visit(c, depth + 1);
    };
    visit(root, 0);
  }
}

/** Extracts the facts of one Go file. Never throws for bad input: partial facts plus diagnostics. */
export function extractGoFacts(path: string, rawText: string): FileFacts {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lastLine = text.split('\n').length;
  const extractor = new GoExtractor(path, lastLine);
  const tree = parseGo(text);
  try {
    const root = tree.rootNode;
    extractor.run(root);
    extractor.collectSyntaxErrors(root);
  } finally {
    tree.delete();
  }
  const [module, ...rest] = extractor.symbols;
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const facts: FileFacts = {
    path,
    language: 'go',
    symbols: [module as SymbolFact, ...rest.sort((a, b) => a.startLine - b.startLine)],
    imports: extractor.imports,
    exports: [],
    callSites: extractor.callSites,
    isTestFile: extractor.isTestFile,
    testFramework: extractor.importsTesting ? 'testing' : null,
    diagnostics: extractor.diagnostics.sort((a, b) => a.line - b.line),
  };
  if (extractor.packageName !== '') facts.packageScope = `${dir}#${extractor.packageName}`;
  // Kept and analysed with its tags, but looked up after the files the default build compiles.
  const excluded = goExcludingConstraint(path, text);
  if (excluded !== null) facts.notInDefaultBuild = excluded;
  return facts;
}
