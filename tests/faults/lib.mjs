// lib.mjs: what the fault tests (tests/faults/) and the soak (tests/soak/)
// share: a stack of their own, started and stopped by pid through
// scripts/stack and scripts/lib.sh; logged-in citizens and caseworkers;
// load loops that record every answer; and the checks made afterwards
// against the answers and the database. Node built-ins only.
//
// Environment:
//   KAPTAJN_FAULTS_BIN  the program the stacks run (default build/kaptajn,
//                       the release build; the ASan build works too)
//   KAPTAJN_FAULTS_KEEP 1: leave the stacks' directories after a pass

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.KAPTAJN_FAULTS_BIN || path.join(REPO, 'build', 'kaptajn');
export const SKIP = fs.existsSync(BIN) ? false : `no program at ${BIN} (build first)`;
export { sleep };

// The configuration lib.sh writes (db_timeout = 5) and what follows from
// it: an answer comes within route.c's retry window (2 s) plus one last
// attempt, which a connect and a read timeout bound (db_timeout each; a
// lock wait ends sooner, at 3 s), plus a second of slack: well inside
// nginx's fastcgi_read_timeout of 15 s.
export const DB_TIMEOUT_S = 5;
export const ANSWER_BOUND_MS = 2000 + 2 * DB_TIMEOUT_S * 1000 + 1000;
// nginx's fastcgi_read_timeout: nothing may come near it.
// The client's own limit: longer than nginx's, so a hang shows as a 504.
const CLIENT_TIMEOUT_MS = 30000;

const STAFF_COOKIE = 'kaptajn_staff_session';
const CITIZEN_COOKIE = 'kaptajn_session';

// ------------------------------------------------------------ processes

