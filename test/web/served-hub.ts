/**
 * The seed-pattern fixture as the web tests serve it: the fixture plus three small files that give the pages
 * cases the fixture lacks — calls through parameters that make caller lists a lower bound, a body long enough to be
 * cut with a truncation marker, and a file whose stored blob a test damages.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIndexedHub, type IndexedHub } from '../support/indexed-fixture.js';

export const STARTCHECKOUT_ID = 'src/checkout-service.ts::CheckoutService.startCheckout:method';
export const LONG_ID = 'src/monthly-report.ts::monthlyReport:function';
export const UNCALLED_ID = 'src/receipt-format.ts::formatReceipt:function';
export const FRAGILE_PATH = 'src/fragile.ts';
export const FRAGILE_ID = `${FRAGILE_PATH}::doubleIt:function`;
/** Body lines of monthlyReport (the function spans this many lines plus its header and footer). */
export const LONG_BODY_DAYS = 90;

const longReport = [
  '/** Builds a plain-text report, one line per day of the month. */',
  'export function monthlyReport(days: number[]): string[] {',
  '  const out: string[] = [];',
  ...Array.from({ length: LONG_BODY_DAYS }, (_, i) => `  out.push(\`day ${i + 1}: \${days[${i}] ?? 0}\`);`),
  '  return out;',
  '}',
  '',
].join('\n');

export const HUB_EXTRA_FILES: Record<string, string> = {
  'src/late-binding.ts': [
    '/** Replays a cart through the pricing and formatting functions it is handed; parameters, so the calls stay unresolved. */',
    'export function replayCheckout(',
    '  computeTotal: (prices: number[]) => number,',
    '  formatReceipt: (total: number) => string,',
    '  prices: number[],',
    '): string {',
    '  return formatReceipt(computeTotal(prices));',
    '}',
    '',
  ].join('\n'),
  'src/receipt-format.ts': [
    '/** Formats a receipt line; nothing calls it by a name the analysis can resolve. */',
    'export function formatReceipt(total: number): string {',
    '  return `total ${total}`;',
    '}',
    '',
  ].join('\n'),
  'src/monthly-report.ts': longReport,
  [FRAGILE_PATH]: [
    '/** Doubles a number. */',
    'export function doubleIt(n: number): number {',
    '  return n * 2;',
    '}',
    '',
  ].join('\n'),
};

/** Indexes and serves the seed-pattern fixture with the extra files above. */
export function startWebHub(): Promise<IndexedHub> {
  return startIndexedHub({ extraFiles: HUB_EXTRA_FILES });
}

/** Flips one byte in the middle of a stored blob file (`<data>/blobs/ab/<sha256>`). */
export function corruptBlob(dataDir: string, sha256: string): string {
  const file = join(dataDir, 'blobs', sha256.slice(0, 2), sha256);
  const bytes = readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  writeFileSync(file, bytes);
  return file;
}

/** GET with the body as text. */
export async function get(
  base: string,
  path: string,
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(base + path, { redirect: 'manual' });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** The visible text of an HTML fragment (tags dropped, entities decoded, whitespace collapsed). */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Asserts that `needles` occur in `text` in this order; returns the failing needle or null. */
export function firstOutOfOrder(text: string, needles: string[]): string | null {
  let at = 0;
  for (const n of needles) {
    const i = text.indexOf(n, at);
    if (i < 0) return n;
    at = i + n.length;
  }
  return null;
}
