// What staff may read: each one's caseload, a citizen's plan with the
// staff-only fields, the audit trail (every view is a "read" row, every
// refused one a "denied" row), the citizen's own access log of those reads,
// legal bases, contact persons, the child-related goals and the overview
// report. Changes no plan; holds the lock of the staff assignments (the
// contact tests move a citizen to another contact for a while).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, HAVE_DB, SKIP,
  auditChainTest, auditRowsOf, citizenId, devClaims, expectError, expectJson, holdCitizens, login, loginStaff,
  request, sql, sqlInt, no5xxTest,
  nowSecond, second,
  flatGoals,
} from './lib.mjs';

const CITIZEN_FIELDS = ['id', 'name', 'household_id', 'plan_id', 'plan_version', 'accepted_version',
  'pending_proposals', 'contact', 'caseworker', 'course_outcome', 'logged_in', 'first_login_at'];

/** The citizens' names by sub, from the dev IdP's list. */
async function demoNames() {
  const { users } = expectJson(await request('GET', '/dev-idp/users'), 200);
  return Object.fromEntries(users.map((u) => [u.sub, u.name]));
}


/**
 * Reads a value and the database's idea of it until the database holds still
 * around the read (other files change plans and proposals meanwhile), then
 * returns [value, db]. dbRead returns something comparable with deepEqual.
 */
async function steady(read, dbRead) {
  for (let i = 0; ; i++) {
    const a = dbRead();
    const v = await read();
    const b = dbRead();
    if (JSON.stringify(a) === JSON.stringify(b) || i >= 20) return [v, b];
  }
}

