/**
 * Issue 19's replay for Python: a Python suite runs under coverage.py (`coverage run --context <unit>` with
 * `dynamic_context = test_function`, read back with `coverage json --show-contexts`), one test file at a time, and
 * the real history is gyp (gyp-next) as node-gyp publishes it in `gyp/`: consecutive node-gyp releases whose gyp
 * tree changed, imported as commits. The Python interpreter is the first of `CODEHUB_REPLAY_PYTHON`, `python3` on
 * PATH and `/usr/bin/python3` (Debian's, where `python3-pytest` and `python3-coverage` install) that imports both
 * pytest and coverage; when none does, the history is recorded as unavailable with that reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { corporaRoot } from './corpora.js';
import { git, listTestFiles, log } from './replay-history.js';
import type { ReplayHistory, UnitRun } from './replay-history.js';

/** A Python that can run a suite under coverage, or why there is none. */
export interface ReplayPython {
  python: string | null;
  /** pytest and coverage versions of the chosen interpreter. */
  versions: string | null;
  reason: string | null;
}

/** The first interpreter of `CODEHUB_REPLAY_PYTHON`, `python3`, `/usr/bin/python3` that imports pytest and coverage. */
export function findReplayPython(): ReplayPython {
  const candidates = [process.env.CODEHUB_REPLAY_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (c): c is string => typeof c === 'string' && c !== '',
  );
  const tried: string[] = [];
  for (const python of [...new Set(candidates)]) {
    const probe = spawnSync(
      python,
      [
        '-c',
        'import sys, pytest, coverage; print(sys.version.split()[0], pytest.__version__, coverage.__version__)',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (probe.status === 0) {
      const [py, pytest, coverage] = probe.stdout.trim().split(' ');
      return { python, versions: `Python ${py}, pytest ${pytest}, coverage.py ${coverage}`, reason: null };
    }
    const why = probe.error
      ? 'not found'
      : /No module named '?(\w+)/.exec(probe.stderr)?.[1]
        ? `no ${/No module named '?(\w+)/.exec(probe.stderr)![1]} module`
        : `exit ${probe.status}`;
    tried.push(`${python} (${why})`);
  }
  return {
    python: null,
    versions: null,
    reason: `no Python with pytest and coverage.py (tried ${tried.join(', ')}; on Debian: apt-get install python3-pytest python3-coverage)`,
  };
}

// For each changed line, the line whose execution says it ran: coverage.py reports a statement at its first line, so
// a changed line in the middle of a multi-line call counts as run when the statement ran. A compound statement (if,
// for, with, class…) holds only its header lines; a line no statement holds (a blank line, a comment) maps to
// nothing and cannot run. A `def`'s signature lines (name, parameters, defaults) map to the first statement of its
// body (after the docstring): the `def` statement itself runs when its module loads, but the signature is the
// function's, as V8 counts a JavaScript function's header only when the function is called. Decorators run at load.
const STATEMENT_LINES = `
import ast, json, sys
wanted = json.load(sys.stdin)
out = {}
for path, lines in wanted.items():
    try:
        tree = ast.parse(open(path, encoding="utf-8", errors="replace").read())
    except Exception:
        out[path] = {str(l): l for l in lines}
        continue
    first = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        start = node.lineno
        end = getattr(node, "end_lineno", None) or start
        bodies = [getattr(node, f, None) for f in ("body", "orelse", "finalbody", "handlers", "cases")]
        inner = [b[0].lineno for b in bodies if isinstance(b, list) and b and hasattr(b[0], "lineno")]
        if inner:
            end = min(end, min(inner) - 1)
        decorators = getattr(node, "decorator_list", None) or []
        for d in decorators:
            for l in range(d.lineno, (getattr(d, "end_lineno", None) or d.lineno) + 1):
                first[l] = d.lineno
        target = node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(getattr(b, "value", None), ast.Constant) and isinstance(b.value.value, str))]
            if body:
                target = body[0].lineno
        for l in range(node.lineno, end + 1):
            # The innermost statement wins: ast.walk visits outer statements first.
            first[l] = target
    out[path] = {str(l): first[l] for l in lines if l in first}
json.dump(out, sys.stdout)
`;

const statementCache = new WeakMap<Map<string, Set<number>>, Map<string, Map<number, number>>>();

function statementFirstLines(
  python: string,
  repoDir: string,
  interest: Map<string, Set<number>>,
): Map<string, Map<number, number>> {
  const cached = statementCache.get(interest);
  if (cached) return cached;
  const wanted: Record<string, number[]> = {};
  for (const [path, lines] of interest)
    if (path.endsWith('.py') && existsSync(join(repoDir, path))) wanted[path] = [...lines];
  const run = spawnSync(python, ['-c', STATEMENT_LINES], {
    cwd: repoDir,
    input: JSON.stringify(wanted),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0)
    throw new Error(`mapping changed lines to statements failed: ${run.stderr.slice(0, 300)}`);
  const parsed = JSON.parse(run.stdout) as Record<string, Record<string, number>>;
  const out = new Map<string, Map<number, number>>();
  for (const [path, map] of Object.entries(parsed))
    out.set(path, new Map(Object.entries(map).map(([l, f]) => [Number(l), f])));
  statementCache.set(interest, out);
  return out;
}

interface CoverageJson {
  files: Record<string, { executed_lines: number[]; contexts?: Record<string, string[]> }>;
}

/**
 * Runs one Python test file under coverage.py (pytest as the runner) in `repoDir` and says which of the `interest`
 * lines it executed (a line counts when the statement holding it ran), and which test functions ran them (the
 * dynamic `test_function` contexts, as `<file>::<Class.method>`).
 */
export function runPythonUnit(
  python: string,
  repoDir: string,
  unit: string,
  interest: Map<string, Set<number>>,
  timeoutMs: number,
  collectOnly = false,
): UnitRun {
  const firstLines = statementFirstLines(python, repoDir, interest);
  const work = mkdtempSync(join(tmpdir(), 'codehub-replay-pycov-'));
  try {
    const rc = join(work, 'coveragerc');
    writeFileSync(rc, '[run]\ndynamic_context = test_function\n');
    const env = {
      ...process.env,
      COVERAGE_FILE: join(work, 'data'),
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONPATH: '',
    };
    const run = spawnSync(
      python,
      [
        '-m',
        'coverage',
        'run',
        `--rcfile=${rc}`,
        `--context=${unit}`,
        '-m',
        'pytest',
        '-q',
        '-p',
        'no:cacheprovider',
        '-o',
        'addopts=',
        ...(collectOnly ? ['--collect-only'] : []),
        unit,
      ],
      { cwd: repoDir, env, stdio: 'ignore', timeout: timeoutMs },
    );
    const out = join(work, 'coverage.json');
    const report = spawnSync(
      python,
      ['-m', 'coverage', 'json', `--rcfile=${rc}`, '--show-contexts', '-o', out],
      { cwd: repoDir, env, encoding: 'utf8' },
    );
    const hit = new Map<string, Set<number>>();
    const tests = new Set<string>();
    const loadOnly: string[] = [];
    if (report.status !== 0 || !existsSync(out)) return { failed: true, hit, tests: [] };
    const json = JSON.parse(readFileSync(out, 'utf8')) as CoverageJson;
    const root = realpathSync(repoDir);
    for (const [name, file] of Object.entries(json.files)) {
      const rel = (isAbsolute(name) ? relative(root, name) : name).split(sep).join('/');
      const lines = interest.get(rel);
      const first = firstLines.get(rel);
      if (!lines || !first) continue;
      const executed = new Set(file.executed_lines);
      for (const line of lines) {
        const statement = first.get(line);
        if (statement === undefined || !executed.has(statement)) continue;
        const set = hit.get(rel) ?? new Set<number>();
        set.add(line);
        hit.set(rel, set);
        let inTest = false;
        for (const label of file.contexts?.[String(statement)] ?? []) {
          const dynamic = label.slice(label.indexOf('|') + 1);
          if (label.includes('|') && dynamic !== '') {
            tests.add(`${unit}::${dynamic}`);
            inTest = true;
          }
        }
        if (!inTest) loadOnly.push(`${rel}:${line}`);
      }
    }
    return { failed: run.status !== 0, hit, tests: [...tests].sort(), loadOnly };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The lines of interest a Python test file runs while pytest only collects it (imports, module-level code). */
export function pythonLoadTimeLines(
  python: string,
  repoDir: string,
  unit: string,
  interest: Map<string, Set<number>>,
): string[] {
  const run = runPythonUnit(python, repoDir, unit, interest, 300_000, true);
  return [...run.hit].flatMap(([path, lines]) => [...lines].map((l) => `${path}:${l}`));
}

/**
 * node-gyp releases (npm order) whose `gyp/` trees make the Python history; unchanged trees are dropped (31 distinct
 * trees, 30 steps). It starts at 5.0.5, the newest release whose gyp is still Python 2 (its tests fail to import on
 * Python 3, so the first step's truth is what their imports ran); from 5.0.6 on the tests run.
 */
export const NODE_GYP_VERSIONS = (
  '5.0.5 5.0.6 5.0.7 5.1.0 5.1.1 6.0.0 6.0.1 6.1.0 7.0.0 7.1.0 7.1.1 7.1.2 8.0.0 ' +
  '8.1.0 8.2.0 8.3.0 8.4.0 8.4.1 9.0.0 9.1.0 9.2.0 9.3.0 9.3.1 9.4.0 9.4.1 10.0.0 10.0.1 10.1.0 10.2.0 10.3.0 ' +
  '10.3.1 11.0.0 11.1.0 11.2.0 11.3.0 11.4.0 11.4.1 11.4.2 11.5.0 12.0.0 12.1.0 12.2.0 12.3.0 12.4.0 13.0.0 ' +
  '13.0.1 13.0.2 13.1.0'
).split(' ');

/**
 * Imports the `gyp/` tree of each node-gyp release as a commit of bench/.corpora/replay/node-gyp/repo (tarballs from
 * `npm pack`, cached; fixed author and date, so the shas are reproducible); a release whose gyp tree equals the
 * previous one adds no commit. The suite is gyp's unittest files (`pylib/**\/*_test.py`), run with pytest.
 */
export function prepareNodeGypHistory(
  versions = NODE_GYP_VERSIONS,
  root = join(corporaRoot(), 'replay'),
  python: ReplayPython = findReplayPython(),
): ReplayHistory {
  const home = join(root, 'node-gyp');
  const repo = join(home, 'repo');
  const tarballs = join(home, 'tarballs');
  const stamp = join(home, 'history.json');
  mkdirSync(tarballs, { recursive: true });
  let cached: { versions: string[]; commits: string[]; labels: string[] } | null = null;
  if (existsSync(stamp)) {
    const read = JSON.parse(readFileSync(stamp, 'utf8')) as {
      versions: string[];
      commits: string[];
      labels: string[];
    };
    if (read.versions.join() === versions.join() && existsSync(join(repo, '.git'))) cached = read;
  }
  if (!cached) {
    rmSync(repo, { recursive: true, force: true });
    mkdirSync(repo, { recursive: true });
    git(repo, ['init', '-q', '-b', 'main']);
    git(repo, ['config', 'core.autocrlf', 'false']);
    const commits: string[] = [];
    const labels: string[] = [];
    for (const version of versions) {
      const file = join(tarballs, `node-gyp-${version}.tgz`);
      if (!existsSync(file)) {
        log(`npm pack node-gyp@${version}`);
        execFileSync('npm', ['pack', `node-gyp@${version}`, '--pack-destination', tarballs], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
      }
      for (const name of readdirSync(repo))
        if (name !== '.git') rmSync(join(repo, name), { recursive: true, force: true });
      execFileSync(
        'tar',
        ['-xzf', file, '-C', repo, '--strip-components=2', '--no-same-owner', '--wildcards', 'package/gyp/*'],
        { stdio: 'ignore' },
      );
      // npm tarballs give every file the same mtime, so git's stat cache would take a changed file of the same size
      // for the last release's: the index is rebuilt from the files' bytes each time.
      rmSync(join(repo, '.git', 'index'), { force: true });
      git(repo, ['add', '-A']);
      // The same tree as the last release's adds no commit.
      if (commits.length > 0 && git(repo, ['write-tree']) === git(repo, ['rev-parse', 'HEAD^{tree}'])) {
        labels[labels.length - 1] = `${labels[labels.length - 1]!.split('–')[0]}–${version}`;
        continue;
      }
      git(repo, ['commit', '-q', '--allow-empty', '-m', `gyp as published in node-gyp@${version}`]);
      commits.push(git(repo, ['rev-parse', 'HEAD']));
      labels.push(version);
    }
    cached = { versions, commits, labels };
    writeFileSync(stamp, JSON.stringify(cached, null, 2));
  }
  const { commits, labels } = cached;
  return {
    name: `node-gyp's gyp ${versions[0]} → ${versions[versions.length - 1]}`,
    kind: 'releases',
    repoDir: repo,
    commits,
    // A label `a–b` is a release whose gyp tree stayed the same up to release b.
    labels: labels.map((l) => l.split('–')[0]!),
    granularity: 'test file (run alone with pytest under coverage.py; test functions told apart by context)',
    suiteRule:
      "gyp's unittest files, `pylib/**/*_test.py`, each run as `python3 -m pytest <file>` under coverage.py",
    prepare: () => null,
    suite: (commit) => listTestFiles(repo, commit, (p) => /^pylib\/.*_test\.py$/.test(p)),
    unitArgs: () => {
      throw new Error('the Python history runs its units under coverage.py');
    },
    runUnit: (unit, interest, repoDir) => runPythonUnit(python.python!, repoDir, unit, interest, 300_000),
    loadTimeLines: (unit, interest, repoDir) => pythonLoadTimeLines(python.python!, repoDir, unit, interest),
    unitTimeoutMs: 300_000,
    unavailable: python.python === null ? python.reason : null,
    runner: python.versions,
  };
}
