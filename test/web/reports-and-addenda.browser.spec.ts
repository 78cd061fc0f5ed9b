import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { BANTEN, activeAgreement, bantenCoordinator, bengkuluDinkes, sha256 } from '../e2e/http-fixtures';
import { TestApp } from '../support/test-app';
import { type UserTab, forgetDrawn, launchChromium, open, signIn, waitUntilDrawn } from './support/browser';
import { fillForm, step } from './support/steps';
import { describeNeeding } from '../support/system-parts';

const SCREENSHOTS = join(__dirname, '../../docs/screenshots');
const addendum = { name: 'adendum-1-ksb-banten-bengkulu.pdf', content: 'Adendum I KSB Banten–Bengkulu: ruang lingkup pariwisata' };
const report = { name: 'laporan-semester-2-2025.pdf', content: 'Laporan pelaksanaan KSB Banten–Bengkulu, semester 2 tahun 2025' };

/**
 * The steps that follow an active KSB, through the web app in Indonesian: the Dinas Kesehatan of Bengkulu drafts
 * the health PKS itself, and the Banten coordinator records an addendum signed again by both governors, its
 * semester report and its monev. The KSB is signed through the API first (the signing is the other story's).
 */
jest.setTimeout(60_000);

describeNeeding('chromium')('the web app, after the Banten–Bengkulu KSB took effect', () => {
  let app: TestApp;
  let browser: Browser;
  let agreementId: string;
  let banten: UserTab;
  const tabs: UserTab[] = [];
  const text = (tab: UserTab, selector: string) => tab.page.locator(selector).first().innerText();
  const openAgreement = (tab: UserTab) => open(tab, `#/kesepakatan/${agreementId}`);
  const submit = (tab: UserTab, action: string) => tab.page.locator(`form[data-action=${action}] button[type=submit]`).click();
  const switchLanguage = async (tab: UserTab, view: string) => {
    await forgetDrawn(tab);
    await tab.page.locator('#lang').click();
    await waitUntilDrawn(tab, view);
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([TestApp.start({ now: '2025-10-24T05:00:00.000Z' }), launchChromium()]);
    agreementId = await activeAgreement(app);
    app.clock.set('2026-01-20T03:00:00.000Z');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the Banten coordinator, in one request, the reminders of the week, and the report owed, in words of either language', async () => {
    banten = await signIn(browser, app, bantenCoordinator);
    tabs.push(banten);
    const reminderRequests: string[] = [];
    banten.page.on('request', (request) => {
      if (/\/reminders/.test(request.url())) reminderRequests.push(new URL(request.url()).pathname);
    });
    await open(banten, '#/dasbor');
    // The count comes after the first paint.
    await banten.page.locator('[data-kpi=reminders] .kpi-value:not(:text-is("…"))').waitFor();
    expect(await text(banten, '[data-kpi=reminders] .kpi-value')).toBe('0');
    expect(reminderRequests).toEqual([`/regions/${BANTEN}/reminders/sent`]);
    // Signed on 24 October 2025: Banten owes its report on the second semester of 2025 by 31 January.
    expect(await text(banten, '#needs-action [data-kind=semester-report]')).toContain('Laporan semester 2 tahun 2025 dari Banten');
    expect(await text(banten, '#needs-action [data-kind=semester-report]')).toContain('31 Jan 2026 (11 hari lagi)');

    await switchLanguage(banten, 'dashboard');
    expect(await text(banten, 'h1')).toBe('Dashboard Banten');
    expect(await text(banten, '#needs-action [data-kind=semester-report]')).toContain('Semester 2 2025 report of Banten');
    expect(await text(banten, '#needs-action [data-kind=semester-report]')).toContain('11 days left');
    await switchLanguage(banten, 'dashboard');
  });

  it('lets the Bengkulu Dinas Kesehatan draft the health PKS, as the lead OPD of Bengkulu', async () => {
    const dinkes = await signIn(browser, app, bengkuluDinkes);
    tabs.push(dinkes);
    await openAgreement(dinkes);
    expect(await dinkes.page.locator('#ksb-actions button').allInnerTexts()).toEqual(['Susun PKS']);
    await dinkes.page.locator('button[data-action=draftPks][data-scope=ksb]').click();
    // Its own side is fixed: it names only Banten's lead OPD.
    expect(await dinkes.page.locator('form[data-action=draftPks] [name^="leadOpds."]').count()).toBe(1);
    await fillForm(dinkes, 'form[data-action=draftPks]', {
      select: { field: 'kesehatan' },
      fill: { title: 'Perjanjian Kerja Sama Pelayanan Kesehatan Rujukan', 'leadOpds.0.opd': 'Dinas Kesehatan Provinsi Banten', termMonths: '72' },
    });
    await submit(dinkes, 'draftPks');
    await dinkes.page.locator('.field-error[data-field=termMonths]:not(:empty)').waitFor();
    expect(await text(dinkes, '.field-error[data-field=termMonths]')).toContain('Melebihi jangka waktu terlama menurut kebijakan');

    await fillForm(dinkes, 'form[data-action=draftPks]', { fill: { termMonths: '24' } });
    await forgetDrawn(dinkes);
    await submit(dinkes, 'draftPks');
    await waitUntilDrawn(dinkes, 'agreement');
    expect(await text(dinkes, '[data-pks=pks-1] .badge')).toBe('Penyusunan');
    expect(await text(dinkes, '[data-pks=pks-1]')).toContain('Dinas Kesehatan Provinsi Banten (Banten); Dinas Kesehatan Provinsi Bengkulu (Bengkulu)');
    // As the lead OPD it carries the draft on; the DPRD and the amendments stay with the coordinators.
    expect(await dinkes.page.locator('[data-pks=pks-1] button').allInnerTexts()).toEqual(['Unggah naskah PKS']);
  });

  it('lets the Banten coordinator record an addendum signed again by both governors, naming the signature it lacks first', async () => {
    await openAgreement(banten);
    expect(await banten.page.locator('#ksb-actions button').allInnerTexts()).toEqual([
      'Susun PKS', 'Tugaskan tindak lanjut', 'Minta kunjungan balasan', 'Sampaikan laporan semester', 'Catat monev', 'Catat adendum', 'Perpanjang', 'Akhiri kesepakatan',
    ]);
    await banten.page.locator('button[data-action=amend][data-scope=ksb]').click();
    const form = 'form[data-action=amend]';
    // The governors who signed the KSB are proposed as its addendum's signatories.
    expect(await banten.page.locator(`${form} [name="signatures.1.signatory.name"]`).inputValue()).toBe('Helmi Hasan');
    expect(await text(banten, `${form} [data-field="signatures.1.signatory.name"] label`)).toBe('Nama penanda tangan Bengkulu');
    await fillForm(banten, form, {
      files: { documentSha256: [addendum] },
      fill: {
        summary: 'Menambah ruang lingkup: promosi pariwisata bersama',
        'signatures.0.documentNumber': '120/7-ADD/2026',
        'signatures.0.date': '2026-01-20',
        'signatures.1.date': '2026-01-20',
      },
    });
    await submit(banten, 'amend');
    await banten.page.locator(`${form} .field-error[data-field="signatures.1.documentNumber"]:not(:empty)`).waitFor();
    expect(await text(banten, `${form} .field-error[data-field="signatures.1.documentNumber"]`)).toContain('Wajib diisi');

    await fillForm(banten, form, { fill: { 'signatures.1.documentNumber': '120/2/B.1/2026' } });
    await forgetDrawn(banten);
    await submit(banten, 'amend');
    await waitUntilDrawn(banten, 'agreement');
    expect(await text(banten, '.facts [data-amendment="1"]')).toBe('Adendum 1: Menambah ruang lingkup: promosi pariwisata bersama');
    expect(await text(banten, '#fingerprints')).toContain(sha256(addendum.content));
  });

  it('lets the Banten coordinator submit the semester report it owes, and refuses the same semester twice', async () => {
    await banten.page.locator('button[data-action=submitSemesterReport][data-scope=ksb]').click();
    const form = 'form[data-action=submitSemesterReport]';
    expect(await banten.page.locator(`${form} [name=year]`).inputValue()).toBe('2025');
    expect(await banten.page.locator(`${form} [name=semester]`).inputValue()).toBe('2');
    await fillForm(banten, form, { fill: { summary: 'Pelayanan kesehatan rujukan mulai disiapkan; PKS bidang kesehatan disusun' }, files: { documentSha256: [report] } });
    await forgetDrawn(banten);
    await submit(banten, 'submitSemesterReport');
    await waitUntilDrawn(banten, 'agreement');
    const row = '#semester-reports [data-report="36/2025-S2"]';
    expect(await text(banten, row)).toContain('Banten');
    expect(await text(banten, row)).toContain('Semester 2 2025');
    expect(await text(banten, row)).toContain(sha256(report.content));

    // The form now proposes the next semester; asked for the same one again, the API refuses and the page says why.
    await banten.page.locator('button[data-action=submitSemesterReport][data-scope=ksb]').click();
    expect(await banten.page.locator(`${form} [name=year]`).inputValue()).toBe('2026');
    await fillForm(banten, form, { fill: { year: '2025', summary: 'Laporan yang sama' }, select: { semester: '2' } });
    await submit(banten, 'submitSemesterReport');
    await banten.page.locator(`${form} .form-error[data-rule=SemesterAlreadyReported]`).waitFor();
    expect(await text(banten, `${form} .form-error`)).toContain('Gagal: Semester ini sudah dilaporkan');
  });

  it('lets the Banten coordinator record its monev, and shows the whole record in Indonesian or in English', async () => {
    await step(banten, 'ksb', 'recordMonev', {
      fill: { date: '2026-01-20', note: 'Cakupan layanan rujukan perlu diperluas ke kabupaten' },
      select: { rating: '3', recommendation: 'revise' },
    });
    const monev = '#monev [data-monev="36"]';
    expect(await text(banten, monev)).toContain('20 Jan 2026');
    expect(await text(banten, monev)).toContain('3 – Cukup');
    expect(await text(banten, monev)).toContain('Direvisi');
    await banten.page.locator('#history').waitFor();
    const history = await text(banten, '#history');
    for (const label of ['PKS disusun', 'Adendum', 'Laporan semester', 'Monev dicatat']) expect(history).toContain(label);
    expect(history).toContain('dinkes@bengkuluprov.go.id · Petugas dinas · 17 · Dinas Kesehatan Provinsi Bengkulu');
    await banten.page.locator('#reports').scrollIntoViewIfNeeded();
    await banten.page.screenshot({ path: join(SCREENSHOTS, 'agreement-reports.png'), fullPage: true });

    await switchLanguage(banten, 'agreement');
    await banten.page.locator('#history').waitFor();
    expect(await text(banten, '#reports h2')).toBe('Semester reports and monev');
    expect(await text(banten, monev)).toContain('3 – Adequate');
    expect(await text(banten, monev)).toContain('Revise');
    expect(await text(banten, '.facts [data-amendment="1"]')).toContain('Addendum 1');
    expect(await banten.page.locator('#ksb-actions button').allInnerTexts()).toContain('Record an addendum');
    expect(await text(banten, '#history')).toContain('Monev recorded');
    expect(tabs.flatMap((tab) => tab.problems)).toEqual([]);
  });
});
