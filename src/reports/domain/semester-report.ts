import { assertNever } from '../../core/decider';
import type { MonevRecommendation } from '../../agreements/domain/agreement.events';
import {
  type AgreementStage,
  type RecordedAgreement,
  type FollowUp,
  isAgreementEnded,
  isBeforeSignature,
  isFollowUpOpen,
  isInForce,
  type Pks,
  type PksStage,
} from '../../agreements/domain/agreement.state';
import { daysBetween, type IsoDate, tanggal } from '../../agreements/domain/dates';
import { findFieldOfCooperation } from '../../agreements/domain/fields-of-cooperation';
import type { ReportSignatory } from '../../region-settings/domain/region-settings';
import type { CounterpartCategory, Region, RegionDirectory } from '../../regions/domain/region-directory';
import { type Semester, semesterRoman } from './semester';

/** One table of the report, as every format prints it: the PDF, the workbook and the web page show the same cells. */
export interface ReportTable {
  /** The workbook's sheet for it (at most 31 characters). */
  sheet: string;
  title: string;
  columns: string[];
  /** Relative widths of the columns, for the PDF. */
  widths: number[];
  rows: string[][];
}

/** Where the report comes from, for an auditor to check it with `sinergi audit verify --at <position> --seal <seal>`. */
export interface ReportSource {
  position: number;
  seal: string;
}

export interface SemesterReport {
  region: { code: string; name: string; level: Region['level'] };
  year: number;
  semester: 1 | 2;
  /** The day whose end the report shows. */
  asOf: IsoDate;
  printedOn: IsoDate;
  /** `PEMERINTAH PROVINSI JAWA BARAT`, `LAPORAN PELAKSANAAN KERJA SAMA DAERAH`, `SEMESTER I TAHUN 2026`. */
  heading: string[];
  /** Label and value lines under the heading: printing date, the day shown, the period. */
  details: [label: string, value: string][];
  tables: ReportTable[];
  /** The "Mengetahui" block, line by line; the name line is the one to underline. */
  signature: { lines: string[]; nameLine?: number };
  source: ReportSource;
  /** The footer line every page carries. */
  footer: string;
}

export interface SemesterReportInput {
  region: Region;
  semester: Semester;
  asOf: IsoDate;
  printedOn: IsoDate;
  /** The region's agreements as they stood at the end of `asOf` (those not yet proposed by then left out). */
  agreements: readonly RecordedAgreement[];
  /** For a province: each of its kabupaten/kota's agreements as they stood then (their figures only are shown). */
  regencies?: readonly { region: Region; agreements: readonly RecordedAgreement[] }[];
  signatory?: ReportSignatory;
  source: ReportSource;
  regions: Pick<RegionDirectory, 'find' | 'counterpartCategory'>;
}

/** `1.02 Kesehatan` for an urusan, the label alone for a theme, the office's own text for a field that fits none. */
export function fieldLabel(field: string): string {
  const known = findFieldOfCooperation(field);
  if (!known) return field;
  return known.group === 'tema' ? known.label : `${known.id} ${known.label}`;
}

/** How many days ahead the expiry watch looks. */
export const EXPIRY_WATCH_DAYS = 90;

export function agreementStageName(stage: AgreementStage): string {
  switch (stage) {
    case 'none':
      return 'Belum diusulkan';
    case 'proposed':
      return 'Diusulkan';
    case 'negotiating':
      return 'Negosiasi';
    case 'awaiting-signatures':
      return 'Menunggu tanda tangan';
    case 'active':
      return 'Aktif';
    case 'expired':
      return 'Berakhir (masa berlaku habis)';
    case 'terminated':
      return 'Diakhiri';
    case 'declined':
      return 'Ditolak';
    case 'withdrawn':
      return 'Ditarik';
    default:
      return assertNever(stage);
  }
}

function pksStageName(stage: PksStage): string {
  switch (stage) {
    case 'drafting':
      return 'Penyusunan';
    case 'ended-with-agreement':
      return 'Berakhir bersama KSB';
    case 'active':
    case 'expired':
    case 'terminated':
      return agreementStageName(stage);
    default:
      return assertNever(stage);
  }
}

