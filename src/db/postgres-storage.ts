/**
 * PostgreSQL adapter of the storage ports (`pg` 8). A snapshot's rows go in with COPY inside one transaction that also
 * flips it to `ready`: a dropped connection or a restarted server rolls the whole publish back, and readers keep the
 * previous snapshot. Graph reads take sets of ids (`= ANY($2)`), one round trip per traversal level.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { CodehubError } from '../core/errors.js';
import type { FileFacts } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';
import { unpackFacts } from './facts-codec.js';
import { copyRows } from './postgres-copy.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { storedRowCounts, unlinkSegments, writeSnapshotSegments } from './postgres-segments.js';
import { toEdge, toFile, toRepo, toSnapshot, toSymbolRecord, type Row } from './row-mappers.js';
import {
  factsKeyString,
  type AnalysisCache,
  type BlobSource,
  type EdgeWithSymbol,
  type ExportedEdge,
  type FileRecord,
  type GitObjectInfo,
  type GraphReader,
  type LeaseRecord,
  type Leases,
  type Maintenance,
  type RankedSymbol,
  type RepoRecord,
  type SnapshotRecord,
  type SnapshotRows,
  type SnapshotStats,
  type SnapshotWriter,
  type Storage,
  type StoredRowCounts,
  type SymbolRow,
  type SymbolSearch,
} from './storage.js';

/** Sorts after every valid string under COLLATE "C": the end of a prefix range. */
const RANGE_END = '\u{10FFFF}';
/** Segments per page of a streamed read (a file's rows come whole). */
const SEGMENT_PAGE = 200;

const SYMBOL_COLUMNS = `s.id, s.path, s.local_id, s.name, s.qualified_name, s.kind, s.start_line, s.end_line,
  s.signature, s.return_type, s.exported, s.doc, s.parent, s.extends_json, s.implements_json, s.value_type_json,
  s.is_static`;
const SYM = `${SYMBOL_COLUMNS}, g.blob_sha256 AS file_blob`;
/** The file's blob of a symbol row `s`: its segment's. */
const FILE_JOIN = 'JOIN segments g ON g.id = s.segment_id';
/** The files rows of snapshot $1 (as `g`): the files rows of the segments it links. */
const SNAPSHOT_FILES =
  'snapshot_segments k JOIN segments g ON g.id = k.segment_id WHERE k.snapshot_id = $1 AND g.git_oid IS NOT NULL';
/**
 * The link of snapshot $1 to the segment of row `alias` (at most one: it is the primary key), as `link` with the
 * segment's symbol_order and edge_order. An inner join drops rows of segments the snapshot does not link: rows live in
 * per-file segments shared by snapshots (postgres-segments.ts), so a lookup by id or name finds every stored version
 * and keeps the one this snapshot links.
 *
 * Written as a LATERAL subquery with LIMIT 1 so that the planner cannot flatten it into the join: it stays a
 * primary-key probe per row found. Reads run as cached generic plans (see `query`), in which `snapshot_id = $1` is
 * estimated at all links divided by the number of snapshots; a plain join then hashes every link of the snapshot
 * (a sequential scan of the link table) to keep a handful of rows, and a custom plan costs more to plan than to run.
 */
const inSnapshot = (alias: string, link = `k_${alias}`, segmentId = `${alias}.segment_id`): string =>
  `JOIN LATERAL (SELECT l.symbol_order, l.edge_order FROM snapshot_segments l
    WHERE l.snapshot_id = $1 AND l.segment_id = ${segmentId} LIMIT 1) ${link} ON TRUE`;
/** Segments of the file at $2 (as `g`, found by path) that snapshot $1 links (one), and their symbols. */
const FILE_SYMBOLS = `segments g ${inSnapshot('g', 'k', 'g.id')}
  JOIN symbols s ON s.segment_id = g.id`;
/** Segments (as `g`) found by path that snapshot $1 links. */
const SEGMENT_BY_PATH = `segments g ${inSnapshot('g', 'k', 'g.id')}`;
const EDGE = `e.seq AS e_seq, e.caller_id AS e_caller, e.callee_id AS e_callee, e.callee_text AS e_text,
  e.kind AS e_kind, e.reason AS e_reason, e.confidence AS e_conf, e.lines_json AS e_lines, e.candidates AS e_cand`;
/**
 * Ranking inside one search tier: non-test first, more callers, shorter name, then name, then the snapshot's symbol
 * order (the segment's place in it, then the row's place in the segment).
 */
const RANK = 's.is_test, s.callers DESC, length(s.name_lower), s.name_lower, k.symbol_order, s.seq';
/** Most callers first, then the snapshot's symbol order backwards. */
const BY_CALLERS = 's.callers DESC, k.symbol_order DESC, s.seq DESC';

/**
 * The first `limit` symbols of snapshot $1 that match `where`, in `order` (both over the symbol `s` and its link `k`),
 * with the rank columns. Many candidates may be ranked (a name repeated in every file); the file's blob is read for
 * the rows kept only, each by its segment's primary key (a subquery in the select list, so a generic plan, which
 * guesses a LIMIT $n at a tenth of the candidates, cannot hash every segment instead).
 */
function rankedSymbols(where: string, order: string, limit: string): string {
  return `SELECT s.callers AS rank_callers, s.is_test AS rank_test, ${SYMBOL_COLUMNS},
      (SELECT g.blob_sha256 FROM segments g WHERE g.id = s.segment_id) AS file_blob
    FROM (SELECT s.*, k.symbol_order AS link_order FROM symbols s ${inSnapshot('s', 'k')} WHERE ${where}
      ORDER BY ${order} LIMIT ${limit}) s
    ORDER BY ${order.replace(/\bk\.symbol_order\b/g, 's.link_order')}`;
}

