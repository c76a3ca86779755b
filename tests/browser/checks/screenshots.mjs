// Full-page screenshots of the home page and an article at 390 px and
// 1366 px, for a person to look at: target/screenshots/<page>-<width>.png.
import fs from 'node:fs';
import path from 'node:path';
import { DESKTOP, mobile, openPage } from '../lib/browser.mjs';

/** Scrolls to the bottom and back so lazy images load, then waits for them. */
async function loadEverything(page) {
  await page.evaluate(async () => {
    const step = Math.max(200, window.innerHeight / 2);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 30));
    }
    window.scrollTo(0, 0);
    await Promise.all(
      [...document.images].filter((img) => !img.complete).map((img) => new Promise((r) => {
        img.addEventListener('load', r, { once: true });
        img.addEventListener('error', r, { once: true });
        setTimeout(r, 5000);
      })),
    );
  });
  await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
}

export async function runScreenshots({ report, browser, guard, pages, url, outDir }) {
  report.section(`Screenshots (${outDir})`);
  fs.mkdirSync(outDir, { recursive: true });
  for (const width of [390, 1366]) {
    const ctx = await guard.context(browser, width === 1366 ? DESKTOP : mobile(width));
    const page = await ctx.newPage();
    for (const name of ['home', 'article']) {
      if (!pages[name]) continue;
      const file = path.join(outDir, `${name}-${width}.png`);
      await report.check(`screenshot ${path.basename(file)} of ${pages[name]}`, async () => {
        await openPage(page, url(pages[name]));
        await loadEverything(page);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        const size = fs.statSync(file).size;
        return { problems: [], note: `${Math.round(size / 1024)} KiB` };
      });
    }
    await ctx.close();
  }
}
