/**
 * A small QueryService with fixed answers, for testing the MCP protocol layer without an index.
 * File contents are real strings and their sha256 is really computed, so evidence can be re-checked.
 * It is not a model of the real service's ranking or resolution: only of its contract (DTOs, errors).
 */
import { createHash } from 'node:crypto';
import { CodehubError } from '../../src/core/errors.js';
import type { SymbolKind } from '../../src/core/facts.js';
import type {
  EdgeDTO,
  FileDTO,
  FileView,
  ImpactResult,
  PathResult,
  QueryService,
  RepoOverview,
  RepoSummary,
  SearchHit,
  ShowResult,
  SourceExcerpt,
  SourceWindow,
  SymbolDTO,
  TestDTO,
  TraversalEdge,
  TraversalOptions,
  TraversalResult,
} from '../../src/service/query-types.js';

export const REPO = 'github.com/acme/shop';
export const LOCAL_REPO = 'local/scratch';
export const COMMIT = createHash('sha1').update('shop-commit').digest('hex');
const LOCAL_COMMIT = createHash('sha1').update('scratch-commit').digest('hex');

const bigBody = Array.from({ length: 148 }, (_, i) => `  total += ${i};`);
export const FILES: Record<string, string> = {
  'src/cart.ts': [
    "import { save } from './store';",
    'export class Cart {',
    '  items: string[] = [];',
    '  add(item: string): void {',
    '    this.items.push(item);',
    '    save(this.items);',
    '  }',
    '  save(): void {}',
    '}',
    'export class Wishlist {',
    '  add(item: string): void {}',
    '}',
  ].join('\n'),
  'src/store.ts': ['export function save(items: string[]): void {', '  console.log(items);', '}'].join('\n'),
  'src/checkout.ts': [
    "import { Cart } from './cart';",
    'export function checkout(): Cart {',
    '  const cart = new Cart();',
    "  cart.add('x');",
    '  return cart;',
    '}',
  ].join('\n'),
  'src/big.ts': [
    'export function big(): number {',
    '  let total = 0;',
    ...bigBody,
    '  return total;',
    '}',
  ].join('\n'),
  'test/cart.test.ts': [
    "import { checkout } from '../src/checkout';",
    "describe('Cart', () => {",
    "  it('adds', () => {",
    '    checkout();',
    '  });',
    '});',
  ].join('\n'),
  'src/huge.ts': Array.from({ length: 1000 }, (_, i) => `export const v${i + 1} = ${i + 1};`).join('\n'),
  'dist/min.js': Array.from({ length: 3 }, (_, i) => `var m${i}=${'1'.repeat(150_000)};`).join('\n'),
  // Stored, but its bytes no longer match the recorded hash.
  'src/tampered.ts': 'export const x = 1;',
};

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sym(
  path: string,
  qualifiedName: string,
  kind: SymbolKind,
  startLine: number,
  endLine: number,
  signature = '()',
): SymbolDTO {
  const name = qualifiedName.split(/[.>]/).pop()!.trim();
  return {
    id: `${path}::${qualifiedName}:${kind}`,
    name,
    qualifiedName,
    kind,
    path,
    startLine,
    endLine,
    signature,
    returnType: kind === 'class' ? null : 'void',
    permalink: `https://github.com/acme/shop/blob/${COMMIT}/${path}#L${startLine}-L${endLine}`,
    blobSha256: sha256(FILES[path]!),
    verified: true,
    exported: true,
    doc: null,
  };
}

export const SYMBOLS = {
  cart: sym('src/cart.ts', 'Cart', 'class', 2, 9, ''),
  add: sym('src/cart.ts', 'Cart.add', 'method', 4, 7, '(item: string)'),
  cartSave: sym('src/cart.ts', 'Cart.save', 'method', 8, 8),
  wishlistAdd: sym('src/cart.ts', 'Wishlist.add', 'method', 11, 11, '(item: string)'),
  save: sym('src/store.ts', 'save', 'function', 1, 3, '(items: string[])'),
  checkout: sym('src/checkout.ts', 'checkout', 'function', 2, 6),
  big: sym('src/big.ts', 'big', 'function', 1, 152),
  test: sym('test/cart.test.ts', 'Cart > adds', 'test', 3, 5, ''),
};
const ALL = Object.values(SYMBOLS);

