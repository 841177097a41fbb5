/**
 * Ground truth for Java call sites, from the JDK's own tools (javac 17 and javap), not codehub's:
 *  - javac's API (java-declarations.ts, run with the single-file source launcher) compiles the project with `-g` and
 *    says where each class, method and constructor is declared, by binary class name, name and erased descriptor;
 *  - `javap -c -p -l` lists each compiled method's `invoke*` instructions with the declared target (class, name,
 *    descriptor) and, through the LineNumberTable, the source line (javac puts a call on the line of its name);
 *  - a target declared in the repo — in the named class, else inherited through its superclass chain and interfaces —
 *    is an in-repo truth edge to that declaration (a default constructor: the class); a target in a class the repo
 *    does not compile (the JDK, a jar) is outside; a member the compiler wrote (an enum's `values()`, a record
 *    accessor) is unresolved, so a prediction there is excluded, not judged.
 * Instructions no source text asks for (an implicit `super()`, autoboxing, string switches, `for`-each iterators)
 * are dropped: a call counts only when its name is written on its line (`new`, `this(`, `super(` for constructors).
 * invokedynamic (lambdas, string concatenation) is not a call site. Needs `java`, `javac` and `javap` on the PATH.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { isJavaTestPath } from '../languages/java/conventions.js';
import { JAVA_DECLARATIONS_CLASS, JAVA_DECLARATIONS_SOURCE } from './java-declarations.js';
import { sortTruth, type CallCategory, type CallTruth, type TruthEdge, type TruthSite } from './truth.js';

export interface JavaTruthOptions {
  repoDir: string;
  /** Only compile files whose repo-relative path starts with one of these prefixes (`src/main/java/`). */
  include?: string[];
  /** Class path for the compile (jars the project needs). Default: the jars Debian installs, `/usr/share/java/*`. */
  classpath?: string;
  /** Walk at most this many `.java` files (in path order). Default: no limit. */
  maxFiles?: number;
}

const SKIP_DIRS = new Set(['.git', '.pc', 'node_modules', 'target', 'build', 'out', '.gradle', '.idea']);
const DEFAULT_CLASSPATH = '/usr/share/java/*';
const JAVAP_BATCH = 200;
const MAX_PROBLEMS = 10;

interface ClassDecl {
  binary: string;
  superName: string;
  interfaces: string[];
  path: string;
  startLine: number;
  endLine: number;
}

interface MethodDecl {
  owner: string;
  name: string;
  descriptor: string;
  path: string;
  startLine: number;
  endLine: number;
  generated: boolean;
}

/**
 * A virtual call (`invokevirtual`, `invokeinterface`) whose declared target is in the repo, with the methods javac's
 * class hierarchy lets it dispatch to besides that one: the method of the same name and descriptor (a bridge's
 * source method) declared in every repo class below the declared owner. What runs is one of them or the target.
 */
export interface JavaDispatchSite {
  path: string;
  line: number;
  declared: { path: string; startLine: number; endLine: number };
  overrides: Array<{ path: string; startLine: number; endLine: number }>;
}

/** javac's truth plus the virtual call sites, for measuring dispatch (bench/java-dispatch.ts). */
export interface JavaCallTruth extends CallTruth {
  dispatchSites: JavaDispatchSite[];
}

/** One `invoke*` instruction, with the source line javac gave it. */
export interface Invocation {
  /** Binary name of the class whose method holds the instruction. */
  inClass: string;
  opcode: string;
  owner: string;
  name: string;
  descriptor: string;
  line: number;
}

