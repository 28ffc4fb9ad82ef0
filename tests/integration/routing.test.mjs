// Unknown paths, wrong methods and the errors nginx answers itself: under
// /api/ every one is JSON in the API's error shape, never 5xx. Sends only
// requests that are refused, so it takes no lock.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { SKIP, VAR, expectError, expectStatus, login, no5xxTest, rawRequest, request } from './lib.mjs';

function host() {
  return new URL(process.env.KAPTAJN_URL).host;
}

describe('routing and nginx errors', { skip: SKIP }, () => {
  for (const path of [
    '/api/v1/nope',
    '/api/v1/plan/nope',
    '/api/v1/plan/dreams/1/extra',
    '/api/v1/plan/history/1',
    '/api/v1/proposals/1/withdrawal/x',
    '/api/v1/admin/citizens',
    '/api/v1/',
  ]) {
    it(`GET ${path} with a session is 404 not_found JSON`, async () => {
      const s = await login('anna');
      expectError(await s.get(path), 404, 'not_found');
    });
  }

  it('an unknown path under /api/v1/ without a session is JSON 404 or 401', async () => {
    const res = await request('GET', '/api/v1/nope');
    expectError(res, [401, 404], res.status === 404 ? 'not_found' : 'unauthorized');
  });

  for (const path of ['/api/', '/api/v2/plan', '/api/v0/plan', '/api/x']) {
    it(`GET ${path} is 404 not_found JSON`, async () => {
      expectError(await request('GET', path), 404, 'not_found');
    });
  }

  for (const [method, path] of [
    ['PATCH', '/api/v1/plan'],
    ['DELETE', '/api/v1/plan'],
    ['POST', '/api/v1/plan'],
    ['PUT', '/api/v1/plan'],
    ['GET', '/api/v1/plan/dreams'],
    ['DELETE', '/api/v1/plan/dreams'],
    ['GET', '/api/v1/plan/dreams/1'],
    ['POST', '/api/v1/plan/dreams/1'],
    ['PATCH', '/api/v1/plan/dreams/1'],
    ['DELETE', '/api/v1/plan/acceptance'],
    ['PUT', '/api/v1/plan/acceptance'],
    ['POST', '/api/v1/plan/history'],
    ['POST', '/api/v1/contact'],
    ['DELETE', '/api/v1/access-log'],
    ['PUT', '/api/v1/proposals'],
    ['GET', '/api/v1/proposals/1/withdrawal'],
    ['PUT', '/api/v1/session'],
    ['POST', '/api/v1/healthz'],
  ]) {
    it(`${method} ${path} is 405 method_not_allowed JSON`, async () => {
      const s = await login('anna');
      const opts = ['POST', 'PUT', 'PATCH'].includes(method) ? { json: {} } : {};
      expectError(await s.request(method, path, opts), 405, 'method_not_allowed');
    });
  }

  it('TRACE under /api/v1/ is 405 JSON (from nginx)', async () => {
    expectError(await request('TRACE', '/api/v1/plan'), 405, 'method_not_allowed');
  });

  it('a 20 KB URI under /api/v1/ is 414 JSON', async () => {
    expectError(await request('GET', `/api/v1/plan?${'x'.repeat(20 * 1024)}`), 414);
  });

  it('a 20 KB Cookie header is 400 JSON', async () => {
    expectError(await request('GET', '/api/v1/plan', { cookie: `kaptajn_session=${'A'.repeat(20 * 1024)}` }), 400);
  });

  it('a request with two Host headers under /api/ is 400 JSON', async () => {
    const res = await rawRequest(`GET /api/v1/healthz HTTP/1.1\r\nHost: ${host()}\r\nHost: other.invalid\r\nConnection: close\r\n\r\n`);
    expectError(res, 400);
  });

  it('a request line nginx cannot read is 400 JSON', async () => {
    const res = await rawRequest('GET /api/v1/plan HTTP/1.1 junk\r\nConnection: close\r\n\r\n');
    expectError(res, 400);
  });

  it('a header with a NUL byte is 400 and not 5xx', async () => {
    const res = await rawRequest(Buffer.from(`GET /api/v1/healthz HTTP/1.1\r\nHost: ${host()}\r\nX-A: a\0b\r\nConnection: close\r\n\r\n`, 'latin1'));
    expectError(res, 400);
  });

  it('a POST with both Content-Length and chunked encoding is 400, not 5xx', async () => {
    const s = await login('anna');
    // Refused however it is read (the text is empty), so nothing can land.
    const body = '{"text":""}';
    const chunk = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const res = await rawRequest(
      `POST /api/v1/plan/dreams HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${s.cookie}\r\nX-CSRF-Token: ${s.csrf}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk}`,
    );
    expectError(res, 400);
  });

  it('API answers carry X-Content-Type-Options nosniff and Cache-Control no-store', async () => {
    for (const res of [await request('GET', '/api/v1/healthz'), await request('GET', '/api/v1/plan'), await request('GET', '/api/v1/nope')]) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff', `${res.status}`);
      assert.match(res.headers['cache-control'] || '', /no-store/, `${res.status}`);
    }
  });

  it('a %0A in the path cannot forge a line of the access log', { skip: !VAR && 'KAPTAJN_VAR is not set' }, async () => {
    // nginx decodes the path it passes: %0A arrives as a newline. The
    // access line names the route table's pattern, never the path, so
    // nothing of the path reaches the log at all.
    const marker = `forged${Date.now()}${process.pid}`;
    const forged = `ts=2026-01-01T00:00:00.000Z level=info msg=access pool=citizen rid=${marker} method=GET route=/api/v1/plan status=200 dur_us=1`;
    const res = await request('GET', `/api/v1/x%0A${encodeURIComponent(forged)}`);
    expectError(res, 404, 'not_found');
    const log = fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8');
    assert.ok(!log.includes(marker), 'the forged text is in the log');
    const own = log.split('\n').filter((line) => line.includes(` rid=${res.headers['x-request-id']} `));
    assert.equal(own.length, 1, 'the request\'s own access line');
    assert.match(own[0], /^ts=\S+ level=info msg=access pool=citizen rid=\S+ method=GET route=unmatched status=404 dur_us=\d+$/);
  });

  it('GET /api/v1/healthz needs no session', async () => {
    expectStatus(await request('GET', '/api/v1/healthz'), 200);
  });

  no5xxTest();
});
