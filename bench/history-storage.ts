/**
 * Storage of a real history (issue 16): the last N first-parent commits of a real repository, up to a pinned commit,
 * indexed one after another into one store, as `codehub watch` or a CI hook would. Reports the database size after
 * the first snapshot and after all N (SQLite: the file after a WAL checkpoint; PostgreSQL: `pg_database_size`), their
 * ratio (target ≤ 3×), and the index time of each commit after the first (median, p90).
 *
 *   node dist/bench/history-storage.js [--repo DIR] [--until SHA] [--commits 100] [--postgres URL] [--work DIR]
 *                                      [--out file.md] [--keep]
 *
 * Default history: this project's own repository, the 100 commits up to HISTORY_UNTIL (the bench clones the
 * checkout, so the commit must be in its history). Only the TypeScript files of each commit are analysed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshStore, type BenchEngine, type BenchStore } from './bench-store.js';
import { projectRoot, runCodehub } from './codehub-cli.js';
import { benchRoot } from './corpora.js';
import { median } from './measure.js';

/** The newest commit of the default history: the history is the `commits` first-parent commits ending here. */
export const HISTORY_UNTIL = 'd314e70f28e597e6d192a7f2d567921f923011cf';

export interface HistoryStorageOptions {
  /** A git repository holding `until` (cloned, never changed). */
  repo: string;
  until: string;
  commits: number;
  /** Maintenance database URL of a PostgreSQL server, or null for SQLite only. */
  postgres: string | null;
  work: string;
  /** Leave the data folders in `work` (the test reads the SQLite file itself). */
  keep?: boolean;
  log(message: string): void;
}

/** One engine's replay of the history. */
export interface HistoryStorageRow {
  engine: 'sqlite' | 'postgres';
  commits: number;
  /** Database bytes after the first commit's snapshot and after the last one's. */
  firstBytes: number;
  allBytes: number;
  /** allBytes / firstBytes. */
  ratio: number;
  /** One snapshot of the newest commit alone, in a fresh store (the history's biggest single snapshot). */
  newestAloneBytes: number;
  /** allBytes / newestAloneBytes. */
  ratioToNewest: number;
  firstIndexMs: number;
  /** Index time of every commit after the first, in history order. */
  laterIndexMs: number[];
  medianMs: number;
  p90Ms: number;
  /** SQLite only: the data folder (when kept). */
  dataDir: string | null;
}

export interface HistoryStorageResult {
  rows: HistoryStorageRow[];
  /** The commits replayed, oldest first. */
  commits: string[];
  /** TypeScript files (non-declaration) at the first and the last commit. */
  tsFiles: { first: number; last: number };
  section: string;
}