/** Runs a program; resolves to { code, out, err } (never rejects on exit code). */
export function run(file, args, { env, timeoutMs = 120000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
        resolve({ code: err ? err.code : 0, out: stdout, err: stderr });
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Runs a bash snippet with scripts/lib.sh sourced and the stack's paths set. */
function libsh(varDir, snippet, opts = {}) {
  return run('bash', ['-c', `set -euo pipefail; . "$1/scripts/lib.sh"; kp_stack_paths "$2"; ${snippet}`, 'libsh', REPO, varDir], opts);
}

/** The pid in a pid file, or 0. */
function readPid(file) {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** True while pid runs and is not a zombie. */
export function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids whose parent is ppid (live ones, zombies left out). */
export function childrenOf(ppid) {
  const kids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid && rest[0] !== 'Z') kids.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return kids.sort((a, b) => a - b);
}

/**
 * Resident memory of pid's own in KiB (0 when gone): its private pages
 * (RssAnon). The plan parts the citizen workers share (fcgi/plan_cache.c)
 * are shared memory of a fixed size, counted in every worker's VmRSS as
 * it touches them: they are no worker's growth.
 */
export function rssKib(pid) {
  try {
    const m = /^RssAnon:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function waitUntil(what, fn, timeoutMs = 20000, stepMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(stepMs);
  }
}
export { waitUntil };

// ---------------------------------------------------------------- stack

/**
 * One stack of its own under var/test-faults-NAME (or another directory),
 * on a free port. start() wipes what an earlier run left; stop() stops it
 * by its pid files (call it in a finally).
 */
export class Stack {
  constructor(name, { workers = 2, dir, env = {} } = {}) {
    this.name = name;
    this.workers = workers;
    this.extraEnv = env; // more environment for scripts/stack (KAPTAJN_WRAP, ...)
    this.var = dir || path.join(REPO, 'var', `test-faults-${name}`);
    this.started = false;
  }

  env() {
    return {
      KAPTAJN_BIN: BIN,
      KAPTAJN_WORKERS: String(this.workers),
      // A throw-away database need not survive a power cut.
      KP_MARIADB_OPTS: process.env.KP_MARIADB_OPTS || '--innodb-flush-log-at-trx-commit=0 --skip-innodb-doublewrite',
      ...this.extraEnv,
    };
  }

  async start() {
    await run(path.join(REPO, 'scripts', 'stack'), ['stop', this.var], { env: this.env() });
    fs.rmSync(this.var, { recursive: true, force: true });
    this.started = true;
    let last = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = (await libsh(this.var, 'kp_free_port')).out.trim();
      const r = await run(path.join(REPO, 'scripts', 'stack'), ['start', this.var, port], { env: this.env(), timeoutMs: 180000 });
      if (r.code === 0) {
        this.port = Number(port);
        this.url = `http://127.0.0.1:${port}`;
        this.loadPaths();
        return this;
      }
      last = r.err.slice(-3000);
      let nginxLog = '';
      try {
        nginxLog = fs.readFileSync(path.join(this.var, 'log', 'nginx-error.log'), 'utf8');
      } catch {
        /* none */
      }
      if (!/Address already in use/.test(nginxLog)) break;
    }
    throw new Error(`the ${this.name} stack did not start:\n${last}`);
  }

  loadPaths() {
    let runDir = path.join(this.var, 'run');
    try {
      runDir = fs.readFileSync(path.join(this.var, 'rundir'), 'utf8').trim() || runDir;
    } catch {
      /* the short path */
    }
    this.run = runDir;
    this.conf = path.join(this.var, 'kaptajn.conf');
    this.dbSocket = path.join(runDir, 'mysqld.sock');
    this.dbName = /^\s*db_name\s*=\s*(\S+)/m.exec(fs.readFileSync(this.conf, 'utf8'))[1];
  }

  async stop() {
    if (!this.started) return;
    this.started = false;
    await run(path.join(REPO, 'scripts', 'stack'), ['stop', this.var], { env: this.env(), timeoutMs: 120000 });
  }

  /** Removes the stack's directory (after a pass; a failure's logs stay). */
  wipe() {
    if (process.env.KAPTAJN_FAULTS_KEEP !== '1') fs.rmSync(this.var, { recursive: true, force: true });
  }

  /** Adds n bench citizens (kaptajn seed-bench): sub bench-1 .. bench-n. */
  async seedBench(n) {
    const r = await run(BIN, ['seed-bench', '--config', this.conf, '--count', String(n)]);
    assert.equal(r.code, 0, `seed-bench: ${r.err}`);
  }

  supervisorPid(pool = 'citizen') {
    return readPid(path.join(this.run, `${pool}.pid`));
  }

  workerPids(pool = 'citizen') {
    const sup = this.supervisorPid(pool);
    return sup ? childrenOf(sup) : [];
  }

  /**
   * Waits until the pool has its full count of live workers again, none of
   * them among gone (pids just killed: a SIGKILL takes a moment to land,
   * and until then the victim still counts as alive).
   */
  async waitWorkers(pool, n = this.workers, timeoutMs = 10000, gone = []) {
    const ready = (pids) => pids.length === n && !pids.some((p) => gone.includes(p));
    await waitUntil(`${n} ${pool} workers`, () => ready(this.workerPids(pool)), timeoutMs);
    return this.workerPids(pool);
  }

  mysqldPid() {
    return readPid(path.join(this.run, 'mysqld.pid'));
  }

  nginxPid() {
    return readPid(path.join(this.run, 'nginx.pid'));
  }

  /** Stops only this stack's MariaDB, by its pid file (lib.sh kp_stop). */
  async dbStop() {
    const r = await libsh(this.var, 'kp_stop "$KP_RUN/mysqld.pid" "$KP_DATADIR" MariaDB 60', { env: this.env() });
    assert.equal(r.code, 0, `stopping MariaDB: ${r.err}`);
  }

  /** Starts this stack's MariaDB again (lib.sh kp_db_start). */
  async dbStart() {
    const r = await libsh(this.var, 'kp_db_start', { env: this.env(), timeoutMs: 90000 });
    assert.equal(r.code, 0, `starting MariaDB: ${r.err}`);
  }

  /** nginx -s reload with this stack's configuration. */
  async nginxReload() {
    const ng = path.join(this.var, 'nginx');
    const r = await run('nginx', ['-s', 'reload', '-p', `${ng}/`, '-c', path.join(ng, 'nginx.conf'), '-e', path.join(this.var, 'log', 'nginx-error.log')]);
    assert.equal(r.code, 0, `nginx -s reload: ${r.err}`);
  }

  /** Starts one pool again (lib.sh kp_pool_start), after a test stopped it. */
  async poolStart(pool = 'citizen') {
    const r = await libsh(this.var, `kp_pool_start "$KAPTAJN_BIN" ${pool} "$KAPTAJN_WORKERS"`, { env: this.env() });
    assert.equal(r.code, 0, `starting the ${pool} pool: ${r.err}`);
  }

  mariadbArgs() {
    return ['--no-defaults', `--socket=${this.dbSocket}`, `--user=${os.userInfo().username}`, '--batch',
      '--skip-column-names', '--default-character-set=utf8mb4', this.dbName];
  }

  /** Rows (arrays of strings; NULL is "NULL") of a query, synchronously. */
  sql(query) {
    const out = execFileSync('mariadb', [...this.mariadbArgs(), '-e', query], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000, maxBuffer: 256 * 1024 * 1024,
    });
    return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  }

  /** The same without blocking the load loops. */
  async sqlAsync(query) {
    const r = await run('mariadb', [...this.mariadbArgs(), '-e', query], { timeoutMs: 30000 });
    if (r.code !== 0) throw new Error(`sql: ${r.err}`);
    return r.out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  }

  /**
   * Waits until some transaction waits on a row lock: a write that reached
   * a worker and the database and now waits on what holder() holds.
   */
  async waitLockWait(timeoutMs = 10000) {
    await waitUntil('a write waiting on the held lock', async () =>
      (await this.sqlAsync("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"))[0][0] !== '0',
    timeoutMs, 20);
  }

  /**
   * A client connection of its own that holds what it takes (row or table
   * locks, a transaction) until release(). send(sql) runs statements and
   * resolves once they are done.
   */
  async holder() {
    const child = spawn('mariadb', [...this.mariadbArgs(), '--unbuffered'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (errText += c));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const send = async (statements, timeoutMs = 20000) => {
      const tag = `kt-done-${crypto.randomBytes(4).toString('hex')}`;
      child.stdin.write(`${statements};\nSELECT '${tag}';\n`);
      await waitUntil(`the holding client: ${statements}`, () => {
        if (errText) throw new Error(`holding client: ${errText}`);
        return out.includes(tag);
      }, timeoutMs, 20);
    };
    return {
      send,
      pid: child.pid,
      async release() {
        if (child.exitCode === null) child.stdin.end('ROLLBACK;\nUNLOCK TABLES;\n');
        await exited;
      },
    };
  }

  /** kaptajn verify-audit: { code, out }. */
  verifyAudit() {
    return run(BIN, ['verify-audit', '--config', this.conf]);
  }

  /** A log of the stack as text ('citizen', 'admin', 'nginx-error', ...). */
  log(name) {
    try {
      return fs.readFileSync(path.join(this.var, 'log', `${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }
}

/**
 * Holds what statements take (locks), in a client of its own, for ms;
 * resolves to { from, to }, the hold's start and end on rec's clock.
 */
export async function holdFor(stack, rec, statements, ms) {
  const holder = await stack.holder();
  try {
    await holder.send(statements);
    const from = rec.now();
    await sleep(ms);
    await holder.release();
    return { from, to: rec.now() };
  } finally {
    await holder.release();
  }
}

/**
 * Runs fn(stack, httpc, rec) on a fresh stack with a keep-alive client and
 * a recorder, and stops the stack afterwards, also when fn throws; a
 * passed run leaves no directory behind.
 */
export async function withStack(name, opts, fn) {
  const stack = new Stack(name, opts);
  let ok = false;
  let httpc = null;
  try {
    await stack.start();
    httpc = new Http(stack.url);
    await fn(stack, httpc, new Recorder());
    ok = true;
  } finally {
    if (httpc) httpc.close();
    await stack.stop();
    if (ok) stack.wipe();
  }
}

// ----------------------------------------------------------------- HTTP

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

const TRANSIENT = new Set(['ECONNRESET', 'EPIPE']);

/**
 * An HTTP client on a keep-alive agent. A request on a reused connection
 * that the server closed while it sat idle (nginx's old workers do so on a
 * reload) fails with a reset before any answer: nginx never read it. It is
 * sent again once, on a new connection, as HTTP/1.1 clients do, and counted
 * in keepAliveRetries; duplicateWrites() shows that none was applied twice.
 */
export class Http {
  /** base: http://... or https://... (ca: the certificate to trust then). */
  constructor(base, { maxSockets = 64, ca } = {}) {
    const u = new URL(base);
    this.host = u.hostname;
    this.mod = u.protocol === 'https:' ? https : http;
    this.port = Number(u.port) || (this.mod === https ? 443 : 80);
    this.ca = ca;
    this.agent = new this.mod.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 1000, ca });
    this.keepAliveRetries = 0;
  }

  close() {
    this.agent.destroy();
  }

  async request(method, urlPath, opts = {}) {
    for (let attempt = 0; ; attempt++) {
      const res = await this.once(method, urlPath, attempt === 0 ? opts : { ...opts, fresh: true });
      if (res.status === 0 && res.reused && !res.answered && TRANSIENT.has(res.errCode) && attempt === 0) {
        this.keepAliveRetries++;
        continue;
      }
      return res;
    }
  }

  once(method, urlPath, { json, body, headers = {}, cookie, csrf, fresh, timeoutMs = CLIENT_TIMEOUT_MS } = {}) {
    const h = { ...headers };
    let payload = null;
    if (json !== undefined) {
      payload = Buffer.from(JSON.stringify(json), 'utf8');
      h['Content-Type'] = 'application/json';
    } else if (body !== undefined) {
      payload = Buffer.from(body, 'utf8');
    }
    if (payload) h['Content-Length'] = String(payload.length);
    if (cookie) h.Cookie = cookie;
    if (csrf) h['X-CSRF-Token'] = csrf;
    const started = performance.now();
    return new Promise((resolve) => {
      let answered = false;
      let done = false;
      const finish = (r) => {
        if (done) return;
        done = true;
        resolve({ ms: performance.now() - started, answered, ...r });
      };
      const req = this.mod.request({ host: this.host, port: this.port, method, path: urlPath, headers: h, agent: fresh ? false : this.agent, ca: this.ca }, (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (e) => finish({
          status: 0, err: `${e.message} after a ${res.statusCode} head (content-length ${res.headers['content-length']}, ${chunks.reduce((n, c) => n + c.length, 0)} bytes, rid ${res.headers['x-request-id']})`,
          errCode: e.code, reused: req.reusedSocket, headers: {}, text: '', cut: true,
        }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          finish({ status: res.statusCode, headers: res.headers, text, json: parseJson(text), reused: req.reusedSocket });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => finish({ status: 0, err: e.message, errCode: e.code, reused: req.reusedSocket, headers: {}, text: '' }));
      req.end(payload || undefined);
    });
  }
}

// ------------------------------------------------------------- recorder

/**
 * Every answer of a run: { at (ms since start), ms, end, who, op, method, path,
 * status, ct, retryAfter, rid, text (cut), err, write? }.
 */
export class Recorder {
  constructor() {
    this.t0 = performance.now();
    this.records = [];
    this.races = [];
  }

  now() {
    return performance.now() - this.t0;
  }

  add(who, op, method, urlPath, res) {
    const end = this.now();
    const r = {
      at: Math.round(end - res.ms),
      ms: Math.round(res.ms),
      // Unrounded, for ordering against an event: at + ms can fall up to
      // a millisecond short of the moment the answer came.
      end,
      who,
      op,
      method,
      path: urlPath,
      status: res.status,
      ct: (res.headers && res.headers['content-type']) || '',
      retryAfter: res.headers ? res.headers['retry-after'] : undefined,
      rid: res.headers ? res.headers['x-request-id'] : undefined,
      etag: res.headers ? res.headers.etag : undefined,
      // Only error answers keep their text (a copy: a slice would keep the
      // whole answer alive, and a long soak has hundreds of thousands).
      text: res.status === 0 || res.status >= 400 ? Buffer.from((res.text || '').slice(0, 300)).toString() : '',
      json: res.status >= 400 ? res.json : undefined,
      err: res.err,
      // The answer began and then broke off (its worker died mid-body).
      cut: res.status === 0 && res.cut === true,
    };
    this.records.push(r);
    return r;
  }

  /** Answers by status ("0" for no answer), as an object. */
  byStatus(records = this.records) {
    const n = {};
    for (const r of records) n[r.status] = (n[r.status] || 0) + 1;
    return n;
  }

  writes() {
    return this.records.filter((r) => r.write);
  }
}

function form(fields) {
  return Object.entries(fields).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

// The cookie name, with the __Host- or __Secure- prefix it has over HTTPS.
function cookieOf(res, name) {
  const sc = res.headers['set-cookie'] || [];
  for (const line of Array.isArray(sc) ? sc : [sc]) {
    const m = new RegExp(`^\\s*((?:__Host-|__Secure-)?${name})=([^;]*)`).exec(line);
    if (m) return `${m[1]}=${m[2]}`;
  }
  return null;
}

/** A unique ASCII marker. */
export function marker(label = 'm') {
  return `kt-${label}-${crypto.randomBytes(6).toString('hex')}`;
}

/** The version in an ETag ("7" -> 7), or null. */
export function etagVersion(etag) {
  const m = /^(?:W\/)?"(\d+)"$/.exec(etag || '');
  return m ? Number(m[1]) : null;
}

/** A logged-in person: call() sends with the session and records. */
class Session {
  constructor(httpc, rec, { kind, who, cookie, csrf, id }) {
    Object.assign(this, { http: httpc, rec, kind, who, cookie, csrf, id });
    this.goals = new Map(); // staff: citizen id -> goals in the plan, as last read
  }

  async call(op, method, urlPath, opts = {}) {
    const res = await this.http.request(method, urlPath, { cookie: this.cookie, csrf: this.csrf, ...opts });
    const r = this.rec.add(this.who, op, method, urlPath, res);
    if (this.kind === 'citizen') r.citizenId = this.id;
    return { res, r };
  }
}

async function devToken(httpc, sub, aud) {
  for (let i = 0; i < 20; i++) {
    const res = await httpc.request('POST', '/dev-idp/token', {
      body: form({ sub, aud }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    if (res.status === 200) return res.text.trim();
    await sleep(250);
  }
  throw new Error(`no dev IdP token for ${sub}`);
}

const KINDS = {
  citizen: { aud: 'kaptajn-citizen', path: '/api/v1/session', cookie: CITIZEN_COOKIE, who: (b) => b.citizen },
  staff: { aud: 'kaptajn-admin', path: '/admin/api/v1/session', cookie: STAFF_COOKIE, who: (b) => b.staff },
};

async function login(httpc, rec, kind, sub, label) {
  const k = KINDS[kind];
  for (let i = 0; i < 10; i++) {
    const token = await devToken(httpc, sub, k.aud);
    const res = await httpc.request('POST', k.path, { json: { id_token: token } });
    if (res.status === 201) {
      return new Session(httpc, rec, { kind, who: label, cookie: cookieOf(res, k.cookie), csrf: res.json.csrf_token, id: k.who(res.json).id });
    }
    await sleep(250);
  }
  throw new Error(`${kind} ${sub} cannot log in`);
}

/** Logs in a demo or bench citizen (sub) through the dev IdP. */
export function loginCitizen(httpc, rec, sub) {
  return login(httpc, rec, 'citizen', sub, sub);
}

/** Logs in a staff member (sub) through the dev IdP; label names the session. */
export function loginStaff(httpc, rec, sub, label = sub) {
  return login(httpc, rec, 'staff', sub, label);
}

/** Logs in many citizens, a few at a time. */
export async function loginCitizens(httpc, rec, subs, parallel = 4) {
  const out = new Array(subs.length);
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < subs.length) {
      const i = next++;
      out[i] = await loginCitizen(httpc, rec, subs[i]);
    }
  }));
  return out;
}

/**
 * The people of a load run: the four demo citizens and bench-1..bench-N
 * (seeded here), and the caseworkers: Mette twice (two devices, twins
 * that race on decisions) and Peter. Returns { citizens, staff }.
 */
export async function people(stack, httpc, rec, bench) {
  if (bench > 0) await stack.seedBench(bench);
  const citizens = await loginCitizens(httpc, rec, ['anna', 'lars', 'sofie', 'mohammed',
    ...Array.from({ length: bench }, (_, i) => `bench-${i + 1}`)]);
  const mette = await loginStaff(httpc, rec, 'mette', 'mette-1');
  const mette2 = await loginStaff(httpc, rec, 'mette', 'mette-2');
  const peter = await loginStaff(httpc, rec, 'peter');
  twin(mette, mette2);
  rec.records.length = 0;
  return { citizens, staff: [mette, mette2, peter] };
}

// ----------------------------------------------------------- operations

const ADMIN = '/admin/api/v1';

// Plans stay about this size however long a run lasts, so that the
// answers (and the workers' memory) do not grow with it: a citizen keeps a
// few dreams and proposals pending, and goals are added up to a cap.
const MAX_DREAMS = 5;
const MAX_PENDING = 2;
const MAX_GOALS = 12;

/** What a citizen's loop knows of its plan between requests. */
function citizenState(s) {
  if (!s.state) s.state = { version: null, dreams: [], pending: [], planId: null, goals: 0 };
  return s.state;
}

export const citizenOps = {
  async readPlan(s) {
    const { res, r } = await s.call('plan', 'GET', '/api/v1/plan');
    if (res.status === 200 && res.json) {
      const st = citizenState(s);
      st.version = etagVersion(res.headers.etag);
      st.planId = res.json.id;
      st.dreams = res.json.dreams.filter((d) => d.author_id === s.id).map((d) => d.id);
      st.goals = res.json.goals.length;
    }
    return r;
  },
  async addDream(s) {
    if (citizenState(s).dreams.length >= MAX_DREAMS) return citizenOps.deleteDream(s);
    const text = marker('dream');
    const { res, r } = await s.call('dream_create', 'POST', '/api/v1/plan/dreams', { json: { text } });
    r.intent = { kind: 'dream_create', text };
    if (res.status === 201) {
      r.write = { kind: 'dream_create', dreamId: res.json.id, text, version: etagVersion(res.headers.etag) };
      citizenState(s).dreams.push(res.json.id);
      citizenState(s).version = r.write.version;
    }
    return r;
  },
  async editDream(s) {
    const st = citizenState(s);
    if (!st.dreams.length || st.version === null) return citizenOps.readPlan(s);
    const id = st.dreams[Math.floor(Math.random() * st.dreams.length)];
    const text = marker('edit');
    const { res, r } = await s.call('dream_update', 'PUT', `/api/v1/plan/dreams/${id}`, {
      json: { text }, headers: { 'If-Match': `"${st.version}"` },
    });
    r.intent = { kind: 'dream_update', dreamId: id, text };
    if (res.status === 200) {
      r.write = { kind: 'dream_update', dreamId: id, text, version: etagVersion(res.headers.etag) };
      st.version = r.write.version;
    } else if (res.status === 412 || res.status === 404) {
      await citizenOps.readPlan(s);
    }
    return r;
  },
  async deleteDream(s) {
    const st = citizenState(s);
    if (st.dreams.length < 3) return citizenOps.addDream(s);
    const id = st.dreams.shift();
    const { res, r } = await s.call('dream_delete', 'DELETE', `/api/v1/plan/dreams/${id}`);
    r.intent = { kind: 'dream_delete', dreamId: id };
    if (res.status === 204) r.write = { kind: 'dream_delete', dreamId: id, version: etagVersion(res.headers.etag) };
    return r;
  },
  async propose(s) {
    const st = citizenState(s);
    if (st.pending.length >= MAX_PENDING) return citizenOps.withdraw(s);
    if (st.goals >= MAX_GOALS) return citizenOps.readPlan(s);
    const reason = marker('reason');
    const { res, r } = await s.call('proposal_create', 'POST', '/api/v1/proposals', {
      json: { kind: 'add_goal', title: `Mål ${reason.slice(-6)}`, description: 'Et nyt mål fra borgeren', reason },
    });
    if (res.status === 201) {
      r.write = { kind: 'proposal_create', proposalId: res.json.id, reason };
      citizenState(s).pending.push(res.json.id);
    }
    return r;
  },
  async withdraw(s) {
    const st = citizenState(s);
    if (!st.pending.length) return citizenOps.proposals(s);
    const id = st.pending.shift();
    const { res, r } = await s.call('withdraw', 'POST', `/api/v1/proposals/${id}/withdrawal`);
    if (res.status === 200) r.write = { kind: 'withdraw', proposalId: id };
    return r;
  },
  async accept(s) {
    const st = citizenState(s);
    if (st.version === null) return citizenOps.readPlan(s);
    const { res, r } = await s.call('accept', 'POST', '/api/v1/plan/acceptance', { json: { version: st.version } });
    if (res.status === 200) r.write = { kind: 'accept', version: st.version };
    else if (res.status === 409) await citizenOps.readPlan(s);
    return r;
  },
  async history(s) {
    return (await s.call('history', 'GET', '/api/v1/plan/history')).r;
  },
  async proposals(s) {
    const { res, r } = await s.call('proposals', 'GET', '/api/v1/proposals');
    if (res.status === 200 && res.json) citizenState(s).pending = res.json.proposals.filter((p) => p.status === 'pending').map((p) => p.id);
    return r;
  },
};

const CITIZEN_MIX = [
  ['readPlan', 30], ['addDream', 12], ['editDream', 16], ['deleteDream', 6], ['propose', 12],
  ['withdraw', 4], ['accept', 6], ['history', 8], ['proposals', 6],
];

function pick(mix) {
  const total = mix.reduce((a, [, w]) => a + w, 0);
  let x = Math.random() * total;
  for (const [name, w] of mix) {
    if ((x -= w) < 0) return name;
  }
  return mix[0][0];
}

/** A caseworker's decision on proposal p (the queue's entry). */
async function decide(s, p) {
  const approve = Math.random() < 0.6 && (s.goals.get(p.citizen.id) ?? MAX_GOALS) < MAX_GOALS;
  const body = approve
    ? { decision: 'approve', reason: 'Godkendt', area: 'job', legal_basis: 'LAB §91' }
    : { decision: 'reject', reason: marker('rejected') };
  const { res, r } = await s.call('decision', 'POST', `${ADMIN}/proposals/${p.id}/decision`, { json: body });
  if (res.status === 200 && approve) s.goals.set(p.citizen.id, (s.goals.get(p.citizen.id) ?? MAX_GOALS) + 1);
  if (res.status === 200) {
    r.write = {
      kind: 'decision', proposalId: p.id, decision: approve ? 'approved' : 'rejected', staffId: s.id,
      citizenId: p.citizen.id, version: res.json.plan_version,
    };
  }
  return r;
}

export const staffOps = {
  async queue(s) {
    const { res, r } = await s.call('queue', 'GET', `${ADMIN}/proposals?status=pending`);
    if (res.status === 200 && res.json) s.queue = res.json.proposals;
    return r;
  },
  async citizens(s) {
    const { res, r } = await s.call('caseload', 'GET', `${ADMIN}/citizens`);
    if (res.status === 200 && res.json) s.caseload = res.json.citizens.map((c) => c.id);
    return r;
  },
  async readPlan(s, citizenId) {
    if (!s.caseload || !s.caseload.length) return staffOps.citizens(s);
    const id = citizenId || s.caseload[Math.floor(Math.random() * s.caseload.length)];
    const { res, r } = await s.call('staff_plan', 'GET', `${ADMIN}/citizens/${id}/plan`);
    if (res.status === 200 && res.json) s.goals.set(id, res.json.goals.length);
    return r;
  },
  async addGoal(s) {
    if (!s.caseload || !s.caseload.length) return staffOps.citizens(s);
    const id = s.caseload[Math.floor(Math.random() * s.caseload.length)];
    if ((s.goals.get(id) ?? MAX_GOALS) >= MAX_GOALS) return staffOps.readPlan(s, id);
    const title = marker('goal');
    const { res, r } = await s.call('goal_create', 'POST', `${ADMIN}/citizens/${id}/goals`, {
      json: { title, description: 'Delmål sat af sagsbehandleren', area: 'education', legal_basis: 'LAB §91' },
    });
    if (res.status === 201) {
      r.write = { kind: 'goal_create', goalId: res.json.goal.id, citizenId: id, title, version: res.json.plan_version };
      s.goals.set(id, s.goals.get(id) + 1);
    }
    return r;
  },
  async decideOne(s) {
    if (!s.queue || !s.queue.length) return staffOps.queue(s);
    const p = s.queue.splice(Math.floor(Math.random() * s.queue.length), 1)[0];
    return decide(s, p);
  },
  /** Two sessions of the caseworker decide the same proposal at once. */
  async race(s) {
    if (!s.twin) return staffOps.decideOne(s);
    if (!s.queue || !s.queue.length) return staffOps.queue(s);
    const p = s.queue.splice(Math.floor(Math.random() * s.queue.length), 1)[0];
    const [a, b] = await Promise.all([decide(s, p), decide(s.twin, p)]);
    s.rec.races.push({ proposalId: p.id, statuses: [a.status, b.status] });
    return a;
  },
};

const STAFF_MIX = [['queue', 20], ['citizens', 4], ['readPlan', 20], ['addGoal', 10], ['decideOne', 18], ['race', 8]];

/**
 * Runs the load loops until stop(): one loop per citizen session and one
 * per staff session, each one request at a time with a short pause.
 * stop() resolves once every loop has had its last answer. wrap(ops), when
 * given, makes the operations the loops call (a retry around each, say).
 */
export function startLoad({ citizens = [], staff = [], pauseMs = 20, citizenMix = CITIZEN_MIX, staffMix = STAFF_MIX, wrap = (ops) => ops }) {
  let stopped = false;
  const loop = async (s, ops, mix) => {
    while (!stopped) {
      await ops[pick(mix)](s);
      await sleep(pauseMs * (0.5 + Math.random()));
    }
  };
  const cOps = wrap(citizenOps);
  const sOps = wrap(staffOps);
  const loops = [...citizens.map((s) => loop(s, cOps, citizenMix)), ...staff.map((s) => loop(s, sOps, staffMix))];
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Pairs up sessions of the same caseworker, so that race() has a twin. */
export function twin(a, b) {
  a.twin = b;
  b.twin = a;
}

// --------------------------------------------------------------- checks

const GENERIC_500 = new Set(['something went wrong on our side', 'Internal error.']);

/**
 * Every error answer is JSON in API.md's shape; a 503 carries Retry-After;
 * a 500 says nothing of the inside; no answer is missing; every status is
 * among the allowed ones (2xx and the given list). With cut, an answer
 * that broke off at once after its head is allowed too: a worker killed
 * while it wrote the body (nginx had passed the head on, so it can only
 * close the connection). Returns the problems.
 */
export function answerProblems(records, allowed, { cut = false } = {}) {
  const ok = new Set(allowed);
  const problems = [];
  for (const r of records) {
    const where = `${r.who} ${r.method} ${r.path} at ${r.at} ms`;
    if (r.status === 0 && cut && r.cut && r.ms < 2000) continue;
    if (r.status === 0) {
      problems.push(`${where}: no answer (${r.err})`);
      continue;
    }
    if (r.status < 400) continue;
    if (!ok.has(r.status)) problems.push(`${where}: unexpected ${r.status} ${r.text.slice(0, 160)}`);
    if (!/^application\/json\b/i.test(r.ct)) {
      problems.push(`${where}: ${r.status} is not JSON (${r.ct}): ${r.text.slice(0, 120)}`);
      continue;
    }
    const e = r.json && r.json.error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') problems.push(`${where}: ${r.status} without {"error":{code,message}}: ${r.text.slice(0, 160)}`);
    if ((r.status === 503 || r.status === 502 || r.status === 504) && !/^\d+$/.test(r.retryAfter || '')) {
      problems.push(`${where}: ${r.status} without Retry-After`);
    }
    if (r.status === 500 && e && !GENERIC_500.has(e.message)) problems.push(`${where}: 500 with detail: ${e.message}`);
  }
  return problems;
}

/** Answers slower than boundMs. */
export function slowAnswers(records, boundMs = ANSWER_BOUND_MS) {
  return records.filter((r) => r.ms > boundMs).map((r) => `${r.who} ${r.method} ${r.path} took ${r.ms} ms (${r.status})`);
}

function sqlList(values) {
  return values.map((v) => `'${String(v).replace(/[^0-9A-Za-z_-]/g, '')}'`).join(',') || "''";
}

function chunks(list, n = 500) {
  const out = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/**
 * Lost writes: every write answered 2xx is in the database as answered.
 *   dreams made, changed, deleted; proposals made, withdrawn, decided;
 *   acceptances; goals. Each change of the plan has its history row with
 *   the version answered and the request's id; each staff change has its
 *   audit row with the request's id.
 * Returns { checked, lost: [descriptions] }.
 */
export function lostWrites(stack, records) {
  const writes = records.filter((r) => r.write);
  const lost = [];
  const rids = writes.map((r) => r.rid).filter(Boolean);
  const history = new Map();
  const audit = new Map();
  const acceptances = new Set();
  for (const part of chunks(rids)) {
    for (const [rid, planId, version] of stack.sql(`SELECT request_id, plan_id, version FROM plan_history WHERE request_id IN (${sqlList(part)})`)) {
      history.set(rid, { planId: Number(planId), version: Number(version) });
    }
    for (const [rid, action] of stack.sql(`SELECT request_id, action FROM audit_log WHERE request_id IN (${sqlList(part)}) AND action <> 'read'`)) {
      audit.set(rid, action);
    }
    for (const [rid] of stack.sql(`SELECT request_id FROM plan_acceptances WHERE request_id IN (${sqlList(part)})`)) acceptances.add(rid);
  }
  const ids = (kind, key) => writes.filter((r) => r.write.kind === kind).map((r) => Number(r.write[key]));
  const dreamIds = [...new Set([...ids('dream_create', 'dreamId'), ...ids('dream_update', 'dreamId'), ...ids('dream_delete', 'dreamId')])];
  const dreams = new Map();
  for (const part of chunks(dreamIds)) {
    for (const [id, text, deleted] of stack.sql(`SELECT id, text, deleted_at IS NOT NULL FROM dreams WHERE id IN (${part.join(',')})`)) {
      dreams.set(Number(id), { text, deleted: deleted === '1' });
    }
  }
  const proposalIds = [...new Set([...ids('proposal_create', 'proposalId'), ...ids('withdraw', 'proposalId'), ...ids('decision', 'proposalId')])];
  const proposals = new Map();
  for (const part of chunks(proposalIds)) {
    for (const [id, status, reason, decidedBy] of stack.sql(`SELECT id, status, reason, COALESCE(decided_by, 0) FROM proposals WHERE id IN (${part.join(',')})`)) {
      proposals.set(Number(id), { status, reason, decidedBy: Number(decidedBy) });
    }
  }
  const goalIds = ids('goal_create', 'goalId');
  const goals = new Map();
  for (const part of chunks(goalIds)) {
    for (const [id, title] of stack.sql(`SELECT id, title FROM goals WHERE id IN (${part.join(',')})`)) goals.set(Number(id), title);
  }
  // The text a dream must have now: its last acknowledged text, or the text
  // of a later attempt whose answer was lost (it may have been applied).
  const finalText = new Map();
  for (const r of records) {
    const k = r.write ? r.write : r.intent;
    if (!k || (k.kind !== 'dream_create' && k.kind !== 'dream_update')) continue;
    const id = r.write ? r.write.dreamId : k.dreamId;
    if (id === undefined) continue;
    if (r.write) finalText.set(id, new Set([k.text]));
    else if (r.status === 0 || r.status >= 500) (finalText.get(id) || finalText.set(id, new Set()).get(id)).add(k.text);
  }
  const deletedLater = new Set(records.filter((r) => r.intent && r.intent.kind === 'dream_delete' && (r.write || r.status === 0 || r.status >= 500)).map((r) => r.intent.dreamId));

  for (const r of writes) {
    const w = r.write;
    const what = `${r.who} ${w.kind} ${JSON.stringify(w)} (rid ${r.rid})`;
    const bumps = ['dream_create', 'dream_update', 'dream_delete', 'goal_create'].includes(w.kind) || (w.kind === 'decision' && w.decision === 'approved');
    if (bumps) {
      const h = history.get(r.rid);
      if (!h) lost.push(`${what}: no plan_history row`);
      else if (h.version !== w.version) lost.push(`${what}: history has version ${h.version}, the answer said ${w.version}`);
    }
    if (w.kind === 'goal_create' || w.kind === 'decision') {
      const want = w.kind === 'goal_create' ? 'goal_added' : `proposal_${w.decision}`;
      if (audit.get(r.rid) !== want) lost.push(`${what}: audit row ${audit.get(r.rid) || 'missing'}, want ${want}`);
    }
    switch (w.kind) {
      case 'dream_create':
      case 'dream_update': {
        const d = dreams.get(w.dreamId);
        if (!d) lost.push(`${what}: no dream row`);
        else if (!d.deleted && !deletedLater.has(w.dreamId) && !(finalText.get(w.dreamId) || new Set()).has(d.text)) {
          lost.push(`${what}: the dream reads ${d.text}`);
        }
        break;
      }
      case 'dream_delete': {
        const d = dreams.get(w.dreamId);
        if (!d || !d.deleted) lost.push(`${what}: the dream is not deleted`);
        break;
      }
      case 'proposal_create': {
        const p = proposals.get(w.proposalId);
        if (!p || p.reason !== w.reason) lost.push(`${what}: no such proposal row`);
        break;
      }
      case 'withdraw': {
        const p = proposals.get(w.proposalId);
        if (!p || p.status !== 'withdrawn') lost.push(`${what}: proposal is ${p ? p.status : 'missing'}`);
        break;
      }
      case 'decision': {
        const p = proposals.get(w.proposalId);
        if (!p || p.status !== w.decision || p.decidedBy !== w.staffId) lost.push(`${what}: proposal is ${p ? `${p.status} by ${p.decidedBy}` : 'missing'}`);
        break;
      }
      case 'accept':
        if (!acceptances.has(r.rid)) lost.push(`${what}: no plan_acceptances row`);
        break;
      case 'goal_create':
        if (goals.get(w.goalId) !== w.title) lost.push(`${what}: no goal row`);
        break;
      default:
        break;
    }
  }
  return { checked: writes.length, lost };
}

/**
 * The database's own consistency: every plan's versions run 1..version
 * in plan_history without a gap or a surplus; no proposal was decided
 * twice (the answers and the audit log agree); every decided proposal
 * names who decided; the audit chain verifies.
 */
export async function consistency(stack, records = []) {
  const gaps = stack.sql(
    `SELECT p.id, p.version, COUNT(h.id), COALESCE(MIN(h.version), 0), COALESCE(MAX(h.version), 0)
       FROM plans p LEFT JOIN plan_history h ON h.plan_id = p.id
      GROUP BY p.id, p.version
     HAVING COUNT(h.id) <> p.version OR MIN(h.version) <> 1 OR MAX(h.version) <> p.version`,
  ).map(([id, v, n, lo, hi]) => `plan ${id}: version ${v}, history has ${n} rows ${lo}..${hi}`);
  const doubleAudit = stack.sql(
    // An approval in a household is audited once for each member, in one
    // request: two decisions are two requests.
    `SELECT object, COUNT(DISTINCT request_id) FROM audit_log WHERE action IN ('proposal_approved', 'proposal_rejected')
      GROUP BY object HAVING COUNT(DISTINCT request_id) > 1`,
  ).map(([o, n]) => `${o}: ${n} decisions in the audit log`);
  const undecided = stack.sql(
    `SELECT id, status FROM proposals WHERE (status IN ('approved', 'rejected') AND (decided_by IS NULL OR closed_at IS NULL))
        OR (status = 'pending' AND decided_by IS NOT NULL)`,
  ).map(([id, s]) => `proposal ${id}: ${s} without a consistent decision`);
  const answered = new Map();
  for (const r of records) {
    if (r.write && r.write.kind === 'decision') answered.set(r.write.proposalId, (answered.get(r.write.proposalId) || 0) + 1);
  }
  // Every marker is written by one request: one that is found twice was
  // applied twice (a retry gone wrong).
  const duplicates = stack.sql(
    `SELECT 'dream', text, COUNT(*) FROM dreams WHERE text LIKE 'kt-%' GROUP BY text HAVING COUNT(*) > 1
     UNION ALL SELECT 'proposal', reason, COUNT(*) FROM proposals WHERE reason LIKE 'kt-%' GROUP BY reason HAVING COUNT(*) > 1
     UNION ALL SELECT 'goal', title, COUNT(*) FROM goals WHERE title LIKE 'kt-%' GROUP BY title HAVING COUNT(*) > 1`,
  ).map(([k, m, n]) => `${k} ${m} written ${n} times`);
  const doubleAnswers = [...answered].filter(([, n]) => n > 1).map(([id, n]) => `proposal ${id}: ${n} decisions answered 200`);
  const audit = await stack.verifyAudit();
  return {
    versionGaps: gaps,
    duplicates,
    doubleDecisions: [...doubleAudit, ...doubleAnswers],
    badDecisions: undecided,
    auditOk: audit.code === 0 && /chain intact/.test(audit.out),
    auditOut: audit.out.trim(),
  };
}

/**
 * Citizens' plan reads older than a change answered before they began:
 * a read of version v that started after a write to the same plan (the
 * citizen's own, or a caseworker's decision) had been answered with a
 * version above v. With plan answers kept in the workers' memory
 * (fcgi/plan_cache.c) this is what a missed change would look like.
 * Returns { checked, stale: [descriptions] }.
 */
export function staleReads(stack, records) {
  const ids = new Set();
  for (const r of records) {
    if (r.citizenId) ids.add(r.citizenId);
    if (r.write && r.write.citizenId) ids.add(r.write.citizenId);
  }
  const planOf = new Map();
  for (const part of chunks([...ids])) {
    for (const [id, plan] of stack.sql(`SELECT id, plan_id FROM citizens WHERE id IN (${sqlList(part)})`)) planOf.set(Number(id), Number(plan));
  }
  // Answered changes per plan, by the moment their answer came.
  const changes = new Map();
  for (const r of records) {
    const w = r.write;
    if (!w || w.kind === 'accept' || !Number.isInteger(w.version)) continue;
    const plan = planOf.get(Number(w.citizenId || r.citizenId));
    if (plan === undefined) continue;
    if (!changes.has(plan)) changes.set(plan, []);
    changes.get(plan).push({ end: r.end, version: w.version, what: `${r.who} ${w.kind}` });
  }
  for (const list of changes.values()) list.sort((a, b) => a.end - b.end);
  const stale = [];
  let checked = 0;
  for (const r of records) {
    if (r.op !== 'plan' || r.status !== 200 || !r.citizenId) continue;
    const v = etagVersion(r.etag);
    const list = changes.get(planOf.get(r.citizenId));
    if (v === null || !list) continue;
    checked++;
    // A millisecond of margin: ms is rounded.
    const began = r.end - r.ms - 1;
    const newer = list.find((c) => c.end < began && c.version > v);
    if (newer) stale.push(`${r.who} read version ${v} at ${Math.round(began)} ms, after ${newer.what} answered version ${newer.version} at ${Math.round(newer.end)} ms (rid ${r.rid})`);
  }
  return { checked, stale };
}

/** Asserts lostWrites, staleReads and consistency together; returns their figures. */
export async function assertConsistent(stack, records) {
  const lw = lostWrites(stack, records);
  assert.deepEqual(lw.lost, [], 'writes answered 2xx that are not in the database');
  const sr = staleReads(stack, records);
  assert.deepEqual(sr.stale.slice(0, 10), [], 'plan reads older than a change answered before them');
  const c = await consistency(stack, records);
  assert.deepEqual(c.versionGaps, [], 'plan versions do not match their history');
  assert.deepEqual(c.doubleDecisions, [], 'a proposal was decided twice');
  assert.deepEqual(c.duplicates, [], 'a write was applied twice');
  assert.deepEqual(c.badDecisions, [], 'proposals with a half-written decision');
  assert.ok(c.auditOk, `kaptajn verify-audit: ${c.auditOut}`);
  return { ...lw, ...c, staleChecked: sr.checked };
}

/** Asserts races: of two decisions at once, one 200 and one 409 (when both were answered). */
export function raceProblems(races) {
  return races
    .filter((x) => x.statuses.every((s) => s > 0 && s < 500))
    .filter((x) => !(x.statuses.filter((s) => s === 200).length === 1 && x.statuses.filter((s) => s === 409).length === 1)
      && !(x.statuses.every((s) => s === 409)))
    .map((x) => `proposal ${x.proposalId}: ${x.statuses.join(' and ')}`);
}

/** GET healthz of a pool until it answers 200 (or the time is up). */
export async function healthy(httpc, pool = 'citizen', timeoutMs = 15000) {
  const p = pool === 'admin' ? '/admin/api/v1/healthz' : '/api/v1/healthz';
  let last;
  try {
    await waitUntil(`${p} 200`, async () => {
      last = await httpc.request('GET', p, { timeoutMs: 5000 });
      return last.status === 200;
    }, timeoutMs, 200);
  } catch {
    assert.fail(`${p} does not answer 200: ${last && last.status} ${last && last.text}`);
  }
}

/** A short line of figures for the test's log. */
export function figures(rec, extra = {}) {
  const n = rec.records.length;
  const ms = rec.records.map((r) => r.ms).sort((a, b) => a - b);
  const q = (f) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(f * ms.length))] : 0);
  const slowest = rec.records.reduce((a, r) => (!a || r.ms > a.ms ? r : a), null);
  return {
    requests: n, byStatus: rec.byStatus(), p50ms: q(0.5), p99ms: q(0.99), maxms: ms.length ? ms[ms.length - 1] : 0,
    slowest: slowest ? `${slowest.method} ${slowest.path} ${slowest.status} at ${slowest.at}` : '', ...extra,
  };
}
