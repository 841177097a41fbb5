/**
 * MCP tools over the change service: `change_impact` (what changed between two indexed commits, who is affected,
 * which tests to run) and `tests_for_symbols` (the tests to run if some symbols change). Both answer under the
 * per-answer cap: the lists are cut together, and the answer says so.
 */
import { z } from 'zod';
import { CodehubError } from '../core/errors.js';
import type { ChangeReport, ChangeService, SnapshotInfo, TestToRun } from '../service/change-service.js';
import { comparePatch } from '../service/worktree-diff.js';
import { cutForCap, fitItems, type Answer } from './answer-budget.js';
import { LIMITS, repoInput } from './schemas.js';

const spec = z
  .string()
  .min(1)
  .max(256)
  .describe('An indexed commit sha (or its first 4+ hex digits), or a branch or tag that names one.');
const limit = z.number().int().min(1).max(LIMITS.maxLimit);
const depth = z.number().int().min(1).max(LIMITS.maxDepth);

export const changeToolInputs = {
  change_impact: z.object({
    repo: repoInput,
    base: spec,
    head: spec.optional().describe('The indexed commit or ref to compare with base; or give diff instead.'),
    diff: z
      .string()
      .min(1)
      .max(512 * 1024)
      .optional()
      .describe(
        'A unified diff (git diff output) of your own edit, applied to base instead of a head commit.',
      ),
    depth: depth
      .optional()
      .describe('Caller hops listed as impacted, 1-5 (default 3); tests are found deeper.'),
    limit: limit.optional().describe(`Most entries per list (default ${LIMITS.defaultListLimit}).`),
  }),
  tests_for_symbols: z.object({
    repo: repoInput,
    symbols: z
      .array(z.string().min(1).max(512))
      .min(1)
      .max(200)
      .describe('Symbol ids, as search_symbols gives them.'),
    at: spec.optional().describe('Snapshot to answer from (default: the newest).'),
    limit: limit.optional().describe(`Most tests listed (default ${LIMITS.defaultListLimit}).`),
  }),
};

/** `T | null` kept as anyOf (not folded into a type list), as the other tools publish it. */
const orNull = <T extends z.ZodType>(schema: T, whenNull: string) =>
  z.union([schema, z.null().describe(whenNull)]);
const snapshotOut = z.object({
  commit: z.string(),
  ref: orNull(z.string(), 'Indexed without --ref.'),
  refs: z.array(z.string()),
});
const testOut = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  startLine: z.number(),
  command: orNull(z.string(), 'Nothing names the runner.'),
  reaches: z.array(z.string()),
  depth: z.number(),
  confidence: z.number(),
});
const impactedOut = z.object({
  id: z.string(),
  qualifiedName: z.string(),
  path: z.string(),
  depth: z.number(),
  confidence: z.number(),
});

export const changeToolOutputs = {
  change_impact: z.object({
    repo: z.string(),
    base: snapshotOut,
    head: snapshotOut,
    changed: z.array(
      z.object({
        id: z.string(),
        qualifiedName: z.string(),
        kind: z.string(),
        path: z.string(),
        change: z.enum(['added', 'removed', 'modified', 'moved']),
        startLine: z.number(),
        endLine: z.number(),
        movedFrom: orNull(z.string(), 'Not moved.').describe('The base id of a moved or renamed symbol.'),
      }),
    ),
    impacted: z.array(impactedOut),
    tests: z.array(testOut),
    commands: z.array(z.string()),
    complete: z.boolean(),
    incomplete: z.array(z.string()),
    truncated: z.boolean(),
  }),
  tests_for_symbols: z.object({
    repo: z.string(),
    commit: z.string(),
    symbols: z.array(z.string()),
    tests: z.array(testOut),
    commands: z.array(z.string()),
    complete: z.boolean(),
    incomplete: z.array(z.string()),
    truncated: z.boolean(),
  }),
};

/** The registration helper of the MCP server (errors to results, the answer cap). */
type RegisterTool = <I extends z.ZodObject, O extends z.ZodObject>(
  name: string,
  description: string,
  input: I,
  output: O,
  run: (args: z.infer<I>) => Promise<Answer<z.infer<O>>>,
) => void;

function snap(s: SnapshotInfo): z.infer<typeof snapshotOut> {
  return { commit: s.commit, ref: s.ref, refs: s.refs };
}

function label(s: SnapshotInfo): string {
  const refs = [...new Set([...(s.ref ? [s.ref] : []), ...s.refs])];
  return `${s.commit.slice(0, 12)}${refs.length ? ` (${refs.join(', ')})` : ''}`;
}

function testLines(tests: readonly TestToRun[]): string[] {
  return tests.map(
    (t) =>
      `- ${t.name} (${t.path}:${t.startLine}; depth ${t.depth}, confidence ${t.confidence.toFixed(2)}; reaches ${t.reaches.join(', ')})\n  run: ${t.command ?? '(runner unknown)'}`,
  );
}

