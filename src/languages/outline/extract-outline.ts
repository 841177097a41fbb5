/**
 * The shared outline engine: one file's symbols and call candidates from a grammar's tags query. Definitions become
 * symbols (kind from the tag, range from the definition node, qualified name from the definitions and naming
 * containers around them, the parameter list as signature); calls the query names become call sites bound to
 * nothing (`global`), which the repo-wide resolver matches by name (ResolutionRules.callsByName). Pure: the parser and
 * query were loaded in the plug-in's init().
 */
import type * as TreeSitter from 'web-tree-sitter';
import type { CallSiteFact, Diagnostic, FileFacts, SymbolFact, SymbolKind } from '../../core/facts.js';
import { MODULE_QUALIFIED_NAME } from '../../core/facts.js';
import { makeLocalId } from '../../core/ids.js';
import { endLine, syntaxErrorDiagnostics } from '../tree-sitter/syntax.js';
import { TAG_KINDS, type OutlineLanguage, type SyntaxNode } from './outline-language.js';

const MAX_CALL_TEXT = 200;
const MAX_SIGNATURE = 200;
/** Larger texts are not outlined (the indexer's own limit is lower by default; this guards a raised one). */
export const MAX_OUTLINE_CHARS = 4_000_000;
/** A text at least this long whose average line is longer than MAX_AVG_LINE is generated or minified. */
const MINIFIED_MIN_CHARS = 100_000;
const MAX_AVG_LINE = 500;

const CONTAINER_KINDS: ReadonlySet<SymbolKind> = new Set(['class', 'interface', 'enum', 'type']);
const CALLABLE_KINDS: ReadonlySet<SymbolKind> = new Set(['function', 'method', 'constructor']);
const PARAMETER_LIST = /(^|_)(parameters|parameter_list|formal_parameters|value_parameters)$/;
const BODY = /body|block|declaration_list|compound_statement|class_body/;

export interface LoadedOutline {
  parser: TreeSitter.Parser;
  query: TreeSitter.Query;
}

interface Definition {
  node: SyntaxNode;
  nameNode: SyntaxNode;
  tagKind: string;
  scope: string | null;
}

/** A table's own entry (node types such as `constructor` must not reach Object.prototype). */
function own<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table && Object.hasOwn(table, key) ? table[key] : undefined;
}

function lastLineOf(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) : flat;
}

function moduleSymbol(text: string): SymbolFact {
  return {
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
  };
}

/** The facts of a file that was not outlined: its module symbol and why. */
export function skippedOutline(lang: OutlineLanguage, path: string, text: string, reason: string): FileFacts {
  return {
    path,
    language: lang.id,
    symbols: [moduleSymbol(text)],
    imports: [],
    exports: [],
    callSites: [],
    isTestFile: lang.isTestPath?.(path) ?? false,
    testFramework: null,
    diagnostics: [{ line: 1, severity: 'info', message: `not outlined: ${reason}` }],
    skipped: reason,
  };
}

/** Why a text is not outlined (binary-looking, too large, minified), or null. */
export function outlineSkipReason(text: string): string | null {
  if (text.includes('\u0000')) return 'binary-looking content';
  if (text.length > MAX_OUTLINE_CHARS) return 'too large to outline';
  if (text.length >= MINIFIED_MIN_CHARS && text.length / lastLineOf(text) > MAX_AVG_LINE)
    return 'generated or minified';
  return null;
}

/** A container's name as a qualifier: type parameters and references dropped (`&NestLimiter<'p, P>` → `NestLimiter`). */
function containerName(text: string): string {
  const bare = text.replace(/^&\s*(mut\s+)?/, '');
  const angle = bare.indexOf('<');
  return oneLine(angle > 0 ? bare.slice(0, angle) : bare, 100);
}

/** The parameter list of a definition (searched in its header, not its body), on one line, or ''. */
function signatureOf(node: SyntaxNode): string {
  let level: SyntaxNode[] = [node];
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const next: SyntaxNode[] = [];
    for (const n of level) {
      for (const child of n.namedChildren) {
        if (!child) continue;
        if (PARAMETER_LIST.test(child.type)) return oneLine(child.text, MAX_SIGNATURE);
        if (!BODY.test(child.type)) next.push(child);
      }
    }
    level = next;
  }
  return '';
}

/** 1-based last line of a node: a node that ends at the start of a line ends on the line before. */
function endLineOf(node: SyntaxNode, lastLine: number): number {
  return Math.min(Math.max(endLine(node), node.startPosition.row + 1), lastLine);
}

/** Syntax errors: a diagnostic per error node (the first few), by line; the outline around one may be partial. */
function syntaxDiagnostics(root: SyntaxNode): Diagnostic[] {
  return syntaxErrorDiagnostics(root, '; the outline around it may be partial').sort(
    (a, b) => a.line - b.line,
  );
}

/** Names bound inside a definition as parameters or assignment targets (the tags' `#is-not? local`, approximated). */
function boundNames(def: SyntaxNode | null, root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  const stack: SyntaxNode[] = [def ?? root];
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (PARAMETER_LIST.test(node.type) || node.type.endsWith('parameters')) {
      for (const id of node.descendantsOfType('identifier')) if (id) names.add(id.text);
      continue;
    }
    if (node.type.includes('assignment')) {
      const left = node.childForFieldName('left');
      if (left?.type === 'identifier') names.add(left.text);
    }
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
  return names;
}

