import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Edge } from '../../src/core/graph.js';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { snapshotRows, type FileRecord, type SymbolRecord } from '../../src/db/storage.js';
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

const STATS = {
  filesParsed: 0,
  filesSkipped: {},
  callSites: 0,
  resolvedByReason: {},
  unresolvedByReason: {},
  testFiles: 0,
  testFilesAnalysed: 0,
};

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
    const files: FileRecord[] = [];
    const symbols: SymbolRecord[] = [];
    const edges: Edge[] = [];
    const file = (path: string, oid: string): void => {
      files.push({
        path,
        blobSha256: null,
        gitOid: oid,
        mode: '100644',
        language: 'typescript',
        size: 1000,
        lines: 1000,
        eol: 'lf',
        skipReason: null,
        target: null,
      });
    };
    const symbol = (path: string, name: string, kind: SymbolRecord['kind'], line: number): string => {
      const localId = `${name}:${kind}`;
      const id = `${path}::${localId}`;
      symbols.push({
        id,
        path,
        localId,
        name,
        qualifiedName: name,
        kind,
        startLine: line,
        endLine: line + 5,
        signature: '()',
        returnType: null,
        exported: true,
        doc: null,
        parent: null,
      });
      return id;
    };
    const edge = (caller: string, callee: string, text: string): Edge => ({
      callerId: caller,
      calleeId: callee,
      calleeText: text,
      kind: 'call',
      reason: 'import',
      confidence: 0.9,
      lines: [1],
    });
    const callerIds: string[] = [];
    const special = 6;
    for (let i = 0; i < SYMBOLS - special; i++) {
      const fileNo = Math.floor(i / PER_FILE);
      const path = `src/pkg${fileNo % 100}/file${fileNo}.ts`;
      if (i % PER_FILE === 0) file(path, `oid${fileNo}`);
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
    file('src/app/desktop.ts', 'oid-desktop');
    file('test/desktop.test.ts', 'oid-desktop-test');
    file('src/app/money.ts', 'oid-money');
    symbol('src/app/desktop.ts', 'startDesktopFlow', 'function', 1);
    symbol('src/app/desktop.ts', 'startDesktopFlowRunner', 'function', 20);
    symbol('src/app/desktop.ts', 'DesktopFlowOptions', 'interface', 40);
    // Contains 'sdf' (usDFormatter) but does not abbreviate it: ranks after every humps match of `sDF`.
    symbol('src/app/money.ts', 'usdFormatter', 'function', 1);
    const twin = symbol('test/desktop.test.ts', 'startDesktopFlow', 'function', 1);
    symbol('test/desktop.test.ts', 'starts the desktop flow', 'test', 10);
    // The non-test definition has fewer callers than its test twin: test code still ranks after it.
    for (const c of callerIds.slice(0, 10)) {
      if (callerIds.indexOf(c) < 5) edges.push(edge(c, target, 'startDesktopFlow'));
      edges.push(edge(c, twin, 'startDesktopFlow'));
    }
    const rows = snapshotRows({ files, symbols, edges, testReach: [], stats: STATS });
    console.log(`# built ${SYMBOLS} symbols' rows in ${ms(t0)}`);
    const t1 = process.hrtime.bigint();
    storage.engine.publishSnapshot(snap, rows);
    console.log(`# published them (segments, search keys, substring index) in ${ms(t1)}`);
    db.pragma('cache_size = -65536');
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
        storage.engine.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ snap: 1 }, ...params) as Array<{
          detail: string;
        }>
      ).map((r) => r.detail);
      const first = plan.find((d) => /symbol_search/.test(d)) ?? '';
      assert.match(first, /USING (COVERING )?INDEX symbol_search_by_/, plan.join('\n'));
    }
  });
});