const statementNames = new Map<string, string>();

/** A stable name for a statement text (pg prepares a named statement once per connection and reuses it). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name)
    statementNames.set(sql, (name = `r${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`));
  return name;
}

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The PostgreSQL adapter. Connects lazily: the first call connects and migrates, and reports a clear error if it cannot. */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly writer: SnapshotWriter;
  readonly reader: GraphReader;
  readonly cache: AnalysisCache;
  readonly maintenance: Maintenance;
  readonly leases: Leases;
  private readonly pool: pg.Pool;
  private ready: Promise<void> | null = null;
  /**
   * The change mark, kept while a LISTEN connection would hear it move; null when it must be read again. Every web
   * request asks for the mark, and reading it costs a round trip to the server: kept, a warm request asks nothing.
   */
  private knownMark: string | null = null;
  /** Moves on every notification, own write and lost listener: a mark read across a move is not kept. */
  private markEpoch = 0;
  private listener: pg.Client | null = null;
  private listening: Promise<void> | null = null;
  /** When the last LISTEN connection failed: the next try waits a second, reading the mark meanwhile. */
  private listenFailedAt = 0;
  private closed = false;

  constructor(readonly url: string) {
    if (!isPostgresUrl(url)) {
      throw new CodehubError(
        'InvalidInput',
        `--database must be a postgres:// URL, got ${JSON.stringify(redactUrl(url))}`,
      );
    }
    try {
      this.pool = new pg.Pool({
        connectionString: url,
        max: 4,
        connectionTimeoutMillis: 10_000,
        // Reads are named statements (see `query`); their generic plans are written to stay index probes (see
        // inSnapshot), and a custom plan of a five-table join cost more to plan than to run. Unnamed statements
        // (writes) are planned for their values as before: the setting applies to named statements only.
        options: '-c plan_cache_mode=force_generic_plan',
      });
    } catch (err) {
      throw new CodehubError(
        'InvalidInput',
        `cannot use database URL ${redactUrl(url)}: ${(err as Error).message}`,
      );
    }
    // An idle client whose server went away emits 'error' on the pool; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.writer = new PgWriter(this);
    this.reader = new PgReader(this);
    this.cache = new PgCache(this);
    this.maintenance = new PgMaintenance(this);
    this.leases = new PgLeases(this);
  }

  /** Runs one statement (after connecting and migrating once); engine errors become one-line CodehubErrors. */
  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    await this.connect();
    try {
      // Reads are named statements, prepared once per connection: a read through the segment links joins five
      // tables, and planning it each time cost more (2 ms) than running it (0.1 ms).
      const read = /^\s*(SELECT|WITH)\b/i.test(sql);
      const query = read
        ? { name: statementName(sql), text: sql, values: params }
        : { text: sql, values: params };
      return (await this.pool.query(query)).rows as Row[];
    } catch (err) {
      throw this.classify(err);
    }
  }

  /** Runs `work` in one transaction on one connection. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.connect();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.classify(err);
    }
    let broken = false;
    // A checked-out client whose server goes away emits 'error' as well as failing its query: the query's error is
    // the one reported.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: the server rolls the transaction back
      }
      throw this.classify(err);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  private connect(): Promise<void> {
    this.ready ??= this.migrate().catch((err: unknown) => {
      this.ready = null;
      throw this.classify(err);
    });
    return this.ready;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One migrator at a time across processes; the others find the schema current once they get the lock.
      await client.query('SELECT pg_advisory_xact_lock(4242015)');
      await client.query('CREATE TABLE IF NOT EXISTS codehub_schema (version INTEGER NOT NULL)');
      const rows = (await client.query('SELECT version FROM codehub_schema')).rows as Row[];
      const current = rows.length > 0 ? Number(rows[0]?.version) : 0;
      if (current > POSTGRES_MIGRATIONS.length) {
        throw new CodehubError(
          'DatabaseCorrupt',
          `database schema version ${current} is newer than this codehub (${POSTGRES_MIGRATIONS.length}); upgrade codehub`,
        );
      }
      for (let v = current; v < POSTGRES_MIGRATIONS.length; v++) {
        const step = POSTGRES_MIGRATIONS[v] ?? '';
        if (typeof step === 'string') await client.query(step);
        else {
          await client.query(step.sql);
          await step.then(client);
        }
      }
      if (rows.length === 0)
        await client.query('INSERT INTO codehub_schema (version) VALUES ($1)', [POSTGRES_MIGRATIONS.length]);
      else await client.query('UPDATE codehub_schema SET version = $1', [POSTGRES_MIGRATIONS.length]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Turns driver errors into one-line CodehubErrors that say what to do. */
  classify(err: unknown): unknown {
    if (err instanceof CodehubError) return err;
    const e = err as { code?: string; message?: string };
    const where = redactUrl(this.url);
    const code = e.code ?? '';
    if (
      ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ENOENT'].includes(
        code,
      ) ||
      code.startsWith('08') ||
      code === '57P01' ||
      code === '57P02' ||
      code === '57P03' ||
      /terminat|Connection terminated|timeout exceeded when trying to connect/i.test(e.message ?? '')
    ) {
      return new CodehubError(
        'DatabaseUnavailable',
        `database ${where} is unavailable (${firstLine(e.message ?? code)}); check that PostgreSQL runs and the URL is right, then retry`,
      );
    }
    if (code === '53300') {
      // The server answers but is at max_connections: it frees up as other clients leave.
      return new CodehubError(
        'DatabaseUnavailable',
        `database ${where} has no free connection (${firstLine(e.message ?? code)}); retry later, or raise max_connections`,
        { transient: true },
      );
    }
    if (code === '3D000' || code === '28000' || code === '28P01' || code === '42501') {
      return new CodehubError(
        'DatabaseUnavailable',
        `cannot use database ${where}: ${firstLine(e.message ?? code)}`,
      );
    }
    return err;
  }

  /**
   * The change mark (the `generation` row). While a LISTEN connection is open the mark read last is kept until a
   * notification says it moved (publish and removal notify in their transaction, so the notification comes with the
   * commit); without one, it is read each time.
   */
  async changeMark(): Promise<string> {
    if (this.knownMark !== null) return this.knownMark;
    // Listening starts in the background: only a mark read after LISTEN took effect may be kept.
    void this.listen();
    const listening = this.listener !== null;
    const epoch = this.markEpoch;
    const mark = String((await this.query('SELECT value FROM generation'))[0]?.value ?? 0);
    if (listening && this.listener !== null && epoch === this.markEpoch) this.knownMark = mark;
    return mark;
  }

  /** Forgets the kept mark (after this process's own publish or removal, before anyone can ask). */
  markMoved(): void {
    this.markEpoch++;
    this.knownMark = null;
  }

  private listen(): Promise<void> {
    if (this.listener !== null || this.closed || Date.now() - this.listenFailedAt < 1000)
      return Promise.resolve();
    this.listening ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
      const lost = (): void => {
        if (this.listener === client) this.listener = null;
        this.markMoved();
      };
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', () => this.markMoved());
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANGE_CHANNEL}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.listener = client;
      } catch {
        // Not fatal: the mark is read on every call until listening works.
        this.listenFailedAt = Date.now();
        client.removeAllListeners('end');
        await client.end().catch(() => undefined);
      }
    })().finally(() => {
      this.listening = null;
    });
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listening;
    const listener = this.listener;
    this.listener = null;
    this.markMoved();
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

