// Access across the walls, through nginx: a citizen acting on another
// citizen's dreams, proposals and goals by id; the boundary between the two
// members of a household; a caseworker or contact person outside their
// caseload on every admin route with an {id} (404, a "denied" audit row,
// nothing changed); a contact person on every caseworker-only route (403);
// ids that are no ids; and the CSRF token on the route that takes no body.
// Holds the locks of every demo citizen and of the staff assignments.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, SKIP,
  assertCitizenUnchanged, auditChainTest, auditRowsOfAll, citizenId, citizenSnapshot, dbPlanState, expectError, expectJson,
  healthyTest, holdCitizens, login, loginStaff, marker, no5xxTest, sql, sqlInt, withdrawTestProposals, HAVE_DB,
} from './lib.mjs';

const NONE = 999999999;

describe('access across citizens, households and caseloads', { skip: SKIP }, () => {
  let release;
  let anna; // the victim
  let mohammed; // another citizen
  let lars; // a household member of another plan
  let sofie; // lars's household member
  let mette; // anna's caseworker
  let peter; // the other caseworker
  let jonas; // anna's contact person
  let birgitte; // mohammed's contact person
  let aid;
  let victim; // anna's objects: { dream, proposal, goal, meeting }
  let larsProposal;
  before(async () => {
    release = await holdCitizens('anna', 'mohammed', 'lars', 'sofie', 'staff-assignments');
    [anna, mohammed, lars, sofie] = await Promise.all(['anna', 'mohammed', 'lars', 'sofie'].map((s) => login(s)));
    [mette, peter, jonas, birgitte] = await Promise.all(['mette', 'peter', 'jonas', 'birgitte'].map((s) => loginStaff(s)));
    aid = await citizenId('anna');
    const dream = await anna.addDream(marker('victim-dream'));
    const proposal = expectJson(await anna.post('/api/v1/proposals', { kind: 'add_goal', title: 'Offer', reason: marker('victim') }), 201);
    const goal = (await anna.plan()).plan.goals[0];
    const meeting = expectJson(await mette.post(`${ADMIN}/citizens/${aid}/meetings`, {
      kind: 'follow_up', starts_at: '2027-03-01T09:00:00Z', place: 'Jobcentret', agenda: marker('victim-meeting'), participants: [],
    }), 201);
    victim = { dream: dream.id, proposal: proposal.id, goal: goal.id, meeting: meeting.id };
    larsProposal = expectJson(await lars.post('/api/v1/proposals', { kind: 'add_goal', title: 'Lars', reason: marker('lars') }), 201).id;
  });
  after(async () => {
    try {
      if (anna) {
        await withdrawTestProposals(anna);
        await anna.del(`/api/v1/plan/dreams/${victim?.dream}`);
      }
      if (lars) await withdrawTestProposals(lars);
      if (victim?.meeting) await mette.post(`${ADMIN}/meetings/${victim.meeting}/held`);
    } finally {
      if (release) release();
    }
  });

  // ------------------------------------------------ citizen to citizen

  /** Everything of anna's and the attacker's plans the database holds. */
  async function bothPlans(attacker) {
    const [a, b] = await Promise.all([anna.plan(), attacker.plan()]);
    return { anna: a.plan, annaDb: dbPlanState(a.plan.id), other: b.plan, otherDb: dbPlanState(b.plan.id) };
  }

  const citizenAttacks = [
    ['updating her dream', (v) => ['PUT', `/api/v1/plan/dreams/${v.dream}`, { json: { text: marker('x') } }], (n) => ['PUT', `/api/v1/plan/dreams/${n}`, { json: { text: 'x' } }]],
    // If-Match is checked against the caller's own plan: with his own
    // current ETag only the dream's owner can tell.
    ['updating her dream with his own current ETag', (v, etag) => ['PUT', `/api/v1/plan/dreams/${v.dream}`, { json: { text: marker('x') }, headers: { 'If-Match': etag } }],
      (n, etag) => ['PUT', `/api/v1/plan/dreams/${n}`, { json: { text: 'x' }, headers: { 'If-Match': etag } }]],
    ['deleting her dream with his own current ETag', (v, etag) => ['DELETE', `/api/v1/plan/dreams/${v.dream}`, { headers: { 'If-Match': etag } }],
      (n, etag) => ['DELETE', `/api/v1/plan/dreams/${n}`, { headers: { 'If-Match': etag } }]],
    ['deleting her dream', (v) => ['DELETE', `/api/v1/plan/dreams/${v.dream}`, {}], (n) => ['DELETE', `/api/v1/plan/dreams/${n}`, {}]],
    ['withdrawing her proposal', (v) => ['POST', `/api/v1/proposals/${v.proposal}/withdrawal`, {}], (n) => ['POST', `/api/v1/proposals/${n}/withdrawal`, {}]],
    ['proposing to change her goal', (v) => ['POST', '/api/v1/proposals', { json: { kind: 'change_goal', goal_id: v.goal, title: 'Mine', reason: marker('x') } }],
      (n) => ['POST', '/api/v1/proposals', { json: { kind: 'change_goal', goal_id: n, title: 'Mine', reason: 'x' } }]],
    ['proposing to retire her goal', (v) => ['POST', '/api/v1/proposals', { json: { kind: 'retire_goal', goal_id: v.goal, reason: marker('x') } }],
      (n) => ['POST', '/api/v1/proposals', { json: { kind: 'retire_goal', goal_id: n, reason: 'x' } }]],
  ];
  for (const sub of ['mohammed', 'lars']) {
    for (const [what, make, makeNone] of citizenAttacks) {
      it(`${sub} ${what} is the same 404 as for an id that does not exist, and neither plan changes`, async () => {
        const s = sub === 'mohammed' ? mohammed : lars;
        const before_ = await bothPlans(s);
        const etag = (await s.plan()).etag;
        const [m, p, o] = make(victim, etag);
        const res = await s.request(m, p, o);
        const err = expectError(res, 404, 'not_found');
        const [m2, p2, o2] = makeNone(NONE, etag);
        const none = expectError(await s.request(m2, p2, o2), 404, 'not_found');
        assert.deepEqual(err, none, 'the 404 tells another citizen\'s object from a missing one');
        assert.deepEqual(await bothPlans(s), before_, `${sub} ${what} changed a plan`);
      });
    }
  }

  it('her dream and proposal are as she left them, in the database too', { skip: !HAVE_DB && 'no database' }, async () => {
    const [[text, deleted]] = sql(`SELECT text, COALESCE(deleted_at, '-') FROM dreams WHERE id = ${sqlInt(victim.dream)}`);
    assert.match(text, /^kt-victim-dream-/);
    assert.equal(deleted, '-');
    assert.equal(sql(`SELECT status FROM proposals WHERE id = ${sqlInt(victim.proposal)}`)[0][0], 'pending');
  });

  // ------------------------------------------------------- household

  it('sofie withdrawing lars\'s proposal in their shared plan is 404 and it stays pending', async () => {
    const before_ = await bothPlans(sofie);
    expectError(await sofie.post(`/api/v1/proposals/${larsProposal}/withdrawal`), 404, 'not_found');
    assert.deepEqual(await bothPlans(sofie), before_);
    const mine = expectJson(await lars.get('/api/v1/proposals'), 200).proposals.find((x) => x.id === larsProposal);
    assert.equal(mine?.status, 'pending');
  });

  it('a household member\'s If-Match does not open anna\'s dream to lars', async () => {
    const etag = (await lars.plan()).etag;
    expectError(await lars.put(`/api/v1/plan/dreams/${victim.dream}`, { text: marker('x') }, { headers: { 'If-Match': etag } }), 404, 'not_found');
  });

  // ------------------------------------------ staff outside the caseload

  // Every admin route with an {id}, on anna's objects. wantsCw: the route
  // is the coordinating caseworker's only.
  const adminRoutes = (v, cid = aid) => [
    ['GET plan', 'GET', `${ADMIN}/citizens/${cid}/plan`],
    ['GET audit', 'GET', `${ADMIN}/citizens/${cid}/audit`],
    ['GET child-related', 'GET', `${ADMIN}/citizens/${cid}/child-related`],
    ['GET meetings', 'GET', `${ADMIN}/citizens/${cid}/meetings`],
    ['POST goal', 'POST', `${ADMIN}/citizens/${cid}/goals`, { title: marker('g'), area: 'job', legal_basis: 'LAB §30 a' }, true],
    ['PATCH goal', 'PATCH', `${ADMIN}/citizens/${cid}/goals/${v.goal}`, { title: marker('g') }, true],
    ['PUT contact', 'PUT', `${ADMIN}/citizens/${cid}/contact`, { staff_id: birgitte?.staff.id ?? 1 }, true],
    ['POST consent', 'POST', `${ADMIN}/citizens/${cid}/consent`, { action: 'withdrawn' }, true],
    ['POST meeting', 'POST', `${ADMIN}/citizens/${cid}/meetings`, { kind: 'network', starts_at: '2027-04-01T09:00:00Z', place: marker('p'), participants: [] }],
    ['POST meeting held', 'POST', `${ADMIN}/meetings/${v.meeting}/held`],
    ['POST course-end', 'POST', `${ADMIN}/citizens/${cid}/course-end`, { outcome: 'job' }, true],
    ['POST cpr', 'POST', `${ADMIN}/citizens/${cid}/cpr`, undefined, true],
    ['POST comment', 'POST', `${ADMIN}/proposals/${v.proposal}/comments`, { text: marker('c') }],
    ['POST decision', 'POST', `${ADMIN}/proposals/${v.proposal}/decision`, { decision: 'approve', area: 'job', legal_basis: 'LAB §30 a' }, true],
  ];
  /**
   * Sends each route as s; returns the answers. The citizen's state is
   * compared once around the lot, and the audit rows fetched in one query.
   */
  async function sweep(s, routes) {
    const before_ = await citizenSnapshot(anna);
    const answers = [];
    for (const [name, method, p, body] of routes) answers.push([name, await s.request(method, p, body ? { json: body } : {})]);
    await assertCitizenUnchanged(anna, before_, null, `${s.sub}'s requests`);
    const rows = auditRowsOfAll(answers.map(([, res]) => res));
    return answers.map(([name, res], i) => ({ name, res, rows: rows && rows[i] }));
  }

  for (const who of ['peter', 'birgitte']) {
    it(`${who} (outside anna's caseload) on every admin {id} route: 404 with one "denied" row (403 for a contact person where only a caseworker may), nothing changed`, async () => {
      const s = who === 'peter' ? peter : birgitte;
      const routes = adminRoutes(victim);
      for (const { name, res, rows } of await sweep(s, routes)) {
        const cwOnly = routes.find((r) => r[0] === name)[4];
        if (cwOnly && who === 'birgitte') {
          // The role is checked first: 403 for any contact person, whoever
          // the citizen is, so it tells nothing about anna.
          assert.equal(res.status, 403, `${name}: ${res.status}`);
          expectError(res, 403, 'caseworker_only');
          if (rows) assert.deepEqual(rows, [], name);
          continue;
        }
        assert.equal(res.status, 404, `${name}: ${res.status} ${res.text}`);
        expectError(res, 404, 'not_found');
        if (rows) {
          assert.equal(rows.length, 1, `${name}: ${JSON.stringify(rows)}`);
          assert.deepEqual([rows[0].action, rows[0].citizen_id, rows[0].staff_id], ['denied', aid, s.staff.id], name);
        }
      }
    });
  }

  it('a denied attempt looks the same as a citizen that does not exist', async () => {
    const a = expectError(await peter.get(`${ADMIN}/citizens/${aid}/plan`), 404, 'not_found');
    const b = expectError(await peter.get(`${ADMIN}/citizens/${NONE}/plan`), 404, 'not_found');
    assert.deepEqual(a, b);
  });

  // ------------------------------------------ the contact person's limits

  it('jonas (anna\'s own contact person) on every caseworker-only route: 403 caseworker_only, nothing changed, no change audited', async () => {
    const routes = adminRoutes(victim).filter((r) => r[4]);
    assert.equal(routes.length, 7);
    for (const { name, res, rows } of await sweep(jonas, routes)) {
      assert.equal(res.status, 403, `${name}: ${res.status} ${res.text}`);
      expectError(res, 403, 'caseworker_only');
      if (rows) assert.deepEqual(rows, [], name);
    }
  });

  it('jonas may read anna\'s plan and comment on her proposal (control)', async () => {
    expectJson(await jonas.get(`${ADMIN}/citizens/${aid}/plan`), 200);
    expectJson(await jonas.post(`${ADMIN}/proposals/${victim.proposal}/comments`, { text: marker('jonas') }), 201);
  });

  // ------------------------------------------------- ids that are no ids

  const BAD_IDS = ['0', '-1', '01', '1e3', '0x10', '1.0', '99999999999999999999', '1%20', '1;1', '%2D1', '1%2F2'];
  it(`every admin {id} route with the ids ${BAD_IDS.join(' ')} is 404 JSON and leaves no audit row`, async () => {
    const routes = BAD_IDS.flatMap((bad) => adminRoutes({ goal: bad, meeting: bad, proposal: bad }, bad).map(([n, ...r]) => [`${n} ${bad}`, ...r]));
    for (const { name, res, rows } of await sweep(mette, routes)) {
      assert.equal(res.status, 404, `${name}: ${res.status} ${res.text}`);
      expectError(res, 404, 'not_found');
      if (rows) assert.deepEqual(rows, [], name);
    }
  });

  // ------------------------------------------------------------ CSRF

  it('marking a meeting held without X-CSRF-Token is 403 csrf_missing and it stays not held', async () => {
    const before_ = await citizenSnapshot(anna);
    const res = await mette.post(`${ADMIN}/meetings/${victim.meeting}/held`, undefined, { csrf: null });
    expectError(res, 403, 'csrf_missing');
    await assertCitizenUnchanged(anna, before_, res);
  });

  it('marking a meeting held with anna\'s citizen CSRF token is 403', async () => {
    const res = await mette.post(`${ADMIN}/meetings/${victim.meeting}/held`, undefined, { csrf: anna.csrf });
    expectError(res, 403, 'csrf_invalid');
  });

  healthyTest('the access attempts');
  auditChainTest();
  no5xxTest();
});
