// A repository whose object store lacks some blobs (a pruned mirror, a partial clone, a lost loose object) still
// indexes: what git has is indexed, each blob it lacks is a file skipped with reason `missing-object`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { looseObjectFile, prng, rawRequest, removeLooseObject, serve } from './support.js';

const REPO = 'local/repo';
const MODEL = 'assets/model.bin';

interface FileJson {
  path: string;
  size: number;
  skipReason: string | null;
  blobSha256: string | null;
}

/** Bytes that look like a compiled asset: seeded noise with NUL bytes. */
function binaryBytes(length: number, seed: number): Buffer {
  const next = prng(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 97 === 0 ? 0 : Math.floor(next() * 256);
  return bytes;
}

/** A repo with no automatic gc, so every object stays loose (and removable) until a test says otherwise. */
function looseRepo(dir: string): FixtureRepo {
  const repo = FixtureRepo.init(dir);
  git(dir, 'config', 'gc.auto', '0');
  return repo;
}

function filesOf(data: string, repo = REPO): Map<string, FileJson> {
  const r = runCli(['files', repo, '--data', data, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return new Map((JSON.parse(r.stdout).files as FileJson[]).map((f) => [f.path, f]));
}

describe('a repository whose git store lacks a large binary', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let modelOid: string;
  let indexed: ReturnType<typeof runCli>;

  before(() => {
    work = tempDir('missing-object');
    data = join(work, 'data');
    repo = looseRepo(join(work, 'repo'));
    repo.write(
      'src/app.ts',
      "import { double } from './util.js';\n\nexport function run(n: number): number {\n  return double(n) + 1;\n}\n",
    );
    repo.write('src/util.ts', 'export function double(n: number): number {\n  return n * 2;\n}\n');
    repo.write(MODEL, binaryBytes(300_000, 13));
    repo.commit('app and its model');
    modelOid = git(repo.dir, 'rev-parse', `HEAD:${MODEL}`);
    removeLooseObject(repo.dir, modelOid);
    indexed = runCli(['index', repo.dir, '--data', data]);
  });
  after(() => removeDir(work));

  it('indexes the files git has, with their symbols, and exits 0', () => {
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.equal(indexed.stderr, '');
    const files = filesOf(data);
    for (const path of ['src/app.ts', 'src/util.ts']) {
      assert.equal(files.get(path)?.skipReason, null, path);
      assert.match(files.get(path)?.blobSha256 ?? '', /^[0-9a-f]{64}$/, `${path} is stored`);
    }
    const show = runCli(['show', REPO, 'run', '--data', data, '--json']);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.symbol.path, 'src/app.ts');
    assert.deepEqual(
      shown.callees.map((c: { name: string; path: string }) => `${c.path} ${c.name}`),
      ['src/util.ts double'],
      'the call into util.ts is resolved',
    );
  });

  it('says in the summary line of codehub index that a file was skipped as missing-object', () => {
    assert.match(indexed.stdout, /^ {2}1 file skipped: missing-object \(git does not have its blob/m);
    assert.match(indexed.stdout, /not analysed: .*missing-object 1/);
  });

  it('lists the missing file in codehub files, as text and as JSON, with skipReason missing-object', () => {
    const text = runCli(['files', REPO, '--data', data]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^${MODEL}  0  -  \\[missing-object\\]$`, 'm'));
    const model = filesOf(data).get(MODEL);
    assert.deepEqual(
      { skipReason: model?.skipReason, blobSha256: model?.blobSha256, size: model?.size },
      { skipReason: 'missing-object', blobSha256: null, size: 0 },
    );
  });

  it("shows the missing object in the JSON API's files and coverage and on the repo page", async () => {
    const hub = await serve(data);
    try {
      const files = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/files`);
      assert.equal(files.status, 200, files.body);
      const model = (JSON.parse(files.body).files as FileJson[]).find((f) => f.path === MODEL);
      assert.equal(model?.skipReason, 'missing-object');
      const overview = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}`);
      assert.equal(overview.status, 200, overview.body);
      assert.equal(JSON.parse(overview.body).coverage.filesSkipped['missing-object'], 1);
      const page = await rawRequest(hub.url, 'GET', `/${REPO}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /skipped: missing-object/);
      const blob = await rawRequest(hub.url, 'GET', `/${REPO}/-/blob/${MODEL}`);
      assert.equal(blob.status, 200, 'the missing file has a page that says why it has no content');
      assert.match(blob.body, /missing-object/);
    } finally {
      await hub.stop();
    }
  });

  it('keeps the up-to-date shortcut while git lacks the blob, and indexes the commit again once git has it', () => {
    const again = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).upToDate, true, 'nothing changed: the snapshot is the answer');
    git(repo.dir, 'hash-object', '-w', MODEL); // the blob is back (fetched, restored from a backup)
    const restored = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(restored.code, 0, restored.stderr);
    const result = JSON.parse(restored.stdout);
    assert.equal(result.upToDate, undefined, 'the same commit is indexed again, now that git has the blob');
    assert.equal(result.skipped['missing-object'], undefined);
    const model = filesOf(data).get(MODEL);
    assert.equal(model?.skipReason, 'binary');
    assert.equal(model?.size, 300_000);
    assert.match(model?.blobSha256 ?? '', /^[0-9a-f]{64}$/);
  });

  it('indexes a later commit from the facts cache while the blob is missing, and stores it at a commit that has it', () => {
    repo.write('src/util.ts', 'export function double(n: number): number {\n  return n + n;\n}\n');
    repo.commit('util: add instead of multiply');
    removeLooseObject(repo.dir, modelOid); // after the commit: `git add` writes a missing object again
    const second = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(second.code, 0, second.stderr);
    const r2 = JSON.parse(second.stdout);
    assert.equal(r2.skipped['missing-object'], 1);
    assert.equal(r2.cachedFiles, 1, 'app.ts is unchanged: its facts come from the cache');
    assert.equal(r2.analysedFiles, 1, 'util.ts changed');
    assert.equal(filesOf(data).get(MODEL)?.skipReason, 'missing-object');

    git(repo.dir, 'hash-object', '-w', MODEL);
    repo.write(
      'src/app.ts',
      "import { double } from './util.js';\n\nexport function run(n: number): number {\n  return double(n) - 1;\n}\n",
    );
    repo.commit('app: subtract');
    const third = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(JSON.parse(third.stdout).skipped['missing-object'], undefined);
    const model = filesOf(data).get(MODEL);
    assert.equal(model?.skipReason, 'binary');
    assert.match(model?.blobSha256 ?? '', /^[0-9a-f]{64}$/);
  });
});

