import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Edge } from '../../src/core/graph.js';
import { calleeMatches, compareWithTruth, type SymbolRange } from '../../src/eval/compare.js';
import { expectedAsTruth } from './fixture.js';

const U = 'src/util.ts';
const S = 'src/service.ts';
const I = 'src/index.ts';

/** codehub-like symbols of eval-small; `format` starts at its JSDoc (line 1), as an indexer may. */
const symbols: SymbolRange[] = [
  sym(U, 'format:function', 1, 4),
  sym(U, 'parse:function', 6, 6),
  sym(U, 'parse:function~2', 7, 7),
  sym(U, 'parse:function~3', 8, 10),
  sym(U, 'double:variable', 12, 12),
  sym(U, 'makeCounter:function', 14, 16),
  sym(U, 'Counter:class', 18, 24),
  sym(U, 'Counter.increment:method', 20, 23),
  sym(S, 'Logger:class', 4, 8),
  sym(S, 'Logger.log:method', 5, 7),
  sym(S, 'Service:class', 10, 29),
  sym(S, 'Service.constructor:constructor', 12, 12),
  sym(S, 'Service.run:method', 14, 20),
  sym(S, 'Service.sum:method', 22, 24),
  sym(S, 'Service.tick:method', 26, 28),
  sym(S, 'main:function', 31, 34),
  sym(I, 'start:function', 6, 9),
];

/** Predicted edges with known verdicts (TP = right, FP = wrong, EX = excluded). */
const edges: Edge[] = [
  edge(S, 'Logger.log:method', U, 'format:function', 'import', 0.9, 6), // TP (JSDoc start tolerated)
  edge(S, 'Service.run:method', S, 'Logger.log:method', 'receiver-typed', 0.8, 15), // TP
  edge(S, 'Service.run:method', S, 'Service.sum:method', 'same-file', 0.85, 16), // TP
  edge(S, 'Service.run:method', U, 'makeCounter:function', 'import', 0.9, 19), // TP
  edge(S, 'Service.run:method', U, 'double:variable', 'import', 0.9, 19), // TP
  edge(S, 'Service.run:method', U, 'parse:function~3', 'import', 0.9, 19), // TP (implementation)
  edge(S, 'Service.run:method', U, 'Counter.increment:method', 'name-only', 0.45, 19), // TP
  edge(S, 'Service.run:method', U, 'format:function', 'name-only', 0.45, 17), // EX: compiler can't resolve done()
  edge(S, 'Service.sum:method', U, 'parse:function', 'import', 0.9, 23), // FP: overload signature, not the implementation
  edge(U, 'format:function', S, 'Service.run:method', 'name-only', 0.45, 3), // FP: name.trim() is String.trim
  edge(S, 'Service.tick:method', U, 'Counter.increment:method', 'receiver-typed', 0.8, 27), // TP, covers both calls
  edge(S, 'main:function', S, 'Service:class', 'same-file', 0.85, 32, 'new'), // TP: class contains its constructor
  edge(S, 'main:function', U, 'Counter:class', 'import', 0.9, 32, 'new'), // TP
  edge(S, 'main:function', S, 'Service.run:method', 'receiver-typed', 0.8, 33), // TP
  edge(I, 'start:function', U, 'double:variable', 'import', 0.9, 8), // TP (namespace member)
  edge(I, '<module>:module', I, 'start:function', 'same-file', 0.85, 11), // TP
  edge(S, 'Service.tick:method', U, 'makeCounter:function', 'name-only', 0.45, 26), // EX: no call starts on line 26
  edge(U, 'parse:function~3', U, 'ghost:function', 'import', 0.9, 9), // EX: callee not in the symbols
  edge('test/x.test.ts', '<module>:module', I, 'start:function', 'import', 0.9, 1), // EX: file outside the truth
  {
    ...edge(S, 'Service.run:method', S, 'x', 'external:not-installed-pkg', 0, 18),
    calleeId: null,
    confidence: null,
  }, // not a prediction
];

const result = compareWithTruth({ edges, symbols, truth: expectedAsTruth(), sampleSize: 2 });

