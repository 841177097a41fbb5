/**
 * The peer tools run side by side with codehub on the same corpus. Each runs on a fresh clone of the corpus (so
 * no tool reuses an earlier index) with HOME pointed at a scratch folder (gitnexus writes a registry there).
 * Peers are dev-only: installed at pinned versions by `npm install --prefix bench` (bench/package.json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { benchRoot } from './corpora.js';

/** How to run one peer on a checked-out repository in `repoDir`, writing outputs under `outDir`. */
export interface PeerTool {
  name: string;
  /** Version string shown in BENCHMARKS.md. */
  version: string;
  /** What the peer produces, so a reader can weigh its time. */
  does: string;
  command(
    repoDir: string,
    outDir: string,
  ): { command: string; args: string[]; cwd: string; env: Record<string, string> };
  /** Bytes of the index the peer wrote (0 if unknown). */
  outputBytes(repoDir: string, outDir: string): number;
  /** Runs per corpus at most (slow peers run once even when the bench takes a median of 3). */
  maxReps: number;
  /** Null when runnable, else why not. */
  unavailable(): string | null;
}

/** Total size of files under a path (a file or a folder); 0 when absent. */
export function pathBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of readdirSync(path)) total += pathBytes(join(path, name));
  return total;
}

function binPath(name: string): string {
  return join(benchRoot(), 'node_modules', '.bin', name);
}

function installedVersion(pkg: string): string {
  try {
    const manifest = join(benchRoot(), 'node_modules', pkg, 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function npmPeerMissing(pkg: string, bin: string): string | null {
  return existsSync(binPath(bin))
    ? null
    : `${pkg} is not installed in bench/node_modules (run: npm install --prefix bench)`;
}

/** Ensures the pinned peers are installed in bench/node_modules; returns an error text when the install failed. */
export function ensurePeersInstalled(): string | null {
  const root = benchRoot();
  if (['codegraph', 'scip-typescript', 'gitnexus'].every((bin) => existsSync(binPath(bin)))) return null;
  try {
    execFileSync('npm', ['install', '--prefix', root, '--no-audit', '--no-fund'], { stdio: 'inherit' });
    return null;
  } catch (err) {
    return `npm install --prefix bench failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function ctagsVersion(): string | null {
  try {
    const out = execFileSync('ctags', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.includes('Universal Ctags') ? (out.split('\n')[0] ?? '').replace(/,.*$/, '') : null;
  } catch {
    return null;
  }
}

/** Peer definitions, in the order of the table. */
export function peerTools(): PeerTool[] {
  const scratchHome = (outDir: string): string => {
    const home = join(outDir, 'home');
    mkdirSync(home, { recursive: true });
    return home;
  };
  return [
    {
      name: 'ctags',
      maxReps: 3,
      version: ctagsVersion() ?? 'not installed',
      does: 'symbols only (no references, no call graph)',
      command: (repo, out) => ({
        command: 'ctags',
        args: ['-R', '--languages=TypeScript,JavaScript', '-f', join(out, 'tags'), '.'],
        cwd: repo,
        env: {},
      }),
      outputBytes: (_repo, out) => pathBytes(join(out, 'tags')),
      unavailable: () =>
        ctagsVersion() ? null : 'Universal Ctags not found (Debian: apt-get install -y universal-ctags)',
    },
    {
      name: 'codegraph',
      maxReps: 3,
      version: `@optave/codegraph ${installedVersion('@optave/codegraph')}`,
      does: 'symbols + call graph + AST/complexity/dataflow/CFG (defaults)',
      command: (repo, out) => ({
        command: binPath('codegraph'),
        args: ['build', '--no-incremental', '--db', join(out, 'graph.db'), repo],
        cwd: repo,
        env: { HOME: scratchHome(out) },
      }),
      outputBytes: (_repo, out) => pathBytes(join(out, 'graph.db')),
      unavailable: () => npmPeerMissing('@optave/codegraph', 'codegraph'),
    },
    {
      name: 'scip-typescript',
      maxReps: 1,
      version: `@sourcegraph/scip-typescript ${installedVersion('@sourcegraph/scip-typescript')}`,
      does: 'compiler-exact symbols + references (type checker)',
      command: (repo, out) => ({
        command: binPath('scip-typescript'),
        args: ['index', '--cwd', repo, '--output', join(out, 'index.scip'), '--no-progress-bar'],
        cwd: repo,
        env: { HOME: scratchHome(out) },
      }),
      outputBytes: (_repo, out) => pathBytes(join(out, 'index.scip')),
      unavailable: () => npmPeerMissing('@sourcegraph/scip-typescript', 'scip-typescript'),
    },
    {
      name: 'gitnexus',
      maxReps: 1,
      version: `gitnexus ${installedVersion('gitnexus')}`,
      does: 'knowledge graph (symbols, calls, clusters, flows); FTS extension needs a download, so runs without it',
      command: (repo, out) => ({
        command: binPath('gitnexus'),
        args: ['analyze', '--index-only', '--skip-git', '--no-stats', repo],
        cwd: repo,
        env: { HOME: scratchHome(out) },
      }),
      outputBytes: (repo) => pathBytes(join(repo, '.gitnexus')),
      unavailable: () => npmPeerMissing('gitnexus', 'gitnexus'),
    },
  ];
}
