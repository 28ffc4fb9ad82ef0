// The citizen's consent on the caseworker pages, in Chromium at a phone's
// size: Mette sees on Nanna's plan that no consent is given, opens the
// consent page, cannot send without ticking that Nanna signed on paper
// (and nothing is sent), ticks, confirms, and is back on the plan with
// consent given on paper, by her; the history lists it. She records the
// withdrawal Nanna states, and the plan says it is locked. Jonas, Nanna's
// contact person, sees the history but no form. axe-core checks each
// state; screenshots in VAR/screenshots/admin-consent-*.png.
//
// Works on nanna (seeded without consent), holding her test lock; puts her
// back to "no consent" at the start and at the end through the database
// (the API never deletes a fact), as tests/integration/consent.test.mjs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
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
  staffApi,
  startShots,
  unexpectedConsoleErrors,
  watchedPage,
} from './lib.mjs';

const ADMIN = '/admin/api/v1';
const NAME = 'Nanna Berg';
const HAVE_DB = Boolean(process.env.KAPTAJN_DB_SOCKET);

/** Back to a citizen who has never consented (and an unlocked plan). */
function resetConsent(id) {
  assert.match(String(id), /^\d+$/);
  sql(`DELETE FROM consents WHERE citizen_id = ${id};
       UPDATE citizens SET consent = 'none', consent_at = NULL, rev = rev + 1 WHERE id = ${id};
       UPDATE plans p JOIN citizens c ON c.plan_id = p.id SET p.frozen = 0 WHERE c.id = ${id}`);
}

