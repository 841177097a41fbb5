/**
 * Rows as both storage adapters read them back: one mapping from column names to records, so SQLite and
 * PostgreSQL cannot drift. Booleans arrive as 0/1 from SQLite and as true/false from PostgreSQL; both are read here.
 */
import type { SymbolFact } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';
import type { FileRecord, RepoRecord, SnapshotRecord, SymbolRecord } from './storage.js';

/*
 * Writing: the column lists and the values in their order, so both adapters write the same columns from the same
 * fields (SQLite with prepared INSERTs, PostgreSQL with COPY).
 */

/** Columns of a files row after `snapshot_id`. */
export const FILE_COLUMNS =
  'path, blob_sha256, git_oid, mode, language, size, line_count, eol, skip_reason, target';

/** A file's values in FILE_COLUMNS order. */
export function fileValues(f: FileRecord): unknown[] {
  return [f.path, f.blobSha256, f.gitOid, f.mode, f.language, f.size, f.lines, f.eol, f.skipReason, f.target];
}

/** Columns of a symbols row after `snapshot_id` (and an adapter's own columns). */
export const SYMBOL_COLUMNS =
  'id, path, local_id, name, qualified_name, kind, start_line, end_line, signature, return_type, exported, doc, parent, extends_json, implements_json, value_type_json, is_static';

/** A symbol's values in SYMBOL_COLUMNS order; `bool` encodes a boolean as the engine stores it. */
export function symbolValues(s: SymbolRecord, bool: (b: boolean) => unknown): unknown[] {
  return [
    s.id,
    s.path,
    s.localId,
    s.name,
    s.qualifiedName,
    s.kind,
    s.startLine,
    s.endLine,
    s.signature,
    s.returnType,
    bool(s.exported),
    s.doc,
    s.parent,
    jsonOrNull(s.extends),
    jsonOrNull(s.implements),
    jsonOrNull(s.valueType),
    s.isStatic === undefined ? null : bool(s.isStatic),
  ];
}

/**
 * A symbol record holding only what a symbols row stores (SYMBOL_COLUMNS): the facts' other fields (parameters, type
 * references, decorators) serve resolution, and a record built this way lets them go with the facts.
 */
export function storedSymbol(s: SymbolFact, id: string, path: string): SymbolRecord {
  const r: SymbolRecord = {
    id,
    path,
    localId: s.localId,
    name: s.name,
    qualifiedName: s.qualifiedName,
    kind: s.kind,
    startLine: s.startLine,
    endLine: s.endLine,
    signature: s.signature,
    returnType: s.returnType,
    exported: s.exported,
    doc: s.doc,
    parent: s.parent,
  };
  // Optional fields stay absent when the facts lack them, as in a record read back from storage.
  if (s.extends !== undefined) r.extends = s.extends;
  if (s.implements !== undefined) r.implements = s.implements;
  if (s.valueType !== undefined) r.valueType = s.valueType;
  if (s.isStatic !== undefined) r.isStatic = s.isStatic;
  return r;
}

/** Columns of an edges row after `snapshot_id` (and an adapter's own columns). */
export const EDGE_COLUMNS =
  'caller_id, callee_id, callee_text, kind, reason, confidence, lines_json, candidates';

/** An edge's values in EDGE_COLUMNS order. */
export function edgeValues(e: Edge): unknown[] {
  return [
    e.callerId,
    e.calleeId,
    e.calleeText,
    e.kind,
    e.reason,
    e.confidence,
    JSON.stringify(e.lines),
    e.candidates ?? null,
  ];
}

/** A row as a driver returns it: column name → value. */
export type Row = Record<string, unknown>;

/** A boolean column: SQLite stores 0/1, PostgreSQL true/false. */
const flag = (v: unknown): boolean => v === true || Number(v) === 1;

/** A value as its JSON column text; null stays null. */
export function jsonOrNull(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

/** Rebuilds a repos row. */
export function toRepo(r: Row): RepoRecord {
  return {
    id: String(r.id),
    source: String(r.source),
    gitDir: String(r.git_dir),
    webUrl: (r.web_url as string | null) ?? null,
  };
}

/** Rebuilds a snapshots row. */
export function toSnapshot(r: Row): SnapshotRecord {
  return {
    id: Number(r.id),
    repoId: String(r.repo_id),
    commit: String(r.commit_sha),
    ref: (r.ref as string | null) ?? null,
    indexedAt: String(r.indexed_at),
    analyzerVersion: String(r.analyzer_version),
    status: r.status as SnapshotRecord['status'],
    error: (r.error as string | null) ?? null,
  };
}

/** Rebuilds a files row. */
export function toFile(r: Row): FileRecord {
  return {
    path: String(r.path),
    blobSha256: (r.blob_sha256 as string | null) ?? null,
    gitOid: String(r.git_oid),
    mode: String(r.mode),
    language: (r.language as string | null) ?? null,
    size: Number(r.size),
    lines: r.line_count === null ? null : Number(r.line_count),
    eol: (r.eol as FileRecord['eol']) ?? null,
    skipReason: (r.skip_reason as FileRecord['skipReason']) ?? null,
    target: (r.target as string | null) ?? null,
  };
}

/** Rebuilds a symbol row as a SymbolRecord (for query adapters). */
export function toSymbolRecord(r: Row): SymbolRecord {
  return {
    id: String(r.id),
    path: String(r.path),
    localId: String(r.local_id),
    name: String(r.name),
    qualifiedName: String(r.qualified_name),
    kind: r.kind as SymbolRecord['kind'],
    startLine: Number(r.start_line),
    endLine: Number(r.end_line),
    signature: String(r.signature),
    returnType: (r.return_type as string | null) ?? null,
    exported: flag(r.exported),
    doc: (r.doc as string | null) ?? null,
    parent: (r.parent as string | null) ?? null,
    ...(r.extends_json ? { extends: JSON.parse(String(r.extends_json)) as string[] } : {}),
    ...(r.implements_json ? { implements: JSON.parse(String(r.implements_json)) as string[] } : {}),
    ...(r.value_type_json
      ? { valueType: JSON.parse(String(r.value_type_json)) as SymbolRecord['valueType'] }
      : {}),
    ...(r.is_static === null || r.is_static === undefined ? {} : { isStatic: flag(r.is_static) }),
  };
}

/** Rebuilds an edge row as an Edge (for query adapters). */
export function toEdge(r: Row): Edge {
  return {
    callerId: String(r.caller_id),
    calleeId: (r.callee_id as string | null) ?? null,
    calleeText: String(r.callee_text),
    kind: r.kind as Edge['kind'],
    reason: r.reason as Edge['reason'],
    confidence: r.confidence === null ? null : Number(r.confidence),
    lines: JSON.parse(String(r.lines_json)) as number[],
    ...(r.candidates === null || r.candidates === undefined ? {} : { candidates: Number(r.candidates) }),
  };
}

/** Rebuilds a test_reach row. */
export function toTestReach(r: Row): TestReach {
  return {
    symbolId: String(r.symbol_id),
    testId: String(r.test_id),
    depth: Number(r.depth),
    confidence: Number(r.confidence),
  };
}
