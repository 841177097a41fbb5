import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SnapshotContent, SymbolRecord } from '../../src/db/storage.js';
import { SqliteStorage } from '../../src/db/sqlite-storage.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';

function symbol(path: string, name: string, line: number): SymbolRecord {
  return {
    id: `${path}::${name}:function`,
    path,
    localId: `${name}:function`,
    name,
    qualifiedName: name,
    kind: 'function',
    startLine: line,
    endLine: line + 2,
    signature: '()',
    returnType: null,
    exported: true,
    doc: null,
    parent: null,
  };
}

const stats = {
  filesParsed: 1,
  filesSkipped: {},
  callSites: 1,
  resolvedByReason: { import: 1 },
  unresolvedByReason: {},
  testFiles: 0,
  testFilesAnalysed: 0,
};

function content(names: string[]): SnapshotContent {
  return {
    files: [
      {
        path: 'a.ts',
        blobSha256: 'f'.repeat(64),
        gitOid: 'a'.repeat(40),
        mode: '100644',
        language: 'typescript',
        size: 10,
        lines: 3,
        eol: 'lf',
        skipReason: null,
        target: null,
      },
    ],
    symbols: names.map((n, i) => symbol('a.ts', n, i * 3 + 1)),
    edges: [
      {
        callerId: 'a.ts::main:function',
        calleeId: 'a.ts::helper:function',
        calleeText: 'helper',
        kind: 'call',
        reason: 'same-file',
        confidence: 0.85,
        lines: [2],
      },
      {
        callerId: 'a.ts::main:function',
        calleeId: null,
        calleeText: 'fs.readFileSync',
        kind: 'call',
        reason: 'external:node:fs',
        confidence: null,
        lines: [3],
      },
    ],
    testReach: [{ symbolId: 'a.ts::helper:function', testId: 'a.ts::main:function', depth: 1, confidence: 0.85 }],
    stats,
  };
}

describe('the SQLite storage adapter', () => {
  let dir: string;
  let storage: SqliteStorage;
  before(() => {
    dir = tempDir('sqlite');
    storage = new SqliteStorage(join(dir, 'codehub.db'));
    storage.upsertRepo({ id: 'local/x', source: '/x', gitDir: '/x', webUrl: null });
  });
  after(() => {
    storage.close();
    removeDir(dir);
  });

  it('round-trips symbols, edges, tested-by links and stats of a published snapshot', () => {
    const id = storage.beginSnapshot('local/x', 'c'.repeat(40), null, 'indexer:1');
    assert.equal(storage.latestSnapshot('local/x'), null, 'a building snapshot is not served');
    storage.publishSnapshot(id, content(['main', 'helper']));
    assert.equal(storage.latestSnapshot('local/x')?.id, id);
    assert.deepEqual(
      [
        ...storage.edgesFrom(id, 'a.ts::main:function').map((e) => e.edge),
        ...storage.unresolvedEdgesFrom(id, 'a.ts::main:function'),
      ],
      content([]).edges,
    );
    assert.deepEqual(
      storage.edgesTo(id, 'a.ts::helper:function').map((e) => e.edge.reason),
      ['same-file'],
    );
    assert.deepEqual(
      storage.testsReaching(id, ['a.ts::helper:function']).map((r) => r.reach),
      content([]).testReach,
    );
    const { blobSha256: _blob, ...helper } = storage.getSymbol(id, 'a.ts::helper:function') ?? { blobSha256: null };
    assert.deepEqual(helper, symbol('a.ts', 'helper', 4));
    assert.deepEqual(storage.snapshotStats(id), stats);
  });

  it('rolls back a snapshot whose write fails, leaving the previous one served', () => {
    const before = storage.latestSnapshot('local/x')!;
    const id = storage.beginSnapshot('local/x', 'd'.repeat(40), null, 'indexer:1');
    // Two symbols with one id violate the unique index half-way through the transaction.
    assert.throws(() => storage.publishSnapshot(id, content(['dup', 'dup'])));
    storage.failSnapshot(id, 'boom');
    assert.equal(storage.latestSnapshot('local/x')?.id, before.id);
    assert.deepEqual(storage.listFiles(id), [], 'no row of the failed snapshot is visible');
    assert.equal(storage.discardUnfinishedSnapshots('local/x'), 1);
    assert.deepEqual(
      storage.listSnapshots('local/x').map((s) => s.status),
      ['ready'],
    );
  });
});
