/**
 * How to run one Java test, from the build file nearest the test: Maven (`mvn -Dtest='Class#method' test`) or Gradle
 * (`gradle test --tests 'pkg.Class.method'`, through `./gradlew` when the build has a wrapper). The test's class is
 * read off its qualified name (`CartTest.adds`, nested `CartTest.WhenEmpty.adds`) and its package off the path under
 * a `java` source root. Pure.
 */
import { shellQuote } from '../../core/shell.js';
import type { TestCommands } from '../plugin.js';

const BUILD_FILES = ['pom.xml', 'build.gradle', 'build.gradle.kts', 'gradlew'];

function dirsUp(path: string): string[] {
  const out: string[] = [];
  let dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  for (;;) {
    out.push(dir);
    if (dir === '') return out;
    dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  }
}

/** The package of a test file, from its path under a `java` source root (`src/test/java/a/b/CartTest.java` → a.b). */
export function packageFromPath(testFile: string): string {
  const parts = testFile.split('/');
  const root = parts.lastIndexOf('java');
  return root >= 0 ? parts.slice(root + 1, -1).join('.') : '';
}

/** Class and method of a test from its qualified name: `Outer.Inner.test` → { classes: [Outer, Inner], method }. */
function splitTestName(testName: string): { classes: string[]; method: string } {
  const parts = testName.split('.');
  const method = parts.pop() ?? '';
  return { classes: parts, method };
}

export function javaTestCommand(
  testFile: string,
  testName: string,
  files: ReadonlyArray<{ path: string; text: string }>,
): { runner: 'maven' | 'gradle'; cwd: string; command: string } | null {
  const build = files.find((f) => /(^|\/)(pom\.xml|build\.gradle(\.kts)?)$/.test(f.path));
  if (!build) return null;
  const cwd = build.path.includes('/') ? build.path.slice(0, build.path.lastIndexOf('/')) : '';
  const { classes, method } = splitTestName(testName);
  if (classes.length === 0) return null;
  if (build.path.endsWith('pom.xml')) {
    return {
      runner: 'maven',
      cwd,
      command: `mvn -Dtest=${shellQuote(`${classes.join('$')}#${method}`)} test`,
    };
  }
  const pkg = packageFromPath(testFile);
  const wrapper = files.some((f) => f.path === (cwd === '' ? 'gradlew' : `${cwd}/gradlew`));
  const filter = `${pkg === '' ? '' : `${pkg}.`}${classes.join('$')}.${method}`;
  return {
    runner: 'gradle',
    cwd,
    command: `${wrapper ? './gradlew' : 'gradle'} test --tests ${shellQuote(filter)}`,
  };
}

export const javaTestCommands: TestCommands = {
  inputs: (testFile) =>
    dirsUp(testFile).flatMap((dir) => BUILD_FILES.map((f) => (dir === '' ? f : `${dir}/${f}`))),
  command({ testFile, testName, files }) {
    const found = javaTestCommand(testFile, testName, files);
    return found ? { cwd: found.cwd, command: found.command } : null;
  },
  group({ testFile, testNames, files }) {
    const each = [...new Set(testNames)].map((name) => javaTestCommand(testFile, name, files));
    const first = each[0];
    if (!first || each.some((c) => c === null)) return null;
    if (first.runner === 'maven') {
      const selectors = testNames.map((n) => {
        const { classes, method } = splitTestName(n);
        return `${classes.join('$')}#${method}`;
      });
      return {
        runner: 'maven',
        cwd: first.cwd,
        command: `mvn -Dtest=${shellQuote([...new Set(selectors)].join(','))} test`,
      };
    }
    const filters = each.map((c) => (c as { command: string }).command.replace(/^.* --tests /, '--tests '));
    const head = first.command.replace(/ --tests .*$/, '');
    return { runner: 'gradle', cwd: first.cwd, command: `${head} ${[...new Set(filters)].join(' ')}` };
  },
};
