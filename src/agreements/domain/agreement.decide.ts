import { assertNever } from '../../core/decider';
import { addMonths, type IsoDate } from './dates';
import type { AgreementCommand, CommandData, DecisionContext, OpenFollowUp } from './agreement.commands';
import * as E from './agreement.errors';
import type {
  AgreementEvent,
  FollowUpAssigned,
  FollowUpCancelled,
  ImportedEnding,
  ImportedStatus,
  PksEndedWithAgreement,
  ReciprocalVisitCancelled,
} from './agreement.events';
import {
  type AgreementInForce,
  type AgreementState,
  type FollowUp,
  type Pks,
  type ReciprocalVisit,
  type RecordedAgreement,
  isBeforeSignature,
  isFollowUpOpen,
  isInForce,
  isPksEnded,
} from './agreement.state';

export function decideAgreement(command: AgreementCommand, state: AgreementState): AgreementEvent[] {
  if (command.type === 'ProposeAgreement') return propose(command.data, state, command.context);
  if (command.type === 'ImportAgreement' && state.stage === 'none') return importAgreement(command.data, command.context.today);
  if (state.stage === 'none') throw new E.AgreementNotFound();
  const { today, policy } = command.context;
  // Every step comes after the offer; the day of a step is the day its rules are checked on.
  const { offerLetter } = state;
  if (offerLetter && today < offerLetter.date) throw new E.StepBeforeItsPrerequisite('a step of this agreement', 'the offer letter', offerLetter.date);

  switch (command.type) {
    case 'AcceptOffer': {
      const { party } = command.data;
      requireOpenOffer(state, party);
      if (state.accepted.includes(party)) throw new E.OfferAlreadyAnswered(party);
      const allAccepted = state.counterparts.every((c) => c === party || state.accepted.includes(c));
      return [
        { type: 'OfferAccepted', data: { party } },
        ...(allAccepted ? [{ type: 'NegotiationOpened' as const, data: { on: today } }] : []),
      ];
    }
    case 'DeclineOffer': {
      const { party, reason } = command.data;
      requireOpenOffer(state, party);
      requireText(reason, 'reason');
      if (state.accepted.includes(party)) throw new E.OfferAlreadyAnswered(party);
      return [{ type: 'OfferDeclined', data: { party, reason } }];
    }
    case 'WithdrawAgreement':
      if (!isBeforeSignature(state.stage)) throw new E.WithdrawalNotAllowed(state.stage);
      requireText(command.data.reason, 'reason');
      return [{ type: 'AgreementWithdrawn', data: { reason: command.data.reason, on: today } }];
    case 'ReviseDraft': {
      requireNegotiation(state);
      if (Object.keys(state.signatures).length > 0) throw new E.DraftAlreadySigned();
      const termMonths = command.data.termMonths ?? state.termMonths;
      requireTermWithin(termMonths, policy.ksbMaxTermMonths.value, 'termMonths');
      const { documentSha256, summary } = command.data;
      const version = (state.draft?.version ?? 0) + 1;
      return [{ type: 'DraftRevised', data: { version, documentSha256, summary, termMonths } }];
    }
    case 'ApproveDraft': {
      const { party, version } = command.data;
      requireNegotiation(state);
      if (!state.draft) throw new E.NoDraftYet();
      requireParty(state, party);
      if (version !== state.draft.version) throw new E.DraftVersionOutdated(version, state.draft.version);
      if (state.approvals.includes(party)) throw new E.DraftAlreadyApproved(party, version);
      const allApproved = state.parties.every((p) => p === party || state.approvals.includes(p));
      return [
        { type: 'DraftApproved', data: { party, version } },
        ...(allApproved ? [{ type: 'DraftFinalized' as const, data: { version, on: today } }] : []),
      ];
    }
    case 'ScheduleSigning':
      requireNegotiation(state);
      return [{ type: 'SigningScheduled', data: command.data }];
    case 'SignAgreement': {
      const { party, date } = command.data;
      if (state.stage !== 'awaiting-signatures') throw new E.NotAwaitingSignatures(state.stage);
      requireParty(state, party);
      requireDatedWithin(date, 'date', today, state.draftApprovedOn, 'the approval of the draft by every TKKSD');
      if (state.signatures[party]) throw new E.PartyAlreadySigned(party);
      const signed: AgreementEvent = { type: 'AgreementSigned', data: command.data };
      const pending = state.parties.filter((p) => p !== party && !state.signatures[p]);
      if (pending.length > 0) return [signed];
      // The policy in force when the agreement takes effect bounds its term, whatever it was when drafted.
      requireTermWithin(state.termMonths, policy.ksbMaxTermMonths.value, 'termMonths');
      const validFrom = latest([date, ...Object.values(state.signatures).map((s) => s.date)]);
      return [signed, { type: 'AgreementActivated', data: { validFrom, validUntil: addMonths(validFrom, state.termMonths) } }];
    }
    case 'RequestReciprocalVisit': {
      const { host, visitor, purpose } = command.data;
      requireActive(state, today);
      requireParty(state, host, 'host');
      requireParty(state, visitor, 'visitor');
      if (host === visitor) throw new E.VisitHostIsVisitor();
      const visitId = `visit-${state.visits.length + 1}`;
      return [{ type: 'ReciprocalVisitRequested', data: { visitId, host, visitor, purpose, on: today } }];
    }
    case 'ScheduleReciprocalVisit': {
      requireActive(state, today);
      const visit = findVisit(state, command.data.visitId);
      if (visit.status !== 'requested' && visit.status !== 'scheduled') throw new E.VisitNotOpen(visit.visitId, visit.status);
      return [{ type: 'ReciprocalVisitScheduled', data: command.data }];
    }
    case 'RecordReciprocalVisit': {
      requireActive(state, today);
      const visit = findVisit(state, command.data.visitId);
      if (visit.status === 'requested') throw new E.VisitNotScheduled(visit.visitId);
      if (visit.status !== 'scheduled') throw new E.VisitNotOpen(visit.visitId, visit.status);
      return [{ type: 'ReciprocalVisitHeld', data: command.data }];
    }
    case 'CancelReciprocalVisit': {
      const visit = findVisit(state, command.data.visitId);
      requireText(command.data.reason, 'reason');
      if (visit.status !== 'requested' && visit.status !== 'scheduled') throw new E.VisitNotOpen(visit.visitId, visit.status);
      return [{ type: 'ReciprocalVisitCancelled', data: command.data }];
    }
    case 'SubmitSemesterReport': {
      const { party, year, semester } = command.data;
      // A report may still be owed for the last semesters of an agreement that has since ended.
      if (!isInForce(state)) throw new E.AgreementNotActive(state.stage);
      requireParty(state, party);
      if (state.semesterReports.some((r) => r.party === party && r.year === year && r.semester === semester))
        throw new E.SemesterAlreadyReported(party, year, semester);
      return [{ type: 'SemesterReportSubmitted', data: { ...command.data, on: today } }];
    }
    case 'RecordMonev': {
      const { party, rating, date } = command.data;
      const active = requireActive(state, today);
      requireParty(state, party);
      requireDatedWithin(date, 'date', today, active.validFrom, 'the activation of the KSB');
      if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new E.RatingOutOfRange(rating);
      return [{ type: 'MonevRecorded', data: command.data }];
    }
    case 'AmendAgreement': {
      const { documentSha256, summary, signatures, addedFields, scope } = command.data;
      requireActive(state, today);
      signatures.forEach((s) => requireParty(state, s.party, 'signatures'));
      const missing = state.parties.filter((p) => !signatures.some((s) => s.party === p));
      if (missing.length > 0) throw new E.AmendmentSignaturesIncomplete(missing);
      const known = addedFields?.find((field, i) => state.fields.includes(field) || addedFields.indexOf(field) !== i);
      if (known !== undefined) throw new E.FieldAlreadyInAgreement(known);
      if (scope !== undefined) requireText(scope, 'scope');
      const amendmentNo = state.amendments.length + 1;
      const changes = { ...(addedFields?.length ? { addedFields } : {}), ...(scope !== undefined ? { scope } : {}) };
      return [{ type: 'AgreementAmended', data: { amendmentNo, documentSha256, summary, signatures, ...changes } }];
    }
    case 'ExtendAgreement': {
      const { validUntil } = command.data;
      const current = requireActive(state, today).validUntil;
      if (validUntil <= current) throw new E.DateNotLater('validUntil', current);
      requireEndWithin(today, validUntil, policy.ksbMaxTermMonths.value);
      return [{ type: 'AgreementExtended', data: { previousValidUntil: current, validUntil, on: today } }];
    }
    case 'TerminateAgreement': {
      requireActive(state, today);
      const { ground, note } = command.data;
      requireText(note, 'note');
      return [{ type: 'AgreementTerminated', data: { ground, note, on: today } }, ...endEverythingUnder(state, today)];
    }
    case 'ExpireAgreement': {
      if (state.stage !== 'active') throw new E.AgreementNotActive(state.stage);
      const { validUntil } = state;
      if (today < validUntil) throw new E.NotYetExpired(validUntil);
      return [{ type: 'AgreementExpired', data: { on: validUntil } }, ...endEverythingUnder(state, validUntil)];
    }
    case 'ImportAgreement':
      throw new E.AgreementAlreadyExists();
    case 'ImportPks':
      return importPks(command.data, state, today);
    case 'DraftPks':
      return draftPks(command.data, state, command.context);
    case 'RevisePks': {
      const pks = requirePksDraft(state, command.data.pksId);
      if (Object.keys(pks.signatures).length > 0) throw new E.DraftAlreadySigned();
      const version = (pks.draft?.version ?? 0) + 1;
      return [{ type: 'PksRevised', data: { ...command.data, version } }];
    }
    case 'RequestPksDprdApproval': {
      const { pksId, party } = command.data;
      const pks = requirePksDraft(state, pksId);
      if (!pks.draft) throw new E.PksDocumentMissing(pksId);
      const dprd = pks.dprd[party];
      if (!dprd) throw new E.DprdApprovalNotRequired(party);
      if (dprd.status === 'requested') throw new E.DprdApprovalPending(party);
      if (dprd.status === 'approved') throw new E.DprdAlreadyApproved(party);
      return [{ type: 'PksDprdApprovalRequested', data: { pksId, party, version: pks.draft.version } }];
    }
    case 'DecidePksDprdApproval': {
      const { pksId, party } = command.data;
      const pks = requirePksDraft(state, pksId);
      if (!pks.draft || pks.dprd[party]?.status !== 'requested') throw new E.DprdApprovalNotRequested(party);
      return [{ type: 'PksDprdApprovalDecided', data: { ...command.data, version: pks.draft.version } }];
    }
    case 'SignPks':
      return signPks(command.data, state, today);
    case 'AmendPks': {
      const pks = requireActivePks(state, command.data.pksId, today);
      const amendmentNo = pks.amendments.length + 1;
      return [{ type: 'PksAmended', data: { ...command.data, amendmentNo, on: today } }];
    }
    case 'ExtendPks': {
      const { pksId, validUntil } = command.data;
      const pks = requireActivePks(state, pksId, today);
      const current = pks.validUntil ?? today;
      if (validUntil <= current) throw new E.DateNotLater('validUntil', current);
      if (isInForce(state) && validUntil > state.validUntil) throw new E.PksWouldOutliveAgreement('validUntil', state.validUntil);
      requireEndWithin(today, validUntil, policy.pksMaxTermMonths.value);
      return [{ type: 'PksExtended', data: { pksId, previousValidUntil: current, validUntil, on: today } }];
    }
    case 'TerminatePks': {
      const { pksId, ground, note } = command.data;
      const pks = findPks(state, pksId);
      requireText(note, 'note');
      if (isPksEnded(pks.stage)) throw new E.PksEnded(pksId, pks.stage);
      return [{ type: 'PksTerminated', data: { pksId, ground, note, on: today } }, ...cancelFollowUpsOf(state, pksId)];
    }
    case 'ExpirePks': {
      const { pksId } = command.data;
      const pks = findPks(state, pksId);
      if (pks.stage !== 'active' || !pks.validUntil) throw new E.PksNotActive(pksId, pks.stage);
      const validUntil = pks.validUntil;
      if (today < validUntil) throw new E.NotYetExpired(validUntil);
      return [{ type: 'PksExpired', data: { pksId, on: validUntil } }, ...cancelFollowUpsOf(state, pksId)];
    }
    case 'AssignFollowUp': {
      const { pksId, party, opd, action, dueDate } = command.data;
      requireActive(state, today);
      if (pksId) {
        const pks = findPks(state, pksId);
        if (isPksEnded(pks.stage)) throw new E.PksEnded(pksId, pks.stage);
      }
      requireParty(state, party);
      if (dueDate < today) throw new E.DueDateInPast(today);
      const followUpId = `tl-${state.followUps.length + 1}`;
      return [
        {
          type: 'FollowUpAssigned',
          data: { followUpId, ...(pksId ? { pksId } : {}), party, opd, action, dueDate, on: today },
        },
      ];
    }
    case 'AcknowledgeFollowUp': {
      const followUp = requireOpenFollowUp(state, command.data.followUpId);
      if (followUp.status !== 'assigned') throw new E.FollowUpAlreadyAcknowledged(followUp.followUpId);
      return [{ type: 'FollowUpAcknowledged', data: command.data }];
    }
    case 'ReportFollowUpProgress': {
      const followUp = requireAcknowledged(state, command.data.followUpId);
      const { percent } = command.data;
      if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new E.ProgressOutOfRange(percent);
      if (percent < followUp.percent) throw new E.ProgressCannotDecrease(followUp.percent);
      return [{ type: 'FollowUpProgressReported', data: { ...command.data, on: today } }];
    }
    case 'CompleteFollowUp': {
      requireAcknowledged(state, command.data.followUpId);
      if (command.data.evidence.length === 0) throw new E.EvidenceRequired();
      return [{ type: 'FollowUpCompleted', data: { ...command.data, on: today } }];
    }
    case 'ExtendFollowUpDueDate': {
      const { followUpId, dueDate, reason } = command.data;
      const followUp = requireOpenFollowUp(state, followUpId);
      requireText(reason, 'reason');
      if (dueDate <= followUp.dueDate) throw new E.DateNotLater('dueDate', followUp.dueDate);
      return [
        { type: 'FollowUpDueDateExtended', data: { followUpId, previousDueDate: followUp.dueDate, dueDate, reason } },
      ];
    }
    case 'CancelFollowUp':
      requireOpenFollowUp(state, command.data.followUpId);
      requireText(command.data.reason, 'reason');
      return [{ type: 'FollowUpCancelled', data: { ...command.data, cause: 'requested' } }];
    default:
      return assertNever(command);
  }
}

