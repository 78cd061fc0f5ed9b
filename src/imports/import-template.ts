import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, TEMPLATE_EXAMPLES } from './import-columns';

const csvCell = (value: string): string => (/[";\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The template as CSV: a byte-order mark and semicolons, as Excel opens and saves CSV on Indonesian systems; the
 * import reads commas as well.
 */
export function templateCsv(): string {
  const lines = [
    IMPORT_COLUMNS.map((c) => csvCell(c.header)).join(';'),
    ...TEMPLATE_EXAMPLES.map((example) => IMPORT_COLUMNS.map((c) => csvCell(example[c.key] ?? '')).join(';')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The template as XLSX: the agreements on the first sheet (with the examples), what each column takes on a second. */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Kerja Sama');
  sheet.columns = IMPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: Math.max(16, c.header.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const example of TEMPLATE_EXAMPLES) sheet.addRow(example);
  const guide = workbook.addWorksheet('Petunjuk');
  guide.columns = [
    { header: 'Kolom', key: 'header', width: 40 },
    { header: 'Wajib', key: 'required', width: 8 },
    { header: 'Isi', key: 'note', width: 100 },
  ];
  guide.getRow(1).font = { bold: true };
  for (const c of IMPORT_COLUMNS) guide.addRow({ header: c.header, required: c.required ? 'ya' : '', note: c.note });
  guide.addRow({});
  guide.addRow({ header: 'Satu baris untuk satu KSB atau satu PKS. Baris PKS menyebut KSB induknya dengan pihak dan nomor KSB yang sama.' });
  guide.addRow({ header: 'Nomor bertanda "(contoh)" adalah contoh ilustratif: ganti dengan nomor naskah yang sebenarnya.' });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
