/**
 * Corpus setup shared by the benchmark and the accuracy eval: real TypeScript code bases at pinned npm versions,
 * unpacked into git repositories with a reproducible commit, plus a seeded synthetic repository generator.
 * Everything is cached under `bench/.corpora/` (gitignored); a corpus already present is never re-downloaded.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
  renameSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One pinned npm package that ships its `.ts` sources. */
export interface CorpusSpec {
  /** Short name used in tables and folder names. */
  name: string;
  /** npm package name. */
  pkg: string;
  /** Exact version; never a range, so every run indexes the same bytes. */
  version: string;
  /** Why this code base is in the set. */
  note: string;
}

/** A corpus ready on disk as a git repository. */
export interface PreparedCorpus {
  id: string;
  dir: string;
  commit: string;
  files: number;
  bytes: number;
  loc: number;
}

/**
 * The pinned real corpora. Checked with `npm pack`: these ship non-declaration `.ts` sources
 * (zod 3.24, kysely, hono, drizzle-orm, typeorm, ts-pattern, xstate ship only compiled JS + .d.ts).
 */
export const REAL_CORPORA: readonly CorpusSpec[] = [
  {
    name: 'effect',
    pkg: 'effect',
    version: '3.19.0',
    note: 'largest real TS source tree found on npm; dense call graph',
  },
  { name: 'zod', pkg: 'zod', version: '4.1.0', note: 'schema library, classes + functions, v3 and v4 trees' },
  {
    name: 'rxjs',
    pkg: 'rxjs',
    version: '7.8.2',
    note: 'operators calling each other across many small files',
  },
  { name: 'mobx', pkg: 'mobx', version: '6.13.5', note: 'classes with methods, observable internals' },
];

/**
 * TypeScript corpora held out from tuning: the accuracy eval only measures them (EVAL.md, set "held out"); the
 * resolver and its confidence table are never adjusted by looking at their missed or wrong edges.
 */
export const TS_HELD_OUT_CORPORA: readonly CorpusSpec[] = [
  { name: 'immer', pkg: 'immer', version: '10.1.1', note: 'small: proxies, drafts, plugin objects' },
  {
    name: 'query-core',
    pkg: '@tanstack/query-core',
    version: '5.59.0',
    note: 'classes with typed fields, observers, caches',
  },
  {
    name: 'redux-toolkit',
    pkg: '@reduxjs/toolkit',
    version: '2.3.0',
    note: 'builder objects, factories returning objects, generics',
  },
];

/** The earlier release of one real corpus, indexed after it to measure blob-store dedupe. */
export const DEDUPE_PAIR: { base: CorpusSpec; next: CorpusSpec } = {
  base: {
    name: 'zod',
    pkg: 'zod',
    version: '3.25.76',
    note: 'previous release line of zod (also ships the v4 tree)',
  },
  next: REAL_CORPORA[1]!,
};

/** Commit identity and date fixed so the same tree always yields the same commit sha. */
export const FIXED_GIT_ENV: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: 'codehub bench',
  GIT_AUTHOR_EMAIL: 'bench@codehub.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'codehub bench',
  GIT_COMMITTER_EMAIL: 'bench@codehub.invalid',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

const SOURCE_FILE = /\.(ts|tsx|mts|cts)$/;
const DECLARATION_FILE = /\.d\.(ts|mts|cts)$/;

/** The bench folder (source tree), found from this module whether it runs from `bench/` or `dist/bench/`. */
export function benchRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'corpora.ts'))) return dir;
    if (existsSync(join(dir, 'bench', 'corpora.ts'))) return join(dir, 'bench');
    dir = dirname(dir);
  }
  throw new Error('cannot find the bench/ folder; run from a checkout of the project');
}

/** Default cache folder for corpora. */
export function corporaRoot(): string {
  return join(benchRoot(), '.corpora');
}

