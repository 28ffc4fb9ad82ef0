// MariaDB stopped and started again under load: the answers during the
// outage are 503 JSON with Retry-After and come quickly; the workers
// reconnect and prepare their statements again by themselves (the same
// processes, no restart of Kaptajn; a worker born during the outage stays
// up, and the one killed for it costs at most the request it had in hand);
// no write answered 2xx is lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  SKIP, answerProblems, assertConsistent, figures, healthy, people,
  sleep, slowAnswers, startLoad, withStack,
} from './lib.mjs';

describe('MariaDB stopped and started under load', { skip: SKIP }, () => {
  it('answers 503 with Retry-After meanwhile and recovers without a restart', async (t) => {
    await withStack('db-restart', { workers: 2 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 8);
      const pids = {
        citizen: stack.workerPids('citizen'), admin: stack.workerPids('admin'),
        supCitizen: stack.supervisorPid('citizen'), supAdmin: stack.supervisorPid('admin'),
      };
      const oldDb = stack.mysqldPid();

      const load = startLoad({ citizens, staff });
      let down;
      let up;
      let killAt;
      try {
        await sleep(1500);
        down = rec.now();
        await stack.dbStop();
        const stopped = rec.now();
        // A worker born while the database is away starts and stays up
        // (it connects on first use), rather than crash-looping.
        const victim = pids.citizen[0];
        killAt = rec.now();
        process.kill(victim, 'SIGKILL');
        const now = await stack.waitWorkers('citizen', 2, 5000, [victim]);
        pids.citizen = now;
        await sleep(2000);
        assert.deepEqual(stack.workerPids('citizen'), now, 'a worker born during the outage did not stay up');
        await stack.dbStart();
        up = rec.now();
        t.diagnostic(`MariaDB stopping ${Math.round(down)}..${Math.round(stopped)} ms, down until ${Math.round(up)} ms`);
        await sleep(3000);
      } finally {
        await load.stop();
      }
      assert.notEqual(stack.mysqldPid(), oldDb, 'MariaDB was not restarted');

      t.diagnostic(JSON.stringify(figures(rec, { keepAliveRetries: httpc.keepAliveRetries })));
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412, 502, 503], { cut: true }), []);
      // The worker killed may have had a request in hand: that one, and no
      // other, fails.
      const failed = rec.records.filter((r) => r.status === 502 || r.status === 0);
      assert.ok(failed.length <= 1, `${failed.length} failed answers for one worker killed`);
      for (const r of failed) assert.ok(r.at <= killAt + 1 && r.end >= killAt, `${r.path}: ${r.status} at ${r.at} ms, not in hand at the kill (${Math.round(killAt)} ms)`);
      assert.deepEqual(slowAnswers(rec.records), []);
      const outage = rec.records.filter((r) => r.status === 503);
      assert.ok(outage.length > 0, 'no answer saw the outage');
      // Every 503 came while the database was away (or just after).
      for (const r of outage) assert.ok(r.at >= down - 100 && r.at <= up + 2000, `503 at ${r.at} ms, outside ${down}..${up}`);
      // A second after it was back, every answer is as usual again.
      const late = rec.records.filter((r) => r.at > up + 1000);
      assert.ok(late.length > 50, `only ${late.length} answers after the restart`);
      assert.deepEqual(late.filter((r) => r.status >= 500 || r.status === 0).map((r) => `${r.status} ${r.path}`), []);
      // The same processes: nothing was restarted.
      assert.deepEqual(stack.workerPids('citizen'), pids.citizen, 'citizen workers were replaced');
      assert.deepEqual(stack.workerPids('admin'), pids.admin, 'admin workers were replaced');
      assert.equal(stack.supervisorPid('citizen'), pids.supCitizen);
      assert.equal(stack.supervisorPid('admin'), pids.supAdmin);
      await healthy(httpc, 'citizen');
      await healthy(httpc, 'admin');
      const c = await assertConsistent(stack, rec.records);
      t.diagnostic(`writes checked: ${c.checked}, lost: ${c.lost.length}`);
    });
  });
});
