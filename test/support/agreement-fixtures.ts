import { createHash } from 'node:crypto';
import type * as C from '../../src/agreements/domain/agreement.commands';
import type * as E from '../../src/agreements/domain/agreement.events';
import type { IsoDate } from '../../src/agreements/domain/dates';
import { type AgreementPolicy, DEFAULT_POLICY } from '../../src/agreements/domain/policy';

// Regions of the seed stories (official Kemendagri codes).
export const banten = '36';
export const bengkulu = '17';
export const jabar = '32';
export const bengkuluTengah = '17.09';
export const luwuTimur = '73.24';
export const sukamara = '62.08';
export const tojoUnaUna = '72.09';
export const kabSerang = '36.04';
export const kabBandung = '32.04';

type StoryDay = 'offered' | 'answered' | 'drafting' | 'signed' | 'ksbEnd' | 'today' | 'pksEnd' | 'due';

/**
 * The Banten–Bengkulu story, day by day. Every builder defaults to the day its step happens here: the
 * offer on 1 Sep 2025, answered on 15 Sep, drafts from 1 Oct, signed on 24 Oct 2025 for 5 years; once
 * active, every command happens on `story.today` (the health PKS is signed that day, for 36 months),
 * and expiries on the end date. `at(day, command)` moves a command to another day.
 */
export const story: Readonly<Record<StoryDay, IsoDate>> = {
  offered: '2025-09-01',
  answered: '2025-09-15',
  drafting: '2025-10-01',
  signed: '2025-10-24',
  ksbEnd: '2030-10-24',
  today: '2026-01-10',
  pksEnd: '2029-01-10',
  due: '2026-03-31',
};

const heads: Record<string, E.Signatory> = {
  [banten]: { name: 'Andra Soni', position: 'Gubernur Banten' },
  [bengkulu]: { name: 'Helmi Hasan', position: 'Gubernur Bengkulu' },
  [jabar]: { name: 'Bey Triadi Machmudin', position: 'Pj Gubernur Jawa Barat' },
  [bengkuluTengah]: { name: 'Heriyandi Roni', position: 'Pj Bupati Bengkulu Tengah' },
  [sukamara]: { name: 'Kaspinor', position: 'Pj Bupati Sukamara' },
  [kabSerang]: { name: 'Ratu Tatu Chasanah', position: 'Bupati Serang' },
  [kabBandung]: { name: 'M. Dadang Supriatna', position: 'Bupati Bandung' },
};
export const headOf = (region: string): E.Signatory =>
  heads[region] ?? { name: `Kepala Daerah ${region}`, position: `Kepala Daerah ${region}` };

const healthOffices: Record<string, string> = {
  [banten]: 'Dinas Kesehatan Provinsi Banten',
  [bengkulu]: 'Dinas Kesehatan Provinsi Bengkulu',
};
export const healthOfficeOf = (region: string): string => healthOffices[region] ?? `Dinas Kesehatan ${region}`;

export const sha256 = (label: string): string => createHash('sha256').update(label).digest('hex');

export const policyWith = (maxMonths: { ksb?: number; pks?: number }): AgreementPolicy => ({
  ...DEFAULT_POLICY,
  version: DEFAULT_POLICY.version + 1,
  ksbMaxTermMonths: { ...DEFAULT_POLICY.ksbMaxTermMonths, value: maxMonths.ksb ?? DEFAULT_POLICY.ksbMaxTermMonths.value },
  pksMaxTermMonths: { ...DEFAULT_POLICY.pksMaxTermMonths, value: maxMonths.pks ?? DEFAULT_POLICY.pksMaxTermMonths.value },
});

// Events

const event = <Type extends E.AgreementEventType>(
  type: Type,
  data: Extract<E.AgreementEvent, { type: Type }>['data'],
): Extract<E.AgreementEvent, { type: Type }> => ({ type, data }) as Extract<E.AgreementEvent, { type: Type }>;