/** The channel publish and removal notify on, so readers in other processes drop their kept change mark. */
const CHANGE_CHANNEL = 'codehub_generation';

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

class PgWriter implements SnapshotWriter {
  constructor(private readonly db: PostgresStorage) {}

  async upsertRepo(repo: RepoRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO repos (id, source, git_dir, web_url) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET source = excluded.source, git_dir = excluded.git_dir, web_url = excluded.web_url`,
      [repo.id, repo.source, repo.gitDir, repo.webUrl],
    );
  }

  async beginSnapshot(
    repoId: string,
    commit: string,
    ref: string | null,
    analyzerVersion: string,
  ): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO snapshots (repo_id, commit_sha, ref, indexed_at, analyzer_version, status)
       VALUES ($1, $2, $3, $4, $5, 'building') RETURNING id`,
      [repoId, commit, ref, new Date().toISOString(), analyzerVersion],
    );
    return Number(rows[0]?.id);
  }

  async publishSnapshot(snapshotId: number, content: SnapshotRows): Promise<void> {
    await this.publish(snapshotId, content, false);
  }

  async publishSnapshotSuperseding(snapshotId: number, content: SnapshotRows): Promise<number> {
    return this.publish(snapshotId, content, true);
  }

  private async publish(snapshotId: number, content: SnapshotRows, supersede: boolean): Promise<number> {
    let superseded = 0;
    await this.db.transaction(async (client) => {
      const snap = (
        await client.query('SELECT status, repo_id, commit_sha FROM snapshots WHERE id = $1 FOR UPDATE', [
          snapshotId,
        ])
      ).rows[0] as Row | undefined;
      if (!snap || snap.status !== 'building') {
        throw new CodehubError('InvalidInput', `snapshot ${snapshotId} is not being built`);
      }
      const id = String(snapshotId);
      // Only segments not stored yet are written; every segment is linked (postgres-segments.ts).
      await writeSnapshotSegments(client, snapshotId, content);
      await copyRows(
        client,
        'unresolved_names (snapshot_id, name, call_sites)',
        content.derived.unresolvedNames,
        (n) => [id, n.name, n.callSites],
      );
      await client.query(
        `INSERT INTO snapshot_meta (snapshot_id, stats_json, files, symbols, edges, unresolved_call_sites,
           language_counts) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          snapshotId,
          JSON.stringify(content.stats),
          content.files.length,
          content.symbols.length,
          content.edges.length,
          content.derived.unresolvedCallSites,
          JSON.stringify(languageCountsOf(content.files)),
        ],
      );
      await client.query(`UPDATE snapshots SET status = 'ready', indexed_at = $2 WHERE id = $1`, [
        snapshotId,
        new Date().toISOString(),
      ]);
      if (supersede) {
        const ids = (
          await client.query(
            `SELECT id FROM snapshots WHERE repo_id = $1 AND commit_sha = $2 AND status = 'ready' AND id != $3`,
            [snap.repo_id, snap.commit_sha, snapshotId],
          )
        ).rows.map((r: Row) => Number(r.id));
        await deleteSnapshotRows(client, ids);
        superseded = ids.length;
      }
      await client.query('UPDATE generation SET value = value + 1');
      await client.query(`NOTIFY ${CHANGE_CHANNEL}`);
    });
    this.db.markMoved();
    // COPY leaves the planner's statistics behind (autovacuum catches up later): without them a substring search
    // scans the snapshot instead of the trigram index. Best effort: the snapshot is already published.
    await this.db.query('ANALYZE symbols, edges, segments, snapshot_segments').catch(() => undefined);
    return superseded;
  }

  async failSnapshot(snapshotId: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE snapshots SET status = 'failed', error = $2 WHERE id = $1 AND status = 'building'`,
      [snapshotId, error],
    );
  }

  async discardUnfinishedSnapshots(repoId: string): Promise<number> {
    const ids = await this.db.query(`SELECT id FROM snapshots WHERE repo_id = $1 AND status != 'ready'`, [
      repoId,
    ]);
    return deleteSnapshots(
      this.db,
      ids.map((r) => Number(r.id)),
    );
  }

  async deleteSupersededSnapshots(repoId: string, commit: string, keepId: number): Promise<number> {
    const ids = await this.db.query(
      `SELECT id FROM snapshots WHERE repo_id = $1 AND commit_sha = $2 AND status = 'ready' AND id != $3`,
      [repoId, commit, keepId],
    );
    return deleteSnapshots(
      this.db,
      ids.map((r) => Number(r.id)),
    );
  }
}

async function deleteSnapshots(db: PostgresStorage, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  await db.transaction(async (client) => {
    await deleteSnapshotRows(client, ids);
    await client.query('UPDATE generation SET value = value + 1');
    await client.query(`NOTIFY ${CHANGE_CHANNEL}`);
  });
  db.markMoved();
  return ids.length;
}

/** Deletes snapshots and their rows inside the caller's transaction. */
async function deleteSnapshotRows(client: pg.PoolClient, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  for (const table of ['unresolved_names', 'snapshot_meta']) {
    await client.query(`DELETE FROM ${table} WHERE snapshot_id = ANY($1::bigint[])`, [ids]);
  }
  // Segments only these snapshots had go with them (gc reclaims exactly what no snapshot references).
  await unlinkSegments(client, ids);
  await client.query('DELETE FROM snapshots WHERE id = ANY($1::bigint[])', [ids]);
}

class PgReader implements GraphReader {
  constructor(private readonly db: PostgresStorage) {}

  async getRepo(id: string): Promise<RepoRecord | null> {
    const r = (await this.db.query('SELECT * FROM repos WHERE id = $1', [id]))[0];
    return r ? toRepo(r) : null;
  }

  async listRepos(): Promise<RepoRecord[]> {
    return (await this.db.query('SELECT * FROM repos ORDER BY id')).map(toRepo);
  }

  async latestSnapshot(repoId: string): Promise<SnapshotRecord | null> {
    const r = (
      await this.db.query(
        `SELECT * FROM snapshots WHERE repo_id = $1 AND status = 'ready' ORDER BY id DESC LIMIT 1`,
        [repoId],
      )
    )[0];
    return r ? toSnapshot(r) : null;
  }

  changeMark(): Promise<string> {
    return this.db.changeMark();
  }

  async getSnapshot(id: number): Promise<SnapshotRecord | null> {
    const r = (await this.db.query('SELECT * FROM snapshots WHERE id = $1', [id]))[0];
    return r ? toSnapshot(r) : null;
  }

  async listSnapshots(repoId: string): Promise<SnapshotRecord[]> {
    return (await this.db.query('SELECT * FROM snapshots WHERE repo_id = $1 ORDER BY id', [repoId])).map(
      toSnapshot,
    );
  }

  async snapshotStats(snapshotId: number): Promise<SnapshotStats | null> {
    const r = (
      await this.db.query('SELECT stats_json FROM snapshot_meta WHERE snapshot_id = $1', [snapshotId])
    )[0];
    return r ? (JSON.parse(String(r.stats_json)) as SnapshotStats) : null;
  }

  async countRows(snapshotId: number): Promise<{ files: number; symbols: number; edges: number }> {
    const r = (
      await this.db.query('SELECT files, symbols, edges FROM snapshot_meta WHERE snapshot_id = $1', [
        snapshotId,
      ])
    )[0];
    return r
      ? { files: Number(r.files), symbols: Number(r.symbols), edges: Number(r.edges) }
      : { files: 0, symbols: 0, edges: 0 };
  }

  async listFiles(snapshotId: number, prefix = ''): Promise<FileRecord[]> {
    const rows =
      prefix === ''
        ? await this.db.query(`SELECT g.* FROM ${SNAPSHOT_FILES} ORDER BY g.path`, [snapshotId])
        : await this.db.query(
            `SELECT g.* FROM ${SNAPSHOT_FILES} AND substr(g.path, 1, $2) = $3 ORDER BY g.path`,
            [snapshotId, prefix.length, prefix],
          );
    return rows.map(toFile);
  }

  async getFile(snapshotId: number, path: string): Promise<FileRecord | null> {
    const r = (
      await this.db.query(`SELECT g.* FROM ${SEGMENT_BY_PATH} WHERE g.path = $2 AND g.git_oid IS NOT NULL`, [
        snapshotId,
        path,
      ])
    )[0];
    return r ? toFile(r) : null;
  }

  async symbolsById(snapshotId: number, ids: readonly string[]): Promise<Map<string, SymbolRow>> {
    const out = new Map<string, SymbolRow>();
    if (ids.length === 0) return out;
    for (const r of await this.db.query(
      `SELECT ${SYM} FROM symbols s ${inSnapshot('s')} ${FILE_JOIN} WHERE s.id = ANY($2::text[])`,
      [snapshotId, [...new Set(ids)]],
    )) {
      const row = readSymbolRow(r);
      out.set(row.id, row);
    }
    return out;
  }

  async findSymbolsByQualifiedName(
    snapshotId: number,
    qualifiedName: string,
    limit = 50,
  ): Promise<SymbolRow[]> {
    return (
      await this.db.query(rankedSymbols('s.qualified_name = $2', 's.path, s.start_line', '$3'), [
        snapshotId,
        qualifiedName,
        limit,
      ])
    ).map(readSymbolRow);
  }

  async findSymbolsByName(snapshotId: number, name: string, limit = 50): Promise<SymbolRow[]> {
    return (
      await this.db.query(rankedSymbols('s.name = $2', 's.path, s.start_line', '$3'), [
        snapshotId,
        name,
        limit,
      ])
    ).map(readSymbolRow);
  }

  async findSymbolsAtLine(snapshotId: number, path: string, line: number): Promise<SymbolRow[]> {
    return (
      await this.db.query(
        `SELECT ${SYM} FROM ${FILE_SYMBOLS} WHERE g.path = $2 AND s.start_line <= $3 AND s.end_line >= $3
         ORDER BY s.end_line - s.start_line, s.start_line DESC, s.kind = 'module'`,
        [snapshotId, path, line],
      )
    ).map(readSymbolRow);
  }

  async symbolsOfFile(snapshotId: number, path: string): Promise<SymbolRow[]> {
    return (
      await this.db.query(
        `SELECT ${SYM} FROM ${FILE_SYMBOLS} WHERE g.path = $2 ORDER BY s.start_line, s.end_line DESC, s.id`,
        [snapshotId, path],
      )
    ).map(readSymbolRow);
  }

  async edgesFrom(snapshotId: number, callerIds: readonly string[]): Promise<EdgeWithSymbol[]> {
    if (callerIds.length === 0) return [];
    return (
      await this.db.query(
        `SELECT ${EDGE}, ${SYM} FROM edges e ${inSnapshot('e')} JOIN symbols s ON s.id = e.callee_id ${inSnapshot('s')}
         ${FILE_JOIN} WHERE e.caller_id = ANY($2::text[]) AND e.callee_id IS NOT NULL ORDER BY k_e.edge_order, e.seq`,
        [snapshotId, [...new Set(callerIds)]],
      )
    ).map((r) => ({ edge: edgeFromAliased(r), symbol: readSymbolRow(r) }));
  }

  async edgesTo(snapshotId: number, calleeIds: readonly string[]): Promise<EdgeWithSymbol[]> {
    if (calleeIds.length === 0) return [];
    return (
      await this.db.query(
        `SELECT ${EDGE}, ${SYM} FROM edges e ${inSnapshot('e')} JOIN symbols s ON s.id = e.caller_id ${inSnapshot('s')}
         ${FILE_JOIN} WHERE e.callee_id = ANY($2::text[]) ORDER BY k_e.edge_order, e.seq`,
        [snapshotId, [...new Set(calleeIds)]],
      )
    ).map((r) => ({ edge: edgeFromAliased(r), symbol: readSymbolRow(r) }));
  }

  async unresolvedEdgesFrom(snapshotId: number, callerIds: readonly string[]): Promise<Edge[]> {
    if (callerIds.length === 0) return [];
    return (
      await this.db.query(
        `SELECT e.* FROM edges e ${inSnapshot('e')}
         WHERE e.caller_id = ANY($2::text[]) AND e.callee_id IS NULL ORDER BY k_e.edge_order, e.seq`,
        [snapshotId, [...new Set(callerIds)]],
      )
    ).map(toEdge);
  }

  async unresolvedMayCall(snapshotId: number, names: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (names.length === 0) return out;
    for (const r of await this.db.query(
      'SELECT name, call_sites FROM unresolved_names WHERE snapshot_id = $1 AND name = ANY($2::text[])',
      [snapshotId, [...new Set(names)]],
    )) {
      out.set(String(r.name), Number(r.call_sites));
    }
    return out;
  }

  async countUnresolved(snapshotId: number): Promise<number> {
    const r = (
      await this.db.query('SELECT unresolved_call_sites FROM snapshot_meta WHERE snapshot_id = $1', [
        snapshotId,
      ])
    )[0];
    return r ? Number(r.unresolved_call_sites) : 0;
  }

  async testsReaching(
    snapshotId: number,
    symbolIds: readonly string[],
  ): Promise<Array<{ reach: TestReach; test: SymbolRow }>> {
    if (symbolIds.length === 0) return [];
    return (
      await this.db.query(
        `SELECT t.symbol_id, t.test_id, t.depth, t.confidence, ${SYM}
         FROM test_reach t ${inSnapshot('t')} JOIN symbols s ON s.id = t.test_id ${inSnapshot('s')} ${FILE_JOIN}
         WHERE t.symbol_id = ANY($2::text[])`,
        [snapshotId, [...new Set(symbolIds)]],
      )
    ).map((r) => ({
      reach: {
        symbolId: String(r.symbol_id),
        testId: String(r.test_id),
        depth: Number(r.depth),
        confidence: Number(r.confidence),
      },
      test: readSymbolRow(r),
    }));
  }

  async callerCounts(snapshotId: number, symbolIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (symbolIds.length === 0) return out;
    for (const r of await this.db.query(
      `SELECT e.callee_id, COUNT(DISTINCT e.caller_id) AS n FROM edges e ${inSnapshot('e')}
       WHERE e.callee_id = ANY($2::text[]) GROUP BY e.callee_id`,
      [snapshotId, [...new Set(symbolIds)]],
    )) {
      out.set(String(r.callee_id), Number(r.n));
    }
    return out;
  }

  async mostCalled(snapshotId: number, limit: number): Promise<RankedSymbol[]> {
    return (await this.db.query(rankedSymbols('s.callers > 0', BY_CALLERS, '$2'), [snapshotId, limit])).map(
      ranked,
    );
  }

  async untestedHotspots(snapshotId: number, limit: number): Promise<RankedSymbol[]> {
    return (
      await this.db.query(
        rankedSymbols(
          `s.callers > 0 AND NOT s.is_test AND s.kind NOT IN ('module', 'test')
           AND NOT EXISTS (SELECT 1 FROM test_reach t WHERE t.segment_id = s.segment_id AND t.symbol_id = s.id)`,
          BY_CALLERS,
          '$2',
        ),
        [snapshotId, limit],
      )
    ).map(ranked);
  }

  async searchSymbols(snapshotId: number, search: SymbolSearch): Promise<RankedSymbol[]> {
    const q = search.q.toLowerCase();
    const kind = search.kind ?? null;
    const tier = (match: string, limit: string): string =>
      rankedSymbols(`($2::text IS NULL OR s.kind = $2) AND ${match}`, RANK, limit);
    let rows: Row[];
    switch (search.mode) {
      case 'exact':
        rows = await this.db.query(tier('s.name_lower = $3', '$4'), [snapshotId, kind, q, search.limit]);
        break;
      case 'prefix':
        rows = await this.db.query(tier('s.name_lower > $3 AND s.name_lower < $4', '$5'), [
          snapshotId,
          kind,
          q,
          q + RANGE_END,
          search.limit,
        ]);
        break;
      case 'humps':
        // Prefix matches (exact ones included) were listed in the tier before.
        rows = await this.db.query(
          tier('s.humps >= $3 AND s.humps < $4 AND left(s.name_lower, $5) != $3', '$6'),
          [snapshotId, kind, q, q + RANGE_END, [...q].length, search.limit],
        );
        break;
      case 'substring':
        if ([...q].length < 3) return [];
        // The trigram index finds names containing the substring; prefix and humps matches were listed before.
        rows = await this.db.query(
          tier('s.name_lower LIKE $3 AND left(s.name_lower, $4) != $5 AND left(s.humps, $4) != $5', '$6'),
          [snapshotId, kind, `%${likeEscape(q)}%`, [...q].length, q, search.limit],
        );
        break;
    }
    return rows.map(ranked);
  }

  async similarNames(snapshotId: number, name: string, limit: number): Promise<string[]> {
    const lower = name.toLowerCase();
    const out = new Set<string>();
    const chars = [...lower];
    const grams = new Set<string>();
    for (let i = 0; i + 3 <= chars.length && grams.size < 16; i++) grams.add(chars.slice(i, i + 3).join(''));
    if (grams.size > 0) {
      for (const r of await this.db.query(
        `SELECT DISTINCT s.name FROM symbols s ${inSnapshot('s')} WHERE s.name_lower LIKE ANY($2::text[]) LIMIT $3`,
        [snapshotId, [...grams].map((g) => `%${likeEscape(g)}%`), limit],
      )) {
        out.add(String(r.name));
      }
    }
    const head = chars.slice(0, 2).join('');
    if (head !== '') {
      for (const r of await this.db.query(
        `SELECT DISTINCT s.name FROM symbols s ${inSnapshot('s')} WHERE s.name_lower >= $2 AND s.name_lower < $3 LIMIT $4`,
        [snapshotId, head, head + RANGE_END, limit],
      )) {
        out.add(String(r.name));
      }
    }
    return [...out];
  }

  async similarPaths(snapshotId: number, path: string, limit: number): Promise<string[]> {
    const out = new Set<string>();
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base !== '') {
      for (const r of await this.db.query(
        `SELECT g.path FROM ${SNAPSHOT_FILES} AND (g.path = $2 OR right(g.path, $3) = $4) ORDER BY g.path LIMIT $5`,
        [snapshotId, base, base.length + 1, `/${base}`, limit],
      )) {
        out.add(String(r.path));
      }
    }
    const parts = path.split('/').slice(0, -1);
    while (parts.length > 0) {
      const dir = `${parts.join('/')}/`;
      const rows = await this.db.query(
        `SELECT g.path FROM ${SEGMENT_BY_PATH} WHERE g.path > $2 AND g.path < $3 AND g.git_oid IS NOT NULL
         ORDER BY g.path LIMIT $4`,
        [snapshotId, dir, dir + RANGE_END, limit],
      );
      if (rows.length > 0) {
        for (const r of rows) out.add(String(r.path));
        break;
      }
      parts.pop();
    }
    if (out.size === 0) {
      for (const r of await this.db.query(`SELECT g.path FROM ${SNAPSHOT_FILES} ORDER BY g.path LIMIT $2`, [
        snapshotId,
        limit,
      ]))
        out.add(String(r.path));
    }
    return [...out];
  }

  async languageCounts(snapshotId: number): Promise<Record<string, number>> {
    // Counted at publish (or by migration 4) into the meta row; a snapshot without one links no files.
    const out: Record<string, number> = {};
    for (const r of await this.db.query(
      `SELECT c.key AS language, c.value AS n FROM snapshot_meta m, json_each_text(m.language_counts::json) c
       WHERE m.snapshot_id = $1 ORDER BY c.key`,
      [snapshotId],
    )) {
      out[String(r.language)] = Number(r.n);
    }
    return out;
  }

  async *iterateSymbols(snapshotId: number): AsyncIterable<SymbolRow> {
    // Pages by file (a symbol's path is its segment's): each page is two short queries, nothing is held open between.
    let after = '';
    let first = true;
    for (;;) {
      const segments = await this.db.query(
        `SELECT g.id, g.path FROM snapshot_segments k JOIN segments g ON g.id = k.segment_id
         WHERE k.snapshot_id = $1 AND ($2::boolean OR g.path > $3) ORDER BY g.path LIMIT ${SEGMENT_PAGE}`,
        [snapshotId, first, after],
      );
      if (segments.length === 0) return;
      const rows = await this.db.query(
        `SELECT ${SYM} FROM symbols s ${FILE_JOIN} WHERE s.segment_id = ANY($1::bigint[])
         ORDER BY s.path, s.start_line, s.id`,
        [segments.map((r) => Number(r.id))],
      );
      for (const r of rows) yield readSymbolRow(r);
      if (segments.length < SEGMENT_PAGE) return;
      first = false;
      after = String(segments[segments.length - 1]?.path);
    }
  }

  async *iterateEdges(snapshotId: number): AsyncIterable<ExportedEdge> {
    // Pages by segment in the snapshot's edge order; an edge's caller is a symbol of its own segment.
    let after = -1;
    for (;;) {
      const segments = await this.db.query(
        `SELECT segment_id, edge_order FROM snapshot_segments WHERE snapshot_id = $1 AND edge_order > $2
         ORDER BY edge_order LIMIT ${SEGMENT_PAGE}`,
        [snapshotId, after],
      );
      if (segments.length === 0) return;
      const rows = await this.db.query(
        `SELECT e.*, cs.path AS caller_path, cs.start_line AS caller_line, ce.path AS callee_path, ce.start_line AS callee_line
         FROM snapshot_segments k JOIN edges e ON e.segment_id = k.segment_id
         LEFT JOIN symbols cs ON cs.id = e.caller_id AND cs.segment_id = e.segment_id
         LEFT JOIN (symbols ce ${inSnapshot('ce', 'kc')}) ON ce.id = e.callee_id
         WHERE k.snapshot_id = $1 AND k.segment_id = ANY($2::bigint[]) ORDER BY k.edge_order, e.seq`,
        [snapshotId, segments.map((r) => Number(r.segment_id))],
      );
      for (const r of rows) {
        const edge = toEdge(r);
        yield {
          ...edge,
          callerPath:
            r.caller_path === null
              ? edge.callerId.slice(0, Math.max(0, edge.callerId.indexOf('::')))
              : String(r.caller_path),
          callerLine: r.caller_line === null ? 0 : Number(r.caller_line),
          calleePath: r.callee_path === null ? null : String(r.callee_path),
          calleeLine: r.callee_line === null ? null : Number(r.callee_line),
        };
      }
      if (segments.length < SEGMENT_PAGE) return;
      after = Number(segments[segments.length - 1]?.edge_order);
    }
  }
}

