// The team leader's staff directory in Chromium at a phone's size: Lise
// (the demo leader) logs in through the dev IdP, finds "Personale" in the
// menu, adds a member and sees them listed, opens them and is asked before
// deactivating; a caseworker has no such menu item and is told the page is
// the leaders'. The citizen page offers "Flyt borger". axe-core checks
// every page; screenshots in VAR/screenshots/staff-*.png.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE, SKIP,
  adminSettled, assertAxe, launch, loginStaffThroughDevIdp, marker, phoneContext, shot, staffApi, startShots,
  unexpectedConsoleErrors, watchedPage,
} from './lib.mjs';

describe('the staff directory on a phone', { skip: SKIP }, () => {
  let browser;
  let page;
  let seen;
  const mark = marker('dir');
  const name = `Ny Kollega ${mark}`;

  before(async () => {
    startShots('staff');
    browser = await launch();
    ({ page, seen } = await watchedPage(await phoneContext(browser)));
  });
  after(async () => {
    if (browser) await browser.close();
  });

  it('the leader finds Personale in the menu; the list passes axe at 390x844', async () => {
    await page.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(page, 'Lise Berg');
    await adminSettled(page);
    const link = page.getByRole('link', { name: 'Personale' });
    assert.ok(await link.isVisible(), 'the menu has Personale for a leader');
    await link.click();
    await page.waitForURL((u) => u.hash === '#/personale');
    await adminSettled(page);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Personale');
    // The list may still be drawing after the heading: wait for the row.
    await page.getByRole('link', { name: 'Ret Mette Sørensen' }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    await assertAxe(page, 'the staff directory');
    await shot(page, 'list');
  });

  it('an empty form names the missing fields; a filled one adds the member, who is listed', async () => {
    await page.getByRole('button', { name: 'Tilføj medarbejder' }).click();
    const summary = page.locator('.form-summary');
    await summary.getByText('Udfyld Navn.').waitFor();
    await assertAxe(page, 'the add form with errors');
    await page.getByLabel('Navn', { exact: true }).fill(name);
    await page.getByLabel('Rolle').selectOption('contact');
    await page.getByLabel(/^Titel/).fill('Mentor');
    await page.getByLabel(/^Bruger-id/).fill(`${mark}-subject`);
    await page.getByRole('button', { name: 'Tilføj medarbejder' }).click();
    await page.locator('#flash', { hasText: `${name} er tilføjet.` }).waitFor();
    await adminSettled(page);
    assert.ok(await page.getByRole('link', { name: `Ret ${name}` }).isVisible(), 'the new member is listed');
    await assertAxe(page, 'the directory after adding');
    await shot(page, 'added');
  });

  it('deactivating asks first, then the member is marked deactivated', async () => {
    await page.getByRole('link', { name: `Ret ${name}` }).click();
    await adminSettled(page);
    await assertAxe(page, 'a member\'s page');
    await page.getByRole('button', { name: 'Deaktivér medarbejder' }).click();
    await page.getByText(`Vil du deaktivere ${name}?`).waitFor();
    await assertAxe(page, 'the confirmation');
    await shot(page, 'confirm');
    await page.getByRole('button', { name: 'Ja, deaktivér' }).click();
    await page.locator('#flash', { hasText: `${name} er deaktiveret og logget ud.` }).waitFor();
    await adminSettled(page);
    const item = page.locator('.staff-item', { hasText: name });
    await item.getByText('Deaktiveret').waitFor();
    await shot(page, 'deactivated');
  });

  it('a citizen\'s page offers the leader "Flyt borger" with the active caseworkers', async () => {
    const lise = await staffApi('lise');
    const { citizens } = (await lise.request('GET', '/admin/api/v1/citizens')).json;
    const anna = citizens.find((c) => c.name === 'Anna Jensen');
    await page.goto(`${BASE}/admin/#/borger/${anna.id}`);
    await adminSettled(page);
    await page.getByRole('link', { name: 'Flyt borger' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${anna.id}/flyt`);
    await adminSettled(page);
    await page.getByRole('radio', { name: /Mette Sørensen/ }).waitFor();
    assert.equal(await page.getByRole('radio', { name: new RegExp(name) }).count(), 0, 'no contact person or member who left');
    await assertAxe(page, 'the move page');
    await shot(page, 'move');
  });

  it('a caseworker has no Personale in the menu and is told the page is the leaders\'', async () => {
    const ctx2 = await phoneContext(browser);
    const { page: p2 } = await watchedPage(ctx2);
    await p2.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(p2, 'Mette Sørensen');
    await adminSettled(p2);
    assert.equal(await p2.getByRole('link', { name: 'Personale' }).count(), 0);
    await p2.goto(`${BASE}/admin/#/personale`);
    await p2.getByText('Kun teamledere kan se og rette personalet.').waitFor();
    await assertAxe(p2, 'the directory refused');
    await ctx2.close();
  });

  it('no unexpected console errors', () => {
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
  });
});
