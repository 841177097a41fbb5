/**
 * The query service over the storage port and the blob store: symbol resolution, the symbol page
 * (show), call-graph traversals, impact, paths, files, repo overviews and search. Web, API, MCP and
 * CLI call this and only render.
 */
import { CodehubError, isCodehubError } from '../core/errors.js';
import { SYMBOL_KINDS, type SymbolKind } from '../core/facts.js';
import { checkRepoId, parseSymbolId } from '../core/ids.js';
import { Lru } from '../core/lru.js';
import { isHumpsQuery, mayHideRepoCall } from '../core/search-keys.js';
import { shellQuote } from '../core/shell.js';
import { pluginById, pluginForPath } from '../languages/registry.js';
import type {
  EdgeWithSymbol,
  RepoRecord,
  SnapshotRecord,
  SnapshotStats,
  GraphReader,
  Storage,
  SymbolRow,
  SymbolSearch,
} from '../db/storage.js';
import type { BlobStore } from '../store/blob-store.js';
import {
  checkRepoPath,
  closest,
  cmp,
  compareEdges,
  lineRange,
  lineStarts,
  lineWindow,
  permalinkFor,
  toEdgeDTO,
  toFileDTO,
  toSymbolDTO,
} from './dto.js';
import { pinnedSnapshot, splitPinnedRepo } from './snapshot-pin.js';
import type {
  CoverageStats,
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
} from './query-types.js';

const MAX_SOURCE_LINES = 2000;
const MAX_DEPTH = 5;
/** Nodes one traversal level may expand before the answer is cut (and marked truncated). */
const MAX_LEVEL_NODES = 5000;
const AMBIGUOUS_LIMIT = 50;
/** Test files named in a lower-bound tested-by answer; the repo page's coverage has them all. */
const MAX_NOT_ANALYSED_LISTED = 20;
/**
 * Bound of the per-snapshot answer cache, in rows (an answer weighs 1 + its edges, tests and unresolved calls):
 * at a few hundred bytes a row, some tens of MB at most.
 */
const ANSWER_CACHE_ROWS = 200_000;
const ROW_CACHE_ENTRIES = 20_000;
/** Line offsets kept across blobs (8 bytes each: about 16 MB). */
const LINE_INDEX_LINES = 2_000_000;
const MAX_CACHED_CONTEXTS = 10_000;

/** The parts of a show() answer that depend only on (snapshot, symbol), never on the blob store. */
type ShowGraph = Readonly<
  Pick<
    ShowResult,
    | 'callers'
    | 'callees'
    | 'unresolved'
    | 'callersComplete'
    | 'unresolvedThatMayCall'
    | 'tests'
    | 'testsComplete'
    | 'testsNotAnalysed'
  >
>;

/** show() answer → the cached graph part it was built from (see showAnswerToken). */
const showTokens = new WeakMap<ShowResult, object>();

/**
 * An object that is the same for two show() answers exactly when both were built from the same cached
 * (snapshot, symbol) entry, or null when the answer was not cached. Renderers may key caches of what they
 * derive from the snapshot's part of an answer on it (the source excerpt is re-read and re-verified per call,
 * so it is not covered: a renderer must still check `source.verified` on every answer).
 */
export function showAnswerToken(show: ShowResult): object | null {
  return showTokens.get(show) ?? null;
}

interface Ctx {
  repo: RepoRecord;
  snapshot: SnapshotRecord;
}

interface Reached {
  row: SymbolRow;
  depth: number;
  pathConfidence: number;
}

interface Walk {
  edges: TraversalEdge[];
  nodes: Map<string, Reached>;
  unresolvedCount: number;
  truncated: boolean;
  belowMinConfidence: number;
}

/** The query service of a workspace (its storage and blob store). */
export function createQueryService(workspace: { storage: Storage; blobs: BlobStore }): QueryService {
  return new StorageQueryService(workspace.storage.reader, workspace.blobs);
}

class StorageQueryService implements QueryService {
  /** Snapshots are immutable once ready, so their summaries are cached by snapshot id. */
  private readonly summaries = new Map<number, RepoSummary>();
  private readonly statsBySnapshot = new Map<number, SnapshotStats | null>();
  /** Texts of the files test commands depend on (the plug-in names them), by snapshot and path. */
  private readonly testCommandInputs = new Map<number, Map<string, Promise<string | null>>>();
  /**
   * Each repo's latest ready snapshot, as last looked up: valid while the database's change mark stays the same
   * (a published snapshot is a commit, so it moves the mark and the next question looks again).
   */
  private readonly contexts = new Map<string, Ctx>();
  private contextsMark = '';
  /** Symbol rows by `<snapshot id>|<symbol id>` (rows of a snapshot never change). */
  private readonly rows = new Lru<string, SymbolRow>(ROW_CACHE_ENTRIES);
  /**
   * Answers derived from one ready snapshot (immutable once published; ids are never reused), keyed by
   * `<snapshot id>|<question>|<symbol id>…`. No blob bytes are cached: sources are re-read and re-hashed per call.
   */
  private readonly answers = new Lru<string, ShowGraph | TraversalResult | SearchHit[]>(ANSWER_CACHE_ROWS);
  /**
   * Where each line starts, by blob sha256 (the bytes that verify to a sha256 never change): finding an excerpt's
   * lines in a large file cost more than the excerpt itself. Weighed in lines.
   */
  private readonly lineIndex = new Lru<string, readonly number[]>(LINE_INDEX_LINES);

