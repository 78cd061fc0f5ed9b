import PDFDocument from 'pdfkit';
import type { ReportTable, SemesterReport } from '../domain/semester-report';

/** PDF's standard Helvetica, which every reader has: no font file to ship or load. */
const FONT = { normal: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique' } as const;
const MARGIN = { top: 28, left: 28, right: 28, bottom: 44 };
const TEXT_SIZE = 7.5;
const HEADING_SIZE = 12;
const TITLE_SIZE = 9;
const FOOTER_SIZE = 6;
const PAGE_NUMBER_SIZE = 7;
const PAGE_NUMBER_WIDTH = 90;
const SIGNATURE_WIDTH = 260;
/** Space between a cell's border and its text. */
const PAD = { x: 4, y: 2 };
const BORDER_WIDTH = 0.5;
const HEADER_FILL = '#e8edf3';

type Doc = PDFKit.PDFDocument;
type Font = (typeof FONT)[keyof typeof FONT];

/**
 * Widths of words in one font and size, each measured once: a report repeats the same words (region names, months,
 * statuses) thousands of times, and pdfkit measures a string glyph by glyph with its kerning pairs.
 */
class WordWidths {
  private readonly known = new Map<string, number>();

  constructor(private readonly doc: Doc) {}

  of(word: string): number {
    let width = this.known.get(word);
    if (width === undefined) this.known.set(word, (width = this.doc.widthOfString(word)));
    return width;
  }
}

/** The longest start of a word that fits the width (at least one character, so that every line moves on). */
function fittingPrefix(widths: WordWidths, word: string, width: number): number {
  let used = 0;
  for (let i = 0; i < word.length; i++) {
    used += widths.of(word[i]);
    if (used > width) return Math.max(1, i);
  }
  return word.length;
}

/**
 * Text broken into the lines that fit a width in the font the widths are of: at spaces, and inside a word only when
 * the word alone is wider than the column. A line is measured as the sum of its words and spaces, which is never
 * less than the width pdfkit draws it at (Helvetica kerns only closer).
 */
function wrap(widths: WordWidths, text: string, width: number): string[] {
  const lines: string[] = [];
  const space = widths.of(' ');
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      if (word === '') continue;
      const wordWidth = widths.of(word);
      if (line !== '' && lineWidth + space + wordWidth <= width) {
        line += ` ${word}`;
        lineWidth += space + wordWidth;
        continue;
      }
      if (line !== '') lines.push(line);
      let rest = word;
      let restWidth = wordWidth;
      while (restWidth > width && rest.length > 1) {
        const cut = fittingPrefix(widths, rest, width);
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
        restWidth = widths.of(rest);
      }
      line = rest;
      lineWidth = restWidth;
    }
    lines.push(line);
  }
  return lines;
}

/** The report laid out top to bottom on landscape A4 pages, a new page whenever the next piece does not fit. */
class ReportLayout {
  readonly doc: Doc;
  private y = MARGIN.top;
  private readonly left = MARGIN.left;
  private readonly right: number;
  private readonly bottom: number;
  private readonly fonts = new Map<string, WordWidths>();

