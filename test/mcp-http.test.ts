// The /mcp Streamable HTTP handler mounted on the hub's web server on an ephemeral 127.0.0.1 port:
// the SDK client end to end, DNS-rebinding checks (done by the server for every route), body limits and
// malformed JSON-RPC.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHttpHandler } from '../src/mcp/http.js';
import { createWebServer, type WebServer } from '../src/web/server.js';
import { COMMIT, FixedQueryService, REPO } from './helpers/fixed-query-service.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};
const MCP_ACCEPT = 'application/json, text/event-stream';

describe('MCP over Streamable HTTP', () => {
  let web: WebServer;
  let port: number;

  before(async () => {
    const service = new FixedQueryService();
    const handler = createMcpHttpHandler(service, { maxBodyBytes: 1024 * 1024 });
    web = createWebServer({ service, port: 0, mcpHandler: handler });
    port = Number(new URL(await web.listen()).port);
  });
  after(async () => {
    await web.close();
  });

  /** A raw HTTP exchange, so that Host, Origin and bodies can be anything a hostile page could send. */
  function raw(
    method: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/mcp', method, headers: { host: `127.0.0.1:${port}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
    return raw('POST', { 'content-type': 'application/json', accept: MCP_ACCEPT, ...headers }, body);
  }

  it('serves the tools to the SDK client over HTTP', async () => {
    const client = new Client({ name: 'codehub-http-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, 9);
      const result = (await client.callTool({
        name: 'get_symbol',
        arguments: { repo: REPO, symbol: 'Cart.add' },
      })) as CallToolResult;
      assert.equal(result.isError, undefined);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      assert.equal((result.structuredContent as any).symbol.evidence.commit, COMMIT);
      const traversal = (await client.callTool({
        name: 'get_source',
        arguments: { repo: REPO, path: '../../etc/passwd' },
      })) as CallToolResult;
      assert.equal(traversal.isError, true);
    } finally {
      await client.close();
    }
  });

  it('gives every one of many overlapping stateless tool calls its own answer, wave after wave', async () => {
    // Servers are reused once their request is over; no answer may reach another request or carry its result.
    const calls = [
      { name: 'get_symbol', arguments: { repo: REPO, symbol: 'Cart.add' } },
      { name: 'list_repos', arguments: {} },
      { name: 'get_source', arguments: { repo: REPO, path: '../../etc/passwd' } },
    ];
    for (let wave = 0; wave < 3; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) => {
          const id = wave * 100 + i;
          const call = calls[i % calls.length]!;
          return post(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: call })).then(
            (r) => ({ id, call, r }),
          );
        }),
      );
      for (const { id, call, r } of answers) {
        assert.equal(r.status, 200);
        const body = JSON.parse(r.body) as { id: number; result: CallToolResult };
        assert.equal(body.id, id);
        const text = JSON.stringify(body.result.content);
        if (call.name === 'get_symbol')
          assert.ok(body.result.structuredContent && text.includes('add'), text);
        if (call.name === 'list_repos') assert.ok(text.includes(REPO), text);
        if (call.name === 'get_source') assert.equal(body.result.isError, true);
      }
    }
  });

  it('answers a plain initialize from the loopback host with and without a same-host Origin', async () => {
    for (const origin of [undefined, `http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const res = await post(JSON.stringify(INIT), origin ? { origin } : {});
      assert.equal(res.status, 200, `origin ${origin}`);
      assert.equal(JSON.parse(res.body).result.serverInfo.name, 'codehub');
    }
    const viaLocalhost = await post(JSON.stringify(INIT), { host: `localhost:${port}` });
    assert.equal(viaLocalhost.status, 200);
  });

  it('rejects a foreign Host header with 403 (DNS rebinding)', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${port + 1}`,
      `10.0.0.1:${port}`,
    ]) {
      const res = await post(JSON.stringify(INIT), { host });
      assert.equal(res.status, 403, host);
      const body = JSON.parse(res.body);
      assert.equal(body.jsonrpc, '2.0');
      assert.match(body.error.message, /Host .* is not allowed/);
    }
  });

  it('rejects a cross-site Origin with 403', async () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      'null',
      `https://127.0.0.1:${port + 1}`,
    ]) {
      const res = await post(JSON.stringify(INIT), { origin });
      assert.equal(res.status, 403, origin);
      assert.match(JSON.parse(res.body).error.message, /Origin .* is not allowed/);
    }
  });

  it('refuses a body over 1 MiB with 413 and a JSON-RPC error, declared or streamed', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const declared = await post(big, { 'content-length': String(big.length) });
    assert.equal(declared.status, 413);
    assert.equal(JSON.parse(declared.body).error.code, -32600);
    const streamed = await post(big, { 'transfer-encoding': 'chunked' });
    assert.equal(streamed.status, 413);
    // The server is still fine afterwards.
    assert.equal((await post(JSON.stringify(INIT))).status, 200);
  });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const res = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
    assert.equal(res.status, 400);
    const body = JSON.parse(res.body);
    assert.deepEqual([body.jsonrpc, body.error.code, body.id], ['2.0', -32700, null]);
  });

  it('answers well-formed JSON that is not JSON-RPC with a clean error', async () => {
    const res = await post(JSON.stringify({ hello: 'world' }));
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).error.code, -32700);
  });

  it('refuses GET and DELETE with 405 since the endpoint keeps no session or stream', async () => {
    for (const method of ['GET', 'DELETE', 'PUT']) {
      const res = await raw(method, { accept: 'text/event-stream' });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'POST');
      assert.equal(JSON.parse(res.body).error.code, -32000);
    }
  });

  it('keeps a client that does not accept event streams out, as the spec asks', async () => {
    const res = await post(JSON.stringify(INIT), { accept: 'application/json' });
    assert.equal(res.status, 406);
  });
});
