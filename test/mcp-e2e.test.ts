// End to end: index the seed-pattern fixture with the real CLI (real git, real SQLite, real blob store), then
// ask every MCP tool through the SDK Client, over stdio (`codehub mcp`) and over Streamable HTTP (`codehub serve`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Database from 'better-sqlite3';
import { confidenceFor as confidenceIn, type ResolvedReason } from '../src/core/confidence.js';
import { typescriptPlugin } from '../src/languages/typescript/typescript-plugin.js';
import { QUERY_SQL } from '../src/db/sqlite-query-index.js';

/** A reason's confidence in the TypeScript plug-in's table (measured values, seed tiers elsewhere). */
const confidenceFor = (reason: ResolvedReason): number =>
  confidenceIn(reason, 1, typescriptPlugin.confidence);

const ROOT = resolve(import.meta.dirname, '..', '..'); // dist/test → project root
const BIN = join(ROOT, 'bin', 'codehub.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'seed-pattern');
const REPO = 'github.com/acme/seed-pattern';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface IndexedFixture {
  dataDir: string;
  repoDir: string;
  commit: string;
  cleanup: () => void;
}

/** Copies the fixture into a fresh git repo, commits it and indexes it with the CLI under its GitHub name. */
function indexFixture(): IndexedFixture {
  const tmp = mkdtempSync(join(tmpdir(), 'codehub-mcp-e2e-'));
  const repoDir = join(tmp, 'seed-pattern');
  const dataDir = join(tmp, 'data');
  cpSync(FIXTURE, repoDir, { recursive: true });
  const git = (...args: string[]): string => {
    const r = spawnSync('git', args, { cwd: repoDir, encoding: 'utf8' });
    assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(
    '-c',
    'user.name=codehub',
    '-c',
    'user.email=codehub@example.invalid',
    'commit',
    '-q',
    '-m',
    'seed pattern',
  );
  const commit = git('rev-parse', 'HEAD');
  const r = spawnSync(process.execPath, [BIN, 'index', repoDir, '--data', dataDir, '--name', REPO], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `codehub index failed: ${r.stderr}`);
  return { dataDir, repoDir, commit, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** Starts `codehub serve` on an ephemeral loopback port and waits for the URL it prints. */
async function startServe(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`codehub serve printed no URL in 30 s: ${seen}`)),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const m = /^codehub hub: (http:\/\/127\.0\.0\.1:\d+)\/?$/m.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`codehub serve exited with ${code}: ${seen}`)));
  });
  return { url, child };
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** 1-based line of the first line of `path` in the fixture that contains `needle`. */
function lineOf(path: string, needle: string): number {
  const index = readFileSync(join(FIXTURE, path), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `${needle} not in ${path}`);
  return index + 1;
}

function permalink(commit: string, path: string, start: number, end: number): string {
  return `https://github.com/acme/seed-pattern/blob/${commit}/${path}#L${start}${end > start ? `-L${end}` : ''}`;
}

interface Connection {
  client: Client;
  close: () => Promise<void>;
  /** Base URL of `codehub serve`, for raw HTTP requests; absent over stdio. */
  url?: string;
}

