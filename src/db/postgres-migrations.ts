/**
 * Versioned schema migrations of the PostgreSQL adapter. Append a new entry to change the schema; never edit a
 * released one. `codehub_schema` records how many have been applied.
 *
 * Text that is sorted or range-scanned (ids, paths, names, search keys) is `COLLATE "C"`: byte order, the order
 * SQLite's BINARY collation gives, so both adapters rank and page alike. Snapshot tables carry no foreign keys: a
 * publish writes hundreds of thousands of rows with COPY, and rows are deleted with their snapshot explicitly.
 */
import type pg from 'pg';
import { convertSnapshotsToSegments } from './postgres-segments.js';

/** SQL, or SQL and a step in code run after it in the same transaction. */
export type PostgresMigration = string | { sql: string; then: (client: pg.PoolClient) => Promise<void> };

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;

  CREATE TABLE repos (
    id TEXT COLLATE "C" PRIMARY KEY,
    source TEXT NOT NULL,
    git_dir TEXT NOT NULL,
    web_url TEXT
  );

  CREATE TABLE snapshots (
    id BIGSERIAL PRIMARY KEY,
    repo_id TEXT COLLATE "C" NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    commit_sha TEXT NOT NULL,
    ref TEXT,
    indexed_at TEXT NOT NULL,
    analyzer_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('building', 'ready', 'failed')),
    error TEXT
  );
  CREATE INDEX snapshots_by_repo ON snapshots(repo_id, status, id);

  CREATE TABLE files (
    snapshot_id BIGINT NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    blob_sha256 TEXT,
    git_oid TEXT NOT NULL,
    mode TEXT NOT NULL,
    language TEXT,
    size BIGINT NOT NULL,
    line_count INTEGER,
    eol TEXT,
    skip_reason TEXT,
    target TEXT,
    PRIMARY KEY (snapshot_id, path)
  );
  CREATE INDEX files_by_blob ON files(blob_sha256);

  -- One row per symbol with its search keys (derived in pure code and handed over with the snapshot).
  CREATE TABLE symbols (
    snapshot_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    local_id TEXT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    qualified_name TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    signature TEXT NOT NULL,
    return_type TEXT,
    exported BOOLEAN NOT NULL,
    doc TEXT,
    parent TEXT,
    extends_json TEXT,
    implements_json TEXT,
    value_type_json TEXT,
    is_static BOOLEAN,
    name_lower TEXT COLLATE "C" NOT NULL,
    humps TEXT COLLATE "C" NOT NULL,
    is_test BOOLEAN NOT NULL,
    callers INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, id)
  );
  CREATE INDEX symbols_by_name ON symbols(snapshot_id, name);
  CREATE INDEX symbols_by_qualified_name ON symbols(snapshot_id, qualified_name);
  CREATE INDEX symbols_by_location ON symbols(snapshot_id, path, start_line);
  CREATE INDEX symbols_by_name_lower ON symbols(snapshot_id, name_lower);
  CREATE INDEX symbols_by_humps ON symbols(snapshot_id, humps);
  CREATE INDEX symbols_by_callers ON symbols(snapshot_id, callers);
  CREATE INDEX symbols_name_trgm ON symbols USING gin (name_lower gin_trgm_ops);

  CREATE TABLE edges (
    snapshot_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    caller_id TEXT COLLATE "C" NOT NULL,
    callee_id TEXT COLLATE "C",
    callee_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    confidence DOUBLE PRECISION,
    lines_json TEXT NOT NULL,
    candidates INTEGER
  );
  CREATE INDEX edges_by_caller ON edges(snapshot_id, caller_id);
  CREATE INDEX edges_by_callee ON edges(snapshot_id, callee_id);

  CREATE TABLE test_reach (
    snapshot_id BIGINT NOT NULL,
    symbol_id TEXT COLLATE "C" NOT NULL,
    test_id TEXT COLLATE "C" NOT NULL,
    depth INTEGER NOT NULL,
    confidence DOUBLE PRECISION NOT NULL
  );
  CREATE INDEX test_reach_by_symbol ON test_reach(snapshot_id, symbol_id);

  CREATE TABLE unresolved_names (
    snapshot_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    call_sites INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, name)
  );

  -- Stats, row counts and the unresolved total, written with the snapshot.
  CREATE TABLE snapshot_meta (
    snapshot_id BIGINT PRIMARY KEY,
    stats_json TEXT NOT NULL,
    files INTEGER NOT NULL,
    symbols INTEGER NOT NULL,
    edges INTEGER NOT NULL,
    unresolved_call_sites INTEGER NOT NULL
  );

  CREATE TABLE facts_cache (
    blob_sha256 TEXT NOT NULL,
    plugin_id TEXT NOT NULL,
    analyzer_version TEXT NOT NULL,
    path TEXT NOT NULL,
    facts BYTEA NOT NULL,
    PRIMARY KEY (blob_sha256, plugin_id, analyzer_version, path)
  );

  CREATE TABLE git_objects (
    oid TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    line_count INTEGER,
    eol TEXT,
    content TEXT NOT NULL
  );
  CREATE INDEX git_objects_by_sha ON git_objects(sha256);

  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  );

  -- Moves on every publish and every removal of snapshots: readers' change mark.
  CREATE TABLE generation (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    value BIGINT NOT NULL
  );
  INSERT INTO generation (value) VALUES (0);
  `,
  // 2: index jobs as users see them (pg-boss, in schema pgboss, delivers them), tracked refs, API tokens (sha256 only).
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    url TEXT NOT NULL,
    ref TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    commit_sha TEXT,
    progress TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    holder TEXT,
    heartbeat_at TIMESTAMPTZ,
    snapshot_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ
  );
  CREATE INDEX jobs_by_created ON jobs(created_at);
  CREATE INDEX jobs_live ON jobs(state) WHERE state IN ('queued', 'running');
  CREATE INDEX jobs_by_key ON jobs(dedupe_key) WHERE state = 'queued';

  CREATE TABLE tracked_refs (
    repo TEXT NOT NULL,
    ref TEXT NOT NULL,
    url TEXT NOT NULL,
    interval_seconds INTEGER NOT NULL,
    next_run_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (repo, ref)
  );

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'read')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
  );
  `,
  // 3: snapshots share rows (as SQLite's migration 6): files rows, symbols with their search keys, edges and tested-by
  // rows move into per-file segments named by a digest of their content, linked to the snapshots that have them. Existing
  // snapshots are converted: their rows are read back, split into segments and written once each.
  {
    sql: `
  DROP INDEX symbols_by_name, symbols_by_qualified_name, symbols_by_location, symbols_by_name_lower,
    symbols_by_humps, symbols_by_callers, symbols_name_trgm, edges_by_caller, edges_by_callee, test_reach_by_symbol;
  DROP INDEX files_by_blob;
  ALTER TABLE files DROP CONSTRAINT files_pkey;
  ALTER TABLE files RENAME TO files_v2;
  CREATE INDEX files_v2_by_snapshot ON files_v2(snapshot_id);
  ALTER TABLE symbols DROP CONSTRAINT symbols_pkey;
  ALTER TABLE symbols RENAME TO symbols_v2;
  ALTER TABLE edges RENAME TO edges_v2;
  ALTER TABLE test_reach RENAME TO test_reach_v2;
  CREATE INDEX symbols_v2_by_snapshot ON symbols_v2(snapshot_id, seq);
  CREATE INDEX edges_v2_by_snapshot ON edges_v2(snapshot_id, seq);
  CREATE INDEX test_reach_v2_by_snapshot ON test_reach_v2(snapshot_id);

  -- One file of one or more snapshots, stored once: its files row (git_oid is null when the rows name a path the
  -- file list does not have) and, in the tables below, its rows. digest = sha256 of path, files row and rows.
  CREATE TABLE segments (
    id BIGSERIAL PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    path TEXT COLLATE "C" NOT NULL,
    blob_sha256 TEXT,
    git_oid TEXT,
    mode TEXT,
    language TEXT,
    size BIGINT,
    line_count INTEGER,
    eol TEXT,
    skip_reason TEXT,
    target TEXT
  );
  CREATE INDEX segments_by_path ON segments(path);
  CREATE INDEX segments_by_blob ON segments(blob_sha256);

  -- The segments of a snapshot, with where their rows stand in the snapshot's symbol and edge lists.
  CREATE TABLE snapshot_segments (
    snapshot_id BIGINT NOT NULL,
    segment_id BIGINT NOT NULL,
    symbol_order INTEGER NOT NULL,
    edge_order INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, segment_id)
  );
  CREATE INDEX snapshot_segments_by_segment ON snapshot_segments(segment_id);

  -- seq: the row's place in its segment.
  CREATE TABLE symbols (
    segment_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    local_id TEXT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    qualified_name TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    signature TEXT NOT NULL,
    return_type TEXT,
    exported BOOLEAN NOT NULL,
    doc TEXT,
    parent TEXT,
    extends_json TEXT,
    implements_json TEXT,
    value_type_json TEXT,
    is_static BOOLEAN,
    name_lower TEXT COLLATE "C" NOT NULL,
    humps TEXT COLLATE "C" NOT NULL,
    is_test BOOLEAN NOT NULL,
    callers INTEGER NOT NULL,
    PRIMARY KEY (id, segment_id)
  );
  CREATE INDEX symbols_by_name ON symbols(name);
  CREATE INDEX symbols_by_qualified_name ON symbols(qualified_name);
  CREATE INDEX symbols_by_segment ON symbols(segment_id, start_line);
  CREATE INDEX symbols_by_name_lower ON symbols(name_lower);
  CREATE INDEX symbols_by_humps ON symbols(humps);
  CREATE INDEX symbols_by_callers ON symbols(callers);
  CREATE INDEX symbols_name_trgm ON symbols USING gin (name_lower gin_trgm_ops);

  CREATE TABLE edges (
    segment_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    caller_id TEXT COLLATE "C" NOT NULL,
    callee_id TEXT COLLATE "C",
    callee_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    confidence DOUBLE PRECISION,
    lines_json TEXT NOT NULL,
    candidates INTEGER
  );
  CREATE INDEX edges_by_caller ON edges(caller_id);
  CREATE INDEX edges_by_callee ON edges(callee_id);
  CREATE INDEX edges_by_segment ON edges(segment_id, seq);

  CREATE TABLE test_reach (
    segment_id BIGINT NOT NULL,
    symbol_id TEXT COLLATE "C" NOT NULL,
    test_id TEXT COLLATE "C" NOT NULL,
    depth INTEGER NOT NULL,
    confidence DOUBLE PRECISION NOT NULL
  );
  CREATE INDEX test_reach_by_symbol ON test_reach(symbol_id);
  CREATE INDEX test_reach_by_segment ON test_reach(segment_id);
  `,
    then: convertSnapshotsToSegments,
  },
  // 4: a snapshot's language → file count is stored with its meta row at publish (counting it meant joining every link
  // of the snapshot to its segment); existing snapshots get theirs counted from their files rows here.
  `
  ALTER TABLE snapshot_meta ADD COLUMN language_counts TEXT;
  UPDATE snapshot_meta m SET language_counts = (
    SELECT COALESCE(json_object_agg(c.language, c.n ORDER BY c.language), '{}')::text FROM (
      SELECT g.language, COUNT(*) AS n FROM snapshot_segments k JOIN segments g ON g.id = k.segment_id
      WHERE k.snapshot_id = m.snapshot_id AND g.git_oid IS NOT NULL AND g.language IS NOT NULL
      GROUP BY g.language) c);
  `,
];
