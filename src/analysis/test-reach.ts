/**
 * INTEGRATION POINT (placeholder): tested-by reachability. The real BFS replaces this file at merge;
 * until then no symbol is reached by a test.
 */
import type { ComputeTestReach } from './types.js';

/** Tests reaching each symbol over call edges (placeholder: none). */
export const computeTestReach: ComputeTestReach = () => [];
