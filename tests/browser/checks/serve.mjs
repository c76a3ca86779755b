// The writing loop of `tongxin serve` (issue 7), in a real browser: a page
// open in Chromium reloads by itself after a post is saved; a broken post shows
// the error overlay (in Chinese, naming the file and the line) while the last
// good page stays; fixing the post clears the overlay and shows the new text.
// The server runs on a copy of a small site that this check edits.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { CheckFailure, waitFor } from '../lib/report.mjs';
import { freePort } from '../lib/server.mjs';
import { DESKTOP } from '../lib/browser.mjs';

/** The first post of the site's `yaowen` column, with its page path. */
function firstPost(siteDir) {
  const dir = path.join(siteDir, 'content/yaowen');
  const name = fs.readdirSync(dir).filter((n) => n.endsWith('.md') && n !== '_index.md').sort()[0];
  return { file: path.join(dir, name), rel: `content/yaowen/${name}`, page: `/yaowen/${name.replace(/\.md$/, '')}/` };
}

export async function runServe({ report, browser, binary, siteDir }) {
  report.section('tongxin serve: reload on save and the error overlay');
  if (!binary || !siteDir) {
    report.record('tongxin serve reloads pages and shows errors', ['no site copy or binary was given (--serve-site, --tongxin; run through .ci/browser)']);
    return;
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const log = [];
  const server = spawn(binary, ['serve', '--root', siteDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => log.push(String(d)));
  server.stderr.on('data', (d) => log.push(String(d)));
  const post = firstPost(siteDir);
  const original = fs.readFileSync(post.file, 'utf8');
  // Not through the guard: reloads cut the events stream short, which the guard
  // would count as failed requests. The stream goes to the same origin.
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  try {
    await report.check('tongxin serve starts and serves the site with the reload script', async () => {
      await waitFor('the server answering', async () => (await fetch(`${origin}/__tongxin/status`)).ok);
      await page.goto(origin + post.page);
      const scripts = await page.$$eval('script[src="/__tongxin/reload.js"]', (s) => s.length);
      return scripts === 1 ? [] : [`${post.page}: expected the reload script once, found ${scripts}`];
    });

    await report.check('saving a post reloads the open page with the new text', async () => {
      fs.writeFileSync(post.file, original.replace(/\n*$/, '\n\n保存后自动出现的新段落。\n'));
      await waitFor('the new paragraph in the open page', async () => (await page.content()).includes('保存后自动出现的新段落'));
      return [];
    });

    await report.check('a broken post shows the error overlay with the file and line; the last good page stays', async () => {
      fs.writeFileSync(post.file, original.replace(/^title: /m, 'title： '));
      await waitFor('the error overlay', async () => page.isVisible('#tongxin-overlay'));
      const text = await page.textContent('#tongxin-overlay');
      const problems = [];
      if (!text.includes(path.basename(post.file))) problems.push(`the overlay does not name ${post.rel}: ${text}`);
      if (!/第 \d+ 行/.test(text)) problems.push(`the overlay does not give the line: ${text}`);
      if (!text.includes('改法')) problems.push(`the overlay does not say how to fix it: ${text}`);
      if (!(await page.content()).includes('保存后自动出现的新段落')) problems.push('the last good page was replaced');
      return problems;
    });

    await report.check('fixing the post clears the overlay and shows the fixed text', async () => {
      fs.writeFileSync(post.file, original.replace(/\n*$/, '\n\n修好以后的段落。\n'));
      await waitFor('the fixed text without the overlay', async () =>
        !(await page.isVisible('#tongxin-overlay')) && (await page.content()).includes('修好以后的段落'));
      return [];
    });
  } finally {
    fs.writeFileSync(post.file, original);
    await context.close();
    server.kill('SIGINT');
    await new Promise((r) => server.once('exit', r));
    if (log.join('').includes('panicked')) report.record('tongxin serve did not panic', [log.join('')]);
  }
}
