// Beskeder on a phone (390x844): the contact card says how many messages
// wait and leads to the thread; the citizen writes (line breaks kept), the
// text survives a reload as a draft and a dropped connection (sent once on
// "Prøv igen"); the contact person's read shows as "Læst"; the contact
// person reads and answers on the citizen page. axe on each new page.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE, SKIP,
  adminSettled, assertAxe, citizenApi, holdCitizen, launch, loginStaffThroughDevIdp, loginThroughDevIdp, marker, phoneContext, shot,
  staffApi, startShots, unexpectedConsoleErrors, waitForPlan, watchedPage,
} from './lib.mjs';

const CITIZEN = 'mohammed';
const CITIZEN_NAME = 'Mohammed Ali';
const CONTACT = 'birgitte';
const CONTACT_NAME = 'Birgitte Lund';

describe('messages between the citizen and the contact person', { skip: SKIP }, () => {
  let browser, ctx, page, seen, release, contact, citizenId;
  const mark = marker('besked');

  before(async () => {
    release = await holdCitizen(CITIZEN);
    startShots('messages');
    browser = await launch();
    ctx = await phoneContext(browser);
    ({ page, seen } = await watchedPage(ctx));
    contact = await staffApi(CONTACT);
    const list = await contact.request('GET', '/admin/api/v1/citizens?limit=500');
    citizenId = list.json.citizens.find((c) => c.name === CITIZEN_NAME).id;
    // Whatever waited before is read on both sides: the counts below are
    // this test's.
    await contact.request('GET', `/admin/api/v1/citizens/${citizenId}/messages`);
    await (await citizenApi(CITIZEN)).request('GET', '/api/v1/messages');
  });

  after(async () => {
    if (browser) await browser.close();
    if (release) release();
  });

  it('the contact card counts the new message and leads to the thread, which passes axe', async () => {
    const res = await contact.request('POST', `/admin/api/v1/citizens/${citizenId}/messages`, { text: `Hej Mohammed\nHusk mødet ${mark}` });
    assert.equal(res.status, 201, res.text);
    await page.goto(`${BASE}/`);
    await loginThroughDevIdp(page, CITIZEN_NAME);
    await waitForPlan(page);
    const link = page.locator('#contact-messages');
    await link.filter({ hasText: '1 ny besked' }).waitFor();
    await link.click();
    await page.waitForURL((u) => u.hash === '#/beskeder');
    const theirs = page.locator('.message', { hasText: mark });
    await theirs.waitFor();
    assert.match(await theirs.innerText(), /Birgitte Lund, Virksomhedskonsulent/);
    // Line breaks are kept and shown.
    assert.equal(await theirs.locator('.message-text').evaluate((el) => getComputedStyle(el).whiteSpace), 'pre-line');
    assert.equal(await theirs.locator('.message-text').innerText(), `Hej Mohammed\nHusk mødet ${mark}`);
    await assertAxe(page, 'Beskeder');
    await shot(page, 'thread');
  });

  it('a text being written survives a reload', async () => {
    const text = `Tak for beskeden\nJeg kommer ${mark}`;
    const box = page.getByRole('textbox', { name: 'Din besked' });
    await box.fill(text);
    await page.reload();
    await page.locator('.message', { hasText: mark }).first().waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Din besked' }).inputValue(), text);
    await page.getByRole('button', { name: 'Send besked' }).click();
    const mine = page.locator('.message-mine', { hasText: `Jeg kommer ${mark}` });
    await mine.waitFor();
    assert.match(await mine.innerText(), /Ikke læst endnu/);
    assert.equal(await page.getByRole('textbox', { name: 'Din besked' }).inputValue(), '');
  });

  it('a dropped connection keeps the text and says so; "Prøv igen" sends it once', async () => {
    const text = `Offline ${mark}`;
    await page.getByRole('textbox', { name: 'Din besked' }).fill(text);
    await ctx.setOffline(true);
    await page.getByRole('button', { name: 'Send besked' }).click();
    const msg = page.locator('.editor-message .alert', { hasText: 'Vi kunne ikke få forbindelse' });
    await msg.waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Din besked' }).inputValue(), text);
    assert.equal(await page.getByRole('button', { name: 'Send besked' }).isEnabled(), true);
    await shot(page, 'offline');
    await ctx.setOffline(false);
    await msg.getByRole('button', { name: 'Prøv igen' }).click();
    await page.locator('.message-mine', { hasText: text }).waitFor();
    const thread = await contact.request('GET', `/admin/api/v1/citizens/${citizenId}/messages?limit=20`);
    assert.equal(thread.json.messages.filter((m) => m.text === text).length, 1, 'stored once');
  });

  it('once the contact person has read it, the citizen sees "Læst"', async () => {
    await page.reload();
    const mine = page.locator('.message-mine', { hasText: `Offline ${mark}` });
    await mine.waitFor();
    assert.match(await mine.innerText(), /Læst /);
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
  });

  it('the contact person reads and answers on the citizen page, which passes axe', async () => {
    const res = await citizenApi(CITIZEN);
    await res.request('POST', '/api/v1/messages', { text: `Et spørgsmål ${mark}` });
    const staffCtx = await phoneContext(browser);
    const { page: admin } = await watchedPage(staffCtx);
    try {
      await admin.goto(`${BASE}/admin/`);
      await loginStaffThroughDevIdp(admin, CONTACT_NAME);
      await adminSettled(admin);
      await admin.goto(`${BASE}/admin/#/borger/${citizenId}`);
      const section = admin.locator('section', { has: admin.getByRole('heading', { name: /^Beskeder/ }) });
      await section.waitFor();
      assert.match(await section.getByRole('heading', { name: /^Beskeder/ }).innerText(), /1 ulæst/);
      await section.getByText('Vis beskeder').click();
      await section.locator('.message', { hasText: `Et spørgsmål ${mark}` }).waitFor();
      await assertAxe(admin, 'the citizen page with its messages');
      await section.getByRole('textbox', { name: 'Skriv til borgeren' }).fill(`Svar fra Birgitte ${mark}`);
      await section.getByRole('button', { name: 'Send besked' }).click();
      await section.locator('.message', { hasText: `Svar fra Birgitte ${mark}` }).waitFor();
      await shot(admin, 'admin-thread');
    } finally {
      await staffCtx.close();
    }
  });
});
