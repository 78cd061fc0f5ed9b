import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';

export type RegionLevel = 'province' | 'regency' | 'city';

export interface Region {
  /** Kemendagri code: `32` for a province, `32.04` for a kabupaten or kota. */
  code: string;
  name: string;
  level: RegionLevel;
  provinceCode: string;
}

/** How a counterpart relates to a region, as portfolio reports count them. */
export type CounterpartCategory = 'province' | 'regency-same-province' | 'regency-other-province';

/** The official region codes shipped by the `idn-area-data` package (38 provinces, 514 kabupaten/kota). */
export class RegionDirectory {
  private constructor(private readonly regions: ReadonlyMap<string, Region>) {}

  static load(): RegionDirectory {
    const data = join(dirname(require.resolve('idn-area-data/package.json')), 'data');
    const regions = new Map<string, Region>();
    for (const [code, name] of rows(join(data, 'provinces.csv'))) {
      regions.set(code, { code, name: titleCase(name), level: 'province', provinceCode: code });
    }
    for (const [code, provinceCode, name] of rows(join(data, 'regencies.csv'))) {
      const level = name.startsWith('KOTA ') ? 'city' : 'regency';
      regions.set(code, { code, name: titleCase(name), level, provinceCode });
    }
    return new RegionDirectory(regions);
  }

  get size(): number {
    return this.regions.size;
  }

  find(code: string): Region | undefined {
    return this.regions.get(code);
  }

  all(): Region[] {
    return [...this.regions.values()];
  }

  counterpartCategory(of: string, counterpart: string): CounterpartCategory | undefined {
    const a = this.find(of);
    const b = this.find(counterpart);
    if (!a || !b) return undefined;
    if (b.level === 'province') return 'province';
    return a.provinceCode === b.provinceCode ? 'regency-same-province' : 'regency-other-province';
  }
}

/** The data rows of one of the package's CSV files (RFC 4180: a quoted name may hold a comma). */
function rows(file: string): string[][] {
  return parse(readFileSync(file, 'utf8'), { from_line: 2, skip_empty_lines: true, trim: true, bom: true });
}

const KEEP_UPPER = new Set(['DKI', 'DI']);

function titleCase(name: string): string {
  return name
    .split(' ')
    .map((word) => (KEEP_UPPER.has(word) ? word : word.charAt(0) + word.slice(1).toLowerCase()))
    .join(' ');
}