function recommendationName(recommendation: MonevRecommendation): string {
  switch (recommendation) {
    case 'continue':
      return 'dilanjutkan';
    case 'revise':
      return 'direvisi';
    case 'terminate':
      return 'diakhiri';
    default:
      return assertNever(recommendation);
  }
}

export function counterpartCategoryName(category: CounterpartCategory): string {
  switch (category) {
    case 'regency-same-province':
      return 'Kabupaten/kota di provinsi yang sama';
    case 'province':
      return 'Provinsi';
    case 'regency-other-province':
      return 'Kabupaten/kota di provinsi lain';
    default:
      return assertNever(category);
  }
}

const CATEGORIES: readonly CounterpartCategory[] = ['regency-same-province', 'province', 'regency-other-province'];

/** A region as a report names it: `Provinsi Jawa Barat`, `Kabupaten Bandung`, `Kota Bandung`. */
export function regionTitle(region: Pick<Region, 'name' | 'level'>): string {
  return region.level === 'province' ? `Provinsi ${region.name}` : region.name;
}


/** Builds the semester report of a region from its agreements as they stood at the end of the report's day. */
export function semesterReport(input: SemesterReportInput): SemesterReport {
  const { region, semester, asOf, printedOn, regions } = input;
  const code = region.code;
  const agreements = [...input.agreements].sort(
    (a, b) => (offeredOn(a) < offeredOn(b) ? -1 : offeredOn(a) > offeredOn(b) ? 1 : a.agreementId < b.agreementId ? -1 : 1),
  );
  const nameOf = (party: string): string => {
    const found = regions.find(party);
    return found ? regionTitle(found) : party;
  };
  const counterpartsOf = (a: RecordedAgreement): string[] => a.parties.filter((p) => p !== code);
  const date = (day: IsoDate | undefined): string => (day ? tanggal(day) : '-');
  const ownFollowUps = (a: RecordedAgreement, pksId: string | undefined): FollowUp[] =>
    a.followUps.filter((f) => f.party === code && f.pksId === pksId);

  /** One line of the register, for the KSB or one of its PKS. */
  const registerRow = (
    no: string,
    a: RecordedAgreement,
    item: { kind: 'KSB' | 'PKS'; title: string; signatures: Record<string, { documentNumber: string }>; fields: string[] } & Pick<Pks, 'validFrom' | 'validUntil' | 'termMonths'>,
    active: boolean,
    status: string,
  ): string[] => [
    no,
    item.kind,
    item.title,
    counterpartsOf(a).map(nameOf).join('; '),
    a.parties
      .filter((p) => item.signatures[p])
      .map((p) => `${nameOf(p)}: ${item.signatures[p].documentNumber}`)
      .join('; ') || '-',
    item.fields.map(fieldLabel).join('; '),
    date(item.validFrom),
    date(item.validUntil),
    `${item.termMonths} bulan`,
    active && item.validUntil ? String(daysBetween(asOf, item.validUntil)) : '-',
    status,
  ];

  const register: string[][] = [];
  const progress: string[][] = [];
  for (const [index, a] of agreements.entries()) {
    const no = String(index + 1);
    register.push(registerRow(no, a, { ...a, kind: 'KSB' }, a.stage === 'active', agreementStageName(a.stage)));
    a.pks.forEach((pks, i) => {
      register.push(registerRow(`${no}.${i + 1}`, a, { ...pks, kind: 'PKS', fields: [pks.field] }, pks.stage === 'active', pksStageName(pks.stage)));
    });
    if (!isInForce(a)) continue;
    const ownReports = a.semesterReports.filter((r) => r.party === code).sort((x, y) => x.year - y.year || x.semester - y.semester);
    const lastReport = ownReports[ownReports.length - 1];
    const monev = a.monev[code];
    const heldVisits = a.visits.filter((v) => v.status === 'held').length;
    const plannedVisits = a.visits.filter((v) => v.status === 'requested' || v.status === 'scheduled').length;
    progress.push([
      no,
      `KSB: ${a.title}`,
      leadOpdsOf(ownFollowUps(a, undefined)) || '-',
      ...followUpFigures(ownFollowUps(a, undefined), asOf),
      `${heldVisits} dilaksanakan; ${plannedVisits} direncanakan`,
      lastReport ? `Semester ${semesterRoman(lastReport)} ${lastReport.year} (${date(lastReport.on)})` : 'Belum ada',
      monev ? `Nilai ${monev.rating}/5, ${recommendationName(monev.recommendation)} (${date(monev.date)})` : 'Belum ada',
    ]);
    a.pks.forEach((pks, i) => {
      const lead = pks.leadOpds.find((l) => l.party === code)?.opd;
      const followUps = ownFollowUps(a, pks.pksId);
      progress.push([
        `${no}.${i + 1}`,
        `PKS: ${pks.title}`,
        lead ?? (leadOpdsOf(followUps) || '-'),
        ...followUpFigures(followUps, asOf),
        '-',
        '-',
        '-',
      ]);
    });
  }

  const tables: ReportTable[] = [
    {
      sheet: 'Register',
      title: 'A. Daftar Kesepakatan Bersama (KSB) dan Perjanjian Kerja Sama (PKS)',
      columns: ['No', 'Jenis', 'Judul', 'Mitra', 'Nomor dokumen para pihak', 'Urusan', 'Mulai berlaku', 'Berlaku sampai', 'Jangka waktu', 'Sisa hari', 'Status'],
      widths: [3, 3, 14, 10, 14, 10, 7, 7, 5, 4, 7],
      rows: register,
    },
    {
      sheet: 'Kemajuan',
      title: 'B. Kemajuan Pelaksanaan per KSB dan PKS',
      columns: ['No', 'KSB / PKS', 'OPD pelaksana', 'Tindak lanjut selesai', 'Tindak lanjut berjalan', 'Tindak lanjut terlambat', 'Kunjungan balasan', 'Laporan semester terakhir', 'Monev terakhir'],
      widths: [3, 16, 9, 8, 8, 8, 9, 9, 10],
      rows: progress,
    },
    {
      sheet: 'Rekap Mitra',
      title: 'C.1 Rekapitulasi menurut Kategori Mitra',
      columns: ['Kategori mitra', 'Jumlah KSB', 'KSB aktif'],
      widths: [10, 4, 4],
      rows: CATEGORIES.map((category) => {
        const of = agreements.filter((a) => counterpartsOf(a).some((p) => regions.counterpartCategory(code, p) === category));
        return [counterpartCategoryName(category), String(of.length), String(of.filter((a) => a.stage === 'active').length)];
      }),
    },
    {
      sheet: 'Rekap Urusan',
      title: 'C.2 Rekapitulasi menurut Urusan',
      columns: ['Urusan', 'Jumlah KSB', 'Jumlah PKS'],
      widths: [10, 4, 4],
      rows: byUrusan(agreements),
    },
    {
      sheet: 'Rekap OPD',
      title: 'C.3 Rekapitulasi menurut Perangkat Daerah (OPD)',
      columns: ['OPD', 'PKS yang dipimpin', 'Tindak lanjut selesai', 'Tindak lanjut berjalan', 'Tindak lanjut terlambat'],
      widths: [10, 4, 4, 4, 4],
      rows: byOpd(agreements, code, asOf),
    },
    {
      sheet: 'Rekap Tahun',
      title: 'C.4 Rekapitulasi menurut Tahun',
      columns: ['Tahun', 'KSB diusulkan', 'KSB ditandatangani', 'PKS ditandatangani'],
      widths: [4, 4, 4, 4],
      rows: byYear(agreements),
    },
    {
      sheet: 'Masa Berlaku',
      title: `D. Pengawasan Masa Berlaku: berakhir dalam ${EXPIRY_WATCH_DAYS} hari`,
      columns: ['Jenis', 'Judul', 'Mitra', 'Berlaku sampai', 'Sisa hari'],
      widths: [3, 16, 10, 6, 4],
      rows: expiryWatch(agreements, asOf, (a) => counterpartsOf(a).map(nameOf).join('; ')),
    },
  ];
  if (input.regencies) {
    tables.push({
      sheet: 'Rekap Kab-Kota',
      title: `E. Rekapitulasi Kerja Sama Kabupaten/Kota di ${regionTitle(region)} (angka saja)`,
      columns: [
        'Kabupaten/kota',
        'Jumlah KSB',
        'Dalam proses',
        'Aktif',
        'Berakhir',
        'Mitra kab/kota se-provinsi',
        'Mitra provinsi',
        'Mitra kab/kota provinsi lain',
        'Urusan terbanyak',
      ],
      widths: [10, 4, 4, 4, 4, 5, 5, 5, 12],
      rows: input.regencies.map(({ region: regency, agreements: theirs }) => regencyFigures(regency, theirs, regions)),
    });
  }

  const signature = signatureBlock(input.signatory, printedOn);
  const kind = region.level === 'province' ? 'PROVINSI' : '';
  return {
    region: { code, name: region.name, level: region.level },
    year: semester.year,
    semester: semester.semester,
    asOf,
    printedOn,
    heading: [
      `PEMERINTAH ${kind ? `${kind} ` : ''}${region.name.toUpperCase()}`,
      'LAPORAN PELAKSANAAN KERJA SAMA DAERAH',
      `SEMESTER ${semesterRoman(semester)} TAHUN ${semester.year}`,
    ],
    details: [
      ['Kode wilayah (Kemendagri)', code],
      ['Keadaan per', `akhir hari ${tanggal(asOf)}`],
      ['Tanggal cetak', tanggal(printedOn)],
      ['Jumlah KSB', String(agreements.length)],
      ['Jumlah PKS', String(agreements.reduce((n, a) => n + a.pks.length, 0))],
    ],
    tables,
    signature,
    source: input.source,
    footer: `Dibuat dari log peristiwa Sinergi sampai posisi ${input.source.position}, segel ${input.source.seal}; periksa dengan: sinergi audit verify --at ${input.source.position} --seal ${input.source.seal}`,
  };
}

