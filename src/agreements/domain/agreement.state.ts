import { ignoreUnknown } from '../../core/decider';
import type { IsoDate } from './dates';
import type {
  AgreementEvent,
  AgreementImported,
  AgreementKind,
  AgreementProposed,
  ImportedEnding,
  ImportSource,
  LeadOpd,
  MonevRecommendation,
  PksSignatory,
  SemesterReportSubmitted,
  Signatory,
  SigningMode,
  TerminationGround,
} from './agreement.events';

export type PksStage = 'drafting' | 'active' | 'expired' | 'terminated' | 'ended-with-agreement';
export type FollowUpStatus = 'assigned' | 'acknowledged' | 'in-progress' | 'completed' | 'cancelled';
export type VisitStatus = 'requested' | 'scheduled' | 'held' | 'cancelled';
export type DprdStatus = 'not-requested' | 'requested' | 'approved' | 'rejected';

export interface Draft {
  version: number;
  documentSha256: string;
  summary: string;
}

export interface KsbSignature {
  signatory: Signatory;
  documentNumber: string;
  date: IsoDate;
  place: string;
}

export interface Pks {
  pksId: string;
  stage: PksStage;
  field: string;
  title: string;
  leadOpds: LeadOpd[];
  termMonths: number;
  draftedOn: IsoDate;
  draft?: Draft;
  /** DPRD decision per party the gate applies to, for the latest draft. */
  dprd: Record<string, { status: DprdStatus; decisionNumber?: string; note?: string }>;
  signatures: Record<string, { signatory: PksSignatory; documentNumber: string; date: IsoDate }>;
  validFrom?: IsoDate;
  validUntil?: IsoDate;
  amendments: { amendmentNo: number; documentSha256: string; summary: string; on: IsoDate }[];
  endedOn?: IsoDate;
  termination?: { ground: TerminationGround; note: string };
  /** Set for a PKS signed before Sinergi and brought in. */
  imported?: { on: IsoDate; source: ImportSource };
}

export interface FollowUp {
  followUpId: string;
  pksId?: string;
  party: string;
  opd: string;
  action: string;
  dueDate: IsoDate;
  assignedOn: IsoDate;
  status: FollowUpStatus;
  percent: number;
  evidence: string[];
  completedOn?: IsoDate;
}

export interface ReciprocalVisit {
  visitId: string;
  host: string;
  visitor: string;
  purpose: string;
  requestedOn: IsoDate;
  status: VisitStatus;
  date?: IsoDate;
  delegation: string[];
  summary?: string;
  outcomes: string[];
}

/** No agreement yet: nothing was proposed or imported under this id. */
export interface NoAgreement {
  stage: 'none';
}

/** What every recorded KSB holds, whatever its stage. */
interface AgreementRecord {
  agreementId: string;
  proposer: string;
  counterparts: string[];
  /** Proposer first, then counterparts. */
  parties: string[];
  title: string;
  fields: string[];
  scope: string;
  kind: AgreementKind;
  /** The letter that offered the KSB; an imported KSB was never offered in Sinergi and has none. */
  offerLetter?: { number: string; date: IsoDate; documentSha256?: string };
  termMonths: number;
  accepted: string[];
  draft?: Draft;
  /** Parties whose TKKSD approved the latest draft. */
  approvals: string[];
  /** The day every TKKSD had approved the latest draft: no signature before it. */
  draftApprovedOn?: IsoDate;
  signingSchedule?: { date: IsoDate; place: string; mode: SigningMode };
  signatures: Record<string, KsbSignature>;
  amendments: { amendmentNo: number; documentSha256: string; summary: string }[];
  visits: ReciprocalVisit[];
  semesterReports: SemesterReportSubmitted['data'][];
  /**
   * The latest monev of each party. Earlier ones stay in the history: a state that grew with every monev would
   * grow without bound in the command path's cache.
   */
  monev: Record<string, { party: string; date: IsoDate; rating: number; recommendation: MonevRecommendation; note: string }>;
  pks: Pks[];
  followUps: FollowUp[];
  /** Set for a KSB signed before Sinergi and brought in: it has no offer, negotiation or drafts in Sinergi. */
  imported?: { on: IsoDate; source: ImportSource };
}

/** Offered, negotiated or awaiting signatures: not yet in force, so without a term. */
export interface AgreementInProcess extends AgreementRecord {
  stage: 'proposed' | 'negotiating' | 'awaiting-signatures';
}

/** A counterpart declined the offer. */
export interface AgreementDeclined extends AgreementRecord {
  stage: 'declined';
  declined: { party: string; reason: string };
}

