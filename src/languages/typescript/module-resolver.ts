/**
 * TypeScript/JavaScript module resolution over an in-memory snapshot: relative imports with TS/JS extension
 * rules, tsconfig `paths`/`baseUrl` (with `extends`), package.json `imports`, workspace packages mapped to their
 * source, node builtins and external packages. Pure: the file list and config texts come in, nothing is read.
 */
import ts = require('typescript');
import type { ModuleResolution, ModuleResolver, ModuleResolverContext } from '../plugin.js';

/** Extensions tried, in order, for a specifier written without one. Sources first, declarations last. */
const EXTENSIONLESS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.d.ts'];
/** A written JS extension names the TS source that compiles to it (TS's own rule), then the JS file itself. */
const SUBSTITUTES: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx', '.d.ts'],
  '.jsx': ['.tsx', '.ts', '.jsx', '.js', '.d.ts'],
  '.mjs': ['.mts', '.mjs', '.d.mts'],
  '.cjs': ['.cts', '.cjs', '.d.cts'],
};
const INDEX_NAMES = EXTENSIONLESS.map((ext) => `index${ext}`);
/** Folders that usually hold build output; a package entry under one of them is looked up under src/ too. */
const OUTPUT_DIRS = new Set([
  'dist',
  'build',
  'lib',
  'out',
  'esm',
  'cjs',
  'es',
  'types',
  'typings',
  'module',
  'umd',
]);
/** Condition names tried first when choosing among `exports`/`imports` targets: source-ish before built. */
const CONDITION_ORDER = [
  'source',
  'development',
  'types',
  'import',
  'module',
  'node',
  'require',
  'default',
  'browser',
];

const NODE_BUILTINS = new Set(
  (
    'assert assert/strict async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel ' +
    'dns dns/promises domain events fs fs/promises http http2 https inspector inspector/promises module net os path ' +
    'path/posix path/win32 perf_hooks process punycode querystring readline readline/promises repl stream ' +
    'stream/consumers stream/promises stream/web string_decoder sys timers timers/promises tls trace_events tty url ' +
    'util util/types v8 vm wasi worker_threads zlib'
  ).split(' '),
);

interface TsConfigInfo {
  /** The config file the paths came from (for reasons). */
  path: string;
  /** Directory `paths` substitutions are relative to (baseUrl, else the dir of the config that set `paths`). */
  pathsBase: string | null;
  paths: ReadonlyArray<{
    pattern: string;
    prefix: string;
    suffix: string;
    wildcard: boolean;
    targets: string[];
  }>;
  baseUrl: string | null;
  /** Set when the config or one it extends could not be parsed: resolution of bare names degrades. */
  error: string | null;
}

interface PackageInfo {
  dir: string;
  path: string;
  json: Record<string, unknown> | null;
  error: string | null;
}

type Json = unknown;

export { isTsConfigFile } from './conventions.js';

/** Builds a resolver for one snapshot; results are cached per (importing directory, specifier). */
export function createTsModuleResolver(context: ModuleResolverContext): ModuleResolver {
  return new TsModuleResolver(context);
}

class TsModuleResolver implements ModuleResolver {
  private readonly files: ReadonlySet<string>;
  private readonly configs: ReadonlyMap<string, string>;
  private readonly cache = new Map<string, Map<string, ModuleResolution>>();
  private readonly tsconfigByDir = new Map<string, TsConfigInfo | null>();
  private readonly parsedTsconfig = new Map<
    string,
    { json: Record<string, Json> | null; error: string | null }
  >();
  private readonly packageByDir = new Map<string, PackageInfo | null>();
  private readonly packageJsonCache = new Map<string, PackageInfo>();
  /** Workspace package name → package.json info (workspace members first, then other in-repo packages). */
  private readonly workspacePackages = new Map<string, PackageInfo>();
  private readonly enteringPackages = new Set<string>();

  constructor(context: ModuleResolverContext) {
    this.files = context.files;
    this.configs = context.configs;
    this.indexWorkspaces();
  }

