import { parseDate, parseGround, parseStatus } from './cell-values';

describe('cells as offices write them', () => {
  it('read a date written 2025-10-24, 24/10/2025, 24-10-2025 or 24 Oktober 2025', () => {
    for (const text of ['2025-10-24', '24/10/2025', '24-10-2025', '24 Oktober 2025', '24 okt 2025', ' 24 OKTOBER 2025 ']) {
      expect(parseDate(text)).toBe('2025-10-24');
    }
    expect(parseDate('5/2/2024')).toBe('2024-02-05');
    // A date cell of an XLSX: its serial number.
    expect(parseDate('45589')).toBe('2024-10-24');
  });

  it('refuse a date that does not exist or is written another way', () => {
    for (const text of ['31/02/2024', '2024-13-01', '10/24/2025', 'Oktober 2025', '24 Octobre 2025', 'kemarin']) expect(parseDate(text)).toBeUndefined();
  });

  it('read the status and the ground of termination in the words of regional agreements', () => {
    expect([parseStatus('Aktif'), parseStatus('berakhir'), parseStatus('diputus'), parseStatus('selesai')]).toEqual(['active', 'expired', 'terminated', undefined]);
    expect(parseGround('Tujuan kerja sama telah tercapai')).toBe('objective-achieved');
    expect(parseGround('kesepakatan para pihak')).toBe('agreed-by-parties');
    expect(parseGround('diganti dengan kesepakatan baru')).toBe('replaced-by-new-agreement');
    expect(parseGround('keadaan kahar')).toBe('force-majeure');
    expect(parseGround('entah')).toBeUndefined();
  });
});
