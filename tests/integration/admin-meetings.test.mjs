// Network meetings and follow-ups: staff add them to a citizen's plan, list
// them with the follow-up counts, record that one was held (once), and the
// citizen sees the upcoming ones. Works on anna (mette's caseload, jonas
// her contact), holding her lock; the meetings it adds are marked held at
// the end so that the citizen's list does not grow.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  assertCitizenUnchanged, auditChainTest, auditRowsOf, citizenId, citizenSnapshot, expectError, expectJson,
  holdCitizens, login, loginStaff, marker, no5xxTest,
} from './lib.mjs';

/** A UTC time `days` from now, at a whole hour, as "YYYY-MM-DDTHH:00:00Z". */
function future(days = 30) {
  const d = new Date(Date.now() + days * 86400000);
  return `${d.toISOString().slice(0, 13)}:00:00Z`;
}

describe('network meetings and follow-ups', { skip: SKIP }, () => {
  let release;
  let anna; // citizen session
  let aid;
  let mette;
  let jonas;
  let peter;
  const made = [];
  before(async () => {
    release = await holdCitizens('anna');
    anna = await login('anna');
    aid = await citizenId('anna');
    mette = await loginStaff('mette');
    jonas = await loginStaff('jonas');
    peter = await loginStaff('peter');
  });
  after(async () => {
    try {
      for (const id of made) await mette.post(`${ADMIN}/meetings/${id}/held`);
    } finally {
      if (release) release();
    }
  });

  const MEETINGS = () => `${ADMIN}/citizens/${aid}/meetings`;
  const meeting = (over = {}) => ({
    kind: 'network',
    starts_at: future(),
    place: 'Jobcentret, mødelokale 2',
    agenda: `Praktik og kørekort ${marker('a')}`,
    participants: [
      { name: 'Anna Jensen', role: 'borger', professional: false },
      { name: 'Jonas Madsen', role: 'mentor', professional: true },
      { name: 'Åse Ørum', role: 'moster', professional: false },
    ],
    ...over,
  });
  async function create(over = {}, staff = mette) {
    const m = expectJson(await staff.post(MEETINGS(), meeting(over)), 201);
    assert.ok(Number.isInteger(m.id), `meeting: ${JSON.stringify(m)}`);
    made.push(m.id);
    return m;
  }
  async function list(staff = mette) {
    const body = expectJson(await staff.get(MEETINGS()), 200);
    assert.ok(Array.isArray(body.meetings), `meetings: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  }

  // ------------------------------------------------------------ create

  it('POST /citizens/{id}/meetings is 201 with the meeting as sent', async () => {
    const sent = meeting();
    const m = await create(sent);
    assert.equal(m.kind, 'network');
    assert.equal(m.starts_at, sent.starts_at);
    assert.equal(m.place, sent.place);
    assert.equal(m.agenda, sent.agenda);
    assert.deepEqual(m.participants, sent.participants);
  });

  it('a follow_up meeting is 201', async () => {
    const m = await create({ kind: 'follow_up', participants: [] });
    assert.equal(m.kind, 'follow_up');
  });

  it('the new meeting is listed by GET /citizens/{id}/meetings, not yet held', async () => {
    const m = await create();
    const got = (await list()).meetings.find((x) => x.id === m.id);
    assert.ok(got, 'not listed');
    assert.equal(got.starts_at, m.starts_at);
    assert.ok(!got.held_at, `held_at: ${got.held_at}`);
  });

  it('GET /citizens/{id}/meetings has follow_ups {due, done} as counts', async () => {
    const { follow_ups: f } = await list();
    assert.ok(f && Number.isInteger(f.due) && Number.isInteger(f.done), JSON.stringify(f));
    assert.ok(f.due >= 0 && f.done >= 0);
  });

  it('the citizen sees an upcoming meeting in GET /api/v1/meetings', async () => {
    const m = await create();
    const body = expectJson(await anna.get('/api/v1/meetings'), 200);
    assert.ok(Array.isArray(body.meetings), 'meetings');
    const got = body.meetings.find((x) => x.id === m.id);
    assert.ok(got, 'the citizen does not see the meeting');
    assert.equal(got.starts_at, m.starts_at);
    assert.equal(got.place, m.place);
  });

  it('the citizen sees only meetings of their own plan', async () => {
    const m = await create();
    const other = expectJson(await (await login('mohammed')).get('/api/v1/meetings'), 200);
    assert.equal(other.meetings.find((x) => x.id === m.id), undefined);
  });

  it('the contact person can add a meeting (201)', async () => {
    await create({}, jonas);
  });

  it('a new meeting is audited as a change of the citizen', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await mette.post(MEETINGS(), meeting());
    made.push(expectJson(res, 201).id);
    const rows = auditRowsOf(res).filter((r) => r.action !== 'read');
    assert.equal(rows.length, 1, JSON.stringify(auditRowsOf(res)));
    assert.equal(rows[0].citizen_id, aid);
  });

  // ---------------------------------------------------------------- held

  it('POST /meetings/{id}/held is 200 and the meeting is then listed as held', async () => {
    const m = await create();
    expectJson(await mette.post(`${ADMIN}/meetings/${m.id}/held`), 200);
    const got = (await list()).meetings.find((x) => x.id === m.id);
    assert.ok(got?.held_at && !Number.isNaN(Date.parse(got.held_at)), `held_at: ${JSON.stringify(got)}`);
  });

  it('a meeting held twice: the second is 409 and changes nothing', async () => {
    const m = await create();
    expectJson(await mette.post(`${ADMIN}/meetings/${m.id}/held`), 200);
    const before_ = await citizenSnapshot(anna);
    const res = await mette.post(`${ADMIN}/meetings/${m.id}/held`);
    expectError(res, 409);
    await assertCitizenUnchanged(anna, before_, res);
  });

  it('a held follow-up counts as done', async () => {
    const m = await create({ kind: 'follow_up' });
    const before_ = (await list()).follow_ups.done;
    expectJson(await mette.post(`${ADMIN}/meetings/${m.id}/held`), 200);
    assert.equal((await list()).follow_ups.done, before_ + 1);
  });

  it('a held meeting is no longer in the citizen\'s upcoming list', async () => {
    const m = await create();
    expectJson(await mette.post(`${ADMIN}/meetings/${m.id}/held`), 200);
    const body = expectJson(await anna.get('/api/v1/meetings'), 200);
    assert.equal(body.meetings.find((x) => x.id === m.id), undefined);
  });

  it('another caseworker marking a meeting held is 404 and changes nothing', async () => {
    const m = await create();
    const before_ = await citizenSnapshot(anna);
    const res = await peter.post(`${ADMIN}/meetings/${m.id}/held`);
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(anna, before_, res);
  });

  it('a meeting that does not exist is 404 when marked held', async () => {
    expectError(await mette.post(`${ADMIN}/meetings/999999999/held`), 404, 'not_found');
  });

  // ------------------------------------------------------ refused creates

  const BAD = [
    ['a month 13', { starts_at: '2026-13-01T10:00:00Z' }, 'starts_at'],
    ['February 30th', { starts_at: '2027-02-30T10:00:00Z' }, 'starts_at'],
    ['hour 24', { starts_at: '2027-01-01T24:00:00Z' }, 'starts_at'],
    ['a date without time', { starts_at: '2027-01-01' }, 'starts_at'],
    ['a space instead of T', { starts_at: '2027-01-01 10:00:00Z' }, 'starts_at'],
    ['a time without Z', { starts_at: '2027-01-01T10:00:00' }, 'starts_at'],
    ['words for a date', { starts_at: 'tomorrow' }, 'starts_at'],
    ['an empty date', { starts_at: '' }, 'starts_at'],
    ['a numeric date', { starts_at: 1798761600 }, 'starts_at'],
    ['an unknown kind', { kind: 'party' }, 'kind'],
    ['no place', { place: undefined }, 'place'],
    ['a 4001-character agenda', { agenda: 'a'.repeat(4001) }, 'agenda'],
    ['participants that are not a list', { participants: 'Anna' }, 'participants'],
    ['a participant without role', { participants: [{ name: 'X', professional: true }] }, 'role'],
    ['a participant whose professional is a string', { participants: [{ name: 'X', role: 'y', professional: 'yes' }] }, 'professional'],
    ['a participant with an unknown field', { participants: [{ name: 'X', role: 'y', professional: true, cpr: '0101010101' }] }, null],
    ['an unknown field', { citizen_id: 1 }, null],
  ];
  for (const [what, over, field] of BAD) {
    it(`a meeting with ${what} is 400 and changes nothing`, async () => {
      const before_ = await citizenSnapshot(anna);
      const res = await mette.post(MEETINGS(), meeting(over));
      const err = expectError(res, 400);
      if (field) assert.match(err.message, new RegExp(field), `the message does not name ${field}`);
      await assertCitizenUnchanged(anna, before_, res);
    });
  }

  it('a meeting added by another caseworker is 404 and changes nothing', async () => {
    const before_ = await citizenSnapshot(anna);
    const res = await peter.post(MEETINGS(), meeting());
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(anna, before_, res);
  });

  it('another caseworker listing the meetings is 404', async () => {
    expectError(await peter.get(MEETINGS()), 404, 'not_found');
  });

  it('a meeting without X-CSRF-Token is 403 and changes nothing', async () => {
    const before_ = await citizenSnapshot(anna);
    const res = await mette.post(MEETINGS(), meeting(), { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertCitizenUnchanged(anna, before_, res);
  });

  auditChainTest();
  no5xxTest();
});
