// Regenerates the golden files (expected.txt) of every language plug-in's fixtures from the current analysis.
// Run after `npx tsc -p .` (npm run golden:update does both); review the diff before committing it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { goldenCases, analyseFolder, renderGolden } = await import('../dist/test/languages/golden.js');
const { allPlugins, initPlugins } = await import('../dist/src/languages/registry.js');
await initPlugins(allPlugins);

for (const plugin of allPlugins) {
  for (const c of goldenCases(root, `src/languages/${plugin.id}/fixtures`)) {
    writeFileSync(c.expectedPath, renderGolden(analyseFolder(plugin, c.sourceDir)));
    console.log(`wrote ${c.expectedPath.slice(root.length)}`);
  }
}
