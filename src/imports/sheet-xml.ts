import { StringDecoder } from 'node:string_decoder';

/**
 * The rows of a worksheet's XML (SpreadsheetML, ECMA-376 part 1 §18.3), read as it is inflated. It knows the few
 * elements a sheet's values are made of: `row`, `c` (its `r` and `t`), `v`, and the text runs `t` of an inline
 * string (`is`), skipping phonetic runs (`rPh`); element prefixes (`x:row`) are allowed. Styles are not read: a
 * date cell comes as its serial number, which the date columns read. Formulas are refused before reading (see
 * spreadsheet.ts); one met here is an error.
 */
export class SheetXmlReader {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private element = '';
  private rowNumber = 0;
  private values: string[] = [];
  private column = -1;
  private type = '';
  private raw = '';
  private inline = '';
  private phonetic = 0;

  constructor(private readonly sharedStrings: readonly string[]) {}

  /** The rows completed by this chunk of the sheet's bytes. */
  take(chunk: Buffer): { row: number; values: string[] }[] {
    const rows: { row: number; values: string[] }[] = [];
    const text = this.pending + this.decoder.write(chunk);
    let at = 0;
    for (;;) {
      const open = text.indexOf('<', at);
      if (open < 0) break;
      const close = text.indexOf('>', open);
      if (close < 0) break;
      if (open > at) this.text(text.slice(at, open));
      const row = this.tag(text, open + 1, close);
      if (row) rows.push(row);
      at = close + 1;
    }
    this.pending = text.slice(at);
    return rows;
  }

  private text(value: string): void {
    if (this.phonetic > 0) return;
    if (this.element === 'v') this.raw += value;
    else if (this.element === 't') this.inline += value;
  }

  private tag(text: string, from: number, to: number): { row: number; values: string[] } | undefined {
    const first = text.charCodeAt(from);
    if (first === 0x3f || first === 0x21) return undefined; // <?xml …?>, <!-- … -->
    const closing = first === 0x2f;
    const selfClosing = text.charCodeAt(to - 1) === 0x2f;
    let end = from + (closing ? 1 : 0);
    while (end < to && !isNameEnd(text.charCodeAt(end))) end++;
    const qualified = text.slice(from + (closing ? 1 : 0), end);
    const name = qualified.slice(qualified.indexOf(':') + 1);
    if (closing) return this.closed(name);
    switch (name) {
      case 'row': {
        const r = attribute(text, end, to, R);
        this.rowNumber = r ? Number(r) : this.rowNumber + 1;
        this.values = [];
        this.column = -1;
        return selfClosing ? this.closed('row') : undefined;
      }
      case 'c': {
        const r = attribute(text, end, to, R);
        this.column = r ? columnIndexOf(r) : this.column + 1;
        this.type = attribute(text, end, to, T) ?? 'n';
        this.raw = '';
        this.inline = '';
        return selfClosing ? this.closed('c') : undefined;
      }
      case 'rPh':
        if (!selfClosing) this.phonetic++;
        return undefined;
      case 'f':
        throw new Error(`a formula in row ${this.rowNumber}, past the archive check`);
      default:
        if (!selfClosing) this.element = name;
        return undefined;
    }
  }

  private closed(name: string): { row: number; values: string[] } | undefined {
    this.element = '';
    if (name === 'rPh') this.phonetic--;
    else if (name === 'c') this.values[this.column] = this.cellValue();
    else if (name === 'row') return { row: this.rowNumber, values: Array.from(this.values, (value) => value ?? '') };
    return undefined;
  }

  private cellValue(): string {
    switch (this.type) {
      case 's':
        return this.sharedStrings[Number(this.raw)] ?? '';
      case 'inlineStr':
        return decodeEntities(this.inline);
      case 'b':
        return this.raw === '1' ? 'true' : 'false';
      case 'n':
        return this.raw === '' ? '' : String(Number(this.raw));
      default:
        return decodeEntities(this.raw);
    }
  }
}

/** The shared strings table (`xl/sharedStrings.xml`): each `si`'s text runs, phonetic runs aside. */
export function sharedStringsOf(xml: string): string[] {
  const strings: string[] = [];
  for (const item of xml.split(/<(?:\w+:)?si[\s>]/).slice(1)) {
    const runs = item.replace(/<(?:\w+:)?rPh[\s>][\s\S]*?<\/(?:\w+:)?rPh>/g, '');
    let text = '';
    for (const match of runs.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>/g)) text += match[1];
    strings.push(decodeEntities(text));
  }
  return strings;
}

const isNameEnd = (code: number): boolean => code === 0x20 || code === 0x2f || code === 0x3e || code === 0x09 || code === 0x0a || code === 0x0d;

const R = /\sr="([^"]*)"/;
const T = /\st="([^"]*)"/;

function attribute(text: string, from: number, to: number, pattern: RegExp): string | undefined {
  const match = pattern.exec(text.slice(from, to));
  return match ? decodeEntities(match[1]) : undefined;
}

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

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) =>
    entity[0] === '#' ? String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1))) : ENTITIES[entity],
  );
}
