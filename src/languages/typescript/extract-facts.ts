/**
 * Per-file extraction for TypeScript/JavaScript: symbols, imports, exports, call sites with an in-file
 * scope analysis, and test cases. Two passes over one parse: declarations first (so ids exist before
 * calls refer to them), then calls with lexical scopes. Pure: no I/O.
 */
import ts = require('typescript');
import type {
  Binding,
  CallSiteFact,
  CallTarget,
  Diagnostic,
  ExportFact,
  FileFacts,
  ImportFact,
  Receiver,
  SymbolFact,
  SymbolKind,
  TypeRef,
} from '../../core/facts.js';
import { MODULE_QUALIFIED_NAME } from '../../core/facts.js';
import { makeLocalId } from '../../core/ids.js';
import { isTestPath } from './conventions.js';
import {
  codeText,
  collapse,
  dynamicImportSpecifier,
  entityText,
  firstDocSentence,
  hasModifier,
  isFunctionValue,
  parameterFacts,
  parameterTypeRef,
  propertyNameText,
  requireSpecifier,
  returnTypeRefFromTypeNode,
  signatureText,
  titleText,
  typeRefFromExpression,
  contextualTypeArgs,
  typeArgsOf,
  typeRefFromTypeNode,
  unwrapExpression,
} from './ts-syntax.js';

/** Recursion bound for our own walks; deeper subtrees are not visited and a diagnostic says so. */
const MAX_DEPTH = 600;
/** Files larger than this whose average line is longer than MAX_AVG_LINE are treated as minified and skipped. */
const MINIFIED_MIN_BYTES = 1_000_000;
const MINIFIED_AVG_LINE = 500;
const MAX_CALL_TEXT = 200;
/** Member chains longer than this (`a.b.c.…`) are not typed: the receiver stays an expression. */
const MAX_CHAIN = 8;

const TEST_FRAMEWORKS: Readonly<Record<string, string>> = {
  vitest: 'vitest',
  '@jest/globals': 'jest',
  jest: 'jest',
  mocha: 'mocha',
  'node:test': 'node:test',
  'bun:test': 'bun:test',
  ava: 'ava',
  '@playwright/test': 'playwright',
};
const SUITE_NAMES = new Set(['describe', 'suite', 'context', 'fdescribe', 'xdescribe']);
const TEST_NAMES = new Set(['it', 'test', 'specify', 'fit', 'xit']);
const HOOK_NAMES = new Set([
  'beforeEach',
  'beforeAll',
  'before',
  'afterEach',
  'afterAll',
  'after',
  'setup',
  'teardown',
]);
const TEST_MODIFIERS = new Set([
  'only',
  'skip',
  'todo',
  'concurrent',
  'sequential',
  'serial',
  'failing',
  'fixme',
  'slow',
]);

