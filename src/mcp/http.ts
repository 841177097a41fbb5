/**
 * The Streamable HTTP entry of the MCP server, mounted at `/mcp` by the web server (node:http).
 *
 * Stateless: each POST gets a fresh transport, connected to an McpServer that no other request is using.
 * Every tool is a read of an immutable snapshot, the server never pushes notifications or asks the client
 * anything, so a session would hold nothing worth keeping; without one there is no session table to bound or
 * leak, and any number of web nodes can answer any request. Building an McpServer (its tool registrations)
 * costs about as much as answering a small tool call, so servers whose transport has closed wait in a small
 * pool for the next request instead of being rebuilt; one server still serves one request at a time.
 */
import type { ChangeService } from '../service/change-service.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { QueryService } from '../service/query-types.js';
import { createMcpServer } from './mcp-server.js';

/**
 * Options of the /mcp handler. Host, Origin and the read token are checked by the web server for every route
 * before a request reaches this handler (see web/access.ts).
 */
export interface McpHttpOptions {
  /** Largest accepted request body; default 1 MiB. */
  maxBodyBytes?: number;
  hubUrl?: string;
  /** Serves change_impact and tests_for_symbols too (see McpServerOptions). */
  changes?: ChangeService;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Idle McpServers kept for reuse (concurrent requests beyond this build their own, dropped afterwards). */
const MAX_IDLE_SERVERS = 16;

/** Returns the `/mcp` request handler: bounds and parses the body, then runs the MCP exchange. */
export function createMcpHttpHandler(
  service: QueryService,
  options: McpHttpOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const idle: McpServer[] = [];
  const serverOptions = {
    ...(options.hubUrl ? { hubUrl: options.hubUrl } : {}),
    ...(options.changes ? { changes: options.changes } : {}),
  };

  return async (req, res) => {
    if (req.method !== 'POST') {
      // No session and no server-initiated messages, so there is no stream to GET and nothing to DELETE.
      res.setHeader('Allow', 'POST');
      return sendError(
        req,
        res,
        405,
        -32000,
        `Method ${req.method ?? ''} not allowed: this endpoint is stateless, POST JSON-RPC messages`,
      );
    }

    let body: Buffer | 'too-large';
    try {
      body = await readBody(req, maxBody);
    } catch {
      return; // the client went away mid-body; there is no one to answer
    }
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return sendError(req, res, 413, -32600, `Request body exceeds ${maxBody} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(req, res, 400, -32700, 'Parse error: request body is not valid JSON');
    }
    // JSON-RPC 2.0: an empty batch is an invalid request (the SDK would take it for a batch of notifications).
    if (Array.isArray(parsed) && parsed.length === 0) {
      return sendError(req, res, 400, -32600, 'Invalid Request: empty batch');
    }

    const server = idle.pop() ?? createMcpServer(service, serverOptions);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      // Closing the server closes its transport; once closed it can take another transport.
      server.close().then(
        () => {
          if (idle.length < MAX_IDLE_SERVERS) idle.push(server);
        },
        () => {}, // a server that did not close cleanly is not reused
      );
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
    } catch (err) {
      if (!res.headersSent)
        sendError(
          req,
          res,
          500,
          -32603,
          `Internal error: ${err instanceof Error ? err.message : String(err)}`,
        );
    }
  };
}

/** Reads the body up to `max` bytes; past that stops keeping it and reports 'too-large'. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
): void {
  const payload = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
  // Drain what the client is still sending (discarded) so it can read this answer instead of a reset.
  req.resume();
}
