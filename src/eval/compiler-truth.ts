/**
 * Ground truth for the call graph, from the TypeScript type checker.
 *
 * Every `f(...)` and `new X(...)` in the repo's source files is resolved with the checker, through
 * import aliases, to its declaration. Call sites whose callee is declared in a repo source file make
 * the truth; the others are kept apart as `outside` (resolved to lib / node_modules / .d.ts) or
 * `unresolved` (the checker found no declaration: a missing module, `any`, a callback parameter),
 * so the comparison can tell "codehub is wrong" from "nobody knows".
 *
 * Memory is bounded by `maxFiles` and `maxFileBytes` (files beyond them are not walked and not
 * roots of the program; files they import are still loaded for types). The program is local to
 * one call and only plain data is returned, so it is released when the call ends.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts = require('typescript');
import { compareStrings, sortTruth, type CallCategory, type TruthEdge, type TruthSite } from './truth.js';

export type { CallCategory, TruthEdge, TruthSite } from './truth.js';

export interface CompilerTruth {
  /** In-repo edges, sorted by path, line, callee path, callee start line. */
  edges: TruthEdge[];
  /** Call sites resolved to a declaration outside the repo's sources (lib, node_modules, any .d.ts). */
  outside: TruthSite[];
  /** Call sites the checker could not resolve to any declaration. */
  unresolved: TruthSite[];
  /** Repo-relative paths whose call sites were walked: the scope of the truth. */
  files: string[];
  stats: {
    /** Where the compiler options came from. */
    config: 'tsconfig' | 'defaults';
    configError: string | null;
    filesWalked: number;
    filesSkippedTooLarge: number;
    filesSkippedOverMax: number;
    callSites: number;
    millis: number;
  };
}

