import yazl from 'yazl';
import { checkContent, ImportFileRejected, readRows, type SpreadsheetLimits, spreadsheetFormatOf } from './spreadsheet';

/** The whole check, as a reading makes it: the format at once, then the content. */
async function checkSpreadsheet(content: Buffer, limits: SpreadsheetLimits) {
  const format = spreadsheetFormatOf(content, limits);
  return { format, rowsEstimate: await checkContent(content, format, limits) };
}

const zipOf = (entries: Record<string, Buffer>): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(entries)) zip.addBuffer(content, name);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });

const ruleOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof ImportFileRejected ? error.rule : String(error)),
  );

const limits = { maxBytes: 1024 * 1024, maxExpandedBytes: 4 * 1024 * 1024 };

describe('a file offered for import', () => {
  it('is an XLSX when it is a zip holding a workbook, and a CSV when it is UTF-8 text', async () => {
    expect(await checkSpreadsheet(await zipOf({ 'xl/workbook.xml': Buffer.from('<workbook/>') }), limits)).toEqual({ format: 'xlsx', rowsEstimate: 0 });
    expect(await checkSpreadsheet(Buffer.from('\uFEFFJenis;Judul\nKSB;Kerja sama\nPKS;Lain\n'), limits)).toEqual({ format: 'csv', rowsEstimate: 2 });
  });

  it('counts the rows of the first worksheet, and finds a formula and its row wherever the inflated chunks cut the tags', async () => {
    const rows = (n: number, formulaAt?: number) =>
      Buffer.from(
        `<worksheet><sheetData>${Array.from({ length: n }, (_, i) => `<row r="${i + 1}" spans="1:2"><c r="A${i + 1}" t="inlineStr"><is><t>${'x'.repeat(i % 700)}</t></is></c>${i + 1 === formulaAt ? `<c r="B${i + 1}"><f>TODAY()</f><v>1</v></c>` : ''}</row>`).join('')}</sheetData></worksheet>`,
      );
    const workbook = (sheet: Buffer) => zipOf({ 'xl/workbook.xml': Buffer.from('<workbook/>'), 'xl/worksheets/sheet1.xml': sheet });
    expect(await checkSpreadsheet(await workbook(rows(3000)), limits)).toEqual({ format: 'xlsx', rowsEstimate: 2999 });
    for (const at of [2, 1234, 3000]) {
      const error = await checkSpreadsheet(await workbook(rows(3000, at)), limits).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportFileRejected);
      expect((error as ImportFileRejected).rule).toBe('FormulasNotAllowed');
      expect((error as ImportFileRejected).message).toContain(`Baris ${at} `);
    }
  });

  it('is refused when it expands far beyond its size (a zip bomb), before the workbook is read', async () => {
    const bomb = await zipOf({ 'xl/workbook.xml': Buffer.from('<workbook/>'), 'xl/worksheets/sheet1.xml': Buffer.alloc(8 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    expect(await ruleOf(checkSpreadsheet(bomb, limits))).toBe('ArchiveTooLarge');
  });

  it('is refused as a zip bomb by its reading too, which may begin while the check runs', async () => {
    const cell = `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>${'x'.repeat(8 * 1024 * 1024)}</t></is></c></row></sheetData></worksheet>`;
    const bomb = await zipOf({ 'xl/workbook.xml': Buffer.from('<workbook/>'), 'xl/worksheets/sheet1.xml': Buffer.from(cell) });
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    const rows = async () => {
      for await (const row of readRows(bomb, 'xlsx', limits)) void row;
    };
    expect(await ruleOf(rows())).toBe('ArchiveTooLarge');
  });

  it('is refused as a damaged workbook when its sheet is not well-formed XML', async () => {
    const damaged = await zipOf({ 'xl/workbook.xml': Buffer.from('<workbook/>'), 'xl/worksheets/sheet1.xml': Buffer.from('<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>Jenis</t></is></c></row><row r="2"></c></sheetData>') });
    const rows = async () => {
      for await (const row of readRows(damaged, 'xlsx')) void row;
    };
    expect(await ruleOf(rows())).toBe('NotASpreadsheet');
  });

  it('is refused when it is a zip of something else, binary, empty or over the limit', async () => {
    expect(await ruleOf(checkSpreadsheet(await zipOf({ 'word/document.xml': Buffer.from('<w/>') }), limits))).toBe('NotASpreadsheet');
    expect(await ruleOf(checkSpreadsheet(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]), limits))).toBe('NotASpreadsheet');
    expect(await ruleOf(checkSpreadsheet(Buffer.from([0xc3, 0x28]), limits))).toBe('NotASpreadsheet');
    expect(await ruleOf(checkSpreadsheet(Buffer.alloc(0), limits))).toBe('EmptyFile');
    expect(await ruleOf(checkSpreadsheet(Buffer.alloc(limits.maxBytes + 1, 'a'), limits))).toBe('FileTooLarge');
  });
});