/** Script kind for a path's extension. */
export function scriptKindFor(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

interface Container {
  qn: string | null;
  localId: string | null;
  /** True at module or namespace level, where variables become symbols. */
  topLevel: boolean;
}

interface TestRecord {
  localId: string;
  /** Callback nodes of the enclosing describe blocks, outermost first. */
  suites: ts.Node[];
}

type TestCallKind = 'suite' | 'test' | 'hook';

interface Scope {
  vars: Map<string, Binding>;
  parent: Scope | null;
}

interface HookGroup {
  suite: ts.Node | null;
  fallbackCaller: string;
  sites: CallSiteFact[];
}

class Extractor {
  readonly symbols: SymbolFact[] = [];
  readonly imports: ImportFact[] = [];
  readonly exports: ExportFact[] = [];
  readonly callSites: CallSiteFact[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly ordinals = new Map<string, number>();
  private readonly byLocalId = new Map<string, SymbolFact>();
  /** Declaration node → symbol localId (variables, functions, classes, enums, namespaces). */
  private readonly declSymbol = new Map<ts.Node, string>();
  /** Node whose body's calls belong to a symbol → that symbol's localId. */
  private readonly callerSymbol = new Map<ts.Node, string>();
  /** Function values passed as call arguments → the callee text and argument index (see noteCallbackArgs). */
  /** Parameters typed by an object type written in place → that type's symbol (declareParameterLiterals). */
  private readonly parameterLiterals = new Map<ts.ParameterDeclaration, TypeRef>();
  private readonly callbackArgs = new Map<ts.Node, CallbackTarget & { arg: number }>();
  /** A variable's or field's initialiser (parentheses off) → the type declared for it (contextualTypeArgs). */
  private readonly declaredTypes = new Map<ts.Node, ts.TypeNode>();
  private readonly classNodes = new Map<ts.Node, string>();
  /** IIFEs that initialise a declared variable → that variable's localId (recordCall). */
  private readonly iifeHolders = new Map<ts.Node, string>();
  private readonly describeCallbacks = new Set<ts.Node>();
  private readonly tests: TestRecord[] = [];
  private readonly hookGroups: HookGroup[] = [];
  private readonly hookCallbacks = new Map<ts.Node, number>();
  private readonly exportedLocals = new Set<string>();
  private readonly elementTypes = new WeakMap<Binding, TypeRef>();
  /** Map-typed bindings (`Map<K, V>`) → V, what `get`, `values()` and `forEach` give. */
  private readonly mapValues = new WeakMap<Binding, TypeRef>();
  /** Class fields declared as arrays, sets or maps, by `${classLocalId}\u0000${field}`. */
  private readonly fieldCollections = new Map<string, Collection>();
  /** The scope walk's state, for the enclosing class of `this.field` collections. */
  private walkState: WalkState | null = null;
  /** Object literals' members that name another value (`{ f, g: h }`), by the object's localId. */
  private readonly literalAliases = new Map<string, Map<string, string>>();
  /** What functions without a declared return type return, by localId; null once two returns disagree. */
  private readonly returns = new Map<string, TypeRef | null>();
  private depthWarned = false;
  moduleId = '';
  testFramework: string | null = null;
  isTestFile = false;

  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly path: string,
  ) {
    const text = sf.text;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  run(): void {
    const sf = this.sf;
    const lastLine = lastLineOf(sf.text);
    this.moduleId = this.addSymbol({
      name: MODULE_QUALIFIED_NAME,
      qualifiedName: MODULE_QUALIFIED_NAME,
      kind: 'module',
      startLine: 1,
      endLine: Math.max(1, lastLine),
    });
    this.detectTestFramework();
    this.isTestFile = isTestPath(this.path) || this.testFramework !== null;
    for (const statement of sf.statements) this.collectModuleFacts(statement);
    const root: Container = { qn: null, localId: null, topLevel: true };
    for (const statement of sf.statements) this.declare(statement, root, [], 0);
    this.declareParameterLiterals();
    for (const sym of this.symbols) {
      if (
        sym.parent === null &&
        sym.kind !== 'module' &&
        sym.kind !== 'test' &&
        this.exportedLocals.has(sym.name)
      ) {
        sym.exported = true;
      }
    }
    // Declaration files hold no calls: the scope walk has nothing to find there.
    if (sf.isDeclarationFile) return;
    const rootScope = this.newScope(null);
    this.declareStatements(sf.statements, rootScope);
    const state: WalkState = {
      scope: rootScope,
      callers: [this.moduleId],
      classes: [],
      suites: [],
      functions: [],
    };
    this.walkState = state;
    for (const statement of sf.statements) this.walk(statement, state, 0);
    this.flushHooks();
    this.flushReturns();
    this.callSites.sort((a, b) => a.line - b.line || cmp(a.caller, b.caller) || cmp(a.text, b.text));
  }

  // ---------- helpers ----------

  /** Lines as a reader counts them: only `\n` ends a line (TypeScript also breaks on lone `\r` and U+2028). */
  lineOf(pos: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private startLine(node: ts.Node): number {
    return this.lineOf(node.getStart(this.sf));
  }

  private addSymbol(
    input: Omit<SymbolFact, 'localId' | 'signature' | 'returnType' | 'exported' | 'doc' | 'parent'> &
      Partial<SymbolFact>,
  ): string {
    const base = makeLocalId(input.qualifiedName, input.kind);
    const ordinal = (this.ordinals.get(base) ?? 0) + 1;
    this.ordinals.set(base, ordinal);
    const localId = makeLocalId(input.qualifiedName, input.kind, ordinal);
    const sym: SymbolFact = {
      localId,
      name: input.name,
      qualifiedName: input.qualifiedName,
      kind: input.kind,
      startLine: input.startLine,
      endLine: input.endLine,
      signature: input.signature ?? '',
      returnType: input.returnType ?? null,
      exported: input.exported ?? false,
      doc: input.doc ?? null,
      parent: input.parent ?? null,
    };
    if (input.parameters) sym.parameters = input.parameters;
    if (input.typeParameters) sym.typeParameters = input.typeParameters;
    if (input.returnTypeRef) sym.returnTypeRef = input.returnTypeRef;
    if (input.extends) sym.extends = input.extends;
    if (input.implements) sym.implements = input.implements;
    if (input.valueType !== undefined) sym.valueType = input.valueType;
    if (input.isStatic !== undefined) sym.isStatic = input.isStatic;
    this.symbols.push(sym);
    this.byLocalId.set(localId, sym);
    return localId;
  }

  private declSymbolFor(
    name: string,
    kind: SymbolKind,
    rangeNode: ts.Node,
    docNode: ts.Node,
    container: Container,
    extra: Partial<SymbolFact> = {},
  ): string {
    return this.addSymbol({
      name,
      qualifiedName: container.qn ? `${container.qn}.${name}` : name,
      kind,
      startLine: this.startLine(rangeNode),
      endLine: this.lineOf(rangeNode.end),
      doc: firstDocSentence(docNode, this.sf),
      parent: container.localId,
      ...extra,
    });
  }

  private functionExtra(fn: ts.SignatureDeclaration): Partial<SymbolFact> {
    return {
      signature: signatureText(fn, this.sf),
      parameters: parameterFacts(fn, this.sf),
      ...(fn.typeParameters && fn.typeParameters.length > 0
        ? { typeParameters: fn.typeParameters.map((t) => t.name.text) }
        : {}),
      returnType: fn.type ? codeText(fn.type, this.sf) : null,
      returnTypeRef: returnTypeRefFromTypeNode(fn.type, this.sf),
    };
  }

  private tooDeep(depth: number, node: ts.Node): boolean {
    if (depth <= MAX_DEPTH) return false;
    if (!this.depthWarned) {
      this.depthWarned = true;
      this.diagnostics.push({
        line: this.startLine(node),
        severity: 'warning',
        message: `nesting deeper than ${MAX_DEPTH} levels: the innermost code was not analysed`,
      });
    }
    return true;
  }

  // ---------- imports, exports, test framework ----------

  private detectTestFramework(): void {
    const consider = (spec: string): void => {
      const fw = TEST_FRAMEWORKS[spec];
      if (fw && this.testFramework === null) this.testFramework = fw;
    };
    for (const st of this.sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier))
        consider(st.moduleSpecifier.text);
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          const spec = requireSpecifier(d.initializer);
          if (spec) consider(spec);
        }
      }
    }
  }

  /** Imports and exports are top-level facts, read from the module's statements. */
  private collectModuleFacts(st: ts.Statement): void {
    const sf = this.sf;
    const line = this.startLine(st);
    if (ts.isImportDeclaration(st)) {
      if (!ts.isStringLiteral(st.moduleSpecifier)) return;
      const specifier = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (!clause) {
        this.imports.push({ localName: '', imported: '*', specifier, line, typeOnly: false, kind: 'esm' });
        return;
      }
      const clauseTypeOnly = clause.isTypeOnly;
      if (clause.name) {
        this.imports.push({
          localName: clause.name.text,
          imported: 'default',
          specifier,
          line,
          typeOnly: clauseTypeOnly,
          kind: 'esm',
        });
      }
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        this.imports.push({
          localName: nb.name.text,
          imported: '*',
          specifier,
          line,
          typeOnly: clauseTypeOnly,
          kind: 'esm',
        });
      } else if (nb) {
        for (const el of nb.elements) {
          this.imports.push({
            localName: el.name.text,
            imported: el.propertyName ? propertyNameText(el.propertyName, sf) : el.name.text,
            specifier,
            line: this.startLine(el),
            typeOnly: clauseTypeOnly || el.isTypeOnly,
            kind: 'esm',
          });
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(st)) {
      const ref = st.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        this.imports.push({
          localName: st.name.text,
          imported: '*',
          specifier: ref.expression.text,
          line,
          typeOnly: st.isTypeOnly,
          kind: 'require',
        });
      }
      return;
    }
    if (ts.isExportDeclaration(st)) {
      const from =
        st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      const clause = st.exportClause;
      if (!clause) {
        if (from !== undefined) this.exports.push({ exported: '*', from, imported: '*', line });
      } else if (ts.isNamespaceExport(clause)) {
        if (from !== undefined)
          this.exports.push({ exported: propertyNameText(clause.name, sf), from, imported: '*', line });
      } else {
        for (const el of clause.elements) {
          const exported = propertyNameText(el.name, sf);
          const local = el.propertyName ? propertyNameText(el.propertyName, sf) : exported;
          if (from !== undefined)
            this.exports.push({ exported, from, imported: local, line: this.startLine(el) });
          else {
            this.exports.push({ exported, local, line: this.startLine(el) });
            this.exportedLocals.add(local);
          }
        }
      }
      return;
    }
    if (ts.isExportAssignment(st)) {
      const expr = unwrapExpression(st.expression);
      const local = ts.isIdentifier(expr)
        ? expr.text
        : isFunctionValue(expr) && expr.name
          ? expr.name.text
          : ts.isClassExpression(expr) && expr.name
            ? expr.name.text
            : 'default';
      this.exports.push({ exported: 'default', local, line });
      if (local !== 'default') this.exportedLocals.add(local);
      return;
    }
    if (hasModifier(st, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(st, ts.SyntaxKind.DefaultKeyword);
      const names: string[] = [];
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) names.push(...bindingNames(d.name));
      } else if (
        ts.isFunctionDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) ||
        ts.isEnumDeclaration(st) ||
        ts.isModuleDeclaration(st)
      ) {
        names.push(st.name ? propertyNameText(st.name as ts.PropertyName, sf) : 'default');
      }
      for (const name of names) {
        this.exports.push(
          isDefault ? { exported: 'default', local: name, line } : { exported: name, local: name, line },
        );
        this.exportedLocals.add(name);
      }
      return;
    }
    if (ts.isExpressionStatement(st)) this.collectCommonJsExport(st, line);
  }

  private collectCommonJsExport(st: ts.ExpressionStatement, line: number): void {
    const expr = st.expression;
    if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = commonJsTarget(expr.left);
    if (target === null) return;
    const right = unwrapExpression(expr.right);
    if (target === 'default') {
      const spec = requireSpecifier(right);
      if (spec !== null) {
        this.exports.push({ exported: '*', from: spec, imported: '*', line });
        this.exports.push({ exported: 'default', from: spec, imported: 'default', line });
        return;
      }
      if (ts.isObjectLiteralExpression(right)) {
        for (const prop of right.properties) {
          if (ts.isShorthandPropertyAssignment(prop)) {
            this.exports.push({
              exported: prop.name.text,
              local: prop.name.text,
              line: this.startLine(prop),
            });
            this.exportedLocals.add(prop.name.text);
          } else if (ts.isPropertyAssignment(prop) || ts.isMethodDeclaration(prop)) {
            const name = propertyNameText(prop.name, this.sf);
            const init = ts.isPropertyAssignment(prop) ? unwrapExpression(prop.initializer) : undefined;
            const local = init && ts.isIdentifier(init) ? init.text : name;
            this.exports.push({ exported: name, local, line: this.startLine(prop) });
            this.exportedLocals.add(local);
          }
        }
        return;
      }
      const local = ts.isIdentifier(right)
        ? right.text
        : isFunctionValue(right) || ts.isClassExpression(right)
          ? (right.name?.text ?? 'default')
          : 'default';
      this.exports.push({ exported: 'default', local, line });
      this.exportedLocals.add(local);
      return;
    }
    const local = ts.isIdentifier(right) ? right.text : target;
    this.exports.push({ exported: target, local, line });
    this.exportedLocals.add(local);
  }

  // ---------- pass 1: declarations ----------

  private declare(node: ts.Node, container: Container, suites: ts.Node[], depth: number): void {
    if (isTypeAnnotation(node) || this.tooDeep(depth, node)) return;
    const sf = this.sf;
    const next = depth + 1;
    if (ts.isFunctionDeclaration(node)) {
      const name = node.name?.text ?? 'default';
      const id = this.declSymbolFor(name, 'function', node, node, container, this.functionExtra(node));
      this.declSymbol.set(node, id);
      this.callerSymbol.set(node, id);
      this.declareChildren(node, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, next);
      return;
    }
    if (ts.isClassDeclaration(node)) {
      const id = this.declareClass(node, node.name?.text ?? 'default', node, node, container, suites, next);
      this.declSymbol.set(node, id);
      return;
    }
    if (ts.isInterfaceDeclaration(node)) {
      const id = this.declSymbolFor(node.name.text, 'interface', node, node, container, {
        extends: heritageNames(node.heritageClauses, ts.SyntaxKind.ExtendsKeyword, sf),
      });
      this.declSymbol.set(node, id);
      this.declareTypeMembers(
        node.members,
        { qn: this.qnOf(id), localId: id, topLevel: false },
        node.typeParameters,
      );
      return;
    }
    if (ts.isTypeAliasDeclaration(node)) {
      // `type Listener = (api: Api) => void`: the function type, which a callback typed `Listener` is read by.
      const fnType = parameterTypeRef(node.type, sf);
      const id = this.declSymbolFor(
        node.name.text,
        'type',
        node,
        node,
        container,
        fnType?.kind === 'function' ? { valueType: fnType } : {},
      );
      this.declSymbol.set(node, id);
      // `type Annotation = { extend_(…): …; target: X }`: an object type's members are looked up as an interface's.
      if (ts.isTypeLiteralNode(node.type))
        this.declareTypeMembers(node.type.members, { qn: this.qnOf(id), localId: id, topLevel: false });
      return;
    }
    if (ts.isEnumDeclaration(node)) {
      this.declSymbol.set(node, this.declSymbolFor(node.name.text, 'enum', node, node, container));
      return;
    }
    if (ts.isModuleDeclaration(node)) {
      const name = propertyNameText(node.name as ts.PropertyName, sf);
      const id = this.declSymbolFor(name, 'namespace', node, node, container);
      this.declSymbol.set(node, id);
      this.callerSymbol.set(node, id);
      if (node.body)
        this.declare(node.body, { qn: this.qnOf(id), localId: id, topLevel: true }, suites, next);
      return;
    }
    if (ts.isModuleBlock(node)) {
      for (const st of node.statements) this.declare(st, container, suites, next);
      return;
    }
    if (ts.isVariableStatement(node)) {
      const single = node.declarationList.declarations.length === 1;
      for (const decl of node.declarationList.declarations) {
        this.declareVariable(decl, single ? node : decl, single ? node : decl, container, suites, next);
      }
      return;
    }
    if (ts.isExportAssignment(node)) {
      const expr = unwrapExpression(node.expression);
      if (isFunctionValue(expr)) {
        const id = this.declSymbolFor(
          expr.name?.text ?? 'default',
          'function',
          node,
          node,
          container,
          this.functionExtra(expr),
        );
        this.callerSymbol.set(expr, id);
        this.declareChildren(expr, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, next);
        return;
      }
      if (ts.isClassExpression(expr)) {
        this.declareClass(expr, expr.name?.text ?? 'default', node, node, container, suites, next);
        return;
      }
      if (ts.isObjectLiteralExpression(expr)) {
        // `export default { … }`: a `default` object whose members `import x from` can reach.
        const id = this.declSymbolFor('default', 'variable', node, node, container, { exported: true });
        this.declareObjectLiteral(expr, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, next);
        return;
      }
    }
    if (
      ts.isExpressionStatement(node) &&
      container.topLevel &&
      this.declareCommonJs(node, container, suites, next)
    )
      return;
    if (this.isTestFile && ts.isCallExpression(node) && this.declareTestCall(node, container, suites, next))
      return;
    this.declareChildren(node, container, suites, next);
  }

  /**
   * A parameter typed by an object type written in place (`function run(opts: { fetch(): void })`) declares that
   * type, as the compiler does: a `type` symbol named after the parameter inside its function (`run.opts`), whose
   * members `opts.fetch()` reaches. Only for functions with a dotted-name path (not tests or anonymous callbacks).
   */
  private declareParameterLiterals(): void {
    for (const [node, id] of [...this.callerSymbol]) {
      if (!ts.isFunctionLike(node)) continue;
      const fn = this.byLocalId.get(id);
      if (!fn || !/^[\w$]+(?:\.[\w$]+)*$/.test(fn.qualifiedName)) continue;
      for (const param of node.parameters) {
        const literal = param.type && ts.isTypeLiteralNode(param.type) ? param.type : undefined;
        if (!literal || !ts.isIdentifier(param.name) || param.dotDotDotToken) continue;
        const inner = { qn: fn.qualifiedName, localId: id, topLevel: false };
        const typeId = this.declSymbolFor(param.name.text, 'type', literal, literal, inner);
        this.declareTypeMembers(literal.members, { qn: this.qnOf(typeId), localId: typeId, topLevel: false });
        this.parameterLiterals.set(param, { kind: 'name', name: this.qnOf(typeId) });
      }
    }
  }

  /** Method and property signatures of an interface or object type, as members of `inner`. */
  private declareTypeMembers(
    members: ts.NodeArray<ts.TypeElement>,
    inner: Container,
    typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration>,
  ): void {
    const sf = this.sf;
    for (const member of members) {
      if (ts.isMethodSignature(member)) {
        this.declSymbolFor(
          propertyNameText(member.name, sf),
          'method',
          member,
          member,
          inner,
          this.functionExtra(member),
        );
      } else if (ts.isPropertySignature(member)) {
        // A function-typed property (`subscribe: (listener: (s: State) => void) => void`) keeps its function type:
        // callbacks passed to it are typed by its parameters.
        // `_zod: Internals` with `Internals extends X = X` a parameter of the interface: what it is when none is given.
        this.declSymbolFor(propertyNameText(member.name, sf), 'property', member, member, inner, {
          valueType: parameterTypeRef(defaultOf(member.type, typeParameters), sf),
        });
      }
    }
  }

  private declareChildren(node: ts.Node, container: Container, suites: ts.Node[], depth: number): void {
    ts.forEachChild(node, (child) => {
      this.declare(child, container, suites, depth);
    });
  }

  private qnOf(localId: string): string {
    return this.byLocalId.get(localId)?.qualifiedName ?? '';
  }

  private declareVariable(
    decl: ts.VariableDeclaration,
    rangeNode: ts.Node,
    docNode: ts.Node,
    container: Container,
    suites: ts.Node[],
    depth: number,
  ): void {
    const sf = this.sf;
    const init = decl.initializer ? unwrapExpression(decl.initializer) : undefined;
    if (!ts.isIdentifier(decl.name)) {
      if (init) this.declare(init, container, suites, depth);
      return;
    }
    const name = decl.name.text;
    if (isFunctionValue(init)) {
      const id = this.declSymbolFor(
        name,
        'function',
        rangeNode,
        docNode,
        container,
        this.functionExtra(init),
      );
      this.declSymbol.set(decl, id);
      this.callerSymbol.set(init, id);
      this.declareChildren(init, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth);
      return;
    }
    if (init && ts.isClassExpression(init)) {
      this.declSymbol.set(decl, this.declareClass(init, name, rangeNode, docNode, container, suites, depth));
      return;
    }
    const isRequire =
      requireSpecifier(init) !== null ||
      dynamicImportSpecifier(init) !== null ||
      (init !== undefined &&
        ts.isPropertyAccessExpression(init) &&
        requireSpecifier(init.expression) !== null);
    if (isRequire) return;
    const literal = init ? objectLiteralOf(init, sf) : undefined;
    if (literal) {
      // A local object with functions (`const api = { f, g() {} }`) is a symbol too, so `api.g()` finds its member.
      if (container.topLevel || hasFunctionMembers(literal)) {
        const id = this.declSymbolFor(name, 'variable', rangeNode, docNode, container, {
          valueType: typeRefFromTypeNode(decl.type, sf),
        });
        this.declSymbol.set(decl, id);
        this.noteLiteralAliases(id, literal);
        this.declareObjectLiteral(
          literal,
          { qn: this.qnOf(id), localId: id, topLevel: false },
          suites,
          depth,
        );
      } else {
        this.declareObjectLiteral(
          literal,
          {
            qn: container.qn ? `${container.qn}.${name}` : name,
            localId: container.localId,
            topLevel: false,
          },
          suites,
          depth,
        );
      }
      return;
    }
    if (container.topLevel) {
      const id = this.declSymbolFor(name, 'variable', rangeNode, docNode, container, {
        valueType: typeRefFromTypeNode(decl.type, sf) ?? typeRefFromExpression(init, sf),
      });
      this.declSymbol.set(decl, id);
    }
    if (init) this.declare(init, container, suites, depth);
  }

  /** `{ f, g: h }`: members that only name another value; a call `obj.f()` in this file calls that value. */
  private noteLiteralAliases(objectId: string, literal: ts.ObjectLiteralExpression): void {
    const aliases = new Map<string, string>();
    for (const prop of literal.properties) {
      if (ts.isShorthandPropertyAssignment(prop)) aliases.set(prop.name.text, prop.name.text);
      else if (ts.isPropertyAssignment(prop) && ts.isIdentifier(unwrapExpression(prop.initializer))) {
        aliases.set(
          propertyNameText(prop.name, this.sf),
          (unwrapExpression(prop.initializer) as ts.Identifier).text,
        );
      }
    }
    if (aliases.size > 0) this.literalAliases.set(objectId, aliases);
  }

  private declareObjectLiteral(
    obj: ts.ObjectLiteralExpression,
    container: Container,
    suites: ts.Node[],
    depth: number,
  ): void {
    const sf = this.sf;
    for (const prop of obj.properties) {
      if (isMethodLike(prop)) {
        const kind = methodLikeKind(prop);
        const id = this.declSymbolFor(
          propertyNameText(prop.name, sf),
          kind,
          prop,
          prop,
          container,
          this.functionExtra(prop),
        );
        this.callerSymbol.set(prop, id);
        this.declareChildren(prop, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth + 1);
      } else if (ts.isPropertyAssignment(prop)) {
        const init = unwrapExpression(prop.initializer);
        if (isFunctionValue(init)) {
          const id = this.declSymbolFor(
            propertyNameText(prop.name, sf),
            'function',
            prop,
            prop,
            container,
            this.functionExtra(init),
          );
          this.callerSymbol.set(init, id);
          this.declareChildren(init, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth + 1);
        } else if (ts.isObjectLiteralExpression(init)) {
          const name = propertyNameText(prop.name, sf);
          this.declareObjectLiteral(
            init,
            { ...container, qn: container.qn ? `${container.qn}.${name}` : name },
            suites,
            depth + 1,
          );
        } else {
          this.declare(init, { ...container, topLevel: false }, suites, depth + 1);
        }
      } else {
        this.declare(prop, { ...container, topLevel: false }, suites, depth + 1);
      }
    }
  }

  /** `module.exports = function…`, `exports.a = () => …`, `module.exports = { a() {} }`. */
  private declareCommonJs(
    node: ts.ExpressionStatement,
    container: Container,
    suites: ts.Node[],
    depth: number,
  ): boolean {
    const expr = node.expression;
    if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    const target = commonJsTarget(expr.left);
    if (target === null) return false;
    const right = unwrapExpression(expr.right);
    if (isFunctionValue(right)) {
      const name = target === 'default' ? (right.name?.text ?? 'default') : target;
      const id = this.declSymbolFor(name, 'function', node, node, container, {
        ...this.functionExtra(right),
        exported: true,
      });
      this.callerSymbol.set(right, id);
      this.declareChildren(right, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth);
      return true;
    }
    if (ts.isClassExpression(right)) {
      const name = target === 'default' ? (right.name?.text ?? 'default') : target;
      this.declareClass(right, name, node, node, container, suites, depth);
      return true;
    }
    if (target === 'default' && ts.isObjectLiteralExpression(right)) {
      this.declareObjectLiteral(right, { ...container, topLevel: false }, suites, depth);
      return true;
    }
    return false;
  }

  private declareClass(
    node: ts.ClassLikeDeclaration,
    name: string,
    rangeNode: ts.Node,
    docNode: ts.Node,
    container: Container,
    suites: ts.Node[],
    depth: number,
  ): string {
    const sf = this.sf;
    const classId = this.declSymbolFor(name, 'class', rangeNode, docNode, container, {
      extends: heritageNames(node.heritageClauses, ts.SyntaxKind.ExtendsKeyword, sf),
      implements: heritageNames(node.heritageClauses, ts.SyntaxKind.ImplementsKeyword, sf),
    });
    this.classNodes.set(node, classId);
    this.callerSymbol.set(node, classId);
    const inner: Container = { qn: this.qnOf(classId), localId: classId, topLevel: false };
    const properties = new Map<string, SymbolFact>();
    let ctor: ts.ConstructorDeclaration | undefined;
    for (const member of node.members) {
      const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
      if (ts.isConstructorDeclaration(member)) {
        const id = this.declSymbolFor(
          'constructor',
          'constructor',
          member,
          member,
          inner,
          this.functionExtra(member),
        );
        this.callerSymbol.set(member, id);
        for (const param of member.parameters) {
          if (ts.isParameterPropertyDeclaration(param, member) && ts.isIdentifier(param.name)) {
            const pid = this.declSymbolFor(param.name.text, 'property', param, param, inner, {
              valueType: typeRefFromTypeNode(param.type, sf) ?? typeRefFromExpression(param.initializer, sf),
              isStatic: false,
            });
            const sym = this.byLocalId.get(pid);
            if (sym) properties.set(sym.name, sym);
          }
        }
        if (member.body) ctor = member;
        this.declareChildren(member, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth + 1);
      } else if (isMethodLike(member)) {
        const kind = methodLikeKind(member);
        const id = this.declSymbolFor(propertyNameText(member.name, sf), kind, member, member, inner, {
          ...this.functionExtra(member),
          isStatic,
        });
        this.callerSymbol.set(member, id);
        this.declareChildren(member, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth + 1);
      } else if (ts.isPropertyDeclaration(member)) {
        const memberName = propertyNameText(member.name, sf);
        const init = member.initializer ? unwrapExpression(member.initializer) : undefined;
        if (isFunctionValue(init)) {
          const id = this.declSymbolFor(memberName, 'method', member, member, inner, {
            ...this.functionExtra(init),
            isStatic,
          });
          this.callerSymbol.set(member, id);
          this.declareChildren(init, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth + 1);
        } else {
          const id = this.declSymbolFor(memberName, 'property', member, member, inner, {
            valueType: typeRefFromTypeNode(member.type, sf) ?? typeRefFromExpression(init, sf),
            isStatic,
          });
          const held = inner.localId === null ? null : this.collectionType(member.type, init);
          if (held) this.fieldCollections.set(`${inner.localId}\u0000${memberName}`, held);
          this.callerSymbol.set(member, id);
          const sym = this.byLocalId.get(id);
          if (sym) properties.set(memberName, sym);
          if (init)
            this.declare(init, { qn: this.qnOf(id), localId: id, topLevel: false }, suites, depth + 1);
        }
      } else {
        this.declareChildren(member, inner, suites, depth + 1);
      }
    }
    if (ctor?.body) this.collectConstructorFields(ctor, ctor.body, inner, properties);
    return classId;
  }

  /** `this.x = new X()` / `this.x = make()` in a constructor types (or declares, in JS) the field x. */
  private collectConstructorFields(
    ctor: ts.ConstructorDeclaration,
    body: ts.Block,
    inner: Container,
    properties: Map<string, SymbolFact>,
  ): void {
    const sf = this.sf;
    for (const st of body.statements) {
      if (!ts.isExpressionStatement(st)) continue;
      const e = st.expression;
      if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const left = e.left;
      if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword)
        continue;
      const field = left.name.text;
      let valueType = typeRefFromExpression(e.right, sf);
      if (!valueType && ts.isIdentifier(unwrapExpression(e.right))) {
        const param = ctor.parameters.find(
          (p) => ts.isIdentifier(p.name) && p.name.text === (unwrapExpression(e.right) as ts.Identifier).text,
        );
        valueType = typeRefFromTypeNode(param?.type, sf);
      }
      const existing = properties.get(field);
      if (existing) {
        if (!existing.valueType && valueType) existing.valueType = valueType;
      } else {
        const id = this.declSymbolFor(field, 'property', st, st, inner, { valueType, isStatic: false });
        const sym = this.byLocalId.get(id);
        if (sym) properties.set(field, sym);
      }
    }
  }

  private declareTestCall(
    call: ts.CallExpression,
    container: Container,
    suites: ts.Node[],
    depth: number,
  ): boolean {
    const kind = testCallKind(call);
    if (kind === null || kind === 'hook') return false;
    const titleArg = call.arguments[0];
    const callback = [...call.arguments].reverse().find((a) => isFunctionValue(a));
    if (!titleArg || !callback) return false;
    const title = titleText(titleArg, this.sf);
    ts.forEachChild(call.expression, (c) => {
      this.declare(c, container, suites, depth + 1);
    });
    if (kind === 'suite') {
      this.describeCallbacks.add(callback);
      (this.suiteTitles ??= new Map()).set(callback, title);
      this.declareChildren(callback, { ...container, topLevel: false }, [...suites, callback], depth + 1);
      return true;
    }
    const prefix = suites.map((s) => this.suiteTitles?.get(s) ?? '').filter((t) => t !== '');
    const id = this.addSymbol({
      name: title,
      qualifiedName: [...prefix, title].join(' > '),
      kind: 'test',
      startLine: this.startLine(call),
      endLine: this.lineOf(call.end),
      parent: null,
    });
    this.tests.push({ localId: id, suites });
    this.callerSymbol.set(callback, id);
    // Subtests (node:test's t.test) are named under their parent test.
    (this.suiteTitles ??= new Map()).set(callback, title);
    this.declareChildren(
      callback,
      { qn: this.qnOf(id), localId: id, topLevel: false },
      [...suites, callback],
      depth + 1,
    );
    return true;
  }

  private suiteTitles: Map<ts.Node, string> | undefined;

  // ---------- pass 2: scopes and call sites ----------

  private newScope(parent: Scope | null): Scope {
    return { vars: new Map(), parent };
  }

  private declareStatements(
    statements: ts.NodeArray<ts.Statement> | readonly ts.Statement[],
    scope: Scope,
  ): void {
    for (const st of statements) {
      if (ts.isImportDeclaration(st)) {
        const clause = st.importClause;
        if (clause?.name) scope.vars.set(clause.name.text, { kind: 'import', localName: clause.name.text });
        const nb = clause?.namedBindings;
        if (nb && ts.isNamespaceImport(nb))
          scope.vars.set(nb.name.text, { kind: 'import', localName: nb.name.text });
        else if (nb)
          for (const el of nb.elements)
            scope.vars.set(el.name.text, { kind: 'import', localName: el.name.text });
      } else if (ts.isImportEqualsDeclaration(st)) {
        scope.vars.set(
          st.name.text,
          ts.isExternalModuleReference(st.moduleReference)
            ? { kind: 'import', localName: st.name.text }
            : { kind: 'local-value', valueType: null },
        );
      } else if (ts.isVariableStatement(st)) {
        for (const decl of st.declarationList.declarations) this.declareVariableBinding(decl, scope);
      } else if (
        ts.isFunctionDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isEnumDeclaration(st) ||
        ts.isModuleDeclaration(st)
      ) {
        const name = st.name && ts.isIdentifier(st.name) ? st.name.text : null;
        if (name === null) continue;
        const id = this.declSymbol.get(st);
        scope.vars.set(
          name,
          id ? { kind: 'local-symbol', localId: id } : { kind: 'local-value', valueType: null },
        );
      }
    }
  }

  private declareVariableBinding(decl: ts.VariableDeclaration, scope: Scope): void {
    const sf = this.sf;
    const init = decl.initializer;
    const spec = requireSpecifier(init) ?? dynamicImportSpecifier(init);
    const unwrapped = init ? unwrapExpression(init) : undefined;
    const requireMember =
      unwrapped && ts.isPropertyAccessExpression(unwrapped) ? requireSpecifier(unwrapped.expression) : null;
    if (ts.isIdentifier(decl.name)) {
      const name = decl.name.text;
      if (spec !== null || requireMember !== null) {
        const kind = spec !== null && requireSpecifier(init) === null ? 'dynamic' : 'require';
        this.imports.push({
          localName: name,
          imported:
            requireMember !== null && unwrapped && ts.isPropertyAccessExpression(unwrapped)
              ? unwrapped.name.text
              : '*',
          specifier: (spec ?? requireMember) as string,
          line: this.startLine(decl),
          typeOnly: false,
          kind,
        });
        scope.vars.set(name, { kind: 'import', localName: name });
        return;
      }
      const id = this.declSymbol.get(decl);
      const binding: Binding = id
        ? { kind: 'local-symbol', localId: id }
        : {
            kind: 'local-value',
            valueType:
              typeRefFromTypeNode(decl.type, sf) ??
              // What the file's bindings tell first: `byName.get(k)` of a typed map is its value, not a call-return.
              (init ? this.localValueType(init, scope) : null) ??
              typeRefFromExpression(init, sf),
          };
      this.noteElementType(binding, decl.type, init);
      const copied = !decl.type && init ? copiedArray(init) : null;
      if (copied) {
        // `const list = items`, `items.slice()`, `items.filter(…)`, `[...items]`: the copy has the element type the
        // original was declared with.
        const element = this.elementTypes.get(this.lookup(scope, copied.text));
        if (element) this.elementTypes.set(binding, element);
      }
      scope.vars.set(name, binding);
      return;
    }
    if (spec !== null && ts.isObjectBindingPattern(decl.name)) {
      for (const el of decl.name.elements) {
        if (!ts.isIdentifier(el.name)) continue;
        const imported = el.propertyName ? propertyNameText(el.propertyName, sf) : el.name.text;
        this.imports.push({
          localName: el.name.text,
          imported,
          specifier: spec,
          line: this.startLine(el),
          typeOnly: false,
          kind: requireSpecifier(init) !== null ? 'require' : 'dynamic',
        });
        scope.vars.set(el.name.text, { kind: 'import', localName: el.name.text });
      }
      return;
    }
    const whole = init
      ? (typeRefFromTypeNode(decl.type, sf) ??
        this.localValueType(init, scope) ??
        typeRefFromExpression(init, sf))
      : null;
    this.declarePattern(decl.name, whole, scope);
  }

  /**
   * `const { reader, writer: w } = ws.storage` with the whole's type known: each name is that type's member
   * (`reader` is member `reader` of ws.storage's type). Rest elements and nested patterns stay untyped.
   */
  private declarePattern(pattern: ts.BindingName, whole: TypeRef | null, scope: Scope): void {
    if (ts.isIdentifier(pattern)) {
      scope.vars.set(pattern.text, { kind: 'local-value', valueType: whole });
      return;
    }
    for (const el of pattern.elements) {
      if (ts.isOmittedExpression(el)) continue;
      const prop = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
      const name = prop && !ts.isComputedPropertyName(prop) ? propertyNameText(prop, this.sf) : null;
      const typed =
        whole && ts.isObjectBindingPattern(pattern) && !el.dotDotDotToken && name && ts.isIdentifier(el.name);
      if (typed)
        scope.vars.set(el.name.text, { kind: 'local-value', valueType: { kind: 'member', of: whole, name } });
      else for (const n of bindingNames(el.name)) scope.vars.set(n, { kind: 'local-value', valueType: null });
    }
  }

  /**
   * What this file's bindings tell about a value: `conn = connection` (a typed local), `xs[i]`, `xs.shift()`,
   * `xs.at(-1)`, `xs.find(…)` of an array declared `X[]` → X. Null when nothing is known.
   */
  private localValueType(expr: ts.Expression, scope: Scope): TypeRef | null {
    const e = unwrapExpression(expr);
    if (ts.isIdentifier(e)) {
      const b = this.lookup(scope, e.text);
      return b.kind === 'local-value' && b.valueType ? { ...b.valueType } : null;
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.name)) {
      // `const reader = ws.storage.reader` with ws typed: member `reader` of member `storage` of ws's type.
      const of = this.localValueType(e.expression, scope);
      if (of) return { kind: 'member', of, name: e.name.text };
      // `const observer = this._output`: the enclosing class's declared field.
      return this.walkState && unwrapExpression(e.expression).kind === ts.SyntaxKind.ThisKeyword
        ? this.memberChainType(e, this.walkState, 0)
        : null;
    }
    if (ts.isConditionalExpression(e)) return this.eitherType(e.whenTrue, e.whenFalse, scope);
    if (
      ts.isBinaryExpression(e) &&
      (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
        e.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    )
      return this.eitherType(e.left, e.right, scope);
    if (ts.isElementAccessExpression(e)) {
      const owner = this.collectionOf(e.expression, scope);
      return owner && !owner.keyed ? { ...owner.element } : null;
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      const owner = this.collectionOf(e.expression.expression, scope);
      const method = e.expression.name.text;
      if (owner && (owner.keyed ? method === 'get' : ELEMENT_METHODS.has(method)))
        return { ...owner.element };
    }
    if (ts.isCallExpression(e) && !e.typeArguments) {
      // `useThing(store)`, `useThing(new Store())`: the arguments' types, which bind a callee declared
      // `useThing<T>(x: T): T`. Only typed locals and `new X()` are read (no walk into nested calls: this runs for
      // every call a receiver or a declaration holds).
      if (!e.arguments.some((a) => ts.isIdentifier(a) || ts.isNewExpression(a))) return null;
      const callee = entityText(e.expression, this.sf);
      if (callee === null || callee === 'require' || callee === 'this' || callee.startsWith('this.'))
        return null;
      const argTypes = e.arguments.map((a) =>
        ts.isIdentifier(a)
          ? this.localValueType(a, scope)
          : ts.isNewExpression(a)
            ? typeRefFromExpression(a, this.sf)
            : null,
      );
      return argTypes.some((t) => t !== null) ? { kind: 'call-return', callee, argTypes } : null;
    }
    return null;
  }

  /** `c ? a : b`, `a ?? b`: the type both sides have (a `null` or `undefined` side aside), else null. */
  private eitherType(a: ts.Expression, b: ts.Expression, scope: Scope): TypeRef | null {
    const typeOf = (x: ts.Expression): TypeRef | null | 'none' => {
      const e = unwrapExpression(x);
      if (e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined'))
        return 'none';
      return this.localValueType(x, scope) ?? typeRefFromExpression(x, this.sf);
    };
    const left = typeOf(a);
    const right = typeOf(b);
    if (left === 'none') return right === 'none' ? null : right;
    if (right === 'none' || left === null) return left;
    return right !== null && JSON.stringify(left) === JSON.stringify(right) ? left : null;
  }

  /**
   * The array, set or map `expr` is, as far as the file tells: a local or parameter declared `X[]`, `Set<X>`,
   * `Map<K, X>` (or initialised `new Map<K, X>()`), or a field of the enclosing class declared so.
   */
  private collectionOf(expr: ts.Expression, scope: Scope): Collection | null {
    const e = unwrapExpression(expr);
    if (ts.isIdentifier(e)) {
      const b = this.lookup(scope, e.text);
      const element = this.elementTypes.get(b);
      if (element) return { element, keyed: false };
      const value = this.mapValues.get(b);
      return value ? { element: value, keyed: true } : null;
    }
    if (
      ts.isPropertyAccessExpression(e) &&
      unwrapExpression(e.expression).kind === ts.SyntaxKind.ThisKeyword
    ) {
      const cls = this.walkState ? this.currentClass(this.walkState) : null;
      return cls === null ? null : (this.fieldCollections.get(`${cls}\u0000${e.name.text}`) ?? null);
    }
    return null;
  }

  /** What iterating `expr` gives: its elements, or a map's or set's `values()`. */
  private iteratedElement(expr: ts.Expression, scope: Scope): TypeRef | null {
    const e = unwrapExpression(expr);
    if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      e.expression.name.text === 'values'
    ) {
      const owner = this.collectionOf(e.expression.expression, scope);
      return owner ? { ...owner.element } : null;
    }
    const owner = this.collectionOf(e, scope);
    return owner && !owner.keyed ? { ...owner.element } : null;
  }

  /** Remembers the element type of an array-, set- or map-typed binding (`X[]`, `Set<X>`, `Map<K, X>`). */
  private noteElementType(binding: Binding, type: ts.TypeNode | undefined, init?: ts.Expression): void {
    const found = this.collectionType(type, init);
    if (found) (found.keyed ? this.mapValues : this.elementTypes).set(binding, found.element);
  }

  /** The collection a declared type or a `new Map<K, X>()` / `new Set<X>()` initialiser makes, if any. */
  private collectionType(type: ts.TypeNode | undefined, init?: ts.Expression): Collection | null {
    let t = type;
    if (t && ts.isTypeOperatorNode(t)) t = t.type;
    let name: string | undefined;
    let args: ts.NodeArray<ts.TypeNode> | undefined;
    if (t && ts.isArrayTypeNode(t)) return this.collection(t.elementType, false);
    if (t && ts.isTypeReferenceNode(t)) {
      name = t.typeName.getText(this.sf);
      args = t.typeArguments;
    } else if (!t && init) {
      const e = unwrapExpression(init);
      if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
        name = e.expression.text;
        args = e.typeArguments;
      }
    }
    if (!name || !args) return null;
    if (/^(?:(?:Readonly)?Array|(?:Readonly)?Set|Iterable|WeakSet)$/.test(name) && args.length === 1)
      return this.collection(args[0], false);
    if (/^(?:(?:Readonly)?Map|WeakMap)$/.test(name) && args.length === 2)
      return this.collection(args[1], true);
    return null;
  }

  private collection(element: ts.TypeNode | undefined, keyed: boolean): Collection | null {
    const ref = typeRefFromTypeNode(element, this.sf);
    return ref ? { element: ref, keyed } : null;
  }

  private lookup(scope: Scope, name: string): Binding {
    for (let s: Scope | null = scope; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return { kind: 'global', name };
  }

  private walk(node: ts.Node, state: WalkState, depth: number): void {
    if (isTypeOnly(node) || this.tooDeep(depth, node)) return;
    const next = depth + 1;
    const marked =
      this.callerSymbol.has(node) || this.hookCallbacks.has(node) || this.describeCallbacks.has(node);
    const callerId = marked ? this.callerSymbol.get(node) : undefined;
    const hookIndex = marked ? this.hookCallbacks.get(node) : undefined;
    const classId = marked ? this.classNodes.get(node) : undefined;
    const pushedCaller =
      callerId !== undefined ? callerId : hookIndex !== undefined ? `\u0000hook:${hookIndex}` : undefined;
    if (pushedCaller !== undefined) state.callers.push(pushedCaller);
    if (classId !== undefined) state.classes.push(classId);
    const isSuite = marked && this.describeCallbacks.has(node);
    if (isSuite) state.suites.push(node);
    const savedScope = state.scope;
    const isFunction = ts.isFunctionLike(node);
    if (isFunction) state.functions.push(node);
    try {
      if (isFunction && ts.isArrowFunction(node) && !ts.isBlock(node.body))
        this.noteReturn(node, node.body, state);
      else if (ts.isReturnStatement(node)) {
        const fn = state.functions[state.functions.length - 1];
        if (fn) this.noteReturn(fn, node.expression, state);
      }
      if (isFunction) {
        const scope = this.newScope(state.scope);
        if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name) {
          scope.vars.set(node.name.text, { kind: 'local-value', valueType: null });
        }
        const callback = this.callbackArgs.get(node);
        for (const [index, param] of node.parameters.entries()) {
          const type =
            typeRefFromTypeNode(constraintOf(param.type, node.typeParameters), this.sf) ??
            this.parameterLiterals.get(param) ??
            (callback && !param.type && !param.dotDotDotToken
              ? this.callbackParamType(callback, index)
              : null);
          if (ts.isIdentifier(param.name)) {
            const binding: Binding = { kind: 'local-value', valueType: type };
            this.noteElementType(binding, param.type);
            scope.vars.set(param.name.text, binding);
          } else this.declarePattern(param.name, param.dotDotDotToken ? null : type, scope);
        }
        state.scope = scope;
      } else if (ts.isBlock(node) || ts.isModuleBlock(node)) {
        state.scope = this.newScope(state.scope);
        this.declareStatements(node.statements, state.scope);
      } else if (ts.isCaseBlock(node)) {
        state.scope = this.newScope(state.scope);
        for (const clause of node.clauses) this.declareStatements(clause.statements, state.scope);
      } else if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
        state.scope = this.newScope(state.scope);
        const init = node.initializer;
        if (init && ts.isVariableDeclarationList(init)) {
          for (const d of init.declarations) {
            if (ts.isForStatement(node)) this.declareVariableBinding(d, state.scope);
            else {
              // for (const s of shapes) with `shapes: Shape[]`: s is a Shape.
              const element = ts.isForOfStatement(node)
                ? this.iteratedElement(node.expression, state.scope)
                : null;
              for (const name of bindingNames(d.name)) {
                state.scope.vars.set(name, {
                  kind: 'local-value',
                  valueType: ts.isIdentifier(d.name) ? element : null,
                });
              }
            }
          }
        }
      } else if (ts.isCatchClause(node)) {
        state.scope = this.newScope(state.scope);
        if (node.variableDeclaration) {
          for (const name of bindingNames(node.variableDeclaration.name))
            state.scope.vars.set(name, { kind: 'local-value', valueType: null });
        }
      } else if (ts.isClassLike(node) && ts.isClassExpression(node) && node.name) {
        state.scope = this.newScope(state.scope);
        state.scope.vars.set(node.name.text, { kind: 'local-value', valueType: null });
      }

      if (
        (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) &&
        node.type &&
        node.initializer
      ) {
        let value = node.initializer;
        while (ts.isParenthesizedExpression(value)) value = value.expression;
        this.declaredTypes.set(value, node.type);
      }
      if (ts.isVariableDeclaration(node) && node.initializer) {
        let value = node.initializer;
        while (ts.isParenthesizedExpression(value)) value = value.expression;
        const id = this.declSymbol.get(node);
        if (
          id !== undefined &&
          ts.isCallExpression(value) &&
          isFunctionValue(unwrapExpression(value.expression))
        )
          this.iifeHolders.set(value, id);
      }
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) this.noteCallbackArgs(node, state);
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) this.recordCall(node, state);
      else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken)
        this.recordAssignment(node, state);

      const narrowed = this.narrowings(node, state);
      ts.forEachChild(node, (child) => {
        const vars = narrowed?.get(child);
        if (!vars) {
          this.walk(child, state, next);
          return;
        }
        const outer = state.scope;
        state.scope = { vars, parent: outer };
        try {
          this.walk(child, state, next);
        } finally {
          state.scope = outer;
        }
      });
    } finally {
      state.scope = savedScope;
      if (isFunction) state.functions.pop();
      if (pushedCaller !== undefined) state.callers.pop();
      if (classId !== undefined) state.classes.pop();
      if (isSuite) state.suites.pop();
    }
  }

  /**
   * Children of `node` where a condition narrows locals: `if (x instanceof Foo) …`, `if (isFoo(x)) …`, `c && …`,
   * `c ? … : …`, and the statements after `if (!isFoo(x)) return;` in a block. Null when none.
   */
  private narrowings(node: ts.Node, state: WalkState): Map<ts.Node, Map<string, Binding>> | null {
    const out = new Map<ts.Node, Map<string, Binding>>();
    const add = (child: ts.Node, vars: Map<string, Binding>): void => {
      if (vars.size > 0) out.set(child, vars);
    };
    if (ts.isIfStatement(node)) add(node.thenStatement, this.guards(node.expression, state));
    else if (ts.isConditionalExpression(node)) add(node.whenTrue, this.guards(node.condition, state));
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)
      add(node.right, this.guards(node.left, state));
    else if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isModuleBlock(node) || ts.isCaseClause(node)) {
      let after = new Map<string, Binding>();
      for (const statement of node.statements) {
        add(statement, new Map(after));
        const cond =
          ts.isIfStatement(statement) && !statement.elseStatement ? statement.expression : undefined;
        const negated = cond ? unwrapExpression(cond) : undefined;
        if (
          negated &&
          ts.isPrefixUnaryExpression(negated) &&
          negated.operator === ts.SyntaxKind.ExclamationToken &&
          exits((statement as ts.IfStatement).thenStatement)
        )
          after = new Map([...after, ...this.guards(negated.operand, state)]);
      }
    }
    return out.size > 0 ? out : null;
  }

  /**
   * The locals a true condition narrows, with their narrowed types: `x instanceof Foo` (a local or parameter) and a
   * type guard named `isFoo(x)` (an untyped local: its declared `x is Foo` is read as what the guard returns).
   */
  private guards(cond: ts.Expression, state: WalkState): Map<string, Binding> {
    const out = new Map<string, Binding>();
    const e = unwrapExpression(cond);
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)
      return new Map([...this.guards(e.left, state), ...this.guards(e.right, state)]);
    const local = (expr: ts.Expression | undefined): ts.Identifier | null => {
      const id = expr ? unwrapExpression(expr) : undefined;
      if (!id || !ts.isIdentifier(id)) return null;
      return this.lookup(state.scope, id.text).kind === 'local-value' ? id : null;
    };
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword) {
      const id = local(e.left);
      const type = entityText(e.right, this.sf);
      if (id && type && type !== 'this' && !type.startsWith('this.'))
        out.set(id.text, { kind: 'local-value', valueType: { kind: 'name', name: type } });
    } else if (ts.isCallExpression(e)) {
      const callee = entityText(e.expression, this.sf);
      const id = local(e.arguments[0]);
      const binding = id ? this.lookup(state.scope, id.text) : undefined;
      const untyped = binding?.kind === 'local-value' && binding.valueType === null;
      if (id && untyped && callee && !callee.startsWith('this') && /(?:^|\.)is[A-Z_$]/.test(callee))
        out.set(id.text, { kind: 'local-value', valueType: { kind: 'call-return', callee } });
    }
    return out;
  }

  /**
   * Remembers where function values sit as call arguments: `operate((source, subscriber) => …)` → callee
   * `operate`, argument 0; `new Observable((subscriber) => …)` → the class's constructor.
   */
  private noteCallbackArgs(node: ts.CallExpression | ts.NewExpression, state: WalkState): void {
    let target: CallbackTarget | null | undefined;
    node.arguments?.forEach((argument, arg) => {
      const outer = unwrapExpression(argument);
      // `new Observable(scheduler ? (s) => … : (s) => …)`: each branch's function is the argument.
      const values = ts.isConditionalExpression(outer)
        ? [unwrapExpression(outer.whenTrue), unwrapExpression(outer.whenFalse)]
        : [outer];
      for (const value of values) {
        if (!ts.isArrowFunction(value) && !ts.isFunctionExpression(value)) continue;
        if (target === undefined) {
          target = this.callbackTarget(node.expression, state);
          if (target && !target.element) {
            const written = typeArgsOf(node, this.sf);
            Object.assign(
              target,
              written.typeArgs ? written : contextualTypeArgs(node, this.declaredTypes.get(node), this.sf),
            );
          }
        }
        if (target) this.callbackArgs.set(value, { ...target, arg });
      }
    });
  }

  /**
   * What a callback's untyped parameters are read from: the element type of an array or set it iterates
   * (`shapes.forEach((s) => …)` with `shapes: Shape[]`), a method of a receiver whose type the file tells
   * (`store.subscribe((state) => …)`), else the callee's own name when it is a plain or dotted name.
   */
  private callbackTarget(expr: ts.Expression, state: WalkState): CallbackTarget | null {
    const e = unwrapExpression(expr);
    if (ts.isPropertyAccessExpression(e)) {
      const method = e.name.text;
      const recv = unwrapExpression(e.expression);
      const elementParam = ELEMENT_CALLBACKS.get(method);
      const owner = elementParam === undefined ? null : this.collectionOf(recv, state.scope);
      // A map's forEach gives its values first; its other element methods are not a map's.
      if (owner && elementParam !== undefined && (!owner.keyed || method === 'forEach'))
        return { callee: method, element: owner.element, elementParam };
      const chain = this.memberChainType(e, state, 0);
      if (chain?.kind === 'member') return { callee: method, of: chain.of };
    }
    const callee = entityText(expr, this.sf);
    if (!callee || callee === 'this' || callee.startsWith('this.')) return null;
    return { callee };
  }

  /** The type of parameter `index` of a callback passed where `callback` says, as far as the file tells. */
  private callbackParamType(callback: CallbackTarget & { arg: number }, index: number): TypeRef | null {
    if (callback.element) return index === callback.elementParam ? { ...callback.element } : null;
    return {
      kind: 'callback-param',
      callee: callback.callee,
      arg: callback.arg,
      param: index,
      ...(callback.of ? { of: callback.of } : {}),
      ...(callback.typeArgs ? { typeArgs: callback.typeArgs } : {}),
    };
  }

  /** `x = new X()` / `x = make()` gives an untyped local its type (e.g. a suite variable assigned in beforeEach). */
  private recordAssignment(node: ts.BinaryExpression, state: WalkState): void {
    if (!ts.isIdentifier(node.left)) return;
    const binding = this.lookup(state.scope, node.left.text);
    if (binding.kind !== 'local-value' || binding.valueType) return;
    const valueType = typeRefFromExpression(node.right, this.sf);
    if (valueType) binding.valueType = valueType;
  }

  private recordCall(node: ts.CallExpression | ts.NewExpression, state: WalkState): void {
    const sf = this.sf;
    const callee = node.expression;
    const inner = unwrapExpression(callee);
    // An IIFE is not a call to another symbol: its body's calls count for the enclosing symbol. One that initialises a
    // variable (`export const ajax = (() => { … })()`) runs the function written in that variable's declaration, so
    // the call is drawn to the variable, whose range holds that function.
    const iifeHolder = isFunctionValue(inner) ? this.iifeHolders.get(node) : undefined;
    if (isFunctionValue(inner) && iifeHolder === undefined) return;
    if (ts.isCallExpression(node)) {
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        const spec = dynamicImportSpecifier(node);
        if (
          spec !== null &&
          !this.imports.some(
            (i) => i.kind === 'dynamic' && i.specifier === spec && i.line === this.startLine(node),
          )
        ) {
          this.imports.push({
            localName: '',
            imported: '*',
            specifier: spec,
            line: this.startLine(node),
            typeOnly: false,
            kind: 'dynamic',
          });
        }
        return;
      }
      if (ts.isIdentifier(callee) && callee.text === 'require') {
        const spec = requireSpecifier(node);
        const line = this.startLine(node);
        if (spec !== null && !this.imports.some((i) => i.specifier === spec && i.line === line)) {
          this.imports.push({
            localName: '',
            imported: '*',
            specifier: spec,
            line,
            typeOnly: false,
            kind: 'require',
          });
        }
      }
      if (this.isTestFile && testCallKind(node) === 'hook') {
        const callback = [...node.arguments].reverse().find((a) => isFunctionValue(a));
        if (callback) {
          const suite = state.suites.length > 0 ? (state.suites[state.suites.length - 1] ?? null) : null;
          this.hookGroups.push({ suite, fallbackCaller: this.currentCaller(state, true), sites: [] });
          this.hookCallbacks.set(callback, this.hookGroups.length - 1);
        }
      }
    }
    const holderName = iifeHolder === undefined ? undefined : this.byLocalId.get(iifeHolder)?.name;
    const site: CallSiteFact = {
      caller: '',
      line: this.startLine(node),
      kind: ts.isNewExpression(node) ? 'new' : 'call',
      text: holderName ?? truncate(collapse(callee.getText(sf))),
      target:
        iifeHolder === undefined
          ? this.callTarget(callee, state)
          : {
              kind: 'identifier',
              name: holderName ?? '',
              binding: { kind: 'local-symbol', localId: iifeHolder },
            },
    };
    // The argument count picks among an interface's overload signatures; a spread leaves it unknown.
    const args = node.arguments ?? ts.factory.createNodeArray<ts.Expression>();
    if (!args.some((a) => ts.isSpreadElement(a))) site.args = args.map(() => null);
    const caller = this.currentCaller(state, false);
    if (caller.startsWith('\u0000hook:')) {
      const group = this.hookGroups[Number(caller.slice(6))];
      if (group) group.sites.push(site);
      return;
    }
    site.caller = caller;
    this.callSites.push(site);
  }

  private currentCaller(state: WalkState, skipHooks: boolean): string {
    for (let i = state.callers.length - 1; i >= 0; i--) {
      const c = state.callers[i] as string;
      if (c.startsWith('\u0000hook:')) {
        if (skipHooks) continue;
        return c;
      }
      if (this.byLocalId.get(c)?.kind === 'variable') continue;
      return c;
    }
    return this.moduleId;
  }

  private callTarget(callee: ts.Expression, state: WalkState): CallTarget {
    const e = unwrapExpression(callee);
    if (ts.isIdentifier(e))
      return { kind: 'identifier', name: e.text, binding: cloneBinding(this.lookup(state.scope, e.text)) };
    if (e.kind === ts.SyntaxKind.SuperKeyword) {
      return {
        kind: 'member',
        name: 'constructor',
        receiver: { kind: 'super', classLocalId: this.currentClass(state) },
      };
    }
    if (ts.isPropertyAccessExpression(e)) {
      // `(await import('./commands/show.js')).cmdShow()`: the export of the module loaded there.
      const loaded = ts.isAwaitExpression(unwrapExpression(e.expression))
        ? dynamicImportSpecifier(e.expression)
        : null;
      if (loaded !== null)
        return {
          kind: 'identifier',
          name: e.name.text,
          binding: { kind: 'import-search', specifiers: [loaded] },
        };
      const alias = this.aliasedMember(e, state);
      if (alias !== null)
        return { kind: 'identifier', name: alias, binding: cloneBinding(this.lookup(state.scope, alias)) };
      return { kind: 'member', name: e.name.text, receiver: this.receiverOf(e.expression, state) };
    }
    if (ts.isElementAccessExpression(e)) {
      const arg = e.argumentExpression;
      if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) {
        return { kind: 'member', name: arg.text, receiver: this.receiverOf(e.expression, state) };
      }
      return { kind: 'dynamic', reason: 'computed member' };
    }
    if (ts.isCallExpression(e)) return { kind: 'dynamic', reason: 'call result' };
    if (ts.isConditionalExpression(e) || ts.isBinaryExpression(e))
      return { kind: 'dynamic', reason: 'conditional callee' };
    return { kind: 'dynamic', reason: `callee is ${ts.SyntaxKind[e.kind] ?? 'an expression'}` };
  }

  /** The type a function declares for `this` (`function make_(this: Annotation, …)`), in scope as a parameter. */
  private declaredThisType(state: WalkState): TypeRef | null {
    const b = this.lookup(state.scope, 'this');
    return b.kind === 'local-value' && b.valueType ? { ...b.valueType } : null;
  }

  /** `api.f` where `api` is this file's object literal `{ f }`: the name `f` the member stands for, else null. */
  private aliasedMember(e: ts.PropertyAccessExpression, state: WalkState): string | null {
    if (this.literalAliases.size === 0) return null;
    const owner = unwrapExpression(e.expression);
    if (!ts.isIdentifier(owner)) return null;
    const binding = this.lookup(state.scope, owner.text);
    if (binding.kind !== 'local-symbol') return null;
    return this.literalAliases.get(binding.localId)?.get(e.name.text) ?? null;
  }

  private currentClass(state: WalkState): string | null {
    return state.classes.length > 0 ? (state.classes[state.classes.length - 1] ?? null) : null;
  }

  private receiverOf(expr: ts.Expression, state: WalkState): Receiver {
    const sf = this.sf;
    const e = unwrapExpression(expr);
    const thisType = this.declaredThisType(state);
    if (e.kind === ts.SyntaxKind.ThisKeyword)
      return thisType
        ? { kind: 'typed', valueType: thisType }
        : { kind: 'this', classLocalId: this.currentClass(state) };
    if (e.kind === ts.SyntaxKind.SuperKeyword)
      return { kind: 'super', classLocalId: this.currentClass(state) };
    if (
      !thisType &&
      ts.isPropertyAccessExpression(e) &&
      unwrapExpression(e.expression).kind === ts.SyntaxKind.ThisKeyword
    ) {
      return { kind: 'this-field', classLocalId: this.currentClass(state), field: e.name.text };
    }
    if (ts.isIdentifier(e))
      return { kind: 'identifier', name: e.text, binding: cloneBinding(this.lookup(state.scope, e.text)) };
    const chain = ts.isPropertyAccessExpression(e) ? this.memberChainType(e, state, 0) : null;
    if (chain) return { kind: 'typed', valueType: chain };
    const element =
      ts.isElementAccessExpression(e) || ts.isCallExpression(e) ? this.localValueType(e, state.scope) : null;
    if (element) return { kind: 'typed', valueType: element };
    const typed = typeRefFromExpression(expr, sf);
    if (
      typed &&
      (ts.isNewExpression(e) ||
        ts.isCallExpression(e) ||
        ts.isAsExpression(expr) ||
        ts.isAwaitExpression(e) ||
        ts.isParenthesizedExpression(expr))
    ) {
      return { kind: 'typed', valueType: typed };
    }
    return { kind: 'expression', text: truncate(collapse(e.getText(sf))) };
  }

  /**
   * `this.#props.runner`, `ctx.services.auth`, `getX().a`: a member chain as the declared types of its properties,
   * rooted at the enclosing class (top-level classes), a typed local or parameter, or a call's result. Null when the
   * root's type is not known here (a dotted path of values is left to the resolver's value paths).
   */
  private memberChainType(e: ts.PropertyAccessExpression, state: WalkState, depth: number): TypeRef | null {
    if (depth > MAX_CHAIN) return null;
    const inner = unwrapExpression(e.expression);
    let of: TypeRef | null = null;
    const thisType = inner.kind === ts.SyntaxKind.ThisKeyword ? this.declaredThisType(state) : null;
    if (thisType) of = thisType;
    else if (inner.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = this.currentClass(state);
      const qn = cls === null ? undefined : this.byLocalId.get(cls)?.qualifiedName;
      of = qn !== undefined && !qn.includes('.') ? { kind: 'name', name: qn } : null;
    } else if (ts.isIdentifier(inner)) {
      const binding = this.lookup(state.scope, inner.text);
      of = binding.kind === 'local-value' && binding.valueType ? { ...binding.valueType } : null;
    } else if (ts.isPropertyAccessExpression(inner)) {
      of = this.memberChainType(inner, state, depth + 1);
    } else if (ts.isCallExpression(inner) || ts.isNewExpression(inner)) {
      of = typeRefFromExpression(inner, this.sf);
    }
    return of ? { kind: 'member', of, name: e.name.text } : null;
  }

  /**
   * A function symbol without a declared return type returns `expr` (a `return`, or an arrow's expression body):
   * what the file tells of its type (`new X()`, a call, a typed local) is kept while every return agrees.
   */
  private noteReturn(fn: ts.Node, expr: ts.Expression | undefined, state: WalkState): void {
    const id = this.callerSymbol.get(fn);
    const sym = id === undefined ? undefined : this.byLocalId.get(id);
    if (!sym || sym.returnType !== null || (sym.kind !== 'function' && sym.kind !== 'method')) return;
    const ref = expr
      ? (typeRefFromExpression(expr, this.sf) ?? this.localValueType(expr, state.scope))
      : null;
    const before = this.returns.get(sym.localId);
    if (before === undefined) this.returns.set(sym.localId, ref);
    else if (before !== null && (ref === null || JSON.stringify(before) !== JSON.stringify(ref)))
      this.returns.set(sym.localId, null);
  }

  /** Functions whose every return told the same type get it as their valueType (what a call of them returns). */
  private flushReturns(): void {
    for (const [localId, ref] of this.returns) {
      const sym = this.byLocalId.get(localId);
      if (sym && ref && !sym.valueType) sym.valueType = ref;
    }
  }

  private flushHooks(): void {
    for (const group of this.hookGroups) {
      const tests = this.tests.filter((t) => group.suite === null || t.suites.includes(group.suite));
      if (tests.length === 0) {
        for (const site of group.sites) this.callSites.push({ ...site, caller: group.fallbackCaller });
        continue;
      }
      for (const test of tests)
        for (const site of group.sites) this.callSites.push({ ...site, caller: test.localId });
    }
  }
}

