import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPythonTruth } from '../../src/eval/python-truth.js';
import { LspConnection } from '../../src/eval/lsp-connection.js';
import type { CallTruth } from '../../src/eval/truth.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';

/** A small Python project: a package with imports, a class hierarchy, calls through self and super, builtins, externals. */
const FILES: Record<string, string> = {
  'shop/__init__.py': 'from .util import slug\n',
  'shop/util.py': [
    'import json',
    '',
    '',
    'def slug(text):',
    '    return text.lower().replace(" ", "-")',
    '',
    '',
    'def dump(data):',
    '    return json.dumps(data)',
    '',
    '',
    'def register(fn):',
    '    return fn',
    '',
    '',
    'double = lambda x: x * 2',
    '',
    '',
    'def shout(text):',
    "    return 'héllo 😀😀 ' + slug(text)",
    '',
  ].join('\n'),
  'shop/models.py': [
    'import not_installed_anywhere',
    'from shop.util import dump, register, double',
    'from . import util',
    '',
    '',
    'class Base:',
    '    def __init__(self, name):',
    '        self.name = name',
    '',
    '    def describe(self):',
    '        return util.slug(self.name)',
    '',
    '',
    'class Item(Base):',
    '    def __init__(self, name, price):',
    '        super().__init__(name)',
    '        self.price = price',
    '',
    '    @property',
    '    def label(self):',
    '        return self.describe()',
    '',
    '    def save(self):',
    '        payload = dump({"n": self.name})',
    '        print(len(payload))',
    '        not_installed_anywhere.post(payload)',
    '        return self.total()',
    '',
    '    def total(self):',
    '        return double(self.price)',
    '',
    '',
    'class Plain:',
    '    pass',
    '',
    '',
    '@register',
    'def make(name, factory):',
    '    item = Item(name, 1)',
    '    other = Base(name)',
    '    other.describe()',
    '    factory()',
    '    Plain()',
    '    return item.save()',
    '',
  ].join('\n'),
  // Python 2: ast cannot parse it; the truth records the file and goes on.
  'legacy/old.py': 'print "hello"\n',
};

function writeProject(dir: string): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function edgesOf(truth: CallTruth): string[] {
  return truth.edges.map(
    (e) =>
      `${e.path}:${e.line} ${e.kind} ${e.calleeName} ${e.calleePath}:${e.calleeStartLine}-${e.calleeEndLine}`,
  );
}

