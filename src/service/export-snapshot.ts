/** `codehub export`: a snapshot's symbols and edges as JSON-lines records, streamed from storage. */
import { CodehubError } from '../core/errors.js';
import { checkRepoId } from '../core/ids.js';
import type { RepoRecord, SnapshotRecord } from '../db/storage.js';
import { closest, toSymbolDTO } from './dto.js';
import type { SymbolDTO } from './query-types.js';
import type { Workspace } from './workspace.js';

export type ExportedSymbolLine = { type: 'symbol' } & SymbolDTO;

export interface ExportedEdgeLine {
  type: 'edge';
  callerId: string;
  callerPath: string;
  callerLine: number;
  /** null for an unresolved call site (then `calleeText` and `reason` say what it was). */
  calleeId: string | null;
  calleePath: string | null;
  calleeLine: number | null;
  calleeText: string;
  kind: 'call' | 'new';
  reason: string;
  confidence: number | null;
  callLines: number[];
  candidates?: number;
}

export type ExportLine = ExportedSymbolLine | ExportedEdgeLine;

/**
 * The snapshot to export: the repo's newest, or the ready snapshot whose commit starts with `ref`
 * (≥ 4 hex digits) or whose ref name is `ref`. Throws InvalidInput (malformed id) / RepoNotFound / RefNotFound.
 */
export async function exportTarget(
  ws: Pick<Workspace, 'storage'>,
  repoId: string,
  ref?: string,
): Promise<{ repo: RepoRecord; snapshot: SnapshotRecord }> {
  checkRepoId(repoId, 'repo');
  const reader = ws.storage.reader;
  const repo = await reader.getRepo(repoId);
  if (!repo) {
    const near = closest(
      repoId,
      (await reader.listRepos()).map((r) => r.id),
    );
    throw new CodehubError(
      'RepoNotFound',
      `no repo '${repoId}'${near.length > 0 ? `; closest: ${near.join(', ')}` : ''}`,
      near,
    );
  }
  const ready = (await reader.listSnapshots(repoId)).filter((s) => s.status === 'ready');
  if (ref === undefined) {
    const latest = await reader.latestSnapshot(repoId);
    if (!latest) throw new CodehubError('RepoNotFound', `repo '${repoId}' has no indexed snapshot`);
    return { repo, snapshot: latest };
  }
  const wanted = ref.toLowerCase();
  const matches = ready.filter(
    (s) => (/^[0-9a-f]{4,40}$/.test(wanted) && s.commit.startsWith(wanted)) || s.ref === ref,
  );
  const snapshot = matches[matches.length - 1];
  if (!snapshot) {
    const have = ready.map((s) => s.commit.slice(0, 12)).join(', ') || 'none';
    throw new CodehubError(
      'RefNotFound',
      `no indexed snapshot of ${repoId} at '${ref}' (indexed commits: ${have})`,
    );
  }
  return { repo, snapshot };
}

/** Every symbol (by path and line), then every edge, as export records; a generator so nothing is built whole. */
export async function* exportSnapshot(
  ws: Pick<Workspace, 'storage'>,
  repo: RepoRecord,
  snapshot: SnapshotRecord,
): AsyncGenerator<ExportLine> {
  for await (const row of ws.storage.reader.iterateSymbols(snapshot.id)) {
    yield { type: 'symbol', ...toSymbolDTO(repo, snapshot, row) };
  }
  for await (const e of ws.storage.reader.iterateEdges(snapshot.id)) {
    yield {
      type: 'edge',
      callerId: e.callerId,
      callerPath: e.callerPath,
      callerLine: e.callerLine,
      calleeId: e.calleeId,
      calleePath: e.calleePath,
      calleeLine: e.calleeLine,
      calleeText: e.calleeText,
      kind: e.kind,
      reason: e.reason,
      confidence: e.confidence,
      callLines: e.lines,
      ...(e.candidates !== undefined ? { candidates: e.candidates } : {}),
    };
  }
}
