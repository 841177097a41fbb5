/**
 * Read side of the SQLite adapter for the query service: the indexed queries over one snapshot, whose rows live in
 * the per-file segments it links (sqlite-segments.ts), beside its per-snapshot files and unresolved-call totals.
 * SqliteStorage delegates its query methods here so the write path stays in one file.
 */
import type Database from 'better-sqlite3';
import type { Edge, TestReach } from '../core/graph.js';
import { toEdge, toSymbolRecord, toTestReach } from './row-mappers.js';
import type { EdgeWithSymbol, ExportedEdge, RankedSymbol, SymbolRow, SymbolSearch } from './storage.js';

type Row = Record<string, unknown>;
type Db = Database.Database;

const CHUNK = 500;
/** Sorts after every valid UTF-8 string under SQLite's BINARY collation: the end of a prefix range. */
const RANGE_END = '\u{10FFFF}';

const SYM = `s.id, s.path, s.local_id, s.name, s.qualified_name, s.kind, s.start_line, s.end_line, s.signature,
  s.return_type, s.exported, s.doc, s.parent, s.extends_json, s.implements_json, s.value_type_json, s.is_static,
  g.blob_sha256 AS file_blob`;
/** The file's blob of a symbol row `s`: its segment's. */
const FILE_JOIN = 'JOIN segments g ON g.id = s.segment_id';
/**
 * Keeps rows of `alias` (symbols, edges, test_reach, symbol_search) that belong to the snapshot `@snap`: rows live in
 * per-file segments shared by snapshots (sqlite-segments.ts), so a lookup by id or name finds every stored version
 * and keeps the one this snapshot links. CROSS JOIN keeps the indexed lookup on `alias` first.
 */
const inSnapshot = (alias: string, link = `k_${alias}`): string =>
  `CROSS JOIN snapshot_segments ${link} ON ${link}.snapshot_id = @snap AND ${link}.segment_id = ${alias}.segment_id`;
const SEGMENT_IN_SNAPSHOT =
  'CROSS JOIN snapshot_segments k_g ON k_g.snapshot_id = @snap AND k_g.segment_id = g.id';
const SNAPSHOT_FILES =
  'snapshot_segments k CROSS JOIN segments g ON g.id = k.segment_id WHERE k.snapshot_id = @snap AND g.git_oid IS NOT NULL';
const EDGE = `e.caller_id AS e_caller, e.callee_id AS e_callee, e.callee_text AS e_text, e.kind AS e_kind,
  e.reason AS e_reason, e.confidence AS e_conf, e.lines_json AS e_lines, e.candidates AS e_cand`;
/**
 * Ranking inside one tier: non-test first, more callers, shorter name, then name; ties in the snapshot's symbol order
 * (the segment's place in it, then the row's place in the segment).
 */
const RANK_ORDER =
  'ORDER BY ss.is_test, ss.callers DESC, length(ss.name_lower), ss.name_lower, k.symbol_order, ss.rowid';
const SEARCH_FROM = `symbol_search ss ${inSnapshot('ss', 'k')}`;

/** Ranks on the narrow symbol_search rows first and joins the wide symbol rows only for the page returned. */
function rankedPage(from: string, where: string): string {
  return `WITH hits AS (
      SELECT ss.rowid AS rid, ss.callers AS rank_callers, ss.is_test AS rank_test, ss.name_lower AS nl,
        k.symbol_order AS ord
      FROM ${from} WHERE ${where} ${RANK_ORDER} LIMIT ?)
    SELECT hits.rank_callers, hits.rank_test, ${SYM} FROM hits JOIN symbols s ON s.rowid = hits.rid ${FILE_JOIN}
    ORDER BY hits.rank_test, hits.rank_callers DESC, length(hits.nl), hits.nl, hits.ord, hits.rid`;
}

/**
 * SQL texts, exported for EXPLAIN QUERY PLAN checks in tests. Each binds the snapshot id as `@snap` (pass
 * `{ snap }` first) and the rest positionally.
 */
