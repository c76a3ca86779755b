// The writing desk (写作台, issue 18) in a real browser: `tongxin serve` on a
// copy of the sample site, the desk at /_tongxin/. A post is created by filling
// labelled fields; a post with unknown keys and comments is edited and only its
// title line changes on disk; Word and WPS clipboard HTML becomes Markdown; a
// dropped JPEG shows with srcset in the preview; a change on disk while the
// form is open brings the conflict dialog; axe finds nothing on the overview
// and the form; the form works with the keyboard alone; unsaved text survives
// a reload and a server restart.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { CheckFailure, waitFor } from '../lib/report.mjs';
import { freePort } from '../lib/server.mjs';
import { DESKTOP, leavesLocalhost } from '../lib/browser.mjs';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** `tongxin serve` on the site copy; resolves when the desk answers. */
async function startServer(binary, siteDir, port) {
  const log = [];
  const child = spawn(binary, ['serve', '--root', siteDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const exited = new Promise((r) => child.once('exit', r));
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the desk answering at /_tongxin/', async () => {
      if (gone) throw new CheckFailure(`tongxin serve exited: ${log.join('').slice(-2000)}`);
      return (await fetch(`${origin}/_tongxin/`)).ok;
    }, 120000);
  } catch (err) {
    child.kill('SIGINT');
    throw new CheckFailure(`${err.message}\n${log.join('').slice(-2000)}`);
  }
  return {
    origin,
    log,
    async stop() {
      if (!gone) child.kill('SIGINT');
      await exited;
    },
  };
}

// A Word clipboard as Word 2016 puts it on the clipboard (trimmed): Office
// namespaces, a style sheet, conditional comments, MsoTitle and an outline
// level heading, indented paragraphs with full-width spaces, a tracked
// deletion, mso-list bullet and number paragraphs (two levels), a table with
// merged cells, a picture Word keeps in a temporary file:/// folder.
export const WORD_HTML = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]-->
<style><!-- p.MsoNormal, li.MsoNormal {mso-style-parent:""; margin:0cm; text-align:justify; font-size:10.5pt; font-family:等线;} @list l0 {mso-list-id:1093;} @list l0:level1 {mso-level-number-format:bullet;} --></style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<!--StartFragment-->
<p class=MsoTitle align=center style='text-align:center'><span style='font-family:方正小标宋简体;mso-hansi-font-family:"Times New Roman"'>区政协召开专题协商会议<o:p></o:p></span></p>
<p class=MsoNormal style='mso-outline-level:2'><b><span style='font-family:黑体'>一、会议概况<o:p></o:p></span></b></p>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span style='font-size:16.0pt;font-family:仿宋_GB2312'>　　11月12日，区政协召开专题协商会议，<b>围绕“农文旅融合发展”</b>协商议政。区政协主席出席会议<span style='mso-spacerun:yes'>&nbsp;</span>并讲话。<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal style='text-indent:2em'><span class=msoDel><del cite="mailto:office" datetime="2026-11-12T09:00">删掉的旧说法</del></span><ins cite="mailto:office">会议听取了调研报告</ins>。<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-fareast-font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]><span style='font-family:仿宋_GB2312'>盘活乡村闲置资源<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:39.0pt;text-indent:-18.0pt;mso-list:l0 level2 lfo1'><![if !supportLists]><span style='font-family:Wingdings;mso-list:Ignore'>n<span style='font:7.0pt "Times New Roman"'>&nbsp; </span></span><![endif]><span style='font-family:仿宋_GB2312'>打造精品旅游线路<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp; </span></span><![endif]><span style='font-family:仿宋_GB2312'>完善配套基础设施<o:p></o:p></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'><td width=100 rowspan=2 valign=top style='width:75.0pt;border:solid windowtext 1.0pt'><p class=MsoNormal><b><span style='font-family:黑体'>项目</span></b><o:p></o:p></p></td><td colspan=2 style='border:solid windowtext 1.0pt'><p class=MsoNormal align=center style='text-align:center'><b>件数</b><o:p></o:p></p></td></tr>
 <tr><td><p class=MsoNormal>2025年<o:p></o:p></p></td><td><p class=MsoNormal>2026年<o:p></o:p></p></td></tr>
 <tr style='mso-yfti-lastrow:yes'><td><p class=MsoNormal>提案<o:p></o:p></p></td><td><p class=MsoNormal>186<o:p></o:p></p></td><td><p class=MsoNormal>203<o:p></o:p></p></td></tr>
