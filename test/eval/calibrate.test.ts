import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredConfidence, rewriteMeasured, roundTo005 } from '../../src/eval/calibrate.js';

const SAMPLE = `/** The confidence table. */
export const SEED_CONFIDENCE = { import: 0.9 };

/** Measured precision per reason. */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {};

export function confidenceFor(): number {
  return 1;
}
`;

test('precision rounds to the nearest 0.05', () => {
  assert.deepEqual([0.93, 0.92, 0.975, 0.5, 1, 0.024].map(roundTo005), [0.95, 0.9, 1, 0.5, 1, 0]);
});

test('only resolved reasons with at least 100 judged sites are calibrated', () => {
  const values = measuredConfidence([
    { reason: 'import', precision: 0.973, sites: 400 },
    { reason: 'same-file', precision: 0.88, sites: 100 },
    { reason: 'name-only', precision: 0.31, sites: 99 },
    { reason: 'builtin', precision: 1, sites: 1000 },
  ]);
  assert.deepEqual(values, { import: 0.95, 'same-file': 0.9 });
});

test('the MEASURED literal is rewritten in place and nothing else changes', () => {
  const next = rewriteMeasured(SAMPLE, { 'same-file': 0.9, import: 0.95 });
  assert.equal(
    next,
    SAMPLE.replace(
      'MEASURED: Partial<Record<ResolvedReason, number>> = {};',
      "MEASURED: Partial<Record<ResolvedReason, number>> = {\n  import: 0.95,\n  'same-file': 0.9,\n};",
    ),
  );
});

test('a second calibration keeps earlier measured reasons it has no new numbers for', () => {
  const once = rewriteMeasured(SAMPLE, { 'name-only': 0.4, import: 0.95 });
  const twice = rewriteMeasured(once, { import: 0.85 });
  assert.match(twice, /= \{\n {2}import: 0\.85,\n {2}'name-only': 0\.4,\n\};/);
  assert.equal(rewriteMeasured(twice, {}), twice);
});

test('a file without the MEASURED literal is refused', () => {
  assert.throws(() => rewriteMeasured('export const X = 1;\n', { import: 0.9 }), /MEASURED/);
});
