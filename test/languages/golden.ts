/**
 * Golden-fixture support: analyse a folder of sources with a plug-in, resolve it, and render the
 * symbols and edges as text a reviewer can read. Used by the golden test and by scripts/update-golden.mjs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileFacts, TypeRef } from '../../src/core/facts.js';
import type { ResolveOutput } from '../../src/analysis/types.js';
import type { LanguagePlugin } from '../../src/languages/plugin.js';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';

export const GOLDEN_FILE = 'expected.txt';

export interface AnalysedProject {
  facts: FileFacts[];
  resolved: ResolveOutput;
}

/** Every file under dir (repo-relative, `/`-separated, sorted), skipping the golden file itself. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'node_modules' && name !== '.git') walk(full);
      } else if (name !== GOLDEN_FILE) out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Analyses and resolves a folder of sources as one snapshot. */
export function analyseFolder(plugin: LanguagePlugin, dir: string): AnalysedProject {
  const paths = listFiles(dir);
  const configs = new Map<string, string>();
  const facts: FileFacts[] = [];
  for (const path of paths) {
    const text = readFileSync(join(dir, path), 'utf8');
    if (plugin.isConfigFile(path)) configs.set(path, text);
    if (plugin.extensions.some((ext) => path.endsWith(ext))) facts.push(plugin.analyze(path, text));
  }
  const moduleResolver = plugin.createModuleResolver({ files: new Set(paths), configs });
  const resolved = resolveRepo({ files: facts.map((f) => ({ path: f.path, facts: f })), moduleResolver });
  return { facts, resolved };
}

function typeRefText(ref: TypeRef): string {
  if (ref.kind === 'name') return ref.name;
  if (ref.kind === 'member') return `${typeRefText(ref.of)}.${ref.name}`;
  if (ref.kind === 'method-return') return `${typeRefText(ref.of)}.${ref.name}()`;
  if (ref.kind === 'function')
    return `(${ref.params.map((p) => (p ? typeRefText(p) : '?')).join(', ')}) => ${ref.returns ? typeRefText(ref.returns) : '?'}`;
  return `${ref.callee}()`;
}

/** Renders symbols, test info, diagnostics and edges as stable, readable text. */
export function renderGolden(project: AnalysedProject): string {
  const lines: string[] = [];
  for (const f of project.facts) {
    const flags = [
      f.isTestFile ? `test file${f.testFramework ? ` (${f.testFramework})` : ''}` : '',
      f.skipped ? `skipped: ${f.skipped}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`== ${f.path}${flags ? `  [${flags}]` : ''}`);
    for (const s of f.symbols) {
      const parts = [`  ${s.localId}`, `${s.startLine}-${s.endLine}`];
      if (s.signature) parts.push(`${s.signature}${s.returnType ? `: ${s.returnType}` : ''}`);
      if (s.exported) parts.push('exported');
      if (s.isStatic) parts.push('static');
      if (s.extends?.length) parts.push(`extends ${s.extends.join(', ')}`);
      if (s.implements?.length) parts.push(`implements ${s.implements.join(', ')}`);
      if (s.valueType) parts.push(`type ${typeRefText(s.valueType)}`);
      if (s.decorators?.length) parts.push(`@${s.decorators.join(' @')}`);
      if (s.doc) parts.push(`"${s.doc}"`);
      lines.push(parts.join('  '));
    }
    for (const i of f.imports) {
      lines.push(
        `  import ${i.kind}${i.typeOnly ? ' type' : ''} ${i.imported} as ${i.localName || '(none)'} from '${i.specifier}' @${i.line}`,
      );
    }
    for (const e of f.exports) {
      lines.push(
        `  export ${e.exported}${e.local !== undefined ? ` = ${e.local}` : ''}${e.from !== undefined ? ` from '${e.from}' (${e.imported})` : ''} @${e.line}`,
      );
    }
    for (const d of f.diagnostics) lines.push(`  ${d.severity} @${d.line}: ${d.message}`);
  }
  lines.push('== edges');
  let lastCaller = '';
  for (const e of project.resolved.edges) {
    if (e.callerId !== lastCaller) {
      lines.push(`  ${e.callerId}`);
      lastCaller = e.callerId;
    }
    const target = e.calleeId ?? `? ${e.calleeText}`;
    const conf = e.confidence === null ? '-' : e.confidence.toFixed(2);
    const cand = e.candidates !== undefined ? ` (${e.candidates} candidates)` : '';
    lines.push(
      `    ${e.kind === 'new' ? 'new ' : ''}${target}  ${e.reason} ${conf}${cand}  lines ${e.lines.join(',')}`,
    );
  }
  const s = project.resolved.stats;
  lines.push(
    `== stats  call sites ${s.callSites}  resolved ${JSON.stringify(s.resolvedByReason)}  unresolved ${JSON.stringify(s.unresolvedByReason)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Golden cases of a plug-in fixture dir whose sources live elsewhere (shared fixture projects). */
const SHARED_SOURCES: Readonly<Record<string, string>> = { 'seed-pattern': 'test/fixtures/seed-pattern' };

export interface GoldenCase {
  name: string;
  sourceDir: string;
  expectedPath: string;
}

/** The golden cases under a plug-in's fixture dir (absolute paths, from the repo root). */
export function goldenCases(repoRoot: string, fixtureDir: string): GoldenCase[] {
  const dir = join(repoRoot, fixtureDir);
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const shared = SHARED_SOURCES[name];
      return {
        name,
        sourceDir: shared ? join(repoRoot, shared) : join(dir, name),
        expectedPath: join(dir, name, GOLDEN_FILE),
      };
    });
}
