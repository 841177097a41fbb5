/** Tested-by: which tests reach each symbol over resolved call edges, at what depth and path confidence (pure). */
import type { Edge, TestReach } from '../core/graph.js';
import type { ComputeTestReach } from './types.js';

export const DEFAULT_TEST_REACH_DEPTH = 3;

/**
 * Breadth-first from every `test` symbol over resolved edges, up to `maxDepth` hops. Per (symbol, test) the best path
 * is kept: shortest depth first, then the highest product of edge confidences. Sorted by symbol, depth, confidence
 * (descending) and test, so direct tests come first and the output is deterministic.
 */
export const computeTestReach: ComputeTestReach = (symbols, edges, maxDepth = DEFAULT_TEST_REACH_DEPTH) => {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const intern = (id: string): number => {
    let n = index.get(id);
    if (n === undefined) {
      n = ids.length;
      index.set(id, n);
      ids.push(id);
    }
    return n;
  };
  const tests: number[] = [];
  for (const symbol of symbols) {
    const n = intern(symbol.id);
    if (symbol.kind === 'test') tests.push(n);
  }
  const adjacency = buildAdjacency(edges, intern);

  // Per-test scratch reused across tests: a stamp says "seen in this test's walk" without clearing arrays.
  const seenStamp = new Int32Array(ids.length).fill(-1);
  const bestConfidence = new Float64Array(ids.length);
  const reachedAtDepth = new Int32Array(ids.length);
  const out: TestReach[] = [];
  const depthLimit = Math.max(0, Math.floor(maxDepth));

  tests.forEach((test, stamp) => {
    seenStamp[test] = stamp;
    reachedAtDepth[test] = 0;
    let frontier: number[] = [test];
    bestConfidence[test] = 1;
    for (let depth = 1; depth <= depthLimit && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const node of frontier) {
        const targets = adjacency.get(node);
        if (targets === undefined) continue;
        const base = bestConfidence[node] as number;
        for (let i = 0; i < targets.callees.length; i++) {
          const callee = targets.callees[i] as number;
          const confidence = base * (targets.confidences[i] as number);
          if (seenStamp[callee] !== stamp) {
            seenStamp[callee] = stamp;
            bestConfidence[callee] = confidence;
            reachedAtDepth[callee] = depth;
            next.push(callee);
          } else if (reachedAtDepth[callee] === depth && confidence > (bestConfidence[callee] as number)) {
            // Same depth, better path: only nodes first met at this depth may improve.
            bestConfidence[callee] = confidence;
          }
        }
      }
      for (const node of next) {
        out.push({ symbolId: ids[node] as string, testId: ids[test] as string, depth, confidence: round4(bestConfidence[node] as number) });
      }
      frontier = next;
    }
  });

  out.sort(compareReach);
  return out;
};

interface Adjacent {
  callees: number[];
  confidences: number[];
}

/** Caller → distinct callees with the best confidence among parallel edges (call and new, several lines). */
function buildAdjacency(edges: ReadonlyArray<Edge>, intern: (id: string) => number): Map<number, Adjacent> {
  const adjacency = new Map<number, Adjacent>();
  const slot = new Map<number, Map<number, number>>();
  for (const edge of edges) {
    if (edge.calleeId === null) continue;
    const caller = intern(edge.callerId);
    const callee = intern(edge.calleeId);
    if (caller === callee) continue;
    const confidence = edge.confidence ?? 0;
    let adjacent = adjacency.get(caller);
    let slots = slot.get(caller);
    if (adjacent === undefined || slots === undefined) {
      adjacent = { callees: [], confidences: [] };
      slots = new Map();
      adjacency.set(caller, adjacent);
      slot.set(caller, slots);
    }
    const at = slots.get(callee);
    if (at === undefined) {
      slots.set(callee, adjacent.callees.length);
      adjacent.callees.push(callee);
      adjacent.confidences.push(confidence);
    } else if (confidence > (adjacent.confidences[at] as number)) {
      adjacent.confidences[at] = confidence;
    }
  }
  return adjacency;
}

function compareReach(a: TestReach, b: TestReach): number {
  if (a.symbolId !== b.symbolId) return a.symbolId < b.symbolId ? -1 : 1;
  if (a.depth !== b.depth) return a.depth - b.depth;
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  if (a.testId !== b.testId) return a.testId < b.testId ? -1 : 1;
  return 0;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
