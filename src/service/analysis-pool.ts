/**
 * Per-file analysis off the main thread: a pool of worker processes, each loading the plug-in registry itself,
 * fed batches of files per message. With one worker the analysis runs in-process (no workers at all).
 *
 * Processes rather than threads: memory that analysis threads malloc (message buffers, parser state) stays in their
 * malloc arenas, fragmented, after they end: about 150 MB of a 50 MB repo's peak RSS, held through resolution and the
 * write. A process returns all of it when it exits.
 * Results are the same either way: each file's facts come from the same pure `plugin.analyze`.
 */
import { availableParallelism } from 'node:os';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FileFacts } from '../core/facts.js';
import { packFacts } from '../db/facts-codec.js';
import { isTestPathFor, type LanguagePlugin } from '../languages/plugin.js';
import { initPlugins } from '../languages/registry.js';

/** One file to analyse: the plug-in by id, the repo path and the file's text. */
export interface AnalysisJob {
  pluginId: string;
  path: string;
  text: string;
}

/** One file's facts, and the same facts packed for the facts cache (facts-codec). */
export interface AnalysisResult {
  facts: FileFacts;
  packed: Uint8Array;
}

/** What a worker process sends back for a batch: each file's facts as JSON and packed, or the batch's error. */
export interface WorkerReply {
  results?: Array<{ json: string; packed: Uint8Array }>;
  error?: string;
}

/** Analyses batches of files; `close` ends any worker processes. */
export interface FileAnalyser {
  readonly workers: number;
  analyze(jobs: readonly AnalysisJob[]): Promise<AnalysisResult[]>;
  close(): Promise<void>;
}

/** Files per worker message: large enough to amortise the message, small enough to balance the load. */
const BATCH = 16;

/**
 * Batches a worker process holds at once: the next one is already there when it answers one, so it does not wait for
 * the main thread to read its answer off the pipe (several reads of 64 KiB each) before it has work again.
 */
const BATCHES_PER_WORKER = 2;

/** The default pool size: the machine's cores, at most 4. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/** Runs `plugin.analyze`; a throwing plug-in yields an unparsed file, as the plug-in contract asks. */
export function analyseSafely(plugin: LanguagePlugin, path: string, text: string): FileFacts {
  try {
    return plugin.analyze(path, text);
  } catch (err) {
    return {
      path,
      language: plugin.id,
      symbols: [],
      imports: [],
      exports: [],
      callSites: [],
      isTestFile: isTestPathFor(plugin, path),
      testFramework: null,
      diagnostics: [{ line: 1, severity: 'error', message: `analyzer crashed: ${(err as Error).message}` }],
      skipped: 'analyzer-error',
    };
  }
}

/** In-process analysis with the given plug-ins (used for --workers 1 and for tests' own plug-ins). */
export function createInProcessAnalyser(
  pluginById: (id: string) => LanguagePlugin | undefined,
): FileAnalyser {
  return {
    workers: 1,
    async analyze(jobs) {
      const plugins = jobs.map((j) => {
        const p = pluginById(j.pluginId);
        if (!p) throw new Error(`no language plug-in '${j.pluginId}'`);
        return p;
      });
      await initPlugins(new Set(plugins));
      return jobs.map((j, i) => {
        const facts = analyseSafely(plugins[i]!, j.path, j.text);
        return { facts, packed: packFacts(facts) };
      });
    },
    close: () => Promise.resolve(),
  };
}

interface Pending {
  jobs: readonly AnalysisJob[];
  resolve(results: AnalysisResult[]): void;
  reject(err: Error): void;
}

/** A pool of `count` worker processes running the registry's plug-ins (count ≥ 2; use the in-process analyser for 1). */
export function createWorkerPool(count: number): FileAnalyser {
  const script = fileURLToPath(new URL('./analysis-worker.js', import.meta.url));
  const queue: Pending[] = [];
  // Each worker's batches in the order it answers them.
  const sent = new Map<ChildProcess, Pending[]>();
  let failure: Error | null = null;
  let closed = false;

  const pump = (): void => {
    while (queue.length > 0) {
      let w: ChildProcess | null = null;
      for (const [c, tasks] of sent)
        if (tasks.length < BATCHES_PER_WORKER && (!w || tasks.length < sent.get(w)!.length)) w = c;
      if (!w) return;
      const task = queue.shift()!;
      sent.get(w)!.push(task);
      w.send(task.jobs);
    }
  };
  const fail = (err: Error): void => {
    failure ??= err;
    for (const t of [...[...sent.values()].flatMap((tasks) => tasks.splice(0)), ...queue.splice(0)])
      t.reject(err);
  };
  const workers: ChildProcess[] = [];
  const exited: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    // Structured clone over the channel, as between threads; stdin is not theirs, stdout and stderr are shared.
    const w = fork(script, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')),
    });
    exited.push(new Promise((resolve) => w.once('exit', () => resolve())));
    w.on('message', (msg: WorkerReply) => {
      const task = sent.get(w)?.shift();
      if (task) {
        // JSON.parse is cheaper for the main thread than structured-cloning the facts' object graph.
        if (msg.results)
          task.resolve(
            msg.results.map((r) => ({ facts: JSON.parse(r.json) as FileFacts, packed: r.packed })),
          );
        else task.reject(new Error(msg.error ?? 'analysis worker failed'));
      }
      pump();
    });
    w.on('error', (err) => fail(err));
    w.on('exit', (code, signal) => {
      if (!closed) fail(new Error(`analysis worker exited with ${signal ?? `code ${code}`}`));
    });
    workers.push(w);
    sent.set(w, []);
  }

  return {
    workers: count,
    async analyze(jobs) {
      if (failure) throw failure;
      const parts: Array<Promise<AnalysisResult[]>> = [];
      for (let i = 0; i < jobs.length; i += BATCH) {
        const batch = jobs.slice(i, i + BATCH);
        parts.push(new Promise((resolve, reject) => queue.push({ jobs: batch, resolve, reject })));
      }
      pump();
      return (await Promise.all(parts)).flat();
    },
    async close() {
      closed = true;
      // A worker exits when its channel closes (analysis-worker.ts); one that already died has nothing to close.
      for (const w of workers) if (w.connected) w.disconnect();
      await Promise.all(exited);
    },
  };
}

/** The analyser for an index run: in-process for 1 worker or for plug-ins not from the registry, else a pool. */
export function createAnalyser(
  workers: number,
  pluginById: (id: string) => LanguagePlugin | undefined,
  registryPlugins: boolean,
): FileAnalyser {
  return workers <= 1 || !registryPlugins ? createInProcessAnalyser(pluginById) : createWorkerPool(workers);
}
