/**
 * Tested-by against real execution: the fixture project is indexed by the real indexer (real git, real SQLite),
 * and codehub's tested-by at the default depth is scored against what each test really executes under V8 coverage.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../src/mcp/mcp-server.js';
import { indexRepository } from '../src/service/indexer.js';
import { createWebServer } from '../src/web/server.js';
import { encodePathValue } from '../src/web/urls.js';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import type { QueryService, TestDTO } from '../src/service/query-types.js';
import { FixtureRepo, removeDir, ROOT, tempDir } from './helpers/fixture-repo.js';
import { collectCoverageTruth, listProjectFunctions, scoreAgainstTruth } from './support/coverage-truth.js';

const run = promisify(execFile);
const FIXTURE = join(ROOT, 'test', 'fixtures', 'tested-by-proof');

describe('tested-by proof against V8 coverage', () => {
  let work: string;
  let repoDir: string;
  let dataDir: string;
  let repoId: string;

  before(async () => {
    work = tempDir('tested-by-proof');
    repoDir = join(work, 'tested-by-proof');
    dataDir = join(work, 'data');
    cpSync(FIXTURE, repoDir, { recursive: true });
    FixtureRepo.init(repoDir).commit('fixture');
    repoId = (await indexRepository({ dataDir, source: repoDir })).repo;
  });

  after(() => removeDir(work));

  it('finds the tests that really execute each function with precision ≥ 0.9 and recall ≥ 0.8', async () => {
    const [truth, known] = await Promise.all([collectCoverageTruth(repoDir), listProjectFunctions(repoDir)]);
    assert.ok(truth.size >= 20, `the fixture has ${truth.size} tests; the proof needs at least 20`);
    assert.ok(known.size >= 30, `the fixture has ${known.size} functions; the proof needs at least 30`);

    const ws = openWorkspace(dataDir);
    try {
      const service = createQueryService(ws);
      const claimed = await claimedTestedBy(service, repoId, ws.storage, known);
      const score = scoreAgainstTruth(truth, claimed, known);
      const executedPairs = [...truth.values()].reduce((n, s) => n + s.size, 0);
      console.log(
        `tested-by vs V8 coverage: precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)} ` +
          `(${score.truePositives} right of ${executedPairs} executed pairs; ${truth.size} tests, ${known.size} functions)`,
      );
      if (score.misses.length > 0) console.log(`misses:\n  ${score.misses.join('\n  ')}`);
      if (score.falsePositives.length > 0)
        console.log(`false positives:\n  ${score.falsePositives.join('\n  ')}`);
      assert.ok(score.precision >= 0.9, `precision ${score.precision.toFixed(3)} < 0.9`);
      assert.ok(score.recall >= 0.8, `recall ${score.recall.toFixed(3)} < 0.8`);
    } finally {
      ws.close();
    }
  });

  it('gives every test a node:test command that runs just that test', async () => {
    const ws = openWorkspace(dataDir);
    try {
      const service = createQueryService(ws);
      const { tests } = await service.tests(repoId, 'src/cart.mjs::Cart.subtotal:method');
      const direct = tests.find((t) => t.name === 'Cart > sums line totals into the subtotal');
      assert.ok(direct, `expected the direct test among ${tests.map((t) => t.name).join(', ')}`);
      assert.equal(direct.depth, 1);
      assert.equal(
        direct.command,
        `node --test --test-name-pattern='^sums line totals into the subtotal$' test/cart.test.mjs`,
      );
    } finally {
      ws.close();
    }
  });

  it('gives commands that, run in a shell, run exactly the one test they name', async () => {
    const ws = openWorkspace(dataDir);
    try {
      const service = createQueryService(ws);
      const byName = new Map<string, TestDTO>();
      for (const symbol of ['Cart.count', 'Inventory.audit', 'formatCents', 'placeOrder', 'slugify'])
        for (const t of (await service.tests(repoId, symbol)).tests) byName.set(t.name, t);
      assert.ok(byName.size >= 5);
      for (const t of byName.values()) {
        assert.ok(t.command, `${t.name} has a command`);
        const env: NodeJS.ProcessEnv = { ...process.env };
        delete env.NODE_TEST_CONTEXT; // else the nested runner reports to ours instead of printing
        env.NODE_OPTIONS = '--test-reporter=tap';
        const { stdout } = await run('sh', ['-c', t.command], { cwd: repoDir, env });
        const passed = /^# pass (\d+)$/m.exec(stdout)?.[1];
        assert.equal(passed, '1', `${t.command} ran ${passed ?? '?'} tests`);
        const title = t.name.split(' > ').at(-1) ?? '';
        assert.ok(stdout.includes(`ok 1 - ${title}`) || stdout.includes(`- ${title}\n`), stdout);
      }
    } finally {
      ws.close();
    }
  });

  it('hands the same commands to the MCP get_tests tool and the JSON API', async () => {
    const ws = openWorkspace(dataDir);
    const service = createQueryService(ws);
    const symbol = 'src/inventory.mjs::Inventory.release:method';
    const expected = (await service.tests(repoId, symbol)).tests.map((t) => [t.name, t.command]);
    assert.ok(expected.length > 0 && expected.every(([, command]) => command !== null));

    const server = createMcpServer(service, { hubUrl: 'http://127.0.0.1:7070' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'tested-by-proof', version: '0.0.0' });
    await client.connect(clientSide);
    const web = createWebServer({ service, port: 0 });
    try {
      await client.listTools();
      const result = await client.callTool({ name: 'get_tests', arguments: { repo: repoId, symbol } });
      const data = result.structuredContent as { tests: Array<{ name: string; command: string | null }> };
      assert.deepEqual(
        data.tests.map((t) => [t.name, t.command]),
        expected,
      );
      const text = (result.content as Array<{ text: string }>)[0]?.text ?? '';
      assert.ok(text.includes(`run: ${expected[0]?.[1]}`), text);

      const base = await web.listen();
      const response = await fetch(
        `${base}/api/v1/repos/${encodePathValue(repoId)}/-/tests/${encodePathValue(symbol)}`,
      );
      assert.equal(response.status, 200);
      const api = (await response.json()) as { tests: Array<{ name: string; command: string | null }> };
      assert.deepEqual(
        api.tests.map((t) => [t.name, t.command]),
        expected,
      );
    } finally {
      await client.close();
      await server.close();
      await web.close();
      ws.close();
    }
  });
});

/** Test name → `path:qualifiedName` of every fixture function whose tested-by lists that test. */
async function claimedTestedBy(
  service: QueryService,
  repoId: string,
  storage: ReturnType<typeof openWorkspace>['storage'],
  known: ReadonlySet<string>,
): Promise<Map<string, Set<string>>> {
  const snapshot = await storage.reader.latestSnapshot(repoId);
  assert.ok(snapshot, 'the fixture was indexed');
  const claimed = new Map<string, Set<string>>();
  const found = new Set<string>();
  const symbols = [];
  for await (const s of storage.reader.iterateSymbols(snapshot.id)) symbols.push(s);
  for (const symbol of symbols) {
    const key = `${symbol.path}:${symbol.qualifiedName}`;
    if (!known.has(key)) continue;
    found.add(key);
    const { tests } = await service.tests(repoId, symbol.id);
    for (const test of tests as TestDTO[]) {
      let set = claimed.get(test.name);
      if (!set) claimed.set(test.name, (set = new Set()));
      set.add(key);
    }
  }
  // Every function the truth can name must be a codehub symbol too, or the score would hide what it missed.
  const unnamed = [...known].filter((k) => !found.has(k));
  assert.deepEqual(unnamed, [], 'codehub names every fixture function the way the truth does');
  return claimed;
}
