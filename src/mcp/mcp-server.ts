/**
 * The codehub MCP tool set, transport-agnostic: each tool validates its input, asks the query service,
 * and answers with readable text plus `structuredContent`, both carrying evidence.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { z } from 'zod';
import { DEFAULT_MIN_CONFIDENCE } from '../core/confidence.js';
import { CodehubError } from '../core/errors.js';
import { parseSymbolId } from '../core/ids.js';
import type { ChangeService } from '../service/change-service.js';
import type { QueryService, TestDTO, TraversalResult } from '../service/query-types.js';
import {
  answerBytes,
  clipText,
  cutForCap,
  fitItems,
  fitLines,
  toResult,
  type Answer,
  type LineCut,
} from './answer-budget.js';
import { changeToolInputs, registerChangeTools } from './change-tools.js';
import { toolErrorResult, withinAnswerCap } from './errors.js';
import {
  blobShaLookup,
  evidenceLine,
  numberedLines,
  permalinkFor,
  symbolOut,
  symbolTitle,
  type Snapshot,
} from './evidence.js';
import { LIMITS, inputSchemas, outputSchemas, type Evidence } from './schemas.js';
import { guardToolCalls } from './tool-call-guard.js';

export interface McpServerOptions {
  /** Base URL of the web hub, mentioned to agents so they can hand people a page. */
  hubUrl?: string;
  /** Snapshot comparisons: with it, change_impact and tests_for_symbols are served too. */
  changes?: ChangeService;
}

export const SERVER_NAME = 'codehub';
export const SERVER_VERSION = '0.1.0';

// The server only uses a JSON Schema validator for elicitation; building Ajv per server cost ~6 ms,
// which the stateless HTTP endpoint would pay on every request. One shared instance is enough.
let sharedValidator: AjvJsonSchemaValidator | undefined;

type ToolAnswer<O extends z.ZodType> = Answer<z.infer<O>>;

/** Room kept in the answer cap for what a page of source adds besides its lines (the cut marker, wider numbers). */
const PAGE_SLACK_BYTES = 1024;

/** Tool inputs by tool name (get_callers and get_callees share one shape). */
const toolInputs: Readonly<Record<string, z.ZodType>> = { ...inputSchemas, ...changeToolInputs };

/** The SDK's server, with each transport it serves guarded so that a malformed tool call gets a one-line answer. */
class GuardedMcpServer extends McpServer {
  override connect(transport: Transport): Promise<void> {
    return super.connect(guardToolCalls(transport, toolInputs));
  }
}

