/**
 * Entry: prepares every benchmark/eval corpus (pinned npm packages and synthetic repos) and prints their sizes.
 * Usage: `npm run bench:corpora [-- --synthetic 250,500,1000,2000]`.
 */
import {
  BIG_CORPUS,
  DEDUPE_PAIR,
  prepareMonorepoCorpus,
  prepareNpmCorpus,
  prepareSyntheticCorpus,
  REAL_CORPORA,
} from './corpora.js';
import type { PreparedCorpus } from './corpora.js';

function row(c: PreparedCorpus): string {
  return `| ${c.id} | ${c.files} | ${(c.bytes / 1e6).toFixed(2)} | ${c.loc} | ${c.commit.slice(0, 12)} |`;
}

const arg = process.argv.indexOf('--synthetic');
const sizes = arg >= 0 ? (process.argv[arg + 1] ?? '').split(',').filter(Boolean).map(Number) : [];
const lines = ['| corpus | .ts files | MB | lines | commit |', '|---|---:|---:|---:|---|'];
for (const spec of [...REAL_CORPORA, DEDUPE_PAIR.base]) lines.push(row(prepareNpmCorpus(spec)));
lines.push(row(prepareMonorepoCorpus(BIG_CORPUS)));
for (const files of sizes) lines.push(row(prepareSyntheticCorpus({ files, seed: 1 })));
console.log(lines.join('\n'));
