// Seeded random exploration of the release build: a user who clicks
// anything (the map's edges too), picks any option, types anything into the number fields and
// presses the page's keys, in any order (a reproducible sequence per seed).
// Whatever they do, no panic or console error may reach them, and the
// address the page writes for the state they left it in must open again
// in a fresh page without a complaint: every run the page can get into is
// one its own link can replay.
//
// A phone user does the same with a finger on a 390x844 touch screen:
// taps where the desktop user clicks (an edge's first tap reads it, the
// second opens its caller).
//
// CI explores seeds 11 and 12 on a desktop and 13 on a phone, for 120
// steps each. For a longer hunt:
//   FAULTLINE_EXPLORE_SEEDS=21,22,23 FAULTLINE_EXPLORE_PHONE_SEEDS=24 FAULTLINE_EXPLORE_STEPS=400 node --test tests/e2e/explore.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './harness.mjs';

/** A small seeded generator (LCG), so a failing sequence can be replayed. */
function generator(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const KEYS = ['Space', 'ArrowRight', 'ArrowLeft', '+', '-', 'Escape', 'Enter', 'Tab'];
const TYPED = ['0', '1', '7', '-3', '0.5', '1e9', 'abc', '', '99999999999999999999'];
const STEPS = Number(process.env.FAULTLINE_EXPLORE_STEPS ?? 120);
const seeds = (name, fallback) => (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);
/** The runs: where, with what, and the seed of each. */
const RUNS = [
  ...seeds('FAULTLINE_EXPLORE_SEEDS', '11,12').map((seed) => ({ seed, phone: false })),
  ...seeds('FAULTLINE_EXPLORE_PHONE_SEEDS', '13').map((seed) => ({ seed, phone: true })),
];
/** Viewport and input of a desktop and of a phone. */
const DEVICE = {
  false: { width: 1366, height: 900, options: {}, name: 'desktop' },
  true: { width: 390, height: 844, options: { touch: true }, name: 'phone' },
};

/**
 * Marks one visible control chosen by `pick` (a number in [0, 1)) with
 * data-explore and says what it is. Downloads and file pickers stay out:
 * they leave the page.
 */
function markTarget(pick) {
  for (const e of document.querySelectorAll('[data-explore]')) e.removeAttribute('data-explore');
  // One edge in eight: all 140 would outnumber the controls.
  const edges = [...document.querySelectorAll('path.live-edge-hit')].filter((_, k) => k % 8 === 0);
  const all = [...document.querySelectorAll('button:not([disabled]), input:not([disabled]), select:not([disabled]), .node, summary'), ...edges];
  const usable = all.filter((e) => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || e.closest('[hidden]')) return false;
    // A closed <details> keeps its content's boxes: only what is drawn counts.
    if (!e.checkVisibility()) return false;
    if (e.matches('input[type=file]')) return false;
    return !/Download|Save as/i.test(e.textContent ?? '');
  });
  if (usable.length === 0) return null;
  const e = usable[Math.floor(pick * usable.length)];
  e.setAttribute('data-explore', '');
  if (e.matches('path.live-edge-hit')) {
    // An edge is pointed at along its line, not at its box's centre.
    e.scrollIntoView({ block: 'center', inline: 'center' });
    const q = e.getPointAtLength(e.getTotalLength() * pick).matrixTransform(e.getScreenCTM());
    return { kind: 'edge', x: q.x, y: q.y, name: `edge ${e.dataset.key}` };
  }
  const kind = e.tagName === 'SELECT' ? 'select' : e.tagName === 'INPUT' ? `input:${e.type}` : 'click';
  const options = e.tagName === 'SELECT' ? [...e.options].filter((o) => !o.disabled).map((o) => o.value) : [];
  const name = (e.getAttribute('aria-label') || e.textContent || e.getAttribute('name') || '').trim().slice(0, 60);
  return { kind, options, name };
}

for (const { seed, phone } of RUNS) {
  const device = DEVICE[phone];
  test(`random exploration on a ${device.name} (seed ${seed}, ${STEPS} steps): no error reaches the user, and the page's own link reopens cleanly`, { timeout: 600_000 }, async () => {
    const random = generator(seed);
    const pick = (list) => list[Math.floor(random() * list.length)];
    const { page, problems } = await openPage(device.width, device.height, '', device.options);
    page.on('dialog', (d) => d.dismiss());
    await page.waitForSelector('[data-component]', { timeout: 15000 });
    const done = [];
    for (let step = 0; step < STEPS && problems.length === 0; step++) {
      if (random() < 0.1) {
        const key = pick(KEYS);
        await page.keyboard.press(key);
        done.push(`key ${key}`);
      } else {
        const target = await page.evaluate(markTarget, random());
        if (!target) continue;
        const el = page.locator('[data-explore]');
        try {
          if (target.kind === 'select') {
            const value = pick(target.options);
            await el.selectOption(value, { timeout: 2000 });
            done.push(`select ${target.name} = ${value}`);
          } else if (target.kind === 'input:number' || target.kind === 'input:text') {
            const text = pick(TYPED);
            await el.fill(text, { timeout: 2000 });
            await el.press('Enter');
            done.push(`type "${text}" into ${target.name}`);
          } else if (target.kind === 'edge' && phone) {
            // Tap it (whatever is on top there takes it).
            await page.touchscreen.tap(target.x, target.y);
            done.push(`tap at ${target.name}`);
          } else if (target.kind === 'edge') {
            // Point at it, then click (whatever is on top there takes it).
            await page.mouse.move(target.x, target.y);
            await page.mouse.click(target.x, target.y);
            done.push(`point and click at ${target.name}`);
          } else if (target.kind === 'input:range') {
            const key = pick(['ArrowRight', 'ArrowLeft', 'End', 'Home', 'PageUp']);
            await el.press(key, { timeout: 2000 });
            done.push(`${key} on ${target.name}`);
          } else if (phone) {
            await el.tap({ timeout: 2000 });
            done.push(`tap ${target.name}`);
          } else {
            await el.click({ timeout: 2000 });
            done.push(`click ${target.name}`);
          }
        } catch (e) {
          // The control went away between choosing and acting (the page
          // re-rendered): not a fault, the next step chooses again.
          done.push(`(gone: ${target.name})`);
        }
      }
      await page.waitForTimeout(Math.floor(random() * 250));
    }
    const trail = `\nlast steps:\n  ${done.slice(-12).join('\n  ')}`;
    assert.deepEqual(problems, [], `errors during the exploration${trail}`);

    // The state it was left in reopens from its own address.
    const url = page.url();
    await page.close();
    const again = await openPage(device.width, device.height, url.includes('#') ? url.slice(url.indexOf('#')) : '', device.options);
    await again.page.waitForSelector('[data-component]', { timeout: 15000 });
    await again.page.waitForTimeout(1000);
    const complaint = await again.page.locator('[data-notice=error]').allTextContents();
    assert.deepEqual(complaint, [], `the page's own link ${url} did not reopen cleanly${trail}`);
    assert.deepEqual(again.problems, [], `errors reopening ${url}`);
    await again.page.close();
  });
}
