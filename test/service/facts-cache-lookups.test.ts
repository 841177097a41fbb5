// The facts cache is asked once per window of files, not once per file: on PostgreSQL each question is a round trip.
// The storage is the real SQLite one; the wrapper only counts the questions it passes on.
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnalysisCache, Storage } from '../../src/db/storage.js';
import { indexInWorkspace } from '../../src/service/indexer.js';
import { openWorkspace, type Workspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';

const FILES = 150;

/** The workspace with its analysis cache's getCachedFacts counted (how many keys each call asked for). */
function countingLookups(ws: Workspace): { ws: Workspace; calls: number[] } {
  const calls: number[] = [];
  const real = ws.storage.cache;
  const cache: AnalysisCache = {
    knownGitObjects: (oids) => real.knownGitObjects(oids),
    rememberGitObjects: (objects) => real.rememberGitObjects(objects),
    putCachedFacts: (entries) => real.putCachedFacts(entries),
    getCachedFacts: (keys) => {
      calls.push(keys.length);
      return real.getCachedFacts(keys);
    },
  };
  const storage = Object.create(ws.storage) as Storage;
  Object.defineProperty(storage, 'cache', { value: cache });
  return { ws: { ...ws, storage }, calls };
}

describe('facts-cache lookups while indexing', () => {
  let tmp: string;
  let repo: FixtureRepo;
  let ws: Workspace;

  before(() => {
    tmp = tempDir('lookups');
    repo = FixtureRepo.init(join(tmp, 'repo')).write('README.md', '# many files\n');
    for (let i = 0; i < FILES; i++) {
      const n = String(i).padStart(3, '0');
      repo.write(`src/f${n}.ts`, `export function f${n}(): number {\n  return ${i};\n}\n`);
    }
    repo.commit('many files');
    ws = openWorkspace(join(tmp, 'data'));
  });
  after(async () => {
    await ws?.close();
    removeDir(tmp);
  });

  it('asks once per window for files whose content is new to the database', async () => {
    const counted = countingLookups(ws);
    const result = await indexInWorkspace(counted.ws, { source: repo.dir, dataDir: ws.dataDir, workers: 1 });
    assert.equal(result.analysedFiles, FILES);
    assert.equal(result.cachedFiles, 0);
    // 151 entries in windows of 128: two windows, every new file's key in its window's one call.
    assert.deepEqual(counted.calls, [127, 23]);
  });

  it('finds cached facts for re-read content in the same one call per window', async () => {
    // Blobs lost from the store: every file is read and stored again, and its facts come from the cache.
    const store = join(ws.dataDir, 'blobs');
    for (const shard of readdirSync(store))
      for (const blob of readdirSync(join(store, shard))) rmSync(join(store, shard, blob));
    const counted = countingLookups(ws);
    const result = await indexInWorkspace(counted.ws, { source: repo.dir, dataDir: ws.dataDir, workers: 1 });
    assert.equal(result.cachedFiles, FILES);
    assert.equal(result.analysedFiles, 0);
    assert.equal(result.newBlobs, FILES + 1);
    assert.deepEqual(counted.calls, [127, 23]);
  });

  it('asks once per window when the same tree is indexed again (its content already known)', async () => {
    const counted = countingLookups(ws);
    const result = await indexInWorkspace(counted.ws, { source: repo.dir, dataDir: ws.dataDir, workers: 1 });
    assert.equal(result.cachedFiles, FILES);
    assert.deepEqual(counted.calls, [127, 23]);
  });
});
