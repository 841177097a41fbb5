/**
 * Database size of a second snapshot (issue 16): index a generated repository, change one line of one function body,
 * commit and index again; report the database after each (SQLite: the file after a WAL checkpoint; PostgreSQL:
 * `pg_database_size`). Each codehub build given runs the same steps on the same repository, alternating engines, so a
 * before/after comparison is one run on one machine load.
 *
 *   node dist/bench/snapshot-sharing.js [--files 2000] [--build label=projectDir ...] [--postgres URL] [--out file.md]
 *
 * Without --build it measures this checkout; --postgres adds the PostgreSQL rows (a fresh database per build).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshStore } from './bench-store.js';
import { projectRoot } from './codehub-cli.js';
import { benchRoot, cloneCorpus, FIXED_GIT_ENV, pickSourceFile, prepareSyntheticCorpus } from './corpora.js';
import { measureCommand, median } from './measure.js';

/** One codehub build to measure: a project folder with bin/codehub.js and its dist/. */
export interface SharingBuild {
  label: string;
  root: string;
}

export interface SharingOptions {
  files: number;
  builds: SharingBuild[];
  /** Maintenance database URL of a PostgreSQL server, or null for SQLite only. */
  postgres: string | null;
  work: string;
  log(message: string): void;
}

/** One build on one engine: bytes after the first snapshot and after the one-line change. */
export interface SharingRow {
  build: string;
  engine: 'sqlite' | 'postgres';
  first: number;
  second: number;
  firstIndexMs: number;
  secondIndexMs: number;
  /** Question → median microseconds per call on the newer snapshot (two snapshots stored). */
  queries: Record<string, number>;
}

/** The graph reader as both builds have it (the bench asks through the storage port, like the query service). */
interface ReaderPort {
  latestSnapshot(repo: string): Promise<{ id: number } | null>;
  iterateSymbols(
    snapshot: number,
  ): AsyncIterable<{ id: string; name: string; path: string; startLine: number }>;
  symbolsById(snapshot: number, ids: string[]): Promise<unknown>;
  edgesFrom(snapshot: number, ids: string[]): Promise<unknown>;
  edgesTo(snapshot: number, ids: string[]): Promise<unknown>;
  callerCounts(snapshot: number, ids: string[]): Promise<unknown>;
  testsReaching(snapshot: number, ids: string[]): Promise<unknown>;
  searchSymbols(snapshot: number, search: { mode: string; q: string; limit: number }): Promise<unknown>;
  mostCalled(snapshot: number, limit: number): Promise<unknown>;
  untestedHotspots(snapshot: number, limit: number): Promise<unknown>;
  symbolsOfFile(snapshot: number, path: string): Promise<unknown>;
  findSymbolsAtLine(snapshot: number, path: string, line: number): Promise<unknown>;
  languageCounts(snapshot: number): Promise<unknown>;
}

/** Opens the build's own storage adapter on the index just made. */
async function openReader(
  build: SharingBuild,
  engine: 'sqlite' | 'postgres',
  target: string,
): Promise<{ reader: ReaderPort; close(): Promise<void> }> {
  const module = engine === 'sqlite' ? 'sqlite-storage.js' : 'postgres-storage.js';
  const exported = (await import(
    pathToFileURL(join(build.root, 'dist', 'src', 'db', module)).href
  )) as Record<string, new (where: string) => { reader: ReaderPort; close(): Promise<void> }>;
  const Adapter = engine === 'sqlite' ? exported.SqliteStorage : exported.PostgresStorage;
  if (!Adapter) throw new Error(`${build.label}: no storage adapter in ${module}`);
  return new Adapter(target);
}

