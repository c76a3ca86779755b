// Finds the pages to check in a built site: every URL comes from the built
// sitemap.xml, except the few URLs the theme contract fixes. No article, member
// or chapter slug is written here, so the sample content can change freely.
import fs from 'node:fs';
import path from 'node:path';

/** Every HTML file of the output, as paths relative to the output folder. */
export function htmlFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file with the given extension, relative to `dir`. */
export function filesWithExt(dir, ext) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(ext)) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Reads sitemap.xml. Returns { locs, homeLoc, basePath, paths } where `paths`
 * are the page paths relative to the site's base path, each starting with "/".
 */
export function readSitemap(dir) {
  const file = path.join(dir, 'sitemap.xml');
  if (!fs.existsSync(file)) throw new Error('the build wrote no sitemap.xml');
  const xml = fs.readFileSync(file, 'utf8');
  const locs = [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  if (locs.length === 0) throw new Error('sitemap.xml lists no <loc>');
  const homeLoc = locs.reduce((a, b) => (b.length < a.length ? b : a));
  const home = new URL(homeLoc);
  const basePath = home.pathname.endsWith('/') ? home.pathname : `${home.pathname}/`;
  const paths = [];
  for (const loc of locs) {
    const u = new URL(loc);
    if (u.origin !== home.origin || !u.pathname.startsWith(basePath)) continue;
    paths.push(decodeURI(u.pathname.slice(basePath.length - 1)));
  }
  return { locs, homeLoc, origin: home.origin, basePath, paths };
}

/** The output file that serves a page path, or null. */
export function fileForPath(dir, pagePath) {
  const rel = pagePath.endsWith('/') ? `${pagePath}index.html` : pagePath;
  const file = path.join(dir, rel);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

const segments = (p) => p.split('/').filter(Boolean);

/**
 * The pages the suite looks at. Stable URLs are fixed by the theme contract;
 * the rest are the first matching sitemap entries. `missing` names what the
 * sitemap did not provide.
 */
export function discoverPages(paths) {
  const first = (pred) => paths.find((p) => pred(segments(p))) || null;
  const pages = {
    home: '/',
    column: '/yaowen/',
    stats: '/tian/',
    letters: '/laixin/',
    leaders: '/lingdao/',
    // A past 专题 with banner and sub-sections, one sub-section, and the archive.
    topic: '/zhuanti-quanhui/',
    topicSection: first((s) => s.length === 2 && s[0] === 'zhuanti-quanhui' && !/^\d{4}-/.test(s[1]) && s[1] !== 'page'),
    topics: '/topics/',
    memberIndex: '/weiyuan/',
    books: '/wenshi/',
    sitemapPage: '/sitemap/',
    // The search page with a query, as a shared link opens it.
    search: '/search/?q=协商',
    article: first((s) => s.length === 2 && s[0] === 'yaowen' && s[1] !== 'page'),
    member: first((s) => s.length === 2 && s[0] === 'weiyuan' && !['zhuanweihui', 'page'].includes(s[1])),
    chapter: first((s) => s.length === 3 && s[0] === 'wenshi' && s[2] !== 'quanshu' && s[2] !== 'page'),
    wholeBook: first((s) => s.length === 3 && s[0] === 'wenshi' && s[2] === 'quanshu'),
    proposal: first((s) => s.length === 2 && s[0] === 'tian' && s[1] !== 'page'),
    letter: first((s) => s.length === 2 && s[0] === 'laixin' && s[1] !== 'page'),
    leader: first((s) => s.length === 2 && s[0] === 'lingdao'),
  };
  const missing = Object.entries(pages)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  return { pages, missing };
}

/**
 * Pages whose article body links to another site (an http(s) URL off the
 * site's own origin), best candidates first: /guanyu/lianxi/ is known to have one.
 * A cheap scan of the files; the browser confirms the link is in `.article-body`.
 */
export function pagesWithExternalLinks(dir, paths, siteOrigin) {
  const found = [];
  for (const p of paths) {
    const file = fileForPath(dir, p);
    if (!file) continue;
    const html = fs.readFileSync(file, 'utf8');
    const at = html.search(/class="[^"]*\barticle-body\b/);
    if (at < 0) continue;
    // Up to the footer: the footer's own external links (ICP 备案) do not count.
    let end = html.indexOf('<footer', at);
    if (end < 0) end = html.length;
    const links = [...html.slice(at, end).matchAll(/<a\s[^>]*href="(https?:\/\/[^"]+)"/g)].map((m) => m[1]);
    if (links.some((href) => !href.startsWith(siteOrigin))) found.push(p);
  }
  found.sort((a, b) => (b === '/guanyu/lianxi/') - (a === '/guanyu/lianxi/'));
  return found;
}
