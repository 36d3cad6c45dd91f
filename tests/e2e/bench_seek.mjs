// Timeline benchmark of the release build (a benchmark, not a test: it prints
// figures and asserts nothing about them). Opens the January 2022 cascade
// (3 h 45 min of simulated time) in headless Chromium and times, from the
// slider's change event (or the key, or the click) to the next frame painted
// after it:
//
//   - reset: Reset at a new seed (a fresh run built from the scenario, its
//     queueing tables included, and the page redrawn at t = 0);
//   - forward: from the start to the end, the first time at this seed (the
//     run simulated on, 3 h 45 min);
//   - back: from the end to the middle (a replay from the last checkpoint
//     before it: the run keeps one every 1/24 of its length);
//   - step back: ← from the middle (a replay to one sample interval before);
//   - held ←: twelve ← presses queued before a frame (a key held down
//     repeats faster than a replay), which the page does as one replay;
//   - forward again: from there to the end, along the run already seen (a
//     jump to its last checkpoint, then the minutes after it).
//
// Each repeat starts at a seed of its own (typed into the seed box, then
// Reset), so that its first run forward really simulates the way.
//
// Each is repeated FAULTLINE_BENCH_REPEATS times (default 5); it prints p50 and
// max, and the ratio of going back to running forward.
//
// Build first:  trunk build --release   (or point FAULTLINE_DIST at a dist dir)
// Then run:     node tests/e2e/bench_seek.mjs      (scripts/bench.sh does both)

import { test } from 'node:test';
import { openPage } from './harness.mjs';

const repeats = Number(process.env.FAULTLINE_BENCH_REPEATS ?? 5);
const END = 13_500_000;
const MIDDLE = 6_750_000;

/** In the page: sets the timeline to `t` and returns the ms until the next frame is painted. */
function seekTimed(t) {
  const el = document.querySelector('input[data-control=timeline]');
  const t0 = performance.now();
  el.value = String(t);
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return new Promise((done) =>
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)),
  );
}

/** In the page: clicks Reset and returns the ms until the next frame is painted. */
function resetTimed() {
  const t0 = performance.now();
  document.querySelector('button[data-action=reset]').click();
  return new Promise((done) =>
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)),
  );
}

/** In the page: presses ← `n` times on the page and returns the ms until the next frame is painted. */
function stepBackTimed(n) {
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true, cancelable: true }));
  }
  return new Promise((done) =>
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)),
  );
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1] };
};

test('timeline seek benchmark (prints figures)', { timeout: 600_000 }, async () => {
  const { page, problems } = await openPage(1280, 900, '#s=api_cascade_2022&seed=1');
  await page.waitForSelector('input[data-control=timeline]', { timeout: 15000 });
  const forward = [];
  const back = [];
  const stepBack = [];
  const held = [];
  const again = [];
  const reset = [];
  for (let k = 0; k <= repeats; k++) {
    // Start again from t = 0 at a new seed (a reset), then forward to the end.
    await page.locator('input[data-control=seed]').fill(String(100 + k));
    const r = await page.evaluate(resetTimed);
    let clock = await page.locator('[data-clock]').innerText();
    if (!clock.startsWith('16:45:0')) throw new Error(`the reset landed at ${clock}`);
    const f = await page.evaluate(seekTimed, END);
    const b = await page.evaluate(seekTimed, MIDDLE);
    const s = await page.evaluate(stepBackTimed, 1);
    clock = await page.locator('[data-clock]').innerText();
    if (clock !== '18:37:20') throw new Error(`the step back landed at ${clock}`);
    const h = await page.evaluate(stepBackTimed, 12);
    clock = await page.locator('[data-clock]').innerText();
    if (clock !== '18:35:20') throw new Error(`twelve steps back landed at ${clock}`);
    const a = await page.evaluate(seekTimed, END);
    clock = await page.locator('[data-clock]').innerText();
    if (clock !== '20:30:00') throw new Error(`forward again landed at ${clock}`);
    if (k === 0) continue; // warm-up, not counted
    reset.push(r);
    forward.push(f);
    back.push(b);
    stepBack.push(s);
    held.push(h);
    again.push(a);
  }
  const fw = stats(forward);
  const bk = stats(back);
  const sb = stats(stepBack);
  const hd = stats(held);
  const ag = stats(again);
  const rs = stats(reset);
  console.log(
    `seek-bench repeats=${repeats} reset_p50_ms=${rs.p50.toFixed(1)} max=${rs.max.toFixed(1)} forward_to_end_p50_ms=${fw.p50.toFixed(1)} max=${fw.max.toFixed(1)} ` +
      `back_to_middle_p50_ms=${bk.p50.toFixed(1)} max=${bk.max.toFixed(1)} ` +
      `step_back_from_middle_p50_ms=${sb.p50.toFixed(1)} max=${sb.max.toFixed(1)} ` +
      `twelve_held_steps_back_p50_ms=${hd.p50.toFixed(1)} max=${hd.max.toFixed(1)} ` +
      `forward_again_to_end_p50_ms=${ag.p50.toFixed(1)} max=${ag.max.toFixed(1)} ` +
      `back_over_forward=${(bk.p50 / fw.p50).toFixed(2)} again_over_forward=${(ag.p50 / fw.p50).toFixed(2)}`,
  );
  if (problems.length) console.log(`seek-bench page problems: ${problems.join(' | ')}`);
  await page.close();
});
