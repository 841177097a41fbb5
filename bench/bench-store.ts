/**
 * A fresh, empty codehub store for one bench measurement, on SQLite (a data folder) or on PostgreSQL (a database of
 * its own on the given server), with how to read its size and how to drop it. Shared by the benches that measure
 * database growth (snapshot-sharing.ts, history-storage.ts).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseOn } from './backends.js';

export type BenchEngine = 'sqlite' | 'postgres';

export interface BenchStore {
  /** The data folder (blobs, facts cache; on SQLite also the database). */
  data: string;
  /** Arguments that point `codehub index` at the store (`--database URL` on PostgreSQL, none on SQLite). */
  storageArgs: string[];
  /** Database bytes: SQLite's file after folding the WAL back in, or `pg_database_size`. */
  size(): Promise<number>;
  /** Drops the PostgreSQL database (the caller removes the data folder). */
  drop(): Promise<void>;
}

/** Size of a SQLite data dir's database: the file after folding the WAL back in. */
export function sqliteBytes(dataDir: string): number {
  const file = join(dataDir, 'codehub.db');
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return statSync(file).size;
}

/** Runs `work` on one connection to `url`, closed afterwards. */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Empties `data` and, on PostgreSQL, (re)creates the database `database` on the server `postgresAdmin` (its
 * maintenance database's URL). Without a server the store is SQLite whatever `engine` says.
 */
export async function freshStore(
  engine: BenchEngine,
  data: string,
  postgresAdmin: string | null | undefined,
  database: string,
): Promise<BenchStore> {
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  if (engine !== 'postgres' || !postgresAdmin) {
    return { data, storageArgs: [], size: async () => sqliteBytes(data), drop: async () => undefined };
  }
  const dropDatabase = (): Promise<void> =>
    onServer(postgresAdmin, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(
      () => undefined,
    );
  await dropDatabase();
  await onServer(postgresAdmin, (c) => c.query(`CREATE DATABASE ${database}`));
  const url = databaseOn(postgresAdmin, database);
  return {
    data,
    storageArgs: ['--database', url],
    size: () =>
      onServer(url, async (c) =>
        Number((await c.query('SELECT pg_database_size(current_database()) AS n')).rows[0]?.n),
      ),
    drop: dropDatabase,
  };
}
