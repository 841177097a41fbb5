/**
 * A hand-built snapshot in a real data dir (SQLite file + FsBlobStore), shaped like the seed page: a service
 * method calling imported helpers, a same-file helper, and methods on a typed field, with a caller, a test,
 * unresolved calls, and a method name (`register`) shared by two classes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SymbolKind } from '../../src/core/facts.js';
import type { Edge, TestReach } from '../../src/core/graph.js';
import { makeLocalId, makeSymbolId } from '../../src/core/ids.js';
import {
  snapshotRows,
  type FileRecord,
  type SnapshotStats,
  type SymbolRecord,
} from '../../src/db/storage.js';
import { openWorkspace, type Workspace } from '../../src/service/workspace.js';

export const REPO = 'github.com/acme/flows';
export const COMMIT = 'c0ffee0000000000000000000000000000000001';

export const FILES: Record<string, string> = {
  'src/helpers.ts':
    [
      'export function helperA(x: number): number {',
      '  return deepHelper(x) + 1;',
      '}',
      '',
      'export function helperB(): void {',
      '  return;',
      '}',
      '',
      'function deepHelper(x: number): number {',
      '  return x * 2;',
      '}',
    ].join('\n') + '\n',
  'src/registry.ts':
    [
      'export class FlowRegistry {',
      '  register(id: string): void {',
      '    void id;',
      '  }',
      '  finish(id: string): void {',
      '    void id;',
      '  }',
      '}',
      '',
      'export class OtherRegistry {',
      '  register(id: string): void {',
      '    void id;',
      '  }',
      '}',
    ].join('\n') + '\n',
  'src/service.ts':
    [
      "import { helperA, helperB } from './helpers.js';",
      "import { FlowRegistry } from './registry.js';",
      '',
      'export class Service {',
      '  private readonly flows = new FlowRegistry();',
      '',
      '  startFlow(id: string): number {',
      '    const n = helperA(1);',
      '    helperB();',
      '    localHelper();',
      '    this.flows.register(id);',
      "    fetch('x');",
      '    this.cb.register(id);',
      '    this.flows.finish(id);',
      '    return n;',
      '  }',
      '}',
      '',
      'function localHelper(): void {',
      '  return;',
      '}',
    ].join('\n') + '\n',
  'src/main.ts':
    [
      "import { Service } from './service.js';",
      '',
      'export function run(): number {',
      "  return new Service().startFlow('a');",
      '}',
    ].join('\n') + '\n',
  'test/service.test.ts':
    [
      "import { describe, it } from 'node:test';",
      "import { Service } from '../src/service.js';",
      '',
      "describe('Service', () => {",
      "  it('starts a flow', () => {",
      "    new Service().startFlow('x');",
      '  });',
      '});',
    ].join('\n') + '\n',
};

type Decl = [
  path: string,
  qualifiedName: string,
  kind: SymbolKind,
  start: number,
  end: number,
  extra?: Partial<SymbolRecord>,
];

const DECLS: Decl[] = [
  [
    'src/helpers.ts',
    'helperA',
    'function',
    1,
    3,
    { signature: '(x: number)', returnType: 'number', exported: true },
  ],
  ['src/helpers.ts', 'helperB', 'function', 5, 7, { exported: true }],
  ['src/helpers.ts', 'deepHelper', 'function', 9, 11],
  ['src/registry.ts', 'FlowRegistry', 'class', 1, 8, { exported: true }],
  ['src/registry.ts', 'FlowRegistry.register', 'method', 2, 4, { parent: 'FlowRegistry:class' }],
  ['src/registry.ts', 'FlowRegistry.finish', 'method', 5, 7, { parent: 'FlowRegistry:class' }],
  ['src/registry.ts', 'OtherRegistry', 'class', 10, 14, { exported: true }],
  ['src/registry.ts', 'OtherRegistry.register', 'method', 11, 13, { parent: 'OtherRegistry:class' }],
  ['src/service.ts', 'Service', 'class', 4, 17, { exported: true }],
  ['src/service.ts', 'Service.flows', 'property', 5, 5, { parent: 'Service:class' }],
  [
    'src/service.ts',
    'Service.startFlow',
    'method',
    7,
    16,
    { signature: '(id: string)', returnType: 'number', parent: 'Service:class' },
  ],
  ['src/service.ts', 'localHelper', 'function', 19, 21],
  ['src/main.ts', 'run', 'function', 3, 5, { exported: true, signature: '()', returnType: 'number' }],
  ['test/service.test.ts', 'Service > starts a flow', 'test', 5, 7],
];

/** Full symbol id of a fixture declaration. */
export function idOf(path: string, qualifiedName: string, kind: SymbolKind): string {
  return makeSymbolId(path, makeLocalId(qualifiedName, kind));
}

export const ID = {
  helperA: idOf('src/helpers.ts', 'helperA', 'function'),
  helperB: idOf('src/helpers.ts', 'helperB', 'function'),
  deepHelper: idOf('src/helpers.ts', 'deepHelper', 'function'),
  register: idOf('src/registry.ts', 'FlowRegistry.register', 'method'),
  otherRegister: idOf('src/registry.ts', 'OtherRegistry.register', 'method'),
  finish: idOf('src/registry.ts', 'FlowRegistry.finish', 'method'),
  service: idOf('src/service.ts', 'Service', 'class'),
  startFlow: idOf('src/service.ts', 'Service.startFlow', 'method'),
  localHelper: idOf('src/service.ts', 'localHelper', 'function'),
  run: idOf('src/main.ts', 'run', 'function'),
  test: idOf('test/service.test.ts', 'Service > starts a flow', 'test'),
};

