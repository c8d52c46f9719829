// The web page in a real browser, against the real binary on a fresh store: the five sample
// articles go in through the API, and the page must show, search, compare and follow them.
// The steps run in order on one server, each adding articles to what the samples made.
'use strict';
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');
const { samplesDir, sampleArticles, startServer, repoRoot } = require('../lib/server');

const SAMPLES = samplesDir();
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
// Set to copy each page's screenshot into docs/screenshots/ (the README's pictures).
const UPDATE_DOCS = process.env.STORYWEAVE_UPDATE_SCREENSHOTS === '1';

if (!SAMPLES) {
  console.log('skipping the browser tests: ../shared/samples is absent (or set STORYWEAVE_SAMPLES)');
}

// In file order, in one worker; after a failure the next steps go on with a fresh server.
test.skip(!SAMPLES, '../shared/samples is absent');

/** The pages whose screenshots the README shows. */
const DOCS = new Set(['live-list', 'story', 'compare', 'search', 'phone-list', 'phone-story', 'live-story', 'timeline']);

/** A full-page screenshot under artifacts/, and into docs/screenshots/ when asked. */
async function snap(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (UPDATE_DOCS && DOCS.has(name)) {
    const docs = path.join(repoRoot, 'docs', 'screenshots');
    fs.mkdirSync(docs, { recursive: true });
    fs.copyFileSync(file, path.join(docs, `${name}.png`));
  }
}

/**
 * axe-core's WCAG A/AA rules (contrast included) on the page as it is, in the light and the
 * dark colour scheme: no serious or critical violation.
 */
async function expectAccessible(page) {
  for (const colorScheme of ['dark', 'light']) {
    await page.emulateMedia({ colorScheme });
    // Colours fade (the live-update highlight): measure them where they end.
    await page.evaluate(() => Promise.all(document.getAnimations().map((an) => an.finished)));
    await expectAxeClean(page, colorScheme);
  }
}

async function expectAxeClean(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  expect(result.filter((v) => v.impact === 'serious' || v.impact === 'critical'), `${label}: ${JSON.stringify(result, null, 1)}`).toEqual([]);
}

/** A page load that a live update must not repeat: the marker survives only without reload. */
async function markPage(page) {
  await page.evaluate(() => { window.__notReloaded = true; });
}
async function expectNotReloaded(page) {
  expect(await page.evaluate(() => window.__notReloaded === true)).toBe(true);
}

let server;
let storyId;
let posted;

// The samples go in before any step, so that one step can be run alone (-g NAME).
test.beforeAll(async () => {
  server = await startServer();
  posted = await server.post(sampleArticles(SAMPLES));
  storyId = posted.body && posted.body.stored && posted.body.stored[0] ? posted.body.stored[0].story : null;
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test('the five samples posted through the API make one story of five articles in four languages', async ({ page }) => {
  const { status, body } = posted;
  expect(status, JSON.stringify(body)).toBe(200);
  expect(body.stored.map((s) => s.id)).toEqual(['000', '001', '002', '003', '004']);
  expect(body.stored.every((s) => s.story === storyId), 'one story').toBe(true);

  await page.goto(`${server.base}/`);
  await expect(page.locator('#conn')).toHaveAttribute('data-state', 'live');
  const cards = page.locator('#story-list > li');
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  await expect(card.locator('.count')).toHaveText('5 articles');
  // Languages as codes: tl, de, sr, en.
  await expect(card.locator('.langs > li')).toHaveCount(4);
  const codes = await card.locator('.langs .lang [aria-hidden="true"]').allTextContents();
  expect(codes.sort()).toEqual(['de', 'en', 'sr', 'tl']);
  await expect(card.locator('.entities li').first()).toBeVisible();
  await expect(card.locator('time').first()).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'list');
});

test('filters narrow the list and say when nothing matches', async ({ page }) => {
  await page.goto(`${server.base}/`);
  await page.getByLabel('Language code').fill('sr');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/#\/\?lang=sr$/);
  // The filtered list has replaced the whole list (and its form) before the next step.
  await expect(page.locator('#list-status')).toHaveText('1 story matching the filters.');
  await expect(page.locator('#story-list > li')).toHaveCount(1);
  await page.getByLabel('Language code').fill('ja');
  await page.getByLabel('Min. articles').fill('2');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.locator('#list-status')).toHaveText('No story matches these filters.');
  await expect(page.locator('#story-list > li')).toHaveCount(0);
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page.locator('#list-status')).toHaveText('1 story.');
  await expect(page.locator('#story-list > li')).toHaveCount(1);
});

