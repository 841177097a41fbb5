/** DTO values for the web tests, shaped like a busy method page (a method with 11 callees, no callers, no tests). */
import type {
  EdgeDTO,
  FileView,
  RepoOverview,
  RepoSummary,
  SearchHit,
  ShowResult,
  SymbolDTO,
} from '../../src/service/query-types.js';

export const REPO = 'github.com/acme/widgets';
export const COMMIT = '0123456789abcdef0123456789abcdef01234567';
export const SHA = 'a'.repeat(64);

/** A symbol DTO with overridable fields. */
export function sampleSymbol(over: Partial<SymbolDTO> = {}): SymbolDTO {
  return {
    id: 'src/desk/library-desk.ts::LibraryDesk.openReadingSession:method',
    name: 'openReadingSession',
    qualifiedName: 'LibraryDesk.openReadingSession',
    kind: 'method',
    path: 'src/desk/library-desk.ts',
    startLine: 121,
    endLine: 199,
    signature: '()',
    returnType: 'Promise<Outcome<string>>',
    permalink: `https://github.com/acme/widgets/blob/${COMMIT}/src/desk/library-desk.ts#L121-L199`,
    blobSha256: SHA,
    verified: true,
    exported: false,
    doc: null,
    ...over,
  };
}

/** An edge DTO to a function named `name`. */
export function sampleEdge(name: string, confidence: number, over: Partial<EdgeDTO> = {}): EdgeDTO {
  return {
    id: `src/lib/${name}.ts::${name}:function`,
    name,
    qualifiedName: name,
    kind: 'function',
    path: `src/lib/${name}.ts`,
    line: 3,
    confidence,
    reason: confidence >= 0.9 ? 'import' : confidence >= 0.85 ? 'same-file' : 'name-only',
    callLines: [130, 155],
    ...over,
  };
}

/** A ShowResult like the seed page's. */
export function sampleShow(over: Partial<ShowResult> = {}): ShowResult {
  const names = [
    'bindLocalPort',
    'describeFailure',
    'refuse',
    'makeLatch',
    'composeTicketLink',
    'accept',
    'pickShelfCode',
    'digestShelfCode',
  ];
  return {
    repo: { id: REPO, commit: COMMIT, ref: 'main' },
    symbol: sampleSymbol(),
    callers: [],
    callees: [
      ...names.map((n, i) => sampleEdge(n, i < 6 ? 0.9 : 0.85)),
      sampleEdge('note', 0.8, { kind: 'method', qualifiedName: 'Journal.note', reason: 'receiver-typed' }),
      sampleEdge('enqueue', 0.45, { kind: 'method', qualifiedName: 'SessionQueue.enqueue', candidates: 2 }),
      sampleEdge('settle', 0.45, { kind: 'method', qualifiedName: 'SessionQueue.settle' }),
    ],
    unresolved: [{ text: 'pending.answer.then', reason: 'dynamic', line: 166 }],
    callersComplete: 'exact',
    unresolvedThatMayCall: 0,
    tests: [],
    testsComplete: 'exact',
    source: {
      blobSha256: sampleSymbol().blobSha256,
      verified: true,
      startLine: 118,
      lines: sampleLines(20),
      truncated: true,
      error: null,
    },
    ...over,
  } as ShowResult;
}

/** Source lines for the symbol above: three context lines, then the body. */
export function sampleLines(count: number, first = 118): string[] {
  return Array.from({ length: count }, (_, i) =>
    first + i === 121
      ? '  async openReadingSession(): Promise<Outcome<string>> {'
      : `  const v${first + i} = ${first + i};`,
  );
}

export function sampleSummary(over: Partial<RepoSummary> = {}): RepoSummary {
  return {
    id: REPO,
    commit: COMMIT,
    ref: 'main',
    indexedAt: '2026-11-28T12:00:00.000Z',
    files: 42,
    symbols: 1234,
    edges: 5678,
    languages: { typescript: 30, javascript: 10, json: 2 },
    webUrl: 'https://github.com/acme/widgets',
    ...over,
  };
}

export function sampleOverview(): RepoOverview {
  return {
    summary: sampleSummary(),
    mostCalled: [{ ...sampleSymbol(), callers: 17 }],
    untestedHotspots: [
      {
        ...sampleSymbol({
          id: 'src/x.ts::hot:function',
          name: 'hot',
          qualifiedName: 'hot',
          kind: 'function',
        }),
        callers: 9,
      },
    ],
    coverage: {
      filesParsed: 40,
      filesSkipped: { binary: 1, 'too-large': 1 },
      callSites: 100,
      resolvedByReason: { import: 50, 'same-file': 20, 'name-only': 10 },
      unresolvedByReason: { builtin: 15, dynamic: 5 },
      testFiles: 6,
      testFilesAnalysed: 5,
    },
  };
}

export function sampleFileView(over: Partial<FileView> = {}): FileView {
  return {
    repo: { id: REPO, commit: COMMIT, ref: 'main' },
    file: {
      path: 'src/desk/library-desk.ts',
      blobSha256: SHA,
      gitOid: 'b'.repeat(40),
      language: 'typescript',
      size: 120,
      lines: 3,
      skipReason: null,
    },
    text: 'export class LibraryDesk {\n  openReadingSession() {}\n}',
    verified: true,
    error: null,
    symbols: [
      sampleSymbol(),
      sampleSymbol({
        id: 'src/desk/library-desk.ts::LibraryDesk:class',
        name: 'LibraryDesk',
        qualifiedName: 'LibraryDesk',
        kind: 'class',
        startLine: 1,
        endLine: 3,
      }),
    ],
    permalink: `https://github.com/acme/widgets/blob/${COMMIT}/src/desk/library-desk.ts`,
    ...over,
  };
}

export function sampleHit(over: Partial<SearchHit> = {}): SearchHit {
  return { ...sampleSymbol(), repo: REPO, callers: 3, isTest: false, match: 'humps', ...over };
}