const offerData = (
  proposer: string,
  counterparts: string[],
  overrides: Partial<E.AgreementProposed['data']> = {},
): E.AgreementProposed['data'] => ({
  agreementId: 'ksb-banten-bengkulu-2025',
  proposer,
  counterparts,
  title: 'Kesepakatan Bersama tentang Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
  fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'],
  scope: 'Pemanfaatan potensi daerah dan peningkatan mutu pelayanan publik, diawali pelayanan kesehatan',
  kind: 'voluntary',
  offerLetter: { number: '415.4/1234-Pem/2025', date: story.offered },
  termMonths: 60,
  ...overrides,
});

export const proposed = (proposer = banten, counterparts = [bengkulu], overrides: Partial<E.AgreementProposed['data']> = {}) =>
  event('AgreementProposed', offerData(proposer, counterparts, overrides));
export const accepted = (party: string) => event('OfferAccepted', { party });
export const declined = (party: string, reason = 'bidang kerja sama belum menjadi prioritas RPJMD') =>
  event('OfferDeclined', { party, reason });
export const negotiationOpened = (on: IsoDate = story.answered) => event('NegotiationOpened', { on });
export const withdrawn = (reason = 'diganti dengan penawaran baru', on: IsoDate = story.drafting) =>
  event('AgreementWithdrawn', { reason, on });

const draftData = (version: number, overrides: Partial<E.DraftRevised['data']> = {}): E.DraftRevised['data'] => ({
  version,
  documentSha256: sha256(`draft KSB v${version}`),
  summary: `naskah KSB versi ${version}`,
  termMonths: 60,
  ...overrides,
});
export const draftRevised = (version = 1, overrides: Partial<E.DraftRevised['data']> = {}) =>
  event('DraftRevised', draftData(version, overrides));
export const draftApproved = (party: string, version = 1) => event('DraftApproved', { party, version });
export const draftFinalized = (version = 1, on: IsoDate = story.drafting) => event('DraftFinalized', { version, on });

const signingData: E.SigningScheduled['data'] = {
  date: story.signed,
  place: 'Pendopo Gubernur Banten, KP3B, Serang',
  mode: 'ceremonial',
};
export const signingScheduled = (overrides: Partial<E.SigningScheduled['data']> = {}) =>
  event('SigningScheduled', { ...signingData, ...overrides });

const signatureData = (party: string, date: IsoDate): E.AgreementSigned['data'] => ({
  party,
  signatory: headOf(party),
  documentNumber: `${party}/KSB/${date.slice(0, 4)}`,
  date,
  place: signingData.place,
});
export const signedBy = (party: string, date: IsoDate = story.signed) => event('AgreementSigned', signatureData(party, date));
export const activated = ({ from = story.signed, until = story.ksbEnd }: { from?: IsoDate; until?: IsoDate } = {}) =>
  event('AgreementActivated', { validFrom: from, validUntil: until });

export const visitRequested = (overrides: Partial<E.ReciprocalVisitRequested['data']> = {}) =>
  event('ReciprocalVisitRequested', {
    visitId: 'visit-1',
    host: bengkulu,
    visitor: banten,
    purpose: 'kunjungan balasan Pemprov Banten ke Bengkulu',
    on: story.today,
    ...overrides,
  });
export const visitScheduled = (overrides: Partial<E.ReciprocalVisitScheduled['data']> = {}) =>
  event('ReciprocalVisitScheduled', {
    visitId: 'visit-1',
    date: '2026-03-02',
    delegation: ['Gubernur Banten', 'Kepala Dinas Kesehatan Provinsi Banten'],
    ...overrides,
  });
export const visitHeld = (overrides: Partial<E.ReciprocalVisitHeld['data']> = {}) =>
  event('ReciprocalVisitHeld', {
    visitId: 'visit-1',
    date: '2026-03-02',
    summary: 'peninjauan layanan kesehatan rujukan di Bengkulu',
    outcomes: ['PKS bidang kesehatan disusun'],
    ...overrides,
  });
