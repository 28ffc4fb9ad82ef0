// Meetings made together on a phone (390x844): Anna opens "Mine møder"
// from the plan page, sees the numbered agenda with its lines kept, adds a
// point of her own, answers that she cannot come with a comment, and reads
// the minutes of a past meeting. axe-core checks each state; screenshots
// in VAR/screenshots/meetings-*.png.
//
// Holds the lock of anna and deletes the meetings it made.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  BASE, SKIP, assertAxe, citizenPage, holdCitizen, launch, marker, shot, sql, startShots, staffApi, unexpectedConsoleErrors,
} from './lib.mjs';

const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const AGENDA = '1. Praktik\n2. Kørekort\n3. Bolig';

describe('meetings made together on a phone', { skip: SKIP || (!process.env.KAPTAJN_DB_SOCKET && 'no database') }, () => {
  let browser;
  let page;
  let ctx;
  const seen = { consoleErrors: [], pageErrors: [] };
  let release;
  const made = [];
  const point = `Min ryg ${marker('p')}\nog transporten`;
  const minutes = `Referat ${marker('r')}\n1. Praktik aftalt\n2. Kørekort søges`;

  before(async () => {
    release = await holdCitizen('anna');
    startShots('meetings');
    const mette = await staffApi('mette');
    const anna = (await mette.request('GET', '/admin/api/v1/citizens')).json.citizens.find((c) => c.name === 'Anna Jensen').id;
    // Meetings of the test only: the soonest upcoming one is this file's.
    for (const at of [Date.now() + 3600000, Date.now() - 2 * 86400000]) {
      const r = await mette.request('POST', `/admin/api/v1/citizens/${anna}/meetings`, { kind: 'network', starts_at: iso(at), place: 'Jobcentret', agenda: AGENDA, participants: [] });
      assert.equal(r.status, 201, r.text);
      made.push(r.json.id);
    }
    assert.equal((await mette.request('POST', `/admin/api/v1/meetings/${made[1]}/held`)).status, 200);
    assert.equal((await mette.request('POST', `/admin/api/v1/meetings/${made[1]}/minutes`, { text: minutes })).status, 200);
    browser = await launch();
    let api;
    ({ ctx, page, api } = await citizenPage(browser, 'anna'));
    // The session's CSRF token where the portal keeps it after a login.
    await ctx.addInitScript((csrf) => sessionStorage.setItem('kaptajn.csrf', csrf), api.csrf);
    page.on('console', (m) => m.type() === 'error' && seen.consoleErrors.push(m.text()));
    page.on('pageerror', (e) => seen.pageErrors.push(e.message));
  });

  after(async () => {
    try {
      const ids = made.join(',') || '0';
      sql(`DELETE FROM meeting_points WHERE meeting_id IN (${ids});
           DELETE FROM meeting_responses WHERE meeting_id IN (${ids});
           DELETE FROM meetings WHERE id IN (${ids})`);
    } finally {
      if (browser) await browser.close();
      if (release) release();
    }
  });

  const card = () => page.locator('.meeting-card').filter({ has: page.locator(`#meeting-${made[0]}`) });

  it('the plan page shows the next meeting with the agenda\'s lines kept and links to "Mine møder"', async () => {
    await page.goto(`${BASE}/#/plan`);
    const section = page.getByRole('region', { name: 'Kommende møder' }).first();
    await section.getByText('1. Praktik').waitFor();
    const dd = section.locator('.pre-line').first();
    assert.equal(await dd.evaluate((el) => getComputedStyle(el).whiteSpace), 'pre-line');
    assert.equal((await dd.innerText()).split('\n').length, 3, 'three lines');
    await section.getByRole('link', { name: /Se dine møder/ }).click();
    await page.waitForURL((u) => u.hash === '#/moeder');
  });

  it('"Mine møder" lists the upcoming meeting with its numbered agenda on three lines; it passes axe', async () => {
    await card().waitFor();
    const agenda = card().locator('.meeting-facts .pre-line').first();
    assert.equal((await agenda.innerText()).split('\n').length, 3);
    await assertAxe(page, 'the meetings page');
    await shot(page, 'upcoming');
  });

  it('Anna adds a point with two lines; it is listed as hers ("Dig") with its lines', async () => {
    await card().getByRole('textbox', { name: 'Det vil jeg gerne tale om' }).fill(point);
    await card().getByRole('button', { name: 'Tilføj punkt' }).click();
    await card().getByText('Dit punkt er sat på dagsordenen.').waitFor();
    const p = card().locator('.point').filter({ hasText: 'Min ryg' });
    assert.equal(await p.locator('.point-text').innerText(), point);
    assert.match(await p.locator('.point-by').innerText(), /^Dig · /);
    await assertAxe(page, 'the meetings page after a point');
  });

  it('Anna answers that she cannot come, with a comment; the answer shows, and staff see it', async () => {
    await card().getByRole('radio', { name: 'Jeg kan ikke komme' }).check();
    await card().getByRole('textbox', { name: /Kommentar/ }).fill('Jeg er til lægen.\nKan vi flytte?');
    await card().getByRole('button', { name: 'Send svar' }).click();
    await card().getByText('Du har svaret: Jeg kan ikke komme.').waitFor();
    const mette = await staffApi('mette');
    const anna = (await mette.request('GET', '/admin/api/v1/citizens')).json.citizens.find((c) => c.name === 'Anna Jensen').id;
    const m = (await mette.request('GET', `/admin/api/v1/citizens/${anna}/meetings`)).json.meetings.find((x) => x.id === made[0]);
    assert.deepEqual([m.response.answer, m.response.comment], ['cannot_come', 'Jeg er til lægen.\nKan vi flytte?']);
    assert.equal(m.points.at(-1).text, point, 'staff see her point');
    await shot(page, 'answered');
  });

  it('the past meeting stays, with its minutes on their own lines; it passes axe', async () => {
    const past = page.getByRole('region', { name: 'Tidligere møder' });
    const m = past.locator('.minutes').filter({ hasText: 'Referat kt-r' });
    await m.waitFor();
    assert.equal(await m.locator('.pre-line').innerText(), minutes);
    await m.scrollIntoViewIfNeeded();
    await assertAxe(page, 'the meetings page with a past meeting');
    await shot(page, 'past');
    assert.deepEqual(unexpectedConsoleErrors(seen), []);
    assert.deepEqual(seen.pageErrors, []);
    await ctx.close();
  });
});