/** The nearest-rank p-th percentile (0 < p ≤ 100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
}

function tsFilesAt(repo: string, commit: string): number {
  return git(repo, ['ls-tree', '-r', '--name-only', commit])
    .split('\n')
    .filter((p) => /\.(ts|tsx|mts|cts)$/.test(p) && !/\.d\.(ts|mts|cts)$/.test(p)).length;
}

/** Clones `repo` into `work/repo` and lists the `commits` first-parent commits ending at `until`, oldest first. */
export function historyCommits(
  repo: string,
  until: string,
  commits: number,
  work: string,
): {
  clone: string;
  list: string[];
} {
  const clone = join(work, 'repo');
  rmSync(clone, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('git', ['clone', '-q', '--no-checkout', resolve(repo), clone], { stdio: 'ignore' });
  try {
    git(clone, ['cat-file', '-e', `${until}^{commit}`]);
  } catch {
    throw new Error(`commit ${until} is not in the history of ${repo} (a shallow clone?)`);
  }
  const list = git(clone, ['rev-list', '--first-parent', '--reverse', '-n', String(commits), until])
    .split('\n')
    .filter(Boolean);
  if (list.length < commits)
    throw new Error(`${repo} has only ${list.length} first-parent commits up to ${until}, not ${commits}`);
  return { clone, list };
}

/** Replays the history into a fresh store per engine; returns the rows and the BENCHMARKS.md section. */
export async function runHistoryStorage(options: HistoryStorageOptions): Promise<HistoryStorageResult> {
  if (!Number.isInteger(options.commits) || options.commits < 2)
    throw new Error(`--commits ${options.commits}: need at least 2 commits to compare`);
  const { clone, list } = historyCommits(options.repo, options.until, options.commits, options.work);
  const engines: Array<'sqlite' | 'postgres'> = options.postgres ? ['sqlite', 'postgres'] : ['sqlite'];
  const rows: HistoryStorageRow[] = [];
  const loads: number[] = [loadavg()[0] ?? 0];
  const name = 'bench/history/replay';
  /** A fresh, empty store on `engine` for one replay (`label` tells the newest-alone store apart). */
  const store = (engine: BenchEngine, label: string): Promise<BenchStore> =>
    freshStore(
      engine,
      join(options.work, `data-${engine}${label}`),
      options.postgres,
      `codehub_bench_history_${process.pid}${label.replace(/[^a-z0-9]/g, '_')}`,
    );
  const index = async (
    engine: string,
    data: string,
    storageArgs: string[],
    commit: string,
  ): Promise<number> => {
    const run = await runCodehub([
      'index',
      clone,
      '--ref',
      commit,
      '--data',
      data,
      '--name',
      name,
      '--json',
      ...storageArgs,
    ]);
    if (run.exitCode !== 0)
      throw new Error(
        `codehub index of ${commit.slice(0, 12)} (${engine}) failed: ${run.stderr.trim().slice(-1000)}`,
      );
    return run.wallMs;
  };
  for (const engine of engines) {
    const { data, storageArgs, size, drop } = await store(engine, '');
    try {
      const times: number[] = [];
      let firstBytes = 0;
      for (const [i, commit] of list.entries()) {
        const ms = await index(engine, data, storageArgs, commit);
        times.push(ms);
        if (i === 0) firstBytes = await size();
        if ((i + 1) % 10 === 0 || i === 0)
          options.log(
            `history ${engine}: ${i + 1}/${list.length} (${(ms / 1000).toFixed(1)} s, load ${(loadavg()[0] ?? 0).toFixed(1)})`,
          );
      }
      const allBytes = await size();
      // The newest commit alone in a fresh store: the repository grows along a history, so the first snapshot
      // is not the only "one snapshot" to compare with.
      const alone = await store(engine, '-newest');
      let newestAloneBytes: number;
      try {
        await index(engine, alone.data, alone.storageArgs, list[list.length - 1]!);
        newestAloneBytes = await alone.size();
      } finally {
        await alone.drop();
        rmSync(alone.data, { recursive: true, force: true });
      }
      if (firstBytes <= 0 || allBytes <= 0 || newestAloneBytes <= 0)
        throw new Error(`${engine}: database size not read`);
      const later = times.slice(1);
      rows.push({
        engine,
        commits: list.length,
        firstBytes,
        allBytes,
        ratio: allBytes / firstBytes,
        newestAloneBytes,
        ratioToNewest: allBytes / newestAloneBytes,
        firstIndexMs: times[0]!,
        laterIndexMs: later,
        medianMs: median(later),
        p90Ms: percentile(later, 90),
        dataDir: engine === 'sqlite' && options.keep ? data : null,
      });
      loads.push(loadavg()[0] ?? 0);
    } finally {
      await drop();
      if (!options.keep || engine !== 'sqlite') rmSync(data, { recursive: true, force: true });
    }
  }
  const tsFiles = { first: tsFilesAt(clone, list[0]!), last: tsFilesAt(clone, list[list.length - 1]!) };
  if (!options.keep) rmSync(clone, { recursive: true, force: true });
  const mb = (n: number): string => (n / 1e6).toFixed(2);
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  const section = [
    `## ${list.length} commits of real history in one store (issue 16)`,
    '',
    `The ${list.length} first-parent commits of ${options.repo === projectRoot() ? 'this repository' : `\`${options.repo}\``} up to`,
    `\`${list[list.length - 1]!.slice(0, 12)}\` (from \`${list[0]!.slice(0, 12)}\`; ${tsFiles.first} → ${tsFiles.last} TypeScript files, the only`,
    'files analysed), each indexed with `codehub index --ref <commit>` into one store, oldest first. Database size',
    'after the first snapshot and after all of them (SQLite: the file after a WAL checkpoint; PostgreSQL:',
    '`pg_database_size`). Index times of the commits after the first (each one commit on from the last).',
    '"newest alone" is one snapshot of the newest commit in a fresh store (the history\'s biggest single snapshot).',
    `Machine load (1-minute average) at the start and after each engine: ${loads.map((l) => l.toFixed(2)).join(', ')}.`,
    '',
    '| engine | commits | after 1st (MB) | after all (MB) | all / 1st | newest alone (MB) | all / newest alone | 1st index (s) | later: median (s) | later: p90 (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.commits} | ${mb(r.firstBytes)} | ${mb(r.allBytes)} | ${r.ratio.toFixed(2)}× | ${mb(r.newestAloneBytes)} | ${r.ratioToNewest.toFixed(2)}× | ${s(r.firstIndexMs)} | ${s(r.medianMs)} | ${s(r.p90Ms)} |`,
    ),
  ].join('\n');
  return { rows, commits: list, tsFiles, section };
}

/** The issue's target checked on the rows: [target, measured, verdict]. */
export function historyTargets(result: HistoryStorageResult): string[][] {
  return result.rows.flatMap((r) => [
    [
      `${r.commits} commits of real history ≤ 3× one snapshot (${r.engine}, the first commit's)`,
      `${(r.allBytes / 1e6).toFixed(2)} MB vs ${(r.firstBytes / 1e6).toFixed(2)} MB = ${r.ratio.toFixed(2)}×`,
      r.ratio <= 3 ? 'met' : 'missed',
    ],
    [
      `${r.commits} commits of real history ≤ 3× one snapshot (${r.engine}, the newest commit's alone)`,
      `${(r.allBytes / 1e6).toFixed(2)} MB vs ${(r.newestAloneBytes / 1e6).toFixed(2)} MB = ${r.ratioToNewest.toFixed(2)}×`,
      r.ratioToNewest <= 3 ? 'met' : 'missed',
    ],
  ]);
}

function parseArgs(argv: string[]): HistoryStorageOptions & { out: string | null } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    repo: resolve(value('--repo') ?? projectRoot()),
    until: value('--until') ?? (value('--repo') ? 'HEAD' : HISTORY_UNTIL),
    commits: Number(value('--commits') ?? 100),
    postgres: value('--postgres') ?? null,
    work: resolve(value('--work') ?? join(benchRoot(), '.work', 'history')),
    keep: argv.includes('--keep'),
    out: value('--out') ?? null,
    log: (m) => process.stderr.write(`${m}\n`),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  runHistoryStorage(options).then(
    (result) => {
      if (options.out) {
        writeFileSync(options.out, `${result.section}\n`);
        writeFileSync(
          options.out.replace(/(\.md)?$/, '.json'),
          `${JSON.stringify({ commits: result.commits, tsFiles: result.tsFiles, rows: result.rows }, null, 2)}\n`,
        );
      }
      process.stdout.write(`${result.section}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
