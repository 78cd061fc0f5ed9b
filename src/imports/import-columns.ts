/**
 * The columns of the import spreadsheet, with the Indonesian headers offices see in the template. One row is one
 * KSB or one PKS; a PKS row names its KSB by the KSB's document numbers and parties, as registers list them.
 */
export const IMPORT_COLUMNS = [
  { key: 'kind', header: 'Jenis', required: true, note: 'KSB atau PKS' },
  { key: 'party1', header: 'Pihak Pertama', required: true, note: 'kode Kemendagri atau nama, mis. "Prov. Jawa Barat", "32"' },
  { key: 'ksbNumber1', header: 'Nomor KSB Pihak Pertama', required: true, note: 'nomor naskah KSB pihak pertama (untuk baris PKS: nomor KSB induknya)' },
  { key: 'party2', header: 'Pihak Kedua', required: true, note: 'kode Kemendagri atau nama, mis. "Kab. Sukamara", "Kota Bandung"' },
  { key: 'ksbNumber2', header: 'Nomor KSB Pihak Kedua', required: true, note: 'nomor naskah KSB pihak kedua (untuk baris PKS: nomor KSB induknya)' },
  { key: 'title', header: 'Judul', required: true, note: 'judul naskah' },
  { key: 'fields', header: 'Bidang/Urusan', required: true, note: 'kode atau nama urusan, dipisah titik koma, mis. "2.16; SPBE"; PKS: satu bidang dari KSB-nya' },
  { key: 'scope', header: 'Ruang Lingkup', required: false, note: 'ruang lingkup kerja sama (KSB)' },
  { key: 'signedOn', header: 'Tanggal Penandatanganan', required: true, note: '2025-10-24, 24/10/2025 atau 24 Oktober 2025' },
  { key: 'place', header: 'Tempat Penandatanganan', required: false, note: 'mis. Gedung Sate, Bandung' },
  { key: 'signatory1', header: 'Penandatangan Pihak Pertama', required: true, note: 'nama' },
  { key: 'position1', header: 'Jabatan Penandatangan Pihak Pertama', required: true, note: 'mis. Gubernur Jawa Barat' },
  { key: 'signatory2', header: 'Penandatangan Pihak Kedua', required: true, note: 'nama' },
  { key: 'position2', header: 'Jabatan Penandatangan Pihak Kedua', required: true, note: 'mis. Bupati Sukamara' },
  { key: 'validUntil', header: 'Berlaku Sampai', required: true, note: 'tanggal berakhirnya' },
  { key: 'status', header: 'Status', required: true, note: 'aktif, berakhir atau diputus' },
  { key: 'endedOn', header: 'Tanggal Diputus', required: false, note: 'wajib bila status diputus' },
  { key: 'endGround', header: 'Alasan Diputus', required: false, note: 'wajib bila status diputus, mis. "tujuan tercapai", "kesepakatan para pihak"' },
  { key: 'pksNumber1', header: 'Nomor PKS Pihak Pertama', required: false, note: 'wajib untuk PKS' },
  { key: 'pksNumber2', header: 'Nomor PKS Pihak Kedua', required: false, note: 'wajib untuk PKS' },
  { key: 'opd1', header: 'OPD Pelaksana Pihak Pertama', required: false, note: 'wajib untuk PKS' },
  { key: 'opd2', header: 'OPD Pelaksana Pihak Kedua', required: false, note: 'wajib untuk PKS' },
  { key: 'skk1', header: 'Nomor SKK Pihak Pertama', required: false, note: 'PKS yang ditandatangani kepala OPD dengan surat kuasa khusus' },
  { key: 'skk2', header: 'Nomor SKK Pihak Kedua', required: false, note: 'PKS yang ditandatangani kepala OPD dengan surat kuasa khusus' },
  { key: 'followUp', header: 'Tindak Lanjut', required: false, note: 'tindak lanjut yang masih berjalan (opsional)' },
  { key: 'followUpParty', header: 'Pihak Tindak Lanjut', required: false, note: 'pihak yang melaksanakan (kode atau nama)' },
  { key: 'followUpOpd', header: 'OPD Tindak Lanjut', required: false, note: 'OPD yang melaksanakan' },
  { key: 'followUpDue', header: 'Batas Waktu Tindak Lanjut', required: false, note: 'tanggal' },
] as const;

export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export type ColumnKey = ImportColumn['key'];

/** A row as read: the text of each known column, by key. */
export type RowCells = Partial<Record<ColumnKey, string>>;

export const columnHeader = (key: ColumnKey): string => IMPORT_COLUMNS.find((c) => c.key === key)?.header ?? key;

const normalizedHeader = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '');
const KEY_OF_HEADER = new Map<string, ColumnKey>(IMPORT_COLUMNS.map((c) => [normalizedHeader(c.header), c.key]));

/** The column each header of the file's first row names (undefined for a column Sinergi does not know). */
export function columnsOfHeader(headers: string[]): (ColumnKey | undefined)[] {
  return headers.map((header) => KEY_OF_HEADER.get(normalizedHeader(header)));
}

/** An example of each kind of row, for the template: West Java's KSB with Kab. Sukamara and one PKS under it. */
export const TEMPLATE_EXAMPLES: RowCells[] = [
  {
    kind: 'KSB',
    party1: 'Prov. Jawa Barat',
    ksbNumber1: '120/13/Pem.Um/2024 (contoh)',
    party2: 'Kab. Sukamara',
    ksbNumber2: '100.3.7/01/Pem/2024 (contoh)',
    title: 'Kesepakatan Bersama tentang Sinergi Penyelenggaraan Pemerintahan Daerah',
    fields: 'Manajemen ASN; Reformasi Birokrasi; 2.21; 2.20; Satu Data Indonesia; SPBE',
    scope: 'Manajemen ASN, reformasi birokrasi, persandian dan statistik, Satu Data Indonesia, SPBE',
    signedOn: '05/02/2024',
    place: 'Gedung Sate, Bandung',
    signatory1: 'Bey Triadi Machmudin',
    position1: 'Pj Gubernur Jawa Barat',
    signatory2: 'Kaspinor',
    position2: 'Pj Bupati Sukamara',
    validUntil: '5 Februari 2029',
    status: 'aktif',
  },
  {
    kind: 'PKS',
    party1: 'Prov. Jawa Barat',
    ksbNumber1: '120/13/Pem.Um/2024 (contoh)',
    party2: 'Kab. Sukamara',
    ksbNumber2: '100.3.7/01/Pem/2024 (contoh)',
    title: 'Perjanjian Kerja Sama Penerapan SPBE',
    fields: 'SPBE',
    signedOn: '2024-06-10',
    signatory1: 'Kepala Diskominfotik Provinsi Jawa Barat',
    position1: 'Kepala Dinas',
    signatory2: 'Kepala Diskominfo Kabupaten Sukamara',
    position2: 'Kepala Dinas',
    validUntil: '2027-06-10',
    status: 'aktif',
    pksNumber1: '555/PKS.07/Diskominfotik/2024 (contoh)',
    pksNumber2: '555/07/Diskominfo/2024 (contoh)',
    opd1: 'Diskominfotik',
    opd2: 'Diskominfo',
    skk1: '800/SKK.12/2024 (contoh)',
    skk2: '800/SKK.03/2024 (contoh)',
    followUp: 'Menyusun peta rencana SPBE bersama',
    followUpParty: 'Kab. Sukamara',
    followUpOpd: 'Diskominfo',
    followUpDue: '31 Desember 2026',
  },
];
