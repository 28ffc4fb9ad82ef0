// Production TLS in nginx (nginx/tls-on.conf, scripts/lib.sh kp_tls_check):
// a stack of its own started with KAPTAJN_TLS_CERT, KAPTAJN_TLS_KEY and
// KAPTAJN_TLS_PORT, on a self-signed certificate this file makes with
// openssl. Plain HTTP answers every request with a 301 to https, path and
// query kept; HTTPS serves the site with Strict-Transport-Security on every
// answer, with TLS 1.2 or 1.3 only. Settings that cannot work are refused
// before nginx starts. Its public_url is then https, so a login's cookies
// carry the __Host- and __Secure- names. The shared dev stack, started
// without them, stays plain HTTP: no redirect and no HSTS.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SKIP, describeRes, freePort, request, runCmd, stackCmd, startOwnStack, stopOwnStack } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-tls` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!fs.existsSync(BIN) && `no program at ${BIN}`);
const HSTS = 'max-age=63072000; includeSubDomains';

/** A self-signed certificate for 127.0.0.1 and localhost: { cert, key } paths. */
async function selfSigned(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = await runCmd('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  assert.equal(r.code, 0, r.out);
  return { cert, key };
}

/** A GET over HTTPS that trusts only ca: { status, headers, text, protocol, cipher, peer }. */
function httpsGet(port, urlPath, { ca, headers = {}, maxVersion } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: urlPath, method: 'GET', headers, ca, agent: false, maxVersion, timeout: 10000 },
      (res) => {
        const chunks = [];
        const sock = res.socket;
        const tls = { protocol: sock.getProtocol(), cipher: sock.getCipher().name, peer: sock.getPeerCertificate().fingerprint256 };
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ...tls }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath}: no answer`)));
    req.on('error', reject);
    req.end();
  });
}

describe('TLS settings that cannot work are refused before nginx starts', { skip: SKIP }, () => {
  let tmp;
  let files;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-tls-'));
    files = await selfSigned(tmp);
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  const check = (env) =>
    runCmd('bash', ['-c', '. "$1/scripts/lib.sh" && kp_tls_check && printf "%s %s %s\\n" "$KP_TLS_CERT" "$KP_TLS_KEY" "$KP_TLS_PORT"', 'x', REPO], {
      env: { KAPTAJN_TLS_CERT: '', KAPTAJN_TLS_KEY: '', KAPTAJN_TLS_PORT: '', ...env },
    });

  it('a certificate without its key is refused, and a key without its certificate', async () => {
    for (const env of [{ KAPTAJN_TLS_CERT: files.cert }, { KAPTAJN_TLS_KEY: files.key }]) {
      const r = await check(env);
      assert.notEqual(r.code, 0, `${JSON.stringify(env)} was accepted: ${r.out}`);
      assert.match(r.out, /KAPTAJN_TLS_CERT and KAPTAJN_TLS_KEY go together/);
    }
  });

  it('a file that is not there is refused with its name', async () => {
    const r = await check({ KAPTAJN_TLS_CERT: path.join(tmp, 'nothing.pem'), KAPTAJN_TLS_KEY: files.key });
    assert.notEqual(r.code, 0);
    assert.match(r.out, /no readable TLS file at .*nothing\.pem/);
  });

  it('a port that is not a port is refused', async () => {
    for (const port of ['0', '65536', '44x', '-1']) {
      const r = await check({ KAPTAJN_TLS_CERT: files.cert, KAPTAJN_TLS_KEY: files.key, KAPTAJN_TLS_PORT: port });
      assert.notEqual(r.code, 0, `port ${port} was accepted`);
      assert.match(r.out, /is not a port/);
    }
  });

  it('good settings: absolute paths, port 443 unless told', async () => {
    const r = await check({ KAPTAJN_TLS_CERT: files.cert, KAPTAJN_TLS_KEY: files.key });
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.trim(), `${fs.realpathSync(files.cert)} ${fs.realpathSync(files.key)} 443`);
    const none = await check({});
    assert.equal(none.code, 0, none.out);
    assert.equal(none.out.trim(), '443', 'without the files TLS stays off (KP_TLS_CERT empty)');
  });
});

describe('the dev stack without TLS settings stays plain HTTP', { skip: SKIP }, () => {
  it('answers on http without a redirect and without HSTS', async () => {
    for (const p of ['/api/v1/healthz', '/', '/api/v1/nothing-here']) {
      const res = await request('GET', p);
      assert.notEqual(res.status, 301, `${p}: ${describeRes(res)}`);
      assert.ok(res.status === 200 || res.status === 404, `${p}: ${describeRes(res)}`);
      assert.equal(res.headers['strict-transport-security'], undefined, `${p} carries HSTS over plain HTTP`);
    }
  });
});

describe('with a certificate: HTTPS with HSTS, and HTTP only redirects', { skip: NEED }, () => {
  let tmp;
  let files;
  let httpUrl;
  let tlsPort;
  let ca;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-tls-'));
    files = await selfSigned(tmp);
    ca = fs.readFileSync(files.cert);
    tlsPort = await freePort();
    ({ url: httpUrl } = await startOwnStack(VAR, {
      env: { KAPTAJN_BIN: BIN, KAPTAJN_TLS_CERT: files.cert, KAPTAJN_TLS_KEY: files.key, KAPTAJN_TLS_PORT: String(tlsPort) },
    }));
  });

  after(async () => {
    if (VAR) await stopOwnStack(VAR);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('plain HTTP answers 301 to https with the path and query kept, for any path and method', async () => {
    const cases = [
      ['GET', '/api/v1/healthz'],
      ['GET', '/'],
      ['GET', '/admin/?a=1'],
      ['GET', '/api/v1/login?return_to=%2F%23%2Fplan&x=1'],
      ['POST', '/api/v1/session'],
      ['GET', '/no/such/page?q=a%20b'],
    ];
    for (const [method, p] of cases) {
      const res = await request(method, p, { base: httpUrl, headers: { Host: 'kaptajn.kommune.example' } });
      assert.equal(res.status, 301, `${method} ${p}: ${describeRes(res)}`);
      assert.equal(res.headers.location, `https://kaptajn.kommune.example:${tlsPort}${p}`, `${method} ${p}`);
    }
  });

  it('plain HTTP answers /metrics to the host itself (its Prometheus), and only that', async () => {
    const res = await request('GET', '/metrics', { base: httpUrl });
    assert.equal(res.status, 200, describeRes(res));
    assert.match(res.text, /^kaptajn_http_requests_total\{/m);
    // The paths next to it still go to https.
    const other = await request('GET', '/metrics/x', { base: httpUrl });
    assert.equal(other.status, 301, describeRes(other));
  });

  it('HTTPS serves the API and the pages with our certificate and Strict-Transport-Security on every answer', async () => {
    const health = await httpsGet(tlsPort, '/api/v1/healthz', { ca });
    assert.equal(health.status, 200, health.text);
    assert.equal(health.headers['strict-transport-security'], HSTS);
    assert.equal(health.peer, new crypto.X509Certificate(ca).fingerprint256, 'our certificate is served');
    for (const p of ['/', '/admin/', '/api/v1/plan', '/api/v1/nothing-here', '/openapi.json', '/assets/nothing.css']) {
      const res = await httpsGet(tlsPort, p, { ca });
      assert.ok([200, 401, 404].includes(res.status), `${p}: ${res.status}`);
      assert.equal(res.headers['strict-transport-security'], HSTS, `${p} (${res.status}) lacks HSTS`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', `${p} keeps the other security headers`);
    }
    const bad = await httpsGet(tlsPort, `/api/v1/${'x'.repeat(9000)}`, { ca });
    assert.ok(bad.status >= 400 && bad.status < 500, `a too long URI: ${bad.status}`);
    assert.equal(bad.headers['strict-transport-security'], HSTS, 'nginx\'s own error carries HSTS');
  });

  /** Follows one login through the dev IdP with login_hint, by hand (the
   * pre-login cookie carried to the callback); returns the callback's
   * Set-Cookie lines. */
  async function loginCookies(prefix, sub) {
    let start;
    // The pools fetch the discovery document through this very nginx,
    // which starts after them: until their refresh job retries, 503.
    for (let i = 0; i < 40; i++) {
      start = await httpsGet(tlsPort, `${prefix}/login?login_hint=${sub}`, { ca });
      if (start.status !== 503) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(start.status, 302, `${prefix}/login: ${start.status} ${start.text.slice(0, 200)}`);
    const pre = (start.headers['set-cookie'] || []).map((c) => c.split(';')[0]);
    assert.equal(pre.length, 1, 'one pre-login cookie');
    assert.match(pre[0], /^__Secure-kaptajn_login_/, 'the pre-login cookie is __Secure- on https');
    const authorize = new URL(start.headers.location);
    assert.equal(authorize.origin, `https://127.0.0.1:${tlsPort}`, 'the dev IdP is on https too');
    const code = await httpsGet(tlsPort, authorize.pathname + authorize.search, { ca });
    assert.equal(code.status, 302, `authorize: ${code.status} ${code.text.slice(0, 200)}`);
    const back = new URL(code.headers.location);
    assert.equal(back.origin, `https://127.0.0.1:${tlsPort}`);
    const cb = await httpsGet(tlsPort, back.pathname + back.search, { ca, headers: { Cookie: pre[0] } });
    assert.equal(cb.status, 200, `callback: ${cb.text.slice(0, 300)}`);
    return cb.headers['set-cookie'] || [];
  }

  it('with an https public_url a citizen\'s login sets __Host- cookies (Path=/)', async () => {
    const set = await loginCookies('/api/v1', 'anna');
    const session = set.find((c) => c.startsWith('__Host-kaptajn_session='));
    assert.ok(session, `__Host-kaptajn_session among ${set.map((c) => c.split('=')[0]).join(', ')}`);
    assert.match(session, /; Path=\/(;|$)/);
    assert.match(session, /; Secure/);
    assert.doesNotMatch(session, /Domain=/i, 'a __Host- cookie has no Domain');
    assert.ok(set.some((c) => /^__Host-kaptajn_csrf=[^;]+;.*Path=\/(;|$)/.test(c)), 'the handoff cookie is __Host- too');
    assert.ok(!set.some((c) => /^kaptajn_session=[^;]/.test(c)), 'no plain-named session cookie');
  });

  it('with an https public_url a staff login sets __Secure-kaptajn_staff_session', async () => {
    const set = await loginCookies('/admin/api/v1', 'mette');
    const session = set.find((c) => c.startsWith('__Secure-kaptajn_staff_session='));
    assert.ok(session, `__Secure-kaptajn_staff_session among ${set.map((c) => c.split('=')[0]).join(', ')}`);
    assert.match(session, /; Path=\/admin\/(;|$)/);
    assert.ok(set.some((c) => c.startsWith('__Secure-kaptajn_staff_csrf=')), 'the staff handoff cookie is __Secure-');
  });

  it('TLS 1.3 is chosen when offered, and TLS 1.2 uses a forward-secret AEAD cipher', async () => {
    const t13 = await httpsGet(tlsPort, '/api/v1/healthz', { ca });
    assert.equal(t13.protocol, 'TLSv1.3');
    const t12 = await httpsGet(tlsPort, '/api/v1/healthz', { ca, maxVersion: 'TLSv1.2' });
    assert.equal(t12.status, 200);
    assert.equal(t12.protocol, 'TLSv1.2');
    assert.match(t12.cipher, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });
});
