/**
 * The symbols-only languages (Rust, C, C++, C#, Ruby, PHP, Kotlin) end to end: each language's fixture is checked
 * against its reviewed golden outline, then all of them are committed to one real git repo, indexed by
 * `codehub index` (real git, real SQLite, analysis in worker threads) and asked through the query service and the
 * served HTTP hub: outlines on the file, symbols in search, languages and coverage on the repo page, "symbols only",
 * Swift skipped with its reason. Bad input (syntax errors, binary-looking, huge and minified files) has its own cases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  allPlugins,
  initPlugins,
  noPluginReason,
  pluginById,
  pluginForPath,
} from '../../src/languages/registry.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { createOutlinePlugin } from '../../src/languages/outline/outline-plugin.js';
import { MAX_OUTLINE_CHARS } from '../../src/languages/outline/extract-outline.js';
import { OUTLINE_PLUGINS, UNSUPPORTED_LANGUAGES } from '../../src/languages/outline/outline-languages.js';
import { rustPlugin } from '../../src/languages/rust/rust-plugin.js';
import { createQueryService } from '../../src/service/query-service.js';
import type { FileView, SearchHit } from '../../src/service/query-types.js';
import { openWorkspace, type Workspace } from '../../src/service/workspace.js';
import { blobUrl, repoUrl } from '../../src/web/urls.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';
import { serveDataDir } from '../support/indexed-fixture.js';
import { get, visibleText } from '../web/served-hub.js';
import { assertFactsInvariants } from './conformance.js';
import { analyseFolder, goldenCases, GOLDEN_FILE, listFiles, renderGolden } from './golden.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const REPO = 'example.com/acme/polyglot';

await initPlugins(allPlugins);

interface Fixture {
  plugin: LanguagePlugin;
  /** Repo-relative path in the indexed repo → the fixture file on disk. */
  files: Array<{ repoPath: string; diskPath: string }>;
  /** The reviewed outline: `qualifiedName:kind` and lines per file, read from the golden file. */
  outline: Map<string, string[]>;
}

/** The golden file's symbol lines per source file, as `localId start-end`. */
function goldenOutline(expected: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of expected.split('\n')) {
    if (line.startsWith('== edges')) break;
    const file = /^== (\S+)/.exec(line);
    if (file) out.set(file[1]!, (current = []));
    else if (current && line.startsWith('  ')) {
      const [localId, lines] = line.trim().split(/\s{2,}/);
      current.push(`${localId} ${lines}`);
    }
  }
  return out;
}

const fixtures: Fixture[] = OUTLINE_PLUGINS.map((plugin) => {
  const dir = join(root, 'src/languages', plugin.id, 'fixtures/outline');
  return {
    plugin,
    files: listFiles(dir).map((p) => ({ repoPath: `${plugin.id}/${p}`, diskPath: join(dir, p) })),
    outline: goldenOutline(readFileSync(join(dir, GOLDEN_FILE), 'utf8')),
  };
});

describe('outline golden fixtures', () => {
  for (const plugin of OUTLINE_PLUGINS) {
    for (const c of goldenCases(root, `src/languages/${plugin.id}/fixtures`)) {
      it(`${plugin.id}: matches the reviewed outline and name-only edges of the ${c.name} case`, () => {
        const actual = renderGolden(analyseFolder(plugin, c.sourceDir));
        assert.equal(actual, readFileSync(c.expectedPath, 'utf8'));
      });
    }
  }
});

describe('the grammars of the symbols-only languages', () => {
  it('each load from node_modules with their tags query and outline a definition', () => {
    const probes: Record<string, [string, string]> = {
      rust: ['fn probe() {}\n', 'probe:function'],
      c: ['int probe(void) { return 0; }\n', 'probe:function'],
      cpp: ['int probe() { return 0; }\n', 'probe:function'],
      csharp: ['class Probe { void Run() { } }\n', 'Probe.Run:method'],
      ruby: ['def probe\nend\n', 'probe:function'],
      php: ['<?php\nfunction probe() {}\n', 'probe:function'],
      kotlin: ['fun probe() {}\n', 'probe:function'],
    };
    assert.deepEqual(OUTLINE_PLUGINS.map((p) => p.id).sort(), Object.keys(probes).sort());
    for (const plugin of OUTLINE_PLUGINS) {
      const [text, localId] = probes[plugin.id]!;
      const facts = plugin.analyze(`probe${plugin.extensions[0]}`, text);
      assert.equal(facts.skipped, undefined, plugin.id);
      assert.deepEqual(facts.diagnostics, [], plugin.id);
      assert.ok(
        facts.symbols.some((s) => s.localId === localId),
        `${plugin.id}: ${facts.symbols.map((s) => s.localId).join(', ')}`,
      );
      assert.equal(plugin.depth, 'symbols');
      assert.equal(pluginForPath(`src/x${plugin.extensions[0]}`), plugin);
    }
  });

  it('records Swift as skipped with the reason no grammar loads, not as no-language-plugin', () => {
    assert.equal(pluginForPath('Sources/App.swift'), undefined);
    assert.match(noPluginReason('Sources/App.swift'), /^no-grammar: swift \(.*web-tree-sitter 0\.27\)$/);
    assert.deepEqual(
      UNSUPPORTED_LANGUAGES.map((u) => u.id),
      ['swift'],
    );
    assert.equal(noPluginReason('README.md'), 'no-language-plugin');
  });
});

