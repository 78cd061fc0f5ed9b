import { type Browser, type Page, chromium } from 'playwright-core';
import { locateSystemPart, missingMessage, missingParts } from '../../../scripts/ensure-deps';
import type { TestApp, TestUser } from '../../support/test-app';

/**
 * The few page globals the tests read. Functions handed to the page are typed with it, so the tests compile without
 * the DOM's types; they run in the page, where CSP forbids evaluating strings, so they stay functions.
 */
export interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined> };
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  };
}
export const inPage = (): PageGlobals => globalThis as unknown as PageGlobals;

/** Chromium on the PATH (Debian's chromium package, which `npm test` installs where it can), or SINERGI_CHROMIUM. */
export const CHROMIUM_PATH = locateSystemPart('chromium');

// Quiet and deterministic: no sandbox (CI runs as root in a container), no GPU, no background traffic.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) {
    throw new Error(`the browser tests need Chromium, and it is not installed:\n${missingMessage(missingParts('test'), 'test')}`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A signed-in browser tab of one user, with what went wrong in the page (script errors, CSP refusals) kept for asserting. */
export interface UserTab {
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

export interface TabOptions {
  /** A phone-sized screen instead of a laptop's. */
  phone?: boolean;
}

/** Opens the app at `/` in a fresh browser context and signs in with the user's API token, as a person would paste it. */
export async function signIn(browser: Browser, app: TestApp, user: TestUser, options: TabOptions = {}): Promise<UserTab> {
  const context = await browser.newContext({
    viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Refusals the API answers (400, 403, 404, 409) are part of the story; anything else (a CSP refusal) is not.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${app.url}/`);
  await page.locator('#token').fill(await app.tokenOf(user));
  await page.locator('#signin button[type=submit]').click();
  await page.waitForFunction(() => {
    const drawn = (globalThis as unknown as PageGlobals).document.body.dataset.drawn;
    return drawn !== undefined && drawn !== 'sign-in';
  });
  return { page, problems, close: () => context.close() };
}

/** Goes to a view by its hash route and waits until its content is drawn. */
export async function open(tab: UserTab, hash: string): Promise<void> {
  // Opening the view already shown draws it afresh, as a reload would. (Page code is passed as text: the tests
  // compile without the DOM's types.)
  await tab.page.evaluate(`{
    delete document.body.dataset.drawn;
    const target = ${JSON.stringify(hash)};
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = target;
  }`);
  await waitUntilDrawn(tab);
}

/** Forgets that the view was drawn, before a click that draws it again. */
export const forgetDrawn = (tab: UserTab): Promise<unknown> => tab.page.evaluate('delete document.body.dataset.drawn');

/** Waits until a view is drawn (any view, or the one named). */
export async function waitUntilDrawn(tab: UserTab, view?: string): Promise<void> {
  await tab.page.waitForFunction((expected) => {
    const drawn = (globalThis as unknown as PageGlobals).document.body.dataset.drawn;
    return expected === null ? drawn !== undefined : drawn === expected;
  }, view ?? null);
}
