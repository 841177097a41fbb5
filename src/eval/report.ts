/**
 * Renders eval results for people (Markdown, the body of EVAL.md) and for machines (JSON).
 * Rendering is pure; `machineInfo()` is the one place that reads the host.
 */
import { cpus, totalmem } from 'node:os';
import { TRUTH_LANGUAGES, type TruthLanguage, type TruthStats } from './truth.js';
import type { CategoryBucket, EvalResult } from './compare.js';
import { MIN_SITES_FOR_CALIBRATION, MIN_SITES_TO_WRITE } from './calibrate.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

/** Whether a corpus was looked at while tuning the resolver (`tuned`) or only measured (`held out`). */
export type CorpusRole = 'tuned' | 'held out';

/** One corpus's eval (one language of it): what was measured, on what, and how long it took. */
export interface CorpusReport {
  /** `local/codehub`, `npm:zod@4.1.0`, `debian:python3-click@8.1.3-2`… */
  corpus: string;
  /** The truth language (absent in reports written before there were several: TypeScript). */
  language?: TruthLanguage;
  role?: CorpusRole;
  commit?: string;
  result: EvalResult;
  /** codehub symbols in the files the truth walked. */
  indexedSymbols?: number;
  /** What a reader must know to read the numbers (nothing indexed, …). */
  notes?: string[];
  truth: TruthStats & { truthEdges: number; outside: number; unresolved: number };
  timings?: { indexMillis?: number; truthMillis: number; peakRssMb?: number; checkerPeakRssMb?: number };
}

export interface EvalReport {
  corpora: CorpusReport[];
  machine: MachineInfo;
  /** The command line that reproduces this report. */
  command: string;
  /** Targets the report checks (issue 7): precision ≥ 0.95, recall ≥ 0.90, |calibration error| ≤ 0.05. */
  targets?: { precision: number; recall: number; calibrationError: number };
}

export const DEFAULT_TARGETS = { precision: 0.95, recall: 0.9, calibrationError: 0.05 };

