import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Actor } from '../../src/core/event';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { TestApp } from '../support/test-app';
import { describeNeeding } from '../support/system-parts';
import { type UserTab, forgetDrawn, launchChromium, open, signIn, waitUntilDrawn } from './support/browser';

const WEST_JAVA_FILE = join(__dirname, '../../src/demo/registers/kerja-sama-jawa-barat.csv');
const jabarCoordinator: Actor = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const operator: Actor = { userId: 'operator@sinergi.go.id', role: 'admin', region: '31' };
const nationalAuditor = { userId: 'itjen@kemendagri.go.id', role: 'auditor' as const, region: '31', national: true };

jest.setTimeout(90_000);

/**
 * West Java's coordinator brings in the province's register through the "Impor" page: a dry run first, then the
 * import, with a progress bar; then records one old agreement by hand, choosing the partner by name.
 */
describeNeeding('chromium')('the Impor page of the web app', () => {
  let app: TestApp;
  let browser: Browser;
  let tab: UserTab;
  const text = (selector: string) => tab.page.locator(selector).first().innerText();

  beforeAll(async () => {
    [app, browser] = await Promise.all([TestApp.start({ now: '2026-01-10T03:00:00.000Z' }), launchChromium()]);
    tab = await signIn(browser, app, jabarCoordinator);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('checks the register in a dry run that saves nothing, then imports it, with a progress bar', async () => {
    const before = await app.eventCount();
    await open(tab, '#/impor');
    await waitUntilDrawn(tab, 'import');
    expect(await tab.page.locator('a[href="/imports/template?format=csv"]').count()).toBe(1);
    await tab.page.locator('#import-file').setInputFiles({ name: 'kerja-sama-jawa-barat.csv', mimeType: 'text/csv', buffer: readFileSync(WEST_JAVA_FILE) });
    expect(await tab.page.locator('#import-run').isDisabled()).toBe(true);

    await tab.page.locator('#import-check').click();
    await tab.page.locator('.import-report[data-dry-run=true]').waitFor();
    expect(await text('#import-summary')).toBe('Uji coba, tidak ada yang disimpan. 76 baris: 76 KSB dan 0 PKS dapat diimpor, 0 sudah tercatat, 0 baris perlu diperbaiki.');
    expect(await app.eventCount()).toBe(before);

    await tab.page.locator('#import-run').click();
    await tab.page.locator('.import-report[data-dry-run=false]').waitFor();
    expect(await text('#import-summary')).toContain('76 KSB dan 0 PKS diimpor');
    expect(await tab.page.locator('#import-progress').evaluate((bar) => [(bar as unknown as { value: number }).value, (bar as unknown as { max: number }).max])).toEqual([76, 76]);
    expect(await app.eventCount()).toBe(before + 76);
  });

  it('lists every problem of a file with its row, column and what to fix', async () => {
    const rows = readFileSync(WEST_JAVA_FILE, 'utf8').split('\r\n');
    const broken = [rows[0], rows[1].replace('Kab. Bogor', 'Bandung').replace('ILUSTRATIF 100.3.7/01/KSB/2022', 'X/1')].join('\r\n');
    await tab.page.locator('#import-file').setInputFiles({ name: 'salah.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
    await tab.page.locator('#import-check').click();
    await tab.page.locator('#import-problems').waitFor();
    expect(await text('#import-problems tr[data-row="2"]')).toContain('Pihak Kedua');
    expect(await text('#import-problems tr[data-row="2"]')).toContain('Kabupaten Bandung (32.04), Kota Bandung (32.73)');
    expect(await tab.page.locator('#import-run').isDisabled()).toBe(true);
  });

  it('records one old agreement by hand, the partner chosen by name in the region picker', async () => {
    const form = tab.page.locator('form[data-action=recordExisting]');
    const partner = form.locator('[data-picker=region] input');
    await partner.fill('Kab. Sukamara');
    await partner.fill('Kabupaten Sukamara (62.08)');
    await partner.press('Enter');
    expect(await form.locator('[data-picker=region] .chip').first().getAttribute('data-value')).toBe('62.08');
    const fill = (column: string, value: string) => form.locator(`[name="${column}"]`).fill(value);
    await fill('Nomor KSB Pihak Pertama', '120/13/Pem.Um/2024');
    await fill('Nomor KSB Pihak Kedua', '100.3.7/01/Pem/2024');
    await fill('Judul', 'Kesepakatan Bersama tentang Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik');
    const fields = form.locator('[data-picker=field] input');
    for (const name of ['Manajemen ASN', 'Statistik (2.20)', 'Kajian bersama lainnya']) {
      await fields.fill(name);
      await fields.press('Enter');
    }
    expect(await form.locator('[data-picker=field] .chip').evaluateAll((chips) => chips.map((c) => (c as unknown as { dataset: { value: string } }).dataset.value))).toEqual([
      'manajemen-asn',
      '2.20',
      'Kajian bersama lainnya',
    ]);
    await fill('Tanggal Penandatanganan', '2024-02-05');
    await fill('Penandatangan Pihak Pertama', 'Bey Triadi Machmudin');
    await fill('Jabatan Penandatangan Pihak Pertama', 'Pj Gubernur Jawa Barat');
    await fill('Penandatangan Pihak Kedua', 'Kaspinor');
    await fill('Jabatan Penandatangan Pihak Kedua', 'Pj Bupati Sukamara');
    await fill('Berlaku Sampai', '2029-02-05');
    const before = await app.eventCount();
    await form.locator('button[type=submit]').click();
    await tab.page.locator('#record-existing-result p.good').waitFor();
    expect(await app.eventCount()).toBe(before + 1);

    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    await forgetDrawn(tab);
    await open(tab, '#/kesepakatan');
    await tab.page.locator('#agreements a', { hasText: 'Pengembangan Potensi Daerah' }).first().click();
    await waitUntilDrawn(tab, 'agreement');
    const facts = await text('.card');
    expect(facts).toContain('Manajemen ASN, Statistik, Kajian bersama lainnya');
    expect(facts).toContain('formulir-kerja-sama-lama.csv, baris 2');
  });

  it('lets an admin choose the importing region by name, never by code', async () => {
    const admin = await signIn(browser, app, operator);
    await open(admin, '#/impor');
    await waitUntilDrawn(admin, 'import');
    const rows = readFileSync(WEST_JAVA_FILE, 'utf8').split('\r\n');
    const one = [rows[0], rows[2].replaceAll('ILUSTRATIF 120/02/Pem.Otda/2022', 'ILUSTRATIF 120/99/Pem.Otda/2022')].join('\r\n');
    await admin.page.locator('#import-file').setInputFiles({ name: 'satu.csv', mimeType: 'text/csv', buffer: Buffer.from(one) });
    await admin.page.locator('#import-check').click();
    expect(await admin.page.locator('#import-result .form-error').innerText()).toBe('Pilih daerah pengimpor dari daftar terlebih dahulu.');

    const region = admin.page.locator('.card [data-picker=region] input').first();
    await region.fill('Jawa Barat');
    await region.press('Enter');
    expect(await admin.page.locator('.card [data-picker=region] .chip').first().getAttribute('data-value')).toBe('32');
    const before = await app.eventCount();
    await admin.page.locator('#import-check').click();
    await admin.page.locator('.import-report[data-dry-run=true]').waitFor();
    await admin.page.locator('#import-run').click();
    await admin.page.locator('.import-report[data-dry-run=false]').waitFor();
    expect(await admin.page.locator('#import-summary').innerText()).toContain('1 KSB dan 0 PKS diimpor');
    expect(await app.eventCount()).toBe(before + 1);
    // The one-agreement form asks an admin for both parties, each by name.
    expect(await admin.page.locator('form[data-action=recordExisting] [data-picker=region]').count()).toBe(2);
    await admin.page.context().close();
  });

  it('lets a national auditor filter the list by region and by urusan, both chosen by name', async () => {
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    const auditor = await signIn(browser, app, nationalAuditor);
    await open(auditor, '#/kesepakatan');
    await waitUntilDrawn(auditor, 'agreements');
    const filters = auditor.page.locator('form.filters');
    const region = filters.locator('[data-picker=region] input');
    await region.fill('Kabupaten Bogor (32.01)');
    await region.press('Enter');
    const field = filters.locator('[data-picker=field] input');
    await field.fill('Potensi Daerah');
    await field.press('Enter');
    expect(await filters.locator('.chip').evaluateAll((chips) => chips.map((c) => (c as unknown as { dataset: { value: string } }).dataset.value))).toEqual(['potensi-daerah', '32.01']);
    await forgetDrawn(auditor);
    await filters.locator('button[type=submit]').click();
    await waitUntilDrawn(auditor, 'agreements');
    const parties = await auditor.page.locator('#agreements tbody tr td:nth-child(2)').allInnerTexts();
    expect(parties.length).toBeGreaterThan(0);
    for (const text of parties) expect(text).toContain('Bogor');
    // The chosen values stay, by name, for the next search.
    expect(await auditor.page.locator('form.filters [data-picker=region] .chip').first().innerText()).toContain('Kabupaten Bogor');
    await auditor.page.context().close();
  });
});