export interface CompilerTruthOptions {
  repoDir: string;
  /** Path of the tsconfig, relative to repoDir or absolute; default `tsconfig.json` when it exists. */
  tsconfig?: string;
  /** Walk at most this many source files (in path order). Default: no limit. */
  maxFiles?: number;
  /** Skip source files larger than this (generated bundles). Default 1 MB. */
  maxFileBytes?: number;
  /** Only walk files whose repo-relative path starts with one of these prefixes. */
  include?: string[];
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION_FILE = /\.d\.(ts|mts|cts)$|\.d\.[^/]*\.ts$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage']);
const DEFAULT_MAX_FILE_BYTES = 1_000_000;

/** Builds the compiler's call-graph truth for a repository checked out at repoDir. */
export function buildCompilerTruth(options: CompilerTruthOptions): CompilerTruth {
  const started = performance.now();
  const repoDir = resolve(options.repoDir);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { config, configError, rootNames, compilerOptions } = loadConfig(repoDir, options.tsconfig);

  const rel = (fileName: string): string => relative(repoDir, fileName).split(sep).join('/');
  const isRepoSource = (fileName: string): boolean => {
    const r = rel(fileName);
    return (
      !r.startsWith('..') &&
      !r.split('/').includes('node_modules') &&
      !DECLARATION_FILE.test(r) &&
      SOURCE_EXT.test(r)
    );
  };
  const included = (r: string): boolean =>
    !options.include || options.include.some((prefix) => r.startsWith(prefix));

  let skippedTooLarge = 0;
  const candidates = rootNames
    .filter((f) => isRepoSource(f) && included(rel(f)))
    .filter((f) => {
      const ok = fileSize(f) <= maxFileBytes;
      if (!ok) skippedTooLarge++;
      return ok;
    })
    .sort((a, b) => compareStrings(rel(a), rel(b)));
  const walked = options.maxFiles !== undefined ? candidates.slice(0, options.maxFiles) : candidates;
  const skippedOverMax = candidates.length - walked.length;

  const program = ts.createProgram({
    rootNames: walked,
    options: compilerOptions,
    host: repoOnlyHost(repoDir, compilerOptions),
  });
  const checker = program.getTypeChecker();
  const walkSet = new Set(walked.map((f) => resolve(f)));

  const edges: TruthEdge[] = [];
  const outside: TruthSite[] = [];
  const unresolved: TruthSite[] = [];
  const files: string[] = [];
  let callSites = 0;

  for (const sourceFile of program.getSourceFiles()) {
    if (!walkSet.has(resolve(sourceFile.fileName))) continue;
    const path = rel(sourceFile.fileName);
    files.push(path);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        if (
          node.expression.kind !== ts.SyntaxKind.SuperKeyword &&
          node.expression.kind !== ts.SyntaxKind.ImportKeyword
        ) {
          callSites++;
          const kind = ts.isNewExpression(node) ? 'new' : 'call';
          const line = lineOf(sourceFile, node.getStart(sourceFile));
          const category = categorize(checker, node.expression);
          const target = resolveCallee(checker, node);
          if (target === null) {
            unresolved.push({ path, line, kind, category, calleeText: calleeText(node, sourceFile) });
          } else if (!isRepoSource(target.getSourceFile().fileName)) {
            outside.push({ path, line, kind, category, calleeText: declarationName(target) });
          } else {
            const { start, end } = declarationLines(target);
            edges.push({
              path,
              line,
              kind,
              calleePath: rel(target.getSourceFile().fileName),
              calleeStartLine: start,
              calleeEndLine: end,
              calleeName: declarationName(target),
              category,
            });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }

  sortTruth(files, edges, outside, unresolved);
  return {
    edges,
    outside,
    unresolved,
    files,
    stats: {
      config,
      configError,
      filesWalked: files.length,
      filesSkippedTooLarge: skippedTooLarge,
      filesSkippedOverMax: skippedOverMax,
      callSites,
      millis: Math.round(performance.now() - started),
    },
  };
}

interface LoadedConfig {
  config: 'tsconfig' | 'defaults';
  configError: string | null;
  rootNames: string[];
  compilerOptions: ts.CompilerOptions;
}

/** The repo's tsconfig when it parses and lists files; otherwise every source file with permissive defaults. */
function loadConfig(repoDir: string, tsconfig: string | undefined): LoadedConfig {
  const configPath = tsconfig !== undefined ? resolve(repoDir, tsconfig) : join(repoDir, 'tsconfig.json');
  let configError: string | null = null;
  if (existsSync(configPath)) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) {
      configError = flatten(read.error);
    } else {
      const parsed = ts.parseJsonConfigFileContent(
        read.config,
        ts.sys,
        join(configPath, '..'),
        undefined,
        configPath,
      );
      const fatal = parsed.errors.filter(
        (d) => d.code !== 18003 && d.category === ts.DiagnosticCategory.Error,
      );
      if (parsed.fileNames.length > 0) {
        return {
          config: 'tsconfig',
          configError: fatal.length > 0 ? fatal.map(flatten).join('; ') : null,
          rootNames: parsed.fileNames,
          compilerOptions: truthOptions(parsed.options),
        };
      }
      configError = fatal.length > 0 ? fatal.map(flatten).join('; ') : 'tsconfig lists no files';
    }
  } else if (tsconfig !== undefined) {
    configError = `tsconfig not found: ${tsconfig}`;
  }
  return {
    config: 'defaults',
    configError,
    rootNames: listSourceFiles(repoDir),
    compilerOptions: truthOptions({
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowJs: true,
      checkJs: false,
      jsx: ts.JsxEmit.Preserve,
      esModuleInterop: true,
      allowImportingTsExtensions: true,
      resolveJsonModule: false,
      types: [],
    }),
  };
}

/** Options forced for the truth: no output, no lib checking, nothing written (incremental/composite off). */
function truthOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  return {
    ...options,
    noEmit: true,
    skipLibCheck: true,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
    declaration: false,
    sourceMap: false,
  };
}

function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) out.push(...listSourceFiles(full));
    else if (SOURCE_EXT.test(name) && !DECLARATION_FILE.test(name)) out.push(full);
  }
  return out;
}

/**
 * The callee's declaration, or null when the checker has none that names a definition.
 * `new X()` goes to X's own constructor, else to the class. Overloads go to the implementation.
 * Signatures declared by type nodes (`cb: () => void`) or as an interface's call/construct signature
 * (`interface F { (x: number): void; new (): T }`) are types, not definitions: the callee symbol decides.
 */
