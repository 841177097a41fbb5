import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

// The documented --json shapes (docs/cli-json.md). A change here is a contract change.
const INDEX_KEYS = [
  'analysedFiles',
  'bytes',
  'cachedFiles',
  'commit',
  'durationMs',
  'edges',
  'files',
  'newBlobs',
  'ref',
  'repo',
  'reusedResolutions',
  'skipped',
  'snapshot',
  'storedFiles',
  'symbols',
  'testLinks',
];
const REPO_KEYS = [
  'commit',
  'edges',
  'files',
  'id',
  'indexedAt',
  'ref',
  'snapshot',
  'snapshots',
  'source',
  'symbols',
  'webUrl',
];
const SNAPSHOT_KEYS = ['commit', 'committedAt', 'indexedAt', 'ref', 'refs', 'snapshot'];
const FILE_KEYS = [
  'blobSha256',
  'eol',
  'gitOid',
  'language',
  'lines',
  'mode',
  'path',
  'size',
  'skipReason',
  'target',
];
const CAT_KEYS = ['blobSha256', 'commit', 'content', 'encoding', 'path', 'repo', 'size', 'verified'];
const VERIFY_KEYS = ['checked', 'corrupt', 'missing', 'ok', 'repaired', 'unrepaired'];
const GC_KEYS = [
  'freedBytes',
  'keptBlobs',
  'removedBlobs',
  'removedOverlays',
  'removedSnapshots',
  'removedTempFiles',
];

const keys = (o: object): string[] => Object.keys(o).sort();

describe('--json output', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;

  before(() => {
    work = tempDir('json');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('src/a.ts', 'export const a = 1;\n');
    repo.commit('one');
  });
  after(() => removeDir(work));

  it('keeps the documented shape for every command', () => {
    const run = (...args: string[]): unknown => {
      const r = runCli([...args, '--data', data, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', 'nothing on stderr off a TTY');
      return JSON.parse(r.stdout);
    };
    const index = run('index', repo.dir) as Record<string, unknown>;
    assert.deepEqual(keys(index), INDEX_KEYS);
    assert.match(String(index.commit), /^[0-9a-f]{40}$/);
    const repos = run('repos') as { repos: object[] };
    assert.deepEqual(keys(repos), ['repos']);
    assert.deepEqual(keys(repos.repos[0]!), REPO_KEYS);
    const snapshots = (repos.repos[0] as { snapshots: object[] }).snapshots;
    assert.deepEqual(keys(snapshots[0]!), SNAPSHOT_KEYS);
    const files = run('files', 'local/repo') as { files: object[] };
    assert.deepEqual(keys(files), ['commit', 'files', 'ref', 'repo']);
    assert.deepEqual(keys(files.files[0]!), FILE_KEYS);
    const cat = run('cat', 'local/repo', 'src/a.ts') as Record<string, unknown>;
    assert.deepEqual(keys(cat), CAT_KEYS);
    assert.equal(cat.content, 'export const a = 1;\n');
    assert.equal(cat.encoding, 'utf8');
    assert.deepEqual(keys(run('verify') as object), VERIFY_KEYS);
    assert.deepEqual(keys(run('gc') as object), GC_KEYS);
  });

  it('prints errors as {error: {code, message}} on stdout as well as one line on stderr', () => {
    const r = runCli(['cat', 'local/repo', 'missing.ts', '--data', data, '--json']);
    assert.equal(r.code, 6);
    const body = JSON.parse(r.stdout);
    assert.deepEqual(keys(body), ['error']);
    assert.deepEqual(keys(body.error), ['code', 'message']);
    assert.equal(body.error.code, 'PathNotFound');
  });
});
