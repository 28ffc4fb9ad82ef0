// GET /metrics (API.md, Operations): both pools' counters in Prometheus's
// text format, served by the citizen pool through nginx, only from the
// host itself; and the pools' access log, one logfmt line per request.
// Counting exactly needs a stack nobody else sends requests to, so this
// file starts a small one of its own (its own directory beside the shared
// one, its own port), and a real Prometheus (Debian's package) on loopback
// that scrapes it every second; both are stopped at the end.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { ADMIN, SKIP, describeRes, expectJson, freePort, request, stackCmd, startOwnStack } from './lib.mjs';

const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-metrics` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!process.env.KAPTAJN_BIN && 'KAPTAJN_BIN is not set');

/** The path of a program on PATH, or null. */
function which(name) {
  for (const dir of (process.env.PATH || '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
const PROMTOOL = which('promtool');
const PROMETHEUS = which('prometheus');

/** A text-format answer as a Map from "name{labels}" (as written) to its value. */
function parse(text) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** What moved between two parses, leaving out the given series' names. */
function moved(before_, after_, keep = () => true) {
  const out = {};
  for (const [k, v] of after_) {
    const d = v - (before_.get(k) || 0);
    if (d !== 0 && keep(k)) out[k] = d;
  }
  return out;
}

const series = (pool, method, route, code) =>
  `kaptajn_http_requests_total{pool="${pool}",method="${method}",route="${route}",code="${code}"}`;

/** A GET from another source address (loopback lets us bind 127.0.0.2). */
function getFrom(localAddress, base, p) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, path: p, method: 'GET', localAddress, agent: false, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', reject);
    r.on('timeout', () => r.destroy(new Error('no answer')));
    r.end();
  });
}

describe('GET /metrics and the access log (a stack of its own)', { skip: NEED }, () => {
  let base;
  let prom; // the Prometheus child
  let promUrl;
  const get = (p, opts = {}) => request('GET', p, { ...opts, base });
  const scrape = async () => {
    const res = await get('/metrics');
    assert.equal(res.status, 200, describeRes(res));
    return res;
  };
  const citizenLog = () => fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8');

  before(async () => {
    ({ url: base } = await startOwnStack(VAR, { env: { KAPTAJN_WORKERS: '2' } }));
  });

  after(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      for (let i = 0; i < 100 && prom.exitCode === null; i++) await sleep(100);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
    if (VAR) fs.rmSync(path.join(VAR, 'prometheus.pid'), { force: true });
    if (VAR) await stackCmd(['stop', VAR]);
  });

  it('answers text/plain; version=0.0.4 with both pools up and their workers', async () => {
    const res = await scrape();
    assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4(;|$)/);
    const s = parse(res.text);
    assert.equal(s.get('kaptajn_pool_up{pool="citizen"}'), 1);
    assert.equal(s.get('kaptajn_pool_up{pool="admin"}'), 1);
    for (const pool of ['citizen', 'admin']) {
      assert.equal(s.get(`kaptajn_pool_workers_configured{pool="${pool}"}`), 2, pool);
      assert.equal(s.get(`kaptajn_pool_workers_alive{pool="${pool}"}`), 2, pool);
      assert.ok(s.has(`kaptajn_http_request_duration_seconds_bucket{pool="${pool}",le="+Inf"}`), pool);
    }
    // In dev mode both pools fetch the dev IdP's keys at start (the
    // supervisor counts the job once it has seen it end).
    let k = s;
    for (let i = 0; i < 20 && !(k.get('kaptajn_broker_key_refreshes_total{pool="admin",result="ok"}') >= 1); i++) {
      await sleep(250);
      k = parse((await scrape()).text);
    }
    assert.ok(k.get('kaptajn_broker_key_refreshes_total{pool="citizen",result="ok"}') >= 1);
    assert.ok(k.get('kaptajn_broker_key_refreshes_total{pool="admin",result="ok"}') >= 1);
    assert.ok(k.get('kaptajn_broker_keys_age_seconds{pool="admin"}') >= 0);
  });

  it('the counters move by exactly the requests made, per route and status', async () => {
    const before_ = parse((await scrape()).text);
    for (let i = 0; i < 3; i++) expectJson(await get('/api/v1/healthz'), 200);
    for (let i = 0; i < 2; i++) assert.equal((await get('/api/v1/nope')).status, 404);
    // An id in the path counts under the pattern, never under the id.
    assert.equal((await request('PUT', '/api/v1/plan/dreams/424242', { base, json: { text: 'x' } })).status, 401);
    assert.equal((await request('DELETE', '/api/v1/plan/dreams/424243', { base })).status, 401);
    for (let i = 0; i < 2; i++) expectJson(await get(`${ADMIN}/healthz`), 200);
    const after_ = parse((await scrape()).text);
    const notScrapes = (k) => !k.includes('route="/metrics"') && !k.startsWith('kaptajn_http_request_duration_seconds') &&
      !k.startsWith('kaptajn_broker_') && !k.startsWith('kaptajn_sessions_live');
    assert.deepEqual(moved(before_, after_, notScrapes), {
      [series('citizen', 'GET', '/api/v1/healthz', '200')]: 3,
      [series('citizen', 'GET', 'unmatched', '404')]: 2,
      [series('citizen', 'PUT', '/api/v1/plan/dreams/{id}', '401')]: 1,
      [series('citizen', 'DELETE', '/api/v1/plan/dreams/{id}', '401')]: 1,
      [series('admin', 'GET', '/admin/api/v1/healthz', '200')]: 2,
    });
    // Nobody scrapes the admin pool: its histogram counts its 2 requests.
    const count = 'kaptajn_http_request_duration_seconds_count{pool="admin"}';
    assert.equal(after_.get(count) - before_.get(count), 2);
    assert.ok(!after_.has(series('citizen', 'PUT', '/api/v1/plan/dreams/424242', '401')));
  });

  it('plan answers kept in memory are counted, with the parts found and missed', async () => {
    const tok = await request('POST', '/dev-idp/token', {
      base, body: 'sub=anna&aud=kaptajn-citizen', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(tok.status, 200, describeRes(tok));
    const login = await request('POST', '/api/v1/session', { base, json: { id_token: tok.text.trim() } });
    expectJson(login, 201);
    const cookie = /kaptajn_session=[^;]*/.exec(login.setCookie.join('\n'))[0];
    const before_ = parse((await scrape()).text);
    for (let i = 0; i < 3; i++) expectJson(await get('/api/v1/plan', { cookie }), 200);
    const after_ = parse((await scrape()).text);
    const d = (k) => (after_.get(k) || 0) - (before_.get(k) || 0);
    assert.equal(d('kaptajn_plan_answers_total{pool="citizen"}'), 3);
    // The first read finds nothing kept (a fresh stack); the others all.
    assert.equal(d('kaptajn_plan_answers_kept_total{pool="citizen"}'), 2);
    assert.equal(d('kaptajn_plan_cache_misses_total{pool="citizen",part="plan"}'), 1);
    assert.equal(d('kaptajn_plan_cache_hits_total{pool="citizen",part="plan"}'), 2);
    assert.equal(d('kaptajn_plan_cache_hits_total{pool="citizen",part="citizen"}'), 2);
    // The live sessions are counted in the database at most every 15 s:
    // the one login shows within that.
    let live;
    for (let i = 0; i < 40 && live !== 1; i++) {
      live = parse((await scrape()).text).get('kaptajn_sessions_live{kind="citizen"}');
      if (live !== 1) await sleep(500);
    }
    assert.equal(live, 1, 'live citizen sessions');
  });

  it('the access line is logfmt with the route pattern, never the path\'s id or the query', async () => {
    const res = await request('PUT', '/api/v1/plan/dreams/987654?cpr=0101901234&token=abc', { base, json: { text: 'x' } });
    assert.equal(res.status, 401);
    const rid = res.headers['x-request-id'];
    const lines = citizenLog().split('\n').filter((l) => l.includes(` rid=${rid} `));
    assert.equal(lines.length, 1, `one access line for ${rid}`);
    assert.match(lines[0], /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info msg=access pool=citizen rid=[0-9a-f]+ method=PUT route=\/api\/v1\/plan\/dreams\/\{id\} status=401 dur_us=\d+$/);
    for (const secret of ['987654', '0101901234', 'token=abc']) assert.ok(!citizenLog().includes(secret), secret);
  });

  it('a request from another address than the host\'s own is refused (403) by nginx', async (t) => {
    const conf = fs.readFileSync(path.join(VAR, 'nginx', 'nginx.conf'), 'utf8');
    const loc = /location = \/metrics \{([^}]*)\}/.exec(conf);
    assert.ok(loc, 'no location = /metrics');
    assert.match(loc[1], /allow 127\.0\.0\.1;\s*allow ::1;\s*deny all;/);
    let res;
    try {
      res = await getFrom('127.0.0.2', base, '/metrics');
    } catch (err) {
      // Without 127.0.0.2 on lo, only the rendered config is checked.
      t.diagnostic(`could not send from 127.0.0.2 (${err.code}): checked the rendered config only`);
      return;
    }
    assert.equal(res.status, 403, res.text);
    assert.doesNotMatch(res.text, /kaptajn_/);
    assert.equal((await getFrom('127.0.0.1', base, '/metrics')).status, 200);
  });

  it('promtool check metrics finds nothing in the answer', { skip: !PROMTOOL && 'no promtool (Debian package prometheus)' }, async () => {
    const text = (await scrape()).text;
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '');
  });

  it('a real Prometheus scraping every second sees the requests sent', { skip: !PROMETHEUS && 'no prometheus (Debian package prometheus)' }, async () => {
    const port = await freePort();
    const dir = path.join(VAR, 'prometheus');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const target = new URL(base).host;
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s',
      'scrape_configs:', '  - job_name: kaptajn', '    metrics_path: /metrics',
      '    static_configs:', `      - targets: ['${target}']`, '',
    ].join('\n'));
    const log = fs.openSync(path.join(VAR, 'log', 'prometheus.log'), 'a');
    prom = spawn(PROMETHEUS, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    // For scripts/test, which stops it by this file after an interrupt.
    fs.writeFileSync(path.join(VAR, 'prometheus.pid'), `${prom.pid}\n`);
    promUrl = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 120 && !ready && prom.exitCode === null; i++) {
      try {
        ready = (await request('GET', '/-/ready', { base: promUrl })).status === 200;
      } catch {
        // not listening yet
      }
      if (!ready) await sleep(250);
    }
    assert.ok(ready, `Prometheus did not get ready: ${fs.readFileSync(path.join(VAR, 'log', 'prometheus.log'), 'utf8').slice(-1500)}`);

    for (let i = 0; i < 7; i++) expectJson(await get('/api/v1/healthz'), 200);
    for (let i = 0; i < 3; i++) expectJson(await get(`${ADMIN}/healthz`), 200);
    // What the stack says now, scrapes left out, is what Prometheus must
    // come to (nothing but scrapes reaches the stack from here on).
    const now = parse((await scrape()).text);
    const sum = (pool) => [...now].filter(([k]) => k.startsWith(`kaptajn_http_requests_total{pool="${pool}"`) && !k.includes('route="/metrics"'))
      .reduce((a, [, v]) => a + v, 0);
    const want = { citizen: sum('citizen'), admin: sum('admin') };
    assert.ok(want.citizen >= 7 && want.admin >= 3, JSON.stringify(want));
    const query = async (q) => {
      const res = await request('GET', `/api/v1/query?query=${encodeURIComponent(q)}`, { base: promUrl });
      const body = expectJson(res, 200);
      assert.equal(body.status, 'success');
      return body.data.result.length ? Number(body.data.result[0].value[1]) : null;
    };
    const got = {};
    for (let i = 0; i < 60; i++) {
      got.citizen = await query('sum(kaptajn_http_requests_total{pool="citizen",route!="/metrics"})');
      got.admin = await query('sum(kaptajn_http_requests_total{pool="admin"})');
      if (got.citizen === want.citizen && got.admin === want.admin) break;
      await sleep(500);
    }
    assert.deepEqual(got, want);
    assert.equal(await query(`kaptajn_http_requests_total{pool="admin",method="GET",route="/admin/api/v1/healthz",code="200"}`),
      now.get(series('admin', 'GET', '/admin/api/v1/healthz', '200')));
    assert.equal(await query('up{job="kaptajn"}'), 1);
  });

  it('a worker that dies is respawned and counted', async () => {
    const pid = Number(fs.readFileSync(path.join(runDir(), 'citizen.pid'), 'utf8').trim());
    const before_ = parse((await scrape()).text);
    const kids = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
    assert.ok(kids.length >= 2, `workers of ${pid}: ${kids}`);
    process.kill(kids[0], 'SIGKILL');
    let after_;
    for (let i = 0; i < 40; i++) {
      after_ = parse((await scrape()).text);
      if (after_.get('kaptajn_pool_worker_respawns_total{pool="citizen"}') > before_.get('kaptajn_pool_worker_respawns_total{pool="citizen"}') &&
          after_.get('kaptajn_pool_workers_alive{pool="citizen"}') === 2) break;
      await sleep(250);
    }
    assert.equal(after_.get('kaptajn_pool_worker_respawns_total{pool="citizen"}') - before_.get('kaptajn_pool_worker_respawns_total{pool="citizen"}'), 1);
    assert.equal(after_.get('kaptajn_pool_workers_alive{pool="citizen"}'), 2);
  });

  it('with the admin pool stopped, kaptajn_pool_up{pool="admin"} is 0 and nothing else names it', async () => {
    const r = await runStop('admin');
    assert.equal(r, true, 'the admin pool stopped');
    assert.ok(!fs.existsSync(path.join(runDir(), 'admin.metrics')), 'the admin pool left its counters file');
    const res = await scrape();
    const s = parse(res.text);
    assert.equal(s.get('kaptajn_pool_up{pool="admin"}'), 0);
    assert.deepEqual([...s.keys()].filter((k) => k.includes('pool="admin"')), ['kaptajn_pool_up{pool="admin"}']);
    assert.equal(s.get('kaptajn_pool_up{pool="citizen"}'), 1);
  });

  /** The stack's run directory (sockets, pid files, counters files). */
  function runDir() {
    const rec = path.join(VAR, 'rundir');
    return fs.existsSync(rec) ? fs.readFileSync(rec, 'utf8').trim() : path.join(VAR, 'run');
  }

  /** Stops one pool of the stack by its pid file; true once it is gone. */
  async function runStop(pool) {
    const pid = Number(fs.readFileSync(path.join(runDir(), `${pool}.pid`), 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    // Gone, or a zombie nobody has reaped yet (state Z).
    const alive = () => {
      try {
        return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    return !alive();
  }
});
