/**
 * The query service contract: one place for every question. Web pages, the JSON API, MCP tools and
 * the CLI call these and render the results; they hold no logic of their own.
 * The shapes here are the `codehub show --json` contract (issue: analysis, item 7).
 */
import type { SymbolKind } from '../core/facts.js';

export interface RepoSummary {
  id: string; // host/owner/name
  commit: string;
  ref: string | null;
  indexedAt: string; // ISO 8601
  files: number;
  symbols: number;
  edges: number;
  languages: Record<string, number>; // language → file count
  /** https://github.com/o/r for GitHub repos, else null. */
  webUrl: string | null;
}

export interface SymbolDTO {
  id: string;
  name: string;
  qualifiedName: string;
  kind: SymbolKind;
  path: string;
  startLine: number;
  endLine: number;
  signature: string;
  returnType: string | null;
  /** `https://github.com/o/r/blob/<sha>/<path>#L<start>-L<end>` for GitHub repos, else null. */
  permalink: string | null;
  blobSha256: string;
  /** True when the blob was re-hashed and matched for this answer; false when it did not match; null when not checked. */
  verified: boolean | null;
  exported: boolean;
  doc: string | null;
}

export interface EdgeDTO {
  /** The other end of the edge (the caller in callers[], the callee in callees[]). */
  id: string;
  name: string;
  qualifiedName: string;
  kind: SymbolKind;
  path: string;
  /** Start line of the other end's declaration. */
  line: number;
  confidence: number;
  reason: string;
  /** Call-site lines in the caller's file. */
  callLines: number[];
  candidates?: number;
}

export interface UnresolvedDTO {
  text: string;
  reason: string;
  line: number;
}

export interface TestDTO {
  id: string;
  name: string; // `Suite > title`
  path: string;
  startLine: number;
  endLine: number;
  depth: number;
  confidence: number;
  /** The command that runs just this test, or null when the runner is unknown. */
  command: string | null;
}

export interface SourceExcerpt {
  blobSha256: string;
  verified: boolean;
  /** First line number of `lines`. */
  startLine: number;
  lines: string[];
  /** True when the excerpt stops before the symbol's end (or the range asked for, or the character budget ran out). */
  truncated: boolean;
  /** Column (1-based, UTF-16 code units) where `lines[0]` starts: 1 unless a start column was asked for. */
  startColumn?: number;
  /** When a character budget ran out inside a line: that line, the last of `lines`, and its whole length in columns. */
  cut?: { line: number; columns: number } | null;
}

/** A character budget for an excerpt, so that one long line cannot make an answer as big as the file. */
export interface SourceWindow {
  /** Column (1-based, UTF-16 code units) of the first line to start at; default 1. */
  startColumn?: number;
  /** Most characters (UTF-16 code units) returned in all; the line where they run out is cut (`cut`) and ends the excerpt. */
  maxChars?: number;
}

export interface ShowResult {
  repo: { id: string; commit: string; ref: string | null };
  symbol: SymbolDTO;
  /**
   * The symbol's source from the blob store, re-hashed for this answer: a few lines of context, then the body.
   * When verification fails, `verified` is false, `lines` is empty and `error` says why (render an error block).
   */
  source: SourceExcerpt & { error: string | null };
  callers: EdgeDTO[];
  callees: EdgeDTO[];
  unresolved: UnresolvedDTO[];
  /** `lower_bound` when unresolved call sites elsewhere in the repo could hide more callers. */
  callersComplete: 'exact' | 'lower_bound';
  /** Unresolved call sites in the repo that could be calls to this symbol (same name), counted. */
  unresolvedThatMayCall: number;
  tests: TestDTO[];
  /** `lower_bound` when some test files could not be analysed. */
  testsComplete: 'exact' | 'lower_bound';
  /** The test files that could not be analysed (first 20, sorted) when `testsComplete` is `lower_bound`. */
  testsNotAnalysed?: string[];
}

export interface FileDTO {
  path: string;
  blobSha256: string | null; // null for files not stored (symlink, submodule, skipped)
  gitOid: string;
  language: string | null;
  size: number;
  lines: number | null;
  /** Why the file was not stored or not analysed: binary, too-large, missing-object, symlink, submodule…; null if fine. */
  skipReason: string | null;
  /** Symlink target or submodule commit, when relevant. */
  target?: string | null;
}

export interface FileView {
  repo: { id: string; commit: string; ref: string | null };
  file: FileDTO;
  /** The verified text; null when the blob failed verification (then `error` says why). */
  text: string | null;
  verified: boolean;
  error: string | null;
  symbols: SymbolDTO[];
  permalink: string | null;
}

