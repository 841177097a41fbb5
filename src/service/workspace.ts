/**
 * The composition root: picks the adapters a command runs on. The data dir holds `codehub.db` (SQLite), `repos/`
 * (bare clones), `locks/` and, unless `--blobs` / `$CODEHUB_BLOBS` names another store, `blobs/` (the
 * content-addressed store).
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CodehubError } from '../core/errors.js';
import { PostgresStorage } from '../db/postgres-storage.js';
import { SqliteStorage } from '../db/sqlite-storage.js';
import type { Storage } from '../db/storage.js';
import type { BlobStore } from '../store/blob-store.js';
import { openBlobStore } from '../store/open-blob-store.js';

export interface Workspace {
  dataDir: string;
  storage: Storage;
  blobs: BlobStore;
  /** Closes the storage and the blob store; an embedded SQLite file is closed before this returns. */
  close(): Promise<void>;
}

/** `--data`, else `$CODEHUB_DATA`, else `~/.codehub`. */
export function defaultDataDir(flag?: string): string {
  const env = process.env.CODEHUB_DATA;
  return resolve(flag ?? (env && env !== '' ? env : join(homedir(), '.codehub')));
}

/** `--blobs`, else `$CODEHUB_BLOBS`, else undefined (the data dir's own `blobs/` folder). */
export function blobLocation(flag?: string): string | undefined {
  const env = process.env.CODEHUB_BLOBS;
  return flag ?? (env && env !== '' ? env : undefined);
}

/**
 * The composition root: opens (creating if needed) the data dir, the storage (`database`: `postgres://…`; default
 * SQLite in `<data>/codehub.db`) and the blob store (`blobs`: `s3://bucket/prefix` or a folder; default
 * `<data>/blobs`); throws DataDirNotWritable when the data dir cannot be used, InvalidInput for a malformed location.
 */
export function openWorkspace(
  dataDir: string,
  opts: { blobs?: string | undefined; database?: string | undefined } = {},
): Workspace {
  const dir = resolve(dataDir);
  // Checked first: a bad --blobs is reported before anything is created.
  const blobs = openBlobStore(opts.blobs ?? join(dir, 'blobs'));
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (err) {
    blobs.close();
    throw new CodehubError(
      'DataDirNotWritable',
      `data dir ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass --data DIR`,
    );
  }
  let storage: Storage;
  try {
    const url = databaseUrl(opts.database);
    storage = url ? new PostgresStorage(url) : new SqliteStorage(join(dir, 'codehub.db'));
  } catch (err) {
    blobs.close();
    throw err;
  }
  return {
    dataDir: dir,
    storage,
    blobs,
    close: async () => {
      try {
        await storage.close();
      } finally {
        blobs.close();
      }
    },
  };
}

/** `--database`, else `$CODEHUB_DATABASE_URL`, else none (SQLite in the data dir); `''` means none whatever the env says. */
export function databaseUrl(flag?: string): string | undefined {
  const env = process.env.CODEHUB_DATABASE_URL;
  const url = flag ?? (env && env !== '' ? env : undefined);
  return url === undefined || url === '' ? undefined : url;
}
