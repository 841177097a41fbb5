import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { QUERY_SQL } from '../../src/db/sqlite-query-index.js';
import { createQueryService } from '../../src/service/query-service.js';
import type { QueryService } from '../../src/service/query-types.js';
import { FsBlobStore } from '../../src/store/fs-blob-store.js';

const SYMBOLS = 1_000_000;
const PER_FILE = 100;
const REPO = 'github.com/acme/huge';
const VERBS = [
  'get',
  'set',
  'load',
  'save',
  'build',
  'parse',
  'render',
  'update',
  'create',
  'remove',
  'find',
  'open',
  'close',
  'read',
  'write',
  'send',
  'handle',
  'apply',
  'check',
  'merge',
  'split',
  'format',
  'compute',
  'resolve',
  'fetch',
  'stop',
  'reset',
  'init',
  'emit',
  'track',
];
const NOUNS = [
  'User',
  'Account',
  'Order',
  'Item',
  'Cart',
  'Session',
  'Token',
  'Config',
  'Cache',
  'Queue',
  'Event',
  'Stream',
  'Buffer',
  'Node',
  'Tree',
  'Graph',
  'Edge',
  'Path',
  'File',
  'Folder',
  'Image',
  'Video',
  'Audio',
  'Record',
  'Table',
  'Row',
  'Column',
  'Index',
  'Query',
  'Result',
  'Error',
  'Layout',
  'Theme',
  'Style',
  'Route',
  'Request',
  'Response',
  'Header',
  'Body',
  'Field',
];

function ms(start: bigint): string {
  return `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`;
}