/** Registers change_impact and tests_for_symbols on a server. */
export function registerChangeTools(tool: RegisterTool, changes: ChangeService): void {
  tool(
    'change_impact',
    'What changed between two indexed commits, or a snapshot and your own unified diff: symbols changed, impacted callers, and the tests to run with their commands. Use it after an edit to pick tests.',
    changeToolInputs.change_impact,
    changeToolOutputs.change_impact,
    async ({ repo, base, head, diff, depth, limit }) => {
      const options = depth === undefined ? {} : { depth };
      let r: ChangeReport;
      if (head !== undefined && diff === undefined) r = await changes.compare(repo, base, head, options);
      else if (diff !== undefined && head === undefined)
        r = await comparePatch(changes, { repoId: repo, base, diff, ...options });
      else
        throw new CodehubError(
          'InvalidInput',
          'give head (an indexed commit or ref) or diff (a unified diff), one of them',
        );
      const max = limit ?? LIMITS.defaultListLimit;
      const longest = Math.min(max, Math.max(r.changed.length, r.impacted.length, r.tests.length));
      return fitItems(longest, (n) => {
        const changed = r.changed.slice(0, n).map((c) => ({
          id: c.id,
          qualifiedName: c.qualifiedName,
          kind: c.kind,
          path: c.path,
          change: c.change,
          startLine: c.startLine,
          endLine: c.endLine,
          movedFrom: c.change === 'moved' ? (c.before?.id ?? null) : null,
        }));
        const impacted = r.impacted.slice(0, n).map((i) => ({
          id: i.id,
          qualifiedName: i.qualifiedName,
          path: i.path,
          depth: i.depth,
          confidence: i.confidence,
        }));
        const tests = r.tests.slice(0, n);
        const truncated = r.changed.length > n || r.impacted.length > n || r.tests.length > n;
        const why =
          n < longest
            ? `; ${cutForCap(n, longest, 'lower limit')}`
            : truncated
              ? `; lists cut at limit ${max}`
              : '';
        const incomplete = r.incomplete.map((i) => `${i.reason}: ${i.message}`);
        const text = [
          `${r.repo} ${label(r.base)} → ${label(r.head)}: ${r.changed.length} changed symbol(s), ${r.impacted.length} impacted caller(s), ${r.tests.length} test(s) to run${why}`,
          ...changed.map(
            (c) =>
              `- ${c.change} ${c.kind} ${c.qualifiedName} ${c.path}:${c.startLine}-${c.endLine}${c.movedFrom ? ` (from ${c.movedFrom})` : ''}`,
          ),
          tests.length ? 'Tests to run:' : 'No test reaches a changed symbol.',
          ...testLines(tests),
          ...(r.commands.length
            ? ['Commands (one per test file):', ...r.commands.map((c) => `  ${c.command}`)]
            : []),
          r.complete
            ? 'Complete: nothing unresolved or unanalysed could hide an affected test.'
            : `Lower bound: ${incomplete.slice(0, 5).join('; ')}`,
        ].join('\n');
        return {
          text,
          data: {
            repo: r.repo,
            base: snap(r.base),
            head: snap(r.head),
            changed,
            impacted,
            tests,
            commands: r.commands.map((c) => c.command),
            complete: r.complete,
            incomplete,
            truncated,
          },
        };
      });
    },
  );

  tool(
    'tests_for_symbols',
    'The tests to run if the given symbols change: every test reaching them or their callers, with depth, confidence and command, plus one command per test file. Use it before or after editing those symbols.',
    changeToolInputs.tests_for_symbols,
    changeToolOutputs.tests_for_symbols,
    async ({ repo, symbols, at, limit }) => {
      const r = await changes.testsForSymbols(repo, symbols, at === undefined ? {} : { at });
      const max = limit ?? LIMITS.defaultListLimit;
      const listed = Math.min(max, r.tests.length);
      return fitItems(listed, (n) => {
        const tests = r.tests.slice(0, n);
        const truncated = r.tests.length > n;
        const why =
          n < listed
            ? `; ${cutForCap(n, r.tests.length, 'lower limit')}`
            : truncated
              ? `; first ${max} shown (raise limit)`
              : '';
        const incomplete = r.incomplete.map((i) => `${i.reason}: ${i.message}`);
        const text = [
          `${r.repo}@${r.snapshot.commit.slice(0, 12)}: ${r.tests.length} test(s) reach ${r.symbols.length} symbol(s) or their callers${why}`,
          ...testLines(tests),
          ...(r.commands.length
            ? ['Commands (one per test file):', ...r.commands.map((c) => `  ${c.command}`)]
            : []),
          r.complete
            ? 'Complete: nothing unresolved or unanalysed could hide a test.'
            : `Lower bound: ${incomplete.slice(0, 5).join('; ')}`,
        ].join('\n');
        return {
          text,
          data: {
            repo: r.repo,
            commit: r.snapshot.commit,
            symbols: r.symbols,
            tests,
            commands: r.commands.map((c) => c.command),
            complete: r.complete,
            incomplete,
            truncated,
          },
        };
      });
    },
  );
}
