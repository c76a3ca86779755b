// Keyboard use and touch targets, as the theme issue asks: on the home page,
// an article, the proposal statistics (/tian/, whose table wrappers are
// focusable scroll regions), the sitemap page and the search page with its
// results (/search/?q=协商: filter buttons, result links, "显示更多结果"), at
// 1366 and 390 px.
//
// Keyboard (WCAG 2.1.1, 2.4.1, 2.4.7): the first Tab focuses the visible skip
// link and Enter on it moves focus to #main; then Tab walks the page until
// focus leaves it (or wraps), and every stop must be on screen and show a
// focus indicator (an outline of at least 2 px, or a box-shadow, that the
// element does not have when unfocused). Every visible focusable element must
// be reached, and the header mode buttons, the article font size buttons and
// the print button must work with Enter and Space.
//
// Touch targets (WCAG 2.2 2.5.8) at 390 px: every visible link and button not
// inline in running text is at least 24×24 CSS px; the header tools, main
// navigation, pagination, article tools and view switch at least 44×44. The
// column and member index pages are measured too: they carry the pagination
// and the view switch.
import { DESKTOP, mobile, openPage, settle } from '../lib/browser.mjs';

/**
 * A walk ends here on a very long page (a focus trap is caught earlier, when
 * an element comes round a second time); the sample pages have up to ~100 stops.
 */
const MAX_STOPS = 200;
const SMALL = 24;
const LARGE = 44;

/** Controls that must be at least 44×44 CSS px, by what the report calls them. */
const LARGE_TARGETS = [
  ['header tool', '.site-header .tools a, .site-header .tools button'],
  ['main navigation link', '.site-nav a'],
  ['pagination link', '.pagination a'],
  ['article tool button', '.article-tools button'],
  ['view switch link', '.view-switch a'],
];

/** Links inside these are inline in running text: exempt from the 24 px minimum. */
const RUNNING_TEXT = '.article-body p, .article-body li, .intro p';

const SETUPS = [
  { name: '1366 px', options: DESKTOP },
  { name: '390 px', options: mobile(390) },
];

/**
 * Helpers that run inside the page (window.__kb): describe an element, and
 * inspect the focused one: its focus indicator against its unfocused state,
 * and whether it is on screen once scrolled into view.
 */