function propose(
  data: CommandData<'ProposeAgreement'>,
  state: AgreementState,
  { policy }: DecisionContext,
): AgreementEvent[] {
  if (state.stage !== 'none') throw new E.AgreementAlreadyExists();
  if (data.counterparts.length === 0) throw new E.NoCounterpart();
  if (data.counterparts.includes(data.proposer)) throw new E.CounterpartIsProposer();
  const duplicate = data.counterparts.find((c, i) => data.counterparts.indexOf(c) !== i);
  if (duplicate) throw new E.DuplicateCounterpart(duplicate);
  if (data.fields.length === 0) throw new E.NoFieldOfCooperation();
  requireTermWithin(data.termMonths, policy.ksbMaxTermMonths.value, 'termMonths');
  return [{ type: 'AgreementProposed', data }];
}

/** An agreement signed before Sinergi: checked as a whole, since there was no step in Sinergi to check it on the way. */
function importAgreement(data: CommandData<'ImportAgreement'>, today: IsoDate): AgreementEvent[] {
  const { openFollowUps, ...imported } = data;
  if (data.counterparts.length === 0) throw new E.NoCounterpart();
  if (data.counterparts.includes(data.proposer)) throw new E.CounterpartIsProposer();
  const duplicate = data.counterparts.find((c, i) => data.counterparts.indexOf(c) !== i);
  if (duplicate) throw new E.DuplicateCounterpart(duplicate);
  if (data.fields.length === 0) throw new E.NoFieldOfCooperation();
  const parties = [data.proposer, ...data.counterparts];
  const term = importedTerm(parties, data, today);
  const followUps = openFollowUpsOf(openFollowUps, { parties, status: data.status, assigned: 0, today });
  // Completed in place (a fresh object): a literal of two spreads and new properties is slow to build and to hash.
  return [{ type: 'AgreementImported', data: Object.assign(imported, term, { on: today }) }, ...followUps];
}

