// A citizen's proposals to add, change or retire a goal: creating, listing,
// withdrawing, the goals one may name, and bad input. Uses anna (holding her
// lock); other citizens only try and fail to touch her proposals.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  SKIP, assertNotInDb, assertUnchanged, expectError, expectJson, expectStatus, holdCitizens, login, marker,
  planSnapshot, request, withdrawTestProposals, no5xxTest,
} from './lib.mjs';

const PROPOSALS = '/api/v1/proposals';

async function listed(s, id) {
  const body = expectJson(await s.get(PROPOSALS), 200);
  assert.ok(Array.isArray(body.proposals), 'proposals');
  return body.proposals.find((p) => p.id === id);
}

/** The first goal id in the plan of sub (top-level goals, then sub-goals). */
async function firstGoalId(sub) {
  const { plan } = await (await login(sub)).plan();
  const all = plan.goals.flatMap((g) => [g, ...(g.subgoals || [])]);
  return all.length ? all[0].id : undefined;
}

describe('proposals', { skip: SKIP }, () => {
  let release;
  let s; // anna
  let ownGoal; // a goal of anna's plan
  let foreignGoal; // a goal of another citizen's plan
  before(async () => {
    release = await holdCitizens('anna');
    s = await login('anna');
    ownGoal = await firstGoalId('anna');
    for (const sub of ['mohammed', 'lars', 'sofie']) {
      foreignGoal = await firstGoalId(sub);
      if (foreignGoal !== undefined) break;
    }
  });
  after(async () => {
    try {
      if (s) await withdrawTestProposals(s);
    } finally {
      if (release) release();
    }
  });

  async function create(body) {
    return expectJson(await s.post(PROPOSALS, body), 201);
  }

  // ------------------------------------------------------------ create

  it('an add_goal proposal is 201 {id, status pending, kind}', async () => {
    const p = await create({ kind: 'add_goal', title: 'Lære at køre bil', description: 'Kørekort B', reason: marker('add') });
    assert.ok(p.id !== undefined && p.id !== null, 'id');
    assert.equal(p.status, 'pending');
    assert.equal(p.kind, 'add_goal');
  });

  it('a new proposal is listed as pending with its reason and no decision', async () => {
    const reason = `Jeg vil gerne have hjælp til CV ${marker('list')}`;
    const p = await create({ kind: 'add_goal', title: 'Skrive et CV', reason });
    const l = await listed(s, p.id);
    assert.ok(l, 'not listed');
    assert.equal(l.kind, 'add_goal');
    assert.equal(l.status, 'pending');
    assert.equal(l.reason, reason);
    assert.ok(!('decision' in l), `decision while pending: ${JSON.stringify(l)}`);
  });

  it('a pending proposal does not change the plan version', async () => {
    const { plan } = await s.plan();
    await create({ kind: 'add_goal', title: 'Motion', reason: marker('no-version') });
    assert.equal((await s.plan()).plan.version, plan.version);
  });

  it('an add_goal proposal without description is 201', async () => {
    await create({ kind: 'add_goal', title: 'Uden beskrivelse', reason: marker('nodesc') });
  });

  it('an add_goal proposal with an empty description is 201', async () => {
    await create({ kind: 'add_goal', title: 'Tom beskrivelse', description: '', reason: marker('emptydesc') });
  });

  it('a 200-character title, 4000-character description and 2000-character reason are accepted', async () => {
    const m = marker('limits');
    const p = await create({ kind: 'add_goal', title: 'T'.repeat(200), description: 'æ'.repeat(4000), reason: m + 'r'.repeat(2000 - m.length) });
    assert.equal(p.status, 'pending');
  });

  it('a reason of 2000 emoji is accepted (code points are counted)', async () => {
    const m = marker('e');
    const p = await create({ kind: 'add_goal', title: 'Emoji', reason: m + '🙂'.repeat(2000 - m.length) });
    assert.equal(p.status, 'pending');
  });

  it('proposal text with æøå, quotes and markup round-trips', async () => {
    const reason = `"Blåbær" <b>'; DROP TABLE proposals; --</b> \\ 🚲 ${marker('rt')}`;
    const title = 'Cykle til arbejde — ÆØÅ';
    const p = await create({ kind: 'add_goal', title, reason });
    assert.equal((await listed(s, p.id)).reason, reason);
  });

  it('a change_goal proposal for a goal of my plan is 201', async (t) => {
    if (ownGoal === undefined) return t.skip('anna has no goal in the demo seed');
    const p = await create({ kind: 'change_goal', goal_id: ownGoal, title: 'Nyt navn', reason: marker('change') });
    assert.equal(p.kind, 'change_goal');
    assert.equal(p.status, 'pending');
  });

  it('a retire_goal proposal for a goal of my plan is 201', async (t) => {
    if (ownGoal === undefined) return t.skip('anna has no goal in the demo seed');
    const p = await create({ kind: 'retire_goal', goal_id: ownGoal, reason: marker('retire') });
    assert.equal(p.kind, 'retire_goal');
  });

  // ------------------------------------------------------ withdrawal

  it('withdrawing a pending proposal is 200 and it is listed as withdrawn', async () => {
    const p = await create({ kind: 'add_goal', title: 'Trække tilbage', reason: marker('withdraw') });
    const res = await s.post(`${PROPOSALS}/${p.id}/withdrawal`);
    const body = expectJson(res, 200);
    if (body && 'status' in body) assert.equal(body.status, 'withdrawn');
    assert.equal((await listed(s, p.id)).status, 'withdrawn');
  });

  it('withdrawing twice: the second is 409 not_pending and changes nothing', async () => {
    const p = await create({ kind: 'add_goal', title: 'To gange', reason: marker('twice') });
    expectStatus(await s.post(`${PROPOSALS}/${p.id}/withdrawal`), 200);
    const before_ = await planSnapshot(s);
    expectError(await s.post(`${PROPOSALS}/${p.id}/withdrawal`), 409, 'not_pending');
    await assertUnchanged(s, before_);
    assert.equal((await listed(s, p.id)).status, 'withdrawn');
  });

  it('withdrawing does not change the plan version', async () => {
    const p = await create({ kind: 'add_goal', title: 'Version', reason: marker('wv') });
    const { plan } = await s.plan();
    expectStatus(await s.post(`${PROPOSALS}/${p.id}/withdrawal`), 200);
    assert.equal((await s.plan()).plan.version, plan.version);
  });

  it('another citizen withdrawing my proposal is 404 and it stays pending', async () => {
    const p = await create({ kind: 'add_goal', title: 'Min', reason: marker('mine') });
    const other = await login('mohammed');
    expectError(await other.post(`${PROPOSALS}/${p.id}/withdrawal`), 404, 'not_found');
    assert.equal((await listed(s, p.id)).status, 'pending');
  });

  it('another citizen does not see my proposal in their list', async () => {
    const p = await create({ kind: 'add_goal', title: 'Privat', reason: marker('private') });
    const other = await login('mohammed');
    const body = expectJson(await other.get(PROPOSALS), 200);
    assert.equal(body.proposals.find((x) => x.id === p.id), undefined);
  });

  for (const id of ['99999999999', 'abc', '0', '-1', '99999999999999999999']) {
    it(`withdrawing proposal ${id} is 404 and changes nothing`, async () => {
      const before_ = await planSnapshot(s);
      expectError(await s.post(`${PROPOSALS}/${id}/withdrawal`), 404, 'not_found');
      await assertUnchanged(s, before_);
    });
  }

  // ------------------------------------------------ goals not mine

  it('a change_goal proposal for another citizen\'s goal is 404 and changes nothing', async (t) => {
    if (foreignGoal === undefined) return t.skip('no other citizen has a goal in the demo seed');
    const before_ = await planSnapshot(s);
    const m = marker('foreign');
    expectError(await s.post(PROPOSALS, { kind: 'change_goal', goal_id: foreignGoal, title: m, reason: m }), 404, 'not_found');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  it('a retire_goal proposal for another citizen\'s goal is 404 and changes nothing', async (t) => {
    if (foreignGoal === undefined) return t.skip('no other citizen has a goal in the demo seed');
    const before_ = await planSnapshot(s);
    const m = marker('foreign');
    expectError(await s.post(PROPOSALS, { kind: 'retire_goal', goal_id: foreignGoal, reason: m }), 404, 'not_found');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  it('a change_goal proposal for a goal that does not exist is 404 and changes nothing', async () => {
    const before_ = await planSnapshot(s);
    const m = marker('nogoal');
    expectError(await s.post(PROPOSALS, { kind: 'change_goal', goal_id: 99999999999, title: m, reason: m }), 404, 'not_found');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  // ------------------------------------------------------ bad input

  const own = () => ownGoal ?? 1;
  const BAD = [
    ['an unknown kind', (m) => ({ kind: 'delete_plan', title: 't', reason: m }), 'invalid_field', 'kind'],
    ['kind in capitals', (m) => ({ kind: 'ADD_GOAL', title: 't', reason: m }), 'invalid_field', 'kind'],
    ['no kind', (m) => ({ title: 't', reason: m }), 'missing_field', 'kind'],
    ['a numeric kind', (m) => ({ kind: 1, title: 't', reason: m }), 'invalid_field', 'kind'],
    ['add_goal without title', (m) => ({ kind: 'add_goal', reason: m }), 'missing_field', 'title'],
    ['add_goal with an empty title', (m) => ({ kind: 'add_goal', title: '', reason: m }), 'invalid_field', 'title'],
    ['add_goal with a whitespace-only title', (m) => ({ kind: 'add_goal', title: '   ', reason: m }), 'invalid_field', 'title'],
    ['a 201-character title', (m) => ({ kind: 'add_goal', title: 'T'.repeat(201), reason: m }), 'invalid_field', 'title'],
    ['a 4001-character description', (m) => ({ kind: 'add_goal', title: 't', description: 'd'.repeat(4001), reason: m }), 'invalid_field', 'description'],
    ['a numeric title', (m) => ({ kind: 'add_goal', title: 5, reason: m }), 'invalid_field', 'title'],
    ['a control character in the title', (m) => ({ kind: 'add_goal', title: 'a\u0007b', reason: m }), 'invalid_field', 'title'],
    ['a control character in the description', (m) => ({ kind: 'add_goal', title: 't', description: 'a\u0002', reason: m }), 'invalid_field', 'description'],
    ['change_goal without goal_id', (m) => ({ kind: 'change_goal', title: 't', reason: m }), 'missing_field', 'goal_id'],
    ['retire_goal without goal_id', (m) => ({ kind: 'retire_goal', reason: m }), 'missing_field', 'goal_id'],
    ['a string goal_id', (m) => ({ kind: 'retire_goal', goal_id: String(own()), reason: m }), 'invalid_field', 'goal_id'],
    ['a fractional goal_id', (m) => ({ kind: 'retire_goal', goal_id: own() + 0.5, reason: m }), 'invalid_field', 'goal_id'],
    ['a null goal_id', (m) => ({ kind: 'retire_goal', goal_id: null, reason: m }), ['invalid_field', 'missing_field'], 'goal_id'],
    ['no reason', () => ({ kind: 'add_goal', title: 't' }), 'missing_field', 'reason'],
    ['an empty reason', () => ({ kind: 'add_goal', title: 't', reason: '' }), 'invalid_field', 'reason'],
    ['a whitespace-only reason', () => ({ kind: 'add_goal', title: 't', reason: ' \n\t ' }), 'invalid_field', 'reason'],
    ['a 2001-character reason', (m) => ({ kind: 'add_goal', title: 't', reason: m + 'r'.repeat(2001 - m.length) }), 'invalid_field', 'reason'],
    ['a control character in the reason', (m) => ({ kind: 'add_goal', title: 't', reason: `${m}\u0000` }), ['invalid_field', 'invalid_json'], null],
    ['a numeric reason', () => ({ kind: 'add_goal', title: 't', reason: 7 }), 'invalid_field', 'reason'],
    ['an unknown field', (m) => ({ kind: 'add_goal', title: 't', reason: m, status: 'approved' }), 'unknown_field', null],
    ['a body that is an array', (m) => [{ kind: 'add_goal', title: 't', reason: m }], ['invalid_json', 'invalid_field'], null],
  ];
  for (const [what, body, code, field] of BAD) {
    it(`a proposal with ${what} is 400 ${[].concat(code).join('/')} and changes nothing`, async () => {
      const before_ = await planSnapshot(s);
      const list = expectJson(await s.get(PROPOSALS), 200);
      const m = marker('badp');
      const err = expectError(await s.post(PROPOSALS, body(m)), 400, code);
      if (field) assert.match(err.message, new RegExp(`\\b${field}\\b`), `the message does not name "${field}"`);
      await assertUnchanged(s, before_);
      assert.deepEqual(expectJson(await s.get(PROPOSALS), 200), list);
      assertNotInDb(m);
    });
  }

  it('a proposal with malformed JSON is 400 invalid_json and changes nothing', async () => {
    const before_ = await planSnapshot(s);
    const m = marker('badjson');
    const res = await s.post(PROPOSALS, undefined, { body: `{"kind":"add_goal","title":"t","reason":"${m}"`, headers: { 'Content-Type': 'application/json' } });
    expectError(res, 400, 'invalid_json');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  it('a proposal sent as text/plain is 415 and changes nothing', async () => {
    const before_ = await planSnapshot(s);
    const m = marker('plain');
    const res = await s.post(PROPOSALS, undefined, {
      body: JSON.stringify({ kind: 'add_goal', title: 't', reason: m }), headers: { 'Content-Type': 'text/plain' },
    });
    expectError(res, 415, 'unsupported_media_type');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  it('GET /api/v1/proposals without a session is 401', async () => {
    expectError(await request('GET', PROPOSALS), 401, 'unauthorized');
  });

  no5xxTest();
});