/** Extracts one file's outline. Never throws for bad input: partial facts plus diagnostics. */
export function extractOutline(
  lang: OutlineLanguage,
  loaded: LoadedOutline,
  path: string,
  text: string,
): FileFacts {
  const skip = outlineSkipReason(text);
  if (skip) return skippedOutline(lang, path, text, skip);
  const tree = loaded.parser.parse(text);
  if (!tree) return skippedOutline(lang, path, text, 'the parser returned no tree');
  try {
    return outlineOf(lang, loaded.query, tree.rootNode, path, text);
  } finally {
    tree.delete();
  }
}

function outlineOf(
  lang: OutlineLanguage,
  query: TreeSitter.Query,
  root: SyntaxNode,
  path: string,
  text: string,
): FileFacts {
  const lastLine = lastLineOf(text);
  const module = moduleSymbol(text);
  const definitions = new Map<number, Definition>();
  const nameNodes = new Set<number>();
  const references: Array<{ call: SyntaxNode; name: SyntaxNode; local: boolean }> = [];

  for (const match of query.matches(root)) {
    let tagged: { name: string; node: SyntaxNode } | undefined;
    let nameNode: SyntaxNode | undefined;
    let scope: string | null = null;
    for (const capture of match.captures) {
      if (capture.name === 'name') nameNode = capture.node;
      else if (capture.name === 'local.scope') scope = capture.node.text;
      else if (capture.name.startsWith('definition.') || capture.name.startsWith('reference.'))
        tagged = { name: capture.name, node: capture.node };
    }
    if (!tagged || !nameNode) continue;
    if (tagged.name.startsWith('definition.')) {
      const node = lang.definitionNode ? lang.definitionNode(tagged.node, path) : tagged.node;
      if (!node || definitions.has(node.id)) continue;
      definitions.set(node.id, { node, nameNode, tagKind: tagged.name.slice('definition.'.length), scope });
      nameNodes.add(nameNode.id);
    } else if (tagged.name === 'reference.call' || tagged.name === 'reference.send') {
      if (lang.isCall && !lang.isCall(nameNode)) continue;
      references.push({
        call: tagged.node,
        name: nameNode,
        local: match.refutedProperties?.['local'] !== undefined,
      });
    }
  }

  // Parents come before what they contain: sorted by start, then by end descending.
  const ordered = [...definitions.values()].sort(
    (a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex,
  );
  const symbols: SymbolFact[] = [module];
  const symbolOf = new Map<number, SymbolFact>();
  const ordinals = new Map<string, number>();
  for (const def of ordered) {
    // Walk up to the nearest enclosing definition, collecting the names of naming containers on the way.
    const prefix: string[] = [];
    let parent: SymbolFact | null = null;
    // Whether the nearest container is a type (its functions are methods); null while none was met.
    let inType: boolean | null = def.scope ? true : null;
    for (let up = def.node.parent; up; up = up.parent) {
      const outer = symbolOf.get(up.id);
      if (outer) {
        parent = outer;
        inType ??= CONTAINER_KINDS.has(outer.kind);
        break;
      }
      const container = own(lang.namingContainers, up.type);
      const named = container ? up.childForFieldName(container.field) : null;
      if (container && named) {
        prefix.unshift(containerName(named.text));
        inType ??= container.holds === 'methods';
      }
    }
    if (def.scope) prefix.push(def.scope);
    const name = oneLine(def.nameNode.text, 200);
    let kind: SymbolKind = own(lang.kindByNode, def.node.type) ?? own(TAG_KINDS, def.tagKind) ?? 'variable';
    if (kind === 'function' || kind === 'method') kind = inType ? 'method' : 'function';
    const qualifiedName = [...(parent ? [parent.qualifiedName] : []), ...prefix, name].join('.');
    const key = `${qualifiedName}:${kind}`;
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    const sym: SymbolFact = {
      localId: makeLocalId(qualifiedName, kind, ordinal),
      name,
      qualifiedName,
      kind,
      startLine: def.node.startPosition.row + 1,
      endLine: endLineOf(def.node, lastLine),
      signature: CALLABLE_KINDS.has(kind) ? signatureOf(def.node) : '',
      returnType: null,
      exported: parent === null,
      doc: null,
      parent: parent ? parent.localId : null,
    };
    symbols.push(sym);
    symbolOf.set(def.node.id, sym);
  }

  const callSites: CallSiteFact[] = [];
  const seenNames = new Set<number>();
  const boundIn = new Map<number, Set<string>>();
  for (const ref of references) {
    if (seenNames.has(ref.name.id) || nameNodes.has(ref.name.id)) continue;
    seenNames.add(ref.name.id);
    let caller: SymbolFact | undefined;
    let callerNode: SyntaxNode | null = null;
    for (let up = ref.call.parent ?? null; up; up = up.parent) {
      caller = symbolOf.get(up.id);
      if (caller) {
        callerNode = up;
        break;
      }
    }
    const name = ref.name.text;
    if (ref.local) {
      const key = callerNode?.id ?? -1;
      let bound = boundIn.get(key);
      if (!bound) boundIn.set(key, (bound = boundNames(callerNode, root)));
      if (bound.has(name)) continue;
    }
    const start = ref.call.startIndex;
    const end = Math.max(ref.name.endIndex, start);
    callSites.push({
      caller: (caller ?? module).localId,
      line: ref.call.startPosition.row + 1,
      kind: 'call',
      text: oneLine(text.slice(start, end), MAX_CALL_TEXT),
      target: { kind: 'identifier', name, binding: { kind: 'global', name } },
    });
  }
  callSites.sort((a, b) => a.line - b.line);

  return {
    path,
    language: lang.id,
    symbols,
    imports: [],
    exports: [],
    callSites,
    isTestFile: lang.isTestPath?.(path) ?? false,
    testFramework: null,
    diagnostics: syntaxDiagnostics(root),
  };
}
