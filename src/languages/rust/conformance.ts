/** Rust's answers to the shared outline cases (src/languages/outline-conformance.ts): Rust is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

const cart = `pub struct Cart {
    items: Vec<u32>,
}

impl Cart {
    pub fn add(&mut self, v: u32) {
        self.items.push(v);
    }
}

pub trait Shape {
    fn area(&self) -> f64;
}

pub enum Color {
    Red,
}

pub fn total(c: &Cart) -> u32 {
    0
}
`;

export const outline: OutlineSuite = {
  definitions: {
    files: { 'src/cart.rs': cart },
    symbols: [
      { name: 'Cart', kind: 'class', lines: [1, 3] },
      { name: 'Cart.add', kind: 'method', lines: [6, 8] },
      { name: 'Shape', kind: 'interface', lines: [11, 13] },
      { name: 'Color', kind: 'enum', lines: [15, 17] },
      { name: 'total', kind: 'function', lines: [19, 21] },
    ],
  },
  nesting: {
    files: {
      'src/lib.rs': `mod shop {
    pub struct Cart;

    impl Cart {
        pub fn add(&self) {}
    }

    pub fn open() {}
}
`,
    },
    symbols: [
      { name: 'shop', kind: 'namespace', lines: [1, 9] },
      { name: 'shop.Cart.add', kind: 'method', lines: [5, 5] },
      { name: 'shop.open', kind: 'function', lines: [8, 8] },
    ],
  },
  'same-named-nested-definitions': {
    files: {
      'src/lib.rs': `fn first() -> u32 {
    fn helper() -> u32 { 1 }
    helper()
}

fn second() -> u32 {
    fn helper() -> u32 { 2 }
    helper()
}
`,
    },
    symbols: [
      { name: 'first.helper', kind: 'function', lines: [2, 2] },
      { name: 'second.helper', kind: 'function', lines: [7, 7] },
    ],
  },
  'name-only-calls': {
    files: {
      'src/a.rs': `pub fn checkout() {
    total();
    render();
    missing();
}

pub fn total() -> u32 {
    0
}

pub fn render() {}
`,
      'src/b.rs': `pub fn render() {}
`,
    },
    edges: [{ from: 'checkout', to: 'total' }],
    unresolved: [
      { from: 'checkout', callee: 'render', reason: 'ambiguous' },
      { from: 'checkout', callee: 'missing', reason: 'unknown' },
    ],
  },
  'syntax-error': {
    files: {
      'src/lib.rs': `pub fn good() -> u32 {
    1
}

pub fn broken( -> {
`,
    },
    symbols: [{ name: 'good', kind: 'function', lines: [1, 3] }],
    syntaxErrors: ['src/lib.rs'],
  },
};