interface WalkState {
  scope: Scope;
  callers: string[];
  classes: string[];
  suites: ts.Node[];
  /** The function-like nodes the walk is inside, innermost last: a `return` belongs to the last one. */
  functions: ts.Node[];
}

/** Array methods that return one of the array's elements. */
/** Array and set methods whose callback gets an element, by the parameter that holds it (`reduce`'s is second). */
const ELEMENT_CALLBACKS: ReadonlyMap<string, number> = new Map([
  ...[
    'forEach',
    'map',
    'filter',
    'find',
    'findLast',
    'findIndex',
    'findLastIndex',
    'some',
    'every',
    'flatMap',
  ].map((m): [string, number] => [m, 0]),
  ['reduce', 1],
  ['reduceRight', 1],
]);

/** An array or set (`keyed` false) or a map (`keyed`: its values), with the type of what it holds. */
interface Collection {
  element: TypeRef;
  keyed: boolean;
}

/** Where a callback argument's parameters get their types (see Extractor.callbackTarget). */
interface CallbackTarget {
  callee: string;
  of?: TypeRef;
  element?: TypeRef;
  elementParam?: number;
  typeArgs?: Array<TypeRef | null>;
}

const ELEMENT_METHODS: ReadonlySet<string> = new Set(['shift', 'pop', 'at', 'find', 'findLast']);

