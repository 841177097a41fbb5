/**
 * Change intelligence between two indexed snapshots of one repository: what changed (symbols and edges), who is
 * affected (transitive callers), and which tests to run, with their commands. Also the history a repository's
 * snapshots form (commit, dates, refs). Every snapshot is read through the storage port's graph reader, a set of ids
 * per question (a caller walk asks once per level, not once per symbol); span texts come from the blob store,
 * hash-verified.
 */
import { existsSync } from 'node:fs';
import {
  diffEdges,
  diffSymbols,
  moduleOwnText,
  normalizeCode,
  sideBySide,
  spanOf,
  type DiffRow,
  type SpannedSymbol,
} from '../analysis/diff-snapshots.js';
import { SAME_FILE_READER_CONFIDENCE, UNRESOLVED_NAME_MATCH_CONFIDENCE } from '../core/confidence.js';
import { CodehubError, isCodehubError } from '../core/errors.js';
import type { Edge } from '../core/graph.js';
import { checkRepoId } from '../core/ids.js';
import { calleeNameOf, mayHideRepoCall } from '../core/search-keys.js';
import type {
  FileRecord,
  GraphReader,
  RepoRecord,
  SnapshotRecord,
  Storage,
  SymbolRow,
} from '../db/storage.js';
import { resolveCommit } from '../git/git.js';
import { commitRelation, describeCommits } from '../git/refs.js';
import type { BlobStore } from '../store/blob-store.js';
import { closest } from './dto.js';
import { shellQuote } from '../core/shell.js';
import { mayCallAcross, pluginForPath } from '../languages/registry.js';
import type { TestCommands } from '../languages/plugin.js';

/** A file a test command depends on (a package manifest, a runner config), as the plug-in asked for it. */
type InputFile = { path: string; text: string };

/** One pasteable command per test file that runs the selected tests of that file, from the file's plug-in. */
export interface GroupedTestCommand {
  /** The tool that runs them (`vitest`, `node`, `pytest`…). */
  runner: string;
  /** Repo-relative directory the command runs in (`` for the root). */
  cwd: string;
  /** The test file, repo-relative. */
  file: string;
  /** How many selected tests the command runs. */
  tests: number;
  /** The shell command, with `cd <cwd> && ` in front when it runs in a sub-directory. */
  command: string;
}

const withCwd = (cmd: { cwd: string; command: string }): string =>
  cmd.cwd === '' ? cmd.command : `cd ${shellQuote(cmd.cwd)} && ${cmd.command}`;

/** One indexed snapshot in a repository's history. */
export interface SnapshotInfo {
  snapshot: number;
  commit: string;
  /** The `--ref` it was indexed with (null for the default HEAD). */
  ref: string | null;
  /** Branches and tags pointing at the commit now (empty when the repository cannot be read). */
  refs: string[];
  indexedAt: string;
  /** Committer date from git, or null when git no longer has the commit. */
  committedAt: string | null;
}

export type ChangeKind = 'added' | 'removed' | 'modified' | 'moved';

export interface ChangedSymbol {
  id: string;
  name: string;
  qualifiedName: string;
  kind: string;
  path: string;
  change: ChangeKind;
  /** Lines in head (in base for `removed`). */
  startLine: number;
  endLine: number;
  signature: string;
  /** The base version of a modified or moved symbol. */
  before: { id: string; path: string; startLine: number; endLine: number; signature: string } | null;
}

export interface ChangedEdge {
  callerId: string;
  calleeId: string | null;
  calleeText: string;
  kind: 'call' | 'new';
  reason: string;
  confidence: number | null;
  lines: number[];
}

export interface ImpactedSymbol {
  id: string;
  name: string;
  qualifiedName: string;
  kind: string;
  path: string;
  /** Call hops from the nearest changed symbol. */
  depth: number;
  /** Product of edge confidences along the best path from a changed symbol. */
  confidence: number;
  /** The changed symbols it reaches. */
  reaches: string[];
}

export interface TestToRun {
  id: string;
  name: string;
  path: string;
  startLine: number;
  /** The command that runs just this test, or null when nothing names its runner. */
  command: string | null;
  /** The changed symbols it reaches (ids; the base id for a removed symbol). */
  reaches: string[];
  /** Call hops to the nearest changed symbol (0: the test itself changed). */
  depth: number;
  confidence: number;
}

export interface IncompleteReason {
  reason:
    | 'unresolved-calls'
    | 'unanalysed-file'
    | 'test-files-not-analysed'
    | 'unreadable-source'
    | 'traversal-truncated'
    | 'references-not-traced';
  message: string;
  path?: string;
  symbol?: string;
  count?: number;
}

export interface ChangeReport {
  repo: string;
  base: SnapshotInfo;
  head: SnapshotInfo;
  /**
   * How base relates to head in git: `ancestor` (the usual forward change), `descendant` (base is newer: the
   * comparison shows the change undone), `diverged`, `unrelated` (no common history), `unknown` (git cannot say).
   */
  relation: 'ancestor' | 'descendant' | 'diverged' | 'unrelated' | 'unknown';
  files: { added: string[]; removed: string[]; modified: string[] };
  changed: ChangedSymbol[];
  edges: { added: ChangedEdge[]; removed: ChangedEdge[] };
  impacted: ImpactedSymbol[];
  tests: TestToRun[];
  /** One command per test file and runner selecting all of its tests to run. */
  commands: GroupedTestCommand[];
  /** False when unresolved calls, unanalysed files or unreadable sources could hide an affected test. */
  complete: boolean;
  /** Why `complete` is false (empty when it is true). */
  incomplete: IncompleteReason[];
}

