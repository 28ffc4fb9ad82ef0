// kaptajn migrate from two hosts at once (core/migrate.c): the whole run
// holds MariaDB's named lock "kaptajn.migrate", so two runs started
// together against a fresh database both exit 0 and apply each migration
// once; a run that finds the lock held says so and waits for it. --to
// stops at a migration (an older schema, as a test or an operator needs
// it), and refuses one that is not there or that the database is past.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { HAVE_DB, runCmd, sql } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const CONFIG = process.env.KAPTAJN_CONFIG || '';
const MIGRATIONS = path.join(REPO, 'migrations');
const NEED = (!HAVE_DB && 'KAPTAJN_DB_SOCKET is not set') || (!CONFIG && 'KAPTAJN_CONFIG is not set')
  || (!fs.existsSync(BIN) && `no program at ${BIN}`);

describe('kaptajn migrate twice at once on a fresh database', { skip: NEED }, () => {
  let tmp;
  const made = [];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-migrate-'));
  });
  after(() => {
    for (const db of made) sql(`DROP DATABASE IF EXISTS ${db}`);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A fresh, empty database the stack's user may use; a config naming it. */
  const freshDb = (label) => {
    const db = `kaptajn_mig_${label}_${crypto.randomBytes(4).toString('hex')}`;
    sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci`);
    made.push(db);
    sql(`GRANT ALL PRIVILEGES ON ${db}.* TO 'kaptajn'@'localhost'`);
    const conf = path.join(tmp, `${db}.conf`);
    const text = fs.readFileSync(CONFIG, 'utf8').replace(/^db_name = .*$/m, `db_name = ${db}`);
    assert.match(text, new RegExp(`^db_name = ${db}$`, 'm'));
    fs.writeFileSync(conf, text, { mode: 0o600 });
    return { db, conf };
  };
  const migrate = (conf) => runCmd(BIN, ['migrate', '--config', conf, '--migrations', MIGRATIONS], { timeout: 120000 });
  const files = fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort();

  it('both exit 0 and every migration is applied and recorded once', async () => {
    const { db, conf } = freshDb('two');
    const [a, b] = await Promise.all([migrate(conf), migrate(conf)]);
    assert.equal(a.code, 0, `the first run:\n${a.out}`);
    assert.equal(b.code, 0, `the second run:\n${b.out}`);
    const rows = sql(`SELECT name, COUNT(*) FROM ${db}.schema_migrations GROUP BY name ORDER BY name`);
    assert.deepEqual(rows.map((r) => r[0]), files);
    assert.deepEqual(rows.filter((r) => r[1] !== '1'), [], 'a migration recorded twice');
    for (const f of files) {
      const applied = `${a.out}${b.out}`.split('\n').filter((l) => l === `migrate: applying ${f}`);
      assert.equal(applied.length, 1, `${f} applied ${applied.length} times:\n${a.out}\n---\n${b.out}`);
    }
    assert.match(`${a.out}${b.out}`, /migrate: up to date/);
  });

  it('--to applies the migrations up to the one named and no further; the rest come with the next run', async () => {
    const { db, conf } = freshDb('to');
    const to = files[Math.floor(files.length / 2)];
    const upTo = files.filter((f) => f <= to);
    const applied = () => sql(`SELECT name FROM ${db}.schema_migrations ORDER BY name`).map((r) => r[0]);
    let r = await runCmd(BIN, ['migrate', '--config', conf, '--migrations', MIGRATIONS, '--to', to], { timeout: 120000 });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`migrate: at ${to}, as --to asks \\(${files.length} files, ${files.length - upTo.length} after it not applied\\)`));
    assert.deepEqual(applied(), upTo);
    r = await migrate(conf);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(r.out.split('\n').filter((l) => l.startsWith('migrate: applying ')), files.filter((f) => f > to).map((f) => `migrate: applying ${f}`));
    assert.deepEqual(applied(), files);
  });

  for (const [what, to, re] of [
    ['a migration that is not there', '999_none.sql', /migrate: --to 999_none\.sql: no such migration in \S+; nothing applied/],
    ['one the database is already past', null, /migrate: --to \S+: the database is at \S+, past it \(a migration is never undone\); nothing applied/],
  ]) {
    it(`--to ${what} is refused and applies nothing`, async () => {
      const { db, conf } = freshDb('tobad');
      const half = files[Math.floor(files.length / 2)];
      let r = await runCmd(BIN, ['migrate', '--config', conf, '--migrations', MIGRATIONS, '--to', half], { timeout: 120000 });
      assert.equal(r.code, 0, r.out);
      const was = sql(`SELECT name, checksum FROM ${db}.schema_migrations ORDER BY name`);
      r = await runCmd(BIN, ['migrate', '--config', conf, '--migrations', MIGRATIONS, '--to', to || files[0]], { timeout: 120000 });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, re);
      assert.doesNotMatch(r.out, /migrate: applying/);
      assert.deepEqual(sql(`SELECT name, checksum FROM ${db}.schema_migrations ORDER BY name`), was);
    });
  }

  it('a run that finds the lock held waits for it, then finds nothing left to do or does it', async () => {
    const { db, conf } = freshDb('held');
    // Another client holds the lock for 3 s.
    const holder = spawn('mariadb', ['--no-defaults', `--socket=${process.env.KAPTAJN_DB_SOCKET}`,
      `--user=${os.userInfo().username}`, '--batch', '--skip-column-names', '--unbuffered', '-e',
      "SELECT GET_LOCK('kaptajn.migrate', 0); SELECT SLEEP(3); SELECT RELEASE_LOCK('kaptajn.migrate')"],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    let held = '';
    holder.stdout.on('data', (c) => (held += c));
    const holderDone = new Promise((resolve) => holder.on('exit', resolve));
    const deadline = Date.now() + 10000;
    while (!held.startsWith('1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(held, /^1/, 'the other client did not get the lock');
    const started = Date.now();
    const r = await migrate(conf);
    const took = Date.now() - started;
    await holderDone;
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /migrate: another kaptajn migrate runs; waiting for it \(at most 900 s\)/);
    assert.ok(took >= 1500, `it did not wait for the lock (${took} ms)`);
    assert.equal(sql(`SELECT COUNT(*) FROM ${db}.schema_migrations`)[0][0], String(files.length));
  });
});
