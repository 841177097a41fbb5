/**
 * Indexing's second stage: each window's files → their facts, from the facts cache (one lookup per window) or from the
 * analyser; new facts are stored in the cache. A window's analysis runs while later windows are read.
 */
import type { FileFacts } from '../../core/facts.js';
import { factsKeyString, type AnalysisCache, type FactsCacheKey } from '../../db/storage.js';
import type { AnalysisJob, FileAnalyser } from '../analysis-pool.js';
import type { AnalysedFile } from './build-snapshot.js';
import type { IngestedWindow } from './ingest.js';

/** Windows whose analysis may still be running while later windows are read (bounds memory). */
const WINDOWS_IN_FLIGHT = 4;

export interface AnalysedTree {
  /** Every analysable file's facts, in tree order. */
  analysed: AnalysedFile[];
  analysedFiles: number;
  cachedFiles: number;
}

/** Facts for every file of every window, in order. */
export async function analyse(
  windows: AsyncIterable<IngestedWindow>,
  ports: { cache: AnalysisCache; analyser: FileAnalyser },
): Promise<AnalysedTree> {
  const { cache, analyser } = ports;
  const out: AnalysedTree = { analysed: [], analysedFiles: 0, cachedFiles: 0 };
  // Analysis of a window runs (in the pool) while the next windows are read; its facts fill their slots in order.
  const inFlight: Array<Promise<void>> = [];
  let analysisError: unknown = null;
  for await (const window of windows) {
    // Content new to the database may still have cached facts (the same blob at this path, remembered under another
    // object): asked for in one call per window.
    const unchecked = window.files.filter((f) => f.facts === null && !f.cacheChecked).map((f) => f.key);
    const found = unchecked.length > 0 ? await cache.getCachedFacts(unchecked) : new Map<string, FileFacts>();
    const jobs: AnalysisJob[] = [];
    const slots: Array<{ key: FactsCacheKey; slot: AnalysedFile }> = [];
    for (const f of window.files) {
      const facts = f.facts ?? found.get(factsKeyString(f.key));
      if (facts) {
        out.cachedFiles++;
        out.analysed.push({ path: f.path, facts, key: factsKeyString(f.key) });
      } else {
        const slot = { path: f.path, facts: undefined as unknown as FileFacts, key: factsKeyString(f.key) };
        out.analysed.push(slot);
        jobs.push({ pluginId: f.key.pluginId, path: f.path, text: f.text! });
        slots.push({ key: f.key, slot });
        out.analysedFiles++;
      }
    }
    if (jobs.length === 0) continue;
    inFlight.push(
      analyser.analyze(jobs).then(
        async (results) => {
          results.forEach((r, i) => (slots[i]!.slot.facts = r.facts));
          try {
            await cache.putCachedFacts(slots.map((s, i) => ({ key: s.key, packed: results[i]!.packed })));
          } catch (err) {
            analysisError ??= err;
          }
        },
        (err: unknown) => {
          analysisError ??= err;
        },
      ),
    );
    if (inFlight.length >= WINDOWS_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  if (analysisError) throw analysisError;
  return out;
}
