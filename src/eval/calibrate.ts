/**
 * Calibration: turns measured precision per reason into the checked-in confidence table.
 * Method: a reason's new confidence is its precision against the compiler truth, rounded to the
 * nearest 0.05, written only when the reason had at least `minSites` judged call sites (default 100);
 * reasons below that keep their current value (measured earlier, or the seed tier).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SEED_CONFIDENCE, isResolvedReason, type ResolvedReason } from '../core/confidence.js';

export interface ReasonMeasurement {
  reason: string;
  precision: number;
  /** Judged call sites (true + false positives). */
  sites: number;
}

export const MIN_SITES_FOR_CALIBRATION = 100;

/** New MEASURED values: precision rounded to 0.05 for resolved reasons with ≥ minSites judged sites. */
export function measuredConfidence(
  measurements: ReadonlyArray<ReasonMeasurement>,
  minSites = MIN_SITES_FOR_CALIBRATION,
): Partial<Record<ResolvedReason, number>> {
  const out: Partial<Record<ResolvedReason, number>> = {};
  for (const m of measurements) {
    if (!isResolvedReason(m.reason) || m.sites < minSites) continue;
    out[m.reason] = roundTo005(m.precision);
  }
  return out;
}

/** Rounds to the nearest 0.05 (0.93 → 0.95, 0.92 → 0.9), keeping two decimals exact. */
export function roundTo005(value: number): number {
  return Number((Math.round(value * 20) / 20).toFixed(2));
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
  const keys = [...values.keys()].sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
  const body =
    keys.length === 0
      ? '{}'
      : `{\n${keys.map((k) => `  ${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${values.get(k)},`).join('\n')}\n}`;
  return fileText.slice(0, match.index) + match[1] + body + match[3] + fileText.slice(match.index + match[0].length);
}

/** Writes measured confidences into the confidence table file; returns the values written. */
export function writeCalibration(
  confidenceFile: string,
  measurements: ReadonlyArray<ReasonMeasurement>,
  minSites = MIN_SITES_FOR_CALIBRATION,
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