class PgCache implements AnalysisCache {
  constructor(private readonly db: PostgresStorage) {}

  async knownGitObjects(oids: readonly string[]): Promise<Map<string, GitObjectInfo>> {
    const out = new Map<string, GitObjectInfo>();
    if (oids.length === 0) return out;
    for (const r of await this.db.query('SELECT * FROM git_objects WHERE oid = ANY($1::text[])', [
      [...new Set(oids)],
    ])) {
      out.set(String(r.oid), {
        oid: String(r.oid),
        sha256: String(r.sha256),
        size: Number(r.size),
        lines: r.line_count === null ? null : Number(r.line_count),
        eol: (r.eol as GitObjectInfo['eol']) ?? null,
        content: r.content as GitObjectInfo['content'],
      });
    }
    return out;
  }

  async rememberGitObjects(objects: readonly GitObjectInfo[]): Promise<void> {
    if (objects.length === 0) return;
    const byOid = new Map(objects.map((o) => [o.oid, o]));
    const list = [...byOid.values()];
    await this.db.query(
      `INSERT INTO git_objects (oid, sha256, size, line_count, eol, content)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[])
       ON CONFLICT (oid) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, line_count = excluded.line_count,
         eol = excluded.eol, content = excluded.content`,
      [
        list.map((o) => o.oid),
        list.map((o) => o.sha256),
        list.map((o) => o.size),
        list.map((o) => o.lines),
        list.map((o) => o.eol),
        list.map((o) => o.content),
      ],
    );
  }

