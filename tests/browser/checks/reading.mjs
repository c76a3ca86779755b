// The reading aids of the theme contract, checked through computed styles:
// the large-text and high-contrast modes (toggled in the header, remembered on
// the next page), the article font size switch, the print button, the share QR
// code, and Chinese paragraph typography.
import { DESKTOP, mobile, openPage, settle } from '../lib/browser.mjs';

const px = (v) => Number.parseFloat(v);

async function rootHas(page, cls) {
  return page.evaluate((c) => document.documentElement.classList.contains(c), cls);
}

async function fontSize(page, selector) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return el ? Number.parseFloat(getComputedStyle(el).fontSize) : null;
  }, selector);
}

async function contrastOf(page, selector) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return el ? window.__tx.contrast(el) : null;
  }, selector);
}

/** Measures a page in its current state: what the mode checks compare. */
async function measure(page) {
  return {
    bodySize: await fontSize(page, 'body'),
    articleSize: await fontSize(page, '.article-body'),
    body: await contrastOf(page, 'body'),
    paragraph: await contrastOf(page, '.article-body p'),
  };
}

async function pressed(page, selector) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return el ? el.getAttribute('aria-pressed') : null;
  }, selector);
}

/**
 * One header mode (large-text or high-contrast): off at first, the button
 * turns it on, it survives a reload and a move to another page, the button
 * turns it off again and that is remembered too. `judge(normal, on)` returns
 * the problems with the styles while the mode is on.
 */
async function checkMode({ browser, guard, url, pages, pref, judge, describe }) {
  const problems = [];
  const button = `button[data-pref="${pref}"]`;
  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  const second = pages.article || pages.column;

  // Baselines with the mode off, on the home page and on the second page.
  await openPage(page, url(second));
  const normalSecond = await measure(page);
  await openPage(page, url(pages.home));
  const normalHome = await measure(page);

  if (await rootHas(page, pref)) problems.push(`${pages.home}: <html> has class "${pref}" before anyone asked for it`);
  const btn = page.locator(button);
  if ((await btn.count()) !== 1) {
    problems.push(`${pages.home}: expected one ${button} in the header, found ${await btn.count()}`);
    await ctx.close();
    return problems;
  }
  if (!(await btn.isVisible())) {
    problems.push(`${pages.home}: ${button} is not visible, so nobody can turn the mode on`);
    await ctx.close();
    return problems;
  }
  if ((await pressed(page, button)) !== 'false') {
    problems.push(`${pages.home}: ${button} should start with aria-pressed="false", has ${await pressed(page, button)}`);
  }

  await btn.click();
  await settle(page);
  if (!(await rootHas(page, pref))) problems.push(`${pages.home}: clicking ${button} did not add class "${pref}" to <html>`);
  if ((await pressed(page, button)) !== 'true') problems.push(`${pages.home}: after the click ${button} has aria-pressed="${await pressed(page, button)}", not "true"`);
  const onHome = await measure(page);
  problems.push(...judge(normalHome, onHome, pages.home));
  const note = describe(normalHome, onHome);

  await openPage(page, url(pages.home));
  if (!(await rootHas(page, pref))) problems.push(`${pages.home}: after a reload <html> lost class "${pref}" (not remembered)`);
  if ((await pressed(page, button)) !== 'true') problems.push(`${pages.home}: after a reload ${button} has aria-pressed="${await pressed(page, button)}", not "true"`);

  await openPage(page, url(second));
  if (!(await rootHas(page, pref))) {
    problems.push(`${second}: after moving on from the home page <html> has no class "${pref}" (not remembered)`);
  } else {
    problems.push(...judge(normalSecond, await measure(page), second));
  }

  const btn2 = page.locator(button);
  if ((await btn2.count()) === 1) {
    await btn2.click();
    await settle(page);
    if (await rootHas(page, pref)) problems.push(`${second}: clicking ${button} again did not remove class "${pref}"`);
    if ((await pressed(page, button)) !== 'false') problems.push(`${second}: after turning it off ${button} has aria-pressed="${await pressed(page, button)}"`);
    await openPage(page, url(second));
    if (await rootHas(page, pref)) problems.push(`${second}: after turning it off and reloading, <html> has class "${pref}" again`);
  } else {
    problems.push(`${second}: no ${button} to turn the mode off`);
  }
  await ctx.close();
  return { problems, note };
}

