/**
 * Ground truth for Go call sites, from the Go toolchain's own analysis: `callgraph` (golang.org/x/tools, Debian's
 * golang-golang-x-tools) builds the SSA form of every package of the repository's module, test files included, in
 * GOPATH mode (GO111MODULE=off, offline: the module is copied under a temporary GOPATH, dependencies come from
 * `gopath` roots such as Debian's /usr/share/gocode) and lists every call edge with its site and its callee.
 *
 *  - `-algo=static`: calls whose callee is known statically (functions, methods on concrete receivers, promoted
 *    methods). A callee declared in a repo `.go` file is a truth edge to the line of its name; a callee outside
 *    (the standard library, a dependency) is outside; an anonymous function (`f$1`) or a synthetic wrapper
 *    (`$bound`, `$thunk`) is unresolved: codehub counts a closure's calls for its enclosing function and draws no
 *    edge to the closure itself, so a prediction on that line is excluded, not judged.
 *  - `-algo=cha`: its dynamic sites (calls through an interface or a function value) are counted apart and kept as
 *    unresolved, so the static scores judge static calls only; `dynamicSites` lists them for the separate measure.
 * A package that does not type-check makes callgraph fail: the run is reported with the tool's message.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import {
  compareStrings,
  sortTruth,
  type CallCategory,
  type CallTruth,
  type TruthEdge,
  type TruthSite,
} from './truth.js';

const run = promisify(execFile);

export interface GoTruthOptions {
  repoDir: string;
  /** Only walk files whose repo-relative path starts with one of these prefixes. */
  include?: string[];
  /** GOPATH roots holding the module's dependencies (each with a `src/`). Default: /usr/share/gocode when present. */
  gopath?: string[];
  /** The module's import path when the repo has no go.mod at its root. */
  importPath?: string;
  /** The `callgraph` binary. Default `callgraph` on PATH. */
  callgraph?: string;
}

/** A dynamic call site (through an interface or a function value) that cha resolves to these callees. */
export interface GoDynamicSite {
  path: string;
  line: number;
  /** In-repo callees as `path:line` of their names. */
  callees: string[];
}

export interface GoCallTruth extends CallTruth {
  dynamicSites: GoDynamicSite[];
}

const SKIP_DIRS = new Set(['vendor', 'testdata', '.git', 'node_modules']);
const FORMAT =
  '{{.Caller}}\t{{.Filename}}\t{{.Line}}\t{{.Dynamic}}\t{{.Callee}}\t{{(.Callee.Prog.Fset.Position .Callee.Pos)}}';

/** The module path a go.mod declares, or null. */
export function goModulePath(goMod: string): string | null {
  const m = /^\s*module\s+("?)([^\s"]+)\1/m.exec(goMod);
  return m?.[2] ?? null;
}

