// What needs action in a caseload (GET /admin/api/v1/citizens): each row's
// birth date from the sealed CPR number (never the number), the next
// meeting, whether a follow-up is due, and the needs_action codes, checked
// against the database for demo citizens and against meetings made here;
// and a caseworker with sixty citizens, read in one page and page by page.
// The caseworkers and enrolled citizens are this file's own and are
// removed after; the demo citizens read are held so no other file changes
// them meanwhile.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  forgetCitizens,
  ADMIN, HAVE_DB, SKIP,
  addStaff, citizenId, enrolFresh, expectError, expectJson, holdCitizens, loginStaff, loginStaffAs, marker,
  no5xxTest, sql, sqlInt,
} from './lib.mjs';

const NEED_DB = SKIP || (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set');
const CITIZENS = `${ADMIN}/citizens`;
const CODES = ['not_yet', 'unread_messages', 'cannot_come', 'pending_proposals', 'follow_up_due', 'consent_missing', 'plan_not_accepted', 'meeting_this_week'];

/** A CPR number no one has: a real date in the 1900s and a random serial. */
function freshCpr(day) {
  const d = String(day).padStart(2, '0');
  const month = String(1 + crypto.randomInt(12)).padStart(2, '0');
  const year = String(crypto.randomInt(100)).padStart(2, '0');
  const serial = `${crypto.randomInt(4)}${String(crypto.randomInt(1000)).padStart(3, '0')}`;
  return `${d}${month}${year}${serial}`;
}

// A marker without digits, so a name never looks like part of a number.
const lettered = (s) => s.replace(/\d/g, (d) => 'abcdefghij'[d]);

const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Asserts that no row of the answer holds ten digits in a row, nor six and four with a dash. */
function assertNoCprIn(citizens) {
  for (const c of citizens) {
    const text = JSON.stringify(c);
    assert.doesNotMatch(text, /\d{10}|\d{6}-\d{4}/, `a row holds a CPR number: ${text}`);
  }
}

/** Every citizen of session's caseload, read page by page with limit rows each. */
async function allPages(session, limit) {
  const rows = [];
  let before = null;
  let pages = 0;
  do {
    const q = `?limit=${limit}${before != null ? `&before=${encodeURIComponent(before)}` : ''}`;
    const body = expectJson(await session.get(`${CITIZENS}${q}`), 200);
    assert.ok(body.citizens.length <= limit);
    rows.push(...body.citizens);
    before = body.next;
    pages += 1;
    assert.ok(pages < 100, 'the pages never end');
  } while (before != null);
  return { rows, pages };
}

/** Removes the citizens whose names start with prefix, their plans and meetings, and the staff. */
function cleanUp(prefix, staffIds) {
  forgetCitizens(prefix);
  const staff = staffIds.filter(Boolean).map(sqlInt);
  if (staff.length) {
    sql(`DELETE FROM sessions WHERE staff_id IN (${staff.join(',')});
         DELETE FROM staff WHERE id IN (${staff.join(',')})`);
  }
}

describe('the caseload says what needs action', { skip: NEED_DB }, () => {
  const m = marker('cla');
  const prefix = `Handling ${lettered(m)}`;
  let release;
  let mette;
  let mine; // this file's caseworker
  let ids;
  before(async () => {
    release = await holdCitizens('anna', 'ida', 'nanna');
    ids = {};
    for (const sub of ['anna', 'ida', 'nanna']) ids[sub] = await citizenId(sub);
    mette = await loginStaff('mette');
    const lise = await loginStaff('lise');
    await addStaff(lise, { name: `Sagsbehandler ${m}`, role: 'caseworker', subject: `${m}-cw` });
    mine = await loginStaffAs(`${m}-cw`, 'caseworker');
  });
  after(() => {
    try {
      cleanUp(prefix, [mine && mine.staff.id]);
    } finally {
      if (release) release();
    }
  });

  it('anna (0703921234) is born 1992-03-07, and no row holds a CPR number', async () => {
    const list = await mette.citizens();
    const anna = list.find((c) => c.id === ids.anna);
    assert.equal(anna.birth_date, '1992-03-07');
    for (const c of list) assert.match(c.birth_date, /^\d{4}-\d{2}-\d{2}$/, JSON.stringify(c));
    assertNoCprIn(list);
  });

  it('every row has the new fields, and needs_action holds only known codes in a fixed order', async () => {
    for (const c of await mette.citizens()) {
      for (const f of ['birth_date', 'next_meeting_at', 'follow_up_due', 'needs_action']) assert.ok(f in c, `${f} missing`);
      assert.equal(typeof c.follow_up_due, 'boolean');
      assert.ok(Array.isArray(c.needs_action));
      const order = c.needs_action.map((code) => CODES.indexOf(code));
      assert.ok(order.every((i) => i >= 0), JSON.stringify(c.needs_action));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'most urgent first');
    }
  });

  it('the codes of anna, ida and nanna agree with the database', async () => {
    const list = await mette.citizens();
    for (const sub of ['anna', 'ida', 'nanna']) {
      const c = list.find((x) => x.id === ids[sub]);
      // A yes stands through the citizen's own dream edits: it covers up to accepted_through (018).
      const [[pending, consent, version, accepted, through]] = sql(`SELECT
          (SELECT COUNT(*) FROM proposals WHERE citizen_id = c.id AND status = 'pending'), c.consent, p.version,
          (SELECT MAX(version) FROM plan_acceptances WHERE citizen_id = c.id AND plan_id = p.id),
          COALESCE(c.accepted_through, 0)
        FROM citizens c JOIN plans p ON p.id = c.plan_id WHERE c.id = ${sqlInt(ids[sub])}`);
      assert.equal(c.needs_action.includes('pending_proposals'), Number(pending) > 0, `${sub} pending`);
      assert.equal(c.needs_action.includes('consent_missing'), consent !== 'given', `${sub} consent`);
      assert.equal(c.needs_action.includes('plan_not_accepted'), accepted === 'NULL' || Math.max(Number(accepted), Number(through)) < Number(version), `${sub} accepted`);
    }
    // The demo data has each case: anna a pending proposal, nanna no consent, ida no yes.
    const of = (sub) => list.find((x) => x.id === ids[sub]).needs_action;
    assert.ok(of('anna').includes('pending_proposals'), JSON.stringify(of('anna')));
    assert.ok(!of('anna').includes('consent_missing'));
    assert.ok(of('nanna').includes('consent_missing'), JSON.stringify(of('nanna')));
    assert.ok(of('ida').includes('plan_not_accepted'), JSON.stringify(of('ida')));
  });

  it('an enrolled citizen: no meeting, no consent, not accepted; a meeting in two days is next and this week', async () => {
    const cpr = freshCpr(11);
    const made = expectJson(await mine.post(CITIZENS, { cpr, name: `${prefix} Møde` }), 201);
    let [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.next_meeting_at, null);
    assert.equal(c.follow_up_due, false);
    assert.deepEqual(c.needs_action, ['consent_missing', 'plan_not_accepted']);
    assert.equal(c.birth_date, `19${cpr.slice(4, 6)}-${cpr.slice(2, 4)}-${cpr.slice(0, 2)}`);
    assertNoCprIn([c]);

    const far = iso(Date.now() + 10 * 86400000);
    const soon = iso(Date.now() + 2 * 86400000);
    expectJson(await mine.post(`${CITIZENS}/${made.id}/meetings`, { kind: 'network', starts_at: far, place: 'Jobcentret' }), 201);
    [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.next_meeting_at, far);
    assert.ok(!c.needs_action.includes('meeting_this_week'), 'ten days ahead is not this week');

    const meeting = expectJson(await mine.post(`${CITIZENS}/${made.id}/meetings`, { kind: 'network', starts_at: soon, place: 'Jobcentret' }), 201);
    [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.next_meeting_at, soon);
    assert.ok(c.needs_action.includes('meeting_this_week'), JSON.stringify(c.needs_action));
    const [[db]] = sql(`SELECT DATE_FORMAT(MIN(starts_at), '%Y-%m-%dT%H:%i:%sZ') FROM meetings
      WHERE plan_id = ${sqlInt(c.plan_id)} AND held_at IS NULL AND starts_at >= UTC_TIMESTAMP()`);
    assert.equal(c.next_meeting_at, db);

    // Held, it is no longer the next one.
    expectJson(await mine.post(`${ADMIN}/meetings/${meeting.id}/held`), 200);
    [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.next_meeting_at, far);
    assert.ok(!c.needs_action.includes('meeting_this_week'));
  });

  it('a follow-up whose time has passed and that is not held is due; held, it is not', async () => {
    const made = expectJson(await mine.post(CITIZENS, { cpr: freshCpr(12), name: `${prefix} Opfølgning` }), 201);
    const past = iso(Date.now() - 3600000);
    // A network meeting in the past is no follow-up.
    expectJson(await mine.post(`${CITIZENS}/${made.id}/meetings`, { kind: 'network', starts_at: past, place: 'Hjemme' }), 201);
    let [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.follow_up_due, false);
    assert.equal(c.next_meeting_at, null, 'a meeting in the past is not the next one');

    const fu = expectJson(await mine.post(`${CITIZENS}/${made.id}/meetings`, { kind: 'follow_up', starts_at: past, place: 'Hjemme' }), 201);
    [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.follow_up_due, true);
    assert.deepEqual(c.needs_action, ['follow_up_due', 'consent_missing', 'plan_not_accepted']);

    expectJson(await mine.post(`${ADMIN}/meetings/${fu.id}/held`), 200);
    [c] = (await mine.citizens()).filter((x) => x.id === made.id);
    assert.equal(c.follow_up_due, false);
    assert.ok(!c.needs_action.includes('follow_up_due'));
  });

  it('"I can\'t come" to a meeting still to come is cannot_come, after unread_messages and before pending_proposals', async () => {
    const { id, session } = await enrolFresh(mine, `${prefix} Afbud`);
    const needs = async () => (await mine.citizens()).find((x) => x.id === id).needs_action;
    const plan = async (days) => expectJson(await mine.post(`${CITIZENS}/${id}/meetings`, { kind: 'network', starts_at: iso(Date.now() + days * 86400000), place: 'Jobcentret' }), 201);
    const respond = async (m, answer) => expectJson(await session.post(`/api/v1/meetings/${m.id}/response`, { answer, comment: 'Jeg er til lægen.' }), 200);
    const first = await plan(10);
    assert.deepEqual(await needs(), ['plan_not_accepted'], 'a meeting not answered asks for nothing');
    await respond(first, 'coming');
    assert.deepEqual(await needs(), ['plan_not_accepted'], '"I\'m coming" asks for nothing');
    await respond(first, 'cannot_come');
    assert.deepEqual(await needs(), ['cannot_come', 'plan_not_accepted']);
    // Its place among the others: after a message nobody read, before a proposal waiting.
    expectJson(await session.post('/api/v1/messages', { text: `Afbud ${m}` }), 201);
    expectJson(await session.post('/api/v1/proposals', { kind: 'add_goal', title: `Kørekort ${m}`, description: 'Bil', reason: 'Bussen' }), 201);
    assert.deepEqual(await needs(), ['unread_messages', 'cannot_come', 'pending_proposals', 'plan_not_accepted']);
    // Changed to "I'm coming": gone.
    await respond(first, 'coming');
    assert.deepEqual(await needs(), ['unread_messages', 'pending_proposals', 'plan_not_accepted']);
    // Marked held: no longer to come, so no longer to act on.
    await respond(first, 'cannot_come');
    assert.ok((await needs()).includes('cannot_come'));
    expectJson(await mine.post(`${ADMIN}/meetings/${first.id}/held`), 200);
    assert.ok(!(await needs()).includes('cannot_come'), 'a held meeting');
    // Its time passed without being marked held: not to come either.
    const second = await plan(3);
    await respond(second, 'cannot_come');
    assert.ok((await needs()).includes('cannot_come'));
    sql(`UPDATE meetings SET starts_at = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE id = ${sqlInt(second.id)}`);
    assert.ok(!(await needs()).includes('cannot_come'), 'a meeting whose time has passed');
    // Another citizen's "I can't come" is not this one's.
    const other = await enrolFresh(mine, `${prefix} Andens`);
    const third = await plan(4);
    expectError(await other.session.post(`/api/v1/meetings/${third.id}/response`, { answer: 'cannot_come' }), 404);
    assert.ok(!(await needs()).includes('cannot_come'));
    assert.ok(!(await mine.citizens()).find((x) => x.id === other.id).needs_action.includes('cannot_come'));
  });

  it('another caseworker sees none of it: the citizens are not in mette\'s list', async () => {
    const list = await mette.citizens();
    assert.ok(!list.some((c) => c.name.startsWith(prefix)));
  });

  no5xxTest();
});

