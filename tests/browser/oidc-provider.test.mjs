// Chromium logs in through a provider Kaptajn did not write: npm
// oidc-provider as a MitID-like broker (tests/shared/oidc-broker.mjs), on a
// stack of its own whose citizen side points at it. From the portal's "Log
// ind med MitID" through Kaptajn's login, the provider's own page and the
// callback page to the plan; and two tabs of one browser logging in at the
// same time both land logged in (each attempt has its own pre-login cookie).

// test-lane: own-stack (scripts/test runs it beside the shared-stack integration files)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CHROMIUM, SKIP, launch, phoneContext, unexpectedConsoleErrors, waitForPlan, watchedPage } from './lib.mjs';
import { NSIS, haveOpenssl, startBrokerStack, stopBrokerStack } from '../shared/oidc-broker.mjs';

let Provider = null;
try {
  ({ default: Provider } = await import('oidc-provider'));
} catch {
  Provider = null;
}

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = process.env.KAPTAJN_BIN || path.join(REPO, 'build', 'kaptajn');
const SHARED_VAR = process.env.KAPTAJN_VAR || '';
const VAR = SHARED_VAR ? `${SHARED_VAR}-oidcb` : '';
const NEED = SKIP || (!SHARED_VAR && 'KAPTAJN_VAR is not set') || (!fs.existsSync(BIN) && `no program at ${BIN}`)
  || (!fs.existsSync(CHROMIUM) && `no browser at ${CHROMIUM}`)
  || (!Provider && 'npm oidc-provider is not installed in tests/browser (scripts/lib.sh kp_npm_install)')
  || (!haveOpenssl() && 'no openssl command for the test CA');

describe('Chromium logs in through npm oidc-provider (a stack of its own)', { skip: NEED }, () => {
  const rig = {};
  let browser;
  const citizens = { 'mitid-anna': { loa: NSIS.substantial, 'dk.cpr': { demo: 'anna' }, name: 'Anna Jensen' } };

  before(async () => {
    await startBrokerStack(rig, { Provider, dir: VAR, citizens, staff: { 'staff-x': { name: 'X', role: 'caseworker' } } });
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
    await stopBrokerStack(rig);
  });

  /** A fresh browser context; the provider's certificate is the test CA's,
   * which Chromium does not know (Kaptajn itself verifies it). */
  const context = () => phoneContext(browser, { ignoreHTTPSErrors: true });
  const atProvider = (u) => u.origin === rig.citizen.issuer;
  // Cookies know no port: the provider's share 127.0.0.1 with the stack's.
  const kaptajnCookies = async (ctx) => (await ctx.cookies()).filter((c) => c.name.startsWith('kaptajn_'));

  /** On the provider's page: picks Anna, then waits for the portal's plan. */
  async function pickAnna(page) {
    await page.waitForURL(atProvider);
    await page.getByRole('button', { name: 'Log ind som Anna Jensen' }).click();
    try {
      await page.waitForURL((u) => u.origin === rig.stack && !u.pathname.startsWith('/api/'));
      await waitForPlan(page);
    } catch (e) {
      const body = (await page.textContent('body')).trim().slice(0, 300);
      throw new Error(`${e.message}\nthe tab is at ${page.url()}: ${body}\nthe provider: ${JSON.stringify(rig.citizen.stats)}`);
    }
  }

  it('from the portal\'s "Log ind med MitID" through the provider\'s page to the plan', async (t) => {
    const ctx = await context();
    try {
      const { page, seen } = await watchedPage(ctx);
      await page.goto(`${rig.stack}/`);
      await page.getByRole('button', { name: /Log ind med MitID/ }).click();
      await page.waitForURL((u) => atProvider(u) || u.pathname.startsWith('/dev-idp/'));
      if (!atProvider(new URL(page.url()))) {
        // A portal from before the code flow sends its button to the dev
        // IdP's page; Kaptajn's login is then opened as the button would.
        t.diagnostic(`the portal's login button went to ${page.url()}: starting at /api/v1/login`);
        await page.goto(`${rig.stack}/api/v1/login`);
      }
      await pickAnna(page);
      assert.equal(rig.citizen.stats.token.length, 1, 'one code exchange');
      const cookies = await kaptajnCookies(ctx);
      assert.ok(cookies.some((c) => c.name === 'kaptajn_session' && c.value), 'a session cookie');
      assert.ok(!cookies.some((c) => /login_/.test(c.name)), `the pre-login cookie is gone: ${cookies.map((c) => c.name)}`);
      assert.deepEqual(unexpectedConsoleErrors(seen), []);
      assert.deepEqual(seen.pageErrors, []);
    } finally {
      await ctx.close();
    }
  });

  it('two tabs logging in at the same time both land logged in', async () => {
    rig.citizen.reset();
    const ctx = await context();
    try {
      const [a, b] = [(await watchedPage(ctx)).page, (await watchedPage(ctx)).page];
      // Both attempts are open at Kaptajn and at the provider before either
      // comes back. The provider's steps are taken one tab after the other:
      // oidc-provider keeps one session per browser and binds each code to
      // it, so two of its logins in the same instant can void one another's
      // code (its own rule, which Kaptajn then rightly refuses).
      for (const p of [a, b]) {
        await p.goto(`${rig.stack}/api/v1/login`);
        await p.waitForURL(atProvider);
      }
      const login = (await kaptajnCookies(ctx)).filter((c) => /login_/.test(c.name));
      assert.equal(login.length, 2, `a pre-login cookie per attempt: ${login.map((c) => c.name)}`);
      await pickAnna(a);
      await pickAnna(b);
      assert.deepEqual(rig.citizen.stats.token.map((x) => x.status), [200, 200], 'two code exchanges');
      for (const p of [a, b]) {
        await p.reload();
        await waitForPlan(p);
      }
    } finally {
      await ctx.close();
    }
  });
});