test('the story page groups articles by language and shows the 000–001 translation', async ({ page }) => {
  await page.goto(`${server.base}/`);
  await page.locator('#story-list a.story-link').first().click();
  await expect(page).toHaveURL(new RegExp(`#/story/${storyId}$`));
  await expect(page.locator('h1')).toBeFocused();
  // Four language groups holding the five articles.
  await expect(page.locator('.lang-group')).toHaveCount(4);
  await expect(page.locator('.lang-group li[data-article]')).toHaveCount(5);
  await expect(page.locator('.lang-group[data-lang="tl"] li[data-article]')).toHaveCount(2);
  // The translation group holds 000 and 001.
  const translation = page.locator('#relation-groups [data-kind="translation"]');
  await expect(translation).toHaveCount(1);
  await expect(translation.locator('li[data-article]')).toHaveCount(2);
  await expect(translation.locator('li[data-article="000"]')).toBeVisible();
  await expect(translation.locator('li[data-article="001"]')).toBeVisible();
  // The timeline lists all five, earliest first.
  await expect(page.locator('#timeline > li')).toHaveCount(5);
  // Every pair with its evidence, behind a disclosure that opens from the keyboard.
  const pairs = page.locator('tr[data-pair]');
  await expect(pairs.first()).toBeHidden();
  await page.getByText(/All pairs with their evidence/).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('tr[data-pair="000/001"]')).toContainText('translation');
  expect(await pairs.count()).toBeGreaterThanOrEqual(4);
  await expectAccessible(page);
  await page.getByText(/All pairs with their evidence/).press('Enter');
  await expect(pairs.first()).toBeHidden();
  // Back to the heading (no ring: it is not something to click) for the picture.
  await page.locator('main h1').focus();
  await snap(page, 'story');
});

