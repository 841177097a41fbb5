import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import { isCodehubError, type ErrorCode } from '../../src/core/errors.js';
import type { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { snapshotRows } from '../../src/db/storage.js';
import { createQueryService } from '../../src/service/query-service.js';
import type { QueryService } from '../../src/service/query-types.js';
import { blobFile, buildFixture, COMMIT, ID, REPO, STATS, type Fixture } from './query-fixture.js';

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    assert.ok(isCodehubError(err, code), `expected ${code}, got ${String(err)}`);
    return err.detail;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

describe('query service over a real SQLite snapshot and blob store', () => {
  let fx: Fixture;
  let qs: QueryService;
  before(async () => {
    fx = await buildFixture();
    qs = createQueryService(fx.ws);
  });
  after(() => fx.ws.close());

  it('lists the repo with counts and languages', async () => {
    const [repo, ...rest] = await qs.listRepos();
    assert.equal(rest.length, 0);
    assert.equal(repo?.id, REPO);
    assert.equal(repo?.commit, COMMIT);
    assert.equal(repo?.files, 5);
    assert.equal(repo?.symbols, 19);
    assert.equal(repo?.edges, 13);
    assert.deepEqual(repo?.languages, { typescript: 5 });
    assert.equal(repo?.webUrl, 'https://github.com/acme/flows');
  });

  it('resolves a symbol by id, qualified name, unique name and path:line (innermost symbol)', async () => {
    assert.equal((await qs.resolveSymbol(REPO, ID.startFlow)).id, ID.startFlow);
    assert.equal((await qs.resolveSymbol(REPO, 'Service.startFlow')).id, ID.startFlow);
    assert.equal((await qs.resolveSymbol(REPO, 'startFlow')).id, ID.startFlow);
    assert.equal((await qs.resolveSymbol(REPO, 'src/service.ts:9')).id, ID.startFlow);
    assert.equal((await qs.resolveSymbol(REPO, 'src/service.ts:5')).qualifiedName, 'Service.flows');
    assert.equal((await qs.resolveSymbol(REPO, 'src/service.ts:18')).qualifiedName, '<module>');
  });

  it('lists the candidates of an ambiguous name instead of guessing', async () => {
    const detail = (await rejectsWith(qs.resolveSymbol(REPO, 'register'), 'SymbolAmbiguous')) as Array<{
      id: string;
    }>;
    assert.deepEqual(detail.map((c) => c.id).sort(), [ID.register, ID.otherRegister].sort());
    assert.equal((await qs.resolveSymbol(REPO, 'OtherRegistry.register')).id, ID.otherRegister);
  });

  it('names the closest symbols, repos and paths when something is unknown', async () => {
    assert.ok(
      ((await rejectsWith(qs.resolveSymbol(REPO, 'startFlw'), 'SymbolNotFound')) as string[]).includes(
        'startFlow',
      ),
    );
    assert.ok(
      ((await rejectsWith(qs.resolveSymbol(REPO, 'helper'), 'SymbolNotFound')) as string[]).includes(
        'helperA',
      ),
    );
    assert.ok(
      (
        (await rejectsWith(
          qs.resolveSymbol(REPO, 'src/service.ts::Nope.startFlow:method'),
          'SymbolNotFound',
        )) as string[]
      ).includes('startFlow'),
    );
    assert.deepEqual(await rejectsWith(qs.getRepo('github.com/acme/flow'), 'RepoNotFound'), [REPO]);
    assert.deepEqual(await rejectsWith(qs.getFile(REPO, 'src/servce.ts'), 'PathNotFound'), [
      'src/service.ts',
      'src/helpers.ts',
      'src/main.ts',
      'src/registry.ts',
    ]);
    assert.ok(
      ((await rejectsWith(qs.resolveSymbol(REPO, 'src/servce.ts:3'), 'PathNotFound')) as string[]).includes(
        'src/service.ts',
      ),
    );
    await rejectsWith(qs.resolveSymbol(REPO, 'src/service.ts:400'), 'SymbolNotFound');
  });

  it('rejects paths that could leave the repository', async () => {
    for (const bad of [
      '../../etc/passwd',
      '/etc/passwd',
      'src/../../x.ts',
      'src/a\u0000.ts',
      'C:/Windows/x',
    ]) {
      await rejectsWith(qs.getFile(REPO, bad), 'InvalidInput');
      await rejectsWith(qs.getSource(REPO, bad), 'InvalidInput');
    }
    await rejectsWith(qs.resolveSymbol(REPO, '../../etc/passwd:1'), 'InvalidInput');
    await rejectsWith(qs.listFiles(REPO, '../'), 'InvalidInput');
  });

  it('shows a symbol as the seed page does: verified source, callers, calls by confidence then name, unresolved, tests', async () => {
    const r = await qs.show(REPO, 'Service.startFlow');
    assert.deepEqual(r.repo, { id: REPO, commit: COMMIT, ref: 'main' });
    assert.equal(r.symbol.permalink, `https://github.com/acme/flows/blob/${COMMIT}/src/service.ts#L7-L16`);
    assert.equal(r.symbol.blobSha256, fx.blobOf['src/service.ts']);
    assert.equal(r.symbol.verified, true);
    assert.equal(r.symbol.signature, '(id: string)');
    assert.equal(r.symbol.returnType, 'number');
    assert.equal(r.source.verified, true);
    assert.equal(r.source.startLine, 5);
    assert.equal(r.source.lines.length, 12);
    assert.equal(r.source.lines[2], '  startFlow(id: string): number {');
    assert.equal(r.source.truncated, false);
    assert.deepEqual(
      r.callees.map((e) => [e.name, e.kind, e.confidence, e.reason, e.callLines]),
      [
        ['helperA', 'function', 0.9, 'import', [8]],
        ['helperB', 'function', 0.9, 'import', [9]],
        ['localHelper', 'function', 0.85, 'same-file', [10]],
        ['finish', 'method', 0.8, 'receiver-typed', [14]],
        ['register', 'method', 0.8, 'receiver-typed', [11]],
      ],
    );
    assert.equal(r.callees[4]?.id, ID.register);
    assert.deepEqual(
      r.callers.map((e) => [e.name, e.path, e.line, e.callLines]),
      [
        ['run', 'src/main.ts', 3, [4]],
        ['starts a flow', 'test/service.test.ts', 5, [6]],
      ],
    );
    assert.deepEqual(r.unresolved, [
      { text: 'fetch', reason: 'builtin', line: 12 },
      { text: 'this.cb.register', reason: 'unknown', line: 13 },
    ]);
    assert.equal(r.callersComplete, 'exact');
    assert.equal(r.unresolvedThatMayCall, 0);
    assert.deepEqual(
      r.tests.map((t) => [t.id, t.name, t.depth, t.confidence, t.command]),
      [[ID.test, 'Service > starts a flow', 1, 0.8, null]],
    );
    assert.equal(r.testsComplete, 'exact');
  });

  it('says callers are a lower bound when an unresolved call site has the same name, and empty states are honest', async () => {
    const r = await qs.show(REPO, ID.register);
    assert.equal(r.callersComplete, 'lower_bound');
    assert.equal(r.unresolvedThatMayCall, 1);
    const other = await qs.show(REPO, ID.otherRegister);
    assert.deepEqual(other.callers, []);
    assert.equal(other.callersComplete, 'lower_bound');
    const run = await qs.show(REPO, 'run');
    assert.deepEqual(run.callers, []);
    assert.equal(run.callersComplete, 'exact');
    assert.deepEqual(run.tests, []);
  });

  it('bounds the excerpt: context before, then the body up to maxLines, marked truncated', async () => {
    const r = await qs.show(REPO, 'Service.startFlow', { contextBefore: 1, maxLines: 4 });
    assert.equal(r.source.startLine, 6);
    assert.deepEqual(r.source.lines, [
      '',
      '  startFlow(id: string): number {',
      '    const n = helperA(1);',
      '    helperB();',
    ]);
    assert.equal(r.source.truncated, true);
  });

  it('walks callers breadth-first with depth, the near-side symbol and path confidence', async () => {
    const r = await qs.callers(REPO, 'deepHelper', { depth: 3 });
    assert.deepEqual(
      r.edges.map((e) => [e.depth, e.name, e.fromId, e.pathConfidence]),
      [
        [1, 'helperA', ID.deepHelper, 0.85],
        [2, 'startFlow', ID.helperA, 0.765],
        [3, 'run', ID.startFlow, 0.612],
        [3, 'starts a flow', ID.startFlow, 0.612],
      ],
    );
    assert.equal(r.truncated, false);
    assert.equal(r.complete, 'exact');
    const one = await qs.callers(REPO, 'deepHelper');
    assert.equal(one.edges.length, 1);
  });

  it('walks callees with a confidence floor and a limit that says it truncated', async () => {
    const floor = await qs.callees(REPO, 'Service.startFlow', { minConfidence: 0.85 });
    assert.deepEqual(
      floor.edges.map((e) => e.name),
      ['helperA', 'helperB', 'localHelper'],
    );
    assert.equal(floor.complete, 'lower_bound'); // this.cb.register is unresolved
    assert.equal(floor.unresolvedCount, 1);
    const every = await qs.callees(REPO, 'Service.startFlow', { minConfidence: 0 });
    assert.equal(every.belowMinConfidence, 0);
    assert.ok(every.edges.length > floor.edges.length, 'the floor left some edge out');
    assert.equal(floor.belowMinConfidence, every.edges.length - floor.edges.length);
    const cut = await qs.callees(REPO, 'run', { depth: 2, limit: 3 });
    assert.equal(cut.edges.length, 3);
    assert.equal(cut.truncated, true);
    const deep = await qs.callees(REPO, 'run', { depth: 3 });
    assert.deepEqual(
      deep.edges.filter((e) => e.depth === 3).map((e) => e.name),
      ['deepHelper'],
    );
    await rejectsWith(qs.callees(REPO, 'run', { depth: 6 }), 'InvalidInput');
    await rejectsWith(qs.callers(REPO, 'run', { minConfidence: 2 }), 'InvalidInput');
  });

  it('computes impact: transitive callers grouped by file and the tests that cover any of them', async () => {
    const r = await qs.impact(REPO, 'deepHelper', 3);
    assert.deepEqual(
      r.byFile.map((f) => [f.path, f.symbols.map((s) => [s.name, s.depth])]),
      [
        ['src/helpers.ts', [['helperA', 1]]],
        ['src/service.ts', [['startFlow', 2]]],
        ['src/main.ts', [['run', 3]]],
        ['test/service.test.ts', [['starts a flow', 3]]],
      ],
    );
    assert.deepEqual(
      r.tests.map((t) => [t.id, t.depth]),
      [[ID.test, 3]],
    );
    assert.equal(r.complete, 'exact');
  });

  it('finds the shortest call path with its confidence, and none against the direction of calls', async () => {
    const r = await qs.findPath(REPO, 'run', 'deepHelper');
    assert.equal(r.paths.length, 1);
    assert.deepEqual(
      r.paths[0]?.symbols.map((s) => s.name),
      ['run', 'startFlow', 'helperA', 'deepHelper'],
    );
    assert.deepEqual(
      r.paths[0]?.edges.map((e) => e.reason),
      ['receiver-typed', 'import', 'same-file'],
    );
    assert.equal(r.paths[0]?.confidence, 0.612);
    assert.deepEqual((await qs.findPath(REPO, 'deepHelper', 'run')).paths, []);
    assert.deepEqual((await qs.findPath(REPO, 'run', 'deepHelper', 2)).paths, []);
  });

  it('overviews the repo: most called, untested hotspots outside test code, coverage', async () => {
    const r = await qs.getRepo(REPO);
    assert.deepEqual(
      r.mostCalled
        .slice(0, 2)
        .map((s) => [s.name, s.callers])
        .sort(),
      [
        ['Service', 2],
        ['startFlow', 2],
      ],
    );
    assert.deepEqual(
      r.untestedHotspots.map((s) => [s.name, s.callers]),
      [['finish', 1]],
    );
    assert.equal(r.coverage.callSites, 13);
  });

  it('reads files and bounded source ranges, verified', async () => {
    const f = await qs.getFile(REPO, 'src/helpers.ts');
    assert.equal(f.verified, true);
    assert.match(f.text ?? '', /deepHelper/);
    assert.deepEqual(
      f.symbols.map((s) => s.name),
      ['<module>', 'helperA', 'helperB', 'deepHelper'],
    );
    assert.equal(f.permalink, `https://github.com/acme/flows/blob/${COMMIT}/src/helpers.ts`);
    const s = await qs.getSource(REPO, 'src/helpers.ts', 9, 10);
    assert.deepEqual(s.lines, ['function deepHelper(x: number): number {', '  return x * 2;']);
    assert.equal(s.verified, true);
    await rejectsWith(qs.getSource(REPO, 'src/helpers.ts', 99), 'InvalidInput');
    assert.deepEqual(
      (await qs.listFiles(REPO, 'src/')).map((x) => x.path),
      ['src/helpers.ts', 'src/main.ts', 'src/registry.ts', 'src/service.ts'],
    );
  });

  it('reads source from a start column and stops where a character budget runs out, cutting that line', async () => {
    // src/helpers.ts lines 9-10: 'function deepHelper(x: number): number {' (40 columns), '  return x * 2;'
    const from = await qs.getSource(REPO, 'src/helpers.ts', 9, 10, { startColumn: 10, maxChars: 1000 });
    assert.deepEqual(
      [from.lines, from.startColumn, from.cut, from.truncated],
      [['deepHelper(x: number): number {', '  return x * 2;'], 10, null, false],
    );
    const cut = await qs.getSource(REPO, 'src/helpers.ts', 9, 10, { maxChars: 8 });
    assert.deepEqual([cut.lines, cut.cut, cut.truncated], [['function'], { line: 9, columns: 40 }, true]);
    const atLineEnd = await qs.getSource(REPO, 'src/helpers.ts', 9, 10, { maxChars: 40 });
    assert.deepEqual(
      [atLineEnd.lines.length, atLineEnd.cut, atLineEnd.truncated],
      [1, null, true],
      'stops at the line end',
    );
    await rejectsWith(qs.getSource(REPO, 'src/helpers.ts', 9, 9, { startColumn: 42 }), 'InvalidInput');
    const excerpt = await qs.show(REPO, 'deepHelper', { contextBefore: 0, maxChars: 20 });
    assert.deepEqual(
      [excerpt.source.lines, excerpt.source.cut, excerpt.source.truncated],
      [['function deepHelper('], { line: 9, columns: 40 }, true],
    );
  });

  it('searches exact, then prefix, then camel humps, then substring; non-test code before tests', async () => {
    const exact = await qs.search({ q: 'helperA' });
    assert.equal(exact[0]?.id, ID.helperA);
    assert.equal(exact[0]?.match, 'exact');
    const prefix = await qs.search({ q: 'help' });
    assert.deepEqual(
      prefix.map((h) => [h.name, h.match]),
      [
        ['helperA', 'prefix'],
        ['helperB', 'prefix'],
        ['deepHelper', 'substring'],
        ['localHelper', 'substring'],
      ],
    );
    const flow = await qs.search({ q: 'flow', repo: REPO });
    assert.deepEqual(
      flow.map((h) => [h.name, h.match, h.isTest]),
      [
        ['flows', 'prefix', false],
        ['FlowRegistry', 'prefix', false],
        ['startFlow', 'substring', false],
        ['starts a flow', 'substring', true],
      ],
    );
    const humps = await qs.search({ q: 'sF' });
    assert.equal(humps[0]?.id, ID.startFlow);
    assert.equal(humps[0]?.match, 'humps');
    assert.equal(humps[0]?.callers, 2);
    assert.deepEqual((await qs.search({ q: 'register', kind: 'method' })).length, 2);
    assert.deepEqual(await qs.search({ q: 'register', kind: 'class' }), []);
    assert.equal((await qs.search({ q: 'r', limit: 2 })).length, 2);
    await rejectsWith(qs.search({ q: '  ' }), 'InvalidInput');
    await rejectsWith(qs.search({ q: 'x', kind: 'methd' }), 'InvalidInput');
    await rejectsWith(qs.search({ q: 'x', repo: 'github.com/nope/nope' }), 'RepoNotFound');
  });

  it('answers from the newest snapshot and drops the derived query rows of snapshots that gc removes', async () => {
    const g = await buildFixture();
    try {
      const db = (g.ws.storage as SqliteStorage).engine.db;
      const next = await g.ws.storage.writer.beginSnapshot(REPO, 'd'.repeat(40), 'main', 'test-1');
      await g.ws.storage.writer.publishSnapshot(
        next,
        snapshotRows({ files: [], symbols: [], edges: [], testReach: [], stats: STATS }),
      );
      const q = createQueryService(g.ws);
      assert.equal((await q.listRepos())[0]?.commit, 'd'.repeat(40));
      await rejectsWith(q.resolveSymbol(REPO, 'helperA'), 'SymbolNotFound');
      // symbol_search rows are in segments (the newer snapshot has none); the unresolved totals are per snapshot.
      const rows = (table: string): number =>
        Number(
          (
            db
              .prepare(
                table === 'symbol_search'
                  ? 'SELECT COUNT(*) AS n FROM symbol_search WHERE ? IS NOT NULL'
                  : `SELECT COUNT(*) AS n FROM ${table} WHERE snapshot_id = ?`,
              )
              .get(g.snapshotId) as { n: number }
          ).n,
        );
      assert.equal(rows('symbol_search'), 19);
      assert.equal(rows('unresolved_names'), 1);
      await g.ws.storage.maintenance.deleteOldSnapshots();
      assert.deepEqual([rows('symbol_search'), rows('unresolved_names'), rows('query_index')], [0, 0, 0]);
    } finally {
      g.ws.close();
    }
  });

  it('gives no permalink for a repo that is not on GitHub', async () => {
    const other = await buildFixture({ webUrl: null });
    try {
      const r = await createQueryService(other.ws).show(REPO, 'helperA');
      assert.equal(r.symbol.permalink, null);
      assert.equal(r.source.verified, true);
    } finally {
      other.ws.close();
    }
  });

  it('shows a corrupted blob as unverified with no source, and never serves its bytes', async () => {
    const bad = await buildFixture();
    try {
      const sha = bad.blobOf['src/helpers.ts'] ?? '';
      writeFileSync(
        blobFile(bad.dataDir, sha),
        brotliCompressSync(Buffer.from('export function helperA() { return "evil"; }\n')),
      );
      const q = createQueryService(bad.ws);
      const r = await q.show(REPO, 'helperA');
      assert.equal(r.source.verified, false);
      assert.equal(r.symbol.verified, false);
      assert.deepEqual(r.source.lines, []);
      assert.match(r.source.error ?? '', /hash|sha/i);
      assert.deepEqual(
        r.callees.map((e) => e.name),
        ['deepHelper'],
      );
      const f = await q.getFile(REPO, 'src/helpers.ts');
      assert.equal(f.text, null);
      assert.equal(f.verified, false);
      assert.ok(f.error);
      await rejectsWith(q.getSource(REPO, 'src/helpers.ts'), 'BlobHashMismatch');
    } finally {
      bad.ws.close();
    }
  });
});
