// Reading: the plan, its ETag and history, the contact person, the access
// log, the proposals list and the health check. Reads anna's data (holding
// her lock, so her version holds still between two reads).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SKIP, assertHistory, expectError, expectJson, expectStatus, holdCitizens, login, no5xxTest, request } from './lib.mjs';

const AREAS = ['job', 'education', 'health', 'social', 'family', 'housing', 'economy'];
const STATUSES = ['proposed', 'accepted', 'active', 'on-hold', 'completed', 'cancelled', 'rejected'];

function assertContact(c, where) {
  assert.ok(c && typeof c === 'object', `${where}: contact is ${JSON.stringify(c)}`);
  for (const f of ['name', 'role', 'phone', 'email']) assert.equal(typeof c[f], 'string', `${where}: contact.${f}`);
  assert.ok(c.name.length > 0, `${where}: contact.name is empty`);
}

function assertGoal(g, where) {
  const w = `${where} goal ${JSON.stringify(g).slice(0, 200)}`;
  assert.ok(Number.isInteger(g.id) && g.id > 0, `${w}: id`);
  assert.equal(typeof g.title, 'string', `${w}: title`);
  assert.ok(g.title.length >= 1 && [...g.title].length <= 200, `${w}: title length`);
  assert.equal(typeof g.description, 'string', `${w}: description`);
  assert.ok(AREAS.includes(g.area), `${w}: area`);
  assert.ok(STATUSES.includes(g.status), `${w}: status`);
  assert.equal(typeof g.legal_basis, 'string', `${w}: legal_basis`);
  assert.ok(g.hours_per_week === null || typeof g.hours_per_week === 'number', `${w}: hours_per_week`);
  assert.equal(typeof g.child_related, 'boolean', `${w}: child_related`);
  assert.ok(Array.isArray(g.subgoals), `${w}: subgoals`);
  for (const sg of g.subgoals) assertGoal(sg, `${where} subgoal of ${g.id}:`);
}

