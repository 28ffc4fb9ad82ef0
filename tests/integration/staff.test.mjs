// The staff directory: every member reads it (for the pickers), a team
// leader adds, changes and deactivates members. A member who is
// deactivated is logged out at once and cannot log in; a leader cannot
// deactivate themself, and the last active leader stays one. Every bad
// input is refused with a clear error and changes nothing; every change is
// audited. Members are added with subjects of their own, so the demo
// people are untouched; the leader tests hold the lock "staff-leaders".

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP, STAFF_ISSUER,
  addStaff, auditChainTest, auditRowsOf, expectError, expectJson, holdCitizens, loginStaff, loginStaffAs,
  marker, no5xxTest, sql, sqlInt, staffLoginRes,
} from './lib.mjs';

const NEED_DB = SKIP || (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set');

/** The whole directory as the database holds it, for "nothing changed". */
function directory() {
  return sql('SELECT id, HEX(issuer), HEX(sub), name, role, title, phone, email, active FROM staff ORDER BY id');
}

describe('the staff directory', { skip: NEED_DB }, () => {
  let release;
  let lise; // the demo leader
  let mette; // a demo caseworker
  let jonas; // a demo contact person
  const m = marker('staff');
  before(async () => {
    release = await holdCitizens('staff-leaders');
    lise = await loginStaff('lise');
    mette = await loginStaff('mette');
    jonas = await loginStaff('jonas');
    assert.equal(lise.staff.role, 'leader');
  });
  after(() => release && release());

  it('every member reads the directory: name, role, title, active, without the login identity', async () => {
    for (const s of [mette, jonas]) {
      const { staff } = expectJson(await s.get(`${ADMIN}/staff`), 200);
      const me = staff.find((x) => x.id === s.staff.id);
      assert.ok(me, 'the member is listed');
      assert.deepEqual(Object.keys(me).sort(), ['active', 'id', 'name', 'role', 'title']);
      assert.ok(staff.every((x) => x.active === true), 'only active members');
      assert.ok(staff.some((x) => x.role === 'leader'), 'the leader is listed');
    }
  });

  it('only a leader lists the members who left (?inactive=true): 403 leader_only for others', async () => {
    expectError(await mette.get(`${ADMIN}/staff?inactive=true`), 403, 'leader_only');
    expectError(await lise.get(`${ADMIN}/staff?inactive=maybe`), 400, 'invalid_query');
    const { staff } = expectJson(await lise.get(`${ADMIN}/staff?inactive=true`), 200);
    const me = staff.find((x) => x.id === mette.staff.id);
    assert.equal(me.subject, 'mette');
    assert.equal(me.issuer, STAFF_ISSUER);
  });

  it('a leader adds a member (201), listed at once, audited as staff_create', async () => {
    const res = await lise.post(`${ADMIN}/staff`, {
      name: 'Ny Medarbejder Ærø', role: 'caseworker', title: 'Sagsbehandler', issuer: STAFF_ISSUER,
      subject: `${m}-new`, phone: '+45 70 00 00 00', email: 'ny@kommune.example',
    });
    const member = expectJson(res, 201);
    assert.equal(member.name, 'Ny Medarbejder Ærø');
    assert.equal(member.role, 'caseworker');
    assert.equal(member.active, true);
    assert.equal(member.subject, `${m}-new`);
    const { staff } = expectJson(await mette.get(`${ADMIN}/staff?role=caseworker`), 200);
    assert.ok(staff.some((x) => x.id === member.id && x.name === 'Ny Medarbejder Ærø'));
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => [r.action, r.staff_id, r.citizen_id]), [['staff_create', lise.staff.id, null]]);
    assert.match(rows[0].object, new RegExp(`^staff ${member.id}: caseworker`));
    // The new member logs in with their own identity.
    const s = await loginStaffAs(`${m}-new`, 'caseworker');
    assert.equal(s.staff.id, member.id);
  });

  it('a leader changes a member (200) and the audit row names what changed', async () => {
    const member = await addStaff(lise, { name: 'Før Navn', role: 'contact', subject: `${m}-edit` });
    const res = await lise.patch(`${ADMIN}/staff/${member.id}`, { name: 'Efter Navn', title: 'Mentor', role: 'caseworker' });
    const after = expectJson(res, 200);
    assert.equal(after.name, 'Efter Navn');
    assert.equal(after.title, 'Mentor');
    assert.equal(after.role, 'caseworker');
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => r.action), ['staff_change']);
    assert.equal(rows[0].object, `staff ${member.id}: name, role contact->caseworker, title`);
    // The same values again change nothing and write no row.
    const again = await lise.patch(`${ADMIN}/staff/${member.id}`, { name: 'Efter Navn' });
    expectJson(again, 200);
    assert.deepEqual(auditRowsOf(again), []);
  });

  it('a deactivated member is logged out at once (401) and cannot log in again', async () => {
    const member = await addStaff(lise, { name: 'Går Snart', role: 'caseworker', subject: `${m}-leaves` });
    const s = await loginStaffAs(`${m}-leaves`, 'caseworker');
    const s2 = await loginStaffAs(`${m}-leaves`, 'caseworker');
    expectJson(await s.get(`${ADMIN}/citizens`), 200);
    const res = await lise.patch(`${ADMIN}/staff/${member.id}`, { active: false });
    assert.equal(expectJson(res, 200).active, false);
    for (const x of [s, s2]) expectError(await x.get(`${ADMIN}/citizens`), 401, 'unauthorized');
    const open = sql(`SELECT COUNT(*) FROM sessions WHERE staff_id = ${sqlInt(member.id)} AND ended_at IS NULL`);
    assert.equal(open[0][0], '0', 'every session of the member ended');
    expectError(await staffLoginRes(`${m}-leaves`, 'caseworker'), 401, 'unknown_staff');
    const rows = auditRowsOf(res);
    assert.equal(rows[0].object, `staff ${member.id}: active true->false`);
    // Active again: a new login works, the ended sessions stay ended.
    expectJson(await lise.patch(`${ADMIN}/staff/${member.id}`, { active: true }), 200);
    await loginStaffAs(`${m}-leaves`, 'caseworker');
    expectError(await s.get(`${ADMIN}/citizens`), 401, 'unauthorized');
  });

  it('a caseworker or a contact person adding or changing a member gets 403 leader_only, nothing changed', async () => {
    const before = directory();
    const body = { name: 'Ikke Tilladt', role: 'leader', issuer: STAFF_ISSUER, subject: `${m}-refused` };
    for (const s of [mette, jonas]) {
      expectError(await s.post(`${ADMIN}/staff`, body), 403, 'leader_only');
      expectError(await s.patch(`${ADMIN}/staff/${s.staff.id}`, { role: 'leader' }), 403, 'leader_only');
      // The role is checked before the body: a bad body from them is 403 too.
      expectError(await s.post(`${ADMIN}/staff`, { role: 'nonsense' }), 403, 'leader_only');
    }
    assert.deepEqual(directory(), before);
  });

  it('without the CSRF token a leader gets 403 and nothing changes', async () => {
    const before = directory();
    expectError(await lise.post(`${ADMIN}/staff`, { name: 'X', role: 'contact', issuer: STAFF_ISSUER, subject: `${m}-csrf` }, { csrf: null }), 403, 'csrf_missing');
    assert.deepEqual(directory(), before);
  });

  it('the same (issuer, subject) twice is 409 duplicate_identity; byte-level look-alikes are other people', async () => {
    const sub = `${m}-dup`;
    const first = await addStaff(lise, { name: 'Original', role: 'contact', subject: sub });
    let before = directory();
    expectError(await lise.post(`${ADMIN}/staff`, { name: 'Kopi', role: 'contact', issuer: STAFF_ISSUER, subject: sub }), 409, 'duplicate_identity');
    assert.deepEqual(directory(), before);
    // Login compares bytes: a trailing space, another case or a
    // decomposed accent is another subject, so another member.
    const lookAlikes = [`${sub} `, sub.toUpperCase(), `${sub}e\u0301`, `${sub}é`];
    const ids = new Set([first.id]);
    for (const s of lookAlikes) ids.add((await addStaff(lise, { name: 'Ligner', role: 'contact', subject: s })).id);
    assert.equal(ids.size, lookAlikes.length + 1);
    const who = await loginStaffAs(`${sub} `, 'contact');
    assert.notEqual(who.staff.id, first.id, 'the subject with a trailing space is not the original');
    // Another issuer with the same subject is another person too.
    await addStaff(lise, { name: 'Andet Issuer', role: 'contact', subject: sub, issuer: 'https://idp.example/other' });
    // Changing a member into an identity that is taken: 409, nothing changed.
    before = directory();
    expectError(await lise.patch(`${ADMIN}/staff/${first.id}`, { subject: `${sub} ` }), 409, 'duplicate_identity');
    assert.deepEqual(directory(), before);
  });

  const BAD = [
    ['a role not in the list', { role: 'admin' }, 'invalid_field'],
    ['an empty name', { name: '' }, 'invalid_field'],
    ['a name of spaces only', { name: '   ' }, 'invalid_field'],
    ['a name of 201 characters', { name: 'æ'.repeat(201) }, 'invalid_field'],
    ['a name with a control character', { name: 'Bell\u0007' }, 'invalid_field'],
    ['a name with a line break', { name: 'To\nlinjer' }, 'invalid_field'],
    ['a subject with a tab', { subject: 'a\tb' }, 'invalid_field'],
    ['a subject with a NUL byte', { subject: 'a\u0000b' }, 'invalid_json'],
    ['a subject of 256 bytes (128 ø)', { subject: 'ø'.repeat(128) }, 'invalid_field'],
    ['an empty issuer', { issuer: '' }, 'invalid_field'],
    ['a title of 101 characters', { title: 't'.repeat(101) }, 'invalid_field'],
    ['an e-mail without @', { email: 'nobody' }, 'invalid_field'],
    ['active as a string', { active: 'no' }, 'invalid_field'],
    ['an unknown member', { boss: true }, 'unknown_field'],
  ];
  for (const [what, change, code] of BAD) {
    it(`a new member with ${what} is 400 ${code}, nothing changed`, async () => {
      const before = directory();
      const body = { name: 'Gyldig', role: 'contact', issuer: STAFF_ISSUER, subject: `${m}-bad`, ...change };
      expectError(await lise.post(`${ADMIN}/staff`, body), 400, code);
      assert.deepEqual(directory(), before);
    });
  }
  for (const field of ['name', 'role', 'issuer', 'subject']) {
    it(`a new member without ${field} is 400 missing_field, nothing changed`, async () => {
      const before = directory();
      const body = { name: 'Gyldig', role: 'contact', issuer: STAFF_ISSUER, subject: `${m}-missing` };
      delete body[field];
      expectError(await lise.post(`${ADMIN}/staff`, body), 400, 'missing_field');
      assert.deepEqual(directory(), before);
    });
  }

  it('a change with a bad field or no field at all is 400, and an unknown member 404; nothing changed', async () => {
    const member = await addStaff(lise, { name: 'Uændret', role: 'contact', subject: `${m}-patch` });
    const before = directory();
    expectError(await lise.patch(`${ADMIN}/staff/${member.id}`, { role: 'boss' }), 400, 'invalid_field');
    expectError(await lise.patch(`${ADMIN}/staff/${member.id}`, { name: 'a\u0085b' }), 400, 'invalid_field');
    expectError(await lise.patch(`${ADMIN}/staff/${member.id}`, {}), 400, 'missing_field');
    expectError(await lise.patch(`${ADMIN}/staff/999999999`, { name: 'Ingen' }), 404, 'not_found');
    assert.deepEqual(directory(), before);
  });

  it('a leader cannot deactivate themself: 409 self_deactivation, still logged in', async () => {
    const before = directory();
    expectError(await lise.patch(`${ADMIN}/staff/${lise.staff.id}`, { active: false }), 409, 'self_deactivation');
    assert.deepEqual(directory(), before);
    expectJson(await lise.get(`${ADMIN}/staff`), 200);
  });

  it('the last active leader cannot be demoted or removed: 409 last_leader', async () => {
    // Every other active leader (from earlier runs) steps down first.
    const { staff } = expectJson(await lise.get(`${ADMIN}/staff?role=leader`), 200);
    for (const l of staff.filter((x) => x.id !== lise.staff.id)) {
      expectJson(await lise.patch(`${ADMIN}/staff/${l.id}`, { active: false }), 200);
    }
    const before = directory();
    expectError(await lise.patch(`${ADMIN}/staff/${lise.staff.id}`, { role: 'caseworker' }), 409, 'last_leader');
    assert.deepEqual(directory(), before);
    // With a second leader, the second may be demoted and then removed,
    // and is logged out when removed.
    const second = await addStaff(lise, { name: 'Anden Leder', role: 'leader', subject: `${m}-leader2` });
    const s2 = await loginStaffAs(`${m}-leader2`, 'leader');
    expectJson(await s2.get(`${ADMIN}/staff?inactive=true`), 200);
    expectError(await s2.patch(`${ADMIN}/staff/${second.id}`, { active: false }), 409, 'self_deactivation');
    expectJson(await s2.patch(`${ADMIN}/staff/${lise.staff.id}`, { title: 'Teamleder' }), 200);
    expectJson(await lise.patch(`${ADMIN}/staff/${second.id}`, { active: false }), 200);
    expectError(await s2.get(`${ADMIN}/staff`), 401, 'unauthorized');
    const { staff: leaders } = expectJson(await lise.get(`${ADMIN}/staff?role=leader`), 200);
    assert.deepEqual(leaders.map((x) => x.id), [lise.staff.id]);
  });

  it('the directory actions are in the audit log with no citizen', () => {
    const rows = sql(`SELECT action, COUNT(*) FROM audit_log WHERE actor_staff_id = ${sqlInt(lise.staff.id)}
      AND citizen_id IS NULL AND action IN ('staff_create', 'staff_change') GROUP BY action ORDER BY action`);
    assert.deepEqual(rows.map((r) => r[0]), ['staff_change', 'staff_create']);
  });

  auditChainTest();
  no5xxTest();
});