/** Calls that return the object literal they are given (`Object.freeze({…})`), by the callee's last name. */
const OBJECT_WRAPPERS: ReadonlySet<string> = new Set(['freeze', 'seal', 'deepFreeze', 'markRaw', 'harden']);

/** The object literal an initializer is, or wraps in a freezing call; undefined when it is neither. */
function objectLiteralOf(init: ts.Expression, sf: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  if (ts.isObjectLiteralExpression(init)) return init;
  if (!ts.isCallExpression(init) || init.arguments.length !== 1) return undefined;
  const callee = entityText(init.expression, sf);
  const arg = init.arguments[0];
  if (callee === null || arg === undefined || !OBJECT_WRAPPERS.has(callee.slice(callee.lastIndexOf('.') + 1)))
    return undefined;
  const inner = unwrapExpression(arg);
  return ts.isObjectLiteralExpression(inner) ? inner : undefined;
}

/** True when an object literal has a method or a property that is a function or names one (`{ f }`). */
function hasFunctionMembers(literal: ts.ObjectLiteralExpression): boolean {
  return literal.properties.some(
    (p) =>
      isMethodLike(p) ||
      ts.isShorthandPropertyAssignment(p) ||
      (ts.isPropertyAssignment(p) && isFunctionValue(unwrapExpression(p.initializer))),
  );
}