function followUpFigures(followUps: readonly FollowUp[], asOf: IsoDate): [done: string, open: string, overdue: string] {
  const withOpd = (list: readonly FollowUp[]): string => {
    if (list.length === 0) return '0';
    return `${list.length} (${[...new Set(list.map((f) => f.opd))].sort().join(', ')})`;
  };
  const done = followUps.filter((f) => f.status === 'completed');
  const open = followUps.filter((f) => isFollowUpOpen(f.status) && f.dueDate >= asOf);
  const overdue = followUps.filter((f) => isFollowUpOpen(f.status) && f.dueDate < asOf);
  return [withOpd(done), withOpd(open), withOpd(overdue)];
}

const leadOpdsOf = (followUps: readonly FollowUp[]): string => [...new Set(followUps.map((f) => f.opd))].sort().join(', ');

function byUrusan(agreements: readonly RecordedAgreement[]): string[][] {
  const counts = new Map<string, { ksb: number; pks: number }>();
  const entry = (field: string) => counts.get(field) ?? counts.set(field, { ksb: 0, pks: 0 }).get(field)!;
  for (const a of agreements) {
    for (const field of new Set(a.fields)) entry(field).ksb++;
    for (const pks of a.pks) entry(pks.field).pks++;
  }
  return [...counts.entries()]
    .map(([field, n]) => ({ label: fieldLabel(field), ...n }))
    .sort((x, y) => y.ksb - x.ksb || (x.label < y.label ? -1 : 1))
    .map(({ label, ksb, pks }) => [label, String(ksb), String(pks)]);
}

