import { RegionDirectory } from './domain/region-directory';
import { RegionNames } from './region-names';

const names = new RegionNames(RegionDirectory.load());
const codeOf = (text: string) => {
  const match = names.match(text);
  return 'found' in match ? match.found.code : match;
};

describe('region names as offices write them', () => {
  it('find kabupaten, kota and provinces by their written forms or codes', () => {
    expect(['Kab. Sukamara', 'Kabupaten Sukamara', 'kab sukamara', 'Sukamara', '62.08'].map(codeOf)).toEqual(Array(5).fill('62.08'));
    expect(['Prov. Bengkulu', 'Provinsi Bengkulu', 'Bengkulu', '17'].map(codeOf)).toEqual(Array(4).fill('17'));
    expect(codeOf('Kota Bandung')).toBe('32.73');
    expect(codeOf('Kota Bengkulu')).toBe('17.71');
    expect(codeOf('Prov. Jawa Barat')).toBe('32');
  });

  it('list the candidates of an ambiguous name, and the closest names of an unknown one', () => {
    expect(names.match('Bandung')).toEqual({ ambiguous: [expect.objectContaining({ code: '32.04' }), expect.objectContaining({ code: '32.73' })] });
    const unknown = names.match('Kab. Sukamra');
    expect('unknown' in unknown && unknown.unknown[0].code).toBe('62.08');
  });
});