function judgeLargeText(normal, on, where) {
  const problems = [];
  if (!(normal.bodySize >= 16)) problems.push(`${where}: normal body font-size is ${normal.bodySize}px, must be at least 16px`);
  if (!(on.bodySize >= 18)) problems.push(`${where}: large-text body font-size is ${on.bodySize}px, must be at least 18px`);
  if (!(on.bodySize > normal.bodySize)) problems.push(`${where}: large-text body font-size ${on.bodySize}px is not larger than normal ${normal.bodySize}px`);
  if (normal.articleSize !== null && !(on.articleSize > normal.articleSize)) {
    problems.push(`${where}: large-text .article-body font-size ${on.articleSize}px is not larger than normal ${normal.articleSize}px`);
  }
  return problems;
}

function judgeHighContrast(normal, on, where) {
  const problems = [];
  if (!(on.body.ratio >= 7)) {
    problems.push(`${where}: high-contrast body text ${on.body.fg} on ${on.body.bg} has contrast ${on.body.ratio}:1, needs at least 7:1`);
  }
  if (on.body.fg === normal.body.fg && on.body.bg === normal.body.bg) {
    problems.push(`${where}: high-contrast mode does not change the body colours (${on.body.fg} on ${on.body.bg})`);
  }
  if (on.paragraph && !(on.paragraph.ratio >= 7)) {
    problems.push(`${where}: high-contrast .article-body p ${on.paragraph.fg} on ${on.paragraph.bg} has contrast ${on.paragraph.ratio}:1, needs at least 7:1`);
  }
  return problems;
}

async function checkFontSizeSwitch({ browser, guard, url, article }) {
  const problems = [];
  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  await openPage(page, url(article));
  const buttons = page.locator('.font-size-switch button[data-font-size]');
  const values = await buttons.evaluateAll((els) => els.map((e) => e.dataset.fontSize));
  const wanted = ['small', 'medium', 'large'];
  if (values.slice().sort().join() !== wanted.slice().sort().join()) {
    problems.push(`${article}: .font-size-switch buttons have data-font-size ${JSON.stringify(values)}, expected exactly ${JSON.stringify(wanted)}`);
    await ctx.close();
    return problems;
  }
  const states = () => buttons.evaluateAll((els) => els.map((e) => [e.dataset.fontSize, e.getAttribute('aria-pressed')]));
  const initiallyPressed = (await states()).filter(([, p]) => p === 'true');
  if (initiallyPressed.length !== 1) {
    problems.push(`${article}: exactly one font size button should have aria-pressed="true" at first, found ${initiallyPressed.length}`);
  }
  const sizes = {};
  for (const value of wanted) {
    const b = page.locator(`.font-size-switch button[data-font-size="${value}"]`);
    if (!(await b.isVisible())) {
      problems.push(`${article}: font size button "${value}" is not visible`);
      continue;
    }
    await b.click();
    await settle(page);
    sizes[value] = await fontSize(page, '.article-body');
    const wrong = (await states()).filter(([v, p]) => (v === value) !== (p === 'true'));
    if (wrong.length) problems.push(`${article}: after clicking "${value}" aria-pressed is ${JSON.stringify(await states())}`);
  }
  if (Object.keys(sizes).length < 3) {
    // Already reported: a button could not be clicked.
  } else if (sizes.small === null) {
    problems.push(`${article}: no .article-body to resize`);
  } else if (!(sizes.small < sizes.medium && sizes.medium < sizes.large)) {
    problems.push(`${article}: .article-body font-size must grow small < medium < large, got ${sizes.small}px, ${sizes.medium}px, ${sizes.large}px`);
  }
  if (typeof sizes.medium === 'number' && !(sizes.medium >= 16)) problems.push(`${article}: medium article text is ${sizes.medium}px, must be at least 16px`);
  await ctx.close();
  return { problems, note: `small ${sizes.small}px, medium ${sizes.medium}px, large ${sizes.large}px` };
}

