/**
 * SQLite adapter of the storage ports (better-sqlite3, WAL). `SqliteEngine` runs every statement synchronously, in
 * process; `SqliteStorage` puts it behind the asynchronous ports every engine has (as kysely's SQLite dialect wraps
 * better-sqlite3), so nothing above knows which engine runs. Snapshots are written with prepared statements inside
 * one transaction, which is also what publishes them (see storage.ts).
 */
import Database from 'better-sqlite3';
import { CodehubError, DATABASE_CORRUPT_ADVICE } from '../core/errors.js';
import type { FileFacts } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';
import { unpackFacts } from './facts-codec.js';
import { MIGRATIONS } from './migrations.js';
import { toFile, toRepo, toSnapshot, type Row } from './row-mappers.js';
import { SqliteQueries, stmt } from './sqlite-query-index.js';
import { deleteUnlinkedSegments, segmentRowCounts, writeSnapshotSegments } from './sqlite-segments.js';
import {
  factsKeyString,
  type BlobSource,
  type FactsCacheKey,
  type FileRecord,
  type GitObjectInfo,
  type RepoRecord,
  type LeaseRecord,
  type SnapshotRecord,
  type SnapshotRows,
  type SnapshotStats,
  type Storage,
  type EdgeWithSymbol,
  type ExportedEdge,
  type RankedSymbol,
  type SymbolRow,
  type SymbolSearch,
} from './storage.js';

const CHUNK = 500;
/** The files rows of snapshot `?` (as `g`): the files rows of the segments it links (sqlite-segments.ts). */
const SNAPSHOT_FILES =
  'snapshot_segments k CROSS JOIN segments g ON g.id = k.segment_id WHERE k.snapshot_id = ? AND g.git_oid IS NOT NULL';

/** The synchronous engine: every statement of the SQLite adapter. */
export class SqliteEngine {
  readonly db: Database.Database;