/** The tests to run if some symbols of one snapshot change (tests_for_symbols). */
export interface SymbolTestsReport {
  repo: string;
  snapshot: SnapshotInfo;
  symbols: string[];
  impacted: ImpactedSymbol[];
  tests: TestToRun[];
  commands: GroupedTestCommand[];
  complete: boolean;
  incomplete: IncompleteReason[];
}

/** Before/after text of a changed symbol, line-diffed for a side-by-side view. */
export interface ChangeSource {
  id: string;
  rows: DiffRow[];
  /** False when a blob failed verification (then `error` says which and `rows` is empty). */
  verified: boolean;
  error: string | null;
}

export interface CompareOptions {
  /** Caller hops for `impacted`, 1–5 (default 3). */
  depth?: number;
}

const DEFAULT_DEPTH = 3;
const MAX_DEPTH = 5;
/**
 * Kinds that are read rather than called: a change to one reaches the code of its file through no call edge. A
 * module's own lines are left out: they are mostly imports, and taking every function of each file whose imports
 * changed as a reader selected half of codehub's own suite for an ordinary change.
 */
const READ_NOT_CALLED: ReadonlySet<string> = new Set(['variable', 'property', 'enum', 'namespace']);
const CALLABLE: ReadonlySet<string> = new Set([
  'function',
  'method',
  'constructor',
  'getter',
  'setter',
  'test',
]);

/** Caller hops walked to find tests (deeper than the impacted list: a test far up the chain still runs the change). */
const WALK_DEPTH = 8;
/** Caller steps the walk may take in all before it stops (and says the answer is truncated). */
const MAX_WALK_VISITS = 2_000_000;
/** Reasons listed one by one before the rest are summed up. */
const MAX_LISTED_REASONS = 50;

interface AffectedInput {
  head: SnapshotRecord;
  headEdges: readonly Edge[];
  base: SnapshotRecord | null;
  baseEdges: readonly Edge[];
  /** Changed symbols present in head: the walk starts there, and their tests run. */
  inHead: readonly string[];
  /** Symbols of base gone from head: walked in base, through callers head still has. */
  removedIds: readonly string[];
  /** Base symbol id → changed id, for base's tested-by links of what changed or went. */
  baseToChanged: ReadonlyMap<string, string>;
  /** Changed symbols that are tests themselves (run at depth 0). */
  changedTests: readonly string[];
  changedIds: ReadonlySet<string>;
  /** Read-not-called symbols whose own text changed (absent: every one given counts as changed). */
  readChanged?: ReadonlySet<string>;
  /** Caller hops listed in `impacted`. */
  depth: number;
  /** Rows already fetched (the walk adds to them). */
  rows: SymbolRows;
}

interface Reached {
  row: SymbolRow;
  depth: number;
  confidence: number;
  /** The changed symbols it calls (transitively). */
  reaches: Set<string>;
}

/**
 * Unresolved call sites that may call into the repo, by the name they would bind to (caller ids), and how many
 * have no name at all (computed or dynamic callees: they could call anything).
 */
function possibleCallersByName(edges: readonly Edge[]): {
  byName: Map<string, Set<string>>;
  nameless: number;
} {
  const byName = new Map<string, Set<string>>();
  let nameless = 0;
  for (const e of edges) {
    if (e.calleeId !== null || !mayHideRepoCall(e.reason)) continue;
    const name = calleeNameOf(e.calleeText);
    if (name === null) {
      nameless += Math.max(1, e.lines.length);
      continue;
    }
    let callers = byName.get(name);
    if (!callers) byName.set(name, (callers = new Set()));
    callers.add(e.callerId);
  }
  return { byName, nameless };
}

/** Every item of an async iterable, in order. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Symbol rows of snapshots, fetched a set at a time (`load`) and then looked up without a round trip (`get`); a row
 * the snapshot does not have is remembered as null.
 */
class SymbolRows {
  private readonly bySnapshot = new Map<number, Map<string, SymbolRow | null>>();

  constructor(private readonly reader: GraphReader) {}

  async load(snapshotId: number, ids: Iterable<string>): Promise<void> {
    let known = this.bySnapshot.get(snapshotId);
    if (!known) this.bySnapshot.set(snapshotId, (known = new Map()));
    const wanted = [...new Set(ids)].filter((id) => !known.has(id));
    if (wanted.length === 0) return;
    const found = await this.reader.symbolsById(snapshotId, wanted);
    for (const id of wanted) known.set(id, found.get(id) ?? null);
  }

  /** A row `load` fetched (null when the snapshot has no such symbol, or it was never loaded). */
  get(snapshotId: number, id: string): SymbolRow | null {
    return this.bySnapshot.get(snapshotId)?.get(id) ?? null;
  }
}

/** The change service of a workspace (its storage and blob store). */
export function createChangeService(workspace: { storage: Storage; blobs: BlobStore }): ChangeService {
  return new ChangeService(workspace.storage.reader, workspace.blobs);
}

export class ChangeService {
  constructor(
    private readonly storage: GraphReader,
    private readonly blobs: BlobStore,
  ) {}

  /** The ready snapshots of a repository, newest first, with the refs pointing at their commits and commit dates. */
  async history(repoId: string): Promise<SnapshotInfo[]> {
    const repo = await this.requireRepo(repoId);
    return this.historyOf(repo);
  }

