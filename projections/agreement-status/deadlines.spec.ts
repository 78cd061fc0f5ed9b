import type { AgreementEvent } from '../../src/agreements/domain/agreement.events';
import * as F from '../../test/support/agreement-fixtures';
import { banten, bengkulu, story } from '../../test/support/agreement-fixtures';
import { AGREEMENT_ID, recorded } from '../../test/projections/support/recorded-events';
import { type AgreementPolicy, type DeadlineKind, DEFAULT_POLICY, FLOOR_POLICY, type PolicyDuration } from '../../src/agreements/domain/policy';
import type { AgreementStatus } from './agreement-status';
import { agreementStatusProjection } from './agreement-status.projection';
import { type Deadline, deadlinesOf, earliestDeadlineOn, pendingDeadlines } from './deadlines';

const statusAfter = (history: AgreementEvent[]): AgreementStatus =>
  recorded(history).reduce<AgreementStatus | undefined>((s, e) => agreementStatusProjection.evolve(s, e), undefined) as AgreementStatus;

const deadlinesAfter = (...history: AgreementEvent[]): Deadline[] => pendingDeadlines(statusAfter(history), DEFAULT_POLICY);
const policyWith = (durations: Partial<Record<PolicyDuration, number>>): AgreementPolicy => ({
  ...DEFAULT_POLICY,
  ...Object.fromEntries(Object.entries(durations).map(([name, value]) => [name, { ...DEFAULT_POLICY[name as PolicyDuration], value }])),
});
const ofKind = (kind: DeadlineKind, ...history: AgreementEvent[]): Deadline[] => deadlinesAfter(...history).filter((d) => d.kind === kind);
const coordinatorsOf = (...regions: string[]) => regions.map((region) => ({ region, role: 'coordinator' }));

