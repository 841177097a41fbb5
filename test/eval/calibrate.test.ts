import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floorTo001, measuredConfidence, rewriteMeasured } from '../../src/eval/calibrate.js';
import { wilsonLowerBound } from '../../src/eval/compare.js';

const SAMPLE = `/** The confidence table. */
export const SEED_CONFIDENCE = { import: 0.9 };

/** Measured precision per reason. */
export const MEASURED: Partial<Record<ResolvedReason, number>> = {};

export function confidenceFor(): number {
  return 1;
}
`;

test('precision is cut down to two decimals, never rounded up to a certainty it did not reach', () => {
  assert.deepEqual(
    [0.996, 0.93, 0.975, 0.5, 1, 0.024, 0.29].map(floorTo001),
    [0.99, 0.93, 0.97, 0.5, 1, 0.02, 0.29],
  );
});

test('only resolved reasons with at least 30 judged sites are calibrated', () => {
  const values = measuredConfidence([
    { reason: 'import', precision: 0.973, sites: 400 },
    { reason: 'same-file', precision: 0.88, sites: 30 },
    { reason: 'name-only', precision: 0.31, sites: 29 },
    { reason: 'builtin', precision: 1, sites: 1000 },
  ]);
  assert.deepEqual(values, { import: 0.97, 'same-file': 0.88 });
});

test('the Wilson lower bound is below the measured share and tightens as more sites are judged', () => {
  assert.equal(wilsonLowerBound(0, 0), 0);
  const few = wilsonLowerBound(9, 10);
  const many = wilsonLowerBound(900, 1000);
  assert.ok(few < many && many < 0.9, `${few} < ${many} < 0.9`);
  assert.equal(Number(wilsonLowerBound(95, 100).toFixed(3)), 0.888);
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
