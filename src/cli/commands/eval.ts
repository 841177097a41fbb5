/**
 * `codehub eval <path>`: indexes a repository with the real indexer, builds the call-graph truth of each language
 * in the same tree (the TypeScript compiler for TS/JS files, pyright for Python files), and reports precision,
 * recall, F1 and calibration per language (docs/eval.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodehubError } from '../../core/errors.js';
import type { Edge } from '../../core/graph.js';
import type { SymbolRange } from '../../eval/compare.js';
import type { CorpusReport, EvalReport } from '../../eval/report.js';
import { renderJson, renderMarkdown } from '../../eval/report.js';
import type { CorpusRole } from '../../eval/report.js';
import {
  assembleReport,
  calibrateFromReport,
  evaluateRepository,
  writeEvalOutputs,
} from '../../eval/run-eval.js';
import type { TruthLanguage } from '../../eval/truth.js';
import { typescriptPlugin } from '../../languages/typescript/typescript-plugin.js';
import { exportTarget } from '../../service/export-snapshot.js';
import { indexRepository } from '../../service/indexer.js';
import { blobLocation, openWorkspace } from '../../service/workspace.js';
import { EXIT } from '../main.js';
import { parseCommandArgs, writeOut } from './command-args.js';

export interface EvalRepositoryOptions {
  /** A git checkout, or a folder inside one (then only that folder is scored). */
  path: string;
  /** Data dir to index into; a temporary one (removed afterwards) when absent. */
  dataDir?: string;
  /** Blob store location (`--blobs`); default the data dir's own. */
  blobs?: string | undefined;
  /** Database URL (`--database`); default $CODEHUB_DATABASE_URL, else the data dir's SQLite. */
  database?: string | undefined;
  /** Display name in the report (default: the indexed repo id). */
  corpus?: string;
  tsconfig?: string;
  maxFiles?: number;
  maxFileBytes?: number;
  sampleSize?: number;
  /** Tuned or held out (a corpus of `npm run eval`). */
  role?: CorpusRole;
  /** Score only these languages (default: every language with files in the tree). */
  languages?: TruthLanguage[];
}

/**
 * Indexes `path` (the committed HEAD) and scores its edges against the truth of the working tree: one report per
 * language present (TypeScript/JavaScript files against the compiler, Python files against pyright).
 */