/** The same questions over either transport. */
function toolSuite(label: string, open: (fixture: IndexedFixture) => Promise<Connection>): void {
  describe(`MCP over ${label} on the indexed seed-pattern fixture`, () => {
    let fixture: IndexedFixture;
    let conn: Connection;
    const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
      (await conn.client.callTool({ name, arguments: args })) as CallToolResult;
    /** Calls a tool that must succeed and returns its text and structured content. */
    const ok = async (name: string, args: Record<string, unknown>): Promise<{ text: string; data: Json }> => {
      const result = await call(name, args);
      assert.equal(result.isError, undefined, `${name}: ${textOf(result)}`);
      return { text: textOf(result), data: result.structuredContent };
    };
    const sha = (path: string): string => sha256File(join(fixture.repoDir, path));
    /** Asserts an evidence object against the fixture's bytes, and that the text carries the same evidence. */
    const assertEvidence = (e: Json, path: string, start: number, end: number, text?: string): void => {
      assert.deepEqual(
        { repo: e.repo, commit: e.commit, path: e.path, startLine: e.startLine, endLine: e.endLine },
        { repo: REPO, commit: fixture.commit, path, startLine: start, endLine: end },
      );
      assert.equal(e.blobSha256, sha(path));
      assert.equal(e.permalink, permalink(fixture.commit, path, start, end));
      if (text !== undefined) {
        assert.ok(text.includes(`sha256:${e.blobSha256}`), `text lacks the sha256 of ${path}`);
        assert.ok(text.includes(e.permalink), `text lacks ${e.permalink}`);
      }
    };

    before(async () => {
      fixture = indexFixture();
      conn = await open(fixture);
      await conn.client.listTools(); // makes the client validate structuredContent against each outputSchema
    });
    after(async () => {
      await conn?.close();
      fixture?.cleanup();
    });

    it('lists the eleven tools, each with a short description and an output schema', async () => {
      const { tools } = await conn.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [
        'change_impact',
        'find_path',
        'get_callees',
        'get_callers',
        'get_source',
        'get_symbol',
        'get_tests',
        'impact',
        'list_repos',
        'search_symbols',
        'tests_for_symbols',
      ]);
      for (const t of tools) {
        assert.ok(t.description && t.description.length <= 260, `${t.name}: ${t.description?.length} chars`);
        assert.ok(
          (t.description.match(/[.!?](\s|$)/g) ?? []).length <= 2,
          `${t.name} says more than two sentences`,
        );
        assert.equal(t.outputSchema?.type, 'object', t.name);
        assert.equal(t.annotations?.readOnlyHint, true, t.name);
      }
    });

    it('lists the indexed repo at the fixture commit with its counts', async () => {
      const { text, data } = await ok('list_repos', {});
      const repo = data.repos.find((r: Json) => r.id === REPO);
      assert.equal(repo?.commit, fixture.commit);
      assert.equal(repo.webUrl, 'https://github.com/acme/seed-pattern');
      assert.ok(repo.symbols > 0 && repo.edges > 0 && repo.files >= 6, JSON.stringify(repo));
      assert.ok(text.includes(`${REPO}@${fixture.commit}`));
      assert.equal(data.truncated, false);
    });

    it('finds startCheckout by name, with its evidence', async () => {
      const { text, data } = await ok('search_symbols', { query: 'startCheckout', repo: REPO });
      const hit = data.hits.find((h: Json) => h.qualifiedName === 'CheckoutService.startCheckout');
      assert.ok(hit, text);
      assert.equal(hit.match, 'exact');
      const start = lineOf('src/checkout-service.ts', 'async startCheckout(');
      assertEvidence(hit.evidence, 'src/checkout-service.ts', start, hit.endLine, text);
    });

    it('shows a symbol with hash-verified source, counts and full evidence', async () => {
      const { text, data } = await ok('get_symbol', { repo: REPO, symbol: 'CheckoutService.startCheckout' });
      const path = 'src/checkout-service.ts';
      const start = lineOf(path, 'async startCheckout(');
      const end = lineOf(path, 'return total;') + 1;
      assert.equal(data.commit, fixture.commit);
      assert.equal(data.symbol.kind, 'method');
      assert.match(data.symbol.signature, /customer: string, prices: number\[\]/);
      assertEvidence(data.symbol.evidence, path, start, end, text);
      assert.ok(text.includes(`${REPO}@${fixture.commit}`));
      assert.equal(data.source.verified, true);
      assert.equal(data.source.blobSha256, sha(path));
      const fileLines = readFileSync(join(fixture.repoDir, path), 'utf8').split('\n');
      assert.deepEqual(data.source.lines, fileLines.slice(start - 1, end));
      assert.ok(text.includes(`${start} |   async startCheckout(`), 'numbered source lines in the text');
      // Callees: makeFlowId, register, debug, computeTotal, auditTrail, sendReceipt, finish; two tests; callers are those tests.
      assert.equal(data.counts.callees, 7);
      assert.equal(data.counts.tests, 2);
    });

    it('resolves imported helpers at the import tier and FlowRegistry.register at the receiver-typed tier', async () => {
      const { text, data } = await ok('get_callees', { repo: REPO, symbol: 'CheckoutService.startCheckout' });
      const edge = (qn: string): Json => {
        const found = data.edges.find((e: Json) => e.qualifiedName === qn);
        assert.ok(found, `no edge to ${qn} in ${text}`);
        return found;
      };
      for (const [qn, reason, needle] of [
        ['computeTotal', 'import', 'computeTotal(prices)'],
        ['sendReceipt', 'import', 'await sendReceipt('],
        ['FlowRegistry.register', 'receiver-typed', 'this.flows.register('],
      ] as const) {
        const e = edge(qn);
        assert.equal(e.reason, reason, qn);
        assert.equal(e.confidence, confidenceFor(reason), qn);
        assert.deepEqual(e.callSite, {
          path: 'src/checkout-service.ts',
          lines: [lineOf('src/checkout-service.ts', needle)],
        });
      }
      // The tiers' values come from the TypeScript plug-in's calibrated table (src/languages/typescript/confidence.ts); what matters here is the reason.
      const register = edge('FlowRegistry.register');
      const decl = lineOf('src/flow-registry.ts', 'register(flowId');
      assertEvidence(register.evidence, 'src/flow-registry.ts', decl, decl, text);
      assert.ok(
        text.includes(`${confidenceFor('import').toFixed(2)} import — Function computeTotal`),
        'the text names the import tier with its confidence',
      );
      assert.ok(
        text.includes(
          `${confidenceFor('receiver-typed').toFixed(2)} receiver-typed — Method FlowRegistry.register`,
        ),
        'the text names the receiver-typed tier with its confidence',
      );
      assert.equal(data.complete, 'exact');
      assert.equal(data.truncated, false);
    });

    it('lists startCheckout and, two hops back, the tests among the callers of FlowRegistry.register', async () => {
      const { text, data } = await ok('get_callers', {
        repo: REPO,
        symbol: 'FlowRegistry.register',
        depth: 2,
      });
      const start = data.edges.find((e: Json) => e.qualifiedName === 'CheckoutService.startCheckout');
      assert.equal(start?.reason, 'receiver-typed', text);
      assert.equal(start.depth, 1);
      assert.equal(start.callSite.path, 'src/checkout-service.ts');
      const tests = data.edges.filter((e: Json) => e.depth === 2 && e.kind === 'test');
      assert.equal(tests.length, 2, text);
      for (const t of tests)
        assert.ok(Math.abs(t.pathConfidence - t.confidence * start.confidence) < 0.011, JSON.stringify(t));
      assert.ok(['exact', 'lower_bound'].includes(data.complete));
      assertEvidence(
        data.symbol.evidence,
        'src/flow-registry.ts',
        lineOf('src/flow-registry.ts', 'register(flowId'),
        data.symbol.endLine,
        text,
      );
    });

    it('maps the checkout tests to startCheckout with the vitest command that runs each', async () => {
      const { text, data } = await ok('get_tests', { repo: REPO, symbol: 'CheckoutService.startCheckout' });
      const names = data.tests.map((t: Json) => t.name).sort();
      assert.deepEqual(names, [
        'CheckoutService > startCheckout > counts a receipt once it is sent',
        'CheckoutService > startCheckout > returns the cart total',
      ]);
      for (const t of data.tests) {
        assert.equal(t.depth, 1);
        const title = t.name.split(' > ').pop();
        assert.equal(
          t.command,
          `npx vitest run test/checkout-service.test.ts -t '^CheckoutService startCheckout ${title}$'`,
        );
        assert.ok(text.includes(`run: ${t.command}`));
        const start = lineOf('test/checkout-service.test.ts', `it('${title}'`);
        assertEvidence(t.evidence, 'test/checkout-service.test.ts', start, t.endLine, text);
      }
      assert.equal(data.complete, 'exact');
    });

    it('reports the impact of computeTotal by file, with the covering tests and their commands', async () => {
      const { text, data } = await ok('impact', { repo: REPO, symbol: 'computeTotal', depth: 3 });
      const service = data.byFile.find((f: Json) => f.path === 'src/checkout-service.ts');
      assert.deepEqual(
        service?.symbols.map((s: Json) => [s.qualifiedName, s.depth]),
        [['CheckoutService.startCheckout', 1]],
        text,
      );
      assert.equal(service.blobSha256, sha('src/checkout-service.ts'));
      assert.equal(data.tests.length, 2);
      assert.ok(data.tests.every((t: Json) => t.depth === 2 && t.command?.startsWith('npx vitest run ')));
      assert.equal(data.affectedSymbols, 3);
      assertEvidence(data.symbol.evidence, 'src/cart-helpers.ts', 2, 4, text);
    });

    it('finds the one-call path from startCheckout to computeTotal and none the other way', async () => {
      const { text, data } = await ok('find_path', {
        repo: REPO,
        from: 'CheckoutService.startCheckout',
        to: 'computeTotal',
      });
      assert.equal(data.found, true);
      assert.equal(data.paths.length, 1);
      const [path] = data.paths;
      assert.deepEqual(
        path.symbols.map((s: Json) => s.qualifiedName),
        ['CheckoutService.startCheckout', 'computeTotal'],
      );
      assert.deepEqual(path.edges, [
        {
          reason: 'import',
          confidence: confidenceFor('import'),
          callSite: {
            path: 'src/checkout-service.ts',
            lines: [lineOf('src/checkout-service.ts', 'computeTotal(prices)')],
          },
        },
      ]);
      assert.equal(path.confidence, confidenceFor('import'));
      assertEvidence(data.to.evidence, 'src/cart-helpers.ts', 2, 4, text);
      const back = await ok('find_path', {
        repo: REPO,
        from: 'computeTotal',
        to: 'CheckoutService.startCheckout',
      });
      assert.equal(back.data.found, false);
      assert.match(back.text, /No call path/);
    });

    it('serves a whole file whose sha256 matches the bytes in git, and a line range of it', async () => {
      const path = 'src/cart-helpers.ts';
      const { text, data } = await ok('get_source', { repo: REPO, path });
      const bytes = readFileSync(join(fixture.repoDir, path), 'utf8');
      assert.equal(data.lines.join('\n'), bytes.replace(/\n$/, ''));
      assert.equal(data.verified, true);
      assert.equal(data.truncated, false);
      assertEvidence(data.evidence, path, 1, data.lines.length, text);
      const range = await ok('get_source', { repo: REPO, path, start_line: 2, end_line: 3 });
      assert.deepEqual(range.data.lines, bytes.split('\n').slice(1, 3));
      assertEvidence(range.data.evidence, path, 2, 3, range.text);
    });

    it('lists both register methods with their ids when the name is ambiguous, instead of guessing', async () => {
      for (const tool of ['get_callers', 'get_symbol', 'get_tests']) {
        const result = await call(tool, { repo: REPO, symbol: 'register' });
        assert.equal(result.isError, true, tool);
        const text = textOf(result);
        assert.match(text, /SymbolAmbiguous/);
        assert.ok(text.includes('src/flow-registry.ts::FlowRegistry.register:method'), text);
        assert.ok(text.includes('src/plugin-catalog.ts::PluginCatalog.register:method'), text);
      }
      // The listed id is accepted as is.
      const { data } = await ok('get_callers', {
        repo: REPO,
        symbol: 'src/flow-registry.ts::FlowRegistry.register:method',
      });
      assert.equal(data.symbol.qualifiedName, 'FlowRegistry.register');
    });

    it('names the closest symbol, repo and path for unknown ones', async () => {
      const sym = await call('get_symbol', { repo: REPO, symbol: 'startCheckot' });
      assert.equal(sym.isError, true);
      assert.match(textOf(sym), /SymbolNotFound[\s\S]*Closest existing symbols:\n- startCheckout/);
      const unknownRepo = await call('get_callers', {
        repo: 'github.com/acme/seed-patern',
        symbol: 'computeTotal',
      });
      assert.equal(unknownRepo.isError, true);
      assert.match(textOf(unknownRepo), /RepoNotFound[\s\S]*- github\.com\/acme\/seed-pattern/);
      const unknownPath = await call('get_source', { repo: REPO, path: 'src/cart-helper.ts' });
      assert.equal(unknownPath.isError, true);
      assert.match(textOf(unknownPath), /PathNotFound[\s\S]*- src\/cart-helpers\.ts/);
    });

    it('refuses out-of-range arguments before any lookup', async () => {
      for (const [tool, args, field] of [
        ['get_callers', { repo: REPO, symbol: 'computeTotal', depth: 9 }, 'depth'],
        ['get_callees', { repo: REPO, symbol: 'computeTotal', depth: 0 }, 'depth'],
        ['get_callers', { repo: REPO, symbol: 'computeTotal', limit: 0 }, 'limit'],
        ['search_symbols', { query: 'x', limit: 501 }, 'limit'],
        ['get_callers', { repo: REPO, symbol: 'computeTotal', min_confidence: 1.5 }, 'min_confidence'],
        ['get_symbol', { repo: REPO }, 'symbol'],
        ['get_symbol', { repo: 'not a repo', symbol: 'x' }, 'repo'],
        ['get_source', { repo: REPO, path: 'src/cart-helpers.ts', start_line: 3, end_line: 2 }, 'end_line'],
      ] as const) {
        const result = await call(tool, args);
        assert.equal(result.isError, true, `${tool} ${JSON.stringify(args)}`);
        assert.ok(textOf(result).includes(field), `${tool}: ${textOf(result)}`);
      }
    });

    it('refuses path traversal and absolute paths in get_source without reading them', async () => {
      for (const path of [
        '../../etc/passwd',
        'src/../../../etc/passwd',
        '/etc/passwd',
        'src\\..\\..\\etc\\passwd',
      ]) {
        const result = await call('get_source', { repo: REPO, path });
        assert.equal(result.isError, true, path);
        assert.doesNotMatch(textOf(result), /root:/, path);
        assert.equal(result.structuredContent, undefined, path);
      }
    });

    if (label.startsWith('Streamable HTTP')) httpSafety(() => conn.url!);
  });
}