/** Reads `javap -c -p -l` output: every invoke instruction (invokedynamic left out) with its source line. */
export function parseJavap(text: string): Invocation[] {
  const out: Invocation[] = [];
  let currentClass = '';
  let pending: Array<Omit<Invocation, 'line'> & { pc: number }> = [];
  let table: Array<{ line: number; pc: number }> = [];
  const flush = (): void => {
    if (pending.length > 0 && table.length > 0) {
      const sorted = [...table].sort((a, b) => a.pc - b.pc);
      for (const p of pending) {
        let line = sorted[0]?.line ?? 0;
        for (const entry of sorted) if (entry.pc <= p.pc) line = entry.line;
        out.push({
          inClass: p.inClass,
          opcode: p.opcode,
          owner: p.owner,
          name: p.name,
          descriptor: p.descriptor,
          line,
        });
      }
    }
    pending = [];
    table = [];
  };
  for (const raw of text.split('\n')) {
    const header = /^(?:[\w\s]*?)\b(?:class|interface)\s+([^\s<{]+)/.exec(raw);
    if (header && !raw.startsWith(' ')) {
      flush();
      currentClass = header[1] ?? '';
      continue;
    }
    if (/^\s{4}Code:\s*$/.test(raw)) {
      flush();
      continue;
    }
    const invoke =
      /^\s+(\d+): (invokevirtual|invokespecial|invokestatic|invokeinterface)\s.*\/\/ (?:Interface)?Method (?:([\w/$]+)\.)?("?[\w$<>]+"?):(\S+)/.exec(
        raw,
      );
    if (invoke) {
      pending.push({
        inClass: currentClass,
        pc: Number(invoke[1]),
        opcode: invoke[2] ?? '',
        owner: invoke[3] ? invoke[3].split('/').join('.') : currentClass,
        name: (invoke[4] ?? '').replace(/"/g, ''),
        descriptor: invoke[5] ?? '',
      });
      continue;
    }
    const lineEntry = /^\s+line (\d+): (\d+)\s*$/.exec(raw);
    if (lineEntry) table.push({ line: Number(lineEntry[1]), pc: Number(lineEntry[2]) });
  }
  flush();
  return out;
}

function listJavaFiles(root: string, include: string[] | undefined): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP_DIRS.has(name)) continue;
      const full = join(dir, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(full);
      else if (name.endsWith('.java')) {
        const rel = relative(root, full).split(sep).join('/');
        if (!include || include.some((p) => rel.startsWith(p))) out.push(rel);
      }
    }
  };
  walk(root);
  return out;
}

function listClassFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listClassFiles(full, `${prefix}${name}.`));
    else if (name.endsWith('.class')) out.push(`${prefix}${name.slice(0, -'.class'.length)}`);
  }
  return out;
}

