/**
 * What the Debian-based corpus scripts (go-corpora.ts, java-corpora.ts, python-corpora.ts) share: the cached
 * prepare frame (stage in a temporary folder, commit with a fixed identity, move to `<root>/<id>`, measure, cache),
 * fetching and unpacking one pinned binary package, and copying a file into the staging tree.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitTree, measureTree, readCached, writeCached, type PreparedCorpus } from './corpora.js';

/**
 * The corpus `<root>/<id>`, from the cache when there, else built: `fill` gets a temporary folder and an empty
 * staging folder inside it, copies the corpus into the staging folder and returns the commit message.
 */
export function prepareCachedCorpus(
  id: string,
  root: string,
  tempPrefix: string,
  isSource: (file: string) => boolean,
  fill: (temp: string, staging: string) => string,
): PreparedCorpus {
  const dir = join(root, id);
  const cached = readCached(dir, id);
  if (cached) return cached;
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const temp = mkdtempSync(join(tmpdir(), tempPrefix));
  try {
    const staging = join(temp, 'repo');
    mkdirSync(staging);
    const commit = commitTree(staging, fill(temp, staging));
    renameSync(staging, dir);
    const corpus: PreparedCorpus = { id, dir, commit, ...measureTree(dir, isSource) };
    writeCached(corpus);
    return corpus;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Fetches `pkg=version` with `apt-get download` into `temp` and unpacks it with `dpkg -x`; returns the unpacked folder. */
export function downloadDebianPackage(pkg: string, version: string, temp: string): string {
  try {
    execFileSync('apt-get', ['download', `${pkg}=${version}`], {
      cwd: temp,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(
      `apt-get download ${pkg}=${version} failed (needs Debian bookworm package lists: apt-get update)${stderr ? `: ${stderr}` : ''}`,
    );
  }
  const deb = readdirSync(temp).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg}=${version} left no .deb`);
  const unpacked = join(temp, 'unpacked');
  execFileSync('dpkg', ['-x', join(temp, deb), unpacked], { stdio: 'ignore' });
  return unpacked;
}

/** Copies one file into the staging tree (folders made as needed), as a plain 0644 file. */
export function copyFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, readFileSync(from));
  chmodSync(to, 0o644);
}
