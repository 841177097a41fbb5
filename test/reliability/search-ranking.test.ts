// Search ranking through the real thing: a git fixture indexed by the CLI and served by `codehub serve`, asked over
// the JSON API, the search page and MCP. A name that matches in a closer way ranks first, whatever its callers:
// exact, then prefix, then camel humps, then substring; callers order the hits within one tier.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { mcpCall, rawRequest, serve, type Served } from './support.js';

/** The hits for `sDF`, best first, with the tier each one matched in. */
const EXPECTED_SDF: Array<[name: string, match: string]> = [
  ['sdf', 'exact'],
  ['sdfParser', 'prefix'],
  ['startDesktopFlowRunner', 'humps'],
  ['startDesktopFlow', 'humps'],
  ['usdFormatter', 'substring'],
];

describe('search ranking', () => {
  let work: string;
  let hub: Served;

  before(async () => {
    work = tempDir('search-ranking');
    const data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    repo.write(
      'src/money.ts',
      [
        '/** Formats cents as US dollars. */',
        'export function usdFormatter(cents: number): string {',
        '  return `$${(cents / 100).toFixed(2)}`;',
        '}',
        '',
      ].join('\n'),
    );
    repo.write(
      'src/desktop.ts',
      [
        'export function startDesktopFlow(id: string): string {',
        '  return id;',
        '}',
        '',
        'export function startDesktopFlowRunner(id: string): string {',
        '  return startDesktopFlow(id);',
        '}',
        '',
        'export function sdf(): string {',
        "  return 'sdf';",
        '}',
        '',
        'export function sdfParser(text: string): string[] {',
        "  return text.split(',');",
        '}',
        '',
      ].join('\n'),
    );
    // usdFormatter has the most callers, startDesktopFlowRunner more than startDesktopFlow.
    repo.write(
      'src/checkout.ts',
      [
        "import { usdFormatter } from './money.js';",
        "import { startDesktopFlowRunner } from './desktop.js';",
        '',
        'export function total(cents: number): string {',
        '  return usdFormatter(cents);',
        '}',
        '',
        'export function receipt(cents: number): string {',
        '  return usdFormatter(cents) + usdFormatter(0);',
        '}',
        '',
        'export function refund(cents: number): string {',
        '  return usdFormatter(-cents);',
        '}',
        '',
        'export function launch(): string {',
        "  return startDesktopFlowRunner('a');",
        '}',
        '',
        'export function relaunch(): string {',
        "  return startDesktopFlowRunner('b');",
        '}',
        '',
      ].join('\n'),
    );
    repo.commit('money and desktop flows');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    hub = await serve(data);
  });
  after(async () => {
    await hub?.stop();
    removeDir(work);
  });

  it('ranks sDF exact, then prefix, then camel humps, then substring, with callers ordering each tier, on the API', async () => {
    const r = await rawRequest(hub.url, 'GET', '/api/v1/search?q=sDF');
    assert.equal(r.status, 200, r.body);
    const hits = JSON.parse(r.body).results as Array<{ name: string; match: string; callers: number }>;
    assert.deepEqual(
      hits.map((h) => [h.name, h.match]),
      EXPECTED_SDF,
      hits.map((h) => `${h.name} ${h.match} ${h.callers} callers`).join('; '),
    );
    const callers = new Map(hits.map((h) => [h.name, h.callers]));
    // The tier wins over callers: the substring match has the most callers and still comes last.
    assert.ok(
      callers.get('usdFormatter')! > callers.get('startDesktopFlowRunner')!,
      'usdFormatter has the most callers',
    );
    assert.ok(
      callers.get('startDesktopFlowRunner')! > callers.get('startDesktopFlow')!,
      'callers order the humps tier',
    );
  });

  it('lists every startDesktopFlow above usdFormatter on the search page and in MCP search_symbols', async () => {
    const page = await rawRequest(hub.url, 'GET', '/search?q=sDF');
    assert.equal(page.status, 200);
    const names = [...page.body.matchAll(/<span class="hit-name">([^<]+)<\/span>/g)].map((m) => m[1]);
    assert.deepEqual(
      names,
      EXPECTED_SDF.map(([name]) => name),
    );

    const { res, result } = await mcpCall(hub.url, 'search_symbols', { query: 'sDF' });
    assert.equal(res.status, 200, res.body);
    assert.notEqual(result.isError, true, result.content[0]?.text);
    const mcpHits = result.structuredContent.hits as Array<{ name: string; match: string }>;
    assert.deepEqual(
      mcpHits.map((h) => [h.name, h.match]),
      EXPECTED_SDF,
    );
  });
});
