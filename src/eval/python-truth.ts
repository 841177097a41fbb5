/**
 * Ground truth for Python call sites, from two tools that are not codehub's: CPython's `ast` lists every call
 * (python-call-sites.ts, one `python3` process per run), and pyright, a real type checker, says through its
 * language server where each callee is defined (`textDocument/definition` at the callee's last name).
 *
 *  - a definition in a repo `.py`/`.pyi` file that starts a `def`, `class` or name bound to a `lambda` → an in-repo
 *    truth edge to that definition (a class called goes to its own `__init__`, else the class: kind `new`); when
 *    pyright answers with several (a `def` in each branch of an `if`), the last is the callee and the others are
 *    alternatives a prediction may match;
 *  - a definition outside the repo (typeshed bundled with pyright, the interpreter's site-packages) → outside;
 *  - no answer, an error, a timeout, a crashed server, or an in-repo location that is no definition (a parameter, a
 *    local variable, an attribute) → unresolved, so a prediction there is excluded, not judged.
 * Robust by construction: each file's requests are sent together and each settles (see lsp-connection.ts); a
 * server that crashes or hangs is killed and restarted for the next file, at most `maxRestarts` times, and every
 * such failure is counted and named in the stats.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspConnection } from './lsp-connection.js';
import { parsePythonFiles, type PythonCallSite, type PythonDefinition } from './python-call-sites.js';
import {
  compareStrings,
  sortTruth,
  type CallCategory,
  type CallTruth,
  type TruthEdge,
  type TruthSite,
} from './truth.js';

export interface PythonTruthOptions {
  repoDir: string;
  /** Walk at most this many `.py` files (in path order). Default: no limit. */
  maxFiles?: number;
  /** Skip `.py` files larger than this (generated modules). Default 1 MB. */
  maxFileBytes?: number;
  /** Only walk files whose repo-relative path starts with one of these prefixes. */
  include?: string[];
  /** The interpreter for `ast` (and the one pyright asks for search paths). Default `python3`. */
  python?: string;
  /** Fail a file's waiting requests when the server answers nothing for this long. Default 120 s (the first answer in a file waits for pyright to check it: 12 s for a 2,000-line module on a loaded machine). */
  stallMillis?: number;
  /** Restarts after a crash or hang before the remaining files are given up. Default 3. */
  maxRestarts?: number;
  /** Definition requests in flight at once. Default 64. */
  batchSize?: number;
  /** The language server's entry script, run with this Node. Default: pyright's `langserver.index.js`. */
  serverScript?: string;
}

/** The pinned checker (package.json devDependencies); shown in reports. */
export const PYRIGHT_PACKAGE = 'pyright';

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.eggs',
  'build',
  'dist',
  'site-packages',
]);
const DEFAULT_MAX_FILE_BYTES = 1_000_000;
const MAX_PROBLEMS = 10;

interface Location {
  uri: string;
  range: { start: { line: number; character: number } };
}

