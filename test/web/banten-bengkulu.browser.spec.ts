import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { TestApp, type TestUser } from '../support/test-app';
import { type UserTab, forgetDrawn, launchChromium, open, signIn, waitUntilDrawn } from './support/browser';
import { fillForm, step } from './support/steps';
import { describeNeeding } from '../support/system-parts';

const SCREENSHOTS = join(__dirname, '../../docs/screenshots');
const sha256 = (content: string): string => createHash('sha256').update(content).digest('hex');

const bantenCoordinator: TestUser = { userId: 'biro-pemotda@bantenprov.go.id', name: 'Biro Pemerintahan Banten', role: 'coordinator', region: '36' };
const bengkuluCoordinator: TestUser = { userId: 'biro-pemotda@bengkuluprov.go.id', name: 'Biro Pemerintahan Bengkulu', role: 'coordinator', region: '17' };
const bengkuluDinkes: TestUser = {
  userId: 'dinkes@bengkuluprov.go.id',
  name: 'Dinas Kesehatan Bengkulu',
  role: 'dinas-officer',
  region: '17',
  opd: 'Dinas Kesehatan Provinsi Bengkulu',
};
const bantenInspektorat: TestUser = { userId: 'inspektorat@bantenprov.go.id', name: 'Inspektorat Banten', role: 'auditor', region: '36' };
const jabarCoordinator: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', name: 'Biro Pemerintahan Jawa Barat', role: 'coordinator', region: '32' };

const TITLE = 'Kesepakatan Bersama Provinsi Banten dan Provinsi Bengkulu';
const draft = { name: 'ksb-banten-bengkulu-v1.pdf', content: 'KSB Banten–Bengkulu, naskah versi 1' };
const pksDocument = { name: 'pks-kesehatan-v1.pdf', content: 'PKS pelayanan kesehatan Banten–Bengkulu, naskah versi 1' };
const minutes = { name: 'notulen-alur-rujukan.pdf', content: 'alur rujukan pasien antarprovinsi, notulen rapat' };
const decree = { name: 'sk-alur-rujukan.pdf', content: 'SK bersama alur rujukan pasien, ditandatangani' };

/**
 * The Banten–Bengkulu story told through the web app in headless Chromium: each user signs in with their token,
 * clicks and fills what a person would, and the test reads what the page shows.
 */
jest.setTimeout(60_000);

