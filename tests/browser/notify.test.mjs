// Besked til dig in Chromium at a phone's size: Mohammed opens the page
// from his plan and reads that a message only ever says "Der er nyt i
// Kaptajn"; SMS, which this stack does not send, is shown as not
// available, not offered; turning e-mail on without an address, and then
// with a bad one, shows the error at the field, keeps what he typed and
// changes nothing on the server; a good address saves, and turning it off
// saves. axe-core checks the page and its error state; nothing overflows
// at 390 or 360 px.
//
// Needs a stack that offers e-mail and not SMS: scripts/test gives its
// shared stack an smtp_url (a closed port on loopback). By hand:
//   KAPTAJN_CONFIG_EXTRA=$'smtp_url = smtp://127.0.0.1:9\nsmtp_from = kaptajn@kommune.example.dk' \
//     scripts/stack start var/mine PORT
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BASE, SKIP, assertAxe, browserSession, holdCitizen, launch, loginThroughDevIdp, phoneContext, shot, sql, startShots, unexpectedConsoleErrors, waitForPlan, watchedPage } from './lib.mjs';
import { HAVE_DB, citizenId, sqlInt } from '../integration/lib.mjs';

const CONF = process.env.KAPTAJN_CONFIG && fs.existsSync(process.env.KAPTAJN_CONFIG) ? fs.readFileSync(process.env.KAPTAJN_CONFIG, 'utf8') : '';
const has = (key) => new RegExp(`^\\s*${key}\\s*=\\s*\\S`, 'm').test(CONF);
const NEED = SKIP || (!HAVE_DB && 'no database to reset the settings')
  || ((!has('smtp_url') || has('sms_url')) && 'the stack must offer e-mail and not SMS (smtp_url set, sms_url not; see the top of this file)');

const GOOD = 'mohammed.kt-notify@example.dk';

describe('Besked til dig on a phone', { skip: NEED }, () => {
  let browser;
  let page;
  let seen;
  let release;
  let id;
  const reset = () => sql(`DELETE FROM notification_settings WHERE citizen_id = ${id}`);
  const settings = async () => {
    const r = await (await browserSession(page)).request('GET', '/api/v1/notifications');
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const puts = () => seen.apiCalls.filter((c) => c.method === 'PUT' && c.path === '/api/v1/notifications').length;
  const noOverflow = async (what) => {
    const o = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
    assert.ok(o.scroll <= o.width, `${what}: the page is ${o.scroll} px wide in a ${o.width} px window`);
  };

  before(async () => {
    release = await holdCitizen('mohammed');
    startShots('notify');
    id = sqlInt(await citizenId('mohammed'));
    reset();
    browser = await launch();
    ({ page, seen } = await watchedPage(await phoneContext(browser)));
    await page.goto(`${BASE}/`);
    await loginThroughDevIdp(page, 'Mohammed Ali');
    await waitForPlan(page);
  });
  after(async () => {
    try {
      if (browser) await browser.close();
      if (id) reset();
    } finally {
      if (release) release();
    }
  });

  it('the plan links to the page, which says what a message says and shows SMS as not available', async () => {
    await page.getByRole('link', { name: 'Besked til dig' }).click();
    await page.getByRole('heading', { level: 1, name: 'Besked til dig' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/besked-til-dig');
    await page.getByText('Beskeden siger kun "Der er nyt i Kaptajn"').waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'Send mig en e-mail, når der er nyt' }).isChecked(), false);
    await page.getByText('Kommunen har ikke sat SMS op').waitFor();
    assert.equal(await page.getByRole('checkbox', { name: /SMS/ }).count(), 0, 'SMS is not offered');
    assert.equal(await page.getByLabel('Dit mobilnummer').count(), 0, 'no number is asked for');
    await assertAxe(page, 'Besked til dig');
    await noOverflow('390 px');
    await page.setViewportSize({ width: 360, height: 780 });
    await noOverflow('360 px');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'page');
  });

  it('e-mail on without an address, then with a bad one: the error at the field, the text kept, nothing saved', async () => {
    const on = page.getByRole('checkbox', { name: 'Send mig en e-mail, når der er nyt' });
    const address = page.getByLabel('Din e-mailadresse');
    await on.check();
    await page.getByRole('button', { name: 'Gem mine valg' }).click();
    await page.getByRole('link', { name: 'Skriv din e-mailadresse, eller slå e-mail fra.' }).waitFor();
    assert.equal(puts(), 0, 'a missing address is said before anything is sent');

    await address.fill('mohammed@eksempel');
    await page.getByRole('button', { name: 'Gem mine valg' }).click();
    const error = page.locator('.form-error .form-error-message');
    await error.filter({ hasText: 'Det ligner ikke en e-mailadresse' }).waitFor();
    assert.equal(puts(), 1, 'the server was asked');
    assert.equal(await address.getAttribute('aria-invalid'), 'true');
    assert.match(await address.getAttribute('aria-describedby'), new RegExp(await error.getAttribute('id')));
    assert.equal(await address.inputValue(), 'mohammed@eksempel');
    assert.equal(await on.isChecked(), true);
    await page.getByRole('link', { name: /Det ligner ikke en e-mailadresse/ }).waitFor();
    assert.deepEqual(await settings(), { email: null, email_on: false, email_available: true, sms: null, sms_on: false, sms_available: false });
    await assertAxe(page, 'Besked til dig with an error');
    await noOverflow('the error');
    await shot(page, 'bad-address');
  });

  it('a good address saves, with a confirmation', async () => {
    await page.getByLabel('Din e-mailadresse').fill(` ${GOOD} `);
    await page.getByRole('button', { name: 'Gem mine valg' }).click();
    await page.locator('#flash').getByText('Dine valg er gemt. Du får en e-mail, når der er nyt.').waitFor();
    assert.deepEqual(await settings(), { email: GOOD, email_on: true, email_available: true, sms: null, sms_on: false, sms_available: false });
    // Drawn again from the server: on, with the address, and no error.
    assert.equal(await page.getByRole('checkbox', { name: 'Send mig en e-mail, når der er nyt' }).isChecked(), true);
    assert.equal(await page.getByLabel('Din e-mailadresse').inputValue(), GOOD);
    assert.equal(await page.locator('.form-error').count(), 0);
    await shot(page, 'saved');
  });

  it('turning e-mail off saves, and nothing went wrong in the console', async () => {
    await page.getByRole('checkbox', { name: 'Send mig en e-mail, når der er nyt' }).uncheck();
    await page.getByRole('button', { name: 'Gem mine valg' }).click();
    await page.locator('#flash').getByText('Dine valg er gemt. Du får ingen beskeder fra Kaptajn.').waitFor();
    const s = await settings();
    assert.equal(s.email_on, false);
    assert.equal(await page.getByRole('checkbox', { name: 'Send mig en e-mail, når der er nyt' }).isChecked(), false);
    // The bad address's 400 is the one answer the page handles itself.
    assert.deepEqual(unexpectedConsoleErrors(seen).filter((t) => !/status of 400/.test(t)), []);
    assert.deepEqual(seen.pageErrors, []);
  });
});
