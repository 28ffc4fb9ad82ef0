// The audit log cannot be written: a caseworker's change is refused (fail
// closed), never applied unaudited; reads, which are audited too, are
// refused as well. Once the log can be written again, the same changes go
// through, audited, and the chain verifies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ANSWER_BOUND_MS, SKIP, answerProblems, assertConsistent, healthy, loginCitizen, loginStaff, marker,
  withStack,
} from './lib.mjs';

/** What a refused change must leave alone, as the database holds it. */
function snapshot(stack, planId) {
  return stack.sql(
    `SELECT 'plan', version FROM plans WHERE id = ${planId}
     UNION ALL SELECT 'goals', COUNT(*) FROM goals WHERE plan_id = ${planId}
     UNION ALL SELECT 'history', COUNT(*) FROM plan_history WHERE plan_id = ${planId}
     UNION ALL SELECT 'pending', COUNT(*) FROM proposals WHERE plan_id = ${planId} AND status = 'pending'
     UNION ALL SELECT 'audit', COUNT(*) FROM audit_log`,
  );
}

/** A caseworker's change, a decision and a read while the log is blocked. */
async function tryAll(anna, mette, proposalId) {
  const goal = await mette.call('goal_create', 'POST', `/admin/api/v1/citizens/${anna.id}/goals`, {
    json: { title: marker('goal'), description: 'Nyt delmål', area: 'job', legal_basis: 'LAB §91' },
  });
  const decision = await mette.call('decision', 'POST', `/admin/api/v1/proposals/${proposalId}/decision`, {
    json: { decision: 'approve', reason: 'Godkendt', area: 'job', legal_basis: 'LAB §91' },
  });
  const read = await mette.call('staff_plan', 'GET', `/admin/api/v1/citizens/${anna.id}/plan`);
  for (const x of [goal, decision, read]) x.r.body = x.res.json;
  return [goal.r, decision.r, read.r];
}

describe('the audit log cannot be written', { skip: SKIP }, () => {
  it('refuses the change (locked: 503, refused: 500), applies nothing, and works again after', async (t) => {
    await withStack('audit', { workers: 2 }, async (stack, httpc, rec) => {
      const anna = await loginCitizen(httpc, rec, 'anna');
      const mette = await loginStaff(httpc, rec, 'mette');
      const planId = Number(stack.sql(`SELECT plan_id FROM citizens WHERE id = ${anna.id}`)[0][0]);
      const proposal = await anna.call('proposal_create', 'POST', '/api/v1/proposals', {
        json: { kind: 'add_goal', title: 'Kørekort', reason: marker('reason') },
      });
      assert.equal(proposal.r.status, 201, proposal.r.text);
      const proposalId = proposal.res.json.id;
      const before = snapshot(stack, planId);

      // 1. Another client holds the table: the insert waits, then gives up.
      const holder = await stack.holder();
      let locked;
      try {
        await holder.send('LOCK TABLES audit_log READ');
        locked = await tryAll(anna, mette, proposalId);
      } finally {
        await holder.release();
      }
      t.diagnostic(`locked: ${locked.map((r) => `${r.op} ${r.status} ${r.ms} ms`).join(', ')}`);
      assert.deepEqual(answerProblems(locked, [503]), []);
      for (const r of locked) {
        assert.equal(r.status, 503, `${r.op} while the log was locked: ${r.status} ${r.text}`);
        assert.ok(r.ms < ANSWER_BOUND_MS, `${r.op} took ${r.ms} ms`);
      }
      assert.deepEqual(snapshot(stack, planId), before, 'a change was applied while the audit log was locked');

      // 2. The database refuses every audit row (as a read-only or
      // broken log would): the change fails with a 500 that says nothing.
      stack.sql(`CREATE TRIGGER kt_audit_refused BEFORE INSERT ON audit_log FOR EACH ROW
                 SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'kt-audit-refused'`);
      let refused;
      try {
        refused = await tryAll(anna, mette, proposalId);
      } finally {
        stack.sql('DROP TRIGGER IF EXISTS kt_audit_refused');
      }
      t.diagnostic(`refused: ${refused.map((r) => `${r.op} ${r.status} ${r.ms} ms`).join(', ')}`);
      assert.deepEqual(answerProblems(refused, [500]), []);
      for (const r of refused) {
        assert.equal(r.status, 500, `${r.op} while the log refused rows: ${r.status} ${r.text}`);
        assert.doesNotMatch(r.text, /kt-audit-refused|45000|SQL/i, 'the 500 tells of the inside');
      }
      assert.deepEqual(snapshot(stack, planId), before, 'a change was applied while the audit log refused rows');

      // 3. The log works again: the same changes go through, audited.
      const ok = await tryAll(anna, mette, proposalId);
      assert.deepEqual(ok.map((r) => r.status), [201, 200, 200], ok.map((r) => r.text).join('\n'));
      const [goal, decision] = ok.map((r) => r.body);
      ok[0].write = { kind: 'goal_create', goalId: goal.goal.id, title: goal.goal.title, version: goal.plan_version };
      ok[1].write = { kind: 'decision', proposalId, decision: 'approved', staffId: mette.id, version: decision.plan_version };
      await healthy(httpc, 'admin');
      const c = await assertConsistent(stack, ok);
      assert.equal(c.lost.length, 0);
    });
  });
});
