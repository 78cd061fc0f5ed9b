import type { Browser, Page } from 'playwright-core';
import { AccessConfig } from '../../src/access/access.config';
import { FrontProxy, TestIdentityProvider } from '../access/support/identity-provider';
import { bantenOffersBengkulu } from '../e2e/http-fixtures';
import { TestApp, type TestUser } from '../support/test-app';
import { waitUntil } from '../support/wait-until';
import { type PageGlobals, launchChromium } from './support/browser';
import { describeNeeding } from '../support/system-parts';

const SITI = { login: 'siti@bantenprov.go.id', password: 'kata-sandi-siti' };
const bantenBiro: TestUser = { userId: 'biro-pemotda@bantenprov.go.id', role: 'coordinator', region: '36' };

interface Tab {
  page: Page;
  problems: string[];
  /** Every call the page made to the sign-in exchange. */
  exchanges: string[];
}

/**
 * Single sign-on by redirect in headless Chromium against a real OpenID provider: Sinergi behind its public address,
 * the provider's own login, consent and sign-out pages, and the browser going back and forth between them.
 */
jest.setTimeout(60_000);

describeNeeding('chromium')('the web app’s sign-in with the regional SSO', () => {
  let proxy: FrontProxy;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let browser: Browser;
  const contexts: { close(): Promise<void> }[] = [];

  const drawn = (tab: Tab) => tab.page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.drawn);
  const waitDrawn = (tab: Tab, view: string | null) =>
    tab.page.waitForFunction((expected) => {
      const now = (globalThis as unknown as PageGlobals).document.body.dataset.drawn;
      return expected === null ? now !== undefined && now !== 'sign-in' : now === expected;
    }, view);
  const stored = (tab: Tab, key: string) => tab.page.evaluate((k) => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(k), key);

  async function newTab(): Promise<Tab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    contexts.push(context);
    const page = await context.newPage();
    const tab: Tab = { page, problems: [], exchanges: [] };
    page.on('pageerror', (error) => tab.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) tab.problems.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (request.url().endsWith('/auth/sso/token')) tab.exchanges.push(request.url());
    });
    await page.goto(`${proxy.url}/`);
    await waitDrawn(tab, 'sign-in');
    return tab;
  }

  /** Clicks "Masuk dengan SSO" and waits for the provider's login page. */
  async function clickSso(tab: Tab): Promise<void> {
    expect(await tab.page.locator('#sso-signin').innerText()).toBe('Masuk dengan SSO');
    await tab.page.locator('#sso-signin').click();
    await tab.page.waitForURL(`${idp.issuer}/**`);
  }

  /** Types the credentials at the provider's login page, and allows Sinergi at its consent page. */
  async function logInAtProvider(tab: Tab, login = SITI.login, password = SITI.password): Promise<void> {
    await tab.page.locator('form[data-prompt=login] input[name=login]').fill(login);
    await tab.page.locator('form[data-prompt=login] input[name=password]').fill(password);
    await tab.page.locator('form[data-prompt=login] button[type=submit]').click();
    await tab.page.locator('form[data-prompt=consent] button').click();
  }

  beforeAll(async () => {
    proxy = await FrontProxy.start();
    idp = await TestIdentityProvider.start({
      accounts: { [SITI.login]: { password: SITI.password, claims: { name: 'Siti Rahma', sinergi_role: 'coordinator', sinergi_region: '36' } } },
      clients: [
        {
          client_id: 'sinergi-web',
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${proxy.url}/sso/callback`],
          post_logout_redirect_uris: [`${proxy.url}/`],
        },
      ],
    });
    const access = AccessConfig.fromEnv({
      SINERGI_OIDC_ISSUER: idp.issuer,
      SINERGI_OIDC_AUDIENCE: 'sinergi-web',
      SINERGI_OIDC_JWKS_URL: idp.jwksUrl,
      SINERGI_OIDC_CLIENT_ID: 'sinergi-web',
      SINERGI_OIDC_SCOPE: 'openid profile sinergi',
      SINERGI_PUBLIC_URL: proxy.url,
      SINERGI_AUTH_FAILURES_PER_MINUTE: '100',
    });
    app = await TestApp.start({ now: '2025-09-01T02:00:00.000Z', access });
    proxy.forwardTo(app.url);
    // Banten has offered cooperation to Bengkulu: its dashboard has one agreement in process.
    await app.as(bantenBiro).post('/agreements', bantenOffersBengkulu).expect(201);
    await waitUntil(async () => (await app.as(bantenBiro).get('/regions/36/portfolio')).body.total === 1, 'the Banten portfolio');
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await idp?.close();
    await proxy?.close();
  });

  it('brings a Banten coordinator from the provider’s login page to the dashboard of Banten', async () => {
    const tab = await newTab();
    await clickSso(tab);
    await logInAtProvider(tab);
    await waitDrawn(tab, null);
    expect(await tab.page.locator('h1').first().innerText()).toBe('Dasbor Banten');
    expect(await tab.page.locator('[data-kpi=total] .kpi-value').innerText()).toBe('1');
    expect(await tab.page.locator('#who').innerText()).toBe('Siti Rahma · Koordinator · 36');
    // The code is gone from the address bar, and so is the pending request.
    expect(tab.page.url()).toBe(`${proxy.url}/#/dasbor`);
    expect(await stored(tab, 'sinergi.sso.pending')).toBeNull();
    expect(tab.exchanges).toHaveLength(1);
    expect(tab.problems).toEqual([]);
  });

  it('signs out of Sinergi and of the provider, whose login page asks again', async () => {
    const tab = await newTab();
    await clickSso(tab);
    await logInAtProvider(tab);
    await waitDrawn(tab, null);

    await tab.page.locator('#signout').click();
    await tab.page.waitForURL(`${idp.issuer}/**`);
    await tab.page.locator('button[name=logout]').click();
    await tab.page.waitForURL(`${proxy.url}/`);
    await waitDrawn(tab, 'sign-in');
    expect(await tab.page.locator('#sso-problem').innerText()).toBe('Anda telah keluar dari Sinergi dan dari SSO.');
    expect(await stored(tab, 'sinergi.token')).toBeNull();
    expect(await tab.page.locator('#signout').isHidden()).toBe(true);

    // The provider's session ended too: the next sign-in asks for the password again.
    await clickSso(tab);
    await tab.page.locator('form[data-prompt=login]').waitFor();
    expect(tab.problems).toEqual([]);
  });

  it('says in Indonesian what to do when the sign-in is cancelled at the provider', async () => {
    const tab = await newTab();
    await clickSso(tab);
    await tab.page.locator('#abort').click();
    await tab.page.waitForURL(`${proxy.url}/`);
    await waitDrawn(tab, 'sign-in');
    const message = await tab.page.locator('#sso-problem').innerText();
    expect(message).toContain('Penyedia identitas tidak menyelesaikan proses masuk (access_denied');
    expect(message).toContain('Tekan "Masuk dengan SSO" untuk mencoba lagi');
    expect(tab.exchanges).toEqual([]);
    expect(await stored(tab, 'sinergi.token')).toBeNull();
    expect(tab.problems).toEqual([]);
  });

  it('refuses an answer that does not carry the state of this tab’s request, without exchanging its code', async () => {
    const tab = await newTab();
    await clickSso(tab);
    // Instead of logging in, the browser is sent back with someone else's code and state (a forged link).
    await tab.page.goto(`${proxy.url}/sso/callback?code=kode-orang-lain&state=bukan-dari-tab-ini`);
    await waitDrawn(tab, 'sign-in');
    expect(await tab.page.locator('#sso-problem').innerText()).toContain('tidak cocok dengan permintaan masuk dari tab ini');
    expect(tab.page.url()).toBe(`${proxy.url}/`);
    expect(tab.exchanges).toEqual([]);
    expect(await stored(tab, 'sinergi.token')).toBeNull();

    // The request it had started is spent too: a real answer to it would not be taken either.
    expect(await stored(tab, 'sinergi.sso.pending')).toBeNull();
    expect(tab.problems).toEqual([]);
  });

  it('signs out when the SSO token expires, and signs in again in one click while the provider’s session lasts', async () => {
    const tab = await newTab();
    // Long enough to see the dashboard first, even on a busy machine.
    idp.idTokenSeconds = 6;
    try {
      await clickSso(tab);
      await logInAtProvider(tab);
      await waitDrawn(tab, null);
      expect(await tab.page.locator('h1').first().innerText()).toBe('Dasbor Banten');
    } finally {
      idp.idTokenSeconds = 600;
    }
    await tab.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.drawn === 'sign-in', null, { timeout: 15_000 });
    expect(await tab.page.locator('#sso-problem').innerText()).toBe('Sesi SSO Anda telah berakhir. Tekan "Masuk dengan SSO" untuk masuk kembali.');
    expect(await stored(tab, 'sinergi.token')).toBeNull();

    await tab.page.locator('#sso-signin').click();
    await waitDrawn(tab, null);
    expect(await drawn(tab)).not.toBe('sign-in');
    expect(await tab.page.locator('h1').first().innerText()).toBe('Dasbor Banten');
    expect(tab.problems).toEqual([]);
  });
});
