/// <reference lib="dom" />
// Browser test over the ROUTING server (tiny in-test service): the symbol page in real Chromium — layout,
// copy buttons, keyboard search focus — with screenshots saved for a person to look at.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWebServer, type WebServer } from '../../src/web/server.js';
import { launchBrowser, type Browser } from '../support/browser.js';
import { createRoutingService } from './routing-service.js';
import { COMMIT, REPO, sampleSymbol } from './sample-dtos.js';
import { symbolUrl } from '../../src/web/urls.js';

let web: WebServer;
let base = '';
let browser: Browser;

before(async () => {
  web = createWebServer({ service: createRoutingService(), port: 0 });
  base = await web.listen();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await web?.close();
});

describe('symbol page in Chromium (routing server)', () => {
  it('renders the seed elements, copies the MCP config and reference, and saves screenshots', async () => {
    const errors: string[] = [];
    browser.context.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const page = await browser.open(base + symbolUrl(REPO, sampleSymbol().id));
    await browser.screenshot(page, 'routing-symbol-light');
    assert.equal(await page.textContent('#symbol-title'), 'Method openReadingSession');
    assert.equal(await page.textContent('#callers'), 'nothing calls this directly');
    assert.equal(await page.textContent('#tests'), 'no test coverage detected');
    // The default view lists the edges from 0.5 up and says how many guesses it leaves out; the full view lists all.
    assert.equal(await page.locator('#calls > li').count(), 9);
    assert.match(
      (await page.textContent('#edge-view')) ?? '',
      /^2 lower-confidence edges \(below 0\.50\) not listed/,
    );
    const full = await browser.open(base + symbolUrl(REPO, sampleSymbol().id) + '?edges=all');
    assert.equal(await full.locator('#calls > li').count(), 11);
    const mcp = await browser.copiedText(page, '#copy-mcp-symbol');
    assert.deepEqual(JSON.parse(mcp), { mcpServers: { codehub: { type: 'http', url: `${base}/mcp` } } });
    const ref = await browser.copiedText(page, '#copy-ref');
    assert.equal(ref, `${REPO}@${COMMIT}:src/desk/library-desk.ts#L121-L199 LibraryDesk.openReadingSession`);
    // Highlight classes resolve to real colours through the served stylesheet (no inline styles).
    const colour = await page.evaluate(() => {
      const span = document.querySelector('.code td.src span[class^=t]');
      return span ? getComputedStyle(span).color : null;
    });
    assert.ok(colour && colour !== 'rgb(0, 0, 0)', `token colour ${colour}`);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'q');
    const dark = await browser.open(base + symbolUrl(REPO, sampleSymbol().id), { colorScheme: 'dark' });
    await browser.screenshot(dark, 'routing-symbol-dark');
    const narrow = await browser.open(base + symbolUrl(REPO, sampleSymbol().id), { width: 420 });
    await browser.screenshot(narrow, 'routing-symbol-narrow');
    const overflow = await narrow.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone-width screen (overflow ${overflow}px)`);
    for (const [name, path] of [
      ['routing-hub', '/'],
      ['routing-repo', `/${REPO}`],
      ['routing-file', `/${REPO}/-/blob/src/desk/library-desk.ts`],
      ['routing-search', '/search?q=oRS'],
    ] as const) {
      await browser.screenshot(await browser.open(base + path), name);
    }
    // Search as you type, then arrow keys move through the results.
    const search = await browser.open(`${base}/search`);
    await search.fill('input[data-live]', 'oRS');
    await search.waitForSelector('#results a.hit');
    assert.equal(await search.textContent('#results a.hit .hit-name'), 'LibraryDesk.openReadingSession');
    await search.focus('input[data-live]');
    await search.keyboard.press('ArrowDown');
    assert.equal(await search.evaluate(() => document.activeElement?.className), 'hit');
    await search.keyboard.press('Enter');
    await search.waitForURL(/\/-\/symbol\//);
    assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
    await browser.screenshot(await browser.open(`${base}/github.com/acme/nope`), 'routing-404');
  });
});
