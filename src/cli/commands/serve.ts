/** `codehub serve`, `codehub mcp` and the server half of `codehub start`: the hub, its JSON API and /mcp. */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CodehubError } from '../../core/errors.js';
import { createMcpHttpHandler } from '../../mcp/http.js';
import { runStdioServer } from '../../mcp/stdio.js';
import { createChangeService } from '../../service/change-service.js';
import { openJobQueue } from '../../db/open-job-queue.js';
import { openTokenStore } from '../../db/token-store.js';
import { runJobRunner } from '../../service/job-runner.js';
import { createQueryService } from '../../service/query-service.js';
import { DEFAULT_MIN_TRACK_INTERVAL_SECONDS } from '../../web/jobs-api.js';
import { blobLocation, defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { invalidHostName, MIN_READ_TOKEN_LENGTH } from '../../web/access.js';
import { mcpConfig } from '../../web/pages/layout.js';
import { createWebServer, isLoopbackHost } from '../../web/server.js';
import { parseCommandArgs } from './command-args.js';

export interface ServeFlags {
  data?: string;
  blobs?: string;
  database?: string;
  host?: string;
  port?: string;
  'allowed-host'?: string[];
  'read-token-file'?: string;
  public?: boolean;
  'require-token'?: boolean;
  'work-dir'?: string;
  'min-track-interval'?: string;
}

/** The options `serve` and `start` share. */
export const SERVE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'read-token-file': { type: 'string' },
  public: { type: 'boolean', default: false },
  'require-token': { type: 'boolean', default: false },
  'work-dir': { type: 'string' },
  'min-track-interval': { type: 'string' },
} as const;

function parsePort(text: string | undefined): number {
  if (text === undefined) return 7070;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CodehubError('InvalidInput', `--port must be a number from 0 to 65535, got '${text}'`);
  }
  return port;
}

/** `CODEHUB_REQUEST_TIMEOUT_MS` shortens the slow-client timeout (tests, or hubs facing slow networks lengthen it). */
function requestTimeoutFromEnv(): { requestTimeoutMs?: number } {
  const ms = Number(process.env.CODEHUB_REQUEST_TIMEOUT_MS);
  return Number.isInteger(ms) && ms > 0 ? { requestTimeoutMs: ms } : {};
}