test('overall precision, recall and F1 are computed over judged call sites', () => {
  const o = result.overall;
  assert.equal(o.truthEdges, 22);
  assert.equal(o.predictedSites, 19);
  assert.equal(o.truePositives, 13);
  assert.equal(o.falsePositives, 2);
  assert.equal(o.precision, 13 / 15);
  assert.equal(o.recall, 14 / 22);
  assert.equal(o.f1, (2 * (13 / 15) * (14 / 22)) / (13 / 15 + 14 / 22));
  assert.deepEqual(result.excluded, {
    outOfScope: 1,
    unknownCallee: 1,
    unknown: 1,
    noTruthSite: 1,
    dispatch: 0,
  });
});

test('per-reason scores and the calibration error follow from each reason’s own sites', () => {
  const rows = result.byReason.map((r) => [r.reason, r.sites, r.truePositives, r.falsePositives, r.excluded]);
  assert.deepEqual(rows, [
    ['import', 7, 6, 1, 2],
    ['receiver-typed', 3, 3, 0, 0],
    ['same-file', 3, 3, 0, 0],
    ['name-only', 2, 1, 1, 2],
  ]);
  const byReason = new Map(result.byReason.map((r) => [r.reason, r]));
  assert.equal(byReason.get('import')?.precision, 6 / 7);
  assert.equal(byReason.get('import')?.recall, 6 / 22);
  assert.equal(byReason.get('receiver-typed')?.recall, 4 / 22);
  assert.equal(byReason.get('name-only')?.precision, 0.5);
  assert.equal(byReason.get('name-only')?.recall, 1 / 22);
  const nameOnly = byReason.get('name-only');
  assert.ok(nameOnly);
  assert.equal(nameOnly.f1, (2 * 0.5 * (1 / 22)) / (0.5 + 1 / 22));
  assert.ok(Math.abs(nameOnly.confidence - 0.45) < 1e-12);
  assert.ok(Math.abs(nameOnly.calibrationError - 0.05) < 1e-12);
  assert.ok(Math.abs((byReason.get('receiver-typed')?.calibrationError ?? 0) - 0.2) < 1e-12);
});

test('missed and wrong edges are grouped by call-site category with deterministic samples', () => {
  assert.deepEqual(
    result.missedByCategory.map((b) => [b.category, b.count]),
    [
      ['plain identifier', 5],
      ['imported identifier', 2],
      ['namespace member', 1],
    ],
  );
  assert.deepEqual(
    result.wrongByCategory.map((b) => [b.category, b.count]),
    [
      ['imported identifier', 1],
      ['method on typed local/param', 1],
    ],
  );
  const wrongOverload = result.wrongByCategory[0]?.samples[0];
  assert.equal(wrongOverload?.predicted, `${U}::parse:function`);
  assert.deepEqual(wrongOverload?.truth, [
    'parse (src/util.ts:8-10)',
    'outside: src/service.ts:23',
    'outside: src/service.ts:23',
  ]);
  assert.equal(result.missedByCategory[0]?.samples.length, 2);
  const again = compareWithTruth({
    edges: [...edges].reverse(),
    symbols,
    truth: expectedAsTruth(),
    sampleSize: 2,
  });
  assert.deepEqual(again.missedByCategory, result.missedByCategory);
});

test('callee ranges match on equal starts, on equal ends with containment, and class-for-constructor on new', () => {
  const truth = {
    path: S,
    line: 1,
    kind: 'call' as const,
    calleePath: U,
    calleeStartLine: 8,
    calleeEndLine: 10,
    calleeName: 'parse',
    category: 'plain identifier' as const,
  };
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 8, endLine: 12 }, truth), true);
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 6, endLine: 10 }, truth), true); // decorators/JSDoc
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 9, endLine: 10 }, truth), true);
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 7, endLine: 11 }, truth), false);
  assert.equal(calleeMatches({ id: 'a', path: S, startLine: 8, endLine: 10 }, truth), false);
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 2, endLine: 20 }, truth), false);
  assert.equal(
    calleeMatches({ id: 'a', path: U, startLine: 2, endLine: 20 }, { ...truth, kind: 'new' }),
    true,
  );
});

