/**
 * Indexing's third stage, pure: the tree's file list and each analysed file's facts → the snapshot's rows and stats.
 * No I/O and no ports: what the adapters store is computed here once, and handed to them as rows.
 */
import { createHash } from 'node:crypto';
import type { FileFacts } from '../../core/facts.js';
import { makeSymbolId } from '../../core/ids.js';
import { resolveRepo } from '../../analysis/resolve-repo.js';
import { computeTestReach } from '../../analysis/test-reach.js';
import type { ResolutionMemo } from '../../analysis/types.js';
import { isTestPathFor, type LanguagePlugin, type ModuleResolver } from '../../languages/plugin.js';
import { noPluginReason } from '../../languages/registry.js';
import { storedSymbol } from '../../db/row-mappers.js';
import {
  snapshotRows,
  type FileRecord,
  type SnapshotRows,
  type SnapshotStats,
  type SymbolRecord,
} from '../../db/storage.js';

export interface AnalysedFile {
  path: string;
  facts: FileFacts;
  /** The facts cache key (factsKeyString): same key, same facts. */
  key?: string;
}

export interface SnapshotInput {
  /** Every entry of the tree, in tree order (skipped ones included, with their reason). */
  files: readonly FileRecord[];
  /**
   * The facts of every file a plug-in analysed, in tree order. Consumed: emptied once resolved, so the facts (call
   * sites above all, the bulk of the heap) can be collected before the rows are built.
   */
  analysed: AnalysedFile[];
  /** The plug-in that owns a tree entry (undefined: none, and for symlinks and submodules). */
  pluginOf: (path: string) => LanguagePlugin | undefined;
  /** The plug-ins the tree uses. */
  plugins: readonly LanguagePlugin[];
  /** Config files' texts for module resolution: plug-in id → path → text. */
  configs: ReadonlyMap<string, ReadonlyMap<string, string>>;
  testReachDepth: number;
  /**
   * The resolution memo of an earlier snapshot of the repository (same analyzer version): files whose content and
   * resolution inputs are unchanged keep their edges instead of being resolved again.
   */
  previous?: ResolutionMemo | undefined;
}

export interface BuiltSnapshot {
  rows: SnapshotRows;
  stats: SnapshotStats;
  symbols: number;
  edges: number;
  testLinks: number;
  /** This snapshot's resolution memo, for the next one. */
  memo: ResolutionMemo;
  /** Files whose edges came from the previous memo. */
  reusedFiles: number;
}

