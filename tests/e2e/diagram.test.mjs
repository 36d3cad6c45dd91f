// End-to-end test of the release build: serves dist/ with a tiny static file
// server on a free loopback port, opens it in Debian's Chromium through
// playwright-core, and checks the page as a user would see it.
//
// Build first:  PATH=$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH trunk build --release
// Then run:     node --test tests/e2e/
// Env: FAULTLINE_DIST (default dist/), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(path.join(repo, 'tools', 'package.json'));
const { chromium } = require('playwright-core');

const dist = path.resolve(process.env.FAULTLINE_DIST ?? path.join(repo, 'dist'));
const shots = path.join(here, 'screenshots');
const topologyToml = fs.readFileSync(path.join(repo, 'scenarios', 'topology.toml'), 'utf8');
const componentCount = (topologyToml.match(/^\[\[component\]\]\s*$/gm) ?? []).length;

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

/** Serves `dist` read-only; unknown paths get index.html like a static host's fallback. */
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
  assert.ok(componentCount > 0, 'scenarios/topology.toml lists no [[component]]');
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

/** Opens the page at a viewport size and collects console errors and page errors. */
async function open(width, height) {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  await page.goto(base);
  await page.waitForSelector('[data-component]', { timeout: 15000 });
  return { page, problems };
}

test('the release build draws one node per component and no errors', async () => {
  const { page, problems } = await open(1280, 800);
  assert.equal(await page.title(), 'Faultline — failure-domain sandbox');
  assert.equal(await page.locator('[data-component]').count(), componentCount);
  assert.equal(await page.locator('[data-plane]').count(), 5);
  assert.equal(await page.locator('.boot').count(), 0, 'loading indicator still shown');
  assert.match(await page.locator('.about').innerText(), /independent teaching tool/);
  assert.equal(await page.locator('link[rel="icon"]').count(), 1);
  await page.screenshot({ path: path.join(shots, 'diagram.png'), fullPage: true });
  await page.screenshot({ path: path.join(shots, 'diagram-1280x800-viewport.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking a node shows its facts; Enter selects; Escape clears', async () => {
  const { page, problems } = await open(1280, 800);
  await page.locator('[data-component="Redis_Sessions"]').click();
  const panel = page.locator('.inspector');
  await panel.getByText('Re-authentication').waitFor();
  const text = await panel.innerText();
  for (const expected of ['Redis Sessions', '200M+ sessions', 'Cache Domain', 'Database fallback']) {
    assert.ok(text.includes(expected), `panel lacks ${expected}: ${text}`);
  }
  assert.equal(await page.locator('.node.selected').getAttribute('data-component'), 'Redis_Sessions');
  await page.screenshot({ path: path.join(shots, 'diagram-selected.png'), fullPage: true });

  await page.locator('[data-component="Gateway_Primary"]').focus();
  await page.keyboard.press('Enter');
  await panel.getByText('50% users').waitFor();
  await page.keyboard.press('Escape');
  await panel.getByText('Select a component').waitFor();
  assert.equal(await page.locator('.node.selected').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

// The layout promises (no overlaps, text inside its box) are unit-tested
// with estimated text widths; this checks them with the browser's real fonts.
for (const [width, height] of [[1280, 800], [1920, 1080]]) {
  test(`at ${width}x${height} nothing overlaps and every label fits`, async () => {
    const { page, problems } = await open(width, height);
    const report = await page.evaluate(() => {
      const issues = [];
      const box = (el) => el.getBoundingClientRect();
      const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
      const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
      const nodes = [...document.querySelectorAll('.node')].map((n) => ({
        id: n.dataset.component,
        rect: box(n.querySelector('.node-box')),
        texts: [...n.querySelectorAll('.node-name, .node-fact')].map(box),
      }));
      for (let i = 0; i < nodes.length; i++) {
        for (let j = i + 1; j < nodes.length; j++) {
          if (overlap(nodes[i].rect, nodes[j].rect)) issues.push(`${nodes[i].id} overlaps ${nodes[j].id}`);
        }
        for (const t of nodes[i].texts) if (!inside(t, nodes[i].rect)) issues.push(`text of ${nodes[i].id} spills out`);
      }
      for (const label of document.querySelectorAll('.failover-label')) {
        const r = box(label.querySelector('rect'));
        for (const n of nodes) if (overlap(r, n.rect)) issues.push(`a failover label covers ${n.id}`);
        for (const t of label.querySelectorAll('text')) if (!inside(box(t), r)) issues.push(`failover label text spills: ${t.textContent}`);
      }
      for (const d of document.querySelectorAll('.domain')) {
        const r = box(d.querySelector('rect'));
        const t = box(d.querySelector('text'));
        if (!inside(t, r)) issues.push(`domain title spills: ${d.dataset.domain}`);
      }
      const fontSizes = [...document.querySelectorAll('svg.diagram text')].map((t) => parseFloat(getComputedStyle(t).fontSize));
      const svg = box(document.querySelector('svg.diagram'));
      return { issues, minFont: Math.min(...fontSizes), svgWidth: svg.width, pageWidth: document.documentElement.scrollWidth };
    });
    assert.deepEqual(report.issues, []);
    assert.ok(report.minFont >= 11, `smallest diagram text is ${report.minFont}px`);
    assert.ok(report.pageWidth <= width, `page scrolls sideways (${report.pageWidth}px wide)`);
    await page.screenshot({ path: path.join(shots, `diagram-${width}x${height}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });
}
