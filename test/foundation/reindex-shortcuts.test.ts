import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteEngine } from '../../src/db/sqlite-storage.js';
import { FsBlobStore } from '../../src/store/fs-blob-store.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

interface IndexJson {
  snapshot: number;
  commit: string;
  upToDate?: boolean;
  files: number;
  symbols: number;
}

function index(repoDir: string, data: string, ...extra: string[]): IndexJson {
  const r = runCli([
    'index',
    repoDir,
    '--data',
    data,
    '--name',
    'example.com/acme/shortcuts',
    '--json',
    ...extra,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as IndexJson;
}

function withStorage<T>(data: string, run: (s: SqliteEngine) => T): T {
  const storage = new SqliteEngine(join(data, 'codehub.db'));
  try {
    return run(storage);
  } finally {
    storage.close();
  }
}

describe('re-indexing an unchanged commit', () => {
  let work: string;
  let repo: FixtureRepo;
  let commit: string;

  before(() => {
    work = tempDir('reindex-shortcuts');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('src/util/math.ts', 'export function addNumbers(a: number, b: number) { return a + b; }\n');
    repo.write(
      'src/main.ts',
      "import { addNumbers } from './util/math';\nexport const total = addNumbers(1, 2);\n",
    );
    commit = repo.commit('first');
  });
  after(() => removeDir(work));

  it('returns the ready snapshot unchanged, also when run from a subdirectory of the checkout', () => {
    const data = join(work, 'data-same');
    const first = index(repo.dir, data);
    assert.equal(first.upToDate, undefined);
    const again = index(join(repo.dir, 'src', 'util'), data);
    assert.equal(again.upToDate, true);
    assert.equal(again.snapshot, first.snapshot);
    assert.equal(again.commit, commit);
    assert.deepEqual([again.files, again.symbols], [first.files, first.symbols]);
    // The stored counts it answers with are the rows the snapshot holds.
    withStorage(data, (s) => {
      // Files rows, symbols and edges are in the segments the snapshot links.
      const count = (table: string): number =>
        (
          s.db
            .prepare(
              table === 'files'
                ? 'SELECT COUNT(*) AS n FROM snapshot_segments k JOIN segments g ON g.id = k.segment_id WHERE k.snapshot_id = ? AND g.git_oid IS NOT NULL'
                : `SELECT COUNT(*) AS n FROM snapshot_segments k JOIN ${table} t ON t.segment_id = k.segment_id WHERE k.snapshot_id = ?`,
            )
            .get(first.snapshot) as { n: number }
        ).n;
      assert.deepEqual(s.countRows(first.snapshot), {
        files: count('files'),
        symbols: count('symbols'),
        edges: count('edges'),
      });
      assert.ok(count('symbols') > 0 && count('edges') > 0);
    });
  });

  it('builds a new snapshot when the analyzer settings differ or --force is given', () => {
    const data = join(work, 'data-settings');
    const first = index(repo.dir, data);
    const deeper = index(repo.dir, data, '--test-depth', '2');
    assert.notEqual(deeper.upToDate, true);
    assert.notEqual(deeper.snapshot, first.snapshot);
    const forced = index(repo.dir, data, '--test-depth', '2', '--force');
    assert.notEqual(forced.upToDate, true);
    assert.notEqual(forced.snapshot, deeper.snapshot);
  });

  it('re-indexes when a blob of the snapshot has gone from the store', () => {
    const data = join(work, 'data-lost');
    const first = index(repo.dir, data);
    const blobs = new FsBlobStore(join(data, 'blobs'));
    const lost = withStorage(data, (s) => s.listFiles(first.snapshot)[0]!.blobSha256!);
    rmSync(blobs.pathOf(lost));
    const again = index(repo.dir, data);
    assert.notEqual(again.upToDate, true);
    assert.notEqual(again.snapshot, first.snapshot);
  });
});

describe('the substring index shared by snapshots', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;

  before(() => {
    work = tempDir('search-names');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write(
      'src/a.ts',
      'export function retiredHelperRoutine() { return 1; }\nexport function keptRoutine() {}\n',
    );
    repo.commit('first');
    index(repo.dir, data);
    repo.write(
      'src/a.ts',
      'export function freshHelperRoutine() { return 2; }\nexport function keptRoutine() {}\n',
    );
    repo.commit('second');
    index(repo.dir, data);
  });
  after(() => removeDir(work));

  const substring = (s: SqliteEngine, snapshot: number, q: string): string[] =>
    s.searchSymbols(snapshot, { mode: 'substring', q, limit: 10 }).map((h) => h.symbol.name);

  it('finds each snapshot its own names only, though the names are stored once', () => {
    withStorage(data, (s) => {
      const [older, newer] = s.listSnapshots('example.com/acme/shortcuts').map((x) => x.id);
      assert.deepEqual(substring(s, older!, 'elperRout'), ['retiredHelperRoutine']);
      assert.deepEqual(substring(s, newer!, 'elperRout'), ['freshHelperRoutine']);
      assert.deepEqual(substring(s, newer!, 'eptRout'), ['keptRoutine']);
      const stored = s.db
        .prepare(`SELECT COUNT(*) AS n FROM search_names WHERE name_lower = 'keptroutine'`)
        .get() as { n: number };
      assert.equal(stored.n, 1);
    });
  });

  it('gc --keep-latest drops names only the removed snapshot used, from the table and the trigram index', () => {
    const gc = runCli(['gc', '--keep-latest', '--data', data, '--json']);
    assert.equal(gc.code, 0, gc.stderr);
    withStorage(data, (s) => {
      const names = (
        s.db.prepare('SELECT name_lower FROM search_names ORDER BY name_lower').all() as Array<{
          name_lower: string;
        }>
      ).map((r) => r.name_lower);
      assert.ok(!names.includes('retiredhelperroutine'), names.join(', '));
      assert.ok(names.includes('freshhelperroutine'));
      const matched = s.db
        .prepare(`SELECT COUNT(*) AS n FROM search_names_fts WHERE search_names_fts MATCH '"retiredHelper"'`)
        .get() as { n: number };
      assert.equal(matched.n, 0);
      const latest = s.latestSnapshot('example.com/acme/shortcuts')!;
      assert.deepEqual(substring(s, latest.id, 'elperRout'), ['freshHelperRoutine']);
      const similar = s.similarNames(latest.id, 'retiredHelperRoutin', 5);
      assert.ok(
        similar.includes('freshHelperRoutine') && !similar.includes('retiredHelperRoutine'),
        similar.join(),
      );
    });
  });
});
