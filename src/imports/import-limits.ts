import { DEFAULT_LIMITS, type SpreadsheetLimits } from './spreadsheet';

/** How large an import may be: `SINERGI_IMPORT_MAX_MB` (default 10) for the file, 20 times that once unzipped. */
export class ImportLimits implements SpreadsheetLimits {
  constructor(
    readonly maxBytes: number,
    readonly maxExpandedBytes: number,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ImportLimits {
    const megabytes = Number(env.SINERGI_IMPORT_MAX_MB);
    if (!env.SINERGI_IMPORT_MAX_MB) return new ImportLimits(DEFAULT_LIMITS.maxBytes, DEFAULT_LIMITS.maxExpandedBytes);
    if (!Number.isFinite(megabytes) || megabytes <= 0) throw new Error('SINERGI_IMPORT_MAX_MB must be a positive number of megabytes');
    const maxBytes = Math.round(megabytes * 1024 * 1024);
    return new ImportLimits(maxBytes, maxBytes * 20);
  }
}
