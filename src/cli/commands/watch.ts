/**
 * `codehub watch <path>`: a warm process that indexes each new commit of a checkout as it appears (and with
 * `--worktree` its uncommitted state as the unpublished overlay `<repo>@worktree`), one line per event on stderr, or
 * one JSON object per event on stdout with `--json`. SIGINT/SIGTERM stop it once the index in hand is done.
 */
import { CodehubError } from '../../core/errors.js';
import type { WatchEvent } from '../../service/watcher.js';
import { blobLocation, defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { EXIT } from '../main.js';
import { createProgress } from '../progress.js';
import { parseCommandArgs } from './command-args.js';

const USAGE =
  'usage: codehub watch <path> [--worktree] [--interval-ms N] [--once] [--name host/owner/name] [--workers N]\n' +
  '       [--max-file-size BYTES] [--json] [--data DIR] [--blobs LOC] [--database URL]\n' +
  '  indexes HEAD now if it is not indexed, then each new commit; --worktree also indexes the uncommitted state as\n' +
  '  an overlay that is never published (queries name it <repo>@worktree); --once indexes what is there and exits';

const DEFAULT_INTERVAL_MS = 1000;

/** Runs `codehub watch`; returns the exit code once stopped. */
export async function cmdWatch(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    name: { type: 'string' },
    'interval-ms': { type: 'string' },
    worktree: { type: 'boolean', default: false },
    once: { type: 'boolean', default: false },
    workers: { type: 'string' },
    'max-file-size': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const [path] = positionals;
  if (!path || positionals.length > 1)
    throw new CodehubError('InvalidInput', 'watch takes one <path> (a git checkout)');
  const intervalMs = wholeNumber(values['interval-ms'], '--interval-ms', 10) ?? DEFAULT_INTERVAL_MS;
  const workers = wholeNumber(values.workers, '--workers', 1);
  const maxFileSize = wholeNumber(values['max-file-size'], '--max-file-size', 0);

  const { watchRepository } = await import('../../service/watcher.js');
  const ws = openWorkspace(defaultDataDir(values.data), {
    blobs: blobLocation(values.blobs),
    database: values.database,
  });
  const controller = new AbortController();
  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    // The first signal lets the index in hand finish (a snapshot is published whole or not at all); a second one
    // leaves at once: its building snapshot is never served and the next index run of the repo removes it.
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const tty = !values.json && process.stderr.isTTY === true;
  const progress = tty ? createProgress() : null;
  try {
    await watchRepository({
      ws,
      path,
      ...(values.name !== undefined ? { name: values.name } : {}),
      intervalMs,
      worktree: values.worktree,
      once: values.once,
      index: {
        ...(workers !== undefined ? { workers } : {}),
        ...(maxFileSize !== undefined ? { maxFileSize } : {}),
      },
      signal: controller.signal,
      ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
      onEvent: (e) => {
        if (values.json) {
          process.stdout.write(`${JSON.stringify(e)}\n`);
          return;
        }
        progress?.done();
        const line = describeEvent(e);
        if (line === null) return;
        // On a TTY, "indexing" is a line the result then overwrites in place.
        if (e.event === 'indexing') {
          if (tty) process.stderr.write(`\r\x1b[K${line}`);
        } else process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
      },
    });
    return EXIT.ok;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ws.close();
  }
}

function wholeNumber(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new CodehubError('InvalidInput', `${flag} must be a whole number ≥ ${min}, got '${v}'`);
  return n;
}

const count = (n: number | null): string => (n ?? 0).toLocaleString('en-US');

/** The progress line of an event: `watch: <repo> <sha> indexed in 0.84 s (3 files analysed, 2,506 from cache)`. */
export function describeEvent(e: WatchEvent): string | null {
  const sha = (e.commit ?? e.head ?? '').slice(0, 12);
  const secs = ((e.durationMs ?? 0) / 1000).toFixed(2);
  const work = `${count(e.analysedFiles)} file${e.analysedFiles === 1 ? '' : 's'} analysed, ${count(e.cachedFiles)} from cache`;
  switch (e.event) {
    case 'watching':
      return `watch: ${e.repo} watching (HEAD ${e.head ? e.head.slice(0, 12) : 'has no commit yet'})`;
    case 'indexing':
      return `watch: ${e.repo} ${sha} indexing…`;
    case 'indexed':
      return `watch: ${e.repo} ${sha} indexed in ${secs} s (${work})`;
    case 'up-to-date':
      return `watch: ${e.repo} ${sha} already indexed (snapshot ${e.snapshot})`;
    case 'overlay':
      return `watch: ${e.repo} work tree (on ${(e.head ?? 'no commit').slice(0, 12)}) indexed in ${secs} s (${work}); query it as ${e.name}`;
    case 'failed':
      return `watch: ${e.repo} ${e.error?.target === 'worktree' ? 'work tree' : sha} failed: ${e.error?.message ?? 'unknown error'} (still watching)`;
    case 'stopping':
      return `watch: ${e.repo} stopping once the index in hand is done (signal again to leave at once)`;
    case 'stopped':
      return `watch: ${e.repo} stopped`;
  }
}
