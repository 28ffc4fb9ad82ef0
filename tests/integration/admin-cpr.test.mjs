// The CPR number reaches staff only through POST /citizens/{id}/cpr: for
// the citizen's coordinating caseworker, with the CSRF token, audited as
// its own "read_cpr" row that the staff audit view and the citizen's own
// access log both show. The plan read carries the date part only and
// whether this viewer may ask. Everyone else – a contact person, a
// caseworker who is only the contact person, another caseworker, a
// citizen, a request without the token – gets no number and leaves no
// "read_cpr" row. Changes no plan; holds the staff-assignments lock (one
// test makes Mette Lars's contact person for a moment and puts Karin back).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  auditChainTest, auditRowsOf, citizenId, devClaims, expectError, expectJson, holdCitizens, login, loginStaff,
  no5xxTest, request, sql, sqlInt, staffId,
} from './lib.mjs';

const cprPath = (id) => `${ADMIN}/citizens/${id}/cpr`;
const shown = (cpr) => `${cpr.slice(0, 6)}-${cpr.slice(6)}`;

/** Asserts that text holds the CPR number in neither form. */
function assertNoCpr(text, cpr, what) {
  assert.ok(!text.includes(cpr), `${what} holds the CPR number ${cpr}`);
  assert.ok(!text.includes(shown(cpr)), `${what} holds the CPR number ${shown(cpr)}`);
}

/** The read_cpr entries of a list of audit or access-log entries. */
const cprReads = (entries) => entries.filter((e) => e.action === 'read_cpr');

