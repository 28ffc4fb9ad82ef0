// Bad input to the admin pool's bodies, as on the citizen side: malformed
// JSON, bodies that are no object, the wrong Content-Type, too large, an
// unknown field, a wrong type, an over-long or control-character text, and
// a missing or foreign CSRF token. Each case its own test, each changing
// nothing. Works on anna (mette's caseload), holding her lock.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, SKIP,
  assertCitizenUnchanged, assertNotInDb, auditChainTest, citizenId, citizenSnapshot, expectError, expectJson,
  holdCitizens, login, loginStaff, marker, withdrawTestProposals, no5xxTest,
} from './lib.mjs';

const JSON_CT = 'application/json';

describe('bad input to the admin endpoints', { skip: SKIP }, () => {
  let release;
  let anna; // citizen session
  let aid;
  let mette;
  let other; // another session of mette's, for a foreign CSRF token
  let proposalId; // a pending proposal of anna's
  let goalId; // a goal this file added to anna's plan (for PATCH), if it could
  let jonasId;
  before(async () => {
    release = await holdCitizens('anna');
    anna = await login('anna');
    aid = await citizenId('anna');
    mette = await loginStaff('mette');
    other = await loginStaff('mette');
    jonasId = (await loginStaff('jonas')).staff.id;
    proposalId = expectJson(await anna.post('/api/v1/proposals', { kind: 'add_goal', title: 'Input', reason: marker('input') }), 201).id;
    const g = await mette.post(`${ADMIN}/citizens/${aid}/goals`, {
      title: marker('input-goal'), description: 'mål til input-test', area: 'social', legal_basis: 'SEL §85',
    });
    if (g.status === 201 && g.json?.goal) goalId = g.json.goal.id;
  });
  after(async () => {
    try {
      if (anna) await withdrawTestProposals(anna);
      if (goalId) await mette.patch(`${ADMIN}/citizens/${aid}/goals/${goalId}`, { status: 'cancelled' });
    } finally {
      if (release) release();
    }
  });

  // Each endpoint: a valid body carrying the marker m where it has text, the
  // text field, a field to give the wrong type, and whether a valid body may
  // be sent at all (never for course-end: a mistake would end her course).
  const ENDPOINTS = [
    { name: 'comment', method: 'POST', path: () => `${ADMIN}/proposals/${proposalId}/comments`,
      body: (m) => ({ text: m }), text: 'text', typed: ['text', 7] },
    { name: 'decision', method: 'POST', path: () => `${ADMIN}/proposals/${proposalId}/decision`,
      body: (m) => ({ decision: 'reject', reason: m }), text: 'reason', typed: ['decision', true] },
    { name: 'goal create', method: 'POST', path: () => `${ADMIN}/citizens/${aid}/goals`,
      body: (m) => ({ title: m, description: 'd', area: 'job', legal_basis: 'LAB §30 a' }), text: 'description', typed: ['area', 3] },
    { name: 'goal change', method: 'PATCH', path: () => `${ADMIN}/citizens/${aid}/goals/${goalId}`, needs: () => goalId,
      body: (m) => ({ title: m }), text: 'description', typed: ['status', 1] },
    { name: 'contact', method: 'PUT', path: () => `${ADMIN}/citizens/${aid}/contact`,
      body: () => ({ staff_id: jonasId }), typed: ['staff_id', 'jonas'] },
    { name: 'consent', method: 'POST', path: () => `${ADMIN}/citizens/${aid}/consent`,
      body: () => ({ action: 'given' }), typed: ['action', false] },
    { name: 'meeting', method: 'POST', path: () => `${ADMIN}/citizens/${aid}/meetings`,
      body: (m) => ({ kind: 'network', starts_at: '2027-06-01T10:00:00Z', place: 'Jobcentret', agenda: m, participants: [] }),
      text: 'agenda', typed: ['participants', {}] },
    { name: 'course end', method: 'POST', path: () => `${ADMIN}/citizens/${aid}/course-end`,
      body: () => ({ outcome: 'not-an-outcome' }), unsafeValid: true },
  ];

  // Each case: (endpoint, marker) => { body (string), contentType, csrf? },
  // the status and code expected, and whether it sends a valid body.
  const CASES = [
    ['malformed JSON', (e, m) => ({ body: JSON.stringify(e.body(m)).slice(0, -1) }), 400, 'invalid_json'],
    ['trailing garbage after the JSON', (e, m) => ({ body: `${JSON.stringify(e.body(m))} x` }), 400, 'invalid_json'],
    ['an empty body', () => ({ body: '' }), 400, ['invalid_json', 'missing_field']],
    ['a body that is an array', (e, m) => ({ body: JSON.stringify([e.body(m)]) }), 400, ['invalid_json', 'invalid_field']],
    ['a body that is null', () => ({ body: 'null' }), 400, ['invalid_json', 'invalid_field']],
    ['invalid UTF-8', (e, m) => ({ body: Buffer.concat([Buffer.from(`{"x": "${m} `), Buffer.from([0xff]), Buffer.from('"}')]) }), 400, 'invalid_json'],
    ['Content-Type text/plain', (e, m) => ({ body: JSON.stringify(e.body(m)), contentType: 'text/plain' }), 415, 'unsupported_media_type'],
    ['no Content-Type', (e, m) => ({ body: JSON.stringify(e.body(m)), contentType: null }), 415, 'unsupported_media_type'],
    ['a body over 64 KiB', (e, m) => ({ body: JSON.stringify({ ...e.body(m), pad: 'x'.repeat(70 * 1024) }) }), 413, 'payload_too_large'],
    ['an unknown field', (e, m) => ({ body: JSON.stringify({ ...e.body(m), plan_id: 1 }) }), 400, 'unknown_field', { valid: true }],
    ['a field of the wrong type', (e, m) => ({ body: JSON.stringify({ ...e.body(m), [e.typed[0]]: e.typed[1] }) }), 400, 'invalid_field', { needs: 'typed', valid: true }],
    ['an over-long text (64 KiB less a little)', (e, m) => ({ body: JSON.stringify({ ...e.body(m), [e.text]: m + 'x'.repeat(64 * 1024 - 400) }) }), 400, 'invalid_field', { needs: 'text', valid: true }],
    ['a control character in the text', (e, m) => ({ body: JSON.stringify({ ...e.body(m), [e.text]: `${m}\u0007` }) }), 400, 'invalid_field', { needs: 'text', valid: true }],
    ['no X-CSRF-Token', (e, m) => ({ body: JSON.stringify(e.body(m)), csrf: null }), 403, 'csrf_missing', { valid: true }],
    ['another session\'s CSRF token', (e, m, other) => ({ body: JSON.stringify(e.body(m)), csrf: other.csrf }), 403, undefined, { valid: true }],
    ['a citizen session\'s CSRF token', (e, m) => ({ body: JSON.stringify(e.body(m)), csrf: anna.csrf }), 403, undefined, { valid: true }],
  ];

  for (const e of ENDPOINTS) {
    for (const [what, make, status, code, opts = {}] of CASES) {
      if (opts.needs && !e[opts.needs]) continue;
      if (opts.valid && e.unsafeValid) continue;
      const codeText = code === undefined ? '' : ` ${[].concat(code).join('/')}`;
      it(`${e.name} with ${what} is ${status}${codeText} and changes nothing`, async (t) => {
        if (e.needs && !e.needs()) return t.skip('could not add a goal to change (POST /goals)');
        const m = marker('badadm');
        const req = make(e, m, other);
        const before_ = await citizenSnapshot(anna);
        const o = { body: req.body, headers: { 'Content-Type': req.contentType === undefined ? JSON_CT : req.contentType } };
        if ('csrf' in req) o.csrf = req.csrf;
        const res = await mette.request(e.method, e.path(), o);
        expectError(res, status, code);
        await assertCitizenUnchanged(anna, before_, res, `${e.name} with ${what}`);
        assertNotInDb(m);
      });
    }
  }

  it('a course end with a valid outcome is never sent here; the demo course is still running', async () => {
    const c = (await mette.citizens()).find((x) => x.id === aid);
    assert.equal(c.course_outcome, null);
  });

  auditChainTest();
  no5xxTest();
});
