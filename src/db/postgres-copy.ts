/** Bulk writes of the PostgreSQL adapter: COPY … FROM STDIN in text format. */
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** One COPY … FROM STDIN in text format, streamed in chunks (waiting when the socket is full). */
export async function copyRows<T>(
  client: pg.PoolClient,
  target: string,
  items: readonly T[],
  row: (item: T, i: number) => unknown[],
): Promise<void> {
  if (items.length === 0) return;
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let chunk = '';
  for (let i = 0; i < items.length; i++) {
    chunk +=
      row(items[i] as T, i)
        .map(copyField)
        .join('\t') + '\n';
    if (chunk.length >= 1 << 16) {
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
      chunk = '';
    }
  }
  stream.end(chunk);
  await done;
}

/** A value in COPY's text format: \N for null, backslash escapes for the characters that delimit. */
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}
