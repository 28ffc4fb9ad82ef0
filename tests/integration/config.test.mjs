// The configuration file as the programs read it (core/config.c): the
// database password from db_password_file, the sockets' group from
// socket_group, and a refusal at start that names the file, the line and
// the key, before anything listens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { HAVE_DB, runCmd } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const CONFIG = process.env.KAPTAJN_CONFIG || '';
const NEED = (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set') || (!CONFIG && 'KAPTAJN_CONFIG is not set')
  || (!fs.existsSync(BIN) && `no program at ${BIN}`);

/** text with key's line set to value (replaced, or added); { text, line }. */
function withKey(text, key, value) {
  const lines = text.replace(/\n$/, '').split('\n');
  let at = lines.findIndex((l) => l.startsWith(`${key} =`));
  if (at < 0) at = lines.push('') - 1;
  lines[at] = `${key} = ${value}`;
  return { text: `${lines.join('\n')}\n`, line: at + 1 };
}

describe('the configuration file as kaptajn reads it', { skip: NEED }, () => {
  let tmp;
  let base;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-config-'));
    base = fs.readFileSync(CONFIG, 'utf8');
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const write = (name, text, mode = 0o600) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text, { mode });
    fs.chmodSync(file, mode);
    return file;
  };

  it('db_password_file gives the password: verify-audit connects with it, and not with a wrong one', async () => {
    const password = /^db_password = (.*)$/m.exec(base)[1];
    const noPassword = base.replace(/^db_password = .*\n/m, '');
    const good = write('good.conf', withKey(noPassword, 'db_password_file', write('db-password', `${password}\n`)).text);
    let r = await runCmd(BIN, ['verify-audit', '--config', good]);
    assert.equal(r.code, 0, r.out);
    const bad = write('bad.conf', withKey(noPassword, 'db_password_file', write('db-wrong', 'wrong\n')).text);
    r = await runCmd(BIN, ['verify-audit', '--config', bad]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /Access denied/);
  });

  it('a client secret file readable by the group stops the pool at start with file, line and key', async () => {
    const secret = write('client-secret', 's3cret\n', 0o640);
    const { text, line } = withKey(base, 'citizen_client_secret_file', secret);
    const conf = write('open-secret.conf', text);
    const socket = path.join(tmp, 'refused.sock');
    const r = await runCmd(BIN, ['serve', '--config', conf, '--pool', 'citizen', '--socket', socket, '--workers', '1'], { timeout: 15000 });
    assert.equal(r.code, 2, r.out);
    assert.ok(r.out.includes(`kaptajn: ${conf}:${line}: citizen_client_secret_file: ${secret} is readable or writable by group or others (mode 0640); chmod 600 ${secret}`), r.out);
    assert.ok(!fs.existsSync(socket), 'a refused pool made its socket');
  });

  it('a master key that does not load stops the pool at start with file, line and key, not each worker in turn', async () => {
    const key = write('master.key', 'not a key\n');
    const { text, line } = withKey(base, 'keys_file', key);
    const conf = write('bad-key.conf', text);
    const socket = path.join(tmp, 'bad-key.sock');
    const r = await runCmd(BIN, ['serve', '--config', conf, '--pool', 'admin', '--socket', socket, '--workers', '1'], { timeout: 15000 });
    assert.equal(r.code, 2, `exit code (null: it kept running):\n${r.out}`);
    assert.ok(r.out.includes(`kaptajn: ${conf}:${line}: keys_file: keys: ${key}: want 64 hex digits`), r.out);
    assert.ok(!fs.existsSync(socket), 'a refused pool made its socket');
  });

  it('socket_group gives the pool\'s socket to that group, mode 0660', async (t) => {
    const group = fs.readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':'))
      .find((g) => g[0] === 'www-data' || (g[0] !== '' && Number(g[2]) !== process.getgid() && Number(g[2]) > 0));
    if (!group) return t.skip('no other group on this host');
    const conf = write('group.conf', withKey(base, 'socket_group', group[0]).text);
    const socket = path.join(tmp, 'devidp.sock');
    const pool = spawn(BIN, ['serve', '--config', conf, '--pool', 'devidp', '--socket', socket, '--workers', '1'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10000;
      while (!fs.existsSync(socket) && Date.now() < deadline) await sleep(50);
      await sleep(100);
      const st = fs.statSync(socket);
      assert.equal(st.gid, Number(group[2]), `the socket's group is ${st.gid}, not ${group[0]}`);
      assert.equal(st.mode & 0o777, 0o660);
    } finally {
      pool.kill('SIGTERM');
      await new Promise((resolve) => pool.on('exit', resolve));
    }
  });
});
