// The caseworker assigns the one contact person, records the citizen's
// consent to the joint plan, and (only the refusals here) ends a course.
// Works on mohammed (mette's caseload, birgitte his contact), holding his
// lock and the staff-assignments lock; birgitte is put back at the end and
// his consent ends as "given". No demo citizen's course is ended.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  assertCitizenUnchanged, auditChainTest, auditRowsOf, citizenId, citizenSnapshot, expectError, expectJson,
  holdCitizens, login, loginStaff, sql, sqlInt, no5xxTest,
} from './lib.mjs';

describe('contact person, consent, course end', { skip: SKIP }, () => {
  let release;
  let m; // mohammed
  let mid;
  let mette;
  let peter;
  let birgitte;
  let helle;
  let contacts; // name -> id, from GET /staff?role=contact
  let original; // mohammed's contact at the start: { id, name }
  before(async () => {
    release = await holdCitizens('mohammed', 'staff-assignments');
    m = await login('mohammed');
    mid = await citizenId('mohammed');
    mette = await loginStaff('mette');
    peter = await loginStaff('peter');
    birgitte = await loginStaff('birgitte');
    helle = await loginStaff('helle');
    original = (await mette.citizens()).find((c) => c.id === mid)?.contact;
  });
  after(async () => {
    try {
      if (original && mette) await mette.put(`${ADMIN}/citizens/${mid}/contact`, { staff_id: original.id });
      if (mette) await mette.post(`${ADMIN}/citizens/${mid}/consent`, { action: 'given', paper: true });
    } finally {
      if (release) release();
    }
  });

  const CONTACT = () => `${ADMIN}/citizens/${mid}/contact`;
  const listed = async () => (await mette.citizens()).find((c) => c.id === mid);

  // ------------------------------------------------------------ contact

  it('the demo seed gives mohammed birgitte as contact', () => {
    assert.equal(original?.id, birgitte.staff.id);
  });

  it('PUT /citizens/{id}/contact to helle is 200 {contact, plan_version}; the citizen then has helle as the one contact', async () => {
    const v = (await m.plan()).plan.version;
    try {
      const body = expectJson(await mette.put(CONTACT(), { staff_id: helle.staff.id }), 200);
      assert.equal(body.contact?.id, helle.staff.id, JSON.stringify(body));
      assert.equal(body.contact.name, helle.staff.name);
      assert.ok(Number.isInteger(body.plan_version), 'plan_version');
      const c = expectJson(await m.get('/api/v1/contact'), 200);
      assert.ok(!Array.isArray(c), 'GET /api/v1/contact is a list');
      assert.equal(c.name, helle.staff.name);
      const { plan } = await m.plan();
      assert.equal(plan.contact.name, helle.staff.name);
      assert.equal(plan.version, body.plan_version);
      assert.equal(plan.version, v + 1);
    } finally {
      expectJson(await mette.put(CONTACT(), { staff_id: original.id }), 200);
    }
    assert.equal(expectJson(await m.get('/api/v1/contact'), 200).name, original.name);
  });

  it('after the change the new contact has the citizen in the caseload and the old one no longer', async () => {
    try {
      expectJson(await mette.put(CONTACT(), { staff_id: helle.staff.id }), 200);
      assert.deepEqual((await helle.citizens()).map((c) => c.id), [mid]);
      assert.ok(!(await birgitte.citizens()).some((c) => c.id === mid), 'birgitte still sees mohammed');
      expectError(await birgitte.get(`${ADMIN}/citizens/${mid}/plan`), 404, 'not_found');
      expectJson(await helle.get(`${ADMIN}/citizens/${mid}/plan`), 200);
      assert.equal((await listed()).contact.id, helle.staff.id);
    } finally {
      expectJson(await mette.put(CONTACT(), { staff_id: original.id }), 200);
    }
    assert.deepEqual(await helle.citizens(), []);
    assert.equal((await listed()).contact.id, original.id);
  });

  it('a contact change is audited as a change of the citizen', { skip: !HAVE_DB && 'no database' }, async () => {
    let res;
    try {
      res = await mette.put(CONTACT(), { staff_id: helle.staff.id });
      expectJson(res, 200);
    } finally {
      expectJson(await mette.put(CONTACT(), { staff_id: original.id }), 200);
    }
    const rows = auditRowsOf(res).filter((r) => r.action !== 'read');
    assert.equal(rows.length, 1, JSON.stringify(auditRowsOf(res)));
    assert.equal(rows[0].citizen_id, mid);
  });

  it('a caseworker as contact person is 400 not_a_contact and changes nothing', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await mette.put(CONTACT(), { staff_id: peter.staff.id });
    expectError(res, 400, 'not_a_contact');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('a staff id that does not exist is refused (400 or 404) and changes nothing', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await mette.put(CONTACT(), { staff_id: 999999999 });
    expectError(res, [400, 404]);
    await assertCitizenUnchanged(m, before_, res);
  });

  for (const [what, body, code] of [
    ['no staff_id', {}, 'missing_field'],
    ['a string staff_id', { staff_id: '6' }, 'invalid_field'],
    ['a null staff_id', { staff_id: null }, ['invalid_field', 'missing_field']],
    ['an unknown field', { staff_id: 6, role: 'contact' }, 'unknown_field'],
  ]) {
    it(`a contact change with ${what} is 400 and changes nothing`, async () => {
      const b = 'staff_id' in body && typeof body.staff_id === 'number' ? { ...body, staff_id: helle.staff.id } : body;
      const before_ = await citizenSnapshot(m);
      const res = await mette.put(CONTACT(), b);
      expectError(res, 400, code);
      await assertCitizenUnchanged(m, before_, res);
    });
  }

  it('the contact person changing the contact is 403 caseworker_only and changes nothing', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await birgitte.put(CONTACT(), { staff_id: helle.staff.id });
    expectError(res, 403, 'caseworker_only');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('another caseworker changing the contact is 404 and changes nothing', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await peter.put(CONTACT(), { staff_id: helle.staff.id });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('a contact change without X-CSRF-Token is 403 csrf_missing and changes nothing', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await mette.put(CONTACT(), { staff_id: helle.staff.id }, { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertCitizenUnchanged(m, before_, res);
  });

  // ------------------------------------------------------------ consent

  const CONSENT = () => `${ADMIN}/citizens/${mid}/consent`;
  const consentCount = () => (HAVE_DB ? Number(sql(`SELECT COUNT(*) FROM consents WHERE citizen_id = ${sqlInt(mid)}`)[0][0]) : null);

  it('recording a withdrawal is 201 and the plan view\'s consent shows it with a time', async () => {
    try {
      expectJson(await mette.post(CONSENT(), { action: 'withdrawn' }), 201);
      const { plan } = await mette.plan(mid);
      assert.equal(plan.consent.status, 'withdrawn');
      assert.ok(!Number.isNaN(Date.parse(plan.consent.at)), `consent.at: ${plan.consent.at}`);
    } finally {
      await mette.post(CONSENT(), { action: 'given', paper: true });
    }
  });

  it('recording consent given on paper is 201 and the plan view shows given', async () => {
    expectJson(await mette.post(CONSENT(), { action: 'withdrawn' }), 201);
    expectJson(await mette.post(CONSENT(), { action: 'given', paper: true }), 201);
    assert.equal((await mette.plan(mid)).plan.consent.status, 'given');
  });

  it('each change of consent is a new record, never an overwrite; the same state again is 200 and no record', { skip: !HAVE_DB && 'no database' }, async () => {
    const n = consentCount();
    expectJson(await mette.post(CONSENT(), { action: 'withdrawn' }), 201);
    expectJson(await mette.post(CONSENT(), { action: 'given', paper: true }), 201);
    assert.equal(consentCount(), n + 2);
    const again = expectJson(await mette.post(CONSENT(), { action: 'given', paper: true }), 200);
    assert.equal(again.status, 'given');
    assert.equal(consentCount(), n + 2);
  });

  for (const [what, body, code] of [
    ['an unknown action', { action: 'maybe' }, 'invalid_field'],
    ['no action', {}, 'missing_field'],
    ['an action in capitals', { action: 'GIVEN' }, 'invalid_field'],
    ['an unknown field', { action: 'given', paper: true, at: '2020-01-01T00:00:00Z' }, 'unknown_field'],
    ['consent given without paper', { action: 'given' }, 'paper_required'],
    ['paper that is not a boolean', { action: 'given', paper: 'yes' }, 'invalid_field'],
  ]) {
    it(`consent with ${what} is 400 ${code} and changes nothing`, async () => {
      const before_ = await citizenSnapshot(m);
      const res = await mette.post(CONSENT(), body);
      expectError(res, 400, code);
      await assertCitizenUnchanged(m, before_, res);
    });
  }

  it('consent recorded by another caseworker is 404 and changes nothing', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await peter.post(CONSENT(), { action: 'withdrawn' });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(m, before_, res);
  });

  // --------------------------------------- course end (refusals only)

  const COURSE = () => `${ADMIN}/citizens/${mid}/course-end`;
  const outcome = () => (HAVE_DB ? sql(`SELECT COALESCE(course_outcome, 'NULL') FROM citizens WHERE id = ${sqlInt(mid)}`)[0][0] : null);

  for (const [what, body, code] of [
    ['an unknown outcome', { outcome: 'retired' }, 'invalid_field'],
    ['no outcome', {}, 'missing_field'],
    ['a numeric outcome', { outcome: 1 }, 'invalid_field'],
    ['an unknown field', { outcome: 'job', at: 'now' }, 'unknown_field'],
  ]) {
    it(`a course end with ${what} is 400 ${code} and the course goes on`, async () => {
      const before_ = await citizenSnapshot(m);
      const res = await mette.post(COURSE(), body);
      expectError(res, 400, code);
      await assertCitizenUnchanged(m, before_, res);
      if (HAVE_DB) assert.equal(outcome(), 'NULL');
    });
  }

  it('a course end by the contact person is 403 caseworker_only and the course goes on', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await birgitte.post(COURSE(), { outcome: 'job' });
    expectError(res, 403, 'caseworker_only');
    await assertCitizenUnchanged(m, before_, res);
    assert.equal((await listed()).course_outcome, null);
  });

  it('a course end by another caseworker is 404 and the course goes on', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await peter.post(COURSE(), { outcome: 'job' });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('a course end without X-CSRF-Token is 403 and the course goes on', async () => {
    const before_ = await citizenSnapshot(m);
    const res = await mette.post(COURSE(), { outcome: 'job' }, { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('a course end for a citizen that does not exist is 404', async () => {
    expectError(await mette.post(`${ADMIN}/citizens/999999999/course-end`, { outcome: 'job' }), 404, 'not_found');
  });

  auditChainTest();
  no5xxTest();
});
