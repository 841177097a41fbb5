// Property-based fuzzing of the analysis pipeline (typescriptPlugin.analyze + resolveRepo) with fast-check,
// on fixture sources mutated at random (slices deleted, inserted, duplicated; random tokens) and on
// sources generated from a token soup. Properties: never throws, every range lies inside its file,
// every edge's endpoints exist, and the same bytes always give the same facts.
// CI runs FUZZ_RUNS (default 200) cases per property; `FUZZ_RUNS=20000 node scripts/run-tests.mjs fuzz` runs long.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import type { FileFacts } from '../../src/core/facts.js';
import { makeSymbolId } from '../../src/core/ids.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';
import { ROOT } from '../helpers/fixture-repo.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(name)) out.push(full);
  }
  return out;
}

const FIXTURES = [
  ...walk(join(ROOT, 'test', 'fixtures', 'seed-pattern')),
  ...walk(join(ROOT, 'src', 'languages', 'typescript', 'fixtures')),
].map((f) => ({ path: relative(ROOT, f).replace(/\\/g, '/'), text: readFileSync(f, 'utf8') }));

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '.',
  '=>',
  '=',
  '<',
  '>',
  '?',
  ':',
  '...',
  '@',
  '#',
  'class ',
  'function ',
  'async ',
  'await ',
  'new ',
  'this.',
  'super.',
  'return ',
  'export ',
  'import ',
  'default ',
  'extends ',
  'implements ',
  'interface ',
  'type ',
  'const ',
  'let ',
  'static ',
  'get ',
  'set ',
  "'",
  '"',
  '`',
  '${',
  '/*',
  '*/',
  '//',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\uFEFF',
  '\u2028',
  '\0',
  '\\',
  'require(',
  "from './a.js'",
  'describe(',
  'it(',
  'test(',
  'expect(',
  'foo',
  'Bar',
  'x.y.z()',
  '1e9',
  '/re/g',
];

const token = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

type Mutation = { op: 'delete' | 'duplicate' | 'insert'; at: number; len: number; token: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'duplicate', 'insert'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.nat(200),
  token,
});

function mutate(text: string, mutations: Mutation[]): string {
  let s = text;
  for (const m of mutations) {
    const at = Math.floor(m.at * s.length);
    const end = Math.min(s.length, at + m.len);
    if (m.op === 'delete') s = s.slice(0, at) + s.slice(end);
    else if (m.op === 'duplicate') s = s.slice(0, end) + s.slice(at, end) + s.slice(end);
    else s = s.slice(0, at) + m.token + s.slice(at);
  }
  return s;
}

/** A source to analyse: a mutated fixture, or a soup of tokens. */
const source: fc.Arbitrary<{ path: string; text: string }> = fc.oneof(
  fc
    .record({ file: fc.constantFrom(...FIXTURES), muts: fc.array(mutation, { maxLength: 8 }) })
    .map(({ file, muts }) => ({ path: file.path, text: mutate(file.text, muts) })),
  fc
    .record({
      ext: fc.constantFrom('ts', 'tsx', 'js', 'mjs', 'cjs'),
      parts: fc.array(token, { maxLength: 120 }),
    })
    .map(({ ext, parts }) => ({ path: `gen/soup.${ext}`, text: parts.join(' ') })),
);

/** Lines as a reader (and codehub's source view) counts them: only \n ends a line. */
const lineCount = (text: string): number => text.split('\n').length;

function checkFileFacts(facts: FileFacts, path: string, text: string): void {
  const lines = lineCount(text);
  assert.equal(facts.path, path);
  const local = new Set<string>();
  for (const s of facts.symbols) {
    assert.ok(!local.has(s.localId), `duplicate localId ${s.localId}`);
    local.add(s.localId);
  }
  for (const s of facts.symbols) {
    assert.ok(
      s.startLine >= 1 && s.startLine <= s.endLine && s.endLine <= lines,
      `${s.localId} ${s.startLine}-${s.endLine} of ${lines}`,
    );
    if (s.parent !== null) assert.ok(local.has(s.parent), `parent ${s.parent} of ${s.localId} exists`);
  }
  for (const c of facts.callSites) {
    assert.ok(c.line >= 1 && c.line <= lines, `call at ${c.line} of ${lines}`);
    assert.ok(local.has(c.caller), `caller ${c.caller} exists`);
    assert.ok(c.text.length <= 200);
  }
  for (const i of facts.imports) assert.ok(i.line >= 1 && i.line <= lines, `import at ${i.line}`);
  for (const e of facts.exports) assert.ok(e.line >= 1 && e.line <= lines, `export at ${e.line}`);
  for (const d of facts.diagnostics) assert.ok(d.line >= 0 && d.line <= lines, `diagnostic at ${d.line}`);
}

describe('fuzzing the analysis pipeline', () => {
  it(`analyze never throws, keeps every range inside its file, and is deterministic (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(source, ({ path, text }) => {
        const facts = typescriptPlugin.analyze(path, text);
        checkFileFacts(facts, path, text);
        assert.deepEqual(typescriptPlugin.analyze(path, text), facts, 'same bytes, same facts');
      }),
      params,
    );
  });

  it(`resolveRepo never throws, every edge's endpoints exist, and it is deterministic (${RUNS} cases)`, () => {
    const repo = fc.uniqueArray(source, { minLength: 1, maxLength: 5, selector: (s) => s.path });
    fc.assert(
      fc.property(repo, (files) => {
        const analysed = files.map((f) => ({
          path: f.path,
          facts: typescriptPlugin.analyze(f.path, f.text),
        }));
        const lines = new Map(files.map((f) => [f.path, lineCount(f.text)]));
        const ids = new Set(
          analysed.flatMap((f) => f.facts.symbols.map((s) => makeSymbolId(f.path, s.localId))),
        );
        const moduleResolver = () =>
          typescriptPlugin.createModuleResolver({
            files: new Set(files.map((f) => f.path)),
            configs: new Map(),
          });
        const out = resolveRepo({ files: analysed, moduleResolver: moduleResolver() });
        for (const e of out.edges) {
          assert.ok(ids.has(e.callerId), `caller ${e.callerId} exists`);
          if (e.calleeId !== null) {
            assert.ok(ids.has(e.calleeId), `callee ${e.calleeId} exists`);
            assert.ok(
              e.confidence !== null && e.confidence > 0 && e.confidence <= 1,
              `confidence ${e.confidence}`,
            );
          } else assert.equal(e.confidence, null, 'unresolved edges carry no confidence');
          const callerPath = analysed.find((f) => e.callerId.startsWith(`${f.path}::`))?.path;
          assert.ok(callerPath, `caller file of ${e.callerId}`);
          for (const l of e.lines) assert.ok(l >= 1 && l <= lines.get(callerPath)!, `edge line ${l}`);
        }
        const again = resolveRepo({ files: analysed, moduleResolver: moduleResolver() });
        assert.deepEqual(again, out, 'same facts, same edges');
      }),
      { ...params, numRuns: Math.max(1, Math.floor(RUNS / 2)) },
    );
  });
});
