/** `codehub diff <repo> <base> <head>`: what changed between two indexed commits, who is affected, which tests to run. */
import { CodehubError } from '../../core/errors.js';
import { createChangeService, type ChangeReport, type SnapshotInfo } from '../../service/change-service.js';
import { blobLocation, defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { EXIT } from '../main.js';
import { kindLabel, parseCommandArgs, printJson } from './command-args.js';

const USAGE =
  'usage: codehub diff <repo> <base> <head> [--depth 1-5] [--json] [--data DIR] [--blobs LOC] [--database URL]   (base/head: indexed commits or refs)\n' +
  '       codehub diff <repo> <base> --worktree <path>   (the uncommitted state of a checkout, never published)';

/** Runs `codehub diff`; returns the exit code. */
export async function cmdDiff(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    depth: { type: 'string' },
    worktree: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const [repo, base, head] = positionals;
  const usage =
    'diff takes <repo> <base> <head> (two indexed commits or refs), or <repo> <base> --worktree <path>';
  let depth: number | undefined;
  if (values.depth !== undefined) {
    depth = Number(values.depth);
    if (!Number.isInteger(depth) || depth < 1 || depth > 5)
      throw new CodehubError('InvalidInput', `--depth must be 1 to 5 call hops, got '${values.depth}'`);
  }
  if (values.worktree !== undefined) {
    if (!repo || !base || positionals.length > 2) throw new CodehubError('InvalidInput', usage);
    const { compareWorktree } = await import('../../service/worktree-diff.js');
    const report = await compareWorktree({
      repoId: repo,
      base,
      worktree: values.worktree,
      ...(depth === undefined ? {} : { depth }),
    });
    if (values.json) printJson(report);
    else process.stdout.write(renderDiff(report));
    return EXIT.ok;
  }
  if (!repo || !base || !head || positionals.length > 3) throw new CodehubError('InvalidInput', usage);
  const ws = openWorkspace(defaultDataDir(values.data), {
    blobs: blobLocation(values.blobs),
    database: values.database,
  });
  try {
    const report = await createChangeService(ws).compare(
      repo,
      base,
      head,
      depth === undefined ? {} : { depth },
    );
    if (values.json) printJson(report);
    else process.stdout.write(renderDiff(report));
    return EXIT.ok;
  } finally {
    await ws.close();
  }
}

const RELATION_NOTES: Partial<Record<ChangeReport['relation'], string>> = {
  descendant:
    'base is newer than head: this shows the change from base undone (swap them for the forward change)',
  diverged: 'base and head are on diverged branches: the comparison includes both sides’ changes',
  unrelated: 'base and head share no history: every difference between the two trees is listed',
  unknown: 'git could not say how base and head relate (the repository is gone or lacks a commit)',
};

function label(s: SnapshotInfo, worktree?: string): string {
  if (worktree !== undefined) return `work tree ${worktree} (uncommitted)`;
  const names = [...new Set([...(s.ref ? [s.ref] : []), ...s.refs])];
  return `${s.commit.slice(0, 12)}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
}

/** The text rendering of a change report: changed symbols, edges, impacted callers, tests and their commands. */
export function renderDiff(r: ChangeReport): string {
  const out: string[] = [];
  out.push(
    `${r.repo}  ${label(r.base)} → ${label(r.head, 'worktree' in r ? String(r.worktree) : undefined)}`,
  );
  const relation = RELATION_NOTES[r.relation];
  if (relation) out.push(`note: ${relation}`);
  out.push(
    `files: ${r.files.added.length} added, ${r.files.removed.length} removed, ${r.files.modified.length} modified`,
  );
  out.push('');
  out.push(r.changed.length === 0 ? 'no symbol changed' : `changed symbols (${r.changed.length})`);
  for (const c of r.changed) {
    const from = c.before && c.change === 'moved' ? `   (from ${c.before.id})` : '';
    out.push(
      `  ${c.change.padEnd(8)}  ${kindLabel(c.kind).padEnd(11)}  ${c.qualifiedName}  ${c.path}:${c.startLine}–${c.endLine}${from}`,
    );
  }
  out.push('');
  out.push(`edges: ${r.edges.added.length} added, ${r.edges.removed.length} removed`);
  for (const [sign, list] of [
    ['+', r.edges.added],
    ['-', r.edges.removed],
  ] as const) {
    for (const e of list.slice(0, 50))
      out.push(
        `  ${sign} ${e.callerId} → ${e.calleeId ?? `${e.calleeText} (unresolved: ${e.reason})`}${e.confidence === null ? '' : `  ${e.confidence.toFixed(2)} ${e.reason}`}`,
      );
    if (list.length > 50) out.push(`  ${sign} … and ${list.length - 50} more (--json lists them all)`);
  }
  out.push('');
  out.push(r.impacted.length === 0 ? 'no callers affected' : `impacted callers (${r.impacted.length})`);
  for (const i of r.impacted.slice(0, 100))
    out.push(`  depth ${i.depth}  ${i.confidence.toFixed(2)}  ${i.qualifiedName}  ${i.path}`);
  if (r.impacted.length > 100) out.push(`  … and ${r.impacted.length - 100} more (--json lists them all)`);
  out.push('');
  out.push(r.tests.length === 0 ? 'no test reaches a changed symbol' : `tests to run (${r.tests.length})`);
  for (const t of r.tests) {
    out.push(`  depth ${t.depth}  ${t.confidence.toFixed(2)}  ${t.name}  ${t.path}:${t.startLine}`);
    out.push(`    ${t.command ?? '(no runner named for this file: run it with your test runner)'}`);
  }
  if (r.commands.length > 0) {
    out.push('');
    out.push('commands (one per test file):');
    for (const c of r.commands) out.push(`  ${c.command}`);
  }
  out.push('');
  if (r.complete) out.push('complete: no unresolved call or unanalysed file could hide an affected test');
  else {
    out.push('incomplete: these could hide affected tests');
    for (const why of r.incomplete) out.push(`  ${why.reason}: ${why.message}`);
  }
  return `${out.join('\n')}\n`;
}
