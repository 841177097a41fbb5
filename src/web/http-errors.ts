/**
 * The one place where errors become HTTP: status, title and what to do. Pages and the JSON API both
 * call `toHttpError`, so the mapping cannot drift between them.
 */
import { classifyError, isCodehubError } from '../core/errors.js';

export interface HttpError {
  status: number;
  code: string;
  title: string;
  message: string;
  /** Closest matches (strings or symbol-like objects) or ambiguity candidates, from the error's detail. */
  detail: unknown;
}

const STATUS: Record<string, { status: number; title: string }> = {
  RepoNotFound: { status: 404, title: 'Repository not found' },
  SymbolNotFound: { status: 404, title: 'Symbol not found' },
  PathNotFound: { status: 404, title: 'File not found' },
  RefNotFound: { status: 404, title: 'Ref not found' },
  SymbolAmbiguous: { status: 300, title: 'Several symbols match' },
  InvalidInput: { status: 400, title: 'Invalid request' },
  BlobHashMismatch: { status: 500, title: 'Stored blob failed verification' },
  BlobMissing: { status: 500, title: 'Stored blob is missing' },
  IndexLocked: { status: 503, title: 'Index is being written' },
  DatabaseCorrupt: { status: 500, title: 'Database is corrupt' },
  BlobStoreUnavailable: { status: 503, title: 'Blob store unavailable' },
  DatabaseUnavailable: { status: 503, title: 'Database is unavailable' },
};

/** Converts any thrown value into the HTTP status and message shown to the audience. */
export function toHttpError(thrown: unknown): HttpError {
  const err = classifyError(thrown);
  if (isCodehubError(err)) {
    const known = STATUS[err.code];
    if (known) return { ...known, code: err.code, message: err.message, detail: err.detail ?? null };
    return {
      status: 500,
      code: err.code,
      title: 'Server error',
      message: err.message,
      detail: err.detail ?? null,
    };
  }
  return {
    status: 500,
    code: 'Internal',
    title: 'Server error',
    message: 'Something went wrong on the server; the log has the details.',
    detail: null,
  };
}

/** An HttpError for a URL that names no page or API route. */
export function notFoundRoute(path: string): HttpError {
  return {
    status: 404,
    code: 'NotFound',
    title: 'Page not found',
    message: `No page at ${path}.`,
    detail: null,
  };
}
