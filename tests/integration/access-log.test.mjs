// "Who looked at my data" that a person can read (GET /api/v1/access-log):
// each entry says what was looked at (object) and why where a reason was
// given (the CPR number's), and a run of reads of the same thing by the
// same person on one day is one entry with a count, while the audit log
// keeps every row. The caseload list is not a read of the citizen's plan
// and is left out. A freshly enrolled citizen has a log of their own.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { ADMIN, HAVE_DB, SKIP, auditRowsOf, enrolFresh, expectError, forgetCitizens, holdCitizens, expectJson, loginStaff, sql, staffId } from './lib.mjs';

// Citizens made here are named so, and forgotten after.
const PREFIX = `Indsigt Test ${crypto.randomBytes(3).toString('hex')}`;

const ACCESS = '/api/v1/access-log';

/** Every entry of s's access log, page by page with limit; the pages' entries in order. */
async function walk(s, limit) {
  const rows = [];
  let before = '';
  for (let n = 0; n < 200; n++) {
    const body = expectJson(await s.get(`${ACCESS}?limit=${limit}${before}`), 200);
    rows.push(...body.entries);
    if (body.next === null) return rows;
    before = `&before=${encodeURIComponent(body.next)}`;
  }
  throw new Error('the access log does not end');
}

describe('the access log: what, why, and runs of reads as one entry with a count', { skip: SKIP }, () => {
  let mette;
  let citizen; // { id, session }
  const plan = () => mette.get(`${ADMIN}/citizens/${citizen.id}/plan`);
  const entries = async () => expectJson(await citizen.session.get(ACCESS), 200).entries;

  let release;
  before(async () => {
    // New citizens join mette's and jonas's caseloads while they last.
    release = await holdCitizens('staff-assignments');
    mette = await loginStaff('mette');
    citizen = await enrolFresh(mette, `${PREFIX} Anna`, { contact_staff_id: await staffId('jonas') });
  });
  after(() => {
    try {
      if (HAVE_DB) forgetCitizens(PREFIX);
    } finally {
      if (release) release();
    }
  });

  it('three plan reads in a row by one caseworker are one entry: object plan, count 3, first_at and at', async () => {
    for (let i = 0; i < 3; i++) expectJson(await plan(), 200);
    const [e] = await entries();
    assert.deepEqual(
      { action: e.action, object: e.object, count: e.count, reason: e.reason, actor: e.actor },
      { action: 'read', object: 'plan', count: 3, reason: null, actor: { name: mette.staff.name, role: 'caseworker' } },
    );
    assert.ok(Date.parse(e.first_at) <= Date.parse(e.at), `first_at ${e.first_at} after at ${e.at}`);
  });

  it('a read of another thing is an entry of its own, and a plan read after it starts a new run', async () => {
    expectJson(await mette.get(`${ADMIN}/citizens/${citizen.id}/meetings`), 200);
    expectJson(await plan(), 200);
    const [last, meetings, runOf3] = await entries();
    assert.deepEqual([last.object, last.count], ['plan', 1]);
    assert.deepEqual([meetings.action, meetings.object, meetings.count], ['read', 'meetings', 1]);
    assert.deepEqual([runOf3.object, runOf3.count], ['plan', 3]);
  });

  it('the caseload list is not shown as a read of the citizen, though its audit row is kept', async () => {
    const res = await mette.get(`${ADMIN}/citizens?limit=500`);
    const listed = expectJson(res, 200);
    assert.ok(listed.citizens.some((c) => c.id === citizen.id), 'the new citizen is not on mette\'s list');
    if (HAVE_DB) {
      const rows = auditRowsOf(res).filter((r) => r.citizen_id === citizen.id);
      assert.deepEqual(rows.map((r) => [r.action, r.object]), [['read', 'caseload']], 'the caseload row is not kept');
    }
    expectJson(await plan(), 200);
    const list = await entries();
    assert.deepEqual(list.filter((e) => e.object === 'caseload'), [], 'the caseload list is shown to the citizen');
    // The listing between two plan reads does not split their run.
    assert.deepEqual([list[0].object, list[0].count], ['plan', 2]);
  });

  it('a CPR reveal with a reason is its own entry: read_cpr, object cpr, and the reason', async () => {
    const why = 'Udbetaling af ydelse – æøå';
    expectJson(await mette.post(`${ADMIN}/citizens/${citizen.id}/cpr`, { reason: why }), 200);
    expectJson(await mette.post(`${ADMIN}/citizens/${citizen.id}/cpr`), 200);
    const [bare, withWhy] = await entries();
    assert.deepEqual([withWhy.action, withWhy.object, withWhy.reason, withWhy.count], ['read_cpr', 'cpr', why, 1]);
    assert.deepEqual([bare.action, bare.object, bare.reason, bare.count], ['read_cpr', 'cpr', null, 1]);
  });

  it('a bad CPR reason is 400 and writes no read_cpr row', async () => {
    const before = (await entries()).length;
    for (const [body, code] of [[{ reason: 'x'.repeat(191) }, 'invalid_field'], [{ reason: 'a\u0007b' }, null], [{ reason: 7 }, 'invalid_field'], [{ why: 'x' }, null]]) {
      const res = await mette.post(`${ADMIN}/citizens/${citizen.id}/cpr`, body);
      expectError(res, 400, code ?? undefined);
      assert.ok(!res.text.includes('cpr"'), 'a refusal sent a number');
    }
    expectError(await mette.post(`${ADMIN}/citizens/${citizen.id}/cpr`, undefined, { body: 'reason=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415);
    assert.equal((await entries()).length, before, 'a refused reveal reached the access log');
  });

  it('the audit log keeps every row: the entries\' counts add up to the citizen\'s staff rows', { skip: !HAVE_DB && 'no database' }, async () => {
    const list = await walk(citizen.session, 500);
    const [[n]] = sql(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${Number(citizen.id)} AND actor_kind = 'staff'
                       AND action <> 'denied' AND NOT (action = 'read' AND object = 'caseload')`);
    assert.equal(list.reduce((sum, e) => sum + e.count, 0), Number(n));
    assert.ok(list.length < Number(n), 'nothing was grouped');
    const [[caseload]] = sql(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${Number(citizen.id)} AND object = 'caseload'`);
    assert.ok(Number(caseload) >= 1, 'the caseload rows are gone');
  });

  it('paging: one entry a page gives the same entries as one page of all, and runs are never split', async () => {
    const all = await walk(citizen.session, 500);
    const one = await walk(citizen.session, 1);
    assert.deepEqual(one, all);
    assert.ok(all.length >= 6, `too few entries to page: ${all.length}`);
    for (let i = 1; i < all.length; i++) assert.ok(Date.parse(all[i - 1].first_at) >= Date.parse(all[i].at), 'not newest first');
  });

  it('a bad cursor is 400', async () => {
    expectError(await citizen.session.get(`${ACCESS}?before=abc`), 400);
  });
});
