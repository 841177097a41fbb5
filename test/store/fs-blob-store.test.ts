import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BlobStore } from '../../src/store/blob-store.js';
import { FsBlobStore } from '../../src/store/fs-blob-store.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';
import { runBlobStoreCases } from './blob-store.cases.js';

const dirs: string[] = [];
const fs = (store: BlobStore): FsBlobStore => store as FsBlobStore;

runBlobStoreCases('folder', {
  async open(sameAs) {
    if (sameAs) return new FsBlobStore(fs(sameAs).root);
    const dir = tempDir('blobs');
    dirs.push(dir);
    return new FsBlobStore(dir);
  },
  async rawRead(store, sha) {
    try {
      return readFileSync(fs(store).pathOf(sha));
    } catch {
      return null;
    }
  },
  async rawWrite(store, sha, bytes) {
    writeFileSync(fs(store).pathOf(sha), bytes);
  },
  async rawDelete(store, sha) {
    rmSync(fs(store).pathOf(sha), { force: true });
  },
  async dispose() {
    for (const d of dirs) removeDir(d);
  },
});

describe('the folder blob store', () => {
  const dir = tempDir('blobs-tmp');
  after(() => removeDir(dir));

  it('removes the temp files a killed writer left, and only those', async () => {
    const store = new FsBlobStore(dir);
    const { sha256 } = await store.put(Buffer.from('kept'));
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    writeFileSync(join(dir, 'tmp', `${sha256}.4242.abcdef`), 'half a blob');
    assert.equal(await store.removeLeftovers(), 1);
    assert.equal(await store.removeLeftovers(), 0);
    assert.deepEqual(await store.readVerified(sha256), Buffer.from('kept'));
  });
});
