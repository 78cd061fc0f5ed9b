import type { Browser } from 'playwright-core';
import { bantenOffersBengkulu, sha256 } from '../e2e/http-fixtures';
import { TestApp, type TestUser } from '../support/test-app';
import { type UserTab, launchChromium, open, signIn, waitUntilDrawn } from './support/browser';
import { step } from './support/steps';
import { describeNeeding } from '../support/system-parts';

/** Kab. Luwu Timur (South Sulawesi) lives on WITA, UTC+8; West Java on WIB, UTC+7. */
const LUWU_TIMUR = '73.24';
const JABAR = '32';
const luwuTimur: TestUser = { userId: 'bagian-kerja-sama@luwutimurkab.go.id', role: 'coordinator', region: LUWU_TIMUR };
const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: JABAR };
/** 00:30 WITA on 1 April 2026, still 23:30 of 31 March in Jakarta. */
const AFTER_WITA_MIDNIGHT = '2026-03-31T16:30:00.000Z';

/** A party's signature of an addendum; the KSB's also names the place. */
const signed = (party: string, date: string) => ({ party, signatory: { name: `Kepala Daerah ${party}`, position: 'Kepala Daerah' }, documentNumber: `${party}/KSB/2026`, date });
const signature = (party: string, date: string) => ({ ...signed(party, date), place: 'Gedung Sate, Bandung' });

jest.setTimeout(90_000);

/**
 * The web app counts days on the clock of the region concerned: the user's region for its own forms, the proposer's
 * for a step on an agreement (the browsers here run on Jakarta's time zone, and the page's clock is the test's); and
 * the agreement page shows every monev of each party over time, and the urusan an addendum added.
 */
describeNeeding('chromium')('the web app of a WITA region, just after its midnight', () => {
  let app: TestApp;
  let browser: Browser;
  let agreementId: string;
  const tabs: UserTab[] = [];
  const text = (tab: UserTab, selector: string) => tab.page.locator(selector).first().innerText();
  const signInAt = async (user: TestUser, now: string): Promise<UserTab> => {
    const tab = await signIn(browser, app, user);
    await tab.page.clock.setFixedTime(new Date(now));
    tabs.push(tab);
    return tab;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([TestApp.start({ now: '2026-02-05T02:00:00.000Z' }), launchChromium()]);
    const [luwu, jawaBarat] = [app.as(luwuTimur), app.as(jabar)];
    const offer = { ...bantenOffersBengkulu, proposer: LUWU_TIMUR, counterparts: [JABAR], offerLetter: { number: '180/12/Pem/2026', date: '2026-01-08' } };
    agreementId = (await luwu.post('/agreements', offer).expect(201)).body.agreementId;
    await jawaBarat.post(`/agreements/${agreementId}/acceptances`, { party: JABAR }).expect(200);
    await luwu.post(`/agreements/${agreementId}/drafts`, { documentSha256: sha256('draft'), summary: 'Naskah pertama' }).expect(201);
    await luwu.post(`/agreements/${agreementId}/drafts/1/approvals`, { party: LUWU_TIMUR }).expect(200);
    await jawaBarat.post(`/agreements/${agreementId}/drafts/1/approvals`, { party: JABAR }).expect(200);
    await luwu.post(`/agreements/${agreementId}/signatures`, signature(LUWU_TIMUR, '2026-02-05')).expect(200);
    await jawaBarat.post(`/agreements/${agreementId}/signatures`, signature(JABAR, '2026-02-05')).expect(200);
    app.clock.set('2026-02-10T02:00:00.000Z');
    const monev = { party: LUWU_TIMUR, date: '2026-02-10', rating: 4, recommendation: 'continue', note: 'Katalog data mulai disusun' };
    await luwu.post(`/agreements/${agreementId}/monev`, monev).expect(200);
    app.clock.set('2026-03-02T02:00:00.000Z');
    await luwu
      .post(`/agreements/${agreementId}/amendments`, {
        documentSha256: sha256('adendum 1'),
        summary: 'Menambah urusan pariwisata',
        addedFields: ['pariwisata'],
        signatures: [signed(LUWU_TIMUR, '2026-03-02'), signed(JABAR, '2026-03-02')],
      })
      .expect(200);
    app.clock.set(AFTER_WITA_MIDNIGHT);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("defaults a step's date on the agreement to the proposer's day, for a WITA user and a WIB user alike", async () => {
    const luwu = await signInAt(luwuTimur, AFTER_WITA_MIDNIGHT);
    await open(luwu, `#/kesepakatan/${agreementId}`);
    await luwu.page.locator('button[data-action=recordMonev][data-scope=ksb]').click();
    expect(await luwu.page.locator('form[data-action=recordMonev] [name=date]').inputValue()).toBe('2026-04-01');

    const jawaBarat = await signInAt(jabar, AFTER_WITA_MIDNIGHT);
    await open(jawaBarat, `#/kesepakatan/${agreementId}`);
    await jawaBarat.page.locator('button[data-action=recordMonev][data-scope=ksb]').click();
    expect(await jawaBarat.page.locator('form[data-action=recordMonev] [name=date]').inputValue()).toBe('2026-04-01');
    // The times of the steps are shown on the agreement's clock, and say so.
    await jawaBarat.page.locator('#history').waitFor();
    expect(await text(jawaBarat, '#history tr[data-type=AgreementAmended]')).toContain('WITA');
  });

  it("defaults a user's own form to the day of the user's region", async () => {
    const [luwu, jawaBarat] = tabs;
    for (const [tab, day] of [[luwu, '2026-04-01'], [jawaBarat, '2026-03-31']] as const) {
      await open(tab, '#/kesepakatan/baru');
      await waitUntilDrawn(tab, 'proposal');
      expect(await tab.page.locator('form[data-action=propose] [name="offerLetter.date"]').inputValue()).toBe(day);
    }
  });

  it("shows every monev of each party over time, and the urusan the addendum added", async () => {
    const luwu = tabs[0];
    await open(luwu, `#/kesepakatan/${agreementId}`);
    await waitUntilDrawn(luwu, 'agreement');
    await step(luwu, 'ksb', 'recordMonev', { fill: { note: 'Portal data belum tersambung' }, select: { rating: '2', recommendation: 'revise' } });
    await luwu.page.locator('#monev-trend-table').waitFor();

    const first = await text(luwu, `#monev-trend-table [data-monev-trend="${LUWU_TIMUR}/1"]`);
    const second = await text(luwu, `#monev-trend-table [data-monev-trend="${LUWU_TIMUR}/2"]`);
    expect(first).toContain('10 Feb 2026');
    expect(first).toContain('4 – Baik');
    expect(second).toContain('1 Apr 2026');
    expect(second).toContain('2 – Kurang');
    expect(second).toContain('↓ −2');
    // The latest of each party stays where it was.
    expect(await text(luwu, `#monev [data-monev="${LUWU_TIMUR}"]`)).toContain('2 – Kurang');

    expect(await text(luwu, '.facts [data-amendment="1"]')).toMatch(/Adendum 1: Menambah urusan pariwisata · menambah urusan \S/);
    expect(await text(luwu, '#fields [data-urusan="pariwisata"]')).toContain('(ditambahkan dengan Adendum 1)');
    expect(await luwu.page.locator('#fields small').count()).toBe(1);
    expect(tabs.flatMap((tab) => tab.problems)).toEqual([]);
  });
});
