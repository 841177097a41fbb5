/** Test files for a generated repository (bench/corpora.ts), so that tested-by has work to do. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { syntheticClassName, syntheticPath, VERBS } from './corpora.js';

/** One vitest file per ten source files, calling the class and first helper of its file. */
export function addTests(dir: string, count: number): void {
  for (let i = 0; i < count; i += 10) {
    const path = join(dir, 'test', `module${String(i).padStart(5, '0')}.test.ts`);
    mkdirSync(dirname(path), { recursive: true });
    const spec = relative(dirname(path), join(dir, syntheticPath(i))).replace(/\.ts$/, '.js');
    const cls = syntheticClassName(i);
    writeFileSync(
      path,
      [
        `import { expect, test } from 'vitest';`,
        `import { ${cls}, helper${i}_0 } from '${spec}';`,
        '',
        `test('module ${i}', () => {`,
        `  const service = new ${cls}({ retries: 1, label: 'x' });`,
        `  expect(helper${i}_0(1) + service.${VERBS[i % VERBS.length]}0(1)).toBeGreaterThan(0);`,
        '});',
        '',
      ].join('\n'),
    );
  }
}
