/** CLI entry: parses argv, runs a command, returns the exit code. The only layer that prints. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { classifyError, CodehubError, isCodehubError, type ErrorCode } from '../core/errors.js';
import { DEFAULT_MAX_FILE_SIZE, indexRepository, type IndexResult } from '../service/indexer.js';
import { collectGarbage, listFiles, listRepos, readFile, verifyStore } from '../service/maintenance.js';
import { blobLocation, defaultDataDir, openWorkspace, type Workspace } from '../service/workspace.js';
import { queryTarget } from '../service/worktree-overlay.js';
import { createProgress } from './progress.js';

/** Exit codes (docs/cli-json.md). */
export const EXIT: Readonly<Record<ErrorCode | 'ok' | 'usage' | 'internal' | 'integrity', number>> = {
  ok: 0,
  usage: 2,
  InvalidInput: 2,
  integrity: 3,
  BlobHashMismatch: 3,
  BlobMissing: 3,
  NotAGitRepository: 4,
  RefNotFound: 5,
  RepoNotFound: 6,
  PathNotFound: 6,
  SymbolNotFound: 6,
  SymbolAmbiguous: 6,
  IndexLocked: 7,
  DataDirNotWritable: 8,
  DatabaseCorrupt: 9,
  GitFailed: 10,
  BlobStoreUnavailable: 11,
  DatabaseUnavailable: 12,
  internal: 70,
};

const USAGE = `usage: codehub <command> [options]
  index <path|git-url> [--name host/owner/name] [--ref REF] [--max-file-size BYTES]
        [--workers N] [--force] [--test-depth 1-5]
  repos
  files <repo> [prefix]
  cat <repo> <path>
  watch <path> [--worktree] [--interval-ms N] [--once] [--name host/owner/name]
        (indexes each new commit as it appears; --worktree also the uncommitted state, unpublished: <repo>@worktree)
  verify [--repair]
  gc [--keep-latest]
  serve [--host 127.0.0.1] [--port 7070] [--allowed-host NAME]... [--read-token-file F | --require-token | --public]
        [--work-dir DIR] [--min-track-interval SECONDS]
        (beyond loopback, a token or --public is required; CODEHUB_READ_TOKEN also sets the read token)
  worker [--work-dir DIR] [--poll SECONDS] [--stale-after SECONDS]   (runs queued index jobs; PostgreSQL or SQLite)
  token create --scope admin|read [--expires DURATION] [--name NAME] | token list | token revoke ID
  mcp                       (MCP server over stdio)
  start [--port 7070]       (index this checkout if its HEAD is not indexed yet, then serve)
  show <repo> <symbol> [--context N] [--max-lines N]   (symbol: id | qualified name | name | path:line;
        repo: host/owner/name, @commit or @ref for an indexed commit, @worktree for a watched work tree)
  export <repo> [--ref SHA]   (JSON lines: one symbol or edge per line)
  diff <repo> <base> <head> [--depth 1-5]   (changed symbols, impacted callers, tests to run between two indexed commits/refs)
  diff <repo> <base> --worktree <path>       (the same for a checkout's uncommitted state; indexed in a scratch dir, never published)
  eval <path> [--tsconfig FILE] [--out DIR] [--calibrate] [--max-files N] [--max-file-bytes N]   (call graph vs the TS compiler)
common options: --data DIR (default $CODEHUB_DATA or ~/.codehub), --json,
  --blobs s3://bucket/prefix|DIR (default $CODEHUB_BLOBS, else DIR/blobs of --data),
  --database postgres://… (default $CODEHUB_DATABASE_URL; else SQLite in the data dir)`;

