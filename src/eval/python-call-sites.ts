/**
 * The reference parser for Python call sites: CPython's own `ast` module, run as one `python3` process per eval.
 * It reads `{ root, walk, defs }` (repo-relative paths) as JSON on stdin and prints one JSON object per line:
 *  - `{"t":"file","path","error"}` for every file (error null when it parsed), with `text` when the file is not
 *    UTF-8 (decoded as its `# -*- coding: … -*-` line says), so the checker sees the same characters;
 *  - `{"t":"call",…}` for every `Call` node of a walked file, and for every bare decorator (`@dec` calls `dec`);
 *  - `{"t":"def",…}` for every `def`, `async def`, `class` and name bound to a `lambda` of every listed file.
 * Lines are 1-based; columns are 0-based UTF-16 code units (what the language server protocol counts), converted
 * from the UTF-8 byte offsets `ast` gives. Nothing of codehub's own parsing is used: this is the independent side.
 */
import { spawn } from 'node:child_process';

/** One call expression as `ast` sees it. */
export interface PythonCallSite {
  path: string;
  /** 1-based line of the call expression's start (its callee's first token). */
  line: number;
  /** Position of the callee's last name (`f` in `a.b.f()`), the one a definition request asks about; null when the callee is not a name (`f()()`, `a[0]()`). */
  nameLine: number | null;
  nameCol: number | null;
  name: string | null;
  /** The callee's text, at most 120 characters. */
  text: string;
  category: string;
  decorator: boolean;
}

/** One definition an indexer lists: a function, a method, a class, a name bound to a lambda. */
export interface PythonDefinition {
  path: string;
  /** `Class.method`, `outer.inner`. */
  qual: string;
  kind: 'function' | 'class' | 'lambda';
  /** 1-based first line (decorators included) and last line. */
  line: number;
  end: number;
  /** Position of the defined name (what a definition answer points at). */
  nameLine: number;
  nameCol: number;
  /** Decorated with `@overload` / `@typing.overload` (a signature, not the implementation). */
  overload: boolean;
}

export interface PythonParseResult {
  calls: PythonCallSite[];
  definitions: PythonDefinition[];
  /** Files `ast` could not parse or read (Python 2 syntax, undecodable bytes), with the reason. */
  failed: Array<{ path: string; error: string }>;
  parsed: number;
  /** The text of files that are not UTF-8, decoded as their encoding declaration says (PEP 263), by path. */
  decoded: Map<string, string>;
}

