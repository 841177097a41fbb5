/**
 * Segments in the PostgreSQL adapter (the same design as sqlite-segments.ts): a snapshot's symbols (with their search
 * keys), edges and tested-by rows live in per-file segments named by their digest (segments.ts), stored once and
 * linked to every snapshot that has them. Files rows, stats, counts and unresolved-name totals stay per snapshot.
 *
 * Concurrency: a publish claims new digests with INSERT … ON CONFLICT DO NOTHING (a second publisher of the same
 * digest waits for the first to commit) and share-locks the segments it reuses; removal locks the candidate segments
 * for update before it looks for links, so a segment is never dropped under a publish that is linking it.
 */
import type pg from 'pg';
import { copyRows } from './postgres-copy.js';
import {
  EDGE_COLUMNS,
  edgeValues,
  FILE_COLUMNS,
  SYMBOL_COLUMNS,
  symbolValues,
  toEdge,
  toFile,
  toSymbolRecord,
  toTestReach,
  type Row,
} from './row-mappers.js';
import { convertedSnapshotRows, partitionSnapshot, segmentFileValues, type Segment } from './segments.js';
import type { SnapshotRows, StoredRowCounts } from './storage.js';

/**
 * Writes the snapshot's segments that are not stored yet and links every segment to the snapshot. Call inside the
 * publishing transaction.
 */
export async function writeSnapshotSegments(
  client: pg.PoolClient,
  snapshotId: number,
  rows: SnapshotRows,
): Promise<{ written: number; reused: number }> {
  const segments = partitionSnapshot(rows);
  const idOf = new Map<string, number>();
  const fresh: Segment[] = [];
  let pending = segments;
  // A segment found and then removed by a concurrent gc before the share lock is claimed again (rare; bounded).
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 3) throw new Error('segments kept disappearing while the snapshot was being published');
    const claimed = (
      await client.query(
        `INSERT INTO segments (digest, ${FILE_COLUMNS})
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
           $8::int[], $9::text[], $10::text[], $11::text[])
         ON CONFLICT (digest) DO NOTHING RETURNING id, digest`,
        [
          pending.map((s) => s.digest),
          ...FILE_COLUMNS.split(', ').map((_, c) => pending.map((s) => segmentFileValues(s)[c])),
        ],
      )
    ).rows as Row[];
    for (const r of claimed) idOf.set(String(r.digest), Number(r.id));
    for (const s of pending) if (idOf.has(s.digest)) fresh.push(s);
    const rest = pending.filter((s) => !idOf.has(s.digest)).map((s) => s.digest);
    if (rest.length > 0) {
      const found = (
        await client.query(
          'SELECT id, digest FROM segments WHERE digest = ANY($1::text[]) ORDER BY id FOR SHARE',
          [rest],
        )
      ).rows as Row[];
      for (const r of found) idOf.set(String(r.digest), Number(r.id));
    }
    pending = pending.filter((s) => !idOf.has(s.digest));
  }
  const segmentId = (s: Segment): string => String(idOf.get(s.digest));
  const symbolRows = fresh.flatMap((s) => s.symbols.map((sym, i) => ({ seg: s, sym, i })));
  await copyRows(
    client,
    `symbols (segment_id, seq, ${SYMBOL_COLUMNS}, name_lower, humps, is_test, callers)`,
    symbolRows,
    ({ seg, sym, i }) => {
      const k = seg.keys[i];
      return [
        segmentId(seg),
        i,
        ...symbolValues(sym, (b) => b),
        k?.nameLower ?? sym.name.toLowerCase(),
        k?.humps ?? '',
        k?.isTest ?? false,
        k?.callers ?? 0,
      ];
    },
  );
  await copyRows(
    client,
    `edges (segment_id, seq, ${EDGE_COLUMNS})`,
    fresh.flatMap((s) => s.edges.map((e, i) => ({ s, e, i }))),
    ({ s, e, i }) => [segmentId(s), i, ...edgeValues(e)],
  );
  await copyRows(
    client,
    'test_reach (segment_id, symbol_id, test_id, depth, confidence)',
    fresh.flatMap((s) => s.testReach.map((t) => ({ s, t }))),
    ({ s, t }) => [segmentId(s), t.symbolId, t.testId, t.depth, t.confidence],
  );
  await copyRows(
    client,
    'snapshot_segments (snapshot_id, segment_id, symbol_order, edge_order)',
    segments,
    (s) => [snapshotId, segmentId(s), s.symbolOrder, s.edgeOrder],
  );
  return { written: fresh.length, reused: segments.length - fresh.length };
}

