/** Ruby's answers to the shared outline cases (src/languages/outline-conformance.ts): Ruby is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

export const outline: OutlineSuite = {
  definitions: {
    files: {
      'lib/cart.rb': `class Cart
  def add(item)
    @items << item
  end

  def self.empty
    new
  end
end

def checkout(cart)
  cart
end
`,
    },
    symbols: [
      { name: 'Cart', kind: 'class', lines: [1, 9] },
      { name: 'Cart.add', kind: 'method', lines: [2, 4] },
      { name: 'Cart.empty', kind: 'method', lines: [6, 8] },
      { name: 'checkout', kind: 'function', lines: [11, 13] },
    ],
  },
  nesting: {
    files: {
      'lib/shop.rb': `module Shop
  class Cart
    def add(item)
    end
  end
end
`,
    },
    symbols: [
      { name: 'Shop', kind: 'namespace', lines: [1, 6] },
      { name: 'Shop.Cart', kind: 'class', lines: [2, 5] },
      { name: 'Shop.Cart.add', kind: 'method', lines: [3, 4] },
    ],
  },
  'same-named-nested-definitions': {
    files: {
      'lib/shapes.rb': `class Circle
  def area
    1
  end
end

class Square
  def area
    2
  end
end
`,
    },
    symbols: [
      { name: 'Circle.area', kind: 'method', lines: [2, 4] },
      { name: 'Square.area', kind: 'method', lines: [8, 10] },
    ],
  },
  'name-only-calls': {
    files: {
      'lib/a.rb': `def checkout(cart)
  subtotal = total(cart)
  render(subtotal)
  missing
end

def total(cart)
  0
end

def render(value)
end
`,
      'lib/b.rb': `def render(value)
end
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
      'lib/a.rb': `def good
  1
end

def broken(
`,
    },
    symbols: [{ name: 'good', kind: 'function', lines: [1, 3] }],
    syntaxErrors: ['lib/a.rb'],
  },
};
