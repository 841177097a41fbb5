/**
 * Read side of the SQLite adapter for the query service: the derived tables of migration 2
 * (symbol_search, unresolved_names, query_index) and the indexed queries over one snapshot.
 * SqliteStorage delegates its query methods here so the write path stays in one file.
 */
import type Database from 'better-sqlite3';
import type { Edge, TestReach } from '../core/graph.js';
import { deriveQueryRows } from '../core/search-keys.js';
import { isTestPath } from '../languages/registry.js';
import { toEdge, toSymbolRecord, toTestReach } from './row-mappers.js';
import type {
  DerivedRows,
  EdgeWithSymbol,
  ExportedEdge,
  RankedSymbol,
  SymbolRow,
  SymbolSearch,
} from './storage.js';

type Row = Record<string, unknown>;
type Db = Database.Database;

const CHUNK = 500;
/** Sorts after every valid UTF-8 string under SQLite's BINARY collation: the end of a prefix range. */
const RANGE_END = '\u{10FFFF}';

const SYM = `s.id, s.path, s.local_id, s.name, s.qualified_name, s.kind, s.start_line, s.end_line, s.signature,
  s.return_type, s.exported, s.doc, s.parent, s.extends_json, s.implements_json, s.value_type_json, s.is_static,
  f.blob_sha256 AS file_blob`;
const FILE_JOIN = 'LEFT JOIN files f ON f.snapshot_id = s.snapshot_id AND f.path = s.path';
const EDGE = `e.caller_id AS e_caller, e.callee_id AS e_callee, e.callee_text AS e_text, e.kind AS e_kind,
  e.reason AS e_reason, e.confidence AS e_conf, e.lines_json AS e_lines, e.candidates AS e_cand`;
/** Ranking inside one tier: non-test first, more callers, shorter name, then name (ties by insertion order). */
const RANK_ORDER = 'ORDER BY ss.is_test, ss.callers DESC, length(ss.name_lower), ss.name_lower, ss.rowid';

/** Ranks on the narrow symbol_search rows first and joins the wide symbol rows only for the page returned. */
function rankedPage(from: string, where: string): string {
  return `WITH hits AS (
      SELECT ss.rowid AS rid, ss.callers AS rank_callers, ss.is_test AS rank_test, ss.name_lower AS nl
      FROM ${from} WHERE ${where} ${RANK_ORDER} LIMIT ?)
    SELECT hits.rank_callers, hits.rank_test, ${SYM} FROM hits JOIN symbols s ON s.rowid = hits.rid ${FILE_JOIN}
    ORDER BY hits.rank_test, hits.rank_callers DESC, length(hits.nl), hits.nl, hits.rid`;
}

