// lib.mjs: helpers for the integration tests, which drive a whole stack
// (nginx, the FastCGI pools, MariaDB) started by scripts/test. Node
// built-ins only, so the suite runs on Debian 12's Node 18 as well.
//
// Environment (set by scripts/test; see scripts/lib.sh kp_stack_env):
//   KAPTAJN_URL        base URL of nginx; unset: every test file skips
//   KAPTAJN_VAR        the stack's directory (dev IdP keys in dev-idp/)
//   KAPTAJN_CONFIG     the program's config file (db_name is read from it)
//   KAPTAJN_DB_SOCKET  MariaDB's unix socket; the OS user connects as itself
//                      (unset: the database checks are left out)
//   KAPTAJN_BIN        the program, for `kaptajn verify-audit` (unset:
//                      build/kaptajn; the audit-chain checks need the config)
//
// Against a stack of your own:
//   scripts/stack start var/mine 38123
//   eval "$(scripts/stack env var/mine)"; export KAPTAJN_URL KAPTAJN_VAR \
//     KAPTAJN_CONFIG KAPTAJN_DB_SOCKET KAPTAJN_BIN
//   node --test tests/integration/            (one file: give its path)

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { forgetCitizensSql } from '../shared/forget.mjs';

export const BASE = (process.env.KAPTAJN_URL || '').replace(/\/+$/, '');
/** Passed as { skip: SKIP } to every suite: false when a stack is there. */
export const SKIP = BASE ? false : 'KAPTAJN_URL is not set: no stack to test';
export const VAR = process.env.KAPTAJN_VAR || '';

export const CITIZEN_ISSUER = 'https://dev-idp.kaptajn.invalid/citizen';
export const CITIZEN_AUD = 'kaptajn-citizen';
export const ADMIN_AUD = 'kaptajn-admin';
export const LOA = {
  low: 'https://data.gov.dk/concept/core/nsis/Low',
  substantial: 'https://data.gov.dk/concept/core/nsis/Substantial',
  high: 'https://data.gov.dk/concept/core/nsis/High',
};

// Longer than nginx's fastcgi_read_timeout, so a stuck pool shows as its 504.
const REQUEST_TIMEOUT_MS = 20000;

// ---------------------------------------------------------------- HTTP

function target(base = BASE) {
  const u = new URL(base);
  return { host: u.hostname, port: Number(u.port) || 80 };
}

function parseJson(text) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One HTTP request through nginx on a fresh connection.
 *   method, path ('/api/v1/plan', raw: it is sent as given)
 *   opts.json      a value to send as JSON (sets Content-Type application/json)
 *   opts.body      a string or Buffer sent as is
 *   opts.headers   extra headers; a value of null removes a default one
 *   opts.cookie    the Cookie header
 *   opts.csrf      the X-CSRF-Token header
 *   opts.chunked   send the body with Transfer-Encoding: chunked
 *   opts.retry429  false to see a 429; by default a 429 (nginx's rate
 *                  limit, which none of these tests is about, and which
 *                  passed nothing on) is retried after Retry-After, for up
 *                  to about 30 s
 *   opts.base      another stack's base URL (default KAPTAJN_URL)
 * Resolves to { status, headers, body (Buffer), text, json, setCookie }.
 * Never rejects for an HTTP status; rejects on a network error or timeout.
 */
export async function request(method, urlPath, opts = {}) {
  for (let i = 0; ; i++) {
    const res = await requestOnce(method, urlPath, opts);
    if (res.status >= 500) serverErrors.push(`${method} ${urlPath.slice(0, 80)}: ${describeRes(res)}`);
    if (res.status !== 429 || opts.retry429 === false || i >= 15) return res;
    await sleep(Math.min(5, Math.max(1, Number(res.headers['retry-after']) || 1)) * 1000);
  }
}

function requestOnce(method, urlPath, opts) {
  const { host, port } = target(opts.base);
  const headers = {};
  let body = null;
  if (opts.json !== undefined) {
    body = Buffer.from(JSON.stringify(opts.json), 'utf8');
    headers['Content-Type'] = 'application/json';
  } else if (opts.body !== undefined && opts.body !== null) {
    body = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
  }
  if (opts.cookie) headers.Cookie = opts.cookie;
  if (opts.csrf) headers['X-CSRF-Token'] = opts.csrf;
  for (const [k, v] of Object.entries(opts.headers || {})) {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
    }
    if (v !== null && v !== undefined) headers[k] = v;
  }
  const has = (name) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (body && !opts.chunked && !has('content-length')) headers['Content-Length'] = String(body.length);

  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      { host, port, method, path: urlPath, headers, agent: false, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          const sc = res.headers['set-cookie'];
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: buf,
            text,
            json: parseJson(text),
            setCookie: Array.isArray(sc) ? sc : sc ? [sc] : [],
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    // nginx may answer (413) and close before the whole body is written:
    // an error after the answer began is not the test's concern.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (body && opts.chunked) {
      const step = Math.max(1, Math.ceil(body.length / 3));
      for (let i = 0; i < body.length; i += step) req.write(body.subarray(i, i + step));
      req.end();
    } else {
      req.end(body || undefined);
    }
  });
}

/**
 * Sends bytes as they are on a fresh TCP connection (for requests node:http
 * refuses to make) and reads until the server closes. Resolves to
 * { status, headers (lower-case names), text, json, raw }.
 */
