// Meetings made together: the citizen adds points to the agenda of an
// upcoming meeting and answers whether they are coming; staff see both,
// write minutes afterwards, and the citizen keeps the past meetings with
// their minutes; an .ics file for the citizen's calendar; the retention
// purge takes points and answers. Works on two citizens enrolled here (so
// no demo citizen is held), forgotten at the end.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, CITIZEN_AUD, HAVE_DB, SKIP, Session,
  auditRowsOf, expectError, expectJson, forgetCitizens, loginStaff, marker, no5xxTest, postSession, request, runCmd, sessionCookieOf, sql,
} from './lib.mjs';

const NEED = SKIP || (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set');
const lettered = (s) => s.replace(/\d/g, (d) => 'abcdefghij'[d]);
const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const AGENDA = '1. Praktik hos Føtex\n2. Kørekort\n3. Økonomi, bolig; "og" \\ resten';

function freshCpr() {
  const d = String(1 + crypto.randomInt(28)).padStart(2, '0');
  const month = String(1 + crypto.randomInt(12)).padStart(2, '0');
  const year = String(crypto.randomInt(100)).padStart(2, '0');
  return `${d}${month}${year}${crypto.randomInt(4)}${String(crypto.randomInt(1000)).padStart(3, '0')}`;
}

/** Enrols a citizen by staff, logs them in through the dev IdP and gives consent. */
async function enrolled(staff, name) {
  const cpr = freshCpr();
  const c = expectJson(await staff.post(`${ADMIN}/citizens`, { cpr, name }), 201);
  const t = await request('POST', '/dev-idp/token', {
    body: `cpr=${cpr}&name=${encodeURIComponent(name)}&aud=${CITIZEN_AUD}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(t.status, 200, t.text);
  const res = await postSession(t.text.trim());
  const body = expectJson(res, 201);
  const s = new Session({ cookie: `kaptajn_session=${sessionCookieOf(res)}`, csrf: body.csrf_token, citizen: body.citizen, setCookie: res.setCookie });
  expectJson(await s.post('/api/v1/consent', { action: 'give' }), 200);
  return { id: c.id, s };
}

describe('meetings made together', { skip: NEED }, () => {
  const prefix = `Møde ${lettered(marker('mt'))}`;
  let mette;
  let rita; // the citizen
  let other; // another citizen
  let upcoming; // a meeting in ten days
  let past; // a meeting that began an hour ago
  const MEET = (id, what = '') => `/api/v1/meetings/${id}${what}`;
  const meetingsOf = async (s = rita.s) => expectJson(await s.get('/api/v1/meetings'), 200);
  const staffList = async () => expectJson(await mette.get(`${ADMIN}/citizens/${rita.id}/meetings`), 200).meetings;
  const plan = (id, startsAt, agenda = AGENDA) =>
    mette.post(`${ADMIN}/citizens/${id}/meetings`, { kind: 'network', starts_at: startsAt, place: 'Jobcentret, lokale 2', agenda, participants: [] });

  before(async () => {
    mette = await loginStaff('mette');
    rita = await enrolled(mette, `${prefix} Rita`);
    other = await enrolled(mette, `${prefix} Ole`);
    upcoming = expectJson(await plan(rita.id, iso(Date.now() + 10 * 86400000)), 201);
    past = expectJson(await plan(rita.id, iso(Date.now() - 3600000)), 201);
  });
  after(() => forgetCitizens(prefix));

  // ------------------------------------------------------- agenda points

  it('POST /meetings/{id}/agenda is 201 with the point, its author and time; the meeting lists it', async () => {
    const text = `Jeg vil tale om min ryg\nog om transport ${marker('p')}`;
    const p = expectJson(await rita.s.post(MEET(upcoming.id, '/agenda'), { text }), 201);
    assert.ok(Number.isInteger(p.id));
    assert.equal(p.text, text, 'the newline survives');
    assert.deepEqual(p.by, { role: 'citizen', name: `${prefix} Rita` });
    assert.ok(Math.abs(Date.parse(p.at) - Date.now()) < 60000, p.at);
    const m = (await meetingsOf()).meetings.find((x) => x.id === upcoming.id);
    assert.equal(m.agenda, AGENDA, 'the staff agenda keeps its lines');
    assert.deepEqual(m.points.at(-1), p);
  });

  it('a point on a meeting that has begun is 409 meeting_past and adds nothing', async () => {
    expectError(await rita.s.post(MEET(past.id, '/agenda'), { text: 'for sent' }), 409, 'meeting_past');
    assert.equal(sql(`SELECT COUNT(*) FROM meeting_points WHERE meeting_id = ${past.id}`)[0][0], '0');
  });

  it('a point on someone else\'s meeting, or an unknown one, is 404 and adds nothing', async () => {
    expectError(await other.s.post(MEET(upcoming.id, '/agenda'), { text: 'ikke min' }), 404);
    expectError(await rita.s.post(MEET(999999999, '/agenda'), { text: 'ingen' }), 404);
    assert.equal(sql(`SELECT COUNT(*) FROM meeting_points WHERE text IN ('ikke min', 'ingen')`)[0][0], '0');
  });

  for (const [name, body, code] of [
    ['an empty text', { text: '' }, 'invalid_field'],
    ['a blank text', { text: ' \n ' }, 'invalid_field'],
    ['no text', {}, 'missing_field'],
    ['a text over 1000 characters', { text: 'æ'.repeat(1001) }, 'invalid_field'],
    ['a control character', { text: 'a\u0007b' }, 'invalid_field'],
    ['a number', { text: 5 }, 'invalid_field'],
    ['an unknown member', { text: 'x', at: 'now' }, 'unknown_field'],
  ]) {
    it(`a point with ${name} is 400 ${code} and adds nothing`, async () => {
      const before = sql(`SELECT COUNT(*) FROM meeting_points WHERE meeting_id = ${upcoming.id}`)[0][0];
      expectError(await rita.s.post(MEET(upcoming.id, '/agenda'), body), 400, code);
      assert.equal(sql(`SELECT COUNT(*) FROM meeting_points WHERE meeting_id = ${upcoming.id}`)[0][0], before);
    });
  }

  // ------------------------------------------------------------- answers

  it('POST /meetings/{id}/response records the answer; a later one replaces it; staff see the latest', async () => {
    let m = expectJson(await rita.s.post(MEET(upcoming.id, '/response'), { answer: 'coming' }), 200);
    assert.equal(m.response.answer, 'coming');
    assert.equal(m.response.comment, null);
    const comment = 'Jeg er syg den dag.\nKan vi flytte det?';
    m = expectJson(await rita.s.post(MEET(upcoming.id, '/response'), { answer: 'cannot_come', comment }), 200);
    assert.deepEqual([m.response.answer, m.response.comment], ['cannot_come', comment]);
    const seen = (await staffList()).find((x) => x.id === upcoming.id);
    assert.deepEqual([seen.response.answer, seen.response.comment], ['cannot_come', comment]);
    assert.equal(sql(`SELECT COUNT(*) FROM meeting_responses WHERE meeting_id = ${upcoming.id}`)[0][0], '1');
  });

  it('an answer to a meeting that has begun is 409; to someone else\'s 404; a bad answer 400; none changes it', async () => {
    const before = sql(`SELECT answer, comment FROM meeting_responses WHERE meeting_id = ${upcoming.id}`);
    expectError(await rita.s.post(MEET(past.id, '/response'), { answer: 'coming' }), 409, 'meeting_past');
    expectError(await other.s.post(MEET(upcoming.id, '/response'), { answer: 'coming' }), 404);
    expectError(await rita.s.post(MEET(upcoming.id, '/response'), { answer: 'maybe' }), 400, 'invalid_field');
    expectError(await rita.s.post(MEET(upcoming.id, '/response'), { answer: 'coming', comment: 'x'.repeat(1001) }), 400, 'invalid_field');
    expectError(await rita.s.post(MEET(upcoming.id, '/response'), {}), 400, 'missing_field');
    assert.deepEqual(sql(`SELECT answer, comment FROM meeting_responses WHERE meeting_id = ${upcoming.id}`), before);
    assert.equal(sql(`SELECT COUNT(*) FROM meeting_responses WHERE meeting_id = ${past.id}`)[0][0], '0');
  });

  it('staff see the citizen\'s points with who wrote them, and may add their own', async () => {
    const mine = expectJson(await mette.post(`${ADMIN}/meetings/${upcoming.id}/agenda`, { text: 'Status på praktikken' }), 201);
    assert.equal(mine.by.role, 'staff');
    assert.ok(typeof mine.by.name === 'string' && mine.by.name && !mine.by.name.startsWith(prefix), `a staff name: ${mine.by.name}`);
    const seen = (await staffList()).find((x) => x.id === upcoming.id);
    assert.deepEqual(seen.points.map((p) => p.by.role), ['citizen', 'staff']);
    const citizenSide = (await meetingsOf()).meetings.find((x) => x.id === upcoming.id);
    assert.equal(citizenSide.points[1].by.name, mine.by.name, 'the citizen sees the staff name');
  });

  // ------------------------------------------------------ minutes, past

  it('minutes before a meeting has begun are 409 meeting_not_yet and change nothing', async () => {
    expectError(await mette.post(`${ADMIN}/meetings/${upcoming.id}/minutes`, { text: 'for tidligt' }), 409, 'meeting_not_yet');
    assert.deepEqual(sql(`SELECT minutes IS NULL FROM meetings WHERE id = ${upcoming.id}`), [['1']]);
  });

  it('minutes after the meeting are 200, audited minutes_written, and shown to the citizen under the past meeting with their lines', async () => {
    expectJson(await mette.post(`${ADMIN}/meetings/${past.id}/held`), 200);
    const text = 'Referat:\n1. Praktik aftalt fra 1/2\n2. Kørekort: ansøgning sendes';
    const res = await mette.post(`${ADMIN}/meetings/${past.id}/minutes`, { text });
    const m = expectJson(res, 200);
    assert.equal(m.minutes.text, text);
    assert.equal(typeof m.minutes.by, 'string');
    assert.ok(auditRowsOf(res).some((r) => r.action === 'minutes_written' && r.object === `meeting ${past.id}`), JSON.stringify(auditRowsOf(res)));
    const body = await meetingsOf();
    assert.equal(body.meetings.find((x) => x.id === past.id), undefined, 'not among the upcoming');
    const got = body.past.find((x) => x.id === past.id);
    assert.ok(got, 'the held meeting stays, among the past ones');
    assert.ok(got.held_at);
    assert.equal(got.minutes.text, text);
    assert.equal(got.agenda, AGENDA);
  });

  it('minutes that are empty, too long or of someone else\'s caseload are refused and change nothing', async () => {
    const before = sql(`SELECT minutes FROM meetings WHERE id = ${past.id}`);
    expectError(await mette.post(`${ADMIN}/meetings/${past.id}/minutes`, { text: '' }), 400, 'invalid_field');
    expectError(await mette.post(`${ADMIN}/meetings/${past.id}/minutes`, { text: 'x'.repeat(8001) }), 400, 'invalid_field');
    expectError(await (await loginStaff('peter')).post(`${ADMIN}/meetings/${past.id}/minutes`, { text: 'fremmed' }), 404);
    expectError(await mette.post(`${ADMIN}/meetings/999999999/minutes`, { text: 'ingen' }), 404);
    assert.deepEqual(sql(`SELECT minutes FROM meetings WHERE id = ${past.id}`), before);
  });

  it('another citizen sees none of these meetings, upcoming or past', async () => {
    const body = await meetingsOf(other.s);
    assert.deepEqual([...body.meetings, ...body.past].filter((x) => [upcoming.id, past.id].includes(x.id)), []);
  });

  // ------------------------------------------------------------ calendar

  it('GET /meetings/{id}/calendar is an iCalendar file: CRLF, folded, escaped, UTC, stable UID, no names', async () => {
    const long = `Åbyhøjgårdens fælleslokale, bagindgangen ved cykelskuret; anden sal, Ørum ${'ø'.repeat(40)}`;
    const m = expectJson(await plan(rita.id, iso(Date.now() + 20 * 86400000), 'Rita Hemmelig').then((r) => r), 201);
    sql(`UPDATE meetings SET place = '${long}' WHERE id = ${m.id}`);
    const res = await rita.s.get(MEET(m.id, '/calendar'));
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/calendar/);
    const raw = res.text;
    assert.ok(raw.startsWith('BEGIN:VCALENDAR\r\n') && raw.endsWith('END:VCALENDAR\r\n'), raw);
    assert.equal(raw.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF');
    for (const line of raw.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line of ${Buffer.byteLength(line)} octets: ${line}`);
    const unfolded = raw.replace(/\r\n /g, '');
    assert.match(unfolded, new RegExp(`\\r\\nUID:meeting-${m.id}@kaptajn\\r\\n`));
    assert.match(unfolded, new RegExp(`\\r\\nDTSTART:${m.starts_at.replace(/[-:]/g, '')}\\r\\n`));
    assert.ok(unfolded.includes(`LOCATION:${long.replace(/,/g, '\\,').replace(/;/g, '\\;')}\r\n`), unfolded);
    assert.ok(raw.includes('\r\n '), 'the long location was folded');
    assert.ok(!unfolded.includes('Rita'), 'no name, no agenda');
    const again = await rita.s.get(MEET(m.id, '/calendar'));
    assert.equal(/UID:[^\r]*/.exec(again.text)[0], `UID:meeting-${m.id}@kaptajn`, 'the UID is stable');
    expectError(await other.s.get(MEET(m.id, '/calendar')), 404);
  });

  // --------------------------------------------------------------- purge

  it('the retention purge takes the citizen\'s points and answers with the meetings', async () => {
    const [[before]] = sql(`SELECT (SELECT COUNT(*) FROM meeting_points WHERE citizen_id = ${rita.id}) + (SELECT COUNT(*) FROM meeting_responses WHERE citizen_id = ${rita.id})`);
    assert.ok(Number(before) >= 3, before);
    expectJson(await mette.post(`${ADMIN}/citizens/${rita.id}/course-end`, { outcome: 'job' }), 200);
    sql(`UPDATE citizens SET course_ended_at = course_ended_at - INTERVAL 30 YEAR WHERE id = ${rita.id}`);
    const r = await runCmd(process.env.KAPTAJN_BIN, ['purge', '--config', process.env.KAPTAJN_CONFIG, '--citizen', String(rita.id)]);
    assert.equal(r.code, 0, r.out);
    for (const t of ['meeting_points', 'meeting_responses', 'meetings']) {
      assert.equal(sql(`SELECT COUNT(*) FROM ${t} WHERE citizen_id = ${rita.id}`)[0][0], '0', t);
    }
  });

  no5xxTest();
});
