/** `codehub show <repo> <symbol>`: the seed page's symbol view as text, or ShowResult as JSON. */
import { CodehubError, isCodehubError } from '../../core/errors.js';
import { createQueryService } from '../../service/query-service.js';
import type { EdgeDTO, ShowResult, SymbolDTO } from '../../service/query-types.js';
import { blobLocation, defaultDataDir, openWorkspace } from '../../service/workspace.js';
import { queryTarget } from '../../service/worktree-overlay.js';
import { EXIT } from '../main.js';
import { kindLabel, parseCommandArgs, printJson } from './command-args.js';

/** Runs `codehub show`; returns the exit code. */
export async function cmdShow(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    context: { type: 'string' },
    'max-lines': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(
      `usage: codehub show <repo>[@commit|@worktree] <symbol> [--json] [--data DIR]   (@worktree: the overlay of 'codehub watch --worktree')\n`,
    );
    return EXIT.ok;
  }
  const [repo, symbol] = positionals;
  if (!repo || !symbol || positionals.length > 2)
    throw new CodehubError('InvalidInput', 'show takes <repo> <symbol>');
  const contextBefore = optionalCount(values.context, '--context');
  const maxLines = optionalCount(values['max-lines'], '--max-lines');
  const ws = openWorkspace(defaultDataDir(values.data), {
    blobs: blobLocation(values.blobs),
    database: values.database,
  });
  let target: ReturnType<typeof queryTarget> | null = null;
  try {
    target = queryTarget(ws, repo);
    const result = await createQueryService(target.ws).show(target.repo, symbol, {
      ...(contextBefore !== undefined ? { contextBefore } : {}),
      ...(maxLines !== undefined ? { maxLines } : {}),
    });
    if (values.json) printJson(result);
    // An overlay's commit object exists only to hold the work tree: the page says what it is instead.
    else
      process.stdout.write(renderShow(result, target.repo === repo ? undefined : 'worktree (uncommitted)'));
    return result.source.verified ? EXIT.ok : EXIT.integrity;
  } catch (err) {
    if (isCodehubError(err) && Array.isArray(err.detail)) return reportWithDetail(err, values.json);
    throw err;
  } finally {
    await target?.close();
    await ws.close();
  }
}

function optionalCount(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new CodehubError('InvalidInput', `${flag} must be a whole number, got '${v}'`);
  return n;
}

/** Ambiguous and not-found answers name what does exist: candidates, or the closest names/paths/repos. */
function reportWithDetail(err: CodehubError, json: boolean): number {
  const detail = err.detail as unknown[];
  const line = err.message.split('\n')[0] ?? err.message;
  process.stderr.write(`codehub: ${line}\n`);
  if (err.code === 'SymbolAmbiguous') {
    const candidates = detail as SymbolDTO[];
    if (json) printJson({ error: { code: err.code, message: line, candidates } });
    else {
      process.stdout.write(`candidates (pass an id):\n`);
      for (const c of candidates) {
        process.stdout.write(`  ${c.id}  ${kindLabel(c.kind)}  ${c.path}:${c.startLine}–${c.endLine}\n`);
      }
    }
  } else if (json) {
    printJson({ error: { code: err.code, message: line, closest: detail } });
  }
  return EXIT[err.code];
}

/** The text rendering of a ShowResult, in the seed page's order; `at` replaces the short commit after `repo@`. */
export function renderShow(r: ShowResult, at = r.repo.commit.slice(0, 12)): string {
  const s = r.symbol;
  const out: string[] = [];
  out.push(`${kindLabel(s.kind)} ${s.name}`);
  out.push(`  ${s.qualifiedName}   id ${s.id}`);
  out.push(`  ${s.path}:${s.startLine}–${s.endLine}   ${r.repo.id}@${at}`);
  if (s.permalink) out.push(`  view source on GitHub: ${s.permalink}`);
  out.push(`  ${s.signature || '(no parameters listed)'}${s.returnType ? ` → ${s.returnType}` : ''}`);
  if (s.doc) out.push(`  ${s.doc}`);
  out.push('');
  const src = r.source;
  if (src.verified) {
    out.push(`Source from the content-addressed store, hash-verified (sha256 ${src.blobSha256})`);
    const width = String(src.startLine + src.lines.length).length;
    src.lines.forEach((text, i) => out.push(`${String(src.startLine + i).padStart(width)}  ${text}`));
    if (src.truncated) {
      const shown = src.startLine + src.lines.length - 1;
      out.push(
        `${'…'.padStart(width)}  (truncated: lines ${shown + 1}–${s.endLine} not shown; --max-lines N shows more)`,
      );
    }
  } else {
    out.push(`Source NOT shown: blob ${src.blobSha256 || '(none)'} failed verification`);
    out.push(`  ${src.error ?? 'unknown error'}`);
  }
  out.push('');
  out.push(r.callers.length > 0 ? `Callers ${r.callers.length}` : 'Callers');
  if (r.callers.length === 0) out.push('  nothing calls this directly');
  else out.push(...edgeRows(r.callers));
  if (r.callersComplete === 'lower_bound') {
    out.push(
      `  (a lower bound: ${r.unresolvedThatMayCall} unresolved call site${r.unresolvedThatMayCall === 1 ? '' : 's'} in the repo could be calls to ${s.name})`,
    );
  }
  out.push('');
  out.push(`Calls ${r.callees.length}`);
  out.push(...edgeRows(r.callees));
  if (r.unresolved.length > 0) {
    out.push('');
    out.push(`Unresolved calls ${r.unresolved.length}`);
    const w = Math.max(...r.unresolved.map((u) => u.text.length));
    for (const u of r.unresolved) out.push(`  ${u.text.padEnd(w)}  ${u.reason}  line ${u.line}`);
  }
  out.push('');
  out.push(r.tests.length > 0 ? `Tested by ${r.tests.length}` : 'Tested by');
  if (r.tests.length === 0)
    out.push(
      r.testsComplete === 'exact'
        ? '  no test coverage detected'
        : '  no test coverage detected in the test files that were analysed',
    );
  for (const t of r.tests) {
    out.push(
      `  ${t.name}  depth ${t.depth}  ${t.confidence.toFixed(2)}  ${t.path}:${t.startLine}${t.command ? `  $ ${t.command}` : ''}`,
    );
  }
  if (r.testsComplete === 'lower_bound')
    out.push(
      `  (a lower bound: some test files could not be analysed${r.testsNotAnalysed?.length ? `: ${r.testsNotAnalysed.join(', ')}` : ''})`,
    );
  return `${out.join('\n')}\n`;
}

function edgeRows(edges: EdgeDTO[]): string[] {
  const nameW = Math.max(0, ...edges.map((e) => e.name.length));
  const kindW = Math.max(0, ...edges.map((e) => e.kind.length));
  const reasonW = Math.max(0, ...edges.map((e) => e.reason.length));
  return edges.map((e) => {
    const cands = e.candidates !== undefined && e.candidates > 1 ? `  (1 of ${e.candidates} candidates)` : '';
    const where = `  ${e.path}:${e.line}`;
    return `  ${e.name.padEnd(nameW)}  ${kindLabel(e.kind).padEnd(kindW)}  ${e.confidence.toFixed(2)}  ${e.reason.padEnd(reasonW)}${where}  line${e.callLines.length === 1 ? '' : 's'} ${e.callLines.join(', ')}${cands}`;
  });
}