test('pyright gives the in-repo edges of a small project: imports, self, super, inheritance, constructors, decorators', async () => {
  const dir = tempDir('py-truth');
  try {
    writeProject(dir);
    // Latin-1 bytes, declared: ast decodes them as declared, and pyright is handed the same characters.
    const latin = '# -*- coding: latin-1 -*-\ndef helper():\n    return 1\n\n\nNAME = "café ß"; helper()\n';
    writeFileSync(join(dir, 'legacy', 'latin.py'), Buffer.from(latin, 'latin1'));
    const truth = await buildPythonTruth({ repoDir: dir });
    assert.deepEqual(edgesOf(truth), [
      'legacy/latin.py:6 call helper legacy/latin.py:2-3',
      'shop/models.py:11 call slug shop/util.py:4-5',
      'shop/models.py:16 call Base.__init__ shop/models.py:7-8',
      'shop/models.py:21 call Base.describe shop/models.py:10-11',
      'shop/models.py:24 call dump shop/util.py:8-9',
      'shop/models.py:27 call Item.total shop/models.py:29-30',
      'shop/models.py:30 call double shop/util.py:16-16',
      'shop/models.py:37 call register shop/util.py:12-13',
      // A class called goes to its own __init__ (Item's, Base's), else to the class (Plain).
      'shop/models.py:39 new Item.__init__ shop/models.py:15-17',
      'shop/models.py:40 new Base.__init__ shop/models.py:7-8',
      'shop/models.py:41 call Base.describe shop/models.py:10-11',
      'shop/models.py:43 new Plain shop/models.py:33-34',
      'shop/models.py:44 call Item.save shop/models.py:23-27',
      // Columns are UTF-16 units for the server, not the UTF-8 bytes ast counts: the call after 'héllo 😀😀' is found.
      'shop/util.py:20 call slug shop/util.py:4-5',
    ]);
    const outside = truth.outside.map((s) => `${s.path}:${s.line} ${s.calleeText}`);
    assert.deepEqual(outside, [
      'shop/models.py:16 super (builtins.pyi)',
      'shop/models.py:19 property (builtins.pyi)',
      'shop/models.py:25 print (builtins.pyi)',
      'shop/models.py:25 len (builtins.pyi)',
      'shop/util.py:9 dumps (json/__init__.pyi)',
    ]);
    const unresolved = truth.unresolved.map((s) => `${s.path}:${s.line} ${s.calleeText}`);
    // A package that is not installed, a callback parameter and str methods on an untyped parameter: nobody knows.
    assert.ok(unresolved.includes('shop/models.py:26 not_installed_anywhere.post'), unresolved.join('\n'));
    assert.ok(unresolved.includes('shop/models.py:42 factory'), unresolved.join('\n'));
    assert.ok(unresolved.includes('shop/util.py:5 text.lower'), unresolved.join('\n'));
    assert.deepEqual(truth.files, ['legacy/latin.py', 'shop/__init__.py', 'shop/models.py', 'shop/util.py']);
    assert.equal(truth.stats.filesFailed, 1);
    assert.match(truth.stats.problems?.join('\n') ?? '', /legacy\/old\.py: not parsed by ast \(SyntaxError/);
    assert.match(truth.stats.checker ?? '', /^pyright 1\.1\.414$/);
    assert.equal(truth.stats.callSites, truth.edges.length + truth.outside.length + truth.unresolved.length);
  } finally {
    removeDir(dir);
  }
});

test("a definition pyright finds in a stub beside its module is the module's own definition", async () => {
  const dir = tempDir('py-truth-stub');
  try {
    mkdirSync(join(dir, 'calc'));
    writeFileSync(join(dir, 'calc', '__init__.py'), '');
    writeFileSync(join(dir, 'calc', 'ops.py'), 'def add(a, b):\n    return a + b\n');
    writeFileSync(join(dir, 'calc', 'ops.pyi'), '# stub\n\ndef add(a: int, b: int) -> int: ...\n');
    writeFileSync(join(dir, 'calc', 'use.py'), 'from .ops import add\n\nadd(1, 2)\n');
    const truth = await buildPythonTruth({ repoDir: dir });
    assert.deepEqual(edgesOf(truth), ['calc/use.py:3 call add calc/ops.py:1-2']);
  } finally {
    removeDir(dir);
  }
});

test('a function defined in both branches of an if is one truth edge whose other definition is an alternative', async () => {
  const dir = tempDir('py-truth-branches');
  try {
    const text = [
      'import sys',
      '',
      'if sys.argv:',
      '    def pick():',
      '        return 1',
      'else:',
      '    def pick():',
      '        return 2',
      '',
      'pick()',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'branches.py'), text);
    const truth = await buildPythonTruth({ repoDir: dir });
    assert.deepEqual(edgesOf(truth), ['branches.py:10 call pick branches.py:7-8']);
    assert.deepEqual(truth.edges[0]!.alternatives, [
      { calleePath: 'branches.py', calleeStartLine: 4, calleeEndLine: 5, calleeName: 'pick' },
    ]);
  } finally {
    removeDir(dir);
  }
});

test('a repository reached through a symlink keeps its in-repo edges', async () => {
  const dir = tempDir('py-truth-link');
  try {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'one.py'), 'def f():\n    return 1\n\n\nf()\n');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const truth = await buildPythonTruth({ repoDir: join(dir, 'link') });
    assert.deepEqual(edgesOf(truth), ['one.py:5 call f one.py:1-2']);
  } finally {
    removeDir(dir);
  }
});

test('a language server that exits answers every waiting request with the reason, never hangs', async () => {
  const server = new LspConnection({
    command: process.execPath,
    args: ['-e', "process.stdin.once('data', () => process.exit(3))"],
    cwd: process.cwd(),
    onServerRequest: () => null,
  });
  const answer = await server.request('initialize', {});
  assert.equal(answer.ok, false);
  assert.match(answer.ok ? '' : answer.error, /exited \(code 3\)/);
  assert.equal((await server.request('textDocument/definition', {})).ok, false);
  await server.close(100);
});

test('a language server that stops answering is killed after the stall time and its requests fail', async () => {
  const server = new LspConnection({
    command: process.execPath,
    args: ['-e', 'process.stdin.resume(); setInterval(() => {}, 1000)'],
    cwd: process.cwd(),
    onServerRequest: () => null,
    stallMillis: 300,
  });
  const started = Date.now();
  const answers = await Promise.all([server.request('a', {}), server.request('b', {})]);
  assert.ok(Date.now() - started < 5000);
  for (const a of answers) assert.match(a.ok ? '' : a.error, /answered nothing for 300 ms/);
  await server.close(100);
});

test('a truth run whose language server cannot start records every site as unresolved and names the failure', async () => {
  const dir = tempDir('py-truth-broken');
  try {
    writeProject(dir);
    const truth = await buildPythonTruth({
      repoDir: dir,
      maxRestarts: 1,
      serverScript: join(dir, 'no-such-server.js'),
    });
    assert.equal(truth.edges.length, 0);
    assert.equal(truth.unresolved.length, truth.stats.callSites);
    assert.match(truth.stats.problems?.join('\n') ?? '', /gave up after 1 restarts/);
  } finally {
    removeDir(dir);
  }
});