describe('bad input to a symbols-only plug-in', () => {
  it('outlines the definitions around a syntax error and reports it as a diagnostic', () => {
    const text = 'fn before() {}\n\nfn broken( -> {\n\nstruct After {\n    x: u32,\n}\n';
    const facts = rustPlugin.analyze('src/lib.rs', text);
    assertFactsInvariants(facts, text);
    assert.ok(facts.symbols.some((s) => s.qualifiedName === 'before'));
    assert.ok(facts.diagnostics.some((d) => d.severity === 'error' && /syntax error/.test(d.message)));
    assert.equal(facts.skipped, undefined);
  });

  it('skips binary-looking text with its reason instead of outlining garbage', () => {
    const text = 'fn a() {}\n\u0000\u0001\u0002binary';
    const facts = rustPlugin.analyze('src/blob.rs', text);
    assertFactsInvariants(facts, text);
    assert.equal(facts.skipped, 'binary-looking content');
    assert.deepEqual(
      facts.symbols.map((s) => s.kind),
      ['module'],
    );
  });

  it('skips a file larger than it outlines, and a minified one, each with its reason', () => {
    const huge = 'fn f() {}\n'.repeat(MAX_OUTLINE_CHARS / 10 + 1);
    assert.equal(rustPlugin.analyze('src/huge.rs', huge).skipped, 'too large to outline');
    const minified = `<?php ${'f();'.repeat(60_000)}\n`;
    const php = pluginById('php')!;
    assert.equal(php.analyze('vendor/min.php', minified).skipped, 'generated or minified');
  });

  it('outlines a large but ordinary file in full', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `fn f${i}() {\n    f${i + 1}();\n}\n`).join('');
    const facts = rustPlugin.analyze('src/big.rs', text);
    assert.equal(facts.skipped, undefined);
    assert.equal(facts.symbols.length, 5001);
    assert.equal(facts.callSites.length, 5000);
  });

  it('gives a recorded skip, not a crash, when analysed before its grammar was loaded', () => {
    const cold = createOutlinePlugin({
      id: 'rust',
      extensions: ['.rs'],
      analyzerVersion: 'cold',
      grammar: { pkg: 'tree-sitter-rust', wasm: 'tree-sitter-rust.wasm' },
      tags: { pkg: 'tree-sitter-rust', file: 'queries/tags.scm' },
    });
    const facts = cold.analyze('src/lib.rs', 'fn a() {}\n');
    assert.match(facts.skipped ?? '', /grammar is not loaded/);
  });

  it('fails init with a clear error when a grammar package ships no such query', async () => {
    const missing = createOutlinePlugin({
      id: 'rust',
      extensions: ['.rs'],
      analyzerVersion: 'missing',
      grammar: { pkg: 'tree-sitter-rust', wasm: 'tree-sitter-rust.wasm' },
      tags: { pkg: 'tree-sitter-rust', file: 'queries/no-such-tags.scm' },
    });
    await assert.rejects(missing.init!(), /no-such-tags\.scm/);
  });
});

