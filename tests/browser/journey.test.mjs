// One citizen's course from enrolment to deletion, through the pages on a
// phone (390×844), axe-clean at each step: a caseworker enrols a new
// citizen, the citizen logs in through the dev IdP by CPR number and
// name, gives consent, writes a dream and sees the plan; the caseworker
// moves the citizen to a colleague, who ends the course; the citizen then
// reads a plan that can no longer be changed; and once the retention
// period is over (the clock moved by moving the course's end back)
// `kaptajn purge --dry-run` lists the citizen. The citizen is deleted
// again afterwards.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  forgetCitizens,
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
  startShots,
  unexpectedConsoleErrors,
  waitForPlan,
  watchedPage,
} from './lib.mjs';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const CONF = process.env.KAPTAJN_CONFIG || '';
const NEED = SKIP || (!process.env.KAPTAJN_DB_SOCKET && 'no database to move the clock in') ||
  (!fs.existsSync(BIN) && `no program at ${BIN}`) || (!CONF && 'KAPTAJN_CONFIG is not set');

// A real date in the 1900s (seventh digit 0-3) and a random serial.
const CPR = `${String(1 + crypto.randomInt(28)).padStart(2, '0')}${String(1 + crypto.randomInt(12)).padStart(2, '0')}${String(crypto.randomInt(100)).padStart(2, '0')}${crypto.randomInt(4)}${String(crypto.randomInt(1000)).padStart(3, '0')}`;
const NAME = `Forløb Borger ${crypto.randomBytes(3).toString('hex')}`;
const DREAM = `Jeg vil gerne arbejde i en cykelforretning ${crypto.randomBytes(2).toString('hex')}`;

