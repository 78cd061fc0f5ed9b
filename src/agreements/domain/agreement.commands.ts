import type { IsoDate } from './dates';
import type {
  AgreementImported,
  AgreementKind,
  LeadOpd,
  PksImported,
  MonevRecommendation,
  PksSignatory,
  Signatory,
  SigningMode,
  TerminationGround,
} from './agreement.events';
import type { AgreementPolicy } from './policy';

/** What a decision may depend on besides the state: the world date of the command and the policy in force. */
export interface DecisionContext {
  today: IsoDate;
  policy: AgreementPolicy;
}

type Command<Type extends string, Data> = { type: Type; data: Data; context: DecisionContext };

export type ProposeAgreement = Command<
  'ProposeAgreement',
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
export type AcceptOffer = Command<'AcceptOffer', { party: string }>;
export type DeclineOffer = Command<'DeclineOffer', { party: string; reason: string }>;
export type WithdrawAgreement = Command<'WithdrawAgreement', { reason: string }>;
export type ReviseDraft = Command<'ReviseDraft', { documentSha256: string; summary: string; termMonths?: number }>;
export type ApproveDraft = Command<'ApproveDraft', { party: string; version: number }>;
export type ScheduleSigning = Command<'ScheduleSigning', { date: IsoDate; place: string; mode: SigningMode }>;
export type SignAgreement = Command<
  'SignAgreement',
  { party: string; signatory: Signatory; documentNumber: string; date: IsoDate; place: string; documentSha256?: string }
>;
export type RequestReciprocalVisit = Command<
  'RequestReciprocalVisit',
  { host: string; visitor: string; purpose: string }
>;
export type ScheduleReciprocalVisit = Command<
  'ScheduleReciprocalVisit',
  { visitId: string; date: IsoDate; delegation: string[] }
>;
export type RecordReciprocalVisit = Command<
  'RecordReciprocalVisit',
  { visitId: string; date: IsoDate; summary: string; outcomes: string[]; documentSha256?: string }
>;
export type CancelReciprocalVisit = Command<'CancelReciprocalVisit', { visitId: string; reason: string }>;
export type SubmitSemesterReport = Command<
  'SubmitSemesterReport',
  { party: string; year: number; semester: 1 | 2; summary: string; documentSha256?: string }
>;
export type RecordMonev = Command<
  'RecordMonev',
  { party: string; date: IsoDate; rating: number; recommendation: MonevRecommendation; note: string; documentSha256?: string }
>;
export type AmendAgreement = Command<
  'AmendAgreement',
  {
    documentSha256: string;
    summary: string;
    signatures: { party: string; signatory: Signatory; documentNumber: string; date: IsoDate }[];
    addedFields?: string[];
    scope?: string;
  }
>;
export type ExtendAgreement = Command<'ExtendAgreement', { validUntil: IsoDate }>;
export type TerminateAgreement = Command<'TerminateAgreement', { ground: TerminationGround; note: string }>;
export type ExpireAgreement = Command<'ExpireAgreement', Record<string, never>>;

/** A follow-up still open when an old agreement is brought in; under the imported PKS when it comes with one. */
export type OpenFollowUp = { party: string; opd: string; action: string; dueDate: IsoDate };

/** Records a KSB signed before Sinergi; its validity runs from the last signature. */
export type ImportAgreement = Command<
  'ImportAgreement',
  Omit<AgreementImported['data'], 'validFrom' | 'on'> & { openFollowUps: OpenFollowUp[] }
>;
/** Records a PKS signed before Sinergi under a KSB already in Sinergi; its validity runs from the last signature. */
export type ImportPks = Command<
  'ImportPks',
  Omit<PksImported['data'], 'pksId' | 'validFrom' | 'on'> & { openFollowUps: OpenFollowUp[] }
>;

export type DraftPks = Command<
  'DraftPks',
  { field: string; title: string; leadOpds: LeadOpd[]; termMonths: number; dprdRequiredFor: string[] }
>;
export type RevisePks = Command<'RevisePks', { pksId: string; documentSha256: string; summary: string }>;
export type RequestPksDprdApproval = Command<'RequestPksDprdApproval', { pksId: string; party: string }>;
export type DecidePksDprdApproval = Command<
  'DecidePksDprdApproval',
  { pksId: string; party: string; approved: boolean; decisionNumber: string; note: string }
>;
export type SignPks = Command<
  'SignPks',
  { pksId: string; party: string; signatory: PksSignatory; documentNumber: string; date: IsoDate; documentSha256?: string }
>;
export type AmendPks = Command<'AmendPks', { pksId: string; documentSha256: string; summary: string }>;
export type ExtendPks = Command<'ExtendPks', { pksId: string; validUntil: IsoDate }>;
export type TerminatePks = Command<'TerminatePks', { pksId: string; ground: TerminationGround; note: string }>;
export type ExpirePks = Command<'ExpirePks', { pksId: string }>;

export type AssignFollowUp = Command<
  'AssignFollowUp',
  { pksId?: string; party: string; opd: string; action: string; dueDate: IsoDate }
>;
export type AcknowledgeFollowUp = Command<'AcknowledgeFollowUp', { followUpId: string }>;
export type ReportFollowUpProgress = Command<
  'ReportFollowUpProgress',
  { followUpId: string; percent: number; note: string; evidence: string[] }
>;
export type CompleteFollowUp = Command<'CompleteFollowUp', { followUpId: string; note: string; evidence: string[] }>;
export type ExtendFollowUpDueDate = Command<
  'ExtendFollowUpDueDate',
  { followUpId: string; dueDate: IsoDate; reason: string }
>;
export type CancelFollowUp = Command<'CancelFollowUp', { followUpId: string; reason: string }>;

export type AgreementCommand =
  | ProposeAgreement
  | AcceptOffer
  | DeclineOffer
  | WithdrawAgreement
  | ReviseDraft
  | ApproveDraft
  | ScheduleSigning
  | SignAgreement
  | RequestReciprocalVisit
  | ScheduleReciprocalVisit
  | RecordReciprocalVisit
  | CancelReciprocalVisit
  | SubmitSemesterReport
  | RecordMonev
  | AmendAgreement
  | ExtendAgreement
  | TerminateAgreement
  | ExpireAgreement
  | ImportAgreement
  | ImportPks
  | DraftPks
  | RevisePks
  | RequestPksDprdApproval
  | DecidePksDprdApproval
  | SignPks
  | AmendPks
  | ExtendPks
  | TerminatePks
  | ExpirePks
  | AssignFollowUp
  | AcknowledgeFollowUp
  | ReportFollowUpProgress
  | CompleteFollowUp
  | ExtendFollowUpDueDate
  | CancelFollowUp;

export type AgreementCommandType = AgreementCommand['type'];
export type CommandData<T extends AgreementCommandType> = Extract<AgreementCommand, { type: T }>['data'];
