/**
 * Segments in the SQLite adapter: a snapshot's symbols, search keys, edges and tested-by rows live in per-file
 * segments named by their digest (segments.ts), stored once and linked to every snapshot that has them
 * (snapshot_segments). Publishing writes the segments not stored yet and the snapshot's links; deleting snapshots
 * drops the segments no snapshot links any more. Files rows, stats, counts and the unresolved-name totals stay per
 * snapshot: they are small, and the totals are sums over the whole snapshot.
 */
import type Database from 'better-sqlite3';
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
} from './row-mappers.js';
import { convertedSnapshotRows, eachSegment, segmentFileValues } from './segments.js';
import type { DerivedRows, SnapshotRows } from './storage.js';

type Db = Database.Database;
type Row = Record<string, unknown>;

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** What a publish stored: segments new to the database and segments it found stored already. */
export interface SegmentWrite {
  written: number;
  reused: number;
}

/**
 * Writes a snapshot's segments that are not stored yet and links every segment to the snapshot, then its
 * per-snapshot query rows. Call inside the publishing transaction.
 */
export function writeSnapshotSegments(db: Db, snapshotId: number, rows: SnapshotRows): SegmentWrite {
  const findSegment = db.prepare('SELECT id FROM segments WHERE digest = ?');
  const insSegment = db.prepare(
    `INSERT INTO segments (digest, ${FILE_COLUMNS}) VALUES (${placeholders(11)})`,
  );
  const insSymbol = db.prepare(
    `INSERT INTO symbols (segment_id, ${SYMBOL_COLUMNS}) VALUES (${placeholders(18)})`,
  );
  const insSearch = db.prepare(
    'INSERT INTO symbol_search (rowid, segment_id, name_lower, humps, kind, is_test, callers) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insEdge = db.prepare(`INSERT INTO edges (segment_id, ${EDGE_COLUMNS}) VALUES (${placeholders(9)})`);
  const insReach = db.prepare(
    'INSERT INTO test_reach (segment_id, symbol_id, test_id, depth, confidence) VALUES (?, ?, ?, ?, ?)',
  );
  const insLink = db.prepare(
    'INSERT INTO snapshot_segments (snapshot_id, segment_id, symbol_order, edge_order) VALUES (?, ?, ?, ?)',
  );
  const insName = db.prepare('INSERT OR IGNORE INTO search_names (name_lower) VALUES (?)');
  const lastName = Number((db.prepare('SELECT MAX(id) AS m FROM search_names').get() as Row).m ?? 0);
  let written = 0;
  let reused = 0;
  // One segment at a time: its digest is computed, its rows written, and it is let go before the next.
  for (const seg of eachSegment(rows)) {
    const found = findSegment.get(seg.digest) as Row | undefined;
    let segmentId: number;
    if (found) {
      segmentId = Number(found.id);
      reused++;
    } else {
      segmentId = Number(insSegment.run(seg.digest, ...segmentFileValues(seg)).lastInsertRowid);
      seg.symbols.forEach((s, i) => {
        const rowid = Number(
          insSymbol.run(segmentId, ...symbolValues(s, (b) => (b ? 1 : 0))).lastInsertRowid,
        );
        const k = seg.keys[i];
        if (!k) return;
        insSearch.run(rowid, segmentId, k.nameLower, k.humps, s.kind, k.isTest ? 1 : 0, k.callers);
        insName.run(k.nameLower);
      });
      for (const e of seg.edges) insEdge.run(segmentId, ...edgeValues(e));
      for (const t of seg.testReach) insReach.run(segmentId, t.symbolId, t.testId, t.depth, t.confidence);
      written++;
    }
    insLink.run(snapshotId, segmentId, seg.symbolOrder, seg.edgeOrder);
  }
  // Names new to the data dir join the shared substring index (ids above the old maximum are this call's).
  db.prepare(
    'INSERT INTO search_names_fts (rowid, name_lower) SELECT id, name_lower FROM search_names WHERE id > ?',
  ).run(lastName);
  writeUnresolvedTotals(db, snapshotId, rows.derived);
  return { written, reused };
}

/** The per-snapshot unresolved-call totals (by name, and in all). */
export function writeUnresolvedTotals(db: Db, snapshotId: number, derived: DerivedRows): void {
  db.prepare('DELETE FROM unresolved_names WHERE snapshot_id = ?').run(snapshotId);
  db.prepare('DELETE FROM query_index WHERE snapshot_id = ?').run(snapshotId);
  const insName = db.prepare('INSERT INTO unresolved_names (snapshot_id, name, call_sites) VALUES (?, ?, ?)');
  for (const { name, callSites } of derived.unresolvedNames) insName.run(snapshotId, name, callSites);
  db.prepare('INSERT INTO query_index (snapshot_id, unresolved_call_sites) VALUES (?, ?)').run(
    snapshotId,
    derived.unresolvedCallSites,
  );
}

/** Deletes the segments no snapshot links (with their rows); returns how many went. Call inside a transaction. */
export function deleteUnlinkedSegments(db: Db): number {
  const ids = (
    db
      .prepare(
        'SELECT id FROM segments g WHERE NOT EXISTS (SELECT 1 FROM snapshot_segments k WHERE k.segment_id = g.id)',
      )
      .all() as Row[]
  ).map((r) => Number(r.id));
  const delSearch = db.prepare(
    'DELETE FROM symbol_search WHERE rowid IN (SELECT rowid FROM symbols WHERE segment_id = ?)',
  );
  const dels = ['symbols', 'edges', 'test_reach'].map((t) =>
    db.prepare(`DELETE FROM ${t} WHERE segment_id = ?`),
  );
  const delSegment = db.prepare('DELETE FROM segments WHERE id = ?');
  for (const id of ids) {
    delSearch.run(id);
    for (const d of dels) d.run(id);
    delSegment.run(id);
  }
  return ids.length;
}

/** Rows stored in segments, over the whole database (what sharing saves shows here). */
export function segmentRowCounts(db: Db): {
  segments: number;
  symbols: number;
  edges: number;
  testReach: number;
} {
  const count = (table: string): number =>
    Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as Row).n);
  return {
    segments: count('segments'),
    symbols: count('symbols'),
    edges: count('edges'),
    testReach: count('test_reach'),
  };
}

