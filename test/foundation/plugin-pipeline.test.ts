import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileFacts, SymbolFact } from '../../src/core/facts.js';
import type { LanguagePlugin, ModuleResolverContext } from '../../src/languages/plugin.js';
import { SqliteEngine } from '../../src/db/sqlite-storage.js';
import { indexRepository } from '../../src/service/indexer.js';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';

/** A toy language: each `def NAME` line declares a function. Records what the indexer hands it. */
function toyPlugin(log: { analysed: string[]; contexts: ModuleResolverContext[] }): LanguagePlugin {
  return {
    id: 'toy',
    extensions: ['.toy'],
    analyzerVersion: '1',
    analyze(path: string, text: string): FileFacts {
      log.analysed.push(path);
      const lines = text.split('\n');
      const symbols: SymbolFact[] = [
        {
          localId: '<module>:module',
          name: path,
          qualifiedName: '<module>',
          kind: 'module',
          startLine: 1,
          endLine: lines.length,
          signature: '',
          returnType: null,
          exported: false,
          doc: null,
          parent: null,
        },
      ];
      lines.forEach((line, i) => {
        const m = /^def (\w+)/.exec(line);
        if (m)
          symbols.push({
            localId: `${m[1]}:function`,
            name: m[1]!,
            qualifiedName: m[1]!,
            kind: 'function',
            startLine: i + 1,
            endLine: i + 1,
            signature: '()',
            returnType: null,
            exported: true,
            doc: null,
            parent: null,
          });
      });
      return {
        path,
        language: 'toy',
        symbols,
        imports: [],
        exports: [],
        callSites: [],
        isTestFile: path.includes('.test.'),
        testFramework: null,
        diagnostics: [],
      };
    },
    isConfigFile: (path) => path.endsWith('toy.json'),
    createModuleResolver(context) {
      log.contexts.push(context);
      return { resolve: () => ({ kind: 'unresolved', reason: 'toy' }) };
    },
  };
}

describe('the indexer with a language plug-in', () => {
  let work: string;
  let repo: FixtureRepo;
  const log = { analysed: [] as string[], contexts: [] as ModuleResolverContext[] };
  const plugin = toyPlugin(log);
  const pluginFor = (p: string): LanguagePlugin | undefined => (p.endsWith('.toy') ? plugin : undefined);

  before(() => {
    work = tempDir('plugin');
    repo = FixtureRepo.init(join(work, 'repo'));
    repo
      .write('a.toy', 'def alpha\ndef beta\n')
      .write('b.toy', 'def gamma\n')
      .write('toy.json', '{"root":"."}\n')
      .write('notes.md', '# n\n');
    repo.commit('one');
  });
  after(() => removeDir(work));

  it('stores symbols, passes wanted config files to the resolver, and re-analyses only changed blobs', async () => {
    const data = join(work, 'data');
    const first = await indexRepository({ dataDir: data, source: repo.dir, pluginFor });
    assert.deepEqual(log.analysed.sort(), ['a.toy', 'b.toy']);
    assert.equal(first.analysedFiles, 2);
    assert.equal(first.symbols, 5);
    const ctx = log.contexts[0]!;
    assert.deepEqual([...ctx.configs], [['toy.json', '{"root":"."}\n']]);
    assert.deepEqual([...ctx.files].sort(), ['a.toy', 'b.toy', 'notes.md', 'toy.json']);

    repo.write('b.toy', 'def gamma\ndef delta\n');
    repo.commit('two');
    log.analysed.length = 0;
    const second = await indexRepository({ dataDir: data, source: repo.dir, pluginFor });
    assert.deepEqual(log.analysed, ['b.toy'], 'a.toy comes from the facts cache');
    assert.equal(second.cachedFiles, 1);
    assert.deepEqual(
      [...log.contexts[1]!.configs.keys()],
      ['toy.json'],
      'config text is read even when its blob is known',
    );

    const storage = new SqliteEngine(join(data, 'codehub.db'));
    try {
      const snap = storage.latestSnapshot('local/repo')!;
      const rows = [...storage.iterateSymbols(snap.id)]
        .filter((s) => s.kind === 'function')
        .map((s) => ({ id: s.id, name: s.name, start_line: s.startLine }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(rows, [
        { id: 'a.toy::alpha:function', name: 'alpha', start_line: 1 },
        { id: 'a.toy::beta:function', name: 'beta', start_line: 2 },
        { id: 'b.toy::delta:function', name: 'delta', start_line: 2 },
        { id: 'b.toy::gamma:function', name: 'gamma', start_line: 1 },
      ]);
      assert.deepEqual(
        storage.searchSymbols(snap.id, { mode: 'substring', q: 'lph', limit: 10 }).map((x) => x.symbol.id),
        ['a.toy::alpha:function'],
      );
      assert.deepEqual(
        storage.searchSymbols(snap.id, { mode: 'substring', q: 'eta', limit: 10 }).map((x) => x.symbol.id),
        ['a.toy::beta:function'],
      );
      assert.deepEqual(
        storage.findSymbolsByName(snap.id, 'delta').map((x) => [x.path, x.startLine]),
        [['b.toy', 2]],
      );
      const file = storage.getFile(snap.id, 'a.toy')!;
      assert.equal(file.language, 'toy');
      assert.equal(storage.snapshotStats(snap.id)?.filesParsed, 2);
    } finally {
      storage.close();
    }
  });

  it('gives the same snapshot incrementally as from scratch', async () => {
    const dump = (data: string): unknown => {
      const storage = new SqliteEngine(join(data, 'codehub.db'));
      try {
        const snap = storage.latestSnapshot('local/repo')!;
        return {
          files: storage.listFiles(snap.id),
          symbols: [...storage.iterateSymbols(snap.id)].sort((a, b) => (a.id < b.id ? -1 : 1)),
          edges: [...storage.iterateEdges(snap.id)],
          stats: storage.snapshotStats(snap.id),
        };
      } finally {
        storage.close();
      }
    };
    const fresh = join(work, 'fresh');
    await indexRepository({ dataDir: fresh, source: repo.dir, pluginFor });
    assert.deepEqual(dump(fresh), dump(join(work, 'data')));
  });
});