/** SQL texts, exported for EXPLAIN QUERY PLAN checks in tests. */
export const QUERY_SQL = {
  symbolById: `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.snapshot_id = ? AND s.id = ?`,
  symbolsById: (n: number) =>
    `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.snapshot_id = ? AND s.id IN (${placeholders(n)})`,
  byQualifiedName: `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.snapshot_id = ? AND s.qualified_name = ? ORDER BY s.path, s.start_line LIMIT ?`,
  byName: `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.snapshot_id = ? AND s.name = ? ORDER BY s.path, s.start_line LIMIT ?`,
  atLine: `SELECT ${SYM} FROM symbols s ${FILE_JOIN}
    WHERE s.snapshot_id = ? AND s.path = ? AND s.start_line <= ? AND s.end_line >= ?
    ORDER BY s.end_line - s.start_line, s.start_line DESC, s.kind = 'module'`,
  ofFile: `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.snapshot_id = ? AND s.path = ? ORDER BY s.start_line, s.end_line DESC, s.id`,
  // `+e.callee_id`: without it SQLite walks edges_by_callee (every resolved edge of the snapshot) instead of the
  // caller's few rows through edges_by_caller — 500 ms instead of 0.1 ms per symbol on 100,000 symbols.
  edgesFrom: (
    n: number,
  ) => `SELECT e.rowid AS e_seq, ${EDGE}, ${SYM} FROM edges e JOIN symbols s ON s.snapshot_id = e.snapshot_id AND s.id = e.callee_id ${FILE_JOIN}
    WHERE e.snapshot_id = ? AND e.caller_id IN (${placeholders(n)}) AND +e.callee_id IS NOT NULL`,
  edgesTo: (
    n: number,
  ) => `SELECT e.rowid AS e_seq, ${EDGE}, ${SYM} FROM edges e JOIN symbols s ON s.snapshot_id = e.snapshot_id AND s.id = e.caller_id ${FILE_JOIN}
    WHERE e.snapshot_id = ? AND e.callee_id IN (${placeholders(n)})`,
  unresolvedFrom: (n: number) =>
    `SELECT rowid AS e_seq, * FROM edges WHERE snapshot_id = ? AND caller_id IN (${placeholders(n)}) AND callee_id IS NULL`,
  mayCall: (n: number) =>
    `SELECT name, call_sites FROM unresolved_names WHERE snapshot_id = ? AND name IN (${placeholders(n)})`,
  unresolvedTotal: 'SELECT unresolved_call_sites FROM query_index WHERE snapshot_id = ?',
  mostCalled: `SELECT ss.callers AS rank_callers, ss.is_test AS rank_test, ${SYM}
    FROM symbol_search ss JOIN symbols s ON s.rowid = ss.rowid ${FILE_JOIN}
    WHERE ss.snapshot_id = ? AND ss.callers > 0 ORDER BY ss.callers DESC, ss.rowid DESC LIMIT ?`,
  untested: `SELECT ss.callers AS rank_callers, ss.is_test AS rank_test, ${SYM}
    FROM symbol_search ss JOIN symbols s ON s.rowid = ss.rowid ${FILE_JOIN}
    WHERE ss.snapshot_id = ? AND ss.callers > 0 AND ss.is_test = 0 AND ss.kind NOT IN ('module', 'test')
      AND NOT EXISTS (SELECT 1 FROM test_reach t WHERE t.snapshot_id = ss.snapshot_id AND t.symbol_id = s.id)
    ORDER BY ss.callers DESC, ss.rowid DESC LIMIT ?`,
  searchExact: rankedPage(
    'symbol_search ss',
    'ss.snapshot_id = ? AND ss.name_lower = ? AND (? IS NULL OR ss.kind = ?)',
  ),
  searchPrefix: rankedPage(
    'symbol_search ss',
    'ss.snapshot_id = ? AND ss.name_lower > ? AND ss.name_lower < ? AND (? IS NULL OR ss.kind = ?)',
  ),
  // Tiers run exact, prefix, humps, substring: each leaves out what a tier before it listed, so its LIMIT is spent on
  // new names. Prefix matches (exact ones included) were listed before the humps tier.
  searchHumps: rankedPage(
    'symbol_search ss',
    `ss.snapshot_id = ? AND ss.humps >= ? AND ss.humps < ? AND (? IS NULL OR ss.kind = ?)
      AND substr(ss.name_lower, 1, ?) != ?`,
  ),
  // Trigram FTS finds the names that contain the substring (over all snapshots' names, once each); prefix and humps
  // matches were listed before (a humps key is letters and digits, so it never matches another query).
  searchSubstring: rankedPage(
    'search_names_fts n CROSS JOIN search_names sn ON sn.id = n.rowid CROSS JOIN symbol_search ss ON ss.name_lower = sn.name_lower',
    `search_names_fts MATCH ? AND ss.snapshot_id = ? AND substr(ss.name_lower, 1, ?) != ? AND substr(ss.humps, 1, ?) != ?
      AND (? IS NULL OR ss.kind = ?)`,
  ),
  testsReaching: (n: number) => `SELECT t.symbol_id, t.test_id, t.depth, t.confidence, ${SYM}
    FROM test_reach t JOIN symbols s ON s.snapshot_id = t.snapshot_id AND s.id = t.test_id ${FILE_JOIN}
    WHERE t.snapshot_id = ? AND t.symbol_id IN (${placeholders(n)})`,
  callerCounts: (n: number) => `SELECT callee_id, COUNT(DISTINCT caller_id) AS n FROM edges
    WHERE snapshot_id = ? AND callee_id IN (${placeholders(n)}) GROUP BY callee_id`,
  // CROSS JOIN keeps the trigram match first (else SQLite walks every symbol of the snapshot).
  similarByTrigram: `SELECT DISTINCT s.name FROM search_names_fts n CROSS JOIN search_names sn ON sn.id = n.rowid
    CROSS JOIN symbol_search ss ON ss.name_lower = sn.name_lower JOIN symbols s ON s.rowid = ss.rowid
    WHERE search_names_fts MATCH ? AND ss.snapshot_id = ? LIMIT ?`,
  similarByPrefix: `SELECT DISTINCT s.name FROM symbol_search ss JOIN symbols s ON s.rowid = ss.rowid
    WHERE ss.snapshot_id = ? AND ss.name_lower >= ? AND ss.name_lower < ? LIMIT ?`,
  similarPaths: `SELECT path FROM files WHERE snapshot_id = ? AND (path = ? OR substr(path, ?) = ?) LIMIT ?`,
  pathsUnder: 'SELECT path FROM files WHERE snapshot_id = ? AND path > ? AND path < ? ORDER BY path LIMIT ?',
  somePaths: 'SELECT path FROM files WHERE snapshot_id = ? ORDER BY path LIMIT ?',
  languages:
    'SELECT language, COUNT(*) AS n FROM files WHERE snapshot_id = ? AND language IS NOT NULL GROUP BY language',
  allSymbols: `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.snapshot_id = ? ORDER BY s.path, s.start_line, s.id`,
  allEdges: `SELECT e.*, cs.path AS caller_path, cs.start_line AS caller_line, ce.path AS callee_path, ce.start_line AS callee_line
    FROM edges e
    LEFT JOIN symbols cs ON cs.snapshot_id = e.snapshot_id AND cs.id = e.caller_id
    LEFT JOIN symbols ce ON ce.snapshot_id = e.snapshot_id AND ce.id = e.callee_id
    WHERE e.snapshot_id = ? ORDER BY e.rowid`,
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

/**
 * Writes the query tables of one snapshot from rows derived in pure code (core/search-keys.ts): ranking keys per
 * symbol (its rowid in `symbolRowids`), unresolved call sites by callee name, and names new to the shared substring
 * index. Call inside the publishing transaction.
 */
export function writeQueryIndex(
  db: Db,
  snapshotId: number,
  derived: DerivedRows,
  symbols: ReadonlyArray<{ rowid: number; kind: string }>,
): void {
  db.prepare('DELETE FROM symbol_search WHERE snapshot_id = ?').run(snapshotId);
  db.prepare('DELETE FROM unresolved_names WHERE snapshot_id = ?').run(snapshotId);
  db.prepare('DELETE FROM query_index WHERE snapshot_id = ?').run(snapshotId);
  const ins = db.prepare(
    'INSERT INTO symbol_search (rowid, snapshot_id, name_lower, humps, kind, is_test, callers) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  derived.symbolKeys.forEach((k, i) => {
    const s = symbols[i];
    if (s) ins.run(s.rowid, snapshotId, k.nameLower, k.humps, s.kind, k.isTest ? 1 : 0, k.callers);
  });
  // Names new to the data dir join the shared substring index (rowids above the old maximum are this call's).
  const lastName = Number((db.prepare('SELECT MAX(id) AS m FROM search_names').get() as Row).m ?? 0);
  db.prepare(
    'INSERT OR IGNORE INTO search_names (name_lower) SELECT DISTINCT name_lower FROM symbol_search WHERE snapshot_id = ?',
  ).run(snapshotId);
  db.prepare(
    'INSERT INTO search_names_fts (rowid, name_lower) SELECT id, name_lower FROM search_names WHERE id > ?',
  ).run(lastName);
  const insName = db.prepare('INSERT INTO unresolved_names (snapshot_id, name, call_sites) VALUES (?, ?, ?)');
  for (const { name, callSites } of derived.unresolvedNames) insName.run(snapshotId, name, callSites);
  db.prepare('INSERT INTO query_index (snapshot_id, unresolved_call_sites) VALUES (?, ?)').run(
    snapshotId,
    derived.unresolvedCallSites,
  );
}

