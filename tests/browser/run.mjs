#!/usr/bin/env node
// The browser test suite of the sample site. .ci/browser builds the site (and
// a copy with mourning on) and calls this with the output folders:
//
//   node run.mjs --site DIR [--mourning-site DIR] [--screenshots DIR] [--reports DIR] [--only screenshots]
//
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
import { discoverPages, pagesWithExternalLinks, readSitemap } from './lib/site.mjs';
import { runA11y } from './checks/a11y.mjs';
import { runFileChecks, startValidator } from './checks/files.mjs';
import { lighthouseSummary, runLighthouse } from './checks/lighthouse.mjs';
import { runMourning } from './checks/mourning.mjs';
import { runPrint } from './checks/print.mjs';
import { runReading } from './checks/reading.mjs';
import { runScreenshots } from './checks/screenshots.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    site: { type: 'string' },
    'mourning-site': { type: 'string' },
    screenshots: { type: 'string', default: path.join(repo, 'target/screenshots') },
    reports: { type: 'string', default: path.join(repo, 'target/browser') },
    only: { type: 'string' },
  },
});
if (!opts.site) {
  console.error('usage: node run.mjs --site DIR [--mourning-site DIR] [--screenshots DIR] [--reports DIR] [--only screenshots]');
  process.exit(2);
}
if (opts.only && opts.only !== 'screenshots') {
  console.error(`unknown --only ${opts.only}: the only partial run is "screenshots"`);
  process.exit(2);
}

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
if (opts.only === 'screenshots') {
  report.record('sitemap.xml lists an article', pages.article ? [] : ['no /yaowen/<slug>/ page found in sitemap.xml']);
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

// The pages whose axe and layout results are required by the issue.
const keyPages = Object.fromEntries(
  ['home', 'column', 'article', 'member', 'stats', 'chapter', 'sitemapPage'].filter((k) => pages[k]).map((k) => [k, pages[k]]),
);

const guard = new Guard();
let lighthouseResults = [];
const browser = await launchBrowser();
try {
  if (opts.only === 'screenshots') {
    await runScreenshots({ report, browser, guard, pages, url, outDir: opts.screenshots });
  } else {
    // The validator (Java) runs alongside the browser checks; Lighthouse waits
    // for both so that its timings have the machine to themselves.
    const extra = opts['mourning-site'] ? [path.join(path.resolve(opts['mourning-site']), 'index.html')] : [];
    const validation = startValidator(siteDir, extra);
    await runFileChecks({ report, siteDir, sitemap });
    await runA11y({ report, browser, guard, pages: keyPages, url });
    await runReading({ report, browser, guard, pages, url });
    const externalLinkPages = pagesWithExternalLinks(siteDir, sitemap.paths, sitemap.origin);
    await runPrint({ report, browser, guard, pages, url, externalLinkPages, siteOrigin: sitemap.origin });
    await runMourning({ report, browser, guard, pages, url, mourningUrl });
    await runScreenshots({ report, browser, guard, pages, url, outDir: opts.screenshots });

    report.section('W3C Nu HTML validator (every page)');
    const v = await validation;
    report.record(`no validator errors in ${v.pages} HTML pages`, v.problems);
  }
} finally {
  await browser.close();
}

report.section('Network and page health (every page the browser opened)');
report.record(
  `no request leaves 127.0.0.1 (${guard.pagesOpened.size} pages opened)`,
  guard.outside.map((o) => `${o.page} requested ${o.url}`),
);
report.record(
  'no script errors',
  guard.scriptErrors.map((e) => `${e.page}: ${e.message}`),
);
report.record(
  'every resource a page asks for loads',
  guard.brokenLoads.map((b) => `${b.page} asked for ${b.url}: ${b.status}`),
);

if (opts.only !== 'screenshots') {
  lighthouseResults = await runLighthouse({ report, pages, url, outDir: opts.reports });
}

await site.close();
if (mourning) await mourning.close();

const seconds = Math.round((Date.now() - started) / 1000);
const extra = [];
if (opts.only !== 'screenshots') {
  extra.push(...lighthouseSummary(lighthouseResults));
  fs.mkdirSync(opts.reports, { recursive: true });
  const summaryFile = path.join(opts.reports, 'summary.json');
  fs.writeFileSync(
    summaryFile,
    `${JSON.stringify({ pages, lighthouse: lighthouseResults, failed: report.failed, seconds }, null, 2)}\n`,
  );
  extra.push(`Details: ${path.relative(process.cwd(), summaryFile) || summaryFile} and the Lighthouse HTML reports beside it.`);
}
extra.push(`Screenshots: ${opts.screenshots}`);
extra.push(`Time: ${seconds} s`);
report.printSummary(extra);
process.exit(report.failed.length ? 1 : 0);
