/** Worker-thread entry of the analysis pool: receives batches of files, answers with their facts in order. */
import { parentPort } from 'node:worker_threads';
import type { LanguagePlugin } from '../languages/plugin.js';
import { allPlugins } from '../languages/registry.js';
import { analyseSafely, type AnalysisJob } from './analysis-pool.js';

const byId = new Map<string, LanguagePlugin>(allPlugins.map((p) => [p.id, p]));

parentPort?.on('message', (jobs: AnalysisJob[]) => {
  try {
    const facts = jobs.map((j) => {
      const p = byId.get(j.pluginId);
      if (!p) throw new Error(`no language plug-in '${j.pluginId}' in the registry`);
      return analyseSafely(p, j.path, j.text);
    });
    parentPort!.postMessage({ facts });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
