/**
 * Change intelligence pages: a repository's snapshot history (pick two to compare) and the comparison of two
 * indexed commits — changed symbols with before/after signatures and a side-by-side of their lines (hash-verified),
 * the affected callers as graphs, and the tests to run with copy buttons.
 */
import type { DiffRow } from '../../analysis/diff-snapshots.js';
import type {
  ChangedSymbol,
  ChangeReport,
  ChangeSource,
  SnapshotInfo,
} from '../../service/change-service.js';
import type { EdgeDTO, SymbolDTO } from '../../service/query-types.js';
import { renderNeighbourhoodSvg } from '../graph-svg.js';
import { markup, type SafeHtml } from '../html.js';
import { compareUrl, hubUrl, repoUrl, symbolUrl } from '../urls.js';
import {
  breadcrumbs,
  confidenceChip,
  copyButton,
  formatTime,
  kindLabel,
  layout,
  shortSha,
  type PageContext,
} from './layout.js';

const RELATION_NOTES: Partial<Record<ChangeReport['relation'], string>> = {
  descendant:
    'Base is newer than head: this shows the change from base undone (swap for the forward change).',
  diverged: 'Base and head are on diverged branches: both sides’ changes are listed.',
  unrelated: 'Base and head share no history: every difference between the two trees is listed.',
};

/** Changed symbols shown with their lines and caller graph; the rest are listed by name (the API has them all). */
export const MAX_DETAILED_CHANGES = 40;
/** Unchanged lines kept around each changed run in a side-by-side view. */
const CONTEXT_ROWS = 2;
const MAX_ROWS_PER_SYMBOL = 200;

function refNames(s: SnapshotInfo): string[] {
  return [...new Set([...(s.ref ? [s.ref] : []), ...s.refs])];
}

function snapshotLabel(s: SnapshotInfo): SafeHtml {
  const refs = refNames(s);
  return markup`<span class="mono" title="${s.commit}">${shortSha(s.commit)}</span>${refs.length ? markup` <span class="hint">(${refs.join(', ')})</span>` : ''}`;
}

