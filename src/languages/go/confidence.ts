/**
 * Go confidence: the precision of each resolution reason measured against `callgraph` (golang.org/x/tools, EVAL.md).
 * `codehub eval --calibrate` rewrites MEASURED below (tuned corpora only); reasons it leaves out use the seed tiers
 * of src/core/confidence.ts.
 */
import type { ResolvedReason } from '../../core/confidence.js';

/** Measured precision per reason (written by `codehub eval --calibrate`). */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {};