function installKeyboardHelpers() {
  const seen = [];
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 1;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const alpha = (colour) => {
    g.clearRect(0, 0, 1, 1);
    g.fillStyle = '#000';
    g.fillStyle = colour;
    g.fillRect(0, 0, 1, 1);
    return g.getImageData(0, 0, 1, 1).data[3];
  };
  const text = (el) =>
    (el.getAttribute('aria-label') || el.innerText || el.textContent || el.getAttribute('title') || '')
      .replace(/\s+/g, ' ')
      .trim();
  const describe = (el) => {
    const cls = [...el.classList].map((c) => `.${c}`).join('');
    const t = text(el);
    const shown = t.length > 24 ? `${t.slice(0, 24)}…` : t;
    return `<${el.localName}${cls}> "${shown}" at ${window.__tx.cssPath(el)}`;
  };
  const look = (el) => {
    const s = getComputedStyle(el);
    return {
      outlineStyle: s.outlineStyle,
      outlineWidth: Number.parseFloat(s.outlineWidth) || 0,
      outlineColor: s.outlineColor,
      boxShadow: s.boxShadow,
    };
  };
  const showLook = (l) => `outline ${l.outlineStyle} ${l.outlineWidth}px ${l.outlineColor}, box-shadow ${l.boxShadow}`;
  const finishAnimations = (el) => {
    for (const a of el.getAnimations()) {
      if (a.effect?.getTiming().iterations !== Infinity) a.finish();
    }
  };
  /**
   * The parts of `el` a person can see: each of its boxes (a link that wraps
   * has one per line) clipped by the viewport and by every scrolling or
   * clipping ancestor. A part counts when at least 8 px of it (or all of it,
   * if smaller) shows both ways.
   */
  const visibleParts = (el) => {
    let clip = { left: 0, top: 0, right: document.documentElement.clientWidth, bottom: window.innerHeight };
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible' && s.clipPath === 'none') continue;
      const c = a.getBoundingClientRect();
      clip = {
        left: Math.max(clip.left, c.left),
        top: Math.max(clip.top, c.top),
        right: Math.min(clip.right, c.right),
        bottom: Math.min(clip.bottom, c.bottom),
      };
    }
    const parts = [];
    for (const r of el.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      const left = Math.max(r.left, clip.left);
      const top = Math.max(r.top, clip.top);
      const width = Math.max(0, Math.min(r.right, clip.right) - left);
      const height = Math.max(0, Math.min(r.bottom, clip.bottom) - top);
      if (width >= Math.min(r.width, 8) && height >= Math.min(r.height, 8)) parts.push({ left, top, width, height });
    }
    return parts;
  };
  const hiddenByStyle = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none' || Number.parseFloat(s.opacity) === 0) return true;
    }
    return false;
  };

  window.__kb = {
    describe,
    /** Where focus is: null when it is on the body (it has left the page). */
    focused() {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      return { index: seen.indexOf(el), desc: describe(el), inMain: !!el.closest('main') };
    },
    /**
     * Inspects the focused element: returns { index, desc, problems }. The
     * unfocused look is read by blurring it for a moment, then focus goes back.
     */
    inspectFocused(vw) {
      const el = document.activeElement;
      const problems = [];
      let index = seen.indexOf(el);
      const again = index >= 0;
      if (!again) index = seen.push(el) - 1;
      const desc = describe(el);
      finishAnimations(el);
      const on = look(el);
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      const box = el.getBoundingClientRect();
      const parts = visibleParts(el);
      if (box.width < 1 || box.height < 1) {
        problems.push(`${desc} has no size when focused (${Math.round(box.width)}×${Math.round(box.height)} px)`);
      } else if (hiddenByStyle(el)) {
        problems.push(`${desc} is focused but invisible (visibility, display or opacity)`);
      } else if (parts.length === 0) {
        problems.push(
          `${desc} is off screen or clipped even after scrollIntoView: its box is at ${Math.round(box.left)},${Math.round(box.top)}, ` +
            `${Math.round(box.width)}×${Math.round(box.height)} px, in a ${vw}×${window.innerHeight} px viewport`,
        );
      } else {
        // Something else on top: what the pointer would hit at the middle of each visible part.
        const hits = parts.map((v) => document.elementFromPoint(v.left + v.width / 2, v.top + v.height / 2));
        const other = hits.find((hit) => hit && !el.contains(hit));
        if (other && !hits.some((hit) => hit && el.contains(hit))) problems.push(`${desc} is covered by ${describe(other)}`);
      }
      el.blur();
      finishAnimations(el);
      const off = look(el);
      el.focus({ preventScroll: true });
      const outline =
        on.outlineStyle !== 'none' &&
        on.outlineStyle !== 'hidden' &&
        on.outlineWidth >= 2 &&
        alpha(on.outlineColor) > 0 &&
        (off.outlineStyle === 'none' || off.outlineWidth < 2 || alpha(off.outlineColor) === 0 ||
          off.outlineStyle !== on.outlineStyle || off.outlineWidth !== on.outlineWidth || off.outlineColor !== on.outlineColor);
      const shadow = on.boxShadow !== 'none' && on.boxShadow !== off.boxShadow;
      if (!outline && !shadow) {
        problems.push(`${desc} shows no focus indicator: focused ${showLook(on)}; unfocused ${showLook(off)}`);
      }
      return { index, again, desc, problems };
    },
    /** Visible elements that sequential navigation should reach and did not. */
    unreached() {
      const candidates = document.querySelectorAll(
        'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex], [contenteditable="true"]',
      );
      const out = [];
      for (const el of candidates) {
        if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1 || hiddenByStyle(el)) continue;
        if (!seen.includes(el)) out.push(describe(el));
      }
      return out;
    },
    reached(selector) {
      return [...document.querySelectorAll(selector)].map((el) => ({ desc: describe(el), reached: seen.includes(el) }));
    },
    /**
     * Every visible link and button with its size, whether it sits inline in
     * running text, and which 44 px group it belongs to.
     */
    targets(running, large) {
      const out = [];
      for (const el of document.querySelectorAll('a[href], button, [role="button"], input:not([type="hidden"]), select, summary')) {
        const r = el.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1 || hiddenByStyle(el)) continue;
        // Off the page (the skip link before it is focused): nobody can touch it.
        if (r.bottom + window.scrollY <= 0 || r.right + window.scrollX <= 0) continue;
        let inline = !!el.closest(running);
        const p = el.closest('p');
        if (!inline && p) {
          // A paragraph of text: it has words of its own besides its links and buttons.
          const copy = p.cloneNode(true);
          for (const c of copy.querySelectorAll('a, button')) c.remove();
          inline = copy.textContent.replace(/\s+/g, '') !== '';
        }
        const group = large.find(([, sel]) => el.matches(sel));
        out.push({ desc: describe(el), width: r.width, height: r.height, inline, group: group ? group[0] : null });
      }
      return out;
    },
  };
}

