/**
 * The byte cap on every tool answer, and the measures that keep each tool under it. A tool result carries its
 * facts twice, as text and as structuredContent, so both are counted, as they are sent: JSON, UTF-8.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { LIMITS } from './schemas.js';

/** What a tool handler answers: the readable text and the structured content. */
export interface Answer<D> {
  text: string;
  data: D;
}

/** A line served only in part: its number, the last column served and its whole length in columns. */
export interface LineCut {
  line: number;
  endColumn: number;
  columns: number;
}

/** Bytes of a tool result serialized as JSON. */
export function resultBytes(result: CallToolResult): number {
  return Buffer.byteLength(JSON.stringify(result), 'utf8');
}

/** Bytes of the tool result an answer becomes. */
export function answerBytes(answer: Answer<unknown>): number {
  return resultBytes(toResult(answer));
}

/** The tool result of an answer: its text, and its data as structuredContent. */
export function toResult(answer: Answer<unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: answer.text }],
    structuredContent: answer.data as Record<string, unknown>,
  };
}

/**
 * The answer with the most items, of `total`, that fits under the cap: `render(n)` answers with the first n.
 * Renders once when all fit, else searches (answers grow with n); with none fitting it answers with none.
 */
export function fitItems<D>(total: number, render: (n: number) => Answer<D>): Answer<D> {
  const all = render(total);
  if (total === 0 || answerBytes(all) <= LIMITS.answerBytes) return all;
  let fits = 0;
  let best: Answer<D> | null = null;
  let over = total;
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    const answer = render(mid);
    if (answerBytes(answer) <= LIMITS.answerBytes) {
      fits = mid;
      best = answer;
    } else over = mid;
  }
  return best ?? render(0);
}

/** The text that says a list was cut to fit the answer cap, and how to ask for less. */
export function cutForCap(shown: number, total: number, howToAskLess: string): string {
  return `cut at ${shown} of ${total} to stay under the ${LIMITS.answerBytes / 1024} KiB answer cap (${howToAskLess})`;
}

/**
 * The longest start of `text` whose JSON string form (escapes, UTF-8) takes at most `budget` bytes: its length in
 * UTF-16 code units and its bytes. It never ends inside a surrogate pair.
 */
export function jsonPrefix(text: string, budget: number): { chars: number; bytes: number } {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    let width: number;
    let step = 1;
    if (c < 0x20) width = c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) width = 2;
    else if (c < 0x80) width = 1;
    else if (c < 0x800) width = 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      width = 4;
      step = 2;
    } else if (c >= 0xd800 && c <= 0xdfff)
      width = 6; // a lone surrogate is written as \udxxx
    else width = 3;
    if (bytes + width > budget) break;
    bytes += width;
    i += step;
  }
  return { chars: i, bytes };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Bytes a served line costs besides its text: quotes and comma in `lines`, number, bar and newline in the text. */
const LINE_OVERHEAD = 24;

/**
 * The lines, of `lines` (line `startLine`, from column `startColumn` on, then whole lines), whose text fits in
 * `budget` bytes, counted twice as the answer carries it. Only the first line is cut to fit; a later line that does
 * not fit ends the page before it, so pages start at a line's start unless a line is longer than a page. `serviceCut`
 * says the service already stopped inside the last line, and how long that line is.
 */
export function fitLines(
  lines: readonly string[],
  startLine: number,
  startColumn: number,
  serviceCut: { line: number; columns: number } | null | undefined,
  budget: number,
): { lines: string[]; cut: LineCut | null } {
  const served: string[] = [];
  let left = budget;
  for (const [i, text] of lines.entries()) {
    const line = startLine + i;
    const from = i === 0 ? startColumn - 1 : 0;
    const columns = serviceCut?.line === line ? serviceCut.columns : from + text.length;
    let { chars, bytes } = jsonPrefix(text, Math.max(0, Math.floor((left - LINE_OVERHEAD) / 2)));
    if (chars < text.length) {
      if (i > 0) break;
      if (chars === 0) {
        // A page always makes progress: at least one character (or one surrogate pair).
        chars = isLowSurrogate(text.charCodeAt(1)) ? 2 : 1;
        bytes = jsonPrefix(text.slice(0, chars), Infinity).bytes;
      }
    }
    served.push(text.slice(0, chars));
    left -= 2 * bytes + LINE_OVERHEAD;
    if (from + chars < columns) return { lines: served, cut: { line, endColumn: from + chars, columns } };
  }
  return { lines: served, cut: null };
}

/** `text` cut at `max` characters (not inside a surrogate pair), with a marker that says how long it was. */
export function clipText(text: string, max: number = LIMITS.textChars): string {
  if (text.length <= max) return text;
  const keep = isLowSurrogate(text.charCodeAt(max)) ? max - 1 : max;
  return `${text.slice(0, keep)}… [cut at ${keep} of ${text.length} characters]`;
}
