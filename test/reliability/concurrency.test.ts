// Concurrency: a running `codehub serve` keeps answering pages, /api/v1 and /mcp while a new commit is
// indexed under it, and no answer mixes the two snapshots; two indexers of one repo never interleave.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, spawnCli, tempDir } from '../helpers/fixture-repo.js';
import { mcpCall, rawRequest, serve, writeGeneratedSources, type Served } from './support.js';

const FILES = 40;
const REPO = 'local/repo';

function waitExit(
  child: ReturnType<typeof spawnCli>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout })));
}

const stripTags = (html: string): string =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

describe('re-indexing under a running hub', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let c1: string;
  let c2: string;
  let hub: Served;

  before(async () => {
    work = tempDir('concurrency');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    writeGeneratedSources(repo, FILES, 1);
    c1 = repo.commit('variant 1');
    writeGeneratedSources(repo, FILES, 2);
    c2 = repo.commit('variant 2');
    const first = runCli(['index', repo.dir, '--ref', c1, '--data', data]);
    assert.equal(first.code, 0, first.stderr);
    hub = await serve(data);
  });
  after(async () => {
    await hub?.stop();
    removeDir(work);
  });

  it('answers every page, API and MCP request from exactly one snapshot while a new commit is indexed', async (t) => {
    const variantOf = (commit: string): number => {
      if (commit === c1) return 1;
      if (commit === c2) return 2;
      throw new Error(`answer names commit ${commit}, neither ${c1} nor ${c2}`);
    };
    const errors: string[] = [];
    const seen = { [c1]: 0, [c2]: 0 } as Record<string, number>;
    let requests = 0;
    let indexing = true;
    let afterRounds = 0;

    const checkApi = async (): Promise<void> => {
      const r = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/symbol/marker`);
      if (r.status !== 200) throw new Error(`api ${r.status}: ${r.body.slice(0, 200)}`);
      const show = JSON.parse(r.body);
      const v = variantOf(show.repo.commit);
      if (!show.source.verified || !show.source.lines.join('\n').includes(`return ${v};`))
        throw new Error(
          `api answer for ${show.repo.commit} carries other content: ${show.source.lines.join('|')}`,
        );
      seen[show.repo.commit]!++;
    };
    const checkPage = async (): Promise<void> => {
      const r = await rawRequest(hub.url, 'GET', `/${REPO}/-/symbol/src/marker.ts::marker:function`);
      if (r.status !== 200) throw new Error(`page ${r.status}: ${r.body.slice(0, 200)}`);
      const commits = [c1, c2].filter((c) => r.body.includes(c));
      if (commits.length !== 1) throw new Error(`page names ${commits.length} of the two commits`);
      const v = variantOf(commits[0]!);
      if (!stripTags(r.body).includes(`return ${v};`))
        throw new Error(`page for variant ${v} shows other source`);
      seen[commits[0]!]!++;
    };
    const checkMcp = async (): Promise<void> => {
      const { res, result } = await mcpCall(hub.url, 'get_symbol', { repo: REPO, symbol: 'Service0.run' });
      if (res.status !== 200 || !result || result.isError)
        throw new Error(`mcp ${res.status}: ${res.body.slice(0, 300)}`);
      const data = result.structuredContent;
      const v = variantOf(data.symbol.evidence.commit);
      if (!data.source.lines.join('\n').includes(`return helper0(this.count) + ${v};`))
        throw new Error(`mcp answer for variant ${v} carries other source: ${data.source.lines.join('|')}`);
      seen[data.symbol.evidence.commit]!++;
    };

    const client = async (check: () => Promise<void>): Promise<void> => {
      while (indexing || afterRounds < 10) {
        try {
          await check();
        } catch (err) {
          errors.push(String(err));
        }
        requests++;
        if (!indexing) afterRounds++;
      }
    };
    const clients = [client(checkApi), client(checkPage), client(checkMcp), client(checkApi)];
    const indexer = await waitExit(spawnCli(['index', repo.dir, '--ref', c2, '--data', data]));
    indexing = false;
    await Promise.all(clients);

    assert.equal(indexer.code, 0, indexer.stderr);
    t.diagnostic(
      `${requests} requests: ${seen[c1]} answered from ${c1.slice(0, 8)}, ${seen[c2]} from ${c2.slice(0, 8)}`,
    );
    assert.deepEqual(errors.slice(0, 5), []);
    assert.ok(seen[c1]! > 0, 'some answers came from the old snapshot while indexing');
    assert.ok(seen[c2]! > 0, 'the new snapshot is served once published');
    assert.doesNotMatch(hub.stderr(), /Error|error/);
  });
});

describe('two indexers of one repository at once', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;

  before(() => {
    work = tempDir('two-indexers');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    writeGeneratedSources(repo, FILES, 3);
    repo.commit('variant 3');
  });
  after(() => removeDir(work));

  it('makes one wait or refuse with IndexLocked, and leaves one whole snapshot', async () => {
    const [a, b] = await Promise.all([
      waitExit(spawnCli(['index', repo.dir, '--data', data])),
      waitExit(spawnCli(['index', repo.dir, '--data', data])),
    ]);
    const outcomes = [a, b];
    for (const o of outcomes) {
      if (o.code === 0) continue;
      assert.equal(o.code, 7, `an indexer failed with something other than IndexLocked: ${o.stderr}`);
      assert.match(o.stderr, /locked by another codehub process \(pid \d+\); wait for it to finish/);
      assert.equal(o.stderr.trim().split('\n').length, 1, 'one clear line, no stack trace');
    }
    assert.ok(
      outcomes.some((o) => o.code === 0),
      'at least one indexer completes',
    );
    const repos = JSON.parse(runCli(['repos', '--data', data, '--json']).stdout).repos;
    assert.equal(repos.length, 1);
    const verify = runCli(['verify', '--data', data, '--json']);
    assert.equal(verify.code, 0, verify.stdout);
  });
});
