/**
 * The Rust MIR truth: callee paths as rustc prints them are read into name, owning types and locality, and the
 * name-only measurement judges edges against them. The end-to-end case builds a small crate with the real compiler
 * when cargo is installed (a skip with that reason otherwise).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { crateMir, measureNameOnly, parseMirCalls, readCalleePath } from '../../src/eval/rust-mir-truth.js';
import { rustPlugin } from '../../src/languages/rust/rust-plugin.js';
import { removeDir, tempDir } from '../helpers/fixture-repo.js';

await rustPlugin.init!();

// Lines as rustc 1.95 prints them with -Zmir-include-spans=yes -Ztrim-diagnostic-paths=no.
const MIR = [
  'fn <impl at src/lib.rs:2:1: 2:9>::bar(_1: &Foo) -> i32 {',
  '        _2 = Foo::baz(copy _1) -> [return: bb1, unwind continue]; // scope 0 at src/lib.rs:4:32: 4:42',
  '        _3 = helper(const 2_i32) -> [return: bb2, unwind continue]; // scope 0 at src/lib.rs:4:45: 4:54',
  '        _0 = core::num::<impl i32>::abs(copy _1) -> [return: bb1, unwind continue]; // scope 0 at src/lib.rs:7:32: 7:39',
  "        _5 = std::fmt::Arguments::<'_>::new::<8, 3>(move _14, copy _15) -> [return: bb4, unwind continue]; // scope 2 at /rustc/abc/library/core/src/macros/mod.rs:608:24: 608:54",
  '        drop(_1) -> [return: bb3, unwind continue]; // scope 0 at src/lib.rs:9:1: 9:2',
  '        _4 = <Foo as Shape>::area(copy _1) -> [return: bb5, unwind continue]; // scope 0 at src/lib.rs:10:5: 10:14',
].join('\n');

describe('the Rust MIR truth', () => {
  it('reads call terminators with their callee, owner and locality, leaving out drops and std macro spans', () => {
    const calls = parseMirCalls(MIR);
    assert.deepEqual(
      calls.map((c) => [c.line, c.name, c.owners.join('|'), c.local]),
      [
        [4, 'baz', 'Foo', true],
        [4, 'helper', '', true],
        [7, 'abs', '', false],
        [10, 'area', 'Foo|Shape', true],
      ],
    );
  });

  it('drops generic arguments and reads a qualified self type', () => {
    assert.deepEqual(readCalleePath("ast::parse::NestLimiter::<'_, '_, P>::decrement_depth"), {
      name: 'decrement_depth',
      owners: ['NestLimiter'],
      local: true,
    });
    assert.deepEqual(readCalleePath('<std::result::Result<(), E> as std::ops::Try>::branch'), {
      name: 'branch',
      owners: ['Result', 'Try'],
      local: false,
    });
  });

  it('judges a name-only edge right only when the compiler calls that crate function', () => {
    const texts = new Map([
      [
        'src/lib.rs',
        'fn a() {\n    helper();\n    len();\n}\nfn helper() {}\nstruct S;\nimpl S { fn len(&self) {} }\n',
      ],
    ]);
    const facts = [...texts].map(([path, text]) => rustPlugin.analyze(path, text));
    const { edges } = resolveRepo({
      files: facts.map((f) => ({ path: f.path, facts: f })),
      moduleResolver: rustPlugin.createModuleResolver({ files: new Set(texts.keys()), configs: new Map() }),
      plugins: [rustPlugin],
    });
    const symbols = new Map(facts.flatMap((f) => f.symbols.map((s) => [makeSymbolId(f.path, s.localId), s])));
    const mir = parseMirCalls(
      [
        '        _1 = helper() -> [return: bb1, unwind continue]; // scope 0 at src/lib.rs:2:5: 2:13',
        '        _2 = std::vec::Vec::<u8>::len(copy _3) -> [return: bb2, unwind continue]; // scope 0 at src/lib.rs:3:5: 3:10',
      ].join('\n'),
    );
    const m = measureNameOnly({ texts, symbols, edges, mir });
    assert.equal(m.judged, 2);
    assert.equal(m.correct, 1);
    assert.equal(m.precision, 0.5);
    assert.match(m.wrongExamples[0] ?? '', /len → S\.len \(MIR: std::vec::Vec::<u8>::len\)/);
  });

  const cargo = spawnSync('cargo', ['--version']).status === 0;
  it(
    'measures a crate built by the real compiler',
    { skip: cargo ? false : 'cargo is not installed here: the measurement needs a Rust toolchain' },
    () => {
      const dir = tempDir('mir');
      try {
        mkdirSync(join(dir, 'src'));
        writeFileSync(
          join(dir, 'Cargo.toml'),
          '[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n',
        );
        writeFileSync(
          join(dir, 'src/lib.rs'),
          'pub struct Foo;\nimpl Foo {\n    pub fn run(&self) -> i32 { helper(1) }\n}\npub fn helper(v: i32) -> i32 { v.abs() }\n',
        );
        const calls = parseMirCalls(crateMir(dir));
        assert.ok(
          calls.some((c) => c.file === 'src/lib.rs' && c.line === 3 && c.name === 'helper' && c.local),
          JSON.stringify(calls),
        );
        assert.ok(calls.some((c) => c.name === 'abs' && !c.local));
      } finally {
        removeDir(dir);
      }
    },
  );
});
