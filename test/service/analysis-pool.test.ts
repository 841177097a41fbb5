// The analysis pool runs its workers as child processes: their memory goes back to the system when they exit, and none
// outlives the pool (nor a dead indexer: a worker exits when its channel closes).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createWorkerPool } from '../../src/service/analysis-pool.js';

/** Pids of this process's children running the analysis worker entry. */
function analysisWorkers(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (after the parenthesised command, which may hold spaces) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.includes('analysis-worker.js')) out.push(Number(name));
    } catch {
      // the process ended while being read
    }
  }
  return out;
}

const source = (i: number): string =>
  `export function f${i}(x: number): number {\n  return ${i > 0 ? `f${i - 1}(x) + ` : ''}x;\n}\n`;

describe('the analysis pool', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  it('analyses in two worker processes that are gone once the pool is closed', async () => {
    const pool = createWorkerPool(2);
    try {
      const jobs = Array.from({ length: 40 }, (_, i) => ({
        pluginId: 'typescript',
        path: `src/m${i}.ts`,
        text: source(i),
      }));
      const results = await pool.analyze(jobs);
      assert.equal(results.length, 40);
      assert.deepEqual(
        results.map((r) => r.facts.symbols.find((s) => s.kind === 'function')?.name),
        jobs.map((_, i) => `f${i}`),
        'facts come back in job order',
      );
      assert.ok(results.every((r) => r.packed.byteLength > 0));
      assert.equal(analysisWorkers().length, 2, 'two worker processes while the pool is open');
    } finally {
      await pool.close();
    }
    assert.deepEqual(analysisWorkers(), [], 'no worker process after close');
  });

  it('fails the batch with a clear error when a worker process dies', async () => {
    const pool = createWorkerPool(2);
    try {
      await pool.analyze([{ pluginId: 'typescript', path: 'a.ts', text: source(0) }]);
      const [victim] = analysisWorkers();
      assert.ok(victim, 'a worker process to kill');
      process.kill(victim, 'SIGKILL');
      await assert.rejects(async () => {
        // The death is seen when the pool hears of it; later batches fail with it.
        for (let i = 0; i < 50; i++) {
          await pool.analyze([{ pluginId: 'typescript', path: 'b.ts', text: source(1) }]);
          await new Promise((r) => setTimeout(r, 20));
        }
      }, /analysis worker exited with SIGKILL/);
    } finally {
      await pool.close();
    }
    assert.deepEqual(analysisWorkers(), []);
  });
});
