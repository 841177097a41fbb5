// The Python speed section of BENCHMARKS.md (bench/python-vs-typescript.ts): its extraction measurement on a small
// real folder, and the table it renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  measurePythonExtraction,
  renderPythonSection,
  type ExtractionSpeed,
  type IndexComparison,
} from '../bench/python-vs-typescript.js';
import { nativePythonParser } from '../bench/native-python-parser.js';

test('measures analysis and parse speed of the plug-in and of the native binding on the same files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-pyspeed-'));
  try {
    mkdirSync(join(dir, 'pkg'));
    for (let i = 0; i < 20; i++)
      writeFileSync(
        join(dir, 'pkg', `m${i}.py`),
        `import os\n\nclass C${i}:\n    def m(self, x: int) -> int:\n        return os.path.join(str(x), self.n())\n`,
      );
    writeFileSync(join(dir, 'README.md'), '# not Python\n');
    const speed = await measurePythonExtraction('tiny', [dir], 1);
    assert.equal(speed.files, 20);
    assert.ok(speed.analyseMbPerCpuSecond > 0 && Number.isFinite(speed.analyseMbPerCpuSecond));
    assert.ok(speed.parseMbPerCpuSecond > 0 && Number.isFinite(speed.parseMbPerCpuSecond));
    const native = nativePythonParser();
    if ('parse' in native) {
      assert.ok((speed.nativeParseMbPerCpuSecond ?? 0) > 0);
      assert.ok((speed.nativeAnalyseMbPerCpuSecond ?? 0) > 0);
      assert.equal(speed.nativeUnavailable, null);
    } else {
      assert.equal(speed.nativeParseMbPerCpuSecond, null);
      assert.equal(speed.nativeUnavailable, native.unavailable);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('renders each set with its native columns, says why the native binding is missing, and notes the load', () => {
  const corpus = (id: string): IndexComparison['python'] => ({
    id,
    dir: '',
    commit: '',
    files: 2,
    bytes: 2e6,
    loc: 10,
  });
  const comparison: IndexComparison = {
    typescript: corpus('ts'),
    python: corpus('py'),
    typescriptRun: { wallMs: 2000, cpuMs: 1000 },
    pythonRun: { wallMs: 2400, cpuMs: 1200 },
    ok: true,
    note: '',
  };
  const speeds: ExtractionSpeed[] = [
    {
      label: 'generated',
      files: 2,
      bytes: 2e6,
      analyseMbPerCpuSecond: 3,
      parseMbPerCpuSecond: 6,
      nativeParseMbPerCpuSecond: 7,
      nativeAnalyseMbPerCpuSecond: 2,
      nativeUnavailable: null,
    },
    {
      label: 'elsewhere',
      files: 2,
      bytes: 2e6,
      analyseMbPerCpuSecond: 5.5,
      parseMbPerCpuSecond: 11,
      nativeParseMbPerCpuSecond: null,
      nativeAnalyseMbPerCpuSecond: null,
      nativeUnavailable: 'No native build was found',
    },
  ];
  const { markdown, targets } = renderPythonSection(comparison, speeds, 3, { start: 1.5, end: 2.25 });
  assert.ok(markdown.includes('| generated | 2 | 2.00 | 3.00 | 6.00 | 0.50 | 7.00 | 2.00 |'), markdown);
  assert.ok(markdown.includes('| elsewhere | 2 | 2.00 | 5.50 | 11.00 | 0.50 | — | — |'), markdown);
  assert.ok(markdown.includes('The native binding did not load here: No native build was found.'));
  assert.ok(/Load average \(1 min\).*: 1\.5 at the start of this section, 2\.3 at its end\./.test(markdown));
  assert.ok(markdown.includes('Python / TypeScript: **1.20×** by CPU time'));
  assert.deepEqual(targets[1], [
    'Python extraction ≥ 5 MB/s per core (slowest set)',
    '3.00 MB/CPU-s',
    'missed',
  ]);
});
