/** The stdio entry of the MCP server (`codehub mcp`): JSON-RPC on stdin/stdout, nothing else on stdout. */
import { Transform, type TransformCallback } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { QueryService } from '../service/query-types.js';
import { createMcpServer, type McpServerOptions } from './mcp-server.js';

/** Longest accepted JSON-RPC line on stdin, the same bound as an HTTP body. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = Buffer.from('\n');

/**
 * Passes stdin on one whole line at a time and drops any line longer than `max` bytes, reporting it.
 * Without it the SDK's read buffer grows to 10 MiB and then closes the transport, ending the server.
 */
class LineLimit extends Transform {
  private pending: Buffer[] = [];
  private size = 0;
  private dropping = false;

  constructor(
    private readonly max: number,
    private readonly onOversized: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl);
      if (!this.dropping && this.size + piece.length > this.max) {
        this.dropping = true;
        this.pending = [];
        this.size = 0;
      }
      if (!this.dropping) {
        this.pending.push(piece);
        this.size += piece.length;
      }
      if (nl === -1) break;
      if (this.dropping) this.onOversized();
      else this.push(Buffer.concat([...this.pending, NEWLINE]));
      this.dropping = false;
      this.pending = [];
      this.size = 0;
      start = nl + 1;
    }
    done();
  }
}

/** A JSON-RPC error with no id: the answer to a line that could not be read as a request. */
function unreadable(code: number, message: string): JSONRPCMessage {
  return { jsonrpc: '2.0', id: null, error: { code, message } } as unknown as JSONRPCMessage;
}

/** Serves the tools over this process's stdin/stdout; resolves when the client disconnects. */
export async function runStdioServer(
  service: QueryService,
  options: McpServerOptions & { maxLineBytes?: number } = {},
): Promise<void> {
  const server = createMcpServer(service, options);
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let transport: StdioServerTransport | undefined = undefined;
  const reply = (message: JSONRPCMessage): void => void transport?.send(message).catch(() => undefined);
  const input = process.stdin.pipe(
    new LineLimit(maxLine, () =>
      reply(unreadable(-32600, `Invalid Request: message exceeds ${maxLine} bytes`)),
    ),
  );
  transport = new StdioServerTransport(input, process.stdout);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    // The SDK's stdio transport does not notice end of input by itself: a client that exits must end us too.
    process.stdin.once('end', () => void server.close());
  });
  await server.connect(transport);
  // A line the SDK cannot read is dropped by it in silence; the JSON-RPC spec asks for an error with id null.
  server.server.onerror = (err) => {
    if (err instanceof SyntaxError) reply(unreadable(-32700, 'Parse error: the line is not valid JSON'));
    else if (err.name === 'ZodError')
      reply(unreadable(-32600, 'Invalid Request: the line is not a JSON-RPC message'));
    else process.stderr.write(`codehub mcp: ${err.message}\n`);
  };
  await closed;
}
