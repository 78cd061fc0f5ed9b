import type { IsoDate } from './dates';

export type AgreementKind = 'voluntary' | 'mandatory';
export type SigningMode = 'ceremonial' | 'desk-to-desk' | 'hybrid';
export type MonevRecommendation = 'continue' | 'revise' | 'terminate';
export type SignatoryCapacity = 'head-of-region' | 'opd-head';

/** Grounds for ending an agreement early, as regional cooperation rules usually list them. */
export const TERMINATION_GROUNDS = [
  'agreed-by-parties',
  'objective-achieved',
  'force-majeure',
  'breach-by-party',
  'replaced-by-new-agreement',
  'new-legal-norm',
  'object-lost',
  'harm-to-national-interest',
] as const;
export type TerminationGround = (typeof TERMINATION_GROUNDS)[number];

export interface Signatory {
  name: string;
  position: string;
}

export interface PksSignatory extends Signatory {
  capacity: SignatoryCapacity;
  /** Number of the special power of attorney (SKK); required when an OPD head signs. */
  skkNumber?: string;
}

export interface LeadOpd {
  party: string;
  opd: string;
}

type Event<Type extends string, Data> = { type: Type; data: Data };

export type AgreementProposed = Event<
  'AgreementProposed',
  {
    agreementId: string;
    proposer: string;
    counterparts: string[];
    title: string;
    fields: string[];
    scope: string;
    kind: AgreementKind;
    offerLetter: { number: string; date: IsoDate; documentSha256?: string };
    termMonths: number;
  }
>;
export type OfferAccepted = Event<'OfferAccepted', { party: string }>;
export type OfferDeclined = Event<'OfferDeclined', { party: string; reason: string }>;
export type NegotiationOpened = Event<'NegotiationOpened', { on: IsoDate }>;
export type AgreementWithdrawn = Event<'AgreementWithdrawn', { reason: string; on: IsoDate }>;
export type DraftRevised = Event<
  'DraftRevised',
  { version: number; documentSha256: string; summary: string; termMonths: number }
>;
export type DraftApproved = Event<'DraftApproved', { party: string; version: number }>;
/** `on`: the day the last TKKSD approved (absent from events recorded before it was kept). */
export type DraftFinalized = Event<'DraftFinalized', { version: number; on?: IsoDate }>;
export type SigningScheduled = Event<'SigningScheduled', { date: IsoDate; place: string; mode: SigningMode }>;
/** `documentSha256`: the copy that party signed, when its fingerprint was recorded. */
export type AgreementSigned = Event<
  'AgreementSigned',
  { party: string; signatory: Signatory; documentNumber: string; date: IsoDate; place: string; documentSha256?: string }
>;
export type AgreementActivated = Event<'AgreementActivated', { validFrom: IsoDate; validUntil: IsoDate }>;
export type ReciprocalVisitRequested = Event<
  'ReciprocalVisitRequested',
  { visitId: string; host: string; visitor: string; purpose: string; on: IsoDate }
>;
export type ReciprocalVisitScheduled = Event<
  'ReciprocalVisitScheduled',
  { visitId: string; date: IsoDate; delegation: string[] }
>;
export type ReciprocalVisitHeld = Event<
  'ReciprocalVisitHeld',
  { visitId: string; date: IsoDate; summary: string; outcomes: string[]; documentSha256?: string }
>;
export type ReciprocalVisitCancelled = Event<'ReciprocalVisitCancelled', { visitId: string; reason: string }>;
export type SemesterReportSubmitted = Event<
  'SemesterReportSubmitted',
  { party: string; year: number; semester: 1 | 2; summary: string; documentSha256?: string; on: IsoDate }
>;
export type MonevRecorded = Event<
  'MonevRecorded',
  { party: string; date: IsoDate; rating: number; recommendation: MonevRecommendation; note: string; documentSha256?: string }
>;
export type AgreementAmended = Event<
  'AgreementAmended',
  {
    amendmentNo: number;
    documentSha256: string;
    summary: string;
    signatures: { party: string; signatory: Signatory; documentNumber: string; date: IsoDate }[];
    /** Fields of cooperation (urusan) the addendum adds: PKS may then be drafted in them. */
    addedFields?: string[];
    /** The scope as the addendum words it anew. */
    scope?: string;
  }
>;
export type AgreementExtended = Event<
  'AgreementExtended',
  { previousValidUntil: IsoDate; validUntil: IsoDate; on: IsoDate }
>;
export type AgreementTerminated = Event<
  'AgreementTerminated',
  { ground: TerminationGround; note: string; on: IsoDate }
>;
export type AgreementExpired = Event<'AgreementExpired', { on: IsoDate }>;

/**
 * Where an imported agreement came from: a row of a spreadsheet (the web app's form for one old agreement sends a
 * spreadsheet of one row).
 */
export type ImportSource = { kind: 'spreadsheet'; fileName: string; fileSha256: string; row: number };

/** How an agreement signed before Sinergi stands on the day it is brought in. */
export type ImportedStatus = 'active' | 'expired' | 'terminated';

/** The end of an agreement signed before Sinergi, when it has ended: on its end date, or terminated early. */
export type ImportedEnding = { on: IsoDate; ground?: TerminationGround; note: string };

