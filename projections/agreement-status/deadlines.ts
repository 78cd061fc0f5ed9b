import { isFollowUpOpen } from '../../src/agreements/domain/agreement.state';
import { addDays, addMonths, type IsoDate } from '../../src/agreements/domain/dates';
import type { AgreementPolicy, DeadlineKind } from '../../src/agreements/domain/policy';
import type { AgreementStatus, PksStatus } from './agreement-status';

export type RecipientRole = 'coordinator' | 'opd' | 'opd-head';

/** Who is to be reminded: a region's coordinators, or one OPD of a region (its staff or its head). */
export interface Recipient {
  region: string;
  role: RecipientRole;
  opd?: string;
  /** Reminded only once the deadline has passed and is escalated. */
  onEscalation?: true;
}

export interface Deadline {
  /** Stable while the deadline applies: `<agreement>/<kind>/<subject>`, usable as a job id. */
  deadlineId: string;
  kind: DeadlineKind;
  dueOn: IsoDate;
  agreementId: string;
  agreementTitle: string;
  /** `description` is English, for logs; `perihal` is what a reminder says of it, in Indonesian. */
  subject: { id: string; description: string; perihal: string };
  recipients: Recipient[];
}

/** A pending deadline before its details: enough to know when, and to make the rest when asked. */
interface DueDate {
  kind: DeadlineKind;
  dueOn: IsoDate;
  subjectId: string;
  details(): { description: string; perihal: string; recipients: Recipient[] };
}

/**
 * The one computation of an agreement's deadlines, for the API, the dashboard and the reminders alike: under the
 * policy of its proposer as it stands now, from the facts the read model keeps. A region that changes its policy
 * moves the dates of its agreements at once, on every node, with nothing to rebuild.
 */
export const deadlinesOf = (status: AgreementStatus, policies: { agreementPolicyOf(region: string): AgreementPolicy }): Deadline[] =>
  pendingDeadlines(status, policies.agreementPolicyOf(status.proposer));

/**
 * Every deadline still pending for the agreement under a policy, earliest first. A deadline disappears as soon as
 * it no longer applies (the offer is answered, the follow-up closed, the report submitted, the agreement ended);
 * one already past stays until then, so that overdue work stays visible. Which day is "today" is left to the
 * reader: the schedule holds dates only.
 */
export function pendingDeadlines(status: AgreementStatus, policy: AgreementPolicy): Deadline[] {
  return dueDates(status, policy)
    .map(({ kind, dueOn, subjectId, details }): Deadline => {
      const { description, perihal, recipients } = details();
      return {
        deadlineId: `${status.agreementId}/${kind}/${subjectId}`,
        kind,
        dueOn,
        agreementId: status.agreementId,
        agreementTitle: status.title,
        subject: { id: subjectId, description, perihal },
        recipients: distinct(recipients),
      };
    })
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.deadlineId < b.deadlineId ? -1 : 1));
}

/** The day the earliest pending deadline is due, without making every deadline's details. */
export function earliestDeadlineOn(status: AgreementStatus, policy: AgreementPolicy): IsoDate | undefined {
  let earliest: IsoDate | undefined;
  for (const { dueOn } of dueDates(status, policy)) if (earliest === undefined || dueOn < earliest) earliest = dueOn;
  return earliest;
}

