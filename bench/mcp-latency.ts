/**
 * MCP tool-call latency through the SDK Client: in-memory transport (the tool layer alone) and
 * Streamable HTTP on a loopback port (new server + transport per request). Uses the fixed test
 * service, so it measures the protocol layer, not the index.
 * Run: npx tsc -p . && node dist/bench/mcp-latency.js [calls]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpHttpHandler, loopbackAllowList } from '../src/mcp/http.js';
import { createMcpServer } from '../src/mcp/mcp-server.js';
import { FixedQueryService, REPO } from '../test/helpers/fixed-query-service.js';

const calls = Number(process.argv[2] ?? 500);
const CASES = [
  ['get_symbol', { repo: REPO, symbol: 'Cart.add' }],
  ['get_callers', { repo: REPO, symbol: 'save', depth: 3 }],
] as const;

async function measure(label: string, client: Client): Promise<void> {
  for (const [name, args] of CASES) {
    for (let i = 0; i < 50; i++) await client.callTool({ name, arguments: args }); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < calls; i++) {
      const start = process.hrtime.bigint();
      await client.callTool({ name, arguments: args });
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const at = (q: number): string => ms[Math.min(ms.length - 1, Math.floor(ms.length * q))]!.toFixed(3);
    console.log(`${label} ${name}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${calls} calls)`);
  }
}

const service = new FixedQueryService();
const server = createMcpServer(service);
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
const memoryClient = new Client({ name: 'bench', version: '0' });
await memoryClient.connect(clientSide);
await memoryClient.listTools();
await measure('in-memory', memoryClient);
await memoryClient.close();

const mount: { handler?: ReturnType<typeof createMcpHttpHandler> } = {};
const http = createServer((req, res) => void mount.handler?.(req, res));
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const port = (http.address() as AddressInfo).port;
mount.handler = createMcpHttpHandler(service, loopbackAllowList(port));
const httpClient = new Client({ name: 'bench', version: '0' });
await httpClient.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
await httpClient.listTools();
await measure('http', httpClient);
await httpClient.close();
http.closeAllConnections();
http.close();
