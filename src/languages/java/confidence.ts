/**
 * Java confidence: the precision of each resolution reason measured against javac's bytecode (EVAL.md), pooled over
 * the tuned corpora only. `codehub eval --calibrate` rewrites MEASURED below (rounded to 0.05, ≥ 100 judged
 * edges); reasons it leaves out use the seed tiers of src/core/confidence.ts.
 *
 * `interface-impl` (a call through an interface member or abstract method, drawn to each override below the
 * receiver's type) is not in the bytecode's declared target, so calibration cannot see it: bench/java-dispatch.ts
 * measures it against javac's class hierarchy instead (is the override one the call may dispatch to). Tuned corpora:
 * 875 of 876 edges right (jsoup; commons-csv has none), 0.999, cut down to the 0.05 step below. Held out: 918 of
 * 918 (EVAL.md). It says "may run here", as a call graph edge does, not which override runs at a given call.
 */
import type { ResolvedReason } from '../../core/confidence.js';

/** Measured precision per reason (written by `codehub eval --calibrate`). */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {
  import: 1,
  'same-file': 1,
  'receiver-typed': 1,
  'interface-impl': 0.95,
};
