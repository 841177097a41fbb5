// Indexing speed of a symbols-only language against TypeScript: MB/s of analysis (warm, in one process, median of 3
// passes) and of a whole `codehub index --workers 1` of a git repo holding the files (median of 3).
// Usage: node scripts/bench-outline.mjs <label>=<folder>... (after `npx tsc -p .`), e.g.
//   node scripts/bench-outline.mjs typescript=src rust=/usr/share/cargo/registry/regex-syntax-0.6.27
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const { allPlugins, initPlugins, pluginForPath } = await import('../dist/src/languages/registry.js');
await initPlugins(allPlugins);
const BIN = new URL('../bin/codehub.js', import.meta.url).pathname;

function walk(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (name === 'node_modules' || name === '.git') continue;
    if (statSync(full).isDirectory()) out.push(...walk(full, root));
    else out.push(relative(root, full));
  }
  return out;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const arg of process.argv.slice(2)) {
  const [label, dir] = arg.split('=');
  const files = walk(dir)
    .filter((p) => pluginForPath(p))
    .map((p) => ({ path: p, text: readFileSync(join(dir, p), 'utf8') }));
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const analyse = [];
  for (let pass = 0; pass < 3; pass++) {
    const start = process.hrtime.bigint();
    for (const f of files) pluginForPath(f.path).analyze(f.path, f.text);
    analyse.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const work = mkdtempSync(join(tmpdir(), 'codehub-bench-'));
  const index = [];
  try {
    const repo = join(work, 'repo');
    cpSync(dir, repo, { recursive: true, filter: (src) => !/\/(node_modules|\.git)(\/|$)/.test(src) });
    const git = (...a) => execFileSync('git', ['-C', repo, ...a], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'bench');
    for (let run = 0; run < 3; run++) {
      const data = join(work, `data${run}`);
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [
        BIN,
        'index',
        repo,
        '--data',
        data,
        '--name',
        `bench/${label}/x`,
        '--workers',
        '1',
      ]);
      if (r.status !== 0) throw new Error(r.stderr.toString());
      index.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const mb = bytes / 1e6;
  console.log(
    JSON.stringify({
      label,
      files: files.length,
      mb: +mb.toFixed(2),
      analyseS: +median(analyse).toFixed(3),
      analyseMBs: +(mb / median(analyse)).toFixed(2),
      indexS: +median(index).toFixed(2),
      indexMBs: +(mb / median(index)).toFixed(2),
    }),
  );
}
