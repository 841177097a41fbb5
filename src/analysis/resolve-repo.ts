/**
 * INTEGRATION POINT (placeholder): repo-wide call resolution. The real resolver replaces this file at
 * merge; until then it resolves nothing but still counts the call sites it was given.
 */
import type { ResolveRepo } from './types.js';

/** Turns per-file facts into edges (placeholder: no edges). */
export const resolveRepo: ResolveRepo = (input) => {
  const callSites = input.files.reduce((n, f) => n + f.facts.callSites.length, 0);
  const unresolvedByReason: Record<string, number> = callSites > 0 ? { unknown: callSites } : {};
  return { edges: [], stats: { callSites, resolvedByReason: {}, unresolvedByReason } };
};
