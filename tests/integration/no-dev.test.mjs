// Without dev mode (dev_idp_dir empty) no dev key is made or trusted and
// nobody is seeded: a pool without its identity broker's JWKS refuses to
// start and names the missing key; seed and dev-token refuse. Then a stack
// of its own without the dev IdP (scripts/stack start --no-dev-idp, its own
// directory beside the shared one, its own port), whose broker is a key
// pair this file makes: POST session is not there (404) for a token of any
// key, the login page says it is not possible without a broker's discovery,
// and no demo person and no dev key file exist. The stack is stopped at the end, by its pid files.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ADMIN, ADMIN_AUD, CITIZEN_AUD, CITIZEN_ISSUER, SKIP, STAFF_ISSUER, decodeJwt, describeRes, expectError, expectJson, freePort, request, runCmd as run, signJwt, sql, stackCmd, startOwnStack, stopOwnStack } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const SHARED_CONFIG = process.env.KAPTAJN_CONFIG || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-nodev` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!SHARED_CONFIG && 'KAPTAJN_CONFIG is not set') ||
  (!fs.existsSync(BIN) && `no program at ${BIN}`);
const BROKER_KID = 'broker-test-1';

/** A broker's signing key: an EC P-256 pair and its JWKS. */
function brokerKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, jwks: { keys: [{ ...jwk, kid: BROKER_KID, use: 'sig', alg: 'ES256' }] } };
}

/** The lines of a config file with key set to value ('' leaves it empty). */
function withKey(text, key, value) {
  const re = new RegExp(`^\\s*${key}\\s*=.*$`, 'm');
  return re.test(text) ? text.replace(re, `${key} = ${value}`) : `${text}\n${key} = ${value}\n`;
}

/** Every file under dir (skipping MariaDB's datadir). */
function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'mysql') out.push(...walk(p));
    } else {
      out.push(p);
    }
  }
  return out;
}