describe('consent on the caseworker pages, on a phone', { skip: SKIP || (!HAVE_DB && 'no database to put nanna back') }, () => {
  let browser;
  let page;
  let seen;
  let release;
  let mette; // Mette's API session, as another device (checks)
  let nid;
  const consentPosts = () => seen.apiCalls.filter((c) => c.method === 'POST' && c.path === `${ADMIN}/citizens/${nid}/consent`).length;
  const history = async () => (await mette.request('GET', `${ADMIN}/citizens/${nid}/consent`)).json;

  before(async () => {
    release = await holdCitizen('nanna');
    startShots('admin-consent');
    mette = await staffApi('mette');
    const list = (await mette.request('GET', `${ADMIN}/citizens`)).json.citizens;
    nid = list.find((c) => c.name === NAME)?.id;
    assert.ok(nid, `${NAME} is in Mette's caseload`);
    resetConsent(nid);
    browser = await launch();
    ({ page, seen } = await watchedPage(await phoneContext(browser)));
  });

  after(async () => {
    try {
      if (nid) resetConsent(nid);
    } finally {
      if (browser) await browser.close();
      if (release) release();
    }
  });

  it('the plan has a section "Samtykke" saying no consent is given, with the way to the history', async () => {
    await page.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(page, 'Mette Sørensen');
    await page.goto(`${BASE}/admin/#/borger/${nid}`);
    await adminSettled(page);
    const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Samtykke', exact: true }) });
    await section.getByText('Borgeren har ikke givet samtykke til den fælles plan.').waitFor();
    assert.equal(await section.locator('.alert').count(), 0, 'no note of a locked plan');
    await assertAxe(page, 'the plan without consent');
    await shot(page, 'plan-none');
    await section.getByRole('link', { name: 'Se historik og registrér samtykke på papir' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${nid}/samtykke`);
    await adminSettled(page);
    assert.match(await page.title(), /^Samtykke – /);
    await page.getByText('Der er ikke registreret noget samtykke endnu.').waitFor();
    await assertAxe(page, 'the consent page without consent');
    await shot(page, 'page-none');
  });

  it('without the box ticked the form says so and sends nothing', async () => {
    const posts = consentPosts();
    await page.getByRole('button', { name: 'Registrér samtykket', exact: true }).click();
    const box = page.getByRole('checkbox', { name: 'Borgeren har underskrevet samtykket på papir' });
    await page.locator('.form-error-message', { hasText: 'Sæt kryds, når borgeren har underskrevet samtykket på papir.' }).waitFor();
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Ja, registrér samtykket' }).count(), 0, 'no confirmation');
    await assertAxe(page, 'the consent form with its error');
    await shot(page, 'unticked');
    assert.equal(consentPosts(), posts, 'no POST left the page');
    const h = await history();
    assert.equal(h.status, 'none');
    assert.equal(h.history.length, 0, 'no fact was added');
  });

  it('ticked and confirmed, consent on paper is recorded: a flash, the plan says given on paper by Mette, the history lists it', async () => {
    const box = page.getByRole('checkbox', { name: 'Borgeren har underskrevet samtykket på papir' });
    const send = page.getByRole('button', { name: 'Registrér samtykket', exact: true });
    const yes = page.getByRole('button', { name: 'Ja, registrér samtykket' });
    await box.check();
    await send.click();
    await yes.waitFor();
    assert.equal(await send.isVisible(), false, 'the confirmation stands in for the button');
    // Unticked again, the confirmation goes: it was asked for a ticked box.
    await box.uncheck();
    assert.equal(await yes.count(), 0);
    await box.check();
    await send.click();
    await yes.waitFor();
    assert.equal(await page.locator('.form-error-message:visible').count(), 0, 'the error is gone');
    assert.equal(consentPosts(), 0, 'the confirmation comes before anything is sent');
    await assertAxe(page, 'the confirmation');
    await shot(page, 'confirm');
    await yes.click();
    await page.waitForURL((u) => u.hash === `#/borger/${nid}`);
    await page.locator('#flash', { hasText: 'Samtykket er registreret.' }).waitFor();
    await adminSettled(page);
    const state = await page.locator('.consent-state').innerText();
    assert.match(state, /^Givet .*, på papir, registreret af Mette Sørensen \(Sagsbehandler\)\.$/, state);
    await assertAxe(page, 'the plan with consent on paper');
    await shot(page, 'plan-given');

    const h = await history();
    assert.equal(h.status, 'given');
    assert.equal(h.history.length, 1);
    assert.equal(h.history[0].paper, true);
    assert.equal(h.history[0].recorded_by?.name, 'Mette Sørensen');

    await page.getByRole('link', { name: 'Se historik og registrér, at samtykket trækkes tilbage' }).click();
    await adminSettled(page);
    const items = page.locator('.consent-history li');
    assert.equal(await items.count(), 1);
    assert.match(await items.first().innerText(), /Givet .*, på papir, registreret af Mette Sørensen[\s\S]*tekstversion/);
    assert.equal(await page.getByRole('checkbox').count(), 0, 'consent given: no paper form, the withdrawal instead');
    await page.getByRole('heading', { name: 'Registrér, at borgeren trækker samtykket tilbage' }).waitFor();
    await assertAxe(page, 'the consent page with consent given');
    await shot(page, 'page-given');
  });

  it('a withdrawal the citizen stated is recorded after a confirmation, and the plan says it is locked', async () => {
    await page.getByRole('button', { name: 'Registrér tilbagetrækningen' }).click();
    const no = page.getByRole('button', { name: 'Fortryd' });
    await no.click();
    assert.equal(await page.getByRole('button', { name: 'Ja, registrér tilbagetrækningen' }).count(), 0);
    assert.equal((await history()).status, 'given', 'a cancelled confirmation sends nothing');
    await page.getByRole('button', { name: 'Registrér tilbagetrækningen' }).click();
    await page.getByRole('button', { name: 'Ja, registrér tilbagetrækningen' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${nid}`);
    await page.locator('#flash', { hasText: 'Tilbagetrækningen er registreret.' }).waitFor();
    await adminSettled(page);
    assert.match(await page.locator('.consent-state').innerText(), /^Trukket tilbage .*, oplyst af borgeren, registreret af Mette Sørensen/);
    await page.getByText('Planen er låst, fordi samtykket er trukket tilbage.', { exact: false }).waitFor();
    await assertAxe(page, 'the plan with consent withdrawn');
    await shot(page, 'plan-withdrawn');
    const h = await history();
    assert.deepEqual(h.history.map((f) => [f.action, f.paper]), [['withdrawn', false], ['given', true]]);
    assert.equal(h.plan_frozen, true);
  });

  it('Jonas, the contact person, sees the history but no form', async () => {
    const ctx = await phoneContext(browser);
    const { page: p, seen: s } = await watchedPage(ctx);
    try {
      await p.goto(`${BASE}/admin/`);
      await loginStaffThroughDevIdp(p, 'Jonas Madsen');
      await p.goto(`${BASE}/admin/#/borger/${nid}`);
      await adminSettled(p);
      await p.getByRole('link', { name: 'Se samtykkets historik' }).click();
      await p.waitForURL((u) => u.hash === `#/borger/${nid}/samtykke`);
      await adminSettled(p);
      assert.equal(await p.locator('.consent-history li').count(), 2);
      assert.equal(await p.locator('form').count(), 0, 'no form');
      assert.equal(await p.getByRole('button', { name: /^Registrér/ }).count(), 0);
      await assertAxe(p, 'the consent page for the contact person');
      await shot(p, 'contact-person');
      assert.deepEqual(unexpectedConsoleErrors(s), []);
      assert.deepEqual(s.pageErrors, []);
    } finally {
      await ctx.close();
    }
  });

  it('no console or page errors', () => {
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
    assert.deepEqual(seen.pageErrors, []);
  });
});
