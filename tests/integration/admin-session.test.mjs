// Staff login to the admin pool (aud kaptajn-admin, the staff issuer, a
// role claim that matches the staff member), the kaptajn_staff_session
// cookie, logout, and the wall between the pools: a citizen session opens
// no admin path and a staff session no citizen path. Changes no plan: every
// unsafe request here names objects that do not exist.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ADMIN, ADMIN_AUD, CITIZEN_ISSUER, SKIP, STAFF_ISSUER,
  auditChainTest, decodeJwt, devToken, expectError, expectJson, expectStatus, forgeToken, login, loginStaff,
  postSession, postStaffSession, request, sessionCookieOf, staffCookieOf, citizenId, no5xxTest,
} from './lib.mjs';

const NONE = 999999999; // an id nothing has

/** Asserts that a staff login with this token is refused: 401, no cookie. */
async function assertStaffRefused(token, code = ['invalid_token', 'unknown_staff']) {
  const res = await postStaffSession(token);
  expectError(res, 401, code);
  assert.equal(staffCookieOf(res), null, 'a refused staff login set a staff session cookie');
  assert.equal(sessionCookieOf(res), null, 'a refused staff login set a citizen session cookie');
  return res;
}

/** Every admin endpoint of the contract, with a body where it takes one.
 * Unsafe ones name ids that do not exist, so a wrongly accepted request
 * still cannot change anything. */
function adminEndpoints(citizen) {
  return [
    ['GET', `${ADMIN}/citizens`],
    ['GET', `${ADMIN}/citizens/${citizen}/plan`],
    ['GET', `${ADMIN}/citizens/${citizen}/audit`],
    ['GET', `${ADMIN}/citizens/${citizen}/child-related`],
    ['GET', `${ADMIN}/citizens/${citizen}/meetings`],
    ['GET', `${ADMIN}/proposals?status=pending`],
    ['GET', `${ADMIN}/legal-bases`],
    ['GET', `${ADMIN}/staff?role=contact`],
    ['GET', `${ADMIN}/reports/overview`],
    ['POST', `${ADMIN}/proposals/${NONE}/comments`, { text: 'x' }],
    ['POST', `${ADMIN}/proposals/${NONE}/decision`, { decision: 'reject', reason: 'x' }],
    ['POST', `${ADMIN}/citizens/${NONE}/goals`, { title: 't', description: 'd', area: 'job', legal_basis: 'LAB §30 a' }],
    ['PATCH', `${ADMIN}/citizens/${NONE}/goals/${NONE}`, { status: 'on-hold' }],
    ['PUT', `${ADMIN}/citizens/${NONE}/contact`, { staff_id: NONE }],
    ['POST', `${ADMIN}/citizens/${NONE}/consent`, { action: 'given' }],
    ['POST', `${ADMIN}/citizens/${NONE}/meetings`, { kind: 'network', starts_at: '2026-12-01T10:00:00Z', place: 'p', agenda: 'a', participants: [] }],
    ['POST', `${ADMIN}/meetings/${NONE}/held`],
    ['POST', `${ADMIN}/citizens/${NONE}/course-end`, { outcome: 'other' }],
    ['POST', `${ADMIN}/citizens/${NONE}/cpr`],
    ['DELETE', `${ADMIN}/session`],
  ];
}

/** Every citizen endpoint, unsafe ones naming ids that do not exist. */
const CITIZEN_ENDPOINTS = [
  ['GET', '/api/v1/plan'],
  ['GET', '/api/v1/plan/history'],
  ['GET', '/api/v1/contact'],
  ['GET', '/api/v1/access-log'],
  ['GET', '/api/v1/proposals'],
  ['GET', '/api/v1/meetings'],
  ['POST', '/api/v1/plan/dreams', { text: 'x' }],
  ['PUT', `/api/v1/plan/dreams/${NONE}`, { text: 'x' }],
  ['DELETE', `/api/v1/plan/dreams/${NONE}`],
  ['POST', '/api/v1/plan/acceptance', { version: NONE }],
  ['POST', '/api/v1/proposals', { kind: 'retire_goal', goal_id: NONE, reason: 'x' }],
  ['POST', `/api/v1/proposals/${NONE}/withdrawal`],
  ['DELETE', '/api/v1/session'],
];

