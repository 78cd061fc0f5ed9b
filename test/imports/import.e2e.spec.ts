import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { Actor } from '../../src/core/event';
import type { ImportReport } from '../../src/imports/agreement-importer';
import { agreementIdOf } from '../../src/imports/import-rows';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { TestApp } from '../support/test-app';

const JABAR = '32';
const WEST_JAVA_FILE = join(__dirname, '../../src/demo/registers/kerja-sama-jawa-barat.csv');
const jabarCoordinator: Actor = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: JABAR };
const sukamaraCoordinator: Actor = { userId: 'bagian-ks@sukamarakab.go.id', role: 'coordinator', region: '62.08' };
const bantenCoordinator: Actor = { userId: 'biro-pemotda@bantenprov.go.id', role: 'coordinator', region: '36' };
const jabarDinas: Actor = { userId: 'diskominfotik@jabarprov.go.id', role: 'dinas-officer', region: JABAR, opd: 'Diskominfotik' };
const auditor: Actor = { userId: 'inspektorat@jabarprov.go.id', role: 'auditor', region: JABAR };
const admin: Actor = { userId: 'operator@sinergi', role: 'admin', region: JABAR };

/** The header row of the template, and a row built from the columns it names. */
const HEADER = readFileSync(WEST_JAVA_FILE, 'utf8').replace(/^\uFEFF/, '').split('\r\n')[0].split(';');
const csvOf = (rows: Record<string, string>[], delimiter = ';'): Buffer =>
  Buffer.from([HEADER.join(delimiter), ...rows.map((row) => HEADER.map((h) => (row[h] ?? '').includes(delimiter) ? `"${row[h]}"` : row[h] ?? '').join(delimiter))].join('\n'));

const sukamaraKsb: Record<string, string> = {
  Jenis: 'KSB',
  'Pihak Pertama': 'Prov. Jawa Barat',
  'Nomor KSB Pihak Pertama': '120/13/Pem.Um/2024',
  'Pihak Kedua': 'Kabupaten Sukamara',
  'Nomor KSB Pihak Kedua': '100.3.7/01/Pem/2024',
  Judul: 'Kesepakatan Bersama tentang Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
  'Bidang/Urusan': 'Manajemen ASN; 2.21; SPBE',
  'Tanggal Penandatanganan': '5 Februari 2024',
  'Penandatangan Pihak Pertama': 'Bey Triadi Machmudin',
  'Jabatan Penandatangan Pihak Pertama': 'Pj Gubernur Jawa Barat',
  'Penandatangan Pihak Kedua': 'Kaspinor',
  'Jabatan Penandatangan Pihak Kedua': 'Pj Bupati Sukamara',
  'Berlaku Sampai': '05/02/2029',
  Status: 'aktif',
};
const spbePks: Record<string, string> = {
  ...sukamaraKsb,
  Jenis: 'PKS',
  Judul: 'PKS Penerapan SPBE',
  'Bidang/Urusan': 'SPBE',
  'Tanggal Penandatanganan': '2024-06-10',
  'Berlaku Sampai': '2027-06-10',
  'Nomor PKS Pihak Pertama': '555/PKS.07/Diskominfotik/2024',
  'Nomor PKS Pihak Kedua': '555/07/Diskominfo/2024',
  'OPD Pelaksana Pihak Pertama': 'Diskominfotik',
  'OPD Pelaksana Pihak Kedua': 'Diskominfo',
  'Nomor SKK Pihak Pertama': '800/SKK.12/2024',
  'Nomor SKK Pihak Kedua': '800/SKK.03/2024',
  'Tindak Lanjut': 'Menyusun peta rencana SPBE bersama',
  'Pihak Tindak Lanjut': 'Kab. Sukamara',
  'OPD Tindak Lanjut': 'Diskominfo',
  'Batas Waktu Tindak Lanjut': '31 Desember 2026',
};

