/**
 * What Python code may use without defining or importing it, and Python's test conventions: the builtins, pytest's
 * built-in fixtures, the test-file rule, annotation reading. Pure data and string functions.
 */

/** Names of the `builtins` module (CPython 3.12): calls to them stay unresolved with reason `builtin`. */
export const PYTHON_BUILTINS: ReadonlySet<string> = new Set([
  'abs',
  'aiter',
  'all',
  'anext',
  'any',
  'ascii',
  'bin',
  'bool',
  'breakpoint',
  'bytearray',
  'bytes',
  'callable',
  'chr',
  'classmethod',
  'compile',
  'complex',
  'copyright',
  'credits',
  'delattr',
  'dict',
  'dir',
  'divmod',
  'enumerate',
  'eval',
  'exec',
  'exit',
  'filter',
  'float',
  'format',
  'frozenset',
  'getattr',
  'globals',
  'hasattr',
  'hash',
  'help',
  'hex',
  'id',
  'input',
  'int',
  'isinstance',
  'issubclass',
  'iter',
  'len',
  'license',
  'list',
  'locals',
  'map',
  'max',
  'memoryview',
  'min',
  'next',
  'object',
  'oct',
  'open',
  'ord',
  'pow',
  'print',
  'property',
  'quit',
  'range',
  'repr',
  'reversed',
  'round',
  'set',
  'setattr',
  'slice',
  'sorted',
  'staticmethod',
  'str',
  'sum',
  'super',
  'tuple',
  'type',
  'vars',
  'zip',
  '__import__',
  '__build_class__',
  'reload',
  'unicode',
  'basestring',
  'long',
  'xrange',
  'raw_input',
  'unichr',
  'execfile',
  'file',
  'cmp',
  // Exceptions and warnings.
  'ArithmeticError',
  'AssertionError',
  'AttributeError',
  'BaseException',
  'BaseExceptionGroup',
  'BlockingIOError',
  'BrokenPipeError',
  'BufferError',
  'BytesWarning',
  'ChildProcessError',
  'ConnectionAbortedError',
  'ConnectionError',
  'ConnectionRefusedError',
  'ConnectionResetError',
  'DeprecationWarning',
  'EOFError',
  'EncodingWarning',
  'EnvironmentError',
  'Exception',
  'ExceptionGroup',
  'FileExistsError',
  'FileNotFoundError',
  'FloatingPointError',
  'FutureWarning',
  'GeneratorExit',
  'IOError',
  'ImportError',
  'ImportWarning',
  'IndentationError',
  'IndexError',
  'InterruptedError',
  'IsADirectoryError',
  'KeyError',
  'KeyboardInterrupt',
  'LookupError',
  'MemoryError',
  'ModuleNotFoundError',
  'NameError',
  'NotADirectoryError',
  'NotImplementedError',
  'OSError',
  'OverflowError',
  'PendingDeprecationWarning',
  'PermissionError',
  'ProcessLookupError',
  'RecursionError',
  'ReferenceError',
  'ResourceWarning',
  'RuntimeError',
  'RuntimeWarning',
  'StopAsyncIteration',
  'StopIteration',
  'SyntaxError',
  'SyntaxWarning',
  'SystemError',
  'SystemExit',
  'TabError',
  'TimeoutError',
  'TypeError',
  'UnboundLocalError',
  'UnicodeDecodeError',
  'UnicodeEncodeError',
  'UnicodeError',
  'UnicodeTranslateError',
  'UnicodeWarning',
  'UserWarning',
  'ValueError',
  'Warning',
  'ZeroDivisionError',
  'NotImplemented',
  'Ellipsis',
  // Module attributes every module has.
  '__name__',
  '__file__',
  '__doc__',
  '__spec__',
  '__loader__',
  '__package__',
  '__builtins__',
  '__debug__',
]);

/** Fixtures pytest itself provides (and those of its bundled plug-ins): requested by name, defined outside the repo. */
export const PYTEST_BUILTIN_FIXTURES: ReadonlySet<string> = new Set([
  'cache',
  'capfd',
  'capfdbinary',
  'caplog',
  'capsys',
  'capsysbinary',
  'doctest_namespace',
  'monkeypatch',
  'pytestconfig',
  'record_property',
  'record_testsuite_property',
  'record_xml_attribute',
  'recwarn',
  'request',
  'testdir',
  'pytester',
  'tmp_path',
  'tmp_path_factory',
  'tmpdir',
  'tmpdir_factory',
  'subtests',
  'event_loop',
  'mocker',
]);

/** Methods the unittest and pytest runners call before each test (or once per class) of the class defining them. */
export const SETUP_METHODS: ReadonlySet<string> = new Set([
  'setUp',
  'setUpClass',
  'asyncSetUp',
  'setup_method',
  'setup_class',
  'setup',
]);

const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

/** pytest's default test-file rule (`test_*.py`, `*_test.py`), plus `conftest.py`, which holds test code. */
export function isPythonTestPath(path: string): boolean {
  return TEST_FILE.test(path);
}

/**
 * A type annotation's text reduced to the class it names, for receiver typing: `Optional[Foo]`, `Foo | None`,
 * `"Foo"`, `Awaitable[Foo]`-free names → `Foo`; `mod.Foo` stays dotted; containers (`list[Foo]`) → null.
 */
export function pythonTypeName(text: string | null): string | null {
  if (text === null) return null;
  let t = text.trim();
  for (let i = 0; i < 4; i++) {
    const quoted = /^(['"])(.*)\1$/s.exec(t);
    if (quoted) t = (quoted[2] ?? '').trim();
    const optional = /^(?:[A-Za-z_]\w*\.)?Optional\[(.*)\]$/s.exec(t);
    if (optional) t = (optional[1] ?? '').trim();
    const union = /^(?:[A-Za-z_]\w*\.)?Union\[(.*)\]$/s.exec(t);
    if (union) t = union[1] ?? '';
    const parts = t
      .split('|')
      .map((p) => p.trim())
      .filter((p) => p !== 'None' && p !== '');
    if (parts.length === 1 && parts[0] !== t) t = parts[0] as string;
    else if (union) {
      // `Union[A, None]` names A; `Union[A, B]` could be either, so it names nothing.
      const members = t
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== 'None' && p !== '');
      t = members.length === 1 ? (members[0] as string) : '';
    }
    if (!quoted && !optional && !union && parts.length <= 1) break;
  }
  return /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(t) && t !== 'None' ? t : null;
}

/** `pkg` + `mod` → `pkg.mod`; `.` + `mod` → `.mod`: the specifier of a submodule named like an imported member. */
export function pythonSubmoduleSpecifier(specifier: string, name: string): string {
  return /\.$/.test(specifier) ? `${specifier}${name}` : `${specifier}.${name}`;
}
