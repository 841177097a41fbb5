import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireLock } from '../../src/store/index-lock.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('CLI failures', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;

  before(() => {
    work = tempDir('errors');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('a.ts', 'export {};\n');
    repo.commit('one');
  });
  after(() => removeDir(work));

  it('a path that is not a git repository gives one clear line and exit code 4', () => {
    const r = runCli(['index', work, '--data', data]);
    assert.equal(r.code, 4);
    assertOneLine(r.stderr, /is not a git repository/);
  });

  it('a missing path gives the same clear error', () => {
    const r = runCli(['index', join(work, 'nope'), '--data', data]);
    assert.equal(r.code, 4);
    assertOneLine(r.stderr, /is not a git repository/);
  });

  it('an unknown ref gives one clear line and exit code 5', () => {
    const r = runCli(['index', repo.dir, '--ref', 'no-such-branch', '--data', data, '--json']);
    assert.equal(r.code, 5);
    assertOneLine(r.stderr, /ref 'no-such-branch' not found/);
    assert.deepEqual(JSON.parse(r.stdout).error.code, 'RefNotFound');
  });

  it('a data dir that cannot be created gives exit code 8', () => {
    const blocker = join(work, 'a-file');
    writeFileSync(blocker, 'x');
    const r = runCli(['index', repo.dir, '--data', join(blocker, 'data')]);
    assert.equal(r.code, 8);
    assertOneLine(r.stderr, /data dir .* is not writable/);
  });

  it('an unknown repo gives exit code 6', () => {
    const r = runCli(['files', 'local/none', '--data', data]);
    assert.equal(r.code, 6);
    assertOneLine(r.stderr, /has no indexed snapshot/);
  });

  it('bad usage gives exit code 2', () => {
    assert.equal(runCli(['frobnicate']).code, 2);
    const r = runCli(['index', repo.dir, '--max-file-size', 'lots', '--data', data]);
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, /--max-file-size/);
  });

  it('a second indexer of a locked repo fails with IndexLocked after waiting briefly', async () => {
    const ok = runCli(['index', repo.dir, '--data', data]);
    assert.equal(ok.code, 0, ok.stderr);
    const lock = await acquireLock(data, 'local/repo', 'test');
    try {
      const r = runCli(['index', repo.dir, '--data', data]);
      assert.equal(r.code, 7);
      assertOneLine(r.stderr, /locked by another codehub process/);
    } finally {
      lock.release();
    }
  });
});
