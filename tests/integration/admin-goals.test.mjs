// The caseworker writes goals and sub-goals on a legal basis, and changes
// their status: POST /citizens/{id}/goals, PATCH /citizens/{id}/goals/{gid}.
// Works on the Hansen household's plan (lars and sofie, peter's caseload,
// karin their contact), holding both locks; goals it adds are cancelled at
// the end. Other staff only try and fail.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  assertCitizenUnchanged, auditChainTest, auditRowsOf, citizenId, citizenSnapshot, expectError, expectJson,
  login, loginStaff, marker, no5xxTest,
  flatGoals,
  hansenHousehold,
} from './lib.mjs';

describe('goals written by the caseworker', { skip: SKIP }, () => {
  let release;
  let lars; // citizen session
  let sofie;
  let lid; // lars's citizen id
  let peter; // caseworker
  let karin; // contact person
  let mette; // another caseload's caseworker
  let foreignGoal; // a goal of anna's plan
  const made = [];
  before(async () => {
    ({ release, lars, sofie, lid, peter, karin } = await hansenHousehold());
    mette = await loginStaff('mette');
    foreignGoal = flatGoals((await (await login('anna')).plan()).plan.goals)[0]?.id;
  });
  after(async () => {
    try {
      for (const g of made) await peter.patch(`${ADMIN}/citizens/${lid}/goals/${g}`, { status: 'cancelled' });
    } finally {
      if (release) release();
    }
  });

  const GOALS = () => `${ADMIN}/citizens/${lid}/goals`;
  const goal = (over = {}) => ({
    title: `Mål ${marker('g')}`, description: 'Skridt for skridt — æøå', area: 'job', legal_basis: 'LAB §30 a', ...over,
  });
  /** POSTs a goal as peter, asserted 201; returns the answer's body. */
  async function create(over = {}) {
    const body = expectJson(await peter.post(GOALS(), goal(over)), 201);
    assert.ok(body.goal && Number.isInteger(body.goal.id), `goal: ${JSON.stringify(body)}`);
    made.push(body.goal.id);
    return body;
  }
  const inPlan = async (s, id) => flatGoals((await s.plan()).plan.goals).find((g) => g.id === id);

  // ------------------------------------------------------------- create

  it('POST /citizens/{id}/goals is 201 {goal, plan_version} and raises the version by one', async () => {
    const v = (await lars.plan()).plan.version;
    const body = await create();
    assert.equal(body.plan_version, v + 1);
    assert.equal((await lars.plan()).plan.version, v + 1);
  });

  it('the new goal has its title, description, area, legal basis and a status', async () => {
    const g = goal({ area: 'housing', legal_basis: 'SEL §85' });
    const body = await create(g);
    for (const f of ['title', 'description', 'area', 'legal_basis']) assert.equal(body.goal[f], g[f], f);
    assert.equal(typeof body.goal.status, 'string');
  });

  it('the new goal is in the plan both household members read', async () => {
    const body = await create();
    const a = await inPlan(lars, body.goal.id);
    const b = await inPlan(sofie, body.goal.id);
    assert.ok(a && b, 'not in both members\' plans');
    assert.equal(a.title, body.goal.title);
    assert.deepEqual(a, b);
  });

  it('a sub-goal with parent_goal_id is listed under its parent', async () => {
    const parent = await create();
    const sub = await create({ parent_goal_id: parent.goal.id, title: `Delmål ${marker('s')}` });
    const p = await inPlan(lars, parent.goal.id);
    assert.ok(p.subgoals.some((s) => s.id === sub.goal.id), JSON.stringify(p));
  });

  it('hours_per_week round-trips', async () => {
    const body = await create({ hours_per_week: 7.5 });
    assert.equal((await inPlan(lars, body.goal.id)).hours_per_week, 7.5);
  });

  it('a goal on a child-related legal basis is child-related and listed by GET /child-related', async () => {
    const body = await create({ area: 'family', legal_basis: 'BL §19' });
    const list = expectJson(await peter.get(`${ADMIN}/citizens/${lid}/child-related`), 200);
    assert.ok(flatGoals(list.goals).some((g) => g.id === body.goal.id), 'not listed as child-related');
  });

  it('a goal marked child_related is listed by GET /child-related', async () => {
    const body = await create({ area: 'family', legal_basis: 'SEL §85', child_related: true });
    const list = expectJson(await peter.get(`${ADMIN}/citizens/${lid}/child-related`), 200);
    assert.ok(flatGoals(list.goals).some((g) => g.id === body.goal.id), 'not listed as child-related');
  });

  it('a goal not about a child is not listed by GET /child-related', async () => {
    const body = await create();
    const list = expectJson(await peter.get(`${ADMIN}/citizens/${lid}/child-related`), 200);
    assert.ok(!flatGoals(list.goals).some((g) => g.id === body.goal.id));
  });

  it('a new goal is audited as a change of the citizen', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await peter.post(GOALS(), goal());
    made.push(expectJson(res, 201).goal.id);
    // One row for each member of the household whose shared plan it is.
    const rows = auditRowsOf(res).filter((r) => r.action !== 'read');
    assert.deepEqual(rows.map((r) => r.citizen_id).sort(), [lid, await citizenId('sofie')].sort(), JSON.stringify(rows));
    for (const r of rows) {
      assert.equal(r.staff_id, peter.staff.id);
      assert.equal(r.action, 'goal_added');
    }
  });

  it('a new goal is in the citizen\'s access log', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    await create();
    const { entries } = expectJson(await lars.get('/api/v1/access-log'), 200);
    const hit = entries.filter((e) => Date.parse(e.at) / 1000 >= t0 - 1)
      .find((e) => e.actor.name === peter.staff.name && e.action !== 'read');
    assert.ok(hit, `no change by peter in the access log: ${JSON.stringify(entries.slice(0, 4))}`);
  });

  // ---------------------------------------------------- refused creates

  const BAD = [
    ['an unknown area', { area: 'space' }, 'invalid_field', 'area'],
    ['an unknown legal basis', { legal_basis: 'XYZ §1' }, 'unknown_legal_basis', null],
    ['no title', { title: undefined }, 'missing_field', 'title'],
    ['an empty title', { title: '' }, 'invalid_field', 'title'],
    ['a 201-character title', { title: 'T'.repeat(201) }, 'invalid_field', 'title'],
    ['a 4001-character description', { description: 'd'.repeat(4001) }, 'invalid_field', 'description'],
    ['no area', { area: undefined }, 'missing_field', 'area'],
    ['no legal_basis', { legal_basis: undefined }, 'missing_field', 'legal_basis'],
    ['a numeric title', { title: 5 }, 'invalid_field', 'title'],
    ['negative hours_per_week', { hours_per_week: -1 }, 'invalid_field', 'hours_per_week'],
    ['hours_per_week of 1000', { hours_per_week: 1000 }, 'invalid_field', 'hours_per_week'],
    ['hours_per_week as a string', { hours_per_week: '5' }, 'invalid_field', 'hours_per_week'],
    ['child_related as a string', { child_related: 'yes' }, 'invalid_field', 'child_related'],
    ['a string parent_goal_id', { parent_goal_id: '1' }, 'invalid_field', 'parent_goal_id'],
    ['an unknown field', { plan_id: 1 }, 'unknown_field', null],
  ];
  for (const [what, over, code, field] of BAD) {
    it(`a goal with ${what} is 400 ${code} and changes nothing`, async () => {
      const before_ = await citizenSnapshot(lars);
      const res = await peter.post(GOALS(), goal(over));
      const err = expectError(res, 400, code);
      if (field) assert.match(err.message, new RegExp(`\\b${field}\\b`), `the message does not name ${field}`);
      await assertCitizenUnchanged(lars, before_, res);
    });
  }

  it('an unknown legal basis is refused with where the known ones are listed', async () => {
    const err = expectError(await peter.post(GOALS(), goal({ legal_basis: 'XYZ §1' })), 400, 'unknown_legal_basis');
    assert.equal(err.message, 'legal_basis: "XYZ §1" is not a known legal basis (see /admin/api/v1/legal-bases)');
  });

  it('a parent goal from another plan is 404 and changes nothing', async (t) => {
    if (foreignGoal === undefined) return t.skip('anna has no goal');
    const before_ = await citizenSnapshot(lars);
    const res = await peter.post(GOALS(), goal({ parent_goal_id: foreignGoal }));
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(lars, before_, res);
  });

  it('a parent goal that does not exist is 404 and changes nothing', async () => {
    const before_ = await citizenSnapshot(lars);
    const res = await peter.post(GOALS(), goal({ parent_goal_id: 999999999 }));
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(lars, before_, res);
  });

  it('a contact person adding a goal is 403 caseworker_only and changes nothing', async () => {
    const before_ = await citizenSnapshot(lars);
    const res = await karin.post(GOALS(), goal());
    expectError(res, 403, 'caseworker_only');
    await assertCitizenUnchanged(lars, before_, res);
  });

  it('another caseworker adding a goal is 404, changes nothing and leaves a "denied" row', async () => {
    const before_ = await citizenSnapshot(lars);
    const res = await mette.post(GOALS(), goal());
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(lars, before_, res);
    const rows = auditRowsOf(res);
    if (rows) assert.deepEqual(rows.map((r) => r.action), ['denied']);
  });

  it('a goal without X-CSRF-Token is 403 csrf_missing and changes nothing', async () => {
    const before_ = await citizenSnapshot(lars);
    const res = await peter.post(GOALS(), goal(), { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertCitizenUnchanged(lars, before_, res);
  });

  // -------------------------------------------------------------- change

  for (const status of ['on-hold', 'completed', 'cancelled']) {
    it(`PATCH status ${status} is 200, the citizen sees it, the version is raised by one`, async () => {
      const { goal: g } = await create();
      const v = (await lars.plan()).plan.version;
      expectJson(await peter.patch(`${GOALS()}/${g.id}`, { status }), 200);
      const { plan } = await lars.plan();
      assert.equal(plan.version, v + 1);
      assert.equal(flatGoals(plan.goals).find((x) => x.id === g.id)?.status, status);
    });
  }

  it('PATCH of the title and hours_per_week changes those and keeps the rest', async () => {
    const { goal: g } = await create({ hours_per_week: 2 });
    const title = `Nyt navn ${marker('t')}`;
    expectJson(await peter.patch(`${GOALS()}/${g.id}`, { title, hours_per_week: 4 }), 200);
    const after_ = await inPlan(lars, g.id);
    assert.equal(after_.title, title);
    assert.equal(after_.hours_per_week, 4);
    assert.equal(after_.legal_basis, g.legal_basis);
    assert.equal(after_.area, g.area);
  });

  // If-Match on the caseworker's changes: the plan's ETag, as for the
  // citizen's (RFC 9110 §13.1.1: a list matches when it holds the current
  // tag); a stale or foreign entity-tag is 412, a header that is no
  // entity-tag list 400, and neither changes anything.
  it('a goal and a goal change with the plan\'s ETag in If-Match go through', async () => {
    const { etag } = await lars.plan();
    const body = expectJson(await peter.post(GOALS(), goal(), { headers: { 'If-Match': etag } }), 201);
    made.push(body.goal.id);
    const now = (await lars.plan()).etag;
    expectJson(await peter.patch(`${GOALS()}/${body.goal.id}`, { status: 'on-hold' }, { headers: { 'If-Match': now } }), 200);
  });
  it('a goal and a goal change with an If-Match list holding the current tag go through', async () => {
    const v = (await lars.plan()).plan.version;
    const body = expectJson(await peter.post(GOALS(), goal(), { headers: { 'If-Match': `"${v - 1}", "${v}"` } }), 201);
    made.push(body.goal.id);
    assert.equal(body.plan_version, v + 1);
    const res = await peter.patch(`${GOALS()}/${body.goal.id}`, { status: 'on-hold' }, { headers: { 'If-Match': `"x", W/"${v + 1}",` } });
    assert.equal(expectJson(res, 200).plan_version, v + 2);
  });
  for (const [what, ifMatch, status, code] of [
    ['a stale If-Match', (v) => `"${v - 1}"`, 412, 'stale_version'],
    ['an If-Match "abc" that names no version', () => '"abc"', 412, 'stale_version'],
    ['an If-Match "0"', () => '"0"', 412, 'stale_version'],
    ['an If-Match list without the current tag', (v) => `"${v - 1}", "abc", W/"${v + 1}"`, 412, 'stale_version'],
    ['an unquoted If-Match', (v) => String(v), 400, 'bad_if_match'],
    ['an If-Match without its closing quote', (v) => `"${v}`, 400, 'bad_if_match'],
  ]) {
    it(`a goal with ${what} is ${status} ${code} and changes nothing`, async () => {
      const before_ = await citizenSnapshot(lars);
      const v = (await lars.plan()).plan.version;
      const res = await peter.post(GOALS(), goal(), { headers: { 'If-Match': ifMatch(v) } });
      expectError(res, status, code);
      await assertCitizenUnchanged(lars, before_, res);
    });
    it(`a goal change with ${what} is ${status} ${code} and changes nothing`, async () => {
      const { goal: g } = await create();
      const before_ = await citizenSnapshot(lars);
      const v = (await lars.plan()).plan.version;
      const res = await peter.patch(`${GOALS()}/${g.id}`, { status: 'on-hold' }, { headers: { 'If-Match': ifMatch(v) } });
      expectError(res, status, code);
      await assertCitizenUnchanged(lars, before_, res);
    });
  }

  for (const [what, body, code] of [
    ['an unknown status', { status: 'finished' }, 'invalid_field'],
    ['a status in capitals', { status: 'ON-HOLD' }, 'invalid_field'],
    ['an unknown legal basis', { legal_basis: 'XYZ §1' }, 'unknown_legal_basis'],
    ['an empty title', { title: '' }, 'invalid_field'],
    ['an unknown field', { plan_id: 2 }, 'unknown_field'],
  ]) {
    it(`PATCH with ${what} is 400 ${code} and changes nothing`, async () => {
      const { goal: g } = await create();
      const before_ = await citizenSnapshot(lars);
      const res = await peter.patch(`${GOALS()}/${g.id}`, body);
      expectError(res, 400, code);
      await assertCitizenUnchanged(lars, before_, res);
    });
  }

  it('PATCH with an empty body {} is 400 and changes nothing', async () => {
    const { goal: g } = await create();
    const before_ = await citizenSnapshot(lars);
    const res = await peter.patch(`${GOALS()}/${g.id}`, {});
    expectError(res, 400);
    await assertCitizenUnchanged(lars, before_, res);
  });

  it('PATCH of another plan\'s goal through this citizen is 404 and changes nothing', async (t) => {
    if (foreignGoal === undefined) return t.skip('anna has no goal');
    const anna = await login('anna');
    const before_ = await citizenSnapshot(lars);
    const annaBefore = await inPlan(anna, foreignGoal);
    const res = await peter.patch(`${GOALS()}/${foreignGoal}`, { status: 'cancelled' });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(lars, before_, res);
    assert.deepEqual(await inPlan(anna, foreignGoal), annaBefore);
  });

  it('PATCH by the contact person is 403 caseworker_only and changes nothing', async () => {
    const { goal: g } = await create();
    const before_ = await citizenSnapshot(lars);
    const res = await karin.patch(`${GOALS()}/${g.id}`, { status: 'on-hold' });
    expectError(res, 403, 'caseworker_only');
    await assertCitizenUnchanged(lars, before_, res);
  });

  it('PATCH by another caseworker is 404 and changes nothing', async () => {
    const { goal: g } = await create();
    const before_ = await citizenSnapshot(lars);
    const res = await mette.patch(`${GOALS()}/${g.id}`, { status: 'on-hold' });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(lars, before_, res);
  });

  it('PATCH of a goal that does not exist is 404', async () => {
    expectError(await peter.patch(`${GOALS()}/999999999`, { status: 'on-hold' }), 404, 'not_found');
  });

  auditChainTest();
  no5xxTest();
});