export const visitCancelled = (visitId = 'visit-1', reason = 'agenda bentrok') =>
  event('ReciprocalVisitCancelled', { visitId, reason });

export const semesterReported = (party: string, year = 2025, semester: 1 | 2 = 2, on: IsoDate = story.today) =>
  event('SemesterReportSubmitted', { party, year, semester, summary: `laporan semester ${semester} ${year}`, on });
export const monevRecorded = (overrides: Partial<E.MonevRecorded['data']> = {}) =>
  event('MonevRecorded', {
    party: banten,
    date: story.today,
    rating: 4,
    recommendation: 'continue',
    note: 'berjalan sesuai rencana',
    ...overrides,
  });

const addendumData = (parties: string[]): E.AgreementAmended['data']['signatures'] =>
  parties.map((party) => ({ party, signatory: headOf(party), documentNumber: `${party}/ADD/2026`, date: story.today }));
export const amended = (amendmentNo = 1, parties = [banten, bengkulu]) =>
  event('AgreementAmended', {
    amendmentNo,
    documentSha256: sha256(`addendum ${amendmentNo}`),
    summary: `addendum ${amendmentNo}`,
    signatures: addendumData(parties),
  });
export const extended = (validUntil: IsoDate, { from = story.ksbEnd, on = story.today }: { from?: IsoDate; on?: IsoDate } = {}) =>
  event('AgreementExtended', { previousValidUntil: from, validUntil, on });
export const terminated = (ground: E.TerminationGround = 'agreed-by-parties', on: IsoDate = story.today) =>
  event('AgreementTerminated', { ground, note: 'disepakati para pihak', on });
export const expired = (on: IsoDate = story.ksbEnd) => event('AgreementExpired', { on });

// PKS: by default the health PKS, led by both provincial health offices, for 36 months.
export const leadOpds = (parties = [banten, bengkulu]): E.LeadOpd[] =>
  parties.map((party) => ({ party, opd: healthOfficeOf(party) }));
const pksData = (overrides: Partial<E.PksDrafted['data']>): E.PksDrafted['data'] => ({
  pksId: 'pks-1',
  field: 'kesehatan',
  title: 'PKS Peningkatan Pelayanan Kesehatan Rujukan',
  leadOpds: leadOpds(),
  termMonths: 36,
  dprdRequiredFor: [],
  on: story.today,
  ...overrides,
});
export const pksDrafted = (overrides: Partial<E.PksDrafted['data']> = {}) => event('PksDrafted', pksData(overrides));
export const pksRevised = (version = 1, pksId = 'pks-1') =>
  event('PksRevised', { pksId, version, documentSha256: sha256(`${pksId} v${version}`), summary: `naskah PKS versi ${version}` });
export const dprdRequested = (party: string, version = 1, pksId = 'pks-1') =>
  event('PksDprdApprovalRequested', { pksId, party, version });
export const dprdDecided = (party: string, approved = true, version = 1, pksId = 'pks-1') =>
  event('PksDprdApprovalDecided', {
    pksId,
    party,
    version,
    approved,
    decisionNumber: `${party}/DPRD/${approved ? 'SETUJU' : 'TOLAK'}/2026`,
    note: approved ? 'disetujui rapat paripurna' : 'pembiayaan belum tersedia dalam APBD',
  });

