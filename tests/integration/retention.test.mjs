// The end of a course and what is left after it: a course ends, is reopened
// within course_reopen_days, ends again, and after retention_years
// `kaptajn purge` lets its data go: the plan's content, proposals,
// meetings, consents, sessions and sealed CPR; the citizen row stays as a
// tombstone and the citizen's audit rows keep their hashes and lose their
// personal fields, so `kaptajn verify-audit` still finds the chain intact.
// Audit rows written before hash version 2 are sealed again by `kaptajn
// migrate`. A stack of its own (the audit log is tampered with here), its
// clock moved by moving the course's end back, as years passing would.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ADMIN, ADMIN_AUD, CITIZEN_AUD, SKIP, describeRes, expectError, expectJson, expectStatus, request, runCmd as run, sql, stackCmd, startOwnStack, stopOwnStack } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-retention` : '';
const NO_BIN = !fs.existsSync(BIN) && `no program at ${BIN}`;
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || NO_BIN;

describe('retention_years and course_reopen_days in the config are checked', { skip: NO_BIN }, () => {
  let tmp;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-retention-'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const [key, range, bad] of [
    ['retention_years', '1\\.\\.100', ['0', '101', 'five', '']],
    ['course_reopen_days', '0\\.\\.3650', ['-1', '3651', '1.5']],
  ]) {
    for (const v of bad) {
      it(`${key} = ${JSON.stringify(v)} is refused with its range`, async () => {
        const file = path.join(tmp, 'bad.conf');
        fs.writeFileSync(file, `db_socket = /nonexistent\ndb_name = k\ndb_user = k\n${key} = ${v}\n`, { mode: 0o600 });
        const r = await run(BIN, ['purge', '--config', file, '--dry-run']);
        assert.equal(r.code, 2, r.out);
        assert.match(r.out, new RegExp(`bad\\.conf:4: ${key}: must be a whole number ${range}`));
      });
    }
  }
});

/** The version 1 row hash, written here from its description in core/audit.c. */
function v1Hash(prev, fields) {
  const h = crypto.createHash('sha256');
  h.update('kaptajn-audit-v1');
  h.update(prev);
  for (const f of fields) {
    const b = Buffer.from(f, 'utf8');
    h.update(`${b.length}:`);
    h.update(b);
  }
  return h.digest();
}

