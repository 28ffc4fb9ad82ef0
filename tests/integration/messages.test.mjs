// Messages between a citizen and the staff around them: one thread per
// citizen (never per household), newest first and paged, unread counts on
// both sides and read receipts, every staff read audited ("read",
// "messages") and every staff message ("message_sent"); a retry with the
// same key stores one message; bad input is refused and stores nothing;
// staff without the citizen get the 404 they get for any of the citizen's
// data. The contact person's working hours reach the contact card.
//
// Uses the seed's household Lars and Sofie (caseworker Peter, contact
// Karin); Mette has neither; Lise is a leader.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  auditRowsOf, expectError, expectJson, holdCitizens, login, loginStaff, marker, no5xxTest, request, sql, sqlInt,
} from './lib.mjs';

const MINE = '/api/v1/messages';
const thread = (id) => `${ADMIN}/citizens/${id}/messages`;
const count = (id) => Number(sql(`SELECT COUNT(*) FROM messages WHERE citizen_id = ${sqlInt(id)}`)[0][0]);

describe('messages between a citizen and the contact person', { skip: SKIP }, () => {
  let release, lars, sofie, peter, karin, mette, lise;
  before(async () => {
    release = await holdCitizens('lars', 'sofie');
    [lars, sofie] = [await login('lars'), await login('sofie')];
    [peter, karin, mette, lise] = await Promise.all(['peter', 'karin', 'mette', 'lise'].map((s) => loginStaff(s)));
    // Start from a thread read on both sides.
    expectJson(await lars.get(MINE), 200);
    expectJson(await karin.get(thread(lars.citizen.id)), 200);
  });
  after(() => release && release());

  it('the citizen writes: 201 with the message, its line breaks and letters kept, from the citizen, unread', async () => {
    const text = `${marker('besked')}\nLinje to: æøå ÆØÅ\n\nLinje fire`;
    const m = expectJson(await lars.post(MINE, { text }), 201);
    assert.equal(typeof m.id, 'number');
    assert.equal(m.text, text);
    assert.deepEqual(m.from, { name: 'Lars Hansen', role: 'citizen' });
    assert.equal(m.read_at, null);
    assert.equal(m.mine, true);
    assert.match(m.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const list = expectJson(await lars.get(MINE), 200);
    assert.equal(list.messages[0].id, m.id, 'newest first');
    assert.equal(list.messages[0].text, text);
  });

  it('the staff see the unread count in the caseload and on the citizen page; reading marks it read and is audited', async () => {
    const m = expectJson(await lars.post(MINE, { text: marker('ulæst') }), 201);
    const row = (await karin.citizens()).find((c) => c.id === lars.citizen.id);
    assert.ok(row.unread_messages >= 1, JSON.stringify(row));
    assert.equal(row.needs_action[0], 'unread_messages');
    const { plan } = await karin.plan(lars.citizen.id);
    assert.equal(plan.unread_messages, row.unread_messages);
    // A leader looking in reads it too (audited) but leaves it unread.
    const look = await lise.get(thread(lars.citizen.id));
    expectJson(look, 200);
    assert.equal((await karin.plan(lars.citizen.id)).plan.unread_messages, row.unread_messages);
    const res = await karin.get(thread(lars.citizen.id));
    const body = expectJson(res, 200);
    const seen = body.messages.find((x) => x.id === m.id);
    assert.match(seen.read_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(seen.mine, false);
    assert.equal(body.unread, 0);
    assert.equal((await karin.plan(lars.citizen.id)).plan.unread_messages, 0);
    const after_ = (await karin.citizens()).find((c) => c.id === lars.citizen.id);
    assert.equal(after_.unread_messages, 0);
    assert.ok(!after_.needs_action.includes('unread_messages'));
    if (HAVE_DB) {
      const rows = auditRowsOf(res).filter((r) => r.object === 'messages');
      assert.deepEqual(rows.map((r) => [r.action, r.citizen_id, r.staff_id]), [['read', lars.citizen.id, karin.staff.id]]);
      assert.deepEqual(auditRowsOf(look).map((r) => [r.action, r.object]), [['read', 'messages']]);
    }
    // The citizen's receipt: the message shows when it was read.
    const mine = expectJson(await lars.get(MINE), 200).messages.find((x) => x.id === m.id);
    assert.equal(mine.read_at, seen.read_at);
  });

  it('the caseworker answers: the citizen sees one unread with name and role, reading clears it, the staff see the receipt', async () => {
    const text = marker('svar');
    const res = await peter.post(thread(lars.citizen.id), { text });
    const m = expectJson(res, 201);
    assert.equal(m.from.name, 'Peter Nielsen');
    assert.equal(m.from.role, 'caseworker');
    assert.equal(m.from.id, peter.staff.id);
    assert.equal(m.mine, true);
    if (HAVE_DB) assert.deepEqual(auditRowsOf(res).map((r) => [r.action, r.object, r.citizen_id]), [['message_sent', 'messages', lars.citizen.id]]);
    assert.deepEqual(expectJson(await lars.get(`${MINE}/unread`), 200), { unread: 1 });
    const got = expectJson(await lars.get(MINE), 200);
    const seen = got.messages.find((x) => x.id === m.id);
    assert.deepEqual(Object.keys(seen.from).sort(), ['name', 'role', 'title']);
    assert.equal(seen.from.name, 'Peter Nielsen');
    assert.equal(seen.mine, false);
    assert.ok(seen.read_at);
    assert.equal(got.unread, 0);
    assert.deepEqual(expectJson(await lars.get(`${MINE}/unread`), 200), { unread: 0 });
    const staffView = expectJson(await karin.get(thread(lars.citizen.id)), 200).messages.find((x) => x.id === m.id);
    assert.equal(staffView.read_at, seen.read_at);
    assert.equal(staffView.mine, false, 'Peter wrote it, not Karin');
  });

  it('the thread is paged newest first with "next", nothing shown twice or left out', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(expectJson(await lars.post(MINE, { text: marker(`side ${i}`) }), 201).id);
    const p1 = expectJson(await lars.get(`${MINE}?limit=2`), 200);
    assert.deepEqual(p1.messages.map((m) => m.id), [ids[2], ids[1]]);
    assert.equal(typeof p1.next, 'string');
    const p2 = expectJson(await lars.get(`${MINE}?limit=2&before=${encodeURIComponent(p1.next)}`), 200);
    assert.equal(p2.messages[0].id, ids[0]);
    assert.ok(p2.messages.every((m) => m.id < ids[1]));
    const all = expectJson(await lars.get(`${MINE}?limit=500`), 200);
    assert.equal(all.next, null);
    assert.equal(all.messages.length, count(lars.citizen.id));
    expectError(await lars.get(`${MINE}?limit=0`), 400, 'bad_limit');
    expectError(await lars.get(`${MINE}?limit=501`), 400, 'bad_limit');
    expectError(await lars.get(`${MINE}?before=abc`), 400, 'bad_cursor');
  });

  it('a household member never sees another member\'s thread', async () => {
    const secret = marker('kun lars');
    expectJson(await lars.post(MINE, { text: secret }), 201);
    const hers = expectJson(await sofie.get(`${MINE}?limit=500`), 200);
    assert.ok(hers.messages.every((m) => m.text !== secret && m.from.name !== 'Lars Hansen'));
    const own = expectJson(await sofie.post(MINE, { text: marker('kun sofie') }), 201);
    const his = expectJson(await lars.get(`${MINE}?limit=500`), 200);
    assert.ok(his.messages.every((m) => m.id !== own.id));
    // Karin reading Sofie's thread marks none of Lars's read.
    const res = await karin.get(thread(sofie.citizen.id));
    expectJson(res, 200);
    if (HAVE_DB) assert.deepEqual(auditRowsOf(res).map((r) => r.citizen_id), [sofie.citizen.id]);
  });

  it('a caseworker without the citizen gets 404 as for the plan, a denied row, and nothing stored', async () => {
    const plan = expectError(await mette.get(`${ADMIN}/citizens/${lars.citizen.id}/plan`), 404);
    const before_ = count(lars.citizen.id);
    const read = await mette.get(thread(lars.citizen.id));
    assert.equal(expectError(read, 404).code, plan.code);
    const write = await mette.post(thread(lars.citizen.id), { text: marker('ikke min') });
    assert.equal(expectError(write, 404).code, plan.code);
    expectError(await mette.get(thread(999999999)), 404, plan.code);
    assert.equal(count(lars.citizen.id), before_);
    if (HAVE_DB) {
      assert.deepEqual(auditRowsOf(read).map((r) => r.action), ['denied']);
      assert.deepEqual(auditRowsOf(write).map((r) => r.action), ['denied']);
    }
    // A leader may look, but writes only in their own caseload.
    expectError(await lise.post(thread(lars.citizen.id), { text: marker('leder') }), 404);
    assert.equal(count(lars.citizen.id), before_);
  });

  describe('bad input gets a clear 400 and stores nothing', () => {
    for (const [what, body, code] of [
      ['no text', {}, 'missing_field'],
      ['empty text', { text: '' }, 'invalid_field'],
      ['only white space', { text: ' \n\t ' }, 'invalid_field'],
      ['4001 characters', { text: 'å'.repeat(4001) }, 'invalid_field'],
      ['a control character', { text: 'hej\u0007' }, 'invalid_field'],
      ['text as a number', { text: 7 }, 'invalid_field'],
      ['an unknown field', { text: 'hej', to: 'alle' }, 'unknown_field'],
      ['a key with a space', { text: 'hej', key: 'a b' }, 'invalid_field'],
      ['a key of 65 characters', { text: 'hej', key: 'k'.repeat(65) }, 'invalid_field'],
    ]) {
      it(`${what}: 400 ${code}, from both sides`, async () => {
        const n = count(lars.citizen.id);
        expectError(await lars.post(MINE, body), 400, code);
        expectError(await peter.post(thread(lars.citizen.id), body), 400, code);
        assert.equal(count(lars.citizen.id), n);
      });
    }

    it('4000 characters are taken whole', async () => {
      const text = `${marker('lang')} ${'ø'.repeat(3980)}`.slice(0, 4000);
      assert.equal([...text].length, 4000);
      assert.equal(expectJson(await lars.post(MINE, { text }), 201).text, text);
    });

    it('not JSON is 415, without the CSRF token 403, a staff session on the citizen path 401: nothing stored', async () => {
      const n = count(lars.citizen.id);
      const raw = await request('POST', MINE, { cookie: lars.cookie, csrf: lars.csrf, body: 'text=hej', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expectError(raw, 415);
      expectError(await request('POST', MINE, { cookie: lars.cookie, json: { text: 'hej' } }), 403);
      expectError(await request('POST', MINE, { cookie: karin.cookie, csrf: karin.csrf, json: { text: 'hej' } }), 401);
      expectError(await request('GET', MINE, {}), 401);
      expectError(await request('GET', thread(lars.citizen.id), { cookie: lars.cookie }), 401);
      assert.equal(count(lars.citizen.id), n);
    });
  });

  it('a retry with the same key stores one message and answers it again; another writer\'s key is 409', async () => {
    const key = `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const n = count(lars.citizen.id);
    const first = expectJson(await lars.post(MINE, { text: marker('igen'), key }), 201);
    const again = expectJson(await lars.post(MINE, { text: 'anden tekst', key }), 201);
    assert.equal(again.id, first.id);
    assert.equal(again.text, first.text);
    assert.equal(count(lars.citizen.id), n + 1);
    const res = await peter.post(thread(lars.citizen.id), { text: 'hej', key });
    expectError(res, 409, 'key_used');
    if (HAVE_DB) assert.deepEqual(auditRowsOf(res), [], 'a refused send leaves no message_sent row');
    // The same key in another citizen's thread is another message.
    const other = expectJson(await sofie.post(MINE, { text: marker('samme nøgle'), key }), 201);
    assert.notEqual(other.id, first.id);
    assert.equal(count(lars.citizen.id), n + 1);
  });

  it('the contact person\'s working hours are set by a leader and shown on the contact card', async () => {
    const staffId = karin.staff.id;
    const hours = `Man-tor 9-15, fre 9-12 ${marker('t')}`.slice(0, 60);
    try {
      const changed = expectJson(await lise.patch(`${ADMIN}/staff/${staffId}`, { hours }), 200);
      assert.equal(changed.hours, hours);
      assert.equal((await lars.plan()).plan.contact.hours, hours);
      assert.equal(expectJson(await lars.get('/api/v1/contact'), 200).hours, hours);
      for (const bad of ['a\nb', 'x'.repeat(201), 5]) {
        expectError(await lise.patch(`${ADMIN}/staff/${staffId}`, { hours: bad }), 400);
      }
      expectError(await karin.patch(`${ADMIN}/staff/${staffId}`, { hours: 'altid' }), 403);
      assert.equal((await lars.plan()).plan.contact.hours, hours);
    } finally {
      expectJson(await lise.patch(`${ADMIN}/staff/${staffId}`, { hours: '' }), 200);
    }
  });

  no5xxTest();
});
