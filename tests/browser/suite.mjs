// Real-browser checks of the Parallax web interface.
//
//   node tests/browser/suite.mjs --base http://127.0.0.1:8080 --out target/browser
//   (or PARALLAX_BASE_URL / PARALLAX_BROWSER_OUT; PARALLAX_CHROMIUM overrides /usr/bin/chromium)
//
// Every page of PAGES is visited at each width of WIDTHS three times, each in its own browser
// context:
//   1. as a reader would, with the server's Content-Security-Policy honoured: a full-page
//      screenshot is saved, and any JS dialog, console error, page error, CSP violation, request
//      to another host, HTTP status >= 400 or markup that would run script (a <script>, an on*
//      attribute, a javascript: link) fails the run;
//   2. with the CSP bypassed, to run axe-core: any serious or critical violation fails the run,
//      and so does a dialog or page error (hostile input must be escaped, not merely blocked by
//      the CSP);
//   3. with JavaScript disabled (at the first width): the page must still show its main heading.
// It exits 1 with a list of every failure, 2 when it could not run at all.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);

function arg(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  return process.env[envName] ?? fallback;
}

const BASE = new URL(arg('base', 'PARALLAX_BASE_URL', 'http://127.0.0.1:8080'));
const OUT = path.resolve(arg('out', 'PARALLAX_BROWSER_OUT', 'target/browser'));
const CHROMIUM = arg('chromium', 'PARALLAX_CHROMIUM', '/usr/bin/chromium');
const WIDTHS = [390, 1280];
const SERIOUS = new Set(['serious', 'critical']);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// ---- Discovering the pages ------------------------------------------------------------------

async function api(p) {
  try {
    const res = await fetch(new URL(p, BASE), { headers: { accept: 'application/json' } });
    if (res.status !== 200) return null;
    return await res.json();
  } catch {
    return null;
  }
}

/// The list inside a JSON answer: the answer itself or its first array-valued field.
function list(json, ...keys) {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    for (const k of keys) if (Array.isArray(json[k])) return json[k];
    for (const v of Object.values(json)) if (Array.isArray(v)) return v;
  }
  return [];
}

const field = (o, ...keys) => {
  if (o == null) return undefined;
  if (typeof o !== 'object') return o;
  for (const k of keys) if (o[k] != null && o[k] !== '') return o[k];
  return undefined;
};
const idOf = (o) => field(o, 'id', 'story_id', 'key', 'slug', 'code');
const titleOf = (o) => String(field(o, 'title', 'name', 'label', 'headline') ?? '');
const enc = encodeURIComponent;

async function storyIdsFor(query) {
  const hits = list(await api(`/api/search?q=${enc(query)}`), 'stories', 'results', 'hits');
  return hits.map((h) => idOf(h.story ?? h) ?? field(h, 'story_id')).filter((x) => x != null);
}

async function firstStory() {
  const stories = list(await api('/api/stories'), 'stories');
  const seed = stories.find((s) => /putin|trump|ushakov/i.test(titleOf(s)));
  const bySearch = (await storyIdsFor('Ushakov'))[0];
  const id = bySearch ?? idOf(seed) ?? idOf(stories[0]);
  return id == null ? null : `/story/${enc(id)}`;
}

let hostileStoryIds = null;

