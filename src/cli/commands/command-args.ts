/** Argument parsing and output helpers shared by the commands in this folder. */
import { once } from 'node:events';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CodehubError } from '../../core/errors.js';

const COMMON = {
  data: { type: 'string' },
  blobs: { type: 'string' },
  database: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** parseArgs with the common options (--data, --blobs, --json, --help); bad arguments become InvalidInput. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CodehubError('InvalidInput', (err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

/** Pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes to stdout and waits for it to drain when its buffer is full (streams of any size stay bounded). */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** `method` → `Method`, as pages show kinds. */
export function kindLabel(kind: string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}
