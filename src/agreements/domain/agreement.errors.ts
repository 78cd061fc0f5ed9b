import { InvalidInput, LifecycleError, NotFound } from '../../core/domain-error';

// Input that can never be right for this agreement: HTTP 400, with the field.
export class UnknownRegion extends InvalidInput {
  constructor(field: string, code: string) {
    super(`${code} is not an official Kemendagri region code`, field);
  }
}
export class CounterpartIsProposer extends InvalidInput {
  constructor() {
    super('the proposer cannot be its own counterpart', 'counterparts');
  }
}
export class DuplicateCounterpart extends InvalidInput {
  constructor(code: string) {
    super(`counterpart ${code} is listed twice`, 'counterparts');
  }
}
export class NoFieldOfCooperation extends InvalidInput {
  constructor() {
    super('at least one field of cooperation (urusan) is required', 'fields');
  }
}
export class TermExceedsPolicy extends InvalidInput {
  constructor(field: string, months: number, maxMonths: number) {
    super(`a term of ${months} months exceeds the policy maximum of ${maxMonths} months`, field);
  }
}
export class TermTooShort extends InvalidInput {
  constructor(field: string, months: number) {
    super(`a term must be a whole number of months, at least 1 (got ${months})`, field);
  }
}
export class ReasonRequired extends InvalidInput {
  constructor(field: string) {
    super(`${field} must say why: it is recorded for the auditors`, field);
  }
}
export class ProgressOutOfRange extends InvalidInput {
  constructor(percent: number) {
    super(`progress ${percent} is not a whole percentage between 0 and 100`, 'percent');
  }
}
export class NotAParty extends InvalidInput {
  constructor(code: string, field = 'party') {
    super(`${code} is not a party to this agreement`, field);
  }
}
export class NotACounterpart extends InvalidInput {
  constructor(code: string) {
    super(`${code} is not a counterpart of this offer; only counterparts answer an offer`, 'party');
  }
}
export class VisitHostIsVisitor extends InvalidInput {
  constructor() {
    super('a region cannot visit itself', 'visitor');
  }
}
export class RatingOutOfRange extends InvalidInput {
  constructor(rating: number) {
    super(`rating ${rating} is not between 1 and 5`, 'rating');
  }
}
export class AmendmentSignaturesIncomplete extends InvalidInput {
  constructor(missing: string[]) {
    super(`every party signs an addendum; missing: ${missing.join(', ')}`, 'signatures');
  }
}
export class DateNotLater extends InvalidInput {
  constructor(field: string, current: string) {
    super(`the new date must be after the current one (${current})`, field);
  }
}
export class NoCounterpart extends InvalidInput {
  constructor() {
    super('an offer needs at least one counterpart region', 'counterparts');
  }
}
export class FieldNotInAgreement extends InvalidInput {
  constructor(field: string) {
    super(`${field} is not a field of cooperation of this KSB`, 'field');
  }
}
export class FieldAlreadyInAgreement extends InvalidInput {
  constructor(field: string) {
    super(`${field} is already a field of cooperation of this KSB`, 'addedFields');
  }
}
export class LeadOpdMissing extends InvalidInput {
  constructor(parties: string[]) {
    super(`every party names one lead OPD; missing for: ${parties.join(', ')}`, 'leadOpds');
  }
}
export class PksWouldOutliveAgreement extends InvalidInput {
  constructor(field: string, ksbEnd: string) {
    super(`a PKS may not end after its KSB, which ends on ${ksbEnd}`, field);
  }
}
export class SkkNumberRequired extends InvalidInput {
  constructor() {
    super('an OPD head signs only with a special power of attorney (SKK): its number is required', 'signatory.skkNumber');
  }
}
export class DueDateInPast extends InvalidInput {
  constructor(today: string) {
    super(`the due date cannot be before today (${today})`, 'dueDate');
  }
}
export class ProgressCannotDecrease extends InvalidInput {
  constructor(previous: number) {
    super(`progress cannot go below the ${previous}% already reported`, 'percent');
  }
}
export class EvidenceRequired extends InvalidInput {
  constructor() {
    super('completing a follow-up requires at least one piece of evidence (SHA-256)', 'evidence');
  }
}
export class SignatureMissing extends InvalidInput {
  constructor(parties: string[]) {
    super(`every party signs once; no signature, or more than one, for: ${parties.join(', ')}`, 'signatures');
  }
}
export class DateInFuture extends InvalidInput {
  constructor(field: string, today: string) {
    super(`an agreement signed before Sinergi cannot be signed after today (${today})`, field);
  }
}
export class ImportedStatusContradictsDates extends InvalidInput {
  constructor(status: string, validUntil: string, today: string) {
    super(`status ${status} does not fit an end date of ${validUntil} (today is ${today})`, 'status');
  }
}
export class TerminationGroundRequired extends InvalidInput {
  constructor() {
    super('a terminated agreement needs its ground and the day it ended', 'ending');
  }
}
export class PksSignedBeforeAgreement extends InvalidInput {
  constructor(ksbSigned: string) {
    super(`a PKS cannot be signed before its KSB took effect on ${ksbSigned}`, 'signatures');
  }
}
export class OpenFollowUpUnderEndedAgreement extends InvalidInput {
  constructor() {
    super('open follow-ups can only be brought in under an active agreement', 'openFollowUps');
  }
}

