// A stalled database: another client holds a lock for a long time. The
// requests that wait on it end in 503 JSON with Retry-After within the
// bound (lock waits of 3 s, retries only within the first db_timeout),
// never nginx's 504; the pool stays free for the other citizens; nothing
// is lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  SKIP, answerProblems, assertConsistent, figures, healthy, holdFor, people, sleep,
  slowAnswers, startLoad, withStack,
} from './lib.mjs';

const STALL_MS = 5000;

describe('a stalled database', { skip: SKIP }, () => {
  it('a row lock on one plan: its writes answer 503 in time, the others go on', async (t) => {
    await withStack('stall', { workers: 3 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 8);
      const [anna, ...others] = citizens;
      const planId = Number(stack.sql(`SELECT plan_id FROM citizens WHERE id = ${anna.id}`)[0][0]);
      const load = startLoad({ citizens: others, staff: staff.filter((s) => s.who === 'peter') });
      const stalled = startLoad({ citizens: [anna], citizenMix: [['addDream', 1]] });
      let from;
      let to;
      try {
        await sleep(1000);
        ({ from, to } = await holdFor(stack, rec, `BEGIN; SELECT version FROM plans WHERE id = ${planId} FOR UPDATE`, STALL_MS));
        await sleep(1500);
      } finally {
        await stalled.stop();
        await load.stop();
      }
      const mine = rec.records.filter((r) => r.who === 'anna');
      const rest = rec.records.filter((r) => r.who !== 'anna');
      const during = rest.filter((r) => r.at > from && r.end < to);
      t.diagnostic(JSON.stringify({ anna: figures({ records: mine, byStatus: () => rec.byStatus(mine) }),
        others: figures({ records: rest, byStatus: () => rec.byStatus(rest) }), othersDuringStall: during.length }));
      assert.deepEqual(answerProblems(mine, [503]), []);
      assert.ok(mine.some((r) => r.status === 503), 'no write of the stalled plan answered 503');
      assert.deepEqual(slowAnswers(mine), []);
      // The other citizens were served all along, as quickly as a lock
      // wait at most, and never with a 5xx.
      assert.deepEqual(answerProblems(rest, [400, 404, 409, 412]), []);
      assert.ok(during.length > 100, `only ${during.length} answers to the others during the stall`);
      assert.deepEqual(slowAnswers(rest, 3500), []);
      // After the lock, the stalled citizen's writes go through again.
      assert.ok(mine.some((r) => r.at > to && r.status === 201), 'no write after the lock was released');
      const c = await assertConsistent(stack, rec.records);
      t.diagnostic(`writes checked: ${c.checked}, lost: ${c.lost.length}`);
    });
  });

  it('a table locked by another client: every answer 503 in time, none 504, then all is well', async (t) => {
    await withStack('stall-table', { workers: 2 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 4);
      const load = startLoad({ citizens, staff });
      let from;
      let to;
      try {
        await sleep(1000);
        ({ from, to } = await holdFor(stack, rec, 'LOCK TABLES dreams WRITE', STALL_MS));
        await sleep(2500);
      } finally {
        await load.stop();
      }
      t.diagnostic(JSON.stringify(figures(rec, { stall: [Math.round(from), Math.round(to)] })));
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412, 503]), []);
      assert.deepEqual(slowAnswers(rec.records), []);
      assert.ok(rec.records.some((r) => r.status === 503), 'nothing waited on the lock');
      for (const r of rec.records.filter((x) => x.status === 503)) {
        assert.ok(r.end >= from && r.at <= to, `503 for a request of ${r.at}+${r.ms} ms, outside the stall ${from}..${to}`);
      }
      const late = rec.records.filter((r) => r.at > to + 500);
      assert.ok(late.length > 50, `only ${late.length} answers after the stall`);
      assert.deepEqual(late.filter((r) => r.status >= 500).map((r) => `${r.status} ${r.path}`), []);
      await healthy(httpc, 'citizen');
      await healthy(httpc, 'admin');
      const c = await assertConsistent(stack, rec.records);
      t.diagnostic(`writes checked: ${c.checked}, lost: ${c.lost.length}`);
    });
  });
});
