/** DTO values for the web tests, shaped like the seed page (a method with 11 callees, no callers, no tests). */
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
    id: 'src/node/oauth-service.ts::OauthService.startDesktopFlow:method',
    name: 'startDesktopFlow',
    qualifiedName: 'OauthService.startDesktopFlow',
    kind: 'method',
    path: 'src/node/oauth-service.ts',
    startLine: 121,
    endLine: 199,
    signature: '()',
    returnType: 'Promise<Result<string, string>>',
    permalink: `https://github.com/acme/widgets/blob/${COMMIT}/src/node/oauth-service.ts#L121-L199`,
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
    'startLoopbackServer',
    'getErrorMessage',
    'Err',
    'createDeferred',
    'buildAuthorizeUrl',
    'Ok',
    'randomBase64Url',
    'sha256Base64Url',
  ];
  return {
    repo: { id: REPO, commit: COMMIT, ref: 'main' },
    symbol: sampleSymbol(),
    callers: [],
    callees: [
      ...names.map((n, i) => sampleEdge(n, i < 6 ? 0.9 : 0.85)),
      sampleEdge('debug', 0.8, { kind: 'method', qualifiedName: 'Logger.debug', reason: 'receiver-typed' }),
      sampleEdge('register', 0.45, { kind: 'method', qualifiedName: 'FlowRegistry.register', candidates: 2 }),
      sampleEdge('finish', 0.45, { kind: 'method', qualifiedName: 'FlowRegistry.finish' }),
    ],
    unresolved: [{ text: 'loopback.result.then', reason: 'dynamic', line: 166 }],
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
      ? '  async startDesktopFlow(): Promise<Result<string, string>> {'
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
      path: 'src/node/oauth-service.ts',
      blobSha256: SHA,
      gitOid: 'b'.repeat(40),
      language: 'typescript',
      size: 120,
      lines: 3,
      skipReason: null,
    },
    text: 'export class OauthService {\n  startDesktopFlow() {}\n}',
    verified: true,
    error: null,
    symbols: [
      sampleSymbol(),
      sampleSymbol({
        id: 'src/node/oauth-service.ts::OauthService:class',
        name: 'OauthService',
        qualifiedName: 'OauthService',
        kind: 'class',
        startLine: 1,
        endLine: 3,
      }),
    ],
    permalink: `https://github.com/acme/widgets/blob/${COMMIT}/src/node/oauth-service.ts`,
    ...over,
  };
}

export function sampleHit(over: Partial<SearchHit> = {}): SearchHit {
  return { ...sampleSymbol(), repo: REPO, callers: 3, isTest: false, match: 'humps', ...over };
}