/** Builds pyright's call-site truth for a repository checked out at repoDir. */
export async function buildPythonTruth(options: PythonTruthOptions): Promise<CallTruth> {
  const started = performance.now();
  const repoDir = resolve(options.repoDir);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const included = (r: string): boolean =>
    !options.include || options.include.some((prefix) => r.startsWith(prefix));

  const all = listPythonFiles(repoDir);
  let skippedTooLarge = 0;
  const candidates = all
    .filter((f) => f.path.endsWith('.py') && included(f.path))
    .filter((f) => {
      const ok = f.bytes <= maxFileBytes;
      if (!ok) skippedTooLarge++;
      return ok;
    })
    .map((f) => f.path);
  const walked = options.maxFiles !== undefined ? candidates.slice(0, options.maxFiles) : candidates;
  const walkedSet = new Set(walked);
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };

  const parsed = await parsePythonFiles({
    repoDir,
    walk: walked,
    definitionsOnly: all.filter((f) => !walkedSet.has(f.path) && f.bytes <= maxFileBytes).map((f) => f.path),
    ...(options.python !== undefined ? { python: options.python } : {}),
  });
  const failedFiles = new Set(parsed.failed.map((f) => f.path));
  for (const f of parsed.failed)
    if (walkedSet.has(f.path)) problem(`${f.path}: not parsed by ast (${f.error})`);

  const definitions = indexDefinitions(parsed.definitions);
  const sitesByFile = new Map<string, PythonCallSite[]>();
  for (const site of parsed.calls) {
    const list = sitesByFile.get(site.path);
    if (list) list.push(site);
    else sitesByFile.set(site.path, [site]);
  }

  const edges: TruthEdge[] = [];
  const outside: TruthSite[] = [];
  const unresolved: TruthSite[] = [];
  const files = walked.filter((p) => !failedFiles.has(p));
  const server = new PyrightSession(repoDir, options);
  let serverFailures = 0;
  try {
    for (const path of files) {
      const sites = sitesByFile.get(path) ?? [];
      if (sites.length === 0) continue;
      const answers = await server.definitions(path, sites, options.batchSize ?? 64, parsed.decoded);
      for (let i = 0; i < sites.length; i++) {
        const site = sites[i]!;
        const answer = answers[i]!;
        const base = { path, line: site.line, category: site.category as CallCategory };
        if (answer.kind === 'failed') {
          unresolved.push({ ...base, kind: 'call', calleeText: site.text });
          continue;
        }
        if (answer.kind === 'none') {
          unresolved.push({ ...base, kind: 'call', calleeText: site.text });
          continue;
        }
        const target = pickDefinition(answer.locations, repoDir, definitions);
        if (target.kind === 'outside') {
          outside.push({ ...base, kind: 'call', calleeText: `${site.name ?? site.text} (${target.where})` });
        } else if (target.kind === 'not a definition') {
          unresolved.push({ ...base, kind: 'call', calleeText: site.text });
        } else {
          const def = target.definition;
          // A class called constructs: its own `__init__` is the callee when it has one (as `new X()` in the
          // compiler truth), whether pyright answered with the class or with `__init__` itself.
          const constructs =
            !site.decorator &&
            (def.kind === 'class' || (def.qual.endsWith('.__init__') && site.name !== '__init__'));
          const init =
            constructs && def.kind === 'class'
              ? definitions.byQual.get(`${def.path}\0${def.qual}.__init__`)
              : undefined;
          const callee = init ?? def;
          edges.push({
            ...base,
            kind: constructs ? 'new' : 'call',
            calleePath: callee.path,
            calleeStartLine: callee.line,
            calleeEndLine: callee.end,
            calleeName: callee.qual,
            ...(target.alternatives.length > 0
              ? {
                  alternatives: target.alternatives.map((a) => ({
                    calleePath: a.path,
                    calleeStartLine: a.line,
                    calleeEndLine: a.end,
                    calleeName: a.qual,
                  })),
                }
              : {}),
          });
        }
      }
    }
  } finally {
    await server.close();
    serverFailures = server.failures.length;
    for (const f of server.failures) problem(f);
  }

  sortTruth(files, edges, outside, unresolved);
  const walkedFailures = parsed.failed.filter((f) => walkedSet.has(f.path)).length;
  return {
    edges,
    outside,
    unresolved,
    files,
    stats: {
      config: 'pyright defaults (typeCheckingMode off)',
      configError: null,
      filesWalked: files.length,
      filesSkippedTooLarge: skippedTooLarge,
      filesSkippedOverMax: candidates.length - walked.length,
      callSites: parsed.calls.filter((c) => walkedSet.has(c.path)).length,
      millis: Math.round(performance.now() - started),
      checker: `pyright ${pyrightVersion()}`,
      filesFailed: walkedFailures + serverFailures,
      problems,
      checkerPeakRssMb: server.peakRssMb,
    },
  };
}

interface DefinitionIndex {
  /** `path\0line` of the defined name → definitions whose name sits on that line. */
  byNameLine: Map<string, PythonDefinition[]>;
  /** `path\0qual` → definition (the first of that qualified name). */
  byQual: Map<string, PythonDefinition>;
}

function indexDefinitions(definitions: PythonDefinition[]): DefinitionIndex {
  const byNameLine = new Map<string, PythonDefinition[]>();
  const byQual = new Map<string, PythonDefinition>();
  for (const d of definitions) {
    const key = `${d.path}\0${d.nameLine}`;
    byNameLine.set(key, [...(byNameLine.get(key) ?? []), d]);
    const q = `${d.path}\0${d.qual}`;
    if (!byQual.has(q)) byQual.set(q, d);
  }
  return { byNameLine, byQual };
}

type Picked =
  | { kind: 'definition'; definition: PythonDefinition; alternatives: PythonDefinition[] }
  | { kind: 'outside'; where: string }
  | { kind: 'not a definition' };

/**
 * One definition per call site: an in-repo definition when any location is one (an implementation before an
 * `@overload` signature), else outside when any location is outside the repo, else no definition.
 */