export async function evalRepository(options: EvalRepositoryOptions): Promise<CorpusReport[]> {
  if (!existsSync(resolve(options.path)))
    throw new CodehubError('PathNotFound', `no such path: ${options.path}`);
  // git answers with the real path: a path through a symlink must be real too, or the scored folder lies outside it.
  const target = realpathSync(resolve(options.path));
  const repoDir = gitTopLevel(target);
  const sub = relative(repoDir, target).split(sep).join('/');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'codehub-eval-'));
  try {
    const indexed = await indexRepository({
      dataDir,
      blobs: options.blobs,
      ...(options.database !== undefined ? { database: options.database } : {}),
      source: repoDir,
    });
    const ws = openWorkspace(dataDir, { blobs: options.blobs, database: options.database });
    let edges: Edge[];
    let symbols: SymbolRange[];
    try {
      const { snapshot } = await exportTarget(ws, indexed.repo, indexed.commit);
      symbols = [];
      for await (const s of ws.storage.reader.iterateSymbols(snapshot.id)) {
        symbols.push({ id: s.id, path: s.path, startLine: s.startLine, endLine: s.endLine });
      }
      edges = [];
      for await (const e of ws.storage.reader.iterateEdges(snapshot.id)) {
        edges.push({
          callerId: e.callerId,
          calleeId: e.calleeId,
          calleeText: e.calleeText,
          kind: e.kind,
          reason: e.reason,
          confidence: e.confidence,
          lines: e.lines,
          ...(e.candidates !== undefined ? { candidates: e.candidates } : {}),
        });
      }
    } finally {
      await ws.close();
    }
    return await evaluateRepository({
      repoDir,
      corpus: options.corpus ?? (sub === '' ? indexed.repo : `${indexed.repo}/${sub}`),
      commit: indexed.commit,
      edges,
      symbols,
      indexMillis: indexed.durationMs,
      ...(sub !== '' ? { include: [`${sub}/`] } : {}),
      ...(options.tsconfig !== undefined ? { tsconfig: resolve(options.tsconfig) } : {}),
      ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
      ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
      ...(options.sampleSize !== undefined ? { sampleSize: options.sampleSize } : {}),
      ...(options.role !== undefined ? { role: options.role } : {}),
      ...(options.languages !== undefined ? { languages: options.languages } : {}),
    });
  } finally {
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The language whose confidences `codehub eval` measures by default: the TypeScript compiler's truth measures the
 * TypeScript/JavaScript plug-in. pyright's truth measures the plug-in whose id is `python`.
 */
export const EVAL_LANGUAGE = typescriptPlugin.id;

/** The plug-in id whose confidence table a truth language's measurements calibrate. */
export function pluginIdForTruth(language: TruthLanguage): string {
  return language === 'typescript' ? EVAL_LANGUAGE : language;
}

/**
 * Calibrates each language's table from its corpora (held-out corpora never count). A language whose plug-in has
 * no table in this checkout (not merged yet) is reported and skipped, not an error.
 */
export function calibrateAll(
  report: EvalReport,
): Array<{ language: TruthLanguage; written?: Record<string, number>; skipped?: string }> {
  const languages = [...new Set(report.corpora.map((c) => c.language ?? 'typescript'))];
  return languages.map((language) => {
    let file: string;
    try {
      file = confidenceTablePath(pluginIdForTruth(language));
    } catch (error) {
      return { language, skipped: (error as Error).message };
    }
    return { language, written: calibrateFromReport(report, file, language) };
  });
}

/** A language plug-in's checked-in confidence table in this project (what `--calibrate` rewrites). */
export function confidenceTablePath(languageId: string = EVAL_LANGUAGE): string {
  const rel = join('src', 'languages', languageId, 'confidence.ts');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, rel);
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new CodehubError('PathNotFound', `cannot find ${rel}; run --calibrate from a checkout`);
}

function gitTopLevel(path: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: path,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new CodehubError('NotAGitRepository', `${path} is not inside a git repository`);
  }
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new CodehubError('InvalidInput', `--${flag} must be a positive integer`);
  return n;
}

const USAGE =
  'usage: codehub eval <path> [--tsconfig FILE] [--json] [--out DIR] [--calibrate] [--max-files N] [--max-file-bytes N] [--data DIR]\n';

/** Runs `codehub eval`; returns the exit code. */
export async function cmdEval(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    tsconfig: { type: 'string' },
    out: { type: 'string' },
    calibrate: { type: 'boolean', default: false },
    'max-files': { type: 'string' },
    'max-file-bytes': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new CodehubError('InvalidInput', 'eval takes one <path>');
  const maxFiles = positiveInt('max-files', values['max-files']);
  const maxFileBytes = positiveInt('max-file-bytes', values['max-file-bytes']);
  const corpora = await evalRepository({
    path,
    ...(values.data !== undefined ? { dataDir: values.data } : {}),
    blobs: blobLocation(values.blobs),
    database: values.database,
    ...(values.tsconfig !== undefined ? { tsconfig: values.tsconfig } : {}),
    ...(maxFiles !== undefined ? { maxFiles } : {}),
    ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
  });
  const report = assembleReport(corpora, `codehub eval ${args.join(' ')}`);
  if (values.out !== undefined) writeEvalOutputs(report, values.out);
  if (values.calibrate) {
    for (const c of calibrateAll(report)) {
      process.stderr.write(
        c.written
          ? `calibrated ${c.language}: ${JSON.stringify(c.written)}\n`
          : `not calibrated ${c.language}: ${c.skipped}\n`,
      );
    }
  }
  await writeOut(values.json ? renderJson(report) : renderMarkdown(report));
  return EXIT.ok;
}
