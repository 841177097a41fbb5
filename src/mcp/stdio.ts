/** The stdio entry of the MCP server (`codehub mcp`): JSON-RPC on stdin/stdout, nothing else on stdout. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { QueryService } from '../service/query-types.js';
import { createMcpServer, type McpServerOptions } from './mcp-server.js';

/** Serves the tools over this process's stdin/stdout; resolves when the client disconnects. */
export async function runStdioServer(service: QueryService, options: McpServerOptions = {}): Promise<void> {
  const server = createMcpServer(service, options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    // The SDK's stdio transport does not notice end of input by itself: a client that exits must end us too.
    process.stdin.once('end', () => void server.close());
  });
  await server.connect(transport);
  await closed;
}