function git(cwd: string, args: string[], extraEnv: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...FIXED_GIT_ENV, ...extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Every file under dir (path order, `.git` left out). */
export function walkFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name === '.git') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walkFiles(full, out);
    else out.push(full);
  }
  return out;
}

/** Counts source files, bytes and lines of a repository's sources (TypeScript unless `isSource` says otherwise). */
export function measureTree(
  dir: string,
  isSource: (file: string) => boolean = (f) => SOURCE_FILE.test(f) && !DECLARATION_FILE.test(f),
): { files: number; bytes: number; loc: number } {
  let files = 0;
  let bytes = 0;
  let loc = 0;
  for (const file of walkFiles(dir)) {
    if (!isSource(file)) continue;
    const text = readFileSync(file);
    files++;
    bytes += text.length;
    for (const byte of text) if (byte === 10) loc++;
  }
  return { files, bytes, loc };
}

/** Makes `dir` a git repository with one commit of everything in it, with fixed identity and date. */
export function commitTree(dir: string, message: string): string {
  if (!existsSync(join(dir, '.git'))) git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'core.autocrlf', 'false']);
  git(dir, ['config', 'core.fileMode', 'false']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

const STATS_FILE = '.corpus-stats.json';

/** The prepared corpus at dir when its stats file matches its HEAD, else null. */
export function readCached(dir: string, id: string): PreparedCorpus | null {
  const statsPath = join(dirname(dir), `${id}${STATS_FILE}`);
  if (!existsSync(join(dir, '.git')) || !existsSync(statsPath)) return null;
  try {
    const stats = JSON.parse(readFileSync(statsPath, 'utf8')) as PreparedCorpus;
    const head = git(dir, ['rev-parse', 'HEAD']);
    if (head !== stats.commit) return null;
    return { ...stats, dir };
  } catch {
    return null;
  }
}

export function writeCached(corpus: PreparedCorpus): void {
  writeFileSync(join(dirname(corpus.dir), `${corpus.id}${STATS_FILE}`), JSON.stringify(corpus, null, 2));
}

/** A tsconfig so that type-aware peers (scip-typescript) and the accuracy eval see one project. */
const CORPUS_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    lib: ['ES2022', 'DOM'],
  },
  include: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
};

/**
 * Fetches `pkg@version` with `npm pack` into `temp` and copies its non-declaration TypeScript sources and its
 * package.json into `target` (created), keeping the tarball's layout.
 */
function unpackNpmSources(pkg: string, version: string, temp: string, target: string): void {
  const packDir = mkdtempSync(join(temp, 'pack-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', packDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // The JSON lists every file of the tarball: megabytes for a large package.
      maxBuffer: 256 * 1024 * 1024,
    }),
  ) as Array<{ filename: string }>;
  const tarball = join(packDir, packed[0]!.filename);
  const unpacked = join(packDir, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1', '--no-same-owner'], {
    stdio: 'ignore',
  });
  for (const file of walkFiles(unpacked)) {
    const rel = relative(unpacked, file);
    const keep = rel === 'package.json' || (SOURCE_FILE.test(rel) && !DECLARATION_FILE.test(rel));
    if (!keep) continue;
    const out = join(target, rel);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, readFileSync(file));
    chmodSync(out, 0o644);
  }
  rmSync(packDir, { recursive: true, force: true });
}

/**
 * Fetches `pkg@version` with `npm pack`, keeps its non-declaration TypeScript sources (plus package.json and
 * a tsconfig), and commits them as a git repository under `<root>/<name>@<version>`. Cached: returns at once if present.
 */
export function prepareNpmCorpus(spec: CorpusSpec, root = corporaRoot()): PreparedCorpus {
  return stageCorpus(`${spec.name}@${spec.version}`, root, (staging, temp) => {
    unpackNpmSources(spec.pkg, spec.version, temp, staging);
    if (!existsSync(join(staging, 'tsconfig.json'))) {
      writeFileSync(join(staging, 'tsconfig.json'), `${JSON.stringify(CORPUS_TSCONFIG, null, 2)}\n`);
    }
    return `${spec.pkg}@${spec.version} from the npm registry (sources only)`;
  });
}