describe('the CPR number: only the coordinating caseworker, only on request, audited as read_cpr', { skip: SKIP }, () => {
  let release;
  let ids; // sub -> citizen id
  let cprs; // sub -> the CPR number the dev IdP gives the citizen
  let mette; // Anna's and Mohammed's caseworker
  let peter; // Lars's and Sofie's caseworker
  let jonas; // Anna's contact person
  before(async () => {
    release = await holdCitizens('staff-assignments');
    ids = {};
    cprs = {};
    for (const sub of ['anna', 'lars', 'sofie']) {
      ids[sub] = await citizenId(sub);
      cprs[sub] = (await devClaims(sub))['dk.cpr'];
      assert.match(cprs[sub], /^\d{10}$/, `the dev IdP's CPR number of ${sub}`);
    }
    mette = await loginStaff('mette');
    peter = await loginStaff('peter');
    jonas = await loginStaff('jonas');
  });
  after(() => release && release());

  // ---------------------------------------------------------- the plan read

  for (const [staff, sub] of [['mette', 'anna'], ['jonas', 'anna'], ['peter', 'lars']]) {
    it(`${staff}'s plan read of ${sub} holds no CPR number anywhere in its body`, async () => {
      const s = { mette, jonas, peter }[staff];
      const res = await s.get(`${ADMIN}/citizens/${ids[sub]}/plan`);
      const plan = expectJson(res, 200);
      for (const who of Object.keys(cprs)) assertNoCpr(res.text, cprs[who], `the plan read of ${sub} (the CPR number of ${who})`);
      // Nor its last four digits, wherever the citizen is described.
      const citizen = JSON.stringify(plan.citizen);
      assert.ok(!citizen.includes(cprs[sub].slice(6)), `the last four digits in ${citizen}`);
    });
  }

  it('the plan read names the CPR number\'s date part, and cpr_viewable is true for the coordinating caseworker', async () => {
    const { plan } = await mette.plan(ids.anna);
    assert.equal(plan.citizen.cpr_date, cprs.anna.slice(0, 6));
    assert.equal(plan.citizen.cpr_viewable, true);
    assert.ok(!('cpr' in plan.citizen), `citizen.cpr is still there: ${JSON.stringify(plan.citizen)}`);
  });

  it('cpr_viewable is false for the contact person, who still sees the date part', async () => {
    const { plan } = await jonas.plan(ids.anna);
    assert.equal(plan.citizen.cpr_viewable, false);
    assert.equal(plan.citizen.cpr_date, cprs.anna.slice(0, 6));
  });

  // --------------------------------------------------------- the request

  it('POST /cpr as the coordinating caseworker is 200 {"cpr": "DDMMYY-SSSS"}, not to be stored', async () => {
    const res = await mette.post(cprPath(ids.anna));
    assert.deepEqual(expectJson(res, 200), { cpr: shown(cprs.anna) });
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('POST /cpr writes exactly one audit row: read_cpr by the caseworker, for the citizen alone', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await peter.post(cprPath(ids.lars));
    assert.deepEqual(expectJson(res, 200), { cpr: shown(cprs.lars) });
    const rows = auditRowsOf(res);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.deepEqual(
      { kind: rows[0].actor_kind, staff: rows[0].staff_id, role: rows[0].role, citizen: rows[0].citizen_id, action: rows[0].action, object: rows[0].object },
      { kind: 'staff', staff: peter.staff.id, role: 'caseworker', citizen: ids.lars, action: 'read_cpr', object: 'cpr' },
    );
  });

  it('the read_cpr row shows in the staff audit view and in the citizen\'s own access log, once per request', async () => {
    const anna = await login('anna');
    const audit = async () => expectJson(await mette.get(`${ADMIN}/citizens/${ids.anna}/audit`), 200).entries;
    const access = async () => expectJson(await anna.get('/api/v1/access-log'), 200).entries;
    const [auditBefore, accessBefore] = [cprReads(await audit()).length, cprReads(await access()).length];
    const res = await mette.post(cprPath(ids.anna));
    expectJson(res, 200);
    const auditAfter = await audit();
    const accessAfter = await access();
    assert.equal(cprReads(auditAfter).length, auditBefore + 1, 'read_cpr rows in the audit view');
    assert.equal(cprReads(accessAfter).length, accessBefore + 1, 'read_cpr rows in the access log');
    const a = cprReads(auditAfter)[0];
    assert.deepEqual({ id: a.actor.id, name: a.actor.name, role: a.actor.role, object: a.object },
      { id: mette.staff.id, name: mette.staff.name, role: 'caseworker', object: 'cpr' });
    const c = cprReads(accessAfter)[0];
    assert.deepEqual({ name: c.actor.name, role: c.actor.role }, { name: mette.staff.name, role: 'caseworker' });
  });

  it('a CPR read of one household member is not in the other member\'s access log', async () => {
    const sofie = await login('sofie');
    const before = cprReads(expectJson(await sofie.get('/api/v1/access-log'), 200).entries).length;
    expectJson(await peter.post(cprPath(ids.lars)), 200);
    const entries = expectJson(await sofie.get('/api/v1/access-log'), 200).entries;
    assert.equal(cprReads(entries).length, before, 'sofie\'s access log got a read_cpr row for lars\'s number');
  });

  // --------------------------------------------------------------- refusals

  /** Asserts that a refused request wrote no read_cpr row and sent no number. */
  function assertNothingShown(res, what) {
    for (const sub of Object.keys(cprs)) assertNoCpr(res.text, cprs[sub], what);
    const rows = auditRowsOf(res);
    if (rows !== null) assert.deepEqual(cprReads(rows), [], `${what} wrote a read_cpr row`);
    return rows;
  }

  it('POST /cpr as the contact person is 403 caseworker_only and writes no audit row', async () => {
    const res = await jonas.post(cprPath(ids.anna));
    expectError(res, 403, 'caseworker_only');
    const rows = assertNothingShown(res, 'the contact person\'s request');
    if (rows !== null) assert.deepEqual(rows, [], 'no audit row at all');
  });

  it('POST /cpr without the X-CSRF-Token header is 403 csrf_missing and writes nothing', async () => {
    const res = await mette.post(cprPath(ids.anna), undefined, { csrf: '' });
    expectError(res, 403, 'csrf_missing');
    const rows = assertNothingShown(res, 'the request without CSRF');
    if (rows !== null) assert.deepEqual(rows, [], 'no audit row at all');
  });

  it('POST /cpr with another session\'s X-CSRF-Token is 403 csrf_invalid and writes nothing', async () => {
    const res = await mette.post(cprPath(ids.anna), undefined, { csrf: peter.csrf });
    expectError(res, 403, 'csrf_invalid');
    assertNothingShown(res, 'the request with a wrong CSRF token');
  });

  it('POST /cpr for another caseworker\'s citizen is 404, recorded as denied, never read_cpr', async () => {
    const res = await mette.post(cprPath(ids.lars));
    expectError(res, 404, 'not_found');
    const rows = assertNothingShown(res, 'the request outside the caseload');
    if (rows !== null) assert.deepEqual(rows.map((r) => [r.action, r.object, r.citizen_id]), [['denied', 'read_cpr', ids.lars]]);
  });

  it('POST /cpr for an unknown citizen is 404', async () => {
    expectError(await mette.post(cprPath(999999999)), 404, 'not_found');
  });

  it('POST /cpr with a citizen\'s session is 401', async () => {
    const anna = await login('anna');
    const res = await anna.post(cprPath(ids.anna));
    expectError(res, 401, 'unauthorized');
    assertNothingShown(res, 'the citizen\'s request');
  });

  it('POST /cpr without a session is 401', async () => {
    const res = await request('POST', cprPath(ids.anna), { csrf: mette.csrf });
    expectError(res, 401, 'unauthorized');
    assertNothingShown(res, 'the request without a session');
  });

  it('GET /cpr is 405: only an explicit, audited request shows the number', async () => {
    const res = await mette.get(cprPath(ids.anna));
    expectError(res, 405);
    assert.equal(res.headers.allow, 'POST');
    assertNothingShown(res, 'GET /cpr');
  });

  it('a caseworker who is only the citizen\'s contact person gets 403 caseworker_only and cpr_viewable false', { skip: !HAVE_DB && 'no database' }, async () => {
    const karin = await staffId('karin');
    sql(`UPDATE citizens SET contact_id = ${sqlInt(mette.staff.id)} WHERE id = ${sqlInt(ids.lars)}`);
    try {
      const { plan } = await mette.plan(ids.lars);
      assert.equal(plan.citizen.cpr_viewable, false);
      const res = await mette.post(cprPath(ids.lars));
      expectError(res, 403, 'caseworker_only');
      const rows = assertNothingShown(res, 'the request of a caseworker who is the contact person');
      assert.deepEqual(rows, [], 'no audit row at all');
    } finally {
      sql(`UPDATE citizens SET contact_id = ${sqlInt(karin)} WHERE id = ${sqlInt(ids.lars)}`);
    }
  });

  auditChainTest();
  no5xxTest();
});
