/**
 * Child-process entry of the analysis pool: receives batches of files over the IPC channel, answers with their facts
 * in order. Exits when the channel closes (the pool is closed, or the indexer died).
 */
import { packFactsJson } from '../db/facts-codec.js';
import type { LanguagePlugin } from '../languages/plugin.js';
import { allPlugins, initPlugins } from '../languages/registry.js';
import { analyseSafely, type AnalysisJob, type WorkerReply } from './analysis-pool.js';

const byId = new Map<string, LanguagePlugin>(allPlugins.map((p) => [p.id, p]));
let queue: Promise<void> = Promise.resolve();

const reply = (message: WorkerReply): void => {
  // A channel closed under a batch (the pool closed, or the indexer died) has no one left to answer: exit.
  if (!process.connected) process.exit(0);
  process.send?.(message, undefined, {}, (err) => {
    if (err) process.exit(0);
  });
};

process.on('disconnect', () => process.exit(0));
process.on('message', (jobs: AnalysisJob[]) => {
  // Each plug-in loads its parser once per process, when a batch first needs it; batches stay in order.
  const plugins = jobs.map((j) => byId.get(j.pluginId));
  queue = queue
    .then(() => initPlugins(new Set(plugins.filter((p) => p !== undefined))))
    .then(
      () => analyseBatch(jobs, plugins),
      (err: unknown) => reply({ error: `loading a parser: ${String(err)}` }),
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
    const message: WorkerReply = { results };
    reply(message);
  } catch (err) {
    const message: WorkerReply = { error: err instanceof Error ? err.message : String(err) };
    reply(message);
  }
}