function pickDefinition(locations: Location[], repoDir: string, index: DefinitionIndex): Picked {
  const found: PythonDefinition[] = [];
  let outsideWhere: string | null = null;
  for (const location of locations) {
    const path = repoRelative(location.uri, repoDir);
    if (path === null) {
      outsideWhere ??= outsideName(location.uri);
      continue;
    }
    const line = location.range.start.line + 1;
    const col = location.range.start.character;
    const onLine = index.byNameLine.get(`${path}\0${line}`) ?? [];
    // The name's exact position: a parameter or local on a `def` line (`def make(name, factory)`) is no definition.
    const def = onLine.find((d) => d.nameCol === col);
    // pyright may answer with a stub beside the module (`setters.pyi` next to `setters.py`); an indexer points at
    // the implementation, so the module's own definition of the same name is the callee when there is one.
    const implementation =
      def && path.endsWith('.pyi') ? index.byQual.get(`${path.slice(0, -1)}\0${def.qual}`) : undefined;
    if (implementation ?? def) found.push((implementation ?? def)!);
  }
  // `@overload` signatures are the implementation's; several implementations (a `def` in each branch of an `if`,
  // `try`/`except ImportError`) are alternatives: the last one, as the module reads, and the others beside it.
  const implementations = found.some((d) => !d.overload) ? found.filter((d) => !d.overload) : found;
  const unique = [...new Map(implementations.map((d) => [`${d.path}\0${d.line}`, d])).values()];
  const best = unique[unique.length - 1];
  if (best) return { kind: 'definition', definition: best, alternatives: unique.slice(0, -1) };
  if (outsideWhere !== null) return { kind: 'outside', where: outsideWhere };
  return { kind: 'not a definition' };
}

/** The repo-relative path of a file URI inside the repo (not under a skipped folder), else null. */
function repoRelative(uri: string, repoDir: string): string | null {
  let file: string;
  try {
    file = fileURLToPath(uri);
  } catch {
    return null;
  }
  const rel = relative(repoDir, file).split(sep).join('/');
  if (rel.startsWith('..') || rel.startsWith('/') || rel.split('/').some((part) => SKIP_DIRS.has(part)))
    return null;
  return rel;
}

/** `builtins.pyi`, `os/path.pyi`: the tail a reader recognises. */
function outsideName(uri: string): string {
  const parts = uri.split('/');
  const stdlib = parts.lastIndexOf('stdlib');
  const site =
    parts.lastIndexOf('site-packages') >= 0
      ? parts.lastIndexOf('site-packages')
      : parts.lastIndexOf('dist-packages');
  const from = stdlib >= 0 ? stdlib + 1 : site >= 0 ? site + 1 : parts.length - 1;
  return decodeURIComponent(parts.slice(from).join('/'));
}

type Answer =
  { kind: 'locations'; locations: Location[] } | { kind: 'none' } | { kind: 'failed'; error: string };

/** A pyright language server for one repository, restarted after a crash or a hang. */
class PyrightSession {
  readonly failures: string[] = [];
  peakRssMb: number | null = null;
  private connection: LspConnection | null = null;
  private restarts = 0;
  private givenUp: string | null = null;

  constructor(
    private readonly repoDir: string,
    private readonly options: PythonTruthOptions,
  ) {}

  /** Definitions of each site's callee name, in order; sites without a name are `none`. */
  async definitions(
    path: string,
    sites: PythonCallSite[],
    batchSize: number,
    decoded: ReadonlyMap<string, string>,
  ): Promise<Answer[]> {
    const connection = await this.ready();
    if (!connection) return sites.map(() => ({ kind: 'failed', error: this.givenUp ?? 'no server' }));
    const uri = pathToFileURL(resolve(this.repoDir, path)).href;
    // An open document is analysed at once; a file only on disk may not be in the program yet when asked.
    const text = decoded.get(path) ?? readUtf8(resolve(this.repoDir, path));
    if (text !== null) {
      connection.notify('textDocument/didOpen', {
        textDocument: { uri, languageId: 'python', version: 1, text },
      });
    }
    const answers: Answer[] = new Array<Answer>(sites.length);
    for (let from = 0; from < sites.length; from += batchSize) {
      const batch = sites.slice(from, from + batchSize);
      const results = await Promise.all(
        batch.map(async (site): Promise<Answer> => {
          if (site.nameLine === null || site.nameCol === null) return { kind: 'none' };
          const answer = await connection.request('textDocument/definition', {
            textDocument: { uri },
            position: { line: site.nameLine - 1, character: site.nameCol },
          });
          if (!answer.ok) return { kind: 'failed', error: answer.error };
          const locations = asLocations(answer.result);
          return locations.length > 0 ? { kind: 'locations', locations } : { kind: 'none' };
        }),
      );
      results.forEach((r, i) => (answers[from + i] = r));
    }
    if (text !== null) connection.notify('textDocument/didClose', { textDocument: { uri } });
    if (connection.failure) {
      this.failures.push(`${path}: ${connection.failure}`);
      this.retire(connection);
    }
    return answers;
  }