const SCRIPT = String.raw`
import ast, json, os, re, sys
from importlib.util import decode_source

req = json.load(sys.stdin)
root = req["root"]
walk = set(req["walk"])
out = sys.stdout
NEWLINE = re.compile(r"\r\n|\r|\n")
DEF_NAME = re.compile(r"(?:async\s+)?def\s+([^\s(]+)|class\s+([^\s(:]+)")

def emit(obj):
    out.write(json.dumps(obj, ensure_ascii=False))
    out.write("\n")

def utf16_col(lines, line, byte_col):
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    prefix = text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace")
    return len(prefix.encode("utf-16-le")) // 2

def segment(lines, node):
    # ast.get_source_segment splits the whole source on every call: quadratic on a large module.
    first, last = node.lineno, node.end_lineno
    if first is None or last is None or not (0 < first <= last <= len(lines)):
        return None
    if last - first > 3:
        last = first + 3
        end = None
    else:
        end = node.end_col_offset
    parts = [line.encode("utf-8") for line in lines[first - 1:last]]
    if end is not None:
        parts[-1] = parts[-1][:end]
    parts[0] = parts[0][node.col_offset:]
    return "\n".join(p.decode("utf-8", errors="replace") for p in parts)

def last_name(node, lines):
    if isinstance(node, ast.Name):
        return node.id, node.lineno, utf16_col(lines, node.lineno, node.col_offset)
    if isinstance(node, ast.Attribute):
        start = node.end_col_offset - len(node.attr.encode("utf-8"))
        return node.attr, node.end_lineno, utf16_col(lines, node.end_lineno, start)
    return None, None, None

def is_overload(dec):
    return (isinstance(dec, ast.Name) and dec.id == "overload") or (isinstance(dec, ast.Attribute) and dec.attr == "overload")

class Visitor(ast.NodeVisitor):
    def __init__(self, path, source, lines, tree, walked):
        self.path, self.source, self.lines, self.walked = path, source, lines, walked
        self.scope = []
        self.params = [set()]
        self.imported, self.modules, self.classes = set(), set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    name = a.asname or a.name.split(".")[0]
                    self.imported.add(name)
                    self.modules.add(name)
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    self.imported.add(a.asname or a.name)
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                self.classes.add(node.name)

    def category(self, func):
        if isinstance(func, ast.Name):
            if func.id in self.params[-1]:
                return "callback parameter"
            return "imported identifier" if func.id in self.imported else "plain identifier"
        if isinstance(func, ast.Subscript):
            return "element access"
        if not isinstance(func, ast.Attribute):
            return "other"
        v = func.value
        if isinstance(v, ast.Name) and v.id in ("self", "cls"):
            return "this method"
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "super":
            return "this method"
        if isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name) and v.value.id in ("self", "cls"):
            return "this field method"
        if isinstance(v, ast.Name):
            if v.id in self.modules:
                return "namespace member"
            if v.id in self.classes:
                return "static method"
            return "method on typed local/param"
        if isinstance(v, ast.Call):
            return "method on value returned by a call"
        return "other"

    def site(self, func, line, decorator):
        name, name_line, name_col = last_name(func, self.lines)
        text = segment(self.lines, func) or type(func).__name__
        text = " ".join(text.split())
        if len(text) > 120:
            text = text[:117] + "..."
        emit({"t": "call", "path": self.path, "line": line, "nameLine": name_line, "nameCol": name_col,
              "name": name, "text": text, "category": "decorator" if decorator else self.category(func),
              "decorator": decorator})

    def define(self, node, kind, name, name_line, name_col, start, end, overload):
        qual = ".".join(self.scope + [name])
        emit({"t": "def", "path": self.path, "qual": qual, "kind": kind, "line": start, "end": end,
              "nameLine": name_line, "nameCol": name_col, "overload": overload})

    def visit_scope(self, node, kind):
        start = min([d.lineno for d in node.decorator_list] + [node.lineno])
        name_line, name_col = node.lineno, utf16_col(self.lines, node.lineno, node.col_offset)
        text = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        m = DEF_NAME.match(text.encode("utf-8")[node.col_offset:].decode("utf-8", errors="replace"))
        if m:
            name_col += len(text.encode("utf-8")[node.col_offset:].decode("utf-8", errors="replace")[:m.start(1 if m.group(1) else 2)].encode("utf-16-le")) // 2
        self.define(node, kind, node.name, name_line, name_col, start, node.end_lineno,
                    any(is_overload(d) for d in node.decorator_list))
        if self.walked:
            for d in node.decorator_list:
                if isinstance(d, (ast.Name, ast.Attribute)):
                    self.site(d, d.lineno, True)
        for d in node.decorator_list:
            self.visit(d)
        if kind == "class":
            for b in node.bases + node.keywords:
                self.visit(b)
        else:
            self.visit(node.args)
            if node.returns:
                self.visit(node.returns)
        self.scope.append(node.name)
        if kind == "function":
            a = node.args
            self.params.append({x.arg for x in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg] if x})
        else:
            self.params.append(set())
        for stmt in node.body:
            self.visit(stmt)
        self.params.pop()
        self.scope.pop()

    def visit_FunctionDef(self, node):
        self.visit_scope(node, "function")

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.visit_scope(node, "class")

    def visit_Assign(self, node):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Lambda):
            t = node.targets[0]
            self.define(node, "lambda", t.id, t.lineno, utf16_col(self.lines, t.lineno, t.col_offset),
                        node.lineno, node.end_lineno, False)
        self.generic_visit(node)

    def visit_Call(self, node):
        if self.walked:
            self.site(node.func, node.lineno, False)
        self.generic_visit(node)

for path in req["defs"]:
    try:
        with open(os.path.join(root, path), "rb") as f:
            raw = f.read()
        source = decode_source(raw)
        tree = ast.parse(source, filename=path)
    except Exception as e:
        emit({"t": "file", "path": path, "error": (type(e).__name__ + ": " + str(e))[:300]})
        continue
    lines = NEWLINE.split(source)
    try:
        Visitor(path, source, lines, tree, path in walk).visit(tree)
    except RecursionError:
        emit({"t": "file", "path": path, "error": "RecursionError: nesting too deep for ast"})
        continue
    row = {"t": "file", "path": path, "error": None}
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        row["text"] = source
    emit(row)
`;

export interface PythonParseOptions {
  repoDir: string;
  /** Files whose call sites are wanted (repo-relative). */
  walk: string[];
  /** Further files whose definitions are wanted (call targets). */
  definitionsOnly: string[];
  /** The interpreter; default `python3` from PATH. */
  python?: string;
  /** Kill the parser after this long. Default 10 minutes. */
  timeoutMillis?: number;
}

/** Runs the reference parser once over the listed files; rejects when python3 is missing, crashes or times out. */
export function parsePythonFiles(options: PythonParseOptions): Promise<PythonParseResult> {
  const python = options.python ?? 'python3';
  const timeoutMillis = options.timeoutMillis ?? 600_000;
  const walk = new Set(options.walk);
  const all = [...options.walk, ...options.definitionsOnly.filter((p) => !walk.has(p))];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, ['-X', 'utf8', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const result: PythonParseResult = {
      calls: [],
      definitions: [],
      failed: [],
      parsed: 0,
      decoded: new Map(),
    };
    let buffered = '';
    let stderr = '';
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolvePromise(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`${python} (ast call sites) did not finish within ${timeoutMillis} ms`));
    }, timeoutMillis);
    const take = (line: string): void => {
      if (line === '') return;
      const row = JSON.parse(line) as { t: string; path: string; error?: string | null; text?: string };
      if (row.t === 'call') result.calls.push(row as unknown as PythonCallSite);
      else if (row.t === 'def') result.definitions.push(row as unknown as PythonDefinition);
      else if (row.t === 'file') {
        if (row.error) result.failed.push({ path: row.path, error: row.error });
        else result.parsed++;
        if (typeof row.text === 'string') result.decoded.set(row.path, row.text);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let at = buffered.indexOf('\n');
      while (at >= 0) {
        take(buffered.slice(0, at));
        buffered = buffered.slice(at + 1);
        at = buffered.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    child.on('error', (error) => finish(new Error(`cannot run ${python}: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) finish(new Error(`${python} (ast call sites) exited with ${code}: ${stderr.trim()}`));
      else {
        try {
          take(buffered);
          finish(null);
        } catch (error) {
          finish(error as Error);
        }
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ root: options.repoDir, walk: options.walk, defs: all }));
  });
}