  private async historyOf(repo: RepoRecord): Promise<SnapshotInfo[]> {
    const ready = (await this.storage.listSnapshots(repo.id)).filter((s) => s.status === 'ready').reverse();
    const commits = [...new Set(ready.map((s) => s.commit))];
    const described = existsSync(repo.gitDir) ? await describeCommits(repo.gitDir, commits) : new Map();
    return ready.map((s) => {
      const info = described.get(s.commit);
      return {
        snapshot: s.id,
        commit: s.commit,
        ref: s.ref,
        refs: info?.refs ?? [],
        indexedAt: s.indexedAt,
        committedAt: info?.committedAt ?? null,
      };
    });
  }

  /**
   * The indexed snapshot a spec names: a commit sha (or its first ≥ 4 hex digits), the ref it was indexed with, or
   * any branch, tag or revision the repository's git resolves to an indexed commit. Throws InvalidInput (malformed),
   * RepoNotFound, RefNotFound (naming how to index it).
   */
  async resolveSnapshot(
    repoId: string,
    spec: string,
  ): Promise<{ repo: RepoRecord; snapshot: SnapshotRecord }> {
    const repo = await this.requireRepo(repoId);
    checkSnapshotSpec(spec);
    const ready = (await this.storage.listSnapshots(repo.id)).filter((s) => s.status === 'ready');
    const wanted = spec.toLowerCase();
    const byRef = ready.filter((s) => s.ref === spec);
    const byCommit = /^[0-9a-f]{4,64}$/.test(wanted) ? ready.filter((s) => s.commit.startsWith(wanted)) : [];
    const commits = new Set(byCommit.map((s) => s.commit));
    if (commits.size > 1)
      throw new CodehubError(
        'InvalidInput',
        `'${spec}' is the start of ${commits.size} indexed commits of ${repo.id} (${[...commits].map((c) => c.slice(0, 12)).join(', ')}); give more digits`,
      );
    const direct = byCommit.at(-1) ?? byRef.at(-1);
    if (direct) return { repo, snapshot: direct };
    const indexHint = `index it with 'codehub index ${shellQuote(repo.source)} --ref ${shellQuote(spec)}'`;
    const have = ready.map((s) => s.commit.slice(0, 12)).join(', ') || 'none';
    if (existsSync(repo.gitDir)) {
      let commit: string | null = null;
      try {
        commit = await resolveCommit(repo.gitDir, spec);
      } catch (err) {
        if (!isCodehubError(err, 'RefNotFound')) throw err;
      }
      if (commit !== null) {
        const snapshot = ready.filter((s) => s.commit === commit).at(-1);
        if (snapshot) return { repo, snapshot };
        throw new CodehubError(
          'RefNotFound',
          `'${spec}' is commit ${commit.slice(0, 12)} of ${repo.id}, which is not indexed; ${indexHint}`,
        );
      }
      throw new CodehubError(
        'RefNotFound',
        `'${spec}' names no indexed snapshot of ${repo.id} and no commit in its repository (indexed commits: ${have})`,
      );
    }
    throw new CodehubError(
      'RefNotFound',
      `no indexed snapshot of ${repo.id} at '${spec}' (indexed commits: ${have}); ${indexHint}`,
    );
  }

  /** What changed from `base` to `head`, who calls it, and the tests to run. */
  async compare(
    repoId: string,
    baseSpec: string,
    headSpec: string,
    options: CompareOptions = {},
  ): Promise<ChangeReport> {
    return (await this.compareDetailed(repoId, baseSpec, headSpec, options)).report;
  }

  /**
   * The tests to run if the given symbols (ids) change, at the newest snapshot or at `at` (a commit or ref): tests
   * that reach them or any of their callers, with depth, confidence and commands. Throws SymbolNotFound naming the ids
   * the snapshot does not have.
   */
  async testsForSymbols(
    repoId: string,
    ids: readonly string[],
    options: CompareOptions & { at?: string } = {},
  ): Promise<SymbolTestsReport> {
    const depth = checkDepth(options.depth ?? DEFAULT_DEPTH);
    const { repo, snapshot } =
      options.at === undefined ? await this.latest(repoId) : await this.resolveSnapshot(repoId, options.at);
    if (ids.length === 0) throw new CodehubError('InvalidInput', 'give at least one symbol id');
    const unique = [...new Set(ids)];
    const rows = new SymbolRows(this.storage);
    await rows.load(snapshot.id, unique);
    const missing = unique.filter((id) => rows.get(snapshot.id, id) === null);
    if (missing.length > 0)
      throw new CodehubError(
        'SymbolNotFound',
        `no symbol ${missing
          .slice(0, 5)
          .map((id) => JSON.stringify(id))
          .join(
            ', ',
          )}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} in ${repo.id}@${snapshot.commit.slice(0, 12)} (give symbol ids, as search results show them)`,
        missing,
      );
    const affected = await this.affected({
      head: snapshot,
      headEdges: await collect(this.storage.iterateEdges(snapshot.id)),
      base: null,
      baseEdges: [],
      inHead: unique,
      removedIds: [],
      baseToChanged: new Map(),
      changedTests: unique.filter((id) => rows.get(snapshot.id, id)?.kind === 'test'),
      changedIds: new Set(unique),
      depth,
      rows,
    });
    const history = await this.historyOf(repo);
    return {
      repo: repo.id,
      snapshot: history.find((h) => h.snapshot === snapshot.id) ?? {
        snapshot: snapshot.id,
        commit: snapshot.commit,
        ref: snapshot.ref,
        refs: [],
        indexedAt: snapshot.indexedAt,
        committedAt: null,
      },
      symbols: unique,
      impacted: affected.impacted,
      tests: affected.tests,
      commands: affected.commands,
      complete: affected.incomplete.length === 0,
      incomplete: affected.incomplete,
    };
  }