  async getCachedFacts(
    keys: readonly { blobSha256: string; pluginId: string; analyzerVersion: string; path: string }[],
  ): Promise<Map<string, FileFacts>> {
    const out = new Map<string, FileFacts>();
    if (keys.length === 0) return out;
    const rows = await this.db.query(
      `SELECT f.blob_sha256, f.plugin_id, f.analyzer_version, f.path, f.facts FROM facts_cache f
       JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(b, p, v, pa)
         ON f.blob_sha256 = k.b AND f.plugin_id = k.p AND f.analyzer_version = k.v AND f.path = k.pa`,
      [
        keys.map((k) => k.blobSha256),
        keys.map((k) => k.pluginId),
        keys.map((k) => k.analyzerVersion),
        keys.map((k) => k.path),
      ],
    );
    for (const r of rows) {
      try {
        out.set(
          factsKeyString({
            blobSha256: String(r.blob_sha256),
            pluginId: String(r.plugin_id),
            analyzerVersion: String(r.analyzer_version),
            path: String(r.path),
          }),
          unpackFacts(r.facts as Buffer),
        );
      } catch {
        // A damaged cache entry is only a cache miss: the file is analysed again.
      }
    }
    return out;
  }

  async putCachedFacts(
    entries: ReadonlyArray<{
      key: { blobSha256: string; pluginId: string; analyzerVersion: string; path: string };
      packed: Uint8Array;
    }>,
  ): Promise<void> {
    if (entries.length === 0) return;
    const unique = [...new Map(entries.map((e) => [factsKeyString(e.key), e])).values()];
    await this.db.query(
      `INSERT INTO facts_cache (blob_sha256, plugin_id, analyzer_version, path, facts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
       ON CONFLICT (blob_sha256, plugin_id, analyzer_version, path) DO UPDATE SET facts = excluded.facts`,
      [
        unique.map((e) => e.key.blobSha256),
        unique.map((e) => e.key.pluginId),
        unique.map((e) => e.key.analyzerVersion),
        unique.map((e) => e.key.path),
        unique.map((e) => Buffer.from(e.packed)),
      ],
    );
  }
}