  constructor(
    private readonly storage: GraphReader,
    private readonly blobs: BlobStore,
  ) {}

  async listRepos(): Promise<RepoSummary[]> {
    const out: RepoSummary[] = [];
    for (const repo of await this.storage.listRepos()) {
      const snapshot = await this.storage.latestSnapshot(repo.id);
      if (snapshot) out.push(await this.summary({ repo, snapshot }));
    }
    return out;
  }

  async getRepo(repo: string): Promise<RepoOverview> {
    const ctx = await this.ctx(repo);
    const ranked = (r: { symbol: SymbolRow; callers: number }) => ({
      ...this.dto(ctx, r.symbol),
      callers: r.callers,
    });
    const summary = await this.summary(ctx);
    return {
      summary,
      mostCalled: (await this.storage.mostCalled(ctx.snapshot.id, 10)).map(ranked),
      untestedHotspots: (await this.storage.untestedHotspots(ctx.snapshot.id, 10)).map(ranked),
      coverage: await this.coverage(ctx),
      symbolsOnly: Object.keys(summary.languages)
        .filter((language) => pluginById(language)?.depth === 'symbols')
        .sort(),
    };
  }

  async listFiles(repo: string, prefix = ''): Promise<FileDTO[]> {
    const ctx = await this.ctx(repo);
    if (prefix !== '') checkRepoPath(prefix, 'prefix');
    return (await this.storage.listFiles(ctx.snapshot.id, prefix)).map(toFileDTO);
  }

  async getFile(repo: string, path: string): Promise<FileView> {
    const ctx = await this.ctx(repo);
    const file = await this.requireFile(ctx, path);
    const base = {
      repo: this.repoRef(ctx),
      file: toFileDTO(file),
      symbols: (await this.storage.symbolsOfFile(ctx.snapshot.id, path)).map((s) => this.dto(ctx, s)),
      permalink: permalinkFor(ctx.repo, ctx.snapshot.commit, path),
    };
    if (!file.blobSha256) {
      const why = file.target ? `${file.skipReason} → ${file.target}` : (file.skipReason ?? 'not stored');
      return { ...base, text: null, verified: false, error: `the file's content is not stored (${why})` };
    }
    let bytes: Buffer;
    try {
      bytes = await this.blobs.readVerified(file.blobSha256);
    } catch (err) {
      if (isCodehubError(err, 'BlobHashMismatch') || isCodehubError(err, 'BlobMissing')) {
        return { ...base, text: null, verified: false, error: err.message };
      }
      throw err;
    }
    if (file.skipReason === 'binary' || file.skipReason === 'invalid-utf8') {
      return {
        ...base,
        text: null,
        verified: true,
        error: `${file.skipReason} file (${bytes.length} bytes): not shown as text`,
      };
    }
    return { ...base, text: bytes.toString('utf8'), verified: true, error: null };
  }

  async getSource(
    repo: string,
    path: string,
    startLine?: number,
    endLine?: number,
    window: SourceWindow = {},
  ): Promise<SourceExcerpt & { path: string }> {
    const ctx = await this.ctx(repo);
    if (startLine !== undefined) checkLine(startLine, 'startLine');
    if (endLine !== undefined) checkLine(endLine, 'endLine');
    const startColumn = window.startColumn ?? 1;
    if (!Number.isInteger(startColumn) || startColumn < 1)
      throw new CodehubError('InvalidInput', `startColumn must be a column ≥ 1, got ${String(startColumn)}`);
    const maxChars = window.maxChars ?? Infinity;
    if (!(maxChars >= 1))
      throw new CodehubError('InvalidInput', `maxChars must be ≥ 1, got ${String(maxChars)}`);
    if (startLine !== undefined && endLine !== undefined && endLine < startLine) {
      throw new CodehubError('InvalidInput', `endLine ${endLine} is before startLine ${startLine}`);
    }
    const file = await this.requireFile(ctx, path);
    if (!file.blobSha256)
      throw new CodehubError(
        'PathNotFound',
        `'${path}' has no stored content (${file.skipReason ?? 'skipped'})`,
      );
    if (file.skipReason === 'binary')
      throw new CodehubError('InvalidInput', `'${path}' is a binary file; it has no source lines`);
    const bytes = await this.blobs.readVerified(file.blobSha256);
    const starts = this.lineStartsOf(file.blobSha256, bytes);
    const start = startLine ?? 1;
    const { total } = lineRange(bytes, 1, 0, starts);
    if (start > Math.max(total, 1)) {
      throw new CodehubError(
        'InvalidInput',
        `startLine ${start} is past the end of '${path}' (${total} lines)`,
      );
    }
    const wantEnd = Math.min(endLine ?? total, total);
    const lastLine = Math.min(wantEnd, start + MAX_SOURCE_LINES - 1);
    if (startColumn === 1 && maxChars === Infinity) {
      const lines = lineRange(bytes, start, lastLine, starts).lines;
      return {
        path,
        blobSha256: file.blobSha256,
        verified: true,
        startLine: start,
        lines,
        truncated: lastLine < wantEnd,
      };
    }
    const { lines, cut, firstColumns } = lineWindow(bytes, start, lastLine, starts, startColumn, maxChars);
    if (startColumn > Math.max(firstColumns, 1)) {
      throw new CodehubError(
        'InvalidInput',
        `startColumn ${startColumn} is past the end of line ${start} of '${path}' (${firstColumns} columns)`,
      );
    }
    return {
      path,
      blobSha256: file.blobSha256,
      verified: true,
      startLine: start,
      startColumn,
      lines,
      truncated: start + lines.length - 1 < wantEnd || cut !== null,
      cut,
    };
  }

