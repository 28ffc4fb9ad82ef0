// soak.mjs: many citizens and caseworkers at once on a stack of its own
// for SOAK_SECONDS, a worker of a random pool killed every 10 s, MariaDB
// stopped and started once in the middle; then the consistency check and a
// summary of figures. Exits 1 when a check fails. Run through tests/soak/run.
//
// Knobs (environment): SOAK_SECONDS (300), SOAK_CITIZENS (bench citizens
// besides the four demo ones, 60), SOAK_WORKERS (workers per API pool, 3),
// SOAK_KILL_EVERY (seconds, 10), SOAK_DB_DOWN (seconds, 3),
// KAPTAJN_FAULTS_BIN (the program; default build/kaptajn).

import path from 'node:path';

import {
  ANSWER_BOUND_MS, REPO, SKIP, Stack, Http, Recorder, alive, answerProblems, consistency, figures, healthy,
  loginStaff, lostWrites, people, raceProblems, rssKib, sleep, slowAnswers, staleReads, startLoad, twin,
} from '../faults/lib.mjs';

const num = (name, def) => {
  const v = Number(process.env[name] || def);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const SECONDS = num('SOAK_SECONDS', 300);
const BENCH = num('SOAK_CITIZENS', 60);
const WORKERS = num('SOAK_WORKERS', 3);
const KILL_EVERY_MS = num('SOAK_KILL_EVERY', 10) * 1000;
const DB_DOWN_MS = num('SOAK_DB_DOWN', 3) * 1000;
const WARMUP_MS = Math.min(10000, (SECONDS * 1000) / 6);
// Memory: a worker's private resident memory (rssKib) may grow this much over the soak (KiB).
const RSS_SLACK_KIB = 4096;

const log = (...a) => console.log('soak:', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};

/** Private resident memory of the pools' live workers: { pid: kib }. */
function workerRss(stack) {
  const out = {};
  for (const pool of ['citizen', 'admin']) for (const pid of stack.workerPids(pool)) out[pid] = rssKib(pid);
  return out;
}

async function main() {
  if (SKIP) {
    console.error(`soak: ${SKIP}`);
    return 1;
  }
  const stack = new Stack('soak', { workers: WORKERS, dir: path.join(REPO, 'var', 'soak') });
  const failures = [];
  const check = (ok, what) => {
    if (!ok) failures.push(what);
    return ok;
  };
  let httpc = null;
  let passed = false;
  try {
    log(`starting a stack in var/soak (${WORKERS} workers per pool)`);
    await stack.start();
    httpc = new Http(stack.url, { maxSockets: 256 });
    const rec = new Recorder();
    const { citizens, staff } = await people(stack, httpc, rec, BENCH);
    // Peter on two devices too, so both caseworkers race on decisions.
    const peter2 = await loginStaff(httpc, rec, 'peter', 'peter-2');
    twin(staff[2], peter2);
    staff.push(peter2);
    rec.records.length = 0;
    const supervisors = { citizen: stack.supervisorPid('citizen'), admin: stack.supervisorPid('admin') };
    // One worker of each pool is never killed: its memory is watched
    // from the end of the warm-up to the end of the soak.
    const witnesses = [stack.workerPids('citizen')[0], stack.workerPids('admin')[0]];
    log(`${citizens.length} citizens and ${staff.length} caseworker sessions for ${SECONDS} s; witnesses ${witnesses.join(', ')}`);

    const load = startLoad({ citizens, staff });
    const started = Date.now();
    const kills = [];
    let outage = null;
    let rssStart = null;
    try {
      const end = started + SECONDS * 1000;
      const dbAt = started + (SECONDS * 1000) / 2;
      let nextKill = started + KILL_EVERY_MS;
      while (Date.now() < end) {
        await sleep(200);
        if (!rssStart && Date.now() - started >= WARMUP_MS) rssStart = workerRss(stack);
        if (!outage && Date.now() >= dbAt) {
          outage = { from: rec.now() };
          log(`stopping MariaDB at ${Math.round(outage.from / 1000)} s`);
          await stack.dbStop();
          await sleep(DB_DOWN_MS);
          await stack.dbStart();
          outage.to = rec.now();
          log(`MariaDB is back at ${Math.round(outage.to / 1000)} s`);
        }
        if (Date.now() >= nextKill) {
          nextKill += KILL_EVERY_MS;
          const pool = Math.random() < 0.5 ? 'citizen' : 'admin';
          const pids = stack.workerPids(pool).filter((p) => !witnesses.includes(p));
          if (pids.length) {
            const pid = pids[Math.floor(Math.random() * pids.length)];
            process.kill(pid, 'SIGKILL');
            kills.push({ pool, pid, at: rec.now() });
          }
        }
      }
    } finally {
      await load.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    const killed = kills.map((k) => k.pid);
    await stack.waitWorkers('citizen', WORKERS, undefined, killed);
    await stack.waitWorkers('admin', WORKERS, undefined, killed);
    const rssEnd = workerRss(stack);
    await healthy(httpc, 'citizen');
    await healthy(httpc, 'admin');

    // ------------------------------------------------------------ checks
    const recs = rec.records;
    const problems = answerProblems(recs, [404, 409, 412, 502, 503], { cut: true });
    check(problems.length === 0, `answers not in API.md's shape or unexpected: ${problems.slice(0, 10).join('; ')}`);
    const slow = slowAnswers(recs, ANSWER_BOUND_MS);
    check(slow.length === 0, `answers slower than ${ANSWER_BOUND_MS} ms: ${slow.slice(0, 10).join('; ')}`);
    const failed = recs.filter((r) => r.status === 0 || r.status === 502 || r.status === 504);
    check(failed.length <= kills.length, `${failed.length} answers failed for ${kills.length} workers killed`);
    const stray503 = recs.filter((r) => r.status === 503 && !(outage && r.at + r.ms >= outage.from && r.at <= outage.to + ANSWER_BOUND_MS));
    check(stray503.length === 0, `503 outside the database outage: ${stray503.slice(0, 5).map((r) => `${r.path} at ${r.at}`).join('; ')}`);
    const afterOutage = recs.filter((r) => outage && r.at > outage.to + 2000);
    check(afterOutage.some((r) => r.status < 300), 'nothing succeeded after the database came back');
    check(stack.supervisorPid('citizen') === supervisors.citizen && stack.supervisorPid('admin') === supervisors.admin && alive(supervisors.citizen) && alive(supervisors.admin),
      'a supervisor was replaced');
    const races = raceProblems(rec.races);
    check(races.length === 0, `racing decisions: ${races.slice(0, 5).join('; ')}`);
    const lw = lostWrites(stack, recs);
    check(lw.lost.length === 0, `lost writes: ${lw.lost.slice(0, 10).join('; ')}`);
    const sr = staleReads(stack, recs);
    check(sr.stale.length === 0, `stale plan reads: ${sr.stale.slice(0, 5).join('; ')}`);
    const c = await consistency(stack, recs);
    check(c.versionGaps.length === 0, `version gaps: ${c.versionGaps.slice(0, 10).join('; ')}`);
    check(c.doubleDecisions.length === 0, `double decisions: ${c.doubleDecisions.slice(0, 10).join('; ')}`);
    check(c.badDecisions.length === 0, `half-written decisions: ${c.badDecisions.slice(0, 10).join('; ')}`);
    check(c.duplicates.length === 0, `writes applied twice: ${c.duplicates.slice(0, 10).join('; ')}`);
    check(c.auditOk, `audit chain: ${c.auditOut}`);
    // Memory: the witnesses grew by no more than the slack, and the
    // workers alive at the end are no larger than those after the warm-up.
    const start = rssStart || {};
    const growth = witnesses.map((p) => ({ pid: p, from: start[p] || 0, to: rssEnd[p] || 0 }));
    for (const g of growth) check(g.to > 0 && g.to - g.from <= RSS_SLACK_KIB, `worker ${g.pid} grew from ${g.from} to ${g.to} KiB`);
    const startVals = Object.values(start);
    const endVals = Object.values(rssEnd);
    check(median(endVals) <= median(startVals) + RSS_SLACK_KIB && Math.max(...endVals) <= Math.max(...startVals) + RSS_SLACK_KIB,
      `worker RSS grew: median ${median(startVals)} -> ${median(endVals)} KiB, max ${Math.max(...startVals)} -> ${Math.max(...endVals)} KiB`);

    // ----------------------------------------------------------- summary
    const f = figures(rec);
    const writes = recs.filter((r) => r.write).length;
    const races200 = rec.races.filter((x) => x.statuses.includes(200)).length;
    console.log('\n== soak summary ==');
    console.log(`duration            ${seconds.toFixed(0)} s, ${citizens.length} citizens, ${staff.length} caseworker sessions, ${WORKERS} workers per pool`);
    console.log(`requests            ${f.requests} (${(f.requests / seconds).toFixed(0)}/s), writes answered 2xx: ${writes}`);
    console.log(`by status           ${Object.entries(f.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    console.log(`latency             p50 ${f.p50ms} ms, p99 ${f.p99ms} ms, max ${f.maxms} ms (${f.slowest}); bound ${ANSWER_BOUND_MS} ms`);
    console.log(`faults              ${kills.length} workers killed (${kills.filter((k) => k.pool === 'citizen').length} citizen, ${kills.filter((k) => k.pool === 'admin').length} admin); MariaDB down ${outage ? `${(outage.from / 1000).toFixed(1)}..${(outage.to / 1000).toFixed(1)} s` : 'never'}`);
    console.log(`failed answers      ${failed.length} (502/504/none) for ${kills.length} kills; 503: ${recs.filter((r) => r.status === 503).length}, outside the outage: ${stray503.length}`);
    console.log(`races               ${rec.races.length} double decisions tried, ${races200} with one 200 and one 409, ${races.length} wrong`);
    console.log(`lost writes         ${lw.lost.length} of ${lw.checked} checked`);
    console.log(`stale plan reads    ${sr.stale.length} of ${sr.checked} checked`);
    console.log(`double decisions    ${c.doubleDecisions.length}`);
    console.log(`version gaps        ${c.versionGaps.length}`);
    console.log(`applied twice       ${c.duplicates.length} (keep-alive resets resent: ${httpc.keepAliveRetries})`);
    console.log(`audit chain         ${c.auditOk ? 'OK' : 'BROKEN'} (${c.auditOut.split('\n').pop()})`);
    console.log(`worker private RSS (KiB) after warm-up median ${median(startVals)} max ${Math.max(...startVals)}; at the end median ${median(endVals)} max ${Math.max(...endVals)}`);
    console.log(`witnesses (KiB)     ${growth.map((g) => `${g.pid}: ${g.from} -> ${g.to}`).join(', ')}`);
    for (const x of failures) console.log(`FAILED: ${x}`);
    console.log(failures.length ? `soak: ${failures.length} checks failed` : 'soak: all checks passed');
    passed = failures.length === 0;
    return passed ? 0 : 1;
  } finally {
    if (httpc) httpc.close();
    await stack.stop();
    if (passed) stack.wipe();
  }
}

main().then(
  (rc) => process.exit(rc),
  (e) => {
    console.error(`soak: ${e.stack || e}`);
    process.exit(1);
  },
);
