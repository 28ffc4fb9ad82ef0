// Progress in the citizen's own words (FHIR Goal achievementStatus):
// POST /api/v1/goals/{id}/progress {"status", "note"?} for a goal or
// sub-goal of the citizen's own plan adds a row (the history is kept) and
// never changes the goal, the plan's version or its ETag; the plan shows
// the citizen's newest answer per goal, and so does the staff side's plan
// read (audited as a plan read). Bad input is 400 and changes nothing; a
// goal that is not in the citizen's plan is 404.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { ADMIN, HAVE_DB, SKIP, auditRowsOf, enrolFresh, expectError, forgetCitizens, holdCitizens, expectJson, login, loginStaff, staffId } from './lib.mjs';

// Citizens made here are named so, and forgotten after.
const PREFIX = `Fremskridt Test ${crypto.randomBytes(3).toString('hex')}`;

const progressPath = (id) => `/api/v1/goals/${id}/progress`;
const STATUSES = ['in-progress', 'improving', 'worsening', 'no-change', 'achieved', 'not-achieved'];

describe('progress in the citizen\'s words', { skip: SKIP }, () => {
  let mette;
  let jonas;
  let citizen; // { id, session }
  let goal;
  let sub;

  const addGoal = async (id, extra = {}) => expectJson(await mette.post(`${ADMIN}/citizens/${id}/goals`, {
    title: `Mål ${Date.now()}`, description: 'Skridt for skridt', area: 'job', legal_basis: 'LAB §30 a', ...extra,
  }), 201).goal;

  let release;
  before(async () => {
    // New citizens join mette's and jonas's caseloads while they last.
    release = await holdCitizens('staff-assignments');
    mette = await loginStaff('mette');
    jonas = await loginStaff('jonas');
    citizen = await enrolFresh(mette, `${PREFIX} Bo`, { contact_staff_id: await staffId('jonas') });
    goal = await addGoal(citizen.id);
    sub = await addGoal(citizen.id, { parent_goal_id: goal.id, title: 'Delmål: søge tre job' });
  });
  after(() => {
    try {
      if (HAVE_DB) forgetCitizens(PREFIX);
    } finally {
      if (release) release();
    }
  });

  it('POST on a sub-goal is 201 with the answer; the plan shows it and keeps its version, ETag and goal status', async () => {
    const { plan: was, etag } = await citizen.session.plan();
    const res = await citizen.session.post(progressPath(sub.id), { status: 'improving', note: 'Første linje\nAnden linje – æøå' });
    const body = expectJson(res, 201);
    assert.deepEqual({ goal_id: body.goal_id, status: body.status, note: body.note },
      { goal_id: sub.id, status: 'improving', note: 'Første linje\nAnden linje – æøå' });
    assert.equal(typeof body.at, 'string');
    const { plan, etag: after } = await citizen.session.plan();
    assert.equal(plan.version, was.version, 'the plan\'s version rose');
    assert.equal(after, etag, 'the ETag changed');
    assert.deepEqual(plan.goals, was.goals, 'the goals changed');
    assert.deepEqual(plan.progress, [body]);
  });

  it('every status of the six is taken, and the newest answer is the one shown; the history keeps them all', async () => {
    for (const status of STATUSES) expectJson(await citizen.session.post(progressPath(sub.id), { status }), 201);
    const { plan } = await citizen.session.plan();
    assert.deepEqual(plan.progress.map((p) => [p.goal_id, p.status, p.note]), [[sub.id, 'not-achieved', '']]);
    const hist = expectJson(await citizen.session.get(progressPath(sub.id)), 200);
    assert.deepEqual(hist.progress.map((p) => p.status), [...STATUSES].reverse().concat('improving'));
    assert.equal(hist.next, null);
    const paged = expectJson(await citizen.session.get(`${progressPath(sub.id)}?limit=2`), 200);
    assert.equal(paged.progress.length, 2);
    assert.equal(typeof paged.next, 'string');
  });

  it('an answer on the goal itself is kept apart from its sub-goal\'s', async () => {
    expectJson(await citizen.session.post(progressPath(goal.id), { status: 'in-progress', note: 'Overordnet' }), 201);
    const { plan } = await citizen.session.plan();
    assert.deepEqual(plan.progress.map((p) => [p.goal_id, p.status]), [[goal.id, 'in-progress'], [sub.id, 'not-achieved']].sort((a, b) => a[0] - b[0]));
    assert.equal(plan.goals.find((g) => g.id === goal.id).status, 'active', 'the goal\'s status changed');
  });

  it('the contact person sees the answers on the staff plan read, audited as a plan read', async () => {
    const { plan, res } = await jonas.plan(citizen.id);
    assert.deepEqual(plan.progress.find((p) => p.goal_id === sub.id)?.status, 'not-achieved');
    if (HAVE_DB) assert.deepEqual(auditRowsOf(res).map((r) => [r.action, r.object]), [['read', 'plan']]);
  });

  const bad = [
    ['an unknown status', { status: 'done' }],
    ['a status in capitals', { status: 'Achieved' }],
    ['no status', { note: 'x' }],
    ['a status that is not text', { status: 3 }],
    ['a note too long', { status: 'improving', note: 'x'.repeat(501) }],
    ['a note with a control character', { status: 'improving', note: 'a\u0000b' }],
    ['a field it does not know', { status: 'improving', goal_status: 'completed' }],
  ];
  for (const [what, body] of bad) {
    it(`${what} is 400 and changes nothing`, async () => {
      const before = expectJson(await citizen.session.get(progressPath(sub.id)), 200);
      const { plan: was } = await citizen.session.plan();
      expectError(await citizen.session.post(progressPath(sub.id), body), 400);
      assert.deepEqual(expectJson(await citizen.session.get(progressPath(sub.id)), 200), before);
      assert.deepEqual((await citizen.session.plan()).plan, was);
    });
  }

  it('a body that is not JSON is 415, and no CSRF token is 403', async () => {
    expectError(await citizen.session.post(progressPath(sub.id), undefined, { body: 'status=achieved', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415);
    expectError(await citizen.session.post(progressPath(sub.id), { status: 'achieved' }, { csrf: null }), 403);
  });

  it('another citizen\'s goal, and a goal that does not exist, are 404 and change nothing', async () => {
    const anna = await login('anna');
    const { plan } = await anna.plan();
    const before = plan.progress;
    expectError(await anna.post(progressPath(sub.id), { status: 'achieved' }), 404, 'not_found');
    expectError(await anna.get(progressPath(sub.id)), 404, 'not_found');
    expectError(await citizen.session.post(progressPath(999999999999), { status: 'achieved' }), 404);
    assert.deepEqual((await anna.plan()).plan.progress, before);
    assert.equal((await jonas.plan(citizen.id)).plan.progress.find((p) => p.goal_id === sub.id).status, 'not-achieved');
  });

  it('a household member answers for the shared plan\'s goal; each sees their own answers', async () => {
    const other = await enrolFresh(mette, `${PREFIX} Carl`, { contact_staff_id: await staffId('jonas') });
    const formed = await mette.post(`${ADMIN}/households`, { name: `Husstand ${Date.now()}`, members: [citizen.id, other.id] });
    assert.ok([200, 201].includes(formed.status), `household: ${formed.status} ${formed.text}`);
    const shared = (await other.session.plan()).plan;
    const g = shared.goals.find((x) => x.subgoals.some((s) => s.id === sub.id)) ? sub.id : shared.goals[0]?.id;
    assert.ok(g, `the shared plan has no goal: ${JSON.stringify(shared.goals)}`);
    const mine = expectJson(await other.session.post(progressPath(g), { status: 'worsening', note: 'Svært' }), 201);
    assert.deepEqual((await other.session.plan()).plan.progress, [mine]);
    const theirs = (await citizen.session.plan()).plan.progress;
    assert.ok(!theirs.some((p) => p.note === 'Svært'), 'one member sees the other\'s answer as their own');
  });
});
