import { IsIn, IsOptional } from 'class-validator';
import { type CsvDialect, EXCEL_SEMICOLON, RFC_4180 } from '../core/csv';

/** The `excel` switch of a route that answers CSV. */
export class CsvDialectQuery {
  /** `1`: cells separated by `;`, with a byte-order mark, so Excel with Indonesian settings opens the file in columns. */
  @IsOptional()
  @IsIn(['0', '1'])
  excel?: '0' | '1';
}

export const csvDialectOf = (query: CsvDialectQuery): CsvDialect => (query.excel === '1' ? EXCEL_SEMICOLON : RFC_4180);
