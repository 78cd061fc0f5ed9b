import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import type { AgreementImporter, ImportReport } from '../imports/agreement-importer';
import { agreementIdOf } from '../imports/import-rows';
import { DemoStory, coordinator, dinasOfficer } from './demo-story';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface LoadedStory {
  name: string;
  agreementId: string;
  title: string;
  eventsWritten: number;
}

/** The seed stories of the domain notes, from the news: each told step by step through the command path. */
export async function loadSeedStories(bus: CommandBus, progress: (story: LoadedStory, loaded: number) => void): Promise<LoadedStory[]> {
  const loaded: LoadedStory[] = [];
  const tell = async (name: string, title: string, story: (s: DemoStory) => Promise<void>) => {
    const s = new DemoStory(bus, name);
    await story(s);
    const result = { name, agreementId: s.id, title, eventsWritten: s.eventsWritten };
    loaded.push(result);
    progress(result, loaded.length);
  };

  await tell('banten-bengkulu', 'KSB Provinsi Banten – Provinsi Bengkulu', bantenBengkulu);
  for (const partner of WEST_JAVA_PARTNERS) {
    await tell(`jabar-${partner.code}`, `KSB Provinsi Jawa Barat – ${partner.name}`, (s) => westJava(s, partner));
  }
  await tell('serang-bandung', 'KSB Kabupaten Serang – Kabupaten Bandung', serangBandung);
  return loaded;
}

/**
 * Banten–Bengkulu (seeds 000 and 001): Bengkulu offered, its governor Helmi Hasan having chosen Banten as partner,
 * and came to Serang to sign. The news gives no number: offer letter, document and SKK numbers read ILUSTRATIF.
 */
