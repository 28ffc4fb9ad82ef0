// lib.mjs: helpers for the browser tests of the citizen portal and the
// caseworker pages, which drive Debian's Chromium (/usr/bin/chromium)
// through playwright-core against a whole stack started by scripts/test,
// at a phone's size.
//
// Environment (as for tests/integration; set by scripts/test):
//   KAPTAJN_URL        base URL of nginx; unset: every test file skips
//   KAPTAJN_VAR        the stack's directory: screenshots go to
//                      VAR/screenshots/ (KAPTAJN_SCREENSHOTS to change),
//                      test locks to VAR/test-locks/
//   KAPTAJN_CHROMIUM   the browser (default /usr/bin/chromium)
//   KAPTAJN_DB_SOCKET, KAPTAJN_CONFIG  the database, for sql()
//
// Against a stack of your own:
//   scripts/stack start var/mine 38123
//   eval "$(scripts/stack env var/mine)"; export KAPTAJN_URL KAPTAJN_VAR
//   node --test tests/browser/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { forgetCitizensSql } from '../shared/forget.mjs';

export const BASE = (process.env.KAPTAJN_URL || '').replace(/\/+$/, '');
export const SKIP = BASE ? false : 'KAPTAJN_URL is not set: no stack to test';
export const VAR = process.env.KAPTAJN_VAR || '';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = process.env.KAPTAJN_SCREENSHOTS || path.join(VAR || path.join(REPO, 'var'), 'screenshots');
export const CHROMIUM = process.env.KAPTAJN_CHROMIUM || '/usr/bin/chromium';

/** A phone: the size of a common one (the portal must also work at 360). */
export const PHONE = { width: 390, height: 844 };

// ------------------------------------------------------------ browser

/** Starts headless Chromium with the flags a sandboxed machine needs.
 * playwright-core gives it a fresh user-data-dir of its own in the temp
 * folder and removes it on close; nothing is downloaded. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--no-first-run',
    ],
  });
}

/** A fresh context (cookies, storage, cache) at a phone's size. */
export function phoneContext(browser, opts = {}) {
  return browser.newContext({ viewport: PHONE, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', ...opts });
}

/**
 * A page in ctx that records what the tests check on every page: console
 * errors (a CSP refusal among them), uncaught errors, and every request to
 * the API (method, URL, whether it carried X-CSRF-Token).
 */
export async function watchedPage(ctx) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const seen = { consoleErrors: [], pageErrors: [], apiCalls: [], urls: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => seen.pageErrors.push(e.message));
  page.on('request', (r) => {
    seen.urls.push(r.url());
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') || u.pathname.startsWith('/admin/api/')) {
      const headers = r.headers();
      seen.apiCalls.push({ method: r.method(), path: u.pathname, csrf: Boolean(headers['x-csrf-token']) });
    }
  });
  return { page, seen };
}

/** Console errors that are not an expected HTTP answer (the browser logs
 * "Failed to load resource" for every 4xx the portal handles itself, 403
 * consent_required among them, which it answers with the consent page,
 * and for the requests the offline test cuts off). */
export function unexpectedConsoleErrors(seen) {
  return seen.consoleErrors.filter(
    (t) => !/Failed to load resource: (the server responded with a status of (401|403|404|409|412)|net::ERR_INTERNET_DISCONNECTED)/.test(t),
  );
}

let shotNo = 0;
let shotPrefix = 'shot';
/** Names this file's screenshots PREFIX-NN-name.png and removes the ones
 * an earlier run left under that prefix. */
export function startShots(prefix) {
  shotPrefix = prefix;
  shotNo = 0;
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) {
    if (f.startsWith(`${prefix}-`) && f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f), { force: true });
  }
}

/** Saves a screenshot of the whole page as SHOTS/PREFIX-NN-name.png. */
export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  shotNo += 1;
  const file = path.join(SHOTS, `${shotPrefix}-${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA, and best practices) on the page
 * and asserts that it finds nothing. */
export async function assertAxe(page, what) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join('\n    ')}`,
  );
  assert.deepEqual(found, [], `axe on ${what}:\n  ${found.join('\n  ')}`);
}

/** Reloads the page and sums the layout shifts (CLS) until ready(page)
 * resolves and 300 ms more: how far anything moved while data came in. */
