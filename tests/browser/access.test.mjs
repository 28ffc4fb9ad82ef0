// "Who looked at my data", progress in one's own words, and offline
// navigation, in Chromium at 390x844. A citizen enrolled for this file
// (so that their log holds only what the test did) reads their access log
// in plain words: runs of reads with a count, the CPR number's reason, no
// caseload list; marks how a sub-goal goes; and, offline, a page that
// cannot come says so and comes by itself when the connection is back.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BASE, SKIP, assertAxe, launch, phoneContext, shot, startShots, unexpectedConsoleErrors, watchedPage } from './lib.mjs';
import { ADMIN, HAVE_DB, enrolFresh, expectJson, forgetCitizens, holdCitizens, loginStaff, staffId } from '../integration/lib.mjs';

const PREFIX = `Indsigt Browser ${crypto.randomBytes(3).toString('hex')}`;
const WHY = 'Udbetaling af ydelse';

describe('access log, progress and offline on a phone', { skip: SKIP }, () => {
  let browser;
  let ctx;
  let page;
  let seen;
  let release;
  let citizen;
  let sub;
  before(async () => {
    release = await holdCitizens('staff-assignments');
    startShots('access');
    const mette = await loginStaff('mette');
    citizen = await enrolFresh(mette, `${PREFIX} Dorte`, { contact_staff_id: await staffId('jonas') });
    const goal = { description: 'Skridt for skridt', area: 'job', legal_basis: 'LAB §30 a' };
    const g = expectJson(await mette.post(`${ADMIN}/citizens/${citizen.id}/goals`, { ...goal, title: 'Komme i job' }), 201).goal;
    sub = expectJson(await mette.post(`${ADMIN}/citizens/${citizen.id}/goals`, { ...goal, title: 'Søge tre job om ugen', parent_goal_id: g.id }), 201).goal;
    for (let i = 0; i < 3; i++) expectJson(await mette.get(`${ADMIN}/citizens/${citizen.id}/plan`), 200);
    expectJson(await mette.get(`${ADMIN}/citizens?limit=500`), 200);
    expectJson(await mette.post(`${ADMIN}/citizens/${citizen.id}/cpr`, { reason: WHY }), 200);
    browser = await launch();
    ctx = await phoneContext(browser);
    const [name, value] = citizen.session.cookie.split('=');
    await ctx.addCookies([{ name, value, url: BASE, httpOnly: true, secure: true, sameSite: 'Strict' }]);
    await ctx.addInitScript((csrf) => sessionStorage.setItem('kaptajn.csrf', csrf), citizen.session.csrf);
    ({ page, seen } = await watchedPage(ctx));
  });
  after(async () => {
    try {
      if (browser) await browser.close();
      if (HAVE_DB) forgetCitizens(PREFIX);
    } finally {
      if (release) release();
    }
  });

  it('#/indsigt says what was read, how many times and why, and no caseload list; axe-clean', async () => {
    await page.goto(`${BASE}/#/indsigt`);
    await page.getByRole('heading', { level: 1, name: 'Hvem har set mine data' }).waitFor();
    const items = page.locator('.access-item');
    await items.first().waitFor();
    const texts = await items.allInnerTexts();
    const cpr = texts.find((x) => x.includes('Så dit CPR-nummer'));
    assert.ok(cpr && cpr.includes(`Begrundelse: ${WHY}`), `no CPR line with its reason: ${JSON.stringify(texts)}`);
    const plan = texts.find((x) => x.includes('Læste din plan'));
    assert.ok(plan && /3 gange, fra .+ til .+/.test(plan), `no plan line with its count: ${JSON.stringify(texts)}`);
    assert.ok(!texts.some((x) => /borgere|sagsliste/.test(x)), `the caseload list is shown: ${JSON.stringify(texts)}`);
    assert.ok(texts.some((x) => x.includes('Skrev dig ind i et forløb')), `the enrolment is not in words: ${JSON.stringify(texts)}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width}px wide`);
    await shot(page, 'indsigt');
    await assertAxe(page, '#/indsigt');
  });

  it('on the plan, a sub-goal offers "Hvordan går det?": the citizen picks one of six and a note, and it is kept', async () => {
    await page.goto(`${BASE}/#/plan`);
    const box = page.locator('.subgoal', { hasText: 'Søge tre job om ugen' });
    await box.locator('summary', { hasText: 'Hvordan går det?' }).click();
    assert.equal(await box.locator('input[type=radio]').count(), 6);
    await box.getByLabel('Det går bedre').check();
    await box.getByLabel('Skriv evt. et par ord (ikke påkrævet)').fill('Jeg har søgt to\nog fået svar på ét');
    await assertAxe(page, 'the plan with the progress form open');
    await box.getByRole('button', { name: 'Gem' }).click();
    await page.locator('.subgoal', { hasText: 'Søge tre job om ugen' }).getByText('Sidst sagt: Det går bedre').waitFor();
    const { plan } = await citizen.session.plan();
    assert.deepEqual(plan.progress.map((p) => [p.goal_id, p.status, p.note]), [[sub.id, 'improving', 'Jeg har søgt to\nog fået svar på ét']]);
    await shot(page, 'progress');
  });

  it('offline, a page that cannot come says so, and comes by itself when the connection is back', async () => {
    await page.goto(`${BASE}/#/plan`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await ctx.setOffline(true);
    await page.evaluate(() => { location.hash = '#/historik'; });
    await page.getByText('Du er offline. Siden vises, når forbindelsen er tilbage.').first().waitFor();
    await shot(page, 'offline');
    await assertAxe(page, 'the offline message');
    await ctx.setOffline(false);
    await page.getByRole('heading', { level: 1, name: /historik/i }).waitFor();
    assert.equal(await page.locator('#view').getByText('Du er offline').count(), 0, 'the offline message stays after the connection is back');
  });

  it('offline, a page whose data cannot come says so too, and shows its data when the connection is back', async () => {
    await page.goto(`${BASE}/#/plan`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await ctx.setOffline(true);
    await page.evaluate(() => { location.hash = '#/indsigt'; });
    await page.getByText('Du er offline. Siden vises, når forbindelsen er tilbage.').first().waitFor();
    await ctx.setOffline(false);
    await page.locator('.access-item').first().waitFor();
  });

  it('no unexpected console errors', () => {
    assert.deepEqual(unexpectedConsoleErrors(seen).filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|dynamically imported module/i.test(e)), []);
  });
});
