import type { AgreementImported } from '../../src/agreements/domain/agreement.events';
import { monthsBetween } from '../../src/agreements/domain/agreement.state';
import { ignoreUnknown } from '../../src/core/decider';
import type { RecordedEvent } from '../../src/core/event';
import { agreementIdOf, asAgreementEvent, dayOf } from '../agreement-event';
import type { AgreementStatus, FollowUpSummary, PksStatus, VisitSummary } from './agreement-status';

/** The agreement's document after the event: a fresh copy, `status` itself is never touched. */
export function evolveStatus(status: AgreementStatus | undefined, recorded: RecordedEvent): AgreementStatus | undefined {
  const event = asAgreementEvent(recorded);
  if (!event) return status;
  if (event.type === 'AgreementProposed') {
    const d = event.data;
    return {
      agreementId: agreementIdOf(event),
      title: d.title,
      stage: 'proposed',
      kind: d.kind,
      proposer: d.proposer,
      counterparts: d.counterparts,
      parties: [d.proposer, ...d.counterparts],
      fields: d.fields,
      termMonths: d.termMonths,
      offer: { letterNumber: d.offerLetter.number, accepted: [] },
      signatures: [],
      dates: { offered: d.offerLetter.date },
      amendments: 0,
      pks: [],
      followUps: [],
      visits: [],
      semesterReports: [],
      monev: [],
      lastEvent: lastEventOf(event),
    };
  }
  if (event.type === 'AgreementImported') return importedStatus(agreementIdOf(event), event.data, lastEventOf(event));
  // Events of an agreement whose proposal this projection never saw change nothing it could show.
  if (!status) return undefined;
  // A fresh copy, changed below: `status` itself is never touched.
  const s: AgreementStatus = { ...status, lastEvent: lastEventOf(event) };
  switch (event.type) {
    case 'OfferAccepted':
      s.offer = { ...s.offer, accepted: [...s.offer.accepted, event.data.party] };
      return s;
    case 'OfferDeclined':
      s.stage = 'declined';
      s.offer = { ...s.offer, declined: event.data };
      s.dates = { ...s.dates, ended: dayOf(event, s.proposer) };
      s.ending = { how: 'declined', reason: event.data.reason };
      return s;
    case 'NegotiationOpened':
      s.stage = 'negotiating';
      return s;
    case 'AgreementWithdrawn':
      s.stage = 'withdrawn';
      s.dates = { ...s.dates, ended: event.data.on };
      s.ending = { how: 'withdrawn', reason: event.data.reason };
      return s;
    case 'DraftRevised':
      s.stage = 'negotiating';
      s.termMonths = event.data.termMonths;
      s.draft = { version: event.data.version, approvedBy: [] };
      return s;
    case 'DraftApproved':
      if (s.draft) s.draft = { ...s.draft, approvedBy: [...s.draft.approvedBy, event.data.party] };
      return s;
    case 'DraftFinalized':
      s.stage = 'awaiting-signatures';
      return s;
    case 'SigningScheduled':
      s.signingScheduledOn = event.data.date;
      return s;
    case 'AgreementSigned':
      s.signatures = [...s.signatures, { party: event.data.party, date: event.data.date }];
      return s;
    case 'AgreementActivated':
      s.stage = 'active';
      s.dates = { ...s.dates, signed: event.data.validFrom, validUntil: event.data.validUntil };
      return s;
    case 'ReciprocalVisitRequested': {
      const { visitId, host, visitor, on } = event.data;
      s.visits = [...s.visits, { visitId, host, visitor, status: 'requested', requestedOn: on }];
      return s;
    }
    case 'ReciprocalVisitScheduled':
      return updateVisit(s, event.data.visitId, { status: 'scheduled', date: event.data.date });
    case 'ReciprocalVisitHeld':
      return updateVisit(s, event.data.visitId, { status: 'held', date: event.data.date });
    case 'ReciprocalVisitCancelled':
      return updateVisit(s, event.data.visitId, { status: 'cancelled' });
    case 'SemesterReportSubmitted': {
      const { party, year, semester } = event.data;
      s.semesterReports = [...s.semesterReports, { party, year, semester }];
      return s;
    }
    case 'MonevRecorded': {
      const { date, party, rating, recommendation } = event.data;
      s.monev = [...s.monev, { date, party, rating, recommendation }];
      return s;
    }
    case 'AgreementAmended':
      s.amendments = event.data.amendmentNo;
      if (event.data.addedFields) s.fields = [...s.fields, ...event.data.addedFields];
      return s;
    case 'AgreementExtended':
      s.dates = { ...s.dates, validUntil: event.data.validUntil };
      return s;
    case 'AgreementTerminated':
      s.stage = 'terminated';
      s.dates = { ...s.dates, ended: event.data.on };
      s.ending = { how: 'terminated', reason: event.data.ground };
      return s;
    case 'AgreementExpired':
      s.stage = 'expired';
      s.dates = { ...s.dates, ended: event.data.on };
      s.ending = { how: 'expired' };
      return s;
    case 'PksDrafted': {
      const { pksId, title, field, leadOpds, dprdRequiredFor, on } = event.data;
      const dprd = Object.fromEntries(dprdRequiredFor.map((party) => [party, 'not-requested' as const]));
      s.pks = [...s.pks, { pksId, title, field, stage: 'drafting', leadOpds, draftedOn: on, dprd, signedBy: [], amendments: 0 }];
      return s;
    }
    case 'PksRevised':
      return updatePks(s, event.data.pksId, (p) => ({
        draftVersion: event.data.version,
        dprd: Object.fromEntries(Object.keys(p.dprd).map((party) => [party, 'not-requested' as const])),
      }));
    case 'PksDprdApprovalRequested':
      return updatePks(s, event.data.pksId, (p) => ({ dprd: { ...p.dprd, [event.data.party]: 'requested' } }));
    case 'PksDprdApprovalDecided':
      return updatePks(s, event.data.pksId, (p) => ({
        dprd: { ...p.dprd, [event.data.party]: event.data.approved ? 'approved' : 'rejected' },
      }));
    case 'PksSigned':
      return updatePks(s, event.data.pksId, (p) => ({ signedBy: [...p.signedBy, event.data.party] }));
    case 'PksActivated':
      return updatePks(s, event.data.pksId, () => ({
        stage: 'active',
        validFrom: event.data.validFrom,
        validUntil: event.data.validUntil,
      }));
    case 'PksAmended':
      return updatePks(s, event.data.pksId, () => ({ amendments: event.data.amendmentNo }));
    case 'PksExtended':
      return updatePks(s, event.data.pksId, () => ({ validUntil: event.data.validUntil }));
    case 'PksTerminated':
      return updatePks(s, event.data.pksId, () => ({ stage: 'terminated', endedOn: event.data.on }));
    case 'PksExpired':
      return updatePks(s, event.data.pksId, () => ({ stage: 'expired', endedOn: event.data.on }));
    case 'PksEndedWithAgreement':
      return updatePks(s, event.data.pksId, () => ({ stage: 'ended-with-agreement', endedOn: event.data.on }));
    case 'PksImported': {
      const { pksId, title, field, leadOpds, signatures, validFrom, validUntil, status: stage, ending, source, on } = event.data;
      const signedBy = signatures.map((signature) => signature.party);
      const ended = ending ? { endedOn: ending.on } : {};
      const pks: PksStatus = { pksId, title, field, stage, leadOpds, draftedOn: validFrom, dprd: {}, signedBy, validFrom, validUntil, amendments: 0, ...ended, imported: { on, source } };
      s.pks = [...s.pks, pks];
      return s;
    }
    case 'FollowUpAssigned': {
      const { followUpId, pksId, party, opd, action, dueDate, on } = event.data;
      const followUp: FollowUpSummary = {
        followUpId,
        ...(pksId ? { pksId } : {}),
        party,
        opd,
        action,
        assignedOn: on,
        dueDate,
        status: 'assigned',
        percent: 0,
      };
      s.followUps = [...s.followUps, followUp];
      return s;
    }
    case 'FollowUpAcknowledged':
      return updateFollowUp(s, event.data.followUpId, { status: 'acknowledged' });
    case 'FollowUpProgressReported':
      return updateFollowUp(s, event.data.followUpId, { status: 'in-progress', percent: event.data.percent });
    case 'FollowUpCompleted':
      return updateFollowUp(s, event.data.followUpId, { status: 'completed', percent: 100, completedOn: event.data.on });
    case 'FollowUpDueDateExtended':
      return updateFollowUp(s, event.data.followUpId, { dueDate: event.data.dueDate });
    case 'FollowUpCancelled':
      return updateFollowUp(s, event.data.followUpId, { status: 'cancelled' });
    default:
      return ignoreUnknown(event, status);
  }
}