export async function layoutShiftOnLoad(page, ready) {
  await page.reload();
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        window.__cls = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(resolve, 50);
      }),
  );
  await ready(page);
  await page.waitForTimeout(300);
  return page.evaluate(() => window.__cls);
}

/**
 * Presses Tab until the element whose accessible text (aria-label or
 * text) is label has focus, asserting at every stop that the focus is
 * visible (a ring of 2px or more). At most limit presses.
 */
export async function tabTo(page, label, limit = 150) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focusVisible(page);
    assert.ok(f.ring, `focus on ${f.tag} "${f.text.slice(0, 60)}" is visible`);
    if (f.text === label) return;
  }
  assert.fail(`${limit} presses of Tab did not reach "${label}"`);
}

/** Waits until the plan page shows the plan (not its placeholders). */
export async function waitForPlan(page) {
  await page.waitForSelector('.plan-page:not([aria-busy]) #dreams-heading');
}

/**
 * Logs in through the portal's "Log ind med MitID", Kaptajn's login (the
 * code flow) and the dev IdP's picker page (/dev-idp/authorize), as the
 * demo person named, and waits for the page the portal lands on.
 * atPicker(page), if given, runs on the picker page before the pick.
 */
export async function loginThroughDevIdp(page, name = 'Anna Jensen', { atPicker } = {}) {
  await page.getByRole('button', { name: /Log ind med MitID|Log in with MitID/ }).click();
  await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
  if (atPicker) await atPicker(page);
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/' && u.hash.startsWith('#/'));
}

/**
 * Logs in to the caseworker pages through their "Log ind", Kaptajn's
 * login and the dev IdP's picker page, as the staff member named (e.g. 'Mette Sørensen'), and waits
 * for the page the caseworker pages land on. atPicker as for
 * loginThroughDevIdp.
 */
export async function loginStaffThroughDevIdp(page, name, { atPicker } = {}) {
  await page.getByRole('button', { name: /^(Log ind|Log in)$/ }).click();
  await page.waitForURL((u) => u.pathname === '/dev-idp/authorize');
  if (atPicker) await atPicker(page);
  await page.getByRole('link', { name: new RegExp(`^${name} \\(`) }).click();
  await page.waitForURL((u) => u.pathname === '/admin/' && u.hash.startsWith('#/'));
  // The pages ask who logged in before they draw: the header names them.
  await page.locator('#me').filter({ hasText: name }).waitFor();
}

/** Waits until the caseworker page shows its data (no placeholders). */
export async function adminSettled(page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForSelector('.skeleton', { state: 'detached' });
}

/** SQL through the mariadb client, as the integration tests run it. */
export function sql(query) {
  const conf = process.env.KAPTAJN_CONFIG;
  const m = conf && fs.existsSync(conf) ? /^\s*db_name\s*=\s*(\S+)\s*$/m.exec(fs.readFileSync(conf, 'utf8')) : null;
  const out = execFileSync(
    'mariadb',
    ['--no-defaults', `--socket=${process.env.KAPTAJN_DB_SOCKET}`, `--user=${os.userInfo().username}`,
      '--batch', '--skip-column-names', m ? m[1] : 'kaptajn', '-e', query],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15000 },
  );
  return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

// ----------------------------------------------------- API (outside)

/** fetch() against the stack with a cookie jar of one cookie. */
export class ApiSession {
  constructor(cookie, csrf) {
    this.cookie = cookie;
    this.csrf = csrf;
  }

  async request(method, p, body, headers = {}) {
    const h = { Accept: 'application/json', Cookie: this.cookie, ...headers };
    if (method !== 'GET' && this.csrf) h['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(`${BASE}${p}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, etag: res.headers.get('etag') };
  }
}

async function devToken(sub, aud) {
  const res = await fetch(`${BASE}/dev-idp/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ sub, aud }).toString(),
  });
  assert.equal(res.status, 200, `dev IdP token for ${sub}`);
  return (await res.text()).trim();
}

async function apiLogin(sub, aud, sessionPath, cookieName) {
  const token = await devToken(sub, aud);
  const res = await fetch(`${BASE}${sessionPath}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ id_token: token }),
  });
  const body = await res.json().catch(() => ({}));
  assert.equal(res.status, 201, `login of ${sub} at ${sessionPath}: ${JSON.stringify(body)}`);
  const m = new RegExp(`${cookieName}=([^;]*)`).exec(res.headers.get('set-cookie') || '');
  assert.ok(m, `no ${cookieName} cookie`);
  return new ApiSession(`${cookieName}=${m[1]}`, body.csrf_token);
}

