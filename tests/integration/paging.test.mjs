// Paged lists (?limit=N&before=CURSOR, "next"): the access log, the staff's
// audit view, the plan history, the citizen's proposals, the approval
// queue and the caseload. Every row of a walk comes exactly once and in
// order, the last page says next null, the default page is 100 rows, a bad
// limit or cursor is 400 and changes nothing, and a cursor taken from
// another person's list shows nothing of theirs. Holds anna's lock (her
// plan gets dreams, her list proposals) and adds reads to her logs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, SKIP,
  auditRowsOf, citizenId, expectError, expectJson, expectStatus, holdCitizens, login, loginStaff, marker,
  withdrawTestProposals, no5xxTest,
} from './lib.mjs';

const ACCESS = '/api/v1/access-log';
const HISTORY = '/api/v1/plan/history';
const PROPOSALS = '/api/v1/proposals';
const QUEUE = `${ADMIN}/proposals?status=pending`;
const CASELOAD = `${ADMIN}/citizens`;
const audit = (id) => `${ADMIN}/citizens/${id}/audit`;

/** The member of a list answer that holds its rows. */
const ROWS = { [ACCESS]: 'entries', [HISTORY]: 'versions', [PROPOSALS]: 'proposals', [QUEUE]: 'proposals', [CASELOAD]: 'citizens' };
const rowsOf = (path) => ROWS[path] || 'entries';

