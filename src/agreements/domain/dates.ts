/** Calendar dates are ISO `YYYY-MM-DD` strings: they compare as strings and carry no time zone. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checked by arithmetic (every request body with a date is): parsing a Date costs several times more. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Adds calendar months; a day that does not exist in the target month falls back to its last day. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Indonesia's three time zones, none with daylight saving: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9). A region lives in
 * the zone of its province (Permendagri codes: the part before the first dot).
 */
export interface TimeZone {
  name: 'WIB' | 'WITA' | 'WIT';
  offsetHours: 7 | 8 | 9;
  /** The IANA name, for schedulers that take one. */
  iana: 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura';
}

export const WIB: TimeZone = { name: 'WIB', offsetHours: 7, iana: 'Asia/Jakarta' };
export const WITA: TimeZone = { name: 'WITA', offsetHours: 8, iana: 'Asia/Makassar' };
export const WIT: TimeZone = { name: 'WIT', offsetHours: 9, iana: 'Asia/Jayapura' };

/**
 * The zone of a region, from its province code (Keppres 41/1987 as the provinces have since been split): WITA for
 * Bali and Nusa Tenggara (51–53), South, East and North Kalimantan (63–65) and Sulawesi (71–76); WIT for Maluku,
 * North Maluku and Papua (81, 82, 91–96); WIB for the rest (Sumatra, Java, Banten, West and Central Kalimantan).
 */
export function timeZoneOf(region: string): TimeZone {
  const province = Number(region.split('.')[0]);
  if ((province >= 51 && province <= 53) || (province >= 63 && province <= 65) || (province >= 71 && province <= 76)) return WITA;
  if (province === 81 || province === 82 || (province >= 91 && province <= 96)) return WIT;
  return WIB;
}

const HOUR_MS = 3_600_000;

/** The calendar date of an instant in a region's own time zone. */
export function dateInRegion(instant: Date | string | number, region: string): IsoDate {
  return dateInZone(instant, timeZoneOf(region));
}

/** The last date asked for: a burst of commands at one instant (an import's rows) asks for the same date again and again. */
let lastDate: { instant: string | number; zone: TimeZone; date: IsoDate } | undefined;

export function dateInZone(instant: Date | string | number, zone: TimeZone): IsoDate {
  if (lastDate && lastDate.instant === instant && lastDate.zone === zone) return lastDate.date;
  const ms = typeof instant === 'number' ? instant : typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  const date = new Date(ms + zone.offsetHours * HOUR_MS).toISOString().slice(0, 10);
  if (typeof instant !== 'object') lastDate = { instant, zone, date };
  return date;
}

/** The instant a date starts (its midnight) in a time zone, plus `hours`: epoch milliseconds. */
export function instantInZone(date: IsoDate, zone: TimeZone, hours = 0): number {
  return Date.parse(`${date}T00:00:00Z`) + (hours - zone.offsetHours) * HOUR_MS;
}

/** The day in Jakarta (WIB), for what belongs to no one region: national figures, the deployment's own logs. */
export const dateInJakarta = (instant: Date | string | number): IsoDate => dateInZone(instant, WIB);

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** `2026-06-30` as Indonesian readers write it: `30 Juni 2026`. */
export function tanggal(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return `${date} ${MONTHS[month - 1]} ${year}`;
}
