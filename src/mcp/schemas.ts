/**
 * Zod schemas for the MCP tools: inputs (bounded, so a bad call fails before it reaches the service)
 * and outputs (the `structuredContent` each tool returns, published to clients as `outputSchema`).
 */
import { z } from 'zod';
import { SYMBOL_KINDS } from '../core/facts.js';
import { DEFAULT_MIN_CONFIDENCE } from '../core/confidence.js';
import { repoIdProblem } from '../core/ids.js';

/** Bounds shared by every tool; an agent learns them from the input schema. */
export const LIMITS = {
  maxDepth: 5,
  maxLimit: 500,
  defaultListLimit: 100,
  defaultSearchLimit: 20,
  /**
   * Bytes of any tool result serialized as JSON, text and structuredContent together (each carries the answer once):
   * lists are cut to fit (and marked truncated), source is cut by line and column and says where to continue.
   */
  answerBytes: 256 * 1024,
  /** Lines of a symbol's source that get_symbol returns before marking it truncated. */
  symbolExcerptLines: 80,
  /** Characters of a symbol's source that get_symbol returns; the line where they run out is cut. */
  symbolExcerptChars: 32_000,
  /** Lines get_source returns per call; the answer says where to continue. */
  sourceLines: 400,
  /** Characters get_source reads per call: no more fit in the answer, which carries each twice. */
  sourceChars: 128 * 1024,
  /** Longest signature, return type, doc or test name in an answer; a longer one is cut with a marker. */
  textChars: 2_000,
  maxPaths: 10,
} as const;

// `host/owner/name`; a local checkout indexed without --name is `local/<dirname>`, so two segments pass too.
const REPO_ID = /^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)?$/;

/** Why a repo-relative path is refused, or null when it is safe to look up. */
export function unsafePathReason(path: string): string | null {
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  if (path.split(/[\\/]/).some((segment) => segment === '..')) return "has a '..' segment";
  return null;
}

const repo = z
  .string()
  .max(200)
  .regex(REPO_ID, 'repo must be host/owner/name, e.g. github.com/acme/widgets (see list_repos)')
  .superRefine((id, ctx) => {
    const problem = repoIdProblem(id);
    if (problem) ctx.addIssue({ code: 'custom', message: `repo ${problem} (see list_repos)` });
  })
  .describe('Repository id host/owner/name, as list_repos shows it.');
const symbol = z
  .string()
  .min(1)
  .max(512)
  .describe('Symbol id, qualified name (Class.method), plain name, or path:line.');
const depth = z.number().int().min(1).max(LIMITS.maxDepth);
const limit = z.number().int().min(1).max(LIMITS.maxLimit);
const minConfidence = z.number().min(0).max(1);
const path = z
  .string()
  .min(1)
  .max(1024)
  .superRefine((p, ctx) => {
    const why = unsafePathReason(p);
    if (why)
      ctx.addIssue({
        code: 'custom',
        message: `path ${why}: give a path relative to the repo root, e.g. src/index.ts`,
      });
  })
  .describe('File path relative to the repo root, e.g. src/index.ts.');
const line = z.number().int().min(1).max(10_000_000);
const column = z.number().int().min(1).max(2_000_000_000);