/** Reads a stored snapshot back and derives its query rows (for snapshots published before migration 2). */
function rebuildQueryIndex(db: Db, snapshotId: number): void {
  const symbols = db
    .prepare('SELECT rowid AS rid, id, path, name, kind FROM symbols WHERE snapshot_id = ? ORDER BY rowid')
    .all(snapshotId) as Array<{ rid: number; id: string; path: string; name: string; kind: string }>;
  const edges = (
    db
      .prepare(
        'SELECT caller_id, callee_id, callee_text, reason, lines_json FROM edges WHERE snapshot_id = ?',
      )
      .all(snapshotId) as Row[]
  ).map((r) => ({
    callerId: String(r.caller_id),
    calleeId: (r.callee_id as string | null) ?? null,
    calleeText: String(r.callee_text),
    reason: String(r.reason),
    lines: JSON.parse(String(r.lines_json)) as number[],
  }));
  writeQueryIndex(
    db,
    snapshotId,
    deriveQueryRows(symbols, edges, isTestPath),
    symbols.map((s) => ({ rowid: s.rid, kind: s.kind })),
  );
}

const built = new WeakMap<Db, Set<number>>();

/** Builds the query tables of a ready snapshot published before migration 2, once. */
export function ensureQueryIndex(db: Db, snapshotId: number): void {
  let done = built.get(db);
  if (!done) built.set(db, (done = new Set()));
  if (done.has(snapshotId)) return;
  if (!stmt(db, 'SELECT 1 FROM query_index WHERE snapshot_id = ?').get(snapshotId)) {
    const snap = stmt(db, 'SELECT status FROM snapshots WHERE id = ?').get(snapshotId) as Row | undefined;
    if (!snap || snap.status !== 'ready') return;
    db.transaction(() => rebuildQueryIndex(db, snapshotId))();
  }
  done.add(snapshotId);
}