test('two articles of the story side by side', async ({ page }) => {
  await page.goto(`${server.base}/#/story/${storyId}`);
  await page.getByLabel('Left article').selectOption('000');
  await page.getByLabel('Right article').selectOption('001');
  await page.getByRole('button', { name: 'Show side by side' }).click();
  await expect(page).toHaveURL(/#\/compare\/000\/001$/);
  const left = page.locator('#side-by-side [data-side="left"]');
  const right = page.locator('#side-by-side [data-side="right"]');
  await expect(left).toContainText('Putin');
  await expect(right).toContainText('Wostotschny');
  await expect(left.locator('.text')).toHaveAttribute('lang', 'tl');
  await expect(right.locator('.text')).toHaveAttribute('lang', 'de');
  await expect(page.locator('#pair-relation')).toContainText('translation');
  // Next to each other: same top, left column left of the right one.
  const a = await left.boundingBox();
  const b = await right.boundingBox();
  expect(Math.abs(a.y - b.y)).toBeLessThan(2);
  expect(a.x + a.width).toBeLessThanOrEqual(b.x);
  await expectAccessible(page);
  await snap(page, 'compare');
});

test('the story page compares its articles: summary in the reader\'s language, provenance, what each source adds', async ({ page }) => {
  await page.goto(`${server.base}/#/story/${storyId}`);
  // Provenance: 000 and its translation 001 derive from one source, the first published marked.
  const group = page.locator('#provenance > li').filter({ has: page.locator('li[data-article="000"]') });
  await expect(group).toHaveCount(1);
  await expect(group.locator('li[data-article="001"]')).toBeVisible();
  await expect(group.locator('.prov-links')).toContainText('translation');
  await expect(page.getByRole('heading', { name: 'Independent reports' })).toBeVisible();
  // What each source adds: the first few sentences shown, the rest one keypress away.
  await expect(page.getByRole('heading', { name: 'What each source adds' })).toBeVisible();
  for (const [id, lang, number] of [['004', 'en', '2000'], ['003', 'sr', '2019']]) {
    const box = page.locator(`#adds [data-article="${id}"]`);
    const sentence = box.locator('.adds-list > li').filter({ hasText: number }).first();
    await expect(sentence).toHaveCount(1);
    if (!(await sentence.isVisible())) {
      await box.locator('details > summary').focus();
      await page.keyboard.press('Enter');
    }
    await expect(sentence).toBeVisible();
    await expect(sentence.locator('.sentence')).toHaveAttribute('lang', lang);
    await expect(sentence.locator('.chip-number', { hasText: number }).first()).toBeVisible();
  }
  // At most three sentences per article before "more".
  for (const list of await page.locator('#adds .adds-article > ol.adds-list').all()) {
    expect(await list.locator('> li').count()).toBeLessThanOrEqual(3);
  }

  // The reader's language: German. The address keeps it, focus stays on the control.
  const control = page.getByLabel("Reader's language");
  await control.selectOption('de');
  await expect(page).toHaveURL(new RegExp(`#/story/${storyId}\\?lang=de$`));
  await expect(page.locator('#cmp-headline')).toHaveAttribute('lang', 'de');
  await expect(page.locator('#cmp-lang')).toContainText('German');
  await expect(page.locator('#cmp-fallback')).toHaveCount(0);
  const items = page.locator('#cmp-summary > li');
  await expect(items.first()).toBeVisible();
  const n = await items.count();
  expect(n).toBeGreaterThanOrEqual(1);
  expect(n).toBeLessThanOrEqual(5);
  for (const item of await items.all()) {
    await expect(item.locator('.sentence')).toHaveAttribute('lang', 'de');
    await expect(item.locator('a.label')).toHaveAttribute('href', /^#\/article\//);
  }
  await expect(control).toBeFocused();
  await expect(control).toHaveValue('de');
  await expectAccessible(page);
  await snap(page, 'story-summary');

  // A language no article is in: the closest one is shown, and the page says so.
  await control.selectOption('nl');
  await expect(page).toHaveURL(new RegExp(`#/story/${storyId}\\?lang=nl$`));
  await expect(page.locator('#cmp-fallback')).toBeVisible();
  await expect(page.locator('#cmp-fallback')).toContainText('nl');
  await expect(page.locator('#cmp-headline')).not.toHaveAttribute('lang', 'nl');
  // A reload keeps the choice.
  await page.reload();
  await expect(page.getByLabel("Reader's language")).toHaveValue('nl');
  await expect(page.locator('#cmp-fallback')).toBeVisible();
  // Back to automatic: the plain address again.
  await page.getByLabel("Reader's language").selectOption('');
  await expect(page).toHaveURL(new RegExp(`#/story/${storyId}$`));
  await expect(page.locator('#cmp-fallback')).toHaveCount(0);
  // A code the server refuses, typed into the address: the story still shows, and says why.
  await page.goto(`${server.base}/#/story/${storyId}?lang=${encodeURIComponent('no such')}`);
  await expect(page.locator('#cmp-lang-error')).toBeVisible();
  await expect(page.locator('#cmp-headline')).toBeVisible();
});

test('search finds the story across languages and scripts, and says when nothing matches', async ({ page }) => {
  await page.goto(`${server.base}/`);
  const box = page.getByRole('searchbox', { name: /Search stories/ });
  for (const q of ['Путин Ким космодром Восточный', 'Kim Putin Wostotschny']) {
    await box.fill(q);
    await box.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#/search\\?q=${encodeURIComponent(q).replace(/[.*+?^${}()|[\]\\%]/g, '\\$&')}$`));
    await expect(page.locator('main h1')).toContainText(q);
    const hits = page.locator('#search-hits > li');
    await expect(hits.first()).toBeVisible();
    await expect(hits.first().locator('a.story-link')).toHaveAttribute('href', `#/story/${storyId}`);
    if (q.startsWith('Путин')) {
      await expectAccessible(page);
      await snap(page, 'search');
    }
  }
  await box.fill('Hochwasser in Valencia');
  await box.press('Enter');
  await expect(page.locator('#search-status')).toHaveText('No story matches this search.');
  await expect(page.locator('#search-hits > li')).toHaveCount(0);
  // A search is a real link: opening it directly shows the same hits.
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('Kim Putin Wostotschny')}`);
  await expect(page.locator('#search-hits > li').first().locator('a.story-link')).toHaveAttribute('href', `#/story/${storyId}`);
});

test('keyboard: skip link, then Tab reaches the story links, Enter opens one, focus is visible', async ({ page }) => {
  await page.goto(`${server.base}/`);
  await expect(page.locator('#story-list > li')).toHaveCount(1);
  await page.keyboard.press('Tab');
  await expect(page.locator('.skip')).toBeFocused();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('story-link'));
  }
  expect(reached, 'Tab reaches a story link').toBe(true);
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe('none');
  expect(outline.width).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/story/${storyId}$`));
  await expect(page.locator('h1')).toBeFocused();
});

test('phone width: no sideways scrolling, columns stacked', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const noOverflow = async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(w).toBeLessThanOrEqual(375);
  };
  await page.goto(`${server.base}/`);
  await expect(page.locator('#story-list > li')).toHaveCount(1);
  await noOverflow();
  await snap(page, 'phone-list');
  await page.goto(`${server.base}/#/story/${storyId}`);
  await expect(page.locator('.lang-group')).toHaveCount(4);
  await noOverflow();
  await snap(page, 'phone-story');
  await page.goto(`${server.base}/#/compare/000/001`);
  const left = page.locator('#side-by-side [data-side="left"]');
  const right = page.locator('#side-by-side [data-side="right"]');
  await expect(right).toBeVisible();
  const a = await left.boundingBox();
  const b = await right.boundingBox();
  expect(b.y).toBeGreaterThanOrEqual(a.y + a.height);
  await noOverflow();
  await snap(page, 'phone-compare');
});

