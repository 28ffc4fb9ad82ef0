// Token attacks SECURITY.md implies, against both logins through nginx:
// the citizen login (/api/v1/session) and the staff login
// (/admin/api/v1/session). session.test.mjs and admin-session.test.mjs hold
// the first set; this file runs one table of attacks against both pools:
// unsigned and algorithm confusion, kid tricks (another key, the other
// algorithm's key, path traversal, SQL), key URLs in the header (jku, x5u,
// x5c, jwk), claims of the wrong type or out of time, wrong issuer and
// audience, duplicate members, huge tokens and a concurrent replay. Each is
// 401 invalid_token with no cookie. Only logs in; changes no plan.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import {
  ADMIN_AUD, CITIZEN_AUD, CITIZEN_ISSUER, LOA, SKIP, STAFF_ISSUER, VAR,
  decodeJwt, devKeys, expectError, expectJson, expectStatus, forgeToken, healthyTest, jwksPublicKeys, no5xxTest,
  postSession, postStaffSession, request, sessionCookieOf, signJwt, staffCookieOf,
} from './lib.mjs';

const now = () => Math.floor(Date.now() / 1000);

const POOLS = [
  { name: 'citizen', sub: 'anna', aud: CITIZEN_AUD, iss: CITIZEN_ISSUER, post: postSession, cookieOf: sessionCookieOf },
  { name: 'staff', sub: 'mette', aud: ADMIN_AUD, iss: STAFF_ISSUER, post: postStaffSession, cookieOf: staffCookieOf },
];

/** A base64url JSON segment of raw text (for members JSON.stringify cannot repeat). */
const seg = (text) => Buffer.from(text, 'utf8').toString('base64url');

/** The payload as JSON text with `claim` written as the raw literal `raw`. */
const withRaw = (claim, raw) => (c) => JSON.stringify(c).replace(new RegExp(`"${claim.replace('.', '\\.')}":("[^"]*"|-?[0-9.e+]+)`), `"${claim}":${raw}`);

// Keys that are not ours, made once (an RSA key takes a while).
const foreign = {};
const foreignEc = () => (foreign.ec ||= crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const foreignRsa = () => (foreign.rsa ||= crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }));
const kidOf = (kty) => devKeys().jwks.keys.find((k) => k.kty === kty)?.kid;

