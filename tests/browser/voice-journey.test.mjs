// The citizen's voice, as one story in Chromium at a phone's size
// (390x844), on a stack of its own whose sender delivers e-mail to a real
// SMTP server the test starts on loopback (tests/shared/smtp-sink.mjs,
// Debian's python3-aiosmtpd). Anna turns e-mail on ("Besked til dig"),
// writes to her contact person Jonas ("Beskeder") and adds a point to her
// next meeting's agenda ("Mine møder"); her caseworker changes a goal;
// on "Sig ja" she sees exactly that change, before and after, answers
// "Ikke endnu" with a comment; Jonas, in a second context on the
// caseworker pages, sees the "not yet" (the caseload's badge and the
// citizen page), her message, which he answers, and her agenda point;
// then she says yes and gets the receipt, and finds his answer. axe-core
// checks every page the story visits.
//
// The SMTP server gets exactly one e-mail per event that concerns her,
// by the outbox's rules (core/outbox.c and its callers): a staff change
// of a goal leaves the plan awaiting a yes ("plan_awaits_yes", goal.c)
// and a staff message ("message", message.c) are news to her; what she
// does herself (her message, her agenda point, "not yet", her yes) and
// what staff only read are not, and her meeting, two weeks ahead, is no
// day-before notice yet. So two e-mails, each only the fixed text and the
// link: no name, no CPR number, no message text, no goal title. Prints
// the median delay from an event (the answer to the request that made it)
// to the SMTP server's taking the e-mail.
//
// The stack is this file's own (var/test-voice beside scripts/test's
// var/test, stopped by its pids in after(), and by scripts/test's
// cleanup after an interrupt), so the demo citizen needs no lock.

// test-lane: own-stack (scripts/test runs it beside the shared-stack integration files)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import {
  CHROMIUM, SKIP, adminSettled, assertAxe, launch, loginStaffThroughDevIdp, loginThroughDevIdp, marker, phoneContext, shot,
  startShots, unexpectedConsoleErrors, waitForPlan, watchedPage,
} from './lib.mjs';
import { ADMIN, expectJson, freePort, loginAt, request, sql, stackCmd, startOwnStack, stopOwnStack } from '../integration/lib.mjs';
import { NO_AIOSMTPD, SmtpSink, hasAiosmtpd, mailParts, median, waitFor } from '../shared/smtp-sink.mjs';

