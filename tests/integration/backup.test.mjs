// kaptajn backup and kaptajn restore, done: citizens add dreams and a
// caseworker adds goals through nginx while `kaptajn backup` runs; the dump
// goes into a fresh MariaDB (a second stack of its own, given the first
// one's master key file, the one thing a backup does not hold), and there
// the audit chain verifies, every plan's version is its history's highest,
// every write acknowledged before the backup began is present and the
// sealed CPR numbers open. A restore into a database that is not empty,
// and a dump whose bytes were changed, are refused and change nothing; so
// is every other bad input. A backup of a database at 014 (0.2.0's last
// migration, with 0.2.0's manifest) restores with this program and is
// migrated forward; one from a newer version is refused before anything
// is loaded. Two stacks of its own, stopped at the end.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ADMIN, ADMIN_AUD, CITIZEN_AUD, SKIP, describeRes, expectJson, freePort, request, runCmd as run, sql, stackCmd, startOwnStack } from './lib.mjs';

const REPO = process.env.KAPTAJN_REPO || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const MIGRATIONS = path.join(REPO, 'migrations');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR_A = SHARED_VAR ? `${SHARED_VAR}-backup` : '';
const VAR_B = SHARED_VAR ? `${SHARED_VAR}-restore` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!fs.existsSync(BIN) && `no program at ${BIN}`);

/** A stack's config file with other lines for some keys (db_name, ...). */
function confWith(conf, keys, out) {
  let text = fs.readFileSync(conf, 'utf8');
  for (const [k, v] of Object.entries(keys)) text = text.replace(new RegExp(`^${k} = .*$`, 'm'), `${k} = ${v}`);
  fs.writeFileSync(out, text, { mode: 0o600 });
  return out;
}