async function open(page, pagePath, url) {
  await openPage(page, url(pagePath));
  await page.evaluate(installKeyboardHelpers);
}

/** Presses `key` until the focused element matches `selector`; false if it never does. */
async function tabTo(page, selector, key = 'Tab', limit = MAX_STOPS) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  return false;
}

/** The skip link: first Tab stop, visible, Enter moves focus to #main and the next Tab into it. */
async function skipLinkProblems(page, label) {
  const problems = [];
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const r = el.getBoundingClientRect();
    return {
      isSkip: el.matches('.skip-link'),
      desc: window.__kb.describe(el),
      text: el.textContent.trim(),
      href: el.getAttribute('href'),
      box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height },
      vw: document.documentElement.clientWidth,
      vh: window.innerHeight,
    };
  });
  if (!first) return [`${label}: the first Tab focused nothing in the page`];
  if (!first.isSkip) return [`${label}: the first Tab focused ${first.desc}, not the skip link (.skip-link)`];
  if (first.text !== '跳到正文') problems.push(`${label}: the skip link reads "${first.text}", expected "跳到正文"`);
  if (first.href !== '#main') problems.push(`${label}: the skip link points to "${first.href}", expected "#main"`);
  const b = first.box;
  if (b.width < 1 || b.height < 1 || b.left < 0 || b.top < 0 || b.right > first.vw + 0.5 || b.bottom > first.vh + 0.5) {
    problems.push(
      `${label}: the focused skip link is not fully on screen: ${Math.round(b.left)},${Math.round(b.top)} ` +
        `${Math.round(b.width)}×${Math.round(b.height)} px in a ${first.vw}×${first.vh} viewport`,
    );
  }
  // Its focus indicator is judged with every other stop in walk().

  await page.keyboard.press('Enter');
  await settle(page);
  const after = await page.evaluate(() => {
    const main = document.querySelector('#main');
    const el = document.activeElement;
    return {
      hasMain: !!main,
      onMain: !!main && !!el && (el === main || main.contains(el)),
      focusDesc: el && el !== document.body ? window.__kb.describe(el) : 'the body',
      mainTop: main ? main.getBoundingClientRect().top : null,
      vh: window.innerHeight,
    };
  });
  if (!after.hasMain) return [...problems, `${label}: the page has no #main for the skip link to go to`];
  if (!after.onMain) problems.push(`${label}: after Enter on the skip link focus is on ${after.focusDesc}, not on #main`);
  if (!(after.mainTop >= -2 && after.mainTop < after.vh)) {
    problems.push(`${label}: after Enter on the skip link #main starts at y=${Math.round(after.mainTop)} px, outside the ${after.vh} px viewport`);
  }
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => window.__kb.focused());
  if (next && !next.inMain) problems.push(`${label}: after the skip link the next Tab goes to ${next.desc}, outside <main>`);
  return problems;
}