/**
 * A type written as one of `typeParameters` (`x: T` with `<T extends Foo>`): its constraint, which is what the
 * compiler resolves members of T through inside the declaration; the type as written otherwise.
 */
function constraintOf(
  type: ts.TypeNode | undefined,
  typeParameters: ts.NodeArray<ts.TypeParameterDeclaration> | undefined,
): ts.TypeNode | undefined {
  const param = typeParameterNamed(type, typeParameters);
  return param ? param.constraint : type;
}

/**
 * A member's type written as one of its owner's `typeParameters` (`_zod: Internals` with `Internals extends X = X`):
 * the type it is when the owner is named without type arguments (its default, else its constraint).
 */
function defaultOf(
  type: ts.TypeNode | undefined,
  typeParameters: ts.NodeArray<ts.TypeParameterDeclaration> | undefined,
): ts.TypeNode | undefined {
  const param = typeParameterNamed(type, typeParameters);
  return param ? (param.default ?? param.constraint) : type;
}

function typeParameterNamed(
  type: ts.TypeNode | undefined,
  typeParameters: ts.NodeArray<ts.TypeParameterDeclaration> | undefined,
): ts.TypeParameterDeclaration | undefined {
  if (!type || !typeParameters || !ts.isTypeReferenceNode(type) || type.typeArguments) return undefined;
  const name = type.typeName;
  return ts.isIdentifier(name) ? typeParameters.find((p) => p.name.text === name.text) : undefined;
}

