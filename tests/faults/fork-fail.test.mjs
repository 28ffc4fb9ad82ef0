// A failed fork() in the supervisor: the worker's slot is not lost but
// tried again, 100 ms after the first failure, doubling up to 5 s, each
// failure logged; the pool is whole again once forks work, and the
// schedule starts over. fork() is made to fail by a shim preloaded into
// the pools (tests/faults/fork_fail.c, compiled here) while a flag file
// exists: the supervisor's real code meets a real EAGAIN.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { REPO, SKIP, healthy, sleep, waitUntil, withStack } from './lib.mjs';

const RETRY_RE = /^pool citizen: fork failed \(Resource temporarily unavailable\); worker slot (\d+) retried in (\d+) ms$/;

describe('a failed fork in the supervisor', { skip: SKIP }, () => {
  let tmp;
  let shim;
  let flag;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-forkfail-'));
    shim = path.join(tmp, 'fork_fail.so');
    flag = path.join(tmp, 'fail-forks');
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', shim, path.join(REPO, 'tests', 'faults', 'fork_fail.c'), '-ldl'], { stdio: 'pipe' });
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is retried with a growing back-off, keeps the slot, and starts over after a success', async () => {
    // ASan wants to come first among the libraries; the shim may precede it.
    const asan = [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':');
    const wrap = `env LD_PRELOAD=${shim} KP_FORK_FAIL_FILE=${flag} ASAN_OPTIONS=${asan}`;
    await withStack('forkfail', { workers: 2, env: { KAPTAJN_WRAP: wrap } }, async (stack, httpc) => {
      const supervisor = stack.supervisorPid('citizen');
      await stack.waitWorkers('citizen', 2);
      const retries = () => stack.log('citizen').split('\n').map((l) => RETRY_RE.exec(l)).filter(Boolean)
        .map((m) => ({ slot: Number(m[1]), ms: Number(m[2]) }));
      assert.deepEqual(retries(), [], 'forks failed before the flag was set');

      // Forks fail; a worker dies and cannot be replaced for now.
      fs.writeFileSync(flag, '');
      const [victim] = stack.workerPids('citizen');
      process.kill(victim, 'SIGKILL');
      await waitUntil('a retry after 5000 ms in the citizen log', () => retries().some((r) => r.ms === 5000), 15000);
      const seen = retries();
      assert.deepEqual(seen.map((r) => r.ms), [100, 200, 400, 800, 1600, 3200, 5000], 'the waits between retries');
      assert.equal(new Set(seen.map((r) => r.slot)).size, 1, `one slot retried: ${JSON.stringify(seen)}`);
      const during = stack.workerPids('citizen');
      assert.equal(during.length, 1, `workers while forks fail: ${during}`);
      assert.ok(!during.includes(victim));
      // The other worker still serves.
      await healthy(httpc, 'citizen', 5000);

      // Forks work again: the slot is filled within the 5 s wait.
      fs.rmSync(flag);
      const t0 = Date.now();
      await stack.waitWorkers('citizen', 2, 8000, [victim]);
      assert.ok(Date.now() - t0 <= 6000, `the slot was filled after ${Date.now() - t0} ms`);
      assert.equal(stack.supervisorPid('citizen'), supervisor, 'the supervisor was replaced');
      await healthy(httpc, 'citizen', 5000);

      // After a fork that worked, the next failure waits 100 ms again.
      const before_ = retries().length;
      fs.writeFileSync(flag, '');
      const [second] = stack.workerPids('citizen');
      process.kill(second, 'SIGKILL');
      await waitUntil('a new retry in the citizen log', () => retries().length > before_, 5000);
      assert.equal(retries()[before_].ms, 100, 'the back-off did not start over');
      fs.rmSync(flag);
      await stack.waitWorkers('citizen', 2, 8000, [second]);
      await sleep(300);
      assert.equal(stack.workerPids('citizen').length, 2);
      // The admin pool forked nothing meanwhile: it never failed.
      assert.doesNotMatch(stack.log('admin'), /fork failed/);
    });
  });
});
