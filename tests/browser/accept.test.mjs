// Saying yes knowingly, in Chromium at a phone's size (390x844): Mohammed
// opens "Sig ja" after his caseworker changed a goal since his last yes,
// sees the change field by field (the old title struck through and said in
// words, the new one after it), answers "Ikke endnu" with a comment that
// his contact person sees, then says yes and gets the receipt. No
// horizontal scrolling; axe-core checks each state of the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BASE, PHONE, SKIP, adminSettled, assertAxe, holdCitizen, launch, loginStaffThroughDevIdp, loginThroughDevIdp, marker, phoneContext, shot, staffApi, citizenApi,
  startShots, unexpectedConsoleErrors, waitForPlan, watchedPage,
} from './lib.mjs';
import { citizenId } from '../integration/lib.mjs';

const ADMIN = '/admin/api/v1';

describe('saying yes knowingly on a phone', { skip: SKIP }, () => {
  let browser;
  let page;
  let seen;
  let release;
  let mette;
  let birgitte;
  let mid;
  let goal;
  let title;
  before(async () => {
    release = await holdCitizen('mohammed');
    startShots('accept');
    mid = await citizenId('mohammed');
    mette = await staffApi('mette');
    birgitte = await staffApi('birgitte');
    const mohammed = await citizenApi('mohammed');
    // A goal he says yes to, then changed by his caseworker.
    title = `Få et fleksjob ${marker('g')}`;
    const made = await mette.request('POST', `${ADMIN}/citizens/${mid}/goals`, {
      title, description: 'Ti timer om ugen', area: 'job', legal_basis: 'LAB §30 a', hours_per_week: 10,
    });
    assert.equal(made.status, 201, made.text);
    goal = made.json.goal;
    const plan = (await mohammed.request('GET', '/api/v1/plan')).json;
    assert.equal((await mohammed.request('POST', '/api/v1/plan/acceptance', { version: plan.version })).status, 200);
    const changed = await mette.request('PATCH', `${ADMIN}/citizens/${mid}/goals/${goal.id}`, { title: `${title} på deltid`, hours_per_week: 15 });
    assert.equal(changed.status, 200, changed.text);
    browser = await launch();
    const ctx = await phoneContext(browser);
    ({ page, seen } = await watchedPage(ctx));
    await page.goto(`${BASE}/`);
    await loginThroughDevIdp(page, 'Mohammed Ali');
    // The portal lands on the plan first; then the test goes on from there.
    await waitForPlan(page);
  });
  after(async () => {
    try {
      if (mette && goal) await mette.request('PATCH', `${ADMIN}/citizens/${mid}/goals/${goal.id}`, { status: 'cancelled' });
      if (browser) await browser.close();
    } finally {
      if (release) release();
    }
  });

  const noSideScroll = async () => {
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client && client <= PHONE.width, `the page scrolls sideways: ${scroll} > ${client}`);
  };

  it('shows what changed, field by field: the old title struck through and said in words, then the new', async () => {
    await page.goto(`${BASE}/#/ja`);
    await page.getByRole('heading', { level: 1, name: 'Sig ja til planen' }).waitFor();
    const item = page.locator('.change-fields > li', { hasText: 'titel' });
    await item.getByText(`Mål: ${title} på deltid — titel`).waitFor();
    const del = item.locator('del');
    assert.equal(await del.textContent(), `gælder ikke længere: ${title}`);
    assert.equal(await del.locator('.sr-only').innerText(), 'gælder ikke længere:');
    assert.match(await del.evaluate((e) => getComputedStyle(e).textDecorationLine), /line-through/);
    assert.equal(await item.locator('ins').textContent(), `gælder nu: ${title} på deltid`);
    const hours = page.locator('.change-fields > li', { hasText: 'timer om ugen' });
    assert.equal(await hours.locator('del').textContent(), 'gælder ikke længere: 10');
    assert.equal(await hours.locator('ins').textContent(), 'gælder nu: 15');
    await page.getByText(/Af Mette Sørensen, Koordinerende sagsbehandler/).first().waitFor();
    await page.getByRole('button', { name: /^Ja, jeg siger ja til planen/ }).waitFor();
    await page.getByRole('button', { name: 'Ikke endnu — jeg vil gerne tale om det først' }).waitFor();
    await noSideScroll();
    await assertAxe(page, 'Sig ja with the changes');
    await shot(page, 'changes');
  });

  it('"Ikke endnu" with a comment is recorded, shown to him, and his contact person sees it', async () => {
    const comment = `Jeg vil gerne tale om timerne først.\nHelst på mødet. ${marker('n')}`;
    await page.getByRole('textbox', { name: /Hvad vil du gerne tale om\?/ }).fill(comment);
    await page.getByRole('button', { name: 'Ikke endnu — jeg vil gerne tale om det først' }).click();
    await page.locator('#view').getByText('Tak. Din kontaktperson kan se, at du gerne vil tale om planen først.').waitFor();
    await page.getByText('Du har sagt: ikke endnu').waitFor();
    assert.equal(await page.locator('.alert q.keep-lines').innerText(), comment);
    const row = (await birgitte.request('GET', `${ADMIN}/citizens?limit=500`)).json.citizens.find((c) => c.id === mid);
    assert.equal(row.needs_action[0], 'not_yet');
    assert.equal(row.not_yet.comment, comment);
    const plan = (await birgitte.request('GET', `${ADMIN}/citizens/${mid}/plan`)).json;
    assert.notEqual(plan.accepted_version, plan.version, 'not yet is no yes');
    // On the contact person's page of the citizen: something to act on, in his words.
    const staffCtx = await phoneContext(browser);
    try {
      const admin = await staffCtx.newPage();
      await admin.goto(`${BASE}/admin/`);
      await loginStaffThroughDevIdp(admin, 'Birgitte Lund');
      await admin.goto(`${BASE}/admin/#/borger/${mid}`);
      await adminSettled(admin);
      const section = admin.locator('section', { has: admin.getByRole('heading', { name: 'Borgeren vil gerne tale om planen først' }) });
      assert.equal(await section.locator('blockquote').innerText(), comment);
      await section.getByRole('button', { name: 'Markér som talt om' }).waitFor();
      await assertAxe(admin, 'the citizen page with a "not yet"');
      await shot(admin, 'staff-not-yet');
    } finally {
      await staffCtx.close();
    }
    await noSideScroll();
    await assertAxe(page, 'Sig ja after "ikke endnu"');
    await shot(page, 'not-yet');
  });

  it('then yes: the receipt lists what was agreed, and stays on the page', async () => {
    await page.getByRole('button', { name: /^Ja, jeg siger ja til planen/ }).click();
    await page.locator('#view').getByText('Tak. Du har sagt ja til planen.').waitFor();
    const receipt = page.locator('section.receipt');
    await receipt.getByRole('heading', { name: 'Din kvittering' }).waitFor();
    await receipt.getByText(`${title} på deltid`, { exact: false }).waitFor();
    assert.match(await receipt.innerText(), /Du sagde ja til version \d+ den/);
    await noSideScroll();
    await assertAxe(page, 'Sig ja with the receipt');
    await shot(page, 'receipt');
    // Later, on a fresh load, the receipt is there again; the "not yet" is closed.
    await page.reload();
    await page.locator('section.receipt').getByRole('heading', { name: 'Din kvittering' }).waitFor();
    assert.equal(await page.getByText('Du har sagt: ikke endnu').count(), 0);
    const row = (await birgitte.request('GET', `${ADMIN}/citizens?limit=500`)).json.citizens.find((c) => c.id === mid);
    assert.equal(row.not_yet, null);
    assert.deepEqual(unexpectedConsoleErrors(seen), [], 'no console errors');
  });
});