describe('without dev mode the program refuses what only dev mode may do', { skip: NEED }, () => {
  let tmp;
  let base; // a config with dev mode off and no broker at all
  const broker = brokerKey();

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-nodev-'));
    fs.writeFileSync(path.join(tmp, 'jwks.json'), JSON.stringify(broker.jwks));
    let text = fs.readFileSync(SHARED_CONFIG, 'utf8');
    // No broker either: the dev stack's discovery (the code flow) goes too.
    for (const k of ['dev_idp_dir', 'citizen_jwks', 'staff_jwks', 'citizen_discovery', 'staff_discovery']) text = withKey(text, k, '');
    base = text;
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Writes conf, runs `kaptajn serve` on a socket of its own; { code, out, socket }. */
  const serve = async (name, conf, pool) => {
    const file = path.join(tmp, `${name}.conf`);
    fs.writeFileSync(file, conf, { mode: 0o600 });
    const socket = path.join(tmp, `${name}.sock`);
    // A pool that starts would run until killed: 15 s is ample for a refusal.
    const r = await run(BIN, ['serve', '--config', file, '--pool', pool, '--socket', socket, '--workers', '1'], { timeout: 15000 });
    return { ...r, socket };
  };

  it('the citizen pool without citizen_jwks exits 2 naming citizen_jwks, and listens on nothing', async () => {
    const r = await serve('no-citizen-jwks', base, 'citizen');
    assert.equal(r.code, 2, `exit code (null: it kept running):\n${r.out}`);
    assert.match(r.out, /the citizen pool needs citizen_jwks in the config, the identity broker's JWKS file \(dev mode is off: no dev key stands in\)/);
    assert.ok(!fs.existsSync(r.socket), 'a refused pool made its socket');
  });

  it('the admin pool without staff_jwks exits 2 naming staff_jwks', async () => {
    const r = await serve('no-staff-jwks', withKey(base, 'citizen_jwks', path.join(tmp, 'jwks.json')), 'admin');
    assert.equal(r.code, 2, `exit code:\n${r.out}`);
    assert.match(r.out, /the admin pool needs staff_jwks in the config/);
    assert.ok(!fs.existsSync(r.socket));
  });

  it('a citizen_jwks that names no file exits 2 naming the key and the path', async () => {
    const missing = path.join(tmp, 'absent', 'jwks.json');
    const r = await serve('missing-jwks', withKey(base, 'citizen_jwks', missing), 'citizen');
    assert.equal(r.code, 2, `exit code:\n${r.out}`);
    // Where the key was set: the file and its line.
    const line = fs.readFileSync(path.join(tmp, 'missing-jwks.conf'), 'utf8').split('\n').findIndex((l) => l.startsWith('citizen_jwks =')) + 1;
    assert.ok(r.out.includes(`kaptajn: ${path.join(tmp, 'missing-jwks.conf')}:${line}: citizen_jwks: jwks: ${missing}`), r.out);
  });

  it('a pool without its issuer exits 2 naming the issuer key', async () => {
    const conf = withKey(withKey(base, 'staff_jwks', path.join(tmp, 'jwks.json')), 'staff_issuer', '');
    const r = await serve('no-issuer', conf, 'admin');
    assert.equal(r.code, 2, `exit code:\n${r.out}`);
    assert.match(r.out, /the admin pool needs staff_issuer in the config/);
  });

  it('seed and seed-bench refuse without dev mode, before touching the database', async () => {
    const file = path.join(tmp, 'seed.conf');
    // A database socket that does not exist: a refusal must come first.
    fs.writeFileSync(file, withKey(base, 'db_socket', path.join(tmp, 'no-db.sock')), { mode: 0o600 });
    for (const args of [['seed'], ['seed-bench', '--count', '1']]) {
      const r = await run(BIN, [args[0], '--config', file, ...args.slice(1)]);
      assert.equal(r.code, 2, `${args[0]}: exit code:\n${r.out}`);
      assert.match(r.out, new RegExp(`${args[0]} refused: it makes demo people, and dev mode is off`));
    }
  });

  it('dev-token refuses without dev mode', async () => {
    const file = path.join(tmp, 'token.conf');
    fs.writeFileSync(file, base, { mode: 0o600 });
    const r = await run(BIN, ['dev-token', '--config', file, '--sub', 'anna', '--aud', CITIZEN_AUD]);
    assert.equal(r.code, 2, `exit code:\n${r.out}`);
    assert.match(r.out, /dev-token refused: dev mode is off/);
    assert.doesNotMatch(r.out, /\beyJ/, 'a token was printed');
  });
});

describe('a stack without the dev IdP trusts only its broker (a stack of its own)', { skip: NEED }, () => {
  let url; // that stack's URL
  let socket; // its MariaDB socket
  let brokerDir; // the broker's JWKS, outside the stack's directory
  const broker = brokerKey();
  const q = (query) => sql(query, { socket });
  const req = (method, p, opts = {}) => request(method, p, { ...opts, base: url });
  const env = () => ({
    KAPTAJN_CITIZEN_JWKS: path.join(brokerDir, 'jwks.json'),
    KAPTAJN_STAFF_JWKS: path.join(brokerDir, 'jwks.json'),
    // The dev IdP's own issuers: only the key tells its tokens apart.
    KAPTAJN_CITIZEN_ISSUER: CITIZEN_ISSUER,
    KAPTAJN_STAFF_ISSUER: STAFF_ISSUER,
    KAPTAJN_WORKERS: '1',
  });
  /** A token the dev keys sign (the shared dev stack's `kaptajn dev-token`). */
  const devSigned = async (sub, aud, alg = 'ES256') => {
    const r = await run(BIN, ['dev-token', '--config', SHARED_CONFIG, '--sub', sub, '--aud', aud, '--alg', alg]);
    assert.equal(r.code, 0, `dev-token: ${r.out}`);
    return r.out.trim();
  };
  /** The same claims, fresh, signed by the broker's key. */
  const brokerSigned = (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ alg: 'ES256', typ: 'JWT', kid: BROKER_KID },
      { ...claims, iat: now, nbf: now, exp: now + 300, jti: crypto.randomUUID() }, { key: broker.privateKey });
  };
  const logText = (name) => fs.readFileSync(path.join(VAR, 'log', `${name}.log`), 'utf8');

  let bare; // the first start, without any broker: { code, out, files }

  before(async () => {
    brokerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-broker-'));
    fs.writeFileSync(path.join(brokerDir, 'jwks.json'), JSON.stringify(broker.jwks));
    // First without a broker: nothing may stand in for one.
    await stackCmd(['stop', VAR]);
    fs.rmSync(VAR, { recursive: true, force: true });
    bare = await stackCmd(['start', VAR, String(await freePort()), '--no-dev-idp'],
      { ...env(), KAPTAJN_CITIZEN_JWKS: '', KAPTAJN_STAFF_JWKS: '' });
    bare.files = fs.existsSync(VAR) ? walk(VAR).map((f) => path.relative(VAR, f)) : [];
    // Stopped in after() whether or not it came up.
    ({ url, socket } = await startOwnStack(VAR, { args: ['--no-dev-idp'], env: env() }));
  });

  after(async () => {
    if (VAR) await stackCmd(['stop', VAR]);
    if (brokerDir) fs.rmSync(brokerDir, { recursive: true, force: true });
  });

  it('started without a broker\'s JWKS, it does not come up: the citizen pool names citizen_jwks, and no dev key is made', () => {
    assert.notEqual(bare.code, 0, `it started without a broker:\n${bare.out.slice(-2000)}`);
    assert.match(bare.out, /the citizen pool needs citizen_jwks in the config, the identity broker's JWKS file \(dev mode is off: no dev key stands in\)/);
    assert.deepEqual(bare.files.filter((f) => /(^|\/)dev-idp\/|\.pem$/.test(f)), [], 'dev key files were made');
  });

  it('its config names the broker\'s JWKS, no dev IdP directory', () => {
    const conf = fs.readFileSync(path.join(VAR, 'kaptajn.conf'), 'utf8');
    assert.match(conf, /^dev_idp_dir = $/m);
    const jwks = path.join(brokerDir, 'jwks.json');
    assert.ok(conf.includes(`citizen_jwks = ${jwks}\n`), conf.replace(/db_password.*/, ''));
    assert.ok(conf.includes(`staff_jwks = ${jwks}\n`));
  });

  it('no dev key file was made: no dev-idp/ and no PEM or dev JWKS anywhere in its directory', () => {
    assert.ok(!fs.existsSync(path.join(VAR, 'dev-idp')), 'dev-idp/ exists');
    const files = walk(VAR).map((f) => path.relative(VAR, f));
    assert.deepEqual(files.filter((f) => /\.pem$|(^|\/)users\.json$/.test(f)), []);
    assert.deepEqual(files.filter((f) => /jwks\.json$/.test(f)), []);
  });

  it('nobody was seeded: no citizen, staff member, household or plan', () => {
    const [row] = q(`SELECT (SELECT COUNT(*) FROM citizens), (SELECT COUNT(*) FROM staff),
      (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM plans)`);
    assert.deepEqual(row, ['0', '0', '0', '0']);
  });

  it('the dev IdP is not served: /dev-idp/token is 404 and no devidp pool runs', async () => {
    const res = await req('POST', '/dev-idp/token', {
      body: 'sub=anna&aud=kaptajn-citizen', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 404, describeRes(res));
    assert.ok(!fs.existsSync(path.join(VAR, 'log', 'devidp.log')) || !/pool devidp: \d+ workers/.test(logText('devidp')));
  });

  // Outside dev mode the login is the code flow (GET /api/v1/login, tested
  // against an outside provider in oidc-provider.test.mjs): POST session is
  // not there at all, whoever signed the token, and nothing is verified.
  it('POST /api/v1/session is 404 not_found, as an unknown path, for a dev-signed and a broker-signed citizen token alike', async () => {
    const logged = logText('citizen').length;
    const devTok = await devSigned('anna', CITIZEN_AUD);
    assert.equal(decodeJwt(devTok).payload.iss, CITIZEN_ISSUER);
    for (const token of [devTok, brokerSigned(decodeJwt(devTok).payload)]) {
      const res = await req('POST', '/api/v1/session', { json: { id_token: token } });
      expectError(res, 404, 'not_found');
      assert.equal(res.setCookie.length, 0, 'a cookie was set');
    }
    // Not even a body is read: a bad one is the same 404.
    expectError(await req('POST', '/api/v1/session', { body: 'x', headers: { 'Content-Type': 'text/plain' } }), 404, 'not_found');
    assert.equal(q('SELECT COUNT(*) FROM sessions')[0][0], '0', 'a session was opened');
    assert.deepEqual(logText('citizen').slice(logged).split('\n').filter((l) => l.startsWith('login refused')), [], 'a token was verified');
  });

  it('POST /admin/api/v1/session is 404 not_found, also with the broker\'s token of a staff member who exists', async () => {
    q(`INSERT INTO staff (issuer, sub, name, role, title) VALUES ('${STAFF_ISSUER}', 'mette', 'Mette Sørensen', 'caseworker', 'Koordinerende sagsbehandler')`);
    const devTok = await devSigned('mette', ADMIN_AUD);
    assert.equal(decodeJwt(devTok).payload.iss, STAFF_ISSUER);
    for (const token of [devTok, brokerSigned(decodeJwt(devTok).payload)]) {
      const res = await req('POST', `${ADMIN}/session`, { json: { id_token: token } });
      expectError(res, 404, 'not_found');
      assert.equal(res.setCookie.length, 0, 'a cookie was set');
    }
    assert.equal(q('SELECT COUNT(*) FROM sessions')[0][0], '0', 'a session was opened');
  });

  it('without a broker\'s discovery the login page says log in is not possible now (503 HTML), never a redirect', async () => {
    for (const p of ['/api/v1/login', `${ADMIN}/login`]) {
      const res = await req('GET', p);
      assert.equal(res.status, 503, describeRes(res));
      assert.match(res.headers['content-type'] || '', /^text\/html; charset=utf-8/);
      assert.match(res.text, /Log ind er ikke muligt lige nu/);
    }
  });

  it('the stack stops cleanly and its logs hold no sanitizer report', async () => {
    await stopOwnStack(VAR);
  });
});