export const inputSchemas = {
  list_repos: z.object({
    limit: limit.optional().describe(`At most this many repos (default ${LIMITS.defaultListLimit}).`),
  }),
  search_symbols: z.object({
    query: z.string().min(1).max(200).describe('Name or part of a name; camel humps (gSF) match too.'),
    repo: repo.optional(),
    kind: z.enum(SYMBOL_KINDS).optional(),
    limit: limit.optional().describe(`Default ${LIMITS.defaultSearchLimit}.`),
  }),
  get_symbol: z.object({ repo, symbol }),
  get_source: z.object({
    repo,
    path,
    start_line: line.optional().describe('First line, 1-based (default 1).'),
    end_line: line.optional().describe(`Last line; at most ${LIMITS.sourceLines} lines per call.`),
    start_column: column
      .optional()
      .describe(
        'Column of start_line to start at, 1-based in UTF-16 code units (default 1); a cut line says where to go on.',
      ),
  }),
  get_callers: z.object({
    repo,
    symbol,
    depth: depth.optional().describe('Hops to follow, 1-5 (default 1).'),
    min_confidence: minConfidence
      .optional()
      .describe(
        `Drop edges below this confidence, 0-1 (default ${DEFAULT_MIN_CONFIDENCE}: guesses below it are counted, not listed; 0 lists every edge).`,
      ),
    limit: limit.optional().describe(`Default ${LIMITS.defaultListLimit}.`),
  }),
  get_callees: z.object({
    repo,
    symbol,
    depth: depth.optional().describe('Hops to follow, 1-5 (default 1).'),
    min_confidence: minConfidence
      .optional()
      .describe(
        `Drop edges below this confidence, 0-1 (default ${DEFAULT_MIN_CONFIDENCE}: guesses below it are counted, not listed; 0 lists every edge).`,
      ),
    limit: limit.optional().describe(`Default ${LIMITS.defaultListLimit}.`),
  }),
  get_tests: z.object({
    repo,
    symbol,
    limit: limit.optional().describe(`Default ${LIMITS.defaultListLimit}.`),
  }),
  impact: z.object({
    repo,
    symbol,
    depth: depth.optional().describe('Caller hops to follow, 1-5 (default 3).'),
    limit: limit.optional().describe(`Most affected symbols listed (default ${LIMITS.defaultListLimit}).`),
  }),
  find_path: z.object({
    repo,
    from: symbol.describe('Start symbol (the caller side).'),
    to: symbol.describe('Target symbol (the callee side).'),
    max_depth: depth.optional().describe('Longest path in calls, 1-5 (default 5).'),
  }),
};

// ---- outputs ----

/**
 * Whole numbers in answers (lines, depths, counts). Plain `number` in the published schema: zod's `.int()`
 * adds ±2^53 bounds to every such field, a fifth of the tools/list payload that agents pay for in context.
 */
const count = z.number();

/**
 * `T | null`, published as `anyOf: [T, {type: 'null'}]`. Zod folds a bare `T | null` into `type: [T, 'null']`,
 * which clients that map a schema onto one type per field reject (the MCP Inspector's strict check warns on
 * it); a null branch that says when the value is null is not folded, and tells the agent what null means.
 */
function orNull<T extends z.ZodType>(schema: T, whenNull: string): z.ZodUnion<[T, z.ZodNull]> {
  return z.union([schema, z.null().describe(whenNull)]);
}
const noWebHome = 'No web home (github.com repos only).';
const notStored = 'Content not stored.';

// Shapes used many times carry an id, so each tool's outputSchema defines them once and refers to them.

/** Where an answer comes from: enough to re-check it against the repository at that commit. */
export const evidenceSchema = z
  .object({
    repo: z.string(),
    commit: z.string(),
    path: z.string(),
    startLine: count,
    endLine: count,
    blobSha256: orNull(z.string(), notStored),
    permalink: orNull(z.string(), noWebHome),
  })
  .meta({ id: 'Evidence' });
export type Evidence = z.infer<typeof evidenceSchema>;

const symbolOut = z
  .object({
    id: z.string(),
    name: z.string(),
    qualifiedName: z.string(),
    kind: z.string(),
    path: z.string(),
    startLine: count,
    endLine: count,
    signature: z.string(),
    returnType: orNull(z.string(), 'None written.'),
    exported: z.boolean(),
    doc: orNull(z.string(), 'No doc comment.'),
    verified: orNull(z.boolean(), 'Not re-hashed for this answer.'),
    evidence: evidenceSchema,
  })
  .meta({ id: 'Symbol' });
export type SymbolOut = z.infer<typeof symbolOut>;

const completeness = z.enum(['exact', 'lower_bound']);

/** The last line of an excerpt when it stops inside it, so one long line cannot make an answer as big as the file. */
const lineCut = orNull(
  z.object({
    line: count,
    /** Last column served; the rest starts at endColumn + 1. */
    endColumn: count,
    /** The whole line's length in columns (UTF-16 code units). */
    columns: count,
  }),
  'Every line is whole.',
);