async function hostileStoryIdList() {
  // The stories of the fixtures in tests/data/hostile/ all mention the Marwick port, or the
  // ferry timetable of scripts.html.
  if (hostileStoryIds) return hostileStoryIds;
  const ids = new Set();
  for (const q of ['Marwick', 'ferry timetable']) for (const id of await storyIdsFor(q)) ids.add(id);
  for (const s of list(await api('/api/stories?limit=500'), 'stories')) {
    if (/marwick|ferry timetable|alert\(|<script|<svg|<img/i.test(titleOf(s)) && idOf(s) != null) ids.add(idOf(s));
  }
  hostileStoryIds = [...ids];
  return hostileStoryIds;
}

async function hostileStories() {
  return (await hostileStoryIdList()).map((id) => ({ name: `hostile-story-${id}`, path: `/story/${enc(id)}` }));
}

/// The source ids of the articles of these stories.
async function sourcesOfStories(storyIds) {
  const ids = new Set();
  for (const id of storyIds) {
    const story = await api(`/api/stories/${enc(id)}`);
    for (const a of list(story, 'articles')) {
      const src = field(a, 'source', 'source_id');
      if (typeof src === 'string' && src !== 'src-unknown') ids.add(src);
    }
  }
  return [...ids];
}

async function firstSource() {
  // /api/sources lists the registry's sources once they are in the store; after a plain import
  // it may be empty, so the outlets of the seed story come first.
  const fromSeed = await sourcesOfStories((await storyIdsFor('Ushakov')).slice(0, 1));
  const id = fromSeed[0] ?? idOf(list(await api('/api/sources'), 'sources')[0]);
  return id == null ? null : `/source/${enc(id)}`;
}

async function hostileSources() {
  const ids = await sourcesOfStories(await hostileStoryIdList());
  const hostile = /[<>"]|alert|javascript|\u202e/i;
  for (const s of list(await api('/api/sources'), 'sources')) {
    if (hostile.test(titleOf(s)) && idOf(s) != null && !ids.includes(idOf(s))) ids.push(idOf(s));
  }
  return ids.map((id) => ({ name: `hostile-source-${id}`, path: `/source/${enc(id)}` }));
}

async function firstEntity() {
  const first = list(await api('/api/entities'), 'entities')[0];
  return idOf(first) == null ? null : `/entity/${enc(idOf(first))}`;
}

async function firstTopic() {
  const first = list(await api('/api/topics'), 'topics')[0];
  const id = idOf(first) ?? (typeof first === 'string' ? first : undefined);
  return id == null ? null : `/topic/${enc(id)}`;
}

// One line per page. `path` is a path, or a function giving a path (null: the entry is
// skipped, which `required: true` turns into a failure) or a list of {name, path}.
const PAGES = [
  { name: 'home', path: '/' },
  { name: 'story', path: firstStory, required: true },
  { name: 'world', path: '/world' },
  { name: 'country-US', path: '/country/US' },
  { name: 'search', path: '/search?q=Ushakov' },
  { name: 'source', path: firstSource, required: true },
  { name: 'entity', path: firstEntity, required: true },
  { name: 'entities', path: '/entities' },
  { name: 'sources', path: '/sources' },
  { name: 'status', path: '/status' },
  { name: 'problems', path: '/problems' },
  { name: 'blindspots', path: '/blindspots' },
  { name: 'topic', path: firstTopic },
  { name: 'hostile-search', path: '/search?q=' + enc('<script>alert(1)</script> "><svg onload=alert(1)>') },
  { name: 'hostile-stories', path: hostileStories, required: true },
  { name: 'hostile-sources', path: hostileSources, required: true },
];

// ---- Checking one page ----------------------------------------------------------------------

const failures = [];
const warnings = [];
const fail = (where, what) => failures.push(`${where}: ${what}`);

const CSP_LISTENER = `
  window.__pxCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__pxCsp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
      (e.sample ? ' (' + e.sample + ')' : ''));
  });
`;

/// Markup that would run script if the CSP did not stop it: hostile input rendered as markup.
function scriptableMarkup() {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'base', 'frame'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'meta' && el.getAttribute('http-equiv')) found.push('<meta http-equiv>');
    for (const a of el.getAttributeNames()) {
      const v = (el.getAttribute(a) || '').replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (a.startsWith('on')) found.push(`<${tag} ${a}>`);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(a) &&
          (v.startsWith('javascript:') || v.startsWith('data:text/html') || v.startsWith('vbscript:'))) {
        found.push(`<${tag} ${a}="${v.slice(0, 40)}">`);
      }
    }
  }
  return found;
}

