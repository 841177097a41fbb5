/**
 * The eval use-case in one call, for `codehub eval` and `npm run eval`: build the truth of each language in the
 * repository (the TypeScript compiler for TS/JS files, pyright for Python files: truth-sources.ts), compare
 * codehub's edges from that language's files with it, and write EVAL.md / eval.json. The CLI indexes the repo
 * first and passes the edges and symbols in (paths relative to repoDir, as the truth's are); this module never indexes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Edge } from '../core/graph.js';
import { buildCompilerTruth, type CompilerTruthOptions } from './compiler-truth.js';
import { compareWithTruth, type SymbolRange } from './compare.js';
import {
  machineInfo,
  renderJson,
  renderMarkdown,
  type CorpusReport,
  type CorpusRole,
  type EvalReport,
} from './report.js';
import { writeCalibration, type ReasonMeasurement } from './calibrate.js';
import type { CallTruth } from './truth.js';
import {
  buildTruth,
  TRUTH_LANGUAGES,
  truthLanguageOf,
  truthLanguagesIn,
  type TruthLanguage,
  type TruthOptions,
} from './truth-sources.js';
import { parseSymbolId } from '../core/ids.js';
import { isTestPath } from '../languages/registry.js';

export interface EvaluateCorpusInput extends CompilerTruthOptions {
  /** Display name: `local/codehub`, `npm:rxjs@7.8.2`… */
  corpus: string;
  commit?: string;
  edges: ReadonlyArray<Edge>;
  symbols: Iterable<SymbolRange>;
  /** Samples per category of missed/wrong edges (default 5). */
  sampleSize?: number;
  indexMillis?: number;
}

/** Builds the TypeScript compiler's truth for one repository and scores codehub's edges against it. */
export function evaluateCorpus(input: EvaluateCorpusInput): CorpusReport {
  return scoreAgainst(input, buildCompilerTruth(input), 'typescript', input.corpus);
}

export interface EvaluateRepositoryInput
  extends EvaluateCorpusInput, Omit<TruthOptions, keyof CompilerTruthOptions> {
  /** Score only these languages (default: every language with files in the repo). */
  languages?: TruthLanguage[];
  /** Tuned or held out, for corpora of a fixed set (`npm run eval`). */
  role?: CorpusRole;
}

/**
 * Scores a repository language by language: each language present gets its own truth source and its own report,
 * over the edges whose caller file is in that language. A repository with one language gives one report named
 * `corpus`; with several, `corpus (TypeScript)`, `corpus (Python)`.
 */
export async function evaluateRepository(input: EvaluateRepositoryInput): Promise<CorpusReport[]> {
  const languages = input.languages ?? truthLanguagesIn(input.repoDir, input.include);
  const reports: CorpusReport[] = [];
  for (const language of languages) {
    const truth = await buildTruth(language, input);
    const name = languages.length > 1 ? `${input.corpus} (${TRUTH_LANGUAGES[language].label})` : input.corpus;
    const edges = input.edges.filter((e) => {
      const caller = parseSymbolId(e.callerId);
      return caller !== null && truthLanguageOf(caller.path) === language;
    });
    reports.push(scoreAgainst({ ...input, edges }, truth, language, name));
  }
  return reports;
}

function scoreAgainst(
  input: EvaluateCorpusInput & { role?: CorpusRole },
  truth: CallTruth,
  language: TruthLanguage,
  corpus: string,
): CorpusReport {
  // The process's peak so far (maxRSS is in KB): an upper bound for the truth's own footprint.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const symbols = [...input.symbols];
  const result = compareWithTruth({
    edges: input.edges,
    symbols,
    truth,
    isTestPath,
    ...(input.sampleSize !== undefined ? { sampleSize: input.sampleSize } : {}),
  });
  const scope = new Set(truth.files);
  const indexedSymbols = symbols.filter((s) => scope.has(s.path)).length;
  const notes: string[] = [];
  if (indexedSymbols === 0 && truth.files.length > 0) {
    notes.push(
      `No ${TRUTH_LANGUAGES[language].label} symbols were indexed in the ${truth.files.length} files the truth walked: no registered language plug-in analyses them yet, so every truth edge counts as missed and precision has nothing to judge.`,
    );
  }
  return {
    corpus,
    language,
    ...(input.role !== undefined ? { role: input.role } : {}),
    ...(input.commit !== undefined ? { commit: input.commit } : {}),
    result,
    indexedSymbols,
    ...(notes.length > 0 ? { notes } : {}),
    truth: {
      ...truth.stats,
      truthEdges: truth.edges.length,
      outside: truth.outside.length,
      unresolved: truth.unresolved.length,
    },
    timings: {
      truthMillis: truth.stats.millis,
      peakRssMb,
      ...(truth.stats.checkerPeakRssMb != null ? { checkerPeakRssMb: truth.stats.checkerPeakRssMb } : {}),
      ...(input.indexMillis !== undefined ? { indexMillis: input.indexMillis } : {}),
    },
  };
}

/** Assembles the report for several corpora on this machine. */
export function assembleReport(corpora: CorpusReport[], command: string): EvalReport {
  return { corpora, machine: machineInfo(), command };
}

/** Writes EVAL.md and eval.json into outDir; returns their paths. */
export function writeEvalOutputs(report: EvalReport, outDir: string): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = join(outDir, 'EVAL.md');
  const json = join(outDir, 'eval.json');
  writeFileSync(markdown, renderMarkdown(report));
  writeFileSync(json, renderJson(report));
  return { markdown, json };
}

/**
 * Calibrates one language's table from its corpora together: per reason, true and false positives are summed
 * over the corpora before the precision is taken, so a large corpus weighs by its size. Held-out corpora never
 * count (they measure the calibration); corpora of other languages never count (confidence is per language).
 */
export function calibrateFromReport(
  report: EvalReport,
  confidenceFile: string,
  language: TruthLanguage = 'typescript',
): Record<string, number> {
  const sums = new Map<string, { tp: number; fp: number }>();
  for (const c of report.corpora) {
    if ((c.language ?? 'typescript') !== language || c.role === 'held out') continue;
    for (const r of c.result.byReason) {
      const s = sums.get(r.reason) ?? { tp: 0, fp: 0 };
      s.tp += r.truePositives;
      s.fp += r.falsePositives;
      sums.set(r.reason, s);
    }
  }
  const measurements: ReasonMeasurement[] = [...sums.entries()].map(([reason, s]) => ({
    reason,
    sites: s.tp + s.fp,
    precision: s.tp + s.fp > 0 ? s.tp / (s.tp + s.fp) : 0,
  }));
  return writeCalibration(confidenceFile, measurements);
}
