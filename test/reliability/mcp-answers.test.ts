// What a strict or careless MCP client meets on a real `codehub serve`: tool schemas that every schema dialect can
// read, and one-line answers to malformed tool calls; through the official SDK client over Streamable HTTP (raw
// JSON-RPC where the client itself would refuse to send the message), on a real git repository indexed by the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { rawRequest, serve, type Served } from './support.js';

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

  it('publishes every input and output schema with one type per field, so single-type schema dialects can read them', async () => {
    const { tools } = await client.listTools();
    assert.equal(tools.length, 9);
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
