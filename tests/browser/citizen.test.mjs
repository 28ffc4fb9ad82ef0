// The citizen portal in Chromium at a phone's size, as Anna would use it:
// log in through the dev IdP, read the plan, edit her dreams, propose a
// goal, see the caseworker's answer, say yes to the plan – and lose
// nothing she wrote to an expired session, a conflict or a dropped
// connection. axe-core checks every page; each step leaves a screenshot in
// VAR/screenshots/.
//
// The steps run in order and share one browser context, as one person's
// visit does. The caseworker's part is a second context: Mette logs in to
// the caseworker pages through the dev IdP and approves the proposal in
// her approval queue.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE,
  SKIP,
  PHONE,
  adminSettled,
  assertAxe,
  browserSession,
  citizenApi,
  holdCitizen,
  launch,
  layoutShiftOnLoad,
  loginStaffThroughDevIdp,
  loginThroughDevIdp,
  marker,
  phoneContext,
  shot,
  staffApi,
  startShots,
  unexpectedConsoleErrors,
  waitForPlan,
  watchedPage,
} from './lib.mjs';

const CITIZEN = 'anna';
const CITIZEN_NAME = 'Anna Jensen';
const CASEWORKER_NAME = 'Mette Sørensen';

describe('citizen portal on a phone', { skip: SKIP }, () => {
  let browser;
  let ctx;
  let page;
  let seen;
  let release;
  let api; // Anna's own API session, as if on another device
  const written = []; // every text the test typed, for the "not in a URL" checks
  const mark = marker('b');

  before(async () => {
    release = await holdCitizen(CITIZEN);
    startShots('citizen');
    browser = await launch();
    ctx = await phoneContext(browser);
    ({ page, seen } = await watchedPage(ctx));
    api = await citizenApi(CITIZEN);
  });

  after(async () => {
    // Remove the dreams this run added (marked), whatever happened.
    try {
      const res = await api.request('GET', '/api/v1/plan');
      for (const d of (res.json && res.json.dreams) || []) {
        if (d.text.includes(mark)) await api.request('DELETE', `/api/v1/plan/dreams/${d.id}`);
      }
      const props = await api.request('GET', '/api/v1/proposals');
      for (const p of (props.json && props.json.proposals) || []) {
        if (p.status === 'pending' && String(p.reason).includes(mark)) await api.request('POST', `/api/v1/proposals/${p.id}/withdrawal`);
      }
    } catch {
      /* the stack may be gone */
    }
    if (browser) await browser.close();
    if (release) release();
  });

  it('the front page offers "Log ind med MitID" and passes axe', async () => {
    await page.goto(`${BASE}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.title(), 'Log ind – Kaptajn');
    assert.equal(await page.getAttribute('html', 'lang'), 'da');
    await assertAxe(page, 'the login page');
    await shot(page, 'login');
  });

  it('the dev IdP page passes axe', async () => {
    await page.getByRole('button', { name: 'Log ind med MitID' }).click();
    await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    await page.getByRole('link', { name: CITIZEN_NAME, exact: true }).waitFor();
    await assertAxe(page, 'the dev IdP page');
    await shot(page, 'dev-idp');
    await page.goBack();
  });

  it('logs in through the dev IdP and lands on Min plan', async () => {
    await page.getByRole('button', { name: 'Log ind med MitID' }).waitFor();
    await loginThroughDevIdp(page, CITIZEN_NAME);
    await waitForPlan(page);
    assert.equal(new URL(page.url()).hash, '#/plan');
    assert.equal(await page.title(), 'Min plan – Kaptajn');
    const csrf = await page.evaluate(() => sessionStorage.getItem('kaptajn.csrf'));
    assert.ok(csrf && csrf.length > 10, 'the CSRF token is in sessionStorage kaptajn.csrf');
    await page.getByRole('button', { name: 'Log af' }).waitFor();
  });

  it('Min plan: dreams first, goals in plain words, the contact person, no layout jump', async () => {
    const plan = (await api.request('GET', '/api/v1/plan')).json;
    const headings = await page.locator('h2').allInnerTexts();
    assert.deepEqual(headings.slice(0, 3), ['Mine drømme', 'Mine mål', 'Din kontaktperson'], 'dreams come first');
    for (const d of plan.dreams) await page.getByText(d.text, { exact: true }).waitFor();
    const goal = plan.goals[0];
    const card = page.locator('.goal-card', { has: page.getByRole('heading', { name: goal.title }) });
    await card.waitFor();
    assert.match(await card.innerText(), /Område\s*Job/);
    assert.match(await card.innerText(), /Status\s*I gang/);
    assert.match(await card.innerText(), /Cirka 12 timer om ugen/);
    assert.equal(await card.locator('.legal small').first().innerText(), `Lovgrundlag: ${goal.legal_basis}`, 'the legal basis is there, small');
    for (const s of goal.subgoals) await card.getByText(s.title, { exact: true }).waitFor();

    const c = plan.contact;
    const contact = page.locator('.contact-card');
    await contact.getByText(c.name, { exact: true }).waitFor();
    await contact.getByText(c.role, { exact: true }).waitFor();
    await contact.getByRole('img', { name: `Billede af ${c.name} mangler` }).waitFor();
    const first = c.name.split(' ')[0];
    assert.equal(await contact.getByRole('link', { name: new RegExp(`Ring til ${first}`) }).getAttribute('href'), `tel:${c.phone.replace(/[^0-9+]/g, '')}`);
    assert.equal(await contact.getByRole('link', { name: new RegExp(`Skriv til ${first}`) }).getAttribute('href'), `mailto:${c.email}`);

    // A fresh load: how far did anything move while the data came in?
    const cls = await layoutShiftOnLoad(page, waitForPlan);
    assert.ok(cls < 0.05, `cumulative layout shift ${cls.toFixed(3)} (want < 0.05)`);
    await assertAxe(page, 'Min plan');
    await shot(page, 'plan');
  });

  it('shows upcoming meetings when the API has them, and nothing when it has none', async () => {
    // GET /api/v1/meetings is answered here as the meetings API will
    // (the server may not have it yet; then the section stays away).
    const start = new Date(Date.now() + 7 * 86400000);
    start.setUTCHours(8, 30, 0, 0);
    await page.route('**/api/v1/meetings', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          meetings: [
            {
              id: 1,
              kind: 'network',
              starts_at: start.toISOString().replace('.000', ''),
              place: 'Jobcentret, mødelokale 2',
              agenda: 'Praktikken og kørekortet',
              participants: [
                { name: 'Jonas Madsen', role: 'Mentor', professional: true },
                { name: 'Lone Jensen', role: 'mor', professional: false },
              ],
              held_at: null,
            },
          ],
        }),
      }),
    );
    await page.reload();
    await waitForPlan(page);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Kommende møder' }) });
    await section.waitFor();
    const text = await section.innerText();
    assert.match(text, /Netværksmøde/);
    assert.match(text, /Jobcentret, mødelokale 2/);
    assert.match(text, /Lone Jensen \(mor\)/);
    assert.match(text, /kl\. 09\.30/, 'the time in Danish time');
    await assertAxe(page, 'Min plan with a meeting');
    await shot(page, 'plan-meetings');
    await page.unroute('**/api/v1/meetings');

    await page.route('**/api/v1/meetings', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"not_found","message":"Not found."}}' }),
    );
    await page.reload();
    await waitForPlan(page);
    await page.waitForTimeout(200);
    assert.equal(await page.getByRole('heading', { name: 'Kommende møder' }).count(), 0, 'no meetings section on a 404');
    await page.unroute('**/api/v1/meetings');
  });

  it('adds, edits and deletes a dream inline, by keyboard', async () => {
    const text = `Jeg vil gerne have en hund – æøå ÆØÅ ${mark}`;
    written.push(text);
    await page.getByRole('button', { name: 'Skriv en ny drøm' }).focus();
    await page.keyboard.press('Enter');
    const area = page.getByRole('textbox', { name: 'Din nye drøm' });
    await area.waitFor();
    assert.ok(await area.evaluate((el) => el === document.activeElement), 'the new textarea has focus');
    await page.keyboard.type(text);
    await assertAxe(page, 'Min plan with a dream editor open');
    await shot(page, 'dream-new');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Gem
    await page.locator('.dream-text', { hasText: text }).waitFor();
    await page.locator('.dreams-live', { hasText: 'Din drøm er gemt.' }).waitFor();

    const plan = (await api.request('GET', '/api/v1/plan')).json;
    const dream = plan.dreams.find((d) => d.text === text);
    assert.ok(dream, 'the new dream is saved, æøå intact');

    // Edit it.
    const n = plan.dreams.indexOf(dream) + 1;
    await page.getByRole('button', { name: `Ret drøm ${n}` }).click();
    const edit = page.getByRole('textbox', { name: 'Ret din drøm' });
    assert.equal(await edit.inputValue(), text);
    const edited = `${text} – og gå lange ture`;
    written.push(edited);
    await edit.fill(edited);
    await shot(page, 'dream-edit');
    await page.getByRole('button', { name: 'Gem' }).click();
    await page.locator('.dream-text', { hasText: 'og gå lange ture' }).waitFor();
    const after = (await api.request('GET', '/api/v1/plan')).json;
    assert.equal(after.dreams.find((d) => d.id === dream.id).text, edited);
    await shot(page, 'dream-saved');

    // Delete it, after a yes.
    await page.getByRole('button', { name: `Slet drøm ${n}` }).click();
    await page.getByRole('button', { name: 'Ja, slet den' }).click();
    await page.locator('.dreams-live', { hasText: 'Drømmen er slettet.' }).waitFor();
    const gone = (await api.request('GET', '/api/v1/plan')).json;
    assert.ok(!gone.dreams.some((d) => d.id === dream.id), 'the dream is deleted');
  });

  it('a conflict (412) keeps the text and saves on the next try', async () => {
    const text = `Et nyt job tæt på hjemmet ${mark}`;
    written.push(text);
    await page.getByRole('button', { name: 'Skriv en ny drøm' }).click();
    await page.getByRole('textbox', { name: 'Din nye drøm' }).fill(text);
    // Meanwhile the plan changes elsewhere (Anna on another device).
    const other = await api.request('POST', '/api/v1/plan/dreams', { text: `Fra en anden enhed ${mark}` });
    assert.equal(other.status, 201);
    await page.getByRole('button', { name: 'Gem' }).click();
    const msg = page.locator('.editor-message .alert', { hasText: 'Planen er blevet ændret af en anden' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /Din tekst er ikke gået tabt/);
    assert.equal(await page.getByRole('textbox', { name: 'Din nye drøm' }).inputValue(), text, 'the text is still in the box');
    await page.getByText(`Fra en anden enhed ${mark}`).waitFor(); // the new version is shown
    await shot(page, 'dream-conflict');
    await page.getByRole('button', { name: 'Gem' }).click();
    await page.locator('.dream-text', { hasText: text }).waitFor();
  });

  it('a dropped connection keeps the text; "Prøv igen" sends it', async () => {
    const text = `Tage 9. klasse om ${mark}`;
    written.push(text);
    await page.getByRole('button', { name: 'Skriv en ny drøm' }).click();
    await page.getByRole('textbox', { name: 'Din nye drøm' }).fill(text);
    await ctx.setOffline(true);
    await page.getByRole('button', { name: 'Gem' }).click();
    const msg = page.locator('.editor-message .alert', { hasText: 'Vi kunne ikke få forbindelse' });
    await msg.waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Din nye drøm' }).inputValue(), text);
    await shot(page, 'dream-offline');
    await ctx.setOffline(false);
    await msg.getByRole('button', { name: 'Prøv igen' }).click();
    await page.locator('.dream-text', { hasText: text }).waitFor();
  });

  it('an expired session while editing keeps the text, through a new login', async () => {
    const text = `Flytte i egen lejlighed inden sommer ${mark}`;
    written.push(text);
    await page.getByRole('button', { name: 'Skriv en ny drøm' }).click();
    const area = page.getByRole('textbox', { name: 'Din nye drøm' });
    await area.fill(text);

    // The session dies server-side (as at its idle timeout).
    const mine = await browserSession(page);
    const killed = await mine.request('DELETE', '/api/v1/session');
    assert.equal(killed.status, 204);

    await page.getByRole('button', { name: 'Gem' }).click();
    const msg = page.locator('.editor-message .alert', { hasText: 'Du er blevet logget ud' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /Din tekst er ikke gået tabt/);
    assert.equal(await area.inputValue(), text, 'the text is still in the box');
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('kaptajn.drafts'), local: localStorage.length }));
    assert.ok(stored.session && stored.session.includes(mark), 'the draft is in sessionStorage');
    assert.equal(stored.local, 0, 'nothing in localStorage');
    await assertAxe(page, 'Min plan with the logged-out message');
    await shot(page, 'dream-session-expired');

    // Log in again: the text comes back where it was, and can be sent.
    await msg.getByRole('button', { name: 'Log ind igen' }).click();
    await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    await page.getByRole('link', { name: CITIZEN_NAME, exact: true }).click();
    await page.waitForURL((u) => u.hash === '#/plan');
    const back = page.getByRole('textbox', { name: 'Din nye drøm' });
    await back.waitFor();
    assert.equal(await back.inputValue(), text, 'the draft survived the login');
    await page.locator('#flash', { hasText: 'Din tekst er hentet frem igen' }).waitFor();
    await shot(page, 'dream-restored');
    await page.getByRole('button', { name: 'Gem' }).click();
    await page.locator('.dream-text', { hasText: text }).waitFor();
    const left = await page.evaluate(() => sessionStorage.getItem('kaptajn.drafts'));
    assert.equal(left, null, 'a sent draft is gone from sessionStorage');
  });

  let proposalTitle;
  it('proposes a new goal in a short form (errors first)', async () => {
    await page.getByRole('link', { name: 'Foreslå et nyt mål' }).click();
    await page.waitForURL((u) => u.hash === '#/forslag/ny');
    await page.getByRole('heading', { level: 1, name: 'Foreslå en ændring' }).waitFor();
    assert.ok(await page.getByRole('radio', { name: 'Et nyt mål' }).isChecked());
    // Sent empty: the errors are listed and explained.
    await page.getByRole('button', { name: 'Send forslaget' }).click();
    await page.getByRole('alert').filter({ hasText: 'Der mangler noget' }).waitFor();
    await page.getByText('Skriv, hvad målet skal hedde.').first().waitFor();
    await assertAxe(page, 'the proposal form with errors');
    await shot(page, 'propose-errors');

    proposalTitle = `Tage kørekort ${mark}`;
    const reason = `Så kan jeg selv komme på arbejde tidligt om morgenen. ${mark}`;
    written.push(proposalTitle, reason);
    await page.getByRole('textbox', { name: 'Hvad skal målet hedde?' }).fill(proposalTitle);
    await page.getByRole('textbox', { name: /Beskriv det lidt mere/ }).fill('Teori og køretimer i foråret.');
    await page.getByRole('textbox', { name: 'Hvorfor?' }).fill(reason);
    await assertAxe(page, 'the proposal form, filled in');
    await shot(page, 'propose-filled');
    await page.getByRole('button', { name: 'Send forslaget' }).click();
    await page.waitForURL((u) => u.hash === '#/forslag');
    await page.locator('#flash', { hasText: 'Dit forslag er sendt' }).waitFor();
    const card = page.locator('.proposal-card', { hasText: proposalTitle });
    await card.waitFor();
    assert.match(await card.innerText(), /Venter på svar/);
    await assertAxe(page, 'Mine forslag');
    await shot(page, 'proposals');
  });

  it('proposes a change to a goal from the goal itself', async () => {
    const plan = (await api.request('GET', '/api/v1/plan')).json;
    const goal = plan.goals[1];
    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    await page.getByRole('link', { name: `Foreslå en ændring af målet ${goal.title}` }).click();
    await page.waitForURL((u) => u.hash === '#/forslag/ny');
    assert.ok(await page.getByRole('radio', { name: 'At et mål bliver ændret' }).isChecked());
    assert.equal(await page.getByRole('combobox', { name: 'Hvilket mål?' }).inputValue(), String(goal.id));
    const reason = `Jeg sover bedre nu, så det kan være færre timer. ${mark}`;
    written.push(reason);
    await page.getByRole('textbox', { name: /Beskriv det lidt mere/ }).fill('Én time om ugen er nok.');
    await page.getByRole('textbox', { name: 'Hvorfor?' }).fill(reason);
    await page.getByRole('button', { name: 'Send forslaget' }).click();
    await page.waitForURL((u) => u.hash === '#/forslag');
    const card = page.locator('.proposal-card', { hasText: reason });
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(`Ændring af et mål: ${goal.title}`));
    // Withdrawn again, so the caseworker's queue is not cluttered.
    await card.getByRole('button', { name: 'Træk forslaget tilbage' }).click();
    await page.locator('.proposal-card', { hasText: reason }).getByText('Trukket tilbage').waitFor();
  });

  // The caseworker's part, in a browser of her own.
  let approved = false;
  it('the caseworker logs in to the caseworker pages and approves the proposal in her queue', async () => {
    const staffCtx = await phoneContext(browser);
    const { page: admin, seen: adminSeen } = await watchedPage(staffCtx);
    try {
      await admin.goto(`${BASE}/admin/`);
      await loginStaffThroughDevIdp(admin, CASEWORKER_NAME);
      await adminSettled(admin);
      await admin.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Forslag' }).click();
      await admin.waitForURL((u) => u.hash === '#/forslag');
      await adminSettled(admin);
      const card = admin.locator('.proposal-card', { hasText: proposalTitle });
      await card.waitFor();
      assert.match(await card.innerText(), /Fra Anna Jensen/);
      await card.getByRole('button', { name: /^Godkend forslaget fra Anna Jensen/ }).click();
      // A new goal needs what only the caseworker sets.
      await card.getByRole('combobox', { name: 'Område' }).selectOption('job');
      await card.getByRole('combobox', { name: /^Lovgrundlag/ }).selectOption('LAB §91');
      await card.getByRole('textbox', { name: /^Timer om ugen/ }).fill('2');
      await card.getByRole('textbox', { name: /^Besked til borgeren/ }).fill('God idé – vi finder et køreskoleforløb sammen.');
      await assertAxe(admin, 'the approval queue with an approval open');
      await shot(admin, 'caseworker-approves');
      await card.getByRole('button', { name: 'Godkend forslaget' }).click();
      await admin.locator('#queue-live', { hasText: 'Forslaget fra Anna Jensen er godkendt.' }).waitFor();
      assert.equal(await admin.locator('.proposal-card', { hasText: proposalTitle }).count(), 0, 'the proposal left the queue');
      await shot(admin, 'caseworker-approved');
      assert.deepEqual(unexpectedConsoleErrors(adminSeen), [], 'no console errors on the caseworker pages');
    } finally {
      await staffCtx.close();
    }
    approved = true;

    await page.goto(`${BASE}/#/forslag`);
    await page.reload(); // the page was open already: fetch anew
    const mine = page.locator('.proposal-card', { hasText: proposalTitle });
    await mine.getByText('Godkendt', { exact: true }).waitFor();
    assert.match(await mine.innerText(), /God idé – vi finder et køreskoleforløb sammen\./);
    await shot(page, 'proposal-approved');
  });

  it('says yes to the plan, seeing what changed since the last yes', async () => {
    await page.goto(`${BASE}/#/ja`);
    await page.getByRole('heading', { level: 1, name: 'Sig ja til planen' }).waitFor();
    const plan = (await api.request('GET', '/api/v1/plan')).json;
    assert.notEqual(plan.accepted_version, plan.version, 'the plan has changed since the last yes');
    const hist = (await api.request('GET', '/api/v1/plan/history')).json.versions;
    const newest = hist.find((v) => v.version === plan.version);
    await page.locator('.history-list').getByText(newest.summary).first().waitFor();
    if (approved) await page.locator('.history-list').getByText(/Tage kørekort|mål/i).first().waitFor();
    await assertAxe(page, 'Sig ja til planen');
    await shot(page, 'accept');

    // The plan moves while Anna reads: her yes is refused (409), she is
    // shown the new change and says yes again.
    const moved = await api.request('POST', '/api/v1/plan/dreams', { text: `Imens: en drøm mere ${mark}` });
    assert.equal(moved.status, 201);
    await page.getByRole('button', { name: new RegExp(`Ja, jeg siger ja til planen \\(version ${plan.version}\\)`) }).click();
    await page.getByText('Planen er blevet ændret, mens du læste den.').waitFor();
    await page.locator('.history-list').getByText(/drøm/i).first().waitFor();
    await shot(page, 'accept-conflict');
    await page.getByRole('button', { name: new RegExp(`Ja, jeg siger ja til planen \\(version ${plan.version + 1}\\)`) }).click();
    // In the page (the live region #announce says it too, for screen readers).
    await page.locator('#view').getByText('Tak. Du har sagt ja til planen.').waitFor();
    const now = (await api.request('GET', '/api/v1/plan')).json;
    assert.equal(now.accepted_version, now.version, 'the yes is recorded for the current version');
    await shot(page, 'accepted');

    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    await page.getByText(/Du har sagt ja til planen, som den er nu/).waitFor();
  });

  it('history, who looked at my data, the accessibility statement and a missing page pass axe', async () => {
    for (const [hash, h1, name] of [
      ['#/historik', 'Historik', 'history'],
      ['#/indsigt', 'Hvem har set mine data', 'access-log'],
      ['#/tilgaengelighed', 'Tilgængelighedserklæring', 'accessibility'],
      ['#/findes-ikke', 'Siden findes ikke', 'not-found'],
    ]) {
      await page.goto(`${BASE}/${hash}`);
      await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
      await page.waitForSelector('.skeleton', { state: 'detached' });
      assert.equal(await page.title(), `${h1} – Kaptajn`);
      await assertAxe(page, h1);
      await shot(page, name);
    }
    // The footer link reaches the statement from any page.
    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    await page.getByRole('contentinfo').getByRole('link', { name: 'Tilgængelighedserklæring' }).click();
    await page.waitForURL((u) => u.hash === '#/tilgaengelighed');
  });

  it('who looked at my data shows the newest 100, and "Vis flere" the older ones below them', async () => {
    // More than a page: staff reads of Anna's plan, each a row of her log.
    const count = async () => {
      let n = 0;
      let before = '';
      for (;;) {
        const res = await api.request('GET', `/api/v1/access-log?limit=500${before}`);
        assert.equal(res.status, 200);
        n += res.json.entries.length;
        if (res.json.next === null) return n;
        before = `&before=${encodeURIComponent(res.json.next)}`;
      }
    };
    const staff = await staffApi('mette');
    const id = (await staff.request('GET', '/admin/api/v1/citizens')).json.citizens.find((c) => c.name === CITIZEN_NAME).id;
    // Plan and consent read in turn: a run of reads of one thing is one
    // entry of the access log, so each read here is an entry of its own.
    for (let n = await count(); n <= 101; n++) assert.equal((await staff.request('GET', `/admin/api/v1/citizens/${id}/${n % 2 ? 'plan' : 'consent'}`)).status, 200);
    await page.goto(`${BASE}/#/indsigt`);
    await page.getByRole('heading', { level: 1, name: 'Hvem har set mine data' }).waitFor();
    await page.waitForSelector('.skeleton', { state: 'detached' });
    assert.equal(await page.locator('.access-item').count(), 100);
    const more = page.getByRole('button', { name: 'Vis flere' });
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('.access-item').length > 100);
    // The first older entry has the focus, below the first 100.
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('.access-item')].indexOf(document.activeElement)), 100);
    await assertAxe(page, 'access log, second page');
  });

  it('switches to English and back, texts from one place', async () => {
    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    await page.getByRole('button', { name: 'Read this in English' }).click();
    await page.getByRole('heading', { level: 1, name: 'My plan' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.title(), 'My plan – Kaptajn');
    await page.getByRole('heading', { name: 'My dreams' }).waitFor();
    await assertAxe(page, 'My plan in English');
    await shot(page, 'plan-english');
    await page.getByRole('button', { name: 'Læs på dansk' }).click();
    await page.getByRole('heading', { level: 1, name: 'Min plan' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'da');
  });

  it('works by keyboard: skip link, visible focus', async () => {
    await page.goto(`${BASE}/#/plan`);
    await page.reload();
    await waitForPlan(page);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => ({ text: document.activeElement.textContent, cls: document.activeElement.className }));
    assert.deepEqual(skip, { text: 'Gå til sidens indhold', cls: 'skipnav' });
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main-content');
    // The next stops are real controls with a visible focus ring.
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { tag: document.activeElement.tagName, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
      });
      assert.ok(ring.outline, `focus on a ${ring.tag} is visible`);
    }
  });

  it('fits 360 px: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const hash of ['#/plan', '#/forslag/ny', '#/forslag', '#/ja', '#/historik', '#/tilgaengelighed']) {
      await page.goto(`${BASE}/${hash}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForSelector('.skeleton', { state: 'detached' });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 360, `${hash} is ${wide}px wide at 360`);
      if (hash === '#/plan') await shot(page, 'plan-360');
    }
    await page.setViewportSize(PHONE);
  });

  it('sends the CSRF header on every change; no personal data in URLs, titles or lasting storage', async () => {
    const changes = seen.apiCalls.filter((c) => c.method !== 'GET');
    assert.ok(changes.length >= 8, `changes seen: ${changes.length}`);
    const bare = changes.filter((c) => !c.csrf && c.path !== '/api/v1/session');
    assert.deepEqual(bare, [], 'every POST/PUT/DELETE carried X-CSRF-Token');
    for (const url of seen.urls) {
      for (const text of [...written, CITIZEN_NAME]) assert.ok(!decodeURIComponent(url).includes(text.slice(0, 20)), `"${text.slice(0, 20)}" in ${url}`);
    }
    assert.ok(!(await page.title()).includes('Anna'), 'no name in the title');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    assert.deepEqual(unexpectedConsoleErrors(seen), [], 'no console errors (a CSP refusal would be one)');
    assert.deepEqual(seen.pageErrors, [], 'no uncaught errors');
  });

  it('logs out: the session is dead and the tab forgets it', async () => {
    await page.goto(`${BASE}/#/plan`);
    await waitForPlan(page);
    const mine = await browserSession(page);
    await page.getByRole('button', { name: 'Log af' }).click();
    await page.getByText('Du er logget af.').waitFor();
    await page.getByRole('button', { name: 'Log ind med MitID' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('kaptajn.csrf')), null);
    assert.equal((await mine.request('GET', '/api/v1/plan')).status, 401, 'the old cookie is refused');
    await assertAxe(page, 'the login page after logging out');
    await shot(page, 'logged-out');
  });
});