const COMMON = {
  data: { type: 'string' },
  blobs: { type: 'string' },
  database: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

type Out = { json: boolean };

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CodehubError('InvalidInput', (err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a CLI command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    switch (command) {
      case 'index':
        return await cmdIndex(rest);
      case 'repos':
        return await cmdRepos(rest);
      case 'files':
        return await cmdFiles(rest);
      case 'cat':
        return await cmdCat(rest);
      case 'verify':
        return await cmdVerify(rest);
      case 'gc':
        return await cmdGc(rest);
      case 'start':
        return await cmdStart(rest);
      case 'serve':
        return await (await import('./commands/serve.js')).cmdServe(rest);
      case 'mcp':
        return await (await import('./commands/serve.js')).cmdMcp(rest);
      case 'show':
        return await (await import('./commands/show.js')).cmdShow(rest);
      case 'export':
        return await (await import('./commands/export.js')).cmdExport(rest);
      case 'diff':
        return await (await import('./commands/diff.js')).cmdDiff(rest);
      case 'worker':
        return await (await import('./commands/worker.js')).cmdWorker(rest);
      case 'token':
        return await (await import('./commands/worker.js')).cmdToken(rest);
      case 'eval':
        return await (await import('./commands/eval.js')).cmdEval(rest);
      case 'watch':
        return await (await import('./commands/watch.js')).cmdWatch(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new CodehubError('InvalidInput', `unknown command '${command}' (try 'codehub help')`);
    }
  } catch (err) {
    return reportError(err, { json });
  }
}

function reportError(thrown: unknown, out: Out): number {
  const err = classifyError(thrown);
  const code: ErrorCode | 'internal' = isCodehubError(err) ? err.code : 'internal';
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split('\n')[0] ?? message;
  process.stderr.write(code === 'internal' ? `codehub: internal error: ${line}\n` : `codehub: ${line}\n`);
  if (out.json) printJson({ error: { code, message: line } });
  return EXIT[code];
}

function withWorkspace<T>(
  flags: { data?: string | undefined; blobs?: string | undefined; database?: string | undefined },
  run: (ws: Workspace) => Promise<T>,
): Promise<T> {
  const ws = openWorkspace(defaultDataDir(flags.data), {
    blobs: blobLocation(flags.blobs),
    database: flags.database,
  });
  return run(ws).finally(() => ws.close());
}

/** withWorkspace for a repo spec: `<repo>@worktree` runs on the repo's work-tree overlay (codehub watch --worktree). */
function withRepoWorkspace<T>(
  flags: { data?: string | undefined; blobs?: string | undefined; database?: string | undefined },
  spec: string,
  run: (ws: Workspace, repoId: string) => Promise<T>,
): Promise<T> {
  return withWorkspace(flags, async (hub) => {
    const target = queryTarget(hub, spec);
    try {
      return await run(target.ws, target.repo);
    } finally {
      await target.close();
    }
  });
}

async function cmdIndex(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    name: { type: 'string' },
    ref: { type: 'string' },
    'max-file-size': { type: 'string' },
    'test-depth': { type: 'string' },
    workers: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (values.help) return usage();
  const source = positionals[0];
  if (!source || positionals.length > 1)
    throw new CodehubError('InvalidInput', 'index takes one <path|git-url>');
  // An unchanged commit is not re-indexed (its snapshot is already the answer) unless --force.
  const result = await runIndex(source, { ...values, skipIfIndexed: !values.force }, values.json);
  if (result.upToDate && !values.json)
    process.stdout.write(
      `${result.repo}@${result.commit.slice(0, 12)} is already indexed (snapshot ${result.snapshot}); --force re-indexes it\n`,
    );
  else printIndexResult(result, values.json);
  return EXIT.ok;
}

async function runIndex(
  source: string,
  values: {
    data?: string;
    blobs?: string;
    database?: string;
    name?: string;
    ref?: string;
    'max-file-size'?: string;
    'test-depth'?: string;
    workers?: string;
    skipIfIndexed?: boolean;
  },
  json: boolean,
): Promise<IndexResult> {
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize < 0) {
      throw new CodehubError(
        'InvalidInput',
        `--max-file-size must be a number of bytes, got '${values['max-file-size']}'`,
      );
    }
  }
  const testDepth = values['test-depth'] === undefined ? undefined : Number(values['test-depth']);
  if (testDepth !== undefined && !(Number.isInteger(testDepth) && testDepth >= 1 && testDepth <= 5))
    throw new CodehubError(
      'InvalidInput',
      `--test-depth must be 1 to 5 call hops, got '${values['test-depth']}'`,
    );
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1)
      throw new CodehubError('InvalidInput', `--workers must be a whole number ≥ 1, got '${values.workers}'`);
  }
  const progress = json ? createProgress({ isTTY: false } as NodeJS.WriteStream) : createProgress();
  try {
    return await indexRepository({
      dataDir: defaultDataDir(values.data),
      blobs: blobLocation(values.blobs),
      ...(values.database !== undefined ? { database: values.database } : {}),
      source,
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.ref !== undefined ? { ref: values.ref } : {}),
      maxFileSize,
      ...(testDepth !== undefined ? { testReachDepth: testDepth } : {}),
      ...(workers !== undefined ? { workers } : {}),
      skipIfIndexed: values.skipIfIndexed ?? false,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.done();
  }
}