describe('staff reads: caseload, plan view, audit, access log, reports', { skip: SKIP }, () => {
  let release;
  let ids; // sub -> citizen id
  let names; // sub -> name
  let mette;
  let peter;
  before(async () => {
    release = await holdCitizens('staff-assignments');
    ids = {};
    for (const sub of ['anna', 'lars', 'sofie', 'mohammed', 'ida', 'ole', 'nanna', 'karl']) ids[sub] = await citizenId(sub);
    names = await demoNames();
    mette = await loginStaff('mette');
    peter = await loginStaff('peter');
  });
  after(() => release && release());

  // --------------------------------------------------------- caseloads

  const CASELOADS = [
    ['mette', ['anna', 'mohammed', 'ida', 'ole', 'nanna']],
    ['peter', ['lars', 'sofie', 'karl']],
    ['jonas', ['anna', 'ida', 'ole', 'nanna']],
    ['karin', ['lars', 'sofie', 'karl']],
    ['birgitte', ['mohammed']],
    ['helle', []],
  ];
  for (const [staff, subs] of CASELOADS) {
    it(`${staff} sees exactly ${subs.length ? subs.join(' and ') : 'nobody'} in GET /citizens`, async () => {
      const list = await (await loginStaff(staff)).citizens();
      assert.deepEqual(list.map((c) => c.id).sort((a, b) => a - b), subs.map((s) => ids[s]).sort((a, b) => a - b));
    });
  }

  it('every listed citizen has id, name, household_id, plan_id, plan_version, accepted_version, pending_proposals, contact, caseworker, course_outcome', async () => {
    for (const c of [...(await mette.citizens()), ...(await peter.citizens())]) {
      for (const f of CITIZEN_FIELDS) assert.ok(f in c, `${f} missing in ${JSON.stringify(c)}`);
      assert.ok(Number.isInteger(c.id) && Number.isInteger(c.plan_id) && Number.isInteger(c.plan_version), JSON.stringify(c));
      assert.equal(typeof c.name, 'string');
      assert.ok(c.household_id === null || Number.isInteger(c.household_id), JSON.stringify(c));
      assert.ok(c.accepted_version === null || Number.isInteger(c.accepted_version), JSON.stringify(c));
      assert.ok(Number.isInteger(c.pending_proposals) && c.pending_proposals >= 0, JSON.stringify(c));
      assert.ok(c.contact && Number.isInteger(c.contact.id) && typeof c.contact.name === 'string', JSON.stringify(c));
      assert.ok(c.caseworker && Number.isInteger(c.caseworker.id) && typeof c.caseworker.name === 'string', JSON.stringify(c));
      assert.ok(c.course_outcome === null || ['job', 'education', 'early_pension', 'other'].includes(c.course_outcome), JSON.stringify(c));
    }
  });

  it('the listed names, caseworker and contact are the demo people\'s', async () => {
    const list = await mette.citizens();
    const anna = list.find((c) => c.id === ids.anna);
    assert.equal(anna.name, names.anna);
    assert.equal(anna.caseworker.name, names.mette);
    assert.equal(anna.caseworker.id, mette.staff.id);
    assert.equal(anna.contact.name, names.jonas);
    assert.equal(list.find((c) => c.id === ids.mohammed).contact.name, names.birgitte);
  });

  it('lars and sofie are listed with one household and one plan', async () => {
    const list = await peter.citizens();
    const lars = list.find((c) => c.id === ids.lars);
    const sofie = list.find((c) => c.id === ids.sofie);
    assert.ok(Number.isInteger(lars.household_id), 'lars has no household');
    assert.equal(lars.household_id, sofie.household_id);
    assert.equal(lars.plan_id, sofie.plan_id);
  });

  it('the listed plan_version and pending_proposals match the database', { skip: !HAVE_DB && 'no database' }, async () => {
    const [list, db] = await steady(
      () => mette.citizens(),
      () => sql(`SELECT c.id, p.version, (SELECT COUNT(*) FROM proposals q WHERE q.citizen_id = c.id AND q.status = 'pending')
                   FROM citizens c JOIN plans p ON p.id = c.plan_id WHERE c.caseworker_id = ${sqlInt(mette.staff.id)} ORDER BY c.id`),
    );
    for (const [id, version, pending] of db) {
      const c = list.find((x) => x.id === Number(id));
      assert.ok(c, `citizen ${id} not listed`);
      assert.equal(c.plan_version, Number(version), `plan_version of ${id}`);
      assert.equal(c.pending_proposals, Number(pending), `pending_proposals of ${id}`);
    }
  });

  it('GET /citizens writes one "read" audit row for each listed citizen and nothing else', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await mette.get(`${ADMIN}/citizens`);
    const list = expectJson(res, 200).citizens;
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => r.citizen_id).sort((a, b) => a - b), list.map((c) => c.id).sort((a, b) => a - b));
    for (const r of rows) {
      assert.equal(r.action, 'read', JSON.stringify(r));
      assert.equal(r.staff_id, mette.staff.id, JSON.stringify(r));
    }
  });

  // ---------------------------------------------------------- plan view

  it('GET /citizens/{id}/plan is 200 with citizen {id, name, cpr_date, cpr_viewable}, consent, accepted_version, changes_since_accepted, household', async () => {
    const { plan } = await mette.plan(ids.anna);
    assert.equal(plan.citizen?.id, ids.anna);
    assert.equal(plan.citizen.name, names.anna);
    assert.match(String(plan.citizen.cpr_date), /^\d{6}$/);
    assert.equal(typeof plan.citizen.cpr_viewable, 'boolean');
    assert.ok(plan.consent && typeof plan.consent.status === 'string', `consent: ${JSON.stringify(plan.consent)}`);
    assert.ok('at' in plan.consent, 'consent.at');
    assert.ok(plan.consent.at === null || !Number.isNaN(Date.parse(plan.consent.at)), `consent.at: ${plan.consent.at}`);
    assert.ok('accepted_version' in plan, 'accepted_version');
    assert.ok(Array.isArray(plan.changes_since_accepted), 'changes_since_accepted');
    assert.ok(Array.isArray(plan.household), 'household');
  });

  it('the plan view names only the date part of the citizen\'s CPR number (the whole: admin-cpr.test.mjs)', async () => {
    const cpr = (await devClaims('anna'))['dk.cpr'];
    const { plan, res } = await mette.plan(ids.anna);
    assert.equal(plan.citizen.cpr_date, cpr.slice(0, 6));
    assert.ok(!res.text.includes(cpr) && !res.text.includes(`${cpr.slice(0, 6)}-${cpr.slice(6)}`), 'the whole CPR number is in the plan view');
  });

  it('the plan view holds the plan as the citizen sees it', async () => {
    const s = await login('anna');
    for (let i = 0; ; i++) {
      const mine = (await s.plan()).plan;
      const { plan } = await mette.plan(ids.anna);
      const again = (await s.plan()).plan;
      if (mine.version !== again.version && i < 10) continue;
      for (const k of Object.keys(mine)) {
        // Staff see more of the consent (the newest fact), never less.
        if (k === 'consent') for (const c of Object.keys(mine.consent)) assert.deepEqual(plan.consent[c], mine.consent[c], `plan view differs from the citizen's in consent.${c}`);
        else assert.deepEqual(plan[k], mine[k], `plan view differs from the citizen's in ${k}`);
      }
      break;
    }
  });

  it('the plan view has the plan version as ETag', async () => {
    const { plan, etag } = await mette.plan(ids.anna);
    assert.equal(etag, `"${plan.version}"`);
  });

  it('a seeded citizen\'s consent is given, with a time', async () => {
    const { plan } = await mette.plan(ids.anna);
    assert.equal(plan.consent.status, 'given');
    assert.ok(!Number.isNaN(Date.parse(plan.consent.at)), `consent.at: ${plan.consent.at}`);
  });

  it('changes_since_accepted lists versions after accepted_version, each with version, at, by, summary', async () => {
    const { plan } = await peter.plan(ids.lars);
    for (const c of plan.changes_since_accepted) {
      assert.ok(Number.isInteger(c.version), JSON.stringify(c));
      assert.ok(c.version > (plan.accepted_version ?? 0) && c.version <= plan.version, JSON.stringify(c));
      assert.equal(typeof c.at, 'string');
      assert.ok('by' in c && typeof c.summary === 'string', JSON.stringify(c));
    }
  });

  it('lars\'s plan view names sofie in the household, and anna\'s names no one else', async () => {
    const lars = (await peter.plan(ids.lars)).plan;
    assert.ok(lars.household.some((m) => m.id === ids.sofie && m.name === names.sofie), JSON.stringify(lars.household));
    for (const m of lars.household) assert.ok([ids.lars, ids.sofie].includes(m.id), JSON.stringify(m));
    const anna = (await mette.plan(ids.anna)).plan;
    assert.deepEqual(anna.household.filter((m) => m.id !== ids.anna), []);
  });

  it('a contact person sees the plan of the citizen they are contact for', async () => {
    const { plan } = await (await loginStaff('jonas')).plan(ids.anna);
    assert.equal(plan.citizen.id, ids.anna);
  });

  it('another caseworker\'s citizen is 404 and leaves a "denied" audit row', async () => {
    const res = await peter.get(`${ADMIN}/citizens/${ids.anna}/plan`);
    expectError(res, 404, 'not_found');
    assert.ok(!res.text.includes(names.anna), 'the 404 names the citizen');
    const rows = auditRowsOf(res);
    if (rows) {
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0].action, 'denied');
      assert.equal(rows[0].citizen_id, ids.anna);
      assert.equal(rows[0].staff_id, peter.staff.id);
    }
  });

  it('a contact person\'s view of a citizen not theirs is 404 and a "denied" row', async () => {
    const jonas = await loginStaff('jonas');
    const res = await jonas.get(`${ADMIN}/citizens/${ids.mohammed}/plan`);
    expectError(res, 404, 'not_found');
    const rows = auditRowsOf(res);
    if (rows) assert.deepEqual(rows.map((r) => [r.action, r.citizen_id]), [['denied', ids.mohammed]]);
  });

  it('another caseworker\'s citizen and a citizen that does not exist get the same 404', async () => {
    const a = expectError(await peter.get(`${ADMIN}/citizens/${ids.anna}/plan`), 404);
    const b = expectError(await peter.get(`${ADMIN}/citizens/999999999/plan`), 404);
    assert.deepEqual(a, b);
  });

  for (const id of ['0', '-1', 'abc', '99999999999999999999', '1.0', '1x']) {
    it(`GET /citizens/${id}/plan is 404`, async () => {
      expectError(await mette.get(`${ADMIN}/citizens/${id}/plan`), 404);
    });
  }

  // ------------------------------------------------------------ audit

  it('a GET of the plan writes exactly one "read" audit row for that citizen', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await mette.get(`${ADMIN}/citizens/${ids.mohammed}/plan`);
    expectJson(res, 200);
    const rows = auditRowsOf(res);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].action, 'read');
    assert.equal(rows[0].citizen_id, ids.mohammed);
    assert.equal(rows[0].staff_id, mette.staff.id);
    assert.equal(rows[0].actor_kind, 'staff');
  });

  it('GET /citizens/{id}/audit is newest first with at, actor {id, name, role}, action, object', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/citizens/${ids.anna}/audit`), 200);
    assert.ok(Array.isArray(body.entries) && body.entries.length > 0, 'entries');
    for (const e of body.entries) {
      assert.ok(!Number.isNaN(Date.parse(e.at)), JSON.stringify(e));
      assert.ok(e.actor && 'id' in e.actor && typeof e.actor.name === 'string' && typeof e.actor.role === 'string', JSON.stringify(e));
      assert.equal(typeof e.action, 'string');
      assert.equal(typeof e.object, 'string');
    }
    for (let i = 1; i < body.entries.length; i++) {
      assert.ok(Date.parse(body.entries[i - 1].at) >= Date.parse(body.entries[i].at), `not newest first at ${i}`);
    }
  });

  it('a plan view shows up in the audit trail as a read by that staff member', async () => {
    const t0 = nowSecond();
    await mette.plan(ids.mohammed);
    const { entries } = expectJson(await mette.get(`${ADMIN}/citizens/${ids.mohammed}/audit`), 200);
    const hit = entries.filter((e) => second(e.at) >= t0 - 1)
      .find((e) => e.actor.id === mette.staff.id && e.action === 'read' && /plan/.test(e.object));
    assert.ok(hit, `no read of the plan by mette since ${t0}: ${JSON.stringify(entries.slice(0, 5))}`);
    assert.equal(hit.actor.name, mette.staff.name);
    assert.equal(hit.actor.role, 'caseworker');
  });

  it('reading the audit trail is itself audited as a read', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await mette.get(`${ADMIN}/citizens/${ids.anna}/audit`);
    expectJson(res, 200);
    assert.deepEqual(auditRowsOf(res).map((r) => [r.action, r.citizen_id]), [['read', ids.anna]]);
  });

  it('the audit trail of another caseworker\'s citizen is 404 and a "denied" row', async () => {
    const res = await peter.get(`${ADMIN}/citizens/${ids.mohammed}/audit`);
    expectError(res, 404, 'not_found');
    const rows = auditRowsOf(res);
    if (rows) assert.deepEqual(rows.map((r) => [r.action, r.citizen_id]), [['denied', ids.mohammed]]);
  });

  it('a denied attempt is in the citizen\'s audit trail as "denied" for staff with access', async () => {
    const t0 = nowSecond();
    expectError(await peter.get(`${ADMIN}/citizens/${ids.anna}/plan`), 404);
    const { entries } = expectJson(await mette.get(`${ADMIN}/citizens/${ids.anna}/audit`), 200);
    const hit = entries.filter((e) => second(e.at) >= t0 - 1).find((e) => e.actor.id === peter.staff.id && e.action === 'denied');
    assert.ok(hit, `no denied entry for peter: ${JSON.stringify(entries.slice(0, 5))}`);
  });

  // ----------------------------------------------- the citizen's side

  it('a caseworker\'s read is listed in the citizen\'s access log with name, role and action read', async () => {
    const t0 = nowSecond();
    await mette.plan(ids.mohammed);
    const s = await login('mohammed');
    const { entries } = expectJson(await s.get('/api/v1/access-log'), 200);
    const hit = entries.filter((e) => second(e.at) >= t0 - 1)
      .find((e) => e.actor.name === mette.staff.name && e.action === 'read');
    assert.ok(hit, `mette's read is not in mohammed's access log: ${JSON.stringify(entries.slice(0, 5))}`);
    assert.equal(hit.actor.role, 'caseworker');
  });

  it('a contact person\'s read is listed in the citizen\'s access log', async () => {
    const jonas = await loginStaff('jonas');
    const t0 = nowSecond();
    await jonas.plan(ids.anna);
    const { entries } = expectJson(await (await login('anna')).get('/api/v1/access-log'), 200);
    const hit = entries.filter((e) => second(e.at) >= t0 - 1).find((e) => e.actor.name === jonas.staff.name && e.action === 'read');
    assert.ok(hit, `jonas's read is not in anna's access log: ${JSON.stringify(entries.slice(0, 5))}`);
    assert.equal(hit.actor.role, 'contact');
  });

  it('a denied attempt is not in the citizen\'s access log', async () => {
    const res = await peter.get(`${ADMIN}/citizens/${ids.anna}/plan`);
    expectError(res, 404);
    if (HAVE_DB) assert.equal(auditRowsOf(res)[0]?.action, 'denied', 'the attempt was not even logged');
    const { entries } = expectJson(await (await login('anna')).get('/api/v1/access-log'), 200);
    const shown = entries.filter((e) => e.actor.name === peter.staff.name || e.action === 'denied');
    assert.deepEqual(shown, [], 'a denied attempt is shown to the citizen');
  });

  it('the citizen\'s access log shows no staff ids', async () => {
    await mette.plan(ids.anna);
    const { entries } = expectJson(await (await login('anna')).get('/api/v1/access-log'), 200);
    assert.ok(entries.length > 0);
    for (const e of entries) assert.ok(!('id' in e.actor), `actor id shown to the citizen: ${JSON.stringify(e)}`);
  });

  it('reads of one citizen are not in another citizen\'s access log', async () => {
    const t0 = nowSecond();
    await peter.plan(ids.lars);
    const { entries } = expectJson(await (await login('anna')).get('/api/v1/access-log'), 200);
    const hit = entries.filter((e) => second(e.at) >= t0 - 1).find((e) => e.actor.name === peter.staff.name);
    assert.equal(hit, undefined);
  });

  // ---------------------------------------------- reference lists

  it('GET /legal-bases lists code, law, title, child_related; BL §32 is child-related and LAB §30 a is not', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/legal-bases`), 200);
    assert.ok(Array.isArray(body.legal_bases) && body.legal_bases.length > 0, 'legal_bases');
    for (const b of body.legal_bases) {
      for (const f of ['code', 'law', 'title']) assert.equal(typeof b[f], 'string', `${f}: ${JSON.stringify(b)}`);
      assert.equal(typeof b.child_related, 'boolean', JSON.stringify(b));
    }
    const by = new Map(body.legal_bases.map((b) => [b.code, b]));
    assert.equal(by.get('BL §32')?.child_related, true);
    assert.equal(by.get('LAB §30 a')?.child_related, false);
  });

  it('GET /staff?role=contact lists the contact persons and no caseworker', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/staff?role=contact`), 200);
    assert.ok(Array.isArray(body.staff), `staff: ${JSON.stringify(body).slice(0, 200)}`);
    const listed = body.staff.map((s) => s.name);
    for (const sub of ['jonas', 'karin', 'birgitte', 'helle']) assert.ok(listed.includes(names[sub]), `${sub} not listed`);
    for (const sub of ['mette', 'peter']) assert.ok(!listed.includes(names[sub]), `${sub} listed as a contact`);
    for (const s of body.staff) {
      assert.ok(Number.isInteger(s.id), JSON.stringify(s));
      if ('role' in s) assert.equal(s.role, 'contact');
    }
  });

  // ------------------------------------------------- child-related

  it('GET /citizens/{id}/child-related of the Hansen household lists its BL §32 goal', async () => {
    const body = expectJson(await peter.get(`${ADMIN}/citizens/${ids.lars}/child-related`), 200);
    const goals = flatGoals(body.goals);
    assert.ok(goals.some((g) => g.legal_basis === 'BL §32'), JSON.stringify(body).slice(0, 400));
  });

  it('GET /citizens/{id}/child-related lists only child-related goals', async () => {
    const bases = expectJson(await peter.get(`${ADMIN}/legal-bases`), 200).legal_bases;
    const childBases = new Set(bases.filter((b) => b.child_related).map((b) => b.code));
    const body = expectJson(await peter.get(`${ADMIN}/citizens/${ids.lars}/child-related`), 200);
    const goals = flatGoals(body.goals);
    for (const g of goals) assert.ok(g.child_related === true || childBases.has(g.legal_basis), `not child-related: ${JSON.stringify(g)}`);
    const { plan } = await peter.plan(ids.lars);
    const plain = flatGoals(plan.goals).filter((g) => !g.child_related && !childBases.has(g.legal_basis));
    for (const g of plain) assert.ok(!goals.some((x) => x.id === g.id), `goal ${g.id} listed as child-related`);
  });

  it('GET /citizens/{id}/child-related of a citizen without child-related goals lists none', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/citizens/${ids.mohammed}/child-related`), 200);
    assert.deepEqual(flatGoals(body.goals), []);
  });

  it('GET /citizens/{id}/child-related of another caseworker\'s citizen is 404 and a "denied" row', async () => {
    const res = await mette.get(`${ADMIN}/citizens/${ids.lars}/child-related`);
    expectError(res, 404, 'not_found');
    const rows = auditRowsOf(res);
    if (rows) assert.deepEqual(rows.map((r) => r.action), ['denied']);
  });

  it('GET /citizens/{id}/child-related is audited as a read of both household members', { skip: !HAVE_DB && 'no database' }, async () => {
    const res = await peter.get(`${ADMIN}/citizens/${ids.sofie}/child-related`);
    expectJson(res, 200);
    // The shared plan's goals are lars's data as much as sofie's.
    assert.deepEqual(auditRowsOf(res).map((r) => [r.action, r.citizen_id]), [['read', ids.sofie], ['read', ids.lars]]);
  });

  // ------------------------------------------------------- reports

  const REPORT_FIELDS = ['active_citizens', 'pending_proposals', 'median_hours_to_decision', 'citizens_per_contact',
    'staff_per_citizen', 'outcomes'];

  it('GET /reports/overview has total and per_caseworker with the report figures', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/reports/overview`), 200);
    assert.ok(body.total && typeof body.total === 'object', 'total');
    assert.ok(Array.isArray(body.per_caseworker) && body.per_caseworker.length >= 2, 'per_caseworker');
    for (const f of REPORT_FIELDS) assert.ok(f in body.total, `total.${f} missing: ${JSON.stringify(body.total)}`);
    for (const row of body.per_caseworker) {
      assert.ok(Number.isInteger(row.pending_proposals) && row.pending_proposals >= 0, JSON.stringify(row));
      assert.ok(Number.isInteger(row.active_citizens) && row.active_citizens >= 0, JSON.stringify(row));
    }
    assert.ok(Number.isInteger(body.total.active_citizens), 'total.active_citizens');
    assert.ok(Number.isInteger(body.total.pending_proposals), 'total.pending_proposals');
    const m = body.total.median_hours_to_decision;
    assert.ok(m === null || (typeof m === 'number' && m >= 0), `median_hours_to_decision: ${m}`);
    // The contract names these two figures but not their shape: a number,
    // or the list / summary the pool gives ({contact, citizens}, {mean, max}).
    const cpc = body.total.citizens_per_contact;
    if (Array.isArray(cpc)) {
      for (const r of cpc) assert.ok(Number.isInteger(r.contact?.id) && Number.isInteger(r.citizens) && r.citizens >= 0, JSON.stringify(r));
    } else {
      assert.ok(cpc === null || (typeof cpc === 'number' && cpc >= 0), `citizens_per_contact: ${JSON.stringify(cpc)}`);
    }
    const spc = body.total.staff_per_citizen;
    if (spc !== null && typeof spc === 'object') {
      for (const v of Object.values(spc)) assert.ok(v === null || (typeof v === 'number' && v >= 0), `staff_per_citizen: ${JSON.stringify(spc)}`);
    } else {
      assert.ok(spc === null || (typeof spc === 'number' && spc >= 0), `staff_per_citizen: ${JSON.stringify(spc)}`);
    }
    assert.ok(body.total.outcomes && typeof body.total.outcomes === 'object', 'outcomes');
  });

  // A citizen with no caseworker yet counts in the total but under nobody.
  it('the report\'s per-caseworker pending_proposals and active_citizens add up to no more than the total', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/reports/overview`), 200);
    const sum = (f) => body.per_caseworker.reduce((n, r) => n + r[f], 0);
    assert.ok(sum('pending_proposals') <= body.total.pending_proposals);
    assert.ok(sum('active_citizens') <= body.total.active_citizens);
    assert.ok(sum('active_citizens') > 0);
  });

  it('the report\'s total pending_proposals is the database\'s count of pending proposals', { skip: !HAVE_DB && 'no database' }, async () => {
    const [body, db] = await steady(
      async () => expectJson(await mette.get(`${ADMIN}/reports/overview`), 200),
      () => sql("SELECT COUNT(*) FROM proposals WHERE status = 'pending'")[0][0],
    );
    assert.equal(body.total.pending_proposals, Number(db));
  });

  it('the report\'s outcomes are counts per outcome, and the totals are the sums over the caseworkers', async () => {
    const body = expectJson(await mette.get(`${ADMIN}/reports/overview`), 200);
    const o = body.total.outcomes;
    for (const k of ['job', 'education', 'early_pension', 'other']) {
      assert.ok(Number.isInteger(o[k]) && o[k] >= 0, `outcomes.${k}: ${JSON.stringify(o)}`);
      assert.equal(body.per_caseworker.reduce((n, r) => n + (r.outcomes?.[k] ?? 0), 0), o[k], `outcomes.${k}`);
    }
  });

  it('the report\'s citizens per contact match the database\'s assignments', { skip: !HAVE_DB && 'no database' }, async (t) => {
    const body = expectJson(await mette.get(`${ADMIN}/reports/overview`), 200);
    const cpc = body.total.citizens_per_contact;
    if (!Array.isArray(cpc)) return t.skip('citizens_per_contact is not a list per contact');
    const db = sql(`SELECT contact_id, COUNT(*) FROM citizens WHERE contact_id IS NOT NULL AND course_outcome IS NULL
                     GROUP BY contact_id ORDER BY contact_id`).map(([id, n]) => [Number(id), Number(n)]);
    const got = cpc.filter((r) => r.citizens > 0).map((r) => [r.contact.id, r.citizens]).sort((a, b) => a[0] - b[0]);
    assert.deepEqual(got, db);
  });

  it('the report\'s per-caseworker rows name the caseworkers', async () => {
    const body = expectJson(await peter.get(`${ADMIN}/reports/overview`), 200);
    const text = JSON.stringify(body.per_caseworker);
    assert.ok(text.includes(names.mette) || text.includes(`"id":${mette.staff.id}`), text.slice(0, 300));
    assert.ok(text.includes(names.peter) || text.includes(`"id":${peter.staff.id}`), text.slice(0, 300));
  });

  it('the report\'s active_citizens counts the citizens whose course has not ended', { skip: !HAVE_DB && 'no database' }, async () => {
    const body = expectJson(await mette.get(`${ADMIN}/reports/overview`), 200);
    const db = Number(sql('SELECT COUNT(*) FROM citizens WHERE course_outcome IS NULL')[0][0]);
    assert.equal(body.total.active_citizens, db);
  });

  auditChainTest();
  no5xxTest();
});
