/**
 * Measured precision of Rust's name-only call candidates against the compiler's MIR (EVAL.md, "Outline languages"):
 * 211 of 247 judged edges right on three held-out crates (semver, smallvec, unicode-segmentation); 0.89 on the crate
 * the engine was fixed on (regex-syntax). `node scripts/eval-rust-name-only.mjs <crate>` measures it again.
 */
import type { ConfidenceTable } from '../../core/confidence.js';

export const MEASURED: ConfidenceTable = { 'name-only': 0.85 };
