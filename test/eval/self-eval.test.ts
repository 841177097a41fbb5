import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalRepository } from '../../src/cli/commands/eval.js';
import { prepareSelfCorpus } from '../../bench/self-corpus.js';
import { removeDir, ROOT, tempDir } from '../helpers/fixture-repo.js';

/**
 * The targets of the accuracy issues, on the edges a reader sees by default (confidence ≥ 0.8 for precision) and on
 * every drawn edge (recall); EVAL.md reports the measured numbers.
 */
const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.9;

test("codehub's call graph of its own src/ agrees with the TypeScript compiler to the targets", async () => {
  const dir = tempDir('self-eval');
  try {
    prepareSelfCorpus(ROOT, dir);
    const reports = await evalRepository({ path: dir, corpus: 'codehub src/' });
    assert.deepEqual(
      reports.map((r) => r.language),
      ['typescript'],
    );
    const report = reports[0]!;
    const o = report.result.overall;
    const confident = report.result.views.find((v) => v.minConfidence === 0.8);
    assert.ok(confident, 'the report has a ≥ 0.8 view');
    const summary = `precision at ≥ 0.8 ${confident.precision.toFixed(3)}, recall of all drawn ${o.recall.toFixed(3)} over ${o.truthEdges} truth edges`;
    assert.ok(o.truthEdges > 500, `the truth is too small to mean anything: ${summary}`);
    assert.ok(confident.precision >= MIN_PRECISION, `precision below ${MIN_PRECISION}: ${summary}`);
    assert.ok(o.recall >= MIN_RECALL, `recall below ${MIN_RECALL}: ${summary}`);
  } finally {
    removeDir(dir);
  }
});
