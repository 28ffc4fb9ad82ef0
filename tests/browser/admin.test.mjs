// The caseworker pages in Chromium at a phone's size, as Mette would use
// them: log in through the dev IdP, find a citizen in her caseload, read
// the plan, add and change goals with a legal basis, give the citizen a new
// contact person, plan a meeting and mark it held, decide proposals in the
// approval queue (by keyboard too), read the log and the overview report –
// and lose nothing she wrote to an expired session or a proposal decided
// by someone else. What she changes, the citizen sees in the citizen
// portal. axe-core checks every page; each step leaves a screenshot in
// VAR/screenshots/admin-*.png.
//
// Works on Mohammed (Mette's caseload, Birgitte his contact person),
// holding his test lock; decides only proposals it filed itself; puts his
// contact person back and cancels the goals it added.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE,
  SKIP,
  PHONE,
  adminSettled,
  assertAxe,
  browserStaffSession,
  citizenApi,
  citizenPage,
  focusVisible,
  holdCitizen,
  launch,
  layoutShiftOnLoad,
  loginStaffThroughDevIdp,
  marker,
  phoneContext,
  shot,
  staffApi,
  startShots,
  tabTo,
  unexpectedConsoleErrors,
  waitForPlan,
  watchedPage,
} from './lib.mjs';

const ADMIN = '/admin/api/v1';
const CITIZEN = 'mohammed';
const CITIZEN_NAME = 'Mohammed Ali';
const CASEWORKER_NAME = 'Mette Sørensen';
const TITLE_SUFFIX = ' – Kaptajn sagsbehandling';

