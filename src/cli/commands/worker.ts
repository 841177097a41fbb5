/** `codehub worker` (takes index jobs from the queue) and `codehub token create|list|revoke` (API tokens). */
import { CodehubError, isCodehubError } from '../../core/errors.js';
import type { JobQueue } from '../../db/job-queue.js';
import { openJobQueue } from '../../db/open-job-queue.js';
import { openTokenStore, parseDuration, type TokenScope } from '../../db/token-store.js';
import { DEFAULT_STALE_MS, runJobRunner } from '../../service/job-runner.js';
import { blobLocation, defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { parseCommandArgs, printJson } from './command-args.js';

/** Seconds as a flag: a positive number, within bounds. */
function secondsFlag(
  name: string,
  text: string | undefined,
  fallbackMs: number,
  minS: number,
  maxS: number,
): number {
  if (text === undefined) return fallbackMs;
  const n = Number(text);
  if (!Number.isFinite(n) || n < minS || n > maxS)
    throw new CodehubError(
      'InvalidInput',
      `--${name} must be a number of seconds from ${minS} to ${maxS}, got '${text}'`,
    );
  return Math.round(n * 1000);
}

/** How long a worker keeps trying to start while the database answers but has no free connection. */
const START_RETRY_MS = 60_000;

/**
 * Starts the queue. A database at its connection limit is a passing state (workers and servers come and go), so a
 * start that meets it waits and retries for up to a minute; any other failure ends the start at once.
 */
async function startQueue(queue: JobQueue, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + START_RETRY_MS;
  for (let wait = 500; ; wait = Math.min(wait * 2, 8000)) {
    try {
      await queue.start();
      return;
    } catch (err) {
      const transient =
        isCodehubError(err, 'DatabaseUnavailable') &&
        (err.detail as { transient?: boolean } | undefined)?.transient === true;
      if (!transient || Date.now() + wait > deadline) throw err;
      log(`worker start: ${(err as Error).message}; retrying in ${wait / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * `codehub worker [--work-dir DIR] [--poll SECONDS] [--stale-after SECONDS]`: runs index jobs until SIGINT/SIGTERM
 * (the job in hand finishes first). Exits 12 (DatabaseUnavailable) when the database cannot be reached at start.
 */
export async function cmdWorker(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    'work-dir': { type: 'string' },
    poll: { type: 'string' },
    'stale-after': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(
      'usage: codehub worker [--work-dir DIR] [--poll SECONDS] [--stale-after SECONDS] [--data DIR] [--database URL] [--blobs LOCATION]\n',
    );
    return 0;
  }
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'worker takes no positional arguments');
  const pollMs = secondsFlag('poll', values.poll, 1000, 0.1, 60);
  const staleMs = secondsFlag('stale-after', values['stale-after'], DEFAULT_STALE_MS, 1, 3600);
  const dataDir = defaultDataDir(values.data);
  const blobs = blobLocation(values.blobs);
  const ws = openWorkspace(dataDir, { blobs, database: values.database });
  const queue = openJobQueue(ws.storage);
  try {
    await startQueue(queue, (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stderr.write(`codehub worker: taking index jobs from ${ws.storage.kind} (pid ${process.pid})\n`);
    await runJobRunner({
      queue,
      index: { dataDir, blobs, database: values.database, workDir: values['work-dir'] },
      signal: controller.signal,
      pollMs,
      staleMs,
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return 0;
  } finally {
    await queue.close().catch(() => undefined);
    await ws.close();
  }
}

/** `codehub token create --scope admin|read [--expires DURATION] [--name NAME]`, `token list`, `token revoke ID`. */
export async function cmdToken(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, {
    scope: { type: 'string' },
    expires: { type: 'string' },
    name: { type: 'string' },
  });
  const { values } = parsed;
  const [sub, ...positionals] = parsed.positionals;
  if (values.help) {
    process.stdout.write(
      'usage: codehub token create --scope admin|read [--expires DURATION] [--name NAME] | token list | token revoke ID\n',
    );
    return 0;
  }
  const ws = openWorkspace(defaultDataDir(values.data), {
    blobs: blobLocation(values.blobs),
    database: values.database,
  });
  try {
    const tokens = openTokenStore(ws.storage);
    switch (sub) {
      case 'create': {
        if (positionals.length > 0)
          throw new CodehubError('InvalidInput', 'token create takes no positional arguments');
        const scope = values.scope;
        if (scope !== 'admin' && scope !== 'read')
          throw new CodehubError('InvalidInput', `--scope must be admin or read, got '${scope ?? ''}'`);
        let expiresAt: number | null = null;
        if (values.expires !== undefined) {
          const ms = parseDuration(values.expires);
          if (ms === null)
            throw new CodehubError(
              'InvalidInput',
              `--expires must be a duration such as 30d, 12h, 45m or 3600s, got '${values.expires}'`,
            );
          expiresAt = Date.now() + ms;
        }
        const name = values.name ?? null;
        if (name !== null && (name.length > 200 || /[\u0000-\u001f]/.test(name)))
          throw new CodehubError('InvalidInput', '--name must be at most 200 printable characters');
        const { token, record } = await tokens.create({ scope: scope as TokenScope, name, expiresAt });
        if (values.json) printJson({ token, ...record });
        else
          process.stdout.write(
            `${token}\n` +
              `token ${record.id} (${record.scope}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}) created; it is shown only this once\n`,
          );
        return 0;
      }
      case 'list': {
        const list = await tokens.list();
        if (values.json) printJson({ tokens: list });
        else if (list.length === 0)
          process.stdout.write("no tokens (create one with 'codehub token create --scope read')\n");
        else
          for (const t of list) {
            const state = t.revokedAt
              ? `revoked ${t.revokedAt}`
              : t.expiresAt
                ? `expires ${t.expiresAt}`
                : 'no expiry';
            process.stdout.write(`${t.id}  ${t.scope.padEnd(5)}  ${state}  ${t.name ?? ''}\n`);
          }
        return 0;
      }
      case 'revoke': {
        const id = positionals[0];
        if (!id || positionals.length > 1)
          throw new CodehubError('InvalidInput', 'token revoke takes one token ID');
        if (!(await tokens.revoke(id)))
          throw new CodehubError('InvalidInput', `no token has ID ${id} ('codehub token list' shows them)`);
        if (values.json) printJson({ revoked: id });
        else process.stdout.write(`token ${id} revoked\n`);
        return 0;
      }
      default:
        throw new CodehubError('InvalidInput', "token takes 'create', 'list' or 'revoke'");
    }
  } finally {
    await ws.close();
  }
}