function dueDates(status: AgreementStatus, policy: AgreementPolicy): DueDate[] {
  const due: DueDate[] = [];
  const add = (kind: DeadlineKind, dueOn: IsoDate, subjectId: string, details: DueDate['details']) => due.push({ kind, dueOn, subjectId, details });
  const coordinators = (regions: readonly string[]): Recipient[] => regions.map((region) => ({ region, role: 'coordinator' }));
  const activePks = (): PksStatus[] => status.pks.filter((p) => p.stage === 'active');
  const leadOpdsOf = (pks: readonly PksStatus[], party?: string): Recipient[] =>
    pks.flatMap((p) => p.leadOpds.filter((l) => !party || l.party === party).map((l) => ({ region: l.party, role: 'opd' as const, opd: l.opd })));

  if (status.stage === 'proposed') {
    const dueOn = addDays(status.dates.offered, policy.offerAnswerDays.value);
    for (const counterpart of status.counterparts.filter((c) => !status.offer.accepted.includes(c))) {
      add('offer-answer', dueOn, counterpart, () => ({
        description: `answer to offer ${status.offer.letterNumber}`,
        perihal: `Jawaban atas surat penawaran kerja sama nomor ${status.offer.letterNumber}`,
        recipients: coordinators([counterpart]),
      }));
    }
  }

  const { signed, validUntil, ended } = status.dates;
  // A report is still owed for the semesters the KSB ran in, after it has ended too (not for one that had ended
  // before it was brought into Sinergi: its reports were made on paper).
  const endedHere = ended !== undefined && !(status.imported && ended <= status.imported.on);
  const reportsUntil = status.stage === 'active' ? validUntil : (status.stage === 'expired' || status.stage === 'terminated') && endedHere ? ended : undefined;
  if (signed && reportsUntil) {
    for (const party of status.parties) {
      const semester = firstUnreportedSemester(status, party, signed);
      if (semesterStart(semester) <= reportsUntil) {
        add('semester-report', addDays(semesterEnd(semester), policy.semesterReportDueDays.value), `${party}/${semester.year}-S${semester.semester}`, () => ({
          description: `semester report S${semester.semester} ${semester.year} of ${party}`,
          perihal: `Laporan pelaksanaan kerja sama semester ${semester.semester === 1 ? 'I' : 'II'} tahun ${semester.year}`,
          recipients: [...coordinators([party]), ...leadOpdsOf(activePks(), party)],
        }));
      }
    }
  }
  if (status.stage === 'active' && signed && validUntil) {
    if (!status.pks.some((p) => p.validFrom)) {
      add('ksb-without-pks', addDays(signed, policy.ksbWithoutPksDays.value), 'ksb', () => ({
        description: 'no PKS signed under this KSB yet',
        perihal: 'Penandatanganan Perjanjian Kerja Sama (PKS) pertama sebagai tindak lanjut Kesepakatan Bersama',
        recipients: coordinators(status.parties),
      }));
    }
    const monevDue = addMonths(lastMonevOn(status) ?? signed, policy.monevIntervalMonths.value);
    if (monevDue <= validUntil) {
      add('monev', monevDue, 'ksb', () => ({
        description: 'monitoring and evaluation',
        perihal: 'Pelaksanaan monitoring dan evaluasi (monev) kerja sama',
        recipients: coordinators(status.parties),
      }));
    }
    add('ksb-end', validUntil, 'ksb', () => ({
      description: 'end of the KSB',
      perihal: 'Berakhirnya masa berlaku Kesepakatan Bersama',
      recipients: [...coordinators(status.parties), ...leadOpdsOf(activePks())],
    }));
    for (const pks of status.pks) {
      if (pks.stage === 'active' && pks.validUntil) {
        add('pks-end', pks.validUntil, pks.pksId, () => ({
          description: `end of ${pks.title}`,
          perihal: `Berakhirnya masa berlaku Perjanjian Kerja Sama "${pks.title}"`,
          recipients: [...coordinators(status.parties), ...leadOpdsOf([pks])],
        }));
      }
    }
    // A visit still unscheduled when the KSB ends is moot: the engine cancels it with the KSB.
    for (const visit of status.visits) {
      if (visit.status === 'requested') {
        add('visit-scheduling', addDays(visit.requestedOn, policy.reciprocalVisitSchedulingDays.value), visit.visitId, () => ({
          description: `schedule the reciprocal visit of ${visit.visitor} to ${visit.host}`,
          perihal: 'Penjadwalan kunjungan balasan',
          recipients: coordinators([visit.host, visit.visitor]),
        }));
      }
    }
  }

  for (const followUp of status.followUps) {
    if (!isFollowUpOpen(followUp.status)) continue;
    const { party: region, opd } = followUp;
    add('follow-up-due', followUp.dueDate, followUp.followUpId, () => ({
      description: followUp.action,
      perihal: `Tindak lanjut: ${followUp.action}`,
      recipients: [
        { region, role: 'opd', opd },
        { region, role: 'opd-head', opd, onEscalation: true },
        { region, role: 'coordinator', onEscalation: true },
      ],
    }));
  }
  return due;
}

interface Semester {
  year: number;
  semester: 1 | 2;
}

/** The oldest semester, from the one the KSB was signed in, that the party has not reported on. */
function firstUnreportedSemester(status: AgreementStatus, party: string, signed: IsoDate): Semester {
  const reported = new Set(status.semesterReports.filter((r) => r.party === party).map((r) => `${r.year}-${r.semester}`));
  let semester: Semester = { year: Number(signed.slice(0, 4)), semester: Number(signed.slice(5, 7)) <= 6 ? 1 : 2 };
  while (reported.has(`${semester.year}-${semester.semester}`)) {
    semester = semester.semester === 1 ? { year: semester.year, semester: 2 } : { year: semester.year + 1, semester: 1 };
  }
  return semester;
}

const semesterStart = ({ year, semester }: Semester): IsoDate => `${year}-${semester === 1 ? '01' : '07'}-01`;
const semesterEnd = ({ year, semester }: Semester): IsoDate => `${year}-${semester === 1 ? '06-30' : '12-31'}`;

/** Monev may be recorded late: the schedule runs from the latest monev date, not the latest record. */
function lastMonevOn(status: AgreementStatus): IsoDate | undefined {
  let last: IsoDate | undefined;
  for (const { date } of status.monev) if (last === undefined || date > last) last = date;
  return last;
}

function distinct(recipients: readonly Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return recipients.filter((r) => {
    const key = `${r.region}|${r.role}|${r.opd ?? ''}|${r.onEscalation ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