/** The read token from `--read-token-file` or `CODEHUB_READ_TOKEN`, checked for length; null when neither is given. */
function readTokenFrom(flags: ServeFlags): string | null {
  let token: string;
  let source: string;
  if (flags['read-token-file'] !== undefined) {
    source = `--read-token-file ${flags['read-token-file']}`;
    try {
      token = readFileSync(flags['read-token-file'], 'utf8').trim();
    } catch (err) {
      throw new CodehubError(
        'InvalidInput',
        `cannot read ${source} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  } else if (process.env.CODEHUB_READ_TOKEN) {
    source = 'CODEHUB_READ_TOKEN';
    token = process.env.CODEHUB_READ_TOKEN.trim();
  } else return null;
  if (token.length < MIN_READ_TOKEN_LENGTH || /\s/.test(token)) {
    throw new CodehubError(
      'InvalidInput',
      `the read token in ${source} must be at least ${MIN_READ_TOKEN_LENGTH} characters with no spaces (e.g. openssl rand -hex 24)`,
    );
  }
  return token;
}

/**
 * Serves the hub until SIGINT/SIGTERM. Prints the URL and the MCP config line once listening.
 * Resolves with the exit code when the server has closed.
 */
export async function serveHub(flags: ServeFlags): Promise<number> {
  const port = parsePort(flags.port);
  const host = flags.host ?? '127.0.0.1';
  const allowedHosts = flags['allowed-host'] ?? [];
  for (const name of allowedHosts) {
    const problem = invalidHostName(name);
    if (problem) throw new CodehubError('InvalidInput', `--allowed-host: ${problem}`);
  }
  const readToken = readTokenFrom(flags);
  const exposed = !isLoopbackHost(host);
  const requireToken = flags['require-token'] === true;
  const minTrack =
    flags['min-track-interval'] === undefined
      ? DEFAULT_MIN_TRACK_INTERVAL_SECONDS
      : Number(flags['min-track-interval']);
  if (!Number.isInteger(minTrack) || minTrack < 1)
    throw new CodehubError(
      'InvalidInput',
      `--min-track-interval must be a whole number of seconds ≥ 1, got '${flags['min-track-interval']}'`,
    );
  if (exposed && readToken === null && !requireToken && !flags.public) {
    throw new CodehubError(
      'InvalidInput',
      `--host ${host} would let anyone who reaches this machine read every indexed repository; pass --read-token-file FILE (or set CODEHUB_READ_TOKEN) to require a token (or --require-token to accept tokens from 'codehub token create'), or --public to serve them to everyone`,
    );
  }
  const ws = openWorkspace(defaultDataDir(flags.data), {
    blobs: blobLocation(flags.blobs),
    database: flags.database,
  });
  const service = createQueryService(ws);
  const changes = createChangeService(ws);
  const queue = openJobQueue(ws.storage);
  const tokens = openTokenStore(ws.storage);
  const dataDir = defaultDataDir(flags.data);
  // The MCP server links answers to the hub's URL, known once the port is bound.
  let mcp: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  const web = createWebServer({
    service,
    changes,
    host,
    port,
    allowedHosts,
    readToken,
    requireToken,
    jobs: { queue, tokens, reader: ws.storage.reader, minTrackIntervalSeconds: minTrack },
    ...requestTimeoutFromEnv(),
    mcpHandler: (req, res) => {
      if (!mcp) {
        res.writeHead(503).end();
        return Promise.resolve();
      }
      return mcp(req, res);
    },
  });
  let url: string;
  try {
    url = await web.listen();
  } catch (err) {
    await queue.close();
    await ws.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new CodehubError(
      'InvalidInput',
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is in use; pass --port N (0 picks a free one)`
        : `cannot listen on ${host}:${port} (${code ?? String(err)})`,
    );
  }
  mcp = createMcpHttpHandler(service, { hubUrl: url, changes });
  if (exposed && readToken === null) {
    const repos = (await service.listRepos()).map((r) => r.id);
    process.stderr.write(
      `warning: --public: anyone who can reach ${url} can read the source, symbols, call graph and tests of every repository indexed in this hub (${repos.length}${repos.length ? `: ${repos.slice(0, 10).join(', ')}${repos.length > 10 ? ', …' : ''}` : ''}), and of any indexed later\n`,
    );
  }
  process.stdout.write(`codehub hub: ${url}\nMCP config: ${mcpConfig(`${url}/mcp`, readToken !== null)}\n`);
  if (readToken !== null) {
    process.stdout.write(
      'read token required: browsers sign in at /-/login; MCP clients send the Authorization header above (set CODEHUB_READ_TOKEN where the client runs)\n',
    );
  }

  // The embedded default has no workers: this process runs the jobs its API queues (PostgreSQL hubs run `codehub worker`).
  const runnerStop = new AbortController();
  const runner =
    ws.storage.kind === 'sqlite'
      ? runJobRunner({
          queue,
          index: {
            dataDir,
            blobs: blobLocation(flags.blobs),
            database: flags.database,
            workDir: flags['work-dir'],
          },
          signal: runnerStop.signal,
          log: (line) => process.stderr.write(`${line}\n`),
        })
      : Promise.resolve();
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      runnerStop.abort();
      void web.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await runner;
  await queue.close();
  await ws.close();
  return 0;
}

/** `codehub serve [--host 127.0.0.1] [--port 7070] [--allowed-host NAME]… [--read-token-file F | --public] [--data DIR]`. */
export async function cmdServe(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, SERVE_OPTIONS);
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'serve takes no positional arguments');
  return serveHub(values);
}

/** `codehub mcp [--data DIR]`: the MCP server over stdio (stdout carries only protocol messages). */
export async function cmdMcp(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'mcp takes no positional arguments');
  const ws = openWorkspace(defaultDataDir(values.data), {
    blobs: blobLocation(values.blobs),
    database: values.database,
  });
  try {
    await runStdioServer(createQueryService(ws), { changes: createChangeService(ws) });
  } finally {
    await ws.close();
  }
  return 0;
}
