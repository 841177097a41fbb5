import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderSymbolPage, symbolReference, type SymbolSource } from '../../src/web/pages/symbol-page.js';
import { renderHubPage } from '../../src/web/pages/hub-page.js';
import { renderRepoPage } from '../../src/web/pages/repo-page.js';
import { renderFilePage } from '../../src/web/pages/file-page.js';
import { renderSearchPage } from '../../src/web/pages/search-page.js';
import { renderErrorPage } from '../../src/web/pages/error-page.js';
import { plainLines } from '../../src/web/highlight.js';
import { toHttpError } from '../../src/web/http-errors.js';
import { CodehubError } from '../../src/core/errors.js';
import type { PageContext } from '../../src/web/pages/layout.js';
import { blobUrl, parsePagePath, symbolUrl } from '../../src/web/urls.js';
import {
  COMMIT,
  REPO,
  SHA,
  sampleEdge,
  sampleFileView,
  sampleHit,
  sampleLines,
  sampleOverview,
  sampleShow,
  sampleSummary,
  sampleSymbol,
} from './sample-dtos.js';

const ctx: PageContext = { mcpUrl: 'http://127.0.0.1:7070/mcp', highlightCssVersion: 'test-0' };
const XSS_NAME = '<img src=x onerror=alert(1)>.ts';

function okSource(lines = sampleLines(20), truncated = false): SymbolSource {
  return {
    ok: true,
    blobSha256: SHA,
    startLine: 118,
    lines: plainLines(lines),
    truncated,
    expandUrl: truncated ? '/x?full=1' : null,
  };
}

