/**
 * The storage conformance suite: the same cases and the same expected answers for every adapter. Each adapter's test
 * file calls `storageConformance` once with a way to open a fresh, empty storage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FileFacts } from '../../src/core/facts.js';
import type { Edge } from '../../src/core/graph.js';
import { packFacts } from '../../src/db/facts-codec.js';
import {
  factsKeyString,
  snapshotRows,
  type FileRecord,
  type SnapshotContent,
  type Storage,
  type SymbolRecord,
} from '../../src/db/storage.js';

export interface OpenedStorage {
  storage: Storage;
  /** Closes the storage and removes what it stored (a temp file, a database). */
  cleanup(): Promise<void>;
}

const REPO = 'local/conformance';
const STATS = {
  filesParsed: 2,
  filesSkipped: {},
  callSites: 4,
  resolvedByReason: { 'same-file': 3 },
  unresolvedByReason: { 'external:node:fs': 1, 'name-only-miss': 1 },
  testFiles: 1,
  testFilesAnalysed: 1,
};

function file(
  path: string,
  blob: string | null = path
    .padEnd(64, '0')
    .replace(/[^0-9a-f]/g, 'a')
    .slice(0, 64),
): FileRecord {
  return {
    path,
    blobSha256: blob,
    gitOid: 'a'.repeat(40),
    mode: '100644',
    language: path.endsWith('.md') ? null : 'typescript',
    size: 10,
    lines: 3,
    eol: 'lf',
    skipReason: blob === null ? 'too-large' : null,
    target: null,
  };
}

function symbol(
  path: string,
  name: string,
  line: number,
  kind: SymbolRecord['kind'] = 'function',
): SymbolRecord {
  return {
    id: `${path}::${name}:${kind}`,
    path,
    localId: `${name}:${kind}`,
    name,
    qualifiedName: name,
    kind,
    startLine: line,
    endLine: line + 2,
    signature: '()',
    returnType: null,
    exported: true,
    doc: null,
    parent: null,
  };
}

const id = (path: string, name: string, kind = 'function'): string => `${path}::${name}:${kind}`;

function edge(caller: string, callee: string | null, text: string, reason: string, line: number): Edge {
  return {
    callerId: caller,
    calleeId: callee,
    calleeText: text,
    kind: 'call',
    reason: reason as Edge['reason'],
    confidence: callee === null ? null : 0.85,
    lines: [line],
  };
}

/**
 * A small graph: main → startDesktopFlow → helper, main → helper; a test calls startDesktopFlow; names chosen so that
 * each search tier has something to find.
 */