async function bantenBengkulu(s: DemoStory): Promise<void> {
  const banten = coordinator('36');
  const bengkulu = coordinator('17');
  await s.propose(bengkulu, '2025-09-15', {
    proposer: '17',
    counterparts: ['36'],
    title: 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
    fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'],
    scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, diawali dengan layanan kesehatan.',
    kind: 'voluntary',
    offerLetter: { number: 'ILUSTRATIF 000.5/1234-Pem/2025', date: '2025-09-15' },
    termMonths: 60,
  });
  await s.then(banten, '2025-09-29', { type: 'AcceptOffer', data: { party: '36' } });
  const draft = sha256('Draf KSB Banten–Bengkulu v1');
  await s.then(banten, '2025-10-06', { type: 'ReviseDraft', data: { documentSha256: draft, summary: 'Draf pertama' } });
  await s.then(banten, '2025-10-13', { type: 'ApproveDraft', data: { party: '36', version: 1 } });
  await s.then(bengkulu, '2025-10-14', { type: 'ApproveDraft', data: { party: '17', version: 1 } });
  await s.then(banten, '2025-10-15', {
    type: 'ScheduleSigning',
    data: { date: '2025-10-24', place: 'Pendopo Gubernur Banten, KP3B, Serang', mode: 'ceremonial' },
  });
  const place = 'Pendopo Gubernur Banten, KP3B, Serang';
  await s.then(banten, '2025-10-24', {
    type: 'SignAgreement',
    data: { party: '36', signatory: { name: 'Andra Soni', position: 'Gubernur Banten' }, documentNumber: 'ILUSTRATIF 100.3.7/12-KSB/2025', date: '2025-10-24', place },
  });
  await s.then(bengkulu, '2025-10-24', {
    type: 'SignAgreement',
    data: { party: '17', signatory: { name: 'Helmi Hasan', position: 'Gubernur Bengkulu' }, documentNumber: 'ILUSTRATIF 100.3.7/45/B.1/2025', date: '2025-10-24', place },
  });
  await s.then(bengkulu, '2025-10-24', {
    type: 'RequestReciprocalVisit',
    data: { host: '17', visitor: '36', purpose: 'Kunjungan balasan Pemerintah Provinsi Banten ke Bengkulu' },
  });
  await s.then(banten, '2026-01-15', {
    type: 'DraftPks',
    data: {
      field: 'kesehatan',
      title: 'PKS Peningkatan Layanan Kesehatan Rujukan',
      leadOpds: [
        { party: '36', opd: 'Dinas Kesehatan' },
        { party: '17', opd: 'Dinas Kesehatan' },
      ],
      termMonths: 36,
      dprdRequiredFor: [],
    },
  });
  await s.then(banten, '2026-02-02', {
    type: 'RevisePks',
    data: { pksId: 'pks-1', documentSha256: sha256('Draf PKS kesehatan v1'), summary: 'Draf PKS layanan kesehatan rujukan' },
  });
  for (const [party, name, number] of [
    ['36', 'Kepala Dinas Kesehatan Provinsi Banten', 'ILUSTRATIF 800/310-Dinkes/2026'],
    ['17', 'Kepala Dinas Kesehatan Provinsi Bengkulu', 'ILUSTRATIF 440/88/Dinkes/2026'],
  ] as const) {
    await s.then(dinasOfficer(party, 'Dinas Kesehatan'), '2026-03-10', {
      type: 'SignPks',
      data: {
        pksId: 'pks-1',
        party,
        signatory: { name, position: 'Kepala Dinas Kesehatan', capacity: 'opd-head', skkNumber: `ILUSTRATIF SKK-${party}/2026/07` },
        documentNumber: number,
        date: '2026-03-10',
      },
    });
  }
  await s.then(bengkulu, '2026-03-12', {
    type: 'AssignFollowUp',
    data: { pksId: 'pks-1', party: '17', opd: 'Dinas Kesehatan', action: 'Menyusun rencana aksi layanan rujukan kesehatan lintas provinsi', dueDate: '2026-06-30' },
  });
  await s.then(banten, '2026-03-12', {
    type: 'AssignFollowUp',
    data: { pksId: 'pks-1', party: '36', opd: 'Dinas Kesehatan', action: 'Menyiapkan pertukaran data layanan kesehatan', dueDate: '2026-12-15' },
  });
  const dinkesBengkulu = dinasOfficer('17', 'Dinas Kesehatan');
  await s.then(dinkesBengkulu, '2026-03-16', { type: 'AcknowledgeFollowUp', data: { followUpId: 'tl-1' } });
  await s.then(dinkesBengkulu, '2026-05-04', {
    type: 'ReportFollowUpProgress',
    data: { followUpId: 'tl-1', percent: 60, note: 'Rencana aksi dibahas bersama rumah sakit rujukan', evidence: [sha256('notulen rapat 2026-04-28')] },
  });
  await s.then(dinkesBengkulu, '2026-06-26', {
    type: 'CompleteFollowUp',
    data: { followUpId: 'tl-1', note: 'Rencana aksi ditetapkan', evidence: [sha256('rencana aksi final')] },
  });
  await s.then(banten, '2026-07-20', {
    type: 'SubmitSemesterReport',
    data: { party: '36', year: 2026, semester: 1, summary: 'PKS kesehatan aktif; rencana aksi rujukan selesai.' },
  });
  await s.then(bengkulu, '2026-10-30', {
    type: 'ScheduleReciprocalVisit',
    data: { visitId: 'visit-1', date: '2026-12-10', delegation: ['Gubernur Banten', 'Kepala Biro Pemerintahan dan Otda Banten', 'Kepala Dinas Kesehatan Banten'] },
  });
}

// The news stories name only some signatories; the others are not invented.
const UNNAMED = '(nama tidak disebut dalam sumber berita)';

/** What one of the four signed with West Java on 5 February 2024, as the news tells it. */
interface WestJavaPartner {
  code: string;
  name: string;
  signatory: { name: string; position: string };
  /** The KSB's fields, as the partner's own news names them. */
  fields: string[];
  scope: string;
  /** The OPDs the news names, of West Java and of the partner, each given the follow-up the news gives them. */
  followUps: { party: string; opd: string; action: string; dueDate: string }[];
}

// Seeds 002 and 003: every KSB of that day is on "pengembangan potensi daerah dan peningkatan pelayanan publik".
const COMMON_FIELDS = ['potensi-daerah', 'pelayanan-publik'];

/**
 * Seed 002 names the OPDs of each party the cooperation with Bengkulu Tengah is focused on: Dinas Kominfotik,
 * DPMPTSP, Bappeda, BKPSDM, each to identify and develop the regions' potentials and the quality of public service.
 * The due dates are illustrative (the news gives none).
 */
