// Checks on the built files themselves: the W3C Nu validator on every HTML
// page, sitemap.xml against the sitemaps.org XSD, and the Atom feeds.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { filesWithExt, fileForPath, htmlFiles } from '../lib/site.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
const SITEMAP_XSD = path.join(path.dirname(require.resolve('sitemap/package.json')), 'schema/sitemap.xsd');

/**
 * Starts the validator on every HTML file under `siteDir` (plus `extraFiles`)
 * and resolves to { pages, problems } when it is done. Started early, it runs
 * while the browser checks do.
 */
export function startValidator(siteDir, extraFiles = []) {
  const pages = htmlFiles(siteDir).length + extraFiles.length;
  const args = ['-jar', VNU_JAR, '--errors-only', '--format', 'json', '--skip-non-html', siteDir, ...extraFiles];
  return run('java', args, { maxBuffer: 64 * 1024 * 1024 })
    .then(({ stderr }) => ({ stderr, code: 0 }))
    .catch((err) => ({ stderr: err.stderr || '', code: err.code, error: err }))
    .then(({ stderr, code, error }) => {
      let messages;
      try {
        messages = stderr.trim() ? JSON.parse(stderr).messages : [];
      } catch {
        return { pages, problems: [`the validator did not run (exit ${code}): ${(stderr || String(error)).slice(0, 500)}`] };
      }
      const problems = messages
        .filter((m) => m.type === 'error' || m.type === 'non-document-error')
        .map((m) => {
          const file = m.url ? decodeURIComponent(m.url.replace(/^file:/, '')) : '?';
          const rel = file.startsWith(siteDir) ? path.relative(siteDir, file) : file;
          const at = m.lastLine ? `:${m.lastLine}:${m.firstColumn ?? m.lastColumn ?? ''}` : '';
          const extract = m.extract ? `\n    near: ${m.extract.replace(/\s+/g, ' ').trim().slice(0, 160)}` : '';
          return `${rel}${at}: ${m.message}${extract}`;
        });
      if (code !== 0 && problems.length === 0) problems.push(`the validator exited with ${code} and reported nothing`);
      return { pages, problems };
    });
}

async function xmllint(args) {
  try {
    const { stdout, stderr } = await run('xmllint', ['--nonet', ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (err) {
    return { ok: false, stdout: err.stdout || '', stderr: err.stderr || String(err) };
  }
}

export async function runFileChecks({ report, siteDir, sitemap }) {
  report.section('sitemap.xml and feeds');
  const sitemapFile = path.join(siteDir, 'sitemap.xml');
  await report.check('sitemap.xml is valid against the sitemaps.org XSD (sitemap package)', async () => {
    if (!fs.existsSync(sitemapFile)) return ['the build wrote no sitemap.xml'];
    const r = await xmllint(['--noout', '--schema', SITEMAP_XSD, sitemapFile]);
    return r.ok ? { problems: [], note: `${sitemap.locs.length} URLs` } : r.stderr.trim().split('\n').slice(0, 20);
  });

  await report.check('every sitemap.xml URL is a page of the build', () => {
    const problems = [];
    for (const loc of sitemap.locs) {
      const u = new URL(loc);
      if (u.origin !== sitemap.origin || !u.pathname.startsWith(sitemap.basePath)) {
        problems.push(`${loc} is outside the site's base URL ${sitemap.homeLoc}`);
        continue;
      }
      const p = decodeURI(u.pathname.slice(sitemap.basePath.length - 1));
      if (!fileForPath(siteDir, p)) problems.push(`${loc}: no file in the output serves ${p}`);
    }
    return problems;
  });

  await report.check('stylesheets load nothing from another host (url(), @import)', () => {
    const problems = [];
    const css = filesWithExt(siteDir, '.css');
    for (const f of css) {
      const lines = fs.readFileSync(path.join(siteDir, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const m of line.matchAll(/(?:url\(\s*|@import\s+)['"]?((?:https?:)?\/\/[^'")\s]+)/gi)) {
          if (!/^(https?:)?\/\/127\.0\.0\.1[:/]/.test(m[1])) problems.push(`${f}:${i + 1}: loads ${m[1]}`);
        }
      });
    }
    return { problems, note: `${css.length} stylesheets` };
  });

  const feeds = filesWithExt(siteDir, '.xml').filter((f) => !/(^|\/)sitemap[^/]*\.xml$/.test(f));
  await report.check('feeds are well-formed Atom (feed and every entry have id, title, updated)', async () => {
    if (feeds.length === 0) return ['the build wrote no feed (*.xml besides sitemap.xml)'];
    const problems = [];
    for (const feed of feeds) {
      const file = path.join(siteDir, feed);
      const wellFormed = await xmllint(['--noout', file]);
      if (!wellFormed.ok) {
        problems.push(`${feed} is not well-formed XML:\n${wellFormed.stderr.trim().split('\n').slice(0, 6).join('\n')}`);
        continue;
      }
      const q = (xpath) => xmllint(['--xpath', xpath, file]).then((r) => r.stdout.trim());
      const root = await q('concat(namespace-uri(/*), " ", local-name(/*))');
      if (root !== 'http://www.w3.org/2005/Atom feed') {
        problems.push(`${feed}: root element is "${root}", expected an Atom <feed>`);
        continue;
      }
      const atom = "namespace-uri()='http://www.w3.org/2005/Atom'";
      for (const child of ['id', 'title', 'updated']) {
        if ((await q(`count(/*/*[local-name()='${child}' and ${atom}])`)) !== '1') problems.push(`${feed}: the feed needs exactly one <${child}>`);
      }
      const entries = Number(await q(`count(/*/*[local-name()='entry' and ${atom}])`));
      for (const child of ['id', 'title', 'updated']) {
        const withIt = Number(await q(`count(/*/*[local-name()='entry' and ${atom}][*[local-name()='${child}']])`));
        if (withIt !== entries) problems.push(`${feed}: ${entries - withIt} of ${entries} entries have no <${child}>`);
      }
    }
    return { problems, note: `${feeds.length} feeds` };
  });
}
