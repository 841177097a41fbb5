/**
 * A tiny in-test QueryService for ROUTING tests only (URL parsing, headers, error mapping, static assets):
 * it answers from the sample DTOs and throws the CodehubErrors the real service throws. The real
 * SQLite-backed service is exercised by the end-to-end suite.
 */
import { CodehubError } from '../../src/core/errors.js';
import type { QueryService, SourceExcerpt } from '../../src/service/query-types.js';
import {
  REPO,
  SHA,
  sampleEdge,
  sampleFileView,
  sampleHit,
  sampleLines,
  sampleOverview,
  sampleShow,
  sampleSummary,
  sampleSymbol,
} from './sample-dtos.js';

export const XSS_PATH = 'src/<img src=x onerror=alert(1)>.ts';
export const CORRUPT_PATH = 'src/corrupt.ts';

/** Builds the routing-test service; `calls` records each method call for assertions. */
export function createRoutingService(calls: string[] = []): QueryService {
  const known = (repo: string): void => {
    if (repo !== REPO)
      throw new CodehubError('RepoNotFound', `No repository ${repo} is indexed.`, { closest: [REPO] });
  };
  const findSymbol = (repo: string, symbol: string) => {
    known(repo);
    if (symbol === 'start')
      throw new CodehubError('SymbolAmbiguous', `'start' matches 2 symbols.`, [
        sampleSymbol(),
        sampleSymbol({
          id: 'src/b.ts::start:function',
          name: 'start',
          qualifiedName: 'start',
          kind: 'function',
        }),
      ]);
    if (symbol === sampleSymbol().id) return sampleShow();
    if (symbol === `${CORRUPT_PATH}::corrupt:function`)
      return sampleShow({
        symbol: sampleSymbol({
          id: symbol,
          path: CORRUPT_PATH,
          name: 'corrupt',
          qualifiedName: 'corrupt',
          kind: 'function',
          startLine: 1,
          endLine: 2,
        }),
      });
    throw new CodehubError('SymbolNotFound', `No symbol '${symbol}' in ${repo}.`, [sampleSymbol()]);
  };
  return {
    async listRepos() {
      calls.push('listRepos');
      return [sampleSummary()];
    },
    async getRepo(repo) {
      calls.push(`getRepo ${repo}`);
      known(repo);
      return sampleOverview();
    },
    async listFiles(repo, prefix) {
      calls.push(`listFiles ${repo} ${prefix ?? ''}`);
      known(repo);
      return [sampleFileView().file, { ...sampleFileView().file, path: XSS_PATH }];
    },
    async getFile(repo, path) {
      calls.push(`getFile ${repo} ${path}`);
      known(repo);
      if (path === CORRUPT_PATH)
        return sampleFileView({
          file: { ...sampleFileView().file, path },
          text: null,
          verified: false,
          error: 'Stored bytes do not hash to their sha256.',
        });
      if (path === XSS_PATH)
        return sampleFileView({
          file: { ...sampleFileView().file, path },
          text: 'const s = "</script><script>alert(1)</script>";',
          symbols: [],
        });
      if (path === sampleFileView().file.path) return sampleFileView();
      throw new CodehubError('PathNotFound', `No file ${path} at this commit.`, [sampleFileView().file.path]);
    },
    async getSource(
      repo,
      path,
      startLine = 1,
      endLine = startLine + 10,
    ): Promise<SourceExcerpt & { path: string }> {
      calls.push(`getSource ${repo} ${path} ${startLine}-${endLine}`);
      known(repo);
      if (path === CORRUPT_PATH)
        throw new CodehubError('BlobHashMismatch', `Blob ${SHA} does not match its hash.`, { sha256: SHA });
      return {
        path,
        blobSha256: SHA,
        verified: true,
        startLine,
        lines: sampleLines(endLine - startLine + 1, startLine),
        truncated: false,
      };
    },
    async resolveSymbol(repo, symbol) {
      return findSymbol(repo, symbol).symbol;
    },
    async show(repo, symbol, options = {}) {
      calls.push(`show ${repo} ${symbol}`);
      const found = findSymbol(repo, symbol);
      const s = found.symbol;
      // The excerpt the real service cuts: context before, then at most maxLines lines in all.
      const start = Math.max(1, s.startLine - (options.contextBefore ?? 2));
      const end = Math.min(s.endLine, start + (options.maxLines ?? 60) - 1);
      calls.push(`excerpt ${s.path} ${start}-${end}`);
      if (s.path === CORRUPT_PATH)
        return {
          ...found,
          symbol: { ...s, verified: false },
          source: {
            blobSha256: SHA,
            verified: false,
            startLine: start,
            lines: [],
            truncated: false,
            error: `Blob ${SHA} does not match its hash.`,
          },
        };
      return {
        ...found,
        source: {
          blobSha256: SHA,
          verified: true,
          startLine: start,
          lines: sampleLines(end - start + 1, start),
          truncated: end < s.endLine,
          error: null,
        },
      };
    },
    async callers(repo, symbol, options) {
      calls.push(`callers ${repo} ${symbol} ${JSON.stringify(options ?? {})}`);
      const s = findSymbol(repo, symbol);
      return {
        repo: s.repo,
        symbol: s.symbol,
        edges: [{ ...sampleEdge('main', 0.9), depth: 1, fromId: s.symbol.id, pathConfidence: 0.9 }],
        complete: 'exact',
        unresolvedCount: 0,
        truncated: false,
      };
    },
    async callees(repo, symbol, options) {
      calls.push(`callees ${repo} ${symbol} ${JSON.stringify(options ?? {})}`);
      const s = findSymbol(repo, symbol);
      return {
        repo: s.repo,
        symbol: s.symbol,
        edges: s.callees.map((e) => ({ ...e, depth: 1, fromId: s.symbol.id, pathConfidence: e.confidence })),
        complete: 'lower_bound',
        unresolvedCount: 1,
        truncated: false,
      };
    },
    async tests(repo, symbol) {
      findSymbol(repo, symbol);
      return { tests: [], complete: 'exact' };
    },
    async impact() {
      throw new CodehubError('InvalidInput', 'not used by the web');
    },
    async findPath() {
      throw new CodehubError('InvalidInput', 'not used by the web');
    },
    async search(query) {
      calls.push(`search ${JSON.stringify(query)}`);
      if (query.q === 'boom') throw new Error('database exploded');
      return query.q === 'oRS' ? [sampleHit()] : [];
    },
  };
}
