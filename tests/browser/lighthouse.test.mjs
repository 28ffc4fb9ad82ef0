// Lighthouse 12 on the citizen portal's plan page, logged in, as a phone
// on a slow network (its default mobile settings: simulated throttling,
// 150 ms round trips, 1.6 Mbit/s, the CPU slowed 4×): the performance score
// is 95 or more. The metrics of every run are printed and written to
// VAR/screenshots/lighthouse.txt.
//
// Lighthouse drives Debian's Chromium through puppeteer-core; the session
// cookie of a citizen logged in through the API is set first (Lighthouse
// clears the origin's caches and storage before it loads the page, but not
// its cookies).
//
// Simulated throttling multiplies the CPU time it observes by 4, so another
// process busy on the same machine shows up as blocking time (on a busy
// two-core machine one run in three or four scores in the 80s or lower).
// The page gets up to RUNS tries and passes on the first that scores 95; a
// page that is slow itself fails them all.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

import { BASE, CHROMIUM, SHOTS, SKIP, citizenApi } from './lib.mjs';

const RUNS = 5;
const MIN_SCORE = 0.95;
// Lighthouse's own failures to record a page load ("run Lighthouse
// again"): such a run is tried again, and counts as a failure only if it
// is the last.
const RETRY = new Set(['NO_NAVSTART', 'NO_TRACING_STARTED', 'PROTOCOL_TIMEOUT']);
const METRICS = {
  FCP: 'first-contentful-paint',
  LCP: 'largest-contentful-paint',
  TBT: 'total-blocking-time',
  CLS: 'cumulative-layout-shift',
  SI: 'speed-index',
  bytes: 'total-byte-weight',
};

describe('Lighthouse', { skip: SKIP }, () => {
  let browser;
  before(async () => {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    if (browser) await browser.close();
  });

  it(`the logged-in plan page scores ${MIN_SCORE * 100} or more for performance on a phone`, { timeout: 200000 }, async (t) => {
    const lines = [];
    let best = 0;
    for (let run = 1; run <= RUNS && best < MIN_SCORE; run++) {
      const api = await citizenApi('anna');
      const [name, value] = api.cookie.split('=');
      const page = await browser.newPage();
      await page.setCookie({ name, value, url: `${BASE}/`, httpOnly: true, secure: true, sameSite: 'Strict' });
      const { lhr } = await lighthouse(`${BASE}/#/plan`, { logLevel: 'error', output: 'json', onlyCategories: ['performance'] }, undefined, page);
      // What was measured was the plan, not the login page.
      const shown = await page.$('#dreams-heading');
      await page.close();
      if (lhr.runtimeError && RETRY.has(lhr.runtimeError.code) && run < RUNS) {
        lines.push(`run ${run}: Lighthouse could not record the page load (${lhr.runtimeError.code}); run again`);
        continue;
      }
      assert.equal(lhr.runtimeError, undefined, `Lighthouse: ${JSON.stringify(lhr.runtimeError)}`);
      assert.ok(shown, 'the page Lighthouse loaded shows the plan');
      assert.equal(lhr.configSettings.formFactor, 'mobile');
      assert.equal(lhr.configSettings.throttlingMethod, 'simulate');
      const score = lhr.categories.performance.score;
      assert.equal(typeof score, 'number', 'Lighthouse gave a performance score');
      const values = Object.entries(METRICS).map(([label, id]) => {
        const v = lhr.audits[id]?.numericValue;
        assert.equal(typeof v, 'number', `Lighthouse measured ${id}`);
        return `${label} ${label === 'CLS' ? v.toFixed(3) : Math.round(v)}`;
      });
      lines.push(`run ${run}: performance ${Math.round(score * 100)}, ${values.join(', ')} (ms, bytes; Lighthouse ${lhr.lighthouseVersion})`);
      best = Math.max(best, score);
    }
    for (const l of lines) t.diagnostic(l);
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(path.join(SHOTS, 'lighthouse.txt'), `${lines.join('\n')}\n`);
    assert.ok(best >= MIN_SCORE, `performance ${Math.round(best * 100)} at best:\n${lines.join('\n')}`);
  });
});
