/** Worker-thread entry of the analysis pool: receives batches of files, answers with their facts in order. */
import { parentPort } from 'node:worker_threads';
import { packFactsJson } from '../db/facts-codec.js';
import type { LanguagePlugin } from '../languages/plugin.js';
import { allPlugins, initPlugins } from '../languages/registry.js';
import { analyseSafely, type AnalysisJob, type WorkerReply } from './analysis-pool.js';

const byId = new Map<string, LanguagePlugin>(allPlugins.map((p) => [p.id, p]));
let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (jobs: AnalysisJob[]) => {
  // Each plug-in loads its parser once per thread, when a batch first needs it; batches stay in order.
  const plugins = jobs.map((j) => byId.get(j.pluginId));
  queue = queue
    .then(() => initPlugins(new Set(plugins.filter((p) => p !== undefined))))
    .then(
      () => analyseBatch(jobs, plugins),
      (err: unknown) =>
        parentPort!.postMessage({ error: `loading a parser: ${String(err)}` } satisfies WorkerReply),
    );
});

function analyseBatch(jobs: AnalysisJob[], plugins: Array<LanguagePlugin | undefined>): void {
  try {
    // Serialising and packing here keeps that work off the indexer's main thread.
    const results = jobs.map((j, i) => {
      const p = plugins[i];
      if (!p) throw new Error(`no language plug-in '${j.pluginId}' in the registry`);
      const json = JSON.stringify(analyseSafely(p, j.path, j.text));
      return { json, packed: packFactsJson(json) };
    });
    const reply: WorkerReply = { results };
    parentPort!.postMessage(reply);
  } catch (err) {
    const reply: WorkerReply = { error: err instanceof Error ? err.message : String(err) };
    parentPort!.postMessage(reply);
  }
}
