import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRepo } from '../../src/analysis/resolve-repo.js';
import { typescriptPlugin } from '../../src/languages/typescript/typescript-plugin.js';

const FILES: Record<string, string> = {
  'src/shapes.ts': `export class Circle { area(): number { return 1; } }
export function describe(c: Circle): string { return String(c.area()); }
`,
  'src/main.ts': `import { Circle, describe } from './shapes';
export function run(): void { const c = new Circle(); console.log(describe(c), c.area()); }
`,
};

function resolveWith(releaseCallSites: boolean) {
  const files = Object.entries(FILES).map(([path, text]) => ({
    path,
    facts: typescriptPlugin.analyze(path, text),
  }));
  const moduleResolver = typescriptPlugin.createModuleResolver({
    files: new Set(Object.keys(FILES)),
    configs: new Map(),
  });
  return { files, out: resolveRepo({ files, moduleResolver, releaseCallSites }) };
}

describe('resolution that releases call sites', () => {
  it('draws the same edges and stats, and leaves every file without call sites', () => {
    const kept = resolveWith(false);
    const released = resolveWith(true);
    assert.ok(kept.out.edges.some((e) => e.calleeId === 'src/shapes.ts::Circle.area:method'));
    assert.deepEqual(released.out, kept.out);
    assert.ok(kept.files.every((f) => f.facts.callSites.length > 0));
    assert.ok(released.files.every((f) => f.facts.callSites.length === 0));
  });
});
