/** The page shell and small shared pieces (kind labels, confidence chips, copy buttons). Pure functions. */
import type { SymbolKind } from '../../core/facts.js';
import { markup, raw, type SafeHtml } from '../html.js';
import { hubUrl, searchUrl, staticUrl } from '../urls.js';

/** What every page needs from the server: where /mcp lives and which highlight stylesheet to link. */
export interface PageContext {
  /** Absolute URL of this hub's MCP endpoint, e.g. http://127.0.0.1:7070/mcp. */
  mcpUrl: string;
  /** Version tag for /-/static/highlight.css (changes whenever token classes are added). */
  highlightCssVersion: string;
  /** Current search text, echoed into the top bar. */
  query?: string;
  /** The hub requires a read token: the copied MCP config carries an Authorization header for it. */
  mcpNeedsToken?: boolean;
}

/** Placeholder for the read token in copied configs: MCP clients expand it from the environment. */
export const READ_TOKEN_PLACEHOLDER = '${CODEHUB_READ_TOKEN}';

/** The MCP client config JSON for a hub's /mcp endpoint (the MCP buttons and `codehub serve` give this block). */
export function mcpConfig(mcpUrl: string, needsToken = false): string {
  const server = needsToken
    ? { type: 'http', url: mcpUrl, headers: { Authorization: `Bearer ${READ_TOKEN_PLACEHOLDER}` } }
    : { type: 'http', url: mcpUrl };
  return JSON.stringify({ mcpServers: { codehub: server } });
}

/** A button that copies `text` (progressive: the text is also in its title for no-JS readers). */
export function copyButton(
  label: string,
  text: string,
  extra: { id?: string; title?: string } = {},
): SafeHtml {
  return markup`<button type="button" class="copy" data-copy="${text}" ${extra.id ? markup`id="${extra.id}"` : ''} title="${extra.title ?? text}"><span class="btn-label">${label}</span><span class="btn-state">copy</span></button>`;
}

/** `method` → `Method`. */
export function kindLabel(kind: SymbolKind | string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

/** Confidence as the seed shows it (`0.90`), tinted by tier. */
export function confidenceChip(confidence: number): SafeHtml {
  const tier = confidence >= 0.8 ? 'high' : confidence >= 0.6 ? 'mid' : 'low';
  return markup`<span class="conf ${tier}" title="confidence">${confidence.toFixed(2)}</span>`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** Renders a full HTML document around `body`. */
export function layout(
  ctx: PageContext,
  title: string,
  body: SafeHtml,
  opts: { liveSearch?: boolean } = {},
): string {
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · codehub</title>
<link rel="stylesheet" href="${staticUrl('style.css')}">
<link rel="stylesheet" href="${staticUrl(`highlight.css?v=${ctx.highlightCssVersion}`)}">
<script src="${staticUrl('app.js')}" defer></script>
</head>
<body>
<header class="topbar">
  <a class="brand" href="${hubUrl()}"><span class="brand-mark" aria-hidden="true"></span>codehub</a>
  <form action="${searchUrl({})}" method="get" role="search">
    <input type="search" name="q" value="${opts.liveSearch ? '' : (ctx.query ?? '')}" placeholder="Search symbols  (press /)" aria-label="Search symbols" ${opts.liveSearch ? '' : markup`data-search`} autocomplete="off">
  </form>
  <span class="spacer"></span>
  ${copyButton('MCP', mcpConfig(ctx.mcpUrl, ctx.mcpNeedsToken), { id: 'copy-mcp', title: `Copy the MCP client config for ${ctx.mcpUrl}` })}
</header>
<main>
${body}
</main>
<footer>codehub · sources are read from a content-addressed store and re-hashed before they are shown</footer>
</body>
</html>
`.value;
}

/** Breadcrumbs `hub / host/owner/name / leaf`. */
export function breadcrumbs(items: Array<{ label: string; href?: string }>): SafeHtml {
  const parts = items.map((item, i) => {
    const last = i === items.length - 1;
    const node =
      item.href && !last
        ? markup`<a href="${item.href}">${item.label}</a>`
        : markup`<span class="here">${item.label}</span>`;
    return i === 0 ? node : markup`<span class="sep">/</span>${node}`;
  });
  return markup`<nav class="crumbs" aria-label="Breadcrumbs">${parts}</nav>`;
}

/** Relative time-free, readable timestamp (UTC) for "indexed at". */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** Table of source lines with line-number anchors; `lineHtml` is already-escaped/highlighted markup per line. */
export function codeTable(
  startLine: number,
  lineHtml: string[],
  opts: {
    anchors?: boolean;
    lineHref?: (n: number) => string;
    contextUntil?: number;
    trailer?: SafeHtml;
    standalone?: boolean;
  } = {},
): SafeHtml {
  const rows = lineHtml.map((lineMarkup, i) => {
    const n = startLine + i;
    const ctx = opts.contextUntil !== undefined && n < opts.contextUntil;
    const id = opts.anchors ? markup` id="L${n}"` : '';
    return markup`<tr${id}${ctx ? markup` class="ctx"` : ''}><td class="ln"><a href="${opts.lineHref ? opts.lineHref(n) : `#L${n}`}">${n}</a></td><td class="src">${raw(lineMarkup)}</td></tr>`;
  });
  return markup`<div class="code${opts.standalone ? ' standalone' : ''}"><table><tbody>${rows}${opts.trailer ?? ''}</tbody></table></div>`;
}