</table>
<p class=MsoNormal><!--[if gte vml 1]><v:shape id="图片_x0020_1" o:spid="_x0000_i1025" type="#_x0000_t75" style='width:415pt;height:277pt'><v:imagedata src="file:///C:/Users/office/AppData/Local/Temp/msohtmlclip1/01/clip_image001.jpg" o:title=""/></v:shape><![endif]--><![if !vml]><img width=553 height=369 src="file:///C:/Users/office/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg" v:shapes="图片_x0020_1"><![endif]><o:p></o:p></p>
<p class=MsoNormal>详见<a href="https://www.example.gov.cn/zhengxie/a.html">区政府网站</a>。<a name="_Toc1"></a><o:p></o:p></p>
<!-- 一条普通注释 -->
<!--EndFragment-->
</body></html>`;

// WPS 文字 (2019): <font face> inside spans, font-weight in styles, an outline
// level on a plain paragraph, numbered mso-list paragraphs, a table.
const WPS_HTML = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="Generator" content="WPS Office"><style>p.MsoNormal{mso-style-name:正文;font-family:Calibri;}</style></head><body>
<!--StartFragment--><p class="MsoNormal" style="mso-outline-level:2;"><span style="font-family:黑体;font-size:16.0000pt;"><font face="黑体">二、主要建议</font></span></p>
<p class="MsoNormal" style="text-indent:32.0000pt;mso-char-indent-count:2.0000;"><span style="mso-spacerun:'yes';font-family:仿宋_GB2312;font-size:16.0000pt;"><font face="仿宋_GB2312">&nbsp;&nbsp;&nbsp;&nbsp;我区现有古树名木</font>312<font face="仿宋_GB2312">株，</font></span><span style="font-family:仿宋_GB2312;font-weight:bold;font-size:16.0000pt;"><font face="仿宋_GB2312">保护形势严峻</font></span><span style="font-family:仿宋_GB2312;font-size:16.0000pt;"><font face="仿宋_GB2312">。</font><o:p></o:p></span></p>
<p class="MsoNormal" style="margin-left:21pt;text-indent:-21pt;mso-list:l0 level1 lfo1;"><![if !supportLists]><span style="font-family:仿宋_GB2312;"><span style='mso-list:Ignore;'>1.&nbsp;</span></span><![endif]><span><font face="仿宋_GB2312">建立古树名木档案</font></span></p>
<p class="MsoNormal" style="margin-left:21pt;text-indent:-21pt;mso-list:l0 level1 lfo1;"><![if !supportLists]><span style="font-family:仿宋_GB2312;"><span style='mso-list:Ignore;'>2.&nbsp;</span></span><![endif]><span><font face="仿宋_GB2312">落实养护责任</font></span></p>
<p class="MsoNormal"><span>&nbsp;</span></p>
<table class="MsoNormalTable" border="1" style="border-collapse:collapse;"><tr><td><p class="MsoNormal" align="center"><span><font face="宋体">乡镇</font></span></p></td><td><p class="MsoNormal"><span><font face="宋体">株数</font></span></p></td></tr>
<tr><td><p class="MsoNormal"><span><font face="宋体">白沙镇</font></span></p></td><td><p class="MsoNormal"><span>58</span></p></td></tr></table>
<!--EndFragment--></body></html>`;

const WPS_EXPECTED = `## 二、主要建议

我区现有古树名木312株，**保护形势严峻**。

1. 建立古树名木档案
2. 落实养护责任

| 乡镇 | 株数 |
| --- | --- |
| 白沙镇 | 58 |`;