  async resolveSymbol(repo: string, symbol: string): Promise<SymbolDTO> {
    const ctx = await this.ctx(repo);
    return this.dto(ctx, await this.resolveRow(ctx, symbol));
  }

  async show(
    repo: string,
    symbol: string,
    options: { contextBefore?: number; maxLines?: number; maxChars?: number } = {},
  ): Promise<ShowResult> {
    const ctx = await this.ctx(repo);
    const row = await this.resolveRow(ctx, symbol);
    const source = await this.excerpt(
      row,
      clampInt(options.contextBefore, 2, 0, 50),
      clampInt(options.maxLines, 60, 1, MAX_SOURCE_LINES),
      options.maxChars === undefined ? Infinity : clampInt(options.maxChars, 1, 1, Number.MAX_SAFE_INTEGER),
    );
    const graph = await this.showGraph(ctx, row);
    const result: ShowResult = {
      repo: this.repoRef(ctx),
      symbol: this.dto(ctx, row, source.verified),
      source,
      callers: graph.callers,
      callees: graph.callees,
      unresolved: graph.unresolved,
      callersComplete: graph.callersComplete,
      unresolvedThatMayCall: graph.unresolvedThatMayCall,
      tests: graph.tests,
      testsComplete: graph.testsComplete,
      ...(graph.testsNotAnalysed ? { testsNotAnalysed: graph.testsNotAnalysed } : {}),
    };
    showTokens.set(result, graph);
    return result;
  }

  /** Callers, callees, unresolved calls and tests of a symbol: built once per (snapshot, symbol), then cached. */
  private async showGraph(ctx: Ctx, row: SymbolRow): Promise<ShowGraph> {
    const snap = ctx.snapshot.id;
    const key = `${snap}|show|${row.id}`;
    const cached = this.answers.get(key);
    if (cached) return cached as ShowGraph;
    // The questions are independent: asked at once, an uncached symbol costs one round trip of waiting on a
    // networked engine instead of six (the snapshot's stats, shared by two of them, are read first and kept).
    await this.stats(ctx);
    const [unresolvedEdges, mayCall, tests, testsNotAnalysed, testsComplete, callers, callees] =
      await Promise.all([
        this.storage.unresolvedEdgesFrom(snap, [row.id]),
        this.storage.unresolvedMayCall(snap, [row.name]),
        this.testsOf(ctx, [{ row, depth: 0, pathConfidence: 1 }]),
        this.testsNotAnalysed(ctx),
        this.testsComplete(ctx),
        this.storage.edgesTo(snap, [row.id]),
        this.storage.edgesFrom(snap, [row.id]),
      ]);
    const unresolved = unresolvedEdges
      .flatMap((e) =>
        (e.lines.length > 0 ? e.lines : [0]).map((line) => ({ text: e.calleeText, reason: e.reason, line })),
      )
      .sort((a, b) => a.line - b.line || cmp(a.text, b.text));
    const unresolvedThatMayCall = mayCall.get(row.name) ?? 0;
    const graph: ShowGraph = deepFreeze({
      callers: callers.map(toEdgeDTO).sort(compareEdges),
      callees: callees.map(toEdgeDTO).sort(compareEdges),
      unresolved,
      callersComplete: unresolvedThatMayCall > 0 ? 'lower_bound' : 'exact',
      unresolvedThatMayCall,
      tests,
      testsComplete,
      ...(testsNotAnalysed.length > 0 ? { testsNotAnalysed } : {}),
    });
    this.answers.set(
      key,
      graph,
      1 + graph.callers.length + graph.callees.length + graph.unresolved.length + graph.tests.length,
    );
    return graph;
  }

  async callers(repo: string, symbol: string, options: TraversalOptions = {}): Promise<TraversalResult> {
    return await this.traverse(repo, symbol, 'callers', options);
  }

  async callees(repo: string, symbol: string, options: TraversalOptions = {}): Promise<TraversalResult> {
    return await this.traverse(repo, symbol, 'callees', options);
  }

  async tests(
    repo: string,
    symbol: string,
  ): Promise<{ tests: TestDTO[]; complete: 'exact' | 'lower_bound'; testsNotAnalysed?: string[] }> {
    const ctx = await this.ctx(repo);
    const row = await this.resolveRow(ctx, symbol);
    const testsNotAnalysed = await this.testsNotAnalysed(ctx);
    return {
      tests: await this.testsOf(ctx, [{ row, depth: 0, pathConfidence: 1 }]),
      complete: await this.testsComplete(ctx),
      ...(testsNotAnalysed.length > 0 ? { testsNotAnalysed } : {}),
    };
  }