/** Logs sub in on the stack at base through the dev IdP: { cookie, csrf, id }. */
async function logIn(base, sub, staff) {
  const t = await request('POST', '/dev-idp/token', {
    base, body: `sub=${sub}&aud=${staff ? ADMIN_AUD : CITIZEN_AUD}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(t.status, 200, describeRes(t));
  const res = await request('POST', staff ? `${ADMIN}/session` : '/api/v1/session', { base, json: { id_token: t.text.trim() } });
  const body = expectJson(res, 201);
  const name = staff ? 'kaptajn_staff_session' : 'kaptajn_session';
  return { base, cookie: new RegExp(`${name}=[^;]*`).exec(res.setCookie.join('\n'))[0], csrf: body.csrf_token, id: (body.citizen || body.staff).id };
}

describe('a backup taken under load restores into a fresh MariaDB whole (two stacks of its own)', { skip: NEED }, () => {
  let a; // the original stack: { url, socket }
  let b; // the stack the backup is restored into
  let confA;
  let confB;
  let out; // the backups' directory
  let tmp;
  const acked = []; // { table, by, id, sent, at } of every acknowledged write
  let began;
  let ended;
  let dump;
  let manifest;
  let figures = {};
  const qA = (query) => sql(query, { socket: a.socket });
  const qB = (query) => sql(query, { socket: b.socket });
  const kaptajn = (conf, ...args) => run(BIN, [args[0], '--config', conf, ...args.slice(1)], { timeout: 300000 });
  const ids = { anna: 0, mohammed: 0 };
  const cprOnA = {};

  /** Restores file into the second stack's database, emptied first as an
   * operator makes one; the time it took is figures[figure]. */
  async function restoreFresh(file, figure) {
    qB('DROP DATABASE kaptajn; CREATE DATABASE kaptajn CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci');
    const t0 = Date.now();
    const r = await kaptajn(confB, 'restore', '--in', file, '--migrations', MIGRATIONS);
    figures[figure] = Date.now() - t0;
    return r;
  }

  /** The second stack's database in brief: its main tables' checksums. */
  const fingerprint = () => qB('CHECKSUM TABLE citizens, plans, dreams, goals, audit_log, audit_head').map((r) => r[1]).join(',');

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-backup-'));
    out = path.join(tmp, 'backups');
    fs.mkdirSync(out, { mode: 0o700 });
    a = await startOwnStack(VAR_A);
    confA = path.join(VAR_A, 'kaptajn.conf');
    // The second stack gets the first one's master key file before it
    // starts (its keygen leaves a key file alone); up to three tries, as
    // startOwnStack makes.
    let portB;
    let r;
    for (let i = 0; i < 3 && (!r || r.code !== 0); i++) {
      await stackCmd(['stop', VAR_B]);
      fs.rmSync(VAR_B, { recursive: true, force: true });
      fs.mkdirSync(path.join(VAR_B, 'keys'), { recursive: true, mode: 0o700 });
      fs.copyFileSync(path.join(VAR_A, 'keys', 'master.key'), path.join(VAR_B, 'keys', 'master.key'));
      fs.chmodSync(path.join(VAR_B, 'keys', 'master.key'), 0o600);
      portB = await freePort();
      r = await stackCmd(['start', VAR_B, String(portB)]);
    }
    assert.equal(r.code, 0, r.out.slice(-2000));
    const e = await stackCmd(['env', VAR_B]);
    b = { url: `http://127.0.0.1:${portB}`, port: portB, socket: /^KAPTAJN_DB_SOCKET=(.*)$/m.exec(e.out)[1].replace(/^'(.*)'$/, '$1') };
    confB = path.join(VAR_B, 'kaptajn.conf');
    for (const sub of Object.keys(ids)) ids[sub] = Number(qA(`SELECT id FROM citizens WHERE name = '${sub === 'anna' ? 'Anna Jensen' : 'Mohammed Ali'}'`)[0][0]);
  });

  after(async () => {
    if (VAR_A) await stackCmd(['stop', VAR_A]);
    if (VAR_B) await stackCmd(['stop', VAR_B]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (Object.keys(figures).length) console.log(`# backup figures: ${JSON.stringify(figures)}`);
  });

  it('bad input is refused clearly and writes nothing: no --out directory, a config that cannot be read, a wrong password', async () => {
    let r = await kaptajn(confA, 'backup', '--out', path.join(tmp, 'nowhere'));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /backup refused: \S*nowhere \(--out or backup_dir\) is not a directory/);
    assert.equal(fs.existsSync(path.join(tmp, 'nowhere')), false);
    // Without --out: backup_dir.
    const elsewhere = path.join(tmp, 'elsewhere');
    const confElsewhere = path.join(tmp, 'elsewhere.conf');
    fs.writeFileSync(confElsewhere, `${fs.readFileSync(confA, 'utf8')}backup_dir = ${elsewhere}\n`, { mode: 0o600 });
    r = await kaptajn(confElsewhere, 'backup');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /backup refused: \S*elsewhere \(--out or backup_dir\) is not a directory/);
    assert.equal(fs.existsSync(elsewhere), false);
    if (process.getuid() !== 0) { // root reads a file of mode 0000
      const unreadable = path.join(tmp, 'unreadable.conf');
      fs.writeFileSync(unreadable, fs.readFileSync(confA), { mode: 0o000 });
      r = await run(BIN, ['backup', '--config', unreadable, '--out', out]);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, /unreadable\.conf: Permission denied/);
    }
    // A password the database does not take: mariadb-dump's refusal is
    // passed on, and no file is left in --out.
    r = await kaptajn(confWith(confA, { db_password: 'wrong' }, path.join(tmp, 'wrong.conf')), 'backup', '--out', out);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /Access denied for user 'kaptajn'/);
    assert.match(r.out, /mariadb-dump failed \(exit 2\)/);
    r = await run(BIN, ['backup', '--config', path.join(tmp, 'missing.conf'), '--out', out]);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /missing\.conf: No such file/);
    assert.deepEqual(fs.readdirSync(out), [], 'nothing was written');
  });

  it('a backup taken while citizens add dreams and a caseworker adds goals', async () => {
    const anna = await logIn(a.url, 'anna', false);
    const mohammed = await logIn(a.url, 'mohammed', false);
    const mette = await logIn(a.url, 'mette', true);
    for (const [sub, s] of [['anna', mette], ['mohammed', mette]]) {
      cprOnA[sub] = expectJson(await request('POST', `${ADMIN}/citizens/${ids[sub]}/cpr`, s), 200).cpr;
      assert.match(cprOnA[sub], /^\d{6}-\d{4}$/);
    }
    let stop = false;
    let n = 0;
    const failures = [];
    // Each acknowledged write: its table, id, who, when it was sent and
    // when its 201 came back.
    async function loop(by, table, write) {
      while (!stop) {
        const sent = Date.now();
        const res = await write(n++);
        if (res.status === 201) {
          const body = expectJson(res, 201); // a dream, or {"goal", "plan_version"}
          acked.push({ table, by, id: (body.goal || body).id, at: Date.now(), sent });
        } else {
          failures.push(describeRes(res));
        }
      }
    }
    // Quotes, backslashes and parentheses in the text: the manifest's
    // counts are read from the dump's lines, and the restore checks them.
    const dream = (s) => (i) => request('POST', '/api/v1/plan/dreams', { ...s, json: { text: `Drøm ${i} ('),(x\\'); "y" \\ under backup` } });
    const writers = [
      loop('anna', 'dreams', dream(anna)),
      loop('mohammed', 'dreams', dream(mohammed)),
      loop('mette', 'goals', (i) => request('POST', `${ADMIN}/citizens/${ids[i % 2 ? 'anna' : 'mohammed']}/goals`, {
        ...mette, json: { title: `Mål ${i}`, description: 'Under backup', area: 'job', legal_basis: 'LAB §91' },
      })),
    ];
    await new Promise((resolve) => setTimeout(resolve, 2000));
    began = Date.now();
    const r = await kaptajn(confA, 'backup', '--out', out);
    ended = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop = true;
    await Promise.all(writers);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(failures, [], 'every write under load was acknowledged');
    const files = fs.readdirSync(out).sort();
    assert.equal(files.length, 2, files.join(' '));
    const dumpName = files.find((f) => f.endsWith('.sql.gz'));
    assert.match(dumpName, /^kaptajn-\d{8}T\d{6}Z\.sql\.gz$/);
    dump = path.join(out, dumpName);
    manifest = JSON.parse(fs.readFileSync(dump.replace(/\.sql\.gz$/, '.manifest.json'), 'utf8'));
    for (const f of files) assert.equal(fs.statSync(path.join(out, f)).mode & 0o777, 0o600, `${f} is mode 0600`);
    assert.equal(manifest.format, 'kaptajn-backup 1');
    assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
    assert.match(manifest.dump.sha256, /^[0-9a-f]{64}$/);
    assert.equal(manifest.migration, qA('SELECT MAX(name) FROM schema_migrations')[0][0]);
    assert.match(manifest.audit.head_hash, /^[0-9a-f]{64}$/);
    assert.equal(manifest.audit.rows, manifest.rows.audit_log);
    // The snapshot lies between the writes acknowledged before the backup
    // began and those after it ended.
    const before_ = acked.filter((w) => w.at < began);
    const after_ = acked.filter((w) => w.sent > ended);
    const dreamsA = Number(qA('SELECT COUNT(*) FROM dreams')[0][0]);
    assert.ok(manifest.rows.dreams <= dreamsA - after_.filter((w) => w.table === 'dreams').length);
    assert.ok(before_.length > 0 && after_.length > 0, `writes before (${before_.length}) and after (${after_.length}) the backup`);
    figures = {
      rows: Object.values(manifest.rows).reduce((s, v) => s + v, 0), audit_rows: manifest.audit.rows,
      dump_bytes: manifest.dump.bytes, sql_bytes: manifest.dump.sql_bytes,
      backup_ms: ended - began, writes: acked.length, writes_before: before_.length,
      writes_during: acked.length - before_.length - after_.length, writes_after: after_.length,
    };
  });

  it('the password is in neither the manifest nor what the backup said, and no defaults file is left behind', () => {
    const pw = /^db_password = (.*)$/m.exec(fs.readFileSync(confA, 'utf8'))[1];
    assert.ok(pw.length >= 32);
    assert.ok(!fs.readFileSync(dump.replace(/\.sql\.gz$/, '.manifest.json'), 'utf8').includes(pw));
    assert.deepEqual(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('kaptajn-client-')), []);
  });

  it('restore into a fresh database: the chain verifies, the versions hold, every write acknowledged before the backup is there', async () => {
    const r = await restoreFresh(dump, 'restore_ms');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /audit: \d+ rows, chain intact/);
    assert.match(r.out, /^restore: .* audit chain \d+ rows intact/m);
    const v = await kaptajn(confB, 'verify-audit');
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, new RegExp(`audit: ${manifest.audit.rows} rows, chain intact`));
    const stale = qB('SELECT p.id, p.version, h.v FROM plans p JOIN (SELECT plan_id, MAX(version) v FROM plan_history GROUP BY plan_id) h ON h.plan_id = p.id WHERE h.v <> p.version');
    assert.deepEqual(stale, [], 'every plan\'s version is the highest of its history');
    const missing = [];
    assert.ok(acked.every((w) => Number.isInteger(w.id)), 'every acknowledged write has its id');
    for (const w of acked.filter((x) => x.at < began)) {
      if (Number(qB(`SELECT COUNT(*) FROM ${w.table} WHERE id = ${Number(w.id)}`)[0][0]) !== 1) missing.push(w);
    }
    assert.deepEqual(missing, [], 'writes acknowledged before the backup began');
    for (const [t, n] of Object.entries(manifest.rows)) assert.equal(Number(qB(`SELECT COUNT(*) FROM ${t}`)[0][0]), n, t);
  });

  it('on a stack over the restored database the sealed CPR numbers open with the copied key, and the citizens log in', async () => {
    const r = await stackCmd(['start', VAR_B, String(b.port)]);
    assert.equal(r.code, 0, r.out.slice(-2000));
    const mette = await logIn(b.url, 'mette', true);
    for (const sub of Object.keys(ids)) {
      const res = await request('POST', `${ADMIN}/citizens/${ids[sub]}/cpr`, mette);
      assert.equal(expectJson(res, 200).cpr, cprOnA[sub], `${sub}'s CPR number as on the original`);
    }
    // The citizen is found by the keyed hash of the number: the same key.
    const anna = await logIn(b.url, 'anna', false);
    assert.equal(anna.id, ids.anna);
    const plan = expectJson(await request('GET', '/api/v1/plan', anna), 200);
    const shown = new Set(plan.dreams.map((d) => d.id));
    const hers = acked.filter((w) => w.by === 'anna' && w.at < began);
    assert.ok(hers.length > 0);
    assert.deepEqual(hers.filter((w) => !shown.has(w.id)), [], 'her dreams acknowledged before the backup, in her plan');
  });

  it('a restore into a database that is not empty is refused and changes nothing', async () => {
    const was = fingerprint();
    const r = await kaptajn(confB, 'restore', '--in', dump, '--migrations', MIGRATIONS);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /restore refused: the database kaptajn is not empty \(\d+ tables, routines or events\)/);
    assert.equal(fingerprint(), was);
  });

  it('a dump whose bytes were changed is refused by its hash, and the empty database stays empty', async () => {
    qB(`CREATE DATABASE kaptajn_empty CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci; GRANT ALL PRIVILEGES ON kaptajn_empty.* TO 'kaptajn'@'localhost'`);
    const conf = confWith(confB, { db_name: 'kaptajn_empty' }, path.join(tmp, 'empty.conf'));
    const bad = path.join(tmp, 'kaptajn-changed.sql.gz');
    const bytes = fs.readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(bad, bytes, { mode: 0o600 });
    fs.copyFileSync(dump.replace(/\.sql\.gz$/, '.manifest.json'), path.join(tmp, 'kaptajn-changed.manifest.json'));
    const r = await kaptajn(conf, 'restore', '--in', bad, '--migrations', MIGRATIONS);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /restore refused: .*kaptajn-changed\.sql\.gz has SHA-256 [0-9a-f]{64}, its manifest says [0-9a-f]{64}: the file was changed or damaged/);
    const objects = () => qB("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'kaptajn_empty'")[0][0];
    assert.equal(objects(), '0');
    // A manifest whose rows were changed: the hash holds, the check after
    // the load names the table.
    const m = { ...manifest, rows: { ...manifest.rows, goals: manifest.rows.goals + 1 } };
    const copy = path.join(tmp, 'kaptajn-rows.sql.gz');
    fs.copyFileSync(dump, copy);
    fs.writeFileSync(path.join(tmp, 'kaptajn-rows.manifest.json'), JSON.stringify(m));
    const r2 = await kaptajn(conf, 'restore', '--in', copy, '--migrations', MIGRATIONS);
    assert.equal(r2.code, 1, r2.out);
    assert.match(r2.out, new RegExp(`restore: goals has ${manifest.rows.goals} rows, the manifest says ${manifest.rows.goals + 1}`));
    qB('DROP DATABASE kaptajn_empty');
  });

  for (const [what, file, re] of [
    ['a dump that is not there', 'kaptajn-none.sql.gz', /restore refused: .*kaptajn-none\.sql\.gz: No such file/],
    ['a file not named as a dump', 'kaptajn.sql', /restore refused: .*kaptajn\.sql is not a backup's dump/],
    ['a dump without its manifest', 'kaptajn-alone.sql.gz', /restore refused: the manifest .*kaptajn-alone\.manifest\.json/],
    ['a manifest that is not one', 'kaptajn-junk.sql.gz', /restore refused: .*kaptajn-junk\.manifest\.json is not a Kaptajn backup manifest/],
  ]) {
    it(`restore refuses ${what}, and the database is unchanged`, async () => {
      fs.copyFileSync(dump, path.join(tmp, 'kaptajn-alone.sql.gz'));
      fs.copyFileSync(dump, path.join(tmp, 'kaptajn-junk.sql.gz'));
      fs.writeFileSync(path.join(tmp, 'kaptajn-junk.manifest.json'), '{"format": "something else"}');
      const was = fingerprint();
      const r = await kaptajn(confB, 'restore', '--in', path.join(tmp, file), '--migrations', MIGRATIONS);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, re);
      assert.equal(fingerprint(), was);
    });
  }

  it('restore without --in or --migrations is refused', async () => {
    let r = await kaptajn(confB, 'restore', '--migrations', MIGRATIONS);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /--in is required/);
    r = await kaptajn(confB, 'restore', '--in', dump);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /--migrations is required/);
  });

  // A backup made before this version's migrations: the schema at 014,
  // 0.2.0's last migration, with A's rows as far as 014's columns hold
  // them, backed up, and its manifest written as 0.2.0 wrote one (no key
  // ids); restored with this program, it is checked at 014 and then
  // migrated forward.
  const OLD_MIGRATION = '014_login.sql';
  const NEWEST = fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort().at(-1);
  // The tables 0.2.0's manifest counts (core/backup.c at a52cee6).
  const OLD_TABLES = ['staff', 'households', 'plans', 'plan_history', 'citizens', 'children', 'dreams', 'goals',
    'proposals', 'proposal_comments', 'plan_acceptances', 'consents', 'meetings', 'audit_log'];
  let oldDump;
  let oldManifest;

  it('a database at 014 is backed up: the manifest counts the tables it has, and its CPR rows have no key id', async () => {
    qA(`CREATE DATABASE kaptajn_old CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci; GRANT ALL PRIVILEGES ON kaptajn_old.* TO 'kaptajn'@'localhost'`);
    const confOld = confWith(confA, { db_name: 'kaptajn_old' }, path.join(tmp, 'old.conf'));
    const m = await kaptajn(confOld, 'migrate', '--migrations', MIGRATIONS, '--to', OLD_MIGRATION);
    assert.equal(m.code, 0, m.out);
    assert.match(m.out, new RegExp(`migrate: at ${OLD_MIGRATION}, as --to asks`));
    assert.equal(qA('SELECT MAX(name) FROM kaptajn_old.schema_migrations')[0][0], OLD_MIGRATION);
    // A's rows, each table's columns that 014 has (generated ones are
    // computed), in one go without the foreign keys' order.
    const cols = qA(`SET SESSION group_concat_max_len = 65536; SELECT table_name, GROUP_CONCAT(CONCAT('\`', column_name, '\`') ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'kaptajn_old' AND table_name <> 'schema_migrations' AND extra NOT LIKE '%GENERATED%' GROUP BY table_name`);
    assert.ok(cols.length > 10, 'the tables at 014');
    qA(['SET FOREIGN_KEY_CHECKS = 0', ...cols.map(([t, c]) => `DELETE FROM kaptajn_old.\`${t}\`; INSERT INTO kaptajn_old.\`${t}\` (${c}) SELECT ${c} FROM kaptajn.\`${t}\``)].join('; '));
    assert.equal(qA("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'kaptajn_old' AND column_name = 'cpr_key_id'")[0][0], '0');
    const outOld = path.join(tmp, 'old-backups');
    fs.mkdirSync(outOld, { mode: 0o700 });
    const r = await kaptajn(confOld, 'backup', '--out', outOld);
    assert.equal(r.code, 0, r.out);
    oldDump = path.join(outOld, fs.readdirSync(outOld).find((f) => f.endsWith('.sql.gz')));
    const written = JSON.parse(fs.readFileSync(oldDump.replace(/\.sql\.gz$/, '.manifest.json'), 'utf8'));
    assert.equal(written.migration, OLD_MIGRATION);
    assert.deepEqual(Object.keys(written.rows).sort(), [...OLD_TABLES].sort(), 'the tables the dump has, as 0.2.0 counted them');
    assert.deepEqual(written.cpr_keys.key_ids, []);
    assert.equal(written.cpr_keys.without_key_id, Number(qA('SELECT COUNT(*) FROM kaptajn_old.citizens WHERE cpr_sealed IS NOT NULL')[0][0]));
    assert.ok(written.cpr_keys.without_key_id >= 2);
    for (const t of OLD_TABLES) assert.equal(written.rows[t], Number(qA(`SELECT COUNT(*) FROM kaptajn_old.${t}`)[0][0]), t);
    // The manifest as 0.2.0 wrote it.
    const { format, created_at: createdAt, database, dump: d, migration, rows, audit } = written;
    oldManifest = {
      format, version: '0.2.0', created_at: createdAt, database, dump: d, migration, rows, audit,
      snapshot: "rows, migration and audit head are read from the dump's own lines: mariadb-dump --single-transaction's one snapshot",
    };
    fs.writeFileSync(oldDump.replace(/\.sql\.gz$/, '.manifest.json'), JSON.stringify(oldManifest, null, 2));
  });

  it('a backup from a newer version (a migration or a table this program does not have) is refused, and nothing is loaded', async () => {
    qB(`CREATE DATABASE kaptajn_new CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci; GRANT ALL PRIVILEGES ON kaptajn_new.* TO 'kaptajn'@'localhost'`);
    const conf = confWith(confB, { db_name: 'kaptajn_new' }, path.join(tmp, 'new.conf'));
    const objects = () => qB("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'kaptajn_new'")[0][0];
    for (const [what, m, re] of [
      ['a later migration', { ...oldManifest, version: '9.0.0', migration: '999_future.sql' },
        new RegExp(`restore refused: the backup is at migration 999_future\\.sql, which this program \\(kaptajn \\S+, migrations up to ${NEWEST.replace('.', '\\.')} in \\S+\\) does not have: it was made by a newer version \\(9\\.0\\.0\\).*nothing was loaded`)],
      ['a table not known', { ...oldManifest, version: '9.0.0', rows: { ...oldManifest.rows, future_things: 3 } },
        /restore refused: \S+kaptajn-future\.manifest\.json counts the rows of table future_things, which this program \(kaptajn \S+\) does not know: the backup was made by a newer version \(9\.0\.0\).*nothing was loaded/],
    ]) {
      const copy = path.join(tmp, 'kaptajn-future.sql.gz');
      fs.copyFileSync(oldDump, copy);
      fs.writeFileSync(path.join(tmp, 'kaptajn-future.manifest.json'), JSON.stringify(m));
      const r = await kaptajn(conf, 'restore', '--in', copy, '--migrations', MIGRATIONS);
      assert.equal(r.code, 1, `${what}: ${r.out}`);
      assert.match(r.out, re, what);
      assert.equal(objects(), '0', `${what}: nothing loaded`);
    }
    qB('DROP DATABASE kaptajn_new');
  });

  it('restored with this program, the backup at 014 is checked and migrated forward: its rows, the chain, the citizen who logs in and reads the plan', async () => {
    const r = await restoreFresh(oldDump, 'restore_old_ms');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^restore: .* migration ${OLD_MIGRATION}, \\d+ rows in the main tables, audit chain ${oldManifest.audit.rows} rows intact`, 'm'));
    assert.match(r.out, new RegExp(`^restore: the backup is at ${OLD_MIGRATION}; migrated to ${NEWEST}$`, 'm'));
    assert.match(r.out, /^migrate: applying 015_cpr_key_id\.sql$/m);
    const files = fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort();
    assert.deepEqual(qB('SELECT name FROM schema_migrations ORDER BY name').map((x) => x[0]), files);
    for (const [t, n] of Object.entries(oldManifest.rows)) assert.equal(Number(qB(`SELECT COUNT(*) FROM ${t}`)[0][0]), n, t);
    const v = await kaptajn(confB, 'verify-audit');
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, new RegExp(`audit: ${oldManifest.audit.rows} rows, chain intact`));
    // The rows sealed before key ids open with the key they were sealed
    // under, and the citizen is found by the number's keyed hash.
    const s = await stackCmd(['start', VAR_B, String(b.port)]);
    assert.equal(s.code, 0, s.out.slice(-2000));
    const mette = await logIn(b.url, 'mette', true);
    assert.equal(expectJson(await request('POST', `${ADMIN}/citizens/${ids.anna}/cpr`, mette), 200).cpr, cprOnA.anna);
    const anna = await logIn(b.url, 'anna', false);
    assert.equal(anna.id, ids.anna);
    const plan = expectJson(await request('GET', '/api/v1/plan', anna), 200);
    assert.equal(plan.version, Number(qA(`SELECT p.version FROM kaptajn_old.plans p JOIN kaptajn_old.citizens c ON c.plan_id = p.id WHERE c.id = ${ids.anna}`)[0][0]));
    const shown = new Set(plan.dreams.map((x) => x.id));
    const hers = acked.filter((w) => w.by === 'anna' && w.at < began);
    assert.deepEqual(hers.filter((w) => !shown.has(w.id)), [], 'her dreams from before the backup, in her plan');
    qA('DROP DATABASE kaptajn_old');
  });
});
