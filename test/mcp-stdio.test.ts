// runStdioServer in a child process, driven by the SDK's StdioClientTransport: the protocol stays
// on stdout, and the server ends when its client goes away.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { COMMIT, REPO } from './helpers/fixed-query-service.js';

const SERVER = join(import.meta.dirname, 'helpers', 'fixed-stdio-server.js');

describe('MCP over stdio', () => {
  it('answers tool calls from a child process and exits when the client closes', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER], stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const client = new Client({ name: 'codehub-stdio-test', version: '0.0.0' });
    await client.connect(transport);
    const pid = transport.pid;
    assert.ok(pid);
    const { tools } = await client.listTools();
    assert.equal(tools.length, 9);
    const result = (await client.callTool({
      name: 'get_symbol',
      arguments: { repo: REPO, symbol: 'Cart.add' },
    })) as CallToolResult;
    assert.equal(result.isError, undefined);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.equal((result.structuredContent as any).commit, COMMIT);
    const refused = (await client.callTool({
      name: 'get_source',
      arguments: { repo: REPO, path: '../../etc/passwd' },
    })) as CallToolResult;
    assert.equal(refused.isError, true);
    await client.close();
    // The SDK ends the child on close; give it a moment, then check that it is gone.
    for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(isAlive(pid), false, `server process ${pid} still running; stderr: ${stderr}`);
  });

  it('exits by itself, printing nothing on stdout, when its input ends', async () => {
    const child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`still running 20 s after stdin closed; stderr: ${stderr}`));
      }, 20_000); // generous: a loaded CI machine can be slow to start node
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /client disconnected/);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