describe('a course ends, is reopened, ends again, and its data goes after the retention period (a stack of its own)', { skip: NEED }, () => {
  let url;
  let socket;
  let conf;
  const q = (query) => sql(query, { socket });
  const one = (query) => q(query)[0][0];
  const count = (query) => Number(one(query));
  const req = (method, p, opts = {}) => request(method, p, { ...opts, base: url });
  const kaptajn = (...args) => run(BIN, [args[0], '--config', conf, ...args.slice(1)]);

  async function login(sub, staff) {
    const t = await req('POST', '/dev-idp/token', {
      body: `sub=${sub}&aud=${staff ? ADMIN_AUD : CITIZEN_AUD}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(t.status, 200, describeRes(t));
    const res = await req('POST', staff ? `${ADMIN}/session` : '/api/v1/session', { json: { id_token: t.text.trim() } });
    return { res, token: t.text.trim(), staff };
  }
  async function session(sub, staff) {
    const { res } = await login(sub, staff);
    const body = expectJson(res, 201);
    const name = staff ? 'kaptajn_staff_session' : 'kaptajn_session';
    return { cookie: new RegExp(`${name}=[^;]*`).exec(res.setCookie.join('\n'))[0], csrf: body.csrf_token, id: (body.citizen || body.staff).id };
  }

  let mette;
  let anna;
  let annaId;
  let annaPlan;
  const course = (what) => `${ADMIN}/citizens/${annaId}/course-${what}`;
  const mine = (table, col = 'citizen_id') => count(`SELECT COUNT(*) FROM ${table} WHERE ${col} = ${annaId}`);
  const auditRows = () => count('SELECT COUNT(*) FROM audit_log');
  const dreams = () => count(`SELECT COUNT(*) FROM dreams WHERE plan_id = ${annaPlan}`);
  let dreamsBefore;

  before(async () => {
    ({ url, socket } = await startOwnStack(VAR, { env: { KAPTAJN_WORKERS: '1' } }));
    conf = path.join(VAR, 'kaptajn.conf');
    mette = await session('mette', true);
    anna = await session('anna', false);
    annaId = anna.id;
    annaPlan = Number(one(`SELECT plan_id FROM citizens WHERE id = ${annaId}`));
  });

  after(async () => {
    if (VAR) await stackCmd(['stop', VAR]);
  });

  it('the citizen writes, the caseworker reads: the course has content and audit rows', async () => {
    expectJson(await req('POST', '/api/v1/plan/dreams', { ...anna, json: { text: 'At blive dyrepasser' } }), 201);
    expectJson(await req('POST', '/api/v1/proposals', {
      ...anna, json: { kind: 'add_goal', title: 'Kørekort', description: 'Tage kørekort.', reason: 'For at komme rundt.' },
    }), 201);
    const goal = expectJson(await req('GET', '/api/v1/plan', anna), 200).goals[0];
    expectJson(await req('POST', `/api/v1/goals/${goal.id}/progress`, { ...anna, json: { status: 'improving', note: 'Det går bedre' } }), 201);
    assert.equal(mine('goal_progress'), 1);
    expectJson(await req('GET', `${ADMIN}/citizens/${annaId}/plan`, mette), 200);
    assert.ok(count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId} AND hash_version = 2`) > 0);
    assert.equal(count('SELECT COUNT(*) FROM audit_log WHERE hash_version <> 2'), 0, 'every new row is version 2');
    dreamsBefore = dreams();
    assert.ok(dreamsBefore >= 1);
  });

  it('a course that runs cannot be reopened (409 not_ended)', async () => {
    expectError(await req('POST', course('reopen'), mette), 409, 'not_ended');
  });

  it('the caseworker ends the course as moved away, then reopens it within the period', async () => {
    expectJson(await req('POST', course('end'), { ...mette, json: { outcome: 'moved_away' } }), 200);
    assert.equal(one(`SELECT course_outcome FROM citizens WHERE id = ${annaId}`), 'moved_away');
    const body = expectJson(await req('POST', course('reopen'), mette), 200);
    assert.equal(body.outcome, null);
    assert.equal(one(`SELECT COALESCE(course_outcome, 'NULL') FROM citizens WHERE id = ${annaId}`), 'NULL');
    assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId} AND action = 'course_reopened'`), 1);
  });

  it('while the course has ended the plan is read only: the citizen and the caseworker get 409 course_ended; reopened it opens', async () => {
    expectJson(await req('POST', course('end'), { ...mette, json: { outcome: 'education' } }), 200);
    const plan = expectJson(await req('GET', '/api/v1/plan', anna), 200);
    assert.equal(plan.course_ended, true);
    const version = plan.version;
    expectError(await req('POST', '/api/v1/plan/dreams', { ...anna, json: { text: 'En drøm mere' } }), 409, 'course_ended');
    expectError(await req('POST', `${ADMIN}/citizens/${annaId}/goals`, {
      ...mette, json: { title: 'Nyt mål', area: 'job', legal_basis: 'LAB §91' },
    }), 409, 'course_ended');
    assert.equal(expectJson(await req('GET', '/api/v1/plan', anna), 200).version, version, 'nothing changed');
    expectJson(await req('POST', course('reopen'), mette), 200);
    const open = expectJson(await req('GET', '/api/v1/plan', anna), 200);
    assert.equal(open.course_ended, false, 'the next read says the course runs');
    const d = expectJson(await req('POST', '/api/v1/plan/dreams', { ...anna, json: { text: 'Igen i gang' } }), 201);
    expectStatus(await req('DELETE', `/api/v1/plan/dreams/${d.id}`, anna), 204);
    // A deleted dream stays as a hidden row: the count the purge lists.
    dreamsBefore = dreams();
  });

  it('a reopen without X-CSRF-Token is 403, by the contact person 403, by another caseworker 404: nothing changes', async () => {
    expectJson(await req('POST', course('end'), { ...mette, json: { outcome: 'consent_withdrawn' } }), 200);
    expectError(await req('POST', course('reopen'), { ...mette, csrf: null }), 403, 'csrf_missing');
    const jonas = await session('jonas', true);
    expectError(await req('POST', course('reopen'), jonas), 403, 'caseworker_only');
    const peter = await session('peter', true);
    expectError(await req('POST', course('reopen'), peter), 404, 'not_found');
    assert.equal(one(`SELECT course_outcome FROM citizens WHERE id = ${annaId}`), 'consent_withdrawn');
  });

  it('after course_reopen_days (90) the course cannot be reopened (409 reopen_period_over)', async () => {
    q(`UPDATE citizens SET course_ended_at = course_ended_at - INTERVAL 91 DAY WHERE id = ${annaId}`);
    const before_ = one(`SELECT course_ended_at FROM citizens WHERE id = ${annaId}`);
    expectError(await req('POST', course('reopen'), mette), 409, 'reopen_period_over');
    assert.equal(one(`SELECT course_ended_at FROM citizens WHERE id = ${annaId}`), before_);
  });

  it('within the retention period nothing is due, and purging the citizen by name is refused with the day it will be due', async () => {
    let r = await kaptajn('purge', '--dry-run');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^purge: 0 citizens due/m);
    r = await kaptajn('purge', '--citizen', String(annaId));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /refused: citizen \d+ is within the retention period of 5 years \(due after \d{4}-\d\d-\d\d\)/);
    assert.equal(dreams(), dreamsBefore);
  });

  it('a citizen whose course runs is refused by name, and an unknown one named', async () => {
    const other = one(`SELECT id FROM citizens WHERE course_ended_at IS NULL AND id <> ${annaId} LIMIT 1`);
    let r = await kaptajn('purge', '--citizen', String(other));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /refused: the course of citizen \d+ has not ended/);
    r = await kaptajn('purge', '--citizen', '999999999');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /there is no citizen 999999999/);
  });

  for (const [what, args, re] of [
    ['--as-of without --dry-run', ['--as-of', '2099-01-01'], /--as-of is for a dry run only/],
    ['a day that does not exist', ['--dry-run', '--as-of', '2031-02-30'], /2031-02-30 is not a day/],
    ['a day in another form', ['--dry-run', '--as-of', '30/01/2031'], /--as-of must be a day as YYYY-MM-DD/],
    ['a day with more after it', ['--dry-run', '--as-of', '2031-01-30x'], /--as-of must be a day as YYYY-MM-DD/],
    ['a citizen id that is not one', ['--citizen', '0'], /--citizen must be a citizen's id/],
    ['a citizen id with letters', ['--citizen', '12a'], /--citizen must be a citizen's id/],
  ]) {
    it(`purge with ${what} is refused (2) and changes nothing`, async () => {
      const rows = auditRows();
      const r = await kaptajn('purge', ...args);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, re);
      assert.equal(dreams(), dreamsBefore);
      assert.equal(auditRows(), rows);
    });
  }

  it('a dry run as of a day after the period lists the citizen, without a name or CPR, and changes nothing', async () => {
    const ended = one(`SELECT DATE_FORMAT(course_ended_at + INTERVAL 5 YEAR + INTERVAL 1 DAY, '%Y-%m-%d') FROM citizens WHERE id = ${annaId}`);
    const rows = auditRows();
    const r = await kaptajn('purge', '--dry-run', '--as-of', ended);
    assert.equal(r.code, 0, r.out);
    const goals = count(`SELECT COUNT(*) FROM goals WHERE plan_id = ${annaPlan}`);
    const audit = count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId}`);
    assert.match(r.out, new RegExp(`^citizen ${annaId}: course ended \\d{4}-\\d\\d-\\d\\d \\(consent_withdrawn\\); goes: ${mine('proposals')} proposals, ${mine('meetings')} meetings, ${mine('consents')} consents, the plan's ${dreamsBefore} dreams and ${goals} goals; ${audit} audit rows emptied$`, 'm'));
    assert.match(r.out, /dry run, nothing changed/);
    assert.doesNotMatch(r.out, /Anna|Jensen|0703921234/);
    assert.equal(auditRows(), rows);
    assert.equal(dreams(), dreamsBefore);
  });

  let redactable;
  it('once the period is over, purge lets the data go and keeps a tombstone', async () => {
    q(`UPDATE citizens SET course_ended_at = course_ended_at - INTERVAL 5 YEAR - INTERVAL 2 DAY WHERE id = ${annaId}`);
    redactable = count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId}`);
    // Her notification address and a queued notice (019) go too.
    q(`INSERT INTO notification_settings (citizen_id, email, email_on) VALUES (${annaId}, 'anna.purge@example.dk', 1) ON DUPLICATE KEY UPDATE email = VALUES(email)`);
    q(`INSERT INTO outbox (citizen_id, kind, ref_id, channel, next_at, created_at) VALUES (${annaId}, 'decision', 1, 'email', UTC_TIMESTAMP(), UTC_TIMESTAMP())`);
    for (const t of ['notification_settings', 'outbox']) assert.ok(mine(t) > 0, t);
    // Her answers (a "not yet" with its comment) and the plan's field-level changes (018).
    q(`INSERT INTO plan_answers (plan_id, citizen_id, version, answer, comment) VALUES (${annaPlan}, ${annaId}, 1, 'not_yet', 'Vil tale om det')`);
    q(`INSERT INTO plan_changes (plan_id, version, subject, subject_id, field, what, before_text, after_text) VALUES (${annaPlan}, 1, 'dream', 1, 'text', 'Drøm ændret', 'Før', 'Efter')`);
    q(`INSERT INTO messages (citizen_id, author_kind, text) VALUES (${annaId}, 'citizen', 'Hej Jonas')`);
    assert.ok(mine('messages') > 0);
    const r = await kaptajn('purge');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^citizen ${annaId}: purged$`, 'm'));
    assert.match(r.out, /^purge: 1 purged$/m);
    for (const t of ['proposals', 'meetings', 'meeting_points', 'meeting_responses', 'messages', 'consents', 'plan_acceptances', 'plan_answers', 'sessions', 'notification_settings', 'outbox', 'goal_progress']) assert.equal(mine(t), 0, t);
    for (const t of ['dreams', 'goals', 'plan_docs', 'plan_changes']) assert.equal(count(`SELECT COUNT(*) FROM ${t} WHERE plan_id = ${annaPlan}`), 0, t);
    assert.deepEqual(q(`SELECT summary FROM plan_history WHERE plan_id = ${annaPlan}`), [['Data slettet efter opbevaringsperioden']]);
    const [name, sealed, lookup, purged, outcome] = q(`SELECT name, COALESCE(cpr_sealed, 'NULL'), COALESCE(cpr_lookup, 'NULL'), purged_at IS NOT NULL, course_outcome FROM citizens WHERE id = ${annaId}`)[0];
    assert.deepEqual([name, sealed, lookup, purged, outcome], ['', 'NULL', 'NULL', '1', 'consent_withdrawn']);
  });

  it('the citizen\'s audit rows keep their hashes and lose their personal fields; the chain is intact', async () => {
    assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId} AND redacted_at IS NOT NULL`), redactable);
    assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId} AND redacted_at IS NOT NULL AND (actor_name <> '' OR object <> '')`), 0);
    assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE citizen_id = ${annaId} AND action = 'purged' AND actor_kind = 'system'`), 1);
    assert.deepEqual(q(`SELECT COUNT(*) FROM audit_log WHERE actor_name LIKE '%Anna%' OR object LIKE '%Anna%'`), [['0']]);
    const r = await kaptajn('verify-audit');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /chain intact/);
  });

  it('the citizen is gone from the caseload, the staff plan read, and cannot log in; her old session is dead', async () => {
    const list = expectJson(await req('GET', `${ADMIN}/citizens`, mette), 200);
    assert.ok(!list.citizens.some((c) => c.id === annaId), 'still in the caseload');
    expectError(await req('GET', `${ADMIN}/citizens/${annaId}/plan`, mette), 404, 'not_found');
    assert.equal((await req('GET', '/api/v1/plan', anna)).status, 401);
    assert.equal((await login('anna', false)).res.status, 401);
  });

  it('a second purge finds nothing due, and naming the citizen says she was purged', async () => {
    let r = await kaptajn('purge');
    assert.match(r.out, /^purge: 0 citizens due/m);
    r = await kaptajn('purge', '--citizen', String(annaId));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /was purged already/);
  });

  it('a household member\'s purge takes only their own dreams while the other\'s course runs; the last one\'s takes the plan and the children', async () => {
    const peter = await session('peter', true);
    const [lars, sofie] = ['lars', 'sofie'].map((n) => Number(one(`SELECT id FROM citizens WHERE name LIKE '${n === 'lars' ? 'Lars' : 'Sofie'} Hansen'`)));
    const plan = Number(one(`SELECT plan_id FROM citizens WHERE id = ${lars}`));
    const household = Number(one(`SELECT household_id FROM plans WHERE id = ${plan}`));
    const goals = count(`SELECT COUNT(*) FROM goals WHERE plan_id = ${plan}`);
    assert.ok(count(`SELECT COUNT(*) FROM children WHERE household_id = ${household}`) >= 1, 'the demo household has a child');
    assert.ok(count(`SELECT COUNT(*) FROM dreams WHERE plan_id = ${plan} AND citizen_id = ${lars}`) >= 1);
    const back = (id) => q(`UPDATE citizens SET course_ended_at = course_ended_at - INTERVAL 5 YEAR - INTERVAL 2 DAY WHERE id = ${id}`);

    // A field-level change quoting each one's dream: his goes with his dreams, hers stays.
    for (const who of [lars, sofie]) {
      q(`INSERT INTO plan_changes (plan_id, version, subject, subject_id, field, what, before_text, after_text) SELECT ${plan}, 1, 'dream', id, 'text', 'Drøm ændret', 'Før', text FROM dreams WHERE plan_id = ${plan} AND citizen_id = ${who} LIMIT 1`);
    }
    const dreamChanges = (who) => count(`SELECT COUNT(*) FROM plan_changes x JOIN dreams d ON d.id = x.subject_id WHERE x.plan_id = ${plan} AND x.subject = 'dream' AND d.citizen_id = ${who}`);
    assert.equal(dreamChanges(lars), 1);
    const allDreamChanges = () => count(`SELECT COUNT(*) FROM plan_changes WHERE plan_id = ${plan} AND subject = 'dream'`);
    const dreamChangesBefore = allDreamChanges();
    expectJson(await req('POST', `${ADMIN}/citizens/${lars}/course-end`, { ...peter, json: { outcome: 'job' } }), 200);
    back(lars);
    let r = await kaptajn('purge', '--citizen', String(lars));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`citizen ${lars}: .*goes: .*own dreams \\(the plan is shared with someone whose course runs on\\)`));
    assert.equal(count(`SELECT COUNT(*) FROM dreams WHERE plan_id = ${plan} AND citizen_id = ${lars}`), 0, 'his dreams went');
    assert.equal(allDreamChanges(), dreamChangesBefore - 1, 'the change quoting his dream went');
    assert.equal(dreamChanges(sofie), 1, 'the change quoting her dream stays');
    assert.ok(count(`SELECT COUNT(*) FROM dreams WHERE plan_id = ${plan} AND citizen_id = ${sofie}`) >= 1, 'hers stay');
    assert.equal(count(`SELECT COUNT(*) FROM goals WHERE plan_id = ${plan}`), goals, 'the shared goals stay');
    assert.ok(count(`SELECT COUNT(*) FROM children WHERE household_id = ${household}`) >= 1, 'the child stays with the household');

    expectJson(await req('POST', `${ADMIN}/citizens/${sofie}/course-end`, { ...peter, json: { outcome: 'education' } }), 200);
    back(sofie);
    r = await kaptajn('purge');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^citizen ${sofie}: purged$`, 'm'));
    for (const t of ['dreams', 'goals']) assert.equal(count(`SELECT COUNT(*) FROM ${t} WHERE plan_id = ${plan}`), 0, t);
    assert.equal(count(`SELECT COUNT(*) FROM children WHERE household_id = ${household}`), 0, 'the children went with the last course');
    const v = await kaptajn('verify-audit');
    assert.equal(v.code, 0, v.out);
  });

  for (const [what, change, restore, re] of [
    ['a purged row\'s action changed', (id) => `UPDATE audit_log SET action = 'tampered' WHERE id = ${id}`, (id, row) => `UPDATE audit_log SET action = '${row.action}' WHERE id = ${id}`, /was changed after it was written/],
    ['a purged row\'s kept digest changed', (id) => `UPDATE audit_log SET personal_digest = UNHEX(SHA2('x', 256)) WHERE id = ${id}`, (id, row) => `UPDATE audit_log SET personal_digest = UNHEX('${row.digest}') WHERE id = ${id}`, /was changed after it was written/],
    ['a purged row written to again', (id) => `UPDATE audit_log SET object = 'plan' WHERE id = ${id}`, (id) => `UPDATE audit_log SET object = '' WHERE id = ${id}`, /was written to after a purge emptied it/],
  ]) {
    it(`verify-audit finds ${what}`, async () => {
      const [id, action, digest] = q(`SELECT id, action, HEX(personal_digest) FROM audit_log WHERE citizen_id = ${annaId} AND redacted_at IS NOT NULL ORDER BY id LIMIT 1`)[0];
      q(change(id));
      try {
        const r = await kaptajn('verify-audit');
        assert.equal(r.code, 1, r.out);
        assert.match(r.out, new RegExp(`row ${id} `));
        assert.match(r.out, re);
      } finally {
        q(restore(id, { action, digest }));
      }
      assert.equal((await kaptajn('verify-audit')).code, 0);
    });
  }

  it('rows written before hash version 2 are sealed again by kaptajn migrate, and the old head is kept in the chain', async () => {
    // Two rows in the old form, on top of the chain, as a program before
    // migration 011 wrote them.
    let [lastId, prevHex] = q('SELECT last_id, HEX(last_hash) FROM audit_head WHERE id = 1')[0];
    let prev = Buffer.from(prevHex, 'hex');
    for (const action of ['read', 'goal_added']) {
      const at = '2026-01-02 03:04:05.000006';
      const fields = [at, 'staff', '1', 'Mette Sørensen', 'caseworker', '', action, 'plan', 'req-v1'];
      const hash = v1Hash(prev, fields);
      q(`INSERT INTO audit_log (at, actor_kind, actor_staff_id, actor_name, actor_role, citizen_id, action, object, request_id, prev_hash, row_hash)
         VALUES ('${at}', 'staff', 1, 'Mette Sørensen', 'caseworker', NULL, '${action}', 'plan', 'req-v1', UNHEX('${prev.toString('hex')}'), UNHEX('${hash.toString('hex')}'))`);
      lastId = one('SELECT MAX(id) FROM audit_log');
      prev = hash;
    }
    q(`UPDATE audit_head SET last_id = ${lastId}, last_hash = UNHEX('${prev.toString('hex')}') WHERE id = 1`);
    let r = await kaptajn('verify-audit');
    assert.equal(r.code, 0, `the old form verifies: ${r.out}`);
    assert.equal(count('SELECT COUNT(*) FROM audit_log WHERE hash_version = 1'), 2);

    r = await kaptajn('migrate', '--migrations', path.join(REPO, 'migrations'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`audit: 2 version 1 rows sealed again as version 2 \\(old head ${prev.toString('hex')}\\)`));
    assert.equal(count('SELECT COUNT(*) FROM audit_log WHERE hash_version = 1'), 0);
    assert.equal(one("SELECT object FROM audit_log WHERE action = 'audit_resealed' ORDER BY id DESC LIMIT 1"), `v1 head ${prev.toString('hex')}`);
    r = await kaptajn('verify-audit');
    assert.equal(r.code, 0, r.out);
    // Nothing left to seal: a second migrate says nothing of it.
    r = await kaptajn('migrate', '--migrations', path.join(REPO, 'migrations'));
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /sealed again/);
  });

  it('an old-form row that does not hold is not sealed again: migrate says so and changes nothing', async () => {
    let [lastId, prevHex] = q('SELECT last_id, HEX(last_hash) FROM audit_head WHERE id = 1')[0];
    const prev = Buffer.from(prevHex, 'hex');
    const fields = ['2026-01-02 03:04:05.000007', 'staff', '1', 'Mette Sørensen', 'caseworker', '', 'read', 'plan', 'req-v1b'];
    const hash = v1Hash(prev, fields);
    q(`INSERT INTO audit_log (at, actor_kind, actor_staff_id, actor_name, actor_role, citizen_id, action, object, request_id, prev_hash, row_hash)
       VALUES ('${fields[0]}', 'staff', 1, 'Mette Sørensen', 'caseworker', NULL, 'changed later', 'plan', 'req-v1b', UNHEX('${prevHex}'), UNHEX('${hash.toString('hex')}'))`);
    lastId = one('SELECT MAX(id) FROM audit_log');
    q(`UPDATE audit_head SET last_id = ${lastId}, last_hash = UNHEX('${hash.toString('hex')}') WHERE id = 1`);
    const r = await kaptajn('migrate', '--migrations', path.join(REPO, 'migrations'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /the chain does not hold; its version 1 rows stay as they are/);
    assert.equal(count('SELECT COUNT(*) FROM audit_log WHERE hash_version = 1'), 1);
    const v = await kaptajn('verify-audit');
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, new RegExp(`row ${lastId} was changed after it was written`));
  });

  it('the stack stops cleanly and its logs hold no sanitizer report', async () => {
    await stopOwnStack(VAR);
  });
});
