// Mourning mode (网站变灰): the normal build is in colour; a build with
// `mourning: true` in site.yaml marks <html class="mourning"> and turns the
// whole page grey through a computed filter on <html>.
import { DESKTOP, openPage } from '../lib/browser.mjs';

async function rootState(page) {
  return page.evaluate(() => ({
    mourning: document.documentElement.classList.contains('mourning'),
    filter: getComputedStyle(document.documentElement).filter,
  }));
}

export async function runMourning({ report, browser, guard, pages, url, mourningUrl }) {
  report.section('Mourning mode');
  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  const targets = ['home', 'article'].filter((n) => pages[n]);

  await report.check('normal build is in colour (no .mourning, <html> filter: none)', async () => {
    const problems = [];
    for (const name of targets) {
      await openPage(page, url(pages[name]));
      const s = await rootState(page);
      if (s.mourning) problems.push(`${pages[name]}: <html> has class "mourning" in a build without mourning`);
      if (s.filter !== 'none') problems.push(`${pages[name]}: <html> has filter ${s.filter}, expected none`);
    }
    return problems;
  });

  if (!mourningUrl) {
    report.record('mourning build turns grey', ['no mourning build was given (run through .ci/browser)']);
  } else {
    await report.check('mourning build is grey (<html class="mourning">, filter grayscale(1))', async () => {
      const problems = [];
      for (const name of targets) {
        await openPage(page, mourningUrl(pages[name]));
        const s = await rootState(page);
        if (!s.mourning) problems.push(`${pages[name]} (mourning: true): <html> lacks class "mourning"`);
        if (!s.filter.includes('grayscale(1)')) problems.push(`${pages[name]} (mourning: true): <html> filter is ${s.filter}, expected it to contain grayscale(1)`);
      }
      return problems;
    });
  }
  await ctx.close();
}
