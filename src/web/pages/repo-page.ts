/** The repo overview: snapshot, languages, file tree, most-called symbols, untested hotspots, analysis coverage. */
import type { FileDTO, RepoOverview, SymbolDTO } from '../../service/query-types.js';
import { splitPinnedRepo } from '../../service/snapshot-pin.js';
import { markup, type SafeHtml } from '../html.js';
import { blobUrl, compareUrl, hubUrl, symbolUrl } from '../urls.js';
import { languageBar } from './hub-page.js';
import { breadcrumbs, formatTime, kindLabel, layout, type PageContext } from './layout.js';

/** Files listed in the tree before it says "N more"; the API lists all of them. */
export const MAX_TREE_FILES = 2000;

interface TreeDir {
  dirs: Map<string, TreeDir>;
  files: FileDTO[];
}

function buildTree(files: FileDTO[]): TreeDir {
  const root: TreeDir = { dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (!next) dir.dirs.set(part, (next = { dirs: new Map(), files: [] }));
      dir = next;
    }
    dir.files.push(f);
  }
  return root;
}

function renderTree(repo: string, dir: TreeDir, depth: number): SafeHtml {
  const dirs = [...dir.dirs.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const files = [...dir.files].sort((a, b) => a.path.localeCompare(b.path));
  return markup`<ul>${dirs.map(
    ([name, sub]) =>
      markup`<li><details${depth < 1 ? ' open' : ''}><summary>${name}/</summary>${renderTree(repo, sub, depth + 1)}</details></li>`,
  )}${files.map((f) => {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    const link = f.blobSha256
      ? markup`<a href="${blobUrl(repo, f.path)}">${name}</a>`
      : markup`<span>${name}</span>`;
    return markup`<li>${link}${f.skipReason ? markup` <span class="skip">${f.skipReason}</span>` : ''}</li>`;
  })}</ul>`;
}

function symbolTable(
  repo: string,
  rows: Array<SymbolDTO & { callers: number }>,
  id: string,
  empty: string,
): SafeHtml {
  if (!rows.length) return markup`<p class="empty" id="${id}">${empty}</p>`;
  return markup`<table class="data" id="${id}"><thead><tr><th>Symbol</th><th class="hide-narrow">Kind</th><th class="num">Callers</th></tr></thead><tbody>${rows.map(
    (s) =>
      markup`<tr><td><a class="mono" href="${symbolUrl(repo, s.id)}">${s.qualifiedName}</a><div class="hint mono">${s.path}:${s.startLine}</div></td><td class="hide-narrow">${kindLabel(s.kind)}</td><td class="num">${s.callers}</td></tr>`,
  )}</tbody></table>`;
}

function bar(label: string, value: number, total: number, cls = ''): SafeHtml {
  const pct = total ? (value / total) * 100 : 0;
  return markup`<div class="bar"><span class="mono">${label}</span><svg class="track" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect class="fill ${cls}" x="0" y="0" width="${pct.toFixed(2)}" height="8"></rect></svg><span class="val">${value.toLocaleString('en')} · ${pct.toFixed(1)}%</span></div>`;
}

/** Renders the repo overview; `files` is the full file list (the tree is capped at MAX_TREE_FILES). */
export function renderRepoPage(ctx: PageContext, overview: RepoOverview, files: FileDTO[]): string {
  const { summary: s, coverage: c } = overview;
  const resolved = Object.values(c.resolvedByReason).reduce((a, b) => a + b, 0);
  const unresolved = Object.values(c.unresolvedByReason).reduce((a, b) => a + b, 0);
  const skipped = Object.values(c.filesSkipped).reduce((a, b) => a + b, 0);
  const shown = files.slice(0, MAX_TREE_FILES);
  const byCount = (r: Record<string, number>): Array<[string, number]> =>
    Object.entries(r).sort((a, b) => b[1] - a[1]);

  const body = markup`
${breadcrumbs([{ label: 'hub', href: hubUrl() }, { label: s.id }])}
<h1>${s.id}</h1>
<p class="meta" id="snapshot"><span>snapshot</span><span class="mono" title="${s.commit}">${s.commit}</span>${s.ref ? markup`<span class="dot">·</span><span class="mono">${s.ref}</span>` : ''}<span class="dot">·</span><span>indexed ${formatTime(s.indexedAt)}</span><span class="dot">·</span><a id="history-link" href="${compareUrl(splitPinnedRepo(s.id).repoId)}">history &amp; compare</a>${
    s.webUrl ? markup`<span class="dot">·</span><a href="${s.webUrl}" rel="noreferrer">${s.webUrl} ↗</a>` : ''
  }</p>
<div class="stats"><span><b>${s.files.toLocaleString('en')}</b> files</span><span><b>${s.symbols.toLocaleString('en')}</b> symbols</span><span><b>${s.edges.toLocaleString('en')}</b> edges</span></div>
<div id="languages">${languageBar(s.languages)}${
    overview.symbolsOnly?.length
      ? markup`<p class="hint" id="symbols-only">symbols only: ${overview.symbolsOnly.join(', ')} — outlines and search; their calls are matched by name alone, imports and types are not followed</p>`
      : ''
  }</div>
<div class="grid2">
<section><h2>Most-called symbols</h2>${symbolTable(s.id, overview.mostCalled, 'most-called', 'No resolved calls yet.')}</section>
<section><h2>Untested hotspots <span class="count">most callers, no tests</span></h2>${symbolTable(s.id, overview.untestedHotspots, 'untested', 'Every called symbol is reached by a test.')}</section>
</div>
<h2 id="coverage">Analysis coverage</h2>
<div class="grid2">
<section class="bars"><h3 class="hint">Files: ${c.filesParsed.toLocaleString('en')} parsed, ${skipped.toLocaleString('en')} skipped</h3>
${bar('parsed', c.filesParsed, c.filesParsed + skipped)}
${byCount(c.filesSkipped).map(([reason, n]) => bar(`skipped: ${reason}`, n, c.filesParsed + skipped, 'skip'))}
<p class="hint">Test files analysed: ${c.testFilesAnalysed} of ${c.testFiles}</p></section>
<section class="bars"><h3 class="hint">Call sites: ${c.callSites.toLocaleString('en')}, ${resolved.toLocaleString('en')} resolved (${c.callSites ? ((resolved / c.callSites) * 100).toFixed(1) : '0.0'}%)</h3>
${byCount(c.resolvedByReason).map(([reason, n]) => bar(reason, n, c.callSites))}
${byCount(c.unresolvedByReason).map(([reason, n]) => bar(`unresolved: ${reason}`, n, c.callSites, 'unres'))}
${unresolved === 0 && resolved === 0 ? markup`<p class="hint">no call sites</p>` : ''}</section>
</div>
<h2 id="files">Files <span class="count">${files.length}</span></h2>
<nav class="tree" id="file-tree">${renderTree(s.id, buildTree(shown), 0)}${files.length > shown.length ? markup`<p class="hint">+${files.length - shown.length} more files (see the JSON API)</p>` : ''}</nav>
`;
  return layout(ctx, s.id, body);
}