function importPks(data: CommandData<'ImportPks'>, state: RecordedAgreement, today: IsoDate): AgreementEvent[] {
  const { openFollowUps, ...imported } = data;
  if (!state.fields.includes(data.field)) throw new E.FieldNotInAgreement(data.field);
  data.leadOpds.forEach((l) => requireParty(state, l.party, 'leadOpds'));
  const missing = state.parties.filter((p) => data.leadOpds.filter((l) => l.party === p).length !== 1);
  if (missing.length > 0) throw new E.LeadOpdMissing(missing);
  for (const { signatory, date } of data.signatures) {
    if (signatory.capacity === 'opd-head' && !signatory.skkNumber?.trim()) throw new E.SkkNumberRequired();
    if (isInForce(state) && date < state.validFrom) throw new E.PksSignedBeforeAgreement(state.validFrom);
  }
  const term = importedTerm(state.parties, data, today);
  if (isInForce(state) && data.validUntil > state.validUntil) throw new E.PksWouldOutliveAgreement('validUntil', state.validUntil);
  if (data.status === 'active' && state.stage !== 'active') throw new E.AgreementNotActive(state.stage);
  const numbers = documentNumbersOf(data.signatures);
  const known = state.pks.find(
    (p) => documentNumbersOf(Object.entries(p.signatures).map(([party, s]) => ({ party, ...s }))) === numbers,
  );
  if (known) throw new E.PksAlreadyRecorded(known.pksId);
  const pksId = `pks-${state.pks.length + 1}`;
  const followUps = openFollowUpsOf(openFollowUps, {
    parties: state.parties,
    status: data.status,
    assigned: state.followUps.length,
    today,
    pksId,
  });
  return [{ type: 'PksImported', data: Object.assign(imported, term, { pksId, on: today }) }, ...followUps];
}