// Commands that the lifecycle forbids in the current state: HTTP 409.
export class AgreementAlreadyExists extends LifecycleError {
  constructor() {
    super('this agreement has already been proposed');
  }
}
export class PksAlreadyRecorded extends LifecycleError {
  constructor(pksId: string) {
    super(`a PKS with these document numbers is already recorded under this KSB (${pksId})`);
  }
}
export class OfferNotOpen extends LifecycleError {
  constructor(stage: string) {
    super(`the offer is no longer open (the agreement is ${stage})`);
  }
}
export class OfferAlreadyAnswered extends LifecycleError {
  constructor(party: string) {
    super(`${party} has already accepted this offer`);
  }
}
export class WithdrawalNotAllowed extends LifecycleError {
  constructor(stage: string) {
    super(`an offer can be withdrawn only before the last signature (the agreement is ${stage})`);
  }
}
export class NotInNegotiation extends LifecycleError {
  constructor(stage: string) {
    super(`drafts are revised and approved only during negotiation (the agreement is ${stage})`);
  }
}
export class DraftAlreadySigned extends LifecycleError {
  constructor() {
    super('the draft has been signed by a party; it can no longer be revised');
  }
}
export class NoDraftYet extends LifecycleError {
  constructor() {
    super('there is no draft to approve yet');
  }
}
export class DraftVersionOutdated extends LifecycleError {
  constructor(version: number, latest: number) {
    super(`version ${version} is not the latest draft (version ${latest}); approve the latest one`);
  }
}
export class DraftAlreadyApproved extends LifecycleError {
  constructor(party: string, version: number) {
    super(`the TKKSD of ${party} has already approved version ${version}`);
  }
}
export class NotAwaitingSignatures extends LifecycleError {
  constructor(stage: string) {
    super(`signatures are collected only once every TKKSD has approved the draft (the agreement is ${stage})`);
  }
}
export class PartyAlreadySigned extends LifecycleError {
  constructor(party: string) {
    super(`${party} has already signed`);
  }
}
export class AgreementNotActive extends LifecycleError {
  constructor(stage: string) {
    super(`this requires an active KSB (the agreement is ${stage})`);
  }
}
export class NotYetExpired extends LifecycleError {
  constructor(validUntil: string) {
    super(`the agreement is valid until ${validUntil}; it cannot expire before then`);
  }
}
export class VisitNotOpen extends LifecycleError {
  constructor(visitId: string, status: string) {
    super(`reciprocal visit ${visitId} is ${status}`);
  }
}
export class VisitNotScheduled extends LifecycleError {
  constructor(visitId: string) {
    super(`reciprocal visit ${visitId} has not been scheduled yet`);
  }
}
export class SemesterAlreadyReported extends LifecycleError {
  constructor(party: string, year: number, semester: number) {
    super(`${party} has already reported semester ${semester} of ${year}`);
  }
}
export class PksNotInDrafting extends LifecycleError {
  constructor(pksId: string, stage: string) {
    super(`PKS ${pksId} is ${stage}; it is no longer a draft`);
  }
}
export class PksDocumentMissing extends LifecycleError {
  constructor(pksId: string) {
    super(`PKS ${pksId} has no draft document yet; revise it with the document first`);
  }
}
export class DprdApprovalNotRequired extends LifecycleError {
  constructor(party: string) {
    super(`the DPRD gate does not apply to ${party} for this PKS`);
  }
}
export class DprdApprovalPending extends LifecycleError {
  constructor(party: string) {
    super(`the DPRD of ${party} has already been asked and has not decided yet`);
  }
}
export class DprdAlreadyApproved extends LifecycleError {
  constructor(party: string) {
    super(`the DPRD of ${party} has already approved the latest draft`);
  }
}
export class DprdApprovalNotRequested extends LifecycleError {
  constructor(party: string) {
    super(`no DPRD approval of ${party} is awaiting a decision`);
  }
}
export class DprdApprovalMissing extends LifecycleError {
  constructor(parties: string[]) {
    super(`the DPRD of ${parties.join(', ')} must approve the latest draft before signing`);
  }
}
export class PksNotActive extends LifecycleError {
  constructor(pksId: string, stage: string) {
    super(`PKS ${pksId} is ${stage}, not active`);
  }
}
export class PksEnded extends LifecycleError {
  constructor(pksId: string, stage: string) {
    super(`PKS ${pksId} has ended (${stage})`);
  }
}
export class FollowUpClosed extends LifecycleError {
  constructor(followUpId: string, status: string) {
    super(`follow-up ${followUpId} is ${status}`);
  }
}
export class FollowUpNotAcknowledged extends LifecycleError {
  constructor(followUpId: string) {
    super(`follow-up ${followUpId} must be acknowledged by its OPD first`);
  }
}
export class FollowUpAlreadyAcknowledged extends LifecycleError {
  constructor(followUpId: string) {
    super(`follow-up ${followUpId} has already been acknowledged`);
  }
}

// References to what does not exist: HTTP 404.
export class AgreementNotFound extends NotFound {
  constructor() {
    super('no such agreement');
  }
}
export class PksNotFound extends NotFound {
  constructor(pksId: string) {
    super(`no PKS ${pksId} under this agreement`, 'pksId');
  }
}
export class FollowUpNotFound extends NotFound {
  constructor(followUpId: string) {
    super(`no follow-up ${followUpId} under this agreement`, 'followUpId');
  }
}
export class VisitNotFound extends NotFound {
  constructor(visitId: string) {
    super(`no reciprocal visit ${visitId} under this agreement`, 'visitId');
  }
}

// Steps dated out of order: HTTP 409, the step and the one that must come first.
export class StepBeforeItsPrerequisite extends LifecycleError {
  constructor(step: string, prerequisite: string, on: string, field?: string) {
    super(`${step} cannot be dated before ${prerequisite} (${on})`, field);
  }
}
export class StepDatedInFuture extends LifecycleError {
  constructor(field: string, today: string) {
    super(`${field} cannot be later than the day the step is recorded as happening (${today})`, field);
  }
}
