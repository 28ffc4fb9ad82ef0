// Consent first (LAB §30 b): the citizen's consent API, the gate on the
// citizen's data before consent, the frozen plan after a withdrawal (for
// the citizen, the staff and a household's other member), and the staff's
// view and paper record. Works on nanna (seeded without consent, mette's
// caseload, jonas her contact), ole (seeded with consent withdrawn) and the
// Hansen household (sofie withdraws for a moment), holding their locks.
// nanna ends with consent given; a rerun puts her back to none first (the
// database is needed for that: the API never deletes a fact).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  assertUnchanged, citizenId, dreamCleaner, expectError, expectJson, holdCitizens, login, loginStaff,
  marker, no5xxTest, planSnapshot, sql, sqlInt, withdrawTestProposals,
} from './lib.mjs';

const CONSENT = '/api/v1/consent';

// Every path with the citizen's data: [method, path (a function of the
// ids made below), body]. Reads first.
const READS = [
  ['GET', () => '/api/v1/plan'],
  ['GET', () => '/api/v1/plan/history'],
  ['GET', () => '/api/v1/contact'],
  ['GET', () => '/api/v1/proposals'],
  ['GET', () => '/api/v1/meetings'],
];
const CHANGES = [
  ['POST', () => '/api/v1/plan/dreams', () => ({ text: marker('dream') })],
  ['PUT', (x) => `/api/v1/plan/dreams/${x.dream}`, () => ({ text: marker('dream') })],
  ['DELETE', (x) => `/api/v1/plan/dreams/${x.dream}`],
  ['POST', () => '/api/v1/plan/acceptance', (x) => ({ version: x.version })],
  ['POST', () => '/api/v1/proposals', () => ({ kind: 'add_goal', title: 'Nyt mål', reason: marker('reason') })],
  ['POST', (x) => `/api/v1/proposals/${x.proposal}/withdrawal`],
];

function send(session, method, path, body) {
  return session.request(method, path, body === undefined ? {} : { json: body });
}