/**
 * A KSB signed before Sinergi, recorded as it is known today (who signed, when, until when, how it stands), not
 * as an invented history of offers and drafts. The importing user is the event's actor.
 */
export type AgreementImported = Event<
  'AgreementImported',
  {
    agreementId: string;
    proposer: string;
    counterparts: string[];
    title: string;
    fields: string[];
    scope: string;
    kind: AgreementKind;
    signatures: { party: string; signatory: Signatory; documentNumber: string; date: IsoDate; place: string }[];
    validFrom: IsoDate;
    validUntil: IsoDate;
    status: ImportedStatus;
    ending?: ImportedEnding;
    source: ImportSource;
    on: IsoDate;
  }
>;

export type PksDrafted = Event<
  'PksDrafted',
  {
    pksId: string;
    field: string;
    title: string;
    leadOpds: LeadOpd[];
    termMonths: number;
    /** Parties whose DPRD must approve: the cooperation burdens the public or is not yet funded in the APBD. */
    dprdRequiredFor: string[];
    on: IsoDate;
  }
>;
export type PksRevised = Event<
  'PksRevised',
  { pksId: string; version: number; documentSha256: string; summary: string }
>;
export type PksDprdApprovalRequested = Event<'PksDprdApprovalRequested', { pksId: string; party: string; version: number }>;
export type PksDprdApprovalDecided = Event<
  'PksDprdApprovalDecided',
  { pksId: string; party: string; version: number; approved: boolean; decisionNumber: string; note: string }
>;
export type PksSigned = Event<
  'PksSigned',
  { pksId: string; party: string; signatory: PksSignatory; documentNumber: string; date: IsoDate; documentSha256?: string }
>;
export type PksActivated = Event<'PksActivated', { pksId: string; validFrom: IsoDate; validUntil: IsoDate }>;
export type PksAmended = Event<
  'PksAmended',
  { pksId: string; amendmentNo: number; documentSha256: string; summary: string; on: IsoDate }
>;
export type PksExtended = Event<
  'PksExtended',
  { pksId: string; previousValidUntil: IsoDate; validUntil: IsoDate; on: IsoDate }
>;
export type PksTerminated = Event<
  'PksTerminated',
  { pksId: string; ground: TerminationGround; note: string; on: IsoDate }
>;
export type PksExpired = Event<'PksExpired', { pksId: string; on: IsoDate }>;
/** A PKS ends with its KSB: recorded in the same append as the KSB's end. */
export type PksEndedWithAgreement = Event<'PksEndedWithAgreement', { pksId: string; on: IsoDate }>;
/** A PKS signed before Sinergi under a KSB that is in Sinergi, recorded as it is known today. */
export type PksImported = Event<
  'PksImported',
  {
    pksId: string;
    field: string;
    title: string;
    leadOpds: LeadOpd[];
    signatures: { party: string; signatory: PksSignatory; documentNumber: string; date: IsoDate }[];
    validFrom: IsoDate;
    validUntil: IsoDate;
    status: ImportedStatus;
    ending?: ImportedEnding;
    source: ImportSource;
    on: IsoDate;
  }
>;

export type FollowUpAssigned = Event<
  'FollowUpAssigned',
  { followUpId: string; pksId?: string; party: string; opd: string; action: string; dueDate: IsoDate; on: IsoDate }
>;
export type FollowUpAcknowledged = Event<'FollowUpAcknowledged', { followUpId: string }>;
export type FollowUpProgressReported = Event<
  'FollowUpProgressReported',
  { followUpId: string; percent: number; note: string; evidence: string[]; on: IsoDate }
>;
export type FollowUpCompleted = Event<
  'FollowUpCompleted',
  { followUpId: string; note: string; evidence: string[]; on: IsoDate }
>;
export type FollowUpDueDateExtended = Event<
  'FollowUpDueDateExtended',
  { followUpId: string; previousDueDate: IsoDate; dueDate: IsoDate; reason: string }
>;
export type FollowUpCancelled = Event<
  'FollowUpCancelled',
  { followUpId: string; reason: string; cause: 'requested' | 'parent-ended' }
>;

export type AgreementEvent =
  | AgreementProposed
  | OfferAccepted
  | OfferDeclined
  | NegotiationOpened
  | AgreementWithdrawn
  | DraftRevised
  | DraftApproved
  | DraftFinalized
  | SigningScheduled
  | AgreementSigned
  | AgreementActivated
  | ReciprocalVisitRequested
  | ReciprocalVisitScheduled
  | ReciprocalVisitHeld
  | ReciprocalVisitCancelled
  | SemesterReportSubmitted
  | MonevRecorded
  | AgreementAmended
  | AgreementExtended
  | AgreementTerminated
  | AgreementExpired
  | AgreementImported
  | PksDrafted
  | PksRevised
  | PksDprdApprovalRequested
  | PksDprdApprovalDecided
  | PksSigned
  | PksActivated
  | PksAmended
  | PksExtended
  | PksTerminated
  | PksExpired
  | PksEndedWithAgreement
  | PksImported
  | FollowUpAssigned
  | FollowUpAcknowledged
  | FollowUpProgressReported
  | FollowUpCompleted
  | FollowUpDueDateExtended
  | FollowUpCancelled;

export type AgreementEventType = AgreementEvent['type'];
