/**
 * A fixture folder made into a real git repo, indexed with the real CLI into a temp data dir, and served by
 * `codehub serve --port 0` in a child process. Suites that need the whole pipeline (web, MCP, reliability)
 * share it: `const hub = await startIndexedHub(); … await hub.stop();`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, FixtureRepo, ROOT, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

export const SEED_PATTERN_REPO = 'github.com/acme/seed-pattern';

export interface IndexedHub {
  /** Base URL of the served hub, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  /** The data dir the hub serves (blobs/ and the database live here). */
  dataDir: string;
  /** The indexed repository: its id (`host/owner/name`), commit sha and working-tree dir. */
  repo: { id: string; commit: string; dir: string };
  /** Every line the server printed on stdout and stderr so far (for failure messages). */
  output(): string;
  /** Stops the server and removes the temp dirs. */
  stop(): Promise<void>;
}

export interface IndexedHubOptions {
  /** Fixture folder relative to the project root; default test/fixtures/seed-pattern. */
  fixture?: string;
  /** Repository id given with `--name`; default github.com/acme/seed-pattern. */
  name?: string;
  /** Extra files written into the repo before the commit (path → content). */
  extraFiles?: Record<string, string>;
}

/** Copies the fixture into a fresh git repo, commits it and indexes it with `codehub index --name`. */
export function indexFixture(options: IndexedHubOptions = {}): {
  tmp: string;
  dataDir: string;
  repo: { id: string; commit: string; dir: string };
} {
  const tmp = tempDir('hub');
  const dir = join(tmp, 'repo');
  const dataDir = join(tmp, 'data');
  cpSync(join(ROOT, options.fixture ?? join('test', 'fixtures', 'seed-pattern')), dir, { recursive: true });
  const fixture = FixtureRepo.init(dir);
  for (const [path, content] of Object.entries(options.extraFiles ?? {})) fixture.write(path, content);
  const commit = fixture.commit('fixture');
  const id = options.name ?? SEED_PATTERN_REPO;
  const r = runCli(['index', dir, '--data', dataDir, '--name', id]);
  if (r.code !== 0) {
    removeDir(tmp);
    throw new Error(`codehub index exited with ${r.code}: ${r.stderr}`);
  }
  return { tmp, dataDir, repo: { id, commit, dir } };
}

/** Starts `codehub serve --data DIR --port 0` and resolves with the URL from its `codehub hub: <url>` line. */
export async function serveDataDir(
  dataDir: string,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  child.stderr!.on('data', (c: Buffer) => (seen += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`codehub serve printed no URL within 60 s:\n${seen}`));
    }, 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      seen += c.toString('utf8');
      const m = /^codehub hub: (\S+)$/m.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`codehub serve exited with ${code} before printing its URL:\n${seen}`));
    });
  });
  return { url, child, output: () => seen };
}

/** Indexes the fixture and serves it; see IndexedHub. */
export async function startIndexedHub(options: IndexedHubOptions = {}): Promise<IndexedHub> {
  const { tmp, dataDir, repo } = indexFixture(options);
  let served: Awaited<ReturnType<typeof serveDataDir>>;
  try {
    served = await serveDataDir(dataDir);
  } catch (err) {
    removeDir(tmp);
    throw err;
  }
  const { child } = served;
  return {
    url: served.url,
    dataDir,
    repo,
    output: served.output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      removeDir(tmp);
    },
  };
}
