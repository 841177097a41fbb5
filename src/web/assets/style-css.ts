/** The hub's stylesheet, served at /-/static/style.css (a TS string module so `tsc` ships it in dist/). */
export const STYLE_CSS = String.raw`
:root {
  color-scheme: light dark;
  --bg: #ffffff; --bg-soft: #f6f8fa; --bg-code: #fbfcfd; --fg: #1f2328; --fg-soft: #59636e; --border: #d1d9e0;
  --accent: #0969da; --accent-soft: #ddf4ff; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --bad-soft: #ffebe9;
  --node: #ffffff; --edge: #0969da; --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace;
  --sans: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --bg-soft: #151b23; --bg-code: #0f141a; --fg: #e6edf3; --fg-soft: #9198a1; --border: #30363d;
    --accent: #4493f8; --accent-soft: #132339; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --bad-soft: #2d1214;
    --node: #151b23; --edge: #4493f8;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 var(--sans); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 2px; border-radius: 4px;
}
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
.topbar { display: flex; align-items: center; gap: 16px; padding: 10px 24px; border-bottom: 1px solid var(--border); background: var(--bg-soft); position: sticky; top: 0; z-index: 5; }
.brand { font-weight: 700; font-size: 16px; color: var(--fg); letter-spacing: -0.01em; display: flex; align-items: center; gap: 8px; }
.brand-mark { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, #0969da, #8250df); display: inline-block; }
.topbar form { flex: 1; max-width: 520px; }
.topbar input[type=search] { width: 100%; }
.topbar .spacer { flex: 1; }
input[type=search], input[type=text], input[type=password], select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: 6px; padding: 6px 10px; }
button, .button { font: inherit; font-size: 12.5px; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: 6px; padding: 4px 10px; cursor: pointer; display: inline-flex; align-items: center; gap: 6px; }
button:hover, .button:hover { background: var(--bg-soft); border-color: var(--fg-soft); text-decoration: none; }
button.copied { color: var(--ok); border-color: var(--ok); }
.btn-label { font-weight: 600; }
kbd { font-family: var(--mono); font-size: 11px; border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; color: var(--fg-soft); }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 64px; min-width: 0; }
main > * { max-width: 100%; }
.meta a, .meta span { overflow-wrap: anywhere; }
.crumbs { color: var(--fg-soft); font-size: 13px; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.crumbs .sep { color: var(--border); }
.crumbs .here { color: var(--fg); font-weight: 600; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 0 0 12px; }
h1 { font-size: 24px; line-height: 1.25; margin: 4px 0 6px; font-weight: 600; word-break: break-word; }
h1.mono { font-size: 20px; overflow-wrap: anywhere; }
h1 .kind { color: var(--fg-soft); font-weight: 400; }
h2 { font-size: 16px; margin: 28px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--border); display: flex; align-items: baseline; gap: 8px; }
h2 .count { font-size: 12px; font-weight: 500; color: var(--fg-soft); background: var(--bg-soft); border: 1px solid var(--border); border-radius: 999px; padding: 0 8px; }
.meta { color: var(--fg-soft); margin: 0 0 6px; display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: baseline; }
.meta .dot { color: var(--border); }
.signature { margin: 8px 0 14px; padding: 8px 12px; background: var(--bg-soft); border: 1px solid var(--border); border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.signature .ret { color: var(--fg-soft); }
.doc { margin: 0 0 12px; color: var(--fg-soft); }
.provenance { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; font-size: 12.5px; color: var(--fg-soft); padding: 6px 12px; border: 1px solid var(--border); border-bottom: 0; border-radius: 6px 6px 0 0; background: var(--bg-soft); }
.provenance .ok { color: var(--ok); font-weight: 600; }
.provenance .sha { font-family: var(--mono); font-size: 11.5px; word-break: break-all; }
.code { border: 1px solid var(--border); border-radius: 0 0 6px 6px; background: var(--bg-code); overflow-x: auto; }
.code.standalone { border-radius: 6px; }
.code table { border-collapse: collapse; width: 100%; font-family: var(--mono); font-size: 12.5px; line-height: 20px; }
.code td { padding: 0; vertical-align: top; }
.code td.ln { width: 1%; min-width: 52px; text-align: right; padding: 0 12px 0 8px; user-select: none; color: var(--fg-soft); opacity: 0.75; }
.code td.ln a { color: inherit; }
.code td.src { white-space: pre; padding: 0 16px 0 4px; }
.code tr.ctx td.src { opacity: 0.6; }
.code tr:target, .code tr.hl { background: var(--accent-soft); }
.code .trunc td { padding: 8px 12px; text-align: center; background: var(--bg-soft); border-top: 1px dashed var(--border); font-family: var(--sans); color: var(--fg-soft); }
.code span[class^=t] { color: var(--shiki-light); font-style: var(--shiki-light-font-style, inherit); font-weight: var(--shiki-light-font-weight, inherit); }
@media (prefers-color-scheme: dark) {
  .code span[class^=t] { color: var(--shiki-dark); font-style: var(--shiki-dark-font-style, inherit); font-weight: var(--shiki-dark-font-weight, inherit); }
}
.error-block { border: 1px solid var(--bad); background: var(--bad-soft); color: var(--fg); border-radius: 6px; padding: 12px 16px; margin: 8px 0; }
.error-block strong { color: var(--bad); }
.empty { color: var(--fg-soft); padding: 10px 12px; border: 1px dashed var(--border); border-radius: 6px; }
.note { color: var(--warn); font-size: 12.5px; margin: 6px 0 0; }
.rows { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: 6px; }
.rows > li { border-top: 1px solid var(--border); }
.rows > li:first-child { border-top: 0; }
.rows details > summary { list-style: none; cursor: pointer; padding: 6px 12px; display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: baseline; }
.rows details > summary::-webkit-details-marker { display: none; }
.rows details > summary::before { content: "▸"; color: var(--fg-soft); font-size: 10px; width: 10px; }
.rows details[open] > summary::before { content: "▾"; }
.rows .row { padding: 6px 12px; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.rows .name { font-family: var(--mono); font-weight: 600; overflow-wrap: anywhere; }
.rows .why code { overflow-wrap: anywhere; }
.rows .where { color: var(--fg-soft); font-size: 12px; margin-left: auto; font-family: var(--mono); overflow-wrap: anywhere; }
.rows .why { padding: 4px 12px 10px 30px; color: var(--fg-soft); font-size: 12.5px; }
.kindtag { color: var(--fg-soft); font-size: 12px; }
.conf { font-family: var(--mono); font-size: 12px; padding: 0 6px; border-radius: 4px; background: var(--bg-soft); border: 1px solid var(--border); }
.conf.high { color: var(--ok); } .conf.mid { color: var(--accent); } .conf.low { color: var(--warn); }
.badge { font-size: 11px; padding: 0 6px; border-radius: 999px; border: 1px solid var(--border); color: var(--fg-soft); }
.neighbourhood { border: 1px solid var(--border); border-radius: 6px; background: var(--bg-soft); padding: 8px; overflow-x: auto; }
.neighbourhood svg { display: block; margin: 0 auto; max-width: 100%; min-width: 640px; height: auto; }
.neighbourhood .node rect { fill: var(--node); stroke: var(--border); }
.neighbourhood .node.self rect { stroke: var(--accent); stroke-width: 2; }
.neighbourhood .node text { fill: var(--fg); font: 12px var(--mono); }
.neighbourhood .node .k { fill: var(--fg-soft); font: 10px var(--sans); }
.neighbourhood a:hover rect { stroke: var(--accent); }
.neighbourhood .edge { stroke: var(--edge); fill: none; }
.neighbourhood .more { fill: var(--fg-soft); font: 11px var(--sans); }
table.data { width: 100%; border-collapse: collapse; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; }
table.data th, table.data td { text-align: left; padding: 6px 12px; border-top: 1px solid var(--border); }
table.data th { background: var(--bg-soft); font-weight: 600; font-size: 12.5px; color: var(--fg-soft); border-top: 0; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--border); border-radius: 8px; padding: 14px 16px; background: var(--bg); }
.card h3 { margin: 0 0 4px; font-size: 15px; font-family: var(--mono); word-break: break-all; }
.stats { display: flex; flex-wrap: wrap; gap: 4px 14px; color: var(--fg-soft); font-size: 12.5px; margin-top: 6px; }
.stats b { color: var(--fg); font-weight: 600; }
.langbar { display: block; width: 100%; height: 8px; border-radius: 4px; margin: 10px 0 6px; background: var(--border); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--fg-soft); }
.legend i { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 4px; }
.l0 { background: #3178c6; fill: #3178c6; } .l1 { background: #e3b341; fill: #e3b341; } .l2 { background: #8250df; fill: #8250df; } .l3 { background: #2da44e; fill: #2da44e; } .l4 { background: #e16f24; fill: #e16f24; } .l5 { background: #8c959f; fill: #8c959f; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.layout-file { display: grid; grid-template-columns: 240px minmax(0, 1fr); gap: 20px; align-items: start; }
.outline { position: sticky; top: 64px; max-height: calc(100vh - 80px); overflow: auto; border: 1px solid var(--border); border-radius: 6px; padding: 8px 0; font-size: 12.5px; }
.outline h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--fg-soft); margin: 0 12px 6px; }
.outline ul { list-style: none; margin: 0; padding: 0; }
.outline li a { display: block; padding: 2px 12px; font-family: var(--mono); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.outline li.nested a { padding-left: 26px; }
.tree ul { list-style: none; margin: 0; padding-left: 16px; }
.tree > ul { padding-left: 0; }
.tree li { font-family: var(--mono); font-size: 12.5px; padding: 1px 0; }
.tree summary { cursor: pointer; }
.tree .skip { color: var(--fg-soft); font-family: var(--sans); font-size: 11.5px; }
.bars .bar { display: grid; grid-template-columns: 160px 1fr 80px; gap: 10px; align-items: center; font-size: 12.5px; margin: 4px 0; }
.bars .track { display: block; width: 100%; height: 8px; background: var(--bg-soft); border: 1px solid var(--border); border-radius: 4px; }
.bars .fill { fill: var(--accent); }
.bars .fill.unres { fill: var(--warn); }
.bars .fill.skip { fill: var(--fg-soft); }
.bars .val { text-align: right; color: var(--fg-soft); font-variant-numeric: tabular-nums; }
.search-form { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0 16px; }
.search-form input[type=search] { flex: 1; min-width: 220px; font-size: 15px; padding: 8px 12px; }
.results { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: 6px; }
.results li { border-top: 1px solid var(--border); }
.results li:first-child { border-top: 0; }
.results a.hit { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 12px; padding: 8px 12px; color: var(--fg); }
.results a.hit:hover, .results a.hit:focus { background: var(--accent-soft); text-decoration: none; outline: none; }
.results .hit-name { font-family: var(--mono); font-weight: 600; color: var(--accent); }
.results .hit-where { grid-column: 1; color: var(--fg-soft); font-size: 12px; font-family: var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.results .hit-side { grid-row: 1 / span 2; grid-column: 2; text-align: right; color: var(--fg-soft); font-size: 12px; }
.hint { color: var(--fg-soft); font-size: 12.5px; }
.matches { margin: 8px 0 0; padding-left: 20px; font-family: var(--mono); }
.change { margin: 0 0 18px; }
.change h3 { font-size: 14px; display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; margin: 0 0 6px; }
.badge.added { color: var(--ok); border-color: var(--ok); } .badge.removed { color: var(--bad); border-color: var(--bad); }
.badge.modified { color: var(--accent); border-color: var(--accent); } .badge.moved { color: var(--warn); border-color: var(--warn); }
.code.sbs { border-radius: 6px; margin: 0 0 8px; }
.code.sbs td.src { width: 50%; }
.code.sbs td.src.del { background: var(--bad-soft); }
.code.sbs td.src.ins { background: var(--accent-soft); }
.code.sbs td.src.none { background: var(--bg-soft); }
.code.sbs tr.fold td { padding: 2px 12px; text-align: center; color: var(--fg-soft); background: var(--bg-soft); font-family: var(--sans); }
footer { color: var(--fg-soft); font-size: 12px; text-align: center; padding: 24px; border-top: 1px solid var(--border); }
@media (max-width: 800px) {
  .topbar { padding: 8px 12px; gap: 8px; flex-wrap: wrap; }
  main { padding: 14px 12px 48px; }
  .grid2, .layout-file { grid-template-columns: 1fr; }
  .outline { position: static; max-height: none; }
  .bars .bar { grid-template-columns: 110px 1fr 64px; }
  .rows .where { margin-left: 0; width: 100%; }
  .hide-narrow { display: none; }
}
/* On phones the picture scales to the screen: it shows the shape; the lists below carry the names. */
@media (max-width: 600px) {
  .neighbourhood svg { min-width: 0; width: 100%; }
}
`;
