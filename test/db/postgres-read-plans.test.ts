/**
 * PostgreSQL point reads stay index probes of the snapshot's links. Reads run as cached generic plans, which estimate
 * `snapshot_id = $1` at all links over the number of snapshots: a lookup written as a plain join to the link table
 * then scans and hashes every link of the snapshot to keep a few rows. The check reads the server's own counters of
 * sequential and index scans per table around a batch of point reads on a store of two 400-file snapshots.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Edge } from '../../src/core/graph.js';
import { PostgresStorage } from '../../src/db/postgres-storage.js';
import { snapshotRows, type SnapshotContent, type SymbolRecord } from '../../src/db/storage.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const FILES = 400;
const REPO = 'plans/repo';

function symbol(path: string, name: string, line: number): SymbolRecord {
  return {
    id: `${path}::${name}:function`,
    path,
    localId: `${name}:function`,
    name,
    qualifiedName: name,
    kind: 'function',
    startLine: line,
    endLine: line + 2,
    signature: '()',
    returnType: null,
    exported: true,
    doc: null,
    parent: null,
  };
}

const pathOf = (i: number): string => `src/m${String(i).padStart(4, '0')}.ts`;
const idOf = (i: number, name: string): string => `${pathOf(i)}::${name}:function`;

/** Each file's main calls its own helper and the next file's; `edited` moves one helper's end (a body edit). */
function content(edited: number | null): SnapshotContent {
  const symbols: SymbolRecord[] = [];
  const edges: Edge[] = [];
  for (let i = 0; i < FILES; i++) {
    const path = pathOf(i);
    const helper = symbol(path, 'helper', 5);
    symbols.push(symbol(path, 'main', 1), i === edited ? { ...helper, endLine: 12 } : helper);
    for (const callee of [i, (i + 1) % FILES]) {
      edges.push({
        callerId: idOf(i, 'main'),
        calleeId: idOf(callee, 'helper'),
        calleeText: 'helper',
        kind: 'call',
        reason: callee === i ? 'same-file' : 'import',
        confidence: 0.9,
        lines: [2],
      });
    }
  }
  return {
    files: Array.from({ length: FILES }, (_, i) => ({
      path: pathOf(i),
      blobSha256: String(i).padStart(64, '0'),
      gitOid: 'a'.repeat(40),
      mode: '100644',
      language: 'typescript',
      size: 10,
      lines: 12,
      eol: 'lf' as const,
      skipReason: null,
      target: null,
    })),
    symbols,
    edges,
    testReach: [],
    stats: {
      filesParsed: FILES,
      filesSkipped: {},
      callSites: edges.length,
      resolvedByReason: {},
      unresolvedByReason: {},
      testFiles: 0,
      testFilesAnalysed: 0,
    },
  };
}

interface ScanCounts {
  seq: number;
  idx: number;
}

/**
 * Sequential and index scans of `table` so far. Backends report their counters when they end, so the storage that ran
 * the reads is closed first; this waits until the counters show at least `minIdx` index scans.
 */
async function scans(url: string, table: string, minIdx = 0): Promise<ScanCounts> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = (
        await client.query('SELECT seq_scan, idx_scan FROM pg_stat_user_tables WHERE relname = $1', [table])
      ).rows[0] as { seq_scan: string; idx_scan: string | null } | undefined;
      const counts = { seq: Number(r?.seq_scan ?? 0), idx: Number(r?.idx_scan ?? 0) };
      if (counts.idx >= minIdx || Date.now() > deadline) return counts;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('PostgreSQL read plans', () => {
  let db: TempDatabase;
  let newer = 0;

  before(async () => {
    db = await createTempDatabase();
    const writer = new PostgresStorage(db.url);
    try {
      await writer.writer.upsertRepo({ id: REPO, source: 'local', gitDir: '/nowhere', webUrl: null });
      const first = await writer.writer.beginSnapshot(REPO, '1'.repeat(40), null, 'test');
      await writer.writer.publishSnapshot(first, snapshotRows(content(null)));
      newer = await writer.writer.beginSnapshot(REPO, '2'.repeat(40), null, 'test');
      await writer.writer.publishSnapshot(newer, snapshotRows(content(7)));
    } finally {
      await writer.close();
    }
  });

  after(async () => {
    await db?.drop();
  });

  it('point reads probe the snapshot links by key and never scan the link table', async () => {
    // The publishing connections report their counters as they end: wait until the counters stop moving.
    let before = await scans(db.url, 'snapshot_segments');
    for (let settled = 0; settled < 3;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await scans(db.url, 'snapshot_segments');
      settled = again.seq === before.seq && again.idx === before.idx ? settled + 1 : 0;
      before = again;
    }
    const reader = new PostgresStorage(db.url);
    const sample = Array.from({ length: 20 }, (_, n) => (n * 37) % FILES);
    try {
      // More calls than the 5 custom plans a statement gets before the plan cache may switch to a generic one.
      for (const i of sample) {
        const from = await reader.reader.edgesFrom(newer, [idOf(i, 'main')]);
        assert.deepEqual(
          from.map((e) => e.symbol.id),
          [idOf(i, 'helper'), idOf((i + 1) % FILES, 'helper')],
        );
        const to = await reader.reader.edgesTo(newer, [idOf(i, 'helper')]);
        assert.deepEqual(
          to.map((e) => e.edge.callerId).sort(),
          [idOf(i, 'main'), idOf((i + FILES - 1) % FILES, 'main')].sort(),
        );
        const byId = await reader.reader.symbolsById(newer, [idOf(i, 'helper')]);
        assert.equal(byId.get(idOf(i, 'helper'))?.endLine, i === 7 ? 12 : 7);
        assert.deepEqual(await reader.reader.testsReaching(newer, [idOf(i, 'helper')]), []);
        const counts = await reader.reader.callerCounts(newer, [idOf(i, 'helper')]);
        assert.equal(counts.get(idOf(i, 'helper')), 2);
      }
    } finally {
      await reader.close();
    }
    // Every call above probes at least one link per row it finds.
    const afterReads = await scans(db.url, 'snapshot_segments', before.idx + sample.length * 5);
    assert.ok(
      afterReads.idx >= before.idx + sample.length * 5,
      `link probes by key: ${afterReads.idx - before.idx}`,
    );
    assert.equal(afterReads.seq - before.seq, 0, 'sequential scans of snapshot_segments during point reads');
  });
});
