import type { ImportedStatus, TerminationGround } from '../agreements/domain/agreement.events';
import { type IsoDate, isIsoDate } from '../agreements/domain/dates';

const MONTHS: Record<string, number> = {
  januari: 1, jan: 1, februari: 2, pebruari: 2, feb: 2, maret: 3, mar: 3, april: 4, apr: 4, mei: 5, juni: 6, jun: 6,
  juli: 7, jul: 7, agustus: 8, agu: 8, agt: 8, ags: 8, september: 9, sep: 9, sept: 9, oktober: 10, okt: 10,
  november: 11, nov: 11, nopember: 11, desember: 12, des: 12,
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** Day 0 of Excel's dates (its 1900 date system, with the leap day 1900 never had). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A date as offices write it: `2025-10-24`, `24/10/2025` (or `24-10-2025`), `24 Oktober 2025`; or a date cell of an
 * XLSX, which holds the day's serial number (45589 is 2024-10-24).
 */
export function parseDate(text: string): IsoDate | undefined {
  const value = text.trim().toLowerCase();
  let iso: string | undefined;
  if (/^\d{5}(\.0+)?$/.test(value)) return new Date(EXCEL_EPOCH_MS + Number.parseInt(value, 10) * 86_400_000).toISOString().slice(0, 10);
  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  const worded = /^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$/.exec(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) iso = value;
  else if (numeric) iso = `${numeric[3]}-${pad(Number(numeric[2]))}-${pad(Number(numeric[1]))}`;
  else if (worded && MONTHS[worded[2]]) iso = `${worded[3]}-${pad(MONTHS[worded[2]])}-${pad(Number(worded[1]))}`;
  return iso && isIsoDate(iso) ? iso : undefined;
}

const STATUSES: Record<string, ImportedStatus> = {
  aktif: 'active', berlaku: 'active', berjalan: 'active',
  berakhir: 'expired', kedaluwarsa: 'expired', kadaluarsa: 'expired', habis: 'expired', 'habis masa berlaku': 'expired',
  diputus: 'terminated', diakhiri: 'terminated', dihentikan: 'terminated', 'diputus sebelum berakhir': 'terminated',
};

export const parseStatus = (text: string): ImportedStatus | undefined => STATUSES[text.trim().toLowerCase()];

/** The termination grounds as regional agreements word them. */
const GROUNDS: [RegExp, TerminationGround][] = [
  [/kesepakatan|disepakati|sepakat/, 'agreed-by-parties'],
  [/tujuan.*tercapai|tercapai/, 'objective-achieved'],
  [/kahar|force majeure|bencana/, 'force-majeure'],
  [/wanprestasi|pelanggaran|melanggar|tidak melaksanakan/, 'breach-by-party'],
  [/diganti|perjanjian baru|kesepakatan baru/, 'replaced-by-new-agreement'],
  [/peraturan|norma|ketentuan baru/, 'new-legal-norm'],
  [/objek|obyek/, 'object-lost'],
  [/kepentingan nasional/, 'harm-to-national-interest'],
];

export function parseGround(text: string): TerminationGround | undefined {
  const value = text.trim().toLowerCase();
  // Replacement by a new agreement is worded with "kesepakatan baru": it is tried before "kesepakatan".
  if (/diganti|perjanjian baru|kesepakatan baru/.test(value)) return 'replaced-by-new-agreement';
  return GROUNDS.find(([pattern]) => pattern.test(value))?.[1];
}

/** Several values in one cell, as offices separate them. */
export const splitList = (text: string): string[] =>
  text
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
