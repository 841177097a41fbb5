/**
 * The symbol's one-hop neighbourhood as a server-rendered SVG: callers → symbol → callees. Edge stroke
 * width and opacity follow confidence; every node is a link; each side is capped with a "+N more" note.
 */
import type { EdgeDTO, SymbolDTO } from '../service/query-types.js';
import { markup, raw, type SafeHtml } from './html.js';
import { kindLabel } from './pages/layout.js';

export const MAX_NODES_PER_SIDE = 8;
const ROW = 34;
const NODE_H = 26;
const SIDE_W = 210;
const MID_W = 230;
const GAP = 90;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Sorts edges best-confidence first (then name) and keeps the first `MAX_NODES_PER_SIDE`. */
function pick(edges: EdgeDTO[]): { shown: EdgeDTO[]; more: number } {
  const sorted = [...edges].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
  return {
    shown: sorted.slice(0, MAX_NODES_PER_SIDE),
    more: Math.max(0, sorted.length - MAX_NODES_PER_SIDE),
  };
}

/** Renders the neighbourhood SVG; `hrefFor` builds each node's link from a symbol id. */
export function renderNeighbourhoodSvg(
  symbol: SymbolDTO,
  callers: EdgeDTO[],
  callees: EdgeDTO[],
  hrefFor: (id: string) => string,
): SafeHtml {
  const left = pick(callers);
  const right = pick(callees);
  const rowsL = left.shown.length + (left.more ? 1 : 0);
  const rowsR = right.shown.length + (right.more ? 1 : 0);
  const rows = Math.max(1, rowsL, rowsR);
  const height = rows * ROW + 16;
  const width = SIDE_W * 2 + MID_W + GAP * 2;
  const midX = SIDE_W + GAP;
  const midY = height / 2 - NODE_H / 2;
  const rightX = midX + MID_W + GAP;
  const yFor = (i: number, count: number): number =>
    (height - count * ROW) / 2 + i * ROW + (ROW - NODE_H) / 2;

  const edgePath = (x1: number, y1: number, x2: number, y2: number): string => {
    const dx = (x2 - x1) / 2;
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  };
  // Attribute text built from numbers only, so it is safe to emit as markup.
  const stroke = (c: number): string =>
    `stroke-width="${(1 + c * 3).toFixed(1)}" stroke-opacity="${(0.25 + c * 0.7).toFixed(2)}"`;

  const node = (
    x: number,
    y: number,
    w: number,
    e: { id: string; name: string; kind: string; title: string },
    cls = '',
  ): SafeHtml =>
    markup`<a href="${hrefFor(e.id)}" aria-label="${e.title}"><g class="node${cls}"><title>${e.title}</title><rect x="${x}" y="${y}" width="${w}" height="${NODE_H}" rx="6"></rect><text x="${x + 10}" y="${y + 17}">${clip(e.name, 22)}</text><text class="k" x="${x + w - 8}" y="${y + 17}" text-anchor="end">${kindLabel(e.kind)}</text></g></a>`;

  const parts: SafeHtml[] = [];
  left.shown.forEach((e, i) => {
    const y = yFor(i, rowsL);
    parts.push(
      markup`<path class="edge" d="${edgePath(SIDE_W, y + NODE_H / 2, midX, midY + NODE_H / 2)}" ${raw(stroke(e.confidence))}><title>${e.reason} · ${e.confidence.toFixed(2)}</title></path>`,
    );
    parts.push(
      node(0, y, SIDE_W, { ...e, title: `${e.qualifiedName} (caller, ${e.confidence.toFixed(2)})` }),
    );
  });
  if (left.more)
    parts.push(
      markup`<text class="more" x="${SIDE_W / 2}" y="${yFor(left.shown.length, rowsL) + 17}" text-anchor="middle">+${left.more} more</text>`,
    );
  right.shown.forEach((e, i) => {
    const y = yFor(i, rowsR);
    parts.push(
      markup`<path class="edge" d="${edgePath(midX + MID_W, midY + NODE_H / 2, rightX, y + NODE_H / 2)}" ${raw(stroke(e.confidence))}><title>${e.reason} · ${e.confidence.toFixed(2)}</title></path>`,
    );
    parts.push(
      node(rightX, y, SIDE_W, { ...e, title: `${e.qualifiedName} (callee, ${e.confidence.toFixed(2)})` }),
    );
  });
  if (right.more)
    parts.push(
      markup`<text class="more" x="${rightX + SIDE_W / 2}" y="${yFor(right.shown.length, rowsR) + 17}" text-anchor="middle">+${right.more} more</text>`,
    );
  parts.push(
    node(
      midX,
      midY,
      MID_W,
      { id: symbol.id, name: symbol.name, kind: symbol.kind, title: symbol.qualifiedName },
      ' self',
    ),
  );
  if (!callers.length)
    parts.push(
      markup`<text class="more" x="${SIDE_W / 2}" y="${height / 2 + 4}" text-anchor="middle">no callers</text>`,
    );
  if (!callees.length)
    parts.push(
      markup`<text class="more" x="${rightX + SIDE_W / 2}" y="${height / 2 + 4}" text-anchor="middle">no calls</text>`,
    );

  return markup`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Callers and callees of ${symbol.qualifiedName}">${parts}</svg>`;
}