describe('symbol search on 1,000,000 symbols', () => {
  let dir: string;
  let storage: SqliteStorage;
  let qs: QueryService;
  const target = 'src/app/desktop.ts::startDesktopFlow:function';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'codehub-search-scale-'));
    storage = new SqliteStorage(join(dir, 'codehub.db'));
    storage.engine.upsertRepo({
      id: REPO,
      source: '/src/huge',
      gitDir: '/src/huge',
      webUrl: 'https://github.com/acme/huge',
    });
    const snap = storage.engine.beginSnapshot(REPO, 'f'.repeat(40), 'main', 'test-1');
    const db = storage.engine.db;
    // One big transaction: a page cache that holds it keeps WAL mode from spilling the same pages again and again.
    db.pragma('cache_size = -1048576');
    const t0 = process.hrtime.bigint();
    const insFile = db.prepare(
      `INSERT INTO files (snapshot_id, path, blob_sha256, git_oid, mode, language, size, line_count, eol, skip_reason, target)
       VALUES (?, ?, NULL, ?, '100644', 'typescript', 1000, 1000, 'lf', NULL, NULL)`,
    );
    const insSymbol = db.prepare(
      `INSERT INTO symbols (snapshot_id, id, path, local_id, name, qualified_name, kind, start_line, end_line, signature, return_type, exported, doc, parent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '()', NULL, 1, NULL, NULL)`,
    );
    const insEdge = db.prepare(
      `INSERT INTO edges (snapshot_id, caller_id, callee_id, callee_text, kind, reason, confidence, lines_json, candidates)
       VALUES (?, ?, ?, ?, 'call', 'import', 0.9, '[1]', NULL)`,
    );
    const symbol = (path: string, name: string, kind: string, line: number): string => {
      const localId = `${name}:${kind}`;
      const id = `${path}::${localId}`;
      insSymbol.run(snap, id, path, localId, name, name, kind, line, line + 5);
      return id;
    };
    const callerIds: string[] = [];
    db.transaction(() => {
      const special = 6;
      for (let i = 0; i < SYMBOLS - special; i++) {
        const fileNo = Math.floor(i / PER_FILE);
        const path = `src/pkg${fileNo % 100}/file${fileNo}.ts`;
        if (i % PER_FILE === 0) insFile.run(snap, path, `oid${fileNo}`);
        const v = VERBS[i % VERBS.length] ?? 'get';
        const a = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length] ?? 'User';
        const b = NOUNS[Math.floor(i / (VERBS.length * NOUNS.length)) % NOUNS.length] ?? 'Row';
        const id = symbol(
          path,
          `${v}${a}${b}${i % 7 === 0 ? 'V' + (i % 13) : ''}`,
          i % 5 === 0 ? 'method' : 'function',
          (i % PER_FILE) * 10 + 1,
        );
        if (callerIds.length < 20) callerIds.push(id);
      }
      insFile.run(snap, 'src/app/desktop.ts', 'oid-desktop');
      insFile.run(snap, 'test/desktop.test.ts', 'oid-desktop-test');
      insFile.run(snap, 'src/app/money.ts', 'oid-money');
      symbol('src/app/desktop.ts', 'startDesktopFlow', 'function', 1);
      symbol('src/app/desktop.ts', 'startDesktopFlowRunner', 'function', 20);
      symbol('src/app/desktop.ts', 'DesktopFlowOptions', 'interface', 40);
      // Contains 'sdf' (usDFormatter) but does not abbreviate it: ranks after every humps match of `sDF`.
      symbol('src/app/money.ts', 'usdFormatter', 'function', 1);
      const twin = symbol('test/desktop.test.ts', 'startDesktopFlow', 'function', 1);
      symbol('test/desktop.test.ts', 'starts the desktop flow', 'test', 10);
      // The non-test definition has fewer callers than its test twin: test code still ranks after it.
      for (const c of callerIds.slice(0, 5)) insEdge.run(snap, c, target, 'startDesktopFlow');
      for (const c of callerIds.slice(0, 10)) insEdge.run(snap, c, twin, 'startDesktopFlow');
      db.prepare('INSERT INTO snapshot_stats (snapshot_id, stats_json) VALUES (?, ?)').run(snap, '{}');
      db.prepare(`UPDATE snapshots SET status = 'ready' WHERE id = ?`).run(snap);
    })();
    console.log(`# inserted ${SYMBOLS} symbols in ${ms(t0)}`);
    db.pragma('cache_size = -65536');
    const t1 = process.hrtime.bigint();
    // Rows were written behind the storage port's back, so the query tables are built on first use, as for a
    // snapshot published before the migration that added them.
    storage.engine.countUnresolved(snap);
    console.log(`# built the search index (humps, callers, test flags) in ${ms(t1)}`);
    qs = createQueryService({ storage, blobs: new FsBlobStore(join(dir, 'blobs')) });
  });

  after(() => {
    storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One search on a fresh query service: its answer cache is empty (the statement cache, per connection, is warm). */
  async function timedUncached(
    q: string,
  ): Promise<{ hits: Awaited<ReturnType<QueryService['search']>>; ms: number }> {
    const fresh = createQueryService({ storage, blobs: new FsBlobStore(join(dir, 'blobs')) });
    const t = process.hrtime.bigint();
    const hits = await fresh.search({ q, limit: 20 });
    return { hits, ms: Number(process.hrtime.bigint() - t) / 1e6 };
  }

  const cases: Array<[q: string, match: string, first: string]> = [
    ['startDesktopFlow', 'exact', target],
    ['startdesktopf', 'prefix', target],
    ['esktopFlow', 'substring', target],
    ['sDF', 'humps', target],
    ['sdfr', 'humps', 'src/app/desktop.ts::startDesktopFlowRunner:function'],
  ];
  for (const [q, match, first] of cases) {
    it(`finds '${q}' by ${match} as the first hit`, async () => {
      await qs.search({ q, limit: 20 }); // warm the statement cache
      const { hits, ms: took } = await timedUncached(q);
      console.log(
        `# search '${q}' (${match}): ${hits.length} hits in ${took.toFixed(1)} ms (answer not cached)`,
      );
      assert.equal(hits[0]?.id, first);
      assert.equal(hits[0]?.match, match);
      assert.equal(hits[0]?.isTest, false);
    });
  }

  it('ranks every humps match of sDF before a name that only contains it (usdFormatter)', async () => {
    const hits = await qs.search({ q: 'sDF', limit: 20 });
    const usd = hits.findIndex((h) => h.name === 'usdFormatter');
    assert.ok(usd > 0, hits.map((h) => h.name).join(', '));
    assert.equal(hits[usd]?.match, 'substring');
    assert.ok(
      hits.slice(0, usd).every((h) => h.match === 'humps'),
      hits.map((h) => `${h.name} ${h.match}`).join(', '),
    );
  });

  it('ranks the test twin after the non-test definition although it has more callers', async () => {
    const hits = await qs.search({ q: 'startDesktopFlow', limit: 3 });
    assert.deepEqual(
      hits.slice(0, 2).map((h) => [h.path, h.isTest, h.callers]),
      [
        ['src/app/desktop.ts', false, 5],
        ['test/desktop.test.ts', true, 10],
      ],
    );
  });

  it('answers broad queries with a bounded, ranked page', async () => {
    for (const q of ['get', 'getUser', 'Row', 'gu', 'ser', 'usr']) {
      const t = process.hrtime.bigint();
      const hits = await qs.search({ q, limit: 20 });
      console.log(`# search '${q}': ${hits.length} hits in ${ms(t)}`);
      assert.equal(hits.length, 20);
    }
  });

  it('plans exact, prefix and humps lookups on an index, not a table scan', () => {
    for (const sql of [
      QUERY_SQL.searchExact,
      QUERY_SQL.searchPrefix,
      QUERY_SQL.searchHumps,
      QUERY_SQL.mostCalled,
      QUERY_SQL.searchSubstring,
    ]) {
      const params = (sql.match(/\?/g) ?? []).map(() => 'x');
      const plan = (
        storage.engine.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>
      ).map((r) => r.detail);
      const first = plan.find((d) => /symbol_search/.test(d)) ?? '';
      assert.match(first, /USING (COVERING )?INDEX symbol_search_by_/, plan.join('\n'));
    }
  });
});