/** Describes the host the eval ran on. */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The report as JSON (stable key order as built). */
export function renderJson(report: EvalReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Issue 14's targets for Python, judged on the held-out corpora. */
export const PYTHON_TARGETS = { precision: 0.95, recall: 0.92, calibrationError: 0.05 };

/** Issue 18's targets for Go static calls, judged on the held-out corpora. */
export const GO_TARGETS = { precision: 0.97, recall: 0.97, calibrationError: 0.05 };

type Targets = { precision: number; recall: number; calibrationError: number };

function languageOf(c: CorpusReport): TruthLanguage {
  return c.language ?? 'typescript';
}

/** The report as Markdown for EVAL.md: one summary per language, then every corpus. */
export function renderMarkdown(report: EvalReport): string {
  const languages = (Object.keys(TRUTH_LANGUAGES) as TruthLanguage[]).filter((l) =>
    report.corpora.some((c) => languageOf(c) === l),
  );
  const checkers =
    languages.length > 0 ? languages.map((l) => TRUTH_LANGUAGES[l].checker) : ['the TypeScript compiler'];
  const out: string[] = [`# EVAL: codehub call graph vs ${checkers.join(' and ')}`, ''];
  const targetsOf = (l: TruthLanguage): Targets =>
    report.targets ?? (l === 'python' ? PYTHON_TARGETS : l === 'go' ? GO_TARGETS : DEFAULT_TARGETS);
  for (const language of languages.length > 0 ? languages : ['typescript' as const]) {
    const targets = targetsOf(language);
    const corpora = report.corpora.filter((c) => languageOf(c) === language);
    const withRole = corpora.some((c) => c.role !== undefined);
    out.push(
      languages.length <= 1 && language === 'typescript'
        ? '## Summary'
        : `## Summary: ${TRUTH_LANGUAGES[language].label} (truth: ${TRUTH_LANGUAGES[language].checker})`,
      '',
    );
    out.push(
      `| corpus |${withRole ? ' set |' : ''} truth edges | predicted sites | precision | recall | F1 | meets targets |`,
    );
    out.push(`|---|${withRole ? '---|' : ''}---:|---:|---:|---:|---:|---|`);
    for (const c of corpora) {
      const o = c.result.overall;
      const calibrated = c.result.byReason.every(
        (r) => r.sites < MIN_SITES_FOR_CALIBRATION || r.calibrationError <= targets.calibrationError,
      );
      // Precision is judged on the confident view (≥ 0.8) when there is one: lower guesses are drawn as guesses.
      const judgedPrecision = c.result.views.find((v) => v.minConfidence === 0.8)?.precision ?? o.precision;
      const ok = judgedPrecision >= targets.precision && o.recall >= targets.recall && calibrated;
      const verdict =
        c.truth.filesWalked === 0
          ? 'no (empty truth)'
          : c.indexedSymbols === 0
            ? 'no (nothing indexed)'
            : ok
              ? 'yes'
              : 'no';
      out.push(
        `| ${c.corpus} |${withRole ? ` ${c.role ?? '–'} |` : ''} ${o.truthEdges} | ${o.predictedSites} | ${fmt(o.precision)} | ${fmt(o.recall)} | ${fmt(o.f1)} | ${verdict} |`,
      );
    }
    out.push(
      '',
      `Targets: precision ≥ ${targets.precision} (of edges at confidence ≥ 0.8 where measured), recall ≥ ${targets.recall} (all drawn edges), |confidence − measured precision| ≤ ${targets.calibrationError} for every reason with ≥ ${MIN_SITES_FOR_CALIBRATION} judged call sites.`,
      '',
    );
    if (corpora.some((c) => c.result.views.length > 0)) {
      const thresholds = corpora.find((c) => c.result.views.length > 0)?.result.views ?? [];
      out.push(
        'Views (non-test callers): precision / recall of the edges drawn at or above each confidence.',
        '',
      );
      out.push(
        `| corpus |${withRole ? ' set |' : ''} truth edges | ${thresholds.map((v) => (v.minConfidence > 0 ? `≥ ${v.minConfidence.toFixed(1)}` : 'all drawn')).join(' | ')} |`,
      );
      out.push(`|---|${withRole ? '---|' : ''}---:|${thresholds.map(() => '---:').join('|')}|`);
      for (const c of corpora) {
        const views = c.result.views;
        out.push(
          `| ${c.corpus} |${withRole ? ` ${c.role ?? '–'} |` : ''} ${views[0]?.truthEdges ?? 0} | ${views.map((v) => `${fmt(v.precision)} / ${fmt(v.recall)}`).join(' | ')} |`,
        );
      }
      out.push('');
    }
    if (withRole) {
      out.push(
        '*tuned*: looked at while the resolver was tuned and used for calibration; *held out*: only measured, never looked at while tuning — the targets are judged there.',
        '',
      );
    }
  }

  for (const c of report.corpora) {
    const language = languageOf(c);
    const checker = language === 'typescript' ? 'the compiler' : TRUTH_LANGUAGES[language].checker;
    out.push(`## ${c.corpus}${c.commit ? ` @ ${c.commit.slice(0, 12)}` : ''}`, '');
    if (language !== 'typescript' || c.role !== undefined) {
      out.push(
        `${TRUTH_LANGUAGES[language].label}; truth: ${c.truth.checker ?? TRUTH_LANGUAGES[language].checker}${c.role ? `; set: **${c.role}**` : ''}.`,
        '',
      );
    }
    for (const note of c.notes ?? []) out.push(`> **Note:** ${note}`, '');
    const t = c.truth;
    out.push(
      `Truth: ${t.truthEdges} in-repo call edges from ${t.filesWalked} files (${t.callSites} call sites; ${t.outside} resolved outside the repo, ${t.unresolved} unresolved by ${checker}; options from ${t.config}${t.configError ? `, config problem: ${t.configError}` : ''}; ${t.filesSkippedTooLarge} files skipped as too large, ${t.filesSkippedOverMax} over --max-files${t.filesFailed ? `; ${t.filesFailed} files failed` : ''}).`,
    );
    if (t.problems && t.problems.length > 0) out.push(`Problems: ${t.problems.join('; ')}.`);
    if (c.timings) {
      const parts = [`truth ${secs(c.timings.truthMillis)}`];
      if (c.timings.indexMillis !== undefined) parts.unshift(`index ${secs(c.timings.indexMillis)}`);
      if (c.timings.peakRssMb !== undefined) parts.push(`peak RSS ${c.timings.peakRssMb} MB`);
      if (c.timings.checkerPeakRssMb !== undefined)
        parts.push(`${checker} peak RSS ${c.timings.checkerPeakRssMb} MB`);
      out.push(`Time: ${parts.join(', ')}.`);
    }
    const e = c.result.excluded;
    out.push(
      `Excluded predicted sites: ${e.unknown} where ${checker} could not resolve the call, ${e.noTruthSite} on lines where no call${language === 'typescript' ? '/new' : ''} expression starts, ${e.unknownCallee} with a callee id missing from the symbols, ${e.outOfScope} in files outside the truth${e.dispatch ? `, ${e.dispatch} implementation guesses where the compiler names the interface member (not judgeable)` : ''}.`,
      '',
    );
    const sites = c.result.callSites;
    const totalSites = Object.values(sites).reduce((a, b) => a + b, 0);
    if (totalSites > 0) {
      const share = (k: string): string =>
        `${sites[k] ?? 0} (${(((sites[k] ?? 0) / totalSites) * 100).toFixed(1)} %)`;
      const others = Object.keys(sites)
        .filter((k) => !['resolved', 'builtin', 'external', 'dynamic', 'unknown'].includes(k))
        .sort();
      out.push(
        `codehub's call sites: ${totalSites}; resolved ${share('resolved')}, builtin ${share('builtin')}, external ${share('external')}, dynamic ${share('dynamic')}, unknown ${share('unknown')}${others.map((k) => `, ${k} ${share(k)}`).join('')}.`,
        '',
      );
    }
    out.push('| reason | sites | TP | FP | excluded | precision | recall share | F1 |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    const o = c.result.overall;
    out.push(
      `| **all** | ${o.truePositives + o.falsePositives} | ${o.truePositives} | ${o.falsePositives} | ${e.unknown + e.noTruthSite + e.unknownCallee + e.outOfScope + e.dispatch} | ${fmt(o.precision)} | ${fmt(o.recall)} | ${fmt(o.f1)} |`,
    );
    for (const r of c.result.byReason) {
      out.push(
        `| ${r.reason} | ${r.sites} | ${r.truePositives} | ${r.falsePositives} | ${r.excluded} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.f1)} |`,
      );
    }
    out.push('', 'Calibration:', '');
    out.push(
      '| reason | confidence given | precision measured | Wilson lower 95 % | sites | judged share | abs error | counts for calibration |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const r of c.result.byReason) {
      out.push(
        `| ${r.reason} | ${fmt(r.confidence)} | ${fmt(r.precision)} | ${fmt(r.wilsonLower)} | ${r.sites} | ${fmt(r.judgedShare)} | ${fmt(r.calibrationError)} | ${r.sites >= MIN_SITES_FOR_CALIBRATION ? 'yes' : `no (< ${MIN_SITES_FOR_CALIBRATION})`} |`,
      );
    }
    out.push('');
    out.push(
      ...renderBuckets(
        'Missed edges by category',
        c.result.missedByCategory,
        (s) =>
          `\`${s.path}:${s.line}\` expected ${s.expected}${s.predicted.length ? `; codehub said ${s.predicted.join(', ')}` : ''}`,
      ),
    );
    out.push(
      ...renderBuckets(
        'Wrong edges by category',
        c.result.wrongByCategory,
        (s) =>
          `\`${s.path}:${s.line}\` ${s.reason} ${s.confidence ?? '–'} → ${s.predicted}; ${checker}: ${s.truth.join(', ') || 'nothing'}`,
      ),
    );
  }

  const m = report.machine;
  out.push(
    '## Machine',
    '',
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}.`,
    '',
  );
  out.push('## Method', '');
  if (languages.length === 0 || languages.includes('typescript')) {
    out.push(
      "- Truth: a `ts.Program` from the repo's tsconfig (or, without one, every .ts/.tsx/.mts/.cts/.js file with `allowJs`); each call and `new` expression's callee is resolved with the type checker (resolved signature, else the callee symbol through import aliases) and kept when declared in a repo source file (not `node_modules`, not `.d.ts`). `new X()` goes to X's own constructor, else the class; overloads to the implementation. Missing packages are not needed: their calls are simply outside the truth.",
      "- A call site is (file, line of the call expression's start, callee). A codehub callee matches when the file is the same and the start lines are equal, or the end lines are equal and one range contains the other (JSDoc/decorators/`export`), or, for `new`, the class contains the constructor.",
      '- A predicted edge on a line where the compiler resolved the call outside the repo is wrong; on a line with a call the compiler could not resolve it is excluded as unknown.',
      `- Calibration (\`codehub eval --calibrate\`): each reason's confidence becomes its measured precision pooled over the *tuned* corpora, cut down (never up) to two decimals, for reasons with ≥ ${MIN_SITES_TO_WRITE} judged call sites; it is written into the TypeScript plug-in's table \`src/languages/typescript/confidence.ts\` (MEASURED).`,
      '',
    );
  }
  if (languages.includes('python')) out.push(...PYTHON_METHOD, '');
  if (languages.includes('go')) out.push(...GO_METHOD, '');
  out.push('## Reproduce', '', '```sh', report.command, '```', '');
  return out.join('\n');
}

/** How the Python truth is built and compared (docs/eval.md has the full account). */
const PYTHON_METHOD = [
  "- Python truth: call sites from CPython's own `ast` (every `Call` node, plus bare decorators: `@dec` calls `dec`), one `python3` process per run; each callee's definition from pyright's language server (`textDocument/definition` at the callee's last name, `typeCheckingMode` off, no network). A definition in a repo `.py`/`.pyi` file that starts a `def`, `class` or a name bound to a `lambda` is a truth edge (a class called goes to its own `__init__`, else the class); a definition outside the repo (typeshed, site-packages) is outside; no answer, a parameter, a local or an attribute is unresolved. Lines are 1-based; a definition's range starts at its first decorator.",
  "- The comparison is the same as for TypeScript (compare.ts): a site is (file, line of the call's start, callee); a Python class called counts as `new`, so a codehub edge to the class matches a truth edge to its `__init__`.",
];

/** How the Go truth is built and compared (go-truth.ts has the full account). */
const GO_METHOD = [
  "- Go truth: `callgraph -algo=static -test` (golang.org/x/tools) over every package of the module in GOPATH mode, offline. A static callee declared in a repo `.go` file is a truth edge to the line of its name; a callee outside the repo is outside; a closure (`f$1`) or a method-value wrapper is unresolved (codehub counts a closure's calls for its enclosing function). Dynamic sites (through an interface or a function value), listed by `callgraph -algo=cha`, are unresolved here so the static scores judge static calls only.",
];

function renderBuckets<T>(title: string, buckets: CategoryBucket<T>[], line: (s: T) => string): string[] {
  if (buckets.length === 0) return [`**${title}:** none.`, ''];
  const out = [`**${title}:**`, ''];
  for (const b of buckets) {
    out.push(`- ${b.category}: ${b.count}`);
    for (const s of b.samples) out.push(`  - ${line(s)}`);
  }
  out.push('');
  return out;
}

function fmt(n: number): string {
  return n.toFixed(3);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