describe('importing the agreements an office already has', () => {
  let app: TestApp;
  const upload = (user: Actor, content: Buffer, fileName: string, query = '') =>
    app.signed(user, request(app.url).post(`/imports${query}`)).attach('file', content, fileName);
  const caughtUp = async () => app.get(ProjectionsStatus).caughtUp(await app.eventCount());

  beforeAll(async () => {
    app = await TestApp.start({ now: '2026-01-10T03:00:00.000Z' });
  });
  afterAll(() => app.close());

  describe("West Java's register of 76 KSB, shipped with the demo", () => {
    const westJava = readFileSync(WEST_JAVA_FILE);

    it('is checked row by row in a dry run that writes nothing', async () => {
      await app.tokenOf(jabarCoordinator);
      const before = await app.eventCount();
      const { body } = await upload(jabarCoordinator, westJava, 'kerja-sama-jawa-barat.csv', '?dryRun=true').expect(200);
      expect(body).toMatchObject({ dryRun: true, rows: 76, imported: { ksb: 76, pks: 0 }, alreadyRecorded: [], problems: [] });
      expect(await app.eventCount()).toBe(before);
    });

    it('is imported, and the portfolio of West Java counts 27 with its own kab/kota, 20 with provinces, 29 elsewhere', async () => {
      const { body } = await upload(jabarCoordinator, westJava, 'kerja-sama-jawa-barat.csv').expect(200);
      expect(body).toMatchObject({ dryRun: false, rows: 76, imported: { ksb: 76, pks: 0 }, problems: [] });
      await caughtUp();
      const { body: portfolio } = await app.as(jabarCoordinator).get(`/regions/${JABAR}/portfolio`).expect(200);
      expect(portfolio.total).toBe(76);
      expect(portfolio.byCounterpartCategory).toEqual({ 'regency-same-province': 27, province: 20, 'regency-other-province': 29 });
      expect(portfolio.byStage).toEqual({ active: 76 });
    });

    it('imports nothing twice when the same file is run again', async () => {
      const before = await app.eventCount();
      const { body } = await upload(jabarCoordinator, westJava, 'kerja-sama-jawa-barat.csv').expect(200);
      expect(body.imported).toEqual({ ksb: 0, pks: 0 });
      expect(body.alreadyRecorded).toHaveLength(76);
      expect(await app.eventCount()).toBe(before);
    });
  });

  describe('a KSB with its PKS and an open follow-up, from an XLSX', () => {
    let report: ImportReport;
    const agreementId = agreementIdOf([
      { party: JABAR, documentNumber: '120/13/Pem.Um/2024' },
      { party: '62.08', documentNumber: '100.3.7/01/Pem/2024' },
    ]);

    beforeAll(async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Kerja Sama');
      sheet.addRow(HEADER);
      sheet.addRow(HEADER.map((h) => spbePks[h] ?? ''));
      // The KSB's end date as a date cell, as Excel keeps a date typed into a cell.
      sheet.addRow(HEADER.map((h) => (h === 'Berlaku Sampai' ? new Date(Date.UTC(2029, 1, 5)) : sukamaraKsb[h] ?? '')));
      const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
      ({ body: report } = await upload(sukamaraCoordinator, xlsx, 'kerja-sama-sukamara.xlsx').expect(200));
      await caughtUp();
    });

    it('records both, the PKS under its KSB even when its row comes first', async () => {
      expect(report).toMatchObject({ rows: 2, imported: { ksb: 1, pks: 1 }, problems: [] });
      const { body: view } = await app.as(sukamaraCoordinator).get(`/agreements/${agreementId}`).expect(200);
      const body = view.state;
      expect(body).toMatchObject({ stage: 'active', validFrom: '2024-02-05', validUntil: '2029-02-05', fields: ['manajemen-asn', '2.21', 'spbe'] });
      expect(body.pks).toEqual([expect.objectContaining({ pksId: 'pks-1', stage: 'active', validUntil: '2027-06-10' })]);
      expect(body.followUps).toEqual([expect.objectContaining({ pksId: 'pks-1', party: '62.08', opd: 'Diskominfo', dueDate: '2026-12-31' })]);
    });

    it('says in the trail who imported it, from which file and row', async () => {
      const { body: events } = await app.as(sukamaraCoordinator).get(`/agreements/${agreementId}/events`).expect(200);
      const imported = events.find((e: { type: string }) => e.type === 'AgreementImported');
      expect(imported.metadata.actor).toEqual(sukamaraCoordinator);
      expect(imported.data.source).toEqual({ kind: 'spreadsheet', fileName: 'kerja-sama-sukamara.xlsx', fileSha256: report.fileSha256, row: 3 });
      expect(events.find((e: { type: string }) => e.type === 'PksImported').data.source.row).toBe(2);
    });

    it('shows its state as of a date, exports and verifies like any other', async () => {
      const a = `/audit/agreements/${agreementId}`;
      const { body: asOf } = await app.as(auditor).get(`${a}/as-of?date=2026-01-10`).expect(200);
      expect(JSON.stringify(asOf)).toContain('"stage":"active"');
      const csv = await app.as(auditor).get(`${a}/export?format=csv`).expect(200);
      expect(csv.text).toContain('AgreementImported');
      expect(csv.text).toContain(report.fileSha256);
      const { body: verified } = await app.as(admin).get('/audit/verify').expect(200);
      expect(verified.intact).toBe(true);
    });

    it('lives on: it is extended like any other KSB', async () => {
      await app.as(sukamaraCoordinator).post(`/agreements/${agreementId}/extension`, { validUntil: '2030-02-05' }).expect(200);
    });
  });

  describe('rows that cannot be imported', () => {
    let report: ImportReport;
    const bad = (changes: Record<string, string>) => ({ ...sukamaraKsb, ...changes });

    beforeAll(async () => {
      const rows = [
        bad({ 'Pihak Kedua': 'Bandung', 'Nomor KSB Pihak Kedua': 'A/1' }), // 2: ambiguous name
        bad({ 'Pihak Kedua': 'Kab. Sukamra', 'Nomor KSB Pihak Kedua': 'A/2' }), // 3: unknown name
        bad({ 'Tanggal Penandatanganan': '31/02/2024', 'Nomor KSB Pihak Kedua': 'A/3' }), // 4: no such date
        bad({ Status: 'selesai', 'Nomor KSB Pihak Kedua': 'A/4' }), // 5: unknown status
        bad({ Judul: '', 'Nomor KSB Pihak Kedua': 'A/5' }), // 6: required column empty
        bad({ 'Nomor KSB Pihak Kedua': 'A/6' }), // 7: fine
        bad({ 'Nomor KSB Pihak Kedua': 'A/6' }), // 8: duplicate of 7
        bad({ 'Pihak Pertama': 'Prov. Banten', 'Nomor KSB Pihak Kedua': 'A/8' }), // 9: West Java is not a party
        { ...spbePks, 'Nomor KSB Pihak Pertama': 'TIDAK/ADA', 'Nomor PKS Pihak Kedua': 'P/10' }, // 10: PKS whose KSB is nowhere
        bad({ 'Berlaku Sampai': '2025-02-05', 'Nomor KSB Pihak Kedua': 'A/10' }), // 11: active, but ended
        bad({ Status: 'diputus', 'Nomor KSB Pihak Kedua': 'A/11' }), // 12: terminated without date and ground
        bad({ Jenis: 'MoU', 'Nomor KSB Pihak Kedua': 'A/12' }), // 13: unknown kind
      ];
      ({ body: report } = await upload(jabarCoordinator, csvOf(rows, ','), 'salah.csv', '?dryRun=true').expect(200));
    });

    const problemsOf = (row: number) => report.problems.filter((p) => p.row === row).map(({ column, rule }) => ({ column, rule }));

    it('name an ambiguous region with its candidates, and an unknown one with the closest names', () => {
      expect(problemsOf(2)).toEqual([{ column: 'Pihak Kedua', rule: 'AmbiguousRegion' }]);
      expect(report.problems.find((p) => p.row === 2)?.message).toContain('Kabupaten Bandung (32.04), Kota Bandung (32.73)');
      expect(problemsOf(3)).toEqual([{ column: 'Pihak Kedua', rule: 'UnknownRegion' }]);
      expect(report.problems.find((p) => p.row === 3)?.message).toContain('Kabupaten Sukamara (62.08)');
    });

    it('name the column and rule of a bad date, status, kind or an empty required column', () => {
      expect(problemsOf(4)).toEqual([{ column: 'Tanggal Penandatanganan', rule: 'InvalidDate' }]);
      expect(problemsOf(5)).toEqual([{ column: 'Status', rule: 'UnknownStatus' }]);
      expect(problemsOf(6)).toEqual([{ column: 'Judul', rule: 'Required' }]);
      expect(problemsOf(13)).toEqual([{ column: 'Jenis', rule: 'UnknownKind' }]);
    });

    it('refuse a duplicate row, naming the first', () => {
      expect(problemsOf(7)).toEqual([]);
      expect(problemsOf(8)).toEqual([{ column: undefined, rule: 'DuplicateRow' }]);
      expect(report.problems.find((p) => p.row === 8)?.message).toContain('baris 7');
    });

    it('refuse a row to which the importing region is not a party, and a PKS whose KSB is neither in the file nor in Sinergi', () => {
      expect(problemsOf(9)).toEqual([{ column: 'Pihak Pertama', rule: 'RegionNotAParty' }]);
      expect(problemsOf(10)).toEqual([{ column: 'Nomor KSB Pihak Pertama', rule: 'AgreementNotFound' }]);
    });

    it('refuse what the domain refuses, said for the row', () => {
      expect(problemsOf(11)).toEqual([{ column: 'Status', rule: 'ImportedStatusContradictsDates' }]);
      expect(problemsOf(12)).toEqual([
        { column: 'Tanggal Diputus', rule: 'Required' },
        { column: 'Alasan Diputus', rule: 'Required' },
      ]);
    });

    it('count only the valid row as importable', () => expect(report.imported).toEqual({ ksb: 1, pks: 0 }));

    it('write nothing on the real run but the valid rows', async () => {
      const before = await app.eventCount();
      const rows = [bad({ 'Nomor KSB Pihak Kedua': 'B/1' }), bad({ 'Pihak Kedua': 'Bandung', 'Nomor KSB Pihak Kedua': 'B/2' })];
      const { body } = await upload(jabarCoordinator, csvOf(rows), 'campuran.csv').expect(200);
      expect(body.imported).toEqual({ ksb: 1, pks: 0 });
      expect(body.problems.map((p: { row: number }) => p.row)).toEqual([3]);
      expect(await app.eventCount()).toBe(before + 1);
    });

    it('list the first 1,000 problems of a file full of them and count the rest', async () => {
      const rows = Array.from({ length: 1_200 }, (_, i) => bad({ Judul: '', 'Nomor KSB Pihak Kedua': `C/${i}` }));
      const { body } = await upload(jabarCoordinator, csvOf(rows), 'judul-kosong.csv', '?dryRun=true').expect(200);
      expect(body).toMatchObject({ rows: 1_200, rowsWithProblems: 1_200, problemsLeftOut: 200 });
      expect(body.problems).toHaveLength(1_000);
      expect(body.problems[999]).toMatchObject({ row: 1_001, column: 'Judul', rule: 'Required' });
    });
  });

  describe('files that are not a register', () => {
    const refused = async (content: Buffer, fileName: string, status: number, rule: string) => {
      const before = await app.eventCount();
      const { body } = await upload(jabarCoordinator, content, fileName).expect(status);
      expect(body.rule).toBe(rule);
      expect(body.message).toMatch(/[A-Za-z]/);
      expect(await app.eventCount()).toBe(before);
    };

    it('refuses a PDF, an empty file, a file without the template header, and one with only the header', async () => {
      await refused(Buffer.from('%PDF-1.7\n\u0000\u0001binary'), 'laporan.pdf', 400, 'NotASpreadsheet');
      await refused(Buffer.alloc(0), 'kosong.csv', 400, 'EmptyFile');
      await refused(Buffer.from('nama;alamat\nBiro;Bandung\n'), 'lain.csv', 400, 'MissingColumns');
      await refused(csvOf([]), 'judul-saja.csv', 400, 'EmptyFile');
    });

    it('refuses a file over the limit (10 MB by default), saying so', async () => {
      await refused(Buffer.alloc(10 * 1024 * 1024 + 1, 'a'), 'besar.csv', 413, 'FileTooLarge');
    });

    it('refuses a sheet with formulas, even one far below valid rows: nothing of it is written', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Kerja Sama');
      sheet.addRow(HEADER);
      // The file is read once, row by row: the formula in its last row is found before the first row is written.
      for (let i = 0; i < 200; i++) {
        sheet.addRow(HEADER.map((h) => (h.startsWith('Nomor KSB') ? `${sukamaraKsb[h]}-${i}` : sukamaraKsb[h] ?? '')));
      }
      sheet.getCell('O202').value = { formula: 'DATE(2029,2,5)', result: new Date('2029-02-05') } as ExcelJS.CellFormulaValue;
      await refused(Buffer.from(await workbook.xlsx.writeBuffer()), 'rumus.xlsx', 400, 'FormulasNotAllowed');
      const { body } = await upload(jabarCoordinator, Buffer.from(await workbook.xlsx.writeBuffer()), 'rumus.xlsx').expect(400);
      expect(body.message).toContain('Baris 202');
    });
  });

  describe('who may import', () => {
    const file = () => csvOf([sukamaraKsb]);

    it('refuses dinas officers and auditors (403), and a coordinator importing for another region', async () => {
      await Promise.all([jabarDinas, auditor, bantenCoordinator].map((user) => app.tokenOf(user)));
      const before = await app.eventCount();
      await upload(jabarDinas, file(), 'a.csv').expect(403);
      await upload(auditor, file(), 'a.csv').expect(403);
      await upload(bantenCoordinator, file(), 'a.csv', `?region=${JABAR}`).expect(403);
      const { body } = await upload(bantenCoordinator, file(), 'a.csv').expect(200);
      expect(body.problems.map((p: { rule: string }) => p.rule)).toEqual(['RegionNotAParty']);
      expect(await app.eventCount()).toBe(before);
    });
  });

  describe('the template', () => {
    it('downloads as XLSX and CSV, and imports as it is (the example numbers are marked)', async () => {
      const xlsx = await request(app.url).get('/imports/template').buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      const csv = await app.as(jabarCoordinator).get('/imports/template?format=csv').expect(200);
      expect(csv.text).toContain('Nomor KSB Pihak Pertama');
      const { body } = await upload(jabarCoordinator, xlsx.body as Buffer, 'templat.xlsx', '?dryRun=true').expect(200);
      expect(body).toMatchObject({ rows: 2, imported: { ksb: 1, pks: 1 }, problems: [] });
    });
  });
});
