// Saying yes to a plan version (LAB §30 b): only the current version can be
// accepted, and accepting does not change the version. Uses mohammed
// (holding his lock, so the current version is known).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  SKIP, assertHistory, assertUnchanged, dreamCleaner, expectError, expectJson, expectStatus, holdCitizens, login,
  marker, planSnapshot, no5xxTest,
} from './lib.mjs';

const ACCEPT = '/api/v1/plan/acceptance';

describe('plan acceptance', { skip: SKIP }, () => {
  let release;
  let cleanup;
  before(async () => {
    release = await holdCitizens('mohammed');
    cleanup = await dreamCleaner(await login('mohammed'));
  });
  after(async () => {
    try {
      if (cleanup) await cleanup();
    } finally {
      if (release) release();
    }
  });

  it('accepting the current version is 200 {version, accepted_at}', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('fresh-version')); // a version nobody accepted yet
    const { plan } = await s.plan();
    const body = expectJson(await s.post(ACCEPT, { version: plan.version }), 200);
    assert.equal(body.version, plan.version);
    assert.equal(typeof body.accepted_at, 'string');
    assert.ok(!Number.isNaN(Date.parse(body.accepted_at)), `accepted_at ${body.accepted_at}`);
  });

  it('after acceptance the plan\'s accepted_version is that version', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('new-version'));
    const { plan } = await s.plan();
    expectStatus(await s.post(ACCEPT, { version: plan.version }), 200);
    assert.equal((await s.plan()).plan.accepted_version, plan.version);
  });

  it('acceptance leaves the version, the ETag and the history as they were', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('fresh-version')); // a version nobody accepted yet
    const before_ = await s.plan();
    const h = expectJson(await s.get('/api/v1/plan/history'), 200);
    const res = await s.post(ACCEPT, { version: before_.plan.version });
    expectStatus(res, 200);
    if (res.headers.etag) assert.equal(res.headers.etag, before_.etag);
    const after_ = await s.plan();
    assert.equal(after_.plan.version, before_.plan.version);
    assert.equal(after_.etag, before_.etag);
    assert.deepEqual(expectJson(await s.get('/api/v1/plan/history'), 200), h);
  });

  it('a dream change after acceptance keeps accepted_version at the accepted version', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('fresh-version')); // a version nobody accepted yet
    const { plan } = await s.plan();
    expectStatus(await s.post(ACCEPT, { version: plan.version }), 200);
    await s.addDream(marker('after-accept'));
    const after_ = (await s.plan()).plan;
    assert.equal(after_.version, plan.version + 1);
    assert.equal(after_.accepted_version, plan.version);
  });

  it('accepting an old version is 409 version_conflict and changes nothing', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('bump'));
    const before_ = await planSnapshot(s);
    expectError(await s.post(ACCEPT, { version: before_.plan.version - 1 }), 409, 'version_conflict');
    await assertUnchanged(s, before_);
  });

  it('accepting a future version is 409 version_conflict and changes nothing', async () => {
    const s = await login('mohammed');
    const before_ = await planSnapshot(s);
    expectError(await s.post(ACCEPT, { version: before_.plan.version + 1 }), 409, 'version_conflict');
    await assertUnchanged(s, before_);
  });

  it('accepting version 0 is refused (409 or 400) and changes nothing', async () => {
    const s = await login('mohammed');
    const before_ = await planSnapshot(s);
    const res = await s.post(ACCEPT, { version: 0 });
    expectError(res, [400, 409], res.status === 400 ? 'invalid_field' : 'version_conflict');
    await assertUnchanged(s, before_);
  });

  it('accepting a huge version is refused (409 or 400) and changes nothing', async () => {
    const s = await login('mohammed');
    const before_ = await planSnapshot(s);
    const res = await s.post(ACCEPT, undefined, { body: '{"version": 99999999999999999999}', headers: { 'Content-Type': 'application/json' } });
    expectError(res, [400, 409], res.status === 400 ? ['invalid_field', 'invalid_json'] : 'version_conflict');
    await assertUnchanged(s, before_);
  });

  for (const [what, body, code] of [
    ['a string version', (v) => ({ version: String(v) }), 'invalid_field'],
    ['a null version', () => ({ version: null }), 'invalid_field'],
    ['a fractional version', (v) => `{"version": ${v}.5}`, 'invalid_field'],
    ['a boolean version', () => ({ version: true }), 'invalid_field'],
    ['a negative version', () => ({ version: -1 }), 'invalid_field'],
    ['no version', () => ({}), 'missing_field'],
    ['an unknown field', (v) => ({ version: v, consent: true }), 'unknown_field'],
    ['malformed JSON', (v) => `{"version": ${v}`, 'invalid_json'],
    ['a body that is an array', (v) => `[${v}]`, ['invalid_json', 'invalid_field']],
  ]) {
    it(`acceptance with ${what} is 400 and changes nothing`, async () => {
      const s = await login('mohammed');
      const before_ = await planSnapshot(s);
      const b = body(before_.plan.version);
      const res = await s.post(ACCEPT, undefined, {
        body: typeof b === 'string' ? b : JSON.stringify(b), headers: { 'Content-Type': 'application/json' },
      });
      expectError(res, 400, code);
      await assertUnchanged(s, before_);
    });
  }

  it('acceptance with Content-Type text/plain is 415 and changes nothing', async () => {
    const s = await login('mohammed');
    const before_ = await planSnapshot(s);
    const res = await s.post(ACCEPT, undefined, {
      body: JSON.stringify({ version: before_.plan.version }), headers: { 'Content-Type': 'text/plain' },
    });
    expectError(res, 415, 'unsupported_media_type');
    await assertUnchanged(s, before_);
  });

  it('acceptance is refused for a session that has logged out (401)', async () => {
    const s = await login('mohammed');
    const before_ = await planSnapshot(s);
    expectStatus(await s.del('/api/v1/session'), 204);
    expectError(await s.post(ACCEPT, { version: before_.plan.version }), 401, 'unauthorized');
    const fresh = await login('mohammed');
    await assertUnchanged(fresh, before_);
  });

  it('history stays gap-free around acceptances', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('fresh-version')); // a version nobody accepted yet
    const { plan } = await s.plan();
    expectStatus(await s.post(ACCEPT, { version: plan.version }), 200);
    await s.addDream(marker('gap'));
    const v = assertHistory(expectJson(await s.get('/api/v1/plan/history'), 200));
    assert.deepEqual(v.slice(0, 2).map((e) => e.version), [plan.version + 1, plan.version]);
  });

  no5xxTest();
});
