import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteEngine } from '../../src/db/sqlite-storage.js';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

function countBlobs(dataDir: string): number {
  const root = join(dataDir, 'blobs');
  let n = 0;
  for (const a of readdirSync(root).filter((d) => /^[0-9a-f]{2}$/.test(d)))
    n += readdirSync(join(root, a)).length;
  return n;
}

describe('indexing two commits', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  const v1: Record<string, string> = {
    'src/a.ts': 'export const a = 1;\n',
    'src/b.ts': 'export function b() { return 2; }\n',
    'src/copy-of-a.ts': 'export const a = 1;\n',
    'README.md': '# fixture\n',
  };
  const v2: Record<string, string> = {
    ...v1,
    'src/b.ts': 'export function b() { return 3; }\n',
    'src/c.ts': 'export const c = 4;\n',
  };
  let c1: string;
  let c2: string;

  before(() => {
    work = tempDir('two-commits');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    for (const [p, t] of Object.entries(v1)) repo.write(p, t);
    c1 = repo.commit('first');
    for (const [p, t] of Object.entries(v2)) repo.write(p, t);
    c2 = repo.commit('second');
  });
  after(() => removeDir(work));

  it('stores unchanged files once and lists the right files and shas in both snapshots', () => {
    const first = runCli(['index', repo.dir, '--ref', c1, '--data', data, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const r1 = JSON.parse(first.stdout);
    assert.equal(r1.commit, c1);
    assert.equal(r1.repo, 'local/repo');
    // a.ts and copy-of-a.ts share their bytes: one blob.
    assert.equal(r1.newBlobs, 3);
    assert.equal(countBlobs(data), 3);

    const second = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(second.code, 0, second.stderr);
    const r2 = JSON.parse(second.stdout);
    assert.equal(r2.commit, c2);
    assert.equal(r2.newBlobs, 2, 'only the changed b.ts and the new c.ts are new blobs');
    assert.equal(countBlobs(data), 5);

    const storage = new SqliteEngine(join(data, 'codehub.db'));
    try {
      const snaps = storage.listSnapshots('local/repo').filter((s) => s.status === 'ready');
      assert.deepEqual(
        snaps.map((s) => s.commit),
        [c1, c2],
      );
      for (const [snap, expected] of [
        [snaps[0]!, v1],
        [snaps[1]!, v2],
      ] as const) {
        const files = storage.listFiles(snap.id);
        assert.deepEqual(
          files.map((f) => [f.path, f.blobSha256]),
          Object.keys(expected)
            .sort()
            .map((p) => [p, sha256(expected[p]!)]),
        );
      }
      assert.equal(storage.latestSnapshot('local/repo')?.commit, c2);
    } finally {
      storage.close();
    }
    const listed = runCli(['files', 'local/repo', 'src/', '--data', data, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).files.map((f: { path: string }) => f.path),
      ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/copy-of-a.ts'],
    );
  });

  it('re-indexing the same commit replaces its snapshot and reads no new blobs', () => {
    const again = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).newBlobs, 0);
    const storage = new SqliteEngine(join(data, 'codehub.db'));
    try {
      const ready = storage.listSnapshots('local/repo').filter((s) => s.status === 'ready');
      assert.equal(ready.filter((s) => s.commit === c2).length, 1);
    } finally {
      storage.close();
    }
  });

  it('cat prints the verified bytes of a file at the newest snapshot', () => {
    const r = runCli(['cat', 'local/repo', 'src/b.ts', '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, v2['src/b.ts']);
  });

  it('clones a URL bare into the data dir and fetches it on re-index', () => {
    const url = `file://${repo.dir}`;
    const first = runCli(['index', url, '--name', 'example.com/fixture/repo', '--data', data, '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).commit, c2);
    assert.equal(
      git(join(data, 'repos', 'example.com/fixture/repo.git'), 'rev-parse', '--is-bare-repository'),
      'true',
    );
    repo.write('src/d.ts', 'export const d = 5;\n');
    const c3 = repo.commit('third');
    const second = runCli(['index', url, '--name', 'example.com/fixture/repo', '--data', data, '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).commit, c3);
  });
});
