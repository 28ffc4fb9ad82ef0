// Forming a household from a citizen's page on a phone (390×844): the
// caseworker names it, picks the other adult, confirms that the plans are
// joined, and both then share one plan. Two citizens of the test's own,
// enrolled through the API and deleted afterwards.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  BASE,
  SKIP,
  adminSettled,
  assertAxe,
  forgetCitizens,
  holdCitizen,
  launch,
  loginStaffThroughDevIdp,
  phoneContext,
  shot,
  sql,
  staffApi,
  startShots,
  unexpectedConsoleErrors,
  watchedPage,
} from './lib.mjs';

const PREFIX = `Husstand Test ${crypto.randomBytes(3).toString('hex')}`;
const HOUSEHOLD = `Familien ${crypto.randomBytes(3).toString('hex')}`;
const cpr = () => `${String(1 + crypto.randomInt(28)).padStart(2, '0')}${String(1 + crypto.randomInt(12)).padStart(2, '0')}${String(crypto.randomInt(100)).padStart(2, '0')}${crypto.randomInt(4)}${String(crypto.randomInt(1000)).padStart(3, '0')}`;

describe('forming a household from a citizen\'s page on a phone', { skip: SKIP || (!process.env.KAPTAJN_DB_SOCKET && 'no database to clean up in') }, () => {
  let browser;
  let page;
  let seen;
  let release;
  let mette;
  const ids = [];

  before(async () => {
    release = await holdCitizen('staff-assignments');
    startShots('household-form');
    mette = await staffApi('mette');
    for (const who of ['Anne', 'Bo']) {
      const res = await mette.request('POST', '/admin/api/v1/citizens', { cpr: cpr(), name: `${PREFIX} ${who}` });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      ids.push(res.json.id);
    }
    browser = await launch();
    ({ page, seen } = await watchedPage(await phoneContext(browser)));
  });

  after(async () => {
    try {
      forgetCitizens(PREFIX);
      sql(`DELETE FROM plans WHERE household_id IN (SELECT id FROM households WHERE name = '${HOUSEHOLD}') AND id NOT IN (SELECT plan_id FROM citizens);
           DELETE FROM households WHERE name = '${HOUSEHOLD}' AND id NOT IN (SELECT household_id FROM plans WHERE household_id IS NOT NULL)`);
    } finally {
      if (browser) await browser.close();
      if (release) release();
    }
  });

  it('the page asks for a name and a confirmation before anything is sent', async () => {
    await page.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(page, 'Mette Sørensen');
    await page.goto(`${BASE}/admin/#/borger/${ids[0]}`);
    await adminSettled(page);
    await page.getByRole('link', { name: 'Dan en husstand' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${ids[0]}/ny-husstand`);
    await adminSettled(page);
    await page.getByRole('button', { name: 'Dan husstand' }).click();
    await page.locator('.form-error-message', { hasText: 'Skriv husstandens navn.' }).first().waitFor();
    await page.locator('.form-error-message', { hasText: 'Bekræft, at planerne skal lægges sammen.' }).first().waitFor();
    assert.ok(!seen.apiCalls.some((c) => c.method === 'POST' && c.path === '/admin/api/v1/households'), 'nothing was sent');
    await assertAxe(page, 'the household form with its errors');
    await shot(page, 'errors');
  });

  it('with a name, the other adult and the confirmation, both share one plan', async () => {
    await page.getByRole('textbox', { name: 'Husstandens navn' }).fill(HOUSEHOLD);
    await page.getByRole('checkbox', { name: `${PREFIX} Bo` }).check();
    await page.getByRole('checkbox', { name: 'Jeg bekræfter, at planerne skal lægges sammen.' }).check();
    await page.getByRole('button', { name: 'Dan husstand' }).click();
    await page.locator('#flash', { hasText: `${HOUSEHOLD} er dannet.` }).waitFor();
    await adminSettled(page);
    await page.locator('section[aria-labelledby="household-heading"] li', { hasText: `${PREFIX} Bo` }).waitFor();
    await assertAxe(page, 'the citizen page with the new household');
    await shot(page, 'formed');
    const [[a, b]] = sql(`SELECT (SELECT plan_id FROM citizens WHERE id = ${ids[0]}), (SELECT plan_id FROM citizens WHERE id = ${ids[1]})`);
    assert.equal(a, b, 'one shared plan');
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
  });
});