/**
 * The cached corpus `<root>/<id>`, or a new one: `fill` writes the tree into an empty staging folder (with a scratch
 * folder beside it) and returns the commit message; the tree is committed with a fixed author and date, moved into
 * place and its stats cached.
 */
function stageCorpus(
  id: string,
  root: string,
  fill: (staging: string, temp: string) => string,
): PreparedCorpus {
  const dir = join(root, id);
  const cached = readCached(dir, id);
  if (cached) return cached;
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const temp = mkdtempSync(join(tmpdir(), 'codehub-corpus-'));
  try {
    const staging = join(temp, 'repo');
    mkdirSync(staging);
    const commit = commitTree(staging, fill(staging, temp));
    renameSync(staging, dir);
    const corpus: PreparedCorpus = { id, dir, commit, ...measureTree(dir) };
    writeCached(corpus);
    return corpus;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A real multi-package tree: several pinned npm packages' sources side by side under `packages/<npm name>/`. */
export interface MonorepoCorpusSpec {
  name: string;
  /** Version label of the tree (its main package's version). */
  version: string;
  note: string;
  packages: ReadonlyArray<{ pkg: string; version: string }>;
}

/**
 * The ≥ 2,500-file real corpus (issue 16). No single npm package ships that many `.ts` sources, so this is a real
 * dependency tree laid out as a monorepo: viem with the exact versions of its dependencies (ox, abitype, @noble/*,
 * @scure/*, isows), wagmi and @wagmi/core/@wagmi/connectors built on it, their query layer (@tanstack/query-core,
 * @tanstack/react-query), and accounts with the packages it imports (zod 4, wata, webauthx, mipd). Every version
 * is exact. Imports between the packages resolve in-repo: the root package.json declares the packages as
 * workspaces (codehub maps a workspace package's `exports` to its sources) and the generated tsconfig.json maps
 * each package's exported entry points to their source files with `paths` (for scip-typescript).
 */
export const BIG_CORPUS: MonorepoCorpusSpec = {
  name: 'viem-stack',
  version: '2.57.20',
  note: 'real ≥ 2,500-file tree: viem 2.57.20 with its dependencies, wagmi, accounts, zod 4, TanStack Query (npm sources as a monorepo)',
  packages: [
    { pkg: 'viem', version: '2.57.20' },
    { pkg: 'ox', version: '0.14.67' },
    { pkg: 'abitype', version: '1.2.3' },
    { pkg: '@noble/curves', version: '1.9.1' },
    { pkg: '@noble/hashes', version: '1.8.0' },
    { pkg: '@noble/ciphers', version: '1.3.0' },
    { pkg: '@scure/bip32', version: '1.7.0' },
    { pkg: '@scure/bip39', version: '1.6.0' },
    { pkg: '@scure/base', version: '1.2.6' },
    { pkg: 'isows', version: '1.0.7' },
    { pkg: 'wagmi', version: '3.7.7' },
    { pkg: '@wagmi/core', version: '3.6.5' },
    { pkg: '@wagmi/connectors', version: '8.2.0' },
    { pkg: 'mipd', version: '0.0.7' },
    { pkg: '@tanstack/query-core', version: '5.90.2' },
    { pkg: '@tanstack/react-query', version: '5.90.2' },
    { pkg: 'accounts', version: '0.18.0' },
    { pkg: 'zod', version: '4.4.3' },
    { pkg: 'wata', version: '0.4.0' },
    { pkg: 'webauthx', version: '0.1.2' },
  ],
};

/** Build-output folders a package.json target may sit under; the source file has the same path without them. */
const BUILD_DIRS = new Set([
  '_esm',
  '_cjs',
  '_types',
  'esm',
  'cjs',
  'dist',
  'lib',
  'build',
  'types',
  'module',
]);
/** Condition names tried in order when an `exports` target is an object. */
const EXPORT_CONDITIONS = ['source', 'types', 'import', 'module', 'default', 'require', 'node', 'browser'];

function exportTarget(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return exportTarget(value[0]);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const condition of EXPORT_CONDITIONS) {
      const found = condition in object ? exportTarget(object[condition]) : null;
      if (found) return found;
    }
  }
  return null;
}