  constructor(file: string) {
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 10000');
      this.db.pragma('cache_size = -65536');
      migrate(this.db);
    } catch (err) {
      if (err instanceof CodehubError) throw err;
      const msg = (err as Error).message;
      if (/not a database|malformed/i.test(msg)) {
        throw new CodehubError(
          'DatabaseCorrupt',
          `database ${file} is corrupt (${msg}); ${DATABASE_CORRUPT_ADVICE}`,
        );
      }
      throw new CodehubError('DataDirNotWritable', `cannot open database ${file}: ${msg}`);
    }
  }

  upsertRepo(repo: RepoRecord): void {
    this.db
      .prepare(
        `INSERT INTO repos (id, source, git_dir, web_url) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET source = excluded.source, git_dir = excluded.git_dir, web_url = excluded.web_url`,
      )
      .run(repo.id, repo.source, repo.gitDir, repo.webUrl);
  }

  getRepo(id: string): RepoRecord | null {
    const row = stmt(this.db, 'SELECT * FROM repos WHERE id = ?').get(id) as Row | undefined;
    return row ? toRepo(row) : null;
  }

  listRepos(): RepoRecord[] {
    return (stmt(this.db, 'SELECT * FROM repos ORDER BY id').all() as Row[]).map(toRepo);
  }

  beginSnapshot(repoId: string, commit: string, ref: string | null, analyzerVersion: string): number {
    const r = this.db
      .prepare(
        `INSERT INTO snapshots (repo_id, commit_sha, ref, indexed_at, analyzer_version, status)
         VALUES (?, ?, ?, ?, ?, 'building')`,
      )
      .run(repoId, commit, ref, new Date().toISOString(), analyzerVersion);
    return Number(r.lastInsertRowid);
  }

  publishSnapshot(snapshotId: number, content: SnapshotRows): void {
    this.publish(snapshotId, content, false);
  }

  publishSnapshotSuperseding(snapshotId: number, content: SnapshotRows): number {
    return this.publish(snapshotId, content, true);
  }

  private publish(snapshotId: number, content: SnapshotRows, supersede: boolean): number {
    const db = this.db;
    const write = db.transaction((): number => {
      const snap = db
        .prepare('SELECT status, repo_id, commit_sha FROM snapshots WHERE id = ?')
        .get(snapshotId) as Row | undefined;
      if (!snap || snap.status !== 'building') {
        throw new CodehubError('InvalidInput', `snapshot ${snapshotId} is not being built`);
      }
      // Only segments not stored yet are written; every segment is linked (sqlite-segments.ts).
      writeSnapshotSegments(db, snapshotId, content);
      db.prepare('INSERT OR REPLACE INTO snapshot_stats (snapshot_id, stats_json) VALUES (?, ?)').run(
        snapshotId,
        JSON.stringify(content.stats),
      );
      db.prepare(
        'INSERT OR REPLACE INTO snapshot_counts (snapshot_id, files, symbols, edges) VALUES (?, ?, ?, ?)',
      ).run(snapshotId, content.files.length, content.symbols.length, content.edges.length);
      db.prepare(`UPDATE snapshots SET status = 'ready', indexed_at = ? WHERE id = ?`).run(
        new Date().toISOString(),
        snapshotId,
      );
      // Nested in this transaction (a savepoint): the old snapshot goes in the commit that makes the new one ready.
      return supersede
        ? this.deleteSupersededSnapshots(String(snap.repo_id), String(snap.commit_sha), snapshotId)
        : 0;
    });
    // Secondary indexes grow in random order: a larger page cache (128 MB; 512 MB cost RSS for no measured gain on a
    // 50 MB repo) keeps the write off the disk.
    const cacheSize = Number(db.pragma('cache_size', { simple: true }));
    db.pragma('cache_size = -131072');
    try {
      return write();
    } finally {
      db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  failSnapshot(snapshotId: number, error: string): void {
    this.db
      .prepare(`UPDATE snapshots SET status = 'failed', error = ? WHERE id = ? AND status = 'building'`)
      .run(error, snapshotId);
  }

  discardUnfinishedSnapshots(repoId: string): number {
    const ids = (
      this.db.prepare(`SELECT id FROM snapshots WHERE repo_id = ? AND status != 'ready'`).all(repoId) as Row[]
    ).map((r) => Number(r.id));
    this.deleteSnapshots(ids);
    return ids.length;
  }

  deleteSupersededSnapshots(repoId: string, commit: string, keepId: number): number {
    const ids = (
      this.db
        .prepare(
          `SELECT id FROM snapshots WHERE repo_id = ? AND commit_sha = ? AND status = 'ready' AND id != ?`,
        )
        .all(repoId, commit, keepId) as Row[]
    ).map((r) => Number(r.id));
    this.deleteSnapshots(ids);
    return ids.length;
  }

  deleteOldSnapshots(): number {
    const ids = (
      this.db
        .prepare(
          `SELECT s.id FROM snapshots s WHERE s.status = 'ready' AND s.id != (
             SELECT MAX(t.id) FROM snapshots t WHERE t.repo_id = s.repo_id AND t.status = 'ready')
           UNION SELECT id FROM snapshots WHERE status = 'failed'`,
        )
        .all() as Row[]
    ).map((r) => Number(r.id));
    this.deleteSnapshots(ids);
    return ids.length;
  }

  private deleteSnapshots(ids: number[]): void {
    if (ids.length === 0) return;
    const db = this.db;
    const del = db.transaction(() => {
      for (const id of ids) {
        for (const table of [
          'snapshot_segments',
          'snapshot_stats',
          'snapshot_counts',
          'unresolved_names',
          'query_index',
        ]) {
          db.prepare(`DELETE FROM ${table} WHERE snapshot_id = ?`).run(id);
        }
        db.prepare('DELETE FROM snapshots WHERE id = ?').run(id);
      }
      // Segments only the deleted snapshots had go with them (gc reclaims exactly what no snapshot references).
      deleteUnlinkedSegments(db);
    });
    del();
  }

  segmentRowCounts(): { segments: number; symbols: number; edges: number; testReach: number } {
    return segmentRowCounts(this.db);
  }

  pruneSearchNames(): number {
    const db = this.db;
    return db.transaction(() => {
      const orphans = db
        .prepare(
          'SELECT id, name_lower FROM search_names WHERE name_lower NOT IN (SELECT name_lower FROM symbol_search)',
        )
        .all() as Row[];
      // External-content FTS: a row is removed from the index by repeating its values.
      const unindex = db.prepare(
        `INSERT INTO search_names_fts (search_names_fts, rowid, name_lower) VALUES ('delete', ?, ?)`,
      );
      const del = db.prepare('DELETE FROM search_names WHERE id = ?');
      for (const o of orphans) {
        unindex.run(o.id, o.name_lower);
        del.run(o.id);
      }
      return orphans.length;
    })();
  }

  latestSnapshot(repoId: string): SnapshotRecord | null {
    const row = stmt(
      this.db,
      `SELECT * FROM snapshots WHERE repo_id = ? AND status = 'ready' ORDER BY id DESC LIMIT 1`,
    ).get(repoId) as Row | undefined;
    return row ? toSnapshot(row) : null;
  }

  changeMark(): string {
    // data_version moves on commits of other connections, total_changes() on this connection's own writes.
    const version = stmt(this.db, 'PRAGMA data_version').pluck().get() as number;
    const own = stmt(this.db, 'SELECT total_changes()').pluck().get() as number;
    return `${version}:${own}`;
  }

  getSnapshot(id: number): SnapshotRecord | null {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as Row | undefined;
    return row ? toSnapshot(row) : null;
  }

  listSnapshots(repoId: string): SnapshotRecord[] {
    return (
      this.db.prepare('SELECT * FROM snapshots WHERE repo_id = ? ORDER BY id').all(repoId) as Row[]
    ).map(toSnapshot);
  }

  snapshotStats(snapshotId: number): SnapshotStats | null {
    const row = this.db
      .prepare('SELECT stats_json FROM snapshot_stats WHERE snapshot_id = ?')
      .get(snapshotId) as Row | undefined;
    return row ? (JSON.parse(String(row.stats_json)) as SnapshotStats) : null;
  }

  countRows(snapshotId: number): { files: number; symbols: number; edges: number } {
    const stored = this.db
      .prepare('SELECT files, symbols, edges FROM snapshot_counts WHERE snapshot_id = ?')
      .get(snapshotId) as { files: number; symbols: number; edges: number } | undefined;
    if (stored) return { files: stored.files, symbols: stored.symbols, edges: stored.edges };
    const count = (sql: string): number => Number((this.db.prepare(sql).get(snapshotId) as Row).n);
    const inSegments = (table: string): number =>
      count(
        `SELECT COUNT(*) AS n FROM snapshot_segments k JOIN ${table} t ON t.segment_id = k.segment_id WHERE k.snapshot_id = ?`,
      );
    return {
      files: count(`SELECT COUNT(*) AS n FROM ${SNAPSHOT_FILES}`),
      symbols: inSegments('symbols'),
      edges: inSegments('edges'),
    };
  }

  listFiles(snapshotId: number, prefix = ''): FileRecord[] {
    const rows =
      prefix === ''
        ? (this.db.prepare(`SELECT g.* FROM ${SNAPSHOT_FILES} ORDER BY g.path`).all(snapshotId) as Row[])
        : (this.db
            .prepare(`SELECT g.* FROM ${SNAPSHOT_FILES} AND substr(g.path, 1, ?) = ? ORDER BY g.path`)
            .all(snapshotId, prefix.length, prefix) as Row[]);
    return rows.map(toFile);
  }

  getFile(snapshotId: number, path: string): FileRecord | null {
    const row = stmt(
      this.db,
      `SELECT g.* FROM segments g CROSS JOIN snapshot_segments k ON k.snapshot_id = ? AND k.segment_id = g.id
       WHERE g.path = ? AND g.git_oid IS NOT NULL`,
    ).get(snapshotId, path) as Row | undefined;
    return row ? toFile(row) : null;
  }

  knownGitObjects(oids: readonly string[]): Map<string, GitObjectInfo> {
    const out = new Map<string, GitObjectInfo>();
    for (let i = 0; i < oids.length; i += CHUNK) {
      const part = oids.slice(i, i + CHUNK);
      const rows = this.db
        .prepare(`SELECT * FROM git_objects WHERE oid IN (${part.map(() => '?').join(',')})`)
        .all(...part) as Row[];
      for (const r of rows) {
        out.set(String(r.oid), {
          oid: String(r.oid),
          sha256: String(r.sha256),
          size: Number(r.size),
          lines: r.line_count === null ? null : Number(r.line_count),
          eol: (r.eol as GitObjectInfo['eol']) ?? null,
          content: r.content as GitObjectInfo['content'],
        });
      }
    }
    return out;
  }

  rememberGitObjects(objects: readonly GitObjectInfo[]): void {
    const ins = this.db.prepare(
      'INSERT OR REPLACE INTO git_objects (oid, sha256, size, line_count, eol, content) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const o of objects) ins.run(o.oid, o.sha256, o.size, o.lines, o.eol, o.content);
    })();
  }

  forgetBlobs(sha256s: readonly string[]): void {
    const delObject = this.db.prepare('DELETE FROM git_objects WHERE sha256 = ?');
    const delFacts = this.db.prepare('DELETE FROM facts_cache WHERE blob_sha256 = ?');
    this.db.transaction(() => {
      for (const s of sha256s) {
        delObject.run(s);
        delFacts.run(s);
      }
    })();
  }

  getCachedFacts(keys: readonly FactsCacheKey[]): Map<string, FileFacts> {
    const out = new Map<string, FileFacts>();
    const get = this.db.prepare(
      'SELECT facts FROM facts_cache WHERE blob_sha256 = ? AND plugin_id = ? AND analyzer_version = ? AND path = ?',
    );
    for (const k of keys) {
      const row = get.get(k.blobSha256, k.pluginId, k.analyzerVersion, k.path) as Row | undefined;
      if (!row) continue;
      try {
        out.set(factsKeyString(k), unpackFacts(row.facts as Buffer));
      } catch {
        // A damaged cache entry is only a cache miss: the file is analysed again.
      }
    }
    return out;
  }

  putCachedFacts(entries: ReadonlyArray<{ key: FactsCacheKey; packed: Uint8Array }>): void {
    const ins = this.db.prepare(
      'INSERT OR REPLACE INTO facts_cache (blob_sha256, plugin_id, analyzer_version, path, facts) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const { key: k, packed } of entries)
        ins.run(k.blobSha256, k.pluginId, k.analyzerVersion, k.path, packed);
    })();
  }

  referencedBlobs(): Set<string> {
    const rows = this.db
      // Every stored segment is linked: removing snapshots drops the segments they alone had.
      .prepare(
        'SELECT DISTINCT blob_sha256 AS s FROM segments WHERE blob_sha256 IS NOT NULL AND git_oid IS NOT NULL',
      )
      .all() as Row[];
    return new Set(rows.map((r) => String(r.s)));
  }

  blobSources(sha256: string): BlobSource[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT r.id AS repo_id, r.git_dir AS git_dir, g.git_oid AS git_oid
         FROM segments g JOIN snapshot_segments k ON k.segment_id = g.id JOIN snapshots s ON s.id = k.snapshot_id
         JOIN repos r ON r.id = s.repo_id
         WHERE g.blob_sha256 = ? AND g.git_oid IS NOT NULL`,
      )
      .all(sha256) as Row[];
    return rows.map((r) => ({
      repoId: String(r.repo_id),
      gitDir: String(r.git_dir),
      gitOid: String(r.git_oid),
    }));
  }

  close(): void {
    this.db.close();
  }

  // ---- Read side of the query service (see sqlite-query-index.ts) ----

  private queriesCache: SqliteQueries | undefined;
  private get queries(): SqliteQueries {
    return (this.queriesCache ??= new SqliteQueries(this.db));
  }

  getSymbol(snapshotId: number, id: string): SymbolRow | null {
    return this.queries.getSymbol(snapshotId, id);
  }
  symbolsById(snapshotId: number, ids: readonly string[]): Map<string, SymbolRow> {
    return this.queries.symbolsById(snapshotId, ids);
  }
  findSymbolsByQualifiedName(snapshotId: number, qualifiedName: string, limit?: number): SymbolRow[] {
    return this.queries.findSymbolsByQualifiedName(snapshotId, qualifiedName, limit);
  }
  findSymbolsByName(snapshotId: number, name: string, limit?: number): SymbolRow[] {
    return this.queries.findSymbolsByName(snapshotId, name, limit);
  }
  findSymbolsAtLine(snapshotId: number, path: string, line: number): SymbolRow[] {
    return this.queries.findSymbolsAtLine(snapshotId, path, line);
  }
  symbolsOfFile(snapshotId: number, path: string): SymbolRow[] {
    return this.queries.symbolsOfFile(snapshotId, path);
  }
  edgesFrom(snapshotId: number, callerIds: readonly string[]): EdgeWithSymbol[] {
    return this.queries.edgesFrom(snapshotId, callerIds);
  }
  edgesTo(snapshotId: number, calleeIds: readonly string[]): EdgeWithSymbol[] {
    return this.queries.edgesTo(snapshotId, calleeIds);
  }
  unresolvedEdgesFrom(snapshotId: number, callerIds: readonly string[]): Edge[] {
    return this.queries.unresolvedEdgesFrom(snapshotId, callerIds);
  }
  unresolvedMayCall(snapshotId: number, names: readonly string[]): Map<string, number> {
    return this.queries.unresolvedMayCall(snapshotId, names);
  }
  countUnresolved(snapshotId: number): number {
    return this.queries.countUnresolved(snapshotId);
  }
  testsReaching(
    snapshotId: number,
    symbolIds: readonly string[],
  ): Array<{ reach: TestReach; test: SymbolRow }> {
    return this.queries.testsReaching(snapshotId, symbolIds);
  }
  callerCounts(snapshotId: number, symbolIds: readonly string[]): Map<string, number> {
    return this.queries.callerCounts(snapshotId, symbolIds);
  }
  mostCalled(snapshotId: number, limit: number): RankedSymbol[] {
    return this.queries.mostCalled(snapshotId, limit);
  }
  untestedHotspots(snapshotId: number, limit: number): RankedSymbol[] {
    return this.queries.untestedHotspots(snapshotId, limit);
  }
  searchSymbols(snapshotId: number, search: SymbolSearch): RankedSymbol[] {
    return this.queries.searchSymbols(snapshotId, search);
  }
  similarNames(snapshotId: number, name: string, limit: number): string[] {
    return this.queries.similarNames(snapshotId, name, limit);
  }
  similarPaths(snapshotId: number, path: string, limit: number): string[] {
    return this.queries.similarPaths(snapshotId, path, limit);
  }
  languageCounts(snapshotId: number): Record<string, number> {
    return this.queries.languageCounts(snapshotId);
  }
  iterateSymbols(snapshotId: number): IterableIterator<SymbolRow> {
    return this.queries.iterateSymbols(snapshotId);
  }
  iterateEdges(snapshotId: number): IterableIterator<ExportedEdge> {
    return this.queries.iterateEdges(snapshotId);
  }

  // ---- Leases: one row per name; taking one is a single IMMEDIATE transaction, so two processes never both win. ----

  acquireLease(name: string, holder: string, ttlMs: number): boolean {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const row = this.db.prepare('SELECT holder, expires_at FROM leases WHERE name = ?').get(name) as
          Row | undefined;
        if (row && String(row.holder) !== holder && Number(row.expires_at) > now) return false;
        this.db
          .prepare('INSERT OR REPLACE INTO leases (name, holder, expires_at) VALUES (?, ?, ?)')
          .run(name, holder, now + ttlMs);
        return true;
      })
      .immediate();
  }

  renewLease(name: string, holder: string, ttlMs: number): boolean {
    const now = Date.now();
    return (
      this.db
        .prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?')
        .run(now + ttlMs, name, holder, now).changes === 1
    );
  }

  releaseLease(name: string, holder: string): void {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  liveLeases(): LeaseRecord[] {
    return (
      this.db.prepare('SELECT * FROM leases WHERE expires_at > ? ORDER BY name').all(Date.now()) as Row[]
    ).map((r) => ({ name: String(r.name), holder: String(r.holder), expiresAt: Number(r.expires_at) }));
  }
}

/**
 * The SQLite adapter behind the asynchronous ports. Each call runs the engine's statements at once (they are
 * in-process and take microseconds); the promise only gives SQLite the shape of an engine across a network.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  readonly engine: SqliteEngine;
  readonly writer: Storage['writer'];
  readonly reader: Storage['reader'];
  readonly cache: Storage['cache'];
  readonly maintenance: Storage['maintenance'];
  readonly leases: Storage['leases'];

  constructor(file: string) {
    const e = (this.engine = new SqliteEngine(file));
    this.writer = {
      upsertRepo: async (repo) => e.upsertRepo(repo),
      beginSnapshot: async (repoId, commit, ref, version) => e.beginSnapshot(repoId, commit, ref, version),
      publishSnapshot: async (id, rows) => e.publishSnapshot(id, rows),
      failSnapshot: async (id, error) => e.failSnapshot(id, error),
      discardUnfinishedSnapshots: async (repoId) => e.discardUnfinishedSnapshots(repoId),
      deleteSupersededSnapshots: async (repoId, commit, keepId) =>
        e.deleteSupersededSnapshots(repoId, commit, keepId),
      publishSnapshotSuperseding: async (id, rows) => e.publishSnapshotSuperseding(id, rows),
    };
    this.reader = {
      getRepo: async (id) => e.getRepo(id),
      listRepos: async () => e.listRepos(),
      latestSnapshot: async (repoId) => e.latestSnapshot(repoId),
      changeMark: async () => e.changeMark(),
      getSnapshot: async (id) => e.getSnapshot(id),
      listSnapshots: async (repoId) => e.listSnapshots(repoId),
      snapshotStats: async (id) => e.snapshotStats(id),
      countRows: async (id) => e.countRows(id),
      listFiles: async (id, prefix) => e.listFiles(id, prefix),
      getFile: async (id, path) => e.getFile(id, path),
      symbolsById: async (id, ids) => e.symbolsById(id, ids),
      findSymbolsByQualifiedName: async (id, q, limit) => e.findSymbolsByQualifiedName(id, q, limit),
      findSymbolsByName: async (id, name, limit) => e.findSymbolsByName(id, name, limit),
      findSymbolsAtLine: async (id, path, line) => e.findSymbolsAtLine(id, path, line),
      symbolsOfFile: async (id, path) => e.symbolsOfFile(id, path),
      edgesFrom: async (id, ids) => e.edgesFrom(id, ids),
      edgesTo: async (id, ids) => e.edgesTo(id, ids),
      unresolvedEdgesFrom: async (id, ids) => e.unresolvedEdgesFrom(id, ids),
      unresolvedMayCall: async (id, names) => e.unresolvedMayCall(id, names),
      countUnresolved: async (id) => e.countUnresolved(id),
      testsReaching: async (id, ids) => e.testsReaching(id, ids),
      callerCounts: async (id, ids) => e.callerCounts(id, ids),
      mostCalled: async (id, limit) => e.mostCalled(id, limit),
      untestedHotspots: async (id, limit) => e.untestedHotspots(id, limit),
      searchSymbols: async (id, search) => e.searchSymbols(id, search),
      similarNames: async (id, name, limit) => e.similarNames(id, name, limit),
      similarPaths: async (id, path, limit) => e.similarPaths(id, path, limit),
      languageCounts: async (id) => e.languageCounts(id),
      iterateSymbols: (id) => toAsync(() => e.iterateSymbols(id)),
      iterateEdges: (id) => toAsync(() => e.iterateEdges(id)),
    };
    this.cache = {
      knownGitObjects: async (oids) => e.knownGitObjects(oids),
      rememberGitObjects: async (objects) => e.rememberGitObjects(objects),
      getCachedFacts: async (keys) => e.getCachedFacts(keys),
      putCachedFacts: async (entries) => e.putCachedFacts(entries),
    };
    this.maintenance = {
      deleteOldSnapshots: async () => e.deleteOldSnapshots(),
      pruneSearchNames: async () => e.pruneSearchNames(),
      storedRowCounts: async () => e.segmentRowCounts(),
      referencedBlobs: async () => e.referencedBlobs(),
      blobSources: async (sha) => e.blobSources(sha),
      forgetBlobs: async (shas) => e.forgetBlobs(shas),
    };
    this.leases = {
      acquire: async (name, holder, ttl) => e.acquireLease(name, holder, ttl),
      renew: async (name, holder, ttl) => e.renewLease(name, holder, ttl),
      release: async (name, holder) => e.releaseLease(name, holder),
      live: async () => e.liveLeases(),
    };
  }

  /** Closes the file at once (before the returned promise settles), so callers that do not await it are safe. */
  close(): Promise<void> {
    this.engine.close();
    return Promise.resolve();
  }
}

/** A synchronous row iterator as an async iterable (rows are read lazily, one statement step at a time). */
function toAsync<T>(open: () => IterableIterator<T>): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* open();
    },
  };
}

function migrate(db: Database.Database): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new CodehubError(
      'DatabaseCorrupt',
      `database schema version ${current} is newer than this codehub (${MIGRATIONS.length}); upgrade codehub`,
    );
  }
  // Two processes may open a new database at once: each step takes the write lock first (IMMEDIATE) and
  // re-reads the version under it, so a step another process has just applied is not applied again.
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      if (Number(db.pragma('user_version', { simple: true })) !== v) return;
      const step = MIGRATIONS[v] ?? '';
      if (typeof step === 'string') db.exec(step);
      else {
        db.exec(step.sql);
        step.then(db);
      }
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
