// Site search (issue 6), which runs in the browser with no server.
//
// runSearch: on the fixture site tests/browser/fixtures/search/, whose pages are
// written so that every query below has one right answer, each query must give
// exactly the expected pages in the expected order. The order follows the rules
// of themes/default/static/js/search.js: every unit of the query must match;
// more units matched in the title first, then more units matched as a word (a
// jieba word or a Latin token) rather than as a chance pair of characters across
// a word boundary, then the BM25-like score, then newer first. Also: the status
// line, <mark> highlighting, column filter buttons and ?q=&c= in the address,
// typing into the box, the result links, "显示更多结果", and the query cut
// without Intl.Segmenter (the fallback) where it must agree.
//
// runSearchSpeed: on the synthetic 10,000-page site of bench/gen.py, typing a
// query must draw its results within 200 ms of the last keystroke (the page's
// 50 ms pause included), each in a fresh browser context (cold cache).
import fs from 'node:fs';
import path from 'node:path';
import { CheckFailure } from '../lib/report.mjs';
import { DESKTOP, openPage } from '../lib/browser.mjs';

/** The searchable pages of the fixture: [path, title]. Nothing else may be in the index. */
const P = {
  xianfa: ['/yaowen/2025-03-10-xuexi-xianfa/', '县政协组织委员学习中华人民共和国宪法'],
  duban: ['/yaowen/2025-04-16-minsheng-duban/', '县政协召开民生实事督办推进会'],
  laojie: ['/yaowen/2025-02-20-laojie-diaoyan/', '县政协调研老街业态提升工作'],
  yantao: ['/yaowen/2025-09-05-lilun-yantao/', '县政协召开理论研讨会'],
  guqiao: ['/yaowen/2025-05-08-guqiao-baohu/', '县政协委员到石桥村调研古桥保护'],
  peixun: ['/yaowen/2025-06-12-zhengzhi-xieshang-peixun/', '县政协举办政治协商专题培训班'],
  app: ['/yaowen/2025-07-01-yunxitong-app/', '“云溪通”APP开通政协履职专区'],
  changwei: ['/tongzhi/2025-08-20-changweihui-tongzhi/', '关于召开县政协常委会会议的通知'],
  weibao: ['/tongzhi/2025-05-21-xiaofang-weibao/', '关于做好机关消防设施维保工作的通知'],
  chunji: ['/tongzhi/2025-03-18-chunji-shicha/', '关于组织委员参加春季视察的通知'],
  qiuji: ['/tongzhi/2025-10-15-qiuji-shicha/', '关于组织委员参加秋季视察的通知'],
  dianti: ['/tian/7-3-008-jiazhuang-dianti/', '关于老旧小区加装电梯的提案'],
  gushu: ['/tian/7-3-015-gushu-baohu/', '关于加强古树名木保护的提案'],
  chaye: ['/tian/7-3-016-chaye-hezuoshe/', '关于扶持茶叶专业合作社发展的提案'],
  pinpai: ['/tian/7-2-015-chaye-pinpai/', '关于打造茶叶区域公用品牌的提案'],
  sheshi: ['/sheqing/2025-11-03-sheshi-weihu/', '关于老旧住宅公共设施维护的建议'],
  chuxing: ['/sheqing/2025-09-10-laonianren-chuxing/', '关于改善老年人出行条件的建议'],
  jianzhu: ['/sheqing/2025-05-20-chuantong-jianzhu/', '关于保护乡村传统建筑的建议'],
  gonglu: ['/sheqing/2025-06-25-nongcun-gonglu/', '关于完善农村公路养护机制的建议'],
  zhengwu: ['/sheqing/2025-08-08-zhengwu-fuwu/', '关于提升政务服务便利度的建议'],
  jianjie: ['/guanyu/jianjie/', '县政协简介'],
  benzhan: ['/guanyu/benzhan/', '关于本站'],
};

/**
 * Pages that must never be found. The draft mentions 电梯 and 人民, the
 * search: false page 电梯 and 桥, so the queries for those words would show them.
 */
const DRAFT = '/yaowen/2025-10-01-shidi-gongyuan/';
const HIDDEN = '/sheqing/2025-10-20-houniao-qixidi/';
const NEVER = [DRAFT, HIDDEN, '/404.html', '/404/'];

/**
 * The queries, their answers and what each pins. `fallback: true` marks the
 * queries whose answer must not change when the browser has no Intl.Segmenter
 * and the page cuts Chinese into pairs of characters (an odd last character
 * joining the pair before it): their units are the same either way (one or two
 * characters, 共和国, 中华|人民|共和国, Latin tokens), or differ where the
 * fixture still has one answer (李春华: 李 + 春华, or whole). 政治协商 is one
 * unit for Intl.Segmenter but 政治 + 协商 for the fallback: its answer may differ.
 */