/**
 * Migration step: moves the rows of every ready snapshot from the per-snapshot tables (renamed `*_v5` by the
 * migration's SQL) into segments, re-deriving the search keys from the stored symbols and edges as a publish would,
 * then drops the old tables. Snapshots that are not ready have no rows to move.
 */
export function convertSnapshotsToSegments(db: Db): void {
  const snapshots = (
    db.prepare(`SELECT id FROM snapshots WHERE status = 'ready' ORDER BY id`).all() as Row[]
  ).map((r) => Number(r.id));
  for (const snapshotId of snapshots) {
    const files = (
      db.prepare('SELECT * FROM files_v5 WHERE snapshot_id = ? ORDER BY path').all(snapshotId) as Row[]
    ).map(toFile);
    const symbols = (
      db.prepare('SELECT * FROM symbols_v5 WHERE snapshot_id = ? ORDER BY rowid').all(snapshotId) as Row[]
    ).map(toSymbolRecord);
    const edges = (
      db.prepare('SELECT * FROM edges_v5 WHERE snapshot_id = ? ORDER BY rowid').all(snapshotId) as Row[]
    ).map(toEdge);
    const testReach = (
      db.prepare('SELECT * FROM test_reach_v5 WHERE snapshot_id = ? ORDER BY rowid').all(snapshotId) as Row[]
    ).map(toTestReach);
    writeSnapshotSegments(db, snapshotId, convertedSnapshotRows({ files, symbols, edges, testReach }));
  }
  db.exec(
    'DROP TABLE files_v5; DROP TABLE symbols_v5; DROP TABLE edges_v5; DROP TABLE test_reach_v5; DROP TABLE symbol_search_v5;',
  );
}
