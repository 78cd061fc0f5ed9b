import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

export interface SheetRow {
  row: number;
  values: string[];
}

/**
 * The rows of a worksheet's XML (SpreadsheetML, ECMA-376 part 1 §18.3), read as it is inflated. Of the sheet it keeps
 * what values are made of: `row`, `c` (its `r` and `t`), `v`, and the text runs `t` of an inline string (`is`),
 * phonetic runs (`rPh`) left out; element prefixes (`x:row`) are allowed. Styles are not read: a date cell comes as
 * its serial number, which the date columns read. Formulas are refused before reading (see spreadsheet.ts); one met
 * here is an error.
 *
 * A sheet is the bulk of an import's reading: it is scanned from tag to tag (indexOf, and one sticky expression for a
 * tag with attributes) rather than character by character, 1.5 times as fast as saxes (the streaming parser exceljs
 * reads with, still used for the small shared strings table) on a sheet of 10,000 rows, with what a worksheet may
 * hold read as XML reads it: character and entity references, CDATA, comments and processing instructions, and tags
 * that must close in the order they opened (a damaged sheet is refused, not guessed at).
 */
export class SheetXmlReader {
  private readonly decoder = new StringDecoder('utf8');
  private readonly completed: SheetRow[] = [];
  /** What a chunk ended in the middle of (a tag, a reference), read with the next chunk. */
  private pending = '';
  /** The elements open, by their names as written. */
  private readonly open: string[] = [];
  private element = '';
  private rowNumber = 0;
  private values: string[] = [];
  private column = -1;
  private type = '';
  private raw = '';
  private inline = '';
  private phonetic = 0;
  private inCell = false;

  constructor(private readonly sharedStrings: readonly string[]) {}

  /** The rows completed by this chunk of the sheet's bytes. */
  take(chunk: Buffer): SheetRow[] {
    const text = this.pending + this.decoder.write(chunk);
    this.pending = text.slice(this.scan(text));
    return this.completed.splice(0);
  }

  /** The end of the sheet: an element left open, or markup cut, is a damaged sheet. */
  end(): void {
    const rest = this.pending + this.decoder.end();
    if (rest.trim() !== '' || this.open.length > 0) throw new Error(`the worksheet ends inside <${this.open.at(-1) ?? rest.slice(0, 40)}>`);
  }

  /** Reads `text` as far as it is whole; returns where what is left (a cut tag or reference) begins. */
  private scan(text: string): number {
    let at = 0;
    while (at < text.length) {
      const lt = text.indexOf('<', at);
      const textEnd = lt < 0 ? text.length : lt;
      if (textEnd > at) {
        // A reference cut at the chunk's end is read whole with the next one.
        const cut = lt < 0 ? cutReference(text, at) : -1;
        this.characters(text.slice(at, cut < 0 ? textEnd : cut));
        if (cut >= 0) return cut;
      }
      if (lt < 0) return text.length;
      const next = this.markup(text, lt);
      if (next < 0) return lt;
      at = next;
    }
    return at;
  }

