import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  highlightCss,
  highlightLines,
  languageForPath,
  MAX_HIGHLIGHT_LINES,
} from '../../src/web/highlight.js';

describe('highlighting', () => {
  it('maps file extensions to the shiki languages it loads, and nothing else', () => {
    assert.equal(languageForPath('a/b.tsx'), 'tsx');
    assert.equal(languageForPath('x.mjs'), 'js');
    assert.equal(languageForPath('README.md'), 'md');
    assert.equal(languageForPath('pkg/mod.py'), 'python');
    assert.equal(languageForPath('pkg/mod.pyi'), 'python');
    assert.equal(languageForPath('main.go'), null);
    assert.equal(languageForPath('Makefile'), null);
  });

  it('highlights Python source with keyword classes', async () => {
    const [lineHtml] = await highlightLines('a.py', ['def f(x):'], 'py');
    assert.match(lineHtml!, /^<span class="t\d+">def<\/span>/);
  });

  it('highlights a method excerpt as class-member code when told it sits inside a class', async () => {
    const excerpt = ['  async run(a: string): Promise<number> {', '    const x = 1;', '  }'];
    const keyword = (await highlightLines('k.ts', ['const y = 2;'], 'kw'))[0]!.match(
      /^<span class="(t\d+)">const/,
    )?.[1];
    assert.ok(keyword, 'const is a keyword at top level');
    const member = await highlightLines('m.ts', excerpt, 'member', { insideClass: true });
    assert.equal(member.length, excerpt.length);
    assert.match(member[1]!, new RegExp(`<span class="${keyword}">const</span>`));
    assert.equal(
      member
        .map((l) =>
          l
            .replace(/<[^>]+>/g, '')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>'),
        )
        .join('\n'),
      excerpt.join('\n'),
    );
  });

  it('highlights TypeScript one HTML string per line, with classes and escaped text', async () => {
    const lines = ['const a = "</script>";', 'function f(): number { return 1 }'];
    const out = await highlightLines('x.ts', lines, 'test-sha:1');
    assert.equal(out.length, 2);
    assert.match(out[0] ?? '', /<span class="t\d+">const<\/span>/);
    assert.ok((out[0] ?? '').includes('&lt;/script&gt;'));
    assert.ok(!(out[0] ?? '').includes('</script>'));
    assert.match(highlightCss(), /--shiki-light:#[0-9A-F]+/i);
  });

  it('falls back to plain escaped text for unknown languages and huge files', async () => {
    assert.deepEqual(await highlightLines('x.go', ['a <b>'], 'k'), ['a &lt;b&gt;']);
    const huge = Array.from({ length: MAX_HIGHLIGHT_LINES + 1 }, () => 'x<y');
    const out = await highlightLines('x.ts', huge, 'huge');
    assert.equal(out[0], 'x&lt;y');
  });

  it('serves a repeated request from the cache', async () => {
    const lines = ['let cached = 1;'];
    const first = await highlightLines('c.ts', lines, 'same-key');
    const second = await highlightLines('c.ts', ['different text'], 'same-key');
    assert.deepEqual(second, first, 'same blob key → cached lines');
  });
});