function resolveCallee(
  checker: ts.TypeChecker,
  node: ts.CallExpression | ts.NewExpression,
): ts.Declaration | null {
  const symbol = calleeSymbol(checker, node.expression);
  if (ts.isNewExpression(node) && symbol) {
    const cls = symbol.declarations?.find(
      (d): d is ts.ClassLikeDeclaration => ts.isClassDeclaration(d) || ts.isClassExpression(d),
    );
    if (cls) {
      const ctors = cls.members.filter(ts.isConstructorDeclaration);
      return ctors.find((c) => c.body !== undefined) ?? ctors[0] ?? cls;
    }
  }
  let declaration: ts.Declaration | undefined;
  try {
    declaration = checker.getResolvedSignature(node)?.declaration as ts.Declaration | undefined;
  } catch {
    declaration = undefined;
  }
  if (declaration && !ts.isJSDocSignature(declaration) && !isTypeNodeSignature(declaration)) {
    return definitionOf(declaration);
  }
  // The signature comes from a type (`cb: () => void`, `x as Fn`) or was not found: the callee is the
  // value's own declaration when that is a definition an indexer lists, else nobody knows.
  if (!symbol) return null;
  const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (!decl) return null;
  if (ts.isVariableDeclaration(decl)) {
    if (!decl.initializer) return null;
    return isFunctionValue(decl.initializer) || isModuleLevel(decl) ? decl : null;
  }
  if (ts.isPropertyDeclaration(decl)) return decl.initializer ? decl : null;
  if (ts.isPropertyAssignment(decl)) return isFunctionValue(decl.initializer) ? decl : null;
  if (ts.isFunctionLike(decl) || ts.isClassLike(decl)) return definitionOf(decl);
  return null;
}

/**
 * A compiler host that sees only the repository and TypeScript's own lib files: a checkout that sits
 * inside another project must not pick up that project's `node_modules` (a package resolved there
 * would turn the repo's self-imports into calls outside the repo).
 */
function repoOnlyHost(repoDir: string, options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const libDir = dirname(resolve(ts.getDefaultLibFilePath(options)));
  const inside = (path: string, dir: string): boolean => {
    const r = resolve(path);
    return r === dir || r.startsWith(dir + sep);
  };
  const visible = (path: string): boolean => inside(path, repoDir) || inside(path, libDir);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const directoryExists = host.directoryExists?.bind(host);
  host.fileExists = (f) => visible(f) && fileExists(f);
  host.readFile = (f) => (visible(f) ? readFile(f) : undefined);
  host.directoryExists = (d) =>
    (visible(d) || inside(repoDir, resolve(d))) && (directoryExists ? directoryExists(d) : true);
  return host;
}

/** A `const`/`let` at file or namespace level (a local variable is not a definition of its own). */
function isModuleLevel(declaration: ts.VariableDeclaration): boolean {
  const statement = declaration.parent.parent;
  return (
    ts.isVariableStatement(statement) &&
    (ts.isSourceFile(statement.parent) || ts.isModuleBlock(statement.parent))
  );
}

function calleeSymbol(checker: ts.TypeChecker, expression: ts.Expression): ts.Symbol | undefined {
  let target: ts.Node = expression;
  while (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target)) target = target.expression;
  if (ts.isPropertyAccessExpression(target)) target = target.name;
  let symbol = checker.getSymbolAtLocation(target);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
    try {
      symbol = checker.getAliasedSymbol(symbol);
    } catch {
      return undefined;
    }
  }
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) return undefined;
  return symbol;
}

function isTypeNodeSignature(declaration: ts.Declaration): boolean {
  return (
    ts.isFunctionTypeNode(declaration) ||
    ts.isConstructorTypeNode(declaration) ||
    ((ts.isCallSignatureDeclaration(declaration) || ts.isConstructSignatureDeclaration(declaration)) &&
      (ts.isTypeLiteralNode(declaration.parent) ||
        // lib's `String(x)` (StringConstructor's call signature) stays a call outside the repo
        (ts.isInterfaceDeclaration(declaration.parent) && !declaration.getSourceFile().isDeclarationFile)))
  );
}

function isFunctionValue(node: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
    node = node.expression;
  }
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node);
}

/**
 * The node whose range names the definition: the implementation for overloads; for a function value
 * (`const f = () => …`, `x = function…`, `{ f: () => … }`) the holder declaration, as an indexer sees it.
 */