function edge(
  callerId: string,
  calleeId: string | null,
  calleeText: string,
  reason: Edge['reason'],
  confidence: number | null,
  lines: number[],
  kind: Edge['kind'] = 'call',
): Edge {
  return { callerId, calleeId, calleeText, kind, reason, confidence, lines };
}

export const EDGES: Edge[] = [
  edge(ID.startFlow, ID.helperA, 'helperA', 'import', 0.9, [8]),
  edge(ID.startFlow, ID.helperB, 'helperB', 'import', 0.9, [9]),
  edge(ID.startFlow, ID.localHelper, 'localHelper', 'same-file', 0.85, [10]),
  edge(ID.startFlow, ID.register, 'this.flows.register', 'receiver-typed', 0.8, [11]),
  edge(ID.startFlow, null, 'fetch', 'builtin', null, [12]),
  edge(ID.startFlow, null, 'this.cb.register', 'unknown', null, [13]),
  edge(ID.startFlow, ID.finish, 'this.flows.finish', 'receiver-typed', 0.8, [14]),
  edge(ID.helperA, ID.deepHelper, 'deepHelper', 'same-file', 0.85, [2]),
  edge(ID.run, ID.service, 'Service', 'import', 0.9, [4], 'new'),
  edge(ID.run, ID.startFlow, 'new Service().startFlow', 'receiver-typed', 0.8, [4]),
  edge(ID.test, ID.service, 'Service', 'import', 0.9, [6], 'new'),
  edge(ID.test, ID.startFlow, 'new Service().startFlow', 'receiver-typed', 0.8, [6]),
  edge(ID.test, null, 'it', 'external:node:test', null, [5]),
];

/** FlowRegistry.finish is deliberately left out: the one untested hotspot. */
export const TEST_REACH: TestReach[] = [
  { symbolId: ID.startFlow, testId: ID.test, depth: 1, confidence: 0.8 },
  { symbolId: ID.service, testId: ID.test, depth: 1, confidence: 0.9 },
  { symbolId: ID.helperA, testId: ID.test, depth: 2, confidence: 0.72 },
  { symbolId: ID.helperB, testId: ID.test, depth: 2, confidence: 0.72 },
  { symbolId: ID.localHelper, testId: ID.test, depth: 2, confidence: 0.68 },
  { symbolId: ID.register, testId: ID.test, depth: 2, confidence: 0.64 },
  { symbolId: ID.deepHelper, testId: ID.test, depth: 3, confidence: 0.612 },
];

export const STATS: SnapshotStats = {
  filesParsed: 5,
  filesSkipped: {},
  callSites: 13,
  resolvedByReason: { import: 4, 'same-file': 2, 'receiver-typed': 4 },
  unresolvedByReason: { builtin: 1, unknown: 1, external: 1 },
  testFiles: 1,
  testFilesAnalysed: 1,
};

export interface Fixture {
  dataDir: string;
  ws: Workspace;
  snapshotId: number;
  blobOf: Record<string, string>;
}

/** The file a blob of the fixture's folder store is kept in (`<data>/blobs/ab/<sha256>`), for tests that damage it. */
export function blobFile(dataDir: string, sha256: string): string {
  return join(dataDir, 'blobs', sha256.slice(0, 2), sha256);
}

/** Creates a data dir holding the fixture snapshot; the caller closes `ws`. */
export async function buildFixture(options: { webUrl?: string | null } = {}): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'codehub-query-'));
  const ws = openWorkspace(dataDir);
  const webUrl = options.webUrl === undefined ? 'https://github.com/acme/flows' : options.webUrl;
  await ws.storage.writer.upsertRepo({ id: REPO, source: '/src/flows', gitDir: '/src/flows', webUrl });
  const blobOf: Record<string, string> = {};
  const files: FileRecord[] = [];
  for (const [path, text] of Object.entries(FILES)) {
    const { sha256: sha } = await ws.blobs.put(Buffer.from(text));
    blobOf[path] = sha;
    files.push({
      path,
      blobSha256: sha,
      gitOid: sha.slice(0, 40),
      mode: '100644',
      language: 'typescript',
      size: Buffer.byteLength(text),
      lines: text.split('\n').length - 1,
      eol: 'lf',
      skipReason: null,
      target: null,
    });
  }
  const symbols: SymbolRecord[] = [];
  for (const path of Object.keys(FILES)) {
    const last = (FILES[path] ?? '').split('\n').length - 1;
    symbols.push(symbolRecord(path, '<module>', 'module', 1, last, { name: '<module>' }));
  }
  for (const [path, qn, kind, start, end, extra] of DECLS)
    symbols.push(symbolRecord(path, qn, kind, start, end, extra));
  const snapshotId = await ws.storage.writer.beginSnapshot(REPO, COMMIT, 'main', 'test-1');
  await ws.storage.writer.publishSnapshot(
    snapshotId,
    snapshotRows({
      files,
      symbols,
      edges: EDGES,
      testReach: TEST_REACH,
      stats: STATS,
    }),
  );
  return { dataDir, ws, snapshotId, blobOf };
}

function symbolRecord(
  path: string,
  qualifiedName: string,
  kind: SymbolKind,
  startLine: number,
  endLine: number,
  extra: Partial<SymbolRecord> = {},
): SymbolRecord {
  const localId = makeLocalId(qualifiedName, kind);
  const name =
    kind === 'test'
      ? (qualifiedName.split(' > ').pop() ?? qualifiedName)
      : (qualifiedName.split('.').pop() ?? qualifiedName);
  return {
    id: makeSymbolId(path, localId),
    path,
    localId,
    name,
    qualifiedName,
    kind,
    startLine,
    endLine,
    signature: '',
    returnType: null,
    exported: false,
    doc: null,
    parent: null,
    ...extra,
  };
}