describe('caseworker pages on a phone', { skip: SKIP }, () => {
  let browser;
  let ctx;
  let page;
  let seen;
  let release;
  let citizen; // Mohammed's own API session
  let mette; // Mette's API session, as another device (clean-up, checks)
  let cid; // Mohammed's citizen id
  let original; // his contact person before the test
  const mark = marker('adm');
  const written = []; // texts typed, for the "not in a URL" check
  const visited = []; // every address the page had, hash routes included

  before(async () => {
    release = await holdCitizen(CITIZEN);
    startShots('admin');
    browser = await launch();
    ctx = await phoneContext(browser);
    ({ page, seen } = await watchedPage(ctx));
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) visited.push(f.url());
    });
    citizen = await citizenApi(CITIZEN);
    mette = await staffApi('mette');
    const list = (await mette.request('GET', `${ADMIN}/citizens`)).json.citizens;
    const me = list.find((c) => c.name === CITIZEN_NAME);
    assert.ok(me, `${CITIZEN_NAME} is in Mette's caseload`);
    cid = me.id;
    original = me.contact;
  });

  after(async () => {
    try {
      const plan = (await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json;
      for (const g of (plan.goals || []).flatMap((x) => [x, ...(x.subgoals || [])])) {
        if (g.title.includes(mark) && g.status !== 'cancelled') await mette.request('PATCH', `${ADMIN}/citizens/${cid}/goals/${g.id}`, { status: 'cancelled' });
      }
      if (original) await mette.request('PUT', `${ADMIN}/citizens/${cid}/contact`, { staff_id: original.id });
      const meetings = (await mette.request('GET', `${ADMIN}/citizens/${cid}/meetings`)).json.meetings || [];
      for (const m of meetings) if (!m.held_at && m.place.includes(mark)) await mette.request('POST', `${ADMIN}/meetings/${m.id}/held`);
      const props = (await citizen.request('GET', '/api/v1/proposals')).json.proposals || [];
      for (const p of props) if (p.status === 'pending' && String(p.reason).includes(mark)) await citizen.request('POST', `/api/v1/proposals/${p.id}/withdrawal`);
    } catch {
      /* the stack may be gone */
    }
    if (browser) await browser.close();
    if (release) release();
  });

  /** Mohammed files a proposal (marked for clean-up); returns it. */
  async function file(body) {
    const res = await citizen.request('POST', '/api/v1/proposals', { reason: `Det vil hjælpe mig. ${mark}`, ...body });
    assert.equal(res.status, 201, res.text);
    return res.json;
  }
  async function proposalNow(id) {
    return (await citizen.request('GET', '/api/v1/proposals')).json.proposals.find((p) => p.id === id);
  }
  const card = (title) => page.locator('.proposal-card', { hasText: title });
  // A fresh load: the queue may be the page already open.
  async function openQueue() {
    await page.goto(`${BASE}/admin/#/forslag`);
    await page.reload();
    await adminSettled(page);
  }

  // --------------------------------------------------------- login, list

  it('the login page offers "Log ind" and passes axe', async () => {
    await page.goto(`${BASE}/admin/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.title(), `Log ind${TITLE_SUFFIX}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'da');
    await assertAxe(page, 'the caseworker login page');
    await shot(page, 'login');
  });

  it('logs in through the dev IdP (staff first) and lands on the caseload', async () => {
    await page.getByRole('button', { name: 'Log ind', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    // The staff client's picker lists the staff.
    await page.getByRole('link', { name: new RegExp(`^${CASEWORKER_NAME} \\(`) }).waitFor();
    const first = await page.locator('section h2').first().innerText();
    assert.equal(first, 'Medarbejdere', 'the dev IdP lists the staff for the caseworker pages');
    await assertAxe(page, 'the dev IdP page, staff first');
    await page.goBack();
    await loginStaffThroughDevIdp(page, CASEWORKER_NAME);
    await adminSettled(page);
    assert.equal(new URL(page.url()).hash, '#/borgere');
    assert.equal(await page.title(), `Borgere${TITLE_SUFFIX}`);
    await page.getByText(`Logget ind som ${CASEWORKER_NAME}`).waitFor();
    const csrf = await page.evaluate(() => sessionStorage.getItem('kaptajn.admin.csrf'));
    assert.ok(csrf && csrf.length > 10, 'the CSRF token is in sessionStorage kaptajn.admin.csrf');
    await page.getByRole('button', { name: 'Log af' }).waitFor();
  });

  it('the caseload lists the citizens with what waits, and filters by name as you type', async () => {
    const all = (await mette.request('GET', `${ADMIN}/citizens`)).json.citizens;
    const rows = page.locator('.caseload-row');
    const names = await rows.locator('.caseload-name').allInnerTexts();
    assert.ok(names.includes(CITIZEN_NAME), `${names}`);
    assert.ok(names.includes('Anna Jensen'));
    assert.ok(!names.includes('Lars Hansen'), 'another caseworker\'s citizen is not listed');
    await page.getByText(/forslag venter/).first().waitFor();
    await assertAxe(page, 'the caseload');
    await shot(page, 'caseload');

    const filter = page.getByRole('searchbox', { name: 'Find borger' });
    await filter.fill('mohammed a');
    const hits = all.filter((c) => ['mohammed', 'a'].every((w) => c.name.toLocaleLowerCase().includes(w)));
    await page.locator('.caseload-count', { hasText: `Viser ${hits.length} af ${all.length} borgere` }).waitFor();
    assert.ok((await page.locator('.caseload-row:visible .caseload-name').allInnerTexts()).includes(CITIZEN_NAME));
    assert.ok(!(await page.locator('.caseload-row:visible .caseload-name').allInnerTexts()).includes('Anna Jensen'));
    await filter.fill('ingen med det navn');
    await page.getByText('Ingen borgere passer til søgningen.').waitFor();
    await shot(page, 'caseload-filtered');
    await filter.fill('');
    await page.locator('.caseload-count', { hasText: `${all.length} borgere` }).waitFor();
  });

  // ---------------------------------------------------------- the plan

  it('a citizen\'s plan: dreams, goals with sub-goals, status, hours, legal basis, contact; CPR number asked for, logged and hidden again', async () => {
    await page.getByRole('link', { name: CITIZEN_NAME }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}`);
    await adminSettled(page);
    await page.getByRole('heading', { level: 1, name: CITIZEN_NAME }).waitFor();
    assert.equal(await page.title(), `Borgerens plan${TITLE_SUFFIX}`, 'no name in the title');
    const plan = (await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json;
    for (const d of plan.dreams) await page.getByText(d.text, { exact: true }).waitFor();
    const goal = plan.goals.find((g) => g.subgoals.length);
    const gcard = page.locator('.goal-card', { has: page.getByRole('heading', { name: goal.title, exact: true }) });
    assert.match(await gcard.innerText(), new RegExp(`Lovgrundlag\\s*${goal.legal_basis}`));
    assert.match(await gcard.innerText(), /Status\s*I gang/);
    for (const s of goal.subgoals) await gcard.getByText(s.title, { exact: true }).waitFor();
    await page.locator('.contact-card', { hasText: plan.contact.name }).waitFor();

    // The plan read names the date part only; the whole number is asked
    // for, one audited read_cpr row per ask.
    const date = plan.citizen.cpr_date;
    assert.match(String(date), /^\d{6}$/);
    assert.equal(plan.citizen.cpr_viewable, true);
    const value = page.locator('.cpr-value');
    assert.equal(await value.innerText(), `${date}-••••`, 'the date part, masked, at first');
    const cprReads = async () => (await mette.request('GET', `${ADMIN}/citizens/${cid}/audit`)).json.entries.filter((e) => e.action === 'read_cpr').length;
    const readsBefore = await cprReads();
    await page.getByRole('button', { name: 'Vis CPR-nummer' }).click();
    await page.getByRole('button', { name: 'Skjul CPR-nummer' }).waitFor();
    const whole = await value.innerText();
    assert.match(whole, new RegExp(`^${date}-\\d{4}$`), 'the whole number is shown');
    await page.getByRole('status').filter({ hasText: 'Visningen er skrevet i loggen' }).waitFor();
    assert.equal(await cprReads(), readsBefore + 1, 'one read_cpr row for the ask');
    await assertAxe(page, 'a citizen\'s plan with the CPR number shown');
    await page.getByRole('button', { name: 'Skjul CPR-nummer' }).click();
    await page.getByRole('button', { name: 'Vis CPR-nummer' }).waitFor();
    assert.ok(!(await page.locator('main').innerText()).includes(whole), 'Skjul hides the number again');
    assert.equal(await cprReads(), readsBefore + 1, 'hiding asks nothing');
    await assertAxe(page, 'a citizen\'s plan');
    await shot(page, 'plan');
  });

  it('the contact person sees the CPR number\'s date part and no button to show it', async () => {
    const other = await phoneContext(browser);
    try {
      const p = await other.newPage();
      await p.goto(`${BASE}/admin/`);
      await loginStaffThroughDevIdp(p, original.name);
      await adminSettled(p);
      await p.goto(`${BASE}/admin/#/borger/${cid}`);
      await adminSettled(p);
      await p.getByRole('heading', { level: 1, name: CITIZEN_NAME }).waitFor();
      const date = (await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json.citizen.cpr_date;
      assert.equal(await p.locator('.cpr-value').innerText(), `${date}-••••`);
      assert.equal(await p.getByRole('button', { name: /CPR-nummer/ }).count(), 0, 'no CPR button for a contact person');
    } finally {
      await other.close();
    }
  });

  let goalTitle;
  it('adds a goal with a legal basis (errors first) and a sub-goal; the citizen sees both', async () => {
    await page.getByRole('link', { name: 'Tilføj mål' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}/nyt-maal`);
    await adminSettled(page);
    await page.getByRole('button', { name: 'Gem målet' }).click();
    await page.getByRole('alert').filter({ hasText: 'Der mangler noget' }).waitFor();
    for (const e of ['Skriv en titel.', 'Vælg et område.', 'Vælg et lovgrundlag.']) await page.locator('.form-summary').getByText(e).waitFor();
    await assertAxe(page, 'the goal form with errors');
    await shot(page, 'goal-errors');

    goalTitle = `Buskørsel i praksis ${mark}`;
    written.push(goalTitle);
    await page.getByRole('textbox', { name: 'Titel' }).fill(goalTitle);
    await page.getByRole('textbox', { name: /^Beskrivelse/ }).fill('Ture med en erfaren chauffør – æøå.');
    await page.getByRole('combobox', { name: 'Område' }).selectOption('job');
    await page.getByRole('combobox', { name: 'Lovgrundlag' }).selectOption('LAB §91');
    await page.getByRole('textbox', { name: /^Timer om ugen/ }).fill('1,5');
    await shot(page, 'goal-filled');
    await page.getByRole('button', { name: 'Gem målet' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}`);
    await page.locator('#flash', { hasText: 'Målet er tilføjet.' }).waitFor();
    const gcard = page.locator('.goal-card', { has: page.getByRole('heading', { name: goalTitle }) });
    await gcard.waitFor();
    assert.match(await gcard.innerText(), /Timer om ugen\s*1,5/);

    // A sub-goal of it.
    await page.getByRole('link', { name: `Tilføj delmål til ${goalTitle}` }).click();
    await adminSettled(page);
    assert.equal(await page.getByRole('combobox', { name: 'Delmål af' }).inputValue(), String(await goalId(goalTitle)));
    const sub = `Første tur på rute 5 ${mark}`;
    written.push(sub);
    await page.getByRole('textbox', { name: 'Titel' }).fill(sub);
    await page.getByRole('combobox', { name: 'Område' }).selectOption('job');
    await page.getByRole('combobox', { name: 'Lovgrundlag' }).selectOption('LAB §175');
    await page.getByRole('button', { name: 'Gem målet' }).click();
    await page.locator('#flash', { hasText: 'Målet er tilføjet.' }).waitFor();
    await gcard.locator('.subgoal', { hasText: sub }).waitFor();
    await shot(page, 'goal-added');

    // The citizen's own plan shows them.
    const other = await citizenPage(browser, CITIZEN);
    try {
      await other.page.goto(`${BASE}/#/plan`);
      await waitForPlan(other.page);
      const mine = other.page.locator('.goal-card', { has: other.page.getByRole('heading', { name: goalTitle }) });
      await mine.waitFor();
      assert.equal(await mine.locator('.legal small').first().innerText(), 'Lovgrundlag: LAB §91');
      await mine.getByText(sub, { exact: true }).waitFor();
      await shot(other.page, 'citizen-sees-goal');
    } finally {
      await other.ctx.close();
    }
  });

  async function goalId(title) {
    const plan = (await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json;
    const g = plan.goals.flatMap((x) => [x, ...x.subgoals]).find((x) => x.title === title);
    assert.ok(g, `no goal ${title}`);
    return g.id;
  }

  it('edits a goal: only what changed is sent, and the history says so', async () => {
    await page.goto(`${BASE}/admin/#/borger/${cid}`);
    await adminSettled(page);
    await page.getByRole('link', { name: `Ret målet ${goalTitle}` }).click();
    await adminSettled(page);
    assert.equal(await page.getByRole('combobox', { name: 'Lovgrundlag' }).inputValue(), 'LAB §91');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('on-hold');
    await assertAxe(page, 'the goal form, editing');
    await page.getByRole('button', { name: 'Gem målet' }).click();
    await page.locator('#flash', { hasText: 'Målet er gemt.' }).waitFor();
    const gcard = page.locator('.goal-card', { has: page.getByRole('heading', { name: goalTitle }) });
    assert.match(await gcard.innerText(), /Status\s*Sat på pause/);
    const hist = (await citizen.request('GET', '/api/v1/plan/history')).json.versions;
    assert.match(hist[0].summary, /pause/i, `newest history: ${hist[0].summary}`);
  });

  it('a plan changed meanwhile (412) keeps the form and saves on the next try', async () => {
    await page.getByRole('link', { name: `Ret målet ${goalTitle}` }).click();
    await adminSettled(page);
    const desc = `Nu med aftenture ${mark}`;
    await page.getByRole('textbox', { name: /^Beskrivelse/ }).fill(desc);
    const moved = await citizen.request('POST', '/api/v1/plan/dreams', { text: `Imens en drøm ${mark}` });
    assert.equal(moved.status, 201);
    await page.getByRole('button', { name: 'Gem målet' }).click();
    await page.locator('.editor-message', { hasText: 'Planen er blevet ændret af en anden' }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: /^Beskrivelse/ }).inputValue(), desc, 'the text is still there');
    await shot(page, 'goal-stale');
    await page.getByRole('button', { name: 'Gem målet' }).click();
    await page.locator('#flash', { hasText: 'Målet er gemt.' }).waitFor();
    await page.getByText(desc).waitFor();
    await citizen.request('DELETE', `/api/v1/plan/dreams/${moved.json.id}`);
  });

  // ----------------------------------------------------------- contact

  it('assigns a new contact person, and the citizen\'s contact changes', async () => {
    await page.getByRole('link', { name: 'Skift kontaktperson' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}/kontaktperson`);
    await adminSettled(page);
    assert.ok(await page.getByRole('radio', { name: new RegExp(`^${original.name}.*nuværende`) }).isChecked(), 'the current contact is chosen');
    await page.getByRole('radio', { name: /^Helle Friis/ }).check();
    await assertAxe(page, 'the contact person form');
    await shot(page, 'contact');
    await page.getByRole('button', { name: 'Gem kontaktperson' }).click();
    await page.locator('#flash', { hasText: 'Helle Friis er nu borgerens kontaktperson.' }).waitFor();
    await page.locator('.contact-card', { hasText: 'Helle Friis' }).waitFor();
    const contact = (await citizen.request('GET', '/api/v1/contact')).json;
    assert.equal(contact.name, 'Helle Friis');
    assert.equal(contact.role, 'Hjemmesygeplejerske');
  });

  // ------------------------------------------------------------ course

  it('ends the course (errors first) with its outcome, then reopens it within the period', async () => {
    await page.goto(`${BASE}/admin/#/borger/${cid}`);
    await adminSettled(page);
    const section = page.locator('section[aria-labelledby="course-heading"]');
    await section.getByText('Forløbet kører.').waitFor();
    await section.getByRole('link', { name: 'Afslut forløb' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}/forloeb`);
    await adminSettled(page);
    await page.getByRole('button', { name: 'Ja, afslut forløbet' }).click();
    await page.locator('.form-error-message', { hasText: 'Vælg, hvordan forløbet endte.' }).first().waitFor();
    assert.equal((await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json.course.outcome, null, 'nothing was sent');
    await page.getByRole('radio', { name: 'Fraflyttet' }).check();
    await assertAxe(page, 'the course end form');
    await shot(page, 'course-end');
    await page.getByRole('button', { name: 'Ja, afslut forløbet' }).click();
    await page.locator('#flash', { hasText: 'Forløbet er afsluttet.' }).waitFor();
    await section.getByText(/Forløbet blev afsluttet .*: Fraflyttet\./).waitFor();
    assert.equal((await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json.course.outcome, 'moved_away');
    await section.getByRole('link', { name: 'Genåbn forløb' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}/forloeb`);
    await adminSettled(page);
    await assertAxe(page, 'the course reopen page');
    await page.getByRole('button', { name: 'Ja, genåbn forløbet' }).click();
    await page.locator('#flash', { hasText: 'Forløbet er genåbnet.' }).waitFor();
    await section.getByText('Forløbet kører.').waitFor();
    assert.equal((await mette.request('GET', `${ADMIN}/citizens/${cid}/plan`)).json.course.outcome, null);
  });

  // ---------------------------------------------------------- meetings

  it('plans a network meeting (errors first) and marks it held', async () => {
    await page.getByRole('navigation', { name: 'Borgerens sider' }).getByRole('link', { name: 'Møder' }).click();
    await page.waitForURL((u) => u.hash === `#/borger/${cid}/moeder`);
    await adminSettled(page);
    await page.getByRole('button', { name: 'Planlæg mødet' }).click();
    await page.getByRole('alert').filter({ hasText: 'Der mangler noget' }).waitFor();
    await page.locator('.form-summary').getByText('Skriv dato og klokkeslæt.').waitFor();
    await assertAxe(page, 'the meetings page with errors');

    const place = `Jobcentret, mødelokale 3 ${mark}`;
    written.push(place);
    const day = new Date(Date.now() + 21 * 86400000);
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    await page.getByRole('radio', { name: 'Netværksmøde' }).check();
    await page.getByLabel('Dato').fill(date);
    await page.getByLabel('Klokkeslæt').fill('10:00');
    await page.getByRole('textbox', { name: 'Sted' }).fill(place);
    await page.getByRole('textbox', { name: /^Dagsorden/ }).fill('1. Erhvervskørekortet\n2. Genoptræningen');
    assert.equal(await page.getByRole('textbox', { name: 'Navn, deltager 1' }).inputValue(), CITIZEN_NAME, 'the citizen takes part');
    await page.getByRole('button', { name: 'Tilføj deltager' }).click();
    await page.getByRole('textbox', { name: 'Navn, deltager 3' }).fill('Inge Ali');
    await page.getByRole('textbox', { name: 'Rolle, deltager 3' }).fill('Søster');
    await shot(page, 'meeting-filled');
    await page.getByRole('button', { name: 'Planlæg mødet' }).click();
    await page.locator('.dreams-live', { hasText: 'Mødet er planlagt.' }).waitFor();
    const m = page.locator('.meeting-card', { hasText: place });
    await m.waitFor();
    assert.match(await m.innerText(), /Netværksmøde/);
    assert.match(await m.innerText(), /kl\. 10\.00/, 'the time as typed, in Danish time');
    assert.match(await m.innerText(), /Inge Ali \(Søster\)/);
    await assertAxe(page, 'the meetings page');
    await shot(page, 'meeting-planned');

    await m.getByRole('button', { name: /^Marker mødet .* som afholdt$/ }).click();
    await page.locator('.dreams-live', { hasText: 'Mødet er markeret som afholdt.' }).waitFor();
    const held = page.locator('section', { has: page.getByRole('heading', { name: 'Afholdte' }) }).locator('.meeting-card', { hasText: place });
    await held.getByText(/^Afholdt /).waitFor();
    await shot(page, 'meeting-held');
  });

  // ------------------------------------------------------------- queue

  it('by keyboard only: Tab to "Afvis", write the reason, Enter – with a visible focus at every stop', async () => {
    const title = `Kørelærer ${mark}`;
    await file({ kind: 'add_goal', title });
    await openQueue();
    const label = `Afvis forslaget fra ${CITIZEN_NAME}: Nyt mål: ${title}`;
    await tabTo(page, label);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'reason');
    assert.ok((await focusVisible(page)).ring, 'the reason box shows its focus');
    const reason = `Vi tager det op på næste møde, når kørekortet er på plads. ${mark}`;
    written.push(reason);
    await page.keyboard.type(reason);
    await page.keyboard.press('Tab');
    const submit = await focusVisible(page);
    assert.equal(submit.text, 'Afvis forslaget');
    assert.ok(submit.ring, 'the send button shows its focus');
    await shot(page, 'queue-keyboard-reject');
    await page.keyboard.press('Enter');
    await page.locator('#queue-live', { hasText: `Forslaget fra ${CITIZEN_NAME} er afvist.` }).waitFor();
    const p = (await citizen.request('GET', '/api/v1/proposals')).json.proposals.find((x) => x.title === title);
    assert.equal(p.status, 'rejected');
    assert.equal(p.decision.reason, reason);
  });

  it('by keyboard only: approves a change to a goal', async () => {
    const desc = `Ture også om lørdagen ${mark}`;
    const p = await file({ kind: 'change_goal', goal_id: await goalId(goalTitle), description: desc });
    await openQueue();
    const label = `Godkend forslaget fra ${CITIZEN_NAME}: Ændring af et mål: ${goalTitle}`;
    await tabTo(page, label);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'reason');
    await page.keyboard.type('Fint – det passer med holdet.');
    await page.keyboard.press('Tab');
    assert.equal((await focusVisible(page)).text, 'Godkend forslaget');
    await page.keyboard.press('Enter');
    await page.locator('#queue-live', { hasText: `Forslaget fra ${CITIZEN_NAME} er godkendt.` }).waitFor();
    assert.equal((await proposalNow(p.id)).status, 'approved');
    const plan = (await citizen.request('GET', '/api/v1/plan')).json;
    const g = plan.goals.find((x) => x.title === goalTitle);
    assert.equal(g.description, desc, 'the change is in the plan');
  });

  it('a reject without a reason is refused with a clear message, and nothing is sent', async () => {
    const title = `Nattevagt ${mark}`;
    const p = await file({ kind: 'add_goal', title });
    await openQueue();
    const before = seen.apiCalls.length;
    await card(title).getByRole('button', { name: /^Afvis forslaget fra/ }).click();
    await card(title).getByRole('button', { name: 'Afvis forslaget' }).click();
    const msg = card(title).getByRole('alert').filter({ hasText: 'Der mangler noget' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /Skriv en begrundelse\. Et afslag skal altid begrundes/);
    assert.equal(await card(title).getByRole('textbox', { name: /^Begrundelse til borgeren/ }).getAttribute('aria-invalid'), 'true');
    await assertAxe(page, 'a reject without a reason');
    await shot(page, 'queue-reject-no-reason');
    const sent = seen.apiCalls.slice(before).filter((c) => c.method === 'POST' && c.path.endsWith(`/proposals/${p.id}/decision`));
    assert.deepEqual(sent, [], 'no decision was sent');
    assert.equal((await proposalNow(p.id)).status, 'pending', 'the proposal is still pending');
    await card(title).getByRole('button', { name: 'Fortryd' }).click();

    // A comment on it instead.
    await card(title).getByRole('button', { name: `Skriv en kommentar til forslaget fra ${CITIZEN_NAME}` }).click();
    const text = `Lad os tale om arbejdstiderne. ${mark}`;
    written.push(text);
    await card(title).getByRole('textbox', { name: 'Din kommentar' }).fill(text);
    await card(title).getByRole('button', { name: 'Send kommentaren' }).click();
    await page.locator('#queue-live', { hasText: 'Kommentaren er sendt.' }).waitFor();
    await card(title).locator('.comment-list', { hasText: text }).getByText(`${CASEWORKER_NAME} (Sagsbehandler)`, { exact: false }).waitFor();
  });

  it('a proposal decided by someone else meanwhile (409) says so plainly and keeps the text', async () => {
    const title = `Weekendkursus ${mark}`;
    const p = await file({ kind: 'add_goal', title });
    await openQueue();
    await card(title).getByRole('button', { name: /^Afvis forslaget fra/ }).click();
    const reason = `Det kan vi ikke nå i år. ${mark}`;
    await card(title).getByRole('textbox', { name: /^Begrundelse til borgeren/ }).fill(reason);
    // A colleague (Mette on another device) decides it first.
    const other = await mette.request('POST', `${ADMIN}/proposals/${p.id}/decision`, { decision: 'reject', reason: 'Afgjort andetsteds.' });
    assert.equal(other.status, 200, other.text);
    await card(title).getByRole('button', { name: 'Afvis forslaget' }).click();
    const box = page.locator('.orphan-box');
    await box.waitFor();
    assert.match(await box.innerText(), /allerede afgjort/);
    assert.match(await box.innerText(), new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the text is kept');
    assert.equal(await card(title).count(), 0, 'the decided proposal left the queue');
    assert.equal((await proposalNow(p.id)).decision.reason, 'Afgjort andetsteds.', 'the first decision stands');
    await assertAxe(page, 'the queue after a 409');
    await shot(page, 'queue-already-decided');
    await box.getByRole('button', { name: 'Glem teksten' }).click();
    await page.waitForSelector('.orphan-box', { state: 'detached' });
  });

  it('an expired staff session while writing a reject reason keeps the text, through a new login', async () => {
    const title = `Sprogkursus ${mark}`;
    const p = await file({ kind: 'add_goal', title });
    await openQueue();
    await card(title).getByRole('button', { name: /^Afvis forslaget fra/ }).click();
    const box = card(title).getByRole('textbox', { name: /^Begrundelse til borgeren/ });
    const reason = `Kurset findes ikke i kommunen lige nu – vi finder et andet. ${mark}`;
    written.push(reason);
    await box.fill(reason);

    // The session dies server-side (as at its 10-minute idle timeout).
    const mine = await browserStaffSession(page);
    const killed = await mine.request('DELETE', `${ADMIN}/session`);
    assert.equal(killed.status, 204);

    await card(title).getByRole('button', { name: 'Afvis forslaget' }).click();
    const msg = card(title).locator('.editor-message .alert', { hasText: 'Du er blevet logget ud' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /Din tekst er ikke gået tabt/);
    assert.equal(await box.inputValue(), reason, 'the text is still in the box');
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('kaptajn.admin.drafts'), local: localStorage.length }));
    assert.ok(stored.session && stored.session.includes(mark), 'the draft is in sessionStorage');
    assert.equal(stored.local, 0, 'nothing in localStorage');
    assert.equal((await proposalNow(p.id)).status, 'pending');
    await assertAxe(page, 'the queue with the logged-out message');
    await shot(page, 'queue-session-expired');

    await msg.getByRole('button', { name: 'Log ind igen' }).click();
    await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    await page.getByRole('link', { name: new RegExp(`^${CASEWORKER_NAME} \\(`) }).click();
    await page.waitForURL((u) => u.pathname === '/admin/' && u.hash === '#/forslag');
    await adminSettled(page);
    await page.locator('#flash', { hasText: 'hentet frem igen' }).waitFor();
    const back = card(title).getByRole('textbox', { name: /^Begrundelse til borgeren/ });
    assert.equal(await back.inputValue(), reason, 'the draft survived the login');
    await shot(page, 'queue-restored');
    await card(title).getByRole('button', { name: 'Afvis forslaget' }).click();
    await page.locator('#queue-live', { hasText: `Forslaget fra ${CITIZEN_NAME} er afvist.` }).waitFor();
    assert.equal((await proposalNow(p.id)).decision.reason, reason);
    const left = await page.evaluate(() => sessionStorage.getItem('kaptajn.admin.drafts'));
    assert.ok(!left || !left.includes(`decision:${p.id}`), 'a sent draft is gone');
  });

  // ---------------------------------------------- log, report, not yours

  it('the log shows the caseworker\'s reads and changes', async () => {
    await page.goto(`${BASE}/admin/#/borger/${cid}/log`);
    await adminSettled(page);
    await page.getByRole('heading', { level: 2, name: 'Hvem har set borgerens data' }).waitFor();
    const items = page.locator('.audit-item');
    const first = await items.first().innerText();
    assert.match(first, new RegExp(`${CASEWORKER_NAME} \\(Sagsbehandler\\) – Læste (loggen|planen)`), `newest: ${first}`);
    await items.filter({ hasText: `${CASEWORKER_NAME} (Sagsbehandler) – Læste planen` }).first().waitFor();
    await items.filter({ hasText: `${CASEWORKER_NAME} (Sagsbehandler) – Fik vist CPR-nummeret` }).first().waitFor();
    await items.filter({ hasText: /Tilføjede et mål/ }).first().waitFor();
    await items.filter({ hasText: /Valgte kontaktperson/ }).first().waitFor();
    await items.filter({ hasText: /Afviste forslag nr\. \d+/ }).first().waitFor();
    await assertAxe(page, 'the log');
    await shot(page, 'log');
    await page.getByRole('checkbox', { name: /^Vis kun ændringer/ }).check();
    // The list is drawn again: wait until the reads have gone from it.
    await items.filter({ hasText: / – Læste / }).first().waitFor({ state: 'detached' });
    const changes = await items.allInnerTexts();
    assert.ok(changes.length > 0 && changes.every((x) => !/ – (Læste|Fik vist) /.test(x)), 'only changes are listed');
    await items.filter({ hasText: /Tilføjede et mål/ }).first().waitFor();
  });

  it('the overview report renders, for the municipality and each caseworker', async () => {
    await page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Overblik' }).click();
    await page.waitForURL((u) => u.hash === '#/rapport');
    await adminSettled(page);
    await page.getByRole('heading', { level: 2, name: 'Hele kommunen' }).waitFor();
    const per = page.getByRole('table', { name: 'Pr. sagsbehandler' });
    const row = per.getByRole('row').filter({ has: page.getByRole('rowheader', { name: CASEWORKER_NAME }) }).first();
    await per.getByRole('rowheader', { name: 'Peter Nielsen' }).first().waitFor();
    const report = (await mette.request('GET', `${ADMIN}/reports/overview`)).json;
    const mine = report.per_caseworker.find((g) => g.caseworker.name === CASEWORKER_NAME);
    // (Pending proposals move while the other browser tests run.)
    assert.match(await row.innerText(), new RegExp(`^${CASEWORKER_NAME}\\s+${mine.active_citizens}\\s+\\d+\\s`));
    const total = page.locator('.report-group', { has: page.getByRole('heading', { name: 'Hele kommunen' }) });
    assert.match(await total.innerText(), new RegExp(`Borgere i forløb\\s*${report.total.active_citizens}`));
    await total.getByRole('table', { name: 'Borgere pr. kontaktperson' }).waitFor();
    await assertAxe(page, 'the overview report');
    await shot(page, 'report');
  });

  it('a citizen outside the caseload is "not found", with nothing of theirs shown', async () => {
    const peter = await staffApi('peter');
    const lars = (await peter.request('GET', `${ADMIN}/citizens`)).json.citizens.find((c) => c.name === 'Lars Hansen');
    assert.ok(lars);
    for (const hash of [`#/borger/${lars.id}`, `#/borger/${lars.id}/log`, `#/borger/${lars.id}/moeder`, `#/borger/${lars.id}/nyt-maal`]) {
      await page.goto(`${BASE}/admin/${hash}`);
      await page.getByRole('heading', { level: 1, name: 'Siden findes ikke' }).waitFor();
      await page.getByText('Borgeren findes ikke, eller borgeren er ikke i din sagsstamme.').waitFor();
      const text = await page.locator('main').innerText();
      assert.ok(!/Lars|Hansen|Sofie/.test(text), `nothing of the citizen on ${hash}`);
    }
    await assertAxe(page, 'a citizen outside the caseload');
    await shot(page, 'not-yours');
  });

  // -------------------------------------------------- the whole site

  it('the accessibility statement (from the footer) and a missing page pass axe', async () => {
    await page.goto(`${BASE}/admin/#/borgere`);
    await adminSettled(page);
    await page.getByRole('contentinfo').getByRole('link', { name: 'Tilgængelighedserklæring' }).click();
    await page.waitForURL((u) => u.hash === '#/tilgaengelighed');
    await page.getByRole('heading', { level: 1, name: 'Tilgængelighedserklæring' }).waitFor();
    assert.match(await page.locator('main').innerText(), /sagsbehandlerdelen/);
    await assertAxe(page, 'the accessibility statement');
    await shot(page, 'accessibility');
    await page.goto(`${BASE}/admin/#/findes-ikke`);
    await page.getByRole('heading', { level: 1, name: 'Siden findes ikke' }).waitFor();
    await assertAxe(page, 'a missing page');
  });

  it('switches to English and back, texts from one place', async () => {
    await page.goto(`${BASE}/admin/#/forslag`);
    await adminSettled(page);
    await page.getByRole('button', { name: 'Read this in English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Proposals to decide' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.title(), 'Proposals to decide – Kaptajn casework');
    await page.getByRole('link', { name: 'Citizens' }).first().waitFor();
    await assertAxe(page, 'the queue in English');
    await shot(page, 'queue-english');
    await page.getByRole('button', { name: 'Læs på dansk' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forslag til afgørelse' }).waitFor();
  });

  it('fits 360 px on every page: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const hash of ['#/borgere', `#/borger/${cid}`, `#/borger/${cid}/nyt-maal`, `#/borger/${cid}/kontaktperson`, `#/borger/${cid}/moeder`, `#/borger/${cid}/log`, '#/forslag', '#/rapport', '#/tilgaengelighed']) {
      // A change of the hash alone keeps the page: load it anew, so that
      // what is measured is this route's page.
      await page.goto(`${BASE}/admin/${hash}`);
      await page.reload();
      await adminSettled(page);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 360, `${hash} is ${wide}px wide at 360`);
      if (hash === '#/forslag') await shot(page, 'queue-360');
    }
    await page.setViewportSize(PHONE);
  });

  it('no layout jump while the plan comes in', async () => {
    await page.goto(`${BASE}/admin/#/borger/${cid}`);
    const cls = await layoutShiftOnLoad(page, adminSettled);
    assert.ok(cls < 0.05, `cumulative layout shift ${cls.toFixed(3)} from placeholders to the plan (want < 0.05)`);
  });

  it('sends the CSRF header on every change; no personal data in URLs, titles or lasting storage', async () => {
    const changes = seen.apiCalls.filter((c) => c.method !== 'GET');
    assert.ok(changes.length >= 10, `changes seen: ${changes.length}`);
    const bare = changes.filter((c) => !c.csrf && c.path !== `${ADMIN}/session`);
    assert.deepEqual(bare, [], 'every POST/PUT/PATCH/DELETE carried X-CSRF-Token');
    for (const url of [...seen.urls, ...visited]) {
      const u = decodeURIComponent(url);
      for (const text of [...written, CITIZEN_NAME, 'Mohammed', CASEWORKER_NAME]) assert.ok(!u.includes(text.slice(0, 20)), `"${text.slice(0, 20)}" in ${url}`);
      assert.ok(!/\d{6}-?\d{4}/.test(u), `a CPR-like number in ${url}`);
    }
    const routes = visited.map((u) => new URL(u).hash).filter(Boolean);
    assert.ok(routes.length > 10, `routes seen: ${routes.length}`);
    for (const r of routes) assert.match(r, /^#\/[a-z0-9/-]*$/, 'only words and numeric ids in a route');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    assert.deepEqual(unexpectedConsoleErrors(seen), [], 'no console errors (a CSP refusal would be one)');
    assert.deepEqual(seen.pageErrors, [], 'no uncaught errors');
  });

  it('logs out: the session is dead and the tab forgets it', async () => {
    await page.goto(`${BASE}/admin/#/borgere`);
    await adminSettled(page);
    const mine = await browserStaffSession(page);
    await page.getByRole('button', { name: 'Log af' }).click();
    await page.getByText('Du er logget af.').waitFor();
    await page.getByRole('button', { name: 'Log ind', exact: true }).waitFor();
    const left = await page.evaluate(() => ({ csrf: sessionStorage.getItem('kaptajn.admin.csrf'), who: sessionStorage.getItem('kaptajn.admin.staff') }));
    assert.deepEqual(left, { csrf: null, who: null });
    assert.equal((await mine.request('GET', `${ADMIN}/citizens`)).status, 401, 'the old cookie is refused');
    assert.equal(await page.getByRole('navigation', { name: 'Hovedmenu' }).count(), 0, 'no menu when logged out');
    await assertAxe(page, 'the login page after logging out');
    await shot(page, 'logged-out');
  });
});