  private async latest(repoId: string): Promise<{ repo: RepoRecord; snapshot: SnapshotRecord }> {
    const repo = await this.requireRepo(repoId);
    const snapshot = await this.storage.latestSnapshot(repo.id);
    if (!snapshot)
      throw new CodehubError(
        'RepoNotFound',
        `repo '${repo.id}' has no indexed snapshot; index it with 'codehub index'`,
      );
    return { repo, snapshot };
  }

  /** compare(), plus the before/after lines of every changed symbol, line-diffed (for the web's side-by-side view). */
  async compareWithSources(
    repoId: string,
    baseSpec: string,
    headSpec: string,
    options: CompareOptions & { maxSources?: number } = {},
  ): Promise<{ report: ChangeReport; sources: Map<string, ChangeSource> }> {
    const detailed = await this.compareDetailed(repoId, baseSpec, headSpec, options);
    const sources = new Map<string, ChangeSource>();
    // The first changes only (in report order): a page shows that many, and each costs a line diff.
    for (const c of detailed.changes.slice(0, options.maxSources ?? Infinity)) {
      const id = c.symbol.id;
      const failed = [
        detailed.failures.get(`h:${c.symbol.path}`),
        c.before ? detailed.failures.get(`b:${c.before.path}`) : undefined,
      ].find(Boolean);
      if (failed) {
        sources.set(id, { id, rows: [], verified: false, error: failed });
        continue;
      }
      const lines = (s: SpannedSymbol | null, side: 'b' | 'h') =>
        s ? (detailed.texts.get(`${side}:${s.path}`)?.slice(s.startLine - 1, s.endLine) ?? []) : [];
      const removed = c.change === 'removed';
      const left = removed ? lines(c.symbol, 'b') : lines(c.before, 'b');
      const right = removed ? [] : lines(c.symbol, 'h');
      const leftStart = removed ? c.symbol.startLine : (c.before?.startLine ?? 1);
      sources.set(id, {
        id,
        rows: sideBySide(left, leftStart, right, c.symbol.startLine),
        verified: true,
        error: null,
      });
    }
    return { report: detailed.report, sources };
  }

