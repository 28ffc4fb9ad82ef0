// The first load of the citizen portal's plan page and of the caseworker
// pages' caseload on a phone – HTML, CSS, JS, fonts, icons and the API
// answers – each weighs under 200 KB as sent (gzip by nginx), with an empty
// cache. The measured weights are printed and written to
// VAR/screenshots/page-weight.txt and admin-page-weight.txt.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BASE, SKIP, SHOTS, adminSettled, citizenApi, launch, phoneContext, staffApi, waitForPlan } from './lib.mjs';

const BUDGET = 200 * 1024;

/** Loads url in ctx (cache empty), waits for ready(page), and returns
 * every response's size as sent: { rows, body, headers, lines }. */
async function measure(ctx, url, ready) {
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
  await page.goto(url);
  await ready(page);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  rows.sort((a, b) => b.body - a.body);
  const body = rows.reduce((n, r) => n + r.body, 0);
  const headers = rows.reduce((n, r) => n + r.headers, 0);
  const lines = rows.map((r) => `${String(r.body).padStart(7)}  ${r.path}`);
  lines.push(`${String(body).padStart(7)}  total (bodies, as sent), ${rows.length} requests`);
  lines.push(`${String(headers).padStart(7)}  response headers`);
  return { rows, body, headers, lines };
}

function report(t, file, m) {
  for (const l of m.lines) t.diagnostic(l);
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(SHOTS, file), `${m.lines.join('\n')}\n`);
}

/** A context logged in as a session made outside it (another device). */
async function loggedIn(browser, api, cookiePath) {
  const ctx = await phoneContext(browser);
  const [name, value] = api.cookie.split('=');
  await ctx.addCookies([{ name, value, url: `${BASE}${cookiePath}`, httpOnly: true, secure: true, sameSite: 'Strict' }]);
  return ctx;
}

describe('page weight', { skip: SKIP }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  it('the plan page loads in under 200 KB compressed, cache empty', async (t) => {
    const ctx = await loggedIn(browser, await citizenApi('mohammed'), '/');
    const m = await measure(ctx, `${BASE}/#/plan`, waitForPlan);
    await ctx.close();
    report(t, 'page-weight.txt', m);
    assert.ok(m.body < BUDGET, `first load is ${m.body} bytes (budget ${BUDGET})`);
    assert.ok(m.rows.some((r) => r.path.endsWith('.woff2')), 'the fonts were part of it');
    assert.ok(!m.rows.some((r) => /IBMPlexSans-(Regular|SemiBold|Bold)\.woff2$/.test(r.path)), 'no full (unsubset) font was needed');
  });

  it('the caseworker pages\' caseload loads in under 200 KB compressed, cache empty', async (t) => {
    const api = await staffApi('peter');
    const ctx = await loggedIn(browser, api, '/admin/');
    // The tab as the login left it: the CSRF token in sessionStorage.
    await ctx.addInitScript((csrf) => sessionStorage.setItem('kaptajn.admin.csrf', csrf), api.csrf);
    const m = await measure(ctx, `${BASE}/admin/#/borgere`, async (page) => {
      await adminSettled(page);
      await page.locator('.caseload-row').first().waitFor();
    });
    await ctx.close();
    report(t, 'admin-page-weight.txt', m);
    assert.ok(m.body < BUDGET, `first load is ${m.body} bytes (budget ${BUDGET})`);
    assert.ok(m.rows.some((r) => r.path === '/admin/api/v1/citizens'), 'the caseload was part of it');
    assert.ok(!m.rows.some((r) => /IBMPlexSans-(Regular|SemiBold|Bold)\.woff2$/.test(r.path)), 'no full (unsubset) font was needed');
  });
});
