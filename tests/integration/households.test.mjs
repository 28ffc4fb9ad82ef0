// Households formed by staff (POST /admin/api/v1/households): two citizens
// this file enrols become one household on one new plan with both their
// dreams and goals; their old plans are left empty, one version on. A
// member of another caseload is 404 and a citizen already in a household
// 409, with nothing changed. Children (no login, no CPR number) are added
// with a name and a birth date; a goal names a child of the plan's
// household, and the goals naming one child are exported on their own. A
// member moves out to a plan of their own with their own dreams. Each
// member's consent, meetings and proposals stay their own.
//
// Holds the staff-assignments lock (other files count the demo caseloads)
// and removes the citizens, households and children it made at the end.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  auditRowsOf, citizenId, expectError, expectJson, flatGoals, freshCpr, holdCitizens, loginStaff, marker,
  no5xxTest, postSession, request, sessionCookieOf, sql, sqlInt,
} from './lib.mjs';

const HOUSEHOLDS = `${ADMIN}/households`;
const CITIZENS = `${ADMIN}/citizens`;
const PREFIX = `Husstand Test ${crypto.randomBytes(3).toString('hex')}`;
let serial = 0;
const uniqueName = (what) => `${PREFIX} ${what} ${++serial}`;

/** A logged-in citizen session for the citizen with this CPR number. */
async function loginByCpr(cpr, name) {
  const tok = await request('POST', '/dev-idp/token', {
    body: new URLSearchParams({ cpr, name, aud: 'kaptajn-citizen' }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(tok.status, 200, tok.text);
  const res = await postSession(tok.text.trim());
  const body = expectJson(res, 201);
  const cookie = `kaptajn_session=${sessionCookieOf(res)}`;
  const s = {
    id: body.citizen.id,
    get: (p) => request('GET', p, { cookie }),
    post: (p, json) => request('POST', p, { cookie, csrf: body.csrf_token, json }),
    del: (p) => request('DELETE', p, { cookie, csrf: body.csrf_token }),
    plan: async () => expectJson(await request('GET', '/api/v1/plan', { cookie }), 200),
  };
  return s;
}

/** Enrols a citizen as staff, logs them in and gives consent. */
async function enrolled(staff, what) {
  const cpr = freshCpr();
  const name = uniqueName(what);
  const body = expectJson(await staff.post(CITIZENS, { cpr, name }), 201);
  const s = await loginByCpr(cpr, name);
  assert.equal(s.id, body.id);
  expectJson(await s.post('/api/v1/consent', { action: 'give' }), 200);
  return s;
}

/** A start time a week ahead, as the meetings take it. */
const nextWeek = () => `${new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 16)}:00Z`;

/** What a refused household request must leave alone, from the database. */
function dbState(...citizens) {
  if (!HAVE_DB) return null;
  const ids = citizens.map(sqlInt).join(',');
  return {
    households: sql('SELECT COUNT(*), COALESCE(MAX(id), 0) FROM households'),
    children: sql('SELECT COUNT(*), COALESCE(MAX(id), 0) FROM children'),
    plans: sql('SELECT COUNT(*), COALESCE(MAX(id), 0) FROM plans'),
    citizens: sql(`SELECT id, plan_id, household_id, rev, accepted_version FROM citizens WHERE id IN (${ids}) ORDER BY id`),
    versions: sql(`SELECT p.id, p.version FROM plans p JOIN citizens c ON c.plan_id = p.id WHERE c.id IN (${ids}) ORDER BY p.id`),
    dreams: sql(`SELECT id, plan_id, deleted_at FROM dreams WHERE citizen_id IN (${ids}) ORDER BY id`),
    goals: sql(`SELECT g.id, g.plan_id, g.child_id FROM goals g JOIN citizens c ON c.plan_id = g.plan_id WHERE c.id IN (${ids}) ORDER BY g.id`),
  };
}

describe('households formed by staff, children, moving out', { skip: SKIP }, () => {
  let release;
  let mette;
  let peter;
  let jonas;
  let a; // enrolled by mette
  let b; // enrolled by mette
  let c; // enrolled by peter: another caseload
  let d; // enrolled by mette, stays alone
  let household; // the formed household's answer
  let child; // the child added
  let childGoal; // a goal naming the child
  const goalTitles = {};

  before(async () => {
    release = await holdCitizens('staff-assignments');
    [mette, peter, jonas] = [await loginStaff('mette'), await loginStaff('peter'), await loginStaff('jonas')];
    a = await enrolled(mette, 'A');
    b = await enrolled(mette, 'B');
    c = await enrolled(peter, 'C');
    d = await enrolled(mette, 'D');
    expectJson(await a.post('/api/v1/plan/dreams', { text: `Drøm A ${marker()}` }), 201);
    expectJson(await b.post('/api/v1/plan/dreams', { text: `Drøm B ${marker()}` }), 201);
    for (const [who, s] of [['a', a], ['b', b]]) {
      goalTitles[who] = `Mål ${who} ${marker()}`;
      expectJson(await mette.post(`${CITIZENS}/${s.id}/goals`, {
        title: goalTitles[who], description: '', area: 'job', legal_basis: 'LAB §30 a',
      }), 201);
    }
  });

  after(() => {
    try {
      if (HAVE_DB) {
        const rows = sql(`SELECT id, plan_id, household_id FROM citizens WHERE name LIKE '${PREFIX}%'`);
        const ids = rows.map((r) => sqlInt(r[0]));
        if (ids.length) {
          const list = ids.join(',');
          const plans = `SELECT plan_id FROM citizens WHERE id IN (${list})
                         UNION SELECT plan_id FROM dreams WHERE citizen_id IN (${list})
                         UNION SELECT plan_id FROM plan_acceptances WHERE citizen_id IN (${list})`;
          const planIds = sql(plans).map((r) => sqlInt(r[0]));
          const old = sql(`SELECT DISTINCT plan_id FROM plan_history WHERE actor_staff_id IS NOT NULL
                            AND summary LIKE '%${PREFIX}%'`).map((r) => sqlInt(r[0]));
          const allPlans = [...new Set([...planIds, ...old])].join(',') || '0';
          const households = sql(`SELECT id FROM households WHERE name LIKE '${PREFIX}%'`).map((r) => sqlInt(r[0])).join(',') || '0';
          sql(`DELETE FROM sessions WHERE citizen_id IN (${list});
               DELETE FROM proposal_comments WHERE proposal_id IN (SELECT id FROM proposals WHERE citizen_id IN (${list}));
               DELETE FROM proposals WHERE citizen_id IN (${list});
               DELETE FROM meeting_points WHERE citizen_id IN (${list});
               DELETE FROM meeting_responses WHERE citizen_id IN (${list});
               DELETE FROM meetings WHERE citizen_id IN (${list});
               DELETE FROM messages WHERE citizen_id IN (${list});
               DELETE FROM consents WHERE citizen_id IN (${list});
               DELETE FROM plan_acceptances WHERE citizen_id IN (${list});
               DELETE FROM plan_answers WHERE citizen_id IN (${list});
               DELETE FROM outbox WHERE citizen_id IN (${list});
               DELETE FROM notification_settings WHERE citizen_id IN (${list});
               DELETE FROM goal_progress WHERE citizen_id IN (${list});
               DELETE FROM dreams WHERE plan_id IN (${allPlans});
               DELETE FROM goals WHERE plan_id IN (${allPlans}) ORDER BY parent_id IS NULL, id DESC;
               DELETE FROM citizens WHERE id IN (${list});
               DELETE FROM children WHERE household_id IN (${households});
               DELETE FROM plan_history WHERE plan_id IN (${allPlans});
               DELETE FROM plan_changes WHERE plan_id IN (${allPlans});
               DELETE FROM plan_docs WHERE plan_id IN (${allPlans});
               DELETE FROM plans WHERE id IN (${allPlans});
               DELETE FROM households WHERE id IN (${households})`);
        }
      }
    } finally {
      if (release) release();
    }
  });

  // ------------------------------------------------- forming, refused

  it('a member of another caseload is 404, as an unknown id is, and nothing changes', async () => {
    const before_ = dbState(a.id, c.id);
    const plans = [await a.plan(), await c.plan()];
    for (const members of [[a.id, c.id], [a.id, 999999999]]) {
      const res = await mette.post(HOUSEHOLDS, { name: uniqueName('Fremmed'), members });
      expectError(res, 404, 'not_found');
      assert.ok(!res.text.includes(String(c.id)), 'the refusal names the other caseload\'s citizen');
    }
    assert.deepEqual(dbState(a.id, c.id), before_);
    assert.deepEqual([await a.plan(), await c.plan()], plans);
  });

  it('a demo household member of another caseload (lars, peter\'s) is 404 for mette', async () => {
    const before_ = dbState(a.id);
    expectError(await mette.post(HOUSEHOLDS, { name: uniqueName('Lars'), members: [a.id, await citizenId('lars')] }), 404, 'not_found');
    assert.deepEqual(dbState(a.id), before_);
  });

  it('bad bodies are 400 and change nothing: no members, a repeat, not ids, too many, a bad name', async () => {
    const before_ = dbState(a.id, b.id);
    const cases = [
      [{ name: uniqueName('Tom'), members: [] }, 'invalid_field'],
      [{ name: uniqueName('To gange'), members: [a.id, a.id] }, 'invalid_field'],
      [{ name: uniqueName('Tekst'), members: [String(a.id)] }, 'invalid_field'],
      [{ name: uniqueName('Nul'), members: [0] }, 'invalid_field'],
      [{ name: uniqueName('Minus'), members: [-a.id] }, 'invalid_field'],
      [{ name: uniqueName('Mange'), members: [1, 2, 3, 4, 5, 6, 7] }, 'invalid_field'],
      [{ name: '', members: [a.id, b.id] }, 'invalid_field'],
      [{ name: '   ', members: [a.id, b.id] }, 'invalid_field'],
      [{ name: 'x'.repeat(201), members: [a.id, b.id] }, 'invalid_field'],
      [{ name: 'Klokke\u0007', members: [a.id, b.id] }, 'invalid_field'],
      [{ members: [a.id, b.id] }, 'missing_field'],
      [{ name: uniqueName('Intet') }, 'missing_field'],
    ];
    for (const [body, code] of cases) expectError(await mette.post(HOUSEHOLDS, body), 400, code);
    assert.deepEqual(dbState(a.id, b.id), before_);
  });

  it('a contact person may not form a household (403), and nothing changes', async () => {
    const before_ = dbState(a.id, b.id);
    expectError(await jonas.post(HOUSEHOLDS, { name: uniqueName('Kontakt'), members: [a.id, b.id] }), 403, 'caseworker_only');
    assert.deepEqual(dbState(a.id, b.id), before_);
  });

  // ------------------------------------------------- forming

  it('mette forms a household of a and b: one new plan with both members\' dreams and goals', async () => {
    const [pa, pb] = [await a.plan(), await b.plan()];
    const name = uniqueName('Familien');
    const res = await mette.post(HOUSEHOLDS, { name, members: [b.id, a.id] });
    household = expectJson(res, 201);
    assert.equal(household.name, name);
    assert.deepEqual(household.adults.map((x) => x.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(household.children, []);
    assert.equal(household.plan_version, 1);
    if (HAVE_DB) {
      const rows = auditRowsOf(res);
      assert.deepEqual(rows.filter((r) => r.action === 'household_formed').map((r) => r.citizen_id).sort(), [a.id, b.id].sort());
    }

    const [na, nb] = [await a.plan(), await b.plan()];
    assert.equal(na.id, household.plan_id);
    assert.equal(nb.id, household.plan_id);
    assert.notEqual(na.id, pa.id);
    assert.deepEqual(na.dreams, nb.dreams);
    assert.deepEqual(na.dreams.map((x) => x.id).sort(), [...pa.dreams, ...pb.dreams].map((x) => x.id).sort());
    assert.deepEqual(flatGoals(na.goals).map((g) => g.title).sort(), [goalTitles.a, goalTitles.b].sort());
    assert.equal(na.accepted_version, null, 'a yes to the old plan does not carry over');
    const history = expectJson(await a.get('/api/v1/plan/history'), 200);
    assert.equal(history.versions[0].version, 1);
    assert.match(history.versions[0].summary, /Husstandens fælles plan/);

    if (HAVE_DB) {
      // The old plans: empty, one version on, with a history row saying where it went.
      for (const old of [pa, pb]) {
        const [[version, dreams, goals]] = sql(`SELECT version, (SELECT COUNT(*) FROM dreams WHERE plan_id = ${sqlInt(old.id)}),
          (SELECT COUNT(*) FROM goals WHERE plan_id = ${sqlInt(old.id)}) FROM plans WHERE id = ${sqlInt(old.id)}`);
        assert.deepEqual([Number(version), dreams, goals], [old.version + 1, '0', '0']);
        const [[summary]] = sql(`SELECT summary FROM plan_history WHERE plan_id = ${sqlInt(old.id)} ORDER BY version DESC LIMIT 1`);
        assert.match(summary, /flyttet til husstandens fælles plan/);
      }
    }
  });

  it('the staff read shows the household, and its caseload row the household id', async () => {
    const got = expectJson(await mette.get(`${HOUSEHOLDS}/${household.id}`), 200);
    assert.deepEqual(got, household);
    const row = (await mette.citizens()).find((x) => x.id === a.id);
    assert.equal(row.household_id, household.id);
    const { plan } = await mette.plan(a.id);
    assert.deepEqual(plan.household.map((x) => x.id), [b.id]);
  });

  it('another caseload\'s caseworker reading the household is 404', async () => {
    expectError(await peter.get(`${HOUSEHOLDS}/${household.id}`), 404, 'not_found');
    expectError(await mette.get(`${HOUSEHOLDS}/999999999`), 404, 'not_found');
  });

  it('a citizen already in a household is 409 already_in_household, and nothing changes', async () => {
    const before_ = dbState(a.id, d.id);
    const plan = await d.plan();
    expectError(await mette.post(HOUSEHOLDS, { name: uniqueName('Igen'), members: [d.id, a.id] }), 409, 'already_in_household');
    expectError(await mette.post(HOUSEHOLDS, { name: uniqueName('Igen'), members: [a.id] }), 409, 'already_in_household');
    assert.deepEqual(dbState(a.id, d.id), before_);
    assert.deepEqual(await d.plan(), plan);
  });

  // ------------------------------------------------- children

  it('bad child names and birth dates are 400 and add no child', async () => {
    const url = `${HOUSEHOLDS}/${household.id}/children`;
    const ok = '2018-03-01';
    const today = new Date();
    const iso = (dt) => dt.toISOString().slice(0, 10);
    const tomorrow = iso(new Date(today.getTime() + 86400000));
    const eighteen = `${today.getUTCFullYear() - 18}${iso(today).slice(4)}`;
    const before_ = dbState(a.id, b.id);
    const cases = [
      [{ name: '', birth_date: ok }, 'invalid_field'],
      [{ name: '  ', birth_date: ok }, 'invalid_field'],
      [{ name: 'Mia\u0000', birth_date: ok }, 'invalid_json'],
      [{ name: 'Mia\u0007', birth_date: ok }, 'invalid_field'],
      [{ name: 'y'.repeat(201), birth_date: ok }, 'invalid_field'],
      [{ birth_date: ok }, 'missing_field'],
      [{ name: 'Mia' }, 'missing_field'],
      [{ name: 'Mia', birth_date: 20180301 }, 'invalid_field'],
      [{ name: 'Mia', birth_date: '2018-02-30' }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: '2018-13-01' }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: '01-03-2018' }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: '2018-3-1' }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: 'i går' }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: tomorrow }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: eighteen }, 'invalid_birth_date'],
      [{ name: 'Mia', birth_date: '1980-01-01' }, 'invalid_birth_date'],
    ];
    for (const [body, code] of cases) {
      const res = await mette.post(url, body);
      expectError(res, 400, code);
    }
    assert.deepEqual(dbState(a.id, b.id), before_);
  });

  it('another caseload\'s caseworker adding a child is 404, a contact person 403; no child is added', async () => {
    const before_ = dbState(a.id, b.id);
    expectError(await peter.post(`${HOUSEHOLDS}/${household.id}/children`, { name: 'Mia', birth_date: '2018-03-01' }), 404, 'not_found');
    expectError(await jonas.post(`${HOUSEHOLDS}/${household.id}/children`, { name: 'Mia', birth_date: '2018-03-01' }), 403, 'caseworker_only');
    expectError(await mette.post(`${HOUSEHOLDS}/999999999/children`, { name: 'Mia', birth_date: '2018-03-01' }), 404, 'not_found');
    assert.deepEqual(dbState(a.id, b.id), before_);
  });

  it('mette adds a child: listed with the birth date; the plans do not change', async () => {
    const plan = await a.plan();
    const name = `Mia Ærø ${marker()}`;
    const res = await mette.post(`${HOUSEHOLDS}/${household.id}/children`, { name, birth_date: '2018-03-01' });
    const after_ = expectJson(res, 201);
    assert.equal(after_.children.length, 1);
    child = after_.children[0];
    assert.deepEqual({ name: child.name, birth_date: child.birth_date }, { name, birth_date: '2018-03-01' });
    assert.deepEqual(await a.plan(), plan);
    if (HAVE_DB) {
      const rows = auditRowsOf(res).filter((r) => r.action === 'child_added');
      assert.deepEqual(rows.map((r) => r.citizen_id).sort(), [a.id, b.id].sort(), 'audited for every adult');
    }
  });

  // ------------------------------------------------- goals naming a child

  it('a goal names the child: child_id on the goal, child-related, in the plan both members see', async () => {
    const res = await mette.post(`${CITIZENS}/${a.id}/goals`, {
      title: `Støtte til barnet ${marker()}`, description: '', area: 'family', legal_basis: 'SEL §85', child_id: child.id,
    });
    childGoal = expectJson(res, 201).goal;
    assert.equal(childGoal.child_id, child.id);
    assert.equal(childGoal.child_related, true);
    const seen = flatGoals((await b.plan()).goals).find((g) => g.id === childGoal.id);
    assert.equal(seen?.child_id, child.id);
    const sub = expectJson(await mette.post(`${CITIZENS}/${a.id}/goals`, {
      title: `Delmål for barnet ${marker()}`, description: '', area: 'family', legal_basis: 'SEL §85', parent_goal_id: childGoal.id,
    }), 201).goal;
    childGoal.sub = sub;
  });

  it('a child of another household, or of none, is 400 invalid_child, and the plan does not change', async () => {
    const emil = HAVE_DB ? Number(sql("SELECT id FROM children WHERE name = 'Emil Hansen' ORDER BY id LIMIT 1")[0][0]) : 999999999;
    for (const [who, childId] of [[a, emil], [a, 999999999], [d, child.id]]) {
      const plan = await who.plan();
      const before_ = dbState(who.id);
      const title = `Forkert barn ${marker()}`;
      expectError(await mette.post(`${CITIZENS}/${who.id}/goals`, {
        title, description: '', area: 'family', legal_basis: 'SEL §85', child_id: childId,
      }), 400, 'invalid_child');
      assert.deepEqual(await who.plan(), plan);
      assert.deepEqual(dbState(who.id), before_);
    }
    const plan = await a.plan();
    expectError(await mette.patch(`${CITIZENS}/${a.id}/goals/${childGoal.id}`, { child_id: emil }), 400, 'invalid_child');
    assert.deepEqual(await a.plan(), plan);
  });

  it('a change sets the goal\'s child to none with null, and back', async () => {
    const cleared = expectJson(await mette.patch(`${CITIZENS}/${a.id}/goals/${childGoal.id}`, { child_id: null }), 200).goal;
    assert.equal(cleared.child_id, null);
    assert.equal(cleared.child_related, true, 'it stays marked child-related');
    const named = expectJson(await mette.patch(`${CITIZENS}/${a.id}/goals/${childGoal.id}`, { child_id: child.id }), 200).goal;
    assert.equal(named.child_id, child.id);
  });

  it('the child-related list and the per-child export hold the goal naming the child, with its sub-goal', async () => {
    const list = expectJson(await mette.get(`${CITIZENS}/${b.id}/child-related`), 200);
    assert.ok(list.goals.some((g) => g.id === childGoal.id));
    const res = await mette.get(`${HOUSEHOLDS}/${household.id}/children/${child.id}/export`);
    const exp = expectJson(res, 200);
    assert.deepEqual(exp.household, { id: household.id, name: household.name });
    assert.deepEqual(exp.child, child);
    assert.deepEqual(exp.goals.map((g) => g.id), [childGoal.id]);
    assert.deepEqual(exp.goals[0].subgoals.map((g) => g.id), [childGoal.sub.id]);
    assert.ok(!JSON.stringify(exp).includes(goalTitles.a), 'a goal naming no child is in the export');
    if (HAVE_DB) {
      const rows = auditRowsOf(res);
      assert.deepEqual(rows.map((r) => [r.citizen_id, r.action]).sort(), [[a.id, 'read'], [b.id, 'read']].sort());
    }
  });

  it('the export of another household\'s child, or by another caseload, is 404', async () => {
    const emil = HAVE_DB ? Number(sql("SELECT id FROM children WHERE name = 'Emil Hansen' ORDER BY id LIMIT 1")[0][0]) : 999999999;
    expectError(await mette.get(`${HOUSEHOLDS}/${household.id}/children/${emil}/export`), 404, 'not_found');
    expectError(await peter.get(`${HOUSEHOLDS}/${household.id}/children/${child.id}/export`), 404, 'not_found');
  });

  it('the demo household has Emil Hansen, named by its child-related goal', async () => {
    const lars = await citizenId('lars');
    const { plan } = await peter.plan(lars);
    const row = (await peter.citizens()).find((x) => x.id === lars);
    const h = expectJson(await peter.get(`${HOUSEHOLDS}/${row.household_id}`), 200);
    const emil = h.children.find((k) => k.name === 'Emil Hansen');
    assert.equal(emil?.birth_date, '2015-05-04');
    assert.ok(flatGoals(plan.goals).some((g) => g.child_related && g.child_id === emil.id));
  });

  // ------------------------------------------------- privacy between members

  it('a member sees the shared plan, never the other\'s meetings, proposals or consent', async () => {
    const agenda = `Kun for B ${marker()}`;
    expectJson(await mette.post(`${CITIZENS}/${b.id}/meetings`, {
      kind: 'network', starts_at: nextWeek(), place: 'Jobcentret', agenda, participants: [],
    }), 201);
    const reason = `B's forslag ${marker()}`;
    const prop = expectJson(await b.post('/api/v1/proposals', { kind: 'add_goal', title: 'Nyt mål', description: '', reason }), 201);

    const bm = expectJson(await b.get('/api/v1/meetings'), 200);
    assert.ok(bm.meetings.some((m) => m.agenda === agenda), 'b sees b\'s meeting');
    const am = await a.get('/api/v1/meetings');
    assert.ok(!am.text.includes(agenda), 'a sees b\'s meeting');
    const ap = await a.get('/api/v1/proposals');
    expectJson(ap, 200);
    assert.ok(!ap.text.includes(reason), 'a sees b\'s proposal');
    assert.ok(expectJson(await b.get('/api/v1/proposals'), 200).proposals.some((p) => p.id === prop.id));
    // The staff read of a's meetings shows none of b's either.
    assert.ok(!(await mette.get(`${CITIZENS}/${a.id}/meetings`)).text.includes(agenda));

    const ac = expectJson(await a.get('/api/v1/consent'), 200);
    expectJson(await b.post('/api/v1/consent', { action: 'withdraw' }), 200);
    try {
      // a's own consent is unchanged; only the shared plan's frozen state
      // (which names no one) follows b's withdrawal.
      const ac2 = expectJson(await a.get('/api/v1/consent'), 200);
      assert.deepEqual({ ...ac2, plan_frozen: undefined }, { ...ac, plan_frozen: undefined }, 'b\'s withdrawal shows in a\'s consent');
      assert.equal(ac2.plan_frozen, true);
      assert.ok(!JSON.stringify(ac2).includes(PREFIX), 'a\'s consent names a member');
      assert.equal((await a.plan()).frozen, true, 'the shared plan is frozen for both');
    } finally {
      expectJson(await b.post('/api/v1/consent', { action: 'give' }), 200);
    }
  });

  // ------------------------------------------------- moving out

  it('moving out is refused for another caseload (404), another household (404), pending proposals (409); nothing changes', async () => {
    const before_ = dbState(a.id, b.id, d.id);
    const url = (h, who) => `${HOUSEHOLDS}/${h}/members/${who}/move-out`;
    expectError(await peter.post(url(household.id, b.id)), 404, 'not_found');
    expectError(await mette.post(url(household.id, d.id)), 404, 'not_found');
    expectError(await mette.post(url(999999999, b.id)), 404, 'not_found');
    expectError(await jonas.post(url(household.id, b.id)), 403, 'caseworker_only');
    expectError(await mette.post(url(household.id, b.id)), 409, 'pending_proposals');
    assert.deepEqual(dbState(a.id, b.id, d.id), before_);
  });

  it('b moves out: a plan of b\'s own with b\'s dreams; the goals stay with the household', async () => {
    for (const p of expectJson(await b.get('/api/v1/proposals'), 200).proposals) {
      if (p.status === 'pending') expectJson(await b.post(`/api/v1/proposals/${p.id}/withdrawal`), 200);
    }
    const shared = await a.plan();
    const res = await mette.post(`${HOUSEHOLDS}/${household.id}/members/${b.id}/move-out`);
    const after_ = expectJson(res, 200);
    assert.deepEqual(after_.adults.map((x) => x.id), [a.id]);
    assert.equal(after_.moved_out.id, b.id);
    assert.equal(after_.children.length, 1, 'the child stays with the household');
    if (HAVE_DB) {
      const rows = auditRowsOf(res).filter((r) => r.action === 'household_moved_out');
      assert.deepEqual(rows.map((r) => r.citizen_id).sort(), [a.id, b.id].sort());
    }

    const own = await b.plan();
    assert.equal(own.id, after_.moved_out.plan_id);
    assert.equal(own.version, 1);
    assert.deepEqual(own.goals, []);
    assert.equal(own.dreams.length, 1);
    assert.match(own.dreams[0].text, /^Drøm B /);
    const left = await a.plan();
    assert.equal(left.version, shared.version + 1);
    assert.ok(!left.dreams.some((x) => x.text.startsWith('Drøm B ')), 'b\'s dream stays in the household plan');
    assert.ok(left.dreams.some((x) => x.text.startsWith('Drøm A ')));
    assert.deepEqual(left.goals, shared.goals);
    // b's meeting went with b.
    assert.equal(expectJson(await b.get('/api/v1/meetings'), 200).meetings.length, 1);
    const row = (await mette.citizens()).find((x) => x.id === b.id);
    assert.equal(row.household_id, null);
  });

  it('the last adult cannot move out (409 last_adult), and nothing changes', async () => {
    const before_ = dbState(a.id);
    expectError(await mette.post(`${HOUSEHOLDS}/${household.id}/members/${a.id}/move-out`), 409, 'last_adult');
    expectError(await mette.post(`${HOUSEHOLDS}/${household.id}/members/${b.id}/move-out`), 404, 'not_found');
    assert.deepEqual(dbState(a.id), before_);
  });

  no5xxTest();
});