  private async compareDetailed(repoId: string, baseSpec: string, headSpec: string, options: CompareOptions) {
    const depth = checkDepth(options.depth ?? DEFAULT_DEPTH);
    const base = await this.resolveSnapshot(repoId, baseSpec);
    const head = await this.resolveSnapshot(repoId, headSpec);
    if (base.snapshot.id === head.snapshot.id)
      throw new CodehubError(
        'InvalidInput',
        `base '${baseSpec}' and head '${headSpec}' are the same snapshot (commit ${head.snapshot.commit.slice(0, 12)}); compare two different indexed commits`,
      );
    const history = await this.historyOf(base.repo);
    const info = (s: SnapshotRecord): SnapshotInfo =>
      history.find((h) => h.snapshot === s.id) ?? {
        snapshot: s.id,
        commit: s.commit,
        ref: s.ref,
        refs: [],
        indexedAt: s.indexedAt,
        committedAt: null,
      };
    const incomplete: IncompleteReason[] = [];

    // Files: only paths whose content differs can hold changed symbols.
    const baseFiles = new Map((await this.storage.listFiles(base.snapshot.id)).map((f) => [f.path, f]));
    const headFiles = new Map((await this.storage.listFiles(head.snapshot.id)).map((f) => [f.path, f]));
    const files = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
    for (const [path, h] of headFiles) {
      const b = baseFiles.get(path);
      if (!b) files.added.push(path);
      else if (contentKey(b) !== contentKey(h)) files.modified.push(path);
    }
    for (const path of baseFiles.keys()) if (!headFiles.has(path)) files.removed.push(path);
    const changedPaths = [...files.added, ...files.modified, ...files.removed].sort();
    // The symbols of every changed file on both sides, asked for together (the port answers one file per question).
    const fileSymbols = new Map<string, SymbolRow[]>();
    await Promise.all(
      [base.snapshot.id, head.snapshot.id].flatMap((snapshotId) =>
        changedPaths.map(async (path) => {
          fileSymbols.set(`${snapshotId}|${path}`, await this.storage.symbolsOfFile(snapshotId, path));
        }),
      ),
    );
    const symbolsOfFile = (snapshotId: number, path: string): SymbolRow[] =>
      fileSymbols.get(`${snapshotId}|${path}`) ?? [];
    // Every analysed file has a module symbol: a changed file without one was not read by any plug-in.
    for (const path of changedPaths) {
      const f = headFiles.get(path) ?? baseFiles.get(path);
      const snapshotId = headFiles.has(path) ? head.snapshot.id : base.snapshot.id;
      const analysed = symbolsOfFile(snapshotId, path).some((r) => r.kind === 'module');
      if (f && !analysed) {
        const why = f.skipReason ?? 'no language plug-in';
        incomplete.push({
          reason: 'unanalysed-file',
          path,
          message: `changed file ${path} was not analysed (${why}): code that reads it is not traced`,
        });
      }
    }

    // Texts of the changed files on both sides, hash-verified; a failure is reported, never shown as source.
    const texts = new Map<string, string[]>();
    const failures = new Map<string, string>();
    const load = async (side: 'b' | 'h', f: FileRecord | undefined): Promise<void> => {
      if (!f || !f.blobSha256 || f.skipReason === 'binary' || f.skipReason === 'invalid-utf8') return;
      try {
        texts.set(
          `${side}:${f.path}`,
          (await this.blobs.readVerified(f.blobSha256)).toString('utf8').split('\n'),
        );
      } catch (err) {
        if (!isCodehubError(err, 'BlobHashMismatch') && !isCodehubError(err, 'BlobMissing')) throw err;
        failures.set(`${side}:${f.path}`, err.message);
        incomplete.push({ reason: 'unreadable-source', path: f.path, message: `${f.path}: ${err.message}` });
      }
    };
    for (const path of changedPaths) {
      await load('b', baseFiles.get(path));
      await load('h', headFiles.get(path));
    }
    // A read-not-called symbol's own text (its span without its members' lines): a changed method inside an object
    // literal changes the variable's bytes, but not what the rest of its file reads.
    const ownTexts = new Map<string, string | null>();
    const spanned = (side: 'b' | 'h', snapshotId: number): SpannedSymbol[] => {
      const out: SpannedSymbol[] = [];
      for (const path of changedPaths) {
        const rows = symbolsOfFile(snapshotId, path);
        const lines = texts.get(`${side}:${path}`);
        const topLevel = rows.filter((r) => r.parent === null && r.kind !== 'module');
        for (const r of rows) {
          if (READ_NOT_CALLED.has(r.kind) && r.kind !== 'module') {
            const members = rows.filter((m) => m.parent === r.localId);
            ownTexts.set(
              `${side}:${r.id}`,
              lines === undefined
                ? null
                : lines
                    .slice(r.startLine - 1, r.endLine)
                    .filter(
                      (_, i) =>
                        !members.some((m) => r.startLine + i >= m.startLine && r.startLine + i <= m.endLine),
                    )
                    .join('\n'),
            );
          }
          out.push({
            id: r.id,
            name: r.name,
            qualifiedName: r.qualifiedName,
            kind: r.kind,
            path: r.path,
            startLine: r.startLine,
            endLine: r.endLine,
            text:
              lines === undefined
                ? null
                : r.kind === 'module'
                  ? moduleOwnText(lines, topLevel)
                  : spanOf(lines, r.startLine, r.endLine),
          });
        }
      }
      return out;
    };
    const changes = diffSymbols(spanned('b', base.snapshot.id), spanned('h', head.snapshot.id));
    // Only a modified one can change what existing code reads: code reading an added or moved name changed itself.
    const readChanged = new Set<string>();
    for (const c of changes) {
      if (c.change !== 'modified') continue;
      const before = ownTexts.get(`b:${c.symbol.id}`);
      const after = ownTexts.get(`h:${c.symbol.id}`);
      if (before == null || after == null || normalizeCode(before) !== normalizeCode(after))
        readChanged.add(c.symbol.id);
    }

    const rows = new SymbolRows(this.storage);
    await rows.load(
      head.snapshot.id,
      changes.filter((c) => c.change !== 'removed').map((c) => c.symbol.id),
    );
    await rows.load(
      base.snapshot.id,
      changes.flatMap((c) => (c.change === 'removed' ? [c.symbol.id] : c.before ? [c.before.id] : [])),
    );
    const headRow = (id: string): SymbolRow | null => rows.get(head.snapshot.id, id);
    const baseRow = (id: string): SymbolRow | null => rows.get(base.snapshot.id, id);
    const changed: ChangedSymbol[] = changes.map((c) => {
      const row = c.change === 'removed' ? baseRow(c.symbol.id) : headRow(c.symbol.id);
      const before = c.before ? baseRow(c.before.id) : null;
      return {
        id: c.symbol.id,
        name: c.symbol.name,
        qualifiedName: c.symbol.qualifiedName,
        kind: c.symbol.kind,
        path: c.symbol.path,
        change: c.change,
        startLine: c.symbol.startLine,
        endLine: c.symbol.endLine,
        signature: row?.signature ?? '',
        before: c.before
          ? {
              id: c.before.id,
              path: c.before.path,
              startLine: c.before.startLine,
              endLine: c.before.endLine,
              signature: before?.signature ?? '',
            }
          : null,
      };
    });

    const baseEdges = await collect(this.storage.iterateEdges(base.snapshot.id));
    const headEdges = await collect(this.storage.iterateEdges(head.snapshot.id));
    const edges = diffEdges(baseEdges, headEdges);

    const changedIds = new Set(changed.map((c) => c.id));
    const affected = await this.affected({
      head: head.snapshot,
      headEdges,
      base: base.snapshot,
      baseEdges,
      inHead: changed.filter((c) => c.change !== 'removed').map((c) => c.id),
      removedIds: changed.filter((c) => c.change === 'removed').map((c) => c.id),
      baseToChanged: new Map(
        changed.flatMap((c) =>
          c.change === 'removed' ? [[c.id, c.id]] : c.before ? [[c.before.id, c.id]] : [],
        ),
      ),
      changedTests: changed.filter((c) => c.kind === 'test' && c.change !== 'removed').map((c) => c.id),
      changedIds,
      readChanged,
      depth,
      rows,
    });
    incomplete.push(...affected.incomplete);

    const listed =
      incomplete.length > MAX_LISTED_REASONS
        ? [
            ...incomplete.slice(0, MAX_LISTED_REASONS),
            {
              reason: incomplete[MAX_LISTED_REASONS]?.reason ?? 'unresolved-calls',
              message: `and ${incomplete.length - MAX_LISTED_REASONS} more`,
            } as IncompleteReason,
          ]
        : incomplete;
    const report: ChangeReport = {
      repo: base.repo.id,
      base: info(base.snapshot),
      head: info(head.snapshot),
      relation: existsSync(base.repo.gitDir)
        ? await commitRelation(base.repo.gitDir, base.snapshot.commit, head.snapshot.commit)
        : 'unknown',
      files,
      changed,
      edges: { added: edges.added.map(toChangedEdge), removed: edges.removed.map(toChangedEdge) },
      impacted: affected.impacted,
      tests: affected.tests,
      commands: affected.commands,
      complete: incomplete.length === 0,
      incomplete: listed,
    };
    return { report, changes, texts, failures };
  }

