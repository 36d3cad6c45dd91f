// Shared by the end-to-end tests: serves the release build (dist/) with a tiny
// static file server on a free loopback port and drives Debian's Chromium
// through playwright-core (a test tool must never download its own browser
// here). Importing this module registers the before/after hooks that start
// and stop both. Env: FAULTLINE_DIST (default dist/), CHROMIUM (default
// /usr/bin/chromium).

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const shots = path.join(here, 'screenshots');
const require = createRequire(path.join(repo, 'tools', 'package.json'));
const { chromium } = require('playwright-core');

const dist = path.resolve(process.env.FAULTLINE_DIST ?? path.join(repo, 'dist'));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.toml': 'text/plain; charset=utf-8',
};

let server;
let browser;
let base;

/** Serves `root` read-only; unknown paths get index.html like a static host's fallback. */
function serve(root) {
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
}

before(async () => {
  assert.ok(
    fs.existsSync(path.join(dist, 'index.html')),
    `no release build in ${dist}: run trunk build --release first`,
  );
  fs.mkdirSync(shots, { recursive: true });
  server = serve(dist);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** The served page's address (valid once the `before` hook has run). */
export const baseUrl = () => base;

/**
 * Opens the page (plus an optional `#fragment`) at a viewport size and
 * collects console errors, page errors and failed requests into `problems`.
 * `{ touch: true }` opens it as a phone does: a touch screen, no mouse.
 */
export async function openPage(width, height, fragment = '', { touch = false } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, hasTouch: touch, isMobile: touch });
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  await page.goto(base + fragment);
  return { page, problems };
}
