// The audit log's hash chain: `kaptajn verify-audit` finds it intact, finds
// and names a row edited directly in the database, finds a deleted row,
// and is content again once the row is put back exactly as it was. Holds
// the audit-chain lock for the whole file, so no other file checks the
// chain while a row is broken; other files go on writing audit rows, which
// an old row's edit does not disturb.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, AUDIT_CHAIN_LOCK, HAVE_DB, SKIP,
  citizenId, expectJson, holdCitizens, loginStaff, runVerifyAudit, sql, sqlInt, no5xxTest,
} from './lib.mjs';

const NEED = !SKIP && !(HAVE_DB && process.env.KAPTAJN_CONFIG) ? 'needs KAPTAJN_DB_SOCKET and KAPTAJN_CONFIG' : SKIP;

const COLUMNS = ['id', 'at', 'actor_kind', 'actor_staff_id', 'actor_name', 'actor_role', 'citizen_id', 'action',
  'object', 'request_id', 'prev_hash', 'row_hash', 'hash_version', 'personal_digest', 'redacted_at'];
const BINARY = new Set(['prev_hash', 'row_hash', 'personal_digest']);

/** One audit row, every column as hex of its text (the hashes as hex of
 * their bytes; NULL as null), to put back exactly. */
function rowHex(id) {
  const cols = COLUMNS.map((c) => {
    const v = BINARY.has(c) ? c : `CAST(${c} AS CHAR)`; // text, so that it goes back in as it came out
    return `IF(${c} IS NULL, 'NULL', HEX(${v}))`;
  }).join(', ');
  const rows = sql(`SELECT ${cols} FROM audit_log WHERE id = ${sqlInt(id)}`);
  assert.equal(rows.length, 1, `audit row ${id} not found`);
  return rows[0].map((v) => (v === 'NULL' ? null : v));
}

function reinsert(hex) {
  const vals = hex.map((v, i) => {
    if (v === null) return 'NULL';
    if (BINARY.has(COLUMNS[i])) return `UNHEX('${v}')`;
    return `CONVERT(UNHEX('${v}') USING utf8mb4)`;
  });
  sql(`INSERT INTO audit_log (${COLUMNS.join(', ')}) VALUES (${vals.join(', ')})`);
}

describe('the audit chain and kaptajn verify-audit', { skip: NEED }, () => {
  let release;
  let target; // an old audit row: { id, action, hex }
  let restore = []; // what after() must put back if a test stopped half-way
  before(async () => {
    release = await holdCitizens(AUDIT_CHAIN_LOCK);
    // Make sure there are two rows at least: each read writes one.
    const mette = await loginStaff('mette');
    for (let i = 0; i < 2; i++) expectJson(await mette.get(`${ADMIN}/citizens/${await citizenId('anna')}/plan`), 200);
    // An old row with a row after it (the oldest two of the log).
    const [[id, action]] = sql('SELECT id, action FROM audit_log ORDER BY id LIMIT 1');
    const next = sql(`SELECT id FROM audit_log WHERE id > ${sqlInt(id)} ORDER BY id LIMIT 1`);
    assert.equal(next.length, 1, 'the log has a single row');
    target = { id: Number(id), action, hex: rowHex(id), next: Number(next[0][0]) };
  });
  after(() => {
    try {
      for (const fix of restore.splice(0).reverse()) fix();
    } finally {
      if (release) release();
    }
  });

  it('verify-audit exits 0 and says "chain intact"', async () => {
    const r = await runVerifyAudit();
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /chain intact/);
  });

  it('after one row\'s action is edited in the database, verify-audit exits 1 and names that row', async () => {
    sql(`UPDATE audit_log SET action = 'x' WHERE id = ${sqlInt(target.id)}`);
    const fix = () => sql(`UPDATE audit_log SET action = '${target.action.replace(/'/g, "''")}' WHERE id = ${sqlInt(target.id)}`);
    restore.push(fix);
    try {
      const r = await runVerifyAudit();
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, new RegExp(`\\b${target.id}\\b`), `the output does not name row ${target.id}`);
      assert.doesNotMatch(r.out, /chain intact/);
    } finally {
      fix();
      restore.pop();
    }
  });

  it('with the original action put back, verify-audit exits 0 again', async () => {
    assert.deepEqual(rowHex(target.id), target.hex, 'the row is not as it was');
    const r = await runVerifyAudit();
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /chain intact/);
  });

  it('an edited actor name is found too, and named', async () => {
    sql(`UPDATE audit_log SET actor_name = CONCAT(actor_name, '.') WHERE id = ${sqlInt(target.id)}`);
    const fix = () => sql(`UPDATE audit_log SET actor_name = CONVERT(UNHEX('${target.hex[4]}') USING utf8mb4) WHERE id = ${sqlInt(target.id)}`);
    restore.push(fix);
    try {
      const r = await runVerifyAudit();
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, new RegExp(`\\b${target.id}\\b`));
    } finally {
      fix();
      restore.pop();
    }
    assert.equal((await runVerifyAudit()).status, 0, 'not intact after putting the name back');
  });

  it('a deleted row makes verify-audit exit 1; put back exactly, the chain is intact again', async () => {
    sql(`DELETE FROM audit_log WHERE id = ${sqlInt(target.id)}`);
    const fix = () => reinsert(target.hex);
    restore.push(fix);
    try {
      const r = await runVerifyAudit();
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, new RegExp(`\\b(${target.id}|${target.next})\\b`), 'names neither the deleted row nor the next');
    } finally {
      fix();
      restore.pop();
    }
    assert.deepEqual(rowHex(target.id), target.hex, 'the row is not as it was');
    const r = await runVerifyAudit();
    assert.equal(r.status, 0, r.out);
  });

  it('verify-audit stays at "chain intact" while staff reads write audit rows (20 runs under load)', async () => {
    const mette = await loginStaff('mette');
    const anna = await citizenId('anna');
    let stop = false;
    const load = [1, 2, 3, 4].map(async () => {
      while (!stop) expectJson(await mette.get(`${ADMIN}/citizens/${anna}/plan`), 200);
    });
    const wrong = [];
    try {
      for (let i = 0; i < 20; i++) {
        const r = await runVerifyAudit();
        if (r.status !== 0) wrong.push(`run ${i}: exit ${r.status}: ${r.out.trim()}`);
      }
    } finally {
      stop = true;
      await Promise.all(load);
    }
    assert.deepEqual(wrong, [], 'verify-audit reported a broken chain while rows were being added');
  });

  no5xxTest();
});
