/**
 * MCP tool-call latency on a real index, through the SDK Client: `codehub mcp` over stdio and
 * `codehub serve` /mcp over Streamable HTTP (both child processes), plus the tool layer alone in memory.
 * The symbols asked about are the repo's most-called one (get_callers, depth 1 and 3) and its first search hit.
 *
 * Run: npx tsc -p . && node dist/bench/mcp-latency.js --data DIR [--repo host/owner/name] [--calls 300]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../src/mcp/mcp-server.js';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';

const ROOT = resolve(import.meta.dirname, '..', '..'); // dist/bench → project root
const BIN = join(ROOT, 'bin', 'codehub.js');

const { values } = parseArgs({
  options: { data: { type: 'string' }, repo: { type: 'string' }, calls: { type: 'string', default: '300' } },
});
if (!values.data) {
  console.error('usage: node dist/bench/mcp-latency.js --data DIR [--repo host/owner/name] [--calls N]');
  process.exit(2);
}
const dataDir = resolve(values.data);
const calls = Number(values.calls);

const ws = openWorkspace(dataDir);
const service = createQueryService(ws);
const repos = await service.listRepos();
const repo = values.repo
  ? repos.find((r) => r.id === values.repo)
  : repos.sort((a, b) => b.symbols - a.symbols)[0];
if (!repo) throw new Error(`no repo ${values.repo ?? ''} in ${dataDir}`);
const overview = await service.getRepo(repo.id);
const hot = overview.mostCalled[0];
if (!hot) throw new Error(`${repo.id} has no called symbol`);
console.log(
  `${repo.id}@${repo.commit.slice(0, 12)}: ${repo.files} files, ${repo.symbols} symbols, ${repo.edges} edges; ` +
    `most called: ${hot.qualifiedName} (${hot.callers} callers)`,
);

const CASES: Array<[string, Record<string, unknown>]> = [
  ['get_symbol', { repo: repo.id, symbol: hot.id }],
  ['get_callers', { repo: repo.id, symbol: hot.id }],
  ['get_callers', { repo: repo.id, symbol: hot.id, depth: 3 }],
];

function quantile(sorted: number[], q: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN).toFixed(2);
}

async function measure(label: string, client: Client): Promise<void> {
  await client.listTools();
  for (const [name, args] of CASES) {
    const first = await client.callTool({ name, arguments: args });
    if (first.isError) throw new Error(`${name}: ${JSON.stringify(first.content)}`);
    for (let i = 0; i < 20; i++) await client.callTool({ name, arguments: args }); // warm-up
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < calls; i++) {
      const start = process.hrtime.bigint();
      const r = await client.callTool({ name, arguments: args });
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      bytes = JSON.stringify(r).length;
    }
    ms.sort((a, b) => a - b);
    const extra = args.depth ? ` depth ${String(args.depth)}` : '';
    console.log(
      `${label.padEnd(9)} ${(name + extra).padEnd(19)} p50 ${quantile(ms, 0.5)} ms  p99 ${quantile(ms, 0.99)} ms  (${calls} calls, answer ${bytes} B)`,
    );
  }
}

/** Starts `codehub serve --port 0` and resolves with its URL once it prints it. */
function startServe(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveUrl, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = /^codehub hub: (\S+)$/m.exec(seen);
      if (m?.[1]) resolveUrl({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`codehub serve exited with ${code}`)));
  });
}

// The tool layer alone: same process, in-memory transport.
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await createMcpServer(service).connect(serverSide);
const memory = new Client({ name: 'bench', version: '0' });
await memory.connect(clientSide);
await measure('in-memory', memory);
await memory.close();
ws.close();

const stdio = new Client({ name: 'bench', version: '0' });
await stdio.connect(
  new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--data', dataDir] }),
);
await measure('stdio', stdio);
await stdio.close();

const { url, child } = await startServe();
const http = new Client({ name: 'bench', version: '0' });
await http.connect(new StreamableHTTPClientTransport(new URL('/mcp', url)));
await measure('http', http);
await http.close();
child.kill('SIGTERM');
