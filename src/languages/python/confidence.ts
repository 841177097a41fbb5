/**
 * Python confidence: the precision of each resolution reason measured against a Python truth source (a type
 * checker). Not measured yet, so MEASURED is empty and every reason uses the seed tiers of src/core/confidence.ts;
 * `codehub eval --calibrate` rewrites MEASURED below once it measures Python (rounded to 0.05, ≥ 100 judged edges).
 */
import type { ResolvedReason } from '../../core/confidence.js';

/** Measured precision per reason (written by `codehub eval --calibrate`). */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {};
