/**
 * The symbol page, modelled element by element on the seed page: breadcrumbs, MCP copy, kind + name,
 * `path:start–end` with the permalink, signature, the hash-verified source, the neighbourhood picture,
 * Callers, Calls N, unresolved calls, Tested by. A pure function of the service's answer.
 */
import { DEFAULT_MIN_CONFIDENCE } from '../../core/confidence.js';
import type { EdgeDTO, ShowResult, TestDTO } from '../../service/query-types.js';
import { splitPinnedRepo } from '../../service/snapshot-pin.js';
import { renderNeighbourhoodSvg } from '../graph-svg.js';
import { markup, type SafeHtml } from '../html.js';
import { blobUrl, hubUrl, repoUrl, symbolUrl } from '../urls.js';
import {
  breadcrumbs,
  codeTable,
  confidenceChip,
  copyButton,
  kindLabel,
  layout,
  mcpConfig,
  type PageContext,
} from './layout.js';

/** The source section: highlighted lines, or the reason no source is shown. */
export type SymbolSource =
  | {
      ok: true;
      blobSha256: string;
      /** First line number of `lines` (context lines come before the symbol's start). */
      startLine: number;
      /** One HTML string per line (highlighted or escaped). */
      lines: string[];
      /** Lines exist past the last shown one; `expandUrl` shows all of them. */
      truncated: boolean;
      expandUrl: string | null;
    }
  | { ok: false; blobSha256: string; message: string };

/** The reference the second copy button copies: `host/owner/name@<sha>:<path>#L<start>-L<end> <qualifiedName>`. */
export function symbolReference(show: ShowResult): string {
  const s = show.symbol;
  return `${show.repo.id}@${show.repo.commit}:${s.path}#L${s.startLine}-L${s.endLine} ${s.qualifiedName}`;
}

function edgeRow(repo: string, e: EdgeDTO, role: 'caller' | 'callee'): SafeHtml {
  const lines = e.callLines.length ? e.callLines.map((n) => `L${n}`).join(', ') : 'unknown';
  const candidates = e.candidates && e.candidates > 1 ? markup` · ${e.candidates} candidates` : '';
  return markup`<li><details><summary><a class="name" href="${symbolUrl(repo, e.id)}">${e.name}</a><span class="kindtag">${kindLabel(e.kind)}</span> · ${confidenceChip(e.confidence)}<span class="where">${e.path}:${e.line}</span></summary><div class="why">reason <code>${e.reason}</code>${candidates} · call site${e.callLines.length === 1 ? '' : 's'} ${role === 'caller' ? `in ${e.path}` : 'in this file'}: <span class="mono">${lines}</span></div></details></li>`;
}

function testRow(repo: string, t: TestDTO): SafeHtml {
  return markup`<li><div class="row"><a class="name" href="${symbolUrl(repo, t.id)}">${t.name}</a><span class="kindtag">depth ${t.depth}</span> · ${confidenceChip(t.confidence)}<span class="where">${t.path}:${t.startLine}</span></div>${
    t.command
      ? markup`<div class="why">run: <code>${t.command}</code> ${copyButton('command', t.command)}</div>`
      : markup`<div class="why">runner unknown: no run command</div>`
  }</li>`;
}

/**
 * Which edges the page lists: the default view hides those below DEFAULT_MIN_CONFIDENCE (guesses) and says how
 * many there are, with a link to the full view (`?edges=all`) that lists every edge.
 */
export interface EdgeView {
  all: boolean;
  /** The same page in the other view. */
  toggleUrl: string;
}