function printIndexResult(r: IndexResult, json: boolean): void {
  if (json) {
    printJson(r);
    return;
  }
  const secs = Math.max(r.durationMs / 1000, 0.001);
  const skipped = Object.entries(r.skipped)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  // Unlike the other skips, this one says the repository is incomplete: it gets a line of its own.
  const missing = r.skipped['missing-object'] ?? 0;
  process.stdout.write(
    `indexed ${r.repo}@${r.commit.slice(0, 12)} (${r.ref}): ${r.files} files, ${r.storedFiles} stored (${r.newBlobs} new blobs), ` +
      `${r.symbols} symbols, ${r.edges} edges, ${r.testLinks} tested-by links\n` +
      `  analysed ${r.analysedFiles}, from cache ${r.cachedFiles}${skipped ? `; not analysed: ${skipped}` : ''}\n` +
      (missing > 0
        ? `  ${missing} ${missing === 1 ? 'file' : 'files'} skipped: missing-object (git does not have ${missing === 1 ? 'its blob' : 'their blobs'}: ` +
          `a partial clone or pruned mirror); 'codehub files ${r.repo}' lists ${missing === 1 ? 'it' : 'them'}\n`
        : '') +
      `  ${(r.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(2)} s (${(r.files / secs).toFixed(0)} files/s, ${(r.bytes / 1e6 / secs).toFixed(1)} MB/s)\n`,
  );
}

async function cmdRepos(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return usage();
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'repos takes no arguments');
  return withWorkspace(values, async (ws) => {
    const repos = await listRepos(ws);
    const { createChangeService } = await import('../service/change-service.js');
    const changes = createChangeService(ws);
    const history = await Promise.all(repos.map((r) => changes.history(r.id)));
    if (values.json) printJson({ repos: repos.map((r, i) => ({ ...r, snapshots: history[i] ?? [] })) });
    else if (repos.length === 0)
      process.stdout.write("no repositories indexed yet (run 'codehub index <path>')\n");
    else {
      for (const r of repos) {
        process.stdout.write(
          `${r.id}  ${r.commit ? r.commit.slice(0, 12) : '(no snapshot)'}  ${r.files} files  ${r.symbols} symbols  ${r.indexedAt ?? ''}\n`,
        );
        const older = (history[repos.indexOf(r)] ?? []).slice(1);
        for (const s of older) {
          const refs = [...new Set([...(s.ref ? [s.ref] : []), ...s.refs])];
          process.stdout.write(
            `  also ${s.commit.slice(0, 12)}${refs.length > 0 ? ` (${refs.join(', ')})` : ''}  ${s.indexedAt}\n`,
          );
        }
      }
    }
    return EXIT.ok;
  });
}

async function cmdFiles(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return usage();
  const [repo, prefix] = positionals;
  if (!repo || positionals.length > 2) throw new CodehubError('InvalidInput', 'files takes <repo> [prefix]');
  return withRepoWorkspace(values, repo, async (ws, repoId) => {
    const { snapshot, files } = await listFiles(ws, repoId, prefix ?? '');
    if (values.json) {
      printJson({ repo, commit: snapshot.commit, ref: snapshot.ref, files });
    } else {
      for (const f of files) {
        const note = f.skipReason ? `  [${f.skipReason}${f.target ? ` → ${f.target}` : ''}]` : '';
        process.stdout.write(`${f.path}  ${f.size}  ${f.blobSha256 ?? '-'}${note}\n`);
      }
    }
    return EXIT.ok;
  });
}

