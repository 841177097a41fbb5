/**
 * Java module resolution over an in-memory snapshot: a module is a class, named by its qualified name (`a.b.C`), and
 * lives in `<source root>/a/b/C.java`. Source roots are not configured but read off the paths (any directory under
 * which the package path continues: `src/main/java`, `src/test/java`, each module of a Maven or Gradle multi-module
 * build, or the repo root), so the build files need not be parsed. When several files match (the same class in two
 * modules), the one nearest the importing file wins. An implicit import lists its candidates (`this.pkg.X|on.demand.X`,
 * see extract-facts.ts): the first found in the repo is the module; when none is, the first candidate outside the
 * repo's packages is `external:<package>`. Pure: the file list comes in, nothing is read.
 */
import { dirOf } from '../../core/repo-path.js';
import type { ModuleResolution, ModuleResolver, ModuleResolverContext } from '../plugin.js';

function commonPrefix(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/** Java reads no config file for module resolution: source roots come from the paths themselves. */
export function isJavaConfigFile(): boolean {
  return false;
}

export function createJavaModuleResolver(context: ModuleResolverContext): ModuleResolver {
  // Every `.java` file by each of its path suffixes (`C.java`, `b/C.java`, `a/b/C.java`, …).
  const bySuffix = new Map<string, string[]>();
  const packageDirs = new Set<string>();
  for (const path of [...context.files].sort()) {
    if (!path.endsWith('.java')) continue;
    const parts = path.split('/');
    for (let i = parts.length - 1; i >= 0; i--) {
      const suffix = parts.slice(i).join('/');
      const list = bySuffix.get(suffix);
      if (list) list.push(path);
      else bySuffix.set(suffix, [path]);
      if (i < parts.length - 1) packageDirs.add(parts.slice(i, parts.length - 1).join('/'));
    }
  }
  const cache = new Map<string, ModuleResolution>();

  const findClass = (fromPath: string, qualified: string): string | null => {
    const segs = qualified.split('.');
    const rel = `${segs.join('/')}.java`;
    if (segs.length === 1) {
      // The default package: only the importing file's own directory.
      const own = dirOf(fromPath) === '' ? rel : `${dirOf(fromPath)}/${rel}`;
      return context.files.has(own) ? own : null;
    }
    const matches = bySuffix.get(rel)?.filter((p) => p === rel || p.endsWith(`/${rel}`));
    if (!matches || matches.length === 0) return null;
    if (matches.length === 1) return matches[0] as string;
    let best = matches[0] as string;
    let bestScore = -1;
    for (const m of matches) {
      const score = commonPrefix(dirOf(fromPath), dirOf(m));
      if (score > bestScore) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  };

  const packageOf = (qualified: string): string => {
    const segs = qualified.split('.');
    const cap = segs.findIndex((s) => /^[A-Z]/.test(s));
    return segs.slice(0, cap <= 0 ? Math.max(segs.length - 1, 1) : cap).join('.');
  };

  const resolveUncached = (fromPath: string, specifier: string): ModuleResolution => {
    const candidates = specifier.split('|').filter((c) => c !== '');
    if (candidates.length === 0) return { kind: 'unresolved', reason: 'empty class name' };
    for (const c of candidates) {
      const found = findClass(fromPath, c);
      if (found) return { kind: 'file', path: found };
    }
    // An implicit import's first candidate is the file's own package: when it is missing, look outside.
    const outside = candidates.length > 1 ? candidates.slice(1) : candidates;
    for (const c of outside) {
      const pkg = packageOf(c);
      if (/^(java|javax|jdk|sun|com\.sun)\./.test(`${pkg}.`) || !packageDirs.has(pkg.split('.').join('/')))
        return { kind: 'external', pkg };
    }
    return {
      kind: 'unresolved',
      reason:
        candidates.length > 1
          ? 'class not found in this package or an imported one'
          : 'class not found in the repository',
    };
  };

  return {
    resolve(fromPath: string, specifier: string): ModuleResolution {
      const key = `${dirOf(fromPath)}\u0000${specifier}`;
      let res = cache.get(key);
      if (!res) cache.set(key, (res = resolveUncached(fromPath, specifier)));
      return res;
    },
  };
}
