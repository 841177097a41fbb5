/**
 * `codehub watch` (one warm process) against a fresh `codehub index` process on the same 1-file-change commits.
 * Per corpus: a watcher indexes the corpus's HEAD, then each of N commits that change one file as they appear (the
 * first of them is the watcher's first real index: its modules load then; the rest are warm). A second data dir gets
 * the same commits from one fresh `codehub index --ref <commit>` process each. Prints a Markdown table.
 *
 * Run: `npx tsc -p . && node dist/bench/watch-warm.js [--files 2000] [--rounds 4]`
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { WatchEvent } from '../src/service/watcher.js';
import {
  cloneCorpus,
  commitOneFileChange,
  measureTree,
  pickSourceFile,
  prepareSyntheticCorpus,
} from './corpora.js';
import { prepareSelfCorpus } from './self-corpus.js';

const { values } = parseArgs({
  options: { files: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '4' } },
});
const rounds = Number(values.rounds);
const root = join(new URL('../..', import.meta.url).pathname);
const bin = join(root, 'bin', 'codehub.js');
const scratch = mkdtempSync(join(tmpdir(), 'codehub-watch-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function freshIndex(repo: string, data: string, ref: string): { wallMs: number; durationMs: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, 'index', repo, '--data', data, '--ref', ref, '--json'], {
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`codehub index failed: ${r.stderr}`);
  return { wallMs, durationMs: (JSON.parse(r.stdout) as { durationMs: number }).durationMs };
}

async function measure(label: string, corpusDir: string): Promise<string> {
  const repo = join(scratch, `${label}-repo`);
  const c0 = cloneCorpus({ dir: corpusDir } as Parameters<typeof cloneCorpus>[0], repo);
  const size = measureTree(repo);
  const file = pickSourceFile(repo);
  const warmData = join(scratch, `${label}-warm`);
  const freshData = join(scratch, `${label}-fresh`);
  freshIndex(repo, warmData, c0); // the facts cache of the corpus, as a watcher usually finds it

  const child = spawn(
    process.execPath,
    [bin, 'watch', repo, '--data', warmData, '--json', '--interval-ms', '100'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const events: WatchEvent[] = [];
  let wakeUp: (() => void) | null = null;
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as WatchEvent);
      buffered = buffered.slice(nl + 1);
    }
    wakeUp?.();
  });
  const waitFor = async (match: (e: WatchEvent) => boolean): Promise<WatchEvent> => {
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      await new Promise<void>((r) => (wakeUp = r));
    }
  };
  await waitFor((e) => e.event === 'up-to-date');
  const commits: string[] = [];
  const warm: Array<{ durationMs: number; latencyMs: number; analysed: number; cached: number }> = [];
  for (let k = 1; k <= rounds; k++) {
    const committed = performance.now();
    const commit = commitOneFileChange(repo, file, k);
    commits.push(commit);
    const e = await waitFor((x) => x.event === 'indexed' && x.commit === commit);
    warm.push({
      durationMs: e.durationMs ?? 0,
      latencyMs: performance.now() - committed,
      analysed: e.analysedFiles ?? 0,
      cached: e.cachedFiles ?? 0,
    });
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  freshIndex(repo, freshData, c0);
  const fresh = commits.map((c) => freshIndex(repo, freshData, c));
  const warmRest = warm.slice(1);
  const row = [
    `${label} (${size.files.toLocaleString('en-US')} .ts files, ${(size.bytes / 1e6).toFixed(2)} MB)`,
    `${warm[0]!.analysed} analysed, ${warm[0]!.cached.toLocaleString('en-US')} from cache`,
    (median(fresh.map((f) => f.wallMs)) / 1000).toFixed(2),
    (median(fresh.map((f) => f.durationMs)) / 1000).toFixed(2),
    (warm[0]!.durationMs / 1000).toFixed(2),
    (median(warmRest.map((w) => w.durationMs)) / 1000).toFixed(2),
    (median(warmRest.map((w) => w.latencyMs)) / 1000).toFixed(2),
  ];
  return `| ${row.join(' | ')} |`;
}

try {
  const self = prepareSelfCorpus(root, join(scratch, 'self-corpus'));
  const synthetic = prepareSyntheticCorpus(
    { files: Number(values.files), seed: 1 },
    join(scratch, 'corpora'),
  );
  const rows = [await measure('codehub src/', self), await measure('synthetic', synthetic.dir)];
  process.stdout.write(
    [
      `| corpus | 1-file commit | fresh process wall s | fresh index s (in-process) | watch: first commit s | watch: warm s (median of ${rounds - 1}) | watch: commit → event s |`,
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n') + '\n',
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
