import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

describe('a corrupted blob', () => {
  let work: string;
  let data: string;
  const content = 'export function greet(name: string) {\n  return `hello ${name}`;\n}\n'.repeat(20);
  const sha = createHash('sha256').update(content).digest('hex');
  const blobFile = (): string => join(data, 'blobs', sha.slice(0, 2), sha);

  before(() => {
    work = tempDir('integrity');
    data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('greet.ts', content).write('other.ts', 'export {};\n');
    repo.commit('one');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    const bytes = readFileSync(blobFile());
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(blobFile(), bytes);
  });
  after(() => removeDir(work));

  it('is reported by verify with exit code 3', () => {
    const r = runCli(['verify', '--data', data, '--json']);
    assert.equal(r.code, 3);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.corrupt, [sha]);
    assert.equal(report.checked, 2);
    assert.equal(report.ok, 1);
  });

  it('is refused by cat with exit code 3 and a clear message, printing no bytes', () => {
    const r = runCli(['cat', 'local/repo', 'greet.ts', '--data', data]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`blob ${sha} failed verification`));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });

  it('is restored from git by verify --repair, after which cat and verify are clean', () => {
    const repair = runCli(['verify', '--repair', '--data', data, '--json']);
    assert.equal(repair.code, 0, repair.stderr);
    assert.deepEqual(JSON.parse(repair.stdout).repaired, [sha]);
    const cat = runCli(['cat', 'local/repo', 'greet.ts', '--data', data]);
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, content);
    const verify = runCli(['verify', '--data', data, '--json']);
    assert.equal(verify.code, 0);
    assert.deepEqual(JSON.parse(verify.stdout).corrupt, []);
  });
});