/** Tabs through the page from the top. Returns { problems, stops, complete, trapped }. */
async function walk(page, label) {
  const problems = [];
  const vw = await page.evaluate(() => document.documentElement.clientWidth);
  let stops = 0;
  let complete = false;
  for (; stops < MAX_STOPS; stops += 1) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => window.__kb.focused());
    if (!where) {
      complete = true; // focus left the page for the browser's own controls
      break;
    }
    if (where.index === 0 && stops > 0) {
      complete = true; // wrapped round to the skip link
      break;
    }
    const stop = await page.evaluate((w) => window.__kb.inspectFocused(w), vw);
    if (stop.again) {
      problems.push(`${label}: Tab stop ${stops + 1} returns to ${stop.desc}, already visited: focus is trapped in a loop`);
      return { problems, stops, complete: false, trapped: true };
    }
    problems.push(...stop.problems.map((p) => `${label}: stop ${stops + 1}: ${p}`));
  }
  return { problems, stops, complete, trapped: false };
}

async function keyboardPage(page, pagePath, url, label) {
  await open(page, pagePath, url);
  const problems = await skipLinkProblems(page, label);

  // The walk starts again from the top of a fresh page.
  await open(page, pagePath, url);
  const w = await walk(page, label);
  problems.push(...w.problems);
  const must = ['button[data-pref]', '.article-tools button'];
  for (const r of await page.evaluate((sel) => window.__kb.reached(sel), must.join(', '))) {
    if (!r.reached) problems.push(`${label}: ${r.desc} is never reached by Tab`);
  }
  if (w.complete) {
    for (const d of await page.evaluate(() => window.__kb.unreached())) problems.push(`${label}: ${d} is visible but never reached by Tab`);
  }
  const note = w.complete ? `${w.stops} Tab stops` : w.trapped ? `trapped after ${w.stops} Tab stops` : `first ${w.stops} Tab stops only`;
  return { problems, note };
}

const rootClass = (page, cls) => page.evaluate((c) => document.documentElement.classList.contains(c), cls);
const pressedState = (page, selector) => page.evaluate((s) => document.querySelector(s)?.getAttribute('aria-pressed') ?? null, selector);

/** The header mode buttons: Space toggles large text, Enter toggles high contrast, both ways. */
async function headerButtonsProblems(page, label) {
  const problems = [];
  for (const [pref, key] of [['large-text', 'Space'], ['high-contrast', 'Enter']]) {
    const sel = `button[data-pref="${pref}"]`;
    if (!(await tabTo(page, sel))) {
      problems.push(`${label}: Tab never reaches ${sel}`);
      continue;
    }
    for (const want of [true, false]) {
      await page.keyboard.press(key);
      await settle(page);
      const has = await rootClass(page, pref);
      const aria = await pressedState(page, sel);
      if (has !== want) problems.push(`${label}: ${key} on ${sel} should ${want ? 'add' : 'remove'} class "${pref}" on <html>; it is ${has ? 'there' : 'not there'}`);
      if (aria !== String(want)) problems.push(`${label}: after ${key} on ${sel} aria-pressed is "${aria}", expected "${want}"`);
      const still = await page.evaluate((s) => document.activeElement?.matches(s) ?? false, sel);
      if (!still) problems.push(`${label}: ${key} on ${sel} moved focus away from the button`);
      if (has !== want) break;
    }
  }
  return problems;
}

/** The article tools: each font size button with Enter or Space, then the print button. */
async function articleToolsProblems(page, label) {
  const problems = [];
  const size = (v) => `.font-size-switch button[data-font-size="${v}"]`;
  const state = () => page.evaluate(() => document.documentElement.getAttribute('data-font-size'));
  const steps = [
    ['large', 'Enter', 'Tab'],
    ['medium', 'Space', 'Tab'],
    ['small', 'Enter', 'Tab'],
    ['medium', 'Enter', 'Shift+Tab'], // back to the default
  ];
  for (const [value, key, move] of steps) {
    if (!(await tabTo(page, size(value), move))) {
      problems.push(`${label}: ${move} never reaches the font size button "${value}"`);
      return problems;
    }
    await page.keyboard.press(key);
    await settle(page);
    const root = await state();
    const aria = await pressedState(page, size(value));
    if (root !== value || aria !== 'true') {
      problems.push(`${label}: ${key} on font size "${value}" left <html data-font-size="${root}"> and aria-pressed="${aria}"`);
    }
  }
  await page.evaluate(() => {
    window.__printed = 0;
    window.print = () => {
      window.__printed += 1;
    };
  });
  if (!(await tabTo(page, 'button[data-action="print"]'))) {
    problems.push(`${label}: Tab never reaches the print button`);
    return problems;
  }
  for (const [key, times] of [['Enter', 1], ['Space', 2]]) {
    await page.keyboard.press(key);
    const printed = await page.evaluate(() => window.__printed);
    if (printed !== times) problems.push(`${label}: after ${key} on the print button window.print() has run ${printed} times in all, expected ${times}`);
  }
  return problems;
}