const seed002FollowUps = (party: string) => [
  { party, opd: 'Diskominfotik', action: 'Mengidentifikasi potensi kerja sama komunikasi, informatika dan statistik untuk pelayanan publik', dueDate: '2024-07-31' },
  { party, opd: 'DPMPTSP', action: 'Mengidentifikasi peningkatan mutu pelayanan perizinan dan penanaman modal', dueDate: '2024-07-31' },
  { party, opd: 'Bappeda', action: 'Mengidentifikasi potensi daerah yang dapat dikembangkan bersama', dueDate: '2024-07-31' },
  { party, opd: 'BKPSDM', action: 'Mengidentifikasi kerja sama pengembangan sumber daya manusia aparatur', dueDate: '2024-07-31' },
];

const WEST_JAVA_PARTNERS: WestJavaPartner[] = [
  {
    code: '73.24',
    name: 'Kabupaten Luwu Timur',
    signatory: { name: UNNAMED, position: 'Bupati Luwu Timur' },
    // Seeds 002 and 003 name the common fields only; the follow-up is "to be specified" (ditindaklanjuti secara spesifik).
    fields: COMMON_FIELDS,
    scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, ditindaklanjuti secara spesifik.',
    followUps: [],
  },
  {
    code: '62.08',
    name: 'Kabupaten Sukamara',
    signatory: { name: 'Kaspinor', position: 'Pj Bupati Sukamara' },
    // Seed 003, in the words of Sukamara's Pj Bupati: ASN management, bureaucratic reform, Diskominfo's coding and
    // statistics, data management along Satu Data Indonesia, and electronic-based services (SPBE).
    fields: [...COMMON_FIELDS, 'manajemen-asn', 'reformasi-birokrasi', 'persandian-dan-statistik', 'satu-data-indonesia', 'spbe'],
    scope: 'Manajemen ASN, reformasi birokrasi, persandian dan statistik, Satu Data Indonesia, SPBE.',
    // The due date is illustrative.
    followUps: [{ party: '32', opd: 'Diskominfotik', action: 'Menyusun draf PKS persandian dan statistik', dueDate: '2024-06-28' }],
  },
  {
    code: '72.09',
    name: 'Kabupaten Tojo Una-Una',
    signatory: { name: UNNAMED, position: 'Bupati Tojo Una-Una' },
    fields: COMMON_FIELDS,
    scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, ditindaklanjuti secara spesifik.',
    followUps: [],
  },
  {
    code: '17.09',
    name: 'Kabupaten Bengkulu Tengah',
    signatory: { name: 'Heriyandi Roni', position: 'Pj Bupati Bengkulu Tengah' },
    fields: COMMON_FIELDS,
    scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, melalui Dinas Kominfotik, DPMPTSP, Bappeda dan BKPSDM masing-masing daerah.',
    followUps: [...seed002FollowUps('32'), ...seed002FollowUps('17.09')],
  },
];

/** Banten–Bengkulu, West Java with each partner, Serang–Bandung. */
export const SEED_STORY_COUNT = 2 + WEST_JAVA_PARTNERS.length;

/**
 * The document numbers of a West Java KSB of seed 003 (illustrative: the news gives none). The register of West
 * Java's 76 KSB lists the same numbers, so importing it after the stories recognises these four as recorded.
 */
const westJavaNumbers = (code: string) => ({ jabar: `ILUSTRATIF 100.3.7/${code}/Pemotda/2024`, partner: `ILUSTRATIF 100/${code}/KSB/2024` });

/** West Java's register of 76 KSB (seed 003: 27 with its own kab/kota, 20 with provinces, 29 elsewhere), shipped with the demo. */
export const WEST_JAVA_REGISTER = [
  join(__dirname, 'registers', 'kerja-sama-jawa-barat.csv'),
  // A build (dist/src/demo) reads it from the source tree it was built from, as the web app reads its pages.
  join(__dirname, '..', '..', '..', 'src', 'demo', 'registers', 'kerja-sama-jawa-barat.csv'),
].find((path) => existsSync(path)) ?? join(__dirname, 'registers', 'kerja-sama-jawa-barat.csv');

/**
 * Brings in West Java's register through the import, as its Biro Pemerintahan would on day one: the four KSB of
 * seed 003 told above are already recorded, the other 72 come in from the spreadsheet (safe to re-run).
 */
export function importWestJavaRegister(importer: AgreementImporter, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  return importer.run({
    content: readFileSync(WEST_JAVA_REGISTER),
    fileName: 'kerja-sama-jawa-barat.csv',
    dryRun: false,
    actor: coordinator('32'),
    region: '32',
    ...(onProgress ? { onProgress } : {}),
  });
}

