/** PHP's answers to the shared outline cases (src/languages/outline-conformance.ts): PHP is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

export const outline: OutlineSuite = {
  definitions: {
    files: {
      'src/Cart.php': `<?php
interface Shape
{
    public function area(): float;
}

class Cart
{
    private $items = [];

    public function add($item)
    {
        $this->items[] = $item;
    }
}

function checkout($cart)
{
    return $cart;
}
`,
    },
    symbols: [
      { name: 'Shape', kind: 'interface', lines: [2, 5] },
      { name: 'Shape.area', kind: 'method', lines: [4, 4] },
      { name: 'Cart', kind: 'class', lines: [7, 15] },
      { name: 'Cart.items', kind: 'property', lines: [9, 9] },
      { name: 'Cart.add', kind: 'method', lines: [11, 14] },
      { name: 'checkout', kind: 'function', lines: [17, 20] },
    ],
  },
  nesting: {
    files: {
      'src/Shop.php': `<?php
namespace Shop {
    class Cart
    {
        public function add($item) {}
    }
}
`,
    },
    symbols: [
      { name: 'Shop', kind: 'namespace', lines: [2, 7] },
      { name: 'Shop.Cart', kind: 'class', lines: [3, 6] },
      { name: 'Shop.Cart.add', kind: 'method', lines: [5, 5] },
    ],
  },
  'same-named-nested-definitions': {
    files: {
      'src/Shapes.php': `<?php
class Circle
{
    public function area() { return 1; }
}

class Square
{
    public function area() { return 2; }
}
`,
    },
    symbols: [
      { name: 'Circle.area', kind: 'method', lines: [4, 4] },
      { name: 'Square.area', kind: 'method', lines: [9, 9] },
    ],
  },
  'name-only-calls': {
    files: {
      'src/a.php': `<?php
function checkout($cart)
{
    total($cart);
    render($cart);
    missing();
}

function total($cart) { return 0; }

function render($value) {}
`,
      'src/b.php': `<?php
class View
{
    public function render($value) {}
}
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
      'src/a.php': `<?php
function good()
{
    return 1;
}

function broken( {
`,
    },
    symbols: [{ name: 'good', kind: 'function', lines: [2, 5] }],
    syntaxErrors: ['src/a.php'],
  },
};
