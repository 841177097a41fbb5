import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
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
/**
 * Files of a pure layer allowed to read files, each with why: the init-time loader of the grammar assets (a `.wasm`
 * and its `tags.scm`) that tree-sitter packages ship; analysis itself stays pure.
 */
const INIT_TIME_LOADERS: ReadonlySet<string> = new Set(['languages/outline/grammar-assets.ts']);

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
    } else if (PURE.has(from) && IMPURE_MODULES.test(spec) && !INIT_TIME_LOADERS.has(fileRel)) {
      out.push(`${fileRel}: pure layer src/${from} imports ${spec}`);
    }
  }
  return out;
}

/** The layers that must stay language-neutral: everything a language knows lives in its src/languages/<id>/ folder. */
const NEUTRAL_LAYERS = ['core', 'analysis', 'service'];
/** Words that name a language, its tools or its files; none may appear in a string or regex of a neutral layer. */
const LANGUAGE_WORDS =
  /typescript|javascript|python|vitest|jest|mocha|jasmine|pytest|unittest|package\.json|tsconfig|jsconfig|pyproject|node_modules|\bnpx?\b|\[jt\]sx?|\\\.[cm]?[jt]sx?\b|\\\.pyi?\b/i;

/** String, template and regular-expression literals of a source text that name a language (comments may). */
export function languageNamesIn(fileRel: string, text: string): string[] {
  const sf = ts.createSourceFile(fileRel, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateLiteralToken(node) ||
      node.kind === ts.SyntaxKind.RegularExpressionLiteral
    ) {
      const literal = node.getText(sf);
      if (LANGUAGE_WORDS.test(literal))
        out.push(`${fileRel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${literal}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
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

  it('the language-neutral layers (core, analysis, service) name no language in their strings or patterns', () => {
    const src = resolve(ROOT, 'src');
    const named = NEUTRAL_LAYERS.flatMap((layer) =>
      sourceFiles(join(src, layer)).flatMap((f) =>
        languageNamesIn(relative(src, f), readFileSync(f, 'utf8')),
      ),
    );
    assert.deepEqual(named, []);
  });

  it('the language check catches a test-runner name, a config file and an extension pattern', () => {
    assert.deepEqual(
      languageNamesIn('service/x.ts', "const runner = 'vitest';\n// jest in a comment is fine\n"),
      ["service/x.ts:1: 'vitest'"],
    );
    assert.equal(languageNamesIn('service/x.ts', 'const f = `${dir}/package.json`;').length, 1);
    assert.equal(languageNamesIn('core/x.ts', 'const re = /\\.(test|spec)\\.[jt]sx?$/;').length, 1);
    assert.equal(languageNamesIn('core/x.ts', "const reason = 'builtin';").length, 0);
  });
});