class PgMaintenance implements Maintenance {
  constructor(private readonly db: PostgresStorage) {}

  async deleteOldSnapshots(): Promise<number> {
    const ids = await this.db.query(
      `SELECT s.id FROM snapshots s WHERE s.status = 'ready' AND s.id != (
         SELECT MAX(t.id) FROM snapshots t WHERE t.repo_id = s.repo_id AND t.status = 'ready')
       UNION SELECT id FROM snapshots WHERE status = 'failed'`,
    );
    return deleteSnapshots(
      this.db,
      ids.map((r) => Number(r.id)),
    );
  }

  /** Search keys live on the symbol rows here, so they go with their snapshot: nothing is left to prune. */
  async pruneSearchNames(): Promise<number> {
    return 0;
  }

  async storedRowCounts(): Promise<StoredRowCounts> {
    return storedRowCounts((sql) => this.db.query(sql));
  }

  async referencedBlobs(): Promise<Set<string>> {
    const rows = await this.db.query(
      // Every stored segment is linked: removing snapshots drops the segments they alone had.
      'SELECT DISTINCT blob_sha256 AS s FROM segments WHERE blob_sha256 IS NOT NULL AND git_oid IS NOT NULL',
    );
    return new Set(rows.map((r) => String(r.s)));
  }

