// Hostile text in every text field of both APIs, through nginx: SQL-like
// and HTML text and odd Unicode must be stored and come back byte for byte
// (in the answer and in a later read); invalid UTF-8 (raw bytes, overlong
// forms, encoded surrogates), lone surrogate escapes, NUL, C0 and C1 control
// characters and the line and paragraph separators must be 400 and store
// nothing. The same for the query strings
// and the dev IdP's form. Works on mohammed (mette's caseload), holding his
// lock.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, SKIP,
  assertNotInDb, auditChainTest, citizenId, dreamCleaner, expectError, expectJson, healthyTest, holdCitizens, login,
  loginStaff, marker, no5xxTest, request, withdrawTestProposals,
  flatGoals,
} from './lib.mjs';

// Valid text that must survive unchanged; each at most 70 code points, so
// that with a marker it fits every field (participant role: 100).
const ACCEPTED = [
  ['SQL quotes and comments', "'; DROP TABLE dreams; -- \" OR 1=1 -- %' OR '1'='1 #"],
  ['SQL escapes and a UNION', "\\' \\\" \\\\ \\% \\_ \\0 ' UNION SELECT cpr_sealed FROM citizens --"],
  ['HTML script and event handlers', '<script>alert(1)</script>"><img src=x onerror=alert(1)>'],
  ['HTML entities and templates', '</textarea><svg/onload=alert(1)> &lt;&#x3C; {{7*7}} ${7*7} %s%n'],
  ['odd Unicode', 'æøå ÆØÅ \u202Egnp.exe \u200B\u200D\uFEFF e\u0301\u0301 \uFFFD \u{10FFFF} 💩 \u00A0\u2027\u202A'],
];

