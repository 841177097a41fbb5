/**
 * The only code that runs git. Every call goes through `runGit`; blob bytes stream through one
 * long-lived `git cat-file --batch` process per index run (see cat-file-batch.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CodehubError } from '../core/errors.js';
import { checkRepoId, isRepoId } from '../core/ids.js';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git with arguments in `cwd`; resolves with its exit code and output (never throws on non-zero exit). */
export function runGit(
  cwd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, { cwd, stdio: 'pipe', env: options.env ?? gitEnv() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => reject(new CodehubError('GitFailed', `could not run git: ${e.message}`)));
    child.on('close', (code) =>
      resolvePromise({
        code: code ?? 1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8').trim(),
      }),
    );
    // git may exit before reading all its input (a bad object name): its exit code says what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

/** Environment for git children: no prompts, no pager, stable messages. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' };
}

/**
 * Environment for git children that read objects: they never reach a remote. A partial clone's filtered-out blob
 * would otherwise be fetched one process at a time (or kill the reader when its remote is gone); indexing reads
 * what the repository has. An empty allow-list refuses every transport whatever `protocol.*.allow` says (git ≤ 2.43
 * has no other switch); GIT_NO_LAZY_FETCH (git ≥ 2.44) makes git answer "missing" without trying.
 */
export function offlineGitEnv(): NodeJS.ProcessEnv {
  return { ...gitEnv(), GIT_ALLOW_PROTOCOL: '', GIT_NO_LAZY_FETCH: '1' };
}

async function gitOk(
  cwd: string,
  args: string[],
  what: string,
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Buffer> {
  const r = await runGit(cwd, args, options);
  if (r.code !== 0) throw new CodehubError('GitFailed', `git ${what} failed: ${firstLine(r.stderr)}`);
  return r.stdout;
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '') ?? 'no message';
}

/** Checks that `dir` is (inside) a git repository and returns its absolute top-level or bare git dir. */
export async function openRepository(dir: string): Promise<string> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new CodehubError('NotAGitRepository', `${dir} is not a git repository (no such directory)`);
  }
  const r = await runGit(abs, ['rev-parse', '--is-bare-repository', '--show-toplevel']);
  if (r.code !== 0) {
    throw new CodehubError(
      'NotAGitRepository',
      `${dir} is not a git repository (run 'git init' there, or pass a clone URL)`,
    );
  }
  const lines = r.stdout.toString('utf8').trim().split('\n');
  if (lines[0] === 'true') return abs;
  return lines[1] ?? abs;
}

/**
 * openRepository and resolveCommit in one git process (a re-index's fixed cost); on any failure the two separate
 * calls run again to say precisely what is wrong.
 */
export async function openRepositoryAt(
  dir: string,
  ref: string,
): Promise<{ gitDir: string; commit: string }> {
  const abs = resolve(dir);
  if (!ref.startsWith('-') && existsSync(abs)) {
    const r = await runGit(abs, [
      'rev-parse',
      '--is-bare-repository',
      '--show-toplevel',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]);
    const lines = r.stdout.toString('utf8').trim().split('\n');
    const commit = lines[lines.length - 1] ?? '';
    if (r.code === 0 && /^[0-9a-f]{40,64}$/.test(commit)) {
      if (lines[0] === 'true' && lines.length === 2) return { gitDir: abs, commit };
      if (lines[0] === 'false' && lines.length === 3) return { gitDir: lines[1] ?? abs, commit };
    }
  }
  const gitDir = await openRepository(dir);
  return { gitDir, commit: await resolveCommit(gitDir, ref) };
}

/** Resolves a ref (branch, tag, sha, HEAD…) to a full commit sha; throws RefNotFound. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new CodehubError('RefNotFound', `ref '${ref}' not found`);
  const r = await runGit(repoDir, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${ref}^{commit}`,
  ]);
  if (r.code !== 0) {
    throw new CodehubError(
      'RefNotFound',
      `ref '${ref}' not found in ${repoDir} (try a branch, tag or commit sha)`,
    );
  }
  return r.stdout.toString('utf8').trim();
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'commit' | 'tree';
  oid: string;
  /** Blob size in bytes; null for submodules and for missing blobs. */
  size: number | null;
  /** True for a blob the repository does not have (a partial clone, a pruned mirror): it has no size or content. */
  missing: boolean;
  path: string;
}

/**
 * Lists every entry of a commit's tree with blob sizes, so sizes are known before any content is read (`git ls-tree
 * -r --long`, which says `BAD` for a blob it cannot find). ls-tree stops at the first blob a partial clone left out;
 * then the missing blobs are asked of rev-list and the others' sizes of cat-file.
 */
export async function listTree(repoDir: string, commit: string): Promise<TreeEntry[]> {
  const env = offlineGitEnv();
  const long = await runGit(repoDir, ['ls-tree', '-r', '-z', '--long', '--full-tree', commit], { env });
  if (long.code === 0) return parseTree(long.stdout);
  try {
    const [plain, missing] = await Promise.all([
      gitOk(repoDir, ['ls-tree', '-r', '-z', '--full-tree', commit], 'ls-tree', { env }),
      missingObjects(repoDir, commit),
    ]);
    const entries = parseTree(plain);
    const sizes = await objectSizes(
      repoDir,
      entries.filter((e) => e.type === 'blob' && !missing.has(e.oid)).map((e) => e.oid),
    );
    for (const e of entries) {
      if (e.type !== 'blob') continue;
      e.size = sizes.get(e.oid) ?? null;
      e.missing = e.size === null;
    }
    return entries;
  } catch {
    throw new CodehubError('GitFailed', `git ls-tree failed: ${firstLine(long.stderr)}`);
  }
}