// A web page (another 政协 site) and a Google/WPS online document: h3, strong,
// font-weight spans split in two, nested ul/ol, a paragraph starting with #,
// a bold wrapper that is not bold.
const WEB_HTML = `<meta charset='utf-8'><div class="article"><h3 style="color:#333">（一）坚持党的领导</h3><p style="text-indent:2em">　　区政协<strong>始终坚持</strong>党的领导，<span style="font-weight:700">把握</span><span style="font-weight:700">正确方向</span>。</p><ul><li>学习<a href="https://example.org/x">原文</a></li><li><p>开展调研</p><ol><li>走访企业</li><li>召开座谈会</li></ol></li></ul><p>&nbsp;</p><p># 不是标题</p><b style="font-weight:normal" id="docs-internal-guid-1"><p dir="ltr"><span style="font-weight:400">在线文档的段落</span></p></b></div>`;

const WEB_EXPECTED = `## （一）坚持党的领导

区政协**始终坚持**党的领导，**把握正确方向**。

- 学习[原文](https://example.org/x)
- 开展调研
  1. 走访企业
  2. 召开座谈会

\\# 不是标题

在线文档的段落`;

// Markup that must never reach the Markdown.
const OFFICE_NOISE = ['mso', 'Mso', 'o:p', '<!--', '[if', 'endif', 'style=', 'font-family', 'Times New Roman', '<span', '<p', '删掉的旧说法', 'file:///', '_Toc', '&nbsp;', '\u00a0', '　'];

const EDIT_FILE = 'content/yaowen/2026-10-08-xiezuotai-bianji.md';
const EDIT_TEXT = `---
# 写作台测试：这一行注释保存后应当原样保留
title: 写作台编辑测试原来的标题
date: 2026-10-08 09:30
作者: 区政协办公室   # 中文键名和行尾注释
source: 溪山区政协
tags: [协商议政, 乡村振兴]
reporter_phone: "0571-1234567"
---

　　第一段正文，用全角空格缩进。

第二段正文。
`;

const CONFLICT_FILE = 'content/yaowen/2026-10-09-xiezuotai-chongtu.md';
const CONFLICT_TEXT = `---
title: 写作台冲突测试
date: 2026-10-09
---

冲突测试的第一段。
`;

const DRAFT_FILE = 'content/yaowen/2026-10-10-xiezuotai-zancun.md';
const DRAFT_TEXT = `---
title: 写作台暂存测试
date: 2026-10-10
---

暂存测试的第一段。
`;

/** axe on the desk page, without the preview iframe (the site's own pages are checked elsewhere). */
async function axeViolations(page, label) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { iframes: false, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').trim().slice(0, 200)}`),
    }));
  });
  return result.map((v) => `${label}: [${v.id}, ${v.impact}] ${v.help}${v.nodes.slice(0, 3).map((n) => `\n    at ${n}`).join('')}`);
}

async function statusText(page) {
  return (await page.locator('#status').textContent()) || '';
}

async function waitSaved(page, what) {
  await waitFor(`${what}: 已保存 in the status line`, async () => /已保存/.test(await statusText(page)));
}

/** Opens a desk route and waits until the page drew it. */
async function openDesk(page, origin, hash, ready) {
  // A fresh page each time: going to another #route of the same page would
  // keep the last check's status line and whatever it still had running.
  await page.goto('about:blank');
  await page.goto(`${origin}/_tongxin/${hash}`, { waitUntil: 'load' });
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 20000 });
}

