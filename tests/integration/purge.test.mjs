// The citizen pool's purge job: used token ids and sessions that no login
// or session needs any more are deleted every purge_interval seconds, so
// the tables stop growing. A stack of its own with purge_interval = 1
// (scripts/stack start with KAPTAJN_PURGE_INTERVAL, its own directory
// beside the shared one, its own port), stopped at the end. Rows come of
// age by moving their clocks back, as a day passing would.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { ADMIN, SKIP, describeRes, expectJson, loginAt, request, runCmd as run, sql, stackCmd, startOwnStack, stopOwnStack } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-purge` : '';
const NO_BIN = !fs.existsSync(BIN) && `no program at ${BIN}`;
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || NO_BIN;
// core/session.h and include/token.h: what a row must be past to go.
const SESSION_ABSOLUTE = 8 * 3600;
const SESSION_KEEP = 24 * 3600;

async function waitFor(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = fn();
    if (last === true) return;
    await sleep(100);
  }
  assert.fail(`waited ${ms} ms for ${what}; last: ${JSON.stringify(last)}`);
}

describe('purge_interval in the config is checked', { skip: NO_BIN }, () => {
  let tmp;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-purge-'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const bad of ['-1', '86401', 'ten', '1.5', '', '99999999999999999999']) {
    it(`purge_interval = ${JSON.stringify(bad)} is refused with its range`, async () => {
      const file = path.join(tmp, 'bad.conf');
      fs.writeFileSync(file, `db_socket = /nonexistent\ndb_name = k\ndb_user = k\npurge_interval = ${bad}\n`, { mode: 0o600 });
      const r = await run(BIN, ['verify-audit', '--config', file]);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, /kaptajn: \S*bad\.conf:4: purge_interval: must be a whole number 0\.\.86400/);
    });
  }
});

describe('the purge job keeps the token and session tables from growing (a stack of its own)', { skip: NEED }, () => {
  let url;
  let socket;
  const q = (query) => sql(query, { socket });
  const count = (query) => Number(q(query)[0][0]);
  const req = (method, p, opts = {}) => request(method, p, { ...opts, base: url });
  const purgedLines = () => fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8').split('\n')
    .map((l) => /^pool citizen: purged (\d+) used token ids and (\d+) sessions$/.exec(l)).filter(Boolean)
    .map((m) => [Number(m[1]), Number(m[2])]);

  /** Logs in through the stack's dev IdP: { cookie, csrf, name } of a citizen or staff session. */
  async function login(sub, staff) {
    const { cookie, csrf } = await loginAt(url, sub, staff);
    return { cookie, csrf, staff };
  }
  async function logout(s) {
    const res = await req('DELETE', s.staff ? `${ADMIN}/session` : '/api/v1/session', s);
    assert.equal(res.status, 204, describeRes(res));
  }
  /** n citizen and n staff logins, each logged out again. */
  async function churn(n) {
    for (let i = 0; i < n; i++) {
      await logout(await login('anna', false));
      await logout(await login('mette', true));
    }
  }
  /** A day and more passes for every ended session and used token id. */
  function age() {
    const back = SESSION_ABSOLUTE + SESSION_KEEP + 60;
    q(`UPDATE sessions SET created_at = created_at - ${back}, last_seen = last_seen - ${back},
         ended_at = ended_at - ${back} WHERE ended_at IS NOT NULL;
       UPDATE used_tokens SET expires_at = expires_at - 3600`);
  }

  before(async () => {
    // Stopped in after() whether or not it came up.
    ({ url, socket } = await startOwnStack(VAR, { env: { KAPTAJN_PURGE_INTERVAL: '1', KAPTAJN_WORKERS: '1' } }));
  });

  after(async () => {
    if (VAR) await stackCmd(['stop', VAR]);
  });

  let live; // a citizen session that stays logged in throughout

  it('the stack runs with purge_interval = 1', () => {
    assert.match(fs.readFileSync(path.join(VAR, 'kaptajn.conf'), 'utf8'), /^purge_interval = 1$/m);
  });

  it('fresh rows stay: logins and logouts of today are not purged', async () => {
    live = await login('anna', false);
    await churn(10);
    assert.equal(count('SELECT COUNT(*) FROM used_tokens'), 21);
    assert.equal(count('SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL'), 20);
    // Three runs of the job at least.
    await sleep(3500);
    assert.equal(count('SELECT COUNT(*) FROM used_tokens'), 21);
    assert.equal(count('SELECT COUNT(*) FROM sessions'), 21);
    assert.deepEqual(purgedLines(), []);
  });

  it('once they are old, spent token ids and ended sessions fall back to nothing; the live session stays', async () => {
    age();
    await waitFor('the aged rows to go', () => {
      const c = [count('SELECT COUNT(*) FROM used_tokens'), count('SELECT COUNT(*) FROM sessions')];
      return (c[0] === 0 && c[1] === 1) || c;
    });
    const sum = purgedLines().reduce((t, [a, b]) => [t[0] + a, t[1] + b], [0, 0]);
    assert.deepEqual(sum, [21, 20], 'what the log says went');
    expectJson(await req('GET', '/api/v1/plan', { cookie: live.cookie }), 200);
  });

  it('again and again: the tables do not grow with logins', async () => {
    for (let round = 0; round < 2; round++) {
      await churn(8);
      assert.equal(count('SELECT COUNT(*) FROM used_tokens'), 16);
      assert.equal(count('SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL'), 16);
      age();
      await waitFor(`round ${round + 1}: the aged rows to go`, () => {
        const c = [count('SELECT COUNT(*) FROM used_tokens'), count('SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL')];
        return (c[0] === 0 && c[1] === 0) || c;
      });
    }
    expectJson(await req('GET', '/api/v1/plan', { cookie: live.cookie }), 200);
    assert.equal(count('SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL'), 1);
  });

  it('the stack stops cleanly and its logs hold no purge failure and no sanitizer report', async () => {
    for (const [f, text] of Object.entries(await stopOwnStack(VAR))) {
      assert.doesNotMatch(text, /purge (failed|job died)/, f);
    }
  });
});