const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-voice` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!process.env.KAPTAJN_BIN && 'KAPTAJN_BIN is not set')
  || (!fs.existsSync(CHROMIUM) && `no browser at ${CHROMIUM}`) || (!hasAiosmtpd() && NO_AIOSMTPD);

const EMAIL = `borger.${marker('voice')}@example.dk`;
const FROM = 'kaptajn@kommune.example.dk';
// Anna Jensen (0703921234): caseworker Mette Sørensen, contact person
// Jonas Madsen; her next meeting is the demo follow-up two weeks ahead.
const CPR = '0703921234';
const NAMES = ['Anna', 'Jensen', 'Jonas', 'Madsen', 'Mette', 'Sørensen'];
const EVENTS = ['plan_awaits_yes', 'message'];

describe('the citizen\'s voice: one story, two people, one e-mail per event', { skip: NEED }, () => {
  let url;
  let socket;
  let sink;
  let browser;
  let anna; // { page, seen }: the citizen's phone
  let jonas; // the contact person's, on the caseworker pages
  let annaId;
  let mette; // the caseworker's API session
  let goal; // { id, title, hours } before the change, and after: its new title
  const delays = []; // ms from an event to its e-mail
  const texts = []; // everything personal the story writes
  const q = (query) => sql(query, { socket });
  const mails = () => sink.to(EMAIL);

  const mark = marker('stemme');
  const message = `Hej Jonas\nKan vi tale om praktikken? ${mark}`;
  const point = `Transport til praktikken ${mark}\nog bussens tider`;
  const notYet = `Jeg vil gerne tale om timerne først.\nHelst på mødet. ${mark}`;
  const answer = `Hej Anna\nDet tager vi på mødet. ${mark}`;

  /** Waits for the e-mail number n (1-based) and keeps its delay from t0 (ms). */
  async function expectMail(n, t0, what) {
    await waitFor(`e-mail ${n} (${what})`, () => mails().length >= n
      || { mails: mails().length, outbox: q(`SELECT kind, status, attempts FROM outbox WHERE citizen_id = ${annaId}`) });
    assert.equal(mails().length, n, `more e-mails than events after ${what}`);
    delays.push(mails()[n - 1].at * 1000 - t0);
  }

  /** axe-core on the page as it is now, and a screenshot of it. */
  async function checked(page, what, name) {
    await assertAxe(page, what);
    await shot(page, name);
  }

  /** Opens a page of the portal by its hash and waits for its heading. */
  async function open(hash, heading) {
    await anna.page.goto(`${url}/${hash}`);
    await anna.page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  before(async () => {
    startShots('voice');
    sink = new SmtpSink(await freePort());
    await sink.start();
    ({ url, socket } = await startOwnStack(VAR, {
      env: {
        KAPTAJN_CONFIG_EXTRA: [
          `smtp_url = smtp://127.0.0.1:${sink.port}`,
          `smtp_from = ${FROM}`,
          'smtp_starttls = off',
          'outbox_poll = 1',
        ].join('\n'),
      },
    }));
    const api = await loginAt(url, 'anna');
    annaId = api.body.citizen.id;
    mette = await loginAt(url, 'mette', true);
    // A yes to the plan as it is: what "Sig ja" shows below is the story's change alone.
    const call = (s, method, p, json) => request(method, p, { base: url, cookie: s.cookie, csrf: s.csrf, json });
    mette.call = (method, p, json) => call(mette, method, p, json);
    const plan = expectJson(await call(api, 'GET', '/api/v1/plan'), 200);
    expectJson(await call(api, 'POST', '/api/v1/plan/acceptance', { version: plan.version }), 200);
    const g = plan.goals.find((x) => x.status === 'active' && x.hours_per_week != null);
    goal = { id: g.id, title: g.title, hours: Number(g.hours_per_week) };
    browser = await launch();
    anna = await watchedPage(await phoneContext(browser));
    jonas = await watchedPage(await phoneContext(browser));
  });

  after(async () => {
    try {
      if (browser) await browser.close();
    } finally {
      if (VAR) await stackCmd(['stop', VAR]);
      if (sink) await sink.stop();
      if (delays.length) console.log(`# notification delay (event -> received by the SMTP server), median of ${delays.length}: ${Math.round(median(delays))} ms; max ${Math.round(Math.max(...delays))} ms`);
    }
  });

  it('Anna logs in on her phone and turns e-mail on under "Besked til dig"', async () => {
    const { page } = anna;
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Log ind med MitID' }).waitFor();
    await assertAxe(page, 'the portal\'s login page');
    await loginThroughDevIdp(page, 'Anna Jensen', { atPicker: (p) => assertAxe(p, 'the dev IdP\'s picker') });
    await waitForPlan(page);
    await assertAxe(page, 'the plan');
    await page.getByRole('link', { name: 'Besked til dig' }).click();
    await page.getByRole('heading', { level: 1, name: 'Besked til dig' }).waitFor();
    await assertAxe(page, 'Besked til dig');
    await page.getByRole('checkbox', { name: 'Send mig en e-mail, når der er nyt' }).check();
    await page.getByLabel('Din e-mailadresse').fill(EMAIL);
    await page.getByRole('button', { name: 'Gem mine valg' }).click();
    await page.locator('#flash').getByText('Dine valg er gemt. Du får en e-mail, når der er nyt.').waitFor();
    assert.deepEqual(q(`SELECT email, email_on FROM notification_settings WHERE citizen_id = ${annaId}`), [[EMAIL, '1']]);
    await checked(page, 'Besked til dig, saved', 'notify-on');
  });

  it('she writes to her contact person on "Beskeder"', async () => {
    const { page } = anna;
    await page.goto(`${url}/#/plan`);
    await waitForPlan(page);
    await page.locator('#contact-messages').click();
    await page.getByRole('heading', { level: 1, name: 'Beskeder' }).waitFor();
    await page.getByText(/Her skriver du med Jonas Madsen/).waitFor();
    await page.getByRole('textbox', { name: 'Din besked' }).fill(message);
    await page.getByRole('button', { name: 'Send besked' }).click();
    const mine = page.locator('.message-mine', { hasText: mark });
    await mine.waitFor();
    assert.equal(await mine.locator('.message-text').innerText(), message);
    texts.push(message);
    await checked(page, 'Beskeder', 'message');
  });

  it('she adds a point to her next meeting\'s agenda on "Mine møder"', async () => {
    const { page } = anna;
    await open('#/moeder', 'Mine møder');
    const card = page.locator('.meeting-card').first();
    await card.getByText('Hvordan gik besøgene i dyrehandlerne?', { exact: false }).waitFor();
    await card.getByRole('textbox', { name: 'Det vil jeg gerne tale om' }).fill(point);
    await card.getByRole('button', { name: 'Tilføj punkt' }).click();
    await card.getByText('Dit punkt er sat på dagsordenen.').waitFor();
    assert.equal(await card.locator('.point').filter({ hasText: mark }).locator('.point-text').innerText(), point);
    texts.push(point);
    await checked(page, 'Mine møder with her point', 'agenda-point');
    // Nothing she did herself is news to her.
    assert.equal(mails().length, 0, 'an e-mail for the citizen\'s own doings');
  });

  it('her caseworker changes a goal: one e-mail, with the fixed text and the link only', async () => {
    goal.after = `${goal.title} ${marker('ændret')}`;
    texts.push(goal.title, goal.after);
    expectJson(await mette.call('PATCH', `${ADMIN}/citizens/${annaId}/goals/${goal.id}`, { title: goal.after, hours_per_week: goal.hours + 1 }), 200);
    await expectMail(1, Date.now(), 'the goal change');
  });

  it('on "Sig ja" she sees exactly that change, before and after, and answers "Ikke endnu" with a comment', async () => {
    const { page } = anna;
    await open('#/ja', 'Sig ja til planen');
    const items = page.locator('.change-list > li');
    await items.first().waitFor();
    assert.equal(await items.count(), 1, 'one change since her yes');
    const fields = items.first().locator('.change-fields > li');
    assert.equal(await fields.count(), 2, 'two fields changed: the title and the hours');
    const title = fields.filter({ hasText: 'titel' });
    assert.equal(await title.locator('del').textContent(), `gælder ikke længere: ${goal.title}`);
    assert.equal(await title.locator('ins').textContent(), `gælder nu: ${goal.after}`);
    const hours = fields.filter({ hasText: 'timer om ugen' });
    assert.equal(await hours.locator('del').textContent(), `gælder ikke længere: ${goal.hours}`);
    assert.equal(await hours.locator('ins').textContent(), `gælder nu: ${goal.hours + 1}`);
    await page.getByText(/Af Mette Sørensen, Koordinerende sagsbehandler/).first().waitFor();
    await checked(page, 'Sig ja with the change', 'changes');
    await page.getByRole('textbox', { name: /Hvad vil du gerne tale om\?/ }).fill(notYet);
    await page.getByRole('button', { name: 'Ikke endnu — jeg vil gerne tale om det først' }).click();
    await page.locator('#view').getByText('Tak. Din kontaktperson kan se, at du gerne vil tale om planen først.').waitFor();
    assert.equal(await page.locator('.alert q.keep-lines').innerText(), notYet);
    texts.push(notYet);
    await checked(page, 'Sig ja after "Ikke endnu"', 'not-yet');
  });

  it('her contact person sees the "not yet" in his caseload and on her page, reads her message and answers it', async () => {
    const { page } = jonas;
    await page.goto(`${url}/admin/`);
    await page.getByRole('button', { name: 'Log ind', exact: true }).waitFor();
    await assertAxe(page, 'the caseworker pages\' login');
    await loginStaffThroughDevIdp(page, 'Jonas Madsen', { atPicker: (p) => assertAxe(p, 'the dev IdP\'s staff picker') });
    await adminSettled(page);
    const row = page.locator('.caseload-row', { hasText: 'Anna Jensen' });
    await row.locator('.badge', { hasText: 'Borgeren siger: ikke endnu' }).waitFor();
    await row.locator('.badge', { hasText: '1 ulæst besked' }).waitFor();
    assert.equal(await row.locator('q').innerText(), notYet);
    await checked(page, 'the caseload with her "not yet"', 'staff-caseload');

    await row.getByRole('link', { name: 'Anna Jensen' }).click();
    await adminSettled(page);
    const said = page.locator('section', { has: page.getByRole('heading', { name: 'Borgeren vil gerne tale om planen først' }) });
    assert.equal(await said.locator('blockquote').innerText(), notYet);
    const thread = page.locator('section', { has: page.getByRole('heading', { name: /^Beskeder/ }) });
    await thread.getByText('Vis beskeder').click();
    assert.equal(await thread.locator('.message', { hasText: mark }).locator('.message-text').innerText(), message);
    await assertAxe(page, 'the citizen page with her "not yet" and her message');
    await thread.getByRole('textbox', { name: 'Skriv til borgeren' }).fill(answer);
    const sent = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/citizens/${annaId}/messages`));
    await thread.getByRole('button', { name: 'Send besked' }).click();
    assert.equal((await sent).status(), 201);
    const t0 = Date.now();
    await thread.locator('.message', { hasText: 'Det tager vi på mødet.' }).waitFor();
    texts.push(answer);
    await shot(page, 'staff-answer');
    await expectMail(2, t0, 'the staff\'s answer');
  });

  it('he sees her point on the meeting\'s agenda', async () => {
    const { page } = jonas;
    await page.goto(`${url}/admin/#/borger/${annaId}/moeder`);
    await adminSettled(page);
    const mine = page.locator('.point-list li', { hasText: mark });
    await mine.waitFor();
    assert.equal(await mine.locator('.pre-line').innerText(), point);
    assert.match(await mine.locator('.point-by').innerText(), /Anna Jensen/);
    await checked(page, 'the meetings of the citizen', 'staff-meetings');
    assert.deepEqual(unexpectedConsoleErrors(jonas.seen), []);
    assert.deepEqual(jonas.seen.pageErrors, []);
  });

  it('later she says yes and gets the receipt; the "not yet" leaves his caseload; she finds his answer', async () => {
    const { page } = anna;
    await open('#/ja', 'Sig ja til planen');
    await page.getByRole('button', { name: /^Ja, jeg siger ja til planen/ }).click();
    await page.locator('#view').getByText('Tak. Du har sagt ja til planen.').waitFor();
    const receipt = page.locator('section.receipt');
    await receipt.getByRole('heading', { name: 'Din kvittering' }).waitFor();
    await receipt.getByText(goal.after, { exact: false }).waitFor();
    assert.match(await receipt.innerText(), /Du sagde ja til version \d+ den/);
    await checked(page, 'Sig ja with the receipt', 'receipt');
    const row = expectJson(await mette.call('GET', `${ADMIN}/citizens?limit=500`), 200).citizens.find((c) => c.id === annaId);
    assert.equal(row.not_yet, null);
    assert.ok(!row.needs_action.includes('not_yet'), JSON.stringify(row.needs_action));

    // The e-mail's link leads to the portal; the contact card counts his answer.
    await page.goto(`${url}/`);
    await waitForPlan(page);
    await page.locator('#contact-messages').filter({ hasText: '1 ny besked' }).click();
    const theirs = page.locator('.message', { hasText: 'Det tager vi på mødet.' });
    await theirs.waitFor();
    assert.equal(await theirs.locator('.message-text').innerText(), answer);
    await assertAxe(page, 'Beskeder with his answer');
    assert.deepEqual(unexpectedConsoleErrors(anna.seen), []);
    assert.deepEqual(anna.seen.pageErrors, []);
  });

  it(`the SMTP server got exactly ${EVENTS.length} e-mails, one per event, with no personal data`, async () => {
    // One sender round more: nothing late, nothing twice.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(mails().length, EVENTS.length, JSON.stringify(mails().map((m) => m.at)));
    assert.equal(sink.mails.length, EVENTS.length, 'an e-mail to someone else');
    const rows = q(`SELECT kind, channel, status, attempts FROM outbox WHERE citizen_id = ${annaId} ORDER BY id`);
    assert.deepEqual(rows, EVENTS.map((k) => [k, 'email', 'sent', '1']));
    const secrets = [...NAMES, CPR, `${CPR.slice(0, 6)}-${CPR.slice(6)}`, mark, ...texts];
    for (const mail of mails()) {
      assert.equal(mail.from, FROM);
      assert.deepEqual(mail.to, [EMAIL]);
      const { head, text: raw } = mailParts(mail);
      const text = raw.replace(/\r\n/g, '\n');
      assert.match(head, /^Subject: Nyt i Kaptajn$/m);
      assert.match(head, /^From: Kaptajn <kaptajn@kommune\.example\.dk>$/m);
      assert.equal(text, 'Der er nyt i Kaptajn.\n\nLog ind og se det her:\n'
        + `${url}/\n\nBeskeden er sendt automatisk, og du kan ikke svare på den. Du kan slå beskeder fra i Kaptajn under "Besked til dig".\n`);
      for (const s of secrets) {
        for (const part of s.split('\n').filter(Boolean)) {
          assert.ok(!mail.data.includes(part) && !text.includes(part), `the e-mail holds "${part}"`);
        }
      }
    }
    // The stack's own logs, the ASan build's among them, hold no sanitizer report.
    await browser.close();
    browser = null;
    await stopOwnStack(VAR);
  });
});
