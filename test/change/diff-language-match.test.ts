/**
 * `codehub diff` follows an unresolved call site whose callee name is a changed symbol's name as a possible caller,
 * but only from a language that can call the symbol's: a fixture repository (real git, real CLI) holds a Java
 * `Cart.add`, a Python and a JavaScript `cart.add(…)` on untyped receivers, each with its own test, and a Python
 * `Ledger.add` the Python call site may well reach.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChangeReport } from '../../src/service/change-service.js';
import { FixtureRepo, removeDir, runCli, tempDir } from '../helpers/fixture-repo.js';

const CART_JAVA = (body: string): string => `package shop;

public class Cart {
  private int total;

  public int add(int amount) {
    ${body}
  }
}
`;

const LEDGER_PY = (body: string): string => `class Ledger:
    def __init__(self):
        self.lines = []

    def add(self, amount):
        ${body}
`;

const FILES: Record<string, string> = {
  'src/main/java/shop/Cart.java': CART_JAVA('total += amount;\n    return total;'),
  'py/ledger.py': LEDGER_PY('self.lines.append(amount)\n        return len(self.lines)'),
  // `cart` is untyped: the call stays unresolved and names `add`.
  'py/checkout.py': `def checkout(cart):
    return cart.add(2)
`,
  'py/test_checkout.py': `from checkout import checkout
from ledger import Ledger


def test_checkout_adds():
    assert checkout(Ledger()) == 1
`,
  'js/checkout.js': `function checkout(cart) {
  return cart.add(3);
}

module.exports = { checkout };
`,
  'js/checkout.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const { checkout } = require('./checkout.js');

test('checkout adds', () => {
  assert.equal(checkout({ add: (n) => n }), 3);
});
`,
};

describe('codehub diff: possible callers by name stay within languages that call each other', () => {
  let work: string;
  let data: string;
  let base: string;
  let javaChange: string;
  let pythonChange: string;
  const repoId = 'local/language-match';

  const diff = (from: string, to: string): ChangeReport => {
    const r = runCli(['diff', repoId, from, to, '--json', '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as ChangeReport;
  };

  before(() => {
    work = tempDir('diff-language-match');
    data = join(work, 'data');
    const repo = FixtureRepo.init(join(work, 'repo'));
    for (const [path, text] of Object.entries(FILES)) repo.write(path, text);
    base = repo.commit('a Java cart, a Python ledger, two checkouts');
    repo.write('src/main/java/shop/Cart.java', CART_JAVA('total += amount * 2;\n    return total;'));
    javaChange = repo.commit('Cart.add doubles');
    repo.write('py/ledger.py', LEDGER_PY('self.lines.append(amount)\n        return len(self.lines) + 0'));
    pythonChange = repo.commit('Ledger.add changes');
    for (const ref of [base, javaChange, pythonChange]) {
      const r = runCli([
        'index',
        join(work, 'repo'),
        '--ref',
        ref,
        '--name',
        repoId,
        '--data',
        data,
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => removeDir(work));

  it('a changed Java method selects no Python or JavaScript test through a same-named call', () => {
    const r = diff(base, javaChange);
    assert.ok(
      r.changed.some((c) => c.name === 'add' && c.path.endsWith('Cart.java')),
      'Cart.add changed',
    );
    const impacted = r.impacted.map((i) => i.id);
    assert.ok(
      !impacted.some((id) => id.startsWith('py/') || id.startsWith('js/')),
      `no Python or JavaScript caller is impacted: ${impacted.join(', ')}`,
    );
    assert.deepEqual(
      r.tests.map((t) => t.path),
      [],
    );
  });

  it('a changed Python method still selects the Python test through the untyped call, not the JavaScript one', () => {
    const r = diff(javaChange, pythonChange);
    assert.ok(
      r.changed.some((c) => c.qualifiedName === 'Ledger.add'),
      'Ledger.add changed',
    );
    assert.ok(
      r.impacted.some((i) => i.id === 'py/checkout.py::checkout:function'),
      'the Python call site `cart.add(2)` is a possible caller',
    );
    assert.ok(!r.impacted.some((i) => i.id.startsWith('js/')), 'the JavaScript one is not');
    assert.deepEqual([...new Set(r.tests.map((t) => t.path))], ['py/test_checkout.py']);
  });
});
