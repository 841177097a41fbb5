/** The shared behavioural cases (src/languages/conformance.ts) written in Python. */
import type { ConformanceSuite } from '../conformance.js';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

export const conformance: ConformanceSuite = {
  'imported-function': {
    files: {
      'shop/__init__.py': '',
      'shop/mathlib.py': lines('def add(a: int, b: int) -> int:', '    return a + b'),
      'shop/total.py': lines(
        'from shop.mathlib import add',
        '',
        '',
        'def total() -> int:',
        '    return add(1, 2)',
      ),
      'shop/relative.py': lines(
        'from .mathlib import add',
        '',
        '',
        'def twice(n: int) -> int:',
        '    return add(n, n)',
      ),
    },
    edges: [
      { from: 'total', to: 'add', reason: 'import' },
      { from: 'twice', to: 'add', reason: 'import' },
    ],
  },

  'same-file-function': {
    files: {
      'main.py': lines(
        'def main() -> int:',
        '    return helper()',
        '',
        '',
        'def helper() -> int:',
        '    return 1',
      ),
    },
    edges: [{ from: 'main', to: 'helper', reason: 'same-file' }],
  },

  'method-through-self': {
    files: {
      'counter.py': lines(
        'class Counter:',
        '    def __init__(self) -> None:',
        '        self.n = 0',
        '',
        '    def increment(self) -> None:',
        '        self.add(1)',
        '',
        '    def add(self, by: int) -> None:',
        '        self.n += by',
      ),
    },
    edges: [{ from: 'Counter.increment', to: 'Counter.add', reason: 'receiver-typed' }],
  },

  'constructor-call': {
    files: {
      'cart.py': lines('class Cart:', '    def __init__(self) -> None:', '        self.items = []'),
      'shop.py': lines('from cart import Cart', '', '', 'def open_cart() -> Cart:', '    return Cart()'),
    },
    edges: [{ from: 'open_cart', to: 'Cart.__init__', reason: 'import' }],
  },

  'inherited-method': {
    files: {
      'base.py': lines('class Base:', '    def greet(self) -> str:', '        return "hi"'),
      'child.py': lines(
        'from base import Base',
        '',
        '',
        'class Child(Base):',
        '    def run(self) -> str:',
        '        return self.greet()',
      ),
    },
    edges: [{ from: 'Child.run', to: 'Base.greet', reason: 'receiver-typed' }],
  },

  'field-of-declared-type': {
    files: {
      'engine.py': lines('class Engine:', '    def start(self) -> None:', '        pass'),
      'car.py': lines(
        'from engine import Engine',
        '',
        '',
        'class Car:',
        '    engine: Engine',
        '',
        '    def __init__(self, engine) -> None:',
        '        self.engine = engine',
        '',
        '    def drive(self) -> None:',
        '        self.engine.start()',
      ),
    },
    edges: [{ from: 'Car.drive', to: 'Engine.start', reason: 'receiver-typed' }],
  },

  'typed-local': {
    files: {
      'store.py': lines(
        'class Store:',
        '    def save(self) -> None:',
        '        pass',
        '',
        '',
        'def create_store():',
        '    return Store()',
      ),
      'job.py': lines(
        'from store import Store, create_store',
        '',
        '',
        'def run() -> None:',
        '    store: Store = create_store()',
        '    store.save()',
      ),
    },
    edges: [{ from: 'run', to: 'Store.save', reason: 'receiver-typed' }],
  },

  'typed-parameter': {
    files: {
      'store.py': lines('class Store:', '    def save(self) -> None:', '        pass'),
      'persist.py': lines(
        'from typing import TYPE_CHECKING',
        '',
        'if TYPE_CHECKING:',
        '    from store import Store',
        '',
        '',
        'def persist(store: "Store") -> None:',
        '    store.save()',
      ),
    },
    edges: [{ from: 'persist', to: 'Store.save', reason: 'receiver-typed' }],
  },

  'external-call': {
    files: {
      'load.py': lines(
        'from os.path import join',
        '',
        'import yaml',
        '',
        '',
        'def load(folder: str) -> object:',
        '    with open(join(folder, "config.yaml")) as f:',
        '        return yaml.safe_load(f)',
      ),
    },
    unresolved: [
      { from: 'load', callee: 'join', reason: 'external:os' },
      { from: 'load', callee: 'yaml.safe_load', reason: 'external:yaml' },
    ],
  },

  'builtin-call': {
    files: {
      'log.py': lines(
        'def log(values: list) -> int:',
        '    print(values)',
        '    counts = {}',
        '    counts.get("x")',
        '    return len(values)',
      ),
    },
    unresolved: [
      { from: 'log', callee: 'print', reason: 'builtin' },
      { from: 'log', callee: 'len', reason: 'builtin' },
      { from: 'log', callee: 'counts.get', reason: 'builtin' },
    ],
  },

  // Python's setup hooks: a pytest fixture the test requests by parameter name, and unittest's setUp.
  'test-through-setup-hook': {
    files: {
      'stack.py': lines(
        'class Stack:',
        '    def __init__(self) -> None:',
        '        self.items = []',
        '',
        '    def push(self, item: int) -> None:',
        '        self.items.append(item)',
        '',
        '    def size(self) -> int:',
        '        return len(self.items)',
      ),
      'tests/test_stack.py': lines(
        'import pytest',
        '',
        'from stack import Stack',
        '',
        '',
        '@pytest.fixture',
        'def stack() -> Stack:',
        '    s = Stack()',
        '    s.push(1)',
        '    return s',
        '',
        '',
        'def test_counts_what_was_pushed(stack):',
        '    assert stack.size() == 1',
      ),
      'tests/test_stack_unittest.py': lines(
        'import unittest',
        '',
        'from stack import Stack',
        '',
        '',
        'class StackTest(unittest.TestCase):',
        '    def setUp(self):',
        '        self.stack = Stack()',
        '        self.stack.push(1)',
        '',
        '    def test_counts_what_was_pushed(self):',
        '        self.assertEqual(self.stack.size(), 1)',
      ),
    },
    tested: [
      { test: 'test_counts_what_was_pushed', reaches: 'Stack.push' },
      { test: 'test_counts_what_was_pushed', reaches: 'Stack.size' },
      { test: 'StackTest.test_counts_what_was_pushed', reaches: 'Stack.push' },
      { test: 'StackTest.test_counts_what_was_pushed', reaches: 'Stack.size' },
    ],
  },

  // Python's callbacks are lambdas (and comprehensions): a call in them belongs to the enclosing definition.
  'nested-callback': {
    files: {
      'batch.py': lines(
        'def process_all(groups: list) -> None:',
        '    each(groups, lambda group: each(group, lambda item: [record(x) for x in item]))',
        '',
        '',
        'def each(values, fn) -> None:',
        '    for value in values:',
        '        fn(value)',
        '',
        '',
        'def record(item: int) -> None:',
        '    pass',
      ),
    },
    edges: [
      { from: 'process_all', to: 'each', reason: 'same-file' },
      { from: 'process_all', to: 'record', reason: 'same-file' },
    ],
  },

  'same-named-nested-definitions': {
    files: {
      'pair.py': lines(
        'def first() -> int:',
        '    def helper() -> int:',
        '        return 1',
        '',
        '    return helper()',
        '',
        '',
        'def second() -> int:',
        '    def helper() -> int:',
        '        return 2',
        '',
        '    return helper()',
      ),
    },
    edges: [
      { from: 'first', to: 'first.helper', reason: 'same-file' },
      { from: 'second', to: 'second.helper', reason: 'same-file' },
    ],
    absent: [
      { from: 'first', to: 'second.helper' },
      { from: 'second', to: 'first.helper' },
    ],
  },
};
