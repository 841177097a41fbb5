/**
 * change_impact and tests_for_symbols through the official MCP SDK client, over a real data dir: a fixture repo
 * with two commits (real git), indexed by the CLI with `--ref`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resultBytes } from '../../src/mcp/answer-budget.js';
import { createMcpServer } from '../../src/mcp/mcp-server.js';
import { LIMITS } from '../../src/mcp/schemas.js';
import { createChangeService } from '../../src/service/change-service.js';
import { createQueryService } from '../../src/service/query-service.js';
import { openWorkspace, type Workspace } from '../../src/service/workspace.js';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

/** Enough functions that listing every one changed takes more than the answer cap. */
const MANY = 2500;
const many = (version: number): string =>
  Array.from(
    { length: MANY },
    // Long names make each listed entry large, so that the answer cap and not the limit cuts the list.
    (_, i) => `export function ${stepName(i)}(x: number): number {\n  return x + ${i * version};\n}\n`,
  ).join('');
const stepName = (i: number): string =>
  i === 1 ? 'step1' : `step${i}_${'withAVeryLongGeneratedName'.repeat(4)}`;

const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { step1 } from '../src/many.js';
import { area } from '../src/shapes.js';

test('step1 adds one', () => {
  assert.equal(step1(1), 2);
});

test('area of a square', () => {
  assert.equal(area(2), 4);
});
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('MCP change tools', () => {
  let work: string;
  let ws: Workspace;
  let client: Client;
  const repo = 'local/mcprepo';

  const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult): string =>
    r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

  before(async () => {
    work = tempDir('change-mcp');
    const data = join(work, 'data');
    const fixture = FixtureRepo.init(join(work, 'mcprepo'));
    fixture
      .write('src/shapes.ts', 'export function area(side: number): number {\n  return side * side;\n}\n')
      .write('src/many.ts', many(1))
      .write('test/all.test.ts', TESTS);
    fixture.commit('one');
    git(fixture.dir, 'tag', 'v1');
    fixture.write('src/shapes.ts', 'export function area(side: number): number {\n  return side ** 2;\n}\n');
    fixture.commit('two: area');
    git(fixture.dir, 'tag', 'v2');
    fixture.write('src/many.ts', many(2));
    fixture.commit('three: every step');
    for (const ref of ['v1', 'v2', 'main']) {
      const r = runCli(['index', fixture.dir, '--ref', ref, '--data', data]);
      assert.equal(r.code, 0, r.stderr);
    }
    ws = openWorkspace(data);
    const server = createMcpServer(createQueryService(ws), { changes: createChangeService(ws) });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'change-mcp', version: '0.0.0' });
    await client.connect(clientSide);
    await client.listTools(); // the client checks structuredContent against each outputSchema
  });
  after(async () => {
    await client?.close();
    await ws?.close();
    removeDir(work);
  });

  it('change_impact names the changed symbol, its tests and their commands, with the commits it compared', async () => {
    const r = await call('change_impact', { repo, base: 'v1', head: 'v2' });
    assert.equal(r.isError, undefined, text(r));
    const data = r.structuredContent as Json;
    assert.deepEqual(
      data.changed.map((c: Json) => [c.change, c.id]),
      [['modified', 'src/shapes.ts::area:function']],
    );
    assert.deepEqual(
      data.tests.map((t: Json) => [t.name, t.reaches, t.command]),
      [
        [
          'area of a square',
          ['src/shapes.ts::area:function'],
          "node --test --test-name-pattern='^area of a square$' test/all.test.ts",
        ],
      ],
    );
    assert.equal(data.base.ref, 'v1');
    assert.equal(data.truncated, false);
    assert.match(text(r), /^local\/mcprepo [0-9a-f]{12} \(v1\) → [0-9a-f]{12} \(v2\): 1 changed symbol\(s\)/);
    assert.match(text(r), /run: node --test --test-name-pattern='\^area of a square\$' test\/all\.test\.ts/);
  });

  it('tests_for_symbols lists the tests that reach the given ids, and names ids it does not know', async () => {
    const r = await call('tests_for_symbols', { repo, symbols: ['src/many.ts::step1:function'] });
    assert.equal(r.isError, undefined, text(r));
    assert.deepEqual(
      (r.structuredContent as Json).tests.map((t: Json) => t.name),
      ['step1 adds one'],
    );
    const unknown = await call('tests_for_symbols', { repo, symbols: ['src/many.ts::nope:function'] });
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /no symbol "src\/many\.ts::nope:function" in local\/mcprepo@/);
  });

  it('keeps a change of thousands of symbols under the answer cap and says the list was cut', async () => {
    const r = await call('change_impact', { repo, base: 'v2', head: 'main', limit: 500 });
    assert.equal(r.isError, undefined, text(r).slice(0, 300));
    assert.ok(resultBytes(r) <= LIMITS.answerBytes, `${resultBytes(r)} bytes`);
    const data = r.structuredContent as Json;
    assert.equal(data.truncated, true);
    assert.ok(data.changed.length > 0 && data.changed.length < 500, String(data.changed.length));
    // step0 adds 0 in both versions: its bytes did not change.
    assert.match(text(r), new RegExp(`${MANY - 1} changed symbol\\(s\\).*cut at \\d+ of 500`));
  });

  it("change_impact applies an agent's own unified diff to a snapshot, without publishing it", async () => {
    const patch = [
      'diff --git a/src/shapes.ts b/src/shapes.ts',
      '--- a/src/shapes.ts',
      '+++ b/src/shapes.ts',
      '@@ -1,3 +1,3 @@',
      ' export function area(side: number): number {',
      '-  return side ** 2;',
      '+  return Math.pow(side, 2);',
      ' }',
      '',
    ].join('\n');
    const before = (await createChangeService(ws).history(repo)).length;
    const r = await call('change_impact', { repo, base: 'v2', diff: patch });
    assert.equal(r.isError, undefined, text(r));
    const data = r.structuredContent as Json;
    assert.deepEqual(
      data.changed.map((c: Json) => [c.change, c.id]),
      [['modified', 'src/shapes.ts::area:function']],
    );
    assert.deepEqual(
      data.tests.map((t: Json) => t.name),
      ['area of a square'],
    );
    assert.equal(data.head.ref, null);
    assert.equal((await createChangeService(ws).history(repo)).length, before, 'no snapshot was published');

    const stale = await call('change_impact', { repo, base: 'v1', diff: patch });
    assert.equal(stale.isError, true);
    assert.match(
      text(stale),
      /the diff does not apply to [0-9a-f]{12}: error: patch failed: src\/shapes\.ts:1$/,
    );
    const both = await call('change_impact', { repo, base: 'v1', head: 'v2', diff: patch });
    assert.equal(both.isError, true);
    assert.match(text(both), /give head .* or diff .*, one of them/);
  });

  it('answers bad refs with one clear line', async () => {
    const same = await call('change_impact', { repo, base: 'v2', head: 'v2' });
    assert.equal(same.isError, true);
    assert.match(text(same), /are the same snapshot/);
    const unknown = await call('change_impact', { repo, base: 'v1', head: 'nope' });
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /'nope' names no indexed snapshot/);
    const range = await call('change_impact', { repo, base: 'v1..v2', head: 'main' });
    assert.equal(range.isError, true);
    assert.match(text(range), /contains '\.\.'/);
    for (const r of [same, unknown, range]) assert.equal(text(r).split('\n').length, 1, text(r));
  });
});
