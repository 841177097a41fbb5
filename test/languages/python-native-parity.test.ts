// The Python speed section times the plug-in's analysis on the native tree-sitter binding's trees beside its own
// (web-tree-sitter): that comparison is only fair while both give the very same facts, tricky files included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractPythonFacts } from '../../src/languages/python/extract-facts.js';
import { initPythonParser } from '../../src/languages/python/parser.js';
import { nativePythonParser } from '../../bench/native-python-parser.js';
import { listFiles } from './golden.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureDir = join(root, 'src/languages/python/fixtures');

await initPythonParser();
const native = nativePythonParser();
const skip = 'unavailable' in native ? `the native binding did not load: ${native.unavailable}` : false;

const DEPTH = 10_000;
/** Files that stress the parse and the walk: errors, deep nesting, encodings, indentation, Python 2. */
const TRICKY: Array<[string, string]> = [
  [
    'broken.py',
    'def ok():\n    return 1\n\ndef bad(:\n    return 2\n\nclass Kept:\n    pass\nx = [1, 2\nif (:\n  y(\n',
  ],
  [
    'deep_brackets.py',
    `x = ${'('.repeat(DEPTH)}f(1)${')'.repeat(DEPTH)}\n${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`,
  ],
  ['deep_lambdas.py', `h = ${'lambda: '.repeat(DEPTH)}g()\n`],
  ['deep_chain.py', `def f(s: Stream):\n    return s${'.next()'.repeat(DEPTH)}\n`],
  ['latin1.py', '# -*- coding: latin-1 -*-\nname = "caf\u00e9"\ndef f(): return g("\u00e9", "\u{1f600}")\n'],
  ['tabs.py', 'class A:\n\tdef m(self):\n\t\treturn 1\n        def n(self):\n\t\treturn self.m()\n'],
  ['py2.py', 'def f():\n    print "x"\n    exec "y"\n    g()\n'],
  ['bom.py', '\ufeffdef f():\n    pass\n'],
  ['empty.py', ''],
];

describe('python analysis on the native tree-sitter binding', () => {
  it('gives the same facts as on web-tree-sitter for every Python fixture', { skip }, () => {
    if (!('parse' in native)) return;
    const paths = listFiles(fixtureDir).filter((p) => /\.pyi?$/.test(p));
    assert.ok(paths.length > 10, 'the fixture corpus has Python files');
    for (const path of paths) {
      const text = readFileSync(join(fixtureDir, path), 'utf8');
      assert.deepEqual(extractPythonFacts(path, text, native.parse), extractPythonFacts(path, text), path);
    }
  });

  it(
    'gives the same facts on syntax errors, 10,000-deep nesting, latin-1, tabs and Python 2',
    { skip },
    () => {
      if (!('parse' in native)) return;
      for (const [path, text] of TRICKY) {
        const facts = extractPythonFacts(path, text, native.parse);
        assert.deepEqual(facts, extractPythonFacts(path, text), path);
        assert.ok(facts.symbols.length >= 1, path);
      }
    },
  );
});
