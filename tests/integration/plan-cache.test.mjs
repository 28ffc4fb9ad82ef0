// The parts of plan answers a citizen worker keeps in memory
// (fcgi/plan_cache.c), each under the number that proves it current (the
// plan's version, the citizen's rev), read from the database with the
// session on every request: a repeated GET /api/v1/plan is answered from
// memory (its access line in the pool's log ends in "kept=true"), byte for byte
// the answer the database gives; and never after a change, in either pool
// or by any other host: a caseworker's goal, a new contact person, the
// citizen's own dream and yes, a logout, a change written straight into
// the database as another application host would, a session ended there.
// Works on mohammed (mette's caseload, birgitte his contact), holding his
// lock and the staff-assignments lock; the goal it adds is cancelled, the
// dream deleted and birgitte put back at the end.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP, VAR,
  citizenId, expectError, expectJson, holdCitizens, login, loginStaff, marker, requestIdOf, sql, sqlInt,
  no5xxTest,
  flatGoals,
} from './lib.mjs';

const NEED = SKIP || (!VAR && 'KAPTAJN_VAR is not set');

/** The citizen pool's access lines by request id. */
function accessLines() {
  const lines = new Map();
  for (const line of fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8').split('\n')) {
    const m = / msg=access .*\brid=(\S+) /.exec(line);
    if (m) lines.set(m[1], line);
  }
  return lines;
}

/** Whether each answer was given from memory, by its access line. */
function keptFlags(answers) {
  const lines = accessLines();
  return answers.map((res) => {
    const line = lines.get(requestIdOf(res));
    assert.ok(line, `no access line for ${requestIdOf(res)}`);
    return / kept=true$/.test(line);
  });
}

