// What a strict or careless MCP client meets on a real `codehub serve`: tool schemas that every schema dialect can
// read, through the official SDK client over Streamable HTTP, on a real git repository indexed by the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { serve, type Served } from './support.js';

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
});
