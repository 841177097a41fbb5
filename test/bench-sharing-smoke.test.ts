import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PG_ADMIN_URL } from './helpers/postgres.js';

const script = fileURLToPath(new URL('../bench/snapshot-sharing.js', import.meta.url));

test(
  'the snapshot-sharing bench measures both engines before and after a one-line change',
  { timeout: 300_000 },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'codehub-bench-sharing-'));
    try {
      const out = join(work, 'sharing.md');
      const run = spawnSync(
        process.execPath,
        [script, '--files', '12', '--postgres', PG_ADMIN_URL, '--work', join(work, 'w'), '--out', out],
        { encoding: 'utf8', timeout: 280_000 },
      );
      assert.equal(run.status, 0, run.stderr);
      const report = readFileSync(out, 'utf8');
      assert.ok(report.startsWith('## Snapshots that share rows (issue 16)'));
      const rows = report
        .split('\n')
        .filter((l) => l.startsWith('| this build |'))
        .map((l) => l.slice(2, -2).split(' | '));
      assert.deepEqual(
        rows.map((r) => r[1]),
        ['sqlite', 'postgres'],
      );
      for (const r of rows) {
        const [first, second] = [Number(r[2]), Number(r[3])];
        assert.ok(first > 0 && second >= first, r.join(' | '));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);
