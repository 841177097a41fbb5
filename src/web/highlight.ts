/**
 * Syntax highlighting with shiki: one shared highlighter created on first use, output cached by blob
 * sha256 + shiki version + range. Colours become classes (no inline styles), so the CSP needs no
 * 'unsafe-inline' for styles: each distinct token style gets a class whose rules are served by
 * `/-/static/highlight.css`. The class table only grows, so a page links the stylesheet with the table
 * size it was rendered against.
 */
import { createRequire } from 'node:module';
import { escapeHtml } from './html.js';

type Lang = 'ts' | 'tsx' | 'js' | 'jsx' | 'json' | 'md' | 'python';
const LANGS: Lang[] = ['ts', 'tsx', 'js', 'jsx', 'json', 'md', 'python'];
const EXT: Record<string, Lang> = {
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'jsx',
  json: 'json',
  md: 'md',
  py: 'python',
  pyi: 'python',
};
const THEMES = { light: 'github-light', dark: 'github-dark' } as const;
/** Files above these sizes are shown as plain escaped text: highlighting them would stall the page. */
export const MAX_HIGHLIGHT_BYTES = 512 * 1024;
export const MAX_HIGHLIGHT_LINES = 10_000;

export const SHIKI_VERSION: string = (() => {
  try {
    const require = createRequire(import.meta.url);
    return (require('shiki/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** The highlighter language for a path, or null when shiki is not asked to know it. */
export function languageForPath(path: string): Lang | null {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return null;
  return EXT[path.slice(dot + 1).toLowerCase()] ?? null;
}

interface MinimalHighlighter {
  codeToTokens(
    code: string,
    options: { lang: string; themes: Record<string, string>; defaultColor: false },
  ): { tokens: Array<Array<{ content: string; htmlStyle?: Record<string, string> }>> };
}

let highlighterPromise: Promise<MinimalHighlighter> | null = null;

function getHighlighter(): Promise<MinimalHighlighter> {
  highlighterPromise ??= import('shiki').then(
    (shiki) =>
      shiki.createHighlighter({ themes: Object.values(THEMES), langs: LANGS }) as Promise<MinimalHighlighter>,
  );
  return highlighterPromise;
}

/** Code touching the common TypeScript constructs, tokenized once at start so their rules are compiled. */
const WARM_SAMPLE = [
  "import { a, type B } from './m.js';",
  'export interface Shape<T extends object = {}> { readonly id: string; items?: T[] }',
  'type Tag = "a" | "b";',
  '/** Doc. */',
  'export class Box<T> extends Base implements Shape<T> {',
  '  private readonly map = new Map<string, number>();',
  '  constructor(private x: number) { super(); }',
  '  async run(input: string, opts: { n?: number } = {}): Promise<T | undefined> {',
  '    const v = await fetch(`${input}/${opts.n ?? 0}`);',
  '    for (const [k, w] of this.map) if (k === "x" && w > 1) return undefined;',
  '    switch (input) { case "a": break; default: throw new Error("no"); }',
  '    try { return (v as unknown) as T; } catch (err) { console.error(err); } finally { void 0; }',
  '  }',
  '  get size(): number { return this.map.size; }',
  '}',
  'export const go = <A, B>(f: (a: A) => B, xs: readonly A[]): B[] => xs.map((x, i) => f(x)).filter(Boolean);',
  'function* gen(): Generator<number> { yield 1; }',
  'const re = /a+b/g; let n = 0x1f + 1e3; n++;',
  'export default { go, gen, re };',
].join('\n');

/**
 * Loads shiki and compiles the grammars of the common languages, so that the first page does not pay
 * the seconds this takes. Safe to call more than once; never rejects.
 */
export async function warmHighlighter(): Promise<void> {
  try {
    const highlighter = await getHighlighter();
    // The grammar compiles its rules on first use: a sample touching the common constructs compiles most of them.
    for (const lang of ['ts', 'tsx', 'js'] as const)
      highlighter.codeToTokens(
        lang === 'js' ? WARM_SAMPLE.replace(/: [A-Za-z<>[\]| ]+(?=[,)=;{])/g, '') : WARM_SAMPLE,
        {
          lang,
          themes: THEMES,
          defaultColor: false,
        },
      );
  } catch {
    // A highlighter that fails to load is reported by plain-text pages, not by a failed start.
  }
}

/** Token style (CSS custom properties from shiki's dual themes) → class name. */
const styleClasses = new Map<string, { name: string; decls: string }>();

function classFor(style: Record<string, string>): string {
  const decls = Object.entries(style)
    .filter(([k, v]) => /^--shiki-[a-z-]+$/.test(k) && /^[#a-zA-Z0-9 ]+$/.test(v))
    .map(([k, v]) => `${k}:${v}`)
    .sort()
    .join(';');
  let entry = styleClasses.get(decls);
  if (!entry) {
    entry = { name: `t${styleClasses.size}`, decls };
    styleClasses.set(decls, entry);
  }
  return entry.name;
}

/** Class numbering is per process, so the stylesheet version names the process too (no stale cached CSS). */
const PROCESS_TAG = `${process.pid.toString(36)}${Date.now().toString(36)}`;

/** Version of the token stylesheet: pages link `highlight.css?v=<this>` so the stylesheet covers their classes. */
export function highlightCssVersion(): string {
  return `${PROCESS_TAG}-${styleClasses.size}`;
}

/** The stylesheet for every token class handed out so far. */
export function highlightCss(): string {
  const rules = [...styleClasses.values()].map((c) => `.${c.name}{${c.decls}}`);
  return rules.join('\n') + '\n';
}

/** A small LRU of highlighted line arrays. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const cache = new Lru<string[]>(500);

/** Plain escaped lines: the fallback for unknown languages, huge files, or a highlighter failure. */
export function plainLines(lines: string[]): string[] {
  return lines.map((l) => escapeHtml(l));
}

/**
 * Highlights `lines` (a whole file or an excerpt of one) and returns one HTML string per line.
 * `cacheKey` identifies the content (blob sha256 + range); unknown languages and huge inputs fall back to plain text.
 */
export async function highlightLines(
  path: string,
  lines: string[],
  cacheKey: string,
  options: { insideClass?: boolean } = {},
): Promise<string[]> {
  const lang = languageForPath(path);
  const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
  if (!lang || bytes > MAX_HIGHLIGHT_BYTES || lines.length > MAX_HIGHLIGHT_LINES) return plainLines(lines);
  // An excerpt of a class member read on its own looks like a call followed by an object literal to the
  // grammar; an opening `class` line (highlighted, then dropped) gives it back its context.
  const opener = options.insideClass && lang !== 'json' && lang !== 'md' ? ['class _ {'] : [];
  const key = `${SHIKI_VERSION}|${lang}|${opener.length}|${cacheKey}`;
  const hit = cache.get(key);
  if (hit) return hit;
  try {
    const highlighter = await getHighlighter();
    const { tokens } = highlighter.codeToTokens([...opener, ...lines].join('\n'), {
      lang,
      themes: THEMES,
      defaultColor: false,
    });
    const out = lines.map((_, i) =>
      (tokens[i + opener.length] ?? [])
        .map((t) => {
          const text = escapeHtml(t.content);
          return t.htmlStyle ? `<span class="${classFor(t.htmlStyle)}">${text}</span>` : text;
        })
        .join(''),
    );
    cache.set(key, out);
    return out;
  } catch {
    return plainLines(lines);
  }
}
