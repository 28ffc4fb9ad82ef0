// The login the production way, in Chromium on the dev stack: the portal's
// "Log ind med MitID" goes to GET /api/v1/login, which sends the browser to
// the dev IdP's picker (/dev-idp/authorize, the code flow's authorization
// endpoint); the picked person comes back through /api/v1/login/callback,
// whose page sets the session cookie and the CSRF handoff cookie and moves
// on to the page the person wanted. The portal then holds the CSRF token in
// sessionStorage only (the cookie is gone) and can write. The same for a
// caseworker on /admin/; two tabs logging in at once; logging out through
// /api/v1/logout and the dev IdP's end-session endpoint; axe on the picker
// and on the callback's pages.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE,
  SKIP,
  adminSettled,
  assertAxe,
  browserSession,
  browserStaffSession,
  holdCitizen,
  launch,
  marker,
  phoneContext,
  shot,
  startShots,
  unexpectedConsoleErrors,
  waitForPlan,
  watchedPage,
} from './lib.mjs';

const CITIZEN = 'mohammed';
const CITIZEN_NAME = 'Mohammed Ali';
const CASEWORKER_NAME = 'Mette Sørensen';

/** The names of the cookies the browser holds, whatever their path. */
async function cookieNames(ctx) {
  return (await ctx.cookies()).map((c) => c.name).sort();
}

/** Waits for the login's callback to answer and returns that answer. */
function callbackResponse(page, prefix = '/api/v1') {
  return page.waitForResponse((r) => new URL(r.url()).pathname === `${prefix}/login/callback`);
}

