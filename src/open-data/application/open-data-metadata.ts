import type { IsoDate } from '../../agreements/domain/dates';
import type { Region } from '../../regions/domain/region-directory';
import { regionTitle } from '../../reports/domain/semester-report';
import { OPEN_COLUMNS } from './open-agreement';

/** Describes a dataset as Satu Data Indonesia asks: what it is, who produces it, when, every column, codes, licence. */
export interface OpenDataMetadata {
  title: string;
  description: string;
  /** The regions that publish it: Kemendagri code and name. */
  producers: { code: string; name: string; since?: IsoDate }[];
  /** The earliest offer and the latest day the data covers. */
  period: { from: IsoDate | null; to: IsoDate };
  lastUpdated: string | null;
  /** Position of the event log the read model had reached. */
  logPosition: number;
  frequency: string;
  licence: { name: string; url: string };
  regionCodes: string;
  urusanCodes: string;
  columns: { name: string; label: string; type: string; definition: string }[];
  distributions: { format: 'CSV' | 'JSON'; url: string; note?: string }[];
}

export interface MetadataInput {
  /** The region of a region's dataset; none for the nation's. */
  region?: Region;
  producers: { region: Region; since?: IsoDate }[];
  firstOffer: IsoDate | null;
  today: IsoDate;
  lastUpdated: string | null;
  logPosition: number;
  /** Where the files of this dataset are served, e.g. `https://sinergi.example/open-data/regions/36`. */
  baseUrl: string;
}

export function openDataMetadata(input: MetadataInput): OpenDataMetadata {
  const where = input.region ? regionTitle(input.region) : 'daerah-daerah di Indonesia yang menerbitkannya';
  return {
    title: `Kerja Sama Daerah ${input.region ? regionTitle(input.region) : 'Nasional'}: Kesepakatan Bersama dan Perjanjian Kerja Sama`,
    description: `Daftar kerja sama antardaerah (Kesepakatan Bersama dan jumlah Perjanjian Kerja Sama) dari ${where}, dengan pihak, urusan, tanggal dan status. Hanya fakta publik: tanpa data perorangan, kontak, catatan tindak lanjut, dokumen atau pengingat.`,
    producers: input.producers.map(({ region, since }) => ({ code: region.code, name: regionTitle(region), ...(since ? { since } : {}) })),
    period: { from: input.firstOffer, to: input.today },
    lastUpdated: input.lastUpdated,
    logPosition: input.logPosition,
    frequency: 'Setiap ada perubahan (data dibaca langsung dari sistem)',
    licence: { name: 'Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)', url: 'https://creativecommons.org/licenses/by/4.0/deed.id' },
    regionCodes: 'Kode wilayah administrasi pemerintahan Kementerian Dalam Negeri: dua angka untuk provinsi (32), dua angka, titik, dua angka untuk kabupaten/kota (32.04).',
    urusanCodes: 'Kode urusan pemerintahan menurut Permendagri 90/2019 (1.02 Kesehatan, 2.16 Komunikasi dan Informatika, ...).',
    columns: OPEN_COLUMNS.map((column) => ({ ...column })),
    distributions: [
      { format: 'CSV', url: `${input.baseUrl}/agreements.csv`, note: 'Tambahkan ?excel=1 untuk pemisah ";" dan BOM (Excel dengan pengaturan Indonesia).' },
      { format: 'JSON', url: `${input.baseUrl}/agreements.json` },
    ],
  };
}
