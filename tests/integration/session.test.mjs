// Logging in with an ID token, the session cookie, logging out, and every
// way a forged or unfit token must be refused. Only logs in (as anna and
// others); changes no plan.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';

import {
  ADMIN_AUD, CITIZEN_ISSUER, LOA, SKIP,
  decodeJwt, devClaims, devToken, devTokenRes, expectError, expectJson, expectStatus,
  forgeToken, jwksPublicKeys, login, postSession, request, sessionCookieOf, signJwt, no5xxTest,
} from './lib.mjs';

const now = () => Math.floor(Date.now() / 1000);

/** Asserts that logging in with this token is refused: 401 invalid_token. */
async function assertRefused(token) {
  const res = await postSession(token);
  expectError(res, 401, 'invalid_token');
  assert.equal(sessionCookieOf(res), null, 'a refused login set a session cookie');
  return res;
}

/** The token with claims changed in its payload, header and signature kept
 * byte for byte. */
function tamper(token, changes) {
  const { payload, parts } = decodeJwt(token);
  const body = Buffer.from(JSON.stringify({ ...payload, ...changes })).toString('base64url');
  return `${parts[0]}.${body}.${parts[2]}`;
}

/** Asserts that logging in with this token works: 201 and a cookie. */
async function assertAccepted(token) {
  const res = await postSession(token);
  const body = expectJson(res, 201);
  assert.ok(sessionCookieOf(res), 'no session cookie');
  return body;
}

