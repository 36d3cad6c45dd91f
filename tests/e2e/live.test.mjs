// End-to-end test of the live sandbox in the release build: serves dist/ on a
// free loopback port, opens it in Debian's Chromium through playwright-core,
// and plays a drill as a user would: play, kill Redis Sessions, read the
// event log, force a breaker open, flip a kill switch, change speed, reload
// and find the same run, open a malformed link. Screenshots at each step.
//
// Build first:  PATH=$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH trunk build --release
// Then run:     node --test tests/e2e/
// Env: FAULTLINE_DIST (default dist/), CHROMIUM (default /usr/bin/chromium).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { shots, openPage, baseUrl } from './harness.mjs';

/** Opens the page (with an optional link fragment) and waits for the sandbox. */
async function open(width, height, fragment) {
  const { page, problems } = await openPage(width, height, fragment ?? '');
  await page.waitForSelector('[data-component]', { timeout: 15000 });
  await page.waitForSelector('button[data-action=play]', { timeout: 15000 });
  return { page, problems };
}


const shot = (page, name) => page.screenshot({ path: path.join(shots, `live-${name}.png`), fullPage: true });
const clock = (page) => page.locator('[data-clock]').innerText();
const eventCount = async (page) => Number((await page.locator('.live-events .count').innerText()).replace(/\D/g, ''));