describe('the deadline schedule of an agreement', () => {
  describe('an offer', () => {
    it('gives each counterpart 30 days from the offer letter to answer, reminding its coordinators', () =>
      expect(deadlinesAfter(...F.offered)).toEqual([
        {
          deadlineId: `${AGREEMENT_ID}/offer-answer/${bengkulu}`,
          kind: 'offer-answer',
          dueOn: '2025-10-01',
          agreementId: AGREEMENT_ID,
          agreementTitle: F.proposed().data.title,
          subject: { id: bengkulu, description: 'answer to offer 415.4/1234-Pem/2025', perihal: 'Jawaban atas surat penawaran kerja sama nomor 415.4/1234-Pem/2025' },
          recipients: coordinatorsOf(bengkulu),
        },
      ]));

    it('no longer waits for a counterpart that accepted, nor for any once negotiation opened', () => {
      const threeParties = F.proposed(banten, [bengkulu, '32']);
      expect(ofKind('offer-answer', threeParties, F.accepted(bengkulu)).map((d) => d.subject.id)).toEqual(['32']);
      expect(ofKind('offer-answer', ...F.negotiating)).toEqual([]);
    });

    it('has no deadline once declined or withdrawn', () => {
      expect(deadlinesAfter(...F.offered, F.declined(bengkulu))).toEqual([]);
      expect(deadlinesAfter(...F.negotiating, F.withdrawn())).toEqual([]);
    });
  });

  describe('an active KSB', () => {
    it('expects a PKS within 180 days of signing, until one is signed', () => {
      expect(ofKind('ksb-without-pks', ...F.activeKsb)).toMatchObject([{ dueOn: '2026-04-22', recipients: coordinatorsOf(banten, bengkulu) }]);
      expect(ofKind('ksb-without-pks', ...F.draftingPks)).toHaveLength(1);
      expect(ofKind('ksb-without-pks', ...F.activePks)).toEqual([]);
      expect(ofKind('ksb-without-pks', ...F.activePks, F.pksTerminated())).toEqual([]);
    });

    it("expects each party's report on the oldest semester not reported yet, from the semester it was signed in", () => {
      expect(ofKind('semester-report', ...F.activeKsb).map((d) => [d.subject.id, d.dueOn])).toEqual([
        [`${bengkulu}/2025-S2`, '2026-01-31'],
        [`${banten}/2025-S2`, '2026-01-31'],
      ]);
      const reported = ofKind('semester-report', ...F.activeKsb, F.semesterReported(banten, 2025, 2));
      expect(reported.map((d) => [d.subject.id, d.dueOn])).toEqual([
        [`${bengkulu}/2025-S2`, '2026-01-31'],
        [`${banten}/2026-S1`, '2026-07-31'],
      ]);
    });

    it("reminds the lead OPD of an active PKS of its region's semester report", () =>
      expect(ofKind('semester-report', ...F.activePks).find((d) => d.subject.id.startsWith(bengkulu))?.recipients).toEqual([
        { region: bengkulu, role: 'coordinator' },
        { region: bengkulu, role: 'opd', opd: F.healthOfficeOf(bengkulu) },
      ]));

    it('expects monev a year after signing, then a year after the latest monev', () => {
      expect(ofKind('monev', ...F.activeKsb)).toMatchObject([{ dueOn: '2026-10-24', recipients: coordinatorsOf(banten, bengkulu) }]);
      expect(ofKind('monev', ...F.activeKsb, F.monevRecorded({ date: '2026-03-15' }))).toMatchObject([{ dueOn: '2027-03-15' }]);
    });

    it('counts down to its end date, and to the end of each active PKS, reminding coordinators and lead OPDs', () => {
      const opds = F.leadOpds().map(({ party, opd }) => ({ region: party, role: 'opd', opd }));
      expect(ofKind('ksb-end', ...F.activePks)).toMatchObject([{ dueOn: story.ksbEnd, recipients: [...coordinatorsOf(banten, bengkulu), ...opds] }]);
      expect(ofKind('pks-end', ...F.activePks)).toMatchObject([
        { dueOn: story.pksEnd, subject: { id: 'pks-1' }, recipients: [...coordinatorsOf(banten, bengkulu), ...opds] },
      ]);
      expect(ofKind('ksb-end', ...F.activeKsb, F.extended('2031-10-24'))).toMatchObject([{ dueOn: '2031-10-24' }]);
      expect(ofKind('pks-end', ...F.activePks, F.pksExtended('2029-06-30'))).toMatchObject([{ dueOn: '2029-06-30' }]);
    });

    it('gives a requested reciprocal visit 90 days to be scheduled', () => {
      expect(ofKind('visit-scheduling', ...F.activeKsb, F.visitRequested())).toMatchObject([
        { dueOn: '2026-04-10', subject: { id: 'visit-1' }, recipients: coordinatorsOf(bengkulu, banten) },
      ]);
      expect(ofKind('visit-scheduling', ...F.activeKsb, F.visitRequested(), F.visitScheduled())).toEqual([]);
      expect(ofKind('visit-scheduling', ...F.activeKsb, F.visitRequested(), F.visitCancelled())).toEqual([]);
    });

    it('has nothing left once it ended but the semester reports still owed', () => {
      const reportedToDate = [F.semesterReported(banten, 2025, 2), F.semesterReported(bengkulu, 2025, 2)];
      const endOfYear = F.terminated('agreed-by-parties', '2025-12-31');
      expect(deadlinesAfter(...F.activePks, ...reportedToDate, F.visitRequested(), endOfYear, F.pksEndedWithAgreement())).toEqual([]);
      expect(deadlinesAfter(...F.activeKsb, ...reportedToDate, F.expired()).map((d) => d.kind)).toEqual(['semester-report', 'semester-report']);
    });

    it('keeps the report of the semester it ended in due after it ended, until the party submits it', () => {
      const ended = [...F.activeKsb, F.semesterReported(banten, 2025, 2), F.terminated('agreed-by-parties', '2025-12-31')];
      expect(ofKind('semester-report', ...ended).map((d) => [d.subject.id, d.dueOn])).toEqual([[`${bengkulu}/2025-S2`, '2026-01-31']]);
      expect(ofKind('semester-report', ...ended, F.semesterReported(bengkulu, 2025, 2))).toEqual([]);
    });
  });

  describe("under a region's own policy", () => {
    const under = (policy: AgreementPolicy, ...history: AgreementEvent[]) => pendingDeadlines(statusAfter(history), policy);

    it('dates every policy-bound deadline by its durations', () => {
      const policy = policyWith({ offerAnswerDays: 14, ksbWithoutPksDays: 120, reciprocalVisitSchedulingDays: 30, monevIntervalMonths: 6, semesterReportDueDays: 14 });
      expect(under(policy, ...F.offered).map((d) => d.dueOn)).toEqual(['2025-09-15']);
      const dueOf = (kind: DeadlineKind) => under(policy, ...F.activeKsb, F.visitRequested()).filter((d) => d.kind === kind).map((d) => d.dueOn);
      expect(dueOf('ksb-without-pks')).toEqual(['2026-02-21']);
      expect(dueOf('visit-scheduling')).toEqual(['2026-02-09']);
      expect(dueOf('monev')).toEqual(['2026-04-24']);
      expect(dueOf('semester-report')).toEqual(['2026-01-14', '2026-01-14']);
    });

    it("follows the proposer's policy, whichever region asks", () => {
      const status = statusAfter(F.activeKsb);
      const policies = { agreementPolicyOf: (region: string) => (region === banten ? policyWith({ ksbWithoutPksDays: 120 }) : DEFAULT_POLICY) };
      expect(deadlinesOf(status, policies).find((d) => d.kind === 'ksb-without-pks')?.dueOn).toBe('2026-02-21');
    });

    it('never dates a deadline before its floor, the lowest durations a region may set', () => {
      const history = [...F.activePks, F.followUpAssigned({ dueDate: '2026-02-01' }), F.visitRequested()];
      const floor = earliestDeadlineOn(statusAfter(history), FLOOR_POLICY) ?? '';
      for (const policy of [DEFAULT_POLICY, policyWith({ reciprocalVisitSchedulingDays: 1, semesterReportDueDays: 0, monevIntervalMonths: 1 })]) {
        expect(under(policy, ...history)[0].dueOn >= floor).toBe(true);
      }
    });
  });

  describe('a follow-up', () => {
    it('is due on its due date: its OPD is reminded, its head and the coordinator on escalation', () =>
      expect(ofKind('follow-up-due', ...F.activeKsb, F.followUpAssigned())).toEqual([
        expect.objectContaining({
          deadlineId: `${AGREEMENT_ID}/follow-up-due/tl-1`,
          dueOn: story.due,
          subject: { id: 'tl-1', description: F.followUpAssigned().data.action, perihal: `Tindak lanjut: ${F.followUpAssigned().data.action}` },
          recipients: [
            { region: bengkulu, role: 'opd', opd: F.healthOfficeOf(bengkulu) },
            { region: bengkulu, role: 'opd-head', opd: F.healthOfficeOf(bengkulu), onEscalation: true },
            { region: bengkulu, role: 'coordinator', onEscalation: true },
          ],
        }),
      ]));

    it('moves with its due date, stays while in progress, and goes once completed or cancelled', () => {
      const assigned = [...F.activeKsb, F.followUpAssigned()];
      expect(ofKind('follow-up-due', ...assigned, F.dueDateExtended('2026-05-31'))).toMatchObject([{ dueOn: '2026-05-31' }]);
      expect(ofKind('follow-up-due', ...assigned, F.followUpAcknowledged(), F.progressReported(50))).toHaveLength(1);
      expect(ofKind('follow-up-due', ...assigned, F.followUpAcknowledged(), F.followUpCompleted())).toEqual([]);
      expect(ofKind('follow-up-due', ...assigned, F.followUpCancelled())).toEqual([]);
    });
  });

  it('lists the earliest deadline first', () => {
    const dates = deadlinesAfter(...F.activePks, F.followUpAssigned(), F.visitRequested()).map((d) => d.dueOn);
    expect(dates).toEqual([...dates].sort());
  });

  it.each([
    ['an offer', F.offered],
    ['an active KSB', F.activeKsb],
    ['an active PKS with a follow-up and a visit', [...F.activePks, F.followUpAssigned({ dueDate: '2026-02-01' }), F.visitRequested()]],
    ['an ended KSB', [...F.activeKsb, F.terminated()]],
    ['an ended KSB with its reports submitted', [...F.activeKsb, F.semesterReported(banten, 2025, 2), F.semesterReported(bengkulu, 2025, 2), F.terminated()]],
  ])('knows the earliest due date of %s without making the details', (_what, history) =>
    expect(earliestDeadlineOn(statusAfter(history), DEFAULT_POLICY)).toBe(deadlinesAfter(...history)[0]?.dueOn));
});