  async impact(repo: string, symbol: string, depth = 3): Promise<ImpactResult> {
    const ctx = await this.ctx(repo);
    const start = await this.resolveRow(ctx, symbol);
    const walk = await this.walk(ctx, start, 'callers', checkDepth(depth), 0, 2000);
    const byPath = new Map<string, Array<SymbolDTO & { depth: number; pathConfidence: number }>>();
    for (const n of walk.nodes.values()) {
      if (n.depth === 0) continue;
      const list = byPath.get(n.row.path) ?? [];
      list.push({ ...this.dto(ctx, n.row), depth: n.depth, pathConfidence: n.pathConfidence });
      byPath.set(n.row.path, list);
    }
    const byFile = [...byPath.entries()]
      .map(([path, symbols]) => ({
        path,
        symbols: symbols.sort(
          (a, b) => a.depth - b.depth || b.pathConfidence - a.pathConfidence || cmp(a.name, b.name),
        ),
      }))
      .sort((a, b) => (a.symbols[0]?.depth ?? 0) - (b.symbols[0]?.depth ?? 0) || cmp(a.path, b.path));
    const testsExact = (await this.testsComplete(ctx)) === 'exact';
    return {
      repo: this.repoRef(ctx),
      symbol: this.dto(ctx, start),
      byFile,
      tests: await this.testsOf(ctx, [...walk.nodes.values()]),
      complete: walk.unresolvedCount > 0 || !testsExact ? 'lower_bound' : 'exact',
      truncated: walk.truncated,
    };
  }

