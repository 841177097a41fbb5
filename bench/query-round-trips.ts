/**
 * Where a question's time goes per storage engine: asks the query service `show`, `callers` (depth 1 and 3) and
 * `search` about `--sample` distinct symbols of one repo, each once and uncached (a fresh service per question), and
 * counts the storage port calls (round trips, for PostgreSQL) and their time. Complements the load rows, whose
 * repeated question is answered from the service's caches after the first request.
 *
 *   node dist/bench/query-round-trips.js --repo NAME --data DIR [--database URL] [--sample 200] [--seed 1]
 * Prints one JSON line per question kind: calls per question, p50/p99 ms of the question and of its port calls.
 */
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import type { GraphReader } from '../src/db/storage.js';
import { seededRandom } from './corpora.js';

function value(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The reader with each method call counted and timed (into `calls`). */
function counted(reader: GraphReader, calls: Array<{ method: string; ms: number }>): GraphReader {
  return new Proxy(reader, {
    get(target, prop, receiver) {
      const original = Reflect.get(target, prop, receiver) as unknown;
      if (typeof original !== 'function' || prop === 'iterateSymbols' || prop === 'iterateEdges')
        return original;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (original as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          calls.push({ method: String(prop), ms: performance.now() - t0 });
        }
      };
    },
  });
}

const repo = value('--repo');
const data = value('--data');
if (!repo || !data)
  throw new Error('usage: query-round-trips --repo NAME --data DIR [--database URL] [--sample N]');
const database = value('--database');
const sample = Number(value('--sample') ?? 200);
const random = seededRandom(Number(value('--seed') ?? 1));
const ws = openWorkspace(data, database ? { database } : {});
try {
  const snapshot = await ws.storage.reader.latestSnapshot(repo);
  if (!snapshot) throw new Error(`no snapshot of ${repo}`);
  // Distinct methods spread over the repo: take `sample` symbols of the ranked most-called list's neighbourhood
  // and of random files (file list order is stable across engines).
  const files = (await ws.storage.reader.listFiles(snapshot.id)).filter((f) => f.language !== null);
  const ids: string[] = [];
  const names: string[] = [];
  while (ids.length < sample && files.length > 0) {
    const file = files[Math.floor(random() * files.length)]!;
    const symbols = (await ws.storage.reader.symbolsOfFile(snapshot.id, file.path)).filter(
      (s) => s.kind === 'method' || s.kind === 'function',
    );
    const s = symbols[Math.floor(random() * symbols.length)];
    if (!s || ids.includes(s.id)) continue;
    ids.push(s.id);
    names.push(s.name.slice(0, 4 + Math.floor(random() * 4)));
  }
  const questions: Array<
    [string, (service: ReturnType<typeof createQueryService>, i: number) => Promise<unknown>]
  > = [
    ['show', (q, i) => q.show(repo, ids[i]!)],
    ['callers depth 1', (q, i) => q.callers(repo, ids[i]!, { depth: 1 })],
    ['callers depth 3', (q, i) => q.callers(repo, ids[i]!, { depth: 3 })],
    ['search', (q, i) => q.search({ q: names[i]!, repo, limit: 20 })],
  ];
  for (const [label, ask] of questions) {
    const totals: number[] = [];
    const perCall: number[] = [];
    let calls = 0;
    const byMethod = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      const log: Array<{ method: string; ms: number }> = [];
      const service = createQueryService({
        storage: { ...ws.storage, reader: counted(ws.storage.reader, log) },
        blobs: ws.blobs,
      });
      const t0 = performance.now();
      await ask(service, i);
      totals.push(performance.now() - t0);
      calls += log.length;
      for (const c of log) {
        perCall.push(c.ms);
        byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
      }
    }
    console.log(
      JSON.stringify({
        engine: ws.storage.kind,
        question: label,
        questions: ids.length,
        callsPerQuestion: +(calls / ids.length).toFixed(1),
        p50Ms: +percentile(totals, 50).toFixed(2),
        p99Ms: +percentile(totals, 99).toFixed(2),
        callP50Ms: +percentile(perCall, 50).toFixed(2),
        callP99Ms: +percentile(perCall, 99).toFixed(2),
        byMethod: Object.fromEntries([...byMethod].map(([m, n]) => [m, +(n / ids.length).toFixed(1)])),
      }),
    );
  }
} finally {
  await ws.close();
}
