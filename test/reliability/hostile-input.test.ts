// Hostile and odd input: files, names, repositories, paths, queries and requests that a careless hub
// would crash on, hang on or serve unescaped. Each gets a clear answer (or a recorded skip reason).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRepo, git, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { mcpCall, rawRequest, serve, type Served } from './support.js';

const REPO = 'local/repo';
const HTML_NAME = '<img src=x onerror=alert(1)>.ts';
const ODD_NAMES = ['dir with spaces/file name.ts', 'unicodé/日本語.ts', 'new\nline.ts', HTML_NAME];
const NUL_FREE_BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
const TIMEOUT_MS = 1500;

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

interface FileJson {
  path: string;
  skipReason: string | null;
  blobSha256: string | null;
}

describe('hostile and odd input', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  let hub: Served;
  let files: Map<string, FileJson>;

  before(async () => {
    work = tempDir('hostile');
    data = join(work, 'data');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo.write('ok.ts', 'export function ok(): number {\n  return 1;\n}\n');
    repo.write('binary.bin', NUL_FREE_BINARY);
    repo.write('huge.ts', `export const huge = [\n${'  1,\n'.repeat(400_000)}];\n`); // ~2 MB, over the 1 MiB default
    repo.write(
      'minified.js',
      `${'function m(a){return a&&m(a-1)+1};var q=[1,2,3].map(function(x){return x*2});'.repeat(6000)}\n`,
    );
    repo.write('deep-array.ts', `export const deep = ${'['.repeat(10_000)}${']'.repeat(10_000)};\n`);
    repo.write(
      'deep-calls.ts',
      `export function f(x: unknown): unknown { return x; }\nexport const d = ${'f('.repeat(10_000)}1${')'.repeat(10_000)};\n`,
    );
    repo.write(
      'deep-blocks.ts',
      `export function nest(): void {\n${'{'.repeat(10_000)}${'}'.repeat(10_000)}\n}\n`,
    );
    repo.write(
      'invalid-utf8.ts',
      Buffer.concat([
        Buffer.from('export const a = "'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('";\n'),
      ]),
    );
    repo.write('bom.ts', '\uFEFFexport function bomFn(): number {\n  return 2;\n}\n');
    repo.write('crlf.ts', 'export function crlfFn(): number {\r\n  return 3;\r\n}\r\n');
    repo.write(
      'mixed.ts',
      'export function mixedA(): number {\n  return 4;\r\n}\rexport function mixedB(): number {\r\n  return 5;\n}\n',
    );
    for (const name of ODD_NAMES)
      repo.write(name, `export function odd${ODD_NAMES.indexOf(name)}(): string {\n  return 'odd';\n}\n`);
    repo
      .symlink('loop-a', 'loop-b')
      .symlink('loop-b', 'loop-a')
      .symlink('escape.ts', '../../../../etc/passwd');
    repo.commit('odd files');
    const sub = FixtureRepo.init(join(work, 'sub'));
    sub.write('s.ts', 'export {};\n');
    const subCommit = sub.commit('sub');
    git(repo.dir, 'update-index', '--add', '--cacheinfo', `160000,${subCommit},vendor/sub`);
    git(repo.dir, 'commit', '-q', '-m', 'add submodule');
    const r = runCli(['index', repo.dir, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const listed = runCli(['files', REPO, '--data', data, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    files = new Map((JSON.parse(listed.stdout).files as FileJson[]).map((f) => [f.path, f]));
    hub = await serve(data, [], { CODEHUB_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) });
  });
  after(async () => {
    await hub?.stop();
    removeDir(work);
  });

  it('indexes binary, huge, minified, 10,000-deep, invalid UTF-8, BOM, CRLF and mixed-EOL files without failing', () => {
    assert.equal(files.get('binary.bin')?.skipReason, 'binary');
    assert.equal(files.get('huge.ts')?.skipReason, 'too-large');
    assert.equal(files.get('invalid-utf8.ts')?.skipReason, 'invalid-utf8');
    for (const p of [
      'minified.js',
      'deep-array.ts',
      'deep-calls.ts',
      'deep-blocks.ts',
      'bom.ts',
      'crlf.ts',
      'mixed.ts',
    ])
      assert.ok(files.get(p)?.blobSha256, `${p} is stored`);
    for (const name of ODD_NAMES) assert.ok(files.has(name), `${JSON.stringify(name)} is listed`);
    assert.ok(files.has('loop-a') && files.has('escape.ts') && files.has('vendor/sub'));
    assert.equal(files.get('vendor/sub')?.blobSha256, null, 'a submodule has no stored content');
    assert.equal(files.get('escape.ts')?.blobSha256, null, 'a symlink is never followed');
  });

  it('serves a page for every odd file, escaping names and never following symlinks', async () => {
    for (const path of files.keys()) {
      const r = await rawRequest(hub.url, 'GET', `/${REPO}/-/blob/${encodePath(path)}`);
      assert.equal(r.status, 200, `${JSON.stringify(path)}: ${r.status} ${r.body.slice(0, 200)}`);
      assert.ok(!r.body.includes('<img src=x'), 'an HTML file name is escaped');
      assert.ok(!r.body.includes('root:x:0:0'), 'a symlink out of the repo is not followed');
    }
  });

  it('keeps line numbers right for BOM, CRLF and mixed line endings', async () => {
    // Lines as git and a reader count them: only \n ends a line, so a lone \r does not start mixedB's line.
    for (const [name, line] of [
      ['bomFn', 1],
      ['crlfFn', 1],
      ['mixedA', 1],
      ['mixedB', 3],
    ] as const) {
      const r = await rawRequest(hub.url, 'GET', `/api/v1/repos/${REPO}/-/symbol/${name}`);
      assert.equal(r.status, 200, r.body);
      const show = JSON.parse(r.body);
      assert.equal(show.symbol.startLine, line, name);
      assert.ok(show.source.verified);
      assert.match(
        show.source.lines[show.symbol.startLine - show.source.startLine],
        new RegExp(`function ${name}\\(`),
        `${name}: the shown line is the symbol's`,
      );
    }
  });

  it('refuses ../ in page URLs, API paths and MCP arguments with a clear error, leaking nothing', async () => {
    for (const path of [
      `/${REPO}/-/blob/../../../../etc/passwd`,
      `/${REPO}/-/blob/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `/${REPO}/-/blob/..%2f..%2f..%2fetc%2fpasswd`,
      `/api/v1/repos/${REPO}/-/blob/../../../../etc/passwd`,
      `/api/v1/repos/${REPO}/-/blob/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/api/v1/repos/${REPO}/-/files?prefix=../../`,
      '/-/static/../../package.json',
      '/../../../../etc/passwd',
    ]) {
      const r = await rawRequest(hub.url, 'GET', path);
      assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
      assert.ok(!r.body.includes('root:x:0:0') && !r.body.includes('"devDependencies"'), path);
    }
    for (const [tool, args] of [
      ['get_source', { repo: REPO, path: '../../../../etc/passwd' }],
      ['get_source', { repo: `${REPO}/../../x`, path: 'ok.ts' }],
      ['get_symbol', { repo: REPO, symbol: '../../etc/passwd:1' }],
    ] as const) {
      const { res, result } = await mcpCall(hub.url, tool, args);
      assert.equal(res.status, 200);
      assert.equal(result.isError, true, `${tool} ${JSON.stringify(args)}: ${res.body.slice(0, 200)}`);
      assert.doesNotMatch(result.content[0]!.text, /Internal|root:x/);
    }
    const cat = runCli(['cat', REPO, '../../../../etc/passwd', '--data', data]);
    assert.notEqual(cat.code, 0);
    assert.equal(cat.stdout, '');
    assert.doesNotMatch(cat.stderr, /internal error|\n\s+at /);
  });

  it('refuses repo ids with empty, . or .. segments in page URLs, API paths, MCP arguments and CLI commands as invalid input', async () => {
    for (const path of [
      '/api/v1/repos/local/%2E%2E',
      '/api/v1/repos/x/%2E%2E/y/-/files',
      '/api/v1/repos/%2E%2E/%2E%2E/x/-/symbol/ok',
      `/api/v1/search?q=ok&repo=${encodeURIComponent('../../x')}`,
      `/api/v1/search?q=ok&repo=${encodeURIComponent('local/a/b')}`,
    ]) {
      const r = await rawRequest(hub.url, 'GET', path);
      assert.equal(r.status, 400, `${path}: ${r.status} ${r.body.slice(0, 200)}`);
      assert.equal(JSON.parse(r.body).error.code, 'InvalidInput', path);
    }
    for (const path of [
      '/local/%2E%2E',
      '/x/%2E%2E/y/-/symbol/ok',
      `/search?q=ok&repo=${encodeURIComponent('a//b')}`,
    ]) {
      const r = await rawRequest(hub.url, 'GET', path);
      assert.equal(r.status, 400, `${path}: ${r.status}`);
    }
    for (const repoArg of ['local/..', 'x/./y', '../../x']) {
      const { res, result } = await mcpCall(hub.url, 'get_symbol', { repo: repoArg, symbol: 'ok' });
      assert.equal(res.status, 200);
      assert.equal(result.isError, true, `${repoArg}: ${res.body.slice(0, 200)}`);
      assert.match(result.content[0]!.text, /repo has a '\.{1,2}' segment/, repoArg);
    }
    for (const args of [
      ['files', 'local/..'],
      ['cat', '../../x', 'ok.ts'],
      ['show', 'x/../y', 'ok'],
      ['export', 'local/.'],
    ]) {
      const r = runCli([...args, '--data', data]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.code} ${r.stderr}`);
      assert.match(
        r.stderr,
        /^codehub: repo "[^"]+" has a '\.{1,2}' segment; give host\/owner\/name/,
        args.join(' '),
      );
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    }
  });

  it('answers 10 KB search queries full of regex and SQL metacharacters without a server error', async () => {
    const nasty = `%_*[(\\'"\`;--/*$^.+?{}|)]\0 OR 1=1; DROP TABLE symbols; `.repeat(200).slice(0, 10_240);
    // Percent-encoded, 10 KB of metacharacters is ~30 KB of URL: refused by the URL/header limits (414/431).
    for (const path of [
      `/api/v1/search?q=${encodeURIComponent(nasty)}`,
      `/search?q=${encodeURIComponent(nasty)}`,
    ]) {
      const r = await rawRequest(hub.url, 'GET', path);
      assert.ok([400, 414, 431].includes(r.status), `${path.slice(0, 20)}: ${r.status}`);
    }
    // What fits in a URL reaches the search itself.
    for (const q of [
      nasty.slice(0, 2000),
      nasty.slice(0, 200),
      '%',
      '_',
      '*',
      '[',
      '(',
      "'",
      '"',
      '\\',
      '`',
      'a'.repeat(2000),
    ]) {
      const enc = encodeURIComponent(q);
      const api = await rawRequest(hub.url, 'GET', `/api/v1/search?q=${enc}`);
      assert.ok(api.status === 200 || api.status === 400, `api ${api.status}: ${api.body.slice(0, 200)}`);
      if (api.status === 400) assert.equal(JSON.parse(api.body).error.code, 'InvalidInput');
      const page = await rawRequest(hub.url, 'GET', `/search?q=${enc}`);
      assert.ok(page.status === 200 || page.status === 400, `page ${page.status}`);
    }
    for (const q of [nasty, nasty.slice(0, 200), '%', "'", '[']) {
      const { res, result } = await mcpCall(hub.url, 'search_symbols', { query: q });
      assert.equal(res.status, 200);
      assert.doesNotMatch(result.content[0]!.text, /Internal/);
      if (q.length > 200) assert.equal(result.isError, true, 'an over-long MCP query is a validation error');
    }
    // The tables survived the query text.
    const after = await rawRequest(hub.url, 'GET', `/api/v1/search?q=ok`);
    assert.equal(after.status, 200);
    assert.ok(JSON.parse(after.body).results.some((h: { name: string }) => h.name === 'ok'));
  });

  it('answers malformed, non-JSON-RPC and oversized /mcp bodies with JSON-RPC errors', async () => {
    const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
      rawRequest(
        hub.url,
        'POST',
        '/mcp',
        { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body,
      );
    const bad = await post('{"jsonrpc":"2.0","id":1,"method":');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.code, -32700);
    for (const body of [
      '{"hello":"world"}',
      '[]',
      '[1,2,3]',
      '"text"',
      'null',
      '{"jsonrpc":"2.0","id":{},"method":42}',
    ]) {
      const r = await post(body);
      assert.ok(r.status >= 400 && r.status < 500, `${body}: ${r.status} ${r.body}`);
      assert.ok(JSON.parse(r.body).error, body);
    }
    const unknownTool = await mcpCall(hub.url, 'no_such_tool', {});
    assert.ok(unknownTool.result === undefined || unknownTool.result.isError, unknownTool.res.body);
    const wrongTypes = await mcpCall(hub.url, 'get_symbol', { repo: 42, symbol: ['x'] });
    assert.ok(wrongTypes.result === undefined || wrongTypes.result.isError, wrongTypes.res.body);
    const huge = await post(Buffer.alloc(2 * 1024 * 1024, 0x20));
    assert.equal(huge.status, 413);
    assert.equal(JSON.parse(huge.body).error.code, -32600);
  });

  it('closes a client that sends its headers one byte at a time within the request timeout', async () => {
    const u = new URL(hub.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname);
      const head = `GET / HTTP/1.1\r\nHost: ${u.host}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
      let i = 0;
      let got = '';
      const timer = setInterval(() => {
        if (i < head.length && !socket.destroyed) socket.write(head[i++]!);
      }, 100);
      socket.on('data', (c) => (got += c.toString()));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        if (got.startsWith('HTTP/1.1 2')) reject(new Error('the slow request was answered as if whole'));
        resolve(Date.now() - started);
      });
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error('the server kept a byte-by-byte client open for 20 s'));
      }, 20_000);
    });
    assert.ok(closedAfter >= TIMEOUT_MS * 0.5, `closed after ${closedAfter} ms`);
  });
});

describe('odd repositories and refs', () => {
  let work: string;
  let data: string;

  before(() => {
    work = tempDir('odd-repos');
    data = join(work, 'data');
  });
  after(() => removeDir(work));

  it('indexes a repository whose only commit has no files as an empty snapshot', () => {
    const empty = FixtureRepo.init(join(work, 'empty'));
    empty.commit('nothing');
    const r = runCli(['index', empty.dir, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files, 0);
  });

  it('refuses a repository with no commits with one clear line', () => {
    const none = FixtureRepo.init(join(work, 'none'));
    const r = runCli(['index', none.dir, '--data', data]);
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it('refuses an unknown ref with exit code 5', () => {
    const repo = FixtureRepo.init(join(work, 'refs'));
    repo.write('a.ts', 'export {};\n').commit('one');
    const r = runCli(['index', repo.dir, '--ref', 'no-such-branch', '--data', data]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /no-such-branch/);
  });

  it('indexes a shallow clone (git clone --depth 1 file://…)', () => {
    const origin = FixtureRepo.init(join(work, 'origin'));
    origin.write('a.ts', 'export function a(): number {\n  return 1;\n}\n').commit('one');
    origin.write('b.ts', 'export function b(): number {\n  return 2;\n}\n').commit('two');
    git(work, 'clone', '-q', '--depth', '1', `file://${origin.dir}`, 'shallow');
    const r = runCli(['index', join(work, 'shallow'), '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files, 2);
  });
});

describe('repo ids that would name a path outside the data folder', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;

  /** Every path under the work folder except the data folder's own contents. */
  const outsideData = (): string[] =>
    (readdirSync(work, { recursive: true }) as string[])
      .map((p) => p.split(sep).join('/'))
      .filter((p) => !p.startsWith('nest/data/'))
      .sort();

  before(() => {
    work = tempDir('repo-ids');
    // `x@..:../..` used to become the repo id `../../..`, whose clone folder `repos/../../...git` is nest/...git.
    data = join(work, 'nest', 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(work, 'nest', 'sentinel'), 'keep me\n');
    repo = FixtureRepo.init(join(work, 'checkout'));
    repo.write('a.ts', 'export function a(): number {\n  return 1;\n}\n').commit('one');
  });
  after(() => removeDir(work));

  it('refuses codehub index with a repo id segment that is empty, . or .., or has a path separator, in one line, touching nothing outside the data folder', () => {
    const before = outsideData();
    for (const args of [
      ['x@..:../..'],
      ['git@example.com:acme/..'],
      ['git@example.com:./widgets'],
      ['git@example.com:acme/widgets', '--name', '../../x'],
      [repo.dir, '--name', '../../x'],
      [repo.dir, '--name', 'local/..'],
      [repo.dir, '--name', 'host/./name'],
      [repo.dir, '--name', 'host//name'],
      [repo.dir, '--name', 'host/owner\\..\\..'],
    ]) {
      const r = runCli(['index', ...args, '--data', data]);
      const what = args.join(' ');
      assert.equal(r.code, 2, `${what}: exit ${r.code} ${r.stderr}`);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${what}: ${r.stderr}`);
      assert.match(r.stderr, /'\.{1,2}' segment|empty segment|path separator/, what);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, what);
    }
    assert.deepEqual(outsideData(), before, 'nothing was created or removed outside the data folder');
    assert.equal(existsSync(join(data, 'repos')), false, 'no clone folder was made');
  });

  it("indexes a checkout whose origin remote has '..' parts under its folder name instead", () => {
    const odd = FixtureRepo.init(join(work, 'odd-origin'));
    odd.write('b.ts', 'export const b = 2;\n').commit('one');
    git(odd.dir, 'remote', 'add', 'origin', 'x@..:../..');
    const r = runCli(['index', odd.dir, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).repo, 'local/odd-origin');
  });

  it('refuses a checkout whose folder name would make the repo id local/.., until --name names it', () => {
    const dots = FixtureRepo.init(join(work, '...git'));
    dots.write('c.ts', 'export const c = 3;\n').commit('one');
    const refused = runCli(['index', dots.dir, '--data', data]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stderr.trimEnd().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /"local\/\.\." has a '\.\.' segment; .*pass --name/);
    const named = runCli(['index', dots.dir, '--name', 'local/dots', '--data', data, '--json']);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(JSON.parse(named.stdout).repo, 'local/dots');
  });
});
