// Opens every HTML page of the build once, so that the request guard, the
// script-error and the broken-resource checks cover the whole site and not only
// the pages the other checks look at. Resources that the browser has not
// fetched yet (lazy images further down, media that waits for a click) are
// read from the DOM: one pointing off 127.0.0.1 would leave when it loads.
import { DESKTOP, leavesLocalhost } from '../lib/browser.mjs';

const RESOURCE_SELECTORS = [
  'img[src]',
  'img[srcset]',
  'source[src]',
  'source[srcset]',
  'video[src]',
  'video[poster]',
  'audio[src]',
  'track[src]',
  'iframe[src]',
  'embed[src]',
  'object[data]',
  'script[src]',
  'link[href]',
  'input[type="image"][src]',
];

// <link rel> values that make the browser fetch or connect by themselves.
const FETCHING_LINKS = /\b(stylesheet|icon|apple-touch-icon|preload|prefetch|modulepreload|preconnect|dns-prefetch|manifest|prerender)\b/i;

export async function runCrawl({ report, browser, guard, url, pagePaths, redirectPaths = [] }) {
  report.section(`Every page of the build (${pagePaths.length} pages, ${redirectPaths.length} redirects of old addresses)`);
  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  const notLoaded = [];
  const problems = [];
  for (const p of pagePaths) {
    try {
      const res = await page.goto(url(p), { waitUntil: 'load', timeout: 30000 });
      const status = res ? res.status() : 0;
      if (status !== 200) problems.push(`${p} answered HTTP ${status}`);
      const refs = await page.evaluate(
        ({ selectors, linkRels }) => {
          const rel = new RegExp(linkRels, 'i');
          const out = [];
          for (const el of document.querySelectorAll(selectors.join(','))) {
            if (el.localName === 'link' && !rel.test(el.getAttribute('rel') || '')) continue;
            for (const attr of ['src', 'srcset', 'poster', 'data', 'href']) {
              const v = el.getAttribute(attr);
              if (!v) continue;
              const urls = attr === 'srcset' ? v.split(',').map((c) => c.trim().split(/\s+/)[0]) : [v];
              for (const u of urls) {
                try {
                  out.push({ url: new URL(u, document.baseURI).href, via: `<${el.localName} ${attr}>` });
                } catch {}
              }
            }
          }
          return out;
        },
        { selectors: RESOURCE_SELECTORS, linkRels: FETCHING_LINKS.source },
      );
      for (const r of refs) {
        if (!leavesLocalhost(r.url) || guard.outside.some((o) => o.url === r.url)) continue;
        notLoaded.push({ url: r.url, how: `would request (${r.via}, not fetched yet)`, page: url(p) });
      }
    } catch (err) {
      problems.push(`${p}: ${String(err.message).split('\n')[0]}`);
    }
  }
  // Each old address's page must land, by itself, on a page of the site.
  const known = new Set(pagePaths.map((p) => decodeURIComponent(new URL(url(p)).pathname)));
  const redirects = [];
  for (const p of redirectPaths) {
    try {
      const start = new URL(url(p));
      await page.goto(url(p), { waitUntil: 'commit', timeout: 30000 });
      await page.waitForURL((u) => u.pathname !== start.pathname, { timeout: 10000 });
      await page.waitForLoadState('load');
      const landed = decodeURIComponent(new URL(page.url()).pathname);
      if (!known.has(landed)) redirects.push(`${p} led to ${landed}, which is not a page of the site`);
    } catch (err) {
      redirects.push(`${p}: ${String(err.message).split('\n')[0]}`);
    }
  }
  await ctx.close();
  guard.outside.push(...notLoaded);
  report.record('every page of the build opens', problems);
  report.record(`every old address's redirect page leads to a page of the site (${redirectPaths.length})`, redirects);
}
