/**
 * The fields of cooperation by name. Official urusan pemerintahan carry their Permendagri 90/2019 code; the themes
 * cooperation names that are not one urusan (potensi daerah, SPBE, ...) are the domain's own and have none.
 */
export interface FieldOfCooperation {
  /** As agreements record it: `kesehatan`, `spbe`. */
  field: string;
  /** Permendagri 90/2019 code of the urusan, e.g. `1.02`; absent for the domain's own themes. */
  code?: string;
  name: string;
}

const URUSAN: readonly (readonly [code: string, name: string])[] = [
  ['1.01', 'Pendidikan'],
  ['1.02', 'Kesehatan'],
  ['1.03', 'Pekerjaan Umum dan Penataan Ruang'],
  ['1.04', 'Perumahan Rakyat dan Kawasan Permukiman'],
  ['1.05', 'Ketenteraman dan Ketertiban Umum serta Pelindungan Masyarakat'],
  ['1.06', 'Sosial'],
  ['2.07', 'Tenaga Kerja'],
  ['2.08', 'Pemberdayaan Perempuan dan Pelindungan Anak'],
  ['2.09', 'Pangan'],
  ['2.10', 'Pertanahan'],
  ['2.11', 'Lingkungan Hidup'],
  ['2.12', 'Administrasi Kependudukan dan Pencatatan Sipil'],
  ['2.13', 'Pemberdayaan Masyarakat dan Desa'],
  ['2.14', 'Pengendalian Penduduk dan Keluarga Berencana'],
  ['2.15', 'Perhubungan'],
  ['2.16', 'Komunikasi dan Informatika'],
  ['2.17', 'Koperasi, Usaha Kecil dan Menengah'],
  ['2.18', 'Penanaman Modal'],
  ['2.19', 'Kepemudaan dan Olahraga'],
  ['2.20', 'Statistik'],
  ['2.21', 'Persandian'],
  ['2.22', 'Kebudayaan'],
  ['2.23', 'Perpustakaan'],
  ['2.24', 'Kearsipan'],
  ['3.25', 'Kelautan dan Perikanan'],
  ['3.26', 'Pariwisata'],
  ['3.27', 'Pertanian'],
  ['3.28', 'Kehutanan'],
  ['3.29', 'Energi dan Sumber Daya Mineral'],
  ['3.30', 'Perdagangan'],
  ['3.31', 'Perindustrian'],
  ['3.32', 'Transmigrasi'],
];

const slug = (name: string): string => name.toLowerCase().replace(/,/g, '').replace(/\s+/g, '-');

/** Every official urusan by the slug of its name, plus the short names agreements use for some of them. */
const BY_FIELD = new Map<string, { code: string; name: string }>([
  ...URUSAN.map(([code, name]) => [slug(name), { code, name }] as const),
  ['umkm', { code: '2.17', name: 'Koperasi, Usaha Kecil dan Menengah' }],
  ['ketahanan-pangan', { code: '2.09', name: 'Pangan' }],
  ['kominfo', { code: '2.16', name: 'Komunikasi dan Informatika' }],
]);

const THEMES: Readonly<Record<string, string>> = {
  'potensi-daerah': 'Potensi Daerah',
  'pelayanan-publik': 'Pelayanan Publik',
  'reformasi-birokrasi': 'Reformasi Birokrasi',
  spbe: 'Sistem Pemerintahan Berbasis Elektronik (SPBE)',
  'satu-data-indonesia': 'Satu Data Indonesia',
  'manajemen-asn': 'Manajemen ASN',
  inovasi: 'Inovasi Daerah',
  'persandian-dan-statistik': 'Persandian dan Statistik',
};

/** The field's official code and name; a field that is neither urusan nor known theme is named from its words. */
export function fieldOfCooperation(field: string): FieldOfCooperation {
  const urusan = BY_FIELD.get(field);
  if (urusan) return { field, ...urusan };
  const name = THEMES[field] ?? field.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
  return { field, name };
}

/** `1.02 Kesehatan`, or the theme's name alone. */
export const fieldLabel = (field: string): string => {
  const { code, name } = fieldOfCooperation(field);
  return code ? `${code} ${name}` : name;
};
