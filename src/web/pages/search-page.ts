/** The search page: ranked results from the service, a kind filter, keyboard-friendly. */
import type { SearchHit } from '../../service/query-types.js';
import { markup } from '../html.js';
import { searchUrl, symbolUrl } from '../urls.js';
import { kindLabel, layout, type PageContext } from './layout.js';

export const SEARCH_KINDS = [
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'variable',
  'property',
  'namespace',
  'test',
];

/** Renders the search page; `hits` is null when no query was given. */
export function renderSearchPage(
  ctx: PageContext,
  query: { q: string; repo?: string; kind?: string },
  hits: SearchHit[] | null,
  repos: string[],
): string {
  const results =
    hits === null
      ? markup`<p class="hint" id="result-status">Type a name, a prefix, a substring or camelCase humps (<code>pRS</code> finds <code>parseRepoSpec</code>). Press <kbd>/</kbd> to focus, <kbd>↓</kbd> <kbd>↑</kbd> to move through results.</p><div id="results"></div>`
      : hits.length === 0
        ? markup`<p class="hint" id="result-status">No symbols match.</p><div id="results"></div>`
        : markup`<p class="hint" id="result-status">${hits.length} ${hits.length === 1 ? 'result' : 'results'}</p><div id="results"><ul class="results">${hits.map(
            (h) =>
              markup`<li><a class="hit" href="${symbolUrl(h.repo, h.id)}"><span class="hit-name">${h.qualifiedName}</span><span class="hit-side">${kindLabel(h.kind)} · ${h.callers} callers${h.isTest ? ' · test' : ''}</span><span class="hit-where">${h.repo} · ${h.path}:${h.startLine}</span></a></li>`,
          )}</ul></div>`;
  const body = markup`<h1>Search</h1>
<form class="search-form" action="${searchUrl({})}" method="get" role="search">
<input type="search" name="q" value="${query.q}" placeholder="Symbol name, prefix or humps" aria-label="Search symbols" data-search data-live autofocus autocomplete="off">
<select name="kind" aria-label="Kind"><option value="">any kind</option>${SEARCH_KINDS.map((k) => markup`<option value="${k}"${query.kind === k ? ' selected' : ''}>${kindLabel(k)}</option>`)}</select>
<select name="repo" aria-label="Repository"><option value="">all repositories</option>${repos.map((r) => markup`<option value="${r}"${query.repo === r ? ' selected' : ''}>${r}</option>`)}</select>
<button type="submit">Search</button>
</form>
${results}`;
  return layout({ ...ctx, query: query.q }, query.q ? `${query.q} · search` : 'Search', body, {
    liveSearch: true,
  });
}
