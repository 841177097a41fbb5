/** C++'s answers to the shared outline cases (src/languages/outline-conformance.ts): C++ is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

export const outline: OutlineSuite = {
  definitions: {
    files: {
      'src/cart.hpp': `class Cart {
public:
    void add(int v);
    int total() const { return sum; }
private:
    int sum;
};

enum class Color { Red };

int free_total(const Cart &c);
`,
    },
    symbols: [
      { name: 'Cart', kind: 'class', lines: [1, 7] },
      { name: 'Cart.add', kind: 'method', lines: [3, 3] },
      { name: 'Cart.total', kind: 'method', lines: [4, 4] },
      { name: 'Color', kind: 'enum', lines: [9, 9] },
      { name: 'free_total', kind: 'function', lines: [11, 11] },
    ],
  },
  nesting: {
    files: {
      'src/cart.cpp': `void Cart::add(int v) {
    sum += v;
}
`,
    },
    symbols: [{ name: 'Cart.add', kind: 'method', lines: [1, 3] }],
  },
  'same-named-nested-definitions': {
    files: {
      'src/shapes.hpp': `struct Circle {
    double area() const { return 1; }
};

struct Square {
    double area() const { return 2; }
};
`,
    },
    symbols: [
      { name: 'Circle.area', kind: 'method', lines: [2, 2] },
      { name: 'Square.area', kind: 'method', lines: [6, 6] },
    ],
  },
  'name-only-calls': {
    files: {
      'src/a.cpp': `int total() { return 0; }

static void render() {}

void checkout() {
    total();
    render();
    missing();
}
`,
      'src/b.cpp': `static void render() {}
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
      'src/a.cpp': `int good() {
    return 1;
}

int broken( {
`,
    },
    symbols: [{ name: 'good', kind: 'function', lines: [1, 3] }],
    syntaxErrors: ['src/a.cpp'],
  },
};
