/** Contracts of the language-neutral analysis stage (pure: no I/O). */
import type { FileFacts } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';
import type { LanguagePlugin, ModuleResolver } from '../languages/plugin.js';

export interface ResolveInput {
  /**
   * `key` identifies the file's content and analysis (the facts cache key): equal keys, equal facts. Without one, a
   * digest of the facts stands in (incremental resolution only).
   */
  files: ReadonlyArray<{ path: string; facts: FileFacts; key?: string }>;
  moduleResolver: ModuleResolver;
  /**
   * The plug-ins whose rules and confidences apply, found by FileFacts.language (default: the registry's). A file
   * of a language not among them is resolved with the neutral rules and the seed confidences.
   */
  plugins?: readonly LanguagePlugin[];
  /** Empty each file's `callSites` once its edges are drawn (saves memory; the facts are not read again). */
  releaseCallSites?: boolean;
  /** Record what each file's resolution read (ResolveOutput.memo), so that a later state can reuse it. */
  track?: boolean;
  /**
   * A previous resolution's memo (of any earlier state of the same repository, resolved by this version): a file
   * whose content key and every dependency digest are unchanged keeps its previous edges; the rest are resolved.
   */
  previous?: ResolutionMemo;
  /**
   * A digest of everything the ModuleResolver's answers depend on (the tree's paths, the config files, the plug-ins)
   * and of which files are analysed. When it equals the previous memo's, module resolutions and declaration twins
   * are taken as unchanged instead of being asked again.
   */
  moduleContext?: string;
}

/** What one file's resolution produced, and what it read to produce it. */
export interface FileResolutionMemo {
  key: string;
  /** Dependency key → digest of what it named when the file was resolved (RepoResolver.digestOf), sorted by key. */
  deps: Array<[string, string]>;
  /** The file's edges (its call sites' edges, lines sorted). */
  edges: Edge[];
  callSites: number;
  resolvedByReason: Record<string, number>;
  unresolvedByReason: Record<string, number>;
}

/** Per-file dependency records of one resolution (incremental resolution, issue 16). */
export interface ResolutionMemo {
  files: Map<string, FileResolutionMemo>;
  /** Content key → surface digest (what other files may read of it), so unchanged files are not hashed again. */
  surfaces: Map<string, string>;
  /** ResolveInput.moduleContext of the resolution that made it. */
  moduleContext?: string;
  /** Digests of the module-resolution keys (`m`, `d`, `i`) looked up in that context. */
  moduleDigests: Map<string, string>;
}

export interface ResolutionStats {
  callSites: number;
  /** reason → number of call sites resolved with it */
  resolvedByReason: Record<string, number>;
  /** reason → number of call sites left unresolved with it (external:<pkg> folded to `external`) */
  unresolvedByReason: Record<string, number>;
}

export interface ResolveOutput {
  edges: Edge[];
  stats: ResolutionStats;
  /** With ResolveInput.track or .previous: the per-file dependency records of this resolution. */
  memo?: ResolutionMemo;
  /** With ResolveInput.previous: how many files kept their previous edges. */
  reusedFiles?: number;
}

/** Signature of src/analysis/resolve-repo.ts's resolveRepo. */
export type ResolveRepo = (input: ResolveInput) => ResolveOutput;

/** Signature of src/analysis/test-reach.ts's computeTestReach: tests reaching each symbol (BFS, default depth 3). */
export type ComputeTestReach = (
  symbols: ReadonlyArray<{ id: string; kind: string }>,
  edges: ReadonlyArray<Edge>,
  maxDepth?: number,
) => TestReach[];
