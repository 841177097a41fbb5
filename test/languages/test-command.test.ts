import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { escapeRegExp, shellQuote, testCommand } from '../../src/languages/typescript/test-command.js';

const pkg = (path: string, json: unknown) => ({ path, text: JSON.stringify(json) });

describe('testCommand', () => {
  it('runs a vitest test by file and anchored full name', () => {
    const cmd = testCommand({
      testFile: 'src/cart.test.ts',
      testName: 'Cart > total > sums lines',
      framework: 'vitest',
    });
    assert.equal(cmd.runner, 'vitest');
    assert.equal(cmd.command, "npx vitest run src/cart.test.ts -t '^Cart total sums lines$'");
  });

  it('picks jest for global describe/it when the test script runs jest', () => {
    const cmd = testCommand({
      testFile: 'test/a.spec.js',
      testName: 'adds (a + b)',
      packageJsons: [
        pkg('package.json', { scripts: { test: 'jest --coverage' }, devDependencies: { vitest: '1' } }),
      ],
    });
    assert.equal(cmd.command, "npx jest test/a.spec.js -t '^adds \\(a \\+ b\\)$'");
  });

  it('falls back to devDependencies, nearest package first, and runs from that package', () => {
    const cmd = testCommand({
      testFile: 'packages/core/test/x.test.js',
      testName: 'S > works',
      packageJsons: [
        pkg('packages/core/package.json', { devDependencies: { mocha: '10' } }),
        pkg('package.json', { devDependencies: { jest: '29' } }),
      ],
    });
    assert.deepEqual(cmd, {
      runner: 'mocha',
      cwd: 'packages/core',
      command: "npx mocha test/x.test.js --grep '^S works$'",
      runnerFrom: 'package.json',
    });
  });

  it('builds node:test, bun, ava and playwright commands', () => {
    assert.equal(
      testCommand({ testFile: 't/a.test.mjs', testName: 'Cart > total is 3.50', framework: 'node:test' })
        .command,
      "node --test --test-name-pattern='^total is 3\\.50$' t/a.test.mjs",
    );
    assert.equal(
      testCommand({ testFile: 'a.test.ts', testName: 'x', framework: 'bun:test' }).command,
      "bun test a.test.ts -t '^x$'",
    );
    assert.equal(
      testCommand({ testFile: 'a.js', testName: '!odd * name', framework: 'ava' }).command,
      "npx ava a.js --match '*odd * name'",
    );
    assert.equal(
      testCommand({
        testFile: 'e2e/login.spec.ts',
        testName: 'login > shows [error]',
        framework: '@playwright/test',
      }).command,
      "npx playwright test e2e/login.spec.ts -g 'login shows \\[error\\]'",
    );
  });

  it('reads a node --test script and defaults to node:test when nothing says otherwise', () => {
    const viaScript = testCommand({
      testFile: 'a.test.js',
      testName: 'a',
      packageJsons: [pkg('package.json', { scripts: { test: 'node --test test/' } })],
    });
    assert.equal(viaScript.runner, 'node');
    const fallback = testCommand({
      testFile: 'a.test.js',
      testName: 'a',
      packageJsons: [{ path: 'package.json', text: '{ broken' }],
    });
    assert.equal(fallback.runner, 'node');
    assert.equal(fallback.runnerFrom, 'default', 'a guessed runner says so');
    assert.equal(viaScript.runnerFrom, 'package.json');
  });

  it('quotes names with quotes, dollars and backticks so the shell passes them unchanged', () => {
    const name = `it's $HOME \`pwd\` "q"`;
    const quoted = shellQuote(name);
    assert.equal(quoted, `'it'\\''s $HOME \`pwd\` "q"'`);
    assert.equal(shellQuote('src/a.test.ts'), 'src/a.test.ts');
    assert.equal(
      escapeRegExp('a.b*c?(d)[e]{f}|g^h$i\\j/k+'),
      'a\\.b\\*c\\?\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\/k\\+',
    );
    assert.ok(new RegExp(escapeRegExp('a.b*c?(d)')).test('a.b*c?(d)'));
    // The real shell hands the quoted name back byte for byte.
    const echoed = spawnSync('sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
    assert.equal(echoed.stdout, name);
  });
});