function byOpd(agreements: readonly RecordedAgreement[], code: string, asOf: IsoDate): string[][] {
  const counts = new Map<string, { pks: number; done: number; open: number; overdue: number }>();
  const entry = (opd: string) => counts.get(opd) ?? counts.set(opd, { pks: 0, done: 0, open: 0, overdue: 0 }).get(opd)!;
  for (const a of agreements) {
    for (const pks of a.pks) {
      const lead = pks.leadOpds.find((l) => l.party === code);
      if (lead) entry(lead.opd).pks++;
    }
    for (const f of a.followUps.filter((f) => f.party === code)) {
      if (f.status === 'completed') entry(f.opd).done++;
      else if (isFollowUpOpen(f.status)) entry(f.opd)[f.dueDate < asOf ? 'overdue' : 'open']++;
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([opd, n]) => [opd, String(n.pks), String(n.done), String(n.open), String(n.overdue)]);
}

/** The day the KSB was offered; empty for an imported one, never offered in Sinergi (it sorts first). */
const offeredOn = (a: RecordedAgreement): IsoDate | '' => a.offerLetter?.date ?? '';

function byYear(agreements: readonly RecordedAgreement[]): string[][] {
  const counts = new Map<string, { proposed: number; signed: number; pksSigned: number }>();
  const entry = (year: string) => counts.get(year) ?? counts.set(year, { proposed: 0, signed: 0, pksSigned: 0 }).get(year)!;
  for (const a of agreements) {
    entry(offeredOn(a).slice(0, 4)).proposed++;
    if (isInForce(a)) entry(a.validFrom.slice(0, 4)).signed++;
    for (const pks of a.pks) if (pks.validFrom) entry(pks.validFrom.slice(0, 4)).pksSigned++;
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([year, n]) => [year, String(n.proposed), String(n.signed), String(n.pksSigned)]);
}

function expiryWatch(agreements: readonly RecordedAgreement[], asOf: IsoDate, counterparts: (a: RecordedAgreement) => string): string[][] {
  const rows: { kind: string; title: string; with: string; until: IsoDate; left: number }[] = [];
  const watch = (kind: string, title: string, a: RecordedAgreement, stageActive: boolean, until: IsoDate | undefined) => {
    if (!stageActive || !until) return;
    const left = daysBetween(asOf, until);
    if (left >= 0 && left <= EXPIRY_WATCH_DAYS) rows.push({ kind, title, with: counterparts(a), until, left });
  };
  for (const a of agreements) {
    watch('KSB', a.title, a, a.stage === 'active', isInForce(a) ? a.validUntil : undefined);
    for (const pks of a.pks) watch('PKS', pks.title, a, pks.stage === 'active', pks.validUntil);
  }
  return rows
    .sort((x, y) => x.left - y.left || (x.title < y.title ? -1 : 1))
    .map((r) => [r.kind, r.title, r.with, tanggal(r.until), String(r.left)]);
}

/** A kabupaten/kota's figures in its province's recap: counts only, never an agreement the province is not party to. */
function regencyFigures(regency: Region, agreements: readonly RecordedAgreement[], regions: SemesterReportInput['regions']): string[] {
  const category = (c: CounterpartCategory): number =>
    agreements.filter((a) => a.parties.some((p) => p !== regency.code && regions.counterpartCategory(regency.code, p) === c)).length;
  const fields = new Map<string, number>();
  for (const a of agreements) for (const field of new Set(a.fields)) fields.set(field, (fields.get(field) ?? 0) + 1);
  const top = [...fields.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 3);
  return [
    regency.name,
    String(agreements.length),
    String(agreements.filter((a) => isBeforeSignature(a.stage)).length),
    String(agreements.filter((a) => a.stage === 'active').length),
    String(agreements.filter((a) => isAgreementEnded(a.stage)).length),
    String(category('regency-same-province')),
    String(category('province')),
    String(category('regency-other-province')),
    top.map(([field, n]) => `${fieldLabel(field)} (${n})`).join('; ') || '-',
  ];
}

function signatureBlock(signatory: ReportSignatory | undefined, printedOn: IsoDate): SemesterReport['signature'] {
  if (!signatory) {
    return {
      lines: [
        'Mengetahui,',
        'Penanda tangan laporan belum ditetapkan.',
        'Koordinator kerja sama daerah dapat menetapkannya pada Pengaturan Daerah.',
      ],
    };
  }
  return {
    lines: [tanggal(printedOn), 'Mengetahui,', `${signatory.position},`, '', '', signatory.name, `NIP ${signatory.nip}`],
    nameLine: 5,
  };
}