describe('login and session', { skip: SKIP }, () => {
  it('dev IdP lists the demo citizens and staff', async () => {
    const body = expectJson(await request('GET', '/dev-idp/users'), 200);
    const bySub = new Map(body.users.map((u) => [u.sub, u]));
    for (const sub of ['anna', 'lars', 'sofie', 'mohammed']) {
      assert.equal(bySub.get(sub)?.kind, 'citizen', `${sub} is not listed as a citizen`);
    }
    for (const sub of ['mette', 'peter']) assert.equal(bySub.get(sub)?.role, 'caseworker', sub);
    for (const sub of ['jonas', 'karin', 'birgitte']) assert.equal(bySub.get(sub)?.role, 'contact', sub);
  });

  it('login with a dev IdP token is 201 with csrf_token and the citizen', async () => {
    const res = await postSession(await devToken({ sub: 'anna' }));
    const body = expectJson(res, 201);
    assert.equal(typeof body.csrf_token, 'string');
    assert.ok(body.csrf_token.length >= 16, 'csrf_token is short');
    assert.ok(body.citizen && body.citizen.id !== undefined, 'citizen.id');
    const users = expectJson(await request('GET', '/dev-idp/users'), 200).users;
    assert.equal(body.citizen.name, users.find((u) => u.sub === 'anna').name);
  });

  it('login sets kaptajn_session HttpOnly, Secure, SameSite=Strict, Path=/', async () => {
    const res = await postSession(await devToken({ sub: 'anna' }));
    expectStatus(res, 201);
    const line = res.setCookie.find((l) => /^\s*kaptajn_session=/.test(l));
    assert.ok(line, `no kaptajn_session in ${JSON.stringify(res.setCookie)}`);
    const attrs = line.split(';').slice(1).map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), line);
    assert.ok(attrs.includes('secure'), line);
    assert.ok(attrs.includes('samesite=strict'), line);
    assert.ok(attrs.includes('path=/'), line);
    assert.ok(sessionCookieOf(res).length >= 16, 'session id is short');
  });

  it('a session works for GET /api/v1/plan', async () => {
    const s = await login('anna');
    expectJson(await s.get('/api/v1/plan'), 200);
  });

  it('every login gets its own session id and CSRF token', async () => {
    const sessions = await Promise.all(Array.from({ length: 12 }, () => login('anna')));
    assert.equal(new Set(sessions.map((s) => s.cookie)).size, sessions.length, 'two logins share a session id');
    assert.equal(new Set(sessions.map((s) => s.csrf)).size, sessions.length, 'two logins share a CSRF token');
  });

  it('login while sending an old session cookie issues a new session id', async () => {
    const old = await login('anna');
    const res = await postSession(await devToken({ sub: 'anna' }), { cookie: old.cookie });
    expectStatus(res, 201);
    const value = sessionCookieOf(res);
    assert.ok(value);
    assert.notEqual(`kaptajn_session=${value}`, old.cookie);
  });

  it('login needs no CSRF token', async () => {
    const res = await postSession(await devToken({ sub: 'mohammed' }), { csrf: undefined });
    expectStatus(res, 201);
  });

  it('an RS256 token from the dev IdP is accepted', async () => {
    const token = await devToken({ sub: 'anna', alg: 'RS256' });
    assert.equal(decodeJwt(token).header.alg, 'RS256', 'the dev IdP did not sign with RS256');
    await assertAccepted(token);
  });

  it('an ES256 token from the dev IdP is accepted', async () => {
    const token = await devToken({ sub: 'anna', alg: 'ES256' });
    assert.equal(decodeJwt(token).header.alg, 'ES256');
    await assertAccepted(token);
  });

  it('a token re-signed here with the dev ES256 key is accepted (control for the forgeries)', async () => {
    await assertAccepted(await forgeToken({ alg: 'ES256' }));
  });

  it('a token re-signed here with the dev RS256 key is accepted (control for the forgeries)', async () => {
    await assertAccepted(await forgeToken({ alg: 'RS256' }));
  });

  it('a token with loa high is accepted', async () => {
    await assertAccepted(await devToken({ sub: 'anna', loa: 'high' }));
  });

  it('a token with loa low is 401', async () => {
    await assertRefused(await devToken({ sub: 'anna', loa: 'low' }));
  });

  it('a token without loa is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['loa'] }));
  });

  it('a token with an unknown loa value is 401', async () => {
    await assertRefused(await forgeToken({ claims: { loa: 'https://data.gov.dk/concept/core/nsis/Substantialx' } }));
  });

  it('an expired token (ttl -120) is 401', async () => {
    await assertRefused(await devToken({ sub: 'anna', ttl: -120 }));
  });

  it('a replayed token is 401 the second time', async () => {
    const token = await devToken({ sub: 'anna' });
    await assertAccepted(token);
    await assertRefused(token);
  });

  it('a token for the admin audience is 401', async () => {
    const res = await devTokenRes({ sub: 'anna', aud: ADMIN_AUD });
    const token = res.status === 200 ? res.text.trim() : await forgeToken({ claims: { aud: ADMIN_AUD } });
    await assertRefused(token);
  });

  it('a token whose aud array holds the citizen audience is accepted', async () => {
    await assertAccepted(await forgeToken({ claims: { aud: ['other-client', 'kaptajn-citizen'] } }));
  });

  it('a token whose aud array lacks the citizen audience is 401', async () => {
    await assertRefused(await forgeToken({ claims: { aud: ['kaptajn-admin', 'other-client'] } }));
  });

  it('a token without aud is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['aud'] }));
  });

  it('a staff token re-addressed to the citizen issuer and audience is 401 (no CPR)', async () => {
    const staff = await devClaims('mette', ADMIN_AUD);
    const payload = { ...staff, iss: CITIZEN_ISSUER, aud: 'kaptajn-citizen', jti: crypto.randomUUID(), iat: now(), nbf: now(), exp: now() + 300 };
    delete payload['dk.cpr'];
    await assertRefused(signJwt({ alg: 'ES256', typ: 'JWT' }, payload));
  });

  it('an unsigned token (alg none, empty signature) is 401', async () => {
    const { payload } = decodeJwt(await forgeToken());
    await assertRefused(signJwt({ alg: 'none', typ: 'JWT' }, payload, { signAs: 'none' }));
  });

  for (const alg of ['None', 'NONE', 'nOnE']) {
    it(`an unsigned token with alg "${alg}" is 401`, async () => {
      const { payload } = decodeJwt(await forgeToken());
      await assertRefused(signJwt({ alg, typ: 'JWT' }, payload, { signAs: 'none' }));
    });
  }

  it('alg none keeping the original signature is 401', async () => {
    const { payload, parts } = decodeJwt(await forgeToken());
    const t = signJwt({ alg: 'none', typ: 'JWT' }, payload, { signAs: 'none' });
    await assertRefused(t + parts[2]);
  });

  it('an ES256 token with an empty signature is 401', async () => {
    const t = await forgeToken({ alg: 'ES256' });
    await assertRefused(t.slice(0, t.lastIndexOf('.') + 1));
  });

  it('an alg "es256" (lower case) header is 401', async () => {
    await assertRefused(await forgeToken({ alg: 'ES256', header: { alg: 'es256' }, sign: { signAs: 'ES256' } }));
  });

  it('an ES384 header is 401', async () => {
    await assertRefused(await forgeToken({ header: { alg: 'ES384' }, sign: { signAs: 'ES256' } }));
  });

  for (const { kid, kty, key } of (SKIP ? [] : safeJwks())) {
    const variants = [
      ['SPKI PEM with a trailing newline', key.export({ type: 'spki', format: 'pem' })],
      ['SPKI PEM without a trailing newline', key.export({ type: 'spki', format: 'pem' }).trimEnd()],
    ];
    if (kty === 'RSA') {
      variants.push(['PKCS#1 PEM with a trailing newline', key.export({ type: 'pkcs1', format: 'pem' })]);
      variants.push(['PKCS#1 PEM without a trailing newline', key.export({ type: 'pkcs1', format: 'pem' }).trimEnd()]);
    }
    variants.push(['DER', key.export({ type: 'spki', format: 'der' })]);
    for (const [what, secret] of variants) {
      it(`HS256 signed with the ${kty} public key (${kid}) as ${what} is 401`, async () => {
        await assertRefused(await forgeToken({ header: { alg: 'HS256', kid }, sign: { signAs: 'HS256', secret } }));
      });
    }
  }

  it('HS256 with an empty secret is 401', async () => {
    await assertRefused(await forgeToken({ header: { alg: 'HS256' }, sign: { signAs: 'HS256', secret: '' } }));
  });

  it('an ES256 header over an RS256 signature is 401', async () => {
    await assertRefused(await forgeToken({ alg: 'ES256', sign: { signAs: 'RS256' } }));
  });

  it('an RS256 header over an ES256 signature is 401', async () => {
    await assertRefused(await forgeToken({ alg: 'RS256', sign: { signAs: 'ES256' } }));
  });

  it('a token signed by a foreign key is 401', async () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await assertRefused(await forgeToken({ sign: { key: privateKey } }));
  });

  it('a token signed by a foreign key that it names in jwk and jku headers is 401', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    await assertRefused(await forgeToken({
      header: { jwk, jku: 'https://attacker.invalid/jwks.json', kid: 'attacker' },
      sign: { key: privateKey },
    }));
  });

  it('a token with its sub changed after signing is 401', async () => {
    await assertRefused(tamper(await forgeToken({ sub: 'anna' }), { sub: 'lars' }));
  });

  it('a token with its CPR changed after signing is 401', async () => {
    const token = await forgeToken({ sub: 'anna' });
    const lars = await devClaims('lars');
    assert.ok(lars['dk.cpr'] && lars['dk.cpr'] !== decodeJwt(token).payload['dk.cpr'], 'dev IdP tokens carry dk.cpr');
    await assertRefused(tamper(token, { 'dk.cpr': lars['dk.cpr'] }));
  });

  it('a token with a crit header is 401', async () => {
    await assertRefused(await forgeToken({ header: { crit: ['x-kaptajn-test'], 'x-kaptajn-test': true } }));
  });

  it('a 20 KB token is 401', async () => {
    await assertRefused(await forgeToken({ claims: { pad: 'x'.repeat(20 * 1024) } }));
  });

  it('a 60 KB token is 401 and the server keeps answering', async () => {
    // 45 KB of claims: 60 KB in base64url, a body still under 64 KiB.
    const token = await forgeToken({ claims: { pad: 'x'.repeat(45 * 1024) } });
    assert.ok(token.length > 60000 && token.length < 64000, `token is ${token.length} bytes`);
    await assertRefused(token);
    expectStatus(await request('GET', '/api/v1/healthz'), 200);
  });

  it('a token with a string exp "9999999999" is 401', async () => {
    await assertRefused(await forgeToken({ claims: { exp: '9999999999' } }));
  });

  it('a token with exp written 1.5e9 is 401', async () => {
    await assertRefused(await forgeToken({ rawPayload: (c) => JSON.stringify(c).replace(/"exp":\d+/, '"exp":1.5e9') }));
  });

  it('a token with a future exp written as a fraction is 401', async () => {
    await assertRefused(await forgeToken({ rawPayload: (c) => JSON.stringify(c).replace(/"exp":(\d+)/, '"exp":$1.5') }));
  });

  it('a token with a future exp as a numeric string is 401', async () => {
    await assertRefused(await forgeToken({ claims: { exp: String(now() + 300) } }));
  });

  it('a token without exp is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['exp'] }));
  });

  it('a token valid for 30 days is 401', async () => {
    await assertRefused(await forgeToken({ claims: { exp: now() + 30 * 86400 } }));
  });

  it('a token not valid before ten minutes from now is 401', async () => {
    await assertRefused(await forgeToken({ claims: { nbf: now() + 600 } }));
  });

  it('a token issued ten minutes in the future is 401', async () => {
    await assertRefused(await forgeToken({ claims: { iat: now() + 600, nbf: now() } }));
  });

  it('a token from another issuer is 401', async () => {
    await assertRefused(await forgeToken({ claims: { iss: 'https://evil.example/citizen' } }));
  });

  it('a token whose issuer has a trailing slash is 401', async () => {
    await assertRefused(await forgeToken({ claims: { iss: `${CITIZEN_ISSUER}/` } }));
  });

  it('a token from the staff issuer is 401', async () => {
    await assertRefused(await forgeToken({ claims: { iss: 'https://dev-idp.kaptajn.invalid/staff' } }));
  });

  it('a token without iss is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['iss'] }));
  });

  it('a token without jti is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['jti'] }));
  });

  it('a token without sub is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['sub'] }));
  });

  it('a token without dk.cpr is 401', async () => {
    await assertRefused(await forgeToken({ drop: ['dk.cpr'] }));
  });

  it('a token with a numeric dk.cpr is 401', async () => {
    const { 'dk.cpr': cpr } = await devClaims('anna');
    await assertRefused(await forgeToken({ claims: { 'dk.cpr': Number(cpr) } }));
  });

  for (const [what, token] of [
    ['garbage', 'not-a-token'],
    ['three empty parts', '..'],
    ['four parts', 'a.b.c.d'],
    ['spaces', 'eyJ hbGc.eyJ zdWI.abc'],
  ]) {
    it(`an id_token that is ${what} is 401`, async () => {
      await assertRefused(token);
    });
  }

  it('an empty id_token is refused (401 invalid_token or 400 invalid_field)', async () => {
    const res = await postSession('');
    expectError(res, [400, 401], res.status === 400 ? 'invalid_field' : 'invalid_token');
    assert.equal(sessionCookieOf(res), null);
  });

  it('login without id_token is 400 missing_field', async () => {
    expectError(await postSession(undefined, { json: {} }), 400, 'missing_field');
  });

  it('login with an unknown field is 400 unknown_field', async () => {
    const token = await devToken({ sub: 'anna' });
    expectError(await postSession(undefined, { json: { id_token: token, remember: true } }), 400, 'unknown_field');
  });

  it('login with malformed JSON is 400 invalid_json', async () => {
    expectError(await postSession(undefined, { body: '{"id_token": "abc', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
  });

  it('login with a form-encoded body is 415', async () => {
    const token = await devToken({ sub: 'anna' });
    const res = await postSession(undefined, { body: `id_token=${token}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('no cookie is 401 unauthorized', async () => {
    expectError(await request('GET', '/api/v1/plan'), 401, 'unauthorized');
  });

  it('a garbage session cookie is 401 unauthorized', async () => {
    expectError(await request('GET', '/api/v1/plan', { cookie: 'kaptajn_session=garbage' }), 401, 'unauthorized');
  });

  it('a session cookie of the right shape but unknown is 401', async () => {
    const s = await login('anna');
    const value = s.cookie.split('=')[1];
    const forged = [...value].reverse().join('');
    expectError(await request('GET', '/api/v1/plan', { cookie: `kaptajn_session=${forged}` }), 401, 'unauthorized');
  });

  it('an empty session cookie is 401', async () => {
    expectError(await request('GET', '/api/v1/plan', { cookie: 'kaptajn_session=' }), 401, 'unauthorized');
  });

  it('a 4 KB session cookie is 401', async () => {
    expectError(await request('GET', '/api/v1/plan', { cookie: `kaptajn_session=${'A'.repeat(4096)}` }), 401, 'unauthorized');
  });

  it('logout is 204', async () => {
    const s = await login('anna');
    expectStatus(await s.del('/api/v1/session'), 204);
  });

  it('after logout the cookie is 401 for GET /api/v1/plan', async () => {
    const s = await login('anna');
    expectStatus(await s.del('/api/v1/session'), 204);
    expectError(await s.get('/api/v1/plan'), 401, 'unauthorized');
  });

  it('after logout the cookie is 401 for POST /api/v1/plan/dreams', async () => {
    const s = await login('anna');
    expectStatus(await s.del('/api/v1/session'), 204);
    expectError(await s.post('/api/v1/plan/dreams', { text: 'after logout' }), 401, 'unauthorized');
  });

  it('after logout the cookie is 401 for GET /api/v1/contact and /api/v1/plan/history', async () => {
    const s = await login('anna');
    expectStatus(await s.del('/api/v1/session'), 204);
    expectError(await s.get('/api/v1/contact'), 401, 'unauthorized');
    expectError(await s.get('/api/v1/plan/history'), 401, 'unauthorized');
  });

  it('logout twice: the second is 401', async () => {
    const s = await login('anna');
    expectStatus(await s.del('/api/v1/session'), 204);
    expectError(await s.del('/api/v1/session'), 401, 'unauthorized');
  });

  it('logout ends only that session, not another of the same citizen', async () => {
    const a = await login('anna');
    const b = await login('anna');
    expectStatus(await a.del('/api/v1/session'), 204);
    expectJson(await b.get('/api/v1/plan'), 200);
  });

  it('a citizen session is 401 on the admin API', async () => {
    const s = await login('anna');
    expectError(await s.get('/admin/api/v1/citizens'), 401);
  });

  it('a staff session is 401 on the citizen API', async () => {
    const token = await devToken({ sub: 'mette', aud: ADMIN_AUD });
    const res = await request('POST', '/admin/api/v1/session', { json: { id_token: token } });
    expectJson(res, 201);
    const pair = /^\s*([^=;\s]+)=([^;]*)/.exec(res.setCookie[0] || '');
    assert.ok(pair, `the admin login set no cookie: ${JSON.stringify(res.setCookie)}`);
    // The staff cookie under its own name and under the citizen's name.
    for (const cookie of new Set([`${pair[1]}=${pair[2]}`, `kaptajn_session=${pair[2]}`])) {
      expectError(await request('GET', '/api/v1/plan', { cookie }), 401, 'unauthorized');
      expectError(
        await request('POST', '/api/v1/plan/dreams', { cookie, csrf: res.json.csrf_token, json: { text: 'staff' } }),
        401, 'unauthorized',
      );
    }
  });

  it('a staff token is 401 at the citizen login', async () => {
    await assertRefused(await devToken({ sub: 'mette', aud: ADMIN_AUD }));
  });

  it('LOA constants match what the dev IdP signs', async () => {
    const { payload } = decodeJwt(await devToken({ sub: 'anna' }));
    assert.equal(payload.loa, LOA.substantial);
    assert.equal(payload.iss, CITIZEN_ISSUER);
    assert.equal(payload.aud, 'kaptajn-citizen');
  });

  no5xxTest();
});

/** The JWKS keys, read at load time; none when the dev IdP dir is absent. */
function safeJwks() {
  try {
    return jwksPublicKeys();
  } catch {
    return [];
  }
}
