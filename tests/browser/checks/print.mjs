// The print stylesheet, read through computed styles under print media: the
// site furniture is not printed, the content is, each chapter of a whole book
// starts on a new page, and links to other sites print their address.
import { DESKTOP, openPage } from '../lib/browser.mjs';

const HIDDEN_IN_PRINT = ['.site-header', '.site-nav', '.site-footer', '.breadcrumb', '.article-tools', '.prev-next'];
const ALWAYS_PRESENT = ['.site-header', '.site-nav', '.site-footer'];

/** Problems with the furniture and the content of the open page under print media. */
async function furnitureProblems(page, pagePath) {
  const found = await page.evaluate(
    ({ hidden, present }) => {
      // Not printed: the element, or one of its ancestors, has display: none.
      const hiddenBy = (el) => {
        for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).display === 'none') return e;
        return null;
      };
      const out = [];
      for (const sel of present) if (!document.querySelector(sel)) out.push(`${sel} is missing from the page`);
      for (const sel of hidden) {
        for (const el of document.querySelectorAll(sel)) {
          if (!hiddenBy(el)) out.push(`${sel} is printed (computed display: ${getComputedStyle(el).display}), expected display: none`);
        }
      }
      const main = document.querySelector('main');
      if (!main || hiddenBy(main)) out.push('<main> is not printed');
      for (const body of document.querySelectorAll('.article-body')) {
        if (hiddenBy(body)) out.push('.article-body is not printed');
      }
      return out;
    },
    { hidden: HIDDEN_IN_PRINT, present: ALWAYS_PRESENT },
  );
  return found.map((p) => `${pagePath} (print): ${p}`);
}

export async function runPrint({ report, browser, guard, pages, url, externalLinkPages, siteOrigin }) {
  report.section('Print stylesheet');
  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  await page.emulateMedia({ media: 'print' });

  for (const name of ['article', 'proposal', 'wholeBook']) {
    const pagePath = pages[name];
    if (!pagePath) continue;
    await report.check(`print: ${name} ${pagePath} hides header, nav, footer, breadcrumb, tools, prev/next`, async () => {
      await openPage(page, url(pagePath));
      return furnitureProblems(page, pagePath);
    });
  }

  if (pages.wholeBook) {
    await report.check(`print: whole-book view ${pages.wholeBook} starts each chapter on a new page`, async () => {
      await openPage(page, url(pages.wholeBook));
      const chapters = await page.evaluate(() =>
        [...document.querySelectorAll('.book-chapter')].map((c) => ({
          where: window.__tx.cssPath(c) + (c.id ? '' : ` #${[...c.parentElement.children].indexOf(c) + 1}`),
          breakBefore: getComputedStyle(c).breakBefore,
        })),
      );
      if (chapters.length < 2) return [`${pages.wholeBook}: expected at least two .book-chapter elements, found ${chapters.length}`];
      return chapters
        .slice(1)
        .filter((c) => c.breakBefore !== 'page')
        .map((c) => `${pages.wholeBook} (print): ${c.where} has break-before: ${c.breakBefore}, expected page`);
    });
  }

  await report.check('print: links to other sites in .article-body print their address', async () => {
    const tried = [];
    for (const pagePath of externalLinkPages.slice(0, 10)) {
      await openPage(page, url(pagePath));
      const links = await page.evaluate((own) =>
        [...document.querySelectorAll('.article-body a[href]')]
          .filter((a) => /^https?:$/.test(a.protocol) && a.origin !== location.origin && a.origin !== own)
          .map((a) => ({ href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content })),
        siteOrigin,
      );
      if (links.length === 0) {
        tried.push(pagePath);
        continue;
      }
      const bad = links.filter((l) => !l.after.includes(l.href));
      return {
        problems: bad.map((l) => `${pagePath} (print): link ${l.href} has ::after content ${l.after}, which does not show its address`),
        note: `${links.length} link(s) on ${pagePath}`,
      };
    }
    return [`no page has a link to another site inside .article-body (looked at ${tried.join(', ') || 'no candidates'}); /guanyu/lianxi/ should have one`];
  });
  await ctx.close();
}
