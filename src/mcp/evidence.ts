/**
 * Evidence for MCP answers: repo@commit, path, line range, blob sha256 and permalink, built from the
 * service's DTOs, and the one-line text form agents read.
 */
import type { QueryService, SymbolDTO } from '../service/query-types.js';
import { clipText, type LineCut } from './answer-budget.js';
import type { Evidence, SymbolOut } from './schemas.js';

export interface Snapshot {
  id: string;
  commit: string;
}

/** Web base for permalinks: GitHub repos only, as the service's DTOs do. */
export function webBase(repoId: string): string | null {
  const parts = repoId.split('/');
  return parts.length === 3 && parts[0] === 'github.com'
    ? `https://github.com/${parts[1]}/${parts[2]}`
    : null;
}

/** Permalink to a line range of a file at the indexed commit, or null for repos with no web home. */
export function permalinkFor(
  snap: Snapshot,
  path: string,
  startLine: number,
  endLine = startLine,
): string | null {
  const base = webBase(snap.id);
  if (!base) return null;
  const range = endLine > startLine ? `#L${startLine}-L${endLine}` : `#L${startLine}`;
  return `${base}/blob/${snap.commit}/${path.split('/').map(encodeURIComponent).join('/')}${range}`;
}

/** Evidence for a symbol's declaration. */
export function symbolEvidence(snap: Snapshot, s: SymbolDTO): Evidence {
  return {
    repo: snap.id,
    commit: snap.commit,
    path: s.path,
    startLine: s.startLine,
    endLine: s.endLine,
    blobSha256: s.blobSha256,
    permalink: s.permalink ?? permalinkFor(snap, s.path, s.startLine, s.endLine),
  };
}

/** A symbol as MCP answers show it: its DTO fields (free text cut at LIMITS.textChars) plus evidence. */
export function symbolOut(snap: Snapshot, s: SymbolDTO): SymbolOut {
  return {
    id: s.id,
    name: s.name,
    qualifiedName: s.qualifiedName,
    kind: s.kind,
    path: s.path,
    startLine: s.startLine,
    endLine: s.endLine,
    signature: clipText(s.signature),
    returnType: s.returnType === null ? null : clipText(s.returnType),
    exported: s.exported,
    doc: s.doc === null ? null : clipText(s.doc),
    verified: s.verified,
    evidence: symbolEvidence(snap, s),
  };
}

const MAX_CACHED_SNAPSHOTS = 8;
const blobIndexes = new WeakMap<QueryService, Map<string, Promise<Map<string, string | null>>>>();

/**
 * Blob sha256 of each file of a snapshot, for evidence on edges (EdgeDTO carries no hash). Listed once
 * per repo@commit and kept: a snapshot's blobs never change.
 */
export async function blobShaLookup(
  service: QueryService,
  snap: Snapshot,
): Promise<(path: string) => string | null> {
  let perService = blobIndexes.get(service);
  if (!perService) blobIndexes.set(service, (perService = new Map()));
  const key = `${snap.id}@${snap.commit}`;
  let index = perService.get(key);
  if (!index) {
    index = service.listFiles(snap.id).then((files) => new Map(files.map((f) => [f.path, f.blobSha256])));
    perService.set(key, index);
    index.catch(() => perService.delete(key));
    if (perService.size > MAX_CACHED_SNAPSHOTS) {
      const oldest = perService.keys().next().value;
      if (oldest !== undefined) perService.delete(oldest);
    }
  }
  const map = await index;
  return (path) => map.get(path) ?? null;
}

/**
 * `repo@commit path:start-end sha256:… permalink`, the line every text answer carries. List items pass
 * `withSnapshot: false` once the answer's header has named repo@commit, to spare the agent's context.
 */
export function evidenceLine(e: Evidence, withSnapshot = true): string {
  const range = e.endLine > e.startLine ? `${e.startLine}-${e.endLine}` : `${e.startLine}`;
  const where = `${e.path}:${range} sha256:${e.blobSha256 ?? 'not-stored'} ${e.permalink ?? '(no permalink)'}`;
  return withSnapshot ? `${e.repo}@${e.commit} ${where}` : where;
}

/** `Method Class.method(sig): ret` for headings. */
export function symbolTitle(s: {
  kind: string;
  qualifiedName: string;
  signature: string;
  returnType: string | null;
}): string {
  const kind = s.kind.charAt(0).toUpperCase() + s.kind.slice(1);
  return `${kind} ${s.qualifiedName}${s.signature}${s.returnType ? `: ${s.returnType}` : ''}`;
}

/**
 * Source lines with right-aligned line numbers. A first line read from a later column says so, and a cut line
 * ends with where it was cut and the call that reads on (`continueWith`, e.g. `get_source` or nothing).
 */
export function numberedLines(
  startLine: number,
  lines: string[],
  page: { startColumn?: number; cut?: LineCut | null; continueWith?: string } = {},
): string {
  const width = String(startLine + lines.length - 1).length;
  const { startColumn = 1, cut = null, continueWith = '' } = page;
  return lines
    .map((text, i) => {
      const line = startLine + i;
      const from = i === 0 && startColumn > 1 ? `[from column ${startColumn}] ` : '';
      const more =
        cut?.line === line
          ? `… [line cut at column ${cut.endColumn} of ${cut.columns}; continue with ${continueWith}start_line ${line}, start_column ${cut.endColumn + 1}]`
          : '';
      return `${String(line).padStart(width)} | ${from}${text}${more}`;
    })
    .join('\n');
}
