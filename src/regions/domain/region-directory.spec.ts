import { RegionDirectory } from './region-directory';

describe('the official region codes of idn-area-data', () => {
  const regions = RegionDirectory.load();

  it('hold the 38 provinces and 514 kabupaten and kota, each with its province', () => {
    const all = regions.all();
    expect(all.filter((r) => r.level === 'province')).toHaveLength(38);
    expect(all.filter((r) => r.level !== 'province')).toHaveLength(514);
    expect(all.every((r) => regions.find(r.provinceCode)?.level === 'province')).toBe(true);
  });

  it('name each region as an office writes it, a kota apart from a kabupaten', () => {
    expect(regions.find('36')).toEqual({ code: '36', name: 'Banten', level: 'province', provinceCode: '36' });
    expect(regions.find('32.04')).toEqual({ code: '32.04', name: 'Kabupaten Bandung', level: 'regency', provinceCode: '32' });
    expect(regions.find('32.73')?.level).toBe('city');
    expect(regions.find('31')?.name).toBe('DKI Jakarta');
  });

  it('sort counterparts as portfolio reports count them', () => {
    expect(regions.counterpartCategory('32', '32.04')).toBe('regency-same-province');
    expect(regions.counterpartCategory('32', '73.24')).toBe('regency-other-province');
    expect(regions.counterpartCategory('32', '36')).toBe('province');
    expect(regions.counterpartCategory('32', '99')).toBeUndefined();
  });
});