/** Array methods whose result holds the same elements: `xs.slice()`, `xs.filter(…)`. */
const ARRAY_COPIES: ReadonlySet<string> = new Set([
  'slice',
  'filter',
  'concat',
  'reverse',
  'sort',
  'toSorted',
  'toReversed',
]);

/** The identifier an array expression copies (`xs`, `xs.slice()`, `xs.filter(…)`, `[...xs]`), or null. */
function copiedArray(init: ts.Expression): ts.Identifier | null {
  const e = unwrapExpression(init);
  if (ts.isIdentifier(e)) return e;
  if (
    ts.isCallExpression(e) &&
    ts.isPropertyAccessExpression(e.expression) &&
    ARRAY_COPIES.has(e.expression.name.text)
  ) {
    const owner = unwrapExpression(e.expression.expression);
    return ts.isIdentifier(owner) ? owner : null;
  }
  if (ts.isArrayLiteralExpression(e) && e.elements.length === 1) {
    const only = e.elements[0];
    if (only && ts.isSpreadElement(only)) {
      const owner = unwrapExpression(only.expression);
      return ts.isIdentifier(owner) ? owner : null;
    }
  }
  return null;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function truncate(text: string): string {
  return text.length > MAX_CALL_TEXT ? text.slice(0, MAX_CALL_TEXT) : text;
}

function cloneBinding(b: Binding): Binding {
  if (b.kind === 'local-value')
    return { kind: 'local-value', valueType: b.valueType ? { ...b.valueType } : null };
  return { ...b };
}

/** A statement that always leaves the enclosing block: `return`, `throw`, or a block ending in one. */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  const last = ts.isBlock(statement) ? statement.statements[statement.statements.length - 1] : undefined;
  return last !== undefined && exits(last);
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    out.push(...bindingNames(el.name));
  }
  return out;
}