/** The source file (relative to the package) a built `exports` target stands for, or null if none is there. */
export function sourceOfTarget(packageDir: string, target: string): string | null {
  const parts = target.replace(/^\.\//, '').split('/');
  while (parts.length > 1 && BUILD_DIRS.has(parts[0]!)) parts.shift();
  const stem = parts.join('/').replace(/(\.d)?\.(m|c)?(js|ts)x?$/, '');
  const candidates = [stem, `src/${stem}`].flatMap((s) => [`${s}.ts`, `${s}.tsx`, `${s}/index.ts`]);
  return candidates.find((c) => existsSync(join(packageDir, c))) ?? null;
}

/**
 * tsconfig `paths` for a tree of packages under `packages/`: each `exports` entry (or the `.` entry from
 * `types`/`module`/`main`) mapped to the source file it is built from, plus `<name>/*` into the package folder.
 */
export function monorepoPaths(root: string, names: readonly string[]): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const name of names) {
    const dir = join(root, 'packages', name);
    const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const exportsField = json.exports;
    const entries: Array<[string, unknown]> =
      exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField)
        ? Object.keys(exportsField).some((k) => k.startsWith('.'))
          ? Object.entries(exportsField)
          : [['.', exportsField]]
        : [['.', exportsField ?? json.types ?? json.module ?? json.main ?? 'index.js']];
    for (const [key, value] of entries) {
      if (key.includes('*')) continue;
      const target = exportTarget(value);
      const source = target ? sourceOfTarget(dir, target) : null;
      if (source)
        paths[key === '.' ? name : `${name}/${key.replace(/^\.\//, '')}`] = [`packages/${name}/${source}`];
    }
    paths[`${name}/*`] = [`packages/${name}/*`, `packages/${name}/src/*`];
  }
  return paths;
}

/**
 * Builds the multi-package corpus: each pinned package's sources under `packages/<npm name>/` (its own
 * package.json kept), a root package.json naming them as workspaces and a tsconfig.json with `paths` between them;
 * committed with a fixed author and date. Cached under `<root>/<name>@<version>`.
 */
