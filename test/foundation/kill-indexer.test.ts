import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, spawnCli, tempDir } from '../helpers/fixture-repo.js';

/** Deterministic source-like text, about `size` bytes, different per seed. */
function generatedSource(seed: number, size: number): string {
  let x = seed * 2654435761 + 1;
  const words = [
    'const',
    'value',
    'return',
    'function',
    'items',
    'map',
    'filter',
    'await',
    'result',
    'config',
  ];
  const out: string[] = [`// generated file ${seed}\n`];
  let n = 0;
  while (n < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    const line = `export function f${seed}_${n}(a: number) { ${words[x % 10]} ${words[(x >> 8) % 10]}(a + ${x % 997}); }\n`;
    out.push(line);
    n += line.length;
  }
  return out.join('');
}

function storeStats(dataDir: string): { blobs: number; bytes: number } {
  const root = join(dataDir, 'blobs');
  let blobs = 0;
  let bytes = 0;
  for (const a of readdirSync(root).filter((d) => /^[0-9a-f]{2}$/.test(d))) {
    for (const f of readdirSync(join(root, a))) {
      blobs++;
      bytes += statSync(join(root, a, f)).size;
    }
  }
  return { blobs, bytes };
}

const FILES = 3000;
const FILE_SIZE = 8000;

describe('an indexer killed mid-way through a large repository', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let c1: string;
  let c2: string;

  before(() => {
    work = tempDir('kill');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('src/seed.ts', 'export const seed = 1;\n');
    c1 = repo.commit('small');
    for (let i = 0; i < FILES; i++)
      repo.write(`src/gen/m${Math.floor(i / 100)}/file${i}.ts`, generatedSource(i, FILE_SIZE));
    c2 = repo.commit('large');
    const first = runCli(['index', repo.dir, '--ref', c1, '--data', data]);
    assert.equal(first.code, 0, first.stderr);
  });
  after(() => removeDir(work));

  it('keeps the previous snapshot served, shows no partial blob, and the next run completes', async () => {
    const child = spawnCli(['index', repo.dir, '--data', data]);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Kill once a good part (but not all) of the blobs are written.
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (existsSync(join(data, 'blobs')) && storeStats(data).blobs > 300) break;
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(storeStats(data).blobs < FILES, 'the indexer was killed before it finished');

    const repos = JSON.parse(runCli(['repos', '--data', data, '--json']).stdout).repos;
    assert.equal(repos.length, 1);
    assert.equal(repos[0].commit, c1, 'the previous snapshot is still served');
    assert.equal(repos[0].files, 1);

    const verifyAfterKill = runCli(['verify', '--data', data, '--json']);
    assert.equal(verifyAfterKill.code, 0, 'every blob under its final name is whole');

    const rerun = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(rerun.code, 0, rerun.stderr);
    const result = JSON.parse(rerun.stdout);
    assert.equal(result.commit, c2);
    assert.equal(result.files, FILES + 1);
    const verify = runCli(['verify', '--data', data, '--json']);
    assert.equal(verify.code, 0);
    assert.equal(JSON.parse(verify.stdout).checked, FILES + 1);
    const gc = runCli(['gc', '--data', data, '--json']);
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal(JSON.parse(gc.stdout).removedBlobs, 0);
  });

  it('measures ingest throughput and store size on a fresh data dir', (t) => {
    const fresh = join(work, 'fresh');
    const r = runCli(['index', repo.dir, '--data', fresh, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const secs = result.durationMs / 1000;
    const store = storeStats(fresh);
    t.diagnostic(
      `ingest: ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(2)} s = ` +
        `${(result.files / secs).toFixed(0)} files/s, ${(result.bytes / 1e6 / secs).toFixed(1)} MB/s; ` +
        `store ${(store.bytes / 1e6).toFixed(2)} MB = ${((100 * store.bytes) / result.bytes).toFixed(1)}% of raw`,
    );
    assert.equal(store.blobs, FILES + 1);
    assert.ok(store.bytes < result.bytes, 'the store is compressed');
    const again = runCli(['index', repo.dir, '--data', fresh, '--json']);
    const r2 = JSON.parse(again.stdout);
    t.diagnostic(
      `re-index of the same commit: ${(r2.durationMs / 1000).toFixed(2)} s, ${r2.newBlobs} new blobs`,
    );
    assert.equal(r2.newBlobs, 0);
  });
});
