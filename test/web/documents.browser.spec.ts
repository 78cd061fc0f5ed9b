import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { DocumentStore } from '../../src/documents/document-store.port';
import { pdfFile, sha256Of } from '../support/document-files';
import { describeNeeding } from '../support/system-parts';
import { TestApp, type TestUser } from '../support/test-app';
import { type PageGlobals, type UserTab, launchChromium, open, signIn } from './support/browser';
import { step } from './support/steps';
import { BENGKULU, bantenOffersBengkulu } from '../e2e/http-fixtures';

const bantenCoordinator: TestUser = { userId: 'biro-pemotda@bantenprov.go.id', name: 'Biro Pemerintahan Banten', role: 'coordinator', region: '36' };
const bengkuluCoordinator: TestUser = { userId: 'biro-pemotda@bengkuluprov.go.id', name: 'Biro Pemerintahan Bengkulu', role: 'coordinator', region: '17' };

const draft = pdfFile('Kesepakatan Bersama Provinsi Banten dan Provinsi Bengkulu, naskah versi 1', 400_000);
const notADocument = Buffer.from('<html><body>bukan naskah</body></html>');

jest.setTimeout(60_000);

/** The web app hands in the file of a step once the step is recorded, and a party downloads it. */
describeNeeding('chromium')('the documents of an agreement, in the web app', () => {
  let app: TestApp;
  let browser: Browser;
  let agreementId: string;
  const tabs: UserTab[] = [];
  const as = async (user: TestUser) => {
    const tab = await signIn(browser, app, user);
    tabs.push(tab);
    return tab;
  };
  const documentRow = (tab: UserTab, sha256: string) => tab.page.locator(`#fingerprints tr[data-sha256="${sha256}"]`).first();
  const statesDrawn = (tab: UserTab) =>
    tab.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.documents === 'drawn');

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-09-15T03:00:00.000Z' });
    browser = await launchChromium();
    const { body } = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    agreementId = body.agreementId;
    await app.as(bengkuluCoordinator).post(`/agreements/${agreementId}/acceptances`, { party: BENGKULU }).expect(200);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(() => {
    for (const tab of tabs) expect(tab.problems).toEqual([]);
  });

  it('uploads the draft chosen for a new revision once the revision is recorded, and lists it as kept', async () => {
    const banten = await as(bantenCoordinator);
    await open(banten, `#/kesepakatan/${agreementId}`);

    await step(banten, 'ksb', 'reviseDraft', { fill: { summary: 'Naskah awal hasil rapat TKKSD' }, files: { documentSha256: [{ name: 'Draf KSB Banten–Bengkulu.pdf', content: draft }] } });
    await statesDrawn(banten);

    expect(await documentRow(banten, sha256Of(draft)).locator('.badge').innerText()).toBe('Tersimpan');
    expect(await app.get(DocumentStore).sizeOf(sha256Of(draft))).toBe(draft.length);
  });

  it('lets the other party download it under its name, byte for byte', async () => {
    const bengkulu = await as(bengkuluCoordinator);
    await open(bengkulu, `#/kesepakatan/${agreementId}`);
    await statesDrawn(bengkulu);

    const [download] = await Promise.all([
      bengkulu.page.waitForEvent('download'),
      documentRow(bengkulu, sha256Of(draft)).locator('button[data-download]').click(),
    ]);

    expect(download.suggestedFilename()).toBe('Draf KSB Banten–Bengkulu.pdf');
    expect(sha256Of(readFileSync((await download.path())!))).toBe(sha256Of(draft));
  });

  it('records the step but keeps no file that is not a document, and says why on its row', async () => {
    const banten = tabs[0];
    await open(banten, `#/kesepakatan/${agreementId}`);

    await step(banten, 'ksb', 'reviseDraft', { fill: { summary: 'Revisi' }, files: { documentSha256: [{ name: 'naskah.pdf', content: notADocument }] } });
    await statesDrawn(banten);

    const row = documentRow(banten, sha256Of(notADocument));
    expect(await row.locator('.badge').innerText()).toBe('Belum diunggah');
    expect(await row.locator('.hand-in .form-error').innerText()).toContain('Jenis berkas tidak diterima');
    expect(await app.get(DocumentStore).sizeOf(sha256Of(notADocument))).toBeUndefined();
  });
});
