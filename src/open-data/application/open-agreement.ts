import type { AgreementStatus } from '../../../projections/agreement-status/agreement-status';
import type { AgreementKind } from '../../agreements/domain/agreement.events';
import { findFieldOfCooperation } from '../../agreements/domain/fields-of-cooperation';
import type { IsoDate } from '../../agreements/domain/dates';
import { assertNever } from '../../core/decider';
import type { Region, RegionDirectory } from '../../regions/domain/region-directory';
import { agreementStageName, regionTitle } from '../../reports/domain/semester-report';

/**
 * One agreement as open data: the public facts only (title, parties, urusan, dates, status, counts of PKS). Never
 * people, contacts, follow-ups and their notes, documents, reminders: those fields do not exist here to leak.
 */
export interface OpenAgreement {
  agreementId: string;
  title: string;
  proposerCode: string;
  proposerName: string;
  counterpartCodes: string[];
  counterpartNames: string[];
  fields: string[];
  fieldNames: string[];
  urusanCodes: string[];
  kind: AgreementKind;
  stage: AgreementStatus['stage'];
  stageName: string;
  offeredOn: IsoDate;
  validFrom: IsoDate | null;
  validUntil: IsoDate | null;
  endedOn: IsoDate | null;
  pksCount: number;
  activePksCount: number;
}

export type OpenColumn = keyof OpenAgreement;

/** Every column with its label and definition, in Indonesian as the metadata publishes them; in file order. */
export const OPEN_COLUMNS: readonly { name: OpenColumn; label: string; type: 'teks' | 'tanggal' | 'bilangan' | 'daftar teks'; definition: string }[] = [
  { name: 'agreementId', label: 'ID kerja sama', type: 'teks', definition: 'Pengenal tetap Kesepakatan Bersama (KSB) di Sinergi (UUID).' },
  { name: 'title', label: 'Judul', type: 'teks', definition: 'Judul Kesepakatan Bersama sebagaimana diusulkan.' },
  { name: 'proposerCode', label: 'Kode daerah pengusul', type: 'teks', definition: 'Kode wilayah Kemendagri daerah yang mengusulkan kerja sama.' },
  { name: 'proposerName', label: 'Nama daerah pengusul', type: 'teks', definition: 'Nama resmi daerah pengusul.' },
  { name: 'counterpartCodes', label: 'Kode daerah mitra', type: 'daftar teks', definition: 'Kode wilayah Kemendagri setiap daerah mitra (dipisahkan "|" dalam CSV).' },
  { name: 'counterpartNames', label: 'Nama daerah mitra', type: 'daftar teks', definition: 'Nama resmi setiap daerah mitra, dalam urutan yang sama dengan kodenya.' },
  { name: 'fields', label: 'Bidang kerja sama', type: 'daftar teks', definition: 'Bidang kerja sama sebagaimana dicatat (urusan pemerintahan atau tema kerja sama).' },
  { name: 'fieldNames', label: 'Nama bidang', type: 'daftar teks', definition: 'Nama setiap bidang, dalam urutan yang sama.' },
  { name: 'urusanCodes', label: 'Kode urusan', type: 'daftar teks', definition: 'Kode urusan pemerintahan (Permendagri 90/2019) dari bidang yang merupakan urusan; tema seperti SPBE tidak berkode.' },
  { name: 'kind', label: 'Sifat', type: 'teks', definition: 'voluntary: kerja sama sukarela; mandatory: kerja sama wajib.' },
  { name: 'stage', label: 'Kode status', type: 'teks', definition: 'proposed, negotiating, awaiting-signatures, active, expired, terminated, declined, withdrawn.' },
  { name: 'stageName', label: 'Status', type: 'teks', definition: 'Status kerja sama dalam bahasa Indonesia.' },
  { name: 'offeredOn', label: 'Tanggal penawaran', type: 'tanggal', definition: 'Tanggal surat penawaran (atau tanda tangan pertama bagi kerja sama yang dicatat dari arsip), YYYY-MM-DD.' },
  { name: 'validFrom', label: 'Mulai berlaku', type: 'tanggal', definition: 'Tanggal tanda tangan terakhir, sejak kapan KSB berlaku; kosong bila belum ditandatangani.' },
  { name: 'validUntil', label: 'Berlaku sampai', type: 'tanggal', definition: 'Akhir masa berlaku, termasuk perpanjangan; kosong bila belum ditandatangani.' },
  { name: 'endedOn', label: 'Tanggal berakhir', type: 'tanggal', definition: 'Tanggal kerja sama berakhir, diakhiri, ditolak atau ditarik; kosong bila belum berakhir.' },
  { name: 'pksCount', label: 'Jumlah PKS', type: 'bilangan', definition: 'Jumlah Perjanjian Kerja Sama (PKS) yang disusun di bawah KSB ini.' },
  { name: 'activePksCount', label: 'Jumlah PKS aktif', type: 'bilangan', definition: 'Jumlah PKS yang sedang berlaku.' },
];

export function openAgreementOf(status: AgreementStatus, regions: Pick<RegionDirectory, 'find'>): OpenAgreement {
  const nameOf = (code: string): string => {
    const region: Region | undefined = regions.find(code);
    return region ? regionTitle(region) : code;
  };
  const fields = status.fields.map((field) => findFieldOfCooperation(field));
  return {
    agreementId: status.agreementId,
    title: status.title,
    proposerCode: status.proposer,
    proposerName: nameOf(status.proposer),
    counterpartCodes: status.counterparts,
    counterpartNames: status.counterparts.map(nameOf),
    fields: status.fields,
    fieldNames: fields.map((known, i) => known?.label ?? status.fields[i]),
    urusanCodes: [...new Set(fields.flatMap((known) => (known && known.group !== 'tema' ? [known.id] : [])))],
    kind: status.kind,
    stage: status.stage,
    stageName: agreementStageName(status.stage),
    offeredOn: status.dates.offered,
    validFrom: status.dates.signed ?? null,
    validUntil: status.dates.validUntil ?? null,
    endedOn: status.dates.ended ?? null,
    pksCount: status.pks.length,
    activePksCount: status.pks.filter((p) => p.stage === 'active').length,
  };
}

/** A record as cells of a CSV line: lists joined with `|`, missing dates empty. */
export function openAgreementCells(record: OpenAgreement): (string | number)[] {
  return OPEN_COLUMNS.map(({ name }) => {
    const value = record[name];
    if (Array.isArray(value)) return value.join('|');
    if (value === null) return '';
    if (typeof value === 'number' || typeof value === 'string') return value;
    return assertNever(value);
  });
}
