#!/usr/bin/env node
// The browser test suite of the sample site. .ci/browser builds the site (and
// a copy with mourning on, the search fixture site and the 10,000-page site of
// bench/gen.py) and calls this with the output folders:
//
//   node run.mjs --site DIR [--mourning-site DIR] [--search-site DIR] [--bench-site DIR]
//                [--screenshots DIR] [--reports DIR] [--only PART,PART…]
//
// --only runs some of the parts (files, validator, a11y, reading, keyboard,
// print, mourning, screenshots, crawl, search, search-speed, serve, desk, readme, gallery, lighthouse), e.g.
// while working on the theme. search needs --search-site (the build of
// tests/browser/fixtures/search/), search-speed --bench-site, serve --serve-site and
// desk --desk-site (copies of a site that tongxin serve edits) with --tongxin.
// It serves each folder on 127.0.0.1, runs every check, prints each result and
// a summary with the Lighthouse scores and page weights, and exits 1 when any
// check failed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Guard, launchBrowser } from './lib/browser.mjs';
import { Report } from './lib/report.mjs';
import { serveSite } from './lib/server.mjs';
import { discoverPages, htmlFiles, pagesWithExternalLinks, readSitemap } from './lib/site.mjs';
import { runA11y } from './checks/a11y.mjs';
import { runCrawl } from './checks/crawl.mjs';
import { runFileChecks, startValidator } from './checks/files.mjs';
import { runKeyboard } from './checks/keyboard.mjs';
import { lighthouseSummary, runLighthouse } from './checks/lighthouse.mjs';
import { runMourning } from './checks/mourning.mjs';
import { runPrint } from './checks/print.mjs';
import { runReading } from './checks/reading.mjs';
import { runScreenshots } from './checks/screenshots.mjs';
import { runSearch, runSearchGoneOn, runSearchSpeed } from './checks/search.mjs';
import { runServe } from './checks/serve.mjs';
import { runDesk } from './checks/desk.mjs';
import { runGallery } from './checks/gallery.mjs';
import { runReadme } from './checks/readme.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    site: { type: 'string' },
    'mourning-site': { type: 'string' },
    'search-site': { type: 'string' },
    'search-edited': { type: 'string' },
    'search-clean': { type: 'string' },
    'bench-site': { type: 'string' },
    'serve-site': { type: 'string' },
    'desk-site': { type: 'string' },
    tongxin: { type: 'string' },
    'readme-dir': { type: 'string' },
    screenshots: { type: 'string', default: path.join(repo, 'target/screenshots') },
    reports: { type: 'string', default: path.join(repo, 'target/browser') },
    only: { type: 'string' },
  },
});
const PARTS = ['files', 'validator', 'a11y', 'reading', 'keyboard', 'print', 'mourning', 'screenshots', 'crawl', 'search', 'search-speed', 'serve', 'desk', 'readme', 'gallery', 'lighthouse'];
const USAGE = `usage: node run.mjs --site DIR [--mourning-site DIR] [--search-site DIR] [--bench-site DIR]
                   [--serve-site DIR --tongxin BIN] [--desk-site DIR --tongxin BIN] [--readme-dir DIR --tongxin BIN]
                   [--screenshots DIR] [--reports DIR] [--only PART,PART…]
parts: ${PARTS.join(', ')} (default: all)`;
if (!opts.site) {
  console.error(USAGE);
  process.exit(2);
}
const only = opts.only ? opts.only.split(',').map((x) => x.trim()) : PARTS;
const unknown = only.filter((x) => !PARTS.includes(x));
if (unknown.length) {
  console.error(`unknown part ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const want = (part) => only.includes(part);
const everything = only.length === PARTS.length;

// A hung browser must not hang CI: give up after 15 minutes.
const watchdog = setTimeout(() => {
  console.error('\nbrowser: gave up after 15 minutes (something hung)\n0 passed, 1 failed');
  process.exit(1);
}, 15 * 60 * 1000);
watchdog.unref();

const started = Date.now();
const report = new Report();
const siteDir = path.resolve(opts.site);

let sitemap;
try {
  sitemap = readSitemap(siteDir);
} catch (err) {
  report.record('read sitemap.xml to find the pages', [String(err.message)]);
  report.printSummary();
  process.exit(1);
}
const { pages, missing } = discoverPages(sitemap.paths);
report.section('Pages');
for (const [name, p] of Object.entries(pages)) console.log(`  ${name.padEnd(12)} ${p ?? '(none)'}`);
if (!everything) {
  const needed = missing.filter((m) => m === 'article' || want('print'));
  report.record('sitemap.xml lists the pages this run needs', needed.map((m) => `no ${m} page found in sitemap.xml`));
} else {
  report.record(
    'sitemap.xml lists an article, a member, a proposal, a book chapter and a whole-book view',
    missing.map((m) => `no ${m} page found in sitemap.xml`),
  );
}

const site = await serveSite(siteDir, { basePath: sitemap.basePath });
const prefix = sitemap.basePath.replace(/\/$/, '');
const url = (p) => `${site.origin}${prefix}${p}`;
let mourning = null;
if (opts['mourning-site']) mourning = await serveSite(path.resolve(opts['mourning-site']), { basePath: sitemap.basePath });
const mourningUrl = mourning ? (p) => `${mourning.origin}${prefix}${p}` : null;
console.log(`  serving ${siteDir} at ${url('/')}${mourning ? ` and the mourning copy at ${mourningUrl('/')}` : ''}`);

/** Serves another build (the search fixture, the 10,000-page site) when given and wanted. */
async function serveOther(dir, part) {
  if (!dir || !want(part)) return null;
  const abs = path.resolve(dir);
  const { basePath } = readSitemap(abs);
  const served = await serveSite(abs, { basePath });
  const base = basePath.replace(/\/$/, '');
  console.log(`  serving ${abs} at ${served.origin}${base}/ for ${part}`);
  return { dir: abs, served, basePath, url: (p) => `${served.origin}${base}${p}` };
}
const searchSite = await serveOther(opts['search-site'], 'search');
const searchEdited = await serveOther(opts['search-edited'], 'search');
const searchClean = await serveOther(opts['search-clean'], 'search');
const benchSite = await serveOther(opts['bench-site'], 'search-speed');

// The pages whose axe and layout results are required by the issue.
const keyPages = Object.fromEntries(
  ['home', 'column', 'article', 'member', 'stats', 'chapter', 'sitemapPage', 'search', 'letters', 'leaders', 'topic', 'topicSection', 'topics'].filter((k) => pages[k]).map((k) => [k, pages[k]]),
);

const guard = new Guard();
let lighthouseResults = [];
const browser = await launchBrowser();
try {
  // The validator (Java) runs alongside the browser checks; the search speed
  // and Lighthouse wait for both so that their timings have the machine to
  // themselves.
  const extra = opts['mourning-site'] ? [path.join(path.resolve(opts['mourning-site']), 'index.html')] : [];
  const validation = want('validator') ? startValidator(siteDir, extra) : null;
  if (want('files')) await runFileChecks({ report, siteDir, sitemap });
  if (want('a11y')) await runA11y({ report, browser, guard, pages: keyPages, url });
  if (want('reading')) await runReading({ report, browser, guard, pages, url });
  if (want('keyboard')) await runKeyboard({ report, browser, guard, pages, url });
  if (want('print')) {
    const externalLinkPages = pagesWithExternalLinks(siteDir, sitemap.paths, sitemap.origin);
    await runPrint({ report, browser, guard, pages, url, externalLinkPages, siteOrigin: sitemap.origin });
  }
  if (want('mourning')) await runMourning({ report, browser, guard, pages, url, mourningUrl });
  if (want('screenshots')) await runScreenshots({ report, browser, guard, pages, url, outDir: opts.screenshots });
  if (want('crawl')) {
    // Old addresses' redirect pages move on by themselves: they are followed
    // to where they lead instead of being read like pages.
    const files = htmlFiles(siteDir);
    const isRedirect = (f) => /<meta http-equiv="refresh"/i.test(fs.readFileSync(path.join(siteDir, f), 'utf8'));
    const toPath = (f) => `/${f.replace(/(^|\/)index\.html$/, '$1')}`;
    const pagePaths = files.filter((f) => !isRedirect(f)).map(toPath);
    const redirectPaths = files.filter(isRedirect).map(toPath);
    await runCrawl({ report, browser, guard, url, pagePaths, redirectPaths });
  }
  if (want('search')) {
    await runSearch({ report, browser, guard, url: searchSite?.url, siteDir: searchSite?.dir, prefix: searchSite?.basePath });
    await runSearchGoneOn({ report, browser, guard, edited: searchEdited, clean: searchClean });
  }
  if (want('gallery')) await runGallery({ report, browser, guard, url, siteDir });
  if (want('serve')) {
    const siteCopy = opts['serve-site'] && path.resolve(opts['serve-site']);
    await runServe({ report, browser, binary: opts.tongxin && path.resolve(opts.tongxin), siteDir: siteCopy });
  }
  if (want('desk')) {
    const siteCopy = opts['desk-site'] && path.resolve(opts['desk-site']);
    await runDesk({ report, browser, binary: opts.tongxin && path.resolve(opts.tongxin), siteDir: siteCopy });
  }
  if (want('readme')) {
    await runReadme({
      report,
      browser,
      binary: opts.tongxin && path.resolve(opts.tongxin),
      workDir: opts['readme-dir'] && path.resolve(opts['readme-dir']),
      photo: path.join(repo, 'content/yaowen/2026-11-12-changweihui-nongwenlv/huichang.jpg'),
      screenshots: opts.screenshots,
    });
  }
  if (validation) {
    report.section('W3C Nu HTML validator (every page)');
    const v = await validation;
    report.record(`no validator errors in ${v.pages} HTML pages`, v.problems);
  }
  // Timed after the validator, like Lighthouse, to have the machine to itself.
  if (want('search-speed')) await runSearchSpeed({ report, browser, guard, url: benchSite?.url });
} finally {
  await browser.close();
}

report.section('Network and page health (every page the browser opened)');
// One line per distinct problem, naming the pages where it happened.
const grouped = (entries, what) => {
  const pagesOf = new Map();
  for (const e of entries) {
    const key = what(e);
    if (!pagesOf.has(key)) pagesOf.set(key, new Set());
    let where = e.page;
    try {
      where = new URL(e.page).pathname;
    } catch {}
    pagesOf.get(key).add(where);
  }
  return [...pagesOf].map(([key, set]) => {
    const list = [...set];
    return `${key}\n  on ${list.slice(0, 5).join(', ')}${list.length > 5 ? ` and ${list.length - 5} more pages` : ''}`;
  });
};
report.record(
  `no request leaves 127.0.0.1 (${guard.pagesOpened.size} pages opened)`,
  grouped(guard.outside, (o) => `${o.how || 'requested'} ${o.url}`),
);
report.record(
  'no script errors',
  grouped(guard.scriptErrors, (e) => `script error: ${e.message}`),
);
report.record(
  'every resource a page asks for loads',
  grouped(guard.brokenLoads, (b) => `${b.url}: ${b.status}`),
);

if (want('lighthouse')) {
  lighthouseResults = await runLighthouse({ report, pages, url, outDir: opts.reports });
}

await site.close();
if (mourning) await mourning.close();
if (searchSite) await searchSite.served.close();
if (searchEdited) await searchEdited.served.close();
if (searchClean) await searchClean.served.close();
if (benchSite) await benchSite.served.close();

const seconds = Math.round((Date.now() - started) / 1000);
const extra = [];
if (want('lighthouse')) {
  extra.push(...lighthouseSummary(lighthouseResults));
  fs.mkdirSync(opts.reports, { recursive: true });
  const summaryFile = path.join(opts.reports, 'summary.json');
  fs.writeFileSync(
    summaryFile,
    `${JSON.stringify({ pages, lighthouse: lighthouseResults, failed: report.failed, seconds }, null, 2)}\n`,
  );
  extra.push(`Details: ${path.relative(process.cwd(), summaryFile) || summaryFile} and the Lighthouse HTML reports beside it.`);
}
if (want('screenshots')) extra.push(`Screenshots: ${opts.screenshots}`);
extra.push(`Time: ${seconds} s`);
report.printSummary(extra);
process.exit(report.failed.length ? 1 : 0);