/** The head of the party's health office, signing under an SKK; `null` for one who has none. */
export const opdHead = (party: string, skkNumber: string | null = `SKK/${party}/001/2026`): E.PksSignatory => ({
  name: `Kepala ${healthOfficeOf(party)}`,
  position: `Kepala ${healthOfficeOf(party)}`,
  capacity: 'opd-head',
  ...(skkNumber === null ? {} : { skkNumber }),
});
export const headOfRegion = (party: string): E.PksSignatory => ({ ...headOf(party), capacity: 'head-of-region' });
const pksSignatureData = (
  party: string,
  { date = story.today, signatory = headOfRegion(party), pksId = 'pks-1' }: PksSignatureOptions,
): E.PksSigned['data'] => ({ pksId, party, signatory, documentNumber: `${party}/PKS/${date.slice(0, 4)}`, date });
type PksSignatureOptions = { date?: IsoDate; signatory?: E.PksSignatory; pksId?: string };
export const pksSignedBy = (party: string, options: PksSignatureOptions = {}) => event('PksSigned', pksSignatureData(party, options));
export const pksActivated = ({ from = story.today, until = story.pksEnd, pksId = 'pks-1' }: { from?: IsoDate; until?: IsoDate; pksId?: string } = {}) =>
  event('PksActivated', { pksId, validFrom: from, validUntil: until });
export const pksAmended = (amendmentNo = 1, pksId = 'pks-1') =>
  event('PksAmended', { pksId, amendmentNo, documentSha256: sha256(`${pksId} addendum`), summary: 'addendum PKS', on: story.today });
export const pksExtended = (
  validUntil: IsoDate,
  { from = story.pksEnd, on = story.today, pksId = 'pks-1' }: { from?: IsoDate; on?: IsoDate; pksId?: string } = {},
) =>
  event('PksExtended', { pksId, previousValidUntil: from, validUntil, on });
export const pksTerminated = (pksId = 'pks-1', on: IsoDate = story.today, ground: E.TerminationGround = 'objective-achieved') =>
  event('PksTerminated', { pksId, ground, note: 'tujuan tercapai', on });
export const pksExpired = (pksId = 'pks-1', on: IsoDate = story.pksEnd) => event('PksExpired', { pksId, on });
export const pksEndedWithAgreement = (pksId = 'pks-1', on: IsoDate = story.today) => event('PksEndedWithAgreement', { pksId, on });

// Follow-ups: by default tl-1, for Bengkulu's health office, under the KSB itself.
export const followUpAssigned = (overrides: Partial<E.FollowUpAssigned['data']> = {}) =>
  event('FollowUpAssigned', {
    followUpId: 'tl-1',
    party: bengkulu,
    opd: healthOfficeOf(bengkulu),
    action: 'menyusun kajian kebutuhan layanan kesehatan rujukan',
    dueDate: story.due,
    on: story.today,
    ...overrides,
  });
export const followUpAcknowledged = (followUpId = 'tl-1') => event('FollowUpAcknowledged', { followUpId });
export const progressReported = (percent: number, followUpId = 'tl-1', evidence = [sha256(`${followUpId} ${percent}%`)]) =>
  event('FollowUpProgressReported', { followUpId, percent, note: `${percent}% selesai`, evidence, on: story.today });
export const followUpCompleted = (followUpId = 'tl-1', evidence = [sha256(`${followUpId} done`)]) =>
  event('FollowUpCompleted', { followUpId, note: 'kajian selesai', evidence, on: story.today });
export const dueDateExtended = (dueDate: IsoDate, { from = story.due, followUpId = 'tl-1' }: { from?: IsoDate; followUpId?: string } = {}) =>
  event('FollowUpDueDateExtended', { followUpId, previousDueDate: from, dueDate, reason: 'menunggu data BPJS' });
export const followUpCancelled = (followUpId = 'tl-1', cause: E.FollowUpCancelled['data']['cause'] = 'requested', reason = 'tidak lagi relevan') =>
  event('FollowUpCancelled', { followUpId, reason, cause });
/** How the engine cancels an open follow-up when its KSB or PKS ends. */
export const cancelledWithKsb = (followUpId: string) => followUpCancelled(followUpId, 'parent-ended', 'the KSB ended');
export const cancelledWithPks = (followUpId: string) => followUpCancelled(followUpId, 'parent-ended', 'the PKS ended');