  async findPath(repo: string, from: string, to: string, maxDepth = 5): Promise<PathResult> {
    const ctx = await this.ctx(repo);
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 10) {
      throw new CodehubError('InvalidInput', `maxDepth must be an integer from 1 to 10, got ${maxDepth}`);
    }
    const source = await this.resolveRow(ctx, from);
    const target = await this.resolveRow(ctx, to);
    const result: PathResult = {
      repo: this.repoRef(ctx),
      from: this.dto(ctx, source),
      to: this.dto(ctx, target),
      paths: [],
    };
    if (source.id === target.id) {
      result.paths.push({ symbols: [result.from], edges: [], confidence: 1 });
      return result;
    }
    // Breadth-first over callees; every node keeps all its parents at its first depth, so every shortest path survives.
    const rows = new Map<string, SymbolRow>([[source.id, source]]);
    const parents = new Map<string, Array<{ parent: string; edge: EdgeWithSymbol }>>();
    const depthOf = new Map<string, number>([[source.id, 0]]);
    let frontier = [source.id];
    for (let d = 1; d <= maxDepth && frontier.length > 0 && !depthOf.has(target.id); d++) {
      const next: string[] = [];
      const level = frontier.slice(0, MAX_LEVEL_NODES);
      const out = groupBy(await this.storage.edgesFrom(ctx.snapshot.id, level), (e) => e.edge.callerId);
      for (const id of level) {
        for (const e of out.get(id) ?? []) {
          const other = e.symbol.id;
          const seen = depthOf.get(other);
          if (seen !== undefined && seen < d) continue;
          if (seen === undefined) {
            depthOf.set(other, d);
            rows.set(other, e.symbol);
            next.push(other);
          }
          const list = parents.get(other) ?? [];
          list.push({ parent: id, edge: e });
          parents.set(other, list);
        }
      }
      frontier = next;
    }
    if (!depthOf.has(target.id)) return result;
    const found: Array<{ ids: string[]; edges: EdgeWithSymbol[]; confidence: number }> = [];
    const back = (id: string, ids: string[], edges: EdgeWithSymbol[], conf: number): void => {
      if (found.length >= 200) return;
      if (id === source.id) {
        found.push({ ids: [id, ...ids], edges, confidence: conf });
        return;
      }
      for (const p of parents.get(id) ?? [])
        back(p.parent, [id, ...ids], [p.edge, ...edges], conf * (p.edge.edge.confidence ?? 0));
    };
    back(target.id, [], [], 1);
    found.sort((a, b) => b.confidence - a.confidence || cmp(a.ids.join('\n'), b.ids.join('\n')));
    result.paths = found.slice(0, 10).map((p) => ({
      symbols: p.ids.map((id) => this.dto(ctx, rows.get(id) ?? source)),
      edges: p.edges.map(toEdgeDTO),
      confidence: round(p.confidence),
    }));
    return result;
  }

  async search(query: { q: string; repo?: string; kind?: string; limit?: number }): Promise<SearchHit[]> {
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    if (q === '') throw new CodehubError('InvalidInput', 'search needs a query (q)');
    if (q.length > 200 || q.includes('\u0000'))
      throw new CodehubError('InvalidInput', 'search query is too long or has a NUL');
    if (query.kind !== undefined && query.kind !== '' && !SYMBOL_KINDS.includes(query.kind as SymbolKind)) {
      throw new CodehubError(
        'InvalidInput',
        `unknown kind '${query.kind}' (one of ${SYMBOL_KINDS.join(', ')})`,
        closest(query.kind, SYMBOL_KINDS, 3),
      );
    }
    const limit = clampInt(query.limit, 20, 1, 200);
    const kind = query.kind === '' ? undefined : query.kind;
    const ctxs: Ctx[] = query.repo ? [await this.ctx(query.repo)] : await this.allContexts();
    // The hits are a function of the snapshots searched and the question, and snapshots never change.
    const key = `${ctxs.map((c) => c.snapshot.id).join(',')}|search|${kind ?? ''}|${limit}|${q}`;
    const cached = this.answers.get(key);
    if (cached) return cached as SearchHit[];
    const hits = deepFreeze(await this.searchUncached(ctxs, q, kind, limit));
    this.answers.set(key, hits, 1 + hits.length);
    return hits;
  }

  private async searchUncached(
    ctxs: Ctx[],
    q: string,
    kind: string | undefined,
    limit: number,
  ): Promise<SearchHit[]> {
    // A name the query abbreviates (`sDF` → startDesktopFlow) is a closer match than one that merely contains it
    // (usdFormatter): humps rank before substring.
    const modes: Array<SymbolSearch['mode']> = isHumpsQuery(q)
      ? ['exact', 'prefix', 'humps', 'substring']
      : ['exact', 'prefix', 'substring'];
    const out: SearchHit[] = [];
    const seen = new Set<string>();
    for (const mode of modes) {
      const tier: SearchHit[] = [];
      for (const ctx of ctxs) {
        for (const r of await this.storage.searchSymbols(ctx.snapshot.id, {
          mode,
          q,
          limit,
          ...(kind ? { kind } : {}),
        })) {
          tier.push({
            ...this.dto(ctx, r.symbol),
            repo: ctx.repo.id,
            callers: r.callers,
            isTest: r.isTest,
            match: mode,
          });
        }
      }
      tier.sort(
        (a, b) =>
          Number(a.isTest) - Number(b.isTest) ||
          b.callers - a.callers ||
          a.name.length - b.name.length ||
          cmp(a.name, b.name) ||
          cmp(a.repo, b.repo) ||
          cmp(a.path, b.path) ||
          a.startLine - b.startLine,
      );
      for (const hit of tier) {
        const key = `${hit.repo}\u0000${hit.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(hit);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  // ---- resolution ----

  private async ctx(repoId: string): Promise<Ctx> {
    if (typeof repoId !== 'string') throw new CodehubError('InvalidInput', 'repo must be host/owner/name');
    // `id@commit` answers from that indexed snapshot instead of the newest (permalinks name their commit).
    const { repoId: id, pin } = splitPinnedRepo(repoId);
    checkRepoId(id, 'repo');
    const mark = await this.storage.changeMark();
    if (mark !== this.contextsMark) {
      this.contexts.clear();
      this.contextsMark = mark;
    }
    const known = this.contexts.get(repoId);
    if (known) return known;
    const repo = await this.storage.getRepo(id);
    const snapshot = !repo
      ? null
      : pin === null
        ? await this.storage.latestSnapshot(repo.id)
        : await pinnedSnapshot(this.storage, repo, pin);
    if (!repo || !snapshot) {
      const known = (await this.storage.listRepos()).map((r) => r.id);
      const near = closest(id, known);
      const hint =
        near.length > 0 ? `; closest: ${near.join(', ')}` : "; index one with 'codehub index <path>'";
      const what = repo ? `repo '${id}' has no indexed snapshot` : `no repo '${id}'`;
      throw new CodehubError('RepoNotFound', `${what}${hint}`, near);
    }
    const ctx = { repo, snapshot };
    if (this.contexts.size < MAX_CACHED_CONTEXTS) this.contexts.set(repoId, ctx);
    return ctx;
  }

  private async allContexts(): Promise<Ctx[]> {
    const out: Ctx[] = [];
    for (const repo of await this.storage.listRepos()) {
      const snapshot = await this.storage.latestSnapshot(repo.id);
      if (snapshot) out.push({ repo, snapshot });
    }
    return out;
  }

  private async requireFile(ctx: Ctx, path: string) {
    checkRepoPath(path);
    const file = await this.storage.getFile(ctx.snapshot.id, path);
    if (!file) {
      const near = closest(path, await this.storage.similarPaths(ctx.snapshot.id, path, 200));
      const hint = near.length > 0 ? `; closest: ${near.join(', ')}` : '';
      throw new CodehubError('PathNotFound', `no file '${path}' in ${this.where(ctx)}${hint}`, near);
    }
    return file;
  }

  /** id | `path:line` | qualified name | name → one symbol row, or SymbolAmbiguous / SymbolNotFound. */
  private async resolveRow(ctx: Ctx, input: string): Promise<SymbolRow> {
    const symbol = typeof input === 'string' ? input.trim() : '';
    if (symbol === '') throw new CodehubError('InvalidInput', 'symbol is empty');
    if (symbol.includes('\u0000')) throw new CodehubError('InvalidInput', 'symbol contains a NUL character');
    const snap = ctx.snapshot.id;
    const parsed = parseSymbolId(symbol);
    if (parsed) {
      const key = `${snap}|${symbol}`;
      const cached = this.rows.get(key);
      if (cached) return cached;
      const row = (await this.storage.symbolsById(snap, [symbol])).get(symbol) ?? null;
      if (row) {
        this.rows.set(key, deepFreeze(row));
        return row;
      }
      checkRepoPath(parsed.path);
      const name = parsed.localId.split(':')[0] ?? parsed.localId;
      return await this.notFound(ctx, symbol, name.slice(name.lastIndexOf('.') + 1));
    }
    const at = /^(.+):(\d+)$/.exec(symbol);
    if (at) {
      const path = at[1] ?? '';
      const line = Number(at[2]);
      const file = await this.storage.getFile(snap, path);
      if (file) {
        const rows = await this.storage.findSymbolsAtLine(snap, path, line);
        if (rows[0]) return rows[0];
        throw new CodehubError(
          'SymbolNotFound',
          `no symbol declared at ${path}:${line} in ${this.where(ctx)}`,
          [],
        );
      }
      if (path.includes('/') || /\.[A-Za-z0-9]+$/.test(path)) {
        await this.requireFile(ctx, path); // throws InvalidInput or PathNotFound with the closest paths
      }
    }
    for (const rows of [
      await this.storage.findSymbolsByQualifiedName(snap, symbol, AMBIGUOUS_LIMIT + 1),
      await this.storage.findSymbolsByName(snap, symbol, AMBIGUOUS_LIMIT + 1),
    ]) {
      if (rows.length === 1 && rows[0]) return rows[0];
      if (rows.length > 1) {
        const candidates = rows.slice(0, AMBIGUOUS_LIMIT).map((r) => this.dto(ctx, r));
        const more = rows.length > AMBIGUOUS_LIMIT ? ` (first ${AMBIGUOUS_LIMIT} shown)` : '';
        throw new CodehubError(
          'SymbolAmbiguous',
          `'${symbol}' names ${rows.length > AMBIGUOUS_LIMIT ? `more than ${AMBIGUOUS_LIMIT}` : rows.length} symbols in ${this.where(ctx)}${more}; ` +
            `pass one of their ids: ${candidates
              .slice(0, 5)
              .map((c) => c.id)
              .join(', ')}${candidates.length > 5 ? ', …' : ''}`,
          candidates,
        );
      }
    }
    return await this.notFound(ctx, symbol, symbol.slice(symbol.lastIndexOf('.') + 1));
  }

  private async notFound(ctx: Ctx, symbol: string, name: string): Promise<never> {
    const near = closest(name, await this.storage.similarNames(ctx.snapshot.id, name, 300));
    const hint = near.length > 0 ? `; closest names: ${near.join(', ')}` : '';
    throw new CodehubError('SymbolNotFound', `no symbol '${symbol}' in ${this.where(ctx)}${hint}`, near);
  }

  // ---- pieces of answers ----

  private dto(ctx: Ctx, row: SymbolRow, verified: boolean | null = null): SymbolDTO {
    return toSymbolDTO(ctx.repo, ctx.snapshot, row, verified);
  }

  private repoRef(ctx: Ctx): { id: string; commit: string; ref: string | null } {
    return { id: ctx.repo.id, commit: ctx.snapshot.commit, ref: ctx.snapshot.ref };
  }

  private where(ctx: Ctx): string {
    return `${ctx.repo.id}@${ctx.snapshot.commit.slice(0, 12)}`;
  }

  private async summary(ctx: Ctx): Promise<RepoSummary> {
    const cached = this.summaries.get(ctx.snapshot.id);
    if (cached) return cached;
    const counts = await this.storage.countRows(ctx.snapshot.id);
    const summary: RepoSummary = {
      id: ctx.repo.id,
      commit: ctx.snapshot.commit,
      ref: ctx.snapshot.ref,
      indexedAt: ctx.snapshot.indexedAt,
      ...counts,
      languages: await this.storage.languageCounts(ctx.snapshot.id),
      webUrl: ctx.repo.webUrl,
    };
    this.summaries.set(ctx.snapshot.id, summary);
    return summary;
  }

  private async stats(ctx: Ctx): Promise<SnapshotStats | null> {
    if (!this.statsBySnapshot.has(ctx.snapshot.id))
      this.statsBySnapshot.set(ctx.snapshot.id, await this.storage.snapshotStats(ctx.snapshot.id));
    return this.statsBySnapshot.get(ctx.snapshot.id) ?? null;
  }

  private async coverage(ctx: Ctx): Promise<CoverageStats> {
    const stats = await this.stats(ctx);
    if (stats) {
      // Frameworks per file feed test commands; they are not coverage.
      const { testFrameworks: _frameworks, ...coverage } = stats;
      return coverage;
    }
    return {
      filesParsed: 0,
      filesSkipped: {},
      callSites: 0,
      resolvedByReason: {},
      unresolvedByReason: {},
      testFiles: 0,
      testFilesAnalysed: 0,
    };
  }

  private async testsComplete(ctx: Ctx): Promise<'exact' | 'lower_bound'> {
    const stats = await this.stats(ctx);
    return stats &&
      (stats.testFiles > stats.testFilesAnalysed || (stats.testFilesNotAnalysed?.length ?? 0) > 0)
      ? 'lower_bound'
      : 'exact';
  }

  /** The first test files that could not be analysed, for "lower bound: these were not read". */
  private async testsNotAnalysed(ctx: Ctx): Promise<string[]> {
    return ((await this.stats(ctx))?.testFilesNotAnalysed ?? []).slice(0, MAX_NOT_ANALYSED_LISTED);
  }

  /** Tests reaching any of the given symbols, depth and confidence measured from the first (depth 0) one. */
  private async testsOf(ctx: Ctx, reached: readonly Reached[]): Promise<TestDTO[]> {
    const at = new Map(reached.map((n) => [n.row.id, n]));
    const best = new Map<string, TestDTO>();
    const offer = (t: TestDTO): void => {
      const old = best.get(t.id);
      if (!old || t.depth < old.depth || (t.depth === old.depth && t.confidence > old.confidence))
        best.set(t.id, t);
    };
    for (const { reach, test } of await this.storage.testsReaching(ctx.snapshot.id, [...at.keys()])) {
      const via = at.get(reach.symbolId);
      if (!via) continue;
      offer(this.testDTO(test, reach.depth + via.depth, reach.confidence * via.pathConfidence));
    }
    // A test that is itself among the reached callers (impact) covers the start symbol too.
    for (const n of reached)
      if (n.depth > 0 && n.row.kind === 'test') offer(this.testDTO(n.row, n.depth, n.pathConfidence));
    const tests = [...best.values()].sort(
      (a, b) => a.depth - b.depth || b.confidence - a.confidence || cmp(a.name, b.name) || cmp(a.id, b.id),
    );
    for (const t of tests) t.command = await this.commandFor(ctx, t);
    return tests;
  }

  /**
   * The command that runs just this test, from the plug-in that owns the test file: it names the files the command
   * depends on (read verified from the blob store) and makes the command; null when it cannot tell.
   */
  private async commandFor(ctx: Ctx, test: TestDTO): Promise<string | null> {
    const commands = pluginForPath(test.path)?.testCommands;
    if (!commands) return null;
    const files: Array<{ path: string; text: string }> = [];
    for (const path of commands.inputs(test.path)) {
      const text = await this.snapshotText(ctx, path);
      if (text !== null) files.push({ path, text });
    }
    const framework = (await this.stats(ctx))?.testFrameworks?.[test.path] ?? null;
    const cmd = commands.command({ testFile: test.path, testName: test.name, framework, files });
    if (cmd === null) return null;
    return cmd.cwd === '' ? cmd.command : `cd ${shellQuote(cmd.cwd)} && ${cmd.command}`;
  }

  /** A file's text at the snapshot, hash-verified; null when absent, not stored or not verifiable. */
  private snapshotText(ctx: Ctx, path: string): Promise<string | null> {
    let texts = this.testCommandInputs.get(ctx.snapshot.id);
    if (!texts) this.testCommandInputs.set(ctx.snapshot.id, (texts = new Map()));
    let text = texts.get(path);
    if (text === undefined) {
      const sha = this.storage.getFile(ctx.snapshot.id, path).then((f) => f?.blobSha256 ?? null);
      text = sha.then((blob) =>
        blob === null
          ? null
          : this.blobs.readVerified(blob).then(
              (bytes) => bytes.toString('utf8'),
              () => null,
            ),
      );
      texts.set(path, text);
    }
    return text;
  }

  private testDTO(test: SymbolRow, depth: number, confidence: number): TestDTO {
    return {
      id: test.id,
      name: test.qualifiedName,
      path: test.path,
      startLine: test.startLine,
      endLine: test.endLine,
      depth,
      confidence: round(confidence),
      command: null, // filled by testsOf through commandFor, which asks the test file's plug-in
    };
  }

  /** The line offsets of a blob's verified bytes, kept by sha256. */
  private lineStartsOf(sha256: string, bytes: Buffer): readonly number[] {
    let starts = this.lineIndex.get(sha256);
    if (!starts) this.lineIndex.set(sha256, (starts = lineStarts(bytes)), starts.length);
    return starts;
  }

  /**
   * Reads the symbol's blob, re-hashing it; a failed verification yields no lines and an error, not a throw.
   * Past `maxChars` characters the excerpt stops, cutting the line where they ran out.
   */
  private async excerpt(
    row: SymbolRow,
    contextBefore: number,
    maxLines: number,
    maxChars: number,
  ): Promise<ShowResult['source']> {
    const empty = {
      blobSha256: row.blobSha256 ?? '',
      verified: false,
      startLine: row.startLine,
      lines: [],
      truncated: false,
    };
    if (!row.blobSha256) return { ...empty, error: `the content of ${row.path} is not stored` };
    let bytes: Buffer;
    try {
      bytes = await this.blobs.readVerified(row.blobSha256);
    } catch (err) {
      if (isCodehubError(err, 'BlobHashMismatch') || isCodehubError(err, 'BlobMissing'))
        return { ...empty, error: err.message };
      throw err;
    }
    // maxLines bounds the whole excerpt, context included (the seed page shows 60 lines: 2 before, 58 of the body).
    const starts = this.lineStartsOf(row.blobSha256, bytes);
    const range = (from: number) => {
      const last = Math.min(row.endLine, from + maxLines - 1);
      return maxChars === Infinity
        ? { ...lineRange(bytes, from, last, starts), cut: null }
        : lineWindow(bytes, from, last, starts, 1, maxChars);
    };
    let start = Math.max(1, row.startLine - contextBefore);
    let excerpt = range(start);
    if (start > Math.max(1, excerpt.total)) excerpt = range((start = Math.max(1, excerpt.total))); // file shrank
    const end = start + excerpt.lines.length - 1;
    return {
      blobSha256: row.blobSha256,
      verified: true,
      startLine: start,
      lines: excerpt.lines,
      truncated: end < row.endLine || excerpt.cut !== null,
      ...(maxChars === Infinity ? {} : { startColumn: 1, cut: excerpt.cut }),
      error: null,
    };
  }

  private async traverse(
    repo: string,
    symbol: string,
    direction: 'callers' | 'callees',
    options: TraversalOptions,
  ): Promise<TraversalResult> {
    const ctx = await this.ctx(repo);
    const depth = checkDepth(options.depth ?? 1);
    const minConfidence = options.minConfidence ?? 0;
    if (typeof minConfidence !== 'number' || !(minConfidence >= 0 && minConfidence <= 1)) {
      throw new CodehubError(
        'InvalidInput',
        `minConfidence must be a number from 0 to 1, got ${String(minConfidence)}`,
      );
    }
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new CodehubError('InvalidInput', `limit must be an integer from 1 to 1000, got ${String(limit)}`);
    }
    const start = await this.resolveRow(ctx, symbol);
    const key = `${ctx.snapshot.id}|${direction}|${depth}|${minConfidence}|${limit}|${start.id}`;
    const cached = this.answers.get(key);
    if (cached) return cached as TraversalResult;
    const walk = await this.walk(ctx, start, direction, depth, minConfidence, limit);
    const result: TraversalResult = deepFreeze({
      repo: this.repoRef(ctx),
      symbol: this.dto(ctx, start),
      edges: walk.edges,
      complete: walk.unresolvedCount > 0 ? 'lower_bound' : 'exact',
      unresolvedCount: walk.unresolvedCount,
      truncated: walk.truncated,
      belowMinConfidence: walk.belowMinConfidence,
    });
    this.answers.set(key, result, 1 + result.edges.length);
    return result;
  }

  /**
   * Breadth-first over callers or callees. Each level lists every edge from the level's symbols to symbols not
   * reached at a smaller depth (at depth 1: every direct edge), best path confidence first.
   */
  private async walk(
    ctx: Ctx,
    start: SymbolRow,
    direction: 'callers' | 'callees',
    depth: number,
    minConfidence: number,
    limit: number,
  ): Promise<Walk> {
    const snap = ctx.snapshot.id;
    const nodes = new Map<string, Reached>([[start.id, { row: start, depth: 0, pathConfidence: 1 }]]);
    const edges: TraversalEdge[] = [];
    let frontier: Reached[] = [nodes.get(start.id) as Reached];
    let unresolvedCount = 0;
    let truncated = false;
    let belowMinConfidence = 0;
    for (let d = 1; d <= depth && frontier.length > 0; d++) {
      if (frontier.length > MAX_LEVEL_NODES) {
        frontier = frontier.slice(0, MAX_LEVEL_NODES);
        truncated = true;
      }
      const level: TraversalEdge[] = [];
      const next: Reached[] = [];
      // One question per level for the whole frontier, not one per node.
      const ids = frontier.map((n) => n.row.id);
      if (direction === 'callers') {
        const mayCall = await this.storage.unresolvedMayCall(snap, [
          ...new Set(frontier.map((n) => n.row.name)),
        ]);
        for (const node of frontier) unresolvedCount += mayCall.get(node.row.name) ?? 0;
      } else {
        for (const e of await this.storage.unresolvedEdgesFrom(snap, ids))
          if (mayHideRepoCall(e.reason)) unresolvedCount += Math.max(1, e.lines.length);
      }
      const byNode =
        direction === 'callers'
          ? groupBy(await this.storage.edgesTo(snap, ids), (e) => e.edge.calleeId ?? '')
          : groupBy(await this.storage.edgesFrom(snap, ids), (e) => e.edge.callerId);
      for (const node of frontier) {
        const list = byNode.get(node.row.id) ?? [];
        for (const e of list) {
          const confidence = e.edge.confidence ?? 0;
          if (confidence < minConfidence) {
            belowMinConfidence++;
            continue;
          }
          const seen = nodes.get(e.symbol.id);
          if (d > 1 && seen && seen.depth < d) continue;
          const pathConfidence = node.pathConfidence * confidence;
          level.push({
            ...toEdgeDTO(e),
            depth: d,
            fromId: node.row.id,
            pathConfidence: round(pathConfidence),
          });
          if (!seen) {
            const reached = { row: e.symbol, depth: d, pathConfidence };
            nodes.set(e.symbol.id, reached);
            next.push(reached);
          } else if (seen.depth === d && pathConfidence > seen.pathConfidence) {
            seen.pathConfidence = pathConfidence;
          }
        }
      }
      level.sort(
        (a, b) => b.pathConfidence - a.pathConfidence || compareEdges(a, b) || cmp(a.fromId, b.fromId),
      );
      const room = limit - edges.length;
      if (level.length > room) {
        edges.push(...level.slice(0, room));
        truncated = true;
        break;
      }
      edges.push(...level);
      frontier = next;
    }
    return { edges, nodes, unresolvedCount, truncated, belowMinConfidence };
  }
}

/** Items grouped by a key, each group in the items' order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Freezes a cached answer all the way down, so no caller can change what later callers are handed. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function checkDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
    throw new CodehubError(
      'InvalidInput',
      `depth must be an integer from 1 to ${MAX_DEPTH}, got ${String(depth)}`,
    );
  }
  return depth;
}

function checkLine(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1)
    throw new CodehubError('InvalidInput', `${what} must be a line number ≥ 1, got ${String(n)}`);
}

function clampInt(v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined || !Number.isFinite(v)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(v)));
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
