// buildSnapshot is indexing's pure stage: plain file records and facts in, the snapshot's rows and stats out, with no
// database, blob store or git in sight.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { FileRecord } from '../../src/db/storage.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { initPlugins, pluginById } from '../../src/languages/registry.js';
import {
  buildSnapshot,
  type AnalysedFile,
  type SnapshotInput,
} from '../../src/service/indexing/build-snapshot.js';

const SOURCES: Record<string, string> = {
  'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
  'src/total.ts':
    "import { add } from './math';\nexport function total(xs: number[]): number {\n  return xs.reduce(add, 0);\n}\nexport function twice(x: number): number {\n  return add(x, x);\n}\n",
  'src/math.test.ts':
    "import { it } from 'node:test';\nimport { twice } from './total';\nit('doubles', () => {\n  twice(2);\n});\n",
};

function record(path: string, over: Partial<FileRecord> = {}): FileRecord {
  return {
    path,
    blobSha256: 'a'.repeat(64),
    gitOid: 'b'.repeat(40),
    mode: '100644',
    language: path.endsWith('.ts') ? 'typescript' : null,
    size: 10,
    lines: 1,
    eol: 'lf',
    skipReason: null,
    target: null,
    ...over,
  };
}

describe('buildSnapshot', () => {
  let ts: LanguagePlugin;
  before(async () => {
    ts = pluginById('typescript')!;
    await initPlugins([ts]);
  });

  function input(): SnapshotInput {
    const files: FileRecord[] = [
      ...Object.keys(SOURCES).map((p) => record(p)),
      record('README.md'),
      record('src/big.test.ts', { blobSha256: null, lines: null, eol: null, skipReason: 'too-large' }),
      record('src/link.ts', { mode: '120000', blobSha256: null, skipReason: 'symlink', target: 'math.ts' }),
    ];
    const analysed: AnalysedFile[] = Object.entries(SOURCES).map(([path, text]) => ({
      path,
      facts: ts.analyze(path, text),
    }));
    return {
      files,
      analysed,
      pluginOf: (path) => (path.endsWith('.ts') && path !== 'src/link.ts' ? ts : undefined),
      plugins: [ts],
      configs: new Map(),
      testReachDepth: 3,
    };
  }

  it('resolves calls across files and links each function to the test that reaches it', () => {
    const built = buildSnapshot(input());
    const edges = built.rows.edges
      .filter((e) => e.calleeId !== null)
      .map((e) => `${e.callerId} -> ${e.calleeId}`)
      .sort();
    assert.ok(edges.includes('src/total.ts::twice:function -> src/math.ts::add:function'), edges.join('\n'));
    const reach = built.rows.testReach.map((t) => `${t.symbolId} <- ${t.testId} @${t.depth}`).sort();
    assert.ok(
      reach.some(
        (r) => r.startsWith('src/total.ts::twice:function <- src/math.test.ts::') && r.endsWith('@1'),
      ),
      reach.join('\n'),
    );
    assert.ok(
      reach.some((r) => r.startsWith('src/math.ts::add:function <- src/math.test.ts::') && r.endsWith('@2')),
      reach.join('\n'),
    );
    assert.equal(built.testLinks, built.rows.testReach.length);
    assert.equal(built.edges, built.rows.edges.length);
    assert.equal(built.symbols, built.rows.symbols.length);
  });

  it('counts skipped files by reason and lists test files it could not analyse', () => {
    const built = buildSnapshot(input());
    assert.deepEqual(built.stats.filesSkipped, { 'no-language-plugin': 1, 'too-large': 1, symlink: 1 });
    assert.equal(built.stats.filesParsed, 3);
    assert.deepEqual(built.stats.testFilesNotAnalysed, ['src/big.test.ts']);
    assert.equal(built.stats.testFiles, 2);
    assert.equal(built.stats.testFilesAnalysed, 1);
    assert.deepEqual(built.stats.testFrameworks, { 'src/math.test.ts': 'node:test' });
    assert.deepEqual(
      built.rows.files.map((f) => f.path),
      input().files.map((f) => f.path),
      'every file record is kept, in order',
    );
  });

  it('gives the same rows for the same input and lets the facts go', () => {
    const first = input();
    const a = buildSnapshot(first);
    const b = buildSnapshot(input());
    assert.deepEqual(a.rows, b.rows);
    assert.equal(first.analysed.length, 0, 'the facts are released once resolved');
  });
});
