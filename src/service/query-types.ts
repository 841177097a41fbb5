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
  /** True when the excerpt stops before the symbol's end. */
  truncated: boolean;
}

export interface ShowResult {
  repo: { id: string; commit: string; ref: string | null };
  symbol: SymbolDTO;
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
}
