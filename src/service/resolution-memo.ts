/**
 * The resolution memo between snapshots (incremental resolution, issue 16): kept in memory by a process that indexes
 * a repository again (`codehub watch`), and in a file of the data dir so that a fresh `codehub index` process finds
 * it too. It is a cache, never an answer: every reuse is checked against the new state file by file (content key and
 * dependency digests, see resolve-repo.ts), so a memo from any earlier snapshot is safe; a missing, stale or unreadable
 * one only means a full resolution.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { Edge } from '../core/graph.js';
import type { FileResolutionMemo, ResolutionMemo } from '../analysis/types.js';

/** Bumped when the memo's format or what a dependency key means changes. */
export const RESOLUTION_MEMO_FORMAT = '1';

interface Held {
  version: string;
  memo: ResolutionMemo;
}

let codeDigest: string | null = null;

/**
 * A digest of the code that decides edges (the resolver, the core, the language plug-ins, the indexing stages, as this process runs them):
 * a memo file written by other code is not used, even when nobody bumped a version.
 */
function resolverCode(): string {
  if (codeDigest === null) {
    const hash = createHash('sha256');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      )) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else {
          // Every file of those folders (compiled code, maps, declarations): whatever changes, the code may have.
          hash.update(`${path.slice(root.length)}\u0000`);
          hash.update(readFileSync(path));
        }
      }
    };
    try {
      for (const dir of ['analysis', 'core', 'languages', 'service/indexing']) walk(join(root, dir));
      codeDigest = hash.digest('base64');
    } catch {
      codeDigest = `unreadable:${process.pid}:${Date.now()}`; // memos of this process only
    }
  }
  return codeDigest;
}

/** How many repositories' memos a process keeps in memory (the others are read from the data dir when needed). */
const HELD_REPOS = 4;

/** The newest memo per data dir and repository, in this process. */
const held = new Map<string, Held>();
/** Memo files not written yet, by path: written after the index returns, or first thing when one is read. */
const pending = new Map<string, () => void>();

function fileOf(dataDir: string, repo: string): string {
  const name = createHash('sha256').update(repo).digest('hex').slice(0, 32);
  return join(dataDir, 'resolution-memo', `${name}.json.gz`);
}

/** The memo of the repository's last index with this analyzer version, from this process or the data dir; or null. */
export function loadResolutionMemo(
  dataDir: string,
  repo: string,
  analyzerVersion: string,
): ResolutionMemo | null {
  const version = `${RESOLUTION_MEMO_FORMAT}:${analyzerVersion}:${resolverCode()}`;
  const inProcess = held.get(`${dataDir}\u0000${repo}`);
  if (inProcess) return inProcess.version === version ? inProcess.memo : null;
  const path = fileOf(dataDir, repo);
  pending.get(path)?.();
  try {
    const stored = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as StoredMemo;
    if (stored.version !== version || stored.repo !== repo) return null;
    return decode(stored);
  } catch {
    return null; // none yet, or unreadable: resolve everything
  }
}

/**
 * Keeps the memo of the snapshot just published, in this process and in the data dir (atomically replaced). The file
 * is written once the current task is done (the snapshot is published by then: writing it is off the index's path).
 */
export function saveResolutionMemo(
  dataDir: string,
  repo: string,
  analyzerVersion: string,
  memo: ResolutionMemo,
): void {
  const version = `${RESOLUTION_MEMO_FORMAT}:${analyzerVersion}:${resolverCode()}`;
  const heldKey = `${dataDir}\u0000${repo}`;
  held.delete(heldKey);
  held.set(heldKey, { version, memo });
  // A process that indexes many repositories (the server's queue) keeps the most recent few in memory.
  for (const key of held.keys()) if (held.size > HELD_REPOS) held.delete(key);
  const target = fileOf(dataDir, repo);
  const write = (): void => {
    if (pending.get(target) !== write) return;
    pending.delete(target);
    const partial = `${target}.${process.pid}.partial`;
    try {
      mkdirSync(join(dataDir, 'resolution-memo'), { recursive: true });
      writeMemoFile(partial, repo, version, memo);
      renameSync(partial, target);
    } catch {
      // Only a cache: the next fresh process resolves everything.
      rmSync(partial, { force: true });
    }
  };
  pending.set(target, write);
  setImmediate(write);
}

