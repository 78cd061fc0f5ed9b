// The package exports one instance, whose methods live on its prototype: a namespace import would lose them.
import pdfmake = require('pdfmake');
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { ReportTable, SemesterReport } from '../domain/semester-report';

/** PDF's standard Helvetica, which every reader has: no font file to ship or load. */
const HELVETICA = { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' };
const STANDARD_FONT_NAMES = new Set(Object.values(HELVETICA));

pdfmake.setFonts({ Helvetica: HELVETICA });
// A report is made from our own data: it never fetches a URL, and reads no file but the standard fonts' metrics.
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => STANDARD_FONT_NAMES.has(path));

function table(report: ReportTable): Content[] {
  const header: TableCell[] = report.columns.map((column) => ({ text: column, style: 'columnHeader' }));
  // pdfmake writes its measurements into the arrays it is given: fresh rows keep the report's own untouched.
  const body: TableCell[][] = report.rows.length > 0 ? report.rows.map((row) => [...row]) : [[{ text: 'Tidak ada data.', colSpan: report.columns.length, italics: true }, ...report.columns.slice(1).map(() => ({ text: '' }))]];
  const total = report.widths.reduce((sum, width) => sum + width, 0);
  return [
    { text: report.title, style: 'tableTitle' },
    {
      table: { headerRows: 1, widths: report.widths.map((w) => `${((w / total) * 100).toFixed(2)}%`), body: [header, ...body] },
      margin: [0, 0, 0, 12],
    },
  ];
}

/** The report on landscape A4: bordered tables, page numbers, and the log position and seal on every page. */
export function reportPdf(report: SemesterReport): Promise<Buffer> {
  const signatureLines: Content[] = report.signature.lines.map((line, i) =>
    i === report.signature.nameLine ? { text: line, bold: true, decoration: 'underline' } : { text: line || ' ' },
  );
  const definition: TDocumentDefinitions = {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [28, 28, 28, 44],
    info: { title: report.heading.join(' '), producer: 'Sinergi', creator: 'Sinergi' },
    defaultStyle: { font: 'Helvetica', fontSize: 7.5 },
    styles: {
      heading: { fontSize: 12, bold: true, alignment: 'center' },
      tableTitle: { fontSize: 9, bold: true, margin: [0, 6, 0, 4] },
      columnHeader: { bold: true, fillColor: '#e8edf3' },
    },
    content: [
      ...report.heading.map((line): Content => ({ text: line, style: 'heading' })),
      {
        table: { widths: ['auto', '*'], body: report.details.map(([label, value]) => [{ text: label }, { text: `: ${value}` }]) },
        layout: 'noBorders',
        margin: [0, 10, 0, 8],
      },
      ...report.tables.flatMap(table),
      { columns: [{ width: '*', text: '' }, { width: 260, stack: signatureLines, unbreakable: true }], margin: [0, 16, 0, 0] },
    ],
    footer: (page: number, pages: number): Content => ({
      margin: [28, 8, 28, 0],
      columns: [
        { text: report.footer, fontSize: 6, width: '*' },
        { text: `Halaman ${page} dari ${pages}`, fontSize: 7, width: 90, alignment: 'right' },
      ],
    }),
  };
  return pdfmake.createPdf(definition).getBuffer();
}