function heritageNames(
  clauses: ts.NodeArray<ts.HeritageClause> | undefined,
  token: ts.SyntaxKind,
  sf: ts.SourceFile,
): string[] | undefined {
  const clause = clauses?.find((c) => c.token === token);
  if (!clause) return undefined;
  return clause.types.map((t) => collapse(t.expression.getText(sf)));
}

/** `module.exports` → 'default'; `exports.a` / `module.exports.a` → 'a'; anything else → null. */
function commonJsTarget(left: ts.Expression): string | null {
  const l = unwrapExpression(left);
  if (!ts.isPropertyAccessExpression(l)) return null;
  const obj = unwrapExpression(l.expression);
  if (ts.isIdentifier(obj) && obj.text === 'module' && l.name.text === 'exports') return 'default';
  if (ts.isIdentifier(obj) && obj.text === 'exports') return l.name.text;
  if (
    ts.isPropertyAccessExpression(obj) &&
    ts.isIdentifier(obj.expression) &&
    obj.expression.text === 'module' &&
    obj.name.text === 'exports'
  ) {
    return l.name.text;
  }
  return null;
}

function testCallKind(call: ts.CallExpression): TestCallKind | null {
  const callee = call.expression;
  // Table-driven forms: it.each(table)('title %s', fn), describe.each(table)(…)
  if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression)) {
    const each = callee.expression;
    if (each.name.text === 'each' && ts.isIdentifier(each.expression)) {
      if (SUITE_NAMES.has(each.expression.text)) return 'suite';
      if (TEST_NAMES.has(each.expression.text)) return 'test';
    }
    return null;
  }
  if (ts.isIdentifier(callee)) {
    if (SUITE_NAMES.has(callee.text)) return 'suite';
    if (TEST_NAMES.has(callee.text)) return 'test';
    if (HOOK_NAMES.has(callee.text)) return 'hook';
    return null;
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const member = callee.name.text;
    const base = callee.expression;
    if (
      ts.isPropertyAccessExpression(base) &&
      ts.isIdentifier(base.expression) &&
      base.name.text === 'describe' &&
      TEST_MODIFIERS.has(member)
    ) {
      return 'suite';
    }
    if (!ts.isIdentifier(base)) return null;
    if (SUITE_NAMES.has(base.text) && TEST_MODIFIERS.has(member)) return 'suite';
    if (TEST_NAMES.has(base.text)) {
      if (TEST_MODIFIERS.has(member)) return 'test';
      if (member === 'describe') return 'suite';
      if (HOOK_NAMES.has(member)) return 'hook';
    }
    // node:test subtests: t.test('name', fn)
    if (member === 'test' && call.arguments.length >= 2) return 'test';
  }
  return null;
}

