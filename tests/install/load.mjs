// load.mjs: the load of the upgrade test (tests/install/upgrade), run by it
// in the booted root's network namespace against the root's nginx over
// HTTPS. Logs in the four demo citizens, UPGRADE_CITIZENS bench citizens
// and the caseworkers through the dev IdP, runs the fault tests' load
// loops (tests/faults/lib.mjs: dreams made, changed and deleted, proposals
// made, withdrawn and decided, goals, plan acceptances, reads) and, after
// WARM_MS, runs UPGRADE_CMD (the apt install of N+1 in the root); the load
// goes on through it and for AFTER_MS after it returned. A write answered
// 502, 503 or not at all is tried again (a new attempt of the same kind,
// with a new marker, so that an attempt applied whose answer was lost is
// not counted as a write applied twice); a write counts as acknowledged
// only when a 2xx came back. Then the checks of tests/faults/lib.mjs
// against the root's database: every acknowledged write is there, plan
// versions match plan_history, no proposal was decided twice, no write was
// applied twice, kaptajn verify-audit passes. Prints "figure: " lines for
// the shell script, and exits 1 when a check fails.
//
// Environment (set by tests/install/upgrade):
//   UPGRADE_TARGET    the pid of the root's systemd (nsenter --target)
//   UPGRADE_CA        the site's self-signed certificate
//   UPGRADE_CITIZENS  bench citizens besides the demo ones
//   UPGRADE_CMD       the upgrade's command, one argument a line
//   UPGRADE_LOG       where its output goes

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';

import {
  Http, Recorder, answerProblems, consistency, figures, healthy, lostWrites, people, raceProblems, run, sleep, startLoad,
} from '../faults/lib.mjs';

