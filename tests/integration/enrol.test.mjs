// Enrolment: a caseworker enrols a citizen by CPR number and name (POST
// /admin/api/v1/citizens). The caller becomes the coordinating caseworker;
// plan version 1 is empty; the number is stored sealed and never comes
// back, in an answer or an error. A number with an open course is refused
// (409 already_enrolled) without naming who holds it, and the attempt is
// audited against that citizen; the database keeps one open course per
// number, also when many enrolments of it arrive at once. The new citizen
// logs in through the dev IdP with CPR number and name; the caseload says
// who never logged in.
//
// Holds the staff-assignments lock (other files count the demo
// caseloads) and removes the citizens it enrolled at the end.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  forgetCitizens,
  ADMIN, HAVE_DB, SKIP,
  auditChainTest, auditRowsOf, auditRowsOfAll, citizenId, expectError, expectJson, freshCpr, holdCitizens, loginStaff,
  no5xxTest, postSession, request, sessionCookieOf, sql, sqlInt,
} from './lib.mjs';

const CITIZENS = `${ADMIN}/citizens`;
const PREFIX = `Indskrevet Test ${crypto.randomBytes(3).toString('hex')}`;
let serial = 0;
const uniqueName = (what) => `${PREFIX} ${what} ${++serial}`;

const dashed = (cpr) => `${cpr.slice(0, 6)}-${cpr.slice(6)}`;

/** Asserts that an answer holds the number in neither form. */
function assertNoCpr(res, cpr, what) {
  for (const form of [cpr, dashed(cpr)]) assert.ok(!res.text.includes(form), `${what} holds the CPR number`);
}