/** The proposer withdrew it before the last signature. */
export interface AgreementWithdrawn extends AgreementRecord {
  stage: 'withdrawn';
  withdrawal: { reason: string };
  endedOn: IsoDate;
}

/** Signed by every party: it has a term, and keeps it once it has ended. */
export interface AgreementInForce extends AgreementRecord {
  stage: 'active' | 'expired' | 'terminated';
  validFrom: IsoDate;
  validUntil: IsoDate;
  /** Set once it has ended (expired or terminated). */
  endedOn?: IsoDate;
  /** Set when it was terminated early on a ground. */
  termination?: { ground: TerminationGround; note: string };
}

export type RecordedAgreement = AgreementInProcess | AgreementDeclined | AgreementWithdrawn | AgreementInForce;

/** One KSB as its history made it: a union of stages, each with the fields that stage is sure to have. */
export type AgreementState = NoAgreement | RecordedAgreement;

export type AgreementStage = AgreementState['stage'];

export const initialAgreementState: AgreementState = { stage: 'none' };

const updatePks = <S extends RecordedAgreement>(state: S, pksId: string, change: (pks: Pks) => Partial<Pks>): S => ({
  ...state,
  pks: state.pks.map((p) => (p.pksId === pksId ? { ...p, ...change(p) } : p)),
});

const updateFollowUp = <S extends RecordedAgreement>(
  state: S,
  followUpId: string,
  change: (followUp: FollowUp) => Partial<FollowUp>,
): S => ({
  ...state,
  followUps: state.followUps.map((f) => (f.followUpId === followUpId ? { ...f, ...change(f) } : f)),
});

const updateVisit = <S extends RecordedAgreement>(state: S, visitId: string, change: Partial<ReciprocalVisit>): S => ({
  ...state,
  visits: state.visits.map((v) => (v.visitId === visitId ? { ...v, ...change } : v)),
});

export function evolveAgreement(state: AgreementState, event: AgreementEvent): AgreementState {
  if (event.type === 'AgreementProposed') return proposedAgreement(event.data);
  if (event.type === 'AgreementImported') return importedAgreement(event.data);
  // Every other step follows the proposal or the import of the agreement.
  return state.stage === 'none' ? state : evolveRecorded(state, event);
}

