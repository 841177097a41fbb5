// HTTP hardening of `codehub serve`: security headers on every response (pages, API, assets, errors, /mcp),
// limits on body, header and URL size, read-only by default, and /mcp's Host and Origin checks.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
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
      [
        'mcp 403 origin',
        rawRequest(hub.url, 'POST', '/mcp', { ...MCP_HEADERS, origin: 'http://evil.example' }, LIST),
        403,
      ],
      [
        'mcp 403 host',
        rawRequest(hub.url, 'POST', '/mcp', { ...MCP_HEADERS, host: `evil.example:${u.port}` }, LIST),
        403,
      ],
      ['mcp 405', rawRequest(hub.url, 'GET', '/mcp'), 405],
      [
        'mcp 413',
        rawRequest(hub.url, 'POST', '/mcp', MCP_HEADERS, Buffer.alloc(1024 * 1024 + 10, 0x20)),
        413,
      ],
    ];
    for (const [what, pending, status] of cases) {
      const r = await pending;
      assert.equal(r.status, status, `${what}: ${r.body.slice(0, 200)}`);
      assertHardened(r, what);
    }
  });

  it('is read-only without an admin token: every other method but GET and HEAD is refused outside /mcp and the write routes, and no reindex route exists', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/', `/api/v1/repos/${REPO}`, `/api/v1/repos/${REPO}/-/reindex`, '/api/v1/repos']) {
        const r = await rawRequest(hub.url, method, path, { 'content-type': 'application/json' }, '{}');
        if (method === 'POST' && path === '/api/v1/repos') {
          // The write route of the jobs API: it exists, and without an admin token it changes nothing.
          assert.equal(r.status, 401, `${method} ${path}`);
          assert.match(String(r.headers['www-authenticate']), /Bearer/);
          continue;
        }
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, 'GET, HEAD');
      }
    }
    const get = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/reindex`);
    assert.ok(get.status === 404 || get.status === 400, `GET reindex: ${get.status}`);
  });

  it('refuses a request body on a page, declared or chunked, oversized headers, and an oversized URL', async () => {
    const body = await rawRequest(hub.url, 'GET', '/', { 'content-length': '5' }, 'hello');
    assert.equal(body.status, 413);
    // A body sent in chunks declares no length; it is refused all the same, on pages and on the API.
    for (const path of ['/', `/api/v1/repos/${REPO}`]) {
      const chunked = await rawRequest(hub.url, 'GET', path, { 'transfer-encoding': 'chunked' }, 'hello');
      assert.equal(chunked.status, 413, `${path}: ${chunked.body}`);
      assert.match(chunked.body, /Request bodies are not accepted/);
    }
    const bigHeader = await rawRequest(hub.url, 'GET', '/', { 'x-big': 'a'.repeat(20 * 1024) }).catch(
      (e: Error) => e,
    );
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

describe('who may read the hub', () => {
  let work: string;
  let data: string;
  let tokenFile: string;
  const TOKEN = 'read-token-for-the-hardening-test-0123456789';
  const SOURCE = 'return 1;';

  before(() => {
    work = tempDir('access');
    data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('a.ts', `export function alpha(): number {\n  ${SOURCE}\n}\n`).commit('one');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    tokenFile = join(work, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
  });
  after(() => removeDir(work));

  /** Every kind of route: pages, the API, a static asset and /mcp. */
  const routes = (): [string, string, Record<string, string>, string | undefined][] => [
    ['GET', '/', {}, undefined],
    ['GET', `/${REPO}`, {}, undefined],
    ['GET', `/${REPO}/-/symbol/alpha`, {}, undefined],
    ['GET', `/${REPO}/-/blob/a.ts`, {}, undefined],
    ['GET', '/search?q=alp', {}, undefined],
    ['GET', '/api/v1/repos', {}, undefined],
    ['GET', `/api/v1/repos/${REPO}/-/symbol/alpha`, {}, undefined],
    ['GET', `/api/v1/repos/${REPO}/-/blob/a.ts`, {}, undefined],
    ['GET', '/-/static/style.css', {}, undefined],
    ['POST', '/mcp', MCP_HEADERS, LIST],
  ];

  it('refuses a rebound Host on every page, API route, asset and /mcp with 403 and one line, and --allowed-host adds names', async () => {
    const hub = await serve(data, ['--allowed-host', 'hub.example', '--allowed-host', 'other.example:9']);
    try {
      const port = new URL(hub.url).port;
      for (const [method, path, headers, body] of routes()) {
        for (const host of [
          `evil.example:${port}`,
          'evil.example',
          `other.example:${port}`,
          `127.0.0.1:${Number(port) + 1}`,
        ]) {
          const r = await rawRequest(hub.url, method, path, { ...headers, host }, body);
          assert.equal(r.status, 403, `${method} ${path} Host ${host}: ${r.body.slice(0, 200)}`);
          assert.ok(!r.body.includes(SOURCE) && !r.body.includes('alpha'), `${path}: leaked content`);
          const line =
            path === '/mcp'
              ? JSON.parse(r.body).error.message
              : path.startsWith('/api/')
                ? JSON.parse(r.body).error.message
                : r.body.trimEnd();
          assert.match(line, /^Host '.*' is not allowed: [^\n]+$/, path);
          assertHardened(r, `${path} 403`);
        }
        for (const host of [`hub.example:${port}`, 'hub.example', `localhost:${port}`, `[::1]:${port}`]) {
          const r = await rawRequest(hub.url, method, path, { ...headers, host }, body);
          assert.equal(r.status, 200, `${method} ${path} Host ${host}: ${r.body.slice(0, 200)}`);
        }
      }
      // Anything that is not a plain read must also come from this hub's own origin.
      const forged = await rawRequest(
        hub.url,
        'POST',
        '/mcp',
        { ...MCP_HEADERS, host: `hub.example:${port}`, origin: 'http://evil.example' },
        LIST,
      );
      assert.equal(forged.status, 403);
      const sameSite = await rawRequest(
        hub.url,
        'POST',
        '/mcp',
        { ...MCP_HEADERS, host: `hub.example:${port}`, origin: `http://hub.example:${port}` },
        LIST,
      );
      assert.equal(sameSite.status, 200, sameSite.body);
    } finally {
      await hub.stop();
    }
  });

  it('refuses to serve beyond loopback without a read token or --public, naming both', () => {
    const r = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data', data], {
      env: { CODEHUB_READ_TOKEN: '' },
    });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--read-token-file/);
    assert.match(r.stderr, /--public/);
    const weak = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data', data], {
      env: { CODEHUB_READ_TOKEN: 'short' },
    });
    assert.notEqual(weak.code, 0);
    assert.match(weak.stderr, /at least 16 characters/);
    const badName = runCli(['serve', '--port', '0', '--data', data, '--allowed-host', 'a b']);
    assert.notEqual(badName.code, 0);
    assert.match(badName.stderr, /--allowed-host: 'a b' is not a host name/);
  });

  it('serves --public beyond loopback with a warning naming what is readable, and prints URLs that answer', async () => {
    const hub = await serve(data, ['--host', '0.0.0.0', '--public']);
    try {
      assert.match(
        hub.stderr(),
        /warning: --public: anyone who can reach .* can read .* every repository indexed in this hub \(1: local\/repo\)/,
      );
      const u = new URL(hub.url);
      assert.notEqual(u.hostname, '0.0.0.0', 'the printed URL must name an address another machine can use');
      const page = await rawRequest(hub.url, 'GET', `/${REPO}/-/symbol/alpha`);
      assert.equal(page.status, 200, page.body.slice(0, 200));
      const config = JSON.parse(/MCP config: (.*)/.exec(hub.stdout())![1]!);
      const mcpUrl = new URL(config.mcpServers.codehub.url);
      assert.equal(mcpUrl.host, u.host);
      const mcp = await rawRequest(mcpUrl.origin, 'POST', mcpUrl.pathname, MCP_HEADERS, LIST);
      assert.equal(mcp.status, 200, mcp.body);
      // The page's own MCP button names the host the reader used.
      assert.ok(page.body.includes(`${u.host}/mcp`), 'copy button names the reachable host');
    } finally {
      await hub.stop();
    }
  });

  it('requires the read token on every page, API route and /mcp, and keeps it in an HttpOnly SameSite=Strict cookie after the login form', async () => {
    const hub = await serve(data, ['--host', '0.0.0.0', '--read-token-file', tokenFile]);
    try {
      assert.doesNotMatch(hub.stderr(), /warning/);
      const config = JSON.parse(/MCP config: (.*)/.exec(hub.stdout())![1]!);
      assert.equal(config.mcpServers.codehub.headers.Authorization, 'Bearer ${CODEHUB_READ_TOKEN}');
      for (const [method, path, headers, body] of routes()) {
        const anonymous = await rawRequest(hub.url, method, path, headers, body);
        if (path.startsWith('/-/static/')) {
          assert.equal(anonymous.status, 200, 'assets are public constants');
          continue;
        }
        assert.equal(anonymous.status, 401, `${method} ${path}: ${anonymous.body.slice(0, 200)}`);
        assert.ok(!anonymous.body.includes(SOURCE), `${path}: leaked source`);
        assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
        const wrong = await rawRequest(
          hub.url,
          method,
          path,
          { ...headers, authorization: `Bearer ${TOKEN}x` },
          body,
        );
        assert.equal(wrong.status, 401, `${path} with a wrong token`);
        const right = await rawRequest(
          hub.url,
          method,
          path,
          { ...headers, authorization: `Bearer ${TOKEN}` },
          body,
        );
        assert.equal(right.status, 200, `${path} with the token: ${right.body.slice(0, 200)}`);
      }
      // A browser: the page answers with the login form, which sets the cookie once.
      const page = await rawRequest(hub.url, 'GET', `/${REPO}/-/symbol/alpha`);
      assert.match(page.body, /<form class="search-form" id="login" action="\/-\/login" method="post">/);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const bad = await rawRequest(hub.url, 'POST', '/-/login', form, `token=nope&next=%2F`);
      assert.equal(bad.status, 401);
      assert.equal(bad.headers['set-cookie'], undefined);
      assert.match(bad.body, /id="login-error"/);
      const next = `/${REPO}/-/symbol/alpha`;
      const login = await rawRequest(
        hub.url,
        'POST',
        '/-/login',
        form,
        `token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent(next)}`,
      );
      assert.equal(login.status, 303);
      assert.equal(login.headers.location, next);
      const cookie = String(login.headers['set-cookie']);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.ok(!cookie.includes(TOKEN), 'the cookie holds a value derived from the token, not the token');
      const session = cookie.split(';')[0]!;
      const withCookie = await rawRequest(hub.url, 'GET', next, { cookie: session });
      assert.equal(withCookie.status, 200);
      assert.ok(withCookie.body.includes('alpha'));
      const forgedCookie = await rawRequest(hub.url, 'GET', next, { cookie: `${session}x` });
      assert.equal(forgedCookie.status, 401);
      // The login form never sends anyone to another site.
      for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
        const r = await rawRequest(
          hub.url,
          'POST',
          '/-/login',
          form,
          `token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent(evil)}`,
        );
        assert.equal(r.headers.location, '/', evil);
      }
      // A login form posted from another site is refused before the token is looked at.
      const crossSite = await rawRequest(
        hub.url,
        'POST',
        '/-/login',
        { ...form, origin: 'http://evil.example' },
        `token=${encodeURIComponent(TOKEN)}`,
      );
      assert.equal(crossSite.status, 403);
    } finally {
      await hub.stop();
    }
  });

  it('takes the read token from CODEHUB_READ_TOKEN too', async () => {
    const hub = await serve(data, [], { CODEHUB_READ_TOKEN: TOKEN });
    try {
      assert.equal((await rawRequest(hub.url, 'GET', '/api/v1/repos')).status, 401);
      assert.equal(
        (await rawRequest(hub.url, 'GET', '/api/v1/repos', { authorization: `Bearer ${TOKEN}` })).status,
        200,
      );
    } finally {
      await hub.stop();
    }
  });
});
