// Corruption: a flipped byte, a truncated blob and a missing blob are detected on the web pages, the API,
// MCP and the CLI, with what to do, and never served as content; `verify --repair` restores them from git.
// A database with overwritten pages (the middle of the files table, every page, the header) gives a clear
// DatabaseCorrupt error, not a stack trace.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  cpSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { mcpCall, rawRequest, serve, writeGeneratedSources, type Served } from './support.js';

const REPO = 'local/repo';

/** A file whose body carries a marker that must never appear in an answer once its blob is damaged. */
function source(name: string): string {
  const body = Array.from(
    { length: 40 },
    (_, i) => `  total += ${i} * ${name.length}; // ${name.toUpperCase()}_MARK_${i}`,
  );
  return `/** ${name} */\nexport function ${name}(): number {\n  let total = 0;\n${body.join('\n')}\n  return total;\n}\n`;
}

const FAULTS = {
  flipped: 'alpha',
  truncated: 'bravo',
  missing: 'charlie',
} as const;
type Fault = keyof typeof FAULTS;

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('damaged blobs', () => {
  let work: string;
  let data: string;
  let hub: Served;
  const blobFile = (name: string): string => {
    const s = sha(source(name));
    return join(data, 'blobs', s.slice(0, 2), s);
  };

  before(async () => {
    work = tempDir('corruption');
    data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    for (const name of Object.values(FAULTS)) repo.write(`src/${name}.ts`, source(name));
    repo.write('src/fine.ts', 'export const fine = 1;\n');
    repo.commit('one');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    const flipped = readFileSync(blobFile(FAULTS.flipped));
    flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
    writeFileSync(blobFile(FAULTS.flipped), flipped);
    const truncated = readFileSync(blobFile(FAULTS.truncated));
    writeFileSync(blobFile(FAULTS.truncated), truncated.subarray(0, Math.floor(truncated.length / 2)));
    rmSync(blobFile(FAULTS.missing));
    hub = await serve(data);
  });
  after(async () => {
    await hub?.stop();
    removeDir(work);
  });

  for (const [fault, name] of Object.entries(FAULTS) as [Fault, string][]) {
    const mark = `${name.toUpperCase()}_MARK_`;
    const advice = /verify --repair/;

    it(`withholds a ${fault} blob on the symbol and file pages, with an error block that says what to do`, async () => {
      for (const path of [`/${REPO}/-/symbol/${name}`, `/${REPO}/-/blob/src/${name}.ts`]) {
        const r = await rawRequest(hub.url, 'GET', path);
        assert.equal(r.status, 200, `${path}: ${r.body.slice(0, 300)}`);
        assert.ok(!r.body.includes(mark), `${path} served the damaged content`);
        assert.match(r.body, /id="source-error"/, path);
        assert.match(r.body, advice, `${path} says how to repair`);
      }
    });

    it(`reports a ${fault} blob through the API without its text`, async () => {
      const r = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/blob/src/${name}.ts`);
      const view = JSON.parse(r.body);
      assert.ok(!r.body.includes(mark));
      assert.equal(view.text, null);
      assert.equal(view.verified, false);
      assert.match(view.error, advice);
    });

    it(`answers MCP get_symbol and get_source on a ${fault} blob with an error result, not content`, async () => {
      for (const [tool, args] of [
        ['get_symbol', { repo: REPO, symbol: name }],
        ['get_source', { repo: REPO, path: `src/${name}.ts` }],
      ] as const) {
        const { res, result } = await mcpCall(hub.url, tool, args);
        assert.equal(res.status, 200);
        assert.ok(!res.body.includes(mark), `${tool} served the damaged content`);
        assert.equal(result.isError, true, `${tool}: ${res.body.slice(0, 300)}`);
        assert.match(result.content[0]!.text, /Blob(HashMismatch|Missing)/);
        assert.match(result.content[0]!.text, advice);
      }
    });

    it(`refuses a ${fault} blob on the CLI (cat, show) with exit code 3 and one line of advice`, () => {
      for (const args of [
        ['cat', REPO, `src/${name}.ts`],
        ['show', REPO, name],
      ]) {
        const r = runCli([...args, '--data', data]);
        assert.ok(!r.stdout.includes(mark), `${args[0]} printed the damaged content`);
        assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
        // cat prints only the error; show prints the symbol's facts with the error in place of the source.
        assert.match(args[0] === 'show' ? r.stdout : r.stderr, advice);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
    });
  }

  it('finds every damaged blob with verify and restores them from git with verify --repair', async () => {
    await hub.stop();
    const before = runCli(['verify', '--data', data, '--json']);
    assert.equal(before.code, 3);
    const report = JSON.parse(before.stdout);
    assert.deepEqual(
      [...report.corrupt].sort(),
      [sha(source(FAULTS.flipped)), sha(source(FAULTS.truncated))].sort(),
    );
    assert.deepEqual(report.missing, [sha(source(FAULTS.missing))]);
    const repair = runCli(['verify', '--repair', '--data', data, '--json']);
    assert.equal(repair.code, 0, repair.stdout + repair.stderr);
    assert.equal(JSON.parse(repair.stdout).repaired.length, 3);
    for (const name of Object.values(FAULTS)) {
      const cat = runCli(['cat', REPO, `src/${name}.ts`, '--data', data]);
      assert.equal(cat.code, 0, cat.stderr);
      assert.equal(cat.stdout, source(name));
    }
    assert.equal(runCli(['verify', '--data', data]).code, 0);
  });
});

describe('a database file with corrupted pages', () => {
  let work: string;
  let data: string;

  before(() => {
    work = tempDir('dbcorrupt');
    data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    writeGeneratedSources(repo, 30, 1);
    repo.commit('one');
    const r = runCli(['index', repo.dir, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => removeDir(work));

  /** Copies the data dir and overwrites `pages` pages from the middle of the database file with garbage. */
  function corruptCopy(label: string, at: (pages: number, filePages: number[]) => number[]): string {
    const copy = join(work, label);
    cpSync(data, copy, { recursive: true });
    const db = join(copy, 'codehub.db');
    const pageSize = 4096;
    const pages = Math.floor(statSync(db).size / pageSize);
    assert.ok(pages > 8, `database has ${pages} pages`);
    // Pages of the segments table (files rows; 0-based offsets), which `codehub files` reads in full.
    const reader = new Database(db, { readonly: true });
    const filePages = (
      reader.prepare(`SELECT pageno FROM dbstat WHERE name = 'segments' ORDER BY pageno`).all() as Array<{
        pageno: number;
      }>
    ).map((r) => r.pageno - 1);
    reader.close();
    assert.ok(filePages.length > 0, 'the segments table has pages');
    const fd = openSync(db, 'r+');
    const junk = Buffer.alloc(pageSize, 0xa5);
    for (const p of at(pages, filePages)) writeSync(fd, junk, 0, pageSize, p * pageSize);
    closeSync(fd);
    return copy;
  }

  for (const [label, at] of [
    // The middle of a table a command reads in full: where else pages sit depends on the schema and the data.
    [
      'pages in the middle of the segments table (files rows)',
      (_n: number, filePages: number[]) =>
        filePages.slice(Math.max(0, Math.floor(filePages.length / 2) - 1)).slice(0, 3),
    ],
    ['every page past the first', (n: number) => Array.from({ length: n - 1 }, (_, i) => i + 1)],
    ['the header page', () => [0]],
  ] as const) {
    it(`gives a clear DatabaseCorrupt error on the CLI (exit 9, no stack trace) for ${label}`, () => {
      const copy = corruptCopy(label.replace(/\s/g, '-'), at);
      const outcomes = [
        runCli(['repos', '--data', copy]),
        runCli(['show', REPO, 'work1', '--data', copy]),
        runCli(['files', REPO, '--data', copy]),
      ];
      let corruptSeen = 0;
      for (const r of outcomes) {
        assert.doesNotMatch(r.stderr, /\n\s+at /, `no stack trace: ${r.stderr}`);
        if (r.code === 0) continue; // pages that query never touches may be damaged without harm to it
        assert.equal(r.code, 9, r.stderr);
        assert.match(r.stderr, /DatabaseCorrupt|corrupt/);
        assert.match(r.stderr, /re-index|restore|delete/i, 'says what to do');
        corruptSeen++;
      }
      assert.ok(corruptSeen > 0, 'the damage is detected by at least one command');
    });
  }

  it('answers pages, API and MCP on a database with corrupted pages with a DatabaseCorrupt error and advice', async (t) => {
    const copy = corruptCopy('served', (n) => Array.from({ length: n - 1 }, (_, i) => i + 1));
    let hub: Served | null = null;
    try {
      hub = await serve(copy);
    } catch (err) {
      // Refusing to start is a clear outcome too, as long as it is the corruption that is named.
      assert.match(String(err), /corrupt/);
      t.diagnostic(`serve refused to start: ${String(err).split('\n')[0]}`);
      return;
    }
    try {
      for (const path of [
        '/',
        `/${REPO}`,
        `/${REPO}/-/symbol/work1`,
        '/api/v1/repos',
        `/api/v1/repos/${REPO}/-/symbol/work1`,
      ]) {
        const r = await rawRequest(hub.url, 'GET', path);
        assert.equal(r.status, 500, `${path}: ${r.status}`);
        assert.match(r.body, /corrupt/i, path);
        assert.match(r.body, /re-index/, `${path} says what to do`);
      }
      const { result } = await mcpCall(hub.url, 'get_symbol', { repo: REPO, symbol: 'work1' });
      assert.equal(result.isError, true);
      assert.match(result.content[0]!.text, /Error \[DatabaseCorrupt\].*re-index/);
    } finally {
      await hub.stop();
    }
  });
});