export function rawRequest(bytes, { timeoutMs = REQUEST_TIMEOUT_MS, base } = {}) {
  const { host, port } = target(base);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = net.connect({ host, port });
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error('raw request: no answer in time')));
    sock.on('connect', () => sock.end(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1')));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (err) => (chunks.length ? finish() : reject(err)));
    sock.on('close', finish);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks);
      const sep = raw.indexOf('\r\n\r\n');
      const head = (sep < 0 ? raw : raw.subarray(0, sep)).toString('latin1');
      let body = sep < 0 ? Buffer.alloc(0) : raw.subarray(sep + 4);
      const lines = head.split('\r\n');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] || '');
      const headers = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      if (/chunked/i.test(headers['transfer-encoding'] || '')) body = dechunk(body);
      const text = body.toString('utf8');
      resolve({ status: m ? Number(m[1]) : 0, headers, text, json: parseJson(text), raw });
    }
  });
}

function dechunk(buf) {
  const out = [];
  let i = 0;
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) break;
    const n = parseInt(buf.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(n) || n === 0) break;
    out.push(buf.subarray(eol + 2, eol + 2 + n));
    i = eol + 2 + n + 2;
  }
  return Buffer.concat(out);
}

// Every 5xx answer this process saw, for no5xxTest().
const serverErrors = [];

/**
 * Adds a last test to the current suite: no request of this file, the
 * set-up and the checks included, was answered 5xx.
 */
export function no5xxTest() {
  it('no answer in this file was 5xx', () => {
    assert.deepEqual(serverErrors, []);
  });
}

/** A short description of an answer for assertion messages. */
export function describeRes(res) {
  return `${res.status} ${res.headers['content-type'] || '-'} ${res.text.slice(0, 400)}`;
}

/** Asserts the status, with the answer in the message. Returns res. */
export function expectStatus(res, status) {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  assert.ok(ok, `expected status ${status}, got ${describeRes(res)}`);
  assert.ok(res.status < 500, `5xx answer: ${describeRes(res)}`);
  return res;
}

/** Asserts a JSON answer with the given status. Returns res.json. */
export function expectJson(res, status) {
  expectStatus(res, status);
  assert.match(res.headers['content-type'] || '', /^application\/json\b/i, `not JSON: ${describeRes(res)}`);
  assert.ok(res.json !== undefined, `body is not valid JSON: ${describeRes(res)}`);
  return res.json;
}

/**
 * Asserts an error answer {"error":{"code","message"}} in JSON with the given
 * status (a number or a list) and, when given, code (a string or a list).
 */
export function expectError(res, status, code) {
  const body = expectJson(res, status);
  assert.ok(body && typeof body.error === 'object' && body.error !== null, `no error object: ${describeRes(res)}`);
  assert.equal(typeof body.error.code, 'string', `error.code: ${describeRes(res)}`);
  assert.equal(typeof body.error.message, 'string', `error.message: ${describeRes(res)}`);
  if (code !== undefined) {
    const codes = Array.isArray(code) ? code : [code];
    assert.ok(codes.includes(body.error.code), `expected code ${codes.join('|')}, got ${describeRes(res)}`);
  }
  return body.error;
}

// ------------------------------------------------------- dev IdP, login

function form(fields) {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** A TCP port on 127.0.0.1 that nothing listens on now (for a stack of a test's own). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const STACK_SCRIPT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'scripts', 'stack');

/** Runs a program: resolves { code, out } (stdout, then stderr; code null when it was killed). */
export function runCmd(cmd, args, { env = {}, timeout = 120000 } = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: `${stdout || ''}${stderr || ''}` });
    });
  });
}

/** scripts/stack with these arguments and more environment: { code, out }. */
export function stackCmd(args, env = {}) {
  return runCmd(STACK_SCRIPT, args, { env, timeout: 180000 });
}

/**
 * Starts a stack of a test's own in dir (stopped and wiped first) on a free
 * port, up to three tries, with more arguments after the port
 * (--no-dev-idp) and more environment (an object, or a function of the
 * port that returns one). Resolves { url, socket } (its MariaDB socket);
 * throws with the end of the output. Stop it with stackCmd(['stop', dir])
 * in after(), also when this threw.
 */
