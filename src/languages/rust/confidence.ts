/** Measured precision of Rust's name-only call candidates against the compiler's MIR (EVAL.md, "Outline languages"). */
import type { ConfidenceTable } from '../../core/confidence.js';

export const MEASURED: ConfidenceTable = {};