function withQuery(path, q) {
  const parts = Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  if (!parts.length) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/**
 * Walks a list page by page with limit; returns { rows, pages }. Each page
 * must be 200 with at most limit rows and a "next" that is a string or
 * null, and only the last one null.
 */
async function walk(s, path, limit, key = rowsOf(path)) {
  const rows = [];
  let pages = 0;
  let before;
  for (;;) {
    const body = expectJson(await s.get(withQuery(path, { limit, before })), 200);
    pages += 1;
    assert.ok(Array.isArray(body[key]), `${path}: no ${key} in ${JSON.stringify(body).slice(0, 200)}`);
    assert.ok('next' in body, `${path}: no "next" member`);
    assert.ok(body[key].length <= limit, `${path}: ${body[key].length} rows on a page of ${limit}`);
    rows.push(...body[key]);
    if (body.next === null) return { rows, pages };
    assert.equal(typeof body.next, 'string', `${path}: next ${JSON.stringify(body.next)}`);
    assert.ok(body[key].length === limit, `${path}: a page of ${body[key].length} rows (limit ${limit}) with a next page`);
    assert.ok(pages < 2000, `${path}: no end after 2000 pages`);
    before = body.next;
  }
}

/**
 * For lists newest first, whose old rows never change (rows are only added
 * at the top): the short walk is the tail of the long walk made after it.
 */
function assertTail(short, long, what) {
  assert.ok(long.length >= short.length, `${what}: the walk by 3 found ${short.length} rows, by 500 only ${long.length}`);
  assert.deepEqual(long.slice(long.length - short.length), short, `${what}: the walk by 3 differs from the walk by 500`);
}

/** part is a run of long, below at most a few rows added meanwhile. */
function assertRun(long, part, what) {
  for (let j = 0; j <= Math.min(20, long.length - part.length); j++) {
    if (JSON.stringify(long.slice(j, j + part.length)) === JSON.stringify(part)) return;
  }
  assert.fail(`${what}: not found as one run in the page of 500`);
}

const b64url = (s) => Buffer.from(s).toString('base64url');

const BAD_LIMITS = ['0', '501', '-1', 'abc', '1e3', '', '1.5', '+5', '05', ' 5', '99999999999999999999'];
const BAD_CURSORS = ['abc', '', '-1', '0', '1.5', '5x', 'x'.repeat(2000)];

describe('paged lists', { skip: SKIP }, () => {
  let release;
  let anna; // citizen session
  let lars;
  let mette; // anna's caseworker
  let peter; // lars's caseworker, not anna's
  let annaId;
  let larsId;
  const made = []; // anna's proposals made here, oldest first
  before(async () => {
    release = await holdCitizens('anna');
    anna = await login('anna');
    lars = await login('lars');
    mette = await loginStaff('mette');
    peter = await loginStaff('peter');
    annaId = await citizenId('anna');
    larsId = await citizenId('lars');
    // Rows to page through: five proposals (each a new row of anna's list
    // and of mette's queue), two with a comment; five staff reads of her
    // plan (five rows of her access log and audit); five plan versions.
    for (let i = 0; i < 5; i++) {
      made.push(expectJson(await anna.post(PROPOSALS, { kind: 'add_goal', title: `Side ${i}`, reason: marker(`kt-page${i}`) }), 201));
    }
    for (const i of [1, 3]) expectJson(await mette.post(`${ADMIN}/proposals/${made[i].id}/comments`, { text: `Kommentar ${i}` }), 201);
    for (let i = 0; i < 5; i++) expectJson(await mette.get(`${ADMIN}/citizens/${annaId}/plan`), 200);
    for (let i = 0; i < 5; i++) {
      const d = await anna.addDream(`kt-side ${i}`);
      expectStatus(await anna.del(`/api/v1/plan/dreams/${d.id}`), 204);
    }
  });
  after(async () => {
    try {
      if (anna) await withdrawTestProposals(anna);
    } finally {
      if (release) release();
    }
  });

  // ------------------------------------------------------ bad pages

  const LISTS = [
    ['citizen', ACCESS],
    ['citizen', HISTORY],
    ['citizen', PROPOSALS],
    ['staff', QUEUE],
    ['staff', CASELOAD],
    ['staff', 'audit'],
  ];
  for (const [who, list] of LISTS) {
    const name = list === 'audit' ? 'GET /citizens/{id}/audit' : `GET ${list}`;
    it(`${name}: limit ${BAD_LIMITS.map((l) => JSON.stringify(l)).join(', ')} are 400 bad_limit and audit nothing`, async () => {
      const s = who === 'citizen' ? anna : mette;
      const path = list === 'audit' ? audit(annaId) : list;
      for (const limit of BAD_LIMITS) {
        const res = await s.get(withQuery(path, { limit }));
        expectError(res, 400, 'bad_limit');
        const rows = auditRowsOf(res);
        if (rows) assert.deepEqual(rows, [], `limit=${limit} wrote audit rows`);
      }
    });
    it(`${name}: a malformed cursor is 400 bad_cursor and audits nothing`, async () => {
      const s = who === 'citizen' ? anna : mette;
      const path = list === 'audit' ? audit(annaId) : list;
      for (const before of BAD_CURSORS) {
        const res = await s.get(withQuery(path, { before }));
        expectError(res, 400, 'bad_cursor');
        const rows = auditRowsOf(res);
        if (rows) assert.deepEqual(rows, [], `before=${before.slice(0, 20)} wrote audit rows`);
      }
    });
  }

  it('a list ordered by id refuses a keyed cursor, and a keyed list a plain id (400 bad_cursor)', async () => {
    const keyed = `7.${b64url('Anna Jensen')}`;
    expectError(await anna.get(withQuery(ACCESS, { before: keyed })), 400, 'bad_cursor');
    expectError(await anna.get(withQuery(HISTORY, { before: keyed })), 400, 'bad_cursor');
    expectError(await mette.get(withQuery(CASELOAD, { before: '7' })), 400, 'bad_cursor');
    expectError(await mette.get(withQuery(QUEUE, { before: '7' })), 400, 'bad_cursor');
  });

  it('a queue cursor whose time is no time is 400 bad_cursor', async () => {
    for (const t of ['2026-02-30 10:00:00.000000', '2026-13-01 10:00:00.000000', '2026-01-01 24:00:00.000000',
      '2025-02-29 10:00:00.000000', '2026-01-01 10:00:00', 'Anna Jensen', "0' OR 1=1 --"]) {
      expectError(await mette.get(withQuery(QUEUE, { before: `5.${b64url(t)}` })), 400, 'bad_cursor');
    }
    // Padding, a foreign alphabet, nothing after the dot.
    for (const before of [`5.${Buffer.from('2026-01-01 10:00:00.000000').toString('base64')}=`, '5.!!', '5.']) {
      expectError(await mette.get(withQuery(QUEUE, { before })), 400, 'bad_cursor');
    }
  });

  it('a caseload cursor whose name is not text (a control character, bad UTF-8, too long) is 400 bad_cursor', async () => {
    for (const key of [b64url('Anna\u0001'), Buffer.from([0x41, 0xff, 0x42]).toString('base64url'), b64url('a'.repeat(801))]) {
      const res = await mette.get(withQuery(CASELOAD, { before: `1.${key}` }));
      expectError(res, 400, 'bad_cursor');
      const rows = auditRowsOf(res);
      if (rows) assert.deepEqual(rows, []);
    }
  });

  it('limit 1 and 500 are taken', async () => {
    assert.ok(expectJson(await anna.get(withQuery(HISTORY, { limit: 1 })), 200).versions.length === 1);
    expectJson(await anna.get(withQuery(HISTORY, { limit: 500 })), 200);
  });

  // ---------------------------------------------------- walks, citizen

  it('the plan history walked 3 at a time holds every version once, newest first, down to 1', async () => {
    const { version } = (await anna.plan()).plan;
    const { rows, pages } = await walk(anna, HISTORY, 3);
    assert.ok(pages >= 2, `only ${pages} page`);
    const got = rows.map((v) => v.version);
    // Versions made meanwhile would be above the first page; anna is held.
    assert.deepEqual(got, Array.from({ length: version }, (_, i) => version - i));
  });

  it("anna's proposals walked 2 at a time hold each once, newest first, the same as one page of 500", async () => {
    const { rows, pages } = await walk(anna, PROPOSALS, 2);
    const ids = rows.map((p) => p.id);
    assert.ok(pages >= 3, `only ${pages} pages`);
    assert.equal(new Set(ids).size, ids.length, `a proposal twice: ${ids}`);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] < ids[i - 1], `not newest first: ${ids}`);
    const all = (await walk(anna, PROPOSALS, 500)).rows.map((p) => p.id);
    assert.deepEqual(ids, all);
    for (const p of made) assert.ok(ids.includes(p.id), `proposal ${p.id} missing`);
  });

  it('the access log walked 3 at a time is the tail of the walk by 500, and ends with next null', async () => {
    const short = (await walk(anna, ACCESS, 3)).rows;
    assert.ok(short.length >= 5, `only ${short.length} entries after five staff reads`);
    const long = (await walk(anna, ACCESS, 500)).rows;
    assertTail(short, long, 'access log');
  });

  // ------------------------------------------------------ walks, staff

  it("the audit of anna walked 3 at a time is the tail of the walk by 500 (each page's own read is on top)", async () => {
    const short = (await walk(mette, audit(annaId), 3)).rows;
    assert.ok(short.length >= 5);
    const long = (await walk(mette, audit(annaId), 500)).rows;
    assertTail(short, long, 'audit');
  });

  it('the default page is 100 rows with a next cursor, and the next page goes on below it', async () => {
    // Enough rows for two default pages: staff reads of anna's plan (each
    // a row of her audit and of her access log).
    const audits = (await walk(mette, audit(annaId), 500)).rows.length;
    const accesses = (await walk(anna, ACCESS, 500)).rows.length;
    // Plan and consent read in turn: a run of reads of one thing is one
    // entry of the access log, so each read here is an entry of its own.
    for (let n = Math.max(130 - audits, 102 - accesses); n > 0; n--) {
      expectJson(await mette.get(`${ADMIN}/citizens/${annaId}/${n % 2 ? 'plan' : 'consent'}`), 200);
    }
    const first = expectJson(await mette.get(audit(annaId)), 200);
    assert.equal(first.entries.length, 100);
    assert.equal(typeof first.next, 'string');
    const second = expectJson(await mette.get(withQuery(audit(annaId), { before: first.next })), 200);
    assert.ok(second.entries.length >= 1);
    // The two default pages follow each other in one page of 500, below
    // the reads made since (these requests' own among them).
    const long = expectJson(await mette.get(withQuery(audit(annaId), { limit: 500 })), 200).entries;
    assertRun(long, [...first.entries, ...second.entries], 'two default pages of the audit');
    const access = expectJson(await anna.get(ACCESS), 200);
    assert.equal(access.entries.length, 100);
    assert.equal(typeof access.next, 'string');
  });

  it("mette's queue walked 2 at a time holds each pending proposal once, oldest first, each with its own comments", async () => {
    const { rows, pages } = await walk(mette, QUEUE, 2);
    assert.ok(pages >= 3, `only ${pages} pages`);
    const ids = rows.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `a proposal twice: ${ids}`);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(Date.parse(rows[i].created_at) >= Date.parse(rows[i - 1].created_at), `not oldest first at ${i}`);
    }
    // Anna's five, in the order she made them.
    const mine = ids.filter((id) => made.some((p) => p.id === id));
    assert.deepEqual(mine, made.map((p) => p.id));
    for (const p of rows) {
      const texts = p.comments.map((c) => c.text);
      const i = made.findIndex((x) => x.id === p.id);
      if (i === 1 || i === 3) assert.deepEqual(texts, [`Kommentar ${i}`], `proposal ${p.id}`);
      else if (i >= 0) assert.deepEqual(texts, [], `proposal ${p.id}`);
    }
    // The same as the one page of 500 (only mette's caseload).
    const all = expectJson(await mette.get(withQuery(QUEUE, { limit: 500 })), 200);
    assert.equal(all.next, null);
    for (const p of made) {
      const a = all.proposals.find((x) => x.id === p.id);
      const b = rows.find((x) => x.id === p.id);
      assert.deepEqual(b, a);
    }
  });

  it('each comment of a queue page is on the proposal it belongs to, also when the page is one proposal', async () => {
    const { rows } = await walk(mette, QUEUE, 1);
    for (const i of [1, 3]) {
      const p = rows.find((x) => x.id === made[i].id);
      assert.ok(p, `proposal ${made[i].id} not in the walk`);
      assert.deepEqual(p.comments.map((c) => c.text), [`Kommentar ${i}`]);
    }
  });

  it("mette's caseload walked 1 at a time is the caseload in name order, each once, and only the citizen shown is audited", async () => {
    const all = expectJson(await mette.get(CASELOAD), 200);
    assert.equal(all.next, null);
    const pages = [];
    let before;
    for (;;) {
      const res = await mette.get(withQuery(CASELOAD, { limit: 1, before }));
      const body = expectJson(res, 200);
      assert.equal(body.citizens.length, 1);
      const rows = auditRowsOf(res);
      if (rows) {
        assert.deepEqual(rows.map((r) => [r.citizen_id, r.action, r.object]), [[body.citizens[0].id, 'read', 'caseload']]);
      }
      pages.push(body.citizens[0]);
      if (body.next === null) break;
      before = body.next;
      assert.ok(pages.length <= all.citizens.length, 'more pages than citizens');
    }
    assert.deepEqual(pages.map((c) => c.id), all.citizens.map((c) => c.id));
    const names = pages.map((c) => c.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, 'da')));
  });

  // ------------------------------------------------- others' cursors

  it("anna's proposal cursor gives lars only his own proposals", async () => {
    const page = expectJson(await anna.get(withQuery(PROPOSALS, { limit: 1 })), 200);
    assert.equal(typeof page.next, 'string');
    const annaIds = new Set((await walk(anna, PROPOSALS, 500)).rows.map((p) => p.id));
    const larsIds = new Set((await walk(lars, PROPOSALS, 500)).rows.map((p) => p.id));
    const res = expectJson(await lars.get(withQuery(PROPOSALS, { before: page.next, limit: 500 })), 200);
    for (const p of res.proposals) {
      assert.ok(!annaIds.has(p.id), `lars sees anna's proposal ${p.id}`);
      assert.ok(larsIds.has(p.id), `lars sees proposal ${p.id} that is not his`);
    }
  });

  it("anna's history cursor gives lars only versions of his own plan", async () => {
    const page = expectJson(await anna.get(withQuery(HISTORY, { limit: 1 })), 200);
    const mine = (await walk(lars, HISTORY, 500)).rows;
    const res = expectJson(await lars.get(withQuery(HISTORY, { before: page.next, limit: 500 })), 200);
    for (const v of res.versions) assert.ok(mine.some((m) => JSON.stringify(m) === JSON.stringify(v)), `lars sees ${JSON.stringify(v)}`);
  });

  it("anna's access-log cursor gives lars only entries of his own log", async () => {
    const page = expectJson(await anna.get(withQuery(ACCESS, { limit: 1 })), 200);
    const res = expectJson(await lars.get(withQuery(ACCESS, { before: page.next, limit: 500 })), 200);
    const mine = (await walk(lars, ACCESS, 500)).rows.map((e) => JSON.stringify(e));
    for (const e of res.entries) assert.ok(mine.includes(JSON.stringify(e)), `lars sees ${JSON.stringify(e)}`);
  });

  it("mette's caseload cursor gives peter only his own caseload", async () => {
    const page = expectJson(await mette.get(withQuery(CASELOAD, { limit: 1 })), 200);
    assert.equal(typeof page.next, 'string');
    const his = new Set((await peter.citizens()).map((c) => c.id));
    const res = expectJson(await peter.get(withQuery(CASELOAD, { before: page.next })), 200);
    for (const c of res.citizens) assert.ok(his.has(c.id), `peter sees citizen ${c.id} outside his caseload`);
  });

  it("mette's queue cursor gives peter only proposals of his caseload", async () => {
    const page = expectJson(await mette.get(withQuery(QUEUE, { limit: 1 })), 200);
    assert.equal(typeof page.next, 'string');
    const his = new Set((await peter.citizens()).map((c) => c.id));
    const res = expectJson(await peter.get(withQuery(QUEUE, { before: page.next, limit: 500 })), 200);
    for (const p of res.proposals) assert.ok(his.has(p.citizen.id), `peter sees proposal ${p.id} of citizen ${p.citizen.id}`);
    assert.ok(!res.proposals.some((p) => made.some((m) => m.id === p.id)), "peter sees anna's proposals");
  });

  it("the audit of a citizen outside peter's caseload is 404 with a valid cursor too", async () => {
    const page = expectJson(await mette.get(withQuery(audit(annaId), { limit: 1 })), 200);
    expectError(await peter.get(withQuery(audit(annaId), { before: page.next })), 404);
    expectJson(await peter.get(withQuery(audit(larsId), { before: page.next, limit: 2 })), 200);
  });

  no5xxTest();
});
