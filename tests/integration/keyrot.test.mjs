// Rotating the CPR key on a running stack of its own (its own directory
// beside the shared one, its own port), stopped at the end: the demo's
// citizens are sealed under key A; keys_file becomes B with A in
// keys_old_files and the pools reload (SIGHUP); logins, the CPR reveal and
// enrolment's "already enrolled" still find the rows under A; kaptajn
// reseal seals them under B; A goes, and all still works; a row forced
// back under A, which is no longer configured, is a clear error naming
// A's key id, never a crash nor a wrong number; a backup's manifest names
// the key ids its rows need, and a restore refuses a dump that needs a key
// not configured.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { ADMIN, ADMIN_AUD, CITIZEN_AUD, SKIP, describeRes, expectJson, request, runCmd as run, sql, stackCmd, startOwnStack, stopOwnStack } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-keyrot` : '';
const NO_BIN = !fs.existsSync(BIN) && `no program at ${BIN}`;
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || NO_BIN;
const ANNA_CPR = '070392-1234';

describe('rotating the CPR key (a stack of its own)', { skip: NEED }, () => {
  let url;
  let socket;
  let conf;
  let tmp;
  let keyA;
  let keyB;
  let annaId;
  let stopped = false;
  const q = (query) => sql(query, { socket });
  const req = (method, p, opts = {}) => request(method, p, { ...opts, base: url });
  const kaptajn = (...args) => run(BIN, [args[0], '--config', conf, ...args.slice(1)]);
  const reloads = () => ['citizen', 'admin'].map((p) => (fs.readFileSync(path.join(VAR, 'log', `${p}.log`), 'utf8')
    .match(/configuration reloaded from/g) || []).length);

  /** Sets (or with null removes) keys in the stack's config and reloads both pools. */
  async function reconfigure(keys) {
    let text = fs.readFileSync(conf, 'utf8');
    for (const [k, v] of Object.entries(keys)) {
      text = text.replace(new RegExp(`^${k} = .*\\n`, 'm'), '');
      if (v !== null) text += `${k} = ${v}\n`;
    }
    fs.writeFileSync(conf, text, { mode: 0o600 });
    const was = reloads();
    for (const p of ['citizen', 'admin']) process.kill(Number(fs.readFileSync(path.join(VAR, 'run', `${p}.pid`), 'utf8')), 'SIGHUP');
    const end = Date.now() + 10000;
    while (reloads().some((n, i) => n <= was[i])) {
      assert.ok(Date.now() < end, `the pools did not reload: ${JSON.stringify(reloads())}`);
      await sleep(50);
    }
  }

  async function token(sub, aud) {
    const t = await req('POST', '/dev-idp/token', {
      body: `sub=${sub}&aud=${aud}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(t.status, 200, describeRes(t));
    return t.text.trim();
  }
  /** A session's { cookie, csrf }, or asserts the status. */
  async function login(sub, staff, status = 201) {
    const res = await req('POST', staff ? `${ADMIN}/session` : '/api/v1/session', { json: { id_token: await token(sub, staff ? ADMIN_AUD : CITIZEN_AUD) } });
    assert.equal(res.status, status, describeRes(res));
    const name = staff ? 'kaptajn_staff_session' : 'kaptajn_session';
    return { cookie: new RegExp(`${name}=[^;]*`).exec(res.setCookie.join('\n'))[0], csrf: res.json.csrf_token };
  }
  const reveal = async (id) => req('POST', `${ADMIN}/citizens/${id}/cpr`, await login('mette', true));
  const keyIds = () => q('SELECT DISTINCT COALESCE(cpr_key_id, \'NULL\') FROM citizens WHERE cpr_sealed IS NOT NULL ORDER BY 1').map((r) => r[0]);

  before(async () => {
    ({ url, socket } = await startOwnStack(VAR, { env: { KAPTAJN_WORKERS: '1' } }));
    conf = path.join(VAR, 'kaptajn.conf');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-keyrot-'));
    annaId = Number(q("SELECT id FROM citizens WHERE name = 'Anna Jensen'")[0][0]);
  });

  after(async () => {
    if (VAR && !stopped) await stackCmd(['stop', VAR]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the demo is sealed under key A; --check passes while A is the only key', async () => {
    const r = await kaptajn('reseal', '--check');
    assert.equal(r.code, 0, r.out);
    keyA = /rows under key ([0-9a-f]{8}) \(current\)/.exec(r.out)?.[1];
    assert.ok(keyA, r.out);
    assert.deepEqual(keyIds(), [keyA]);
    // Lars's row as it was before 015: sealed, no key id.
    q("UPDATE citizens SET cpr_key_id = NULL WHERE name = 'Lars Hansen'");
  });

  it('keys_old_files naming a file that is not there stops the reload with the key named', async () => {
    const r = await kaptajn('reseal', '--check');
    assert.equal(r.code, 1, 'a row without a key id is not under the current key');
    const bad = path.join(tmp, 'bad.conf');
    fs.writeFileSync(bad, `${fs.readFileSync(conf, 'utf8')}keys_old_files = ${path.join(tmp, 'none.key')}\n`, { mode: 0o600 });
    const c = await run(BIN, ['reseal', '--check', '--config', bad]);
    assert.equal(c.code, 2, c.out);
    assert.match(c.out, /bad\.conf:\d+: keys_old_files: .*none\.key/);
  });

  it('rotated to B with A kept as an old key: logins, the reveal and enrolment find the rows under A', async () => {
    const b = path.join(VAR, 'keys', 'b.key');
    const g = await run(BIN, ['keygen', '--out', b]);
    assert.equal(g.code, 0, g.out);
    await reconfigure({ keys_file: b, keys_old_files: path.join(VAR, 'keys', 'master.key') });
    const c = await kaptajn('reseal', '--check');
    assert.equal(c.code, 1, c.out);
    keyB = /rows not under the current key ([0-9a-f]{8})/.exec(c.out)?.[1];
    assert.ok(keyB && keyB !== keyA, c.out);
    assert.match(c.out, new RegExp(`rows under key ${keyA} \\(old, configured\\)`));
    assert.match(c.out, /1 rows under no key id \(sealed before 015\)/);

    await login('anna', false);
    await login('lars', false);
    const res = await reveal(annaId);
    assert.deepEqual(expectJson(res, 200), { cpr: ANNA_CPR });
    const again = await req('POST', `${ADMIN}/citizens`, { ...(await login('mette', true)), json: { cpr: '0703921234', name: 'Anna Igen' } });
    assert.equal(again.status, 409, describeRes(again));
    assert.equal(again.json.error.code, 'already_enrolled');
  });

  it('kaptajn reseal seals every row under B, with one audit row; --check then passes', async () => {
    const rows = Number(q('SELECT COUNT(*) FROM citizens WHERE cpr_sealed IS NOT NULL')[0][0]);
    const audits = () => Number(q("SELECT COUNT(*) FROM audit_log WHERE action = 'cpr_resealed'")[0][0]);
    const before = audits();
    const r = await kaptajn('reseal');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`reseal: ${rows} sealed again under key ${keyB}, 0 done by another run, 0 did not open`));
    assert.equal(audits(), before + 1);
    assert.deepEqual(keyIds(), [keyB]);
    const c = await kaptajn('reseal', '--check');
    assert.equal(c.code, 0, c.out);
    // Again: nothing left, no audit row.
    const r2 = await kaptajn('reseal');
    assert.match(r2.out, /reseal: 0 sealed again/);
    assert.equal(audits(), before + 1);
    const v = await kaptajn('verify-audit');
    assert.equal(v.code, 0, v.out);
  });

  it('with A removed from the configuration everything still works', async () => {
    await reconfigure({ keys_old_files: null });
    await login('anna', false);
    assert.deepEqual(expectJson(await reveal(annaId), 200), { cpr: ANNA_CPR });
    const plan = expectJson(await req('GET', `${ADMIN}/citizens/${annaId}/plan`, await login('mette', true)), 200);
    assert.equal(plan.citizen.cpr_date, '070392');
  });

  it('a row forced back under A, which is not configured, is a clear error naming A, not a crash', async () => {
    q(`UPDATE citizens SET cpr_key_id = '${keyA}' WHERE id = ${annaId}`);
    const res = await reveal(annaId);
    assert.equal(res.status, 500, describeRes(res));
    assert.ok(!res.text.includes('1234'), res.text);
    const log = fs.readFileSync(path.join(VAR, 'log', 'admin.log'), 'utf8');
    assert.match(log, new RegExp(`CPR number of citizen ${annaId} is sealed under key id ${keyA}, which is not configured`));
    // The plan read goes on without the date part.
    const plan = expectJson(await req('GET', `${ADMIN}/citizens/${annaId}/plan`, await login('mette', true)), 200);
    assert.equal(plan.citizen.cpr_date, null);
    const c = await kaptajn('reseal', '--check');
    assert.equal(c.code, 1, c.out);
    assert.match(c.out, new RegExp(`1 rows under key ${keyA} \\(NOT configured\\)`));
    const r = await kaptajn('reseal');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`citizen ${annaId}: sealed under key id ${keyA}, which is not configured`));
    assert.equal(q(`SELECT cpr_key_id FROM citizens WHERE id = ${annaId}`)[0][0], keyA, 'the row is left as it is');
  });

  it('the backup manifest names the key ids; a restore needing a key not configured is refused by name', async () => {
    const out = path.join(tmp, 'backups');
    fs.mkdirSync(out, { mode: 0o700 });
    const b = await kaptajn('backup', '--out', out);
    assert.equal(b.code, 0, b.out);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.manifest.json'))), 'utf8'));
    assert.deepEqual([...manifest.cpr_keys.key_ids].sort(), [keyA, keyB].sort());
    assert.equal(manifest.cpr_keys.without_key_id, 0);
    const dump = path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.sql.gz')));
    const r = await kaptajn('restore', '--in', dump, '--migrations', path.join(REPO, 'migrations'));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`restore refused: the dump's CPR numbers need key id ${keyA}, which is not configured`));
    assert.doesNotMatch(r.out, new RegExp(`need key id ${keyB}`));
    q(`UPDATE citizens SET cpr_key_id = '${keyB}' WHERE id = ${annaId}`);
  });

  it('stops cleanly', async () => {
    stopped = true;
    await stopOwnStack(VAR);
  });
});