/**
 * The term of an agreement brought in: one signature per party, none after today; valid from the last signature;
 * a status that fits its end date (an expired one ended on it, a terminated one names its ground).
 */
function importedTerm(
  parties: string[],
  data: { signatures: { party: string; date: IsoDate }[]; validUntil: IsoDate; status: ImportedStatus; ending?: ImportedEnding },
  today: IsoDate,
): { validFrom: IsoDate; ending?: ImportedEnding } {
  data.signatures.forEach((s, i) => {
    if (!parties.includes(s.party)) throw new E.NotAParty(s.party, `signatures.${i}.party`);
    if (s.date > today) throw new E.DateInFuture(`signatures.${i}.date`, today);
  });
  const unsigned = parties.filter((p) => data.signatures.filter((s) => s.party === p).length !== 1);
  if (unsigned.length > 0) throw new E.SignatureMissing(unsigned);
  const validFrom = latest(data.signatures.map((s) => s.date));
  const { status, validUntil, ending } = data;
  if (validUntil <= validFrom) throw new E.DateNotLater('validUntil', validFrom);
  switch (status) {
    case 'active':
      if (validUntil <= today) throw new E.ImportedStatusContradictsDates(status, validUntil, today);
      return { validFrom };
    case 'expired':
      if (validUntil > today) throw new E.ImportedStatusContradictsDates(status, validUntil, today);
      return { validFrom, ending: { on: validUntil, note: ending?.note ?? '' } };
    case 'terminated':
      if (!ending?.ground || ending.on < validFrom || ending.on > today || ending.on > validUntil) {
        throw new E.TerminationGroundRequired();
      }
      return { validFrom, ending };
    default:
      return assertNever(status);
  }
}