function evolveRecorded(state: RecordedAgreement, event: Exclude<AgreementEvent, AgreementProposed | AgreementImported>): RecordedAgreement {
  switch (event.type) {
    case 'OfferAccepted':
      return { ...state, accepted: [...state.accepted, event.data.party] };
    case 'OfferDeclined':
      return { ...state, stage: 'declined', declined: event.data };
    case 'NegotiationOpened':
      return { ...state, stage: 'negotiating' };
    case 'AgreementWithdrawn':
      return { ...state, stage: 'withdrawn', withdrawal: { reason: event.data.reason }, endedOn: event.data.on };
    case 'DraftRevised': {
      const { version, documentSha256, summary, termMonths } = event.data;
      return { ...state, stage: 'negotiating', draft: { version, documentSha256, summary }, termMonths, approvals: [] };
    }
    case 'DraftApproved':
      return { ...state, approvals: [...state.approvals, event.data.party] };
    case 'DraftFinalized':
      return { ...state, stage: 'awaiting-signatures', ...(event.data.on ? { draftApprovedOn: event.data.on } : {}) };
    case 'SigningScheduled':
      return { ...state, signingSchedule: event.data };
    case 'AgreementSigned': {
      const { party, ...signature } = event.data;
      return { ...state, signatures: { ...state.signatures, [party]: signature } };
    }
    case 'AgreementActivated':
      return { ...state, stage: 'active', validFrom: event.data.validFrom, validUntil: event.data.validUntil };
    case 'ReciprocalVisitRequested': {
      const { visitId, host, visitor, purpose, on } = event.data;
      const visit: ReciprocalVisit = {
        visitId,
        host,
        visitor,
        purpose,
        requestedOn: on,
        status: 'requested',
        delegation: [],
        outcomes: [],
      };
      return { ...state, visits: [...state.visits, visit] };
    }
    case 'ReciprocalVisitScheduled':
      return updateVisit(state, event.data.visitId, {
        status: 'scheduled',
        date: event.data.date,
        delegation: event.data.delegation,
      });
    case 'ReciprocalVisitHeld':
      return updateVisit(state, event.data.visitId, {
        status: 'held',
        date: event.data.date,
        summary: event.data.summary,
        outcomes: event.data.outcomes,
      });
    case 'ReciprocalVisitCancelled':
      return updateVisit(state, event.data.visitId, { status: 'cancelled' });
    case 'SemesterReportSubmitted':
      return { ...state, semesterReports: [...state.semesterReports, event.data] };
    case 'MonevRecorded':
      return { ...state, monev: { ...state.monev, [event.data.party]: event.data } };
    case 'AgreementAmended': {
      const { amendmentNo, documentSha256, summary, addedFields, scope } = event.data;
      return {
        ...state,
        amendments: [...state.amendments, { amendmentNo, documentSha256, summary }],
        fields: addedFields ? [...state.fields, ...addedFields] : state.fields,
        scope: scope ?? state.scope,
      };
    }
    // Only an agreement in force is extended, terminated or expires.
    case 'AgreementExtended':
      return isInForce(state) ? { ...state, validUntil: event.data.validUntil } : state;
    case 'AgreementTerminated':
      return isInForce(state)
        ? { ...state, stage: 'terminated', endedOn: event.data.on, termination: { ground: event.data.ground, note: event.data.note } }
        : state;
    case 'AgreementExpired':
      return isInForce(state) ? { ...state, stage: 'expired', endedOn: event.data.on } : state;
    case 'PksDrafted': {
      const { pksId, field, title, leadOpds, termMonths, dprdRequiredFor, on } = event.data;
      const pks: Pks = {
        pksId,
        stage: 'drafting',
        field,
        title,
        leadOpds,
        termMonths,
        draftedOn: on,
        dprd: Object.fromEntries(dprdRequiredFor.map((party) => [party, { status: 'not-requested' as const }])),
        signatures: {},
        amendments: [],
      };
      return { ...state, pks: [...state.pks, pks] };
    }
    case 'PksRevised': {
      const { pksId, version, documentSha256, summary } = event.data;
      return updatePks(state, pksId, (pks) => ({
        draft: { version, documentSha256, summary },
        dprd: Object.fromEntries(Object.keys(pks.dprd).map((party) => [party, { status: 'not-requested' as const }])),
      }));
    }
    case 'PksDprdApprovalRequested':
      return updatePks(state, event.data.pksId, (pks) => ({
        dprd: { ...pks.dprd, [event.data.party]: { status: 'requested' } },
      }));
    case 'PksDprdApprovalDecided': {
      const { pksId, party, approved, decisionNumber, note } = event.data;
      return updatePks(state, pksId, (pks) => ({
        dprd: { ...pks.dprd, [party]: { status: approved ? 'approved' : 'rejected', decisionNumber, note } },
      }));
    }
    case 'PksSigned': {
      const { pksId, party, ...signature } = event.data;
      return updatePks(state, pksId, (pks) => ({ signatures: { ...pks.signatures, [party]: signature } }));
    }
    case 'PksActivated':
      return updatePks(state, event.data.pksId, () => ({
        stage: 'active',
        validFrom: event.data.validFrom,
        validUntil: event.data.validUntil,
      }));
    case 'PksAmended': {
      const { pksId, ...amendment } = event.data;
      return updatePks(state, pksId, (pks) => ({ amendments: [...pks.amendments, amendment] }));
    }
    case 'PksExtended':
      return updatePks(state, event.data.pksId, () => ({ validUntil: event.data.validUntil }));
    case 'PksTerminated':
      return updatePks(state, event.data.pksId, () => ({
        stage: 'terminated',
        endedOn: event.data.on,
        termination: { ground: event.data.ground, note: event.data.note },
      }));
    case 'PksExpired':
      return updatePks(state, event.data.pksId, () => ({ stage: 'expired', endedOn: event.data.on }));
    case 'PksEndedWithAgreement':
      return updatePks(state, event.data.pksId, () => ({ stage: 'ended-with-agreement', endedOn: event.data.on }));
    case 'PksImported': {
      const { pksId, field, title, leadOpds, signatures, validFrom, validUntil, status, ending, source, on } = event.data;
      const pks: Pks = {
        pksId,
        stage: status,
        field,
        title,
        leadOpds,
        termMonths: monthsBetween(validFrom, validUntil),
        draftedOn: validFrom,
        dprd: {},
        signatures: Object.fromEntries(signatures.map(({ party, ...signature }) => [party, signature])),
        validFrom,
        validUntil,
        amendments: [],
        ...endingOf(ending),
        imported: { on, source },
      };
      return { ...state, pks: [...state.pks, pks] };
    }
    case 'FollowUpAssigned': {
      const { followUpId, pksId, party, opd, action, dueDate, on } = event.data;
      const followUp: FollowUp = {
        followUpId,
        ...(pksId ? { pksId } : {}),
        party,
        opd,
        action,
        dueDate,
        assignedOn: on,
        status: 'assigned',
        percent: 0,
        evidence: [],
      };
      return { ...state, followUps: [...state.followUps, followUp] };
    }
    case 'FollowUpAcknowledged':
      return updateFollowUp(state, event.data.followUpId, () => ({ status: 'acknowledged' }));
    case 'FollowUpProgressReported':
      return updateFollowUp(state, event.data.followUpId, (f) => ({
        status: 'in-progress',
        percent: event.data.percent,
        evidence: [...f.evidence, ...event.data.evidence],
      }));
    case 'FollowUpCompleted':
      return updateFollowUp(state, event.data.followUpId, (f) => ({
        status: 'completed',
        percent: 100,
        evidence: [...f.evidence, ...event.data.evidence],
        completedOn: event.data.on,
      }));
    case 'FollowUpDueDateExtended':
      return updateFollowUp(state, event.data.followUpId, () => ({ dueDate: event.data.dueDate }));
    case 'FollowUpCancelled':
      return updateFollowUp(state, event.data.followUpId, () => ({ status: 'cancelled' }));
    default:
      return ignoreUnknown(event, state);
  }
}