describe('a file over the size limit', () => {
  let work: string;

  before(() => {
    work = tempDir('too-large-unread');
  });
  after(() => removeDir(work));

  it('is skipped as too-large without its content ever being read: its object is unreadable past the header', () => {
    const data = join(work, 'data');
    const repo = looseRepo(join(work, 'repo'));
    repo.write('src/a.ts', 'export function a(): number {\n  return 1;\n}\n');
    repo.write('assets/huge.bin', binaryBytes(64 * 1024, 7));
    repo.commit('a and a huge asset');
    const oid = git(repo.dir, 'rev-parse', 'HEAD:assets/huge.bin');
    // Keep the compressed header (type and size) and cut the content: git can still say the size, not the bytes.
    const file = looseObjectFile(repo.dir, oid);
    chmodSync(file, 0o644);
    truncateSync(file, 200);
    assert.equal(git(repo.dir, 'cat-file', '-s', oid), String(64 * 1024), 'the size is still readable');
    assert.throws(() => git(repo.dir, 'cat-file', 'blob', oid), 'reading the content fails');

    const r = runCli(['index', repo.dir, '--data', data, '--max-file-size', '10000', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const files = filesOf(data);
    assert.equal(files.get('assets/huge.bin')?.skipReason, 'too-large');
    assert.equal(files.get('assets/huge.bin')?.size, 64 * 1024);
    assert.equal(files.get('src/a.ts')?.skipReason, null);
  });
});

describe('a partial clone', () => {
  let work: string;

  before(() => {
    work = tempDir('partial-clone');
  });
  after(() => removeDir(work));

  it('is indexed without fetching the blobs its filter left out, which are skipped as missing-object', () => {
    const data = join(work, 'data');
    const origin = looseRepo(join(work, 'origin'));
    origin.write('src/a.ts', 'export function a(): number {\n  return 1;\n}\n');
    origin.write(MODEL, binaryBytes(200_000, 21));
    origin.commit('a and a model');
    git(origin.dir, 'config', 'uploadpack.allowFilter', 'true');
    const modelOid = git(origin.dir, 'rev-parse', `HEAD:${MODEL}`);
    // --no-checkout: a checkout would fetch the filtered-out blob.
    git(work, 'clone', '-q', '--no-checkout', '--filter=blob:limit=100k', `file://${origin.dir}`, 'clone');
    const clone = join(work, 'clone');
    const absent = (): boolean =>
      git(clone, 'rev-list', '--objects', '--no-walk', '--missing=print', 'HEAD')
        .split('\n')
        .includes(`?${modelOid}`);
    assert.ok(absent(), 'the clone lacks the model blob');

    // The origin stays reachable: a lazy fetch would succeed, so the blob still absent afterwards shows none was made.
    const r = runCli(['index', clone, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).skipped['missing-object'], 1);
    const files = filesOf(data, 'local/clone');
    assert.equal(files.get(MODEL)?.skipReason, 'missing-object');
    assert.match(files.get('src/a.ts')?.blobSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(absent(), 'indexing did not fetch the blob into the clone');
  });
});

describe('verify --repair when git no longer has an object', () => {
  let work: string;

  before(() => {
    work = tempDir('repair-missing-object');
  });
  after(() => removeDir(work));

  /** Indexes two files, then loses both stored blobs and the git object of the one repair tries first. */
  function setUp(name: string): { repo: FixtureRepo; data: string; first: string; second: string } {
    const data = join(work, `${name}-data`);
    const repo = looseRepo(join(work, name));
    const contents = ['export const one = 1;\n', 'export const two = 2;\n'];
    repo.write('one.ts', contents[0]!).write('two.ts', contents[1]!);
    repo.commit('two files');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    // Repair goes in sha256 order: `first` is the blob it tries first.
    const [first, second] = contents
      .map((c, i) => ({ sha: createHash('sha256').update(c).digest('hex'), path: ['one.ts', 'two.ts'][i]! }))
      .sort((x, y) => x.sha.localeCompare(y.sha));
    for (const b of [first!, second!]) rmSync(join(data, 'blobs', b.sha.slice(0, 2), b.sha));
    removeLooseObject(repo.dir, git(repo.dir, 'rev-parse', `HEAD:${first!.path}`));
    return { repo, data, first: first!.sha, second: second!.sha };
  }

  it('restores what git has, and names the blob git lacks with a clear message and exit 3', () => {
    const { data, first, second } = setUp('plain');
    const json = runCli(['verify', '--repair', '--data', data, '--json']);
    assert.equal(json.code, 3, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(report.repaired, [second]);
    assert.deepEqual(report.unrepaired, [first]);
    const text = runCli(['verify', '--repair', '--data', data]);
    assert.equal(text.code, 3);
    assert.equal(text.stderr.trimEnd().split('\n').length, 1, text.stderr);
    assert.match(text.stderr, /1 blob\(s\) could not be repaired \(.*no longer have those objects\)/);
    assert.doesNotMatch(text.stderr, /internal error|\n\s+at /);
  });

  it('still restores the next blob from a partial clone after one whose object git cannot read', () => {
    const data = join(work, 'partial-data');
    const origin = looseRepo(join(work, 'origin'));
    const contents = ['export const one = 1;\n', 'export const two = 2;\n'];
    origin.write('one.ts', contents[0]!).write('two.ts', contents[1]!);
    origin.commit('two files');
    git(origin.dir, 'config', 'uploadpack.allowFilter', 'true');
    // Index a full clone, then put in its place a partial clone of the same commit that has only the blob repaired
    // second: the first is a blob its filter left out, which git tries to fetch from a remote that is gone, and dies.
    const dir = join(work, 'partial');
    git(work, 'clone', '-q', `file://${origin.dir}`, 'partial');
    const r = runCli(['index', dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = contents
      .map((c, i) => ({ sha: createHash('sha256').update(c).digest('hex'), path: ['one.ts', 'two.ts'][i]! }))
      .sort((x, y) => x.sha.localeCompare(y.sha));
    removeDir(dir);
    git(work, 'clone', '-q', '--no-checkout', '--filter=blob:none', `file://${origin.dir}`, 'partial');
    git(dir, 'cat-file', 'blob', `HEAD:${second!.path}`); // fetched now, as a checkout of that file would
    git(dir, 'remote', 'set-url', 'origin', `file://${join(work, 'no-such-origin')}`);
    for (const b of [first!, second!]) rmSync(join(data, 'blobs', b.sha.slice(0, 2), b.sha));

    const repair = runCli(['verify', '--repair', '--data', data, '--json']);
    assert.equal(repair.code, 3, repair.stderr);
    const report = JSON.parse(repair.stdout);
    assert.deepEqual(report.unrepaired, [first!.sha]);
    assert.deepEqual(report.repaired, [second!.sha], 'the blob git still has is restored');
  });
});
