/**
 * Concurrent query load on loopback with autocannon (fixed duration, bounded connections), for plain GETs and
 * for MCP tool calls over Streamable HTTP (JSON-RPC POST; a session id is obtained first if the server is stateful).
 */
import { createRequire } from 'node:module';

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
