import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvalResult, ReasonScores } from '../../src/eval/compare.js';
import type { CorpusReport } from '../../src/eval/report.js';
import {
  assembleReport,
  calibrateFromReport,
  evaluateCorpus,
  writeEvalOutputs,
} from '../../src/eval/run-eval.js';
import { confidenceTablePath } from '../../src/cli/commands/eval.js';
import { MEASURED } from '../../src/languages/typescript/confidence.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';
import { EVAL_SMALL_DIR } from './fixture.js';

const CONFIDENCE_TS = fileURLToPath(
  new URL('../../../src/languages/typescript/confidence.ts', import.meta.url),
);

test('one corpus is evaluated end to end and written as EVAL.md and eval.json', () => {
  const corpus = evaluateCorpus({
    repoDir: EVAL_SMALL_DIR,
    corpus: 'local/eval-small',
    symbols: [{ id: 'src/index.ts::start:function', path: 'src/index.ts', startLine: 6, endLine: 9 }],
    edges: [
      {
        callerId: 'src/index.ts::<module>:module',
        calleeId: 'src/index.ts::start:function',
        calleeText: 'start',
        kind: 'call',
        reason: 'same-file',
        confidence: 0.85,
        lines: [11, 12],
      },
    ],
  });
  assert.equal(corpus.result.overall.truePositives, 2);
  assert.equal(corpus.result.overall.recall, 2 / 22);
  assert.equal(corpus.truth.truthEdges, 22);
  const out = mkdtempSync(join(tmpdir(), 'codehub-eval-out-'));
  try {
    const written = writeEvalOutputs(assembleReport([corpus], 'codehub eval test/fixtures/eval-small'), out);
    assert.match(readFileSync(written.markdown, 'utf8'), /## local\/eval-small/);
    assert.equal(JSON.parse(readFileSync(written.json, 'utf8')).corpora[0].result.overall.truePositives, 2);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('calibration pools the corpora per reason and rewrites only reasons with 30 judged sites', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-calibrate-'));
  try {
    const file = join(dir, 'confidence.ts');
    // Start from the checked-in table with MEASURED emptied (the real one holds earlier calibrations).
    copyFileSync(CONFIDENCE_TS, file);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /export const MEASURED([^=]*)= \{[^;]*\};/,
        'export const MEASURED$1= {};',
      ),
    );
    const before = readFileSync(file, 'utf8');
    const report = assembleReport(
      [
        corpusWith([reason('import', 60, 3), reason('name-only', 10, 19)]),
        corpusWith([reason('import', 40, 0)]),
      ],
      'npm run eval',
    );
    // import: 100 / 103 = 0.9709 → 0.97 (cut down); name-only: 29 judged sites, too few to write.
    assert.deepEqual(calibrateFromReport(report, file), { import: 0.97 });
    const after = readFileSync(file, 'utf8');
    assert.match(
      after,
      /export const MEASURED: Partial<Record<ResolvedReason, number>> = \{\n {2}import: 0\.97,\n\};/,
    );
    assert.equal(
      after.replace(/export const MEASURED[^;]*;/, ''),
      before.replace(/export const MEASURED[^;]*;/, ''),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Python calibration pools only the tuned Python corpora: held-out and TypeScript corpora never count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-calibrate-py-'));
  try {
    const file = join(dir, 'confidence.ts');
    copyFileSync(CONFIDENCE_TS, file);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /export const MEASURED([^=]*)= \{[^;]*\};/,
        'export const MEASURED$1= {};',
      ),
    );
    const report = assembleReport(
      [
        { ...corpusWith([reason('import', 120, 0)]), language: 'python', role: 'tuned' },
        { ...corpusWith([reason('import', 0, 120)]), language: 'python', role: 'held out' },
        corpusWith([reason('import', 60, 60)]),
      ],
      'npm run eval',
    );
    assert.deepEqual(calibrateFromReport(report, file, 'python'), { import: 1 });
    assert.deepEqual(calibrateFromReport(report, file, 'typescript'), { import: 0.5 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--calibrate rewrites the TypeScript plug-in's own table, the one its edges are scored with", () => {
  assert.equal(confidenceTablePath(), CONFIDENCE_TS);
  assert.equal(typescriptPlugin.confidence, MEASURED);
});

function reason(name: string, tp: number, fp: number): ReasonScores {
  const precision = tp / (tp + fp);
  return {
    reason: name,
    truePositives: tp,
    falsePositives: fp,
    precision,
    recall: 0,
    f1: 0,
    sites: tp + fp,
    excluded: 0,
    confidence: 0.9,
    calibrationError: Math.abs(0.9 - precision),
    wilsonLower: 0,
    judgedShare: 1,
  };
}

function corpusWith(byReason: ReasonScores[]): CorpusReport {
  const result: EvalResult = {
    overall: {
      truePositives: 0,
      falsePositives: 0,
      precision: 0,
      recall: 0,
      f1: 0,
      truthEdges: 0,
      predictedSites: 0,
    },
    byReason,
    excluded: { outOfScope: 0, unknownCallee: 0, unknown: 0, noTruthSite: 0, dispatch: 0 },
    views: [],
    callSites: {},
    missedByCategory: [],
    wrongByCategory: [],
  };
  return {
    corpus: 'synthetic',
    result,
    truth: {
      config: 'defaults',
      configError: null,
      filesWalked: 0,
      filesSkippedTooLarge: 0,
      filesSkippedOverMax: 0,
      callSites: 0,
      millis: 0,
      truthEdges: 0,
      outside: 0,
      unresolved: 0,
    },
  };
}