/** Text content without tags, whitespace collapsed: what a reader sees. */
function visibleText(page: string): string {
  return page
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

function assertInOrder(text: string, needles: string[]): void {
  let at = 0;
  for (const n of needles) {
    const i = text.indexOf(n, at);
    assert.ok(i >= 0, `expected "${n}" after position ${at}`);
    at = i + n.length;
  }
}

describe('symbol page', () => {
  it('shows every element of the seed page in the seed order', () => {
    const page = renderSymbolPage(ctx, sampleShow(), okSource());
    const text = visibleText(page.slice(page.indexOf('<main>')));
    assertInOrder(text, [
      'hub',
      '/',
      REPO,
      '/',
      'openReadingSession',
      'MCP',
      'reference',
      'Method openReadingSession',
      'src/desk/library-desk.ts:121–199',
      'view source on GitHub ↗',
      '()',
      ': Promise<Outcome<string>>',
      'Source from the content-addressed store, hash-verified',
      `sha256:${SHA}`,
      '118',
      '121 async openReadingSession()',
      'Callers',
      'nothing calls this directly',
      'Calls 12',
      'bindLocalPort Function · 0.90',
      'settle Method · 0.45',
      'Unresolved calls',
      'pending.answer.then',
      'Tested by',
      'no test coverage detected',
    ]);
    assert.ok(
      page.includes(
        `href="https://github.com/acme/widgets/blob/${COMMIT}/src/desk/library-desk.ts#L121-L199"`,
      ),
    );
  });

  it('links every callee row to its target and explains reason and call-site lines on expand', () => {
    const page = renderSymbolPage(ctx, sampleShow(), okSource());
    assert.ok(page.includes(`href="/${REPO}/-/symbol/src/lib/describeFailure.ts::describeFailure:function"`));
    assert.match(page, /<details><summary><a class="name" href="[^"]+">enqueue<\/a>/);
    assert.match(visibleText(page), /reason import · call sites in this file: L130, L155/);
    assert.match(visibleText(page), /reason name-only · 2 candidates/);
  });

  it('lists edges from confidence 0.5 up by default, counts the guesses below and links to the full view', () => {
    const show = sampleShow();
    const low = show.callees.filter((e) => e.confidence < 0.5).length;
    assert.ok(low > 0, 'the sample has a guess below 0.5');
    const page = renderSymbolPage(ctx, show, okSource(), { all: false, toggleUrl: '/x?edges=all' });
    assert.match(
      visibleText(page),
      new RegExp(`${low} lower-confidence edges? \\(below 0\\.50\\) not listed · show all`),
    );
    assert.ok(page.includes('href="/x?edges=all"'));
    for (const e of show.callees) assert.equal(page.includes(`>${e.name}</a>`), e.confidence >= 0.5, e.name);
    const full = renderSymbolPage(ctx, show, okSource(), { all: true, toggleUrl: '/x' });
    for (const e of show.callees) assert.ok(full.includes(`>${e.name}</a>`), e.name);
    assert.match(visibleText(full), /all edges, guesses below 0\.50 included · default view/);
  });

  it('puts the MCP config and the symbol reference on the copy buttons', () => {
    const show = sampleShow();
    const page = renderSymbolPage(ctx, show, okSource());
    const config = JSON.stringify({ mcpServers: { codehub: { type: 'http', url: ctx.mcpUrl } } });
    assert.ok(page.includes(`data-copy="${config.replace(/"/g, '&quot;')}"`));
    assert.equal(
      symbolReference(show),
      `${REPO}@${COMMIT}:src/desk/library-desk.ts#L121-L199 LibraryDesk.openReadingSession`,
    );
    assert.ok(page.includes(`data-copy="${symbolReference(show)}"`));
  });

  it('says the callers list is a lower bound and how many call sites are unresolved', () => {
    const page = renderSymbolPage(
      ctx,
      sampleShow({ callersComplete: 'lower_bound', unresolvedThatMayCall: 7, testsComplete: 'lower_bound' }),
      okSource(),
    );
    const text = visibleText(page);
    assertInOrder(text, [
      'nothing calls this directly',
      'lower bound: 7 call sites in this repo are unresolved',
      'no test coverage detected',
      'lower bound',
    ]);
    const exact = visibleText(renderSymbolPage(ctx, sampleShow(), okSource()));
    assert.ok(!exact.includes('lower bound'));
  });

  it('lists callers and tests with their run command when there are some', () => {
    const show = sampleShow({
      callers: [sampleEdge('main', 0.9, { callLines: [12] })],
      tests: [
        {
          id: 'test/a.test.ts::flow > starts:test',
          name: 'flow > starts',
          path: 'test/a.test.ts',
          startLine: 5,
          endLine: 9,
          depth: 2,
          confidence: 0.81,
          command: 'node --test --test-name-pattern="starts" test/a.test.ts',
        },
      ],
    });
    const text = visibleText(renderSymbolPage(ctx, show, okSource()));
    assertInOrder(text, [
      'Callers 1',
      'main Function · 0.90',
      'Tested by 1',
      'flow > starts depth 2 · 0.81',
      'run: node --test',
    ]);
    assert.ok(!text.includes('nothing calls this directly'));
    assert.ok(!text.includes('no test coverage detected'));
  });

  it('marks a truncated body and links to the full source', () => {
    const page = renderSymbolPage(ctx, sampleShow(), okSource(sampleLines(63), true));
    assert.match(visibleText(page), /⋯ 19 more lines · show all 79 lines/);
    assert.ok(page.includes('href="/x?full=1"'));
  });

  it('shows an error block naming the blob and no source when verification fails', () => {
    const page = renderSymbolPage(ctx, sampleShow(), {
      ok: false,
      blobSha256: SHA,
      message: 'Its bytes no longer hash to this sha256.',
    });
    assert.ok(page.includes('id="source-error"'));
    assert.ok(visibleText(page).includes(`Blob sha256:${SHA}`));
    assert.ok(!page.includes('hash-verified'));
    assert.ok(!page.includes('<td class="src">'));
  });

  it('escapes names and source text instead of rendering them as markup', () => {
    const evil = sampleSymbol({ name: '<b>x</b>', qualifiedName: '<b>x</b>', path: `src/${XSS_NAME}` });
    const page = renderSymbolPage(
      ctx,
      sampleShow({ symbol: evil }),
      okSource(['</script><script>alert(1)</script>']),
    );
    assert.ok(!page.includes('<img src=x'));
    assert.ok(!page.includes('<b>x</b>'));
    assert.ok(!page.includes('</script><script>alert(1)'));
    assert.ok(page.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;.ts'));
    assert.equal((page.match(/<script/g) ?? []).length, 1, 'only the static app.js script tag');
  });

  it('draws the neighbourhood as linked nodes, capped at 8 per side with a "+N more" note', () => {
    const many = Array.from({ length: 11 }, (_, i) => sampleEdge(`callee${i}`, i % 2 ? 0.45 : 0.9));
    const page = renderSymbolPage(
      ctx,
      sampleShow({ callees: many, callers: [sampleEdge('caller0', 0.8)] }),
      okSource(),
    );
    const svg = page.slice(page.indexOf('<svg xmlns'), page.indexOf('</svg>', page.indexOf('<svg xmlns')));
    const links = [...svg.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(links.length, 1 + 8 + 1, 'one caller, 8 callees, the symbol itself');
    assert.ok(links.includes(`/${REPO}/-/symbol/src/lib/caller0.ts::caller0:function`));
    assert.match(svg, /\+3 more/);
    const widths = [...svg.matchAll(/stroke-width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.ok(Math.max(...widths) > Math.min(...widths), 'edge width follows confidence');
  });
});

describe('other pages', () => {
  it('hub lists each repo with commit, indexed time, counts and languages, and an empty state', () => {
    const text = visibleText(renderHubPage(ctx, [sampleSummary()]));
    assertInOrder(text, [
      REPO,
      'main @ 0123456789ab',
      'indexed 2026-11-28 12:00 UTC',
      '42 files',
      '1,234 symbols',
      '5,678 edges',
      'typescript 71.4%',
    ]);
    assert.match(visibleText(renderHubPage(ctx, [])), /No repositories indexed yet/);
  });

  it('repo page shows snapshot, languages, hotspots, coverage by reason and the file tree', () => {
    const files = [
      sampleFileView().file,
      { ...sampleFileView().file, path: `assets/${XSS_NAME}`, blobSha256: null, skipReason: 'binary' },
    ];
    const page = renderRepoPage(ctx, sampleOverview(), files);
    const text = visibleText(page);
    assertInOrder(text, [
      COMMIT,
      'main',
      'Most-called symbols',
      'LibraryDesk.openReadingSession',
      '17',
      'Untested hotspots',
      'hot',
      'Analysis coverage',
      '40 parsed, 2 skipped',
      'skipped: binary',
      'Call sites: 100, 80 resolved (80.0%)',
      'import',
      '50 · 50.0%',
      'unresolved: builtin',
      'Files',
      'src/',
      'library-desk.ts',
    ]);
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;.ts'));
    assert.ok(!page.includes('<img src=x'));
  });

  it('file page shows anchored line numbers, a linked outline and the verification state', () => {
    const view = sampleFileView();
    const page = renderFilePage(ctx, view, plainLines(view.text!.split('\n')));
    assert.ok(page.includes('id="L2"'));
    assert.ok(page.includes('href="#L2"'));
    assert.ok(page.includes(`href="/${REPO}/-/symbol/src/desk/library-desk.ts::LibraryDesk:class"`));
    assertInOrder(visibleText(page), [
      'Outline',
      'LibraryDesk',
      'openReadingSession',
      'hash-verified',
      `sha256:${SHA}`,
    ]);
    const bad = renderFilePage(
      ctx,
      sampleFileView({ text: null, verified: false, error: 'Blob content does not match its sha256.' }),
      null,
    );
    assert.ok(bad.includes('id="source-error"'));
    assert.ok(visibleText(bad).includes(`Blob sha256:${SHA}`));
    assert.ok(!bad.includes('<td class="src">'));
  });

  it('search page renders ranked hits in the given order, the kind filter and empty states', () => {
    const hits = [
      sampleHit(),
      sampleHit({
        id: 'test/t.ts::x:test',
        qualifiedName: 'openReadingSession works',
        kind: 'test',
        isTest: true,
      }),
    ];
    const page = renderSearchPage(ctx, { q: 'oRS', kind: 'method' }, hits, [REPO]);
    assertInOrder(visibleText(page), [
      'LibraryDesk.openReadingSession',
      'Method · 3 callers',
      'openReadingSession works',
      'test',
    ]);
    assert.ok(page.includes('<option value="method" selected>'));
    assert.match(visibleText(renderSearchPage(ctx, { q: 'zzz' }, [], [])), /No symbols match/);
    assert.match(visibleText(renderSearchPage(ctx, { q: '' }, null, [])), /camelCase humps/);
  });

  it('404 page lists the closest matches from the error detail as links', () => {
    const err = toHttpError(
      new CodehubError('SymbolNotFound', 'No symbol startDesktopFlw in this repo.', [sampleSymbol()]),
    );
    assert.equal(err.status, 404);
    const page = renderErrorPage(ctx, err, REPO);
    assertInOrder(visibleText(page), [
      'Symbol not found 404',
      'No symbol startDesktopFlw',
      'Closest matches',
      'LibraryDesk.openReadingSession',
    ]);
    assert.ok(
      page.includes(
        `href="/${REPO}/-/symbol/src/desk/library-desk.ts::LibraryDesk.openReadingSession:method"`,
      ),
    );
    const repoErr = renderErrorPage(
      ctx,
      toHttpError(new CodehubError('RepoNotFound', 'No repo.', { closest: ['github.com/acme/widget'] })),
    );
    assert.ok(repoErr.includes('href="/github.com/acme/widget"'));
  });

  it('ambiguous symbols get a 300 page listing the candidates', () => {
    const err = toHttpError(
      new CodehubError('SymbolAmbiguous', 'start matches 2 symbols.', [
        sampleSymbol(),
        sampleSymbol({ id: 'src/b.ts::start:function', qualifiedName: 'start' }),
      ]),
    );
    assert.equal(err.status, 300);
    const text = visibleText(renderErrorPage(ctx, err, REPO));
    assertInOrder(text, ['Pick one', 'LibraryDesk.openReadingSession', 'start']);
  });
});

describe('urls', () => {
  it('round-trips ids with spaces, slashes, dot segments and non-ASCII through page URLs', () => {
    const id = 'test/a b.test.ts::suite > handles ../ and /./ and ü:test';
    const url = symbolUrl(REPO, id);
    assert.ok(!/\/\.\.?\//.test(url), url);
    assert.deepEqual(parsePagePath(url), { page: 'symbol', repo: REPO, id });
    assert.deepEqual(parsePagePath(blobUrl(REPO, 'src/x.ts')), {
      page: 'blob',
      repo: REPO,
      path: 'src/x.ts',
    });
    assert.equal(parsePagePath('/a/b'), null);
    assert.throws(() => parsePagePath(`/${REPO}/-/symbol/%E0%A4%A`), /malformed/);
  });
});