describe('reading the plan', { skip: SKIP }, () => {
  let release;
  before(async () => {
    release = await holdCitizens('anna');
  });
  after(() => release && release());

  it('GET /api/v1/plan is 200 with id, version, accepted_version, dreams, goals, contact', async () => {
    const s = await login('anna');
    const { plan } = await s.plan();
    assert.ok(Number.isInteger(plan.id) && plan.id > 0, 'id');
    assert.ok(Number.isInteger(plan.version) && plan.version >= 1, 'version');
    assert.ok(plan.accepted_version === null || Number.isInteger(plan.accepted_version), 'accepted_version');
    if (plan.accepted_version !== null) assert.ok(plan.accepted_version <= plan.version, 'accepted_version ahead of version');
    assert.ok(Array.isArray(plan.dreams), 'dreams');
    for (const d of plan.dreams) {
      assert.ok(Number.isInteger(d.id) && d.id > 0, `dream id ${JSON.stringify(d)}`);
      assert.equal(typeof d.text, 'string', `dream text ${JSON.stringify(d)}`);
    }
    assert.ok(Array.isArray(plan.goals), 'goals');
    for (const g of plan.goals) assertGoal(g, 'plan');
    assertContact(plan.contact, 'plan');
  });

  it('the demo seed gives anna goals', async () => {
    const s = await login('anna');
    assert.ok((await s.plan()).plan.goals.length > 0, 'anna has no goals: the proposal tests need one');
  });

  it('GET /api/v1/plan has ETag "N" equal to the version', async () => {
    const s = await login('anna');
    const { plan, etag } = await s.plan();
    assert.equal(etag, `"${plan.version}"`);
  });

  it('GET /api/v1/plan has Cache-Control no-store', async () => {
    const s = await login('anna');
    const { res } = await s.plan();
    assert.match(res.headers['cache-control'] || '', /\bno-store\b/);
  });

  it('GET /api/v1/plan is application/json', async () => {
    const s = await login('anna');
    const { res } = await s.plan();
    assert.match(res.headers['content-type'] || '', /^application\/json\b/);
  });

  it('GET /api/v1/plan without a session is 401', async () => {
    expectError(await request('GET', '/api/v1/plan'), 401, 'unauthorized');
  });

  it('two citizens without a household get different plans', async () => {
    const a = await login('anna');
    const m = await login('mohammed');
    assert.notEqual((await a.plan()).plan.id, (await m.plan()).plan.id);
  });

  it('GET /api/v1/contact is the one contact person', async () => {
    const s = await login('anna');
    const c = expectJson(await s.get('/api/v1/contact'), 200);
    assertContact(c, 'contact');
  });

  it('GET /api/v1/contact equals the plan\'s contact', async () => {
    const s = await login('anna');
    const c = expectJson(await s.get('/api/v1/contact'), 200);
    const { plan } = await s.plan();
    for (const f of ['name', 'role', 'phone', 'email']) assert.equal(c[f], plan.contact[f], f);
  });

  it('GET /api/v1/contact without a session is 401', async () => {
    expectError(await request('GET', '/api/v1/contact'), 401, 'unauthorized');
  });

  it('GET /api/v1/plan/history is newest first and gap-free', async () => {
    const s = await login('anna');
    const v = assertHistory(expectJson(await s.get('/api/v1/plan/history'), 200));
    assert.ok(v.length >= 1, 'history is empty');
  });

  it('the newest history version is the plan\'s version', async () => {
    const s = await login('anna');
    const { plan } = await s.plan();
    const v = assertHistory(expectJson(await s.get('/api/v1/plan/history'), 200));
    assert.equal(v[0].version, plan.version);
  });

  it('GET /api/v1/plan/history without a session is 401', async () => {
    expectError(await request('GET', '/api/v1/plan/history'), 401, 'unauthorized');
  });

  it('GET /api/v1/access-log is 200 with an entries list', async () => {
    const s = await login('anna');
    const body = expectJson(await s.get('/api/v1/access-log'), 200);
    assert.ok(Array.isArray(body.entries), 'entries');
    for (const e of body.entries) {
      assert.equal(typeof e.at, 'string', JSON.stringify(e));
      assert.ok(e.actor && typeof e.actor.name === 'string' && typeof e.actor.role === 'string', JSON.stringify(e));
      assert.equal(typeof e.action, 'string', JSON.stringify(e));
    }
    for (let i = 1; i < body.entries.length; i++) {
      assert.ok(Date.parse(body.entries[i - 1].at) >= Date.parse(body.entries[i].at), 'access log not newest first');
    }
  });

  it('GET /api/v1/access-log without a session is 401', async () => {
    expectError(await request('GET', '/api/v1/access-log'), 401, 'unauthorized');
  });

  it('GET /api/v1/proposals is 200 with a proposals list', async () => {
    const s = await login('anna');
    const body = expectJson(await s.get('/api/v1/proposals'), 200);
    assert.ok(Array.isArray(body.proposals), 'proposals');
    for (const p of body.proposals) {
      assert.ok(p.id !== undefined && typeof p.kind === 'string' && typeof p.status === 'string', JSON.stringify(p));
    }
  });

  it('GET /api/v1/healthz is 200', async () => {
    expectStatus(await request('GET', '/api/v1/healthz'), 200);
  });

  it('reading changes neither the version nor the history', async () => {
    const s = await login('anna');
    const before_ = await s.plan();
    const h1 = expectJson(await s.get('/api/v1/plan/history'), 200);
    await s.get('/api/v1/contact');
    await s.get('/api/v1/access-log');
    const after_ = await s.plan();
    assert.equal(after_.plan.version, before_.plan.version);
    assert.deepEqual(expectJson(await s.get('/api/v1/plan/history'), 200), h1);
  });

  no5xxTest();
});
