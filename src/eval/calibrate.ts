/**
 * Calibration: turns measured precision per reason into the checked-in confidence table.
 * Method: a reason's new confidence is its precision against the truth, pooled over the tuned corpora and cut
 * down to two decimals (never rounded up: 0.996 → 0.99), written only when the reason had at least `minSites`
 * judged call sites (default MIN_SITES_TO_WRITE); reasons below that keep their current value (measured earlier,
 * or the seed tier). The calibration target (|confidence − precision| ≤ 0.05) is judged on reasons with at
 * least MIN_SITES_FOR_CALIBRATION sites.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SEED_CONFIDENCE, isResolvedReason, type ResolvedReason } from '../core/confidence.js';

export interface ReasonMeasurement {
  reason: string;
  precision: number;
  /** Judged call sites (true + false positives). */
  sites: number;
}

/** Reasons with fewer judged sites than this are not held to the calibration target (too few to tell). */
export const MIN_SITES_FOR_CALIBRATION = 100;
/** Reasons with at least this many judged sites get their measured precision written. */
export const MIN_SITES_TO_WRITE = 30;

/** New MEASURED values: precision cut down to 0.01 for resolved reasons with ≥ minSites judged sites. */
export function measuredConfidence(
  measurements: ReadonlyArray<ReasonMeasurement>,
  minSites = MIN_SITES_TO_WRITE,
): Partial<Record<ResolvedReason, number>> {
  const out: Partial<Record<ResolvedReason, number>> = {};
  for (const m of measurements) {
    if (!isResolvedReason(m.reason) || m.sites < minSites) continue;
    out[m.reason] = floorTo001(m.precision);
  }
  return out;
}

/** Cuts down to two decimals (0.996 → 0.99, 0.5 → 0.5): a confidence never claims more than was measured. */
export function floorTo001(value: number): number {
  return Number((Math.floor(value * 100 + 1e-9) / 100).toFixed(2));
}

const MEASURED_LITERAL = /(export const MEASURED\b[^=]*=\s*)\{([^}]*)\}(\s*;)/;
const ENTRY = /['"]?([A-Za-z-]+)['"]?\s*:\s*([0-9.]+)/g;

/**
 * Rewrites the `MEASURED` object literal in a plug-in's confidence.ts text: new values replace old ones, other
 * measured entries stay; entries are listed in the seed table's order. Throws when there is no literal.
 */
export function rewriteMeasured(fileText: string, updates: Partial<Record<ResolvedReason, number>>): string {
  const match = MEASURED_LITERAL.exec(fileText);
  if (!match) throw new Error('no `export const MEASURED = { … };` object literal found');
  const values = new Map<string, number>();
  for (const entry of (match[2] ?? '').matchAll(ENTRY)) {
    if (entry[1] !== undefined && entry[2] !== undefined) values.set(entry[1], Number(entry[2]));
  }
  for (const [reason, value] of Object.entries(updates)) values.set(reason, value);
  const order = Object.keys(SEED_CONFIDENCE);
  const keys = [...values.keys()].sort(
    (a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const body =
    keys.length === 0
      ? '{}'
      : `{\n${keys.map((k) => `  ${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${values.get(k)},`).join('\n')}\n}`;
  return (
    fileText.slice(0, match.index) +
    match[1] +
    body +
    match[3] +
    fileText.slice(match.index + match[0].length)
  );
}

/** Writes measured confidences into the confidence table file; returns the values written. */
export function writeCalibration(
  confidenceFile: string,
  measurements: ReadonlyArray<ReasonMeasurement>,
  minSites = MIN_SITES_TO_WRITE,
): Partial<Record<ResolvedReason, number>> {
  const updates = measuredConfidence(measurements, minSites);
  const text = readFileSync(confidenceFile, 'utf8');
  const next = rewriteMeasured(text, updates);
  if (next !== text) writeFileSync(confidenceFile, next);
  return updates;
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}
