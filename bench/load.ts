/**
 * Concurrent query load on loopback with autocannon (fixed duration, bounded connections), for plain GETs and
 * for MCP tool calls over Streamable HTTP (JSON-RPC POST; a session id is obtained first if the server is stateful).
 */
import { createRequire } from 'node:module';
import { CODEHUB_ROUTES } from './codehub-cli.js';
import { syntheticClassName, syntheticPath } from './corpora.js';

/** Throughput and latency of one load run. */
export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

type Autocannon = (
  options: {
    url: string;
    connections: number;
    duration?: number;
    amount?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  },
  callback: (err: Error | null, result: AutocannonResult) => void,
) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Options of one load run: either `durationSec` or `amount` bounds it. */
export interface LoadOptions {
  url: string;
  connections: number;
  durationSec?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** Runs autocannon and returns req/s, p50, p99. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount !== undefined
          ? { amount: options.amount }
          : { duration: options.durationSec ?? 10 }),
        method: options.method ?? 'GET',
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          requests: result.requests.total,
          reqPerSec: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
  });
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/**
 * Prepares headers for MCP tool calls: initializes once; if the server hands out an `mcp-session-id` (stateful),
 * later calls carry it, otherwise (stateless) plain POSTs suffice.
 */
export async function mcpHeaders(mcpUrl: string): Promise<Record<string, string>> {
  const init = await fetch(mcpUrl, {
    method: 'POST',
    headers: MCP_HEADERS,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'codehub-bench', version: '1' },
      },
    }),
  });
  await init.text();
  if (!init.ok) throw new Error(`MCP initialize failed: HTTP ${init.status}`);
  const session = init.headers.get('mcp-session-id');
  const protocol = { 'mcp-protocol-version': '2025-06-18' };
  if (!session) return { ...MCP_HEADERS, ...protocol };
  const headers = { ...MCP_HEADERS, ...protocol, 'mcp-session-id': session };
  await (
    await fetch(mcpUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    })
  ).text();
  return headers;
}

/** JSON-RPC body of one `tools/call`. */
export function mcpToolCallBody(call: { name: string; arguments: Record<string, unknown> }): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: call });
}

/** Sends one request and throws unless it is a 2xx whose body has no error — so a load run never times 404s. */
export async function checkOnce(url: string, init: RequestInit = {}): Promise<void> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} → HTTP ${response.status}: ${text.slice(0, 200)}`);
  if (/"isError"\s*:\s*true|"error"\s*:\s*\{/.test(text))
    throw new Error(`${url} answered an error: ${text.slice(0, 200)}`);
}

/** The questions of the query-load section, in the order they run. */
export const LOAD_QUERIES = [
  'symbol page HTML',
  '/api/v1 symbol',
  'MCP get_symbol',
  'MCP get_callers',
  'search',
] as const;

/** One row of the query-load section: a result, or why the query could not be loaded. */
export interface LoadRow {
  label: (typeof LOAD_QUERIES)[number];
  result: LoadResult | null;
  error: string | null;
}

/**
 * Loads one running server with every question of LOAD_QUERIES (or those in `only`) about one symbol of `repo` (each
 * checked once first, so a run never times errors); `bound` is the autocannon run of each (connections, duration or
 * amount).
 */
export async function loadEveryQuery(
  base: string,
  repo: string,
  symbolId: string,
  bound: { connections: number; durationSec?: number; amount?: number },
  only: ReadonlyArray<LoadRow['label']> = LOAD_QUERIES,
): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const asked = new Set(only);
  const mcpUrl = `${base}${CODEHUB_ROUTES.mcp}`;
  const runOne = async (
    label: LoadRow['label'],
    url: string,
    init?: { headers: Record<string, string>; body: string },
  ): Promise<void> => {
    if (!asked.has(label)) return;
    try {
      await checkOnce(url, init ? { method: 'POST', headers: init.headers, body: init.body } : {});
      const result = await runLoad({
        url,
        ...bound,
        ...(init ? { method: 'POST', headers: init.headers, body: init.body } : {}),
      });
      rows.push({ label, result, error: null });
    } catch (err) {
      rows.push({ label, result: null, error: err instanceof Error ? err.message : String(err) });
    }
  };
  await runOne('symbol page HTML', `${base}${CODEHUB_ROUTES.symbolPage(repo, symbolId)}`);
  await runOne('/api/v1 symbol', `${base}${CODEHUB_ROUTES.apiSymbol(repo, symbolId)}`);
  let headers: Record<string, string> | null = null;
  try {
    if (asked.has('MCP get_symbol') || asked.has('MCP get_callers')) headers = await mcpHeaders(mcpUrl);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    rows.push(
      { label: 'MCP get_symbol', result: null, error },
      { label: 'MCP get_callers', result: null, error },
    );
  }
  if (headers) {
    await runOne('MCP get_symbol', mcpUrl, {
      headers,
      body: mcpToolCallBody(CODEHUB_ROUTES.mcpGetSymbol(repo, symbolId)),
    });
    await runOne('MCP get_callers', mcpUrl, {
      headers,
      body: mcpToolCallBody(CODEHUB_ROUTES.mcpGetCallers(repo, symbolId)),
    });
  }
  await runOne('search', `${base}${CODEHUB_ROUTES.apiSearch(repo, 'Service4')}`);
  return rows;
}

/** The symbol the load asks about: a method of the middle file of the search corpus (`files` files). */
export function searchCorpusSymbol(base: string, repo: string, files: number): Promise<string> {
  const mid = Math.floor(files / 2);
  const method = [
    'load',
    'save',
    'validate',
    'render',
    'compute',
    'merge',
    'apply',
    'resolve',
    'format',
    'parse',
    'sync',
    'track',
  ][(mid + 1) % 12];
  const expected = `${syntheticPath(mid)}::${syntheticClassName(mid)}.${method}1:method`;
  return resolveBenchSymbol(base, repo, expected, syntheticClassName(mid));
}

/**
 * The id the generator expects (`path::Class.method:method`, src/core/ids.ts); if the API does not know it,
 * the first search hit for the class name — so a change in id details does not void the load rows.
 */
export async function resolveBenchSymbol(
  base: string,
  repo: string,
  expected: string,
  className: string,
): Promise<string> {
  const direct = await fetch(`${base}${CODEHUB_ROUTES.apiSymbol(repo, expected)}`);
  await direct.text();
  if (direct.ok) return expected;
  // The first method of the expected file (the generator's method names depend on its shape).
  const file = await fetch(`${base}${CODEHUB_ROUTES.apiBlob(repo, expected.split('::')[0]!)}`);
  if (file.ok) {
    const method = /"id":\s*"([^"]+:method)"/.exec(await file.text())?.[1];
    if (method) return method;
  }
  const response = await fetch(`${base}${CODEHUB_ROUTES.apiSearch(repo, className)}`);
  if (!response.ok) return expected;
  const body = (await response.json()) as unknown;
  const list = Array.isArray(body)
    ? body
    : ((body as { hits?: unknown[]; results?: unknown[] }).hits ??
      (body as { results?: unknown[] }).results ??
      []);
  const hit =
    (list as Array<{ id?: unknown; kind?: unknown }>).find((h) => h.kind === 'method') ??
    (list as Array<{ id?: unknown }>)[0];
  return typeof hit?.id === 'string' ? hit.id : expected;
}
