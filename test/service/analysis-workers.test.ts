import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, ROOT, runCli, tempDir } from '../helpers/fixture-repo.js';

describe('analysis in worker threads', () => {
  let dir: string;
  let repo: FixtureRepo;
  before(() => {
    dir = tempDir('workers');
    repo = FixtureRepo.init(join(dir, 'repo'));
    for (const name of ['seed-pattern', 'eval-small', 'tested-by-proof'])
      cpSync(join(ROOT, 'test', 'fixtures', name), join(repo.dir, name), { recursive: true });
    repo.commit('fixtures');
  });
  after(() => removeDir(dir));

  const indexAndExport = (workers: string): string => {
    const data = join(dir, `data-${workers}`);
    const indexed = runCli(['index', repo.dir, '--data', data, '--workers', workers, '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.ok(JSON.parse(indexed.stdout).analysedFiles > 10, 'the fixture has files to analyse');
    const exported = runCli(['export', 'local/repo', '--data', data]);
    assert.equal(exported.code, 0, exported.stderr);
    return exported.stdout;
  };

  it('exports the same bytes whether files are analysed in-process or by two worker threads', () => {
    const inProcess = indexAndExport('1');
    const pooled = indexAndExport('2');
    assert.ok(inProcess.split('\n').length > 50, 'the export has symbols and edges');
    assert.equal(pooled, inProcess);
  });

  it('refuses a worker count that is not a whole number of at least one', () => {
    const r = runCli(['index', repo.dir, '--data', join(dir, 'data-bad'), '--workers', '0']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--workers/);
  });
});