function openFollowUpsOf(
  openFollowUps: OpenFollowUp[],
  under: { parties: string[]; status: ImportedStatus; assigned: number; today: IsoDate; pksId?: string },
): FollowUpAssigned[] {
  if (openFollowUps.length > 0 && under.status !== 'active') throw new E.OpenFollowUpUnderEndedAgreement();
  return openFollowUps.map((followUp, i) => {
    if (!under.parties.includes(followUp.party)) throw new E.NotAParty(followUp.party, `openFollowUps.${i}.party`);
    const followUpId = `tl-${under.assigned + i + 1}`;
    const pks = under.pksId ? { pksId: under.pksId } : {};
    return { type: 'FollowUpAssigned', data: { followUpId, ...pks, ...followUp, on: under.today } };
  });
}

/** What identifies a signed agreement: each party's own document number. */
const documentNumbersOf = (signatures: { party: string; documentNumber: string }[]): string =>
  signatures
    .map((s) => `${s.party}:${s.documentNumber.trim().toUpperCase()}`)
    .sort()
    .join('|');

function draftPks(data: CommandData<'DraftPks'>, state: RecordedAgreement, { today, policy }: DecisionContext): AgreementEvent[] {
  const ksbEnd = requireActive(state, today).validUntil;
  if (!state.fields.includes(data.field)) throw new E.FieldNotInAgreement(data.field);
  data.leadOpds.forEach((l) => requireParty(state, l.party, 'leadOpds'));
  const missing = state.parties.filter((p) => data.leadOpds.filter((l) => l.party === p).length !== 1);
  if (missing.length > 0) throw new E.LeadOpdMissing(missing);
  data.dprdRequiredFor.forEach((p) => requireParty(state, p, 'dprdRequiredFor'));
  requireTermWithin(data.termMonths, policy.pksMaxTermMonths.value, 'termMonths');
  if (addMonths(today, data.termMonths) > ksbEnd) throw new E.PksWouldOutliveAgreement('termMonths', ksbEnd);
  const pksId = `pks-${state.pks.length + 1}`;
  return [{ type: 'PksDrafted', data: { pksId, ...data, on: today } }];
}

