// socket-group.test.mjs: socket_group in the configuration gives a pool's
// FastCGI socket to that group (nginx's www-data in production), mode 0660;
// an unknown group stops the pool before it serves, with the key named,
// and leaves no socket behind. Starts a second admin pool of its own on a
// socket in a temporary directory, with the stack's configuration plus the
// key.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SKIP } from './lib.mjs';

const BIN = process.env.KAPTAJN_BIN || path.resolve('build/kaptajn');
const CONFIG = process.env.KAPTAJN_CONFIG || '';

// A group other than the process's own that it may give a file to: any
// group as root, else one of its supplementary groups.
function otherGroup() {
  const groups = fs.readFileSync('/etc/group', 'utf8').trim().split('\n')
    .map((l) => l.split(':')).map(([name, , gid, members]) => ({ name, gid: Number(gid), members }));
  const mine = process.getgroups();
  const pick = groups.find((g) => g.gid !== process.getgid() &&
    (process.getuid() === 0 || mine.includes(g.gid)));
  return pick || null;
}

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kp-sg-'));
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function configWith(line) {
  const p = path.join(dir, `kaptajn-${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(p, `${fs.readFileSync(CONFIG, 'utf8')}\n${line}\n`, { mode: 0o600 });
  return p;
}

// Starts an admin pool; resolves { child, out, code } once it says it
// serves ("pool admin: 1 workers on ...") or has exited.
function startPool(config, socket) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--config', config, '--pool', 'admin', '--socket', socket,
      '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no start: ${out}`)); }, 20000);
    const onData = (d) => {
      out += d;
      if (/pool admin: 1 workers on/.test(out)) { clearTimeout(timer); resolve({ child, out, code: null }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ child, out, code }); });
  });
}

function stopPool(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const group = otherGroup();
const skip = SKIP || (!CONFIG && 'KAPTAJN_CONFIG is not set') ||
  (!group && 'no group other than the own one to give the socket to');

describe('socket_group', { skip }, () => {
  it('refuses an unknown group before serving and leaves no socket', async () => {
    const socket = path.join(dir, 'bad.sock');
    const r = await startPool(configWith('socket_group = kp-no-such-group'), socket);
    if (r.code === null) await stopPool(r.child);
    assert.notEqual(r.code, null, `the pool started: ${r.out}`);
    assert.notEqual(r.code, 0);
    // Named with the configuration's file and line, when the file is read.
    assert.match(r.out, /\.conf:\d+: socket_group: kp-no-such-group is not a group of this host/);
    assert.ok(!fs.existsSync(socket), 'the socket was left behind');
  });

  it('gives the socket to the group, mode 0660', async () => {
    const socket = path.join(dir, 'admin.sock');
    const r = await startPool(configWith(`socket_group = ${group.name}`), socket);
    try {
      assert.equal(r.code, null, `the pool did not start: ${r.out}`);
      const st = fs.statSync(socket);
      assert.ok(st.isSocket());
      assert.equal(st.gid, group.gid, `group of the socket (want ${group.name})`);
      assert.equal(st.mode & 0o777, 0o660);
      assert.equal(st.uid, process.getuid());
    } finally {
      await stopPool(r.child);
    }
  });

  it('keeps the process\'s group without the key', async () => {
    const socket = path.join(dir, 'plain.sock');
    const r = await startPool(configWith('# no socket_group'), socket);
    try {
      assert.equal(r.code, null, `the pool did not start: ${r.out}`);
      const st = fs.statSync(socket);
      assert.equal(st.gid, process.getgid());
      assert.equal(st.mode & 0o777, 0o660);
    } finally {
      await stopPool(r.child);
    }
  });
});
