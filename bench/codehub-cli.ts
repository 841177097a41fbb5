/**
 * The bench's only view of codehub: it spawns the built CLI (`node bin/codehub.js ...`) like a user would, and
 * talks HTTP to `codehub serve`. Routes and MCP tool names live in CODEHUB_ROUTES so a change there is one edit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchRoot, prepareSyntheticCorpus } from './corpora.js';
import { measureCommand, treeRss } from './measure.js';

/** Where each question is asked over HTTP; symbol ids follow src/core/ids.ts (`path::qualifiedName:kind`). */
export const CODEHUB_ROUTES = {
  symbolPage: (repo: string, id: string): string => `/${repo}/-/symbol/${encodeURIComponent(id)}`,
  apiSymbol: (repo: string, id: string): string => `/api/v1/repos/${repo}/-/symbol/${encodeURIComponent(id)}`,
  apiBlob: (repo: string, path: string): string => `/api/v1/repos/${repo}/-/blob/${path}`,
  apiSearch: (repo: string, q: string): string =>
    `/api/v1/search?q=${encodeURIComponent(q)}&repo=${encodeURIComponent(repo)}&limit=20`,
  mcp: '/mcp',
  mcpGetSymbol: (repo: string, id: string) => ({ name: 'get_symbol', arguments: { repo, symbol: id } }),
  mcpGetCallers: (repo: string, id: string) => ({ name: 'get_callers', arguments: { repo, symbol: id } }),
} as const;

/** One CLI run: wall time, peak RSS of the process tree, and the parsed `--json` output (null if none). */
export interface CodehubRun {
  wallMs: number;
  peakRss: number;
  json: Record<string, unknown> | null;
  exitCode: number | null;
  stderr: string;
}

/** Project root (the folder holding bin/codehub.js). */
export function projectRoot(): string {
  return dirname(benchRoot());
}

let cpuProfileDir: string | null = null;

/** When set, every codehub CLI run writes a V8 CPU profile (`node --cpu-prof`) into `dir`. */
export function setCpuProfileDir(dir: string | null): void {
  cpuProfileDir = dir;
}

/** Spawns `node bin/codehub.js <args>` and measures it. */
export async function runCodehub(args: string[], timeoutMs = 30 * 60_000): Promise<CodehubRun> {
  const root = projectRoot();
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const m = await measureCommand(process.execPath, [...profile, join(root, 'bin', 'codehub.js'), ...args], {
    cwd: root,
    timeoutMs,
  });
  let json: Record<string, unknown> | null = null;
  try {
    const text = m.stdout.trim();
    const start = text.indexOf('{');
    if (start >= 0) json = JSON.parse(text.slice(start)) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { wallMs: m.wallMs, peakRss: m.peakRss, json, exitCode: m.exitCode, stderr: m.stderr };
}

/**
 * Indexes `repoDir` into `dataDir` as `name`; `workers` adds `--workers N`; `storageArgs` picks another storage
 * (`['--database', url]`, `['--blobs', location]`).
 */
export function indexWithCodehub(
  repoDir: string,
  dataDir: string,
  name: string,
  workers?: number,
  storageArgs: readonly string[] = [],
): Promise<CodehubRun> {
  const args = ['index', repoDir, '--data', dataDir, '--name', name, '--json', ...storageArgs];
  if (workers !== undefined) args.push('--workers', String(workers));
  return runCodehub(args);
}

let probed: Promise<string | null> | undefined;

/**
 * Null when the codehub CLI can index (probed once on a 5-file synthetic repo), else the reason it cannot —
 * e.g. not built yet (`npm run build`) or the `index` command is not there yet.
 */
export function codehubUnavailable(): Promise<string | null> {
  probed ??= (async () => {
    const root = projectRoot();
    if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
      return 'codehub CLI not built (run npm run build)';
    const corpus = prepareSyntheticCorpus({ files: 5, seed: 7 });
    const data = mkdtempSync(join(tmpdir(), 'codehub-probe-'));
    try {
      const run = await indexWithCodehub(corpus.dir, data, 'bench/probe/synthetic', undefined);
      if (run.exitCode === 0 && run.json) return null;
      const why = run.stderr.trim().split('\n')[0] ?? '';
      return `codehub index is not available yet (exit ${run.exitCode}: ${why || 'no JSON summary on stdout'})`;
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  })();
  return probed;
}

/** Sizes inside a codehub data folder: SQLite files vs everything else (the blob store). */
export function dataDirSizes(dataDir: string): { dbBytes: number; blobBytes: number } {
  let dbBytes = 0;
  let blobBytes = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (/\.(sqlite|sqlite3|db)(-wal|-shm|-journal)?$/.test(name)) dbBytes += stat.size;
      else blobBytes += stat.size;
    }
  };
  if (existsSync(dataDir)) walk(dataDir);
  return { dbBytes, blobBytes };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running `codehub serve`. */
export interface RunningServer {
  url: string;
  child: ChildProcess;
  rss(): number;
  stop(): Promise<void>;
}

/**
 * Starts `codehub serve --port P --data DIR` and waits until it prints its URL (the server answers pages while
 * its highlighter warms, but /mcp only once the URL is printed) and answers HTTP. With a CPU profile
 * folder set, the server writes its profile there when stopped (SIGTERM ends it through its normal shutdown).
 */
export async function startCodehubServer(
  dataDir: string,
  timeoutMs = 120_000,
  storageArgs: readonly string[] = [],
): Promise<RunningServer> {
  const port = await freePort();
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      join(projectRoot(), 'bin', 'codehub.js'),
      'serve',
      '--port',
      String(port),
      '--data',
      dataDir,
      ...storageArgs,
    ],
    {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  };
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`codehub serve exited (${child.exitCode}): ${stderr.trim()}`);
    try {
      if (!/^codehub hub: /m.test(stdout)) throw new Error('not ready');
      await fetch(`${url}/`);
      return { url, child, rss: () => (child.pid === undefined ? 0 : treeRss(child.pid)), stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`codehub serve did not answer within ${timeoutMs} ms`);
}
