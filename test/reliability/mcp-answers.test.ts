// What a strict or careless MCP client meets on a real `codehub serve`: every answer under the documented byte cap
// (a 1 MB one-line file, lines of JSON escapes, hundreds of callers and tests), tool schemas that every schema dialect
// can read, and one-line answers to malformed tool calls; through the official SDK client over Streamable HTTP (raw
// JSON-RPC where the client itself would refuse to send the message), on a real git repository indexed by the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { mcpCall, rawRequest, serve, type Served } from './support.js';

/** The cap docs/mcp.md states for every tool result (text and structuredContent, serialized as JSON). */
const ANSWER_CAP = 256 * 1024;
const REPO = 'local/repo';
const CALLERS = 600;
/** One line of 1,000,000 bytes: quotes, accents, CJK, emoji (surrogate pairs) and a control character among ASCII. */
const WIDE_LINE = (() => {
  const head = "export function wide(): string { return '";
  const tail = "'; }";
  const filler = 'lorem ipsum "quoted" é 中文 😀 \x01 dolor; ';
  let body = filler.repeat(Math.ceil(1_000_000 / Buffer.byteLength(filler)));
  while (Buffer.byteLength(head + body + tail) > 1_000_000) body = body.slice(0, -1);
  if (/[\ud800-\udbff]$/.test(body)) body = body.slice(0, -1);
  return head + body.padEnd(body.length + 1_000_000 - Buffer.byteLength(head + body + tail), 'x') + tail;
})();
/** 200,000 control characters: 6 bytes each once JSON-escaped, so 1.2 MB of answer per copy. */
const ESCAPES_LINE = `export const e = '${'\x01'.repeat(200_000)}';`;
/** 500 lines of 1,000 characters: a page ends at a line's end, never inside one. */
const TALL_LINES = Array.from(
  { length: 500 },
  (_, i) => `// ${String(i + 1).padStart(4, '0')} ${'t'.repeat(992)}`,
);

function resultBytes(result: unknown): number {
  return Buffer.byteLength(JSON.stringify(result), 'utf8');
}

function textOf(result: Json): string {
  return (result.content as Array<{ text: string }>).map((c) => c.text).join('\n');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema and tool results are walked as plain JSON
type Json = any;

/**
 * Keywords that clients mapping a schema onto a one-type-per-field dialect (OpenAPI 3.0 style function declarations)
 * reject or silently drop. `anyOf` is allowed only as the spelling of a nullable field, one type per branch.
 */
const NON_PORTABLE_KEYWORDS = [
  'oneOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'const',
  'nullable',
  'propertyNames',
  'patternProperties',
  'dependencies',
  'dependentSchemas',
  'dependentRequired',
  'prefixItems',
  'unevaluatedProperties',
];

/** Every construct in `schema` that a single-type schema dialect cannot read, as `where: what` lines. */
function portabilityProblems(root: Json): string[] {
  const problems: string[] = [];
  const definitions: Json = { ...root.definitions, ...root.$defs };
  const visit = (node: Json, where: string, inAnyOf: boolean): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      problems.push(`${where}: a schema must be an object, got ${JSON.stringify(node)}`);
      return;
    }
    if (Array.isArray(node.type)) problems.push(`${where}: type is an array ${JSON.stringify(node.type)}`);
    for (const keyword of NON_PORTABLE_KEYWORDS)
      if (keyword in node) problems.push(`${where}: uses ${keyword}`);
    if (typeof node.$ref === 'string') {
      const target = /^#\/(?:definitions|\$defs)\/(.+)$/.exec(node.$ref)?.[1];
      if (target === undefined || !(target in definitions))
        problems.push(`${where}: $ref ${node.$ref} does not resolve`);
    } else if (Array.isArray(node.anyOf)) {
      if (inAnyOf) problems.push(`${where}: anyOf nested in anyOf`);
      node.anyOf.forEach((branch: Json, i: number) => {
        if (typeof branch?.type !== 'string' && typeof branch?.$ref !== 'string')
          problems.push(`${where}.anyOf[${i}]: a branch needs one type or a $ref`);
        visit(branch, `${where}.anyOf[${i}]`, true);
      });
    } else if (typeof node.type !== 'string') {
      problems.push(`${where}: no single type`);
    }
    for (const [name, child] of Object.entries(node.properties ?? {}))
      visit(child, `${where}.${name}`, false);
    if (node.items !== undefined) {
      if (Array.isArray(node.items)) problems.push(`${where}: items is a tuple`);
      else visit(node.items, `${where}[]`, false);
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object')
      visit(node.additionalProperties, `${where}{*}`, false);
  };
  visit(root, '', false);
  for (const [name, definition] of Object.entries(definitions)) visit(definition, `#${name}`, false);
  return problems;
}