describe('plan answers kept in memory', { skip: NEED }, () => {
  let release;
  let m; // mohammed
  let mid;
  let mette;
  let helle;
  let original; // mohammed's contact at the start
  const goals = [];
  const dreams = [];
  before(async () => {
    release = await holdCitizens('mohammed', 'staff-assignments');
    m = await login('mohammed');
    mid = await citizenId('mohammed');
    mette = await loginStaff('mette');
    helle = await loginStaff('helle');
    original = (await mette.citizens()).find((c) => c.id === mid)?.contact;
  });
  after(async () => {
    try {
      for (const g of goals) await mette.patch(`${ADMIN}/citizens/${mid}/goals/${g}`, { status: 'cancelled' });
      for (const d of dreams) await m.del(`/api/v1/plan/dreams/${d}`);
      if (original) await mette.put(`${ADMIN}/citizens/${mid}/contact`, { staff_id: original.id });
    } finally {
      if (release) release();
    }
  });

  /** Reads the plan n times in a row (both workers get some); each 200. */
  async function reads(s, n = 12) {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await s.get('/api/v1/plan'));
    for (const res of out) expectJson(res, 200);
    return out;
  }

  /** Reads the plan; some answer must have come from memory. */
  async function warm(s) {
    const answers = await reads(s);
    assert.ok(keptFlags(answers).some(Boolean), 'no read of twelve was answered from memory');
    return answers;
  }

  it('a repeated read is answered from memory, the same bytes and ETag as from the database', async () => {
    const answers = await warm(m);
    const kept = keptFlags(answers);
    assert.ok(kept.some((k) => !k), 'no read went to the database');
    for (const res of answers) {
      assert.equal(res.text, answers[0].text, 'a kept answer differs from the database\'s');
      assert.equal(res.headers.etag, answers[0].headers.etag);
      assert.match(res.headers['content-type'], /^application\/json/);
      assert.match(res.headers['cache-control'], /no-store/);
    }
    // HEAD from memory: the head alone.
    const head = await m.request('HEAD', '/api/v1/plan');
    assert.equal(head.status, 200);
    assert.equal(head.headers.etag, answers[0].headers.etag);
    assert.equal(head.text, '');
  });

  it('a goal the caseworker adds (admin pool) is in the very next read, in every worker', async () => {
    const before = await warm(m);
    const title = `Mål ${marker('kept')}`;
    const body = expectJson(await mette.post(`${ADMIN}/citizens/${mid}/goals`,
      { title, description: '', area: 'job', legal_basis: 'LAB §30 a' }), 201);
    goals.push(body.goal.id);
    for (const res of await reads(m, 8)) {
      const plan = JSON.parse(res.text);
      assert.ok(flatGoals(plan.goals).some((g) => g.id === body.goal.id && g.title === title), 'a read after the change lacks the goal');
      assert.notEqual(res.headers.etag, before[0].headers.etag, 'a read after the change has the old ETag');
    }
  });

  it('a new contact person is in the very next read; so is the old one put back', async () => {
    await warm(m);
    expectJson(await mette.put(`${ADMIN}/citizens/${mid}/contact`, { staff_id: helle.staff.id }), 200);
    for (const res of await reads(m, 8)) assert.equal(JSON.parse(res.text).contact.name, helle.staff.name);
    await warm(m);
    expectJson(await mette.put(`${ADMIN}/citizens/${mid}/contact`, { staff_id: original.id }), 200);
    for (const res of await reads(m, 8)) assert.equal(JSON.parse(res.text).contact.name, original.name);
  });

  it('the citizen\'s own dream (citizen pool) is in the very next read', async () => {
    await warm(m);
    const text = `Drøm ${marker('kept')}`;
    const made = expectJson(await m.post('/api/v1/plan/dreams', { text }), 201);
    dreams.push(made.id);
    for (const res of await reads(m, 8)) {
      assert.ok(JSON.parse(res.text).dreams.some((d) => d.id === made.id && d.text === text), 'a read after the change lacks the dream');
    }
  });

  it('after a logout the cookie is refused at once, though its answer was kept', async () => {
    const s = await login('mohammed');
    await warm(s);
    assert.equal((await s.del('/api/v1/session')).status, 204);
    for (let i = 0; i < 8; i++) expectError(await s.get('/api/v1/plan'), 401);
    // The other session of the same citizen is not touched.
    expectJson(await m.get('/api/v1/plan'), 200);
  });

  it('another citizen\'s cookie never gets a kept answer', async () => {
    const anna = await login('anna');
    const own = await warm(m);
    for (const res of await reads(anna, 6)) {
      assert.notEqual(JSON.parse(res.text).id, JSON.parse(own[0].text).id, 'anna was given mohammed\'s plan');
    }
  });

  it('the citizen\'s own yes is in the very next read', async () => {
    const before = await warm(m);
    const version = JSON.parse(before[0].text).version;
    expectJson(await m.post('/api/v1/plan/acceptance', { version }), 200);
    for (const res of await reads(m, 8)) {
      assert.equal(JSON.parse(res.text).accepted_version, version);
      assert.equal(res.headers.etag, before[0].headers.etag, 'a yes changed the version');
    }
  });

  it('a change another host writes to the database is in the very next read, in every worker', { skip: !HAVE_DB && 'KAPTAJN_DB_SOCKET is not set' }, async () => {
    const before = await warm(m);
    const plan = JSON.parse(before[0].text);
    const text = `Drøm ${marker('host')}`;
    // What another application host's Kaptajn commits: the dream, the
    // raised version and its history row, in one transaction.
    sql(`START TRANSACTION; INSERT INTO dreams (plan_id, citizen_id, text) VALUES (${plan.id}, ${mid}, '${text}');`
      + ` UPDATE plans SET version = version + 1 WHERE id = ${plan.id};`
      + ` INSERT INTO plan_history (plan_id, version, actor_kind, actor_citizen_id, summary, request_id)`
      + ` SELECT id, version, 'citizen', ${mid}, 'Drøm tilføjet', 'test' FROM plans WHERE id = ${plan.id}; COMMIT`);
    const id = Number(sql(`SELECT MAX(id) FROM dreams WHERE plan_id = ${sqlInt(plan.id)} AND text = '${text}'`)[0][0]);
    dreams.push(id);
    for (const res of await reads(m, 8)) {
      const now = JSON.parse(res.text);
      assert.equal(now.version, plan.version + 1);
      assert.ok(now.dreams.some((d) => d.id === id && d.text === text), 'a read after the change lacks the dream');
    }
  });

  it('a session ended by hand in the database is refused at the very next read', { skip: !HAVE_DB && 'KAPTAJN_DB_SOCKET is not set' }, async () => {
    const s = await login('mohammed');
    const value = s.cookie.slice(s.cookie.indexOf('=') + 1).split(';')[0];
    assert.match(value, /^[A-Za-z0-9_-]{20,}$/, 'the session cookie\'s value');
    await warm(s);
    sql(`UPDATE sessions SET ended_at = UNIX_TIMESTAMP() WHERE id_hash = UNHEX(SHA2('${value}', 256))`);
    for (let i = 0; i < 8; i++) expectError(await s.get('/api/v1/plan'), 401);
    expectJson(await m.get('/api/v1/plan'), 200);
  });

  no5xxTest();
});