// Commands: the context holds the story's day for the step and the default policy.

const command = <Type extends C.AgreementCommandType>(
  type: Type,
  data: C.CommandData<Type>,
  today: IsoDate = story.today,
): Extract<C.AgreementCommand, { type: Type }> =>
  ({ type, data, context: { today, policy: DEFAULT_POLICY } }) as Extract<C.AgreementCommand, { type: Type }>;

/** The same command on another day. */
export const at = <Command extends C.AgreementCommand>(today: IsoDate, cmd: Command): Command => ({
  ...cmd,
  context: { ...cmd.context, today },
});
/** The same command under a region's own policy. */
export const under = <Command extends C.AgreementCommand>(policy: AgreementPolicy, cmd: Command): Command => ({
  ...cmd,
  context: { ...cmd.context, policy },
});

export const propose = (proposer = banten, counterparts = [bengkulu], overrides: Partial<C.CommandData<'ProposeAgreement'>> = {}) =>
  command('ProposeAgreement', offerData(proposer, counterparts, overrides), story.offered);
export const accept = (party: string) => command('AcceptOffer', { party }, story.answered);
export const decline = (party: string, reason = declined(party).data.reason) =>
  command('DeclineOffer', { party, reason }, story.answered);
export const withdraw = (reason = withdrawn().data.reason) => command('WithdrawAgreement', { reason }, story.drafting);
export const reviseDraft = (version = 1, overrides: Partial<C.CommandData<'ReviseDraft'>> = {}) => {
  const { documentSha256, summary } = draftData(version);
  return command('ReviseDraft', { documentSha256, summary, ...overrides }, story.drafting);
};
export const approveDraft = (party: string, version = 1) => command('ApproveDraft', { party, version }, story.drafting);
export const scheduleSigning = (overrides: Partial<C.CommandData<'ScheduleSigning'>> = {}) =>
  command('ScheduleSigning', { ...signingData, ...overrides }, story.drafting);
export const sign = ({ by, on = story.signed }: { by: string; on?: IsoDate }) =>
  command('SignAgreement', signatureData(by, on), on);

export const requestVisit = ({ host = bengkulu, visitor = banten } = {}) =>
  command('RequestReciprocalVisit', { host, visitor, purpose: visitRequested().data.purpose });
export const scheduleVisit = (overrides: Partial<C.CommandData<'ScheduleReciprocalVisit'>> = {}) =>
  command('ScheduleReciprocalVisit', visitScheduled(overrides).data);
export const recordVisit = (overrides: Partial<C.CommandData<'RecordReciprocalVisit'>> = {}) =>
  command('RecordReciprocalVisit', visitHeld(overrides).data);
export const cancelVisit = (visitId = 'visit-1') => command('CancelReciprocalVisit', visitCancelled(visitId).data);
export const submitSemesterReport = (party: string, year = 2025, semester: 1 | 2 = 2) => {
  const { on: _on, ...data } = semesterReported(party, year, semester).data;
  return command('SubmitSemesterReport', data);
};
export const recordMonev = (overrides: Partial<C.CommandData<'RecordMonev'>> = {}) =>
  command('RecordMonev', monevRecorded(overrides).data);
/** An addendum signed by `parties`; `document` picks the addendum's text (the decider numbers it). */
export const amend = (parties = [banten, bengkulu], document = 1) => {
  const { amendmentNo: _no, ...data } = amended(document, parties).data;
  return command('AmendAgreement', data);
};
export const extend = (validUntil: IsoDate) => command('ExtendAgreement', { validUntil });
export const terminate = (ground: E.TerminationGround = 'agreed-by-parties') =>
  command('TerminateAgreement', { ground, note: terminated(ground).data.note });
export const expire = () => command('ExpireAgreement', {}, story.ksbEnd);