/** Median microseconds per call of each question, over 100 symbols of the newest snapshot. */
async function timeQueries(reader: ReaderPort): Promise<Record<string, number>> {
  const snap = (await reader.latestSnapshot(REPO))?.id;
  if (snap === undefined) throw new Error('no snapshot to query');
  const all: Array<{ id: string; name: string; path: string; startLine: number }> = [];
  for await (const s of reader.iterateSymbols(snap)) all.push(s);
  const sample = Array.from({ length: 100 }, (_, i) => all[Math.floor((i * all.length) / 100)]!);
  const questions: Record<string, (s: (typeof sample)[number]) => Promise<unknown>> = {
    'symbol by id': (s) => reader.symbolsById(snap, [s.id]),
    'edges from': (s) => reader.edgesFrom(snap, [s.id]),
    'edges to': (s) => reader.edgesTo(snap, [s.id]),
    'caller counts': (s) => reader.callerCounts(snap, [s.id]),
    'tested by': (s) => reader.testsReaching(snap, [s.id]),
    'search exact': (s) => reader.searchSymbols(snap, { mode: 'exact', q: s.name, limit: 20 }),
    'search prefix': (s) => reader.searchSymbols(snap, { mode: 'prefix', q: s.name.slice(0, 4), limit: 20 }),
    'search humps': (s) =>
      reader.searchSymbols(snap, { mode: 'humps', q: s.name.slice(0, 1).toLowerCase() + 's', limit: 20 }),
    'search substring': (s) =>
      reader.searchSymbols(snap, { mode: 'substring', q: s.name.slice(1, 5), limit: 20 }),
    'symbols of file': (s) => reader.symbolsOfFile(snap, s.path),
    'symbols at line': (s) => reader.findSymbolsAtLine(snap, s.path, s.startLine),
    'most called': () => reader.mostCalled(snap, 20),
    'untested hotspots': () => reader.untestedHotspots(snap, 20),
    'language counts': () => reader.languageCounts(snap),
  };
  const out: Record<string, number> = {};
  for (const [name, ask] of Object.entries(questions)) {
    for (const s of sample.slice(0, 5)) await ask(s); // warm statement caches and pages
    const times: number[] = [];
    for (const s of sample) {
      const t = process.hrtime.bigint();
      await ask(s);
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    out[name] = median(times);
  }
  return out;
}

export interface SharingResult {
  rows: SharingRow[];
  section: string;
}

const REPO = 'bench/sharing/synthetic';

/** Changes one line of a function body (a constant in the last helper) of `relPath`, commits, returns the commit. */
export function commitOneLineBodyChange(dir: string, relPath: string): string {
  const file = join(dir, relPath);
  const text = readFileSync(file, 'utf8');
  const changed = text.replace('value * 2', 'value * 3');
  if (changed === text) throw new Error(`no 'value * 2' in ${relPath} to change`);
  writeFileSync(file, changed);
  const env = {
    ...process.env,
    ...FIXED_GIT_ENV,
    GIT_AUTHOR_DATE: '2024-01-03T00:00:00Z',
    GIT_COMMITTER_DATE: '2024-01-03T00:00:00Z',
  };
  execFileSync('git', ['commit', '-q', '-am', 'bench: change one line of one function body'], {
    cwd: dir,
    env,
  });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, env, encoding: 'utf8' }).trim();
}

async function index(
  build: SharingBuild,
  repoDir: string,
  data: string,
  storageArgs: string[],
): Promise<number> {
  const m = await measureCommand(
    process.execPath,
    [
      join(build.root, 'bin', 'codehub.js'),
      'index',
      repoDir,
      '--data',
      data,
      '--name',
      REPO,
      '--json',
      ...storageArgs,
    ],
    { cwd: build.root, timeoutMs: 30 * 60_000 },
  );
  if (m.exitCode !== 0) throw new Error(`codehub index (${build.label}) failed: ${m.stderr.slice(-2000)}`);
  return m.wallMs;
}

