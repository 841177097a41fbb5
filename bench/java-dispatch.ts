/**
 * Measures codehub's Java implementation tier (`interface-impl` edges: a call through an interface member or an
 * abstract method drawn to each subclass's override), which the bytecode truth cannot judge: javap names only the
 * declared member. The measure uses javac's class hierarchy instead (src/eval/java-truth.ts, `dispatchSites`): an
 * implementation edge is right when, at a virtual call on its line, a repo class below the declared owner declares
 * that method with the same name and descriptor (a target dispatch may reach, class-hierarchy analysis); found is the
 * share of those overrides codehub drew at the sites where it drew the declared member. What runs at a given call is
 * one of them: this is the precision of "may run here", not of "runs here".
 * Usage: node dist/bench/java-dispatch.js [--only NAME,…]
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { resolveRepo } from '../src/analysis/resolve-repo.js';
import type { FileFacts } from '../src/core/facts.js';
import { parseSymbolId } from '../src/core/ids.js';
import { buildJavaTruth, type JavaDispatchSite } from '../src/eval/java-truth.js';
import { javaPlugin } from '../src/languages/java/java-plugin.js';
import { walkFiles } from './corpora.js';
import { JAVA_CORPORA, prepareJavaCorpus } from './java-corpora.js';

await javaPlugin.init?.();
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : null;
const rows = [
  '| corpus | set | virtual call sites | with overrides below the declared owner | of an interface or abstract member | implementation edges | judged | right | precision | overrides found |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];
interface Range {
  path: string;
  startLine: number;
  endLine: number;
}
/** A declaration javac and codehub both place: the same file, and the same first line or the same last line. */
const same = (a: Range, b: Range): boolean =>
  a.path === b.path && (a.startLine === b.startLine || a.endLine === b.endLine);
const pooled = { tuned: { judged: 0, right: 0 }, 'held out': { judged: 0, right: 0 } };
for (const spec of JAVA_CORPORA) {
  if (only && !only.includes(spec.name)) continue;
  const corpus = prepareJavaCorpus(spec);
  const truth = buildJavaTruth({ repoDir: corpus.dir });
  const texts = new Map<string, string>();
  for (const full of walkFiles(corpus.dir)) {
    const rel = relative(corpus.dir, full).split(sep).join('/');
    if (rel.startsWith('.git/')) continue;
    if (rel.endsWith('.java') || javaPlugin.isConfigFile(rel)) texts.set(rel, readFileSync(full, 'utf8'));
  }
  const facts: FileFacts[] = [...texts]
    .filter(([p]) => p.endsWith('.java'))
    .map(([p, t]) => javaPlugin.analyze(p, t));
  const { edges } = resolveRepo({
    files: facts.map((f) => ({ path: f.path, facts: f })),
    moduleResolver: javaPlugin.createModuleResolver({
      files: new Set(texts.keys()),
      configs: new Map([...texts].filter(([p]) => javaPlugin.isConfigFile(p))),
    }),
    plugins: [javaPlugin],
  });
  const ranges = new Map<string, Range>();
  // The members the tier is drawn for: interface members and abstract methods.
  const dispatched: Range[] = [];
  for (const f of facts) {
    const interfaces = new Set(f.symbols.filter((s) => s.kind === 'interface').map((s) => s.localId));
    for (const s of f.symbols) {
      const range = { path: f.path, startLine: s.startLine, endLine: s.endLine };
      ranges.set(`${f.path}::${s.localId}`, range);
      if (s.kind === 'method' && (s.isAbstract || interfaces.has(s.parent ?? ''))) dispatched.push(range);
    }
  }
  const sitesAt = new Map<string, JavaDispatchSite[]>();
  for (const site of truth.dispatchSites) {
    const key = `${site.path}:${site.line}`;
    sitesAt.set(key, [...(sitesAt.get(key) ?? []), site]);
  }
  const drawnAt = new Map<string, Array<{ reason: string; callee: Range }>>();
  for (const e of edges) {
    const caller = parseSymbolId(e.callerId);
    const callee = e.calleeId ? ranges.get(e.calleeId) : undefined;
    if (!caller || !callee) continue;
    for (const line of e.lines) {
      const key = `${caller.path}:${line}`;
      drawnAt.set(key, [...(drawnAt.get(key) ?? []), { reason: e.reason, callee }]);
    }
  }
  let implEdges = 0;
  let judged = 0;
  let right = 0;
  for (const [key, drawn] of drawnAt)
    for (const d of drawn) {
      if (d.reason !== 'interface-impl') continue;
      implEdges++;
      const sites = sitesAt.get(key);
      // No virtual call javac compiled there (another file of the build, a line javap puts elsewhere): not judged.
      if (!sites) continue;
      judged++;
      if (sites.some((s) => s.overrides.some((o) => same(o, d.callee)))) right++;
      else if (process.env.DISPATCH_SAMPLES)
        process.stderr.write(
          `wrong ${key} -> ${d.callee.path}:${d.callee.startLine} (${sites.map((s) => `${s.declared.path}:${s.declared.startLine}`).join(' ')})\n`,
        );
    }
  let withOverrides = 0;
  let ofDispatched = 0;
  let overrides = 0;
  let found = 0;
  for (const site of truth.dispatchSites) {
    if (site.overrides.length === 0) continue;
    withOverrides++;
    // Overrides of a method with a body (plain virtual dispatch) are not drawn: the tier is interface/abstract only.
    if (!dispatched.some((r) => same(r, site.declared))) continue;
    ofDispatched++;
    const drawn = drawnAt.get(`${site.path}:${site.line}`) ?? [];
    // Only where codehub drew the declared member: elsewhere the call is a miss of the static score already.
    if (!drawn.some((d) => d.reason !== 'interface-impl' && same(d.callee, site.declared))) continue;
    overrides += site.overrides.length;
    if (process.env.DISPATCH_SAMPLES)
      for (const o of site.overrides)
        if (!drawn.some((d) => d.reason === 'interface-impl' && same(o, d.callee)))
          process.stderr.write(
            `missed ${site.path}:${site.line} -> ${o.path}:${o.startLine} (declared ${site.declared.path}:${site.declared.startLine})\n`,
          );
    found += site.overrides.filter((o) =>
      drawn.some((d) => d.reason === 'interface-impl' && same(o, d.callee)),
    ).length;
  }
  pooled[spec.role].judged += judged;
  pooled[spec.role].right += right;
  const share = (a: number, b: number): string => (b === 0 ? '–' : (a / b).toFixed(3));
  rows.push(
    `| ${spec.name} | ${spec.role} | ${truth.dispatchSites.length} | ${withOverrides} | ${ofDispatched} | ${implEdges} | ${judged} | ${right} | ${share(right, judged)} | ${share(found, overrides)} |`,
  );
  process.stderr.write(`${spec.name}: done\n`);
}
console.log(rows.join('\n'));
for (const [role, p] of Object.entries(pooled))
  if (p.judged > 0)
    console.log(`\npooled ${role}: ${p.right}/${p.judged} = ${(p.right / p.judged).toFixed(3)}`);
