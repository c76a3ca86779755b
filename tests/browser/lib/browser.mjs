// Headless Debian Chromium through playwright-core, with a guard that sees every
// request: anything addressed to a host other than 127.0.0.1 is blocked and
// recorded with the page that asked for it, and so are script errors and
// resources that fail to load.
import { chromium } from 'playwright-core';
import { CheckFailure } from './report.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Without the background-networking flags Chromium phones home at start, which
// this closed network refuses; they also keep the runs quiet and repeatable.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { viewport: { width: 1366, height: 768 } };
export const mobile = (width) => ({
  viewport: { width, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
});

// playwright.launch() gives each run a fresh temporary user-data-dir.
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

const LOCAL_HOST = '127.0.0.1';

/** True when the URL goes over the network to somewhere other than 127.0.0.1. */
export function leavesLocalhost(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'ws:', 'wss:', 'ftp:'].includes(u.protocol)) return false;
  return u.hostname !== LOCAL_HOST;
}

export class Guard {
  constructor() {
    this.outside = []; // { url, page }
    this.scriptErrors = []; // { page, message }
    this.brokenLoads = []; // { url, status, page }
    this.pagesOpened = new Set();
  }

  /** A new browser context whose every request passes through the guard. */
  async context(browser, options = {}) {
    const ctx = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...options,
    });
    await ctx.route('**/*', (route) => {
      const req = route.request();
      if (leavesLocalhost(req.url())) {
        this.outside.push({ url: req.url(), page: pageOf(req) });
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    ctx.on('page', (page) => this.watch(page));
    // A click on a button that never becomes clickable fails after 10 s, not 30.
    ctx.setDefaultTimeout(10000);
    return ctx;
  }

  /**
   * A context that only watches, for timing: its requests are not intercepted
   * (interception holds each request for a round trip through this process,
   * which a visitor's browser does not have). A request off 127.0.0.1 is still
   * recorded, though not blocked.
   */
  async watchingContext(browser, options = {}) {
    const ctx = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...options,
    });
    ctx.on('request', (req) => {
      if (leavesLocalhost(req.url())) this.outside.push({ url: req.url(), page: pageOf(req), how: 'requested (not blocked: a timing context)' });
    });
    ctx.on('page', (page) => this.watch(page));
    ctx.setDefaultTimeout(10000);
    return ctx;
  }

  watch(page) {
    page.on('pageerror', (err) => {
      this.scriptErrors.push({ page: page.url(), message: String(err.message || err).split('\n')[0] });
    });
    page.on('response', (res) => {
      const req = res.request();
      if (res.status() >= 400 && !req.isNavigationRequest()) {
        this.brokenLoads.push({ url: res.url(), status: res.status(), page: page.url() });
      }
    });
    page.on('requestfailed', (req) => {
      const reason = req.failure()?.errorText || '';
      if (leavesLocalhost(req.url()) || /ERR_ABORTED/.test(reason)) return;
      this.brokenLoads.push({ url: req.url(), status: reason, page: page.url() });
    });
    page.on('websocket', (ws) => {
      if (leavesLocalhost(ws.url())) this.outside.push({ url: ws.url(), page: page.url() });
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.pagesOpened.add(frame.url());
    });
  }
}

function pageOf(req) {
  try {
    return req.frame().page().url();
  } catch {
    return '(no page: a worker or the browser itself)';
  }
}

/**
 * Opens a page and fails unless it answers 200. Waits for fonts and the load
 * event, and on the search page opened with ?q= for the results, which are
 * drawn after the load event (the page then sets data-search-done).
 */
export async function openPage(page, url) {
  const res = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  if (!res) throw new CheckFailure(`${url}: no response`);
  if (res.status() !== 200) throw new CheckFailure(`${new URL(url).pathname} answered HTTP ${res.status()}`);
  await page.evaluate(() => document.fonts.ready);
  await waitForSearch(page, url);
  await page.evaluate(installHelpers);
  return res;
}

async function waitForSearch(page, url) {
  const searching = await page.evaluate(
    () => !!document.querySelector('[data-search-index]') && !!new URLSearchParams(location.search).get('q')?.trim(),
  );
  if (!searching) return;
  try {
    await page.waitForFunction(() => document.querySelector('[data-search-index]').hasAttribute('data-search-done'), null, { timeout: 10000 });
  } catch {
    const status = await page.evaluate(() => document.querySelector('.search-status')?.textContent ?? '');
    const u = new URL(url);
    throw new CheckFailure(`${u.pathname}${decodeURIComponent(u.search)}: the search results never appeared (no data-search-done after 10 s); status line "${status}"`);
  }
}

/** Waits until CSS transitions and animations started by a click have finished. */
export async function settle(page) {
  await page.evaluate(async () => {
    const running = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
    await Promise.race([Promise.all(running.map((a) => a.finished.catch(() => {}))), new Promise((r) => setTimeout(r, 3000))]);
  });
}

/**
 * Helpers that run inside the page (window.__tx). Colours are resolved by
 * painting them on a canvas, because Chromium reports computed colours in the
 * author's colour space (oklch(), color-mix() …), not always as rgb().
 */
export function installHelpers() {
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 1;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const paint = (layers) => {
    g.globalCompositeOperation = 'source-over';
    g.clearRect(0, 0, 1, 1);
    for (const c of layers) {
      g.fillStyle = '#000';
      g.fillStyle = c;
      g.fillRect(0, 0, 1, 1);
    }
    return Array.from(g.getImageData(0, 0, 1, 1).data);
  };
  const alpha = (c) => paint([c])[3] / 255;
  const chain = (el) => {
    const out = [];
    for (let e = el; e; e = e.parentElement) out.push(e);
    return out;
  };
  // The background a text sits on: its own and its ancestors' background
  // colours, composited over the canvas white, from the outermost in.
  const backgroundLayers = (el) => {
    const layers = [];
    for (const e of chain(el)) {
      const bg = getComputedStyle(e).backgroundColor;
      if (alpha(bg) > 0) layers.unshift(bg);
      if (alpha(bg) >= 1) break;
    }
    return ['#fff', ...layers];
  };
  const lum = ([r, g2, b]) => {
    const f = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g2) + 0.0722 * f(b);
  };
  const cssPath = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 5; e = e.parentElement) {
      let s = e.localName;
      if (e.id) {
        parts.unshift(`${s}#${e.id}`);
        break;
      }
      const cls = [...e.classList].slice(0, 2).join('.');
      if (cls) s += `.${cls}`;
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  window.__tx = {
    cssPath,
    /** { fg, bg, ratio } for the text colour of `el` on its background. */
    contrast(el) {
      const layers = backgroundLayers(el);
      const bg = paint(layers);
      const fg = paint([...layers, getComputedStyle(el).color]);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      return {
        fg: `rgb(${fg.slice(0, 3).join(', ')})`,
        bg: `rgb(${bg.slice(0, 3).join(', ')})`,
        ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
      };
    },
    /** Visible elements that stick out past the right or left edge of a `width` viewport. */
    overflowing(width) {
      const wide = [];
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.right > width + 0.5 || r.left < -0.5) wide.push(el);
      }
      // Report the innermost ones: they are what to fix.
      const innermost = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o)));
      return innermost.slice(0, 5).map((el) => {
        const r = el.getBoundingClientRect();
        return `${cssPath(el)} spans ${Math.round(r.left)}…${Math.round(r.right)} px`;
      });
    },
  };
}