export async function runDesk({ report, browser, binary, siteDir }) {
  report.section('写作台 (tongxin serve /_tongxin/): form, paste, photos, conflicts, a11y, keyboard, unsaved text');
  if (!binary || !siteDir) {
    report.record('the writing desk works in the browser', ['no site copy or binary was given (--desk-site, --tongxin; run through .ci/browser)']);
    return;
  }
  const file = (rel) => path.join(siteDir, rel);
  fs.writeFileSync(file(EDIT_FILE), EDIT_TEXT);
  fs.writeFileSync(file(CONFLICT_FILE), CONFLICT_TEXT);
  fs.writeFileSync(file(DRAFT_FILE), DRAFT_TEXT);

  const port = await freePort();
  let server;
  try {
    server = await startServer(binary, siteDir, port);
  } catch (err) {
    report.record('tongxin serve starts with the desk', [err.message]);
    return;
  }
  const { origin } = server;
  const desk = `${origin}/_tongxin/`;
  const context = await browser.newContext({ ...DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(15000);
  const pageErrors = [];
  const outside = [];
  context.on('page', (p) => {
    p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${String(err.message || err).split('\n')[0]}`));
    // Leaving with unsaved text asks first; the checks always leave.
    p.on('dialog', (d) => d.accept().catch(() => {}));
  });
  context.on('request', (req) => {
    if (leavesLocalhost(req.url())) outside.push(req.url());
  });
  const page = await context.newPage();
  const title = () => page.getByLabel('标题', { exact: true });
  const body = () => page.getByLabel('正文', { exact: true });
  const saveButton = () => page.getByRole('button', { name: '保存', exact: true });

  try {
    await report.check('the desk page loads with its token; the API refuses requests without it', async () => {
      const problems = [];
      await openDesk(page, origin, '#/', 'h1');
      const token = await page.getAttribute('meta[name="tongxin-token"]', 'content');
      if (!token || token.includes('{{')) problems.push(`the token placeholder was not filled: ${token}`);
      const bare = await fetch(`${desk}api/site`);
      if (bare.status !== 403) problems.push(`GET /_tongxin/api/site without the token answered ${bare.status}, not 403`);
      const lang = await page.getAttribute('html', 'lang');
      if (lang !== 'zh-CN') problems.push(`<html lang> is ${lang}`);
      const columns = await page.locator('.column-card h2').count();
      if (columns < 5) problems.push(`the overview shows ${columns} columns`);
      return problems;
    });

    let createdPath = null;
    await report.check('create a post by filling labelled fields and 保存; its preview URL shows the title and text', async () => {
      await openDesk(page, origin, '#/new/yaowen', '#body');
      await title().fill('写作台新建的测试文章');
      await page.getByLabel('作者', { exact: true }).fill('区政协办公室');
      await page.getByLabel('标签', { exact: true }).fill('协商议政、民主监督');
      // 专题: the site's 专题 are ticked, other 专题 words typed.
      await page.getByRole('checkbox', { name: /^助力乡村全面振兴/ }).check();
      await page.getByLabel(/^其他专题词/).fill('学习贯彻全会精神');
      await body().fill('这是在写作台里写下的第一段正文。\n\n这是第二段。');
      await saveButton().click();
      await waitSaved(page, 'the new post');
      const hash = decodeURIComponent(await page.evaluate(() => location.hash));
      const m = /^#\/edit\/(content\/yaowen\/[^?]+\.md)/.exec(hash);
      if (!m) throw new CheckFailure(`after saving, the address is ${hash}, not #/edit/content/yaowen/….md`);
      createdPath = m[1];
      const text = fs.readFileSync(file(createdPath), 'utf8');
      const problems = [];
      if (!/^(title|标题): 写作台新建的测试文章(\s+#.*)?$/m.test(text)) problems.push(`${createdPath} has no title line:\n${text}`);
      if (!text.includes('这是在写作台里写下的第一段正文。')) problems.push(`${createdPath} lacks the body`);
      if (!/协商议政/.test(text) || !/民主监督/.test(text)) problems.push(`${createdPath} lacks the tags`);
      if (!/^(topics|专题): *\[?助力乡村全面振兴[,、，] *学习贯彻全会精神\]?/m.test(text)) problems.push(`${createdPath} lacks the 专题 line (助力乡村全面振兴, 学习贯彻全会精神):\n${text}`);
      const link = await page.locator('.form-actions a', { hasText: '打开预览页' }).getAttribute('href');
      if (!link) return [...problems, 'no 打开预览页 link after saving'];
      const href = new URL(link, desk).href;
      const preview = await context.newPage();
      try {
        await waitFor(`${href} showing the new post`, async () => {
          const res = await preview.goto(href, { waitUntil: 'load' });
          if (!res || res.status() !== 200) return false;
          const html = await preview.content();
          return html.includes('写作台新建的测试文章') && html.includes('这是在写作台里写下的第一段正文');
        }, 30000);
      } finally {
        await preview.close();
      }
      return problems;
    });

    await report.check('the 专题 field offers the site\'s 专题 as checkboxes; a post that wrote a short name (简称) shows its 专题 ticked', async () => {
      await openDesk(page, origin, '#/edit/content/yaowen/2026-10-22-shicha-chachanye.md', '#body');
      const problems = [];
      const boxes = await page.locator('.topic-choices label').allTextContents();
      if (boxes.length !== 2 || !boxes.some((b) => b.startsWith('助力乡村全面振兴')) || !boxes.some((b) => b.startsWith('区政协十届五次会议专题'))) problems.push(`the 专题 choices are ${JSON.stringify(boxes)}`);
      if (!(await page.getByRole('checkbox', { name: /^助力乡村全面振兴/ }).isChecked())) problems.push('乡村振兴 (the short name this post wrote) is not ticked as 助力乡村全面振兴');
      if (await page.getByRole('checkbox', { name: /^区政协十届五次会议专题/ }).isChecked()) problems.push('a 专题 the post does not name is ticked');
      const other = await page.getByLabel(/^其他专题词/).inputValue();
      if (other !== '') problems.push(`其他专题词 shows “${other}”`);
      return problems;
    });

    await report.check('edit a post with unknown keys and comments: only the title line changes on disk', async () => {
      await openDesk(page, origin, `#/edit/${EDIT_FILE}`, '#body');
      const before = fs.readFileSync(file(EDIT_FILE), 'utf8');
      const shown = await title().inputValue();
      if (shown !== '写作台编辑测试原来的标题') throw new CheckFailure(`the 标题 field shows “${shown}”`);
      await title().fill('写作台编辑测试改过的标题');
      await saveButton().click();
      await waitSaved(page, EDIT_FILE);
      const after = fs.readFileSync(file(EDIT_FILE), 'utf8');
      const a = before.split('\n');
      const b = after.split('\n');
      const problems = [];
      if (a.length !== b.length) problems.push(`the file had ${a.length} lines and has ${b.length}:\n${after}`);
      const changed = [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) changed.push(`line ${i + 1}: ${JSON.stringify(a[i])} → ${JSON.stringify(b[i])}`);
      if (changed.length !== 1 || !/title: 写作台编辑测试改过的标题/.test(changed[0])) problems.push(`expected only the title line to change, got:\n${changed.join('\n')}`);
      return problems;
    });

    await report.check('paste Word clipboard HTML: heading, pipe table and list, no Office noise; the picture it cannot read is explained', async () => {
      await openDesk(page, origin, '#/new/yaowen', '#body');
      await title().fill('写作台粘贴测试');
      await body().focus();
      await page.evaluate((html) => {
        const ta = document.getElementById('body');
        const dt = new DataTransfer();
        dt.setData('text/html', html);
        dt.setData('text/plain', '区政协召开专题协商会议');
        ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, WORD_HTML);
      await waitFor('the pasted text in 正文', async () => (await body().inputValue()).includes('盘活乡村闲置资源'), 5000);
      const md = await body().inputValue();
      const problems = [];
      if (!/^##+ 区政协召开专题协商会议$/m.test(md)) problems.push('no heading for the MsoTitle paragraph');
      if (!/^##+ 一、会议概况$/m.test(md)) problems.push('no heading for the mso-outline-level paragraph');
      if (!/^\| 项目 \| 件数 \| *\|$/m.test(md) || !/^\| --- \| --- \| --- \|$/m.test(md) || !/^\| 提案 \| 186 \| 203 \|$/m.test(md)) problems.push('no rectangular pipe table');
      if (!/^- 盘活乡村闲置资源$/m.test(md) || !/^ {2}- 打造精品旅游线路$/m.test(md) || !/^- 完善配套基础设施$/m.test(md)) problems.push('no two-level list');
      if (!/^11月12日，区政协召开专题协商会议，\*\*围绕“农文旅融合发展\*\*”协商议政。区政协主席出席会议并讲话。$/m.test(md)) problems.push('the first paragraph is not clean (indent, bold, spaces)');
      if (!/^会议听取了调研报告。$/m.test(md)) problems.push('the tracked change is not resolved (deleted text dropped, inserted text kept)');
      if (!md.includes('[区政府网站](https://www.example.gov.cn/zhengxie/a.html)')) problems.push('the link was lost');
      for (const noise of OFFICE_NOISE) if (md.includes(noise)) problems.push(`Office noise “${noise}” in the Markdown`);
      if (/\n{3,}/.test(md)) problems.push('more than one blank line between blocks');
      const status = await statusText(page);
      if (!/图片/.test(status) || !/图片”按钮|图片按钮/.test(status)) problems.push(`no message about the file:/// picture: “${status}”`);
      if (problems.length) problems.push(`the Markdown was:\n${md}`);
      return problems;
    });

    await report.check('the paste converter (TongxinPaste.htmlToMarkdown) on WPS and web samples', async () => {
      const out = await page.evaluate(
        ([wps, web]) => [window.TongxinPaste.htmlToMarkdown(wps), window.TongxinPaste.htmlToMarkdown(web), window.TongxinPaste.htmlToMarkdown('<p>&nbsp;</p><p><o:p></o:p></p>')],
        [WPS_HTML, WEB_HTML],
      );
      const problems = [];
      if (out[0] !== WPS_EXPECTED) problems.push(`WPS sample:\n${out[0]}\n--- expected:\n${WPS_EXPECTED}`);
      if (out[1] !== WEB_EXPECTED) problems.push(`web sample:\n${out[1]}\n--- expected:\n${WEB_EXPECTED}`);
      if (out[2] !== '') problems.push(`empty paragraphs gave ${JSON.stringify(out[2])}`);
      return problems;
    });

    await report.check('drop a JPEG on 正文: uploaded, 图片说明 asked with its size, shown with srcset in the preview after saving', async () => {
      await openDesk(page, origin, '#/new/yaowen', '#body');
      await title().fill('写作台照片测试');
      await body().fill('照片下面是会场。');
      const jpeg = fs.readFileSync(path.join(siteDir, 'content/yaowen/2026-11-12-changweihui-nongwenlv/huichang.jpg')).toString('base64');
      await page.evaluate((b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], '会场照片.jpg', { type: 'image/jpeg' }));
        const ta = document.getElementById('body');
        ta.setSelectionRange(ta.value.length, ta.value.length);
        ta.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        ta.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, jpeg);
      const dialog = page.getByRole('dialog', { name: '给图片写说明' });
      await dialog.waitFor({ state: 'visible', timeout: 20000 });
      const problems = [];
      const info = await dialog.textContent();
      if (!/KB|MB/.test(info)) problems.push(`the dialog does not show the size: ${info}`);
      await dialog.getByLabel('图片说明').fill('常委会会议现场');
      await dialog.getByRole('button', { name: '插入图片' }).click();
      const md = await body().inputValue();
      const m = /!\[常委会会议现场\]\(([^)]+\.jpe?g)\)/.exec(md);
      if (!m) throw new CheckFailure(`no image Markdown in 正文:\n${md}`);
      if (/[^\x21-\x7e]/.test(m[1])) problems.push(`the saved file name is not ASCII: ${m[1]}`);
      await saveButton().click();
      await waitSaved(page, 'the post with a photo');
      const frame = page.frameLocator('iframe[title="预览"]');
      try {
        await waitFor('an <img srcset> with the alt text in the preview iframe', async () => (await frame.locator('img[srcset][alt="常委会会议现场"]').count()) > 0, 30000);
      } catch (err) {
        problems.push(err.message);
      }
      return problems;
    });

    await report.check('a change on disk while the form is open: the conflict dialog shows both versions; 用我的版本覆盖 writes mine', async () => {
      await openDesk(page, origin, `#/edit/${CONFLICT_FILE}`, '#body');
      fs.writeFileSync(file(CONFLICT_FILE), CONFLICT_TEXT.replace(/\n*$/, '\n\n有人在磁盘上加的段落。\n'));
      await body().press('End');
      await body().fill(`${await body().inputValue()}\n写作台里加的段落。\n`);
      await saveButton().click();
      const dialog = page.getByRole('dialog', { name: '文件在别处被改过' });
      await dialog.waitFor({ state: 'visible', timeout: 15000 });
      const problems = [];
      const text = await dialog.textContent();
      if (!text.includes('有人在磁盘上加的段落')) problems.push('the dialog does not show the version on disk');
      if (!text.includes('写作台里加的段落')) problems.push('the dialog does not show my version');
      if (!/用我的版本覆盖/.test(text) || !/采用磁盘上的版本/.test(text)) problems.push('the dialog lacks the two choices');
      await dialog.getByRole('button', { name: '用我的版本覆盖' }).click();
      await waitSaved(page, 'the overwrite');
      const after = fs.readFileSync(file(CONFLICT_FILE), 'utf8');
      if (!after.includes('写作台里加的段落')) problems.push(`my version was not written:\n${after}`);
      if (after.includes('有人在磁盘上加的段落')) problems.push(`the disk version is still there:\n${after}`);
      return problems;
    });

    await report.check('axe-core: 0 violations on the overview and on the post form', async () => {
      const problems = [];
      await openDesk(page, origin, '#/', '.column-card');
      problems.push(...(await axeViolations(page, 'overview #/')));
      await openDesk(page, origin, `#/edit/${EDIT_FILE}`, '#body');
      await page.waitForTimeout(600);
      problems.push(...(await axeViolations(page, `form #/edit/${EDIT_FILE}`)));
      const proposals = fs.readdirSync(file('content/tian')).find((n) => n.endsWith('.md') && n !== '_index.md');
      if (proposals) {
        await openDesk(page, origin, `#/edit/content/tian/${proposals}`, '#body');
        problems.push(...(await axeViolations(page, `form #/edit/content/tian/${proposals}`)));
      }
      await openDesk(page, origin, '#/new/yaowen', '#body');
      problems.push(...(await axeViolations(page, 'new post form #/new/yaowen')));
      return problems;
    });

    await report.check('keyboard only: Tab to 标题, type, Tab to 保存, Enter saves; every stop shows its focus', async () => {
      await openDesk(page, origin, '#/new/yaowen', '#body');
      // Start where a keyboard user starts: the first stop of the page (the
      // new-post form puts the cursor into 标题 by itself).
      await page.locator('.skip-link').focus();
      const problems = [];
      const invisible = new Set();
      const step = async () => {
        await page.keyboard.press('Tab');
        return page.evaluate(() => {
          const el = document.activeElement;
          const s = getComputedStyle(el);
          const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
          return { id: el.id, tag: el.localName, text: (el.textContent || '').trim().slice(0, 20), visible };
        });
      };
      let at = null;
      for (let i = 0; i < 40; i++) {
        at = await step();
        if (!at.visible) invisible.add(`${at.tag}#${at.id} “${at.text}”`);
        if (at.id === 'field-title') break;
      }
      if (!at || at.id !== 'field-title') throw new CheckFailure('40 presses of Tab did not reach 标题');
      await page.keyboard.type('键盘写的文章');
      for (let i = 0; i < 200; i++) {
        at = await step();
        if (!at.visible) invisible.add(`${at.tag}#${at.id} “${at.text}”`);
        if (at.id === 'save-button') break;
      }
      if (!at || at.id !== 'save-button') throw new CheckFailure('200 presses of Tab did not reach 保存');
      await page.keyboard.press('Enter');
      await waitSaved(page, 'the keyboard post');
      const hash = decodeURIComponent(await page.evaluate(() => location.hash));
      const m = /^#\/edit\/(content\/[^?]+\.md)/.exec(hash);
      if (!m || !fs.readFileSync(file(m[1]), 'utf8').includes('键盘写的文章')) problems.push(`the post was not written (address ${hash})`);
      if (invisible.size) problems.push(`focus not visible on: ${[...invisible].join(', ')}`);
      return problems;
    });

    await report.check('unsaved text survives a reload and a server restart (恢复未保存的内容)', async () => {
      await openDesk(page, origin, `#/edit/${DRAFT_FILE}`, '#body');
      await body().press('End');
      await body().type('\n重新打开以后还在的文字');
      // The copy on the server is sent at most every 2 seconds.
      await page.waitForTimeout(2500);
      await page.reload({ waitUntil: 'load' });
      const restore = page.getByRole('button', { name: '恢复未保存的内容' });
      await restore.waitFor({ state: 'visible', timeout: 15000 });
      await restore.click();
      const problems = [];
      if (!(await body().inputValue()).includes('重新打开以后还在的文字')) problems.push('after a reload, 恢复 did not bring the text back');
      // Now without the browser's copy, after the server restarted.
      await page.evaluate(() => localStorage.clear());
      await page.waitForTimeout(2500);
      await server.stop();
      server = await startServer(binary, siteDir, port);
      await page.reload({ waitUntil: 'load' });
      await restore.waitFor({ state: 'visible', timeout: 15000 });
      await restore.click();
      if (!(await body().inputValue()).includes('重新打开以后还在的文字')) problems.push('after a server restart, 恢复 did not bring the text back');
      if (fs.readFileSync(file(DRAFT_FILE), 'utf8').includes('重新打开以后还在的文字')) problems.push('the unsaved text was written into the file without 保存');
      return problems;
    });

    await report.check('导入 Word 文件 on the overview: the .docx becomes a post, opened in the form with its title and text', async () => {
      await openDesk(page, origin, '#/', 'h1');
      await page.getByLabel('导入到栏目').selectOption('yaowen');
      const docx = path.join(REPO, 'tests/fixtures/docx/huiyi.docx');
      await page.getByLabel('选择 Word 文件（.docx）').setInputFiles(docx);
      await waitFor('the imported post open in the form', async () => page.url().includes('#/edit/content/yaowen/'));
      await title().waitFor({ state: 'visible' });
      const problems = [];
      if (!(await title().inputValue()).trim()) problems.push('the imported post has no title in the form');
      if ((await body().inputValue()).trim().length < 20) problems.push('the imported post has almost no text');
      const rel = decodeURIComponent(page.url().split('#/edit/')[1]);
      if (!fs.existsSync(file(rel))) problems.push(`${rel} was not written`);
      return problems;
    });

    await report.check('删除 moves a post to the 回收站, and 恢复 there brings it back', async () => {
      await openDesk(page, origin, `#/edit/${CONFLICT_FILE}`, '#body');
      const before = fs.readFileSync(file(CONFLICT_FILE), 'utf8');
      await page.getByRole('button', { name: '删除', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: '删除文章' });
      await dialog.getByRole('button', { name: '删除', exact: true }).click();
      await waitFor('the post gone from disk', async () => !fs.existsSync(file(CONFLICT_FILE)));
      await openDesk(page, origin, '#/', 'h1');
      const restore = page.getByRole('button', { name: /恢复/ }).first();
      await restore.waitFor({ state: 'visible' });
      await restore.click();
      await waitFor('the post back on disk', async () => fs.existsSync(file(CONFLICT_FILE)));
      return fs.readFileSync(file(CONFLICT_FILE), 'utf8') === before ? [] : ['the restored post differs from the deleted one'];
    });

    report.record('no script errors on the desk', pageErrors);
    report.record('the desk requests nothing outside 127.0.0.1', outside);
  } finally {
    await context.close();
    await server.stop();
    const log = server.log.join('');
    if (log.includes('panicked')) report.record('tongxin serve did not panic', [log]);
  }
}