function content(extraSymbols: SymbolRecord[] = []): SnapshotContent {
  const symbols = [
    symbol('src/app.ts', 'main', 1),
    symbol('src/app.ts', 'startDesktopFlow', 5),
    symbol('src/app.ts', 'helper', 9),
    symbol('src/app.ts', 'startServer', 13),
    symbol('src/app.ts', 'usdFormatter', 17),
    symbol('src/app.ts', 'SDF', 21, 'class'),
    symbol('test/app.test.ts', 'starts the flow', 1, 'test'),
    ...extraSymbols,
  ];
  const edges = [
    edge(id('src/app.ts', 'main'), id('src/app.ts', 'startDesktopFlow'), 'startDesktopFlow', 'same-file', 2),
    edge(id('src/app.ts', 'main'), id('src/app.ts', 'helper'), 'helper', 'same-file', 3),
    edge(id('src/app.ts', 'main'), null, 'fs.readFileSync', 'external:node:fs', 4),
    edge(id('src/app.ts', 'startDesktopFlow'), id('src/app.ts', 'helper'), 'helper', 'same-file', 6),
    edge(id('src/app.ts', 'startDesktopFlow'), null, 'this.flows.register', 'name-only-miss', 7),
    edge(
      id('test/app.test.ts', 'starts the flow', 'test'),
      id('src/app.ts', 'startDesktopFlow'),
      'startDesktopFlow',
      'import',
      2,
    ),
  ];
  return {
    files: [file('src/app.ts'), file('test/app.test.ts'), file('README.md'), file('big.bin', null)],
    symbols,
    edges,
    testReach: [
      {
        symbolId: id('src/app.ts', 'startDesktopFlow'),
        testId: id('test/app.test.ts', 'starts the flow', 'test'),
        depth: 1,
        confidence: 0.9,
      },
      {
        symbolId: id('src/app.ts', 'helper'),
        testId: id('test/app.test.ts', 'starts the flow', 'test'),
        depth: 2,
        confidence: 0.765,
      },
    ],
    stats: STATS,
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Five source files and a test file: each file's main calls its helper, f1's main also calls f0's helper (so f0's
 * callers count depends on f1), and the test reaches f0's main. `helperEnd` moves the end of f3's helper (a body edit).
 */
export function filesContent(helperEnd = 8): SnapshotContent {
  const paths = ['src/f0.ts', 'src/f1.ts', 'src/f2.ts', 'src/f3.ts', 'src/f4.ts'];
  const symbols: SymbolRecord[] = [];
  const edges: Edge[] = [];
  for (const path of paths) {
    const helper = symbol(path, 'helper', 5);
    symbols.push(symbol(path, 'main', 1), path === 'src/f3.ts' ? { ...helper, endLine: helperEnd } : helper);
    edges.push(edge(id(path, 'main'), id(path, 'helper'), 'helper', 'same-file', 2));
    if (path === 'src/f1.ts')
      edges.push(edge(id(path, 'main'), id('src/f0.ts', 'helper'), 'helper', 'import', 3));
    if (path === 'src/f2.ts') edges.push(edge(id(path, 'main'), null, 'missing', 'name-only-miss', 3));
  }
  const test = symbol('test/t.test.ts', 'runs main', 1, 'test');
  symbols.push(test);
  edges.push(edge(test.id, id('src/f0.ts', 'main'), 'main', 'import', 2));
  return {
    files: [...paths.map((p) => file(p)), file('test/t.test.ts')],
    symbols,
    edges,
    testReach: [{ symbolId: id('src/f0.ts', 'main'), testId: test.id, depth: 1, confidence: 0.9 }],
    stats: STATS,
  };
}

/**
 * The migration check both adapters run: `migrated` holds two snapshots of `repo` written in an older schema
 * (filesContent() at commit 1…1, filesContent(12) at 2…2) and must answer exactly as `reference`, an empty store of
 * the same adapter, does after publishing the same content through the port.
 */
export async function assertMigratedLikeFresh(
  migrated: Storage,
  reference: Storage,
  repo: string,
): Promise<void> {
  await reference.writer.upsertRepo({ id: repo, source: '/src/m', gitDir: '/src/m', webUrl: null });
  const ids: number[] = [];
  for (const [commit, content] of [
    ['1'.repeat(40), filesContent()],
    ['2'.repeat(40), filesContent(12)],
  ] as const) {
    const id = await reference.writer.beginSnapshot(repo, commit, null, 'test:1');
    await reference.writer.publishSnapshot(id, snapshotRows(content));
    ids.push(id);
  }
  const snapshots = (await migrated.reader.listSnapshots(repo)).map((s) => s.id);
  assert.equal(snapshots.length, 2);
  for (const [i, id] of snapshots.entries())
    assert.deepEqual(await answersOf(migrated, id), await answersOf(reference, ids[i]!));
}

/** Every answer the graph reader gives about one snapshot of filesContent. */
export async function answersOf(s: Storage, snap: number): Promise<unknown> {
  const ids = ['src/f0.ts', 'src/f1.ts', 'src/f3.ts'].flatMap((p) => [id(p, 'main'), id(p, 'helper')]);
  return {
    counts: await s.reader.countRows(snap),
    files: await s.reader.listFiles(snap),
    languages: await s.reader.languageCounts(snap),
    symbols: await collect(s.reader.iterateSymbols(snap)),
    edges: await collect(s.reader.iterateEdges(snap)),
    // Answers whose order the port leaves open are sorted.
    byId: [...(await s.reader.symbolsById(snap, ids))].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    byName: await s.reader.findSymbolsByName(snap, 'helper'),
    byQualifiedName: await s.reader.findSymbolsByQualifiedName(snap, 'main'),
    atLine: await s.reader.findSymbolsAtLine(snap, 'src/f3.ts', 6),
    ofFile: await s.reader.symbolsOfFile(snap, 'src/f3.ts'),
    from: await s.reader.edgesFrom(snap, ids),
    to: await s.reader.edgesTo(snap, ids),
    unresolvedFrom: await s.reader.unresolvedEdgesFrom(snap, [id('src/f2.ts', 'main')]),
    mayCall: [...(await s.reader.unresolvedMayCall(snap, ['missing', 'helper']))].sort(),
    unresolved: await s.reader.countUnresolved(snap),
    tests: (await s.reader.testsReaching(snap, ids)).sort((a, b) =>
      `${a.reach.symbolId} ${a.reach.testId}` < `${b.reach.symbolId} ${b.reach.testId}` ? -1 : 1,
    ),
    callers: [...(await s.reader.callerCounts(snap, ids))].sort(),
    mostCalled: await s.reader.mostCalled(snap, 20),
    untested: await s.reader.untestedHotspots(snap, 20),
    exact: await s.reader.searchSymbols(snap, { mode: 'exact', q: 'helper', limit: 20 }),
    prefix: await s.reader.searchSymbols(snap, { mode: 'prefix', q: 'ma', limit: 20 }),
    substring: await s.reader.searchSymbols(snap, { mode: 'substring', q: 'elp', limit: 20 }),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A case an adapter cannot pass yet, with the reason (listed next to the adapter's call, never left out silently). */
export interface SkippedCase {
  reason: string;
  tests: string[];
}

/** Runs every storage case against one adapter. */
export function storageConformance(
  adapter: string,
  open: () => Promise<OpenedStorage>,
  skip: SkippedCase[] = [],
): void {
  const skipped = (name: string): string | undefined => skip.find((x) => x.tests.includes(name))?.reason;
  describe(`storage conformance: ${adapter}`, () => {
    let opened: OpenedStorage;
    let s: Storage;
    let snap: number;

    before(async () => {
      opened = await open();
      s = opened.storage;
      await s.writer.upsertRepo({ id: REPO, source: '/src/c', gitDir: '/src/c', webUrl: null });
      snap = await s.writer.beginSnapshot(REPO, 'c'.repeat(40), 'main', 'test:1');
      await s.writer.publishSnapshot(snap, snapshotRows(content()));
    });
    after(async () => {
      await opened?.cleanup();
    });

    it('reads back every row of a published snapshot', async () => {
      const latest = await s.reader.latestSnapshot(REPO);
      assert.equal(latest?.id, snap);
      assert.equal(latest?.status, 'ready');
      assert.deepEqual(await s.reader.getRepo(REPO), {
        id: REPO,
        source: '/src/c',
        gitDir: '/src/c',
        webUrl: null,
      });
      assert.deepEqual(await s.reader.countRows(snap), { files: 4, symbols: 7, edges: 6 });
      assert.deepEqual(await s.reader.snapshotStats(snap), STATS);
      assert.deepEqual(
        await s.reader.listFiles(snap),
        [...content().files].sort((a, b) => (a.path < b.path ? -1 : 1)),
      );
      assert.deepEqual(
        (await s.reader.listFiles(snap, 'src/')).map((f) => f.path),
        ['src/app.ts'],
      );
      assert.deepEqual(await s.reader.getFile(snap, 'big.bin'), file('big.bin', null));
      assert.equal(await s.reader.getFile(snap, 'nope.ts'), null);
      assert.deepEqual(await s.reader.languageCounts(snap), { typescript: 3 });
      const symbols = await collect(s.reader.iterateSymbols(snap));
      assert.deepEqual(
        symbols.map(({ blobSha256: _b, ...rest }) => rest),
        [...content().symbols].sort((a, b) =>
          a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine,
        ),
      );
      assert.equal(symbols[0]?.blobSha256, file('src/app.ts').blobSha256);
      const edges = await collect(s.reader.iterateEdges(snap));
      assert.deepEqual(
        edges.map(({ callerPath: _a, callerLine: _b, calleePath: _c, calleeLine: _d, ...e }) => e),
        content().edges,
      );
      assert.deepEqual(
        edges[0] && [edges[0].callerPath, edges[0].callerLine, edges[0].calleePath, edges[0].calleeLine],
        ['src/app.ts', 1, 'src/app.ts', 5],
      );
      assert.equal(await s.reader.countUnresolved(snap), 2);
    });

    it('never serves a building snapshot, and a failed publish leaves the previous one served with nothing half-written', async () => {
      const mark = await s.reader.changeMark();
      const next = await s.writer.beginSnapshot(REPO, 'd'.repeat(40), null, 'test:1');
      assert.equal((await s.reader.latestSnapshot(REPO))?.id, snap, 'a building snapshot is not served');
      // Two symbols with one id break the write half-way through.
      const dup = symbol('src/app.ts', 'main', 1);
      await assert.rejects(s.writer.publishSnapshot(next, snapshotRows(content([dup]))));
      await s.writer.failSnapshot(next, 'boom');
      assert.equal((await s.reader.latestSnapshot(REPO))?.id, snap);
      assert.deepEqual(await s.reader.listFiles(next), [], 'no row of the failed snapshot is visible');
      assert.deepEqual(await s.reader.countRows(next), { files: 0, symbols: 0, edges: 0 });
      assert.equal((await s.reader.getSnapshot(next))?.status, 'failed');
      assert.equal(await s.writer.discardUnfinishedSnapshots(REPO), 1);
      assert.deepEqual(
        (await s.reader.listSnapshots(REPO)).map((x) => x.status),
        ['ready'],
      );
      assert.notEqual(await s.reader.changeMark(), mark, 'the change mark moves when snapshots come and go');
    });

    it('answers neighbours of many symbols in one call, in edge order', async () => {
      const from = await s.reader.edgesFrom(snap, [
        id('src/app.ts', 'startDesktopFlow'),
        id('src/app.ts', 'main'),
      ]);
      assert.deepEqual(
        from.map((e) => [e.edge.callerId, e.symbol.name, e.edge.lines[0]]),
        [
          [id('src/app.ts', 'main'), 'startDesktopFlow', 2],
          [id('src/app.ts', 'main'), 'helper', 3],
          [id('src/app.ts', 'startDesktopFlow'), 'helper', 6],
        ],
      );
      const to = await s.reader.edgesTo(snap, [
        id('src/app.ts', 'helper'),
        id('src/app.ts', 'startDesktopFlow'),
      ]);
      assert.deepEqual(
        to.map((e) => [e.symbol.name, e.edge.calleeId]),
        [
          ['main', id('src/app.ts', 'startDesktopFlow')],
          ['main', id('src/app.ts', 'helper')],
          ['startDesktopFlow', id('src/app.ts', 'helper')],
          ['starts the flow', id('src/app.ts', 'startDesktopFlow')],
        ],
      );
      assert.equal(to[0]?.symbol.blobSha256, file('src/app.ts').blobSha256);
      assert.deepEqual(
        (
          await s.reader.unresolvedEdgesFrom(snap, [
            id('src/app.ts', 'main'),
            id('src/app.ts', 'startDesktopFlow'),
          ])
        ).map((e) => e.calleeText),
        ['fs.readFileSync', 'this.flows.register'],
      );
      assert.deepEqual(
        [...(await s.reader.unresolvedMayCall(snap, ['register', 'readFileSync', 'helper']))],
        [['register', 1]],
        'external calls cannot hide a repo call',
      );
      const byId = await s.reader.symbolsById(snap, [id('src/app.ts', 'helper'), id('src/app.ts', 'nope')]);
      assert.deepEqual([...byId.keys()], [id('src/app.ts', 'helper')]);
      assert.deepEqual(
        [
          ...(await s.reader.callerCounts(snap, [
            id('src/app.ts', 'helper'),
            id('src/app.ts', 'startDesktopFlow'),
            id('src/app.ts', 'main'),
          ])),
        ].sort(),
        [
          [id('src/app.ts', 'helper'), 2],
          [id('src/app.ts', 'startDesktopFlow'), 2],
        ],
      );
      const tests = await s.reader.testsReaching(snap, [
        id('src/app.ts', 'helper'),
        id('src/app.ts', 'startDesktopFlow'),
      ]);
      assert.deepEqual(
        tests.map((t) => [t.reach.symbolId, t.test.name, t.reach.depth, t.reach.confidence]).sort(),
        [
          [id('src/app.ts', 'helper'), 'starts the flow', 2, 0.765],
          [id('src/app.ts', 'startDesktopFlow'), 'starts the flow', 1, 0.9],
        ],
      );
      assert.deepEqual(
        (await s.reader.findSymbolsAtLine(snap, 'src/app.ts', 6)).map((r) => r.name),
        ['startDesktopFlow'],
      );
      assert.deepEqual(
        (await s.reader.findSymbolsByName(snap, 'helper')).map((r) => r.id),
        [id('src/app.ts', 'helper')],
      );
      assert.deepEqual(
        (await s.reader.findSymbolsByQualifiedName(snap, 'main')).map((r) => r.id),
        [id('src/app.ts', 'main')],
      );
      assert.equal((await s.reader.symbolsOfFile(snap, 'src/app.ts')).length, 6);
    });

    it('ranks search hits by tier (exact, prefix, humps, substring) and within a tier non-test first, then callers', async () => {
      const names = async (mode: 'exact' | 'prefix' | 'humps' | 'substring', q: string, kind?: string) =>
        (await s.reader.searchSymbols(snap, { mode, q, limit: 10, ...(kind ? { kind } : {}) })).map((h) => [
          h.symbol.name,
          h.callers,
          h.isTest,
        ]);
      assert.deepEqual(await names('exact', 'SDF'), [['SDF', 0, false]]);
      assert.deepEqual(await names('prefix', 'start'), [
        ['startDesktopFlow', 2, false],
        ['startServer', 0, false],
        ['starts the flow', 0, true],
      ]);
      // SDF itself is a prefix match of `sdf`, so the humps tier leaves it out.
      assert.deepEqual(await names('humps', 'sdf'), [['startDesktopFlow', 2, false]]);
      assert.deepEqual(await names('substring', 'sdf'), [['usdFormatter', 0, false]]);
      assert.deepEqual(await names('substring', 'lpe'), [['helper', 2, false]]);
      assert.deepEqual(await names('prefix', 'start', 'test'), [['starts the flow', 0, true]]);
      assert.deepEqual(
        await names('substring', 'zz'),
        [],
        'a substring shorter than 3 characters matches nothing',
      );
      assert.deepEqual((await s.reader.mostCalled(snap, 10)).map((r) => [r.symbol.name, r.callers]).sort(), [
        ['helper', 2],
        ['startDesktopFlow', 2],
      ]);
      assert.deepEqual(
        (await s.reader.untestedHotspots(snap, 10)).map((r) => r.symbol.name),
        [],
      );
      assert.ok((await s.reader.similarNames(snap, 'helpr', 10)).includes('helper'));
      assert.deepEqual(await s.reader.similarPaths(snap, 'src/nope.ts', 10), ['src/app.ts']);
    });

    it('keeps facts by blob and analyzer version, and what git blobs held, until their blobs are forgotten', async () => {
      const facts = {
        symbols: [],
        imports: [],
        exports: [],
        callSites: [],
        isTestFile: false,
      } as unknown as FileFacts;
      const key = { blobSha256: 'b'.repeat(64), pluginId: 'typescript', analyzerVersion: '7', path: 'a.ts' };
      const other = { ...key, analyzerVersion: '8' };
      await s.cache.putCachedFacts([{ key, packed: packFacts(facts) }]);
      const got = await s.cache.getCachedFacts([key, other]);
      assert.deepEqual([...got.keys()], [factsKeyString(key)]);
      assert.deepEqual(got.get(factsKeyString(key)), facts);
      const object = {
        oid: '1'.repeat(40),
        sha256: 'b'.repeat(64),
        size: 5,
        lines: 1,
        eol: 'lf' as const,
        content: 'text' as const,
      };
      await s.cache.rememberGitObjects([object]);
      assert.deepEqual([...(await s.cache.knownGitObjects([object.oid, '2'.repeat(40)])).values()], [object]);
      await s.maintenance.forgetBlobs(['b'.repeat(64)]);
      assert.equal((await s.cache.getCachedFacts([key])).size, 0);
      assert.equal((await s.cache.knownGitObjects([object.oid])).size, 0);
    });

    it('gc keeps the newest snapshot of each repo and drops what only older ones used', async () => {
      const newer = await s.writer.beginSnapshot(REPO, 'e'.repeat(40), null, 'test:1');
      const renamed = symbol('src/app.ts', 'onlyInNewer', 1);
      await s.writer.publishSnapshot(
        newer,
        snapshotRows({
          ...content(),
          symbols: [renamed],
          edges: [],
          testReach: [],
          files: [file('src/app.ts')],
        }),
      );
      assert.equal((await s.reader.latestSnapshot(REPO))?.id, newer);
      assert.ok((await s.maintenance.referencedBlobs()).has(file('README.md').blobSha256!));
      assert.deepEqual(
        (await s.maintenance.blobSources(file('src/app.ts').blobSha256!)).map((b) => [b.repoId, b.gitOid]),
        [[REPO, 'a'.repeat(40)]],
      );
      assert.equal(await s.maintenance.deleteOldSnapshots(), 1);
      assert.deepEqual(
        (await s.reader.listSnapshots(REPO)).map((x) => x.id),
        [newer],
      );
      assert.deepEqual([...(await s.maintenance.referencedBlobs())], [file('src/app.ts').blobSha256]);
      await s.maintenance.pruneSearchNames();
      assert.equal(await s.maintenance.pruneSearchNames(), 0, 'nothing is left to prune after a prune');
      assert.deepEqual(
        (await s.reader.searchSymbols(newer, { mode: 'substring', q: 'nlyinn', limit: 5 })).map(
          (h) => h.symbol.name,
        ),
        ['onlyInNewer'],
      );
      assert.deepEqual(await s.reader.searchSymbols(newer, { mode: 'substring', q: 'lpe', limit: 5 }), []);
      // The superseded snapshot of one commit goes when the commit is indexed again.
      const again = await s.writer.beginSnapshot(REPO, 'e'.repeat(40), null, 'test:1');
      await s.writer.publishSnapshot(
        again,
        snapshotRows({ ...content(), files: [], symbols: [], edges: [], testReach: [] }),
      );
      assert.equal(await s.writer.deleteSupersededSnapshots(REPO, 'e'.repeat(40), again), 1);
      snap = again;
    });

    it('publishes a re-index of a commit and removes the snapshot it supersedes in one call', async () => {
      const other = await s.writer.beginSnapshot(REPO, 'f'.repeat(40), null, 'test:1');
      await s.writer.publishSnapshot(
        other,
        snapshotRows({ ...content(), symbols: [], edges: [], testReach: [] }),
      );
      const reindex = await s.writer.beginSnapshot(REPO, 'e'.repeat(40), null, 'test:1');
      const renamed = symbol('src/app.ts', 'afterReindex', 1);
      assert.equal(
        await s.writer.publishSnapshotSuperseding(
          reindex,
          snapshotRows({
            ...content(),
            symbols: [renamed],
            edges: [],
            testReach: [],
            files: [file('src/app.ts')],
          }),
        ),
        1,
      );
      assert.deepEqual(
        (await s.reader.listSnapshots(REPO))
          .map((x) => [x.id, x.commit])
          .sort((a, b) => Number(a[0]) - Number(b[0])),
        [
          [other, 'f'.repeat(40)],
          [reindex, 'e'.repeat(40)],
        ],
        'only the same commit is superseded',
      );
      assert.deepEqual(
        (await s.reader.searchSymbols(reindex, { mode: 'exact', q: 'afterReindex', limit: 5 })).map(
          (h) => h.symbol.name,
        ),
        ['afterReindex'],
      );
      await assert.rejects(
        s.writer.publishSnapshotSuperseding(reindex, snapshotRows({ ...content(), files: [] })),
        'a published snapshot is not published again',
      );
      assert.equal((await s.reader.listSnapshots(REPO)).length, 2, 'a refused publish removes nothing');
      snap = reindex;
    });

    const sharing =
      "stores a snapshot that differs in one file as that file's rows, sharing every other file's";
    it(sharing, { skip: skipped(sharing) }, async () => {
      const own = await open();
      try {
        const t = own.storage;
        await t.writer.upsertRepo({ id: REPO, source: '/src/c', gitDir: '/src/c', webUrl: null });
        assert.deepEqual(await t.maintenance.storedRowCounts(), {
          segments: 0,
          symbols: 0,
          edges: 0,
          testReach: 0,
        });
        const first = await t.writer.beginSnapshot(REPO, '1'.repeat(40), null, 'test:1');
        await t.writer.publishSnapshot(first, snapshotRows(filesContent()));
        const one = { segments: 6, symbols: 11, edges: 8, testReach: 1 };
        assert.deepEqual(await t.maintenance.storedRowCounts(), one);
        const before = await answersOf(t, first);

        const second = await t.writer.beginSnapshot(REPO, '2'.repeat(40), null, 'test:1');
        await t.writer.publishSnapshot(second, snapshotRows(filesContent(12)));
        assert.deepEqual(
          await t.maintenance.storedRowCounts(),
          { segments: 7, symbols: 13, edges: 9, testReach: 1 },
          'only src/f3.ts is stored again: its segment, two symbols and one edge',
        );
        assert.deepEqual(await answersOf(t, first), before, 'the older snapshot answers as before');
        assert.equal((await t.reader.findSymbolsAtLine(second, 'src/f3.ts', 10))[0]?.endLine, 12);
        assert.deepEqual(await t.reader.findSymbolsAtLine(first, 'src/f3.ts', 10), []);
        assert.notDeepEqual(await answersOf(t, second), before);

        // The newer snapshot goes (as a superseded one would): only its own segment goes with it.
        assert.equal(await t.writer.deleteSupersededSnapshots(REPO, '2'.repeat(40), first), 1);
        assert.deepEqual(await t.maintenance.storedRowCounts(), one);
        assert.deepEqual(await answersOf(t, first), before, 'the older snapshot answers as before');

        // gc of the older snapshot once a newer one exists removes exactly the segments only it had.
        const third = await t.writer.beginSnapshot(REPO, '3'.repeat(40), null, 'test:1');
        await t.writer.publishSnapshot(third, snapshotRows(filesContent(12)));
        const after = await answersOf(t, third);
        assert.equal(await t.maintenance.deleteOldSnapshots(), 1);
        assert.deepEqual(await t.maintenance.storedRowCounts(), one);
        assert.deepEqual(await answersOf(t, third), after, 'the kept snapshot answers as before');
        await t.maintenance.pruneSearchNames();
      } finally {
        await own.cleanup();
      }
    });

    it('grants a lease to one holder at a time until it is released or expires', async () => {
      assert.equal(await s.leases.acquire('repo local/x', 'worker-a', 60_000), true);
      assert.equal(await s.leases.acquire('repo local/x', 'worker-b', 60_000), false, 'held by another');
      assert.equal(
        await s.leases.acquire('repo local/x', 'worker-a', 60_000),
        true,
        'the holder may take it again',
      );
      assert.equal(await s.leases.renew('repo local/x', 'worker-b', 60_000), false);
      assert.equal(await s.leases.renew('repo local/x', 'worker-a', 60_000), true);
      assert.deepEqual(
        (await s.leases.live()).map((l) => [l.name, l.holder]),
        [['repo local/x', 'worker-a']],
      );
      await s.leases.release('repo local/x', 'worker-b');
      assert.equal(
        await s.leases.acquire('repo local/x', 'worker-b', 60_000),
        false,
        'only the holder releases',
      );
      await s.leases.release('repo local/x', 'worker-a');
      assert.equal(await s.leases.acquire('repo local/x', 'worker-b', 150), true);
      await sleep(300);
      assert.deepEqual(await s.leases.live(), [], 'an expired lease is not live');
      assert.equal(
        await s.leases.renew('repo local/x', 'worker-b', 60_000),
        false,
        'an expired lease cannot be renewed',
      );
      assert.equal(
        await s.leases.acquire('repo local/x', 'worker-c', 60_000),
        true,
        'an expired lease is taken over',
      );
      const racers = await Promise.all(
        ['r1', 'r2', 'r3', 'r4'].map((h) => s.leases.acquire('race', h, 60_000)),
      );
      assert.equal(racers.filter(Boolean).length, 1, 'of holders racing for a free lease, exactly one wins');
    });
  });
}
