// Consent first, in Chromium at a phone's size: nanna (seeded without
// consent) logs in and sees the consent page before anything else, says
// yes and sees her plan; then withdraws it (with a confirmation) and sees
// why her plan is locked and how to open it again. axe-core checks each
// page. Needs the database to put nanna back to "no consent yet" first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE, SKIP, assertAxe, holdCitizen, launch, loginThroughDevIdp, phoneContext, shot, startShots, unexpectedConsoleErrors, waitForPlan, watchedPage } from './lib.mjs';
import { HAVE_DB, citizenId, sql, sqlInt } from '../integration/lib.mjs';

describe('consent on a phone', { skip: SKIP || (!HAVE_DB && 'no database to reset the citizen') }, () => {
  let browser;
  let page;
  let seen;
  let release;
  before(async () => {
    release = await holdCitizen('nanna');
    startShots('consent');
    const id = sqlInt(await citizenId('nanna'));
    sql(`DELETE FROM consents WHERE citizen_id = ${id};
         UPDATE citizens SET consent = 'none', consent_at = NULL, rev = rev + 1 WHERE id = ${id};
         UPDATE plans p JOIN citizens c ON c.plan_id = p.id SET p.frozen = 0 WHERE c.id = ${id}`);
    browser = await launch();
    const ctx = await phoneContext(browser);
    ({ page, seen } = await watchedPage(ctx));
    await page.goto(`${BASE}/`);
  });
  after(async () => {
    try {
      if (browser) await browser.close();
    } finally {
      if (release) release();
    }
  });

  it('after login the consent page comes first, in plain Danish, and is axe-clean', async () => {
    await loginThroughDevIdp(page, 'Nanna Berg');
    await page.getByRole('heading', { level: 1, name: 'Samtykke til den fælles plan' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/samtykke');
    await page.getByRole('heading', { name: 'Hvad sker der, hvis jeg siger nej?' }).waitFor();
    await page.getByRole('button', { name: 'Nej tak, ikke nu' }).waitFor();
    await assertAxe(page, 'the consent page');
    await shot(page, 'consent-first');
  });

  it('the plan is not reachable before consent: #/plan shows the consent page', async () => {
    await page.evaluate(() => { location.hash = '#/plan'; });
    await page.getByRole('heading', { level: 1, name: 'Samtykke til den fælles plan' }).waitFor();
  });

  it('"Ja, jeg giver samtykke" leads to the plan', async () => {
    await page.getByRole('button', { name: 'Ja, jeg giver samtykke' }).click();
    await waitForPlan(page);
    assert.equal(await page.getByText('Planen er låst').count(), 0);
    await assertAxe(page, 'the plan after consent');
  });

  it('withdrawing asks first, then the plan shows plainly why it is locked and how to open it', async () => {
    await page.evaluate(() => { location.hash = '#/samtykke'; });
    await page.getByRole('button', { name: 'Træk mit samtykke tilbage' }).click();
    await page.getByText('Vil du trække dit samtykke tilbage?').waitFor();
    await assertAxe(page, 'the withdrawal confirmation');
    await page.getByRole('button', { name: 'Ja, træk samtykket tilbage' }).click();
    await page.getByRole('button', { name: 'Giv samtykke igen' }).waitFor();
    await page.evaluate(() => { location.hash = '#/plan'; });
    await waitForPlan(page);
    await page.getByText('Planen er låst').waitFor();
    await page.getByRole('link', { name: 'Se dit samtykke' }).waitFor();
    await assertAxe(page, 'the frozen plan');
    await shot(page, 'plan-frozen');
  });

  it('giving consent again opens the plan, and nothing went wrong in the console', async () => {
    await page.getByRole('link', { name: 'Se dit samtykke' }).click();
    await page.getByRole('button', { name: 'Giv samtykke igen' }).click();
    await waitForPlan(page);
    assert.equal(await page.getByText('Planen er låst').count(), 0);
    // The first plan read before consent is the 403 the portal handles.
    assert.deepEqual(unexpectedConsoleErrors(seen).filter((t) => !/status of 403/.test(t)), []);
    assert.deepEqual(seen.pageErrors, []);
  });
});