describe('staff login and the wall between the pools', { skip: SKIP }, () => {
  // ------------------------------------------------------------ login

  it('a caseworker login is 201 with csrf_token and staff {id, name, role caseworker}', async () => {
    const res = await postStaffSession(await devToken({ sub: 'mette', aud: ADMIN_AUD }));
    const body = expectJson(res, 201);
    assert.equal(typeof body.csrf_token, 'string');
    assert.ok(body.csrf_token.length >= 16, 'csrf_token is short');
    assert.ok(Number.isInteger(body.staff?.id), `staff.id: ${JSON.stringify(body)}`);
    assert.equal(body.staff.role, 'caseworker');
    const users = expectJson(await request('GET', '/dev-idp/users'), 200).users;
    assert.equal(body.staff.name, users.find((u) => u.sub === 'mette').name);
  });

  it('a contact person login is 201 with role contact', async () => {
    const s = await loginStaff('jonas');
    assert.equal(s.staff.role, 'contact');
  });

  it('two staff members get different staff ids', async () => {
    const a = await loginStaff('mette');
    const b = await loginStaff('peter');
    assert.notEqual(a.staff.id, b.staff.id);
  });

  it('staff login sets kaptajn_staff_session HttpOnly, Secure, SameSite=Strict, Path=/admin/', async () => {
    const res = await postStaffSession(await devToken({ sub: 'mette', aud: ADMIN_AUD }));
    expectStatus(res, 201);
    const line = res.setCookie.find((l) => /^\s*kaptajn_staff_session=/.test(l));
    assert.ok(line, `no kaptajn_staff_session in ${JSON.stringify(res.setCookie)}`);
    const attrs = line.split(';').slice(1).map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), line);
    assert.ok(attrs.includes('secure'), line);
    assert.ok(attrs.includes('samesite=strict'), line);
    assert.ok(attrs.includes('path=/admin/'), line);
    assert.ok(staffCookieOf(res).length >= 16, 'session id is short');
  });

  it('staff login sets no citizen kaptajn_session cookie', async () => {
    const res = await postStaffSession(await devToken({ sub: 'mette', aud: ADMIN_AUD }));
    expectStatus(res, 201);
    assert.equal(sessionCookieOf(res), null, JSON.stringify(res.setCookie));
  });

  it('every staff login gets its own session id and CSRF token', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, () => loginStaff('peter')));
    assert.equal(new Set(sessions.map((s) => s.cookie)).size, sessions.length);
    assert.equal(new Set(sessions.map((s) => s.csrf)).size, sessions.length);
  });

  it('a staff session works for GET /admin/api/v1/citizens', async () => {
    const s = await loginStaff('mette');
    expectJson(await s.get(`${ADMIN}/citizens`), 200);
  });

  it('staff login needs no CSRF token', async () => {
    expectStatus(await postStaffSession(await devToken({ sub: 'karin', aud: ADMIN_AUD }), { csrf: undefined }), 201);
  });

  it('a staff token re-signed here with the dev key is accepted (control for the forgeries)', async () => {
    expectStatus(await postStaffSession(await forgeToken({ sub: 'mette', aud: ADMIN_AUD })), 201);
  });

  // ---------------------------------------------------- refused tokens

  it('a citizen token (aud kaptajn-citizen) is 401 at the staff login', async () => {
    await assertStaffRefused(await devToken({ sub: 'anna' }));
  });

  it('a citizen token re-minted with aud kaptajn-admin is 401 (citizen issuer)', async () => {
    const token = await forgeToken({ sub: 'anna', claims: { aud: ADMIN_AUD } });
    assert.equal(decodeJwt(token).payload.iss, CITIZEN_ISSUER);
    await assertStaffRefused(token);
  });

  it('a staff member\'s claims under the citizen issuer are 401', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { iss: CITIZEN_ISSUER } }));
  });

  it('a citizen sub under the staff issuer with a caseworker role is 401', async () => {
    await assertStaffRefused(await forgeToken({
      sub: 'anna', claims: { iss: STAFF_ISSUER, aud: ADMIN_AUD, role: 'caseworker' }, drop: ['dk.cpr'],
    }));
  });

  it('a staff token with aud kaptajn-citizen is 401 at the staff login', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { aud: 'kaptajn-citizen' } }));
  });

  // A staff member is the pair (issuer, subject), compared byte for byte:
  // no folding of case, width, accents or trailing spaces, and no
  // ignorable characters, finds mette.
  for (const [what, sub] of [
    ['in capitals', 'METTE'],
    ['with a trailing space', 'mette '],
    ['in full-width letters', '\uff4d\uff45\uff54\uff54\uff45'],
    ['with an accent', 'm\u00ebtte'],
    ['with a zero-width space', 'mette\u200b'],
  ]) {
    it(`a staff token whose sub is mette's ${what} is 401 unknown_staff`, async () => {
      await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { sub } }), 'unknown_staff');
    });
  }

  it('a staff token whose sub is exactly mette\'s logs in as mette', async () => {
    const res = await postStaffSession(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { sub: 'mette' } }));
    const body = expectJson(res, 201);
    assert.equal(body.staff.name, 'Mette Sørensen');
    assert.equal(body.staff.role, 'caseworker');
    assert.ok(staffCookieOf(res), 'no staff session cookie');
  });

  it('a staff token is 401 at the citizen login', async () => {
    const res = await postSession(await devToken({ sub: 'mette', aud: ADMIN_AUD }));
    expectError(res, 401, 'invalid_token');
    assert.equal(sessionCookieOf(res), null);
  });

  it('a contact person\'s token claiming role caseworker is 401', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'jonas', aud: ADMIN_AUD, claims: { role: 'caseworker' } }));
  });

  it('a caseworker\'s token claiming role contact is 401', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { role: 'contact' } }));
  });

  it('a staff token without a role claim is 401', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, drop: ['role'] }));
  });

  it('a staff token with an unknown role is 401', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { role: 'admin' } }));
  });

  it('a staff token for a sub that is no staff member is 401', async () => {
    await assertStaffRefused(await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { sub: 'nobody-here', name: 'Nobody' } }));
  });

  it('an expired staff token is 401', async () => {
    await assertStaffRefused(await devToken({ sub: 'mette', aud: ADMIN_AUD, ttl: -120 }));
  });

  it('a staff token used twice is 401 the second time', async () => {
    const token = await devToken({ sub: 'peter', aud: ADMIN_AUD });
    expectStatus(await postStaffSession(token), 201);
    await assertStaffRefused(token);
  });

  it('a staff token with its payload changed is 401', async () => {
    const { parts, payload } = decodeJwt(await devToken({ sub: 'jonas', aud: ADMIN_AUD }));
    const body = Buffer.from(JSON.stringify({ ...payload, sub: 'mette', role: 'caseworker' })).toString('base64url');
    await assertStaffRefused(`${parts[0]}.${body}.${parts[2]}`);
  });

  it('a staff login without id_token is 400', async () => {
    expectError(await postStaffSession(undefined, { json: {} }), 400);
  });

  // ----------------------------------------------- the wall, both ways

  it('a citizen session cookie is 401 on every admin path', async () => {
    const anna = await login('anna');
    const value = anna.cookie.split('=')[1];
    const wrong = [];
    for (const [method, p, json] of adminEndpoints(anna.citizen.id)) {
      for (const cookie of [anna.cookie, `kaptajn_staff_session=${value}`]) {
        const res = await request(method, p, { cookie, csrf: anna.csrf, ...(json ? { json } : {}) });
        if (res.status !== 401 || res.json?.error?.code === undefined) wrong.push(`${method} ${p} (${cookie.split('=')[0]}): ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('a staff session cookie is 401 on every citizen path', async () => {
    const s = await loginStaff('mette');
    const value = s.cookie.split('=')[1];
    const wrong = [];
    for (const [method, p, json] of CITIZEN_ENDPOINTS) {
      for (const cookie of [s.cookie, `kaptajn_session=${value}`]) {
        const res = await request(method, p, { cookie, csrf: s.csrf, ...(json ? { json } : {}) });
        if (res.status !== 401 || res.json?.error?.code === undefined) wrong.push(`${method} ${p} (${cookie.split('=')[0]}): ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('every admin path without a session is 401', async () => {
    const anna = await citizenId('anna');
    const wrong = [];
    for (const [method, p, json] of adminEndpoints(anna)) {
      const res = await request(method, p, json ? { json } : {});
      if (res.status !== 401 || res.json?.error?.code === undefined) wrong.push(`${method} ${p}: ${res.status} ${res.text.slice(0, 120)}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('the staff session still works after the refusals (both sessions at once)', async () => {
    const s = await loginStaff('mette');
    const anna = await login('anna');
    const cookie = `${s.cookie}; ${anna.cookie}`;
    expectJson(await request('GET', `${ADMIN}/citizens`, { cookie }), 200);
    expectJson(await request('GET', '/api/v1/plan', { cookie }), 200);
  });

  it('GET /admin/api/v1/healthz needs no session', async () => {
    expectJson(await request('GET', `${ADMIN}/healthz`), 200);
  });

  // ------------------------------------------------------------ logout

  it('DELETE /admin/api/v1/session is 204 and the cookie is 401 afterwards', async () => {
    const s = await loginStaff('mette');
    expectStatus(await s.del(`${ADMIN}/session`), 204);
    expectError(await s.get(`${ADMIN}/citizens`), 401, 'unauthorized');
    expectError(await s.get(`${ADMIN}/citizens/${await citizenId('anna')}/plan`), 401, 'unauthorized');
  });

  it('logging out ends only that session: another session of the same caseworker goes on', async () => {
    const a = await loginStaff('mette');
    const b = await loginStaff('mette');
    expectStatus(await a.del(`${ADMIN}/session`), 204);
    expectJson(await b.get(`${ADMIN}/citizens`), 200);
  });

  it('DELETE /admin/api/v1/session without X-CSRF-Token is 403 and the session lives on', async () => {
    const s = await loginStaff('peter');
    expectError(await s.del(`${ADMIN}/session`, { csrf: null }), 403, 'csrf_missing');
    expectJson(await s.get(`${ADMIN}/citizens`), 200);
  });

  it('DELETE /admin/api/v1/session with another session\'s CSRF token is 403', async () => {
    const s = await loginStaff('peter');
    const other = await loginStaff('peter');
    expectError(await s.del(`${ADMIN}/session`, { csrf: other.csrf }), 403);
    expectJson(await s.get(`${ADMIN}/citizens`), 200);
  });

  it('a staff session with a citizen\'s CSRF token is 403 on an unsafe method', async () => {
    const s = await loginStaff('peter');
    const anna = await login('anna');
    expectError(await s.del(`${ADMIN}/session`, { csrf: anna.csrf }), 403);
    expectJson(await s.get(`${ADMIN}/citizens`), 200);
  });

  it('logging out the citizen does not end a staff session, nor the reverse', async () => {
    const s = await loginStaff('mette');
    const anna = await login('anna');
    expectStatus(await anna.del('/api/v1/session'), 204);
    expectJson(await s.get(`${ADMIN}/citizens`), 200);
    const anna2 = await login('anna');
    expectStatus(await s.del(`${ADMIN}/session`), 204);
    expectJson(await anna2.get('/api/v1/plan'), 200);
  });

  auditChainTest();
  no5xxTest();
});
