/** How a CSV file separates its cells and whether it starts with a byte-order mark. */
export interface CsvDialect {
  delimiter: ',' | ';';
  byteOrderMark: boolean;
}

/** RFC 4180: commas, no byte-order mark. */
export const RFC_4180: CsvDialect = { delimiter: ',', byteOrderMark: false };

/**
 * What Excel opens in columns where the decimal separator is a comma, as in Indonesia: cells split at `;`, and the
 * text read as UTF-8 only after a byte-order mark.
 */
export const EXCEL_SEMICOLON: CsvDialect = { delimiter: ';', byteOrderMark: true };

/** RFC 4180 quoting; a text that a spreadsheet would run as a formula is defused with a leading quote. */
export function csvCell(value: string | number, dialect: CsvDialect = RFC_4180): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  const mustQuote = text.includes('"') || text.includes('\r') || text.includes('\n') || text.includes(dialect.delimiter);
  return mustQuote ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, with its line break. */
export const csvLine = (cells: readonly (string | number)[], dialect: CsvDialect = RFC_4180): string =>
  `${cells.map((cell) => csvCell(cell, dialect)).join(dialect.delimiter)}\r\n`;

/** What the file starts with, before its first line. */
export const csvStart = (dialect: CsvDialect): string => (dialect.byteOrderMark ? '\uFEFF' : '');
