/**
 * The eval use-case in one call, for `codehub eval` and `npm run eval`: build the compiler truth,
 * compare codehub's edges with it, and write EVAL.md / eval.json. The CLI indexes the repo first and
 * passes the edges and symbols in (paths relative to repoDir, as the truth's are); this module never indexes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Edge } from '../core/graph.js';
import { buildCompilerTruth, type CompilerTruthOptions } from './compiler-truth.js';
import { compareWithTruth, type SymbolRange } from './compare.js';
import { machineInfo, renderJson, renderMarkdown, type CorpusReport, type EvalReport } from './report.js';
import { writeCalibration, type ReasonMeasurement } from './calibrate.js';

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

/** Builds the truth for one repository and scores codehub's edges against it. */
export function evaluateCorpus(input: EvaluateCorpusInput): CorpusReport {
  const truth = buildCompilerTruth(input);
  // The process's peak so far (maxRSS is in KB): an upper bound for the truth's own footprint.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const result = compareWithTruth({
    edges: input.edges,
    symbols: input.symbols,
    truth,
    ...(input.sampleSize !== undefined ? { sampleSize: input.sampleSize } : {}),
  });
  return {
    corpus: input.corpus,
    ...(input.commit !== undefined ? { commit: input.commit } : {}),
    result,
    truth: {
      ...truth.stats,
      truthEdges: truth.edges.length,
      outside: truth.outside.length,
      unresolved: truth.unresolved.length,
    },
    timings: {
      truthMillis: truth.stats.millis,
      peakRssMb,
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
 * Calibrates from all corpora together: per reason, true and false positives are summed over the
 * corpora before the precision is taken, so a large corpus weighs by its size.
 */
export function calibrateFromReport(report: EvalReport, confidenceFile: string): Record<string, number> {
  const sums = new Map<string, { tp: number; fp: number }>();
  for (const c of report.corpora) {
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
