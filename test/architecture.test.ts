import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/fixture-repo.js';

/** DESIGN.md layering: core ← languages/analysis ← store/git/db ← service ← web/mcp/cli. */
const LAYER: Readonly<Record<string, number>> = {
  core: 0,
  languages: 1,
  analysis: 1,
  store: 2,
  git: 2,
  db: 2,
  service: 3,
  eval: 3, // the accuracy harness: a service-level use case (runs the compiler, reads files)
  web: 4,
  mcp: 4,
  cli: 4,
};
const PURE = new Set(['core', 'languages', 'analysis']);
const IMPURE_MODULES = /^(node:)?(fs|fs\/promises|child_process)$|^better-sqlite3$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures') out.push(...sourceFiles(full));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Module specifiers imported (statically, dynamically or re-exported) by a source text. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

/** Layering violations of one file (path relative to src/). */
export function violationsOf(fileRel: string, text: string): string[] {
  const from = fileRel.split('/')[0]!;
  const fromLayer = LAYER[from];
  if (fromLayer === undefined)
    return [`${fileRel}: src/${from} is not a known layer (add it to the architecture test)`];
  const out: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = relative('src', join('src', dirname(fileRel), spec)).split('/')[0]!;
      const toLayer = LAYER[target];
      if (toLayer !== undefined && toLayer > fromLayer)
        out.push(`${fileRel}: imports upward into src/${target} (${spec})`);
    } else if (PURE.has(from) && IMPURE_MODULES.test(spec)) {
      out.push(`${fileRel}: pure layer src/${from} imports ${spec}`);
    }
  }
  return out;
}

describe('architecture', () => {
  it('every src file imports only its own or lower layers, and pure layers do no I/O', () => {
    const src = resolve(ROOT, 'src');
    const violations = sourceFiles(src).flatMap((f) =>
      violationsOf(relative(src, f), readFileSync(f, 'utf8')),
    );
    assert.deepEqual(violations, []);
  });

  it('the checker catches an upward import and an fs import in analysis', () => {
    assert.deepEqual(violationsOf('db/x.ts', "import type { A } from '../service/query-types.js';"), [
      'db/x.ts: imports upward into src/service (../service/query-types.js)',
    ]);
    assert.equal(violationsOf('analysis/x.ts', "import { readFileSync } from 'node:fs';").length, 1);
    assert.equal(violationsOf('core/x.ts', "const db = await import('better-sqlite3');").length, 1);
    assert.equal(violationsOf('cli/x.ts', "import { a } from '../service/indexer.js';").length, 0);
  });
});
