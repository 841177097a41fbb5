/**
 * TypeScript/JavaScript confidence: the precision of each resolution reason measured against the TypeScript
 * compiler (EVAL.md). `codehub eval --calibrate` rewrites MEASURED below (rounded to 0.05, ≥ 100 judged
 * edges); reasons it leaves out use the seed tiers of src/core/confidence.ts.
 */
import type { ResolvedReason } from '../../core/confidence.js';

/** Measured precision per reason (written by `codehub eval --calibrate`). */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {
  import: 0.99,
  'same-file': 0.99,
  'receiver-typed': 0.99,
  interface: 0.99,
  'name-only': 0.79,
  'name-only-builtin': 0.01,
  'name-only-several': 0.33,
};
