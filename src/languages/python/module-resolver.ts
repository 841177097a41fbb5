/**
 * Python module resolution over an in-memory snapshot: absolute imports against the repo's package roots (the repo
 * root, a `src/` layout, roots declared in pyproject.toml / setup.cfg / setup.py, and the directory of a script or
 * test that is not in a package, as Python and pytest put it on sys.path), relative imports (PEP 328), `__init__.py`
 * packages, namespace packages (PEP 420) and `.pyi` stubs; everything else is `external:<top-level package>`.
 * Pure: the file list and config texts come in, nothing is read.
 */
import { dirOf, joinRepoPath, normaliseRepoPath } from '../../core/repo-path.js';
import type { ModuleResolution, ModuleResolver, ModuleResolverContext } from '../plugin.js';

const CONFIG_FILE = /(^|\/)(pyproject\.toml|setup\.cfg|setup\.py)$/;

/** True for the config files that declare package roots. */
export function isPythonConfigFile(path: string): boolean {
  return CONFIG_FILE.test(path);
}

/** Package roots a config file declares, relative to the repo root (the config's own directory included). */
export function declaredRoots(configPath: string, text: string): string[] {
  const base = dirOf(configPath);
  const found: string[] = [];
  const add = (dir: string): void => {
    const clean = dir
      .trim()
      .replace(/^\.\/?/, '')
      .replace(/\/$/, '');
    const full = normaliseRepoPath(joinRepoPath(base, clean));
    if (full !== null) found.push(full);
  };
  if (configPath.endsWith('pyproject.toml')) {
    // setuptools `where = ["src"]`, `package-dir = {"" = "src"}`; poetry `from = "src"`; pytest `pythonpath`.
    for (const m of text.matchAll(/^\s*where\s*=\s*\[([^\]]*)\]/gm))
      for (const s of strings(m[1] ?? '')) add(s);
    for (const m of text.matchAll(/package-dir\s*=\s*\{[^}]*?["']{2}\s*=\s*["']([^"']*)["']/g))
      add(m[1] ?? '');
    for (const m of text.matchAll(/\bfrom\s*=\s*["']([^"']+)["']/g)) add(m[1] ?? '');
    for (const m of text.matchAll(/^\s*pythonpath\s*=\s*(\[[^\]]*\]|["'][^"']*["'])/gm))
      for (const s of strings(m[1] ?? '')) for (const p of s.split(/\s+/)) if (p) add(p);
    // hatch `packages = ["src/foo"]`: the package's parent is a root.
    for (const m of text.matchAll(/^\s*packages\s*=\s*\[([^\]]*)\]/gm))
      for (const s of strings(m[1] ?? '')) if (s.includes('/')) add(dirOf(s));
  } else if (configPath.endsWith('setup.cfg')) {
    const dir = /^\s*package_dir\s*=\s*(?:\n\s*)?=\s*(\S+)/m.exec(text);
    if (dir?.[1]) add(dir[1]);
    const where = /\[options\.packages\.find\][^[]*?^\s*where\s*=\s*(\S+)/ms.exec(text);
    if (where?.[1]) add(where[1]);
  } else {
    const dir = /package_dir\s*=\s*\{\s*["']{2}\s*:\s*["']([^"']+)["']/.exec(text);
    if (dir?.[1]) add(dir[1]);
    for (const m of text.matchAll(/find(?:_namespace)?_packages\(\s*(?:where\s*=\s*)?["']([^"']+)["']/g))
      add(m[1] ?? '');
  }
  return [base, ...found];
}

function strings(text: string): string[] {
  return [...text.matchAll(/["']([^"']*)["']/g)].map((m) => m[1] ?? '');
}

/** The resolver for one snapshot: a file, an external package, or unresolved with a reason. */
export function createPythonModuleResolver(context: ModuleResolverContext): ModuleResolver {
  const files = context.files;
  const dirs = new Set<string>();
  for (const f of files) {
    for (let d = dirOf(f); ; d = dirOf(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
      if (d === '') break;
    }
  }
  const roots: string[] = [];
  const addRoot = (r: string): void => {
    if (!roots.includes(r) && dirs.has(r)) roots.push(r);
  };
  const configs = [...context.configs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, text] of configs) for (const r of declaredRoots(path, text).slice(1)) addRoot(r);
  addRoot('src');
  addRoot('');
  for (const [path] of configs) addRoot(dirOf(path));
  const cache = new Map<string, ModuleResolution>();

  /** The module file for a dotted path under a directory: a package before a module (CPython's order), then stubs. */
  const moduleFile = (dir: string, dotted: string): string | 'namespace' | null => {
    const rel = joinRepoPath(dir, dotted.split('.').join('/'));
    for (const candidate of [`${rel}/__init__.py`, `${rel}.py`, `${rel}/__init__.pyi`, `${rel}.pyi`])
      if (files.has(candidate)) return candidate;
    return dirs.has(rel) && rel !== dir ? 'namespace' : null;
  };

  /** Python puts a script's directory on sys.path; pytest does the same for the first directory above a package. */
  const scriptRoot = (fromPath: string): string => {
    let dir = dirOf(fromPath);
    while (dir !== '' && (files.has(`${dir}/__init__.py`) || files.has(`${dir}/__init__.pyi`)))
      dir = dirOf(dir);
    return dir;
  };

  const resolveUncached = (fromPath: string, specifier: string): ModuleResolution => {
    const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
    const rest = specifier.slice(dots);
    if (dots > 0) {
      let base: string | null = dirOf(fromPath);
      for (let i = 1; i < dots && base !== null; i++) base = base === '' ? null : dirOf(base);
      if (base === null) return { kind: 'unresolved', reason: 'relative import beyond the repo root' };
      if (rest === '') {
        for (const init of [joinRepoPath(base, '__init__.py'), joinRepoPath(base, '__init__.pyi')])
          if (files.has(init)) return { kind: 'file', path: init };
        return { kind: 'unresolved', reason: 'namespace package' };
      }
      const found = moduleFile(base, rest);
      if (found === 'namespace') return { kind: 'unresolved', reason: 'namespace package' };
      return found ? { kind: 'file', path: found } : { kind: 'unresolved', reason: 'module not found' };
    }
    if (rest === '') return { kind: 'unresolved', reason: 'empty module name' };
    const top = rest.split('.')[0] ?? rest;
    const ordered = [...roots];
    if (!files.has(`${dirOf(fromPath)}/__init__.py`)) {
      const script = scriptRoot(fromPath);
      if (!ordered.includes(script)) ordered.push(script);
    }
    let namespace = false;
    let topInRepo = false;
    for (const root of ordered) {
      const found = moduleFile(root, rest);
      if (found === 'namespace') namespace = true;
      else if (found) return { kind: 'file', path: found };
      if (moduleFile(root, top) !== null) topInRepo = true;
    }
    if (namespace) return { kind: 'unresolved', reason: 'namespace package' };
    if (topInRepo) return { kind: 'unresolved', reason: 'module not found' };
    return { kind: 'external', pkg: top };
  };

  return {
    resolve(fromPath: string, specifier: string): ModuleResolution {
      // Absolute imports depend on the importer only through its script root: one cache entry per directory.
      const key = `${specifier.startsWith('.') ? fromPath : dirOf(fromPath)}\u0000${specifier}`;
      let res = cache.get(key);
      if (!res) cache.set(key, (res = resolveUncached(fromPath, specifier)));
      return res;
    },
    // A stub beside its module (`m.pyi` next to `m.py`) declares the module's types (PEP 484).
    declarationsOf(path: string): string | null {
      return path.endsWith('.py') && files.has(`${path}i`) ? `${path}i` : null;
    },
  };
}
