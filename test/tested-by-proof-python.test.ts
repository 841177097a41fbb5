/**
 * Python tested-by against real execution: a pytest + unittest fixture project is indexed by the real indexer (real
 * git, real SQLite), and codehub's tested-by at the default depth is scored against what each test really executes,
 * recorded by a pytest plug-in (test/support/codehub_trace.py) that profiles every function call of each test,
 * fixtures included. Needs python3 with pytest (Debian's python3-pytest); without it the suite is skipped and says so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { makeSymbolId } from '../src/core/ids.js';
import { initPlugins } from '../src/languages/registry.js';
import { pythonPlugin } from '../src/languages/python/python-plugin.js';
import { isPythonTestPath } from '../src/languages/python/conventions.js';
import { indexRepository } from '../src/service/indexer.js';
import { createQueryService } from '../src/service/query-service.js';
import { openWorkspace } from '../src/service/workspace.js';
import { FixtureRepo, removeDir, ROOT, tempDir } from './helpers/fixture-repo.js';

const run = promisify(execFile);
const FIXTURE = join(ROOT, 'test', 'fixtures', 'tested-by-proof-python');
const pytest = spawnSync('python3', ['-m', 'pytest', '--version'], { encoding: 'utf8' });
const skip = pytest.status === 0 ? false : 'python3 -m pytest is not available (install python3-pytest)';

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.py')) out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** pytest node id → `path::Class.test_name`, the way codehub names a test (parametrized cases folded into one). */
function testKey(nodeId: string): string {
  const [path, ...parts] = nodeId.replace(/\[.*\]$/, '').split('::');
  return `${path}::${parts.join('.')}`;
}

describe('python tested-by proof against executed code', { skip }, () => {
  let work: string;
  let repoDir: string;
  let dataDir: string;
  let repoId: string;

  before(async () => {
    work = tempDir('tested-by-proof-py');
    repoDir = join(work, 'shop');
    dataDir = join(work, 'data');
    cpSync(FIXTURE, repoDir, { recursive: true });
    FixtureRepo.init(repoDir).commit('fixture');
    repoId = (await indexRepository({ dataDir, source: repoDir, name: 'example.com/o/shop' })).repo;
  });

  after(() => removeDir(work));

  it('finds the tests that really execute each function with precision ≥ 0.9 and recall ≥ 0.8', async (t) => {
    const traceOut = join(work, 'trace.json');
    await run('python3', ['-m', 'pytest', '-q', '-p', 'codehub_trace', '-p', 'no:cacheprovider'], {
      cwd: repoDir,
      env: {
        ...process.env,
        PYTHONPATH: join(ROOT, 'test', 'support'),
        PYTHONDONTWRITEBYTECODE: '1',
        CODEHUB_TRACE_ROOT: repoDir,
        CODEHUB_TRACE_OUT: traceOut,
      },
    });
    const runs = JSON.parse(readFileSync(traceOut, 'utf8')) as Record<string, string[]>;

    // The project's functions as codehub names them (test code left out), and what each test executed of them.
    await initPlugins([pythonPlugin]);
    const functions = new Map<string, string>(); // `path:qualifiedName` → symbol id
    for (const path of pythonFiles(repoDir).filter((p) => !isPythonTestPath(p))) {
      const facts = pythonPlugin.analyze(path, readFileSync(join(repoDir, path), 'utf8'));
      for (const s of facts.symbols)
        if (['function', 'method', 'constructor', 'getter'].includes(s.kind))
          functions.set(`${path}:${s.qualifiedName}`, makeSymbolId(path, s.localId));
    }
    const truth = new Set<string>();
    for (const [nodeId, executed] of Object.entries(runs))
      for (const fn of executed) if (functions.has(fn)) truth.add(`${testKey(nodeId)} → ${fn}`);
    assert.ok(Object.keys(runs).length >= 10, 'the fixture has enough tests to mean something');
    assert.ok(functions.size >= 20, `the fixture has ${functions.size} functions`);

    const ws = openWorkspace(dataDir);
    const claimed = new Set<string>();
    try {
      const service = createQueryService(ws);
      for (const [fn, id] of functions) {
        const { tests } = await service.tests(repoId, id);
        for (const t of tests) claimed.add(`${t.path}::${t.name} → ${fn}`);
      }
    } finally {
      ws.close();
    }
    const truePositives = [...claimed].filter((c) => truth.has(c));
    const precision = truePositives.length / Math.max(1, claimed.size);
    const recall = truePositives.length / Math.max(1, truth.size);
    const wrong = [...claimed].filter((c) => !truth.has(c));
    const missed = [...truth].filter((c) => !claimed.has(c));
    const summary = `precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} (${truePositives.length} of ${claimed.size} claimed, ${truth.size} executed)\nwrong: ${wrong.join('\n  ')}\nmissed: ${missed.join('\n  ')}`;
    t.diagnostic(summary.split('\n')[0] ?? '');
    assert.ok(precision >= 0.9, summary);
    assert.ok(recall >= 0.8, summary);
    // A function no test runs is reported untested.
    assert.ok(![...claimed].some((c) => c.endsWith('shop/pricing.py:unused_promotion')), summary);
  });
});