/** The parameter part of a descriptor, as a list of field descriptors. */
function paramsOf(descriptor: string): string[] {
  const inner = descriptor.slice(1, descriptor.indexOf(')'));
  const out: string[] = [];
  let i = 0;
  while (i < inner.length) {
    let j = i;
    while (inner[j] === '[') j++;
    if (inner[j] === 'L') j = inner.indexOf(';', j);
    out.push(inner.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}

function categoryOf(inv: Invocation, text: string): CallCategory {
  if (inv.opcode === 'invokestatic') return 'static method';
  if (inv.name === '<init>') return 'plain identifier';
  const escaped = inv.name.replace(/\$/g, '\\$');
  if (new RegExp(`\\bthis\\.${escaped}\\s*\\(`).test(text)) return 'this method';
  if (new RegExp(`(^|[^.\\w$])${escaped}\\s*\\(`).test(text)) return 'this method';
  if (new RegExp(`\\)\\s*\\.\\s*${escaped}\\s*\\(`).test(text)) return 'method on value returned by a call';
  return 'method on typed local/param';
}

/** Builds javac's call-site truth for the Java sources of a repository checked out at repoDir. */
export function buildJavaTruth(options: JavaTruthOptions): JavaCallTruth {
  const started = performance.now();
  const repoDir = resolve(options.repoDir);
  let files = listJavaFiles(repoDir, options.include);
  const walked = files.length;
  if (options.maxFiles !== undefined) files = files.slice(0, options.maxFiles);
  const problems: string[] = [];
  const edges: TruthEdge[] = [];
  const outside: TruthSite[] = [];
  const unresolved: TruthSite[] = [];
  const dispatchSites: JavaDispatchSite[] = [];
  const stats = (config: string, configError: string | null, callSites: number): CallTruth['stats'] => ({
    config,
    configError,
    filesWalked: walked,
    filesSkippedTooLarge: 0,
    filesSkippedOverMax: walked - files.length,
    callSites,
    millis: Math.round(performance.now() - started),
    checker: `javac ${javaVersion()}`,
    ...(problems.length > 0
      ? { problems: problems.slice(0, MAX_PROBLEMS), filesFailed: problems.length }
      : {}),
  });
  if (files.length === 0)
    return { edges, outside, unresolved, dispatchSites, files: [], stats: stats('javac', null, 0) };

  const work = mkdtempSync(join(tmpdir(), 'codehub-java-truth-'));
  try {
    const program = join(work, `${JAVA_DECLARATIONS_CLASS}.java`);
    writeFileSync(program, JAVA_DECLARATIONS_SOURCE);
    const list = join(work, 'sources.txt');
    const classes = join(work, 'classes');
    const classpath = expandClasspath(options.classpath ?? DEFAULT_CLASSPATH);
    const compile = (): { stdout: string; stderr: string } => {
      writeFileSync(list, files.map((f) => join(repoDir, f)).join('\n'));
      const result = spawnSync('java', [program, list, classes, classpath], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
      if (result.error)
        throw new Error(
          `cannot run java (install a JDK 17, e.g. Debian's default-jdk-headless): ${result.error.message}`,
        );
      return { stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
    };
    let run = compile();
    // Test sources need their test framework's jars; when they are missing, the main sources alone are the truth.
    const mainOnly = files.filter((f) => !isJavaTestPath(f));
    if (!/generate: ok/.test(run.stderr) && mainOnly.length > 0 && mainOnly.length < files.length) {
      problems.push(
        `the sources did not compile with their tests; ${files.length - mainOnly.length} test files left out`,
      );
      files = mainOnly;
      run = compile();
    }
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    problems.push(
      ...errors.map((l) =>
        l
          .slice('error: '.length)
          .split(repoDir + sep)
          .join(''),
      ),
    );
    if (!/generate: ok/.test(run.stderr))
      return {
        edges,
        outside,
        unresolved,
        dispatchSites,
        files: [],
        stats: stats(
          'javac -g',
          `javac could not compile the sources: ${problems[0] ?? (run.stderr.slice(0, 300) || 'no output')}`,
          0,
        ),
      };

    const classDecls = new Map<string, ClassDecl>();
    const methods = new Map<string, MethodDecl[]>();
    for (const row of run.stdout.split('\n')) {
      const cols = row.split('\t');
      const rel = (p: string): string => relative(repoDir, p).split(sep).join('/');
      if (cols[0] === 'C' && cols.length >= 7) {
        classDecls.set(cols[1] as string, {
          binary: cols[1] as string,
          superName: cols[2] as string,
          interfaces: (cols[3] as string).split(',').filter((s) => s !== ''),
          path: rel(cols[4] as string),
          startLine: Number(cols[5]),
          endLine: Number(cols[6]),
        });
      } else if (cols[0] === 'M' && cols.length >= 8) {
        const decl: MethodDecl = {
          owner: cols[1] as string,
          name: cols[2] as string,
          descriptor: cols[3] as string,
          path: rel(cols[4] as string),
          startLine: Number(cols[5]),
          endLine: Number(cols[6]),
          generated: cols[7] === 'generated',
        };
        const list = methods.get(decl.owner);
        if (list) list.push(decl);
        else methods.set(decl.owner, [decl]);
      }
    }

    const invocations: Invocation[] = [];
    const classNames = listClassFiles(classes);
    for (let i = 0; i < classNames.length; i += JAVAP_BATCH) {
      const batch = classNames.slice(i, i + JAVAP_BATCH);
      const javap = spawnSync('javap', ['-c', '-p', '-l', '-cp', classes, ...batch], {
        encoding: 'utf8',
        maxBuffer: 1024 * 1024 * 1024,
      });
      if (javap.error) throw new Error(`cannot run javap: ${javap.error.message}`);
      invocations.push(...parseJavap(javap.stdout ?? ''));
    }

    /** The declaration a call's target names: the class's own, else inherited (superclass chain, then interfaces). */
    const findDecl = (
      owner: string,
      name: string,
      descriptor: string,
      seen = new Set<string>(),
    ): MethodDecl | 'outside' | null => {
      if (seen.has(owner)) return null;
      seen.add(owner);
      const cls = classDecls.get(owner);
      if (!cls) return 'outside';
      const own = methods.get(owner)?.filter((m) => m.name === name) ?? [];
      const exact = own.find((m) => m.descriptor === descriptor);
      if (exact) return exact;
      if (name === '<init>') {
        // Inner classes and enums take hidden leading parameters (the outer instance; the constant's name and ordinal).
        const params = paramsOf(descriptor);
        const bySuffix = own.filter((m) => {
          const declared = paramsOf(m.descriptor);
          return (
            declared.length < params.length &&
            params.slice(params.length - declared.length).join('') === declared.join('')
          );
        });
        return bySuffix.length === 1
          ? (bySuffix[0] as MethodDecl)
          : own.length === 1
            ? (own[0] as MethodDecl)
            : null;
      }
      let leftRepo = false;
      for (const parent of [cls.superName, ...cls.interfaces]) {
        if (parent === '') continue;
        const found = findDecl(parent, name, descriptor, seen);
        if (found === 'outside') leftRepo = true;
        else if (found) return found;
      }
      return leftRepo ? 'outside' : null;
    };

    /** The repo classes directly below each class or interface. */
    const subclasses = new Map<string, string[]>();
    for (const cls of classDecls.values())
      for (const parent of [cls.superName, ...cls.interfaces]) {
        if (parent === '') continue;
        const list = subclasses.get(parent);
        if (list) list.push(cls.binary);
        else subclasses.set(parent, [cls.binary]);
      }
    /**
     * The method a class runs for (name, descriptor): its own declaration, else the nearest superclass's. A bridge
     * or a covariant return (a descriptor that differs in the return type only) stands for the source method of that
     * name and parameters; generic parameters erased differently, for the one method of that name and arity.
     */
    const runsIn = (cls: string, name: string, descriptor: string): MethodDecl | null => {
      const params = paramsOf(descriptor).join('');
      const arity = paramsOf(descriptor).length;
      for (let c: string | undefined = cls, guard = 0; c && guard < 64; guard++) {
        const decl = classDecls.get(c);
        if (!decl) return null;
        const own = (methods.get(c) ?? []).filter((m) => m.name === name && !m.generated);
        const match =
          own.find((m) => m.descriptor === descriptor) ??
          own.find((m) => paramsOf(m.descriptor).join('') === params) ??
          (own.filter((m) => paramsOf(m.descriptor).length === arity).length === 1
            ? own.find((m) => paramsOf(m.descriptor).length === arity)
            : undefined);
        if (match) return match;
        c = decl.superName || undefined;
      }
      return null;
    };
    /** Where a virtual call on `owner` may dispatch besides its declared target: what each class below it runs. */
    const overridesBelow = (owner: string, name: string, descriptor: string): MethodDecl[] => {
      const out = new Set<MethodDecl>();
      const seen = new Set<string>([owner]);
      const queue = [...(subclasses.get(owner) ?? [])];
      while (queue.length > 0) {
        const cls = queue.shift() as string;
        if (seen.has(cls)) continue;
        seen.add(cls);
        queue.push(...(subclasses.get(cls) ?? []));
        const runs = runsIn(cls, name, descriptor);
        if (runs) out.add(runs);
      }
      return [...out];
    };
    const sourceLines = new Map<string, string[]>();
    const lineText = (path: string, line: number): string => {
      let lines = sourceLines.get(path);
      if (!lines) {
        lines = readFileSync(join(repoDir, path), 'utf8').split('\n');
        sourceLines.set(path, lines);
      }
      return lines[line - 1] ?? '';
    };
    const seenSites = new Set<string>();
    let callSites = 0;
    for (const inv of invocations) {
      const site = classDecls.get(inv.inClass);
      if (!site || inv.line <= 0) continue;
      const text = lineText(site.path, inv.line);
      const written =
        inv.name === '<init>'
          ? /\bnew\b|\b(this|super)\s*\(/.test(text)
          : new RegExp(`(^|[^\\w$])${inv.name.replace(/\$/g, '\\$')}\\s*(\\(|$)`).test(text);
      if (!written) continue;
      const key = `${site.path}:${inv.line}:${inv.owner}.${inv.name}${inv.descriptor}`;
      const kind = inv.name === '<init>' ? 'new' : 'call';
      const category = categoryOf(inv, text);
      const found = findDecl(inv.owner, inv.name, inv.descriptor);
      const calleeText = `${inv.owner}.${inv.name}`;
      if (seenSites.has(key)) continue;
      seenSites.add(key);
      callSites++;
      if (found === 'outside') {
        outside.push({ path: site.path, line: inv.line, kind, category, calleeText });
        continue;
      }
      if (found === null || (found.generated && found.name !== '<init>')) {
        unresolved.push({ path: site.path, line: inv.line, kind, category, calleeText });
        continue;
      }
      if (inv.opcode === 'invokevirtual' || inv.opcode === 'invokeinterface') {
        const range = (m: MethodDecl): JavaDispatchSite['declared'] => ({
          path: m.path,
          startLine: m.startLine,
          endLine: m.endLine,
        });
        dispatchSites.push({
          path: site.path,
          line: inv.line,
          declared: range(found),
          overrides: overridesBelow(inv.owner, inv.name, inv.descriptor)
            .filter((m) => m !== found)
            .map(range),
        });
      }
      const simpleOwner = found.owner.slice(found.owner.lastIndexOf('.') + 1);
      edges.push({
        path: site.path,
        line: inv.line,
        kind,
        calleePath: found.path,
        calleeStartLine: found.startLine,
        calleeEndLine: found.endLine,
        calleeName: found.name === '<init>' ? simpleOwner : `${simpleOwner}.${found.name}`,
        category,
      });
    }
    const scope = [...new Set([...classDecls.values()].map((c) => c.path))];
    sortTruth(scope, edges, outside, unresolved);
    return {
      edges,
      outside,
      unresolved,
      dispatchSites,
      files: scope,
      stats: stats('javac -g', null, callSites),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `dir/*` entries as the jars in dir: javac's API, unlike its launcher, does not expand them. */
function expandClasspath(classpath: string): string {
  return classpath
    .split(':')
    .flatMap((entry) => {
      if (!entry.endsWith('/*')) return [entry];
      const dir = entry.slice(0, -2);
      const stat = statSync(dir, { throwIfNoEntry: false });
      if (!stat?.isDirectory()) return [];
      return readdirSync(dir)
        .filter((f) => f.endsWith('.jar'))
        .sort()
        .map((f) => join(dir, f));
    })
    .join(':');
}

let version: string | null = null;
function javaVersion(): string {
  if (version === null) {
    const run = spawnSync('javac', ['-version'], { encoding: 'utf8' });
    version = `${run.stdout ?? ''}${run.stderr ?? ''}`.replace(/^javac\s*/, '').trim() || 'unknown';
  }
  return version;
}
