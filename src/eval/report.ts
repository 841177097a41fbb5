/**
 * Renders eval results for people (Markdown, the body of EVAL.md) and for machines (JSON).
 * Rendering is pure; `machineInfo()` is the one place that reads the host.
 */
import { cpus, totalmem } from 'node:os';
import type { TruthStats } from './truth.js';
import type { CategoryBucket, EvalResult } from './compare.js';
import { MIN_SITES_FOR_CALIBRATION } from './calibrate.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

/** One corpus's eval: what was measured, on what, and how long it took. */
export interface CorpusReport {
  /** `local/codehub`, `npm:zod@4.1.0`… */
  corpus: string;
  commit?: string;
  result: EvalResult;
  truth: TruthStats & { truthEdges: number; outside: number; unresolved: number };
  timings?: { indexMillis?: number; truthMillis: number; peakRssMb?: number };
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

/** The report as Markdown for EVAL.md. */
export function renderMarkdown(report: EvalReport): string {
  const targets = report.targets ?? DEFAULT_TARGETS;
  const out: string[] = ['# EVAL: codehub call graph vs the TypeScript compiler', ''];
  out.push('## Summary', '');
  out.push('| corpus | truth edges | predicted sites | precision | recall | F1 | meets targets |');
  out.push('|---|---:|---:|---:|---:|---:|---|');
  for (const c of report.corpora) {
    const o = c.result.overall;
    const calibrated = c.result.byReason.every(
      (r) => r.sites < MIN_SITES_FOR_CALIBRATION || r.calibrationError <= targets.calibrationError,
    );
    const ok = o.precision >= targets.precision && o.recall >= targets.recall && calibrated;
    out.push(
      `| ${c.corpus} | ${o.truthEdges} | ${o.predictedSites} | ${fmt(o.precision)} | ${fmt(o.recall)} | ${fmt(o.f1)} | ${ok ? 'yes' : 'no'} |`,
    );
  }
  out.push(
    '',
    `Targets: precision ≥ ${targets.precision}, recall ≥ ${targets.recall}, |confidence − measured precision| ≤ ${targets.calibrationError} for every reason with ≥ ${MIN_SITES_FOR_CALIBRATION} judged call sites.`,
    '',
  );

  for (const c of report.corpora) {
    out.push(`## ${c.corpus}${c.commit ? ` @ ${c.commit.slice(0, 12)}` : ''}`, '');
    const t = c.truth;
    out.push(
      `Truth: ${t.truthEdges} in-repo call edges from ${t.filesWalked} files (${t.callSites} call sites; ${t.outside} resolved outside the repo, ${t.unresolved} unresolved by the compiler; options from ${t.config}${t.configError ? `, config problem: ${t.configError}` : ''}; ${t.filesSkippedTooLarge} files skipped as too large, ${t.filesSkippedOverMax} over --max-files).`,
    );
    if (c.timings) {
      const parts = [`truth ${secs(c.timings.truthMillis)}`];
      if (c.timings.indexMillis !== undefined) parts.unshift(`index ${secs(c.timings.indexMillis)}`);
      if (c.timings.peakRssMb !== undefined) parts.push(`peak RSS ${c.timings.peakRssMb} MB`);
      out.push(`Time: ${parts.join(', ')}.`);
    }
    const e = c.result.excluded;
    out.push(
      `Excluded predicted sites: ${e.unknown} where the compiler could not resolve the call, ${e.noTruthSite} on lines where no call/new expression starts, ${e.unknownCallee} with a callee id missing from the symbols, ${e.outOfScope} in files outside the truth.`,
      '',
    );
    out.push('| reason | sites | TP | FP | excluded | precision | recall share | F1 |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    const o = c.result.overall;
    out.push(
      `| **all** | ${o.truePositives + o.falsePositives} | ${o.truePositives} | ${o.falsePositives} | ${e.unknown + e.noTruthSite + e.unknownCallee + e.outOfScope} | ${fmt(o.precision)} | ${fmt(o.recall)} | ${fmt(o.f1)} |`,
    );
    for (const r of c.result.byReason) {
      out.push(
        `| ${r.reason} | ${r.sites} | ${r.truePositives} | ${r.falsePositives} | ${r.excluded} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.f1)} |`,
      );
    }
    out.push('', 'Calibration:', '');
    out.push('| reason | confidence given | precision measured | sites | abs error | counts for calibration |');
    out.push('|---|---:|---:|---:|---:|---|');
    for (const r of c.result.byReason) {
      out.push(
        `| ${r.reason} | ${fmt(r.confidence)} | ${fmt(r.precision)} | ${r.sites} | ${fmt(r.calibrationError)} | ${r.sites >= MIN_SITES_FOR_CALIBRATION ? 'yes' : `no (< ${MIN_SITES_FOR_CALIBRATION})`} |`,
      );
    }
    out.push('');
    out.push(...renderBuckets('Missed edges by category', c.result.missedByCategory, (s) =>
      `\`${s.path}:${s.line}\` expected ${s.expected}${s.predicted.length ? `; codehub said ${s.predicted.join(', ')}` : ''}`,
    ));
    out.push(...renderBuckets('Wrong edges by category', c.result.wrongByCategory, (s) =>
      `\`${s.path}:${s.line}\` ${s.reason} ${s.confidence ?? '–'} → ${s.predicted}; compiler: ${s.truth.join(', ') || 'nothing'}`,
    ));
  }

  const m = report.machine;
  out.push('## Machine', '', `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}.`, '');
  out.push('## Method', '');
  out.push(
    '- Truth: a `ts.Program` from the repo\'s tsconfig (or, without one, every .ts/.tsx/.mts/.cts/.js file with `allowJs`); each call and `new` expression\'s callee is resolved with the type checker (resolved signature, else the callee symbol through import aliases) and kept when declared in a repo source file (not `node_modules`, not `.d.ts`). `new X()` goes to X\'s own constructor, else the class; overloads to the implementation. Missing packages are not needed: their calls are simply outside the truth.',
    '- A call site is (file, line of the call expression\'s start, callee). A codehub callee matches when the file is the same and the start lines are equal, or the end lines are equal and one range contains the other (JSDoc/decorators/`export`), or, for `new`, the class contains the constructor.',
    '- A predicted edge on a line where the compiler resolved the call outside the repo is wrong; on a line with a call the compiler could not resolve it is excluded as unknown.',
    `- Calibration (\`codehub eval --calibrate\`): each reason's confidence becomes its measured precision rounded to 0.05, only for reasons with ≥ ${MIN_SITES_FOR_CALIBRATION} judged call sites; it is written into the TypeScript plug-in's table \`src/languages/typescript/confidence.ts\` (MEASURED).`,
    '',
  );
  out.push('## Reproduce', '', '```sh', report.command, '```', '');
  return out.join('\n');
}

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