export interface CoverageStats {
  filesParsed: number;
  filesSkipped: Record<string, number>; // reason → count
  callSites: number;
  resolvedByReason: Record<string, number>; // reason → call sites
  unresolvedByReason: Record<string, number>;
  testFiles: number;
  testFilesAnalysed: number;
  /** Test files that could not be analysed (tested-by answers are a lower bound while any exist). */
  testFilesNotAnalysed?: string[];
}

export interface RepoOverview {
  summary: RepoSummary;
  mostCalled: Array<SymbolDTO & { callers: number }>;
  untestedHotspots: Array<SymbolDTO & { callers: number }>;
  coverage: CoverageStats;
  /**
   * Languages of the snapshot whose plug-in gives symbols only (LanguagePlugin.depth `symbols`): outlines and search,
   * calls matched by name alone, no imports or types followed. Absent from answers of older servers.
   */
  symbolsOnly?: string[];
}

export interface SearchHit extends SymbolDTO {
  repo: string;
  callers: number;
  isTest: boolean;
  /** exact | prefix | humps | substring, the tiers in rank order */
  match: string;
}

/** Transitive callers/callees: each entry is an edge at some depth from the start symbol. */
export interface TraversalEdge extends EdgeDTO {
  depth: number;
  /** The symbol on the near side of this edge (the start symbol at depth 1). */
  fromId: string;
  /** Product of confidences from the start symbol to this one. */
  pathConfidence: number;
}

export interface TraversalResult {
  repo: { id: string; commit: string; ref: string | null };
  symbol: SymbolDTO;
  edges: TraversalEdge[];
  complete: 'exact' | 'lower_bound';
  /** Unresolved call sites that could hide more edges. */
  unresolvedCount: number;
  truncated: boolean;
}

export interface ImpactResult {
  repo: { id: string; commit: string; ref: string | null };
  symbol: SymbolDTO;
  byFile: Array<{ path: string; symbols: Array<SymbolDTO & { depth: number; pathConfidence: number }> }>;
  tests: TestDTO[];
  complete: 'exact' | 'lower_bound';
  truncated: boolean;
}

export interface PathResult {
  repo: { id: string; commit: string; ref: string | null };
  from: SymbolDTO;
  to: SymbolDTO;
  /** Shortest paths, best confidence first; each is the list of symbols from `from` to `to` with the edges between. */
  paths: Array<{ symbols: SymbolDTO[]; edges: EdgeDTO[]; confidence: number }>;
}

export interface TraversalOptions {
  depth?: number; // 1–5, default 1
  minConfidence?: number; // default 0
  limit?: number; // default 100
}

/**
 * Every question codehub answers. Throws CodehubError: RepoNotFound / SymbolNotFound (detail: closest
 * names) / SymbolAmbiguous (detail: candidate SymbolDTOs) / PathNotFound / BlobHashMismatch / InvalidInput.
 * `repo` is `host/owner/name`; `symbol` is an id, a qualified name, a name, or `path:line`.
 */
export interface QueryService {
  /** Async so that remote adapters (Postgres, S3-compatible blobs) fit without a rewrite. */
  listRepos(): Promise<RepoSummary[]>;
  getRepo(repo: string): Promise<RepoOverview>;
  listFiles(repo: string, prefix?: string): Promise<FileDTO[]>;
  getFile(repo: string, path: string): Promise<FileView>;
  getSource(
    repo: string,
    path: string,
    startLine?: number,
    endLine?: number,
    window?: SourceWindow,
  ): Promise<SourceExcerpt & { path: string }>;
  resolveSymbol(repo: string, symbol: string): Promise<SymbolDTO>;
  show(
    repo: string,
    symbol: string,
    options?: { contextBefore?: number; maxLines?: number; maxChars?: number },
  ): Promise<ShowResult>;
  callers(repo: string, symbol: string, options?: TraversalOptions): Promise<TraversalResult>;
  callees(repo: string, symbol: string, options?: TraversalOptions): Promise<TraversalResult>;
  tests(
    repo: string,
    symbol: string,
  ): Promise<{ tests: TestDTO[]; complete: 'exact' | 'lower_bound'; testsNotAnalysed?: string[] }>;
  impact(repo: string, symbol: string, depth?: number): Promise<ImpactResult>;
  findPath(repo: string, from: string, to: string, maxDepth?: number): Promise<PathResult>;
  search(query: { q: string; repo?: string; kind?: string; limit?: number }): Promise<SearchHit[]>;
}
