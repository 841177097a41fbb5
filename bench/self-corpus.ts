/** The project's own source as an eval corpus: src/ and a tsconfig for it, committed in a fresh git repository. */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitTree } from './corpora.js';

/** Copies the project's src/ and a tsconfig for it into a fresh git repository; returns its folder. */
export function prepareSelfCorpus(projectRoot: string, into: string): string {
  cpSync(join(projectRoot, 'src'), join(into, 'src'), {
    recursive: true,
    filter: (p) => !p.split(/[\\/]/).includes('fixtures'),
  });
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['src/**/*.ts'],
  };
  writeFileSync(join(into, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(join(into, 'package.json'), '{ "name": "codehub-src", "type": "module", "private": true }\n');
  commitTree(into, 'codehub src/ for the eval');
  return into;
}