/** Writes the memo files still pending (before a process exits on its own terms, or in tests). */
export function flushResolutionMemos(): void {
  for (const write of [...pending.values()]) write();
}

/** Forgets this process's memos (tests: a fresh process reads the data dir's). */
export function forgetResolutionMemos(): void {
  flushResolutionMemos();
  held.clear();
}

/** Edges are stored per file as rows of their fields (callerId is mostly the file's few callers: listed once). */
interface StoredFile {
  path: string;
  key: string;
  deps: Array<[string, string]>;
  callers: string[];
  /** [caller index, calleeId, calleeText, kind, reason, confidence, candidates, lines] */
  edges: Array<[number, string | null, string, string, string, number | null, number | null, number[]]>;
  callSites: number;
  resolvedByReason: Record<string, number>;
  unresolvedByReason: Record<string, number>;
}

interface StoredMemo {
  repo: string;
  version: string;
  files: StoredFile[];
  surfaces: Array<[string, string]>;
  moduleContext: string | null;
  moduleDigests: Array<[string, string]>;
}

function encodeFile(path: string, f: FileResolutionMemo): StoredFile {
  const callers: string[] = [];
  const callerIndex = new Map<string, number>();
  const edges: StoredFile['edges'] = f.edges.map((e) => {
    let at = callerIndex.get(e.callerId);
    if (at === undefined) {
      at = callers.length;
      callerIndex.set(e.callerId, at);
      callers.push(e.callerId);
    }
    return [at, e.calleeId, e.calleeText, e.kind, e.reason, e.confidence, e.candidates ?? null, e.lines];
  });
  return {
    path,
    key: f.key,
    deps: f.deps,
    callers,
    edges,
    callSites: f.callSites,
    resolvedByReason: f.resolvedByReason,
    unresolvedByReason: f.unresolvedByReason,
  };
}

/** Text gathered before it is compressed and written as one gzip member (readers inflate the members as one text). */
const MEMO_CHUNK_CHARS = 4 << 20;

/**
 * Writes the memo as a StoredMemo's JSON text, one file at a time, in gzip members of a few MB: the whole text (and a
 * copy of every edge in stored form) is never held at once, which on large repositories was the index's peak memory.
 */
function writeMemoFile(path: string, repo: string, version: string, memo: ResolutionMemo): void {
  const fd = openSync(path, 'w');
  try {
    let chunk = '';
    const put = (text: string, force = false): void => {
      chunk += text;
      if (chunk.length >= MEMO_CHUNK_CHARS || (force && chunk.length > 0)) {
        writeSync(fd, gzipSync(chunk, { level: constants.Z_BEST_SPEED }));
        chunk = '';
      }
    };
    const head: Omit<StoredMemo, 'files'> = {
      repo,
      version,
      surfaces: [...memo.surfaces],
      moduleContext: memo.moduleContext ?? null,
      moduleDigests: [...memo.moduleDigests],
    };
    put(`${JSON.stringify(head).slice(0, -1)},"files":[`);
    let first = true;
    for (const [filePath, f] of memo.files) {
      put(`${first ? '' : ','}${JSON.stringify(encodeFile(filePath, f))}`);
      first = false;
    }
    put(']}', true);
  } finally {
    closeSync(fd);
  }
}

function decode(stored: StoredMemo): ResolutionMemo {
  const files = new Map<string, FileResolutionMemo>();
  for (const f of stored.files) {
    const edges = f.edges.map(([at, calleeId, calleeText, kind, reason, confidence, candidates, lines]) => {
      // Fields in the order the resolver writes them (rows built from edges do not depend on it, but stay alike).
      const edge = {
        callerId: f.callers[at] as string,
        calleeText,
        kind,
        calleeId,
        reason,
        confidence,
      } as Edge;
      if (candidates !== null) edge.candidates = candidates;
      edge.lines = lines;
      return edge;
    });
    files.set(f.path, {
      key: f.key,
      deps: f.deps,
      edges,
      callSites: f.callSites,
      resolvedByReason: f.resolvedByReason,
      unresolvedByReason: f.unresolvedByReason,
    });
  }
  return {
    files,
    surfaces: new Map(stored.surfaces),
    moduleDigests: new Map(stored.moduleDigests),
    ...(stored.moduleContext === null ? {} : { moduleContext: stored.moduleContext }),
  };
}
