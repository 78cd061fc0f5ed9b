import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { parse } from 'csv-parse';
import yauzl from 'yauzl';
import { DomainError } from '../core/domain-error';
import { type ColumnKey, type RowCells, columnsOfHeader, IMPORT_COLUMNS } from './import-columns';
import { SheetXmlReader, sharedStringsOf } from './sheet-xml';

export type FileRule = 'NotASpreadsheet' | 'EmptyFile' | 'FileTooLarge' | 'FormulasNotAllowed' | 'ArchiveTooLarge' | 'MissingColumns' | 'ImportingRegionUnknown';

/**
 * A file refused as a whole: nothing of it is written. The message says, in Indonesian, what to do; the API answers
 * 413 for a file over the limit, 400 otherwise, with the rule. Free of the web framework, so that the thread that
 * reads the file (register-reading.ts) loads none of it.
 */
export class ImportFileRejected extends DomainError {
  readonly kind: 'invalid' | 'too-large';

  constructor(
    readonly rule: FileRule,
    message: string,
  ) {
    super(message, 'file');
    this.kind = rule === 'FileTooLarge' ? 'too-large' : 'invalid';
  }

  override get code(): string {
    return this.rule;
  }
}

export interface SpreadsheetLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Largest total an XLSX may expand to once unzipped, in bytes. */
  maxExpandedBytes: number;
}

export const DEFAULT_LIMITS: SpreadsheetLimits = { maxBytes: 10 * 1024 * 1024, maxExpandedBytes: 200 * 1024 * 1024 };

export interface SheetRow {
  /** The row's number as the office sees it in the spreadsheet (the header is row 1). */
  row: number;
  cells: RowCells;
}

