/** Kotlin's answers to the shared outline cases (src/languages/outline-conformance.ts): Kotlin is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

export const outline: OutlineSuite = {
  definitions: {
    files: {
      'src/main/kotlin/Cart.kt': `interface Shape {
    fun area(): Double
}

class Cart {
    val items = mutableListOf<Int>()

    fun add(v: Int) {
        items.add(v)
    }
}

object Registry

fun checkout(cart: Cart) {
}

typealias Id = Int
`,
    },
    symbols: [
      { name: 'Shape', kind: 'interface', lines: [1, 3] },
      { name: 'Shape.area', kind: 'method', lines: [2, 2] },
      { name: 'Cart', kind: 'class', lines: [5, 11] },
      { name: 'Cart.items', kind: 'property', lines: [6, 6] },
      { name: 'Cart.add', kind: 'method', lines: [8, 10] },
      { name: 'Registry', kind: 'class', lines: [13, 13] },
      { name: 'checkout', kind: 'function', lines: [15, 16] },
      { name: 'Id', kind: 'type', lines: [18, 18] },
    ],
  },
  nesting: {
    files: {
      'src/main/kotlin/Shop.kt': `class Shop {
    class Cart {
        fun add(v: Int) {
        }
    }
}
`,
    },
    symbols: [
      { name: 'Shop.Cart', kind: 'class', lines: [2, 5] },
      { name: 'Shop.Cart.add', kind: 'method', lines: [3, 4] },
    ],
  },
  'same-named-nested-definitions': {
    files: {
      'src/main/kotlin/Shapes.kt': `class Circle {
    fun area(): Double = 1.0
}

class Square {
    fun area(): Double = 2.0
}
`,
    },
    symbols: [
      { name: 'Circle.area', kind: 'method', lines: [2, 2] },
      { name: 'Square.area', kind: 'method', lines: [6, 6] },
    ],
  },
  'name-only-calls': {
    files: {
      'src/main/kotlin/A.kt': `fun checkout() {
    total()
    render()
    missing()
}

fun total(): Int = 0

fun render() {
}
`,
      'src/main/kotlin/B.kt': `class View {
    fun render() {
    }
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
      'src/main/kotlin/A.kt': `fun good(): Int {
    return 1
}

fun broken( {
`,
    },
    symbols: [{ name: 'good', kind: 'function', lines: [1, 3] }],
    syntaxErrors: ['src/main/kotlin/A.kt'],
  },
};