/** Resolves the analysed files across the repo and turns the result into one snapshot's rows (pure). */
export function buildSnapshot(input: SnapshotInput): BuiltSnapshot {
  const { files, analysed, pluginOf } = input;
  const skipped: Record<string, number> = {};
  for (const f of files) {
    if (f.skipReason) skipped[f.skipReason] = (skipped[f.skipReason] ?? 0) + 1;
    else if (!pluginOf(f.path)) {
      const reason = noPluginReason(f.path);
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    }
  }
  for (const a of analysed)
    if (a.facts.skipped) skipped[a.facts.skipped] = (skipped[a.facts.skipped] ?? 0) + 1;

  const allPaths = new Set(files.map((f) => f.path));
  const resolvers = new Map<string, ModuleResolver>();
  for (const p of input.plugins) {
    resolvers.set(
      p.id,
      p.createModuleResolver({ files: allPaths, configs: input.configs.get(p.id) ?? new Map() }),
    );
  }
  const moduleResolver: ModuleResolver = {
    resolve(fromPath, specifier) {
      const p = pluginOf(fromPath);
      const r = p ? resolvers.get(p.id) : undefined;
      return r ? r.resolve(fromPath, specifier) : { kind: 'unresolved', reason: 'no-language-plugin' };
    },
    moduleOf(path) {
      const p = pluginOf(path);
      return (p && resolvers.get(p.id)?.moduleOf?.(path)) ?? null;
    },
    declarationsOf(path) {
      const p = pluginOf(path);
      return (p && resolvers.get(p.id)?.declarationsOf?.(path)) ?? null;
    },
  };
  const resolution = resolveRepo({
    files: analysed,
    moduleContext: moduleContextOf(input),
    moduleResolver,
    plugins: [...input.plugins],
    releaseCallSites: true,
    track: true,
    ...(input.previous ? { previous: input.previous } : {}),
  });
  const symbols: SymbolRecord[] = [];
  const seen = new Set<string>();
  for (const a of analysed) {
    for (const s of a.facts.symbols) {
      const id = makeSymbolId(a.path, s.localId);
      if (seen.has(id)) continue;
      seen.add(id);
      symbols.push(storedSymbol(s, id, a.path));
    }
  }
  const testReach = computeTestReach(symbols, resolution.edges, input.testReachDepth);
  const testFiles = analysed.filter((a) => a.facts.isTestFile);
  const testFilesNotAnalysed = testFilesLeftOut(files, analysed, pluginOf);
  const testFrameworks: Record<string, string> = {};
  for (const a of testFiles) if (a.facts.testFramework) testFrameworks[a.path] = a.facts.testFramework;
  const stats: SnapshotStats = {
    filesParsed: analysed.filter((a) => !a.facts.skipped).length,
    filesSkipped: skipped,
    callSites: resolution.stats.callSites,
    resolvedByReason: resolution.stats.resolvedByReason,
    unresolvedByReason: resolution.stats.unresolvedByReason,
    testFiles: new Set([...testFiles.map((a) => a.path), ...testFilesNotAnalysed]).size,
    testFilesAnalysed: testFiles.filter((a) => !a.facts.skipped).length,
    testFilesNotAnalysed,
    testFrameworks,
  };
  // The facts are not needed to build the rows: let them go first.
  analysed.length = 0;
  const rows = snapshotRows({ files: [...files], symbols, edges: resolution.edges, testReach, stats });
  return {
    rows,
    stats,
    symbols: symbols.length,
    edges: resolution.edges.length,
    testLinks: testReach.length,
    memo: resolution.memo as ResolutionMemo,
    reusedFiles: resolution.reusedFiles ?? 0,
  };
}

/**
 * What the module resolvers' answers depend on (ResolveInput.moduleContext): the plug-ins, every path of the tree,
 * which paths are analysed, and the config files' texts.
 */
function moduleContextOf(input: SnapshotInput): string {
  const h = createHash('sha256');
  h.update(input.plugins.map((p) => p.id).join('\u0000'));
  const analysed = new Set(input.analysed.map((a) => a.path));
  for (const f of input.files) h.update(`\u0001${f.path}\u0000${analysed.has(f.path) ? 1 : 0}`);
  for (const [plugin, configs] of [...input.configs].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    for (const [path, text] of [...configs].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
      h.update(`\u0002${plugin}\u0000${path}\u0000${text}`);
  return h.digest('base64');
}

/**
 * Test files whose tests are unknown: analysed but skipped (minified, analyzer error), or never analysed although a
 * plug-in owns them (too large, binary, invalid UTF-8). What counts as a test file by its path is the owning
 * plug-in's rule (LanguagePlugin.isTestPath). Tested-by answers are a lower bound while any exist.
 */
function testFilesLeftOut(
  files: readonly FileRecord[],
  analysed: readonly AnalysedFile[],
  pluginOf: (path: string) => LanguagePlugin | undefined,
): string[] {
  const out = new Set<string>();
  for (const a of analysed)
    if (a.facts.skipped && (a.facts.isTestFile || isTestPathFor(pluginOf(a.path), a.path))) out.add(a.path);
  for (const f of files)
    if (
      f.skipReason &&
      f.skipReason !== 'symlink' &&
      f.skipReason !== 'submodule' &&
      isTestPathFor(pluginOf(f.path), f.path)
    )
      out.add(f.path);
  return [...out].sort();
}
