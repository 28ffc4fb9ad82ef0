// nginx's rate limits (limit_req): logins and writes past their burst are
// answered 429 in the API's JSON shape, with Retry-After, and change
// nothing; reads are never limited. The shared test stack runs with loose
// limits (every file comes from 127.0.0.1 at once), so this file starts a
// small stack of its own with tight ones (scripts/stack start, its own
// directory beside the shared one, its own port) and stops it at the end.
//
// Limits of that stack: logins 1 a minute with a burst of 5 (six pass),
// writes 1 a minute with a burst of 6 (seven pass). At one a minute
// nothing is given back during the test, so the counts are exact.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ADMIN, ADMIN_AUD, SKIP, decodeJwt, describeRes, expectError, expectJson, request, sql, stackCmd, startOwnStack, stopOwnStack } from './lib.mjs';

const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-ratelimit` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!process.env.KAPTAJN_BIN && 'KAPTAJN_BIN is not set');

const LOGIN_BURST = 5;
const WRITE_BURST = 6;
const RATES = {
  KAPTAJN_RATE_LOGIN: '1r/m',
  KAPTAJN_RATE_LOGIN_BURST: String(LOGIN_BURST),
  KAPTAJN_RATE_WRITE: '1r/m',
  KAPTAJN_RATE_WRITE_BURST: String(WRITE_BURST),
  KAPTAJN_WORKERS: '1',
};

describe('rate limits (a stack of its own with tight limits)', { skip: NEED }, () => {
  let base; // that stack's URL
  let socket; // its MariaDB socket
  const q = (query) => sql(query, { socket });
  const req = (method, p, opts = {}) => request(method, p, { ...opts, base, retry429: false });
  const devToken = async (sub, aud) => {
    const res = await req('POST', '/dev-idp/token', {
      body: `sub=${sub}&aud=${aud}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 200, `dev IdP token: ${describeRes(res)}`);
    return res.text.trim();
  };
  /** Asserts nginx's 429: JSON rate_limited, Retry-After 60 (1 r/m). */
  const expect429 = (res, what) => {
    expectError(res, 429, 'rate_limited');
    assert.equal(res.headers['retry-after'], '60', `${what}: Retry-After`);
    assert.equal(res.headers['cache-control'], 'no-store', `${what}: Cache-Control`);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
    return res;
  };
  // Tokens minted before the login zone runs out, and the sessions.
  let annaToken;
  let annaSpare;
  let metteToken;
  let metteSpare;
  let anna; // { cookie, csrf }
  let mette;
  let citizenId; // anna's

  before(async () => {
    ({ url: base, socket } = await startOwnStack(VAR, { env: RATES }));
  });

  after(async () => {
    if (VAR) await stackCmd(['stop', VAR]);
  });

  it('the stack was rendered with the tight limits', () => {
    const conf = fs.readFileSync(path.join(VAR, 'nginx', 'nginx.conf'), 'utf8');
    assert.match(conf, /zone=kp_login:\S+ rate=1r\/m;/);
    assert.match(conf, /zone=kp_write:\S+ rate=1r\/m;/);
    assert.match(fs.readFileSync(path.join(VAR, 'nginx', 'rate-login.conf'), 'utf8'), new RegExp(`burst=${LOGIN_BURST} `));
    assert.match(fs.readFileSync(path.join(VAR, 'nginx', 'rate-write.conf'), 'utf8'), new RegExp(`burst=${WRITE_BURST} `));
  });

  // Login zone: 4 dev IdP tokens and 2 logins are the 6 that pass.
  it('logins within the burst pass: four dev IdP tokens, a citizen and a staff login', async () => {
    annaToken = await devToken('anna', 'kaptajn-citizen');
    annaSpare = await devToken('anna', 'kaptajn-citizen');
    metteToken = await devToken('mette', ADMIN_AUD);
    metteSpare = await devToken('mette', ADMIN_AUD);
    let res = await req('POST', '/api/v1/session', { json: { id_token: annaToken } });
    let body = expectJson(res, 201);
    anna = { cookie: /kaptajn_session=[^;]*/.exec(res.setCookie.join('\n'))[0], csrf: body.csrf_token };
    citizenId = body.citizen.id;
    res = await req('POST', `${ADMIN}/session`, { json: { id_token: metteToken } });
    body = expectJson(res, 201);
    mette = { cookie: /kaptajn_staff_session=[^;]*/.exec(res.setCookie.join('\n'))[0], csrf: body.csrf_token };
  });

  it('the next citizen login is 429 rate_limited JSON, uses up no token and opens no session', async () => {
    const sessions = q('SELECT COUNT(*) FROM sessions')[0][0];
    const { iss, jti } = decodeJwt(annaSpare).payload;
    const hash = crypto.createHash('sha256').update(`${iss}\n${jti}`).digest('hex');
    expect429(await req('POST', '/api/v1/session', { json: { id_token: annaSpare } }), 'citizen login');
    assert.equal(q('SELECT COUNT(*) FROM sessions')[0][0], sessions, 'a limited login opened a session');
    assert.equal(q(`SELECT COUNT(*) FROM used_tokens WHERE jti_hash = X'${hash}'`)[0][0], '0', 'a limited login used up its token');
  });

  it('the next staff login is 429 rate_limited JSON and opens no session', async () => {
    const sessions = q('SELECT COUNT(*) FROM sessions')[0][0];
    expect429(await req('POST', `${ADMIN}/session`, { json: { id_token: metteSpare } }), 'staff login');
    assert.equal(q('SELECT COUNT(*) FROM sessions')[0][0], sessions, 'a limited staff login opened a session');
  });

  it('the dev IdP token endpoint is limited too (429 JSON)', async () => {
    expect429(await req('POST', '/dev-idp/token', {
      body: 'sub=anna&aud=kaptajn-citizen', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }), 'dev IdP token');
  });

  it('a limited login with a broken body is 429 too: nothing reaches the pool', async () => {
    expect429(await req('POST', '/api/v1/session', { body: '{', headers: { 'Content-Type': 'application/json' } }), 'broken login');
  });

  it('reads are not limited: 30 GETs of both APIs are all 200', async () => {
    const paths = [
      ['/api/v1/plan', anna], ['/api/v1/healthz', null], ['/api/v1/proposals', anna],
      [`${ADMIN}/citizens`, mette], [`${ADMIN}/healthz`, null], ['/dev-idp/users', null],
    ];
    const all = [];
    for (let i = 0; i < 5; i++) for (const [p, s] of paths) all.push(req('GET', p, { cookie: s?.cookie }));
    for (const res of await Promise.all(all)) expectJson(res, 200);
    const head = await req('HEAD', '/api/v1/plan', { cookie: anna.cookie });
    assert.equal(head.status, 200);
  });

  // Write zone: the 2 logins above were writes 1 and 2; these are 3 to 7.
  let dreamA;
  let goalId;
  it('writes within the burst pass: POST, PUT, DELETE of dreams and a staff POST', async () => {
    const a = anna;
    dreamA = expectJson(await req('POST', '/api/v1/plan/dreams', { json: { text: 'rate A' }, ...a }), 201).id;
    const dreamB = expectJson(await req('POST', '/api/v1/plan/dreams', { json: { text: 'rate B' }, ...a }), 201).id;
    expectJson(await req('PUT', `/api/v1/plan/dreams/${dreamA}`, { json: { text: 'rate A2' }, ...a }), 200);
    assert.equal((await req('DELETE', `/api/v1/plan/dreams/${dreamB}`, a)).status, 204);
    const g = await req('POST', `${ADMIN}/citizens/${citizenId}/goals`, {
      json: { title: 'rate goal', description: '', area: 'job', legal_basis: 'LAB §30 a' }, ...mette,
    });
    goalId = expectJson(g, 201).goal.id;
  });

  /** What the database holds that a write could change. */
  const state = () => q(`SELECT
      (SELECT GROUP_CONCAT(version ORDER BY id) FROM plans),
      (SELECT GROUP_CONCAT(CONCAT(id, ':', SHA2(text, 256), ':', COALESCE(deleted_at, '-')) ORDER BY id) FROM dreams),
      (SELECT GROUP_CONCAT(CONCAT(id, ':', status, ':', SHA2(title, 256)) ORDER BY id) FROM goals),
      (SELECT GROUP_CONCAT(CONCAT(id, ':', status) ORDER BY id) FROM proposals),
      (SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL),
      (SELECT COUNT(*) FROM audit_log WHERE action <> 'read')`)[0];

  it('every further write of either API is 429 rate_limited JSON and changes nothing', async () => {
    const before_ = state();
    const a = anna;
    const limited = [
      ['POST dream', 'POST', '/api/v1/plan/dreams', { json: { text: 'rate C' }, ...a }],
      ['PUT dream', 'PUT', `/api/v1/plan/dreams/${dreamA}`, { json: { text: 'rate A3' }, ...a }],
      ['DELETE dream', 'DELETE', `/api/v1/plan/dreams/${dreamA}`, a],
      ['POST proposal', 'POST', '/api/v1/proposals', { json: { kind: 'add_goal', title: 't', reason: 'rate' }, ...a }],
      ['POST acceptance', 'POST', '/api/v1/plan/acceptance', { json: { version: 1 }, ...a }],
      ['citizen logout', 'DELETE', '/api/v1/session', a],
      ['staff POST goal', 'POST', `${ADMIN}/citizens/${citizenId}/goals`,
        { json: { title: 'rate goal 2', area: 'job', legal_basis: 'LAB §30 a' }, ...mette }],
      ['staff PATCH goal', 'PATCH', `${ADMIN}/citizens/${citizenId}/goals/${goalId}`, { json: { status: 'cancelled' }, ...mette }],
      ['staff logout', 'DELETE', `${ADMIN}/session`, mette],
      ['a write without a session', 'POST', '/api/v1/plan/dreams', { json: { text: 'rate D' } }],
    ];
    for (const [what, method, p, opts] of limited) expect429(await req(method, p, opts), what);
    assert.deepEqual(state(), before_, 'a limited write changed the database');
    // Both sessions live on: the limited logouts did not reach the pools.
    expectJson(await req('GET', '/api/v1/plan', { cookie: a.cookie }), 200);
    expectJson(await req('GET', `${ADMIN}/citizens`, { cookie: mette.cookie }), 200);
  });

  it('the limited requests are in nginx\'s error log as limiting, and none reached a pool', () => {
    const log = fs.readFileSync(path.join(VAR, 'log', 'nginx-error.log'), 'utf8');
    assert.match(log, /limiting requests, excess: .* by zone "kp_login"/);
    assert.match(log, /limiting requests, excess: .* by zone "kp_write"/);
    // The pools log one access line per request they answered.
    const lines = (pool, re) => fs.readFileSync(path.join(VAR, 'log', `${pool}.log`), 'utf8').split('\n').filter((l) => re.test(l));
    assert.equal(lines('citizen', / method=POST route=\/api\/v1\/plan\/dreams /).length, 2, 'dream POSTs that reached the citizen pool');
    assert.equal(lines('citizen', / method=POST route=\/api\/v1\/session /).length, 1, 'logins that reached the citizen pool');
    assert.equal(lines('admin', / method=POST route=\/admin\/api\/v1\/session /).length, 1, 'logins that reached the admin pool');
    assert.equal(lines('devidp', / method=POST route=\/dev-idp\/token /).length, 4, 'tokens the dev IdP signed');
  });

  it('the stack stops cleanly and its pools\' logs hold no sanitizer report', async () => {
    await stopOwnStack(VAR);
  });
});
