/**
 * Measures per-file analysis speed (files/s, MB/s on one core) and repo resolution over a folder of sources, per
 * language plug-in, and prints resolved call sites per reason. The parser alone is timed on the same files as a
 * baseline, to tell our overhead from machine load. Usage: node dist/bench/analysis-speed.js <dir> [<dir>…]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { resolveRepo } from '../src/analysis/resolve-repo.js';
import { allPlugins, initPlugins, pluginForPath } from '../src/languages/registry.js';
import type { FileFacts } from '../src/core/facts.js';
import ts = require('typescript');
import { scriptKindFor } from '../src/languages/typescript/extract-facts.js';
import { parseJava } from '../src/languages/java/parser.js';
import { parsePython } from '../src/languages/python/parser.js';

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, out);
    else if (st.isFile()) out.push(full);
  }
}

/** The parser alone, as each plug-in runs it. */
const PARSE_ONLY: Readonly<Record<string, (path: string, text: string) => void>> = {
  typescript: (p, t) =>
    ts.createSourceFile(
      p,
      t,
      { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
      false,
      scriptKindFor(p),
    ),
  python: (_p, t) => parsePython(t).delete(),
  java: (_p, t) => parseJava(t).delete(),
};

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

await initPlugins(allPlugins);
for (const dir of process.argv.slice(2)) {
  const all: string[] = [];
  walk(dir, all);
  for (const plugin of allPlugins) {
    const paths = all
      .filter((p) => pluginForPath(p) === plugin || plugin.isConfigFile(relative(dir, p)))
      .sort();
    const texts = new Map(
      paths.map((p) => [relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8')]),
    );
    const sources = [...texts].filter(([p]) => pluginForPath(p) === plugin);
    if (sources.length === 0) continue;
    const bytes = sources.reduce((n, [, t]) => n + Buffer.byteLength(t), 0);
    const parseOnly = PARSE_ONLY[plugin.id];
    const parseStarted = performance.now();
    const parseCpu = process.cpuUsage();
    if (parseOnly) for (const [p, t] of sources) parseOnly(p, t);
    const parsedCpu = cpuSeconds(parseCpu);
    const parsed = performance.now() - parseStarted;
    const started = performance.now();
    const analyseCpu = process.cpuUsage();
    const facts: FileFacts[] = sources.map(([p, t]) => plugin.analyze(p, t));
    const analysedCpu = cpuSeconds(analyseCpu);
    const analysed = performance.now() - started;
    const configs = new Map([...texts].filter(([p]) => plugin.isConfigFile(p)));
    const resolveStarted = performance.now();
    const out = resolveRepo({
      files: facts.map((f) => ({ path: f.path, facts: f })),
      moduleResolver: plugin.createModuleResolver({ files: new Set(texts.keys()), configs }),
    });
    const resolved = performance.now() - resolveStarted;
    const symbols = facts.reduce((n, f) => n + f.symbols.length, 0);
    const skipped = facts.filter((f) => f.skipped).length;
    const withErrors = facts.filter((f) => f.diagnostics.some((d) => d.severity === 'error')).length;
    const resolvedCount = Object.values(out.stats.resolvedByReason).reduce((a, b) => a + b, 0);
    console.log(
      JSON.stringify(
        {
          dir,
          language: plugin.id,
          files: sources.length,
          megabytes: +(bytes / 1e6).toFixed(2),
          analyseSeconds: +(analysed / 1000).toFixed(2),
          filesPerSecond: Math.round(sources.length / (analysed / 1000)),
          megabytesPerSecond: +(bytes / 1e6 / (analysed / 1000)).toFixed(2),
          // CPU time of this (single-threaded) process: MB/s per core even when other work shares the machine.
          analyseCpuSeconds: +analysedCpu.toFixed(2),
          megabytesPerCpuSecond: +(bytes / 1e6 / analysedCpu).toFixed(2),
          parseOnlySeconds: +(parsed / 1000).toFixed(2),
          parseOnlyMegabytesPerCpuSecond: parseOnly ? +(bytes / 1e6 / parsedCpu).toFixed(2) : null,
          parseOnlyMegabytesPerSecond: parseOnly ? +(bytes / 1e6 / (parsed / 1000)).toFixed(2) : null,
          resolveSeconds: +(resolved / 1000).toFixed(2),
          symbols,
          skipped,
          filesWithSyntaxErrors: withErrors,
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
}