/** A dev IdP token for a citizen given by CPR number and name. */
function cprTokenRes(cpr, name, aud = 'kaptajn-citizen') {
  return request('POST', '/dev-idp/token', {
    body: new URLSearchParams({ cpr, name, aud }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/** Logs in the citizen with this CPR number through the dev IdP: the session answer. */
async function loginByCpr(cpr, name) {
  const tok = await cprTokenRes(cpr, name);
  assert.equal(tok.status, 200, `dev IdP token: ${tok.status} ${tok.text}`);
  return postSession(tok.text.trim());
}

/** What an enrolment may change: rows of citizens and plans, and the history. */
function counts() {
  if (!HAVE_DB) return null;
  const [[citizens, plans, history]] = sql('SELECT (SELECT COUNT(*) FROM citizens), (SELECT COUNT(*) FROM plans), (SELECT COUNT(*) FROM plan_history)');
  return { citizens, plans, history };
}

describe('POST /admin/api/v1/citizens: enrolment', { skip: SKIP }, () => {
  let release;
  let mette;
  let peter;
  let jonas;
  let inactiveId = 0;
  before(async () => {
    release = await holdCitizens('staff-assignments');
    mette = await loginStaff('mette');
    peter = await loginStaff('peter');
    jonas = await loginStaff('jonas');
    if (HAVE_DB) {
      sql(`INSERT INTO staff (issuer, sub, name, role, title, active)
           VALUES ('https://test.kaptajn.invalid/staff', '${PREFIX.replace(/ /g, '-')}', 'Holdt Op', 'contact', 'Mentor', FALSE)`);
      inactiveId = Number(sql('SELECT LAST_INSERT_ID()')[0][0]) || Number(sql(`SELECT id FROM staff WHERE name = 'Holdt Op' ORDER BY id DESC LIMIT 1`)[0][0]);
    }
  });
  after(() => {
    try {
      if (HAVE_DB) {
        forgetCitizens(PREFIX);
        if (inactiveId) sql(`DELETE FROM staff WHERE id = ${sqlInt(inactiveId)}`);
      }
    } finally {
      if (release) release();
    }
  });

  // ------------------------------------------------------- happy path

  it('a caseworker enrols a citizen: 201 with id, name, cpr_date, caseworker, contact; never the number', async () => {
    const cpr = freshCpr();
    const name = uniqueName('Glad');
    const contact = await loginStaff('jonas');
    const res = await mette.post(CITIZENS, { cpr: dashed(cpr), name, contact_staff_id: contact.staff.id });
    const body = expectJson(res, 201);
    assert.ok(Number.isInteger(body.id), JSON.stringify(body));
    assert.equal(body.name, name);
    assert.equal(body.cpr_date, cpr.slice(0, 6));
    assert.deepEqual(body.caseworker, { id: mette.staff.id, name: mette.staff.name });
    assert.equal(body.contact.id, contact.staff.id);
    assert.equal(body.contact.name, contact.staff.name);
    assert.equal(body.plan_version, 1);
    assert.equal(body.logged_in, false);
    assertNoCpr(res, cpr, 'the 201');
    if (HAVE_DB) {
      const rows = auditRowsOf(res);
      assert.deepEqual(rows.map((r) => [r.action, r.citizen_id, r.staff_id]), [['enrol', body.id, mette.staff.id]]);
      const [[sealed, lookup, open, cw, ct]] = sql(`SELECT LENGTH(cpr_sealed), LENGTH(cpr_lookup), cpr_open = cpr_lookup, caseworker_id, contact_id FROM citizens WHERE id = ${sqlInt(body.id)}`);
      assert.deepEqual([sealed, lookup, open, cw, ct], ['38', '32', '1', String(mette.staff.id), String(contact.staff.id)]);
      assert.equal(sql(`SELECT COUNT(*) FROM citizens WHERE id = ${sqlInt(body.id)} AND (HEX(cpr_sealed) LIKE '%${Buffer.from(cpr).toString('hex').toUpperCase()}%')`)[0][0], '0', 'the number is stored in the clear');
    }

    // The caseload: never logged in.
    let listed = (await mette.citizens()).find((c) => c.id === body.id);
    assert.ok(listed, 'not in the caseload');
    assert.equal(listed.logged_in, false);
    assert.equal(listed.first_login_at, null);
    assert.equal(listed.caseworker.id, mette.staff.id);
    assert.equal(listed.plan_version, 1);
    assert.equal(listed.accepted_version, null);

    // The staff plan read: version 1, empty; the CPR date as shown there.
    const { plan, etag } = await mette.plan(body.id);
    assert.equal(plan.version, 1);
    assert.equal(etag, '"1"');
    assert.deepEqual(plan.dreams, []);
    assert.deepEqual(plan.goals, []);
    assert.equal(plan.citizen.cpr_date, body.cpr_date);
    assert.equal(plan.citizen.cpr_viewable, true);
    assert.deepEqual(plan.household, []);
    const history = expectJson(await mette.get(`${CITIZENS}/${body.id}/audit`), 200);
    assert.ok(history.entries.some((e) => e.action === 'enrol' && e.actor.id === mette.staff.id), JSON.stringify(history.entries));

    // The citizen logs in through the dev IdP with CPR number and name.
    const s = await loginByCpr(cpr, name);
    const session = expectJson(s, 201);
    assert.equal(session.citizen.id, body.id);
    assert.equal(session.citizen.name, name);
    const cookie = `kaptajn_session=${sessionCookieOf(s)}`;
    // Consent first: the joint plan is shown only after the citizen's yes.
    expectError(await request('GET', '/api/v1/plan', { cookie }), 403, 'consent_required');
    expectJson(await request('POST', '/api/v1/consent', { cookie, csrf: session.csrf_token, json: { action: 'give' } }), 200);
    const own = await request('GET', '/api/v1/plan', { cookie });
    const ownPlan = expectJson(own, 200);
    assert.equal(ownPlan.version, 1);
    assert.deepEqual(ownPlan.dreams, []);
    assert.deepEqual(ownPlan.goals, []);
    assert.equal(ownPlan.contact.name, contact.staff.name);

    // Logged in now, once: a second login keeps the first time.
    listed = (await mette.citizens()).find((c) => c.id === body.id);
    assert.equal(listed.logged_in, true);
    assert.match(listed.first_login_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expectJson(await loginByCpr(dashed(cpr), name), 201);
    const again = (await mette.citizens()).find((c) => c.id === body.id);
    assert.equal(again.first_login_at, listed.first_login_at);
  });

  it('a demo citizen who logged in is listed as logged in', async () => {
    const anna = await citizenId('anna');
    const listed = (await mette.citizens()).find((c) => c.id === anna);
    assert.equal(listed.logged_in, true);
    assert.equal(typeof listed.first_login_at, 'string');
  });

  it('a number that is not enrolled is still refused at the citizen login (401), though the dev IdP signs it', async () => {
    const res = await loginByCpr(freshCpr(), uniqueName('Ukendt'));
    expectError(res, 401, 'unknown_citizen');
    assert.equal(sessionCookieOf(res), null);
  });

  it('the dev IdP refuses a bad CPR number, a missing name, a staff audience, and sub with cpr', async () => {
    expectError(await cprTokenRes('3002991234', 'X'), 400, 'unknown_user');
    expectError(await cprTokenRes('12345', 'X'), 400, 'unknown_user');
    expectError(await cprTokenRes(freshCpr(), ''), 400, 'unknown_user');
    expectError(await cprTokenRes(freshCpr(), 'X', 'kaptajn-admin'), 400, 'unknown_user');
    const both = await request('POST', '/dev-idp/token', {
      body: new URLSearchParams({ sub: 'anna', cpr: freshCpr(), name: 'X', aud: 'kaptajn-citizen' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectError(both, 400, 'invalid_field');
    const cpr = freshCpr();
    const bad = await cprTokenRes(`${cpr.slice(0, 2)}13${cpr.slice(4)}`, 'X');
    assert.ok(!bad.text.includes(cpr.slice(6)), 'the refusal holds the number');
  });

  // --------------------------------------------------- bad input

  /** Sends body as mette and asserts 400 with code, no number in the
   * answer, and nothing written (no row, no audit change row). */
  async function refused(body, code, what) {
    const before = counts();
    const res = await mette.post(CITIZENS, body);
    const err = expectError(res, 400, code);
    if (typeof body.cpr === 'string') {
      const digits = body.cpr.replace(/\D/g, '');
      if (digits.length >= 6) assert.ok(!res.text.includes(digits) && !res.text.includes(body.cpr), `${what}: the error echoes the number`);
    }
    assert.ok(err.message.length > 5, `${what}: no message`);
    if (HAVE_DB) {
      assert.deepEqual(counts(), before, `${what} changed the database`);
      assert.deepEqual(auditRowsOf(res), [], `${what} wrote audit rows`);
    }
    return err;
  }

  const BAD_DATES = ['3002991234', '300299-1234', '3201991234', '0012991234', '3113991234', '0000991234', '2902001234'];
  for (const cpr of BAD_DATES) {
    it(`a CPR number whose date part is no date (${cpr.slice(0, 6)}…) is 400 invalid_cpr, and says it is the date`, async () => {
      const err = await refused({ cpr, name: uniqueName('Dato') }, 'invalid_cpr', cpr);
      assert.match(err.message, /date/);
    });
  }

  const BAD_SHAPES = [
    ['too short', '070392123'], ['too long', '07039212345'], ['a letter', '07039212a4'],
    ['a space inside', '070392 1234'], ['a leading space', ' 0703921234'], ['a trailing space', '0703921234 '],
    ['a dash in the wrong place', '07039-21234'], ['two dashes', '070392--1234'], ['two dashes apart', '07-0392-1234'],
    ['a dash at the end', '0703921234-'], ['an en dash', '070392\u20131234'], ['full-width digits', '０７０３９２１２３４'],
    ['empty', ''], ['dashes only', '------'],
  ];
  for (const [what, cpr] of BAD_SHAPES) {
    it(`a CPR number with ${what} is 400 and changes nothing`, async () => {
      await refused({ cpr, name: uniqueName('Form') }, cpr === '' ? 'invalid_field' : 'invalid_cpr', what);
    });
  }

  it('a CPR number that is not a string is 400 invalid_field', async () => {
    await refused({ cpr: 703921234, name: uniqueName('Tal') }, 'invalid_field', 'a number');
    await refused({ name: uniqueName('Uden') }, 'missing_field', 'no cpr');
  });

  const BAD_NAMES = [
    ['empty', ''], ['only spaces', '   '], ['201 characters', 'Å'.repeat(201)], ['a BEL', 'Anna\u0007 Jensen'],
    ['a NEL (U+0085)', 'Anna\u0085Jensen'], ['a line separator (U+2028)', 'Anna\u2028Jensen'],
    ['a paragraph separator (U+2029)', 'Anna\u2029Jensen'], ['an escape', 'Anna\u001b[31m'], ['DEL', 'Anna\u007f'],
  ];
  for (const [what, name] of BAD_NAMES) {
    it(`a name with ${what} is 400 invalid_field and changes nothing`, async () => {
      await refused({ cpr: freshCpr(), name }, 'invalid_field', what);
    });
  }
  it('no name is 400 missing_field', async () => {
    await refused({ cpr: freshCpr() }, 'missing_field', 'no name');
  });
  it('a name of 200 characters, in any script, is taken as it is', async () => {
    const name = `${PREFIX} ${'ø'.repeat(200 - PREFIX.length - 1)}`;
    const body = expectJson(await mette.post(CITIZENS, { cpr: freshCpr(), name }), 201);
    assert.equal(body.name, name);
    const mixed = `${PREFIX} Ærø 李 مريم`;
    assert.equal(expectJson(await mette.post(CITIZENS, { cpr: freshCpr(), name: mixed }), 201).name, mixed);
  });

  it('contact_staff_id of a caseworker, an inactive contact person or nobody is 400 not_a_contact', async () => {
    await refused({ cpr: freshCpr(), name: uniqueName('K'), contact_staff_id: peter.staff.id }, 'not_a_contact', 'a caseworker');
    if (inactiveId) await refused({ cpr: freshCpr(), name: uniqueName('K'), contact_staff_id: inactiveId }, 'not_a_contact', 'an inactive contact');
    await refused({ cpr: freshCpr(), name: uniqueName('K'), contact_staff_id: 999999999 }, 'not_a_contact', 'nobody');
    await refused({ cpr: freshCpr(), name: uniqueName('K'), contact_staff_id: 0 }, 'invalid_field', 'id 0');
    await refused({ cpr: freshCpr(), name: uniqueName('K'), contact_staff_id: '3' }, 'invalid_field', 'a string id');
  });

  it('an unknown field is 400 unknown_field', async () => {
    await refused({ cpr: freshCpr(), name: uniqueName('U'), caseworker_id: peter.staff.id }, 'unknown_field', 'caseworker_id');
  });

  // --------------------------------------------------- households

  it('a household of another caseload is 404, the same as one that does not exist', async () => {
    const lars = await citizenId('lars');
    const { plan } = await peter.plan(lars);
    const household = (await peter.citizens()).find((c) => c.id === lars).household_id;
    assert.ok(Number.isInteger(household));
    const before = counts();
    const theirs = await mette.post(CITIZENS, { cpr: freshCpr(), name: uniqueName('H'), household_id: household });
    const none = await mette.post(CITIZENS, { cpr: freshCpr(), name: uniqueName('H'), household_id: 999999999 });
    const a = expectError(theirs, 404, 'household_not_found');
    const b = expectError(none, 404, 'household_not_found');
    assert.deepEqual(a, b, 'the two 404s differ');
    if (HAVE_DB) {
      assert.deepEqual(counts(), before);
      assert.deepEqual(auditRowsOf(theirs), []);
    }
    // Peter's own household: the new citizen shares its plan.
    const res = await peter.post(CITIZENS, { cpr: freshCpr(), name: uniqueName('Hus'), household_id: household });
    const body = expectJson(res, 201);
    assert.equal(body.household_id, household);
    assert.equal(body.plan_id, plan.id);
    assert.equal(body.plan_version, plan.version);
    const read = (await peter.plan(body.id)).plan;
    assert.equal(read.id, plan.id);
    assert.equal(read.version, plan.version, 'joining raised the shared plan\'s version');
    assert.ok(read.household.some((m) => m.id === lars), JSON.stringify(read.household));
  });

  // --------------------------------------------------- who may

  it('a contact person may not enrol (403 caseworker_only), and nothing is written', async () => {
    const before = counts();
    const res = await jonas.post(CITIZENS, { cpr: freshCpr(), name: uniqueName('J') });
    expectError(res, 403, 'caseworker_only');
    if (HAVE_DB) assert.deepEqual(counts(), before);
  });

  it('without the CSRF token it is 403, without a session 401, and nothing is written', async () => {
    const before = counts();
    expectError(await mette.post(CITIZENS, { cpr: freshCpr(), name: uniqueName('C') }, { csrf: null }), 403, 'csrf_missing');
    expectError(await mette.post(CITIZENS, { cpr: freshCpr(), name: uniqueName('C') }, { csrf: 'x'.repeat(43) }), 403, 'csrf_invalid');
    expectError(await request('POST', CITIZENS, { json: { cpr: freshCpr(), name: uniqueName('C') } }), 401, 'unauthorized');
    if (HAVE_DB) assert.deepEqual(counts(), before);
  });

  it('a citizen session is refused (401)', async () => {
    const res = await request('POST', CITIZENS, { json: { cpr: freshCpr(), name: 'X' }, cookie: 'kaptajn_session=abc' });
    assert.equal(res.status, 401);
  });

  // --------------------------------------------------- one open course

  it('the same number twice is 409 already_enrolled: no second row, no holder named, the attempt audited against the holder', async () => {
    const cpr = freshCpr();
    const first = expectJson(await mette.post(CITIZENS, { cpr, name: uniqueName('Først') }), 201);
    const before = counts();
    for (const [who, form] of [[mette, dashed(cpr)], [peter, cpr]]) {
      const res = await who.post(CITIZENS, { cpr: form, name: uniqueName('Igen') });
      const err = expectError(res, 409, 'already_enrolled');
      assertNoCpr(res, cpr, 'the 409');
      assert.ok(!res.text.includes(first.name) && !res.text.includes(String(first.id)) && !res.text.includes(mette.staff.name),
        `the 409 names the holder: ${res.text}`);
      assert.ok(err.message.length > 5);
      if (HAVE_DB) {
        assert.deepEqual(counts(), before, 'a second row was written');
        assert.deepEqual(auditRowsOf(res).map((r) => [r.action, r.citizen_id, r.staff_id]), [['enrol_refused', first.id, who.staff.id]]);
      }
    }
  });

  it('a number whose course ended may be enrolled again as a new course, and its login finds the open one', async () => {
    const cpr = freshCpr();
    const name = uniqueName('Igen');
    const first = expectJson(await mette.post(CITIZENS, { cpr, name }), 201);
    expectJson(await mette.post(`${CITIZENS}/${first.id}/course-end`, { outcome: 'other' }), 200);
    const second = expectJson(await mette.post(CITIZENS, { cpr: dashed(cpr), name }), 201);
    assert.notEqual(second.id, first.id);
    assert.notEqual(second.plan_id, first.plan_id);
    expectError(await peter.post(CITIZENS, { cpr, name }), 409, 'already_enrolled');
    const session = expectJson(await loginByCpr(cpr, name), 201);
    assert.equal(session.citizen.id, second.id);
  });

  it('20 enrolments of one number at once end with exactly one 201 and 19 409 already_enrolled', async () => {
    const cpr = freshCpr();
    const name = uniqueName('Kapløb');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? peter : mette).post(CITIZENS, { cpr: i % 3 ? cpr : dashed(cpr), name })));
    const statuses = answers.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 409).length, 19, `statuses: ${statuses}`);
    const won = answers.find((r) => r.status === 201).json;
    for (const r of answers) {
      if (r.status === 409) assert.equal(r.json.error.code, 'already_enrolled');
      assertNoCpr(r, cpr, 'an answer');
    }
    if (HAVE_DB) {
      assert.equal(sql(`SELECT COUNT(*) FROM citizens WHERE name = '${name}'`)[0][0], '1');
      const rows = auditRowsOfAll(answers).flat();
      assert.equal(rows.filter((r) => r.action === 'enrol').length, 1);
      const refusals = rows.filter((r) => r.action === 'enrol_refused');
      assert.equal(refusals.length, 19);
      assert.ok(refusals.every((r) => r.citizen_id === won.id), JSON.stringify(refusals));
    }
  });

  no5xxTest();
  auditChainTest();
});