interface FixedEdge {
  from: SymbolDTO;
  to: SymbolDTO;
  reason: string;
  confidence: number;
  callLines: number[];
}
const EDGES: FixedEdge[] = [
  { from: SYMBOLS.add, to: SYMBOLS.save, reason: 'import', confidence: 0.9, callLines: [6] },
  { from: SYMBOLS.checkout, to: SYMBOLS.add, reason: 'receiver-typed', confidence: 0.8, callLines: [4] },
  { from: SYMBOLS.checkout, to: SYMBOLS.cart, reason: 'import', confidence: 0.9, callLines: [3] },
  { from: SYMBOLS.test, to: SYMBOLS.checkout, reason: 'import', confidence: 0.9, callLines: [4] },
];
/** Unresolved call sites named like a symbol: they make callers of that name a lower bound. */
const UNRESOLVED_BY_NAME: Record<string, number> = { save: 2 };

const TEST_COMMAND = "node --test --test-name-pattern='^Cart adds$' test/cart.test.ts";

export interface FixedServiceOptions {
  /** Extra repos listed by listRepos, to test list truncation. */
  extraRepos?: number;
}

/** Counts the service calls, so tests can show that refused input never reached it. */
export class FixedQueryService implements QueryService {
  calls = 0;

  constructor(private readonly options: FixedServiceOptions = {}) {}

  private snap(repo: string): { id: string; commit: string; ref: string | null } {
    this.calls++;
    if (repo === REPO) return { id: REPO, commit: COMMIT, ref: 'main' };
    if (repo === LOCAL_REPO) return { id: LOCAL_REPO, commit: LOCAL_COMMIT, ref: null };
    const known = [REPO, LOCAL_REPO].filter((r) => r.split('/').pop()![0] === repo.split('/').pop()?.[0]);
    throw new CodehubError(
      'RepoNotFound',
      `repo ${repo} is not indexed`,
      known.length ? known : [REPO, LOCAL_REPO],
    );
  }

  async listRepos(): Promise<RepoSummary[]> {
    this.calls++;
    const base: RepoSummary = {
      id: REPO,
      commit: COMMIT,
      ref: 'main',
      indexedAt: '2026-01-01T00:00:00.000Z',
      files: Object.keys(FILES).length,
      symbols: ALL.length,
      edges: EDGES.length,
      languages: { typescript: Object.keys(FILES).length },
      webUrl: 'https://github.com/acme/shop',
    };
    const local: RepoSummary = {
      ...base,
      id: LOCAL_REPO,
      commit: LOCAL_COMMIT,
      ref: null,
      files: 0,
      symbols: 0,
      edges: 0,
      languages: {},
      webUrl: null,
    };
    const extra = Array.from({ length: this.options.extraRepos ?? 0 }, (_, i) => ({
      ...local,
      id: `example.org/extra/r${i}`,
    }));
    return [base, local, ...extra];
  }

  async getRepo(repo: string): Promise<RepoOverview> {
    this.snap(repo);
    throw new CodehubError('InvalidInput', 'getRepo is not used by the MCP tools');
  }