const QUERIES = [
  { q: '人民', want: ['xianfa', 'duban'], fallback: true,
    pins: 'a two-character word inside a longer one (中华人民共和国) is found; that title match ranks above a newer page that says 人民 twice' },
  { q: '商民', want: ['laojie', 'yantao'], fallback: true,
    pins: 'characters that only meet across a word boundary (协商|民主) are found, below the page where 商民 is a word, though that page is older and scores lower (once in a long text)' },
  { q: '老街商民', want: ['laojie'], fallback: true,
    pins: 'Intl.Segmenter cuts 老街|商|民: the single characters merge into one unit 商民, AND 老街' },
  { q: '中华人民共和国', want: ['xianfa'], fallback: true, pins: 'a long word cut into 中华|人民|共和国, every unit found as a word in the title' },
  { q: '共和国', want: ['xianfa'], fallback: true, pins: 'a three-character word' },
  { q: '工作室', want: ['chuxing'], fallback: true,
    pins: 'a three-character word kept whole (the fallback joins the odd last character to the pair before it): not 工作 and 室 apart (办公室, 工作联络组)' },
  { q: '政治协商', want: ['peixun', 'jianjie'], fallback: false,
    pins: 'a multi-character word (one unit for Intl.Segmenter), the title match first; 政治 and 协商 apart elsewhere do not match' },
  { q: '协商民主', want: ['yantao', 'jianjie'], fallback: true,
    pins: 'two words, both required (协商 alone in a title is not enough), more occurrences in a short text first' },
  { q: '电梯', want: ['dianti', 'sheshi', 'changwei', 'chuxing'], fallback: true,
    pins: 'the title match above newer body matches with a higher score; then by score, not date: 3 mentions, 1 in a short notice, 1 in a long newer text; the draft and the search: false page never' },
  { q: '电梯 维保', want: ['sheshi'], fallback: true, pins: 'two words with a space: both required (AND)' },
  { q: '维保', want: ['weibao', 'sheshi'], fallback: true, pins: 'the title match first' },
  { q: '茶园', want: ['qiuji', 'chunji'], fallback: true,
    pins: 'Intl.Segmenter cuts 茶|园 (merged into one unit); two notices of the same length and score: the newer first' },
  { q: '桥', want: ['guqiao', 'jianzhu', 'gonglu'], fallback: true,
    pins: 'a single character: the title match, then 3 mentions above 1 mention in a newer page' },
  { q: '古桥 保护', want: ['guqiao', 'jianzhu'], fallback: true,
    pins: 'two units in the title above one unit in the title; 保护 without 古桥 (a proposal title) does not match' },
  { q: 'app', want: ['app', 'zhengwu'], fallback: true, pins: 'a Latin word, case-insensitive (APP in a title, app in a text)' },
  { q: 'APP', want: ['app', 'zhengwu'], fallback: true, pins: 'upper-case input' },
  { q: 'ＡＰＰ', want: ['app', 'zhengwu'], fallback: true, pins: 'full-width input' },
  { q: 'APP 专区', want: ['app'], fallback: true, pins: 'a Latin and a Chinese word (AND)' },
  { q: '7-3-015', want: ['gushu'], fallback: true,
    pins: 'a proposal number, whole: not 7-3-016, whose text cites 7-2-015 (7, 3 and 015 apart)' },
  { q: '７－３－０１５', want: ['gushu'], fallback: true, pins: 'a proposal number typed full-width' },
  { q: '李春华', want: ['gushu'], fallback: true, pins: 'a proposer, who is in the proposal furniture, not in its text' },
  { q: '量子', want: [], fallback: true, pins: 'no results: the status says so' },
  { q: '湿地', want: [], fallback: true, pins: 'a word only a draft has' },
  { q: '候鸟', want: [], fallback: true, pins: 'a word only a search: false page has' },
  { q: '页面', want: ['benzhan'], fallback: true, pins: 'the 404 page (您要找的页面……) is not in the index' },
  { q: '网址输入有误', want: [], fallback: true, pins: 'words only the 404 page has' },
];

const label = (key) => (P[key] ? `${key} 〈${P[key][1]}〉` : key);
const nameOf = (p) => Object.keys(P).find((k) => P[k][0] === p) || p;
const fold = (s) => s.normalize('NFKC').toLowerCase();

