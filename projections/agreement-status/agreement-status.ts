import type { AgreementKind, ImportSource, LeadOpd, MonevRecommendation } from '../../src/agreements/domain/agreement.events';
import type { AgreementStage, DprdStatus, FollowUpStatus, PksStage, VisitStatus } from '../../src/agreements/domain/agreement.state';
import type { IsoDate } from '../../src/agreements/domain/dates';

export interface PksStatus {
  pksId: string;
  title: string;
  field: string;
  stage: PksStage;
  leadOpds: LeadOpd[];
  draftedOn: IsoDate;
  draftVersion?: number;
  /** DPRD approval of the latest draft, for each party whose DPRD must approve. */
  dprd: Record<string, DprdStatus>;
  signedBy: string[];
  validFrom?: IsoDate;
  validUntil?: IsoDate;
  amendments: number;
  endedOn?: IsoDate;
  /** Set for a PKS signed before Sinergi and brought in. */
  imported?: { on: IsoDate; source: ImportSource };
}

export interface FollowUpSummary {
  followUpId: string;
  pksId?: string;
  party: string;
  opd: string;
  action: string;
  assignedOn: IsoDate;
  dueDate: IsoDate;
  status: FollowUpStatus;
  percent: number;
  completedOn?: IsoDate;
}

export interface VisitSummary {
  visitId: string;
  host: string;
  visitor: string;
  status: VisitStatus;
  requestedOn: IsoDate;
  /** Planned date while scheduled; the day it was held once held. */
  date?: IsoDate;
}

export type AgreementEnding = 'declined' | 'withdrawn' | 'terminated' | 'expired';

/** Where one KSB stands, with its PKS, follow-ups and reciprocal visits: one document per agreement. */
export interface AgreementStatus {
  agreementId: string;
  title: string;
  stage: Exclude<AgreementStage, 'none'>;
  kind: AgreementKind;
  proposer: string;
  counterparts: string[];
  /** Proposer first, then counterparts. */
  parties: string[];
  fields: string[];
  termMonths: number;
  offer: { letterNumber: string; accepted: string[]; declined?: { party: string; reason: string } };
  draft?: { version: number; approvedBy: string[] };
  signingScheduledOn?: IsoDate;
  signatures: { party: string; date: IsoDate }[];
  dates: {
    offered: IsoDate;
    /** The day the last party signed, from which the KSB is valid. */
    signed?: IsoDate;
    validUntil?: IsoDate;
    ended?: IsoDate;
  };
  ending?: { how: AgreementEnding; reason?: string };
  amendments: number;
  pks: PksStatus[];
  followUps: FollowUpSummary[];
  visits: VisitSummary[];
  semesterReports: { party: string; year: number; semester: 1 | 2 }[];
  /** Every monev, in the order recorded: the auditor's trend (a late record keeps its own date). */
  monev: { date: IsoDate; party: string; rating: number; recommendation: MonevRecommendation }[];
  /** Set for a KSB signed before Sinergi and brought in: `dates.offered` is then its first signature. */
  imported?: { on: IsoDate; source: ImportSource };
  lastEvent: { position: number; type: string; occurredAt: string };
}