export function prepareMonorepoCorpus(spec: MonorepoCorpusSpec, root = corporaRoot()): PreparedCorpus {
  return stageCorpus(`${spec.name}@${spec.version}`, root, (staging, temp) => {
    const names = spec.packages.map((p) => p.pkg);
    for (const p of spec.packages) unpackNpmSources(p.pkg, p.version, temp, join(staging, 'packages', p.pkg));
    const workspaces = [...new Set(names.map((n) => (n.startsWith('@') ? 'packages/@*/*' : 'packages/*')))];
    writeFileSync(
      join(staging, 'package.json'),
      `${JSON.stringify({ name: spec.name, private: true, type: 'module', workspaces }, null, 2)}\n`,
    );
    const tsconfig = {
      ...CORPUS_TSCONFIG,
      compilerOptions: {
        ...CORPUS_TSCONFIG.compilerOptions,
        baseUrl: '.',
        paths: monorepoPaths(staging, names),
      },
    };
    writeFileSync(join(staging, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    return `${spec.name}: ${spec.packages.map((p) => `${p.pkg}@${p.version}`).join(', ')} from the npm registry (sources only)`;
  });
}

/** Options of the synthetic generator. */
export interface SyntheticOptions {
  files: number;
  seed: number;
  /** Methods per class; each file has one class, `functionsPerFile` functions and one module symbol. */
  methodsPerClass?: number;
  functionsPerFile?: number;
  /** One-line bodies (about 2 lines per symbol instead of 7): for the million-symbol search corpus. */
  compact?: boolean;
}

/**
 * Shape of the query-load corpus: compact files of one class of 48 methods and 50 functions (100 symbols per file
 * with the module), `symbols / 100` files.
 */
export function searchCorpusShape(symbols: number): SyntheticOptions {
  return {
    files: Math.ceil(symbols / 100),
    seed: 3,
    methodsPerClass: 48,
    functionsPerFile: 50,
    compact: true,
  };
}

/** Deterministic PRNG (mulberry32): same seed, same repository, byte for byte. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NOUNS = [
  'Order',
  'Invoice',
  'User',
  'Session',
  'Cart',
  'Payment',
  'Ledger',
  'Report',
  'Token',
  'Route',
  'Cache',
  'Queue',
];
export const VERBS = [
  'load',
  'save',
  'validate',
  'render',
  'compute',
  'merge',
  'apply',
  'resolve',
  'format',
  'parse',
  'sync',
  'track',
];

/** Path of synthetic file `i` (spread over folders of 100 files). */
export function syntheticPath(i: number): string {
  return `src/area${String(Math.floor(i / 100)).padStart(3, '0')}/module${String(i).padStart(5, '0')}.ts`;
}

/** Class name declared in synthetic file `i`. */
export function syntheticClassName(i: number): string {
  return `${NOUNS[i % NOUNS.length]}Service${i}`;
}

/** Number of symbols (module + class + methods + functions) the generator writes per file. */
export function syntheticSymbolsPerFile(options: SyntheticOptions): number {
  return 2 + (options.methodsPerClass ?? 6) + (options.functionsPerFile ?? 4);
}

function importPath(from: number, to: number): string {
  const rel = relative(dirname(syntheticPath(from)), syntheticPath(to)).replace(/\.ts$/, '.js');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Renders synthetic file `i`: imports from earlier files, one class whose methods call each other and imports, helper functions. */
export function renderSyntheticFile(i: number, options: SyntheticOptions): string {
  const random = seededRandom(options.seed * 1_000_003 + i);
  const methods = options.methodsPerClass ?? 6;
  const functions = options.functionsPerFile ?? 4;
  const pick = (n: number): number => Math.floor(random() * n);
  const deps =
    i === 0 ? [] : [...new Set(Array.from({ length: 1 + pick(3) }, () => pick(i)))].sort((a, b) => a - b);
  const cls = syntheticClassName(i);
  const lines: string[] = [`// Generated file ${i} (seed ${options.seed}).`];
  for (const d of deps)
    lines.push(`import { ${syntheticClassName(d)}, helper${d}_0 } from '${importPath(i, d)}';`);
  lines.push('');
  lines.push(`export interface ${cls}Options {`, '  retries: number;', '  label: string;', '}', '');
  lines.push(`/** Service ${i}: a stand-in for application code with internal and cross-file calls. */`);
  lines.push(`export class ${cls} {`);
  lines.push('  private readonly items: number[] = [];');
  lines.push(`  constructor(private readonly options: ${cls}Options) {}`);
  for (let m = 0; m < methods; m++) {
    const verb = VERBS[(i + m) % VERBS.length]!;
    if (options.compact) {
      const prev = m > 0 ? ` + this.${VERBS[(i + m - 1) % VERBS.length]}${m - 1}(input - 1)` : '';
      const d = deps.length > 0 && random() < 0.6 ? deps[pick(deps.length)]! : null;
      const cross = d === null ? '' : ` + helper${d}_0(input)`;
      lines.push(`  ${verb}${m}(input: number): number { return input${prev}${cross}; }`);
      continue;
    }
    lines.push('', `  ${verb}${m}(input: number): number {`);
    lines.push(`    let total = input + this.options.retries;`);
    if (m > 0) lines.push(`    total += this.${VERBS[(i + m - 1) % VERBS.length]}${m - 1}(input - 1);`);
    if (deps.length > 0 && random() < 0.6) {
      const d = deps[pick(deps.length)]!;
      lines.push(`    const peer = new ${syntheticClassName(d)}({ retries: ${m}, label: '${verb}' });`);
      lines.push(`    total += peer.${VERBS[d % VERBS.length]}0(total);`);
      lines.push(`    total += helper${d}_0(total);`);
    }
    lines.push(`    for (const item of this.items) total += item % ${m + 3};`);
    lines.push(`    return total;`, '  }');
  }
  lines.push('}', '');
  for (let f = 0; f < functions; f++) {
    if (options.compact) {
      const next = f + 1 < functions ? `helper${i}_${f + 1}(value + 1)` : 'value * 2';
      lines.push(`export function helper${i}_${f}(value: number): number { return ${next}; }`);
      continue;
    }
    lines.push(`/** Helper ${f} of file ${i}. */`);
    lines.push(`export function helper${i}_${f}(value: number): number {`);
    if (f + 1 < functions) lines.push(`  const next = helper${i}_${f + 1}(value + 1);`);
    else lines.push('  const next = value * 2;');
    if (deps.length > 0 && random() < 0.5) lines.push(`  return next + helper${deps[0]!}_0(value);`);
    else lines.push(`  return next + '${cls}'.length;`);
    lines.push('}', '');
  }
  return lines.join('\n');
}

/**
 * Writes (or reuses) a synthetic TypeScript repository of `files` files as a git repo under
 * `<root>/synthetic-<files>-s<seed>-<symbols per file>`. Deterministic in (files, seed, shape).
 */
export function prepareSyntheticCorpus(
  options: SyntheticOptions,
  root = corporaRoot(),
): PreparedCorpus & { symbols: number } {
  const perFile = syntheticSymbolsPerFile(options);
  const id = `synthetic-${options.files}-s${options.seed}-k${perFile}${options.compact ? 'c' : ''}`;
  const dir = join(root, id);
  const symbols = perFile * options.files;
  const cached = readCached(dir, id);
  if (cached) return { ...cached, symbols };
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (let i = 0; i < options.files; i++) {
    const target = join(staging, syntheticPath(i));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, renderSyntheticFile(i, options));
  }
  writeFileSync(
    join(staging, 'package.json'),
    `${JSON.stringify({ name: id, private: true, type: 'module' }, null, 2)}\n`,
  );
  writeFileSync(join(staging, 'tsconfig.json'), `${JSON.stringify(CORPUS_TSCONFIG, null, 2)}\n`);
  const commit = commitTree(staging, `synthetic corpus: ${options.files} files, seed ${options.seed}`);
  renameSync(staging, dir);
  const corpus: PreparedCorpus = { id, dir, commit, ...measureTree(dir) };
  writeCached(corpus);
  return { ...corpus, symbols };
}

/**
 * Clones a corpus into `target` (a scratch copy the bench may change) and returns the clone's head commit.
 */
export function cloneCorpus(corpus: PreparedCorpus, target: string): string {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  execFileSync('git', ['clone', '-q', '--no-hardlinks', corpus.dir, target], {
    stdio: 'ignore',
    env: { ...process.env, ...FIXED_GIT_ENV },
  });
  return git(target, ['rev-parse', 'HEAD']);
}

/** Appends one function to `relPath` in the repository at `dir` and commits it; returns the new commit. */
export function commitOneFileChange(dir: string, relPath: string, serial: number): string {
  const file = join(dir, relPath);
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    `${text}\nexport function benchEdit${serial}(value: number): number {\n  return value + ${serial};\n}\n`,
  );
  git(dir, ['add', relPath]);
  git(dir, ['commit', '-q', '-m', `bench: change one file (${serial})`], {
    GIT_AUTHOR_DATE: `2024-01-02T00:00:${String(serial % 60).padStart(2, '0')}Z`,
    GIT_COMMITTER_DATE: `2024-01-02T00:00:${String(serial % 60).padStart(2, '0')}Z`,
  });
  return git(dir, ['rev-parse', 'HEAD']);
}

/** Picks a deterministic mid-sized source file of a repository (for the 1-file incremental change). */
export function pickSourceFile(dir: string): string {
  const files = walkFiles(dir)
    .filter((f) => SOURCE_FILE.test(f) && !DECLARATION_FILE.test(f))
    .map((f) => relative(dir, f))
    .sort();
  if (files.length === 0) throw new Error(`no TypeScript source files in ${dir}`);
  return files[Math.floor(files.length / 2)]!;
}

/** Commits the repository at `dir` with a fixed identity and a date that differs per `serial`; returns the commit. */
function commitEdit(dir: string, relPath: string, serial: number, message: string): string {
  git(dir, ['add', relPath]);
  const date = `2024-01-04T00:${String(Math.floor(serial / 60) % 60).padStart(2, '0')}:${String(serial % 60).padStart(2, '0')}Z`;
  git(dir, ['commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return git(dir, ['rev-parse', 'HEAD']);
}

/**
 * A body-only change: inserts the statement `void <serial>;` before the first indented `return` of `relPath`
 * (inside some function body; no signature, export or import changes) and commits it.
 */
export function commitBodyChange(dir: string, relPath: string, serial: number): string {
  const file = join(dir, relPath);
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => /^\s+return\b/.test(l));
  if (at < 0) throw new Error(`no indented return statement in ${relPath} to put a body change before`);
  const indent = /^\s*/.exec(lines[at]!)![0];
  lines.splice(at, 0, `${indent}void ${serial};`);
  writeFileSync(file, lines.join('\n'));
  return commitEdit(dir, relPath, serial, `bench: change one function body (${serial})`);
}

const EXPORTED_FUNCTION = /^export (?:async )?function\*?\s*([A-Za-z_$][\w$]*)\s*(<[^>]*>)?\(/m;

/**
 * An exported-signature change: gives the first `export function` of `relPath` a new optional first parameter
 * (`benchArg<serial>?: unknown`) and commits it. Its callers in other files see a changed signature.
 */
export function commitSignatureChange(dir: string, relPath: string, serial: number): string {
  const file = join(dir, relPath);
  const text = readFileSync(file, 'utf8');
  const match = EXPORTED_FUNCTION.exec(text);
  if (!match) throw new Error(`no exported function declaration in ${relPath} to change the signature of`);
  const open = match.index + match[0].length;
  writeFileSync(file, `${text.slice(0, open)}benchArg${serial}?: unknown, ${text.slice(open)}`);
  return commitEdit(dir, relPath, serial, `bench: change one exported function's signature (${serial})`);
}

/**
 * The source file other files import most (by the base name in their relative import specifiers), among those
 * that declare an exported function with an indented `return`: the worst common case for a signature change, and
 * a real, busy file for a body change. Deterministic: ties go to the first path in sort order.
 */
export function pickMostImportedFile(dir: string): string {
  const files = walkFiles(dir)
    .filter((f) => SOURCE_FILE.test(f) && !DECLARATION_FILE.test(f))
    .map((f) => relative(dir, f))
    .sort();
  const importers = new Map<string, number>();
  const texts = new Map<string, string>();
  for (const rel of files) {
    const text = readFileSync(join(dir, rel), 'utf8');
    texts.set(rel, text);
    for (const m of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = join(dirname(rel), m[1]!).replace(/\.(m|c)?js$/, '');
      importers.set(target, (importers.get(target) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  let bestCount = -1;
  for (const rel of files) {
    const text = texts.get(rel)!;
    if (!EXPORTED_FUNCTION.test(text) || !/^\s+return\b/m.test(text)) continue;
    const stem = rel.replace(/\.(m|c)?tsx?$/, '');
    const count = (importers.get(stem) ?? 0) + (importers.get(stem.replace(/\/index$/, '')) ?? 0);
    if (count > bestCount) {
      best = rel;
      bestCount = count;
    }
  }
  if (best === null) throw new Error(`no file with an exported function in ${dir}`);
  return best;
}
