// A household's one shared plan (lars and sofie): both see every change,
// each edits only their own dreams, and If-Match protects one member's
// edit from the other's. Holds the locks of lars and sofie.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  SKIP, assertHistory, assertNotInDb, assertUnchanged, dreamCleaner, expectError, expectJson, expectStatus,
  ADMIN, HAVE_DB, auditRowsOf, citizenId, holdCitizens, login, loginStaff, marker, planSnapshot, no5xxTest,
  nowSecond, second,
} from './lib.mjs';

const DREAMS = '/api/v1/plan/dreams';

/** The entries of sub's access log made by staff member name since t0. */
async function accessesBy(sub, name, t0) {
  const { entries } = expectJson(await (await login(sub)).get('/api/v1/access-log'), 200);
  return entries.filter((e) => second(e.at) >= t0 - 1 && e.actor.name === name);
}

describe('household plan', { skip: SKIP }, () => {
  let release;
  let cleanup;
  before(async () => {
    release = await holdCitizens('lars', 'sofie');
    cleanup = await dreamCleaner(await login('lars'), await login('sofie'));
  });
  after(async () => {
    try {
      if (cleanup) await cleanup();
    } finally {
      if (release) release();
    }
  });

  it('lars and sofie see the same plan', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const a = (await lars.plan()).plan;
    const b = (await sofie.plan()).plan;
    assert.equal(a.id, b.id);
    assert.equal(a.version, b.version);
  });

  it('lars and sofie are different citizens', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    assert.notEqual(lars.citizen.id, sofie.citizen.id);
  });

  it('a dream lars adds is in the plan sofie reads, at the new version', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const { plan } = await sofie.plan();
    const d = await lars.addDream(marker('shared'));
    const seen = (await sofie.plan()).plan;
    assert.equal(seen.version, plan.version + 1);
    assert.equal(seen.dreams.find((x) => x.id === d.id)?.text, d.text);
  });

  it('sofie updating lars\'s dream is 403 not_author and changes nothing', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const d = await lars.addDream(marker('lars-own'));
    const before_ = await planSnapshot(sofie);
    const m = marker('sofie-edit');
    expectError(await sofie.put(`${DREAMS}/${d.id}`, { text: m }), 403, 'not_author');
    await assertUnchanged(sofie, before_);
    assertNotInDb(m);
  });

  it('sofie updating lars\'s dream with the current If-Match is still 403 not_author', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const d = await lars.addDream(marker('lars-own'));
    const before_ = await planSnapshot(sofie);
    const m = marker('sofie-edit');
    expectError(await sofie.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': before_.etag } }), 403, 'not_author');
    await assertUnchanged(sofie, before_);
    assertNotInDb(m);
  });

  it('sofie deleting lars\'s dream is 403 not_author and the dream stays', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const d = await lars.addDream(marker('lars-own'));
    const before_ = await planSnapshot(sofie);
    expectError(await sofie.del(`${DREAMS}/${d.id}`), 403, 'not_author');
    await assertUnchanged(sofie, before_);
    assert.ok((await lars.plan()).plan.dreams.some((x) => x.id === d.id));
  });

  it('lars updating his own dream is 200 and sofie sees the new text', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const d = await lars.addDream(marker('lars-old'));
    const text = marker('lars-new');
    expectStatus(await lars.put(`${DREAMS}/${d.id}`, { text }), 200);
    assert.equal((await sofie.plan()).plan.dreams.find((x) => x.id === d.id)?.text, text);
  });

  it('sofie deleting her own dream is 204 and lars no longer sees it', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const d = await sofie.addDream(marker('sofie-own'));
    expectStatus(await sofie.del(`${DREAMS}/${d.id}`), 204);
    assert.equal((await lars.plan()).plan.dreams.find((x) => x.id === d.id), undefined);
  });

  it('sofie\'s update with the ETag she read before lars\'s change is 412 and changes nothing', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const mine = await sofie.addDream(marker('sofie-own'));
    const { etag } = await sofie.plan();
    await lars.addDream(marker('lars-meanwhile'));
    const before_ = await planSnapshot(sofie);
    const m = marker('sofie-stale');
    expectError(await sofie.put(`${DREAMS}/${mine.id}`, { text: m }, { headers: { 'If-Match': etag } }), 412, 'stale_version');
    await assertUnchanged(sofie, before_);
    assert.equal(before_.plan.dreams.find((x) => x.id === mine.id)?.text, mine.text);
    assertNotInDb(m);
  });

  it('a change by either member raises the version both see by one each', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    const start = (await lars.plan()).plan.version;
    await lars.addDream(marker('v1'));
    await sofie.addDream(marker('v2'));
    assert.equal((await lars.plan()).plan.version, start + 2);
    assert.equal((await sofie.plan()).plan.version, start + 2);
  });

  it('the household history is gap-free and the same for both members', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    await sofie.addDream(marker('history'));
    const a = expectJson(await lars.get('/api/v1/plan/history'), 200);
    const b = expectJson(await sofie.get('/api/v1/plan/history'), 200);
    assertHistory(a);
    assert.deepEqual(a, b);
    assert.equal(a.versions[0].version, (await lars.plan()).plan.version);
  });

  it('a citizen outside the household updating a household dream is 404', async () => {
    const lars = await login('lars');
    const d = await lars.addDream(marker('household'));
    const before_ = await planSnapshot(lars);
    const anna = await login('anna');
    const m = marker('outsider');
    expectError(await anna.put(`${DREAMS}/${d.id}`, { text: m }), 404, 'not_found');
    await assertUnchanged(lars, before_);
    assertNotInDb(m);
  });

  it('a citizen outside the household deleting a household dream is 404', async () => {
    const lars = await login('lars');
    const d = await lars.addDream(marker('household'));
    const before_ = await planSnapshot(lars);
    const mohammed = await login('mohammed');
    expectError(await mohammed.del(`${DREAMS}/${d.id}`), 404, 'not_found');
    await assertUnchanged(lars, before_);
  });

  it('a citizen outside the household does not see the household\'s plan', async () => {
    const lars = await login('lars');
    const anna = await login('anna');
    assert.notEqual((await anna.plan()).plan.id, (await lars.plan()).plan.id);
  });

  it('both members can accept the current version, and it stays the current version', async () => {
    const lars = await login('lars');
    const sofie = await login('sofie');
    await lars.addDream(marker('accept'));
    const { plan } = await lars.plan();
    expectStatus(await lars.post('/api/v1/plan/acceptance', { version: plan.version }), 200);
    expectStatus(await sofie.post('/api/v1/plan/acceptance', { version: plan.version }), 200);
    const after_ = (await sofie.plan()).plan;
    assert.equal(after_.version, plan.version);
    assert.equal(after_.accepted_version, plan.version);
  });

  it('a caseworker reading one member\'s plan is in both members\' access logs: the plan shows both', async () => {
    const peter = await loginStaff('peter');
    const t0 = nowSecond();
    expectJson(await peter.get(`${ADMIN}/citizens/${await citizenId('lars')}/plan`), 200);
    for (const sub of ['lars', 'sofie']) {
      const seen = await accessesBy(sub, peter.staff.name, t0);
      assert.ok(seen.some((e) => e.action === 'read'), `peter's read of the shared plan is not in ${sub}'s access log`);
    }
  });

  it('a caseworker reading one member\'s own meetings is audited for that member only', { skip: !HAVE_DB && 'no database' }, async () => {
    const peter = await loginStaff('peter');
    const lars = await citizenId('lars');
    const res = await peter.get(`${ADMIN}/citizens/${lars}/meetings`);
    expectJson(res, 200);
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => [r.citizen_id, r.action, r.object]), [[lars, 'read', 'meetings']]);
  });

  it('a goal added through one member is audited for both members', { skip: !HAVE_DB && 'no database' }, async () => {
    const peter = await loginStaff('peter');
    const [lars, sofie] = [await citizenId('lars'), await citizenId('sofie')];
    const res = await peter.post(`${ADMIN}/citizens/${lars}/goals`, {
      title: `Fælles mål ${marker()}`, description: '', area: 'housing', legal_basis: 'SEL §85',
    });
    expectJson(res, 201);
    const rows = auditRowsOf(res);
    assert.deepEqual(rows.map((r) => [r.citizen_id, r.action]).sort(), [[lars, 'goal_added'], [sofie, 'goal_added']].sort());
  });

  no5xxTest();
});
