// HTTP hardening of `codehub serve`: security headers on every response (pages, API, assets, errors, /mcp),
// limits on body, header and URL size, read-only by default, and /mcp's Host and Origin checks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { rawRequest, serve, type RawResponse, type Served } from './support.js';

const REPO = 'local/repo';
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

function assertHardened(r: RawResponse, what: string): void {
  const csp = String(r.headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'none'/, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', `${what}: referrer policy`);
}

describe('HTTP hardening', () => {
  let work: string;
  let hub: Served;

  before(async () => {
    work = tempDir('hardening');
    const data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('a.ts', 'export function alpha(): number {\n  return 1;\n}\n').commit('one');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    hub = await serve(data);
  });
  after(async () => {
    await hub?.stop();
    removeDir(work);
  });

  it('sends the security headers on pages, API, assets, errors and /mcp', async () => {
    const u = new URL(hub.url);
    const cases: [string, Promise<RawResponse>, number][] = [
      ['hub page', rawRequest(hub.url, 'GET', '/'), 200],
      ['symbol page', rawRequest(hub.url, 'GET', `/${REPO}/-/symbol/alpha`), 200],
      ['search page', rawRequest(hub.url, 'GET', '/search?q=alp'), 200],
      ['404 page', rawRequest(hub.url, 'GET', '/no/such/repo'), 404],
      ['API', rawRequest(hub.url, 'GET', '/api/v1/repos'), 200],
      ['API 404', rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/symbol/nope`), 404],
      ['API 400', rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/blob/%zz`), 400],
      ['asset', rawRequest(hub.url, 'GET', '/-/static/style.css'), 200],
      ['405', rawRequest(hub.url, 'POST', '/', {}, ''), 405],
      ['414', rawRequest(hub.url, 'GET', `/search?q=${'a'.repeat(9000)}`), 414],
      ['mcp', rawRequest(hub.url, 'POST', '/mcp', MCP_HEADERS, LIST), 200],
      ['mcp 403 origin', rawRequest(hub.url, 'POST', '/mcp', { ...MCP_HEADERS, origin: 'http://evil.example' }, LIST), 403],
      ['mcp 403 host', rawRequest(hub.url, 'POST', '/mcp', { ...MCP_HEADERS, host: `evil.example:${u.port}` }, LIST), 403],
      ['mcp 405', rawRequest(hub.url, 'GET', '/mcp'), 405],
      ['mcp 413', rawRequest(hub.url, 'POST', '/mcp', MCP_HEADERS, Buffer.alloc(1024 * 1024 + 10, 0x20)), 413],
    ];
    for (const [what, pending, status] of cases) {
      const r = await pending;
      assert.equal(r.status, status, `${what}: ${r.body.slice(0, 200)}`);
      assertHardened(r, what);
    }
  });

  it('is read-only: every method but GET and HEAD is refused outside /mcp, and no reindex route exists', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/', `/api/v1/repos/${REPO}`, `/api/v1/repos/${REPO}/-/reindex`, '/api/v1/repos']) {
        const r = await rawRequest(hub.url, method, path, { 'content-type': 'application/json' }, '{}');
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, 'GET, HEAD');
      }
    }
    const get = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/reindex`);
    assert.ok(get.status === 404 || get.status === 400, `GET reindex: ${get.status}`);
  });

  it('refuses a request body on a page, oversized headers, and an oversized URL', async () => {
    const body = await rawRequest(hub.url, 'GET', '/', { 'content-length': '5' }, 'hello');
    assert.equal(body.status, 413);
    const bigHeader = await rawRequest(hub.url, 'GET', '/', { 'x-big': 'a'.repeat(20 * 1024) }).catch((e: Error) => e);
    if (bigHeader instanceof Error) assert.match(bigHeader.message, /socket hang up|ECONNRESET/);
    else assert.equal(bigHeader.status, 431);
    const longUrl = await rawRequest(hub.url, 'GET', `/${'a'.repeat(9000)}`);
    assert.equal(longUrl.status, 414);
  });

  it('checks Host and Origin on /mcp (DNS rebinding) and accepts the loopback origin', async () => {
    const u = new URL(hub.url);
    const ok = await rawRequest(hub.url, 'POST', '/mcp', { ...MCP_HEADERS, origin: hub.url }, LIST);
    assert.equal(ok.status, 200, ok.body);
    assert.ok(JSON.parse(ok.body).result.tools.length > 0);
    const hostile: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${Number(u.port) + 1}` },
      { origin: 'null' },
      { host: 'evil.example' },
      { host: `attacker.test:${u.port}` },
    ];
    for (const headers of hostile) {
      const r = await rawRequest(hub.url, 'POST', '/mcp', { ...MCP_HEADERS, ...headers }, LIST);
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.match(JSON.parse(r.body).error.message, /not allowed/);
    }
  });
});