describe('MCP answers to strict and careless clients', () => {
  let work: string;
  let hub: Served;
  let client: Client;

  before(async () => {
    work = tempDir('mcp-answers');
    const data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('src/ok.ts', '/** Says one. */\nexport function ok(): number {\n  return 1;\n}\n');
    repo.write('wide.js', WIDE_LINE); // no final newline: one line, exactly 1,000,000 bytes
    repo.write('escapes.js', `${ESCAPES_LINE}\n`);
    repo.write('tall.js', `${TALL_LINES.join('\n')}\n`);
    // A symbol with hundreds of callers, callees and tests, and one with a 100,000-character signature.
    repo.write('src/hub.ts', 'export function target(): number {\n  return 1;\n}\n');
    const callers = Array.from(
      { length: CALLERS },
      (_, i) =>
        `/** Caller number ${i} of the hub target, with a doc comment long enough to weigh on every answer that lists it: ${'and so on, '.repeat(20)}to the end. */\n` +
        `export function caller${i}(firstArgumentWithAVeryLongName${i}: Record<string, Array<Map<string, number>>>, second: ReadonlyArray<string> = [], third?: { alpha: number; beta: string }): number {\n` +
        '  return target();\n}\n',
    );
    repo.write('src/callers.ts', `import { target } from './hub';\n\n${callers.join('\n')}`);
    repo.write(
      'src/fan-out.ts',
      `import { ${Array.from({ length: CALLERS }, (_, i) => `caller${i}`).join(', ')} } from './callers';\n\n` +
        `export function fanOut(): number {\n${Array.from({ length: CALLERS }, (_, i) => `  caller${i}({});`).join('\n')}\n  return 0;\n}\n`,
    );
    repo.write(
      'src/wide-sig.ts',
      `import { target } from './hub';\n\nexport function wideSig(a = '${'s'.repeat(100_000)}'): number {\n  return target() + a.length;\n}\n`,
    );
    repo.write(
      'test/hub.test.ts',
      `import { describe, it } from 'vitest';\nimport { target } from '../src/hub';\n\ndescribe('the hub target', () => {\n` +
        Array.from(
          { length: CALLERS },
          (_, i) =>
            `  it('answers one in case ${i}, a title long enough to make each listed test weigh', () => {\n    target();\n  });\n`,
        ).join('') +
        '});\n',
    );
    // A name no list can cut: the symbol alone is over the cap.
    repo.write('src/huge-name.ts', `export function ${'n'.repeat(150_000)}(): number {\n  return 1;\n}\n`);
    repo.commit('fixture');
    const indexed = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    hub = await serve(data);
    client = new Client({ name: 'codehub-reliability', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${hub.url}/mcp`)));
  });
  after(async () => {
    await client?.close();
    await hub?.stop();
    removeDir(work);
  });

  it('keeps every answer of all nine tools under the 256 KiB cap, cutting lists to fit and saying so', async () => {
    const calls: Array<[string, Record<string, unknown>]> = [
      ['list_repos', { limit: 500 }],
      ['search_symbols', { query: 'caller', limit: 500 }],
      ['get_symbol', { repo: REPO, symbol: 'wide' }],
      ['get_symbol', { repo: REPO, symbol: 'wideSig' }],
      ['get_symbol', { repo: REPO, symbol: 'fanOut' }],
      ['get_source', { repo: REPO, path: 'wide.js' }],
      ['get_source', { repo: REPO, path: 'escapes.js' }],
      ['get_source', { repo: REPO, path: 'tall.js' }],
      ['get_callers', { repo: REPO, symbol: 'target', depth: 5, limit: 500 }],
      ['get_callees', { repo: REPO, symbol: 'fanOut', depth: 2, limit: 500 }],
      ['get_tests', { repo: REPO, symbol: 'target', limit: 500 }],
      ['impact', { repo: REPO, symbol: 'target', depth: 5, limit: 500 }],
      ['find_path', { repo: REPO, from: 'fanOut', to: 'target' }],
      ['find_path', { repo: REPO, from: 'wideSig', to: 'target' }],
    ];
    const cutToFit = new Set<string>();
    for (const [name, args] of calls) {
      const result: Json = await client.callTool({ name, arguments: args });
      const label = `${name} ${JSON.stringify(args)}`;
      assert.equal(result.isError, undefined, `${label}: ${textOf(result).slice(0, 300)}`);
      assert.ok(resultBytes(result) <= ANSWER_CAP, `${label}: ${resultBytes(result)} bytes`);
      if (/answer cap/.test(textOf(result))) {
        assert.equal(result.structuredContent.truncated, true, `${label}: a list cut to fit says truncated`);
        cutToFit.add(name);
      }
    }
    assert.deepEqual([...cutToFit].sort(), [
      'get_callees',
      'get_callers',
      'get_tests',
      'impact',
      'search_symbols',
    ]);
    const wideSig: Json = await client.callTool({
      name: 'get_symbol',
      arguments: { repo: REPO, symbol: 'wideSig' },
    });
    assert.match(
      wideSig.structuredContent.symbol.signature,
      /^\(a = 's{1000,}… \[cut at \d+ of 100008 characters\]$/,
    );
    // A symbol too large by itself is refused in one error, and lists leave it out.
    const huge: Json = await client.callTool({
      name: 'get_symbol',
      arguments: { repo: REPO, symbol: 'src/huge-name.ts:1' },
    });
    assert.equal(huge.isError, true);
    assert.match(
      textOf(huge),
      /^Error \[AnswerTooLarge\]: the get_symbol answer would be \d+ bytes, over the 262144-byte cap/,
    );
    const hugeHits: Json = await client.callTool({
      name: 'search_symbols',
      arguments: { repo: REPO, query: 'nnnnnnnnnn' },
    });
    assert.ok(resultBytes(hugeHits) <= ANSWER_CAP);
    assert.deepEqual(
      [hugeHits.structuredContent.hits.length, hugeHits.structuredContent.truncated],
      [0, true],
    );
    // On the wire (the JSON-RPC envelope around the result) the answer is as small.
    const { res } = await mcpCall(hub.url, 'get_source', { repo: REPO, path: 'wide.js' });
    assert.ok(
      Buffer.byteLength(res.body) <= ANSWER_CAP + 100,
      `${Buffer.byteLength(res.body)} bytes on the wire`,
    );
  });

  it('pages through a 1 MB one-line file, a line of JSON escapes and a tall file by line and column, giving back every character', async () => {
    for (const [path, lines] of [
      ['wide.js', [WIDE_LINE]],
      ['escapes.js', [ESCAPES_LINE]],
      ['tall.js', TALL_LINES],
    ] as const) {
      const read: string[] = [];
      let at: { line: number; column: number } | null = { line: 1, column: 1 };
      let pages = 0;
      while (at) {
        const page: Json = await client.callTool({
          name: 'get_source',
          arguments: { repo: REPO, path, start_line: at.line, start_column: at.column },
        });
        const data = page.structuredContent;
        assert.ok(resultBytes(page) <= ANSWER_CAP, `${path} page ${pages}: ${resultBytes(page)} bytes`);
        assert.equal(data.startColumn, at.column);
        data.lines.forEach((text: string, i: number) => {
          if (i === 0 && at!.column > 1) read[read.length - 1] += text;
          else read.push(text);
        });
        if (data.nextStartLine !== null) {
          // A continuation always points at a line and column that exist.
          assert.ok(
            data.nextStartLine <= lines.length,
            `${path}: nextStartLine ${data.nextStartLine} of ${lines.length} lines`,
          );
          assert.ok(
            data.nextStartColumn <= lines[data.nextStartLine - 1]!.length,
            `${path}: nextStartColumn ${data.nextStartColumn}`,
          );
          if (data.cutLine) {
            assert.deepEqual(
              [data.nextStartLine, data.nextStartColumn],
              [data.cutLine.line, data.cutLine.endColumn + 1],
            );
            assert.equal(data.cutLine.columns, lines[data.cutLine.line - 1]!.length);
            assert.match(
              textOf(page),
              new RegExp(
                `line cut at column ${data.cutLine.endColumn} of ${data.cutLine.columns}; continue with start_line ${data.cutLine.line}, start_column ${data.cutLine.endColumn + 1}\\]`,
              ),
            );
          }
        }
        assert.equal(data.truncated, data.nextStartLine !== null);
        at = data.nextStartLine === null ? null : { line: data.nextStartLine, column: data.nextStartColumn };
        assert.ok(++pages < 60, `${path}: paging ends`);
      }
      assert.ok(pages > 1, `${path} takes more than one page`);
      assert.equal(read.length, lines.length, `${path}: line count`);
      read.forEach((text, i) => assert.ok(text === lines[i], `${path}: line ${i + 1} comes back exactly`));
      if (path === 'tall.js') assert.ok(pages <= 5, `tall.js pages end at whole lines (${pages} pages)`);
    }
    // get_symbol's excerpt of the wide line is cut too, and says where get_source reads on.
    const wide: Json = await client.callTool({
      name: 'get_symbol',
      arguments: { repo: REPO, symbol: 'wide' },
    });
    const cut = wide.structuredContent.source.cutLine;
    assert.equal(cut.line, 1);
    assert.equal(cut.columns, WIDE_LINE.length);
    assert.equal(wide.structuredContent.source.lines[0], WIDE_LINE.slice(0, cut.endColumn));
    assert.match(
      textOf(wide),
      new RegExp(`continue with get_source start_line 1, start_column ${cut.endColumn + 1}\\]`),
    );
    const rest: Json = await client.callTool({
      name: 'get_source',
      arguments: { repo: REPO, path: 'wide.js', start_column: cut.endColumn + 1 },
    });
    assert.ok(WIDE_LINE.slice(cut.endColumn).startsWith(rest.structuredContent.lines[0]));
  });

  it('publishes every input and output schema with one type per field, so single-type schema dialects can read them', async () => {
    const { tools } = await client.listTools();
    assert.equal(tools.length, 11);
    const problems = tools.flatMap((tool) => [
      ...portabilityProblems(tool.inputSchema).map((p) => `${tool.name} input${p}`),
      ...(tool.outputSchema
        ? portabilityProblems(tool.outputSchema).map((p) => `${tool.name} output${p}`)
        : [`${tool.name}: no outputSchema`]),
    ]);
    assert.deepEqual(problems, []);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', `${tool.name}: the input root is an object`);
      for (const keyword of ['anyOf', 'oneOf', 'allOf'])
        assert.ok(!(keyword in tool.inputSchema), `${tool.name}: no ${keyword} at the input root`);
    }
  });

  it('answers tools/call whose arguments are null, a string, an array or a number with one line of JSON-RPC -32602', async () => {
    const call = (params: unknown) =>
      client.request({ method: 'tools/call', params: params as { name: string } }, CallToolResultSchema).then(
        () => assert.fail(`${JSON.stringify(params)} was answered as a tool result`),
        (err: unknown) => err,
      );
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'get_symbol', arguments: null }, /"arguments" of get_symbol must be an object .*got null/],
      [{ name: 'list_repos', arguments: null }, /"arguments" of list_repos must be an object .*got null/],
      [{ name: 'get_symbol', arguments: 'repo=local/repo' }, /got a string/],
      [{ name: 'get_symbol', arguments: ['local/repo', 'ok'] }, /got an array/],
      [{ name: 'get_symbol', arguments: 42 }, /got a number/],
      [{ name: 42, arguments: {} }, /needs "name", a tool name .*got a number/],
      [
        { name: 'no_such_tool', arguments: {} },
        /unknown tool 'no_such_tool'; the tools are list_repos, search_symbols/,
      ],
      [{ name: `x${'\n'.repeat(5)}${'y'.repeat(10_000)}`, arguments: {} }, /unknown tool 'x y{74}…'/],
    ];
    for (const [params, says] of cases) {
      const err = await call(params);
      assert.ok(err instanceof McpError, String(err));
      assert.equal(err.code, -32602, `${JSON.stringify(params).slice(0, 80)}: ${err.message}`);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      assert.ok(err.message.length < 300, `short: ${err.message.length} chars`);
      assert.match(err.message, says);
    }
    // Params that are not an object do not make a JSON-RPC request at all; the SDK client cannot send them.
    for (const params of ['null', '"get_symbol"', '[1]']) {
      const r = await rawRequest(
        hub.url,
        'POST',
        '/mcp',
        { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":${params}}`,
      );
      const error = JSON.parse(r.body).error;
      assert.ok(error && error.code !== -32603, `params ${params}: ${r.status} ${r.body.slice(0, 200)}`);
      assert.doesNotMatch(error.message, /\n/, `params ${params}: one line`);
    }
  });

  it('answers arguments of the wrong type, missing or out of bounds with one isError line naming each field', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        'get_symbol',
        { repo: 42, symbol: ['x'] },
        /repo: expected string, received number; symbol: expected string, received array/,
      ],
      ['get_symbol', {}, /repo: missing \(string\); symbol: missing \(string\)/],
      [
        'get_callers',
        { repo: 'local/repo', symbol: 'ok', depth: 9, limit: 'all' },
        /depth: .*<=5.*; limit: expected number/,
      ],
      ['get_source', { repo: 'local/repo', path: 'src/ok.ts', start_line: -1 }, /start_line: .*>=1/],
    ];
    for (const [name, args, says] of cases) {
      const result = await client.callTool({ name, arguments: args });
      assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}`);
      const text = (result.content as Array<{ text: string }>).map((c) => c.text).join('\n');
      assert.doesNotMatch(text, /\n/, `${name}: one line: ${text}`);
      assert.match(text, /^Error \[InvalidInput\]: Input validation error in /);
      assert.match(text, says);
    }
    const fine = await client.callTool({
      name: 'get_symbol',
      arguments: { repo: 'local/repo', symbol: 'ok' },
    });
    assert.equal(fine.isError, undefined, 'the server still answers a good call');
  });
});
