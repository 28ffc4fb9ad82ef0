// kill -9 of a worker under load: the supervisor respawns it, only the
// request in hand on that worker fails (502 JSON from nginx, or, when the
// worker died while writing the body, a connection closed at once), and
// nothing half-written is left behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  SKIP, answerProblems, assertConsistent, figures, healthy, people,
  marker, sleep, slowAnswers, startLoad, withStack,
} from './lib.mjs';

describe('kill -9 of a worker under load', { skip: SKIP }, () => {
  it('respawns it, fails at most the request in hand, loses no write', async (t) => {
    await withStack('kill', { workers: 3 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 12);
      const supervisors = { citizen: stack.supervisorPid('citizen'), admin: stack.supervisorPid('admin') };

      const load = startLoad({ citizens, staff });
      const killed = [];
      try {
        await sleep(1500);
        // One worker at a time, then a whole pool at once (so that
        // some of them surely die with a request in hand).
        for (const [pool, all] of [['citizen', false], ['admin', false], ['citizen', true], ['admin', true]]) {
          const pids = stack.workerPids(pool);
          assert.equal(pids.length, 3, `${pool} workers before the kill: ${pids}`);
          const victims = all ? pids : [pids[Math.floor(Math.random() * pids.length)]];
          for (const pid of victims) process.kill(pid, 'SIGKILL');
          for (const pid of victims) killed.push({ pool, pid, at: Math.round(rec.now()) });
          const after = await stack.waitWorkers(pool, 3, 5000, victims);
          assert.deepEqual(after.filter((p) => victims.includes(p)), [], `${pool} workers still listed`);
          await sleep(1200);
        }
      } finally {
        await load.stop();
      }

      const failed = rec.records.filter((r) => r.status === 0 || r.status >= 500);
      t.diagnostic(JSON.stringify(figures(rec, { killed: killed.length, failed: failed.length, keepAliveRetries: httpc.keepAliveRetries })));
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412, 502], { cut: true }), []);
      assert.deepEqual(slowAnswers(rec.records), []);
      // One worker holds one request: each kill costs at most one answer.
      assert.ok(failed.length <= killed.length, `${failed.length} failed answers for ${killed.length} kills: ${failed.map((r) => `${r.status} ${r.path}`).join(', ')}`);
      for (const r of failed) assert.ok(r.status === 502 || r.cut, `${r.method} ${r.path}: ${r.status} ${r.err || ''}`);
      // The same supervisors, each with its full pool, answering.
      assert.equal(stack.supervisorPid('citizen'), supervisors.citizen);
      assert.equal(stack.supervisorPid('admin'), supervisors.admin);
      await healthy(httpc, 'citizen');
      await healthy(httpc, 'admin');
      assert.match(stack.log('citizen'), /died of signal 9; respawning/);

      // A write held in a worker (its plan row is locked by another
      // client) when the worker dies: 502, and nothing of it is kept.
      const anna = citizens[0];
      const planId = Number(stack.sql(`SELECT plan_id FROM citizens WHERE id = ${anna.id}`)[0][0]);
      const before = stack.sql(`SELECT version FROM plans WHERE id = ${planId}`)[0][0];
      const holder = await stack.holder();
      let held;
      let victims = [];
      try {
        await holder.send(`BEGIN; SELECT version FROM plans WHERE id = ${planId} FOR UPDATE`);
        const text = marker('held');
        held = anna.call('dream_create', 'POST', '/api/v1/plan/dreams', { json: { text } });
        await stack.waitLockWait();
        victims = stack.workerPids('citizen');
        for (const pid of victims) process.kill(pid, 'SIGKILL');
        const { r } = await held;
        assert.equal(r.status, 502, `the held write: ${r.status} ${r.text}`);
        assert.deepEqual(answerProblems([r], [502]), []);
        await holder.release();
        assert.deepEqual(stack.sql(`SELECT id FROM dreams WHERE text = '${text}'`), [], 'the killed write left a dream');
        assert.equal(stack.sql(`SELECT version FROM plans WHERE id = ${planId}`)[0][0], before, 'the killed write moved the version');
      } finally {
        await holder.release();
      }
      await stack.waitWorkers('citizen', 3, 5000, victims);
      await healthy(httpc, 'citizen');
      const c = await assertConsistent(stack, rec.records);
      t.diagnostic(`writes checked: ${c.checked}, lost: ${c.lost.length}`);
    });
  });
});