export const QUERY_SQL = {
  symbolById: `SELECT ${SYM} FROM symbols s ${inSnapshot('s')} ${FILE_JOIN} WHERE s.id = ?`,
  symbolsById: (n: number) =>
    `SELECT ${SYM} FROM symbols s ${inSnapshot('s')} ${FILE_JOIN} WHERE s.id IN (${placeholders(n)})`,
  byQualifiedName: `SELECT ${SYM} FROM symbols s ${inSnapshot('s')} ${FILE_JOIN} WHERE s.qualified_name = ? ORDER BY s.path, s.start_line LIMIT ?`,
  byName: `SELECT ${SYM} FROM symbols s ${inSnapshot('s')} ${FILE_JOIN} WHERE s.name = ? ORDER BY s.path, s.start_line LIMIT ?`,
  // A file's symbols: the file's segments (one per stored version), the one this snapshot links, its rows.
  atLine: `SELECT ${SYM} FROM segments g ${SEGMENT_IN_SNAPSHOT} CROSS JOIN symbols s ON s.segment_id = g.id
    WHERE g.path = ? AND s.start_line <= ? AND s.end_line >= ?
    ORDER BY s.end_line - s.start_line, s.start_line DESC, s.kind = 'module'`,
  ofFile: `SELECT ${SYM} FROM segments g ${SEGMENT_IN_SNAPSHOT} CROSS JOIN symbols s ON s.segment_id = g.id
    WHERE g.path = ? ORDER BY s.start_line, s.end_line DESC, s.id`,
  // `+e.callee_id`: without it SQLite walks edges_by_callee (every resolved edge) instead of the caller's few rows
  // through edges_by_caller.
  edgesFrom: (
    n: number,
  ) => `SELECT e.rowid AS e_seq, k_e.edge_order AS e_order, ${EDGE}, ${SYM} FROM edges e ${inSnapshot('e')}
    CROSS JOIN symbols s ON s.id = e.callee_id ${inSnapshot('s')} ${FILE_JOIN}
    WHERE e.caller_id IN (${placeholders(n)}) AND +e.callee_id IS NOT NULL`,
  edgesTo: (
    n: number,
  ) => `SELECT e.rowid AS e_seq, k_e.edge_order AS e_order, ${EDGE}, ${SYM} FROM edges e ${inSnapshot('e')}
    CROSS JOIN symbols s ON s.id = e.caller_id ${inSnapshot('s')} ${FILE_JOIN}
    WHERE e.callee_id IN (${placeholders(n)})`,
  unresolvedFrom: (n: number) =>
    `SELECT e.rowid AS e_seq, k_e.edge_order AS e_order, e.* FROM edges e ${inSnapshot('e')}
    WHERE e.caller_id IN (${placeholders(n)}) AND +e.callee_id IS NULL`,
  mayCall: (n: number) =>
    `SELECT name, call_sites FROM unresolved_names WHERE snapshot_id = @snap AND name IN (${placeholders(n)})`,
  unresolvedTotal: 'SELECT unresolved_call_sites FROM query_index WHERE snapshot_id = @snap',
  mostCalled: `SELECT ss.callers AS rank_callers, ss.is_test AS rank_test, ${SYM}
    FROM ${SEARCH_FROM} JOIN symbols s ON s.rowid = ss.rowid ${FILE_JOIN}
    WHERE ss.callers > 0 ORDER BY ss.callers DESC, k.symbol_order DESC, ss.rowid DESC LIMIT ?`,
  // A symbol's tested-by rows are in its own segment.
  untested: `SELECT ss.callers AS rank_callers, ss.is_test AS rank_test, ${SYM}
    FROM ${SEARCH_FROM} JOIN symbols s ON s.rowid = ss.rowid ${FILE_JOIN}
    WHERE ss.callers > 0 AND ss.is_test = 0 AND ss.kind NOT IN ('module', 'test')
      AND NOT EXISTS (SELECT 1 FROM test_reach t WHERE t.symbol_id = s.id AND t.segment_id = ss.segment_id)
    ORDER BY ss.callers DESC, k.symbol_order DESC, ss.rowid DESC LIMIT ?`,
  searchExact: rankedPage(SEARCH_FROM, 'ss.name_lower = ? AND (? IS NULL OR ss.kind = ?)'),
  searchPrefix: rankedPage(
    SEARCH_FROM,
    'ss.name_lower > ? AND ss.name_lower < ? AND (? IS NULL OR ss.kind = ?)',
  ),
  // Tiers run exact, prefix, humps, substring: each leaves out what a tier before it listed, so its LIMIT is spent on
  // new names. Prefix matches (exact ones included) were listed before the humps tier.
  searchHumps: rankedPage(
    SEARCH_FROM,
    `ss.humps >= ? AND ss.humps < ? AND (? IS NULL OR ss.kind = ?) AND substr(ss.name_lower, 1, ?) != ?`,
  ),
  // Trigram FTS finds the names that contain the substring (over all stored names, once each); prefix and humps
  // matches were listed before (a humps key is letters and digits, so it never matches another query).
  searchSubstring: rankedPage(
    `search_names_fts n CROSS JOIN search_names sn ON sn.id = n.rowid CROSS JOIN symbol_search ss ON ss.name_lower = sn.name_lower ${inSnapshot('ss', 'k')}`,
    `search_names_fts MATCH ? AND substr(ss.name_lower, 1, ?) != ? AND substr(ss.humps, 1, ?) != ?
      AND (? IS NULL OR ss.kind = ?)`,
  ),
  testsReaching: (n: number) => `SELECT t.symbol_id, t.test_id, t.depth, t.confidence, ${SYM}
    FROM test_reach t ${inSnapshot('t')} CROSS JOIN symbols s ON s.id = t.test_id ${inSnapshot('s')} ${FILE_JOIN}
    WHERE t.symbol_id IN (${placeholders(n)})`,
  callerCounts: (
    n: number,
  ) => `SELECT e.callee_id, COUNT(DISTINCT e.caller_id) AS n FROM edges e ${inSnapshot('e')}
    WHERE e.callee_id IN (${placeholders(n)}) GROUP BY e.callee_id`,
  // CROSS JOIN keeps the trigram match first (else SQLite walks every symbol of the snapshot).
  similarByTrigram: `SELECT DISTINCT s.name FROM search_names_fts n CROSS JOIN search_names sn ON sn.id = n.rowid
    CROSS JOIN symbol_search ss ON ss.name_lower = sn.name_lower ${inSnapshot('ss', 'k')} JOIN symbols s ON s.rowid = ss.rowid
    WHERE search_names_fts MATCH ? LIMIT ?`,
  similarByPrefix: `SELECT DISTINCT s.name FROM ${SEARCH_FROM} JOIN symbols s ON s.rowid = ss.rowid
    WHERE ss.name_lower >= ? AND ss.name_lower < ? LIMIT ?`,
  // Files rows are the segments' (git_oid is null for a path the file list does not have).
  similarPaths: `SELECT g.path FROM ${SNAPSHOT_FILES} AND (g.path = ? OR substr(g.path, ?) = ?) ORDER BY g.path LIMIT ?`,
  pathsUnder: `SELECT g.path FROM segments g ${SEGMENT_IN_SNAPSHOT}
    WHERE g.path > ? AND g.path < ? AND g.git_oid IS NOT NULL ORDER BY g.path LIMIT ?`,
  somePaths: `SELECT g.path FROM ${SNAPSHOT_FILES} ORDER BY g.path LIMIT ?`,
  languages: `SELECT g.language, COUNT(*) AS n FROM ${SNAPSHOT_FILES} AND g.language IS NOT NULL GROUP BY g.language`,
  allSymbols: `SELECT ${SYM} FROM snapshot_segments k CROSS JOIN symbols s ON s.segment_id = k.segment_id ${FILE_JOIN}
    WHERE k.snapshot_id = @snap ORDER BY s.path, s.start_line, s.id`,
  // An edge's caller is a symbol of the edge's own segment; its callee may be in any segment of the snapshot.
  allEdges: `SELECT e.*, cs.path AS caller_path, cs.start_line AS caller_line, ce.path AS callee_path, ce.start_line AS callee_line
    FROM snapshot_segments k CROSS JOIN edges e ON e.segment_id = k.segment_id
    LEFT JOIN symbols cs ON cs.id = e.caller_id AND cs.segment_id = e.segment_id
    LEFT JOIN (symbols ce JOIN snapshot_segments kc ON kc.snapshot_id = @snap AND kc.segment_id = ce.segment_id)
      ON ce.id = e.callee_id
    WHERE k.snapshot_id = @snap ORDER BY k.edge_order, e.rowid`,
} as const;

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** The statement for `sql`, prepared once per connection (preparing costs more than running the reads). */
export function stmt(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}

