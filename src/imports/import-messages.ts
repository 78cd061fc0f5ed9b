import { DomainError } from '../core/domain-error';
import { type ColumnKey, columnHeader } from './import-columns';
import type { RowProblem } from './import-rows';

/**
 * What a rule of the domain or of access means for a row of the spreadsheet: the column to look at and, in
 * Indonesian, what to change. The domain's own messages are English, for logs and API clients.
 */
const ROW_MESSAGES: Record<string, [ColumnKey | undefined, string]> = {
  SignatureMissing: ['signatory1', 'Setiap pihak harus menandatangani satu kali. Isi penandatangan dan nomor naskah kedua pihak.'],
  DateInFuture: ['signedOn', 'Tanggal penandatanganan sesudah hari ini. Kerja sama lama sudah ditandatangani: periksa tanggalnya.'],
  DateNotLater: ['validUntil', '"Berlaku Sampai" harus sesudah tanggal penandatanganan.'],
  ImportedStatusContradictsDates: ['status', 'Status tidak sesuai dengan "Berlaku Sampai": kerja sama yang masa berlakunya sudah lewat berstatus berakhir (atau diputus), yang masih berjalan berstatus aktif.'],
  TerminationGroundRequired: ['endGround', 'Kerja sama yang diputus memerlukan "Tanggal Diputus" (antara penandatanganan dan hari ini, tidak sesudah "Berlaku Sampai") dan "Alasan Diputus".'],
  PksSignedBeforeAgreement: ['signedOn', 'PKS ditandatangani sebelum KSB induknya berlaku. Periksa tanggal penandatanganan PKS atau nomor KSB induknya.'],
  OpenFollowUpUnderEndedAgreement: ['followUp', 'Tindak lanjut yang masih berjalan hanya dapat dicatat pada kerja sama yang aktif. Kosongkan kolom tindak lanjut atau perbaiki statusnya.'],
  NoCounterpart: ['party2', 'Isi pihak kedua.'],
  CounterpartIsProposer: ['party2', 'Pihak pertama dan pihak kedua adalah daerah yang sama. Isi dua daerah yang berbeda.'],
  DuplicateCounterpart: ['party2', 'Daerah yang sama tercantum dua kali sebagai pihak.'],
  NoFieldOfCooperation: ['fields', 'Isi sekurang-kurangnya satu bidang/urusan.'],
  FieldNotInAgreement: ['fields', 'Bidang PKS harus salah satu bidang KSB induknya. Tulis bidang yang sama seperti pada baris KSB.'],
  LeadOpdMissing: ['opd1', 'Setiap pihak menunjuk satu OPD pelaksana PKS. Isi "OPD Pelaksana Pihak Pertama" dan "OPD Pelaksana Pihak Kedua".'],
  PksWouldOutliveAgreement: ['validUntil', 'PKS tidak boleh berakhir sesudah KSB induknya. Periksa "Berlaku Sampai" PKS ini.'],
  SkkNumberRequired: ['skk1', 'Kepala OPD menandatangani dengan surat kuasa khusus: isi nomor SKK-nya.'],
  NotAParty: ['followUpParty', 'Daerah ini bukan pihak kerja sama. Isi salah satu pihaknya.'],
  AgreementNotActive: ['status', 'KSB induknya sudah tidak berlaku, sehingga PKS ini tidak dapat berstatus aktif. Isi status berakhir atau diputus.'],
  AgreementNotFound: ['ksbNumber1', 'KSB induk dengan nomor ini tidak ada di berkas maupun di Sinergi. Tambahkan baris KSB-nya, atau periksa nomor dan pihaknya.'],
  RegionNotAParty: ['party1', 'Daerah yang mengimpor bukan pihak kerja sama ini. Setiap baris harus menyebut daerah Anda sebagai pihak pertama atau kedua.'],
  RoleNotAllowed: [undefined, 'Hanya koordinator Bagian Kerja Sama (atau admin) yang dapat mengimpor kerja sama.'],
};

/** A rule of the domain or of access, said for the row that broke it. */
export function rowProblemFor(row: number, rule: string): RowProblem {
  const [column, message] = ROW_MESSAGES[rule] ?? [undefined, `Baris ditolak (${rule}). Periksa isinya terhadap templat.`];
  return { row, ...(column ? { column: columnHeader(column) } : {}), rule, message };
}

/** A refusal of the command path, said for the row that caused it; anything but a refusal is not the row's fault. */
export function rowProblemOf(row: number, error: unknown): RowProblem {
  if (!(error instanceof DomainError)) throw error;
  return rowProblemFor(row, error.code);
}

/** The rules that say a row is already in Sinergi: re-running a file skips them, it is not an error. */
export const ALREADY_RECORDED = new Set(['AgreementAlreadyExists', 'PksAlreadyRecorded']);
