/**
 * Identity (DESIGN.md): repo id `host/owner/name`; symbol id `<path>::<localId>` where localId is
 * `<qualifiedName>:<kind>[~N]`. Ids are readable in URLs and stable across re-indexes of the same code.
 */
import type { SymbolKind } from './facts.js';

/** Builds a file-local symbol id; `ordinal` ≥ 2 disambiguates overloads and same-named declarations. */
export function makeLocalId(qualifiedName: string, kind: SymbolKind, ordinal = 1): string {
  return ordinal > 1 ? `${qualifiedName}:${kind}~${ordinal}` : `${qualifiedName}:${kind}`;
}

/** Builds a repo-wide symbol id from a path and a file-local id. */
export function makeSymbolId(path: string, localId: string): string {
  return `${path}::${localId}`;
}

/** Splits a symbol id into path and local id, or returns null when it is not one. */
export function parseSymbolId(id: string): { path: string; localId: string } | null {
  const at = id.indexOf('::');
  if (at <= 0) return null;
  return { path: id.slice(0, at), localId: id.slice(at + 2) };
}

const REPO_ID = /^(?:[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+|local\/[A-Za-z0-9._-]+)$/;

/** True for a well-formed `host/owner/name`, or `local/<dirname>` (a local checkout indexed without a name). */
export function isRepoId(id: string): boolean {
  return REPO_ID.test(id) && !id.split('/').some((part) => part === '.' || part === '..');
}
