import type { AgreementEvent, AgreementEventType } from '../../src/agreements/domain/agreement.events';
import * as F from '../../test/support/agreement-fixtures';
import { banten, bengkulu } from '../../test/support/agreement-fixtures';
import { AGREEMENT_ID, bantenCoordinator, recorded } from '../../test/projections/support/recorded-events';
import { activityProjection as projection } from './activity.projection';

// Every event type with what it is about within the agreement; a record, so a type added later must be listed.
const SUBJECTS: Record<AgreementEventType, [AgreementEvent, string | undefined]> = {
  AgreementProposed: [F.proposed(), undefined],
  OfferAccepted: [F.accepted(bengkulu), bengkulu],
  OfferDeclined: [F.declined(bengkulu), bengkulu],
  NegotiationOpened: [F.negotiationOpened(), undefined],
  AgreementWithdrawn: [F.withdrawn(), undefined],
  DraftRevised: [F.draftRevised(1), undefined],
  DraftApproved: [F.draftApproved(banten), banten],
  DraftFinalized: [F.draftFinalized(), undefined],
  SigningScheduled: [F.signingScheduled(), undefined],
  AgreementSigned: [F.signedBy(bengkulu), bengkulu],
  AgreementActivated: [F.activated(), undefined],
  ReciprocalVisitRequested: [F.visitRequested(), 'visit-1'],
  ReciprocalVisitScheduled: [F.visitScheduled(), 'visit-1'],
  ReciprocalVisitHeld: [F.visitHeld(), 'visit-1'],
  ReciprocalVisitCancelled: [F.visitCancelled(), 'visit-1'],
  SemesterReportSubmitted: [F.semesterReported(bengkulu), bengkulu],
  MonevRecorded: [F.monevRecorded(), banten],
  AgreementAmended: [F.amended(), undefined],
  AgreementExtended: [F.extended('2031-10-24'), undefined],
  AgreementTerminated: [F.terminated(), undefined],
  AgreementExpired: [F.expired(), undefined],
  PksDrafted: [F.pksDrafted(), 'pks-1'],
  PksRevised: [F.pksRevised(), 'pks-1'],
  PksDprdApprovalRequested: [F.dprdRequested(bengkulu), 'pks-1'],
  PksDprdApprovalDecided: [F.dprdDecided(bengkulu), 'pks-1'],
  PksSigned: [F.pksSignedBy(banten), 'pks-1'],
  PksActivated: [F.pksActivated(), 'pks-1'],
  PksAmended: [F.pksAmended(), 'pks-1'],
  PksExtended: [F.pksExtended('2029-06-30'), 'pks-1'],
  PksTerminated: [F.pksTerminated(), 'pks-1'],
  PksExpired: [F.pksExpired(), 'pks-1'],
  PksEndedWithAgreement: [F.pksEndedWithAgreement(), 'pks-1'],
  AgreementImported: [F.agreementImported(), undefined],
  PksImported: [F.pksImported(), 'pks-1'],
  FollowUpAssigned: [F.followUpAssigned(), 'tl-1'],
  FollowUpAcknowledged: [F.followUpAcknowledged(), 'tl-1'],
  FollowUpProgressReported: [F.progressReported(50), 'tl-1'],
  FollowUpCompleted: [F.followUpCompleted(), 'tl-1'],
  FollowUpDueDateExtended: [F.dueDateExtended('2026-04-30'), 'tl-1'],
  FollowUpCancelled: [F.followUpCancelled(), 'tl-1'],
};

describe('the activity projection', () => {
  it.each(Object.entries(SUBJECTS))('records %s as one entry, keyed by its position, with its subject', (type, [event, subject]) => {
    const [recordedEvent] = recorded([event], {}, 42);
    expect(projection.documentOf(recordedEvent)).toBe(42);
    expect(projection.evolve(undefined, recordedEvent)).toEqual({
      position: 42,
      agreementId: AGREEMENT_ID,
      type,
      actor: bantenCoordinator,
      occurredAt: '2025-10-24T12:00:00+07:00',
      recordedAt: '2025-10-24T05:00:01.000Z',
      ...(subject ? { subject } : {}),
    });
  });

  it('keeps who acted and why', () => {
    const officer = { userId: 'dinkes.17', role: 'dinas-officer' as const, region: bengkulu, opd: 'Dinas Kesehatan' };
    const [event] = recorded([F.followUpCancelled()], { actor: officer, reason: 'tidak lagi relevan', on: '2026-02-01' });
    expect(projection.evolve(undefined, event)).toMatchObject({ actor: officer, reason: 'tidak lagi relevan', occurredAt: '2026-02-01T12:00:00+07:00' });
  });

  it('stores the agreement of each entry, by which a region finds the activity of its agreements', () => {
    const entry = projection.evolve(undefined, recorded([F.proposed()])[0]);
    expect(entry && projection.schema.rowsOf(entry)).toEqual({ columns: { agreement_id: AGREEMENT_ID }, lists: {} });
  });

  it('ignores events of other streams', () => {
    const foreign = { ...recorded([F.proposed()])[0], streamId: 'crash-1' };
    expect(projection.documentOf(foreign)).toBeUndefined();
  });
});