/** Builds an MCP server exposing codehub's questions as tools over any transport. */
export function createMcpServer(service: QueryService, options: McpServerOptions = {}): McpServer {
  const server = new GuardedMcpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      jsonSchemaValidator: (sharedValidator ??= new AjvJsonSchemaValidator()),
      instructions:
        'codehub answers questions about indexed repositories: symbols, call graph with confidence, tests. ' +
        'Every answer cites repo@commit, path, lines, blob sha256 and a permalink.' +
        (options.hubUrl ? ` People can browse the same answers at ${options.hubUrl}.` : ''),
    },
  );

  /**
   * Registers one tool; the handler's errors become results in toolErrorResult, nowhere else, and no result leaves
   * over the answer cap.
   */
  function tool<I extends z.ZodObject, O extends z.ZodObject>(
    name: string,
    description: string,
    input: I,
    output: O,
    run: (args: z.infer<I>) => Promise<ToolAnswer<O>>,
  ): void {
    const handler = async (args: z.infer<I>): Promise<CallToolResult> => {
      let result: CallToolResult;
      try {
        result = toResult(await run(args));
      } catch (err) {
        result = toolErrorResult(err);
      }
      return withinAnswerCap(name, result);
    };
    server.registerTool(
      name,
      {
        description,
        inputSchema: input,
        outputSchema: output,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      handler as never,
    );
  }

  if (options.changes) registerChangeTools(tool, options.changes);

  async function snapshotOf(repo: string): Promise<Snapshot> {
    const found = (await service.listRepos()).find((r) => r.id === repo);
    // The service names the closest repos itself; this only guards a repo removed between two calls.
    if (!found) throw new CodehubError('RepoNotFound', `repo ${repo} is not indexed`);
    return { id: found.id, commit: found.commit };
  }

  async function shaOf(snap: Snapshot): Promise<(path: string) => string | null> {
    try {
      return await blobShaLookup(service, snap);
    } catch {
      return () => null; // evidence degrades to "not-stored" rather than failing the answer
    }
  }

  tool(
    'list_repos',
    'List the indexed repositories with their snapshot commit and file, symbol and edge counts. Call it first to learn the repo ids the other tools take.',
    inputSchemas.list_repos,
    outputSchemas.list_repos,
    async ({ limit }) => {
      const all = await service.listRepos();
      const max = limit ?? LIMITS.defaultListLimit;
      const listed = all.slice(0, max).map((r) => ({
        id: r.id,
        commit: r.commit,
        ref: r.ref,
        indexedAt: r.indexedAt,
        files: r.files,
        symbols: r.symbols,
        edges: r.edges,
        languages: r.languages,
        webUrl: r.webUrl,
      }));
      return fitItems(listed.length, (n) => {
        const repos = listed.slice(0, n);
        const truncated = all.length > n;
        const why =
          n < listed.length
            ? `, ${cutForCap(n, all.length, 'lower limit')}`
            : truncated
              ? `, first ${max} shown (raise limit)`
              : '';
        const text = [
          `${all.length} indexed repo(s)${why}`,
          ...repos.map(
            (r) =>
              `- ${r.id}@${r.commit}${r.ref ? ` (${r.ref})` : ''}: ${r.files} files, ${r.symbols} symbols, ${r.edges} edges; indexed ${r.indexedAt}${r.webUrl ? ` ${r.webUrl}` : ''}`,
          ),
        ].join('\n');
        return { text, data: { repos, total: all.length, truncated } };
      });
    },
  );

  tool(
    'search_symbols',
    'Find functions, classes, methods and other symbols by name (exact, prefix, camel humps like sDF, then substring), ranked like the web search. Use it to turn a name into a symbol id before asking about callers, tests or source.',
    inputSchemas.search_symbols,
    outputSchemas.search_symbols,
    async ({ query, repo, kind, limit }) => {
      const max = limit ?? LIMITS.defaultSearchLimit;
      const [found, repos] = await Promise.all([
        service.search({ q: query, repo, kind, limit: max + 1 }),
        service.listRepos(),
      ]);
      const commits = new Map(repos.map((r) => [r.id, r.commit]));
      const all = found.slice(0, max).map((h) => ({
        ...symbolOut({ id: h.repo, commit: commits.get(h.repo) ?? 'unknown' }, h),
        repo: h.repo,
        callers: h.callers,
        isTest: h.isTest,
        match: h.match,
      }));
      return fitItems(all.length, (n) => {
        const hits = all.slice(0, n);
        const truncated = found.length > n;
        const why =
          n < all.length
            ? ` (${cutForCap(n, all.length, 'lower limit or add repo/kind')})`
            : truncated
              ? ` (truncated at ${max}; raise limit or add repo/kind)`
              : '';
        const text = [
          `${hits.length} match(es) for "${query}"${why}`,
          ...hits.map(
            (h) =>
              `- ${h.id} — ${symbolTitle(h)} [${h.match}, ${h.callers} callers${h.isTest ? ', test' : ''}]\n  ${evidenceLine(h.evidence)}`,
          ),
        ].join('\n');
        return { text, data: { query, hits, truncated } };
      });
    },
  );

  tool(
    'get_symbol',
    'Look up one symbol: signature, location, a hash-verified source excerpt with line numbers, and how many callers, callees and tests it has. Use it to read a definition before deciding what to ask next.',
    inputSchemas.get_symbol,
    outputSchemas.get_symbol,
    async ({ repo, symbol }) => {
      // The excerpt comes from the same show() call, so it is read from the same snapshot as the symbol
      // (a second lookup by repo id could land on a snapshot published in between).
      const shown = await service.show(repo, symbol, {
        contextBefore: 0,
        maxLines: LIMITS.symbolExcerptLines,
        maxChars: LIMITS.symbolExcerptChars,
      });
      const s = shown.symbol;
      const snap = { id: shown.repo.id, commit: shown.repo.commit };
      const excerptEnd = Math.min(s.endLine, s.startLine + LIMITS.symbolExcerptLines - 1);
      const src = shown.source;
      if (!src.verified)
        throw new CodehubError(
          /missing/i.test(src.error ?? '') ? 'BlobMissing' : 'BlobHashMismatch',
          src.error ?? `stored blob of ${s.path} does not match sha256 ${src.blobSha256}`,
        );
      const counts = {
        callers: shown.callers.length,
        callees: shown.callees.length,
        tests: shown.tests.length,
        unresolvedThatMayCall: shown.unresolvedThatMayCall,
      };
      const out = symbolOut(snap, s);
      const render = (
        lines: string[],
        cutLine: LineCut | null,
      ): ToolAnswer<typeof outputSchemas.get_symbol> => {
        const endLine = src.startLine + Math.max(lines.length, 1) - 1;
        const source = {
          startLine: src.startLine,
          endLine,
          lines,
          truncated: endLine < s.endLine || cutLine !== null,
          cutLine,
          blobSha256: src.blobSha256,
          verified: src.verified,
        };
        const text = [
          `${symbolTitle(out)}  (id ${s.id})`,
          `evidence: ${evidenceLine(out.evidence)} (${s.verified === false ? 'hash MISMATCH' : 'hash-verified'})`,
          out.doc ? `doc: ${out.doc}` : null,
          `callers: ${counts.callers} (${shown.callersComplete}${counts.unresolvedThatMayCall ? `; ${counts.unresolvedThatMayCall} unresolved call sites could hide more` : ''}) · callees: ${counts.callees} · tests: ${counts.tests} (${shown.testsComplete})`,
          numberedLines(source.startLine, lines, { cut: cutLine, continueWith: 'get_source ' }),
          source.truncated && !cutLine
            ? `… truncated at line ${endLine} of ${s.endLine}; use get_source for the rest.`
            : null,
        ]
          .filter((l) => l !== null)
          .join('\n');
        return {
          text,
          data: {
            repo: snap.id,
            commit: snap.commit,
            symbol: out,
            source,
            counts,
            callersComplete: shown.callersComplete,
            testsComplete: shown.testsComplete,
          },
        };
      };
      const excerpt = src.lines.slice(0, excerptEnd - src.startLine + 1);
      const room = LIMITS.answerBytes - answerBytes(render([], null)) - PAGE_SLACK_BYTES;
      const page = fitLines(excerpt, src.startLine, 1, src.cut, room);
      return render(page.lines, page.cut);
    },
  );

  tool(
    'get_source',
    `Read hash-verified lines of a file at the indexed commit, at most ${LIMITS.sourceLines} lines per call. Use it for context around a symbol or for code that is not inside one.`,
    inputSchemas.get_source,
    outputSchemas.get_source,
    async ({ repo, path, start_line, end_line, start_column }) => {
      const start = start_line ?? 1;
      const startColumn = start_column ?? 1;
      if (end_line !== undefined && end_line < start) {
        throw new CodehubError('InvalidInput', `end_line ${end_line} is before start_line ${start}`);
      }
      const capEnd = start + LIMITS.sourceLines - 1;
      // Ask for one line past the cap: getting it back is how we know the range goes on.
      const askEnd = end_line !== undefined && end_line <= capEnd ? end_line : capEnd + 1;
      const [snap, src] = await Promise.all([
        snapshotOf(repo),
        service.getSource(repo, path, start, askEnd, { startColumn, maxChars: LIMITS.sourceChars }),
      ]);
      if (!src.verified)
        throw new CodehubError(
          'BlobHashMismatch',
          `stored blob of ${path} does not match sha256 ${src.blobSha256}`,
        );
      if (src.lines.length === 0)
        throw new CodehubError('InvalidInput', `start_line ${start} is past the end of ${path}`);
      const wanted = src.lines.slice(0, capEnd - src.startLine + 1);
      // Lines the service returned past the page, or past the cap: the next line exists.
      const moreLines = src.lines.length > wanted.length || (src.truncated && !src.cut);
      const render = (
        lines: string[],
        cutLine: LineCut | null,
      ): ToolAnswer<typeof outputSchemas.get_source> => {
        const endLine = src.startLine + Math.max(lines.length, 1) - 1;
        const evidence: Evidence = {
          repo: snap.id,
          commit: snap.commit,
          path: src.path,
          startLine: src.startLine,
          endLine,
          blobSha256: src.blobSha256,
          permalink: permalinkFor(snap, src.path, src.startLine, endLine),
        };
        // Every continuation points at a line and column that exist: the rest of a cut line, or the next line.
        const next = cutLine
          ? { line: cutLine.line, column: cutLine.endColumn + 1 }
          : lines.length < wanted.length || moreLines
            ? { line: endLine + 1, column: 1 }
            : null;
        const text = [
          `evidence: ${evidenceLine(evidence)} (hash-verified)`,
          numberedLines(src.startLine, lines, { startColumn, cut: cutLine }),
          next && !cutLine ? `… truncated; continue with start_line ${next.line}.` : null,
        ]
          .filter((l) => l !== null)
          .join('\n');
        return {
          text,
          data: {
            repo: snap.id,
            commit: snap.commit,
            path: src.path,
            startLine: src.startLine,
            endLine,
            startColumn,
            lines,
            verified: src.verified,
            truncated: next !== null,
            cutLine,
            nextStartLine: next?.line ?? null,
            nextStartColumn: next?.column ?? null,
            evidence,
          },
        };
      };
      const room = LIMITS.answerBytes - answerBytes(render([], null)) - PAGE_SLACK_BYTES;
      const page = fitLines(wanted, src.startLine, startColumn, src.cut, room);
      return render(page.lines, page.cut);
    },
  );

  async function traversalAnswer(
    direction: 'callers' | 'callees',
    r: TraversalResult,
    asked: { depth: number; minConfidence: number; limit: number },
  ): Promise<ToolAnswer<typeof outputSchemas.traversal>> {
    const snap = { id: r.repo.id, commit: r.repo.commit };
    const sha = await shaOf(snap);
    const edges = r.edges.map((e) => {
      // The call is written in the caller's file: the other end for callers, the near end for callees.
      const callerPath = direction === 'callers' ? e.path : (parseSymbolId(e.fromId)?.path ?? r.symbol.path);
      return {
        id: e.id,
        name: e.name,
        qualifiedName: e.qualifiedName,
        kind: e.kind,
        path: e.path,
        line: e.line,
        depth: e.depth,
        fromId: e.fromId,
        confidence: e.confidence,
        pathConfidence: e.pathConfidence,
        reason: e.reason,
        candidates: e.candidates ?? null,
        callSite: { path: callerPath, lines: e.callLines },
        evidence: {
          repo: snap.id,
          commit: snap.commit,
          path: e.path,
          startLine: e.line,
          endLine: e.line,
          blobSha256: sha(e.path),
          permalink: permalinkFor(snap, e.path, e.line),
        },
      };
    });
    const subject = symbolOut(snap, r.symbol);
    const below = r.belowMinConfidence ?? 0;
    const label = direction === 'callers' ? 'Callers of' : 'Callees of';
    const edgeLines = edges.map(
      (e) =>
        `- d${e.depth} ${e.confidence.toFixed(2)} ${e.reason}${e.candidates ? ` (1 of ${e.candidates} candidates)` : ''} — ${symbolTitle({ ...e, signature: '', returnType: null })} (id ${e.id})\n  call at ${e.callSite.path}:${e.callSite.lines.join(',')}; ${evidenceLine(e.evidence, false)}`,
    );
    return fitItems(edges.length, (n) => {
      const why =
        n < edges.length
          ? `; ${cutForCap(n, edges.length, 'lower limit or depth, or raise min_confidence')}`
          : r.truncated
            ? `; truncated at limit ${asked.limit} (raise limit or min_confidence)`
            : '';
      const text = [
        `${label} ${symbolTitle(subject)} — depth ≤ ${asked.depth}, confidence ≥ ${asked.minConfidence}`,
        `evidence: ${evidenceLine(subject.evidence)}`,
        `${n} edge(s), ${r.complete === 'exact' ? 'exact' : `lower bound: ${r.unresolvedCount} unresolved call site(s) could hide more`}${why}`,
        ...(below > 0
          ? [
              `${below} lower-confidence edge(s) below ${asked.minConfidence} not listed (min_confidence 0 lists them)`,
            ]
          : []),
        ...edgeLines.slice(0, n),
      ].join('\n');
      return {
        text,
        data: {
          repo: snap.id,
          commit: snap.commit,
          direction,
          symbol: subject,
          edges: edges.slice(0, n),
          complete: r.complete,
          unresolvedCount: r.unresolvedCount,
          truncated: r.truncated || n < edges.length,
          belowMinConfidence: below,
        },
      };
    });
  }

  for (const direction of ['callers', 'callees'] as const) {
    tool(
      `get_${direction}`,
      direction === 'callers'
        ? 'List who calls a symbol, up to 5 hops back, with each edge’s confidence, resolution reason and call-site lines. Use it before changing a symbol; it says whether the list is exact or a lower bound.'
        : 'List what a symbol calls, up to 5 hops deep, with each edge’s confidence, resolution reason and call-site lines. Use it to see what a function depends on.',
      direction === 'callers' ? inputSchemas.get_callers : inputSchemas.get_callees,
      outputSchemas.traversal,
      async ({ repo, symbol, depth, min_confidence, limit }) => {
        const asked = {
          depth: depth ?? 1,
          minConfidence: min_confidence ?? DEFAULT_MIN_CONFIDENCE,
          limit: limit ?? LIMITS.defaultListLimit,
        };
        const r = await service[direction](repo, symbol, asked);
        return traversalAnswer(direction, r, asked);
      },
    );
  }

  function testsOut(snap: Snapshot, tests: TestDTO[], sha: (p: string) => string | null) {
    return tests.map((t) => ({
      id: t.id,
      name: clipText(t.name),
      path: t.path,
      startLine: t.startLine,
      endLine: t.endLine,
      depth: t.depth,
      confidence: t.confidence,
      command: t.command,
      evidence: {
        repo: snap.id,
        commit: snap.commit,
        path: t.path,
        startLine: t.startLine,
        endLine: t.endLine,
        blobSha256: sha(t.path),
        permalink: permalinkFor(snap, t.path, t.startLine, t.endLine),
      },
    }));
  }

  function testLines(tests: ReturnType<typeof testsOut>): string[] {
    return tests.map(
      (t) =>
        `- ${t.name} (depth ${t.depth}, path confidence ${t.confidence.toFixed(2)})\n  run: ${t.command ?? '(runner unknown)'}\n  ${evidenceLine(t.evidence, false)}`,
    );
  }

  tool(
    'get_tests',
    'List the tests that reach a symbol through the call graph, with depth, path confidence and the command that runs each. Use it to choose which tests to run after changing the symbol.',
    inputSchemas.get_tests,
    outputSchemas.get_tests,
    async ({ repo, symbol, limit }) => {
      const max = limit ?? LIMITS.defaultListLimit;
      const [sym, found, snap] = await Promise.all([
        service.resolveSymbol(repo, symbol),
        service.tests(repo, symbol),
        snapshotOf(repo),
      ]);
      const sha = await shaOf(snap);
      const listed = testsOut(snap, found.tests.slice(0, max), sha);
      const listedLines = testLines(listed);
      const subject = symbolOut(snap, sym);
      const complete =
        found.complete === 'exact' ? 'exact' : 'lower bound: some test files could not be analysed';
      return fitItems(listed.length, (n) => {
        const tests = listed.slice(0, n);
        const truncated = found.tests.length > n;
        const why =
          n < listed.length
            ? `; ${cutForCap(n, found.tests.length, 'lower limit')}`
            : truncated
              ? `; first ${max} shown (raise limit)`
              : '';
        const text = [
          `Tests reaching ${symbolTitle(subject)}`,
          `evidence: ${evidenceLine(subject.evidence)}`,
          found.tests.length === 0
            ? `No test reaches this symbol (${complete}).`
            : `${found.tests.length} test(s), ${complete}${why}`,
          ...listedLines.slice(0, n),
        ].join('\n');
        return {
          text,
          data: {
            repo: snap.id,
            commit: snap.commit,
            symbol: subject,
            tests,
            complete: found.complete,
            truncated,
          },
        };
      });
    },
  );

  tool(
    'impact',
    'Estimate the blast radius of changing a symbol: transitive callers grouped by file and the tests that cover them, exact or lower bound. Use it to plan a change and which tests to run.',
    inputSchemas.impact,
    outputSchemas.impact,
    async ({ repo, symbol, depth, limit }) => {
      const max = limit ?? LIMITS.defaultListLimit;
      const r = await service.impact(repo, symbol, depth ?? 3);
      const snap = { id: r.repo.id, commit: r.repo.commit };
      const sha = await shaOf(snap);
      const affectedSymbols = r.byFile.reduce((sum, file) => sum + file.symbols.length, 0);
      // The first `max` affected symbols, in file order, and as many covering tests.
      let left = max;
      const files: z.infer<typeof outputSchemas.impact>['byFile'] = [];
      for (const file of r.byFile) {
        if (left <= 0) break;
        const symbols = file.symbols
          .slice(0, left)
          .map((s) => ({ ...symbolOut(snap, s), depth: s.depth, pathConfidence: s.pathConfidence }));
        left -= symbols.length;
        files.push({ path: file.path, blobSha256: sha(file.path), symbols });
      }
      const allTests = testsOut(snap, r.tests.slice(0, max), sha);
      const subject = symbolOut(snap, r.symbol);
      const listed = Math.min(max, Math.max(affectedSymbols, r.tests.length));
      return fitItems(listed, (k) => {
        let room = k;
        const byFile = [];
        for (const file of files) {
          if (room <= 0) break;
          const symbols = file.symbols.slice(0, room);
          room -= symbols.length;
          byFile.push({ ...file, symbols });
        }
        const tests = allTests.slice(0, k);
        const truncated = r.truncated || affectedSymbols > k || r.tests.length > k;
        const why =
          k < listed
            ? `; ${cutForCap(k, listed, 'lower limit or depth')}`
            : truncated
              ? `; truncated at limit ${max}`
              : '';
        const text = [
          `Impact of changing ${symbolTitle(subject)} — ${affectedSymbols} caller symbol(s) in ${r.byFile.length} file(s), ${r.tests.length} covering test(s); ${r.complete === 'exact' ? 'exact' : 'lower bound (unresolved calls could hide more)'}${why}`,
          `evidence: ${evidenceLine(subject.evidence)}`,
          ...byFile.flatMap((f) => [
            `${f.path} sha256:${f.blobSha256 ?? 'not-stored'}`,
            ...f.symbols.map((s) =>
              `  - d${s.depth} ${s.pathConfidence.toFixed(2)} ${symbolTitle(s)} :${s.startLine}-${s.endLine} ${s.evidence.permalink ?? ''}`.trimEnd(),
            ),
          ]),
          tests.length ? 'Covering tests:' : 'No covering test found.',
          ...testLines(tests),
        ].join('\n');
        return {
          text,
          data: {
            repo: snap.id,
            commit: snap.commit,
            symbol: subject,
            byFile,
            affectedSymbols,
            tests,
            complete: r.complete,
            truncated,
          },
        };
      });
    },
  );

  tool(
    'find_path',
    'Find the shortest call paths from one symbol to another, best confidence first. Use it to check whether and how A can reach B.',
    inputSchemas.find_path,
    outputSchemas.find_path,
    async ({ repo, from, to, max_depth }) => {
      const maxDepth = max_depth ?? LIMITS.maxDepth;
      const r = await service.findPath(repo, from, to, maxDepth);
      const snap = { id: r.repo.id, commit: r.repo.commit };
      const listed = r.paths.slice(0, LIMITS.maxPaths).map((p) => ({
        confidence: p.confidence,
        symbols: p.symbols.map((s) => symbolOut(snap, s)),
        edges: p.edges.map((e, i) => ({
          reason: e.reason,
          confidence: e.confidence,
          callSite: { path: p.symbols[i]?.path ?? e.path, lines: e.callLines },
        })),
      }));
      const fromOut = symbolOut(snap, r.from);
      const toOut = symbolOut(snap, r.to);
      const pathTexts = listed.map((p, n) =>
        [
          `path ${n + 1} (confidence ${p.confidence.toFixed(2)}):`,
          ...p.symbols.map((s, i) => {
            const edge = p.edges[i];
            const via = edge
              ? `\n      ↓ ${edge.reason} ${edge.confidence.toFixed(2)}, call at ${edge.callSite.path}:${edge.callSite.lines.join(',')}`
              : '';
            return `  ${s.qualifiedName} ${evidenceLine(s.evidence, false)}${via}`;
          }),
        ].join('\n'),
      );
      return fitItems(listed.length, (n) => {
        const paths = listed.slice(0, n);
        const truncated = r.paths.length > n;
        const why =
          n < listed.length
            ? `, ${cutForCap(n, r.paths.length, 'lower max_depth')}`
            : truncated
              ? `, first ${n} shown`
              : '';
        const text = [
          r.paths.length
            ? `${r.paths.length} shortest path(s) from ${r.from.qualifiedName} to ${r.to.qualifiedName}${why}`
            : `No call path from ${r.from.qualifiedName} to ${r.to.qualifiedName} within ${maxDepth} call(s).`,
          `from: ${evidenceLine(fromOut.evidence)}`,
          `to:   ${evidenceLine(toOut.evidence)}`,
          ...pathTexts.slice(0, n),
        ].join('\n');
        return {
          text,
          data: {
            repo: snap.id,
            commit: snap.commit,
            from: fromOut,
            to: toOut,
            found: r.paths.length > 0,
            paths,
            truncated,
          },
        };
      });
    },
  );

  return server;
}
