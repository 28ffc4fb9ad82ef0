// Every unsafe method other than the login needs the session cookie and the
// X-CSRF-Token from that login; without either nothing changes. Uses anna
// (holding her lock, so her plan holds still).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  SKIP, assertNotInDb, assertUnchanged, expectError, expectJson, holdCitizens, login, marker, planSnapshot,
  withdrawTestProposals, no5xxTest,
} from './lib.mjs';

describe('CSRF token and session cookie on unsafe methods', { skip: SKIP }, () => {
  let release;
  let s; // anna's session
  let dreamId; // a dream of anna's
  let proposalId; // a pending proposal of anna's

  before(async () => {
    release = await holdCitizens('anna');
    s = await login('anna');
    dreamId = (await s.addDream(marker('csrf-target'))).id;
    const p = await s.post('/api/v1/proposals', { kind: 'add_goal', title: 'CSRF test goal', reason: marker('csrf-target') });
    proposalId = expectJson(p, 201).id;
  });
  after(async () => {
    try {
      if (s) {
        await withdrawTestProposals(s);
        if (dreamId) await s.del(`/api/v1/plan/dreams/${dreamId}`);
      }
    } finally {
      if (release) release();
    }
  });

  /** What a refused request must leave alone: the plan, the proposals. */
  async function state() {
    const proposals = expectJson(await s.get('/api/v1/proposals'), 200);
    return { snap: await planSnapshot(s), proposals };
  }
  async function assertSame(before_, what) {
    await assertUnchanged(s, before_.snap, what);
    assert.deepEqual(expectJson(await s.get('/api/v1/proposals'), 200), before_.proposals, `${what} changed the proposals`);
  }

  // Each unsafe endpoint, with a body whose text marks it in the database.
  const endpoints = [
    { name: 'POST /api/v1/plan/dreams', method: 'POST', path: () => '/api/v1/plan/dreams', body: (m) => ({ text: m }) },
    { name: 'PUT /api/v1/plan/dreams/{id}', method: 'PUT', path: () => `/api/v1/plan/dreams/${dreamId}`, body: (m) => ({ text: m }) },
    { name: 'DELETE /api/v1/plan/dreams/{id}', method: 'DELETE', path: () => `/api/v1/plan/dreams/${dreamId}` },
    { name: 'POST /api/v1/plan/acceptance', method: 'POST', path: () => '/api/v1/plan/acceptance', body: () => 'version' },
    { name: 'POST /api/v1/proposals', method: 'POST', path: () => '/api/v1/proposals', body: (m) => ({ kind: 'add_goal', title: m, reason: m }) },
    { name: 'POST /api/v1/proposals/{id}/withdrawal', method: 'POST', path: () => `/api/v1/proposals/${proposalId}/withdrawal` },
    { name: 'DELETE /api/v1/session', method: 'DELETE', path: () => '/api/v1/session' },
  ];

  /** Sends the endpoint's request with these cookie/csrf overrides. */
  async function send(ep, overrides) {
    const m = marker('csrf');
    let json = ep.body ? ep.body(m) : undefined;
    if (json === 'version') json = { version: (await s.plan()).plan.version };
    const res = await s.request(ep.method, ep.path(), { ...(json !== undefined ? { json } : {}), ...overrides });
    return { res, m };
  }

  async function refusedAndUnchanged(ep, overrides, status, code) {
    const st = await state();
    const { res, m } = await send(ep, overrides);
    expectError(res, status, code);
    await assertSame(st, `${ep.name} (refused)`);
    assertNotInDb(m);
    // The session itself is still alive (a refused logout ends nothing).
    expectJson(await s.get('/api/v1/plan'), 200);
  }

  for (const ep of endpoints) {
    it(`${ep.name} without X-CSRF-Token is 403 csrf_missing and changes nothing`, async () => {
      await refusedAndUnchanged(ep, { csrf: null }, 403, 'csrf_missing');
    });

    it(`${ep.name} with a wrong X-CSRF-Token is 403 csrf_invalid and changes nothing`, async () => {
      await refusedAndUnchanged(ep, { csrf: 'x'.repeat(s.csrf.length) }, 403, 'csrf_invalid');
    });

    it(`${ep.name} with the CSRF token of another session is 403 csrf_invalid and changes nothing`, async () => {
      const other = await login('anna');
      await refusedAndUnchanged(ep, { csrf: other.csrf }, 403, 'csrf_invalid');
    });

    it(`${ep.name} without a cookie is 401 and changes nothing`, async () => {
      await refusedAndUnchanged(ep, { cookie: null }, 401, 'unauthorized');
    });

    it(`${ep.name} with a garbage cookie is 401 and changes nothing`, async () => {
      await refusedAndUnchanged(ep, { cookie: 'kaptajn_session=garbage' }, 401, 'unauthorized');
    });
  }

  it('an empty X-CSRF-Token is 403 and changes nothing', async () => {
    await refusedAndUnchanged(endpoints[0], { headers: { 'X-CSRF-Token': '' }, csrf: null }, 403, ['csrf_missing', 'csrf_invalid']);
  });

  it('the CSRF token with one character changed is 403 csrf_invalid', async () => {
    const last = s.csrf.slice(-1);
    const wrong = s.csrf.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    await refusedAndUnchanged(endpoints[0], { csrf: wrong }, 403, 'csrf_invalid');
  });

  it('the CSRF token with a suffix is 403 csrf_invalid', async () => {
    await refusedAndUnchanged(endpoints[0], { csrf: `${s.csrf}x` }, 403, 'csrf_invalid');
  });

  it('the CSRF token sent only as a cookie is 403 csrf_missing', async () => {
    await refusedAndUnchanged(endpoints[0], { csrf: null, cookie: `${s.cookie}; X-CSRF-Token=${s.csrf}` }, 403, 'csrf_missing');
  });

  it('the CSRF token sent only in the query string is 403 csrf_missing', async () => {
    const st = await state();
    const m = marker('csrf-query');
    const res = await s.post(`/api/v1/plan/dreams?csrf_token=${encodeURIComponent(s.csrf)}`, { text: m }, { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertSame(st, 'a dream with the CSRF token in the query');
    assertNotInDb(m);
  });

  it('with the right CSRF token the same request succeeds (control)', async () => {
    const m = marker('csrf-ok');
    const res = await s.post('/api/v1/plan/dreams', { text: m });
    assert.equal(expectJson(res, 201).text, m);
  });

  no5xxTest();
});
