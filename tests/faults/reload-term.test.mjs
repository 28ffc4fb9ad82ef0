// nginx -s reload under load fails no request; SIGTERM to a pool's
// supervisor lets the requests in hand (and those already queued on its
// socket) finish, then the pool exits; a new one starts on the same socket.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import {
  SKIP, alive, childrenOf, answerProblems, assertConsistent, figures, healthy, marker, people, sleep, slowAnswers,
  startLoad, waitUntil, withStack,
} from './lib.mjs';

describe('reload and stop under load', { skip: SKIP }, () => {
  it('nginx -s reload fails no request', async (t) => {
    await withStack('reload', { workers: 2 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 8);
      const master = stack.nginxPid();
      const load = startLoad({ citizens, staff });
      try {
        for (let i = 0; i < 3; i++) {
          await sleep(1000);
          const before = childrenOf(master);
          await stack.nginxReload();
          // New workers take over; the old ones finish and go.
          await waitUntil('new nginx workers', () => childrenOf(master).some((p) => !before.includes(p)), 5000, 20);
        }
        await sleep(1500);
      } finally {
        await load.stop();
      }
      t.diagnostic(JSON.stringify(figures(rec, { reloads: 3, keepAliveRetries: httpc.keepAliveRetries })));
      assert.equal(stack.nginxPid(), master, 'the nginx master changed');
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412]), []);
      assert.deepEqual(slowAnswers(rec.records, 2000), []);
      await assertConsistent(stack, rec.records);
    });
  });

  it('SIGTERM to the supervisor finishes the requests in hand, then exits', async (t) => {
    await withStack('term', { workers: 2 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 8);
      const [anna, ...others] = citizens;
      const planId = Number(stack.sql(`SELECT plan_id FROM citizens WHERE id = ${anna.id}`)[0][0]);
      const sup = stack.supervisorPid('citizen');
      const workers = stack.workerPids('citizen');
      const sock = path.join(stack.run, 'citizen.sock');
      const load = startLoad({ citizens: others, staff });
      const holder = await stack.holder();
      let held;
      let termAt;
      let goneAt;
      try {
        await sleep(1000);
        // A write in hand: it waits on a row lock that another client holds.
        await holder.send(`BEGIN; SELECT version FROM plans WHERE id = ${planId} FOR UPDATE`);
        const text = marker('term');
        held = anna.call('dream_create', 'POST', '/api/v1/plan/dreams', { json: { text } });
        await stack.waitLockWait();
        termAt = rec.now();
        process.kill(sup, 'SIGTERM');
        await sleep(700);
        await holder.release();
        const { res, r } = await held;
        assert.equal(r.status, 201, `the write in hand: ${r.status} ${r.text}`);
        assert.equal(stack.sql(`SELECT COUNT(*) FROM dreams WHERE text = '${text}' AND id = ${res.json.id}`)[0][0], '1');
        await waitUntil('the supervisor to exit', () => !alive(sup), 10000, 20);
        goneAt = rec.now();
        for (const w of workers) assert.ok(!alive(w), `worker ${w} outlived its supervisor`);
        assert.ok(!fs.existsSync(sock), 'the socket is still there');
        await sleep(500);
      } finally {
        await holder.release();
        await load.stop();
      }
      t.diagnostic(JSON.stringify(figures(rec, { termAt: Math.round(termAt), exitedAt: Math.round(goneAt) })));
      assert.match(stack.log('citizen'), /pool citizen: stopped/);
      // Citizen answers: those that reached a worker were answered; after
      // the socket went, nginx answers 502 JSON at once. Nothing was cut.
      const citizenRecords = rec.records.filter((r) => r.path.startsWith('/api/'));
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412, 502]), []);
      for (const r of citizenRecords.filter((x) => x.status === 502)) {
        assert.ok(r.end >= termAt, `502 before the SIGTERM: ${r.path} at ${r.at}`);
        assert.ok(r.ms < 1000, `a 502 that took ${r.ms} ms: ${r.path} at ${r.at}`);
      }
      assert.deepEqual(rec.records.filter((r) => !r.path.startsWith('/api/') && r.status >= 500).map((r) => `${r.status} ${r.path}`), []);
      const cut = stack.log('nginx-error').split('\n').filter((l) => /citizen\.sock/.test(l) && /prematurely closed|reset by peer|Broken pipe/.test(l));
      assert.deepEqual(cut, [], 'requests cut off by the stop');
      assert.deepEqual(slowAnswers(rec.records), []);

      // A new pool on the same socket serves again.
      await stack.poolStart('citizen');
      assert.notEqual(stack.supervisorPid('citizen'), sup);
      await healthy(httpc, 'citizen');
      await assertConsistent(stack, rec.records);
    });
  });
});