test('a drill: play, kill Redis Sessions, breaker, kill switch, speed, reload', async () => {
  const { page, problems } = await open(1280, 800);
  await page.evaluate(() => localStorage.clear());
  assert.equal(await clock(page), '19:00:01', 'the first tick is computed at load');
  await shot(page, '01-loaded');

  // Play at the default speed: the scenario's clock moves.
  await page.locator('button[data-action=play]').click();
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent !== '19:00:01');
  await page.waitForSelector('.live-edge.live-flow-4');
  await shot(page, '02-playing');

  // The database's load before anything fails.
  const dbLoad = () =>
    page.evaluate(() => Number(document.querySelector('.inspector [data-figure=throughput]')?.dataset.value ?? NaN));
  await page.locator('[data-component="ScyllaDB_Primary"]').click();
  await page.waitForSelector('.inspector [data-selected="ScyllaDB_Primary"] [data-figure=throughput]');
  const dbBefore = await dbLoad();
  assert.ok(dbBefore > 0, `the database serves traffic before the kill (${dbBefore}/s)`);

  // Kill Redis Sessions from the inspector; the node goes down and the log explains.
  await page.locator('[data-component="Redis_Sessions"]').click();
  await page.locator('.inspector button[data-action=kill]').click();
  await page.waitForSelector('.node[data-component="Redis_Sessions"][data-health="down"]');
  const log = page.locator('.live-events');
  await log.getByText('operator: kill Redis Sessions').first().waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.live-events .because')].some((b) => b.textContent.includes('kill Redis Sessions')),
  );
  const badge = await page.locator('.node[data-component="Redis_Sessions"] .live-badge text').textContent();
  assert.equal(badge, '✕', 'a down node shows the ✕ badge, not only a colour');
  // The inspector says why, oldest cause first: the kill, then the node going down.
  await page.waitForFunction(() => {
    const steps = [...document.querySelectorAll('.inspector [data-why] li')].map((li) => li.textContent);
    return steps.length === 2 && steps[0].includes('operator: kill Redis Sessions') && steps[1].includes('Redis Sessions down');
  });
  await shot(page, '03-redis-killed');

  // Session lookups fall back to the database: its load rises.
  await page.locator('[data-component="ScyllaDB_Primary"]').click();
  await page.waitForSelector('.inspector [data-selected="ScyllaDB_Primary"] [data-figure=throughput]');
  await page.waitForFunction(
    (before) => Number(document.querySelector('.inspector [data-figure=throughput]')?.dataset.value) > before * 1.15,
    dbBefore,
    { timeout: 30000 },
  );
  await shot(page, '03b-database-load-rises');

  // Force the Sessions → Redis Sessions breaker open.
  await page.locator('[data-component="Sessions_Service"]').click();
  const row = page.locator('li.live-breaker[data-edge="Sessions_Service>Redis_Sessions"]');
  await row.locator('button[data-mode=force_open]').click();
  assert.equal(await row.locator('button[data-mode=force_open]').getAttribute('aria-pressed'), 'true');
  await page.waitForSelector('path.live-edge[data-live-from="Sessions_Service"][data-live-to="Redis_Sessions"][data-breaker="open"]');
  await log.getByText('Sessions → Redis Sessions').first().waitFor();
  await shot(page, '04-breaker-forced-open');

  // Flip a kill switch.
  await page.locator('label[data-switch=disable_file_uploads] input').check();
  await page.waitForSelector('label[data-switch=disable_file_uploads].on');
  await shot(page, '05-kill-switch');

  // Speed: 600×, and the link follows.
  await page.locator('select[data-control=speed]').selectOption('600');
  await page.waitForFunction(() => location.hash.includes('x=600'));
  await page.waitForTimeout(1500);
  await shot(page, '06-speed-600');

  // Pause, remember where we are, reload: the same run comes back.
  await page.locator('button[data-action=play]').click();
  await page.waitForFunction(() => document.querySelector('button[data-action=play]').textContent.includes('Play'));
  await page.waitForTimeout(200);
  const before = { clock: await clock(page), events: await eventCount(page), hash: await page.evaluate(() => location.hash) };
  assert.match(before.hash, /a=/, 'the action log is in the link');
  await page.reload();
  await page.waitForSelector('button[data-action=play]');
  await page.waitForFunction((c) => document.querySelector('[data-clock]')?.textContent === c, before.clock, { timeout: 15000 });
  assert.equal(await eventCount(page), before.events, 'same events after reload');
  await page.waitForSelector('.node[data-component="Redis_Sessions"][data-health="down"]');
  await page.waitForSelector('label[data-switch=disable_file_uploads].on');
  await shot(page, '07-reloaded');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a malformed link opens what it can and names what it left out', async () => {
  // A seed typed as a word and a time past the end: the scenario the link
  // names still opens, at its own seed, from the start.
  const { page, problems } = await open(1280, 800, '#s=api_cascade_2022&seed=banana&t=99999999999&x=60');
  const notice = page.locator('.live-notice.error');
  await notice.waitFor();
  const text = await notice.innerText();
  assert.match(text, /`seed` is not usable: `banana`/);
  assert.match(text, /`t` is not usable: the time is after the scenario's end/);
  assert.match(text, /Opened the rest of the link without them/);
  await page.waitForSelector('[data-current-scenario="api_cascade_2022"]');
  assert.equal(await clock(page), '16:45:01', 'the first tick is computed at load');
  // The address holds what is open, so a reload does not meet the faults again.
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /s=api_cascade_2022&seed=1&x=60&t=0/);
  assert.doesNotMatch(hash, /banana/);
  await shot(page, '08-malformed-link');
  // Pasted into the open page's address bar, a link naming no scenario
  // this page knows keeps the run it has, and the address names that run.
  await page.goto(page.url().replace(/#.*/, '#s=nowhere&seed=2'));
  await page.waitForFunction(() => document.querySelector('.live-notice.error')?.textContent.includes('nowhere'));
  assert.match(await page.locator('.live-notice.error').innerText(), /unknown scenario `nowhere`.*Kept the run you had/s);
  await page.waitForSelector('[data-current-scenario="api_cascade_2022"]');
  assert.match(await page.evaluate(() => location.hash), /s=api_cascade_2022/);
  assert.deepEqual(problems, []);
  await page.close();
  // Opened in a new page, it opens the default scenario.
  const fresh = await open(1280, 800, '#s=nowhere&seed=2');
  await fresh.page.waitForSelector('.live-notice.error');
  assert.match(await fresh.page.locator('.live-notice.error').innerText(), /unknown scenario `nowhere`.*Showing the default scenario instead/s);
  await fresh.page.waitForSelector('[data-current-scenario="steady_state"]');
  assert.ok((await fresh.page.locator('[data-component]').count()) > 10, 'the diagram is still drawn');
  assert.deepEqual(fresh.problems, []);
  await fresh.page.close();
});

