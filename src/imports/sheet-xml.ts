import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';

export interface SheetRow {
  row: number;
  values: string[];
}

/**
 * The rows of a worksheet's XML (SpreadsheetML, ECMA-376 part 1 §18.3), read as it is inflated, with saxes (the
 * streaming XML parser exceljs itself reads with): entities, character references and CDATA are the parser's. Of
 * the sheet it keeps what values are made of: `row`, `c` (its `r` and `t`), `v`, and the text runs `t` of an
 * inline string (`is`), phonetic runs (`rPh`) left out; element prefixes (`x:row`) are allowed. Styles are not
 * read: a date cell comes as its serial number, which the date columns read. Formulas are refused before reading
 * (see spreadsheet.ts); one met here is an error.
 */
export class SheetXmlReader {
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser = new SaxesParser();
  private readonly completed: SheetRow[] = [];
  private element = '';
  private rowNumber = 0;
  private values: string[] = [];
  private column = -1;
  private type = '';
  private raw = '';
  private inline = '';
  private phonetic = 0;

  constructor(private readonly sharedStrings: readonly string[]) {
    this.parser.on('opentag', (tag) => this.opened(localName(tag.name), tag as SaxesTagPlain));
    this.parser.on('closetag', (tag) => this.closed(localName(tag.name)));
    this.parser.on('text', (text) => this.text(text));
    this.parser.on('cdata', (text) => this.text(text));
  }

  /** The rows completed by this chunk of the sheet's bytes. */
  take(chunk: Buffer): SheetRow[] {
    this.parser.write(this.decoder.write(chunk));
    return this.completed.splice(0);
  }

  private text(value: string): void {
    if (this.phonetic > 0) return;
    if (this.element === 'v') this.raw += value;
    else if (this.element === 't') this.inline += value;
  }

  private opened(name: string, tag: SaxesTagPlain): void {
    switch (name) {
      case 'row': {
        const r = tag.attributes.r;
        this.rowNumber = r ? Number(r) : this.rowNumber + 1;
        this.values = [];
        this.column = -1;
        return;
      }
      case 'c': {
        const r = tag.attributes.r;
        this.column = r ? columnIndexOf(r) : this.column + 1;
        this.type = tag.attributes.t ?? 'n';
        this.raw = '';
        this.inline = '';
        return;
      }
      case 'rPh':
        this.phonetic++;
        return;
      case 'f':
        throw new Error(`a formula in row ${this.rowNumber}, past the archive check`);
      default:
        this.element = name;
    }
  }

  private closed(name: string): void {
    this.element = '';
    if (name === 'rPh') this.phonetic--;
    else if (name === 'c') this.values[this.column] = this.cellValue();
    else if (name === 'row') this.completed.push({ row: this.rowNumber, values: Array.from(this.values, (value) => value ?? '') });
  }

  private cellValue(): string {
    switch (this.type) {
      case 's':
        return this.sharedStrings[Number(this.raw)] ?? '';
      case 'inlineStr':
        return this.inline;
      case 'b':
        return this.raw === '1' ? 'true' : 'false';
      case 'n':
        return this.raw === '' ? '' : String(Number(this.raw));
      default:
        return this.raw;
    }
  }
}

/** The shared strings table (`xl/sharedStrings.xml`): each `si`'s text runs, phonetic runs aside. */
export function sharedStringsOf(xml: string): string[] {
  const strings: string[] = [];
  // A workbook whose strings are all inline has no table at all.
  if (xml === '') return strings;
  const parser = new SaxesParser();
  let phonetic = 0;
  let inText = false;
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'si') strings.push('');
    else if (name === 'rPh') phonetic++;
    else if (name === 't') inText = phonetic === 0 && strings.length > 0;
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (name === 'rPh') phonetic--;
    else if (name === 't') inText = false;
  });
  const text = (value: string) => {
    if (inText) strings[strings.length - 1] += value;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.write(xml).close();
  return strings;
}

const localName = (qualified: string): string => qualified.slice(qualified.indexOf(':') + 1);

/** `AB12` → 27: the column of a cell reference, from 0. */
function columnIndexOf(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 0x41 || code > 0x5a) break;
    column = column * 26 + (code - 0x40);
  }
  return column - 1;
}
