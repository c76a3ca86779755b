#!/usr/bin/env node
// 站内搜索的查询下载量基准（bench/search.sh 调用）。
//
// 用法：node bench/search_query.mjs --site DIR [--pagefind] [--runs N] 查询 …
//
// 在 127.0.0.1 的随机端口上提供 DIR 里的静态站点，用无头 Chromium 逐个查询：
//
// - 同心：打开 /search/，把查询填进搜索框后按回车，等到 [data-search-index] 的
//   data-search-done 等于查询（页面画完结果列表时设置），统计这期间所有
//   search/data/ 响应的字节数，以及从提交到结果显示的时间；再用键盘逐字输入同一查询，
//   量最后一次按键到结果显示的时间（typed_ms）。
// - Pagefind（--pagefind）：在同一站点的一个空白页里 import /pagefind/pagefind.js，
//   await pagefind.search(q)，再对前 10 条结果 await r.data()（相当于我们的结果列表），
//   统计 /pagefind/ 响应的字节数。
//
// 每次查询都用新的浏览器上下文（空缓存），所以字节数是“冷启动”的一次查询：
// 含 meta.json、docs.bin、分片和按范围取的文本（Pagefind 则含 pagefind.js、wasm、入口与元数据）。
// 字节数在服务器端按实际发送的响应体计算（不压缩）；另外给出同样内容 gzip 后的大小，
// 供参考（Pagefind 的索引文件本身已是 gzip 压缩的）。
//
// 输出一行 JSON：{"tongxin": [...], "pagefind": [...]}，每个查询一项。

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
// playwright-core 装在浏览器测试套件的 node_modules 里。
const require = createRequire(path.join(root, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const out = { site: null, pagefind: false, runs: 1, queries: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--site') out.site = argv[++i];
    else if (a === '--pagefind') out.pagefind = true;
    else if (a === '--runs') out.runs = Number(argv[++i]);
    else out.queries.push(a);
  }
  if (!out.site || !out.queries.length || !(out.runs >= 1)) {
    console.error('用法：node bench/search_query.mjs --site DIR [--pagefind] [--runs N] 查询 …');
    process.exit(2);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const siteDir = path.resolve(args.site);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

// Pagefind 的查询页：同源的一个空白页，不加载主题的任何资源。
const PAGEFIND_PAGE = '/__bench__/pagefind.html';
const PAGEFIND_HTML = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>pagefind</title></head><body></body></html>';

// 当前这次查询收到的请求：[{path, bytes}]。每次查询前清空。
let log = [];

const server = createServer(async (req, res) => {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (pathname === PAGEFIND_PAGE) {
    res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
    res.end(PAGEFIND_HTML);
    return;
  }
  let file = path.join(siteDir, pathname);
  if (!file.startsWith(siteDir)) {
    res.writeHead(403).end();
    return;
  }
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const whole = await readFile(file);
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    // 一段字节（搜索页按范围取结果的文本），与 nginx、对象存储一样只给这一段。
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
    const start = range ? Number(range[1]) : 0;
    const end = range ? Math.min(range[2] ? Number(range[2]) + 1 : whole.length, whole.length) : whole.length;
    if (range && start < end) {
      const body = whole.subarray(start, end);
      log.push({ path: pathname, bytes: body.length, body });
      res.writeHead(206, {
        'content-type': type,
        'content-length': body.length,
        'content-range': `bytes ${start}-${end - 1}/${whole.length}`,
      });
      res.end(body);
      return;
    }
    log.push({ path: pathname, bytes: whole.length, body: whole });
    res.writeHead(200, { 'content-type': type, 'content-length': whole.length });
    res.end(whole);
  } catch {
    log.push({ path: pathname, bytes: 0, missing: true });
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

// 本次查询里路径以 prefix 开头的响应：个数、字节数、gzip 后字节数、逐个文件。
function tally(prefix) {
  const hits = log.filter((e) => e.path.startsWith(prefix) && !e.missing);
  const files = hits.map((e) => ({ path: e.path.slice(prefix.length), bytes: e.bytes }));
  return {
    requests: hits.length,
    bytes: hits.reduce((n, e) => n + e.bytes, 0),
    gzip: hits.reduce((n, e) => n + gzipSync(e.body, { level: 6 }).length, 0),
    missing: log.filter((e) => e.path.startsWith(prefix) && e.missing).length,
    files,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function ourQuery(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}/search/`, { waitUntil: 'load' });
    log = []; // 页面本身（HTML、CSS、search.js）不计；索引在查询时才下载
    await page.evaluate(() => {
      const box = document.querySelector('[data-search-index]');
      window.__bench = { t0: 0, t1: 0 };
      document.addEventListener('submit', () => { window.__bench.t0 = performance.now(); }, true);
      new MutationObserver(() => {
        if (box.hasAttribute('data-search-done') && !window.__bench.t1) window.__bench.t1 = performance.now();
      }).observe(box, { attributes: true, attributeFilter: ['data-search-done'] });
    });
    // 直接设置输入框的值（不触发 input 事件，免得输入停顿 50 ms 后的即时搜索抢先开始），再按回车提交。
    await page.$eval('#search-q', (el, value) => { el.value = value; }, q);
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(
      (value) => document.querySelector('[data-search-index]').getAttribute('data-search-done') === value
        || /加载失败/.test(document.querySelector('.search-status').textContent),
      q.trim(),
      { timeout: 60000 },
    );
    const info = await page.evaluate(() => ({
      status: document.querySelector('.search-status').textContent,
      shown: document.querySelectorAll('.search-results > li').length,
      ms: window.__bench.t1 - window.__bench.t0,
      done: document.querySelector('[data-search-index]').getAttribute('data-search-done'),
    }));
    if (errors.length) throw new Error(`页面脚本出错：${errors.join('; ')}`);
    const found = /找到 (\d+) 条结果/.exec(info.status);
    if (info.done === null) throw new Error(`搜索失败：${info.status}`);
    return { results: found ? Number(found[1]) : 0, shown: info.shown, ms: info.ms, ...tally('/search/data/') };
  } finally {
    await context.close();
  }
}

// 像读者那样打字：在新的上下文（空缓存）里打开 /search/，用键盘逐字输入查询，
// 量最后一次按键（input 事件）到结果列表画出的时间。页面在按键时就开始下载和计算，
// 停顿 50 ms 后才画，所以这个时间含那 50 ms。
async function typedQuery(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/search/`, { waitUntil: 'load' });
    await page.evaluate(() => {
      const box = document.querySelector('[data-search-index]');
      const input = document.querySelector('#search-q');
      const t = { lastKey: 0, done: 0 };
      window.__typed = t;
      input.addEventListener('input', (e) => { t.lastKey = e.timeStamp; });
      new MutationObserver(() => {
        if (!t.done && box.getAttribute('data-search-done') === input.value.trim()) t.done = performance.now();
      }).observe(box, { attributes: true, attributeFilter: ['data-search-done'] });
    });
    await page.focus('#search-q');
    await page.keyboard.type(q);
    await page.waitForFunction(() => window.__typed.done > 0, null, { timeout: 60000 });
    return await page.evaluate(() => window.__typed.done - window.__typed.lastKey);
  } finally {
    await context.close();
  }
}

async function pagefindQuery(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${origin}${PAGEFIND_PAGE}`, { waitUntil: 'load' });
    log = [];
    const info = await page.evaluate(async (value) => {
      const t0 = performance.now();
      const pagefind = await import('/pagefind/pagefind.js');
      await pagefind.init();
      const search = await pagefind.search(value);
      const first = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      return { results: search.results.length, shown: first.length, ms: performance.now() - t0 };
    }, q);
    return { ...info, ...tally('/pagefind/') };
  } finally {
    await context.close();
  }
}

// 每个查询跑 runs 次：字节数每次相同（核对一下），时间取中位数。
async function measure(fn, q) {
  const runs = [];
  for (let i = 0; i < args.runs; i++) runs.push(await fn(q));
  const first = runs[0];
  if (runs.some((r) => r.bytes !== first.bytes || r.results !== first.results)) {
    first.unstable = runs.map((r) => r.bytes);
  }
  const result = { query: q, ...first, ms: Math.round(median(runs.map((r) => r.ms))), runs_ms: runs.map((r) => Math.round(r.ms)) };
  if (fn === ourQuery) {
    const typed = [];
    for (let i = 0; i < args.runs; i++) typed.push(await typedQuery(q));
    result.typed_ms = typed.map((ms) => Math.round(ms));
  }
  return result;
}

const out = { origin, tongxin: [], pagefind: [] };
try {
  for (const q of args.queries) {
    out.tongxin.push(await measure(ourQuery, q));
    if (args.pagefind) out.pagefind.push(await measure(pagefindQuery, q));
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
