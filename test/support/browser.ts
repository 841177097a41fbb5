/// <reference lib="dom" />
/**
 * Real headless Chromium for browser tests: playwright-core driving the system's /usr/bin/chromium with a
 * fresh temporary profile. Helpers open pages, read what a copy button put on the clipboard (the page's
 * `navigator.clipboard.writeText` is recorded before any script runs), and save screenshots under
 * test-artifacts/screenshots/ (their paths are printed).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = resolve('test-artifacts', 'screenshots');

export interface Browser {
  context: BrowserContext;
  /** Opens a new tab at `url` and waits for the load event. */
  open(
    url: string,
    options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number },
  ): Promise<Page>;
  /** Clicks `selector` and returns the text the page handed to the clipboard. */
  copiedText(page: Page, selector: string): Promise<string>;
  /** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png, prints and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile directory (removed on close). */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'codehub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  // Record clipboard writes: headless clipboards need permissions and a focused window; the recording is exact.
  await context.addInitScript(() => {
    const w = window as unknown as { __copied: string[] };
    w.__copied = [];
    const record = async (text: string): Promise<void> => {
      w.__copied.push(String(text));
    };
    try {
      Object.defineProperty(navigator, 'clipboard', {
        value: { writeText: record, readText: async () => w.__copied.at(-1) ?? '' },
        configurable: true,
      });
    } catch {
      /* keep the real clipboard */
    }
  });
  return {
    context,
    async open(url, options = {}) {
      const page = await context.newPage();
      if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
      if (options.width) await page.setViewportSize({ width: options.width, height: options.height ?? 900 });
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    async copiedText(page, selector) {
      const before = await page.evaluate(() => (window as unknown as { __copied: string[] }).__copied.length);
      await page.click(selector);
      await page.waitForFunction(
        (n) => (window as unknown as { __copied: string[] }).__copied.length > n,
        before,
      );
      return page.evaluate(() => (window as unknown as { __copied: string[] }).__copied.at(-1) ?? '');
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      process.stdout.write(`screenshot: ${path}\n`);
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