  /**
   * Who is affected by changes to `inHead` (symbols of head) and `removedIds` (symbols of base gone from head): the
   * callers walked from them (resolved edges, and unresolved call sites with the same name as possible callers), and
   * the tests that reach a changed symbol or any caller, with their commands.
   */
  private async affected(input: AffectedInput): Promise<{
    impacted: ImpactedSymbol[];
    tests: TestToRun[];
    commands: GroupedTestCommand[];
    incomplete: IncompleteReason[];
  }> {
    const {
      head,
      headEdges,
      base,
      baseEdges,
      inHead,
      removedIds,
      baseToChanged,
      changedTests,
      changedIds,
      depth,
      rows,
    } = input;
    const incomplete: IncompleteReason[] = [];
    // Rows are fetched a set at a time before they are looked at: the changed symbols, then each level's callers.
    await rows.load(head.id, [...inHead, ...changedTests]);
    if (base) await rows.load(base.id, removedIds);
    const headRow = (id: string): SymbolRow | null => rows.get(head.id, id);
    // Callers, walked in head from every changed symbol still there, and in base from every removed one (through
    // symbols head still has). Besides resolved edges, an unresolved call site whose callee name is the symbol's
    // name is a possible caller (in a language that can call it): an untyped receiver must not hide a test.
    const headPossible = possibleCallersByName(headEdges);
    const basePossible = possibleCallersByName(baseEdges);
    const reached = new Map<string, Reached>();
    let visits = 0;
    let truncated = false;
    const rowIn = (snapshotId: number, id: string): SymbolRow | null => rows.get(snapshotId, id);
    // Callers by symbol and snapshot, fetched for a whole frontier at once: walks from different starts share them.
    const callerCache = new Map<string, Array<{ row: SymbolRow; confidence: number }>>();
    const callerKey = (snapshotId: number, id: string): string => `${snapshotId}|${id}`;
    const loadCallers = async (
      snapshotId: number,
      possible: Map<string, Set<string>>,
      frontier: readonly SymbolRow[],
    ): Promise<void> => {
      const wanted = new Map<string, SymbolRow>();
      for (const row of frontier)
        if (!callerCache.has(callerKey(snapshotId, row.id))) wanted.set(row.id, row);
      if (wanted.size === 0) return;
      const resolved = new Map<string, Array<{ row: SymbolRow; confidence: number }>>();
      for (const e of await this.storage.edgesTo(snapshotId, [...wanted.keys()])) {
        if (e.edge.calleeId === null) continue;
        let list = resolved.get(e.edge.calleeId);
        if (!list) resolved.set(e.edge.calleeId, (list = []));
        list.push({ row: e.symbol, confidence: e.edge.confidence ?? 0 });
      }
      await rows.load(
        snapshotId,
        [...wanted.values()].flatMap((row) => [...(possible.get(row.name) ?? [])]),
      );
      for (const row of wanted.values()) {
        const out = resolved.get(row.id) ?? [];
        for (const callerId of possible.get(row.name) ?? []) {
          const caller = rowIn(snapshotId, callerId);
          // A call site in a language that cannot call the symbol's (a Python `cart.add()` and a changed Java
          // `Cart.add`) is no possible caller: name matches stay within languages that call each other.
          if (caller && mayCallAcross(caller.path, row.path))
            out.push({ row: caller, confidence: UNRESOLVED_NAME_MATCH_CONFIDENCE });
        }
        callerCache.set(callerKey(snapshotId, row.id), out);
      }
    };
    const callersOf = (snapshotId: number, row: SymbolRow): Array<{ row: SymbolRow; confidence: number }> =>
      callerCache.get(callerKey(snapshotId, row.id)) ?? [];
    /** Records `row` as reached from the changed symbol `reaches` at `depth` hops with `confidence`. */
    const record = (row: SymbolRow, reaches: string, depth: number, confidence: number): void => {
      if (changedIds.has(row.id)) return;
      const old = reached.get(row.id);
      if (!old) reached.set(row.id, { row, depth, confidence, reaches: new Set([reaches]) });
      else {
        if (depth < old.depth || (depth === old.depth && confidence > old.confidence)) {
          old.depth = depth;
          old.confidence = confidence;
        }
        old.reaches.add(reaches);
      }
    };
    /**
     * Walks callers from every start, each with its own seen set, all starts a level at a time: one set of questions
     * per level (the callers of the whole frontier; in base, also which of them head still has).
     */
    const walk = async (
      snapshotId: number,
      possible: Map<string, Set<string>>,
      starts: ReadonlyArray<{ id: string; reaches: string; depth: number; confidence: number }>,
      inHeadToo: boolean,
    ): Promise<void> => {
      await rows.load(
        snapshotId,
        starts.map((s) => s.id),
      );
      const toHead = (row: SymbolRow): SymbolRow | null => (inHeadToo ? headRow(row.id) : row);
      type Walk = {
        reaches: string;
        d: number;
        frontier: Array<{ row: SymbolRow; confidence: number }>;
        seen: Set<string>;
      };
      const walks: Walk[] = [];
      for (const start of starts) {
        const startRow = rowIn(snapshotId, start.id);
        if (!startRow) continue;
        walks.push({
          reaches: start.reaches,
          d: start.depth,
          frontier: [{ row: startRow, confidence: start.confidence }],
          seen: new Set([start.id]),
        });
      }
      for (;;) {
        const active = walks.filter((w) => w.d + 1 <= WALK_DEPTH && w.frontier.length > 0);
        if (active.length === 0 || truncated) break;
        const frontier = active.flatMap((w) => w.frontier.map((n) => n.row));
        await loadCallers(snapshotId, possible, frontier);
        if (inHeadToo)
          await rows.load(
            head.id,
            frontier.flatMap((row) => callersOf(snapshotId, row).map((c) => c.row.id)),
          );
        for (const w of active) {
          const d = ++w.d;
          const next: Walk['frontier'] = [];
          for (const node of w.frontier) {
            for (const caller of callersOf(snapshotId, node.row)) {
              if (w.seen.has(caller.row.id)) continue;
              w.seen.add(caller.row.id);
              if (++visits > MAX_WALK_VISITS) truncated = true;
              const now = toHead(caller.row);
              if (!now || truncated) continue;
              const confidence = node.confidence * caller.confidence;
              next.push({ row: caller.row, confidence });
              record(now, w.reaches, d, confidence);
            }
          }
          w.frontier = next;
        }
      }
    };
    // What is read rather than called (a variable, an enum, a module's own lines) has no callers in the graph, which
    // has no reference edges: every callable symbol of its file counts as a reader at one hop, and the walk goes on
    // from there. Readers in other files are not traced; for exported ones the answer says so.
    const readerStarts: Array<{ id: string; reaches: string; depth: number; confidence: number }> = [];
    for (const id of inHead) {
      const row = headRow(id);
      if (!row || !READ_NOT_CALLED.has(row.kind) || (input.readChanged && !input.readChanged.has(id)))
        continue;
      for (const reader of await this.storage.symbolsOfFile(head.id, row.path)) {
        if (!CALLABLE.has(reader.kind) || reader.id === id) continue;
        record(reader, id, 1, SAME_FILE_READER_CONFIDENCE);
        readerStarts.push({ id: reader.id, reaches: id, depth: 1, confidence: SAME_FILE_READER_CONFIDENCE });
      }
      if (row.exported && row.kind !== 'module')
        incomplete.push({
          reason: 'references-not-traced',
          symbol: id,
          message: `exported ${row.kind} ${row.qualifiedName} changed: code reading it from other files is not traced`,
        });
    }
    await walk(
      head.id,
      headPossible.byName,
      [...inHead.map((id) => ({ id, reaches: id, depth: 0, confidence: 1 })), ...readerStarts],
      false,
    );
    if (base)
      await walk(
        base.id,
        basePossible.byName,
        removedIds.map((id) => ({ id, reaches: id, depth: 0, confidence: 1 })),
        true,
      );
    if (truncated)
      incomplete.push({
        reason: 'traversal-truncated',
        message: `the caller walk stopped after ${MAX_WALK_VISITS} steps; more callers and tests may be affected`,
      });
    if (headPossible.nameless > 0 && (inHead.length > 0 || removedIds.length > 0))
      incomplete.push({
        reason: 'unresolved-calls',
        count: headPossible.nameless,
        message: `${headPossible.nameless} unresolved call site${headPossible.nameless === 1 ? '' : 's'} in head name no callee (computed or dynamic) and could call a changed symbol`,
      });
    const impacted: ImpactedSymbol[] = [...reached.values()]
      .filter((n) => n.depth <= depth)
      .map((n) => ({
        id: n.row.id,
        name: n.row.name,
        qualifiedName: n.row.qualifiedName,
        kind: n.row.kind,
        path: n.row.path,
        depth: n.depth,
        confidence: round(n.confidence),
        reaches: [...n.reaches].sort(),
      }))
      .sort((a, b) => a.depth - b.depth || b.confidence - a.confidence || cmp(a.id, b.id));

    // Tests: tested-by links to changed symbols and to every symbol the walk reached (in head; in base for what
    // changed or went), changed tests themselves, and tests among the callers.
    const tests = new Map<string, TestToRun>();
    const offer = (test: SymbolRow, reaches: Iterable<string>, d: number, confidence: number): void => {
      let t = tests.get(test.id);
      if (!t) {
        t = {
          id: test.id,
          name: test.qualifiedName,
          path: test.path,
          startLine: test.startLine,
          command: null,
          reaches: [],
          depth: d,
          confidence: round(confidence),
        };
        tests.set(test.id, t);
      } else if (d < t.depth || (d === t.depth && confidence > t.confidence)) {
        t.depth = d;
        t.confidence = round(confidence);
      }
      for (const r of reaches) if (!t.reaches.includes(r)) t.reaches.push(r);
    };
    for (const { reach, test } of await this.storage.testsReaching(head.id, [...inHead, ...reached.keys()])) {
      if (changedIds.has(reach.symbolId)) offer(test, [reach.symbolId], reach.depth, reach.confidence);
      const via = reached.get(reach.symbolId);
      if (via) offer(test, via.reaches, reach.depth + via.depth, reach.confidence * via.confidence);
    }
    const baseLinks = base ? await this.storage.testsReaching(base.id, [...baseToChanged.keys()]) : [];
    await rows.load(
      head.id,
      baseLinks.map((l) => l.test.id),
    );
    for (const { reach, test } of baseLinks) {
      const now = headRow(test.id);
      if (now)
        offer(now, [baseToChanged.get(reach.symbolId) ?? reach.symbolId], reach.depth, reach.confidence);
    }
    for (const id of changedTests) {
      const row = headRow(id);
      if (row) offer(row, [id], 0, 1);
    }
    for (const n of reached.values())
      if (n.row.kind === 'test') offer(n.row, n.reaches, n.depth, n.confidence);
    const stats = await this.storage.snapshotStats(head.id);
    const notAnalysed = stats?.testFilesNotAnalysed ?? [];
    if (notAnalysed.length > 0 || (stats && stats.testFiles > stats.testFilesAnalysed))
      incomplete.push({
        reason: 'test-files-not-analysed',
        count: notAnalysed.length || (stats ? stats.testFiles - stats.testFilesAnalysed : 0),
        message: `test files not analysed in head: ${notAnalysed.slice(0, 10).join(', ') || 'some'}${notAnalysed.length > 10 ? ', …' : ''}`,
      });

    const testList = [...tests.values()].sort(
      (a, b) =>
        a.depth - b.depth || b.confidence - a.confidence || cmp(a.path, b.path) || cmp(a.name, b.name),
    );
    // Commands come from the plug-in that owns each test file: one per test, and one per file for all its tests.
    const texts = new Map<string, Promise<string | null>>();
    const groups = new Map<
      string,
      { commands: TestCommands; test: TestToRun; names: string[]; files: InputFile[] }
    >();
    for (const t of testList) {
      t.reaches.sort();
      const commands = pluginForPath(t.path)?.testCommands;
      if (!commands) continue;
      const files = await this.commandInputs(head.id, commands.inputs(t.path), texts);
      const framework = stats?.testFrameworks?.[t.path] ?? null;
      const cmd = commands.command({ testFile: t.path, testName: t.name, framework, files });
      t.command = cmd === null ? null : withCwd(cmd);
      const group = groups.get(t.path) ?? { commands, test: t, names: [], files };
      group.names.push(t.name);
      groups.set(t.path, group);
    }
    const commands: GroupedTestCommand[] = [];
    for (const [file, g] of [...groups].sort((a, b) => cmp(a[0], b[0]))) {
      const framework = stats?.testFrameworks?.[file] ?? null;
      const cmd = g.commands.group?.({ testFile: file, testNames: g.names, framework, files: g.files });
      if (cmd)
        commands.push({
          runner: cmd.runner,
          cwd: cmd.cwd,
          file,
          tests: new Set(g.names).size,
          command: withCwd(cmd),
        });
    }

    return { impacted, tests: testList, commands, incomplete };
  }

