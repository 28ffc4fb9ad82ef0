// The household on the caseworker pages at a phone's size: Peter opens
// Lars Hansen's plan, whose "Husstand" section lists the adults and Emil
// with his birth date; on "Børn og fraflytning" a birth date to come is
// refused where it was typed, then a child is added through the form and
// listed on the plan page. axe-core checks each state; screenshots in
// VAR/screenshots/household-*.png.
//
// Holds the locks of lars and sofie and removes the child it added.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  BASE, SKIP, adminSettled, assertAxe, holdCitizen, launch, loginStaffThroughDevIdp, phoneContext, shot,
  sql, startShots, staffApi, unexpectedConsoleErrors, watchedPage,
} from './lib.mjs';


const CHILD = `Barn Test ${crypto.randomBytes(3).toString('hex')}`;

describe('a household on a phone', { skip: SKIP }, () => {
  let browser;
  let page;
  let seen;
  const releases = [];
  let lars;

  before(async () => {
    releases.push(await holdCitizen('lars'), await holdCitizen('sofie'));
    startShots('household');
    const peter = await staffApi('peter');
    lars = (await peter.request('GET', '/admin/api/v1/citizens')).json.citizens.find((c) => c.name === 'Lars Hansen').id;
    browser = await launch();
    ({ page, seen } = await watchedPage(await phoneContext(browser)));
  });

  after(async () => {
    try {
      if (process.env.KAPTAJN_DB_SOCKET) sql(`DELETE FROM children WHERE name = '${CHILD}'`);
    } finally {
      if (browser) await browser.close();
      for (const r of releases) r();
    }
  });

  const section = () => page.getByRole('region', { name: 'Husstand' });

  it('Lars\'s plan has a "Husstand" section with the adults and Emil\'s birth date; it passes axe', async () => {
    await page.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(page, 'Peter Nielsen');
    await adminSettled(page);
    await page.goto(`${BASE}/admin/#/borger/${lars}`);
    await adminSettled(page);
    await section().getByText('Sofie Hansen').waitFor();
    await section().getByText('Emil Hansen – født 4. maj 2015').waitFor();
    await section().getByText('Lars Hansen').waitFor();
    await assertAxe(page, 'the plan page with the household');
    await shot(page, 'plan');
  });

  it('a birth date to come is refused at the field; nothing is added', async () => {
    await section().getByRole('link', { name: 'Børn og fraflytning' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${lars}/husstand`);
    await adminSettled(page);
    await page.getByRole('textbox', { name: 'Barnets navn' }).fill(CHILD);
    const born = page.getByRole('textbox', { name: 'Fødselsdato' });
    await born.fill(`${new Date().getUTCFullYear() + 1}-01-01`);
    await page.getByRole('button', { name: 'Tilføj barn' }).click();
    await page.locator('.form-error-message', { hasText: 'ikke i fremtiden' }).waitFor();
    assert.equal(await born.getAttribute('aria-invalid'), 'true');
    await assertAxe(page, 'the child form with the date error');
    await shot(page, 'date-error');
    if (process.env.KAPTAJN_DB_SOCKET) assert.deepEqual(sql(`SELECT COUNT(*) FROM children WHERE name = '${CHILD}'`), [['0']]);
  });

  it('a child is added through the form and listed on the plan page', async () => {
    await page.getByRole('textbox', { name: 'Fødselsdato' }).fill('2019-06-01');
    await page.getByRole('button', { name: 'Tilføj barn' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${lars}`);
    await adminSettled(page);
    await page.locator('#flash').getByText(`${CHILD} er tilføjet husstanden.`).waitFor();
    await section().getByText(`${CHILD} – født 1. juni 2019`).waitFor();
    await assertAxe(page, 'the plan page after a child was added');
    await shot(page, 'added');
    const posted = seen.apiCalls.filter((c) => c.method === 'POST' && /\/households\/\d+\/children$/.test(c.path));
    assert.equal(posted.length, 1, 'one POST of the child (the refused date was never sent)');
    assert.ok(posted[0].csrf, 'the POST carried X-CSRF-Token');
  });

  it('the move-out form asks for a confirmation before anything is sent; it passes axe', async () => {
    await page.goto(`${BASE}/admin/#/borger/${lars}/husstand`);
    await adminSettled(page);
    await page.getByRole('radio', { name: 'Sofie Hansen' }).check();
    await page.getByRole('button', { name: 'Flyt ud' }).click();
    await page.locator('.form-error-message', { hasText: 'Bekræft fraflytningen' }).waitFor();
    assert.equal(seen.apiCalls.filter((c) => /move-out/.test(c.path)).length, 0, 'a move-out was sent unconfirmed');
    await assertAxe(page, 'the move-out form asking for confirmation');
    await shot(page, 'move-confirm');
  });

  it('nothing went wrong in the console', () => {
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
  });
});