  async listFiles(repo: string, prefix = ''): Promise<FileDTO[]> {
    this.snap(repo);
    if (repo !== REPO) return [];
    return Object.entries(FILES)
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, text]) => ({
        path,
        blobSha256: sha256(text),
        gitOid: createHash('sha1').update(text).digest('hex'),
        language: 'typescript',
        size: text.length,
        lines: text.split('\n').length,
        skipReason: null,
      }));
  }

  async getFile(repo: string, path: string): Promise<FileView> {
    this.snap(repo);
    throw new CodehubError('InvalidInput', `getFile(${path}) is not used by the MCP tools`);
  }

  async getSource(
    repo: string,
    path: string,
    startLine = 1,
    endLine?: number,
    window: SourceWindow = {},
  ): Promise<SourceExcerpt & { path: string }> {
    this.snap(repo);
    const text = repo === REPO ? FILES[path] : undefined;
    if (text === undefined) {
      const closest = Object.keys(FILES).filter((p) => p.split('/').pop() === path.split('/').pop());
      throw new CodehubError('PathNotFound', `no file ${path} in ${repo}`, closest);
    }
    const all = text.split('\n');
    const asked = all.slice(startLine - 1, endLine === undefined ? undefined : endLine);
    const startColumn = window.startColumn ?? 1;
    if (asked.length > 0 && startColumn > Math.max(1, asked[0]!.length))
      throw new CodehubError(
        'InvalidInput',
        `startColumn ${startColumn} is past the end of line ${startLine}`,
      );
    // The real service's character budget: the line where it runs out is cut and ends the excerpt.
    const lines: string[] = [];
    let cut: SourceExcerpt['cut'] = null;
    let left = window.maxChars ?? Infinity;
    for (const [i, line] of asked.entries()) {
      if (i > 0 && left <= 0) break;
      const from = i === 0 ? startColumn - 1 : 0;
      const piece = line.slice(from, from + left);
      lines.push(piece);
      left -= piece.length;
      if (from + piece.length < line.length) {
        cut = { line: startLine + i, columns: line.length };
        break;
      }
    }
    const tampered = path === 'src/tampered.ts';
    return {
      path,
      blobSha256: tampered ? sha256('what was indexed') : sha256(text),
      verified: !tampered,
      startLine,
      startColumn,
      lines,
      truncated: lines.length < asked.length || cut !== null,
      cut,
    };
  }

  async resolveSymbol(repo: string, symbol: string): Promise<SymbolDTO> {
    this.snap(repo);
    if (repo !== REPO) throw new CodehubError('SymbolNotFound', `no symbol ${symbol} in ${repo}`, []);
    const pathLine = /^(.+):(\d+)$/.exec(symbol);
    const found = ALL.filter(
      (s) =>
        s.id === symbol ||
        s.qualifiedName === symbol ||
        s.name === symbol ||
        (pathLine &&
          s.path === pathLine[1] &&
          s.startLine <= Number(pathLine[2]) &&
          Number(pathLine[2]) <= s.endLine),
    );
    const exact = found.filter((s) => s.id === symbol || s.qualifiedName === symbol);
    if (exact.length === 1) return exact[0]!;
    if (found.length === 1) return found[0]!;
    if (found.length > 1)
      throw new CodehubError('SymbolAmbiguous', `${found.length} symbols match ${symbol}`, found);
    const needle = symbol.toLowerCase().slice(0, 3);
    const closest = ALL.filter((s) => s.name.toLowerCase().startsWith(needle)).map((s) => s.qualifiedName);
    throw new CodehubError('SymbolNotFound', `no symbol ${symbol} in ${repo}`, closest);
  }

  async show(repo: string, symbol: string, options: { maxChars?: number } = {}): Promise<ShowResult> {
    const s = await this.resolveSymbol(repo, symbol);
    const callers = await this.callers(repo, s.id);
    const callees = await this.callees(repo, s.id);
    const tests = await this.tests(repo, s.id);
    return {
      repo: this.snap(repo),
      symbol: s,
      callers: callers.edges,
      callees: callees.edges,
      unresolved: [],
      callersComplete: callers.complete,
      unresolvedThatMayCall: callers.unresolvedCount,
      tests: tests.tests,
      testsComplete: 'exact',
      source: {
        ...(await this.getSource(repo, s.path, s.startLine, s.endLine, {
          maxChars: options.maxChars ?? Infinity,
        })),
        error: null,
      },
    };
  }

  private traverse(
    repo: string,
    start: SymbolDTO,
    direction: 'callers' | 'callees',
    options: TraversalOptions = {},
  ): TraversalResult {
    const depth = options.depth ?? 1;
    const limit = options.limit ?? 100;
    const minConfidence = options.minConfidence ?? 0;
    const edges: TraversalEdge[] = [];
    const seen = new Set([start.id]);
    let frontier = [{ s: start, conf: 1 }];
    let belowMinConfidence = 0;
    for (let d = 1; d <= depth; d++) {
      const next: typeof frontier = [];
      for (const { s, conf } of frontier) {
        for (const e of EDGES) {
          const near = direction === 'callers' ? e.to : e.from;
          const far = direction === 'callers' ? e.from : e.to;
          if (near.id !== s.id || seen.has(far.id)) continue;
          if (e.confidence < minConfidence) {
            belowMinConfidence++;
            continue;
          }
          seen.add(far.id);
          edges.push({ ...edgeDto(far, e), depth: d, fromId: s.id, pathConfidence: conf * e.confidence });
          next.push({ s: far, conf: conf * e.confidence });
        }
      }
      frontier = next;
    }
    const unresolvedCount = direction === 'callers' ? (UNRESOLVED_BY_NAME[start.name] ?? 0) : 0;
    return {
      repo: this.snap(repo),
      symbol: start,
      edges: edges.slice(0, limit),
      complete: unresolvedCount > 0 ? 'lower_bound' : 'exact',
      unresolvedCount,
      truncated: edges.length > limit,
      belowMinConfidence,
    };
  }

  async callers(repo: string, symbol: string, options?: TraversalOptions): Promise<TraversalResult> {
    return this.traverse(repo, await this.resolveSymbol(repo, symbol), 'callers', options);
  }

  async callees(repo: string, symbol: string, options?: TraversalOptions): Promise<TraversalResult> {
    return this.traverse(repo, await this.resolveSymbol(repo, symbol), 'callees', options);
  }

  async tests(
    repo: string,
    symbol: string,
  ): Promise<{ tests: TestDTO[]; complete: 'exact' | 'lower_bound' }> {
    const s = await this.resolveSymbol(repo, symbol);
    const up = this.traverse(repo, s, 'callers', { depth: 5 });
    const tests = up.edges
      .filter((e) => e.kind === 'test')
      .map((e) => ({
        id: e.id,
        name: e.qualifiedName,
        path: e.path,
        startLine: SYMBOLS.test.startLine,
        endLine: SYMBOLS.test.endLine,
        depth: e.depth,
        confidence: e.pathConfidence,
        command: TEST_COMMAND,
      }));
    return { tests, complete: 'exact' };
  }

  async impact(repo: string, symbol: string, depth = 3): Promise<ImpactResult> {
    const s = await this.resolveSymbol(repo, symbol);
    const up = this.traverse(repo, s, 'callers', { depth });
    const byPath = new Map<string, Array<SymbolDTO & { depth: number; pathConfidence: number }>>();
    for (const e of up.edges) {
      const callerSym = ALL.find((x) => x.id === e.id)!;
      const list = byPath.get(e.path) ?? [];
      list.push({ ...callerSym, depth: e.depth, pathConfidence: e.pathConfidence });
      byPath.set(e.path, list);
    }
    return {
      repo: this.snap(repo),
      symbol: s,
      byFile: [...byPath].map(([path, symbols]) => ({ path, symbols })),
      tests: (await this.tests(repo, s.id)).tests,
      complete: up.complete,
      truncated: false,
    };
  }

  async findPath(repo: string, from: string, to: string, maxDepth = 5): Promise<PathResult> {
    const a = await this.resolveSymbol(repo, from);
    const b = await this.resolveSymbol(repo, to);
    const paths: PathResult['paths'] = [];
    const walk = (at: SymbolDTO, symbols: SymbolDTO[], edges: EdgeDTO[], conf: number): void => {
      if (at.id === b.id) {
        paths.push({ symbols, edges, confidence: conf });
        return;
      }
      if (edges.length >= maxDepth) return;
      for (const e of EDGES.filter((x) => x.from.id === at.id)) {
        walk(e.to, [...symbols, e.to], [...edges, edgeDto(e.to, e)], conf * e.confidence);
      }
    };
    walk(a, [a], [], 1);
    paths.sort((x, y) => y.confidence - x.confidence);
    return { repo: this.snap(repo), from: a, to: b, paths };
  }

  async search(query: { q: string; repo?: string; kind?: string; limit?: number }): Promise<SearchHit[]> {
    this.calls++;
    const q = query.q.toLowerCase();
    const hits = ALL.filter(
      (s) => s.name.toLowerCase().includes(q) && (!query.kind || s.kind === query.kind),
    ).map((s) => ({
      ...s,
      repo: REPO,
      callers: EDGES.filter((e) => e.to.id === s.id).length,
      isTest: s.kind === 'test',
      match: s.name.toLowerCase() === q ? 'exact' : 'substring',
    }));
    return hits.slice(0, query.limit ?? 20);
  }
}

function edgeDto(other: SymbolDTO, e: FixedEdge): EdgeDTO {
  return {
    id: other.id,
    name: other.name,
    qualifiedName: other.qualifiedName,
    kind: other.kind,
    path: other.path,
    line: other.startLine,
    confidence: e.confidence,
    reason: e.reason,
    callLines: e.callLines,
  };
}
