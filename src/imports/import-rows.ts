import { createHash } from 'node:crypto';
import type { AgreementCommandInput } from '../agreements/application/agreement.commands';
import type { OpenFollowUp } from '../agreements/domain/agreement.commands';
import type { ImportedEnding, ImportSource, PksSignatory, Signatory } from '../agreements/domain/agreement.events';
import type { IsoDate } from '../agreements/domain/dates';
import { findFieldOfCooperation } from '../agreements/domain/fields-of-cooperation';
import { displayName, type RegionNames } from '../regions/region-names';
import { parseDate, parseGround, parseStatus, splitList } from './cell-values';
import { type ColumnKey, columnHeader } from './import-columns';
import type { SheetRow } from './spreadsheet';

/** What is wrong with a row: where (row, column), which rule, and in Indonesian what to do about it. */
export interface RowProblem {
  row: number;
  column?: string;
  rule: string;
  message: string;
}

/** A row read into the command that records it, with what identifies it. */
export interface ImportRow {
  row: number;
  kind: 'KSB' | 'PKS';
  agreementId: string;
  /** The parties' own document numbers: the same agreement, or the same PKS, always gives the same key. */
  key: string;
  parties: string[];
  command: Extract<AgreementCommandInput, { type: 'ImportAgreement' | 'ImportPks' }>;
}

type Problem = Omit<RowProblem, 'row'>;

const problem = (column: ColumnKey | undefined, rule: string, message: string): Problem => ({
  ...(column ? { column: columnHeader(column) } : {}),
  rule,
  message,
});

/**
 * The agreement id of a KSB, from its parties and their document numbers: re-importing the same KSB (from this
 * file or another) lands on the same stream, which then refuses it as already recorded. Shaped as a UUID v4,
 * as the API numbers agreements.
 */