  async close(): Promise<void> {
    if (this.connection) {
      const c = this.connection;
      this.connection = null;
      await c.close();
      this.notePeak(c);
    }
  }

  private retire(connection: LspConnection): void {
    this.notePeak(connection);
    connection.kill('retired');
    this.connection = null;
  }

  private notePeak(connection: LspConnection): void {
    const peak = connection.peakRssMb();
    if (peak !== null) this.peakRssMb = Math.max(this.peakRssMb ?? 0, peak);
  }

  private async ready(): Promise<LspConnection | null> {
    if (this.connection) return this.connection;
    if (this.givenUp) return null;
    if (this.failures.length > 0) {
      if (this.restarts >= (this.options.maxRestarts ?? 3)) {
        this.givenUp = `gave up after ${this.restarts} restarts of the language server`;
        this.failures.push(this.givenUp);
        return null;
      }
      this.restarts++;
    }
    const connection = new LspConnection({
      command: process.execPath,
      args: [this.options.serverScript ?? pyrightServerScript(), '--stdio'],
      cwd: this.repoDir,
      stallMillis: this.options.stallMillis ?? 120_000,
      onServerRequest: (method, params) => this.answerServer(method, params),
    });
    const rootUri = pathToFileURL(this.repoDir).href;
    const init = await connection.request('initialize', {
      processId: process.pid,
      rootUri,
      rootPath: this.repoDir,
      workspaceFolders: [{ uri: rootUri, name: 'repo' }],
      capabilities: {
        textDocument: { definition: { linkSupport: false } },
        workspace: { configuration: true, workspaceFolders: true },
      },
      initializationOptions: {},
    });
    if (!init.ok) {
      this.failures.push(`initialize: ${init.error}`);
      this.retire(connection);
      return this.ready();
    }
    connection.notify('initialized', {});
    this.connection = connection;
    return connection;
  }

  /** pyright asks for its settings: no type-check diagnostics (definitions need none), the given interpreter. */
  private answerServer(method: string, params: unknown): unknown {
    if (method !== 'workspace/configuration') return null;
    const items = (params as { items?: Array<{ section?: string }> }).items ?? [];
    const analysis = {
      typeCheckingMode: 'off',
      diagnosticMode: 'openFilesOnly',
      autoSearchPaths: true,
      useLibraryCodeForTypes: true,
      logLevel: 'Error',
    };
    return items.map((item) => {
      if (item.section === 'python.analysis') return analysis;
      if (item.section === 'python') {
        return {
          analysis,
          ...(this.options.python !== undefined ? { pythonPath: this.options.python } : {}),
        };
      }
      return {};
    });
  }
}

/** The file's text when it is valid UTF-8, else null (pyright then reads the file from disk). */
function readUtf8(file: string): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch {
    return null;
  }
}

function asLocations(result: unknown): Location[] {
  if (!result) return [];
  const list = Array.isArray(result) ? result : [result];
  const out: Location[] = [];
  for (const item of list as Array<Record<string, unknown>>) {
    const uri = (item.uri ?? item.targetUri) as string | undefined;
    const range = (item.range ?? item.targetSelectionRange) as Location['range'] | undefined;
    if (typeof uri === 'string' && range) out.push({ uri, range });
  }
  return out;
}

function pyrightServerScript(): string {
  return createRequire(import.meta.url).resolve(`${PYRIGHT_PACKAGE}/langserver.index.js`);
}

/** The installed pyright's version (the pinned devDependency). */
export function pyrightVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${PYRIGHT_PACKAGE}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Python files of the repository (`.py` and `.pyi`), path order, without dot-folders and environments. */
function listPythonFiles(repoDir: string): Array<{ path: string; bytes: number }> {
  const out: Array<{ path: string; bytes: number }> = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
      const full = `${dir}${sep}${name}`;
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      if (stat.isDirectory()) walk(full, path);
      else if (stat.isFile() && (name.endsWith('.py') || name.endsWith('.pyi')))
        out.push({ path, bytes: stat.size });
    }
  };
  walk(repoDir, '');
  return out.sort((a, b) => compareStrings(a.path, b.path));
}