/** Waits until the search page has drawn the results of `q` (data-search-done). */
async function waitDone(page, q) {
  try {
    await page.waitForFunction(
      (want) => document.querySelector('[data-search-index]')?.getAttribute('data-search-done') === want,
      q.trim(),
      { timeout: 10000 },
    );
  } catch {
    const s = await page.evaluate(() => ({
      done: document.querySelector('[data-search-index]')?.getAttribute('data-search-done'),
      status: document.querySelector('.search-status')?.textContent ?? '',
    }));
    throw new CheckFailure(`search "${q}": results never drawn (data-search-done is ${JSON.stringify(s.done)} after 10 s; status line "${s.status}")`);
  }
}

/** What the search page shows now. */
function readPage(page) {
  return page.evaluate(() => {
    const filters = document.querySelector('.search-filters');
    const more = document.querySelector('.search-more');
    return {
      status: document.querySelector('.search-status')?.textContent.trim() ?? '',
      results: [...document.querySelectorAll('ol.search-results > li.search-result')].map((li) => {
        const a = li.querySelector('a.search-title');
        return {
          path: a ? new URL(a.href).pathname : '(no a.search-title)',
          title: a?.textContent ?? '',
          titleHtml: a?.innerHTML ?? '',
          meta: li.querySelector('.search-meta')?.textContent.trim() ?? '(no .search-meta)',
          excerptHtml: li.querySelector('.search-excerpt')?.innerHTML ?? '(no .search-excerpt)',
          marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
        };
      }),
      filtersShown: !!filters && !filters.hidden,
      filters: filters ? [...filters.querySelectorAll('button')].map((b) => ({ text: b.textContent.trim(), pressed: b.getAttribute('aria-pressed') })) : [],
      moreShown: !!more && !more.hidden,
      params: Object.fromEntries(new URLSearchParams(location.search)),
      search: location.search,
    };
  });
}

/** Opens /search/?q=… (the way a shared link does) and reads the drawn results. */
async function searchFor(page, url, q, extra = '') {
  await openPage(page, url(`/search/?q=${encodeURIComponent(q)}${extra}`));
  await waitDone(page, q);
  return readPage(page);
}

/**
 * Problems when the drawn list is not `want` (keys of P), in order, or the
 * status line does not say so. `column` names the filter that is on.
 */
function listProblems(q, shown, want, { prefix = '/', column = '' } = {}) {
  const strip = (p) => (p.startsWith(prefix) ? p.slice(prefix.length - 1) : p);
  const got = shown.results.map((r) => strip(r.path));
  const problems = [];
  const expected = want.slice(0, 10).map((k) => P[k][0]);
  if (got.join('\n') !== expected.join('\n')) {
    problems.push(
      `search "${q}": expected ${want.length ? want.map(label).join(', ') : 'no results'}\n` +
        `got ${got.length ? got.map((p) => label(nameOf(p))).join(', ') : 'no results'}`,
    );
  }
  shown.results.forEach((r, i) => {
    const key = nameOf(strip(r.path));
    if (P[key] && r.title !== P[key][1]) problems.push(`search "${q}": result ${i + 1} ${r.path} is titled "${r.title}", expected "${P[key][1]}"`);
    if (NEVER.includes(strip(r.path))) problems.push(`search "${q}": result ${i + 1} is ${r.path}, which must never be found`);
    // Every highlighted piece is a piece of the query.
    for (const m of r.marks) {
      if (!m || !fold(q).replace(/\s+/g, '').includes(fold(m))) problems.push(`search "${q}": result ${i + 1} ${r.path} highlights "${m}", which is not part of the query`);
    }
  });
  const where = column ? `（${column}）` : '';
  const wantStatus = want.length ? `找到 ${want.length} 条结果${where}。` : `没有找到与“${q.trim()}”有关的内容${where}，请换个词或减少几个词再试。`;
  if (shown.status !== wantStatus) problems.push(`search "${q}": the status line reads "${shown.status}", expected "${wantStatus}"`);
  return problems;
}

