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
  | 'DatabaseCorrupt'
  /** The blob store could not be reached or refused a request (after retries). */
  | 'BlobStoreUnavailable'
  /** The database server cannot be reached or refuses the connection. */
  | 'DatabaseUnavailable';

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

/** What to do about a corrupt database, said wherever DatabaseCorrupt is reported. */
export const DATABASE_CORRUPT_ADVICE =
  'restore codehub.db from a backup, or move it aside and re-index (the blob store is kept)';

/**
 * Turns a storage engine's corruption error (SQLite's SQLITE_CORRUPT* / SQLITE_NOTADB, met on any query
 * once a damaged page is read) into DatabaseCorrupt with advice; any other value is returned unchanged.
 */
export function classifyError(err: unknown): unknown {
  if (err instanceof CodehubError || !(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) {
    return new CodehubError(
      'DatabaseCorrupt',
      `the database is corrupt (${err.message}); ${DATABASE_CORRUPT_ADVICE}`,
    );
  }
  return err;
}