function signPks(data: CommandData<'SignPks'>, state: RecordedAgreement, today: IsoDate): AgreementEvent[] {
  const { pksId, party, signatory, date } = data;
  const ksbEnd = requireActive(state, today).validUntil;
  if (date >= ksbEnd) throw new E.PksWouldOutliveAgreement('date', ksbEnd);
  const pks = requirePksDraft(state, pksId);
  requireDatedWithin(date, 'date', today, pks.draftedOn, 'the draft of the PKS');
  if (!pks.draft) throw new E.PksDocumentMissing(pksId);
  requireParty(state, party);
  if (signatory.capacity === 'opd-head' && !signatory.skkNumber?.trim()) throw new E.SkkNumberRequired();
  const unapproved = Object.entries(pks.dprd).filter(([, d]) => d.status !== 'approved').map(([p]) => p);
  if (unapproved.length > 0) throw new E.DprdApprovalMissing(unapproved);
  if (pks.signatures[party]) throw new E.PartyAlreadySigned(party);
  const signed: AgreementEvent = { type: 'PksSigned', data };
  if (state.parties.some((p) => p !== party && !pks.signatures[p])) return [signed];
  const validFrom = latest([date, ...Object.values(pks.signatures).map((s) => s.date)]);
  // The PKS runs for its term, but never past its KSB: the cap is recorded in the event.
  const validUntil = earliest([addMonths(validFrom, pks.termMonths), ksbEnd]);
  return [signed, { type: 'PksActivated', data: { pksId, validFrom, validUntil } }];
}

/**
 * When a KSB ends, its PKS end with it, and its open follow-ups and reciprocal visits are cancelled, in the
 * same append.
 */
function endEverythingUnder(state: RecordedAgreement, on: IsoDate): AgreementEvent[] {
  const pks: PksEndedWithAgreement[] = state.pks
    .filter((p) => !isPksEnded(p.stage))
    .map((p) => ({ type: 'PksEndedWithAgreement', data: { pksId: p.pksId, on } }));
  const visits: ReciprocalVisitCancelled[] = state.visits
    .filter((v) => v.status === 'requested' || v.status === 'scheduled')
    .map((v) => ({ type: 'ReciprocalVisitCancelled', data: { visitId: v.visitId, reason: 'the KSB ended' } }));
  return [...pks, ...cancelFollowUps(state.followUps.filter((f) => isFollowUpOpen(f.status)), 'the KSB ended'), ...visits];
}

function cancelFollowUpsOf(state: RecordedAgreement, pksId: string): FollowUpCancelled[] {
  return cancelFollowUps(
    state.followUps.filter((f) => f.pksId === pksId && isFollowUpOpen(f.status)),
    'the PKS ended',
  );
}

function cancelFollowUps(followUps: FollowUp[], reason: string): FollowUpCancelled[] {
  return followUps.map((f) => ({
    type: 'FollowUpCancelled',
    data: { followUpId: f.followUpId, reason, cause: 'parent-ended' },
  }));
}

