/**
 * The fields of cooperation: the urusan pemerintahan of UU 23/2014 with the codes Permendagri 90/2019 gives them,
 * and the themes cooperation names that are not one urusan. An agreement's fields hold these ids; a field that
 * fits none is kept as the free text the office wrote.
 */
export type FieldGroup = 'wajib-pelayanan-dasar' | 'wajib-bukan-pelayanan-dasar' | 'pilihan' | 'tema';

export interface FieldOfCooperation {
  /** The urusan code (`1.02`), or the theme's own id (`spbe`). */
  id: string;
  label: string;
  group: FieldGroup;
  /** Other ids the same field was recorded under before it had a code. */
  aliases?: string[];
}

const urusan = (group: FieldGroup, entries: [string, string, string[]?][]): FieldOfCooperation[] =>
  entries.map(([id, label, aliases]) => ({ id, label, group, ...(aliases ? { aliases } : {}) }));

export const FIELDS_OF_COOPERATION: readonly FieldOfCooperation[] = [
  ...urusan('wajib-pelayanan-dasar', [
    ['1.01', 'Pendidikan', ['pendidikan']],
    ['1.02', 'Kesehatan', ['kesehatan']],
    ['1.03', 'Pekerjaan Umum dan Penataan Ruang', ['pekerjaan-umum']],
    ['1.04', 'Perumahan Rakyat dan Kawasan Permukiman'],
    ['1.05', 'Ketenteraman dan Ketertiban Umum serta Pelindungan Masyarakat'],
    ['1.06', 'Sosial', ['sosial']],
  ]),
  ...urusan('wajib-bukan-pelayanan-dasar', [
    ['2.07', 'Tenaga Kerja'],
    ['2.08', 'Pemberdayaan Perempuan dan Pelindungan Anak'],
    ['2.09', 'Pangan'],
    ['2.10', 'Pertanahan'],
    ['2.11', 'Lingkungan Hidup'],
    ['2.12', 'Administrasi Kependudukan dan Pencatatan Sipil'],
    ['2.13', 'Pemberdayaan Masyarakat dan Desa'],
    ['2.14', 'Pengendalian Penduduk dan Keluarga Berencana'],
    ['2.15', 'Perhubungan', ['perhubungan']],
    ['2.16', 'Komunikasi dan Informatika'],
    ['2.17', 'Koperasi, Usaha Kecil dan Menengah', ['umkm']],
    ['2.18', 'Penanaman Modal'],
    ['2.19', 'Kepemudaan dan Olahraga'],
    ['2.20', 'Statistik'],
    ['2.21', 'Persandian'],
    ['2.22', 'Kebudayaan'],
    ['2.23', 'Perpustakaan'],
    ['2.24', 'Kearsipan'],
  ]),
  ...urusan('pilihan', [
    ['3.25', 'Kelautan dan Perikanan'],
    ['3.26', 'Pariwisata', ['pariwisata']],
    ['3.27', 'Pertanian', ['pertanian']],
    ['3.28', 'Kehutanan'],
    ['3.29', 'Energi dan Sumber Daya Mineral'],
    ['3.30', 'Perdagangan'],
    ['3.31', 'Perindustrian'],
    ['3.32', 'Transmigrasi'],
  ]),
  ...urusan('tema', [
    ['potensi-daerah', 'Potensi Daerah'],
    ['pelayanan-publik', 'Pelayanan Publik'],
    ['reformasi-birokrasi', 'Reformasi Birokrasi'],
    ['spbe', 'Sistem Pemerintahan Berbasis Elektronik (SPBE)'],
    ['satu-data-indonesia', 'Satu Data Indonesia', ['satu-data']],
    ['manajemen-asn', 'Manajemen ASN'],
    ['inovasi', 'Inovasi Daerah'],
    ['persandian-dan-statistik', 'Persandian dan Statistik'],
  ]),
];

const normalized = (text: string): string => text.toLowerCase().replace(/[^a-z0-9.]+/g, ' ').trim();

const byName = new Map<string, FieldOfCooperation>();
for (const field of FIELDS_OF_COOPERATION) {
  for (const name of [field.id, field.label, ...(field.aliases ?? [])]) byName.set(normalized(name), field);
}

/** The field a code, label or earlier id names (`1.02`, `Kesehatan`, `kesehatan`), if any. */
export function findFieldOfCooperation(text: string): FieldOfCooperation | undefined {
  return byName.get(normalized(text));
}

/** How a field is shown: its label, or the free text itself. */
export function fieldLabel(id: string): string {
  return findFieldOfCooperation(id)?.label ?? id;
}

/** How a record for auditors names a field: an urusan by its label and code (`Kesehatan (1.02)`), a theme or free text by its label. */
export function fieldLabelForRecord(id: string): string {
  const field = findFieldOfCooperation(id);
  if (!field) return id;
  return field.group === 'tema' ? field.label : `${field.label} (${field.id})`;
}
