/**
 * Compares codehub's call edges with the compiler's truth (pure: no I/O).
 *
 * Unit of comparison: a call site with its callee, (caller path, 1-based line, callee). Each resolved
 * edge expands into one predicted site per line in `lines`; the truth has one site per call expression.
 *
 * A predicted callee matches a truth callee when the paths are equal and either
 *  - the start lines are equal, or
 *  - the end lines are equal and one range contains the other (an indexer that starts a declaration at
 *    its JSDoc, decorators or `export` keyword and the checker that starts it at the declaration differ
 *    only in leading lines), or
 *  - the site is `new X()` and the predicted range contains the truth's constructor (class vs constructor);
 * and it matches a truth edge that lists alternatives (a definition in each branch of an `if`) when it matches any.
 *
 * Judging a predicted site (a line may hold several calls, so the truth is looked up per line):
 *  - caller file not in the truth's scope → excluded (`outOfScope`);
 *  - callee id not in the symbol table → excluded (`unknownCallee`);
 *  - matches an in-repo truth edge on that line → true positive;
 *  - otherwise, if the compiler could not resolve some call on that line → excluded (`unknown`): it may be that one;
 *  - otherwise, if the compiler saw a call on that line (in-repo or external/builtin callee) → false positive;
 *  - otherwise (no call expression starts on that line: `super(…)`, tagged templates, decorators, or a wrong
 *    line) → excluded (`noTruthSite`), counted in the report.
 * Recall = truth edges matched by at least one prediction / all truth edges (every file in scope).
 * Per reason: precision over that reason's judged sites; recall = the share of all truth edges that
 * reason's edges found (so per-reason recalls add up to at most the overall recall); F1 from those two.
 */
import type { Edge } from '../core/graph.js';
import { isResolvedReason } from '../core/confidence.js';
import { parseSymbolId } from '../core/ids.js';
import { compareStrings, type CallCategory, type CallTruth, type TruthEdge } from './truth.js';

/** Where a symbol id points: what the comparison needs from codehub's symbols. */
export interface SymbolRange {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
}

export interface CompareInput {
  edges: ReadonlyArray<Edge>;
  symbols: Iterable<SymbolRange>;
  truth: Pick<CallTruth, 'edges' | 'outside' | 'unresolved' | 'files'>;
  /** Samples kept per category for missed and wrong edges. Default 5. */
  sampleSize?: number;
  /** Test files: the views (`EvalResult.views`) score only callers outside them. Default: none is a test. */
  isTestPath?: (path: string) => boolean;
}

/** What a reader sees at a confidence threshold: the edges drawn at or above it, scored on non-test callers. */
export interface ViewScores {
  /** Edges with confidence ≥ this are in the view (0: every drawn edge). */
  minConfidence: number;
  /** Judged predicted sites in the view (TP + FP). */
  sites: number;
  precision: number;
  /** Truth edges from non-test callers found by the view / all such truth edges. */
  recall: number;
  /** Truth edges from non-test callers. */
  truthEdges: number;
}

/** The thresholds EVAL.md reports: the confident view, the default view of pages and MCP, everything drawn. */
export const VIEW_THRESHOLDS: readonly number[] = [0.8, 0.5, 0];

