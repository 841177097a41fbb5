/**
 * PostgreSQL beside SQLite in one run (issue 15's measures): the full index of the bench corpora into each engine,
 * and the query load of the million-symbol corpus served from each. Both engines index the same repositories with
 * the same CLI into fresh stores (a fresh data folder for SQLite, a fresh database plus a fresh blob folder for
 * PostgreSQL), alternating engine by engine so that a change in the machine's load falls on both.
 * Run from `npm run bench -- --only backends [--postgres URL]`.
 */
import { loadavg } from 'node:os';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { indexWithCodehub, startCodehubServer } from './codehub-cli.js';
import type { CodehubRun, RunningServer } from './codehub-cli.js';
import { prepareSyntheticCorpus, searchCorpusShape } from './corpora.js';
import type { PreparedCorpus } from './corpora.js';
import { LOAD_QUERIES, loadEveryQuery, searchCorpusSymbol } from './load.js';
import type { LoadResult, LoadRow } from './load.js';
import { median } from './measure.js';

/** The server the comparison creates its databases on: `--postgres`, else `$CODEHUB_BENCH_PG`, else loopback. */
export function benchPostgresUrl(flag?: string): string {
  return flag ?? process.env.CODEHUB_BENCH_PG ?? 'postgres://root@127.0.0.1:5432/postgres';
}

/** Options of the comparison. */
export interface BackendsOptions {
  /** URL of the server's maintenance database (databases are created and dropped next to it). */
  postgres: string;
  corpora: PreparedCorpus[];
  reps: number;
  /** Symbols of the query-load corpus; 0 leaves the load out. */
  searchSymbols: number;
  /** Folder keeping the load corpus's two indexes between runs (null: under `work`, rebuilt each run). */
  searchData: string | null;
  loadBound: { connections: number; durationSec?: number; amount?: number };
  work: string;
  log(message: string): void;
}

/** The comparison's Markdown sections and the issue's targets checked on them ([target, measured, verdict]). */
export interface BackendsReport {
  sections: string[];
  targets: string[][];
}

