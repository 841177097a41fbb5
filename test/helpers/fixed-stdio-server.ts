/** A stdio MCP server over the fixed QueryService, spawned by tests to exercise runStdioServer for real. */
import { runStdioServer } from '../../src/mcp/stdio.js';
import { FixedQueryService } from './fixed-query-service.js';

await runStdioServer(new FixedQueryService());
process.stderr.write('fixed stdio server: client disconnected\n');
