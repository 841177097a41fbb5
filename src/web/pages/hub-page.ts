/** The hub page: every indexed repo with its snapshot and counts, and a search box. */
import type { RepoSummary } from '../../service/query-types.js';
import { markup, type SafeHtml } from '../html.js';
import { repoUrl, searchUrl } from '../urls.js';
import { formatTime, layout, shortSha, type PageContext } from './layout.js';

/** Language share bar + legend for a `language → file count` map. */
export function languageBar(languages: Record<string, number>): SafeHtml {
  const entries = Object.entries(languages).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((n, [, c]) => n + c, 0);
  if (!total) return markup`<p class="hint">no analysed languages</p>`;
  const cls = (i: number): string => `l${Math.min(i, 5)}`;
  const pct = (c: number): string => `${((c / total) * 100).toFixed(1)}%`;
  // An SVG bar: widths are attributes, not inline styles, so the CSP needs no 'unsafe-inline'.
  let x = 0;
  const rects = entries.map(([, c], i) => {
    const w = (c / total) * 100;
    const r = markup`<rect class="${cls(i)}" x="${x.toFixed(3)}" y="0" width="${w.toFixed(3)}" height="8"></rect>`;
    x += w;
    return r;
  });
  return markup`<svg class="langbar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">${rects}</svg><div class="legend">${entries.map(
    ([lang, c], i) => markup`<span><i class="${cls(i)}"></i>${lang} <b>${pct(c)}</b> · ${c} files</span>`,
  )}</div>`;
}

/** Renders the hub. */
export function renderHubPage(ctx: PageContext, repos: RepoSummary[]): string {
  const cards = repos.length
    ? markup`<div class="cards" id="repos">${repos.map(
        (r) => markup`<article class="card"><h3><a href="${repoUrl(r.id)}">${r.id}</a></h3>
<div class="stats"><span class="mono" title="${r.commit}">${r.ref ? `${r.ref} @ ` : ''}${shortSha(r.commit)}</span><span>indexed ${formatTime(r.indexedAt)}</span></div>
<div class="stats"><span><b>${r.files.toLocaleString('en')}</b> files</span><span><b>${r.symbols.toLocaleString('en')}</b> symbols</span><span><b>${r.edges.toLocaleString('en')}</b> edges</span></div>
${languageBar(r.languages)}</article>`,
      )}</div>`
    : markup`<p class="empty" id="repos">No repositories indexed yet. Run <code>codehub index &lt;path or URL&gt;</code>, then reload.</p>`;
  const body = markup`<h1>Repositories</h1>
<form class="search-form" action="${searchUrl({})}" method="get" role="search"><input type="search" name="q" placeholder="Find a symbol across all repositories — e.g. pRS for parseRepoSpec" aria-label="Search symbols" data-search autofocus><button type="submit">Search</button></form>
<h2>Indexed <span class="count">${repos.length}</span></h2>
${cards}`;
  return layout(ctx, 'Hub', body);
}