/** The history page: every indexed snapshot of the repo, and a form to compare two of them. */
export function renderHistoryPage(ctx: PageContext, repo: string, history: SnapshotInfo[]): string {
  const newest = history[0];
  const option = (s: SnapshotInfo, selected: boolean): SafeHtml =>
    markup`<option value="${s.commit}"${selected ? ' selected' : ''}>${shortSha(s.commit)}${refNames(s).length ? ` (${refNames(s).join(', ')})` : ''} · ${formatTime(s.indexedAt)}</option>`;
  const form =
    history.length >= 2
      ? markup`<form class="search-form" id="compare-form" action="${compareUrl(repo)}" method="get">
<label>base <select name="base">${history.map((s, i) => option(s, i === 1))}</select></label>
<label>head <select name="head">${history.map((s, i) => option(s, i === 0))}</select></label>
<button type="submit">Compare</button></form>`
      : markup`<p class="empty">Only one snapshot is indexed. Index another commit with <code>codehub index &lt;path&gt; --ref &lt;branch, tag or sha&gt;</code> to compare.</p>`;
  const rows = history.map(
    (s, i) =>
      markup`<tr><td class="mono"><a href="${repoUrl(`${repo}@${s.commit}`)}" title="The repository at this commit">${s.commit}</a></td><td>${refNames(s).join(', ') || markup`<span class="hint">—</span>`}</td><td class="hide-narrow">${s.committedAt ?? '—'}</td><td class="hide-narrow">${formatTime(s.indexedAt)}</td><td>${
        i > 0 && newest
          ? markup`<a href="${compareUrl(repo, s.commit, newest.commit)}">compare with newest</a>`
          : markup`<span class="hint">newest</span>`
      }</td></tr>`,
  );
  const body = markup`
${breadcrumbs([{ label: 'hub', href: hubUrl() }, { label: repo, href: repoUrl(repo) }, { label: 'history' }])}
<h1>Snapshots of ${repo}</h1>
${form}
<h2>Indexed commits <span class="count">${history.length}</span></h2>
<table class="data" id="snapshots"><thead><tr><th>Commit</th><th>Refs</th><th class="hide-narrow">Committed</th><th class="hide-narrow">Indexed</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
  return layout(ctx, `${repo} history`, body);
}

/** Rows around the changes only: runs of unchanged lines longer than the context are folded. */
function foldRows(rows: DiffRow[]): Array<DiffRow | { fold: number }> {
  const keep = rows.map(() => false);
  rows.forEach((r, i) => {
    if (r.op === 'same') return;
    for (let k = Math.max(0, i - CONTEXT_ROWS); k <= Math.min(rows.length - 1, i + CONTEXT_ROWS); k++)
      keep[k] = true;
  });
  const out: Array<DiffRow | { fold: number }> = [];
  let folded = 0;
  rows.forEach((r, i) => {
    if (keep[i]) {
      if (folded) out.push({ fold: folded });
      folded = 0;
      out.push(r);
    } else folded++;
  });
  if (folded) out.push({ fold: folded });
  return out;
}

function sideBySideTable(source: ChangeSource | undefined): SafeHtml {
  if (!source) return markup``;
  if (!source.verified)
    return markup`<div class="error-block" role="alert"><strong>Source not shown:</strong> ${source.error ?? 'a blob failed verification'}</div>`;
  const rows = foldRows(source.rows);
  const shown = rows.slice(0, MAX_ROWS_PER_SYMBOL);
  const cell = (side: DiffRow['left'], cls: string): SafeHtml =>
    side
      ? markup`<td class="ln">${side.line}</td><td class="src ${cls}">${side.text}</td>`
      : markup`<td class="ln"></td><td class="src none"></td>`;
  return markup`<div class="code sbs"><table><tbody>${shown.map((r) =>
    'fold' in r
      ? markup`<tr class="fold"><td colspan="4">${r.fold} unchanged line${r.fold === 1 ? '' : 's'}</td></tr>`
      : markup`<tr class="${r.op}">${cell(r.left, r.op === 'same' ? '' : 'del')}${cell(r.right, r.op === 'same' ? '' : 'ins')}</tr>`,
  )}${rows.length > shown.length ? markup`<tr class="fold"><td colspan="4">+${rows.length - shown.length} more rows</td></tr>` : ''}</tbody></table></div>`;
}

function changeBlock(
  repo: string,
  report: ChangeReport,
  c: ChangedSymbol,
  source: ChangeSource | undefined,
): SafeHtml {
  const inHead = c.change !== 'removed';
  const title = inHead
    ? markup`<a class="mono" href="${symbolUrl(repo, c.id)}">${c.qualifiedName}</a>`
    : markup`<span class="mono">${c.qualifiedName}</span>`;
  const signatures =
    c.before && c.before.signature !== c.signature
      ? markup`<div class="signature"><span class="hint">before</span> <code>${c.before.signature || '()'}</code><br><span class="hint">after</span> <code>${c.signature || '()'}</code></div>`
      : c.signature
        ? markup`<div class="signature"><code>${c.signature}</code></div>`
        : '';
  const callers = report.impacted.filter((i) => i.depth === 1 && i.reaches.includes(c.id));
  const graph =
    inHead && callers.length > 0
      ? markup`<div class="neighbourhood">${renderNeighbourhoodSvg(
          asSymbol(c),
          callers.map((i): EdgeDTO => ({
            id: i.id,
            name: i.name,
            qualifiedName: i.qualifiedName,
            kind: i.kind as EdgeDTO['kind'],
            path: i.path,
            line: 0,
            confidence: i.confidence,
            reason: 'caller',
            callLines: [],
          })),
          [],
          (id) => symbolUrl(repo, id),
        )}</div>`
      : '';
  const where =
    c.before && c.change === 'moved'
      ? markup`${c.before.path}:${c.before.startLine} → ${c.path}:${c.startLine}–${c.endLine}`
      : markup`${c.path}:${c.startLine}–${c.endLine}`;
  return markup`<article class="change" id="${`change-${c.id}`}"><h3><span class="badge ${c.change}">${c.change}</span> <span class="kindtag">${kindLabel(c.kind)}</span> ${title} <span class="hint mono">${where}</span></h3>
${signatures}${sideBySideTable(source)}${graph}</article>`;
}

function asSymbol(c: ChangedSymbol): SymbolDTO {
  return {
    id: c.id,
    name: c.name,
    qualifiedName: c.qualifiedName,
    kind: c.kind as SymbolDTO['kind'],
    path: c.path,
    startLine: c.startLine,
    endLine: c.endLine,
    signature: c.signature,
    returnType: null,
    permalink: null,
    blobSha256: '',
    verified: null,
    exported: false,
    doc: null,
  };
}

/** The comparison page of two snapshots. */
export function renderComparePage(
  ctx: PageContext,
  report: ChangeReport,
  sources: Map<string, ChangeSource>,
): string {
  const repo = report.repo;
  const detailed = report.changed.slice(0, MAX_DETAILED_CHANGES);
  const rest = report.changed.slice(MAX_DETAILED_CHANGES);
  const allCommands = report.commands.map((c) => c.command).join('\n');
  const completeness = report.complete
    ? markup`<p class="hint" id="complete">Complete: no unresolved call or unanalysed file could hide an affected test.</p>`
    : markup`<div class="error-block" id="incomplete"><strong>Lower bound:</strong> these could hide affected tests<ul>${report.incomplete.map(
        (i) => markup`<li><code>${i.reason}</code> ${i.message}</li>`,
      )}</ul></div>`;
  const tests = report.tests.length
    ? markup`<table class="data" id="tests"><thead><tr><th>Test</th><th class="num">Depth</th><th class="num">Confidence</th><th>Run</th></tr></thead><tbody>${report.tests.map(
        (t) =>
          markup`<tr><td><a class="mono" href="${symbolUrl(repo, t.id)}">${t.name}</a><div class="hint mono">${t.path}:${t.startLine}</div></td><td class="num">${t.depth}</td><td class="num">${confidenceChip(t.confidence)}</td><td>${
            t.command ? copyButton('command', t.command) : markup`<span class="hint">runner unknown</span>`
          }</td></tr>`,
      )}</tbody></table>`
    : markup`<p class="empty" id="tests">No test reaches a changed symbol.</p>`;
  const commands = report.commands.length
    ? markup`<div class="actions" id="commands">${copyButton('all commands', allCommands, { id: 'copy-all-tests' })}</div>
<ul class="rows">${report.commands.map((c) => markup`<li class="row"><code>${c.command}</code> ${copyButton('copy', c.command)}</li>`)}</ul>`
    : '';
  const impacted = report.impacted.length
    ? markup`<table class="data" id="impacted"><thead><tr><th>Caller</th><th class="num">Depth</th><th class="num">Confidence</th></tr></thead><tbody>${report.impacted
        .slice(0, 200)
        .map(
          (i) =>
            markup`<tr><td><a class="mono" href="${symbolUrl(repo, i.id)}">${i.qualifiedName}</a><div class="hint mono">${i.path}</div></td><td class="num">${i.depth}</td><td class="num">${confidenceChip(i.confidence)}</td></tr>`,
        )}</tbody></table>${report.impacted.length > 200 ? markup`<p class="hint">+${report.impacted.length - 200} more (see the JSON API)</p>` : ''}`
    : markup`<p class="empty" id="impacted">No caller is affected.</p>`;
  const edgeRows = (list: ChangeReport['edges']['added'], sign: string): SafeHtml[] =>
    list
      .slice(0, 100)
      .map(
        (e) =>
          markup`<li class="row"><span class="mono">${sign}</span> <span class="mono">${e.callerId}</span> → <span class="mono">${e.calleeId ?? `${e.calleeText} (unresolved: ${e.reason})`}</span>${e.confidence === null ? '' : confidenceChip(e.confidence)}</li>`,
      );
  const body = markup`
${breadcrumbs([{ label: 'hub', href: hubUrl() }, { label: repo, href: repoUrl(repo) }, { label: 'history', href: compareUrl(repo) }, { label: 'compare' }])}
<h1>Compare ${shortSha(report.base.commit)}...${shortSha(report.head.commit)}</h1>
<p class="meta" id="compare-snapshots"><span>base</span>${snapshotLabel(report.base)}<span class="dot">→</span><span>head</span>${snapshotLabel(report.head)}<span class="dot">·</span><span>${report.files.added.length} files added, ${report.files.removed.length} removed, ${report.files.modified.length} modified</span><span class="dot">·</span><a href="${compareUrl(repo, report.head.commit, report.base.commit)}">swap</a></p>
${RELATION_NOTES[report.relation] ? markup`<p class="note" id="relation">${RELATION_NOTES[report.relation]}</p>` : ''}
${completeness}
<h2>Tests to run <span class="count">${report.tests.length}</span></h2>
${commands}
${tests}
<h2>Changed symbols <span class="count">${report.changed.length}</span></h2>
<p class="hint">Lines from the content-addressed store, hash-verified; whitespace-only edits are not changes.</p>
<div id="changed">${detailed.length ? detailed.map((c) => changeBlock(repo, report, c, sources.get(c.id))) : markup`<p class="empty">No symbol changed.</p>`}</div>
${rest.length ? markup`<ul class="rows">${rest.map((c) => markup`<li class="row"><span class="badge ${c.change}">${c.change}</span> <span class="mono">${c.qualifiedName}</span> <span class="where">${c.path}:${c.startLine}</span></li>`)}</ul>` : ''}
<h2>Affected callers <span class="count">${report.impacted.length}</span></h2>
${impacted}
<h2>Call edges <span class="count">+${report.edges.added.length} −${report.edges.removed.length}</span></h2>
${report.edges.added.length + report.edges.removed.length ? markup`<ul class="rows" id="edges">${edgeRows(report.edges.added, '+')}${edgeRows(report.edges.removed, '−')}</ul>` : markup`<p class="empty" id="edges">No call edge appeared or went.</p>`}
`;
  return layout(ctx, `${repo} ${shortSha(report.base.commit)}...${shortSha(report.head.commit)}`, body);
}
