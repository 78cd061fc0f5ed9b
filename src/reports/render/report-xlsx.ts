import ExcelJS from 'exceljs';
import type { ReportTable, SemesterReport } from '../domain/semester-report';

const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
/**
 * One style object for every cell of a kind: exceljs recognises an object it has written before and skips comparing
 * it again, which is most of what styling twenty thousand cells costs. Never changed after.
 */
const BODY_STYLE: Partial<ExcelJS.Style> = { border: BORDER, alignment: { wrapText: true, vertical: 'top' } };
const HEADER_STYLE: Partial<ExcelJS.Style> = {
  ...BODY_STYLE,
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EDF3' } },
};

function pageSetup(sheet: ExcelJS.Worksheet, footer: string): void {
  sheet.pageSetup = { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
  // `&P` and `&N`: the page and the page count, as Excel prints them.
  sheet.headerFooter = { oddFooter: `&L&6${footer.replace(/&/g, '&&')}&R&8Halaman &P dari &N` };
}

function addTable(workbook: ExcelJS.Workbook, table: ReportTable, report: SemesterReport): void {
  const sheet = workbook.addWorksheet(table.sheet);
  pageSetup(sheet, report.footer);
  sheet.addRow([table.title]).font = { bold: true, size: 12 };
  sheet.addRow([]);
  const styled = (values: readonly string[], style: Partial<ExcelJS.Style>) => {
    const row = sheet.addRow(values);
    for (let c = 1; c <= table.columns.length; c++) row.getCell(c).style = style;
  };
  styled(table.columns, HEADER_STYLE);
  for (const row of table.rows) styled(row, BODY_STYLE);
  table.widths.forEach((width, i) => {
    sheet.getColumn(i + 1).width = Math.max(8, width * 3);
  });
  sheet.views = [{ state: 'frozen', ySplit: 3 }];
}

/** The same report as a workbook: its heading, details and signature on the first sheet, each table on a sheet of its own. */
export async function reportXlsx(report: SemesterReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Sinergi';
  workbook.title = report.heading.join(' ');
  const cover = workbook.addWorksheet('Laporan');
  pageSetup(cover, report.footer);
  for (const line of report.heading) cover.addRow([line]).font = { bold: true, size: 13 };
  cover.addRow([]);
  for (const [label, value] of report.details) cover.addRow([label, value]);
  cover.addRow([]);
  report.signature.lines.forEach((line, i) => {
    const row = cover.addRow(['', line]);
    if (i === report.signature.nameLine) row.getCell(2).font = { bold: true, underline: true };
  });
  cover.addRow([]);
  cover.addRow(['Sumber', report.footer]);
  cover.addRow(['Posisi log', report.source.position]);
  cover.addRow(['Segel', report.source.seal]);
  cover.getColumn(1).width = 28;
  cover.getColumn(2).width = 90;
  for (const table of report.tables) addTable(workbook, table, report);
  // The fastest deflate: the sheets are repetitive XML, which even level 1 shrinks to a seventh.
  return Buffer.from(await workbook.xlsx.writeBuffer({ zip: { compressionOptions: { level: 1 } } }));
}
