import { ignoreUnknown } from '../../src/core/decider';
import type { Actor } from '../../src/core/event';
import { agreementIdOf, asAgreementEvent, type RecordedAgreementEvent } from '../agreement-event';
import type { Projection } from '../projection';

/** Who did what, when: one compact entry per event of an agreement stream. */
export interface ActivityEntry {
  position: number;
  agreementId: string;
  type: string;
  actor: Actor;
  occurredAt: string;
  recordedAt: string;
  /** What within the agreement the event is about: a party, a PKS, a follow-up or a visit. */
  subject?: string;
  reason?: string;
}

function subjectOf(event: RecordedAgreementEvent): string | undefined {
  switch (event.type) {
    case 'OfferAccepted':
    case 'OfferDeclined':
    case 'DraftApproved':
    case 'AgreementSigned':
    case 'SemesterReportSubmitted':
    case 'MonevRecorded':
      return event.data.party;
    case 'PksDrafted':
    case 'PksRevised':
    case 'PksDprdApprovalRequested':
    case 'PksDprdApprovalDecided':
    case 'PksSigned':
    case 'PksActivated':
    case 'PksAmended':
    case 'PksExtended':
    case 'PksTerminated':
    case 'PksExpired':
    case 'PksEndedWithAgreement':
    case 'PksImported':
      return event.data.pksId;
    case 'FollowUpAssigned':
    case 'FollowUpAcknowledged':
    case 'FollowUpProgressReported':
    case 'FollowUpCompleted':
    case 'FollowUpDueDateExtended':
    case 'FollowUpCancelled':
      return event.data.followUpId;
    case 'ReciprocalVisitRequested':
    case 'ReciprocalVisitScheduled':
    case 'ReciprocalVisitHeld':
    case 'ReciprocalVisitCancelled':
      return event.data.visitId;
    case 'AgreementProposed':
    case 'NegotiationOpened':
    case 'AgreementWithdrawn':
    case 'DraftRevised':
    case 'DraftFinalized':
    case 'SigningScheduled':
    case 'AgreementActivated':
    case 'AgreementAmended':
    case 'AgreementExtended':
    case 'AgreementTerminated':
    case 'AgreementExpired':
    case 'AgreementImported':
      return undefined;
    default:
      return ignoreUnknown(event, undefined);
  }
}

/**
 * The activity feed. Entries carry their agreement, not its regions: a region's feed is the activity of the
 * agreements it is a party to (the parties list of agreement-status), which is also what access control allows.
 */
export const activityProjection: Projection<ActivityEntry> = {
  name: 'activity',
  version: '1',
  documentOf: (event) => (asAgreementEvent(event) ? event.position : undefined),
  evolve: (_entry, recorded) => {
    const event = asAgreementEvent(recorded);
    if (!event) return undefined;
    const { actor, occurredAt, recordedAt, reason } = event.metadata;
    const subject = subjectOf(event);
    return {
      position: event.position,
      agreementId: agreementIdOf(event),
      type: event.type,
      actor,
      occurredAt,
      recordedAt,
      ...(subject ? { subject } : {}),
      ...(reason ? { reason } : {}),
    };
  },
  schema: {
    key: 'INTEGER',
    columns: { agreement_id: 'TEXT' },
    // The key is the table's rowid, which ends every index entry: the index serves "this agreement, newest first".
    indexes: [['agreement_id']],
    lists: {},
    rowsOf: (entry) => ({ columns: { agreement_id: entry.agreementId }, lists: {} }),
  },
};