const edgeOut = z.object({
  id: z.string(),
  name: z.string(),
  qualifiedName: z.string(),
  kind: z.string(),
  path: z.string(),
  line: count,
  depth: count,
  fromId: z.string(),
  confidence: z.number(),
  pathConfidence: z.number(),
  reason: z.string(),
  candidates: orNull(count, 'One candidate.'),
  /** Where the call is written: the caller's file and the lines of the call. */
  callSite: z.object({ path: z.string(), lines: z.array(count) }),
  evidence: evidenceSchema,
});

const testOut = z
  .object({
    id: z.string(),
    name: z.string(),
    path: z.string(),
    startLine: count,
    endLine: count,
    depth: count,
    confidence: z.number(),
    command: orNull(z.string(), 'Runner unknown.'),
    evidence: evidenceSchema,
  })
  .meta({ id: 'Test' });

const snapshot = { repo: z.string(), commit: z.string() };

export const outputSchemas = {
  list_repos: z.object({
    repos: z.array(
      z.object({
        id: z.string(),
        commit: z.string(),
        ref: orNull(z.string(), 'Indexed without --ref.'),
        indexedAt: z.string(),
        files: count,
        symbols: count,
        edges: count,
        // An object with a value type (not z.record, whose `propertyNames` some schema dialects do not know).
        languages: z.object({}).catchall(count).describe('Files per language.'),
        webUrl: orNull(z.string(), noWebHome),
      }),
    ),
    total: count,
    truncated: z.boolean(),
  }),
  search_symbols: z.object({
    query: z.string(),
    hits: z.array(
      symbolOut.extend({
        repo: z.string(),
        callers: count,
        isTest: z.boolean(),
        match: z.string(),
      }),
    ),
    truncated: z.boolean(),
  }),
  get_symbol: z.object({
    ...snapshot,
    symbol: symbolOut,
    source: z.object({
      startLine: count,
      endLine: count,
      lines: z.array(z.string()),
      truncated: z.boolean(),
      cutLine: lineCut,
      blobSha256: z.string(),
      verified: z.boolean(),
    }),
    counts: z.object({
      callers: count,
      callees: count,
      tests: count,
      unresolvedThatMayCall: count,
    }),
    callersComplete: completeness,
    testsComplete: completeness,
  }),
  get_source: z.object({
    ...snapshot,
    path: z.string(),
    startLine: count,
    endLine: count,
    /** Column where lines[0] starts (start_column). */
    startColumn: count,
    lines: z.array(z.string()),
    verified: z.boolean(),
    truncated: z.boolean(),
    cutLine: lineCut,
    /** Where to continue reading when truncated (a line of the file); null at the end of the range asked for. */
    nextStartLine: orNull(count, 'Nothing follows.'),
    nextStartColumn: orNull(count, 'Nothing follows.'),
    evidence: evidenceSchema,
  }),
  traversal: z.object({
    ...snapshot,
    direction: z.enum(['callers', 'callees']),
    symbol: symbolOut,
    edges: z.array(edgeOut),
    complete: completeness,
    unresolvedCount: count,
    truncated: z.boolean(),
    /** Edges below min_confidence that were left out: min_confidence 0 lists them. */
    belowMinConfidence: count.describe(
      'Edges left out as below min_confidence; min_confidence 0 lists them.',
    ),
  }),
  get_tests: z.object({
    ...snapshot,
    symbol: symbolOut,
    tests: z.array(testOut),
    complete: completeness,
    truncated: z.boolean(),
  }),
  impact: z.object({
    ...snapshot,
    symbol: symbolOut,
    byFile: z.array(
      z.object({
        path: z.string(),
        blobSha256: orNull(z.string(), notStored),
        symbols: z.array(symbolOut.extend({ depth: count, pathConfidence: z.number() })),
      }),
    ),
    affectedSymbols: count,
    tests: z.array(testOut),
    complete: completeness,
    truncated: z.boolean(),
  }),
  find_path: z.object({
    ...snapshot,
    from: symbolOut,
    to: symbolOut,
    found: z.boolean(),
    paths: z.array(
      z.object({
        confidence: z.number(),
        symbols: z.array(symbolOut),
        edges: z.array(
          z.object({
            reason: z.string(),
            confidence: z.number(),
            callSite: z.object({ path: z.string(), lines: z.array(count) }),
          }),
        ),
      }),
    ),
    truncated: z.boolean(),
  }),
};

/** The repo id input every tool takes (bounded, checked like every other entry point). */
export const repoInput = repo;
