// Moving a citizen to another caseworker: the coordinating caseworker
// moves their own citizen, a team leader moves anyone; the old caseworker
// loses the citizen (404) and the new one has it, with a caseworker_change
// audit row in the same commit. A target who cannot coordinate (a contact
// person, a member who left, no one) is 400; a caseworker of another
// caseload gets 404, a contact person 403; each refusal changes nothing.
// The leader's list holds every citizen, audited as one look at a list.
// The caseworkers and citizens here are this file's own (added through
// the directory and the database), so the demo caseloads stay as they are.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  addStaff, auditChainTest, auditRowsOf, expectError, expectJson, loginStaff, loginStaffAs,
  marker, no5xxTest, sql, sqlInt,
} from './lib.mjs';

const NEED_DB = SKIP || (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set');

/** A citizen of this file's own, with a plan, coordinated by caseworker. */
function addCitizen(name, caseworker, contact) {
  const rows = sql(`INSERT INTO plans () VALUES ();
    INSERT INTO citizens (plan_id, name, caseworker_id, contact_id)
      VALUES (LAST_INSERT_ID(), '${name.replace(/'/g, "''")}', ${sqlInt(caseworker)}, ${contact ? sqlInt(contact) : 'NULL'});
    SELECT LAST_INSERT_ID();`);
  return Number(rows[rows.length - 1][0]);
}

/** The citizen's coordinating caseworker in the database. */
function caseworkerOf(citizen) {
  return Number(sql(`SELECT caseworker_id FROM citizens WHERE id = ${sqlInt(citizen)}`)[0][0]);
}

describe('moving a citizen to another caseworker', { skip: NEED_DB }, () => {
  const m = marker('move');
  let lise; // the demo leader
  let mette; // a demo caseworker, of another caseload
  let anne; // this file's caseworkers
  let bo;
  let carl; // this file's contact person
  let dorte; // a caseworker who left
  let citizen;
  let other; // a second citizen, of anne's
  before(async () => {
    lise = await loginStaff('lise');
    mette = await loginStaff('mette');
    for (const [sub, role] of [['anne', 'caseworker'], ['bo', 'caseworker'], ['carl', 'contact'], ['dorte', 'caseworker']]) {
      await addStaff(lise, { name: `${sub} ${m}`, role, subject: `${m}-${sub}` });
    }
    anne = await loginStaffAs(`${m}-anne`, 'caseworker');
    bo = await loginStaffAs(`${m}-bo`, 'caseworker');
    carl = await loginStaffAs(`${m}-carl`, 'contact');
    dorte = await loginStaffAs(`${m}-dorte`, 'caseworker');
    expectJson(await lise.patch(`${ADMIN}/staff/${dorte.staff.id}`, { active: false }), 200);
    citizen = addCitizen(`Flyttes ${m}`, anne.staff.id, carl.staff.id);
    other = addCitizen(`Bliver ${m}`, anne.staff.id, null);
  });

  const move = (s, id, body, opts) => s.post(`${ADMIN}/citizens/${id}/caseworker`, body, opts);

  it('the coordinating caseworker moves the citizen to a colleague: the old one gets 404, the new one sees it', async () => {
    expectJson(await anne.get(`${ADMIN}/citizens/${citizen}/plan`), 200);
    expectError(await bo.get(`${ADMIN}/citizens/${citizen}/plan`), 404);
    const res = await move(anne, citizen, { staff_id: bo.staff.id });
    const body = expectJson(res, 200);
    assert.deepEqual(body, { citizen_id: citizen, caseworker: { id: bo.staff.id, name: `bo ${m}` }, changed: true });
    assert.equal(caseworkerOf(citizen), bo.staff.id);
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => [r.action, r.staff_id, r.citizen_id, r.object]),
      [['caseworker_change', anne.staff.id, citizen, `staff ${bo.staff.id}`]]);
    expectError(await anne.get(`${ADMIN}/citizens/${citizen}/plan`), 404);
    expectJson(await bo.get(`${ADMIN}/citizens/${citizen}/plan`), 200);
    assert.ok((await bo.citizens()).some((c) => c.id === citizen));
    assert.ok(!(await anne.citizens()).some((c) => c.id === citizen));
    // The contact person still sees the citizen.
    expectJson(await carl.get(`${ADMIN}/citizens/${citizen}/plan`), 200);
  });

  it('a leader moves any citizen, audited as the leader', async () => {
    const res = await move(lise, citizen, { staff_id: anne.staff.id });
    expectJson(res, 200);
    assert.equal(caseworkerOf(citizen), anne.staff.id);
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => [r.action, r.staff_id, r.role, r.citizen_id]),
      [['caseworker_change', lise.staff.id, 'leader', citizen]]);
    expectError(await bo.get(`${ADMIN}/citizens/${citizen}/plan`), 404);
  });

  it('moving to the caseworker the citizen has is 200 with changed false, and no audit row', async () => {
    const res = await move(anne, citizen, { staff_id: anne.staff.id });
    assert.equal(expectJson(res, 200).changed, false);
    assert.deepEqual(auditRowsOf(res), []);
    assert.equal(caseworkerOf(citizen), anne.staff.id);
  });

  const TARGETS = [
    ['a contact person', () => ({ staff_id: carl.staff.id }), 'not_a_caseworker'],
    ['a caseworker who left', () => ({ staff_id: dorte.staff.id }), 'not_a_caseworker'],
    ['a member that does not exist', () => ({ staff_id: 999999999 }), 'not_a_caseworker'],
    ['null', () => ({ staff_id: null }), 'invalid_field'],
    ['no staff_id at all', () => ({}), 'missing_field'],
    ['a string', () => ({ staff_id: String(bo.staff.id) }), 'invalid_field'],
    ['zero', () => ({ staff_id: 0 }), 'invalid_field'],
  ];
  for (const [what, body, code] of TARGETS) {
    it(`moving to ${what} is 400 ${code}, nothing changed`, async () => {
      for (const s of [anne, lise]) {
        const res = await move(s, citizen, body());
        expectError(res, 400, code);
        assert.equal(caseworkerOf(citizen), anne.staff.id);
        assert.deepEqual(auditRowsOf(res).filter((r) => r.action !== 'denied'), []);
      }
    });
  }

  it('a caseworker of another caseload gets 404 (a denied row), nothing changed', async () => {
    for (const s of [bo, mette]) {
      const res = await move(s, citizen, { staff_id: s.staff.id });
      expectError(res, 404);
      assert.deepEqual(auditRowsOf(res).map((r) => r.action), ['denied']);
    }
    assert.equal(caseworkerOf(citizen), anne.staff.id);
  });

  it('the citizen\'s contact person gets 403, nothing changed', async () => {
    expectError(await move(carl, citizen, { staff_id: bo.staff.id }), 403, 'caseworker_only');
    assert.equal(caseworkerOf(citizen), anne.staff.id);
  });

  it('without the CSRF token: 403, nothing changed', async () => {
    expectError(await move(anne, citizen, { staff_id: bo.staff.id }, { csrf: null }), 403, 'csrf_missing');
    expectError(await move(lise, citizen, { staff_id: bo.staff.id }, { csrf: 'x'.repeat(43) }), 403, 'csrf_invalid');
    assert.equal(caseworkerOf(citizen), anne.staff.id);
  });

  it('an unknown citizen is 404 for a leader too', async () => {
    expectError(await move(lise, 999999999, { staff_id: bo.staff.id }), 404);
  });

  it('a leader lists every citizen with the caseworker named, audited as one look at a list', async () => {
    const seen = [];
    let url = `${ADMIN}/citizens?limit=500`;
    let first;
    for (;;) {
      const res = await lise.get(url);
      const body = expectJson(res, 200);
      first = first || res;
      seen.push(...body.citizens);
      if (!body.next) break;
      url = `${ADMIN}/citizens?limit=500&before=${encodeURIComponent(body.next)}`;
    }
    const all = Number(sql('SELECT COUNT(*) FROM citizens')[0][0]);
    assert.ok(seen.length >= all - 5 && seen.length <= all + 5, `${seen.length} listed of about ${all}`);
    const mine = seen.find((c) => c.id === citizen);
    assert.deepEqual(mine.caseworker, { id: anne.staff.id, name: `anne ${m}` });
    assert.ok(seen.find((c) => c.id === other));
    const rows = auditRowsOf(first);
    assert.deepEqual(rows.map((r) => [r.action, r.citizen_id]), [['list_all', null]]);
  });

  it('a leader opening a citizen outside their caseload is an audited read; writing there is refused', async () => {
    const res = await lise.get(`${ADMIN}/citizens/${other}/plan`);
    expectJson(res, 200);
    assert.deepEqual(auditRowsOf(res).map((r) => [r.action, r.staff_id, r.citizen_id]), [['read', lise.staff.id, other]]);
    // Goals, consent and the CPR number only for the citizens the leader
    // coordinates: elsewhere 404, as for any caseworker.
    expectError(await lise.post(`${ADMIN}/citizens/${other}/consent`, { action: 'given', paper: true }), 404);
    expectError(await lise.post(`${ADMIN}/citizens/${other}/cpr`), 404);
  });

  it('a leader may be the target and then coordinates the citizen as a caseworker does', async () => {
    expectJson(await move(anne, other, { staff_id: lise.staff.id }), 200);
    expectError(await anne.get(`${ADMIN}/citizens/${other}/plan`), 404);
    const { plan } = await lise.plan(other);
    assert.equal(plan.citizen.id, other);
    expectJson(await lise.post(`${ADMIN}/citizens/${other}/consent`, { action: 'given', paper: true }), [200, 201]);
  });

  auditChainTest();
  no5xxTest();
});
