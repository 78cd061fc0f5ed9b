import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { docxFile, odtFile, pdfFile, pngFile, xlsxFile } from '../../test/support/document-files';
import { acceptedTypeOf, SizeLimit, TypeCheck } from './document-intake';
import { DocumentTooLarge, DocumentTypeRefused } from './documents.errors';

async function through(bytes: Buffer, stage: SizeLimit | TypeCheck): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([bytes]), stage, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return Buffer.concat(out);
}

describe('the type of a document', () => {
  it('is read from its content: PDF, PNG, JPEG, DOCX, XLSX and ODT are accepted', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(200)]);
    expect(
      await Promise.all([pdfFile('KSB'), pngFile(), jpeg, await docxFile('PKS'), await xlsxFile('laporan'), await odtFile('addendum')].map(acceptedTypeOf)),
    ).toEqual([
      'application/pdf',
      'image/png',
      'image/jpeg',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.oasis.opendocument.text',
    ]);
  });

  it('is refused when the content is anything else, whatever it is called', async () => {
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary');

    await expect(through(html, new TypeCheck())).rejects.toBeInstanceOf(DocumentTypeRefused);
    await expect(through(gif, new TypeCheck())).rejects.toBeInstanceOf(DocumentTypeRefused);
    await expect(through(Buffer.alloc(0), new TypeCheck())).rejects.toBeInstanceOf(DocumentTypeRefused);
  });

  it('passes every byte on once known, and says the type', async () => {
    const pdf = pdfFile('KSB Banten–Bengkulu', 200_000);
    const check = new TypeCheck();

    expect(await through(pdf, check)).toEqual(pdf);
    expect(await check.mediaType).toBe('application/pdf');
  });
});

describe('the size of a document', () => {
  it('may reach the limit, and not one byte more', async () => {
    const pdf = pdfFile('x', 1000);

    expect(await through(pdf, new SizeLimit(pdf.length))).toEqual(pdf);
    await expect(through(pdf, new SizeLimit(pdf.length - 1))).rejects.toBeInstanceOf(DocumentTooLarge);
  });
});
