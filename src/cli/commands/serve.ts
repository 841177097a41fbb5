/** `codehub serve`, `codehub mcp` and the server half of `codehub start`: the hub, its JSON API and /mcp. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CodehubError } from '../../core/errors.js';
import { createMcpHttpHandler, loopbackAllowList } from '../../mcp/http.js';
import { runStdioServer } from '../../mcp/stdio.js';
import { createQueryService } from '../../service/query-service.js';
import { defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { createWebServer } from '../../web/server.js';
import { parseCommandArgs } from './command-args.js';

export interface ServeFlags {
  data?: string;
  host?: string;
  port?: string;
}

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

/** The MCP client config for a hub's /mcp endpoint (the same block the pages' copy button gives). */
export function mcpConfigLine(baseUrl: string): string {
  return JSON.stringify({ mcpServers: { codehub: { type: 'http', url: `${baseUrl}/mcp` } } });
}

/**
 * Serves the hub until SIGINT/SIGTERM. Prints the URL and the MCP config line once listening.
 * Resolves with the exit code when the server has closed.
 */
export async function serveHub(flags: ServeFlags): Promise<number> {
  const port = parsePort(flags.port);
  const host = flags.host ?? '127.0.0.1';
  const ws = openWorkspace(defaultDataDir(flags.data));
  const service = createQueryService(ws);
  // /mcp checks Host and Origin against the port actually bound (it may be ephemeral), so the handler is made after listen.
  let mcp: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  const web = createWebServer({
    service,
    host,
    port,
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
    ws.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new CodehubError(
      'InvalidInput',
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is in use; pass --port N (0 picks a free one)`
        : `cannot listen on ${host}:${port} (${code ?? String(err)})`,
    );
  }
  const bound = Number(new URL(url).port);
  const allow = loopbackAllowList(bound);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    allow.allowedHosts.push(`${host}:${bound}`);
    allow.allowedOrigins.push(`http://${host}:${bound}`);
  }
  mcp = createMcpHttpHandler(service, { ...allow, hubUrl: url });
  process.stdout.write(`codehub hub: ${url}\nMCP config: ${mcpConfigLine(url)}\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void web.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  ws.close();
  return 0;
}

/** `codehub serve [--host 127.0.0.1] [--port 7070] [--data DIR]`. */
export async function cmdServe(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    host: { type: 'string' },
    port: { type: 'string' },
  });
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'serve takes no positional arguments');
  return serveHub(values);
}

/** `codehub mcp [--data DIR]`: the MCP server over stdio (stdout carries only protocol messages). */
export async function cmdMcp(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'mcp takes no positional arguments');
  const ws = openWorkspace(defaultDataDir(values.data));
  try {
    await runStdioServer(createQueryService(ws));
  } finally {
    ws.close();
  }
  return 0;
}
