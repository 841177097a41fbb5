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

const KNOWN_OS = new Set(
  'aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos'.split(
    ' ',
  ),
);
const KNOWN_ARCH = new Set(
  '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(
    ' ',
  ),
);

/** The tags of the default build codehub reads Go code as: linux/amd64 with cgo, the gc toolchain, Go 1.21. */
function defaultTag(tag: string): boolean {
  if (tag === 'linux' || tag === 'amd64' || tag === 'unix' || tag === 'gc' || tag === 'cgo') return true;
  const version = /^go1\.(\d+)$/.exec(tag);
  return version !== null && Number(version[1]) <= 21;
}

/** Evaluates a `//go:build` expression (`linux && !purego`, `(a || b) && c`) with the default tags; null if malformed. */
export function evalBuildExpression(expr: string): boolean | null {
  const tokens = expr.match(/!|&&|\|\||\(|\)|[\p{L}\p{N}_.]+/gu) ?? [];
  let at = 0;
  const or = (): boolean | null => {
    let value = and();
    while (value !== null && tokens[at] === '||') {
      at++;
      const right = and();
      value = right === null ? null : value || right;
    }
    return value;
  };
  const and = (): boolean | null => {
    let value = unary();
    while (value !== null && tokens[at] === '&&') {
      at++;
      const right = unary();
      value = right === null ? null : value && right;
    }
    return value;
  };
  const unary = (): boolean | null => {
    const token = tokens[at++];
    if (token === undefined) return null;
    if (token === '!') {
      const value = unary();
      return value === null ? null : !value;
    }
    if (token === '(') {
      const value = or();
      return tokens[at++] === ')' ? value : null;
    }
    return /^[\p{L}\p{N}_.]+$/u.test(token) ? defaultTag(token) : null;
  };
  const value = or();
  return at === tokens.length ? value : null;
}

/**
 * The build constraint that leaves a file out of the default build (linux/amd64, no custom tags), as written: a
 * `//go:build` line (or legacy `// +build` lines) above the package clause, or a `_GOOS`/`_GOARCH` file name suffix.
 * null when the file is built by default (or its constraint cannot be read).
 */
export function goExcludingConstraint(path: string, text: string): string | null {
  const base = (
    path
      .slice(path.lastIndexOf('/') + 1)
      .replace(/\.go$/, '')
      .replace(/_test$/, '') || ''
  ).split('_');
  const last = base.length > 1 ? base[base.length - 1] : undefined;
  const before = base.length > 2 ? base[base.length - 2] : undefined;
  if (last && KNOWN_ARCH.has(last) && last !== 'amd64') return `_${last}.go`;
  if (last && KNOWN_OS.has(last) && last !== 'linux') return `_${last}.go`;
  if (last && KNOWN_ARCH.has(last) && before && KNOWN_OS.has(before) && before !== 'linux')
    return `_${before}_${last}.go`;
  const header = text.slice(0, Math.max(0, text.search(/^\s*package\s/m)));
  const build = /^\/\/go:build\s+(.+)$/m.exec(header);
  if (build?.[1]) {
    const expr = build[1].trim();
    return evalBuildExpression(expr) === false ? `//go:build ${expr}` : null;
  }
  // Legacy `// +build a,b c`: a space is OR, a comma AND; several lines are ANDed.
  const lines = [...header.matchAll(/^\/\/\s*\+build\s+(.+)$/gm)].map((m) => (m[1] ?? '').trim());
  if (lines.length === 0) return null;
  const expr = lines
    .map(
      (l) =>
        `(${l
          .split(/\s+/)
          .map((alt) => `(${alt.split(',').join(' && ')})`)
          .join(' || ')})`,
    )
    .join(' && ');
  return evalBuildExpression(expr) === false ? lines.map((l) => `// +build ${l}`).join('\n') : null;
}