// Built as one literal and completed with Object.assign: V8 copies an object spread followed by new properties
// on a slow path (about 20 µs a KSB, 2 µs so), which every import and every rebuild pays.
function proposedAgreement(d: AgreementProposed['data']): AgreementInProcess {
  return Object.assign(firstRecordOf(d, 'proposed', d.termMonths), { offerLetter: d.offerLetter });
}

function importedAgreement(d: AgreementImported['data']): AgreementInForce {
  return Object.assign(
    firstRecordOf(d, d.status, monthsBetween(d.validFrom, d.validUntil)),
    {
      accepted: d.counterparts,
      signatures: Object.fromEntries(d.signatures.map(({ party, ...signature }) => [party, signature])),
      validFrom: d.validFrom,
      validUntil: d.validUntil,
      imported: { on: d.on, source: d.source },
    },
    endingOf(d.ending),
  );
}

/** A KSB as its first event (the proposal or the import) leaves it: who it binds, what it is about, no step yet. */
const firstRecordOf = <S extends AgreementStage>(d: AgreementProposed['data'] | AgreementImported['data'], stage: S, termMonths: number) => ({
  stage,
  agreementId: d.agreementId,
  proposer: d.proposer,
  counterparts: d.counterparts,
  parties: [d.proposer, ...d.counterparts],
  title: d.title,
  fields: d.fields,
  scope: d.scope,
  kind: d.kind,
  termMonths,
  accepted: [] as string[],
  approvals: [] as string[],
  signatures: {} as Record<string, KsbSignature>,
  amendments: [],
  visits: [],
  semesterReports: [],
  monev: {},
  pks: [],
  followUps: [],
});

function endingOf(ending: ImportedEnding | undefined): { endedOn?: IsoDate; termination?: { ground: TerminationGround; note: string } } {
  if (!ending) return {};
  return { endedOn: ending.on, ...(ending.ground ? { termination: { ground: ending.ground, note: ending.note } } : {}) };
}

/** Whole months from one date to another, rounded up: the term of an agreement known only by its dates. */
export function monthsBetween(from: IsoDate, to: IsoDate): number {
  // Read in place (YYYY-MM-DD): no arrays to build, as every imported agreement and PKS is folded through here.
  const part = (date: IsoDate, at: number, length: number) => Number(date.slice(at, at + length));
  return (part(to, 0, 4) - part(from, 0, 4)) * 12 + (part(to, 5, 2) - part(from, 5, 2)) + (part(to, 8, 2) > part(from, 8, 2) ? 1 : 0);
}

/** Before the last party has signed: the KSB may still be withdrawn, and counts as in process. */
export const isBeforeSignature = (stage: AgreementStage): boolean => stage === 'proposed' || stage === 'negotiating' || stage === 'awaiting-signatures';

/** Signed by every party: active, or ended after it took effect. */
export const isInForce = (state: AgreementState): state is AgreementInForce =>
  state.stage === 'active' || state.stage === 'expired' || state.stage === 'terminated';

export const isAgreementEnded = (stage: AgreementStage): boolean =>
  stage === 'expired' || stage === 'terminated' || stage === 'declined' || stage === 'withdrawn';

export const isPksEnded = (stage: PksStage): boolean =>
  stage === 'expired' || stage === 'terminated' || stage === 'ended-with-agreement';

export const isFollowUpOpen = (status: FollowUpStatus): boolean => status !== 'completed' && status !== 'cancelled';