test('articles posted while the page is open appear without a reload', async ({ page }) => {
  // The list: an unrelated article opens a second story.
  await page.goto(`${server.base}/`);
  await expect(page.locator('#conn')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('#story-list > li')).toHaveCount(1);
  await markPage(page);
  // Someone is typing a filter when the update comes: it must not be wiped.
  const nameFilter = page.getByLabel('Name', { exact: true });
  await nameFilter.fill('Ridge');
  const unrelated = {
    id: 'e2e-bridge',
    lang: 'en',
    title: 'Ridgeton opens its new river bridge after 29 months of work',
    text: 'Ridgeton opened its new river bridge on Monday after 29 months of construction. '
      + 'Mayor Alma Ferreira cut the ribbon in front of about 2,000 residents. '
      + 'The 410-metre crossing replaces a ferry that had served the town since 1958, '
      + 'and the council expects it to carry 12,000 vehicles a day by next summer.',
  };
  const { status } = await server.post([unrelated]);
  expect(status).toBe(200);
  await expect(page.locator('#story-list > li')).toHaveCount(2);
  await expect(page.locator('#story-list > li.fresh')).toContainText('Ridgeton');
  await expect(page.locator('#announce')).toContainText('1 new story');
  await expectNotReloaded(page);
  await expect(nameFilter).toHaveValue('Ridge');
  await expect(nameFilter).toBeFocused();
  await nameFilter.fill('');
  await expectAccessible(page);
  await snap(page, 'live-list');

  // The open story: a sixth article about the same event (made here from sample 004's text,
  // cut short, as a near-copy would be) joins it while it is on screen.
  await page.goto(`${server.base}/#/story/${storyId}`);
  await expect(page.locator('#story-meta .count')).toHaveText('5 articles');
  await markPage(page);
  // What the reader set on the page survives the refresh.
  await page.getByText(/All pairs with their evidence/).click();
  await page.getByLabel('Left article').selectOption('003');
  const base = sampleArticles(SAMPLES).find((a) => a.id === '004').text;
  const lines = base.split('\n');
  const copy = { id: 'e2e-copy', text: lines.slice(0, Math.ceil(lines.length * 0.8)).join('\n') };
  const posted = await server.post([copy]);
  expect(posted.status).toBe(200);
  expect(posted.body.stored[0].story, 'the copy joins the story').toBe(storyId);
  await expect(page.locator('#story-meta .count')).toHaveText('6 articles');
  await expect(page.locator('.lang-group[data-lang="en"] li[data-article="e2e-copy"]')).toBeVisible();
  // ...and is drawn with the article it copies.
  await expect(page.locator('#relation-groups [data-kind="near_duplicate"] li[data-article="e2e-copy"]')).toBeVisible();
  await expect(page.locator('#story-live')).toHaveText('1 new article arrived in this story.');
  await expect(page.locator('details#pairs')).toHaveJSProperty('open', true);
  await expect(page.getByLabel('Left article')).toHaveValue('003');
  await expectNotReloaded(page);
  await expectAccessible(page);
  await snap(page, 'live-story');
});

