/**
 * The parse path, measured before choosing one (issue 16, part 3): TypeScript's own parser (what the TypeScript
 * plug-in uses) against native parsers that ship prebuilt binaries in their npm packages — oxc-parser, @swc/core and
 * @ast-grep/napi (tree-sitter) — on the same files, each in a fresh process so its first pass shows the cold start
 * (module load, cold JIT) and its later passes the warm speed a long-lived indexer (the hub, `codehub watch`) sees.
 *
 * Every variant parses AND walks the whole tree, because extraction must visit every node: a parser whose tree is
 * cheap to build but dear to read is not faster. The walk records each call site's line (calls, `new`, dynamic
 * `import()`), and each file's lines are compared with TypeScript's, so a parser that loses or moves call sites shows
 * it ("files equal").
 *
 * Variants: `typescript` (ts.createSourceFile as the plug-in calls it, forEachChild walk); `oxc` (parseSync, the AST
 * handed over as JSON and materialised in JS); `oxc-async` (parse() on libuv's threads for every file at once, so the
 * JS thread does not hold the parse; its wall time is the one that counts); `swc` (parseSync, JSON); `ast-grep`
 * (tree-sitter's native tree, read node by node through N-API). oxc's raw AST transfer needs Node 22 and is reported
 * as unavailable on Node 20.
 *
 * Run: `npx tsc -p . && node dist/bench/parse-path.js [--corpus effect|zod|rxjs|mobx] [--dir <folder>] [--passes 4]`
 * The native parsers are the bench's dev-only peers (bench/package.json); a missing one is reported, never fatal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as TS from 'typescript';
import { benchRoot, prepareNpmCorpus, REAL_CORPORA, walkFiles } from './corpora.js';

export const PARSERS = ['typescript', 'oxc', 'oxc-async', 'swc', 'ast-grep'] as const;
export type ParserId = (typeof PARSERS)[number];

/** What one fresh process measured for one parser. */
export interface ParserRun {
  parser: ParserId;
  /** Why the parser could not run here (not installed, unsupported runtime); the rest is then empty. */
  unavailable?: string;
  loadMs: number;
  /** Wall time of each pass over all files: parse + walk. */
  passMs: number[];
  /** Wall time of one pass that only builds (materialises) each tree, without walking it. */
  parseOnlyMs: number;
  nodes: number;
  callSites: number;
  /** Per file, the sorted 1-based lines of its call sites (from the first pass). */
  callLines: Record<string, number[]>;
  /** Files the parser rejected, with the first error. */
  failed: Record<string, string>;
}

type Walker = (path: string, text: string, walk: boolean) => { nodes: number; lines: number[] };

