// Enrolment in Chromium at a phone's size: Mette opens "Indskriv borger"
// from her caseload, types a CPR number whose date cannot be (the error
// shows as she types), then a right one, a name and a contact person, and
// lands on the new citizen's page; her caseload says the citizen has not
// logged in yet; the same number again is said plainly to be enrolled
// already. The number is never in an address the page had or asked for.
// axe-core checks each state; screenshots in VAR/screenshots/enrol-*.png.
//
// Holds the staff-assignments lock (other files count the demo caseloads)
// and removes the citizen it enrolled.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  forgetCitizens,
  BASE,
  SKIP,
  adminSettled,
  assertAxe,
  holdCitizen,
  launch,
  loginStaffThroughDevIdp,
  phoneContext,
  shot,
  sql,
  startShots,
  unexpectedConsoleErrors,
  watchedPage,
} from './lib.mjs';


// A real date in the 1900s (seventh digit 0-3) and a random serial.
const CPR = `${String(1 + crypto.randomInt(28)).padStart(2, '0')}${String(1 + crypto.randomInt(12)).padStart(2, '0')}${String(crypto.randomInt(100)).padStart(2, '0')}${crypto.randomInt(4)}${String(crypto.randomInt(1000)).padStart(3, '0')}`;
const DASHED = `${CPR.slice(0, 6)}-${CPR.slice(6)}`;
const NAME = `Ny Borger ${crypto.randomBytes(3).toString('hex')}`;

describe('enrolling a citizen on a phone', { skip: SKIP }, () => {
  let browser;
  let page;
  let seen;
  let release;
  const visited = [];

  before(async () => {
    release = await holdCitizen('staff-assignments');
    startShots('enrol');
    browser = await launch();
    const ctx = await phoneContext(browser);
    ({ page, seen } = await watchedPage(ctx));
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) visited.push(f.url());
    });
  });

  after(async () => {
    try {
      if (process.env.KAPTAJN_DB_SOCKET) {
        forgetCitizens(NAME);
      }
    } finally {
      if (browser) await browser.close();
      if (release) release();
    }
  });

  const cprBox = () => page.getByRole('textbox', { name: 'CPR-nummer' });

  it('Mette opens "Indskriv borger" from her caseload; the form passes axe', async () => {
    await page.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(page, 'Mette Sørensen');
    await adminSettled(page);
    await page.getByRole('link', { name: 'Indskriv borger' }).click();
    await adminSettled(page);
    assert.equal(new URL(page.url()).hash, '#/indskriv');
    await page.getByRole('heading', { level: 1, name: 'Indskriv borger' }).waitFor();
    const method = await page.locator('form.admin-form').getAttribute('method');
    assert.equal(method, 'post', 'the form is no GET form');
    await assertAxe(page, 'the enrolment form');
    await shot(page, 'form');
  });

  it('a CPR number whose date cannot be shows the error as it is typed, and it goes when the date is right', async () => {
    const error = page.locator('.form-error-message', { hasText: 'rigtig dato' });
    await cprBox().pressSequentially('3002');
    await error.waitFor();
    assert.equal(await cprBox().getAttribute('aria-invalid'), 'true');
    await assertAxe(page, 'the form with the date error');
    await shot(page, 'date-error');
    await cprBox().fill('');
    await cprBox().pressSequentially('290200-0');
    await error.waitFor(); // 29.02.1900: no leap year
    await cprBox().fill('');
    await cprBox().pressSequentially('290200-4');
    await error.waitFor({ state: 'hidden' }); // 29.02.2000
    await cprBox().fill('');
    await cprBox().pressSequentially('07a');
    await page.locator('.form-error-message', { hasText: '10 cifre' }).waitFor();
    await cprBox().fill('');
    await cprBox().pressSequentially(DASHED);
    await page.locator('.form-group.form-error').first().waitFor({ state: 'detached' }).catch(() => {});
    assert.equal(await page.locator('.form-error-message:visible').count(), 0, 'an error stays after a right number');
  });

  it('with a name and a contact person the citizen is enrolled, and her page follows', async () => {
    await page.getByRole('textbox', { name: 'Navn' }).fill(NAME);
    await page.getByRole('combobox', { name: /Kontaktperson/ }).selectOption({ label: 'Jonas Madsen – Mentor' });
    await page.getByRole('button', { name: 'Indskriv borger' }).click();
    await page.waitForURL((u) => /^#\/borger\/\d+$/.test(u.hash));
    await adminSettled(page);
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    await page.locator('#flash').getByText(`${NAME} er indskrevet.`).waitFor();
    await shot(page, 'citizen');
    const posted = seen.apiCalls.filter((c) => c.method === 'POST' && c.path === '/admin/api/v1/citizens');
    assert.equal(posted.length, 1);
    assert.ok(posted[0].csrf, 'the POST carried X-CSRF-Token');
  });

  it('her caseload says the new citizen has not logged in yet', async () => {
    await page.goto(`${BASE}/admin/#/borgere`);
    await adminSettled(page);
    const row = page.locator('.caseload-row', { hasText: NAME });
    await row.getByText('Ikke logget ind endnu').waitFor();
    await assertAxe(page, 'the caseload with a citizen never logged in');
  });

  it('the same number again is said plainly to be enrolled already', async () => {
    await page.getByRole('link', { name: 'Indskriv borger' }).click();
    await adminSettled(page);
    await cprBox().pressSequentially(CPR);
    await page.getByRole('textbox', { name: 'Navn' }).fill(`${NAME} igen`);
    await page.getByRole('button', { name: 'Indskriv borger' }).click();
    await page.getByText('Borgeren er allerede indskrevet').waitFor();
    assert.equal(new URL(page.url()).hash, '#/indskriv');
    await assertAxe(page, 'the form after 409');
    await shot(page, 'already');
    if (process.env.KAPTAJN_DB_SOCKET) assert.equal(sql(`SELECT COUNT(*) FROM citizens WHERE name LIKE '${NAME}%'`)[0][0], '1');
  });

  it('the CPR number was never in an address the page had or asked for, and nothing went wrong', () => {
    for (const u of [...visited, ...seen.urls]) {
      assert.ok(!u.includes(CPR) && !u.includes(DASHED) && !u.includes(CPR.slice(0, 6)), `the number is in ${u}`);
    }
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
    assert.deepEqual(seen.pageErrors, []);
  });
});
