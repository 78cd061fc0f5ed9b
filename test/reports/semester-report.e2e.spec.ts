import { CommandBus } from '@nestjs/cqrs';
import { loadSeedStories } from '../../src/demo/seed-stories';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import type { SemesterReport } from '../../src/reports/domain/semester-report';
import { TestApp, type TestUser } from '../support/test-app';
import { binary, pdfText, squeezed, workbookCells } from './support/report-files';

const banten: TestUser = { userId: 'biro-pemotda@bantenprov.go.id', role: 'coordinator', region: '36' };
const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const dinkesBanten: TestUser = { userId: 'dinkes@bantenprov.go.id', role: 'dinas-officer', region: '36', opd: 'Dinas Kesehatan' };
const nationalAuditor: TestUser = { userId: 'auditor@kemendagri.go.id', role: 'auditor', region: '31', national: true };
const operator: TestUser = { userId: 'ops@sinergi', role: 'admin', region: '31' };

const SIGNATORY = { position: 'Kepala Biro Pemerintahan dan Otonomi Daerah', name: 'Dra. Siti Rahmawati, M.Si.', nip: '197003121995032001' };
const BANTEN_KSB = 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik';
const SERANG_BANDUNG = 'Kolaborasi Program Inovasi Daerah dan Pengembangan UMKM';

const tableOf = (report: SemesterReport, sheet: string) => {
  const table = report.tables.find((t) => t.sheet === sheet);
  if (!table) throw new Error(`no table ${sheet}`);
  return table;
};

