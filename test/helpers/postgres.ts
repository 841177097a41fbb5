/**
 * A fresh PostgreSQL database per test, on the server every machine of this project runs (127.0.0.1:5432, trust auth).
 * Tests never skip when it is absent: a missing server is a failure to see, not a case to hide.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use; `CODEHUB_TEST_PG` overrides it (a URL of its maintenance database). */
export const PG_ADMIN_URL = process.env.CODEHUB_TEST_PG ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface TempDatabase {
  url: string;
  name: string;
  /** Drops the database (closing whatever still holds it). */
  drop(): Promise<void>;
}

/** Creates an empty database with a unique name and returns its URL. */
export async function createTempDatabase(prefix = 'codehub_test'): Promise<TempDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Runs one statement on the maintenance database. */
export async function admin(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
