/**
 * What the TypeScript/JavaScript plug-in knows about its ecosystem's files and globals, in one place: the
 * test-file rule, the config files module resolution reads, the runtime's builtin globals and the globals test
 * runners provide. Cheap to load (no compiler): the indexer and search ask these before any file is parsed.
 */

/** Test code by path: `*.test.*`, `*.spec.*`, `__tests__/`, `__mocks__/`, `test/`, `tests/`, `spec/`, `specs/` (mocha, jasmine). */
const TEST_PATH = /(^|\/)(__tests__|__mocks__|tests?|specs?)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/**
 * The one test-file rule of the plug-in: the extractor declares tests (`describe`/`it`) in such files (and in files
 * that import a test framework), search ranks their symbols as test code, and the indexer counts them as test files
 * whose tests are unknown when they could not be analysed.
 */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/**
 * The config files module resolution reads (tsconfig*.json, jsconfig*.json, `*.json` inside a `*tsconfig*` folder
 * (shared-config packages extended by name), package.json, pnpm-workspace.yaml), never under node_modules. The
 * indexer hands exactly these to the resolver: the one rule for config-file selection.
 */
export function isTsConfigFile(path: string): boolean {
  if (path.includes('node_modules/') || path.startsWith('node_modules')) return false;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return (
    name === 'package.json' ||
    name === 'pnpm-workspace.yaml' ||
    /^(?:.*[.-])?[tj]sconfig(?:[.-].*)?\.json$/i.test(name) ||
    // Shared-config packages (`packages/tsconfig/base.json`) are extended by name from other packages.
    /(?:^|\/)[^/]*tsconfig[^/]*\/[^/]+\.json$/i.test(path)
  );
}

/** Globals of the JS runtimes (ECMAScript, web, Node): a call through one stays unresolved as `builtin`. */
export const BUILTIN_GLOBALS: ReadonlySet<string> = new Set([
  'Array',
  'ArrayBuffer',
  'AbortController',
  'AbortSignal',
  'AggregateError',
  'atob',
  'BigInt',
  'Blob',
  'Boolean',
  'btoa',
  'Buffer',
  'clearImmediate',
  'clearInterval',
  'clearTimeout',
  'console',
  'crypto',
  'DataView',
  'Date',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'Error',
  'escape',
  'eval',
  'EvalError',
  'Event',
  'EventTarget',
  'fetch',
  'FinalizationRegistry',
  'Float32Array',
  'Float64Array',
  'FormData',
  'Function',
  'globalThis',
  'Headers',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Intl',
  'isFinite',
  'isNaN',
  'JSON',
  'Map',
  'Math',
  'module',
  'Number',
  'Object',
  'parseFloat',
  'parseInt',
  'performance',
  'process',
  'Promise',
  'Proxy',
  'queueMicrotask',
  'RangeError',
  'ReferenceError',
  'Reflect',
  'RegExp',
  'Request',
  'require',
  'Response',
  'Set',
  'setImmediate',
  'setInterval',
  'setTimeout',
  'String',
  'structuredClone',
  'Symbol',
  'SyntaxError',
  'TextDecoder',
  'TextEncoder',
  'TypeError',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'unescape',
  'URIError',
  'URL',
  'URLSearchParams',
  'WeakMap',
  'WeakRef',
  'WeakSet',
  'WebAssembly',
  'window',
  'document',
  'navigator',
  'alert',
  'localStorage',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'exports',
  '__dirname',
  '__filename',
  'undefined',
  'BigInt64Array',
  'BigUint64Array',
  'SharedArrayBuffer',
  'Atomics',
  'Worker',
  'MessageChannel',
  'ReadableStream',
  'WritableStream',
]);

/** Globals the JS test runners (jest, mocha, jasmine, vitest with globals, node:test's TDD names) provide in test files. */
export const TEST_GLOBALS: ReadonlySet<string> = new Set([
  'describe',
  'it',
  'test',
  'expect',
  'beforeEach',
  'beforeAll',
  'afterEach',
  'afterAll',
  'before',
  'after',
  'jest',
  'vi',
  'suite',
  'context',
  'specify',
  'fit',
  'xit',
  'fdescribe',
  'xdescribe',
  'setup',
  'teardown',
  'assert',
]);
