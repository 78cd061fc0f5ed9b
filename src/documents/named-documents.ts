import { assertNever } from '../core/decider';
import type { RecordedEvent } from '../core/event';
import type { RecordedAgreementEvent } from '../../projections/agreement-event';

/** Which step named the document, as the agreement page and the audit bundle say it. */
export type DocumentRole =
  | 'offer-letter'
  | 'draft'
  | 'semester-report'
  | 'addendum'
  | 'pks-draft'
  | 'pks-addendum'
  | 'follow-up-evidence'
  | 'signed-ksb'
  | 'signed-pks'
  | 'visit-report'
  | 'monev';

/** A step of the agreement that names a document by its SHA-256. */
export interface DocumentNaming {
  sha256: string;
  role: DocumentRole;
  /** `KSB`, or the PKS or follow-up the step is about. */
  subject: string;
  /** The draft version, the amendment number, the semester (`2025-S1`): what tells this document from its siblings. */
  label: string;
  revision: number;
  occurredAt: string;
}

/** The documents one step of an agreement names by their SHA-256. */
export function documentsNamedBy(event: RecordedAgreementEvent): DocumentNaming[] {
  const at = (sha256: string, role: DocumentRole, subject: string, label: string): DocumentNaming => ({
    sha256,
    role,
    subject,
    label,
    revision: event.revision,
    occurredAt: event.metadata.occurredAt,
  });
  switch (event.type) {
    case 'AgreementProposed': {
      const { documentSha256, number } = event.data.offerLetter;
      return documentSha256 ? [at(documentSha256, 'offer-letter', 'KSB', number)] : [];
    }
    case 'DraftRevised':
      return [at(event.data.documentSha256, 'draft', 'KSB', `v${event.data.version}`)];
    case 'SemesterReportSubmitted': {
      const { documentSha256, party, year, semester } = event.data;
      return documentSha256 ? [at(documentSha256, 'semester-report', 'KSB', `${party} ${year}-S${semester}`)] : [];
    }
    case 'AgreementAmended':
      return [at(event.data.documentSha256, 'addendum', 'KSB', `#${event.data.amendmentNo}`)];
    case 'PksRevised':
      return [at(event.data.documentSha256, 'pks-draft', event.data.pksId, `v${event.data.version}`)];
    case 'PksAmended':
      return [at(event.data.documentSha256, 'pks-addendum', event.data.pksId, `#${event.data.amendmentNo}`)];
    case 'AgreementSigned':
      return event.data.documentSha256 ? [at(event.data.documentSha256, 'signed-ksb', 'KSB', event.data.party)] : [];
    case 'PksSigned':
      return event.data.documentSha256 ? [at(event.data.documentSha256, 'signed-pks', event.data.pksId, event.data.party)] : [];
    case 'ReciprocalVisitHeld':
      return event.data.documentSha256 ? [at(event.data.documentSha256, 'visit-report', event.data.visitId, event.data.date)] : [];
    case 'MonevRecorded':
      return event.data.documentSha256 ? [at(event.data.documentSha256, 'monev', 'KSB', `${event.data.party} ${event.data.date}`)] : [];
    case 'FollowUpProgressReported':
    case 'FollowUpCompleted':
      return event.data.evidence.map((sha256) => at(sha256, 'follow-up-evidence', event.data.followUpId, event.type === 'FollowUpCompleted' ? 'completed' : `${event.data.percent}%`));
    case 'OfferAccepted':
    case 'OfferDeclined':
    case 'NegotiationOpened':
    case 'AgreementWithdrawn':
    case 'DraftApproved':
    case 'DraftFinalized':
    case 'SigningScheduled':
    case 'AgreementActivated':
    case 'ReciprocalVisitRequested':
    case 'ReciprocalVisitScheduled':
    case 'ReciprocalVisitCancelled':
    case 'AgreementExtended':
    case 'AgreementTerminated':
    case 'AgreementExpired':
    case 'PksDrafted':
    case 'PksDprdApprovalRequested':
    case 'PksDprdApprovalDecided':
    case 'PksActivated':
    case 'PksExtended':
    case 'PksTerminated':
    case 'PksExpired':
    case 'PksEndedWithAgreement':
    case 'FollowUpAssigned':
    case 'FollowUpAcknowledged':
    case 'FollowUpDueDateExtended':
    case 'FollowUpCancelled':
    case 'AgreementImported':
    case 'PksImported':
      return [];
    default:
      return assertNever(event);
  }
}

/** Every document an agreement's history names, each once, with every step that names it, in the order first named. */
export function documentsNamedIn(history: readonly RecordedEvent[]): Map<string, DocumentNaming[]> {
  const named = new Map<string, DocumentNaming[]>();
  for (const event of history) {
    for (const naming of documentsNamedBy(event as RecordedAgreementEvent)) {
      const steps = named.get(naming.sha256);
      if (steps) steps.push(naming);
      else named.set(naming.sha256, [naming]);
    }
  }
  return named;
}
