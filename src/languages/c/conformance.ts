/** C's answers to the shared outline cases (src/languages/outline-conformance.ts): C is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

export const outline: OutlineSuite = {
  definitions: {
    files: {
      'src/cart.c': `struct cart {
    int total;
};

typedef struct cart cart_t;

enum color { RED, GREEN };

static int add(struct cart *c, int v);

static int add(struct cart *c, int v) {
    c->total += v;
    return c->total;
}
`,
      'include/cart.h': `int cart_total(const struct cart *c);
`,
    },
    symbols: [
      { name: 'cart', kind: 'class', lines: [1, 3] },
      { name: 'cart_t', kind: 'type', lines: [5, 5] },
      { name: 'color', kind: 'enum', lines: [7, 7] },
      // The prototype on line 9 is left out of a source file's outline; the definition is the symbol.
      { name: 'src/cart.c#add', kind: 'function', lines: [11, 14] },
      // In a header, a prototype is the API.
      { name: 'include/cart.h#cart_total', kind: 'function', lines: [1, 1] },
    ],
  },
  nesting: {
    skip: 'C has no container that holds a definition: functions, structs and enums are all top level',
  },
  'same-named-nested-definitions': {
    skip: 'C cannot nest function definitions; same-named static functions in two files are covered by name-only-calls',
  },
  'name-only-calls': {
    files: {
      'src/a.c': `int total(void) { return 0; }

static void render(void) {}

void checkout(void) {
    total();
    render();
    missing();
}
`,
      'src/b.c': `static void render(void) {}
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
      'src/a.c': `int good(void) {
    return 1;
}

int broken( {
`,
    },
    symbols: [{ name: 'good', kind: 'function', lines: [1, 3] }],
    syntaxErrors: ['src/a.c'],
  },
};
