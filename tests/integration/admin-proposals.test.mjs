// The caseworker's approval queue: listing a caseload's proposals,
// comments by caseworker and contact person, decisions (approve, reject,
// twice, at the same moment, by the wrong person), what the citizen then
// sees, and a change_goal superseding an earlier one. Works on mohammed's
// proposals (mette's caseload, birgitte his contact), holding his lock;
// peter and jonas only try and fail. Decides only proposals it filed itself.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  assertCitizenUnchanged, auditChainTest, auditRowsOf, citizenId, citizenSnapshot, expectError, expectJson,
  holdCitizens, login, loginStaff, marker, withdrawTestProposals, no5xxTest,
  flatGoals,
} from './lib.mjs';

const GOAL_FIELDS = { area: 'job', legal_basis: 'LAB §30 a' };

describe('approval queue: proposals, comments, decisions', { skip: SKIP }, () => {
  let release;
  let m; // mohammed, the citizen
  let mid; // his citizen id
  let mette; // his caseworker
  let birgitte; // his contact person
  let peter; // another caseload's caseworker
  let jonas; // another citizen's contact person
  const madeGoals = []; // goal ids this file added to his plan
  before(async () => {
    release = await holdCitizens('mohammed');
    m = await login('mohammed');
    mid = await citizenId('mohammed');
    mette = await loginStaff('mette');
    birgitte = await loginStaff('birgitte');
    peter = await loginStaff('peter');
    jonas = await loginStaff('jonas');
  });
  after(async () => {
    try {
      if (m) await withdrawTestProposals(m);
      // Goals added by approvals: cancelled, so they do not read as active work.
      for (const g of madeGoals) await mette.patch(`${ADMIN}/citizens/${mid}/goals/${g}`, { status: 'cancelled' });
    } finally {
      if (release) release();
    }
  });

  /** The citizen files a proposal (reason marked for clean-up); 201. */
  async function file(body) {
    return expectJson(await m.post('/api/v1/proposals', { reason: marker('adm'), ...body }), 201);
  }
  const addGoal = (title = `Mål ${marker('t')}`) => file({ kind: 'add_goal', title, description: 'Beskrivelse æøå' });

  async function queue(staff, status = 'pending') {
    const body = expectJson(await staff.get(`${ADMIN}/proposals?status=${status}`), 200);
    assert.ok(Array.isArray(body.proposals), `proposals: ${JSON.stringify(body).slice(0, 200)}`);
    return body.proposals;
  }
  async function inQueue(staff, id, status = 'pending') {
    return (await queue(staff, status)).find((p) => p.id === id);
  }
  /** The proposal as the citizen lists it. */
  async function citizenView(id) {
    return expectJson(await m.get('/api/v1/proposals'), 200).proposals.find((p) => p.id === id);
  }
  const decide = (staff, id, body) => staff.post(`${ADMIN}/proposals/${id}/decision`, body);
  const approve = (staff, id, extra = {}) => decide(staff, id, { decision: 'approve', ...GOAL_FIELDS, ...extra });

  /** Approves a fresh add_goal proposal; returns the new goal (as the citizen sees it). */
  async function approvedGoal() {
    const title = `Godkendt ${marker('g')}`;
    const p = await addGoal(title);
    expectJson(await approve(mette, p.id), 200);
    const g = flatGoals((await m.plan()).plan.goals).find((x) => x.title === title);
    assert.ok(g, 'the approved goal is not in the plan');
    madeGoals.push(g.id);
    return g;
  }

  // ---------------------------------------------------------- the queue

  it('GET /proposals?status=pending lists a new proposal of the caseload with citizen, kind, goal, title, description, reason, status, created_at, comments', async () => {
    const title = `Kørekort ${marker('t')}`;
    const p = await addGoal(title);
    const q = await inQueue(mette, p.id);
    assert.ok(q, 'not in the caseworker\'s queue');
    assert.deepEqual(q.citizen, { id: mid, name: m.citizen.name });
    assert.equal(q.kind, 'add_goal');
    assert.equal(q.goal, null);
    assert.equal(q.title, title);
    assert.equal(q.description, 'Beskrivelse æøå');
    assert.equal(typeof q.reason, 'string');
    assert.equal(q.status, 'pending');
    assert.ok(!Number.isNaN(Date.parse(q.created_at)), `created_at: ${q.created_at}`);
    assert.deepEqual(q.comments, []);
  });

  it('a change_goal proposal is listed with its goal {id, title}', async () => {
    const goal = flatGoals((await m.plan()).plan.goals)[0];
    const p = await file({ kind: 'change_goal', goal_id: goal.id, title: 'Nyt navn' });
    const q = await inQueue(mette, p.id);
    assert.deepEqual(q.goal, { id: goal.id, title: goal.title });
  });

  it('the queue holds only the caller\'s caseload', async () => {
    const mine = new Set((await mette.citizens()).map((c) => c.id));
    for (const p of await queue(mette)) assert.ok(mine.has(p.citizen.id), `citizen ${p.citizen.id} is not mette's`);
    const peters = new Set((await peter.citizens()).map((c) => c.id));
    for (const p of await queue(peter)) assert.ok(peters.has(p.citizen.id), `citizen ${p.citizen.id} is not peter's`);
  });

  it('another caseworker\'s queue does not list the proposal', async () => {
    const p = await addGoal();
    assert.equal(await inQueue(peter, p.id), undefined);
  });

  it('the citizen\'s contact person sees the proposal in the queue; another contact person does not', async () => {
    const p = await addGoal();
    assert.ok(await inQueue(birgitte, p.id), 'birgitte does not see it');
    assert.equal(await inQueue(jonas, p.id), undefined);
  });

  it('the queue is oldest first', async () => {
    await addGoal();
    await addGoal();
    const list = await queue(mette);
    for (let i = 1; i < list.length; i++) {
      assert.ok(Date.parse(list[i - 1].created_at) <= Date.parse(list[i].created_at), `not oldest first at ${i}`);
    }
    const ours = list.filter((p) => p.citizen.id === mid).map((p) => p.id);
    assert.deepEqual(ours, [...ours].sort((a, b) => a - b), 'proposals of one citizen out of order');
  });

  it('the demo seed gives both caseworkers pending proposals', async () => {
    const seeded = (list) => list.filter((p) => !String(p.reason).includes('kt-'));
    assert.ok(seeded(await queue(mette)).length > 0, 'mette has no seeded pending proposal');
    assert.ok(seeded(await queue(peter)).length > 0, 'peter has no seeded pending proposal');
  });

  it('GET /proposals?status=bogus is 400', async () => {
    expectError(await mette.get(`${ADMIN}/proposals?status=bogus`), 400);
  });

  it('reading the queue writes only "read" audit rows', { skip: !HAVE_DB && 'no database' }, async () => {
    await addGoal();
    const res = await mette.get(`${ADMIN}/proposals?status=pending`);
    expectJson(res, 200);
    const rows = auditRowsOf(res);
    assert.ok(rows.length > 0, 'reading the queue left no audit row');
    for (const r of rows) assert.equal(r.action, 'read', JSON.stringify(r));
  });

  // ----------------------------------------------------------- comments

  it('a caseworker\'s comment is 201 {id, by, at, text} and is listed on the proposal', async () => {
    const p = await addGoal();
    const text = `Vi tager det op på mødet — ${marker('c')}`;
    const c = expectJson(await mette.post(`${ADMIN}/proposals/${p.id}/comments`, { text }), 201);
    assert.ok(Number.isInteger(c.id), JSON.stringify(c));
    assert.equal(c.text, text);
    assert.deepEqual(c.by, { id: mette.staff.id, name: mette.staff.name, role: 'caseworker' });
    assert.ok(!Number.isNaN(Date.parse(c.at)));
    const q = await inQueue(mette, p.id);
    assert.deepEqual(q.comments.map((x) => [x.id, x.text, x.by.id]), [[c.id, text, mette.staff.id]]);
  });

  it('the contact person\'s comment is 201 with role contact, and comments are listed in order', async () => {
    const p = await addGoal();
    const a = expectJson(await mette.post(`${ADMIN}/proposals/${p.id}/comments`, { text: 'første' }), 201);
    const b = expectJson(await birgitte.post(`${ADMIN}/proposals/${p.id}/comments`, { text: 'anden 🙂' }), 201);
    assert.equal(b.by.role, 'contact');
    const q = await inQueue(mette, p.id);
    assert.deepEqual(q.comments.map((x) => x.id), [a.id, b.id]);
    assert.equal(q.comments[1].text, 'anden 🙂');
  });

  it('a comment on a withdrawn proposal is 409 not_pending and adds nothing', async () => {
    const p = await addGoal();
    expectJson(await m.post(`/api/v1/proposals/${p.id}/withdrawal`), 200);
    const before_ = await citizenSnapshot(m);
    const res = await mette.post(`${ADMIN}/proposals/${p.id}/comments`, { text: marker('late') });
    expectError(res, 409, 'not_pending');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('another caseworker\'s comment is 404, adds nothing and leaves a "denied" row', async () => {
    const p = await addGoal();
    const before_ = await citizenSnapshot(m);
    const res = await peter.post(`${ADMIN}/proposals/${p.id}/comments`, { text: marker('foreign') });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(m, before_, res);
    const rows = auditRowsOf(res);
    if (rows) assert.deepEqual(rows.map((r) => r.action), ['denied']);
  });

  it('another citizen\'s contact person commenting is 404 and adds nothing', async () => {
    const p = await addGoal();
    const before_ = await citizenSnapshot(m);
    const res = await jonas.post(`${ADMIN}/proposals/${p.id}/comments`, { text: marker('foreign') });
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('a comment on a proposal that does not exist is 404', async () => {
    expectError(await mette.post(`${ADMIN}/proposals/999999999/comments`, { text: 'x' }), 404, 'not_found');
  });

  for (const [what, body, code] of [
    ['no text', {}, 'missing_field'],
    ['an empty text', { text: '' }, 'invalid_field'],
    ['a whitespace-only text', { text: '  \n ' }, 'invalid_field'],
    ['a numeric text', { text: 5 }, 'invalid_field'],
    ['a 30000-character text', { text: 'k'.repeat(30000) }, 'invalid_field'],
    ['an unknown field', { text: 'ok', by: 1 }, 'unknown_field'],
  ]) {
    it(`a comment with ${what} is 400 ${code} and adds nothing`, async () => {
      const p = await addGoal();
      const before_ = await citizenSnapshot(m);
      const res = await mette.post(`${ADMIN}/proposals/${p.id}/comments`, body);
      expectError(res, 400, code);
      await assertCitizenUnchanged(m, before_, res);
    });
  }

  // ---------------------------------------------------------- decisions

  it('approving an add_goal is 200 {plan_version, proposal} with the version raised by one', async () => {
    const p = await addGoal();
    const v = (await m.plan()).plan.version;
    const body = expectJson(await approve(mette, p.id), 200);
    assert.equal(body.plan_version, v + 1);
    assert.equal(body.proposal?.id, p.id);
    assert.equal(body.proposal.status, 'approved');
  });

  it('an approved add_goal is in the citizen\'s plan with its area, legal basis and hours, at version + 1', async () => {
    const title = `Nyt mål ${marker('g')}`;
    const p = await addGoal(title);
    const v = (await m.plan()).plan.version;
    expectJson(await approve(mette, p.id, { area: 'education', legal_basis: 'LAB §30 a', hours_per_week: 6 }), 200);
    const { plan, etag } = await m.plan();
    assert.equal(plan.version, v + 1);
    assert.equal(etag, `"${v + 1}"`);
    const g = flatGoals(plan.goals).find((x) => x.title === title);
    assert.ok(g, 'the goal is not in the plan');
    madeGoals.push(g.id);
    assert.equal(g.area, 'education');
    assert.equal(g.legal_basis, 'LAB §30 a');
    assert.equal(g.hours_per_week, 6);
    assert.equal(g.description, 'Beskrivelse æøå');
  });

  it('an approved proposal is listed to the citizen as approved with decision {by, at, reason}', async () => {
    const p = await addGoal();
    expectJson(await approve(mette, p.id, { reason: 'Godt forslag' }), 200);
    const c = await citizenView(p.id);
    assert.equal(c.status, 'approved');
    assert.ok(c.decision, `no decision: ${JSON.stringify(c)}`);
    assert.ok(JSON.stringify(c.decision.by).includes(mette.staff.name), `decision.by: ${JSON.stringify(c.decision.by)}`);
    assert.ok(!Number.isNaN(Date.parse(c.decision.at)));
    assert.equal(c.decision.reason, 'Godt forslag');
  });

  it('an approval is a new version in the plan history', async () => {
    const p = await addGoal();
    const body = expectJson(await approve(mette, p.id), 200);
    const h = expectJson(await m.get('/api/v1/plan/history'), 200);
    assert.equal(h.versions[0].version, body.plan_version);
  });

  it('an approval is audited as a change of that citizen', { skip: !HAVE_DB && 'no database' }, async () => {
    const p = await addGoal();
    const res = await approve(mette, p.id);
    expectJson(res, 200);
    const rows = auditRowsOf(res).filter((r) => r.action !== 'read');
    assert.equal(rows.length, 1, JSON.stringify(auditRowsOf(res)));
    assert.equal(rows[0].citizen_id, mid);
    assert.equal(rows[0].staff_id, mette.staff.id);
  });

  it('approving a retire_goal cancels that goal and raises the version by one', async () => {
    const g = await approvedGoal();
    const p = await file({ kind: 'retire_goal', goal_id: g.id });
    const v = (await m.plan()).plan.version;
    expectJson(await decide(mette, p.id, { decision: 'approve' }), 200);
    const { plan } = await m.plan();
    assert.equal(plan.version, v + 1);
    assert.equal(flatGoals(plan.goals).find((x) => x.id === g.id)?.status, 'cancelled');
  });

  it('approving a change_goal writes the new title to that goal', async () => {
    const g = await approvedGoal();
    const title = `Ændret ${marker('t')}`;
    const p = await file({ kind: 'change_goal', goal_id: g.id, title });
    expectJson(await decide(mette, p.id, { decision: 'approve' }), 200);
    const after_ = flatGoals((await m.plan()).plan.goals).find((x) => x.id === g.id);
    assert.equal(after_.title, title);
    assert.equal(after_.legal_basis, g.legal_basis);
  });

  it('rejecting with a reason is 200, keeps the version and the citizen sees the reason', async () => {
    const p = await addGoal();
    const v = (await m.plan()).plan.version;
    const reason = `Det passer ikke ind nu — ${marker('r')}`;
    const body = expectJson(await decide(mette, p.id, { decision: 'reject', reason }), 200);
    assert.equal(body.plan_version, v);
    assert.equal((await m.plan()).plan.version, v);
    const c = await citizenView(p.id);
    assert.equal(c.status, 'rejected');
    assert.equal(c.decision?.reason, reason);
    assert.equal((await inQueue(mette, p.id, 'rejected'))?.status, 'rejected');
  });

  it('rejecting does not add the goal', async () => {
    const title = `Afvist ${marker('t')}`;
    const p = await addGoal(title);
    expectJson(await decide(mette, p.id, { decision: 'reject', reason: 'nej' }), 200);
    assert.equal(flatGoals((await m.plan()).plan.goals).find((x) => x.title === title), undefined);
  });

  // -------------------------------------------- refused decisions

  const REFUSED = [
    ['a reject without reason', { decision: 'reject' }, 'missing_field'],
    ['a reject with an empty reason', { decision: 'reject', reason: '' }, ['invalid_field', 'missing_field']],
    ['an approve of an add_goal without area', { decision: 'approve', legal_basis: 'LAB §30 a' }, 'missing_field'],
    ['an approve of an add_goal without legal_basis', { decision: 'approve', area: 'job' }, 'missing_field'],
    ['an approve of an add_goal with an unknown legal basis', { decision: 'approve', area: 'job', legal_basis: 'XYZ §1' }, 'unknown_legal_basis'],
    ['an approve of an add_goal with an unknown area', { decision: 'approve', area: 'space', legal_basis: 'LAB §30 a' }, 'invalid_field'],
    ['an unknown decision', { decision: 'maybe', reason: 'x' }, 'invalid_field'],
    ['no decision', { reason: 'x' }, 'missing_field'],
    ['a decision in capitals', { decision: 'APPROVE', ...GOAL_FIELDS }, 'invalid_field'],
    ['negative hours_per_week', { decision: 'approve', ...GOAL_FIELDS, hours_per_week: -1 }, 'invalid_field'],
    ['hours_per_week as a string', { decision: 'approve', ...GOAL_FIELDS, hours_per_week: '5' }, 'invalid_field'],
    ['an unknown field', { decision: 'approve', ...GOAL_FIELDS, status: 'approved' }, 'unknown_field'],
  ];
  for (const [what, body, code] of REFUSED) {
    it(`${what} is 400 ${[].concat(code).join('/')} and changes nothing`, async () => {
      const p = await addGoal();
      const before_ = await citizenSnapshot(m);
      const res = await decide(mette, p.id, body);
      expectError(res, 400, code);
      await assertCitizenUnchanged(m, before_, res);
      assert.equal((await citizenView(p.id)).status, 'pending');
    });
  }

  it('an approve with an unknown legal basis says where the known ones are listed', async () => {
    const p = await addGoal();
    const err = expectError(await decide(mette, p.id, { decision: 'approve', area: 'job', legal_basis: 'XYZ §1' }), 400, 'unknown_legal_basis');
    assert.match(err.message, /\(see \/admin\/api\/v1\/legal-bases\)$/);
  });

  it('deciding twice: the second is 409 already_decided and changes nothing', async () => {
    const p = await addGoal();
    expectJson(await approve(mette, p.id), 200);
    const before_ = await citizenSnapshot(m);
    const res = await decide(mette, p.id, { decision: 'reject', reason: 'alligevel ikke' });
    expectError(res, 409, 'already_decided');
    await assertCitizenUnchanged(m, before_, res);
    assert.equal((await citizenView(p.id)).status, 'approved');
  });

  it('approving twice: the second is 409 already_decided and the goal is added once', async () => {
    const title = `To gange ${marker('t')}`;
    const p = await addGoal(title);
    expectJson(await approve(mette, p.id), 200);
    const before_ = await citizenSnapshot(m);
    expectError(await approve(mette, p.id), 409, 'already_decided');
    await assertCitizenUnchanged(m, before_);
    assert.equal(flatGoals((await m.plan()).plan.goals).filter((x) => x.title === title).length, 1);
  });

  it('two approvals at the same moment from two sessions: one 200, one 409, the goal added once, the version raised once', async () => {
    const title = `Samtidig ${marker('t')}`;
    const p = await addGoal(title);
    const other = await loginStaff('mette');
    const v = (await m.plan()).plan.version;
    const answers = await Promise.all([approve(mette, p.id), approve(other, p.id)]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], answers.map((r) => `${r.status} ${r.text}`).join(' | '));
    expectError(answers.find((r) => r.status === 409), 409, 'already_decided');
    const { plan } = await m.plan();
    assert.equal(plan.version, v + 1);
    const made = flatGoals(plan.goals).filter((x) => x.title === title);
    assert.equal(made.length, 1);
    madeGoals.push(made[0].id);
  });

  it('an approval and a rejection at the same moment: exactly one wins and the citizen sees that one', async () => {
    const p = await addGoal();
    const v = (await m.plan()).plan.version;
    const answers = await Promise.all([approve(mette, p.id), decide(mette, p.id, { decision: 'reject', reason: 'nej' })]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], answers.map((r) => `${r.status} ${r.text}`).join(' | '));
    const won = answers[0].status === 200 ? 'approved' : 'rejected';
    assert.equal((await citizenView(p.id)).status, won);
    assert.equal((await m.plan()).plan.version, won === 'approved' ? v + 1 : v);
  });

  it('a decision racing the citizen\'s withdrawal: the proposal ends in exactly one state', async () => {
    const p = await addGoal();
    const [d, w] = await Promise.all([decide(mette, p.id, { decision: 'reject', reason: 'nej' }), m.post(`/api/v1/proposals/${p.id}/withdrawal`)]);
    const statuses = [d.status, w.status].sort();
    assert.deepEqual(statuses, [200, 409], `decision ${d.status} ${d.text} | withdrawal ${w.status} ${w.text}`);
    assert.equal((await citizenView(p.id)).status, d.status === 200 ? 'rejected' : 'withdrawn');
  });

  it('a contact person\'s decision is 403 caseworker_only and changes nothing', async () => {
    const p = await addGoal();
    const before_ = await citizenSnapshot(m);
    const res = await approve(birgitte, p.id);
    expectError(res, 403, 'caseworker_only');
    await assertCitizenUnchanged(m, before_, res);
  });

  it('another caseworker\'s decision is 404, changes nothing and leaves a "denied" row', async () => {
    const p = await addGoal();
    const before_ = await citizenSnapshot(m);
    const res = await approve(peter, p.id);
    expectError(res, 404, 'not_found');
    await assertCitizenUnchanged(m, before_, res);
    const rows = auditRowsOf(res);
    if (rows) assert.deepEqual(rows.map((r) => [r.action, r.citizen_id]), [['denied', mid]]);
  });

  it('a decision on a withdrawn proposal is 409 and changes nothing', async () => {
    const p = await addGoal();
    expectJson(await m.post(`/api/v1/proposals/${p.id}/withdrawal`), 200);
    const before_ = await citizenSnapshot(m);
    const res = await approve(mette, p.id);
    expectError(res, 409);
    await assertCitizenUnchanged(m, before_, res);
    assert.equal((await citizenView(p.id)).status, 'withdrawn');
  });

  for (const id of ['999999999', 'abc', '0']) {
    it(`a decision on proposal ${id} is 404`, async () => {
      expectError(await decide(mette, id, { decision: 'reject', reason: 'x' }), 404);
    });
  }

  it('a decision without X-CSRF-Token is 403 csrf_missing and changes nothing', async () => {
    const p = await addGoal();
    const before_ = await citizenSnapshot(m);
    const res = await mette.post(`${ADMIN}/proposals/${p.id}/decision`, { decision: 'approve', ...GOAL_FIELDS }, { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertCitizenUnchanged(m, before_, res);
    assert.equal((await citizenView(p.id)).status, 'pending');
  });

  // -------------------------------------------------------- superseding

  it('a second change_goal for the same goal supersedes the first: the citizen sees superseded and pending', async () => {
    const goal = flatGoals((await m.plan()).plan.goals)[0];
    const first = await file({ kind: 'change_goal', goal_id: goal.id, title: 'Første udgave' });
    const second = await file({ kind: 'change_goal', goal_id: goal.id, title: 'Anden udgave' });
    assert.equal((await citizenView(first.id)).status, 'superseded');
    assert.equal((await citizenView(second.id)).status, 'pending');
  });

  it('the superseded proposal is in the queue under ?status=superseded and gone from pending', async () => {
    const goal = flatGoals((await m.plan()).plan.goals)[0];
    const first = await file({ kind: 'change_goal', goal_id: goal.id, title: 'Første' });
    const second = await file({ kind: 'change_goal', goal_id: goal.id, title: 'Anden' });
    assert.equal((await inQueue(mette, first.id, 'superseded'))?.status, 'superseded');
    assert.equal(await inQueue(mette, first.id), undefined);
    assert.ok(await inQueue(mette, second.id), 'the second is not pending in the queue');
  });

  it('deciding a superseded proposal is 409 and changes nothing', async () => {
    const goal = flatGoals((await m.plan()).plan.goals)[0];
    const first = await file({ kind: 'change_goal', goal_id: goal.id, title: 'Første' });
    await file({ kind: 'change_goal', goal_id: goal.id, title: 'Anden' });
    const before_ = await citizenSnapshot(m);
    const res = await decide(mette, first.id, { decision: 'approve' });
    expectError(res, 409);
    await assertCitizenUnchanged(m, before_, res);
  });

  it('a change_goal for another goal does not supersede', async () => {
    const goals = flatGoals((await m.plan()).plan.goals);
    if (goals.length < 2) return;
    const first = await file({ kind: 'change_goal', goal_id: goals[0].id, title: 'Et' });
    await file({ kind: 'change_goal', goal_id: goals[1].id, title: 'To' });
    assert.equal((await citizenView(first.id)).status, 'pending');
  });

  auditChainTest();
  no5xxTest();
});
