// Measures the precision of the symbols-only Rust plug-in's name-only call candidates against the compiler's MIR.
// Usage: node scripts/eval-rust-name-only.mjs <crate dir>... (after `npx tsc -p .`; needs cargo and rustc).
// Each crate is copied to a temporary folder and built offline with its dependencies removed (so use crates that
// need none to build their library, e.g. the sources Debian's librust-*-dev packages install).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const { rustPlugin } = await import('../dist/src/languages/rust/rust-plugin.js');
const { resolveRepo } = await import('../dist/src/analysis/resolve-repo.js');
const { makeSymbolId } = await import('../dist/src/core/ids.js');
const { crateMir, parseMirCalls, measureNameOnly } = await import('../dist/src/eval/rust-mir-truth.js');
await rustPlugin.init();

/** Drops dependency sections (and features that name them) so the library builds offline. */
function withoutDependencies(toml) {
  const deps = new Set();
  let out = toml.replace(/^\[(?:dev-|build-)?dependencies\.([\w-]+)\][^[]*/gm, (_, name) => {
    deps.add(name);
    return '';
  });
  out = out.replace(/^([\w-]+) = \[([^\]]*)\]/gm, (line, feature, list) => {
    const kept = list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !deps.has(s.replace(/^"(dep:)?|[/?].*$|"$/g, '')));
    return deps.has(feature) ? '' : `${feature} = [${kept.join(', ')}]`;
  });
  return out;
}

function rustFiles(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...rustFiles(full, root));
    else if (name.endsWith('.rs')) out.push(relative(root, full));
  }
  return out;
}

for (const crate of process.argv.slice(2)) {
  const work = mkdtempSync(join(tmpdir(), 'codehub-mir-'));
  try {
    cpSync(crate, work, { recursive: true });
    writeFileSync(
      join(work, 'Cargo.toml'),
      withoutDependencies(readFileSync(join(work, 'Cargo.toml'), 'utf8')),
    );
    const mir = parseMirCalls(crateMir(work));
    const texts = new Map(
      rustFiles(join(work, 'src'), work).map((p) => [p, readFileSync(join(work, p), 'utf8')]),
    );
    const facts = [...texts].map(([path, text]) => rustPlugin.analyze(path, text));
    const { edges } = resolveRepo({
      files: facts.map((f) => ({ path: f.path, facts: f })),
      moduleResolver: rustPlugin.createModuleResolver({ files: new Set(texts.keys()), configs: new Map() }),
      plugins: [rustPlugin],
    });
    const symbols = new Map(facts.flatMap((f) => f.symbols.map((s) => [makeSymbolId(f.path, s.localId), s])));
    const result = measureNameOnly({ texts, symbols, edges, mir });
    const bytes = [...texts.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
    console.log(
      JSON.stringify({ crate, files: texts.size, bytes, mirCalls: mir.length, ...result }, null, 2),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