function definitionOf(declaration: ts.Declaration): ts.Declaration {
  if (ts.isFunctionLike(declaration) && !('body' in declaration && declaration.body)) {
    const siblings = (declaration as { symbol?: ts.Symbol }).symbol?.declarations ?? [];
    const implementation = siblings.find((d) => ts.isFunctionLike(d) && 'body' in d && d.body !== undefined);
    if (implementation) return implementation;
  }
  if (
    ts.isArrowFunction(declaration) ||
    ts.isFunctionExpression(declaration) ||
    ts.isClassExpression(declaration)
  ) {
    let holder: ts.Node = declaration.parent;
    while (
      ts.isParenthesizedExpression(holder) ||
      ts.isAsExpression(holder) ||
      ts.isSatisfiesExpression(holder)
    ) {
      holder = holder.parent;
    }
    if (
      ts.isVariableDeclaration(holder) ||
      ts.isPropertyDeclaration(holder) ||
      ts.isPropertyAssignment(holder)
    ) {
      return holder;
    }
  }
  return declaration;
}

/** Lines of a definition; a lone `const` declaration takes its statement's range so `export const` counts. */
function declarationLines(declaration: ts.Declaration): { start: number; end: number } {
  const sourceFile = declaration.getSourceFile();
  let node: ts.Node = declaration;
  if (
    ts.isVariableDeclaration(node) &&
    ts.isVariableDeclarationList(node.parent) &&
    node.parent.declarations.length === 1
  ) {
    node = ts.isVariableStatement(node.parent.parent) ? node.parent.parent : node;
  }
  return { start: lineOf(sourceFile, node.getStart(sourceFile)), end: lineOf(sourceFile, node.getEnd()) };
}

function declarationName(declaration: ts.Declaration): string {
  const name = ts.getNameOfDeclaration(declaration);
  if (ts.isConstructorDeclaration(declaration)) {
    const cls = declaration.parent;
    return `${cls.name?.text ?? '<class>'}.constructor`;
  }
  const own = name ? name.getText(declaration.getSourceFile()) : '<anonymous>';
  const parent = declaration.parent;
  if (ts.isClassLike(parent) || ts.isInterfaceDeclaration(parent))
    return `${parent.name?.text ?? '<class>'}.${own}`;
  return own;
}

/** Groups a call site by the shape of its callee expression. */
function categorize(checker: ts.TypeChecker, expression: ts.Expression): CallCategory {
  while (ts.isParenthesizedExpression(expression) || ts.isNonNullExpression(expression))
    expression = expression.expression;
  if (ts.isIdentifier(expression)) {
    const symbol = checker.getSymbolAtLocation(expression);
    if (!symbol) return 'plain identifier';
    if (symbol.flags & ts.SymbolFlags.Alias) return 'imported identifier';
    if (symbol.valueDeclaration && ts.isParameter(symbol.valueDeclaration)) return 'callback parameter';
    return 'plain identifier';
  }
  if (ts.isElementAccessExpression(expression)) return 'element access';
  if (!ts.isPropertyAccessExpression(expression)) return 'other';
  let receiver: ts.Expression = expression.expression;
  while (
    ts.isParenthesizedExpression(receiver) ||
    ts.isNonNullExpression(receiver) ||
    ts.isAwaitExpression(receiver)
  ) {
    receiver = receiver.expression;
  }
  if (receiver.kind === ts.SyntaxKind.ThisKeyword || receiver.kind === ts.SyntaxKind.SuperKeyword)
    return 'this method';
  if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
    return 'this field method';
  }
  if (ts.isCallExpression(receiver) || ts.isNewExpression(receiver))
    return 'method on value returned by a call';
  if (ts.isIdentifier(receiver)) {
    let symbol = checker.getSymbolAtLocation(receiver);
    if (!symbol) return 'other';
    if (symbol.flags & ts.SymbolFlags.Alias) {
      try {
        symbol = checker.getAliasedSymbol(symbol);
      } catch {
        return 'namespace member';
      }
      // An import from a module that did not resolve (missing package): a namespace as written.
      if (!symbol.declarations?.length) return 'namespace member';
    }
    if (symbol.flags & (ts.SymbolFlags.Module | ts.SymbolFlags.Enum)) return 'namespace member';
    if (symbol.flags & ts.SymbolFlags.Class) return 'static method';
    if (symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Property))
      return 'method on typed local/param';
    return 'other';
  }
  return 'other';
}

function calleeText(node: ts.CallExpression | ts.NewExpression, sourceFile: ts.SourceFile): string {
  const text = node.expression.getText(sourceFile);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function lineOf(sourceFile: ts.SourceFile, pos: number): number {
  return sourceFile.getLineAndCharacterOfPosition(pos).line + 1;
}

function fileSize(fileName: string): number {
  return statSync(fileName, { throwIfNoEntry: false })?.size ?? 0;
}

function flatten(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
}
