// The first load of the plan page on a phone – HTML, CSS, JS, fonts, icons
// and the API answers – weighs under 200 KB as sent (gzip by nginx), with
// an empty cache. The measured weights are printed and written to
// VAR/screenshots/page-weight.txt.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BASE, SKIP, SHOTS, citizenApi, launch, phoneContext, waitForPlan } from './lib.mjs';

const BUDGET = 200 * 1024;

describe('page weight', { skip: SKIP }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  it('the plan page loads in under 200 KB compressed, cache empty', async (t) => {
    // Logged in as another device would be: the session cookie only.
    const api = await citizenApi('mohammed');
    const ctx = await phoneContext(browser);
    const [name, value] = api.cookie.split('=');
    await ctx.addCookies([{ name, value, url: BASE, httpOnly: true, secure: true, sameSite: 'Strict' }]);
    const page = await ctx.newPage();
    const rows = [];
    const pending = [];
    page.on('requestfinished', (req) => {
      pending.push(
        req.sizes().then((s) => {
          const u = new URL(req.url());
          rows.push({ path: u.pathname, body: s.responseBodySize, headers: s.responseHeadersSize });
        }),
      );
    });
    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    await page.evaluate(() => document.fonts.ready);
    await page.waitForLoadState('networkidle');
    await Promise.all(pending);
    await ctx.close();

    rows.sort((a, b) => b.body - a.body);
    const body = rows.reduce((n, r) => n + r.body, 0);
    const headers = rows.reduce((n, r) => n + r.headers, 0);
    const lines = rows.map((r) => `${String(r.body).padStart(7)}  ${r.path}`);
    lines.push(`${String(body).padStart(7)}  total (bodies, as sent), ${rows.length} requests`);
    lines.push(`${String(headers).padStart(7)}  response headers`);
    for (const l of lines) t.diagnostic(l);
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(path.join(SHOTS, 'page-weight.txt'), `${lines.join('\n')}\n`);

    assert.ok(body < BUDGET, `first load is ${body} bytes (budget ${BUDGET})`);
    assert.ok(rows.some((r) => r.path.endsWith('.woff2')), 'the fonts were part of it');
    assert.ok(!rows.some((r) => /IBMPlexSans-(Regular|SemiBold|Bold)\.woff2$/.test(r.path)), 'no full (unsubset) font was needed');
  });
});