/** Builds callgraph's call-site truth for the Go module checked out at repoDir. */
export async function buildGoTruth(options: GoTruthOptions): Promise<GoCallTruth> {
  const started = performance.now();
  const repoDir = resolve(options.repoDir);
  const goMod = join(repoDir, 'go.mod');
  const importPath =
    options.importPath ?? (existsSync(goMod) ? goModulePath(readFileSync(goMod, 'utf8')) : null);
  if (!importPath) throw new Error(`${repoDir} has no go.mod with a module path: pass importPath`);
  const included = (r: string): boolean => !options.include || options.include.some((p) => r.startsWith(p));
  const files = listGoFiles(repoDir).filter(included);
  const gopathRoots = options.gopath ?? (existsSync('/usr/share/gocode/src') ? ['/usr/share/gocode'] : []);
  const temp = mkdtempSync(join(tmpdir(), 'codehub-gotruth-'));
  const problems: string[] = [];
  try {
    const copy = join(temp, 'src', ...importPath.split('/'));
    cpSync(repoDir, copy, { recursive: true, filter: (src) => !src.split(sep).includes('.git') });
    const env = {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: [temp, ...gopathRoots].join(delimiter),
      GOFLAGS: '',
      GOPROXY: 'off',
      GOCACHE: join(temp, 'cache'),
    };
    const tool = options.callgraph ?? 'callgraph';
    const callgraph = async (algo: string): Promise<string> => {
      try {
        const { stdout } = await run(
          tool,
          [`-algo=${algo}`, '-test', `-format=${FORMAT}`, `${importPath}/...`],
          {
            env,
            cwd: copy,
            maxBuffer: 1 << 30,
          },
        );
        return stdout;
      } catch (error) {
        const e = error as { stderr?: string; message: string; code?: string };
        if (e.code === 'ENOENT')
          throw new Error(
            `${tool} was not found: the Go truth needs Debian's golang-go and golang-golang-x-tools (apt-get install golang-go golang-golang-x-tools)`,
          );
        const message = (e.stderr ?? e.message).split('\n').slice(0, 5).join(' | ');
        throw new Error(`callgraph -algo=${algo} failed on ${importPath}: ${message}`);
      }
    };
    const prefix = `${copy}${sep}`;
    const inRepo = (file: string): string | null =>
      file.startsWith(prefix) ? relative(copy, file).split(sep).join('/') : null;
    const scope = new Set(files);

    const edges: TruthEdge[] = [];
    const outside: TruthSite[] = [];
    const unresolved: TruthSite[] = [];
    const seen = new Set<string>();
    for (const lineText of (await callgraph('static')).split('\n')) {
      const row = parseRow(lineText);
      if (!row) continue;
      const path = inRepo(row.file);
      if (path === null || !scope.has(path)) continue;
      const key = `${path}\0${row.line}\0${row.callee}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const site = { path, line: row.line, kind: 'call' as const };
      const calleePath = inRepo(row.calleeFile);
      const category = categoryOf(row.callee, path, calleePath);
      if (isAnonymous(row.callee)) {
        unresolved.push({ ...site, category: 'other', calleeText: row.callee });
        continue;
      }
      if (calleePath === null || !calleePath.endsWith('.go')) {
        outside.push({ ...site, category, calleeText: row.callee });
        continue;
      }
      edges.push({
        ...site,
        calleePath,
        calleeStartLine: row.calleeLine,
        calleeEndLine: row.calleeLine,
        calleeName: shortName(row.callee),
        category,
      });
    }
    // Dynamic sites: excluded from the static scores, listed for their own measure.
    const dynamic = new Map<string, GoDynamicSite>();
    for (const lineText of (await callgraph('cha')).split('\n')) {
      const row = parseRow(lineText);
      if (!row || row.dynamic !== 'dynamic') continue;
      const path = inRepo(row.file);
      if (path === null || !scope.has(path)) continue;
      const key = `${path}\0${row.line}`;
      let site = dynamic.get(key);
      if (!site) dynamic.set(key, (site = { path, line: row.line, callees: [] }));
      const calleePath = inRepo(row.calleeFile);
      if (calleePath !== null) site.callees.push(`${calleePath}:${row.calleeLine}`);
    }
    for (const site of dynamic.values()) {
      site.callees.sort(compareStrings);
      unresolved.push({
        path: site.path,
        line: site.line,
        kind: 'call',
        category: 'other',
        calleeText: 'dynamic call',
      });
    }
    const walked = [...scope];
    sortTruth(walked, edges, outside, unresolved);
    let version = 'callgraph';
    try {
      version = `callgraph (golang.org/x/tools), ${(await run('go', ['version'], { env })).stdout.trim()}`;
    } catch {
      problems.push('go version failed');
    }
    return {
      edges,
      outside,
      unresolved,
      files: walked,
      dynamicSites: [...dynamic.values()].sort((a, b) => compareStrings(a.path, b.path) || a.line - b.line),
      stats: {
        config: `GOPATH mode, module ${importPath}${gopathRoots.length ? `, dependencies from ${gopathRoots.join(', ')}` : ''}`,
        configError: null,
        filesWalked: walked.length,
        filesSkippedTooLarge: 0,
        filesSkippedOverMax: 0,
        callSites: edges.length + outside.length + unresolved.length,
        millis: Math.round(performance.now() - started),
        checker: version,
        filesFailed: 0,
        problems,
      },
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

interface Row {
  caller: string;
  file: string;
  line: number;
  dynamic: string;
  callee: string;
  calleeFile: string;
  calleeLine: number;
}

function parseRow(text: string): Row | null {
  const parts = text.split('\t');
  if (parts.length < 6) return null;
  const [caller, file, lineText, dynamic, callee, pos] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const m = /^(.*):(\d+):(\d+)$/.exec(pos);
  const line = Number(lineText);
  if (!Number.isFinite(line) || line < 1) return null;
  return {
    caller,
    file,
    line,
    dynamic,
    callee,
    calleeFile: m?.[1] ?? '',
    calleeLine: m ? Number(m[2]) : 0,
  };
}

/** `pkg.f$1` (a closure) and the wrappers SSA makes for method values and expressions. */
function isAnonymous(callee: string): boolean {
  return /\$\d+$|\$bound$|\$thunk$/.test(callee) || callee.includes('$');
}

/** `(*example.com/m/pkg.Server).Start` → `Server.Start`; `example.com/m/pkg.F[int]` → `F`. */
export function shortName(callee: string): string {
  const method = /^\(\*?(?:.*\/)?[^/.]+\.([^)]+)\)\.(.+)$/.exec(callee);
  const name = method
    ? `${method[1]}.${method[2]}`
    : callee
        .slice(callee.lastIndexOf('/') + 1)
        .split('.')
        .slice(1)
        .join('.') || callee;
  return name.replace(/\[[^\]]*\]/g, '');
}

function categoryOf(callee: string, path: string, calleePath: string | null): CallCategory {
  if (callee.startsWith('(')) return 'method on typed local/param';
  const dir = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  if (calleePath !== null && dir(calleePath) === dir(path)) return 'plain identifier';
  return 'namespace member';
}

/** The repo's `.go` files, repo-relative, without vendored code and test data. */
function listGoFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.') || name.startsWith('_') || SKIP_DIRS.has(name)) continue;
      const full = join(dir, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(full);
      else if (name.endsWith('.go')) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort(compareStrings);
}