function requireOpenOffer(state: RecordedAgreement, party: string): void {
  if (state.stage !== 'proposed') throw new E.OfferNotOpen(state.stage);
  if (!state.counterparts.includes(party)) throw new E.NotACounterpart(party);
}

function requireNegotiation(state: RecordedAgreement): void {
  if (state.stage !== 'negotiating' && state.stage !== 'awaiting-signatures') throw new E.NotInNegotiation(state.stage);
}

function requireParty(state: RecordedAgreement, party: string, field = 'party'): void {
  if (!state.parties.includes(party)) throw new E.NotAParty(party, field);
}

/**
 * Returns the KSB in force, with its term. An agreement past its end date is no longer active, even before the
 * engine has recorded its expiry: only the expiry itself (and late reports) may follow.
 */
function requireActive(state: RecordedAgreement, today: IsoDate): AgreementInForce {
  if (state.stage !== 'active') throw new E.AgreementNotActive(state.stage);
  if (today < state.validFrom) throw new E.StepBeforeItsPrerequisite('this step', 'the activation of the KSB', state.validFrom);
  if (today >= state.validUntil) throw new E.AgreementNotActive(`past its end date ${state.validUntil}`);
  return state;
}

/** A date the step names (a signature's, a monev's): not after the step's own day, not before what must precede it. */
function requireDatedWithin(date: IsoDate, field: string, today: IsoDate, earliest: IsoDate | undefined, prerequisite: string): void {
  if (date > today) throw new E.StepDatedInFuture(field, today);
  if (earliest && (date < earliest || today < earliest)) throw new E.StepBeforeItsPrerequisite(`the ${field} of this step`, prerequisite, earliest, field);
}

function requireTermWithin(months: number, maxMonths: number, field: string): void {
  if (!Number.isInteger(months) || months < 1) throw new E.TermTooShort(field, months);
  if (months > maxMonths) throw new E.TermExceedsPolicy(field, months, maxMonths);
}

function requireText(value: string, field: string): void {
  if (value.trim() === '') throw new E.ReasonRequired(field);
}

function requireEndWithin(today: IsoDate, end: IsoDate, maxMonths: number): void {
  if (end > addMonths(today, maxMonths)) throw new E.TermExceedsPolicy('validUntil', maxMonths + 1, maxMonths);
}

function findVisit(state: RecordedAgreement, visitId: string): ReciprocalVisit {
  const visit = state.visits.find((v) => v.visitId === visitId);
  if (!visit) throw new E.VisitNotFound(visitId);
  return visit;
}

function findPks(state: RecordedAgreement, pksId: string): Pks {
  const pks = state.pks.find((p) => p.pksId === pksId);
  if (!pks) throw new E.PksNotFound(pksId);
  return pks;
}

function requirePksDraft(state: RecordedAgreement, pksId: string): Pks {
  const pks = findPks(state, pksId);
  if (pks.stage !== 'drafting') throw new E.PksNotInDrafting(pksId, pks.stage);
  return pks;
}

function requireActivePks(state: RecordedAgreement, pksId: string, today: IsoDate): Pks {
  const pks = findPks(state, pksId);
  if (pks.stage !== 'active') throw new E.PksNotActive(pksId, pks.stage);
  if (pks.validUntil && today >= pks.validUntil) throw new E.PksNotActive(pksId, `past its end date ${pks.validUntil}`);
  return pks;
}

function requireOpenFollowUp(state: RecordedAgreement, followUpId: string): FollowUp {
  const followUp = state.followUps.find((f) => f.followUpId === followUpId);
  if (!followUp) throw new E.FollowUpNotFound(followUpId);
  if (!isFollowUpOpen(followUp.status)) throw new E.FollowUpClosed(followUpId, followUp.status);
  return followUp;
}

function requireAcknowledged(state: RecordedAgreement, followUpId: string): FollowUp {
  const followUp = requireOpenFollowUp(state, followUpId);
  if (followUp.status === 'assigned') throw new E.FollowUpNotAcknowledged(followUpId);
  return followUp;
}

const latest = (dates: IsoDate[]): IsoDate => dates.reduce((a, b) => (b > a ? b : a));
const earliest = (dates: IsoDate[]): IsoDate => dates.reduce((a, b) => (b < a ? b : a));
