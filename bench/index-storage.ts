/**
 * Index time of a generated repository (2,000 TypeScript files by default) per storage adapter:
 * `node dist/bench/index-storage.js [files] [postgres-server-url]`. Without a URL the data dir's SQLite file is used;
 * with one, each run indexes into a fresh database created on that server (and dropped after).
 */
import { join } from 'node:path';
import pg from 'pg';
import { indexRepository } from '../src/service/indexer.js';
import { FixtureRepo, removeDir, tempDir } from '../test/helpers/fixture-repo.js';
import { writeGeneratedSources } from '../test/reliability/support.js';

const files = Number(process.argv[2] ?? 2000);
const server = process.argv[3];

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const root = tempDir('bench-index');
try {
  const repo = FixtureRepo.init(join(root, 'repo'));
  writeGeneratedSources(repo, files, 1);
  repo.commit('generated');
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dataDir = join(root, `data${i}`);
    let database: string | undefined;
    const name = `codehub_bench_${process.pid}_${i}`;
    if (server) {
      await onServer(`CREATE DATABASE ${name}`);
      const url = new URL(server);
      url.pathname = `/${name}`;
      database = url.toString();
    }
    try {
      const t0 = performance.now();
      await indexRepository({ source: repo.dir, dataDir, ...(database ? { database } : {}) });
      runs.push(performance.now() - t0);
    } finally {
      if (server) await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
  runs.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      files,
      database: server ? 'postgres' : 'sqlite',
      runsMs: runs.map(Math.round),
      medianMs: Math.round(runs[1] ?? 0),
    }),
  );
} finally {
  removeDir(root);
}
