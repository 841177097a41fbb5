/** What Go itself fixes, independent of any project: builtins, test files and functions, type names (pure). */

/** Predeclared functions: calls to them stay unresolved as `builtin`. */
export const GO_BUILTIN_FUNCS: ReadonlySet<string> = new Set([
  'append',
  'cap',
  'clear',
  'close',
  'complex',
  'copy',
  'delete',
  'imag',
  'len',
  'make',
  'max',
  'min',
  'new',
  'panic',
  'print',
  'println',
  'real',
  'recover',
]);

/** Predeclared types: `int(x)` is a conversion, not a call into the repo. */
export const GO_BUILTIN_TYPES: ReadonlySet<string> = new Set([
  'any',
  'bool',
  'byte',
  'comparable',
  'complex64',
  'complex128',
  'error',
  'float32',
  'float64',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'rune',
  'string',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
]);

export const GO_BUILTINS: ReadonlySet<string> = new Set([...GO_BUILTIN_FUNCS, ...GO_BUILTIN_TYPES]);

/** `_test.go` files are test code (the go tool's rule). */
export function isGoTestPath(path: string): boolean {
  return path.endsWith('_test.go');
}

/**
 * The test function kinds `go test` runs, by name prefix: `TestX(t *testing.T)`, `BenchmarkX(b *testing.B)`,
 * `ExampleX()`, `FuzzX(f *testing.F)`; the character after the prefix must not be a lower-case letter.
 */
export function goTestKind(name: string): 'test' | 'benchmark' | 'example' | 'fuzz' | null {
  for (const [prefix, kind] of [
    ['Test', 'test'],
    ['Benchmark', 'benchmark'],
    ['Example', 'example'],
    ['Fuzz', 'fuzz'],
  ] as const) {
    if (!name.startsWith(prefix)) continue;
    const next = name.charAt(prefix.length);
    if (next === '' || !/\p{Ll}/u.test(next)) return name === 'TestMain' ? null : kind;
  }
  return null;
}

/**
 * The named type a Go type text stands for when members are looked up on it: pointers and type arguments are
 * dropped (`*Server[T]` → `Server`, `*pkg.Client` → `pkg.Client`), a result list stands for its first result
 * (`(*Server, error)` → `Server`), an unnamed slice, array, map or channel for its element (`[]*Route`,
 * `map[string]Route` → `Route`); functions, interfaces and struct literals name none.
 */
export function goTypeName(text: string): string | null {
  let t = text.trim();
  if (t.startsWith('(')) {
    const inner = t.slice(1, t.endsWith(')') ? -1 : undefined);
    const first = splitTopLevel(inner)[0] ?? '';
    // A named result `(s *Server, err error)`: the type follows the name.
    const parts = first.trim().split(/\s+/);
    t = parts.length > 1 && !/^[*[]/.test(parts[0] ?? '') ? parts.slice(1).join(' ') : first.trim();
  }
  // Unnamed slices, arrays, maps and channels have no methods: what a member call reaches through one (after an index
  // or a range) is its element, so the collection stands for its element type.
  for (let guard = 0; guard < 16; guard++) {
    const before = t;
    t = t.replace(/^\*\s*/, '').replace(/^\.\.\./, '');
    if (t.startsWith('[')) t = t.slice(closing(t, 0) + 1).trim();
    else if (t.startsWith('map[')) t = t.slice(closing(t, 3) + 1).trim();
    else if (/^(<-\s*)?chan\b/.test(t)) t = t.replace(/^(<-\s*)?chan\s*(<-)?\s*/, '');
    if (t === before) break;
  }
  const bracket = t.indexOf('[');
  if (bracket > 0) t = t.slice(0, bracket);
  if (!/^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)?$/u.test(t)) return null;
  return GO_BUILTIN_TYPES.has(t) ? null : t;
}

/** The index of the bracket closing the one at `open` (or the text's end). */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0) return i;
  }
  return text.length;
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/**
 * The name a package is imported under when the import gives none: the last path element, without a major version
 * element (`/v2`) or a `.vN` suffix (`gopkg.in/yaml.v2` → `yaml`), a `go-` prefix or `-go` suffix, `-` as `_`.
 * A guess: the real name is the imported package's `package` clause, which one file cannot see.
 */
export function goImportName(importPath: string): string {
  const parts = importPath.split('/').filter((p) => p !== '');
  let name = parts[parts.length - 1] ?? importPath;
  if (/^v\d+$/.test(name) && parts.length > 1) name = parts[parts.length - 2] ?? name;
  name = name
    .replace(/\.v\d+$/, '')
    .replace(/^go-/, '')
    .replace(/[-.]go$/, '');
  return name.replace(/[-.]/g, '_');
}
