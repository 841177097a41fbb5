import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/fixture-repo.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

describe('the blob store port', () => {
  it('is all that code above src/store sees: only the composition root picks an adapter', () => {
    const src = join(ROOT, 'src');
    const offenders: string[] = [];
    for (const file of sourceFiles(src)) {
      const rel = relative(src, file);
      if (rel.startsWith('store/') || rel === 'service/workspace.ts') continue;
      // Static, dynamic and re-exports alike name the module in quotes.
      for (const m of readFileSync(file, 'utf8').matchAll(/['"]([^'"]*(?:fs|s3|open)-blob-store\.js)['"]/g))
        offenders.push(`${rel} imports ${m[1]}`);
    }
    assert.deepEqual(offenders, []);
  });
});