/** kaptajn purge with args; its output (stdout), and the exit code. */
function purge(...args) {
  try {
    return { code: 0, out: execFileSync(BIN, ['purge', '--config', CONF, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout || ''}${e.stderr || ''}` };
  }
}

describe('a course from enrolment to deletion, through the pages on a phone', { skip: NEED }, () => {
  let browser;
  let release;
  let staff; // Mette's page, then Peter's
  let citizen; // the new citizen's page
  let staffSeen;
  let citizenSeen;
  let id;

  before(async () => {
    release = await holdCitizen('staff-assignments');
    startShots('journey');
    browser = await launch();
    ({ page: staff, seen: staffSeen } = await watchedPage(await phoneContext(browser)));
    ({ page: citizen, seen: citizenSeen } = await watchedPage(await phoneContext(browser)));
  });

  after(async () => {
    try {
      forgetCitizens(NAME);
    } finally {
      if (browser) await browser.close();
      if (release) release();
    }
  });

  it('the caseworker enrols the citizen by CPR number and name', async () => {
    await staff.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(staff, 'Mette Sørensen');
    await adminSettled(staff);
    await staff.getByRole('link', { name: 'Indskriv borger' }).click();
    await adminSettled(staff);
    await staff.getByRole('textbox', { name: /CPR-nummer/ }).pressSequentially(CPR);
    await staff.getByRole('textbox', { name: 'Navn' }).fill(NAME);
    await staff.getByRole('button', { name: 'Indskriv borger' }).click();
    await staff.waitForURL((u) => /^#\/borger\/\d+$/.test(u.hash));
    id = Number(/(\d+)$/.exec(new URL(staff.url()).hash)[1]);
    await adminSettled(staff);
    await staff.getByRole('heading', { level: 1, name: NAME }).waitFor();
    await assertAxe(staff, 'the new citizen\'s page');
    await shot(staff, 'enrolled');
  });

  it('the citizen logs in through the dev IdP by CPR number and name, and the consent page comes first', async () => {
    await citizen.goto(`${BASE}/`);
    await citizen.getByRole('button', { name: /Log ind med MitID/ }).click();
    await citizen.waitForURL((u) => u.pathname === '/dev-idp/authorize');
    await citizen.locator('#cpr').fill(CPR);
    await citizen.locator('#name').fill(NAME);
    await citizen.getByRole('button', { name: 'Log ind som borger' }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Samtykke til den fælles plan' }).waitFor();
    await assertAxe(citizen, 'the consent page of a new citizen');
    await shot(citizen, 'consent');
  });

  it('gives consent, writes a dream and sees it in the plan', async () => {
    await citizen.getByRole('button', { name: 'Ja, jeg giver samtykke' }).click();
    await waitForPlan(citizen);
    await citizen.getByRole('button', { name: 'Skriv en ny drøm' }).click();
    await citizen.getByRole('textbox', { name: 'Din nye drøm' }).fill(DREAM);
    await citizen.getByRole('button', { name: 'Gem', exact: true }).click();
    await citizen.locator('.dream-text', { hasText: DREAM }).waitFor();
    await assertAxe(citizen, 'the plan with the new dream');
    await shot(citizen, 'dream');
  });

  it('the caseworker sees the dream and moves the citizen to a colleague', async () => {
    await staff.reload();
    await adminSettled(staff);
    await staff.locator('.dream-text', { hasText: DREAM }).waitFor();
    await staff.getByRole('link', { name: 'Flyt borger' }).click();
    await staff.waitForURL((u) => u.hash === `#/borger/${id}/flyt`);
    await adminSettled(staff);
    await staff.getByRole('radio', { name: /Peter Nielsen/ }).check();
    await assertAxe(staff, 'the move page');
    await staff.getByRole('button', { name: 'Flyt borger' }).click();
    await staff.locator('#flash', { hasText: 'Borgeren er flyttet til Peter Nielsen.' }).waitFor();
    assert.equal(sql(`SELECT s.name FROM citizens c JOIN staff s ON s.id = c.caseworker_id WHERE c.id = ${id}`)[0][0], 'Peter Nielsen');
  });

  it('the colleague ends the course', async () => {
    const ctx = await phoneContext(browser);
    ({ page: staff, seen: staffSeen } = await watchedPage(ctx));
    await staff.goto(`${BASE}/admin/`);
    await loginStaffThroughDevIdp(staff, 'Peter Nielsen');
    await staff.goto(`${BASE}/admin/#/borger/${id}`);
    await adminSettled(staff);
    await staff.getByRole('link', { name: 'Afslut forløb' }).click();
    await adminSettled(staff);
    await staff.getByRole('radio', { name: 'Job' }).check();
    await assertAxe(staff, 'the course end page');
    await staff.getByRole('button', { name: 'Ja, afslut forløbet' }).click();
    await staff.locator('#flash', { hasText: 'Forløbet er afsluttet.' }).waitFor();
    await shot(staff, 'ended');
  });

  it('the citizen\'s plan says the course has ended, and stays readable', async () => {
    await citizen.reload();
    await waitForPlan(citizen);
    await citizen.locator('.alert', { hasText: 'Dit forløb er afsluttet' }).waitFor();
    await citizen.locator('.dream-text', { hasText: DREAM }).waitFor();
    await assertAxe(citizen, 'the plan of an ended course');
    await shot(citizen, 'plan-ended');
  });

  it('kaptajn purge --dry-run lists the citizen once the retention period is over, and not before', () => {
    const line = new RegExp(`^citizen ${id}: course ended \\d{4}-\\d\\d-\\d\\d \\(job\\)`, 'm');
    let r = purge('--dry-run');
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, line);
    // Five years and two days pass.
    sql(`UPDATE citizens SET course_ended_at = course_ended_at - INTERVAL 5 YEAR - INTERVAL 2 DAY WHERE id = ${id}`);
    r = purge('--dry-run');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, line);
    assert.doesNotMatch(r.out, new RegExp(`${NAME}|${CPR}`));
    assert.equal(sql(`SELECT COUNT(*) FROM dreams WHERE plan_id = (SELECT plan_id FROM citizens WHERE id = ${id})`)[0][0], '1', 'a dry run changes nothing');
  });

  it('the CPR number was never in an address, and nothing went wrong in the pages', () => {
    for (const u of [...staffSeen.urls, ...citizenSeen.urls]) {
      assert.ok(!u.includes(CPR), `the number is in ${u}`);
    }
    assert.deepEqual(unexpectedConsoleErrors(staffSeen), []);
    assert.deepEqual(unexpectedConsoleErrors(citizenSeen), []);
  });
});
