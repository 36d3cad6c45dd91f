// Accessibility check of the release build with axe-core (WCAG 2.1 A and
// AA rules plus axe's best practices): the page as it opens (and with its
// keys written out), with a component selected (and scrolled past the
// map, its dock showing), with the Share panel open, with the scenario
// picker open, at the end of a run with its debrief, and in a drill and at
// its debrief. Every state must come out with no violation at all, so a
// regression names the rule, the element and what is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage, repo } from './harness.mjs';

const axeSource = fs.readFileSync(path.join(repo, 'tools', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe on the page as it is and returns its violations in words. */
async function violations(page) {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      rule: v.id,
      help: v.help,
      impact: v.impact,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
    }));
  });
  return found.map((v) => `${v.impact} ${v.rule} (${v.help})\n    ${v.nodes.join('\n    ')}`);
}

async function opened(fragment) {
  const { page, problems } = await openPage(1366, 900, fragment);
  await page.waitForSelector('[data-component]', { timeout: 15000 });
  await page.waitForSelector('button[data-action=play]', { timeout: 15000 });
  return { page, problems };
}

test('the page meets WCAG 2.1 AA as axe checks it, in every main state', async () => {
  const report = [];
  const check = async (state, page) => {
    for (const v of await violations(page)) report.push(`${state}: ${v}`);
  };

  // As it opens, then with a component selected (the inspector's controls).
  let { page, problems } = await opened('');
  await check('opened', page);
  // The keys written out.
  await page.locator('.key-meanings summary').click();
  await page.waitForSelector('.key-meanings dt[data-bar=memory]');
  await check('keys written out', page);
  await page.locator('g[data-component="Sessions_Service"]').click();
  await page.waitForSelector('.inspector button[data-mode=force_open]');
  await check('component selected', page);
  // Scrolled past the map with it selected: the dock at the window's bottom.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForSelector('.selection-dock');
  await check('selection dock', page);
  await page.evaluate(() => window.scrollTo(0, 0));
  // The Share panel open, its two links ready to copy.
  await page.locator('details.share > summary').click();
  await page.waitForSelector('#share-start');
  await check('share panel', page);
  await page.keyboard.press('Escape');
  // The scenario picker open.
  await page.locator('.live-scenario summary').first().click();
  await page.waitForSelector('.scenario-card[data-scenario=api_cascade_2022]');
  await check('scenario picker', page);
  assert.deepEqual(problems, []);
  await page.close();

  // States a link opens straight into, each with what shows it is there:
  // a run replayed to its end (the debrief beside what actually happened),
  // a drill under way, and a drill at its end (its debrief names the incident).
  for (const [state, fragment, shown] of [
    ['debrief', '#s=permission_cache_failure&seed=1&t=2700000', '.debrief'],
    ['drill', '#s=permission_cache_failure&seed=1&drill=1', '[data-action=hint]'],
    ['drill debrief', '#s=permission_cache_failure&seed=1&drill=1&t=2700000', '.drill-debrief'],
  ]) {
    ({ page, problems } = await opened(fragment));
    await page.waitForSelector(shown);
    await check(state, page);
    assert.deepEqual(problems, [], state);
    await page.close();
  }

  assert.equal(report.length, 0, `accessibility violations:\n${report.join('\n')}`);
});
