// ROUTING tests: the server over a tiny in-test QueryService (test/web/routing-service.ts). They check URLs,
// headers, methods, error mapping and assets; the real service is covered by the end-to-end suite.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createWebServer, type WebServer } from '../../src/web/server.js';
import { CORRUPT_PATH, XSS_PATH, createRoutingService } from './routing-service.js';
import { REPO, SHA, sampleSymbol } from './sample-dtos.js';
import { encodePathValue, symbolUrl } from '../../src/web/urls.js';

let web: WebServer;
let base = '';
const calls: string[] = [];

before(async () => {
  web = createWebServer({
    service: createRoutingService(calls),
    port: 0,
    mcpHandler: async (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ mcp: true, method: req.method }));
    },
  });
  base = await web.listen();
});
after(() => web.close());

async function get(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(base + path, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Sends a raw request path (fetch would normalise `..` and escapes). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web server routing (tiny in-test service)', () => {
  it('binds 127.0.0.1 by default when no host is given', () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves every page with 200 and the security headers', async () => {
    const sym = sampleSymbol();
    const paths = [
      '/',
      `/${REPO}`,
      `/${REPO}/-/blob/src/desk/library-desk.ts`,
      symbolUrl(REPO, sym.id),
      '/search?q=oRS',
      '/search',
    ];
    for (const p of paths) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    }
  });

  it('decodes the symbol id from a readable, per-segment encoded URL', async () => {
    const url = symbolUrl(REPO, sampleSymbol().id);
    assert.equal(url, `/${REPO}/-/symbol/src/desk/library-desk.ts::LibraryDesk.openReadingSession:method`);
    calls.length = 0;
    const r = await get(url.replace(/:/g, '%3A'));
    assert.equal(r.status, 200);
    assert.ok(calls.includes(`show ${REPO} ${sampleSymbol().id}`));
    assert.match(r.body, /Method<\/span> openReadingSession/);
  });

  it('shows the excerpt from show() with context before it and asks for the whole body when expanded', async () => {
    calls.length = 0;
    const r = await get(symbolUrl(REPO, sampleSymbol().id));
    assert.ok(calls.includes('excerpt src/desk/library-desk.ts 118-177'), calls.join('\n'));
    assert.ok(r.body.includes('?full=1'));
    calls.length = 0;
    const full = await get(`${symbolUrl(REPO, sampleSymbol().id)}?full=1`);
    assert.ok(calls.includes('excerpt src/desk/library-desk.ts 118-199'), calls.join('\n'));
    assert.ok(!full.body.includes('more lines'));
  });

  it('maps unknown repos, symbols and paths to 404 pages with closest matches', async () => {
    const repo = await get('/github.com/acme/nope');
    assert.equal(repo.status, 404);
    assert.ok(repo.body.includes(`href="/${REPO}"`));
    const sym = await get(`/${REPO}/-/symbol/startDesktopFlw`);
    assert.equal(sym.status, 404);
    assert.ok(sym.body.includes(symbolUrl(REPO, sampleSymbol().id)));
    const path = await get(`/${REPO}/-/blob/src/nope.ts`);
    assert.equal(path.status, 404);
    assert.ok(path.body.includes(`/${REPO}/-/blob/src/desk/library-desk.ts`));
    assert.equal((await get('/not/a/page/at/all')).status, 404);
  });

  it('maps an ambiguous symbol to 300 with candidates, bad input to 400, failures to 500', async () => {
    const amb = await get(`/${REPO}/-/symbol/start`);
    assert.equal(amb.status, 300);
    assert.ok(amb.body.includes(symbolUrl(REPO, 'src/b.ts::start:function')));
    assert.equal((await rawGet(`/${REPO}/-/symbol/%E0%A4%A`)).status, 400);
    const boom = await get('/search?q=boom');
    assert.equal(boom.status, 500);
    assert.ok(!boom.body.includes('database exploded'), 'internal messages stay in the log');
  });

  it('renders a corrupted blob as an error block naming the blob and no source', async () => {
    const sym = await get(symbolUrl(REPO, `${CORRUPT_PATH}::corrupt:function`));
    assert.equal(sym.status, 200);
    assert.ok(sym.body.includes('id="source-error"'));
    assert.ok(sym.body.includes(`sha256:${SHA}`));
    assert.ok(!sym.body.includes('<td class="src">'));
    const file = await get(`/${REPO}/-/blob/${CORRUPT_PATH}`);
    assert.ok(file.body.includes('id="source-error"'));
    assert.ok(!file.body.includes('<td class="src">'));
  });

  it('shows a hostile file name and </script> in source as text', async () => {
    const r = await get(`/${REPO}/-/blob/${encodePathValue(XSS_PATH)}`);
    assert.equal(r.status, 200);
    assert.ok(!r.body.includes('<img src=x'));
    assert.ok(!r.body.includes('</script><script>alert(1)'));
    assert.ok(r.body.includes('&lt;img src=x onerror=alert(1)&gt;.ts'));
    const tree = await get(`/${REPO}`);
    assert.ok(!tree.body.includes('<img src=x'));
  });

  it('answers only GET and HEAD outside /mcp, and delegates /mcp to the MCP handler', async () => {
    const post = await get('/', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await get(`/${REPO}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const mcp = await get('/mcp', { method: 'POST', body: '{}' });
    assert.deepEqual(JSON.parse(mcp.body), { mcp: true, method: 'POST' });
    assert.equal(mcp.headers.get('x-content-type-options'), 'nosniff');
  });

  it('serves the stylesheet, highlight stylesheet and script from fixed in-memory assets only', async () => {
    const css = await get('/-/static/style.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    const js = await get('/-/static/app.js');
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.ok(js.body.includes('data-copy'));
    assert.equal((await get('/-/static/highlight.css?v=3')).status, 200);
    assert.equal((await rawGet('/-/static/../../package.json')).status, 404);
    assert.equal((await rawGet('/-/static/%2e%2e%2fpackage.json')).status, 404);
  });

  it('highlights TypeScript with classes, not inline styles', async () => {
    const r = await get(`/${REPO}/-/blob/src/desk/library-desk.ts`);
    assert.match(r.body, /<span class="t\d+">export<\/span>/);
    assert.ok(!/ style="/.test(r.body));
    const m = r.body.match(/highlight\.css\?v=([a-z0-9]+-\d+)/);
    assert.ok(m);
    const css = await get('/-/static/highlight.css');
    assert.match(css.body, /\.t0\{--shiki-dark:#[0-9A-Fa-f]+;--shiki-light:#[0-9A-Fa-f]+/);
  });

  it('mirrors the pages in the JSON API with the same error mapping', async () => {
    const id = encodePathValue(sampleSymbol().id);
    const repos = JSON.parse((await get('/api/v1/repos')).body) as { repos: Array<{ id: string }> };
    assert.equal(repos.repos[0]?.id, REPO);
    const overview = JSON.parse((await get(`/api/v1/repos/${REPO}`)).body) as { summary: { id: string } };
    assert.equal(overview.summary.id, REPO);
    const files = JSON.parse((await get(`/api/v1/repos/${REPO}/-/files`)).body) as { files: unknown[] };
    assert.equal(files.files.length, 2);
    const blob = JSON.parse((await get(`/api/v1/repos/${REPO}/-/blob/src/desk/library-desk.ts`)).body) as {
      file: { path: string };
    };
    assert.equal(blob.file.path, 'src/desk/library-desk.ts');
    const show = JSON.parse((await get(`/api/v1/repos/${REPO}/-/symbol/${id}`)).body) as {
      symbol: { id: string; blobSha256: string; permalink: string };
    };
    assert.equal(show.symbol.id, sampleSymbol().id);
    assert.equal(show.symbol.blobSha256, SHA);
    calls.length = 0;
    const callers = JSON.parse(
      (await get(`/api/v1/repos/${REPO}/-/callers/${id}?depth=2&minConfidence=0.5`)).body,
    ) as { edges: unknown[] };
    assert.equal(callers.edges.length, 1);
    assert.ok(calls.some((c) => c.includes('"depth":2') && c.includes('"minConfidence":0.5')));
    const callees = JSON.parse((await get(`/api/v1/repos/${REPO}/-/callees/${id}`)).body) as {
      complete: string;
    };
    assert.equal(callees.complete, 'lower_bound');
    const tests = JSON.parse((await get(`/api/v1/repos/${REPO}/-/tests/${id}`)).body) as { tests: unknown[] };
    assert.deepEqual(tests.tests, []);
    const search = JSON.parse((await get('/api/v1/search?q=oRS&kind=method')).body) as {
      results: Array<{ url: string }>;
    };
    assert.equal(search.results[0]?.url, symbolUrl(REPO, sampleSymbol().id));
    const missing = await get('/api/v1/repos/github.com/acme/nope');
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'RepoNotFound');
    assert.equal((await get(`/api/v1/repos/${REPO}/-/symbol/start`)).status, 300);
    assert.equal((await get('/api/v1/search')).status, 400);
    assert.equal((await get(`/api/v1/repos/${REPO}/-/callers/${id}?depth=9`)).status, 400);
    assert.equal((await get('/api/v1/nothing')).status, 404);
    assert.equal(missing.headers.get('x-content-type-options'), 'nosniff');
  });
});