function watch(page, where, { console: watchConsole }) {
  page.on('dialog', async (d) => {
    fail(where, `JS dialog (${d.type()}): ${JSON.stringify(d.message())}`);
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => fail(where, `page error: ${e.message}`));
  if (watchConsole) {
    page.on('console', (m) => {
      const text = m.text();
      if (/content security policy/i.test(text)) fail(where, `CSP violation (console): ${text}`);
      else if (m.type() === 'error') fail(where, `console error: ${text}`);
    });
  }
}

async function guardHosts(context, where) {
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.host !== BASE.host || u.protocol !== BASE.protocol) {
      fail(where(), `request to another host: ${route.request().url().slice(0, 200)}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
}

let current = '';

// One context per kind of visit and width, made once: a new context per page costs more than
// the page itself. Each visit opens its own page and closes it.
const contexts = new Map();

async function context(browser, kind, width) {
  const key = `${kind}@${width}`;
  if (contexts.has(key)) return contexts.get(key);
  const viewport = { width, height: 900 };
  const options = {
    csp: { viewport },
    axe: { viewport, bypassCSP: true },
    nojs: { viewport, javaScriptEnabled: false },
  }[kind];
  const c = await browser.newContext(options);
  await guardHosts(c, () => current);
  if (kind === 'csp') await c.addInitScript({ content: CSP_LISTENER });
  contexts.set(key, c);
  return c;
}

async function visit(browser, name, p) {
  const url = new URL(p, BASE).href;
  for (const width of WIDTHS) {
    const where = `${name} ${p} @${width}`;
    current = where;
    const T = [Date.now()];

    // 1. Honouring the CSP.
    {
      const page = await (await context(browser, 'csp', width)).newPage();
      watch(page, where, { console: true });
      const res = await page.goto(url, { waitUntil: 'load' }).catch((e) => {
        fail(where, `navigation failed: ${e.message.split('\n')[0]}`);
        return null;
      });
      if (res) {
        if (res.status() >= 400) fail(where, `HTTP ${res.status()}`);
        const markup = await page.evaluate(scriptableMarkup);
        for (const m of [...new Set(markup)]) fail(where, `scriptable markup in the page: ${m}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) warnings.push(`${where}: the page is ${overflow}px wider than the viewport`);
        const file = path.join(OUT, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch((e) => fail(where, `screenshot: ${e.message}`));
        // CSP violation events are queued: read them last.
        const csp = await page.evaluate(() => window.__pxCsp ?? []);
        for (const v of csp) fail(where, `CSP violation: ${v}`);
      }
      await page.close();
    }
    T.push(Date.now());

    // 2. axe-core, with the CSP bypassed so that axe can be injected.
    {
      const page = await (await context(browser, 'axe', width)).newPage();
      watch(page, `${where} (CSP bypassed)`, { console: false });
      const res = await page.goto(url, { waitUntil: 'load' }).catch(() => null);
      if (res && res.status() < 400) {
        await page.addScriptTag({ content: AXE_SOURCE });
        const result = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 220) : ''}`),
          }));
        });
        for (const v of result) {
          const line = `axe ${v.impact} ${v.id}: ${v.help} [${v.nodes.length} node(s)] e.g. ${v.nodes.slice(0, 3).join(' | ')}`;
          if (SERIOUS.has(v.impact)) fail(where, line);
          else warnings.push(`${where}: ${line}`);
        }
      }
      await page.close();
    }
    T.push(Date.now());

    // 3. Without JavaScript (at one width: the markup does not depend on it): the main
    // heading is there.
    if (width === WIDTHS[0]) {
      const page = await (await context(browser, 'nojs', width)).newPage();
      const res = await page.goto(url, { waitUntil: 'load' }).catch(() => null);
      if (!res) fail(`${where} (no JS)`, 'navigation failed');
      else {
        const h1 = page.locator('h1').first();
        const text = (await h1.count()) ? (await h1.innerText()).trim() : '';
        const visible = (await h1.count()) ? await h1.isVisible() : false;
        if (!text || !visible) fail(`${where} (no JS)`, 'no visible main heading (h1)');
      }
      await page.close();
    }
    T.push(Date.now());
    if (process.env.PARALLAX_BROWSER_TIMING) {
      console.log(`  ${where}: csp ${T[1] - T[0]} ms, axe ${T[2] - T[1]} ms, no-js ${T[3] - T[2]} ms`);
    }
  }
}

// ---- Main -----------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const pages = [];
  for (const entry of PAGES) {
    let p = entry.path;
    if (typeof p === 'function') p = await p();
    if (Array.isArray(p)) {
      if (p.length === 0 && entry.required) fail(entry.name, 'no such pages found in the API');
      pages.push(...p);
    } else if (p == null) {
      if (entry.required) fail(entry.name, 'no such page found in the API');
    } else {
      pages.push({ name: entry.name, path: p });
    }
  }
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
    });
  } catch (e) {
    console.error(`browser suite: cannot start ${CHROMIUM}: ${e.message}`);
    process.exit(2);
  }
  const started = Date.now();
  try {
    for (const { name, path: p } of pages) {
      const t = Date.now();
      const before = failures.length;
      await visit(browser, name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80), p);
      console.log(`${failures.length > before ? 'FAIL' : 'ok  '} ${p} (${Date.now() - t} ms)`);
    }
  } finally {
    await browser.close();
  }
  console.log(`browser suite: ${pages.length} pages x ${WIDTHS.length} widths in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${OUT}`);
  if (warnings.length) {
    console.log(`\n${warnings.length} warning(s) (not failures):`);
    for (const w of warnings) console.log(`  - ${w}`);
  }
  if (failures.length) {
    console.log(`\n${failures.length} FAILURE(S):`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exit(1);
  }
  console.log('browser suite: all checks passed');
}

main().catch((e) => {
  console.error(`browser suite: ${e.stack ?? e}`);
  process.exit(2);
});
