// Hostile HTTP through nginx: huge and many headers, huge cookies, query
// strings and bodies on both APIs, deeply nested JSON on every JSON route,
// and a slow client (slowloris) that must not tie up the pools' workers.
// Each answered in the API's JSON error shape with the right status, never
// a 5xx, nothing changed, and both pools healthy afterwards. Works on anna
// (holding her lock, so her plan holds still).

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  ADMIN, BASE, SKIP,
  assertCitizenUnchanged, assertNotInDb, auditRowsOfAll, citizenId, citizenSnapshot, describeRes, expectError, expectJson, healthyTest,
  holdCitizens, login, loginStaff, marker, no5xxTest, postSession, postStaffSession, rawRequest, request,
} from './lib.mjs';

const JSON_CT = { 'Content-Type': 'application/json' };
const host = () => new URL(BASE).host;

describe('hostile HTTP: headers, query strings, bodies, deep JSON, slow clients', { skip: SKIP }, () => {
  let release;
  let anna; // citizen session
  let aid;
  let mette; // anna's caseworker
  before(async () => {
    release = await holdCitizens('anna');
    anna = await login('anna');
    aid = await citizenId('anna');
    mette = await loginStaff('mette');
  });
  after(() => {
    if (release) release();
  });

  // ------------------------------------------------ headers and URIs

  const prefixes = [
    ['citizen', '/api/v1/healthz', '/api/v1/plan'],
    ['admin', `${ADMIN}/healthz`, `${ADMIN}/citizens`],
  ];
  for (const [api, health, guarded] of prefixes) {
    it(`${api} API: one 10 KB header is 400 bad_request JSON`, async () => {
      expectError(await request('GET', health, { headers: { 'X-Big': 'a'.repeat(10 * 1024) } }), 400, 'bad_request');
    });

    it(`${api} API: 1000 headers (40 KB) are 400 bad_request JSON`, async () => {
      const headers = {};
      for (let i = 0; i < 1000; i++) headers[`X-H${i}`] = 'v'.repeat(30);
      expectError(await request('GET', health, { headers }), 400, 'bad_request');
    });

    it(`${api} API: 300 small headers are passed on and answered as usual (200)`, async () => {
      const headers = {};
      for (let i = 0; i < 300; i++) headers[`X-H${i}`] = `v${i}`;
      expectJson(await request('GET', health, { headers }), 200);
    });

    it(`${api} API: a 16 KB Cookie header is 400 bad_request JSON`, async () => {
      expectError(await request('GET', guarded, { cookie: `a=${'b'.repeat(16 * 1024)}` }), 400, 'bad_request');
    });

    it(`${api} API: a 20 KB query string is 414 uri_too_long JSON`, async () => {
      expectError(await request('GET', `${guarded}?q=${'x'.repeat(20 * 1024)}`), 414, 'uri_too_long');
    });

    it(`${api} API: a 20 KB path is 414 uri_too_long JSON`, async () => {
      expectError(await request('GET', `${guarded}/${'x'.repeat(20 * 1024)}`), 414, 'uri_too_long');
    });

    it(`${api} API: a request without Host over HTTP/1.1 is 400 JSON`, async () => {
      expectError(await rawRequest(`GET ${health} HTTP/1.1\r\nConnection: close\r\n\r\n`), 400);
    });

    // RFC 9112 6.1 has a server answer a transfer coding it does not know
    // with 501; nginx's 501 is mapped to 400, so that no client can make
    // the API answer a 5xx. It reaches no pool.
    it(`${api} API: an unknown Transfer-Encoding is 400 bad_request JSON`, async () => {
      const res = await rawRequest(`POST ${health} HTTP/1.1\r\nHost: ${host()}\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n`);
      expectError(res, 400, 'bad_request');
    });
  }

  it('the session cookie after 200 other cookies (7 KB) is found: 200', async () => {
    const junk = Array.from({ length: 200 }, (_, i) => `c${i}=${'z'.repeat(20)}`).join('; ');
    expectJson(await request('GET', '/api/v1/plan', { cookie: `${junk}; ${anna.cookie}` }), 200);
    expectJson(await request('GET', `${ADMIN}/citizens`, { cookie: `${junk}; ${mette.cookie}` }), 200);
  });

  it('a 7 KB query string of 500 parameters is answered by the admin pool (200)', async () => {
    const qs = Array.from({ length: 500 }, (_, i) => `p${i}=${'q'.repeat(8)}`).join('&');
    const res = await mette.get(`${ADMIN}/proposals?${qs}&status=pending`);
    assert.ok(Array.isArray(expectJson(res, 200).proposals));
  });

  healthyTest('huge headers and URIs');

  // ------------------------------------------------------ bodies

  for (const [what, post] of [['citizen login', postSession], ['staff login', postStaffSession]]) {
    it(`${what} with a 100 KB body is 413 payload_too_large JSON`, async () => {
      expectError(await post(undefined, { body: JSON.stringify({ id_token: 'a'.repeat(100 * 1024) }), headers: JSON_CT }), 413, 'payload_too_large');
    });

    it(`${what} with a 1 MB chunked body is 413 payload_too_large JSON`, async () => {
      const res = await post(undefined, { body: `{"id_token":"${'a'.repeat(1024 * 1024)}"}`, chunked: true, headers: JSON_CT });
      expectError(res, 413, 'payload_too_large');
    });

    it(`${what} with a 63 KB id_token is 401 invalid_token`, async () => {
      expectError(await post('e'.repeat(63 * 1024)), 401, 'invalid_token');
    });
  }

  it('a staff write with a 100 KB body is 413 JSON and changes nothing', async () => {
    const before_ = await citizenSnapshot(anna);
    const m = marker('big-admin');
    const res = await mette.post(`${ADMIN}/citizens/${aid}/goals`, undefined, {
      body: JSON.stringify({ title: m, area: 'job', legal_basis: 'LAB §30 a', description: 'x'.repeat(100 * 1024) }), headers: JSON_CT,
    });
    expectError(res, 413, 'payload_too_large');
    await assertCitizenUnchanged(anna, before_, res, 'a 100 KB goal');
    assertNotInDb(m);
  });

  healthyTest('huge bodies');

  // ---------------------------------------------- deeply nested JSON

  const DEPTH = 10000;
  const deep = {
    'arrays 10 000 deep in a field': (f) => `{"${f}": ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`,
    'objects 10 000 deep in a field': (f) => `{"${f}": ${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`,
    'a body of arrays 10 000 deep': () => `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`,
    'arrays 10 000 deep, never closed': (f) => `{"${f}": ${'['.repeat(DEPTH)}`,
  };
  // Every JSON route of both APIs, with a field of its body. Ids that are
  // not anna's do not exist, so a body taken by mistake could change only
  // anna, whose state is compared.
  const NONE = 999999999;
  const routes = [
    ['citizen login', 'POST', '/api/v1/session', 'id_token', null],
    ['dream create', 'POST', '/api/v1/plan/dreams', 'text', 'anna'],
    ['dream update', 'PUT', `/api/v1/plan/dreams/${NONE}`, 'text', 'anna'],
    ['acceptance', 'POST', '/api/v1/plan/acceptance', 'version', 'anna'],
    ['proposal', 'POST', '/api/v1/proposals', 'reason', 'anna'],
    ['staff login', 'POST', `${ADMIN}/session`, 'id_token', null],
    ['goal create', 'POST', () => `${ADMIN}/citizens/${aid}/goals`, 'title', 'mette'],
    ['goal change', 'PATCH', () => `${ADMIN}/citizens/${aid}/goals/${NONE}`, 'title', 'mette'],
    ['contact', 'PUT', () => `${ADMIN}/citizens/${aid}/contact`, 'staff_id', 'mette'],
    ['consent', 'POST', () => `${ADMIN}/citizens/${aid}/consent`, 'action', 'mette'],
    ['comment', 'POST', `${ADMIN}/proposals/${NONE}/comments`, 'text', 'mette'],
    ['decision', 'POST', `${ADMIN}/proposals/${NONE}/decision`, 'reason', 'mette'],
    ['meeting', 'POST', () => `${ADMIN}/citizens/${aid}/meetings`, 'agenda', 'mette'],
    ['course end', 'POST', () => `${ADMIN}/citizens/${aid}/course-end`, 'outcome', 'mette'],
  ];
  describe('deeply nested JSON', () => {
    let snap;
    const answers = [];
    before(async () => {
      snap = await citizenSnapshot(anna);
    });
    for (const [name, method, p, field, who] of routes) {
      it(`${name}: JSON nested 10 000 deep, four ways, is 400 each time`, async () => {
        const s = who === 'anna' ? anna : who === 'mette' ? mette : null;
        for (const [what, make] of Object.entries(deep)) {
          const o = { body: make(field), headers: JSON_CT };
          const res = s ? await s.request(method, typeof p === 'function' ? p() : p, o) : await request(method, p, o);
          const err = expectError(res, 400, ['invalid_json', 'invalid_field']);
          assert.ok(err.message.length < 300, `${what}: a message of ${err.message.length} characters`);
          answers.push(res);
        }
      });
    }
    it('after the deep JSON on every route, anna\'s plan, proposals and database are as before, and no change was audited', async () => {
      assert.equal(answers.length, routes.length * Object.keys(deep).length, 'not every route was sent deep JSON');
      await assertCitizenUnchanged(anna, snap, null, 'deep JSON');
      const rows = auditRowsOfAll(answers);
      if (rows) assert.deepEqual(rows.flat().filter((r) => r.action !== 'read' && r.action !== 'denied'), []);
    });
  });

  healthyTest('deeply nested JSON');

  // ------------------------------------------------------- slowloris

  // nginx reads every request whole (client_header_timeout and
  // client_body_timeout 10 s, fastcgi_request_buffering on) before a pool
  // sees it, so slow clients cost nginx connections, never workers (two a
  // pool here).
  it('50 slow clients do not tie up the workers, and nginx closes the stalled ones within its timeouts', async () => {
    const { hostname, port } = new URL(BASE);
    const m = marker('slow');
    const slow = [];
    const open = (kind, first, every) => {
      const c = { kind, closedAt: 0, got: '', sock: net.connect({ host: hostname, port: Number(port) }) };
      c.sock.on('connect', () => {
        c.sock.write(first);
        if (every) c.timer = setInterval(() => c.sock.write(every()), 1000);
      });
      c.sock.on('data', (d) => { c.got += d.toString('latin1'); });
      c.sock.on('error', () => {}); // nginx resets timed-out connections
      c.sock.on('close', () => {
        c.closedAt = Date.now();
        clearInterval(c.timer);
      });
      slow.push(c);
    };
    const post = `POST /api/v1/plan/dreams HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${anna.cookie}\r\nX-CSRF-Token: ${anna.csrf}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n{"text": "${m}`;
    const started = Date.now();
    let n = 0;
    try {
      // Headers sent a line a second, never finished.
      for (let i = 0; i < 15; i++) open('header trickle', `GET /api/v1/plan HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${anna.cookie}\r\n`, () => `X-Slow-${n++}: 1\r\n`);
      // Half a request line, then nothing.
      for (let i = 0; i < 10; i++) open('header stall', 'POST /api/v1/plan/dre');
      // A whole head with a session and CSRF token, part of the body, then nothing.
      for (let i = 0; i < 15; i++) open('body stall', post);
      // The same, the body a byte a second (this one nginx keeps; we end it).
      for (let i = 0; i < 10; i++) open('body trickle', post, () => 'x');
      await sleep(1500);
      assert.ok(slow.every((c) => !c.closedAt), 'a slow connection was closed before the attack began');

      // Meanwhile, a citizen logs in, reads the plan ten times and writes a
      // dream, and a caseworker reads the caseload: all while every slow
      // connection is still open.
      const s = await login('anna');
      for (const res of await Promise.all(Array.from({ length: 10 }, () => s.get('/api/v1/plan')))) expectJson(res, 200);
      const d = await s.addDream(marker('during-slow'));
      expectJson(await mette.get(`${ADMIN}/citizens`), 200);
      const closedEarly = slow.filter((c) => c.closedAt).map((c) => c.kind);
      assert.deepEqual(closedEarly, [], 'the normal requests were answered only after slow connections closed');
      assert.equal((await s.del(`/api/v1/plan/dreams/${d.id}`)).status, 204);

      // nginx ends the stalled ones: client_header_timeout and
      // client_body_timeout are 10 s; wait for them up to 18 s after the start.
      const stalled = slow.filter((c) => c.kind !== 'body trickle');
      while (stalled.some((c) => !c.closedAt) && Date.now() - started < 18000) await sleep(250);
      const late = stalled.filter((c) => !c.closedAt).map((c) => c.kind);
      assert.deepEqual(late, [], 'stalled connections nginx had not closed 18 s after they opened');
      assert.ok(slow.filter((c) => c.kind === 'body trickle').every((c) => !c.closedAt), 'nginx closed a client that was still sending');
    } finally {
      for (const c of slow) {
        clearInterval(c.timer);
        c.sock.destroy();
      }
    }
    // Whatever nginx wrote before closing is no 5xx.
    for (const c of slow) assert.ok(!/^HTTP\/1\.1 5/.test(c.got), `${c.kind}: ${c.got.slice(0, 200)}`);
    assertNotInDb(m);
  });

  healthyTest('50 slow clients');
  no5xxTest();
});
