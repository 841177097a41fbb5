import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { evalRepository } from '../../src/cli/commands/eval.js';
import { assembleReport, evaluateRepository } from '../../src/eval/run-eval.js';
import { renderMarkdown } from '../../src/eval/report.js';
import { truthLanguageOf, truthLanguagesIn } from '../../src/eval/truth-sources.js';
import { FixtureRepo, removeDir, tempDir } from '../helpers/fixture-repo.js';

/** A repository with one TypeScript and one Python module, each calling a function of its own file. */
const MIXED: Record<string, string> = {
  'web/app.ts': [
    'export function greet(name: string): string {',
    '  return name.toUpperCase();',
    '}',
    '',
    'export function main(): string {',
    "  return greet('x');",
    '}',
    '',
  ].join('\n'),
  'tools/job.py': ['def step(n):', '    return n + 1', '', '', 'def run():', '    return step(1)', ''].join(
    '\n',
  ),
  'README.md': '# mixed\n',
};

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

test('the truth source is chosen by the file language: TypeScript and JavaScript to the compiler, .py to pyright', () => {
  assert.equal(truthLanguageOf('src/a.ts'), 'typescript');
  assert.equal(truthLanguageOf('src/a.jsx'), 'typescript');
  assert.equal(truthLanguageOf('pkg/mod.py'), 'python');
  // Stubs hold no calls to score; other files have no truth source.
  assert.equal(truthLanguageOf('pkg/mod.pyi'), null);
  assert.equal(truthLanguageOf('README.md'), null);
});

test('a mixed repository is scored per language: TypeScript edges against the compiler, Python edges against pyright', async () => {
  const dir = tempDir('eval-dispatch');
  try {
    writeFiles(dir, MIXED);
    assert.deepEqual(truthLanguagesIn(dir), ['typescript', 'python']);
    const reports = await evaluateRepository({
      repoDir: dir,
      corpus: 'local/mixed',
      symbols: [
        { id: 'web/app.ts::greet:function', path: 'web/app.ts', startLine: 1, endLine: 3 },
        { id: 'tools/job.py::step:function', path: 'tools/job.py', startLine: 1, endLine: 2 },
      ],
      edges: [
        {
          callerId: 'web/app.ts::main:function',
          calleeId: 'web/app.ts::greet:function',
          calleeText: 'greet',
          kind: 'call',
          reason: 'same-file',
          confidence: 1,
          lines: [6],
        },
        {
          callerId: 'tools/job.py::run:function',
          calleeId: 'tools/job.py::step:function',
          calleeText: 'step',
          kind: 'call',
          reason: 'same-file',
          confidence: 1,
          lines: [6],
        },
      ],
    });
    assert.deepEqual(
      reports.map((r) => [r.corpus, r.language, r.truth.checker ?? 'TypeScript compiler']),
      [
        ['local/mixed (TypeScript)', 'typescript', 'TypeScript compiler'],
        ['local/mixed (Python)', 'python', 'pyright 1.1.414'],
      ],
    );
    for (const r of reports) {
      // Each language's report judges only its own files' edges: one right edge, nothing out of scope.
      assert.equal(r.result.overall.truePositives, 1, r.corpus);
      assert.equal(r.result.overall.falsePositives, 0, r.corpus);
      assert.equal(r.result.excluded.outOfScope, 0, r.corpus);
      assert.equal(r.indexedSymbols, 1, r.corpus);
    }
    assert.deepEqual(reports[0]!.truth.filesWalked, 1);
    assert.deepEqual(reports[1]!.truth.filesWalked, 1);
  } finally {
    removeDir(dir);
  }
});

test('Python files with no indexed symbols are reported as nothing indexed, not as a crash or a silent zero', async () => {
  const dir = tempDir('eval-no-python');
  try {
    writeFiles(dir, { 'tools/job.py': MIXED['tools/job.py']! });
    const reports = await evaluateRepository({ repoDir: dir, corpus: 'local/py', symbols: [], edges: [] });
    assert.equal(reports.length, 1);
    const python = reports[0]!;
    assert.equal(python.language, 'python');
    assert.equal(python.truth.truthEdges, 1);
    assert.equal(python.indexedSymbols, 0);
    assert.match(
      python.notes?.join('\n') ?? '',
      /No Python symbols were indexed in the 1 files the truth walked/,
    );
    const md = renderMarkdown(assembleReport(reports, 'codehub eval tools'));
    assert.match(md, /^# EVAL: codehub call graph vs pyright$/m);
    assert.match(md, /## Summary: Python \(truth: pyright\)/);
    assert.match(md, /\| local\/py \| 1 \| 0 \| 0\.000 \| 0\.000 \| 0\.000 \| no \(nothing indexed\) \|/);
    assert.match(md, /> \*\*Note:\*\* No Python symbols were indexed/);
  } finally {
    removeDir(dir);
  }
});

test('codehub eval on a git repository mixing TypeScript and Python indexes it once and reports both languages', async () => {
  const dir = tempDir('eval-mixed-cli');
  try {
    const repo = FixtureRepo.init(dir);
    writeFiles(dir, MIXED);
    repo.commit('mixed');
    const reports = await evalRepository({ path: dir, corpus: 'local/mixed' });
    assert.deepEqual(
      reports.map((r) => r.language),
      ['typescript', 'python'],
    );
    const [ts, py] = reports;
    assert.equal(ts!.result.overall.truePositives, 1);
    assert.equal(py!.truth.truthEdges, 1);
    // Until a Python plug-in is registered nothing is indexed for .py files, and the report says so.
    if (py!.indexedSymbols === 0) assert.match(py!.notes?.join('\n') ?? '', /No Python symbols were indexed/);
    else assert.equal(py!.result.overall.truePositives, 1);
  } finally {
    removeDir(dir);
  }
});

test('codehub eval through a symlinked path scores the repository, not an empty folder outside it', async () => {
  const dir = tempDir('eval-symlink');
  try {
    const repo = FixtureRepo.init(join(dir, 'real'));
    writeFiles(join(dir, 'real'), { 'tools/job.py': MIXED['tools/job.py']! });
    repo.commit('python only');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const [report] = await evalRepository({ path: join(dir, 'link'), corpus: 'local/link' });
    assert.equal(report!.truth.filesWalked, 1);
    assert.equal(report!.truth.truthEdges, 1);
  } finally {
    removeDir(dir);
  }
});
