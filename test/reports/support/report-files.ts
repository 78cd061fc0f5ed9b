import { execFile } from 'node:child_process';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type request from 'supertest';

/** Collects a binary answer (PDF, XLSX) whole. */
export function binary(test: request.Test): request.Test {
  return test.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

function readPdf(pdf: Buffer, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(__dirname, 'pdf-text.cjs'), ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin?.end(pdf);
  });
}

/** The text of every page of a PDF, as pdf-parse extracts it. */
export const pdfText = (pdf: Buffer): Promise<string> => readPdf(pdf, []);

/** The text of each page of a PDF, page by page. */
export const pdfPages = async (pdf: Buffer): Promise<string[]> => JSON.parse(await readPdf(pdf, ['--pages'])) as string[];

/** Each sheet of a workbook as rows of cell texts, empty cells as ''. */
export async function workbookCells(xlsx: Buffer): Promise<Map<string, string[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheets = new Map<string, string[][]>();
  workbook.eachSheet((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text);
      rows.push(cells);
    });
    sheets.set(sheet.name, rows);
  });
  return sheets;
}

/** Text without its spacing: a cell wrapped over lines in the PDF still reads as the cell. */
export const squeezed = (text: string): string => text.replace(/\s+/g, '');
