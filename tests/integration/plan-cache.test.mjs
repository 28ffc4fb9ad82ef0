// The plan answers a citizen worker keeps in memory (fcgi/plan_cache.c): a
// repeated GET /api/v1/plan is answered from memory (its access line in the
// pool's log ends in "kept"), byte for byte the answer the database gives;
// and never after a change made through Kaptajn on this host, in either
// pool: a caseworker's goal, a new contact person, the citizen's own dream,
// a logout. A session ended by hand in the database, which no pool sees,
// is refused within the bound (PLAN_CACHE_MS, 1 s).
// Works on mohammed (mette's caseload, birgitte his contact), holding his
// lock and the staff-assignments lock; the goal it adds is cancelled, the
// dream deleted and birgitte put back at the end.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  ADMIN, HAVE_DB, SKIP, VAR,
  citizenId, expectError, expectJson, holdCitizens, login, loginStaff, marker, requestIdOf, sql, sqlInt,
  no5xxTest,
  flatGoals,
} from './lib.mjs';

const CACHE_MS = 1000;
/** Whether the stack's pools share a change counter (config change_file). */
function cacheOn() {
  const conf = process.env.KAPTAJN_CONFIG;
  if (!conf || !fs.existsSync(conf)) return false;
  return /^change_file *= *\S+/m.test(fs.readFileSync(conf, 'utf8'));
}
const NEED = SKIP || (!VAR && 'KAPTAJN_VAR is not set') || (!cacheOn() && 'the stack keeps no plan answers (change_file unset)');

/** The citizen pool's access lines by request id. */
function accessLines() {
  const lines = new Map();
  for (const line of fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8').split('\n')) {
    const m = /^access rid=(\S+) /.exec(line);
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
    return / kept$/.test(line);
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

  /** Reads until some answer came from memory (each worker holds its own). */
  let warmedAt = 0;
  async function warm(s) {
    const answers = await reads(s);
    warmedAt = performance.now();
    assert.ok(keptFlags(answers).some(Boolean), 'no read of twelve was answered from memory');
    return answers;
  }
  /** After a change: the answers kept by warm() are still within the bound,
   * so the reads that follow test that the change put them aside. */
  function stillKept() {
    const ms = performance.now() - warmedAt;
    assert.ok(ms < CACHE_MS, `the change took until ${Math.round(ms)} ms after the kept reads: nothing was left to put aside`);
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
    stillKept();
    for (const res of await reads(m, 8)) {
      const plan = JSON.parse(res.text);
      assert.ok(flatGoals(plan.goals).some((g) => g.id === body.goal.id && g.title === title), 'a read after the change lacks the goal');
      assert.notEqual(res.headers.etag, before[0].headers.etag, 'a read after the change has the old ETag');
    }
  });

  it('a new contact person is in the very next read; so is the old one put back', async () => {
    await warm(m);
    expectJson(await mette.put(`${ADMIN}/citizens/${mid}/contact`, { staff_id: helle.staff.id }), 200);
    stillKept();
    for (const res of await reads(m, 8)) assert.equal(JSON.parse(res.text).contact.name, helle.staff.name);
    await warm(m);
    expectJson(await mette.put(`${ADMIN}/citizens/${mid}/contact`, { staff_id: original.id }), 200);
    stillKept();
    for (const res of await reads(m, 8)) assert.equal(JSON.parse(res.text).contact.name, original.name);
  });

  it('the citizen\'s own dream (citizen pool) is in the very next read', async () => {
    await warm(m);
    const text = `Drøm ${marker('kept')}`;
    const made = expectJson(await m.post('/api/v1/plan/dreams', { text }), 201);
    dreams.push(made.id);
    stillKept();
    for (const res of await reads(m, 8)) {
      assert.ok(JSON.parse(res.text).dreams.some((d) => d.id === made.id && d.text === text), 'a read after the change lacks the dream');
    }
  });

  it('after a logout the cookie is refused at once, though its answer was kept', async () => {
    const s = await login('mohammed');
    await warm(s);
    assert.equal((await s.del('/api/v1/session')).status, 204);
    stillKept();
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

  it('a session ended by hand in the database is refused within the bound', { skip: !HAVE_DB && 'KAPTAJN_DB_SOCKET is not set' }, async () => {
    const s = await login('mohammed');
    const value = s.cookie.slice(s.cookie.indexOf('=') + 1).split(';')[0];
    assert.match(value, /^[A-Za-z0-9_-]{20,}$/, 'the session cookie\'s value');
    await warm(s);
    sql(`UPDATE sessions SET ended_at = UNIX_TIMESTAMP() WHERE id_hash = UNHEX(SHA2('${value}', 256))`);
    const at = performance.now();
    const seen = [];
    for (;;) {
      const started = performance.now() - at;
      const res = await s.get('/api/v1/plan');
      seen.push({ started, res });
      if (res.status === 401) break;
      expectJson(res, 200);
      assert.ok(started < CACHE_MS + 2000, `the ended session was still served after ${Math.round(started)} ms`);
      await sleep(50);
    }
    expectError(seen.at(-1).res, 401);
    // Every answer after the change came from memory, and none was begun
    // after the bound (a margin of 100 ms for the clocks' resolution).
    const kept = keptFlags(seen.slice(0, -1).map((x) => x.res));
    seen.slice(0, -1).forEach((x, i) => {
      assert.ok(kept[i], `a 200 at ${Math.round(x.started)} ms did not come from memory`);
      assert.ok(x.started < CACHE_MS + 100, `a 200 begun ${Math.round(x.started)} ms after the session ended`);
    });
    for (let i = 0; i < 4; i++) expectError(await s.get('/api/v1/plan'), 401);
  });

  no5xxTest();
});
