// The OpenID Connect login through nginx against the dev IdP as the
// provider, with plain HTTP requests: redirects are followed and cookies
// kept by hand, so that every hop is seen. GET /api/v1/login → the dev
// IdP's authorize (login_hint picks the person) → the callback → a 200 page
// that sets the Strict session cookie and the CSRF handoff cookie and moves
// on by meta refresh. The refusals (state, pre-login cookie, replay, expiry,
// the broker's error) are readable pages that open no session.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';

import { ADMIN, HAVE_DB, SKIP, decodeJwt, describeRes, expectJson, freshCpr, request, sql } from './lib.mjs';

const NEED = SKIP || (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set');
const CITIZEN = { login: '/api/v1/login', session: 'kaptajn_session', csrf: 'kaptajn_csrf', path: '/', home: '/' };
const STAFF = { login: `${ADMIN}/login`, session: 'kaptajn_staff_session', csrf: 'kaptajn_staff_csrf', path: '/admin/', home: '/admin/' };

/** path + query of an absolute URL on this host. */
const local = (url) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

/** The Set-Cookie line of an answer for cookie name, or undefined. */
const cookieLine = (res, name) => res.setCookie.find((l) => l.startsWith(`${name}=`));
/** "name=value" of a Set-Cookie line. */
const pair = (line) => line.split(';')[0];

/** Starts an attempt: { res, authorize (URL), state, cookie ("name=value"), params }. */
async function start(side, query = '') {
  const res = await request('GET', `${side.login}${query}`);
  assert.equal(res.status, 302, describeRes(res));
  const authorize = res.headers.location;
  const params = new URL(authorize).searchParams;
  const line = res.setCookie.find((l) => l.startsWith('kaptajn_login_'));
  assert.ok(line, `no pre-login cookie: ${JSON.stringify(res.setCookie)}`);
  return { res, authorize, params, state: params.get('state'), cookie: pair(line), line };
}

/** The dev IdP's answer to an authorize URL: the callback URL it sends to. */
async function authorize(url) {
  const res = await request('GET', local(url));
  assert.equal(res.status, 302, describeRes(res));
  return res.headers.location;
}

/** The callback with cookie (or none): the answer. */
const callback = (url, cookie) => request('GET', local(url), { cookie });

/** A whole login of sub on side: { page, session ("name=value"), csrf, attempt }. */
async function loginFlow(side, sub, query = '') {
  const at = await start(side, `?login_hint=${encodeURIComponent(sub)}${query}`);
  const cb = await authorize(at.authorize);
  const page = await callback(cb, at.cookie);
  assert.equal(page.status, 200, describeRes(page));
  const s = cookieLine(page, side.session);
  const c = cookieLine(page, side.csrf);
  assert.ok(s && c, `cookies: ${JSON.stringify(page.setCookie)}`);
  return { page, session: pair(s), csrf: pair(c).split('=')[1], attempt: at, callback: cb };
}

/** Asserts a readable Danish page with status and heading, and no session cookie. */
function assertPage(res, status, heading, side = CITIZEN) {
  assert.equal(res.status, status, describeRes(res));
  assert.match(res.headers['content-type'], /^text\/html; charset=utf-8$/);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.match(res.text, /<html lang="da">/);
  assert.ok(res.text.includes(`<h1>${heading}</h1>`), res.text);
  assert.doesNotMatch(res.text, /<script|<style|style=/i, 'inline script or style');
  assert.equal(cookieLine(res, side.session), undefined, 'a session cookie was set');
  assert.equal(cookieLine(res, side.csrf), undefined, 'a csrf cookie was set');
}

const AGAIN = 'Log ind blev ikke gennemført';
const sessions = () => Number(sql('SELECT COUNT(*) FROM sessions')[0][0]);
const stateHash = (state) => crypto.createHash('sha256').update(state).digest('hex');

describe('the OpenID Connect login against the dev IdP', { skip: NEED }, () => {
  it('GET /api/v1/login redirects to the authorize endpoint with code, PKCE S256, state, nonce and a pre-login cookie of its own', async () => {
    const at = await start(CITIZEN, '?login_hint=anna');
    const p = at.params;
    assert.equal(new URL(at.authorize).pathname, '/dev-idp/authorize');
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), 'kaptajn-citizen');
    assert.equal(new URL(p.get('redirect_uri')).pathname, '/api/v1/login/callback');
    assert.ok(p.get('scope').split(' ').includes('openid'));
    assert.equal(p.get('code_challenge_method'), 'S256');
    for (const k of ['state', 'nonce', 'code_challenge']) assert.match(p.get(k), /^[A-Za-z0-9_-]{43}$/, k);
    assert.notEqual(p.get('state'), p.get('nonce'));
    assert.equal(p.get('login_hint'), 'anna');
    assert.equal(at.res.headers['cache-control'], 'no-store');
    assert.match(at.line, /^kaptajn_login_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/api\/v1\/login\/; Max-Age=600$/);
    // The state is kept only as its hash, the binder only as its hash.
    const rows = sql(`SELECT side, HEX(binder_hash), return_to, used_at IS NULL FROM login_attempts WHERE state_hash = UNHEX('${stateHash(at.state)}')`);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0][0], rows[0][2], rows[0][3]], ['citizen', '/', '1']);
    const binder = at.cookie.split('=')[1];
    assert.equal(rows[0][1].toLowerCase(), crypto.createHash('sha256').update(binder).digest('hex'));
  });

  it('the callback answers a 200 page that sets the Strict session cookie and the csrf handoff cookie and moves on to return_to; the session reads and writes', async () => {
    const before = sessions();
    const { page, session, csrf, attempt } = await loginFlow(CITIZEN, 'anna', `&return_to=${encodeURIComponent('/#/plan')}`);
    assertHtml(page);
    assert.match(cookieLine(page, 'kaptajn_session'), /^kaptajn_session=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
    assert.match(cookieLine(page, 'kaptajn_csrf'), /^kaptajn_csrf=[A-Za-z0-9_-]{43}; Secure; SameSite=Strict; Path=\/; Max-Age=120$/);
    assert.ok(page.setCookie.includes(`${attempt.cookie.split('=')[0]}=; HttpOnly; Secure; SameSite=Lax; Path=/api/v1/login/; Max-Age=0`), 'the pre-login cookie is not cleared');
    assert.ok(page.text.includes('<meta http-equiv="refresh" content="0;url=/#/plan">'), page.text);
    assert.ok(page.text.includes('<a href="/#/plan">Fortsæt</a>'));
    assert.equal(sessions(), before + 1);
    const plan = await request('GET', '/api/v1/plan', { cookie: session });
    expectJson(plan, 200);
    const dream = await request('POST', '/api/v1/plan/dreams', { cookie: session, csrf, json: { text: 'Et ønske fra log ind-testen' } });
    const d = expectJson(dream, 201);
    assert.equal((await request('DELETE', `/api/v1/plan/dreams/${d.id}`, { cookie: session, csrf })).status, 204);
    // Without the CSRF token the write is refused, as for every session.
    assert.equal((await request('POST', '/api/v1/plan/dreams', { cookie: session, json: { text: 'x' } })).status, 403);
  });

  it('the session keeps the ID token sealed, never in clear', async () => {
    const { session } = await loginFlow(CITIZEN, 'lars');
    const id = crypto.createHash('sha256').update(session.split('=')[1]).digest('hex');
    const [[len, head]] = sql(`SELECT LENGTH(id_token), HEX(LEFT(id_token, 16)) FROM sessions WHERE id_hash = UNHEX('${id}')`);
    assert.ok(Number(len) > 100 + 28, `id_token length ${len}`);
    assert.doesNotMatch(Buffer.from(head, 'hex').toString('latin1'), /^eyJ/, 'the ID token is stored in clear');
  });

  it('the callback URL opened again is the start-again page (200), no session', async () => {
    const { callback: cb, attempt } = await loginFlow(CITIZEN, 'anna');
    const before = sessions();
    const again = await callback(cb, attempt.cookie);
    assertPage(again, 200, AGAIN);
    assert.ok(again.text.includes('<a href="/api/v1/login">Start forfra</a>'));
    assert.equal(sessions(), before);
  });

  it('the callback without the pre-login cookie is the start-again page, and does not spend the attempt of the browser that has it', async () => {
    const at = await start(CITIZEN, '?login_hint=anna');
    const cb = await authorize(at.authorize);
    assertPage(await callback(cb, undefined), 200, AGAIN);
    assertPage(await callback(cb, 'kaptajn_login_AAAAAAAAAAAAAAAA=x'), 200, AGAIN);
    const [[used]] = sql(`SELECT used_at IS NULL FROM login_attempts WHERE state_hash = UNHEX('${stateHash(at.state)}')`);
    assert.equal(used, '1', 'a callback without the cookie used the attempt');
    // The rightful browser still logs in.
    const ok = await callback(cb, at.cookie);
    assert.equal(ok.status, 200);
    assert.ok(cookieLine(ok, 'kaptajn_session'));
  });

  it('the callback with another attempt\'s cookie value, or only another attempt\'s cookie, is the start-again page', async () => {
    const a = await start(CITIZEN, '?login_hint=anna');
    const b = await start(CITIZEN, '?login_hint=anna');
    const cbA = await authorize(a.authorize);
    const nameA = a.cookie.split('=')[0];
    const valueB = b.cookie.split('=')[1];
    assertPage(await callback(cbA, `${nameA}=${valueB}`), 200, AGAIN);
    assertPage(await callback(cbA, b.cookie), 200, AGAIN);
  });

  it('a forged or malformed state is the start-again page', async () => {
    const a = await start(CITIZEN, '?login_hint=anna');
    const forged = crypto.randomBytes(32).toString('base64url');
    for (const state of [forged, 'short', `${forged}x`, '']) {
      const res = await request('GET', `/api/v1/login/callback?code=abc&state=${encodeURIComponent(state)}`, { cookie: a.cookie });
      assertPage(res, 200, AGAIN);
    }
    assertPage(await request('GET', '/api/v1/login/callback?code=abc'), 200, AGAIN);
  });

  it('an attempt older than ten minutes is the start-again page', async () => {
    const at = await start(CITIZEN, '?login_hint=anna');
    const cb = await authorize(at.authorize);
    sql(`UPDATE login_attempts SET created_at = created_at - 601 WHERE state_hash = UNHEX('${stateHash(at.state)}')`);
    const before = sessions();
    assertPage(await callback(cb, at.cookie), 200, AGAIN);
    assert.equal(sessions(), before);
  });

  it('error=access_denied from the broker is the "Du afbrød log ind" page, no session, and spends the attempt', async () => {
    const at = await start(CITIZEN);
    const res = await request('GET', `/api/v1/login/callback?error=access_denied&state=${at.state}`, { cookie: at.cookie });
    assertPage(res, 200, 'Du afbrød log ind');
    const [[used]] = sql(`SELECT used_at IS NOT NULL FROM login_attempts WHERE state_hash = UNHEX('${stateHash(at.state)}')`);
    assert.equal(used, '1');
  });

  it('a code the broker refuses is the 401 "Log ind mislykkedes" page', async () => {
    const at = await start(CITIZEN, '?login_hint=anna');
    const res = await request('GET', `/api/v1/login/callback?code=not-a-code&state=${at.state}`, { cookie: at.cookie });
    assertPage(res, 401, 'Log ind mislykkedes');
  });

  it('a citizen without a plan is the 403 "Vi har ingen plan til dig i Kaptajn" page', async () => {
    const at = await start(CITIZEN);
    const form = new URLSearchParams(at.params);
    form.set('cpr', freshCpr());
    form.set('name', 'Uden Plan');
    const res = await request('POST', '/dev-idp/authorize', { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 302, describeRes(res));
    assertPage(await callback(res.headers.location, at.cookie), 403, 'Vi har ingen plan til dig i Kaptajn');
  });

  it('two attempts at once both log in, in either order', async () => {
    for (const order of [[0, 1], [1, 0]]) {
      const at = [await start(CITIZEN, '?login_hint=anna'), await start(CITIZEN, '?login_hint=lars')];
      assert.notEqual(at[0].cookie.split('=')[0], at[1].cookie.split('=')[0], 'both attempts share a cookie name');
      const cbs = [await authorize(at[0].authorize), await authorize(at[1].authorize)];
      for (const i of order) {
        const page = await callback(cbs[i], at[i].cookie);
        assert.equal(page.status, 200, describeRes(page));
        const s = cookieLine(page, 'kaptajn_session');
        assert.ok(s, `attempt ${i}: no session`);
        const plan = await request('GET', '/api/v1/plan', { cookie: pair(s) });
        expectJson(plan, 200);
      }
    }
  });

  it('return_to outside the portal is ignored: the page moves on to /', async () => {
    for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/a\nb', `/${'a'.repeat(600)}`]) {
      const { page } = await loginFlow(CITIZEN, 'anna', `&return_to=${encodeURIComponent(bad)}`);
      assert.ok(page.text.includes('<meta http-equiv="refresh" content="0;url=/">'), `${JSON.stringify(bad)}: ${page.text}`);
    }
    // What is echoed is escaped.
    const { page } = await loginFlow(CITIZEN, 'anna', `&return_to=${encodeURIComponent('/#/a"<b>&')}`);
    assert.ok(page.text.includes('content="0;url=/#/a&quot;&lt;b&gt;&amp;"'), page.text);
  });

  it('a staff member logs in through /admin/api/v1/login, with cookies scoped to /admin/', async () => {
    const at = await start(STAFF, '?login_hint=mette');
    assert.equal(at.params.get('client_id'), 'kaptajn-admin');
    assert.match(at.line, /; Path=\/admin\/api\/v1\/login\/; Max-Age=600$/);
    const page = await callback(await authorize(at.authorize), at.cookie);
    assert.equal(page.status, 200, describeRes(page));
    assert.match(cookieLine(page, 'kaptajn_staff_session'), /; HttpOnly; Secure; SameSite=Strict; Path=\/admin\/$/);
    assert.match(cookieLine(page, 'kaptajn_staff_csrf'), /; Secure; SameSite=Strict; Path=\/admin\/; Max-Age=120$/);
    assert.ok(page.text.includes('content="0;url=/admin/"'));
    const staff = pair(cookieLine(page, 'kaptajn_staff_session'));
    expectJson(await request('GET', `${ADMIN}/citizens`, { cookie: staff }), 200);
    // A staff return_to must be under /admin/.
    const other = await start(STAFF, `?login_hint=mette&return_to=${encodeURIComponent('/#/plan')}`);
    const p2 = await callback(await authorize(other.authorize), other.cookie);
    assert.ok(p2.text.includes('content="0;url=/admin/"'), p2.text);
  });

  it('logout ends the session and redirects to the dev IdP\'s end-session URL with the ID token as hint', async () => {
    const { session } = await loginFlow(CITIZEN, 'anna');
    expectJson(await request('GET', '/api/v1/plan', { cookie: session }), 200);
    const res = await request('GET', '/api/v1/logout', { cookie: session });
    assert.equal(res.status, 302, describeRes(res));
    assert.equal(res.headers['cache-control'], 'no-store');
    const u = new URL(res.headers.location);
    assert.equal(u.pathname, '/dev-idp/logout');
    assert.equal(u.searchParams.get('client_id'), 'kaptajn-citizen');
    assert.equal(new URL(u.searchParams.get('post_logout_redirect_uri')).pathname, '/');
    assert.ok(u.searchParams.get('state'));
    const hint = decodeJwt(u.searchParams.get('id_token_hint')).payload;
    assert.equal(hint.sub, 'anna');
    assert.ok(cookieLine(res, 'kaptajn_session').includes('Max-Age=0'));
    assert.equal((await request('GET', '/api/v1/plan', { cookie: session })).status, 401);
    // Without a session it still sends the browser on, with no hint.
    const none = await request('GET', '/api/v1/logout');
    assert.equal(none.status, 302);
    assert.equal(new URL(none.headers.location).searchParams.get('id_token_hint'), null);
  });

  it('staff logout ends the staff session and goes back to /admin/ by way of the dev IdP', async () => {
    const at = await start(STAFF, '?login_hint=mette');
    const page = await callback(await authorize(at.authorize), at.cookie);
    const staff = pair(cookieLine(page, 'kaptajn_staff_session'));
    const res = await request('GET', `${ADMIN}/logout`, { cookie: staff });
    assert.equal(res.status, 302);
    const u = new URL(res.headers.location);
    assert.equal(new URL(u.searchParams.get('post_logout_redirect_uri')).pathname, '/admin/');
    assert.equal((await request('GET', `${ADMIN}/citizens`, { cookie: staff })).status, 401);
  });
});

/** The success page's shape. */
function assertHtml(page) {
  assert.match(page.headers['content-type'], /^text\/html; charset=utf-8$/);
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.match(page.text, /<html lang="da">/);
  assert.doesNotMatch(page.text, /<script|<style|style=/i);
  assert.match(page.headers['content-security-policy'], /script-src 'self'/);
}
