// The caseload page at a phone's size (390x844) with axe: each citizen with
// the birth date, the next meeting and a badge for what needs action;
// filtering by what needs action (with the name filter), sorting with the
// citizens that need action first, and the count in correct Danish
// ("1 borger", "5 borgere"). Reads Mette's and Birgitte's demo caseloads,
// holding the locks of the demo citizens it reads and of the staff
// assignments, so no other file changes them meanwhile; changes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE, SKIP,
  adminSettled, assertAxe, holdCitizen, launch, loginStaffThroughDevIdp, phoneContext, shot, staffApi,
  startShots, unexpectedConsoleErrors, watchedPage,
} from './lib.mjs';

const ADMIN = '/admin/api/v1';
const LOCKS = ['anna', 'ida', 'mohammed', 'nanna', 'ole', 'staff-assignments'];

describe('the caseload on a phone: what needs action', { skip: SKIP }, () => {
  let browser;
  let releases = [];
  let api; // Mette's caseload as the API gives it
  before(async () => {
    for (const sub of LOCKS) releases.push(await holdCitizen(sub));
    startShots('caseload');
    browser = await launch();
    const mette = await staffApi('mette');
    api = (await mette.request('GET', `${ADMIN}/citizens`)).json.citizens;
  });
  after(async () => {
    if (browser) await browser.close();
    for (const r of releases) r();
    releases = [];
  });

  /** A fresh phone page logged in as name, on the caseload. */
  async function open(name) {
    const ctx = await phoneContext(browser);
    const { page, seen } = await watchedPage(ctx);
    await page.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(page, name);
    await adminSettled(page);
    assert.equal(new URL(page.url()).hash, '#/borgere');
    return { ctx, page, seen };
  }
  const visibleNames = (page) => page.locator('.caseload-row:visible .caseload-name').allInnerTexts();

  it('each row shows the name, the birth date in Danish and the next meeting; passes axe', async () => {
    const { ctx, page, seen } = await open('Mette Sørensen');
    try {
      const anna = page.locator('.caseload-row', { hasText: 'Anna Jensen' });
      await anna.getByText('f. 7. mar. 1992').waitFor();
      const withMeeting = api.find((c) => c.next_meeting_at);
      if (withMeeting) {
        await page.locator('.caseload-row', { hasText: withMeeting.name }).getByText(/^.*Næste møde: /).waitFor();
      }
      const body = await page.locator('main').innerText();
      assert.doesNotMatch(body, /\d{6}-?\d{4}/, 'a CPR number on the page');
      assert.equal(await page.locator('.caseload-row').count(), api.length);
      await page.getByText(`${api.length} borgere`, { exact: true }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, 'the page scrolls sideways at 390 px');
      await assertAxe(page, 'the caseload with filters');
      await shot(page, 'list');
      assert.deepEqual(unexpectedConsoleErrors(seen), []);
    } finally {
      await ctx.close();
    }
  });

  it('"Venter på afgørelse" shows only the citizens with pending proposals, with the name filter too', async () => {
    const { ctx, page } = await open('Mette Sørensen');
    try {
      const pending = api.filter((c) => c.needs_action.includes('pending_proposals')).map((c) => c.name).sort();
      assert.ok(pending.length > 0 && pending.length < api.length, 'the demo caseload has both kinds');
      await page.getByRole('checkbox', { name: /^Venter på afgørelse \(\d+\)$/ }).check();
      assert.deepEqual((await visibleNames(page)).sort(), pending);
      await page.getByText(`Viser ${pending.length} af ${api.length} borgere`).waitFor();
      for (const name of pending) {
        await page.locator('.caseload-row', { hasText: name }).locator('.badge', { hasText: /forslag venter/ }).waitFor();
      }
      // The name filter narrows the chosen ones further.
      await page.getByLabel('Find borger').fill(pending[0].split(' ')[0]);
      await page.waitForFunction((n) => [...document.querySelectorAll('.caseload-row')].filter((r) => !r.hidden).length === n, 1);
      assert.deepEqual(await visibleNames(page), [pending[0]]);
      await page.getByText(`Viser 1 af ${api.length} borgere`).waitFor();
      await assertAxe(page, 'the caseload filtered');
      await shot(page, 'filtered');
      // Unticked and emptied, all are back.
      await page.getByLabel('Find borger').fill('');
      await page.getByRole('checkbox', { name: /^Venter på afgørelse/ }).uncheck();
      await page.getByText(`${api.length} borgere`, { exact: true }).waitFor();
    } finally {
      await ctx.close();
    }
  });

  it('"Kræver handling først" puts pending proposals and overdue follow-ups first; by name is the default', async () => {
    const { ctx, page } = await open('Mette Sørensen');
    try {
      const byName = [...api].map((c) => c.name).sort((a, b) => a.localeCompare(b, 'da'));
      assert.deepEqual(await visibleNames(page), byName);
      await page.getByLabel('Sortér').selectOption({ label: 'Kræver handling først' });
      const names = await visibleNames(page);
      const urgent = (c) => ['pending_proposals', 'follow_up_due'].filter((x) => c.needs_action.includes(x)).length;
      const ranks = names.map((n) => api.find((c) => c.name === n)).map((c) => [urgent(c), c.needs_action.length]);
      for (let i = 1; i < ranks.length; i++) {
        const [u0, n0] = ranks[i - 1];
        const [u1, n1] = ranks[i];
        assert.ok(u0 > u1 || (u0 === u1 && n0 >= n1), `out of order at ${names[i]}: ${JSON.stringify(ranks)}`);
      }
      assert.ok(urgent(api.find((c) => c.name === names[0])) > 0, 'a citizen with an urgent action comes first');
      await shot(page, 'sorted');
    } finally {
      await ctx.close();
    }
  });

  it('one citizen is "1 borger", never "1 borgere"', async () => {
    const { ctx, page } = await open('Birgitte Lund');
    try {
      assert.equal(await page.locator('.caseload-row').count(), 1);
      await page.getByText('1 borger', { exact: true }).waitFor();
      assert.equal(await page.getByText('1 borgere').count(), 0);
      await assertAxe(page, 'a caseload of one');
    } finally {
      await ctx.close();
    }
  });
});