export const draftPks = (overrides: Partial<C.CommandData<'DraftPks'>> = {}) => {
  const { pksId: _id, on: _on, ...data } = pksData(overrides);
  return command('DraftPks', data);
};
export const revisePks = (version = 1, pksId = 'pks-1') => {
  const { version: _v, ...data } = pksRevised(version, pksId).data;
  return command('RevisePks', data);
};
export const requestDprdApproval = (party: string, pksId = 'pks-1') => command('RequestPksDprdApproval', { pksId, party });
export const decideDprdApproval = (party: string, approved = true, pksId = 'pks-1') => {
  const { version: _v, ...data } = dprdDecided(party, approved, 1, pksId).data;
  return command('DecidePksDprdApproval', data);
};
export const signPks = ({ by, ...options }: PksSignatureOptions & { by: string }) =>
  command('SignPks', pksSignatureData(by, options), options.date ?? story.today);
export const amendPks = (pksId = 'pks-1') => {
  const { amendmentNo: _no, on: _on, ...data } = pksAmended(1, pksId).data;
  return command('AmendPks', data);
};
export const extendPks = (validUntil: IsoDate, pksId = 'pks-1') => command('ExtendPks', { pksId, validUntil });
export const terminatePks = (pksId = 'pks-1') => {
  const { on: _on, ...data } = pksTerminated(pksId).data;
  return command('TerminatePks', data);
};
export const expirePks = (pksId = 'pks-1') => command('ExpirePks', { pksId }, story.pksEnd);

export const assignFollowUp = (overrides: Partial<C.CommandData<'AssignFollowUp'>> = {}) => {
  const { followUpId: _id, on: _on, ...data } = followUpAssigned(overrides).data;
  return command('AssignFollowUp', data);
};
export const acknowledge = (followUpId = 'tl-1') => command('AcknowledgeFollowUp', { followUpId });
export const reportProgress = (percent: number, followUpId = 'tl-1', evidence?: string[]) => {
  const { on: _on, ...data } = progressReported(percent, followUpId, evidence).data;
  return command('ReportFollowUpProgress', data);
};
export const complete = (followUpId = 'tl-1', evidence?: string[]) => {
  const { on: _on, ...data } = followUpCompleted(followUpId, evidence).data;
  return command('CompleteFollowUp', data);
};
export const extendDueDate = (dueDate: IsoDate, followUpId = 'tl-1') => {
  const { previousDueDate: _previous, ...data } = dueDateExtended(dueDate, { followUpId }).data;
  return command('ExtendFollowUpDueDate', data);
};
export const cancelFollowUp = (followUpId = 'tl-1') =>
  command('CancelFollowUp', { followUpId, reason: followUpCancelled(followUpId).data.reason });

// Histories of the Banten–Bengkulu KSB

export const offered: E.AgreementEvent[] = [proposed(banten, [bengkulu])];
export const negotiating: E.AgreementEvent[] = [...offered, accepted(bengkulu), negotiationOpened()];
export const withDraft: E.AgreementEvent[] = [...negotiating, draftRevised(1)];
export const awaitingSignatures: E.AgreementEvent[] = [
  ...withDraft,
  draftApproved(banten),
  draftApproved(bengkulu),
  draftFinalized(),
];
/** Signed on 24 Oct 2025 at the Pendopo Gubernur Banten by Andra Soni and Helmi Hasan; valid 5 years. */
export const activeKsb: E.AgreementEvent[] = [...awaitingSignatures, signedBy(banten), signedBy(bengkulu), activated()];
/** The health PKS with its first draft, awaiting signatures (no DPRD gate). */
export const draftingPks: E.AgreementEvent[] = [...activeKsb, pksDrafted(), pksRevised(1)];
/** The health PKS, signed by both governors on `story.today`, valid 36 months. */
export const activePks: E.AgreementEvent[] = [
  ...draftingPks,
  pksSignedBy(banten),
  pksSignedBy(bengkulu),
  pksActivated(),
];

