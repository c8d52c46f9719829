// storyweave web page: plain JavaScript, no build step, no framework.
//
// Routes are hashes, so every view is a real link that can be bookmarked, opened in a new tab
// and followed from the keyboard:
//   #/?lang=&since=&until=&entity=&source=&min_articles=&sort=   the story list
//   #/story/12?lang=                                              one story (lang: the reader's
//                                                                 language of its summary)
//   #/compare/ID/ID                                               two articles side by side
//   #/article/ID                                                  one article in full
//   #/search?q=&lang=                                             search hits
//
// Text from the API is only ever put in the page as text (`h()` below appends strings as
// text nodes and sets attributes one by one); nothing from the API goes through innerHTML.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------
  // DOM helpers

  /** Builds an element. Strings among the children become text nodes, never markup. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      // Styles through the CSSOM: the page's Content-Security-Policy forbids style attributes.
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    add(el, children);
    return el;
  }

  function add(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  /** An external link only for http(s) addresses: a `javascript:` URL from a feed must not run. */
  function safeUrl(u) {
    if (typeof u !== 'string') return null;
    try {
      const url = new URL(u, location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  const enc = encodeURIComponent;
  const main = () => document.getElementById('content');

  /** Says something to screen readers through the page's one polite live region. */
  function announce(text) {
    const el = document.getElementById('announce');
    if (!el) return;
    // Clearing first makes a repeated message be read again.
    el.textContent = '';
    setTimeout(() => { el.textContent = text; }, 50);
  }

  // ---------------------------------------------------------------------------------------
  // Formatting

  const langNames = (() => {
    try {
      return new Intl.DisplayNames([navigator.language || 'en', 'en'], { type: 'language' });
    } catch (_) {
      return null;
    }
  })();

  function langName(code) {
    if (!code || code === 'und') return 'unknown language';
    try {
      const n = langNames && langNames.of(code);
      return n && n !== code ? n : code;
    } catch (_) {
      return code;
    }
  }

  /** A language as its code, with its name for pointer hover and for screen readers. */
  function langCode(code) {
    return h('span', { class: 'lang', title: langName(code) },
      h('span', { 'aria-hidden': 'true' }, code || '?'),
      h('span', { class: 'sr-only' }, langName(code)));
  }

  function langList(codes) {
    return h('ul', { class: 'langs', 'aria-label': 'Languages' }, (codes || []).map((c) => h('li', {}, langCode(c))));
  }

  const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const relFmt = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;

  function fmtDate(iso) {
    const d = iso ? new Date(iso) : null;
    return d && !isNaN(d) ? dateFmt.format(d) : 'unknown time';
  }

  function fmtRelative(iso) {
    const d = iso ? new Date(iso) : null;
    if (!d || isNaN(d) || !relFmt) return fmtDate(iso);
    const s = (d.getTime() - Date.now()) / 1000;
    const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
    let v = s;
    for (const [n, unit] of steps) {
      if (Math.abs(v) < n) return relFmt.format(Math.round(v), unit);
      v /= n;
    }
    return fmtDate(iso);
  }

  /** A <time> element: the exact time in its title and datetime, relative text when asked. */
  function timeEl(iso, relative) {
    if (!iso) return h('span', {}, 'unknown time');
    return h('time', { datetime: iso, title: fmtDate(iso), 'data-relative': relative ? '' : null }, relative ? fmtRelative(iso) : fmtDate(iso));
  }

  function fmtDuration(ms) {
    const m = Math.round(ms / 60000);
    if (m < 60) return `${m} min`;
    const hrs = Math.floor(m / 60);
    if (hrs < 48) return `${hrs} h ${m % 60} min`;
    return `${Math.round(hrs / 24)} days`;
  }

  /** Shortens a long title for lists; the full text stays in the article's own view. */
  function clip(text, n) {
    const t = String(text || '');
    return t.length > n ? `${t.slice(0, n - 1).trimEnd()}…` : t;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  const KINDS = {
    translation: { title: 'Translations', one: 'translation', about: 'The same text in another language.' },
    near_duplicate: { title: 'Near-copies', one: 'near-copy', about: 'The same language and mostly the same text.' },
    shares_passages: { title: 'Shared passages', one: 'shares passages', about: 'Some paragraphs or quotes in common.' },
    same_story: { title: 'Same story', one: 'same story', about: 'Independent reports of the same event.' },
    byline: { title: 'Same byline', one: 'same byline', about: 'Signed by the same author or agency.' },
  };
  const kindInfo = (k) => KINDS[k] || { title: k, one: k, about: '' };

  // ---------------------------------------------------------------------------------------
  // API

  class ApiError extends Error {}

  async function api(path, params) {
    const qs = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== '')).toString() : '';
    let res;
    try {
      res = await fetch(path + (qs ? `?${qs}` : ''), { headers: { accept: 'application/json' } });
    } catch (e) {
      throw new ApiError('The server cannot be reached. Is `storyweave serve` running?');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      // An error page that is not JSON: reported by status below.
    }
    if (!res.ok) {
      const msg = body && body.error && body.error.message ? body.error.message : `the server answered ${res.status}`;
      const err = new ApiError(msg);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  // ---------------------------------------------------------------------------------------
  // Routing

  /** The current route: a path split into parts, and its query. */
  function route() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, query] = raw.split('?', 2);
    const parts = path.split('/').filter(Boolean).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (_) {
        return p;
      }
    });
    return { parts, params: new URLSearchParams(query || '') };
  }

  /** What is on screen, so that live events know what to refresh. */
  const current = { view: null, story: null, refresh: null, seq: 0 };

  function setTitle(text) {
    document.title = text ? `${text} · storyweave` : 'storyweave';
  }

  /** Set after the first view: the page as loaded keeps the browser's own focus order. */
  let navigated = false;
  /**
   * Set by a control that changes the address of the view it is on (the reader's language):
   * the next render keeps focus on that control and the scroll position, as a live refresh
   * does, instead of moving to the heading as a new page would.
   */
  let keepPlace = null;

  /**
   * Replaces the page's content. After a navigation inside the page, focus moves to the new
   * heading, so that screen readers announce the new view as they would a page load.
   */
  function show(nodes, { focus = true } = {}) {
    const m = main();
    m.replaceChildren();
    add(m, [nodes]);
    if (focus && navigated) {
      const h1 = m.querySelector('h1');
      if (h1) {
        h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: true });
      }
      window.scrollTo(0, 0);
    }
  }

  function showError(err, title) {
    setTitle(title);
    show([h('h1', {}, title), h('p', { class: 'notice error', role: 'alert' }, err.message || String(err)), h('p', {}, h('a', { href: '#/' }, 'Back to all stories'))]);
  }

  /** Goes to a route; the same route again is shown afresh (a repeated search, say). */
  function navigate(hash) {
    navigated = true;
    if (location.hash === hash) render();
    else location.hash = hash;
  }

  async function render() {
    const seq = ++current.seq;
    const { parts, params } = route();
    const stale = () => seq !== current.seq;
    const place = keepPlace;
    keepPlace = null;
    current.story = null;
    current.refresh = null;
    // "new"/"updated" marks last until the reader goes elsewhere.
    freshStories.clear();
    freshArticles.clear();
    const searchInput = document.getElementById('search-q');
    if (searchInput && parts[0] !== 'search') searchInput.value = '';
    main().setAttribute('aria-busy', 'true');
    try {
      if (parts.length === 0) {
        current.view = 'list';
        await listView(params, stale);
      } else if (parts[0] === 'story' && parts[1]) {
        current.view = 'story';
        await storyView(parts[1], params, stale, { place });
      } else if (parts[0] === 'compare' && parts[1]) {
        current.view = 'compare';
        await compareView(parts[1], parts[2], stale);
      } else if (parts[0] === 'article' && parts[1]) {
        current.view = 'compare';
        await compareView(parts[1], null, stale);
      } else if (parts[0] === 'search') {
        current.view = 'search';
        await searchView(params, stale);
      } else {
        current.view = null;
        showError(new Error('There is no such page.'), 'Not found');
      }
    } catch (err) {
      if (!stale()) showError(err, 'Something went wrong');
    } finally {
      if (!stale()) main().removeAttribute('aria-busy');
    }
  }

  // ---------------------------------------------------------------------------------------
  // The story list

  const FILTERS = [
    { name: 'lang', label: 'Language code', type: 'text', attrs: { maxlength: 12, placeholder: 'e.g. de', list: 'known-langs', autocapitalize: 'off', spellcheck: 'false' } },
    { name: 'since', label: 'Published since', type: 'date' },
    { name: 'until', label: 'Published until', type: 'date' },
    { name: 'entity', label: 'Name', type: 'text', attrs: { maxlength: 200, placeholder: 'e.g. Putin' } },
    { name: 'source', label: 'Source', type: 'text', attrs: { maxlength: 200, placeholder: 'e.g. example.com' } },
    { name: 'min_articles', label: 'Min. articles', type: 'number', attrs: { min: 1, max: 100000, step: 1 } },
  ];
  /** Stories per page, unless the address says `limit=N` (as the API's parameter does). */
  const PAGE = 50;
  /** Languages seen so far, offered as suggestions in the language filter. */
  const knownLangs = new Set();

  function filterForm(params) {
    const fields = FILTERS.map((f) => h('div', { class: 'field' },
      h('label', { for: `f-${f.name}` }, f.label),
      h('input', Object.assign({ id: `f-${f.name}`, name: f.name, type: f.type, value: params.get(f.name) || '' }, f.attrs || {}))));
    const sort = params.get('sort') || 'updated';
    fields.push(h('div', { class: 'field' },
      h('label', { for: 'f-sort' }, 'Order'),
      h('select', { id: 'f-sort', name: 'sort' },
        h('option', { value: 'updated', selected: sort === 'updated' }, 'Last updated first'),
        h('option', { value: 'size', selected: sort === 'size' }, 'Most articles first'))));
    fields.push(h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: '#/', class: 'button secondary' }, 'Clear')));
    const datalist = h('datalist', { id: 'known-langs' }, [...knownLangs].sort().map((l) => h('option', { value: l }, langName(l))));
    const form = h('form', { 'aria-label': 'Filter stories', onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (String(v).trim() && !(k === 'sort' && v === 'updated')) q.set(k, String(v).trim());
      navigate(q.toString() ? `#/?${q}` : '#/');
    } }, fields, datalist);
    const active = FILTERS.some((f) => params.get(f.name)) || params.get('sort');
    // Open on wide screens or when a filter is set; folded on a phone, where it would push
    // the stories below the fold.
    const open = active || window.matchMedia('(min-width: 48rem)').matches;
    return h('details', { class: 'filters', open }, h('summary', {}, active ? 'Filters (active)' : 'Filters'), form);
  }

  function storyCard(s, fresh, headingTag) {
    for (const l of s.languages || []) knownLangs.add(l);
    const link = h('a', { href: `#/story/${enc(s.id)}`, 'data-key': `story-${s.id}`, class: 'story-link' }, s.headline || `Story ${s.id}`);
    return h('li', { class: `card${fresh ? ' fresh' : ''}`, 'data-story': s.id },
      h(headingTag || 'h2', {}, link, fresh ? h('span', { class: 'badge' }, fresh) : null),
      h('ul', { class: 'meta' },
        h('li', {}, langList(s.languages)),
        h('li', { class: 'count' }, plural(s.article_count, 'article', 'articles')),
        s.updated_at ? h('li', {}, 'updated ', timeEl(s.updated_at, true)) : null,
        s.last_published ? h('li', {}, 'last published ', timeEl(s.last_published, false)) : null),
      s.top_entities && s.top_entities.length
        ? h('ul', { class: 'entities', 'aria-label': 'Names in this story' },
          s.top_entities.slice(0, 8).map((e) => h('li', {}, h('a', { href: `#/?entity=${enc(e)}`, title: `Stories naming ${e}` }, e))))
        : null);
  }

  /** Stories marked as new or updated by live events, until the next navigation. */
  const freshStories = new Map();
  /** Articles that arrived in the open story while it was on screen. */
  const freshArticles = new Set();

  async function listView(params, stale, opts = {}) {
    const query = { sort: params.get('sort') || undefined };
    for (const f of FILTERS) query[f.name] = params.get(f.name) || undefined;
    // A live refresh reloads as many stories as are on screen, so "load more" is not undone.
    const pageSize = Math.min(Math.max(parseInt(params.get('limit'), 10) || PAGE, 1), 500);
    const shown = opts.keep || pageSize;
    const data = await api('/api/stories', Object.assign({ limit: Math.min(shown, 500) }, query));
    if (stale()) return;
    const active = FILTERS.some((f) => params.get(f.name));
    setTitle('Stories');
    const list = h('ol', { class: 'stories', id: 'story-list', 'aria-label': 'Stories' }, data.stories.map((s) => storyCard(s, freshStories.get(s.id))));
    const count = h('p', { class: 'status', id: 'list-status' },
      data.stories.length === 0
        ? (active ? 'No story matches these filters.' : 'No stories yet. Articles posted to /api/articles appear here as they arrive.')
        : `${plural(data.stories.length, 'story', 'stories')}${data.next ? ' shown' : ''}${active ? ' matching the filters' : ''}.`);
    let next = data.next;
    const more = h('div', { class: 'more', id: 'list-more' });
    const moreButton = h('button', { type: 'button', 'data-key': 'load-more', onclick: async () => {
      moreButton.disabled = true;
      try {
        const page = await api('/api/stories', Object.assign({ limit: pageSize, cursor: next }, query));
        const first = page.stories.length ? storyCard(page.stories[0]) : null;
        add(list, [first, page.stories.slice(1).map((s) => storyCard(s))]);
        next = page.next;
        count.textContent = `${plural(list.children.length, 'story', 'stories')}${next ? ' shown' : ''}.`;
        announce(`${plural(page.stories.length, 'more story', 'more stories')} loaded.`);
        if (first) first.querySelector('a').focus();
        if (!next) more.replaceChildren();
      } catch (err) {
        more.append(h('p', { class: 'notice error', role: 'alert' }, err.message));
      } finally {
        moreButton.disabled = false;
      }
    } }, 'Load more stories');
    if (next) more.append(moreButton);
    const old = opts.keep && ['list-status', 'story-list', 'list-more'].map((id) => document.getElementById(id));
    if (old && old.every(Boolean)) {
      // A live refresh replaces the stories only: the filter form keeps what is being typed.
      const focusKey = focusedKey();
      old[0].replaceWith(count);
      old[1].replaceWith(list);
      old[2].replaceWith(more);
      if (focusKey) restoreFocus(focusKey);
    } else {
      show([h('h1', {}, 'Stories'), filterForm(params), count, list, more]);
    }
    current.refresh = () => listView(params, stale, { keep: Math.max(pageSize, list.children.length) });
  }

  // ---------------------------------------------------------------------------------------
  // Search

  async function searchView(params, stale) {
    const q = (params.get('q') || '').trim();
    const input = document.getElementById('search-q');
    if (input) input.value = q;
    if (!q) {
      setTitle('Search');
      show([h('h1', {}, 'Search'), h('p', {}, 'Type words in any language in the search box above: names are matched across scripts.')]);
      return;
    }
    const data = await api('/api/search', { q, lang: params.get('lang') || undefined, limit: 20 });
    if (stale()) return;
    setTitle(`Search: ${q}`);
    const hits = data.hits || [];
    const items = hits.map((hit) => {
      const card = storyCard({ id: hit.story, headline: hit.headline, languages: hit.languages, article_count: hit.article_count }, null, 'h2');
      card.querySelector('.meta').append(
        h('li', {}, `${plural((hit.articles || []).length, 'matching article', 'matching articles')}`),
        h('li', { class: 'score' }, `score ${Number(hit.score).toFixed(2)}`));
      return card;
    });
    show([
      h('h1', {}, 'Search results for ', h('q', {}, q)),
      h('p', { class: 'status', id: 'search-status' }, hits.length ? `${plural(hits.length, 'story', 'stories')} found.` : 'No story matches this search.'),
      h('ol', { class: 'stories', id: 'search-hits', 'aria-label': 'Search results' }, items),
      h('p', {}, h('a', { href: '#/' }, 'All stories')),
    ]);
    announce(hits.length ? `${plural(hits.length, 'story', 'stories')} found for ${q}.` : `No story matches ${q}.`);
  }

  // ---------------------------------------------------------------------------------------
  // One story

  /** The source, when the article's label does not already name it. */
  function sourceText(a) {
    return a.source && !String(a.label || '').includes(a.source) ? ` ${a.source}` : '';
  }

  function labelText(byId, id) {
    const a = byId.get(id);
    return (a && a.label) || id;
  }

  function articleLabel(a) {
    return h('span', { class: 'label', title: `Article ${a.id}` }, a.label || a.id);
  }

  function externalLink(url, text) {
    const href = safeUrl(url);
    return href ? h('a', { href, rel: 'noopener noreferrer' }, text || 'original') : null;
  }

  /** Articles grouped by language, each with its source, time and links. */
  function articlesSection(view, byId) {
    const groups = (view.languages && view.languages.length ? view.languages : [{ lang: 'und', articles: view.articles.map((a) => a.id) }]);
    return h('section', { 'aria-labelledby': 'sec-articles' },
      h('h2', { id: 'sec-articles' }, 'Articles by language'),
      groups.map((g) => h('div', { class: 'lang-group', 'data-lang': g.lang },
        h('h3', {}, `${langName(g.lang)} `, langCode(g.lang), ` · ${plural(g.articles.length, 'article', 'articles')}`),
        h('ul', { class: 'article-list' }, g.articles.map((id) => byId.get(id)).filter(Boolean).map((a) => h('li', { 'data-article': a.id, class: freshArticles.has(a.id) ? 'fresh' : null, lang: a.lang && a.lang !== 'und' ? a.lang : null },
          h('p', {}, articleLabel(a), h('a', { href: `#/article/${enc(a.id)}`, 'data-key': `article-${a.id}` }, a.title || '(untitled)'), freshArticles.has(a.id) ? h('span', { class: 'badge' }, 'new') : null),
          h('ul', { class: 'meta', lang: 'en' },
            a.source ? h('li', {}, a.source) : null,
            a.published ? h('li', {}, timeEl(a.published, false)) : null,
            a.byline ? h('li', {}, `by ${a.byline}`) : null,
            h('li', {}, `${Number(a.chars || 0).toLocaleString()} characters`),
            a.url && safeUrl(a.url) ? h('li', {}, externalLink(a.url, 'original article')) : null)))))));
  }

  /** Translations, near-copies and shared passages, as groups of articles. */
  function relationsSection(view, byId) {
    const groups = view.groups || [];
    const rels = view.relations || [];
    const pairLink = (r) => h('a', { href: `#/compare/${enc(r.a)}/${enc(r.b)}`, 'aria-label': `Compare ${r.a_label || r.a} and ${r.b_label || r.b}` }, 'compare');
    const kindsShown = groups.map((g) => h('section', { class: `group kind-${g.kind}`, 'data-kind': g.kind, 'aria-label': kindInfo(g.kind).title },
      h('h3', {}, kindInfo(g.kind).title),
      h('p', {}, kindInfo(g.kind).about),
      h('ul', {}, g.articles.map((id) => byId.get(id) || { id, label: id }).map((a) => h('li', { 'data-article': a.id }, articleLabel(a), langCode(a.lang), sourceText(a), a.title ? ` — ${clip(a.title, 90)}` : ''))),
      g.articles.length >= 2 ? h('p', {}, h('a', { href: `#/compare/${enc(g.articles[0])}/${enc(g.articles[1])}` }, 'Compare ', labelText(byId, g.articles[0]), ' and ', labelText(byId, g.articles[1]), ' side by side')) : null));
    const evidence = (ev) => {
      if (!ev) return '';
      const parts = [];
      if (ev.shared_entities && ev.shared_entities.length) parts.push(`names: ${ev.shared_entities.slice(0, 6).join(', ')}`);
      if (ev.shared_numbers && ev.shared_numbers.length) parts.push(`numbers: ${ev.shared_numbers.slice(0, 6).join(', ')}`);
      if (ev.matched_quotes && ev.matched_quotes.length) parts.push(plural(ev.matched_quotes.length, 'quote', 'quotes'));
      if (ev.matched_bylines && ev.matched_bylines.length) parts.push(`bylines: ${ev.matched_bylines.join(', ')}`);
      if (ev.aligned_passages && ev.aligned_passages.length) parts.push(plural(ev.aligned_passages.length, 'aligned passage', 'aligned passages'));
      if (ev.length_ratio) parts.push(`length ratio ${Number(ev.length_ratio).toFixed(2)}`);
      return parts.join('; ');
    };
    const table = rels.length
      ? h('details', { id: 'pairs' },
        h('summary', {}, `All pairs with their evidence (${rels.length})`),
        h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Pairs of articles', tabindex: '0' },
          h('table', {},
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Pair'), h('th', { scope: 'col' }, 'Relation'), h('th', { scope: 'col' }, 'Similarity'), h('th', { scope: 'col' }, 'Evidence'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Compare')))),
            h('tbody', {}, rels.map((r) => h('tr', { 'data-pair': `${r.a}/${r.b}` },
              h('td', {}, `${r.a_label || r.a} – ${r.b_label || r.b}`),
              h('td', {}, h('span', { class: `kind kind-${r.kind}` }, kindInfo(r.kind).one)),
              h('td', {}, `${Math.round(Number(r.similarity || 0) * 100)}%`),
              h('td', {}, evidence(r.evidence)),
              h('td', {}, pairLink(r))))))))
      : null;
    return h('section', { 'aria-labelledby': 'sec-relations' },
      h('h2', { id: 'sec-relations' }, 'How the articles relate'),
      kindsShown.length ? h('div', { class: 'groups', id: 'relation-groups' }, kindsShown) : h('p', { class: 'status' }, 'No translations, near-copies or shared passages: the articles are independent reports.'),
      table);
  }

  /** Who published when: a drawn axis (for the eye) and an ordered list (for everyone). */
  function timelineSection(view, byId) {
    const items = (view.timeline || []).map((id) => byId.get(id)).filter(Boolean);
    const dated = items.filter((a) => a.published && !isNaN(new Date(a.published)));
    const t0 = dated.length ? new Date(dated[0].published).getTime() : 0;
    const t1 = dated.length ? new Date(dated[dated.length - 1].published).getTime() : 0;
    const span = Math.max(t1 - t0, 1);
    const axis = dated.length > 1
      ? [h('div', { class: 'axis', 'aria-hidden': 'true' },
        dated.map((a) => h('div', { class: 'tick', style: { left: `${(((new Date(a.published).getTime() - t0) / span) * 100).toFixed(2)}%` }, title: `${a.label} ${fmtDate(a.published)}` }))),
      h('div', { class: 'axis-ends', 'aria-hidden': 'true' }, h('span', {}, fmtDate(dated[0].published)), h('span', {}, fmtDate(dated[dated.length - 1].published)))]
      : null;
    return h('section', { 'aria-labelledby': 'sec-timeline' },
      h('h2', { id: 'sec-timeline' }, 'Timeline'),
      dated.length < items.length ? h('p', { class: 'status' }, dated.length ? 'Articles without a publication time come last.' : 'None of these articles carries a publication time: they are listed in order of arrival.') : null,
      axis,
      h('ol', { class: 'timeline', id: 'timeline' }, items.map((a) => h('li', {},
        dated.length ? h('p', {}, a.published ? timeEl(a.published, false) : h('span', { class: 'status' }, 'no date'), a.published && dated.length && a.published !== dated[0].published ? h('span', { class: 'delta' }, ` (+${fmtDuration(new Date(a.published).getTime() - t0)})`) : null) : null,
        h('p', {}, articleLabel(a), langCode(a.lang), sourceText(a), ' — ', h('a', { href: `#/article/${enc(a.id)}` }, clip(a.title || '(untitled)', 120)))))));
  }

  /** Options of an article picker. */
  function articleOptions(articles, selected) {
    return articles.map((a) => h('option', { value: a.id, selected: a.id === selected }, clip([a.label || a.id, a.lang, a.source, a.title].filter(Boolean).join(' · '), 100)));
  }

  /** A form to pick two articles and open them side by side. */
  function pickerForm(articles, left, right, prefix) {
    const form = h('form', { class: 'pickers', 'aria-label': 'Pick two articles to compare', onsubmit: (e) => {
      e.preventDefault();
      const a = form.querySelector(`#${prefix}-left`).value;
      const b = form.querySelector(`#${prefix}-right`).value;
      navigate(`#/compare/${enc(a)}/${enc(b)}`);
    } },
    h('div', { class: 'field' }, h('label', { for: `${prefix}-left` }, 'Left article'), h('select', { id: `${prefix}-left` }, articleOptions(articles, left))),
    h('div', { class: 'field' }, h('label', { for: `${prefix}-right` }, 'Right article'), h('select', { id: `${prefix}-right` }, articleOptions(articles, right))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show side by side')));
    return form;
  }

  function compareSection(view) {
    const arts = view.articles || [];
    if (arts.length < 2) return null;
    // Start from the first related pair: what a reader most likely wants to compare.
    const first = (view.relations || []).find((r) => r.kind !== 'same_story') || { a: arts[0].id, b: arts[1].id };
    return h('section', { 'aria-labelledby': 'sec-compare' },
      h('h2', { id: 'sec-compare' }, 'Compare two articles'),
      pickerForm(arts, first.a, first.b, 'story-pick'));
  }

  /** A `lang` attribute for text in this language (none for an unknown one). */
  function langAttr(code) {
    return code && code !== 'und' ? code : null;
  }

  /** The address of a story, with the reader's language when one is chosen. */
  function storyHash(id, lang) {
    return `#/story/${enc(id)}${lang ? `?lang=${enc(lang)}` : ''}`;
  }

  /** Offered in the reader's-language control besides the story's own languages. */
  const COMMON_LANGS = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'sv', 'tr', 'uk', 'zh'];

  /**
   * The reader's language of the summary: the story's languages first, then common ones.
   * Choosing one reloads the story with `?lang=` in its address (so a reload or a shared link
   * keeps it); focus stays on the control, since only the content below it changes.
   */
  function readerLangControl(view, chosen) {
    const own = [...new Set((view.story.languages || []).filter((l) => l && l !== 'und'))].sort();
    const others = COMMON_LANGS.filter((l) => !own.includes(l));
    if (chosen && !own.includes(chosen) && !others.includes(chosen)) others.push(chosen);
    const byName = (a, b) => langName(a).localeCompare(langName(b));
    const option = (l) => h('option', { value: l, selected: l === chosen }, `${langName(l)} (${l})`);
    const select = h('select', { id: 'story-lang', 'aria-describedby': 'cmp-lang', onchange: () => {
      keepPlace = { focus: '#story-lang', scroll: window.scrollY };
      navigate(storyHash(view.story.id, select.value));
    } },
    h('option', { value: '', selected: !chosen }, 'Automatic (the language most articles share)'),
    own.length ? h('optgroup', { label: 'In this story' }, own.sort(byName).map(option)) : null,
    h('optgroup', { label: 'Other languages' }, others.sort(byName).map(option)));
    return h('div', { class: 'field reader-lang' }, h('label', { for: 'story-lang' }, "Reader's language"), select);
  }

  /** An article's label as a link to its full text. */
  function articleLink(byId, id) {
    return h('a', { href: `#/article/${enc(id)}`, class: 'label', title: `Article ${id}` }, labelText(byId, id));
  }

  /**
   * The top of a story page: the reader's-language control, then a headline and 3–5 central
   * sentences in that language (or the closest one available, saying so), each with its article.
   */
  function summarySection(view, byId, ctx) {
    const c = view.comparison;
    if (!c) return null;
    const headLang = langAttr(c.headline_lang);
    return h('section', { 'aria-labelledby': 'sec-summary', class: 'summary', id: 'comparison' },
      h('h2', { id: 'sec-summary' }, 'Summary'),
      readerLangControl(view, ctx.lang),
      ctx.langError ? h('p', { class: 'notice error', role: 'alert', id: 'cmp-lang-error' }, `${ctx.langError} The summary is in the story's own language.`) : null,
      h('p', { class: 'lead', id: 'cmp-headline', lang: headLang }, c.headline),
      h('p', { class: 'status', id: 'cmp-lang' }, `Headline and summary in ${langName(c.headline_lang)}`, headLang ? ` (${headLang})` : '',
        c.headline_article ? [' · headline from ', articleLink(byId, c.headline_article)] : ''),
      c.fallback_note ? h('p', { class: 'notice', id: 'cmp-fallback' }, c.fallback_note) : null,
      (c.summary || []).length
        ? h('ol', { class: 'summary-list', id: 'cmp-summary', 'aria-label': 'Summary sentences' }, c.summary.map((s) => {
          const a = byId.get(s.article);
          return h('li', { 'data-article': s.article },
            h('p', { class: 'sentence', lang: langAttr(a && a.lang) }, s.text),
            h('p', { class: 'source' }, articleLink(byId, s.article),
              s.covered_by ? `said by ${plural(s.covered_by, 'other article', 'other articles')} too` : 'only this article says it'));
        }))
        : h('p', { class: 'status' }, 'No sentence of these articles is long enough for a summary.'),
      c.compared < c.articles ? h('p', { class: 'status', id: 'cmp-partial' }, `Compared the first ${c.compared} of ${c.articles} articles.`) : null);
  }

  /** An article in a list: its label (a link), language, source and title. */
  function articleLine(byId, id) {
    const a = byId.get(id) || { id };
    return [articleLink(byId, id), langCode(a.lang), sourceText(a), a.title ? h('span', { lang: langAttr(a.lang) }, ` — ${clip(a.title, 90)}`) : ''];
  }

  /** Which articles derive from one source (and how), and which are independent reports. */
  function provenanceSection(view, byId) {
    const c = view.comparison;
    if (!c || c.compared < 2) return null;
    const groups = c.provenance || [];
    const independent = c.independent || [];
    return h('section', { 'aria-labelledby': 'sec-provenance' },
      h('h2', { id: 'sec-provenance' }, 'Provenance'),
      h('p', {}, 'Articles that derive from one source: translated, copied, sharing passages or signed alike. The one published first is marked.'),
      groups.length
        ? h('ol', { class: 'provenance', id: 'provenance' }, groups.map((g, i) => h('li', { class: 'prov-group', 'data-articles': g.articles.join(' ') },
          h('h3', {}, `From one source (${i + 1}): ${plural(g.articles.length, 'article', 'articles')}`),
          h('ul', { class: 'prov-members' }, g.articles.map((id) => h('li', { 'data-article': id, class: id === g.earliest ? 'earliest' : null },
            articleLine(byId, id),
            id === g.earliest ? h('span', { class: 'badge' }, 'first published') : null,
            id === g.earliest && g.earliest_published ? [' ', timeEl(g.earliest_published, false)] : null))),
          g.earliest ? null : h('p', { class: 'status' }, 'None of them carries a publication time.'),
          (g.links || []).length
            ? h('ul', { class: 'prov-links', 'aria-label': 'Links' }, g.links.map((l) => h('li', {},
              // The visible labels start the link's name (what speech input users say).
              h('a', { href: `#/compare/${enc(l.a)}/${enc(l.b)}` }, `${labelText(byId, l.a)} – ${labelText(byId, l.b)}`, h('span', { class: 'sr-only' }, ' side by side')),
              ' ', h('span', { class: `kind kind-${l.kind}`, title: kindInfo(l.kind).about }, kindInfo(l.kind).one))))
            : null)))
        : h('p', { class: 'status' }, 'No two articles derive from one source.'),
      h('h3', { id: 'sec-independent' }, 'Independent reports'),
      independent.length
        ? h('ul', { class: 'independent', id: 'independent', 'aria-labelledby': 'sec-independent' }, independent.map((id) => h('li', { 'data-article': id }, articleLine(byId, id))))
        : h('p', { class: 'status' }, 'Every article derives from another one.'));
  }

  /** Sentences shown per article before "more". */
  const ADDS_SHOWN = 3;

  function addedSentence(s, lang) {
    const chips = [
      ...(s.names || []).map((t) => ['name', 'Name', t]),
      ...(s.places || []).map((t) => ['place', 'Place', t]),
      ...(s.numbers || []).map((t) => ['number', 'Number', t]),
    ];
    return h('li', { 'data-sentence': s.sentence },
      h('p', { class: 'sentence', lang: langAttr(lang) }, s.quote ? h('span', { class: 'badge quote', lang: 'en' }, 'quote') : null, s.quote ? ' ' : null, s.text),
      chips.length
        ? h('ul', { class: 'chips', 'aria-label': 'Names, places and numbers in it' }, chips.map(([kind, what, text]) => h('li', { class: `chip chip-${kind}`, title: what },
          h('span', { class: 'sr-only' }, `${what}: `), text)))
        : null);
  }

  /** An id made of an article id, for elements that keep their state across a refresh. */
  function idPart(id) {
    return String(id).replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0).toString(16)}`);
  }

  /** Per article, the sentences no other article of the story says: the first few, then more. */
  function addsSection(view, byId) {
    const c = view.comparison;
    if (!c || c.compared < 2) return null;
    const adds = (c.adds || []).filter((a) => (a.sentences || []).length);
    return h('section', { 'aria-labelledby': 'sec-adds' },
      h('h2', { id: 'sec-adds' }, 'What each source adds'),
      adds.length
        ? [h('p', {}, 'Sentences that no other article of the story says, most informative first.'),
          h('div', { class: 'adds', id: 'adds' }, adds.map((a) => {
            const art = byId.get(a.article) || { id: a.article };
            const key = idPart(a.article);
            const rest = a.sentences.slice(ADDS_SHOWN);
            return h('article', { class: 'adds-article', 'data-article': a.article, 'aria-labelledby': `adds-h-${key}` },
              h('h3', { id: `adds-h-${key}` }, articleLink(byId, a.article), langCode(a.lang), sourceText(art), ` · ${plural(a.sentences.length, 'sentence', 'sentences')}`),
              h('ol', { class: 'adds-list' }, a.sentences.slice(0, ADDS_SHOWN).map((s) => addedSentence(s, a.lang))),
              rest.length
                ? h('details', { id: `adds-more-${key}`, class: 'adds-more' },
                  h('summary', {}, `${plural(rest.length, 'more sentence', 'more sentences')} from ${labelText(byId, a.article)}`),
                  h('ol', { class: 'adds-list', start: ADDS_SHOWN + 1 }, rest.map((s) => addedSentence(s, a.lang))))
                : null);
          }))]
        : h('p', { class: 'status' }, 'Every sentence of these articles is said by another one too.'));
  }

  /**
   * The sections of a story page, in order. Each takes the story view, a map from article id
   * to its summary and the page's context (`lang`: the reader's language asked for) and
   * returns a node (or null when it has nothing to show).
   */
  const STORY_SECTIONS = [summarySection, articlesSection, relationsSection, provenanceSection, addsSection, timelineSection, compareSection];

  async function storyView(id, params, stale, opts = {}) {
    const lang = (params.get('lang') || '').trim() || null;
    let view;
    let langError = null;
    try {
      view = await api(`/api/stories/${enc(id)}`, { lang });
    } catch (err) {
      // A language code the server refuses (typed into the address): the story still shows.
      if (!(err instanceof ApiError && err.status === 400 && lang)) throw err;
      langError = err.message;
      view = await api(`/api/stories/${enc(id)}`);
    }
    if (stale()) return;
    const story = view.story;
    const byId = new Map((view.articles || []).map((a) => [a.id, a]));
    for (const l of story.languages || []) knownLangs.add(l);
    setTitle(story.headline || `Story ${story.id}`);
    // A live refresh, or a new reader's language, changes the page under the reader: focus,
    // scroll and what they set stay where they were.
    const keep = opts.live || opts.place;
    const focusKey = opts.place ? opts.place.focus : (opts.live ? focusedKey() : null);
    const controls = keep ? saveControls() : null;
    const scroll = opts.place ? opts.place.scroll : window.scrollY;
    const ctx = { lang: langError ? null : lang, langError };
    show([
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← All stories')),
      h('h1', { id: 'story-title' }, story.headline || `Story ${story.id}`),
      h('ul', { class: 'meta', id: 'story-meta' },
        h('li', {}, `Story ${story.id}`),
        h('li', { class: 'count' }, plural((view.articles || []).length, 'article', 'articles')),
        h('li', {}, langList(story.languages)),
        story.first_published ? h('li', {}, timeEl(story.first_published), ' – ', timeEl(story.last_published)) : null),
      story.top_entities && story.top_entities.length
        ? h('ul', { class: 'entities', 'aria-label': 'Names in this story' }, story.top_entities.slice(0, 12).map((e) => h('li', {}, h('a', { href: `#/?entity=${enc(e)}` }, e))))
        : null,
      h('div', { id: 'story-notice' }),
      STORY_SECTIONS.map((section) => section(view, byId, ctx)),
    ], { focus: !keep });
    if (keep) {
      restoreControls(controls);
      window.scrollTo(0, scroll);
      if (focusKey) restoreFocus(focusKey);
    }
    if (opts.place && view.comparison) {
      const c = view.comparison;
      announce(c.fallback_note || `Summary in ${langName(c.headline_lang)}.`);
    }
    current.story = story.id;
    current.refresh = () => storyView(id, params, stale, { live: true });
  }

  // ---------------------------------------------------------------------------------------
  // Two articles side by side (or one, from #/article/ID)

  /** Paragraphs of an article's text: blank lines first, else single line breaks. */
  function paragraphs(text) {
    const t = String(text || '').trim();
    const parts = /\n\s*\n/.test(t) ? t.split(/\n\s*\n/) : t.split(/\n/);
    return parts.map((p) => p.trim()).filter(Boolean);
  }

  function articleColumn(a, side) {
    const lang = a.lang && a.lang !== 'und' ? a.lang : null;
    return h('article', { class: 'column', 'data-side': side, 'aria-labelledby': `col-${side}-title` },
      h('p', { class: 'meta' }, articleLabel(a), langCode(a.lang), a.source ? h('span', {}, a.source) : null, a.published ? timeEl(a.published, false) : null),
      h('h2', { id: `col-${side}-title`, lang }, a.title || '(untitled)'),
      a.byline ? h('p', { class: 'meta' }, `by ${a.byline}`) : null,
      a.url && safeUrl(a.url) ? h('p', {}, externalLink(a.url, 'Original article')) : null,
      h('div', { class: 'text', lang }, paragraphs(a.text).map((p) => h('p', {}, p))));
  }

  async function compareView(leftId, rightId, stale) {
    const ids = rightId ? [leftId, rightId] : [leftId];
    const arts = await Promise.all(ids.map((i) => api(`/api/articles/${enc(i)}`)));
    if (stale()) return;
    const storyId = arts[0].story;
    let view = null;
    if (storyId != null) {
      try {
        // Only the picker and the pair's relation are wanted here, not the comparison.
        view = await api(`/api/stories/${enc(storyId)}`, { compare: 'false' });
      } catch (_) {
        // The picker and relation are extras; the texts are shown without them.
      }
      if (stale()) return;
    }
    // The story's summary names an article as its other views do (label, and a title made
    // from the text when the article has none).
    const summaries = new Map(((view && view.articles) || []).map((a) => [a.id, a]));
    for (const a of arts) {
      const sum = summaries.get(a.id);
      if (sum) {
        a.label = sum.label || a.label;
        a.title = a.title || sum.title;
      }
    }
    const title = rightId ? `${arts[0].label || leftId} and ${arts[1].label || rightId} side by side` : (arts[0].title || leftId);
    setTitle(title);
    const rel = view && rightId ? (view.relations || []).find((r) => (r.a === leftId && r.b === rightId) || (r.a === rightId && r.b === leftId)) : null;
    const nodes = [
      storyId != null ? h('p', { class: 'crumbs' }, h('a', { href: `#/story/${enc(storyId)}` }, `← ${view ? view.story.headline : `Story ${storyId}`}`)) : h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← All stories')),
      h('h1', {}, rightId ? `Compare ${arts[0].label || leftId} and ${arts[1].label || rightId}` : (arts[0].title || leftId)),
    ];
    if (rightId) {
      nodes.push(rel
        ? h('p', { class: 'relation', id: 'pair-relation' }, h('span', { class: `kind kind-${rel.kind}` }, kindInfo(rel.kind).one), ` · similarity ${Math.round(Number(rel.similarity || 0) * 100)}%`, rel.evidence && rel.evidence.shared_entities && rel.evidence.shared_entities.length ? ` · shared names: ${rel.evidence.shared_entities.slice(0, 8).join(', ')}` : '')
        : h('p', { class: 'relation status', id: 'pair-relation' }, arts[0].story === arts[1].story ? 'Same story; no closer relation found.' : 'These articles belong to different stories.'));
      nodes.push(h('p', {}, h('a', { href: `#/compare/${enc(rightId)}/${enc(leftId)}` }, 'Swap sides')));
    }
    if (view && view.articles && view.articles.length > 1) {
      const other = rightId || (view.articles.find((a) => a.id !== leftId) || {}).id;
      nodes.push(h('details', { open: !rightId }, h('summary', {}, rightId ? 'Pick other articles' : 'Compare with another article'), pickerForm(view.articles, leftId, other, 'cmp-pick')));
    }
    nodes.push(h('div', { class: 'side-by-side', id: 'side-by-side' }, arts.map((a, i) => articleColumn(a, i === 0 ? 'left' : 'right'))));
    show(nodes);
  }

  // ---------------------------------------------------------------------------------------
  // Keeping focus across a live re-render

  function focusedKey() {
    const el = document.activeElement;
    return el && el.getAttribute ? el.getAttribute('data-key') || (el.id ? `#${el.id}` : null) : null;
  }

  /** What the reader set on the page (picked articles, opened disclosures), by element id. */
  function saveControls() {
    const saved = new Map();
    for (const el of main().querySelectorAll('details[id], select[id], input[id]')) {
      saved.set(el.id, el.tagName === 'DETAILS' ? { open: el.open } : { value: el.value });
    }
    return saved;
  }

  function restoreControls(saved) {
    for (const [id, st] of saved) {
      const el = document.getElementById(id);
      if (!el) continue;
      if ('open' in st) el.open = st.open;
      // A picked article that is still in the story stays picked.
      else if (el.tagName !== 'SELECT' || [...el.options].some((o) => o.value === st.value)) el.value = st.value;
    }
  }

  function restoreFocus(key) {
    const el = key.startsWith('#') ? document.getElementById(key.slice(1)) : main().querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (el) el.focus({ preventScroll: true });
  }

  // ---------------------------------------------------------------------------------------
  // Live updates: server-sent events from /api/events

  let pending = [];
  let timer = null;

  function setConn(state, text) {
    const el = document.getElementById('conn');
    if (!el) return;
    el.dataset.state = state;
    document.getElementById('conn-text').textContent = text;
  }

  /** Events come in bursts (one per story of a batch): the page is refreshed once per burst. */
  function onStoryEvent(ev) {
    pending.push(ev);
    if (timer) return;
    timer = setTimeout(flush, 250);
  }

  async function flush() {
    timer = null;
    const events = pending;
    pending = [];
    let created = 0;
    let changed = 0;
    for (const e of events) {
      if (e.type === 'created') {
        created += 1;
        freshStories.set(e.story, 'new');
      } else {
        changed += 1;
        if (!freshStories.has(e.story)) freshStories.set(e.story, 'updated');
        for (const f of e.from || []) freshStories.delete(f);
      }
    }
    const summary = [created ? plural(created, 'new story', 'new stories') : null, changed ? plural(changed, 'story updated', 'stories updated') : null].filter(Boolean).join(', ');
    if (current.view === 'list' && current.refresh) {
      try {
        await current.refresh();
      } catch (_) {
        // The next event or a reload will try again.
      }
      announce(`Live update: ${summary}.`);
    } else if (current.view === 'story' && current.story != null) {
      const mine = events.filter((e) => e.story === current.story);
      const mergedAway = events.find((e) => e.type === 'merged' && (e.from || []).includes(current.story));
      if (mergedAway) {
        const box = document.getElementById('story-notice');
        if (box) box.replaceChildren(h('p', { class: 'notice' }, 'This story was merged into another one: ', h('a', { href: `#/story/${enc(mergedAway.story)}` }, `open story ${mergedAway.story}`), '.'));
        announce('This story was merged into another one.');
      } else if (mine.length && current.refresh) {
        const added = mine.reduce((n, e) => n + (e.articles || []).length, 0);
        for (const e of mine) for (const a of e.articles || []) freshArticles.add(a);
        try {
          await current.refresh();
        } catch (_) {
          // Shown again on the next event.
        }
        const box = document.getElementById('story-notice');
        const text = added ? `${plural(added, 'new article', 'new articles')} arrived in this story.` : 'This story changed.';
        if (box) box.replaceChildren(h('p', { class: 'notice', id: 'story-live' }, text));
        announce(text);
      }
    } else if (current.view === 'search') {
      const box = document.getElementById('search-status');
      if (box && !document.getElementById('search-rerun')) {
        box.after(h('p', { class: 'notice', id: 'search-rerun' }, `Live: ${summary}. `, h('button', { type: 'button', class: 'secondary', onclick: () => render() }, 'Search again')));
        announce(`Live update: ${summary}.`);
      }
    }
  }

  function connect() {
    if (typeof EventSource !== 'function') {
      setConn('down', 'No live updates in this browser');
      return;
    }
    const es = new EventSource('/api/events');
    let lost = false;
    es.onopen = () => {
      setConn('live', 'Live');
      // Events sent while the connection was down are not replayed: refresh what is shown.
      if (lost && current.refresh) current.refresh().catch(() => {});
      lost = false;
    };
    // EventSource reconnects by itself; the indicator says so meanwhile.
    es.onerror = () => {
      lost = true;
      setConn('down', 'Reconnecting…');
    };
    for (const name of ['created', 'extended', 'merged']) {
      es.addEventListener(name, (m) => {
        try {
          const data = JSON.parse(m.data);
          onStoryEvent(Object.assign({ type: name }, data));
        } catch (_) {
          // A malformed event is ignored; the next one refreshes the page anyway.
        }
      });
    }
    // Too far behind to replay: refresh whatever is shown.
    es.addEventListener('lagged', () => {
      if (current.refresh) current.refresh().catch(() => {});
    });
  }

  // ---------------------------------------------------------------------------------------
  // Start

  function start() {
    const form = document.getElementById('search-form');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = document.getElementById('search-q').value.trim();
      if (!q) return;
      navigate(`#/search?q=${enc(q)}`);
    });
    // The skip link targets the main region without turning into a route.
    const skip = document.querySelector('[data-skip]');
    skip.addEventListener('click', (e) => {
      e.preventDefault();
      main().focus();
    });
    // "updated 2 minutes ago" stays true while the page is open.
    setInterval(() => {
      for (const t of document.querySelectorAll('time[data-relative]')) t.textContent = fmtRelative(t.getAttribute('datetime'));
    }, 30_000);
    window.addEventListener('hashchange', () => {
      navigated = true;
      render();
    });
    connect();
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
