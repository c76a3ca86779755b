// The photo gallery of the default theme (issue 8): thumbnails open a lightbox
// on the page that works from the keyboard (Enter opens, the arrow keys move
// and wrap around, Esc closes, focus goes back to a thumbnail), its buttons
// work with the mouse, and without scripts every thumbnail is a plain link to
// the large photo. The gallery page is found in the built site (data-gallery).
import fs from 'node:fs';
import path from 'node:path';
import { DESKTOP, mobile, openPage } from '../lib/browser.mjs';
import { htmlFiles } from '../lib/site.mjs';

/** The site path of the first page with a gallery, or null. */
export function galleryPage(siteDir) {
  const file = htmlFiles(siteDir).find((f) => fs.readFileSync(path.join(siteDir, f), 'utf8').includes('data-gallery'));
  return file ? `/${file.replace(/(^|\/)index\.html$/, '$1')}` : null;
}

async function state(page) {
  return page.evaluate(() => {
    const dialog = document.querySelector('dialog.lightbox');
    const active = document.activeElement;
    return {
      open: !!dialog && dialog.open,
      src: dialog?.querySelector('img')?.getAttribute('src') ?? '',
      alt: dialog?.querySelector('img')?.getAttribute('alt') ?? '',
      count: dialog?.querySelector('.lightbox-count')?.textContent ?? '',
      focusInDialog: !!dialog && dialog.contains(active),
      focusOnThumb: !!active && active.matches('a.gallery-link'),
      thumbs: document.querySelectorAll('[data-gallery] a.gallery-link').length,
    };
  });
}

export async function runGallery({ report, browser, guard, url, siteDir }) {
  report.section('Photo gallery and its lightbox');
  const where = galleryPage(siteDir);
  if (!where) {
    report.record('the site has a page with a gallery', ['no built page contains data-gallery']);
    return;
  }
  for (const [label, viewport] of [['1366', DESKTOP], ['390', mobile(390)]]) {
    await report.check(`${where} at ${label} px: Enter opens the lightbox, arrows move and wrap, Esc closes and focus returns`, async () => {
      const ctx = await guard.context(browser, viewport);
      const page = await ctx.newPage();
      const problems = [];
      try {
        await openPage(page, url(where));
        await page.focus('[data-gallery] a.gallery-link');
        await page.keyboard.press('Enter');
        let s = await state(page);
        const n = s.thumbs;
        if (!s.open) problems.push('Enter on the first thumbnail did not open the lightbox');
        if (!s.src.includes('01')) problems.push(`the lightbox shows ${s.src}, not the first photo`);
        if (!s.alt) problems.push('the large photo has no alt text');
        if (s.count !== `第 1 张，共 ${n} 张`) problems.push(`counter says "${s.count}"`);
        if (!s.focusInDialog) problems.push('focus is not inside the open lightbox');
        await page.keyboard.press('ArrowRight');
        s = await state(page);
        if (s.count !== `第 2 张，共 ${n} 张` || !s.src.includes('02')) problems.push(`ArrowRight: "${s.count}", ${s.src}`);
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        s = await state(page);
        if (s.count !== `第 ${n} 张，共 ${n} 张`) problems.push(`ArrowLeft from the first photo should wrap to the last: "${s.count}"`);
        await page.keyboard.press('Escape');
        s = await state(page);
        if (s.open) problems.push('Esc did not close the lightbox');
        if (!s.focusOnThumb) problems.push('after closing, focus is not on a thumbnail');
        // The mouse: a click opens, the buttons move and close.
        await page.click('[data-gallery] a.gallery-link >> nth=1');
        await page.click('dialog.lightbox button[data-step="1"]');
        s = await state(page);
        if (s.count !== `第 3 张，共 ${n} 张`) problems.push(`下一张 after opening the second photo: "${s.count}"`);
        await page.click('dialog.lightbox button[data-close]');
        if ((await state(page)).open) problems.push('关闭 did not close the lightbox');
      } finally {
        await ctx.close();
      }
      return problems;
    });
  }
  await report.check(`${where} without scripts: each thumbnail links to its large photo`, async () => {
    const ctx = await guard.context(browser, { ...DESKTOP, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const problems = [];
    try {
      await openPage(page, url(where));
      const hrefs = await page.$$eval('[data-gallery] a.gallery-link', (as) => as.map((a) => a.href));
      if (!hrefs.length) problems.push('no thumbnail links');
      for (const href of hrefs) {
        const res = await page.request.get(href);
        const type = res.headers()['content-type'] || '';
        if (res.status() !== 200 || !type.startsWith('image/')) problems.push(`${href}: HTTP ${res.status()} ${type}`);
      }
    } finally {
      await ctx.close();
    }
    return problems;
  });
}