/**
 * Unlinks the snapshots' segments and drops those no other snapshot links, with their rows. Call inside the
 * transaction that deletes the snapshots.
 */
export async function unlinkSegments(client: pg.PoolClient, snapshotIds: number[]): Promise<number> {
  const candidates = (
    (
      await client.query(
        'DELETE FROM snapshot_segments WHERE snapshot_id = ANY($1::bigint[]) RETURNING segment_id',
        [snapshotIds],
      )
    ).rows as Row[]
  ).map((r) => Number(r.segment_id));
  if (candidates.length === 0) return 0;
  const unique = [...new Set(candidates)].sort((a, b) => a - b);
  await client.query('SELECT id FROM segments WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [unique]);
  const gone = (
    (
      await client.query(
        `SELECT g.id FROM segments g WHERE g.id = ANY($1::bigint[])
           AND NOT EXISTS (SELECT 1 FROM snapshot_segments k WHERE k.segment_id = g.id)`,
        [unique],
      )
    ).rows as Row[]
  ).map((r) => Number(r.id));
  if (gone.length === 0) return 0;
  for (const table of ['symbols', 'edges', 'test_reach']) {
    await client.query(`DELETE FROM ${table} WHERE segment_id = ANY($1::bigint[])`, [gone]);
  }
  await client.query('DELETE FROM segments WHERE id = ANY($1::bigint[])', [gone]);
  return gone.length;
}

/** Rows stored in segments over the whole database. */
export async function storedRowCounts(query: (sql: string) => Promise<Row[]>): Promise<StoredRowCounts> {
  const [r] = await query(
    `SELECT (SELECT COUNT(*) FROM segments)::int AS segments, (SELECT COUNT(*) FROM symbols)::int AS symbols,
       (SELECT COUNT(*) FROM edges)::int AS edges, (SELECT COUNT(*) FROM test_reach)::int AS test_reach`,
  );
  return {
    segments: Number(r?.segments ?? 0),
    symbols: Number(r?.symbols ?? 0),
    edges: Number(r?.edges ?? 0),
    testReach: Number(r?.test_reach ?? 0),
  };
}

/**
 * Migration step: moves every ready snapshot's rows from the per-snapshot tables (renamed `*_v2` by the migration's
 * SQL) into segments, re-deriving the search keys from the stored symbols and edges as a publish would, then drops
 * the old tables. Its per-snapshot rows (files, unresolved names, meta) stay as they are.
 */
export async function convertSnapshotsToSegments(client: pg.PoolClient): Promise<void> {
  const snapshots = (
    (await client.query(`SELECT id FROM snapshots WHERE status = 'ready' ORDER BY id`)).rows as Row[]
  ).map((r) => Number(r.id));
  for (const snapshotId of snapshots) {
    const read = async (sql: string): Promise<Row[]> => (await client.query(sql, [snapshotId])).rows as Row[];
    const files = (await read('SELECT * FROM files_v2 WHERE snapshot_id = $1 ORDER BY path')).map(toFile);
    const symbols = (await read('SELECT * FROM symbols_v2 WHERE snapshot_id = $1 ORDER BY seq')).map(
      toSymbolRecord,
    );
    const edges = (await read('SELECT * FROM edges_v2 WHERE snapshot_id = $1 ORDER BY seq')).map(toEdge);
    const testReach = (
      await read(
        'SELECT * FROM test_reach_v2 WHERE snapshot_id = $1 ORDER BY symbol_id, depth, confidence DESC, test_id',
      )
    ).map(toTestReach);
    await writeSnapshotSegments(
      client,
      snapshotId,
      convertedSnapshotRows({ files, symbols, edges, testReach }),
    );
  }
  await client.query('DROP TABLE files_v2, symbols_v2, edges_v2, test_reach_v2');
}
