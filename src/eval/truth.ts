/**
 * The shape every truth source gives the comparison (compare.ts), whatever checker built it: the TypeScript
 * compiler for .ts/.js files (compiler-truth.ts), pyright for .py files (python-truth.ts), javac's bytecode for .java
 * files (java-truth.ts). A truth is per call
 * site: (file, line) with its callee's definition in the repo, or a site resolved outside the repo, or unresolved.
 */

/** The languages a truth source exists for (truth-sources.ts picks the source by a file's language). */
export type TruthLanguage = 'typescript' | 'python' | 'java';

/** Display names and checkers, for reports. */
export const TRUTH_LANGUAGES: Readonly<Record<TruthLanguage, { label: string; checker: string }>> = {
  typescript: { label: 'TypeScript', checker: 'the TypeScript compiler' },
  python: { label: 'Python', checker: 'pyright' },
  java: { label: 'Java', checker: 'javac and javap' },
};

/** Shape of the call site, used to group misses and errors in the report. */
export type CallCategory =
  | 'plain identifier'
  | 'imported identifier'
  | 'this method'
  | 'this field method'
  | 'method on typed local/param'
  | 'method on value returned by a call'
  | 'callback parameter'
  | 'element access'
  | 'namespace member'
  | 'static method'
  | 'decorator'
  | 'other';

/** One call site whose callee the checker resolved to a definition in a repo source file. */
export interface TruthEdge {
  /** Caller file, repo-relative with `/` separators. */
  path: string;
  /** 1-based line of the call expression's start (trivia excluded). */
  line: number;
  /** `new` for a constructor call (`new X()`, a Python class called). */
  kind: 'call' | 'new';
  calleePath: string;
  /** 1-based first/last line of the callee definition (decorators and modifiers included, comments not). */
  calleeStartLine: number;
  calleeEndLine: number;
  calleeName: string;
  category: CallCategory;
  /**
   * Other definitions the same call may reach, all equally right (a function defined in both branches of an `if`,
   * `try`/`except ImportError` alternatives): a prediction of any of them matches; the site still counts once.
   */
  alternatives?: Array<{
    calleePath: string;
    calleeStartLine: number;
    calleeEndLine: number;
    calleeName: string;
  }>;
}

/** A call site the truth has no in-repo callee for. */
export interface TruthSite {
  path: string;
  line: number;
  kind: 'call' | 'new';
  category: CallCategory;
  /** Name of the external definition (outside) or the callee text (unresolved), for samples. */
  calleeText: string;
}

/** What a truth source measured about itself; shown under each corpus in EVAL.md. */
export interface TruthStats {
  /** Where the checker's options came from (`tsconfig`, `defaults`, `pyright defaults`…). */
  config: string;
  configError: string | null;
  filesWalked: number;
  filesSkippedTooLarge: number;
  filesSkippedOverMax: number;
  callSites: number;
  millis: number;
  /** The checker that resolved the call sites, with its version (`pyright 1.1.414`). Absent: the TypeScript compiler. */
  checker?: string;
  /** Files the reference parser or the checker could not read, with the reason (first few). */
  filesFailed?: number;
  problems?: string[];
  /** Peak resident memory of the checker's own process, when it runs apart (MB). */
  checkerPeakRssMb?: number | null;
}

/** A repository's call-site truth, as compare.ts reads it. */
export interface CallTruth {
  /** In-repo edges, sorted by path, line, callee path, callee start line. */
  edges: TruthEdge[];
  /** Call sites resolved to a definition outside the repo's sources (standard library, installed packages). */
  outside: TruthSite[];
  /** Call sites the checker could not resolve to any definition. */
  unresolved: TruthSite[];
  /** Repo-relative paths whose call sites were walked: the scope of the truth. */
  files: string[];
  stats: TruthStats;
}

/** Code-unit order, the same on every machine (no locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Puts a truth's lists in one order, whichever source built them, so reports and diffs are stable. */
export function sortTruth(
  files: string[],
  edges: TruthEdge[],
  outside: TruthSite[],
  unresolved: TruthSite[],
): void {
  files.sort(compareStrings);
  edges.sort(
    (a, b) =>
      compareStrings(a.path, b.path) ||
      a.line - b.line ||
      compareStrings(a.calleePath, b.calleePath) ||
      a.calleeStartLine - b.calleeStartLine,
  );
  const bySite = (a: TruthSite, b: TruthSite): number => compareStrings(a.path, b.path) || a.line - b.line;
  outside.sort(bySite);
  unresolved.sort(bySite);
}
