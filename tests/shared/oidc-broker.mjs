// oidc-broker.mjs: OpenID providers that Kaptajn did not write, for the
// tests of its OpenID Connect login (the integration and browser tests).
// npm `oidc-provider` (panva's certified provider) runs in this process on
// 127.0.0.1 over HTTPS, with a certificate from a test CA made here with
// the openssl command (Kaptajn's oidc_ca_file; it always verifies).
//
// A broker is either a MitID-like broker for citizens (client
// kaptajn-citizen, client_secret_basic, claims loa, dk.cpr and name) or a
// municipality's staff provider (client kaptajn-admin, client_secret_post,
// claims name and role); each has its own issuer, port and ES256 key, whose
// private JWK the test keeps to sign tokens of its own with the real key.
//
// No human is needed: the provider's interaction pages are this file's.
// GET /interaction/UID logs in the account named by login_hint at once;
// without one it shows a page with a button per account and one to cancel
// (error=access_denied), which a browser or a plain form POST can use.
//
// A test tampers through broker.tamper (broker.untamper() undoes it;
// broker.reset() also zeroes the stats):
//   idToken(token, claims) -> the id_token the token endpoint answers instead
//   delayMs                -> the token endpoint answers this much later
//   fail500                -> the token endpoint answers 500, the code unused
//   idTokenOmits           -> claims left out of the ID token (userinfo has them)
//   userinfo(claims)       -> the userinfo answer instead
// and reads broker.stats: jwks (JWKS fetches), userinfo (calls), token
// ({ status, error } per token request) and grantErrors (why the provider
// refused a code: error_detail of its grant.error event).
//
// The package is imported by the test file from its own folder (its
// node_modules) and passed in as Provider: this folder has no packages.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { stackCmd, startOwnStack } from '../integration/lib.mjs';

export const NSIS = {
  low: 'https://data.gov.dk/concept/core/nsis/Low',
  substantial: 'https://data.gov.dk/concept/core/nsis/Substantial',
  high: 'https://data.gov.dk/concept/core/nsis/High',
};

const b64u = (buf) => Buffer.from(buf).toString('base64url');

/** True when the openssl command is there (the test CA needs it). */
export function haveOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A test CA and a server certificate for 127.0.0.1 and localhost, made in
 * dir with openssl: { caFile, caPem, key, cert } (PEM strings).
 */
export function makeTestCa(dir) {
  const f = (n) => path.join(dir, n);
  const ssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2',
    '-subj', '/CN=Kaptajn test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ssl('req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n'
    + 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.pem'), '-days', '2', '-extfile', f('server.ext'));
  return {
    caFile: f('ca.pem'),
    caPem: fs.readFileSync(f('ca.pem'), 'utf8'),
    key: fs.readFileSync(f('server.key'), 'utf8'),
    cert: fs.readFileSync(f('server.pem'), 'utf8'),
  };
}

/** An ES256 signing key: { kid, privateJwk, publicJwk, privateKey, publicPem }. */
export function signingKey(kid) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const meta = { kid, alg: 'ES256', use: 'sig' };
  return {
    kid,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...meta },
    privateKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }),
  };
}

/** The header and claims of a JWT, unchecked. */
export function decodeJwt(token) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), claims: JSON.parse(Buffer.from(p, 'base64url')) };
}

/**
 * A JWT of header.alg: 'none' (empty signature), 'HS256' (HMAC keyed with
 * the string or Buffer secret) or 'ES256' (signed by the KeyObject or
 * private JWK key).
 */
export function signJwt(header, claims, { key, secret } = {}) {
  const input = `${b64u(JSON.stringify({ typ: 'JWT', ...header }))}.${b64u(JSON.stringify(claims))}`;
  let sig = '';
  if (header.alg === 'HS256') {
    sig = crypto.createHmac('sha256', secret).update(input).digest('base64url');
  } else if (header.alg === 'ES256') {
    const k = key instanceof crypto.KeyObject ? key : crypto.createPrivateKey({ key, format: 'jwk' });
    sig = crypto.sign('sha256', Buffer.from(input), { key: k, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  } else if (header.alg !== 'none') {
    throw new Error(`signJwt: no ${header.alg}`);
  }
  return `${input}.${sig}`;
}

/** The provider's storage, in memory; its clients come from clientOf(id). */
function memoryAdapter(clientOf) {
  const store = new Map();
  return class MemoryAdapter {
    constructor(name) {
      this.name = name;
    }
    key(id) {
      return `${this.name}:${id}`;
    }
    async upsert(id, payload) {
      store.set(this.key(id), { ...payload });
    }
    async find(id) {
      if (this.name === 'Client') return clientOf(id);
      return store.get(this.key(id));
    }
    async findByUid(uid) {
      for (const [k, v] of store) if (k.startsWith(`${this.name}:`) && v.uid === uid) return v;
      return undefined;
    }
    async findByUserCode(code) {
      for (const [k, v] of store) if (k.startsWith(`${this.name}:`) && v.userCode === code) return v;
      return undefined;
    }
    async consume(id) {
      const v = store.get(this.key(id));
      if (v) v.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId) {
      for (const [k, v] of store) if (v.grantId === grantId) store.delete(k);
    }
  };
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))));
  });
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page of the provider's own (html is trusted markup). */
function page(title, html) {
  return `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>${esc(title)}</title></head>`
    + `<body><h1>${esc(title)}</h1>${html}</body></html>`;
}

