/** The shared behavioural cases (src/languages/conformance.ts) written in TypeScript. */
import type { ConformanceSuite } from '../conformance.js';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

export const conformance: ConformanceSuite = {
  'imported-function': {
    files: {
      'src/math.ts': lines('export function sum(a: number, b: number): number {', '  return a + b;', '}'),
      'src/total.ts': lines(
        "import { sum } from './math';",
        'export function total(): number {',
        '  return sum(1, 2);',
        '}',
      ),
    },
    edges: [{ from: 'total', to: 'sum', reason: 'import' }],
  },

  'same-file-function': {
    files: {
      'src/main.ts': lines(
        'export function main(): number {',
        '  return helper();',
        '}',
        'function helper(): number {',
        '  return 1;',
        '}',
      ),
    },
    edges: [{ from: 'main', to: 'helper', reason: 'same-file' }],
  },

  'method-through-self': {
    files: {
      'src/counter.ts': lines(
        'export class Counter {',
        '  private n = 0;',
        '  increment(): void {',
        '    this.add(1);',
        '  }',
        '  add(by: number): void {',
        '    this.n += by;',
        '  }',
        '}',
      ),
    },
    edges: [{ from: 'Counter.increment', to: 'Counter.add', reason: 'receiver-typed' }],
  },

  'constructor-call': {
    files: {
      'src/cart.ts': lines(
        'export class Cart {',
        '  items: string[];',
        '  constructor() {',
        '    this.items = [];',
        '  }',
        '}',
      ),
      'src/shop.ts': lines(
        "import { Cart } from './cart';",
        'export function open(): Cart {',
        '  return new Cart();',
        '}',
      ),
    },
    edges: [{ from: 'open', to: 'Cart.constructor', reason: 'import' }],
  },

  'inherited-method': {
    files: {
      'src/base.ts': lines('export class Base {', '  greet(): string {', "    return 'hi';", '  }', '}'),
      'src/child.ts': lines(
        "import { Base } from './base';",
        'export class Child extends Base {',
        '  run(): string {',
        '    return this.greet();',
        '  }',
        '}',
      ),
    },
    edges: [{ from: 'Child.run', to: 'Base.greet', reason: 'receiver-typed' }],
  },

  'field-of-declared-type': {
    files: {
      'src/engine.ts': lines('export class Engine {', '  start(): void {}', '}'),
      'src/car.ts': lines(
        "import { Engine } from './engine';",
        'export class Car {',
        '  private engine: Engine;',
        '  constructor(engine: Engine) {',
        '    this.engine = engine;',
        '  }',
        '  drive(): void {',
        '    this.engine.start();',
        '  }',
        '}',
      ),
    },
    edges: [{ from: 'Car.drive', to: 'Engine.start', reason: 'receiver-typed' }],
  },

  'typed-local': {
    files: {
      'src/store.ts': lines(
        'export class Store {',
        '  save(): void {}',
        '}',
        'export function createStore(): Store {',
        '  return new Store();',
        '}',
      ),
      'src/job.ts': lines(
        "import { Store, createStore } from './store';",
        'export function run(): void {',
        '  const store: Store = createStore();',
        '  store.save();',
        '}',
      ),
    },
    edges: [{ from: 'run', to: 'Store.save', reason: 'receiver-typed' }],
  },

  'typed-parameter': {
    files: {
      'src/store.ts': lines('export class Store {', '  save(): void {}', '}'),
      'src/persist.ts': lines(
        "import type { Store } from './store';",
        'export function persist(store: Store): void {',
        '  store.save();',
        '}',
      ),
    },
    edges: [{ from: 'persist', to: 'Store.save', reason: 'receiver-typed' }],
  },

  'external-call': {
    files: {
      'src/load.ts': lines(
        "import { readFileSync } from 'node:fs';",
        "import { z } from 'zod';",
        'export function load(path: string): unknown {',
        "  return z.string().parse(readFileSync(path, 'utf8'));",
        '}',
      ),
    },
    unresolved: [
      { from: 'load', callee: 'readFileSync', reason: 'external:node:fs' },
      { from: 'load', callee: 'z.string', reason: 'external:zod' },
    ],
  },

  'builtin-call': {
    files: {
      'src/log.ts': lines(
        'export function log(value: unknown): string {',
        '  console.log(value);',
        '  return JSON.stringify(value);',
        '}',
      ),
    },
    unresolved: [
      { from: 'log', callee: 'console.log', reason: 'builtin' },
      { from: 'log', callee: 'JSON.stringify', reason: 'builtin' },
    ],
  },

  'test-through-setup-hook': {
    files: {
      'src/stack.ts': lines(
        'export class Stack {',
        '  private items: number[] = [];',
        '  push(item: number): void {',
        '    this.items.push(item);',
        '  }',
        '  size(): number {',
        '    return this.items.length;',
        '  }',
        '}',
      ),
      'test/stack.test.ts': lines(
        "import { beforeEach, describe, expect, it } from 'vitest';",
        "import { Stack } from '../src/stack';",
        "describe('Stack', () => {",
        '  let stack: Stack;',
        '  beforeEach(() => {',
        '    stack = new Stack();',
        '    stack.push(1);',
        '  });',
        "  it('counts what was pushed', () => {",
        '    expect(stack.size()).toBe(1);',
        '  });',
        '});',
      ),
    },
    tested: [
      { test: 'Stack > counts what was pushed', reaches: 'Stack.push' },
      { test: 'Stack > counts what was pushed', reaches: 'Stack.size' },
    ],
  },

  'nested-callback': {
    files: {
      'src/batch.ts': lines(
        'export function processAll(groups: number[][]): void {',
        '  groups.forEach((group) => {',
        '    group.map((item) => {',
        '      record(item);',
        '    });',
        '  });',
        '}',
        'function record(item: number): void {}',
      ),
    },
    edges: [{ from: 'processAll', to: 'record', reason: 'same-file' }],
  },

  'same-named-nested-definitions': {
    files: {
      'src/pair.ts': lines(
        'export function first(): number {',
        '  function helper(): number {',
        '    return 1;',
        '  }',
        '  return helper();',
        '}',
        'export function second(): number {',
        '  function helper(): number {',
        '    return 2;',
        '  }',
        '  return helper();',
        '}',
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