/** Overload signatures each carry `export`: one export fact per (name, local, source) is enough. */
function dedupeExports(exports: ExportFact[]): ExportFact[] {
  const seen = new Set<string>();
  return exports.filter((e) => {
    const key = `${e.exported}\u0000${e.local ?? ''}\u0000${e.from ?? ''}\u0000${e.imported ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The last line a reader sees: a final `\n` ends the last line rather than starting an empty one. */
function lastLineOf(text: string): number {
  const lines = countLines(text);
  return lines > 1 && text.endsWith('\n') ? lines - 1 : lines;
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Facts for a file that was not analysed: the module symbol only, with the reason. */
export function skippedFacts(
  path: string,
  text: string,
  reason: string,
  diagnostics: Diagnostic[] = [],
): FileFacts {
  return {
    path,
    language: 'typescript',
    symbols: [
      {
        localId: makeLocalId(MODULE_QUALIFIED_NAME, 'module'),
        name: MODULE_QUALIFIED_NAME,
        qualifiedName: MODULE_QUALIFIED_NAME,
        kind: 'module',
        startLine: 1,
        endLine: lastLineOf(text),
        signature: '',
        returnType: null,
        exported: false,
        doc: null,
        parent: null,
      },
    ],
    imports: [],
    exports: [],
    callSites: [],
    isTestFile: isTestPath(path),
    testFramework: null,
    diagnostics: [...diagnostics, { line: 1, severity: 'warning', message: `not analysed: ${reason}` }],
    skipped: reason,
  };
}

/** Extracts the facts of one TS/JS file. Never throws: failures become diagnostics or a skipped result. */
export function extractFacts(path: string, text: string): FileFacts {
  try {
    if (text.length > MINIFIED_MIN_BYTES) {
      const lines = countLines(text);
      if (text.length / lines > MINIFIED_AVG_LINE) {
        return skippedFacts(
          path,
          text,
          `minified (${text.length} bytes, average line ${Math.round(text.length / lines)} characters)`,
        );
      }
    }
    let sf: ts.SourceFile;
    try {
      sf = ts.createSourceFile(
        path,
        text,
        { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
        false,
        scriptKindFor(path),
      );
    } catch (error) {
      if (error instanceof RangeError) return skippedFacts(path, text, 'nesting too deep for the parser');
      throw error;
    }
    const extractor = new Extractor(sf, path);
    const parseDiagnostics =
      (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    for (const d of parseDiagnostics.slice(0, 50)) {
      extractor.diagnostics.push({
        line: extractor.lineOf(d.start),
        severity: 'error',
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
      });
    }
    extractor.run();
    return {
      path,
      language: 'typescript',
      symbols: extractor.symbols,
      imports: extractor.imports.sort((a, b) => a.line - b.line || cmp(a.localName, b.localName)),
      exports: dedupeExports(extractor.exports),
      callSites: extractor.callSites,
      isTestFile: extractor.isTestFile,
      testFramework: extractor.testFramework,
      diagnostics: extractor.diagnostics,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError) return skippedFacts(path, text, 'nesting too deep to analyse');
    return skippedFacts(path, text, `analysis failed: ${message}`);
  }
}

/** A type annotation (`: Foo<T>`, `(a: A) => B`, `{ x: X }`…): it declares nothing and calls nothing. */
function isTypeAnnotation(node: ts.Node): boolean {
  return node.kind >= ts.SyntaxKind.FirstTypeNode && node.kind <= ts.SyntaxKind.LastTypeNode;
}

/** Type annotations, interfaces and type aliases: syntax with no calls in it, which the call walk skips. */
function isTypeOnly(node: ts.Node): boolean {
  return (
    isTypeAnnotation(node) ||
    node.kind === ts.SyntaxKind.InterfaceDeclaration ||
    node.kind === ts.SyntaxKind.TypeAliasDeclaration
  );
}

/** A method, getter or setter, in a class or an object literal. */
function isMethodLike(node: ts.Node): node is ts.MethodDeclaration | ts.AccessorDeclaration {
  return (
    ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)
  );
}

/** The symbol kind of a method-like declaration. */
function methodLikeKind(node: ts.MethodDeclaration | ts.AccessorDeclaration): SymbolKind {
  return ts.isGetAccessorDeclaration(node)
    ? 'getter'
    : ts.isSetAccessorDeclaration(node)
      ? 'setter'
      : 'method';
}
