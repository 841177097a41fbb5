import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithTruth } from '../../src/eval/compare.js';
import { renderJson, renderMarkdown, type EvalReport } from '../../src/eval/report.js';
import { expectedAsTruth } from './fixture.js';

const truth = expectedAsTruth();
const result = compareWithTruth({
  truth,
  symbols: [{ id: 'src/util.ts::format:function', path: 'src/util.ts', startLine: 2, endLine: 4 }],
  edges: [
    {
      callerId: 'src/service.ts::Logger.log:method',
      calleeId: 'src/util.ts::format:function',
      calleeText: 'format',
      kind: 'call',
      reason: 'import',
      confidence: 0.9,
      lines: [6],
    },
  ],
});
const report: EvalReport = {
  corpora: [
    {
      corpus: 'local/eval-small',
      result,
      truth: {
        config: 'tsconfig',
        configError: null,
        filesWalked: 3,
        filesSkippedTooLarge: 0,
        filesSkippedOverMax: 0,
        callSites: 27,
        millis: 1200,
        truthEdges: 19,
        outside: 5,
        unresolved: 3,
      },
      timings: { truthMillis: 1200, peakRssMb: 120 },
    },
  ],
  machine: { cpuModel: 'Test CPU', cores: 2, memoryGb: 4, node: 'v20.19.0', platform: 'linux-x64' },
  command: 'codehub eval test/fixtures/eval-small',
};

test('the Markdown report shows the overall row, each reason, the calibration table, the machine and how to reproduce', () => {
  const md = renderMarkdown(report);
  assert.match(md, /\| local\/eval-small \| 22 \| 1 \| 1\.000 \| 0\.045 \| 0\.087 \| no \|/);
  assert.match(md, /\| import \| 1 \| 1 \| 0 \| 0 \| 1\.000 \| 0\.045 \| 0\.087 \|/);
  assert.match(md, /\| import \| 0\.900 \| 1\.000 \| 0\.207 \| 1 \| 1\.000 \| 0\.100 \| no \(< 100\) \|/);
  assert.match(md, /- plain identifier: 7/);
  assert.match(md, /Test CPU, 2 cores, 4 GB RAM, Node v20\.19\.0/);
  assert.match(md, /```sh\ncodehub eval test\/fixtures\/eval-small\n```/);
});

test('the JSON report round-trips the numbers', () => {
  const parsed = JSON.parse(renderJson(report)) as EvalReport;
  assert.equal(parsed.corpora[0]?.result.overall.recall, 1 / 22);
  assert.equal(parsed.machine.cores, 2);
});
