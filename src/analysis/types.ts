/** Contracts of the language-neutral analysis stage (pure: no I/O). */
import type { FileFacts } from '../core/facts.js';
import type { Edge, TestReach } from '../core/graph.js';
import type { LanguagePlugin, ModuleResolver } from '../languages/plugin.js';

export interface ResolveInput {
  files: ReadonlyArray<{ path: string; facts: FileFacts }>;
  moduleResolver: ModuleResolver;
  /**
   * The plug-ins whose rules and confidences apply, found by FileFacts.language (default: the registry's). A file
   * of a language not among them is resolved with the neutral rules and the seed confidences.
   */
  plugins?: readonly LanguagePlugin[];
  /** Empty each file's `callSites` once its edges are drawn (saves memory; the facts are not read again). */
  releaseCallSites?: boolean;
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
}

/** Signature of src/analysis/resolve-repo.ts's resolveRepo. */
export type ResolveRepo = (input: ResolveInput) => ResolveOutput;

/** Signature of src/analysis/test-reach.ts's computeTestReach: tests reaching each symbol (BFS, default depth 3). */
export type ComputeTestReach = (
  symbols: ReadonlyArray<{ id: string; kind: string }>,
  edges: ReadonlyArray<Edge>,
  maxDepth?: number,
) => TestReach[];
