import type { Region, RegionDirectory } from './domain/region-directory';

export type RegionNameMatch =
  | { found: Region }
  | { ambiguous: Region[] }
  | { unknown: Region[] };

/** How offices write the kind of region before its name, and what the official name starts with. */
const PREFIXES: [RegExp, 'province' | 'kabupaten ' | 'kota '][] = [
  [/^(prov\.?|provinsi|propinsi)\s+/, 'province'],
  [/^(kab\.?|kabupaten)\s+/, 'kabupaten '],
  [/^(kota|kot\.)\s+/, 'kota '],
];

const normalized = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9. ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Finds regions by the names offices write ("Kab. Sukamara", "Kabupaten Sukamara", "Prov. Bengkulu", "Kota Bandung",
 * "Jawa Barat") or by their Kemendagri code. A bare name is a province's, or else the one kabupaten or kota of that
 * name; one that fits several ("Bandung": the kabupaten and the kota) or none comes back with the closest names.
 */
export class RegionNames {
  private readonly byName = new Map<string, Region>();

  constructor(private readonly directory: RegionDirectory) {
    for (const region of directory.all()) this.byName.set(normalized(region.name), region);
  }

  match(text: string): RegionNameMatch {
    const code = text.trim();
    const byCode = this.directory.find(code);
    if (byCode) return { found: byCode };
    const name = normalized(text);
    for (const [prefix, kind] of PREFIXES) {
      if (!prefix.test(name)) continue;
      const rest = name.replace(prefix, '');
      const found = kind === 'province' ? this.province(rest) : this.byName.get(kind + rest);
      return found ? { found } : { unknown: this.closest(name) };
    }
    const province = this.province(name);
    if (province) return { found: province };
    const local = [this.byName.get(`kabupaten ${name}`), this.byName.get(`kota ${name}`)].filter((r): r is Region => r !== undefined);
    if (local.length === 1) return { found: local[0] };
    if (local.length > 1) return { ambiguous: local };
    return { unknown: this.closest(name) };
  }

  private province(name: string): Region | undefined {
    const region = this.byName.get(name);
    return region?.level === 'province' ? region : undefined;
  }

  /** The names nearest to what was written, by edit distance, with the kind of region spelled out. */
  private closest(name: string, count = 3): Region[] {
    const bare = name.replace(/^(provinsi|kabupaten|kota) /, '');
    return this.directory
      .all()
      .map((region) => {
        const official = normalized(region.name);
        const distance = Math.min(editDistance(name, official), editDistance(bare, official.replace(/^(kabupaten|kota) /, '')));
        return { region, distance };
      })
      .sort((a, b) => a.distance - b.distance || a.region.code.localeCompare(b.region.code))
      .slice(0, count)
      .map((m) => m.region);
  }
}

/** The name as offices write it, the kind of region included: "Provinsi Bengkulu", "Kabupaten Sukamara". */
export const displayName = (region: Region): string => (region.level === 'province' ? `Provinsi ${region.name}` : region.name);

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
