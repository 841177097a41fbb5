/// <reference lib="dom" />
// End to end in real Chromium on the REAL pipeline: the seed-pattern fixture indexed by `codehub index` and
// served by `codehub serve`. Opens the hub, searches by humps, checks every seed element of the symbol page,
// follows a callee link, presses both copy buttons, and saves screenshots of hub, repo, symbol, file and search.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ShowResult } from '../../src/service/query-types.js';
import type { IndexedHub } from '../support/indexed-fixture.js';
import { launchBrowser, type Browser } from '../support/browser.js';
import { STARTCHECKOUT_ID, LONG_ID, get, startWebHub } from './served-hub.js';

let hub: IndexedHub;
let browser: Browser;
const consoleErrors: string[] = [];

before(async () => {
  hub = await startWebHub();
  browser = await launchBrowser();
  browser.context.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});
after(async () => {
  await browser?.close();
  await hub?.stop();
});

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

describe('the hub in Chromium on the indexed seed-pattern fixture', () => {
  it('searches by humps, shows every seed element of startCheckout, follows a callee and copies the MCP config and reference', async () => {
    const REPO = hub.repo.id;
    const show = JSON.parse(
      (await get(hub.url, `/api/v1/repos/${REPO}/-/symbol/${STARTCHECKOUT_ID}`)).body,
    ) as ShowResult;
    const path = show.symbol.path;
    const fileBytes = readFileSync(join(hub.repo.dir, path));
    const fileLines = fileBytes.toString('utf8').split('\n');

    // The hub lists the repo; search-as-you-type with humps finds startCheckout first.
    const home = await browser.open(`${hub.url}/`);
    assert.ok((await text(home, 'main')).includes(REPO));
    await browser.screenshot(home, 'hub');
    await home.goto(`${hub.url}/search`);
    await home.fill('input[data-live]', 'sC');
    await home.waitForSelector('#results a.hit');
    assert.equal(await text(home, '#results a.hit .hit-name'), 'CheckoutService.startCheckout');
    await browser.screenshot(home, 'search');
    await home.focus('input[data-live]');
    await home.keyboard.press('ArrowDown');
    await home.keyboard.press('Enter');
    await home.waitForURL(/\/-\/symbol\//);
    const page = home;
    await page.waitForSelector('#symbol-title');
    await browser.screenshot(page, 'symbol');

    // Breadcrumbs, kind + name, path:start–end, permalink, signature and return type.
    assert.deepEqual(await page.$$eval('nav.crumbs > *', (els) => els.map((e) => e.textContent)), [
      'hub',
      '/',
      REPO,
      '/',
      'startCheckout',
    ]);
    assert.equal(await page.getAttribute('nav.crumbs a >> nth=1', 'href'), `/${REPO}`);
    assert.equal(await text(page, '#symbol-title'), 'Method startCheckout');
    const { startLine, endLine } = show.symbol;
    assert.equal(fileLines[startLine - 1]?.trim().startsWith('async startCheckout('), true);
    assert.ok((await text(page, '#symbol-location')).startsWith(`${path}:${startLine}–${endLine}`));
    assert.equal(
      await page.getAttribute('#permalink', 'href'),
      `https://github.com/acme/seed-pattern/blob/${hub.repo.commit}/${path}#L${startLine}-L${endLine}`,
    );
    assert.equal(await text(page, '#signature'), '(customer: string, prices: number[]): Promise<number>');
    // Hash-verified line with the sha256 of the file's bytes.
    const provenance = await text(page, '#provenance');
    assert.ok(provenance.includes('Source from the content-addressed store, hash-verified'));
    assert.ok(provenance.includes(`sha256:${createHash('sha256').update(fileBytes).digest('hex')}`));
    // Source rows: real line numbers, context first, each row's text equal to the file's line, tokens coloured.
    const rows = await page.$$eval('#provenance + .code tr', (trs) =>
      trs.map((tr) => ({
        n: tr.querySelector('td.ln')?.textContent ?? '',
        src: tr.querySelector('td.src')?.textContent ?? '',
        ctx: tr.classList.contains('ctx'),
      })),
    );
    assert.ok(rows.length > endLine - startLine);
    assert.ok(rows[0]!.ctx && Number(rows[0]!.n) < startLine, 'context lines come first');
    for (const r of rows) assert.equal(r.src, fileLines[Number(r.n) - 1], `line ${r.n}`);
    assert.equal(Number(rows.at(-1)!.n), endLine);
    const colour = await page.evaluate(() => {
      const span = document.querySelector('.code td.src span[class^=t]');
      return span ? getComputedStyle(span).color : null;
    });
    assert.ok(colour && colour !== 'rgb(0, 0, 0)', `token colour ${colour}`);
    // Callers, Calls N (rows, reason on expand, unresolved apart), Tested by, the neighbourhood SVG.
    assert.equal(await page.locator('#callers > li').count(), show.callers.length);
    assert.equal(await text(page, '#calls-title'), `Calls ${show.callees.length + show.unresolved.length}`);
    assert.equal(await page.locator('#calls > li').count(), show.callees.length);
    assert.equal(await page.locator('#unresolved > li').count(), show.unresolved.length);
    const firstCall = page.locator('#calls > li').first();
    assert.ok(!(await firstCall.locator('.why').isVisible()), 'reason hidden until expanded');
    await firstCall.locator('summary').click({ position: { x: 2, y: 8 } });
    assert.ok(await firstCall.locator('.why').isVisible());
    assert.match(await firstCall.locator('.why').innerText(), /reason \S+ · call sites? in this file: L\d+/);
    assert.equal(await page.locator('#tests > li').count(), show.tests.length);
    assert.ok(show.tests.length > 0);
    assert.equal(
      await page.locator('.neighbourhood svg a').count(),
      show.callers.length + show.callees.length + 1,
      'one linked node per caller and callee, and the symbol itself',
    );

    // MCP copy gives this hub's /mcp config; the reference copy names repo@sha:path#Lstart-Lend qualifiedName.
    const mcp = await browser.copiedText(page, '#copy-mcp-symbol');
    assert.deepEqual(JSON.parse(mcp), { mcpServers: { codehub: { type: 'http', url: `${hub.url}/mcp` } } });
    const ref = await browser.copiedText(page, '#copy-ref');
    assert.equal(
      ref,
      `github.com/acme/seed-pattern@${hub.repo.commit}:${path}#L${startLine}-L${endLine} CheckoutService.startCheckout`,
    );

    // Follow the computeTotal callee link to its own page.
    await page.click('#calls a.name >> text=computeTotal');
    await page.waitForURL(/computeTotal/);
    assert.equal(await text(page, '#symbol-title'), 'Function computeTotal');
    assert.ok((await text(page, '#callers')).includes('startCheckout'));

    // File page: highlighted with anchors; the outline links back to the method.
    const file = await browser.open(`${hub.url}/${REPO}/-/blob/${path}`);
    assert.equal(await file.locator(`#L${startLine}`).count(), 1);
    assert.ok((await text(file, '#outline')).includes('startCheckout'));
    await browser.screenshot(file, 'file');
    await file.click('#outline a >> text=startCheckout');
    await file.waitForURL(/-\/symbol\//);
    await browser.screenshot(await browser.open(`${hub.url}/${REPO}`), 'repo');

    // A long body: truncation marker, and the expand link shows every line.
    const long = await browser.open(`${hub.url}/${REPO}/-/symbol/${LONG_ID}`);
    assert.match(await text(long, 'tr.trunc'), /⋯ \d+ more lines/);
    await long.click('#expand-source');
    await long.waitForURL(/full=1/);
    assert.equal(await long.locator('tr.trunc').count(), 0);
    await browser.screenshot(
      await browser.open(`${hub.url}/${REPO}/-/symbol/${STARTCHECKOUT_ID}`, { colorScheme: 'dark' }),
      'symbol-dark',
    );
    const narrow = await browser.open(`${hub.url}/${REPO}/-/symbol/${STARTCHECKOUT_ID}`, { width: 420 });
    await browser.screenshot(narrow, 'symbol-narrow');
    const overflow = await narrow.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `no horizontal scrolling at phone width (overflow ${overflow}px)`);
    assert.deepEqual(consoleErrors, [], 'no console errors (CSP violations show up here)');
  });
});