/** Runs on the maintenance database of the server. */
async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function databaseExists(url: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server of `url`. */
export function databaseOn(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The repo id a corpus is indexed under (`effect@3.19.0` → `bench/backends/effect-3.19.0`). */
function repoName(corpus: PreparedCorpus): string {
  return `bench/backends/${corpus.id.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

function sec(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}
function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}
function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
function firstLine(run: CodehubRun): string {
  return run.stderr.trim().split('\n')[0] ?? `exit ${run.exitCode}`;
}

/** Indexes `corpus` once into a fresh SQLite data folder; wall ms, or an Error saying why it failed. */
async function indexSqliteOnce(corpus: PreparedCorpus, dir: string): Promise<number | Error> {
  rmSync(dir, { recursive: true, force: true });
  try {
    const run = await indexWithCodehub(corpus.dir, dir, repoName(corpus));
    return run.exitCode === 0 ? run.wallMs : new Error(firstLine(run));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Indexes `corpus` once into a fresh PostgreSQL database (blobs in a fresh folder), dropped after. */
async function indexPostgresOnce(
  corpus: PreparedCorpus,
  dir: string,
  server: string,
): Promise<number | Error> {
  rmSync(dir, { recursive: true, force: true });
  const name = `codehub_bench_${process.pid}_${Date.now()}`;
  await onServer(server, `CREATE DATABASE ${name}`);
  try {
    const run = await indexWithCodehub(corpus.dir, dir, repoName(corpus), undefined, [
      '--database',
      databaseOn(server, name),
    ]);
    return run.exitCode === 0 ? run.wallMs : new Error(firstLine(run));
  } finally {
    await onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Full index of every corpus into SQLite and into PostgreSQL, median of `reps`, engines alternating. */
async function fullIndexSection(options: BackendsOptions, targets: string[][]): Promise<string> {
  const rows: string[][] = [];
  let sqliteTotal = 0;
  let postgresTotal = 0;
  let failed = false;
  for (const corpus of options.corpora) {
    const sqlite: number[] = [];
    const postgres: number[] = [];
    let error: string | null = null;
    for (let i = 0; i < options.reps && error === null; i++) {
      options.log(`backends: full index ${corpus.id}, run ${i + 1} of ${options.reps}`);
      const s = await indexSqliteOnce(corpus, join(options.work, 'index-sqlite'));
      const p = await indexPostgresOnce(corpus, join(options.work, 'index-postgres'), options.postgres);
      const errors = [
        s instanceof Error ? `SQLite: ${s.message}` : '',
        p instanceof Error ? `PostgreSQL: ${p.message}` : '',
      ];
      if (errors.some((e) => e !== '')) error = errors.filter((e) => e !== '').join('; ');
      if (!(s instanceof Error)) sqlite.push(s);
      if (!(p instanceof Error)) postgres.push(p);
    }
    if (error !== null) {
      failed = true;
      rows.push([corpus.id, `failed: ${error.slice(0, 160)}`, '', '', '']);
      continue;
    }
    const s = median(sqlite);
    const p = median(postgres);
    sqliteTotal += s;
    postgresTotal += p;
    rows.push([corpus.id, String(corpus.files), sec(s), sec(p), ratio(p, s)]);
  }
  if (!failed && options.corpora.length > 1)
    rows.push(['all corpora', '', sec(sqliteTotal), sec(postgresTotal), ratio(postgresTotal, sqliteTotal)]);
  if (!failed && sqliteTotal > 0)
    targets.push([
      'full index of the bench corpora into PostgreSQL within 1.5× of SQLite',
      `${sec(postgresTotal)} s vs ${sec(sqliteTotal)} s = ${ratio(postgresTotal, sqliteTotal)}`,
      postgresTotal <= 1.5 * sqliteTotal ? 'met' : 'missed',
    ]);
  return (
    `## Full index, PostgreSQL vs SQLite (${options.reps === 1 ? 'one run' : `median of ${options.reps}`} each, engines alternating)\n\n` +
    'Each run indexes into an empty store: a new data folder (SQLite), or a new database and a new blob folder ' +
    '(PostgreSQL, on the same machine over loopback TCP). Wall time of `codehub index`, process start included.\n\n' +
    table(['corpus', 'files', 'SQLite s', 'PostgreSQL s', 'PostgreSQL / SQLite'], rows)
  );
}

/**
 * The million-symbol index for one engine: reused when `searchData` holds one from an earlier run (a marker file
 * names the corpus), else built. Returns the storage arguments the server needs, or an Error.
 */
async function searchIndex(
  options: BackendsOptions,
  corpus: PreparedCorpus & { symbols: number },
  engine: 'sqlite' | 'postgres',
  repo: string,
): Promise<{ data: string; storageArgs: string[] } | Error> {
  const root = options.searchData ?? join(options.work, 'search');
  const data = join(root, engine === 'sqlite' ? 'data' : 'data-postgres');
  const database = `codehub_bench_search_${corpus.id.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  const storageArgs = engine === 'postgres' ? ['--database', databaseOn(options.postgres, database)] : [];
  const marker = join(data, `.bench-indexed-${corpus.id}`);
  const reusable =
    options.searchData !== null &&
    existsSync(marker) &&
    (engine === 'sqlite' || (await databaseExists(options.postgres, database)));
  if (reusable) {
    options.log(`backends: reusing the ${engine} index in ${data}`);
    return { data, storageArgs };
  }
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  if (engine === 'postgres') {
    await onServer(options.postgres, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await onServer(options.postgres, `CREATE DATABASE ${database}`);
  }
  options.log(`backends: indexing ${corpus.symbols.toLocaleString('en-US')} symbols into ${engine}`);
  const run = await indexWithCodehub(corpus.dir, data, repo, undefined, storageArgs);
  if (run.exitCode !== 0) return new Error(`failed to index into ${engine}: ${firstLine(run)}`);
  options.log(`backends: ${engine} index took ${sec(run.wallMs)} s`);
  writeFileSync(marker, `${new Date().toISOString()} ${sec(run.wallMs)} s\n`);
  return { data, storageArgs };
}

/**
 * Serves each engine's index from its own `codehub serve` (both up at once) and asks both the same questions about
 * the same symbol, question by question, SQLite then PostgreSQL: a change in the machine's load falls on both.
 */
async function queryLoadSection(options: BackendsOptions, targets: string[][]): Promise<string> {
  const corpus = prepareSyntheticCorpus(searchCorpusShape(options.searchSymbols));
  const repo = 'bench/synthetic/search';
  const engines = ['sqlite', 'postgres'] as const;
  const results: Record<'sqlite' | 'postgres', LoadRow[] | Error> = { sqlite: [], postgres: [] };
  const loadAvg: string[] = [];
  const servers: Partial<Record<'sqlite' | 'postgres', RunningServer>> = {};
  const symbols: Partial<Record<'sqlite' | 'postgres', string>> = {};
  try {
    for (const engine of engines) {
      const index = await searchIndex(options, corpus, engine, repo);
      if (index instanceof Error) {
        results[engine] = index;
        continue;
      }
      try {
        const server = await startCodehubServer(index.data, 120_000, index.storageArgs);
        servers[engine] = server;
        symbols[engine] = await searchCorpusSymbol(server.url, repo, corpus.files);
      } catch (err) {
        results[engine] = err instanceof Error ? err : new Error(String(err));
      }
    }
    // Each question twice per engine in the order SQLite, PostgreSQL, PostgreSQL, SQLite: a drift in the machine's
    // load over the four runs falls on both engines alike. The row is the mean of the two runs.
    const order = options.loadBound.amount === undefined ? [...engines, ...[...engines].reverse()] : engines;
    for (const label of LOAD_QUERIES) {
      const runs: Record<'sqlite' | 'postgres', LoadRow[]> = { sqlite: [], postgres: [] };
      for (const engine of order) {
        const server = servers[engine];
        if (!server || results[engine] instanceof Error) continue;
        options.log(`backends: ${label} on ${engine}`);
        runs[engine].push(
          ...(await loadEveryQuery(server.url, repo, symbols[engine]!, options.loadBound, [label])),
        );
      }
      for (const engine of engines) {
        const list = results[engine];
        if (!(list instanceof Error) && runs[engine].length > 0) list.push(meanOf(runs[engine]));
      }
      loadAvg.push(`${label} ${loadavg()[0]!.toFixed(1)}`);
    }
  } finally {
    for (const engine of engines) await servers[engine]?.stop();
    // Kept only where it is meant to be reused (--search-data); otherwise the run leaves no database behind.
    if (options.searchData === null) {
      const database = `codehub_bench_search_${corpus.id.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
      await onServer(options.postgres, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(
        () => undefined,
      );
    }
  }
  const cell = (engine: 'sqlite' | 'postgres', label: string): LoadRow | string => {
    const r = results[engine];
    if (r instanceof Error) return `failed: ${r.message.slice(0, 120)}`;
    return r.find((row) => row.label === label) ?? 'not run';
  };
  const rows: string[][] = [];
  let worst = 0;
  let measured = 0;
  const labels = LOAD_QUERIES;
  for (const label of labels) {
    const s = cell('sqlite', label);
    const p = cell('postgres', label);
    const half = (c: LoadRow | string): string[] =>
      typeof c === 'string'
        ? [c, '', '']
        : c.result
          ? [
              Math.round(c.result.reqPerSec).toLocaleString('en-US'),
              String(c.result.p50Ms),
              String(c.result.p99Ms),
            ]
          : [`failed: ${(c.error ?? '').slice(0, 120)}`, '', ''];
    const both = typeof s !== 'string' && typeof p !== 'string' && s.result && p.result;
    const p99Ratio = both ? p.result!.p99Ms / Math.max(1, s.result!.p99Ms) : null;
    if (p99Ratio !== null) {
      worst = Math.max(worst, p99Ratio);
      measured++;
    }
    rows.push([label, ...half(s), ...half(p), p99Ratio === null ? '–' : `${p99Ratio.toFixed(2)}×`]);
  }
  if (measured > 0)
    targets.push([
      `query load on PostgreSQL (${corpus.symbols.toLocaleString('en-US')} symbols): p99 within 2× of SQLite, every query`,
      `worst p99 ratio ${worst.toFixed(2)}× over ${measured} queries`,
      worst <= 2 && measured === labels.length ? 'met' : 'missed',
    ]);
  const bound = options.loadBound.amount
    ? `${options.loadBound.amount} requests`
    : `${options.loadBound.durationSec ?? 10} s each`;
  return (
    `## Queries under load, PostgreSQL vs SQLite (loopback, autocannon, ${options.loadBound.connections} connections, ${bound}; ` +
    `corpus ${corpus.id}: ${corpus.files.toLocaleString('en-US')} files, ${corpus.symbols.toLocaleString('en-US')} symbols)\n\n` +
    'The same questions about the same symbol as the load section above, asked of one `codehub serve` on the SQLite ' +
    'index and of one on the PostgreSQL index (same machine, loopback TCP; both servers up; each question loaded ' +
    'twice per engine, SQLite, PostgreSQL, PostgreSQL, SQLite, and each cell the mean of its two runs). ' +
    `Load average (1 min) after each question: ${loadAvg.join(', ')}. ` +
    'p99 ratio = PostgreSQL p99 / SQLite p99 (a p99 of 0 ms counts as 1).\n\n' +
    table(
      [
        'query',
        'SQLite req/s',
        'SQLite p50 ms',
        'SQLite p99 ms',
        'PG req/s',
        'PG p50 ms',
        'PG p99 ms',
        'p99 PG / SQLite',
      ],
      rows,
    )
  );
}

/** One row from runs of the same question: means of req/s, p50 and p99 (the first error, if any run failed). */
function meanOf(runs: LoadRow[]): LoadRow {
  const failed = runs.find((r) => r.result === null);
  if (failed || runs.length === 1) return failed ?? runs[0]!;
  const mean = (pick: (r: LoadResult) => number): number =>
    runs.reduce((n, r) => n + pick(r.result!), 0) / runs.length;
  const sum = (pick: (r: LoadResult) => number): number => runs.reduce((n, r) => n + pick(r.result!), 0);
  return {
    label: runs[0]!.label,
    error: null,
    result: {
      requests: sum((r) => r.requests),
      reqPerSec: mean((r) => r.reqPerSec),
      p50Ms: Math.round(mean((r) => r.p50Ms) * 10) / 10,
      p99Ms: Math.round(mean((r) => r.p99Ms) * 10) / 10,
      non2xx: sum((r) => r.non2xx),
      errors: sum((r) => r.errors),
    },
  };
}

/** Both comparisons: full index first (short runs), then the query load (a million symbols into each engine). */
export async function backendsReport(options: BackendsOptions): Promise<BackendsReport> {
  const targets: string[][] = [];
  const sections: string[] = [];
  mkdirSync(options.work, { recursive: true });
  if (options.corpora.length > 0) sections.push(await fullIndexSection(options, targets));
  if (options.searchSymbols > 0) sections.push(await queryLoadSection(options, targets));
  return { sections, targets };
}