async function checkArticleFurniture({ browser, guard, url, article }) {
  const problems = [];
  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  await openPage(page, url(article));

  // Print button: calls window.print() (stubbed, so no dialog opens).
  const printButton = page.locator('button[data-action="print"]');
  if ((await printButton.count()) !== 1) {
    problems.push(`${article}: expected one button[data-action="print"], found ${await printButton.count()}`);
  } else if (!(await printButton.isVisible())) {
    problems.push(`${article}: the print button is not visible`);
  } else {
    await page.evaluate(() => {
      window.__printed = 0;
      window.print = () => {
        window.__printed += 1;
      };
    });
    await printButton.click();
    const printed = await page.evaluate(() => window.__printed);
    if (printed !== 1) problems.push(`${article}: clicking the print button called window.print() ${printed} times, expected once`);
  }

  // Share QR code: an inline SVG image with an accessible name.
  const qr = await page.evaluate(() => {
    const svg = document.querySelector('.share-qr svg');
    if (!svg) return null;
    const byIds = (svg.getAttribute('aria-labelledby') || '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent || '')
      .join(' ');
    const title = svg.querySelector(':scope > title')?.textContent || '';
    return {
      role: svg.getAttribute('role'),
      name: (byIds || svg.getAttribute('aria-label') || title).trim(),
      shapes: svg.querySelectorAll('path, rect, use, polygon').length,
    };
  });
  if (!qr) problems.push(`${article}: no inline QR code (.share-qr svg)`);
  else {
    if (qr.role !== 'img') problems.push(`${article}: .share-qr svg has role="${qr.role}", expected role="img"`);
    if (!qr.name) problems.push(`${article}: .share-qr svg has no accessible name (aria-label, aria-labelledby or <title>)`);
    if (qr.shapes === 0) problems.push(`${article}: .share-qr svg draws nothing`);
  }

  // Paragraphs: indented two characters, line height at least 1.5.
  const paras = await page.evaluate(() =>
    [...document.querySelectorAll('.article-body p')]
      .filter((p) => p.textContent.trim() && !p.closest('li, td, th, figure, figcaption'))
      .slice(0, 30)
      .map((p) => {
        const s = getComputedStyle(p);
        return { where: window.__tx.cssPath(p), text: p.textContent.trim().slice(0, 12), fontSize: s.fontSize, indent: s.textIndent, lineHeight: s.lineHeight };
      }),
  );
  if (paras.length === 0) problems.push(`${article}: no text paragraphs in .article-body`);
  for (const p of paras) {
    const size = px(p.fontSize);
    if (Math.abs(px(p.indent) - 2 * size) > 0.5) {
      problems.push(`${article}: paragraph "${p.text}…" has text-indent ${p.indent}, expected 2em = ${2 * size}px`);
    }
    if (p.lineHeight === 'normal' || !(px(p.lineHeight) >= 1.5 * size - 0.01)) {
      problems.push(`${article}: paragraph "${p.text}…" has line-height ${p.lineHeight} at font-size ${p.fontSize}, needs at least 1.5`);
    }
  }
  await ctx.close();
  return problems;
}

/** The header buttons must also be there on a phone. */
async function checkToolbarOnPhone({ browser, guard, url, home }) {
  const problems = [];
  const ctx = await guard.context(browser, mobile(390));
  const page = await ctx.newPage();
  await openPage(page, url(home));
  for (const pref of ['large-text', 'high-contrast']) {
    const b = page.locator(`button[data-pref="${pref}"]`);
    if ((await b.count()) !== 1 || !(await b.isVisible())) {
      problems.push(`${home} @ 390 px: button[data-pref="${pref}"] is missing or hidden`);
      continue;
    }
    const box = await b.boundingBox();
    if (box.x < 0 || box.x + box.width > 390) problems.push(`${home} @ 390 px: button[data-pref="${pref}"] is outside the screen`);
  }
  await ctx.close();
  return problems;
}

export async function runReading({ report, browser, guard, pages, url }) {
  report.section('Reading aids: large text, high contrast, font size, print button, QR, typography');
  const args = { browser, guard, url, pages };
  await report.check('large-text mode: toggles, enlarges text, is remembered', () =>
    checkMode({
      ...args,
      pref: 'large-text',
      judge: judgeLargeText,
      describe: (n, on) => `home body text ${n.bodySize}px → ${on.bodySize}px`,
    }),
  );
  await report.check('high-contrast mode: toggles, contrast >= 7:1, is remembered', () =>
    checkMode({
      ...args,
      pref: 'high-contrast',
      judge: judgeHighContrast,
      describe: (n, on) => `home body text contrast ${n.body.ratio}:1 → ${on.body.ratio}:1`,
    }),
  );
  await report.check('header mode buttons visible at 390 px', () => checkToolbarOnPhone({ ...args, home: pages.home }));
  if (!pages.article) return;
  await report.check(`font size switch on ${pages.article}`, () => checkFontSizeSwitch({ ...args, article: pages.article }));
  await report.check(`article furniture (print button, share QR, 2em indent, line height) on ${pages.article}`, () =>
    checkArticleFurniture({ ...args, article: pages.article }),
  );
}
