// HTTP-level tests of every page and /api/v1 route against the REAL pipeline: the seed-pattern fixture is
// committed with git, indexed by `codehub index`, and served by `codehub serve --port 0` in a child process.
// Expected values are read from the fixture's files on disk (line numbers, sha256) or from a second route,
// never typed in by hand.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexedHub } from '../support/indexed-fixture.js';
import type {
  FileDTO,
  FileView,
  RepoOverview,
  RepoSummary,
  SearchHit,
  ShowResult,
  TestDTO,
  TraversalResult,
} from '../../src/service/query-types.js';
import { blobUrl, repoUrl, symbolUrl } from '../../src/web/urls.js';
import {
  FRAGILE_ID,
  FRAGILE_PATH,
  LONG_BODY_DAYS,
  LONG_ID,
  STARTCHECKOUT_ID,
  UNCALLED_ID,
  corruptBlob,
  firstOutOfOrder,
  get,
  startWebHub,
  visibleText,
} from './served-hub.js';

let hub: IndexedHub;
let REPO = '';

before(async () => {
  hub = await startWebHub();
  REPO = hub.repo.id;
});
after(async () => {
  await hub?.stop();
});

async function page(path: string, status = 200): Promise<string> {
  const r = await get(hub.url, path);
  assert.equal(r.status, status, `${path} → ${r.status}\n${r.body.slice(0, 500)}\n${hub.output()}`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  return r.body;
}

async function api<T>(path: string, status = 200): Promise<T> {
  const r = await get(hub.url, `/api/v1${path}`);
  assert.equal(r.status, status, `${path} → ${r.status}\n${r.body.slice(0, 500)}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  return JSON.parse(r.body) as T;
}

const fixtureText = (path: string): string => readFileSync(join(hub.repo.dir, path), 'utf8');
const sha256 = (path: string): string =>
  createHash('sha256')
    .update(readFileSync(join(hub.repo.dir, path)))
    .digest('hex');

/** Where `CheckoutService.startCheckout` starts and ends in the fixture file on disk (1-based). */
function startCheckoutRange(): { start: number; end: number; lines: string[] } {
  const lines = fixtureText('src/checkout-service.ts').split('\n');
  const start = lines.findIndex((l) => l.includes('async startCheckout(')) + 1;
  const end = lines.findIndex((l, i) => i >= start && l === '  }') + 1;
  assert.ok(start > 0 && end > start);
  return { start, end, lines };
}

/** The HTML between an element with `id` and the next <h2>. */
function section(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  assert.ok(at >= 0, `no element #${id}`);
  const open = html.indexOf('>', at) + 1;
  const next = html.indexOf('<h2', open);
  return html.slice(open, next < 0 ? undefined : next);
}

describe('hub pages on the indexed seed-pattern fixture', () => {
  it('lists the indexed repository on the hub with its commit, counts, languages and a search box', async () => {
    const html = await page('/');
    const [summary] = (await api<{ repos: RepoSummary[] }>('/repos')).repos;
    assert.equal(summary?.id, REPO);
    assert.equal(summary?.commit, hub.repo.commit);
    assert.ok(html.includes(`href="${repoUrl(REPO)}"`));
    const text = visibleText(html);
    assert.ok(text.includes(hub.repo.commit.slice(0, 12)), 'commit shown');
    for (const n of [summary!.files, summary!.symbols, summary!.edges])
      assert.ok(text.includes(n.toLocaleString('en')), `count ${n} shown`);
    assert.ok(text.includes('typescript'));
    assert.match(html, /<input type="search" name="q"/);
  });

  it('shows the repo overview: languages, file tree, most-called, untested hotspots and analysis coverage', async () => {
    const html = await page(repoUrl(REPO));
    const overview = await api<RepoOverview>(`/repos/${REPO}`);
    const files = (await api<{ files: FileDTO[] }>(`/repos/${REPO}/-/files`)).files;
    const text = visibleText(html);
    assert.ok(text.includes(hub.repo.commit), 'snapshot commit');
    for (const lang of Object.keys(overview.summary.languages)) assert.ok(text.includes(lang), lang);
    for (const f of files)
      assert.ok(html.includes(`href="${blobUrl(REPO, f.path)}"`), `tree links ${f.path}`);
    assert.ok(overview.mostCalled.length > 0);
    for (const s of overview.mostCalled) assert.ok(html.includes(`href="${symbolUrl(REPO, s.id)}"`));
    assert.ok(
      overview.mostCalled.some((s) => s.id === STARTCHECKOUT_ID && s.callers === 2),
      'startCheckout is called by both tests',
    );
    for (const s of overview.untestedHotspots) {
      assert.ok(html.includes(`href="${symbolUrl(REPO, s.id)}"`));
      assert.ok(s.callers > 0, 'a hotspot has callers');
    }
    const cov = overview.coverage;
    assert.ok(text.includes(`${cov.filesParsed} parsed`), 'files parsed');
    for (const [reason, n] of Object.entries(cov.filesSkipped))
      assert.ok(text.includes(`${reason} ${n}`), reason);
    assert.ok(
      cov.filesSkipped['no-language-plugin']! >= 2,
      'package.json and tsconfig.json are not analysed',
    );
    const resolved = Object.values(cov.resolvedByReason).reduce((a, b) => a + b, 0);
    const unresolved = Object.values(cov.unresolvedByReason).reduce((a, b) => a + b, 0);
    assert.equal(
      resolved + unresolved,
      cov.callSites,
      'every call site is resolved or unresolved, by reason',
    );
    assert.ok(text.includes(`Call sites: ${cov.callSites}, ${resolved} resolved`));
    for (const reason of [...Object.keys(cov.resolvedByReason), ...Object.keys(cov.unresolvedByReason)])
      assert.ok(text.includes(reason), `reason ${reason}`);
  });

  it('shows a file highlighted with line anchors, its outline and the sha256 of its bytes', async () => {
    const path = 'src/checkout-service.ts';
    const html = await page(blobUrl(REPO, path));
    const lineCount = fixtureText(path).replace(/\n$/, '').split('\n').length;
    assert.ok(html.includes(`id="L${lineCount}"`) && !html.includes(`id="L${lineCount + 1}"`));
    assert.ok(html.includes(`sha256:${sha256(path)}`));
    assert.ok(visibleText(html).includes('hash-verified'));
    assert.match(html, /<span class="t\d+">/, 'tokens carry highlight classes');
    assert.ok(html.includes(`href="${symbolUrl(REPO, STARTCHECKOUT_ID)}"`), 'outline links its symbols');
    const view = await api<FileView>(`/repos/${REPO}/-/blob/${path}`);
    assert.equal(view.verified, true);
    assert.equal(view.text, fixtureText(path));
  });

  it('shows every seed element of the startCheckout symbol page, in the seed order, from the real index', async () => {
    const html = await page(symbolUrl(REPO, STARTCHECKOUT_ID));
    const show = await api<ShowResult>(`/repos/${REPO}/-/symbol/${STARTCHECKOUT_ID}`);
    const { start, end, lines } = startCheckoutRange();
    assert.equal(show.symbol.startLine, start);
    assert.equal(show.symbol.endLine, end);
    const path = 'src/checkout-service.ts';
    const text = visibleText(html.slice(html.indexOf('<main>')));
    const outOfOrder = firstOutOfOrder(text, [
      'hub',
      REPO,
      'startCheckout',
      'MCP',
      'reference',
      'Method startCheckout',
      `${path}:${start}–${end}`,
      'view source on GitHub ↗',
      '(customer: string, prices: number[])',
      ': Promise<number>',
      'Source from the content-addressed store, hash-verified',
      `sha256:${sha256(path)}`,
      `${start} ${lines[start - 1]!.trim().slice(0, 19)}`,
      'Neighbourhood',
      'Callers 2',
      'Calls',
      'Tested by 2',
    ]);
    assert.equal(outOfOrder, null, `out of order or missing: ${outOfOrder}\n${text}`);
    // Breadcrumbs: hub / host/owner/name / name, the first two linked.
    const crumbs = html.slice(
      html.indexOf('class="crumbs"'),
      html.indexOf('</nav>', html.indexOf('class="crumbs"')),
    );
    assert.ok(crumbs.includes('href="/"') && crumbs.includes(`href="${repoUrl(REPO)}"`));
    assert.equal(visibleText(crumbs.replace(/^[^>]*>/, '')), `hub / ${REPO} / startCheckout`);
    // MCP copy holds this hub's /mcp config; the reference copy names repo, commit, path, lines and qualified name.
    const config = JSON.stringify({ mcpServers: { codehub: { type: 'http', url: `${hub.url}/mcp` } } });
    assert.ok(
      html.includes(`data-copy="${config.replace(/"/g, '&quot;')}"`),
      'MCP config on the copy button',
    );
    assert.ok(
      html.includes(
        `data-copy="${REPO}@${hub.repo.commit}:${path}#L${start}-L${end} CheckoutService.startCheckout"`,
      ),
    );
    assert.ok(
      html.includes(
        `href="https://github.com/acme/seed-pattern/blob/${hub.repo.commit}/${path}#L${start}-L${end}"`,
      ),
      'permalink at the commit',
    );
    // Source: real line numbers, context lines before the start, every body line, no truncation marker.
    assert.equal(show.source.verified, true);
    assert.ok(show.source.startLine < start, 'context before the symbol');
    for (let n = show.source.startLine; n <= end; n++)
      assert.match(html, new RegExp(`<a href="[^"]*#L${n}">${n}</a>`), `line ${n}`);
    assert.match(html, new RegExp(`<tr class="ctx"><td class="ln"><a href="[^"]*#L${start - 1}">`));
    assert.ok(!html.includes(`#L${end + 1}">${end + 1}</a>`), 'nothing after the end');
    assert.ok(!html.includes('id="expand-source"'), 'a short body has no expand link');
    // Callers: both tests, with reason and call-site lines on expand.
    const callers = section(html, 'callers-title');
    assert.equal(show.callers.length, 2);
    for (const c of show.callers) {
      assert.ok(callers.includes(`href="${symbolUrl(REPO, c.id)}"`));
      assert.ok(visibleText(callers).includes(`reason ${c.reason}`));
      assert.ok(visibleText(callers).includes(c.callLines.map((n) => `L${n}`).join(', ')));
    }
    // Calls N: one linked row per resolved callee (name · Kind · confidence), unresolved calls apart.
    const calls = section(html, 'calls-title');
    const callsText = visibleText(calls);
    assert.ok(callsText.startsWith(`Calls ${show.callees.length + show.unresolved.length}`));
    assert.ok(show.callees.length >= 7, 'the fixture resolves its imports, same-file and receiver calls');
    for (const c of show.callees) {
      assert.ok(calls.includes(`href="${symbolUrl(REPO, c.id)}"`), `row links ${c.id}`);
      const kind = c.kind.charAt(0).toUpperCase() + c.kind.slice(1);
      assert.ok(callsText.includes(`${c.name} ${kind} · ${c.confidence.toFixed(2)}`), `row ${c.name}`);
      assert.ok(callsText.includes(`reason ${c.reason}`));
    }
    const names = show.callees.map((c) => c.qualifiedName);
    for (const want of ['computeTotal', 'sendReceipt', 'makeFlowId', 'auditTrail', 'Logger.debug'])
      assert.ok(names.includes(want), `startCheckout calls ${want}`);
    assert.ok(show.unresolved.some((u) => u.text === 'setTimeout'));
    assert.ok(calls.indexOf('id="unresolved"') > calls.indexOf('id="calls"'), 'unresolved listed apart');
    for (const u of show.unresolved) assert.ok(callsText.includes(u.text));
    // Tested by: both vitest tests.
    const tests = section(html, 'tests-title');
    for (const t of show.tests) assert.ok(tests.includes(`href="${symbolUrl(REPO, t.id)}"`));
    // The neighbourhood SVG: one hop each way, every node a link.
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    assert.ok(svg.length > 0, 'an SVG is drawn');
    for (const e of [...show.callers, ...show.callees])
      assert.ok(svg.includes(`href="${symbolUrl(REPO, e.id)}"`), `node ${e.name}`);
  });

  it('says nothing calls a symbol directly, that the list is a lower bound, and that no test covers it', async () => {
    const id = UNCALLED_ID;
    const show = await api<ShowResult>(`/repos/${REPO}/-/symbol/${id}`);
    assert.equal(show.callers.length, 0);
    assert.equal(show.callersComplete, 'lower_bound', 'replayCheckout calls a parameter of the same name');
    assert.ok(show.unresolvedThatMayCall >= 1);
    assert.equal(show.tests.length, 0);
    const html = await page(symbolUrl(REPO, id));
    assert.match(html, /<p class="empty" id="callers">nothing calls this directly<\/p>/);
    assert.match(visibleText(html), /lower bound: \d+ call sites? in this repo (is|are) unresolved/);
    assert.ok(html.includes('no test coverage detected'));
  });

  it('cuts a long body with a truncation marker and shows all of it on expand', async () => {
    const show = await api<ShowResult>(`/repos/${REPO}/-/symbol/${LONG_ID}`);
    assert.ok(show.symbol.endLine - show.symbol.startLine + 1 > LONG_BODY_DAYS);
    const cut = await page(symbolUrl(REPO, LONG_ID));
    const more = /⋯ (\d+) more lines/.exec(visibleText(cut));
    assert.ok(more, 'truncation marker');
    const shownRows = (cut.match(/<td class="ln">/g) ?? []).length;
    assert.ok(shownRows < show.symbol.endLine, 'not every line is shown');
    const expand = /href="([^"]+)" id="expand-source"/.exec(cut) ?? [];
    assert.ok(expand?.[1]?.includes('?full=1'), 'expand link asks for the whole body');
    const full = await page(expand[1]!.replace(/&amp;/g, '&').replace(/#.*$/, ''));
    assert.ok(!full.includes('more lines'));
    assert.ok(full.includes(`#L${show.symbol.endLine}">${show.symbol.endLine}</a>`), 'last line shown');
    assert.equal(
      (full.match(/<td class="ln">/g) ?? []).length,
      show.symbol.endLine - show.source.startLine + 1,
    );
  });

  it('finds startCheckout by its humps (sC) on the search page, non-test code first', async () => {
    const html = await page('/search?q=sC');
    const first = /<a class="hit" href="([^"]+)"/.exec(html);
    assert.equal(first?.[1], symbolUrl(REPO, STARTCHECKOUT_ID));
    const empty = await page('/search');
    assert.ok(empty.includes('camelCase humps'));
  });

  it('answers unknown repos, paths and symbols with 404 pages naming the closest matches', async () => {
    const repo = await page('/github.com/acme/seed-patern', 404);
    assert.ok(repo.includes(`href="${repoUrl(REPO)}"`), 'closest repo linked');
    const file = await page(blobUrl(REPO, 'src/checkout-servce.ts'), 404);
    assert.ok(file.includes(`href="${blobUrl(REPO, 'src/checkout-service.ts')}"`), 'closest path linked');
    const sym = await page(symbolUrl(REPO, 'startChekout'), 404);
    assert.match(sym, /id="matches"[\s\S]*startCheckout/);
    await page('/no/such/page/-/nothing/here', 404);
  });

  it('sends the security headers on a real page', async () => {
    const r = await get(hub.url, symbolUrl(REPO, STARTCHECKOUT_ID));
    assert.ok(!(r.headers.get('content-security-policy') ?? '').includes('unsafe-inline'));
    assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('JSON API on the indexed seed-pattern fixture', () => {
  it('answers repos, repo, files, blob, symbol, callers, callees, tests and search', async () => {
    const { repos } = await api<{ repos: RepoSummary[] }>('/repos');
    assert.deepEqual(
      repos.map((r) => r.id),
      [REPO],
    );
    const overview = await api<RepoOverview>(`/repos/${REPO}`);
    assert.equal(overview.summary.commit, hub.repo.commit);
    const { files } = await api<{ files: FileDTO[] }>(`/repos/${REPO}/-/files`);
    assert.equal(files.length, overview.summary.files);
    const src = await api<{ files: FileDTO[] }>(`/repos/${REPO}/-/files?prefix=src/`);
    assert.ok(src.files.length > 0 && src.files.every((f) => f.path.startsWith('src/')));
    assert.ok(src.files.length < files.length);
    const blob = await api<FileView>(`/repos/${REPO}/-/blob/src/logger.ts`);
    assert.equal(blob.file.blobSha256, sha256('src/logger.ts'));
    assert.equal(blob.text, fixtureText('src/logger.ts'));

    const show = await api<ShowResult>(`/repos/${REPO}/-/symbol/${STARTCHECKOUT_ID}`);
    assert.equal(show.symbol.qualifiedName, 'CheckoutService.startCheckout');
    assert.equal(show.symbol.verified, true);
    const { start, end, lines } = startCheckoutRange();
    assert.equal(show.source.lines[start - show.source.startLine], lines[start - 1]);
    assert.equal(show.source.lines.at(-1), lines[end - 1]);
    // The same symbol by qualified name resolves to the same answer.
    const byName = await api<ShowResult>(`/repos/${REPO}/-/symbol/CheckoutService.startCheckout`);
    assert.equal(byName.symbol.id, STARTCHECKOUT_ID);

    const callers = await api<TraversalResult>(`/repos/${REPO}/-/callers/${STARTCHECKOUT_ID}`);
    assert.deepEqual(callers.edges.map((e) => e.id).sort(), show.callers.map((e) => e.id).sort());
    const callees = await api<TraversalResult>(`/repos/${REPO}/-/callees/${STARTCHECKOUT_ID}?depth=2`);
    assert.ok(callees.edges.some((e) => e.depth === 1 && e.qualifiedName === 'computeTotal'));
    for (const e of callees.edges) assert.ok(e.confidence > 0 && e.reason.length > 0);
    const tests = await api<{ tests: TestDTO[]; complete: string }>(
      `/repos/${REPO}/-/tests/${STARTCHECKOUT_ID}`,
    );
    assert.equal(tests.tests.length, show.tests.length);

    const search = await api<{ results: Array<SearchHit & { url: string }> }>('/search?q=sC');
    assert.equal(search.results[0]?.id, STARTCHECKOUT_ID);
    assert.equal(search.results[0]?.url, symbolUrl(REPO, STARTCHECKOUT_ID));
    const methods = await api<{ results: SearchHit[] }>('/search?q=register&kind=method');
    assert.ok(methods.results.length >= 2 && methods.results.every((h) => h.kind === 'method'));
  });

  it('answers unknown repo, path, symbol and route with JSON errors carrying the closest matches', async () => {
    const repo = await api<{ error: { code: string; detail: unknown } }>(
      '/repos/github.com/acme/seed-patern',
      404,
    );
    assert.equal(repo.error.code, 'RepoNotFound');
    assert.ok(JSON.stringify(repo.error.detail).includes(REPO));
    const path = await api<{ error: { code: string; detail: unknown } }>(
      `/repos/${REPO}/-/blob/src/checkout-servce.ts`,
      404,
    );
    assert.equal(path.error.code, 'PathNotFound');
    assert.ok(JSON.stringify(path.error.detail).includes('src/checkout-service.ts'));
    const sym = await api<{ error: { code: string; detail: unknown } }>(
      `/repos/${REPO}/-/callees/startChekout`,
      404,
    );
    assert.equal(sym.error.code, 'SymbolNotFound');
    assert.ok(JSON.stringify(sym.error.detail).includes('startCheckout'));
    const route = await api<{ error: { code: string } }>('/nothing-here', 404);
    assert.equal(route.error.code, 'NotFound');
    const bad = await api<{ error: { code: string } }>(
      `/repos/${REPO}/-/callers/${STARTCHECKOUT_ID}?depth=99`,
      400,
    );
    assert.equal(bad.error.code, 'InvalidInput');
  });
});

describe('a corrupted blob on the real hub', () => {
  it('shows an error block naming the blob and no source on the symbol and file pages, even right after the page was served; the API says verified false', async () => {
    const before = await api<FileView>(`/repos/${REPO}/-/blob/${FRAGILE_PATH}`);
    assert.equal(before.verified, true);
    const sha = before.file.blobSha256!;
    assert.equal(sha, sha256(FRAGILE_PATH));
    // Served twice while intact (the second time from the rendered-page cache), then the blob is damaged.
    for (let i = 0; i < 2; i++) {
      const intact = await page(symbolUrl(REPO, FRAGILE_ID));
      assert.ok(visibleText(intact).includes('return n * 2') && intact.includes('hash-verified'));
    }
    const blobFile = join(hub.dataDir, 'blobs', sha.slice(0, 2), sha);
    const goodBytes = readFileSync(blobFile);
    corruptBlob(hub.dataDir, sha);

    const sym = await page(symbolUrl(REPO, FRAGILE_ID));
    const block = section(sym, 'source-error');
    assert.ok(block.includes(`sha256:${sha}`), 'the error names the blob');
    assert.ok(!sym.includes('<td class="src">'), 'no source lines');
    assert.ok(!sym.includes('return n * 2'), 'not a byte of the source');
    assert.ok(!sym.includes('hash-verified'));

    const file = await page(blobUrl(REPO, FRAGILE_PATH));
    assert.ok(section(file, 'source-error').includes(`sha256:${sha}`));
    assert.ok(!file.includes('<td class="src">'));
    assert.ok(!file.includes('return n * 2'));

    const show = await api<ShowResult>(`/repos/${REPO}/-/symbol/${FRAGILE_ID}`);
    assert.equal(show.symbol.verified, false);
    assert.equal(show.source.verified, false);
    assert.deepEqual(show.source.lines, []);
    assert.ok(show.source.error && show.source.error.includes(sha));
    const view = await api<FileView>(`/repos/${REPO}/-/blob/${FRAGILE_PATH}`);
    assert.equal(view.verified, false);
    assert.equal(view.text, null);
    // Other files are untouched.
    assert.equal((await api<FileView>(`/repos/${REPO}/-/blob/src/logger.ts`)).verified, true);

    // Once the stored bytes are right again (what verify --repair does), the source is back.
    writeFileSync(blobFile, goodBytes);
    const repaired = await page(symbolUrl(REPO, FRAGILE_ID));
    assert.ok(visibleText(repaired).includes('return n * 2') && repaired.includes('hash-verified'));
    assert.ok(!repaired.includes('source-error'));
  });
});