describe('consent first', { skip: SKIP }, () => {
  let release;
  let nanna;
  let nid;
  let mette;
  let jonas;
  let peter;
  const facts = () => (HAVE_DB ? Number(sql(`SELECT COUNT(*) FROM consents WHERE citizen_id = ${sqlInt(nid)}`)[0][0]) : null);

  before(async () => {
    release = await holdCitizens('nanna', 'ole', 'lars', 'sofie');
    nid = await citizenId('nanna');
    if (HAVE_DB) {
      // A rerun: back to a citizen who has never consented.
      const id = sqlInt(nid);
      sql(`DELETE FROM consents WHERE citizen_id = ${id};
           UPDATE citizens SET consent = 'none', consent_at = NULL, rev = rev + 1 WHERE id = ${id};
           UPDATE plans p JOIN citizens c ON c.plan_id = p.id SET p.frozen = 0 WHERE c.id = ${id}`);
    }
    nanna = await login('nanna');
    mette = await loginStaff('mette');
    jonas = await loginStaff('jonas');
    peter = await loginStaff('peter');
  });
  after(async () => {
    try {
      if (nanna) {
        await nanna.post(CONSENT, { action: 'give' });
        await withdrawTestProposals(nanna);
      }
    } finally {
      if (release) release();
    }
  });

  no5xxTest();

  // ------------------------------------------------ before consent

  it('GET /api/v1/consent before consent is 200 none, with the text in Danish and English and its version', async (t) => {
    const body = expectJson(await nanna.get(CONSENT), 200);
    if (body.status !== 'none') return t.skip('nanna has consented already and there is no database to reset her');
    assert.equal(body.at, null);
    assert.equal(body.fact, null);
    assert.match(body.text, /fælles plan/);
    assert.match(body.text_en, /joint plan/);
    assert.equal(typeof body.text_version, 'string');
    assert.ok(body.text_version.length > 0);
    assert.equal(body.plan_frozen, false);
  });

  for (const [method, path, body] of [...READS, ...CHANGES]) {
    it(`${method} ${path({ dream: 1, proposal: 1 })} before consent is 403 consent_required`, async (t) => {
      if ((await nanna.get(CONSENT)).json?.status !== 'none') return t.skip('nanna has consented');
      const res = await send(nanna, method, path({ dream: 1, proposal: 1 }), body && body({ version: 1 }));
      expectError(res, 403, 'consent_required');
    });
  }

  it('before consent the access log, the consent, healthz and the session still answer', async () => {
    expectJson(await nanna.get('/api/v1/access-log'), 200);
    expectJson(await nanna.get(CONSENT), 200);
    expectJson(await nanna.get('/api/v1/healthz'), 200);
  });

  for (const [what, opts, status, code] of [
    ['an unknown action', { json: { action: 'maybe' } }, 400, 'invalid_field'],
    ['the staff word "given"', { json: { action: 'given' } }, 400, 'invalid_field'],
    ['no action', { json: {} }, 400, 'missing_field'],
    ['a numeric action', { json: { action: 1 } }, 400, 'invalid_field'],
    ['an unknown field', { json: { action: 'give', paper: true } }, 400, 'unknown_field'],
    ['a body that is an array', { json: ['give'] }, 400, null],
    ['a body that is not JSON', { body: 'action=give', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, null],
    ['no CSRF token', { json: { action: 'give' }, csrf: null }, 403, 'csrf_missing'],
  ]) {
    it(`POST /api/v1/consent with ${what} is ${status} and records nothing`, async () => {
      const was = expectJson(await nanna.get(CONSENT), 200);
      const n = facts();
      const res = await nanna.request('POST', CONSENT, opts);
      if (code) expectError(res, status, code);
      else assert.equal(res.status, status, res.text);
      assert.deepEqual(expectJson(await nanna.get(CONSENT), 200), was);
      assert.equal(facts(), n);
    });
  }

  // ------------------------------------------------ giving consent

  it('two gives at once record one fact; both answer 200 with it', async () => {
    const n = facts();
    const wasNone = (await nanna.get(CONSENT)).json.status === 'none';
    const [a, b] = await Promise.all([nanna.post(CONSENT, { action: 'give' }), nanna.post(CONSENT, { action: 'give' })]);
    const ja = expectJson(a, 200);
    const jb = expectJson(b, 200);
    assert.equal(ja.status, 'given');
    assert.equal(jb.status, 'given');
    assert.equal(ja.fact.id, jb.fact.id, 'one fact');
    assert.equal(ja.fact.action, 'given');
    assert.equal(ja.fact.paper, false);
    assert.equal(ja.fact.recorded_by, null);
    if (n !== null) assert.equal(facts(), n + (wasNone ? 1 : 0));
  });

  it('giving consent again records nothing new and answers 200 with the fact that holds', async () => {
    const first = expectJson(await nanna.get(CONSENT), 200);
    const n = facts();
    const again = expectJson(await nanna.post(CONSENT, { action: 'give' }), 200);
    assert.equal(again.fact.id, first.fact.id);
    assert.equal(again.at, first.at);
    if (n !== null) assert.equal(facts(), n);
  });

  it('after consent every read answers 200 and the plan shows consent given, not frozen', async () => {
    for (const [, path] of READS) expectJson(await nanna.get(path()), 200);
    const { plan } = await nanna.plan();
    assert.equal(plan.consent.status, 'given');
    assert.equal(plan.frozen, false);
  });

  it('the giving is in the audit chain as consent_given', { skip: !HAVE_DB && 'no database' }, () => {
    const rows = sql(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${sqlInt(nid)} AND action = 'consent_given' AND actor_kind = 'citizen'`);
    assert.ok(Number(rows[0][0]) >= 1);
  });

  // ------------------------------------------------ withdrawal freezes

  describe('a withdrawal freezes the plan', () => {
    const x = {};
    let clean;
    before(async () => {
      clean = await dreamCleaner(nanna);
      x.dream = (await nanna.addDream(marker('dream'))).id;
      x.proposal = expectJson(await nanna.post('/api/v1/proposals', { kind: 'add_goal', title: 'Et mål', reason: marker('reason') }), 201).id;
      // One goal, made by the first run and kept for the next.
      x.goal = (await nanna.plan()).plan.goals.find((g) => g.title === 'Et mål fra Mette')?.id
        ?? expectJson(await mette.post(`${ADMIN}/citizens/${nid}/goals`, { title: 'Et mål fra Mette', area: 'job', legal_basis: 'LAB §30 a' }), 201).goal.id;
      x.version = (await nanna.plan()).plan.version;
      const w = expectJson(await nanna.post(CONSENT, { action: 'withdraw' }), 200);
      assert.equal(w.status, 'withdrawn');
      assert.equal(w.plan_frozen, true);
      x.snap = await planSnapshot(nanna);
    });
    after(async () => {
      await nanna.post(CONSENT, { action: 'give' });
      if (clean) await clean();
    });

    it('the plan stays readable for the citizen and says it is frozen', async () => {
      const { plan } = await nanna.plan();
      assert.equal(plan.frozen, true);
      assert.equal(plan.consent.status, 'withdrawn');
      for (const [, path] of READS) expectJson(await nanna.get(path()), 200);
    });

    for (const [method, path, body] of CHANGES) {
      it(`${method} ${path({ dream: '{id}', proposal: '{id}' })} on a frozen plan is 409 plan_frozen and changes nothing`, async () => {
        const res = await send(nanna, method, path(x), body && body(x));
        expectError(res, 409, 'plan_frozen');
        await assertUnchanged(nanna, x.snap, `${method} ${path(x)}`);
      });
    }

    const STAFF = [
      ['a goal created', 'mette', 'POST', () => `${ADMIN}/citizens/${nid}/goals`, { title: 'Låst', area: 'job', legal_basis: 'LAB §30 a' }],
      ['a goal changed', 'mette', 'PATCH', () => `${ADMIN}/citizens/${nid}/goals/${x.goal}`, { title: 'Ændret' }],
      ['the contact person changed', 'mette', 'PUT', () => `${ADMIN}/citizens/${nid}/contact`, null],
      ['a meeting', 'mette', 'POST', () => `${ADMIN}/citizens/${nid}/meetings`, { kind: 'follow_up', starts_at: '2031-01-02T10:00:00Z', place: 'Jobcentret' }],
      ['a decision', 'mette', 'POST', () => `${ADMIN}/proposals/${x.proposal}/decision`, { decision: 'reject', reason: 'Nej' }],
      ['a comment on a proposal', 'jonas', 'POST', () => `${ADMIN}/proposals/${x.proposal}/comments`, { text: 'Kommentar' }],
    ];
    for (const [what, who, method, path, body] of STAFF) {
      it(`${what} by staff on a frozen plan is 409 plan_frozen and changes nothing`, async () => {
        const s = who === 'mette' ? mette : jonas;
        const json = body ?? { staff_id: jonas.staff.id };
        const res = await s.request(method, path(), { json });
        expectError(res, 409, 'plan_frozen');
        await assertUnchanged(nanna, x.snap, what);
      });
    }

    it('the caseload shows the withdrawal at once, and the staff plan view says frozen', async () => {
      const row = (await mette.citizens()).find((c) => c.id === nid);
      assert.equal(row.consent, 'withdrawn');
      assert.equal(row.plan_frozen, true);
      const { plan } = await mette.plan(nid);
      assert.equal(plan.plan_frozen, true);
      assert.equal(plan.consent.status, 'withdrawn');
    });

    it('withdrawing again records nothing new', async () => {
      const n = facts();
      const was = expectJson(await nanna.get(CONSENT), 200);
      const again = expectJson(await nanna.post(CONSENT, { action: 'withdraw' }), 200);
      assert.equal(again.fact.id, was.fact.id);
      if (n !== null) assert.equal(facts(), n);
    });

    it('the admin history lists the facts newest first, and pages', async () => {
      const all = expectJson(await mette.get(`${ADMIN}/citizens/${nid}/consent`), 200);
      assert.equal(all.status, 'withdrawn');
      assert.equal(all.plan_frozen, true);
      assert.equal(all.next, null);
      assert.deepEqual(all.history.slice(0, 2).map((f) => f.action), ['withdrawn', 'given']);
      const ids = all.history.map((f) => f.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
      const p1 = expectJson(await mette.get(`${ADMIN}/citizens/${nid}/consent?limit=1`), 200);
      assert.equal(p1.history.length, 1);
      assert.equal(p1.history[0].id, ids[0]);
      assert.equal(typeof p1.next, 'string');
      const p2 = expectJson(await mette.get(`${ADMIN}/citizens/${nid}/consent?limit=1&before=${encodeURIComponent(p1.next)}`), 200);
      assert.equal(p2.history[0].id, ids[1]);
      expectError(await mette.get(`${ADMIN}/citizens/${nid}/consent?limit=0`), 400, 'bad_limit');
    });

    it('the contact person reads the history, but may not record consent (403)', async () => {
      expectJson(await jonas.get(`${ADMIN}/citizens/${nid}/consent`), 200);
      const n = facts();
      expectError(await jonas.post(`${ADMIN}/citizens/${nid}/consent`, { action: 'given', paper: true }), 403, 'caseworker_only');
      if (n !== null) assert.equal(facts(), n);
    });

    it('a caseworker of another caseload gets 404 on the history and the record', async () => {
      const n = facts();
      expectError(await peter.get(`${ADMIN}/citizens/${nid}/consent`), 404, 'not_found');
      expectError(await peter.post(`${ADMIN}/citizens/${nid}/consent`, { action: 'given', paper: true }), 404, 'not_found');
      if (n !== null) assert.equal(facts(), n);
    });

    it('staff recording a consent given without paper is 400 paper_required and the plan stays frozen', async () => {
      const n = facts();
      expectError(await mette.post(`${ADMIN}/citizens/${nid}/consent`, { action: 'given' }), 400, 'paper_required');
      if (n !== null) assert.equal(facts(), n);
      assert.equal((await nanna.plan()).plan.frozen, true);
    });

    it('a paper consent recorded by the caseworker unfreezes the plan and shows as paper, by her, in the history', async () => {
      const rec = expectJson(await mette.post(`${ADMIN}/citizens/${nid}/consent`, { action: 'given', paper: true }), 201);
      assert.equal(rec.status, 'given');
      const h = expectJson(await mette.get(`${ADMIN}/citizens/${nid}/consent`), 200);
      assert.equal(h.status, 'given');
      assert.equal(h.plan_frozen, false);
      assert.equal(h.history[0].action, 'given');
      assert.equal(h.history[0].paper, true);
      assert.equal(h.history[0].recorded_by?.id, mette.staff.id);
      assert.equal(h.history[1].paper, false);
      assert.equal(h.history[1].recorded_by, null);
      // The staff plan read names the newest fact too: paper, and by whom.
      const staffPlan = expectJson(await mette.get(`${ADMIN}/citizens/${nid}/plan`), 200);
      assert.equal(staffPlan.consent.status, 'given');
      assert.equal(staffPlan.consent.fact?.id, h.history[0].id);
      assert.equal(staffPlan.consent.fact.paper, true);
      assert.equal(staffPlan.consent.fact.recorded_by?.name, h.history[0].recorded_by.name);
      const c = expectJson(await nanna.get(CONSENT), 200);
      assert.equal(c.status, 'given');
      assert.equal(c.fact.paper, true);
      // The citizen's own give now records nothing new.
      const again = expectJson(await nanna.post(CONSENT, { action: 'give' }), 200);
      assert.equal(again.fact.id, c.fact.id);
    });

    it('with consent given again the changes work', async () => {
      const d = await nanna.addDream(marker('after'));
      assert.ok(Number.isInteger(d.id));
      expectJson(await nanna.post(`/api/v1/proposals/${x.proposal}/withdrawal`), 200);
    });
  });

  // ------------------------------------------------ seeded and households

  it('ole, seeded with consent withdrawn, reads his plan with content and cannot change it', async () => {
    const ole = await login('ole');
    const c = expectJson(await ole.get(CONSENT), 200);
    assert.equal(c.status, 'withdrawn');
    assert.equal(c.plan_frozen, true);
    const snap = await planSnapshot(ole);
    assert.ok(snap.plan.dreams.length > 0 && snap.plan.goals.length > 0);
    assert.equal(snap.plan.frozen, true);
    expectError(await ole.post('/api/v1/plan/dreams', { text: marker('ole') }), 409, 'plan_frozen');
    await assertUnchanged(ole, snap);
  });

  it("one member's withdrawal freezes the household's shared plan for the other, until consent is given again", async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    try {
      expectJson(await sofie.post(CONSENT, { action: 'withdraw' }), 200);
      const { plan } = await lars.plan();
      assert.equal(plan.frozen, true, 'lars sees the shared plan frozen');
      assert.equal(plan.consent.status, 'given', "lars's own consent holds");
      const snap = await planSnapshot(lars);
      expectError(await lars.post('/api/v1/plan/dreams', { text: marker('lars') }), 409, 'plan_frozen');
      await assertUnchanged(lars, snap);
      const l = expectJson(await lars.get(CONSENT), 200);
      assert.equal(l.status, 'given');
      assert.equal(l.plan_frozen, true);
    } finally {
      expectJson(await sofie.post(CONSENT, { action: 'give' }), 200);
    }
    assert.equal((await lars.plan()).plan.frozen, false);
  });
});