/** The seed stories, as Banten, West Java and a national auditor print their semester reports in November 2026. */
describe('the semester report of a region', () => {
  let app: TestApp;
  const report = async (user: TestUser, path: string): Promise<SemesterReport> => (await app.as(user).get(`${path}&format=json`).expect(200)).body;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2026-11-22T03:00:00.000Z' });
    await loadSeedStories(app.get(CommandBus), () => undefined);
    await app.as(banten).put('/regions/36/settings/report-signatory', SIGNATORY).expect(200);
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount(), 60_000);
  }, 120_000);
  afterAll(() => app.close());

  describe('as a PDF and a workbook', () => {
    let pdf: string;
    let xlsx: Buffer;
    let json: SemesterReport;
    beforeAll(async () => {
      const path = '/regions/36/reports/semester?year=2026&semester=1';
      json = await report(banten, path);
      const pdfAnswer = await binary(app.as(banten).get(`${path}&format=pdf`)).expect(200);
      expect(pdfAnswer.headers['content-type']).toBe('application/pdf');
      expect(pdfAnswer.headers['content-disposition']).toContain('laporan-kerja-sama-36-2026-semester-1.pdf');
      pdf = await pdfText(pdfAnswer.body);
      xlsx = (await binary(app.as(banten).get(`${path}&format=xlsx`)).expect(200)).body;
    });

    it('carries the heading, the printing date, the signature set for the region and page numbers', async () => {
      const text = pdf;
      for (const line of ['PEMERINTAH PROVINSI BANTEN', 'LAPORAN PELAKSANAAN KERJA SAMA DAERAH', 'SEMESTER I TAHUN 2026']) expect(text).toContain(line);
      expect(text).toContain('22 November 2026');
      expect(text).toContain('akhir hari 30 Juni 2026');
      expect(text).toContain('Mengetahui,');
      expect(text).toContain(`${SIGNATORY.position},`);
      expect(text).toContain(SIGNATORY.name);
      expect(text).toContain(`NIP ${SIGNATORY.nip}`);
      expect(text).toMatch(/Halaman 1 dari \d+/);
    });

    it('names the log position and the seal it was made from, which the tamper check confirms', async () => {
      const { position, seal } = json.source;
      expect(squeezed(pdf)).toContain(squeezed(`sinergi audit verify --at ${position} --seal ${seal}`));
      const { body } = await app.as(nationalAuditor).get(`/audit/verify?at=${position}&seal=${seal}`).expect(200);
      expect(body).toMatchObject({ intact: true, position, sealCheck: { matches: true } });
    });

    it('prints every cell of every table in the PDF and in the workbook alike', async () => {
      const text = squeezed(pdf);
      const sheets = await workbookCells(xlsx);
      for (const table of json.tables) {
        const sheet = sheets.get(table.sheet);
        expect(sheet?.[0][0]).toBe(table.title);
        expect(sheet?.[2]).toEqual(table.columns);
        expect(sheet?.slice(3)).toEqual(table.rows);
        for (const cell of [table.title, ...table.columns, ...table.rows.flat()]) expect(text).toContain(squeezed(cell));
      }
      const cover = sheets.get('Laporan')?.map((row) => row.join(' ')).join('\n');
      for (const line of [...json.heading, SIGNATORY.name, `NIP ${SIGNATORY.nip}`, json.footer]) expect(cover).toContain(line);
    });

    it("lists the KSB and its PKS with each party's document number, counterpart, urusan, dates, days left and status", () => {
      expect(tableOf(json, 'Register').rows).toEqual([
        [
          '1',
          'KSB',
          BANTEN_KSB,
          'Provinsi Bengkulu',
          'Provinsi Bengkulu: ILUSTRATIF 100.3.7/45/B.1/2025; Provinsi Banten: ILUSTRATIF 100.3.7/12-KSB/2025',
          'Potensi Daerah; Pelayanan Publik; 1.02 Kesehatan',
          '24 Oktober 2025',
          '24 Oktober 2030',
          '60 bulan',
          '1577',
          'Aktif',
        ],
        expect.arrayContaining(['1.1', 'PKS', 'Provinsi Bengkulu: ILUSTRATIF 440/88/Dinkes/2026; Provinsi Banten: ILUSTRATIF 800/310-Dinkes/2026', '1.02 Kesehatan', 'Aktif']),
      ]);
    });
  });

  describe('of a semester that is over, made later', () => {
    it('shows the state at the end of the semester, not today', async () => {
      const first = tableOf(await report(banten, '/regions/36/reports/semester?year=2026&semester=1'), 'Kemajuan');
      const second = tableOf(await report(banten, '/regions/36/reports/semester?year=2026&semester=2'), 'Kemajuan');
      // Banten reported on semester I on 20 July 2026: after the end of that semester.
      expect(first.rows[0]).toEqual(['1', `KSB: ${BANTEN_KSB}`, '-', '0', '0', '0', '0 dilaksanakan; 1 direncanakan', 'Belum ada', 'Belum ada']);
      expect(second.rows[0][7]).toBe('Semester I 2026 (20 Juli 2026)');
      expect(first.rows[1]).toEqual(expect.arrayContaining(['1.1', 'Dinas Kesehatan', '1 (Dinas Kesehatan)']));
    });
  });

  describe("of a province, with its kabupaten/kota's figures", () => {
    it('counts the agreements of each kabupaten/kota, and names none the province is not a party to', async () => {
      const jabarReport = await report(jabar, '/regions/32/reports/semester?year=2026&semester=1');
      const recap = tableOf(jabarReport, 'Rekap Kab-Kota');
      expect(recap.rows).toHaveLength(27);
      expect(recap.rows.find((row) => row[0] === 'Kabupaten Bandung')).toEqual([
        'Kabupaten Bandung',
        '1',
        '0',
        '1',
        '0',
        '0',
        '0',
        '1',
        'Inovasi Daerah (1); 2.17 Koperasi, Usaha Kecil dan Menengah (1)',
      ]);
      expect(JSON.stringify(jabarReport)).not.toContain(SERANG_BANDUNG);
      expect(JSON.stringify(jabarReport)).not.toContain('Bupati Bandung');
      expect(tableOf(jabarReport, 'Rekap Mitra').rows).toEqual([
        ['Kabupaten/kota di provinsi yang sama', '0', '0'],
        ['Provinsi', '0', '0'],
        ['Kabupaten/kota di provinsi lain', '4', '4'],
      ]);
    });

    it("refuses the province the report of one of its kabupaten/kota, whose agreements it is not party to", async () => {
      expect((await app.as(jabar).get('/regions/32.04/reports/semester?year=2026&semester=1').expect(403)).body).toMatchObject({ rule: 'RegionOutOfReach' });
    });

    it('gives a national auditor any region, with the same recap', async () => {
      const recap = tableOf(await report(nationalAuditor, '/regions/32/reports/semester?year=2026&semester=1'), 'Rekap Kab-Kota');
      expect(recap.rows).toHaveLength(27);
    });
  });

  describe('asked wrongly', () => {
    it('answers 400 naming the field for a semester or year that does not exist, or a format not offered', async () => {
      const user = app.as(banten);
      const fieldOf = async (query: string) => (await user.get(`/regions/36/reports/semester?${query}`).expect(400)).body.errors;
      expect(await fieldOf('year=2026&semester=3')).toContainEqual(expect.objectContaining({ field: 'semester', rule: 'isIn' }));
      expect(await fieldOf('year=1899&semester=1')).toContainEqual(expect.objectContaining({ field: 'year', rule: 'min' }));
      expect(await fieldOf('year=dua&semester=1')).toContainEqual(expect.objectContaining({ field: 'year' }));
      expect(await fieldOf('year=2027&semester=1')).toContainEqual(expect.objectContaining({ field: 'semester', rule: 'SemesterNotStarted' }));
      expect(await fieldOf('year=2026&semester=1&format=docx')).toContainEqual(expect.objectContaining({ field: 'format', rule: 'isIn' }));
    });

    it("refuses another region's user and an admin with 403, and an unknown region with 404, writing nothing", async () => {
      await Promise.all([jabar, operator, banten].map((user) => app.tokenOf(user)));
      const before = await app.eventCount();
      expect((await app.as(jabar).get('/regions/36/reports/semester?year=2026&semester=1').expect(403)).body.rule).toBe('RegionOutOfReach');
      expect((await app.as(operator).get('/regions/36/reports/semester?year=2026&semester=1').expect(403)).body.rule).toBe('OperatorSeesNoAgreements');
      await app.as(banten).get('/regions/99/reports/semester?year=2026&semester=1').expect(404);
      await app.anonymous().get('/regions/36/reports/semester?year=2026&semester=1').expect(401);
      expect(await app.eventCount()).toBe(before);
    });

    it("gives the region's dinas officers the report too: it is the region's own", async () => {
      await app.as(dinkesBanten).get('/regions/36/reports/semester?year=2026&semester=1&format=json').expect(200);
    });
  });
});