/** Runs every build on every engine; returns the rows and the BENCHMARKS.md section. */
export async function runSnapshotSharing(options: SharingOptions): Promise<SharingResult> {
  const corpus = prepareSyntheticCorpus({ files: options.files, seed: 1 });
  const engines: Array<'sqlite' | 'postgres'> = options.postgres ? ['sqlite', 'postgres'] : ['sqlite'];
  const rows: SharingRow[] = [];
  const loads: number[] = [loadavg()[0] ?? 0];
  for (const engine of engines) {
    for (const build of options.builds) {
      const slug = `${build.label.replace(/[^A-Za-z0-9]/g, '_')}_${engine}`;
      const repoDir = join(options.work, `repo-${slug}`);
      cloneCorpus(corpus, repoDir);
      const data = join(options.work, `data-${slug}`);
      const { storageArgs, size, drop } = await freshStore(
        engine,
        data,
        options.postgres,
        `codehub_bench_sharing_${slug}`.toLowerCase(),
      );
      try {
        options.log(`sharing: ${build.label} on ${engine}: first snapshot of ${corpus.id}`);
        const firstIndexMs = await index(build, repoDir, data, storageArgs);
        const first = await size();
        commitOneLineBodyChange(repoDir, pickSourceFile(repoDir));
        options.log(`sharing: ${build.label} on ${engine}: snapshot after a one-line change`);
        const secondIndexMs = await index(build, repoDir, data, storageArgs);
        const second = await size();
        const opened = await openReader(build, engine, storageArgs[1] ?? join(data, 'codehub.db'));
        let queries: Record<string, number>;
        try {
          queries = await timeQueries(opened.reader);
        } finally {
          await opened.close();
        }
        rows.push({ build: build.label, engine, first, second, firstIndexMs, secondIndexMs, queries });
        loads.push(loadavg()[0] ?? 0);
      } finally {
        await drop();
        rmSync(data, { recursive: true, force: true });
        rmSync(repoDir, { recursive: true, force: true });
      }
    }
  }
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  const section = [
    '## Snapshots that share rows (issue 16)',
    '',
    `Generated repository \`${corpus.id}\` (${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB of source),`,
    'indexed once, then again after a commit that changes one line of one function body. Database size after each',
    'index (SQLite: the file after a WAL checkpoint; PostgreSQL: `pg_database_size`); "added" is what the second',
    `snapshot cost, as a share of the first. Machine load (1-minute average) during the run: ${loads.map((l) => l.toFixed(2)).join(', ')}.`,
    '',
    '| build | engine | after 1st snapshot (MB) | after 1-line change (MB) | added (MB) | added / 1st | index 1st (s) | index 2nd (s) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.build} | ${r.engine} | ${mb(r.first)} | ${mb(r.second)} | ${mb(r.second - r.first)} | ${((100 * (r.second - r.first)) / r.first).toFixed(2)} % | ${(r.firstIndexMs / 1000).toFixed(1)} | ${(r.secondIndexMs / 1000).toFixed(1)} |`,
    ),
    '',
    'Questions through the storage port on the newer snapshot (two stored), median µs per call over 100 symbols',
    'spread over the repository (after 5 warm-up calls):',
    '',
    `| question | ${rows.map((r) => `${r.build} ${r.engine}`).join(' | ')} |`,
    `|---|${rows.map(() => '---:').join('|')}|`,
    ...Object.keys(rows[0]?.queries ?? {}).map(
      (q) => `| ${q} | ${rows.map((r) => (r.queries[q] ?? 0).toFixed(0)).join(' | ')} |`,
    ),
    '',
    'Reproduce: `node dist/bench/snapshot-sharing.js --files 2000 --build before=<checkout of the base> --build after=.',
    '--postgres postgres://…/postgres`.',
  ].join('\n');
  return { rows, section };
}

function parseArgs(argv: string[]): SharingOptions & { out: string | null } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const builds: SharingBuild[] = [];
  argv.forEach((a, i) => {
    if (a !== '--build') return;
    const spec = argv[i + 1] ?? '';
    const at = spec.indexOf('=');
    if (at <= 0) throw new Error(`--build ${spec}: give label=projectDir`);
    const root = resolve(spec.slice(at + 1));
    if (!existsSync(join(root, 'bin', 'codehub.js')))
      throw new Error(`--build ${spec}: no bin/codehub.js there`);
    builds.push({ label: spec.slice(0, at), root });
  });
  if (builds.length === 0) builds.push({ label: 'this build', root: projectRoot() });
  return {
    files: Number(value('--files') ?? 2000),
    builds,
    postgres: value('--postgres') ?? null,
    work: resolve(value('--work') ?? join(benchRoot(), '.work', 'sharing')),
    out: value('--out') ?? null,
    log: (m) => process.stderr.write(`${m}\n`),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  mkdirSync(options.work, { recursive: true });
  runSnapshotSharing(options).then(
    (result) => {
      if (options.out) writeFileSync(options.out, `${result.section}\n`);
      process.stdout.write(`${result.section}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
