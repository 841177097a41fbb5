/**
 * The one place where errors become MCP answers: a CodehubError from the service turns into an
 * `isError` tool result whose text tells the agent what exists and what to call next.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { classifyError, isCodehubError } from '../core/errors.js';
import { jsonPrefix, resultBytes } from './answer-budget.js';
import { LIMITS } from './schemas.js';

const MAX_LISTED = 20;

/** Converts anything a tool handler threw into an `isError` result an agent can act on. */
export function toolErrorResult(err: unknown): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: errorText(err) }] };
}

/**
 * The result as it may be sent: within LIMITS.answerBytes. Each tool cuts its own lists and source to fit, so only
 * an item too large by itself (a symbol name of megabytes) gets here: an error's text is cut to fit, an answer is
 * replaced by an error that says so.
 */
export function withinAnswerCap(tool: string, result: CallToolResult): CallToolResult {
  const bytes = resultBytes(result);
  if (bytes <= LIMITS.answerBytes) return result;
  const first = result.content[0];
  if (result.isError && first?.type === 'text') {
    const keep = jsonPrefix(first.text, LIMITS.answerBytes - 1024).chars;
    return {
      isError: true,
      content: [{ type: 'text', text: `${first.text.slice(0, keep)}… [cut at the answer cap]` }],
    };
  }
  const text =
    `Error [AnswerTooLarge]: the ${tool} answer would be ${bytes} bytes, over the ${LIMITS.answerBytes}-byte cap on every answer, ` +
    'even with its lists cut to fit: one item in it is too large by itself. Ask about something narrower.';
  return { isError: true, content: [{ type: 'text', text }] };
}

function errorText(thrown: unknown): string {
  const err = classifyError(thrown);
  if (!isCodehubError(err)) {
    return `Error [Internal]: ${err instanceof Error ? err.message : String(err)}. This is a codehub bug; the query was not answered.`;
  }
  const head = `Error [${err.code}]: ${err.message}`;
  const listed = describeDetail(err.detail);
  switch (err.code) {
    case 'SymbolAmbiguous':
      return `${head}\nThe symbol is ambiguous; call again with one of these ids as \`symbol\`:\n${listed || '(no candidates given)'}`;
    case 'SymbolNotFound':
      return `${head}\n${listed ? `Closest existing symbols:\n${listed}` : 'No similar symbol exists; try search_symbols.'}`;
    case 'RepoNotFound':
      return `${head}\n${listed ? `Indexed repos that come closest:\n${listed}` : 'No similar repo is indexed; call list_repos.'}`;
    case 'PathNotFound':
      return `${head}\n${listed ? `Closest existing paths:\n${listed}` : 'Paths are relative to the repo root.'}`;
    case 'BlobHashMismatch':
    case 'BlobMissing':
      return `${head}\nThe stored file failed verification, so its text is not served. Run 'codehub verify --repair' to restore it from git, or re-index the repo.`;
    case 'BlobStoreUnavailable':
      return `${head}\nThe hub's blob store did not answer; the query can be retried later.`;
    default:
      return listed ? `${head}\n${listed}` : head;
  }
}

function describeDetail(detail: unknown): string {
  if (!Array.isArray(detail)) return '';
  const lines = detail.slice(0, MAX_LISTED).map((item) => `- ${describeItem(item)}`);
  if (detail.length > MAX_LISTED) lines.push(`- … and ${detail.length - MAX_LISTED} more`);
  return lines.join('\n');
}

function describeItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const id = typeof o.id === 'string' ? o.id : null;
    const where =
      typeof o.path === 'string'
        ? `${o.path}${typeof o.startLine === 'number' ? `:${o.startLine}` : ''}`
        : null;
    const what =
      typeof o.kind === 'string' && typeof o.qualifiedName === 'string'
        ? `${o.kind} ${o.qualifiedName}`
        : null;
    if (id) return [id, what && where ? `(${what}, ${where})` : (what ?? where)].filter(Boolean).join(' ');
  }
  return JSON.stringify(item);
}
