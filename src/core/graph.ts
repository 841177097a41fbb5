/** Repo-wide results of resolution: edges between symbols, and tested-by links. */
import type { ReasonCode } from './confidence.js';

export interface Edge {
  /** Full symbol id of the caller (see ids.ts). */
  callerId: string;
  /** Full symbol id of the callee, or null when the call site is unresolved. */
  calleeId: string | null;
  /** The callee text as written (kept for unresolved edges and for display). */
  calleeText: string;
  kind: 'call' | 'new';
  /** Resolved: import | same-file | receiver-typed | interface | name-only…; unresolved: external:<pkg> | builtin | dynamic | unknown. */
  reason: ReasonCode;
  /** Null for unresolved edges: unknown is not zero. */
  confidence: number | null;
  /** Sorted 1-based lines of the call sites in the caller's file that make this edge. */
  lines: number[];
  /** For name-only and interface matches: how many candidate definitions there were. */
  candidates?: number;
}

/** A test case that reaches a symbol over call edges. */
export interface TestReach {
  symbolId: string;
  testId: string;
  depth: number;
  /** Product of the edge confidences along the best path. */
  confidence: number;
}