async function cmdCat(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return usage();
  const [repo, path] = positionals;
  if (!repo || !path || positionals.length > 2)
    throw new CodehubError('InvalidInput', 'cat takes <repo> <path>');
  return withRepoWorkspace(values, repo, async (ws, repoId) => {
    const { snapshot, file, bytes } = await readFile(ws, repoId, path);
    if (values.json) {
      const text = file.skipReason === null;
      printJson({
        repo,
        commit: snapshot.commit,
        path,
        blobSha256: file.blobSha256,
        verified: true,
        size: bytes.length,
        encoding: text ? 'utf8' : 'base64',
        content: bytes.toString(text ? 'utf8' : 'base64'),
      });
    } else {
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())),
      );
    }
    return EXIT.ok;
  });
}

async function cmdVerify(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { repair: { type: 'boolean', default: false } });
  if (values.help) return usage();
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'verify takes no arguments');
  return withWorkspace(values, async (ws) => {
    const progress = values.json ? createProgress({ isTTY: false } as NodeJS.WriteStream) : createProgress();
    const report = await verifyStore(ws, {
      repair: values.repair,
      onProgress: (done, total) =>
        progress.update({
          phase: 'verifying',
          filesDone: done,
          filesTotal: total,
          bytesDone: 0,
          bytesTotal: 0,
        }),
    }).finally(() => progress.done());
    const bad = report.corrupt.length + report.missing.length;
    const remaining = values.repair ? report.unrepaired.length : bad;
    if (values.json) printJson(report);
    else {
      process.stdout.write(
        `checked ${report.checked} blobs: ${report.ok} ok, ${report.corrupt.length} corrupt, ${report.missing.length} missing\n`,
      );
      for (const s of report.corrupt) process.stdout.write(`  corrupt ${s}\n`);
      for (const s of report.missing) process.stdout.write(`  missing ${s}\n`);
      if (values.repair)
        process.stdout.write(
          `repaired ${report.repaired.length}, could not repair ${report.unrepaired.length}\n`,
        );
    }
    if (remaining > 0) {
      process.stderr.write(
        values.repair
          ? `codehub: ${remaining} blob(s) could not be repaired (their git repositories are gone or no longer have those objects); re-index from a source that has them\n`
          : `codehub: ${remaining} blob(s) failed verification; run 'codehub verify --repair'\n`,
      );
      return EXIT.integrity;
    }
    return EXIT.ok;
  });
}

async function cmdGc(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { 'keep-latest': { type: 'boolean', default: false } });
  if (values.help) return usage();
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'gc takes no arguments');
  return withWorkspace(values, async (ws) => {
    const report = await collectGarbage(ws, { keepLatestOnly: values['keep-latest'] });
    if (values.json) printJson(report);
    else {
      process.stdout.write(
        `removed ${report.removedBlobs} blobs (${(report.freedBytes / 1e6).toFixed(1)} MB), ${report.removedSnapshots} snapshots; kept ${report.keptBlobs} blobs\n`,
      );
    }
    return EXIT.ok;
  });
}

async function cmdStart(args: string[]): Promise<number> {
  const { SERVE_OPTIONS, serveHub } = await import('./commands/serve.js');
  const { values, positionals } = parse(args, SERVE_OPTIONS);
  if (values.help) return usage();
  if (positionals.length > 0) throw new CodehubError('InvalidInput', 'start takes no arguments');
  const result = await runIndex(process.cwd(), { ...values, skipIfIndexed: true }, values.json);
  if (result.upToDate) {
    process.stdout.write(`${result.repo}@${result.commit.slice(0, 12)} is already indexed\n`);
  } else {
    printIndexResult(result, values.json);
  }
  return serveHub(values);
}

function usage(): number {
  process.stdout.write(`${USAGE}\n`);
  return EXIT.ok;
}
