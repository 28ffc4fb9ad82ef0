// The dev IdP as an OpenID provider, through nginx: discovery, the
// authorize endpoint (picker page, login_hint, strict redirect URI, PKCE),
// the token endpoint (client authentication, single-use codes bound to
// client, redirect URI and verifier) and the logout redirect rules. Logs
// nobody in at Kaptajn; changes no data.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import {
  ADMIN_AUD, BASE, CITIZEN_AUD, CITIZEN_ISSUER, SKIP, VAR,
  decodeJwt, expectJson, expectStatus, jwksPublicKeys, request, no5xxTest,
} from './lib.mjs';

const STAFF_ISSUER = 'https://dev-idp.kaptajn.invalid/staff';
const IDP = `${BASE}/dev-idp`;
const CALLBACK = { [CITIZEN_AUD]: `${BASE}/api/v1/login/callback`, [ADMIN_AUD]: `${BASE}/admin/api/v1/login/callback` };

const secret = () => fs.readFileSync(path.join(VAR, 'dev-idp', 'client-secret'), 'utf8').trim();
const users = () => JSON.parse(fs.readFileSync(path.join(VAR, 'dev-idp', 'users.json'), 'utf8')).users;
const rand = () => crypto.randomBytes(32).toString('base64url');
const s256 = (v) => crypto.createHash('sha256').update(v).digest('base64url');

/** A fresh attempt: state, nonce, verifier and its challenge. */
function attempt() {
  const verifier = rand();
  return { state: rand(), nonce: rand(), verifier, challenge: s256(verifier) };
}

/** The authorize path for client with attempt at, changes applied (null drops). */
function authorizePath(at, client = CITIZEN_AUD, changes = {}) {
  const q = {
    response_type: 'code', client_id: client, redirect_uri: CALLBACK[client], scope: 'openid',
    state: at.state, nonce: at.nonce, code_challenge: at.challenge, code_challenge_method: 'S256',
    ...changes,
  };
  for (const k of Object.keys(q)) if (q[k] === null) delete q[k];
  return `/dev-idp/authorize?${new URLSearchParams(q)}`;
}

/** Authorizes sub; returns the code from the 302 (state checked). */
async function codeFor(sub, at, client = CITIZEN_AUD) {
  const res = await request('GET', authorizePath(at, client, { login_hint: sub }));
  expectStatus(res, 302);
  const loc = new URL(res.headers.location);
  assert.equal(`${loc.origin}${loc.pathname}`, CALLBACK[client]);
  assert.equal(loc.searchParams.get('state'), at.state, 'the same state comes back');
  const code = loc.searchParams.get('code');
  assert.match(code, /^[A-Za-z0-9_-]{43}$/);
  return code;
}

/** POSTs to the token endpoint; auth: 'basic' | 'post' | 'none' | { id, secret, how }. */
function exchange(fields, { client = CITIZEN_AUD, auth = 'basic', pass } = {}) {
  const form = new URLSearchParams({ grant_type: 'authorization_code', ...fields });
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const sec = pass ?? secret();
  if (auth === 'basic') headers.Authorization = `Basic ${Buffer.from(`${client}:${sec}`).toString('base64')}`;
  if (auth === 'post') {
    form.set('client_id', client);
    form.set('client_secret', sec);
  }
  for (const k of Object.keys(fields)) if (fields[k] === null) form.delete(k);
  return request('POST', '/dev-idp/oauth/token', { body: form.toString(), headers });
}

function goodFields(code, at, client = CITIZEN_AUD) {
  return { code, redirect_uri: CALLBACK[client], code_verifier: at.verifier };
}

const firstOf = (kind) => users().find((u) => u.kind === kind);