/** A symbol row (with `file_blob`) as a SymbolRow. */
export function readSymbolRow(r: Row): SymbolRow {
  return { ...toSymbolRecord(r), blobSha256: (r.file_blob as string | null) ?? null };
}

/** An edge selected with the `e_` aliases of EDGE. */
export function edgeFromAliased(r: Row): Edge {
  return toEdge({
    caller_id: r.e_caller,
    callee_id: r.e_callee,
    callee_text: r.e_text,
    kind: r.e_kind,
    reason: r.e_reason,
    confidence: r.e_conf,
    lines_json: r.e_lines,
    candidates: r.e_cand,
  });
}

function ranked(r: Row): RankedSymbol {
  return { symbol: readSymbolRow(r), callers: Number(r.rank_callers), isTest: Number(r.rank_test) === 1 };
}

/** The read queries, bound to one database. */
export class SqliteQueries {
  constructor(private readonly db: Db) {}

  getSymbol(snapshotId: number, id: string): SymbolRow | null {
    const r = stmt(this.db, QUERY_SQL.symbolById).get({ snap: snapshotId }, id) as Row | undefined;
    return r ? readSymbolRow(r) : null;
  }

  symbolsById(snapshotId: number, ids: readonly string[]): Map<string, SymbolRow> {
    const out = new Map<string, SymbolRow>();
    for (const r of this.chunked(QUERY_SQL.symbolsById, snapshotId, ids)) {
      const row = readSymbolRow(r);
      out.set(row.id, row);
    }
    return out;
  }