function importedStatus(agreementId: string, d: AgreementImported['data'], lastEvent: AgreementStatus['lastEvent']): AgreementStatus {
  const firstSigned = d.signatures.map((signature) => signature.date).reduce((a, b) => (b < a ? b : a));
  const ended = d.ending ? { ended: d.ending.on } : {};
  return {
    agreementId,
    title: d.title,
    stage: d.status,
    kind: d.kind,
    proposer: d.proposer,
    counterparts: d.counterparts,
    parties: [d.proposer, ...d.counterparts],
    fields: d.fields,
    termMonths: monthsBetween(d.validFrom, d.validUntil),
    offer: { letterNumber: '', accepted: d.counterparts },
    signatures: d.signatures.map(({ party, date }) => ({ party, date })),
    dates: { offered: firstSigned, signed: d.validFrom, validUntil: d.validUntil, ...ended },
    ...(d.status === 'active' ? {} : { ending: { how: d.status, ...(d.ending?.ground ? { reason: d.ending.ground } : {}) } }),
    amendments: 0,
    pks: [],
    followUps: [],
    visits: [],
    semesterReports: [],
    monev: [],
    imported: { on: d.on, source: d.source },
    lastEvent,
  };
}

const lastEventOf = (event: RecordedEvent): AgreementStatus['lastEvent'] => ({
  position: event.position,
  type: event.type,
  occurredAt: event.metadata.occurredAt,
});

// These change the fresh copy `evolveStatus` made, replacing (never changing) the list they update.
function updatePks(s: AgreementStatus, pksId: string, change: (pks: PksStatus) => Partial<PksStatus>): AgreementStatus {
  s.pks = s.pks.map((p) => (p.pksId === pksId ? { ...p, ...change(p) } : p));
  return s;
}

function updateFollowUp(s: AgreementStatus, followUpId: string, change: Partial<FollowUpSummary>): AgreementStatus {
  s.followUps = s.followUps.map((f) => (f.followUpId === followUpId ? { ...f, ...change } : f));
  return s;
}

function updateVisit(s: AgreementStatus, visitId: string, change: Partial<VisitSummary>): AgreementStatus {
  s.visits = s.visits.map((v) => (v.visitId === visitId ? { ...v, ...change } : v));
  return s;
}
