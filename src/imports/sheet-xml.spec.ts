import { SheetXmlReader, sharedStringsOf } from './sheet-xml';

const SHARED = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>Jenis</t></si>
<si><r><rPr><b/></rPr><t>Kab. </t></r><r><t xml:space="preserve">Sukamara &amp; sekitarnya</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>
<si><t/></si>
</sst>`;

const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1" spans="1:4"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="s"><x:v>1</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>Kerja sama &lt;lama&gt; &#8211; &#x41;</x:t></x:is></x:c><x:c r="B3"><x:v>46057</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c r="AA3" t="s"><x:v>2</x:v></x:c></x:row>
<x:row r="4"/>
</x:sheetData></x:worksheet>`;

const rowsOf = (chunks: Buffer[]) => {
  const reader = new SheetXmlReader(sharedStringsOf(SHARED));
  return chunks.flatMap((chunk) => reader.take(chunk));
};

describe('a worksheet read as it is inflated', () => {
  const expected = [
    { row: 1, values: ['Jenis', '', 'Kab. Sukamara & sekitarnya'] },
    { row: 3, values: ['Kerja sama <lama> – A', '46057', 'true', ...Array(23).fill(''), ''] },
    { row: 4, values: [] },
  ];

  it('gives each row its cells by column: shared and inline strings, numbers, booleans, entities, prefixed elements', () => {
    expect(rowsOf([Buffer.from(SHEET)])).toEqual(expected);
  });

  it('reads the same wherever the chunks are cut, even inside a tag or a multi-byte character', () => {
    const bytes = Buffer.from(SHEET);
    for (const size of [1, 7, 64]) {
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      expect(rowsOf(chunks)).toEqual(expected);
    }
  });

  it('reads CDATA, comments, processing instructions and single-quoted attributes holding ">", wherever the chunks are cut', () => {
    const sheet = Buffer.from(
      `<?xml version="1.0"?><worksheet><sheetData><!-- dibuat <oleh> aplikasi --><row r='2' x="a>b"><c r='B2' t='inlineStr'><is><t><![CDATA[A & <B>]]> &amp; C</t></is></c>` +
        `<?pi data?><c r="C2"><v>7</v></c></row></sheetData></worksheet>`,
    );
    for (const size of [1, 5, sheet.length]) {
      const reader = new SheetXmlReader([]);
      const chunks = Array.from({ length: Math.ceil(sheet.length / size) }, (_, i) => sheet.subarray(i * size, (i + 1) * size));
      expect(chunks.flatMap((chunk) => reader.take(chunk))).toEqual([{ row: 2, values: ['', 'A & <B> & C', '7'] }]);
    }
  });

  it('reads a sheet whose drop-down list (a data validation, as templates have) names its range in a formula of its own', () => {
    const sheet = Buffer.from(
      '<worksheet xmlns:x14="x14" xmlns:xm="xm"><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>KSB</t></is></c></row></sheetData>' +
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1"><x14:dataValidation type="list">' +
        '<x14:formula1><xm:f>Daftar!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>A2:A100</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>',
    );
    const reader = new SheetXmlReader([]);
    expect(reader.take(sheet)).toEqual([{ row: 2, values: ['KSB'] }]);
    expect(() => reader.end()).not.toThrow();
    expect(() => new SheetXmlReader([]).take(Buffer.from('<worksheet><sheetData><row r="5"><c r="A5"><f>TODAY()</f><v>1</v></c></row>'))).toThrow(/formula in row 5/);
  });

  it('refuses what is not well-formed: a tag closed out of order, an undeclared entity, a bare &, a document type', () => {
    const read = (xml: string) => () => new SheetXmlReader([]).take(Buffer.from(xml));
    expect(read('<worksheet><sheetData><row r="1"><c><v>1</v></row></c></sheetData>')).toThrow(/closes no open element/);
    expect(read('<worksheet><row r="1"><c t="inlineStr"><is><t>&nbsp;</t></is></c></row></worksheet>')).toThrow(/undeclared entity/);
    expect(read('<worksheet><row r="1"><c t="inlineStr"><is><t>A & B</t></is></c></row></worksheet>')).toThrow(/begins no reference/);
    expect(read('<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet/>')).toThrow(/document type/);
    expect(read('<worksheet><row r="1" <c/></row></worksheet>')).toThrow(/not well-formed/);
    const cut = new SheetXmlReader([]);
    expect(cut.take(Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c></row><row r="2'))).toHaveLength(1);
    expect(() => cut.end()).toThrow(/ends inside/);
  });

  it('reads a workbook without a shared strings table, as one whose strings are all inline', () => {
    expect(sharedStringsOf('')).toEqual([]);
  });

  it('leaves phonetic runs out of shared strings', () => {
    expect(sharedStringsOf(SHARED)).toEqual(['Jenis', 'Kab. Sukamara & sekitarnya', '']);
  });
});
