import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSnapshot, exportTarget } from '../../src/service/export-snapshot.js';
import { indexRepository } from '../../src/service/indexer.js';
import { openWorkspace } from '../../src/service/workspace.js';
import { FixtureRepo, removeDir, ROOT, tempDir } from '../helpers/fixture-repo.js';

async function exportAll(dataDir: string, repo: string, commit: string): Promise<string[]> {
  const ws = openWorkspace(dataDir);
  try {
    const { repo: record, snapshot } = await exportTarget(ws, repo, commit);
    const lines: string[] = [];
    for await (const line of exportSnapshot(ws, record, snapshot)) lines.push(JSON.stringify(line));
    return lines.sort();
  } finally {
    await ws.close();
  }
}

test('an incremental index of a commit equals a full index of it, symbol for symbol and edge for edge', async () => {
  const work = tempDir('incr-src');
  const incremental = tempDir('incr-data');
  const full = tempDir('full-data');
  try {
    // A real TypeScript project: the seed-pattern fixture, analysed by the real TypeScript plug-in.
    cpSync(join(ROOT, 'test', 'fixtures', 'seed-pattern'), work, { recursive: true });
    const repo = FixtureRepo.init(work);
    const commitA = repo.commit('A');
    const first = await indexRepository({ dataDir: incremental, source: work, name: 'example.com/o/incr' });
    assert.ok(first.edges > 0, 'the fixture has call edges');

    // B changes two files: one gains a call, one gains a function that the other calls.
    const files = ['src/cart-helpers.ts', 'src/checkout-service.ts'].map((p) => join(work, p));
    for (const f of files) assert.ok(readFileSync(f, 'utf8').length > 0, `${f} exists`);
    writeFileSync(
      files[0]!,
      `${readFileSync(files[0]!, 'utf8')}\nexport function addedHelper(): number {\n  return 1;\n}\n`,
    );
    writeFileSync(
      files[1]!,
      `${readFileSync(files[1]!, 'utf8')}\nimport { addedHelper } from './cart-helpers.js';\nexport function usesAdded(): number {\n  return addedHelper();\n}\n`,
    );
    const commitB = repo.commit('B');
    assert.notEqual(commitA, commitB);
    const second = await indexRepository({ dataDir: incremental, source: work, name: 'example.com/o/incr' });
    assert.ok(second.cachedFiles > 0, 'unchanged files came from the facts cache');
    assert.ok(second.analysedFiles >= 2, 'the two changed files were analysed again');
    // Incremental resolution: files that import neither changed file keep their edges; the changed ones do not.
    assert.ok((second.reusedResolutions ?? 0) > 0, 'unchanged files kept their resolution');
    assert.ok(
      (second.reusedResolutions ?? 0) <= second.files - 2,
      'the two changed files were resolved again',
    );
    const scratch = await indexRepository({ dataDir: full, source: work, name: 'example.com/o/incr' });
    assert.equal(scratch.cachedFiles, 0);

    const a = await exportAll(incremental, 'example.com/o/incr', commitB);
    const b = await exportAll(full, 'example.com/o/incr', commitB);
    assert.ok(a.some((l) => l.includes('"calleeText":"addedHelper"') && l.includes('usesAdded')));
    assert.deepEqual(a, b);
  } finally {
    for (const d of [work, incremental, full]) removeDir(d);
  }
});