  /** The texts of a test command's input files that exist in the snapshot, read verified (cached per call). */
  private async commandInputs(
    snapshotId: number,
    paths: readonly string[],
    cache: Map<string, Promise<string | null>>,
  ): Promise<InputFile[]> {
    const found: InputFile[] = [];
    for (const path of paths) {
      let text = cache.get(path);
      if (text === undefined) {
        text = this.storage.getFile(snapshotId, path).then((f) =>
          !f?.blobSha256
            ? null
            : this.blobs.readVerified(f.blobSha256).then(
                (b) => b.toString('utf8'),
                () => null,
              ),
        );
        cache.set(path, text);
      }
      const t = await text;
      if (t !== null) found.push({ path, text: t });
    }
    return found;
  }

  private async requireRepo(repoId: string): Promise<RepoRecord> {
    if (typeof repoId !== 'string') throw new CodehubError('InvalidInput', 'repo must be host/owner/name');
    checkRepoId(repoId, 'repo');
    const repo = await this.storage.getRepo(repoId);
    if (repo) return repo;
    const near = closest(
      repoId,
      (await this.storage.listRepos()).map((r) => r.id),
    );
    const hint =
      near.length > 0 ? `; closest: ${near.join(', ')}` : "; index one with 'codehub index <path>'";
    throw new CodehubError('RepoNotFound', `no repo '${repoId}'${hint}`, near);
  }
}

function checkDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH)
    throw new CodehubError(
      'InvalidInput',
      `depth must be an integer from 1 to ${MAX_DEPTH}, got ${String(depth)}`,
    );
  return depth;
}

/** Splits `<base>...<head>` (the compare URL's form) into its two specs; throws InvalidInput for anything else. */
export function parseCompareSpec(spec: string): { base: string; head: string } {
  const parts = spec.split('...');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new CodehubError(
      'InvalidInput',
      `compare takes <base>...<head> (two indexed commits or refs), got ${JSON.stringify(spec.slice(0, 200))}`,
    );
  return { base: checkSnapshotSpec(parts[0]), head: checkSnapshotSpec(parts[1]) };
}

/** Rejects specs that are not a plain commit or ref name: empty, option-like, `..` ranges, control characters. */
export function checkSnapshotSpec(spec: string): string {
  if (typeof spec !== 'string' || spec === '')
    throw new CodehubError('InvalidInput', 'a base or head commit/ref is empty');
  if (spec.includes('..'))
    throw new CodehubError(
      'InvalidInput',
      `'${spec}' contains '..'; give base and head as two separate commits or refs, not a range`,
    );
  // JSON quoting keeps the message on one line whatever the spec holds.
  if (spec.startsWith('-') || /[\s\u0000-\u001f\u007f:?*[\\]/.test(spec) || spec.length > 256)
    throw new CodehubError(
      'InvalidInput',
      `${JSON.stringify(spec)} is not a commit sha or a branch/tag name`,
    );
  return spec;
}

function contentKey(f: FileRecord): string {
  return `${f.blobSha256 ?? f.gitOid}\u0000${f.mode}\u0000${f.target ?? ''}`;
}

function toChangedEdge(e: Edge): ChangedEdge {
  return {
    callerId: e.callerId,
    calleeId: e.calleeId,
    calleeText: e.calleeText,
    kind: e.kind,
    reason: e.reason,
    confidence: e.confidence,
    lines: e.lines,
  };
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