  findSymbolsByQualifiedName(snapshotId: number, qualifiedName: string, limit = 50): SymbolRow[] {
    return (
      stmt(this.db, QUERY_SQL.byQualifiedName).all({ snap: snapshotId }, qualifiedName, limit) as Row[]
    ).map(readSymbolRow);
  }

  findSymbolsByName(snapshotId: number, name: string, limit = 50): SymbolRow[] {
    return (stmt(this.db, QUERY_SQL.byName).all({ snap: snapshotId }, name, limit) as Row[]).map(
      readSymbolRow,
    );
  }

  findSymbolsAtLine(snapshotId: number, path: string, line: number): SymbolRow[] {
    return (stmt(this.db, QUERY_SQL.atLine).all({ snap: snapshotId }, path, line, line) as Row[]).map(
      readSymbolRow,
    );
  }

  symbolsOfFile(snapshotId: number, path: string): SymbolRow[] {
    return (stmt(this.db, QUERY_SQL.ofFile).all({ snap: snapshotId }, path) as Row[]).map(readSymbolRow);
  }

  /** Rows of a set query run in chunks of ids, in edge (insertion) order when the rows carry `e_seq`. */
  private chunked(sql: (n: number) => string, snapshotId: number, ids: readonly string[]): Row[] {
    const unique = [...new Set(ids)];
    const out: Row[] = [];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const part = unique.slice(i, i + CHUNK);
      for (const r of stmt(this.db, sql(part.length)).all({ snap: snapshotId }, ...part) as Row[])
        out.push(r);
    }
    // Edge order: the segment's place in the snapshot's edge list, then the row's place in its segment.
    if (out.length > 0 && out[0]?.e_seq !== undefined)
      out.sort((a, b) => Number(a.e_order) - Number(b.e_order) || Number(a.e_seq) - Number(b.e_seq));
    return out;
  }

  edgesFrom(snapshotId: number, callerIds: readonly string[]): EdgeWithSymbol[] {
    return this.chunked(QUERY_SQL.edgesFrom, snapshotId, callerIds).map((r) => ({
      edge: edgeFromAliased(r),
      symbol: readSymbolRow(r),
    }));
  }

  edgesTo(snapshotId: number, calleeIds: readonly string[]): EdgeWithSymbol[] {
    return this.chunked(QUERY_SQL.edgesTo, snapshotId, calleeIds).map((r) => ({
      edge: edgeFromAliased(r),
      symbol: readSymbolRow(r),
    }));
  }

  unresolvedEdgesFrom(snapshotId: number, callerIds: readonly string[]): Edge[] {
    return this.chunked(QUERY_SQL.unresolvedFrom, snapshotId, callerIds).map(toEdge);
  }

  unresolvedMayCall(snapshotId: number, names: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.chunked(QUERY_SQL.mayCall, snapshotId, names))
      out.set(String(r.name), Number(r.call_sites));
    return out;
  }

  countUnresolved(snapshotId: number): number {
    const r = stmt(this.db, QUERY_SQL.unresolvedTotal).get({ snap: snapshotId }) as Row | undefined;
    return r ? Number(r.unresolved_call_sites) : 0;
  }

  testsReaching(
    snapshotId: number,
    symbolIds: readonly string[],
  ): Array<{ reach: TestReach; test: SymbolRow }> {
    const out: Array<{ reach: TestReach; test: SymbolRow }> = [];
    for (let i = 0; i < symbolIds.length; i += CHUNK) {
      const part = symbolIds.slice(i, i + CHUNK);
      for (const r of stmt(this.db, QUERY_SQL.testsReaching(part.length)).all(
        { snap: snapshotId },
        ...part,
      ) as Row[]) {
        out.push({ reach: toTestReach(r), test: readSymbolRow(r) });
      }
    }
    return out;
  }

  callerCounts(snapshotId: number, symbolIds: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (let i = 0; i < symbolIds.length; i += CHUNK) {
      const part = symbolIds.slice(i, i + CHUNK);
      for (const r of stmt(this.db, QUERY_SQL.callerCounts(part.length)).all(
        { snap: snapshotId },
        ...part,
      ) as Row[]) {
        out.set(String(r.callee_id), Number(r.n));
      }
    }
    return out;
  }

  mostCalled(snapshotId: number, limit: number): RankedSymbol[] {
    return (stmt(this.db, QUERY_SQL.mostCalled).all({ snap: snapshotId }, limit) as Row[]).map(ranked);
  }

  untestedHotspots(snapshotId: number, limit: number): RankedSymbol[] {
    return (stmt(this.db, QUERY_SQL.untested).all({ snap: snapshotId }, limit) as Row[]).map(ranked);
  }

  searchSymbols(snapshotId: number, search: SymbolSearch): RankedSymbol[] {
    const q = search.q.toLowerCase();
    const kind = search.kind ?? null;
    let rows: Row[];
    switch (search.mode) {
      case 'exact':
        rows = stmt(this.db, QUERY_SQL.searchExact).all(
          { snap: snapshotId },
          q,
          kind,
          kind,
          search.limit,
        ) as Row[];
        break;
      case 'prefix':
        rows = stmt(this.db, QUERY_SQL.searchPrefix).all(
          { snap: snapshotId },
          q,
          q + RANGE_END,
          kind,
          kind,
          search.limit,
        ) as Row[];
        break;
      case 'substring':
        if ([...q].length < 3) return [];
        rows = stmt(this.db, QUERY_SQL.searchSubstring).all(
          { snap: snapshotId },
          ftsPhrase(q),
          q.length,
          q,
          q.length,
          q,
          kind,
          kind,
          search.limit,
        ) as Row[];
        break;
      case 'humps':
        rows = stmt(this.db, QUERY_SQL.searchHumps).all(
          { snap: snapshotId },
          q,
          q + RANGE_END,
          kind,
          kind,
          q.length,
          q,
          search.limit,
        ) as Row[];
        break;
    }
    return rows.map(ranked);
  }

  similarNames(snapshotId: number, name: string, limit: number): string[] {
    const lower = name.toLowerCase();
    const out = new Set<string>();
    const grams = new Set<string>();
    const chars = [...lower];
    for (let i = 0; i + 3 <= chars.length && grams.size < 16; i++) grams.add(chars.slice(i, i + 3).join(''));
    if (grams.size > 0) {
      const match = [...grams].map(ftsPhrase).join(' OR ');
      for (const r of stmt(this.db, QUERY_SQL.similarByTrigram).all(
        { snap: snapshotId },
        match,
        limit,
      ) as Row[])
        out.add(String(r.name));
    }
    const head = chars.slice(0, 2).join('');
    if (head !== '') {
      for (const r of stmt(this.db, QUERY_SQL.similarByPrefix).all(
        { snap: snapshotId },
        head,
        head + RANGE_END,
        limit,
      ) as Row[]) {
        out.add(String(r.name));
      }
    }
    return [...out];
  }

  similarPaths(snapshotId: number, path: string, limit: number): string[] {
    const out = new Set<string>();
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base !== '') {
      const tail = `/${base}`;
      for (const r of stmt(this.db, QUERY_SQL.similarPaths).all(
        { snap: snapshotId },
        base,
        -tail.length,
        tail,
        limit,
      ) as Row[]) {
        out.add(String(r.path));
      }
    }
    // Files in the nearest directory that exists.
    const parts = path.split('/').slice(0, -1);
    while (parts.length > 0) {
      const dir = `${parts.join('/')}/`;
      const rows = stmt(this.db, QUERY_SQL.pathsUnder).all(
        { snap: snapshotId },
        dir,
        dir + RANGE_END,
        limit,
      ) as Row[];
      if (rows.length > 0) {
        for (const r of rows) out.add(String(r.path));
        break;
      }
      parts.pop();
    }
    if (out.size === 0) {
      for (const r of stmt(this.db, QUERY_SQL.somePaths).all({ snap: snapshotId }, limit) as Row[])
        out.add(String(r.path));
    }
    return [...out];
  }

  languageCounts(snapshotId: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of stmt(this.db, QUERY_SQL.languages).all({ snap: snapshotId }) as Row[])
      out[String(r.language)] = Number(r.n);
    return out;
  }

  *iterateSymbols(snapshotId: number): IterableIterator<SymbolRow> {
    for (const r of this.db
      .prepare(QUERY_SQL.allSymbols)
      .iterate({ snap: snapshotId }) as IterableIterator<Row>)
      yield readSymbolRow(r);
  }

  *iterateEdges(snapshotId: number): IterableIterator<ExportedEdge> {
    for (const r of this.db
      .prepare(QUERY_SQL.allEdges)
      .iterate({ snap: snapshotId }) as IterableIterator<Row>) {
      const edge = toEdge(r);
      const callerPath =
        r.caller_path === null
          ? edge.callerId.slice(0, Math.max(0, edge.callerId.indexOf('::')))
          : String(r.caller_path);
      yield {
        ...edge,
        callerPath,
        callerLine: r.caller_line === null ? 0 : Number(r.caller_line),
        calleePath: r.callee_path === null ? null : String(r.callee_path),
        calleeLine: r.callee_line === null ? null : Number(r.callee_line),
      };
    }
  }
}

/** A string as one FTS5 phrase (trigram tokenizer: a substring match). */
function ftsPhrase(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