describe('dev IdP discovery documents', { skip: SKIP }, () => {
  for (const [p, issuer, extra] of [
    ['/dev-idp/.well-known/openid-configuration', CITIZEN_ISSUER, 'dk.cpr'],
    ['/dev-idp/staff/.well-known/openid-configuration', STAFF_ISSUER, 'role'],
  ]) {
    it(`${p} names the issuer and the endpoints under dev_idp_url`, async () => {
      const doc = expectJson(await request('GET', p), 200);
      assert.equal(doc.issuer, issuer);
      assert.equal(doc.authorization_endpoint, `${IDP}/authorize`);
      assert.equal(doc.token_endpoint, `${IDP}/oauth/token`);
      assert.equal(doc.jwks_uri, `${IDP}/jwks.json`);
      assert.equal(doc.end_session_endpoint, `${IDP}/logout`);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.deepEqual(doc.grant_types_supported, ['authorization_code']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256', 'RS256']);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
      assert.deepEqual(doc.subject_types_supported, ['public']);
      assert.deepEqual(doc.scopes_supported, ['openid']);
      assert.ok(doc.claims_supported.includes(extra) && doc.claims_supported.includes('nonce'));
    });
  }

  it('the base URL comes from the configuration, not from the Host header', async () => {
    const doc = expectJson(
      await request('GET', '/dev-idp/.well-known/openid-configuration', { headers: { Host: 'evil.example' } }),
      200,
    );
    assert.equal(doc.authorization_endpoint, `${IDP}/authorize`);
  });
});

describe('dev IdP authorize', { skip: SKIP }, () => {
  it('without login_hint shows a Danish picker page of the client\'s kind of people', async () => {
    const res = await request('GET', authorizePath(attempt()));
    expectStatus(res, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.match(res.text, /<html lang="da">/);
    assert.match(res.text, /href="\/css\/app\.css"/);
    assert.doesNotMatch(res.text, /<script|<style|style=/, 'no inline script or style');
    assert.match(res.headers['content-security-policy'], /script-src 'self'/);
    for (const u of users()) {
      const listed = res.text.includes(`data-sub="${u.sub}"`);
      assert.equal(listed, u.kind === 'citizen', `${u.sub} (${u.kind}) listed: ${listed}`);
    }
    assert.match(res.text, /login_hint=/);
    assert.match(res.text, /name="cpr"/, 'citizens get the CPR and name form');
  });

  it('the staff client\'s picker lists the staff and has no CPR form', async () => {
    const res = await request('GET', authorizePath(attempt(), ADMIN_AUD));
    expectStatus(res, 200);
    for (const u of users()) assert.equal(res.text.includes(`data-sub="${u.sub}"`), u.kind === 'staff', u.sub);
    assert.doesNotMatch(res.text, /name="cpr"/);
  });

  it('escapes what the request brings into the page', async () => {
    const res = await request('GET', authorizePath(attempt(), CITIZEN_AUD, { state: '"><script>x</script>' }));
    expectStatus(res, 200);
    assert.doesNotMatch(res.text, /<script>x/);
    assert.match(res.text, /&quot;&gt;&lt;script&gt;|%22%3E%3Cscript%3E/);
  });

  it('with a known login_hint redirects to the callback with a code and the same state', async () => {
    await codeFor(firstOf('citizen').sub, attempt());
    await codeFor(firstOf('staff').sub, attempt(), ADMIN_AUD);
  });

  it('an unknown login_hint, or one of the other kind, shows the picker with a message', async () => {
    for (const [hint, client] of [['nobody-here', CITIZEN_AUD], [firstOf('staff').sub, CITIZEN_AUD], [firstOf('citizen').sub, ADMIN_AUD]]) {
      const res = await request('GET', authorizePath(attempt(), client, { login_hint: hint }));
      expectStatus(res, 200);
      assert.match(res.text, /role="alert"/);
    }
  });

  it('a citizen by CPR number and name, posted, gets a code', async () => {
    const at = attempt();
    const q = new URLSearchParams(authorizePath(at).split('?')[1]);
    q.set('cpr', '0101901234');
    q.set('name', 'Ny Borger');
    const res = await request('POST', '/dev-idp/authorize', {
      body: q.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectStatus(res, 302);
    const code = new URL(res.headers.location).searchParams.get('code');
    const tok = expectJson(await exchange(goodFields(code, at)), 200);
    const { payload } = decodeJwt(tok.id_token);
    assert.equal(payload['dk.cpr'], '0101901234');
    assert.equal(payload.name, 'Ny Borger');
    assert.match(payload.sub, /^dev-/);
  });

  it('a bad CPR number shows the picker with a message, no code', async () => {
    const q = new URLSearchParams(authorizePath(attempt()).split('?')[1]);
    q.set('cpr', '3213901234');
    q.set('name', 'X');
    const res = await request('POST', '/dev-idp/authorize', {
      body: q.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectStatus(res, 200);
    assert.match(res.text, /role="alert"/);
  });

  const refused = [
    ['a redirect_uri that is not the client\'s', { redirect_uri: 'https://evil.example/cb' }],
    ['the other client\'s redirect_uri', { redirect_uri: CALLBACK[ADMIN_AUD] }],
    ['a redirect_uri with more on it', { redirect_uri: `${CALLBACK[CITIZEN_AUD]}?x=1` }],
    ['no redirect_uri', { redirect_uri: null }],
    ['an unknown client', { client_id: 'someone-else' }],
    ['no client', { client_id: null }],
    ['no code_challenge', { code_challenge: null }],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }],
    ['no code_challenge_method', { code_challenge_method: null }],
    ['response_type token', { response_type: 'token' }],
    ['no openid scope', { scope: 'profile' }],
    ['no nonce', { nonce: null }],
  ];
  for (const [what, changes] of refused) {
    it(`${what}: a 400 page and no redirect, even with a login_hint`, async () => {
      const res = await request('GET', authorizePath(attempt(), CITIZEN_AUD, { login_hint: firstOf('citizen').sub, ...changes }));
      expectStatus(res, 400);
      assert.equal(res.headers.location, undefined);
      assert.match(res.headers['content-type'], /^text\/html/);
      assert.doesNotMatch(res.text, /code=/);
    });
  }
});

describe('dev IdP token endpoint', { skip: SKIP }, () => {
  it('a good exchange gives an ES256 ID token with the bound claims', async () => {
    const at = attempt();
    const anna = firstOf('citizen');
    const code = await codeFor(anna.sub, at);
    const tok = expectJson(await exchange(goodFields(code, at)), 200);
    assert.equal(tok.token_type, 'Bearer');
    assert.equal(tok.expires_in, 300);
    assert.equal(typeof tok.access_token, 'string');
    const { header, payload, parts } = decodeJwt(tok.id_token);
    assert.equal(header.alg, 'ES256');
    const key = jwksPublicKeys().find((k) => k.kid === header.kid);
    assert.ok(key, 'signed by a key of jwks.json');
    assert.ok(
      crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: key.key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(parts[2], 'base64url')),
      'the signature holds',
    );
    assert.equal(payload.iss, CITIZEN_ISSUER);
    assert.equal(payload.aud, CITIZEN_AUD);
    assert.equal(payload.azp, CITIZEN_AUD);
    assert.equal(payload.sub, anna.sub);
    assert.equal(payload.nonce, at.nonce);
    const h = crypto.createHash('sha256').update(tok.access_token).digest();
    assert.equal(payload.at_hash, h.subarray(0, 16).toString('base64url'));
    assert.equal(payload.loa, 'https://data.gov.dk/concept/core/nsis/Substantial');
    assert.equal(payload.name, anna.name);
    assert.equal(payload['dk.cpr'], anna.cpr);
    assert.equal(payload.exp - payload.iat, 300);
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 120);
    assert.equal(typeof payload.jti, 'string');
  });

  it('a staff member\'s token has the staff issuer and the role, no CPR; client_secret_post works', async () => {
    const at = attempt();
    const staff = firstOf('staff');
    const code = await codeFor(staff.sub, at, ADMIN_AUD);
    const tok = expectJson(await exchange(goodFields(code, at, ADMIN_AUD), { client: ADMIN_AUD, auth: 'post' }), 200);
    const { payload } = decodeJwt(tok.id_token);
    assert.equal(payload.iss, STAFF_ISSUER);
    assert.equal(payload.aud, ADMIN_AUD);
    assert.equal(payload.azp, ADMIN_AUD);
    assert.equal(payload.role, staff.role);
    assert.equal(payload['dk.cpr'], undefined);
  });

  it('a code used twice: the second is invalid_grant', async () => {
    const at = attempt();
    const code = await codeFor(firstOf('citizen').sub, at);
    expectJson(await exchange(goodFields(code, at)), 200);
    const again = await exchange(goodFields(code, at));
    expectStatus(again, 400);
    assert.equal(again.json.error, 'invalid_grant');
  });

  const badGrants = [
    ['a wrong code_verifier', (f) => ({ ...f, code_verifier: rand() }), {}],
    ['a wrong redirect_uri', (f) => ({ ...f, redirect_uri: CALLBACK[ADMIN_AUD] }), {}],
    ['another client\'s code', (f) => f, { client: ADMIN_AUD }],
    ['an unknown code', (f) => ({ ...f, code: rand() }), {}],
    ['a malformed code', (f) => ({ ...f, code: '../../users.json' }), {}],
  ];
  for (const [what, change, opts] of badGrants) {
    it(`${what}: invalid_grant, and the code is spent`, async () => {
      const at = attempt();
      const code = await codeFor(firstOf('citizen').sub, at);
      const res = await exchange(change(goodFields(code, at)), opts);
      expectStatus(res, 400);
      assert.equal(res.json.error, 'invalid_grant');
      assert.equal(res.json.id_token, undefined);
    });
  }

  it('an expired code is invalid_grant', async () => {
    const at = attempt();
    const code = await codeFor(firstOf('citizen').sub, at);
    // The code's end, kept server side, moved 61 s back.
    const file = path.join(VAR, 'dev-idp', 'codes', crypto.createHash('sha256').update(code).digest('hex'));
    const kept = JSON.parse(fs.readFileSync(file, 'utf8'));
    kept.exp -= 61;
    fs.writeFileSync(file, JSON.stringify(kept));
    const res = await exchange(goodFields(code, at));
    expectStatus(res, 400);
    assert.equal(res.json.error, 'invalid_grant');
  });

  const badClients = [
    ['a wrong secret (basic)', { pass: 'wrong-secret-wrong-secret' }, true],
    ['a wrong secret (post)', { auth: 'post', pass: 'wrong-secret-wrong-secret' }, false],
    ['no client authentication', { auth: 'none' }, false],
    ['an unknown client', { client: 'someone-else' }, true],
  ];
  for (const [what, opts, basic] of badClients) {
    it(`${what}: 401 invalid_client, and the code is not spent`, async () => {
      const at = attempt();
      const code = await codeFor(firstOf('citizen').sub, at);
      const res = await exchange(goodFields(code, at), opts);
      expectStatus(res, 401);
      assert.equal(res.json.error, 'invalid_client');
      if (basic) assert.match(res.headers['www-authenticate'], /^Basic/);
      expectJson(await exchange(goodFields(code, at)), 200);
    });
  }

  it('basic and post authentication at once: invalid_request', async () => {
    const at = attempt();
    const code = await codeFor(firstOf('citizen').sub, at);
    const form = new URLSearchParams({ grant_type: 'authorization_code', ...goodFields(code, at), client_secret: secret() });
    const res = await request('POST', '/dev-idp/oauth/token', {
      body: form.toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${CITIZEN_AUD}:${secret()}`).toString('base64')}`,
      },
    });
    expectStatus(res, 400);
    assert.equal(res.json.error, 'invalid_request');
  });

  it('another grant type: unsupported_grant_type; missing fields: invalid_request', async () => {
    let res = await exchange({ grant_type: 'client_credentials' });
    expectStatus(res, 400);
    assert.equal(res.json.error, 'unsupported_grant_type');
    res = await exchange({ code: rand(), redirect_uri: CALLBACK[CITIZEN_AUD] });
    expectStatus(res, 400);
    assert.equal(res.json.error, 'invalid_request');
  });

  it('answers are not cached', async () => {
    const res = await exchange({ grant_type: 'client_credentials' });
    assert.match(res.headers['cache-control'], /no-store/);
  });
});

describe('dev IdP logout', { skip: SKIP }, () => {
  for (const to of ['/', '/admin/']) {
    it(`redirects to the portal's ${to} with the state`, async () => {
      const q = new URLSearchParams({ post_logout_redirect_uri: `${BASE}${to}`, state: 'abc', client_id: CITIZEN_AUD });
      const res = await request('GET', `/dev-idp/logout?${q}`);
      expectStatus(res, 302);
      assert.equal(res.headers.location, `${BASE}${to}?state=abc`);
    });
  }
  for (const to of ['https://evil.example/', `${BASE}/admin`, `${BASE}/api/v1/plan`, `${BASE}//evil.example/`, '/']) {
    it(`does not redirect to ${to}: a page says you are logged out`, async () => {
      const res = await request('GET', `/dev-idp/logout?${new URLSearchParams({ post_logout_redirect_uri: to })}`);
      expectStatus(res, 200);
      assert.equal(res.headers.location, undefined);
      assert.match(res.text, /Du er logget ud/);
    });
  }
});

describe('dev IdP', { skip: SKIP }, () => {
  no5xxTest();
});
