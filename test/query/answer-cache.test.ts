// The query side's caches: the bounded LRU itself, the excerpt reader that decodes only the lines it returns,
// and the service's per-snapshot answers, which must follow a re-index (a new snapshot) at once and never serve
// a blob's lines without re-reading and re-hashing the blob.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Lru } from '../../src/core/lru.js';
import { lineRange, lineStarts, splitLines } from '../../src/service/dto.js';
import { indexRepository } from '../../src/service/indexer.js';
import { createQueryService, showAnswerToken } from '../../src/service/query-service.js';
import type { QueryService } from '../../src/service/query-types.js';
import { openWorkspace, type Workspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';

describe('the bounded LRU', () => {
  it('drops the least recently used entries once the weights pass the bound', () => {
    const lru = new Lru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    assert.equal(lru.get('a'), 1); // a is now the most recently used
    lru.set('d', 4);
    assert.equal(lru.get('b'), undefined);
    assert.deepEqual([lru.get('a'), lru.get('c'), lru.get('d')], [1, 3, 4]);
    lru.set('e', 5, 2);
    assert.equal(lru.size, 2);
    assert.equal(lru.weight, 3);
  });

  it('keeps no entry heavier than the whole bound, and replacing a key does not count it twice', () => {
    const lru = new Lru<string, string>(10);
    lru.set('big', 'x', 11);
    assert.equal(lru.get('big'), undefined);
    lru.set('k', 'one', 6);
    lru.set('k', 'two', 6);
    assert.equal(lru.get('k'), 'two');
    assert.equal(lru.weight, 6);
  });
});

describe('reading a range of lines from bytes', () => {
  it('gives the same lines and count as splitting the decoded text, for any text and range', () => {
    const piece = fc.constantFrom('a', 'é', '😀', '\n', '\r\n', '\r', ' ', '\uFEFF', 'x\ny');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(piece, { maxLength: 40 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 25 }),
        (bom, pieces, first, count) => {
          const text = (bom ? '\uFEFF' : '') + pieces.join('');
          const all = splitLines(text);
          const bytes = Buffer.from(text, 'utf8');
          const got = lineRange(bytes, first, first + count);
          assert.equal(got.total, all.length);
          assert.deepEqual(got.lines, all.slice(Math.max(1, first) - 1, Math.min(first + count, all.length)));
          // Line offsets kept from an earlier read of the same bytes give the same answer.
          assert.deepEqual(lineRange(bytes, first, first + count, lineStarts(bytes)), got);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('answers cached per snapshot', () => {
  let work: string;
  let repo: FixtureRepo;
  let dataDir: string;
  let ws: Workspace;
  let service: QueryService;
  let repoId = '';
  const TARGET = 'src/target.ts::target:function';

  before(async () => {
    work = tempDir('answer-cache');
    dataDir = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('src/target.ts', 'export function target(): number {\n  return 1;\n}\n');
    repo.write(
      'src/one.ts',
      "import { target } from './target.js';\n\nexport function one(): number {\n  return target();\n}\n",
    );
    repo.commit('one caller');
    const first = await indexRepository({ dataDir, source: repo.dir, workers: 1 });
    repoId = first.repo;
    ws = openWorkspace(dataDir);
    service = createQueryService(ws);
  });

  after(() => {
    ws.close();
    removeDir(work);
  });

  it('answers the same question from the cache until a re-index publishes a new snapshot, then from the new one', async () => {
    const before1 = await service.show(repoId, TARGET);
    const before2 = await service.show(repoId, TARGET);
    assert.deepEqual(
      before1.callers.map((c) => c.name),
      ['one'],
    );
    assert.ok(showAnswerToken(before1) !== null);
    assert.equal(showAnswerToken(before1), showAnswerToken(before2), 'the second answer came from the cache');
    assert.deepEqual(
      (await service.callers(repoId, TARGET)).edges.map((e) => e.name),
      ['one'],
    );
    assert.deepEqual(
      (await service.search({ q: 'two', repo: repoId })).map((h) => h.name),
      [],
    );

    repo.write(
      'src/two.ts',
      "import { target } from './target.js';\n\nexport function two(): number {\n  return target() + 1;\n}\n",
    );
    const commit = repo.commit('second caller');
    await indexRepository({ dataDir, source: repo.dir, workers: 1 });

    const after = await service.show(repoId, TARGET);
    assert.equal(after.repo.commit, commit);
    assert.deepEqual(
      after.callers.map((c) => c.name),
      ['one', 'two'],
    );
    assert.notEqual(showAnswerToken(after), showAnswerToken(before1));
    assert.deepEqual((await service.callers(repoId, TARGET)).edges.map((e) => e.name).sort(), ['one', 'two']);
    assert.deepEqual(
      (await service.search({ q: 'two', repo: repoId })).map((h) => h.name),
      ['two'],
    );
  });

  it('re-reads and re-hashes the blob for every answer, cached or not', async () => {
    const good = await service.show(repoId, TARGET);
    assert.equal(good.source.verified, true);
    const sha = good.source.blobSha256;
    const file = join(dataDir, 'blobs', sha.slice(0, 2), sha);
    const bytes = readFileSync(file);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length >> 1] = (damaged[damaged.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(file, damaged);
    try {
      const bad = await service.show(repoId, TARGET);
      assert.equal(bad.source.verified, false);
      assert.deepEqual(bad.source.lines, []);
      assert.equal(bad.symbol.verified, false);
      assert.deepEqual(
        bad.callers.map((c) => c.name),
        good.callers.map((c) => c.name),
      );
    } finally {
      writeFileSync(file, bytes);
    }
    assert.equal((await service.show(repoId, TARGET)).source.verified, true);
  });

  it('hands out frozen cached answers, so one caller cannot change what the next is given', async () => {
    const shown = await service.show(repoId, TARGET);
    assert.throws(() => (shown.callers as unknown[]).push({}), TypeError);
    const walked = await service.callers(repoId, TARGET);
    assert.throws(() => walked.edges.pop(), TypeError);
  });
});
