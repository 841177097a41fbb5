/** The data dir: `codehub.db` (SQLite), `blobs/` (content-addressed store), `repos/` (bare clones), `locks/`. */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CodehubError } from '../core/errors.js';
import { PostgresStorage } from '../db/postgres-storage.js';
import { SqliteStorage } from '../db/sqlite-storage.js';
import type { Storage } from '../db/storage.js';
import { FsBlobStore } from '../store/fs-blob-store.js';

export interface Workspace {
  dataDir: string;
  storage: Storage;
  blobs: FsBlobStore;
  /** Closes the storage; an embedded SQLite file is closed before this returns. */
  close(): Promise<void>;
}

/** `--data`, else `$CODEHUB_DATA`, else `~/.codehub`. */
export function defaultDataDir(flag?: string): string {
  const env = process.env.CODEHUB_DATA;
  return resolve(flag ?? (env && env !== '' ? env : join(homedir(), '.codehub')));
}

/** Opens (creating if needed) the data dir; throws DataDirNotWritable when it cannot be used. */
export function openWorkspace(dataDir: string, options: { database?: string | undefined } = {}): Workspace {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (err) {
    throw new CodehubError(
      'DataDirNotWritable',
      `data dir ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass --data DIR`,
    );
  }
  const url = databaseUrl(options.database);
  const storage = url ? new PostgresStorage(url) : new SqliteStorage(join(dir, 'codehub.db'));
  const blobs = new FsBlobStore(join(dir, 'blobs'));
  return { dataDir: dir, storage, blobs, close: () => storage.close() };
}

/** `--database`, else `$CODEHUB_DATABASE_URL`, else none (SQLite in the data dir). */
export function databaseUrl(flag?: string): string | undefined {
  const env = process.env.CODEHUB_DATABASE_URL;
  const url = flag ?? (env && env !== '' ? env : undefined);
  return url === undefined || url === '' ? undefined : url;
}
