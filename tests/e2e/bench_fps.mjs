// Frame-rate benchmark of the release build (a benchmark, not a test: it
// prints figures and asserts nothing about them). Serves dist/ like the
// end-to-end tests, opens the page in headless Chromium, selects a component
// (so the inspector's live figures update too), plays the default scenario at
// each speed for FAULTLINE_BENCH_SECONDS (default 30) and prints:
//
//   - frames per second actually shown;
//   - p50 / p95 / max of per-frame work in ms: from the frame's start (the
//     requestAnimationFrame time stamp) to the end of its rendering (a
//     message posted from the frame's animation callbacks runs right after
//     style, layout and paint), so it counts the simulation step, Leptos's
//     DOM updates, chart drawing and the browser's own rendering work;
//   - Chromium's own totals per frame (script, style, layout) from the
//     DevTools Performance domain, to see where the time goes;
//   - the CPU time all of Chromium's processes and threads (main thread,
//     raster workers, compositor, GPU process) spent per frame shown, read
//     from /proc: unlike the wall-clock figures it hardly changes when other
//     work shares the machine, so it is the figure to compare across runs;
//   - the machine's load average, since the wall-clock figures depend on it.
//
// When the scenario reaches its end the bench resets it and plays on (those
// frames are counted too). The machine's other load shows in the figures.
//
// Build first:  trunk build --release   (or point FAULTLINE_DIST at a dist dir)
// Then run:     node tests/e2e/bench_fps.mjs      (scripts/bench.sh does both)
// Env: FAULTLINE_DIST, CHROMIUM, FAULTLINE_BENCH_SECONDS, FAULTLINE_BENCH_SPEEDS (e.g. "600,3600"),
// FAULTLINE_BENCH_CSS (extra CSS injected into the page, for experiments such
// as freezing the edge flow to see what it costs), FAULTLINE_BENCH_FRAGMENT
// (a link fragment to open instead of the default scenario, e.g.
// "#s=steady_state&cmp=scripted" to measure the charts' compared run too).

import { test } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shots, openPage } from './harness.mjs';

const seconds = Number(process.env.FAULTLINE_BENCH_SECONDS ?? 30);
const speeds = (process.env.FAULTLINE_BENCH_SPEEDS ?? '600,3600').split(',').map((s) => s.trim());

/** Installed in the page: records each frame's start and how long its work took. */
function installProbe() {
  const probe = { starts: [], work: [], stop: false };
  const channel = new MessageChannel();
  let pending = null;
  channel.port1.onmessage = () => {
    if (pending !== null) {
      probe.work.push(performance.now() - pending);
      pending = null;
    }
  };
  const loop = (ts) => {
    if (probe.stop) return;
    probe.starts.push(ts);
    pending = ts;
    channel.port2.postMessage(0);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  window.__flProbe = probe;
}

/** Restarts the run whenever it reaches its end, so playback never stops. */
function installLooper() {
  const tick = () => {
    if (window.__flProbe?.stop) return;
    const play = document.querySelector('button[data-action=play]');
    if (play && play.textContent.includes('Play')) {
      document.querySelector('button[data-action=reset]')?.click();
      document.querySelector('button[data-action=play]')?.click();
    }
    setTimeout(tick, 250);
  };
  tick();
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];

/** CPU ms used so far by every descendant of this node process (Chromium and its helpers). */
function browserCpuMs() {
  const parent = new Map();
  const cpu = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(pid), Number(f[1]));
      cpu.set(Number(pid), Number(f[11]) + Number(f[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  const ours = (pid) => {
    for (let p = pid, n = 0; p > 1 && n < 20; p = parent.get(p) ?? 0, n++) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, t] of cpu) if (pid !== process.pid && ours(pid)) ticks += t;
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

test(`frames per second at full speed, ${seconds} s per speed`, { timeout: (seconds + 60) * 1000 * speeds.length }, async () => {
  const { page, problems } = await openPage(1280, 800, process.env.FAULTLINE_BENCH_FRAGMENT ?? '');
  await page.waitForSelector('button[data-action=play]', { timeout: 20000 });
  await page.evaluate(() => localStorage.clear());
  if (process.env.FAULTLINE_BENCH_CSS) await page.addStyleTag({ content: process.env.FAULTLINE_BENCH_CSS });
  // The inspector open on a busy component: its figures update every frame.
  await page.locator('[data-component="API_Gateway"], [data-component]').first().click();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const rows = [];
  for (const speed of speeds) {
    await page.locator('select[data-control=speed]').selectOption(speed);
    await page.locator('button[data-action=reset]').click();
    await page.locator('button[data-action=play]').click();
    await page.waitForTimeout(1000); // warm-up, not measured
    const m0 = await metrics(cdp);
    const cpu0 = browserCpuMs();
    const load = os.loadavg()[0].toFixed(2);
    await page.evaluate(installProbe);
    await page.evaluate(installLooper);
    await page.waitForTimeout(seconds * 1000);
    const m1 = await metrics(cdp);
    const cpu1 = browserCpuMs();
    const probe = await page.evaluate(() => {
      window.__flProbe.stop = true;
      return { starts: window.__flProbe.starts, work: window.__flProbe.work };
    });
    await page.screenshot({ path: path.join(shots, `bench-fps-${speed}x.png`) });
    // Pause for the next speed.
    if ((await page.locator('button[data-action=play]').innerText()).includes('Pause')) {
      await page.locator('button[data-action=play]').click();
    }
    const frames = probe.starts.length;
    const span = (probe.starts[frames - 1] - probe.starts[0]) / 1000;
    const work = [...probe.work].sort((a, b) => a - b);
    const per = (k) => ((m1[k] - m0[k]) * 1000) / frames;
    rows.push({
      speed: `${speed}×`,
      fps: ((frames - 1) / span).toFixed(1),
      p50: pct(work, 0.5).toFixed(2),
      p95: pct(work, 0.95).toFixed(2),
      max: work[work.length - 1].toFixed(1),
      script: per('ScriptDuration').toFixed(2),
      style: per('RecalcStyleDuration').toFixed(2),
      layout: per('LayoutDuration').toFixed(2),
      cpu: ((cpu1 - cpu0) / frames).toFixed(2),
      load,
      frames,
    });
  }
  for (const r of rows) {
    console.log(
      `fps-bench speed=${r.speed} seconds=${seconds} frames=${r.frames} fps=${r.fps} ` +
        `work_p50_ms=${r.p50} work_p95_ms=${r.p95} work_max_ms=${r.max} ` +
        `per_frame_script_ms=${r.script} style_ms=${r.style} layout_ms=${r.layout} ` +
        `browser_cpu_ms_per_frame=${r.cpu} load_avg=${r.load}`,
    );
  }
  if (problems.length) console.log(`fps-bench page problems: ${problems.join(' | ')}`);
  await page.close();
});