export type SpreadsheetFormat = 'xlsx' | 'csv';

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toLocaleString('id-ID', { maximumFractionDigits: 1 })} MB`;

/**
 * What kind of spreadsheet the bytes are, checked at once (no byte of the file inflated): an XLSX (a zip holding a
 * workbook) or a CSV (UTF-8 text). Anything else, an empty file or one over the limit is refused; `checkContent`
 * then refuses a workbook that expands too far or holds a formula: all before a single row is written.
 */
export function spreadsheetFormatOf(content: Buffer, limits: SpreadsheetLimits = DEFAULT_LIMITS): SpreadsheetFormat {
  if (content.length === 0) throw new ImportFileRejected('EmptyFile', 'Berkas kosong. Unggah berkas XLSX atau CSV yang berisi baris judul kolom dan data.');
  if (content.length > limits.maxBytes) {
    throw new ImportFileRejected('FileTooLarge', `Berkas berukuran ${megabytes(content.length)}, melebihi batas ${megabytes(limits.maxBytes)}. Bagi data ke beberapa berkas.`);
  }
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  if (!isUtf8Text(content)) {
    throw new ImportFileRejected('NotASpreadsheet', 'Berkas bukan spreadsheet XLSX atau CSV (UTF-8). Simpan data dari Excel sebagai "Excel Workbook (.xlsx)" atau "CSV UTF-8".');
  }
  return 'csv';
}

/** The rest of the check, once the format is known: a workbook's archive and formulas. Returns about how many data rows. */
export async function checkContent(content: Buffer, format: SpreadsheetFormat, limits: SpreadsheetLimits = DEFAULT_LIMITS): Promise<number> {
  return format === 'xlsx' ? checkWorkbookArchive(content, limits) : Math.max(0, linesOf(content) - 1);
}

function linesOf(content: Buffer): number {
  let lines = content[content.length - 1] === 0x0a ? 0 : 1;
  for (let at = content.indexOf(0x0a); at >= 0; at = content.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

function isUtf8Text(content: Buffer): boolean {
  if (content.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return true;
  } catch {
    return false;
  }
}

/**
 * A zip that expands far beyond its size (a zip bomb) is refused before the workbook is read: every entry is
 * inflated and counted (the sizes a zip declares can lie), and reading stops at the limit. The worksheet that is
 * read (the workbook's first) is scanned on the way for formulas, and its rows are counted. Returns the count, the
 * header aside.
 */
async function checkWorkbookArchive(content: Buffer, limits: SpreadsheetLimits): Promise<number> {
  const archive = await WorkbookArchive.open(content);
  const expansion = new Expansion(limits);
  const sheetPath = await archive.firstSheetPath(expansion);
  const scan = new SheetScan();
  for (const entry of archive.entries.values()) {
    if (expansion.bytes + entry.uncompressedSize > limits.maxExpandedBytes) throw archiveTooLarge(limits);
    const scanned = entry.fileName === sheetPath;
    for await (const chunk of archive.inflate(entry)) {
      expansion.count(chunk);
      const formulaRow = scanned ? scan.take(chunk) : undefined;
      if (formulaRow !== undefined) throw formulaIn(formulaRow);
    }
    const formulaRow = scanned ? scan.end() : undefined;
    if (formulaRow !== undefined) throw formulaIn(formulaRow);
  }
  return Math.max(0, scan.rows - 1);
}

const archiveTooLarge = (limits: SpreadsheetLimits) =>
  new ImportFileRejected('ArchiveTooLarge', `Isi berkas XLSX mengembang melebihi ${megabytes(limits.maxExpandedBytes)} setelah dibuka. Periksa berkasnya, atau simpan ulang datanya sebagai CSV.`);

/** What an archive's entries have inflated to so far: past the limit, the archive is refused. */
class Expansion {
  bytes = 0;

  constructor(private readonly limits: SpreadsheetLimits) {}

  count(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxExpandedBytes) throw archiveTooLarge(this.limits);
  }
}

const INFLATE_CHUNK_BYTES = 256 * 1024;
const PIECE_BYTES = 16 * 1024;

const notAWorkbook = () => new ImportFileRejected('NotASpreadsheet', 'Berkas ZIP ini bukan buku kerja Excel (.xlsx). Unggah berkas XLSX atau CSV.');

/** An XLSX's zip, its entries by name, read from memory in any order. */
class WorkbookArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
  ) {}

  static async open(content: Buffer): Promise<WorkbookArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(content, { lazyEntries: true, autoClose: false }, (error, file) => (error || !file ? reject(notAWorkbook()) : resolve(file))),
    );
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('error', () => reject(notAWorkbook()));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.readEntry();
    });
    if (!entries.has('xl/workbook.xml')) throw notAWorkbook();
    return new WorkbookArchive(zip, entries);
  }

  /**
   * An entry's bytes, inflated in chunks of `INFLATE_CHUNK_BYTES`: a worksheet of tens of megabytes takes a tenth
   * of the round trips to zlib's thread it takes in yauzl's 16 KB chunks, and memory still follows the chunk. They
   * are handed on in pieces of `PIECE_BYTES`, on which the formula scan and the sheet's parser run several times
   * faster than on a whole chunk.
   */
  async *inflate(entry: yauzl.Entry): AsyncGenerator<Buffer> {
    if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) throw notAWorkbook();
    const raw = await this.zip.openReadStreamPromise(entry, { decodeFileData: false }).catch(() => {
      throw notAWorkbook();
    });
    const stream = entry.compressionMethod === 8 ? pipeline(raw, createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }), () => undefined) : raw;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (let at = 0; at < chunk.length; at += PIECE_BYTES) yield chunk.subarray(at, at + PIECE_BYTES);
      }
    } catch (error) {
      throw error instanceof ImportFileRejected ? error : notAWorkbook();
    } finally {
      stream.destroy();
      raw.destroy();
    }
  }

  /** A small entry's text (its bytes counted against the limit), or '' when the archive has none by that name. */
  async text(path: string, expansion: Expansion): Promise<string> {
    const entry = this.entries.get(path);
    if (!entry) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of this.inflate(entry)) {
      expansion.count(chunk);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The workbook's first sheet, as its relationships name it (ECMA-376: `sheet r:id` → `Relationship Target`). */
  async firstSheetPath(expansion: Expansion): Promise<string | undefined> {
    const id = /<(?:\w+:)?sheet\s[^>]*?\br:id="([^"]+)"/.exec(await this.text('xl/workbook.xml', expansion))?.[1];
    const relationships = await this.text('xl/_rels/workbook.xml.rels', expansion);
    const target = id && [...relationships.matchAll(/<(?:\w+:)?Relationship\s[^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes(`Id="${id}"`));
    const path = target && /\bTarget="([^"]+)"/.exec(target)?.[1];
    if (path) return path.startsWith('/') ? path.slice(1) : `xl/${path}`;
    return [...this.entries.keys()].find((name) => /^xl\/worksheets\/[^/]+\.xml$/.test(name));
  }
}

const formulaIn = (row: number) =>
  new ImportFileRejected('FormulasNotAllowed', `Baris ${row} berisi rumus. Salin kolomnya lalu tempel sebagai nilai (Paste Special → Values) sebelum mengimpor.`);

/**
 * Reads a worksheet's XML as it is inflated, for its rows (`<row r="N"`) and its formulas (`<f>`, `<f …>`): what a
 * formula computes is not a recorded fact. A tag cut between two chunks is seen whole in the next. The bytes are
 * searched as they are (only a row's tag is read as text): the check makes no text of the sheet.
 */
class SheetScan {
  private static readonly ROW_TAG = /^<row\b[^>]*?\sr="(\d+)"/;
  /** Longer than any tag looked for, so a tag cut at a chunk's end is read with the next. */
  private static readonly OVERLAP = 512;
  rows = 0;
  private row = 0;
  /** The chunk being scanned, after what the one before left unscanned (its last `OVERLAP` bytes). */
  private bytes = Buffer.allocUnsafe(PIECE_BYTES + SheetScan.OVERLAP);
  private kept = 0;

  /** The row of the first formula in the chunk, if any. */
  take(chunk: Buffer, last = false): number | undefined {
    if (this.kept + chunk.length > this.bytes.length) this.bytes = Buffer.concat([this.bytes.subarray(0, this.kept), chunk]);
    else chunk.copy(this.bytes, this.kept);
    const text = this.bytes.subarray(0, this.kept + chunk.length);
    const upTo = last ? text.length : text.length - SheetScan.OVERLAP;
    const formula = firstFormula(text, upTo);
    const rowsUpTo = formula < 0 ? upTo : formula;
    for (let at = text.indexOf('<row'); at >= 0 && at < rowsUpTo; at = text.indexOf('<row', at + 4)) {
      const tagEnd = text.indexOf('>', at);
      const number = SheetScan.ROW_TAG.exec(text.toString('latin1', at, tagEnd < 0 ? text.length : tagEnd))?.[1];
      if (number === undefined) continue;
      this.rows++;
      this.row = Number(number);
    }
    if (formula >= 0) return this.row;
    this.kept = text.copy(this.bytes, 0, Math.max(0, upTo));
    return undefined;
  }

  end(): number | undefined {
    return this.take(Buffer.alloc(0), true);
  }
}

/** Where the first formula (`<f` and then a space, `>` or `/`) begins before `upTo`, or -1. */
function firstFormula(text: Buffer, upTo: number): number {
  for (let at = text.indexOf('<f'); at >= 0 && at < upTo; at = text.indexOf('<f', at + 2)) {
    const next = text[at + 2];
    if (next === 0x3e || next === 0x2f || next === 0x20 || (next >= 0x09 && next <= 0x0d) || next === 0x85 || next === 0xa0) return at;
  }
  return -1;
}

/** The rows of the file's first sheet, with the cells of the known columns, read as a stream. */
export async function* readRows(content: Buffer, format: SpreadsheetFormat, limits: SpreadsheetLimits = DEFAULT_LIMITS): AsyncGenerator<SheetRow> {
  const raw = format === 'xlsx' ? xlsxRows(content, limits) : csvRows(content);
  let columns: (ColumnKey | undefined)[] | undefined;
  for await (const { row, values } of raw) {
    if (values.every((v) => v.trim() === '')) continue;
    if (!columns) {
      columns = columnsOfHeader(values);
      requireColumns(columns);
      continue;
    }
    const cells: RowCells = {};
    values.forEach((value, i) => {
      const key = columns?.[i];
      if (key && value.trim() !== '') cells[key] = value.trim();
    });
    yield { row, cells };
  }
  if (!columns) throw new ImportFileRejected('EmptyFile', 'Berkas tidak berisi baris apa pun. Isi baris pertama dengan judul kolom templat, lalu satu baris per KSB atau PKS.');
}

function requireColumns(columns: (ColumnKey | undefined)[]): void {
  const missing = IMPORT_COLUMNS.filter((c) => c.required && !columns.includes(c.key)).map((c) => `"${c.header}"`);
  if (missing.length === 0) return;
  throw new ImportFileRejected(
    'MissingColumns',
    `Baris pertama harus berisi judul kolom templat; tidak ditemukan: ${missing.join(', ')}. Unduh templat dan salin data ke kolom yang sesuai.`,
  );
}

interface RawRow {
  row: number;
  values: string[];
}

async function* csvRows(content: Buffer): AsyncGenerator<RawRow> {
  const parser = Readable.from([content]).pipe(
    parse({ bom: true, delimiter: delimiterOf(content), relax_column_count: true, relax_quotes: true, info: true }),
  );
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { row: record.info.lines, values: record.record };
  }
}

/** Offices save CSV from Excel with a semicolon where the comma is the decimal sign (as in Indonesia), a comma elsewhere. */
function delimiterOf(content: Buffer): ';' | ',' {
  const firstLine = content.subarray(0, 4096).toString('utf8').split(/\r?\n/)[0];
  return (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
}

/** A workbook's rows; what it inflates is counted against the limit here too, as the rows may be read while it is checked. */
async function* xlsxRows(content: Buffer, limits: SpreadsheetLimits): AsyncGenerator<RawRow> {
  const archive = await WorkbookArchive.open(content);
  const expansion = new Expansion(limits);
  const sheet = archive.entries.get((await archive.firstSheetPath(expansion)) ?? '');
  if (!sheet) return;
  // Only the first sheet holds the agreements; others (notes, lists) are left alone.
  let rows: SheetXmlReader;
  try {
    rows = new SheetXmlReader(sharedStringsOf(await archive.text('xl/sharedStrings.xml', expansion)));
    for await (const chunk of archive.inflate(sheet)) {
      expansion.count(chunk);
      yield* rows.take(chunk);
    }
    rows.end();
  } catch (error) {
    // XML the parser refuses is a damaged workbook, not a failure of ours.
    throw error instanceof ImportFileRejected ? error : notAWorkbook();
  }
}