interface RawResponse {
  status: number;
  body: string;
}

/** One raw POST to /mcp, so that headers and bodies can be anything a hostile page could send. */
function rawPost(
  base: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const url = new URL('/mcp', base);
  return new Promise((resolvePost, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          host: url.host,
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePost({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

/** The /mcp endpoint of `codehub serve` checks Host and Origin against its bound port and bounds what it reads. */
function httpSafety(base: () => string): void {
  it('rejects a foreign Host or Origin on codehub serve with 403 (DNS rebinding)', async () => {
    const port = Number(new URL(base()).port);
    assert.equal((await rawPost(base(), INIT)).status, 200);
    const foreign: Array<Record<string, string>> = [
      { host: `evil.example:${port}` },
      { host: `127.0.0.1:${port + 1}` },
      { origin: 'http://evil.example' },
      { origin: `http://evil.example:${port}` },
    ];
    for (const headers of foreign) {
      const res = await rawPost(base(), INIT, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(JSON.parse(res.body).error.message, /is not allowed: /);
    }
    assert.equal((await rawPost(base(), INIT, { origin: base() })).status, 200);
  });

  it('answers oversized and malformed JSON-RPC on codehub serve with clean JSON-RPC errors', async () => {
    const big = await rawPost(base(), Buffer.alloc(1024 * 1024 + 1, 0x20));
    assert.equal(big.status, 413);
    assert.equal(JSON.parse(big.body).error.code, -32600);
    const malformed = await rawPost(base(), '{"jsonrpc":"2.0","id":1,"method":');
    assert.equal(malformed.status, 400);
    assert.deepEqual(JSON.parse(malformed.body), {
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error: request body is not valid JSON' },
      id: null,
    });
    const notRpc = await rawPost(base(), JSON.stringify({ hello: 'world' }));
    assert.equal(notRpc.status, 400);
    assert.equal(JSON.parse(notRpc.body).jsonrpc, '2.0');
    assert.equal((await rawPost(base(), INIT)).status, 200, 'still serving afterwards');
  });
}

toolSuite('stdio (codehub mcp)', async (fixture) => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--data', fixture.dataDir],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'codehub-e2e', version: '0.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close() };
});

toolSuite('Streamable HTTP (codehub serve /mcp)', async (fixture) => {
  const { url, child } = await startServe(fixture.dataDir);
  const client = new Client({ name: 'codehub-e2e', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url)));
  return {
    client,
    url,
    close: async () => {
      await client.close();
      child.kill('SIGTERM');
    },
  };
});

describe('codehub mcp over raw stdio', () => {
  let fixture: IndexedFixture;
  before(() => {
    fixture = indexFixture();
  });
  after(() => fixture?.cleanup());

  it('plans the edge lookups behind get_callees and get_callers as seeks on the asked-for end', () => {
    // A range over the other end's index reads every resolved edge of the snapshot per call (34 ms per
    // get_symbol on a 20k-edge repo); a seek reads only the symbol's own edges.
    const db = new Database(join(fixture.dataDir, 'codehub.db'), { readonly: true });
    try {
      for (const [sql, index] of [
        [QUERY_SQL.edgesFrom(2), 'edges_by_caller'],
        [QUERY_SQL.edgesTo(2), 'edges_by_callee'],
      ] as const) {
        const plan = (
          db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ snap: 1 }, 'x', 'y') as Array<{ detail: string }>
        ).map((r) => r.detail);
        const edges = plan.find((d) => / e /.test(` ${d} `)) ?? '';
        assert.match(edges, new RegExp(`SEARCH e USING INDEX ${index} \\(\\w+_id=\\?\\)`), plan.join('\n'));
      }
    } finally {
      db.close();
    }
  });

  it('answers malformed, non-JSON-RPC and oversized lines with errors and keeps serving', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp', '--data', fixture.dataDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    child.stdin.write('{"jsonrpc": "2.0", "id": 7, "method": \n');
    child.stdin.write('{"hello":"world"}\n');
    child.stdin.write(
      `{"jsonrpc":"2.0","id":8,"method":"ping","params":{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}}\n`,
    );
    child.stdin.write(`${INIT}\n`);
    const deadline = Date.now() + 30_000;
    while (!/"id":1[,}]/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    assert.equal(await exited, 0, stderr);
    const messages = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    assert.deepEqual(
      messages.slice(0, 3).map((m) => [m.id, m.error?.code]),
      [
        [null, -32700],
        [null, -32600],
        [null, -32600],
      ],
      stdout,
    );
    assert.match(messages[2].error.message, /exceeds 1048576 bytes/);
    assert.equal(messages[3].id, 1);
    assert.equal(messages[3].result.serverInfo.name, 'codehub');
  });
});
