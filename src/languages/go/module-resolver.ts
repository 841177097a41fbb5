/**
 * Go module resolution over an in-memory snapshot. A package is a directory; an import path names one. The repo's
 * modules come from every `go.mod` (its `module` path; nested modules own their subtree), `replace` directives
 * whose target is a directory inside the repo, and `go.work` (`use` directories). An import path resolves to the
 * package directory of the module whose path is its longest prefix: a `package` module of its non-test files. `internal/` packages are visible only from inside the
 * tree rooted at their parent. Without go.mod (GOPATH layout) an import path maps to its directory under the root
 * or `src/`, else to the longest ending of it that is a directory of the repo. Vendored packages (`vendor/`) and
 * everything outside the repo's modules are `external:<module path>` (the standard library is `external:std`).
 * Pure: the file list and config texts come in, nothing is read.
 */
import { dirOf, joinRepoPath, normaliseRepoPath } from '../../core/repo-path.js';
import type { ModuleResolution, ModuleResolver, ModuleResolverContext } from '../plugin.js';

const CONFIG_FILE = /(^|\/)(go\.mod|go\.work)$/;

/** go.mod and go.work files, and vendor/modules.txt (which module each vendored package comes from). */
export function isGoConfigFile(path: string): boolean {
  if (/(^|\/)testdata\//.test(path)) return false;
  // A vendored module's own go.mod says nothing about this repo's modules; vendor/modules.txt does.
  if (/(^|\/)vendor\//.test(path)) return /(^|\/)vendor\/modules\.txt$/.test(path);
  return CONFIG_FILE.test(path);
}

function unquote(text: string): string {
  return text.trim().replace(/^["`]|["`]$/g, '');
}

/** What one go.mod declares: its module path, required modules and replacements by a directory. */
export interface GoModFile {
  dir: string;
  module: string | null;
  requires: string[];
  /** Module path → directory in the repo (only replacements by a relative directory). */
  replaces: Map<string, string>;
}

/** Reads a go.mod text (module, require and replace directives, in single-line and block form). */
export function parseGoMod(path: string, text: string): GoModFile {
  const dir = dirOf(path);
  const out: GoModFile = { dir, module: null, requires: [], replaces: new Map() };
  const body = text.replace(/\/\/[^\n]*/g, '');
  let block: string | null = null;
  for (const raw of body.split('\n')) {
    const lineText = raw.trim();
    if (lineText === '') continue;
    if (block !== null) {
      if (lineText === ')') {
        block = null;
        continue;
      }
      directive(block, lineText);
      continue;
    }
    const m = /^(\w+)\s*(\(?)\s*(.*)$/.exec(lineText);
    if (!m) continue;
    if (m[2] === '(') block = m[1] ?? null;
    else directive(m[1] ?? '', m[3] ?? '');
  }
  return out;

  function directive(verb: string, args: string): void {
    if (verb === 'module') out.module = unquote(args.split(/\s+/)[0] ?? '');
    else if (verb === 'require') {
      const mod = unquote(args.split(/\s+/)[0] ?? '');
      if (mod) out.requires.push(mod);
    } else if (verb === 'replace') {
      const [from, to] = args.split('=>').map((s) => s.trim());
      const fromPath = unquote(from?.split(/\s+/)[0] ?? '');
      const target = unquote(to?.split(/\s+/)[0] ?? '');
      if (fromPath && (target.startsWith('./') || target.startsWith('../'))) {
        const resolved = normaliseRepoPath(joinRepoPath(dir, target));
        if (resolved !== null) out.replaces.set(fromPath, resolved);
      }
    }
  }
}

/** The `use` directories of a go.work text, repo-relative. */
export function parseGoWork(path: string, text: string): string[] {
  const dir = dirOf(path);
  const uses: string[] = [];
  const body = text.replace(/\/\/[^\n]*/g, '');
  for (const m of body.matchAll(/\buse\s*(\(([^)]*)\)|(\S+))/g)) {
    const list = m[2] !== undefined ? m[2].split('\n') : [m[3] ?? ''];
    for (const entry of list) {
      const target = unquote(entry);
      if (!target) continue;
      const resolved = normaliseRepoPath(joinRepoPath(dir, target));
      if (resolved !== null) uses.push(resolved);
    }
  }
  return uses;
}

/** Whether an import path belongs to the standard library (its first element has no dot). */
function isStandardLibrary(importPath: string): boolean {
  const first = importPath.split('/')[0] ?? '';
  return !first.includes('.');
}

/** The resolver for one snapshot: a file of the imported package, an external module, or unresolved with a reason. */
export function createGoModuleResolver(context: ModuleResolverContext): ModuleResolver {
  // Package directories: the non-test .go files of each directory (the package an import names).
  const packages = new Map<string, string[]>();
  for (const f of context.files) {
    if (!f.endsWith('.go')) continue;
    const dir = dirOf(f);
    let list = packages.get(dir);
    if (!list) packages.set(dir, (list = []));
    list.push(f);
  }
  for (const list of packages.values())
    list.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));

  // Module path → its root directory, longest first; a replacement by a directory holds for its own go.mod only.
  const modules: Array<{ path: string; dir: string; replacedFor: string | null }> = [];
  const vendored = new Map<string, string>();
  const useDirs = new Set<string>();
  const modFiles = new Map<string, GoModFile>();
  for (const [path, text] of context.configs) {
    if (path.endsWith('go.work')) for (const d of parseGoWork(path, text)) useDirs.add(d);
    else if (path.endsWith('go.mod')) modFiles.set(dirOf(path), parseGoMod(path, text));
    else if (path.endsWith('modules.txt')) {
      // vendor/modules.txt: `# module/path version` then the packages it provides.
      let current: string | null = null;
      for (const lineText of text.split('\n')) {
        const head = /^#\s+(\S+)/.exec(lineText);
        if (head) current = head[1] ?? null;
        else if (current && lineText.trim() !== '' && !lineText.startsWith('#'))
          vendored.set(lineText.trim(), current);
      }
    }
  }
  for (const mod of modFiles.values()) {
    if (mod.module) modules.push({ path: mod.module, dir: mod.dir, replacedFor: null });
    for (const [from, dir] of mod.replaces) modules.push({ path: from, dir, replacedFor: mod.dir });
  }
  modules.sort((a, b) => b.path.length - a.path.length || (a.dir < b.dir ? -1 : 1));
  const moduleRoots = [...modFiles.keys()].sort((a, b) => b.length - a.length);
  const cache = new Map<string, ModuleResolution>();

  /** The directory of the module (go.mod) a file belongs to. */
  const moduleRootOf = (path: string): string | null => {
    for (const root of moduleRoots)
      if (root === '' || path === root || path.startsWith(`${root}/`)) return root;
    return null;
  };

  /**
   * Whether code of the module at `from` builds against the in-repo copy of the module at `to`: its own module, a
   * go.work that uses both, a replacement by that directory, or a module it does not require at all (nothing else
   * could provide it). A module required by version without a replacement is the published one: external.
   */
  const buildsAgainst = (
    from: string | null,
    to: { path: string; dir: string; replacedFor: string | null },
  ): boolean => {
    if (to.replacedFor !== null) return to.replacedFor === from;
    if (from === null || from === to.dir) return true;
    if (useDirs.has(from) && useDirs.has(to.dir)) return true;
    return !(modFiles.get(from)?.requires.includes(to.path) ?? false);
  };

  const packageFile = (dir: string): string | undefined => packages.get(dir)?.[0];
  /** An imported package: its files, test files left out (an importer never sees them). */
  const packageOf = (dir: string): ModuleResolution => {
    const all = packages.get(dir) ?? [];
    const proper = all.filter((f) => rank(f) === 0);
    return { kind: 'package', paths: proper.length > 0 ? proper : all };
  };

  const external = (importPath: string): ModuleResolution => {
    if (isStandardLibrary(importPath)) return { kind: 'external', pkg: 'std' };
    let best = '';
    const requires = [...modFiles.values()].flatMap((m) => m.requires);
    for (const r of requires)
      if ((importPath === r || importPath.startsWith(`${r}/`)) && r.length > best.length) best = r;
    const vendor = vendored.get(importPath);
    if (vendor) best = vendor;
    return { kind: 'external', pkg: best || importPath };
  };

  const internalVisible = (fromPath: string, dir: string): boolean => {
    const parts = dir.split('/');
    const at = parts.lastIndexOf('internal');
    if (at < 0) return true;
    const parent = parts.slice(0, at).join('/');
    return parent === '' || fromPath.startsWith(`${parent}/`);
  };

  const resolveUncached = (fromPath: string, importPath: string): ModuleResolution => {
    if (importPath === '' || importPath === 'C')
      return { kind: 'external', pkg: importPath === 'C' ? 'cgo' : 'std' };
    const from = moduleRootOf(fromPath);
    for (const mod of modules) {
      if (importPath !== mod.path && !importPath.startsWith(`${mod.path}/`)) continue;
      if (!buildsAgainst(from, mod)) continue;
      const dir = joinRepoPath(mod.dir, importPath.slice(mod.path.length + 1));
      const file = packageFile(dir);
      if (!file)
        return { kind: 'unresolved', reason: `no Go files for package ${importPath} in ${dir || '.'}` };
      if (!internalVisible(fromPath, dir))
        return {
          kind: 'unresolved',
          reason: `internal package ${importPath} is not visible from ${dirOf(fromPath) || '.'}`,
        };
      return packageOf(dir);
    }
    // GOPATH layout (no go.mod above the importer): the package's directory under the root or under src/.
    if (from === null) {
      for (const dir of [importPath, `src/${importPath}`]) {
        if (packageFile(dir)) return packageOf(dir);
      }
      // A GOPATH-era project checked out on its own: its import paths end in its directories
      // (`github.com/o/p/sub` → `sub/`), the longest such ending first; never for the standard library.
      if (!isStandardLibrary(importPath)) {
        const parts = importPath.split('/');
        for (let i = 1; i < parts.length; i++) {
          const dir = parts.slice(i).join('/');
          if (packageFile(dir)) return packageOf(dir);
        }
      }
    }
    // Vendored copies are a dependency's code, not the repo's: external by their module.
    return external(importPath);
  };

  return {
    /** A package is its directory's `.go` files (test files included; FileFacts.packageScope tells `foo_test` apart). */
    moduleOf(path: string): { kind: 'package'; paths: string[] } | null {
      const files = path.endsWith('.go') ? packages.get(dirOf(path)) : undefined;
      return files && files.length > 1 ? { kind: 'package', paths: files } : null;
    },
    resolve(fromPath: string, specifier: string): ModuleResolution {
      const key = `${moduleRootOf(fromPath) ?? ''}\u0000${dirOf(fromPath)}\u0000${specifier}`;
      let res = cache.get(key);
      if (!res) cache.set(key, (res = resolveUncached(fromPath, specifier)));
      return res;
    },
  };
}

/** Order of a package's files: ordinary files before test files, so an import lands on the package proper. */
function rank(path: string): number {
  return path.endsWith('_test.go') ? 1 : 0;
}