test('a prediction of any alternative definition matches, and the site still counts once for recall', () => {
  const truth = {
    path: S,
    line: 3,
    kind: 'call' as const,
    calleePath: U,
    calleeStartLine: 7,
    calleeEndLine: 8,
    calleeName: 'pick',
    category: 'plain identifier' as const,
    alternatives: [{ calleePath: U, calleeStartLine: 4, calleeEndLine: 5, calleeName: 'pick' }],
  };
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 4, endLine: 5 }, truth), true);
  assert.equal(calleeMatches({ id: 'a', path: U, startLine: 1, endLine: 2 }, truth), false);
  const result = compareWithTruth({
    symbols: [sym(U, 'pick:function', 4, 5)],
    edges: [edge(S, 'main:function', U, 'pick:function', 'import', 0.9, 3)],
    truth: { edges: [truth], outside: [], unresolved: [], files: [S, U] },
  });
  assert.equal(result.overall.truePositives, 1);
  assert.equal(result.overall.recall, 1);
});

function sym(path: string, localId: string, startLine: number, endLine: number): SymbolRange {
  return { id: `${path}::${localId}`, path, startLine, endLine };
}

function edge(
  callerPath: string,
  callerLocal: string,
  calleePath: string,
  calleeLocal: string,
  reason: Edge['reason'],
  confidence: number,
  line: number,
  kind: Edge['kind'] = 'call',
): Edge {
  return {
    callerId: `${callerPath}::${callerLocal}`,
    calleeId: `${calleePath}::${calleeLocal}`,
    calleeText: calleeLocal,
    kind,
    reason,
    confidence,
    lines: [line],
  };
}

test('each view scores only the edges drawn at or above its confidence', () => {
  const views = result.views.map((v) => [v.minConfidence, v.sites, v.precision, v.recall]);
  assert.deepEqual(views, [
    [0.8, 13, 12 / 13, 13 / 22],
    [0.5, 13, 12 / 13, 13 / 22],
    [0, 15, 13 / 15, 14 / 22],
  ]);
});

test('views leave out test callers, on both the predicted and the truth side', () => {
  const viewed = compareWithTruth({ edges, symbols, truth: expectedAsTruth(), isTestPath: (p) => p === S });
  const all = viewed.views.find((v) => v.minConfidence === 0);
  const truthOutsideS = expectedAsTruth().edges.filter((t) => t.path !== S).length;
  assert.equal(all?.truthEdges, truthOutsideS);
  // Outside S: format→Service.run (FP), parse~3→ghost (excluded), start→double and <module>→start (TP).
  assert.equal(all?.sites, 3);
  assert.equal(all?.precision, 2 / 3);
});

test('an implementation guessed for an interface call is not judged where the compiler names the member', () => {
  const guess = edge(S, 'Service.run:method', S, 'Service.tick:method', 'interface-impl', 0.2, 15);
  const judged = compareWithTruth({ edges: [guess], symbols, truth: expectedAsTruth() });
  assert.equal(judged.excluded.dispatch, 1);
  assert.equal(judged.overall.falsePositives, 0);
  assert.equal(judged.byReason[0]?.judgedShare, 0);
});

test('call sites in the truth files are counted by outcome, a site resolved anywhere counting as resolved', () => {
  const sites = compareWithTruth({
    edges: [
      {
        ...edge(S, 'main:function', S, 'x', 'unknown', 0, 32),
        calleeId: null,
        confidence: null,
        calleeText: 'run',
      },
      { ...edge(S, 'main:function', S, 'Service.run:method', 'name-only', 0.2, 32), calleeText: 'run' },
      { ...edge(S, 'main:function', S, 'x', 'builtin', 0, 33), calleeId: null, confidence: null },
      { ...edge(S, 'main:function', S, 'x', 'external:lodash', 0, 34), calleeId: null, confidence: null },
      { ...edge(S, 'main:function', S, 'y', 'resolver-error', 0, 34), calleeId: null, confidence: null },
      { ...edge('out/x.ts', 'f:function', S, 'x', 'unknown', 0, 1), calleeId: null, confidence: null },
    ],
    symbols,
    truth: expectedAsTruth(),
  }).callSites;
  assert.deepEqual(sites, { resolved: 1, builtin: 1, external: 1, 'resolver-error': 1 });
});