test('a link pasted into the open page\'s address bar opens without a reload, and Back returns to the run before', async () => {
  const { page, problems } = await open(1280, 800, '#s=steady_state&seed=1&t=600000');
  await page.waitForSelector('[data-current-scenario="steady_state"]');
  // Only the fragment changes: the browser does not load the page again.
  await page.evaluate(() => { window.__samePage = true; });
  await page.goto(page.url().replace(/#.*/, '#s=redis_failover_2017&seed=2&t=1200000'));
  await page.waitForSelector('[data-current-scenario="redis_failover_2017"]');
  assert.equal(await page.evaluate(() => window.__samePage), true, 'no reload');
  assert.equal(await clock(page), '14:15:00');
  assert.equal(await page.locator('input[data-control=seed]').inputValue(), '2');
  assert.match(await page.locator('.live-notice').innerText(), /Replayed the run from the link/);
  // Back: the steady state at the time it was left.
  await page.goBack();
  await page.waitForSelector('[data-current-scenario="steady_state"]');
  assert.equal(await clock(page), '19:10:00');
  assert.equal(await page.evaluate(() => window.__samePage), true, 'no reload');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link with the run in its query opens that scenario and moves it to the fragment', async () => {
  const { page, problems } = await open(1280, 800, '?scenario=api_cascade_2022&seed=3');
  await page.waitForSelector('[data-current-scenario="api_cascade_2022"]');
  assert.equal(await page.locator('input[data-control=seed]').inputValue(), '3');
  assert.equal(await page.evaluate(() => location.search), '', 'the query is gone from the address');
  assert.match(await page.evaluate(() => location.hash), /s=api_cascade_2022&seed=3/);
  // A reload finds the same run in the fragment.
  await page.reload();
  await page.waitForSelector('[data-current-scenario="api_cascade_2022"]');
  // A query naming no known scenario is refused like a bad fragment.
  await page.goto(baseUrl() + '?scenario=nowhere');
  const notice = page.locator('.live-notice.error');
  await notice.waitFor();
  assert.match(await notice.innerText(), /unknown scenario `nowhere`/);
  await page.waitForSelector('[data-current-scenario="steady_state"]');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the run so far downloads as CSV, a row per sample', async () => {
  const { page, problems } = await open(1280, 900, '#s=steady_state&seed=4');
  for (let i = 0; i < 5; i++) await page.locator('button[data-action=step]').click();
  const now = page.locator('.chart-tools .now');
  await page.waitForFunction(() => /^\d+ samples so far$/.test(document.querySelector('.chart-tools .now')?.textContent ?? ''));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[data-action=download_samples]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'faultline-steady_state-seed4-samples.csv');
  const fs = await import('node:fs/promises');
  const rows = (await fs.readFile(await download.path(), 'utf8')).trim().split('\n');
  const n = Number((await now.innerText()).match(/^(\d+)/)[1]);
  assert.ok(n >= 5, `${n} samples`);
  assert.equal(rows.length, n + 1, 'a header and a row per sample');
  const header = rows[0].split(',');
  assert.deepEqual(header.slice(0, 3), ['t_ms', 'clock', 'api_success']);
  assert.ok(header.includes('Redis_Sessions.utilisation'), 'every component has its columns');
  assert.ok(rows.every((r) => r.split(',').length === header.length), 'every row has every column');
  // Samples come every 10 s: the last row is the latest one up to the clock shown.
  const secs = (hms) => hms.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const lag = secs(await clock(page)) - secs(rows.at(-1).split(',')[1]);
  assert.ok(lag >= 0 && lag < 10, `the last row is the latest sample (${lag} s before the clock)`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the last session is offered on return', async () => {
  const { page, problems } = await open(1280, 800);
  await page.locator('button[data-action=step]').click();
  await page.locator('[data-component="Redis_Sessions"]').click();
  await page.locator('.inspector button[data-action=kill]').click();
  await page.locator('button[data-action=step]').click();
  await page.goto(baseUrl());
  await page.waitForSelector('[data-notice=resume]');
  await page.locator('button[data-action=resume]').click();
  await page.waitForSelector('.node[data-component="Redis_Sessions"][data-health="down"]');
  assert.equal(await clock(page), '19:00:20');
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard: → steps, ← steps back, + and − change speed, Space plays and pauses, ? lists the keys', async () => {
  const { page, problems } = await open(1280, 800);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:00:10');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:00:20');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:00:10');
  const speed = () => page.locator('select[data-control=speed]').inputValue();
  assert.equal(await speed(), '10');
  await page.keyboard.press('+');
  assert.equal(await speed(), '30');
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  assert.equal(await speed(), '5');
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('button[data-action=play]').textContent.includes('Pause'));
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('button[data-action=play]').textContent.includes('Play'));
  // ? lists the keys, with the focus in the list; Escape closes it, and
  // the keys work again.
  const dialog = page.locator('[role=dialog][aria-labelledby=keys-help-title]');
  assert.equal(await dialog.isVisible(), false);
  await page.keyboard.press('?');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /Play or pause/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'close-keys');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:00:20');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the timeline takes the run back before an action, keeps the action recorded, and runs on to it', async () => {
  const { page, problems } = await open(1280, 800, '#s=steady_state&seed=3');
  for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:01:00');
  await page.locator('[data-component="Redis_Sessions"]').click();
  await page.locator('.inspector button[data-action=kill]').click();
  await page.waitForSelector('.node[data-component="Redis_Sessions"][data-health="down"]');
  await page.locator('body').press('Escape');
  for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:02:00');
  assert.equal(await page.locator('.live-timeline .mark:not(.ahead)').count(), 1, 'the kill is marked on the timeline');

  // Back with the slider's own keys: nine steps of 10 s, each a replay.
  const slider = page.locator('input[data-control=timeline]');
  await slider.focus();
  for (let k = 0; k < 9; k++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:00:30');
  await page.waitForSelector('.node[data-component="Redis_Sessions"]:not([data-health="down"])');
  assert.equal(await page.locator('[data-recorded]').getAttribute('data-recorded'), '1');
  assert.equal(await page.locator('.live-timeline .mark.ahead').count(), 1);
  assert.match(await page.locator('.live-notice').innerText(), /Back at 19:00:30\. Your 1 later action is recorded/);
  await page.waitForFunction(() => location.hash.includes('t=30000') && location.hash.includes('&a='));
  await shot(page, '20-timeline-back');

  // A reload replays the link: the clock and the recording ahead come back.
  await page.reload();
  await page.waitForSelector('[data-recorded="1"]');
  assert.equal(await clock(page), '19:00:30');

  // Forward to the end with the slider: the recorded kill happens on the way.
  await page.locator('input[data-control=timeline]').focus();
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '23:00:00');
  await page.waitForSelector('.node[data-component="Redis_Sessions"][data-health="down"]');
  assert.equal(await page.locator('[data-recorded]').count(), 0);
  await page.locator('.live-events').getByText('operator: kill Redis Sessions').first().waitFor();

  // A click in the middle of a chart of the whole run goes back to about 21:00.
  await page.locator('button[data-window=WholeRun]').click();
  const chart = page.locator('canvas.fl-chart-canvas[data-key=api_success]');
  await page.waitForSelector('canvas.fl-chart-canvas[data-key=api_success][data-window=WholeRun]');
  const box = await chart.boundingBox();
  await chart.click({ position: { x: box.width * 0.55, y: box.height / 2 } });
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent < '22:00:00');
  const back = await clock(page);
  assert.ok(back > '20:00:00' && back < '22:00:00', `the chart took the run back to ${back}`);
  await page.waitForSelector('.node[data-component="Redis_Sessions"][data-health="down"]');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a new branch after going back is compared with the earlier one on the charts and the map', async () => {
  // A link taken back to 19:00:30 with a kill of Redis Sessions recorded ahead at 19:01.
  const ahead = Buffer.from(JSON.stringify([[60000, { type: 'kill', component: 'Redis_Sessions' }]])).toString('base64url');
  const { page, problems } = await open(1280, 800, `#s=steady_state&seed=2&t=30000&a=${ahead}`);
  await page.waitForSelector('[data-recorded="1"]');
  // This time the presence cluster goes instead: a new branch.
  await page.locator('[data-component="Presence_Service"]').click();
  await page.locator('.inspector button[data-action=kill]').click();
  await page.locator('body').press('Escape');
  assert.match(await page.locator('.live-notice').innerText(), /new branch from 19:00:30.*your earlier branch/s);
  await page.locator('select[data-control=compare]').selectOption('branch');
  await page.waitForFunction(() => location.hash.includes('cmp=branch') && location.hash.includes('&cb='));
  await page.locator('[data-testid=compare-legend]').getByText('your earlier branch (1 action').waitFor();
  // Ten minutes on, the map rings what differs: Redis Sessions is down only in the earlier branch.
  const slider = page.locator('input[data-control=timeline]');
  await slider.evaluate((el) => { el.value = '630000'; el.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.waitForSelector('.node.differs[data-component="Redis_Sessions"][data-compared="down"]', { timeout: 15000 });
  await page.waitForSelector('.node.differs[data-component="Presence_Service"]');
  await shot(page, '22-branch-compared');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an instructor adds a surprise to a drill: it happens unseen and the debrief names it', async () => {
  const { page, problems } = await open(1280, 800, '#s=permission_cache_failure&seed=1&t=600000');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:10:00');
  await page.locator('[data-component="Presence_Service"]').click();
  await page.locator('.inspector button[data-action=kill]').click();
  await page.locator('body').press('Escape');
  await page.locator('button[data-action=drill-with-injects]').click();
  await page.waitForFunction(() => location.hash.includes('drill=1') && location.hash.includes('&inj='));
  assert.equal(await clock(page), '19:00:01', 'the drill starts from the beginning');
  assert.equal(await page.locator('.drill-injects').count(), 0, 'the trainees do not see it');
  const slider = page.locator('input[data-control=timeline]');
  await slider.focus();
  await page.keyboard.press('End');
  await page.waitForSelector('.drill-debrief [data-drill=injects]');
  assert.match(await page.locator('.drill-debrief [data-drill=injects]').innerText(), /19:10:00 kill Presence/);
  assert.equal(await page.locator('.drill-injects[data-injects="1"]').count(), 1);
  await shot(page, '21-drill-surprise');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a run saved as a scenario file loads back and replays with nobody acting', async () => {
  const { page, problems } = await open(1280, 800, '#s=permission_cache_failure&seed=3&t=600000');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:10:00');
  await page.locator('[data-component="Presence_Service"]').click();
  await page.locator('.inspector button[data-action=kill]').click();
  await page.locator('body').press('Escape');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[data-action=save-run]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'permission_cache_failure-variation.toml');
  assert.match(await page.locator('.live-notice').innerText(), /Saved permission_cache_failure-variation\.toml: this scenario at seed 3 with 1 action/);
  const fs = await import('node:fs/promises');
  const file = await fs.readFile(await download.path(), 'utf8');
  assert.match(file, /^seed = 3$/m);
  assert.match(file, /# kill Presence\n\[\[at\]\]\nt = "19:10:00"\naction = \{ type = "kill", component = "Presence_Service" \}/);

  // Loaded back through the picker, it is a scenario of its own whose
  // timeline kills the presence cluster at 19:10.
  await page.locator('.scenario-picker > summary').click();
  await page.locator('input[data-control=scenario_file]').setInputFiles({
    name: download.suggestedFilename(),
    mimeType: 'text/plain',
    buffer: Buffer.from(file),
  });
  await page.waitForFunction(() => location.hash.includes('s=user') && location.hash.includes('seed=3'));
  assert.equal(await clock(page), '19:00:01');
  assert.match(await page.locator('.scenario-picker strong').innerText(), /\(variation\)$/);
  const slider = page.locator('input[data-control=timeline]');
  await slider.evaluate((el) => { el.value = '660000'; el.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.waitForSelector('.node[data-component="Presence_Service"][data-health="down"]', { timeout: 15000 });
  await page.locator('.live-events').getByText('scenario: kill Presence').first().waitFor();
  await shot(page, '23-saved-run-loaded');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bad deploy: the inspector shows the push and rolls it back early', async () => {
  const { page, problems } = await open(1280, 800, '#s=bad_deploy&seed=1&t=600000');
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent === '19:10:00');
  await page.locator('[data-component="API_Gateway"]').click();
  const status = page.locator('.inspector [data-now=deploy]');
  await status.waitFor();
  assert.match(await status.innerText(), /a build failing 25\.0%: complete: on every instance/);
  await page.locator('.inspector button[data-action=rollback]').click();
  await page.locator('body').press('Escape');
  assert.match(await page.evaluate(() => location.hash), /&a=/, 'the rollback is in the link');
  // Four batches of 25% a minute: the old build is back by 19:14.
  const slider = page.locator('input[data-control=timeline]');
  await slider.evaluate((el) => { el.value = '900000'; el.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.locator('.live-events').getByText('API Gateway: rolled back, the old build runs on every instance').first().waitFor();
  await page.locator('.live-events').getByText('operator: roll back the deploy on API Gateway').first().waitFor();
  await shot(page, '24-bad-deploy-rolled-back');
  assert.deepEqual(problems, []);
  await page.close();
});

test('scenario picker: choose an incident, read the story, refuse a broken file', async () => {
  const { page, problems } = await open(1280, 800);
  await page.locator('.scenario-picker > summary').click();
  const card = page.locator('.scenario-card[data-scenario=api_cascade_2022]');
  await card.waitFor();
  assert.match(await card.innerText(), /2022-01-25/);
  await shot(page, '09-scenario-picker');
  await card.click();
  await page.waitForFunction(() => location.hash.includes('s=api_cascade_2022'));
  assert.equal(await clock(page), '16:45:01');
  await page.locator('.briefing .narrative').waitFor();

  // A counterfactual switch restarts the run with it; the link names it.
  await page.locator('.counterfactuals > summary').click();
  const fix = page.locator('.counterfactuals label[data-counterfactual]').first();
  const fixKey = await fix.getAttribute('data-counterfactual');
  await fix.locator('input').check();
  await page.waitForFunction((k) => location.hash.includes(`cf=${k}`), fixKey);
  await fix.locator('input').uncheck();
  await page.waitForFunction(() => !location.hash.includes('cf='));

  // Play fast: the story's first message appears when the clock passes it.
  await page.locator('select[data-control=speed]').selectOption('60');
  await page.locator('button[data-action=play]').click();
  await page.waitForSelector('.story-banner[data-story-t]', { timeout: 20000 });
  await page.locator('button[data-action=play]').click();
  await shot(page, '10-story-message');

  // A malformed file of one's own: a message names file and line, the run stays.
  const before = await clock(page);
  await page.locator('.scenario-picker > summary').click();
  await page.locator('input[data-control=scenario_file]').setInputFiles({
    name: 'broken.toml',
    mimeType: 'text/plain',
    buffer: Buffer.from('name = "Broken"\nduration = "banana"\n'),
  });
  const notice = page.locator('.live-notice.error');
  await notice.waitFor();
  assert.match(await notice.innerText(), /broken\.toml:2/);
  assert.equal(await clock(page), before, 'the current run goes on');
  assert.match(await page.evaluate(() => location.hash), /s=api_cascade_2022/);
  await shot(page, '11-broken-scenario-file');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an instructor runs a drill: the cause is held back, the team acts, the debrief compares', async () => {
  const { page, problems } = await open(1280, 900);
  await page.locator('.scenario-picker > summary').click();
  await page.locator('.scenario-card[data-scenario=permission_cache_failure]').click();
  await page.waitForFunction(() => location.hash.includes('s=permission_cache_failure'));
  await page.locator('input[data-control=drill]').check();
  await page.waitForFunction(() => location.hash.includes('drill=1'));
  assert.equal((await page.locator('[data-current-scenario]').innerText()).trim(), 'Incident drill');
  const drillLink = await page.evaluate(() => location.hash);
  assert.ok(!drillLink.includes('permission_cache'), `the address bar does not name the incident: ${drillLink}`);
  assert.match(drillLink, /hs=/);
  assert.ok(!(await page.title()).toLowerCase().includes('permission'), 'nor does the tab');
  await page.locator('[data-drill-note]').waitFor();
  assert.equal(await page.locator('.counterfactuals').count(), 0, 'the switches name the fixes: hidden');
  assert.equal(await page.locator('.story').count(), 0, 'the incident updates are held back');

  // Play until the cache has failed (19:05) and its consequences show.
  await page.locator('select[data-control=speed]').selectOption('60');
  await page.locator('button[data-action=play]').click();
  await page.waitForSelector('.node[data-component="Memcached_Guilds"][data-health="down"]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent >= '19:07:00', null, { timeout: 30000 });
  await page.locator('button[data-action=play]').click();
  const logText = await page.locator('.live-events').innerText();
  assert.doesNotMatch(logText, /scenario:/, 'no scripted action in the log');
  await shot(page, '12-drill-running');

  // The team restarts the cache from the inspector, then lets the run end.
  await page.locator('[data-component="Memcached_Guilds"]').click();
  await page.locator('.inspector button[data-action=revive]').click();
  await page.locator('select[data-control=speed]').selectOption('3600');
  await page.locator('button[data-action=play]').click();
  const debrief = page.locator('.drill-debrief');
  await debrief.waitFor({ timeout: 30000 });
  assert.match(await debrief.locator('[data-drill=team]').innerText(), /revive Memcached Guilds/);
  assert.match(await debrief.locator('[data-drill=real]').innerText(), /19:06:00 revive Memcached Guilds/);
  const score = (who) => debrief.locator(`tr[data-score=${who}] td`).first().getAttribute('data-value').then(Number);
  const [team, replay, nobody] = [await score('team'), await score('replay'), await score('nobody')];
  assert.ok(team < nobody, `acting beats doing nothing (${team} vs ${nobody})`);
  assert.ok(replay > 0 && team > 0);
  assert.match(await page.locator('[data-current-scenario]').innerText(), /permission cache/i, 'revealed at the end');
  await debrief.scrollIntoViewIfNeeded();
  await shot(page, '13-drill-debrief');

  // The debrief downloads as Markdown for the drill's records.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[data-action=download_debrief]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'faultline-permission_cache_failure-drill-seed1.md');
  const fs = await import('node:fs/promises');
  const md = await fs.readFile(await download.path(), 'utf8');
  assert.match(md, /^# Drill debrief: /);
  assert.match(md, /revive Memcached Guilds/);
  assert.match(md, /\| Your team \| /);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the intro drill: the tournament cannot be sent home, the team orders gateway servers', async () => {
  const { page, problems } = await open(1280, 900);
  await page.locator('.scenario-picker > summary').click();
  await page.locator('.scenario-card[data-scenario=gateway_overload_2024]').click();
  await page.waitForFunction(() => location.hash.includes('s=gateway_overload_2024'));
  await page.locator('input[data-control=drill]').check();
  await page.waitForFunction(() => location.hash.includes('drill=1'));

  // Play into the tournament (14:30) until the gateways are overloaded.
  await page.locator('select[data-control=speed]').selectOption('60');
  await page.locator('button[data-action=play]').click();
  await page.waitForSelector('.node[data-component="Gateway_Primary"][data-health="overloaded"]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent >= '14:32:00', null, { timeout: 30000 });

  // The dashboards show demand beyond capacity (whenever the edge's
  // breakers let the crowd through: they open and close under it).
  await page.locator('[data-component="Gateway_Primary"]').click();
  const inspector = page.locator('.inspector [data-selected="Gateway_Primary"]');
  await page.waitForFunction(
    () => /^100% · demand \d+%$/.test(document.querySelector('.inspector [data-figure=load]')?.textContent ?? ''),
    null,
    { timeout: 30000 },
  );
  await page.locator('button[data-action=play]').click();
  // A drill offers no way to end the crowd.
  assert.equal(await inspector.locator('[data-control-row=surge]').count(), 0);
  assert.equal(await inspector.locator('[data-now=provision]').innerText(), 'new servers in 5 min');
  await shot(page, '14-intro-drill-gateway');

  // The team orders 3x the servers of every gateway cluster.
  for (const gw of ['Gateway_Primary', 'Gateway_Secondary', 'Gateway_EU']) {
    await page.locator(`[data-component="${gw}"]`).click();
    const row = page.locator(`.inspector [data-selected="${gw}"] [data-control-row=scale]`);
    await row.locator('select').selectOption('3');
    await row.locator('button[data-action=scale]').click();
  }
  await page.locator('select[data-control=speed]').selectOption('3600');
  await page.locator('button[data-action=play]').click();
  const debrief = page.locator('.drill-debrief');
  await debrief.waitFor({ timeout: 30000 });
  assert.match(await debrief.locator('[data-drill=team]').innerText(), /scale Gateway EU to 3× its servers \(arriving in 300 s\)/);
  const score = (who) => debrief.locator(`tr[data-score=${who}] td`).first().getAttribute('data-value').then(Number);
  const [team, nobody] = [await score('team'), await score('nobody')];
  assert.ok(team < nobody / 1.5, `ordering servers beats waiting for the autoscaler (${team} vs ${nobody})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a post-mortem fix measured: the debrief sets the run beside the same seed without it, then over the seeds', async () => {
  const { page, problems } = await open(1280, 900);
  await page.locator('.scenario-picker > summary').click();
  await page.locator('.scenario-card[data-scenario=large_guild_cascade_2023]').click();
  await page.waitForFunction(() => location.hash.includes('s=large_guild_cascade_2023'));
  await page.locator('.counterfactuals > summary').click();
  await page.locator('.counterfactuals label[data-counterfactual=queue_management] input').check();
  await page.waitForFunction(() => location.hash.includes('cf=queue_management'));

  // Play to the end: the debrief compares with the scenario as it happened.
  await page.locator('select[data-control=speed]').selectOption('3600');
  await page.locator('button[data-action=play]').click();
  const same = page.locator('.debrief [data-figure=same_seed]');
  await same.waitFor({ timeout: 60000 });
  assert.match(await same.innerText(), /^Without the switch, same seed: .* At this seed the switch cut it by \d+%\.$/);

  // Over the calibration seeds, one at a time, as faultline report measures it.
  await page.locator('.debrief button[data-action=measure_switches]').click();
  const over = page.locator('.debrief [data-figure=over_seeds]');
  await page.waitForFunction(() => document.querySelector('.debrief [data-figure=over_seeds]').textContent.startsWith('Over'), null, { timeout: 60000 });
  assert.match(await over.innerText(), /calibration seeds 1-5, .* by -\d+\.\d% on average and helped at 5 of 5 seeds/);
  await page.locator('.debrief .switch-effect').scrollIntoViewIfNeeded();
  await shot(page, '15-switch-measured');

  // The download carries the same-seed comparison and the measure.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[data-action=download_debrief]').click(),
  ]);
  const fs = await import('node:fs/promises');
  const md = await fs.readFile(await download.path(), 'utf8');
  assert.match(md, /\nWithout the switch, same seed: /);
  assert.match(md, /\nOver the scenario's calibration seeds 1-5, .* helped at 5 of 5 seeds/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the charts compare the run with the post-mortem fix, live, and the link keeps the comparison', async () => {
  // Two hours into the 2022 cascade: the run is still failing.
  const { page, problems } = await open(1280, 900, '#s=api_cascade_2022&seed=1&x=600&t=7200000');
  const charts = page.locator('section.fl-charts');
  await charts.scrollIntoViewIfNeeded();
  assert.equal(await page.locator('[data-testid=compare-legend]').count(), 0, 'nothing compared at first');
  await page.locator('select[data-control=compare]').selectOption('switch:client_backoff_fix');
  await page.waitForFunction(() => location.hash.includes('cmp=switch:client_backoff_fix'));
  await page.locator('[data-testid=compare-legend]').getByText('Fixed client backoff').waitFor();
  // The compared run catches up with the clock over a few frames; with the
  // fix the API is back at its objective, while the run's is still broken.
  const compared = page.locator('.fl-chart-compare[data-key=api_success]');
  await compared.waitFor();
  await page.waitForFunction(() =>
    document.querySelector('.fl-chart-compare[data-key=api_success]')?.textContent === 'compared: 99.95%', null, { timeout: 30000 });
  assert.equal(await page.locator('.fl-chart-value[data-key=api_success]').getAttribute('data-breach'), 'true');
  // The map rings what is in another state with the fix, and the key says so.
  await page.locator('[data-testid=compared-key]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.node.differs[data-compared]').length > 0);
  // Playing moves both lines on.
  const before = await page.locator('canvas[data-key=api_success]').getAttribute('data-compare');
  await page.locator('button[data-action=play]').click();
  await page.waitForFunction((b) => {
    const c = document.querySelector('canvas[data-key=api_success]')?.dataset.compare;
    return c && Number(c) > Number(b) + 5;
  }, before, { timeout: 30000 });
  await page.locator('button[data-action=play]').click();
  await shot(page, '16-compared');
  // A reload replays the link, comparison included.
  await page.reload();
  await page.waitForSelector('[data-testid=compare-legend]', { timeout: 15000 });
  assert.equal(await page.locator('select[data-control=compare]').inputValue(), 'switch:client_backoff_fix');
  assert.deepEqual(problems, []);
  await page.close();
});

test('dragging the timeline scrubs through the run: the clock follows the thumb before it is let go', async () => {
  const { page, problems } = await open(1280, 800, '#s=api_cascade_2022&seed=1');
  const slider = page.locator('input[data-control=timeline]');
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  const at = (f) => box.x + box.width * f;
  await page.mouse.move(at(0.005), y);
  await page.mouse.down();
  // Forward to about three quarters (20:34 is the end): the run is simulated
  // on as the thumb moves, and the charts and log follow.
  await page.mouse.move(at(0.75), y, { steps: 8 });
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent > '19:30:00');
  const far = await clock(page);
  assert.ok(far > '19:30:00' && far < '20:00:00', `the clock follows the thumb: ${far}`);
  assert.ok(await eventCount(page) > 100, 'the log follows');
  // Back to about a quarter, still held down: back along the run.
  await page.mouse.move(at(0.25), y, { steps: 8 });
  await page.waitForFunction(() => document.querySelector('[data-clock]').textContent < '18:00:00');
  const near = await clock(page);
  assert.ok(near > '17:30:00', `back along the run: ${near}`);
  assert.match(await page.locator('[data-dragged]').innerText(), /^→ 17:/);
  await shot(page, '40-scrubbing');
  await page.mouse.up();
  await page.waitForFunction(() => !document.querySelector('[data-dragged]'));
  assert.equal(await clock(page), near, 'let go where it was');
  assert.deepEqual(problems, []);
  await page.close();
});
