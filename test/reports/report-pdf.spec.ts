import type { ReportTable, SemesterReport } from '../../src/reports/domain/semester-report';
import { ReportRenderThread } from '../../src/reports/render/render-thread';
import { reportPdf } from '../../src/reports/render/report-pdf';
import { pdfPages, squeezed } from './support/report-files';

const pad = (n: number) => String(n).padStart(3, '0');
const LONG_NOTE = Array.from({ length: 260 }, (_, i) => `catatan${i}`).join(' ');

/** A register long enough for several pages, one row of it taller than a whole page. */
const register: ReportTable = {
  sheet: 'Register',
  title: 'A. Daftar Panjang',
  columns: ['No', 'Judul', 'Keterangan', 'Penutup'],
  widths: [2, 10, 4, 4],
  rows: Array.from({ length: 240 }, (_, i) => [`R-${pad(i)}`, `Kesepakatan Bersama nomor ${i} tentang pelayanan publik`, i === 120 ? LONG_NOTE : 'Aktif', `akhir-${pad(i)}`]),
};
const empty: ReportTable = { sheet: 'Kosong', title: 'D. Tabel Tanpa Baris', columns: ['Jenis', 'Judul'], widths: [3, 10], rows: [] };
const recap: ReportTable = { sheet: 'Rekap', title: 'E. Rekapitulasi Singkat', columns: ['Urusan', 'Jumlah'], widths: [10, 3], rows: [['1.02 Kesehatan', '7']] };

const report: SemesterReport = {
  region: { code: '36', name: 'Banten', level: 'province' },
  year: 2026,
  semester: 1,
  asOf: '2026-06-30',
  printedOn: '2026-11-22',
  heading: ['PEMERINTAH PROVINSI BANTEN', 'LAPORAN PELAKSANAAN KERJA SAMA DAERAH', 'SEMESTER I TAHUN 2026'],
  details: [['Keadaan per', 'akhir hari 30 Juni 2026']],
  tables: [register, empty, recap],
  signature: { lines: ['22 November 2026', 'Mengetahui,', 'Kepala Biro Pemerintahan,', '', '', 'Dra. Siti Rahmawati, M.Si.', 'NIP 197003121995032001'], nameLine: 5 },
  source: { position: 81, seal: 'ab'.repeat(32) },
  footer: `Dibuat dari log peristiwa Sinergi sampai posisi 81, segel ${'ab'.repeat(32)}; periksa dengan: sinergi audit verify --at 81 --seal ${'ab'.repeat(32)}`,
};

/** The report laid out alone, read back page by page. */
describe('the semester report as a PDF', () => {
  let pdf: Buffer;
  let pages: string[];
  const pageOf = (text: string): number => pages.findIndex((page) => squeezed(page).includes(squeezed(text)));

  beforeAll(async () => {
    pdf = await reportPdf(report);
    pages = await pdfPages(pdf);
  });

  it('is landscape A4 on every page, each numbered "Halaman X dari Y" and carrying the log position and seal', () => {
    expect(pages.length).toBeGreaterThan(3);
    expect(pdf.toString('latin1').match(/\/MediaBox \[0 0 841\.89 595\.28\]/g)).toHaveLength(pages.length);
    pages.forEach((page, i) => {
      expect(page).toContain(`Halaman ${i + 1} dari ${pages.length}`);
      expect(squeezed(page)).toContain(squeezed(report.footer));
    });
  });

  it('repeats the header row on every page the table runs onto, and moves a row to the next page whole', () => {
    const header = squeezed(register.columns.join(''));
    const first = pageOf(register.rows[0][0]);
    const last = pageOf(register.rows[register.rows.length - 1][0]);
    expect(last).toBeGreaterThan(first);
    for (let page = first; page <= last; page++) expect(squeezed(pages[page])).toContain(header);
    for (const row of register.rows) {
      if (row[2] === LONG_NOTE) continue;
      expect([pageOf(row[1]), pageOf(row[3])]).toEqual([pageOf(row[0]), pageOf(row[0])]);
    }
  });

  it('cuts only a row taller than a page, between its lines, and goes on under the header on the next page', () => {
    const words = LONG_NOTE.split(' ');
    const start = pageOf(words[0]);
    const before = squeezed(pages[start]);
    const cut = words.findIndex((word) => !before.includes(word));
    expect(cut).toBeGreaterThan(0);
    expect(before).toContain(squeezed(words.slice(0, cut).join(' ')));
    expect(squeezed(pages[start + 1])).toContain(squeezed([...register.columns, ...words.slice(cut)].join(' ')));
  });

  it('keeps a title with its header and first row, says so when a table has no rows, and signs on the last page', () => {
    for (const table of [register, empty, recap]) {
      expect(pageOf(table.title)).toBe(pageOf(table.columns.join(' ')));
    }
    expect(pageOf(recap.title)).toBe(pageOf('1.02 Kesehatan'));
    expect(squeezed(pages[pageOf(empty.title)])).toContain(squeezed(`${empty.title} Jenis Judul Tidak ada data.`));
    const lastPage = pages[pages.length - 1];
    for (const line of report.signature.lines.filter(Boolean)) expect(lastPage).toContain(line);
  });

  it('starts with the heading and the details', () => {
    expect(pages[0]).toContain(`${report.heading.join('\n')}\nKeadaan per : akhir hari 30 Juni 2026`);
  });
});

/** The server lays reports out on a thread of its own, one after another, and keeps it for the next one. */
describe('the render thread', () => {
  const thread = new ReportRenderThread();
  afterAll(() => thread.onApplicationShutdown());

  it('answers a report it cannot lay out with the reason, and lays out the next report, in either format', async () => {
    const broken = { ...report, tables: null } as unknown as SemesterReport;
    await expect(thread.render(broken, 'pdf')).rejects.toThrow(/could not be laid out: TypeError/);
    const [pdf, xlsx] = await Promise.all([thread.render(report, 'pdf'), thread.render(report, 'xlsx')]);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
    expect(squeezed((await pdfPages(pdf))[0])).toContain(squeezed(report.heading.join('')));
  }, 60_000);
});