  /** A JavaScript file's types are declared by the `.d.ts` (`.d.mts`, `.d.cts`) beside it, when there is one. */
  declarationsOf(path: string): string | null {
    const match = /\.(m|c)?jsx?$/.exec(path);
    if (!match) return null;
    const declarations = `${path.slice(0, match.index)}.d.${match[1] ?? ''}ts`;
    return this.files.has(declarations) ? declarations : null;
  }

  resolve(fromPath: string, specifier: string): ModuleResolution {
    const dir = dirname(fromPath);
    let byDir = this.cache.get(dir);
    if (byDir === undefined) {
      byDir = new Map();
      this.cache.set(dir, byDir);
    }
    let result = byDir.get(specifier);
    if (result === undefined) {
      result = this.resolveUncached(dir, specifier);
      byDir.set(specifier, result);
    }
    return result;
  }

  private resolveUncached(dir: string, spec: string): ModuleResolution {
    if (spec.length === 0) return unresolved('invalid-specifier', 'empty');
    if (spec.startsWith('node:')) return { kind: 'external', pkg: spec };
    if (
      spec.startsWith('.') &&
      (spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../'))
    ) {
      const target = joinPath(dir, spec);
      if (target === null) return unresolved('not-found', `${spec} leaves the repository`);
      return this.fileOr(this.resolveFileOrDir(target), 'not-found', spec);
    }
    if (spec.startsWith('/'))
      return this.fileOr(this.resolveFileOrDir(normalize(spec.slice(1))), 'not-found', spec);
    if (/^[a-z][a-z0-9+.-]*:/i.test(spec))
      return unresolved('unsupported', `${spec} is a URL or protocol import`);
    if (spec.startsWith('#')) return this.resolvePackageImport(dir, spec);

    const tsconfig = this.tsconfigFor(dir);
    if (tsconfig !== null) {
      const viaPaths = this.resolveViaPaths(tsconfig, spec);
      if (viaPaths !== null) return { kind: 'file', path: viaPaths };
      if (tsconfig.baseUrl !== null) {
        const target = joinPath(tsconfig.baseUrl, spec);
        const found = target === null ? null : this.resolveFileOrDir(target);
        if (found !== null) return { kind: 'file', path: found };
      }
    }
    return this.resolveBare(spec, tsconfig);
  }

  private fileOr(path: string | null, reason: string, detail: string): ModuleResolution {
    return path === null ? unresolved(reason, detail) : { kind: 'file', path };
  }

  /** Bare specifier: builtin, workspace package, or an external package. */
  private resolveBare(spec: string, tsconfig: TsConfigInfo | null): ModuleResolution {
    if (NODE_BUILTINS.has(spec)) return { kind: 'external', pkg: `node:${spec}` };
    const { name, subpath } = splitPackageName(spec);
    const pkg = this.workspacePackages.get(name);
    if (pkg !== undefined) {
      const found = this.resolvePackageEntry(pkg, subpath);
      if (found !== null) return { kind: 'file', path: found };
      return unresolved('not-found', `${spec} (workspace package ${pkg.dir || '.'} has no matching source)`);
    }
    // A broken tsconfig may have held the alias this name stands for: say so instead of guessing "external".
    if (tsconfig?.error)
      return unresolved('invalid-config', `${tsconfig.error}; cannot tell if ${spec} is an alias`);
    return { kind: 'external', pkg: name };
  }

  // ---------------------------------------------------------------- files

  /** `target` is a repo-relative path as written (maybe with a JS extension, maybe a directory). */
  private resolveFileOrDir(target: string): string | null {
    return this.resolveFile(target) ?? this.resolveDirectory(target);
  }

  private resolveFile(target: string): string | null {
    if (target === '' || target.endsWith('/')) return null;
    const ext = extname(target);
    const substitutes = SUBSTITUTES[ext];
    if (substitutes !== undefined) {
      const stem = target.slice(0, -ext.length);
      for (const sub of substitutes) {
        const candidate = stem + sub;
        if (this.files.has(candidate)) return candidate;
      }
    } else if (this.files.has(target) && !target.endsWith('.d.ts')) {
      return target;
    }
    // `./foo.service`, `./a.d` or no extension at all: append every source extension.
    for (const add of EXTENSIONLESS) {
      const candidate = target + add;
      if (this.files.has(candidate)) return candidate;
    }
    if (this.files.has(target)) return target;
    return null;
  }

  private resolveDirectory(target: string): string | null {
    const prefix = target === '' ? '' : `${target}/`;
    const pkg = this.packageJsonAt(prefix + 'package.json');
    // A package whose `main` is "." (or points back at itself) must not loop.
    if (pkg !== null && pkg.json !== null && !this.enteringPackages.has(pkg.path)) {
      this.enteringPackages.add(pkg.path);
      try {
        const entry = this.resolvePackageMain(pkg);
        if (entry !== null) return entry;
      } finally {
        this.enteringPackages.delete(pkg.path);
      }
    }
    for (const index of INDEX_NAMES) {
      const candidate = prefix + index;
      if (this.files.has(candidate)) return candidate;
    }
    return null;
  }

  /**
   * A path a package.json points at (`./dist/index.js`), mapped to the repo file it stands for: the file itself,
   * its TS source by extension rules, or the same path under src/ when it sits in a build-output folder.
   */
  private resolvePackageTarget(pkgDir: string, target: string): string | null {
    const joined = joinPath(pkgDir, target);
    if (joined === null) return null;
    const direct = this.resolveFileOrDir(joined);
    if (direct !== null && !direct.endsWith('.d.ts')) return direct;
    const fromOutput = this.mapOutputToSource(pkgDir, joined);
    return fromOutput ?? direct;
  }

  private mapOutputToSource(pkgDir: string, joined: string): string | null {
    const rel = pkgDir === '' ? joined : joined.slice(pkgDir.length + 1);
    const segments = rel.split('/');
    let skip = 0;
    while (skip < segments.length - 1 && OUTPUT_DIRS.has(segments[skip] ?? '')) skip++;
    const stemmed = stripBuildExtension(segments.slice(skip).join('/'));
    const prefix = pkgDir === '' ? '' : `${pkgDir}/`;
    const candidates = skip > 0 ? [`${prefix}src/${stemmed}`, prefix + stemmed] : [`${prefix}src/${stemmed}`];
    for (const candidate of candidates) {
      const found = this.resolveFileOrDir(candidate);
      if (found !== null && !found.endsWith('.d.ts')) return found;
    }
    return null;
  }

  // ---------------------------------------------------------------- packages

  private packageJsonAt(path: string): PackageInfo | null {
    const cached = this.packageJsonCache.get(path);
    if (cached !== undefined) return cached;
    const text = this.configs.get(path);
    if (text === undefined) return null;
    let info: PackageInfo;
    try {
      const json: unknown = JSON.parse(stripBom(text));
      info = isObject(json)
        ? { dir: dirname(path), path, json, error: null }
        : { dir: dirname(path), path, json: null, error: `${path} is not a JSON object` };
    } catch (err) {
      info = { dir: dirname(path), path, json: null, error: `${path}: ${(err as Error).message}` };
    }
    this.packageJsonCache.set(path, info);
    return info;
  }

  private nearestPackage(dir: string): PackageInfo | null {
    const cached = this.packageByDir.get(dir);
    if (cached !== undefined) return cached;
    const own = this.packageJsonAt(dir === '' ? 'package.json' : `${dir}/package.json`);
    const result = own ?? (dir === '' ? null : this.nearestPackage(dirname(dir)));
    this.packageByDir.set(dir, result);
    return result;
  }

  /** The entry of a package directory without `exports`: types/main/module fields, then src/index, then index. */
  private resolvePackageMain(pkg: PackageInfo): string | null {
    const json = pkg.json ?? {};
    if (json.exports !== undefined) {
      const viaExports = this.resolveExports(pkg, '.');
      if (viaExports !== null) return viaExports;
    }
    for (const field of ['source', 'types', 'typings', 'module', 'main']) {
      const value = json[field];
      if (typeof value === 'string' && value !== '') {
        const found = this.resolvePackageTarget(pkg.dir, value.startsWith('.') ? value : `./${value}`);
        if (found !== null && !found.endsWith('.d.ts')) return found;
      }
    }
    const prefix = pkg.dir === '' ? '' : `${pkg.dir}/`;
    for (const index of INDEX_NAMES) {
      if (this.files.has(`${prefix}src/${index}`)) return `${prefix}src/${index}`;
    }
    for (const index of INDEX_NAMES) {
      if (this.files.has(prefix + index)) return prefix + index;
    }
    return null;
  }

  /** `pkg` + subpath (`''` for the package itself, `sub/path` otherwise) → a source file. */
  private resolvePackageEntry(pkg: PackageInfo, subpath: string): string | null {
    if (subpath === '') return this.resolvePackageMain(pkg);
    if (pkg.json?.exports !== undefined) {
      const viaExports = this.resolveExports(pkg, `./${subpath}`);
      if (viaExports !== null) return viaExports;
    }
    return this.resolvePackageTarget(pkg.dir, `./${subpath}`);
  }

  private resolveExports(pkg: PackageInfo, subpath: string): string | null {
    const exportsField = pkg.json?.exports;
    let map: Json = exportsField;
    // `exports: "./x.js"` or a conditions object is sugar for `{ ".": … }`.
    if (
      typeof map === 'string' ||
      Array.isArray(map) ||
      (isObject(map) && !Object.keys(map).some((k) => k.startsWith('.')))
    ) {
      map = { '.': map };
    }
    if (!isObject(map)) return null;
    const targets = matchSubpathMap(map, subpath);
    return targets === null ? null : this.firstTarget(pkg, targets);
  }

  private resolvePackageImport(dir: string, spec: string): ModuleResolution {
    const pkg = this.nearestPackage(dir);
    if (pkg === null)
      return unresolved('not-found', `${spec}: no package.json with "imports" above ${dir || '.'}`);
    if (pkg.json === null) return unresolved('invalid-config', pkg.error ?? pkg.path);
    const imports = pkg.json.imports;
    if (!isObject(imports)) return unresolved('not-found', `${spec}: ${pkg.path} has no "imports"`);
    const targets = matchSubpathMap(imports, spec);
    if (targets === null) return unresolved('not-found', `${spec}: no matching key in ${pkg.path} "imports"`);
    for (const target of targets) {
      if (target.startsWith('./')) {
        const found = this.resolvePackageTarget(pkg.dir, target);
        if (found !== null) return { kind: 'file', path: found };
      } else if (!target.startsWith('/') && !target.startsWith('../') && !target.startsWith('#')) {
        return this.resolveBare(target, null);
      }
    }
    return unresolved('not-found', `${spec}: targets in ${pkg.path} match no file`);
  }

  private firstTarget(pkg: PackageInfo, targets: readonly string[]): string | null {
    for (const target of targets) {
      if (!target.startsWith('./')) continue;
      const found = this.resolvePackageTarget(pkg.dir, target);
      if (found !== null) return found;
    }
    return null;
  }

  private indexWorkspaces(): void {
    const patterns: Array<{ base: string; include: RegExp[]; exclude: RegExp[] }> = [];
    const packageJsons: string[] = [];
    for (const [path, text] of this.configs) {
      const name = basename(path);
      if (name === 'package.json') {
        packageJsons.push(path);
        const json = this.packageJsonAt(path)?.json;
        const ws = json?.workspaces;
        const list = Array.isArray(ws) ? ws : isObject(ws) && Array.isArray(ws.packages) ? ws.packages : [];
        addPatterns(
          patterns,
          dirname(path),
          list.filter((p): p is string => typeof p === 'string'),
        );
      } else if (name === 'pnpm-workspace.yaml') {
        addPatterns(patterns, dirname(path), parsePnpmWorkspacePackages(text));
      }
    }
    packageJsons.sort();
    const members: PackageInfo[] = [];
    const others: PackageInfo[] = [];
    for (const path of packageJsons) {
      const info = this.packageJsonAt(path);
      if (info === null || info.json === null || typeof info.json.name !== 'string') continue;
      const isMember = patterns.some((p) => {
        if (info.dir !== p.base && !info.dir.startsWith(p.base === '' ? '' : `${p.base}/`)) return false;
        const rel = p.base === '' ? info.dir : info.dir.slice(p.base.length + 1);
        return p.include.some((re) => re.test(rel)) && !p.exclude.some((re) => re.test(rel));
      });
      (isMember ? members : others).push(info);
    }
    // Declared workspace members win a name clash; other in-repo packages (fixtures, examples) fill in the rest.
    for (const info of [...members, ...others]) {
      const name = info.json?.name as string;
      if (!this.workspacePackages.has(name)) this.workspacePackages.set(name, info);
    }
  }

  // ---------------------------------------------------------------- tsconfig

  private tsconfigFor(dir: string): TsConfigInfo | null {
    const cached = this.tsconfigByDir.get(dir);
    if (cached !== undefined) return cached;
    const prefix = dir === '' ? '' : `${dir}/`;
    let result: TsConfigInfo | null = null;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      if (this.configs.has(prefix + name)) {
        result = this.loadTsconfig(prefix + name);
        break;
      }
    }
    if (result === null && dir !== '') result = this.tsconfigFor(dirname(dir));
    this.tsconfigByDir.set(dir, result);
    return result;
  }