/** Sorted 1-based line of each offset, through a precomputed table of line starts. */
function lineTable(units: ArrayLike<number>): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < units.length; i++) if (units[i] === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function utf16Units(text: string): number[] {
  const out = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Walks a JSON-shaped ESTree-like AST (oxc, swc): every object with a string `type` is a node. */
function walkJsonAst(
  root: unknown,
  isCall: (node: Record<string, unknown>) => boolean,
  startOf: (node: Record<string, unknown>) => number,
  walk: boolean,
  lineOf: () => (offset: number) => number,
): { nodes: number; lines: number[] } {
  if (!walk) return { nodes: 0, lines: [] };
  let nodes = 0;
  const offsets: number[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const v of value) if (v !== null && typeof v === 'object') stack.push(v);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const node = value as Record<string, unknown>;
    if (typeof node.type === 'string') {
      nodes++;
      if (isCall(node)) offsets.push(startOf(node));
    }
    for (const key in node) {
      const v = node[key];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  const line = lineOf();
  return { nodes, lines: offsets.map(line).sort((a, b) => a - b) };
}

function loadWalker(parser: ParserId): Walker {
  const fromBench = createRequire(join(benchRoot(), 'package.json'));
  const fromRoot = createRequire(fileURLToPath(import.meta.url));
  switch (parser) {
    case 'typescript': {
      const ts = fromRoot('typescript') as typeof TS;
      const calls = new Set([ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression]);
      return (path, text, walk) => {
        const sf = ts.createSourceFile(
          path,
          text,
          { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
          false,
          path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
        );
        if (!walk) return { nodes: 0, lines: [] };
        let nodes = 0;
        const offsets: number[] = [];
        const visit = (node: TS.Node): void => {
          nodes++;
          if (calls.has(node.kind)) offsets.push(node.getStart(sf));
          ts.forEachChild(node, visit);
        };
        ts.forEachChild(sf, visit);
        const line = lineTable(utf16Units(text));
        return { nodes, lines: offsets.map(line).sort((a, b) => a - b) };
      };
    }
    case 'oxc':
    case 'oxc-async': {
      const oxc = fromBench('oxc-parser') as {
        parseSync: (
          p: string,
          t: string,
          o?: object,
        ) => { program: unknown; errors: Array<{ message: string }> };
      };
      return (path, text, walk) => {
        const result = oxc.parseSync(path, text, { preserveParens: false });
        if (result.errors.length > 0 && !result.program) throw new Error(result.errors[0]!.message);
        return walkJsonAst(
          result.program,
          (n) => n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'ImportExpression',
          (n) => n.start as number,
          walk,
          () => lineTable(utf16Units(text)),
        );
      };
    }
    case 'swc': {
      const swc = fromBench('@swc/core') as { parseSync: (t: string, o: object) => unknown };
      return (path, text, walk) => {
        const program = swc.parseSync(text, {
          syntax: 'typescript',
          tsx: path.endsWith('x'),
          comments: false,
        });
        // Spans are 1-based byte offsets within the file.
        return walkJsonAst(
          program,
          (n) => n.type === 'CallExpression' || n.type === 'NewExpression',
          (n) => (n.span as { start: number }).start - 1,
          walk,
          () => lineTable(Buffer.from(text, 'utf8')),
        );
      };
    }
    case 'ast-grep': {
      interface SgNode {
        kind(): string;
        children(): SgNode[];
        range(): { start: { line: number } };
      }
      const sg = fromBench('@ast-grep/napi') as {
        parse: (lang: unknown, text: string) => { root(): SgNode };
        Lang: { TypeScript: unknown; Tsx: unknown };
      };
      return (path, text, walk) => {
        const root = sg.parse(path.endsWith('x') ? sg.Lang.Tsx : sg.Lang.TypeScript, text).root();
        if (!walk) return { nodes: 0, lines: [] };
        let nodes = 0;
        const lines: number[] = [];
        const stack: SgNode[] = [root];
        while (stack.length > 0) {
          const node = stack.pop()!;
          nodes++;
          const kind = node.kind();
          if (kind === 'call_expression' || kind === 'new_expression')
            lines.push(node.range().start.line + 1);
          for (const child of node.children()) stack.push(child);
        }
        return { nodes, lines: lines.sort((a, b) => a - b) };
      };
    }
  }
}

/** Runs one parser over the files in this process (called in a fresh child per parser). */
export async function runParser(parser: ParserId, files: string[], passes: number): Promise<ParserRun> {
  const run: ParserRun = {
    parser,
    loadMs: 0,
    passMs: [],
    parseOnlyMs: 0,
    nodes: 0,
    callSites: 0,
    callLines: {},
    failed: {},
  };
  const loadStart = performance.now();
  let walker: Walker;
  try {
    walker = loadWalker(parser);
    if (parser === 'oxc-async') createRequire(join(benchRoot(), 'package.json'))('oxc-parser');
  } catch (error) {
    const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    run.unavailable = missing
      ? 'not installed in bench/node_modules (run: npm install --prefix bench)'
      : error instanceof Error
        ? (error.message.split('\n')[0] ?? '')
        : String(error);
    return run;
  }
  run.loadMs = performance.now() - loadStart;
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    if (parser === 'oxc-async') {
      const oxc = createRequire(join(benchRoot(), 'package.json'))('oxc-parser') as {
        parse: (p: string, t: string, o?: object) => Promise<{ program: unknown }>;
      };
      const results = await Promise.all(
        files.map((f, i) => oxc.parse(f, texts[i]!, { preserveParens: false })),
      );
      let nodes = 0;
      results.forEach((r, i) => {
        const walked = walkJsonAst(
          r.program,
          (n) => n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'ImportExpression',
          (n) => n.start as number,
          true,
          () => lineTable(utf16Units(texts[i]!)),
        );
        nodes += walked.nodes;
        if (pass === 0) run.callLines[files[i]!] = walked.lines;
      });
      run.nodes = nodes;
    } else {
      let nodes = 0;
      files.forEach((f, i) => {
        try {
          const walked = walker(f, texts[i]!, true);
          nodes += walked.nodes;
          if (pass === 0) run.callLines[f] = walked.lines;
        } catch (error) {
          if (pass === 0)
            run.failed[f] = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        }
      });
      run.nodes = nodes;
    }
    run.passMs.push(performance.now() - started);
  }
  if (parser !== 'oxc-async') {
    const started = performance.now();
    files.forEach((f, i) => {
      try {
        walker(f, texts[i]!, false);
      } catch {
        // counted in the walked passes
      }
    });
    run.parseOnlyMs = performance.now() - started;
  }
  run.callSites = Object.values(run.callLines).reduce((n, lines) => n + lines.length, 0);
  return run;
}

function sameLines(a: number[] | undefined, b: number[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

/** The Markdown table: one row per parser, compared with TypeScript's call-site lines file by file. */
export function renderTable(runs: ParserRun[], bytes: number, fileCount: number): string {
  const mb = bytes / 1e6;
  const reference = runs.find((r) => r.parser === 'typescript');
  const rows = [
    '| parser | load ms | pass 1 (cold) s | MB/s | best later pass s | MB/s | parse only, warm s | nodes | call sites | files equal to TypeScript |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of runs) {
    if (r.unavailable) {
      rows.push(`| ${r.parser} | – | – | – | – | – | – | – | – | unavailable: ${r.unavailable} |`);
      continue;
    }
    const cold = r.passMs[0]! / 1000;
    const warm = Math.min(...r.passMs.slice(1)) / 1000;
    let equal = 0;
    for (const [file, lines] of Object.entries(r.callLines))
      if (sameLines(lines, reference?.callLines[file])) equal++;
    const failed = Object.keys(r.failed).length;
    rows.push(
      `| ${r.parser} | ${r.loadMs.toFixed(0)} | ${cold.toFixed(2)} | ${(mb / cold).toFixed(2)} | ${warm.toFixed(2)} | ` +
        `${(mb / warm).toFixed(2)} | ${r.parseOnlyMs ? (r.parseOnlyMs / 1000).toFixed(2) : '–'} | ${r.nodes} | ` +
        `${r.callSites} | ${equal} / ${fileCount}${failed ? ` (${failed} failed)` : ''} |`,
    );
  }
  return rows.join('\n');
}

/** For each parser, up to three files whose call-site lines differ from TypeScript's, with the first line that differs. */
export function differences(runs: ParserRun[], root: string): string[] {
  const reference = runs.find((r) => r.parser === 'typescript');
  if (!reference) return [];
  const out: string[] = [];
  for (const r of runs) {
    if (r === reference || r.unavailable) continue;
    const files = Object.keys(reference.callLines).filter(
      (f) => !sameLines(r.callLines[f], reference.callLines[f]),
    );
    for (const f of files.slice(0, 3)) {
      const ours = r.callLines[f] ?? [];
      const theirs = reference.callLines[f]!;
      let i = 0;
      while (i < ours.length && ours[i] === theirs[i]) i++;
      out.push(
        `- ${r.parser}: ${f.slice(root.length + 1)}: ${ours.length} call sites against ${theirs.length}; ` +
          `first difference at line ${Math.min(ours[i] ?? Infinity, theirs[i] ?? Infinity)}` +
          (r.failed[f] ? ` (failed: ${r.failed[f]})` : ''),
      );
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: 'effect' },
      dir: { type: 'string' },
      passes: { type: 'string', default: '4' },
      child: { type: 'string' },
      list: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const passes = Math.max(2, Number(values.passes));
  if (values.child) {
    const files = JSON.parse(readFileSync(values.list!, 'utf8')) as string[];
    const run = await runParser(values.child as ParserId, files, passes);
    writeFileSync(values.out!, JSON.stringify(run));
    return;
  }
  let dir = values.dir;
  if (!dir) {
    const spec = REAL_CORPORA.find((c) => c.name === values.corpus);
    if (!spec)
      throw new Error(
        `unknown corpus ${values.corpus}; one of ${REAL_CORPORA.map((c) => c.name).join(', ')}`,
      );
    dir = prepareNpmCorpus(spec).dir;
  }
  const files = walkFiles(dir).filter((f) => /\.tsx?$/.test(f) && !/\.d\.ts$/.test(f));
  if (files.length === 0) throw new Error(`no .ts files under ${dir}`);
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  const scratch = mkdtempSync(join(tmpdir(), 'codehub-parse-path-'));
  try {
    const list = join(scratch, 'files.json');
    writeFileSync(list, JSON.stringify(files));
    const runs: ParserRun[] = [];
    for (const parser of PARSERS) {
      const out = join(scratch, `${parser}.json`);
      execFileSync(
        process.execPath,
        [
          fileURLToPath(import.meta.url),
          '--child',
          parser,
          '--list',
          list,
          '--out',
          out,
          '--passes',
          String(passes),
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      runs.push(JSON.parse(readFileSync(out, 'utf8')) as ParserRun);
    }
    console.log(
      `${files.length} files, ${(bytes / 1e6).toFixed(2)} MB, ${passes} passes per fresh process\n`,
    );
    console.log(renderTable(runs, bytes, files.length));
    for (const line of differences(runs, dir)) console.log(line);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
