/**
 * Versioned schema migrations of the SQLite adapter. Append a new entry to change the schema; never
 * edit a released one. `user_version` records how many have been applied. An entry is SQL, or SQL and a step in
 * code run after it in the same transaction.
 */
import type Database from 'better-sqlite3';
import { convertSnapshotsToSegments } from './sqlite-segments.js';

export type Migration = string | { sql: string; then: (db: Database.Database) => void };

export const MIGRATIONS: readonly Migration[] = [
  // 1: repositories, snapshots, files, symbols, edges, tested-by, stats, caches.
  `
  CREATE TABLE repos (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    git_dir TEXT NOT NULL,
    web_url TEXT
  );

  CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id TEXT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    commit_sha TEXT NOT NULL,
    ref TEXT,
    indexed_at TEXT NOT NULL,
    analyzer_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('building', 'ready', 'failed')),
    error TEXT
  );
  CREATE INDEX snapshots_by_repo ON snapshots(repo_id, status, id);

  CREATE TABLE files (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    blob_sha256 TEXT,
    git_oid TEXT NOT NULL,
    mode TEXT NOT NULL,
    language TEXT,
    size INTEGER NOT NULL,
    line_count INTEGER,
    eol TEXT,
    skip_reason TEXT,
    target TEXT,
    PRIMARY KEY (snapshot_id, path)
  ) WITHOUT ROWID;
  CREATE INDEX files_by_blob ON files(blob_sha256);

  CREATE TABLE symbols (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    local_id TEXT NOT NULL,
    name TEXT NOT NULL,
    qualified_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    signature TEXT NOT NULL,
    return_type TEXT,
    exported INTEGER NOT NULL,
    doc TEXT,
    parent TEXT,
    extends_json TEXT,
    implements_json TEXT,
    value_type_json TEXT,
    is_static INTEGER
  );
  CREATE UNIQUE INDEX symbols_by_id ON symbols(snapshot_id, id);
  CREATE INDEX symbols_by_name ON symbols(snapshot_id, name);
  CREATE INDEX symbols_by_qualified_name ON symbols(snapshot_id, qualified_name);
  CREATE INDEX symbols_by_location ON symbols(snapshot_id, path, start_line);

  -- Substring search on names: rowid = symbols.rowid.
  CREATE VIRTUAL TABLE symbol_names USING fts5(name, tokenize = 'trigram');

  CREATE TABLE edges (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    caller_id TEXT NOT NULL,
    callee_id TEXT,
    callee_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    confidence REAL,
    lines_json TEXT NOT NULL,
    candidates INTEGER
  );
  CREATE INDEX edges_by_caller ON edges(snapshot_id, caller_id);
  CREATE INDEX edges_by_callee ON edges(snapshot_id, callee_id);

  CREATE TABLE test_reach (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    symbol_id TEXT NOT NULL,
    test_id TEXT NOT NULL,
    depth INTEGER NOT NULL,
    confidence REAL NOT NULL
  );
  CREATE INDEX test_reach_by_symbol ON test_reach(snapshot_id, symbol_id);
  CREATE INDEX test_reach_by_test ON test_reach(snapshot_id, test_id);

  CREATE TABLE snapshot_stats (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
    stats_json TEXT NOT NULL
  );

  -- Per-file facts cache: brotli-compressed JSON FileFacts.
  CREATE TABLE facts_cache (
    blob_sha256 TEXT NOT NULL,
    plugin_id TEXT NOT NULL,
    analyzer_version TEXT NOT NULL,
    path TEXT NOT NULL,
    facts BLOB NOT NULL,
    PRIMARY KEY (blob_sha256, plugin_id, analyzer_version, path)
  ) WITHOUT ROWID;

  -- git blob oid -> what we learned reading it, so unchanged files are not re-read on a new commit.
  CREATE TABLE git_objects (
    oid TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    line_count INTEGER,
    eol TEXT,
    content TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX git_objects_by_sha ON git_objects(sha256);
  `,
  // 2: read-side indexes of the query service, derived from a snapshot's rows when it is published
  // (or on first query of an older snapshot). Cascade-deleted with their snapshot.
  `
  -- One row per symbol, rowid = symbols.rowid = symbol_names.rowid: ranking keys for search and hotspots.
  CREATE TABLE symbol_search (
    rowid INTEGER PRIMARY KEY,
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    name_lower TEXT NOT NULL,
    -- Initials of the camelCase / snake_case parts, lowercased: startDesktopFlow -> sdf.
    humps TEXT NOT NULL,
    kind TEXT NOT NULL,
    is_test INTEGER NOT NULL,
    callers INTEGER NOT NULL
  );
  CREATE INDEX symbol_search_by_name ON symbol_search(snapshot_id, name_lower);
  CREATE INDEX symbol_search_by_humps ON symbol_search(snapshot_id, humps);
  CREATE INDEX symbol_search_by_callers ON symbol_search(snapshot_id, callers);

  -- Unresolved call sites grouped by the last identifier of their callee text (this.flows.register -> register),
  -- so "could an unresolved call reach this symbol?" is one indexed lookup.
  CREATE TABLE unresolved_names (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    call_sites INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, name)
  ) WITHOUT ROWID;

  -- Marks snapshots whose read-side indexes are built.
  CREATE TABLE query_index (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
    unresolved_call_sites INTEGER NOT NULL
  );
  `,
  // 3: substring search over distinct names shared by all snapshots, instead of one trigram row per symbol per
  // snapshot: a re-index adds only names no snapshot had, and the trigram index is a fraction of the size.
  // Stored row counts per snapshot (older snapshots are counted on demand).
  `
  -- Every lowercased symbol name of any snapshot, once; joined to symbol_search on (snapshot_id, name_lower).
  -- Names no snapshot uses any more are dropped by gc.
  CREATE TABLE search_names (
    id INTEGER PRIMARY KEY,
    name_lower TEXT NOT NULL UNIQUE
  );
  CREATE VIRTUAL TABLE search_names_fts USING fts5(
    name_lower, content = 'search_names', content_rowid = 'id', tokenize = 'trigram'
  );
  INSERT INTO search_names (name_lower) SELECT DISTINCT name_lower FROM symbol_search;
  INSERT INTO search_names_fts (rowid, name_lower) SELECT id, name_lower FROM search_names;
  DROP TABLE symbol_names;

  -- Row counts written with the snapshot, so "already indexed" and the repo list need not count index entries.
  CREATE TABLE snapshot_counts (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
    files INTEGER NOT NULL,
    symbols INTEGER NOT NULL,
    edges INTEGER NOT NULL
  );
  `,
  // 4: leases (named, with a holder and an expiry), so locks need not be files on one host.
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: index jobs of the embedded queue (run in-process by serve), tracked refs, and API tokens (sha256 only).
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
    max_attempts INTEGER NOT NULL,
    retry_delay_ms INTEGER NOT NULL,
    run_after INTEGER NOT NULL,
    holder TEXT,
    heartbeat_at INTEGER,
    snapshot_id INTEGER,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
  );
  CREATE INDEX jobs_by_state ON jobs(state, run_after);
  CREATE INDEX jobs_by_created ON jobs(created_at);
  CREATE INDEX jobs_by_key ON jobs(dedupe_key, state);

  CREATE TABLE tracked_refs (
    repo TEXT NOT NULL,
    ref TEXT NOT NULL,
    url TEXT NOT NULL,
    interval_seconds INTEGER NOT NULL,
    next_run_at INTEGER NOT NULL,
    PRIMARY KEY (repo, ref)
  ) WITHOUT ROWID;

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'read')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER
  );
  `,
  // 6: snapshots share rows. Files rows, symbols, search keys, edges and tested-by rows move into per-file segments
  // named by a digest of their content (segments.ts); a snapshot links the segments it has, so a commit that changes
  // one file stores that file's segment (and those whose callers counts or tested-by rows moved), not a copy of every
  // row.
  // Existing snapshots are converted: their rows are read back, split into segments and written once each.
  {
    sql: `
  DROP INDEX symbols_by_id;
  DROP INDEX symbols_by_name;
  DROP INDEX symbols_by_qualified_name;
  DROP INDEX symbols_by_location;
  DROP INDEX edges_by_caller;
  DROP INDEX edges_by_callee;
  DROP INDEX test_reach_by_symbol;
  DROP INDEX test_reach_by_test;
  DROP INDEX symbol_search_by_name;
  DROP INDEX symbol_search_by_humps;
  DROP INDEX symbol_search_by_callers;
  DROP INDEX files_by_blob;
  ALTER TABLE files RENAME TO files_v5;
  ALTER TABLE symbols RENAME TO symbols_v5;
  ALTER TABLE edges RENAME TO edges_v5;
  ALTER TABLE test_reach RENAME TO test_reach_v5;
  ALTER TABLE symbol_search RENAME TO symbol_search_v5;
  CREATE INDEX symbols_v5_by_snapshot ON symbols_v5(snapshot_id);
  CREATE INDEX edges_v5_by_snapshot ON edges_v5(snapshot_id);
  CREATE INDEX test_reach_v5_by_snapshot ON test_reach_v5(snapshot_id);
  DELETE FROM unresolved_names WHERE snapshot_id NOT IN (SELECT id FROM snapshots);
  DELETE FROM query_index WHERE snapshot_id NOT IN (SELECT id FROM snapshots);

  -- One file of one or more snapshots, stored once: its files row (git_oid is null when the rows name a path the
  -- file list does not have) and, in the tables below, its rows. digest = sha256 of path, files row and rows.
  CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    blob_sha256 TEXT,
    git_oid TEXT,
    mode TEXT,
    language TEXT,
    size INTEGER,
    line_count INTEGER,
    eol TEXT,
    skip_reason TEXT,
    target TEXT
  );
  CREATE INDEX segments_by_path ON segments(path);
  CREATE INDEX segments_by_blob ON segments(blob_sha256);

  -- The segments of a snapshot, with where their rows stand in the snapshot's symbol and edge lists.
  CREATE TABLE snapshot_segments (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments(id),
    symbol_order INTEGER NOT NULL,
    edge_order INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, segment_id)
  ) WITHOUT ROWID;
  CREATE INDEX snapshot_segments_by_segment ON snapshot_segments(segment_id);

  CREATE TABLE symbols (
    segment_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    local_id TEXT NOT NULL,
    name TEXT NOT NULL,
    qualified_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    signature TEXT NOT NULL,
    return_type TEXT,
    exported INTEGER NOT NULL,
    doc TEXT,
    parent TEXT,
    extends_json TEXT,
    implements_json TEXT,
    value_type_json TEXT,
    is_static INTEGER
  );
  -- Lookups by id, name or qualified name find every stored version of the symbol and keep the snapshot's.
  CREATE UNIQUE INDEX symbols_by_id ON symbols(id, segment_id);
  CREATE INDEX symbols_by_name ON symbols(name);
  CREATE INDEX symbols_by_qualified_name ON symbols(qualified_name);
  CREATE INDEX symbols_by_segment ON symbols(segment_id, start_line);

  -- rowid = symbols.rowid.
  CREATE TABLE symbol_search (
    rowid INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL,
    name_lower TEXT NOT NULL,
    humps TEXT NOT NULL,
    kind TEXT NOT NULL,
    is_test INTEGER NOT NULL,
    callers INTEGER NOT NULL
  );
  CREATE INDEX symbol_search_by_name ON symbol_search(name_lower);
  CREATE INDEX symbol_search_by_humps ON symbol_search(humps);
  CREATE INDEX symbol_search_by_callers ON symbol_search(callers);

  CREATE TABLE edges (
    segment_id INTEGER NOT NULL,
    caller_id TEXT NOT NULL,
    callee_id TEXT,
    callee_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    confidence REAL,
    lines_json TEXT NOT NULL,
    candidates INTEGER
  );
  CREATE INDEX edges_by_caller ON edges(caller_id);
  CREATE INDEX edges_by_callee ON edges(callee_id);
  CREATE INDEX edges_by_segment ON edges(segment_id);

  CREATE TABLE test_reach (
    segment_id INTEGER NOT NULL,
    symbol_id TEXT NOT NULL,
    test_id TEXT NOT NULL,
    depth INTEGER NOT NULL,
    confidence REAL NOT NULL
  );
  CREATE INDEX test_reach_by_symbol ON test_reach(symbol_id);
  CREATE INDEX test_reach_by_segment ON test_reach(segment_id);
  `,
    then: convertSnapshotsToSegments,
  },
  // 7: the name index of symbol_search covers what ranking a name's hits reads (segment, is_test, callers, kind), so
  // exact and prefix search rank from the index alone and probe only the snapshot's link per hit, instead of also
  // reading each hit's table row (a name repeated in every file has thousands of hits).
  `
  DROP INDEX symbol_search_by_name;
  CREATE INDEX symbol_search_by_name ON symbol_search(name_lower, segment_id, is_test, callers, kind);
  `,
];
