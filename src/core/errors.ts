/** Typed errors thrown by adapters; each entry point converts them for its audience in one place. */
export type ErrorCode =
  | 'BlobHashMismatch'
  | 'BlobMissing'
  | 'RefNotFound'
  | 'NotAGitRepository'
  | 'GitFailed'
  | 'DataDirNotWritable'
  | 'RepoNotFound'
  | 'SymbolNotFound'
  | 'SymbolAmbiguous'
  | 'PathNotFound'
  | 'InvalidInput'
  | 'IndexLocked'
  | 'DatabaseCorrupt';

export class CodehubError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra structured detail for the audience (e.g. candidate symbols, closest names). */
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = code;
  }
}

export function isCodehubError(err: unknown, code?: ErrorCode): err is CodehubError {
  return err instanceof CodehubError && (code === undefined || err.code === code);
}
