// Crash safety: `codehub index` SIGKILLed at seeded random moments across its whole timeline.
// After each kill the data dir must open, keep serving the previous snapshot, hold no partial blob
// under a final name, and let the next index complete.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { indexRepository } from '../../src/service/indexer.js';
import { verifyStore } from '../../src/service/maintenance.js';
import { createQueryService } from '../../src/service/query-service.js';
import { openWorkspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, runCli, spawnCli, tempDir } from '../helpers/fixture-repo.js';
import { prng, writeGeneratedSources } from './support.js';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? 20261128);
const FILES = 60;
const REPO = 'local/repo';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function countBlobs(dataDir: string): number {
  const root = join(dataDir, 'blobs');
  if (!existsSync(root)) return 0;
  return readdirSync(root)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .reduce((n, d) => n + readdirSync(join(root, d)).length, 0);
}

describe('an indexer SIGKILLed at random moments', () => {
  let work: string;
  let template: string;
  let repo: FixtureRepo;
  let c1: string;
  let c2: string;
  const symbolsAt = new Map<string, number>();
  let fullMs = 0;
  let ingestMs = 0;

  before(async () => {
    work = tempDir('crash');
    repo = FixtureRepo.init(join(work, 'repo'));
    writeGeneratedSources(repo, FILES, 1);
    c1 = repo.commit('variant 1');
    writeGeneratedSources(repo, FILES, 2);
    c2 = repo.commit('variant 2');
    template = join(work, 'template');
    const first = runCli(['index', repo.dir, '--ref', c1, '--data', template, '--json']);
    assert.equal(first.code, 0, first.stderr);
    symbolsAt.set(c1, JSON.parse(first.stdout).symbols);
    // One uninterrupted run from the same starting state gives the timeline the kills are spread over.
    const probe = join(work, 'probe');
    cpSync(template, probe, { recursive: true });
    // It also times the window from the first new blob written to the end (ingest, analysis, publish).
    const templateBlobs = countBlobs(template);
    const t0 = Date.now();
    const child = spawnCli(['index', repo.dir, '--ref', c2, '--data', probe, '--json']);
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let firstBlobAt = 0;
    while (child.exitCode === null && firstBlobAt === 0) {
      if (countBlobs(probe) > templateBlobs) firstBlobAt = Date.now();
      else await sleep(5);
    }
    assert.equal(await exited, 0);
    fullMs = Date.now() - t0;
    ingestMs = Date.now() - (firstBlobAt || t0);
    symbolsAt.set(c2, JSON.parse(stdout).symbols);
    assert.notEqual(symbolsAt.get(c1), undefined);
  });
  after(() => removeDir(work));

  it(`keeps the previous snapshot intact and served, with a clean store, over ${TRIALS} seeded kills`, async (t) => {
    const rand = prng(SEED);
    let killedMidway = 0;
    let killedMidIngest = 0;
    const templateBlobs = countBlobs(template);
    for (let trial = 0; trial < TRIALS; trial++) {
      const data = join(work, `trial-${trial}`);
      cpSync(template, data, { recursive: true });
      // A quarter of the kills land anywhere in the run (start-up included); the rest in the indexing work
      // proper: once the first new blob appears, after a random part of the measured ingest-to-end window.
      const child = spawnCli(['index', repo.dir, '--ref', c2, '--data', data]);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const t0 = Date.now();
      let delay: number;
      if (trial % 4 === 0) {
        delay = Math.floor(rand() * fullMs * 1.1);
        await sleep(delay);
      } else {
        while (child.exitCode === null && countBlobs(data) <= templateBlobs) await sleep(5);
        await sleep(Math.floor(rand() * ingestMs * 0.8));
        delay = Date.now() - t0;
      }
      child.kill('SIGKILL');
      const end = await exited;
      const finished = end.code === 0;
      if (!finished) killedMidway++;
      const blobsAfterKill = countBlobs(data);
      const ctx = `trial ${trial} (seed ${SEED}, kill after ${delay} ms of ~${fullMs} ms, ${finished ? 'finished first' : 'killed'})`;

      const ws = openWorkspace(data);
      try {
        const service = createQueryService(ws);
        const repos = await service.listRepos();
        assert.equal(repos.length, 1, ctx);
        const served = repos[0]!;
        if (finished) assert.equal(served.commit, c2, ctx);
        else assert.ok(served.commit === c1 || served.commit === c2, ctx);
        if (!finished && served.commit === c1 && blobsAfterKill > templateBlobs) killedMidIngest++;
        // Whichever snapshot is served is whole: its counts and content are that commit's.
        assert.equal(
          served.symbols,
          symbolsAt.get(served.commit),
          `${ctx}: symbol count of ${served.commit}`,
        );
        const variant = served.commit === c1 ? 1 : 2;
        const show = await service.show(REPO, 'marker');
        assert.equal(show.symbol.path, 'src/marker.ts', ctx);
        const src = await service.getSource(REPO, 'src/marker.ts', 1, 4);
        assert.ok(src.verified, ctx);
        assert.match(src.lines.join('\n'), new RegExp(`return ${variant};`), ctx);

        const report = await verifyStore(ws, { repair: false });
        assert.deepEqual(report.corrupt, [], `${ctx}: a blob under its final name does not re-hash`);
        assert.deepEqual(report.missing, [], `${ctx}: the served snapshot references a missing blob`);
      } finally {
        ws.close();
      }

      const next = await indexRepository({ dataDir: data, source: repo.dir, ref: c2, lockWaitMs: 10_000 });
      assert.equal(next.commit, c2, ctx);
      assert.equal(next.symbols, symbolsAt.get(c2), ctx);
      if (trial === TRIALS - 1) {
        const verify = runCli(['verify', '--data', data, '--json']);
        assert.equal(verify.code, 0, `${ctx}: ${verify.stdout}${verify.stderr}`);
      }
      removeDir(data);
    }
    t.diagnostic(
      `${TRIALS} kills, ${killedMidway} before the indexer finished, ${killedMidIngest} after it had written new blobs ` +
        `but before it published; full run ~${fullMs} ms, of which ~${ingestMs} ms from the first new blob to the end`,
    );
    assert.ok(
      killedMidway >= TRIALS / 4,
      `at least a quarter of the kills land before the indexer finishes (${killedMidway})`,
    );
  });
});
