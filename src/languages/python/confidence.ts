/**
 * Python confidence: the precision of each resolution reason measured against pyright (EVAL.md), pooled over the
 * tuned corpora only (click, markdown, jinja2: 0.998–1.000); the held-out corpora (requests, attrs, yaml, packaging,
 * docutils) measured 0.985–1.000 per reason.
 * `codehub eval --calibrate` rewrites MEASURED below (rounded to 0.05, ≥ 100 judged edges); reasons it leaves out
 * use the seed tiers of src/core/confidence.ts.
 */
import type { ResolvedReason } from '../../core/confidence.js';

/** Measured precision per reason (written by `codehub eval --calibrate`). */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {
  import: 1,
  'same-file': 1,
  'receiver-typed': 1,
};
