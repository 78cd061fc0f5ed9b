import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import type { Browser } from 'playwright-core';
import { loadSeedStories } from '../../src/demo/seed-stories';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { bantenCoordinator } from '../e2e/http-fixtures';
import { TestApp, type TestUser } from '../support/test-app';
import { describeNeeding } from '../support/system-parts';
import { type PageGlobals, type UserTab, launchChromium, open, signIn } from './support/browser';

const SCREENSHOTS = join(__dirname, '../../docs/screenshots');
const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };

jest.setTimeout(90_000);

/**
 * The seed stories in November 2026: the Banten coordinator names the signatory of its reports, shows and downloads
 * the report of the first semester, and opts in to open data, which anyone then reads on /publik from a phone.
 */
describeNeeding('chromium')('the semester report page and the public page', () => {
  let app: TestApp;
  let browser: Browser;
  let banten: UserTab;
  const problems: string[] = [];
  const text = (tab: UserTab, selector: string) => tab.page.locator(selector).first().innerText();

  beforeAll(async () => {
    [app, browser] = await Promise.all([TestApp.start({ now: '2026-11-22T03:00:00.000Z' }), launchChromium()]);
    await loadSeedStories(app.get(CommandBus), () => undefined);
    await app.as(jabar).put('/regions/32/settings/open-data', { published: true }).expect(200);
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount(), 60_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the report of the semester a reminder links to, and downloads its PDF and workbook', async () => {
    banten = await signIn(browser, app, bantenCoordinator);
    await open(banten, '#/laporan?tahun=2026&semester=1');
    expect(await text(banten, '#report')).toContain('LAPORAN PELAKSANAAN KERJA SAMA DAERAH');
    expect(await text(banten, '#report')).toContain('SEMESTER I TAHUN 2026');
    expect(await text(banten, '#report .report-signature')).toContain('Penanda tangan laporan belum ditetapkan.');

    await banten.page.locator('#signatory-form [name=position]').fill('Kepala Biro Pemerintahan dan Otonomi Daerah');
    await banten.page.locator('#signatory-form [name=name]').fill('Dra. Siti Rahmawati, M.Si.');
    await banten.page.locator('#signatory-form [name=nip]').fill('19700312');
    await banten.page.locator('#signatory-form button[type=submit]').click();
    await banten.page.locator('#signatory-form .form-error:not([hidden])').waitFor();
    expect(await text(banten, '#signatory-form .form-error')).toContain('nip');

    await banten.page.locator('#signatory-form [name=nip]').fill('197003121995032001');
    await banten.page.evaluate('delete document.body.dataset.drawn');
    await banten.page.locator('#signatory-form button[type=submit]').click();
    await banten.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.drawn === 'reports');
    expect(await text(banten, '#report .signatory-name')).toBe('Dra. Siti Rahmawati, M.Si.');
    expect(await text(banten, '#report [data-table=Register]')).toContain('Provinsi Banten: ILUSTRATIF 100.3.7/12-KSB/2025');

    const [pdf] = await Promise.all([banten.page.waitForEvent('download'), banten.page.locator('#download-pdf').click()]);
    expect(pdf.suggestedFilename()).toBe('laporan-kerja-sama-36-2026-semester-1.pdf');
    expect(readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe('%PDF-');
    const [xlsx] = await Promise.all([banten.page.waitForEvent('download'), banten.page.locator('#download-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toBe('laporan-kerja-sama-36-2026-semester-1.xlsx');
    await banten.page.screenshot({ path: join(SCREENSHOTS, 'semester-report.png'), fullPage: true });

    await banten.page.evaluate('delete document.body.dataset.drawn');
    await banten.page.locator('#open-data').check();
    await banten.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.drawn === 'reports');
    expect((await app.as(bantenCoordinator).get('/regions/36/settings').expect(200)).body.openData.published).toBe(true);
    problems.push(...banten.problems);
  });

  it('draws /publik without sign-in, on a phone, from the open data of the regions that publish', async () => {
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount(), 60_000);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const drawn = () => page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.drawn === 'publik');
    const answer = await page.goto(`${app.url}/publik`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    await drawn();
    expect(await page.locator('h1').innerText()).toBe('Kerja Sama Daerah: Nasional');
    expect(await page.locator('[data-kpi=total] .kpi-value').innerText()).toBe('5');
    expect(await page.locator('[data-kpi=active] .kpi-value').innerText()).toBe('5');
    expect(await page.locator('[data-chart=region]').innerText()).toContain('Provinsi Jawa Barat');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'publik.png'), fullPage: true });

    await page.evaluate('delete document.body.dataset.drawn');
    await page.locator('#region').selectOption('36');
    await drawn();
    expect(await page.locator('h1').innerText()).toBe('Kerja Sama Daerah: Provinsi Banten');
    expect(await page.locator('[data-kpi=total] .kpi-value').innerText()).toBe('1');
    expect(await page.locator('[data-chart=category]').innerText()).toContain('Provinsi');
    expect(await page.locator('#downloads a').first().getAttribute('href')).toBe('/open-data/regions/36/agreements.csv?excel=1');
    await context.close();
    expect(problems).toEqual([]);
  });
});