/** The read queries, bound to one database. */
export class SqliteQueries {
  constructor(private readonly db: Db) {}

  getSymbol(snapshotId: number, id: string): SymbolRow | null {
    const r = stmt(this.db, QUERY_SQL.symbolById).get(snapshotId, id) as Row | undefined;
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
    return (stmt(this.db, QUERY_SQL.byQualifiedName).all(snapshotId, qualifiedName, limit) as Row[]).map(
      readSymbolRow,
    );
  }

  findSymbolsByName(snapshotId: number, name: string, limit = 50): SymbolRow[] {
    return (stmt(this.db, QUERY_SQL.byName).all(snapshotId, name, limit) as Row[]).map(readSymbolRow);
  }

  findSymbolsAtLine(snapshotId: number, path: string, line: number): SymbolRow[] {
    return (stmt(this.db, QUERY_SQL.atLine).all(snapshotId, path, line, line) as Row[]).map(readSymbolRow);
  }

  symbolsOfFile(snapshotId: number, path: string): SymbolRow[] {
    return (stmt(this.db, QUERY_SQL.ofFile).all(snapshotId, path) as Row[]).map(readSymbolRow);
  }

  /** Rows of a set query run in chunks of ids, in edge (insertion) order when the rows carry `e_seq`. */
  private chunked(sql: (n: number) => string, snapshotId: number, ids: readonly string[]): Row[] {
    const unique = [...new Set(ids)];
    const out: Row[] = [];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const part = unique.slice(i, i + CHUNK);
      for (const r of stmt(this.db, sql(part.length)).all(snapshotId, ...part) as Row[]) out.push(r);
    }
    if (out.length > 0 && out[0]?.e_seq !== undefined) out.sort((a, b) => Number(a.e_seq) - Number(b.e_seq));
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
    ensureQueryIndex(this.db, snapshotId);
    const out = new Map<string, number>();
    for (const r of this.chunked(QUERY_SQL.mayCall, snapshotId, names))
      out.set(String(r.name), Number(r.call_sites));
    return out;
  }

  countUnresolved(snapshotId: number): number {
    ensureQueryIndex(this.db, snapshotId);
    const r = stmt(this.db, QUERY_SQL.unresolvedTotal).get(snapshotId) as Row | undefined;
    return r ? Number(r.unresolved_call_sites) : 0;
  }

  testsReaching(
    snapshotId: number,
    symbolIds: readonly string[],
  ): Array<{ reach: TestReach; test: SymbolRow }> {
    const out: Array<{ reach: TestReach; test: SymbolRow }> = [];
    for (let i = 0; i < symbolIds.length; i += CHUNK) {
      const part = symbolIds.slice(i, i + CHUNK);
      for (const r of stmt(this.db, QUERY_SQL.testsReaching(part.length)).all(snapshotId, ...part) as Row[]) {
        out.push({ reach: toTestReach(r), test: readSymbolRow(r) });
      }
    }
    return out;
  }

  callerCounts(snapshotId: number, symbolIds: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (let i = 0; i < symbolIds.length; i += CHUNK) {
      const part = symbolIds.slice(i, i + CHUNK);
      for (const r of stmt(this.db, QUERY_SQL.callerCounts(part.length)).all(snapshotId, ...part) as Row[]) {
        out.set(String(r.callee_id), Number(r.n));
      }
    }
    return out;
  }

  mostCalled(snapshotId: number, limit: number): RankedSymbol[] {
    ensureQueryIndex(this.db, snapshotId);
    return (stmt(this.db, QUERY_SQL.mostCalled).all(snapshotId, limit) as Row[]).map(ranked);
  }

  untestedHotspots(snapshotId: number, limit: number): RankedSymbol[] {
    ensureQueryIndex(this.db, snapshotId);
    return (stmt(this.db, QUERY_SQL.untested).all(snapshotId, limit) as Row[]).map(ranked);
  }

  searchSymbols(snapshotId: number, search: SymbolSearch): RankedSymbol[] {
    ensureQueryIndex(this.db, snapshotId);
    const q = search.q.toLowerCase();
    const kind = search.kind ?? null;
    let rows: Row[];
    switch (search.mode) {
      case 'exact':
        rows = stmt(this.db, QUERY_SQL.searchExact).all(snapshotId, q, kind, kind, search.limit) as Row[];
        break;
      case 'prefix':
        rows = stmt(this.db, QUERY_SQL.searchPrefix).all(
          snapshotId,
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
          ftsPhrase(q),
          snapshotId,
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
          snapshotId,
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
    ensureQueryIndex(this.db, snapshotId);
    const lower = name.toLowerCase();
    const out = new Set<string>();
    const grams = new Set<string>();
    const chars = [...lower];
    for (let i = 0; i + 3 <= chars.length && grams.size < 16; i++) grams.add(chars.slice(i, i + 3).join(''));
    if (grams.size > 0) {
      const match = [...grams].map(ftsPhrase).join(' OR ');
      for (const r of stmt(this.db, QUERY_SQL.similarByTrigram).all(match, snapshotId, limit) as Row[])
        out.add(String(r.name));
    }
    const head = chars.slice(0, 2).join('');
    if (head !== '') {
      for (const r of stmt(this.db, QUERY_SQL.similarByPrefix).all(
        snapshotId,
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
        snapshotId,
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
      const rows = stmt(this.db, QUERY_SQL.pathsUnder).all(snapshotId, dir, dir + RANGE_END, limit) as Row[];
      if (rows.length > 0) {
        for (const r of rows) out.add(String(r.path));
        break;
      }
      parts.pop();
    }
    if (out.size === 0) {
      for (const r of stmt(this.db, QUERY_SQL.somePaths).all(snapshotId, limit) as Row[])
        out.add(String(r.path));
    }
    return [...out];
  }

  languageCounts(snapshotId: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of stmt(this.db, QUERY_SQL.languages).all(snapshotId) as Row[])
      out[String(r.language)] = Number(r.n);
    return out;
  }

  *iterateSymbols(snapshotId: number): IterableIterator<SymbolRow> {
    for (const r of this.db.prepare(QUERY_SQL.allSymbols).iterate(snapshotId) as IterableIterator<Row>)
      yield readSymbolRow(r);
  }

  *iterateEdges(snapshotId: number): IterableIterator<ExportedEdge> {
    for (const r of this.db.prepare(QUERY_SQL.allEdges).iterate(snapshotId) as IterableIterator<Row>) {
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