/** A citizen's own API session, beside the browser's (another device). */
export const citizenApi = (sub) => apiLogin(sub, 'kaptajn-citizen', '/api/v1/session', 'kaptajn_session');

/** A staff member's admin API session. */
export const staffApi = (sub) => apiLogin(sub, 'kaptajn-admin', '/admin/api/v1/session', 'kaptajn_staff_session');

/** The browser's own session as an ApiSession: its session cookie and
 * the CSRF token the site keeps in sessionStorage – the citizen portal's
 * (kaptajn_session, kaptajn.csrf) unless told otherwise. */
export async function browserSession(page, { cookie = 'kaptajn_session', csrfKey = 'kaptajn.csrf' } = {}) {
  const cookies = await page.context().cookies();
  const c = cookies.find((k) => k.name === cookie);
  assert.ok(c, `the browser has no ${cookie} cookie`);
  const csrf = await page.evaluate((key) => sessionStorage.getItem(key), csrfKey);
  return new ApiSession(`${cookie}=${c.value}`, csrf);
}

/** The browser's staff session on the caseworker pages. */
export const browserStaffSession = (page) => browserSession(page, { cookie: 'kaptajn_staff_session', csrfKey: 'kaptajn.admin.csrf' });

/** A second browser context in which the demo citizen sub is logged in
 * (its session cookie only, as on another device); returns its page. */
export async function citizenPage(browser, sub) {
  const api = await citizenApi(sub);
  const ctx = await phoneContext(browser);
  const [name, value] = api.cookie.split('=');
  await ctx.addCookies([{ name, value, url: BASE, httpOnly: true, secure: true, sameSite: 'Strict' }]);
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  return { ctx, page, api };
}

/** The focused element: its tag, its accessible text (aria-label or
 * text), and whether it shows a focus ring of 2px or more. */
export function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return { tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent || '').trim(), ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
  });
}

// ------------------------------------------------------------- locks

// Same scheme as tests/integration/lib.mjs: a file that changes a demo
// citizen's plan holds that citizen's lock (VAR/test-locks/SUB/pid), so
// that the suites can share one stack.

function lockDir() {
  const dir = path.join(VAR || path.join(os.tmpdir(), 'kaptajn-browser'), 'test-locks');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function ownerAlive(dir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if (e.code === 'EPERM') return true;
    if (e.code === 'ENOENT') {
      try {
        return Date.now() - fs.statSync(dir).mtimeMs < 30000;
      } catch {
        return true;
      }
    }
    return false;
  }
}

/** Takes the lock of the demo citizen sub (waiting up to 5 minutes);
 * returns the function that releases it. */
export async function holdCitizen(sub) {
  const d = path.join(lockDir(), sub);
  const deadline = Date.now() + 300000;
  for (;;) {
    try {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (!ownerAlive(d)) {
      fs.rmSync(d, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`waited 5 minutes for the test lock of ${sub}`);
    await sleep(100);
  }
  const release = () => {
    try {
      if (fs.readFileSync(path.join(d, 'pid'), 'utf8') === String(process.pid)) fs.rmSync(d, { recursive: true, force: true });
    } catch {
      /* gone */
    }
  };
  process.once('exit', release);
  return release;
}

/** A unique marker for texts the tests write ("kt-" like the integration
 * tests, so their cleaners recognise them). */
export function marker(label) {
  return `kt-${label}-${Math.random().toString(16).slice(2, 10)}`;
}

/** Deletes the citizens named prefix… that a test made for itself, and what
 * refers to them (tests/shared/forget.mjs). */
export function forgetCitizens(prefix) {
  const rows = sql(`SELECT id, plan_id FROM citizens WHERE name LIKE '${prefix.replace(/['\\%_]/g, '')}%'`);
  const q = forgetCitizensSql(rows.map((r) => r[0]), [...new Set(rows.map((r) => r[1]))]);
  if (q) sql(q);
}