async function westJava(s: DemoStory, partner: WestJavaPartner): Promise<void> {
  const jabar = coordinator('32');
  const other = coordinator(partner.code);
  const numbers = westJavaNumbers(partner.code);
  const agreementId = agreementIdOf([
    { party: '32', documentNumber: numbers.jabar },
    { party: partner.code, documentNumber: numbers.partner },
  ]);
  await s.propose(jabar, '2024-01-08', {
    proposer: '32',
    counterparts: [partner.code],
    title: 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
    fields: partner.fields,
    scope: partner.scope,
    kind: 'voluntary',
    offerLetter: { number: `ILUSTRATIF 000.5/${partner.code}/Pemotda/2024`, date: '2024-01-08' },
    termMonths: 60,
  }, agreementId);
  await s.then(other, '2024-01-17', { type: 'AcceptOffer', data: { party: partner.code } });
  await s.then(jabar, '2024-01-22', {
    type: 'ReviseDraft',
    data: { documentSha256: sha256(`Draf KSB Jabar–${partner.code}`), summary: 'Draf bersama' },
  });
  await s.then(jabar, '2024-01-29', { type: 'ApproveDraft', data: { party: '32', version: 1 } });
  await s.then(other, '2024-01-30', { type: 'ApproveDraft', data: { party: partner.code, version: 1 } });
  const place = 'Aula Barat Gedung Sate, Bandung';
  await s.then(jabar, '2024-02-05', {
    type: 'SignAgreement',
    data: { party: '32', signatory: { name: 'Bey Triadi Machmudin', position: 'Pj Gubernur Jawa Barat' }, documentNumber: numbers.jabar, date: '2024-02-05', place },
  });
  await s.then(other, '2024-02-05', {
    type: 'SignAgreement',
    data: { party: partner.code, signatory: partner.signatory, documentNumber: numbers.partner, date: '2024-02-05', place },
  });
  for (const followUp of partner.followUps) {
    await s.then(followUp.party === '32' ? jabar : other, '2024-03-04', { type: 'AssignFollowUp', data: followUp });
  }
}

/** Serang–Bandung (seed 004): signed at the Pendopo Bupati Bandung on 30 January 2023; the news gives no number. */
async function serangBandung(s: DemoStory): Promise<void> {
  const serang = coordinator('36.04');
  const bandung = coordinator('32.04');
  await s.propose(serang, '2022-12-05', {
    proposer: '36.04',
    counterparts: ['32.04'],
    title: 'Kolaborasi Program Inovasi Daerah dan Pengembangan UMKM',
    fields: ['inovasi', 'umkm'],
    scope: 'Inovasi daerah (Bappeda Litbang) dan pengembangan UMKM.',
    kind: 'voluntary',
    offerLetter: { number: 'ILUSTRATIF 415.4/2210-Pem/2022', date: '2022-12-05' },
    termMonths: 60,
  });
  await s.then(bandung, '2022-12-19', { type: 'AcceptOffer', data: { party: '32.04' } });
  await s.then(serang, '2023-01-09', {
    type: 'ReviseDraft',
    data: { documentSha256: sha256('Draf KSB Serang–Bandung'), summary: 'Draf bersama' },
  });
  await s.then(serang, '2023-01-16', { type: 'ApproveDraft', data: { party: '36.04', version: 1 } });
  await s.then(bandung, '2023-01-17', { type: 'ApproveDraft', data: { party: '32.04', version: 1 } });
  const place = 'Pendopo Bupati Bandung, Soreang';
  await s.then(serang, '2023-01-30', {
    type: 'SignAgreement',
    data: { party: '36.04', signatory: { name: 'Ratu Tatu Chasanah', position: 'Bupati Serang' }, documentNumber: 'ILUSTRATIF 415.4/01/KSB/2023', date: '2023-01-30', place },
  });
  await s.then(bandung, '2023-01-30', {
    type: 'SignAgreement',
    data: { party: '32.04', signatory: { name: 'M. Dadang Supriatna', position: 'Bupati Bandung' }, documentNumber: 'ILUSTRATIF 119/01/KSB/2023', date: '2023-01-30', place },
  });
  await s.then(serang, '2023-02-13', {
    type: 'AssignFollowUp',
    data: { party: '36.04', opd: 'Bappeda Litbang', action: 'Menjajaki replikasi inovasi pelayanan publik Kabupaten Bandung', dueDate: '2023-06-30' },
  });
}
