/**
 * What Java code may use without importing it (java.lang), Java's test conventions (paths, JUnit 3/4/5 and TestNG
 * annotations, setup hooks) and how a written type names a type. Pure data and string functions.
 */

/** Public classes of java.lang (JDK 17), visible in every file without an import: calls on them are `builtin`. */
export const JAVA_LANG: ReadonlySet<string> = new Set([
  'AbstractMethodError',
  'Appendable',
  'ArithmeticException',
  'ArrayIndexOutOfBoundsException',
  'ArrayStoreException',
  'AssertionError',
  'AutoCloseable',
  'Boolean',
  'BootstrapMethodError',
  'Byte',
  'CharSequence',
  'Character',
  'Class',
  'ClassCastException',
  'ClassCircularityError',
  'ClassFormatError',
  'ClassLoader',
  'ClassNotFoundException',
  'ClassValue',
  'CloneNotSupportedException',
  'Cloneable',
  'Comparable',
  'Deprecated',
  'Double',
  'Enum',
  'EnumConstantNotPresentException',
  'Error',
  'Exception',
  'ExceptionInInitializerError',
  'Float',
  'FunctionalInterface',
  'IllegalAccessError',
  'IllegalAccessException',
  'IllegalArgumentException',
  'IllegalCallerException',
  'IllegalMonitorStateException',
  'IllegalStateException',
  'IllegalThreadStateException',
  'IncompatibleClassChangeError',
  'IndexOutOfBoundsException',
  'InheritableThreadLocal',
  'InstantiationError',
  'InstantiationException',
  'Integer',
  'InternalError',
  'InterruptedException',
  'Iterable',
  'LayerInstantiationException',
  'LinkageError',
  'Long',
  'Math',
  'Module',
  'ModuleLayer',
  'NegativeArraySizeException',
  'NoClassDefFoundError',
  'NoSuchFieldError',
  'NoSuchFieldException',
  'NoSuchMethodError',
  'NoSuchMethodException',
  'NullPointerException',
  'Number',
  'NumberFormatException',
  'Object',
  'OutOfMemoryError',
  'Override',
  'Package',
  'Process',
  'ProcessBuilder',
  'ProcessHandle',
  'Readable',
  'Record',
  'ReflectiveOperationException',
  'Runnable',
  'Runtime',
  'RuntimeException',
  'RuntimePermission',
  'SafeVarargs',
  'SecurityException',
  'SecurityManager',
  'Short',
  'StackOverflowError',
  'StackTraceElement',
  'StackWalker',
  'StrictMath',
  'String',
  'StringBuffer',
  'StringBuilder',
  'StringIndexOutOfBoundsException',
  'SuppressWarnings',
  'System',
  'Thread',
  'ThreadDeath',
  'ThreadGroup',
  'ThreadLocal',
  'Throwable',
  'TypeNotPresentException',
  'UnknownError',
  'UnsatisfiedLinkError',
  'UnsupportedClassVersionError',
  'UnsupportedOperationException',
  'VerifyError',
  'VirtualMachineError',
  'Void',
]);

/** Primitive types and `void`: they name no class. */
export const PRIMITIVES: ReadonlySet<string> = new Set([
  'boolean',
  'byte',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'void',
]);

/** Annotations that make a method a test (JUnit 4/5, TestNG). */
export const TEST_ANNOTATIONS: ReadonlySet<string> = new Set([
  'Test',
  'ParameterizedTest',
  'RepeatedTest',
  'TestFactory',
  'TestTemplate',
]);

/** Annotations (and JUnit 3 method names) of setup hooks: what they call counts for every test of the class. */
export const SETUP_ANNOTATIONS: ReadonlySet<string> = new Set([
  'Before',
  'BeforeEach',
  'BeforeAll',
  'BeforeClass',
  'BeforeMethod',
  'BeforeTest',
  'BeforeSuite',
  'BeforeGroups',
]);
export const JUNIT3_SETUP_METHODS: ReadonlySet<string> = new Set(['setUp', 'setUpBeforeClass']);

const TEST_FILE =
  /(^|\/)src\/(test|it|integrationTest|testFixtures)\/|(^|\/)[^/]*(Test|Tests|TestCase|IT)\.java$/;

/** Test code by path: Maven/Gradle test source sets and the `*Test.java` / `*Tests.java` / `*IT.java` names. */
export function isJavaTestPath(path: string): boolean {
  return TEST_FILE.test(path);
}

/**
 * The type a written type names, for member lookup: generics and annotations dropped (`List<Foo>` → `List`,
 * `Map.Entry<K, V>` → `Map.Entry`); null for primitives, arrays and `var`.
 */
export function javaTypeName(text: string): string | null {
  let t = text.replace(/@[\w.]+(\([^)]*\))?\s*/g, '').trim();
  let depth = 0;
  let out = '';
  for (const ch of t) {
    if (ch === '<') depth++;
    else if (ch === '>') depth--;
    else if (depth === 0) out += ch;
  }
  t = out.replace(/\s+/g, '');
  if (t === '' || t.endsWith(']') || t.endsWith('...') || PRIMITIVES.has(t) || t === 'var') return null;
  return /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*#?(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u.test(t)
    ? t
    : null;
}

/**
 * A parameter type as it appears in an overload's id: generics, annotations and `final` dropped, package prefixes
 * dropped (`java.util.List<String>` → `List`), arrays and varargs kept (`String[]`, `Object...`).
 */
export function erasedParamType(text: string): string {
  let t = text.replace(/@[\w.]+(\([^)]*\))?\s*/g, '').replace(/\bfinal\s+/g, '');
  let depth = 0;
  let out = '';
  for (const ch of t) {
    if (ch === '<') depth++;
    else if (ch === '>') depth--;
    else if (depth === 0) out += ch;
  }
  t = out.replace(/\s+/g, '');
  const suffix = /(\[\]|\.\.\.)*$/.exec(t)?.[0] ?? '';
  const base = t.slice(0, t.length - suffix.length);
  const simple = base.split('.').filter((s) => /^[A-Z]/.test(s) || !base.includes('.'));
  return `${simple.length > 0 ? simple.join('.') : base}${suffix}`;
}

/** Splits a parameter list at its top-level commas (generic arguments hold commas too). */
function topLevelParts(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of inner) {
    if (ch === '<' || ch === '(') depth++;
    else if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

/** The erased parameter types of a signature as the plug-in writes it (`(int a, List<String> b)` → int, List). */
export function paramTypesOf(signature: string): string[] {
  const inner = signature.trim().replace(/^\(/, '').replace(/\)$/, '');
  return topLevelParts(inner).map((part) => {
    const p = part.trim().replace(/\s*\.\.\.\s*/, '... ');
    const name = /\s*([\p{L}_$][\p{L}\p{N}_$]*)\s*((\[\])*)$/u.exec(p);
    const type = name ? `${p.slice(0, name.index)}${name[2] ?? ''}` : p;
    return erasedParamType(type);
  });
}