describe('a repo of every symbols-only language, indexed and served', () => {
  let work = '';
  let dataDir = '';
  let ws: Workspace;
  let server: { url: string; child: ChildProcess; output: () => string } | null = null;

  before(async () => {
    work = tempDir('outline-langs');
    const repoDir = join(work, 'repo');
    dataDir = join(work, 'data');
    const repo = FixtureRepo.init(repoDir);
    for (const f of fixtures)
      for (const file of f.files) repo.write(file.repoPath, readFileSync(file.diskPath));
    repo.write('swift/Sources/App.swift', 'func main() {\n    print("hi")\n}\n');
    repo.write('ruby/broken.rb', 'def fine\n  1\nend\n\ndef broken(\n');
    repo.write('c/blob.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00, 0x00, 0x10]));
    repo.write('rust/generated.rs', `// generated\n${'fn g() {}\n'.repeat(120_000)}`);
    repo.commit('polyglot');
    const r = runCli(['index', repoDir, '--data', dataDir, '--name', REPO, '--workers', '2']);
    assert.equal(r.code, 0, r.stderr);
    ws = openWorkspace(dataDir);
    server = await serveDataDir(dataDir);
  });

  after(async () => {
    if (server && server.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => server!.child.once('exit', () => resolve()));
      server.child.kill('SIGTERM');
      await exited;
    }
    await ws?.close();
    if (work) removeDir(work);
  });

  it('counts each language on the repo page, lists them as symbols only, and never as no-language-plugin', async () => {
    const overview = await createQueryService(ws).getRepo(REPO);
    for (const f of fixtures) {
      const sources = f.files.filter((x) => pluginForPath(x.repoPath) === f.plugin).length;
      const extra = f.plugin.id === 'ruby' || f.plugin.id === 'c' || f.plugin.id === 'rust' ? 1 : 0;
      assert.equal(overview.summary.languages[f.plugin.id], sources + extra, f.plugin.id);
    }
    assert.deepEqual(overview.symbolsOnly, ['c', 'cpp', 'csharp', 'kotlin', 'php', 'ruby', 'rust']);
    const skipped = overview.coverage.filesSkipped;
    assert.equal(skipped['no-language-plugin'], undefined, JSON.stringify(skipped));
    assert.equal(skipped[noPluginReason('a.swift')], 1);
    assert.equal(skipped['binary'], 1);
    assert.equal(skipped['too-large'], 1);
    assert.ok((overview.coverage.resolvedByReason['name-only'] ?? 0) > 0, 'name-only candidates are counted');
    assert.ok((overview.coverage.unresolvedByReason['unknown'] ?? 0) > 0);

    const page = await get(server!.url, repoUrl(REPO));
    assert.equal(page.status, 200);
    const text = visibleText(page.body);
    assert.match(text, /symbols only: c, cpp, csharp, kotlin, php, ruby, rust/);
    assert.ok(text.includes(`skipped: ${noPluginReason('a.swift')}`), 'the Swift reason is shown');
    for (const f of fixtures) assert.ok(text.includes(f.plugin.id), f.plugin.id);
  });

  it('shows each fixture file with its reviewed outline (names, kinds, lines), through the API and the file page', async () => {
    for (const f of fixtures) {
      for (const file of f.files) {
        const local = file.repoPath.slice(f.plugin.id.length + 1);
        const want = f.outline.get(local);
        if (!want) continue;
        const r = await get(server!.url, `/api/v1/repos/${REPO}/-/blob/${file.repoPath}`);
        assert.equal(r.status, 200, `${file.repoPath}: ${r.body.slice(0, 300)}`);
        const view = JSON.parse(r.body) as FileView;
        const got = view.symbols.map((s) => `${s.qualifiedName}:${s.kind} ${s.startLine}-${s.endLine}`);
        const expected = want.map((w) => w.replace(/~\d+ /, ' '));
        assert.deepEqual(got.sort(), expected.sort(), file.repoPath);
        const html = await get(server!.url, blobUrl(REPO, file.repoPath));
        assert.equal(html.status, 200);
        for (const s of view.symbols)
          if (s.kind !== 'module')
            assert.ok(html.body.includes(s.qualifiedName), `${file.repoPath} page: ${s.qualifiedName}`);
      }
    }
  });

  it('keeps the outline around a syntax error in an indexed file', async () => {
    const view = await createQueryService(ws).getFile(REPO, 'ruby/broken.rb');
    assert.ok(view.symbols.some((s) => s.qualifiedName === 'fine' && s.kind === 'function'));
  });

  it('finds their symbols in search, by name and by qualified name', async () => {
    const cases: Array<[string, string, string]> = [
      ['restock', 'rust/inventory.rs', 'Inventory.restock'],
      ['queue_push', 'c/queue.c', 'queue_push'],
      ['total_area', 'cpp/shapes.cpp', 'geo.total_area'],
      ['Post', 'csharp/Ledger.cs', 'Accounts.Ledger.Post'],
      ['log_added', 'ruby/library.rb', 'Library.Shelf.log_added'],
      ['log_line', 'php/Cart.php', 'log_line'],
      ['register', 'kotlin/Orders.kt', 'Registry.register'],
    ];
    for (const [q, path, qualifiedName] of cases) {
      const r = await get(
        server!.url,
        `/api/v1/search?q=${encodeURIComponent(q)}&repo=${encodeURIComponent(REPO)}`,
      );
      assert.equal(r.status, 200);
      const hits = (JSON.parse(r.body) as { results: SearchHit[] }).results;
      assert.ok(
        hits.some((h) => h.path === path && h.qualifiedName === qualifiedName),
        `${q}: ${hits.map((h) => `${h.path}#${h.qualifiedName}`).join(', ')}`,
      );
    }
  });

  it('links a call to a name defined once as a name-only candidate, at the language confidence', async () => {
    const shown = await createQueryService(ws).show(REPO, 'Inventory.price');
    const callee = shown.callees.find((c) => c.qualifiedName === 'total_units');
    assert.equal(callee?.reason, 'name-only');
    assert.equal(callee?.confidence, rustPlugin.confidence?.['name-only'] ?? 0.45);
  });
});