describe('logging in through the code flow in a browser', { skip: SKIP }, () => {
  let browser;
  let release;
  const mark = marker('login');

  before(async () => {
    release = await holdCitizen(CITIZEN);
    startShots('login');
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (release) release();
  });

  it('a citizen picks a person on the dev IdP, lands on the page wanted, logged in, and can write', async () => {
    const ctx = await phoneContext(browser);
    const { page, seen } = await watchedPage(ctx);
    // The person wanted the history page: the login comes back there.
    await page.goto(`${BASE}/#/historik`);
    await page.getByRole('button', { name: 'Log ind med MitID' }).click();
    await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    const login = seen.urls.find((u) => new URL(u).pathname === '/api/v1/login');
    assert.ok(login, 'the button went to /api/v1/login');
    assert.equal(new URL(login).searchParams.get('return_to'), '/#/historik');
    assert.equal(await page.getAttribute('html', 'lang'), 'da');
    await page.getByRole('link', { name: CITIZEN_NAME, exact: true }).waitFor();
    await assertAxe(page, 'the dev IdP\'s picker page (citizens)');
    await shot(page, 'picker');

    const cb = callbackResponse(page);
    await page.getByRole('link', { name: CITIZEN_NAME, exact: true }).click();
    const res = await cb;
    assert.equal(res.status(), 200, 'the callback answers with its page');
    const set = (await res.headersArray()).filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
    assert.ok(set.some((c) => /^kaptajn_session=[^;]+;.*HttpOnly/.test(c)), `a session cookie: ${set.join(' | ')}`);
    assert.ok(set.some((c) => /^kaptajn_csrf=[^;]+;/.test(c)), 'a handoff cookie');

    await page.waitForURL((u) => u.pathname === '/' && u.hash === '#/historik');
    await page.getByRole('button', { name: 'Log af' }).waitFor();
    const token = await page.evaluate(() => sessionStorage.getItem('kaptajn.csrf'));
    assert.match(token || '', /^\S{16,}$/, 'the CSRF token is in sessionStorage');
    assert.ok(!(await cookieNames(ctx)).includes('kaptajn_csrf'), 'the handoff cookie is deleted');
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie is readable by the page');

    // A write works: the CSRF token the handoff brought is the session's.
    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    const text = `Jeg vil gerne lære at svejse ${mark}`;
    await page.getByRole('button', { name: 'Skriv en ny drøm' }).click();
    await page.getByRole('textbox', { name: 'Din nye drøm' }).fill(text);
    await page.getByRole('button', { name: 'Gem' }).click();
    await page.locator('.dream-text', { hasText: text }).waitFor();
    await page.locator('.dreams-live', { hasText: 'Din drøm er gemt.' }).waitFor();
    await shot(page, 'citizen-wrote');
    const mine = await browserSession(page);
    const plan = (await mine.request('GET', '/api/v1/plan')).json;
    const dream = plan.dreams.find((d) => d.text === text);
    assert.ok(dream, 'the dream is saved');
    assert.equal((await mine.request('DELETE', `/api/v1/plan/dreams/${dream.id}`)).status, 204);

    // Logging out: through /api/v1/logout and the dev IdP's end-session
    // endpoint, back to the portal, logged out, the session dead.
    await page.getByRole('button', { name: 'Log af' }).click();
    await page.getByText('Du er logget af.').waitFor();
    await page.getByRole('button', { name: 'Log ind med MitID' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    const went = seen.urls.map((u) => new URL(u).pathname);
    assert.ok(went.includes('/api/v1/logout'), 'went through /api/v1/logout');
    assert.ok(went.includes('/dev-idp/logout'), 'went through the dev IdP\'s end-session endpoint');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('kaptajn.csrf')), null);
    assert.equal((await mine.request('GET', '/api/v1/plan')).status, 401, 'the old session cookie is refused');
    assert.ok(!(await cookieNames(ctx)).includes('kaptajn_session'), 'the session cookie is cleared');
    await assertAxe(page, 'the portal after logging out');
    await shot(page, 'citizen-logged-out');
    assert.deepEqual(unexpectedConsoleErrors(seen), [], 'no console errors (a CSP refusal would be one)');
    assert.deepEqual(seen.pageErrors, [], 'no uncaught errors');
    await ctx.close();
  });

  it('a caseworker logs in on /admin/ the same way, can write, and logs out', async () => {
    const ctx = await phoneContext(browser);
    const { page, seen } = await watchedPage(ctx);
    await page.goto(`${BASE}/admin/#/forslag`);
    await page.getByRole('button', { name: 'Log ind', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    const login = seen.urls.find((u) => new URL(u).pathname === '/admin/api/v1/login');
    assert.ok(login, 'the button went to /admin/api/v1/login');
    assert.equal(new URL(login).searchParams.get('return_to'), '/admin/#/forslag');
    const person = page.getByRole('link', { name: new RegExp(`^${CASEWORKER_NAME} \\(`) });
    await person.waitFor();
    await assertAxe(page, 'the dev IdP\'s picker page (staff)');
    await shot(page, 'picker-staff');

    const cb = callbackResponse(page, '/admin/api/v1');
    await person.click();
    assert.equal((await cb).status(), 200);
    await page.waitForURL((u) => u.pathname === '/admin/' && u.hash === '#/forslag');
    await adminSettled(page);
    assert.ok(await page.evaluate(() => sessionStorage.getItem('kaptajn.admin.csrf')), 'the CSRF token is in sessionStorage');
    assert.ok(!(await cookieNames(ctx)).includes('kaptajn_staff_csrf'), 'the handoff cookie is deleted');

    // A write gets past the CSRF check with the handed-over token (the
    // empty enrolment is then refused for what it lacks, changing
    // nothing); without the token the same write is refused as CSRF.
    const write = (withToken) =>
      page.evaluate(async (keep) => {
        const token = sessionStorage.getItem('kaptajn.admin.csrf');
        const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
        if (keep) headers['X-CSRF-Token'] = token;
        const r = await fetch('/admin/api/v1/citizens', { method: 'POST', headers, body: '{}', credentials: 'same-origin' });
        return { status: r.status, code: (await r.json()).error.code };
      }, withToken);
    assert.deepEqual(await write(true), { status: 400, code: 'missing_field' });
    assert.equal((await write(false)).status, 403);
    await shot(page, 'staff-logged-in');

    const mine = await browserStaffSession(page);
    await page.getByRole('button', { name: 'Log af' }).click();
    await page.getByText('Du er logget af.').waitFor();
    await page.getByRole('button', { name: 'Log ind', exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/');
    assert.ok(seen.urls.some((u) => new URL(u).pathname === '/admin/api/v1/logout'), 'went through /admin/api/v1/logout');
    assert.equal((await mine.request('GET', '/admin/api/v1/citizens')).status, 401, 'the old session cookie is refused');
    await assertAxe(page, 'the caseworker pages after logging out');
    assert.deepEqual(seen.pageErrors, [], 'no uncaught errors');
    await ctx.close();
  });

  it('two tabs that log in at once both land logged in', async () => {
    const ctx = await phoneContext(browser);
    const a = await ctx.newPage();
    const b = await ctx.newPage();
    for (const p of [a, b]) {
      await p.goto(`${BASE}/`);
      await p.getByRole('button', { name: 'Log ind med MitID' }).click();
      await p.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    }
    // Two attempts in flight, each with its own pre-login cookie.
    const pending = (await cookieNames(ctx)).filter((n) => n.startsWith('kaptajn_login_'));
    assert.equal(pending.length, 2, `two pre-login cookies: ${pending.join(', ')}`);
    await Promise.all(
      [a, b].map(async (p) => {
        await p.getByRole('link', { name: CITIZEN_NAME, exact: true }).click();
        await p.waitForURL((u) => u.pathname === '/' && u.hash === '#/plan');
        await waitForPlan(p);
        await p.getByRole('button', { name: 'Log af' }).waitFor();
      }),
    );
    assert.deepEqual((await cookieNames(ctx)).filter((n) => n.startsWith('kaptajn_login_')), [], 'both pre-login cookies are cleared');
    await ctx.close();
  });

  it('the callback\'s pages for a login that cannot finish are plain pages that pass axe', async () => {
    const ctx = await phoneContext(browser);
    const { page, seen } = await watchedPage(ctx);
    for (const prefix of ['/api/v1', '/admin/api/v1']) {
      // An attempt the server does not know (expired, used, or never made).
      const res = await page.goto(`${BASE}${prefix}/login/callback?code=abc&state=${'x'.repeat(43)}`);
      assert.equal(res.status(), 200, `${prefix}: a page, not an error`);
      assert.match(res.headers()['content-type'], /^text\/html/);
      assert.equal(await page.getAttribute('html', 'lang'), 'da');
      await page.getByRole('heading', { level: 1, name: 'Log ind blev ikke gennemført' }).waitFor();
      const again = page.getByRole('link', { name: 'Start forfra' });
      assert.equal(new URL(await again.getAttribute('href'), BASE).pathname, `${prefix}/login`);
      await assertAxe(page, `${prefix}/login/callback with an unknown attempt`);
      await shot(page, `callback-unknown${prefix === '/api/v1' ? '' : '-staff'}`);
      assert.ok(!(await cookieNames(ctx)).some((n) => /session/.test(n)), 'no session');
    }
    // The broker said no (the person cancelled).
    const res = await page.goto(`${BASE}/api/v1/login/callback?error=access_denied&state=${'y'.repeat(43)}`);
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await assertAxe(page, 'the callback\'s page for a broker\'s error');
    await shot(page, 'callback-error');
    assert.deepEqual(unexpectedConsoleErrors(seen), [], 'no console errors (a CSP refusal would be one)');
    await ctx.close();
  });
});