test('the timeline shows who published when, with sources and links to the originals', async ({ page }) => {
  // Two more reports of the bridge story posted above, with sources and times.
  const reports = [
    {
      id: 'e2e-bridge-gazette',
      lang: 'en',
      source: 'ridgeton-gazette.example',
      url: 'https://ridgeton-gazette.example/2026/bridge-opens',
      published: '2026-11-30T08:00:00Z',
      title: 'Ridgeton bridge opens after 29 months',
      text: 'Ridgeton opened its new river bridge on Monday after 29 months of construction. '
        + 'Mayor Alma Ferreira cut the ribbon in front of about 2,000 residents. '
        + 'The 410-metre crossing replaces the ferry that had served the town since 1958.',
    },
    {
      id: 'e2e-bridge-river',
      lang: 'en',
      source: 'river-news.example',
      url: 'https://river-news.example/ridgeton-bridge',
      published: '2026-11-30T10:30:00Z',
      title: 'New Ridgeton river bridge replaces 1958 ferry',
      text: 'The new river bridge in Ridgeton opened on Monday, 29 months after work began. '
        + 'Mayor Alma Ferreira cut the ribbon before some 2,000 residents, and the 410-metre crossing '
        + 'now replaces the ferry the town had used since 1958.',
    },
  ];
  const { status, body } = await server.post(reports);
  expect(status, JSON.stringify(body)).toBe(200);
  const story = body.stored[0].story;
  expect(body.stored[1].story, 'both reports are one story').toBe(story);
  await page.goto(`${server.base}/#/story/${story}`);
  const entries = page.locator('#timeline > li');
  await expect(entries.nth(1)).toBeVisible();
  const texts = await entries.allTextContents();
  const gazette = texts.findIndex((t) => t.includes('ridgeton-gazette.example'));
  const river = texts.findIndex((t) => t.includes('river-news.example'));
  expect(gazette, texts.join('\n')).toBeGreaterThanOrEqual(0);
  expect(river, 'the later report comes later').toBeGreaterThan(gazette);
  expect(texts[river]).toContain('+2 h 30 min');
  await expect(page.locator('.axis .tick')).toHaveCount(2);
  await expect(page.locator('li[data-article="e2e-bridge-gazette"] a[href="https://ridgeton-gazette.example/2026/bridge-opens"]')).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'timeline');
  await page.setViewportSize({ width: 375, height: 812 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});

test('text from the API is shown as text, links only to http(s), under the page\'s own content policy', async ({ browser }) => {
  // This test keeps the server's Content-Security-Policy (the others bypass it for axe-core).
  const context = await browser.newContext({ bypassCSP: false });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  const hostile = {
    id: 'e2e-markup',
    lang: 'en',
    title: '<img src=x onerror="window.__xss=1">Harbour <b>strike</b> ends',
    url: 'javascript:window.__xss=3',
    source: '<script>window.__xss=2</script>',
    text: 'Dock workers in Port Elsberg ended their 12-day strike on Tuesday after the union accepted a 6 percent raise.\n\n'
      + '<script>window.__xss=4</script><img src=x onerror="window.__xss=5"> The port handles 40,000 containers a week.',
  };
  const { status, body } = await server.post([hostile]);
  expect(status).toBe(200);
  const story = body.stored[0].story;
  for (const route of ['#/', `#/story/${story}`, '#/article/e2e-markup', `#/search?q=${encodeURIComponent('Port Elsberg strike')}`]) {
    await page.goto(`${server.base}/${route}`);
    await expect(page.locator('main h1')).toBeVisible();
    expect(await page.evaluate(() => window.__xss), route).toBeUndefined();
    expect(await page.locator('main img, main script, main b').count(), route).toBe(0);
    expect(await page.locator('main a[href^="javascript:"]').count(), route).toBe(0);
  }
  // The markup is there, as characters.
  await page.goto(`${server.base}/#/article/e2e-markup`);
  await expect(page.locator('main h1')).toHaveText(hostile.title);
  await expect(page.locator('#side-by-side .text')).toContainText('<script>window.__xss=4</script>');
  expect(problems, 'no script errors and nothing refused by the content policy').toEqual([]);
  await context.close();
});

test('a page at a time: "Load more stories" follows the cursor and moves focus to what it added', async ({ page }) => {
  // Three stories exist by now (the samples, the bridge, the markup test); make sure of two.
  const { body } = await server.post([{ id: 'e2e-paging', lang: 'en', title: 'Glassworks in Vellmar closes after 140 years', text: 'The Vellmar glassworks, founded in 1884, closed on Friday; its last 85 workers will be offered jobs at a plant in Kassel.' }]);
  expect(body.stored.length + body.duplicates.length).toBe(1);
  const total = (await (await fetch(`${server.base}/api/stories?limit=500`)).json()).stories.length;
  expect(total).toBeGreaterThanOrEqual(2);
  await page.goto(`${server.base}/#/?limit=1`);
  const cards = page.locator('#story-list > li');
  await expect(cards).toHaveCount(1);
  const more = page.getByRole('button', { name: 'Load more stories' });
  for (let shown = 1; shown < total; shown++) {
    await more.click();
    await expect(cards).toHaveCount(shown + 1);
    await expect(cards.nth(shown).locator('a.story-link')).toBeFocused();
  }
  await expect(more).toHaveCount(0);
  const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-story')));
  expect(new Set(ids).size, 'no story twice').toBe(total);
});

test('a live update of the open story keeps the reader\'s language', async ({ page }) => {
  await page.goto(`${server.base}/#/story/${storyId}?lang=de`);
  await expect(page.locator('#conn')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('#cmp-headline')).toHaveAttribute('lang', 'de');
  const before = Number.parseInt(await page.locator('#story-meta .count').textContent(), 10);
  await markPage(page);
  // A shortened copy of sample 003 joins the story while it is on screen.
  const base = sampleArticles(SAMPLES).find((a) => a.id === '003').text;
  const lines = base.split('\n');
  const { status, body } = await server.post([{ id: 'e2e-copy-003', text: lines.slice(0, Math.ceil(lines.length * 0.8)).join('\n') }]);
  expect(status).toBe(200);
  expect(body.stored[0].story, 'the copy joins the story').toBe(storyId);
  await expect(page.locator('#story-meta .count')).toHaveText(`${before + 1} articles`);
  await expectNotReloaded(page);
  await expect(page).toHaveURL(new RegExp(`#/story/${storyId}\\?lang=de$`));
  await expect(page.getByLabel("Reader's language")).toHaveValue('de');
  await expect(page.locator('#cmp-headline')).toHaveAttribute('lang', 'de');
});

test('an unknown story or address says so, with a way back', async ({ page }) => {
  await page.goto(`${server.base}/#/story/999999`);
  await expect(page.locator('main [role="alert"]')).toContainText(/story/i);
  await expect(page.locator('main')).not.toHaveAttribute('aria-busy', 'true');
  await page.goto(`${server.base}/#/nowhere`);
  await expect(page.locator('main h1')).toHaveText('Not found');
  await page.getByRole('link', { name: 'Back to all stories' }).click();
  await expect(page.locator('main h1')).toHaveText('Stories');
});