// Bytes spliced into a JSON string after a marker: each must be 400.
const REFUSED = [
  ['raw bytes C3 28 (invalid UTF-8)', [0xc3, 0x28]],
  ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
  ['an overlong "/" in three bytes (E0 80 AF)', [0xe0, 0x80, 0xaf]],
  ['an overlong "/" in four bytes (F0 80 80 AF)', [0xf0, 0x80, 0x80, 0xaf]],
  ['a UTF-8-encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['a code point past U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['a lone continuation byte (80)', [0x80]],
  ['a byte FE', [0xfe]],
  ['a lone high surrogate escape \\ud800', '\\ud800'],
  ['a lone low surrogate escape \\udc00', '\\udc00'],
  ['a reversed surrogate pair \\ude00\\ud83d', '\\ude00\\ud83d'],
  ['a NUL escape \\u0000', '\\u0000x'],
  ['a bell \\u0007', '\\u0007'],
  ['an escape character \\u001b', '\\u001b[2J'],
  ['DEL \\u007f', '\\u007f'],
  // C1 controls (U+0080-U+009F) and the line and paragraph separators,
  // escaped and as raw UTF-8.
  ['a next-line control \\u0085', '\\u0085'],
  ['a C1 escape sequence a\\u009b31mred', 'a\\u009b31mred'],
  ['the first C1 control \\u0080', '\\u0080'],
  ['the last C1 control \\u009f', '\\u009f'],
  ['a line separator \\u2028', '\\u2028'],
  ['a paragraph separator \\u2029', 'a\\u2029b'],
  ['raw C2 85 (U+0085)', [0xc2, 0x85]],
  ['raw C2 9B (U+009B)', [0x61, 0xc2, 0x9b, 0x33, 0x31, 0x6d]],
  ['raw E2 80 A8 (U+2028)', [0xe2, 0x80, 0xa8]],
];

const JSON_CT = { 'Content-Type': 'application/json' };
const SLOT = '__kt_slot__';

/** The JSON text of body with the string SLOT replaced by `m ` + raw (bytes
 * or escape text), so that the marker m names the request's trace. */
function splice(body, m, raw) {
  const text = JSON.stringify(body);
  const at = text.indexOf(SLOT);
  assert.ok(at > 0, 'no slot in the body');
  const ins = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : Buffer.from(raw);
  return Buffer.concat([Buffer.from(`${text.slice(0, at)}${m} `, 'utf8'), ins, Buffer.from(text.slice(at + SLOT.length), 'utf8')]);
}

describe('hostile text in every text field of both APIs', { skip: SKIP }, () => {
  let release;
  let cleanup;
  let mo; // mohammed
  let mette;
  let mid;
  let dreamId;
  let proposalId; // a pending proposal of mohammed's, for comments
  const goals = [];
  const meetings = [];
  before(async () => {
    release = await holdCitizens('mohammed');
    mo = await login('mohammed');
    mette = await loginStaff('mette');
    mid = await citizenId('mohammed');
    cleanup = await dreamCleaner(mo);
    dreamId = (await mo.addDream(marker('text-target'))).id;
    proposalId = expectJson(await mo.post('/api/v1/proposals', { kind: 'add_goal', title: 'Tekst', reason: marker('text') }), 201).id;
  });
  after(async () => {
    try {
      if (cleanup) await cleanup();
      if (mo) await withdrawTestProposals(mo);
      // Cancelled goals stay in the plan: plain text again, so that the
      // plan page needs no glyphs beyond Latin-1 (the browser tests weigh
      // mohammed's first load, fonts included).
      for (const g of goals) {
        await mette.patch(`${ADMIN}/citizens/${mid}/goals/${g}`, { title: 'Testmål', description: '', status: 'cancelled' });
      }
      for (const m of meetings) await mette.post(`${ADMIN}/meetings/${m}/held`);
    } finally {
      if (release) release();
    }
  });

  const myProposal = async (id) => expectJson(await mo.get('/api/v1/proposals'), 200).proposals.find((p) => p.id === id);
  const planGoal = async (id) => {
    return flatGoals((await mo.plan()).plan.goals).find((g) => g.id === id);
  };
  const meetingOf = async (id) => expectJson(await mette.get(`${ADMIN}/citizens/${mid}/meetings`), 200).meetings.find((x) => x.id === id);
  const newProposal = async () => expectJson(await mo.post('/api/v1/proposals', { kind: 'add_goal', title: 'Afgørelse', reason: marker('decide') }), 201).id;

  // Each field: who sends, method, path, a body with the text at SLOT (the
  // path may need set-up: prep() runs once per request), status on
  // success, and read(answer, prepped) => [the text in the answer, the text
  // read back later].
  const FIELDS = [
    { name: 'dream text (POST)', s: () => mo, method: 'POST', path: () => '/api/v1/plan/dreams', body: { text: SLOT }, ok: 201,
      read: async (a) => [a.text, (await mo.plan()).plan.dreams.find((d) => d.id === a.id)?.text] },
    { name: 'dream text (PUT)', s: () => mo, method: 'PUT', path: () => `/api/v1/plan/dreams/${dreamId}`, body: { text: SLOT }, ok: 200,
      read: async (a) => [a.text, (await mo.plan()).plan.dreams.find((d) => d.id === dreamId)?.text] },
    { name: 'proposal title', s: () => mo, method: 'POST', path: () => '/api/v1/proposals', body: { kind: 'add_goal', title: SLOT, reason: 'kt-text' }, ok: 201,
      read: async (a) => [a.title, (await myProposal(a.id))?.title] },
    { name: 'proposal description', s: () => mo, method: 'POST', path: () => '/api/v1/proposals', body: { kind: 'add_goal', title: 't', description: SLOT, reason: 'kt-text' }, ok: 201,
      read: async (a) => [a.description, (await myProposal(a.id))?.description] },
    { name: 'proposal reason', s: () => mo, method: 'POST', path: () => '/api/v1/proposals', body: { kind: 'add_goal', title: 't', reason: SLOT }, ok: 201,
      read: async (a) => [a.reason, (await myProposal(a.id))?.reason] },
    { name: 'staff comment', s: () => mette, method: 'POST', path: () => `${ADMIN}/proposals/${proposalId}/comments`, body: { text: SLOT }, ok: 201,
      read: async (a) => {
        const q = expectJson(await mette.get(`${ADMIN}/proposals?status=pending`), 200).proposals.find((p) => p.id === proposalId);
        return [a.text, q?.comments.find((c) => c.id === a.id)?.text];
      } },
    { name: 'rejection reason', s: () => mette, method: 'POST', prep: newProposal, path: (pid) => `${ADMIN}/proposals/${pid}/decision`,
      body: { decision: 'reject', reason: SLOT }, ok: 200, read: async (a, pid) => {
        const mine = await myProposal(pid);
        assert.equal(mine?.status, 'rejected');
        return [mine?.decision?.reason, mine?.decision?.reason];
      } },
    { name: 'goal title', s: () => mette, method: 'POST', path: () => `${ADMIN}/citizens/${mid}/goals`, body: { title: SLOT, area: 'job', legal_basis: 'LAB §30 a' }, ok: 201,
      read: async (a) => { goals.push(a.goal.id); return [a.goal.title, (await planGoal(a.goal.id))?.title]; } },
    { name: 'goal description', s: () => mette, method: 'POST', path: () => `${ADMIN}/citizens/${mid}/goals`, body: { title: 'Mål', description: SLOT, area: 'job', legal_basis: 'LAB §30 a' }, ok: 201,
      read: async (a) => { goals.push(a.goal.id); return [a.goal.description, (await planGoal(a.goal.id))?.description]; } },
    { name: 'goal title (PATCH)', s: () => mette, method: 'PATCH', prep: async () => {
      const g = expectJson(await mette.post(`${ADMIN}/citizens/${mid}/goals`, { title: 'Ændres', area: 'job', legal_basis: 'LAB §30 a' }), 201).goal.id;
      goals.push(g);
      return g;
    }, path: (g) => `${ADMIN}/citizens/${mid}/goals/${g}`, body: { title: SLOT }, ok: 200,
    read: async (a, g) => [a.goal.title, (await planGoal(g))?.title] },
    { name: 'meeting place', s: () => mette, method: 'POST', path: () => `${ADMIN}/citizens/${mid}/meetings`,
      body: { kind: 'network', starts_at: '2027-05-01T09:00:00Z', place: SLOT, participants: [] }, ok: 201,
      read: async (a) => { meetings.push(a.id); return [a.place, (await meetingOf(a.id))?.place]; } },
    { name: 'meeting agenda', s: () => mette, method: 'POST', path: () => `${ADMIN}/citizens/${mid}/meetings`,
      body: { kind: 'network', starts_at: '2027-05-01T09:00:00Z', place: 'Her', agenda: SLOT, participants: [] }, ok: 201,
      read: async (a) => { meetings.push(a.id); return [a.agenda, (await meetingOf(a.id))?.agenda]; } },
    { name: 'meeting participant name', s: () => mette, method: 'POST', path: () => `${ADMIN}/citizens/${mid}/meetings`,
      body: { kind: 'network', starts_at: '2027-05-01T09:00:00Z', place: 'Her', participants: [{ name: SLOT, role: 'Mor', professional: false }] }, ok: 201,
      read: async (a) => { meetings.push(a.id); return [a.participants[0].name, (await meetingOf(a.id))?.participants[0]?.name]; } },
    { name: 'meeting participant role', s: () => mette, method: 'POST', path: () => `${ADMIN}/citizens/${mid}/meetings`,
      body: { kind: 'network', starts_at: '2027-05-01T09:00:00Z', place: 'Her', participants: [{ name: 'Ida', role: SLOT, professional: true }] }, ok: 201,
      read: async (a) => { meetings.push(a.id); return [a.participants[0].role, (await meetingOf(a.id))?.participants[0]?.role]; } },
  ];

  for (const f of FIELDS) {
    it(`${f.name}: SQL-like, HTML and odd Unicode text is stored and read back byte for byte`, async () => {
      for (const [what, text] of ACCEPTED) {
        const value = `${text} ${marker('acc')}`;
        const prepped = f.prep ? await f.prep() : undefined;
        const body = JSON.parse(JSON.stringify(f.body).replace(`"${SLOT}"`, () => JSON.stringify(value)));
        const res = await f.s().request(f.method, f.path(prepped), { json: body });
        const a = expectJson(res, f.ok);
        const [answered, stored] = await f.read(a, prepped);
        assert.deepEqual(Buffer.from(String(answered), 'utf8'), Buffer.from(value, 'utf8'), `${what}: the answer`);
        assert.deepEqual(Buffer.from(String(stored), 'utf8'), Buffer.from(value, 'utf8'), `${what}: read back`);
      }
    });

    it(`${f.name}: invalid UTF-8, lone surrogates, NUL and control characters are 400 and store nothing`, async () => {
      const m = marker('ref');
      const prepped = f.prep ? await f.prep() : undefined;
      for (const [what, raw] of REFUSED) {
        const res = await f.s().request(f.method, f.path(prepped), { body: splice(f.body, m, raw), headers: JSON_CT });
        expectError(res, 400, ['invalid_json', 'invalid_field']);
        assert.ok(res.status === 400, what);
      }
      assertNotInDb(m);
    });
  }

  for (const [what, text] of [['SQL', "LAB §30 a' OR '1'='1"], ['HTML', '<b>LAB §30 a</b>'], ['a NUL', 'LAB §30 a\u0000']]) {
    it(`a goal whose legal basis holds ${what} is 400 and stores nothing`, async () => {
      const m = marker('lb');
      const res = await mette.post(`${ADMIN}/citizens/${mid}/goals`, { title: m, area: 'job', legal_basis: text });
      expectError(res, 400);
      assertNotInDb(m);
    });
  }

  it('a meeting whose starts_at is SQL or HTML is 400 invalid_field and stores nothing', async () => {
    for (const t of ["2027-01-01' OR '1'='1", '<script>', '2027-01-01T10:00:00Z\u0000', '2027-02-30T10:00:00Z']) {
      const m = marker('st');
      const res = await mette.post(`${ADMIN}/citizens/${mid}/meetings`, { kind: 'network', starts_at: t, place: m, participants: [] });
      expectError(res, 400, ['invalid_field', 'invalid_json']);
      assertNotInDb(m);
    }
  });

  // Query strings and the dev IdP's form: a value with an encoded NUL, bad
  // UTF-8 or SQL is refused, never read as absent.
  for (const q of ['status=', 'status=bogus%20', 'status=pending%00', 'status=%00', 'status=%C3%28', "status=pending'%20OR%20'1'='1", 'status=<script>']) {
    it(`GET /admin/api/v1/proposals?${q} is 400 invalid_field`, async () => {
      expectError(await mette.get(`${ADMIN}/proposals?${q}`), 400, 'invalid_field');
    });
  }
  for (const q of ['role=', 'role=bogus', 'role=contact%00', 'role=caseworker%00x', 'role=%C0%AF', "role=contact'--"]) {
    it(`GET /admin/api/v1/staff?${q} is 400 invalid_field`, async () => {
      expectError(await mette.get(`${ADMIN}/staff?${q}`), 400, 'invalid_field');
    });
  }
  for (const form of ['sub=anna%00&aud=kaptajn-citizen', 'sub=anna&aud=kaptajn-citizen%00', 'sub=anna&aud=kaptajn-citizen&loa=high%00',
    'sub=anna&aud=kaptajn-citizen&alg=ES256%00', "sub=anna'%20OR%20'1'='1&aud=kaptajn-citizen", 'sub=%C3%28&aud=kaptajn-citizen']) {
    it(`the dev IdP token form ${form} is 400`, async () => {
      const res = await request('POST', '/dev-idp/token', { body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expectError(res, 400, ['invalid_field', 'unknown_user']);
    });
  }

  healthyTest('hostile text', 'mohammed');
  auditChainTest();
  no5xxTest();
});
