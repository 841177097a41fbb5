/** Tested-by: which tests reach each symbol over resolved call edges, at what depth and path confidence (pure). */
import type { Edge } from '../core/graph.js';
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
  if (!symbols.some((s) => s.kind === 'test')) return [];
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
  const rowSymbol: number[] = [];
  const rowTest: number[] = [];
  const rowDepth: number[] = [];
  const rowConfidence: number[] = [];
  const depthLimit = Math.max(0, Math.floor(maxDepth));

  tests.forEach((test, stamp) => {
    seenStamp[test] = stamp;
    reachedAtDepth[test] = 0;
    let frontier: number[] = [test];
    bestConfidence[test] = 1;
    for (let depth = 1; depth <= depthLimit && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const node of frontier) {
        const targets = adjacency[node];
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
        rowSymbol.push(node);
        rowTest.push(test);
        rowDepth.push(depth);
        rowConfidence.push(round4(bestConfidence[node] as number));
      }
      frontier = next;
    }
  });

  // Sort row numbers on integers (string order of ids ranked once) rather than objects on strings.
  const rank = new Int32Array(ids.length);
  ids
    .map((id, n) => ({ id, n }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .forEach((entry, position) => (rank[entry.n] = position));
  // Bucket rows by symbol (counting sort, linear), then sort each symbol's few rows by depth, confidence, test.
  const rows = rowSymbol.length;
  const start = new Int32Array(ids.length + 1);
  for (let r = 0; r < rows; r++) {
    const next = (rank[rowSymbol[r] as number] as number) + 1;
    start[next] = (start[next] as number) + 1;
  }
  for (let i = 1; i <= ids.length; i++) start[i] = (start[i] as number) + (start[i - 1] as number);
  const fill = start.slice(0, ids.length);
  const order = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const bucket = rank[rowSymbol[r] as number] as number;
    order[fill[bucket] as number] = r;
    fill[bucket] = (fill[bucket] as number) + 1;
  }
  const withinSymbol = (a: number, b: number): number =>
    (rowDepth[a] as number) - (rowDepth[b] as number) ||
    (rowConfidence[b] as number) - (rowConfidence[a] as number) ||
    (rank[rowTest[a] as number] as number) - (rank[rowTest[b] as number] as number);
  for (let i = 0; i < ids.length; i++) {
    const from = start[i] as number;
    const to = start[i + 1] as number;
    if (to - from > 1) order.subarray(from, to).sort(withinSymbol);
  }
  return Array.from(order, (row) => ({
    symbolId: ids[rowSymbol[row] as number] as string,
    testId: ids[rowTest[row] as number] as string,
    depth: rowDepth[row] as number,
    confidence: rowConfidence[row] as number,
  }));
};

interface Adjacent {
  callees: number[];
  confidences: number[];
}

/** Caller → distinct callees with the best confidence among parallel edges (call and new, several lines). */
function buildAdjacency(
  edges: ReadonlyArray<Edge>,
  intern: (id: string) => number,
): Array<Adjacent | undefined> {
  const adjacency: Array<Adjacent | undefined> = [];
  const slot = new Map<number, Map<number, number>>();
  for (const edge of edges) {
    if (edge.calleeId === null) continue;
    const caller = intern(edge.callerId);
    const callee = intern(edge.calleeId);
    if (caller === callee) continue;
    const confidence = edge.confidence ?? 0;
    let adjacent = adjacency[caller];
    let slots = slot.get(caller);
    if (adjacent === undefined || slots === undefined) {
      adjacent = { callees: [], confidences: [] };
      slots = new Map();
      adjacency[caller] = adjacent;
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

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
