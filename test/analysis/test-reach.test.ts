import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeTestReach } from '../../src/analysis/test-reach.js';
import type { Edge } from '../../src/core/graph.js';

function edge(callerId: string, calleeId: string | null, confidence: number | null = 0.9): Edge {
  return {
    callerId,
    calleeId,
    calleeText: calleeId ?? 'x',
    kind: 'call',
    reason: calleeId ? 'import' : 'unknown',
    confidence,
    lines: [1],
  };
}

const sym = (id: string, kind = 'function') => ({ id, kind });

describe('computeTestReach', () => {
  it('records depth 1 for a symbol the test calls directly and multiplies confidences along the path', () => {
    const reach = computeTestReach(
      [sym('t1', 'test'), sym('a'), sym('b'), sym('c')],
      [edge('t1', 'a', 0.9), edge('a', 'b', 0.8), edge('b', 'c', 0.5)],
    );
    assert.deepEqual(reach, [
      { symbolId: 'a', testId: 't1', depth: 1, confidence: 0.9 },
      { symbolId: 'b', testId: 't1', depth: 2, confidence: 0.72 },
      { symbolId: 'c', testId: 't1', depth: 3, confidence: 0.36 },
    ]);
  });

  it('stops at the maximum depth, default 3', () => {
    const symbols = [sym('t', 'test'), sym('a'), sym('b'), sym('c'), sym('d')];
    const edges = [edge('t', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'd')];
    assert.deepEqual(
      computeTestReach(symbols, edges).map((r) => r.symbolId),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      computeTestReach(symbols, edges, 1).map((r) => r.symbolId),
      ['a'],
    );
    assert.deepEqual(
      computeTestReach(symbols, edges, 4).map((r) => r.symbolId),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('keeps the shortest path even when a longer one is more confident', () => {
    const reach = computeTestReach(
      [sym('t', 'test'), sym('a'), sym('b')],
      [edge('t', 'b', 0.45), edge('t', 'a', 0.9), edge('a', 'b', 0.9)],
    );
    assert.deepEqual(
      reach.find((r) => r.symbolId === 'b'),
      { symbolId: 'b', testId: 't', depth: 1, confidence: 0.45 },
    );
  });

  it('keeps the most confident of several paths of the same depth', () => {
    const reach = computeTestReach(
      [sym('t', 'test'), sym('a'), sym('b'), sym('c')],
      [edge('t', 'a', 0.5), edge('t', 'b', 0.9), edge('a', 'c', 0.9), edge('b', 'c', 0.8)],
    );
    assert.deepEqual(
      reach.find((r) => r.symbolId === 'c'),
      { symbolId: 'c', testId: 't', depth: 2, confidence: 0.72 },
    );
  });

  it('ignores unresolved edges, survives cycles and self-calls, and never lists a test as reaching itself', () => {
    const reach = computeTestReach(
      [sym('t', 'test'), sym('a'), sym('b')],
      [edge('t', null, null), edge('t', 'a'), edge('a', 'b'), edge('b', 'a'), edge('a', 'a'), edge('b', 't')],
    );
    assert.deepEqual(
      reach.map((r) => [r.symbolId, r.depth]),
      [
        ['a', 1],
        ['b', 2],
      ],
    );
  });

  it('sorts by symbol, then direct tests first, then confidence, then test id', () => {
    const reach = computeTestReach(
      [sym('t2', 'test'), sym('t1', 'test'), sym('t3', 'test'), sym('h'), sym('x')],
      [edge('t3', 'h', 0.9), edge('h', 'x', 0.9), edge('t2', 'x', 0.45), edge('t1', 'x', 0.85)],
    );
    assert.deepEqual(
      reach.filter((r) => r.symbolId === 'x').map((r) => r.testId),
      ['t1', 't2', 't3'],
    );
  });

  it('handles 10,000 tests over a 50,000-symbol graph in a few seconds', () => {
    const symbols = [];
    const edges: Edge[] = [];
    const n = 50_000;
    for (let i = 0; i < n; i++) symbols.push(sym(`f${i}`));
    for (let i = 0; i < n; i++)
      for (const k of [1, 7, 31]) edges.push(edge(`f${i}`, `f${(i * k + 13) % n}`, 0.8));
    for (let t = 0; t < 10_000; t++) {
      symbols.push(sym(`t${t}`, 'test'));
      edges.push(edge(`t${t}`, `f${(t * 5) % n}`, 0.9), edge(`t${t}`, `f${(t * 11) % n}`, 0.9));
    }
    // CPU time, not wall time: a shared CI machine under load must not fail a test for its neighbours.
    const start = process.cpuUsage();
    const reach = computeTestReach(symbols, edges);
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    assert.ok(reach.length > 100_000, `${reach.length} rows`);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms of CPU`);
  });
});