/** Touch target sizes of one page at 390 px. */
async function touchProblems(page, pagePath, url) {
  await open(page, pagePath, url);
  const targets = await page.evaluate(({ running, large }) => window.__kb.targets(running, large), { running: RUNNING_TEXT, large: LARGE_TARGETS });
  const problems = [];
  const size = (t) => `${Math.round(t.width * 10) / 10}×${Math.round(t.height * 10) / 10} px`;
  const groups = {};
  let inline = 0;
  let smallest = null;
  for (const t of targets) {
    if (!t.inline && !t.group && (!smallest || Math.min(t.width, t.height) < Math.min(smallest.width, smallest.height))) smallest = t;
    if (t.group) {
      groups[t.group] = (groups[t.group] || 0) + 1;
      if (t.width < LARGE || t.height < LARGE) problems.push(`${pagePath} @ 390 px: ${t.group} ${t.desc} is ${size(t)}, needs at least ${LARGE}×${LARGE}`);
    } else if (t.inline) {
      inline += 1;
    } else if (t.width < SMALL || t.height < SMALL) {
      problems.push(`${pagePath} @ 390 px: ${t.desc} is ${size(t)}, needs at least ${SMALL}×${SMALL}`);
    }
  }
  const measured = Object.entries(groups).map(([g, n]) => `${n} ${g}${n === 1 ? '' : 's'}`);
  const parts = [`${targets.length} targets, ${inline} inline in text`];
  if (smallest) parts.push(`smallest other ${size(smallest)}`);
  if (measured.length) parts.push(`44 px: ${measured.join(', ')}`);
  const note = parts.join('; ');
  return { problems, note };
}

export async function runKeyboard({ report, browser, guard, pages, url }) {
  report.section('Keyboard use and touch targets');
  const walkPages = ['home', 'article', 'stats', 'sitemapPage', 'search'].filter((n) => pages[n]);
  for (const setup of SETUPS) {
    const ctx = await guard.context(browser, setup.options);
    const page = await ctx.newPage();
    for (const name of walkPages) {
      const p = pages[name];
      await report.check(`keyboard @ ${setup.name}: skip link, every Tab stop visible with a focus indicator: ${name} ${p}`, () =>
        keyboardPage(page, p, url, `${p} @ ${setup.name}`),
      );
    }
    await report.check(`keyboard @ ${setup.name}: header mode buttons work with Space and Enter on ${pages.home}`, async () => {
      await open(page, pages.home, url);
      return headerButtonsProblems(page, `${pages.home} @ ${setup.name}`);
    });
    if (pages.article) {
      await report.check(`keyboard @ ${setup.name}: font size and print buttons work with Enter and Space on ${pages.article}`, async () => {
        await open(page, pages.article, url);
        return articleToolsProblems(page, `${pages.article} @ ${setup.name}`);
      });
    }
    await ctx.close();
  }

  const ctx = await guard.context(browser, mobile(390));
  const page = await ctx.newPage();
  const touchPages = [...walkPages, 'column', 'memberIndex'].filter((n) => pages[n]);
  for (const name of touchPages) {
    const p = pages[name];
    await report.check(`touch targets @ 390 px: >= ${SMALL}×${SMALL} px, header/nav/pagination/tools/view switch >= ${LARGE}×${LARGE}: ${name} ${p}`, () =>
      touchProblems(page, p, url),
    );
  }
  await ctx.close();
}
