// Notifications through the outbox: a stack of its own whose sender
// delivers to a real SMTP server the test starts on loopback (Debian's
// python3-aiosmtpd, tests/shared/smtp-sink.py) and to a small HTTP server
// standing in for an SMS gateway. Each event makes exactly one e-mail and
// one SMS, saying only that there is news; the SMTP server away for a
// while gets its message once it is back, once; a delivery whose outcome
// is unknown is never repeated; a citizen with the channels off gets
// nothing; bad settings are 400 and change nothing. Prints the median
// delay from an event to its delivery.

// test-lane: own-stack (scripts/test runs it beside the shared-stack files)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { ADMIN, SKIP, describeRes, expectJson, freePort, loginAt, marker, request, sql, stackCmd, startOwnStack } from './lib.mjs';
import { NO_AIOSMTPD, SmtpSink, hasAiosmtpd, mailParts, median, waitFor } from '../shared/smtp-sink.mjs';

const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-outbox` : '';

const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!process.env.KAPTAJN_BIN && 'KAPTAJN_BIN is not set')
  || (!hasAiosmtpd() && NO_AIOSMTPD);

const EMAIL = 'anna.outbox@example.dk';
const PHONE_IN = '+45 12 34 56 78';
const PHONE = '+4512345678';

describe('notifications through the outbox (a stack of its own, a real SMTP server)', { skip: NEED }, () => {
  let url;
  let socket;
  let tmp;
  let sink;
  let gateway;
  const sms = []; // { headers, body, at }
  let gatewayStatus = 200;
  const delays = []; // ms from an event to its delivery
  const q = (query) => sql(query, { socket });
  const req = (method, p, opts = {}) => request(method, p, { ...opts, base: url });
  let anna; let mette; let annaId;
  const call = (s, method, p, json) => req(method, p, { cookie: s.cookie, csrf: s.csrf, json });


  const outboxRows = (where = '') => q(`SELECT id, kind, channel, status, attempts FROM outbox WHERE citizen_id = ${annaId} ${where} ORDER BY id`)
    .map(([id, kind, channel, status, attempts]) => ({ id: Number(id), kind, channel, status, attempts: Number(attempts) }));
  const mailsTo = (addr) => sink.to(addr);

  /** Waits for n more e-mails and n more SMS than before; records the delays from t0. */
  async function expectDelivered(before, t0, { mails = 1, texts = 1 } = {}) {
    await waitFor(`${mails} e-mail(s) and ${texts} SMS`, () => (mailsTo(EMAIL).length >= before.mails + mails && sms.length >= before.sms + texts)
      || { mails: mailsTo(EMAIL).length - before.mails, sms: sms.length - before.sms, rows: outboxRows().slice(-4) });
    for (const m of mailsTo(EMAIL).slice(before.mails)) delays.push(m.at * 1000 - t0);
    for (const s of sms.slice(before.sms)) delays.push(s.at - t0);
  }
  const counts = () => ({ mails: mailsTo(EMAIL).length, sms: sms.length });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-outbox-'));
    const token = path.join(tmp, 'sms-token');
    fs.writeFileSync(token, 'gateway-secret-token\n', { mode: 0o600 });
    sink = new SmtpSink(await freePort());
    await sink.start();
    gateway = http.createServer((rq, rs) => {
      const chunks = [];
      rq.on('data', (c) => chunks.push(c));
      rq.on('end', () => {
        sms.push({ headers: rq.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status: gatewayStatus });
        rs.writeHead(gatewayStatus, { 'Content-Type': 'application/json' });
        rs.end('{"ok":true}');
      });
    });
    const gport = await freePort();
    await new Promise((resolve) => gateway.listen(gport, '127.0.0.1', resolve));
    ({ url, socket } = await startOwnStack(VAR, {
      env: {
        KAPTAJN_CONFIG_EXTRA: [
          `smtp_url = smtp://127.0.0.1:${sink.port}`,
          'smtp_from = kaptajn@kommune.example.dk',
          'smtp_starttls = off',
          `sms_url = http://127.0.0.1:${gport}/sms`,
          `sms_token_file = ${token}`,
          'outbox_poll = 1',
          'outbox_timeout = 3',
          'outbox_retry_first = 1',
          'outbox_retry_max = 1',
        ].join('\n'),
      },
    }));
    anna = await loginAt(url, 'anna');
    annaId = anna.body.citizen.id;
    mette = await loginAt(url, 'mette', true);
  });

  after(async () => {
    if (VAR) await stackCmd(['stop', VAR]);
    if (sink) await sink.stop();
    if (gateway) gateway.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (delays.length) console.log(`# outbox delivery delay (event -> received), median of ${delays.length}: ${Math.round(median(delays))} ms; max ${Math.round(Math.max(...delays))} ms`);
  });

  it('GET /api/v1/notifications: nothing chosen yet, both channels offered', async () => {
    const body = expectJson(await call(anna, 'GET', '/api/v1/notifications'), 200);
    assert.deepEqual(body, { email: null, email_on: false, email_available: true, sms: null, sms_on: false, sms_available: true });
  });

  for (const [what, put, code] of [
    ['an address without a domain', { email: 'anna@example', email_on: true, sms_on: false }, 'invalid_email'],
    ['an address with a header in it', { email: 'a@example.dk\r\nBcc: x@example.dk', email_on: true, sms_on: false }, 'invalid_email'],
    ['an address with a space', { email: 'anna jensen@example.dk', email_on: false, sms_on: false }, 'invalid_email'],
    ['an address in angle brackets', { email: '<anna@example.dk>', email_on: true, sms_on: false }, 'invalid_email'],
    ['a number of 7 digits', { sms: '1234567', sms_on: true, email_on: false }, 'invalid_phone'],
    ['a Swedish number', { sms: '+46 12345678', sms_on: true, email_on: false }, 'invalid_phone'],
    ['a number with letters', { sms: '1234567a', sms_on: false, email_on: false }, 'invalid_phone'],
    ['e-mail on without an address', { email_on: true, sms_on: false }, 'missing_field'],
    ['SMS on without a number', { email_on: false, sms_on: true }, 'missing_field'],
    ['email_on that is not a boolean', { email: EMAIL, email_on: 'yes', sms_on: false }, 'invalid_field'],
    ['an unknown member', { email: EMAIL, email_on: true, sms_on: false, fax: '1' }, 'unknown_field'],
  ]) {
    it(`PUT with ${what} is 400 ${code} and changes nothing`, async () => {
      // A good state first, so "nothing changes" can fail.
      if (!q(`SELECT 1 FROM notification_settings WHERE citizen_id = ${annaId}`).length) {
        expectJson(await call(anna, 'PUT', '/api/v1/notifications', { email: 'before@example.dk', email_on: false, sms_on: false }), 200);
      }
      const was = expectJson(await call(anna, 'GET', '/api/v1/notifications'), 200);
      const res = await call(anna, 'PUT', '/api/v1/notifications', put);
      assert.equal(res.status, 400, describeRes(res));
      assert.equal(JSON.parse(res.text).error.code, code, res.text);
      assert.deepEqual(expectJson(await call(anna, 'GET', '/api/v1/notifications'), 200), was);
    });
  }

  it('PUT turns e-mail and SMS on; the number is kept as +45 and 8 digits', async () => {
    const body = expectJson(await call(anna, 'PUT', '/api/v1/notifications', { email: EMAIL, email_on: true, sms: PHONE_IN, sms_on: true }), 200);
    assert.equal(body.email, EMAIL);
    assert.equal(body.sms, PHONE);
    assert.deepEqual(expectJson(await call(anna, 'GET', '/api/v1/notifications'), 200), body);
  });

  it('a caseworker\'s decision makes exactly one e-mail and one SMS, with no name, CPR or content', async () => {
    const reason = marker('outbox-reason');
    const title = `Kørekort ${marker('t')}`;
    const p = expectJson(await call(anna, 'POST', '/api/v1/proposals', { kind: 'add_goal', title, description: 'Bil', reason }), 201);
    const was = counts();
    const t0 = Date.now();
    expectJson(await call(mette, 'POST', `${ADMIN}/proposals/${p.id}/decision`, { decision: 'approve', area: 'job', legal_basis: 'LAB §30 a' }), 200);
    await expectDelivered(was, t0);
    await sleep(1500); // a second sender round: still one of each
    assert.deepEqual(counts(), { mails: was.mails + 1, sms: was.sms + 1 });
    const mail = mailsTo(EMAIL).at(-1);
    assert.equal(mail.from, 'kaptajn@kommune.example.dk');
    assert.deepEqual(mail.to, [EMAIL]);
    const { head, text } = mailParts(mail);
    assert.match(head, /^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m);
    assert.match(head, /^Message-ID: <kaptajn\.\d+\.[0-9a-f]{16}@kommune\.example\.dk>$/m);
    assert.match(head, /^Subject: Nyt i Kaptajn$/m);
    assert.match(text, /^Der er nyt i Kaptajn\./);
    assert.ok(text.includes(`${url}/`), text);
    assert.match(text, /slå beskeder fra/);
    for (const secret of ['Anna', 'Jensen', 'Mette', 'Sørensen', title, reason, 'Kørekort', 'LAB', 'godkendt']) {
      assert.ok(!mail.data.includes(secret) && !text.includes(secret), `the e-mail holds ${secret}`);
    }
    const s = sms.at(-1);
    assert.equal(s.headers.authorization, 'Bearer gateway-secret-token');
    assert.match(s.headers['content-type'], /^application\/json/);
    const sb = JSON.parse(s.body);
    assert.deepEqual(Object.keys(sb).sort(), ['text', 'to']);
    assert.equal(sb.to, PHONE);
    assert.equal(sb.text, `Der er nyt i Kaptajn: ${url}/`);
    const rows = outboxRows(`AND kind = 'decision' AND ref_id = ${p.id}`);
    assert.deepEqual(rows.map((r) => [r.channel, r.status, r.attempts]).sort(), [['email', 'sent', 1], ['sms', 'sent', 1]]);
  });

  it('the SMTP server away for a while: the e-mail comes once it is back, exactly once', async () => {
    await sink.stop();
    const was = counts();
    const t0 = Date.now();
    expectJson(await call(mette, 'POST', `${ADMIN}/citizens/${annaId}/goals`, { title: `Mål ${marker('g')}`, description: '', area: 'job', legal_basis: 'LAB §30 a' }), 201);
    await waitFor('the SMS, while the SMTP server is away', () => sms.length === was.sms + 1 || sms.length - was.sms);
    delays.push(sms.at(-1).at - t0);
    // Retried meanwhile: attempts grow, the row waits.
    await waitFor('two failed attempts', () => {
      const r = outboxRows("AND kind = 'plan_awaits_yes' AND channel = 'email'");
      return (r.length === 1 && r[0].attempts >= 2 && r[0].status === 'pending') || r;
    });
    const log = fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8');
    assert.match(log, /^outbox id=\d+ channel=email attempt=1 result=retry .*next_in=1$/m);
    await sink.start();
    await waitFor('the e-mail after the server came back', () => mailsTo(EMAIL).length === was.mails + 1 || mailsTo(EMAIL).length - was.mails);
    await sleep(1500);
    assert.equal(mailsTo(EMAIL).length, was.mails + 1, 'delivered more than once');
    const r = outboxRows("AND kind = 'plan_awaits_yes' AND channel = 'email'");
    assert.equal(r.length, 1);
    assert.equal(r[0].status, 'sent');
    assert.ok(r[0].attempts >= 3, JSON.stringify(r));
  });

  it('a delivery whose outcome is unknown (the connection drops after DATA) is never sent again', async () => {
    sink.mode('drop');
    await sleep(100);
    const was = counts();
    const t0 = Date.now();
    const starts = new Date(Date.now() + 3 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
    const m = expectJson(await call(mette, 'POST', `${ADMIN}/citizens/${annaId}/meetings`, { kind: 'network', starts_at: starts, place: 'Jobcentret', agenda: 'Praktik', participants: [] }), 201);
    await expectDelivered(was, t0);
    await waitFor('the row marked unknown', () => {
      const r = outboxRows(`AND kind = 'meeting' AND ref_id = ${m.id} AND channel = 'email'`);
      return (r.length === 1 && r[0].status === 'unknown') || r;
    });
    sink.mode('ok');
    await sleep(2500);
    assert.equal(mailsTo(EMAIL).length, was.mails + 1, 'an unknown delivery was sent again');
    assert.equal(outboxRows(`AND kind = 'meeting' AND ref_id = ${m.id} AND channel = 'email'`)[0].attempts, 1);
  });

  it('the day before a meeting planned earlier, one notice, once', async () => {
    const starts = new Date(Date.now() + 12 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
    // Planned two days ago (as if): the scan sends its day-before notice.
    const was = counts();
    const m = expectJson(await call(mette, 'POST', `${ADMIN}/citizens/${annaId}/meetings`, { kind: 'follow_up', starts_at: starts, place: 'Jobcentret', agenda: '', participants: [] }), 201);
    await expectDelivered(was, Date.now() - 0, { mails: 1, texts: 1 }); // the "meeting" notice
    const t0 = Date.now();
    const was2 = counts();
    q(`UPDATE meetings SET created_at = UTC_TIMESTAMP() - INTERVAL 2 DAY WHERE id = ${m.id}`);
    await expectDelivered(was2, t0);
    await sleep(2000);
    assert.deepEqual(counts(), { mails: was2.mails + 1, sms: was2.sms + 1 });
    assert.equal(outboxRows(`AND kind = 'meeting_tomorrow' AND ref_id = ${m.id}`).length, 2);
  });

  it('a staff change while the plan already awaits a yes queues one notice per channel, not two', async () => {
    // With both channels held up (the gateway and the SMTP server failing), two goal changes.
    gatewayStatus = 503;
    await sink.stop();
    const before_ = outboxRows("AND kind = 'plan_awaits_yes'").length;
    for (let i = 0; i < 2; i++) {
      expectJson(await call(mette, 'POST', `${ADMIN}/citizens/${annaId}/goals`, { title: `Mål ${marker('c')}`, description: '', area: 'job', legal_basis: 'LAB §30 a' }), 201);
    }
    const r = outboxRows("AND kind = 'plan_awaits_yes'");
    gatewayStatus = 200;
    await sink.start();
    // The first may have been claimed (and so no longer waiting) before the second came: at most two per channel.
    const added = r.length - before_;
    assert.ok(added >= 2 && added <= 4, JSON.stringify(r));
    const waitingPerChannel = q(`SELECT channel, COUNT(*) FROM outbox WHERE citizen_id = ${annaId} AND waiting IS NOT NULL GROUP BY channel`);
    for (const [, n] of waitingPerChannel) assert.equal(Number(n), 1);
    await waitFor('all delivered', () => outboxRows("AND status IN ('pending', 'sending')").length === 0 || outboxRows("AND status IN ('pending', 'sending')"), 10000);
  });

  it('a citizen with the channels off gets nothing', async () => {
    expectJson(await call(anna, 'PUT', '/api/v1/notifications', { email: EMAIL, email_on: false, sms: PHONE, sms_on: false }), 200);
    const was = counts();
    const rows = outboxRows().length;
    expectJson(await call(mette, 'POST', `${ADMIN}/citizens/${annaId}/goals`, { title: `Mål ${marker('off')}`, description: '', area: 'job', legal_basis: 'LAB §30 a' }), 201);
    await sleep(2000);
    assert.deepEqual(counts(), was);
    assert.equal(outboxRows().length, rows, 'an outbox row was made for a citizen with the channels off');
  });

  it('the log has one line per attempt with no address nor number; /metrics counts the outbox', async () => {
    const log = fs.readFileSync(path.join(VAR, 'log', 'citizen.log'), 'utf8');
    const lines = log.split('\n').filter((l) => l.startsWith('outbox id='));
    assert.ok(lines.length >= 8, `${lines.length} attempt lines`);
    for (const l of lines) assert.match(l, /^outbox id=\d+ channel=(email|sms) attempt=\d+ result=(sent|retry|unknown|failed|held) ms=\d+ curl=\d+ reply=\d+( next_in=\d+)?$/);
    for (const secret of [EMAIL, PHONE, '12345678', 'gateway-secret-token']) {
      for (const f of fs.readdirSync(path.join(VAR, 'log'))) {
        assert.ok(!fs.readFileSync(path.join(VAR, 'log', f), 'utf8').includes(secret), `${f} holds ${secret}`);
      }
    }
    await waitFor('the outbox counted in /metrics', async () => {
      const res = await req('GET', '/metrics');
      const sent = /^kaptajn_outbox_deliveries_total\{result="sent"\} (\d+)$/m.exec(res.text);
      const msgs = /^kaptajn_outbox_messages\{status="sent"\} (\d+)$/m.exec(res.text);
      return (sent && Number(sent[1]) >= 6 && msgs && Number(msgs[1]) >= 6) || res.text.split('\n').filter((l) => l.includes('outbox'));
    }, 8000);
  });
});