describe('a caseworker with sixty citizens', { skip: NEED_DB }, () => {
  const m = marker('sixty');
  const prefix = `Tres ${lettered(m)}`;
  const N = 60;
  let mine;
  const made = [];
  before(async () => {
    const lise = await loginStaff('lise');
    await addStaff(lise, { name: `Sagsbehandler ${m}`, role: 'caseworker', subject: `${m}-cw` });
    mine = await loginStaffAs(`${m}-cw`, 'caseworker');
    // Namesakes among them: every name twice, told apart by the birth date.
    for (let i = 0; i < N; i++) {
      const name = `${prefix} ${String(Math.floor(i / 2)).padStart(2, '0')}`;
      const body = expectJson(await mine.post(CITIZENS, { cpr: freshCpr(1 + (i % 28)), name }), 201);
      made.push(body.id);
    }
  });
  after(() => cleanUp(prefix, [mine && mine.staff.id]));

  it('one page of ?limit=500 holds all sixty once, by name, with next null', async () => {
    const body = expectJson(await mine.get(`${CITIZENS}?limit=500`), 200);
    assert.equal(body.next, null);
    assert.deepEqual(body.citizens.map((c) => c.id).sort((a, b) => a - b), [...made].sort((a, b) => a - b));
    const keys = body.citizens.map((c) => [c.name, c.id]);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    assert.deepEqual(keys, sorted);
    for (const c of body.citizens) {
      assert.match(c.birth_date, /^19\d{2}-\d{2}-\d{2}$/);
      assert.deepEqual(c.needs_action, ['consent_missing', 'plan_not_accepted']);
    }
    assertNoCprIn(body.citizens);
  });

  it('page by page (7 a page, so a namesake pair is split) holds all sixty exactly once', async () => {
    const { rows, pages } = await allPages(mine, 7);
    assert.equal(pages, Math.ceil(N / 7));
    const seen = rows.map((c) => c.id);
    assert.equal(new Set(seen).size, seen.length, 'a citizen twice');
    assert.deepEqual([...seen].sort((a, b) => a - b), [...made].sort((a, b) => a - b));
  });

  it('the default page (100) holds all sixty', async () => {
    const list = await mine.citizens();
    assert.equal(list.length, N);
  });
});