export interface Scores {
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ReasonScores extends Scores {
  reason: string;
  /** Judged predicted sites (TP + FP): the count calibration uses. */
  sites: number;
  excluded: number;
  /** Mean confidence codehub gave this reason's judged sites. */
  confidence: number;
  /** |confidence − precision|. */
  calibrationError: number;
  /** Wilson score lower bound (95 %) of the precision: what it is at least, given how few sites were judged. */
  wilsonLower: number;
  /** Judged sites / all of the reason's predicted sites: the share the truth could say right or wrong about. */
  judgedShare: number;
}

export interface MissedSample {
  path: string;
  line: number;
  category: CallCategory;
  expected: string;
  /** Callee ids codehub predicted on that line, if any. */
  predicted: string[];
}

export interface WrongSample {
  path: string;
  line: number;
  category: CallCategory | 'no truth';
  reason: string;
  confidence: number | null;
  predicted: string;
  /** What the compiler found on that line. */
  truth: string[];
}

export interface CategoryBucket<T> {
  category: string;
  count: number;
  samples: T[];
}

export interface EvalResult {
  overall: Scores & { truthEdges: number; predictedSites: number };
  byReason: ReasonScores[];
  /**
   * `dispatch`: an `interface-impl` guess on a line where the truth names the interface member: the compiler cannot
   * say which implementation runs, so such a guess is not judged.
   */
  excluded: {
    outOfScope: number;
    unknownCallee: number;
    unknown: number;
    noTruthSite: number;
    dispatch: number;
  };
  /** Precision and recall per confidence threshold (VIEW_THRESHOLDS), non-test callers only. */
  views: ViewScores[];
  /**
   * codehub's call sites (caller, line, callee text) in the truth's files by outcome: `resolved`, or the reason an
   * unresolved one gives (`builtin`, `external` for every `external:<pkg>`, `dynamic`, `unknown`, `resolver-error`).
   */
  callSites: Record<string, number>;
  missedByCategory: CategoryBucket<MissedSample>[];
  wrongByCategory: CategoryBucket<WrongSample>[];
}

interface PredictedSite {
  path: string;
  line: number;
  calleeId: string;
  callee: SymbolRange | undefined;
  reason: string;
  confidence: number | null;
}

interface TruthLine {
  edges: TruthEdge[];
  outside: string[];
  outsideCategories: CallCategory[];
  unresolved: number;
}

/** Scores codehub's edges against the compiler's truth: precision/recall/F1, per reason, samples. */
export function compareWithTruth(input: CompareInput): EvalResult {
  const sampleSize = input.sampleSize ?? 5;
  const symbols = new Map<string, SymbolRange>();
  for (const s of input.symbols) symbols.set(s.id, s);

  const scope = new Set(input.truth.files);
  const lines = new Map<string, TruthLine>();
  const lineOf = (path: string, line: number): TruthLine => {
    const key = siteKey(path, line);
    let entry = lines.get(key);
    if (!entry) {
      entry = { edges: [], outside: [], outsideCategories: [], unresolved: 0 };
      lines.set(key, entry);
    }
    return entry;
  };
  for (const e of input.truth.edges) lineOf(e.path, e.line).edges.push(e);
  for (const s of input.truth.outside) {
    const entry = lineOf(s.path, s.line);
    entry.outside.push(s.calleeText);
    entry.outsideCategories.push(s.category);
  }
  for (const s of input.truth.unresolved) lineOf(s.path, s.line).unresolved++;

  const predicted = expandEdges(input.edges, symbols);
  const predictedByLine = new Map<string, string[]>();
  for (const p of predicted) {
    const key = siteKey(p.path, p.line);
    predictedByLine.set(key, [...(predictedByLine.get(key) ?? []), p.calleeId]);
  }

  const found = new Set<TruthEdge>();
  const isTest = input.isTestPath ?? ((): boolean => false);
  const views = VIEW_THRESHOLDS.map((minConfidence) => ({
    minConfidence,
    tp: 0,
    fp: 0,
    found: new Set<TruthEdge>(),
  }));
  const inViews = (p: PredictedSite): typeof views =>
    isTest(p.path) ? [] : views.filter((v) => (p.confidence ?? 0) >= v.minConfidence);
  const excluded = { outOfScope: 0, unknownCallee: 0, unknown: 0, noTruthSite: 0, dispatch: 0 };
  const perReason = new Map<
    string,
    { tp: number; fp: number; excluded: number; confSum: number; found: Set<TruthEdge> }
  >();
  const wrong: WrongSample[] = [];
  let tp = 0;
  let fp = 0;

  for (const p of predicted) {
    const r = perReason.get(p.reason) ?? {
      tp: 0,
      fp: 0,
      excluded: 0,
      confSum: 0,
      found: new Set<TruthEdge>(),
    };
    perReason.set(p.reason, r);
    if (!scope.has(p.path)) {
      excluded.outOfScope++;
      r.excluded++;
      continue;
    }
    if (!p.callee) {
      excluded.unknownCallee++;
      r.excluded++;
      continue;
    }
    const truthLine = lines.get(siteKey(p.path, p.line));
    // Two calls to the same callee on one line are one (path, line, callee) site: one prediction covers both.
    const matches = truthLine?.edges.filter((t) => calleeMatches(p.callee as SymbolRange, t)) ?? [];
    if (matches.length > 0) {
      tp++;
      r.tp++;
      r.confSum += p.confidence ?? 0;
      for (const m of matches) {
        found.add(m);
        r.found.add(m);
      }
      for (const v of inViews(p)) {
        v.tp++;
        for (const m of matches) v.found.add(m);
      }
      continue;
    }
    if (p.reason === 'interface-impl' && truthLine && truthLine.edges.length > 0) {
      excluded.dispatch++;
      r.excluded++;
      continue;
    }
    if (truthLine && truthLine.unresolved > 0) {
      excluded.unknown++;
      r.excluded++;
      continue;
    }
    if (!truthLine || (truthLine.edges.length === 0 && truthLine.outside.length === 0)) {
      excluded.noTruthSite++;
      r.excluded++;
      continue;
    }
    fp++;
    r.fp++;
    r.confSum += p.confidence ?? 0;
    for (const v of inViews(p)) v.fp++;
    wrong.push({
      path: p.path,
      line: p.line,
      category: truthLine.edges[0]?.category ?? truthLine.outsideCategories[0] ?? 'no truth',
      reason: p.reason,
      confidence: p.confidence,
      predicted: p.calleeId,
      truth: [...truthLine.edges.map(describeTruth), ...truthLine.outside.map((name) => `outside: ${name}`)],
    });
  }

  const truthEdges = input.truth.edges.length;
  const missed: MissedSample[] = input.truth.edges
    .filter((t) => !found.has(t))
    .map((t) => ({
      path: t.path,
      line: t.line,
      category: t.category,
      expected: describeTruth(t),
      predicted: predictedByLine.get(siteKey(t.path, t.line)) ?? [],
    }));

  const byReason: ReasonScores[] = [...perReason.entries()]
    .map(([reason, r]) => {
      const scores = score(r.tp, r.fp, r.found.size, truthEdges);
      const sites = r.tp + r.fp;
      const confidence = sites > 0 ? r.confSum / sites : 0;
      return {
        reason,
        ...scores,
        sites,
        excluded: r.excluded,
        confidence,
        calibrationError: sites > 0 ? Math.abs(confidence - scores.precision) : 0,
        wilsonLower: wilsonLowerBound(r.tp, sites),
        judgedShare: sites + r.excluded > 0 ? sites / (sites + r.excluded) : 0,
      };
    })
    .sort((a, b) => b.sites - a.sites || compareStrings(a.reason, b.reason));

  const callSites = countCallSites(input.edges, scope);
  const nonTestTruth = input.truth.edges.filter((t) => !isTest(t.path)).length;
  return {
    overall: { ...score(tp, fp, found.size, truthEdges), truthEdges, predictedSites: predicted.length },
    byReason,
    excluded,
    views: views.map((v) => ({
      minConfidence: v.minConfidence,
      sites: v.tp + v.fp,
      precision: v.tp + v.fp > 0 ? v.tp / (v.tp + v.fp) : 0,
      recall: nonTestTruth > 0 ? v.found.size / nonTestTruth : 0,
      truthEdges: nonTestTruth,
    })),
    callSites,
    missedByCategory: bucket(
      missed,
      (m) => m.category,
      (m) => `${m.path}:${m.line}:${m.expected}`,
      sampleSize,
    ),
    wrongByCategory: bucket(
      wrong,
      (w) => w.category,
      (w) => `${w.path}:${w.line}:${w.predicted}`,
      sampleSize,
    ),
  };
}

/** The callee-matching rule documented at the top of this file, for the truth's callee or any of its alternatives. */
export function calleeMatches(predicted: SymbolRange, truth: TruthEdge): boolean {
  return (
    calleeMatchesOne(predicted, truth) ||
    (truth.alternatives ?? []).some((alternative) =>
      calleeMatchesOne(predicted, { ...truth, ...alternative }),
    )
  );
}

function calleeMatchesOne(predicted: SymbolRange, truth: TruthEdge): boolean {
  if (predicted.path !== truth.calleePath) return false;
  if (predicted.startLine === truth.calleeStartLine) return true;
  const contains = (aStart: number, aEnd: number, bStart: number, bEnd: number): boolean =>
    aStart <= bStart && bEnd <= aEnd;
  const predContainsTruth = contains(
    predicted.startLine,
    predicted.endLine,
    truth.calleeStartLine,
    truth.calleeEndLine,
  );
  const truthContainsPred = contains(
    truth.calleeStartLine,
    truth.calleeEndLine,
    predicted.startLine,
    predicted.endLine,
  );
  if (predicted.endLine === truth.calleeEndLine && (predContainsTruth || truthContainsPred)) return true;
  return truth.kind === 'new' && predContainsTruth;
}

function expandEdges(edges: ReadonlyArray<Edge>, symbols: Map<string, SymbolRange>): PredictedSite[] {
  const seen = new Set<string>();
  const out: PredictedSite[] = [];
  for (const edge of edges) {
    if (edge.calleeId === null || !isResolvedReason(edge.reason)) continue;
    const caller = parseSymbolId(edge.callerId);
    if (!caller) continue;
    for (const line of edge.lines) {
      const key = `${siteKey(caller.path, line)}\0${edge.calleeId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        path: caller.path,
        line,
        calleeId: edge.calleeId,
        callee: symbols.get(edge.calleeId),
        reason: edge.reason,
        confidence: edge.confidence,
      });
    }
  }
  return out;
}

/** Call sites of edges whose caller file is in scope, by outcome; a site resolved to any callee counts as resolved. */
function countCallSites(edges: ReadonlyArray<Edge>, scope: ReadonlySet<string>): Record<string, number> {
  const outcome = new Map<string, string>();
  for (const edge of edges) {
    const caller = parseSymbolId(edge.callerId);
    if (!caller || !scope.has(caller.path)) continue;
    const kind =
      edge.calleeId !== null ? 'resolved' : edge.reason.startsWith('external:') ? 'external' : edge.reason;
    for (const line of edge.lines) {
      const key = `${edge.callerId}\0${line}\0${edge.calleeText}`;
      if (outcome.get(key) !== 'resolved') outcome.set(key, kind);
    }
  }
  const counts: Record<string, number> = {};
  for (const kind of outcome.values()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Wilson score interval's lower end for `successes` out of `n` (z = 1.96: 95 %); 0 when nothing was judged. */
export function wilsonLowerBound(successes: number, n: number, z = 1.96): number {
  if (n <= 0) return 0;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

function score(tp: number, fp: number, truthFound: number, truthTotal: number): Scores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = truthTotal > 0 ? truthFound / truthTotal : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives: tp, falsePositives: fp, precision, recall, f1 };
}

/** Groups items by category (largest first); samples are the first N by a stable hash, so reruns agree. */
function bucket<T>(
  items: T[],
  categoryOf: (t: T) => string,
  keyOf: (t: T) => string,
  n: number,
): CategoryBucket<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const c = categoryOf(item);
    groups.set(c, [...(groups.get(c) ?? []), item]);
  }
  return [...groups.entries()]
    .map(([category, group]) => ({
      category,
      count: group.length,
      samples: group
        .map((item) => ({ item, key: keyOf(item) }))
        .sort((a, b) => fnv1a(a.key) - fnv1a(b.key) || compareStrings(a.key, b.key))
        .slice(0, n)
        .map((x) => x.item),
    }))
    .sort((a, b) => b.count - a.count || compareStrings(a.category, b.category));
}

function describeTruth(t: TruthEdge): string {
  return `${t.calleeName} (${t.calleePath}:${t.calleeStartLine}-${t.calleeEndLine})`;
}

function siteKey(path: string, line: number): string {
  return `${path}\0${line}`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
