/**
 * Measures what codehub does with Go's dynamic calls (through an interface or a function value), which the static
 * eval leaves out: for every dynamic site `callgraph -algo=cha` lists in the pinned Go corpora, whether codehub drew
 * an `interface` edge there and whether the interface method it names is the method cha dispatches to (same method
 * name as the implementations cha lists), or kept the site as `dynamic`. Needs golang-go and golang-golang-x-tools
 * (see bench/go-corpora.ts). Usage: node dist/bench/go-dynamic.js [--only NAME,…]
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { resolveRepo } from '../src/analysis/resolve-repo.js';
import type { FileFacts } from '../src/core/facts.js';
import { parseSymbolId } from '../src/core/ids.js';
import { buildGoTruth } from '../src/eval/go-truth.js';
import { goPlugin } from '../src/languages/go/go-plugin.js';
import { walkFiles } from './corpora.js';
import { GO_CORPORA, prepareGoCorpus } from './go-corpora.js';

await goPlugin.init?.();
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : null;
const rows = [
  '| corpus | set | dynamic sites | with in-repo callees | codehub `interface` edge | same method as cha | kept `dynamic` | other | implementation edges | their precision | cha callees found |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const spec of GO_CORPORA) {
  if (only && !only.includes(spec.name)) continue;
  const corpus = prepareGoCorpus(spec);
  const truth = await buildGoTruth({ repoDir: corpus.dir });
  const texts = new Map<string, string>();
  for (const full of walkFiles(corpus.dir)) {
    const rel = relative(corpus.dir, full).split(sep).join('/');
    if (rel.startsWith('.git/')) continue;
    if (rel.endsWith('.go') || goPlugin.isConfigFile(rel)) texts.set(rel, readFileSync(full, 'utf8'));
  }
  const facts: FileFacts[] = [...texts]
    .filter(([p]) => p.endsWith('.go'))
    .map(([p, t]) => goPlugin.analyze(p, t));
  const { edges } = resolveRepo({
    files: facts.map((f) => ({ path: f.path, facts: f })),
    moduleResolver: goPlugin.createModuleResolver({
      files: new Set(texts.keys()),
      configs: new Map([...texts].filter(([p]) => goPlugin.isConfigFile(p))),
    }),
    plugins: [goPlugin],
  });
  // Symbol names by id and by (path, start line): cha names implementations by the line of their name.
  const names = new Map<string, string>();
  const nameAt = new Map<string, string>();
  const lineOf = new Map<string, string>();
  const isInterfaceMember = new Set<string>();
  for (const f of facts)
    for (const s of f.symbols) {
      const id = `${f.path}::${s.localId}`;
      names.set(id, s.name);
      nameAt.set(`${f.path}:${s.startLine}`, s.name);
      lineOf.set(id, `${f.path}:${s.startLine}`);
      if (s.parent?.endsWith(':interface')) isInterfaceMember.add(id);
    }
  const bySite = new Map<string, Array<{ reason: string; callee: string | null }>>();
  for (const e of edges) {
    const caller = parseSymbolId(e.callerId);
    if (!caller) continue;
    for (const line of e.lines) {
      const key = `${caller.path}:${line}`;
      bySite.set(key, [...(bySite.get(key) ?? []), { reason: e.reason, callee: e.calleeId }]);
    }
  }
  let inRepo = 0;
  let iface = 0;
  let agrees = 0;
  let dynamic = 0;
  let other = 0;
  // The lower tier: implementations drawn at interface sites, against cha's in-repo callees there.
  let drawn = 0;
  let drawnRight = 0;
  let chaCallees = 0;
  let chaFound = 0;
  for (const site of truth.dynamicSites) {
    if (site.callees.length > 0) inRepo++;
    const predicted = bySite.get(`${site.path}:${site.line}`) ?? [];
    const ifaceEdge = predicted.find((p) => p.reason === 'interface');
    if (ifaceEdge) {
      iface++;
      const method = ifaceEdge.callee ? names.get(ifaceEdge.callee) : undefined;
      if (method && site.callees.some((c) => nameAt.get(c) === method)) agrees++;
      const impls = predicted
        .filter((p) => p.reason === 'interface-impl' && p.callee !== null && !isInterfaceMember.has(p.callee))
        .map((p) => lineOf.get(p.callee as string));
      const cha = new Set(site.callees);
      drawn += impls.length;
      drawnRight += impls.filter((l) => l !== undefined && cha.has(l)).length;
      chaCallees += cha.size;
      chaFound += [...cha].filter((c) => impls.includes(c)).length;
    } else if (predicted.some((p) => p.reason === 'dynamic')) dynamic++;
    else other++;
  }
  const share = (a: number, b: number): string => (b === 0 ? '–' : (a / b).toFixed(3));
  rows.push(
    `| ${spec.name} | ${spec.role} | ${truth.dynamicSites.length} | ${inRepo} | ${iface} | ${agrees} | ${dynamic} | ${other} | ${drawn} | ${share(drawnRight, drawn)} | ${share(chaFound, chaCallees)} |`,
  );
  process.stderr.write(`${spec.name}: done\n`);
}
console.log(rows.join('\n'));