// Agreements signed before Sinergi: by default West Java's KSB with Kab. Sukamara of 5 Feb 2024, brought in from
// row 2 of a spreadsheet on `story.today`, still active; its PKS with Diskominfotik of both parties.
export const importSource = (row = 2): E.ImportSource => ({
  kind: 'spreadsheet',
  fileName: 'kerja-sama-jabar.xlsx',
  fileSha256: sha256('kerja-sama-jabar.xlsx'),
  row,
});
export const importedSignatures = (parties: string[], date: IsoDate) =>
  parties.map((party) => ({ party, signatory: headOf(party), documentNumber: `${party}/KSB/${date.slice(0, 4)}`, date, place: 'Gedung Sate, Bandung' }));
type ImportedKsb = Omit<E.AgreementImported['data'], 'validFrom' | 'on'>;
const importedKsbData = (overrides: Partial<ImportedKsb>): ImportedKsb => ({
  agreementId: 'ksb-jabar-sukamara-2024',
  proposer: jabar,
  counterparts: [sukamara],
  title: 'Kesepakatan Bersama tentang Sinergi Penyelenggaraan Pemerintahan dan Pembangunan Daerah',
  fields: ['manajemen-asn', 'spbe', 'satu-data'],
  scope: 'Manajemen ASN, reformasi birokrasi, persandian dan statistik, Satu Data Indonesia, SPBE',
  kind: 'voluntary',
  signatures: importedSignatures([jabar, sukamara], '2024-02-05'),
  validUntil: '2029-02-05',
  status: 'active',
  source: importSource(),
  ...overrides,
});
export const importAgreement = (overrides: Partial<ImportedKsb & { openFollowUps: C.OpenFollowUp[] }> = {}, on: IsoDate = story.today): C.ImportAgreement => {
  const { openFollowUps = [], ...data } = overrides;
  return { type: 'ImportAgreement', data: { ...importedKsbData(data), openFollowUps }, context: { today: on, policy: DEFAULT_POLICY } };
};
export const agreementImported = (overrides: Partial<E.AgreementImported['data']> = {}) => {
  const data = importedKsbData(overrides);
  return event('AgreementImported', { ...data, validFrom: '2024-02-05', on: story.today, ...overrides });
};

export const diskominfotikOf = (party: string): string => (party === jabar ? 'Diskominfotik Provinsi Jawa Barat' : `Diskominfo ${party}`);
type ImportedPksData = Omit<E.PksImported['data'], 'pksId' | 'validFrom' | 'on'>;
const importedPksData = (overrides: Partial<ImportedPksData>): ImportedPksData => ({
  field: 'spbe',
  title: 'PKS Penerapan Sistem Pemerintahan Berbasis Elektronik',
  leadOpds: [jabar, sukamara].map((party) => ({ party, opd: diskominfotikOf(party) })),
  signatures: [jabar, sukamara].map((party) => ({
    party,
    signatory: { name: `Kepala ${diskominfotikOf(party)}`, position: `Kepala ${diskominfotikOf(party)}`, capacity: 'opd-head', skkNumber: `SKK/${party}/07/2024` },
    documentNumber: `${party}/PKS-SPBE/2024`,
    date: '2024-06-10',
  })),
  validUntil: '2027-06-10',
  status: 'active',
  source: importSource(3),
  ...overrides,
});
export const importPks = (overrides: Partial<ImportedPksData & { openFollowUps: C.OpenFollowUp[] }> = {}, on: IsoDate = story.today): C.ImportPks => {
  const { openFollowUps = [], ...data } = overrides;
  return { type: 'ImportPks', data: { ...importedPksData(data), openFollowUps }, context: { today: on, policy: DEFAULT_POLICY } };
};
export const pksImported = (overrides: Partial<E.PksImported['data']> = {}) =>
  event('PksImported', { ...importedPksData(overrides), pksId: 'pks-1', validFrom: '2024-06-10', on: story.today, ...overrides });
