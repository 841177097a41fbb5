/**
 * Test selection against real execution: the tested-by proof fixture gets a history of consecutive commits, each
 * editing a few functions; every commit is indexed by the real CLI with `--ref`, and the tests `codehub diff`
 * selects for each step must include every test whose V8 coverage touches a changed function.
 *
 * The edits add a statement with no effect (`void 0;`) to the start of a function body: the bytes of its span
 * change, what every test executes does not, so one coverage run of the suite is the truth for every step.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChangeReport } from '../../src/service/change-service.js';
import { FixtureRepo, removeDir, ROOT, runCli, tempDir } from '../helpers/fixture-repo.js';
import { collectCoverageTruth, listProjectFunctions } from '../support/coverage-truth.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'tested-by-proof');

/** Each step of the history: the function headers (file, exact line) whose bodies the commit edits. */
const STEPS: ReadonlyArray<ReadonlyArray<[string, string]>> = [
  [
    ['src/money.mjs', 'export function roundCents(value) {'],
    ['src/tax.mjs', 'export function taxRate(region) {'],
  ],
  [
    ['src/cart.mjs', '  lineTotal() {'],
    ['src/inventory.mjs', '  reserve(sku, quantity) {'],
  ],
  [
    ['src/strings.mjs', 'export function reverseWords(text) {'],
    ['src/shipping.mjs', 'export function estimateDays(region) {'],
    ['src/orders.mjs', '  short(order) {'],
  ],
  [
    ['src/money.mjs', 'function padCents(n) {'],
    ['src/tax.mjs', 'export function isExempt(category) {'],
    ['src/inventory.mjs', '  audit() {'],
  ],
];

/**
 * One more commit changes a constant (an extra entry no test looks up): no function's bytes change, and the
 * functions that read it — found by reading the fixture — are the ones whose tests must run.
 */
const VARIABLE_STEP = {
  after: 2,
  file: 'src/tax.mjs',
  id: 'src/tax.mjs::EXEMPT:variable',
  from: "const EXEMPT = ['books', 'food'];",
  to: "const EXEMPT = ['books', 'food', 'no-such-category'];",
  readers: ['src/tax.mjs:isExempt', 'src/tax.mjs:describeTaxPolicy'],
};

describe('tests selected by codehub diff against V8 coverage', () => {
  let work: string;
  let data: string;
  let repo: FixtureRepo;
  const commits: string[] = [];
  let variableCommit = '';

  before(() => {
    work = tempDir('diff-proof');
    data = join(work, 'data');
    const dir = join(work, 'proofrepo');
    cpSync(FIXTURE, dir, { recursive: true });
    repo = FixtureRepo.init(dir);
    commits.push(repo.commit('fixture'));
    STEPS.forEach((edits, i) => {
      if (i === VARIABLE_STEP.after) {
        // A constant is read, not called: its readers are the functions that must be seen as touched.
        const text = readFileSync(join(dir, VARIABLE_STEP.file), 'utf8');
        assert.ok(text.includes(VARIABLE_STEP.from), `${VARIABLE_STEP.file} has '${VARIABLE_STEP.from}'`);
        repo.write(VARIABLE_STEP.file, text.replace(VARIABLE_STEP.from, VARIABLE_STEP.to));
        variableCommit = repo.commit('a constant');
        commits.push(variableCommit);
      }
      for (const [file, header] of edits) {
        const text = readFileSync(join(dir, file), 'utf8');
        assert.ok(
          text.includes(`\n${header}\n`) || text.startsWith(`${header}\n`),
          `${file} has '${header}'`,
        );
        const indent = header.startsWith('  ') ? '    ' : '  ';
        repo.write(file, text.replace(`${header}\n`, `${header}\n${indent}void 0; // step ${i + 1}\n`));
      }
      commits.push(repo.commit(`step ${i + 1}`));
    });
    for (const commit of commits) {
      const r = runCli(['index', dir, '--ref', commit, '--data', data, '--json']);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => removeDir(work));

  it('selects every test whose execution touches a changed function, at each step and across the history', async () => {
    const [truth, known] = await Promise.all([
      collectCoverageTruth(repo.dir),
      listProjectFunctions(repo.dir),
    ]);
    assert.ok(truth.size >= 20, `the fixture has ${truth.size} tests`);
    assert.ok(variableCommit !== '', 'the history has the constant change');
    const pairs: Array<[string, string]> = commits.slice(1).map((c, i) => [commits[i] as string, c]);
    pairs.push([commits[0] as string, commits[commits.length - 1] as string]);
    let mustRun = 0;
    let selectedRight = 0;
    const shares: string[] = [];
    const misses: string[] = [];
    for (const [base, head] of pairs) {
      const r = runCli(['diff', 'local/proofrepo', base, head, '--json', '--data', data]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as ChangeReport;
      const changedKeys = new Set(
        report.changed.map((c) => `${c.path}:${c.qualifiedName}`).filter((key) => known.has(key)),
      );
      if (report.changed.some((c) => c.id === VARIABLE_STEP.id))
        for (const reader of VARIABLE_STEP.readers) changedKeys.add(reader);
      assert.ok(changedKeys.size > 0, `${base.slice(0, 8)}..${head.slice(0, 8)} changes known functions`);
      const selected = new Set(report.tests.map((t) => t.name));
      const expected = [...truth].filter(([, executed]) => [...executed].some((k) => changedKeys.has(k)));
      for (const [test, executed] of expected) {
        mustRun++;
        if (selected.has(test)) selectedRight++;
        else
          misses.push(
            `${base.slice(0, 8)}..${head.slice(0, 8)}: '${test}' executes ${[...executed].filter((k) => changedKeys.has(k)).join(', ')}`,
          );
      }
      shares.push(`${selected.size}/${truth.size} selected, ${expected.length} must run`);
      for (const t of report.tests)
        assert.ok(t.command?.startsWith('node --test'), `${t.name} has a node:test command`);
    }
    console.log(
      `diff selection vs V8 coverage: ${selectedRight} of ${mustRun} tests that touch a changed function selected; ` +
        `per step: ${shares.join('; ')}`,
    );
    assert.deepEqual(misses, [], 'every test whose execution touches a changed function is selected');
  });
});