export async function startOwnStack(dir, { args = [], env = {} } = {}) {
  await stackCmd(['stop', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
  let last = '';
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const r = await stackCmd(['start', dir, String(port), ...args], typeof env === 'function' ? env(port) : env);
    if (r.code === 0) {
      const e = await stackCmd(['env', dir]);
      const socket = /^KAPTAJN_DB_SOCKET=(.*)$/m.exec(e.out)[1].replace(/^'(.*)'$/, '$1');
      return { url: `http://127.0.0.1:${port}`, socket };
    }
    last = r.out;
  }
  throw new Error(`the stack in ${dir} did not start:\n${last.slice(-2000)}`);
}

/**
 * Logs in through the dev IdP of the stack at base (a stack of a test's
 * own): { cookie, csrf, body } of a citizen session, or a staff one.
 */
export async function loginAt(base, sub, staff = false) {
  const req = (method, p, opts) => request(method, p, { ...opts, base });
  const t = await req('POST', '/dev-idp/token', {
    body: `sub=${sub}&aud=${staff ? ADMIN_AUD : CITIZEN_AUD}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(t.status, 200, describeRes(t));
  const res = await req('POST', staff ? `${ADMIN}/session` : '/api/v1/session', { json: { id_token: t.text.trim() } });
  const body = expectJson(res, 201);
  const name = staff ? 'kaptajn_staff_session' : 'kaptajn_session';
  return { cookie: new RegExp(`${name}=[^;]*`).exec(res.setCookie.join('\n'))[0], csrf: body.csrf_token, body, staff };
}

const SAN_RE = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;

/**
 * Stops a stack of a test's own (startOwnStack) and asserts that it stopped
 * cleanly and that no log of it holds a sanitizer report. Returns its logs
 * as { file name: text }.
 */
export async function stopOwnStack(dir) {
  const r = await stackCmd(['stop', dir]);
  assert.equal(r.code, 0, r.out);
  const logs = {};
  for (const f of fs.readdirSync(path.join(dir, 'log'))) {
    const text = fs.readFileSync(path.join(dir, 'log', f), 'utf8');
    const at = text.search(SAN_RE);
    assert.ok(at < 0, `sanitizer report in ${f}: ${text.slice(at, at + 1500)}`);
    logs[f] = text;
  }
  return logs;
}

/** The dev IdP's answer to a token request (status not checked). */
export function devTokenRes({ sub, aud = CITIZEN_AUD, loa, ttl, alg } = {}) {
  return request('POST', '/dev-idp/token', {
    body: form({ sub, aud, loa, ttl, alg }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/** A signed ID token from the dev IdP. Throws unless it answers 200. */
export async function devToken(params = {}) {
  const res = await devTokenRes(params);
  assert.equal(res.status, 200, `dev IdP token for ${JSON.stringify(params)}: ${describeRes(res)}`);
  const token = res.text.trim();
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, 'dev IdP answer is not a JWT');
  return token;
}

/** POST /api/v1/session with this id_token (or any body given as opts). */
export function postSession(idToken, opts = {}) {
  const o = idToken === undefined ? opts : { json: { id_token: idToken }, ...opts };
  return request('POST', '/api/v1/session', o);
}

/** The value of the kaptajn_session cookie set by an answer, or null. */
export function sessionCookieOf(res) {
  for (const line of res.setCookie) {
    const m = /^\s*kaptajn_session=([^;]*)/.exec(line);
    if (m) return m[1];
  }
  return null;
}

/**
 * A logged-in session of either pool: request() and the verb helpers send
 * its cookie and CSRF token; pass cookie: null or csrf: null (or another
 * value) to override them. Paths are full ones ('/admin/api/v1/citizens').
 */
class ApiSession {
  request(method, urlPath, opts = {}) {
    const o = { ...opts };
    if (!('cookie' in o)) o.cookie = this.cookie;
    if (!('csrf' in o)) o.csrf = this.csrf;
    return request(method, urlPath, o);
  }
  get(p, o) { return this.request('GET', p, o); }
  post(p, json, o = {}) { return this.request('POST', p, json === undefined ? o : { json, ...o }); }
  put(p, json, o = {}) { return this.request('PUT', p, json === undefined ? o : { json, ...o }); }
  patch(p, json, o = {}) { return this.request('PATCH', p, json === undefined ? o : { json, ...o }); }
  del(p, o) { return this.request('DELETE', p, o); }
}

/** A logged-in citizen: the cookie and CSRF token, sent on every call. */
export class Session extends ApiSession {
  constructor({ cookie, csrf, citizen, setCookie, sub }) {
    super();
    this.cookie = cookie; // "kaptajn_session=VALUE"
    this.csrf = csrf;
    this.citizen = citizen;
    this.setCookie = setCookie;
    this.sub = sub;
  }


  /** GET /api/v1/plan, asserted 200; returns { plan, etag, res }. */
  async plan() {
    const res = await this.get('/api/v1/plan');
    const plan = expectJson(res, 200);
    return { plan, etag: res.headers.etag, res };
  }
  /** POST a dream, asserted 201; returns the dream. */
  async addDream(text) {
    const res = await this.post('/api/v1/plan/dreams', { text });
    return expectJson(res, 201);
  }
}

/** Logs in the demo citizen sub through the dev IdP; asserts 201. */
export async function login(sub, { loa, alg } = {}) {
  const token = await devToken({ sub, loa, alg });
  const res = await postSession(token);
  const body = expectJson(res, 201);
  const value = sessionCookieOf(res);
  assert.ok(value, `login of ${sub} set no kaptajn_session cookie: ${JSON.stringify(res.setCookie)}`);
  assert.equal(typeof body.csrf_token, 'string', 'csrf_token');
  return new Session({
    cookie: `kaptajn_session=${value}`,
    csrf: body.csrf_token,
    citizen: body.citizen,
    setCookie: res.setCookie,
    sub,
  });
}

// ------------------------------------------------------------ tokens

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const b64uJson = (v) => b64u(typeof v === 'string' ? v : JSON.stringify(v));

/** Splits a JWT: { header, payload (objects), parts (the 3 strings) }. */
export function decodeJwt(token) {
  const parts = token.split('.');
  return {
    header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
    parts,
  };
}

const devFile = (name) => {
  assert.ok(VAR, 'KAPTAJN_VAR is not set: the dev IdP keys are needed');
  return fs.readFileSync(path.join(VAR, 'dev-idp', name));
};
let keyCache = null;
/** The dev IdP's keys: { es256, rs256 (private KeyObjects), jwks }. */
export function devKeys() {
  if (!keyCache) {
    keyCache = {
      es256: crypto.createPrivateKey(devFile('es256.pem')),
      rs256: crypto.createPrivateKey(devFile('rs256.pem')),
      jwks: JSON.parse(devFile('jwks.json').toString('utf8')),
    };
  }
  return keyCache;
}

/** The public keys in jwks.json as { kid, kty, key (KeyObject) }. */
export function jwksPublicKeys() {
  return devKeys().jwks.keys.map((jwk) => {
    const pub =
      jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, n: jwk.n, e: jwk.e };
    return { kid: jwk.kid, kty: jwk.kty, key: crypto.createPublicKey({ key: pub, format: 'jwk' }) };
  });
}

function kidFor(alg) {
  const kty = alg === 'RS256' ? 'RSA' : 'EC';
  const k = devKeys().jwks.keys.find((j) => j.kty === kty);
  return k ? k.kid : undefined;
}

/**
 * Signs header.payload. header and payload are objects or raw JSON strings
 * (raw strings allow literals JSON.stringify cannot make, like 1.5e9).
 *   signAs: 'ES256' | 'RS256' (dev private keys, or key), 'HS256' (secret),
 *           'none' (empty signature); default: header.alg.
 */
export function signJwt(header, payload, { signAs, key, secret } = {}) {
  const alg = signAs || (typeof header === 'string' ? JSON.parse(header).alg : header.alg);
  const input = `${b64uJson(header)}.${b64uJson(payload)}`;
  let sig;
  switch (alg) {
    case 'ES256':
      sig = crypto.sign('sha256', Buffer.from(input), { key: key || devKeys().es256, dsaEncoding: 'ieee-p1363' });
      break;
    case 'RS256':
      sig = crypto.sign('sha256', Buffer.from(input), key || devKeys().rs256);
      break;
    case 'HS256':
      sig = crypto.createHmac('sha256', secret).update(input).digest();
      break;
    default:
      sig = Buffer.alloc(0);
  }
  return `${input}.${b64u(sig)}`;
}

const claimsCache = new Map();
/** The claims the dev IdP puts in a token for sub (from a real token). */
export async function devClaims(sub, aud = CITIZEN_AUD) {
  const k = `${sub} ${aud}`;
  if (!claimsCache.has(k)) claimsCache.set(k, decodeJwt(await devToken({ sub, aud })).payload);
  return { ...claimsCache.get(k) };
}

/**
 * A token forged with the dev keys: the dev IdP's claims for sub with a
 * fresh jti and times, then `claims` merged in and `drop` removed.
 *   alg: 'ES256' | 'RS256'; header: extra header fields; rawPayload: a
 *   function (claims object) => JSON text, for literals JSON cannot make.
 */
export async function forgeToken({ sub = 'anna', aud, alg = 'ES256', claims = {}, drop = [], header = {}, rawPayload, sign = {} } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const base = await devClaims(sub, aud);
  const payload = { ...base, iat: now, nbf: now, exp: now + 300, jti: crypto.randomUUID(), ...claims };
  for (const d of drop) delete payload[d];
  const h = { alg, typ: 'JWT', kid: kidFor(alg), ...header };
  for (const [k, v] of Object.entries(header)) if (v === undefined) delete h[k];
  return signJwt(h, rawPayload ? rawPayload(payload) : payload, sign);
}

// ------------------------------------------------------------ database

function dbName() {
  const conf = process.env.KAPTAJN_CONFIG;
  if (conf && fs.existsSync(conf)) {
    const m = /^\s*db_name\s*=\s*(\S+)\s*$/m.exec(fs.readFileSync(conf, 'utf8'));
    if (m) return m[1];
  }
  return 'kaptajn';
}

/** True when the database can be reached for checks. */
export const HAVE_DB = Boolean(process.env.KAPTAJN_DB_SOCKET);

/**
 * Runs SQL through the mariadb client as the OS user; returns the rows as
 * arrays of strings (tab-separated batch output; NULL is the string "NULL").
 * opts.socket: another stack's MariaDB socket (its database is kaptajn).
 */
export function sql(query, { socket } = {}) {
  assert.ok(socket || HAVE_DB, 'KAPTAJN_DB_SOCKET is not set');
  const out = execFileSync(
    'mariadb',
    ['--no-defaults', `--socket=${socket || process.env.KAPTAJN_DB_SOCKET}`, `--user=${os.userInfo().username}`,
      '--batch', '--skip-column-names', '--default-character-set=utf8mb4', socket ? 'kaptajn' : dbName(), '-e', query],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15000 },
  );
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** An integer for SQL, refusing anything else. */
export function sqlInt(v) {
  const s = String(v);
  assert.match(s, /^[0-9]+$/, `not an id: ${s}`);
  return s;
}

/**
 * What the database holds of one plan, for "nothing changed" checks: its
 * version, every dream row (deleted ones too, with a hash of the text), the
 * history, proposal and acceptance rows. Null when there is no database.
 */
export function dbPlanState(planId) {
  if (!HAVE_DB) return null;
  const id = sqlInt(planId);
  return {
    plan: sql(`SELECT version, updated_at FROM plans WHERE id = ${id}`),
    dreams: sql(`SELECT id, citizen_id, SHA2(text, 256), updated_at, deleted_at FROM dreams WHERE plan_id = ${id} ORDER BY id`),
    history: sql(`SELECT COUNT(*), COALESCE(MAX(version), 0) FROM plan_history WHERE plan_id = ${id}`),
    proposals: sql(`SELECT id, status, SHA2(CONCAT_WS('|', kind, goal_id, title, description, reason), 256) FROM proposals WHERE plan_id = ${id} ORDER BY id`),
    acceptances: sql(`SELECT COUNT(*) FROM plan_acceptances WHERE plan_id = ${id}`),
  };
}

let textColumns = null;
/**
 * Where needle (a non-empty string) occurs, byte for byte, in any text or
 * binary column of any table: a list of "table.column: N rows". Used with
 * unique markers to show that a refused request wrote nothing anywhere.
 * Null when there is no database.
 */
export function dbFind(needle) {
  if (!HAVE_DB) return null;
  assert.ok(needle.length > 0);
  if (!textColumns) {
    textColumns = sql(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = DATABASE() AND t.table_type = 'BASE TABLE'
          AND c.data_type IN ('char','varchar','tinytext','text','mediumtext','longtext',
                              'binary','varbinary','tinyblob','blob','mediumblob','longblob','json')`,
    );
  }
  if (textColumns.length === 0) return [];
  const hex = Buffer.from(needle, 'utf8').toString('hex');
  const q = (s) => '`' + s.replace(/`/g, '``') + '`';
  const parts = textColumns.map(
    ([t, c]) => `SELECT '${t}.${c}', COUNT(*) FROM ${q(t)} WHERE LOCATE(X'${hex}', CAST(${q(c)} AS BINARY)) > 0`,
  );
  return sql(parts.join(' UNION ALL ')).filter(([, n]) => n !== '0').map(([w, n]) => `${w}: ${n} rows`);
}

/** Asserts that needle occurs nowhere in the database (when reachable). */
export function assertNotInDb(needle) {
  const found = dbFind(needle);
  if (found) assert.deepEqual(found, [], `"${needle.slice(0, 60)}" was written to the database`);
}

// ------------------------------------------------------- plan helpers

/** A unique ASCII marker, safe from any JSON or SQL escaping. */
/** All goals of a plan, sub-goals included, flat. */
export function flatGoals(goals) {
  return (goals || []).flatMap((g) => [g, ...flatGoals(g.subgoals)]);
}

export function marker(label = 'm') {
  return `kt-${label}-${crypto.randomBytes(6).toString('hex')}`;
}

/**
 * Everything a refused request must leave alone: the plan as the citizen
 * sees it, its ETag, and what the database holds of it.
 */
export async function planSnapshot(session) {
  const { plan, etag } = await session.plan();
  return { plan, etag, db: dbPlanState(plan.id) };
}

/** Asserts that the plan is as in a snapshot taken before. */
export async function assertUnchanged(session, before, what = 'the refused request') {
  const after = await planSnapshot(session);
  assert.deepEqual(after.plan, before.plan, `${what} changed the plan`);
  assert.equal(after.etag, before.etag, `${what} changed the ETag`);
  assert.deepEqual(after.db, before.db, `${what} changed the plan in the database`);
}

/**
 * Notes the dreams the sessions' plan has now; the returned function deletes
 * every dream added since (and any left by an earlier run, marked "kt-"),
 * through whichever session may, so repeated runs do not pile up dreams.
 */
export async function dreamCleaner(...sessions) {
  const { plan } = await sessions[0].plan();
  const known = new Set(plan.dreams.filter((d) => !d.text.includes('kt-')).map((d) => d.id));
  return async () => {
    const now = (await sessions[0].plan()).plan;
    for (const d of now.dreams) {
      if (known.has(d.id)) continue;
      for (const s of sessions) {
        const res = await s.del(`/api/v1/plan/dreams/${d.id}`);
        if (res.status === 204) break;
      }
    }
  };
}

/** Withdraws the session's pending proposals whose reason holds a test
 * marker ("kt-"), so that they do not pile up in caseworkers' lists. */
export async function withdrawTestProposals(session) {
  const res = await session.get('/api/v1/proposals');
  if (res.status !== 200 || !res.json || !Array.isArray(res.json.proposals)) return;
  for (const p of res.json.proposals) {
    if (p.status === 'pending' && String(p.reason).includes('kt-')) {
      await session.post(`/api/v1/proposals/${p.id}/withdrawal`);
    }
  }
}

/** Asserts { versions: [...] }: newest first, gap-free, well formed. */
export function assertHistory(body) {
  assert.ok(body && Array.isArray(body.versions), `history: ${JSON.stringify(body).slice(0, 200)}`);
  const v = body.versions;
  for (const e of v) {
    assert.ok(Number.isInteger(e.version) && e.version >= 1, `history version: ${JSON.stringify(e)}`);
    assert.equal(typeof e.at, 'string', `history at: ${JSON.stringify(e)}`);
    assert.ok(!Number.isNaN(Date.parse(e.at)), `history at is not a date: ${e.at}`);
    assert.ok('by' in e, `history by: ${JSON.stringify(e)}`);
    assert.equal(typeof e.summary, 'string', `history summary: ${JSON.stringify(e)}`);
  }
  for (let i = 1; i < v.length; i++) {
    assert.equal(v[i].version, v[i - 1].version - 1, `history not newest first and gap-free at ${i}: ${v.map((e) => e.version).join(',')}`);
  }
  return v;
}

// ------------------------------------------------- per-citizen locks

// node --test runs files in parallel processes. A file that needs a
// citizen's plan to hold still (exact versions, "nothing changed") holds
// that citizen's lock for its whole run; files that use other citizens run
// alongside. The locks live in the stack's directory.

function lockDir() {
  const base = VAR || path.join(os.tmpdir(), `kaptajn-test-${crypto.createHash('sha256').update(BASE).digest('hex').slice(0, 12)}`);
  const dir = path.join(base, 'test-locks');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function ownerAlive(dir) {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
  } catch {
    // Just made and not yet written, or an owner that died in between:
    // trust it for a while.
    try {
      return Date.now() - fs.statSync(dir).mtimeMs < 30000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Takes the locks of these demo citizens (in a fixed order, so two files
 * cannot deadlock), waiting up to 10 minutes. Returns a release function.
 */
export async function holdCitizens(...subs) {
  const dir = lockDir();
  const held = [];
  const release = () => {
    for (const d of held.splice(0)) {
      try {
        if (fs.readFileSync(path.join(d, 'pid'), 'utf8') === String(process.pid)) fs.rmSync(d, { recursive: true, force: true });
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', release);
  const deadline = Date.now() + 600000;
  for (const sub of [...new Set(subs)].sort()) {
    const d = path.join(dir, sub);
    for (;;) {
      try {
        fs.mkdirSync(d);
        fs.writeFileSync(path.join(d, 'pid'), String(process.pid));
        held.push(d);
        break;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
      if (!ownerAlive(d)) {
        fs.rmSync(d, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        release();
        throw new Error(`waited 10 minutes for the test lock of ${sub}`);
      }
      await sleep(100);
    }
  }
  return release;
}

// ------------------------------------------------ staff (admin pool)

/** The second of an ISO time ("at"), for comparisons at the logs' resolution. */
export const second = (iso) => Math.floor(Date.parse(iso) / 1000);
/** Now, in whole seconds. */
export const nowSecond = () => Math.floor(Date.now() / 1000);

export const ADMIN = '/admin/api/v1';
export const STAFF_ISSUER = 'https://dev-idp.kaptajn.invalid/staff';
export const STAFF_COOKIE = 'kaptajn_staff_session';

/** POST /admin/api/v1/session with this id_token (or any body given as opts). */
export function postStaffSession(idToken, opts = {}) {
  const o = idToken === undefined ? opts : { json: { id_token: idToken }, ...opts };
  return request('POST', `${ADMIN}/session`, o);
}

/** The value of the kaptajn_staff_session cookie set by an answer, or null. */
export function staffCookieOf(res) {
  for (const line of res.setCookie) {
    const m = /^\s*kaptajn_staff_session=([^;]*)/.exec(line);
    if (m) return m[1];
  }
  return null;
}

/** A logged-in staff member: { cookie, csrf, staff }, sent on every call. */
export class StaffSession extends ApiSession {
  constructor({ cookie, csrf, staff, setCookie, sub }) {
    super();
    this.cookie = cookie; // "kaptajn_staff_session=VALUE"
    this.csrf = csrf;
    this.staff = staff; // { id, name, role }
    this.setCookie = setCookie;
    this.sub = sub;
  }


  /** GET /admin/api/v1/citizens, asserted 200; returns the list. */
  async citizens() {
    const body = expectJson(await this.get(`${ADMIN}/citizens`), 200);
    assert.ok(body && Array.isArray(body.citizens), `citizens: ${JSON.stringify(body).slice(0, 200)}`);
    return body.citizens;
  }
  /** GET /admin/api/v1/citizens/{id}/plan, asserted 200; { plan, etag, res }. */
  async plan(citizenId) {
    const res = await this.get(`${ADMIN}/citizens/${citizenId}/plan`);
    const plan = expectJson(res, 200);
    return { plan, etag: res.headers.etag, res };
  }
}

/**
 * Logs in the demo staff member sub (a dev IdP token with aud
 * kaptajn-admin); asserts 201 and the kaptajn_staff_session cookie.
 */
export async function loginStaff(sub, { alg } = {}) {
  const token = await devToken({ sub, aud: ADMIN_AUD, alg });
  const res = await postStaffSession(token);
  const body = expectJson(res, 201);
  const value = staffCookieOf(res);
  assert.ok(value, `staff login of ${sub} set no ${STAFF_COOKIE} cookie: ${JSON.stringify(res.setCookie)}`);
  assert.equal(typeof body.csrf_token, 'string', 'csrf_token');
  assert.ok(body.staff && body.staff.id !== undefined, `staff: ${JSON.stringify(body)}`);
  return new StaffSession({
    cookie: `${STAFF_COOKIE}=${value}`,
    csrf: body.csrf_token,
    staff: body.staff,
    setCookie: res.setCookie,
    sub,
  });
}

/**
 * Adds a member to the staff directory as the leader session gives
 * ({ name, role, subject, ... }; the dev IdP's staff issuer unless given);
 * asserts 201 and returns the member.
 */
export async function addStaff(leader, fields) {
  const res = await leader.post(`${ADMIN}/staff`, { issuer: STAFF_ISSUER, title: '', ...fields });
  return expectJson(res, 201);
}

/**
 * Logs in a staff member who is not in the dev IdP's list (one a test
 * added to the directory): a token forged with the dev keys for subject
 * with this role claim. Resolves to the answer of the login (not asserted).
 */
export async function staffLoginRes(subject, role) {
  const token = await forgeToken({ sub: 'mette', aud: ADMIN_AUD, claims: { sub: subject, role } });
  return postStaffSession(token);
}

/** staffLoginRes, asserted 201: a StaffSession. */
export async function loginStaffAs(subject, role) {
  const res = await staffLoginRes(subject, role);
  const body = expectJson(res, 201);
  return new StaffSession({
    cookie: `${STAFF_COOKIE}=${staffCookieOf(res)}`, csrf: body.csrf_token, staff: body.staff, setCookie: res.setCookie, sub: subject,
  });
}

/** A CPR number no one has: a real date (1900s, seventh digit 0-3) and a random serial. */
export function freshCpr() {
  const day = String(1 + crypto.randomInt(28)).padStart(2, '0');
  const month = String(1 + crypto.randomInt(12)).padStart(2, '0');
  const year = String(crypto.randomInt(100)).padStart(2, '0');
  const serialNo = `${crypto.randomInt(4)}${String(crypto.randomInt(1000)).padStart(3, '0')}`;
  return `${day}${month}${year}${serialNo}`;
}

const citizenIdCache = new Map();
/** The id of the demo citizen sub (as its own login reports it). */
export async function citizenId(sub) {
  if (!citizenIdCache.has(sub)) citizenIdCache.set(sub, (await login(sub)).citizen.id);
  return citizenIdCache.get(sub);
}

/**
 * Enrols a new citizen (a fresh CPR number) by the staff session given,
 * logs them in through the dev IdP and gives consent: { id, session }. A
 * log of their own, that no other file's reads reach.
 */
export async function enrolFresh(staff, name, fields = {}) {
  const cpr = freshCpr();
  const body = expectJson(await staff.post(`${ADMIN}/citizens`, { cpr, name, ...fields }), 201);
  const tok = await request('POST', '/dev-idp/token', {
    body: new URLSearchParams({ cpr, name, aud: CITIZEN_AUD }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(tok.status, 200, `dev IdP token: ${tok.status} ${tok.text}`);
  const res = await postSession(tok.text.trim());
  const b = expectJson(res, 201);
  const session = new Session({ cookie: `kaptajn_session=${sessionCookieOf(res)}`, csrf: b.csrf_token, citizen: b.citizen });
  expectJson(await session.post('/api/v1/consent', { action: 'give' }), 200);
  return { id: body.id, session };
}

const staffIdCache = new Map();
/** The staff id of the demo staff member sub (as its own login reports it). */
export async function staffId(sub) {
  if (!staffIdCache.has(sub)) staffIdCache.set(sub, (await loginStaff(sub)).staff.id);
  return staffIdCache.get(sub);
}

// ------------------------------------------------------ audit log

/** The X-Request-Id nginx gave an answer (the audit rows carry it). */
export function requestIdOf(res) {
  const rid = res.headers['x-request-id'];
  assert.ok(typeof rid === 'string' && /^[0-9A-Za-z-]{1,64}$/.test(rid), `no usable X-Request-Id: ${describeRes(res)}`);
  return rid;
}

/**
 * The audit rows one request wrote, oldest first, as { id, actor_kind,
 * staff_id, role, citizen_id, action, object }. Null when there is no
 * database.
 */
export function auditRowsOf(res) {
  if (!HAVE_DB) return null;
  return auditRowsOfAll([res])[0];
}

/**
 * auditRowsOf for many answers in one query: a list of row lists, in the
 * order of the answers. Null when there is no database.
 */
export function auditRowsOfAll(answers) {
  if (!HAVE_DB) return null;
  const rids = answers.map(requestIdOf);
  if (rids.length === 0) return [];
  const rows = sql(`SELECT request_id, id, actor_kind, COALESCE(actor_staff_id, ''), actor_role, COALESCE(citizen_id, ''), action, object
                FROM audit_log WHERE request_id IN (${rids.map((r) => `'${r}'`).join(', ')}) ORDER BY id`);
  return rids.map((rid) => rows.filter((r) => r[0] === rid).map(
    ([, id, kind, staff, role, citizen, action, object]) => ({
      id: Number(id), actor_kind: kind, staff_id: staff === '' ? null : Number(staff), role,
      citizen_id: citizen === '' ? null : Number(citizen), action, object: object ?? '',
    }),
  ));
}

/** Asserts that a refused request wrote no audit row but "denied" ones. */
export function assertNoChangeAudited(res, what = 'the refused request') {
  // An answer nginx gave itself (413 and the like) reached no worker.
  if (!HAVE_DB || !res.headers['x-request-id']) return;
  const rows = auditRowsOf(res);
  if (rows === null) return;
  const changes = rows.filter((r) => r.action !== 'denied' && r.action !== 'read');
  assert.deepEqual(changes, [], `${what} wrote change rows to the audit log`);
}

/** The newest audit row's id (0 when empty). */
export function auditMaxId() {
  return Number(sql('SELECT COALESCE(MAX(id), 0) FROM audit_log')[0][0]);
}

// The tamper test edits one audit row for a moment; every other check of
// the chain takes this lock so that it never sees that moment.
export const AUDIT_CHAIN_LOCK = 'audit-chain';

/**
 * Runs `kaptajn verify-audit --config $KAPTAJN_CONFIG` as it is, without
 * the lock; resolves to { status, out (stdout and stderr) }. Asynchronous,
 * so that this process's own requests go on while it runs.
 */
export function runVerifyAudit() {
  const bin = process.env.KAPTAJN_BIN || path.join(process.env.KAPTAJN_REPO || process.cwd(), 'build', 'kaptajn');
  const conf = process.env.KAPTAJN_CONFIG;
  assert.ok(conf, 'KAPTAJN_CONFIG is not set');
  return new Promise((resolve, reject) => {
    execFile(bin, ['verify-audit', '--config', conf], { encoding: 'utf8', timeout: 60000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ status: err ? err.code : 0, out: `${stdout || ''}${stderr || ''}` });
    });
  });
}

/** runVerifyAudit() while holding the audit-chain lock. */
export async function verifyAudit() {
  const release = await holdCitizens(AUDIT_CHAIN_LOCK);
  try {
    return await runVerifyAudit();
  } finally {
    release();
    process.removeListener('exit', release);
  }
}

/** Adds a test to the current suite: the audit chain is intact. */
export function auditChainTest() {
  it('the audit chain is intact after this file (kaptajn verify-audit exits 0)', async (t) => {
    if (!process.env.KAPTAJN_CONFIG) return t.skip('KAPTAJN_CONFIG is not set');
    const r = await verifyAudit();
    assert.equal(r.status, 0, `verify-audit: ${r.out}`);
    assert.match(r.out, /chain intact/);
  });
}

// ------------------------------------------- admin "nothing changed"

/**
 * What the database holds of a citizen beyond dbPlanState: the plan's goals,
 * proposals with their decisions and comments, meetings, consents, and the
 * citizen's contact, caseworker and course outcome. Null without a database.
 */
export function dbCitizenState(citizen, planId) {
  if (!HAVE_DB) return null;
  const c = sqlInt(citizen);
  const p = sqlInt(planId);
  return sqlBatch({
    citizen: `SELECT contact_id, caseworker_id, course_outcome, course_ended_at, course_ended_by FROM citizens WHERE id = ${c}`,
    goals: `SELECT id, parent_id, SHA2(CONCAT_WS('|', title, description, area, legal_basis, status, hours_per_week, child_related), 256), updated_at
              FROM goals WHERE plan_id = ${p} ORDER BY id`,
    proposals: `SELECT id, status, closed_at, decided_by, SHA2(COALESCE(decision_reason, ''), 256), superseded_by
                  FROM proposals WHERE plan_id = ${p} ORDER BY id`,
    comments: `SELECT COUNT(*), COALESCE(MAX(k.id), 0) FROM proposal_comments k JOIN proposals q ON q.id = k.proposal_id WHERE q.plan_id = ${p}`,
    meetings: `SELECT id, kind, starts_at, held_at, SHA2(CONCAT_WS('|', place, agenda, participants), 256) FROM meetings WHERE plan_id = ${p} ORDER BY id`,
    consents: `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM consents WHERE citizen_id = ${c}`,
  });
}

/**
 * Several queries in one client run (one connection, one process):
 * { name: query } in, { name: rows } out, rows as sql() gives them.
 */
export function sqlBatch(queries) {
  const names = Object.keys(queries);
  const sep = `--kt-batch-${crypto.randomBytes(4).toString('hex')}--`;
  const rows = sql(names.map((n) => `${queries[n]}; SELECT '${sep}'`).join('; '));
  const out = {};
  let i = 0;
  for (const n of names) {
    out[n] = [];
    for (; i < rows.length && !(rows[i].length === 1 && rows[i][0] === sep); i++) out[n].push(rows[i]);
    i++;
  }
  return out;
}

/**
 * Everything a refused admin request must leave alone, as the citizen (a
 * logged-in Session) sees it and as the database holds it: the plan and its
 * ETag, the citizen's proposals and contact, and dbCitizenState.
 */
export async function citizenSnapshot(session) {
  const snap = await planSnapshot(session);
  const proposals = expectJson(await session.get('/api/v1/proposals'), 200);
  const contact = expectJson(await session.get('/api/v1/contact'), 200);
  return { snap, proposals, contact, db: dbCitizenState(session.citizen.id, snap.plan.id) };
}

/**
 * Asserts that nothing of citizenSnapshot changed, and (given the refused
 * answer) that the request wrote no change to the audit log.
 */
export async function assertCitizenUnchanged(session, before, res, what = 'the refused request') {
  const after = await citizenSnapshot(session);
  assert.deepEqual(after.snap.plan, before.snap.plan, `${what} changed the plan`);
  assert.equal(after.snap.etag, before.snap.etag, `${what} changed the ETag`);
  assert.deepEqual(after.snap.db, before.snap.db, `${what} changed the plan in the database`);
  assert.deepEqual(after.proposals, before.proposals, `${what} changed the citizen's proposals`);
  assert.deepEqual(after.contact, before.contact, `${what} changed the contact person`);
  assert.deepEqual(after.db, before.db, `${what} changed the citizen's data in the database`);
  if (res) assertNoChangeAudited(res, what);
}

// ------------------------------------------------ after an attack

/**
 * Adds a test to the current suite: after `what`, both pools answer
 * healthz 200, and a demo citizen (anna by default) logs in and reads the
 * plan as usual.
 */
export function healthyTest(what, sub = 'anna') {
  it(`after ${what}: both pools are healthy and ${sub} logs in and reads the plan`, async () => {
    expectJson(await request('GET', '/api/v1/healthz'), 200);
    expectJson(await request('GET', `${ADMIN}/healthz`), 200);
    const s = await login(sub);
    const { plan } = await s.plan();
    assert.ok(Number.isInteger(plan.version) && plan.version >= 1, `plan version: ${plan.version}`);
  });
}

/** Deletes the citizens named prefix… that a test made for itself, and what
 * refers to them (tests/shared/forget.mjs). */
export function forgetCitizens(prefix) {
  const rows = sql(`SELECT id, plan_id FROM citizens WHERE name LIKE '${prefix.replace(/['\\%_]/g, '')}%'`);
  const q = forgetCitizensSql(rows.map((r) => r[0]), [...new Set(rows.map((r) => r[1]))]);
  if (q) sql(q);
}

/**
 * The Hansen household held for this file (holdCitizens): the sessions of
 * Lars and Sofie, Lars's citizen id, and the sessions of Peter (their
 * caseworker) and Karin (their contact person).
 */
export async function hansenHousehold() {
  const release = await holdCitizens('lars', 'sofie');
  return {
    release,
    lars: await login('lars'),
    sofie: await login('sofie'),
    lid: await citizenId('lars'),
    peter: await loginStaff('peter'),
    karin: await loginStaff('karin'),
  };
}
