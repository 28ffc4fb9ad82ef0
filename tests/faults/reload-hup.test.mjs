// SIGHUP to a pool's supervisor under load (fcgi/pool.c): it reads its
// configuration file again. A changed file that loads gives the pool new
// workers, and the old ones finish the request in hand (even one waiting
// on a lock) and exit; no request fails. A file that does not load, or
// that the pool's checks refuse, is logged with its file, line and key,
// and the pool goes on serving with the workers it had.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';

import {
  SKIP, alive, answerProblems, assertConsistent, figures, healthy, marker, people, sleep, slowAnswers,
  startLoad, waitUntil, withStack,
} from './lib.mjs';

/** The stack's config with key set to value (replaced, or added at the end); its line. */
function setKey(stack, key, value) {
  const lines = fs.readFileSync(stack.conf, 'utf8').replace(/\n$/, '').split('\n');
  let at = lines.findIndex((l) => l.startsWith(`${key} =`));
  if (at < 0) at = lines.push('') - 1;
  lines[at] = `${key} = ${value}`;
  fs.writeFileSync(`${stack.conf}.new`, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.renameSync(`${stack.conf}.new`, stack.conf);
  return at + 1;
}

/** Counts of a pattern in a pool's log. */
function count(stack, pool, re) {
  return (stack.log(pool).match(new RegExp(re.source, 'g')) || []).length;
}

describe('SIGHUP reloads a pool\'s configuration under load', { skip: SKIP }, () => {
  it('a changed file that loads: new workers, the old finish what they hold, no request fails', async (t) => {
    await withStack('hup', { workers: 2 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 8);
      const [anna, ...others] = citizens;
      const planId = Number(stack.sql(`SELECT plan_id FROM citizens WHERE id = ${anna.id}`)[0][0]);
      const sups = { citizen: stack.supervisorPid('citizen'), admin: stack.supervisorPid('admin') };
      const load = startLoad({ citizens: others, staff });
      const holder = await stack.holder();
      const reloads = [];
      try {
        await sleep(1000);
        // Both pools, three times, each with another oidc_timeout.
        for (const [i, pool] of ['citizen', 'admin', 'citizen', 'admin', 'citizen'].entries()) {
          // (A refresh job is a child too, for a moment.)
          const old = await stack.waitWorkers(pool, 2);
          const done = count(stack, pool, /configuration reloaded/);
          setKey(stack, 'oidc_timeout', String(2 + (i % 3)));
          reloads.push({ pool, at: Math.round(rec.now()) });
          process.kill(sups[pool], 'SIGHUP');
          await waitUntil(`${pool} reloaded`, () => count(stack, pool, /configuration reloaded/) > done, 10000, 20);
          const now = await stack.waitWorkers(pool, 2, 10000, old);
          assert.deepEqual(now.filter((p) => old.includes(p)), []);
          for (const p of old) await waitUntil(`old ${pool} worker ${p} to exit`, () => !alive(p), 10000, 20);
          await sleep(700);
        }

        // A write in hand when the reload comes: it waits on a row lock
        // that another client holds; its worker finishes it, then goes.
        await holder.send(`BEGIN; SELECT version FROM plans WHERE id = ${planId} FOR UPDATE`);
        const text = marker('hup');
        const held = anna.call('dream_create', 'POST', '/api/v1/plan/dreams', { json: { text } });
        await stack.waitLockWait();
        const old = await stack.waitWorkers('citizen', 2);
        const done = count(stack, 'citizen', /configuration reloaded/);
        setKey(stack, 'oidc_timeout', '4');
        process.kill(sups.citizen, 'SIGHUP');
        // Well inside the lock wait's 3 s: the old worker still holds it.
        await waitUntil('citizen reloaded', () => count(stack, 'citizen', /configuration reloaded/) > done, 2000, 20);
        await sleep(300);
        assert.ok(old.some((p) => alive(p)), 'the worker holding the write left before finishing it');
        await holder.release();
        const { res, r } = await held;
        assert.equal(r.status, 201, `the write in hand: ${r.status} ${r.text}`);
        assert.equal(stack.sql(`SELECT COUNT(*) FROM dreams WHERE text = '${text}' AND id = ${res.json.id}`)[0][0], '1');
        for (const p of old) await waitUntil(`old citizen worker ${p} to exit`, () => !alive(p), 10000, 20);
        await stack.waitWorkers('citizen', 2, 10000, old);
        await sleep(1000);
      } finally {
        await holder.release();
        await load.stop();
      }
      t.diagnostic(JSON.stringify(figures(rec, { reloads: reloads.length + 1, keepAliveRetries: httpc.keepAliveRetries })));
      assert.equal(stack.supervisorPid('citizen'), sups.citizen, 'the citizen supervisor changed');
      assert.equal(stack.supervisorPid('admin'), sups.admin, 'the admin supervisor changed');
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412]), []);
      assert.deepEqual(slowAnswers(rec.records), []);
      const cut = stack.log('nginx-error').split('\n')
        .filter((l) => /(citizen|admin)\.sock/.test(l) && /prematurely closed|reset by peer|Broken pipe|failed/.test(l));
      assert.deepEqual(cut, [], 'requests cut off or refused by a reload');
      assert.doesNotMatch(stack.log('citizen'), /respawning|reload refused/);
      assert.match(stack.log('citizen'), new RegExp(`pool citizen: configuration reloaded from ${stack.conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; 2 workers replaced`));
      await healthy(httpc, 'citizen');
      await healthy(httpc, 'admin');
      await assertConsistent(stack, rec.records);
    });
  });

  it('a broken file is refused with its file, line and key; the pool serves on with its workers', async (t) => {
    await withStack('hup-bad', { workers: 2 }, async (stack, httpc, rec) => {
      const { citizens, staff } = await people(stack, httpc, rec, 6);
      const sup = stack.supervisorPid('citizen');
      const good = fs.readFileSync(stack.conf, 'utf8');
      const workers = await stack.waitWorkers('citizen', 2);
      const load = startLoad({ citizens, staff });
      const esc = stack.conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      try {
        await sleep(1000);
        // A value out of range (config_load), an unknown key, and a value
        // only the pool's own check refuses (oidc_rp_init).
        for (const [key, value, why] of [
          ['oidc_timeout', '99', 'oidc_timeout: must be a whole number 1\\.\\.10'],
          ['oidc_timout', '3', 'oidc_timout: unknown key'],
          ['citizen_min_loa', 'none', 'citizen_min_loa: must be low, substantial or high'],
        ]) {
          fs.writeFileSync(stack.conf, good, { mode: 0o600 });
          const line = setKey(stack, key, value);
          const refusals = count(stack, 'citizen', /reload refused/);
          process.kill(sup, 'SIGHUP');
          await waitUntil('the refusal in the log', () => count(stack, 'citizen', /reload refused/) > refusals, 10000, 20);
          assert.match(stack.log('citizen'), new RegExp(`pool citizen: reload refused, still on the old configuration: .*${esc}:${line}: ${why}`));
          await sleep(700);
          for (const p of workers) assert.ok(alive(p), `worker ${p} left on a refused reload`);
        }
        assert.equal(count(stack, 'citizen', /configuration reloaded/), 0, 'a refused file was taken');
        // Put right, it loads.
        fs.writeFileSync(stack.conf, good, { mode: 0o600 });
        process.kill(sup, 'SIGHUP');
        await stack.waitWorkers('citizen', 2, 10000, workers);
        await sleep(700);
      } finally {
        fs.writeFileSync(stack.conf, good, { mode: 0o600 });
        await load.stop();
      }
      t.diagnostic(JSON.stringify(figures(rec, { keepAliveRetries: httpc.keepAliveRetries })));
      assert.equal(stack.supervisorPid('citizen'), sup);
      assert.deepEqual(answerProblems(rec.records, [400, 404, 409, 412]), []);
      assert.deepEqual(slowAnswers(rec.records), []);
      assert.doesNotMatch(stack.log('citizen'), /respawning/);
      await healthy(httpc, 'citizen');
      await assertConsistent(stack, rec.records);
    });
  });
});
