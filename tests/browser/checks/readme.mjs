// The README's 新建网站和文章 section as a newcomer follows it, word for word:
// `tongxin init xinzhan`, `cd xinzhan`, `tongxin new yaowen …`,
// `tongxin new 委员风采 张伟`, `tongxin serve --open` (in the site folder, no
// --root, the default port), write the post and drop a phone photo beside it
// the way Typora shows it, watch the page in Chromium change by itself, then
// Ctrl+C, `tongxin build` and `tongxin check`. Each command is typed into a
// shell with `tongxin` on PATH, as on a user's machine.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { CheckFailure, waitFor } from '../lib/report.mjs';
import { DESKTOP } from '../lib/browser.mjs';

const PORT = 1111; // the README does not name a port: the default

/** Runs one command line in `cwd` as a terminal would; returns its output. */
function typed(env, cwd, line) {
  try {
    return execFileSync('/bin/sh', ['-c', line], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new CheckFailure(`\`${line}\` in ${cwd} failed (exit ${err.status}):\n${err.stdout}${err.stderr}`);
  }
}

export async function runReadme({ report, browser, binary, workDir, photo, screenshots }) {
  report.section('The README as written: init, new, serve in the site folder, build, check');
  if (!binary || !workDir) {
    report.record('the README sequence works as written', ['no binary or work folder was given (--tongxin, --readme-dir; run through .ci/browser)']);
    return;
  }
  // `tongxin` on PATH, as the download puts it there.
  const bin = path.join(workDir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.rmSync(path.join(bin, 'tongxin'), { force: true });
  fs.symlinkSync(binary, path.join(bin, 'tongxin'));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const site = path.join(workDir, 'xinzhan');
  fs.rmSync(site, { recursive: true, force: true });

  let post = null;
  await report.check('tongxin init xinzhan; cd xinzhan; tongxin new yaowen 县政协召开常委会会议; tongxin new 委员风采 张伟', async () => {
    typed(env, workDir, 'tongxin init xinzhan');
    const out = typed(env, site, 'tongxin new yaowen 县政协召开常委会会议');
    const created = out.match(/已创建：(\S+\.md)/);
    if (!created) return [`tongxin new did not say what it created:\n${out}`];
    post = created[1];
    typed(env, site, 'tongxin new 委员风采 张伟');
    return fs.existsSync(path.join(site, 'content/weiyuan/zhang-wei.md')) ? [] : ['content/weiyuan/zhang-wei.md was not created'];
  });
  if (!post) return;

  const log = [];
  const server = spawn('/bin/sh', ['-c', 'exec tongxin serve --open'], { cwd: site, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => log.push(String(d)));
  server.stderr.on('data', (d) => log.push(String(d)));
  const origin = `http://127.0.0.1:${PORT}`;
  const stem = path.basename(post, '.md');
  const pagePath = `/yaowen/${stem}/`;
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  try {
    await report.check('tongxin serve --open, started in the site folder, serves the new post', async () => {
      await waitFor('the preview answering', async () => (await fetch(`${origin}/__tongxin/status`)).ok);
      await page.goto(origin + pagePath);
      const title = await page.textContent('h1');
      return title.includes('县政协召开常委会会议') ? [] : [`${pagePath}: the title is “${title}”`];
    });

    await report.check('saving the post with a photo beside it (as Typora names it) updates the open page, photo resized', async () => {
      const folder = path.join(site, post.replace(/\.md$/, ''));
      fs.mkdirSync(folder, { recursive: true });
      fs.copyFileSync(photo, path.join(folder, 'xianchang.jpg'));
      const file = path.join(site, post);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(
        file,
        `${text}\n县政协召开常委会会议，围绕全县中心工作协商议政。\n\n![常委会会议现场](${stem}/xianchang.jpg)\n`,
      );
      await waitFor('the photo in the open page', async () => (await page.$('img[alt="常委会会议现场"]')) !== null);
      await page.waitForFunction(() => {
        const img = document.querySelector('img[alt="常委会会议现场"]');
        return img && img.complete && img.naturalWidth > 0;
      }, null, { timeout: 20000 });
      const img = await page.$eval('img[alt="常委会会议现场"]', (i) => ({
        src: i.getAttribute('src'),
        srcset: i.getAttribute('srcset') || '',
        width: i.getAttribute('width'),
        loaded: i.naturalWidth,
      }));
      const problems = [];
      if (img.src !== `${pagePath}xianchang.jpg`) problems.push(`src is ${img.src}, not ${pagePath}xianchang.jpg`);
      if (!img.srcset.includes('xianchang-480w.jpg')) problems.push(`no resized copies in srcset: “${img.srcset}”`);
      if (!img.width) problems.push('the photo has no width');
      if (!(await page.content()).includes('围绕全县中心工作协商议政')) problems.push('the new text is not shown');
      if (screenshots) {
        fs.mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'readme-serve-article.png'), fullPage: true });
      }
      return problems;
    });

    await report.check('saving the member 张伟 updates his profile', async () => {
      const file = path.join(site, 'content/weiyuan/zhang-wei.md');
      fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n张伟委员长期关注民营经济发展。\n`);
      await page.goto(`${origin}/weiyuan/zhang-wei/`);
      await waitFor('the profile text', async () => {
        await page.reload();
        return (await page.content()).includes('民营经济');
      });
      return [];
    });

    await report.check('the 写作台 address tongxin serve prints opens the desk, which lists the new post', async () => {
      const printed = log.join('').match(/写作台：(http:\/\/\S+\/_tongxin\/)/);
      if (!printed) return [`tongxin serve printed no 写作台 address:\n${log.join('')}`];
      await page.goto(printed[1]);
      await waitFor('the new post in the desk\'s overview', async () => (await page.content()).includes('县政协召开常委会会议'));
      return [];
    });
  } finally {
    await context.close();
    server.kill('SIGINT');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  }
  report.record('Ctrl+C stops tongxin serve without a panic', log.join('').includes('panicked') ? [log.join('')] : []);

  await report.check('tongxin build, then tongxin check, in the site folder', async () => {
    typed(env, site, 'tongxin build');
    const built = fs.readFileSync(path.join(site, `public${pagePath}index.html`), 'utf8');
    const out = typed(env, site, 'tongxin check');
    const problems = [];
    if (!built.includes('xianchang-480w.jpg')) problems.push('the built page has no resized photo');
    if (!out.includes('检查通过')) problems.push(`tongxin check did not pass:\n${out}`);
    return problems;
  });
}