/** Renders the whole symbol page. */
export function renderSymbolPage(
  ctx: PageContext,
  shown: ShowResult,
  source: SymbolSource,
  view: EdgeView = { all: true, toggleUrl: '' },
): string {
  const keep = (e: EdgeDTO): boolean => view.all || e.confidence >= DEFAULT_MIN_CONFIDENCE;
  const show: ShowResult = {
    ...shown,
    callers: shown.callers.filter(keep),
    callees: shown.callees.filter(keep),
  };
  const hidden = shown.callers.length - show.callers.length + shown.callees.length - show.callees.length;
  const viewNote = view.all
    ? view.toggleUrl && shown.callers.concat(shown.callees).some((e) => e.confidence < DEFAULT_MIN_CONFIDENCE)
      ? markup`<p class="note" id="edge-view">all edges, guesses below ${DEFAULT_MIN_CONFIDENCE.toFixed(2)} included · <a href="${view.toggleUrl}">default view</a></p>`
      : ''
    : hidden > 0
      ? markup`<p class="note" id="edge-view">${hidden} lower-confidence edge${hidden === 1 ? '' : 's'} (below ${DEFAULT_MIN_CONFIDENCE.toFixed(2)}) not listed · <a href="${view.toggleUrl}" id="show-all-edges">show all</a></p>`
      : '';
  const { repo, symbol } = show;
  const range = `${symbol.path}:${symbol.startLine}–${symbol.endLine}`;
  const fileHref = blobUrl(repo.id, symbol.path);
  const ret = symbol.returnType ? markup`<span class="ret">: ${symbol.returnType}</span>` : '';

  const sourceBlock = source.ok
    ? markup`<div class="provenance" id="provenance"><span class="ok">✓</span><span>Source from the content-addressed store, hash-verified</span><span class="sha" title="blob sha256">sha256:${source.blobSha256}</span></div>${codeTable(
        source.startLine,
        source.lines,
        {
          contextUntil: symbol.startLine,
          lineHref: (n) => `${fileHref}#L${n}`,
          trailer: source.truncated
            ? markup`<tr class="trunc"><td colspan="2">⋯ ${symbol.endLine - (source.startLine + source.lines.length - 1)} more lines${
                source.expandUrl
                  ? markup` · <a href="${source.expandUrl}" id="expand-source">show all ${symbol.endLine - symbol.startLine + 1} lines</a>`
                  : ''
              }</td></tr>`
            : undefined,
        },
      )}`
    : markup`<div class="error-block" role="alert" id="source-error"><strong>Source withheld: the stored blob failed verification.</strong><br>Blob <code>sha256:${source.blobSha256}</code> — ${source.message} Re-index the repository to restore it.</div>`;

  const callersNote =
    show.callersComplete === 'lower_bound'
      ? markup`<p class="note" id="callers-lower-bound">lower bound: ${show.unresolvedThatMayCall} call site${show.unresolvedThatMayCall === 1 ? '' : 's'} in this repo ${show.unresolvedThatMayCall === 1 ? 'is' : 'are'} unresolved and could call this</p>`
      : '';
  const callers = show.callers.length
    ? markup`<ul class="rows" id="callers">${show.callers.map((e) => edgeRow(repo.id, e, 'caller'))}</ul>`
    : markup`<p class="empty" id="callers">nothing calls this directly</p>`;

  const callsCount = show.callees.length + show.unresolved.length;
  const calls = show.callees.length
    ? markup`<ul class="rows" id="calls">${show.callees.map((e) => edgeRow(repo.id, e, 'callee'))}</ul>`
    : markup`<p class="empty" id="calls">calls nothing resolved in this repo</p>`;
  const unresolved = show.unresolved.length
    ? markup`<h3 class="hint" id="unresolved-title">Unresolved calls · ${show.unresolved.length}</h3><ul class="rows" id="unresolved">${show.unresolved.map(
        (u) =>
          markup`<li><div class="row"><code class="name">${u.text}</code><span class="kindtag">${u.reason}</span><span class="where">L${u.line}</span></div></li>`,
      )}</ul>`
    : '';

  const testsNote =
    show.testsComplete === 'lower_bound'
      ? markup`<p class="note" id="tests-lower-bound">lower bound: some test files could not be analysed</p>`
      : '';
  const tests = show.tests.length
    ? markup`<ul class="rows" id="tests">${show.tests.map((t) => testRow(repo.id, t))}</ul>`
    : markup`<p class="empty" id="tests">no test coverage detected</p>`;

  const body = markup`
${breadcrumbs([{ label: 'hub', href: hubUrl() }, { label: repo.id, href: repoUrl(repo.id) }, { label: symbol.name }])}
<div class="actions">${copyButton('MCP', mcpConfig(ctx.mcpUrl, ctx.mcpNeedsToken), { id: 'copy-mcp-symbol', title: 'Copy the MCP client config for this hub' })}${copyButton('reference', symbolReference(show), { id: 'copy-ref' })}</div>
<h1 id="symbol-title"><span class="kind">${kindLabel(symbol.kind)}</span> ${symbol.name}</h1>
<p class="meta" id="symbol-location"><a class="mono" href="${blobUrl(repo.id, symbol.path, symbol.startLine)}">${range}</a>${
    symbol.permalink
      ? markup`<span class="dot">·</span><a href="${symbol.permalink}" rel="noreferrer" id="permalink">view source on GitHub ↗</a>`
      : ''
  }<span class="dot">·</span><a class="mono" id="symbol-commit" href="${symbolUrl(`${splitPinnedRepo(repo.id).repoId}@${repo.commit}`, symbol.id)}" title="This page at commit ${repo.commit} (a permalink)">${repo.ref ? `${repo.ref}@` : 'commit '}${repo.commit.slice(0, 12)}</a>${
    symbol.qualifiedName !== symbol.name
      ? markup`<span class="dot">·</span><span class="mono">${symbol.qualifiedName}</span>`
      : ''
  }</p>
<pre class="signature" id="signature">${symbol.signature || '()'}${ret}</pre>
${symbol.doc ? markup`<p class="doc">${symbol.doc}</p>` : ''}
${sourceBlock}
<h2 id="neighbourhood-title">Neighbourhood</h2>
<div class="neighbourhood">${renderNeighbourhoodSvg(symbol, show.callers, show.callees, (id) => symbolUrl(repo.id, id))}</div>
${viewNote}<h2 id="callers-title">Callers <span class="count">${show.callers.length}${show.callersComplete === 'lower_bound' ? '+' : ''}</span></h2>
${callers}${callersNote}
<h2 id="calls-title">Calls <span class="count">${callsCount}</span></h2>
${calls}${unresolved}
<h2 id="tests-title">Tested by <span class="count">${show.tests.length}</span></h2>
${tests}${testsNote}
`;
  return layout(ctx, `${kindLabel(symbol.kind)} ${symbol.qualifiedName} · ${repo.id}`, body);
}