  constructor(report: SemesterReport) {
    this.doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margins: MARGIN,
      bufferPages: true,
      info: { Title: report.heading.join(' '), Producer: 'Sinergi', Creator: 'Sinergi' },
    });
    this.right = this.doc.page.width - MARGIN.right;
    this.bottom = this.doc.page.height - MARGIN.bottom;
  }

  private get width(): number {
    return this.right - this.left;
  }

  /** Writes in this font from now on; its word widths. */
  private use(font: Font, size: number): WordWidths {
    this.doc.font(font).fontSize(size);
    const key = `${font} ${size}`;
    let widths = this.fonts.get(key);
    if (!widths) this.fonts.set(key, (widths = new WordWidths(this.doc)));
    return widths;
  }

  /** The height of a line in the font in use, with its gap. */
  private get lineHeight(): number {
    return this.doc.currentLineHeight(true);
  }

  private newPage(): void {
    this.doc.addPage();
    this.y = MARGIN.top;
  }

  /** Starts a new page unless `height` still fits on this one. */
  private keep(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  /** Lines in the font in use at x, from the current height down. */
  private lines(lines: readonly string[], x: number): void {
    const lineHeight = this.lineHeight;
    for (const line of lines) {
      this.doc.text(line, x, this.y, { lineBreak: false });
      this.y += lineHeight;
    }
  }

  heading(lines: readonly string[]): void {
    const widths = this.use(FONT.bold, HEADING_SIZE);
    for (const line of lines.flatMap((l) => wrap(widths, l, this.width))) {
      this.doc.text(line, this.left + (this.width - widths.of(line)) / 2, this.y, { lineBreak: false });
      this.y += this.lineHeight;
    }
  }

  details(details: readonly (readonly [string, string])[]): void {
    const widths = this.use(FONT.normal, TEXT_SIZE);
    const labelWidth = Math.max(...details.map(([label]) => widths.of(label))) + 8;
    this.y += 10;
    for (const [label, value] of details) {
      const valueLines = wrap(widths, `: ${value}`, this.width - labelWidth);
      this.keep(valueLines.length * this.lineHeight);
      this.doc.text(label, this.left, this.y, { lineBreak: false });
      this.lines(valueLines, this.left + labelWidth);
      this.y += 2;
    }
    this.y += 8;
  }

  /**
   * A bordered table whose header row is repeated on every page it runs onto. A row moves to the next page whole;
   * only a row taller than a whole page is cut between its lines.
   */
  table(table: ReportTable): void {
    const total = table.widths.reduce((sum, w) => sum + w, 0);
    const edges = [this.left];
    for (const w of table.widths) edges.push(edges[edges.length - 1] + (w / total) * this.width);
    const cellWidth = (i: number) => edges[i + 1] - edges[i] - 2 * PAD.x;
    const bold = this.use(FONT.bold, TEXT_SIZE);
    const header = table.columns.map((column, i) => wrap(bold, column, cellWidth(i)));
    const normal = this.use(FONT.normal, TEXT_SIZE);
    const lineHeight = this.lineHeight;
    const rows = table.rows.map((row) => row.map((cell, i) => wrap(normal, cell, cellWidth(i))));
    // A table without rows says so in one cell across its width.
    const empty = rows.length === 0;
    if (empty) rows.push([wrap(this.use(FONT.italic, TEXT_SIZE), 'Tidak ada data.', this.width - 2 * PAD.x)]);
    const lineCount = (cells: string[][]) => Math.max(...cells.map((cell) => cell.length));
    const headerHeight = lineCount(header) * lineHeight + 2 * PAD.y;

    const titleLines = wrap(this.use(FONT.bold, TITLE_SIZE), table.title, this.width);
    const titleHeight = 6 + titleLines.length * this.lineHeight + 4;
    // The title stays with the header and the first row.
    const firstRowHeight = lineCount(rows[0]) * lineHeight + 2 * PAD.y;
    this.keep(titleHeight + headerHeight + Math.min(firstRowHeight, this.bottom - MARGIN.top - titleHeight - headerHeight));
    this.y += 6;
    this.lines(titleLines, this.left);
    this.y += 4;

    const drawHeader = () => this.row(header, edges, 0, Infinity, FONT.bold, true);
    drawHeader();
    const linesPerPage = Math.floor((this.bottom - MARGIN.top - headerHeight - 2 * PAD.y) / lineHeight);
    const font = empty ? FONT.italic : FONT.normal;
    const cellEdges = empty ? [this.left, this.right] : edges;
    for (const cells of rows) {
      const count = lineCount(cells);
      for (let from = 0; from < count; ) {
        const room = Math.floor((this.bottom - this.y - 2 * PAD.y) / lineHeight);
        if (room < count - from && (room < 1 || count - from <= linesPerPage)) {
          this.newPage();
          drawHeader();
          continue;
        }
        const to = Math.min(count, from + room);
        this.row(cells, cellEdges, from, to, font, false);
        from = to;
      }
    }
    this.y += 12;
  }

  /** Lines `from` to `to` of each cell of a row, in bordered cells; the header row is shaded and closed at the top. */
  private row(cells: readonly string[][], edges: readonly number[], from: number, to: number, font: Font, header: boolean): void {
    const doc = this.doc;
    const [top, first, last] = [this.y, edges[0], edges[edges.length - 1]];
    this.use(font, TEXT_SIZE);
    const height = (Math.min(to, Math.max(...cells.map((cell) => cell.length))) - from) * this.lineHeight + 2 * PAD.y;
    const bottom = top + height;
    if (header) doc.rect(first, top, last - first, height).fill(HEADER_FILL).fillColor('black');
    cells.forEach((cell, i) => {
      this.y = top + PAD.y;
      this.lines(cell.slice(from, to), edges[i] + PAD.x);
    });
    doc.lineWidth(BORDER_WIDTH);
    if (header) doc.moveTo(first, top).lineTo(last, top);
    doc.moveTo(first, bottom).lineTo(last, bottom);
    for (const x of edges) doc.moveTo(x, top).lineTo(x, bottom);
    doc.stroke('black');
    this.y = bottom;
  }

  /** "Mengetahui" and the signatory, on the right, kept together on one page. */
  signature({ lines, nameLine }: SemesterReport['signature']): void {
    const x = this.right - SIGNATURE_WIDTH;
    const fontOf = (i: number) => (i === nameLine ? FONT.bold : FONT.normal);
    const wrapped = lines.map((line, i) => wrap(this.use(fontOf(i), TEXT_SIZE), line, SIGNATURE_WIDTH));
    this.y += 16;
    this.keep(wrapped.flat().length * this.lineHeight);
    wrapped.forEach((part, i) => {
      const widths = this.use(fontOf(i), TEXT_SIZE);
      if (i === nameLine) {
        // Underlined: a thin rule just under the baseline.
        part.forEach((line, n) => {
          const under = this.y + n * this.lineHeight + this.doc.currentLineHeight() - 0.5;
          this.doc.moveTo(x, under).lineTo(x + widths.of(line), under);
        });
        this.doc.lineWidth(0.5).stroke('black');
      }
      this.lines(part, x);
    });
  }

  /** On every page: where in the log the report comes from and its seal, and "Halaman X dari Y". */
  footers(footer: string): void {
    const { start, count } = this.doc.bufferedPageRange();
    const top = this.bottom + 8;
    for (let page = start; page < start + count; page++) {
      this.doc.switchToPage(page);
      this.y = top;
      this.lines(wrap(this.use(FONT.normal, FOOTER_SIZE), footer, this.width - PAGE_NUMBER_WIDTH), this.left);
      const number = `Halaman ${page - start + 1} dari ${count}`;
      this.doc.text(number, this.right - this.use(FONT.normal, PAGE_NUMBER_SIZE).of(number), top, { lineBreak: false });
    }
  }

  /** The finished file. */
  end(): Promise<Buffer> {
    return new Promise((done, fail) => {
      const chunks: Buffer[] = [];
      this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.doc.on('end', () => done(Buffer.concat(chunks)));
      this.doc.on('error', fail);
      this.doc.end();
    });
  }
}

/** The report on landscape A4: bordered tables, page numbers, and the log position and seal on every page. */
export function reportPdf(report: SemesterReport): Promise<Buffer> {
  const layout = new ReportLayout(report);
  layout.heading(report.heading);
  layout.details(report.details);
  for (const table of report.tables) layout.table(table);
  layout.signature(report.signature);
  layout.footers(report.footer);
  return layout.end();
}
