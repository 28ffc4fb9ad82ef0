// Kaptajn's OpenID Connect login against a provider it did not write: npm
// oidc-provider (tests/shared/oidc-broker.mjs) as a MitID-like broker for
// citizens and as the municipality's staff provider, on 127.0.0.1 over
// HTTPS with a test CA (oidc_ca_file). A stack of its own (dev mode on, so
// the demo people are there; its citizen_* and staff_* keys point at these
// providers through KAPTAJN_CONFIG_EXTRA). Every login is walked with plain
// HTTP requests through nginx, redirects followed and cookies kept by hand:
// first the whole flow for a citizen and a staff member, then the hostile
// cases, each of which must end with a readable page and no session.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { SKIP, sql, stopOwnStack } from './lib.mjs';
import {
  CookieJar, NSIS, decodeJwt, fetchRaw, haveOpenssl, signJwt, signingKey, startBrokerStack, stopBrokerStack,
} from '../shared/oidc-broker.mjs';

let Provider = null;
try {
  ({ default: Provider } = await import('oidc-provider'));
} catch {
  Provider = null;
}

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-oidcp` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!fs.existsSync(BIN) && `no program at ${BIN}`)
  || (!Provider && 'npm oidc-provider is not installed in tests/integration (scripts/lib.sh kp_npm_install)')
  || (!haveOpenssl() && 'no openssl command for the test CA');

const TIMEOUT_S = 2; // the stack's oidc_timeout
const ADMIN = '/admin/api/v1';

// Staff directory rows this file inserts, and the subjects its provider
// logs in: one equal byte for byte, one differing in case only, one in
// Unicode normalization only ("å" precomposed in the directory, "a" and a
// combining ring from the provider; "ø" has no decomposition).
const STAFF_OK = 'medarbejder-7c1e';
const STAFF_CASE_DIR = 'Kim.Larsen';
const STAFF_CASE_IDP = 'kim.larsen';
const STAFF_NFC = 'søren.åberg'.normalize('NFC');
const STAFF_NFD = STAFF_NFC.normalize('NFD');

describe('OpenID Connect login against npm oidc-provider (a stack of its own)', { skip: NEED }, () => {
  const rig = {};
  let tls;
  let brokers;
  let stack; // the stack's base URL
  let socket;
  const citizens = {
    'mitid-anna': { loa: NSIS.substantial, 'dk.cpr': { demo: 'anna' }, name: 'Anna Jensen' },
    'mitid-low': { loa: NSIS.low, 'dk.cpr': { demo: 'anna' }, name: 'Anna Jensen' },
    'mitid-nobody': { loa: NSIS.substantial, 'dk.cpr': '0101701230', name: 'Ingen Plan' },
  };
  const staff = {
    [STAFF_OK]: { name: 'Sofie Holm', role: 'caseworker' },
    [STAFF_CASE_IDP]: { name: 'Kim Larsen', role: 'caseworker' },
    [STAFF_NFD]: { name: 'Søren Åberg', role: 'caseworker' },
  };

  before(async () => {
    await startBrokerStack(rig, { Provider, dir: VAR, citizens, staff, timeout: TIMEOUT_S });
    ({ tls, stack, socket } = rig);
    brokers = { citizen: rig.citizen, staff: rig.staff };
    const iss = brokers.staff.issuer;
    for (const [sub, name] of [[STAFF_OK, 'Sofie Holm'], [STAFF_CASE_DIR, 'Kim Larsen'], [STAFF_NFC, 'Søren Åberg']]) {
      sql(`INSERT INTO staff (issuer, sub, name, role, title) VALUES ('${iss}', '${sub}', '${name}', 'caseworker', '')`, { socket });
    }
  });

  beforeEach(() => {
    if (!brokers) return;
    brokers.citizen.reset();
    brokers.staff.reset();
  });

  after(() => stopBrokerStack(rig));

  /** GET (or more) on the stack through nginx. */
  const get = (p, opts = {}) => fetchRaw(`${stack}${p}`, opts);

  /** "name=value" pairs of every cookie an answer set with a value. */
  const cookiesOf = (res) => res.setCookie.map((l) => l.split(';')[0]).filter((p) => !/=$/.test(p));

  /** The session cookie (citizen or staff) an answer set with a value, or null. */
  const sessionOf = (res, side = 'citizen') => {
    const name = side === 'citizen' ? 'kaptajn_session' : 'kaptajn_staff_session';
    return cookiesOf(res).find((p) => p.startsWith(`${name}=`)) || null;
  };

  /** GET .../login: { authorize, cookie (the pre-login cookie pair), state }. */
  async function begin(side = 'citizen', hint = 'mitid-anna') {
    const prefix = side === 'citizen' ? '/api/v1' : ADMIN;
    const res = await get(`${prefix}/login${hint ? `?login_hint=${encodeURIComponent(hint)}` : ''}`);
    assert.equal(res.status, 302, `login: ${res.status} ${res.text.slice(0, 300)}`);
    const broker = side === 'citizen' ? brokers.citizen : brokers.staff;
    assert.ok(res.location.startsWith(`${broker.issuer}/`), `login went to ${res.location}`);
    const login = cookiesOf(res).filter((p) => /login/.test(p));
    assert.equal(login.length, 1, `one pre-login cookie: ${JSON.stringify(res.setCookie)}`);
    return { authorize: res.location, cookie: login[0], state: new URL(res.location).searchParams.get('state'), side };
  }

  /**
   * Walks the provider from the authorize URL, as a browser would (its own
   * cookie jar): logs in sub through the picker when login_hint did not
   * already, or cancels. Returns the callback URL the provider sent to.
   */
  async function atProvider(authorize, { sub = 'mitid-anna', cancel = false, jar = new CookieJar() } = {}) {
    let url = authorize;
    for (let i = 0; i < 12; i++) {
      let res = await fetchRaw(url, { ca: tls.caPem, headers: { Cookie: jar.header(url) } });
      jar.take(url, res.setCookie);
      if (res.status === 200 && /name="login"/.test(res.text)) {
        const action = new URL(/action="([^"]+)"/.exec(res.text)[1], url).href;
        res = await fetchRaw(action, {
          method: 'POST', ca: tls.caPem, body: cancel ? 'cancel=1' : `login=${encodeURIComponent(sub)}`,
          headers: { Cookie: jar.header(action), 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        jar.take(action, res.setCookie);
      }
      assert.ok([302, 303].includes(res.status) && res.location, `provider at ${url}: ${res.status} ${res.text.slice(0, 300)}`);
      if (res.location.startsWith(`${stack}/`)) return res.location;
      url = res.location;
    }
    throw new Error('the provider never sent the browser back');
  }

  /** Delivers the callback URL with these cookies. */
  const deliver = (callback, cookie) => fetchRaw(callback, { headers: { Cookie: cookie } });

  /** A whole login: { res (the callback's answer), session, attempt, callback }. */
  async function login(side = 'citizen', sub = 'mitid-anna') {
    const attempt = await begin(side, sub);
    const callback = await atProvider(attempt.authorize, { sub });
    const res = await deliver(callback, attempt.cookie);
    return { res, session: sessionOf(res, side), attempt, callback };
  }

  /** The page is readable HTML in Danish with this text, and a way to start again. */
  function assertPage(res, status, text) {
    assert.equal(res.status, status, `status: ${res.status} ${res.text.slice(0, 400)}`);
    assert.match(res.headers['content-type'] || '', /^text\/html/, 'an HTML page');
    assert.match(res.text, /<html[^>]*lang="da"/, 'lang="da"');
    assert.ok(res.text.includes(text), `the page says "${text}": ${res.text.slice(0, 600)}`);
    assert.match(res.text, /<a href="(\/admin)?\/api\/v1\/login">/, 'a link to start again');
  }

  /** No session came of res: none set, and its cookies do not open the plan. */
  async function assertNoSession(res, side = 'citizen') {
    assert.equal(sessionOf(res, side), null, `a session cookie was set: ${JSON.stringify(res.setCookie)}`);
    const p = side === 'citizen' ? '/api/v1/plan' : `${ADMIN}/citizens`;
    const r = await get(p, { headers: { Cookie: cookiesOf(res).join('; ') || undefined } });
    assert.equal(r.status, 401, `${p} after the refusal: ${r.status}`);
  }

  /** A login whose token response carries idToken(real, claims) instead. */
  async function loginWithToken(idToken) {
    brokers.citizen.tamper.idToken = idToken;
    try {
      return await login();
    } finally {
      brokers.citizen.untamper();
    }
  }

  /** The real token's claims re-signed with the provider's own key. */
  const resign = (real, change) => {
    const { header, claims } = decodeJwt(real);
    return signJwt(header, change({ ...claims }), { key: brokers.citizen.key.privateJwk });
  };

  it('the pools fetched the brokers\' discovery and keys over TLS, trusting oidc_ca_file', () => {
    for (const side of ['citizen', 'staff']) {
      const keys = JSON.parse(fs.readFileSync(path.join(VAR, 'oidc', `${side}.jwks.json`), 'utf8'));
      assert.deepEqual(keys.keys.map((k) => k.kid), [brokers[side].key.kid], `${side} keys`);
    }
  });

  it('a citizen logs in: login, the provider, the callback page with the session cookie, then the plan', async () => {
    const { res, session, attempt } = await login();
    assert.equal(res.status, 200, res.text.slice(0, 400));
    assert.ok(session, `no session cookie: ${JSON.stringify(res.setCookie)}`);
    assert.match(res.text, /http-equiv="refresh"/i, 'moves on to the portal');
    const cleared = res.setCookie.find((l) => l.startsWith(`${attempt.cookie.split('=')[0]}=`));
    assert.ok(cleared && /Max-Age=0|=;/i.test(cleared), `the pre-login cookie is cleared: ${cleared}`);
    const plan = await get('/api/v1/plan', { headers: { Cookie: session } });
    assert.equal(plan.status, 200, plan.text.slice(0, 300));
    const tok = brokers.citizen.stats.token;
    assert.deepEqual(tok.map((t) => t.status), [200], 'one code exchange');
  });

  it('a staff member logs in to the admin pool through the staff provider (client_secret_post)', async () => {
    const { res, session } = await login('staff', STAFF_OK);
    assert.equal(res.status, 200, res.text.slice(0, 400));
    assert.ok(session, `no staff session cookie: ${JSON.stringify(res.setCookie)}`);
    const r = await get(`${ADMIN}/citizens`, { headers: { Cookie: session } });
    assert.equal(r.status, 200, r.text.slice(0, 300));
  });

  it('with the CPR only in userinfo, the citizen logs in through the userinfo endpoint', async () => {
    brokers.citizen.tamper.idTokenOmits = ['dk.cpr'];
    try {
      const { res, session } = await login();
      assert.equal(res.status, 200, res.text.slice(0, 400));
      assert.ok(session, 'a session');
      assert.equal(brokers.citizen.stats.userinfo, 1, 'userinfo was read once');
      assert.equal((await get('/api/v1/plan', { headers: { Cookie: session } })).status, 200);
    } finally {
      brokers.citizen.untamper();
    }
  });

  it('userinfo whose sub is not the ID token\'s is refused: 401 page, no session', async () => {
    brokers.citizen.tamper.idTokenOmits = ['dk.cpr'];
    brokers.citizen.tamper.userinfo = (c) => ({ ...c, sub: 'mitid-someone-else' });
    try {
      const { res } = await login();
      assertPage(res, 401, 'Log ind mislykkedes');
      await assertNoSession(res);
      assert.equal(brokers.citizen.stats.userinfo, 1, 'userinfo was read');
    } finally {
      brokers.citizen.untamper();
    }
  });

  it('a replayed callback (the same URL and cookie again) gives the start-again page and no session', async () => {
    const { res, attempt, callback } = await login();
    assert.equal(res.status, 200);
    const again = await deliver(callback, attempt.cookie);
    assertPage(again, 200, 'Log ind blev ikke gennemført');
    await assertNoSession(again);
  });

  it('a forged state (with the attempt\'s own cookie and code) gives the start-again page and no session', async () => {
    const attempt = await begin();
    const cb = new URL(await atProvider(attempt.authorize));
    cb.searchParams.set('state', 'x'.repeat(43));
    const res = await deliver(cb.href, attempt.cookie);
    assertPage(res, 200, 'Log ind blev ikke gennemført');
    await assertNoSession(res);
    assert.equal(brokers.citizen.stats.token.length, 0, 'the code was not sent to the provider');
  });

  it('the callback without the pre-login cookie gives the start-again page and no session', async () => {
    const attempt = await begin();
    const res = await deliver(await atProvider(attempt.authorize), '');
    assertPage(res, 200, 'Log ind blev ikke gennemført');
    await assertNoSession(res);
  });

  it('a code used twice (again, with a fresh attempt\'s state and cookie): the provider refuses it (401 page, no session)', async () => {
    const first = await login();
    assert.ok(first.session);
    const b = await begin();
    const cb = new URL(first.callback);
    cb.searchParams.set('state', b.state);
    const res = await deliver(cb.href, b.cookie);
    assertPage(res, 401, 'Log ind mislykkedes');
    await assertNoSession(res);
    assert.deepEqual(brokers.citizen.stats.token.at(-1), { status: 400, error: 'invalid_grant' });
    // The provider checks B's verifier first: the code is refused either way.
    assert.match(brokers.citizen.stats.grantErrors.at(-1), /PKCE|consumed/);
  });

  it('a code the provider already redeemed (with the right verifier) is refused when Kaptajn exchanges it: 401 page', async () => {
    const attempt = await begin();
    const callback = await atProvider(attempt.authorize);
    // Someone else redeems the code first, with the attempt's verifier.
    const [[verifier]] = sql(`SELECT verifier FROM login_attempts WHERE state_hash = UNHEX(SHA2('${attempt.state}', 256))`, { socket });
    const b = brokers.citizen;
    const first = await fetchRaw(`${b.issuer}/token`, {
      method: 'POST', ca: tls.caPem,
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: new URL(callback).searchParams.get('code'),
        redirect_uri: `${stack}/api/v1/login/callback`, code_verifier: verifier,
      }).toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${b.clientId}:${b.clientSecret}`).toString('base64')}`,
      },
    });
    assert.equal(first.status, 200, first.text);
    const res = await deliver(callback, attempt.cookie);
    assertPage(res, 401, 'Log ind mislykkedes');
    await assertNoSession(res);
    assert.deepEqual(b.stats.token.map((t) => t.status), [200, 400]);
    assert.match(b.stats.grantErrors.at(-1), /already consumed/);
  });

  it('PKCE: a code of attempt A delivered with attempt B\'s state and cookie is refused by the provider', async () => {
    const a = await begin();
    const codeA = await atProvider(a.authorize);
    const b = await begin();
    const cb = new URL(codeA);
    cb.searchParams.set('state', b.state);
    const res = await deliver(cb.href, b.cookie);
    assertPage(res, 401, 'Log ind mislykkedes');
    await assertNoSession(res);
    assert.deepEqual(brokers.citizen.stats.token.at(-1), { status: 400, error: 'invalid_grant' });
    assert.match(brokers.citizen.stats.grantErrors.at(-1), /PKCE/);
  });

  const forged = [
    ['a wrong nonce', (t) => resign(t, (c) => ({ ...c, nonce: 'not-the-nonce-of-this-attempt' }))],
    ['no nonce', (t) => resign(t, (c) => { delete c.nonce; return c; })],
    ['the audience of another client', (t) => resign(t, (c) => ({ ...c, aud: 'another-client' }))],
    ['an audience list with another client', (t) => resign(t, (c) => ({ ...c, aud: [c.aud, 'another-client'] }))],
    ['an expired token', (t) => resign(t, (c) => ({ ...c, iat: c.iat - 7200, exp: c.iat - 3600 }))],
    ['another issuer', (t) => resign(t, (c) => ({ ...c, iss: `${c.iss}/other` }))],
    ['alg none', (t) => {
      const { header, claims } = decodeJwt(t);
      return signJwt({ ...header, alg: 'none' }, claims);
    }],
    ['HS256 keyed with the provider\'s public key (PEM)', (t) => {
      const { header, claims } = decodeJwt(t);
      return signJwt({ ...header, alg: 'HS256' }, claims, { secret: brokers.citizen.key.publicPem });
    }],
    ['a signature that does not match the claims', (t) => {
      const [h, , s] = t.split('.');
      const { claims } = decodeJwt(t);
      return `${h}.${Buffer.from(JSON.stringify({ ...claims, 'dk.cpr': '0101701230' })).toString('base64url')}.${s}`;
    }],
  ];
  for (const [what, make] of forged) {
    it(`an ID token with ${what} in the token response is refused: 401 page, no session`, async () => {
      const { res } = await loginWithToken(make);
      assertPage(res, 401, 'Log ind mislykkedes');
      await assertNoSession(res);
    });
  }

  it('a token signed by a key the JWKS lacks: one JWKS fetch, refusal; a second within the minute fetches nothing', async () => {
    const rogue = signingKey('rogue-key-1');
    const stats = brokers.citizen.stats;
    const first = await loginWithToken((t) => signJwt({ alg: 'ES256', kid: rogue.kid }, decodeJwt(t).claims, { key: rogue.privateKey }));
    assertPage(first.res, 401, 'Log ind mislykkedes');
    await assertNoSession(first.res);
    assert.equal(stats.jwks, 1, 'one JWKS fetch for the unknown kid');
    const second = await loginWithToken((t) => signJwt({ alg: 'ES256', kid: 'rogue-key-2' }, decodeJwt(t).claims, { key: rogue.privateKey }));
    assertPage(second.res, 401, 'Log ind mislykkedes');
    await assertNoSession(second.res);
    assert.equal(stats.jwks, 1, 'no JWKS fetch for a second unknown kid within the minute');
    assert.deepEqual(stats.token.map((t) => t.status), [200, 200], 'both codes were exchanged');
  });

  it('a broker that rotated to a new key: the token with the new kid logs in after exactly one JWKS fetch', async () => {
    // The early fetch is once a minute per host; the case above used it.
    // Its stamp file going stands for that minute having passed.
    fs.rmSync(path.join(VAR, 'oidc', 'citizen.early-refresh'), { force: true });
    const next = signingKey('rotated-key-1');
    const stats = brokers.citizen.stats;
    const before = stats.jwks;
    brokers.citizen.tamper.extraKeys = [next.publicJwk];
    const { res } = await loginWithToken((t) => signJwt({ alg: 'ES256', kid: next.kid }, decodeJwt(t).claims, { key: next.privateKey }));
    assert.equal(res.status, 200, res.text.slice(0, 400));
    assert.equal(stats.jwks - before, 1, 'one JWKS fetch for the new kid');
    const keys = JSON.parse(fs.readFileSync(path.join(VAR, 'oidc', 'citizen.jwks.json'), 'utf8'));
    assert.ok(keys.keys.some((k) => k.kid === next.kid), 'the cached keys hold the new key');
  });

  it('a slow token endpoint: a 503 page within oidc_timeout and a little, while the pool answers others at once', async () => {
    const { session } = await login();
    assert.ok(session);
    brokers.citizen.tamper.delayMs = (TIMEOUT_S + 4) * 1000;
    try {
      const attempt = await begin();
      const callback = await atProvider(attempt.authorize);
      const t0 = Date.now();
      const pending = deliver(callback, attempt.cookie);
      await sleep(300);
      const t1 = Date.now();
      const other = await get('/api/v1/plan', { headers: { Cookie: session } });
      const otherMs = Date.now() - t1;
      const res = await pending;
      const ms = Date.now() - t0;
      assert.equal(other.status, 200);
      assert.ok(otherMs < 1000, `another request waited ${otherMs} ms`);
      assertPage(res, 503, 'MitID svarer ikke lige nu');
      await assertNoSession(res);
      assert.ok(ms < (TIMEOUT_S + 1.5) * 1000, `the page came after ${ms} ms`);
      // The provider's late answer lands here, not in the next test.
      for (let i = 0; i < 100 && brokers.citizen.stats.token.length < 2; i++) await sleep(100);
    } finally {
      brokers.citizen.untamper();
    }
  });

  it('a token endpoint that answers 500: a 503 page, no session', async () => {
    brokers.citizen.tamper.fail500 = true;
    try {
      const { res } = await login();
      assertPage(res, 503, 'MitID svarer ikke lige nu');
      await assertNoSession(res);
    } finally {
      brokers.citizen.untamper();
    }
  });

  it('error=access_denied from the provider (the person cancelled): the cancelled page, no session', async () => {
    const attempt = await begin('citizen', null);
    const callback = await atProvider(attempt.authorize, { cancel: true });
    assert.equal(new URL(callback).searchParams.get('error'), 'access_denied');
    const res = await deliver(callback, attempt.cookie);
    assertPage(res, 200, 'Du afbrød log ind');
    await assertNoSession(res);
    assert.equal(brokers.citizen.stats.token.length, 0, 'no code exchange');
  });

  it('a citizen whose loa is below substantial is refused: 401 page, no session', async () => {
    const { res } = await login('citizen', 'mitid-low');
    assertPage(res, 401, 'Log ind mislykkedes');
    await assertNoSession(res);
  });

  it('a CPR without a plan in Kaptajn: the 403 page, no session', async () => {
    const { res } = await login('citizen', 'mitid-nobody');
    assertPage(res, 403, 'Vi har ingen plan til dig i Kaptajn');
    await assertNoSession(res);
  });

  it('a staff subject that differs from the directory\'s only in case is refused: 403 page, no session', async () => {
    assert.notEqual(STAFF_CASE_DIR, STAFF_CASE_IDP);
    const { res } = await login('staff', STAFF_CASE_IDP);
    assertPage(res, 403, 'Du har ikke adgang');
    await assertNoSession(res, 'staff');
  });

  it('a staff subject that differs only in Unicode normalization (NFD against the directory\'s NFC) is refused', async () => {
    assert.notEqual(Buffer.from(STAFF_NFC).toString('hex'), Buffer.from(STAFF_NFD).toString('hex'));
    const { res } = await login('staff', STAFF_NFD);
    assertPage(res, 403, 'Du har ikke adgang');
    await assertNoSession(res, 'staff');
  });

  it('logout goes to the provider\'s end_session endpoint with id_token_hint, which the provider accepts, and the session is dead', async () => {
    const { session } = await login();
    const res = await get('/api/v1/logout', { headers: { Cookie: session } });
    assert.equal(res.status, 302, res.text.slice(0, 300));
    const to = new URL(res.location);
    assert.equal(`${to.origin}${to.pathname}`, `${brokers.citizen.issuer}/session/end`);
    assert.equal(to.searchParams.get('post_logout_redirect_uri'), `${stack}/`);
    assert.equal(to.searchParams.get('client_id'), 'kaptajn-citizen');
    const hint = decodeJwt(to.searchParams.get('id_token_hint')).claims;
    assert.equal(hint.sub, 'mitid-anna');
    assert.equal(hint.iss, brokers.citizen.issuer);
    assert.equal((await get('/api/v1/plan', { headers: { Cookie: session } })).status, 401, 'the session is dead');
    // The provider accepts the hint and the URI: its confirmation form, then back to the portal.
    const page = await fetchRaw(res.location, { ca: tls.caPem });
    assert.equal(page.status, 200, page.text.slice(0, 400));
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.text)[1];
    const confirm = await fetchRaw(`${brokers.citizen.issuer}/session/end/confirm`, {
      method: 'POST', ca: tls.caPem, body: `xsrf=${xsrf}&logout=yes`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: page.setCookie.map((l) => l.split(';')[0]).join('; ') },
    });
    assert.equal(confirm.status, 303, confirm.text.slice(0, 300));
    assert.equal(new URL(confirm.location).origin + new URL(confirm.location).pathname, `${stack}/`);
  });

  it('the stack stops cleanly with no sanitizer report in its logs', async () => {
    await stopOwnStack(VAR);
  });
});

describe('KAPTAJN_CONFIG_EXTRA: a test stack\'s config lines (scripts/lib.sh kp_config_extra)', () => {
  const LIB = path.join(REPO, 'scripts', 'lib.sh');
  const run = (file, extra) => spawnSync('bash', ['-c', '. "$1"; kp_config_extra "$2"', 'x', LIB, file], {
    env: { ...process.env, KAPTAJN_CONFIG_EXTRA: extra }, encoding: 'utf8',
  });
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-extra-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces the lines of its keys in place, adds the others at the end, skips comments and blank lines', () => {
    const f = path.join(dir, 'a.conf');
    fs.writeFileSync(f, '# head\ncitizen_jwks = /x.json\npublic_url = http://a\npublic_url = http://b\nkeys_file = /k\n');
    const r = run(f, '# a comment\n\ncitizen_jwks =\npublic_url = http://127.0.0.1:9\noidc_ca_file = /ca.pem\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(f, 'utf8'),
      '# head\ncitizen_jwks =\npublic_url = http://127.0.0.1:9\nkeys_file = /k\noidc_ca_file = /ca.pem\n');
    assert.deepEqual(fs.readdirSync(dir), ['a.conf'], 'no temporary file left');
  });

  it('refuses a line that is not "key = value", naming it, and leaves the file as it was', () => {
    const f = path.join(dir, 'b.conf');
    fs.writeFileSync(f, 'public_url = http://a\n');
    const r = run(f, 'public_url = http://b\nnot a setting\n');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /KAPTAJN_CONFIG_EXTRA: not a key = value line: not a setting/);
    assert.equal(fs.readFileSync(f, 'utf8'), 'public_url = http://a\n');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.conf', 'b.conf'], 'no temporary file left');
  });
});