// Each attack: (forge, pool) => a token (forge is forgeToken bound to the
// pool's sub and audience).
const ATTACKS = [
  // Algorithms.
  ['alg none with an empty signature', (f) => f({ header: { alg: 'none' }, sign: { signAs: 'none' } })],
  ['alg "NONE"', (f) => f({ header: { alg: 'NONE' }, sign: { signAs: 'none' } })],
  ['alg PS256 over an RS256 signature', (f) => f({ alg: 'RS256', header: { alg: 'PS256' } })],
  ['alg HS512 signed with the EC public key PEM', (f) => f({ header: { alg: 'HS512' }, sign: { signAs: 'HS256', secret: pubPem('EC') } })],
  ['alg EdDSA', (f) => f({ header: { alg: 'EdDSA' } })],
  ['alg ES256 written with a trailing space', (f) => f({ header: { alg: 'ES256 ' }, sign: { signAs: 'ES256' } })],
  ['alg as an array ["ES256"]', (f) => f({ header: { alg: ['ES256'] }, sign: { signAs: 'ES256' } })],
  ['HS256 signed with the EC public key PEM', (f) => f({ header: { alg: 'HS256' }, sign: { signAs: 'HS256', secret: pubPem('EC') } })],
  ['HS256 signed with the RSA public key PEM', (f) => f({ header: { alg: 'HS256' }, sign: { signAs: 'HS256', secret: pubPem('RSA') } })],
  ['HS256 signed with the JWKS file as the secret', (f) => f({ header: { alg: 'HS256' }, sign: { signAs: 'HS256', secret: jwksFile() } })],
  ['HS256 with an empty secret', (f) => f({ header: { alg: 'HS256' }, sign: { signAs: 'HS256', secret: '' } })],
  ['an ES256 header over an RS256 signature', (f) => f({ alg: 'ES256', sign: { signAs: 'RS256' } })],
  ['a foreign EC key', (f) => f({ sign: { key: foreignEc().privateKey } })],
  ['a crit header', (f) => f({ header: { crit: ['exp'] } })],
  ['typ "at+jwt"', (f) => f({ header: { typ: 'at+jwt' } })],
  ['a header member given twice (alg none, then ES256)', (f) => f({ rawHeader: '{"alg":"none","alg":"ES256","typ":"JWT"}' })],
  // kid: only a hint; a token is verified with our keys of its algorithm.
  ['a foreign EC key whose kid names our EC key', (f) => f({ header: { kid: kidOf('EC') }, sign: { key: foreignEc().privateKey } })],
  ['a foreign RSA key whose kid names our EC key (the other algorithm)', (f) => f({ alg: 'RS256', header: { kid: kidOf('EC') }, sign: { key: foreignRsa().privateKey } })],
  ['a foreign RSA key whose kid names our RSA key', (f) => f({ alg: 'RS256', header: { kid: kidOf('RSA') }, sign: { key: foreignRsa().privateKey } })],
  ['HS256, kid ../../../../../../dev/null and an empty secret', (f) => f({ header: { alg: 'HS256', kid: '../../../../../../dev/null' }, sign: { signAs: 'HS256', secret: '' } })],
  ['HS256, kid naming the JWKS file by path, signed with that file', (f) => f({ header: { alg: 'HS256', kid: jwksPath() }, sign: { signAs: 'HS256', secret: jwksFile() } })],
  ['HS256, kid with SQL (\' UNION SELECT \'k\' --) signed with k', (f) => f({ header: { alg: 'HS256', kid: "x' UNION SELECT 'k' -- " }, sign: { signAs: 'HS256', secret: 'k' } })],
  ['a kid that is an object', (f) => f({ header: { kid: { path: '/dev/null' } } })],
  ['a kid that is a number', (f) => f({ header: { kid: 1 } })],
  // Keys named by the token.
  ['a foreign key named in jwk', (f) => { const k = foreignEc(); return f({ header: { jwk: k.publicKey.export({ format: 'jwk' }) }, sign: { key: k.privateKey } }); }],
  ['a foreign key at a jku URL', (f) => f({ header: { jku: 'https://attacker.invalid/jwks.json', kid: 'attacker' }, sign: { key: foreignEc().privateKey } })],
  ['a foreign key at an x5u URL', (f) => f({ header: { x5u: 'https://attacker.invalid/cert.pem' }, sign: { key: foreignEc().privateKey } })],
  ['a foreign key in an x5c chain', (f) => f({ header: { x5c: [Buffer.from('not a certificate').toString('base64')] }, sign: { key: foreignEc().privateKey } })],
  ['a jku pointing at our own JWKS, signed by a foreign key', (f) => f({ header: { jku: '/dev-idp/jwks.json' }, sign: { key: foreignEc().privateKey } })],
  // Time.
  ['an exp of two minutes ago (past the 60 s skew)', (f) => f({ claims: { iat: now() - 300, nbf: now() - 300, exp: now() - 120 } })],
  ['nbf two minutes ahead (past the skew)', (f) => f({ claims: { nbf: now() + 120 } })],
  ['iat two minutes ahead', (f) => f({ claims: { iat: now() + 120, exp: now() + 400 } })],
  ['nbf ten minutes ahead', (f) => f({ claims: { nbf: now() + 600 } })],
  ['nbf as a string', (f) => f({ claims: { nbf: String(now()) } })],
  ['nbf as a fraction', (f) => f({ rawPayload: withRaw('nbf', `${now()}.5`) })],
  ['iat as a string', (f) => f({ claims: { iat: String(now()) } })],
  ['iat as a fraction', (f) => f({ rawPayload: withRaw('iat', `${now()}.25`) })],
  ['iat missing', (f) => f({ drop: ['iat'] })],
  ['iat negative', (f) => f({ claims: { iat: -1 } })],
  ['exp as a string', (f) => f({ claims: { exp: String(now() + 300) } })],
  ['exp written 1.5e9', (f) => f({ rawPayload: withRaw('exp', '1.5e9') })],
  ['exp as a fraction', (f) => f({ rawPayload: withRaw('exp', `${now() + 300}.5`) })],
  ['exp null', (f) => f({ claims: { exp: null } })],
  ['exp true', (f) => f({ claims: { exp: true } })],
  ['exp as an array', (f) => f({ claims: { exp: [now() + 300] } })],
  ['exp as an object', (f) => f({ claims: { exp: { $numberLong: String(now() + 300) } } })],
  ['exp 2^63 - 1', (f) => f({ rawPayload: withRaw('exp', '9223372036854775807') })],
  ['exp past 2^64', (f) => f({ rawPayload: withRaw('exp', '99999999999999999999999') })],
  ['exp negative', (f) => f({ claims: { exp: -1 } })],
  ['exp missing', (f) => f({ drop: ['exp'] })],
  ['a lifetime of a day', (f) => f({ claims: { exp: now() + 86400 } })],
  ['exp given twice (past, then future)', (f, p) => f({ rawPayload: (c) => JSON.stringify(c).replace(/^\{/, `{"exp":${now() - 3600},`) })],
  // Issuer and audience.
  ['another issuer', (f) => f({ claims: { iss: 'https://evil.example/' } })],
  ['the issuer in other case', (f, p) => f({ claims: { iss: p.iss.toUpperCase() } })],
  ['the issuer with a trailing slash', (f, p) => f({ claims: { iss: `${p.iss}/` } })],
  ['the issuer as an array', (f, p) => f({ claims: { iss: [p.iss] } })],
  ['the issuer with a NUL and more after it', (f, p) => f({ claims: { iss: `${p.iss}\u0000.evil` } })],
  ['the other pool\'s issuer', (f, p) => f({ claims: { iss: p.iss === CITIZEN_ISSUER ? STAFF_ISSUER : CITIZEN_ISSUER } })],
  ['aud missing', (f) => f({ drop: ['aud'] })],
  ['aud as an object', (f, p) => f({ claims: { aud: { [p.aud]: true } } })],
  ['aud as an array of other audiences', (f) => f({ claims: { aud: ['kaptajn', 'other'] } })],
  ['aud with a prefix of ours', (f, p) => f({ claims: { aud: p.aud.slice(0, -1) } })],
  ['aud with a NUL and more after it', (f, p) => f({ claims: { aud: `${p.aud}\u0000x` } })],
  // Identity and assurance.
  ['sub as a number', (f) => f({ claims: { sub: 12345 } })],
  ['sub empty', (f) => f({ claims: { sub: '' } })],
  ['sub with a NUL', (f, p) => f({ claims: { sub: `${p.sub}\u0000x` } })],
  ['jti as a number', (f) => f({ claims: { jti: 42 } })],
  ['jti empty', (f) => f({ claims: { jti: '' } })],
  ['jti missing', (f) => f({ drop: ['jti'] })],
  ['loa low', (f) => f({ claims: { loa: LOA.low } })],
  ['loa missing', (f) => f({ drop: ['loa'] })],
  ['loa as an array holding High', (f) => f({ claims: { loa: [LOA.high] } })],
  ['loa High in other case', (f) => f({ claims: { loa: LOA.high.toLowerCase() } })],
  // Shape and size.
  ['a payload that is an array', (f) => f({ rawPayload: (c) => JSON.stringify([c]) })],
  ['a payload that is not JSON', (f) => f({ rawPayload: () => 'exp=9999999999' })],
  ['a payload with invalid UTF-8', (f) => f({ rawPayload: (c) => `${JSON.stringify(c).slice(0, -1)},"x":"\u00c3("}`, latin1: true })],
  ['a token with padding "=" in a segment', async (f) => (await f()).replace(/\.([^.]*)\./, '.$1==.')],
  ['a token with a newline appended', async (f) => `${await f()}\n`],
  ['a token with a space inside', async (f) => (await f()).replace('.', ' .')],
  ['a 9 KB token (over the 8 KiB cap)', (f) => f({ claims: { pad: 'x'.repeat(7 * 1024) } })],
  ['a 40 KB token', (f) => f({ claims: { pad: 'x'.repeat(30 * 1024) } })],
];

let pemCache = null;
function pubPem(kty) {
  if (!pemCache) pemCache = Object.fromEntries(jwksPublicKeys().map((k) => [k.kty, k.key.export({ type: 'spki', format: 'pem' })]));
  return pemCache[kty];
}
const jwksPath = () => path.join(VAR, 'dev-idp', 'jwks.json');
const jwksFile = () => fs.readFileSync(jwksPath());

/** forgeToken for pool p, plus rawHeader (header JSON text as is) and
 * latin1 (the payload's text sent byte for byte as Latin-1). */
function forgerFor(p) {
  return async (o = {}) => {
    const base = { sub: p.sub, aud: p.aud, ...o };
    if (!o.rawHeader && !o.latin1) return forgeToken(base);
    // Forge once for the claims, then rebuild the first two segments.
    const { payload } = decodeJwt(await forgeToken({ ...base, rawPayload: undefined }));
    const h = o.rawHeader ? seg(o.rawHeader) : seg(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: kidOf('EC') }));
    const text = o.rawPayload ? o.rawPayload(payload) : JSON.stringify(payload);
    const body = o.latin1 ? Buffer.from(text, 'latin1').toString('base64url') : seg(text);
    const input = `${h}.${body}`;
    const sig = crypto.sign('sha256', Buffer.from(input), { key: devKeys().es256, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
}

describe('token attacks against both logins', { skip: SKIP }, () => {
  for (const p of POOLS) {
    const forge = forgerFor(p);

    /** Asserts that a login with this token is 401 invalid_token and sets no cookie. */
    const refused = async (token) => {
      const res = await p.post(token);
      expectError(res, 401, 'invalid_token');
      assert.equal(p.cookieOf(res), null, 'a refused login set a cookie');
      return res;
    };

    it(`${p.name} login: a token re-signed here with the dev ES256 key is accepted (control)`, async () => {
      const res = await p.post(await forge());
      expectJson(res, 201);
      assert.ok(p.cookieOf(res));
    });

    it(`${p.name} login: a token re-signed here with the dev RS256 key is accepted (control)`, async () => {
      expectJson(await p.post(await forge({ alg: 'RS256' })), 201);
    });

    it(`${p.name} login: a token whose segments are rebuilt here (header text as is, payload as Latin-1 bytes) is accepted (control)`, async () => {
      // The attacks built this way are refused for what they hold, not for
      // a fault of the rebuilding.
      expectJson(await p.post(await forge({ rawHeader: JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: kidOf('EC') }) })), 201);
      // Latin-1 bytes of ASCII text are the same bytes: names escaped as \uXXXX.
      const ascii = (c) => JSON.stringify(c).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expectJson(await p.post(await forge({ rawPayload: ascii, latin1: true })), 201);
    });

    it(`${p.name} login: exp 30 s ago and nbf 30 s ahead are within the 60 s skew (control)`, async () => {
      expectJson(await p.post(await forge({ claims: { iat: now() - 200, exp: now() - 30 } })), 201);
      expectJson(await p.post(await forge({ claims: { nbf: now() + 30 } })), 201);
    });

    for (const [what, make] of ATTACKS) {
      it(`${p.name} login: ${what} is 401`, async () => {
        await refused(await make(forge, p));
      });
    }

    it(`${p.name} login: the same token sent five times at once logs in once`, async () => {
      const token = await forge();
      const answers = await Promise.all(Array.from({ length: 5 }, () => p.post(token)));
      const ok = answers.filter((r) => r.status === 201);
      assert.equal(ok.length, 1, `answers: ${answers.map((r) => r.status).join(', ')}`);
      for (const r of answers.filter((x) => x.status !== 201)) expectError(r, 401, 'invalid_token');
      await refused(token);
    });

    it(`${p.name} login: a token refused for its signature can still not be replayed with a good one`, async () => {
      // The refused try must not have used up the jti, nor may the good
      // one be replayed after it.
      const token = await forge();
      const [h, b] = token.split('.');
      await refused(`${h}.${b}.${seg('x'.repeat(64))}`);
      expectJson(await p.post(token), 201);
      await refused(token);
    });

    for (const [what, body] of [
      ['a number', { id_token: 42 }],
      ['an array', { id_token: ['a.b.c'] }],
      ['an object', { id_token: { jwt: 'a.b.c' } }],
      ['null', { id_token: null }],
    ]) {
      it(`${p.name} login: an id_token that is ${what} is 400`, async () => {
        const res = await p.post(undefined, { json: body });
        expectError(res, 400, ['invalid_field', 'missing_field']);
        assert.equal(p.cookieOf(res), null);
      });
    }
  }

  it('a citizen token at the staff login and a staff token at the citizen login are 401', async () => {
    expectError(await postStaffSession(await forgerFor(POOLS[0])()), 401);
    expectError(await postSession(await forgerFor(POOLS[1])()), 401);
  });

  it('after the attacks the pools still verify tokens: the dev IdP\'s own tokens log in', async () => {
    expectStatus(await request('GET', '/api/v1/healthz'), 200);
    for (const p of POOLS) {
      const res = await request('POST', '/dev-idp/token', {
        body: `sub=${p.sub}&aud=${p.aud}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expectStatus(res, 200);
      expectJson(await p.post(res.text.trim()), 201);
    }
  });

  healthyTest('the token attacks');
  no5xxTest();
});