  /** The markup at `lt`: returns where it ends, or -1 when the text ends before it does. */
  private markup(text: string, lt: number): number {
    const second = text.charCodeAt(lt + 1);
    if (second === 0x3f /* ? */) return endOf(text, '?>', lt);
    if (second === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) return endOf(text, '-->', lt);
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end < 0) return -1;
        this.text(text.slice(lt + 9, end));
        return end + 3;
      }
      if (text.length - lt < 9) return -1;
      throw new Error('a document type declaration in a worksheet');
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) return -1;
    if (second === 0x2f /* / */) {
      const name = text.slice(lt + 2, gt).trimEnd();
      if (!NAME.test(name)) return incomplete(text, lt);
      if (this.open.pop() !== name) throw new Error(`</${name}> closes no open element`);
      this.closed(localName(name));
      return gt + 1;
    }
    // Most tags of a sheet have no attributes (`<v>`, `<is>`, `<t>`): their name is all there is to read.
    const bare = text.slice(lt + 1, gt);
    if (NAME.test(bare)) {
      this.opened(localName(bare), '');
      this.open.push(bare);
      return gt + 1;
    }
    OPEN_TAG.lastIndex = lt;
    const match = OPEN_TAG.exec(text);
    if (!match) return incomplete(text, lt);
    const [, name, attributes, empty] = match;
    const local = localName(name);
    this.opened(local, attributes);
    if (empty) this.closed(local);
    else this.open.push(name);
    return OPEN_TAG.lastIndex;
  }

  private characters(raw: string): void {
    if (this.phonetic > 0 || (this.element !== 'v' && this.element !== 't')) return;
    this.text(raw.includes('&') ? decodeReferences(raw) : raw);
  }

  private text(value: string): void {
    if (this.phonetic > 0) return;
    if (this.element === 'v') this.raw += value;
    else if (this.element === 't') this.inline += value;
  }

  private opened(name: string, attributes: string): void {
    switch (name) {
      case 'row': {
        const r = attributeOf(attributes, 'r');
        this.rowNumber = r ? Number(r) : this.rowNumber + 1;
        this.values = [];
        this.column = -1;
        return;
      }
      case 'c': {
        const r = attributeOf(attributes, 'r');
        this.column = r ? columnIndexOf(r) : this.column + 1;
        this.type = attributeOf(attributes, 't') ?? 'n';
        this.raw = '';
        this.inline = '';
        this.inCell = true;
        return;
      }
      case 'rPh':
        this.phonetic++;
        return;
      case 'f':
        // A cell's formula; an `f` elsewhere (a data validation's list, `<xm:f>` in `extLst`) computes no value.
        if (this.inCell) throw new Error(`a formula in row ${this.rowNumber}, past the archive check`);
    }
    this.element = name;
  }

  private closed(name: string): void {
    this.element = '';
    if (name === 'rPh') this.phonetic--;
    else if (name === 'c') {
      this.values[this.column] = this.cellValue();
      this.inCell = false;
    }
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

/** A start tag or an empty-element tag, its attributes (quoted values may hold `>`) and its closing `/`. */
const OPEN_TAG = /<([^\s/>"'=<]+)((?:\s+[^\s/>"'=<]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const NAME = /^[^\s/>"'=<]+$/;
const ATTRIBUTE = /\s([^\s/>"'=<]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** An attribute's value, its references read; undefined when the tag has none by that (unprefixed) name. */
function attributeOf(attributes: string, name: string): string | undefined {
  const value = rawAttributeOf(attributes, name);
  return value?.includes('&') ? decodeReferences(value) : value;
}

function rawAttributeOf(attributes: string, name: string): string | undefined {
  // As a spreadsheet writes it (` r="A1"`), found directly; every other spelling by the full expression (a single-quoted
  // value could hold such text).
  const plain = attributes.includes("'") ? -1 : attributes.indexOf(` ${name}="`);
  if (plain >= 0) {
    const from = plain + name.length + 3;
    return attributes.slice(from, attributes.indexOf('"', from));
  }
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(attributes); match; match = ATTRIBUTE.exec(attributes)) {
    if (match[1] === name) return match[2] ?? match[3];
  }
  return undefined;
}

/** Where the markup that began at `start` ends (past `close`), or -1 when the text ends first. */
function endOf(text: string, close: string, start: number): number {
  const end = text.indexOf(close, start + 2);
  return end < 0 ? -1 : end + close.length;
}

/**
 * A tag its expression does not read: cut by the chunk's end (-1, read with the next: no `>` outside quotes yet), or
 * not a tag at all.
 */
function incomplete(text: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') throw new Error(`markup that is not well-formed: ${text.slice(lt, i + 1).slice(0, 80)}`);
  }
  return -1;
}

/** Where a reference cut at the end of the text begins (an `&` with no `;` after it), or -1. */
function cutReference(text: string, from: number): number {
  const amp = text.lastIndexOf('&');
  return amp >= from && text.indexOf(';', amp) < 0 ? amp : -1;
}

const NAMED_REFERENCES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Character and entity references, as XML reads them; every other entity is an error (a worksheet declares none). */
function decodeReferences(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, reference: string | undefined) => {
    if (reference === undefined) throw new Error('an & that begins no reference');
    if (reference.startsWith('#x')) return String.fromCodePoint(parseInt(reference.slice(2), 16));
    if (reference.startsWith('#')) return String.fromCodePoint(Number(reference.slice(1)));
    const named = NAMED_REFERENCES[reference];
    if (named === undefined) throw new Error(`an undeclared entity: ${whole}`);
    return named;
  });
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
