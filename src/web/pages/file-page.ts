/** The file page: highlighted source with line anchors, the outline of its symbols, blob sha256 and verification. */
import type { FileView } from '../../service/query-types.js';
import { splitPinnedRepo } from '../../service/snapshot-pin.js';
import { markup } from '../html.js';
import { blobUrl, hubUrl, repoUrl, symbolUrl } from '../urls.js';
import { breadcrumbs, codeTable, kindLabel, layout, type PageContext } from './layout.js';

/** Renders the file page; `lines` are the highlighted (or escaped) lines of `view.text`, null when withheld. */
export function renderFilePage(ctx: PageContext, view: FileView, lines: string[] | null): string {
  const { repo, file } = view;
  const outline = view.symbols.filter((s) => s.kind !== 'module').sort((a, b) => a.startLine - b.startLine);
  const verification =
    view.text !== null && view.verified
      ? markup`<span class="ok">✓</span><span>Source from the content-addressed store, hash-verified</span>`
      : markup`<span>not verified</span>`;
  const source =
    view.text === null || lines === null || !view.verified
      ? markup`<div class="error-block" role="alert" id="source-error"><strong>Source withheld${file.blobSha256 ? ': the stored blob failed verification' : ''}.</strong><br>${
          file.blobSha256 ? markup`Blob <code>sha256:${file.blobSha256}</code> — ` : ''
        }${view.error ?? file.skipReason ?? 'No stored content.'}</div>`
      : markup`<div class="provenance" id="provenance">${verification}${file.blobSha256 ? markup`<span class="sha">sha256:${file.blobSha256}</span>` : ''}</div>${codeTable(1, lines, { anchors: true })}`;
  const body = markup`
${breadcrumbs([{ label: 'hub', href: hubUrl() }, { label: repo.id, href: repoUrl(repo.id) }, { label: file.path }])}
<h1 class="mono" id="file-title">${file.path}</h1>
<p class="meta"><span>${file.language ?? 'unknown language'}</span><span class="dot">·</span><span>${file.size.toLocaleString('en')} bytes</span>${
    file.lines !== null ? markup`<span class="dot">·</span><span>${file.lines} lines</span>` : ''
  }<span class="dot">·</span><a class="mono" id="file-commit" href="${blobUrl(`${splitPinnedRepo(repo.id).repoId}@${repo.commit}`, file.path)}" title="This page at commit ${repo.commit} (a permalink)">${repo.ref ? `${repo.ref}@` : 'commit '}${repo.commit.slice(0, 12)}</a>${
    view.permalink
      ? markup`<span class="dot">·</span><a href="${view.permalink}" rel="noreferrer">view source on GitHub ↗</a>`
      : ''
  }</p>
<div class="layout-file">
<aside class="outline" id="outline"><h3>Outline</h3>${
    outline.length
      ? markup`<ul>${outline.map(
          (s) =>
            markup`<li${s.kind === 'method' || s.kind === 'property' || s.kind === 'getter' || s.kind === 'setter' || s.kind === 'constructor' ? ' class="nested"' : ''}><a href="${symbolUrl(repo.id, s.id)}" title="${kindLabel(s.kind)} ${s.qualifiedName} · L${s.startLine}">${s.name}</a></li>`,
        )}</ul>`
      : markup`<p class="hint">&nbsp;&nbsp;no symbols</p>`
  }</aside>
<section>${source}</section>
</div>`;
  return layout(ctx, `${file.path} · ${repo.id}`, body);
}
