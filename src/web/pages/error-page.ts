/** Error pages: what went wrong, what to do, and the closest matches the service suggested. */
import type { HttpError } from '../http-errors.js';
import { markup, type SafeHtml } from '../html.js';
import { blobUrl, hubUrl, repoUrl, searchUrl, symbolUrl } from '../urls.js';
import { kindLabel, layout, type PageContext } from './layout.js';

interface Candidate {
  label: string;
  href: string;
  note?: string;
}

/** Reads closest matches / candidates out of an error detail of any reasonable shape. */
export function candidatesFrom(err: HttpError, repo: string | undefined): Candidate[] {
  let items: unknown = err.detail;
  if (items && typeof items === 'object' && !Array.isArray(items)) {
    const o = items as Record<string, unknown>;
    items = o.candidates ?? o.closest ?? o.matches ?? o.suggestions ?? null;
  }
  if (!Array.isArray(items)) return [];
  const out: Candidate[] = [];
  for (const item of items.slice(0, 20)) {
    if (typeof item === 'string') {
      if (err.code === 'RepoNotFound') out.push({ label: item, href: repoUrl(item) });
      else if (err.code === 'PathNotFound' && repo) out.push({ label: item, href: blobUrl(repo, item) });
      else if (repo && item.includes('::')) out.push({ label: item, href: symbolUrl(repo, item) });
      else out.push({ label: item, href: searchUrl({ q: item, repo }) });
    } else if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      const r = typeof o.repo === 'string' ? o.repo : repo;
      if (typeof o.id === 'string' && r) {
        out.push({
          label: typeof o.qualifiedName === 'string' ? o.qualifiedName : o.id,
          href: symbolUrl(r, o.id),
          note: [
            typeof o.kind === 'string' ? kindLabel(o.kind) : '',
            typeof o.path === 'string'
              ? `${o.path}${typeof o.startLine === 'number' ? `:${o.startLine}` : ''}`
              : '',
          ]
            .filter(Boolean)
            .join(' · '),
        });
      } else if (typeof o.path === 'string' && r) out.push({ label: o.path, href: blobUrl(r, o.path) });
    }
  }
  return out;
}

/** Renders an error page (404 with closest matches, 300 with candidates, 400, 500). */
export function renderErrorPage(ctx: PageContext, err: HttpError, repo?: string): string {
  const candidates = candidatesFrom(err, repo);
  const heading = err.status === 300 ? 'Pick one' : 'Closest matches';
  const list: SafeHtml | string = candidates.length
    ? markup`<h2>${heading}</h2><ul class="rows" id="matches">${candidates.map(
        (c) =>
          markup`<li><div class="row"><a class="name" href="${c.href}">${c.label}</a>${c.note ? markup`<span class="where">${c.note}</span>` : ''}</div></li>`,
      )}</ul>`
    : '';
  const body = markup`<nav class="crumbs"><a href="${hubUrl()}">hub</a>${
    repo
      ? markup`<span class="sep">/</span>${err.code === 'RepoNotFound' ? markup`<span class="here">${repo}</span>` : markup`<a href="${repoUrl(repo)}">${repo}</a>`}`
      : ''
  }</nav>
<h1 id="error-title">${err.title} <span class="kind">${err.status}</span></h1>
<div class="${err.status >= 500 ? 'error-block' : 'empty'}" id="error-message">${err.message}${blobNamed(err)}</div>
${list}
<p class="hint">Try <a href="${searchUrl({ repo })}">searching</a> or go back to the <a href="${hubUrl()}">hub</a>.</p>`;
  return layout(ctx, err.title, body);
}

/** Names the blob of a BlobHashMismatch when the error's detail carries its sha256. */
function blobNamed(err: HttpError): SafeHtml | string {
  if (err.code !== 'BlobHashMismatch' && err.code !== 'BlobMissing') return '';
  const d = err.detail;
  const sha =
    typeof d === 'string'
      ? d
      : d && typeof d === 'object'
        ? ((d as Record<string, unknown>).sha256 ?? (d as Record<string, unknown>).blobSha256)
        : null;
  return typeof sha === 'string'
    ? markup`<br>Blob <code>sha256:${sha}</code>. No source is shown; re-index the repository to restore it.`
    : markup`<br>No source is shown; re-index the repository to restore it.`;
}
