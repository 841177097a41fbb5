/** The eval-small fixture: where it is, and its hand-written truth as the comparison reads it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CallCategory, CompilerTruth, TruthEdge, TruthSite } from '../../src/eval/compiler-truth.js';

// Tests run from dist/test/eval; fixtures stay in the source tree.
export const EVAL_SMALL_DIR = fileURLToPath(new URL('../../../test/fixtures/eval-small/', import.meta.url));

export interface ExpectedTruth {
  edges: TruthEdge[];
  outside: Array<[string, number]>;
  unresolved: Array<[string, number]>;
}

/** The hand-written truth of eval-small. */
export function readExpectedTruth(): ExpectedTruth {
  return JSON.parse(readFileSync(`${EVAL_SMALL_DIR}expected-truth.json`, 'utf8')) as ExpectedTruth;
}

/** The hand-written truth in the shape compareWithTruth takes. */
export function expectedAsTruth(): Pick<CompilerTruth, 'edges' | 'outside' | 'unresolved' | 'files'> {
  const expected = readExpectedTruth();
  const site = ([path, line]: [string, number], category: CallCategory): TruthSite => ({
    path,
    line,
    kind: 'call',
    category,
    calleeText: `${path}:${line}`,
  });
  return {
    edges: expected.edges,
    // Categories of the outside sites as the fixture has them (trim/map are method calls on typed values).
    outside: expected.outside.map((s) => site(s, 'method on typed local/param')),
    unresolved: expected.unresolved.map((s) => site(s, 'other')),
    files: ['src/index.ts', 'src/service.ts', 'src/util.ts'],
  };
}
