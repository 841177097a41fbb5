/**
 * The hub's only script, served at /-/static/app.js: copy buttons, `/` to focus search, arrow keys through
 * results, search-as-you-type on the search page. Pages work without it. DOM is built with textContent only.
 */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    var ta = document.createElement('textarea');
    ta.value = text; document.body.appendChild(ta); ta.select();
    try { document.execCommand('copy'); } finally { document.body.removeChild(ta); }
    return Promise.resolve();
  }
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('button[data-copy]');
    if (!btn) return;
    ev.preventDefault();
    var label = btn.querySelector('.btn-state');
    copyText(btn.getAttribute('data-copy')).then(function () {
      btn.classList.add('copied');
      if (label) label.textContent = 'copied';
      setTimeout(function () { btn.classList.remove('copied'); if (label) label.textContent = 'copy'; }, 1500);
    });
  });
  function results() { return Array.prototype.slice.call(document.querySelectorAll('.results a.hit')); }
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (ev.key === '/' && !typing) {
      var box = document.querySelector('input[data-search]');
      if (box) { ev.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    var list = results();
    if (!list.length) return;
    var i = list.indexOf(document.activeElement);
    if (i === -1 && !(t && t.hasAttribute && t.hasAttribute('data-search'))) return;
    ev.preventDefault();
    var next = ev.key === 'ArrowDown' ? Math.min(i + 1, list.length - 1) : i - 1;
    if (next < 0) { var b = document.querySelector('input[data-search]'); if (b) b.focus(); return; }
    list[next].focus();
  });
  var live = document.querySelector('input[data-live]');
  var target = document.getElementById('results');
  if (live && target) {
    var timer = null, seq = 0;
    live.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = live.value.trim();
        var form = live.form;
        var params = new URLSearchParams();
        params.set('q', q);
        var kind = form && form.elements.kind ? form.elements.kind.value : '';
        var repo = form && form.elements.repo ? form.elements.repo.value : '';
        if (kind) params.set('kind', kind);
        if (repo) params.set('repo', repo);
        params.set('limit', '50');
        var mine = ++seq;
        if (!q) return;
        history.replaceState(null, '', '/search?' + params.toString().replace(/&?limit=50/, ''));
        fetch('/api/v1/search?' + params.toString(), { headers: { accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (mine === seq) render(data.results || []); })
          .catch(function () {});
      }, 120);
    });
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function render(hits) {
    var status = document.getElementById('result-status');
    if (status) status.textContent = hits.length ? hits.length + (hits.length === 1 ? ' result' : ' results') : 'No symbols match.';
    var ul = el('ul', 'results');
    hits.forEach(function (h) {
      var li = el('li');
      var a = el('a', 'hit');
      a.href = h.url;
      a.appendChild(el('span', 'hit-name', h.qualifiedName));
      var side = el('span', 'hit-side', h.kind.charAt(0).toUpperCase() + h.kind.slice(1) + ' · ' + h.callers + ' callers' + (h.isTest ? ' · test' : ''));
      a.appendChild(side);
      a.appendChild(el('span', 'hit-where', h.repo + ' · ' + h.path + ':' + h.startLine));
      li.appendChild(a); ul.appendChild(li);
    });
    target.textContent = '';
    if (hits.length) target.appendChild(ul);
  }
})();
`;