  private parseTsconfigText(path: string): { json: Record<string, Json> | null; error: string | null } {
    const cached = this.parsedTsconfig.get(path);
    if (cached !== undefined) return cached;
    const text = this.configs.get(path);
    let result: { json: Record<string, Json> | null; error: string | null };
    if (text === undefined) {
      result = { json: null, error: `${path} is not in the snapshot` };
    } else {
      const parsed = ts.parseConfigFileTextToJson(path, text) as { config?: unknown; error?: ts.Diagnostic };
      if (parsed.error !== undefined || !isObject(parsed.config)) {
        const message = parsed.error
          ? ts.flattenDiagnosticMessageText(parsed.error.messageText, ' ')
          : 'not an object';
        result = { json: null, error: `${path}: ${message}` };
      } else {
        result = { json: parsed.config, error: null };
      }
    }
    this.parsedTsconfig.set(path, result);
    return result;
  }

  private loadTsconfig(path: string, referenceDepth = 0): TsConfigInfo {
    let baseUrl: string | null = null;
    let paths: Record<string, Json> | null = null;
    let pathsDir: string | null = null;
    let error: string | null = null;
    // Walk the extends chain from the leaf; the first config to set an option wins (a child overrides its parent).
    const visit = (configPath: string, seen: Set<string>, depth: number): void => {
      if (seen.has(configPath) || depth > 32) return;
      seen.add(configPath);
      const { json, error: parseError } = this.parseTsconfigText(configPath);
      if (json === null) {
        error ??= parseError;
        return;
      }
      const options = isObject(json.compilerOptions) ? json.compilerOptions : {};
      const configDir = dirname(configPath);
      if (baseUrl === null && typeof options.baseUrl === 'string')
        baseUrl = joinPath(configDir, options.baseUrl) ?? '';
      if (paths === null && isObject(options.paths)) {
        paths = options.paths;
        pathsDir = configDir;
      }
      const parents =
        typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
      // TS merges array extends left to right, later ones overriding: visit them right to left.
      for (const parent of [...parents].reverse()) {
        if (typeof parent !== 'string') continue;
        const parentPath = this.resolveExtends(configDir, parent);
        if (parentPath !== null) visit(parentPath, seen, depth + 1);
      }
    };
    visit(path, new Set(), 0);
    if (paths === null && baseUrl === null && referenceDepth < 2) {
      // A solution config (`files: []` + `references`, as in Vite's templates) keeps its aliases in the referenced
      // configs: borrow them from the first reference that has any.
      const borrowed = this.aliasesFromReferences(path, referenceDepth);
      if (borrowed !== null) return { ...borrowed, path, error: error ?? borrowed.error };
    }
    const pathsBase: string | null = baseUrl ?? pathsDir;
    const compiled = [];
    for (const [pattern, value] of Object.entries((paths ?? {}) as Record<string, Json>)) {
      const targets = Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
      const star = pattern.indexOf('*');
      if (star !== -1 && pattern.indexOf('*', star + 1) !== -1) continue;
      compiled.push({
        pattern,
        prefix: star === -1 ? pattern : pattern.slice(0, star),
        suffix: star === -1 ? '' : pattern.slice(star + 1),
        wildcard: star !== -1,
        targets,
      });
    }
    return { path, pathsBase, paths: compiled, baseUrl, error };
  }

