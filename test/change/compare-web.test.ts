/**
 * The compare page, the history page and the compare API on the real web server over a real data dir: a fixture
 * repository with two commits (real git), indexed by the CLI with `--ref`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createChangeService, type ChangeReport } from '../../src/service/change-service.js';
import { createQueryService } from '../../src/service/query-service.js';
import { openWorkspace, type Workspace } from '../../src/service/workspace.js';
import { escapeHtml } from '../../src/web/html.js';
import { createWebServer, type WebServer } from '../../src/web/server.js';
import { blobUrl, compareUrl, repoUrl, symbolUrl } from '../../src/web/urls.js';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { corruptBlob, get, visibleText } from '../web/served-hub.js';

const V1 = `export function total(xs: number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum;
}

export function mean(xs: number[]): number {
  return total(xs) / xs.length;
}
`;
const V2 = `export function total(xs: number[], start = 0): number {
  let sum = start;
  for (const x of xs) sum += x;
  return sum;
}

export function mean(xs: number[]): number {
  return total(xs) / xs.length;
}
`;
const TESTS = `import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mean } from '../src/stats.js';

describe('stats', () => {
  it("mean of <b>'two'</b>", () => {
    assert.equal(mean([1, 3]), 2);
  });
});
`;

describe('the compare page and API', () => {
  let work: string;
  let data: string;
  let ws: Workspace;
  let web: WebServer;
  let url: string;
  let c1: string;
  let c2: string;
  const repo = 'local/statsrepo';

  before(async () => {
    work = tempDir('compare-web');
    data = join(work, 'data');
    const fixture = FixtureRepo.init(join(work, 'statsrepo'));
    fixture.write('src/stats.ts', V1).write('test/stats.test.ts', TESTS);
    c1 = fixture.commit('one');
    git(fixture.dir, 'tag', 'v1');
    fixture.write('src/stats.ts', V2);
    c2 = fixture.commit('two');
    for (const ref of ['v1', 'main']) {
      const r = runCli(['index', fixture.dir, '--ref', ref, '--data', data]);
      assert.equal(r.code, 0, r.stderr);
    }
    ws = openWorkspace(data);
    web = createWebServer({ service: createQueryService(ws), changes: createChangeService(ws), port: 0 });
    url = await web.listen();
  });
  after(async () => {
    await web?.close();
    await ws?.close();
    removeDir(work);
  });

  it('shows the changed symbol with before/after signatures, its changed lines side by side, callers and tests to run', async () => {
    const r = await get(url, compareUrl(repo, 'v1', 'main'));
    assert.equal(r.status, 200, r.body.slice(0, 400));
    assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.doesNotMatch(r.body, /<script>|style="/, 'no inline script or style');
    const text = visibleText(r.body);
    assert.match(text, /modified Function total src\/stats\.ts:1–5/);
    assert.match(text, /before \(xs: number\[\]\) after \(xs: number\[\], start = 0\)/);
    // The changed lines sit side by side; the unchanged loop line is context.
    assert.match(r.body, /<td class="src del">export function total\(xs: number\[\]\): number \{<\/td>/);
    assert.match(
      r.body,
      /<td class="src ins">export function total\(xs: number\[\], start = 0\): number \{<\/td>/,
    );
    assert.match(
      r.body,
      /<td class="src del"> {2}let sum = 0;<\/td><td class="ln">2<\/td><td class="src ins"> {2}let sum = start;<\/td>/,
    );
    assert.match(
      r.body,
      /<tr class="same"><td class="ln">3<\/td><td class="src "> {2}for \(const x of xs\) sum \+= x;/,
    );
    assert.match(text, /Affected callers 2/);
    assert.match(
      r.body,
      /aria-label="Callers and callees of total"/,
      'the direct callers are drawn as a graph',
    );
    // The test title is escaped, and its command is on a copy button.
    assert.match(r.body, /mean of &lt;b&gt;&#39;two&#39;&lt;\/b&gt;/);
    assert.doesNotMatch(r.body, /<b>'two'<\/b>/);
    const command = String.raw`node --test --test-name-pattern='^mean of <b>'\''two'\''<\/b>$' test/stats.test.ts`;
    assert.ok(
      r.body.includes(`data-copy="${escapeHtml(command)}"`),
      'the command, escaped, on a copy button',
    );
    assert.match(r.body, /id="copy-all-tests"/);
    assert.match(text, /base [0-9a-f]{12} \(v1\) → head [0-9a-f]{12} \(main\)/);
  });

  it('serves the same report as the CLI at the compare API, in the issue form and the /-/ form', async () => {
    const cli = runCli(['diff', repo, 'v1', 'main', '--json', '--data', data]);
    assert.equal(cli.code, 0, cli.stderr);
    const expected = JSON.parse(cli.stdout) as ChangeReport;
    for (const path of [
      `/api/v1/repos/${repo}/compare/v1...main`,
      `/api/v1/repos/${repo}/-/compare/${c1}...${c2}`,
    ]) {
      const r = await get(url, path);
      assert.equal(r.status, 200, r.body);
      const got = JSON.parse(r.body) as ChangeReport;
      assert.deepEqual(got.changed, expected.changed);
      assert.deepEqual(got.tests, expected.tests);
      assert.deepEqual(got.impacted, expected.impacted);
      assert.equal(got.complete, expected.complete);
    }
  });

  it('lists the snapshots with their refs and compares two picked in the form', async () => {
    const repoPage = await get(url, repoUrl(repo));
    assert.match(repoPage.body, new RegExp(`id="history-link" href="${compareUrl(repo)}"`));
    const history = await get(url, compareUrl(repo));
    assert.equal(history.status, 200);
    const text = visibleText(history.body);
    assert.match(text, new RegExp(`${c2} main`));
    assert.match(text, new RegExp(`${c1} v1`));
    assert.match(history.body, new RegExp(`href="${compareUrl(repo, c1, c2)}">compare with newest`));
    const picked = await get(url, `${compareUrl(repo)}?base=v1&head=main`);
    assert.equal(picked.status, 303);
    assert.equal(picked.headers.get('location'), compareUrl(repo, 'v1', 'main'));
    const api = await get(url, `/api/v1/repos/${repo}/history`);
    assert.deepEqual(
      (JSON.parse(api.body) as { snapshots: Array<{ commit: string }> }).snapshots.map((s) => s.commit),
      [c2, c1],
    );
  });

  it('answers bad compare addresses with the right status and a one-line message', async () => {
    const cases: Array<[string, number, RegExp]> = [
      [compareUrl('local/nope', 'v1', 'main'), 404, /no repo &#39;local\/nope&#39;/],
      [`${repoUrl(repo)}/-/compare/v1...nope`, 404, /&#39;nope&#39; names no indexed snapshot/],
      [`${repoUrl(repo)}/-/compare/v1...v1`, 400, /are the same snapshot/],
      [`${repoUrl(repo)}/-/compare/v1..main`, 400, /compare takes &lt;base&gt;...&lt;head&gt;/],
      [`${repoUrl(repo)}/-/compare/v1...main...x`, 400, /compare takes/],
      [`${repoUrl(repo)}/-/compare/v1%2E%2Emain...main`, 400, /contains &#39;..&#39;; give base and head/],
    ];
    for (const [path, status, message] of cases) {
      const r = await get(url, path);
      assert.equal(r.status, status, `${path}: ${r.body.slice(0, 300)}`);
      assert.match(r.body, message, path);
    }
    const api = await get(url, `/api/v1/repos/${repo}/compare/v1...v9`);
    assert.equal(api.status, 404);
    assert.equal((JSON.parse(api.body) as { error: { code: string } }).error.code, 'RefNotFound');
  });

  it('serves any indexed snapshot at repo@commit, and every page links to itself at its commit', async () => {
    const id = 'src/stats.ts::total:function';
    const latest = await get(url, symbolUrl(repo, id));
    assert.match(visibleText(latest.body), /\(xs: number\[\], start = 0\)/);
    assert.match(latest.body, new RegExp(`id="symbol-commit" href="${symbolUrl(`${repo}@${c2}`, id)}"`));
    const pinned = await get(url, symbolUrl(`${repo}@${c1}`, id));
    assert.equal(pinned.status, 200, pinned.body.slice(0, 300));
    assert.match(visibleText(pinned.body), /\(xs: number\[\]\)/);
    assert.doesNotMatch(visibleText(pinned.body), /start = 0/);
    // A pinned page stays pinned: its links carry the pin, and its own permalink names the commit once.
    assert.match(
      pinned.body,
      new RegExp(`href="${symbolUrl(`${repo}@${c1}`, 'src/stats.ts::mean:function')}"`),
    );
    assert.match(pinned.body, new RegExp(`id="symbol-commit" href="${symbolUrl(`${repo}@${c1}`, id)}"`));
    const pinnedRepo = await get(url, repoUrl(`${repo}@${c1}`));
    assert.match(pinnedRepo.body, new RegExp(`href="${blobUrl(`${repo}@${c1}`, 'src/stats.ts')}"`));
    assert.match(pinnedRepo.body, new RegExp(`id="history-link" href="${compareUrl(repo)}"`));
    const byRef = await get(url, `/api/v1/repos/${repo}@v1/-/symbol/${id}`);
    assert.equal((JSON.parse(byRef.body) as { repo: { commit: string } }).repo.commit, c1);
    const file = await get(url, blobUrl(repo, 'src/stats.ts'));
    assert.match(
      file.body,
      new RegExp(`id="file-commit" href="${blobUrl(`${repo}@${c2}`, 'src/stats.ts')}"`),
    );
    const history = await get(url, compareUrl(repo));
    assert.match(history.body, new RegExp(`<a href="${repoUrl(`${repo}@${c1}`)}"`));
    const missing = await get(url, symbolUrl(`${repo}@deadbeef`, id));
    assert.equal(missing.status, 404);
    assert.match(missing.body, /no indexed snapshot of local\/statsrepo at &#39;deadbeef&#39;/);
    const cli = runCli(['show', `${repo}@v1`, 'total', '--json', '--data', data]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { repo: { commit: string } }).repo.commit, c1);
  });

  it('never shows a changed line whose blob fails verification', async () => {
    const latest = (await ws.storage.reader.latestSnapshot(repo))!;
    const sha = (await ws.storage.reader.getFile(latest.id, 'src/stats.ts'))!.blobSha256!;
    corruptBlob(data, sha);
    const r = await get(url, compareUrl(repo, 'v1', 'main'));
    assert.equal(r.status, 200);
    assert.match(r.body, /<div class="error-block" role="alert"><strong>Source not shown:<\/strong>/);
    assert.doesNotMatch(r.body, /let sum = start;/);
    assert.match(visibleText(r.body), /unreadable-source/);
  });
});
