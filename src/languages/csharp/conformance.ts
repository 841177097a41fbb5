/** C#'s answers to the shared outline cases (src/languages/outline-conformance.ts): C# is symbols only. */
import type { OutlineSuite } from '../outline-conformance.js';

export const outline: OutlineSuite = {
  definitions: {
    files: {
      'src/Cart.cs': `public interface IShape
{
    double Area();
}

public class Cart
{
    public void Add(int v)
    {
    }
}
`,
    },
    symbols: [
      { name: 'IShape', kind: 'interface', lines: [1, 4] },
      { name: 'IShape.Area', kind: 'method', lines: [3, 3] },
      { name: 'Cart', kind: 'class', lines: [6, 11] },
      { name: 'Cart.Add', kind: 'method', lines: [8, 10] },
    ],
  },
  nesting: {
    files: {
      'src/Shop.cs': `namespace Shop
{
    public class Cart
    {
        public void Add(int v) { }
    }
}
`,
    },
    symbols: [
      { name: 'Shop', kind: 'namespace', lines: [1, 7] },
      { name: 'Shop.Cart', kind: 'class', lines: [3, 6] },
      { name: 'Shop.Cart.Add', kind: 'method', lines: [5, 5] },
    ],
  },
  'same-named-nested-definitions': {
    files: {
      'src/Shapes.cs': `class Circle
{
    double Area() { return 1; }
}

class Square
{
    double Area() { return 2; }
}
`,
    },
    symbols: [
      { name: 'Circle.Area', kind: 'method', lines: [3, 3] },
      { name: 'Square.Area', kind: 'method', lines: [8, 8] },
    ],
  },
  'name-only-calls': {
    files: {
      'src/A.cs': `class Checkout
{
    void Run()
    {
        Total();
        this.Render();
        Missing();
    }

    int Total() { return 0; }

    void Render() { }
}
`,
      'src/B.cs': `class View
{
    void Render() { }
}
`,
    },
    edges: [{ from: 'Checkout.Run', to: 'Checkout.Total' }],
    unresolved: [
      { from: 'Checkout.Run', callee: 'this.Render', reason: 'ambiguous' },
      { from: 'Checkout.Run', callee: 'Missing', reason: 'unknown' },
    ],
  },
  'syntax-error': {
    files: {
      'src/A.cs': `class Good
{
    void Run() { }
}

class Broken {
    void Oops( {
`,
    },
    symbols: [{ name: 'Good.Run', kind: 'method', lines: [3, 3] }],
    syntaxErrors: ['src/A.cs'],
  },
};