const WARM_MS = 5000;
const AFTER_MS = 5000;
const PAUSE_MS = 40;
// A write is tried again on these (0: no answer), at most RETRIES times.
const RETRY_ON = new Set([0, 502, 503]);
const RETRIES = 100;
const RETRY_PAUSE_MS = 100;

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run tests/install/upgrade)`);
  return v;
};
const TARGET = env('UPGRADE_TARGET');
const CMD = env('UPGRADE_CMD').split('\n').filter(Boolean);
const CITIZENS = Number(env('UPGRADE_CITIZENS'));
const ROOT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'];
const CONF = '/etc/kaptajn/kaptajn.conf';

const log = (...a) => console.log('upgrade:', ...a);
const figure = (s) => console.log(`figure: ${s}`);

/** A command in the booted root (every namespace of its systemd). */
const inRoot = (args) => ['nsenter', [`--target=${TARGET}`, '--all', '/usr/bin/env', '-i', ...ROOT_ENV, ...args]];
const asKaptajn = (args) => inRoot(['runuser', '-u', 'kaptajn', '--', 'kaptajn', ...args, '--config', CONF]);

/** The root's database and commands, in the shape lib.mjs's checks take. */
const root = {
  sql(query) {
    const [file, args] = inRoot(['mariadb', '--batch', '--skip-column-names', '--default-character-set=utf8mb4', 'kaptajn', '-e', query]);
    const out = execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000, maxBuffer: 256 * 1024 * 1024 });
    return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  },
  verifyAudit() {
    return run(...asKaptajn(['verify-audit']));
  },
  async seedBench(n) {
    const r = await run(...asKaptajn(['seed-bench', '--count', String(n)]));
    if (r.code !== 0) throw new Error(`seed-bench: ${r.err}`);
  },
};

/** Each operation, tried again while a write gets a 502, 503 or no answer. */
function retrying(stats) {
  return (ops) => Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, async (s, ...a) => {
    for (let i = 0; ; i++) {
      const r = await op(s, ...a);
      if (!r || r.method === 'GET' || !RETRY_ON.has(r.status)) return r;
      if (i >= RETRIES) {
        stats.gaveUp++;
        return r;
      }
      stats.retries++;
      await sleep(RETRY_PAUSE_MS * (0.5 + Math.random()));
    }
  }]));
}

/** Runs the upgrade's command; resolves to { code, from, to } on rec's clock. */
function upgrade(rec) {
  return new Promise((resolve) => {
    const out = fs.openSync(env('UPGRADE_LOG'), 'w');
    const from = rec.now();
    const child = spawn(CMD[0], CMD.slice(1), { stdio: ['ignore', out, out] });
    child.on('exit', (code, sig) => {
      fs.closeSync(out);
      resolve({ code: code ?? `signal ${sig}`, from, to: rec.now() });
    });
  });
}

async function main() {
  const httpc = new Http('https://127.0.0.1', { maxSockets: 256, ca: fs.readFileSync(env('UPGRADE_CA')) });
  const failures = [];
  const check = (ok, what) => {
    if (!ok) failures.push(what);
    return ok;
  };
  try {
    const rec = new Recorder();
    const { citizens, staff } = await people(root, httpc, rec, CITIZENS);
    log(`${citizens.length} citizens and ${staff.length} caseworker sessions`);
    const stats = { retries: 0, gaveUp: 0 };
    const load = startLoad({ citizens, staff, pauseMs: PAUSE_MS, wrap: retrying(stats) });
    let up;
    try {
      await sleep(WARM_MS);
      log(`${CMD.slice(CMD.indexOf('apt-get')).join(' ')}`);
      up = await upgrade(rec);
      log(`the upgrade took ${((up.to - up.from) / 1000).toFixed(1)} s (exit ${up.code})`);
      await sleep(AFTER_MS);
    } finally {
      await load.stop();
    }
    await healthy(httpc, 'citizen');
    await healthy(httpc, 'admin');

    const recs = rec.records;
    check(up.code === 0, `the upgrade exited ${up.code} (see its log)`);
    const problems = answerProblems(recs, [404, 409, 412, 502, 503]);
    check(problems.length === 0, `answers not in API.md's shape or unexpected: ${problems.slice(0, 10).join('; ')}`);
    const failed = recs.filter((r) => RETRY_ON.has(r.status) || r.status === 504);
    const outside = failed.filter((r) => r.end < up.from || r.at > up.to);
    check(outside.length === 0, `requests failed outside the upgrade: ${outside.slice(0, 5).map((r) => `${r.method} ${r.path} ${r.status} at ${r.at} ms`).join('; ')}`);
    check(stats.gaveUp === 0, `${stats.gaveUp} writes failed ${RETRIES + 1} times in a row`);
    const after = recs.filter((r) => r.at > up.to && r.status < 300);
    check(after.length > 0, 'nothing succeeded after the upgrade');
    const races = raceProblems(rec.races);
    check(races.length === 0, `racing decisions: ${races.slice(0, 5).join('; ')}`);
    const lw = lostWrites(root, recs);
    check(lw.lost.length === 0, `lost writes: ${lw.lost.slice(0, 10).join('; ')}`);
    const c = await consistency(root, recs);
    check(c.versionGaps.length === 0, `plan versions that do not match plan_history: ${c.versionGaps.slice(0, 10).join('; ')}`);
    check(c.doubleDecisions.length === 0, `double decisions: ${c.doubleDecisions.slice(0, 10).join('; ')}`);
    check(c.badDecisions.length === 0, `half-written decisions: ${c.badDecisions.slice(0, 10).join('; ')}`);
    check(c.duplicates.length === 0, `writes applied twice: ${c.duplicates.slice(0, 10).join('; ')}`);
    check(c.auditOk, `audit chain: ${c.auditOut}`);

    const f = figures(rec);
    const s = (ms) => (ms / 1000).toFixed(2);
    const first = failed.reduce((a, r) => Math.min(a, r.at), Infinity);
    const last = failed.reduce((a, r) => Math.max(a, r.end), -Infinity);
    const writes = recs.filter((r) => r.write).length;
    figure(`load: ${citizens.length} citizens, ${staff.length} caseworker sessions, ${f.requests} requests in ${s(recs.length ? recs[recs.length - 1].end - recs[0].at : 0)} s; ${Object.entries(f.byStatus).map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    figure(`upgrade: apt install took ${s(up.to - up.from)} s (from ${s(up.from)} s to ${s(up.to)} s of the load)`);
    figure(failed.length
      ? `failed requests: ${failed.length} (${Object.entries(rec.byStatus(failed)).map(([k, n]) => `${k}: ${n}`).join(', ')}) from ${s(first)} s to ${s(last)} s: a window of ${s(last - first)} s`
      : 'failed requests: none');
    figure(`writes: ${writes} acknowledged, ${lw.checked} checked, ${lw.lost.length} lost; ${stats.retries} attempts tried again after 502/503/no answer`);
    figure(`latency: p50 ${f.p50ms} ms, p99 ${f.p99ms} ms, max ${f.maxms} ms (${f.slowest})`);
    figure(`database: plan versions ${c.versionGaps.length ? 'DO NOT match' : 'match'} plan_history; ${c.duplicates.length} applied twice; ${c.doubleDecisions.length} decided twice; audit chain ${c.auditOk ? 'verifies' : 'BROKEN'} (${c.auditOut.split('\n').pop()})`);
    for (const x of failures) console.log(`FAILED: ${x}`);
    return failures.length ? 1 : 0;
  } finally {
    httpc.close();
  }
}

main().then(
  (rc) => process.exit(rc),
  (e) => {
    console.error(`upgrade: ${e.stack || e}`);
    process.exit(1);
  },
);
