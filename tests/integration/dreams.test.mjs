// A citizen's own dreams: create, update, delete, the plan version and ETag
// each change makes, If-Match, ids that are not the citizen's, what text is
// accepted and that it round-trips unchanged. Mutates mohammed's plan
// (holding his lock); anna only tries and fails to touch it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  SKIP, assertHistory, assertNotInDb, assertUnchanged, dbFind, dreamCleaner, expectError, expectJson, expectStatus,
  holdCitizens, login, marker, planSnapshot, no5xxTest,
} from './lib.mjs';

const DREAMS = '/api/v1/plan/dreams';

describe('dreams', { skip: SKIP }, () => {
  let release;
  let cleanup;
  before(async () => {
    release = await holdCitizens('mohammed');
    cleanup = await dreamCleaner(await login('mohammed'));
  });
  after(async () => {
    try {
      if (cleanup) await cleanup();
    } finally {
      if (release) release();
    }
  });

  // ------------------------------------------------------------ create

  it('dream create is 201 with the dream {id, text}', async () => {
    const s = await login('mohammed');
    const text = marker('create');
    const res = await s.post(DREAMS, { text });
    const d = expectJson(res, 201);
    assert.ok(Number.isInteger(d.id) && d.id > 0, `id ${JSON.stringify(d)}`);
    assert.equal(d.text, text);
  });

  it('dream create raises the plan version by one and answers its ETag', async () => {
    const s = await login('mohammed');
    const { plan } = await s.plan();
    const res = await s.post(DREAMS, { text: marker('version') });
    expectStatus(res, 201);
    assert.equal(res.headers.etag, `"${plan.version + 1}"`, 'ETag of the answer');
    const after_ = await s.plan();
    assert.equal(after_.plan.version, plan.version + 1);
    assert.equal(after_.etag, `"${plan.version + 1}"`);
  });

  it('a created dream is in the plan', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('in-plan'));
    const { plan } = await s.plan();
    assert.equal(plan.dreams.find((x) => x.id === d.id)?.text, d.text);
  });

  it('a created dream is in the database', async () => {
    const s = await login('mohammed');
    const m = marker('in-db');
    await s.addDream(m);
    const found = dbFind(m);
    if (found) assert.ok(found.some((w) => w.startsWith('dreams.')), `not in dreams: ${found}`);
  });

  it('dream create with the current If-Match is 201', async () => {
    const s = await login('mohammed');
    const { etag } = await s.plan();
    expectStatus(await s.post(DREAMS, { text: marker('if-match') }, { headers: { 'If-Match': etag } }), 201);
  });

  it('dream create with a stale If-Match is 412 and adds nothing', async () => {
    const s = await login('mohammed');
    const { plan } = await s.plan();
    await s.addDream(marker('bump'));
    const before_ = await planSnapshot(s);
    const m = marker('stale-create');
    const res = await s.post(DREAMS, { text: m }, { headers: { 'If-Match': `"${plan.version}"` } });
    expectError(res, 412, 'stale_version');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  // ------------------------------------------------------------ update

  it('dream update is 200 and the plan shows the new text', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('old'));
    const text = marker('new');
    const res = await s.put(`${DREAMS}/${d.id}`, { text });
    const body = expectJson(res, 200);
    if (body && 'text' in body) assert.equal(body.text, text);
    const { plan } = await s.plan();
    assert.equal(plan.dreams.find((x) => x.id === d.id)?.text, text);
  });

  it('dream update raises the plan version by one', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('old'));
    const { plan } = await s.plan();
    const res = await s.put(`${DREAMS}/${d.id}`, { text: marker('new') });
    expectStatus(res, 200);
    if (res.headers.etag) assert.equal(res.headers.etag, `"${plan.version + 1}"`, 'ETag of the answer');
    assert.equal((await s.plan()).plan.version, plan.version + 1);
  });

  it('dream update with the current If-Match is 200', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('old'));
    const { etag } = await s.plan();
    const text = marker('new');
    expectStatus(await s.put(`${DREAMS}/${d.id}`, { text }, { headers: { 'If-Match': etag } }), 200);
    assert.equal((await s.plan()).plan.dreams.find((x) => x.id === d.id)?.text, text);
  });

  it('dream update with stale If-Match is 412 and changes nothing', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('keep'));
    const { etag } = await s.plan();
    await s.addDream(marker('bump'));
    const before_ = await planSnapshot(s);
    const m = marker('stale-put');
    const res = await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': etag } });
    expectError(res, 412, 'stale_version');
    await assertUnchanged(s, before_);
    assert.equal(before_.plan.dreams.find((x) => x.id === d.id)?.text, d.text);
    assertNotInDb(m);
  });

  it('dream update with a future If-Match is 412 and changes nothing', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('keep'));
    const before_ = await planSnapshot(s);
    const m = marker('future-put');
    const res = await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': `"${before_.plan.version + 1}"` } });
    expectError(res, 412, 'stale_version');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  // If-Match follows RFC 9110 §13.1.1. In the headers below N stands for
  // the plan's current version, P for the one before and F for the next.
  const tagsFor = (value, v) => value.replaceAll('N', String(v)).replaceAll('P', String(v - 1)).replaceAll('F', String(v + 1));
  /** A fresh dream of mohammed's, the plan as it is then, and a marker. */
  async function ifMatchSetup() {
    const s = await login('mohammed');
    const d = await s.addDream(marker('keep'));
    return { s, d, before_: await planSnapshot(s), m: marker('if-match') };
  }

  // Only a header that is no list of entity-tags at all is 400.
  for (const [what, value] of [
    ['unquoted', 'N'],
    ['without its closing quote', '"N'],
    ['without its opening quote', 'N"'],
    ['empty', ''],
    ['only commas', ' , ,'],
    ['"*" in a list', '*, "N"'],
    ['two tags without a comma', '"N" "N"'],
    ['a lower-case weak tag w/"N"', 'w/"N"'],
    ['a tag with a space in it', '"N N"'],
  ]) {
    it(`dream update with an If-Match that is ${what} is 400 bad_if_match and changes nothing`, async () => {
      const { s, d, before_, m } = await ifMatchSetup();
      const header = tagsFor(value, before_.plan.version);
      expectError(await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': header } }), 400, 'bad_if_match');
      await assertUnchanged(s, before_);
      assertNotInDb(m);
    });
  }

  // Well-formed entity-tags that are not the current one are stale: 412.
  for (const [what, value] of [
    ['"0"', '"0"'],
    ['"abc"', '"abc"'],
    ['the empty tag ""', '""'],
    ['of 20 digits', '"99999999999999999999"'],
    ['negative', '"-1"'],
    ['with a leading zero', '"0N"'],
    ['that is a list without the current tag', '"P", "abc", W/"F"'],
    ['that is a list of foreign tags', '"0", W/"x", "-1"'],
  ]) {
    it(`dream create, update and delete with an If-Match ${what} are 412 stale_version and change nothing`, async () => {
      const { s, d, before_, m } = await ifMatchSetup();
      const headers = { 'If-Match': tagsFor(value, before_.plan.version) };
      expectError(await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers }), 412, 'stale_version');
      expectError(await s.del(`${DREAMS}/${d.id}`, { headers }), 412, 'stale_version');
      expectError(await s.post(DREAMS, { text: m }, { headers }), 412, 'stale_version');
      await assertUnchanged(s, before_);
      assertNotInDb(m);
    });
  }

  // A list (with spaces, tabs and empty elements) matches when it holds the
  // current tag, weak or strong; "*" matches any version.
  for (const [what, value] of [
    ['a list holding the current tag last', '"P", "N"'],
    ['a list holding the current tag first, weak', 'W/"N","abc"'],
    ['a list with empty elements and tabs', ', \t"0" ,, "N"\t,'],
    ['"*"', '*'],
    ['"*" between spaces', ' * '],
  ]) {
    it(`dream update and delete with an If-Match ${what} go through`, async () => {
      const { s, d, before_, m } = await ifMatchSetup();
      const v = before_.plan.version;
      const res = await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': tagsFor(value, v) } });
      assert.equal(expectJson(res, 200).text, m);
      assert.equal(res.headers.etag, `"${v + 1}"`);
      expectStatus(await s.del(`${DREAMS}/${d.id}`, { headers: { 'If-Match': tagsFor(value, v + 1) } }), 204);
      const after_ = (await s.plan()).plan;
      assert.equal(after_.version, v + 2);
      assert.ok(!after_.dreams.some((x) => x.id === d.id), 'the dream is still there');
    });
  }

  // nginx turns the ETag weak when it gzips the plan; the version is the same.
  it('dream update with the current version as a weak If-Match W/"N" is 200', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('keep'));
    const before_ = await planSnapshot(s);
    const m = marker('weak');
    const res = await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': `W/${before_.etag.replace(/^W\//, '')}` } });
    expectStatus(res, 200);
    assert.equal(res.json.text, m);
  });

  it('dream update with a stale weak If-Match W/"N" is 412 and changes nothing', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('keep'));
    const before_ = await planSnapshot(s);
    const m = marker('weak-stale');
    const stale = Number(before_.etag.replace(/^W\//, '').replace(/"/g, '')) - 1;
    const res = await s.put(`${DREAMS}/${d.id}`, { text: m }, { headers: { 'If-Match': `W/"${stale}"` } });
    expectError(res, 412, 'stale_version');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  it('dream update of a deleted dream is 404', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('gone'));
    expectStatus(await s.del(`${DREAMS}/${d.id}`), 204);
    const before_ = await planSnapshot(s);
    const m = marker('resurrect');
    expectError(await s.put(`${DREAMS}/${d.id}`, { text: m }), 404, 'not_found');
    await assertUnchanged(s, before_);
    assertNotInDb(m);
  });

  // ------------------------------------------------------------ delete

  it('dream delete is 204 with no body and the dream leaves the plan', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('delete'));
    const res = await s.del(`${DREAMS}/${d.id}`);
    expectStatus(res, 204);
    assert.equal(res.body.length, 0, '204 with a body');
    assert.equal((await s.plan()).plan.dreams.find((x) => x.id === d.id), undefined);
  });

  it('dream delete raises the plan version by one', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('delete'));
    const { plan } = await s.plan();
    const res = await s.del(`${DREAMS}/${d.id}`);
    expectStatus(res, 204);
    if (res.headers.etag) assert.equal(res.headers.etag, `"${plan.version + 1}"`, 'ETag of the answer');
    assert.equal((await s.plan()).plan.version, plan.version + 1);
  });

  it('dream delete with the current If-Match is 204', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('delete'));
    const { etag } = await s.plan();
    expectStatus(await s.del(`${DREAMS}/${d.id}`, { headers: { 'If-Match': etag } }), 204);
  });

  it('dream delete with a stale If-Match is 412 and the dream stays', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('stay'));
    const { etag } = await s.plan();
    await s.addDream(marker('bump'));
    const before_ = await planSnapshot(s);
    expectError(await s.del(`${DREAMS}/${d.id}`, { headers: { 'If-Match': etag } }), 412, 'stale_version');
    await assertUnchanged(s, before_);
    assert.ok(before_.plan.dreams.some((x) => x.id === d.id));
  });

  it('dream delete twice: the second is 404 and changes nothing', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('twice'));
    expectStatus(await s.del(`${DREAMS}/${d.id}`), 204);
    const before_ = await planSnapshot(s);
    expectError(await s.del(`${DREAMS}/${d.id}`), 404, 'not_found');
    await assertUnchanged(s, before_);
  });

  // ------------------------------------------------ ids not the citizen's

  for (const id of ['abc', '0', '-1', '99999999999999999999', '1.5', '1e3', '0x10', '%20', '1;2']) {
    it(`dream update of id ${id} is 404 and changes nothing`, async () => {
      const s = await login('mohammed');
      const before_ = await planSnapshot(s);
      const m = marker('bad-id');
      expectError(await s.put(`${DREAMS}/${id}`, { text: m }), 404, 'not_found');
      await assertUnchanged(s, before_);
      assertNotInDb(m);
    });

    it(`dream delete of id ${id} is 404 and changes nothing`, async () => {
      const s = await login('mohammed');
      const before_ = await planSnapshot(s);
      expectError(await s.del(`${DREAMS}/${id}`), 404, 'not_found');
      await assertUnchanged(s, before_);
    });
  }

  it('another citizen updating my dream is 404 and changes nothing', async () => {
    const me = await login('mohammed');
    const d = await me.addDream(marker('mine'));
    const before_ = await planSnapshot(me);
    const anna = await login('anna');
    const m = marker('not-yours');
    expectError(await anna.put(`${DREAMS}/${d.id}`, { text: m }), 404, 'not_found');
    await assertUnchanged(me, before_);
    assertNotInDb(m);
  });

  it('another citizen deleting my dream is 404 and the dream stays', async () => {
    const me = await login('mohammed');
    const d = await me.addDream(marker('mine'));
    const before_ = await planSnapshot(me);
    const anna = await login('anna');
    expectError(await anna.del(`${DREAMS}/${d.id}`), 404, 'not_found');
    await assertUnchanged(me, before_);
  });

  it('another citizen\'s 404 for my dream equals the 404 for a dream that does not exist', async () => {
    const me = await login('mohammed');
    const d = await me.addDream(marker('mine'));
    const anna = await login('anna');
    const mine = await anna.del(`${DREAMS}/${d.id}`);
    const none = await anna.del(`${DREAMS}/99999999999`);
    expectError(mine, 404, 'not_found');
    expectError(none, 404, 'not_found');
    assert.deepEqual(mine.json, none.json, 'the answers tell an existing dream from a missing one');
  });

  it('another citizen does not see my dream in their plan', async () => {
    const me = await login('mohammed');
    const m = marker('private');
    await me.addDream(m);
    const anna = await login('anna');
    assert.ok(!JSON.stringify((await anna.plan()).plan).includes(m));
  });

  // ------------------------------------------------------ history

  it('after a dream change the newest history entry has the new version', async () => {
    const s = await login('mohammed');
    await s.addDream(marker('history'));
    const { plan } = await s.plan();
    const v = assertHistory(expectJson(await s.get('/api/v1/plan/history'), 200));
    assert.equal(v[0].version, plan.version);
  });

  it('history is gap-free across create, update and delete', async () => {
    const s = await login('mohammed');
    const start = (await s.plan()).plan.version;
    const d = await s.addDream(marker('h1'));
    expectStatus(await s.put(`${DREAMS}/${d.id}`, { text: marker('h2') }), 200);
    expectStatus(await s.del(`${DREAMS}/${d.id}`), 204);
    const v = assertHistory(expectJson(await s.get('/api/v1/plan/history'), 200));
    assert.deepEqual(v.slice(0, 4).map((e) => e.version), [start + 3, start + 2, start + 1, start]);
  });

  // --------------------------------------------------- concurrency

  it('concurrent updates with the same If-Match: exactly one wins, the rest are 412', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('race'));
    const { plan, etag } = await s.plan();
    const texts = Array.from({ length: 6 }, (_, i) => marker(`race${i}`));
    const answers = await Promise.all(texts.map((text) => s.put(`${DREAMS}/${d.id}`, { text }, { headers: { 'If-Match': etag } })));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 412, 412, 412, 412, 412], `statuses ${statuses}`);
    const winner = texts[answers.findIndex((r) => r.status === 200)];
    const after_ = await s.plan();
    assert.equal(after_.plan.version, plan.version + 1);
    assert.equal(after_.plan.dreams.find((x) => x.id === d.id)?.text, winner);
    for (const t of texts) if (t !== winner) assertNotInDb(t);
  });

  it('concurrent creates all land, each a version of its own, history gap-free', async () => {
    const s = await login('mohammed');
    const start = (await s.plan()).plan.version;
    const texts = Array.from({ length: 8 }, (_, i) => marker(`burst${i}`));
    const answers = await Promise.all(texts.map((text) => s.post(DREAMS, { text })));
    for (const r of answers) expectStatus(r, 201);
    const etags = answers.map((r) => r.headers.etag).sort();
    assert.equal(new Set(etags).size, texts.length, `two creates answered the same ETag: ${etags}`);
    const { plan } = await s.plan();
    assert.equal(plan.version, start + texts.length);
    for (const t of texts) assert.ok(plan.dreams.some((x) => x.text === t), `lost ${t}`);
    const v = assertHistory(expectJson(await s.get('/api/v1/plan/history'), 200));
    assert.equal(v[0].version, plan.version);
    assert.ok(v.length > texts.length && v[texts.length].version === start);
  });

  // --------------------------------------------------- accepted text

  const roundTrips = [
    ['Danish letters', 'Jeg drømmer om at blive tømrer i Århus. ÆØÅ æøå'],
    ['emoji', 'Et job 🚀 med kolleger 👩‍👩‍👧 og kaffe ☕'],
    ['quotes and backslashes', 'Han sagde "hej" og \'farvel\' \\ C:\\sti\\fil \\u00e6 \\"'],
    ['HTML', '<script>alert("x")</script><img src=x onerror=alert(1)> &amp; &lt;'],
    ['SQL', "'; DROP TABLE dreams; --"],
    ['decomposed å (not normalised)', 'a\u030A og e\u0301'],
    ['Arabic and other scripts', 'أحلم بأن أصبح ممرضا · Я мечтаю · 夢 · ישראל'],
    ['tab, CR and LF', 'line one\r\nline two\n\tindented\rend'],
    ['a zero-width joiner and a BOM character', 'a\u200Db\uFEFFc'],
    ['astral characters', '𝔎𝔞𝔭𝔱𝔞𝔧𝔫 𝄞 🏳️‍🌈'],
    ['a percent sign and a NUL-like text', '100% \\0 %00 %s %n'],
  ];
  for (const [what, base] of roundTrips) {
    it(`text with ${what} round-trips byte for byte through POST then GET`, async () => {
      const s = await login('mohammed');
      const text = `${base} ${marker('rt')}`;
      const d = await s.addDream(text);
      assert.equal(d.text, text, 'POST answer');
      const got = (await s.plan()).plan.dreams.find((x) => x.id === d.id)?.text;
      assert.ok(got !== undefined, 'dream not in plan');
      assert.deepEqual(Buffer.from(got, 'utf8'), Buffer.from(text, 'utf8'));
    });
  }

  // C1 controls (a terminal reads U+009B as an escape) and the line and
  // paragraph separators are refused like C0 controls.
  for (const [what, base] of [['a next-line control U+0085', '\u0085'], ['a C1 escape sequence', 'a\u009b31mred'],
    ['a line separator U+2028', '\u2028'], ['a paragraph separator U+2029', 'one\u2029two']]) {
    it(`a dream holding ${what} is 400 invalid_field and changes nothing`, async () => {
      const s = await login('mohammed');
      const d = await s.addDream(marker('keep'));
      const before_ = await planSnapshot(s);
      const m = marker('c1');
      expectError(await s.post(DREAMS, { text: `${base} ${m}` }), 400, 'invalid_field');
      expectError(await s.put(`${DREAMS}/${d.id}`, { text: `${m} ${base}` }), 400, 'invalid_field');
      await assertUnchanged(s, before_);
      assertNotInDb(m);
    });
  }

  it('text with æøå round-trips through PUT too', async () => {
    const s = await login('mohammed');
    const d = await s.addDream(marker('put-rt'));
    const text = `Blåbærgrød og rødgrød med fløde 😋 ${marker('rt')}`;
    expectStatus(await s.put(`${DREAMS}/${d.id}`, { text }), 200);
    assert.equal((await s.plan()).plan.dreams.find((x) => x.id === d.id)?.text, text);
  });

  it('text sent with \\u escapes comes back as the same characters', async () => {
    const s = await login('mohammed');
    const m = marker('esc');
    const body = `{"text":"\\u00e6\\u00f8\\u00e5 \\ud83d\\ude80 \\"q\\" \\\\ \\/ ${m}"}`;
    const res = await s.post(DREAMS, undefined, { body, headers: { 'Content-Type': 'application/json' } });
    expectStatus(res, 201);
    assert.equal(res.json.text, `æøå 🚀 "q" \\ / ${m}`);
  });

  it('a 2000-character text is accepted', async () => {
    const s = await login('mohammed');
    const m = marker('2000');
    const text = m + 'x'.repeat(2000 - m.length);
    assert.equal([...text].length, 2000);
    assert.equal((await s.addDream(text)).text, text);
  });

  it('a text of 2000 emoji is accepted (code points are counted, not bytes)', async () => {
    const s = await login('mohammed');
    const text = '😀'.repeat(2000);
    const d = await s.addDream(text);
    assert.equal(d.text, text);
    assert.equal((await s.plan()).plan.dreams.find((x) => x.id === d.id)?.text, text);
  });

  it('a text of 2000 æ is accepted', async () => {
    const s = await login('mohammed');
    const text = 'æ'.repeat(2000);
    assert.equal((await s.addDream(text)).text, text);
  });

  it('a one-character text is accepted', async () => {
    const s = await login('mohammed');
    assert.equal((await s.addDream('x')).text, 'x');
  });

  it('text with leading and trailing spaces is kept as sent', async () => {
    const s = await login('mohammed');
    const text = `  ${marker('spaces')}  `;
    const d = await s.addDream(text);
    assert.equal((await s.plan()).plan.dreams.find((x) => x.id === d.id)?.text, text);
  });

  it('Content-Type application/json; charset=utf-8 is accepted', async () => {
    const s = await login('mohammed');
    const text = marker('charset');
    const res = await s.post(DREAMS, undefined, {
      body: JSON.stringify({ text }), headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.equal(expectJson(res, 201).text, text);
  });

  it('Content-Type application/json;charset=UTF-8 is accepted', async () => {
    const s = await login('mohammed');
    const text = marker('charset2');
    const res = await s.post(DREAMS, undefined, {
      body: JSON.stringify({ text }), headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    });
    assert.equal(expectJson(res, 201).text, text);
  });

  it('a chunked request body is accepted', async () => {
    const s = await login('mohammed');
    const text = `chunked ${marker('chunked')} ${'ø'.repeat(500)}`;
    const res = await s.post(DREAMS, undefined, {
      body: JSON.stringify({ text }), chunked: true, headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(expectJson(res, 201).text, text);
  });

  it('JSON with whitespace around the object is accepted', async () => {
    const s = await login('mohammed');
    const text = marker('ws');
    const res = await s.post(DREAMS, undefined, {
      body: ` \n\t{ "text" : ${JSON.stringify(text)} }\n `, headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(expectJson(res, 201).text, text);
  });

  no5xxTest();
});
