// Lighthouse on the home page and an article, as a phone (Lighthouse's default
// mobile settings) and as a desktop: each of performance, accessibility, best
// practices and SEO must score at least 95. The runs also give the page weights
// and one more look at the network: nothing may be fetched off 127.0.0.1.
import fs from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { CHROMIUM, CHROMIUM_ARGS, leavesLocalhost } from '../lib/browser.mjs';

export const MIN_SCORE = 95;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const KINDS = { Document: 'html', Stylesheet: 'css', Script: 'js', Image: 'img', Font: 'font' };

function weights(lhr) {
  const items = lhr.audits['network-requests']?.details?.items || [];
  const w = { requests: items.length };
  for (const key of [...Object.values(KINDS), 'other', 'total']) w[key] = { transfer: 0, size: 0 };
  for (const item of items) {
    const kind = KINDS[item.resourceType] || 'other';
    for (const k of [kind, 'total']) {
      w[k].transfer += item.transferSize || 0;
      w[k].size += item.resourceSize || 0;
    }
  }
  return w;
}

/** The weighted audits of a category that did not get full marks, worst first. */
function shortfalls(lhr, category) {
  return lhr.categories[category].auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
    .filter(({ audit }) => audit.score !== null && audit.score < 1)
    .sort((a, b) => a.audit.score - b.audit.score)
    .map(({ ref, audit }) => {
      const value = audit.displayValue ? ` (${audit.displayValue})` : '';
      return `${audit.id} score ${Math.round(audit.score * 100)}${value}: ${audit.title}`;
    });
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runLighthouse({ report, pages, url, outDir }) {
  report.section(`Lighthouse (each category at least ${MIN_SCORE}; reports in ${outDir})`);
  fs.mkdirSync(outDir, { recursive: true });
  const results = [];
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
    logLevel: 'silent',
  });
  try {
    const audit = async (pageUrl, form) => {
      const flags = {
        port: chrome.port,
        output: 'html',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
        maxWaitForLoad: 45000,
      };
      const result = await lighthouse(pageUrl, flags, form === 'desktop' ? desktopConfig : undefined);
      if (!result) throw new Error('Lighthouse returned nothing');
      return result;
    };
    for (const name of ['home', 'article']) {
      if (!pages[name]) continue;
      for (const form of ['mobile', 'desktop']) {
        await report.check(`Lighthouse ${form}: ${name} ${pages[name]}`, async () => {
          const { lhr, report: html } = await audit(url(pages[name]), form);
          fs.writeFileSync(path.join(outDir, `lighthouse-${name}-${form}.html`), html);
          if (lhr.runtimeError) return [`Lighthouse could not audit the page: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`];
          const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
          // Performance is timed on a shared 2-core machine: when a single run
          // falls short, the median of three runs decides, as Lighthouse advises.
          let perfRuns = [scores.performance];
          if (scores.performance < MIN_SCORE) {
            for (let i = 0; i < 2; i++) {
              const again = await audit(url(pages[name]), form);
              perfRuns.push(Math.round((again.lhr.categories.performance?.score ?? 0) * 100));
            }
            scores.performance = median(perfRuns);
          }
          const problems = [];
          for (const c of CATEGORIES) {
            if (scores[c] >= MIN_SCORE) continue;
            const runs = c === 'performance' && perfRuns.length > 1 ? ` (median of runs ${perfRuns.join(', ')})` : '';
            problems.push(`${pages[name]} ${form}: ${c} scores ${scores[c]}${runs}, needs ${MIN_SCORE}; falling short:\n  ${shortfalls(lhr, c).join('\n  ')}`);
          }
          for (const item of lhr.audits['network-requests']?.details?.items || []) {
            if (leavesLocalhost(item.url)) problems.push(`${pages[name]} ${form}: requested ${item.url}, which leaves 127.0.0.1`);
          }
          for (const warning of lhr.runWarnings || []) console.log(`       (Lighthouse warning: ${String(warning).split('\n')[0]})`);
          results.push({ page: pages[name], name, form, scores, perfRuns, weights: weights(lhr) });
          return { problems, note: CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ') };
        });
      }
    }
  } finally {
    chrome.kill();
  }
  return results;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Lines for the closing summary: the scores and the bytes sent per kind. */
export function lighthouseSummary(results) {
  if (results.length === 0) return ['Lighthouse: no results'];
  const lines = ['Lighthouse scores (performance / accessibility / best practices / SEO):'];
  for (const r of results) {
    lines.push(`  ${r.name.padEnd(8)} ${r.form.padEnd(8)} ${CATEGORIES.map((c) => String(r.scores[c]).padStart(3)).join(' / ')}   ${r.page}`);
  }
  lines.push('Page weights, transferred over gzip (uncompressed in brackets):');
  for (const r of results.filter((x) => x.form === 'mobile')) {
    const w = r.weights;
    const part = (k) => `${k.toUpperCase()} ${kb(w[k].transfer)} (${kb(w[k].size)})`;
    lines.push(`  ${r.name.padEnd(8)} ${['html', 'css', 'js', 'img', 'font'].map(part).join(', ')}; total ${kb(w.total.transfer)} in ${w.requests} requests`);
  }
  return lines;
}
