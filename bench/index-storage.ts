/**
 * Index time of a generated repository (2,000 TypeScript files by default) per storage adapter:
 * `node dist/bench/index-storage.js [files] [database-url]`. Without a URL the data dir's SQLite file is used.
 */
import { join } from 'node:path';
import { indexRepository } from '../src/service/indexer.js';
import { FixtureRepo, removeDir, tempDir } from '../test/helpers/fixture-repo.js';
import { writeGeneratedSources } from '../test/reliability/support.js';

const files = Number(process.argv[2] ?? 2000);
const database = process.argv[3];
const root = tempDir('bench-index');
try {
  const repo = FixtureRepo.init(join(root, 'repo'));
  writeGeneratedSources(repo, files, 1);
  repo.commit('generated');
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dataDir = join(root, `data${i}`);
    const t0 = performance.now();
    await indexRepository({ source: repo.dir, dataDir, ...(database ? { database } : {}) } as Parameters<
      typeof indexRepository
    >[0]);
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      files,
      database: database ? 'postgres' : 'sqlite',
      runsMs: runs.map(Math.round),
      medianMs: Math.round(runs[1]!),
    }),
  );
} finally {
  removeDir(root);
}
