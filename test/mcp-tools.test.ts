// The MCP tool layer through the SDK's own Client over an in-memory transport, against a fixed
// QueryService: schemas, validation, isError mapping, truncation, evidence. Not a test of analysis.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../src/mcp/mcp-server.js';
import { LIMITS } from '../src/mcp/schemas.js';
import {
  COMMIT,
  FILES,
  FixedQueryService,
  LOCAL_REPO,
  REPO,
  SYMBOLS,
  sha256,
} from './helpers/fixed-query-service.js';

const TOOL_NAMES = [
  'find_path',
  'get_callees',
  'get_callers',
  'get_source',
  'get_symbol',
  'get_tests',
  'impact',
  'list_repos',
  'search_symbols',
];

async function connect(
  service = new FixedQueryService(),
): Promise<{ client: Client; service: FixedQueryService; close: () => Promise<void> }> {
  const server = createMcpServer(service, { hubUrl: 'http://127.0.0.1:7070' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'codehub-test', version: '0.0.0' });
  await client.connect(clientSide);
  // Listing tools makes the client cache their output schemas and validate every structuredContent.
  await client.listTools();
  return {
    client,
    service,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('MCP tool layer', () => {
  let client: Client;
  let service: FixedQueryService;
  let close: () => Promise<void>;
  before(async () => ({ client, service, close } = await connect()));
  after(async () => close());

  it('lists exactly the nine tools, each with a short description and input and output schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_NAMES);
    for (const t of tools) {
      assert.ok(t.description && t.description.length <= 260, `${t.name} description is short`);
      const sentences = t.description.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      assert.ok(sentences <= 2, `${t.name} description has ${sentences} sentences`);
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.outputSchema?.type, 'object', `${t.name} publishes an output schema`);
      assert.equal(t.annotations?.readOnlyHint, true);
    }
    const callers = tools.find((t) => t.name === 'get_callers')!;
    const depth = (callers.inputSchema.properties as Json).depth;
    assert.equal(depth.minimum, 1);
    assert.equal(depth.maximum, 5);
    assert.deepEqual((callers.inputSchema.required as string[]).sort(), ['repo', 'symbol']);
  });

  it('answers get_symbol with evidence in both the text and the structured content', async () => {
    const result = await call(client, 'get_symbol', { repo: REPO, symbol: 'Cart.add' });
    assert.equal(result.isError, undefined);
    const data = result.structuredContent as Json;
    const blob = sha256(FILES['src/cart.ts']!);
    const permalink = `https://github.com/acme/shop/blob/${COMMIT}/src/cart.ts#L4-L7`;
    assert.deepEqual(data.symbol.evidence, {
      repo: REPO,
      commit: COMMIT,
      path: 'src/cart.ts',
      startLine: 4,
      endLine: 7,
      blobSha256: blob,
      permalink,
    });
    assert.equal(data.source.blobSha256, blob);
    assert.equal(data.source.verified, true);
    assert.deepEqual(data.source.lines, FILES['src/cart.ts']!.split('\n').slice(3, 7));
    assert.deepEqual(data.counts, { callers: 1, callees: 1, tests: 1, unresolvedThatMayCall: 0 });
    const text = textOf(result);
    for (const piece of [
      `${REPO}@${COMMIT}`,
      'src/cart.ts:4-7',
      `sha256:${blob}`,
      permalink,
      'hash-verified',
    ]) {
      assert.ok(text.includes(piece), `text carries ${piece}`);
    }
    assert.match(
      text,
      /^4 \| {3}add\(item: string\): void \{$/m,
      'source lines carry their real line numbers',
    );
  });

  it('bounds the source excerpt of a long symbol and says where it stopped', async () => {
    const result = await call(client, 'get_symbol', { repo: REPO, symbol: 'big' });
    const data = result.structuredContent as Json;
    assert.equal(data.source.lines.length, LIMITS.symbolExcerptLines);
    assert.equal(data.source.truncated, true);
    assert.equal(data.source.endLine, LIMITS.symbolExcerptLines);
    assert.match(textOf(result), /truncated at line 80 of 152; use get_source/);
  });

  it('returns the candidates, not a guess, for an ambiguous symbol', async () => {
    const result = await call(client, 'get_symbol', { repo: REPO, symbol: 'add' });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent, undefined);
    const text = textOf(result);
    assert.match(text, /SymbolAmbiguous/);
    assert.ok(text.includes(SYMBOLS.add.id) && text.includes(SYMBOLS.wishlistAdd.id), text);
  });

  it('names the closest existing symbol and repo when asked for unknown ones', async () => {
    const sym = await call(client, 'get_callers', { repo: REPO, symbol: 'checkOut' });
    assert.equal(sym.isError, true);
    assert.match(textOf(sym), /SymbolNotFound[\s\S]*Closest existing symbols:\n- checkout/);
    const repo = await call(client, 'list_repos', {});
    assert.equal(repo.isError, undefined);
    const unknownRepo = await call(client, 'get_symbol', { repo: 'github.com/acme/shopp', symbol: 'Cart' });
    assert.equal(unknownRepo.isError, true);
    assert.match(textOf(unknownRepo), /RepoNotFound[\s\S]*- github\.com\/acme\/shop$/m);
  });

  it('refuses arguments outside the schema bounds before asking the service', async () => {
    const before = service.calls;
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
      ['get_callers', { repo: REPO, symbol: 'save', depth: 6 }, /depth/],
      ['get_callers', { repo: REPO, symbol: 'save', depth: 0 }, /depth/],
      ['get_callees', { repo: REPO, symbol: 'save', limit: 501 }, /limit/],
      ['get_callees', { repo: REPO, symbol: 'save', min_confidence: 1.5 }, /min_confidence/],
      ['search_symbols', { query: 'x'.repeat(201) }, /query/],
      ['search_symbols', { query: 'add', kind: 'widget' }, /kind/],
      ['get_symbol', { repo: 'shop', symbol: 'Cart' }, /host\/owner\/name/],
      ['get_symbol', { repo: 'github.com/../etc', symbol: 'Cart' }, /repo/],
      ['get_symbol', { repo: REPO, symbol: 'x'.repeat(513) }, /symbol/],
      ['get_symbol', { repo: REPO }, /symbol/],
      ['find_path', { repo: REPO, from: 'checkout', to: 'save', max_depth: 9 }, /max_depth/],
    ];
    for (const [name, args, mentions] of bad) {
      const result = await call(client, name, args);
      assert.equal(result.isError, true, `${name} ${JSON.stringify(args).slice(0, 80)} is refused`);
      assert.match(textOf(result), /Input validation error/);
      assert.match(textOf(result), mentions);
    }
    assert.equal(service.calls, before, 'no refused call reached the service');
  });

  it('refuses path traversal, absolute paths and NUL bytes in get_source', async () => {
    const before = service.calls;
    for (const path of [
      '../../etc/passwd',
      'src/../../etc/passwd',
      '/etc/passwd',
      'C:\\Windows\\win.ini',
      '..\\..\\x',
      'src/cart.ts\0.png',
    ]) {
      const result = await call(client, 'get_source', { repo: REPO, path });
      assert.equal(result.isError, true, `${JSON.stringify(path)} is refused`);
      assert.match(
        textOf(result),
        /path (has a '\.\.' segment|is absolute|contains a NUL byte): give a path relative to the repo root/,
      );
    }
    assert.equal(service.calls, before, 'no refused path reached the service');
  });

  it('serves hash-verified source with its sha256 and pages long files', async () => {
    const whole = await call(client, 'get_source', { repo: REPO, path: 'src/checkout.ts' });
    const data = whole.structuredContent as Json;
    assert.deepEqual(data.lines, FILES['src/checkout.ts']!.split('\n'));
    assert.equal(data.truncated, false);
    assert.equal(data.nextStartLine, null);
    assert.equal(data.evidence.blobSha256, sha256(FILES['src/checkout.ts']!));
    assert.equal(
      data.evidence.permalink,
      `https://github.com/acme/shop/blob/${COMMIT}/src/checkout.ts#L1-L6`,
    );
    assert.ok(textOf(whole).includes(`sha256:${data.evidence.blobSha256}`));

    const range = (
      await call(client, 'get_source', { repo: REPO, path: 'src/big.ts', start_line: 10, end_line: 12 })
    ).structuredContent as Json;
    assert.deepEqual([range.startLine, range.endLine, range.truncated], [10, 12, false]);
    assert.equal(range.lines[0], FILES['src/big.ts']!.split('\n')[9]);
  });

  it('marks get_source truncated at the line cap and says where to continue', async () => {
    const first = await call(client, 'get_source', { repo: REPO, path: 'src/huge.ts' });
    const page = first.structuredContent as Json;
    assert.deepEqual(
      [page.startLine, page.endLine, page.lines.length],
      [1, LIMITS.sourceLines, LIMITS.sourceLines],
    );
    assert.deepEqual([page.truncated, page.nextStartLine], [true, LIMITS.sourceLines + 1]);
    assert.match(textOf(first), /truncated; continue with start_line 401/);
    const last = (await call(client, 'get_source', { repo: REPO, path: 'src/huge.ts', start_line: 801 }))
      .structuredContent as Json;
    assert.deepEqual(
      [last.startLine, last.endLine, last.truncated, last.nextStartLine],
      [801, 1000, false, null],
    );
    const exactCap = (
      await call(client, 'get_source', { repo: REPO, path: 'src/huge.ts', start_line: 1, end_line: 400 })
    ).structuredContent as Json;
    assert.deepEqual(
      [exactCap.endLine, exactCap.truncated],
      [400, false],
      'the range asked for was served whole',
    );
    const beyond = (
      await call(client, 'get_source', { repo: REPO, path: 'src/huge.ts', start_line: 1, end_line: 401 })
    ).structuredContent as Json;
    assert.deepEqual([beyond.endLine, beyond.truncated], [400, true]);
    const short = (
      await call(client, 'get_source', { repo: REPO, path: 'src/big.ts', start_line: 1, end_line: 100000 })
    ).structuredContent as Json;
    assert.deepEqual(
      [short.lines.length, short.truncated],
      [152, false],
      'a file shorter than the cap is complete',
    );
  });

  it('cuts a minified line where the answer cap runs out and reads on from the column after the cut', async () => {
    const first = await call(client, 'get_source', { repo: REPO, path: 'dist/min.js' });
    const data = first.structuredContent as Json;
    const lineLength = FILES['dist/min.js']!.split('\n')[0]!.length;
    assert.deepEqual([data.lines.length, data.truncated, data.startColumn], [1, true, 1]);
    assert.deepEqual(data.cutLine, { line: 1, endColumn: data.lines[0].length, columns: lineLength });
    assert.deepEqual([data.nextStartLine, data.nextStartColumn], [1, data.lines[0].length + 1]);
    assert.ok(Buffer.byteLength(JSON.stringify(first)) <= LIMITS.answerBytes);
    assert.match(
      textOf(first),
      new RegExp(
        `… \\[line cut at column ${data.lines[0].length} of ${lineLength}; continue with start_line 1, start_column ${data.lines[0].length + 1}\\]$`,
        'm',
      ),
    );
    // Paging on from each answer's next line and column gives back the file, each line whole, and then stops.
    const read: string[] = [];
    let at: { line: number; column: number } | null = { line: 1, column: 1 };
    for (let calls = 0; at && calls < 20; calls++) {
      const page = (
        await call(client, 'get_source', {
          repo: REPO,
          path: 'dist/min.js',
          start_line: at.line,
          start_column: at.column,
        })
      ).structuredContent as Json;
      page.lines.forEach((text: string, i: number) => {
        if (i === 0 && page.startColumn > 1) read[read.length - 1] += text;
        else read.push(text);
      });
      at = page.nextStartLine === null ? null : { line: page.nextStartLine, column: page.nextStartColumn };
    }
    assert.equal(at, null, 'paging ends');
    assert.deepEqual(read, FILES['dist/min.js']!.split('\n'));
  });

  it('refuses a start_column past the end of its line', async () => {
    const past = await call(client, 'get_source', {
      repo: REPO,
      path: 'src/big.ts',
      start_line: 1,
      start_column: 500,
    });
    assert.equal(past.isError, true);
    assert.match(textOf(past), /InvalidInput.*startColumn 500 is past the end of line 1/);
  });

  it('refuses an end_line before start_line', async () => {
    const reversed = await call(client, 'get_source', {
      repo: REPO,
      path: 'src/big.ts',
      start_line: 5,
      end_line: 4,
    });
    assert.equal(reversed.isError, true);
    assert.match(textOf(reversed), /InvalidInput.*end_line 4 is before start_line 5/);
  });

  it('refuses a start_line past the end of the file', async () => {
    const past = await call(client, 'get_source', { repo: REPO, path: 'src/big.ts', start_line: 153 });
    assert.equal(past.isError, true);
    assert.match(textOf(past), /InvalidInput.*start_line 153 is past the end of src\/big\.ts/);
  });

  it('never serves text that failed hash verification', async () => {
    const result = await call(client, 'get_source', { repo: REPO, path: 'src/tampered.ts' });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /BlobHashMismatch[\s\S]*not served/);
    assert.ok(!textOf(result).includes('export const x'), 'no source text in the error');
  });

  it('names the closest paths for a file that does not exist', async () => {
    const result = await call(client, 'get_source', { repo: REPO, path: 'lib/cart.ts' });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /PathNotFound[\s\S]*- src\/cart\.ts/);
  });

  it('gives callers with confidence, reason, call-site lines and a lower-bound flag', async () => {
    const result = await call(client, 'get_callers', {
      repo: REPO,
      symbol: 'src/store.ts::save:function',
      depth: 3,
    });
    const data = result.structuredContent as Json;
    assert.equal(data.complete, 'lower_bound');
    assert.equal(data.unresolvedCount, 2);
    assert.equal(data.truncated, false);
    assert.deepEqual(
      data.edges.map((e: Json) => [
        e.qualifiedName,
        e.depth,
        e.reason,
        e.confidence,
        e.callSite.path,
        e.callSite.lines,
      ]),
      [
        ['Cart.add', 1, 'import', 0.9, 'src/cart.ts', [6]],
        ['checkout', 2, 'receiver-typed', 0.8, 'src/checkout.ts', [4]],
        ['Cart > adds', 3, 'import', 0.9, 'test/cart.test.ts', [4]],
      ],
    );
    const first = data.edges[0];
    assert.equal(first.evidence.blobSha256, sha256(FILES['src/cart.ts']!));
    assert.equal(first.evidence.permalink, `https://github.com/acme/shop/blob/${COMMIT}/src/cart.ts#L4`);
    const text = textOf(result);
    assert.match(text, /lower bound: 2 unresolved call site\(s\) could hide more/);
    assert.match(
      text,
      /d1 0\.90 import .*Cart\.add[\s\S]*call at src\/cart\.ts:6; src\/cart\.ts:4 sha256:[0-9a-f]{64} https:\/\/github\.com\/acme\/shop\/blob\//,
    );
  });

  it('puts the call site of a callee in the calling file', async () => {
    const data = (await call(client, 'get_callees', { repo: REPO, symbol: 'checkout', depth: 2 }))
      .structuredContent as Json;
    const save = data.edges.find((e: Json) => e.qualifiedName === 'save');
    assert.equal(save.depth, 2);
    assert.deepEqual(save.callSite, { path: 'src/cart.ts', lines: [6] });
    assert.equal(save.evidence.path, 'src/store.ts');
    assert.equal(data.complete, 'exact');
  });

  it('says when a traversal was cut at its limit', async () => {
    const result = await call(client, 'get_callers', { repo: REPO, symbol: 'save', depth: 3, limit: 1 });
    const data = result.structuredContent as Json;
    assert.equal(data.edges.length, 1);
    assert.equal(data.truncated, true);
    assert.match(textOf(result), /truncated at limit 1/);
  });

  it('drops edges below min_confidence and says how many it left out', async () => {
    const result = await call(client, 'get_callers', {
      repo: REPO,
      symbol: 'save',
      depth: 3,
      min_confidence: 0.85,
    });
    const data = result.structuredContent as Json;
    assert.deepEqual(
      data.edges.map((e: Json) => e.qualifiedName),
      ['Cart.add'],
    );
    assert.equal(data.belowMinConfidence, 1);
    assert.match(
      textOf(result),
      /1 lower-confidence edge\(s\) below 0\.85 not listed \(min_confidence 0 lists them\)/,
    );
  });

  it('lists edges from confidence 0.5 up by default, and every edge at min_confidence 0', async () => {
    const byDefault = (await call(client, 'get_callers', { repo: REPO, symbol: 'save', depth: 3 }))
      .structuredContent as Json;
    assert.ok(byDefault.edges.every((e: Json) => e.confidence >= 0.5));
    const all = (
      await call(client, 'get_callers', { repo: REPO, symbol: 'save', depth: 3, min_confidence: 0 })
    ).structuredContent as Json;
    assert.equal(all.belowMinConfidence, 0);
    assert.equal(all.edges.length, byDefault.edges.length + byDefault.belowMinConfidence);
  });

  it('lists the tests that reach a symbol with depth, path confidence and run command', async () => {
    const result = await call(client, 'get_tests', { repo: REPO, symbol: 'Cart.add' });
    const data = result.structuredContent as Json;
    assert.equal(data.tests.length, 1);
    const t = data.tests[0];
    assert.deepEqual([t.name, t.depth, t.confidence], ['Cart > adds', 2, 0.9 * 0.8]);
    assert.match(t.command, /node --test/);
    assert.equal(t.evidence.blobSha256, sha256(FILES['test/cart.test.ts']!));
    assert.match(textOf(result), /run: node --test/);
    const none = await call(client, 'get_tests', { repo: REPO, symbol: 'big' });
    assert.match(textOf(none), /No test reaches this symbol \(exact\)/);
  });

  it('groups impact by file with covering tests and completeness', async () => {
    const result = await call(client, 'impact', { repo: REPO, symbol: 'save', depth: 2 });
    const data = result.structuredContent as Json;
    assert.deepEqual(
      data.byFile.map((f: Json) => [f.path, f.symbols.map((s: Json) => s.qualifiedName)]),
      [
        ['src/cart.ts', ['Cart.add']],
        ['src/checkout.ts', ['checkout']],
      ],
    );
    assert.equal(data.byFile[0].blobSha256, sha256(FILES['src/cart.ts']!));
    assert.equal(data.complete, 'lower_bound');
    assert.equal(data.tests.length, 1);
    const cut = (await call(client, 'impact', { repo: REPO, symbol: 'save', depth: 2, limit: 1 }))
      .structuredContent as Json;
    assert.equal(cut.truncated, true);
    assert.equal(cut.affectedSymbols, 2);
    assert.equal(cut.byFile.flatMap((f: Json) => f.symbols).length, 1);
  });

  it('finds a call path with its confidence, and says honestly when there is none', async () => {
    const found = await call(client, 'find_path', { repo: REPO, from: 'Cart > adds', to: 'save' });
    const data = found.structuredContent as Json;
    assert.equal(data.found, true);
    assert.deepEqual(
      data.paths[0].symbols.map((s: Json) => s.qualifiedName),
      ['Cart > adds', 'checkout', 'Cart.add', 'save'],
    );
    assert.equal(data.paths[0].edges[2].callSite.path, 'src/cart.ts');
    assert.ok(Math.abs(data.paths[0].confidence - 0.9 * 0.8 * 0.9) < 1e-9);
    const none = await call(client, 'find_path', { repo: REPO, from: 'save', to: 'checkout' });
    assert.equal(none.isError, undefined);
    assert.equal((none.structuredContent as Json).found, false);
    assert.match(textOf(none), /No call path from save to checkout within 5 call\(s\)/);
  });

  it('ranks search hits with evidence and flags truncation', async () => {
    const result = await call(client, 'search_symbols', { query: 'a', limit: 2 });
    const data = result.structuredContent as Json;
    assert.equal(data.hits.length, 2);
    assert.equal(data.truncated, true);
    assert.equal(data.hits[0].evidence.commit, COMMIT);
    assert.match(textOf(result), /truncated at 2/);
    const exact = (await call(client, 'search_symbols', { query: 'checkout', kind: 'function' }))
      .structuredContent as Json;
    assert.deepEqual([exact.hits.length, exact.hits[0].match, exact.truncated], [1, 'exact', false]);
  });

  it('lists repos with their commits, and marks a cut list as truncated', async () => {
    const data = (await call(client, 'list_repos', {})).structuredContent as Json;
    assert.deepEqual(
      data.repos.map((r: Json) => [r.id, r.commit.length]),
      [
        [REPO, 40],
        [LOCAL_REPO, 40],
      ],
    );
    assert.equal(data.truncated, false);
    const many = await connect(new FixedQueryService({ extraRepos: 5 }));
    try {
      const cut = await call(many.client, 'list_repos', { limit: 3 });
      assert.deepEqual(
        [(cut.structuredContent as Json).repos.length, (cut.structuredContent as Json).total],
        [3, 7],
      );
      assert.equal((cut.structuredContent as Json).truncated, true);
      assert.match(textOf(cut), /7 indexed repo\(s\), first 3 shown/);
    } finally {
      await many.close();
    }
  });

  it('gives no permalink for a repo without a web home, and says so in the text', async () => {
    const result = await call(client, 'list_repos', {});
    assert.match(textOf(result), new RegExp(`- ${LOCAL_REPO}@[0-9a-f]{40}: 0 files`));
  });

  it('turns a service bug into an isError result instead of a protocol failure', async () => {
    const broken = new FixedQueryService();
    broken.listRepos = async () => {
      throw new TypeError('boom');
    };
    const c = await connect(broken);
    try {
      const result = await call(c.client, 'list_repos', {});
      assert.equal(result.isError, true);
      assert.match(textOf(result), /Error \[Internal\]: boom/);
    } finally {
      await c.close();
    }
  });
});