  private aliasesFromReferences(path: string, referenceDepth: number): TsConfigInfo | null {
    const references = this.parseTsconfigText(path).json?.references;
    if (!Array.isArray(references)) return null;
    for (const reference of references) {
      if (!isObject(reference) || typeof reference.path !== 'string') continue;
      const target = joinPath(dirname(path), reference.path);
      if (target === null) continue;
      const configPath = this.configs.has(target)
        ? target
        : `${target === '' ? '' : `${target}/`}tsconfig.json`;
      if (!this.configs.has(configPath) || configPath === path) continue;
      const info = this.loadTsconfig(configPath, referenceDepth + 1);
      if (info.paths.length > 0 || info.baseUrl !== null) return info;
    }
    return null;
  }

  /**
   * Relative extends are followed, and so are extends into a workspace package of the repo (`@acme/tsconfig/base.json`);
   * other package extends (`@tsconfig/node20`) point outside the repo and are skipped.
   */
  private resolveExtends(configDir: string, spec: string): string | null {
    if (!(spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/'))) {
      const { name, subpath } = splitPackageName(spec);
      const pkg = this.workspacePackages.get(name);
      if (pkg === undefined) return null;
      const prefix = pkg.dir === '' ? '' : `${pkg.dir}/`;
      const target = subpath === '' ? `${prefix}tsconfig.json` : prefix + subpath;
      if (this.configs.has(target)) return target;
      return this.configs.has(`${target}.json`) ? `${target}.json` : null;
    }
    const joined = spec.startsWith('/') ? normalize(spec.slice(1)) : joinPath(configDir, spec);
    if (joined === null) return null;
    if (this.configs.has(joined)) return joined;
    if (this.configs.has(`${joined}.json`)) return `${joined}.json`;
    if (this.configs.has(`${joined}/tsconfig.json`)) return `${joined}/tsconfig.json`;
    return null;
  }

  private resolveViaPaths(config: TsConfigInfo, spec: string): string | null {
    if (config.paths.length === 0 || config.pathsBase === null) return null;
    // TS: an exact key wins; otherwise the pattern with the longest prefix.
    let best: TsConfigInfo['paths'][number] | null = null;
    for (const entry of config.paths) {
      if (!entry.wildcard) {
        if (entry.pattern === spec) {
          best = entry;
          break;
        }
        continue;
      }
      if (
        spec.length >= entry.prefix.length + entry.suffix.length &&
        spec.startsWith(entry.prefix) &&
        spec.endsWith(entry.suffix) &&
        (best === null || (best.wildcard && entry.prefix.length > best.prefix.length))
      ) {
        best = entry;
      }
    }
    if (best === null) return null;
    const captured = best.wildcard ? spec.slice(best.prefix.length, spec.length - best.suffix.length) : '';
    for (const target of best.targets) {
      const substituted = target.replace('*', captured);
      const joined = joinPath(config.pathsBase, substituted);
      const found = joined === null ? null : this.resolveFileOrDir(joined);
      if (found !== null) return found;
    }
    return null;
  }
}

// ---------------------------------------------------------------- helpers (pure, exported for reuse in tests)

/** `@scope/name/sub/path` → name `@scope/name`, subpath `sub/path`. */
export function splitPackageName(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const count = spec.startsWith('@') && parts.length > 1 ? 2 : 1;
  return { name: parts.slice(0, count).join('/'), subpath: parts.slice(count).join('/') };
}

/**
 * Looks a subpath (`.`, `./sub`, `#alias`) up in an exports/imports map: exact key, else the `*` pattern with the
 * longest prefix (Node's order). Returns the candidate targets in preference order, or null when no key matches.
 */
function matchSubpathMap(map: Record<string, Json>, subpath: string): string[] | null {
  let value: Json = undefined;
  let captured: string | null = null;
  if (Object.prototype.hasOwnProperty.call(map, subpath) && !subpath.includes('*')) {
    value = map[subpath];
  } else {
    let bestPrefix = -1;
    for (const key of Object.keys(map)) {
      const star = key.indexOf('*');
      if (star === -1) {
        // Legacy folder mapping: `"./features/": "./src/features/"`.
        if (key.endsWith('/') && subpath.startsWith(key) && key.length > bestPrefix) {
          bestPrefix = key.length;
          value = map[key];
          captured = `\0${subpath.slice(key.length)}`;
        }
        continue;
      }
      const prefix = key.slice(0, star);
      const suffix = key.slice(star + 1);
      if (
        subpath.length >= key.length - 1 &&
        subpath.startsWith(prefix) &&
        subpath.endsWith(suffix) &&
        prefix.length > bestPrefix
      ) {
        bestPrefix = prefix.length;
        value = map[key];
        captured = subpath.slice(prefix.length, subpath.length - suffix.length);
      }
    }
  }
  if (value === undefined || value === null) return null;
  const leaves: string[] = [];
  collectTargets(value, leaves, 0);
  return leaves.map((leaf) => {
    if (captured === null) return leaf;
    if (captured.startsWith('\0')) return leaf + captured.slice(1);
    return leaf.split('*').join(captured);
  });
}

/** Flattens a target (string, array, or conditions object) into strings, preferred conditions first. */
function collectTargets(value: Json, out: string[], depth: number): void {
  if (depth > 16) return;
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTargets(item, out, depth + 1);
  } else if (isObject(value)) {
    const keys = Object.keys(value);
    const rank = (k: string): number => {
      const i = CONDITION_ORDER.indexOf(k);
      return i === -1 ? CONDITION_ORDER.length : i;
    };
    for (const key of [...keys].sort((a, b) => rank(a) - rank(b))) collectTargets(value[key], out, depth + 1);
  }
}