  async blobSources(sha256: string): Promise<BlobSource[]> {
    const rows = await this.db.query(
      `SELECT DISTINCT r.id AS repo_id, r.git_dir AS git_dir, g.git_oid AS git_oid
       FROM segments g JOIN snapshot_segments k ON k.segment_id = g.id JOIN snapshots s ON s.id = k.snapshot_id
       JOIN repos r ON r.id = s.repo_id
       WHERE g.blob_sha256 = $1 AND g.git_oid IS NOT NULL ORDER BY 1, 3`,
      [sha256],
    );
    return rows.map((r) => ({
      repoId: String(r.repo_id),
      gitDir: String(r.git_dir),
      gitOid: String(r.git_oid),
    }));
  }

  async forgetBlobs(sha256s: readonly string[]): Promise<void> {
    if (sha256s.length === 0) return;
    await this.db.transaction(async (client) => {
      await client.query('DELETE FROM git_objects WHERE sha256 = ANY($1::text[])', [sha256s]);
      await client.query('DELETE FROM facts_cache WHERE blob_sha256 = ANY($1::text[])', [sha256s]);
    });
  }
}

class PgLeases implements Leases {
  constructor(private readonly db: PostgresStorage) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    // One statement: the row lock of ON CONFLICT makes racing holders take turns, and only one finds it free.
    const rows = await this.db.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
       RETURNING holder`,
      [name, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE leases SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE name = $1 AND holder = $2 AND expires_at > clock_timestamp() RETURNING name`,
      [name, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async live(): Promise<LeaseRecord[]> {
    return (
      await this.db.query(
        `SELECT name, holder, (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms FROM leases
         WHERE expires_at > clock_timestamp() ORDER BY name`,
      )
    ).map((r) => ({ name: String(r.name), holder: String(r.holder), expiresAt: Number(r.expires_ms) }));
  }
}

/**
 * language → files of a snapshot's file list, as its files rows answer (one row per path, the last listed; files
 * without a language left out). Stored with the snapshot's meta row so that reading it is one row, not a count over
 * every segment the snapshot links.
 */
export function languageCountsOf(files: readonly FileRecord[]): Record<string, number> {
  const byPath = new Map<string, FileRecord>();
  for (const f of files) byPath.set(f.path, f);
  const out: Record<string, number> = {};
  for (const f of byPath.values()) if (f.language !== null) out[f.language] = (out[f.language] ?? 0) + 1;
  return out;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function readSymbolRow(r: Row): SymbolRow {
  return { ...toSymbolRecord(r), blobSha256: (r.file_blob as string | null) ?? null };
}

function edgeFromAliased(r: Row): Edge {
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
  return { symbol: readSymbolRow(r), callers: Number(r.rank_callers), isTest: r.rank_test === true };
}
