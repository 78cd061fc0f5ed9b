import { addDays, addMonths, dateInRegion, daysBetween, instantInZone, isIsoDate, timeZoneOf, WITA } from './dates';

const dateInJakarta = (instant: Date | string) => dateInRegion(instant, '31');

describe('adding months to a date', () => {
  it.each([
    ['2025-10-24', 60, '2030-10-24'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2025-12-15', 1, '2026-01-15'],
    ['2025-03-31', -1, '2025-02-28'],
  ])('%s + %p months is %s', (from, months, expected) => expect(addMonths(from, months)).toBe(expected));

  it('falls back to the last day of a shorter month: 31 January + 1 month is 28 February', () =>
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28'));

  it('lands on 29 February in a leap year', () => expect(addMonths('2024-01-31', 1)).toBe('2024-02-29'));

  it('moves 29 February to 28 February in a year that is not a leap year', () =>
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28'));

  it('keeps 29 February four years later', () => expect(addMonths('2024-02-29', 48)).toBe('2028-02-29'));

  it('treats 2100 as a common year', () => expect(addMonths('2096-02-29', 48)).toBe('2100-02-28'));
});

describe('adding days to a date', () => {
  it.each([
    ['2025-02-28', 1, '2025-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2025-10-24', 180, '2026-04-22'],
  ])('%s + %p days is %s', (from, days, expected) => expect(addDays(from, days)).toBe(expected));

  it('counts back what it added', () => expect(daysBetween('2025-10-24', addDays('2025-10-24', 180))).toBe(180));
});

describe('an ISO calendar date', () => {
  it.each(['2025-10-24', '2024-02-29', '2000-02-29'])('accepts %s', (value) => expect(isIsoDate(value)).toBe(true));

  it.each([
    '2025-02-29',
    '1900-02-29',
    '2025-13-01',
    '2025-04-31',
    '2025-1-5',
    '24-10-2025',
    '2025-10-24T00:00:00Z',
    '2025/10/24',
    '',
  ])('refuses %p', (value) => expect(isIsoDate(value)).toBe(false));
});

describe('the date in Jakarta', () => {
  it('is already the next day from 17:00 UTC (WIB is UTC+7)', () =>
    expect(dateInJakarta('2025-10-23T17:00:00Z')).toBe('2025-10-24'));

  it('is still the same day until 16:59:59 UTC', () =>
    expect(dateInJakarta('2025-10-23T16:59:59Z')).toBe('2025-10-23'));

  it('takes a Date as well as a string', () =>
    expect(dateInJakarta(new Date(Date.UTC(2025, 11, 31, 18, 30)))).toBe('2026-01-01'));

  it('reads an instant with an offset', () => expect(dateInJakarta('2025-10-24T06:00:00+07:00')).toBe('2025-10-24'));
});

describe("a region's own time zone", () => {
  it.each([
    ['11', 'WIB'], ['36', 'WIB'], ['36.04', 'WIB'], ['61', 'WIB'], ['62.08', 'WIB'],
    ['51', 'WITA'], ['53', 'WITA'], ['63', 'WITA'], ['65', 'WITA'], ['71', 'WITA'], ['73.24', 'WITA'], ['76', 'WITA'],
    ['81', 'WIT'], ['82', 'WIT'], ['91', 'WIT'], ['96', 'WIT'],
  ])('%s lives on %s, as its province does', (region, zone) => expect(timeZoneOf(region).name).toBe(zone));

  it("starts a WITA region's day an hour before Jakarta's", () => {
    expect(dateInRegion('2025-10-23T16:00:00Z', '73.24')).toBe('2025-10-24');
    expect(dateInRegion('2025-10-23T16:00:00Z', '36')).toBe('2025-10-23');
    expect(instantInZone('2025-10-24', WITA)).toBe(Date.parse('2025-10-24T00:00:00+08:00'));
  });

  it("starts a WIT region's day two hours before Jakarta's", () => expect(dateInRegion('2025-10-23T15:00:00Z', '91')).toBe('2025-10-24'));
});