export async function runSearch({ report, browser, guard, url, siteDir, prefix = '/' }) {
  report.section('Site search on the fixture site (tests/browser/fixtures/search)');
  if (!url) {
    report.record('search fixture site', ['no search fixture build was given (--search-site; run through .ci/browser)']);
    return;
  }

  await report.check('the index holds exactly the fixture\'s searchable pages: not the draft, the search: false page or 404.html', () => {
    const problems = [];
    const exists = (p) => fs.existsSync(path.join(siteDir, p));
    if (!exists(`${HIDDEN}index.html`)) problems.push(`${HIDDEN} (search: false) was not built: it must be published, only kept out of search`);
    if (exists(`${DRAFT}index.html`)) problems.push(`${DRAFT} (draft: true) was built`);
    if (!exists('404.html')) problems.push('the fixture build has no 404.html');
    const meta = JSON.parse(fs.readFileSync(path.join(siteDir, 'search/data/meta.json'), 'utf8'));
    const count = Object.keys(P).length;
    if (meta.docs !== count) problems.push(`search/data/meta.json counts ${meta.docs} documents, expected the fixture's ${count} searchable pages`);
    return problems;
  });

  const ctx = await guard.context(browser, DESKTOP);
  const page = await ctx.newPage();
  const seen = new Set();
  for (const { q, want, pins } of QUERIES) {
    await report.check(`search "${q}" → ${want.length ? want.join(', ') : 'nothing'}: ${pins}`, async () => {
      const shown = await searchFor(page, url, q);
      for (const r of shown.results) seen.add(r.path);
      return listProblems(q, shown, want, { prefix });
    });
  }

  await report.check('<mark> in titles and excerpts (case kept for Latin), the column · date line', async () => {
    const problems = [];
    const expectHtml = (q, r, field, html) => {
      if (!r) return problems.push(`search "${q}": no result to look at`);
      if (r[field] !== html) problems.push(`search "${q}": ${r.path} ${field} is ${JSON.stringify(r[field])}, expected ${JSON.stringify(html)}`);
    };
    const marksIn = (html) => [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
    let s = await searchFor(page, url, '电梯');
    expectHtml('电梯', s.results[0], 'titleHtml', '关于老旧小区加装<mark>电梯</mark>的提案');
    const sheshi = s.results.find((r) => r.path.endsWith(P.sheshi[0]));
    const m = sheshi ? marksIn(sheshi.excerptHtml) : [];
    if (m.length < 2 || m.some((x) => x !== '电梯')) problems.push(`search "电梯": the excerpt of ${P.sheshi[0]} should mark 电梯 at least twice, marks ${JSON.stringify(m)}: ${sheshi?.excerptHtml}`);
    expectHtml('电梯', s.results[0], 'meta', '提案工作 · 2025年1月15日');
    s = await searchFor(page, url, '电梯 维保');
    const both = s.results[0] ? marksIn(s.results[0].excerptHtml) : [];
    if (!both.includes('电梯') || !both.includes('维保')) problems.push(`search "电梯 维保": the excerpt should mark both words, marks ${JSON.stringify(both)}`);
    s = await searchFor(page, url, 'app');
    expectHtml('app', s.results[0], 'titleHtml', '“云溪通”<mark>APP</mark>开通政协履职专区');
    if (!s.results[1]?.excerptHtml.includes('<mark>app</mark>')) problems.push(`search "app": the excerpt of ${s.results[1]?.path} lacks <mark>app</mark>: ${s.results[1]?.excerptHtml}`);
    s = await searchFor(page, url, '桥');
    expectHtml('桥', s.results[0], 'titleHtml', '县政协委员到石<mark>桥</mark>村调研古<mark>桥</mark>保护');
    s = await searchFor(page, url, '茶园');
    expectHtml('茶园', s.results[0], 'meta', '通知公告 · 2025年10月15日');
    s = await searchFor(page, url, '页面');
    expectHtml('页面', s.results[0], 'meta', '关于我们');
    return problems;
  });

  await report.check('column filters for "电梯": 全部 first, counts per column; 社情民意 narrows to its 2 pages; ?q=&c= round-trips', async () => {
    const problems = [];
    let s = await searchFor(page, url, '电梯');
    const labels = s.filters.map((f) => f.text);
    if (!s.filtersShown) problems.push('search "电梯": results in 3 columns but .search-filters is hidden');
    const want = ['社情民意（2）', '提案工作（1）', '通知公告（1）'];
    if (labels[0] !== '全部（4）' || labels.slice(1).sort().join() !== want.slice().sort().join()) {
      problems.push(`search "电梯": filter buttons ${JSON.stringify(labels)}, expected 全部（4） first, then ${want.join(', ')}`);
    }
    const pressed = s.filters.map((f) => f.pressed);
    if (pressed[0] !== 'true' || pressed.slice(1).some((p) => p !== 'false')) problems.push(`search "电梯": aria-pressed ${JSON.stringify(pressed)}, expected only 全部 pressed`);
    if (problems.length) return problems;

    await page.locator('.search-filters button', { hasText: '社情民意' }).click();
    await page.waitForFunction(() => document.querySelector('.search-status')?.textContent.includes('社情民意') && document.querySelectorAll('.search-results li').length === 2);
    s = await readPage(page);
    problems.push(...listProblems('电梯', s, ['sheshi', 'chuxing'], { prefix, column: '社情民意' }).map((p) => `after 社情民意: ${p}`));
    const onlyPressed = s.filters.filter((f) => f.pressed === 'true').map((f) => f.text);
    if (onlyPressed.join() !== '社情民意（2）') problems.push(`after 社情民意 the pressed buttons are ${JSON.stringify(onlyPressed)}`);
    const column = await page.evaluate(async () => {
      const m = await (await fetch(`${document.querySelector('[data-search-index]').dataset.searchIndex}meta.json`)).json();
      return String(m.columns.indexOf('社情民意'));
    });
    if (s.params.q !== '电梯' || s.params.c !== column) problems.push(`after 社情民意 the address has ${s.search}, expected q=电梯 and c=${column} (社情民意's place in meta.json)`);

    // The filtered address, opened afresh, shows the same.
    const shared = s.search;
    await openPage(page, url(`/search/${shared}`));
    await waitDone(page, '电梯');
    const again = await readPage(page);
    if (again.results.map((r) => r.path).join() !== s.results.map((r) => r.path).join() || again.status !== s.status) {
      problems.push(`opening /search/${decodeURIComponent(shared)} shows ${again.results.map((r) => nameOf(r.path)).join(', ')} ("${again.status}"), not the filtered list`);
    }
    const pressedAgain = again.filters.filter((f) => f.pressed === 'true').map((f) => f.text);
    if (pressedAgain.join() !== '社情民意（2）') problems.push(`opening /search/${decodeURIComponent(shared)}: pressed buttons ${JSON.stringify(pressedAgain)}, expected 社情民意（2）`);

    await page.locator('.search-filters button', { hasText: '全部' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.search-results li').length === 4);
    s = await readPage(page);
    problems.push(...listProblems('电梯', s, ['dianti', 'sheshi', 'changwei', 'chuxing'], { prefix }).map((p) => `after 全部: ${p}`));
    if ('c' in s.params) problems.push(`after 全部 the address still has c: ${s.search}`);

    s = await searchFor(page, url, '茶园');
    if (s.filtersShown) problems.push(`search "茶园": both results are 通知公告, yet filter buttons are shown: ${JSON.stringify(s.filters.map((f) => f.text))}`);
    return problems;
  });

  // 委员 is in 12 pages, 4 of them in the title.
  const members = ['xianfa', 'laojie', 'guqiao', 'peixun', 'app', 'chunji', 'qiuji', 'sheshi', 'chuxing', 'jianzhu', 'gonglu', 'jianjie'];
  const membersTitled = ['xianfa', 'guqiao', 'chunji', 'qiuji'];
  await report.check(`"显示更多结果": "委员" finds ${members.length} pages, 10 at first (the ${membersTitled.length} title matches first), then the other ${members.length - 10}`, async () => {
    const want = members;
    const titled = membersTitled;
    const problems = [];
    let s = await searchFor(page, url, '委员');
    if (s.status !== `找到 ${want.length} 条结果。`) problems.push(`search "委员": status "${s.status}", expected "找到 ${want.length} 条结果。"`);
    if (s.results.length !== 10) problems.push(`search "委员": ${s.results.length} results shown at first, expected 10`);
    if (!s.moreShown) return [...problems, `search "委员": no "显示更多结果" button with ${want.length} results`];
    const first = s.results.slice(0, titled.length).map((r) => nameOf(r.path));
    if (first.slice().sort().join() !== titled.slice().sort().join()) problems.push(`search "委员": the first ${titled.length} should be the pages with 委员 in the title (${titled.join(', ')}), got ${first.join(', ')}`);
    await page.locator('.search-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('.search-results li').length === n, want.length);
    s = await readPage(page);
    const got = s.results.map((r) => nameOf(r.path));
    if (got.slice().sort().join() !== want.slice().sort().join()) problems.push(`search "委员": after "显示更多结果" the pages are ${got.join(', ')}, expected ${want.join(', ')} in any order`);
    if (new Set(got).size !== got.length) problems.push(`search "委员": a page is listed twice: ${got.join(', ')}`);
    if (s.moreShown) problems.push('search "委员": "显示更多结果" still shown with every result listed');
    return problems;
  });

  await report.check('typing into #search-q: results appear, the address follows (?q=), clearing empties the list, Enter searches', async () => {
    const problems = [];
    await openPage(page, url('/search/'));
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== 'search-q') problems.push(`/search/ without a query: focus is on ${focused ? `#${focused}` : 'the body'}, expected the search box #search-q`);
    await page.focus('#search-q');
    await page.keyboard.type('人民');
    await waitDone(page, '人民');
    let s = await readPage(page);
    problems.push(...listProblems('人民', s, ['xianfa', 'duban'], { prefix }).map((p) => `typed: ${p}`));
    if (s.params.q !== '人民') problems.push(`after typing 人民 the address is ${s.search || '(no query)'}, expected ?q=人民`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('电梯 维保');
    await waitDone(page, '电梯 维保');
    s = await readPage(page);
    problems.push(...listProblems('电梯 维保', s, ['sheshi'], { prefix }).map((p) => `typed: ${p}`));
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('q'), null, { timeout: 5000 }).catch(() => {});
    s = await readPage(page);
    if (s.results.length || s.status || 'q' in s.params) problems.push(`after clearing the box: ${s.results.length} results, status "${s.status}", address ${s.search}; expected none, empty, no q`);
    await page.keyboard.insertText('茶园');
    await page.keyboard.press('Enter');
    await waitDone(page, '茶园');
    s = await readPage(page);
    problems.push(...listProblems('茶园', s, ['qiuji', 'chunji'], { prefix }).map((p) => `Enter: ${p}`));
    if (!new URL(page.url()).pathname.endsWith('/search/')) problems.push(`Enter in the search box left the page for ${page.url()}`);
    return problems;
  });

  await report.check('typing with an input method (拼音): nothing is searched while the letters are composed, the chosen 人民 is', async () => {
    const problems = [];
    await openPage(page, url('/search/'));
    await page.focus('#search-q');
    const cdp = await page.context().newCDPSession(page);
    try {
      // What Chromium does while a 拼音 input method composes: the letters
      // stand in the box, input events say isComposing.
      await cdp.send('Input.imeSetComposition', { text: 'renmin', selectionStart: 6, selectionEnd: 6 });
      await page.waitForTimeout(400);
      let s = await readPage(page);
      if (s.status || s.results.length || 'q' in s.params) problems.push(`while composing "renmin": status "${s.status}", ${s.results.length} results, address ${s.search}; expected nothing searched yet`);
      // Choosing the characters ends the composition.
      await cdp.send('Input.insertText', { text: '人民' });
      await waitDone(page, '人民');
      s = await readPage(page);
      problems.push(...listProblems('人民', s, ['xianfa', 'duban'], { prefix }).map((p) => `after choosing 人民: ${p}`));
    } finally {
      await cdp.detach();
    }
    return problems;
  });

  await report.check('result links work: clicking the first result of "政治协商" opens it; every page found answers 200 with its title', async () => {
    const problems = [];
    await searchFor(page, url, '政治协商');
    const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('a.search-title').first().click()]);
    const where = new URL(page.url()).pathname;
    if (!where.endsWith(P.peixun[0])) problems.push(`clicking the first result of "政治协商" opened ${where}, expected ${P.peixun[0]}`);
    if (res?.status() !== 200) problems.push(`clicking the first result of "政治协商": HTTP ${res?.status()}`);
    const h1 = (await page.locator('h1').first().textContent())?.trim();
    if (h1 !== P.peixun[1]) problems.push(`${where}: <h1> reads "${h1}", expected "${P.peixun[1]}"`);
    for (const p of [...seen].sort()) {
      const r = await ctx.request.get(`${new URL(url('/')).origin}${p}`);
      const key = nameOf(p.slice(prefix.length - 1));
      if (r.status() !== 200) problems.push(`${p} (found by the search): HTTP ${r.status()}`);
      else if (P[key] && !(await r.text()).includes(P[key][1])) problems.push(`${p} (found by the search) does not carry its title "${P[key][1]}"`);
    }
    return { problems, note: `${seen.size} distinct pages found` };
  });
  await ctx.close();

  // The fallback cut, for browsers without Intl.Segmenter: removed before the
  // page's scripts run.
  const fb = await guard.context(browser, DESKTOP);
  await fb.addInitScript(() => {
    delete Intl.Segmenter;
  });
  const fbPage = await fb.newPage();
  const agreeing = QUERIES.filter((x) => x.fallback);
  await report.check(`without Intl.Segmenter (the fallback cut into pairs): ${agreeing.length} queries give the same answers`, async () => {
    const problems = [];
    await openPage(fbPage, url('/search/'));
    if (await fbPage.evaluate(() => typeof Intl.Segmenter !== 'undefined')) return ['the init script did not remove Intl.Segmenter'];
    for (const { q, want } of agreeing) {
      const shown = await searchFor(fbPage, url, q);
      problems.push(...listProblems(q, shown, want, { prefix }).map((p) => `fallback: ${p}`));
    }
    return problems;
  });
  await fb.close();

  // An old browser (no DecompressionStream: Safari before 16.4) behind a host
  // that ignores range requests: the page inflates the texts itself and cuts
  // them out of whole files, and shows the same results.
  const normal = await guard.context(browser, DESKTOP);
  const old = await guard.context(browser, DESKTOP);
  await old.addInitScript(() => {
    delete window.DecompressionStream;
  });
  let ranged = 0;
  await old.route('**/search/data/t/**', (route) => {
    const headers = { ...route.request().headers() };
    if (headers.range) ranged++;
    delete headers.range;
    route.continue({ headers });
  });
  await report.check('without DecompressionStream and without range requests: the same results, titles and excerpts', async () => {
    const problems = [];
    const [a, b] = [await normal.newPage(), await old.newPage()];
    await openPage(b, url('/search/'));
    if (await b.evaluate(() => typeof DecompressionStream !== 'undefined')) return ['the init script did not remove DecompressionStream'];
    for (const q of ['电梯', '协商民主', '委员', 'app']) {
      const want = await searchFor(a, url, q);
      const got = await searchFor(b, url, q);
      const pick = (s) => JSON.stringify(s.results.map((r) => [r.path, r.titleHtml, r.meta, r.excerptHtml]));
      if (pick(got) !== pick(want)) problems.push(`"${q}": expected ${pick(want)}\ngot ${pick(got)}`);
      if (!want.results.length || want.results.some((r) => !r.excerptHtml.trim())) problems.push(`"${q}": results without excerpts: ${pick(want)}`);
    }
    if (!ranged) problems.push('the page never asked for a range of a text file');
    return problems;
  });
  await normal.close();
  await old.close();
}

/**
 * An index that went on from the last build (tongxin build after edits: a
 * page's text and title, a date, a page deleted, a page added) against the
 * same site's index built from nothing: every query of the fixture, and a few
 * that the edits touch, must show the same results, titles, excerpts and
 * status line on both.
 */
export async function runSearchGoneOn({ report, browser, guard, edited, clean }) {
  if (!edited || !clean) {
    report.record('search index gone on from the last build', ['the edited fixture builds were not given (--search-edited, --search-clean; run through .ci/browser)']);
    return;
  }
  const meta = JSON.parse(fs.readFileSync(path.join(edited.dir, 'search/data/meta.json'), 'utf8'));
  const queries = [...QUERIES.map((x) => x.q), '石桥村', '协商民主 电梯', '古桥', '茶园', '公路', '养护'];
  await report.check(`an index gone on from the last build (recent shards for ${meta.recentIds?.length ?? 0} pages, ranks by date) answers ${queries.length} queries as one built from nothing`, async () => {
    const problems = [];
    if (!meta.recentIds?.length || !meta.ranked) problems.push(`the edited build's meta.json has no recent pages or ranks: ${JSON.stringify(meta)}`);
    const ctx = await guard.context(browser, DESKTOP);
    const [a, b] = [await ctx.newPage(), await ctx.newPage()];
    for (const q of queries) {
      const got = await searchFor(a, edited.url, q);
      const want = await searchFor(b, clean.url, q);
      const pick = (s) => JSON.stringify([s.status, s.results.map((r) => [r.path, r.titleHtml, r.meta, r.excerptHtml])]);
      if (pick(got) !== pick(want)) problems.push(`"${q}": built from nothing ${pick(want)}\ngone on ${pick(got)}`);
    }
    await ctx.close();
    return problems;
  });
}

/**
 * Typical queries on the 10,000-page site, words of bench/gen.py's text: a word
 * in nearly every page, a 4-character topic (two units), a place, a topic that
 * jieba keeps whole, two words with a space.
 */
const SPEED_QUERIES = ['协商', '乡村振兴', '养老服务', '背街小巷', '石桥村', '委员 建议'];
// The goal is a median of 200 ms; bench/search.sh measures it (speed is
// measured in benchmarks, not in timed tests). Here, on a noisy 2-core CI
// machine where Chromium, this test's own server and the validator's JVM share
// the cores, the same page measured 130-225 ms from run to run, and on a
// machine about 1.5 times slower a median of 324 ms (202-412), so the check
// only catches a gross regression: a median above twice the goal, or one
// query above three times (e.g. a page that downloads much more than it needs).
const GOAL_MS = 200;
const BUDGET_MS = 400;
const WORST_MS = 600;
// How long search.js waits for typing to pause before it draws results.
const PAUSE_MS = 50;

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Types `q` into the search box of a fresh page and measures the time to its results. */
async function timeQuery(browser, guard, url, q) {
  const ctx = await guard.watchingContext(browser, DESKTOP);
  try {
    const page = await ctx.newPage();
    await openPage(page, url('/search/'));
    await page.evaluate(() => {
      const root = document.querySelector('[data-search-index]');
      const input = document.querySelector('#search-q');
      const t = { lastKey: 0, keys: [], done: 0 };
      window.__searchTiming = t;
      input.addEventListener('input', (e) => {
        t.lastKey = e.timeStamp;
        t.keys.push(e.timeStamp);
      });
      new MutationObserver(() => {
        if (!t.done && root.getAttribute('data-search-done') === input.value.trim() && document.querySelector('.search-results li')) {
          t.done = performance.now();
        }
      }).observe(root, { attributes: true, attributeFilter: ['data-search-done'] });
    });
    await page.focus('#search-q');
    await page.keyboard.type(q);
    await page.waitForFunction(() => window.__searchTiming.done > 0, null, { timeout: 15000 }).catch(async () => {
      const status = await page.evaluate(() => document.querySelector('.search-status')?.textContent ?? '');
      throw new CheckFailure(`search "${q}" on the 10,000-page site: no results drawn after 15 s (status "${status}")`);
    });
    return await page.evaluate(() => {
      const t = window.__searchTiming;
      const gaps = t.keys.slice(1).map((k, i) => k - t.keys[i]);
      const data = performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/data/'));
      return {
        ms: t.done - t.lastKey,
        // When the first index file was asked for and the last one arrived.
        firstFetch: data.length ? Math.min(...data.map((e) => e.startTime)) - t.lastKey : NaN,
        lastFetched: data.length ? Math.max(...data.map((e) => e.responseEnd)) - t.lastKey : NaN,
        maxGap: gaps.length ? Math.max(...gaps) : 0,
        files: data.length,
        bytes: data.reduce((n, e) => n + e.encodedBodySize, 0),
        status: document.querySelector('.search-status')?.textContent.trim() ?? '',
      };
    });
  } finally {
    await ctx.close();
  }
}

export async function runSearchSpeed({ report, browser, guard, url }) {
  report.section('Site search speed on the 10,000-page site (bench/gen.py)');
  if (!url) {
    report.record(`search results within ${BUDGET_MS} ms of typing on 10,000 pages`, ['no 10,000-page build was given (--bench-site; run through .ci/browser)']);
    return;
  }
  // One untimed query first, so that the browser process is warm; every timed
  // query still gets a fresh context, with an empty cache.
  await report.check('warm-up query on the 10,000-page site (untimed)', async () => {
    const r = await timeQuery(browser, guard, url, '政协');
    return { problems: [], note: r.status };
  });
  const times = [];
  for (const q of SPEED_QUERIES) {
    await report.check(`search "${q}" on 10,000 pages: typed, results drawn within ${WORST_MS} ms of the last keystroke`, async () => {
      const r = await timeQuery(browser, guard, url, q);
      times.push(r.ms);
      const problems = [];
      if (r.ms > WORST_MS) problems.push(`search "${q}": results drawn ${Math.round(r.ms)} ms after the last keystroke, more than ${WORST_MS} ms`);
      // Keystrokes more than the page's 50 ms pause apart would start a
      // search early and warm the cache: the time would be flattering.
      const gap = r.maxGap > PAUSE_MS ? `; keystrokes up to ${Math.round(r.maxGap)} ms apart, an earlier search may have warmed the cache` : '';
      const note =
        `${Math.round(r.ms)} ms: first index request at +${Math.round(r.firstFetch)} ms, last file in at +${Math.round(r.lastFetched)} ms; ` +
        `${(r.bytes / 1024).toFixed(1)} KB in ${r.files} files from search/data/; ${r.status}${gap}`;
      return { problems, note };
    });
  }
  const problems = [];
  const m = times.length ? median(times) : NaN;
  if (times.length < SPEED_QUERIES.length) problems.push(`only ${times.length} of ${SPEED_QUERIES.length} queries were timed`);
  if (!(m <= BUDGET_MS)) problems.push(`the median time from the last keystroke to the results is ${Math.round(m)} ms, more than ${BUDGET_MS} ms`);
  report.record(`median time from the last keystroke to the results within ${BUDGET_MS} ms (the page's pause of ${PAUSE_MS} ms included; the goal of ${GOAL_MS} ms is measured by bench/search.sh)`, problems, times.length ? `median ${Math.round(m)} ms of ${times.map((t) => Math.round(t)).join(', ')}` : '');
}