function addPatterns(
  out: Array<{ base: string; include: RegExp[]; exclude: RegExp[] }>,
  base: string,
  globs: readonly string[],
): void {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const raw of globs) {
    const negated = raw.startsWith('!');
    const glob = normalize((negated ? raw.slice(1) : raw).replace(/^\.\//, '').replace(/\/+$/, ''));
    (negated ? exclude : include).push(globToRegExp(glob));
  }
  if (include.length > 0) out.push({ base, include, exclude });
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (ch === '*') {
      source += '[^/]*';
    } else if (ch === '?') {
      source += '[^/]';
    } else {
      source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Reads `packages:` from pnpm-workspace.yaml (block list or flow list); enough YAML for that one key. */
export function parsePnpmWorkspacePackages(text: string): string[] {
  const lines = stripBom(text).split(/\r?\n/);
  const out: string[] = [];
  const unquote = (s: string): string => s.trim().replace(/^['"]|['"]$/g, '');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\s+#.*$/, '');
    const match = /^packages\s*:\s*(.*)$/.exec(line);
    if (match === null) continue;
    const rest = (match[1] ?? '').trim();
    if (rest.startsWith('[')) {
      for (const item of rest.replace(/^\[|\]$/g, '').split(',')) if (unquote(item)) out.push(unquote(item));
      continue;
    }
    for (i++; i < lines.length; i++) {
      const item = (lines[i] ?? '').replace(/\s+#.*$/, '');
      if (item.trim() === '' || item.trim().startsWith('#')) continue;
      const entry = /^\s+-\s*(.+)$/.exec(item) ?? /^-\s*(.+)$/.exec(item);
      if (entry === null) {
        i--;
        break;
      }
      out.push(unquote(entry[1] ?? ''));
    }
  }
  return out;
}

function unresolved(reason: string, detail: string): ModuleResolution {
  return { kind: 'unresolved', reason: `${reason}: ${detail}` };
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function stripBuildExtension(path: string): string {
  return path.replace(/\.d\.[mc]?ts$/, '').replace(/\.(?:[mc]?js|jsx)$/, '');
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function extname(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

/** Joins a repo-relative dir and a relative path; null when it climbs above the repo root. */
function joinPath(dir: string, rel: string): string | null {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

function normalize(path: string): string {
  return joinPath('', path) ?? '';
}