/** The picker page: a button per account, and one to cancel. */
function pickerPage(uid, title, accounts) {
  const people = Object.entries(accounts).map(([sub, a]) => `<li><form method="post" action="/interaction/${esc(uid)}">`
    + `<input type="hidden" name="login" value="${esc(sub)}"><button type="submit">Log ind som ${esc(a.name || sub)}</button></form></li>`);
  return page(title, `<ul>${people.join('')}</ul><form method="post" action="/interaction/${esc(uid)}">`
    + '<input type="hidden" name="cancel" value="1"><button type="submit">Afbryd</button></form>');
}

/**
 * Starts one provider on 127.0.0.1 (a free port) over HTTPS with tls
 * (makeTestCa). Options:
 *   Provider     the oidc-provider class
 *   title        the login page's heading
 *   clientId, clientAuth ('client_secret_basic' | 'client_secret_post'),
 *   clientSecret
 *   callbackPath the client's redirect path under the stack's URL
 *   logoutPath   its post-logout path under the stack's URL
 *   accounts     { sub: claims } (claims besides sub)
 * The client's URIs are known once the stack runs: broker.setStack(url)
 * before the first login. Resolves to the broker; broker.close() stops it.
 */
export async function startBroker({ Provider, tls, title, clientId, clientAuth, clientSecret, callbackPath, logoutPath, accounts }) {
  const key = signingKey(`${clientId}-${crypto.randomBytes(4).toString('hex')}`);
  let stackUrl = null;
  const clientOf = (id) => (id === clientId && stackUrl ? {
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint_auth_method: clientAuth,
    redirect_uris: [`${stackUrl}${callbackPath}`],
    post_logout_redirect_uris: [`${stackUrl}${logoutPath}`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
  } : undefined);

  let handler = (req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => handler(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `https://127.0.0.1:${server.address().port}`;
  const claimNames = [...new Set(Object.values(accounts).flatMap((a) => Object.keys(a)))];

  const broker = {
    issuer,
    discovery: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    key,
    accounts,
    stats: null,
    tamper: null,
    setStack(url) {
      stackUrl = url.replace(/\/+$/, '');
    },
    untamper() {
      this.tamper = { idToken: null, delayMs: 0, fail500: false, idTokenOmits: [], userinfo: null, extraKeys: [] };
    },
    reset() {
      this.untamper();
      this.stats = { jwks: 0, userinfo: 0, token: [], grantErrors: [] };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  broker.reset();

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(clientOf),
    jwks: { keys: [key.privateJwk] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: { openid: ['sub', ...claimNames] },
    conformIdTokenClaims: false,
    findAccount: (ctx, sub) => {
      const a = accounts[sub];
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: (use) => {
          const c = { sub, ...a };
          if (use === 'id_token') for (const k of broker.tamper.idTokenOmits) delete c[k];
          return c;
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = page(title, `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Log ud</button>`);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = page(title, '<p>Du er logget ud.</p>');
        },
      },
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
  });
  provider.on('grant.error', (ctx, err) => broker.stats.grantErrors.push(err.error_detail || err.message));

  /** Logs in sub (or refuses, when result is given) and sends the browser on. */
  async function finish(ctx, details, result) {
    let r = result;
    if (!r) {
      const accountId = details.prompt.name === 'login' ? details.sub : details.session.accountId;
      const grant = details.grantId ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const pd = details.prompt.details || {};
      if (pd.missingOIDCClaims) grant.addOIDCClaims(pd.missingOIDCClaims);
      const grantId = await grant.save();
      r = details.prompt.name === 'login' ? { login: { accountId }, consent: { grantId } } : { consent: { grantId } };
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, r, { mergeWithLastSubmission: false });
    ctx.redirect(to);
    ctx.status = 303;
  }

  async function interaction(ctx) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login') return finish(ctx, details);
    let sub = ctx.method === 'GET' ? details.params.login_hint : undefined;
    if (ctx.method === 'POST') {
      const form = await readForm(ctx.req);
      if (form.cancel) return finish(ctx, details, { error: 'access_denied', error_description: 'cancelled at the provider' });
      sub = form.login;
    }
    if (sub && Object.hasOwn(accounts, sub)) return finish(ctx, { ...details, sub });
    ctx.type = 'html';
    ctx.body = pickerPage(details.uid, title, accounts);
    return undefined;
  }

  async function token(ctx, next) {
    const t = broker.tamper;
    if (t.delayMs) await sleep(t.delayMs);
    if (t.fail500) {
      ctx.status = 500;
      ctx.body = { error: 'server_error' };
    } else {
      await next();
      if (ctx.status === 200 && ctx.body && ctx.body.id_token && t.idToken) {
        ctx.body = { ...ctx.body, id_token: await t.idToken(ctx.body.id_token, decodeJwt(ctx.body.id_token).claims) };
      }
    }
    broker.stats.token.push({ status: ctx.status, error: ctx.body && ctx.body.error });
  }

  provider.use(async (ctx, next) => {
    if (ctx.path === '/jwks') {
      broker.stats.jwks++;
      await next();
      // A key rotation: the JWKS already names the next key.
      if (ctx.status === 200 && broker.tamper.extraKeys.length) ctx.body = { keys: [...ctx.body.keys, ...broker.tamper.extraKeys] };
      return undefined;
    }
    if (ctx.path === '/me') {
      broker.stats.userinfo++;
      await next();
      if (ctx.status === 200 && broker.tamper.userinfo) ctx.body = broker.tamper.userinfo({ ...ctx.body });
      return undefined;
    }
    if (/^\/interaction\/[\w-]+$/.test(ctx.path)) return interaction(ctx);
    if (ctx.path === '/token' && ctx.method === 'POST') return token(ctx, next);
    return next();
  });
  handler = provider.callback();
  return broker;
}

/**
 * Writes the client secret files in dir (mode 0600) and returns the
 * "key = value" lines (KAPTAJN_CONFIG_EXTRA) that point a stack's citizen
 * and staff sides at these brokers, trusting caFile, with oidc_timeout.
 */
export function brokerConfig({ citizen, staff, caFile, dir, timeout = 2 }) {
  const lines = [`oidc_ca_file = ${caFile}`, `oidc_timeout = ${timeout}`];
  for (const [side, b, auth] of [['citizen', citizen, 'client_secret_basic'], ['staff', staff, 'client_secret_post']]) {
    const secretFile = path.join(dir, `${side}.secret`);
    fs.writeFileSync(secretFile, b.clientSecret, { mode: 0o600 });
    lines.push(`${side}_issuer = ${b.issuer}`, `${side}_jwks =`, `${side}_discovery = ${b.discovery}`,
      `${side}_client_id = ${b.clientId}`, `${side}_audience = ${b.clientId}`, `${side}_client_auth = ${auth}`,
      `${side}_client_secret_file = ${secretFile}`);
  }
  // The municipality's own provider gives no NSIS level (the dev stack's does).
  lines.push('staff_min_loa = none');
  return lines.join('\n');
}

/** The two brokers of a test (citizens and staff) and their config lines. */
export async function startBrokers({ Provider, tls, dir, citizens, staff }) {
  const secret = () => crypto.randomBytes(24).toString('base64url');
  const citizen = await startBroker({
    Provider, tls, title: 'Test-MitID', clientId: 'kaptajn-citizen', clientAuth: 'client_secret_basic',
    clientSecret: secret(), callbackPath: '/api/v1/login/callback', logoutPath: '/', accounts: citizens,
  });
  const staffB = await startBroker({
    Provider, tls, title: 'Kommunens log ind', clientId: 'kaptajn-admin', clientAuth: 'client_secret_post',
    clientSecret: secret(), callbackPath: '/admin/api/v1/login/callback', logoutPath: '/admin/', accounts: staff,
  });
  return { citizen, staff: staffB };
}

/**
 * One request to an http or https URL (ca: the PEM to trust), no redirect
 * followed: { status, headers, text, setCookie, location } (location made
 * absolute). Never rejects for a status.
 */
export function fetchRaw(url, { method = 'GET', headers = {}, body, ca, timeoutMs = 20000 } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const h = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined));
  if (body !== undefined) h['Content-Length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = mod.request(u, { method, headers: h, ca, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const sc = res.headers['set-cookie'] || [];
        resolve({
          status: res.statusCode,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          setCookie: sc,
          location: res.headers.location ? new URL(res.headers.location, u).href : null,
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Cookies by origin, as a browser keeps them (paths and flags aside). */
export class CookieJar {
  constructor() {
    this.byOrigin = new Map();
  }
  take(url, setCookie) {
    const origin = new URL(url).origin;
    if (!this.byOrigin.has(origin)) this.byOrigin.set(origin, new Map());
    const m = this.byOrigin.get(origin);
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const gone = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a) || /^\s*expires\s*=.*19[67]0/i.test(a));
      if (gone) m.delete(name);
      else m.set(name, pair.slice(i + 1).trim());
    }
  }
  header(url) {
    const m = this.byOrigin.get(new URL(url).origin);
    return m && m.size ? [...m].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }
  get(url, name) {
    const m = this.byOrigin.get(new URL(url).origin);
    return m ? m.get(name) : undefined;
  }
}

/** A demo person of a seeded stack in dir (its dev IdP's users.json). */
export function demoPerson(dir, sub) {
  const users = JSON.parse(fs.readFileSync(path.join(dir, 'dev-idp', 'users.json'), 'utf8')).users;
  const list = Array.isArray(users) ? users : Object.entries(users).map(([s, u]) => ({ sub: s, ...u }));
  const u = list.find((x) => x.sub === sub);
  if (!u) throw new Error(`no demo person ${sub} in ${dir}/dev-idp/users.json`);
  return u;
}

/**
 * Starts the two brokers and a stack of its own in dir (dev mode on, so
 * the demo people are seeded; both sides pointed at the brokers, pools of
 * two workers; the cache of discovery and keys in dir/oidc), then waits
 * until both pools have the brokers' discovery (their refresh job retries
 * every 10 s). citizens and staff are the
 * brokers' accounts; citizens' "dk.cpr" may name a demo person instead
 * ({ demo: 'anna' }), filled in once the stack is seeded. Resolves to
 * { tmp, tls, citizen, staff, stack, socket }; stopBrokerStack(rig) in after(),
 * also when this threw (rig then holds what was started).
 */
export async function startBrokerStack(rig, { Provider, dir, citizens, staff, timeout = 2 }) {
  rig.dir = dir;
  rig.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-oidcp-'));
  rig.tls = makeTestCa(rig.tmp);
  Object.assign(rig, await startBrokers({ Provider, tls: rig.tls, dir: rig.tmp, citizens, staff }));
  const extra = brokerConfig({ citizen: rig.citizen, staff: rig.staff, caFile: rig.tls.caFile, dir: rig.tmp, timeout });
  ({ url: rig.stack, socket: rig.socket } = await startOwnStack(dir, {
    env: (port) => ({
      KAPTAJN_WORKERS: '2',
      KAPTAJN_CONFIG_EXTRA: `${extra}\npublic_url = http://127.0.0.1:${port}\n`,
    }),
  }));
  rig.citizen.setStack(rig.stack);
  rig.staff.setStack(rig.stack);
  for (const a of Object.values(citizens)) {
    if (a['dk.cpr'] && typeof a['dk.cpr'] === 'object') a['dk.cpr'] = demoPerson(dir, a['dk.cpr'].demo).cpr;
  }
  for (let i = 0; ; i++) {
    const c = await fetchRaw(`${rig.stack}/api/v1/login`);
    const a = await fetchRaw(`${rig.stack}/admin/api/v1/login`);
    if (c.status === 302 && a.status === 302) break;
    if (i >= 40) throw new Error(`the login never became possible: ${c.status} ${c.text.slice(0, 200)} / ${a.status}`);
    await sleep(1000);
  }
  rig.citizen.reset();
  rig.staff.reset();
  return rig;
}

/** Stops what startBrokerStack started: the brokers, the stack, the temp files. */
export async function stopBrokerStack(rig) {
  await Promise.all([rig.citizen && rig.citizen.close(), rig.staff && rig.staff.close()]);
  if (rig.dir) await stackCmd(['stop', rig.dir]);
  if (rig.tmp) fs.rmSync(rig.tmp, { recursive: true, force: true });
}
