// A small static file server for a built site, bound to 127.0.0.1 on a free port.
// It behaves like a plain nginx setup: a folder serves its index.html, a folder
// without a trailing slash is redirected, a miss gets the site's 404.html with
// status 404, and text is gzip-compressed when the browser asks for it (so the
// page weights we report are what a real host would send).
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.zip': 'application/zip',
};

const COMPRESSIBLE = /^(text\/|application\/(json|xml)|image\/svg\+xml)/;

function typeOf(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Serves `root` under `basePath` (the path of the site's base_url, "/" for most
 * sites). Resolves to { origin, port, close() }.
 */
export function serveSite(root, { basePath = '/' } = {}) {
  const rootAbs = path.resolve(root);
  const base = basePath.endsWith('/') ? basePath : `${basePath}/`;

  const server = http.createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const type = typeOf(file);
      let body = fs.readFileSync(file);
      // One byte range (the search page fetches result texts this way), as
      // static hosts such as nginx and object storage serve them.
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
      if (status === 200 && range) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) + 1 : body.length, body.length);
        if (start < end) {
          res.writeHead(206, {
            'Content-Type': type,
            'Cache-Control': 'no-cache',
            'Content-Range': `bytes ${start}-${end - 1}/${body.length}`,
            'Content-Length': end - start,
          });
          res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end));
          return;
        }
      }
      const head = { 'Content-Type': type, 'Cache-Control': 'no-cache', ...headers };
      const wantsGzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
      if (wantsGzip && COMPRESSIBLE.test(type)) {
        body = zlib.gzipSync(body, { level: 6 });
        head['Content-Encoding'] = 'gzip';
        head.Vary = 'Accept-Encoding';
      }
      head['Content-Length'] = body.length;
      res.writeHead(status, head);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = () => {
      const page = path.join(rootAbs, '404.html');
      if (isFile(page)) send(404, page);
      else {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404');
      }
    };

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    if (!pathname.startsWith(base) && `${pathname}/` !== base) return notFound();
    const rel = pathname.slice(base.length - 1);
    const target = path.join(rootAbs, path.normalize(rel));
    if (target !== rootAbs && !target.startsWith(rootAbs + path.sep)) return notFound();

    if (isDir(target)) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { Location: `${pathname}/` });
        res.end();
        return;
      }
      const index = path.join(target, 'index.html');
      return isFile(index) ? send(200, index) : notFound();
    }
    return isFile(target) ? send(200, target) : notFound();
  });

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** A port nobody listens on now, on 127.0.0.1 (for a `tongxin serve` a check starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
