// axe-core on the key pages at a phone width (390 px) and a laptop width
// (1366 px), and the phone layout: no page may scroll sideways at 360 or 390 px,
// also with the large-text mode on.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { DESKTOP, mobile, openPage } from '../lib/browser.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe violations on the open page, one problem line per rule. */
export async function axeProblems(page, label) {
  // evaluate() runs through the DevTools protocol, so a page CSP cannot block it.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  });
  return result.map((v) => {
    const nodes = v.nodes
      .slice(0, 3)
      .map((n) => `\n    at ${n.target}: ${n.summary.slice(0, 300)}`)
      .join('');
    const more = v.nodes.length > 3 ? `\n    … ${v.nodes.length - 3} more element(s)` : '';
    return `${label}: [${v.id}, ${v.impact}] ${v.help} (${v.helpUrl.replace(/\?.*$/, '')})${nodes}${more}`;
  });
}

async function sidewaysProblems(page, width, label) {
  const m = await page.evaluate(
    (w) => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      culprits: window.__tx.overflowing(w),
    }),
    width,
  );
  // With mobile emulation an over-wide page is zoomed out, which makes
  // innerWidth grow with it: compare with the viewport width itself.
  if (m.scrollWidth <= width && m.innerWidth <= width) return [];
  return [
    `${label}: scrolls sideways: document is ${m.scrollWidth} px wide in a ${width} px viewport` +
      (m.culprits.length ? `; too wide: ${m.culprits.join('; ')}` : ''),
  ];
}

/**
 * `pages` maps a name to a page path; `url(path)` makes the full URL.
 * Records one check per page and width.
 */
export async function runA11y({ report, browser, guard, pages, url }) {
  report.section('Accessibility (axe-core) and phone layout');
  const setups = [
    { name: '1366 px', options: DESKTOP, width: 1366, axe: true, sideways: false },
    { name: '390 px', options: mobile(390), width: 390, axe: true, sideways: true },
    { name: '360 px', options: mobile(360), width: 360, axe: false, sideways: true, largeText: true },
  ];
  for (const setup of setups) {
    const ctx = await guard.context(browser, setup.options);
    const page = await ctx.newPage();
    for (const [name, pagePath] of Object.entries(pages)) {
      const what = [setup.axe && 'axe', setup.sideways && `no sideways scroll${setup.largeText ? ' (also large-text)' : ''}`]
        .filter(Boolean)
        .join(' + ');
      await report.check(`${what} @ ${setup.name}: ${name} ${pagePath}`, async () => {
        await openPage(page, url(pagePath));
        const problems = [];
        if (setup.axe) problems.push(...(await axeProblems(page, pagePath)));
        if (setup.sideways) {
          problems.push(...(await sidewaysProblems(page, setup.width, pagePath)));
          if (setup.largeText) {
            await page.evaluate(() => document.documentElement.classList.add('large-text'));
            problems.push(...(await sidewaysProblems(page, setup.width, `${pagePath} (large-text mode)`)));
          }
        }
        return problems;
      });
    }
    await ctx.close();
  }

  // The reading aids must not break accessibility themselves: axe with both
  // the large-text and the high-contrast mode on, on a phone.
  const ctx = await guard.context(browser, mobile(390));
  const page = await ctx.newPage();
  for (const name of ['home', 'article']) {
    if (!pages[name]) continue;
    await report.check(`axe @ 390 px with large-text + high-contrast: ${name} ${pages[name]}`, async () => {
      await openPage(page, url(pages[name]));
      await page.evaluate(() => document.documentElement.classList.add('large-text', 'high-contrast'));
      return axeProblems(page, `${pages[name]} (large-text + high-contrast)`);
    });
  }
  await ctx.close();
}