describeNeeding('chromium')('the web app, on the Banten–Bengkulu cooperation', () => {
  let app: TestApp;
  let browser: Browser;
  let banten: UserTab;
  let bengkulu: UserTab;
  let agreementId: string;
  const tabs: UserTab[] = [];
  const text = (tab: UserTab, selector: string) => tab.page.locator(selector).first().innerText();
  const openAgreement = (tab: UserTab) => open(tab, `#/kesepakatan/${agreementId}`);
  const stageShown = (tab: UserTab) => tab.page.locator('#agreement-title .badge').innerText();
  const as = async (user: TestUser, options?: { phone?: boolean }) => {
    const tab = await signIn(browser, app, user, options);
    tabs.push(tab);
    return tab;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await TestApp.start({ now: '2025-09-01T02:00:00.000Z' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Chooses values in a searchable picker as a user does: types, and takes the entry of the list. */
  const pick = async (tab: UserTab, name: string, labels: string[]) => {
    const input = tab.page.locator(`form[data-action=propose] input[name="${name}"]`);
    for (const label of labels) {
      await input.fill(label);
      await input.press('Enter');
    }
  };

  it('lets the Banten coordinator propose, showing the API’s messages next to the fields first', async () => {
    banten = await as(bantenCoordinator);
    expect(await text(banten, 'h1')).toBe('Dasbor Banten');
    await open(banten, '#/kesepakatan/baru');
    await banten.page.locator('form[data-action=propose] button[type=submit]').click();
    await banten.page.locator('.field-error[data-field=title]:not(:empty)').waitFor();
    expect(await text(banten, '.field-error[data-field=title]')).toBe('Wajib diisi');
    expect(await text(banten, '.field-error[data-field=counterparts]')).not.toBe('');
    expect(await text(banten, '.field-error[data-field=fields]')).not.toBe('');

    // Regions and fields are chosen by name: "Bengkulu" alone fits several regions, the picker asks for one.
    await pick(banten, 'counterparts', ['Provinsi Bengkulu (17)']);
    await pick(banten, 'fields', ['Potensi Daerah', 'Pelayanan Publik', 'Kesehatan (1.02)']);

    await fillForm(banten, 'form[data-action=propose]', {
      fill: {
        title: TITLE,
        scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, dimulai dari pelayanan kesehatan',
        'offerLetter.number': '415.4/1021-Pem/2025',
        'offerLetter.date': '2025-09-01',
      },
    });
    await forgetDrawn(banten);
    await banten.page.locator('form[data-action=propose] button[type=submit]').click();
    await waitUntilDrawn(banten, 'agreement');
    agreementId = banten.page.url().split('/').pop() ?? '';
    expect(await text(banten, '#agreement-title')).toContain(TITLE);
    expect(await stageShown(banten)).toBe('Diusulkan');
    expect(await text(banten, '.stepper .current')).toContain('Diusulkan');
    // The proposer may withdraw; only the counterpart answers the offer.
    expect(await banten.page.locator('#ksb-actions button').allInnerTexts()).toEqual(['Tarik usulan']);
  });

  it('lets the Bengkulu coordinator accept the offer, which opens the negotiation', async () => {
    app.clock.set('2025-09-15T03:00:00.000Z');
    bengkulu = await as(bengkuluCoordinator);
    await openAgreement(bengkulu);
    expect(await bengkulu.page.locator('#ksb-actions button').allInnerTexts()).toEqual(['Terima penawaran', 'Tolak penawaran']);
    await step(bengkulu, 'ksb', 'accept');
    expect(await stageShown(bengkulu)).toBe('Dalam Pembahasan');
  });

  it('fingerprints the draft in the browser, and awaits signatures once both TKKSD approve it', async () => {
    app.clock.set('2025-10-01T03:00:00.000Z');
    await openAgreement(banten);
    await step(banten, 'ksb', 'reviseDraft', { files: { documentSha256: [draft] }, fill: { summary: 'Naskah awal hasil rapat TKKSD' } });
    expect(await text(banten, '#fingerprints')).toContain(sha256(draft.content));

    app.clock.set('2025-10-08T03:00:00.000Z');
    await step(banten, 'ksb', 'approveDraft');
    await openAgreement(bengkulu);
    await step(bengkulu, 'ksb', 'approveDraft');
    expect(await stageShown(bengkulu)).toBe('Menunggu Tanda Tangan');
  });

  it('becomes active when Gubernur Helmi Hasan signs after Gubernur Andra Soni', async () => {
    app.clock.set('2025-10-24T03:00:00.000Z');
    const place = 'Pendopo Gubernur Banten, KP3B, Serang';
    await openAgreement(banten);
    await step(banten, 'ksb', 'scheduleSigning', { fill: { date: '2025-10-24', place } });
    await step(banten, 'ksb', 'sign', {
      fill: { 'signatory.name': 'Andra Soni', 'signatory.position': 'Gubernur Banten', documentNumber: '120/45-KSB/2025', date: '2025-10-24', place },
    });
    await openAgreement(bengkulu);
    await step(bengkulu, 'ksb', 'sign', {
      fill: { 'signatory.name': 'Helmi Hasan', 'signatory.position': 'Gubernur Bengkulu', documentNumber: '120/33/B.1/2025', date: '2025-10-24', place },
    });
    expect(await stageShown(bengkulu)).toBe('Aktif');
    expect(await text(bengkulu, '.stepper .done:last-of-type, .stepper [data-step=active]')).toContain('24 Okt 2025');
    expect(await text(bengkulu, '#parties')).toContain('Andra Soni');
    expect(await text(bengkulu, '#parties')).toContain('Helmi Hasan');
  });

  it('gets an active health PKS, drafted, fingerprinted and signed by both provinces', async () => {
    app.clock.set('2025-11-10T03:00:00.000Z');
    await openAgreement(banten);
    await step(banten, 'ksb', 'draftPks', {
      select: { field: '1.02' },
      fill: {
        title: 'Perjanjian Kerja Sama Pelayanan Kesehatan',
        'leadOpds.0.opd': 'Dinas Kesehatan Provinsi Banten',
        'leadOpds.1.opd': 'Dinas Kesehatan Provinsi Bengkulu',
        termMonths: '59',
      },
    });
    await step(banten, 'pks-1', 'revisePks', { files: { documentSha256: [pksDocument] }, fill: { summary: 'Naskah PKS' } });
    expect(await text(banten, '[data-pks=pks-1] .badge')).toBe('Penyusunan');

    app.clock.set('2025-12-15T03:00:00.000Z');
    await step(banten, 'pks-1', 'signPks', {
      fill: {
        'signatory.name': 'dr. Rahmat Hidayat',
        'signatory.position': 'Kepala Dinas Kesehatan Provinsi Banten',
        'signatory.skkNumber': 'SKK 800/112-Dinkes/2025',
        documentNumber: '445/88-Dinkes/2025',
        date: '2025-12-15',
      },
      select: { 'signatory.capacity': 'opd-head' },
    });
    await openAgreement(bengkulu);
    await step(bengkulu, 'pks-1', 'signPks', {
      fill: { 'signatory.name': 'Helmi Hasan', 'signatory.position': 'Gubernur Bengkulu', documentNumber: '445/21/B.1/2025', date: '2025-12-15' },
    });
    expect(await text(bengkulu, '[data-pks=pks-1] .badge')).toBe('Aktif');
    expect(await text(bengkulu, '[data-pks=pks-1]')).toContain('15 Des 2025 – 24 Okt 2030');
  });

  it('lets the Bengkulu coordinator assign a follow-up of the PKS to its Dinas Kesehatan', async () => {
    app.clock.set('2026-01-05T03:00:00.000Z');
    await openAgreement(bengkulu);
    await step(bengkulu, 'ksb', 'assignFollowUp', {
      select: { pksId: 'pks-1' },
      fill: { opd: 'Dinas Kesehatan Provinsi Bengkulu', action: 'Menyusun alur rujukan pasien antarprovinsi', dueDate: '2026-06-30' },
    });
    expect(await text(bengkulu, '[data-follow-up=tl-1]')).toContain('Ditugaskan');
    // The OPD does the work: its coordinator may extend or cancel, never acknowledge.
    expect(await bengkulu.page.locator('[data-follow-up=tl-1] button').allInnerTexts()).toEqual(['Perpanjang tenggat', 'Batalkan tugas']);
  });

  it('lets the Bengkulu Dinas Kesehatan acknowledge, report and complete its task from the worklist, with evidence', async () => {
    app.clock.set('2026-01-07T03:00:00.000Z');
    const dinkes = await as(bengkuluDinkes);
    expect(await text(dinkes, 'h1')).toBe('Tugas Dinas Kesehatan Provinsi Bengkulu');
    expect(await text(dinkes, '#worklist [data-follow-up=tl-1]')).toContain('Menyusun alur rujukan pasien antarprovinsi');
    await step(dinkes, 'tl-1', 'acknowledge');
    expect(await text(dinkes, '#worklist [data-follow-up=tl-1] .badge')).toBe('Diterima OPD');

    app.clock.set('2026-03-02T03:00:00.000Z');
    await step(dinkes, 'tl-1', 'reportProgress', { fill: { percent: '50', note: 'Draf alur rujukan dibahas' }, files: { evidence: [minutes] } });
    expect(await text(dinkes, '#worklist [data-follow-up=tl-1]')).toContain('50%');
    await dinkes.page.screenshot({ path: join(SCREENSHOTS, 'worklist.png'), fullPage: true });

    app.clock.set('2026-05-20T03:00:00.000Z');
    await dinkes.page.locator('button[data-action=complete][data-scope=tl-1]').click();
    await dinkes.page.locator('form[data-action=complete] button[type=submit]').click();
    expect(await dinkes.page.locator('form[data-action=complete] .field-error[data-field=evidence]:not(:empty)').innerText()).toBe('Isi paling sedikit satu');
    await fillForm(dinkes, 'form[data-action=complete]', { fill: { note: 'Alur rujukan berlaku' }, files: { evidence: [decree] } });
    await forgetDrawn(dinkes);
    await dinkes.page.locator('form[data-action=complete] button[type=submit]').click();
    await waitUntilDrawn(dinkes, 'worklist');
    expect(await dinkes.page.locator('#worklist-empty').innerText()).toBe('Tidak ada tugas terbuka.');
  });

  it('shows the Banten coordinator the completed follow-up, its evidence fingerprints and the full history', async () => {
    await openAgreement(banten);
    expect(await text(banten, '[data-follow-up=tl-1]')).toContain('Selesai');
    expect(await text(banten, '[data-follow-up=tl-1]')).toContain('100%');
    const prints = await text(banten, '#fingerprints');
    for (const file of [draft, pksDocument, minutes, decree]) expect(prints).toContain(sha256(file.content));
    await banten.page.locator('#history').waitFor();
    const history = await text(banten, '#history');
    expect(history).toContain('Tindak lanjut selesai');
    expect(history).toContain('dinkes@bengkuluprov.go.id · Petugas dinas · 17 · Dinas Kesehatan Provinsi Bengkulu');
    await banten.page.screenshot({ path: join(SCREENSHOTS, 'agreement.png'), fullPage: true });

    await open(banten, '#/dasbor');
    expect(await text(banten, '[data-kpi=total] .kpi-value')).toBe('1');
    expect(await text(banten, '[data-kpi=active] .kpi-value')).toBe('1');
    expect(await text(banten, '[data-chart=category]')).toContain('Provinsi');
    await banten.page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
  });

  it('lets an auditor see the agreement as it stood on a past date, the difference, and the verified seal', async () => {
    app.clock.set('2026-06-01T03:00:00.000Z');
    const auditor = await as(bantenInspektorat);
    await open(auditor, `#/audit/${agreementId}`);
    await auditor.page.locator('#as-of-date').fill('2025-10-01');
    await auditor.page.locator('#as-of-date').press('Enter');
    await auditor.page.locator('#as-of[data-date="2025-10-01"]').waitFor();
    expect(await text(auditor, '#as-of .badge')).toBe('Dalam Pembahasan');
    expect(await text(auditor, '#as-of')).toContain('Belum ada PKS.');
    expect(await auditor.page.locator('#as-of button').count()).toBe(0);

    await auditor.page.locator('#diff-from').fill('2025-10-01');
    await auditor.page.locator('#diff-to').fill('2025-10-31');
    await auditor.page.locator('#diff-to').press('Enter');
    await auditor.page.locator('#diff-table').waitFor();
    expect(await text(auditor, '#diff-table')).toContain('/stage');

    await auditor.page.getByRole('button', { name: 'Verifikasi sekarang' }).click();
    await auditor.page.locator('#verify [data-intact=true]').waitFor();
    expect(await text(auditor, '#seal')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows a Jawa Barat coordinator none of it', async () => {
    const jabar = await as(jabarCoordinator);
    expect(await text(jabar, '[data-kpi=total] .kpi-value')).toBe('0');
    await open(jabar, '#/kesepakatan');
    expect(await text(jabar, '#list-count')).toBe('0 kesepakatan');
    await openAgreement(jabar);
    expect(await text(jabar, '#not-found')).toBe('Kesepakatan tidak ditemukan atau bukan milik daerah Anda.');
    expect(await jabar.page.locator('body').innerText()).not.toContain(TITLE);
  });

  it('fits a phone screen, and the pages broke no content-security rule along the way', async () => {
    const phone = await as(bantenCoordinator, { phone: true });
    await openAgreement(phone);
    const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(tabs.flatMap((tab) => tab.problems)).toEqual([]);
  });
});