export function agreementIdOf(numbers: { party: string; documentNumber: string }[]): string {
  const hex = createHash('sha256').update(documentKey(numbers)).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const documentKey = (numbers: { party: string; documentNumber: string }[]): string =>
  numbers
    .map((n) => `${n.party}:${n.documentNumber.trim().toUpperCase().replace(/\s+/g, ' ')}`)
    .sort()
    .join('|');

/** Reads one row; every problem of the row is reported at once, so an office fixes a row in one go. */
export function readImportRow(
  { row, cells }: SheetRow,
  names: RegionNames,
  source: (row: number) => ImportSource,
): { parsed?: ImportRow; problems: RowProblem[] } {
  const problems: Problem[] = [];
  const text = (key: ColumnKey, required = true): string => {
    const value = cells[key] ?? '';
    if (required && value === '') problems.push(problem(key, 'Required', `Kolom "${columnHeader(key)}" wajib diisi.`));
    return value;
  };
  const region = (key: ColumnKey): string | undefined => {
    const value = text(key);
    if (value === '') return undefined;
    const match = names.match(value);
    if ('found' in match) return match.found.code;
    const candidates = ('ambiguous' in match ? match.ambiguous : match.unknown).map((r) => `${displayName(r)} (${r.code})`).join(', ');
    if ('ambiguous' in match) {
      problems.push(problem(key, 'AmbiguousRegion', `"${value}" dapat berarti beberapa daerah: ${candidates}. Tulis lengkap, mis. "Kabupaten ..." atau "Kota ...", atau kodenya.`));
    } else {
      problems.push(problem(key, 'UnknownRegion', `Daerah "${value}" tidak dikenal. Yang paling mirip: ${candidates}. Tulis nama resmi atau kode Kemendagri.`));
    }
    return undefined;
  };
  const date = (key: ColumnKey, required = true): IsoDate | undefined => {
    const value = text(key, required);
    if (value === '') return undefined;
    const parsed = parseDate(value);
    if (!parsed) problems.push(problem(key, 'InvalidDate', `"${value}" bukan tanggal yang dikenali. Tulis seperti 2025-10-24, 24/10/2025 atau 24 Oktober 2025.`));
    return parsed;
  };

  const kind = text('kind').toUpperCase();
  if (kind !== '' && kind !== 'KSB' && kind !== 'PKS') problems.push(problem('kind', 'UnknownKind', `Jenis "${cells.kind}" tidak dikenal. Isi KSB atau PKS.`));
  const party1 = region('party1');
  const party2 = region('party2');
  const ksbNumber1 = text('ksbNumber1');
  const ksbNumber2 = text('ksbNumber2');
  if (party1 && party1 === party2) problems.push(problem('party2', 'CounterpartIsProposer', 'Pihak pertama dan pihak kedua adalah daerah yang sama. Isi dua daerah yang berbeda.'));
  const title = text('title');
  const fields = splitList(text('fields')).map((field) => findFieldOfCooperation(field)?.id ?? field);
  const signedOn = date('signedOn');
  const validUntil = date('validUntil');
  const statusText = text('status');
  const status = statusText === '' ? undefined : parseStatus(statusText);
  if (statusText !== '' && !status) problems.push(problem('status', 'UnknownStatus', `Status "${statusText}" tidak dikenal. Isi aktif, berakhir atau diputus.`));
  let ending: ImportedEnding | undefined;
  if (status === 'terminated') {
    const on = date('endedOn');
    const groundText = text('endGround');
    const ground = groundText === '' ? undefined : parseGround(groundText);
    if (groundText !== '' && !ground) {
      problems.push(problem('endGround', 'UnknownGround', `Alasan "${groundText}" tidak dikenali. Tulis mis. "kesepakatan para pihak", "tujuan tercapai", "keadaan kahar", "wanprestasi", "diganti perjanjian baru", "peraturan baru", "objek hilang" atau "merugikan kepentingan nasional".`));
    }
    if (on && ground) ending = { on, ground, note: groundText };
  }
  const signatory = (name: ColumnKey, position: ColumnKey): Signatory => ({ name: text(name), position: text(position) });
  const signatories = [signatory('signatory1', 'position1'), signatory('signatory2', 'position2')];
  const openFollowUps = followUpOf(cells, names, problems);

  const isPks = kind === 'PKS';
  const pksNumbers = isPks ? [text('pksNumber1'), text('pksNumber2')] : [];
  const opds = isPks ? [text('opd1'), text('opd2')] : [];
  if (isPks && fields.length > 1) problems.push(problem('fields', 'OneFieldPerPks', 'Sebuah PKS dibuat untuk satu bidang KSB-nya. Isi satu bidang saja.'));

  if (problems.length > 0 || !party1 || !party2 || !signedOn || !validUntil || !status || (kind !== 'KSB' && kind !== 'PKS')) {
    return { problems: problems.map((p) => ({ row, ...p })) };
  }
  const parties = [party1, party2];
  const ksbNumbers = [
    { party: party1, documentNumber: ksbNumber1 },
    { party: party2, documentNumber: ksbNumber2 },
  ];
  const agreementId = agreementIdOf(ksbNumbers);
  const common = { title, validUntil, status, ...(ending ? { ending } : {}), source: source(row), openFollowUps };
  if (!isPks) {
    const place = cells.place ?? '';
    return {
      parsed: {
        row,
        kind: 'KSB',
        agreementId,
        key: documentKey(ksbNumbers),
        parties,
        command: {
          type: 'ImportAgreement',
          data: {
            agreementId,
            proposer: party1,
            counterparts: [party2],
            fields,
            scope: cells.scope ?? '',
            kind: 'voluntary',
            signatures: ksbNumbers.map((n, i) => ({ ...n, signatory: signatories[i], date: signedOn, place })),
            ...common,
          },
        },
      },
      problems: [],
    };
  }
  const skk = [cells.skk1, cells.skk2];
  const pksSignatory = (i: number): PksSignatory =>
    skk[i] ? { ...signatories[i], capacity: 'opd-head', skkNumber: skk[i] } : { ...signatories[i], capacity: 'head-of-region' };
  const signatures = parties.map((party, i) => ({ party, signatory: pksSignatory(i), documentNumber: pksNumbers[i], date: signedOn }));
  return {
    parsed: {
      row,
      kind: 'PKS',
      agreementId,
      key: documentKey(signatures),
      parties,
      command: {
        type: 'ImportPks',
        data: { field: fields[0], leadOpds: parties.map((party, i) => ({ party, opd: opds[i] })), signatures, ...common },
      },
    },
    problems: [],
  };
}

function followUpOf(cells: SheetRow['cells'], names: RegionNames, problems: Problem[]): OpenFollowUp[] {
  const action = cells.followUp ?? '';
  if (action === '') return [];
  const missing = (['followUpParty', 'followUpOpd', 'followUpDue'] as const).filter((key) => !cells[key]);
  for (const key of missing) {
    problems.push(problem(key, 'Required', `Tindak lanjut diisi: kolom "${columnHeader(key)}" juga wajib diisi.`));
  }
  if (missing.length > 0) return [];
  const match = names.match(cells.followUpParty ?? '');
  const dueDate = parseDate(cells.followUpDue ?? '');
  if (!('found' in match)) problems.push(problem('followUpParty', 'UnknownRegion', `Daerah "${cells.followUpParty}" tidak dikenal. Isi salah satu pihak, dengan nama resmi atau kode.`));
  if (!dueDate) problems.push(problem('followUpDue', 'InvalidDate', `"${cells.followUpDue}" bukan tanggal yang dikenali. Tulis seperti 2025-10-24, 24/10/2025 atau 24 Oktober 2025.`));
  if (!('found' in match) || !dueDate) return [];
  return [{ party: match.found.code, opd: cells.followUpOpd ?? '', action, dueDate }];
}
