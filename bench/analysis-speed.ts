/**
 * Measures per-file analysis speed (files/s, MB/s) and repo resolution over a folder of TS/JS sources,
 * and prints resolved call sites per reason. Usage: node dist/bench/analysis-speed.js <dir> [<dir>…]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { resolveRepo } from '../src/analysis/resolve-repo.js';
import { pluginForPath } from '../src/languages/registry.js';
import { typescriptPlugin } from '../src/languages/typescript/typescript-plugin.js';
import type { FileFacts } from '../src/core/facts.js';
import ts = require('typescript');
import { scriptKindFor } from '../src/languages/typescript/extract-facts.js';

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, out);
    else out.push(full);
  }
}

for (const dir of process.argv.slice(2)) {
  const all: string[] = [];
  walk(dir, all);
  const paths = all.filter((p) => pluginForPath(p) !== undefined || typescriptPlugin.isConfigFile(p)).sort();
  const texts = new Map(paths.map((p) => [relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8')]));
  const sources = [...texts].filter(([p]) => pluginForPath(p) !== undefined);
  const bytes = sources.reduce((n, [, t]) => n + Buffer.byteLength(t), 0);
  // Baseline: TypeScript's parser alone on the same files, to tell our overhead from machine load.
  const parseStarted = performance.now();
  for (const [p, t] of sources) {
    ts.createSourceFile(
      p,
      t,
      { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
      false,
      scriptKindFor(p),
    );
  }
  const parsed = performance.now() - parseStarted;
  const started = performance.now();
  const facts: FileFacts[] = sources.map(([p, t]) => typescriptPlugin.analyze(p, t));
  const analysed = performance.now() - started;
  const configs = new Map([...texts].filter(([p]) => typescriptPlugin.isConfigFile(p)));
  const resolveStarted = performance.now();
  const out = resolveRepo({
    files: facts.map((f) => ({ path: f.path, facts: f })),
    moduleResolver: typescriptPlugin.createModuleResolver({ files: new Set(texts.keys()), configs }),
  });
  const resolved = performance.now() - resolveStarted;
  const symbols = facts.reduce((n, f) => n + f.symbols.length, 0);
  const skipped = facts.filter((f) => f.skipped).length;
  const resolvedCount = Object.values(out.stats.resolvedByReason).reduce((a, b) => a + b, 0);
  console.log(
    JSON.stringify(
      {
        dir,
        files: sources.length,
        megabytes: +(bytes / 1e6).toFixed(2),
        analyseSeconds: +(analysed / 1000).toFixed(2),
        filesPerSecond: Math.round(sources.length / (analysed / 1000)),
        megabytesPerSecond: +(bytes / 1e6 / (analysed / 1000)).toFixed(2),
        parseOnlySeconds: +(parsed / 1000).toFixed(2),
        parseOnlyMegabytesPerSecond: +(bytes / 1e6 / (parsed / 1000)).toFixed(2),
        resolveSeconds: +(resolved / 1000).toFixed(2),
        symbols,
        skipped,
        edges: out.edges.length,
        callSites: out.stats.callSites,
        resolvedShare: +(resolvedCount / Math.max(1, out.stats.callSites)).toFixed(3),
        resolvedByReason: out.stats.resolvedByReason,
        unresolvedByReason: out.stats.unresolvedByReason,
      },
      null,
      1,
    ),
  );
}