/** Parses `git ls-tree -r -z` output, with or without `--long` sizes. */
function parseTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end === -1) end = out.length;
    const rec = out.toString('utf8', start, end);
    start = end + 1;
    const tab = rec.indexOf('\t');
    if (tab === -1) continue;
    const [mode, type, oid, size] = rec.slice(0, tab).split(/ +/);
    if (!mode || !type || !oid) continue;
    // --long prints `-` for a submodule and `BAD` for a blob git cannot find.
    const bytes = size === undefined || size === '-' || size === 'BAD' ? null : Number(size);
    entries.push({
      mode,
      type: type as TreeEntry['type'],
      oid,
      size: bytes,
      missing: size === 'BAD',
      path: rec.slice(tab + 1),
    });
  }
  return entries;
}

/** Oids reachable from a commit's tree that the repository does not have (never fetched: see offlineGitEnv). */
export async function missingObjects(repoDir: string, commit: string): Promise<Set<string>> {
  const out = await gitOk(
    repoDir,
    ['rev-list', '--objects', '--no-walk', '--missing=print', commit],
    'rev-list',
    { env: offlineGitEnv() },
  );
  const missing = new Set<string>();
  for (const line of out.toString('utf8').split('\n'))
    if (line.startsWith('?')) missing.add(line.slice(1).trim());
  return missing;
}

/** Sizes of objects by oid, in one `git cat-file --batch-check`; an object git lacks has no entry. */
async function objectSizes(repoDir: string, oids: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (oids.length === 0) return sizes;
  const out = await gitOk(
    repoDir,
    ['cat-file', '--batch-check=%(objectname) %(objectsize)'],
    'cat-file --batch-check',
    { input: [...new Set(oids)].join('\n') + '\n', env: offlineGitEnv() },
  );
  for (const line of out.toString('utf8').split('\n')) {
    const [oid, size] = line.split(' ');
    if (oid && size && /^\d+$/.test(size)) sizes.set(oid, Number(size));
  }
  return sizes;
}

/** Returns the URL of the `origin` remote, or null. */
export async function originUrl(repoDir: string): Promise<string | null> {
  const r = await runGit(repoDir, ['config', '--get', 'remote.origin.url']);
  if (r.code !== 0) return null;
  const url = r.stdout.toString('utf8').trim();
  return url === '' ? null : url;
}

/** True when `source` looks like a clone URL rather than a local path. */
export function isGitUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[^/\s]+@[^/\s:]+:/.test(source);
}

/**
 * `git@github.com:o/r.git`, `https://github.com/o/r`, `ssh://git@host/o/r` → `github.com/o/r`, unchecked (see
 * repoIdFromUrl); null when the URL has no host and two path parts.
 */
export function repoIdCandidateFromUrl(url: string): string | null {
  let host: string;
  let path: string;
  const scp = /^[^/\s]+@([^/\s:]+):(.+)$/.exec(url);
  if (scp && !url.includes('://')) {
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  } else {
    try {
      const u = new URL(url);
      if (u.protocol === 'file:') return null;
      host = u.hostname;
      path = u.pathname;
    } catch {
      return null;
    }
  }
  const parts = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter((p) => p !== '');
  if (parts.length < 2 || host === '') return null;
  return `${host.toLowerCase()}/${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
}

/** The repo id a clone URL names, or null when it names none that is usable (`x@..:../..` would give `../../..`). */
export function repoIdFromUrl(url: string): string | null {
  const id = repoIdCandidateFromUrl(url);
  return id !== null && isRepoId(id) ? id : null;
}

/**
 * Repo id for a local repository: the origin remote's id, else `local/<dirname>`; throws InvalidInput when the
 * folder's name cannot make one (`...git` would give `local/..`).
 */
export async function repoIdForLocal(repoDir: string): Promise<string> {
  const origin = await originUrl(repoDir);
  const fromOrigin = origin ? repoIdFromUrl(origin) : null;
  if (fromOrigin) return fromOrigin;
  const dir =
    basename(repoDir)
      .replace(/\.git$/, '')
      .replace(/[^A-Za-z0-9._-]/g, '-') || 'repo';
  return checkRepoId(
    `local/${dir}`,
    'repo id',
    `it was made from the folder name ${JSON.stringify(basename(repoDir))}: pass --name host/owner/name`,
  );
}

/** Clones `url` bare into `dest`, or fetches into it when it already exists. */
export async function cloneOrFetch(url: string, dest: string): Promise<void> {
  if (existsSync(dest)) {
    await gitOk(
      dest,
      ['fetch', '--prune', '--tags', '--force', 'origin', '+refs/heads/*:refs/heads/*'],
      'fetch',
    );
    return;
  }
  // Clone next to the destination and rename, so a killed clone never looks like a finished one.
  const partial = `${dest}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const r = await runGit(process.cwd(), ['clone', '--bare', '--quiet', '--end-of-options', url, partial]);
  if (r.code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new CodehubError('GitFailed', `git clone ${url} failed: ${firstLine(r.stderr)}`);
  }
  renameSync(partial, dest);
}
